/*
 * The pool's working-time guards (issue 12): by default at most 13 hours worked in any 24 hours
 * and 11 hours' consecutive rest in every 24 hours, applied to every booking of the pool's
 * clinicians, booked directly or through an accepted application; the pool's administrator sets
 * them (the two together fit in a day); the refusal says which limit and by how much.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static time_t day0; /* a midnight (UTC) a few days ahead */

#define H 3600

static const char *at(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return fpt_str("%s", buf);
}

/* A shift at practice1 from day0 + from to day0 + to (seconds), booked instantly or on approval. */
static long long shift(long from, long to, const char *mode) {
  json_t *j = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
                       (json_int_t)w.practice1, "role", "gp", "starts_at", at(day0 + from), "ends_at", at(day0 + to),
                       "rate_pence", 8000, "rate_unit", "hour", "booking_mode", mode);
  return fpt_int(j, "id");
}

static struct fpt_resp book(const char *token, long long id) {
  return fpt_request(&srv, token, "POST", fpt_str("/api/v1/shifts/%lld/booking", id), NULL);
}

static void expect_status(struct fpt_resp r, long status) {
  if (r.status != status) fail_msg("expected %ld, got %ld: %s", status, r.status, r.body);
}

/* Fails unless r is a 409 working_time_limit whose message holds `says`. */
static void refused(struct fpt_resp r, const char *says) {
  fpt_expect_error(r, 409, "working_time_limit", NULL);
  const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
  assert_non_null(msg);
  if (!strstr(msg, says)) fail_msg("message '%s' does not say '%s'", msg, says);
}

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  time_t now = time(NULL);
  day0 = now - now % 86400 + 3 * 86400;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static void test_defaults_shown(void **state) {
  (void)state;
  json_t *p = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld", w.pool), 200, NULL);
  assert_int_equal(fpt_int(p, "max_worked_minutes_24h"), 780);
  assert_int_equal(fpt_int(p, "min_rest_minutes_24h"), 660);
}

/* The case: two 16-hour shifts back to back. Neither can be booked: each is over 13 hours. */
static void test_sixteen_hour_shifts_refused(void **state) {
  (void)state;
  const char *gp = fpt_world_clinician(&w, "wt.long@t.test", "gp", "7200001", true, NULL);
  long long first = shift(0, 16 * H, "instant"), second = shift(16 * H, 32 * H, "instant");
  refused(book(gp, first), "16 hours in 24 hours: the pool allows at most 13 hours");
  refused(book(gp, second), "at most 13 hours");
  json_t *mine = fpt_call(&srv, gp, "GET", "/api/v1/bookings", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(mine, "items")), 0);
}

/* A working day with a lunch gap and an evening is 13 hours: fine, and so is the next morning 11
   hours after 21:00. Less rest than that between two sessions is refused. */
static void test_a_day_and_the_rest_after_it(void **state) {
  (void)state;
  const char *gp = fpt_world_clinician(&w, "wt.day@t.test", "gp", "7200002", true, NULL);
  long d = 86400;
  expect_status(book(gp, shift(d + 8 * H, d + 13 * H, "instant")), 201);
  expect_status(book(gp, shift(d + 13 * H + 1800, d + 18 * H + 1800, "instant")), 201);
  expect_status(book(gp, shift(d + 18 * H + 1800, d + 21 * H, "instant")), 201);
  expect_status(book(gp, shift(2 * d + 8 * H, 2 * d + 12 * H, "instant")), 201);
  /* 14:00-21:00, then 06:00-10:00: 11 hours' work in 24, but 9 hours' rest. */
  const char *late = fpt_world_clinician(&w, "wt.late@t.test", "gp", "7200003", true, NULL);
  expect_status(book(late, shift(2 * d + 14 * H, 2 * d + 21 * H, "instant")), 201);
  long long early = shift(3 * d + 6 * H, 3 * d + 10 * H, "instant");
  refused(book(late, early), "less than 11 hours of rest between sessions for 20 hours");
  /* Another clinician books it: the guard is the clinician's, not the shift's. */
  const char *other = fpt_world_clinician(&w, "wt.other@t.test", "gp", "7200006", true, NULL);
  expect_status(book(other, early), 201);
}

/* The practice accepting an application is held to the same guard. */
static void test_acceptance_refused_alike(void **state) {
  (void)state;
  const char *gp = fpt_world_clinician(&w, "wt.apply@t.test", "gp", "7200004", true, NULL);
  long d = 4 * 86400;
  expect_status(book(gp, shift(d + 14 * H, d + 23 * H, "instant")), 201);
  long long late = shift(d + 86400 + 6 * H, d + 86400 + 10 * H, "approval"); /* 7 hours after 23:00 */
  json_t *app = fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/applications", late), 201, NULL);
  refused(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", fpt_int(app, "id")), NULL),
          "of rest");
  json_t *again = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/applications/%lld", fpt_int(app, "id")), 200, NULL);
  assert_string_equal(fpt_s(again, "status"), "pending"); /* nothing changed */
}

/* The pool's administrator sets its own values; the bookings follow them at once. */
static void test_pool_sets_its_guards(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/pools/%lld", w.pool);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PATCH", path, "{s:i}", "min_rest_minutes_24h", 700), 400,
                   "invalid_field", "min_rest_minutes_24h"); /* 780 + 700 > 1440 */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PATCH", path, "{s:i}", "max_worked_minutes_24h", 30), 400,
                   "invalid_field", "max_worked_minutes_24h");
  expect_status(fpt_request(&srv, w.pm1, "PATCH", path, "{s:i}", "max_worked_minutes_24h", 600), 403);
  expect_status(fpt_request(&srv, w.commissioner, "PATCH", path, "{s:i}", "max_worked_minutes_24h", 600), 403);
  json_t *p = fpt_call(&srv, w.pool_admin, "PATCH", path, 200, "{s:i, s:i}", "max_worked_minutes_24h", 600,
                       "min_rest_minutes_24h", 720);
  assert_int_equal(fpt_int(p, "max_worked_minutes_24h"), 600);
  assert_int_equal(fpt_int(p, "min_rest_minutes_24h"), 720);
  const char *gp = fpt_world_clinician(&w, "wt.strict@t.test", "gp", "7200005", true, NULL);
  long d = 6 * 86400;
  expect_status(book(gp, shift(d + 8 * H, d + 13 * H, "instant")), 201);
  expect_status(book(gp, shift(d + 13 * H + 1800, d + 18 * H + 1800, "instant")), 201); /* 10 hours */
  refused(book(gp, shift(d + 18 * H + 1800, d + 19 * H + 1800, "instant")), "the pool allows at most 10 hours");
  /* Back to the defaults: that hour is fine again. */
  fpt_call(&srv, w.pool_admin, "PATCH", path, 200, "{s:i, s:i}", "max_worked_minutes_24h", 780, "min_rest_minutes_24h",
           660);
  expect_status(book(gp, shift(d + 18 * H + 1800, d + 19 * H + 1800, "instant")), 201);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_shown),
      cmocka_unit_test(test_sixteen_hour_shifts_refused),
      cmocka_unit_test(test_a_day_and_the_rest_after_it),
      cmocka_unit_test(test_acceptance_refused_alike),
      cmocka_unit_test(test_pool_sets_its_guards),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
