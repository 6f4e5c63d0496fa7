/* test_availability.c - the weekly pattern, its exceptions, and shifts across the UK clock changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/availability.h"
#include "core/error.h"
#include "core/time.h"

#define SUN 0
#define MON 1
#define FRI 5
#define SAT 6
#define HM(h, m) ((h) * 60 + (m))

/* An instant from RFC 3339 text. */
static fp_time at(const char *s) {
  fp_time t = 0;
  assert_int_equal(fp_time_parse(s, &t), FP_OK);
  return t;
}

static int covers(const struct fp_availability *a, const char *start, const char *end) {
  return fp_availability_covers(a, at(start), at(end));
}

static void test_sessions(void **state) {
  (void)state;
  int s, e;
  assert_int_equal(fp_avail_session_hours(FP_AVAIL_SESSION_MORNING, &s, &e), FP_OK);
  assert_int_equal(s, HM(8, 0));
  assert_int_equal(e, HM(13, 0));
  assert_int_equal(fp_avail_session_hours(FP_AVAIL_SESSION_AFTERNOON, &s, &e), FP_OK);
  assert_int_equal(s, HM(13, 0));
  assert_int_equal(e, HM(18, 30));
  assert_int_equal(fp_avail_session_hours(FP_AVAIL_SESSION_EVENING, &s, &e), FP_OK);
  assert_int_equal(s, HM(18, 30));
  assert_int_equal(e, HM(21, 0));
  assert_int_equal(fp_avail_session_hours(FP_AVAIL_SESSION_NONE, &s, &e), FP_EINVAL);
  assert_int_equal(fp_avail_session_of(HM(13, 0), HM(18, 30)), FP_AVAIL_SESSION_AFTERNOON);
  assert_int_equal(fp_avail_session_of(HM(9, 0), HM(13, 0)), FP_AVAIL_SESSION_NONE);
  assert_string_equal(fp_avail_session_name(FP_AVAIL_SESSION_EVENING), "evening");
  assert_null(fp_avail_session_name(FP_AVAIL_SESSION_NONE));
  assert_int_equal(fp_avail_session_parse("morning"), FP_AVAIL_SESSION_MORNING);
  assert_int_equal(fp_avail_session_parse("Morning"), FP_AVAIL_SESSION_NONE);
  assert_int_equal(fp_avail_session_parse(NULL), FP_AVAIL_SESSION_NONE);
  assert_int_equal(fp_avail_session_at(HM(7, 0)), FP_AVAIL_SESSION_MORNING);
  assert_int_equal(fp_avail_session_at(HM(12, 59)), FP_AVAIL_SESSION_MORNING);
  assert_int_equal(fp_avail_session_at(HM(13, 0)), FP_AVAIL_SESSION_AFTERNOON);
  assert_int_equal(fp_avail_session_at(HM(18, 29)), FP_AVAIL_SESSION_AFTERNOON);
  assert_int_equal(fp_avail_session_at(HM(18, 30)), FP_AVAIL_SESSION_EVENING);
  assert_int_equal(fp_avail_session_at(HM(23, 0)), FP_AVAIL_SESSION_EVENING);
}

static void test_weekly_pattern_in_winter(void **state) {
  (void)state;
  /* Mondays: morning only. 2026-12-07 is a Monday, GMT (local = UTC). */
  const struct fp_avail_window w[] = {{MON, HM(8, 0), HM(13, 0)}};
  const struct fp_availability a = {w, 1, NULL, 0};
  assert_true(covers(&a, "2026-12-07T08:00:00Z", "2026-12-07T13:00:00Z"));
  assert_true(covers(&a, "2026-12-07T09:00:00Z", "2026-12-07T12:00:00Z"));
  assert_false(covers(&a, "2026-12-07T07:30:00Z", "2026-12-07T12:00:00Z")); /* starts too early */
  assert_false(covers(&a, "2026-12-07T09:00:00Z", "2026-12-07T13:30:00Z")); /* ends too late */
  assert_false(covers(&a, "2026-12-08T08:00:00Z", "2026-12-08T13:00:00Z")); /* a Tuesday */
  assert_true(covers(&a, "2026-12-14T08:00:00Z", "2026-12-14T13:00:00Z"));  /* every week */
  /* Empty and inverted intervals are never covered. */
  assert_false(covers(&a, "2026-12-07T09:00:00Z", "2026-12-07T09:00:00Z"));
  assert_false(covers(&a, "2026-12-07T10:00:00Z", "2026-12-07T09:00:00Z"));
}

static void test_adjacent_windows_join(void **state) {
  (void)state;
  /* Morning and afternoon together cover a 09:00-17:00 day; the morning alone does not. */
  const struct fp_avail_window w[] = {{MON, HM(13, 0), HM(18, 30)}, {MON, HM(8, 0), HM(13, 0)}};
  const struct fp_availability both = {w, 2, NULL, 0};
  const struct fp_availability morning = {w + 1, 1, NULL, 0};
  assert_true(covers(&both, "2026-12-07T09:00:00Z", "2026-12-07T17:00:00Z"));
  assert_false(covers(&morning, "2026-12-07T09:00:00Z", "2026-12-07T17:00:00Z"));
  /* A gap between windows is not bridged. */
  const struct fp_avail_window gap[] = {{MON, HM(8, 0), HM(12, 0)}, {MON, HM(13, 0), HM(18, 0)}};
  const struct fp_availability g = {gap, 2, NULL, 0};
  assert_false(covers(&g, "2026-12-07T09:00:00Z", "2026-12-07T17:00:00Z"));
  assert_true(covers(&g, "2026-12-07T13:00:00Z", "2026-12-07T17:00:00Z"));
}

static void test_across_midnight(void **state) {
  (void)state;
  /* A night shift Friday 22:00 to Saturday 06:00 needs the end of Friday and the start of Saturday. */
  const struct fp_avail_window w[] = {{FRI, HM(18, 30), 1440}, {SAT, 0, HM(8, 0)}};
  const struct fp_availability both = {w, 2, NULL, 0};
  const struct fp_availability friday = {w, 1, NULL, 0};
  assert_true(covers(&both, "2026-12-11T22:00:00Z", "2026-12-12T06:00:00Z"));
  assert_false(covers(&friday, "2026-12-11T22:00:00Z", "2026-12-12T06:00:00Z"));
  assert_true(covers(&friday, "2026-12-11T22:00:00Z", "2026-12-12T00:00:00Z"));
}

static void test_spring_clock_change(void **state) {
  (void)state;
  /* The last Sunday of March 2026 (the 29th): the clocks go forward at 01:00 UTC. */
  const struct fp_avail_window w[] = {
      {SAT, HM(8, 0), HM(13, 0)}, {SUN, HM(8, 0), HM(13, 0)}, {MON, HM(8, 0), HM(13, 0)}};
  const struct fp_availability a = {w, 3, NULL, 0};
  /* Saturday is still GMT: 08:00-13:00 local is 08:00-13:00 UTC. */
  assert_true(covers(&a, "2026-03-28T08:00:00Z", "2026-03-28T13:00:00Z"));
  assert_false(covers(&a, "2026-03-28T07:00:00Z", "2026-03-28T12:00:00Z"));
  /* Sunday is BST from 02:00 local: 08:00-13:00 local is 07:00-12:00 UTC, not 08:00-13:00 UTC. */
  assert_true(covers(&a, "2026-03-29T08:00:00+01:00", "2026-03-29T13:00:00+01:00"));
  assert_true(covers(&a, "2026-03-29T07:00:00Z", "2026-03-29T12:00:00Z"));
  assert_false(covers(&a, "2026-03-29T08:00:00Z", "2026-03-29T13:00:00Z"));
  assert_true(covers(&a, "2026-03-30T07:00:00Z", "2026-03-30T12:00:00Z"));
  /* The whole of the short day (23 hours) for someone available all day. */
  const struct fp_avail_window all[] = {{SUN, 0, 1440}};
  const struct fp_availability day = {all, 1, NULL, 0};
  assert_true(covers(&day, "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"));
  assert_false(covers(&day, "2026-03-29T00:00:00Z", "2026-03-29T23:30:00Z"));
}

static void test_autumn_clock_change(void **state) {
  (void)state;
  /* The last Sunday of October 2026 (the 25th): the clocks go back at 01:00 UTC. */
  const struct fp_avail_window w[] = {{SAT, HM(8, 0), HM(13, 0)}, {SUN, HM(8, 0), HM(13, 0)}};
  const struct fp_availability a = {w, 2, NULL, 0};
  assert_true(covers(&a, "2026-10-24T07:00:00Z", "2026-10-24T12:00:00Z")); /* BST */
  assert_false(covers(&a, "2026-10-24T08:00:00Z", "2026-10-24T13:00:00Z"));
  assert_true(covers(&a, "2026-10-25T08:00:00Z", "2026-10-25T13:00:00Z")); /* GMT */
  assert_false(covers(&a, "2026-10-25T07:00:00Z", "2026-10-25T12:00:00Z"));
  /* The long day (25 hours) for someone available all of it. */
  const struct fp_avail_window all[] = {{SUN, 0, 1440}};
  const struct fp_availability day = {all, 1, NULL, 0};
  assert_true(covers(&day, "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z"));
  assert_false(covers(&day, "2026-10-24T22:30:00Z", "2026-10-26T00:00:00Z"));
}

static void test_exceptions(void **state) {
  (void)state;
  const struct fp_avail_window w[] = {{MON, HM(8, 0), HM(13, 0)}};
  const fp_day xmas_from = fp_days_from_civil(2026, 12, 21);
  const fp_day xmas_to = fp_days_from_civil(2027, 1, 3);
  const struct fp_avail_exception ex[] = {
      {FP_AVAIL_UNAVAILABLE, xmas_from, xmas_to, 0, 0},
      /* A one-off Saturday, and a Monday afternoon inside the holiday. */
      {FP_AVAIL_EXTRA, fp_days_from_civil(2026, 12, 12), fp_days_from_civil(2026, 12, 12), HM(9, 0),
       HM(17, 0)},
      {FP_AVAIL_EXTRA, fp_days_from_civil(2026, 12, 28), fp_days_from_civil(2026, 12, 28), HM(13, 0),
       HM(18, 30)},
  };
  const struct fp_availability a = {w, 1, ex, 3};
  size_t idx;
  assert_int_equal(fp_availability_validate(&a, &idx), FP_AVAIL_OK);
  /* The Mondays before and after the holiday, not those inside it. */
  assert_true(covers(&a, "2026-12-14T08:00:00Z", "2026-12-14T13:00:00Z"));
  assert_false(covers(&a, "2026-12-21T08:00:00Z", "2026-12-21T13:00:00Z"));
  assert_false(covers(&a, "2026-12-28T08:00:00Z", "2026-12-28T13:00:00Z"));
  assert_true(covers(&a, "2027-01-04T08:00:00Z", "2027-01-04T13:00:00Z"));
  /* The extra day, and the extra afternoon inside the holiday (more specific, so it counts). */
  assert_true(covers(&a, "2026-12-12T09:00:00Z", "2026-12-12T17:00:00Z"));
  assert_false(covers(&a, "2026-12-19T09:00:00Z", "2026-12-19T17:00:00Z"));
  assert_true(covers(&a, "2026-12-28T13:00:00Z", "2026-12-28T18:30:00Z"));
  /* An extra day on a day with a pattern joins it. */
  const struct fp_avail_exception more[] = {
      {FP_AVAIL_EXTRA, fp_days_from_civil(2026, 12, 7), fp_days_from_civil(2026, 12, 7), HM(13, 0),
       HM(15, 0)}};
  const struct fp_availability b = {w, 1, more, 1};
  assert_true(covers(&b, "2026-12-07T10:00:00Z", "2026-12-07T15:00:00Z"));
  assert_false(covers(&b, "2026-12-14T10:00:00Z", "2026-12-14T15:00:00Z"));
}

static void test_holiday_across_clock_change(void **state) {
  (void)state;
  /* Unavailable on UK local dates: 2026-03-29 is off, and so is its first hour after midnight BST... */
  const struct fp_avail_window w[] = {{SUN, 0, 1440}, {MON, 0, 1440}};
  const fp_day d = fp_days_from_civil(2026, 3, 29);
  const struct fp_avail_exception ex[] = {{FP_AVAIL_UNAVAILABLE, d, d, 0, 0}};
  const struct fp_availability a = {w, 2, ex, 1};
  assert_false(covers(&a, "2026-03-29T22:30:00Z", "2026-03-29T23:00:00Z")); /* 23:30 BST Sunday */
  assert_true(covers(&a, "2026-03-29T23:00:00Z", "2026-03-30T01:00:00Z"));  /* Monday 00:00-02:00 BST */
  /* ... and in October the Sunday local day runs to 00:00 GMT. */
  const fp_day o = fp_days_from_civil(2026, 10, 25);
  const struct fp_avail_exception ox[] = {{FP_AVAIL_UNAVAILABLE, o, o, 0, 0}};
  const struct fp_availability b = {w, 2, ox, 1};
  assert_false(covers(&b, "2026-10-25T23:00:00Z", "2026-10-25T23:59:00Z"));
  assert_true(covers(&b, "2026-10-26T00:00:00Z", "2026-10-26T08:00:00Z"));
}

static void test_local_interval(void **state) {
  (void)state;
  fp_time s, e;
  fp_avail_local_interval(fp_days_from_civil(2026, 7, 1), HM(8, 0), HM(13, 0), &s, &e);
  assert_int_equal(s, at("2026-07-01T07:00:00Z"));
  assert_int_equal(e, at("2026-07-01T12:00:00Z"));
  fp_avail_local_interval(fp_days_from_civil(2026, 3, 29), 0, 1440, &s, &e);
  assert_int_equal(e - s, 23 * 3600);
  fp_avail_local_interval(fp_days_from_civil(2026, 10, 25), 0, 1440, &s, &e);
  assert_int_equal(e - s, 25 * 3600);
}

static void test_validate(void **state) {
  (void)state;
  size_t idx = 99;
  struct fp_avail_window many[FP_AVAIL_MAX_WINDOWS + 1];
  for (size_t i = 0; i < FP_AVAIL_MAX_WINDOWS + 1; i++)
    many[i] = (struct fp_avail_window){(int)(i % 7), HM(8, 0), HM(13, 0)};
  struct fp_availability a = {many, FP_AVAIL_MAX_WINDOWS, NULL, 0};
  assert_int_equal(fp_availability_validate(&a, &idx), FP_AVAIL_OK);
  a.n_windows = FP_AVAIL_MAX_WINDOWS + 1;
  assert_int_equal(fp_availability_validate(&a, &idx), FP_AVAIL_TOO_MANY_WINDOWS);

  struct fp_avail_exception ex[FP_AVAIL_MAX_EXCEPTIONS + 1];
  for (size_t i = 0; i < FP_AVAIL_MAX_EXCEPTIONS + 1; i++)
    ex[i] = (struct fp_avail_exception){FP_AVAIL_UNAVAILABLE, 20000 + (fp_day)i, 20000 + (fp_day)i, 0, 0};
  struct fp_availability b = {NULL, 0, ex, FP_AVAIL_MAX_EXCEPTIONS};
  assert_int_equal(fp_availability_validate(&b, &idx), FP_AVAIL_OK);
  b.n_exceptions = FP_AVAIL_MAX_EXCEPTIONS + 1;
  assert_int_equal(fp_availability_validate(&b, &idx), FP_AVAIL_TOO_MANY_EXCEPTIONS);

  const struct fp_avail_window bad[] = {{MON, HM(8, 0), HM(13, 0)}, {7, HM(8, 0), HM(9, 0)}};
  struct fp_availability c = {bad, 2, NULL, 0};
  assert_int_equal(fp_availability_validate(&c, &idx), FP_AVAIL_BAD_WEEKDAY);
  assert_int_equal(idx, 1);
  const struct fp_avail_window hours[][1] = {
      {{MON, HM(13, 0), HM(13, 0)}}, {{MON, HM(13, 0), HM(8, 0)}}, {{MON, -1, HM(8, 0)}},
      {{MON, HM(8, 0), 1441}}, {{MON, 1440, 1440}}};
  for (size_t i = 0; i < 5; i++) {
    struct fp_availability h = {hours[i], 1, NULL, 0};
    assert_int_equal(fp_availability_validate(&h, &idx), FP_AVAIL_BAD_HOURS);
  }
  const struct fp_avail_exception range[][1] = {
      {{FP_AVAIL_UNAVAILABLE, 20010, 20009, 0, 0}},
      {{FP_AVAIL_UNAVAILABLE, 20000, 20000 + FP_AVAIL_MAX_RANGE_DAYS, 0, 0}},
      {{FP_AVAIL_EXTRA, 20000, 20001, HM(8, 0), HM(9, 0)}}};
  for (size_t i = 0; i < 3; i++) {
    struct fp_availability r = {NULL, 0, range[i], 1};
    assert_int_equal(fp_availability_validate(&r, &idx), FP_AVAIL_BAD_RANGE);
  }
  const struct fp_avail_exception ok_range[] = {
      {FP_AVAIL_UNAVAILABLE, 20000, 20000 + FP_AVAIL_MAX_RANGE_DAYS - 1, 0, 0}};
  struct fp_availability r = {NULL, 0, ok_range, 1};
  assert_int_equal(fp_availability_validate(&r, &idx), FP_AVAIL_OK);
  const struct fp_avail_exception extra_hours[] = {{FP_AVAIL_EXTRA, 20000, 20000, HM(9, 0), HM(8, 0)}};
  struct fp_availability eh = {NULL, 0, extra_hours, 1};
  assert_int_equal(fp_availability_validate(&eh, &idx), FP_AVAIL_BAD_HOURS);
  const struct fp_avail_exception kind[] = {{3, 20000, 20000, 0, 0}};
  struct fp_availability k = {NULL, 0, kind, 1};
  assert_int_equal(fp_availability_validate(&k, &idx), FP_AVAIL_BAD_KIND);
}

static void test_long_shift_never_covered(void **state) {
  (void)state;
  struct fp_avail_window all[7];
  for (int i = 0; i < 7; i++)
    all[i] = (struct fp_avail_window){i, 0, 1440};
  const struct fp_availability a = {all, 7, NULL, 0};
  assert_true(covers(&a, "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"));
  assert_false(covers(&a, "2026-12-07T00:00:00Z", "2026-12-14T00:00:01Z"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sessions),
      cmocka_unit_test(test_weekly_pattern_in_winter),
      cmocka_unit_test(test_adjacent_windows_join),
      cmocka_unit_test(test_across_midnight),
      cmocka_unit_test(test_spring_clock_change),
      cmocka_unit_test(test_autumn_clock_change),
      cmocka_unit_test(test_exceptions),
      cmocka_unit_test(test_holiday_across_clock_change),
      cmocka_unit_test(test_local_interval),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_long_shift_never_covered),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
