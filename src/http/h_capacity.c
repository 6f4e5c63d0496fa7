/*
 * Capacity against demand for a pool (issue 12; the definitions are docs/METRICS.md's, "Capacity"):
 *   GET /api/v1/pools/{id}/capacity?from=YYYY-MM-DD&to=YYYY-MM-DD
 * For each UK local day and standard session (morning, afternoon, evening): capacity, the pool's
 * active clinician members whose availability holds the whole session (the core's
 * fp_availability_covers); demand, the shifts posted at the pool's practices starting in that session
 * (open, booked or completed); filled, those booked or completed. By day, by week (from Monday) and
 * in total. The pool's administrators, the commissioners of its ICB and system administrators read
 * it (403 for others). At most MAX_DAYS days (a longer window is a 400, never cut); clinicians are
 * read a page at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "core/availability.h"
#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/availability.h"
#include "store/capacity.h"
#include "store/db.h"
#include "store/members.h"

#define MAX_DAYS 62
#define N_SESSIONS 3
#define PAGE 200

struct counts {
  fp_day from;
  int n_days;
  int64_t capacity[MAX_DAYS][N_SESSIONS], demand[MAX_DAYS][N_SESSIONS], filled[MAX_DAYS][N_SESSIONS];
};

static void add_shift(int64_t starts_at, bool booked, void *ctx) {
  struct counts *k = ctx;
  int d = (int)(fp_uk_day(starts_at) - k->from);
  if (d < 0 || d >= k->n_days) return;
  int64_t local = starts_at + fp_uk_offset(starts_at);
  int minute = (int)(((local % 86400) + 86400) % 86400 / 60);
  int s = (int)fp_avail_session_at(minute) - 1;
  k->demand[d][s]++;
  if (booked) k->filled[d][s]++;
}

static json_t *figures(int64_t capacity, int64_t demand, int64_t filled) {
  return json_pack("{s:I, s:I, s:I}", "capacity", (json_int_t)capacity, "demand", (json_int_t)demand, "filled",
                   (json_int_t)filled);
}

void fp_h_pool_capacity(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
    return;
  }
  struct fp_pool pool;
  int rc = fp_store_pool_get(c, r->params[0], &pool);
  if (fp_found_or_respond(r, rc, "pool", r->params[0])) return;
  if (!fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) && !fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, pool.id) &&
      !(pool.icb_id && fp_auth_has_for(&r->auth, FP_ROLE_COMMISSIONER, pool.icb_id))) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the pool's administrators and its ICB's commissioners read its capacity");
    return;
  }
  fp_day from = fp_uk_day(r->now), to = from + 27;
  const char *qf = fp_req_query(r, "from"), *qt = fp_req_query(r, "to");
  if (qf && fp_date_parse(qf, &from) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "from", "'from' must be a date such as 2026-12-01");
    return;
  }
  if (qt && fp_date_parse(qt, &to) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "to", "'to' must be a date such as 2026-12-31");
    return;
  }
  if (!qt && qf) to = from + 27;
  if (to < from || to - from + 1 > MAX_DAYS) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "to", "'to' must be on or after 'from', at most %d days in all", MAX_DAYS);
    return;
  }
  struct counts *k = calloc(1, sizeof *k);
  struct fp_stored_availability *sa = malloc(sizeof *sa);
  int64_t *ids = malloc(PAGE * sizeof *ids);
  if (!k || !sa || !ids) {
    free(k), free(sa), free(ids);
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  k->from = from;
  k->n_days = (int)(to - from + 1);
  /* The sessions as instants, once. */
  fp_time start[MAX_DAYS][N_SESSIONS], end[MAX_DAYS][N_SESSIONS];
  for (int d = 0; d < k->n_days; d++)
    for (int s = 0; s < N_SESSIONS; s++) {
      int a, b;
      fp_avail_session_hours((enum fp_avail_session)(s + 1), &a, &b);
      fp_avail_local_interval(from + d, a, b, &start[d][s], &end[d][s]);
    }
  int64_t after = 0, n_clinicians = 0;
  size_t n = 0;
  do {
    if ((rc = fp_store_pool_clinician_ids(c, pool.id, after, PAGE, ids, &n)) != 0) break;
    for (size_t i = 0; i < n && !rc; i++) {
      if ((rc = fp_store_availability_get(c, ids[i], sa)) != 0) break;
      n_clinicians++;
      struct fp_availability a = fp_stored_availability_view(sa);
      for (int d = 0; d < k->n_days; d++)
        for (int s = 0; s < N_SESSIONS; s++)
          if (fp_availability_covers(&a, start[d][s], end[d][s])) k->capacity[d][s]++;
    }
    if (n) after = ids[n - 1];
  } while (!rc && n == PAGE);
  if (!rc) rc = fp_store_pool_demand(c, pool.id, start[0][0] - 12 * 3600, end[k->n_days - 1][2] + 6 * 3600, add_shift, k);
  if (rc) {
    free(k), free(sa), free(ids);
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *days = json_array(), *weeks = json_array();
  int64_t tc = 0, td = 0, tf = 0, wc = 0, wd = 0, wf = 0;
  fp_day week = from - (fp_weekday(from) + 6) % 7;
  for (int d = 0; d < k->n_days; d++) {
    fp_day day = from + d;
    fp_day this_week = day - (fp_weekday(day) + 6) % 7;
    if (this_week != week) {
      char w[FP_DATE_STRLEN];
      fp_date_format(week, w);
      json_array_append_new(weeks, json_pack("{s:s, s:o}", "week_starting", w, "figures", figures(wc, wd, wf)));
      wc = wd = wf = 0;
      week = this_week;
    }
    json_t *sessions = json_array();
    for (int s = 0; s < N_SESSIONS; s++) {
      json_t *f = figures(k->capacity[d][s], k->demand[d][s], k->filled[d][s]);
      json_object_set_new(f, "session", json_string(fp_avail_session_name((enum fp_avail_session)(s + 1))));
      json_array_append_new(sessions, f);
      wc += k->capacity[d][s], wd += k->demand[d][s], wf += k->filled[d][s];
      tc += k->capacity[d][s], td += k->demand[d][s], tf += k->filled[d][s];
    }
    char ds[FP_DATE_STRLEN];
    fp_date_format(day, ds);
    json_array_append_new(days, json_pack("{s:s, s:o}", "date", ds, "sessions", sessions));
  }
  char w[FP_DATE_STRLEN], fs[FP_DATE_STRLEN], ts[FP_DATE_STRLEN];
  fp_date_format(week, w);
  json_array_append_new(weeks, json_pack("{s:s, s:o}", "week_starting", w, "figures", figures(wc, wd, wf)));
  fp_date_format(from, fs);
  fp_date_format(to, ts);
  free(k), free(sa), free(ids);
  fp_reply_json(r, 200, json_pack("{s:I, s:s, s:s, s:I, s:o, s:o, s:o}", "pool_id", (json_int_t)pool.id, "from", fs, "to",
                                  ts, "clinicians", (json_int_t)n_clinicians, "totals", figures(tc, td, tf), "weeks", weeks,
                                  "days", days));
}
