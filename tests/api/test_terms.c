/*
 * Terms of engagement (issue 13): a pool publishes default terms, kept by its own administrators
 * alone; a clinician keeps their own. The shift's page shows the terms booking it would run on,
 * and the booking keeps a copy of the same: an instant booking the pool's, a booking the practice
 * approved (an accepted application) the clinician's own. The practice's cancellation inside the
 * notice bands owes the fee they give, the clinician's owes none; the invoice is due in the days
 * the booking's terms give.
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
static const char *gp_own, *gp_plain;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  fpt_world_no_working_time_guards(&w);
  gp_own = fpt_world_clinician(&w, "terms.own@t.test", "gp", "7400001", true, NULL);
  gp_plain = fpt_world_clinician(&w, "terms.plain@t.test", "gp", "7400002", true, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static void expect(struct fpt_resp r, long status, const char *code, const char *field) {
  if (r.status != status || strcmp(fpt_error_code(&r), code) != 0)
    fail_msg("expected %ld %s, got %ld %s", status, code, r.status, r.body ? r.body : "");
  if (field) assert_string_equal(fpt_s(json_object_get(r.json, "error"), "field"), field);
}

static const char *pool_terms(void) { return fpt_str("/api/v1/pools/%lld/terms", w.pool); }

/* The pool's: 21 days, 50 % inside 7 days and 100 % inside 48 hours, mileage. */
static void set_pool_terms(void) {
  json_t *t = fpt_call(&srv, w.pool_admin, "PUT", pool_terms(), 200, "{s:i, s:[{s:i, s:i}, {s:i, s:i}], s:b, s:b}",
                       "payment_days", 21, "cancellation", "notice_hours", 168, "fee_percent", 50, "notice_hours", 48,
                       "fee_percent", 100, "mileage", 1, "expenses", 0);
  assert_true(json_is_true(json_object_get(t, "kept")));
}

/* gp_own's: 14 days, 100 % inside 24 hours. */
static void set_own_terms(void) {
  fpt_call(&srv, gp_own, "PUT", "/api/v1/me/terms", 200, "{s:i, s:[{s:i, s:i}], s:b, s:b}", "payment_days", 14,
           "cancellation", "notice_hours", 24, "fee_percent", 100, "mileage", 0, "expenses", 1);
}

static void test_pool_terms_published_and_kept_by_its_admins(void **state) {
  (void)state;
  /* None kept yet: the defaults, said to be so. */
  json_t *t = fpt_call(&srv, gp_plain, "GET", pool_terms(), 200, NULL);
  assert_false(json_is_true(json_object_get(t, "kept")));
  assert_int_equal(fpt_int(t, "payment_days"), 30);
  assert_int_equal(json_array_size(json_object_get(t, "cancellation")), 0);
  assert_true(json_is_null(json_object_get(t, "updated_at")));
  /* A practice manager and a clinician read them but do not set them. */
  const char *body = "{s:i, s:[], s:b, s:b}";
  expect(fpt_request(&srv, w.pm1, "PUT", pool_terms(), body, "payment_days", 10, "cancellation", "mileage", 0,
                     "expenses", 0),
         403, "forbidden", NULL);
  expect(fpt_request(&srv, gp_plain, "PUT", pool_terms(), body, "payment_days", 10, "cancellation", "mileage", 0,
                     "expenses", 0),
         403, "forbidden", NULL);
  expect(fpt_request(&srv, w.pool_admin, "PUT", "/api/v1/pools/999999/terms", body, "payment_days", 10,
                     "cancellation", "mileage", 0, "expenses", 0),
         404, "not_found", NULL);
  /* Bad terms are refused, naming what is wrong, and change nothing. */
  expect(fpt_request(&srv, w.pool_admin, "PUT", pool_terms(), body, "payment_days", 0, "cancellation", "mileage", 0,
                     "expenses", 0),
         400, "invalid_field", "payment_days");
  expect(fpt_request(&srv, w.pool_admin, "PUT", pool_terms(), "{s:i, s:[{s:i, s:i}, {s:i, s:i}], s:b, s:b}",
                     "payment_days", 30, "cancellation", "notice_hours", 48, "fee_percent", 100, "notice_hours", 168,
                     "fee_percent", 50, "mileage", 0, "expenses", 0),
         400, "invalid_field", "cancellation");
  expect(fpt_request(&srv, w.pool_admin, "PUT", pool_terms(), "{s:i, s:[{s:i, s:i}], s:b, s:b}", "payment_days", 30,
                     "cancellation", "notice_hours", 48, "fee_percent", 101, "mileage", 0, "expenses", 0),
         400, "invalid_field", "cancellation[0].fee_percent");
  expect(fpt_request(&srv, w.pool_admin, "PUT", pool_terms(), "{s:i, s:[{s:i},{s:i},{s:i},{s:i},{s:i}], s:b, s:b}",
                     "payment_days", 30, "cancellation", "notice_hours", 5, "notice_hours", 4, "notice_hours", 3,
                     "notice_hours", 2, "notice_hours", 1, "mileage", 0, "expenses", 0),
         400, "invalid_field", "cancellation");
  assert_false(json_is_true(json_object_get(fpt_call(&srv, gp_plain, "GET", pool_terms(), 200, NULL), "kept")));
  set_pool_terms();
  t = fpt_call(&srv, w.pm1, "GET", pool_terms(), 200, NULL);
  assert_true(json_is_true(json_object_get(t, "kept")));
  assert_int_equal(fpt_int(t, "payment_days"), 21);
  json_t *band = json_array_get(json_object_get(t, "cancellation"), 1);
  assert_int_equal(fpt_int(band, "notice_hours"), 48);
  assert_int_equal(fpt_int(band, "fee_percent"), 100);
  assert_true(json_is_true(json_object_get(t, "mileage")));
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE action = 'terms.update' AND entity ="
                                               " 'pool' AND entity_id = %lld",
                                               w.pool)),
                   1);
  /* The staff-sharing agreement its practices accept with the terms: none yet; then written by the
     pool's administrators, read by its practices, kept when a later PUT leaves it out. */
  assert_true(json_is_null(json_object_get(t, "sharing_agreement")));
  const char *with = "{s:i, s:[], s:b, s:b, s:s}";
  json_t *kept = fpt_call(&srv, w.pool_admin, "PUT", pool_terms(), 200, with, "payment_days", 21, "cancellation",
                          "mileage", 1, "expenses", 0, "sharing_agreement",
                          "The host employs the sessional GP; the practice directs the clinical work.");
  assert_non_null(strstr(fpt_s(kept, "sharing_agreement"), "host employs"));
  set_pool_terms();
  assert_non_null(strstr(fpt_s(fpt_call(&srv, w.pm1, "GET", pool_terms(), 200, NULL), "sharing_agreement"), "host employs"));
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit WHERE action = 'pool.sharing_agreement'"), 1);
  /* A clinician keeps none. */
  expect(fpt_request(&srv, gp_plain, "PUT", "/api/v1/me/terms", with, "payment_days", 21, "cancellation", "mileage", 0,
                     "expenses", 0, "sharing_agreement", "x"),
         400, "invalid_field", "sharing_agreement");
}

static void test_a_clinicians_own_terms(void **state) {
  (void)state;
  assert_false(json_is_true(json_object_get(fpt_call(&srv, gp_own, "GET", "/api/v1/me/terms", 200, NULL), "kept")));
  expect(fpt_request(&srv, w.pm1, "GET", "/api/v1/me/terms", NULL), 403, "forbidden", NULL);
  set_own_terms();
  json_t *t = fpt_call(&srv, gp_own, "GET", "/api/v1/me/terms", 200, NULL);
  assert_int_equal(fpt_int(t, "payment_days"), 14);
  assert_true(json_is_true(json_object_get(t, "expenses")));
  /* Another clinician's are their own. */
  assert_false(json_is_true(json_object_get(fpt_call(&srv, gp_plain, "GET", "/api/v1/me/terms", 200, NULL), "kept")));
}

/* The terms of booking id as token sees it. */
static json_t *booking_terms(const char *token, long long id) {
  return json_object_get(fpt_call(&srv, token, "GET", fpt_str("/api/v1/bookings/%lld", id), 200, NULL), "terms");
}

static void test_shown_before_booking_and_kept_with_it(void **state) {
  (void)state;
  set_pool_terms();
  set_own_terms();
  /* An instant shift runs on the pool's terms, whatever the clinician keeps. */
  long long instant = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 10, 9, 4, "instant");
  json_t *shown = json_object_get(fpt_call(&srv, gp_own, "GET", fpt_str("/api/v1/shifts/%lld", instant), 200, NULL),
                                  "terms");
  assert_string_equal(fpt_s(shown, "source"), "pool");
  assert_int_equal(fpt_int(shown, "payment_days"), 21);
  long long b1 = fpt_world_book(&w, gp_own, instant);
  json_t *kept = booking_terms(w.pm1, b1);
  assert_string_equal(fpt_s(kept, "source"), "pool");
  assert_int_equal(fpt_int(kept, "payment_days"), 21);
  assert_int_equal(json_array_size(json_object_get(kept, "cancellation")), 2);
  assert_true(json_is_true(json_object_get(kept, "mileage")));
  /* A shift on approval runs on the clinician's own, once the practice accepts their application. */
  long long approval = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 11, 9, 4, "approval");
  shown = json_object_get(fpt_call(&srv, gp_own, "GET", fpt_str("/api/v1/shifts/%lld", approval), 200, NULL), "terms");
  assert_string_equal(fpt_s(shown, "source"), "clinician");
  assert_int_equal(fpt_int(shown, "payment_days"), 14);
  /* ... and on the pool's for one who keeps none. */
  shown = json_object_get(fpt_call(&srv, gp_plain, "GET", fpt_str("/api/v1/shifts/%lld", approval), 200, NULL), "terms");
  assert_string_equal(fpt_s(shown, "source"), "pool");
  long long app = fpt_int(fpt_call(&srv, gp_own, "POST", fpt_str("/api/v1/shifts/%lld/applications", approval), 201,
                                   NULL),
                          "id");
  /* The practice sees the terms accepting would agree to, before it accepts. */
  json_t *apps = json_object_get(
      fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/applications?shift_id=%lld&status=pending", approval), 200, NULL),
      "items");
  assert_int_equal(json_array_size(apps), 1);
  json_t *offered = json_object_get(json_array_get(apps, 0), "terms");
  assert_string_equal(fpt_s(offered, "source"), "clinician");
  assert_int_equal(fpt_int(offered, "payment_days"), 14);
  json_t *acc = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", app), 200, NULL);
  long long b2 = fpt_int(json_object_get(acc, "booking"), "id");
  kept = booking_terms(gp_own, b2);
  assert_string_equal(fpt_s(kept, "source"), "clinician");
  assert_int_equal(fpt_int(kept, "payment_days"), 14);
  assert_true(json_is_true(json_object_get(kept, "expenses")));
  /* Terms changed later do not change what was agreed. */
  fpt_call(&srv, gp_own, "PUT", "/api/v1/me/terms", 200, "{s:i, s:[], s:b, s:b}", "payment_days", 60, "cancellation",
           "mileage", 0, "expenses", 0);
  assert_int_equal(fpt_int(booking_terms(gp_own, b2), "payment_days"), 14);
  set_own_terms();
}

static void test_the_practices_late_cancellation_owes_the_fee(void **state) {
  (void)state;
  set_pool_terms();
  /* Three days' notice: inside 7 days (50 %), outside 48 hours. */
  long long s1 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 3, 9, 4, "instant");
  long long b1 = fpt_world_book(&w, gp_plain, s1);
  json_t *b = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings/%lld", b1), 200, NULL);
  long long fee = fpt_int(b, "fee_pence");
  assert_true(fee > 0);
  /* Said before it is done, by the same rule. */
  json_t *now = json_object_get(b, "practice_cancellation_fee_now");
  assert_int_equal(fpt_int(now, "percent"), 50);
  assert_int_equal(fpt_int(now, "pence"), (fee * 50 + 50) / 100);
  assert_int_equal(fpt_int(now, "rises_to_percent"), 100); /* inside 48 hours, the whole fee */
  assert_true(json_is_string(json_object_get(now, "rises_at")));
  json_t *c = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", b1), 200, "{s:s}", "reason",
                       "the room is needed");
  assert_int_equal(fpt_int(c, "cancellation_fee_pence"), (fee * 50 + 50) / 100);
  assert_false(json_is_true(json_object_get(c, "late"))); /* the figures' 48 hours, as before */
  assert_true(json_is_null(json_object_get(c, "practice_cancellation_fee_now"))); /* nothing left to cancel */
  /* The clinician is told what they are owed. */
  json_t *note = json_array_get(
      json_object_get(fpt_call(&srv, gp_plain, "GET", "/api/v1/me/notifications?limit=1", 200, NULL), "items"), 0);
  assert_string_equal(fpt_s(note, "kind"), "booking.cancelled");
  char owed[96];
  snprintf(owed, sizeof owed, "owes you a cancellation fee of GBP %lld.%02lld", ((fee * 50 + 50) / 100) / 100,
           ((fee * 50 + 50) / 100) % 100);
  assert_non_null(strstr(fpt_s(note, "text"), owed));
  /* The clinician's own cancellation owes nothing. */
  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 1, 23, 2, "instant");
  long long b2 = fpt_world_book(&w, gp_plain, s2);
  c = fpt_call(&srv, gp_plain, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", b2), 200, "{s:s}", "reason",
               "unwell");
  assert_int_equal(fpt_int(c, "cancellation_fee_pence"), 0);
  /* Inside 48 hours the practice owes the whole fee. */
  long long s3 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 1, 23, 2, "instant");
  long long b3 = fpt_world_book(&w, gp_plain, s3);
  long long fee3 = fpt_int(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings/%lld", b3), 200, NULL), "fee_pence");
  c = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", b3), 200, "{s:s}", "reason", "closed");
  assert_int_equal(fpt_int(c, "cancellation_fee_pence"), fee3);
  assert_true(json_is_true(json_object_get(c, "late")));
}

static void test_the_invoice_is_due_under_the_terms(void **state) {
  (void)state;
  set_pool_terms();
  time_t start = time(NULL) + 6;
  long long b = fpt_world_book(&w, gp_plain, fpt_world_gp_shift_at(&w, start, start + 1, "instant"));
  while (time(NULL) < start + 2) usleep(100 * 1000);
  fpt_call(&srv, gp_plain, "POST", fpt_str("/api/v1/bookings/%lld/timesheet", b), 200, "{s:s, s:s, s:i}",
           "actual_start", fpt_time_at(start - 3600), "actual_end", fpt_time_at(start), "break_minutes", 0);
  json_t *ts = json_object_get(
      fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", b), 200, NULL), "timesheet");
  json_t *inv = json_object_get(ts, "invoice");
  assert_true(json_is_object(inv));
  assert_string_equal(fpt_s(inv, "due_on"), fpt_uk_date_in(21));
}

/* Mileage goes with the timesheet where the terms allow it, and is invoiced as its own line at
   45p a mile; expenses the pool's terms do not allow are refused and change nothing. */
static void test_mileage_where_the_terms_allow(void **state) {
  (void)state;
  set_pool_terms(); /* mileage, no expenses */
  time_t start = time(NULL) + 6;
  long long b = fpt_world_book(&w, gp_plain, fpt_world_gp_shift_at(&w, start, start + 1, "instant"));
  while (time(NULL) < start + 2) usleep(100 * 1000);
  const char *submit = fpt_str("/api/v1/bookings/%lld/timesheet", b);
  expect(fpt_request(&srv, gp_plain, "POST", submit, "{s:s, s:s, s:i, s:i, s:s}", "actual_start",
                     fpt_time_at(start - 3600), "actual_end", fpt_time_at(start), "break_minutes", 0, "expenses_pence",
                     1200, "expenses_note", "Parking"),
         400, "invalid_field", "expenses_pence");
  expect(fpt_request(&srv, gp_plain, "POST", submit, "{s:s, s:s, s:i, s:i}", "actual_start", fpt_time_at(start - 3600),
                     "actual_end", fpt_time_at(start), "break_minutes", 0, "mileage_miles", 1001),
         400, "invalid_field", "mileage_miles");
  assert_true(json_is_string(json_object_get(
      json_object_get(fpt_call(&srv, gp_plain, "GET", fpt_str("/api/v1/bookings/%lld", b), 200, NULL), "timesheet"),
      "state"))); /* still to submit: nothing changed */
  json_t *ts = json_object_get(fpt_call(&srv, gp_plain, "POST", submit, 200, "{s:s, s:s, s:i, s:i}", "actual_start",
                                        fpt_time_at(start - 3600), "actual_end", fpt_time_at(start), "break_minutes", 0,
                                        "mileage_miles", 23),
                               "timesheet");
  assert_string_equal(fpt_s(ts, "state"), "submitted");
  assert_int_equal(fpt_int(ts, "mileage_miles"), 23);
  assert_int_equal(fpt_int(ts, "mileage_pence"), 1035);
  long long fee = fpt_int(ts, "fee_pence");
  assert_int_equal(fpt_int(ts, "total_pence"), fee + 1035);
  ts = json_object_get(fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", b), 200, NULL),
                       "timesheet");
  long long inv_id = fpt_int(json_object_get(ts, "invoice"), "id");
  json_t *inv = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/invoices/%lld", inv_id), 200, NULL);
  assert_int_equal(fpt_int(inv, "total_pence"), fee + 1035);
  json_t *lines = json_object_get(inv, "lines");
  assert_int_equal(json_array_size(lines), 2);
  assert_string_equal(fpt_s(json_array_get(lines, 0), "kind"), "fee");
  json_t *miles = json_array_get(lines, 1);
  assert_string_equal(fpt_s(miles, "kind"), "mileage");
  assert_int_equal(fpt_int(miles, "amount_pence"), 1035);
  assert_string_equal(fpt_s(miles, "description"), "Mileage: 23 miles at 45p a mile");
  /* The document says it, and the total with it. */
  const char *text = fpt_pdf_text(&srv, gp_plain, fpt_str("/api/v1/invoices/%lld.pdf", inv_id));
  assert_non_null(strstr(text, "Mileage: 23 miles at 45p a mile"));
  assert_non_null(strstr(text, "10.35"));
  char total[32];
  snprintf(total, sizeof total, "%lld.%02lld", (fee + 1035) / 100, (fee + 1035) % 100);
  assert_non_null(strstr(text, total));
}

/* Expenses under a clinician's own terms that allow them: a note is needed, and they are a line. */
static void test_expenses_under_own_terms(void **state) {
  (void)state;
  set_own_terms(); /* expenses, no mileage */
  time_t start = time(NULL) + 8;
  long long shift = fpt_world_gp_shift_at(&w, start, start + 1, "approval");
  long long app =
      fpt_int(fpt_call(&srv, gp_own, "POST", fpt_str("/api/v1/shifts/%lld/applications", shift), 201, NULL), "id");
  long long b = fpt_int(
      json_object_get(fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", app), 200, NULL),
                      "booking"),
      "id");
  while (time(NULL) < start + 2) usleep(100 * 1000);
  const char *submit = fpt_str("/api/v1/bookings/%lld/timesheet", b);
  expect(fpt_request(&srv, gp_own, "POST", submit, "{s:s, s:s, s:i, s:i}", "actual_start", fpt_time_at(start - 3600),
                     "actual_end", fpt_time_at(start), "break_minutes", 0, "mileage_miles", 10),
         400, "invalid_field", "mileage_miles");
  expect(fpt_request(&srv, gp_own, "POST", submit, "{s:s, s:s, s:i, s:i}", "actual_start", fpt_time_at(start - 3600),
                     "actual_end", fpt_time_at(start), "break_minutes", 0, "expenses_pence", 1250),
         400, "invalid_field", "expenses_note");
  fpt_call(&srv, gp_own, "POST", submit, 200, "{s:s, s:s, s:i, s:i, s:s}", "actual_start", fpt_time_at(start - 3600),
           "actual_end", fpt_time_at(start), "break_minutes", 0, "expenses_pence", 1250, "expenses_note",
           "Car park, Leeds General");
  json_t *ts = json_object_get(
      fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", b), 200, NULL), "timesheet");
  assert_string_equal(fpt_s(ts, "expenses_note"), "Car park, Leeds General");
  json_t *inv = fpt_call(&srv, gp_own, "GET", fpt_str("/api/v1/invoices/%lld", fpt_int(json_object_get(ts, "invoice"),
                                                                                        "id")),
                         200, NULL);
  json_t *lines = json_object_get(inv, "lines");
  assert_int_equal(json_array_size(lines), 2);
  assert_string_equal(fpt_s(json_array_get(lines, 1), "description"), "Expenses: Car park, Leeds General");
  assert_int_equal(fpt_int(json_array_get(lines, 1), "amount_pence"), 1250);
  assert_int_equal(fpt_int(inv, "total_pence"), fpt_int(ts, "fee_pence") + 1250);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pool_terms_published_and_kept_by_its_admins),
      cmocka_unit_test(test_a_clinicians_own_terms),
      cmocka_unit_test(test_shown_before_booking_and_kept_with_it),
      cmocka_unit_test(test_the_practices_late_cancellation_owes_the_fee),
      cmocka_unit_test(test_the_invoice_is_due_under_the_terms),
      cmocka_unit_test(test_mileage_where_the_terms_allow),
      cmocka_unit_test(test_expenses_under_own_terms),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
