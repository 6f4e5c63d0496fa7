/* The monthly report's upkeep step. See monthly_report.h. */
#include "app/monthly_report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/time.h"
#include "docs/figures_table.h"
#include "docs/report_pdf.h"
#include "store/metrics.h"
#include "store/places.h"
#include "store/reports.h"
#include "store/scope.h"
#include "store/targets.h"

struct fp_report_made {
  int64_t icb_id;
  char *csv;
  size_t csv_len;
  unsigned char *pdf;
  size_t pdf_len;
};

void fp_monthly_report_due(int64_t now, int *year, int *month) {
  int d;
  fp_civil_from_days(fp_uk_day(now), year, month, &d);
  int64_t local = now + fp_uk_offset(now);
  int hour = (int)(((local % 86400) + 86400) % 86400 / 3600);
  int back = d == 1 && hour < 2 ? 2 : 1;
  for (int i = 0; i < back; i++)
    if (--*month == 0) *month = 12, --*year;
}

static void month_text(int year, int month, char out[16]) { snprintf(out, 16, "%04d-%02d", year, month); }

static void month_days(int year, int month, fp_day *first, fp_day *end) {
  *first = fp_days_from_civil(year, month, 1);
  *end = month == 12 ? fp_days_from_civil(year + 1, 1, 1) : fp_days_from_civil(year, month + 1, 1);
}

/* The ICB's figures for [first, end) from the snapshot, rendered as its CSV and PDF into *out. */
static int render(struct fp_conn *c, int64_t icb_id, fp_day first, fp_day end, int64_t now,
                  struct fp_report_made *out) {
  struct fp_org icb;
  int rc = fp_store_org_get(c, icb_id, &icb);
  if (rc) return rc;
  struct fp_scope scope;
  fp_scope_of_area(&scope, icb_id, 0, now);
  struct fp_metrics m;
  if ((rc = fp_store_metrics(c, &scope, fp_uk_local_to_utc(first, 0, 0, 0), fp_uk_local_to_utc(end, 0, 0, 0), now,
                             end - 1, &m)) != 0) {
    fp_org_clear(&icb);
    return rc;
  }
  struct fp_figures_areas areas;
  memset(out, 0, sizeof *out);
  out->icb_id = icb_id;
  rc = fp_figures_areas(&m, &areas);
  if (!rc) rc = fp_figures_csv(&areas.table, &out->csv, &out->csv_len);
  fp_figures_areas_release(&areas);
  struct fp_period_targets targets;
  if (!rc) rc = fp_store_targets_for_period(c, icb_id, first, end, &m.totals, &targets);
  if (!rc) {
    struct fp_report_doc doc = {icb.name, first, end, now, &m, &targets};
    rc = fp_report_pdf(&doc, &out->pdf, &out->pdf_len);
  }
  fp_metrics_release(&m);
  fp_org_clear(&icb);
  if (rc) {
    free(out->csv);
    free(out->pdf);
    memset(out, 0, sizeof *out);
  }
  return rc;
}

void fp_monthly_reports_release(struct fp_monthly_reports *w) {
  for (size_t i = 0; i < w->n; i++) {
    free(w->list[i].csv);
    free(w->list[i].pdf);
  }
  free(w->list);
  memset(w, 0, sizeof *w);
}

int fp_monthly_reports_prepare(struct fp_store *store, int year, int month, int64_t now, struct fp_monthly_reports *w) {
  memset(w, 0, sizeof *w);
  w->year = year;
  w->month = month;
  w->made_at = now;
  char label[16];
  month_text(year, month, label);
  fp_day first, end;
  month_days(year, month, &first, &end);
  struct fp_conn *c = fp_store_reader(store);
  int rc = c ? fp_store_read_begin(c) : FP_EIO;
  if (rc) return rc;
  int64_t *icbs = NULL;
  size_t n = 0;
  rc = fp_store_icb_ids(c, &icbs, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    bool exists = false;
    if ((rc = fp_store_report_exists(c, icbs[i], label, &exists)) != 0 || exists) continue;
    if (w->n == w->cap) {
      size_t cap = w->cap ? w->cap * 2 : 4;
      struct fp_report_made *grown = realloc(w->list, cap * sizeof *grown);
      if (!grown) {
        rc = FP_ENOMEM;
        break;
      }
      w->list = grown;
      w->cap = cap;
    }
    if ((rc = render(c, icbs[i], first, end, now, &w->list[w->n])) == 0) w->n++;
  }
  fp_store_read_end(c);
  free(icbs);
  return rc;
}

int fp_monthly_reports_keep(struct fp_conn *c, const struct fp_monthly_reports *w, int *made) {
  char label[16];
  month_text(w->year, w->month, label);
  *made = 0;
  for (size_t i = 0; i < w->n; i++) {
    const struct fp_report_made *r = &w->list[i];
    bool exists = false;
    int rc = fp_store_report_exists(c, r->icb_id, label, &exists);
    if (rc) return rc;
    if (exists) continue;
    int64_t id = 0;
    if ((rc = fp_store_report_add(c, r->icb_id, label, w->made_at, r->csv, r->csv_len, r->pdf, r->pdf_len, &id)) != 0)
      return rc;
    ++*made;
  }
  return 0;
}

/* The upkeep's work between its preparation and its step (one sweeper thread: never shared). */
static struct fp_monthly_reports upkeep_work;

static int upkeep_prepare(struct fp_store *store, int64_t now, void *ctx) {
  (void)ctx;
  fp_monthly_reports_release(&upkeep_work);
  int year, month;
  fp_monthly_report_due(now, &year, &month);
  int rc = fp_monthly_reports_prepare(store, year, month, now, &upkeep_work);
  return rc ? rc : upkeep_work.n ? 0 : FP_SWEEP_NOTHING; /* every ICB has its report: no transaction */
}

static int upkeep_keep(struct fp_conn *c, int64_t now, void *ctx) {
  (void)now;
  (void)ctx;
  int made = 0;
  return fp_monthly_reports_keep(c, &upkeep_work, &made);
}

int fp_monthly_report_add(struct fp_sweeper *s) {
  return fp_sweeper_add_prepared(s, "monthly reports", upkeep_prepare, upkeep_keep, NULL);
}

/* The upkeep's last documents, freed when the server stops (after the sweeper has). */
__attribute__((destructor)) static void upkeep_work_release(void) { fp_monthly_reports_release(&upkeep_work); }

struct cli_keep {
  const struct fp_monthly_reports *w;
  int made;
};

static int cli_keep_tx(struct fp_conn *c, void *vctx) {
  struct cli_keep *x = vctx;
  return fp_monthly_reports_keep(c, x->w, &x->made);
}

int fp_cli_report_make(int argc, char **argv) {
  const char *data_dir = "./flexpool-data", *database = getenv("FLEXPOOL_DATABASE"), *month = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) data_dir = argv[++i];
    else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) database = argv[++i];
    else if (strcmp(argv[i], "--month") == 0 && i + 1 < argc) month = argv[++i];
    else month = NULL, argc = 0;
  }
  int year = 0, mon = 0;
  if (!month || fp_month_parse(month, &year, &mon) != 0) {
    fputs("usage: flexpool report make --month YYYY-MM [--data-dir DIR] [--database URL]\n", stderr);
    return 2;
  }
  /* Only a month that has ended: a report is kept as made, so never of figures still moving. */
  int64_t now = (int64_t)time(NULL);
  int due_year, due_month;
  fp_monthly_report_due(now, &due_year, &due_month);
  if (year * 12 + mon > due_year * 12 + due_month) {
    fprintf(stderr, "flexpool: %s has not ended (or its report is not due until 02:00 on the 1st after it)\n", month);
    return 2;
  }
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  struct fp_monthly_reports w;
  int rc = fp_monthly_reports_prepare(&store, year, mon, now, &w);
  struct cli_keep x = {&w, 0};
  if (!rc) rc = fp_store_write(&store, cli_keep_tx, &x);
  fp_monthly_reports_release(&w);
  fp_store_release(&store);
  if (rc) {
    fprintf(stderr, "flexpool: the reports were not made: %s (nothing changed)\n", fp_strerror(rc));
    return 1;
  }
  printf("made %d report%s for %s (an ICB that had one keeps it)\n", x.made, x.made == 1 ? "" : "s", month);
  return 0;
}
