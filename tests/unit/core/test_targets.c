/* test_targets.c - the commissioner's targets over a period (docs/METRICS.md, "Targets"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/targets.h"

static const struct fp_year_targets YEARS[] = {
    {2026, 850, 36500000},           /* 2026/27: 85.0%, GBP 365,000 (GBP 1,000 a day) */
    {2027, 900, FP_TARGET_NONE},     /* 2027/28: a fill rate only */
};

static void test_a_month_takes_the_years_rate_and_its_days_of_spend(void **state) {
  (void)state;
  struct fp_period_targets t;
  fp_day from = fp_days_from_civil(2026, 11, 1), to = fp_days_from_civil(2026, 12, 1);
  fp_targets_for_period(YEARS, 2, from, to, 850, 3000000, &t);
  assert_int_equal(t.fill_rate_tenths, 850);
  assert_int_equal(t.spend_pence, 3000000); /* 30 days of 365 */
  assert_true(t.fill_rate_met);              /* at the target is met */
  assert_true(t.spend_within);               /* at the target is within */
  fp_targets_for_period(YEARS, 2, from, to, 849, 3000001, &t);
  assert_false(t.fill_rate_met);
  assert_false(t.spend_within);
  /* No shift posted: no fill rate, which meets nothing. */
  fp_targets_for_period(YEARS, 2, from, to, FP_TARGET_NONE, 0, &t);
  assert_false(t.fill_rate_met);
  assert_true(t.spend_within);
}

static void test_the_whole_year_is_its_whole_target_and_a_day_rounds_half_up(void **state) {
  (void)state;
  struct fp_period_targets t;
  fp_targets_for_period(YEARS, 2, fp_days_from_civil(2026, 4, 1), fp_days_from_civil(2027, 4, 1), 0, 0, &t);
  assert_int_equal(t.spend_pence, 36500000);
  const struct fp_year_targets odd = {2026, FP_TARGET_NONE, 365 * 3 + 182}; /* a day: 3.4986... */
  fp_targets_for_period(&odd, 1, fp_days_from_civil(2026, 5, 1), fp_days_from_civil(2026, 5, 2), 0, 0, &t);
  assert_int_equal(t.spend_pence, 3);
  assert_int_equal(t.fill_rate_tenths, FP_TARGET_NONE);
  const struct fp_year_targets half = {2026, FP_TARGET_NONE, 365 * 3 + 183}; /* a day: 3.5014 */
  fp_targets_for_period(&half, 1, fp_days_from_civil(2026, 5, 1), fp_days_from_civil(2026, 5, 2), 0, 0, &t);
  assert_int_equal(t.spend_pence, 4);
}

static void test_a_period_across_two_years(void **state) {
  (void)state;
  struct fp_period_targets t;
  /* March and April: two years' fill rates may differ, so none; 2027/28 has no spend target, so none. */
  fp_targets_for_period(YEARS, 2, fp_days_from_civil(2027, 3, 1), fp_days_from_civil(2027, 5, 1), 900, 0, &t);
  assert_int_equal(t.fill_rate_tenths, FP_TARGET_NONE);
  assert_int_equal(t.spend_pence, FP_TARGET_NONE);
  assert_false(t.fill_rate_met);
  assert_false(t.spend_within);
  /* Why: across two years, and 2027/28 (not 2026/27) has no spend target. */
  assert_int_equal(t.first_year, 2026);
  assert_int_equal(t.last_year, 2027);
  assert_int_equal(t.fill_rate_none, FP_FILL_TARGET_ACROSS_YEARS);
  assert_int_equal(t.n_spend_missing, 1);
  assert_int_equal(t.spend_missing[0], 2027);
  /* With both years' spend: each year's share of its days, added. */
  const struct fp_year_targets both[] = {{2027, FP_TARGET_NONE, 36600000}, {2026, 800, 36500000}};
  fp_targets_for_period(both, 2, fp_days_from_civil(2027, 3, 1), fp_days_from_civil(2027, 5, 1), 900, 0, &t);
  assert_int_equal(t.spend_pence, 31 * 100000 + 30 * 100000); /* March of 2026/27, April of 2027/28 (366 days) */
  assert_int_equal(t.n_spend_missing, 0);
  /* A year without targets: none, because it is not set. */
  fp_targets_for_period(YEARS, 2, fp_days_from_civil(2030, 5, 1), fp_days_from_civil(2030, 6, 1), 900, 0, &t);
  assert_int_equal(t.fill_rate_tenths, FP_TARGET_NONE);
  assert_int_equal(t.spend_pence, FP_TARGET_NONE);
  assert_int_equal(t.fill_rate_none, FP_FILL_TARGET_NOT_SET);
  assert_int_equal(t.n_spend_missing, 1);
  assert_int_equal(t.spend_missing[0], 2030);
  /* Three years, the middle one with a spend target: the other two are named. */
  const struct fp_year_targets middle[] = {{2027, 900, 36600000}};
  fp_targets_for_period(middle, 1, fp_days_from_civil(2027, 3, 1), fp_days_from_civil(2028, 5, 1), 900, 0, &t);
  assert_int_equal(t.spend_pence, FP_TARGET_NONE);
  assert_int_equal(t.n_spend_missing, 2);
  assert_int_equal(t.spend_missing[0], 2026);
  assert_int_equal(t.spend_missing[1], 2028);
  /* One year with its fill rate target: set. */
  fp_targets_for_period(YEARS, 2, fp_days_from_civil(2026, 5, 1), fp_days_from_civil(2026, 6, 1), 900, 0, &t);
  assert_int_equal(t.fill_rate_none, FP_FILL_TARGET_SET);
  /* An empty period: none. */
  fp_targets_for_period(YEARS, 2, fp_days_from_civil(2026, 5, 1), fp_days_from_civil(2026, 5, 1), 900, 0, &t);
  assert_int_equal(t.fill_rate_tenths, FP_TARGET_NONE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_a_month_takes_the_years_rate_and_its_days_of_spend),
      cmocka_unit_test(test_the_whole_year_is_its_whole_target_and_a_day_rounds_half_up),
      cmocka_unit_test(test_a_period_across_two_years),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
