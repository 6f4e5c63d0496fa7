/*
 * Once a shift has started its record is history (issue 9, item 3): a booking of a started or
 * worked shift cannot be cancelled by either side (409 shift_started) and the commissioner's
 * figures do not move; the practice can record that the clinician did not attend (only a manager
 * of that practice, only after the start, once; audited; the clinician sees it; the figures count
 * it apart); a started shift cannot be withdrawn, edited or re-opened.
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
#include <unistd.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp_a, *gp_b, *gp_c, *gp_d;
static long long started_a, started_b, worked_c, open_started, future_d;
static long long booking_a, booking_b, booking_c, booking_d;
static time_t start_at;

static long long shift_at(time_t starts, time_t ends) { return fpt_world_gp_shift_at(&w, starts, ends, "instant"); }
static long long book(const char *token, long long shift) { return fpt_world_book(&w, token, shift); }

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp_a = fpt_world_clinician(&w, "gp.a@t.test", "gp", "7100001", true, NULL);
  gp_b = fpt_world_clinician(&w, "gp.b@t.test", "gp", "7100002", true, NULL);
  gp_c = fpt_world_clinician(&w, "gp.c@t.test", "gp", "7100003", true, NULL);
  gp_d = fpt_world_clinician(&w, "gp.d@t.test", "gp", "7100004", true, NULL);
  /* Shifts that start in a few seconds (time enough to book them on a busy machine). */
  start_at = time(NULL) + 10;
  started_a = shift_at(start_at, start_at + 3 * 3600);
  started_b = shift_at(start_at, start_at + 4 * 3600);
  worked_c = shift_at(start_at, start_at + 2);
  open_started = shift_at(start_at, start_at + 3600);
  future_d = shift_at(time(NULL) + 3 * 86400, time(NULL) + 3 * 86400 + 4 * 3600);
  booking_a = book(gp_a, started_a);
  booking_b = book(gp_b, started_b);
  booking_c = book(gp_c, worked_c);
  booking_d = book(gp_d, future_d);
  while (time(NULL) < start_at + 1) usleep(100 * 1000);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static json_t *totals(void) {
  return json_object_get(fpt_call(&srv, w.commissioner, "GET", "/api/v1/metrics", 200, NULL), "totals");
}

/* The hours of the sessions filled: delivered (ended) and booked ahead (not yet). */
static double booked_hours(json_t *t) {
  return json_number_value(json_object_get(t, "hours_delivered")) + json_number_value(json_object_get(t, "hours_booked_ahead"));
}

static void expect(const char *token, const char *method, const char *path, long status, const char *code,
                   const char *body_fmt, const char *reason) {
  struct fpt_resp r = body_fmt ? fpt_request(&srv, token, method, path, body_fmt, "reason", reason)
                               : fpt_request(&srv, token, method, path, NULL);
  if (r.status != status || strcmp(fpt_error_code(&r), code) != 0)
    fail_msg("%s %s: expected %ld %s, got %ld %s", method, path, status, code, r.status, r.body ? r.body : "");
}

static void test_started_booking_cannot_be_cancelled(void **state) {
  (void)state;
  json_t *before = json_deep_copy(totals());
  fpt_keep_json(before);
  const char *cancel_a = fpt_str("/api/v1/bookings/%lld/cancellation", booking_a);
  /* Neither the clinician nor the practice can cancel once the shift has started. */
  expect(gp_a, "POST", cancel_a, 409, "shift_started", "{s:s}", "changed my mind");
  expect(w.pm1, "POST", cancel_a, 409, "shift_started", "{s:s}", "not needed after all");
  json_t *b = fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/bookings/%lld", booking_a), 200, NULL);
  assert_string_equal(fpt_s(b, "status"), "confirmed");
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", started_a), 200, NULL), "status"),
                      "booked");

  /* A worked shift (the upkeep completes it) keeps its booking too. */
  const char *status = "booked";
  for (int i = 0; i < 100 && strcmp(status, "completed") != 0; i++) {
    usleep(200 * 1000);
    status = fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", worked_c), 200, NULL), "status");
  }
  assert_string_equal(status, "completed");
  const char *cancel_c = fpt_str("/api/v1/bookings/%lld/cancellation", booking_c);
  expect(gp_c, "POST", cancel_c, 409, "shift_started", "{s:s}", "too late");
  expect(w.pm1, "POST", cancel_c, 409, "shift_started", "{s:s}", "too late");
  assert_string_equal(fpt_s(fpt_call(&srv, gp_c, "GET", fpt_str("/api/v1/bookings/%lld", booking_c), 200, NULL), "status"),
                      "confirmed");

  /* The commissioner's figures did not move. */
  json_t *after = totals();
  assert_int_equal(fpt_int(after, "shifts_filled"), fpt_int(before, "shifts_filled"));
  assert_int_equal(fpt_int(after, "fees_agreed_pence"), fpt_int(before, "fees_agreed_pence"));
  /* (a session may end between the two readings: it then moves from ahead to delivered) */
  double hb = booked_hours(before), ha = booked_hours(after);
  assert_true(ha - hb > -0.01 && ha - hb < 0.01);

  /* Before the start a booking can still be cancelled, and it is then no longer confirmed. */
  json_t *c = fpt_call(&srv, gp_d, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking_d), 200, "{s:s}",
                       "reason", "unwell");
  assert_string_equal(fpt_s(c, "status"), "cancelled");
  expect(gp_d, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking_d), 409, "invalid_state", "{s:s}", "again");
}

static void test_started_shift_is_history(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/shifts/%lld", open_started);
  struct fpt_resp r = fpt_request(&srv, w.pm1, "PATCH", path, "{s:s, s:s}", "starts_at", fpt_time_at(time(NULL) + 86400),
                                  "ends_at", fpt_time_at(time(NULL) + 86400 + 3600));
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "shift_started");
  expect(w.pm1, "DELETE", path, 409, "shift_started", NULL, NULL);
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", path, 200, NULL), "status"), "open");
}

static void test_did_not_attend(void **state) {
  (void)state;
  const char *dna = fpt_str("/api/v1/bookings/%lld/did-not-attend", booking_b);
  /* Only a manager of the booking's own practice: the clinician, the pool, the ICB and a sysadmin
     are refused; another practice's manager does not see the booking at all. */
  expect(gp_b, "POST", dna, 403, "forbidden", NULL, NULL);
  expect(w.pool_admin, "POST", dna, 403, "forbidden", NULL, NULL);
  expect(w.commissioner, "POST", dna, 403, "forbidden", NULL, NULL);
  expect(w.admin, "POST", dna, 403, "forbidden", NULL, NULL);
  expect(w.pm2, "POST", dna, 404, "not_found", NULL, NULL);
  /* Not before the start. */
  long long future = shift_at(time(NULL) + 2 * 86400, time(NULL) + 2 * 86400 + 3600);
  long long fb = book(gp_b, future);
  expect(w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/did-not-attend", fb), 409, "shift_not_started", NULL, NULL);

  json_t *before = json_deep_copy(totals());
  fpt_keep_json(before);
  json_t *b = fpt_call(&srv, w.pm1, "POST", dna, 200, NULL);
  assert_string_equal(fpt_s(b, "attendance"), "did_not_attend");
  assert_string_equal(fpt_s(b, "status"), "confirmed");
  /* Once. */
  expect(w.pm1, "POST", dna, 409, "invalid_state", NULL, NULL);
  /* The clinician sees it on their booking and in their list. */
  json_t *mine = fpt_call(&srv, gp_b, "GET", fpt_str("/api/v1/bookings/%lld", booking_b), 200, NULL);
  assert_string_equal(fpt_s(mine, "attendance"), "did_not_attend");
  assert_non_null(json_string_value(json_object_get(mine, "attendance_recorded_at")));
  json_t *other = fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/bookings/%lld", booking_a), 200, NULL);
  assert_true(json_is_null(json_object_get(other, "attendance")));
  /* Audited. */
  json_t *audit = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/audit?entity=booking&entity_id=%lld", booking_b), 200, NULL);
  bool found = false;
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(audit, "items"), i, it) {
    if (strcmp(fpt_s(it, "action"), "booking.did_not_attend") == 0) found = true;
  }
  assert_true(found);
  /* Counted apart: out of filled, hours and spend; not unfilled either. */
  json_t *after = totals();
  assert_int_equal(fpt_int(after, "did_not_attend"), fpt_int(before, "did_not_attend") + 1);
  assert_int_equal(fpt_int(after, "shifts_filled"), fpt_int(before, "shifts_filled") - 1);
  assert_int_equal(fpt_int(after, "unfilled"), fpt_int(before, "unfilled"));
  assert_int_equal(fpt_int(after, "shifts_posted"), fpt_int(before, "shifts_posted"));
  assert_int_equal(fpt_int(after, "fees_agreed_pence"), fpt_int(before, "fees_agreed_pence") - 4 * 8000);
  double h0 = booked_hours(before), h1 = booked_hours(after);
  assert_true(h0 - h1 > 3.99 && h0 - h1 < 4.01);
  /* And still cannot be cancelled. */
  expect(w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking_b), 409, "shift_started", "{s:s}", "no");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_started_booking_cannot_be_cancelled),
      cmocka_unit_test(test_started_shift_is_history),
      cmocka_unit_test(test_did_not_attend),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
