/*
 * h_targets.c - the commissioner's targets (issue 14; docs/METRICS.md, "Targets"):
 *   GET /api/v1/organisations/{id}/targets  the ICB's targets, by financial year
 *   PUT /api/v1/organisations/{id}/targets/{year}  {fill_rate_percent, spend_pence}: sets the
 *       financial year's targets (2026 is 2026/27), both at once; null or absent is no target
 * For the commissioners of the ICB and system administrators. The overview (GET /api/v1/metrics)
 * holds the figures against them (core/targets.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/funding.h"
#include "core/targets.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/request.h"
#include "http/routes.h"
#include "store/places.h"
#include "store/targets.h"

#define YEAR_MIN 2000
#define YEAR_MAX 2200
/* At most GBP 10 billion a year. */
#define SPEND_MAX_PENCE 1000000000000LL

static bool may_set(const struct fp_auth *a, int64_t icb_id) {
  return fp_auth_has(a, FP_ROLE_SYSADMIN) || fp_auth_has_for(a, FP_ROLE_COMMISSIONER, icb_id);
}

/* The ICB of the path, whose targets the caller may read and set: 0, or -1 once answered. */
static int icb_or_respond(struct fp_req *r, struct fp_conn *c) {
  struct fp_org o = {0};
  int rc = c ? fp_store_org_get(c, r->params[0], &o) : FP_EIO;
  bool icb = rc == 0 && strcmp(o.level, "icb") == 0;
  fp_org_clear(&o);
  if (fp_found_or_respond(r, rc == 0 && !icb ? FP_ENOTFOUND : rc, "ICB", r->params[0])) return -1;
  if (may_set(&r->auth, r->params[0])) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "an ICB's targets are for its commissioners");
  return -1;
}

static json_t *tenths_json(int64_t tenths) {
  return tenths == FP_TARGET_NONE ? json_null() : json_real((double)tenths / 10.0);
}

static json_t *pence_json(int64_t pence) { return pence == FP_TARGET_NONE ? json_null() : json_integer(pence); }

static json_t *target_json(const struct fp_icb_target *t) {
  char name[8];
  fp_financial_year_name(t->t.year, name);
  return json_pack("{s:i, s:s, s:o, s:o, s:o, s:o}", "year", t->t.year, "financial_year", name, "fill_rate_percent",
                   tenths_json(t->t.fill_rate_tenths), "spend_pence", pence_json(t->t.spend_pence), "set_by_user_id",
                   fp_json_id(t->set_by), "set_at", fp_json_time(t->set_at));
}

static void add_target(const struct fp_icb_target *t, void *ctx) { json_array_append_new(ctx, target_json(t)); }

void fp_h_targets(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (icb_or_respond(r, c)) return;
  json_t *years = json_array();
  int rc = fp_store_targets_each(c, r->params[0], YEAR_MIN, YEAR_MAX, add_target, years);
  if (rc) {
    json_decref(years);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, json_pack("{s:I, s:o}", "icb_id", (json_int_t)r->params[0], "years", years));
}

struct set_ctx {
  int64_t icb_id, actor, now;
  struct fp_year_targets t;
};

static int set_tx(struct fp_conn *c, void *vctx) {
  struct set_ctx *x = vctx;
  return fp_store_targets_set(c, x->icb_id, &x->t, x->actor, x->now);
}

void fp_h_targets_set(struct fp_req *r) {
  if (icb_or_respond(r, fp_store_reader(r->app->store))) return;
  if (r->params[1] < YEAR_MIN || r->params[1] > YEAR_MAX) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "year", "the year is a financial year's first, %d to %d", YEAR_MIN,
                   YEAR_MAX);
    return;
  }
  struct set_ctx x = {.icb_id = r->params[0], .actor = r->auth.user_id, .now = r->now,
                      .t = {(int)r->params[1], FP_TARGET_NONE, FP_TARGET_NONE}};
  struct fp_field spec[] = {
      {"fill_rate_percent", FP_F_TENTHS, false, 0, 1000, NULL, &x.t.fill_rate_tenths, NULL},
      {"spend_pence", FP_F_INT, false, 0, SPEND_MAX_PENCE, NULL, &x.t.spend_pence, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  int rc = fp_store_write(r->app->store, set_tx, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct fp_icb_target t = {0, x.icb_id, x.t, x.actor, x.now};
  fp_reply_json(r, 200, target_json(&t));
}
