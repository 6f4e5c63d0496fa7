/*
 * monthly_report.h - the monthly report's step in the server's background upkeep (app/sweeper.h;
 * issue 14, docs/METRICS.md "The monthly report"): from 02:00 UK time on the 1st of each month,
 * each ICB's figures for the month before are made once as CSV (docs/figures_table.h) and PDF
 * (docs/report_pdf.h) and kept (store/reports.h). A server that was down then makes them at its
 * next upkeep; an earlier month is made by `flexpool report make --month YYYY-MM` (never made
 * again: a report is kept as it was made).
 *
 * The figures are read in one snapshot and the documents rendered outside any transaction
 * (fp_monthly_reports_prepare); only keeping them takes the write transaction
 * (fp_monthly_reports_keep), so that rendering never holds up bookings.
 */
#ifndef FP_APP_MONTHLY_REPORT_H
#define FP_APP_MONTHLY_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "app/sweeper.h"
#include "store/db.h"

/* The month whose report is due at now: the one before this UK month once it is 02:00 on the 1st,
   else the one before that. */
void fp_monthly_report_due(int64_t now, int *year, int *month);

struct fp_report_made;
/* The reports of one month made and not yet kept. */
struct fp_monthly_reports {
  int year, month;
  int64_t made_at;
  struct fp_report_made *list;
  size_t n, cap;
};
/* Makes year-month's report of every ICB that has none yet, at now, into *w (empty it first with
   fp_monthly_reports_release). 0, FP_ENOMEM or FP_EIO. */
int fp_monthly_reports_prepare(struct fp_store *store, int year, int month, int64_t now, struct fp_monthly_reports *w);
/* Inside a write transaction: keeps each of w's reports whose ICB still has none (another server
   may have kept its own); *made counts those kept. */
int fp_monthly_reports_keep(struct fp_conn *c, const struct fp_monthly_reports *w, int *made);
void fp_monthly_reports_release(struct fp_monthly_reports *w);

/* Registers the upkeep step. 0, or FP_ENOMEM. */
int fp_monthly_report_add(struct fp_sweeper *s);
/* flexpool report make --month YYYY-MM [--data-dir DIR] [--database URL]: exit status. */
int fp_cli_report_make(int argc, char **argv);

#endif
