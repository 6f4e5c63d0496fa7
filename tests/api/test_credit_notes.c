/*
 * Credit notes and reissue (issue 13): an issued invoice is never edited; its clinician credits it
 * with a credit note, the next number in the same sequence, at minus its amounts, and its sessions
 * are invoiced again: at once with the clinician's details as they are now, or after the clinician
 * corrects the timesheets and the practice approves them again. Nobody else credits; a paid, a
 * credited invoice and a credit note are not credited; the practice hears of it and sees it in its
 * list, statement and PDF; the database keeps one live invoice line per session.
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
static const char *gp, *other_gp;
static long long b1, b2, b3;
static time_t start_at;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  fpt_world_no_working_time_guards(&w);
  gp = fpt_world_clinician(&w, "credit@t.test", "gp", "7600001", true, NULL);
  other_gp = fpt_world_clinician(&w, "credit.other@t.test", "gp", "7600002", true, NULL);
  start_at = time(NULL) + 10;
  b1 = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, start_at, start_at + 1, "instant"));
  b2 = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, start_at + 1, start_at + 2, "instant"));
  b3 = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, start_at + 2, start_at + 3, "instant"));
  while (time(NULL) < start_at + 4) usleep(100 * 1000);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* booking's session worked for `hours` before start_at, submitted and approved. */
static void worked_and_approved(long long booking, int hours) {
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/bookings/%lld/timesheet", booking), 200, "{s:s, s:s, s:i}",
           "actual_start", fpt_time_at(start_at - hours * 3600), "actual_end", fpt_time_at(start_at), "break_minutes", 0);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", booking), 200, NULL);
}

/* The invoice booking's timesheet links to now (its live invoice), as the clinician sees it. */
static json_t *invoice_of(long long booking) {
  json_t *b = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld", booking), 200, NULL);
  json_t *inv = json_object_get(json_object_get(b, "timesheet"), "invoice");
  return json_is_object(inv) ? fpt_call(&srv, gp, "GET", fpt_str("/api/v1/invoices/%lld", fpt_int(inv, "id")), 200, NULL)
                             : NULL;
}

static bool listed(const char *token, const char *query, long long id) {
  json_t *items = json_object_get(fpt_call(&srv, token, "GET", fpt_str("/api/v1/invoices?limit=100&%s", query), 200, NULL),
                                  "items");
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) if (fpt_int(it, "id") == id) return true;
  return false;
}

static bool practice_told(const char *kind, const char *subject_part) {
  json_t *notes = json_object_get(fpt_call(&srv, w.pm1, "GET", "/api/v1/me/notifications?limit=50", 200, NULL), "items");
  size_t i;
  json_t *it;
  json_array_foreach(notes, i, it) if (strcmp(fpt_s(it, "kind"), kind) == 0 &&
                                       strstr(fpt_s(it, "subject"), subject_part)) return true;
  return false;
}

static void test_credit_and_reissue_at_once(void **state) {
  (void)state;
  worked_and_approved(b1, 3); /* 3 hours at GBP 80 */
  json_t *inv = invoice_of(b1);
  assert_non_null(inv);
  long long id = fpt_int(inv, "id");
  assert_string_equal(fpt_s(inv, "reference"), "0001");
  assert_int_equal(fpt_int(inv, "total_pence"), 24000);
  assert_true(json_is_null(json_object_get(inv, "credited_by")));
  const char *path = fpt_str("/api/v1/invoices/%lld/credit", id);
  /* Only its issuer credits it; the reason is required and on one line; the way to reissue named. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", path, "{s:s, s:s}", "reason", "x", "reissue", "now"), 403,
                   "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, other_gp, "POST", path, "{s:s, s:s}", "reason", "x", "reissue", "now"), 404,
                   "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{s:s}", "reissue", "now"), 400, "missing_field", "reason");
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{s:s, s:s}", "reason", "a\nb", "reissue", "now"), 400,
                   "invalid_field", "reason");
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{s:s, s:s}", "reason", "x", "reissue", "later"), 400,
                   "invalid_field", "reissue");
  assert_string_equal(fpt_s(fpt_call(&srv, gp, "GET", fpt_str("/api/v1/invoices/%lld", id), 200, NULL), "status"),
                      "issued"); /* refused: nothing changed */
  /* The bank account on it was wrong: the clinician corrects it, then credits and reissues. */
  fpt_call(&srv, gp, "PUT", "/api/v1/me/invoice-details", 200, "{s:s, s:s, s:s, s:s}", "address", "1 New Street",
           "account_name", "Dr Credit", "sort_code", "11-22-33", "account_number", "87654321");
  json_t *out = fpt_call(&srv, gp, "POST", path, 201, "{s:s, s:s}", "reason", "Wrong bank account", "reissue", "now");
  json_t *credited = json_object_get(out, "invoice"), *note = json_object_get(out, "credit_note"),
         *again = json_object_get(out, "reissued");
  assert_string_equal(fpt_s(credited, "status"), "credited");
  assert_false(json_is_true(json_object_get(credited, "overdue")));
  assert_string_equal(fpt_s(json_object_get(credited, "credited_by"), "reference"), "0002");
  /* The credit note: the next number, minus the whole invoice, naming it and why. */
  assert_string_equal(fpt_s(note, "status"), "credit_note");
  assert_string_equal(fpt_s(note, "reference"), "0002");
  assert_int_equal(fpt_int(note, "total_pence"), -24000);
  assert_int_equal(fpt_int(json_object_get(note, "credits"), "id"), id);
  assert_string_equal(fpt_s(json_object_get(note, "credits"), "reference"), "0001");
  assert_string_equal(fpt_s(note, "credit_reason"), "Wrong bank account");
  assert_int_equal(fpt_int(json_array_get(json_object_get(note, "lines"), 0), "amount_pence"), -24000);
  /* The new invoice: the next number again, the same session and amount, the details as they are now. */
  assert_string_equal(fpt_s(again, "status"), "issued");
  assert_string_equal(fpt_s(again, "reference"), "0003");
  assert_int_equal(fpt_int(again, "total_pence"), 24000);
  assert_int_equal(fpt_int(json_array_get(json_object_get(again, "lines"), 0), "booking_id"), b1);
  assert_non_null(strstr(fpt_s(json_object_get(again, "issuer"), "detail"), "87654321"));
  assert_int_equal(fpt_int(invoice_of(b1), "id"), fpt_int(again, "id")); /* the timesheet links to it */
  /* Done once: not again, and neither the credit note nor the credited invoice is paid or credited. */
  fpt_expect_error(fpt_request(&srv, gp, "POST", path, "{s:s, s:s}", "reason", "x", "reissue", "now"), 409,
                   "invalid_state", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "POST", fpt_str("/api/v1/invoices/%lld/credit", fpt_int(note, "id")), "{s:s, s:s}",
                               "reason", "x", "reissue", "now"),
                   409, "invalid_state", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/invoices/%lld/payment", id), NULL), 409,
                   "invalid_state", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/invoices/%lld/payment", fpt_int(note, "id")), NULL),
                   409, "invalid_state", NULL);
  /* The practice sees all three, by status; is told; and it is audited with the reason. */
  assert_true(listed(w.pm1, "status=credited", id));
  assert_true(listed(w.pm1, "status=credit_note", fpt_int(note, "id")));
  assert_true(listed(w.pm1, "status=issued", fpt_int(again, "id")));
  assert_false(listed(w.pm1, "status=issued", id));
  assert_false(listed(w.pm1, "status=issued", fpt_int(note, "id")));
  assert_true(practice_told("invoice.credited", "0001"));
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit JOIN audit_personal p ON p.audit_id = audit.id WHERE action = 'invoice.credit' AND entity_id ="
                                               " %lld AND after LIKE '%%Wrong bank account%%'",
                                               id)),
                   1);
  /* The credit note's PDF says what it is and what it credits. */
  const char *text = fpt_pdf_text(&srv, w.pm1, fpt_str("/api/v1/invoices/%lld.pdf", fpt_int(note, "id")));
  assert_non_null(strstr(text, "Credit note 0002"));
  assert_non_null(strstr(text, "Credits invoice 0001"));
  assert_non_null(strstr(text, "Wrong bank account"));
  assert_non_null(strstr(text, "-\xc2\xa3" "240.00")); /* -£240.00 */
  assert_null(strstr(text, "Payment due"));
  /* The month's statement nets them: owed is only the new invoice. */
  char month[8];
  snprintf(month, sizeof month, "%.7s", fpt_uk_date_in(0));
  json_t *st = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/invoices/statement?month=%s", month), 200, NULL);
  json_t *totals = json_object_get(st, "totals");
  assert_int_equal(fpt_int(totals, "invoices"), 3);
  assert_int_equal(fpt_int(totals, "total_pence"), 24000);
  assert_int_equal(fpt_int(totals, "outstanding_pence"), 24000);
  assert_true(json_is_null(json_object_get(note, "due_on"))); /* a credit note asks for no payment */
}

static void test_credit_to_correct_the_timesheet(void **state) {
  (void)state;
  worked_and_approved(b2, 4); /* 4 hours: should have been 2 */
  json_t *inv = invoice_of(b2);
  long long id = fpt_int(inv, "id");
  assert_int_equal(fpt_int(inv, "total_pence"), 32000);
  json_t *out = fpt_call(&srv, gp, "POST", fpt_str("/api/v1/invoices/%lld/credit", id), 201, "{s:s, s:s}", "reason",
                         "Hours were wrong", "reissue", "after_correction");
  assert_true(json_is_null(json_object_get(out, "reissued")));
  assert_int_equal(fpt_int(json_object_get(out, "credit_note"), "total_pence"), -32000);
  /* The timesheet is back with the clinician, saying why; no invoice for the session meanwhile. */
  json_t *b = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld", b2), 200, NULL);
  json_t *ts = json_object_get(b, "timesheet");
  assert_string_equal(fpt_s(ts, "state"), "queried");
  assert_string_equal(fpt_s(ts, "queried_by"), "clinician");
  assert_non_null(strstr(fpt_s(ts, "query_reason"), "Hours were wrong"));
  assert_null(invoice_of(b2));
  /* Corrected and approved again: invoiced again, the corrected amount, the next number. */
  worked_and_approved(b2, 2);
  json_t *again = invoice_of(b2);
  assert_non_null(again);
  assert_int_equal(fpt_int(again, "total_pence"), 16000);
  assert_true(fpt_int(again, "number") > fpt_int(json_object_get(out, "credit_note"), "number"));
  /* A paid invoice is not credited. */
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/invoices/%lld/payment", fpt_int(again, "id")), 200, NULL);
  fpt_expect_error(fpt_request(&srv, gp, "POST", fpt_str("/api/v1/invoices/%lld/credit", fpt_int(again, "id")),
                               "{s:s, s:s}", "reason", "x", "reissue", "now"),
                   409, "invalid_state", NULL);
}

/* Ids of the invoices on token's pension forms of this month (form A), into ids; how many. */
static size_t form_a_invoices(long long *ids, size_t max) {
  char month[8];
  snprintf(month, sizeof month, "%.7s", fpt_uk_date_in(0));
  json_t *a = json_object_get(fpt_call(&srv, gp, "GET", fpt_str("/api/v1/pension-forms?month=%s", month), 200, NULL),
                              "form_a");
  size_t i, n = 0;
  json_t *it;
  json_array_foreach(a, i, it) if (n < max) ids[n++] = fpt_int(it, "invoice_id");
  return json_array_size(a);
}

/* A pensioning GP locum's credited invoice leaves their pension forms and its form A is not signed;
   the reissued one takes its place. */
static void test_pension_forms_follow_the_credit(void **state) {
  (void)state;
  fpt_call(&srv, gp, "PUT", "/api/v1/me/pension", 200, "{s:s, s:b, s:i}", "sd_number", "12345678", "pensioned", 1,
           "annual_pensionable_pay_pence", 6000000);
  worked_and_approved(b3, 2);
  long long id = fpt_int(invoice_of(b3), "id"), ids[16];
  size_t before = form_a_invoices(ids, 16);
  bool listed_before = false;
  for (size_t i = 0; i < before && i < 16; i++) listed_before |= ids[i] == id;
  assert_true(listed_before);
  json_t *out = fpt_call(&srv, gp, "POST", fpt_str("/api/v1/invoices/%lld/credit", id), 201, "{s:s, s:s}", "reason",
                         "Wrong SD number", "reissue", "now");
  long long note = fpt_int(json_object_get(out, "credit_note"), "id"), again = fpt_int(json_object_get(out, "reissued"), "id");
  size_t after = form_a_invoices(ids, 16);
  assert_int_equal(after, before);
  bool has_again = false;
  for (size_t i = 0; i < after && i < 16; i++) {
    assert_true(ids[i] != id && ids[i] != note);
    has_again |= ids[i] == again;
  }
  assert_true(has_again);
  /* Part 2 of form A: not on a credited invoice nor a credit note; on the one in force. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/invoices/%lld/pension-signature", id), "{s:s}",
                               "signer_role", "Practice manager"),
                   409, "invalid_state", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/invoices/%lld/pension-signature", note), "{s:s}",
                               "signer_role", "Practice manager"),
                   409, "invalid_state", NULL);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/invoices/%lld/pension-signature", again), 200, "{s:s}", "signer_role",
           "Practice manager");
}

/* The database keeps one live invoice line per session and lets a line stop being live only once. */
static void test_the_database_keeps_one_live_line(void **state) {
  (void)state;
  char err[1024];
  assert_int_not_equal(fpt_sql_try(&srv,
                                   fpt_str("INSERT INTO invoice_lines (invoice_id, booking_id, kind, description,"
                                           " worked_start, worked_end, break_minutes, amount_pence) SELECT invoice_id,"
                                           " booking_id, kind, description, worked_start, worked_end, break_minutes,"
                                           " amount_pence FROM invoice_lines WHERE booking_id = %lld AND live = 1",
                                           b1),
                                   err, sizeof err),
                       0);
  assert_int_not_equal(
      fpt_sql_try(&srv, fpt_str("UPDATE invoice_lines SET live = 1 WHERE booking_id = %lld AND live = 0", b1), err, sizeof err),
      0);
  assert_non_null(strstr(err, "once"));
  assert_int_not_equal(fpt_sql_try(&srv, "UPDATE invoices SET credit_reason = 'changed' WHERE credits_id IS NOT NULL", err,
                                   sizeof err),
                       0);
  assert_non_null(strstr(err, "never edited"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_credit_and_reissue_at_once),
      cmocka_unit_test(test_credit_to_correct_the_timesheet),
      cmocka_unit_test(test_pension_forms_follow_the_credit),
      cmocka_unit_test(test_the_database_keeps_one_live_line),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
