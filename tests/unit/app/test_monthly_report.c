/* test_monthly_report.c - which month's report is due: last month's from 02:00 UK time on the 1st. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app/monthly_report.h"
#include "core/time.h"

static void due(int64_t now, int want_year, int want_month) {
  int y = 0, m = 0;
  fp_monthly_report_due(now, &y, &m);
  if (y != want_year || m != want_month) fail_msg("at %lld: %04d-%02d, want %04d-%02d", (long long)now, y, m, want_year, want_month);
}

static void test_last_month_is_due_from_two_in_the_morning_on_the_first(void **state) {
  (void)state;
  /* GMT: 1 December 2026, 01:59 and 02:00. */
  due(fp_uk_local_to_utc(fp_days_from_civil(2026, 12, 1), 1, 59, 59), 2026, 10);
  due(fp_uk_local_to_utc(fp_days_from_civil(2026, 12, 1), 2, 0, 0), 2026, 11);
  /* BST: 1 October 2026 at 02:00 is 01:00Z. */
  due(fp_uk_local_to_utc(fp_days_from_civil(2026, 10, 1), 2, 0, 0), 2026, 9);
  due(fp_uk_local_to_utc(fp_days_from_civil(2026, 10, 1), 2, 0, 0) - 1, 2026, 8);
  /* Across the year: January's first, and any later day of the month. */
  due(fp_uk_local_to_utc(fp_days_from_civil(2027, 1, 1), 0, 30, 0), 2026, 11);
  due(fp_uk_local_to_utc(fp_days_from_civil(2027, 1, 1), 3, 0, 0), 2026, 12);
  due(fp_uk_local_to_utc(fp_days_from_civil(2027, 1, 31), 23, 59, 0), 2026, 12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_last_month_is_due_from_two_in_the_morning_on_the_first),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
