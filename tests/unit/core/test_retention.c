/* test_retention.c - when a closed account's data falls due for erasure: the account's clock and
   the money's (six years after the end of the financial year of the last invoice or pension form). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/retention.h"

/* 1 April, midnight UK time (BST from the last Sunday of March: 23:00 UTC the day before). */
static fp_time april_first(int y) { return fp_uk_local_to_utc(fp_days_from_civil(y, 4, 1), 0, 0, 0); }
static fp_time at(int y, int m, int d, int h) { return (fp_time)fp_days_from_civil(y, m, d) * 86400 + h * 3600; }

static void test_financial_year_ends_on_the_first_of_april_uk_time(void **state) {
  (void)state;
  /* 1 April 2026 00:00 BST is 31 March 23:00 UTC. */
  assert_int_equal(april_first(2026), at(2026, 3, 31, 23));
  /* 15 May 2025 is in 2025/26, which ends on 1 April 2026. */
  assert_int_equal(fp_financial_year_end(at(2025, 5, 15, 12)), april_first(2026));
  /* 31 March 2026 at 23:30 UTC is already 1 April in the UK: 2026/27. */
  assert_int_equal(fp_financial_year_end(at(2026, 3, 31, 23) + 1800), april_first(2027));
  /* 31 March 2026 at 22:59 UTC is still 2025/26. */
  assert_int_equal(fp_financial_year_end(at(2026, 3, 31, 22) + 3540), april_first(2026));
  /* January is in the year that ends that April. */
  assert_int_equal(fp_financial_year_end(at(2026, 1, 10, 9)), april_first(2026));
}

static void test_the_account_clock_runs_calendar_years(void **state) {
  (void)state;
  /* Closed on 29 February 2020: six years on is 1 March 2026 (no 29 February), same time of day. */
  fp_time closed = at(2020, 2, 29, 10);
  fp_time due = fp_erasure_due(closed, 6, 0);
  assert_true(due >= at(2026, 2, 28, 10) && due <= at(2026, 3, 1, 10));
  /* Closed on 10 June 2019 at 08:00: due on 10 June 2025 at 08:00, not a second before. */
  assert_int_equal(fp_erasure_due(at(2019, 6, 10, 8), 6, 0), at(2025, 6, 10, 8));
  /* A shorter setting. */
  assert_int_equal(fp_erasure_due(at(2019, 6, 10, 8), 1, 0), at(2020, 6, 10, 8));
}

static void test_the_money_clock_holds_the_account_back(void **state) {
  (void)state;
  /* Closed in June 2019, last invoice in February 2020 (year 2019/20, ending 1 April 2020): the
     invoice is kept until 1 April 2026, later than the account's 10 June 2025. */
  assert_int_equal(fp_erasure_due(at(2019, 6, 10, 8), 6, at(2020, 2, 15, 12)), april_first(2026));
  /* Last invoice in May 2019 (2019/20 as well): the same. */
  assert_int_equal(fp_erasure_due(at(2019, 6, 10, 8), 6, at(2019, 5, 1, 12)), april_first(2026));
  /* Last invoice in March 2019 (2018/19, ending 1 April 2019): kept until 1 April 2025, earlier than
     the account's clock, which decides. */
  assert_int_equal(fp_erasure_due(at(2019, 6, 10, 8), 6, at(2019, 3, 1, 12)), at(2025, 6, 10, 8));
  /* No financial record: the account's clock alone. */
  assert_int_equal(fp_erasure_due(at(2019, 6, 10, 8), 6, 0), at(2025, 6, 10, 8));
}

static void test_months_before_runs_back_calendar_months(void **state) {
  (void)state;
  assert_int_equal(fp_months_before(at(2026, 12, 6, 7), 24), at(2024, 12, 6, 7));
  /* 31 May back three months: there is no 31 February, so the last day of February. */
  assert_int_equal(fp_months_before(at(2026, 5, 31, 9), 3), at(2026, 2, 28, 9));
  assert_int_equal(fp_months_before(at(2026, 3, 1, 0), 1), at(2026, 2, 1, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_financial_year_ends_on_the_first_of_april_uk_time),
      cmocka_unit_test(test_the_account_clock_runs_calendar_years),
      cmocka_unit_test(test_the_money_clock_holds_the_account_back),
      cmocka_unit_test(test_months_before_runs_back_calendar_months),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
