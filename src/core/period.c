#include "core/period.h"

/* The first day of the week or month after the one day is in. */
static fp_day next_start(fp_day day, enum fp_period_by by) {
  if (by == FP_BY_WEEK) {
    int since_monday = (fp_weekday(day) + 6) % 7;
    return day - since_monday + 7;
  }
  int y, m, d;
  fp_civil_from_days(day, &y, &m, &d);
  return m == 12 ? fp_days_from_civil(y + 1, 1, 1) : fp_days_from_civil(y, m + 1, 1);
}

int fp_periods(fp_day from, fp_day to, enum fp_period_by by, fp_day *bounds, int max) {
  if (from >= to || max < 1) return -1;
  int n = 0;
  bounds[0] = from;
  for (fp_day day = from; day < to; day = bounds[n]) {
    if (n == max) return -1;
    fp_day next = next_start(day, by);
    bounds[++n] = next < to ? next : to;
  }
  return n;
}
