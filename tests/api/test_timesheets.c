/*
 * Timesheets (issue 13): once a booked session has ended its clinician says what was worked (the
 * actual start, end and break; the fee follows it for an hourly rate); a manager of the booking's
 * practice approves it or queries it with a reason, and a queried one comes back corrected; one
 * nobody queries for 7 days is approved by itself; a session the practice records as not attended
 * is not_worked and cannot be submitted. Only the booked clinician submits and only the practice's
 * managers answer. GET /bookings?timesheet=STATE lists by the state each booking shows.
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
static const char *gp_a, *gp_b, *gp_c, *gp_d, *gp_e;
static long long booking_a, booking_b, booking_c, booking_d, booking_e, booking_future;
static time_t start_at;

static long long shift_at(time_t starts, time_t ends) { return fpt_world_gp_shift_at(&w, starts, ends, "instant"); }
static long long book(const char *token, long long shift) { return fpt_world_book(&w, token, shift); }

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp_a = fpt_world_clinician(&w, "ts.a@t.test", "gp", "7200001", true, NULL);
  gp_b = fpt_world_clinician(&w, "ts.b@t.test", "gp", "7200002", true, NULL);
  gp_c = fpt_world_clinician(&w, "ts.c@t.test", "gp", "7200003", true, NULL);
  gp_d = fpt_world_clinician(&w, "ts.d@t.test", "gp", "7200004", true, NULL);
  gp_e = fpt_world_clinician(&w, "ts.e@t.test", "gp", "7200005", true, NULL);
  /* Sessions that start in a few seconds and end two seconds later (time enough to book them). */
  start_at = time(NULL) + 10;
  booking_a = book(gp_a, shift_at(start_at, start_at + 2));
  booking_b = book(gp_b, shift_at(start_at, start_at + 2));
  booking_c = book(gp_c, shift_at(start_at, start_at + 2));
  booking_d = book(gp_d, shift_at(start_at, start_at + 2));
  booking_e = book(gp_e, shift_at(start_at, start_at + 2));
  booking_future = book(gp_a, shift_at(time(NULL) + 3 * 86400, time(NULL) + 3 * 86400 + 4 * 3600));
  while (time(NULL) < start_at + 3) usleep(100 * 1000);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static const char *path(long long booking, const char *tail) {
  return fpt_str("/api/v1/bookings/%lld%s", booking, tail);
}

static const json_t *timesheet_of(const char *token, long long booking) {
  return json_object_get(fpt_call(&srv, token, "GET", path(booking, ""), 200, NULL), "timesheet");
}

/* What was worked: from `before` seconds before the booked start to its start, less the break. */
static struct fpt_resp submit(const char *token, long long booking, long before, long end_offset, int break_minutes) {
  return fpt_request(&srv, token, "POST", path(booking, "/timesheet"), "{s:s, s:s, s:i}", "actual_start",
                     fpt_time_at(start_at - before), "actual_end", fpt_time_at(start_at + end_offset), "break_minutes",
                     break_minutes);
}

static void expect(struct fpt_resp r, long status, const char *code) {
  if (r.status != status || strcmp(fpt_error_code(&r), code) != 0)
    fail_msg("expected %ld %s, got %ld %s", status, code, r.status, r.body ? r.body : "");
}

/* Whether the list of bookings whose timesheet is `state`, as token sees it, holds booking. */
static bool listed(const char *token, const char *state, long long booking) {
  json_t *items = json_object_get(
      fpt_call(&srv, token, "GET", fpt_str("/api/v1/bookings?timesheet=%s&limit=100", state), 200, NULL), "items");
  size_t i;
  json_t *it;
  bool found = false;
  json_array_foreach(items, i, it) {
    /* Every booking listed shows that state itself (the list's filter and the state are one rule). */
    assert_string_equal(fpt_s(json_object_get(it, "timesheet"), "state"), state);
    if (fpt_int(it, "id") == booking) found = true;
  }
  return found;
}

/* The text of token's newest notification of kind, or NULL. */
static const char *told(const char *token, const char *kind) {
  json_t *items = json_object_get(fpt_call(&srv, token, "GET", "/api/v1/me/notifications?limit=50", 200, NULL), "items");
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) if (strcmp(fpt_s(it, "kind"), kind) == 0) return fpt_s(it, "text");
  return NULL;
}

static void test_nothing_to_submit_before_the_session_ends(void **state) {
  (void)state;
  assert_true(json_is_null(timesheet_of(gp_a, booking_future)));
  expect(fpt_request(&srv, gp_a, "POST", path(booking_future, "/timesheet"), "{s:s, s:s, s:i}", "actual_start",
                     fpt_time_from_now(3, 0), "actual_end", fpt_time_from_now(3, 4), "break_minutes", 0),
         409, "invalid_state");
  assert_false(listed(gp_a, "to_submit", booking_future));
}

static void test_submitted_then_approved(void **state) {
  (void)state;
  const json_t *t = timesheet_of(gp_a, booking_a);
  assert_string_equal(fpt_s(t, "state"), "to_submit");
  assert_true(json_is_null(json_object_get(t, "fee_pence")));
  assert_true(listed(gp_a, "to_submit", booking_a));
  assert_true(listed(w.pm1, "to_submit", booking_a));
  /* Only the booked clinician submits: the practice is refused, another clinician sees nothing. */
  expect(submit(w.pm1, booking_a, 4 * 3600, 0, 30), 403, "forbidden");
  expect(submit(gp_b, booking_a, 4 * 3600, 0, 30), 404, "not_found");
  /* What was worked is checked, each problem named by its field. */
  fpt_expect_error(submit(gp_a, booking_a, 0, -60, 0), 400, "invalid_field", "actual_end");     /* ends before it starts */
  fpt_expect_error(submit(gp_a, booking_a, 3600, 0, 60), 400, "invalid_field", "break_minutes"); /* all break */
  fpt_expect_error(submit(gp_a, booking_a, 3600, 3600, 0), 400, "invalid_field", "actual_end");  /* in the future */
  fpt_expect_error(submit(gp_a, booking_a, 13 * 3600, -12 * 3600, 0), 400, "invalid_field", "actual_start");
  assert_string_equal(fpt_s(timesheet_of(gp_a, booking_a), "state"), "to_submit"); /* nothing written */
  /* 4 hours less a 30-minute break at GBP 80 an hour: GBP 280, whatever the booking said. */
  struct fpt_resp r = submit(gp_a, booking_a, 4 * 3600, 0, 30);
  assert_int_equal(r.status, 200);
  t = timesheet_of(gp_a, booking_a);
  assert_string_equal(fpt_s(t, "state"), "submitted");
  assert_int_equal(fpt_int(t, "worked_minutes"), 210);
  assert_int_equal(fpt_int(t, "fee_pence"), 28000);
  assert_int_equal(fpt_int(t, "break_minutes"), 30);
  assert_string_equal(fpt_s(t, "actual_start"), fpt_time_at(start_at - 4 * 3600));
  assert_false(json_is_null(json_object_get(t, "approves_itself_at")));
  expect(submit(gp_a, booking_a, 4 * 3600, 0, 30), 409, "invalid_state"); /* once */
  /* The practice's managers are told there is a timesheet to approve. */
  assert_non_null(told(w.pm1, "timesheet.submitted"));
  assert_non_null(strstr(told(w.pm1, "timesheet.submitted"), "submitted their timesheet"));
  assert_true(listed(w.pm1, "submitted", booking_a));
  assert_false(listed(w.pm1, "to_submit", booking_a));
  /* Only a manager of the booking's practice answers. */
  const char *approve = path(booking_a, "/timesheet/approval");
  expect(fpt_request(&srv, gp_a, "POST", approve, NULL), 403, "forbidden");
  expect(fpt_request(&srv, w.pool_admin, "POST", approve, NULL), 403, "forbidden");
  expect(fpt_request(&srv, w.admin, "POST", approve, NULL), 403, "forbidden");
  expect(fpt_request(&srv, w.pm2, "POST", approve, NULL), 404, "not_found");
  json_t *b = fpt_call(&srv, w.pm1, "POST", approve, 200, NULL);
  t = json_object_get(b, "timesheet");
  assert_string_equal(fpt_s(t, "state"), "approved");
  assert_false(json_is_true(json_object_get(t, "auto_approved")));
  assert_false(json_is_null(json_object_get(t, "decided_at")));
  expect(fpt_request(&srv, w.pm1, "POST", approve, NULL), 409, "invalid_state");
  assert_non_null(told(gp_a, "timesheet.approved"));
  /* The clinician sees it approved; an approved session cannot then be marked as not attended. */
  assert_string_equal(fpt_s(timesheet_of(gp_a, booking_a), "state"), "approved");
  expect(fpt_request(&srv, w.pm1, "POST", path(booking_a, "/did-not-attend"), NULL), 409, "invalid_state");
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE entity = 'timesheet' AND entity_id = %lld",
                                               booking_a)),
                   2);
}

static void test_queried_corrected_and_approved(void **state) {
  (void)state;
  assert_int_equal(submit(gp_b, booking_b, 5 * 3600, 0, 0).status, 200);
  const char *query = path(booking_b, "/timesheet/query");
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", query, "{}"), 400, "missing_field", "reason");
  expect(fpt_request(&srv, gp_b, "POST", query, "{s:s}", "reason", "mine"), 403, "forbidden");
  json_t *b = fpt_call(&srv, w.pm1, "POST", query, 200, "{s:s}", "reason", "You left at 13:00, not 14:00.");
  const json_t *t = json_object_get(b, "timesheet");
  assert_string_equal(fpt_s(t, "state"), "queried");
  assert_string_equal(fpt_s(t, "query_reason"), "You left at 13:00, not 14:00.");
  assert_true(listed(gp_b, "queried", booking_b));
  /* The clinician is told, with the practice's reason. */
  assert_non_null(strstr(told(gp_b, "timesheet.queried"), "You left at 13:00, not 14:00."));
  expect(fpt_request(&srv, w.pm1, "POST", path(booking_b, "/timesheet/approval"), NULL), 409, "invalid_state");
  /* The clinician corrects it: an hour less, and the query is answered. */
  assert_int_equal(submit(gp_b, booking_b, 5 * 3600, -3600, 0).status, 200);
  t = timesheet_of(gp_b, booking_b);
  assert_string_equal(fpt_s(t, "state"), "submitted");
  assert_int_equal(fpt_int(t, "worked_minutes"), 240);
  assert_int_equal(fpt_int(t, "fee_pence"), 32000);
  assert_true(json_is_null(json_object_get(t, "query_reason")));
  fpt_call(&srv, w.pm1, "POST", path(booking_b, "/timesheet/approval"), 200, NULL);
  assert_string_equal(fpt_s(timesheet_of(w.pm1, booking_b), "state"), "approved");
}

static void test_not_attended_is_not_worked(void **state) {
  (void)state;
  assert_int_equal(submit(gp_c, booking_c, 3600, 0, 0).status, 200);
  fpt_call(&srv, w.pm1, "POST", path(booking_c, "/did-not-attend"), 200, NULL);
  const json_t *t = timesheet_of(gp_c, booking_c);
  assert_string_equal(fpt_s(t, "state"), "not_worked");
  expect(submit(gp_c, booking_c, 3600, 0, 0), 409, "invalid_state");
  expect(fpt_request(&srv, w.pm1, "POST", path(booking_c, "/timesheet/approval"), NULL), 409, "invalid_state");
  assert_true(listed(w.pm1, "not_worked", booking_c));
}

/* Submitted eight days ago and never queried: the upkeep approves it, and says it did. */
static void test_approved_by_itself_after_seven_days(void **state) {
  (void)state;
  assert_int_equal(submit(gp_d, booking_d, 2 * 3600, 0, 0).status, 200);
  fpt_sql(&srv, fpt_str("UPDATE timesheets SET submitted_at = submitted_at - 8 * 86400 WHERE booking_id = %lld",
                        booking_d));
  const json_t *t = NULL;
  for (int i = 0; i < 100; i++) {
    t = timesheet_of(gp_d, booking_d);
    if (strcmp(fpt_s(t, "state"), "submitted") != 0) break;
    usleep(100 * 1000);
  }
  assert_string_equal(fpt_s(t, "state"), "approved");
  assert_true(json_is_true(json_object_get(t, "auto_approved")));
  assert_null(told(gp_d, "timesheet.approved")); /* nobody approved it: nobody says they did */
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE action = 'timesheet.auto_approve'"
                                               " AND entity_id = %lld",
                                               booking_d)),
                   1);
}

/* The state of booking's timesheet once the upkeep has had `seconds` to run (it runs every second). */
static const char *state_after(const char *token, long long booking, int seconds, const char *until) {
  const char *s = NULL;
  for (int i = 0; i < seconds * 10; i++) {
    s = fpt_s(timesheet_of(token, booking), "state");
    if (until && strcmp(s, until) == 0) break;
    usleep(100 * 1000);
  }
  return s;
}

/* A practice sets how long its timesheets wait: 0 never approves them by itself. */
static void test_a_practice_sets_its_own_delay(void **state) {
  (void)state;
  const char *org = fpt_str("/api/v1/organisations/%lld", w.practice1);
  assert_int_equal(fpt_int(fpt_call(&srv, w.pm1, "GET", org, 200, NULL), "timesheet_auto_approve_days"), 7);
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", org, "{s:i}", "timesheet_auto_approve_days", 29), 400,
                   "invalid_field", "timesheet_auto_approve_days");
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", fpt_str("/api/v1/organisations/%lld", w.pcn), "{s:i}",
                               "timesheet_auto_approve_days", 3),
                   400, "invalid_field", "timesheet_auto_approve_days");
  expect(fpt_request(&srv, w.pool_admin, "PATCH", org, "{s:i}", "timesheet_auto_approve_days", 0), 403, "forbidden");
  assert_int_equal(fpt_int(fpt_call(&srv, w.pm1, "PATCH", org, 200, "{s:i}", "timesheet_auto_approve_days", 0),
                           "timesheet_auto_approve_days"),
                   0);
  assert_int_equal(submit(gp_e, booking_e, 3600, 0, 0).status, 200);
  assert_true(json_is_null(json_object_get(timesheet_of(gp_e, booking_e), "approves_itself_at")));
  fpt_sql(&srv, fpt_str("UPDATE timesheets SET submitted_at = submitted_at - 30 * 86400 WHERE booking_id = %lld",
                        booking_e));
  assert_string_equal(state_after(gp_e, booking_e, 3, NULL), "submitted"); /* a month on, still waiting */
  fpt_call(&srv, w.pm1, "PATCH", org, 200, "{s:i}", "timesheet_auto_approve_days", 2);
  assert_false(json_is_null(json_object_get(timesheet_of(gp_e, booking_e), "approves_itself_at")));
  assert_string_equal(state_after(gp_e, booking_e, 10, "approved"), "approved");
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit WHERE action = 'organisation.timesheet_auto_approve_days'"), 2);
}

static void test_list_refuses_an_unknown_state(void **state) {
  (void)state;
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/bookings?timesheet=paid", NULL), 400, "invalid_parameter",
                   "timesheet");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nothing_to_submit_before_the_session_ends),
      cmocka_unit_test(test_submitted_then_approved),
      cmocka_unit_test(test_queried_corrected_and_approved),
      cmocka_unit_test(test_not_attended_is_not_worked),
      cmocka_unit_test(test_approved_by_itself_after_seven_days),
      cmocka_unit_test(test_list_refuses_an_unknown_state),
      cmocka_unit_test(test_a_practice_sets_its_own_delay),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
