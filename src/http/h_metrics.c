/*
 * Metrics: the commissioner's overview.
 *   GET /api/v1/metrics?from=YYYY-MM-DD&to=YYYY-MM-DD: shifts posted and filled, fill rate, hours
 *     delivered and booked ahead, fees agreed, approved and paid, clinicians and practices
 *     registered and onboarded, unfilled shifts and late cancellations, in total, by place and by
 *     PCN (clinicians in total and by profession), over shifts starting in [from, to) in UK local
 *     dates (default: the 28 days before today to 28 days after). Scoped to the caller: a
 *     commissioner their ICB, a pool administrator their pools' practices, a practice manager their
 *     practices, a system administrator everything; clinicians get 403. docs/METRICS.md defines
 *     each figure.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/time.h"
#include "http/codec.h"
#include "http/routes.h"
#include "store/metrics.h"

#define DEFAULT_DAYS 28
#define MAX_PERIOD_DAYS 1830

/* A share as a percentage to one decimal place (0 when there is nothing to share). */
static double percent(int64_t part, int64_t whole) {
  if (whole <= 0) return 0.0;
  return (double)((part * 1000 + whole / 2) / whole) / 10.0;
}

/* Minutes as hours to two decimal places. */
static double hours(int64_t minutes) { return (double)((minutes * 100 + 30) / 60) / 100.0; }

/* A count, or null where it cannot be attributed (-1). */
static json_t *count_or_null(int64_t n) { return n < 0 ? json_null() : json_integer(n); }

static json_t *figures_json(const struct fp_metrics_figures *f) {
  json_t *j = json_object();
  json_object_set_new(j, "shifts_posted", json_integer(f->shifts_posted));
  json_object_set_new(j, "shifts_filled", json_integer(f->shifts_filled));
  json_object_set_new(j, "fill_rate_percent", json_real(percent(f->shifts_filled, f->shifts_posted)));
  json_object_set_new(j, "unfilled", json_integer(f->unfilled));
  json_object_set_new(j, "did_not_attend", json_integer(f->did_not_attend));
  json_object_set_new(j, "late_cancellations", json_integer(f->late_cancellations));
  json_object_set_new(j, "hours_delivered", json_real(hours(f->minutes_delivered)));
  json_object_set_new(j, "hours_booked_ahead", json_real(hours(f->minutes_ahead)));
  json_object_set_new(j, "fees_agreed_pence", json_integer(f->fees_agreed_pence));
  json_object_set_new(j, "fees_approved_pence", json_integer(f->fees_approved_pence));
  json_object_set_new(j, "fees_paid_pence", json_integer(f->fees_paid_pence));
  json_object_set_new(j, "practices_registered", json_integer(f->practices_registered));
  json_object_set_new(j, "practices_onboarded", json_integer(f->practices_onboarded));
  json_object_set_new(j, "clinicians_registered", count_or_null(f->clinicians_registered));
  json_object_set_new(j, "clinicians_onboarded", count_or_null(f->clinicians_onboarded));
  return j;
}

static json_t *rows_json(const struct fp_metrics_row *rows, int n) {
  json_t *a = json_array();
  for (int i = 0; i < n; i++) {
    json_t *j = figures_json(&rows[i].f);
    json_object_set_new(j, "organisation_id", fp_json_id(rows[i].organisation_id));
    json_object_set_new(j, "ods_code", fp_json_str_or_null(rows[i].ods_code));
    json_object_set_new(j, "name", json_string(rows[i].name));
    json_array_append_new(a, j);
  }
  return a;
}

/* A YYYY-MM-DD query parameter as a day number; absent leaves *day. 0, or answers 400 and -1. */
static int query_day_or_respond(struct fp_req *r, const char *name, fp_day *day) {
  const char *v = fp_req_query(r, name);
  if (!v) return 0;
  if (fp_date_parse(v, day) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, name, "'%s' must be a date, YYYY-MM-DD", name);
    return -1;
  }
  return 0;
}

void fp_h_metrics(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  scope.clinician_id = 0;
  scope.profession = NULL;
  if (!scope.all && !scope.n_icbs && !scope.n_pools && !scope.n_practices) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "metrics are for commissioners, pool administrators and practice managers");
    return;
  }
  fp_day today = fp_uk_day(r->now);
  fp_day from = today - DEFAULT_DAYS, to = today + DEFAULT_DAYS;
  if (query_day_or_respond(r, "from", &from) || query_day_or_respond(r, "to", &to)) return;
  if (to <= from) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "to", "'to' must be after 'from'");
    return;
  }
  if (to - from > MAX_PERIOD_DAYS) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "to", "the period is at most %d days", MAX_PERIOD_DAYS);
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_metrics m;
  int rc = c ? fp_store_metrics(c, &scope, fp_uk_local_to_utc(from, 0, 0, 0), fp_uk_local_to_utc(to, 0, 0, 0), r->now,
                                to - 1, &m)
             : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = json_pack("{s:o, s:o, s:o, s:o, s:o}", "from", fp_json_date(from), "to", fp_json_date(to), "totals",
                        figures_json(&m.totals), "by_place", rows_json(m.places, m.n_places), "by_pcn",
                        rows_json(m.pcns, m.n_pcns));
  json_t *profs = json_array();
  for (int i = 0; i < m.n_professions; i++)
    json_array_append_new(profs, json_pack("{s:s, s:I, s:I}", "profession", m.professions[i].profession, "registered",
                                           (json_int_t)m.professions[i].registered, "onboarded",
                                           (json_int_t)m.professions[i].onboarded));
  json_object_set_new(j, "clinicians_by_profession", profs);
  fp_metrics_release(&m);
  fp_reply_json(r, 200, j);
}
