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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/money.h"
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

/* The caller's figures for the period the query asks: 0 with *m filled (release it), or -1 once
   answered (403, 400 or the store's error). */
static int metrics_or_respond(struct fp_req *r, fp_day *from_out, fp_day *to_out, struct fp_metrics *m) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  scope.clinician_id = 0;
  scope.profession = NULL;
  if (!scope.all && !scope.n_icbs && !scope.n_pools && !scope.n_practices) {
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
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_metrics(c, &scope, fp_uk_local_to_utc(from, 0, 0, 0), fp_uk_local_to_utc(to, 0, 0, 0), r->now,
                                to - 1, m)
             : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  *from_out = from;
  *to_out = to;
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

/* One row per area: the total, each place, each PCN, each practice. */
struct area {
  const char *level;
  const struct fp_metrics_row *row; /* NULL: the total */
};

#define LEAD_COLS 5 /* level, organisation_id, parent_id, ods_code, name */
#define MAX_TABLE_COLS (LEAD_COLS + 2 * N_COLS)

/* The header: the lead columns, then each figure (pence with its _gbp twin). */
static size_t table_head(const char **head, enum fp_xlsx_format *formats, char gbp_names[][40]) {
  static const char *const LEAD[LEAD_COLS] = {"level", "organisation_id", "parent_id", "ods_code", "name"};
  size_t n = 0;
  for (; n < LEAD_COLS; n++) {
    head[n] = LEAD[n];
    formats[n] = FP_XLSX_GENERAL;
  }
  for (size_t i = 0; i < N_COLS; i++) {
    head[n] = COLS[i].name;
    formats[n++] = COLS[i].kind == K_RATE || COLS[i].kind == K_MEAN_HOURS ? FP_XLSX_ONE_DP
                   : COLS[i].kind == K_HOURS                           ? FP_XLSX_TWO_DP
                                                                       : FP_XLSX_INTEGER;
    if (COLS[i].kind == K_PENCE) {
      size_t len = strlen(COLS[i].name) - strlen("_pence");
      snprintf(gbp_names[i], 40, "%.*s_gbp", (int)len, COLS[i].name);
      head[n] = gbp_names[i];
      formats[n++] = FP_XLSX_POUNDS;
    }
  }
  return n;
}

static size_t areas_of(const struct fp_metrics *m, struct area **out) {
  size_t n = 1 + (size_t)m->n_places + (size_t)m->n_pcns + (size_t)m->n_practices;
  struct area *a = calloc(n, sizeof *a);
  if (!a) return 0;
  size_t k = 0;
  a[k++] = (struct area){"total", NULL};
  for (int i = 0; i < m->n_places; i++) a[k++] = (struct area){"place", &m->places[i]};
  for (int i = 0; i < m->n_pcns; i++) a[k++] = (struct area){"pcn", &m->pcns[i]};
  for (int i = 0; i < m->n_practices; i++) a[k++] = (struct area){"practice", &m->practices[i]};
  *out = a;
  return n;
}

/* Writes one area's cells as text (CSV) into cells[], using buf (MAX_TABLE_COLS x 32 bytes). */
static void area_text(const struct area *a, const struct fp_metrics_figures *f, const char **cells, char buf[][32]) {
  size_t n = 0;
  cells[n++] = a->level;
  if (a->row) {
    snprintf(buf[1], 32, "%lld", (long long)a->row->organisation_id);
    snprintf(buf[2], 32, "%lld", (long long)a->row->parent_id);
    cells[n++] = a->row->organisation_id ? buf[1] : "";
    cells[n++] = a->row->parent_id ? buf[2] : "";
    cells[n++] = a->row->ods_code;
    cells[n++] = a->row->name;
  } else {
    cells[n++] = "", cells[n++] = "", cells[n++] = "", cells[n++] = "All areas";
  }
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

/* Writes one area's cells as workbook cells. */
static void area_cells(const struct area *a, const struct fp_metrics_figures *f, struct fp_xlsx_cell *cells) {
  size_t n = 0;
  cells[n++] = (struct fp_xlsx_cell){.text = a->level};
  if (a->row) {
    cells[n++] = a->row->organisation_id ? (struct fp_xlsx_cell){.number = (double)a->row->organisation_id}
                                         : (struct fp_xlsx_cell){.blank = true};
    cells[n++] = a->row->parent_id ? (struct fp_xlsx_cell){.number = (double)a->row->parent_id}
                                   : (struct fp_xlsx_cell){.blank = true};
    cells[n++] = (struct fp_xlsx_cell){.text = a->row->ods_code};
    cells[n++] = (struct fp_xlsx_cell){.text = a->row->name};
  } else {
    for (int i = 0; i < 3; i++) cells[n++] = (struct fp_xlsx_cell){.blank = true};
    cells[n++] = (struct fp_xlsx_cell){.text = "All areas"};
  }
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

static void attach(struct fp_req *r, fp_day from, fp_day to, const char *ext) {
  char a[FP_DATE_STRLEN], b[FP_DATE_STRLEN], disposition[128];
  fp_date_format(from, a);
  fp_date_format(to - 1, b);
  snprintf(disposition, sizeof disposition, "attachment; filename=\"figures-%s-to-%s.%s\"", a, b, ext);
  fp_req_add_header(r, "Content-Disposition", disposition);
}

/* The figures as a table: the header and one area a row (the total, places, PCNs, practices). */
struct table {
  fp_day from, to;
  struct fp_metrics m;
  const char *head[MAX_TABLE_COLS];
  enum fp_xlsx_format formats[MAX_TABLE_COLS];
  char gbp_names[N_COLS][40];
  size_t ncols, n;
  struct area *areas;
};

/* 0 with *t filled (table_release it), or -1 once answered. */
static int table_or_respond(struct fp_req *r, struct table *t) {
  if (metrics_or_respond(r, &t->from, &t->to, &t->m)) return -1;
  t->ncols = table_head(t->head, t->formats, t->gbp_names);
  t->n = areas_of(&t->m, &t->areas);
  if (!t->n) {
    fp_metrics_release(&t->m);
    fp_reply_store_error(r, FP_ENOMEM);
    return -1;
  }
  return 0;
}

static const struct fp_metrics_figures *figures_of(const struct table *t, size_t i) {
  return t->areas[i].row ? &t->areas[i].row->f : &t->m.totals;
}

static void table_release(struct table *t) {
  free(t->areas);
  fp_metrics_release(&t->m);
}

void fp_h_metrics_csv(struct fp_req *r) {
  struct table t, *x = &t;
  if (table_or_respond(r, x)) return;
  struct fp_csv_out out;
  fp_csv_out_begin(&out);
  fp_csv_out_row(&out, x->head, x->ncols);
  for (size_t i = 0; i < x->n; i++) {
    const char *cells[MAX_TABLE_COLS];
    char buf[MAX_TABLE_COLS][32];
    area_text(&x->areas[i], figures_of(x, i), cells, buf);
    fp_csv_out_row(&out, cells, x->ncols);
  }
  fp_day from = x->from, to = x->to;
  table_release(x);
  if (out.failed) {
    free(out.data);
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  attach(r, from, to, "csv");
  fp_reply_text(r, 200, "text/csv; charset=utf-8", out.data, out.len);
}

void fp_h_metrics_xlsx(struct fp_req *r) {
  struct table t, *x = &t;
  if (table_or_respond(r, x)) return;
  struct fp_xlsx_cell *cells = calloc(x->n * x->ncols, sizeof *cells);
  int rc = cells ? 0 : FP_ENOMEM;
  for (size_t i = 0; !rc && i < x->n; i++) area_cells(&x->areas[i], figures_of(x, i), &cells[i * x->ncols]);
  char *doc = NULL;
  size_t len = 0;
  if (!rc) rc = fp_xlsx_table(r->app->store->data_dir, "Figures", x->head, x->formats, x->ncols, cells, x->n, &doc, &len);
  free(cells);
  fp_day from = x->from, to = x->to;
  table_release(x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  attach(r, from, to, "xlsx");
  fp_reply_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", doc, len);
}
