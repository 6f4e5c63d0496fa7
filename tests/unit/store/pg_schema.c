/*
 * pg_schema.c - the PostgreSQL schema (src/store/pg/schema.c) against SQLite's (src/store/migrations.c).
 *
 * Run by tests/api/pg_run.sh (a throw-away cluster from pg_virtualenv, PG* in the environment), with
 * FP_BINARY naming flexpool: `flexpool migrate --data-dir` makes an SQLite database with every
 * migration applied; the PostgreSQL migrations go into a fresh database of the cluster, applied as a
 * runner would (schema.h). Then, on both engines alike:
 *   - the same tables, each with the same columns in the same order, SQLite's INTEGER as BIGINT,
 *     REAL as DOUBLE PRECISION, BLOB as BYTEA; the same named indexes (unique where SQLite's are);
 *     the same migration versions recorded; the same seed rows (passport catalogue, requirements);
 *   - the invariants: a second confirmed booking of a shift is refused (not as "overlapping"), an
 *     overlapping confirmed booking of one clinician is refused with "overlapping" in the message
 *     (what the store tells the two apart by), on insert and on confirming a cancelled one; what
 *     SQLite allows (back-to-back, another clinician, cancelled) is allowed;
 *   - a shift's listing is the same bytes, after posting and after editing;
 *   - the audit and the passport access log refuse UPDATE and DELETE;
 * and on PostgreSQL json_each(text) answers as SQLite's json_each does for the store's use, while
 * pg_catalog.json_each(json) still works.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/pg/schema.h"

static sqlite3 *lite;
static PGconn *pg;
static PGconn *pg_admin;
static char dbname[64];
static char data_dir[256];

/* ---- both engines, the same calls ---- */

enum engine { LITE, PG };
static const char *const engine_name[] = {"SQLite", "PostgreSQL"};

/* Runs sql (one or more statements): 0, or -1 with the engine's message in err. */
static int run(enum engine e, const char *sql, char *err, size_t errsz) {
  if (err && errsz) err[0] = '\0';
  if (e == LITE) {
    char *msg = NULL;
    if (sqlite3_exec(lite, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    if (err) snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(lite));
    sqlite3_free(msg);
    return -1;
  }
  PGresult *r = PQexec(pg, sql);
  ExecStatusType st = PQresultStatus(r);
  int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok && err) snprintf(err, errsz, "%s", PQresultErrorMessage(r));
  PQclear(r);
  return ok ? 0 : -1;
}

static void must(enum engine e, const char *sql) {
  char err[1024];
  if (run(e, sql, err, sizeof err) != 0) fail_msg("%s: %s\n  in: %s", engine_name[e], err, sql);
}

/* Appends s to a growing string. */
static void append(char **buf, size_t *len, const char *s) {
  size_t n = strlen(s);
  char *b = realloc(*buf, *len + n + 1);
  assert_non_null(b);
  memcpy(b + *len, s, n + 1);
  *buf = b;
  *len += n;
}

/* The rows of a query: columns joined by '|', rows ending in '\n', NULL as \N. Caller frees. */
static char *rows(enum engine e, const char *sql) {
  char *out = NULL;
  size_t len = 0;
  append(&out, &len, "");
  if (e == LITE) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(lite, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("SQLite: %s\n  in: %s", sqlite3_errmsg(lite), sql);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(st); i++) {
        if (i) append(&out, &len, "|");
        const char *v = (const char *)sqlite3_column_text(st, i);
        append(&out, &len, v ? v : "\\N");
      }
      append(&out, &len, "\n");
    }
    if (rc != SQLITE_DONE) fail_msg("SQLite: %s\n  in: %s", sqlite3_errmsg(lite), sql);
    sqlite3_finalize(st);
    return out;
  }
  PGresult *r = PQexec(pg, sql);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) fail_msg("PostgreSQL: %s\n  in: %s", PQresultErrorMessage(r), sql);
  for (int row = 0; row < PQntuples(r); row++) {
    for (int i = 0; i < PQnfields(r); i++) {
      if (i) append(&out, &len, "|");
      append(&out, &len, PQgetisnull(r, row, i) ? "\\N" : PQgetvalue(r, row, i));
    }
    append(&out, &len, "\n");
  }
  PQclear(r);
  return out;
}

/* The same rows on both engines (lite_sql and pg_sql differ only where the dialects must). */
static void same_rows2(const char *what, const char *lite_sql, const char *pg_sql) {
  char *a = rows(LITE, lite_sql), *b = rows(PG, pg_sql);
  if (strcmp(a, b) != 0) fail_msg("%s differ\n  SQLite:\n%s\n  PostgreSQL:\n%s\n  query: %s", what, a, b, pg_sql);
  free(a);
  free(b);
}

static void same_rows(const char *what, const char *sql) { same_rows2(what, sql, sql); }

static void no_notices(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

static PGconn *pg_connect(const char *db) {
  const char *keys[] = {"dbname", NULL};
  const char *vals[] = {db, NULL};
  PGconn *c = PQconnectdbParams(keys, vals, 1); /* host, port, user, password from PG* */
  if (PQstatus(c) != CONNECTION_OK) {
    fprintf(stderr, "pg_schema: cannot connect to %s: %s", db ? db : "(default)", PQerrorMessage(c));
    exit(1);
  }
  PQsetNoticeProcessor(c, no_notices, NULL);
  return c;
}

static int pg_simple(PGconn *c, const char *sql) {
  PGresult *r = PQexec(c, sql);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) fprintf(stderr, "pg_schema: %s  in: %.200s\n", PQresultErrorMessage(r), sql);
  PQclear(r);
  return ok ? 0 : -1;
}

/* ---- set-up: an SQLite database from flexpool, a PostgreSQL one from schema.c ---- */

static int setup(void **state) {
  (void)state;
  const char *bin = getenv("FP_BINARY");
  if (!bin || !getenv("PGHOST")) {
    fprintf(stderr, "pg_schema: needs FP_BINARY and a PostgreSQL (run through tests/api/pg_run.sh)\n");
    return -1;
  }
  snprintf(data_dir, sizeof data_dir, "/tmp/fp_pg_schema_XXXXXX");
  if (!mkdtemp(data_dir)) return -1;
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s' migrate --data-dir '%s' >/dev/null", bin, data_dir);
  if (system(cmd) != 0) {
    fprintf(stderr, "pg_schema: %s failed\n", cmd);
    return -1;
  }
  char path[300];
  snprintf(path, sizeof path, "%s/flexpool.db", data_dir);
  if (sqlite3_open_v2(path, &lite, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) return -1;
  sqlite3_exec(lite, "PRAGMA foreign_keys=ON", NULL, NULL, NULL); /* as the store opens it */

  pg_admin = pg_connect(NULL);
  snprintf(dbname, sizeof dbname, "fp_pg_schema_%ld", (long)getpid());
  char sql[256];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
  if (pg_simple(pg_admin, sql) != 0) return -1;
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
  if (pg_simple(pg_admin, sql) != 0) return -1;
  pg = pg_connect(dbname);

  /* As a runner applies them (schema.h): each version not recorded yet. */
  if (pg_simple(pg, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)"))
    return -1;
  for (int i = 0; i < fp_pg_migration_count; i++) {
    snprintf(sql, sizeof sql, "SELECT 1 FROM schema_migrations WHERE version = %d", fp_pg_migration_version(i));
    PGresult *r = PQexec(pg, sql);
    int recorded = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
    PQclear(r);
    if (recorded) continue;
    snprintf(sql, sizeof sql,
             "INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0) ON CONFLICT (version) DO NOTHING",
             fp_pg_migration_version(i));
    if (pg_simple(pg, "BEGIN") || pg_simple(pg, fp_pg_migrations[i]) || pg_simple(pg, sql) || pg_simple(pg, "COMMIT")) {
      fprintf(stderr, "pg_schema: PostgreSQL migration %d (version %d) failed\n", i, fp_pg_migration_version(i));
      return -1;
    }
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  if (lite) sqlite3_close(lite);
  if (pg) PQfinish(pg);
  if (pg_admin) {
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", dbname);
    pg_simple(pg_admin, sql);
    PQfinish(pg_admin);
  }
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
  if (data_dir[0] && system(cmd) != 0) return -1;
  return 0;
}

/* ---- the schema ---- */

/* SQLite's declared type, as PostgreSQL's information_schema names its translation. */
static const char *pg_type_of(const char *lite_type) {
  if (strcmp(lite_type, "INTEGER") == 0) return "bigint";
  if (strcmp(lite_type, "REAL") == 0) return "double precision";
  if (strcmp(lite_type, "BLOB") == 0) return "bytea";
  if (strcmp(lite_type, "TEXT") == 0) return "text";
  return lite_type;
}

/* A condition on information_schema.columns c: not one of PostgreSQL's own additions (schema.c). */
#define PG_ONLY_EXCLUDED                                                                                      \
  "(c.table_name NOT IN ('evidence_blobs', 'identity_generation')"                                          \
  " AND NOT (c.table_name = 'roles_custom' AND c.column_name = 'rowid'))"

static void test_same_tables_and_columns(void **state) {
  (void)state;
  /* Every table, every column in order, with its type in PostgreSQL's words and whether it may be
   * NULL ("PK" for a primary key's columns: SQLite lets a TEXT PRIMARY KEY hold NULL, never mind). */
  char *lt = rows(LITE,
                  "SELECT m.name, p.name, p.type, CASE WHEN p.pk > 0 THEN 'PK' WHEN p.\"notnull\" THEN 'NO' ELSE 'YES' END"
                  " FROM sqlite_master m, pragma_table_info(m.name) p"
                  " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, p.cid");
  char *want = NULL;
  size_t len = 0;
  append(&want, &len, "");
  for (char *line = strtok(lt, "\n"); line; line = strtok(NULL, "\n")) {
    char table[128], col[128], type[64], nn[8];
    assert_int_equal(sscanf(line, "%127[^|]|%127[^|]|%63[^|]|%7s", table, col, type, nn), 4);
    char out[512];
    snprintf(out, sizeof out, "%s|%s|%s|%s\n", table, col, pg_type_of(type), nn);
    append(&want, &len, out);
  }
  char *got = rows(PG,
                   "SELECT c.table_name, c.column_name, c.data_type,"
                   " CASE WHEN EXISTS (SELECT 1 FROM information_schema.key_column_usage k"
                   "   JOIN information_schema.table_constraints tc ON tc.constraint_name = k.constraint_name"
                   "    AND tc.table_name = k.table_name AND tc.constraint_type = 'PRIMARY KEY'"
                   "   WHERE k.table_name = c.table_name AND k.column_name = c.column_name) THEN 'PK'"
                   "  WHEN c.is_nullable = 'NO' THEN 'NO' ELSE 'YES' END"
                   " FROM information_schema.columns c JOIN information_schema.tables t"
                   "   ON t.table_name = c.table_name AND t.table_schema = c.table_schema AND t.table_type = 'BASE TABLE'"
                   " WHERE c.table_schema = 'public' AND " PG_ONLY_EXCLUDED
                   " ORDER BY c.table_name COLLATE \"C\", c.ordinal_position");
  if (strcmp(want, got) != 0) fail_msg("tables and columns differ\n  SQLite:\n%s\n  PostgreSQL:\n%s", want, got);
  free(lt);
  free(want);
  free(got);
  /* What only PostgreSQL has. */
  got = rows(PG, "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns c"
                 " WHERE table_schema = 'public' AND NOT " PG_ONLY_EXCLUDED " ORDER BY table_name, ordinal_position");
  assert_string_equal(got, "evidence_blobs|sha256|text|NO\nevidence_blobs|bytes|bytea|NO\nidentity_generation|n|bigint|NO\n"
                           "roles_custom|rowid|bigint|NO\n");
  free(got);
  /* roles_custom.rowid numbers roles as SQLite's rowid does, and the store's query reads it alike. */
  for (enum engine e = LITE; e <= PG; e++)
    must(e, "INSERT INTO roles_custom (code, name, created_at) VALUES ('b_role', 'B', 1), ('a_role', 'A', 2)");
  same_rows("custom roles", "SELECT rowid, code, name, COALESCE(pool_id,0), created_at FROM roles_custom WHERE code = 'a_role'");
  for (enum engine e = LITE; e <= PG; e++) must(e, "DELETE FROM roles_custom");
}

static void test_same_indexes(void **state) {
  (void)state;
  /* Every index SQLite names (not its automatic ones for UNIQUE and PRIMARY KEY), on the same table,
   * unique and partial when SQLite's is. */
  char *a = rows(LITE,
                 "SELECT tbl_name, name, CASE WHEN sql LIKE 'CREATE UNIQUE%' THEN 'unique' ELSE '' END,"
                 " CASE WHEN sql LIKE '% WHERE %' THEN 'partial' ELSE '' END FROM sqlite_master"
                 " WHERE type = 'index' AND sql IS NOT NULL ORDER BY name");
  char *b = rows(PG,
                 "SELECT tablename, indexname, CASE WHEN indexdef LIKE 'CREATE UNIQUE%' THEN 'unique' ELSE '' END,"
                 " CASE WHEN indexdef LIKE '% WHERE %' THEN 'partial' ELSE '' END"
                 " FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%\\_pkey'"
                 "  AND indexname NOT LIKE '%\\_key' AND indexname <> 'bookings_overlapping_booking'"
                 " ORDER BY indexname COLLATE \"C\"");
  if (strcmp(a, b) != 0) fail_msg("indexes differ\n  SQLite:\n%s\n  PostgreSQL:\n%s", a, b);
  free(a);
  free(b);
}

static void test_same_migrations_and_seed_rows(void **state) {
  (void)state;
  /* A migration added to one file and not the other fails here: one entry per SQLite migration,
     index for index. */
  same_rows("migration versions", "SELECT version FROM schema_migrations ORDER BY version");
  char *v = rows(LITE, "SELECT count(*) || ' ' || max(version) FROM schema_migrations");
  char want[32];
  snprintf(want, sizeof want, "%d %d\n", fp_pg_migration_count, fp_pg_migration_version(fp_pg_migration_count - 1));
  assert_string_equal(v, want);
  free(v);
  /* Ordered byte by byte on both (SQLite's BINARY, PostgreSQL's "C"). */
#define CHECK_TYPES                                                                                                  \
  "SELECT code, name, description, validity, renewal_months, limited_retention, position, unregistered_baseline" \
  " FROM passport_check_types ORDER BY code"
  same_rows2("passport check types", CHECK_TYPES, CHECK_TYPES " COLLATE \"C\"");
  same_rows2("passport requirements", "SELECT profession, check_code FROM passport_requirements ORDER BY profession, check_code",
             "SELECT profession, check_code FROM passport_requirements ORDER BY profession COLLATE \"C\", check_code COLLATE \"C\"");
}

/* ---- the invariants ---- */

/* A shift of practice 9001 from hour h0 to h1 of 1 March 2030 (UTC), id id. */
static void add_shift(enum engine e, int id, int h0, int h1, const char *description) {
  char sql[1024];
  const long day = 1898553600L; /* 2030-03-01T00:00:00Z */
  snprintf(sql, sizeof sql,
           "INSERT INTO shifts (id, practice_id, role, starts_at, ends_at, rate_pence, rate_unit, hourly_pence,"
           " booking_mode, location_type, description, status, created_at, updated_at)"
           " VALUES (%d, 9001, 'gp', %ld, %ld, 9000, 'hour', 9000, 'instant', 'site', '%s', 'open', 1700000000, 1700000000)",
           id, day + h0 * 3600L, day + h1 * 3600L, description);
  must(e, sql);
}

static void world(enum engine e) {
  must(e, "INSERT INTO organisations (id, level, ods_code, name, created_at) VALUES (9001, 'practice', 'X9001', 'Test Practice', 1700000000)");
  must(e, "INSERT INTO users (id, email, name, password_hash, created_at) VALUES"
          " (9001, 'one@example.nhs.uk', 'One', 'x', 1700000000), (9002, 'two@example.nhs.uk', 'Two', 'x', 1700000000)");
  must(e, "INSERT INTO clinicians (id, user_id, profession, created_at) VALUES (9001, 9001, 'gp', 1700000000), (9002, 9002, 'gp', 1700000000)");
  add_shift(e, 9101, 9, 12, "A");   /* 09:00-12:00 */
  add_shift(e, 9102, 11, 13, "B");  /* 11:00-13:00, overlaps A */
  add_shift(e, 9103, 12, 14, "C");  /* 12:00-14:00, right after A */
  add_shift(e, 9104, 8, 15, "D");   /* 08:00-15:00, around A and C */
}

enum outcome { OK, TAKEN, OVERLAPPING };
static const char *const outcome_name[] = {"accepted", "refused as taken", "refused as overlapping"};

/* What the store would make of the statement: bookings.c reads "overlapping" in the message. */
static enum outcome attempt(enum engine e, const char *sql) {
  char err[1024];
  if (run(e, sql, err, sizeof err) == 0) return OK;
  return strstr(err, "overlapping") ? OVERLAPPING : TAKEN;
}

static void book(enum engine e, int id, int shift, int clinician, const char *status, enum outcome expect) {
  char sql[512];
  snprintf(sql, sizeof sql,
           "INSERT INTO bookings (id, shift_id, clinician_id, practice_id, starts_at, ends_at, status, created_at)"
           " SELECT %d, id, %d, practice_id, starts_at, ends_at, '%s', 1700000000 FROM shifts WHERE id = %d",
           id, clinician, status, shift);
  enum outcome got = attempt(e, sql);
  if (got != expect)
    fail_msg("%s: booking %d (shift %d, clinician %d, %s) %s, expected %s", engine_name[e], id, shift, clinician,
             status, outcome_name[got], outcome_name[expect]);
}

static void test_booking_invariants(void **state) {
  (void)state;
  for (enum engine e = LITE; e <= PG; e++) {
    world(e);
    book(e, 1, 9101, 9001, "confirmed", OK);
    book(e, 2, 9101, 9002, "confirmed", TAKEN);        /* a second active booking of shift A */
    book(e, 3, 9102, 9001, "confirmed", OVERLAPPING);  /* clinician 9001 is at A until 12:00 */
    book(e, 4, 9104, 9001, "confirmed", OVERLAPPING);  /* D spans A */
    book(e, 5, 9101, 9001, "confirmed", OVERLAPPING);  /* A again: SQLite's trigger speaks first */
    book(e, 6, 9103, 9001, "confirmed", OK);           /* back to back: 12:00 is free */
    book(e, 7, 9102, 9002, "confirmed", OK);           /* another clinician */
    book(e, 8, 9104, 9001, "cancelled", OK);           /* a cancelled booking holds nothing */
    /* Confirming it again meets A and C. */
    enum outcome got = attempt(e, "UPDATE bookings SET status = 'confirmed' WHERE id = 8");
    if (got != OVERLAPPING) fail_msg("%s: re-confirming an overlapping booking %s", engine_name[e], outcome_name[got]);
    /* Once A is cancelled, its shift can be booked again, by either. */
    must(e, "UPDATE bookings SET status = 'cancelled' WHERE id = 1");
    book(e, 9, 9101, 9002, "confirmed", OVERLAPPING); /* 9002 holds B 11:00-13:00 */
    must(e, "UPDATE bookings SET status = 'cancelled' WHERE id = 7");
    book(e, 10, 9101, 9002, "confirmed", OK);
  }
  same_rows("bookings", "SELECT id, shift_id, clinician_id, status FROM bookings ORDER BY id");
}

static void test_listing_is_the_same_bytes(void **state) {
  (void)state;
  for (enum engine e = LITE; e <= PG; e++) {
    add_shift(e, 9201, 7, 19, "Say \"hello\" \\ back'' — café ☕\t tab");
    must(e, "UPDATE shifts SET series_id = 12 WHERE id = 9103");
    add_shift(e, 9202, 0, 23, "");
    /* Control characters and a line break, as an API client may send them. */
    must(e, e == LITE ? "UPDATE shifts SET description = 'line' || char(10) || 'next' || char(1) || char(31) WHERE id = 9202"
                      : "UPDATE shifts SET description = 'line' || chr(10) || 'next' || chr(1) || chr(31) WHERE id = 9202");
  }
  same_rows("listings", "SELECT id, listing FROM shifts ORDER BY id");
  /* A status change is not in the listing and does not rewrite it. */
  for (enum engine e = LITE; e <= PG; e++)
    must(e, "UPDATE shifts SET status = 'withdrawn', listing = '{}' WHERE id = 9202");
  same_rows("listings after a status change", "SELECT id, listing FROM shifts ORDER BY id");
  char *one = rows(PG, "SELECT listing FROM shifts WHERE id = 9201");
  assert_string_equal(one,
                      "{\"id\":9201,\"practice_id\":9001,\"role\":\"gp\",\"starts_at\":\"2030-03-01T07:00:00Z\","
                      "\"ends_at\":\"2030-03-01T19:00:00Z\",\"break_minutes\":0,\"rate_pence\":9000,\"rate_unit\":\"hour\","
                      "\"booking_mode\":\"instant\",\"location_type\":\"site\",\"description\":\"Say \\\"hello\\\" \\\\ back' — café ☕\\t tab\","
                      "\"series_id\":null,\"hourly_equivalent_pence\":9000,\"created_at\":\"2023-11-14T22:13:20Z\"}\n");
  free(one);
}

static void test_append_only(void **state) {
  (void)state;
  const char *const tables[] = {"audit", "passport_access_log"};
  for (enum engine e = LITE; e <= PG; e++) {
    must(e, "INSERT INTO audit (id, at, action, entity) VALUES (9001, 1700000000, 'test', 'test')");
    must(e, "INSERT INTO passport_access_log (id, at, viewer_user_id, clinician_id, what, basis)"
            " VALUES (9001, 1700000000, 9001, 9001, 'passport', 'self')");
    for (size_t t = 0; t < 2; t++) {
      char sql[128], err[1024];
      snprintf(sql, sizeof sql, "UPDATE %s SET at = 0 WHERE id = 9001", tables[t]);
      assert_int_equal(run(e, sql, err, sizeof err), -1);
      assert_non_null(strstr(err, "append-only"));
      snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = 9001", tables[t]);
      assert_int_equal(run(e, sql, err, sizeof err), -1);
      assert_non_null(strstr(err, "append-only"));
    }
  }
  same_rows("audit", "SELECT id, at, action FROM audit WHERE id = 9001");
  /* A constraint error (class 23), which the PostgreSQL engine reports as a conflict, as SQLite's is. */
  PGresult *r = PQexec(pg, "DELETE FROM audit");
  assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23000");
  PQclear(r);
}

/* ---- the identity generation (PostgreSQL's alone) ---- */

static long long generation(void) {
  char *s = rows(PG, "SELECT n FROM identity_generation");
  long long n = atoll(s);
  free(s);
  return n;
}

/* Moves once per statement that changes who someone is (what SQLite's update hook watches), and not
   for anything else. */
static void test_identity_generation(void **state) {
  (void)state;
  struct {
    const char *sql;
    int moves;
  } steps[] = {
      {"INSERT INTO users (id, email, name, password_hash, created_at) VALUES (9101, 'g1@example.nhs.uk', 'G', 'x', 1),"
       " (9102, 'g2@example.nhs.uk', 'H', 'x', 1)", 1},
      {"UPDATE users SET name = 'G2' WHERE id = 9101", 1},
      {"UPDATE users SET name = 'nobody' WHERE id = -1", 0},
      {"INSERT INTO user_roles (user_id, role) VALUES (9101, 'sysadmin')", 1},
      {"DELETE FROM user_roles WHERE user_id = 9101", 1},
      {"INSERT INTO clinicians (id, user_id, profession, created_at) VALUES (9101, 9101, 'nurse', 1)", 1},
      {"INSERT INTO pools (id, name, host_organisation_id, created_at) VALUES (9101, 'P', 9001, 1)", 0},
      {"INSERT INTO pool_members (pool_id, clinician_id, added_at) VALUES (9101, 9101, 1)", 1},
      {"DELETE FROM pool_members WHERE pool_id = 9101", 1},
      {"INSERT INTO user_totp (user_id, secret, created_at) VALUES (9101, 'S', 1)", 1},
      {"UPDATE user_totp SET last_step = 5 WHERE user_id = 9101", 1},
      {"INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at) VALUES ('\\x01', 9101, 'c', 1, 1)", 0},
      {"UPDATE sessions SET last_seen_at = 2", 0},
      {"DELETE FROM sessions WHERE id = -1", 0},
      {"DELETE FROM sessions", 1},
      {"UPDATE shifts SET description = 'x' WHERE id = 9101", 0},
  };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    long long before = generation();
    must(PG, steps[i].sql);
    long long after = generation();
    if (after - before != steps[i].moves)
      fail_msg("the identity generation moved by %lld, not %d, for: %s", after - before, steps[i].moves, steps[i].sql);
  }
}

/* ---- json_each ---- */

static char *pg_param_rows(const char *sql, const char *param, Oid type) {
  PGresult *r = PQexecParams(pg, sql, 1, &type, &param, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) fail_msg("PostgreSQL: %s  in: %s", PQresultErrorMessage(r), sql);
  char *out = NULL;
  size_t len = 0;
  append(&out, &len, "");
  for (int i = 0; i < PQntuples(r); i++) {
    append(&out, &len, PQgetisnull(r, i, 0) ? "\\N" : PQgetvalue(r, i, 0));
    append(&out, &len, "\n");
  }
  PQclear(r);
  return out;
}

static void test_json_each(void **state) {
  (void)state;
  /* As the store uses it, the parameter sent as text (25) or untyped (0). */
  const Oid types[] = {25, 0};
  for (size_t t = 0; t < 2; t++) {
    char *s = pg_param_rows("SELECT CAST(value AS BIGINT) FROM json_each($1)", "[3,1,9000000000]", types[t]);
    assert_string_equal(s, "3\n1\n9000000000\n");
    free(s);
    s = pg_param_rows("SELECT id FROM organisations WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)) ORDER BY id",
                      "[9001,5]", types[t]);
    assert_string_equal(s, "9001\n");
    free(s);
    s = pg_param_rows("SELECT value FROM json_each($1)", "[\"a\\\"b\",null,2.5]", types[t]);
    assert_string_equal(s, "a\"b\n\\N\n2.5\n");
    free(s);
    s = pg_param_rows("SELECT count(*) FROM json_each($1)", "[]", types[t]);
    assert_string_equal(s, "0\n");
    free(s);
  }
  /* SQLite answers the same for the same text. */
  same_rows("json_each", "SELECT value FROM json_each('[3,\"x\",4]')");
  /* NULL: no rows, as SQLite. */
  char *s = rows(PG, "SELECT count(*) FROM json_each(CAST(NULL AS TEXT))");
  assert_string_equal(s, "0\n");
  free(s);
  /* PostgreSQL's own json_each(json) is untouched. */
  s = rows(PG, "SELECT key, value FROM json_each('{\"a\":1,\"b\":\"x\"}'::json)");
  assert_string_equal(s, "a|1\nb|\"x\"\n");
  free(s);
  s = rows(PG, "SELECT key, value FROM pg_catalog.json_each('{\"a\":[1]}')");
  assert_string_equal(s, "a|[1]\n");
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_tables_and_columns),
      cmocka_unit_test(test_same_indexes),
      cmocka_unit_test(test_same_migrations_and_seed_rows),
      cmocka_unit_test(test_booking_invariants),
      cmocka_unit_test(test_listing_is_the_same_bytes),
      cmocka_unit_test(test_append_only),
      cmocka_unit_test(test_identity_generation),
      cmocka_unit_test(test_json_each),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
