/* test_money.c - pay arithmetic in integer pence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/money.h"

static void test_rate_unit_parse_and_name(void **state) {
  (void)state;
  enum fp_rate_unit u = FP_RATE_SESSION;
  assert_int_equal(fp_rate_unit_parse("hour", &u), FP_OK);
  assert_int_equal(u, FP_RATE_HOUR);
  assert_int_equal(fp_rate_unit_parse("session", &u), FP_OK);
  assert_int_equal(u, FP_RATE_SESSION);
  static const char *const bad[] = {"", "Hour", "hours", "SESSION", "day", " hour", "hour "};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    u = FP_RATE_SESSION;
    assert_int_equal(fp_rate_unit_parse(bad[i], &u), FP_EINVAL);
    assert_int_equal(u, FP_RATE_SESSION);
  }
  assert_int_equal(fp_rate_unit_parse(NULL, &u), FP_EINVAL);
  assert_int_equal(fp_rate_unit_parse("hour", NULL), FP_EINVAL);
  assert_string_equal(fp_rate_unit_name(FP_RATE_HOUR), "hour");
  assert_string_equal(fp_rate_unit_name(FP_RATE_SESSION), "session");
  assert_string_equal(fp_rate_unit_name((enum fp_rate_unit)7), "unknown");
}

static void test_worked_minutes(void **state) {
  (void)state;
  const int64_t s = 1774774800; /* 2026-03-29T09:00:00Z */
  assert_int_equal(fp_worked_minutes(s, s + 4 * 3600, 0), 240);
  assert_int_equal(fp_worked_minutes(s, s + 4 * 3600, 30), 210);
  assert_int_equal(fp_worked_minutes(s, s + 8 * 3600 + 30 * 60, 60), 450);
  /* Partial minutes are dropped. */
  assert_int_equal(fp_worked_minutes(s, s + 119, 0), 1);
  assert_int_equal(fp_worked_minutes(s, s + 59, 0), 0);
  /* Never below zero. */
  assert_int_equal(fp_worked_minutes(s, s + 30 * 60, 45), 0);
  assert_int_equal(fp_worked_minutes(s, s + 30 * 60, 30), 0);
  assert_int_equal(fp_worked_minutes(s, s, 0), 0);
  assert_int_equal(fp_worked_minutes(s + 3600, s, 0), 0);
  /* A negative break adds nothing. */
  assert_int_equal(fp_worked_minutes(s, s + 3600, -30), 60);
  /* Extreme instants do not overflow. */
  assert_int_equal(fp_worked_minutes(INT64_MIN, INT64_MAX, 0), (int64_t)(UINT64_MAX / 60));
  assert_int_equal(fp_worked_minutes(INT64_MAX, INT64_MIN, 0), 0);
}

static void test_fee_hourly(void **state) {
  (void)state;
  /* £85.00 an hour for 4 hours. */
  assert_int_equal(fp_fee_pence(8500, FP_RATE_HOUR, 240), 34000);
  /* 3.5 hours. */
  assert_int_equal(fp_fee_pence(8500, FP_RATE_HOUR, 210), 29750);
  /* 1 minute at £1.00/h = 1.666.. pence -> 2. */
  assert_int_equal(fp_fee_pence(100, FP_RATE_HOUR, 1), 2);
  /* 1 minute at 90p/h = exactly 1.5 pence -> half up to 2. */
  assert_int_equal(fp_fee_pence(90, FP_RATE_HOUR, 1), 2);
  /* 1 minute at 89p/h = 1.4833 -> 1. */
  assert_int_equal(fp_fee_pence(89, FP_RATE_HOUR, 1), 1);
  /* 7 minutes at 3030p/h = 353.5 -> 354; at 3029p/h = 353.38 -> 353. */
  assert_int_equal(fp_fee_pence(3030, FP_RATE_HOUR, 7), 354);
  assert_int_equal(fp_fee_pence(3029, FP_RATE_HOUR, 7), 353);
  /* 50 minutes at 1p/h = 0.833 -> 1; 29 minutes at 1p/h = 0.48 -> 0; 30 minutes = 0.5 -> 1. */
  assert_int_equal(fp_fee_pence(1, FP_RATE_HOUR, 50), 1);
  assert_int_equal(fp_fee_pence(1, FP_RATE_HOUR, 29), 0);
  assert_int_equal(fp_fee_pence(1, FP_RATE_HOUR, 30), 1);
  /* Nothing worked, nothing paid. */
  assert_int_equal(fp_fee_pence(8500, FP_RATE_HOUR, 0), 0);
  assert_int_equal(fp_fee_pence(8500, FP_RATE_HOUR, -5), 0);
  assert_int_equal(fp_fee_pence(0, FP_RATE_HOUR, 240), 0);
  assert_int_equal(fp_fee_pence(-100, FP_RATE_HOUR, 240), 0);
  /* Exhaustively against the plain formula for small values. */
  for (int64_t rate = 0; rate < 2000; rate += 7)
    for (int64_t m = 0; m < 700; m++)
      assert_int_equal(fp_fee_pence(rate, FP_RATE_HOUR, m), (rate * m * 2 + 60) / 120);
  /* A rate near the 10^9 bound for a long shift: exact, no overflow. */
  assert_int_equal(fp_fee_pence(999999999, FP_RATE_HOUR, 600), 9999999990);
  assert_int_equal(fp_fee_pence(999999999, FP_RATE_HOUR, 1), 16666667); /* 16666666.65 */
  /* A week of minutes at the bound is still exact (about 10^13). */
  assert_int_equal(fp_fee_pence(999999999, FP_RATE_HOUR, 7 * 24 * 60), 167999999832);
  /* Absurd inputs saturate rather than wrap. */
  assert_int_equal(fp_fee_pence(INT64_MAX, FP_RATE_HOUR, INT64_MAX), INT64_MAX);
  assert_int_equal(fp_fee_pence(999999999, FP_RATE_HOUR, INT64_MAX), INT64_MAX);
  assert_true(fp_fee_pence(INT64_MAX / 60, FP_RATE_HOUR, 60) > 0);
}

static void test_fee_session(void **state) {
  (void)state;
  assert_int_equal(fp_fee_pence(45000, FP_RATE_SESSION, 240), 45000);
  assert_int_equal(fp_fee_pence(45000, FP_RATE_SESSION, 1), 45000);
  assert_int_equal(fp_fee_pence(45000, FP_RATE_SESSION, 0), 45000);
  assert_int_equal(fp_fee_pence(0, FP_RATE_SESSION, 240), 0);
  assert_int_equal(fp_fee_pence(-1, FP_RATE_SESSION, 240), 0);
}

static void test_hourly_equivalent(void **state) {
  (void)state;
  /* Hourly: the rate. */
  assert_int_equal(fp_hourly_equivalent_pence(8500, FP_RATE_HOUR, 240), 8500);
  assert_int_equal(fp_hourly_equivalent_pence(8500, FP_RATE_HOUR, 0), 8500);
  /* £340 session over 4 hours = £85/h. */
  assert_int_equal(fp_hourly_equivalent_pence(34000, FP_RATE_SESSION, 240), 8500);
  /* £300 over 3.5 h = 8571.43 -> 8571. */
  assert_int_equal(fp_hourly_equivalent_pence(30000, FP_RATE_SESSION, 210), 8571);
  /* £1.00 over 7 minutes = 857.14 -> 857; 1p over 120 minutes = 0.5 -> 1; 1p over 121 -> 0. */
  assert_int_equal(fp_hourly_equivalent_pence(100, FP_RATE_SESSION, 7), 857);
  assert_int_equal(fp_hourly_equivalent_pence(1, FP_RATE_SESSION, 120), 1);
  assert_int_equal(fp_hourly_equivalent_pence(1, FP_RATE_SESSION, 121), 0);
  /* 5p over 8 minutes = 37.5 -> 38. */
  assert_int_equal(fp_hourly_equivalent_pence(5, FP_RATE_SESSION, 8), 38);
  /* No worked minutes: the session rate itself. */
  assert_int_equal(fp_hourly_equivalent_pence(45000, FP_RATE_SESSION, 0), 45000);
  assert_int_equal(fp_hourly_equivalent_pence(45000, FP_RATE_SESSION, -10), 45000);
  assert_int_equal(fp_hourly_equivalent_pence(0, FP_RATE_SESSION, 60), 0);
  /* Exhaustively against the plain formula. */
  for (int64_t rate = 0; rate < 5000; rate += 13)
    for (int64_t m = 1; m < 600; m++)
      assert_int_equal(fp_hourly_equivalent_pence(rate, FP_RATE_SESSION, m), (rate * 120 + m) / (2 * m));
  /* Near the bound. */
  assert_int_equal(fp_hourly_equivalent_pence(999999999, FP_RATE_SESSION, 1), 59999999940);
  assert_int_equal(fp_hourly_equivalent_pence(INT64_MAX, FP_RATE_SESSION, 1), INT64_MAX);
}

static void test_money_text(void **state) {
  (void)state;
  char b[FP_MONEY_TEXT_LEN];
  fp_money_text(31000, b);
  assert_string_equal(b, "310.00");
  fp_money_text(5, b);
  assert_string_equal(b, "0.05");
  fp_money_text(-1205, b);
  assert_string_equal(b, "-12.05");
  fp_money_text(INT64_MIN, b);
  assert_string_equal(b, "-92233720368547758.08");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rate_unit_parse_and_name),
      cmocka_unit_test(test_worked_minutes),
      cmocka_unit_test(test_fee_hourly),
      cmocka_unit_test(test_fee_session),
      cmocka_unit_test(test_hourly_equivalent),
      cmocka_unit_test(test_money_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
