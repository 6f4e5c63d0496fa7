/* test_rate_policy.c - a pool's rate policy (issue 13): the cap, and the escalation of an unfilled
   shift's rate as its start draws near: each step a percentage of the posted rate (never
   compounded), rounded half up, never past the cap, only before the start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/rate_policy.h"

static const fp_time START = 1790000000;
#define HOURS(h) ((fp_time)(h) * 3600)

static struct fp_rate_policy policy(int64_t cap) {
  struct fp_rate_policy p = {.cap_hourly_pence = cap};
  assert_int_equal(fp_rate_steps_parse("72:5,24:10", &p), 0);
  return p;
}

static void test_steps_round_trip_and_rules(void **state) {
  (void)state;
  struct fp_rate_policy p = policy(0);
  assert_int_equal(p.n_steps, 2);
  assert_int_equal(p.steps[0].hours_before, 72);
  assert_int_equal(p.steps[1].percent, 10);
  char buf[FP_RATE_STEPS_LEN];
  fp_rate_steps_format(&p, buf);
  assert_string_equal(buf, "72:5,24:10");
  /* From the longest notice to the shortest, rising, 1 to 100 %: anything else refused, p untouched. */
  assert_int_equal(fp_rate_steps_parse("24:10,72:5", &p), FP_EINVAL);
  assert_int_equal(fp_rate_steps_parse("72:10,24:5", &p), FP_EINVAL);
  assert_int_equal(fp_rate_steps_parse("72:0", &p), FP_EINVAL);
  assert_int_equal(fp_rate_steps_parse("72:101", &p), FP_EINVAL);
  assert_int_equal(fp_rate_steps_parse("1000:5", &p), FP_EINVAL);
  assert_int_equal(fp_rate_steps_parse("72:5,", &p), FP_EINVAL);
  assert_int_equal(p.n_steps, 2);
  assert_int_equal(fp_rate_steps_parse("", &p), 0);
  assert_int_equal(p.n_steps, 0);
  struct fp_rate_step bad[] = {{24, 5}, {72, 10}};
  assert_false(fp_rate_steps_valid(bad, 2));
  struct fp_rate_step good[] = {{72, 5}, {24, 10}};
  assert_true(fp_rate_steps_valid(good, 2));
}

static void test_the_cap(void **state) {
  (void)state;
  struct fp_rate_policy none = policy(0), cap = policy(9000);
  assert_false(fp_rate_over_cap(&none, 1000000)); /* no cap: nothing is over it */
  assert_false(fp_rate_over_cap(&cap, 9000));    /* at the cap is within it */
  assert_true(fp_rate_over_cap(&cap, 9001));
}

static void test_each_step_of_the_posted_rate(void **state) {
  (void)state;
  struct fp_rate_policy p = policy(0);
  struct fp_escalation e;
  /* GBP 80.00 an hour: nothing before 72 hours remain. */
  assert_false(fp_rate_escalation(&p, 8000, 8000, START - HOURS(72) - 1, START, &e));
  assert_true(fp_rate_escalation(&p, 8000, 8000, START - HOURS(72), START, &e));
  assert_int_equal(e.step, 1);
  assert_int_equal(e.percent, 5);
  assert_int_equal(e.rate_pence, 8400);
  assert_false(e.capped);
  /* At 24 hours: +10 % of the posted rate (8800), not +10 % of 8400 (compounded: 9240). */
  assert_true(fp_rate_escalation(&p, 8000, 8000, START - HOURS(24), START, &e));
  assert_int_equal(e.step, 2);
  assert_int_equal(e.rate_pence, 8800);
  assert_int_equal(e.hourly_pence, 8800);
  /* Not once the shift has started. */
  assert_false(fp_rate_escalation(&p, 8000, 8000, START, START, &e));
  /* No steps: never. */
  struct fp_rate_policy none = {0};
  assert_false(fp_rate_escalation(&none, 8000, 8000, START - 60, START, &e));
}

static void test_rounding_half_up(void **state) {
  (void)state;
  struct fp_rate_policy p = policy(0);
  struct fp_escalation e;
  /* GBP 323.21 a session (the indicative rate), +5 %: 16.1605 -> 16.16; +10 %: 32.321 -> 32.32. */
  assert_true(fp_rate_escalation(&p, 32321, 7757, START - HOURS(48), START, &e));
  assert_int_equal(e.rate_pence, 33937);
  assert_true(fp_rate_escalation(&p, 32321, 7757, START - HOURS(1), START, &e));
  assert_int_equal(e.rate_pence, 35553);
  /* 10 pence +5 %: 0.5 rounds up to 1. */
  assert_true(fp_rate_escalation(&p, 10, 10, START - HOURS(48), START, &e));
  assert_int_equal(e.rate_pence, 11);
}

static void test_never_past_the_cap(void **state) {
  (void)state;
  struct fp_rate_policy p = policy(8600); /* GBP 86.00 an hour at most */
  struct fp_escalation e;
  assert_true(fp_rate_escalation(&p, 8000, 8000, START - HOURS(48), START, &e)); /* 84.00: under */
  assert_int_equal(e.rate_pence, 8400);
  assert_false(e.capped);
  assert_true(fp_rate_escalation(&p, 8000, 8000, START - HOURS(2), START, &e)); /* 88.00: lowered to 86.00 */
  assert_int_equal(e.rate_pence, 8600);
  assert_int_equal(e.hourly_pence, 8600);
  assert_true(e.capped);
  /* A session of 4 hours at GBP 320 (80 an hour): the cap in its unit is 4 x 86 = 344. */
  assert_true(fp_rate_escalation(&p, 32000, 8000, START - HOURS(2), START, &e));
  assert_int_equal(e.rate_pence, 34400);
  /* Posted at or over the cap already: never raised, never lowered. */
  assert_true(fp_rate_escalation(&p, 9000, 9000, START - HOURS(2), START, &e));
  assert_int_equal(e.rate_pence, 9000);
  assert_true(e.capped);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_steps_round_trip_and_rules),
      cmocka_unit_test(test_the_cap),
      cmocka_unit_test(test_each_step_of_the_posted_rate),
      cmocka_unit_test(test_rounding_half_up),
      cmocka_unit_test(test_never_past_the_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
