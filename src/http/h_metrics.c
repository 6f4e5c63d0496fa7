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
 *   GET /api/v1/metrics/trend?from&to&by=week|month (and /trend.csv, /trend.xlsx): the totals of
 *     each week (Monday to Sunday) or month of the period, its ends clipped; at most
 *     FP_TREND_MAX_PERIODS periods, refused beyond (never cut short).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/money.h"
#include "core/period.h"
#include "core/time.h"
#include "docs/csv_out.h"
#include "docs/xlsx_out.h"
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

/*
 * The figures' columns, once, for the JSON, the CSV and the workbook (docs/METRICS.md defines
 * each): a count; the fill rate (a percentage to one decimal place); minutes written as hours; pence
 * (the CSV and the workbook add a `_gbp` column beside it); a count of clinicians, which is null
 * where it cannot be attributed (-1: places, PCNs, practices).
 */
enum fig_kind { K_COUNT, K_RATE, K_HOURS, K_PENCE, K_PEOPLE, K_MEAN_HOURS };

static const struct figure_col {
  const char *name;
  enum fig_kind kind;
  size_t off, whole; /* the int64_t in struct fp_metrics_figures; a rate: its part and whole */
} COLS[] = {
#define F(name, kind, member) {name, kind, offsetof(struct fp_metrics_figures, member), 0}
#define RATE(name, part, of) {name, K_RATE, offsetof(struct fp_metrics_figures, part), offsetof(struct fp_metrics_figures, of)}
    F("shifts_posted", K_COUNT, shifts_posted),
    F("shifts_filled", K_COUNT, shifts_filled),
    RATE("fill_rate_percent", shifts_filled, shifts_posted),
    F("unfilled", K_COUNT, unfilled),
    F("did_not_attend", K_COUNT, did_not_attend),
    F("late_cancellations", K_COUNT, late_cancellations),
    F("cancelled_by_clinician", K_COUNT, cancelled_by_clinician),
    F("cancelled_by_practice", K_COUNT, cancelled_by_practice),
    F("cancelled_by_pool", K_COUNT, cancelled_by_pool),
    {"hours_to_fill_average", K_MEAN_HOURS, offsetof(struct fp_metrics_figures, fill_seconds),
     offsetof(struct fp_metrics_figures, shifts_filled)},
    F("hours_delivered", K_HOURS, minutes_delivered),
    F("hours_booked_ahead", K_HOURS, minutes_ahead),
    F("fees_agreed_pence", K_PENCE, fees_agreed_pence),
    F("fees_approved_pence", K_PENCE, fees_approved_pence),
    F("fees_paid_pence", K_PENCE, fees_paid_pence),
    F("practices", K_COUNT, practices),
    F("practices_registered", K_COUNT, practices_registered),
    RATE("coverage_percent", practices_registered, practices),
    F("practices_onboarded", K_COUNT, practices_onboarded),
    F("clinicians_registered", K_PEOPLE, clinicians_registered),
    F("clinicians_onboarded", K_PEOPLE, clinicians_onboarded),
#undef F
#undef RATE
};
#define N_COLS (sizeof COLS / sizeof COLS[0])

static int64_t value_of(const struct fp_metrics_figures *f, const struct figure_col *c) {
  return *(const int64_t *)((const char *)f + c->off);
}

/* A mean column's value: seconds over its count, as hours to one decimal place (0 with none). */
static double mean_hours_of(const struct fp_metrics_figures *f, const struct figure_col *c) {
  int64_t n = *(const int64_t *)((const char *)f + c->whole), secs = value_of(f, c);
  if (n <= 0) return 0.0;
  int64_t tenths = (secs * 10 + n * 1800) / (n * 3600); /* half up */
  return (double)tenths / 10.0;
}

/* A rate column's value: its part as a percentage of its whole. */
static double rate_of(const struct fp_metrics_figures *f, const struct figure_col *c) {
  return percent(value_of(f, c), *(const int64_t *)((const char *)f + c->whole));
}

static json_t *figures_json(const struct fp_metrics_figures *f) {
  json_t *j = json_object();
  for (size_t i = 0; i < N_COLS; i++) {
    int64_t v = value_of(f, &COLS[i]);
    json_t *x;
    switch (COLS[i].kind) {
    case K_RATE: x = json_real(rate_of(f, &COLS[i])); break;
    case K_MEAN_HOURS: x = json_real(mean_hours_of(f, &COLS[i])); break;
    case K_HOURS: x = json_real(hours(v)); break;
    case K_PEOPLE: x = v < 0 ? json_null() : json_integer(v); break;
    default: x = json_integer(v); break;
    }
    json_object_set_new(j, COLS[i].name, x);
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
static int metrics_or_respond(struct fp_req *r, fp_day *from_out, fp_day *to_out, struct fp_metrics *m) {
  struct fp_scope scope;
  if (scope_period_or_respond(r, &scope, from_out, to_out)) return -1;
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? figures_between(c, &scope, *from_out, *to_out, r->now, m) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}
void fp_h_metrics(struct fp_req *r) {
  fp_day from, to;
  struct fp_metrics m;
  if (metrics_or_respond(r, &from, &to, &m)) return;
  json_t *j = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "from", fp_json_date(from), "to", fp_json_date(to), "totals",
                        figures_json(&m.totals), "by_place", rows_json(m.places, m.n_places), "by_pcn",
                        rows_json(m.pcns, m.n_pcns), "by_practice", rows_json(m.practices, m.n_practices));
  json_t *profs = json_array();
  for (int i = 0; i < m.n_professions; i++)
    json_array_append_new(profs, json_pack("{s:s, s:I, s:I}", "profession", m.professions[i].profession, "registered",
                                           (json_int_t)m.professions[i].registered, "onboarded",
                                           (json_int_t)m.professions[i].onboarded));
  json_object_set_new(j, "clinicians_by_profession", profs);
  fp_metrics_release(&m);
  fp_reply_json(r, 200, j);
}

/* ---- the same figures as a table: CSV and XLSX ---- */

#define MAX_LEAD_COLS 5
#define MAX_TABLE_COLS (MAX_LEAD_COLS + 2 * N_COLS)

/*
 * A table of figures, one row each (an area, or a period of a trend): lead columns that name the
 * row, then each figure (pence with its _gbp twin). row_lead fills a row's lead cells as text (an
 * empty string: a blank cell; number_lead[i]: the workbook stores that column as a number).
 */
struct table {
  const char *what; /* "figures" or "trend": the file's name */
  fp_day from, to;
  const char *head[MAX_TABLE_COLS];
  enum fp_xlsx_format formats[MAX_TABLE_COLS];
  bool number_lead[MAX_LEAD_COLS];
  char gbp_names[N_COLS][40];
  size_t n_lead, ncols, n;
  void (*row_lead)(const struct table *t, size_t i, const char **cells, char buf[][32]);
  const struct fp_metrics_figures *(*row_figures)(const struct table *t, size_t i);
  void *data;
};

/* The header: the lead columns, then each figure (pence with its _gbp twin). */
static void table_head(struct table *t, const char *const *lead, size_t n_lead) {
  size_t n = 0;
  for (; n < n_lead; n++) {
    t->head[n] = lead[n];
    t->formats[n] = FP_XLSX_GENERAL;
  }
  for (size_t i = 0; i < N_COLS; i++) {
    t->head[n] = COLS[i].name;
    t->formats[n++] = COLS[i].kind == K_RATE || COLS[i].kind == K_MEAN_HOURS ? FP_XLSX_ONE_DP
                      : COLS[i].kind == K_HOURS                           ? FP_XLSX_TWO_DP
                                                                          : FP_XLSX_INTEGER;
    if (COLS[i].kind == K_PENCE) {
      size_t len = strlen(COLS[i].name) - strlen("_pence");
      snprintf(t->gbp_names[i], 40, "%.*s_gbp", (int)len, COLS[i].name);
      t->head[n] = t->gbp_names[i];
      t->formats[n++] = FP_XLSX_POUNDS;
    }
  }
  t->n_lead = n_lead;
  t->ncols = n;
}

/* Writes a row's figure cells as text (CSV) into cells[], using buf (32 bytes each). */
static void figures_text(const struct fp_metrics_figures *f, const char **cells, char buf[][32]) {
  size_t n = 0;
  for (size_t i = 0; i < N_COLS; i++) {
    int64_t v = value_of(f, &COLS[i]);
    char *b = buf[n];
    switch (COLS[i].kind) {
    case K_RATE: snprintf(b, 32, "%.1f", rate_of(f, &COLS[i])); break;
    case K_MEAN_HOURS: snprintf(b, 32, "%.1f", mean_hours_of(f, &COLS[i])); break;
    case K_HOURS: {
      int64_t h100 = (v * 100 + 30) / 60;
      snprintf(b, 32, "%lld.%02lld", (long long)(h100 / 100), (long long)(h100 % 100));
      break;
    }
    case K_PEOPLE:
      if (v < 0) b[0] = '\0';
      else snprintf(b, 32, "%lld", (long long)v);
      break;
    default: snprintf(b, 32, "%lld", (long long)v); break;
    }
    cells[n++] = b;
    if (COLS[i].kind == K_PENCE) {
      fp_money_text(v, buf[n]);
      cells[n] = buf[n];
      n++;
    }
  }
}

/* Writes a row's figure cells as workbook cells. */
static void figures_cells(const struct fp_metrics_figures *f, struct fp_xlsx_cell *cells) {
  size_t n = 0;
  for (size_t i = 0; i < N_COLS; i++) {
    int64_t v = value_of(f, &COLS[i]);
    switch (COLS[i].kind) {
    case K_RATE: cells[n++] = (struct fp_xlsx_cell){.number = rate_of(f, &COLS[i])}; break;
    case K_MEAN_HOURS: cells[n++] = (struct fp_xlsx_cell){.number = mean_hours_of(f, &COLS[i])}; break;
    case K_HOURS: cells[n++] = (struct fp_xlsx_cell){.number = hours(v)}; break;
    case K_PEOPLE:
      cells[n++] = v < 0 ? (struct fp_xlsx_cell){.blank = true} : (struct fp_xlsx_cell){.number = (double)v};
      break;
    default: cells[n++] = (struct fp_xlsx_cell){.number = (double)v}; break;
    }
    if (COLS[i].kind == K_PENCE) cells[n++] = (struct fp_xlsx_cell){.number = (double)v / 100.0};
  }
}

static void attach(struct fp_req *r, const struct table *t, const char *ext) {
  char a[FP_DATE_STRLEN], b[FP_DATE_STRLEN], disposition[128];
  fp_date_format(t->from, a);
  fp_date_format(t->to - 1, b);
  snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%s-to-%s.%s\"", t->what, a, b, ext);
  fp_req_add_header(r, "Content-Disposition", disposition);
}

static void reply_csv(struct fp_req *r, const struct table *t) {
  struct fp_csv_out out;
  fp_csv_out_begin(&out);
  fp_csv_out_row(&out, t->head, t->ncols);
  for (size_t i = 0; i < t->n; i++) {
    const char *cells[MAX_TABLE_COLS];
    char buf[MAX_TABLE_COLS][32];
    t->row_lead(t, i, cells, buf);
    figures_text(t->row_figures(t, i), cells + t->n_lead, buf + t->n_lead);
    fp_csv_out_row(&out, cells, t->ncols);
  }
  if (out.failed) {
    free(out.data);
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  attach(r, t, "csv");
  fp_reply_text(r, 200, "text/csv; charset=utf-8", out.data, out.len);
}

static void reply_xlsx(struct fp_req *r, const struct table *t, const char *sheet) {
  struct fp_xlsx_cell *cells = calloc(t->n * t->ncols, sizeof *cells);
  /* The lead cells' text lives here until the workbook is written. */
  char (*buf)[MAX_LEAD_COLS][32] = calloc(t->n, sizeof *buf);
  int rc = cells && buf ? 0 : FP_ENOMEM;
  for (size_t i = 0; !rc && i < t->n; i++) {
    struct fp_xlsx_cell *row = &cells[i * t->ncols];
    const char *lead[MAX_LEAD_COLS];
    t->row_lead(t, i, lead, buf[i]);
    for (size_t k = 0; k < t->n_lead; k++)
      row[k] = !lead[k] || !lead[k][0] ? (struct fp_xlsx_cell){.blank = true}
               : t->number_lead[k]     ? (struct fp_xlsx_cell){.number = strtod(lead[k], NULL)}
                                       : (struct fp_xlsx_cell){.text = lead[k]};
    figures_cells(t->row_figures(t, i), row + t->n_lead);
  }
  char *doc = NULL;
  size_t len = 0;
  if (!rc) rc = fp_xlsx_table(r->app->store->data_dir, sheet, t->head, t->formats, t->ncols, cells, t->n, &doc, &len);
  free(cells);
  free(buf);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  attach(r, t, "xlsx");
  fp_reply_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", doc, len);
}

/* ---- the overview's table: one row per area (the total, places, PCNs, practices) ---- */

struct area {
  const char *level;
  const struct fp_metrics_row *row; /* NULL: the total */
};

struct areas {
  struct fp_metrics m;
  struct area *list;
};

static void area_lead(const struct table *t, size_t i, const char **cells, char buf[][32]) {
  const struct area *a = &((const struct areas *)t->data)->list[i];
  cells[0] = a->level;
  if (!a->row) {
    cells[1] = "", cells[2] = "", cells[3] = "", cells[4] = "All areas";
    return;
  }
  snprintf(buf[1], 32, "%lld", (long long)a->row->organisation_id);
  snprintf(buf[2], 32, "%lld", (long long)a->row->parent_id);
  cells[1] = a->row->organisation_id ? buf[1] : "";
  cells[2] = a->row->parent_id ? buf[2] : "";
  cells[3] = a->row->ods_code;
  cells[4] = a->row->name;
}

static const struct fp_metrics_figures *area_figures(const struct table *t, size_t i) {
  const struct areas *x = t->data;
  return x->list[i].row ? &x->list[i].row->f : &x->m.totals;
}

/* 0 with *t and *x filled (areas_release x), or -1 once answered. */
static int areas_or_respond(struct fp_req *r, struct table *t, struct areas *x) {
  memset(t, 0, sizeof *t);
  if (metrics_or_respond(r, &t->from, &t->to, &x->m)) return -1;
  static const char *const LEAD[] = {"level", "organisation_id", "parent_id", "ods_code", "name"};
  table_head(t, LEAD, 5);
  t->number_lead[1] = t->number_lead[2] = true;
  const struct fp_metrics *m = &x->m;
  t->n = 1 + (size_t)m->n_places + (size_t)m->n_pcns + (size_t)m->n_practices;
  if (!(x->list = calloc(t->n, sizeof *x->list))) {
    fp_metrics_release(&x->m);
    fp_reply_store_error(r, FP_ENOMEM);
    return -1;
  }
  size_t k = 0;
  x->list[k++] = (struct area){"total", NULL};
  for (int i = 0; i < m->n_places; i++) x->list[k++] = (struct area){"place", &m->places[i]};
  for (int i = 0; i < m->n_pcns; i++) x->list[k++] = (struct area){"pcn", &m->pcns[i]};
  for (int i = 0; i < m->n_practices; i++) x->list[k++] = (struct area){"practice", &m->practices[i]};
  t->what = "figures";
  t->row_lead = area_lead;
  t->row_figures = area_figures;
  t->data = x;
  return 0;
}

static void areas_release(struct areas *x) {
  free(x->list);
  fp_metrics_release(&x->m);
}

void fp_h_metrics_csv(struct fp_req *r) {
  struct table t;
  struct areas x;
  if (areas_or_respond(r, &t, &x)) return;
  reply_csv(r, &t);
  areas_release(&x);
}

void fp_h_metrics_xlsx(struct fp_req *r) {
  struct table t;
  struct areas x;
  if (areas_or_respond(r, &t, &x)) return;
  reply_xlsx(r, &t, "Figures");
  areas_release(&x);
}

/* ---- trends: the totals of each week or month of the period (docs/METRICS.md, "Trends") ---- */

struct trend {
  enum fp_period_by by;
  int n;
  fp_day bounds[FP_TREND_MAX_PERIODS + 1];
  struct fp_metrics_figures f[FP_TREND_MAX_PERIODS];
};

/* The trend the query asks for: 0 with *t filled, or -1 once answered. */
static int trend_or_respond(struct fp_req *r, fp_day *from, fp_day *to, struct trend *t) {
  struct fp_scope scope;
  if (scope_period_or_respond(r, &scope, from, to)) return -1;
  const char *by = fp_req_query(r, "by");
  if (!by) t->by = *to - *from <= 92 ? FP_BY_WEEK : FP_BY_MONTH;
  else if (strcmp(by, "week") == 0) t->by = FP_BY_WEEK;
  else if (strcmp(by, "month") == 0) t->by = FP_BY_MONTH;
  else {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "by", "'by' must be week or month");
    return -1;
  }
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
      if ((rc = figures_between(c, &scope, t->bounds[i], t->bounds[i + 1], r->now, &m)) == 0) {
        t->f[i] = m.totals;
        fp_metrics_release(&m);
      }
    }
    fp_store_read_end(c);
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
  for (int i = 0; i < t->n; i++) {
    json_t *j = figures_json(&t->f[i]);
    json_object_set_new(j, "from", fp_json_date(t->bounds[i]));
    json_object_set_new(j, "to", fp_json_date(t->bounds[i + 1]));
    json_array_append_new(periods, j);
  }
  json_t *j = json_pack("{s:o, s:o, s:s, s:o}", "from", fp_json_date(from), "to", fp_json_date(to), "by",
                        t->by == FP_BY_WEEK ? "week" : "month", "periods", periods);
  free(t);
  fp_reply_json(r, 200, j);
}

/* A period's first and last day (its last, not the next one's first: a spreadsheet reads them so). */
static void period_lead(const struct table *t, size_t i, const char **cells, char buf[][32]) {
  const struct trend *x = t->data;
  fp_date_format(x->bounds[i], buf[0]);
  fp_date_format(x->bounds[i + 1] - 1, buf[1]);
  cells[0] = buf[0];
  cells[1] = buf[1];
}

static const struct fp_metrics_figures *period_figures(const struct table *t, size_t i) {
  return &((const struct trend *)t->data)->f[i];
}

static void trend_table(struct fp_req *r, bool xlsx) {
  struct table tab;
  memset(&tab, 0, sizeof tab);
  struct trend *t = calloc(1, sizeof *t);
  if (!t) {
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  if (trend_or_respond(r, &tab.from, &tab.to, t)) {
    free(t);
    return;
  }
  static const char *const LEAD[] = {"first_day", "last_day"};
  table_head(&tab, LEAD, 2);
  tab.what = "trend";
  tab.n = (size_t)t->n;
  tab.row_lead = period_lead;
  tab.row_figures = period_figures;
  tab.data = t;
  if (xlsx) reply_xlsx(r, &tab, "Trend");
  else reply_csv(r, &tab);
  free(t);
}

void fp_h_metrics_trend_csv(struct fp_req *r) { trend_table(r, false); }
void fp_h_metrics_trend_xlsx(struct fp_req *r) { trend_table(r, true); }
