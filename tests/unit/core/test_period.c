/* test_period.c - a period cut into weeks (Monday to Sunday) and calendar months, clipped at its ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/period.h"

#define D(y, m, d) fp_days_from_civil(y, m, d)

static void test_weeks_start_on_monday_and_are_clipped(void **state) {
  (void)state;
  fp_day b[FP_TREND_MAX_PERIODS + 1];
  /* Thursday 1 October 2026 to Saturday 31 October (the 31st included: to is 1 November). */
  int n = fp_periods(D(2026, 10, 1), D(2026, 11, 1), FP_BY_WEEK, b, FP_TREND_MAX_PERIODS);
  assert_int_equal(n, 5);
  assert_int_equal(b[0], D(2026, 10, 1));
  assert_int_equal(b[1], D(2026, 10, 5)); /* Monday */
  assert_int_equal(fp_weekday(b[1]), 1);
  assert_int_equal(b[2], D(2026, 10, 12));
  assert_int_equal(b[4], D(2026, 10, 26));
  assert_int_equal(b[5], D(2026, 11, 1));
  /* A period starting on a Monday: whole weeks. */
  assert_int_equal(fp_periods(D(2026, 10, 5), D(2026, 10, 19), FP_BY_WEEK, b, 60), 2);
  assert_int_equal(b[1], D(2026, 10, 12));
  /* One day. */
  assert_int_equal(fp_periods(D(2026, 10, 7), D(2026, 10, 8), FP_BY_WEEK, b, 60), 1);
  assert_int_equal(b[1], D(2026, 10, 8));
}

static void test_months_are_calendar_months(void **state) {
  (void)state;
  fp_day b[FP_TREND_MAX_PERIODS + 1];
  /* The financial year 2026/27: April to March, across the year's end. */
  int n = fp_periods(D(2026, 4, 1), D(2027, 4, 1), FP_BY_MONTH, b, FP_TREND_MAX_PERIODS);
  assert_int_equal(n, 12);
  assert_int_equal(b[9], D(2027, 1, 1));
  assert_int_equal(b[11], D(2027, 3, 1));
  assert_int_equal(b[12], D(2027, 4, 1));
  /* Ragged ends: 15 February to 10 April 2028 (a leap year). */
  n = fp_periods(D(2028, 2, 15), D(2028, 4, 10), FP_BY_MONTH, b, 60);
  assert_int_equal(n, 3);
  assert_int_equal(b[1], D(2028, 3, 1));
  assert_int_equal(b[2], D(2028, 4, 1));
  assert_int_equal(b[3], D(2028, 4, 10));
}

static void test_too_many_periods_are_refused_not_cut(void **state) {
  (void)state;
  fp_day b[FP_TREND_MAX_PERIODS + 1];
  /* Five years of months: 60, the most. */
  assert_int_equal(fp_periods(D(2022, 4, 1), D(2027, 4, 1), FP_BY_MONTH, b, FP_TREND_MAX_PERIODS), 60);
  assert_int_equal(b[60], D(2027, 4, 1));
  assert_int_equal(fp_periods(D(2022, 3, 31), D(2027, 4, 1), FP_BY_MONTH, b, FP_TREND_MAX_PERIODS), -1);
  /* A year of weeks fits; two do not. */
  assert_true(fp_periods(D(2026, 4, 1), D(2027, 4, 1), FP_BY_WEEK, b, FP_TREND_MAX_PERIODS) > 52);
  assert_int_equal(fp_periods(D(2025, 4, 1), D(2027, 4, 1), FP_BY_WEEK, b, FP_TREND_MAX_PERIODS), -1);
  /* An empty or backward period. */
  assert_int_equal(fp_periods(D(2026, 4, 1), D(2026, 4, 1), FP_BY_WEEK, b, FP_TREND_MAX_PERIODS), -1);
  assert_int_equal(fp_periods(D(2026, 4, 2), D(2026, 4, 1), FP_BY_MONTH, b, FP_TREND_MAX_PERIODS), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_weeks_start_on_monday_and_are_clipped),
      cmocka_unit_test(test_months_are_calendar_months),
      cmocka_unit_test(test_too_many_periods_are_refused_not_cut),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
