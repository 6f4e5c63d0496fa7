/*
 * monthly_report.h - the monthly report's step in the server's background upkeep (app/sweeper.h;
 * issue 14, docs/METRICS.md "The monthly report"): from 02:00 UK time on the 1st of each month,
 * each ICB's figures for the month before are made once as CSV (docs/figures_table.h) and PDF
 * (docs/report_pdf.h) and kept (store/reports.h). A server that was down then makes them at its
 * next upkeep; an earlier month is made by `flexpool report make --month YYYY-MM` (never made
 * again: a report is kept as it was made).
 */
#ifndef FP_APP_MONTHLY_REPORT_H
#define FP_APP_MONTHLY_REPORT_H

#include <stdint.h>

#include "app/sweeper.h"
#include "store/db.h"

/* The month whose report is due at now: the one before this UK month once it is 02:00 on the 1st,
   else the one before that. */
void fp_monthly_report_due(int64_t now, int *year, int *month);
/* Makes year-month's report of every ICB that has none, at now; *made counts them. */
int fp_monthly_reports_make_month(struct fp_conn *c, int year, int month, int64_t now, int *made);
/* The upkeep step: makes the due month's report of every ICB that has none. */
int fp_monthly_reports_make(struct fp_conn *c, int64_t now, void *ctx);
/* flexpool report make --month YYYY-MM [--data-dir DIR] [--database URL]: exit status. */
int fp_cli_report_make(int argc, char **argv);
/* Registers the step. 0, or FP_ENOMEM. */
int fp_monthly_report_add(struct fp_sweeper *s);

#endif
