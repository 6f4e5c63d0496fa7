/*
 * Subject access (issue 15): a person downloads everything flexpool holds about them as one ZIP
 * (GET /api/v1/me/export), and the system administrator does the same for anyone with a reason
 * that is audited (GET /api/v1/users/{id}/export?reason=...). The archive is opened by Python's
 * zipfile (every CRC checked) and held to the database: each table's rows that name the person
 * are there, nobody else's are, secrets are withheld, and the passport's evidence files are the
 * bytes that were uploaded.
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

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp, *other;
static long long gp_id, other_id, gp_user, booking, other_booking;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "export.gp@t.test", "gp", "7610001", true, &gp_id);
  other = fpt_world_clinician(&w, "export.other@t.test", "gp", "7610002", true, &other_id);
  gp_user = fpt_int(fpt_call(&srv, gp, "GET", "/api/v1/me", 200, NULL), "id");
  time_t day = time(NULL) + 5 * 86400;
  booking = fpt_world_book(&w, gp, fpt_world_gp_shift_at(&w, day, day + 4 * 3600, "instant"));
  other_booking = fpt_world_book(&w, other, fpt_world_gp_shift_at(&w, day, day + 4 * 3600, "instant"));
  const char *thread = fpt_str("/api/v1/bookings/%lld/messages", booking);
  fpt_call(&srv, gp, "POST", thread, 201, "{s:s}", "body", "I will bring my own stethoscope.");
  fpt_call(&srv, w.pm1, "POST", thread, 201, "{s:s}", "body", "Thank you: room 3 is yours.");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* The manifest's line for table, or NULL. */
static json_t *table_line(json_t *manifest, const char *table) {
  size_t i;
  json_t *t;
  json_array_foreach(json_object_get(manifest, "tables"), i, t) if (strcmp(fpt_s(t, "table"), table) == 0) return t;
  return NULL;
}

static json_t *rows_of(json_t *zip, const char *table) {
  json_t *rows = json_object_get(json_object_get(zip, "json"), fpt_str("data/%s.json", table));
  if (!json_is_array(rows)) fail_msg("no data/%s.json in the archive", table);
  return rows;
}

/* How many rows of the table the database holds where column is id. */
static long long count_where(const char *table, const char *column, long long id) {
  return fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM %s WHERE %s = %lld", table, column, id));
}

static json_t *export_of(const char *token, const char *path) {
  struct fpt_resp r = fpt_request(&srv, token, "GET", path, NULL);
  if (r.status != 200) fail_msg("%s: %ld %s", path, r.status, r.body);
  assert_string_equal(fpt_header(&r, "Content-Type"), "application/zip");
  assert_non_null(strstr(fpt_header(&r, "Content-Disposition"), "attachment; filename=\"flexpool-export-user-"));
  return fpt_zip(&r);
}

static void test_own_export_holds_their_rows_and_nobody_elses(void **state) {
  (void)state;
  json_t *zip = export_of(gp, "/api/v1/me/export");
  json_t *m = json_object_get(json_object_get(zip, "json"), "manifest.json");
  assert_non_null(m);
  json_t *subject = json_object_get(m, "subject");
  assert_int_equal(fpt_int(subject, "user_id"), gp_user);
  assert_int_equal(fpt_int(subject, "clinician_id"), gp_id);
  assert_string_equal(fpt_s(subject, "email"), "export.gp@t.test");
  assert_true(json_is_null(json_object_get(m, "reason")));

  /* Every table's line names a file in the archive with as many rows as it says. */
  size_t i;
  json_t *t;
  json_array_foreach(json_object_get(m, "tables"), i, t) {
    json_t *rows = rows_of(zip, fpt_s(t, "table"));
    assert_int_equal((long long)json_array_size(rows), fpt_int(t, "rows"));
  }

  /* Their account, without its password hash; their sessions without their tokens. */
  json_t *users = rows_of(zip, "users");
  assert_int_equal(json_array_size(users), 1);
  assert_int_equal(fpt_int(json_array_get(users, 0), "id"), gp_user);
  assert_null(json_object_get(json_array_get(users, 0), "password_hash"));
  assert_string_equal(json_string_value(json_array_get(json_object_get(table_line(m, "users"), "withheld"), 0)),
                      "password_hash");
  json_t *sessions = rows_of(zip, "sessions");
  assert_int_equal((long long)json_array_size(sessions), count_where("sessions", "user_id", gp_user));
  assert_true(json_array_size(sessions) >= 1);
  json_array_foreach(sessions, i, t) {
    assert_null(json_object_get(t, "token_hash"));
    assert_null(json_object_get(t, "csrf"));
  }

  /* Each table found by the clinician's id: all of theirs, none of the other GP's. */
  static const char *const BY_CLINICIAN[] = {"clinicians", "pool_members", "passport_checks", "bookings", NULL};
  for (int k = 0; BY_CLINICIAN[k]; k++) {
    const char *col = strcmp(BY_CLINICIAN[k], "clinicians") == 0 ? "id" : "clinician_id";
    json_t *rows = rows_of(zip, BY_CLINICIAN[k]);
    assert_true(json_array_size(rows) >= 1);
    assert_int_equal((long long)json_array_size(rows), count_where(BY_CLINICIAN[k], col, gp_id));
    json_array_foreach(rows, i, t) assert_int_equal(fpt_int(t, col), gp_id);
  }
  json_t *bookings = rows_of(zip, "bookings");
  assert_int_equal(fpt_int(json_array_get(bookings, 0), "id"), booking);
  assert_true(booking != other_booking);

  /* Their booking's thread: their message and the practice's answer. */
  json_t *messages = rows_of(zip, "messages");
  assert_int_equal(json_array_size(messages), 2);
  assert_string_equal(fpt_s(json_array_get(messages, 0), "body"), "I will bring my own stethoscope.");
  assert_string_equal(fpt_s(json_array_get(messages, 1), "body"), "Thank you: room 3 is yours.");

  /* Their passport's evidence: one file per record, the bytes uploaded (fpt_world_compliant). */
  json_t *ev = json_object_get(m, "evidence");
  long long uploaded = fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM passport_evidence e JOIN passport_checks k"
                                                   " ON k.id = e.check_id WHERE k.clinician_id = %lld",
                                                   gp_id));
  assert_true(uploaded >= 3);
  assert_int_equal((long long)json_array_size(ev), uploaded);
  json_array_foreach(ev, i, t) {
    json_t *file = json_object_get(json_object_get(zip, "files"), fpt_s(t, "file"));
    assert_non_null(file);
    assert_string_equal(fpt_s(file, "sha256"), fpt_s(t, "sha256"));
    assert_int_equal(fpt_int(file, "bytes"), fpt_int(t, "bytes"));
    const char *want = fpt_str("%%PDF-1.4\n%% %lld %s\n%%%%EOF\n", gp_id, fpt_s(t, "check"));
    assert_string_equal(fpt_s(file, "text"), want);
  }
  assert_int_equal((long long)json_array_size(json_object_get(zip, "names")),
                   (long long)json_array_size(json_object_get(m, "tables")) + uploaded + 1);

  /* The export itself is audited, and the archive holds that row. */
  bool found = false;
  json_array_foreach(rows_of(zip, "audit"), i, t) {
    if (strcmp(fpt_s(t, "action"), "user.export") == 0 && fpt_int(t, "entity_id") == gp_user) found = true;
  }
  assert_true(found);
}

/* Every column of the schema that refers to users or clinicians is named by its table's line in
   the manifest (store/subject.h): a table added with one fails here until the export covers it. */
static void test_every_table_naming_a_person_is_exported(void **state) {
  (void)state;
  json_t *zip = export_of(gp, "/api/v1/me/export");
  json_t *m = json_object_get(json_object_get(zip, "json"), "manifest.json");
  const char *sql = fpt_engine_postgres()
                        ? "SELECT COUNT(*) FROM information_schema.referential_constraints rc"
                          " JOIN information_schema.key_column_usage k ON k.constraint_name = rc.constraint_name"
                          " JOIN information_schema.constraint_column_usage u ON u.constraint_name = rc.unique_constraint_name"
                          " WHERE u.table_name IN ('users', 'clinicians') AND k.table_name = '%s' AND k.column_name = '%s'"
                        : "SELECT COUNT(*) FROM pragma_foreign_key_list('%s') WHERE \"table\" IN ('users', 'clinicians')"
                          " AND \"from\" = '%s'";
  /* Each column a line names that is a foreign key is one the schema has. */
  size_t i, j;
  json_t *t, *col;
  long long fks = 0;
  json_array_foreach(json_object_get(m, "tables"), i, t) {
    json_array_foreach(json_object_get(t, "matched_by"), j, col) {
      fks += fpt_sql_count(&srv, fpt_str(sql, fpt_s(t, "table"), json_string_value(col)));
    }
  }
  /* And no foreign key to users or clinicians is left out. */
  long long all = fpt_sql_count(
      &srv, fpt_engine_postgres()
                ? "SELECT COUNT(*) FROM information_schema.referential_constraints rc"
                  " JOIN information_schema.key_column_usage k ON k.constraint_name = rc.constraint_name"
                  " JOIN information_schema.constraint_column_usage u ON u.constraint_name = rc.unique_constraint_name"
                  " WHERE u.table_name IN ('users', 'clinicians') AND k.table_schema = current_schema()"
                : "SELECT COUNT(*) FROM sqlite_master s, pragma_foreign_key_list(s.name) f"
                  " WHERE s.type = 'table' AND f.\"table\" IN ('users', 'clinicians')");
  assert_true(all > 30);
  assert_int_equal(fks, all);
}

static void test_the_administrator_exports_with_a_reason(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/users/%lld/export", gp_user);
  /* Nobody else may; the reason is required and plain; an unknown person is 404. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s?reason=curious", path), NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, other, "GET", fpt_str("%s?reason=curious", path), NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", path, NULL), 400, "invalid_parameter", "reason");
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", fpt_str("%s?reason=", path), NULL), 400, "invalid_parameter",
                   "reason");
  char *long_reason = fpt_keep(malloc(520));
  memset(long_reason, 'x', 510);
  long_reason[510] = 0;
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", fpt_str("%s?reason=%s", path, long_reason), NULL), 400,
                   "invalid_parameter", "reason");
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", fpt_str("%s?reason=a%%0Ab", path), NULL), 400,
                   "invalid_parameter", "reason");
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", "/api/v1/users/987654/export?reason=SAR", NULL), 404, "not_found",
                   NULL);
  long long audited = fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit WHERE action = 'user.export'");

  json_t *zip = export_of(w.admin, fpt_str("%s?reason=SAR%%20ref%%202026-014%%2C%%20emailed", path));
  json_t *m = json_object_get(json_object_get(zip, "json"), "manifest.json");
  assert_string_equal(fpt_s(m, "reason"), "SAR ref 2026-014, emailed");
  assert_int_equal(fpt_int(json_object_get(m, "subject"), "user_id"), gp_user);
  assert_int_equal((long long)json_array_size(rows_of(zip, "bookings")), 1);
  /* One audit row, by the administrator, with the reason. */
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit WHERE action = 'user.export'"), audited + 1);
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit JOIN audit_personal p ON p.audit_id = audit.id WHERE action = 'user.export' AND entity_id"
                                               " = %lld AND after LIKE '%%SAR ref 2026-014%%' AND actor_user_id <> %lld",
                                               gp_user, gp_user)),
                   1);
}

/* A practice manager's export holds what they did as staff: the shifts they posted. */
static void test_staff_export_holds_what_they_did(void **state) {
  (void)state;
  json_t *zip = export_of(w.pm1, "/api/v1/me/export");
  json_t *m = json_object_get(json_object_get(zip, "json"), "manifest.json");
  assert_true(json_is_null(json_object_get(json_object_get(m, "subject"), "clinician_id")));
  assert_int_equal(json_array_size(json_object_get(m, "evidence")), 0);
  json_t *shifts = rows_of(zip, "shifts");
  assert_true(json_array_size(shifts) >= 2);
  assert_int_equal((long long)json_array_size(shifts), count_where("shifts", "created_by", w.pm1_user));
  assert_int_equal((long long)json_array_size(rows_of(zip, "user_roles")), count_where("user_roles", "user_id", w.pm1_user));
}

/* The administrator verified the GPs' passport checks (fpt_world_compliant): their own export holds
   what they did (the check, its status, when) but not the GPs' details in those rows. */
static void test_what_they_did_to_others_holds_nothing_of_the_others(void **state) {
  (void)state;
  json_t *zip = export_of(w.admin, "/api/v1/me/export");
  json_t *m = json_object_get(json_object_get(zip, "json"), "manifest.json");
  long long admin_user = fpt_int(json_object_get(m, "subject"), "user_id");
  json_t *checks = rows_of(zip, "passport_checks");
  assert_int_equal((long long)json_array_size(checks), count_where("passport_checks", "verified_by", admin_user));
  assert_true(json_array_size(checks) >= 6);
  size_t i;
  json_t *t;
  json_array_foreach(checks, i, t) {
    assert_int_equal(fpt_int(t, "verified_by"), admin_user);
    assert_non_null(json_object_get(t, "check_code"));
    assert_null(json_object_get(t, "clinician_id"));
    assert_null(json_object_get(t, "reference"));
    assert_null(json_object_get(t, "note"));
  }
  json_t *line = table_line(m, "passport_checks");
  assert_true(json_is_array(json_object_get(line, "columns_where_they_acted")));
  /* Their audit rows about others: the action and the record, not its before and after. */
  json_array_foreach(rows_of(zip, "audit"), i, t) {
    if (strcmp(fpt_s(t, "entity"), "user") == 0 && fpt_int(t, "entity_id") == admin_user) continue;
    assert_null(json_object_get(t, "after"));
    assert_null(json_object_get(t, "before"));
  }
  /* While the GP's own export holds their checks whole. */
  json_t *own = rows_of(export_of(gp, "/api/v1/me/export"), "passport_checks");
  assert_non_null(json_object_get(json_array_get(own, 0), "clinician_id"));
  assert_non_null(json_object_get(json_array_get(own, 0), "reference"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_own_export_holds_their_rows_and_nobody_elses),
      cmocka_unit_test(test_every_table_naming_a_person_is_exported),
      cmocka_unit_test(test_the_administrator_exports_with_a_reason),
      cmocka_unit_test(test_staff_export_holds_what_they_did),
      cmocka_unit_test(test_what_they_did_to_others_holds_nothing_of_the_others),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
