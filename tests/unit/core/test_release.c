/* test_release.c - tiered release (core/release.h): the tier open at each time, across clock changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/release.h"

#define H INT64_C(3600)
#define DAY (24 * H)

static fp_time utc(int y, int m, int d, int hh, int mm) { return (fp_time)fp_days_from_civil(y, m, d) * DAY + hh * H + mm * 60; }

static struct fp_release decide(fp_time posted, fp_time starts, enum fp_release_mode mode, fp_time now) {
  struct fp_release_facts f = {posted, starts, mode, fp_release_default_delays()};
  struct fp_release r;
  fp_release_decide(&f, now, &r);
  /* The instants the store keeps give the same answer. */
  struct fp_release again;
  fp_release_at(r.pool_at, r.overflow_at, now, &again);
  assert_int_equal(again.tier, r.tier);
  assert_int_equal(again.next_at, r.next_at);
  return r;
}

static void test_all_at_posting(void **state) {
  (void)state;
  fp_time now = utc(2026, 6, 1, 10, 0);
  struct fp_release r = decide(now, now + 10 * DAY, FP_RELEASE_ALL, now);
  assert_int_equal(r.tier, FP_TIER_POOL);
  assert_int_equal(r.pool_at, now);
  assert_true(r.overflow_at == FP_RELEASE_NEVER);
  assert_true(r.next_at == FP_RELEASE_NEVER);
  /* Released to all never overflows, even an hour before the start. */
  assert_int_equal(decide(now, now + 10 * DAY, FP_RELEASE_ALL, now + 10 * DAY - H).tier, FP_TIER_POOL);
}

static void test_ten_days_ahead(void **state) {
  (void)state;
  fp_time now = utc(2026, 6, 1, 10, 0), starts = now + 10 * DAY;
  struct fp_release r = decide(now, starts, FP_RELEASE_TIERED, now);
  assert_int_equal(r.tier, FP_TIER_FAVOURITES);
  assert_int_equal(r.pool_at, now + DAY); /* 24 hours after posting comes before 7 days remain */
  assert_int_equal(r.next_at, now + DAY);
  assert_int_equal(r.overflow_at, starts - 3 * DAY);
  assert_int_equal(decide(now, starts, FP_RELEASE_TIERED, now + DAY - 1).tier, FP_TIER_FAVOURITES);
  r = decide(now, starts, FP_RELEASE_TIERED, now + DAY);
  assert_int_equal(r.tier, FP_TIER_POOL);
  assert_int_equal(r.next_at, starts - 3 * DAY);
  assert_int_equal(decide(now, starts, FP_RELEASE_TIERED, starts - 3 * DAY - 1).tier, FP_TIER_POOL);
  r = decide(now, starts, FP_RELEASE_TIERED, starts - 3 * DAY);
  assert_int_equal(r.tier, FP_TIER_OVERFLOW);
  assert_true(r.next_at == FP_RELEASE_NEVER);
}

static void test_seven_days_remain_first(void **state) {
  (void)state;
  /* Posted 7 days and 6 hours ahead: 7 days remain 6 hours after posting, before 24 hours pass. */
  fp_time now = utc(2026, 6, 1, 10, 0), starts = now + 7 * DAY + 6 * H;
  struct fp_release r = decide(now, starts, FP_RELEASE_TIERED, now);
  assert_int_equal(r.tier, FP_TIER_FAVOURITES);
  assert_int_equal(r.pool_at, now + 6 * H);
  assert_int_equal(decide(now, starts, FP_RELEASE_TIERED, now + 6 * H).tier, FP_TIER_POOL);
}

static void test_short_notice(void **state) {
  (void)state;
  fp_time now = utc(2026, 6, 1, 10, 0);
  /* 5 days ahead: fewer than 7 days remain, the pool at once; other pools when 72 hours remain. */
  struct fp_release r = decide(now, now + 5 * DAY, FP_RELEASE_TIERED, now);
  assert_int_equal(r.tier, FP_TIER_POOL);
  assert_int_equal(r.pool_at, now);
  assert_int_equal(r.next_at, now + 2 * DAY);
  /* 2 days ahead: everything at once. */
  r = decide(now, now + 2 * DAY, FP_RELEASE_TIERED, now);
  assert_int_equal(r.tier, FP_TIER_OVERFLOW);
  assert_int_equal(r.overflow_at, now);
}

static void test_practice_delays(void **state) {
  (void)state;
  fp_time now = utc(2026, 6, 1, 10, 0), starts = now + 20 * DAY;
  struct fp_release_facts f = {now, starts, FP_RELEASE_TIERED, {48, 240, 120}};
  struct fp_release r;
  fp_release_decide(&f, now + 47 * H, &r);
  assert_int_equal(r.tier, FP_TIER_FAVOURITES);
  assert_int_equal(r.pool_at, now + 48 * H);
  assert_int_equal(r.overflow_at, starts - 120 * H);
  /* No delay at all: the pool at posting. */
  f.delays = (struct fp_release_delays){0, 240, 120};
  fp_release_decide(&f, now, &r);
  assert_int_equal(r.tier, FP_TIER_POOL);
}

static void test_clock_changes(void **state) {
  (void)state;
  /* Spring 2026: the clocks go forward at 01:00 UTC on Sunday 29 March. Posted Saturday 10:00 GMT:
     24 hours later on the clock is Sunday 10:00 BST, 09:00 UTC (23 hours later). */
  fp_time posted = utc(2026, 3, 28, 10, 0), starts = utc(2026, 4, 6, 8, 0); /* Monday 6 April 09:00 BST */
  struct fp_release r = decide(posted, starts, FP_RELEASE_TIERED, posted);
  assert_int_equal(r.pool_at, utc(2026, 3, 29, 9, 0));
  assert_int_equal(r.overflow_at, utc(2026, 4, 3, 8, 0)); /* Friday 3 April 09:00 BST */
  assert_int_equal(decide(posted, starts, FP_RELEASE_TIERED, utc(2026, 3, 29, 8, 59)).tier, FP_TIER_FAVOURITES);
  assert_int_equal(decide(posted, starts, FP_RELEASE_TIERED, utc(2026, 3, 29, 9, 0)).tier, FP_TIER_POOL);
  /* 7 days before Monday 30 March 09:00 BST is Monday 23 March 09:00 GMT; 72 hours before it is
     Friday 27 March 09:00 GMT (71 hours earlier in real time). */
  posted = utc(2026, 3, 20, 9, 0);
  starts = utc(2026, 3, 30, 8, 0);
  r = decide(posted, starts, FP_RELEASE_TIERED, posted);
  assert_int_equal(r.pool_at, utc(2026, 3, 21, 9, 0));
  assert_int_equal(r.overflow_at, utc(2026, 3, 27, 9, 0));
  posted = utc(2026, 3, 22, 20, 0);
  assert_int_equal(decide(posted, starts, FP_RELEASE_TIERED, posted).pool_at, utc(2026, 3, 23, 9, 0));
  /* Autumn 2026: back at 01:00 UTC on Sunday 25 October. 72 hours before Monday 26 October 09:00
     GMT is Friday 23 October 09:00 BST, 08:00 UTC (73 hours earlier). */
  posted = utc(2026, 10, 12, 9, 0);
  starts = utc(2026, 10, 26, 9, 0);
  r = decide(posted, starts, FP_RELEASE_TIERED, posted);
  assert_int_equal(r.overflow_at, utc(2026, 10, 23, 8, 0));
  assert_int_equal(r.pool_at, utc(2026, 10, 13, 9, 0)); /* 24 hours after 10:00 BST, no change between */
  assert_int_equal(decide(posted, starts, FP_RELEASE_TIERED, utc(2026, 10, 23, 7, 59)).tier, FP_TIER_POOL);
  assert_int_equal(decide(posted, starts, FP_RELEASE_TIERED, utc(2026, 10, 23, 8, 0)).tier, FP_TIER_OVERFLOW);
  /* Posted at 01:30 BST on the autumn Sunday (the first of the two): 24 hours later is 01:30 GMT Monday. */
  posted = utc(2026, 10, 25, 0, 30);
  starts = utc(2026, 11, 20, 9, 0);
  assert_int_equal(decide(posted, starts, FP_RELEASE_TIERED, posted).pool_at, utc(2026, 10, 26, 1, 30));
}

static void test_tiers_in_order(void **state) {
  (void)state;
  /* Whatever the facts and the time, a later tier never opens before an earlier one. */
  srand(12);
  for (int i = 0; i < 2000; i++) {
    fp_time posted = utc(2026, 1, 1, 0, 0) + (fp_time)(rand() % 365) * DAY + (rand() % 86400);
    fp_time starts = posted + 3600 + (fp_time)(rand() % (60 * 86400));
    struct fp_release_delays d = {rand() % 200, rand() % 400, 0};
    d.overflow_before_start_hours = d.pool_before_start_hours ? rand() % (d.pool_before_start_hours + 1) : 0;
    const char *why;
    assert_null(fp_release_delays_invalid(&d, &why));
    struct fp_release_facts f = {posted, starts, FP_RELEASE_TIERED, d};
    fp_time now = posted + (fp_time)(rand() % (starts - posted + 1));
    struct fp_release r;
    fp_release_decide(&f, now, &r);
    assert_true(r.pool_at >= posted);
    assert_true(r.overflow_at >= r.pool_at);
    assert_int_equal(r.tier, now >= r.overflow_at ? FP_TIER_OVERFLOW : now >= r.pool_at ? FP_TIER_POOL : FP_TIER_FAVOURITES);
  }
}

static void test_delays_checked(void **state) {
  (void)state;
  const char *why = NULL;
  struct fp_release_delays d = fp_release_default_delays();
  assert_int_equal(d.pool_after_hours, 24);
  assert_int_equal(d.pool_before_start_hours, 168);
  assert_int_equal(d.overflow_before_start_hours, 72);
  assert_null(fp_release_delays_invalid(&d, &why));
  struct fp_release_delays bad[] = {{-1, 168, 72}, {721, 168, 72}, {24, 2161, 72}, {24, 168, -1}, {24, 72, 168}};
  const char *field[] = {"pool_after_hours", "pool_after_hours", "pool_before_start_hours", "overflow_before_start_hours",
                         "overflow_before_start_hours"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_string_equal(fp_release_delays_invalid(&bad[i], &why), field[i]);
    assert_non_null(why);
  }
  enum fp_release_mode m;
  assert_int_equal(fp_release_mode_parse("tiered", &m), 0);
  assert_int_equal(m, FP_RELEASE_TIERED);
  assert_int_not_equal(fp_release_mode_parse("some", &m), 0);
  assert_string_equal(fp_release_tier_name(FP_TIER_OVERFLOW), "overflow");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_all_at_posting),  cmocka_unit_test(test_ten_days_ahead), cmocka_unit_test(test_seven_days_remain_first),
      cmocka_unit_test(test_short_notice),    cmocka_unit_test(test_practice_delays), cmocka_unit_test(test_clock_changes),
      cmocka_unit_test(test_tiers_in_order),  cmocka_unit_test(test_delays_checked),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
