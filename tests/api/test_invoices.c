/*
 * Invoices (issue 13): a session's approved timesheet makes the clinician's invoice to the practice
 * by itself, numbered per clinician 1, 2, 3 ... without gaps even when a practice approves many
 * at once; the clinician, the practice and the pool see it, nobody else; it is due 30 days after
 * its issue and shown as overdue from the day after; a manager of the practice records it paid;
 * an issued invoice is never edited (the database refuses); its PDF carries the figures as text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

enum { RACERS = 8 };

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp_a, *gp_b, *gp_c, *gp_d;
static long long gp_c_id;
static long long booking_a1, booking_a2, booking_b, booking_d;
static long long booking_c[RACERS];
static time_t start_at;

static long long shift_at(time_t starts, time_t ends) { return fpt_world_gp_shift_at(&w, starts, ends, "instant"); }
static long long book(const char *token, long long shift) { return fpt_world_book(&w, token, shift); }

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  fpt_world_no_working_time_guards(&w); /* gp_c works eight short sessions in a row */
  gp_a = fpt_world_clinician(&w, "inv.a@t.test", "gp", "7300001", true, NULL);
  gp_b = fpt_world_clinician(&w, "inv.b@t.test", "gp", "7300002", true, NULL);
  gp_c = fpt_world_clinician(&w, "inv.c@t.test", "gp", "7300003", true, &gp_c_id);
  gp_d = fpt_world_clinician(&w, "inv.d@t.test", "gp", "7300004", true, NULL);
  /* Sessions that start in a few seconds and end soon after (time enough to book them). */
  start_at = time(NULL) + 12;
  booking_a1 = book(gp_a, shift_at(start_at, start_at + 1));
  booking_a2 = book(gp_a, shift_at(start_at + 1, start_at + 2));
  booking_b = book(gp_b, shift_at(start_at, start_at + 2));
  booking_d = book(gp_d, shift_at(start_at, start_at + 2));
  for (int i = 0; i < RACERS; i++) booking_c[i] = book(gp_c, shift_at(start_at + i, start_at + i + 1));
  while (time(NULL) < start_at + RACERS + 1) usleep(100 * 1000);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* booking's clinician says they worked from `hours` before its start to its start, with a break,
   and the practice approves it. */
static void worked_and_approved(const char *token, long long booking, int hours, int break_minutes) {
  fpt_call(&srv, token, "POST", fpt_str("/api/v1/bookings/%lld/timesheet", booking), 200, "{s:s, s:s, s:i}",
           "actual_start", fpt_time_at(start_at - hours * 3600), "actual_end", fpt_time_at(start_at), "break_minutes",
           break_minutes);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", booking), 200, NULL);
}

/* token's invoices (with a query such as "status=paid"). */
static json_t *invoices(const char *token, const char *query) {
  return json_object_get(
      fpt_call(&srv, token, "GET", fpt_str("/api/v1/invoices?limit=100%s%s", query ? "&" : "", query ? query : ""), 200,
               NULL),
      "items");
}

/* The invoice whose line is booking's fee, as token sees it, or NULL. */
static json_t *invoice_for(const char *token, long long booking) {
  size_t i;
  json_t *it;
  json_array_foreach(invoices(token, NULL), i, it) {
    json_t *full = fpt_call(&srv, token, "GET", fpt_str("/api/v1/invoices/%lld", fpt_int(it, "id")), 200, NULL);
    json_t *line = json_array_get(json_object_get(full, "lines"), 0);
    if (line && fpt_int(line, "booking_id") == booking) return full;
  }
  return NULL;
}

/* The invoice booking's timesheet links to, as token sees the booking (NULL: none). */
static json_t *timesheet_invoice(const char *token, long long booking) {
  json_t *b = fpt_call(&srv, token, "GET", fpt_str("/api/v1/bookings/%lld", booking), 200, NULL);
  json_t *inv = json_object_get(json_object_get(b, "timesheet"), "invoice");
  return json_is_object(inv) ? inv : NULL;
}

static bool listed(const char *token, const char *query, long long id) {
  size_t i;
  json_t *it;
  json_array_foreach(invoices(token, query), i, it) if (fpt_int(it, "id") == id) return true;
  return false;
}

static void expect(struct fpt_resp r, long status, const char *code) {
  if (r.status != status || strcmp(fpt_error_code(&r), code) != 0)
    fail_msg("expected %ld %s, got %ld %s", status, code, r.status, r.body ? r.body : "");
}

static void test_an_approved_session_is_invoiced(void **state) {
  (void)state;
  assert_null(invoice_for(gp_a, booking_a1)); /* nothing before approval */
  assert_null(timesheet_invoice(gp_a, booking_a1));
  worked_and_approved(gp_a, booking_a1, 4, 30); /* 3.5 hours at GBP 80: GBP 280 */
  json_t *inv = invoice_for(gp_a, booking_a1);
  assert_non_null(inv);
  /* The timesheet links to it, for both sides, with the status its page shows. */
  for (int k = 0; k < 2; k++) {
    json_t *ti = timesheet_invoice(k ? w.pm1 : gp_a, booking_a1);
    assert_non_null(ti);
    assert_int_equal(fpt_int(ti, "id"), fpt_int(inv, "id"));
    assert_string_equal(fpt_s(ti, "reference"), "0001");
    assert_string_equal(fpt_s(ti, "shown_status"), "issued");
    assert_string_equal(fpt_s(ti, "due_on"), fpt_s(inv, "due_on"));
    assert_true(json_is_null(json_object_get(ti, "paid_at")));
  }
  assert_int_equal(fpt_int(inv, "number"), 1);
  assert_string_equal(fpt_s(inv, "reference"), "0001");
  assert_string_equal(fpt_s(inv, "status"), "issued");
  assert_false(json_is_true(json_object_get(inv, "overdue")));
  assert_int_equal(fpt_int(inv, "total_pence"), 28000);
  assert_string_equal(fpt_s(inv, "due_on"), fpt_uk_date_in(30));
  assert_int_equal(fpt_int(json_object_get(inv, "customer"), "id"), w.practice1);
  json_t *line = json_array_get(json_object_get(inv, "lines"), 0);
  assert_int_equal(json_array_size(json_object_get(inv, "lines")), 1);
  assert_int_equal(fpt_int(line, "amount_pence"), 28000);
  assert_int_equal(fpt_int(line, "break_minutes"), 30);
  assert_non_null(strstr(fpt_s(line, "description"), "session"));
  long long id = fpt_int(inv, "id");
  /* The practice and its pool see it; another practice and another clinician do not. */
  assert_true(listed(w.pm1, NULL, id));
  assert_true(listed(w.pool_admin, NULL, id));
  assert_false(listed(w.pm2, NULL, id));
  assert_false(listed(gp_b, NULL, id));
  expect(fpt_request(&srv, w.pm2, "GET", fpt_str("/api/v1/invoices/%lld", id), NULL), 404, "not_found");
  expect(fpt_request(&srv, gp_b, "GET", fpt_str("/api/v1/invoices/%lld.pdf", id), NULL), 404, "not_found");
  /* The practice's managers hear of it; it is audited. */
  json_t *notes = json_object_get(fpt_call(&srv, w.pm1, "GET", "/api/v1/me/notifications?limit=50", 200, NULL), "items");
  size_t i;
  json_t *it;
  bool told = false;
  json_array_foreach(notes, i, it) told |= strcmp(fpt_s(it, "kind"), "invoice.issued") == 0;
  assert_true(told);
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE action = 'invoice.issue' AND entity_id"
                                               " = %lld",
                                               id)),
                   1);
}

static void test_numbered_per_clinician_without_gaps(void **state) {
  (void)state;
  worked_and_approved(gp_b, booking_b, 2, 0);
  worked_and_approved(gp_a, booking_a2, 3, 0);
  assert_int_equal(fpt_int(invoice_for(gp_b, booking_b), "number"), 1); /* gp_b's first */
  assert_int_equal(fpt_int(invoice_for(gp_a, booking_a2), "number"), 2); /* gp_a's second */
}

/* The database itself refuses a number out of turn, and any edit or removal of an issued invoice. */
static void test_the_database_keeps_invoices_as_issued(void **state) {
  (void)state;
  long long id = fpt_int(invoice_for(gp_a, booking_a1), "id");
  char err[1024];
  assert_int_not_equal(fpt_sql_try(&srv, fpt_str("UPDATE invoices SET total_pence = 1 WHERE id = %lld", id), err, sizeof err), 0);
  assert_non_null(strstr(err, "never edited"));
  assert_int_not_equal(fpt_sql_try(&srv, fpt_str("DELETE FROM invoices WHERE id = %lld", id), err, sizeof err), 0);
  assert_int_not_equal(fpt_sql_try(&srv, fpt_str("UPDATE invoice_lines SET amount_pence = 1 WHERE invoice_id = %lld", id),
                                   err, sizeof err),
                       0);
  assert_int_not_equal(
      fpt_sql_try(&srv,
                  fpt_str("INSERT INTO invoices (clinician_id, practice_id, number, status, issued_at, due_on, total_pence,"
                          " issuer_name, issuer_detail, customer_name, customer_detail) SELECT clinician_id, practice_id,"
                          " number + 100, status, issued_at, due_on, total_pence, issuer_name, issuer_detail,"
                          " customer_name, customer_detail FROM invoices WHERE id = %lld",
                          id),
                  err, sizeof err),
      0);
  assert_non_null(strstr(err, "without gaps"));
  assert_int_equal(fpt_int(fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/invoices/%lld", id), 200, NULL), "total_pence"),
                   28000);
}

struct racer {
  long long booking;
  long status;
};

static void *approve(void *arg) {
  struct racer *r = arg;
  r->status = fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", r->booking), NULL).status;
  return NULL;
}

/* The practice approves eight of one clinician's sessions at once: eight invoices, numbered 1 to 8. */
static void test_numbers_under_a_race(void **state) {
  (void)state;
  for (int i = 0; i < RACERS; i++)
    fpt_call(&srv, gp_c, "POST", fpt_str("/api/v1/bookings/%lld/timesheet", booking_c[i]), 200, "{s:s, s:s, s:i}",
             "actual_start", fpt_time_at(start_at - 3600), "actual_end", fpt_time_at(start_at), "break_minutes", 0);
  pthread_t th[RACERS];
  struct racer r[RACERS];
  for (int i = 0; i < RACERS; i++) {
    r[i] = (struct racer){booking_c[i], 0};
    pthread_create(&th[i], NULL, approve, &r[i]);
  }
  for (int i = 0; i < RACERS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < RACERS; i++) assert_int_equal(r[i].status, 200);
  json_t *items = invoices(gp_c, NULL);
  assert_int_equal(json_array_size(items), RACERS);
  bool seen[RACERS + 1] = {false};
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    long long n = fpt_int(it, "number");
    assert_true(n >= 1 && n <= RACERS);
    assert_false(seen[n]);
    seen[n] = true;
  }
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT MAX(number) - COUNT(*) FROM invoices WHERE clinician_id = %lld",
                                               gp_c_id)),
                   0);
}

static void test_the_practice_records_it_paid(void **state) {
  (void)state;
  long long id = fpt_int(invoice_for(gp_b, booking_b), "id");
  const char *pay = fpt_str("/api/v1/invoices/%lld/payment", id);
  expect(fpt_request(&srv, gp_b, "POST", pay, NULL), 403, "forbidden");
  expect(fpt_request(&srv, w.pool_admin, "POST", pay, NULL), 403, "forbidden");
  expect(fpt_request(&srv, w.pm2, "POST", pay, NULL), 404, "not_found");
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", pay, "{s:s}", "paid_on", "2026-01-01"), 400, "unknown_field",
                   "paid_on");
  assert_true(listed(w.pm1, "status=issued", id));
  json_t *inv = fpt_call(&srv, w.pm1, "POST", pay, 200, NULL);
  assert_string_equal(fpt_s(inv, "status"), "paid");
  assert_false(json_is_null(json_object_get(inv, "paid_at")));
  expect(fpt_request(&srv, w.pm1, "POST", pay, NULL), 409, "invalid_state");
  assert_true(listed(gp_b, "status=paid", id));
  json_t *ti = timesheet_invoice(gp_b, booking_b);
  assert_string_equal(fpt_s(ti, "shown_status"), "paid");
  assert_false(json_is_null(json_object_get(ti, "paid_at")));
  /* The clinician is told. */
  json_t *notes = json_object_get(fpt_call(&srv, gp_b, "GET", "/api/v1/me/notifications?limit=50", 200, NULL), "items");
  size_t i;
  json_t *it;
  bool told = false;
  json_array_foreach(notes, i, it) told |= strcmp(fpt_s(it, "kind"), "invoice.paid") == 0 &&
                                           strcmp(fpt_s(it, "link"), fpt_str("/invoices/%lld", id)) == 0;
  assert_true(told);
  assert_false(listed(w.pm1, "status=issued", id));
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/invoices?status=unpaid", NULL), 400, "invalid_parameter",
                   "status");
}

/* From the day after its due date an unpaid invoice shows as overdue, and lists as such. */
static void test_overdue_after_its_due_date(void **state) {
  (void)state;
  long long id = fpt_int(invoice_for(gp_a, booking_a2), "id");
  assert_false(listed(w.pm1, "status=overdue", id));
  /* Time passes: the invoice was due yesterday (the test steps round the database's own refusal). */
  fpt_sql(&srv, fpt_engine_postgres() ? "DROP TRIGGER invoices_no_edit ON invoices" : "DROP TRIGGER invoices_no_edit");
  fpt_sql(&srv, fpt_str("UPDATE invoices SET due_on = due_on - 31 WHERE id = %lld", id));
  json_t *inv = fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/invoices/%lld", id), 200, NULL);
  assert_true(json_is_true(json_object_get(inv, "overdue")));
  assert_string_equal(fpt_s(inv, "shown_status"), "overdue");
  assert_string_equal(fpt_s(inv, "status"), "issued");
  assert_true(listed(w.pm1, "status=overdue", id));
  assert_true(listed(gp_a, "status=issued", id));
  assert_string_equal(fpt_s(timesheet_invoice(gp_a, booking_a2), "shown_status"), "overdue");
  /* Due today is not overdue yet. */
  fpt_sql(&srv, fpt_str("UPDATE invoices SET due_on = due_on + 1 WHERE id = %lld", id));
  assert_false(listed(w.pm1, "status=overdue", id));
  assert_false(json_is_true(
      json_object_get(fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/invoices/%lld", id), 200, NULL), "overdue")));
}

/* Invoice id's PDF as token reads it, as text (fpt_pdf_text). */
static const char *pdf_text(const char *token, long long id) {
  return fpt_pdf_text(&srv, token, fpt_str("/api/v1/invoices/%lld.pdf", id));
}

/* The PDF: an application/pdf document whose text carries the parties, the number and the figures. */
static void test_the_pdf_carries_the_figures(void **state) {
  (void)state;
  json_t *inv = invoice_for(gp_a, booking_a1);
  long long id = fpt_int(inv, "id");
  const char *text = pdf_text(gp_a, id);
  assert_non_null(strstr(text, "Invoice"));
  assert_non_null(strstr(text, "0001"));
  assert_non_null(strstr(text, fpt_s(json_object_get(inv, "issuer"), "name")));
  assert_non_null(strstr(text, fpt_s(json_object_get(inv, "customer"), "name")));
  assert_non_null(strstr(text, "280.00"));
  assert_non_null(strstr(text, "VAT"));
  /* The practice reads the same document. */
  assert_int_equal(fpt_request(&srv, w.pm1, "GET", fpt_str("/api/v1/invoices/%lld.pdf", id), NULL).status, 200);
}

/* The practice's finance export: CSV with a byte-order mark, the same invoices as the list, by period;
   another practice's are not in it; bad filters are refused. */
/* The clinician says where they are paid (theirs alone to read and write, checked where it comes in,
   audited with the account number masked); each invoice copies it when issued, and keeps it. */
static void test_the_invoice_says_where_to_pay(void **state) {
  (void)state;
  const char *path = "/api/v1/me/invoice-details";
  json_t *none = fpt_call(&srv, gp_d, "GET", path, 200, NULL);
  assert_true(json_is_null(json_object_get(none, "sort_code")));
  expect(fpt_request(&srv, w.pm1, "GET", path, NULL), 403, "forbidden");
  expect(fpt_request(&srv, w.pm1, "PUT", path, "{s:s, s:s, s:s, s:s}", "address", "x", "account_name", "x", "sort_code",
                     "123456", "account_number", "12345678"),
         403, "forbidden");
  fpt_expect_error(fpt_request(&srv, gp_d, "PUT", path, "{s:s, s:s, s:s, s:s}", "address", "1 High Street",
                               "account_name", "Dr D Locum", "sort_code", "12-34-5", "account_number", "12345678"),
                   400, "invalid_field", "sort_code");
  fpt_expect_error(fpt_request(&srv, gp_d, "PUT", path, "{s:s, s:s, s:s, s:s}", "address", "1 High Street",
                               "account_name", "Dr D Locum", "sort_code", "12-34-56", "account_number", "1234567"),
                   400, "invalid_field", "account_number");
  fpt_expect_error(fpt_request(&srv, gp_d, "PUT", path, "{s:s, s:s, s:s, s:s}", "address", "1\n2\n3\n4\n5\n6\n7",
                               "account_name", "Dr D Locum", "sort_code", "12-34-56", "account_number", "12345678"),
                   400, "invalid_field", "address");
  fpt_expect_error(fpt_request(&srv, gp_d, "PUT", path, "{s:s, s:s, s:s, s:s}", "address", "1 High Street",
                               "account_name", "Dr D\nLocum", "sort_code", "12-34-56", "account_number", "12345678"),
                   400, "invalid_field", "account_name");
  fpt_expect_error(fpt_request(&srv, gp_d, "PUT", path, "{s:s, s:s, s:s}", "address", "1 High Street", "account_name",
                               "Dr D Locum", "sort_code", "12-34-56"),
                   400, "missing_field", "account_number");
  json_t *d = fpt_call(&srv, gp_d, "PUT", path, 200, "{s:s, s:s, s:s, s:s}", "address", "1 High Street\nLeeds LS1 4AP",
                       "account_name", "Dr D Locum", "sort_code", "12 34 56", "account_number", "1234 5678");
  assert_string_equal(fpt_s(d, "sort_code"), "12-34-56");
  assert_string_equal(fpt_s(d, "account_number"), "12345678");
  assert_string_equal(fpt_s(fpt_call(&srv, gp_d, "GET", path, 200, NULL), "account_name"), "Dr D Locum");
  /* The audit masks the account. */
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit JOIN audit_personal p ON p.audit_id = audit.id WHERE action = 'clinician.invoice_details'"
                                       " AND after LIKE '%****5678%' AND after NOT LIKE '%12345678%'"),
                   1);
  /* The invoice issued next says it, in its details and its PDF. */
  worked_and_approved(gp_d, booking_d, 2, 0);
  json_t *inv = invoice_for(gp_d, booking_d);
  assert_non_null(inv);
  const char *detail = fpt_s(json_object_get(inv, "issuer"), "detail");
  assert_non_null(strstr(detail, "1 High Street\nLeeds LS1 4AP"));
  assert_non_null(strstr(detail, "Pay to Dr D Locum, sort code 12-34-56, account 12345678"));
  const char *text = pdf_text(w.pm1, fpt_int(inv, "id"));
  assert_non_null(strstr(text, "sort code 12-34-56"));
  /* Changed later: the invoice keeps what it said. */
  fpt_call(&srv, gp_d, "PUT", path, 200, "{s:s, s:s, s:s, s:s}", "address", "2 Low Road", "account_name", "Dr D Locum",
           "sort_code", "65-43-21", "account_number", "87654321");
  json_t *again = fpt_call(&srv, gp_d, "GET", fpt_str("/api/v1/invoices/%lld", fpt_int(inv, "id")), 200, NULL);
  assert_non_null(strstr(fpt_s(json_object_get(again, "issuer"), "detail"), "sort code 12-34-56"));
}

static void test_the_practice_exports_them_as_csv(void **state) {
  (void)state;
  json_t *inv = invoice_for(gp_a, booking_a1);
  struct fpt_resp r = fpt_request(&srv, w.pm1, "GET", "/api/v1/invoices.csv", NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Type"), "text/csv"));
  assert_non_null(strstr(fpt_header(&r, "Content-Disposition"), "attachment; filename=\"invoices-"));
  static const char HEAD[] = "\xEF\xBB\xBF\"invoice\",\"number\",\"clinician_id\",\"clinician\",\"practice_id\",\"practice\","
                             "\"issued_on\",\"due_on\",\"status\",\"paid_on\",\"total_pence\",\"total_gbp\"\r\n";
  char *body = strndup(r.body, r.body_len);
  assert_true(strncmp(body, HEAD, strlen(HEAD)) == 0);
  /* (The day of issue is the UK's; the test does not work it out again.) */
  const char *row = fpt_str("\"%s\",\"%lld\",\"%lld\",\"%s\",\"%lld\",\"%s\",\"", fpt_s(inv, "reference"),
                            (long long)fpt_int(inv, "number"), (long long)fpt_int(json_object_get(inv, "issuer"), "id"),
                            fpt_s(json_object_get(inv, "issuer"), "name"),
                            (long long)fpt_int(json_object_get(inv, "customer"), "id"),
                            fpt_s(json_object_get(inv, "customer"), "name"));
  const char *at = strstr(body, row);
  assert_non_null(at);
  assert_non_null(strstr(at, fpt_str("\",\"%s\",\"%s\",\"", fpt_s(inv, "due_on"), fpt_s(inv, "shown_status"))));
  assert_non_null(strstr(body, "\"28000\",\"280.00\"\r\n"));
  /* Each row ends its line; as many rows as the list has invoices. */
  size_t lines = 0;
  for (const char *p = body; (p = strstr(p, "\r\n")) != NULL; p += 2) lines++;
  json_t *all = fpt_call(&srv, w.pm1, "GET", "/api/v1/invoices?limit=100", 200, NULL);
  assert_int_equal(lines, 1 + json_array_size(json_object_get(all, "items")));
  free(body);
  /* A period with none: the header only. */
  r = fpt_request(&srv, w.pm1, "GET", "/api/v1/invoices.csv?from=2001-01-01&to=2001-01-31", NULL);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, strlen(HEAD));
  /* Another practice's manager sees none of these. */
  r = fpt_request(&srv, w.pm2, "GET", "/api/v1/invoices.csv", NULL);
  assert_int_equal(r.status, 200);
  body = strndup(r.body, r.body_len);
  assert_null(strstr(body, fpt_s(json_object_get(inv, "customer"), "name")));
  free(body);
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/invoices.csv?to=31/01/2001", NULL), 400, "invalid_parameter", "to");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/invoices.csv?from=2001-02-01&to=2001-01-31", NULL), 400,
                   "invalid_parameter", "to");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/invoices.csv?status=late", NULL), 400, "invalid_parameter",
                   "status");
}

/* The practice's consolidated statement for this month: every invoice issued to it, by clinician,
   with the sums the list itself gives; another practice's manager and a clinician get none. */
static void test_the_practices_monthly_statement(void **state) {
  (void)state;
  const char *month = fpt_str("%.7s", fpt_uk_date_in(0));
  json_t *st = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/invoices/statement?month=%s", month), 200, NULL);
  assert_int_equal(fpt_int(st, "practice_id"), w.practice1);
  long long total = 0, paid = 0, n = 0;
  size_t i;
  json_t *it;
  json_array_foreach(invoices(w.pm1, NULL), i, it) {
    total += fpt_int(it, "total_pence");
    if (strcmp(fpt_s(it, "status"), "paid") == 0) paid += fpt_int(it, "total_pence");
    n++;
  }
  json_t *totals = json_object_get(st, "totals");
  assert_true(n > 0);
  assert_int_equal(fpt_int(totals, "invoices"), n);
  assert_int_equal(fpt_int(totals, "total_pence"), total);
  assert_int_equal(fpt_int(totals, "paid_pence"), paid);
  assert_int_equal(fpt_int(totals, "outstanding_pence"), total - paid);
  /* One entry a clinician, its sums its invoices'. */
  long long sum = 0;
  json_array_foreach(json_object_get(st, "clinicians"), i, it) {
    long long mine = 0;
    size_t k;
    json_t *inv;
    json_array_foreach(json_object_get(it, "invoices"), k, inv) mine += fpt_int(inv, "total_pence");
    assert_int_equal(fpt_int(it, "total_pence"), mine);
    sum += mine;
  }
  assert_int_equal(sum, total);
  assert_non_null(strstr(fpt_s(st, "csv"), "/api/v1/invoices.csv?practice_id="));
  /* Last year's month has none. */
  assert_int_equal(fpt_int(json_object_get(fpt_call(&srv, w.pm1, "GET", "/api/v1/invoices/statement?month=2025-01", 200,
                                                    NULL),
                                           "totals"),
                           "invoices"),
                   0);
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/invoices/statement?month=2025-13", NULL), 400,
                   "invalid_parameter", "month");
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET",
                               fpt_str("/api/v1/invoices/statement?month=%s&practice_id=%lld", month, w.practice1), NULL),
                   404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, gp_a, "GET", fpt_str("/api/v1/invoices/statement?month=%s", month), NULL), 403,
                   "forbidden", NULL);
  /* The pool reads it for a member practice it names. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/invoices/statement?month=%s", month), NULL),
                   400, "invalid_parameter", "practice_id");
  assert_int_equal(fpt_int(json_object_get(fpt_call(&srv, w.pool_admin, "GET",
                                                    fpt_str("/api/v1/invoices/statement?month=%s&practice_id=%lld",
                                                            month, w.practice1),
                                                    200, NULL),
                                           "totals"),
                           "invoices"),
                   n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_an_approved_session_is_invoiced),
      cmocka_unit_test(test_numbered_per_clinician_without_gaps),
      cmocka_unit_test(test_the_database_keeps_invoices_as_issued),
      cmocka_unit_test(test_numbers_under_a_race),
      cmocka_unit_test(test_the_practice_records_it_paid),
      cmocka_unit_test(test_the_pdf_carries_the_figures),
      cmocka_unit_test(test_the_invoice_says_where_to_pay),
      cmocka_unit_test(test_the_practice_exports_them_as_csv),
      cmocka_unit_test(test_overdue_after_its_due_date),
      cmocka_unit_test(test_the_practices_monthly_statement),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
