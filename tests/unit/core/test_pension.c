/* test_pension.c - the NHS Pension Scheme figures of a GP locum's forms A and B (issue 13): the
   issue's example, the tiers by scheme year and their edges, the scheme year's April boundary,
   the unique payment reference, the rates as text and the 10-week limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/pension.h"
#include "core/time.h"

static void test_the_issues_example(void **state) {
  (void)state;
  struct fp_pension_year rules, *y = &rules;
  assert_true(fp_pension_year(2025, &rules));
  int64_t pensionable = fp_pension_pensionable_pence(y, 100000); /* GBP 1,000 */
  assert_int_equal(pensionable, 90000);
  assert_int_equal(fp_pension_employer_pence(y, pensionable), 12942);
  /* Half a penny rounds up: GBP 323.21 is 290.889 pensionable (290.89), 41.83 employer (41.830). */
  assert_int_equal(fp_pension_pensionable_pence(y, 32321), 29089);
  assert_int_equal(fp_pension_employer_pence(y, 29089), 4183);
  assert_int_equal(fp_pension_employee_pence(90000, 980), 8820);
  assert_int_equal(fp_pension_employee_pence(5, 1000), 1); /* 0.5 rounds up */
  assert_int_equal(fp_pension_pensionable_pence(y, 0), 0);
}

static void test_tiers_by_year(void **state) {
  (void)state;
  struct fp_pension_year r24, r25, *y24 = &r24, *y25 = &r25;
  assert_true(fp_pension_year(2024, &r24));
  assert_true(fp_pension_year(2025, &r25));
  assert_false(y24->provisional);
  assert_non_null(y24->source);
  /* GBP 27,500 a year: tier 3 (8.3 %) in 2024/25, tier 2 (6.5 %) after 2025/26's uplift. */
  assert_int_equal(fp_pension_tier_rate_bp(y24, 2750000), 830);
  assert_int_equal(fp_pension_tier_rate_bp(y25, 2750000), 650);
  /* Edges: tier 1 runs to GBP 13,259.99. */
  assert_int_equal(fp_pension_tier_rate_bp(y25, 1325999), 520);
  assert_int_equal(fp_pension_tier_rate_bp(y25, 1326000), 650);
  assert_int_equal(fp_pension_tier_rate_bp(y25, 6519099), 1070);
  assert_int_equal(fp_pension_tier_rate_bp(y25, 6519100), 1250);
  assert_int_equal(fp_pension_tier_rate_bp(y25, 0), 520);
  assert_int_equal(fp_pension_tier_rate_bp(y24, 4907899), 980);
  assert_int_equal(fp_pension_tier_rate_bp(y24, 4907900), 1070);
  /* A year before any recorded has no rules; one after the last carries it forward, provisional
     and saying so. */
  struct fp_pension_year r;
  assert_false(fp_pension_year(2019, &r));
  assert_false(r25.provisional);
  assert_true(fp_pension_year(2027, &r));
  assert_true(r.provisional);
  assert_int_equal(r.start_year, 2027);
  assert_int_equal(fp_pension_tier_rate_bp(&r, 2750000), 650); /* 2025/26's tiers */
  assert_non_null(strstr(r.source, "2027/28"));
  assert_non_null(strstr(r.source, "2025/26"));
}

static void test_scheme_year(void **state) {
  (void)state;
  assert_int_equal(fp_pension_scheme_year(fp_days_from_civil(2026, 3, 31)), 2025);
  assert_int_equal(fp_pension_scheme_year(fp_days_from_civil(2026, 4, 1)), 2026);
  assert_int_equal(fp_pension_scheme_year(fp_days_from_civil(2026, 12, 31)), 2026);
  assert_int_equal(fp_pension_scheme_year(fp_days_from_civil(2027, 1, 1)), 2026);
}

static void test_reference_and_text(void **state) {
  (void)state;
  char upr[FP_PENSION_UPR_LEN], rate[FP_PENSION_RATE_LEN];
  fp_pension_upr("12345678", 2026, 7, upr);
  assert_string_equal(upr, "12345678LOCJUL2026");
  fp_pension_upr("87654321", 2026, 11, upr);
  assert_string_equal(upr, "87654321LOCNOV2026");
  assert_true(fp_sd_number_valid("12345678"));
  assert_false(fp_sd_number_valid("1234567"));
  assert_false(fp_sd_number_valid("123456789"));
  assert_false(fp_sd_number_valid("1234567a"));
  assert_false(fp_sd_number_valid(NULL));
  fp_pension_rate_text(980, rate);
  assert_string_equal(rate, "9.8%");
  fp_pension_rate_text(1438, rate);
  assert_string_equal(rate, "14.38%");
  fp_pension_rate_text(1250, rate);
  assert_string_equal(rate, "12.5%");
  fp_pension_rate_text(9000, rate);
  assert_string_equal(rate, "90%");
  fp_pension_rate_text(1305, rate);
  assert_string_equal(rate, "13.05%");
  /* Ten weeks from the first day worked. */
  assert_int_equal(fp_pension_ten_week_limit(fp_days_from_civil(2026, 11, 2)), fp_days_from_civil(2027, 1, 11));
}

/* Warned 14 and 3 days before a deadline; form B is due on the 7th of the month after. */
static void test_warnings(void **state) {
  (void)state;
  fp_day due = fp_days_from_civil(2027, 1, 11);
  assert_int_equal(fp_pension_warning_due(due, due - 15), FP_PENSION_WARN_NONE);
  assert_int_equal(fp_pension_warning_due(due, due - 14), FP_PENSION_WARN_EARLY);
  assert_int_equal(fp_pension_warning_due(due, due - 4), FP_PENSION_WARN_EARLY);
  assert_int_equal(fp_pension_warning_due(due, due - 3), FP_PENSION_WARN_LATE);
  assert_int_equal(fp_pension_warning_due(due, due), FP_PENSION_WARN_LATE);
  assert_int_equal(fp_pension_warning_due(due, due + 1), FP_PENSION_WARN_NONE);
  assert_int_equal(fp_pension_form_b_due(2026, 11), fp_days_from_civil(2026, 12, 7));
  assert_int_equal(fp_pension_form_b_due(2026, 12), fp_days_from_civil(2027, 1, 7));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_the_issues_example),
      cmocka_unit_test(test_tiers_by_year),
      cmocka_unit_test(test_scheme_year),
      cmocka_unit_test(test_reference_and_text),
      cmocka_unit_test(test_warnings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
