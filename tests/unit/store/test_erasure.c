/*
 * Erasure on a migrated SQLite store (the API suite, tests/api/test_retention.c, runs it on both
 * engines through the server): every subject source says what erasure does; one person is erased
 * and nobody else; an invoice's issuer can be cleared only for a person in the ledger; the ledger
 * is append-only and an erasure is done once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/sql.h"
#include "store/subject.h"

static char dir[64];
static struct fp_store store;

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

static int exec_tx(struct fp_conn *c, void *ctx) { return fp_db_exec(c, ctx); }

/* Two clinicians (users 1 and 2), each with an invoice naming them as its issuer. */
static const char FIXTURE[] =
    "INSERT INTO organisations (id, level, ods_code, name, created_at) VALUES (1, 'practice', 'A1', 'Practice', 0);"
    "INSERT INTO users (id, email, name, password_hash, active, created_at, deactivated_at) VALUES"
    " (1, 'ann@example.test', 'Ann Erasable', 'x', 0, 0, 100), (2, 'bob@example.test', 'Bob Kept', 'x', 1, 0, NULL);"
    "INSERT INTO clinicians (id, user_id, profession, registration_number, phone, created_at) VALUES"
    " (10, 1, 'gp', '7654321', '07700900001', 0), (20, 2, 'gp', '1234567', '07700900002', 0);"
    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at) VALUES (x'01', 1, 'c', 0, 0), (x'02', 2, 'c', 0, 0);"
    "INSERT INTO invoices (clinician_id, practice_id, number, status, issued_at, due_on, total_pence, issuer_name,"
    " issuer_detail, customer_name, customer_detail) VALUES"
    " (10, 1, 1, 'issued', 50, '2020-01-01', 100, 'Ann Erasable', 'Sort code 00-00-00', 'Practice', ''),"
    " (20, 1, 1, 'issued', 50, '2020-01-01', 100, 'Bob Kept', 'Sort code 11-11-11', 'Practice', '');"
    "INSERT INTO audit (id, at, action, entity, entity_id) VALUES (1, 0, 'user.create', 'user', 1), (2, 0, 'user.create', 'user', 2);"
    "INSERT INTO audit_personal (audit_id, after) VALUES (1, '{\"email\":\"ann@example.test\"}'),"
    " (2, '{\"email\":\"bob@example.test\"}');";

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/flexpool-unit-XXXXXX");
  if (!mkdtemp(dir)) return -1;
  if (fp_store_open(&store, dir, NULL) != 0) return -1;
  return fp_store_write(&store, exec_tx, (void *)FIXTURE);
}

static int teardown(void **state) {
  (void)state;
  fp_store_release(&store);
  nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
  return 0;
}

static long long count(const char *sql) {
  struct fp_conn *c = fp_store_reader(&store);
  fp_stmt *st = fp_db_stmt(c, sql);
  assert_non_null(st);
  assert_int_equal(fp_step(st), FP_ROW);
  long long n = fp_col_int64(st, 0);
  fp_reset(st);
  return n;
}

static void test_every_source_says_what_erasure_does(void **state) {
  (void)state;
  for (size_t i = 0; i < FP_SUBJECT_N_SOURCES; i++) {
    if (!FP_SUBJECT_SOURCES[i].erase) fail_msg("%s: no erasure rule", FP_SUBJECT_SOURCES[i].table);
  }
}

struct erase {
  struct fp_erasure e;
  bool done;
};

static int erase_tx(struct fp_conn *c, void *ctx) {
  struct erase *x = ctx;
  return fp_store_erase_person(c, &x->e, &x->done);
}

static void test_one_person_is_erased_and_nobody_else(void **state) {
  (void)state;
  struct erase x = {{1, 100, 5000}, false};
  assert_int_equal(fp_store_write(&store, erase_tx, &x), 0);
  assert_true(x.done);
  /* Ann: no name, email, number, phone, session, issuer or audit values left; her ids stay. */
  assert_int_equal(count("SELECT COUNT(*) FROM users WHERE id = 1 AND name = 'Erased person' AND erased_at = 5000"
                         " AND email NOT LIKE '%ann%'"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM clinicians WHERE id = 10 AND registration_number IS NULL AND phone IS NULL"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM sessions WHERE user_id = 1"), 0);
  assert_int_equal(count("SELECT COUNT(*) FROM invoices WHERE clinician_id = 10 AND issuer_name = 'Erased person'"
                         " AND issuer_detail = '' AND total_pence = 100 AND number = 1"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM audit_personal WHERE audit_id = 1"), 0);
  assert_int_equal(count("SELECT COUNT(*) FROM audit WHERE id = 1"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM audit WHERE action = 'user.erase' AND entity_id = 1"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM erasures WHERE user_id = 1 AND deactivated_at = 100 AND erased_at = 5000"), 1);
  /* Bob: untouched. */
  assert_int_equal(count("SELECT COUNT(*) FROM users WHERE id = 2 AND name = 'Bob Kept' AND erased_at IS NULL"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM clinicians WHERE id = 20 AND registration_number = '1234567'"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM sessions WHERE user_id = 2"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM invoices WHERE clinician_id = 20 AND issuer_name = 'Bob Kept'"), 1);
  assert_int_equal(count("SELECT COUNT(*) FROM audit_personal WHERE audit_id = 2"), 1);
  /* Done once: a second erasure writes nothing. */
  struct erase again = {{1, 100, 6000}, true};
  assert_int_equal(fp_store_write(&store, erase_tx, &again), 0);
  assert_false(again.done);
  assert_int_equal(count("SELECT COUNT(*) FROM audit WHERE action = 'user.erase'"), 1);
  /* An account the store never had. */
  struct erase nobody = {{99, 100, 6000}, false};
  assert_int_equal(fp_store_write(&store, erase_tx, &nobody), FP_ENOTFOUND);
}

static void test_the_database_guards_the_invoice_and_the_ledger(void **state) {
  (void)state;
  /* Bob is not in the ledger: his invoice's issuer cannot be cleared, even to the erased form. */
  assert_int_not_equal(fp_store_write(&store, exec_tx,
                                      "UPDATE invoices SET issuer_name = 'Erased person', issuer_detail = ''"
                                      " WHERE clinician_id = 20"), 0);
  /* Nor edited any other way; the status still moves (paying it). */
  assert_int_not_equal(fp_store_write(&store, exec_tx, "UPDATE invoices SET issuer_name = 'X' WHERE clinician_id = 20"), 0);
  assert_int_not_equal(fp_store_write(&store, exec_tx, "UPDATE invoices SET total_pence = 1 WHERE clinician_id = 20"), 0);
  assert_int_equal(fp_store_write(&store, exec_tx, "UPDATE invoices SET status = 'paid', paid_at = 60 WHERE clinician_id = 20"), 0);
  /* The ledger is append-only. */
  struct erase x = {{1, 100, 5000}, false};
  assert_int_equal(fp_store_write(&store, erase_tx, &x), 0);
  assert_int_not_equal(fp_store_write(&store, exec_tx, "DELETE FROM erasures"), 0);
  assert_int_not_equal(fp_store_write(&store, exec_tx, "UPDATE erasures SET erased_at = 1"), 0);
  /* Ann's invoice, once erased, cannot be given a name again. */
  assert_int_not_equal(fp_store_write(&store, exec_tx,
                                      "UPDATE invoices SET issuer_name = 'Ann Erasable' WHERE clinician_id = 10"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_source_says_what_erasure_does),
      cmocka_unit_test_setup_teardown(test_one_person_is_erased_and_nobody_else, setup, teardown),
      cmocka_unit_test_setup_teardown(test_the_database_guards_the_invoice_and_the_ledger, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
