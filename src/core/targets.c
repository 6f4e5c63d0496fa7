/* Targets over a period. See targets.h. */
#include "core/targets.h"

#include "core/funding.h"

static const struct fp_year_targets *year_of(const struct fp_year_targets *years, int n, int year) {
  for (int i = 0; i < n; i++)
    if (years[i].year == year) return &years[i];
  return NULL;
}

void fp_targets_for_period(const struct fp_year_targets *years, int n, fp_day from, fp_day to,
                           int64_t actual_fill_rate_tenths, int64_t actual_spend_pence, struct fp_period_targets *out) {
  out->fill_rate_tenths = FP_TARGET_NONE;
  out->spend_pence = FP_TARGET_NONE;
  out->fill_rate_met = out->spend_within = false;
  out->fill_rate_none = FP_FILL_TARGET_NOT_SET;
  out->n_spend_missing = 0;
  out->first_year = 1, out->last_year = 0;
  if (to <= from) return;
  int first_year = fp_financial_year_of(from), last_year = fp_financial_year_of(to - 1);
  out->first_year = first_year, out->last_year = last_year;
  if (first_year == last_year) {
    const struct fp_year_targets *y = year_of(years, n, first_year);
    if (y && y->fill_rate_tenths != FP_TARGET_NONE) {
      out->fill_rate_tenths = y->fill_rate_tenths;
      out->fill_rate_none = FP_FILL_TARGET_SET;
    }
  } else {
    out->fill_rate_none = FP_FILL_TARGET_ACROSS_YEARS;
  }
  int64_t spend = 0;
  for (int year = first_year; year <= last_year; year++) {
    const struct fp_year_targets *y = year_of(years, n, year);
    if (!y || y->spend_pence == FP_TARGET_NONE) {
      spend = FP_TARGET_NONE;
      if (out->n_spend_missing < FP_TARGET_YEARS_MAX) out->spend_missing[out->n_spend_missing++] = year;
      continue;
    }
    if (spend == FP_TARGET_NONE) continue;
    fp_day a, b;
    fp_financial_year_days(year, &a, &b);
    int64_t days = (to < b ? to : b) - (from > a ? from : a);
    int64_t year_days = b - a;
    spend += (y->spend_pence * days * 2 + year_days) / (2 * year_days);
  }
  out->spend_pence = spend;
  if (out->fill_rate_tenths != FP_TARGET_NONE && actual_fill_rate_tenths != FP_TARGET_NONE)
    out->fill_rate_met = actual_fill_rate_tenths >= out->fill_rate_tenths;
  if (out->spend_pence != FP_TARGET_NONE) out->spend_within = actual_spend_pence <= out->spend_pence;
}
