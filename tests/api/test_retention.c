/*
 * Retention (issue 15): a closed account's personal data is erased by the upkeep once
 * --retain-closed-account-years (default 6) have passed since it was closed, and never before the
 * person's last invoice has passed its own six years after the end of its financial year. The
 * fixture holds people on each side of each period (closed dates backdated in the database); the
 * erased ones are then searched for in every column of every table, their evidence files are gone
 * unless another record still uses the same file, and the erasure ledger brings the erasures back
 * into a backup taken before them (restore), a copy made before them (copy), and a server started
 * on such a copy. On both engines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fpt.h"
#include "world.h"

#define DAY 86400LL

static struct fpt_server srv;
static struct fpt_world w;
static char data_dir[300], parent[256];

/* One person of the fixture. */
struct person {
  const char *email, *regnum;
  const char *token;
  long long clinician, user;
};
static struct person due_money_passed, money_holds, due_by_days, days_short, active;

static long long user_of(const char *token) { return fpt_int(fpt_call(&srv, token, "GET", "/api/v1/me", 200, NULL), "id"); }

static void make(struct person *p, const char *email, const char *regnum) {
  p->email = email;
  p->regnum = regnum;
  p->token = fpt_world_clinician(&w, email, "gp", regnum, true, &p->clinician);
  p->user = user_of(p->token);
}

/* The practice's invoice to the person, issued at `at` (number n of theirs), naming them as issuer. */
static void invoice(const struct person *p, int n, long long at) {
  fpt_sql(&srv, fpt_str("INSERT INTO invoices (clinician_id, practice_id, number, status, issued_at, due_on, total_pence,"
                        " issuer_name, issuer_detail, customer_name, customer_detail) VALUES (%lld, %lld, %d, 'issued',"
                        " %lld, %lld, 12000, '%s', 'Account 8800%s, 1 Erasure Lane', 'The Practice', '')",
                        p->clinician, w.practice1, n, at, at / DAY + 30, p->email, p->regnum));
}

static void close_account(const struct person *p, long long closed_at) {
  fpt_call(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", p->user), 200, "{s:b}", "active", 0);
  fpt_sql(&srv, fpt_str("UPDATE users SET deactivated_at = %lld WHERE id = %lld", closed_at, p->user));
}

/* 1 April (noon UTC, clear of the hour UK time adds) of year y, and the year whose 1 April began the
   financial year we are in. */
static long long april(int y, int month, int day) {
  struct tm t = {.tm_year = y - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = 12};
  return (long long)timegm(&t);
}
static int year_started_now(void) {
  time_t now = time(NULL);
  struct tm t;
  gmtime_r(&now, &t);
  return t.tm_mon >= 3 ? t.tm_year + 1900 : t.tm_year + 1900 - 1;
}

static const char *ledger(void) { return fpt_str("%s/ledger.jsonl", parent); }

static void start(const char *const *extra) {
  if (fpt_server_start(&srv, data_dir, extra) != 0) fail_msg("the server did not start");
}

static int setup(void **state) {
  (void)state;
  fpt_tempdir(parent, sizeof parent);
  snprintf(data_dir, sizeof data_dir, "%s/data", parent);
  mkdir(data_dir, 0700);
  const char *extra[] = {"--erasure-ledger", ledger(), NULL};
  start(extra);
  fpt_world_build(&w, &srv);
  make(&due_money_passed, "ret.money.passed@t.test", "7620001");
  make(&money_holds, "ret.money.holds@t.test", "7620002");
  make(&due_by_days, "ret.days.over@t.test", "7620003");
  make(&days_short, "ret.days.short@t.test", "7620004");
  make(&active, "ret.active@t.test", "7620005");
  struct person *all[] = {&due_money_passed, &money_holds, &due_by_days, &days_short, &active};
  time_t day = time(NULL) + 5 * DAY;
  for (int i = 0; i < 5; i++) {
    struct person *p = all[i];
    /* A booking with a thread, bank details, a phone number and a failed sign-in: all of it theirs. */
    long long b = fpt_world_book(&w, p->token, fpt_world_gp_shift_at(&w, day + i * 6 * 3600, day + i * 6 * 3600 + 3600,
                                                                     "instant"));
    fpt_call(&srv, p->token, "POST", fpt_str("/api/v1/bookings/%lld/messages", b), 201, "{s:s}", "body",
             fpt_str("Message from %s", p->email));
    fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/messages", b), 201, "{s:s}", "body",
             fpt_str("Welcome, %s", p->email));
    fpt_call(&srv, p->token, "PUT", "/api/v1/me/invoice-details", 200, "{s:s, s:s, s:s, s:s}", "address",
             "1 Erasure Lane\nLeeds LS1 4AP", "account_name", p->email, "sort_code", "12-34-56", "account_number",
             fpt_str("8800%s", p->regnum + 3));
    fpt_sql(&srv, fpt_str("UPDATE clinicians SET phone = '0770090%s' WHERE id = %lld", p->regnum + 3, p->clinician));
    struct fpt_resp r = fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", p->email, "password",
                                    "not the password");
    assert_int_equal(r.status, 401);
  }
  /* The money's clock: an invoice in the financial year that ended six years before this one began
     has run its course; one a month later, in the year after, has not. */
  int e = year_started_now() - 6;
  invoice(&due_money_passed, 1, april(e, 3, 1));
  invoice(&money_holds, 1, april(e, 3, 1));
  invoice(&money_holds, 2, april(e, 5, 1));
  long long now = (long long)time(NULL);
  close_account(&due_money_passed, now - 7 * 366 * DAY);
  close_account(&money_holds, now - 7 * 366 * DAY);
  /* 250 accounts closed before them whose invoices hold them back (issued last month): more than
     one run erases and more than one page of candidates, so none of them may hide those behind. */
  fpt_sql(&srv, fpt_str("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250)"
                        " INSERT INTO users (email, name, password_hash, active, created_at, deactivated_at)"
                        " SELECT 'held' || CAST(i AS TEXT) || '@t.test', 'Held back', 'x', 0, 0, %lld FROM n",
                        now - 8 * 366 * DAY));
  fpt_sql(&srv, "INSERT INTO clinicians (user_id, profession, created_at) SELECT id, 'gp', 0 FROM users"
                " WHERE email LIKE 'held%@t.test'");
  fpt_sql(&srv, fpt_str("INSERT INTO invoices (clinician_id, practice_id, number, status, issued_at, due_on, total_pence,"
                        " issuer_name, issuer_detail, customer_name, customer_detail) SELECT cl.id, %lld, 1, 'issued',"
                        " %lld, 0, 100, 'Held back', '', 'The Practice', '' FROM clinicians cl JOIN users u ON u.id ="
                        " cl.user_id WHERE u.email LIKE 'held%%@t.test'",
                        w.practice1, now - 30 * DAY));
  /* The account's clock: six calendar years are 2,190 to 2,192 days. */
  close_account(&due_by_days, now - 2193 * DAY);
  close_account(&days_short, now - 2188 * DAY);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_rmrf(parent);
  fpt_gc();
  return 0;
}

/* Whether the evidence file with this SHA-256 is still stored (a file with SQLite, a row with PostgreSQL). */
static bool file_kept(const char *sha) {
  if (fpt_engine_postgres()) return fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM evidence_blobs WHERE sha256 = '%s'", sha)) == 1;
  struct stat sb;
  return stat(fpt_str("%s/evidence/%s", data_dir, sha), &sb) == 0;
}

static bool erased(const struct fpt_server *s, const struct person *p) {
  return fpt_sql_count(s, fpt_str("SELECT COUNT(*) FROM users WHERE id = %lld AND erased_at IS NOT NULL AND name ="
                                  " 'Erased person'",
                                  p->user)) == 1;
}

/* Nothing in the store says who they were: not their email (also their name here), their
   registration number, phone, bank account or the words of their thread. */
static void nowhere(const struct fpt_server *s, const struct person *p) {
  const char *needles[] = {p->email, p->regnum, fpt_str("0770090%s", p->regnum + 3), fpt_str("8800%s", p->regnum + 3),
                           NULL};
  for (int i = 0; needles[i]; i++) {
    const char *where = fpt_sql_where_is(s, needles[i]);
    if (*where) fail_msg("'%s' of an erased person is still in %s", needles[i], where);
  }
}

static void test_erasure_follows_both_clocks_and_the_ledger_brings_it_back(void **state) {
  (void)state;
  /* Before: their details are there (the search finds what it looks for). */
  assert_non_null(strstr(fpt_sql_where_is(&srv, due_money_passed.email), "users.email"));
  assert_non_null(strstr(fpt_sql_where_is(&srv, "88000001"), "invoice_details.account_number"));
  /* One of the erasable person's evidence files is also held by a kept record: it must stay; their
     others go. */
  const char *of_theirs = fpt_str("SELECT %%s(e.id) FROM passport_evidence e JOIN passport_checks k ON k.id = e.check_id"
                                  " WHERE k.clinician_id = %lld", due_money_passed.clinician);
  long long first = fpt_sql_count(&srv, fpt_str(of_theirs, "MIN")), last = fpt_sql_count(&srv, fpt_str(of_theirs, "MAX"));
  assert_true(first > 0 && last > first);
  const char *shared = fpt_sql_text(&srv, fpt_str("SELECT sha256 FROM passport_evidence WHERE id = %lld", first));
  const char *alone = fpt_sql_text(&srv, fpt_str("SELECT sha256 FROM passport_evidence WHERE id = %lld", last));
  fpt_sql(&srv, fpt_str("INSERT INTO passport_evidence (check_id, sha256, content_type, size, filename, uploaded_by,"
                        " uploaded_at, file_removed) SELECT (SELECT MIN(id) FROM passport_checks WHERE clinician_id ="
                        " %lld), sha256, content_type, size, 'same.pdf', NULL, uploaded_at, 0 FROM passport_evidence"
                        " WHERE id = %lld",
                        active.clinician, first));
  assert_true(file_kept(shared));
  assert_true(file_kept(alone));

  /* A backup (SQLite) and a copy (either engine) taken before the erasure. */
  char out[4096];
  const char *backup = fpt_str("%s/backup", parent), *snap = fpt_str("%s/snapshot", parent);
  if (!fpt_engine_postgres()) {
    const char *args[] = {"backup", "--data-dir", data_dir, backup, NULL};
    if (fpt_cli(out, sizeof out, args) != 0) fail_msg("backup: %s", out);
  }
  fpt_server_stop(&srv);
  {
    const char *pg[] = {"copy", "--from-data-dir", data_dir, "--from-database", srv.database, "--to-data-dir", snap, NULL};
    const char *lite[] = {"copy", "--from-data-dir", data_dir, "--to-data-dir", snap, NULL};
    if (fpt_cli(out, sizeof out, srv.database[0] ? pg : lite) != 0) fail_msg("copy: %s", out);
  }

  /* The upkeep runs at start: it erases those due, and only them. */
  const char *extra[] = {"--erasure-ledger", ledger(), NULL};
  start(extra);
  assert_true(erased(&srv, &due_money_passed));
  assert_true(erased(&srv, &due_by_days));
  assert_false(erased(&srv, &money_holds));
  assert_false(erased(&srv, &days_short));
  assert_false(erased(&srv, &active));
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM users WHERE email LIKE 'held%@t.test' AND erased_at IS NULL"),
                   250);
  nowhere(&srv, &due_money_passed);
  nowhere(&srv, &due_by_days);
  /* The kept ones are whole. */
  assert_non_null(strstr(fpt_sql_where_is(&srv, money_holds.email), "users.email"));
  assert_non_null(strstr(fpt_sql_where_is(&srv, "88000002"), "invoice_details.account_number"));
  assert_non_null(strstr(fpt_sql_where_is(&srv, "Message from ret.days.short@t.test"), "messages.body"));
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM invoices WHERE clinician_id = %lld AND issuer_name ="
                                               " '%s'", money_holds.clinician, money_holds.email)),
                   2);
  /* The pseudonym stays: their bookings and invoice count for the ICB's figures and the numbering. */
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM bookings WHERE clinician_id = %lld",
                                               due_money_passed.clinician)),
                   1);
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM invoices WHERE clinician_id = %lld AND number = 1"
                                               " AND total_pence = 12000 AND issuer_name = 'Erased person'",
                                               due_money_passed.clinician)),
                   1);
  /* Their evidence is let go; the file a kept record shares stays, the others are removed. */
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM passport_evidence e JOIN passport_checks k ON"
                                               " k.id = e.check_id WHERE k.clinician_id = %lld AND e.deleted_at IS NULL",
                                               due_money_passed.clinician)),
                   0);
  assert_true(file_kept(shared));
  assert_false(file_kept(alone));
  /* One audit row each, none of them personal, and the run's count. */
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit WHERE action = 'user.erase'"), 2);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit a JOIN audit_personal p ON p.audit_id = a.id"
                                       " WHERE a.action = 'user.erase'"),
                   0);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit a JOIN audit_personal p ON p.audit_id = a.id"
                                       " WHERE a.action = 'retention.erase_run' AND p.after LIKE '%\"erased\":2%'"),
                   1);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM erasures"), 2);

  /* As the administrator sees it: the pseudonym, when, and no way back. */
  json_t *u = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/users/%lld", due_by_days.user), 200, NULL);
  assert_string_equal(fpt_s(u, "name"), "Erased person");
  assert_true(json_is_string(json_object_get(u, "erased_at")));
  assert_null(strstr(fpt_s(u, "email"), "ret."));
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", due_by_days.user), "{s:b}",
                               "active", 1),
                   409, "invalid_state", "active");
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", due_by_days.user), "{s:s}", "name",
                               "Dr Back Again"),
                   409, "invalid_state", "name");
  /* The list says the same as the user's own page (the users page shows "Erased" from it). */
  json_t *listed = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/users?q=erased-%lld%%40&active=false", due_by_days.user),
                            200, NULL);
  assert_int_equal(json_array_size(json_object_get(listed, "items")), 1);
  assert_string_equal(fpt_s(json_array_get(json_object_get(listed, "items"), 0), "erased_at"), fpt_s(u, "erased_at"));
  u = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/users/%lld", days_short.user), 200, NULL);
  assert_true(json_is_null(json_object_get(u, "erased_at")));
  /* They cannot sign in (the address is not theirs any more) and the pool's lists show the pseudonym. */
  assert_int_equal(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", due_by_days.email,
                               "password", FPT_CLINICIAN_PASSWORD)
                       .status,
                   401);
  /* Their subject access export holds nothing that says who they were. */
  struct fpt_resp r = fpt_request(&srv, w.admin, "GET",
                                  fpt_str("/api/v1/users/%lld/export?reason=after%%20erasure", due_money_passed.user), NULL);
  assert_int_equal(r.status, 200);
  assert_null(memmem(r.body, r.body_len, due_money_passed.email, strlen(due_money_passed.email)));

  /* The ledger file names the two, and nothing personal. */
  FILE *f = fopen(ledger(), "r");
  assert_non_null(f);
  char line[256];
  int lines = 0;
  while (fgets(line, sizeof line, f)) {
    lines++;
    assert_non_null(strstr(line, "\"user_id\":"));
    assert_null(strchr(line, '@'));
  }
  fclose(f);
  assert_int_equal(lines, 2);

  /* A copy made before the erasure, copied again with the ledger: erased again. */
  const char *copied = fpt_str("%s/copied", parent);
  {
    const char *args[] = {"copy", "--from-data-dir", snap, "--to-data-dir", copied, "--erasure-ledger", ledger(), NULL};
    if (fpt_cli(out, sizeof out, args) != 0) fail_msg("copy: %s", out);
    assert_non_null(strstr(out, "2 erased persons erased again"));
  }
  struct fpt_server c = {0};
  snprintf(c.data_dir, sizeof c.data_dir, "%s", copied);
  assert_true(erased(&c, &due_money_passed));
  assert_true(erased(&c, &due_by_days));
  assert_false(erased(&c, &money_holds));
  nowhere(&c, &due_money_passed);
  nowhere(&c, &due_by_days);
  assert_int_equal(fpt_sql_count(&c, "SELECT COUNT(*) FROM erasures"), 2);

  if (fpt_engine_postgres()) return;
  /* SQLite: the backup restored with the ledger is erased before anyone is served from it. */
  const char *restored = fpt_str("%s/restored", parent);
  {
    const char *args[] = {"restore", "--data-dir", restored, "--erasure-ledger", ledger(), backup, NULL};
    if (fpt_cli(out, sizeof out, args) != 0) fail_msg("restore: %s", out);
    assert_non_null(strstr(out, "2 erased persons erased again"));
  }
  struct fpt_server rs = {0};
  snprintf(rs.data_dir, sizeof rs.data_dir, "%s", restored);
  assert_true(erased(&rs, &due_money_passed));
  assert_true(erased(&rs, &due_by_days));
  assert_false(erased(&rs, &days_short));
  nowhere(&rs, &due_money_passed);
  /* A ledger named but not there is refused before anything is restored; a damaged one is refused whole. */
  {
    const char *nope = fpt_str("%s/nope", parent);
    const char *args[] = {"restore", "--data-dir", nope, "--erasure-ledger", fpt_str("%s/missing.jsonl", parent), backup,
                          NULL};
    assert_int_equal(fpt_cli(out, sizeof out, args), 2);
    assert_non_null(strstr(out, "missing.jsonl"));
    struct stat sb;
    assert_int_not_equal(stat(fpt_str("%s/flexpool.db", nope), &sb), 0);
    const char *bad = fpt_str("%s/bad.jsonl", parent);
    FILE *bf = fopen(bad, "w");
    fputs("{\"user_id\":1,\"deactivated_at\":1,\"erased_at\":1}\nnot an entry\n", bf);
    fclose(bf);
    const char *damaged[] = {"restore", "--data-dir", fpt_str("%s/damaged", parent), "--erasure-ledger", bad, backup, NULL};
    assert_int_equal(fpt_cli(out, sizeof out, damaged), 1);
    assert_non_null(strstr(out, "line 2 is not an entry"));
  }
  /* Restored without it, then served with it under a setting that would erase nobody: the server
     applies the ledger at start. */
  const char *bare = fpt_str("%s/bare", parent);
  {
    const char *args[] = {"restore", "--data-dir", bare, backup, NULL};
    if (fpt_cli(out, sizeof out, args) != 0) fail_msg("restore: %s", out);
  }
  struct fpt_server b = {0};
  snprintf(b.data_dir, sizeof b.data_dir, "%s", bare);
  assert_false(erased(&b, &due_money_passed));
  fpt_server_stop(&srv);
  const char *late[] = {"--erasure-ledger", ledger(), "--retain-closed-account-years", "100", NULL};
  if (fpt_server_start(&srv, bare, late) != 0) fail_msg("the server did not start on the bare restore");
  assert_true(erased(&srv, &due_money_passed));
  assert_true(erased(&srv, &due_by_days));
  assert_false(erased(&srv, &money_holds));
  nowhere(&srv, &due_money_passed);
}

/* Notifications and sent emails go two years (calendar) after they were made, webhook deliveries
   after 90 days; a message still queued stays whatever its age. */
static void test_correspondence_goes_after_its_period(void **state) {
  (void)state;
  fpt_tempdir(parent, sizeof parent);
  snprintf(data_dir, sizeof data_dir, "%s/data", parent);
  mkdir(data_dir, 0700);
  start(NULL);
  const char *admin = fpt_bootstrap_admin(&srv);
  long long uid = user_of(admin);
  long long now = (long long)time(NULL);
  long long over = now - 2 * 366 * DAY - DAY, under = now - 2 * 365 * DAY + 2 * DAY;
  fpt_sql(&srv, fpt_str("INSERT INTO notifications (user_id, kind, subject, body, created_at) VALUES"
                        " (%lld, 'test', 'old', 'old', %lld), (%lld, 'test', 'recent', 'recent', %lld)",
                        uid, over, uid, under));
  const char *row = "(%lld, 'a@t.test', 's', 'b', '%s', '%s', %lld, %lld, 0, '%s')";
  fpt_sql(&srv, fpt_str("INSERT INTO outbox (user_id, to_address, subject, body, message_id, state, next_attempt_at,"
                        " created_at, secret, channel) VALUES %s, %s, %s, %s, %s, %s",
                        fpt_str(row, uid, "m1", "sent", over, over, "email"),
                        fpt_str(row, uid, "m2", "failed", over, over, "email"),
                        fpt_str(row, uid, "m3", "queued", over, over, "email"),
                        fpt_str(row, uid, "m4", "sent", under, under, "email"),
                        fpt_str(row, uid, "w1", "sent", now - 91 * DAY, now - 91 * DAY, "webhook"),
                        fpt_str(row, uid, "w2", "sent", now - 89 * DAY, now - 89 * DAY, "webhook")));
  fpt_sql(&srv, "INSERT INTO outbox_attempts (outbox_id, at, worker, ok, detail) SELECT id, created_at, 'w', 1, '' FROM outbox");
  fpt_server_stop(&srv);
  start(NULL); /* the upkeep runs at start */
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM notifications WHERE kind = 'test' AND subject = 'old'"), 0);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM notifications WHERE kind = 'test' AND subject = 'recent'"), 1);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM outbox WHERE message_id IN ('m1', 'm2', 'w1')"), 0);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM outbox WHERE message_id IN ('m3', 'm4', 'w2')"), 3);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM outbox_attempts a LEFT JOIN outbox o ON o.id = a.outbox_id"
                                       " WHERE o.id IS NULL"),
                   0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_erasure_follows_both_clocks_and_the_ledger_brings_it_back, setup, teardown),
      cmocka_unit_test_teardown(test_correspondence_goes_after_its_period, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
