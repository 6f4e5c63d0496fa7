/*
 * targets.h - the commissioner's targets in the store (issue 14; docs/METRICS.md, "Targets"): an
 * ICB's fill rate and spend targets for a financial year, set and replaced by its commissioners,
 * each change audited (targets.set, with what it was and what it became).
 *
 * Depends on the store only. Never includes HTTP or JSON headers.
 */
#ifndef FP_STORE_TARGETS_H
#define FP_STORE_TARGETS_H

#include <stdint.h>

#include "core/figures.h"
#include "core/targets.h"
#include "store/db.h"

struct fp_icb_target {
  int64_t id;
  int64_t icb_id;
  struct fp_year_targets t;  /* FP_TARGET_NONE where not set */
  int64_t set_by;            /* 0: none */
  int64_t set_at;
};

/* Sets the ICB's targets for year t->year (both, replacing what was set), by actor at now. */
int fp_store_targets_set(struct fp_conn *c, int64_t icb_id, const struct fp_year_targets *t, int64_t actor, int64_t now);
/* The ICB's targets of the financial years [first_year, last_year], by year. */
int fp_store_targets_each(struct fp_conn *c, int64_t icb_id, int first_year, int last_year,
                          void (*cb)(const struct fp_icb_target *t, void *ctx), void *ctx);

/* The ICB's targets over [from, to) held against the period's totals f (core/targets.h), which the
   overview, the trend and the monthly report all show. */
int fp_store_targets_for_period(struct fp_conn *c, int64_t icb_id, fp_day from, fp_day to,
                                const struct fp_metrics_figures *f, struct fp_period_targets *out);

#endif
