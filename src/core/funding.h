/*
 * funding.h - the programme's money over NHS financial years (docs/METRICS.md, "Funding").
 *
 * Pure: no I/O. A financial year runs from 1 April to 31 March and is named by the year it starts
 * in (2026 is 2026/27). The forecast to the year's end carries the spending rate so far over the
 * days left: spent x (days in the year) / (days gone, today included), rounded half up.
 */
#ifndef FP_CORE_FUNDING_H
#define FP_CORE_FUNDING_H

#include <stdint.h>

#include "core/time.h"

/* The financial year day falls in (its starting calendar year). */
int fp_financial_year_of(fp_day day);
/* Its days: [*first, *end) (end is 1 April of the next year). */
void fp_financial_year_days(int year, fp_day *first, fp_day *end);
/* "2026/27" for 2026 (out: at least 8 bytes). */
void fp_financial_year_name(int year, char out[8]);
/* The spend forecast for the year [first, end) at today, from `spent` so far: before the year
   nothing has been spent at any rate (spent itself); after it, what was spent. */
int64_t fp_funding_forecast(int64_t spent, fp_day first, fp_day end, fp_day today);

#endif
