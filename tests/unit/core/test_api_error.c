/* test_api_error.c - the typed refusal a rule or a write transaction returns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/api_error.h"
#include "core/error.h"

static void test_refuse_fills_and_returns_refused(void **state) {
  (void)state;
  struct fp_refusal why;
  memset(&why, 0x55, sizeof why);
  assert_int_equal(fp_refuse(&why, FP_API_SHIFT_STARTED, "starts_at", 42, "shift %d has started", 42), FP_EREFUSED);
  assert_int_equal(why.code, FP_API_SHIFT_STARTED);
  assert_string_equal(why.field, "starts_at");
  assert_int_equal(why.subject, 42);
  assert_string_equal(why.message, "shift 42 has started");
  /* No sentence: the table's default is used where it is answered. */
  assert_int_equal(fp_refuse(&why, FP_API_FORBIDDEN, NULL, 0, NULL), FP_EREFUSED);
  assert_null(why.field);
  assert_string_equal(why.message, "");
  /* A long sentence is cut to the buffer, never overrun. */
  char longer[600];
  memset(longer, 'x', sizeof longer - 1);
  longer[sizeof longer - 1] = 0;
  fp_refuse(&why, FP_API_INVALID_STATE, NULL, 0, "%s", longer);
  assert_int_equal(strlen(why.message), sizeof why.message - 1);
  assert_string_equal(fp_err_name(FP_EREFUSED), "EREFUSED");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_refuse_fills_and_returns_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
