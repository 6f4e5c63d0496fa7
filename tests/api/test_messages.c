/*
 * Message threads (issue 12): one thread per booking and per application between the clinician and
 * the practice; only those two sides read or write it (a pool administrator or the system
 * administrator who may see the booking gets 403, anyone else 404); paged oldest first; a message
 * of 1 to 4,000 bytes that is not only white space, and at most 500 in a thread, refused at the door.
 * The other side is told of a message (a notification linking to the thread and an email, in the
 * message's transaction), once for a run of messages from one side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp, *other;
static long long booking, application;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "gp.msg@t.test", "gp", "7500001", true, NULL);
  other = fpt_world_clinician(&w, "gp.nosy@t.test", "gp", "7500002", true, NULL);
  long long s1 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 3, 9, 4, "instant");
  booking = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s1), 201, NULL), "id");
  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 4, 9, 4, "approval");
  application = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/applications", s2), 201, NULL), "id");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static void thread_between_the_two_sides(const char *path) {
  json_t *m = fpt_call(&srv, gp, "POST", path, 201, "{s:s}", "body", "Is there parking, please?");
  assert_string_equal(fpt_s(m, "side"), "clinician");
  assert_string_equal(fpt_s(m, "body"), "Is there parking, please?");
  m = fpt_call(&srv, w.pm1, "POST", path, 201, "{s:s}", "body", "Yes: behind the surgery, code 1234.");
  assert_string_equal(fpt_s(m, "side"), "practice");
  /* Both sides read the same thread, oldest first. */
  const char *readers[] = {gp, w.pm1};
  for (size_t i = 0; i < 2; i++) {
    json_t *items = json_object_get(fpt_call(&srv, readers[i], "GET", path, 200, NULL), "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(fpt_s(json_array_get(items, 0), "body"), "Is there parking, please?");
    assert_string_equal(fpt_s(json_array_get(items, 1), "side"), "practice");
  }
  /* Paged. */
  json_t *p1 = fpt_call(&srv, gp, "GET", fpt_str("%s?limit=1", path), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(p1, "items")), 1);
  const char *cursor = fpt_s(p1, "next_cursor");
  json_t *p2 = fpt_call(&srv, gp, "GET", fpt_str("%s?limit=1&cursor=%s", path, cursor), 200, NULL);
  assert_string_equal(fpt_s(json_array_get(json_object_get(p2, "items"), 0), "side"), "practice");
  assert_true(json_is_null(json_object_get(p2, "next_cursor")));
  /* Nobody else: another clinician and another practice do not even learn it exists. */
  fpt_expect_error(fpt_request(&srv, other, "GET", path, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, other, "POST", path, "{s:s}", "body", "hello"), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", path, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "POST", path, "{s:s}", "body", "hello"), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "GET", path, NULL), 401, "unauthenticated", NULL);
}

static void test_booking_thread(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/bookings/%lld/messages", booking);
  thread_between_the_two_sides(path);
  /* Those who oversee the booking may see it but not its thread. */
  struct fpt_resp r = fpt_request(&srv, w.pool_admin, "GET", path, NULL);
  assert_true(r.status == 403 || r.status == 404);
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", path, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", path, "{s:s}", "body", "hello"), 403, "forbidden", NULL);
}

static void test_application_thread(void **state) {
  (void)state;
  thread_between_the_two_sides(fpt_str("/api/v1/applications/%lld/messages", application));
  /* The booking's thread and the application's are apart. */
  json_t *items = json_object_get(fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld/messages", booking), 200, NULL), "items");
  assert_int_equal(json_array_size(items), 2);
}

static void test_limits_at_the_door(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/bookings/%lld/messages", booking);
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{s:s}", "body", ""), 400, "invalid_field", "body");
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{s:s}", "body", " \n\t "), 400, "invalid_field", "body");
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{}"), 400, "missing_field", "body");
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{s:s, s:s}", "body", "hi", "to", "x"), 400, "unknown_field", "to");
  char *big = malloc(4002);
  memset(big, 'x', 4001);
  big[4001] = 0;
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{s:s}", "body", big), 400, "invalid_field", "body");
  big[4000] = 0; /* exactly 4,000 bytes is taken, whole */
  json_t *m = fpt_call(&srv, gp, "POST", path, 201, "{s:s}", "body", big);
  assert_int_equal(strlen(fpt_s(m, "body")), 4000);
  free(big);
  /* At most 500 messages in a thread. */
  const char *apath = fpt_str("/api/v1/applications/%lld/messages", application);
  long long have = json_array_size(json_object_get(fpt_call(&srv, gp, "GET", fpt_str("%s?limit=200", apath), 200, NULL), "items"));
  for (long long i = have; i < 500; i++) fpt_call(&srv, i % 2 ? gp : w.pm1, "POST", apath, 201, "{s:s}", "body", "ok");
  fpt_expect_error(fpt_request(&srv, gp, "POST", apath, "{s:s}", "body", "one more"), 409, "limit_reached", NULL);
}

/* token's newest notification. */
static json_t *newest_notification(const char *token) {
  json_t *items = json_object_get(fpt_call(&srv, token, "GET", "/api/v1/me/notifications?limit=1", 200, NULL), "items");
  assert_int_equal(json_array_size(items), 1);
  return json_array_get(items, 0);
}
static long long unread(const char *token) {
  return fpt_int(fpt_call(&srv, token, "GET", "/api/v1/me/notifications?limit=1", 200, NULL), "unread");
}

static void test_the_other_side_is_told(void **state) {
  (void)state;
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 9, 9, 4, "instant");
  long long b = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL), "id");
  const char *path = fpt_str("/api/v1/bookings/%lld/messages", b);
  long long pm_unread = unread(w.pm1), gp_unread = unread(gp);
  long long pm_mail = fpt_sql_count(&srv, "SELECT count(*) FROM outbox WHERE to_address = 'pm1@t.test'");
  fpt_call(&srv, gp, "POST", path, 201, "{s:s}", "body", "Could I start at 09:30 instead?");
  /* The practice is told: in the app, linking to the thread, and by email. The writer is not. */
  assert_int_equal(unread(w.pm1), pm_unread + 1);
  json_t *n = newest_notification(w.pm1);
  assert_string_equal(fpt_s(n, "kind"), "message.created");
  assert_string_equal(fpt_s(n, "link"), fpt_str("/messages/bookings/%lld", b));
  assert_non_null(strstr(fpt_s(n, "subject"), "New message: "));
  assert_non_null(strstr(fpt_s(n, "text"), "wrote about the"));
  assert_non_null(strstr(fpt_s(n, "text"), "Could I start at 09:30 instead?"));
  assert_int_equal(fpt_sql_count(&srv, "SELECT count(*) FROM outbox WHERE to_address = 'pm1@t.test'"), pm_mail + 1);
  assert_int_equal(unread(gp), gp_unread);
  /* A second message straight after is the same run: not told again. */
  fpt_call(&srv, gp, "POST", path, 201, "{s:s}", "body", "Or 10:00 at the latest.");
  assert_int_equal(unread(w.pm1), pm_unread + 1);
  /* The practice answers: the clinician is told, with the start of a long answer. */
  char *big = malloc(4001);
  memset(big, 'y', 4000);
  memcpy(big, "Yes, that is fine. ", 19);
  big[4000] = 0;
  fpt_call(&srv, w.pm1, "POST", path, 201, "{s:s}", "body", big);
  free(big);
  assert_int_equal(unread(gp), gp_unread + 1);
  n = newest_notification(gp);
  assert_string_equal(fpt_s(n, "kind"), "message.created");
  assert_non_null(strstr(fpt_s(n, "text"), "Yes, that is fine. yyy"));
  assert_non_null(strstr(fpt_s(n, "text"), "yyy..."));
  assert_true(strlen(fpt_s(n, "text")) < 1000);
  /* The clinician writes again: a new run, the practice is told again. */
  fpt_call(&srv, gp, "POST", path, 201, "{s:s}", "body", "Thank you!");
  assert_int_equal(unread(w.pm1), pm_unread + 2);
  /* The application's thread too, with its own link (the practice wrote there last, in
     test_application_thread: the clinician's message starts a new run, then the practice's). */
  const char *apath = fpt_str("/api/v1/applications/%lld/messages", application);
  fpt_call(&srv, gp, "POST", apath, 201, "{s:s}", "body", "Is the session still on?");
  fpt_call(&srv, w.pm1, "POST", apath, 201, "{s:s}", "body", "Are you free for the whole session?");
  assert_string_equal(fpt_s(newest_notification(gp), "link"), fpt_str("/messages/applications/%lld", application));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_booking_thread),
      cmocka_unit_test(test_application_thread),
      cmocka_unit_test(test_the_other_side_is_told),
      cmocka_unit_test(test_limits_at_the_door),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
