/* test_outbox.c - an outgoing message's next state after a delivery attempt, and the pauses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/outbox.h"

static void test_sent_and_given_up(void **state) {
  (void)state;
  int64_t next = -1;
  assert_int_equal(fp_outbox_after_attempt(0, true, false, 1000, &next), FP_OUTBOX_SENT);
  assert_int_equal(next, 1000);
  assert_int_equal(fp_outbox_after_attempt(3, false, true, 1000, &next), FP_OUTBOX_FAILED); /* a 5xx: for good */
  assert_int_equal(fp_outbox_after_attempt(FP_OUTBOX_MAX_ATTEMPTS - 1, false, false, 1000, &next), FP_OUTBOX_FAILED);
  assert_int_equal(fp_outbox_after_attempt(FP_OUTBOX_MAX_ATTEMPTS - 2, false, false, 1000, &next), FP_OUTBOX_QUEUED);
  assert_string_equal(fp_outbox_state_name(FP_OUTBOX_QUEUED), "queued");
  assert_string_equal(fp_outbox_state_name(FP_OUTBOX_SENT), "sent");
  assert_string_equal(fp_outbox_state_name(FP_OUTBOX_FAILED), "failed");
  assert_string_equal(fp_outbox_state_name((enum fp_outbox_state)9), "unknown");
}

static void test_pauses_double_up_to_an_hour(void **state) {
  (void)state;
  int64_t next = 0, last = 0;
  for (int before = 0; before < FP_OUTBOX_MAX_ATTEMPTS - 1; before++) {
    assert_int_equal(fp_outbox_after_attempt(before, false, false, 0, &next), FP_OUTBOX_QUEUED);
    if (before == 0) assert_int_equal(next, FP_OUTBOX_FIRST_PAUSE);
    else assert_true(next == 2 * last || next == FP_OUTBOX_MAX_PAUSE);
    assert_true(next <= FP_OUTBOX_MAX_PAUSE);
    last = next;
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sent_and_given_up),
      cmocka_unit_test(test_pauses_double_up_to_an_hour),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
