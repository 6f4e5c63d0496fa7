/* test_funding.c - financial years and the spend forecast (docs/METRICS.md, "Funding"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/funding.h"

static void test_a_financial_year_runs_april_to_march(void **state) {
  (void)state;
  assert_int_equal(fp_financial_year_of(fp_days_from_civil(2026, 4, 1)), 2026);
  assert_int_equal(fp_financial_year_of(fp_days_from_civil(2026, 3, 31)), 2025);
  assert_int_equal(fp_financial_year_of(fp_days_from_civil(2027, 3, 31)), 2026);
  assert_int_equal(fp_financial_year_of(fp_days_from_civil(2026, 12, 4)), 2026);
  fp_day first, end;
  fp_financial_year_days(2026, &first, &end);
  assert_int_equal(first, fp_days_from_civil(2026, 4, 1));
  assert_int_equal(end, fp_days_from_civil(2027, 4, 1));
  assert_int_equal(end - first, 365);
  fp_financial_year_days(2027, &first, &end); /* 29 February 2028 */
  assert_int_equal(end - first, 366);
  char name[8];
  fp_financial_year_name(2026, name);
  assert_string_equal(name, "2026/27");
  fp_financial_year_name(2099, name);
  assert_string_equal(name, "2099/00");
}

static void test_the_forecast_carries_the_rate_so_far(void **state) {
  (void)state;
  fp_day first, end;
  fp_financial_year_days(2026, &first, &end);
  /* GBP 10,000 in the first 73 days (a fifth of 365): GBP 50,000 by the end. */
  assert_int_equal(fp_funding_forecast(1000000, first, end, first + 72), 5000000);
  /* The first day alone: 365 times it. */
  assert_int_equal(fp_funding_forecast(100, first, end, first), 36500);
  /* Half up: 1 penny over 2 days of 365 is 182.5, written 183. */
  assert_int_equal(fp_funding_forecast(1, first, end, first + 1), 183);
  assert_int_equal(fp_funding_forecast(-1, first, end, first + 1), -183);
  /* Before the year and after it: what was spent. */
  assert_int_equal(fp_funding_forecast(500, first, end, first - 1), 500);
  assert_int_equal(fp_funding_forecast(500, first, end, end), 500);
  assert_int_equal(fp_funding_forecast(0, first, end, first + 100), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_a_financial_year_runs_april_to_march),
      cmocka_unit_test(test_the_forecast_carries_the_rate_so_far),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
