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
 *   GET /api/v1/metrics.csv, /metrics.xlsx: the same figures as a table, a row per area.
 *   GET /api/v1/metrics/clinicians?from&to: for a pool's administrators, the same figures by
 *     clinician: each member of their pools, and anyone else who worked at its practices.
 *   GET /api/v1/metrics/clinicians.csv, /clinicians.xlsx: the same rows and columns as a table.
 *   GET /api/v1/metrics/trend?from&to&by=week|month (and /trend.csv, /trend.xlsx): the totals of
 *     each week (Monday to Sunday) or month of the period, its ends clipped; at most
 *     FP_TREND_MAX_PERIODS periods, refused beyond (never cut short).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/figures.h"
#include "core/funding.h"
#include "core/period.h"
#include "core/targets.h"
#include "core/time.h"
#include "docs/figures_table.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/metrics.h"
#include "store/targets.h"

#define DEFAULT_DAYS 28
#define MAX_PERIOD_DAYS 1830
_Static_assert(MAX_PERIOD_DAYS / 365 + 2 <= FP_TARGET_YEARS_MAX, "a period's financial years fit the targets read");

/* The figure as JSON: null where not counted; rates and hours as numbers, the rest as integers. */
static json_t *figure_json(const struct fp_metrics_figures *f, const struct fp_figure_col *c) {
  return !fp_figure_present(f, c) ? json_null()
         : c->kind == FP_FIG_RATE || c->kind == FP_FIG_HOURS || c->kind == FP_FIG_MEAN_HOURS
             ? json_real(fp_figure_number(f, c))
             : json_integer(fp_figure_value(f, c));
}

static json_t *figures_json(const struct fp_metrics_figures *f) {
  json_t *j = json_object();
  for (size_t i = 0; i < FP_FIGURE_COLS; i++) {
    const struct fp_figure_col *c = &fp_figure_cols[i];
    json_object_set_new(j, c->name, figure_json(f, c));
  }
  return j;
}

static json_t *rows_json(const struct fp_metrics_row *rows, int n) {
  json_t *a = json_array();
  for (int i = 0; i < n; i++) {
    json_t *j = figures_json(&rows[i].f);
    json_object_set_new(j, "organisation_id", fp_json_id(rows[i].organisation_id));
    json_object_set_new(j, "parent_id", fp_json_id(rows[i].parent_id));
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

/* The caller's scope and the period the query asks: 0, or -1 once answered (403 or 400). */
static int scope_period_or_respond(struct fp_req *r, struct fp_scope *scope, fp_day *from_out, fp_day *to_out) {
  fp_scope_from_auth(&r->auth, r->now, scope);
  scope->clinician_id = 0;
  scope->profession = NULL;
  if (!scope->all && !scope->n_icbs && !scope->n_pools && !scope->n_practices) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "metrics are for commissioners, pool administrators and practice managers");
    return -1;
  }
  fp_day today = fp_uk_day(r->now);
  fp_day from = today - DEFAULT_DAYS, to = today + DEFAULT_DAYS;
  if (query_day_or_respond(r, "from", &from) || query_day_or_respond(r, "to", &to)) return -1;
  if (to <= from) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "to", "'to' must be after 'from'");
    return -1;
  }
  if (to - from > MAX_PERIOD_DAYS) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "to", "the period is at most %d days", MAX_PERIOD_DAYS);
    return -1;
  }
  *from_out = from;
  *to_out = to;
  return 0;
}

/* The figures of [from, to) (UK days) in scope, at now. */
static int figures_between(struct fp_conn *c, const struct fp_scope *scope, fp_day from, fp_day to, int64_t now,
                           struct fp_metrics *m) {
  return fp_store_metrics(c, scope, fp_uk_local_to_utc(from, 0, 0, 0), fp_uk_local_to_utc(to, 0, 0, 0), now, to - 1, m);
}

/* The caller's figures for the period the query asks: 0 with *m filled (release it), or -1 once
   answered (403, 400 or the store's error). */
static int metrics_or_respond(struct fp_req *r, struct fp_scope *scope, fp_day *from_out, fp_day *to_out,
                              struct fp_metrics *m) {
  if (scope_period_or_respond(r, scope, from_out, to_out)) return -1;
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? figures_between(c, scope, *from_out, *to_out, r->now, m) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}
/* ---- the commissioner's targets held against the period's figures (core/targets.h) ---- */

/* The targets of [from, to) against totals f, for a caller who sees exactly one ICB (the targets
   are the ICB's: a practice's or a pool's figures are not held against them): JSON null otherwise. */
static int targets_json(struct fp_conn *c, const struct fp_scope *scope, fp_day from, fp_day to,
                        const struct fp_metrics_figures *f, json_t **out) {
  *out = NULL;
  if (scope->all || scope->n_icbs != 1 || scope->n_pools || scope->n_practices) return 0;
  struct fp_period_targets t;
  int rc = fp_store_targets_for_period(c, scope->icbs[0], from, to, f, &t);
  if (rc) return rc;
  bool rate = t.fill_rate_tenths != FP_TARGET_NONE, spend = t.spend_pence != FP_TARGET_NONE;
  /* Why one is missing, as the core decided it, so that a page says it without deciding it again. */
  static const char *const fill_none[] = {[FP_FILL_TARGET_SET] = NULL,
                                          [FP_FILL_TARGET_ACROSS_YEARS] = "across_financial_years",
                                          [FP_FILL_TARGET_NOT_SET] = "not_set"};
  json_t *touched = json_array(), *missing = json_array();
  char name[8];
  for (int y = t.first_year; y <= t.last_year; y++) {
    fp_financial_year_name(y, name);
    json_array_append_new(touched, json_string(name));
  }
  for (int i = 0; i < t.n_spend_missing; i++) {
    fp_financial_year_name(t.spend_missing[i], name);
    json_array_append_new(missing, json_string(name));
  }
  const char *why = fill_none[t.fill_rate_none];
  *out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "icb_id", (json_int_t)scope->icbs[0], "fill_rate_percent",
                   rate ? json_real((double)t.fill_rate_tenths / 10.0) : json_null(), "fill_rate_met",
                   rate ? json_boolean(t.fill_rate_met) : json_null(), "fees_agreed_pence",
                   spend ? json_integer(t.spend_pence) : json_null(), "fees_agreed_within",
                   spend ? json_boolean(t.spend_within) : json_null(), "financial_years", touched,
                   "fill_rate_none", why ? json_string(why) : json_null(), "fees_agreed_missing_years", missing);
  return 0;
}

void fp_h_metrics(struct fp_req *r) {
  fp_day from, to;
  struct fp_metrics m;
  struct fp_scope scope;
  if (metrics_or_respond(r, &scope, &from, &to, &m)) return;
  json_t *targets = NULL;
  int rc = targets_json(fp_store_reader(r->app->store), &scope, from, to, &m.totals, &targets);
  if (rc) {
    fp_metrics_release(&m);
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "from", fp_json_date(from), "to", fp_json_date(to), "totals",
                        figures_json(&m.totals), "by_place", rows_json(m.places, m.n_places), "by_pcn",
                        rows_json(m.pcns, m.n_pcns), "by_practice", rows_json(m.practices, m.n_practices));
  json_t *profs = json_array();
  for (int i = 0; i < m.n_professions; i++)
    json_array_append_new(profs, json_pack("{s:s, s:I, s:I}", "profession", m.professions[i].profession, "registered",
                                           (json_int_t)m.professions[i].registered, "onboarded",
                                           (json_int_t)m.professions[i].onboarded));
  json_object_set_new(j, "clinicians_by_profession", profs);
  json_object_set_new(j, "targets", targets ? targets : json_null());
  fp_metrics_release(&m);
  fp_reply_json(r, 200, j);
}

/* ---- the same figures as a table: CSV and XLSX (docs/figures_table.h) ---- */

/* The period in the file's name: figures-FROM-to-LAST.csv. */
static void attach(struct fp_req *r, const char *what, fp_day from, fp_day to, const char *ext) {
  char a[FP_DATE_STRLEN], b[FP_DATE_STRLEN], disposition[128];
  fp_date_format(from, a);
  fp_date_format(to - 1, b);
  snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%s-to-%s.%s\"", what, a, b, ext);
  fp_req_add_header(r, "Content-Disposition", disposition);
}

/* Answers with doc (taken), a CSV or a workbook that the writer made (rc 0), or with the writer's error. */
static void reply_doc(struct fp_req *r, int rc, char *doc, size_t len, const char *what, fp_day from, fp_day to, bool xlsx) {
  if (rc) {
    free(doc);
    fp_reply_store_error(r, rc);
    return;
  }
  attach(r, what, from, to, xlsx ? "xlsx" : "csv");
  fp_reply_text(r, 200, xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
                doc, len);
}

static void reply_table(struct fp_req *r, const struct fp_figures_table *t, const char *what, const char *sheet,
                        fp_day from, fp_day to, bool xlsx) {
  char *doc = NULL;
  size_t len = 0;
  int rc = xlsx ? fp_figures_xlsx(t, r->app->store->data_dir, sheet, &doc, &len) : fp_figures_csv(t, &doc, &len);
  reply_doc(r, rc, doc, len, what, from, to, xlsx);
}

/* ---- the overview's table: one row per area (the total, places, PCNs, practices) ---- */

static void areas_table(struct fp_req *r, bool xlsx) {
  fp_day from, to;
  struct fp_metrics m;
  struct fp_scope scope;
  if (metrics_or_respond(r, &scope, &from, &to, &m)) return;
  struct fp_figures_areas a;
  if (fp_figures_areas(&m, &a) == 0) reply_table(r, &a.table, "figures", "Figures", from, to, xlsx);
  else fp_reply_store_error(r, FP_ENOMEM);
  fp_figures_areas_release(&a);
  fp_metrics_release(&m);
}

void fp_h_metrics_csv(struct fp_req *r) { areas_table(r, false); }
void fp_h_metrics_xlsx(struct fp_req *r) { areas_table(r, true); }

/* ---- trends: the totals of each week or month of the period (docs/METRICS.md, "Trends") ---- */

struct trend {
  struct fp_scope scope;
  int64_t area; /* 0: the whole scope; else an organisation's practices in it (a place, PCN, ...) */
  enum fp_period_by by;
  int n;
  fp_day bounds[FP_TREND_MAX_PERIODS + 1];
  struct fp_metrics_figures f[FP_TREND_MAX_PERIODS];
};

/* The trend the query asks for: 0 with *t filled, or -1 once answered. */
static int trend_or_respond(struct fp_req *r, fp_day *from, fp_day *to, struct trend *t) {
  struct fp_scope *scope = &t->scope;
  if (scope_period_or_respond(r, scope, from, to)) return -1;
  const char *by = fp_req_query(r, "by");
  if (!by) t->by = *to - *from <= 92 ? FP_BY_WEEK : FP_BY_MONTH;
  else if (strcmp(by, "week") == 0) t->by = FP_BY_WEEK;
  else if (strcmp(by, "month") == 0) t->by = FP_BY_MONTH;
  else {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "by", "'by' must be week or month");
    return -1;
  }
  if (fp_query_int_or_respond(r, "area", 1, INT64_MAX, &t->area)) return -1;
  t->n = fp_periods(*from, *to, t->by, t->bounds, FP_TREND_MAX_PERIODS);
  if (t->n < 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "by",
                   "a trend has at most %d periods: choose months, or a shorter period", FP_TREND_MAX_PERIODS);
    return -1;
  }
  /* Every period from one snapshot, so that the periods add up to the whole. */
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_read_begin(c) : FP_EIO;
  if (!rc) {
    for (int i = 0; !rc && i < t->n; i++) {
      struct fp_metrics m;
      if ((rc = fp_store_metrics_area(c, scope, t->area, fp_uk_local_to_utc(t->bounds[i], 0, 0, 0),
                                      fp_uk_local_to_utc(t->bounds[i + 1], 0, 0, 0), r->now, t->bounds[i + 1] - 1,
                                      &m)) == 0) {
        t->f[i] = m.totals;
        fp_metrics_release(&m);
      }
    }
    fp_store_read_end(c);
  }
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, "area", "no practice of area %lld is in what you can see", (long long)t->area);
    return -1;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

void fp_h_metrics_trend(struct fp_req *r) {
  fp_day from, to;
  struct trend *t = calloc(1, sizeof *t);
  if (!t) {
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  if (trend_or_respond(r, &from, &to, t)) {
    free(t);
    return;
  }
  json_t *periods = json_array();
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = 0;
  for (int i = 0; !rc && i < t->n; i++) {
    json_t *j = figures_json(&t->f[i]), *targets = NULL;
    json_object_set_new(j, "from", fp_json_date(t->bounds[i]));
    json_object_set_new(j, "to", fp_json_date(t->bounds[i + 1]));
    /* The ICB's targets are the ICB's: an area's trend holds none. */
    if (!t->area) rc = targets_json(c, &t->scope, t->bounds[i], t->bounds[i + 1], &t->f[i], &targets);
    json_object_set_new(j, "targets", targets ? targets : json_null());
    json_array_append_new(periods, j);
  }
  if (rc) {
    json_decref(periods);
    free(t);
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = json_pack("{s:o, s:o, s:s, s:o, s:o}", "from", fp_json_date(from), "to", fp_json_date(to), "by",
                        t->by == FP_BY_WEEK ? "week" : "month", "area", fp_json_id(t->area), "periods", periods);
  free(t);
  fp_reply_json(r, 200, j);
}

/* A period's first and last day (its last, not the next one's first: a spreadsheet reads them so). */
static void period_lead(const void *data, size_t i, const char **cells, char buf[][32]) {
  const struct trend *x = data;
  fp_date_format(x->bounds[i], buf[0]);
  fp_date_format(x->bounds[i + 1] - 1, buf[1]);
  cells[0] = buf[0];
  cells[1] = buf[1];
}

static const struct fp_metrics_figures *period_figures(const void *data, size_t i) {
  return &((const struct trend *)data)->f[i];
}

static void trend_table(struct fp_req *r, bool xlsx) {
  fp_day from, to;
  struct trend *t = calloc(1, sizeof *t);
  if (!t) {
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  if (!trend_or_respond(r, &from, &to, t)) {
    static const char *const LEAD[] = {"first_day", "last_day"};
    struct fp_figures_table tab = {LEAD, 2, NULL, (size_t)t->n, period_lead, period_figures, t, NULL, 0};
    reply_table(r, &tab, "trend", "Trend", from, to, xlsx);
  }
  free(t);
}

void fp_h_metrics_trend_csv(struct fp_req *r) { trend_table(r, false); }
void fp_h_metrics_trend_xlsx(struct fp_req *r) { trend_table(r, true); }

/* ---- the pool administrator's drill-down to the clinician (docs/METRICS.md, "By clinician") ---- */

/* The overview's figures that say something of one clinician's sessions: the JSON's keys and the
   tables' columns, in this order. */
static const char *const CLINICIAN_FIGURES[] = {
    "shifts_filled",      "did_not_attend",      "late_cancellations",  "cancelled_by_clinician",
    "cancelled_by_practice", "cancelled_by_pool", "hours_delivered",    "hours_booked_ahead",
    "fees_agreed_pence",  "fees_approved_pence", "fees_paid_pence",
};
#define N_CLINICIAN_FIGURES (sizeof CLINICIAN_FIGURES / sizeof CLINICIAN_FIGURES[0])

/* Each of CLINICIAN_FIGURES as its column of fp_figure_cols (every name is one: checked by the
   tests, which read each key). */
static size_t clinician_figure_cols(const struct fp_figure_col *cols[N_CLINICIAN_FIGURES]) {
  size_t n = 0;
  for (size_t k = 0; k < N_CLINICIAN_FIGURES; k++)
    for (size_t i = 0; i < FP_FIGURE_COLS; i++)
      if (strcmp(fp_figure_cols[i].name, CLINICIAN_FIGURES[k]) == 0) {
        cols[n++] = &fp_figure_cols[i];
        break;
      }
  return n;
}

/* The rows of the figures by clinician for the period the query asks: the one list that the JSON,
   the CSV and the workbook are all written from. */
struct clinicians {
  fp_day from, to;
  struct fp_metrics_clinician *rows; /* malloc'd: free it */
  size_t n;
};

/* 0 with *out filled, or -1 once answered (403, 400 or the store's error). */
static int clinicians_or_respond(struct fp_req *r, struct clinicians *out) {
  struct fp_scope scope;
  memset(out, 0, sizeof *out);
  if (scope_period_or_respond(r, &scope, &out->from, &out->to)) return -1;
  /* Clinicians are seen by their pools' administrators: a commissioner's or a practice's figures stop
     at the practice. */
  scope.n_icbs = scope.n_practices = 0;
  if (!scope.all && !scope.n_pools) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "the figures by clinician are for the pool's administrators");
    return -1;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_metrics_clinicians(c, &scope, fp_uk_local_to_utc(out->from, 0, 0, 0),
                                           fp_uk_local_to_utc(out->to, 0, 0, 0), r->now, out->to - 1, &out->rows, &out->n)
             : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

void fp_h_metrics_clinicians(struct fp_req *r) {
  struct clinicians x;
  if (clinicians_or_respond(r, &x)) return;
  const struct fp_figure_col *cols[N_CLINICIAN_FIGURES];
  size_t n_cols = clinician_figure_cols(cols);
  json_t *items = json_array();
  for (size_t i = 0; i < x.n; i++) {
    const struct fp_metrics_clinician *y = &x.rows[i];
    json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:b}", "clinician_id", (json_int_t)y->clinician_id, "name", y->name,
                          "profession", y->profession, "member", y->member, "onboarded", y->onboarded);
    for (size_t k = 0; k < n_cols; k++) json_object_set_new(j, cols[k]->name, figure_json(&y->f, cols[k]));
    json_array_append_new(items, j);
  }
  free(x.rows);
  fp_reply_json(r, 200, json_pack("{s:o, s:o, s:o}", "from", fp_json_date(x.from), "to", fp_json_date(x.to), "clinicians", items));
}

/* ---- the figures by clinician as a table: the JSON's keys as columns, a row per clinician ---- */

static void clinician_lead(const void *data, size_t i, const char **cells, char buf[][32]) {
  const struct fp_metrics_clinician *y = &((const struct clinicians *)data)->rows[i];
  snprintf(buf[0], 32, "%lld", (long long)y->clinician_id);
  cells[0] = buf[0];
  cells[1] = y->name;
  cells[2] = y->profession;
  cells[3] = y->member ? "true" : "false";
  cells[4] = y->onboarded ? "true" : "false";
}

static const struct fp_metrics_figures *clinician_figures(const void *data, size_t i) {
  return &((const struct clinicians *)data)->rows[i].f;
}

/* The overview's table (docs/figures_table.h) led by who each row is, with the JSON's figures. */
static void clinicians_table(struct fp_req *r, bool xlsx) {
  struct clinicians x;
  if (clinicians_or_respond(r, &x)) return;
  static const char *const LEAD[] = {"clinician_id", "name", "profession", "member", "onboarded"};
  static const bool NUMBERS[] = {true, false, false, false, false};
  const struct fp_figure_col *cols[N_CLINICIAN_FIGURES];
  size_t n_cols = clinician_figure_cols(cols);
  struct fp_figures_table t = {LEAD, 5, NUMBERS, x.n, clinician_lead, clinician_figures, &x, cols, n_cols};
  reply_table(r, &t, "clinicians", "Clinicians", x.from, x.to, xlsx);
  free(x.rows);
}

void fp_h_metrics_clinicians_csv(struct fp_req *r) { clinicians_table(r, false); }
void fp_h_metrics_clinicians_xlsx(struct fp_req *r) { clinicians_table(r, true); }
