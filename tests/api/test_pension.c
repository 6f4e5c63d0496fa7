/*
 * NHS Pension Scheme forms A and B (issue 13): a GP locum gives their SD number, says they pension
 * their locum work and declares their annual pensionable pay; the month's forms then carry, for
 * each invoice issued in it, the periods worked, the fee, 90 % of it as pensionable pay and the
 * practice's 14.38 % employer contribution (form A), and for the invoices paid in it the
 * pensionable pay, the employee contribution at their tier and the unique payment reference
 * (form B). Only GP locums set them; a clinician who does not pension gets no forms.
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
static const char *gp, *nurse;
static long long booking;
static time_t start_at;

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "pension.gp@t.test", "gp", "7600001", true, NULL);
  nurse = fpt_world_clinician(&w, "pension.nurse@t.test", "nurse", "76A0002E", true, NULL);
  start_at = time(NULL) + 6;
  booking = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, start_at, start_at + 1, "instant"));
  while (time(NULL) < start_at + 2) usleep(100 * 1000);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* This UK month as YYYY-MM and its three letters. */
static void this_month(char ym[8], char mon[4]) {
  time_t t = time(NULL);
  struct tm tm;
  setenv("TZ", "Europe/London", 1);
  tzset();
  localtime_r(&t, &tm);
  strftime(ym, 8, "%Y-%m", &tm);
  static const char *const M[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  snprintf(mon, 4, "%s", M[tm.tm_mon]);
}

static void test_details_and_who_may(void **state) {
  (void)state;
  json_t *d = fpt_call(&srv, gp, "GET", "/api/v1/me/pension", 200, NULL);
  assert_true(json_is_null(json_object_get(d, "sd_number")));
  assert_false(json_is_true(json_object_get(d, "pensioned")));
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/me/pension", NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, nurse, "PUT", "/api/v1/me/pension", "{s:s, s:b, s:i}", "sd_number", "12345678",
                               "pensioned", 1, "annual_pensionable_pay_pence", 4000000),
                   403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "PUT", "/api/v1/me/pension", "{s:s, s:b, s:i}", "sd_number", "1234567X",
                               "pensioned", 1, "annual_pensionable_pay_pence", 6000000),
                   400, "invalid_field", "sd_number");
  fpt_expect_error(fpt_request(&srv, gp, "GET", "/api/v1/pension-forms?month=2026-13", NULL), 400, "invalid_parameter",
                   "month");
  fpt_expect_error(fpt_request(&srv, gp, "GET", "/api/v1/pension-forms?month=2019-05", NULL), 400, "invalid_parameter",
                   "month");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/pension-forms?month=2026-05", NULL), 403, "forbidden", NULL);
}

static void test_the_months_forms(void **state) {
  (void)state;
  char ym[8], mon[4];
  this_month(ym, mon);
  const char *forms = fpt_str("/api/v1/pension-forms?month=%s", ym);
  /* Not pensioning yet: no forms. */
  json_t *f = fpt_call(&srv, gp, "GET", forms, 200, NULL);
  assert_false(json_is_true(json_object_get(f, "pensioned")));
  assert_int_equal(json_array_size(json_object_get(f, "form_a")), 0);
  assert_true(json_is_null(json_object_get(f, "form_b")));
  fpt_call(&srv, gp, "PUT", "/api/v1/me/pension", 200, "{s:s, s:b, s:i}", "sd_number", "12345678", "pensioned", 1,
           "annual_pensionable_pay_pence", 6000000); /* GBP 60,000: tier 5, 10.7 % */
  /* A session worked, approved and paid this month: 2 hours at GBP 80, GBP 160. */
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/bookings/%lld/timesheet", booking), 200, "{s:s, s:s, s:i}", "actual_start",
           fpt_time_at(start_at - 7200), "actual_end", fpt_time_at(start_at), "break_minutes", 0);
  json_t *ts = json_object_get(
      fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", booking), 200, NULL), "timesheet");
  long long inv = fpt_int(json_object_get(ts, "invoice"), "id");
  assert_int_equal(fpt_int(ts, "fee_pence"), 16000);
  /* The invoice asks the practice for its employer contribution with the fee, as a line of its own:
     form A's figure. */
  json_t *invoice = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/invoices/%lld", inv), 200, NULL);
  json_t *lines = json_object_get(invoice, "lines");
  assert_int_equal(json_array_size(lines), 2);
  assert_string_equal(fpt_s(json_array_get(lines, 1), "kind"), "employer_pension");
  assert_int_equal(fpt_int(json_array_get(lines, 1), "amount_pence"), 2071);
  assert_non_null(strstr(fpt_s(json_array_get(lines, 1), "description"), "14.38% of pensionable pay"));
  assert_int_equal(fpt_int(invoice, "total_pence"), 16000 + 2071);
  f = fpt_call(&srv, gp, "GET", forms, 200, NULL);
  assert_true(json_is_true(json_object_get(f, "pensioned")));
  assert_string_equal(fpt_s(json_object_get(f, "rules"), "employer_rate"), "14.38%");
  assert_string_equal(fpt_s(json_object_get(f, "rules"), "pensionable_share"), "90%");
  json_t *a = json_array_get(json_object_get(f, "form_a"), 0);
  assert_int_equal(json_array_size(json_object_get(f, "form_a")), 1);
  assert_int_equal(fpt_int(a, "practice_id"), w.practice1);
  assert_int_equal(fpt_int(a, "invoice_id"), inv);
  assert_int_equal(fpt_int(a, "fee_pence"), 16000);
  assert_int_equal(fpt_int(a, "pensionable_pay_pence"), 14400);        /* 90 % */
  assert_int_equal(fpt_int(a, "employer_contribution_pence"), 2071);   /* 14.38 % of 144.00: 20.7072 */
  assert_int_equal(json_array_size(json_object_get(a, "work_periods")), 1);
  assert_string_equal(fpt_s(json_array_get(json_object_get(a, "work_periods"), 0), "start"),
                      fpt_time_at(start_at - 7200));
  /* Nothing paid yet: form B has no pay received. */
  json_t *b = json_object_get(f, "form_b");
  assert_int_equal(fpt_int(b, "pensionable_pay_pence"), 0);
  assert_string_equal(fpt_s(b, "upr"), fpt_str("12345678LOC%s%.4s", mon, ym));
  assert_string_equal(fpt_s(b, "tier_rate"), "10.7%");
  /* Paid: form B counts it. */
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/invoices/%lld/payment", inv), 200, NULL);
  b = json_object_get(fpt_call(&srv, gp, "GET", forms, 200, NULL), "form_b");
  assert_int_equal(fpt_int(b, "invoices_paid"), 1);
  assert_int_equal(fpt_int(b, "pensionable_pay_pence"), 14400);
  assert_int_equal(fpt_int(b, "employee_contribution_pence"), 1541); /* 10.7 % of 144.00: 15.408 */
  assert_int_equal(fpt_int(b, "employer_contribution_pence"), 2071);
  assert_int_equal(fpt_int(b, "total_contributions_pence"), 1541 + 2071);
  /* The same forms as one PDF, its figures as text. */
  const char *text = fpt_pdf_text(&srv, gp, fpt_str("/api/v1/pension-forms/%s.pdf", ym));
  const char *want[] = {"Form A: ", "Part 2 (the practice", "Form B: ", fpt_str("12345678LOC%s%.4s", mon, ym),
                        "\xc2\xa3" "160.00", "\xc2\xa3" "144.00", "\xc2\xa3" "20.71", "\xc2\xa3" "15.41", "\xc2\xa3" "36.12",
                        "10.7%", "14.38%"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (!strstr(text, want[i])) fail_msg("the PDF lacks '%s':\n%s", want[i], text);
  fpt_expect_error(fpt_request(&srv, gp, "GET", "/api/v1/pension-forms/2026-13.pdf", NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, nurse, "GET", fpt_str("/api/v1/pension-forms/%s.pdf", ym), NULL), 409,
                   "invalid_state", NULL);
  /* The practice signs part 2 of form A: its manager, once, with their role; the locum cannot. */
  const char *sign = fpt_str("/api/v1/invoices/%lld/pension-signature", inv);
  json_t *pf = json_object_get(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/invoices/%lld", inv), 200, NULL),
                               "pension_form_a");
  assert_false(json_is_true(json_object_get(pf, "signed")));
  assert_true(json_is_true(json_object_get(pf, "signable")));
  assert_int_equal(fpt_int(pf, "employer_contribution_pence"), 2071);
  fpt_expect_error(fpt_request(&srv, gp, "POST", sign, "{s:s}", "signer_role", "Locum"), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "POST", sign, "{s:s}", "signer_role", "Manager"), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", sign, "{s:s}", "signer_role", "Practice\nmanager"), 400,
                   "invalid_field", "signer_role");
  pf = json_object_get(fpt_call(&srv, w.pm1, "POST", sign, 200, "{s:s}", "signer_role", "Practice manager"),
                       "pension_form_a");
  assert_true(json_is_true(json_object_get(pf, "signed")));
  assert_false(json_is_true(json_object_get(pf, "signable")));
  assert_string_equal(fpt_s(pf, "signer_role"), "Practice manager");
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", sign, "{s:s}", "signer_role", "Practice manager"), 409,
                   "invalid_state", NULL);
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE action = 'invoice.form_a_sign' AND"
                                               " entity_id = %lld",
                                               inv)),
                   1);
  json_t *part2 = json_object_get(json_array_get(json_object_get(fpt_call(&srv, gp, "GET", forms, 200, NULL), "form_a"), 0),
                                  "part2");
  assert_string_equal(fpt_s(part2, "signer_role"), "Practice manager");
  assert_non_null(strstr(fpt_pdf_text(&srv, gp, fpt_str("/api/v1/pension-forms/%s.pdf", ym)), "Signed electronically"));
  /* Another month has none of it. */
  json_t *other = fpt_call(&srv, gp, "GET", "/api/v1/pension-forms?month=2025-06", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(other, "form_a")), 0);
  assert_int_equal(fpt_int(json_object_get(other, "form_b"), "pensionable_pay_pence"), 0);
  assert_string_equal(fpt_s(json_object_get(other, "rules"), "scheme_year"), "2025/26");
  assert_false(json_is_true(json_object_get(json_object_get(other, "rules"), "provisional")));
}

/* How many pension warnings token has. */
static size_t warnings(const char *token) {
  json_t *items = json_object_get(fpt_call(&srv, token, "GET", "/api/v1/me/notifications?limit=50", 200, NULL), "items");
  size_t i, n = 0;
  json_t *it;
  json_array_foreach(items, i, it) n += strcmp(fpt_s(it, "kind"), "pension.deadline") == 0;
  return n;
}

/* The number of warnings once the upkeep (every second) has had a few seconds. */
static size_t warnings_after_upkeep(const char *token, size_t want) {
  size_t n = 0;
  for (int i = 0; i < 50 && (n = warnings(token)) < want; i++) usleep(100 * 1000);
  usleep(1500 * 1000); /* and no more than that after another run */
  return warnings(token);
}

/* Warned 14 and then 3 days before form A's 10-week limit, each once. The first day worked is
   moved back as time would (the schema lets no invoice line change: its guard is lifted here). */
static void test_warned_before_the_ten_week_limit(void **state) {
  (void)state;
  assert_int_equal(warnings_after_upkeep(gp, 0), 0); /* 70 days ahead: nothing yet */
  fpt_sql(&srv, fpt_engine_postgres() ? "DROP TRIGGER invoice_lines_no_update ON invoice_lines"
                                      : "DROP TRIGGER invoice_lines_no_update");
  fpt_sql(&srv, fpt_str("UPDATE invoice_lines SET worked_start = worked_start - 60 * 86400 WHERE booking_id = %lld",
                        booking));
  assert_int_equal(warnings_after_upkeep(gp, 1), 1); /* 10 days left: the first warning */
  fpt_sql(&srv, fpt_str("UPDATE invoice_lines SET worked_start = worked_start - 8 * 86400 WHERE booking_id = %lld",
                        booking));
  assert_int_equal(warnings_after_upkeep(gp, 2), 2); /* 2 days left: the second */
  json_t *it = json_array_get(
      json_object_get(fpt_call(&srv, gp, "GET", "/api/v1/me/notifications?limit=1", 200, NULL), "items"), 0);
  assert_string_equal(fpt_s(it, "kind"), "pension.deadline");
  assert_non_null(strstr(fpt_s(it, "subject"), "Pension form A for invoice 0001"));
  assert_int_equal(warnings(nurse), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_details_and_who_may),
      cmocka_unit_test(test_the_months_forms),
      cmocka_unit_test(test_warned_before_the_ten_week_limit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
