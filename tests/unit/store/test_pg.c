/*
 * The PostgreSQL engine (store/pg/pg.c) through the store's statement API, against a real server:
 * ctest runs this under `pg_virtualenv -t` (a throw-away cluster, PG* variables set); by hand, set
 * FP_TEST_DATABASE or the PG* variables. Placeholders, types, NULLs, bytea, a constraint refusal
 * that leaves the transaction usable, a lost race run again, the statement cache's eviction, the
 * identity generation moving for this server at once and for another within a second,
 * connections that the server dropped opened again, and reads sent early and writes run later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "store/db.h"
#include "store/pg/pg.h"
#include "store/sql.h"

static char dir[64];
static struct fp_store store;

static const char *database(void) {
  const char *d = getenv("FP_TEST_DATABASE");
  return d && *d ? d : "postgresql://"; /* everything else from the PG* variables */
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

/* A second connection, as another flexpool server would have. */
static PGresult *other(const char *sql) {
  PGconn *pg = PQconnectdb(database());
  assert_int_equal(PQstatus(pg), CONNECTION_OK);
  PGresult *res = PQexec(pg, sql);
  ExecStatusType s = PQresultStatus(res);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fprintf(stderr, "other: %s", PQresultErrorMessage(res));
  assert_true(s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
  PQfinish(pg);
  return res;
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/flexpool-unit-XXXXXX");
  if (!mkdtemp(dir)) return -1;
  if (fp_store_open(&store, dir, database()) != 0) return -1;
  PQclear(other("DROP TABLE IF EXISTS t_vals, t_uniq, t_slots, t_skew, t_people, t_plain, t_cross;"
                "CREATE TABLE t_vals (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, i BIGINT, n INTEGER,"
                " f DOUBLE PRECISION, s TEXT, b BYTEA);"
                "CREATE TABLE t_uniq (k TEXT CONSTRAINT t_uniq_k_taken UNIQUE);"
                "CREATE TABLE t_slots (who BIGINT, r INT8RANGE, CONSTRAINT t_slots_no_overlapping EXCLUDE USING gist (r WITH &&));"
                "CREATE TABLE t_skew (k BIGINT);"
                "CREATE TABLE t_people (id BIGINT PRIMARY KEY, name TEXT);"
                "CREATE TABLE t_plain (id BIGINT);"
                "CREATE TABLE t_cross (id BIGINT PRIMARY KEY, name TEXT);"
                /* The identity generation as pg.c expects the schema to keep it (see pg_generation). */
                "CREATE TABLE IF NOT EXISTS identity_generation (n BIGINT NOT NULL);"
                "INSERT INTO identity_generation (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM identity_generation);"
                "CREATE OR REPLACE FUNCTION t_bump_identity() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN UPDATE identity_generation SET n = n + 1; RETURN NULL; END $$;"
                "CREATE TRIGGER t_people_identity AFTER INSERT OR UPDATE OR DELETE ON t_people"
                " FOR EACH STATEMENT EXECUTE FUNCTION t_bump_identity();"));
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fp_store_release(&store);
  nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
  return 0;
}

static void test_placeholders(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
    int n;
  } cases[] = {
      {"SELECT 1", "SELECT 1", 0},
      {"SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2", 2},
      {"? ?5 ?", "$1 $5 $6", 6},
      {"?2 ?1 ?", "$2 $1 $3", 3},
      {"?3, ?, ?1, ?", "$3, $4, $1, $5", 5},
      {"SELECT '?', 'it''s ?', \"we?\"\"ird\", ?", "SELECT '?', 'it''s ?', \"we?\"\"ird\", $1", 1},
      {"a -- what?\n?", "a -- what?\n$1", 1},
      {"/* ? /* ? */ ? */ ?", "/* ? /* ? */ ? */ $1", 1},
      {"$$ ? $$ ? $q$ ?1 $q$", "$$ ? $$ $1 $q$ ?1 $q$", 1},
      {"x$y ?", "x$y $1", 1},
      {"lower(?) ESCAPE '\\'", "lower($1) ESCAPE '\\'", 1},
      {"'unterminated ?", "'unterminated ?", 0},
      {"?32766", "$32766", 32766},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int n = -1;
    char *out = fp_pg_rewrite_params(cases[i].in, &n);
    assert_non_null(out);
    assert_string_equal(out, cases[i].out);
    assert_int_equal(n, cases[i].n);
    free(out);
  }
  int n;
  assert_null(fp_pg_rewrite_params("SELECT ?0", &n));
  assert_null(fp_pg_rewrite_params("SELECT ?32767", &n));
  assert_null(fp_pg_rewrite_params("SELECT ?99999999999999999999999", &n));
}

struct vals {
  int64_t i;
  double f;
  const char *s;
  int64_t id;
  int64_t changes;
};

static int insert_vals(struct fp_conn *c, void *ctx) {
  struct vals *v = ctx;
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO t_vals (i, n, f, s) VALUES (?, ?, ?, ?)");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, v->i);
  fp_bind_int64(st, 2, 7);
  fp_bind_double(st, 3, v->f);
  fp_bind_text(st, 4, v->s);
  int rc = fp_db_exec_stmt(st);
  v->changes = fp_db_changes(c);
  v->id = fp_db_last_id(c);
  return rc;
}

static void test_types(void **state) {
  (void)state;
  struct pg_store *ps = fp_pg_of(&store);
  uint64_t replays = atomic_load(&ps->replays), savepoints = atomic_load(&ps->savepoints);
  struct vals v = {.i = INT64_MIN, .f = 0.1, .s = "it's \"?\" caf\xc3\xa9"};
  assert_int_equal(fp_store_write(&store, insert_vals, &v), 0);
  /* A write where nothing fails costs no savepoint. */
  assert_int_equal(atomic_load(&ps->replays), replays);
  assert_int_equal(atomic_load(&ps->savepoints), savepoints);
  assert_true(v.id > 0);
  assert_int_equal(v.changes, 1);
  struct vals w = {.i = INT64_MAX, .f = -1e300, .s = ""};
  assert_int_equal(fp_store_write(&store, insert_vals, &w), 0);
  assert_int_equal(w.id, v.id + 1);

  struct fp_conn *r = fp_store_reader(&store);
  assert_non_null(r);
  assert_int_equal(fp_db_engine(r), FP_ENGINE_POSTGRES);
  fp_stmt *st = fp_db_stmt(r, "SELECT i, n, f, s, id > ?1, n = ?2 FROM t_vals WHERE id IN (?1, ?3) ORDER BY id");
  assert_non_null(st);
  fp_bind_int64(st, 1, v.id);
  fp_bind_int64(st, 2, 7);
  fp_bind_int64(st, 3, w.id);
  assert_int_equal(fp_step(st), FP_ROW);
  assert_true(fp_col_int64(st, 0) == INT64_MIN);
  assert_int_equal(fp_col_int64(st, 1), 7);
  assert_true(fp_col_double(st, 2) == 0.1);
  assert_string_equal(fp_col_text(st, 3), v.s);
  assert_int_equal(fp_col_bytes(st, 3), strlen(v.s));
  assert_int_equal(fp_col_int64(st, 4), 0); /* a boolean 'f' */
  assert_int_equal(fp_col_int64(st, 5), 1); /* 't' */
  assert_string_equal(fp_col_name(st, 3), "s");
  assert_int_equal(fp_step(st), FP_ROW);
  assert_true(fp_col_int64(st, 0) == INT64_MAX);
  assert_true(fp_col_double(st, 2) == -1e300);
  assert_string_equal(fp_col_text(st, 3), "");
  assert_false(fp_col_null(st, 3));
  assert_int_equal(fp_step(st), FP_DONE);
  fp_reset(st);

  /* Text binds take the column's type, as in SQLite: "7" finds the integer 7. */
  st = fp_db_stmt(r, "SELECT count(*) FROM t_vals WHERE n = ? AND s LIKE ?");
  fp_bind_text(st, 1, "7");
  fp_bind_text(st, 2, "%caf%");
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_int64(st, 0), 1);
  fp_reset(st);
  /* The same statement again with the bindings cleared and set anew. */
  st = fp_db_stmt(r, "SELECT count(*) FROM t_vals WHERE n = ? AND s LIKE ?");
  fp_bind_int64(st, 1, 7);
  fp_bind_text(st, 2, "%");
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_int64(st, 0), 2);
  fp_reset(st);
  /* A fraction as sql.h writes it, and a number read as text. */
  st = fp_db_stmt(r, "SELECT CAST(? AS BIGINT) * 1.0 / 4, CAST(? AS DOUBLE PRECISION), 42");
  fp_bind_int64(st, 1, 3);
  fp_bind_double(st, 2, 2.5);
  assert_int_equal(fp_step(st), FP_ROW);
  assert_true(fp_col_double(st, 0) == 0.75);
  assert_int_equal(fp_col_int64(st, 0), 0);
  assert_true(fp_col_double(st, 1) == 2.5);
  assert_string_equal(fp_col_text(st, 2), "42");
  fp_reset(st);
  /* What each column holds, for flexpool copy. */
  st = fp_db_stmt(r, "SELECT CAST(1 AS INTEGER), CAST(2 AS BIGINT), 1 = 1, CAST(0.5 AS DOUBLE PRECISION), 1.5, 'x',"
                     " CAST('x' AS BYTEA), CAST(NULL AS BIGINT)");
  assert_int_equal(fp_col_count(st), 0); /* not run yet */
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_count(st), 8);
  static const enum fp_col_kind kinds[] = {FP_COL_INT, FP_COL_INT, FP_COL_INT, FP_COL_REAL, FP_COL_REAL, FP_COL_TEXT, FP_COL_BLOB, FP_COL_NULL};
  for (int i = 0; i < 8; i++) assert_int_equal(fp_col_type(st, i), kinds[i]);
  fp_reset(st);
}

static int insert_nulls(struct fp_conn *c, void *ctx) {
  (void)ctx;
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO t_vals (i, n, f, s, b) VALUES (?, ?, ?, ?, ?)");
  fp_bind_null(st, 1);
  fp_bind_null(st, 2);
  fp_bind_null(st, 3);
  fp_bind_text(st, 4, NULL);
  fp_bind_null(st, 5);
  return fp_db_exec_stmt(st);
}

static void test_nulls(void **state) {
  (void)state;
  assert_int_equal(fp_store_write(&store, insert_nulls, NULL), 0);
  struct fp_conn *r = fp_store_reader(&store);
  fp_stmt *st = fp_db_stmt(r, "SELECT i, n, f, s, b, CASE WHEN CAST(? AS BIGINT) IS NULL THEN 1 ELSE 0 END"
                              " FROM t_vals WHERE i IS NULL");
  fp_bind_null(st, 1);
  assert_int_equal(fp_step(st), FP_ROW);
  for (int i = 0; i < 5; i++) {
    assert_true(fp_col_null(st, i));
    assert_int_equal(fp_col_int64(st, i), 0);
    assert_true(fp_col_double(st, i) == 0.0);
    assert_null(fp_col_text(st, i));
    assert_null(fp_col_blob(st, i));
    assert_int_equal(fp_col_bytes(st, i), 0);
  }
  assert_int_equal(fp_col_int64(st, 5), 1);
  assert_int_equal(fp_step(st), FP_DONE);
  fp_reset(st);
}

struct blob {
  unsigned char bytes[300];
  size_t n;
  int64_t id;
};

static int insert_blob(struct fp_conn *c, void *ctx) {
  struct blob *b = ctx;
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO t_vals (b) VALUES (?) RETURNING id");
  fp_bind_blob(st, 1, b->bytes, b->n);
  int rc = fp_step(st);
  b->id = rc == FP_ROW ? fp_col_int64(st, 0) : 0;
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

static void test_bytea(void **state) {
  (void)state;
  struct blob b = {.n = 300};
  for (size_t i = 0; i < b.n; i++) b.bytes[i] = (unsigned char)(i * 7);
  b.bytes[3] = 0;
  assert_int_equal(fp_store_write(&store, insert_blob, &b), 0);
  struct blob empty = {.n = 0};
  assert_int_equal(fp_store_write(&store, insert_blob, &empty), 0);
  struct fp_conn *r = fp_store_reader(&store);
  fp_stmt *st = fp_db_stmt(r, "SELECT b, length(b) FROM t_vals WHERE id = ?");
  fp_bind_int64(st, 1, b.id);
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_bytes(st, 0), 300);
  assert_memory_equal(fp_col_blob(st, 0), b.bytes, 300);
  assert_int_equal(fp_col_int64(st, 1), 300);
  fp_reset(st);
  st = fp_db_stmt(r, "SELECT b FROM t_vals WHERE id = ?");
  fp_bind_int64(st, 1, empty.id);
  assert_int_equal(fp_step(st), FP_ROW);
  assert_false(fp_col_null(st, 0));
  assert_int_equal(fp_col_bytes(st, 0), 0);
  fp_reset(st);
  /* A blob compares as bytea in a WHERE (evidence is keyed by its SHA-256). */
  st = fp_db_stmt(r, "SELECT count(*) FROM t_vals WHERE b = ?");
  fp_bind_blob(st, 1, b.bytes, b.n);
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_int64(st, 0), 1);
  fp_reset(st);
}

struct conflict {
  int first, again, other, overlap;
  char msg[256], overlap_msg[256];
};

static int conflict_tx(struct fp_conn *c, void *ctx) {
  struct conflict *k = ctx;
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO t_uniq (k) VALUES (?)");
  fp_bind_text(st, 1, "a");
  k->first = fp_db_exec_stmt(st);
  st = fp_db_stmt(c, "INSERT INTO t_uniq (k) VALUES (?)");
  fp_bind_text(st, 1, "a");
  k->again = fp_db_exec_stmt(st);
  snprintf(k->msg, sizeof k->msg, "%s", fp_db_errmsg(c));
  /* The transaction goes on, as SQLite's does after a refused statement. */
  st = fp_db_stmt(c, "INSERT INTO t_uniq (k) VALUES (?)");
  fp_bind_text(st, 1, "b");
  k->other = fp_db_exec_stmt(st);
  st = fp_db_stmt(c, "INSERT INTO t_slots (who, r) VALUES (?, int8range(?, ?))");
  fp_bind_int64(st, 1, 1);
  fp_bind_int64(st, 2, 100);
  fp_bind_int64(st, 3, 200);
  if (fp_db_exec_stmt(st) != 0) return FP_EIO;
  st = fp_db_stmt(c, "INSERT INTO t_slots (who, r) VALUES (?, int8range(?, ?))");
  fp_bind_int64(st, 1, 1);
  fp_bind_int64(st, 2, 150);
  fp_bind_int64(st, 3, 250);
  k->overlap = fp_db_exec_stmt(st);
  snprintf(k->overlap_msg, sizeof k->overlap_msg, "%s", fp_db_errmsg(c));
  return 0;
}

static void test_conflict_keeps_transaction(void **state) {
  (void)state;
  struct pg_store *ps = fp_pg_of(&store);
  uint64_t replays = atomic_load(&ps->replays), savepoints = atomic_load(&ps->savepoints);
  struct conflict k = {0};
  assert_int_equal(fp_store_write(&store, conflict_tx, &k), 0);
  /* Run first without savepoints, then again with them once a statement failed. */
  assert_int_equal(atomic_load(&ps->replays), replays + 1);
  assert_true(atomic_load(&ps->savepoints) > savepoints);
  assert_int_equal(k.first, 0);
  assert_int_equal(k.again, FP_ECONFLICT);
  assert_non_null(strstr(k.msg, "t_uniq_k_taken"));
  assert_int_equal(k.other, 0);
  assert_int_equal(k.overlap, FP_ECONFLICT);
  assert_non_null(strstr(k.overlap_msg, "overlapping")); /* how the booking code tells the two apart */
  PGresult *res = other("SELECT string_agg(k, ',' ORDER BY k), (SELECT count(*) FROM t_slots) FROM t_uniq");
  assert_string_equal(PQgetvalue(res, 0, 0), "a,b"); /* the first "a" survived the refused second */
  assert_string_equal(PQgetvalue(res, 0, 1), "1");
  PQclear(res);
}

static int refuse_tx(struct fp_conn *c, void *ctx) {
  (void)ctx;
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO t_uniq (k) VALUES (?)");
  fp_bind_text(st, 1, "refused");
  fp_db_exec_stmt(st);
  return FP_EPERM;
}

static void test_refusal_rolls_back(void **state) {
  (void)state;
  assert_int_equal(fp_store_write(&store, refuse_tx, NULL), FP_EPERM);
  PGresult *res = other("SELECT count(*) FROM t_uniq WHERE k = 'refused'");
  assert_string_equal(PQgetvalue(res, 0, 0), "0");
  PQclear(res);
}

/* Write skew: each transaction counts the rows, then adds one numbered by that count. Run alone
   they give 0 and 1; together, SERIALIZABLE refuses one (40001) and the engine runs it again. */
static pthread_barrier_t both_read;
static _Atomic int skew_runs;

struct skew {
  int runs;
  int64_t wrote;
};

static int skew_tx(struct fp_conn *c, void *ctx) {
  struct skew *k = ctx;
  skew_runs++;
  fp_stmt *st = fp_db_stmt(c, "SELECT count(*) FROM t_skew");
  if (fp_step(st) != FP_ROW) return FP_EIO;
  int64_t n = fp_col_int64(st, 0);
  fp_reset(st);
  if (k->runs++ == 0) pthread_barrier_wait(&both_read);
  st = fp_db_stmt(c, "INSERT INTO t_skew (k) VALUES (?)");
  fp_bind_int64(st, 1, n);
  k->wrote = n;
  return fp_db_exec_stmt(st);
}

static void *skew_thread(void *arg) {
  intptr_t rc = fp_store_write(&store, skew_tx, arg);
  return (void *)rc;
}

static void test_serialization_failure_retried(void **state) {
  (void)state;
  uint64_t retries = atomic_load(&fp_pg_of(&store)->retries);
  pthread_barrier_init(&both_read, NULL, 2);
  struct skew a = {0}, b = {0};
  pthread_t ta, tb;
  pthread_create(&ta, NULL, skew_thread, &a);
  pthread_create(&tb, NULL, skew_thread, &b);
  void *ra, *rb;
  pthread_join(ta, &ra);
  pthread_join(tb, &rb);
  pthread_barrier_destroy(&both_read);
  assert_int_equal((intptr_t)ra, 0);
  assert_int_equal((intptr_t)rb, 0);
  assert_true(skew_runs >= 3);
  assert_true(atomic_load(&fp_pg_of(&store)->retries) > retries);
  assert_int_equal(a.wrote + b.wrote, 1); /* 0 and 1: as if one ran after the other */
  PGresult *res = other("SELECT string_agg(CAST(k AS TEXT), ',' ORDER BY k) FROM t_skew");
  assert_string_equal(PQgetvalue(res, 0, 0), "0,1");
  PQclear(res);
}

/* A deadlock: each transaction updates one row, then the other's. PostgreSQL cancels one (40P01)
   after deadlock_timeout; the engine runs it again and both end committed. */
struct crossed {
  int64_t first, second;
  int runs;
};

static int crossed_tx(struct fp_conn *c, void *ctx) {
  struct crossed *k = ctx;
  fp_stmt *st = fp_db_stmt(c, "UPDATE t_cross SET name = name || '+' WHERE id = ?");
  fp_bind_int64(st, 1, k->first);
  if (fp_db_exec_stmt(st) != 0) return FP_EIO;
  if (k->runs++ == 0) pthread_barrier_wait(&both_read);
  st = fp_db_stmt(c, "UPDATE t_cross SET name = name || '+' WHERE id = ?");
  fp_bind_int64(st, 1, k->second);
  return fp_db_exec_stmt(st);
}

static void *crossed_thread(void *arg) {
  intptr_t rc = fp_store_write(&store, crossed_tx, arg);
  return (void *)rc;
}

static void test_deadlock_retried(void **state) {
  (void)state;
  PQclear(other("INSERT INTO t_cross (id, name) VALUES (101, ''), (102, '')"));
  uint64_t retries = atomic_load(&fp_pg_of(&store)->retries);
  pthread_barrier_init(&both_read, NULL, 2);
  struct crossed a = {.first = 101, .second = 102}, b = {.first = 102, .second = 101};
  pthread_t ta, tb;
  pthread_create(&ta, NULL, crossed_thread, &a);
  pthread_create(&tb, NULL, crossed_thread, &b);
  void *ra, *rb;
  pthread_join(ta, &ra);
  pthread_join(tb, &rb);
  pthread_barrier_destroy(&both_read);
  assert_int_equal((intptr_t)ra, 0);
  assert_int_equal((intptr_t)rb, 0);
  assert_true(a.runs + b.runs >= 3);
  assert_true(atomic_load(&fp_pg_of(&store)->retries) > retries);
  PGresult *res = other("SELECT string_agg(name, ',' ORDER BY id) FROM t_cross");
  assert_string_equal(PQgetvalue(res, 0, 0), "++,++"); /* each transaction's two updates, once */
  PQclear(res);
}

static void test_statement_cache_evicts(void **state) {
  (void)state;
  struct fp_conn *r = fp_store_reader(&store);
  struct pg_conn *pc = (struct pg_conn *)r;
  /* A statement in the middle of its rows is never evicted, however old. */
  fp_stmt *held = fp_db_stmt(r, "SELECT g FROM generate_series(1, 2) g");
  assert_int_equal(fp_step(held), FP_ROW);
  assert_int_equal(fp_col_int64(held, 0), 1);
  uint64_t evictions = pc->evictions;
  char sql[64];
  for (int i = 0; i < FP_PG_STMT_CACHE + 40; i++) {
    snprintf(sql, sizeof sql, "SELECT %d + CAST(? AS BIGINT)", i);
    fp_stmt *st = fp_db_stmt(r, sql);
    assert_non_null(st);
    fp_bind_int64(st, 1, 1);
    assert_int_equal(fp_step(st), FP_ROW);
    assert_int_equal(fp_col_int64(st, 0), i + 1);
    fp_reset(st);
  }
  assert_true(pc->evictions >= evictions + 40);
  assert_true(pc->n_cached <= FP_PG_STMT_CACHE);
  assert_int_equal(fp_step(held), FP_ROW);
  assert_int_equal(fp_col_int64(held, 0), 2);
  assert_int_equal(fp_step(held), FP_DONE);
  fp_reset(held);
  /* Evicted statements are given back on the server too. */
  fp_stmt *st = fp_db_stmt(r, "SELECT count(*) FROM pg_prepared_statements");
  assert_int_equal(fp_step(st), FP_ROW);
  assert_true(fp_col_int64(st, 0) <= FP_PG_STMT_CACHE);
  fp_reset(st);
  /* An evicted statement comes back when asked for again. */
  st = fp_db_stmt(r, "SELECT 0 + CAST(? AS BIGINT)");
  fp_bind_int64(st, 1, 5);
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_int64(st, 0), 5);
  fp_reset(st);
}

static int touch_people(struct fp_conn *c, void *ctx) {
  int64_t *id = ctx;
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO t_people (id, name) VALUES (?, 'x')");
  fp_bind_int64(st, 1, *id);
  return fp_db_exec_stmt(st);
}

static int touch_plain(struct fp_conn *c, void *ctx) {
  (void)ctx;
  return fp_db_exec_stmt(fp_db_stmt(c, "INSERT INTO t_plain (id) VALUES (1)"));
}

static int64_t ms_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void test_generation(void **state) {
  (void)state;
  uint64_t g0 = fp_store_generation(&store);
  int64_t id = 1;
  assert_int_equal(fp_store_write(&store, touch_people, &id), 0);
  uint64_t g1 = fp_store_generation(&store);
  assert_true(g1 > g0); /* this server's own change: at once */
  /* A write elsewhere does not move it, even after a read of the database. */
  assert_int_equal(fp_store_write(&store, touch_plain, NULL), 0);
  usleep(300 * 1000);
  assert_int_equal(fp_store_generation(&store), g1);
  /* Another server's change: seen within the second the issue allows. */
  PQclear(other("UPDATE t_people SET name = 'y' WHERE id = 1"));
  int64_t start = ms_now();
  while (fp_store_generation(&store) == g1 && ms_now() - start < 3000) usleep(20 * 1000);
  assert_true(fp_store_generation(&store) > g1);
  assert_true(ms_now() - start < 1000);
}

static int insert_uniq(struct fp_conn *c, void *ctx) {
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO t_uniq (k) VALUES (?)");
  fp_bind_text(st, 1, ctx);
  return fp_db_exec_stmt(st);
}

/* A server restart or failover drops every connection: the next read and write open them again. */
static void test_reconnects(void **state) {
  (void)state;
  struct fp_conn *r = fp_store_reader(&store);
  fp_stmt *st = fp_db_stmt(r, "SELECT 1");
  assert_int_equal(fp_step(st), FP_ROW);
  fp_reset(st);
  /* The writer has the statement prepared: after the restart its first statement goes out with
     the transaction's BEGIN in one pipeline (pg.c execute_with_begin), which finds the connection
     gone: the transaction is run again on a new one. */
  assert_int_equal(fp_store_write(&store, insert_uniq, "before-restart"), 0);
  PQclear(other("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'flexpool' AND pid <> pg_backend_pid()"));
  usleep(100 * 1000);
  st = fp_db_stmt(fp_store_reader(&store), "SELECT 2");
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_int64(st, 0), 2);
  fp_reset(st);
  assert_int_equal(fp_store_write(&store, insert_uniq, "after-restart"), 0);
}

static void test_read_transaction(void **state) {
  (void)state;
  struct fp_conn *r = fp_store_reader(&store);
  assert_int_equal(fp_db_read_begin(r), 0);
  fp_stmt *st = fp_db_stmt(r, "SELECT count(*) FROM t_uniq");
  assert_int_equal(fp_step(st), FP_ROW);
  int64_t before = fp_col_int64(st, 0);
  fp_reset(st);
  PQclear(other("INSERT INTO t_uniq (k) VALUES ('during')"));
  st = fp_db_stmt(r, "SELECT count(*) FROM t_uniq");
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_int64(st, 0), before); /* one snapshot */
  fp_reset(st);
  fp_db_read_end(r);
  st = fp_db_stmt(r, "SELECT count(*) FROM t_uniq");
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_int64(st, 0), before + 1);
  fp_reset(st);
  /* Readers are read-only, as SQLite's are. */
  st = fp_db_stmt(r, "INSERT INTO t_uniq (k) VALUES ('from a reader')");
  assert_int_equal(fp_step(st), FP_EIO);
  fp_reset(st);
}

/* ---- reads sent early and writes run later (sql.h fp_db_prefetch, fp_db_run_later) ---- */

static fp_stmt *person(struct fp_conn *c, int64_t id) {
  fp_stmt *st = fp_db_stmt(c, "SELECT name FROM t_people WHERE id = ?");
  fp_bind_int64(st, 1, id);
  return st;
}

/* The name of person id as st answers it ("" for none), then reset. */
static void name_of(fp_stmt *st, char *out, size_t len) {
  int rc = fp_step(st);
  snprintf(out, len, "%s", rc == FP_ROW && fp_col_text(st, 0) ? fp_col_text(st, 0) : "");
  fp_reset(st);
}

struct early {
  int queued_after_prefetch, queued_after_step;
  char plain[32], taken[32], after_write[32], other_values[32];
};

static int early_tx(struct fp_conn *c, void *ctx) {
  struct early *e = ctx;
  struct pg_conn *pc = (struct pg_conn *)c;
  name_of(person(c, 71), e->plain, sizeof e->plain); /* run once: prepared on this connection */
  fp_db_prefetch(person(c, 71));
  e->queued_after_prefetch = pc->n_early;
  name_of(person(c, 71), e->taken, sizeof e->taken);
  e->queued_after_step = pc->n_early;
  /* A write after it was sent: what it read is no longer true, so the step reads again. */
  fp_db_prefetch(person(c, 71));
  fp_stmt *st = fp_db_stmt(c, "UPDATE t_people SET name = ? WHERE id = ?");
  fp_bind_text(st, 1, "renamed");
  fp_bind_int64(st, 2, 71);
  if (fp_db_exec_stmt(st) != 0) return FP_EIO;
  name_of(person(c, 71), e->after_write, sizeof e->after_write);
  /* Stepped with other values than it was sent with: run afresh. */
  fp_db_prefetch(person(c, 71));
  name_of(person(c, 72), e->other_values, sizeof e->other_values);
  return pc->n_early == 0 ? 0 : FP_EIO;
}

static void test_prefetch(void **state) {
  (void)state;
  PQclear(other("DELETE FROM t_people WHERE id IN (71, 72); INSERT INTO t_people VALUES (71, 'first'), (72, 'second')"));
  struct early e = {0};
  assert_int_equal(fp_store_write(&store, early_tx, &e), 0);
  assert_string_equal(e.plain, "first");
  assert_int_equal(e.queued_after_prefetch, 1);
  assert_string_equal(e.taken, "first");
  assert_int_equal(e.queued_after_step, 0);
  assert_string_equal(e.after_write, "renamed");
  assert_string_equal(e.other_values, "second");
}

struct later {
  int runs, guarded_runs, queued, late_rc, read_rc;
};

static int later_tx(struct fp_conn *c, void *ctx) {
  struct later *l = ctx;
  struct pg_conn *pc = (struct pg_conn *)c;
  l->runs++;
  if (pc->guard) l->guarded_runs++;
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO t_uniq (k) VALUES (?)");
  fp_bind_text(st, 1, "later-1");
  if (fp_db_exec_stmt(st) != 0) return FP_EIO; /* prepared on this connection */
  st = fp_db_stmt(c, "INSERT INTO t_uniq (k) VALUES (?)");
  fp_bind_text(st, 1, "later-2");
  if (fp_db_run_later(st) != 0) return FP_EIO; /* goes with the COMMIT */
  st = fp_db_stmt(c, "INSERT INTO t_uniq (k) VALUES (?)");
  fp_bind_text(st, 1, "later-1"); /* taken: refused */
  l->late_rc = fp_db_run_later(st);
  l->queued = pc->n_early;
  /* The next statement carries the refused one: its failure voids the run, which runs again with
     each write run at once, where the refusal is answered by the statement itself. */
  st = fp_db_stmt(c, "SELECT count(*) FROM t_uniq WHERE k LIKE 'later-%'");
  l->read_rc = fp_step(st);
  fp_reset(st);
  return 0;
}

static void test_run_later(void **state) {
  (void)state;
  struct pg_store *ps = fp_pg_of(&store);
  uint64_t replays = atomic_load(&ps->replays);
  struct later l = {0};
  assert_int_equal(fp_store_write(&store, later_tx, &l), 0);
  assert_int_equal(l.runs, 2);
  assert_int_equal(l.guarded_runs, 1);
  assert_int_equal(atomic_load(&ps->replays), replays + 1);
  /* The guarded run's answers: the refusal from the statement itself, nothing queued. */
  assert_int_equal(l.late_rc, FP_ECONFLICT);
  assert_int_equal(l.queued, 0);
  assert_int_equal(l.read_rc, FP_ROW);
  PGresult *res = other("SELECT string_agg(k, ',' ORDER BY k) FROM t_uniq WHERE k LIKE 'later-%'");
  assert_string_equal(PQgetvalue(res, 0, 0), "later-1,later-2"); /* the write run later committed */
  PQclear(res);
}

int main(void) {
  /* A test that hangs (two transactions waiting on each other) ends here, so that pg_virtualenv
     drops its cluster, instead of holding ctest and leaving the cluster behind when killed. */
  alarm(180);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_placeholders),
      cmocka_unit_test(test_types),
      cmocka_unit_test(test_nulls),
      cmocka_unit_test(test_bytea),
      cmocka_unit_test(test_conflict_keeps_transaction),
      cmocka_unit_test(test_refusal_rolls_back),
      cmocka_unit_test(test_serialization_failure_retried),
      cmocka_unit_test(test_deadlock_retried),
      cmocka_unit_test(test_statement_cache_evicts),
      cmocka_unit_test(test_generation),
      cmocka_unit_test(test_reconnects),
      cmocka_unit_test(test_read_transaction),
      cmocka_unit_test(test_prefetch),
      cmocka_unit_test(test_run_later),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
