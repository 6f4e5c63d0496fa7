/*
 * In-app notifications (issue 12): the events that exist today tell the people they concern, in
 * their notification list (GET /api/v1/me/notifications, newest first, paged, with the unread
 * count) and by email: a shift booked (the practice's managers), a booking cancelled (the other
 * side), an application made (the practice), accepted or declined (the clinician; the other
 * applicants when someone else is chosen). One read or all marked read; nobody reads or marks
 * another's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp_a, *gp_b;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp_a = fpt_world_clinician(&w, "gp.na@t.test", "gp", "7400001", true, NULL);
  gp_b = fpt_world_clinician(&w, "gp.nb@t.test", "gp", "7400002", true, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static json_t *list(const char *token) { return fpt_call(&srv, token, "GET", "/api/v1/me/notifications", 200, NULL); }
static long long unread(const char *token) { return fpt_int(list(token), "unread"); }
/* The newest notification of token's list. */
static json_t *newest(const char *token) {
  json_t *items = json_object_get(list(token), "items");
  assert_true(json_array_size(items) > 0);
  return json_array_get(items, 0);
}

static void test_booking_and_cancelling_tell_the_other_side(void **state) {
  (void)state;
  long long u0 = unread(w.pm1);
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 4, 9, 4, "instant");
  long long booking = fpt_int(fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL), "id");
  assert_int_equal(unread(w.pm1), u0 + 1);
  json_t *n = newest(w.pm1);
  assert_string_equal(fpt_s(n, "kind"), "booking.created");
  assert_non_null(strstr(fpt_s(n, "subject"), "Shift booked"));
  assert_non_null(strstr(fpt_s(n, "text"), "has booked"));
  assert_string_equal(fpt_s(n, "link"), fpt_str("/practice/shifts/%lld", shift));
  assert_false(json_is_true(json_object_get(n, "read")));
  /* Also by email (the outbox; test_mail delivers it). */
  assert_true(fpt_sql_count(&srv, "SELECT count(*) FROM outbox WHERE to_address = 'pm1@t.test'") >= 1);
  /* Nobody marks another's; the owner marks one read. */
  long long id = fpt_int(n, "id");
  fpt_expect_error(fpt_request(&srv, gp_a, "POST", fpt_str("/api/v1/me/notifications/%lld/read", id), NULL), 404,
                   "not_found", NULL);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/me/notifications/%lld/read", id), 204, NULL);
  assert_int_equal(unread(w.pm1), u0);
  assert_true(json_is_true(json_object_get(newest(w.pm1), "read")));

  /* The clinician cancels: the practice is told, with the reason. */
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 200, "{s:s}", "reason",
           "Family emergency");
  n = newest(w.pm1);
  assert_string_equal(fpt_s(n, "kind"), "booking.cancelled");
  assert_non_null(strstr(fpt_s(n, "text"), "Family emergency"));
  /* The practice cancels another: the clinician is told. */
  long long shift2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 5, 9, 4, "instant");
  long long b2 = fpt_int(fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift2), 201, NULL), "id");
  long long before = unread(gp_b);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", b2), 200, "{s:s}", "reason",
           "The surgery is closed that day");
  assert_int_equal(unread(gp_b), before + 1);
  n = newest(gp_b);
  assert_string_equal(fpt_s(n, "kind"), "booking.cancelled");
  assert_non_null(strstr(fpt_s(n, "text"), "The surgery is closed that day"));
  assert_string_equal(fpt_s(n, "link"), "/bookings");
}

/* Every active manager of the practice is told, each by their own email with its own Message-ID;
   a deactivated manager is told nothing. */
static void test_every_active_manager_is_told(void **state) {
  (void)state;
  const char *fmt = "{s:s, s:s, s:s, s:I, s:s}";
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, fmt, "email", "pm1b@t.test", "name", "Second Manager", "role",
           "practice_manager", "organisation_id", (json_int_t)w.practice1, "password", "second-manager-pw");
  json_t *u = fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, fmt, "email", "pm1c@t.test", "name", "Gone Manager",
                       "role", "practice_manager", "organisation_id", (json_int_t)w.practice1, "password",
                       "gone-manager-pw1");
  fpt_call(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", fpt_int(json_object_get(u, "user"), "id")), 200, "{s:b}",
           "active", 0);
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 8, 9, 4, "instant");
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  const char *q = "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = '%s'"
                  " AND n.kind = 'booking.created' AND n.link = '/practice/shifts/%lld'";
  assert_int_equal(fpt_sql_count(&srv, fpt_str(q, "pm1@t.test", shift)), 1);
  assert_int_equal(fpt_sql_count(&srv, fpt_str(q, "pm1b@t.test", shift)), 1);
  assert_int_equal(fpt_sql_count(&srv, fpt_str(q, "pm1c@t.test", shift)), 0);
  const char *mail = "SELECT count(%s) FROM outbox WHERE link = '/practice/shifts/%lld'";
  assert_int_equal(fpt_sql_count(&srv, fpt_str(mail, "*", shift)), 2);
  assert_int_equal(fpt_sql_count(&srv, fpt_str(mail, "DISTINCT message_id", shift)), 2);
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT count(*) FROM outbox WHERE to_address = 'pm1c@t.test'")), 0);
}

static void test_applications_tell_both_sides(void **state) {
  (void)state;
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 6, 9, 4, "approval");
  long long a1 = fpt_int(fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/applications", s), 201, NULL), "id");
  assert_string_equal(fpt_s(newest(w.pm1), "kind"), "application.created");
  fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/applications", s), 201, NULL);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", a1), 200, NULL);
  json_t *n = newest(gp_a);
  assert_string_equal(fpt_s(n, "kind"), "application.accepted");
  assert_non_null(strstr(fpt_s(n, "subject"), "You are booked"));
  n = newest(gp_b);
  assert_string_equal(fpt_s(n, "kind"), "application.declined");
  assert_non_null(strstr(fpt_s(n, "text"), "someone else"));

  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 7, 9, 4, "approval");
  long long a3 = fpt_int(fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/applications", s2), 201, NULL), "id");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/decline", a3), 200, "{s:s}", "reason",
           "We need someone with minor surgery skills");
  n = newest(gp_a);
  assert_string_equal(fpt_s(n, "kind"), "application.declined");
  assert_non_null(strstr(fpt_s(n, "text"), "minor surgery"));
}

static void test_paged_and_all_read(void **state) {
  (void)state;
  json_t *page1 = fpt_call(&srv, gp_a, "GET", "/api/v1/me/notifications?limit=1", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(page1, "items")), 1);
  const char *cursor = fpt_s(page1, "next_cursor");
  json_t *page2 = fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/me/notifications?limit=1&cursor=%s", cursor), 200, NULL);
  assert_true(fpt_int(json_array_get(json_object_get(page2, "items"), 0), "id") <
              fpt_int(json_array_get(json_object_get(page1, "items"), 0), "id"));
  assert_true(unread(gp_a) > 0);
  fpt_call(&srv, gp_a, "POST", "/api/v1/me/notifications/read", 204, NULL);
  assert_int_equal(unread(gp_a), 0);
  assert_true(unread(gp_b) > 0); /* only the caller's */
  fpt_expect_error(fpt_request(&srv, NULL, "GET", "/api/v1/me/notifications", NULL), 401, "unauthenticated", NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_booking_and_cancelling_tell_the_other_side),
      cmocka_unit_test(test_every_active_manager_is_told),
      cmocka_unit_test(test_applications_tell_both_sides),
      cmocka_unit_test(test_paged_and_all_read),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
