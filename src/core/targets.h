/*
 * targets.h - the commissioner's targets for the fill rate and for spend (issue 14;
 * docs/METRICS.md, "Targets"), and what they come to over any period.
 *
 * Pure: no I/O. A target is set for an ICB and an NHS financial year (core/funding.h): a fill rate
 * in tenths of a percent (850: 85.0%) and the locum fees the year may agree, in pence. Over a
 * period:
 *   - the fill rate target is the year's, when the period lies in one financial year that has one;
 *     a period across two years has none (their targets may differ);
 *   - the spend target is each year's share by days of the period within it, rounded half up per
 *     year and added, when every year the period touches has one.
 * The fill rate is met at or above its target; spend is within its target at or below it.
 */
#ifndef FP_CORE_TARGETS_H
#define FP_CORE_TARGETS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"

#define FP_TARGET_NONE (-1)
/* The financial years a period of the overview's (at most five years) can touch, and more. */
#define FP_TARGET_YEARS_MAX 8

/* One financial year's targets; FP_TARGET_NONE where not set. */
struct fp_year_targets {
  int year;                   /* the financial year (its starting calendar year) */
  int64_t fill_rate_tenths;   /* 0..1000 */
  int64_t spend_pence;        /* >= 0 */
};

/* Why a period has no fill rate target. */
enum fp_fill_target_none {
  FP_FILL_TARGET_SET = 0,            /* it has one */
  FP_FILL_TARGET_ACROSS_YEARS,       /* the period is across two financial years or more */
  FP_FILL_TARGET_NOT_SET,            /* its one financial year has none (or the period is empty) */
};

/* Targets over a period, and the figures held against them, with why one is missing. */
struct fp_period_targets {
  int64_t fill_rate_tenths;   /* FP_TARGET_NONE: none for the period */
  int64_t spend_pence;        /* FP_TARGET_NONE: none for the period */
  bool fill_rate_met;         /* actual >= target (false without a target) */
  bool spend_within;          /* actual <= target (false without a target) */
  int first_year, last_year;  /* the financial years the period touches (first > last: none) */
  enum fp_fill_target_none fill_rate_none;
  /* The years it touches without a spend target, ascending: when there is any, it has none. The
     first FP_TARGET_YEARS_MAX of them (a period of the overview's five years touches at most six). */
  int n_spend_missing;
  int spend_missing[FP_TARGET_YEARS_MAX];
};

/* The targets of [from, to) from the years given (any order; a year not given has none), held
   against the period's actual fill rate (tenths of a percent; FP_TARGET_NONE when no shift was
   posted, which meets no target) and spend (pence). */
void fp_targets_for_period(const struct fp_year_targets *years, int n, fp_day from, fp_day to,
                           int64_t actual_fill_rate_tenths, int64_t actual_spend_pence, struct fp_period_targets *out);

#endif
