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

void fp_monthly_report_due(int64_t now, int *year, int *month) {
  int d;
  fp_civil_from_days(fp_uk_day(now), year, month, &d);
  int64_t local = now + fp_uk_offset(now);
  int hour = (int)(((local % 86400) + 86400) % 86400 / 3600);
  int back = d == 1 && hour < 2 ? 2 : 1;
  for (int i = 0; i < back; i++)
    if (--*month == 0) *month = 12, --*year;
}

/* The ICB's report for [first, end): the CSV and the PDF, kept. */
static int make_one(struct fp_conn *c, int64_t icb_id, const char *month, fp_day first, fp_day end, int64_t now) {
  struct fp_org icb;
  int rc = fp_store_org_get(c, icb_id, &icb);
  if (rc) return rc;
  struct fp_scope scope;
  fp_scope_of_area(&scope, icb_id, 0, now);
  struct fp_metrics m;
  if ((rc = fp_store_metrics(c, &scope, fp_uk_local_to_utc(first, 0, 0, 0), fp_uk_local_to_utc(end, 0, 0, 0), now,
                             end - 1, &m)) != 0)
    return rc;
  struct fp_figures_areas areas;
  char *csv = NULL;
  size_t csv_len = 0, pdf_len = 0;
  unsigned char *pdf = NULL;
  rc = fp_figures_areas(&m, &areas);
  if (!rc) rc = fp_figures_csv(&areas.table, &csv, &csv_len);
  fp_figures_areas_release(&areas);
  if (!rc) {
    struct fp_report_doc doc = {icb.name, first, end, now, &m};
    rc = fp_report_pdf(&doc, &pdf, &pdf_len);
  }
  int64_t id = 0;
  if (!rc) rc = fp_store_report_add(c, icb_id, month, now, csv, csv_len, pdf, pdf_len, &id);
  free(csv);
  free(pdf);
  fp_metrics_release(&m);
  return rc;
}

int fp_monthly_reports_make_month(struct fp_conn *c, int year, int mon, int64_t now, int *made) {
  char month[8];
  snprintf(month, sizeof month, "%04d-%02d", year, mon);
  fp_day first = fp_days_from_civil(year, mon, 1);
  fp_day end = mon == 12 ? fp_days_from_civil(year + 1, 1, 1) : fp_days_from_civil(year, mon + 1, 1);
  int64_t *icbs = NULL;
  size_t n = 0;
  *made = 0;
  int rc = fp_store_icb_ids(c, &icbs, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    bool exists = false;
    if ((rc = fp_store_report_exists(c, icbs[i], month, &exists)) == 0 && !exists &&
        (rc = make_one(c, icbs[i], month, first, end, now)) == 0)
      ++*made;
  }
  free(icbs);
  return rc;
}

int fp_monthly_reports_make(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  int year, mon, made = 0;
  fp_monthly_report_due(now, &year, &mon);
  return fp_monthly_reports_make_month(c, year, mon, now, &made);
}

struct cli_make {
  int year, month, made;
  int64_t now;
};

static int cli_make_tx(struct fp_conn *c, void *vctx) {
  struct cli_make *x = vctx;
  return fp_monthly_reports_make_month(c, x->year, x->month, x->now, &x->made);
}

int fp_cli_report_make(int argc, char **argv) {
  const char *data_dir = "./flexpool-data", *database = getenv("FLEXPOOL_DATABASE"), *month = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) data_dir = argv[++i];
    else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) database = argv[++i];
    else if (strcmp(argv[i], "--month") == 0 && i + 1 < argc) month = argv[++i];
    else month = NULL, argc = 0;
  }
  struct cli_make x = {.now = (int64_t)time(NULL)};
  if (!month || fp_month_parse(month, &x.year, &x.month) != 0) {
    fputs("usage: flexpool report make --month YYYY-MM [--data-dir DIR] [--database URL]\n", stderr);
    return 2;
  }
  /* Only a month that has ended: a report is kept as made, so never of figures still moving. */
  int due_year, due_month;
  fp_monthly_report_due(x.now, &due_year, &due_month);
  if (x.year * 12 + x.month > due_year * 12 + due_month) {
    fprintf(stderr, "flexpool: %s has not ended (or its report is not due until 02:00 on the 1st after it)\n", month);
    return 2;
  }
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  int rc = fp_store_write(&store, cli_make_tx, &x);
  fp_store_release(&store);
  if (rc) {
    fprintf(stderr, "flexpool: the reports were not made: %s (nothing changed)\n", fp_strerror(rc));
    return 1;
  }
  printf("made %d report%s for %s (an ICB that had one keeps it)\n", x.made, x.made == 1 ? "" : "s", month);
  return 0;
}

int fp_monthly_report_add(struct fp_sweeper *s) { return fp_sweeper_add(s, "monthly reports", fp_monthly_reports_make, NULL); }
