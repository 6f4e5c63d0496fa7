/*
 * test_alerts.c - shift alerts: the preferences' defaults and checks, whether a shift fits (each
 * reason), and when an alert is sent (quiet hours, the 07:00 digest) across times of day and the
 * March and October clock changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alerts.h"
#include "core/error.h"
#include "core/time.h"

#define HM(h, m) ((h) * 60 + (m))

static fp_time at(const char *s) {
  fp_time t = 0;
  assert_int_equal(fp_time_parse(s, &t), FP_OK);
  return t;
}

static struct fp_alert_prefs prefs(void) {
  struct fp_alert_prefs p;
  fp_alert_prefs_default(&p, "gp", 0);
  return p;
}

/* The send time of kind at now, as RFC 3339 UTC text compared with want. */
static void sends(const struct fp_alert_prefs *p, enum fp_alert_kind kind, const char *now, const char *want) {
  char got[FP_TIME_STRLEN];
  fp_time_format(fp_alert_send_at(p, kind, at(now)), got);
  assert_string_equal(got, want);
}

static void test_defaults_and_validation(void **state) {
  (void)state;
  struct fp_alert_prefs p;
  fp_alert_prefs_default(&p, "nurse", 16);
  assert_true(p.enabled);
  assert_int_equal(p.n_roles, 1);
  assert_string_equal(p.roles[0], "nurse");
  assert_int_equal(p.max_distance_miles, 10); /* 16 km is 9.94 miles: rounded up */
  assert_int_equal(p.min_hourly_pence, 0);
  assert_int_equal(p.mode, FP_ALERT_INSTANT);
  assert_int_equal(p.quiet_start_min, HM(21, 0));
  assert_int_equal(p.quiet_end_min, HM(7, 0));
  assert_int_equal(fp_alert_prefs_validate(&p), FP_ALERT_PREFS_OK);
  fp_alert_prefs_default(&p, "gp", 0);
  assert_int_equal(p.max_distance_miles, 0); /* no radius: no limit */

  struct fp_alert_prefs q = prefs();
  q.n_roles = 0;
  assert_int_equal(fp_alert_prefs_validate(&q), FP_ALERT_BAD_ROLES);
  q = prefs();
  strcpy(q.roles[1], "gp");
  q.n_roles = 2;
  assert_int_equal(fp_alert_prefs_validate(&q), FP_ALERT_BAD_ROLES);
  q = prefs();
  q.max_distance_miles = FP_ALERT_MAX_MILES + 1;
  assert_int_equal(fp_alert_prefs_validate(&q), FP_ALERT_BAD_DISTANCE);
  q = prefs();
  q.min_hourly_pence = -1;
  assert_int_equal(fp_alert_prefs_validate(&q), FP_ALERT_BAD_RATE);
  q = prefs();
  q.mode = 7;
  assert_int_equal(fp_alert_prefs_validate(&q), FP_ALERT_BAD_MODE);
  q = prefs();
  q.quiet_end_min = 1440;
  assert_int_equal(fp_alert_prefs_validate(&q), FP_ALERT_BAD_QUIET);
  assert_int_equal(fp_alert_mode_parse("digest"), FP_ALERT_DIGEST);
  assert_int_equal(fp_alert_mode_parse("weekly"), -1);
  assert_string_equal(fp_alert_mode_name(FP_ALERT_INSTANT), "instant");
}

static void test_decide_each_reason(void **state) {
  (void)state;
  /* Mondays 08:00-13:00 and 13:00-18:30. */
  const struct fp_avail_window w[] = {{1, HM(8, 0), HM(13, 0)}, {1, HM(13, 0), HM(18, 30)}};
  const struct fp_availability a = {w, 2, NULL, 0};
  struct fp_alert_prefs p = prefs();
  p.max_distance_miles = 10;
  p.min_hourly_pence = 9000;
  /* Monday 7 December 2026, 09:00-17:00 GMT: across both windows. */
  struct fp_alert_shift s = {"gp", 10000, at("2026-12-07T09:00:00Z"), at("2026-12-07T17:00:00Z"), true, 15.0};
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_FITS);
  assert_int_equal(fp_alert_decide(&p, &a, false, &s), FP_ALERT_NOT_ELIGIBLE);
  s.distance_km = 16.2; /* 10.07 miles */
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_TOO_FAR);
  s.has_distance = false; /* unknown: never too far */
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_FITS);
  s.hourly_pence = 8999;
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_RATE_TOO_LOW);
  s.hourly_pence = 9000;
  s.role = "nurse";
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_OTHER_ROLE);
  strcpy(p.roles[1], "nurse");
  p.n_roles = 2;
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_FITS);
  s.end = at("2026-12-07T19:00:00Z"); /* past 18:30 */
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_NOT_AVAILABLE);
  s.end = at("2026-12-07T17:00:00Z");
  p.enabled = false;
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_OFF);
  /* The same wall-clock hours in summer time: availability is local time. */
  p.enabled = true;
  s.start = at("2026-07-06T08:00:00Z"); /* 09:00 BST */
  s.end = at("2026-07-06T16:00:00Z");
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_FITS);
  s.start = at("2026-07-06T06:30:00Z"); /* 07:30 BST: before the window */
  assert_int_equal(fp_alert_decide(&p, &a, true, &s), FP_ALERT_NOT_AVAILABLE);
}

static void test_quiet_hours_across_the_day(void **state) {
  (void)state;
  struct fp_alert_prefs p = prefs(); /* quiet 21:00-07:00 */
  /* Winter (GMT). */
  sends(&p, FP_ALERT_POSTED, "2026-12-01T12:00:00Z", "2026-12-01T12:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-01T20:59:00Z", "2026-12-01T20:59:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-01T21:00:00Z", "2026-12-02T07:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-01T23:59:00Z", "2026-12-02T07:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-02T03:00:00Z", "2026-12-02T07:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-02T07:00:00Z", "2026-12-02T07:00:00Z");
  /* Summer (BST): 21:00 local is 20:00Z. */
  sends(&p, FP_ALERT_POSTED, "2026-07-01T19:59:00Z", "2026-07-01T19:59:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-07-01T20:00:00Z", "2026-07-02T06:00:00Z");
  sends(&p, FP_ALERT_URGENT, "2026-07-01T20:00:00Z", "2026-07-02T06:00:00Z"); /* urgent ones wait too */
  assert_true(fp_alert_quiet_at(&p, at("2026-07-02T05:59:00Z")));
  assert_false(fp_alert_quiet_at(&p, at("2026-07-02T06:00:00Z")));
  /* Quiet hours within one day. */
  p.quiet_start_min = HM(12, 0);
  p.quiet_end_min = HM(14, 0);
  sends(&p, FP_ALERT_POSTED, "2026-12-01T13:00:00Z", "2026-12-01T14:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-01T14:00:00Z", "2026-12-01T14:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-01T22:00:00Z", "2026-12-01T22:00:00Z");
  /* None. */
  p.quiet_start_min = p.quiet_end_min = HM(9, 0);
  assert_false(fp_alert_quiet_at(&p, at("2026-12-01T09:00:00Z")));
  sends(&p, FP_ALERT_POSTED, "2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z");
}

static void test_quiet_hours_across_the_clock_changes(void **state) {
  (void)state;
  struct fp_alert_prefs p = prefs();
  /* March: clocks go forward at 01:00Z on Sunday 29 March 2026. Saturday 22:00 GMT -> Sunday 07:00 BST. */
  sends(&p, FP_ALERT_POSTED, "2026-03-28T22:00:00Z", "2026-03-29T06:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-03-29T02:00:00Z", "2026-03-29T06:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-03-29T19:59:00Z", "2026-03-29T19:59:00Z"); /* 20:59 BST */
  sends(&p, FP_ALERT_POSTED, "2026-03-29T20:00:00Z", "2026-03-30T06:00:00Z");
  /* October: clocks go back at 01:00Z on Sunday 25 October 2026. Saturday 22:00 BST -> Sunday 07:00 GMT. */
  sends(&p, FP_ALERT_POSTED, "2026-10-24T21:00:00Z", "2026-10-25T07:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-10-25T06:30:00Z", "2026-10-25T07:00:00Z"); /* 06:30 GMT */
  sends(&p, FP_ALERT_POSTED, "2026-10-25T20:30:00Z", "2026-10-25T20:30:00Z"); /* 20:30 GMT: not yet quiet */
  sends(&p, FP_ALERT_POSTED, "2026-10-25T21:00:00Z", "2026-10-26T07:00:00Z");
  /* Quiet hours ending in the hour that happens twice: 00:00-01:30 local. */
  p.quiet_start_min = HM(0, 0);
  p.quiet_end_min = HM(1, 30);
  sends(&p, FP_ALERT_POSTED, "2026-10-25T00:10:00Z", "2026-10-25T00:30:00Z"); /* 01:10 BST -> 01:30 BST */
  sends(&p, FP_ALERT_POSTED, "2026-10-25T01:10:00Z", "2026-10-25T01:30:00Z"); /* 01:10 GMT -> 01:30 GMT */
  /* Quiet hours ending in the spring gap (01:30 does not exist on 29 March): the next wall time. */
  sends(&p, FP_ALERT_POSTED, "2026-03-29T00:40:00Z", "2026-03-29T01:30:00Z");
}

static void test_digest(void **state) {
  (void)state;
  struct fp_alert_prefs p = prefs();
  p.mode = FP_ALERT_DIGEST;
  /* Before 07:00: today's; after: tomorrow's. */
  sends(&p, FP_ALERT_POSTED, "2026-12-01T05:00:00Z", "2026-12-01T07:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-01T07:00:00Z", "2026-12-01T07:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-01T07:01:00Z", "2026-12-02T07:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-12-01T22:00:00Z", "2026-12-02T07:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-07-01T12:00:00Z", "2026-07-02T06:00:00Z"); /* 07:00 BST */
  /* Across the clock changes: 07:00 local on the Sunday. */
  sends(&p, FP_ALERT_POSTED, "2026-03-28T12:00:00Z", "2026-03-29T06:00:00Z");
  sends(&p, FP_ALERT_POSTED, "2026-10-24T12:00:00Z", "2026-10-25T07:00:00Z");
  /* Urgent alerts do not wait for the digest (only for quiet hours). */
  sends(&p, FP_ALERT_URGENT, "2026-12-01T12:00:00Z", "2026-12-01T12:00:00Z");
  /* Quiet hours covering 07:00 move the digest to their end. */
  p.quiet_start_min = HM(6, 0);
  p.quiet_end_min = HM(8, 0);
  sends(&p, FP_ALERT_POSTED, "2026-12-01T12:00:00Z", "2026-12-02T08:00:00Z");
}

static void test_urgent_window(void **state) {
  (void)state;
  fp_time now = at("2026-12-01T12:00:00Z");
  assert_true(fp_alert_urgent(now + 3600, now));
  assert_true(fp_alert_urgent(now + 48 * 3600, now));
  assert_false(fp_alert_urgent(now + 48 * 3600 + 1, now));
  assert_false(fp_alert_urgent(now, now));
  assert_false(fp_alert_urgent(now - 60, now));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_and_validation), cmocka_unit_test(test_decide_each_reason),
      cmocka_unit_test(test_quiet_hours_across_the_day), cmocka_unit_test(test_quiet_hours_across_the_clock_changes),
      cmocka_unit_test(test_digest), cmocka_unit_test(test_urgent_window),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
