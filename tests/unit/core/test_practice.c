/* test_practice.c - when a practice's profile is complete (docs/METRICS.md, practices onboarded). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/practice.h"

static void test_complete_needs_all_three(void **state) {
  (void)state;
  assert_true(fp_practice_profile_complete("EMIS Web", "Arrive early for an induction.", "Ask at reception."));
  assert_false(fp_practice_profile_complete(NULL, "Arrive early for an induction.", "Ask at reception."));
  assert_false(fp_practice_profile_complete("EMIS Web", NULL, "Ask at reception."));
  assert_false(fp_practice_profile_complete("EMIS Web", "Arrive early for an induction.", NULL));
}

static void test_blank_counts_as_absent(void **state) {
  (void)state;
  assert_false(fp_practice_profile_complete("EMIS Web", "", "Ask at reception."));
  assert_false(fp_practice_profile_complete("EMIS Web", "Induction.", " \t\r\n "));
  assert_true(fp_practice_profile_complete("other", " x ", "y"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_complete_needs_all_three),
      cmocka_unit_test(test_blank_counts_as_absent),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
