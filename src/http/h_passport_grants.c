/*
 * Who looked at a passport, and who may:
 *   GET  /api/v1/clinicians/{id}/passport/access-log: who looked at the passport and when.
 *   GET|POST /api/v1/clinicians/{id}/passport/grants, DELETE /api/v1/passport/grants/{id}:
 *        a host organisation's read access for a placement. A grant is given by an administrator
 *        of a pool the clinician is a member of (the grant names that pool), to a practice or a
 *        PCN (all its practices) in the pool's ICB, from today for at most 12 months; it stops
 *        giving access when the clinician leaves the pool. The clinician sees every grant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/passport.h"
#include "core/profession.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/passport.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/passport.h"
#include "store/places.h"

#define GRANT_MAX_MONTHS 12          /* a placement grant lasts at most this long, from the day it is given */

/* GET /api/v1/clinicians/{id}/passport/access-log ------------------------------------------------ */

static void add_access(const struct fp_access_entry *e, void *ctx) {
  json_t *j = json_pack("{s:I, s:o, s:s, s:{s:I, s:s}, s:s}", "id", (json_int_t)e->id, "at", fp_json_time(e->at),
                        "what", e->what, "viewer", "user_id", (json_int_t)e->viewer_user_id, "name", e->viewer_name,
                        "basis", e->basis);
  json_object_set_new(j, "reason", fp_json_str_or_null(e->reason));
  json_object_set_new(j, "organisation",
                      e->organisation_id ? json_pack("{s:I, s:s}", "id", (json_int_t)e->organisation_id, "name",
                                                     e->organisation_name)
                                         : json_null());
  json_object_set_new(j, "pool",
                      e->pool_id ? json_pack("{s:I, s:s}", "id", (json_int_t)e->pool_id, "name", e->pool_name)
                                 : json_null());
  json_object_set_new(j, "check_id", fp_json_id(e->check_id));
  json_object_set_new(j, "check_code", fp_json_str_or_null(e->check_code));
  json_object_set_new(j, "evidence_id", fp_json_id(e->evidence_id));
  json_array_append_new(ctx, j);
}

struct access_page {
  json_t *items;
  int64_t last;
};

static void add_access_paged(const struct fp_access_entry *e, void *ctx) {
  struct access_page *p = ctx;
  add_access(e, p->items);
  p->last = e->id;
}

void fp_h_passport_access_log(struct fp_req *r) {
  int64_t id = r->params[0];
  struct fp_passport_access a;
  struct fp_conn *c =
      fp_passport_self_or_manager_or_respond(r, id, "the access log is the clinician's (and their pool's)", &a);
  if (!c) return;
  int limit;
  int64_t before = 0;
  if (fp_limit_or_respond(r, &limit) || fp_id_cursor_parse_or_respond(r, &before)) return;
  struct access_page p = {json_array(), 0};
  bool more = false;
  int rc = fp_store_access_log_list(c, id, before, limit, add_access_paged, &p, &more);
  if (rc) {
    json_decref(p.items);
    fp_reply_store_error(r, rc);
    return;
  }
  char cursor[24];
  if (more) snprintf(cursor, sizeof cursor, "%lld", (long long)p.last);
  fp_reply_json(r, 200, fp_json_page(p.items, more ? cursor : NULL));
}

/* Placement grants ------------------------------------------------------------------------------ */

/* A grant's state in one word: revoked, lapsed (the clinician left its pool), expired, active. */
static const char *grant_state(const struct fp_grant *g, fp_day today) {
  if (g->revoked_at) return "revoked";
  if (!g->member) return "lapsed";
  if (today > g->until_day) return "expired";
  if (today < g->from_day) return "scheduled"; /* only grants given before the rules */
  return "active";
}

static json_t *grant_json(const struct fp_grant *g, fp_day today) {
  const char *state = grant_state(g, today);
  json_t *j = json_pack("{s:I, s:I, s:{s:I, s:s, s:s}, s:o, s:o, s:o, s:o, s:o, s:s, s:b}", "id", (json_int_t)g->id,
                        "clinician_id", (json_int_t)g->clinician_id, "organisation", "id",
                        (json_int_t)g->organisation_id, "name", g->organisation_name, "level", g->organisation_level,
                        "from", fp_json_date(g->from_day), "until", fp_json_date(g->until_day), "placement_starts_on",
                        fp_passport_date_or_null(g->placement_starts_on), "created_at", fp_json_time(g->created_at), "revoked_at",
                        fp_json_time_or_null(g->revoked_at), "state", state, "active", strcmp(state, "active") == 0);
  if (j) {
    json_object_set_new(j, "organisation_id", json_integer(g->organisation_id));
    json_object_set_new(j, "pool", g->pool_id ? json_pack("{s:I, s:s}", "id", (json_int_t)g->pool_id, "name", g->pool_name)
                                              : json_null());
  }
  return j;
}

struct grant_tx {
  struct fp_grant g;
};

static int grant_tx_fn(struct fp_conn *c, void *vctx) {
  struct grant_tx *x = vctx;
  return fp_store_grant_insert(c, &x->g, &x->g.id);
}

/*
 * The organisation a grant may go to: a practice or a PCN in the pool's ICB. Answers 400 naming
 * organisation_id otherwise.
 */
static int grant_org_or_respond(struct fp_req *r, struct fp_conn *c, int64_t org_id, int64_t pool_id) {
  struct fp_org o;
  memset(&o, 0, sizeof o);
  int rc = fp_store_org_get(c, org_id, &o);
  fp_org_clear(&o);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id", "organisation %lld does not exist", (long long)org_id);
    return -1;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  if (strcmp(o.level, "practice") != 0 && strcmp(o.level, "pcn") != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id",
                   "access is granted to a practice or a PCN, not to a %s", o.level);
    return -1;
  }
  struct fp_pool p;
  rc = fp_store_pool_get(c, pool_id, &p);
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  if (p.icb_id && o.icb_id != p.icb_id) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id",
                   "organisation %lld is not in the ICB of the pool '%s'", (long long)org_id, p.name);
    return -1;
  }
  return 0;
}

void fp_h_passport_grant_create(struct fp_req *r) {
  int64_t org = 0, want_pool = 0;
  fp_day from = FP_DAY_NONE, until = FP_DAY_NONE, starts = FP_DAY_NONE;
  bool has_from = false, has_starts = false;
  struct fp_field spec[] = {
      {"organisation_id", FP_F_INT, true, 1, INT64_MAX, NULL, &org, NULL},
      {"pool_id", FP_F_INT, false, 1, INT64_MAX, NULL, &want_pool, NULL},
      {"from", FP_F_DATE, false, 0, 0, NULL, &from, &has_from},
      {"until", FP_F_DATE, true, 0, 0, NULL, &until, NULL},
      {"placement_starts_on", FP_F_DATE, false, 0, 0, NULL, &starts, &has_starts},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c) return;
  struct fp_passport_access a;
  if (fp_passport_access_or_respond(r, c, r->params[0], false, &a)) return;
  /* Only through a pool the caller administers and the clinician is a member of, scoped by it. */
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  int64_t pool_id = 0;
  int rc = fp_store_grant_pool(c, r->params[0], &scope, want_pool, &pool_id);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (!pool_id) {
    fp_reply_error(r, FP_API_FORBIDDEN, want_pool ? "pool_id" : NULL,
                   "only an administrator of a pool the clinician is a member of can grant access to their passport");
    return;
  }
  if (grant_org_or_respond(r, c, org, pool_id)) return;
  fp_day today = fp_passport_today(r), last = fp_day_add_months(today, GRANT_MAX_MONTHS) - 1;
  char last_text[FP_DATE_STRLEN];
  fp_date_format(last, last_text);
  if (has_from && from != today) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "from", "access starts on the day it is granted (today)");
    return;
  }
  if (until < today) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "until", "'until' is in the past");
    return;
  }
  if (until > last) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "until", "access lasts at most %d months: until %s at the latest",
                   GRANT_MAX_MONTHS, last_text);
    return;
  }
  if (has_starts && (starts < today || starts > until)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "placement_starts_on", "the placement starts between today and 'until'");
    return;
  }
  struct grant_tx x;
  memset(&x, 0, sizeof x);
  x.g.clinician_id = r->params[0];
  x.g.organisation_id = org;
  x.g.pool_id = pool_id;
  x.g.from_day = today;
  x.g.until_day = until;
  x.g.placement_starts_on = has_starts ? starts : FP_DAY_NONE;
  x.g.granted_by = r->auth.user_id;
  x.g.created_at = r->now;
  rc = fp_store_write(r->app->store, grant_tx_fn, &x);
  if (!rc) rc = fp_store_grant_get(c, x.g.id, &x.g);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, grant_json(&x.g, today));
}

struct grant_list {
  json_t *items;
  fp_day today;
};

static void add_grant(const struct fp_grant *g, void *ctx) {
  struct grant_list *l = ctx;
  json_array_append_new(l->items, grant_json(g, l->today));
}

void fp_h_passport_grant_list(struct fp_req *r) {
  struct fp_passport_access a;
  struct fp_conn *c =
      fp_passport_self_or_manager_or_respond(r, r->params[0], "placement grants are the clinician's and their pool's", &a);
  if (!c) return;
  struct grant_list l = {json_array(), fp_passport_today(r)};
  int rc = fp_store_grant_list(c, r->params[0], add_grant, &l);
  if (rc) {
    json_decref(l.items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(l.items, NULL));
}

struct revoke_tx {
  int64_t id, actor, now;
};

static int revoke_tx_fn(struct fp_conn *c, void *vctx) {
  struct revoke_tx *x = vctx;
  return fp_store_grant_revoke(c, x->id, x->actor, x->now);
}

void fp_h_passport_grant_revoke(struct fp_req *r) {
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c) return;
  struct fp_grant g;
  int rc = fp_store_grant_get(c, r->params[0], &g);
  if (fp_found_or_respond(r, rc, "grant", r->params[0])) return;
  struct fp_passport_access a;
  if (fp_passport_access_or_respond(r, c, g.clinician_id, false, &a)) return;
  /* The grant's own pool's administrator (or a system administrator) takes it back. */
  if (!fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) && !(g.pool_id && fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, g.pool_id))) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only an administrator of the pool that gave the grant can revoke it");
    return;
  }
  struct revoke_tx x = {g.id, r->auth.user_id, r->now};
  rc = fp_store_write(r->app->store, revoke_tx_fn, &x);
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_INVALID_STATE, NULL, "grant %lld is revoked already", (long long)g.id);
    return;
  }
  if (!rc) rc = fp_store_grant_get(c, g.id, &g);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, grant_json(&g, fp_passport_today(r)));
}

