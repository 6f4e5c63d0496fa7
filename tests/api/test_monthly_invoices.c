/*
 * Monthly invoicing (issue 13): a clinician who chooses it gets one invoice to each practice a
 * month instead of one a session. Their approved sessions wait (no invoice at approval); the
 * upkeep's run invoices every one that started before the first of the month, together, numbered
 * in the clinician's one sequence; those of this month wait for the next; going back to invoicing
 * each session invoices the next approval at once.
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
static const char *gp;
static long long b1, b2, b3, b4;
static time_t start_at;

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  fpt_world_no_working_time_guards(&w);
  gp = fpt_world_clinician(&w, "monthly@t.test", "gp", "7500001", true, NULL);
  start_at = time(NULL) + 10;
  b1 = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, start_at, start_at + 1, "instant"));
  b2 = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, start_at + 1, start_at + 2, "instant"));
  b3 = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, start_at + 2, start_at + 3, "instant"));
  b4 = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, start_at + 3, start_at + 4, "instant"));
  while (time(NULL) < start_at + 5) usleep(100 * 1000);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* booking's session, worked for `hours` before start_at, submitted and approved; its timesheet. */
static json_t *worked_and_approved(long long booking, int hours) {
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/bookings/%lld/timesheet", booking), 200, "{s:s, s:s, s:i}",
           "actual_start", fpt_time_at(start_at - hours * 3600), "actual_end", fpt_time_at(start_at), "break_minutes", 0);
  return json_object_get(
      fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", booking), 200, NULL),
      "timesheet");
}

static json_t *invoices(void) {
  return json_object_get(fpt_call(&srv, gp, "GET", "/api/v1/invoices?limit=100", 200, NULL), "items");
}

static json_t *details(const char *invoicing) {
  return fpt_call(&srv, gp, "PUT", "/api/v1/me/invoice-details", 200, "{s:s, s:s, s:s, s:s, s:s}", "address",
                  "2 Mill Lane\nLeeds", "account_name", "Dr M Monthly", "sort_code", "20-00-00", "account_number",
                  "55779911", "invoicing", invoicing);
}

static void test_monthly_invoicing(void **state) {
  (void)state;
  json_t *d = fpt_call(&srv, gp, "GET", "/api/v1/me/invoice-details", 200, NULL);
  assert_string_equal(fpt_s(d, "invoicing"), "session"); /* each session, until they choose */
  fpt_expect_error(fpt_request(&srv, gp, "PUT", "/api/v1/me/invoice-details", "{s:s, s:s, s:s, s:s, s:s}", "address",
                               "2 Mill Lane", "account_name", "Dr M", "sort_code", "20-00-00", "account_number",
                               "55779911", "invoicing", "weekly"),
                   400, "invalid_field", "invoicing");
  assert_string_equal(fpt_s(details("monthly"), "invoicing"), "monthly");
  /* Saving the details again without saying keeps the choice. */
  d = fpt_call(&srv, gp, "PUT", "/api/v1/me/invoice-details", 200, "{s:s, s:s, s:s, s:s}", "address", "2 Mill Lane",
               "account_name", "Dr M Monthly", "sort_code", "20-00-00", "account_number", "55779911");
  assert_string_equal(fpt_s(d, "invoicing"), "monthly");

  /* Approved sessions wait for the month's invoice. */
  json_t *t1 = worked_and_approved(b1, 2), *t2 = worked_and_approved(b2, 3);
  long long fee1 = fpt_int(t1, "fee_pence"), fee2 = fpt_int(t2, "fee_pence");
  assert_true(json_is_null(json_object_get(t1, "invoice")));
  assert_true(json_is_null(json_object_get(t2, "invoice")));
  worked_and_approved(b3, 1);
  sleep(2); /* the upkeep has run: sessions of this month are not invoiced yet */
  assert_int_equal(json_array_size(invoices()), 0);

  /* Worked last month: the next run invoices both in one invoice, and leaves this month's. */
  fpt_sql(&srv, fpt_str("UPDATE timesheets SET actual_start = actual_start - 40 * 86400, actual_end = actual_end - 40"
                        " * 86400 WHERE booking_id IN (%lld, %lld)",
                        b1, b2));
  json_t *list = NULL;
  for (int i = 0; i < 100 && json_array_size(list = invoices()) == 0; i++) usleep(100 * 1000);
  assert_int_equal(json_array_size(list), 1);
  json_t *inv = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/invoices/%lld", fpt_int(json_array_get(list, 0), "id")), 200,
                         NULL);
  assert_int_equal(fpt_int(inv, "number"), 1);
  assert_int_equal(fpt_int(inv, "total_pence"), fee1 + fee2);
  json_t *lines = json_object_get(inv, "lines");
  assert_int_equal(json_array_size(lines), 2);
  /* In the order worked: b2 started an hour before b1. */
  assert_int_equal(fpt_int(json_array_get(lines, 0), "booking_id"), b2);
  assert_int_equal(fpt_int(json_array_get(lines, 1), "booking_id"), b1);
  assert_int_equal(fpt_int(json_array_get(lines, 1), "amount_pence"), fee1);
  /* Each session's timesheet leads to it; the practice was told once. */
  json_t *ts = json_object_get(fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld", b2), 200, NULL), "timesheet");
  assert_int_equal(fpt_int(json_object_get(ts, "invoice"), "id"), fpt_int(inv, "id"));
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE action = 'invoice.issue' AND entity_id"
                                               " = %lld",
                                               fpt_int(inv, "id"))),
                   1);
  sleep(2); /* later runs do not invoice them again, nor this month's */
  assert_int_equal(json_array_size(invoices()), 1);
  ts = json_object_get(fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld", b3), 200, NULL), "timesheet");
  assert_true(json_is_null(json_object_get(ts, "invoice")));

  /* Back to each session: the next approval is invoiced at once, numbered next. */
  details("session");
  json_t *t4 = worked_and_approved(b4, 1);
  json_t *i4 = json_object_get(t4, "invoice");
  assert_true(json_is_object(i4));
  assert_string_equal(fpt_s(i4, "reference"), "0002");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_monthly_invoicing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
