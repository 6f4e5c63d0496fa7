/* When a closed account's data may be erased. See retention.h. */
#include "core/retention.h"

#include "core/passport.h"

/* The calendar year whose 1 April ends the financial year that t (UK time) falls in. */
static int year_ending(fp_time t) {
  int y, m, d;
  fp_civil_from_days(fp_uk_day(t), &y, &m, &d);
  return m >= 4 ? y + 1 : y;
}

fp_time fp_financial_year_end(fp_time t) { return fp_uk_local_to_utc(fp_days_from_civil(year_ending(t), 4, 1), 0, 0, 0); }

fp_time fp_erasure_due(fp_time deactivated_at, int years, fp_time last_financial) {
  fp_time due = fp_retention_deadline(deactivated_at, 12 * years);
  if (last_financial > 0) {
    /* 1 April, midnight UK time, FP_FINANCIAL_RETENTION_YEARS after the year's end. */
    fp_time money =
        fp_uk_local_to_utc(fp_days_from_civil(year_ending(last_financial) + FP_FINANCIAL_RETENTION_YEARS, 4, 1), 0, 0, 0);
    if (money > due) due = money;
  }
  return due;
}

fp_time fp_months_before(fp_time now, int months) {
  fp_day d = fp_time_utc_day(now);
  return (fp_time)fp_day_add_months(d, -months) * 86400 + (now - (fp_time)d * 86400);
}
