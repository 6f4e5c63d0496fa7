/* The store's connections, statement cache and transaction runner. See db.h. */
#include "store/db.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"

static void *writer_main(void *arg);
static void *checkpoint_main(void *arg);
static void reader_release(void *arg);
static void on_update(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid);
static int on_wal(void *arg, sqlite3 *db, const char *name, int pages);

static int conn_open(struct fp_conn *c, const char *path, bool writer) {
  memset(c, 0, sizeof *c);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
    fprintf(stderr, "store: cannot open '%s': %s\n", path, c->db ? sqlite3_errmsg(c->db) : "no memory");
    sqlite3_close(c->db);
    c->db = NULL;
    return FP_EIO;
  }
  sqlite3_busy_timeout(c->db, 10000);
  sqlite3_extended_result_codes(c->db, 1);
  /* Reads go through a memory map and a page cache per connection (64 MiB for the writer, 4 MiB for each reader) instead of a pread()
     per page: on shift search and booking that was half of all the time spent. */
  const char *pragmas = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                                 " PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0;"
                                 " PRAGMA journal_size_limit=67108864;"
                               : "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
                                 " PRAGMA mmap_size=1073741824; PRAGMA cache_size=-4096;";
  if (fp_db_exec(c, pragmas) != 0) return FP_EIO;
  return 0;
}

static void conn_close(struct fp_conn *c) {
  for (int i = 0; i < FP_STMT_SLOTS; i++) {
    if (c->cache[i].stmt) sqlite3_finalize(c->cache[i].stmt);
    free(c->cache[i].sql);
  }
  if (c->db) sqlite3_close(c->db);
  memset(c, 0, sizeof *c);
}

/* SQLite's memory statistics take a process-wide mutex on every allocation; nothing here reads them. */
static void configure_sqlite(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
static pthread_once_t configure_once = PTHREAD_ONCE_INIT;

int fp_db_read_begin(struct fp_conn *c) {
  sqlite3_stmt *st = fp_db_stmt(c, "BEGIN");
  return st ? fp_db_exec_stmt(st) : FP_EIO;
}

void fp_db_read_end(struct fp_conn *c) {
  if (sqlite3_get_autocommit(c->db)) return;
  sqlite3_stmt *st = fp_db_stmt(c, "COMMIT");
  if (st) fp_db_exec_stmt(st);
}

int fp_store_open(struct fp_store *s, const char *data_dir) {
  pthread_once(&configure_once, configure_sqlite);
  memset(s, 0, sizeof *s);
  if (mkdir(data_dir, 0700) != 0) {
    struct stat st;
    if (stat(data_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
      fprintf(stderr, "store: cannot create data directory '%s'\n", data_dir);
      return FP_EIO;
    }
  }
  size_t n = strlen(data_dir) + 16;
  s->path = malloc(n);
  s->data_dir = strdup(data_dir);
  if (!s->path || !s->data_dir) return FP_ENOMEM;
  snprintf(s->path, n, "%s/flexpool.db", data_dir);
  pthread_mutex_init(&s->write_lock, NULL);
  pthread_cond_init(&s->job_ready, NULL);
  pthread_cond_init(&s->checkpoint_wake, NULL);
  pthread_mutex_init(&s->readers_lock, NULL);
  pthread_key_create(&s->reader_key, reader_release);
  if (conn_open(&s->writer, s->path, true) != 0) return FP_EIO;
  if (fp_store_migrate(&s->writer) != 0) return FP_EIO;
  sqlite3_update_hook(s->writer.db, on_update, s);
  sqlite3_wal_hook(s->writer.db, on_wal, s);
  if (pthread_create(&s->writer_thread, NULL, writer_main, s) != 0) return FP_EIO;
  s->writer_running = true;
  if (conn_open(&s->checkpointer, s->path, true) != 0) return FP_EIO;
  if (pthread_create(&s->checkpoint_thread, NULL, checkpoint_main, s) != 0) return FP_EIO;
  s->checkpoint_running = true;
  return 0;
}

void fp_store_release(struct fp_store *s) {
  pthread_mutex_lock(&s->write_lock);
  s->stopping = true;
  pthread_cond_broadcast(&s->job_ready);
  pthread_cond_broadcast(&s->checkpoint_wake);
  pthread_mutex_unlock(&s->write_lock);
  if (s->writer_running) pthread_join(s->writer_thread, NULL);
  if (s->checkpoint_running) pthread_join(s->checkpoint_thread, NULL);
  if (s->checkpointer.db) sqlite3_wal_checkpoint_v2(s->checkpointer.db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  conn_close(&s->checkpointer);
  pthread_key_delete(s->reader_key); /* no thread's end may hand a reader back from here on */
  for (int i = 0; i < s->n_readers; i++) {
    conn_close(s->readers[i]);
    free(s->readers[i]);
  }
  free(s->readers);
  free(s->idle);
  conn_close(&s->writer);
  pthread_mutex_destroy(&s->write_lock);
  pthread_cond_destroy(&s->job_ready);
  pthread_cond_destroy(&s->checkpoint_wake);
  pthread_mutex_destroy(&s->readers_lock);
  free(s->path);
  free(s->data_dir);
  memset(s, 0, sizeof *s);
}

/*
 * Readers: each thread that reads has its own connection (with its prepared statements), kept for
 * the thread's life. The HTTP server runs a thread per connection, so threads come and go: when
 * one ends, its reader goes to the idle list (reader_release, the thread-specific key's
 * destructor), and the next new thread takes it instead of opening another. So there are never
 * more readers than threads that were reading at one time (at most the server's connection limit).
 * Idle readers are kept, not closed: closing one would not even give its database file descriptor
 * back (SQLite holds it for reuse while other connections of the process hold locks on the file,
 * POSIX locks belonging to the process), and a kept one comes with its prepared statements.
 */
static void reader_release(void *arg) {
  struct fp_conn *c = arg;
  struct fp_store *s = c->owner;
  pthread_mutex_lock(&s->readers_lock);
  s->idle[s->n_idle++] = c; /* idle has room for every reader (see fp_store_reader) */
  pthread_mutex_unlock(&s->readers_lock);
}

struct fp_conn *fp_store_reader(struct fp_store *s) {
  struct fp_conn *c = pthread_getspecific(s->reader_key);
  if (c) return c;
  pthread_mutex_lock(&s->readers_lock);
  c = s->n_idle ? s->idle[--s->n_idle] : NULL;
  pthread_mutex_unlock(&s->readers_lock);
  if (c) {
    pthread_setspecific(s->reader_key, c);
    return c;
  }
  c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (conn_open(c, s->path, false) != 0) {
    conn_close(c);
    free(c);
    return NULL;
  }
  c->owner = s;
  pthread_mutex_lock(&s->readers_lock);
  if (s->n_readers == s->cap_readers) {
    int cap = s->cap_readers ? s->cap_readers * 2 : 8;
    struct fp_conn **r = realloc(s->readers, (size_t)cap * sizeof *r);
    struct fp_conn **idle = r ? realloc(s->idle, (size_t)cap * sizeof *idle) : NULL;
    if (r) s->readers = r;
    if (!r || !idle) {
      pthread_mutex_unlock(&s->readers_lock);
      conn_close(c);
      free(c);
      return NULL;
    }
    s->idle = idle;
    s->cap_readers = cap;
  }
  s->readers[s->n_readers++] = c;
  pthread_mutex_unlock(&s->readers_lock);
  pthread_setspecific(s->reader_key, c);
  return c;
}

/* Values fp_db_col_copy cut on this thread (see fp_db_truncations_take). */
static _Thread_local unsigned truncations;

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

/* Runs a batch: BEGIN IMMEDIATE, each job in its SAVEPOINT, one COMMIT. */
static void run_batch(struct fp_store *s, struct fp_write_job **jobs, int n) {
  struct fp_conn *w = &s->writer;
  if (fp_db_exec(w, "BEGIN IMMEDIATE") != 0) {
    for (int i = 0; i < n; i++) jobs[i]->rc = FP_EIO;
    return;
  }
  bool any = false;
  for (int i = 0; i < n; i++) {
    if (fp_db_exec(w, "SAVEPOINT job") != 0) {
      jobs[i]->rc = FP_EIO;
      continue;
    }
    jobs[i]->rc = jobs[i]->fn(w, jobs[i]->ctx);
    jobs[i]->truncations = fp_db_truncations_take();
    if (sqlite3_get_autocommit(w->db)) {
      /* A hard error (disk full, I/O) rolled the whole batch back: nothing of it is durable. */
      for (int k = 0; k < n; k++)
        if (k > i || jobs[k]->rc == 0) jobs[k]->rc = FP_EIO;
      return;
    }
    if (jobs[i]->rc != 0) fp_db_exec(w, "ROLLBACK TO job");
    else any = true;
    fp_db_exec(w, "RELEASE job");
  }
  if (!any) {
    fp_db_exec(w, "ROLLBACK");
    s->identity_changed = false;
    return;
  }
  if (fp_db_exec(w, "COMMIT") != 0) {
    fp_db_exec(w, "ROLLBACK");
    for (int i = 0; i < n; i++)
      if (jobs[i]->rc == 0) jobs[i]->rc = FP_EIO;
  }
  /* Bump even after a failure or a rollback: a spurious bump only costs a cache miss. */
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
  struct fp_store *s = arg;
  if (pages / CHECKPOINT_PAGES > s->wal_pages / CHECKPOINT_PAGES) pthread_cond_signal(&s->checkpoint_wake);
  s->wal_pages = pages;
  return SQLITE_OK;
}

/* The writer's update hook: notes changes to the tables that say who someone is (and which pools
   a clinician is in, which decides what they see). */
static void on_update(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid) {
  (void)db;
  (void)rowid;
  struct fp_store *s = arg;
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
}

static void *checkpoint_main(void *arg) {
  struct fp_store *s = arg;
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

static void *writer_main(void *arg) {
  struct fp_store *s = arg;
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
    run_batch(s, jobs, n);
    pthread_mutex_lock(&s->write_lock);
    for (int i = 0; i < n; i++) {
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

int fp_store_write(struct fp_store *s, fp_tx_fn fn, void *ctx) {
  struct fp_write_job job = {.fn = fn, .ctx = ctx};
  pthread_cond_init(&job.done_cv, NULL);
  pthread_mutex_lock(&s->write_lock);
  if (s->queue_tail) s->queue_tail->next = &job;
  else s->queue_head = &job;
  s->queue_tail = &job;
  pthread_cond_signal(&s->job_ready);
  while (!job.done) pthread_cond_wait(&job.done_cv, &s->write_lock);
  pthread_mutex_unlock(&s->write_lock);
  pthread_cond_destroy(&job.done_cv);
  truncations += job.truncations;
  return job.rc;
}

uint64_t fp_store_generation(struct fp_store *s) { return atomic_load(&s->generation); }

/* FNV-style, eight bytes a step: search SQL is most of a kilobyte and is looked up per request. */
static uint64_t hash_str(const char *s) {
  size_t n = strlen(s), i = 0;
  uint64_t h = 1469598103934665603ULL ^ n;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 1099511628211ULL;
    h ^= h >> 29;
  }
  for (; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return h;
}

/*
 * Removes slot i from the table (linear probing: later entries of the same run move back so
 * that every lookup still finds its entry before an empty slot).
 */
static void slot_remove(struct fp_conn *c, size_t i) {
  struct fp_stmt_slot *gone = &c->cache[i];
  sqlite3_finalize(gone->stmt);
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
static bool evict_one(struct fp_conn *c) {
  size_t victim = FP_STMT_SLOTS;
  for (size_t i = 0; i < FP_STMT_SLOTS; i++) {
    const struct fp_stmt_slot *sl = &c->cache[i];
    if (!sl->sql || sqlite3_stmt_busy(sl->stmt)) continue;
    if (victim == FP_STMT_SLOTS || sl->last_used < c->cache[victim].last_used) victim = i;
  }
  if (victim == FP_STMT_SLOTS) return false;
  slot_remove(c, victim);
  c->evictions++;
  return true;
}

sqlite3_stmt *fp_db_stmt(struct fp_conn *c, const char *sql) {
  uint64_t h = hash_str(sql);
  size_t i = h % FP_STMT_SLOTS;
  for (; c->cache[i].sql; i = (i + 1) % FP_STMT_SLOTS) {
    struct fp_stmt_slot *slot = &c->cache[i];
    if (slot->hash == h && strcmp(slot->sql, sql) == 0) {
      sqlite3_reset(slot->stmt);
      sqlite3_clear_bindings(slot->stmt);
      slot->last_used = ++c->uses;
      return slot->stmt;
    }
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "store: cannot prepare: %s\n  in: %s\n", sqlite3_errmsg(c->db), sql);
    return NULL;
  }
  char *copy = strdup(sql);
  if (!copy) {
    sqlite3_finalize(st);
    return NULL;
  }
  /* Full: the least recently used statement goes, so a statement a caller holds is chosen only
     after FP_STMT_CACHE - 1 others have been handed out since, and a running one never is. When
     every one is running the table grows past FP_STMT_CACHE rather than fail. */
  if (c->n_cached >= FP_STMT_CACHE && evict_one(c)) {
    for (i = h % FP_STMT_SLOTS; c->cache[i].sql; i = (i + 1) % FP_STMT_SLOTS) {}
  }
  if (c->n_cached >= FP_STMT_SLOTS - 1) { /* would need 511 statements running at once on one connection */
    fprintf(stderr, "store: every cached statement is running\n");
    free(copy);
    sqlite3_finalize(st);
    return NULL;
  }
  struct fp_stmt_slot *slot = &c->cache[i];
  slot->sql = copy;
  slot->hash = h;
  slot->stmt = st;
  slot->last_used = ++c->uses;
  c->n_cached++;
  return st;
}

int fp_db_exec_stmt(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return 0;
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return FP_ECONFLICT;
  fprintf(stderr, "store: step failed: %s\n", sqlite3_errstr(rc));
  return FP_EIO;
}

int fp_db_exec(struct fp_conn *c, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(c->db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "store: %s\n  in: %.200s\n", err ? err : "error", sql);
    sqlite3_free(err);
    return FP_EIO;
  }
  return 0;
}

char *fp_db_like_contains(const char *q, char *buf, size_t len) {
  size_t n = 0;
  buf[n++] = '%';
  for (const char *p = q; *p && n + 3 < len; p++) {
    if (*p == '%' || *p == '_' || *p == '\\') buf[n++] = '\\';
    buf[n++] = *p;
  }
  buf[n++] = '%';
  buf[n] = 0;
  return buf;
}

void fp_db_bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(st, i);
}

char *fp_db_col_strdup(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? strdup((const char *)t) : NULL;
}

const char *fp_db_errmsg(struct fp_conn *c) { return sqlite3_errmsg(c->db); }

unsigned fp_db_truncations_take(void) {
  unsigned n = truncations;
  truncations = 0;
  return n;
}

int fp_db_col_copy(sqlite3_stmt *st, int i, char *dst, size_t len) {
  const unsigned char *t = sqlite3_column_text(st, i);
  if (!t) {
    dst[0] = 0;
    return 0;
  }
  size_t n = (size_t)sqlite3_column_bytes(st, i);
  if (n < len) {
    memcpy(dst, t, n);
    dst[n] = 0;
    return 0;
  }
  n = len - 1;
  while (n > 0 && (t[n] & 0xC0) == 0x80) n--; /* not inside a character */
  memcpy(dst, t, n);
  dst[n] = 0;
  truncations++;
  const char *sql = sqlite3_sql(st);
  fprintf(stderr, "store: column '%s' holds %d bytes, more than the %zu this server reads (a limit is missing where"
                  " it comes in); statement: %.160s\n", sqlite3_column_name(st, i), sqlite3_column_bytes(st, i), len - 1,
          sql ? sql : "?");
  return FP_ETOOBIG;
}
