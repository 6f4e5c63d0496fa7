/*
 * report_pdf.h - the monthly report as a PDF (issue 14; docs/METRICS.md, "The monthly report"):
 * an ICB's figures for a month in total, clinicians by profession, then a table by place, by PCN
 * and by practice, every figure written as core/figures.h writes it; the ICB's targets for the
 * month (core/targets.h), met or not, after the totals.
 */
#ifndef FP_DOCS_REPORT_PDF_H
#define FP_DOCS_REPORT_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "core/figures.h"
#include "core/targets.h"
#include "core/time.h"

struct fp_report_doc {
  const char *icb_name;
  fp_day first, end;      /* the month: [first, end) */
  int64_t made_at;
  const struct fp_metrics *m;
  const struct fp_period_targets *targets; /* the ICB's targets for the month against the totals */
};

/* 0 with *out (malloc'd) and *len, FP_ENOMEM or FP_EIO. */
int fp_report_pdf(const struct fp_report_doc *r, unsigned char **out, size_t *len);

#endif
