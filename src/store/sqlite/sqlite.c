/* The SQLite engine: connections, statement cache and the writer's group commit. See sqlite.h. */
#include "store/sqlite/sqlite.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"
#include "store/rows.h"

static int sq_exec(struct fp_conn *base, const char *sql);

static void *writer_main(void *arg);
static void *checkpoint_main(void *arg);
static struct fp_conn *reader_open(struct fp_store *store);
static void reader_close(struct fp_conn *c);
static void on_update(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid);
static int on_wal(void *arg, sqlite3 *db, const char *name, int pages);

static int conn_open(struct sq_conn *c, struct fp_store *store, const char *path, bool writer) {
  memset(c, 0, sizeof *c);
  c->base.engine = &fp_engine_sqlite;
  c->base.store = store;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
    fprintf(stderr, "store: cannot open '%s': %s\n", path, c->db ? sqlite3_errmsg(c->db) : "no memory");
    sqlite3_close(c->db);
    c->db = NULL;
    return FP_EIO;
  }
  sqlite3_busy_timeout(c->db, 10000);
  sqlite3_extended_result_codes(c->db, 1);
  /* A page cache per connection (8 MiB for the writer, 4 MiB for each reader), and no memory map:
     a connection whose read transaction finds the WAL changed since its last (after any commit, so
     every request under write load) unmaps the whole file and faults its pages in again, page-table
     work that took booking from 3,000 to 1,400 a second (docs/PERFORMANCE.md, session 21). Shift
     search alone read as fast without it. The writer keeps its temporary data in memory: each job
     of a batch runs in its own SAVEPOINT, whose statement journal (the pages as they were before the
     job) otherwise goes to a temporary file past 64 KiB, created, written and deleted at every
     batch (session 22). The writer's cache was 64 MiB until session 27: at 8 MiB a booking takes
     about a tenth less of the writer's time, its statements and its batch's COMMIT both (SQLite
     walks the whole cache's hash table at a commit; the pages it no longer keeps are in the OS's
     cache, a pread away). */
  const char *pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                                 " PRAGMA mmap_size=0; PRAGMA cache_size=-8192; PRAGMA wal_autocheckpoint=0;"
                                 " PRAGMA journal_size_limit=67108864; PRAGMA temp_store=MEMORY;"
                               : "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                                 " PRAGMA mmap_size=0; PRAGMA cache_size=-4096;";
  if (sq_exec(&c->base, pragmas) != 0) return FP_EIO;
  return 0;
}

static void conn_close(struct sq_conn *c) {
  for (int i = 0; i < FP_STMT_SLOTS; i++) {
    if (c->cache[i].stmt) {
      sqlite3_finalize(c->cache[i].stmt->st);
      free(c->cache[i].stmt);
    }
    free(c->cache[i].sql);
  }
  if (c->db) sqlite3_close(c->db);
  memset(c, 0, sizeof *c);
}

/* SQLite's memory statistics take a process-wide mutex on every allocation; nothing here reads them. */
static void configure_sqlite(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
static pthread_once_t configure_once = PTHREAD_ONCE_INIT;

static int sq_read_begin(struct fp_conn *base) {
  fp_stmt *st = fp_db_stmt(base, "BEGIN");
  return st ? fp_db_exec_stmt(st) : FP_EIO;
}

static void sq_read_end(struct fp_conn *base) {
  struct sq_conn *c = (struct sq_conn *)base;
  if (sqlite3_get_autocommit(c->db)) return;
  fp_stmt *st = fp_db_stmt(base, "COMMIT");
  if (st) fp_db_exec_stmt(st);
}

static void sq_release(struct fp_store *store);

static int sq_open(struct fp_store *store, const char *database) {
  (void)database;
  pthread_once(&configure_once, configure_sqlite);
  struct sq_store *s = calloc(1, sizeof *s);
  if (!s) return FP_ENOMEM;
  store->impl = s;
  size_t n = strlen(store->data_dir) + 16;
  s->path = malloc(n);
  if (!s->path) return FP_ENOMEM;
  snprintf(s->path, n, "%s/flexpool.db", store->data_dir);
  pthread_mutex_init(&s->write_lock, NULL);
  pthread_cond_init(&s->job_ready, NULL);
  pthread_cond_init(&s->checkpoint_wake, NULL);
  fp_reader_pool_init(&s->readers, store, reader_open, reader_close);
  if (conn_open(&s->writer, store, s->path, true) != 0) return FP_EIO;
  if (fp_store_migrate(&s->writer.base) != 0) return FP_EIO;
  sqlite3_update_hook(s->writer.db, on_update, s);
  sqlite3_wal_hook(s->writer.db, on_wal, s);
  if (pthread_create(&s->writer_thread, NULL, writer_main, s) != 0) return FP_EIO;
  s->writer_running = true;
  if (conn_open(&s->checkpointer, store, s->path, true) != 0) return FP_EIO;
  if (pthread_create(&s->checkpoint_thread, NULL, checkpoint_main, s) != 0) return FP_EIO;
  s->checkpoint_running = true;
  return 0;
}

static void sq_release(struct fp_store *store) {
  struct sq_store *s = store->impl;
  if (!s) return;
  pthread_mutex_lock(&s->write_lock);
  s->stopping = true;
  pthread_cond_broadcast(&s->job_ready);
  pthread_cond_broadcast(&s->checkpoint_wake);
  pthread_mutex_unlock(&s->write_lock);
  if (s->writer_running) pthread_join(s->writer_thread, NULL);
  if (s->checkpoint_running) pthread_join(s->checkpoint_thread, NULL);
  if (s->checkpointer.db) sqlite3_wal_checkpoint_v2(s->checkpointer.db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  conn_close(&s->checkpointer);
  fp_reader_pool_release(&s->readers);
  conn_close(&s->writer);
  pthread_mutex_destroy(&s->write_lock);
  pthread_cond_destroy(&s->job_ready);
  pthread_cond_destroy(&s->checkpoint_wake);
  free(s->path);
  free(s);
  store->impl = NULL;
}

/* Readers: a connection per thread that reads, kept in the store's reader pool (engine.h). */
static struct fp_conn *reader_open(struct fp_store *store) {
  struct sq_store *s = store->impl;
  struct sq_conn *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (conn_open(c, store, s->path, false) != 0) {
    conn_close(c);
    free(c);
    return NULL;
  }
  return &c->base;
}

static void reader_close(struct fp_conn *c) {
  conn_close((struct sq_conn *)c);
  free(c);
}

static struct fp_conn *sq_reader(struct fp_store *store) {
  struct sq_store *s = store->impl;
  return fp_reader_pool_get(&s->readers);
}

struct fp_write_job {
  fp_tx_fn fn;
  void *ctx;
  int rc;
  unsigned truncations;   /* values the job's reads had to cut (fp_db_col_copy), handed to its caller */
  bool done;
  pthread_cond_t done_cv; /* each waiter has its own, so a batch wakes only its own callers */
  struct fp_write_job *next;
};

#define MAX_BATCH 64

/* At the end of a batch, however it ended: what was read of a changed catalogue is stale. */
static void catalogue_settle(struct sq_store *s) {
  if (s->catalogue_changed) {
    s->catalogue_changed = false;
    s->catalogue_generation++;
  }
}

/* A job's SAVEPOINT, RELEASE or ROLLBACK TO, from the writer's statement cache (rows.h
   fp_db_run_ints with no values): parsed once, not at every job as sqlite3_exec does (1.7 % of the
   writer's time under booking load, docs/PERFORMANCE.md session 26). */
static int run_cached(struct fp_conn *w, const char *sql) { return fp_db_run_ints(w, sql, NULL, 0); }

/* Runs a batch: BEGIN IMMEDIATE, each job in its SAVEPOINT, one COMMIT. */
static void run_batch(struct sq_store *s, struct fp_write_job **jobs, int n) {
  struct fp_conn *w = &s->writer.base;
  if (fp_db_exec(w, "BEGIN IMMEDIATE") != 0) {
    /* Another process (not a server: one owns the folder; an operator's sqlite3 shell, say) held
       the write lock past the busy timeout: nothing was done, the callers may ask again. */
    int busy = (sqlite3_errcode(s->writer.db) & 0xff) == SQLITE_BUSY;
    for (int i = 0; i < n; i++) jobs[i]->rc = busy ? FP_EBUSY : FP_EIO;
    return;
  }
  bool any = false;
  for (int i = 0; i < n; i++) {
    if (run_cached(w, "SAVEPOINT job") != 0) {
      jobs[i]->rc = FP_EIO;
      continue;
    }
    jobs[i]->rc = jobs[i]->fn(w, jobs[i]->ctx);
    jobs[i]->truncations = fp_db_truncations_take();
    if (sqlite3_get_autocommit(s->writer.db)) {
      /* A hard error (disk full, I/O) rolled the whole batch back: nothing of it is durable. */
      for (int k = 0; k < n; k++)
        if (k > i || jobs[k]->rc == 0) jobs[k]->rc = FP_EIO;
      catalogue_settle(s);
      return;
    }
    if (jobs[i]->rc != 0) run_cached(w, "ROLLBACK TO job");
    else any = true;
    run_cached(w, "RELEASE job");
    if (s->catalogue_changed) s->catalogue_generation++;
  }
  if (!any) {
    fp_db_exec(w, "ROLLBACK");
    s->identity_changed = false;
    catalogue_settle(s);
    return;
  }
  if (fp_db_exec(w, "COMMIT") != 0) {
    fp_db_exec(w, "ROLLBACK");
    for (int i = 0; i < n; i++)
      if (jobs[i]->rc == 0) jobs[i]->rc = FP_EIO;
  }
  /* Bump even after a failure or a rollback: a spurious bump only costs a cache miss. */
  catalogue_settle(s);
  if (s->identity_changed) {
    s->identity_changed = false;
    atomic_fetch_add(&s->generation, 1);
  }
}

/*
 * Checkpoints. The checkpointer thread copies the WAL back into the database (the slow part: page
 * copies and the database file's fsync) while the writer goes on; the writer's WAL hook wakes it
 * each time the WAL grows by another CHECKPOINT_PAGES (and it runs once a second anyway). Like SQLite's own auto-checkpoint, but never inside the
 * writer's commit, and not after every batch, which would double the fsyncs.
 *
 * A WAL only starts again from its beginning when a write transaction begins with every frame
 * already copied back; a busy writer always begins its next batch while the checkpointer is still
 * copying the last one, so the WAL would grow without end (hundreds of MiB under a booking load,
 * every page lookup searching more of the WAL index). So once the WAL holds RESTART_PAGES, the
 * writer itself, between two batches, copies back the few frames the checkpointer has not (a
 * PASSIVE checkpoint: it never waits for readers), and its next batch restarts the WAL.
 */
#define CHECKPOINT_PAGES 250
#define RESTART_PAGES 1000

static int on_wal(void *arg, sqlite3 *db, const char *name, int pages) {
  (void)db;
  (void)name;
  struct sq_store *s = arg;
  if (pages / CHECKPOINT_PAGES > s->wal_pages / CHECKPOINT_PAGES) pthread_cond_signal(&s->checkpoint_wake);
  s->wal_pages = pages;
  return SQLITE_OK;
}

/* The writer's update hook: notes changes to the tables that say who someone is (and which pools
   a clinician is in, which decides what they see). */
static void on_update(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid) {
  (void)db;
  (void)rowid;
  struct sq_store *s = arg;
  /* A new session cannot make a cached one stale, and a session's own last-seen time (touched
     every eighth of the idle time by every active user) is kept by the cache itself: only an ended session counts. */
  if (strcmp(table, "sessions") == 0) {
    if (op == SQLITE_DELETE) s->identity_changed = true;
    return;
  }
  /* user_totp: whether the account owes a second factor is part of who is asking. */
  if (strcmp(table, "users") == 0 || strcmp(table, "user_roles") == 0 || strcmp(table, "clinicians") == 0 ||
      strcmp(table, "pool_members") == 0 || strcmp(table, "user_totp") == 0)
    s->identity_changed = true;
  if (strcmp(table, "passport_check_types") == 0 || strcmp(table, "passport_requirements") == 0 ||
      strcmp(table, "passport_pool_requirements") == 0) {
    s->catalogue_changed = true;
    s->catalogue_generation++;
  }
}

static void *checkpoint_main(void *arg) {
  struct sq_store *s = arg;
  pthread_mutex_lock(&s->write_lock);
  while (!s->stopping) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1; /* and at least once a second */
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&s->checkpoint_wake, &s->write_lock, &until);
    if (s->stopping) break;
    pthread_mutex_unlock(&s->write_lock);
    int log = 0, done = 0;
    sqlite3_wal_checkpoint_v2(s->checkpointer.db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    pthread_mutex_lock(&s->write_lock);
  }
  pthread_mutex_unlock(&s->write_lock);
  return NULL;
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void sq_stats(struct fp_store *store, struct fp_store_stats *out) {
  struct sq_store *s = store->impl;
  pthread_mutex_lock(&s->write_lock);
  *out = s->counters;
  out->write_queue = 0;
  for (const struct fp_write_job *j = s->queue_head; j; j = j->next) out->write_queue++;
  pthread_mutex_unlock(&s->write_lock);
  fp_reader_pool_counts(&s->readers, &out->connections_in_use, &out->connections_idle);
  out->connections_in_use += (s->writer.db ? 1 : 0) + (s->checkpointer.db ? 1 : 0);
}

static void *writer_main(void *arg) {
  struct sq_store *s = arg;
  pthread_mutex_lock(&s->write_lock);
  for (;;) {
    while (!s->queue_head && !s->stopping) pthread_cond_wait(&s->job_ready, &s->write_lock);
    if (!s->queue_head && s->stopping) break;
    struct fp_write_job *jobs[MAX_BATCH];
    int n = 0;
    while (s->queue_head && n < MAX_BATCH) {
      jobs[n++] = s->queue_head;
      s->queue_head = s->queue_head->next;
    }
    if (!s->queue_head) s->queue_tail = NULL;
    pthread_mutex_unlock(&s->write_lock);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_batch(s, jobs, n);
    double took = seconds_since(&t0);
    pthread_mutex_lock(&s->write_lock);
    s->counters.batches++;
    fp_store_hist_observe(&s->counters.commit_seconds, took);
    for (int i = 0; i < n; i++) {
      if (jobs[i]->rc == 0) s->counters.writes_ok++;
      else s->counters.writes_failed++;
      jobs[i]->done = true;
      pthread_cond_signal(&jobs[i]->done_cv);
    }
    if (s->wal_pages >= RESTART_PAGES) {
      pthread_mutex_unlock(&s->write_lock);
      int log = 0, done = 0;
      /* SQLITE_BUSY while the checkpointer is mid-copy: then after the next batch. */
      if (sqlite3_wal_checkpoint_v2(s->writer.db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) == SQLITE_OK && log == done)
        s->wal_pages = 0;
      pthread_mutex_lock(&s->write_lock);
    }
  }
  pthread_mutex_unlock(&s->write_lock);
  return NULL;
}

static int sq_write(struct fp_store *store, fp_tx_fn fn, fp_tx_fn after, void *ctx, bool locking) {
  (void)locking; /* one write transaction at a time: every one is serializable */
  (void)after;   /* not write_after: db.c runs it on a reader, off the one writer */
  struct sq_store *s = store->impl;
  struct fp_write_job job = {.fn = fn, .ctx = ctx};
  pthread_cond_init(&job.done_cv, NULL);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_mutex_lock(&s->write_lock);
  if (s->queue_tail) s->queue_tail->next = &job;
  else s->queue_head = &job;
  s->queue_tail = &job;
  pthread_cond_signal(&s->job_ready);
  while (!job.done) pthread_cond_wait(&job.done_cv, &s->write_lock);
  fp_store_hist_observe(&s->counters.write_seconds, seconds_since(&t0));
  pthread_mutex_unlock(&s->write_lock);
  pthread_cond_destroy(&job.done_cv);
  fp_db_truncations_add(job.truncations);
  return job.rc;
}

/* Only the writer keeps the catalogue: a reader's snapshot may be older than the number it reads. */
static bool sq_catalogue_generation(struct fp_conn *c, uint64_t *gen) {
  struct sq_store *s = c->store->impl;
  if (c != &s->writer.base) return false;
  *gen = s->catalogue_generation;
  return true;
}

static uint64_t sq_generation(struct fp_store *store) { return atomic_load(&((struct sq_store *)store->impl)->generation); }

/*
 * Removes slot i from the table (linear probing: later entries of the same run move back so
 * that every lookup still finds its entry before an empty slot).
 */
static void slot_remove(struct sq_conn *c, size_t i) {
  struct fp_stmt_slot *gone = &c->cache[i];
  sqlite3_finalize(gone->stmt->st);
  free(gone->stmt);
  free(gone->sql);
  memset(gone, 0, sizeof *gone);
  c->n_cached--;
  size_t hole = i;
  for (size_t j = (i + 1) % FP_STMT_SLOTS; c->cache[j].sql; j = (j + 1) % FP_STMT_SLOTS) {
    size_t home = c->cache[j].hash % FP_STMT_SLOTS;
    /* Move j into the hole unless its home lies cyclically in (hole, j]. */
    bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (stays) continue;
    c->cache[hole] = c->cache[j];
    memset(&c->cache[j], 0, sizeof c->cache[j]);
    hole = j;
  }
}

/* Makes room: finalizes the least recently used statement that is not in the middle of a run. */
static bool evict_one(struct sq_conn *c) {
  size_t victim = FP_STMT_SLOTS;
  for (size_t i = 0; i < FP_STMT_SLOTS; i++) {
    const struct fp_stmt_slot *sl = &c->cache[i];
    if (!sl->sql || sqlite3_stmt_busy(sl->stmt->st)) continue;
    if (victim == FP_STMT_SLOTS || sl->last_used < c->cache[victim].last_used) victim = i;
  }
  if (victim == FP_STMT_SLOTS) return false;
  slot_remove(c, victim);
  c->evictions++;
  return true;
}

static fp_stmt *sq_stmt(struct fp_conn *base, const char *sql) {
  struct sq_conn *c = (struct sq_conn *)base;
  uint64_t h = fp_sql_hash(sql);
  size_t i = h % FP_STMT_SLOTS;
  for (; c->cache[i].sql; i = (i + 1) % FP_STMT_SLOTS) {
    struct fp_stmt_slot *slot = &c->cache[i];
    if (slot->hash == h && strcmp(slot->sql, sql) == 0) {
      sqlite3_reset(slot->stmt->st);
      sqlite3_clear_bindings(slot->stmt->st);
      slot->stmt->bound = 0;
      slot->last_used = ++c->uses;
      return &slot->stmt->base;
    }
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "store: cannot prepare: %s\n  in: %s\n", sqlite3_errmsg(c->db), sql);
    return NULL;
  }
  char *copy = strdup(sql);
  struct sq_stmt *wrap = malloc(sizeof *wrap);
  if (!copy || !wrap) {
    free(copy);
    free(wrap);
    sqlite3_finalize(st);
    return NULL;
  }
  wrap->base.engine = &fp_engine_sqlite;
  wrap->st = st;
  wrap->bound = 0;
  /* Full: the least recently used statement goes, so a statement a caller holds is chosen only
     after FP_STMT_CACHE - 1 others have been handed out since, and a running one never is. When
     every one is running the table grows past FP_STMT_CACHE rather than fail. */
  if (c->n_cached >= FP_STMT_CACHE && evict_one(c)) {
    for (i = h % FP_STMT_SLOTS; c->cache[i].sql; i = (i + 1) % FP_STMT_SLOTS) {}
  }
  if (c->n_cached >= FP_STMT_SLOTS - 1) { /* would need 511 statements running at once on one connection */
    fprintf(stderr, "store: every cached statement is running\n");
    free(copy);
    free(wrap);
    sqlite3_finalize(st);
    return NULL;
  }
  struct fp_stmt_slot *slot = &c->cache[i];
  slot->sql = copy;
  slot->hash = h;
  slot->stmt = wrap;
  slot->last_used = ++c->uses;
  c->n_cached++;
  return &wrap->base;
}

#define ST(x) (((struct sq_stmt *)(x))->st)
#define DB(x) (((struct sq_conn *)(x))->db)

/* Parameter i has been given a value (NULL included). */
static void mark(fp_stmt *st, int i) {
  if (i >= 1 && i <= 64) ((struct sq_stmt *)st)->bound |= 1ull << (i - 1);
}
static void sq_bind_int64(fp_stmt *st, int i, int64_t v) { mark(st, i), sqlite3_bind_int64(ST(st), i, v); }
static void sq_bind_double(fp_stmt *st, int i, double v) { mark(st, i), sqlite3_bind_double(ST(st), i, v); }
static void sq_bind_text(fp_stmt *st, int i, const char *v) {
  mark(st, i);
  if (v) sqlite3_bind_text(ST(st), i, v, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(ST(st), i);
}
static void sq_bind_blob(fp_stmt *st, int i, const void *p, size_t n) {
  mark(st, i);
  sqlite3_bind_blob(ST(st), i, p, (int)n, SQLITE_TRANSIENT);
}
static void sq_bind_null(fp_stmt *st, int i) { mark(st, i), sqlite3_bind_null(ST(st), i); }

/*
 * Every parameter the SQL refers to has been bound: SQLite would run an unbound one as NULL, and a
 * forgotten bind (`at < ?` left NULL) would quietly match nothing. Numbered parameters (?N) may
 * leave a number out; those, nameless then, are not asked for. Past 64 parameters, not checked.
 */
static bool all_bound(fp_stmt *st) {
  sqlite3_stmt *s = ST(st);
  int n = sqlite3_bind_parameter_count(s);
  if (n > 64) return true;
  bool numbered = false;
  for (int i = 1; i <= n && !numbered; i++) numbered = sqlite3_bind_parameter_name(s, i) != NULL;
  uint64_t bound = ((struct sq_stmt *)st)->bound;
  for (int i = 1; i <= n; i++) {
    if (numbered && !sqlite3_bind_parameter_name(s, i)) continue;
    if (!(bound & (1ull << (i - 1)))) {
      fprintf(stderr, "store: parameter %d is not bound\n  in: %.200s\n", i, sqlite3_sql(s));
      return false;
    }
  }
  return true;
}

static int sq_step(fp_stmt *st) {
  if (!sqlite3_stmt_busy(ST(st)) && !all_bound(st)) return FP_EIO;
  int rc = sqlite3_step(ST(st));
  if (rc == SQLITE_ROW) return FP_ROW;
  if (rc == SQLITE_DONE) return FP_DONE;
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return FP_ECONFLICT;
  sqlite3 *db = sqlite3_db_handle(ST(st));
  fprintf(stderr, "store: step failed: %s (%s)\n  in: %.200s\n", sqlite3_errstr(rc), db ? sqlite3_errmsg(db) : "",
          sqlite3_sql(ST(st)) ? sqlite3_sql(ST(st)) : "?");
  return FP_EIO;
}
static void sq_reset(fp_stmt *st) { sqlite3_reset(ST(st)); }
static int64_t sq_col_int64(fp_stmt *st, int i) { return sqlite3_column_int64(ST(st), i); }
static double sq_col_double(fp_stmt *st, int i) { return sqlite3_column_double(ST(st), i); }
static const char *sq_col_text(fp_stmt *st, int i) { return (const char *)sqlite3_column_text(ST(st), i); }
static size_t sq_col_bytes(fp_stmt *st, int i) { return (size_t)sqlite3_column_bytes(ST(st), i); }
static const void *sq_col_blob(fp_stmt *st, int i) { return sqlite3_column_blob(ST(st), i); }
static bool sq_col_null(fp_stmt *st, int i) { return sqlite3_column_type(ST(st), i) == SQLITE_NULL; }
static enum fp_col_kind sq_col_type(fp_stmt *st, int i) {
  switch (sqlite3_column_type(ST(st), i)) {
  case SQLITE_INTEGER: return FP_COL_INT;
  case SQLITE_FLOAT: return FP_COL_REAL;
  case SQLITE_TEXT: return FP_COL_TEXT;
  case SQLITE_BLOB: return FP_COL_BLOB;
  default: return FP_COL_NULL;
  }
}
static int sq_col_count(fp_stmt *st) { return sqlite3_column_count(ST(st)); }
static const char *sq_col_name(fp_stmt *st, int i) { return sqlite3_column_name(ST(st), i); }
static const char *sq_stmt_sql(fp_stmt *st) { return sqlite3_sql(ST(st)); }
static int64_t sq_changes(struct fp_conn *c) { return sqlite3_changes64(DB(c)); }
static int64_t sq_last_id(struct fp_conn *c) { return sqlite3_last_insert_rowid(DB(c)); }
static const char *sq_errmsg(struct fp_conn *c) { return sqlite3_errmsg(DB(c)); }

static int sq_exec(struct fp_conn *base, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(DB(base), sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "store: %s\n  in: %.200s\n", err ? err : "error", sql);
    sqlite3_free(err);
    return FP_EIO;
  }
  return 0;
}

struct sq_store *fp_sqlite_of(struct fp_store *s) { return s->engine == &fp_engine_sqlite ? s->impl : NULL; }

const struct fp_engine fp_engine_sqlite = {
    .name = "sqlite",
    .kind = FP_ENGINE_SQLITE,
    .serial_writes = true,
    .open = sq_open,
    .release = sq_release,
    .reader = sq_reader,
    .write = sq_write,
    .generation = sq_generation,
    .catalogue_generation = sq_catalogue_generation,
    .stats = sq_stats,
    .stmt = sq_stmt,
    .bind_int64 = sq_bind_int64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .col_int64 = sq_col_int64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_bytes = sq_col_bytes,
    .col_blob = sq_col_blob,
    .col_null = sq_col_null,
    .col_type = sq_col_type,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .stmt_sql = sq_stmt_sql,
    .changes = sq_changes,
    .last_id = sq_last_id,
    .errmsg = sq_errmsg,
    .exec = sq_exec,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
};
