/*
 * The store's write queue and group commit: jobs from many threads are batched into one
 * transaction, each in its own SAVEPOINT; a job that refuses is rolled back alone; everything a
 * job was told is durable is there; the identity generation moves only for identity tables; the
 * WAL stays small under a write load that never pauses; readers are reused as threads come and go.
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

#include "core/error.h"
#include "store/db.h"
#include "store/sql.h"
#include "store/sqlite/sqlite.h"

static char dir[64];
static struct fp_store store;

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

static int setup(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/flexpool-unit-XXXXXX");
  if (!mkdtemp(dir)) return -1;
  return fp_store_open(&store, dir, NULL);
}

static int teardown(void **state) {
  (void)state;
  fp_store_release(&store);
  nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
  return 0;
}

struct job {
  int value;
  bool refuse;
};

static int insert_tx(struct fp_conn *c, void *ctx) {
  struct job *j = ctx;
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO postcodes (postcode, lat, lon) VALUES (?, 53.0, -1.5)");
  if (!st) return FP_EIO;
  char pc[16];
  snprintf(pc, sizeof pc, "T%d", j->value);
  fp_bind_text(st, 1, pc);
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  return j->refuse ? 1 : 0; /* written, then refused: must leave nothing behind */
}

#define THREADS 16
#define PER_THREAD 50

static void *writer(void *arg) {
  int t = (int)(intptr_t)arg;
  for (int k = 0; k < PER_THREAD; k++) {
    struct job j = {t * 1000 + k, k % 5 == 0};
    int rc = fp_store_write(&store, insert_tx, &j);
    if (rc != (j.refuse ? 1 : 0)) return (void *)1;
  }
  return NULL;
}

static int count(const char *sql) {
  struct fp_conn *c = fp_store_reader(&store);
  fp_stmt *st = fp_db_stmt(c, sql);
  int n = fp_step(st) == FP_ROW ? fp_col_int64(st, 0) : -1;
  fp_reset(st);
  return n;
}

static void test_many_writers_each_job_its_own_fate(void **state) {
  (void)state;
  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, writer, (void *)(intptr_t)t);
  for (int t = 0; t < THREADS; t++) {
    void *ret = NULL;
    pthread_join(th[t], &ret);
    assert_null(ret);
  }
  /* Every fifth job refused: 4 of 5 are there, and none of the refused ones. */
  assert_int_equal(count("SELECT COUNT(*) FROM postcodes WHERE postcode LIKE 'T%'"), THREADS * PER_THREAD * 4 / 5);
  assert_int_equal(count("SELECT COUNT(*) FROM postcodes WHERE postcode = 'T1005'"), 0);
  assert_int_equal(count("SELECT COUNT(*) FROM postcodes WHERE postcode = 'T1006'"), 1);
}

static int touch_users(struct fp_conn *c, void *ctx) {
  (void)ctx;
  return fp_db_exec(c, "INSERT INTO users (email, name, password_hash, created_at) VALUES ('u@x.test', 'U', 'h', 0)");
}

static int session_insert(struct fp_conn *c, void *ctx) {
  (void)ctx;
  return fp_db_exec(c, "INSERT INTO sessions (id, token_hash, user_id, csrf, created_at, last_seen_at)"
                       " SELECT 77, x'00', id, 'c', 0, 0 FROM users WHERE email = 'u@x.test'");
}

static int session_touch(struct fp_conn *c, void *ctx) {
  (void)ctx;
  return fp_db_exec(c, "UPDATE sessions SET last_seen_at = 60 WHERE id = 77");
}

static int session_end(struct fp_conn *c, void *ctx) {
  (void)ctx;
  return fp_db_exec(c, "DELETE FROM sessions WHERE id = 77");
}

static int membership(struct fp_conn *c, void *ctx) {
  (void)ctx;
  return fp_db_exec(c, "INSERT INTO organisations (id, level, ods_code, name, created_at) VALUES (900, 'practice', 'B99999', 'P', 0);"
                       "INSERT INTO pools (id, name, host_organisation_id, created_at) VALUES (900, 'Pool', 900, 0);"
                       "INSERT INTO pool_members (pool_id, organisation_id, added_at) VALUES (900, 900, 0)");
}

static void test_identity_generation(void **state) {
  (void)state;
  uint64_t g0 = fp_store_generation(&store);
  struct job j = {424242, false};
  assert_int_equal(fp_store_write(&store, insert_tx, &j), 0);
  assert_int_equal(fp_store_generation(&store), g0); /* postcodes say nothing about who anyone is */
  assert_int_equal(fp_store_write(&store, touch_users, NULL), 0);
  assert_true(fp_store_generation(&store) > g0);
  /* Sessions: starting one or touching its last-seen time changes nothing cached; ending one does. */
  uint64_t g1 = fp_store_generation(&store);
  assert_int_equal(fp_store_write(&store, session_insert, NULL), 0);
  assert_int_equal(fp_store_write(&store, session_touch, NULL), 0);
  assert_int_equal(fp_store_generation(&store), g1);
  assert_int_equal(fp_store_write(&store, session_end, NULL), 0);
  assert_true(fp_store_generation(&store) > g1);
  /* Pool membership decides what a clinician sees. */
  uint64_t g2 = fp_store_generation(&store);
  assert_int_equal(fp_store_write(&store, membership, NULL), 0);
  assert_true(fp_store_generation(&store) > g2);
}

static int make_blobs(struct fp_conn *c, void *ctx) {
  (void)ctx;
  return fp_db_exec(c, "CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
}

static int blob_tx(struct fp_conn *c, void *ctx) {
  (void)ctx;
  return fp_db_exec(c, "INSERT INTO blobs (body) VALUES (randomblob(8000))");
}

#define BLOB_THREADS 8
#define BLOBS_PER_THREAD 400

static void *blob_writer(void *arg) {
  (void)arg;
  for (int k = 0; k < BLOBS_PER_THREAD; k++)
    if (fp_store_write(&store, blob_tx, NULL) != 0) return (void *)1;
  return NULL;
}

static void test_wal_stays_small_under_constant_writes(void **state) {
  (void)state;
  assert_int_equal(fp_store_write(&store, make_blobs, NULL), 0);
  /* 8 clients that never pause: about 26 MB of new pages, each batch starting while the last is
     still being checkpointed. */
  pthread_t th[BLOB_THREADS];
  for (int t = 0; t < BLOB_THREADS; t++) pthread_create(&th[t], NULL, blob_writer, NULL);
  for (int t = 0; t < BLOB_THREADS; t++) {
    void *ret = NULL;
    pthread_join(th[t], &ret);
    assert_null(ret);
  }
  assert_int_equal(count("SELECT COUNT(*) FROM blobs"), BLOB_THREADS * BLOBS_PER_THREAD);
  char wal[128];
  snprintf(wal, sizeof wal, "%s/flexpool.db-wal", dir);
  struct stat st;
  assert_int_equal(stat(wal, &st), 0);
  /* The WAL starts again from its beginning every thousand or so pages (4 MiB): well under 12 MiB. */
  assert_true(st.st_size < 12 * 1024 * 1024);
}

static void *one_read(void *arg) {
  (void)arg;
  return count("SELECT COUNT(*) FROM postcodes") >= 0 ? NULL : (void *)1;
}

static void test_readers_outlive_their_threads(void **state) {
  (void)state;
  /* The HTTP server runs a thread per connection: 200 short-lived threads, one after another,
     must share one reader, not open 200 (each an SQLite connection and its file descriptors). */
  int before = fp_sqlite_of(&store)->readers.n;
  for (int i = 0; i < 200; i++) {
    pthread_t t;
    void *ret = NULL;
    assert_int_equal(pthread_create(&t, NULL, one_read, NULL), 0);
    pthread_join(t, &ret);
    assert_null(ret);
  }
  assert_true(fp_sqlite_of(&store)->readers.n <= before + 1);
  /* Concurrent threads each get their own. */
  pthread_t th[4];
  for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, one_read, NULL);
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  assert_true(fp_sqlite_of(&store)->readers.n <= before + 4);
}

/* A value longer than its buffer is never cut silently: FP_ETOOBIG, counted for the thread (the
   HTTP layer answers 500 on it), cut at a character boundary; one that fits is copied whole. */
static int read_cut_tx(struct fp_conn *c, void *ctx) {
  (void)ctx;
  char buf[5];
  fp_stmt *st = fp_db_stmt(c, "SELECT 'caf\xc3\xa9s'"); /* "cafés": 6 bytes, é is 2; 4 fit */
  if (!st || fp_step(st) != FP_ROW) return FP_EIO;
  int rc = fp_db_col_copy(st, 0, buf, sizeof buf);
  fp_reset(st);
  if (rc != FP_ETOOBIG || strcmp(buf, "caf") != 0) return FP_EINVAL;
  return 0;
}

static void test_col_copy_never_cuts_silently(void **state) {
  (void)state;
  struct fp_conn *c = fp_store_reader(&store);
  assert_non_null(c);
  fp_db_truncations_take();
  fp_stmt *st = fp_db_stmt(c, "SELECT 'caf\xc3\xa9', NULL");
  assert_non_null(st);
  assert_int_equal(fp_step(st), FP_ROW);
  char fits[6] = "x", cut[5] = "x", none[2] = "x";
  assert_int_equal(fp_db_col_copy(st, 0, fits, sizeof fits), 0);
  assert_string_equal(fits, "caf\xc3\xa9");
  assert_int_equal(fp_db_truncations_take(), 0);
  assert_int_equal(fp_db_col_copy(st, 0, cut, sizeof cut), FP_ETOOBIG);
  assert_string_equal(cut, "caf"); /* not "caf\xc3": never half a character */
  assert_int_equal(fp_db_col_copy(st, 1, none, sizeof none), 0);
  assert_string_equal(none, "");
  fp_reset(st);
  assert_int_equal(fp_db_truncations_take(), 1);
  assert_int_equal(fp_db_truncations_take(), 0);
  /* A cut inside a write transaction (on the writer thread) is counted for the thread that asked. */
  assert_int_equal(fp_store_write(&store, read_cut_tx, NULL), 0);
  assert_int_equal(fp_db_truncations_take(), 1);
}

/* A parameter left unbound is refused, not run as NULL; a NULL bound on purpose runs. */
static void test_unbound_parameter_is_refused(void **state) {
  (void)state;
  struct fp_conn *c = fp_store_reader(&store);
  assert_non_null(c);
  fp_stmt *st = fp_db_stmt(c, "SELECT COUNT(*) FROM postcodes WHERE lat < ? AND lon < ?");
  assert_non_null(st);
  fp_bind_double(st, 1, 90.0);
  assert_int_equal(fp_step(st), FP_EIO);
  fp_reset(st);
  st = fp_db_stmt(c, "SELECT COUNT(*) FROM postcodes WHERE lat < ? AND lon < ?");
  fp_bind_double(st, 1, 90.0);
  fp_bind_null(st, 2);
  assert_int_equal(fp_step(st), FP_ROW);
  fp_reset(st);
  /* Numbered parameters may leave a number out. */
  st = fp_db_stmt(c, "SELECT ?1 + ?3");
  fp_bind_int64(st, 1, 2);
  fp_bind_int64(st, 3, 5);
  assert_int_equal(fp_step(st), FP_ROW);
  assert_int_equal(fp_col_int64(st, 0), 7);
  fp_reset(st);
}

/*
 * The statement cache never fails: thousands of distinct statements on one connection each run
 * and give their own answer (the cache evicts the least recently used); a statement in the middle
 * of a run is never evicted under it; statements still cached are found again.
 */
static void test_statement_cache_evicts_never_fails(void **state) {
  (void)state;
  struct fp_conn *c = fp_store_reader(&store);
  assert_non_null(c);
  /* A statement held mid-run while thousands of others come and go. */
  fp_stmt *held = fp_db_stmt(c, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n");
  assert_non_null(held);
  assert_int_equal(fp_step(held), FP_ROW);
  assert_int_equal(fp_col_int64(held, 0), 1);
  char sql[128];
  for (int i = 0; i < 5000; i++) {
    snprintf(sql, sizeof sql, "SELECT %d + ?", i);
    fp_stmt *st = fp_db_stmt(c, sql);
    assert_non_null(st);
    fp_bind_int64(st, 1, 1);
    assert_int_equal(fp_step(st), FP_ROW);
    assert_int_equal(fp_col_int64(st, 0), i + 1);
    fp_reset(st);
    /* A recent one is still cached: the same handle comes back. */
    if (i >= 10) {
      snprintf(sql, sizeof sql, "SELECT %d + ?", i - 10);
      fp_stmt *again = fp_db_stmt(c, sql);
      assert_ptr_equal(again, fp_db_stmt(c, sql));
    }
  }
  assert_true(((struct sq_conn *)c)->evictions > 0);
  assert_true(((struct sq_conn *)c)->n_cached <= FP_STMT_CACHE);
  assert_int_equal(fp_step(held), FP_ROW);
  assert_int_equal(fp_col_int64(held, 0), 2);
  fp_reset(held);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_many_writers_each_job_its_own_fate),
      cmocka_unit_test(test_identity_generation),
      cmocka_unit_test(test_wal_stays_small_under_constant_writes),
      cmocka_unit_test(test_readers_outlive_their_threads),
      cmocka_unit_test(test_col_copy_never_cuts_silently),
      cmocka_unit_test(test_statement_cache_evicts_never_fails),
      cmocka_unit_test(test_unbound_parameter_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
