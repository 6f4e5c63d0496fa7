/*
 * A clinician's shift alert preferences (issue 12):
 *   GET /api/v1/me/alert-preferences   theirs, or the defaults when they set none (`customised` false):
 *                                      their own profession, their travel radius in miles, any rate,
 *                                      instant, quiet 21:00-07:00, on;
 *   PUT /api/v1/me/alert-preferences   replaces them, every field checked at the door (400 naming it).
 * Only clinicians get alerts; anyone else is answered 403. What fits and when an alert goes is the
 * core's (src/core/alerts.h); the matching and delivery are the store's (src/store/alerts.h), run by
 * the upkeep.
 */
#include <string.h>

#include "core/alerts.h"
#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/alerts.h"
#include "store/db.h"

static const char *const MODES[] = {"instant", "digest", NULL};

static json_t *prefs_json(const struct fp_alert_prefs *p, bool stored) {
  json_t *roles = json_array();
  for (size_t i = 0; i < p->n_roles; i++) json_array_append_new(roles, json_string(p->roles[i]));
  char qs[6], qe[6], digest[6];
  fp_clock_format(p->quiet_start_min, qs);
  fp_clock_format(p->quiet_end_min, qe);
  fp_clock_format(FP_ALERT_DIGEST_MIN, digest);
  return json_pack("{s:b, s:o, s:o, s:I, s:s, s:s, s:s, s:s, s:b}", "enabled", p->enabled, "roles", roles,
                   "max_distance_miles", p->max_distance_miles > 0 ? json_integer(p->max_distance_miles) : json_null(),
                   "min_hourly_pence", (json_int_t)p->min_hourly_pence, "mode", fp_alert_mode_name(p->mode),
                   "quiet_start", qs, "quiet_end", qe, "digest_time", digest, "customised", stored);
}

static int clinician_or_respond(struct fp_req *r) {
  if (r->auth.clinician_id) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians get shift alerts");
  return -1;
}

void fp_h_me_alert_prefs(struct fp_req *r) {
  if (clinician_or_respond(r)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
    return;
  }
  struct fp_alert_prefs p;
  bool stored = false;
  int rc = fp_store_alert_prefs_get(c, r->auth.clinician_id, &p, &stored);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, prefs_json(&p, stored));
}

/* A quiet-hours time "HH:MM" (00:00 to 23:59) into minutes; -1 after answering 400. */
static int quiet_or_respond(struct fp_req *r, const char *field, const char *v) {
  int m = fp_clock_parse(v);
  if (m < 0 || m >= 1440) {
    fp_reply_error(r, FP_API_INVALID_FIELD, field, "'%s' must be a time of day such as 21:00 (00:00 to 23:59)", field);
    return -1;
  }
  return m;
}

struct set_tx {
  int64_t clinician_id, actor, now;
  const struct fp_alert_prefs *p;
};

static int set_tx_fn(struct fp_conn *c, void *vctx) {
  struct set_tx *x = vctx;
  return fp_store_alert_prefs_set(c, x->clinician_id, x->p, x->actor, x->now);
}

void fp_h_me_alert_prefs_put(struct fp_req *r) {
  if (clinician_or_respond(r) || fp_req_json_or_respond(r)) return;
  bool enabled = true;
  json_t *roles = NULL;
  int64_t miles = 0, pence = 0;
  const char *mode = NULL, *quiet_start = NULL, *quiet_end = NULL;
  struct fp_field spec[] = {
      {"enabled", FP_F_BOOL, true, 0, 0, NULL, &enabled, NULL},
      {"roles", FP_F_ARRAY, true, 1, FP_ALERT_MAX_ROLES, NULL, &roles, NULL},
      {"max_distance_miles", FP_F_INT, false, 0, FP_ALERT_MAX_MILES, NULL, &miles, NULL},
      {"min_hourly_pence", FP_F_INT, true, 0, FP_ALERT_MAX_RATE_PENCE, NULL, &pence, NULL},
      {"mode", FP_F_ENUM, true, 0, 0, MODES, &mode, NULL},
      {"quiet_start", FP_F_STRING, true, 0, 5, NULL, &quiet_start, NULL},
      {"quiet_end", FP_F_STRING, true, 0, 5, NULL, &quiet_end, NULL},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  struct fp_alert_prefs p;
  memset(&p, 0, sizeof p);
  p.enabled = enabled;
  p.max_distance_miles = (int)miles;
  p.min_hourly_pence = pence;
  p.mode = fp_alert_mode_parse(mode);
  if ((p.quiet_start_min = quiet_or_respond(r, "quiet_start", quiet_start)) < 0 ||
      (p.quiet_end_min = quiet_or_respond(r, "quiet_end", quiet_end)) < 0)
    return;
  size_t i;
  json_t *v;
  json_array_foreach(roles, i, v) {
    const char *code = json_string_value(v);
    bool known = false;
    int rc = code && strlen(code) <= FP_ALERT_ROLE_MAX ? fp_role_known(r, code, &known) : 0;
    if (rc) {
      fp_reply_store_error(r, rc);
      return;
    }
    if (!known) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "roles", "each role must be a shift role's code, such as gp or nurse");
      return;
    }
    for (size_t j = 0; j < p.n_roles; j++)
      if (strcmp(p.roles[j], code) == 0) {
        fp_reply_error(r, FP_API_INVALID_FIELD, "roles", "'%s' is given twice", code);
        return;
      }
    snprintf(p.roles[p.n_roles++], sizeof p.roles[0], "%s", code);
  }
  if (fp_alert_prefs_validate(&p) != FP_ALERT_PREFS_OK) {
    /* Everything is checked above, field by field; the core's check is the last word. */
    fp_reply_error(r, FP_API_INVALID_FIELD, NULL, "the alert preferences are not valid");
    return;
  }
  struct set_tx x = {r->auth.clinician_id, r->auth.user_id, r->now, &p};
  int rc = fp_store_write(r->app->store, set_tx_fn, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, prefs_json(&p, true));
}
