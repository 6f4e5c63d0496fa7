/*
 * period.h - a reporting period cut into weeks or months, for the overview's trends
 * (GET /api/v1/metrics/trend; docs/METRICS.md, "Trends"). Pure: days in, days out.
 */
#ifndef FP_CORE_PERIOD_H
#define FP_CORE_PERIOD_H

#include "core/time.h"

enum fp_period_by { FP_BY_WEEK, FP_BY_MONTH };

/* The most periods a trend has: five years of months, or a year and a few weeks of weeks. */
#define FP_TREND_MAX_PERIODS 60

/*
 * Cuts [from, to) (from < to) into weeks (Monday to Sunday) or calendar months, the first and the
 * last clipped to it: bounds[0] = from, bounds[n] = to, period i is [bounds[i], bounds[i + 1]).
 * bounds holds max + 1 days. Returns n, from 1 to max, or -1 when it would take more than max
 * periods (nothing is cut short) or from >= to.
 */
int fp_periods(fp_day from, fp_day to, enum fp_period_by by, fp_day *bounds, int max);

#endif
