/*
 * reports.h - the monthly reports in the store (issue 14; docs/METRICS.md, "The monthly report"):
 * an ICB's figures for a month as CSV and PDF, made once by the upkeep and kept as made (the
 * database refuses a change or a deletion).
 *
 * Depends on the store only. Never includes HTTP or JSON headers.
 */
#ifndef FP_STORE_REPORTS_H
#define FP_STORE_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct fp_report {
  int64_t id;
  int64_t icb_id;
  char icb_name[201];
  char month[8];      /* YYYY-MM */
  int64_t made_at;
  int64_t csv_bytes, pdf_bytes;
};

/* Whether the ICB's report for month (YYYY-MM) has been made. */
int fp_store_report_exists(struct fp_conn *c, int64_t icb_id, const char *month, bool *exists);
/* Keeps the ICB's report for month, made at now: *id its id. FP_ECONFLICT when there is one. */
int fp_store_report_add(struct fp_conn *c, int64_t icb_id, const char *month, int64_t now, const void *csv,
                        size_t csv_len, const void *pdf, size_t pdf_len, int64_t *id);
/* The reports of the ICBs listed (all of them when all), latest month first, then by ICB name. */
int fp_store_reports_list(struct fp_conn *c, bool all, const int64_t *icbs, int n_icbs,
                          void (*cb)(const struct fp_report *r, void *ctx), void *ctx);
/* One report's facts, and when document is "csv" or "pdf" that document (*data malloc'd, *len).
   0, FP_ENOTFOUND or FP_EIO (FP_ENOMEM). */
int fp_store_report_get(struct fp_conn *c, int64_t id, const char *document, struct fp_report *r, char **data,
                        size_t *len);
/* Every ICB's id, in id order. */
int fp_store_icb_ids(struct fp_conn *c, int64_t **ids, size_t *n);

#endif
