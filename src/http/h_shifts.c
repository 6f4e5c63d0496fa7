/*
 * Shifts: the practice's posted sessions.
 *   POST /api/v1/shifts: a practice manager posts a shift, or a weekly series with `repeat`.
 *   GET /api/v1/shifts: search within the caller's scope (filters, cursor pages).
 *   GET|PATCH|DELETE /api/v1/shifts/{id}: read; edit while open; withdraw while open.
 *   For a signed-in clinician both reads carry `bookable` and `missing`: the booking's own
 *   eligibility decision for that clinician and shift (fp_store_eligibility_view).
 *   POST /api/v1/shifts/{id}/reopen: a cancelled shift is open again.
 *   GET|PATCH|DELETE /api/v1/series/{id}: a weekly series as a whole (see below).
 * Every write runs in one store transaction: load, ask the core's state machine, write, audit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/booking.h"
#include "core/error.h"
#include "core/money.h"
#include "core/passport.h"
#include "core/profession.h"
#include "core/validate.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/places.h"
#include "store/alerts.h"
#include "store/rate_policy.h"
#include "store/shifts.h"
#include "store/terms.h"
#include "store/webhooks.h"

static const char *const RATE_UNITS[] = {"hour", "session", NULL};
static const char *const MODES[] = {"instant", "approval", NULL};
static const char *const LOCATIONS[] = {"site", "remote", NULL};
static const char *const RELEASES[] = {"all", "tiered", NULL};

#define MAX_SHIFT_SECONDS (16 * 3600)
#define MAX_SERIES 52

/* What a new or changed shift is held to: now, and the first instant no shift may start at. */
struct shift_limits {
  fp_time now;
  fp_time latest_start;
  int max_ahead_months;
};

/*
 * The first instant no shift may start at: UK midnight after the day --max-shift-ahead-months
 * (default 24) calendar months from today. A date typed with the wrong year (9999-12-31) is a
 * mistake to refuse, not a shift to list for ever.
 */
static struct shift_limits limits_of(const struct fp_req *r) {
  struct shift_limits lim = {.now = r->now, .max_ahead_months = r->app->cfg.max_shift_ahead_months};
  fp_day last = fp_day_add_months(fp_uk_day(r->now), lim.max_ahead_months);
  lim.latest_start = fp_uk_local_to_utc(last + 1, 0, 0, 0);
  return lim;
}

/* Refuses (invalid_field naming `field`) a shift that would start too far ahead. 0 or FP_EREFUSED. */
static int check_ahead(const struct shift_limits *lim, fp_time starts_at, const char *field, struct fp_refusal *why) {
  if (starts_at < lim->latest_start) return 0;
  return fp_refuse(why, FP_API_INVALID_FIELD, field, 0, "a shift starts at most %d months ahead", lim->max_ahead_months);
}

/* Checks the times, break and rate of a shift: 0, or FP_EREFUSED (invalid_field) with why. */
static int check_shift(const struct shift_limits *lim, const struct fp_shift *s, struct fp_refusal *why) {
  if (s->ends_at <= s->starts_at) return fp_refuse(why, FP_API_INVALID_FIELD, "ends_at", s->id, "'ends_at' must be after 'starts_at'");
  if (s->ends_at - s->starts_at > MAX_SHIFT_SECONDS)
    return fp_refuse(why, FP_API_INVALID_FIELD, "ends_at", s->id, "a shift lasts at most 16 hours");
  if (s->starts_at <= lim->now)
    return fp_refuse(why, FP_API_INVALID_FIELD, "starts_at", s->id, "'starts_at' must be in the future");
  if (s->break_minutes * 60 >= s->ends_at - s->starts_at)
    return fp_refuse(why, FP_API_INVALID_FIELD, "break_minutes", s->id, "the break must be shorter than the shift");
  return check_ahead(lim, s->starts_at, "starts_at", why);
}

/* The same checks, answered (400) when they refuse. 0, or -1 when answered. */
static int check_shift_or_respond(struct fp_req *r, const struct fp_shift *s) {
  struct shift_limits lim = limits_of(r);
  struct fp_refusal why;
  if (check_shift(&lim, s, &why) == 0) return 0;
  fp_reply_refusal(r, &why);
  return -1;
}

static void set_hourly(struct fp_shift *s) {
  enum fp_rate_unit u = FP_RATE_HOUR;
  fp_rate_unit_parse(s->rate_unit, &u);
  s->hourly_pence = fp_hourly_equivalent_pence(s->rate_pence, u,
                                               fp_worked_minutes(s->starts_at, s->ends_at, (int32_t)s->break_minutes));
}

/* Posting: a write transaction given who acts and the shift (or series) already checked. */
struct create_ctx {
  struct fp_actor actor;
  struct fp_shift base;
  int count;
  int64_t ids[MAX_SERIES];
  int64_t series_id;
};

/* The status shift s takes when posted or edited to be open (core/booking.h): awaiting its pool's
   approval when its rate is over the pool's cap (core/rate_policy.h); *pool_id that pool. */
static int published_status(struct fp_conn *c, const struct fp_shift *s, enum fp_shift_status *out, int64_t *pool_id) {
  struct fp_rate_policy p;
  int rc = fp_store_practice_rate_policy(c, s->practice_id, pool_id, &p);
  if (!rc) *out = fp_shift_published_status(fp_rate_over_cap(&p, s->hourly_pence));
  return rc;
}

static int create_tx(struct fp_conn *c, void *vctx) {
  struct create_ctx *x = vctx;
  if (x->count > 1) {
    int rc = fp_store_series_next(c, &x->series_id);
    if (rc) return rc;
  }
  for (int i = 0; i < x->count; i++) {
    struct fp_shift s = x->base;
    s.series_id = x->series_id;
    s.starts_at = fp_uk_add_weeks(x->base.starts_at, i);
    s.ends_at = fp_uk_add_weeks(x->base.ends_at, i);
    set_hourly(&s);
    enum fp_shift_status status;
    int64_t pool_id = 0;
    int rc = published_status(c, &s, &status, &pool_id);
    if (rc) return rc;
    snprintf(s.status, sizeof s.status, "%s", fp_shift_status_name(status));
    if ((rc = fp_store_shift_insert(c, &s, x->actor.now, &x->ids[i])) != 0) return rc;
    char after[160];
    snprintf(after, sizeof after, "{\"status\":\"%s\",\"practice_id\":%lld,\"series_id\":%lld}", s.status,
             (long long)s.practice_id, (long long)s.series_id);
    if ((rc = fp_store_audit(c, x->actor.now, x->actor.user_id, "shift.create", "shift", x->ids[i], NULL, after)))
      return rc;
    /* Over the cap: the pool's administrators are asked (for a series, once, of its first). */
    if (status == FP_SHIFT_AWAITING_APPROVAL) {
      if (i == 0 && (rc = fp_store_rate_approval_tell(c, pool_id, s.practice_id, x->ids[i], status, NULL, x->actor.now)))
        return rc;
      continue;
    }
    /* The webhooks that want it (store/webhooks.h), in the posting's transaction. */
    if ((rc = fp_store_webhook_emit(c, FP_HOOK_SHIFT_POSTED, x->ids[i], 0, 0, x->actor.now))) return rc;
  }
  return 0;
}

void fp_h_shift_create(struct fp_req *r) {
  struct create_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  struct fp_shift *s = &x.base;
  const char *role = NULL, *unit = NULL, *mode = "instant", *loc = "site", *desc = "", *release = "all";
  json_t *repeat = NULL;
  s->break_minutes = 0;
  struct fp_field spec[] = {
      {"practice_id", FP_F_INT, true, 1, INT64_MAX, NULL, &s->practice_id, NULL},
      {"role", FP_F_STRING, true, 1, 47, NULL, &role, NULL},
      {"starts_at", FP_F_TIME, true, 0, 0, NULL, &s->starts_at, NULL},
      {"ends_at", FP_F_TIME, true, 0, 0, NULL, &s->ends_at, NULL},
      {"break_minutes", FP_F_INT, false, 0, 240, NULL, &s->break_minutes, NULL},
      {"rate_pence", FP_F_INT, true, 0, 10000000, NULL, &s->rate_pence, NULL},
      {"rate_unit", FP_F_ENUM, true, 0, 0, RATE_UNITS, &unit, NULL},
      {"booking_mode", FP_F_ENUM, false, 0, 0, MODES, &mode, NULL},
      {"location_type", FP_F_ENUM, false, 0, 0, LOCATIONS, &loc, NULL},
      {"description", FP_F_STRING, false, 0, 2000, NULL, &desc, NULL},
      {"repeat", FP_F_JSON, false, 0, 0, NULL, &repeat, NULL},
      {"release", FP_F_ENUM, false, 0, 0, RELEASES, &release, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  x.count = 1;
  if (repeat) {
    const char *every = NULL;
    int64_t count = 0;
    struct fp_field rspec[] = {
        {"every", FP_F_ENUM, true, 0, 0, (const char *const[]){"week", NULL}, &every, NULL},
        {"count", FP_F_INT, true, 1, MAX_SERIES, NULL, &count, NULL},
        FP_FIELD_END,
    };
    if (fp_fields_parse_or_respond(r, repeat, rspec)) return;
    x.count = (int)count;
  }
  bool known = false;
  int rc = fp_role_known(r, role, &known);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (!known) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "role", "'%s' is not a known role", role);
    return;
  }
  snprintf(s->role, sizeof s->role, "%s", role);
  snprintf(s->rate_unit, sizeof s->rate_unit, "%s", unit);
  snprintf(s->booking_mode, sizeof s->booking_mode, "%s", mode);
  snprintf(s->location_type, sizeof s->location_type, "%s", loc);
  snprintf(s->description, sizeof s->description, "%s", desc);
  fp_release_mode_parse(release, &s->release_mode); /* one of RELEASES */
  s->created_by = r->auth.user_id;
  if (check_shift_or_respond(r, s)) return;
  /* A series' last shift is held to the same horizon as its first. */
  struct shift_limits lim = limits_of(r);
  struct fp_refusal why;
  if (x.count > 1 && check_ahead(&lim, fp_uk_add_weeks(s->starts_at, x.count - 1), "repeat", &why)) {
    fp_reply_refusal(r, &why);
    return;
  }
  if (!fp_shift_may_manage(&x.actor, s->practice_id)) {
    fp_reply_error(r, FP_API_FORBIDDEN, "practice_id", "you do not manage practice %lld", (long long)s->practice_id);
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_org o;
  rc = c ? fp_store_org_get(c, s->practice_id, &o) : FP_EIO;
  if (rc == FP_ENOTFOUND || (rc == 0 && strcmp(o.level, "practice") != 0)) {
    if (rc == 0) fp_org_clear(&o);
    fp_reply_error(r, FP_API_INVALID_FIELD, "practice_id", "organisation %lld is not a practice", (long long)s->practice_id);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_org_clear(&o);
  if ((rc = fp_store_write(r->app->store, create_tx, &x)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_store_alerts_poke(); /* committed: the clinicians it fits are alerted within a second */
  json_t *items = json_array();
  for (int i = 0; i < x.count; i++) {
    struct fp_shift got;
    if (fp_store_shift_get(c, x.ids[i], NULL, &got) == 0) json_array_append_new(items, fp_json_shift(&got));
  }
  if (!repeat) {
    json_t *one = json_incref(json_array_get(items, 0));
    json_decref(items);
    fp_reply_json(r, 201, one);
    return;
  }
  fp_reply_json(r, 201, json_pack("{s:I, s:o}", "series_id", (json_int_t)x.series_id, "items", items));
}

/*
 * A clinician's view of a shift: `bookable` and the `missing` check codes, from the booking's own
 * eligibility decision (fp_store_eligibility_view, the clinician's side read once a request), so
 * the answer never offers what booking refuses. Only for a signed-in clinician; nobody else gets
 * the fields.
 */
static void jw_eligibility(struct fp_jw *w, const struct fp_elig_result *e) {
  if (w->n && w->p[w->n - 1] == '}') w->n--; /* reopen the shift's object */
  fp_jw_lit(w, ",\"bookable\":");
  if (e->bookable) fp_jw_lit(w, "true");
  else fp_jw_lit(w, "false");
  fp_jw_lit(w, ",\"missing\":[");
  for (size_t i = 0; i < e->n_missing; i++) {
    if (i) fp_jw_lit(w, ",");
    fp_jw_str(w, e->missing[i]);
  }
  fp_jw_lit(w, "]}");
}

/*
 * How the shift is released (core/release.h), for those who manage or oversee it: the mode, the
 * tier open now and when each opens (the core's decision from the instants kept with the shift).
 */
static json_t *release_json(const struct fp_shift *s, fp_time now) {
  struct fp_release rel;
  fp_release_at(s->pool_opens_at, s->overflow_opens_at, now, &rel);
  return json_pack("{s:s, s:s, s:o, s:o, s:o}", "mode", fp_release_mode_name(s->release_mode), "tier",
                   fp_release_tier_name(rel.tier), "pool_opens_at", fp_json_time(rel.pool_at), "overflow_opens_at",
                   rel.overflow_at == FP_RELEASE_NEVER ? json_null() : fp_json_time(rel.overflow_at), "next_opens_at",
                   rel.next_at == FP_RELEASE_NEVER ? json_null() : fp_json_time(rel.next_at));
}

/* The release is the practice's business (a clinician is not told whether they are a favourite):
   every other role sees it, on the shift and in searches. */
static bool sees_release(const struct fp_req *r) {
  for (int i = 0; i < r->auth.n_roles; i++)
    if (r->auth.roles[i].kind != FP_ROLE_CLINICIAN) return true;
  return false;
}

struct search_ctx {
  struct fp_page page;
  struct fp_conn *c;
  struct fp_elig_view view; /* clinician_id 0: not a clinician, no eligibility */
  bool with_release;        /* sees_release */
  fp_time now;
  int rc;
};

static void add_shift(const struct fp_shift *s, void *ctx) {
  struct search_ctx *x = ctx;
  struct fp_jw *w = fp_page_item(&x->page, s->starts_at, s->id);
  fp_jw_shift(w, s);
  if (x->with_release) {
    json_t *rel = release_json(s, x->now);
    if (w->n && w->p[w->n - 1] == '}') w->n--; /* reopen the shift's object */
    fp_jw_lit(w, ",\"release\":");
    fp_jw_value(w, rel);
    fp_jw_lit(w, "}");
    json_decref(rel);
  }
  if (!x->view.clinician_id || x->rc) return;
  struct fp_elig_result e;
  int64_t pool_id = 0;
  if ((x->rc = fp_store_eligibility_view(x->c, &x->view, s, &e, &pool_id)) == 0) jw_eligibility(w, &e);
}

/* The search's reads (the clinician's home, the postcode, the shifts), in one read transaction. */
static void search_in(struct fp_req *r, struct fp_conn *c, struct fp_shift_query *q, int64_t radius) {
  const char *near = fp_req_query(r, "near_postcode");
  char pc[9] = "";
  if (near && fp_postcode_normalise(near, pc) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "near_postcode", "'near_postcode' is not a UK postcode");
    return;
  }
  if (near || radius) {
    /* A clinician's own home postcode and travel radius fill in what the query leaves out. */
    int64_t travel = 0;
    char home[9] = "";
    if ((!near || !radius) && r->auth.clinician_id &&
        fp_store_clinician_home(c, r->auth.clinician_id, home, sizeof home, &travel) != 0) {
      fp_reply_store_error(r, FP_EIO);
      return;
    }
    if (!near) snprintf(pc, sizeof pc, "%s", home);
    if (!radius) radius = travel ? travel : 10;
    if (!pc[0]) {
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "near_postcode", "'radius_km' needs 'near_postcode'");
      return;
    }
    int rc = fp_store_postcode_get(c, pc, &q->lat, &q->lon);
    if (rc == FP_ENOTFOUND) {
      fp_reply_error(r, FP_API_UNKNOWN_POSTCODE, "near_postcode", "postcode '%s' is not in the postcode table", pc);
      return;
    }
    if (rc) {
      fp_reply_store_error(r, rc);
      return;
    }
    q->near = true;
    q->radius_km = (double)radius;
  }
  struct search_ctx x = {.c = c,
                         .view = {.clinician_id = r->auth.clinician_id, .every_practice = true, .now = r->now},
                         .with_release = sees_release(r),
                         .now = r->now};
  fp_page_init_text(&x.page, NULL);
  bool more = false;
  int rc = fp_store_shift_search(c, q, add_shift, &x, &more);
  fp_elig_view_release(&x.view);
  fp_reply_page(r, &x.page, rc ? rc : x.rc, more, true);
}

/*
 * Parses `status`: one status or several separated by commas ("cancelled,withdrawn") into a bit
 * mask of enum fp_shift_status; answers 400 naming `status` on an unknown one.
 */
static int statuses_or_respond(struct fp_req *r, unsigned *mask) {
  const char *v = fp_req_query(r, "status");
  *mask = 0;
  if (!v) return 0;
  const char *p = v;
  for (;;) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char one[24]; /* the longest name, "awaiting_approval", fits */
    enum fp_shift_status st;
    if (n == 0 || n >= sizeof one) goto bad;
    memcpy(one, p, n);
    one[n] = 0;
    if (fp_shift_status_parse(one, &st) != 0) goto bad;
    *mask |= 1u << st;
    if (!end) return 0;
    p = end + 1;
  }
bad:
  fp_reply_error(r, FP_API_INVALID_PARAMETER, "status",
                 "'status' must be one or more of open, booked, withdrawn, cancelled, completed, awaiting_approval,"
                 " separated by commas");
  return -1;
}

/* `sort`: starts_at (soonest first, the default) or -starts_at (latest first). */
static int sort_or_respond(struct fp_req *r, bool *latest_first) {
  const char *v = fp_req_query(r, "sort");
  *latest_first = false;
  if (!v || strcmp(v, "starts_at") == 0) return 0;
  if (strcmp(v, "-starts_at") == 0) {
    *latest_first = true;
    return 0;
  }
  fp_reply_error(r, FP_API_INVALID_PARAMETER, "sort", "'sort' must be starts_at (soonest first) or -starts_at (latest first)");
  return -1;
}

void fp_h_shift_list(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_shift_query q;
  memset(&q, 0, sizeof q);
  q.scope = &scope;
  q.listed = true;
  q.role = fp_req_query(r, "role");
  if (statuses_or_respond(r, &q.statuses) || sort_or_respond(r, &q.latest_first)) return;
  q.q = fp_req_query(r, "q");
  if (q.q && (!*q.q || strlen(q.q) > 100)) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "q", "'q' must be 1 to 100 characters");
    return;
  }
  if (q.role && strlen(q.role) > 47) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "role", "'role' is too long");
    return;
  }
  int64_t radius = 0;
  if (fp_query_time_or_respond(r, "from", &q.from, &q.has_from) || fp_query_time_or_respond(r, "to", &q.to, &q.has_to) ||
      fp_query_int_or_respond(r, "practice_id", 1, INT64_MAX, &q.practice_id) ||
      fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &q.pool_id) ||
      fp_query_int_or_respond(r, "series_id", 1, INT64_MAX, &q.series_id) ||
      fp_query_int_or_respond(r, "min_rate_pence", 0, 10000000, &q.min_rate_pence) ||
      fp_query_int_or_respond(r, "radius_km", 1, 500, &radius) || fp_limit_or_respond(r, &q.limit) ||
      fp_cursor_parse_or_respond(r, &q.cursor_start, &q.cursor_id, &q.has_cursor))
    return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  if (fp_store_read_begin(c) != 0) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  search_in(r, c, &q, radius);
  fp_store_read_end(c);
}

static void count_booking(const struct fp_booking *b, void *ctx) {
  (void)b;
  (*(int *)ctx)++;
}

void fp_h_shift_get(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_shift s;
  int rc = c ? fp_store_shift_get(c, r->params[0], &scope, &s) : FP_EIO;
  if (rc == FP_ENOTFOUND && r->auth.clinician_id) {
    /* A clinician still sees a shift they hold or held a booking for. */
    struct fp_scope own = {0};
    fp_scope_clinician(&r->auth, r->now, &own);
    struct fp_booking_query bq = {.scope = &own, .shift_id = r->params[0], .clinician_id = r->auth.clinician_id, .limit = 1};
    int found = 0;
    bool more = false;
    if (fp_store_booking_search(c, &bq, count_booking, &found, &more) == 0 && found)
      rc = fp_store_shift_get(c, r->params[0], NULL, &s);
  }
  if (fp_found_or_respond(r, rc, "shift", r->params[0])) return;
  json_t *j = fp_json_shift(&s);
  /* Add what a clinician needs to know about the practice (its profile). */
  struct fp_org o;
  if (fp_store_org_get(c, s.practice_id, &o) == 0) {
    json_t *p = json_object_get(j, "practice");
    json_object_set_new(p, "address", fp_json_str_or_null(o.address));
    json_t *profile = o.profile ? json_loads(o.profile, 0, NULL) : NULL;
    json_object_set_new(p, "profile", profile ? profile : json_object());
    fp_org_clear(&o);
  }
  enum fp_rate_unit u = FP_RATE_HOUR;
  fp_rate_unit_parse(s.rate_unit, &u);
  json_object_set_new(j, "estimated_fee_pence",
                      json_integer(fp_fee_pence(s.rate_pence, u, fp_worked_minutes(s.starts_at, s.ends_at, (int32_t)s.break_minutes))));
  if (sees_release(r)) json_object_set_new(j, "release", release_json(&s, r->now));
  if (r->auth.clinician_id) {
    struct fp_elig_view view = {.clinician_id = r->auth.clinician_id, .now = r->now};
    struct fp_elig_result e;
    int64_t pool_id = 0;
    if ((rc = fp_store_eligibility_view(c, &view, &s, &e, &pool_id)) != 0) {
      fp_elig_view_release(&view);
      json_decref(j);
      fp_reply_store_error(r, rc);
      return;
    }
    json_t *missing = json_array();
    for (size_t i = 0; i < e.n_missing; i++) json_array_append_new(missing, json_string(e.missing[i]));
    json_object_set_new(j, "bookable", json_boolean(e.bookable));
    json_object_set_new(j, "missing", missing);
    fp_elig_view_release(&view);
    /* The terms booking it would run on (store/terms.h): the pool's for booking it at once; their
       own, where they keep any, when the practice approves (an application it accepts). */
    enum fp_booking_mode mode = FP_MODE_INSTANT;
    fp_booking_mode_parse(s.booking_mode, &mode);
    struct fp_terms t;
    enum fp_terms_source source;
    if ((rc = fp_store_terms_for_booking(c, r->auth.clinician_id, pool_id, mode != FP_MODE_INSTANT, &t, &source)) != 0) {
      json_decref(j);
      fp_reply_store_error(r, rc);
      return;
    }
    json_object_set_new(j, "terms", fp_json_terms(&t, fp_terms_source_name(source)));
  }
  fp_reply_json(r, 200, j);
}

/*
 * The fields a PATCH of a shift (or of a series: no times) may change, checked for shape before
 * the transaction and applied to each shift inside it. NULL strings and false flags: unchanged.
 */
struct shift_edit {
  fp_time starts_at, ends_at;
  int64_t break_minutes, rate_pence;
  bool has_starts, has_ends, has_break, has_rate;
  const char *unit, *mode, *loc, *desc;
};

/* Parses body into e; with_times: starts_at and ends_at may be given (one shift, not a series). */
static int shift_edit_parse_or_respond(struct fp_req *r, json_t *body, bool with_times, struct shift_edit *e) {
  memset(e, 0, sizeof *e);
  struct fp_field spec[] = {
      {"starts_at", FP_F_TIME, false, 0, 0, NULL, &e->starts_at, &e->has_starts},
      {"ends_at", FP_F_TIME, false, 0, 0, NULL, &e->ends_at, &e->has_ends},
      {"break_minutes", FP_F_INT, false, 0, 240, NULL, &e->break_minutes, &e->has_break},
      {"rate_pence", FP_F_INT, false, 0, 10000000, NULL, &e->rate_pence, &e->has_rate},
      {"rate_unit", FP_F_ENUM, false, 0, 0, RATE_UNITS, &e->unit, NULL},
      {"booking_mode", FP_F_ENUM, false, 0, 0, MODES, &e->mode, NULL},
      {"location_type", FP_F_ENUM, false, 0, 0, LOCATIONS, &e->loc, NULL},
      {"description", FP_F_STRING, false, 0, 2000, NULL, &e->desc, NULL},
      FP_FIELD_END,
  };
  return fp_fields_parse_or_respond(r, body, with_times ? spec : spec + 2);
}

/* Applies e to s and checks the result: 0, or FP_EREFUSED (invalid_field) with why. */
static int shift_edit_apply(const struct shift_edit *e, const struct shift_limits *lim, struct fp_shift *s,
                            struct fp_refusal *why) {
  if (e->has_starts) s->starts_at = e->starts_at;
  if (e->has_ends) s->ends_at = e->ends_at;
  if (e->has_break) s->break_minutes = e->break_minutes;
  if (e->has_rate) s->rate_pence = e->rate_pence;
  if (e->unit) snprintf(s->rate_unit, sizeof s->rate_unit, "%s", e->unit);
  if (e->mode) snprintf(s->booking_mode, sizeof s->booking_mode, "%s", e->mode);
  if (e->loc) snprintf(s->location_type, sizeof s->location_type, "%s", e->loc);
  if (e->desc) snprintf(s->description, sizeof s->description, "%s", e->desc);
  int rc = check_shift(lim, s, why);
  if (rc == 0) set_hourly(s);
  return rc;
}

/*
 * PATCH, DELETE and reopen of one shift share one write transaction: given who acts, what they may
 * see, the shift's id, the event (and for an edit the checked fields), never the request. It reads
 * the shift, asks the core who may change it (fp_shift_may_manage) and the state machine
 * (fp_shift_transition), and writes: 0 with the shift in s, FP_EREFUSED with why (not_found,
 * forbidden, shift_started, invalid_state, invalid_field), or a store error.
 */
struct change_ctx {
  struct fp_actor actor;
  const struct fp_scope *scope;
  struct shift_limits lim;
  int64_t id;
  enum fp_shift_event ev;
  struct shift_edit edit; /* for EDIT */
  struct fp_refusal why;
  struct fp_shift s;
};

/* The status an edited shift s (in `from` before) takes: open, or awaiting its pool's approval when
   its rate is now over the cap; the pool's administrators are asked when it newly awaits them. */
static int edited_status(struct fp_conn *c, const struct fp_shift *s, enum fp_shift_status from,
                         enum fp_shift_status *to, int64_t now) {
  int64_t pool_id = 0;
  int rc = published_status(c, s, to, &pool_id);
  if (!rc && *to == FP_SHIFT_AWAITING_APPROVAL && from != FP_SHIFT_AWAITING_APPROVAL)
    rc = fp_store_rate_approval_tell(c, pool_id, s->practice_id, s->id, *to, NULL, now);
  return rc;
}

static int change_tx(struct fp_conn *c, void *vctx) {
  struct change_ctx *x = vctx;
  int rc = fp_store_shift_get(c, x->id, x->scope, &x->s);
  if (rc == FP_ENOTFOUND) return fp_refuse(&x->why, FP_API_NOT_FOUND, NULL, x->id, "shift %lld not found", (long long)x->id);
  if (rc) return rc;
  if (!fp_shift_may_manage(&x->actor, x->s.practice_id))
    return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->id, "only the practice's managers can change this shift");
  enum fp_shift_status from, to;
  if (fp_shift_status_parse(x->s.status, &from) != 0) return FP_EIO;
  enum fp_transition t = fp_shift_transition(from, x->ev, x->actor.now, x->s.starts_at, x->s.ends_at, &to);
  if (t == FP_TRANS_STARTED)
    return fp_refuse(&x->why, FP_API_SHIFT_STARTED, NULL, x->id,
                     "shift %lld has started: its record can no longer be changed", (long long)x->id);
  if (t != FP_TRANS_OK)
    return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->id, "shift %lld is %s: that change is not possible now",
                     (long long)x->id, x->s.status);
  char before[64];
  snprintf(before, sizeof before, "{\"status\":\"%s\"}", x->s.status);
  if (x->ev == FP_EV_EDIT && (rc = shift_edit_apply(&x->edit, &x->lim, &x->s, &x->why)) != 0) return rc;
  if (x->ev == FP_EV_EDIT && (rc = edited_status(c, &x->s, from, &to, x->actor.now)) != 0) return rc;
  snprintf(x->s.status, sizeof x->s.status, "%s", fp_shift_status_name(to));
  if ((rc = fp_store_shift_update(c, &x->s, x->actor.now)) != 0) return rc;
  char after[64];
  snprintf(after, sizeof after, "{\"status\":\"%s\"}", x->s.status);
  const char *action = x->ev == FP_EV_EDIT ? "shift.edit" : x->ev == FP_EV_WITHDRAW ? "shift.withdraw" : "shift.reopen";
  if ((rc = fp_store_audit(c, x->actor.now, x->actor.user_id, action, "shift", x->s.id, before, after))) return rc;
  return fp_store_shift_get(c, x->s.id, NULL, &x->s);
}

static void change(struct fp_req *r, enum fp_shift_event ev) {
  struct change_ctx x;
  memset(&x, 0, sizeof x);
  if (ev == FP_EV_EDIT && (fp_req_json_or_respond(r) || shift_edit_parse_or_respond(r, r->json, true, &x.edit))) return;
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.scope = &scope;
  x.lim = limits_of(r);
  x.id = r->params[0];
  x.ev = ev;
  int rc = fp_store_write(r->app->store, change_tx, &x);
  if (rc == FP_EREFUSED) fp_reply_refusal(r, &x.why);
  else if (rc) fp_reply_store_error(r, rc);
  else fp_reply_json(r, 200, fp_json_shift(&x.s));
}

void fp_h_shift_patch(struct fp_req *r) { change(r, FP_EV_EDIT); }
void fp_h_shift_delete(struct fp_req *r) { change(r, FP_EV_WITHDRAW); }
void fp_h_shift_reopen(struct fp_req *r) { change(r, FP_EV_REOPEN); }

/*
 * A weekly series as a whole (issue 10).
 *   GET /api/v1/series/{id}: its shifts (those the caller sees) and what acting on the whole
 *     series would do: how many upcoming shifts are open (edited or withdrawn), how many are booked
 *     (kept, with their clinicians), how many have started (history).
 *   PATCH /api/v1/series/{id}: the shared fields (break, rate, booking mode, location, details)
 *     of every upcoming open shift, all or none.
 *   DELETE /api/v1/series/{id}: withdraws every upcoming open shift.
 * Each shift is moved by the core's state machine (fp_shift_transition) like one changed on its
 * own: started shifts are never changed, booked ones are not withdrawn or edited (the practice
 * cancels a booking on its own page), and nothing at all is written when no shift may change
 * (409 shift_started when every shift has started, else invalid_state).
 */
struct series_rows {
  struct fp_shift *s; /* MAX_SERIES of them, malloc'd */
  int n;
};

static void collect_shift(const struct fp_shift *s, void *ctx) {
  struct series_rows *x = ctx;
  if (x->n < MAX_SERIES) x->s[x->n++] = *s;
}

/* Every shift of series `id` that scope sees, in start order. A series has at most MAX_SERIES. */
static int series_load(struct fp_conn *c, int64_t id, const struct fp_scope *scope, struct series_rows *out) {
  struct fp_shift_query q = {.scope = scope, .series_id = id, .limit = MAX_SERIES};
  bool more = false;
  out->n = 0;
  int rc = fp_store_shift_search(c, &q, collect_shift, out, &more);
  if (rc == 0 && more) rc = FP_EIO; /* posting never makes a longer series */
  return rc;
}

static json_t *series_json(int64_t id, const struct series_rows *x, fp_time now) {
  json_t *items = json_array();
  int open = 0, booked = 0, started = 0;
  for (int i = 0; i < x->n; i++) {
    const struct fp_shift *s = &x->s[i];
    enum fp_shift_status from = FP_SHIFT_OPEN;
    fp_shift_status_parse(s->status, &from);
    enum fp_transition t = fp_shift_transition(from, FP_EV_WITHDRAW, now, s->starts_at, s->ends_at, NULL);
    if (t == FP_TRANS_STARTED || (t == FP_TRANS_INVALID_STATE && s->starts_at <= now)) started++;
    else if (t == FP_TRANS_OK) open++;
    else if (from == FP_SHIFT_BOOKED) booked++;
    json_array_append_new(items, fp_json_shift(s));
  }
  return json_pack("{s:I, s:I, s:s, s:o, s:i, s:i, s:i}", "id", (json_int_t)id, "practice_id",
                   (json_int_t)(x->n ? x->s[0].practice_id : 0), "role", x->n ? x->s[0].role : "", "shifts", items,
                   "open_upcoming", open, "booked_upcoming", booked, "started", started);
}

static bool series_rows_alloc(struct fp_req *r, struct series_rows *x) {
  x->n = 0;
  x->s = malloc(sizeof *x->s * MAX_SERIES);
  if (!x->s) fp_reply_store_error(r, FP_ENOMEM);
  return x->s != NULL;
}

void fp_h_series_get(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct series_rows x;
  if (!series_rows_alloc(r, &x)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = FP_EIO;
  if (c && fp_store_read_begin(c) == 0) {
    rc = series_load(c, r->params[0], &scope, &x);
    fp_store_read_end(c);
  }
  if (rc == 0 && x.n == 0) fp_reply_error(r, FP_API_NOT_FOUND, NULL, "series %lld not found", (long long)r->params[0]);
  else if (rc) fp_reply_store_error(r, rc);
  else fp_reply_json(r, 200, series_json(r->params[0], &x, r->now));
  free(x.s);
}

/*
 * Editing or withdrawing a series: a write transaction given who acts, what they may see, the
 * series' id, the event and the checked fields (never the request). Every upcoming open shift is
 * moved by the state machine, or none: 0 with the changed ids and the series re-read into rows,
 * FP_EREFUSED with why (not_found, forbidden, shift_started when every shift has started,
 * invalid_state, invalid_field for a break too long for one of them), or a store error.
 */
struct series_ctx {
  struct fp_actor actor;
  const struct fp_scope *scope;
  struct shift_limits lim;
  int64_t id;
  enum fp_shift_event ev; /* FP_EV_EDIT or FP_EV_WITHDRAW */
  struct shift_edit edit; /* for EDIT: no times */
  struct fp_refusal why;
  struct series_rows rows;
  int64_t changed[MAX_SERIES];
  int n_changed;
};

static int series_tx(struct fp_conn *c, void *vctx) {
  struct series_ctx *x = vctx;
  x->n_changed = 0; /* the transaction may run again */
  bool any_upcoming = false;
  int rc = series_load(c, x->id, x->scope, &x->rows);
  if (rc) return rc;
  if (x->rows.n == 0) return fp_refuse(&x->why, FP_API_NOT_FOUND, NULL, x->id, "series %lld not found", (long long)x->id);
  if (!fp_shift_may_manage(&x->actor, x->rows.s[0].practice_id))
    return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->id, "only the practice's managers can change this series");
  for (int i = 0; i < x->rows.n; i++) {
    struct fp_shift *s = &x->rows.s[i];
    enum fp_shift_status from, to;
    if (fp_shift_status_parse(s->status, &from) != 0) return FP_EIO;
    enum fp_transition t = fp_shift_transition(from, x->ev, x->actor.now, s->starts_at, s->ends_at, &to);
    if (s->starts_at > x->actor.now) any_upcoming = true;
    if (t != FP_TRANS_OK) continue; /* started, or not open: kept as it is */
    char before[64];
    snprintf(before, sizeof before, "{\"status\":\"%s\"}", s->status);
    /* A break too long for one of them: nothing is written. */
    if (x->ev == FP_EV_EDIT && (rc = shift_edit_apply(&x->edit, &x->lim, s, &x->why)) != 0) return rc;
    if (x->ev == FP_EV_EDIT && (rc = edited_status(c, s, from, &to, x->actor.now)) != 0) return rc;
    snprintf(s->status, sizeof s->status, "%s", fp_shift_status_name(to));
    if ((rc = fp_store_shift_update(c, s, x->actor.now)) != 0) return rc;
    char after[96];
    snprintf(after, sizeof after, "{\"status\":\"%s\",\"series_id\":%lld}", s->status, (long long)s->series_id);
    const char *action = x->ev == FP_EV_EDIT ? "shift.edit" : "shift.withdraw";
    if ((rc = fp_store_audit(c, x->actor.now, x->actor.user_id, action, "shift", s->id, before, after))) return rc;
    x->changed[x->n_changed++] = s->id;
  }
  if (x->n_changed == 0 && !any_upcoming)
    return fp_refuse(&x->why, FP_API_SHIFT_STARTED, NULL, x->id,
                     "every shift of series %lld has started: their records can no longer be changed", (long long)x->id);
  if (x->n_changed == 0)
    return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->id,
                     "series %lld has no upcoming open shift: booked shifts are changed one at a time", (long long)x->id);
  return series_load(c, x->id, x->scope, &x->rows);
}

static void series_change(struct fp_req *r, enum fp_shift_event ev) {
  struct series_ctx *x = calloc(1, sizeof *x);
  if (!x || !series_rows_alloc(r, &x->rows)) {
    if (!x) fp_reply_store_error(r, FP_ENOMEM);
    free(x);
    return;
  }
  if (ev == FP_EV_EDIT && (fp_req_json_or_respond(r) || shift_edit_parse_or_respond(r, r->json, false, &x->edit))) {
    free(x->rows.s);
    free(x);
    return;
  }
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  fp_actor_from_auth(&r->auth, r->now, &x->actor);
  x->scope = &scope;
  x->lim = limits_of(r);
  x->id = r->params[0];
  x->ev = ev;
  int rc = fp_store_write(r->app->store, series_tx, x);
  if (rc == FP_EREFUSED) {
    fp_reply_refusal(r, &x->why);
  } else if (rc) {
    fp_reply_store_error(r, rc);
  } else {
    json_t *ids = json_array();
    for (int i = 0; i < x->n_changed; i++) json_array_append_new(ids, json_integer(x->changed[i]));
    fp_reply_json(r, 200, json_pack("{s:o, s:o}", "changed_shift_ids", ids, "series", series_json(r->params[0], &x->rows, r->now)));
  }
  free(x->rows.s);
  free(x);
}

void fp_h_series_patch(struct fp_req *r) { series_change(r, FP_EV_EDIT); }
void fp_h_series_delete(struct fp_req *r) { series_change(r, FP_EV_WITHDRAW); }
