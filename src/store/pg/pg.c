/* The PostgreSQL engine (libpq): connections, the statement cache, write transactions with retries,
   the shared identity generation. See pg.h. */
#include "store/pg/pg.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"

/* The types of pg_type this engine sends (server/catalog/pg_type.h, stable across versions). */
#define BOOLOID 16
#define BYTEAOID 17
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define FLOAT4OID 700
#define FLOAT8OID 701
#define NUMERICOID 1700
#define TEXTOID 25

/* pg_advisory_lock's key for migrations: "flexpool" folded into a bigint, the same on every server. */
#define MIGRATION_LOCK 0x666c6578706f6f6cLL

static void stmt_clear(struct pg_stmt *st);

#define PC(x) ((struct pg_conn *)(x))

/* ---------------------------------------------------------------- errors */

static void set_errmsg(struct pg_conn *c, const char *msg) {
  free(c->errmsg);
  c->errmsg = strdup(msg && *msg ? msg : "unknown error");
  size_t n = c->errmsg ? strlen(c->errmsg) : 0;
  while (n > 0 && c->errmsg[n - 1] == '\n') c->errmsg[--n] = 0; /* libpq's messages end in a newline */
}

/*
 * Classifies a failed result (or a NULL one: the connection is gone): FP_ECONFLICT for a constraint
 * (SQLSTATE class 23), FP_EBUSY for a lost race (40001 serialization_failure, 40P01
 * deadlock_detected: the write transaction runs again), FP_EIO otherwise (said on stderr).
 */
static int result_error(struct pg_conn *c, const PGresult *res, const char *sql) {
  set_errmsg(c, res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  if (state && strncmp(state, "23", 2) == 0) return FP_ECONFLICT;
  if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)) {
    c->retry = true;
    return FP_EBUSY;
  }
  fprintf(stderr, "store: %s (SQLSTATE %s)\n  in: %.200s\n", c->errmsg, state ? state : "none", sql ? sql : "?");
  return FP_EIO;
}

static int begin_flush(struct pg_conn *c);
static PGresult *settle(struct pg_conn *c, struct pg_stmt *st, const char *const *plain, int n_plain,
                        PGresult **plain_res);
static void early_drop(struct pg_conn *c, bool all);
static bool early_unsent(const struct pg_conn *c);
static int void_run(struct pg_conn *c, PGresult *res, const char *sql);

static bool result_ok(const PGresult *res) {
  ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
}


/* Runs plain SQL (no parameters): 0 or an error from result_error. A BEGIN still pending is sent
   first (see execute). */
static int simple(struct pg_conn *c, const char *sql) {
  if (early_unsent(c)) { /* what waits to be sent goes first, in order */
    PGresult *r = settle(c, NULL, NULL, 0, NULL);
    int rc = result_ok(r) ? 0 : result_error(c, r, sql);
    PQclear(r);
    if (rc) return rc;
  }
  early_drop(c, false); /* plain SQL may change anything the reads sent early read */
  if (c->begin && begin_flush(c) != 0) return FP_EIO;
  PGresult *res = PQexec(c->pg, sql);
  ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : result_error(c, res, sql);
  PQclear(res);
  return rc;
}

/* ---------------------------------------------------------------- connections */

/* Settings every connection gets, again after a reconnection. */
static int conn_setup(struct pg_conn *c) {
  /* Readers are read-only, as SQLite's readers are (query_only): a write on one is a bug. A
     prepared statement is planned once, when prepared, not again at every execution: the store's
     statements are written for their parameters (the dynamic ones hold only the conditions asked
     for), and re-planning cost more than running them (the passport requirements: 0.25 ms of
     planning, 0.06 ms of execution). */
  return simple(c, c->reader ? "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan;"
                               " SET default_transaction_read_only = on"
                             : "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan");
}

static int conn_open(struct pg_conn *c, struct fp_store *store, bool reader) {
  struct pg_store *s = store->impl;
  memset(c, 0, sizeof *c);
  c->base.engine = &fp_engine_postgres;
  c->base.store = store;
  c->owner = s;
  c->reader = reader;
  /* libpq reads the password from PGPASSWORD, ~/.pgpass or a service file, and sslmode and the
     rest from the string or the environment; the string's own values win over these defaults. The
     string is never printed (it may hold a password). */
  const char *const keys[] = {"fallback_application_name", "client_encoding", "dbname", NULL};
  const char *const values[] = {"flexpool", "UTF8", s->conninfo, NULL};
  c->pg = PQconnectdbParams(keys, values, 1);
  if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
    fprintf(stderr, "store: cannot connect to PostgreSQL: %s", c->pg ? PQerrorMessage(c->pg) : "out of memory\n");
    return FP_EIO;
  }
  return conn_setup(c);
}

/* ---------------------------------------------------------------- statements sent early (pg.h struct pg_early) */

static void early_free(struct pg_early *e) {
  for (int i = 0; i < e->n; i++) free(e->values[i]);
  free(e->values);
  free(e->lengths);
  free(e->formats);
  free(e->types);
  PQclear(e->res);
  e->st->n_early--;
  memset(e, 0, sizeof *e);
}

static void early_remove(struct pg_conn *c, int i) {
  early_free(&c->early[i]);
  memmove(&c->early[i], &c->early[i + 1], (size_t)(c->n_early - i - 1) * sizeof c->early[0]);
  c->n_early--;
  memset(&c->early[c->n_early], 0, sizeof c->early[0]); /* its copy moved down */
}

/* Drops the reads sent early, answered or not: what they read may no longer be true (this
   transaction writes, or it ended). Writes run later stay queued unless `all`. */
static void early_drop(struct pg_conn *c, bool all) {
  for (int i = c->n_early - 1; i >= 0; i--)
    if (all || !c->early[i].later) early_remove(c, i);
}

/* commit's drop: the reads sent early that nobody stepped, but those meant for after the commit. */
static void early_drop_unread(struct pg_conn *c) {
  for (int i = c->n_early - 1; i >= 0; i--)
    if (!c->early[i].later && !c->early[i].at_commit) early_remove(c, i);
}

static bool early_unsent(const struct pg_conn *c) {
  for (int i = 0; i < c->n_early; i++)
    if (!c->early[i].answered) return true;
  return false;
}

/* Queues st as it is bound now. false: no room or memory (the caller runs it the usual way). */
static bool early_add(struct pg_stmt *st, bool later) {
  struct pg_conn *c = st->conn;
  if (c->n_early == PG_EARLY_MAX) return false;
  struct pg_early *e = &c->early[c->n_early];
  memset(e, 0, sizeof *e);
  size_t n = st->nparams > 0 ? (size_t)st->nparams : 1;
  e->values = calloc(n, sizeof *e->values);
  e->lengths = calloc(n, sizeof *e->lengths);
  e->formats = calloc(n, sizeof *e->formats);
  e->types = calloc(n, sizeof *e->types);
  bool ok = e->values && e->lengths && e->formats && e->types;
  e->st = st;
  st->n_early++;
  for (int i = 0; ok && i < st->nparams; i++) {
    e->lengths[i] = st->lengths[i];
    e->formats[i] = st->formats[i];
    e->types[i] = st->types[i];
    e->n = i + 1;
    if (!st->values[i]) continue;
    size_t len = st->formats[i] ? (size_t)st->lengths[i] : strlen(st->values[i]) + 1;
    if (!(e->values[i] = malloc(len ? len : 1))) ok = false;
    else memcpy(e->values[i], st->values[i], len);
  }
  if (!ok) {
    early_free(e);
    return false;
  }
  e->later = later;
  c->n_early++;
  return true;
}

/* Whether st is bound now as e was sent. */
static bool early_same(const struct pg_early *e, const struct pg_stmt *st) {
  if (e->n != st->nparams) return false;
  for (int i = 0; i < e->n; i++) {
    const char *a = e->values[i], *b = st->values[i];
    if (e->types[i] != st->types[i] || e->formats[i] != st->formats[i] || !a != !b) return false;
    if (!a) continue;
    if (e->formats[i] ? e->lengths[i] != st->lengths[i] || memcmp(a, b, (size_t)e->lengths[i]) != 0 : strcmp(a, b) != 0)
      return false;
  }
  return true;
}

/* Prepared statements live in the server's session: after a reconnection none is left. */
static void forget_prepared(struct pg_conn *c) {
  early_drop(c, true);
  for (int b = 0; b < FP_PG_STMT_BUCKETS; b++)
    for (struct pg_stmt *st = c->buckets[b]; st; st = st->next) st->prepared = false;
}

/* A connection the server or the network dropped is opened again (between transactions only). */
static bool conn_ensure(struct pg_conn *c) {
  if (PQstatus(c->pg) == CONNECTION_OK) return true;
  PQreset(c->pg);
  if (PQstatus(c->pg) != CONNECTION_OK) {
    set_errmsg(c, PQerrorMessage(c->pg));
    fprintf(stderr, "store: PostgreSQL connection lost and not regained: %s\n", c->errmsg);
    return false;
  }
  forget_prepared(c);
  c->savepoint = PG_SP_NONE;
  return conn_setup(c) == 0;
}

static void stmt_free(struct pg_stmt *st) {
  stmt_clear(st);
  for (int i = 0; i < st->nparams; i++) free(st->values[i]);
  free(st->values);
  free(st->types);
  free(st->prep_types);
  free(st->lengths);
  free(st->formats);
  free(st->sql);
  free(st->pgsql);
  free(st->used);
  free(st);
}

static void conn_close(struct pg_conn *c) {
  early_drop(c, true);
  for (int b = 0; b < FP_PG_STMT_BUCKETS; b++) {
    for (struct pg_stmt *st = c->buckets[b], *next; st; st = next) {
      next = st->next;
      stmt_free(st);
    }
  }
  if (c->pg) PQfinish(c->pg);
  free(c->errmsg);
  memset(c, 0, sizeof *c);
}

static struct pg_conn *conn_new(struct fp_store *store, bool reader) {
  struct pg_conn *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (conn_open(c, store, reader) != 0) {
    conn_close(c);
    free(c);
    return NULL;
  }
  return c;
}

/* ---------------------------------------------------------------- migrations */

/*
 * The PostgreSQL schema is the pgschema helper's src/store/pg/schema.c (fp_pg_migrations[],
 * fp_pg_migration_count). HOOK: until that file is on main this engine applies no migration of its
 * own beyond creating schema_migrations; its tests create their own tables.
 */
#if __has_include("store/pg/schema.h")
#include "store/pg/schema.h"
#define PG_MIGRATIONS(i) (fp_pg_migrations[(i)])
#define PG_MIGRATION_COUNT ((int)fp_pg_migration_count)
#else
#define PG_MIGRATIONS(i) ((const char *)NULL)
#define PG_MIGRATION_COUNT 0
#endif

int fp_pg_migrate(struct fp_conn *base) {
  struct pg_conn *c = (struct pg_conn *)base;
  /* Servers starting together: the first takes the lock and migrates, the others wait for it and
     then find every version recorded. A session lock, so it is given back if this server dies. */
  char lock[96];
  snprintf(lock, sizeof lock, "SELECT pg_advisory_lock(%lld)", (long long)MIGRATION_LOCK);
  if (simple(c, lock) != 0) return FP_EIO;
  int rc = simple(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
  for (int v = 1; rc == 0 && v <= PG_MIGRATION_COUNT; v++) {
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT 1 FROM schema_migrations WHERE version = %d", v);
    PGresult *res = PQexec(c->pg, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
      rc = result_error(c, res, sql);
      PQclear(res);
      break;
    }
    bool done = PQntuples(res) > 0;
    PQclear(res);
    if (done) continue;
    /* A migration and its record commit together (PostgreSQL's DDL is transactional). */
    if (simple(c, "BEGIN") != 0 || simple(c, PG_MIGRATIONS(v - 1)) != 0) {
      fprintf(stderr, "store: PostgreSQL migration %d failed\n", v);
      simple(c, "ROLLBACK");
      rc = FP_EIO;
      break;
    }
    snprintf(sql, sizeof sql,
             "INSERT INTO schema_migrations (version, applied_at) VALUES (%d, CAST(extract(epoch FROM now()) AS BIGINT))"
             " ON CONFLICT (version) DO NOTHING", v);
    if (simple(c, sql) != 0 || simple(c, "COMMIT") != 0) {
      simple(c, "ROLLBACK");
      rc = FP_EIO;
    }
  }
  snprintf(lock, sizeof lock, "SELECT pg_advisory_unlock(%lld)", (long long)MIGRATION_LOCK);
  if (simple(c, lock) != 0) rc = FP_EIO;
  return rc == 0 ? 0 : FP_EIO;
}

/* ---------------------------------------------------------------- the installation */

static struct fp_conn *reader_open(struct fp_store *store);
static void reader_close(struct fp_conn *c);

static int pg_open(struct fp_store *store, const char *database) {
  struct pg_store *s = calloc(1, sizeof *s);
  if (!s) return FP_ENOMEM;
  store->impl = s;
  s->conninfo = strdup(database ? database : "");
  if (!s->conninfo) return FP_ENOMEM;
  pthread_mutex_init(&s->lock, NULL);
  fp_reader_pool_init(&s->readers, store, reader_open, reader_close);
  atomic_store(&s->generation_read_ms, INT64_MIN / 2);
  struct pg_conn *w = conn_new(store, false);
  if (!w) return FP_EIO;
  w->owner = s;
  s->writers[0] = w;
  s->writer_slot_used[0] = true;
  s->free_writers[s->n_free_writers++] = w;
  int version = PQserverVersion(w->pg);
  if (version < 150000) {
    fprintf(stderr, "store: PostgreSQL %d.%d is too old: flexpool needs 15 or later\n", version / 10000, version % 10000);
    return FP_EINVAL;
  }
  return fp_pg_migrate(&w->base);
}

static void pg_release(struct fp_store *store) {
  struct pg_store *s = store->impl;
  if (!s) return;
  fp_reader_pool_release(&s->readers);
  for (int i = 0; i < FP_PG_WRITERS; i++) {
    if (!s->writers[i]) continue;
    conn_close(s->writers[i]);
    free(s->writers[i]);
  }
  pthread_mutex_destroy(&s->lock);
  free(s->conninfo);
  free(s);
  store->impl = NULL;
}

struct pg_store *fp_pg_of(struct fp_store *s) { return s->engine == &fp_engine_postgres ? s->impl : NULL; }

/* Readers: one per server thread, kept in the store's reader pool (engine.h), as the SQLite
 * engine's are. */
static struct fp_conn *reader_open(struct fp_store *store) {
  struct pg_conn *c = conn_new(store, true);
  return c ? &c->base : NULL;
}

static void reader_close(struct fp_conn *c) {
  conn_close((struct pg_conn *)c);
  free(c);
}

static struct fp_conn *pg_reader(struct fp_store *store) {
  struct pg_store *s = store->impl;
  struct pg_conn *c = (struct pg_conn *)fp_reader_pool_get(&s->readers);
  /* Between requests (not inside a read transaction): a dropped connection is opened again. */
  if (c && !c->in_read && PQstatus(c->pg) != CONNECTION_OK) conn_ensure(c);
  return c ? &c->base : NULL;
}

/* ---------------------------------------------------------------- writes */

/*
 * A write connection, in the order the callers asked. A thread that finds none free waits in a
 * queue on a condition of its own, and writer_give hands the connection straight to the first in
 * it: one thread woken for each transaction that ends, not every waiting one (with 32 booking
 * threads waiting for 4 writers, waking them all to compare tickets cost more CPU than the
 * bookings' own statements).
 */
static void wait_pop(struct pg_store *s) {
  s->wait_head = s->wait_head->next;
  if (!s->wait_head) s->wait_tail = NULL;
}

static struct pg_conn *writer_take(struct fp_store *store) {
  struct pg_store *s = store->impl;
  static __thread struct pg_writer_wait w;
  static __thread bool w_ready;
  if (!w_ready) {
    pthread_cond_init(&w.handed, NULL);
    w_ready = true;
  }
  pthread_mutex_lock(&s->lock);
  for (;;) {
    if (!s->wait_head) { /* no one before us */
      if (s->n_free_writers) {
        struct pg_conn *c = s->free_writers[--s->n_free_writers];
        pthread_mutex_unlock(&s->lock);
        return c;
      }
      int slot = -1;
      for (int i = 0; i < FP_PG_WRITERS && slot < 0; i++)
        if (!s->writer_slot_used[i]) slot = i;
      if (slot >= 0) {
        s->writer_slot_used[slot] = true; /* ours while we connect */
        pthread_mutex_unlock(&s->lock);
        struct pg_conn *c = conn_new(store, false);
        pthread_mutex_lock(&s->lock);
        s->writers[slot] = c;
        if (!c) {
          s->writer_slot_used[slot] = false;
          /* The first waiting (if any) may try to open one in its turn. */
          if (s->wait_head) {
            struct pg_writer_wait *h = s->wait_head;
            wait_pop(s);
            h->woken = h->retry = true;
            pthread_cond_signal(&h->handed);
          }
        }
        pthread_mutex_unlock(&s->lock);
        return c;
      }
    }
    w.conn = NULL;
    w.woken = w.retry = false;
    w.next = NULL;
    if (s->wait_tail) s->wait_tail->next = &w;
    else s->wait_head = &w;
    s->wait_tail = &w;
    s->writers_waiting++;
    while (!w.woken) pthread_cond_wait(&w.handed, &s->lock);
    s->writers_waiting--;
    if (!w.retry) {
      pthread_mutex_unlock(&s->lock);
      return w.conn;
    }
    /* Woken to open a writer: if others queued meanwhile, we go first (they are behind us). */
    if (s->wait_head) {
      int slot = -1;
      for (int i = 0; i < FP_PG_WRITERS && slot < 0; i++)
        if (!s->writer_slot_used[i]) slot = i;
      if (slot >= 0) {
        s->writer_slot_used[slot] = true;
        pthread_mutex_unlock(&s->lock);
        struct pg_conn *c = conn_new(store, false);
        pthread_mutex_lock(&s->lock);
        s->writers[slot] = c;
        if (!c) s->writer_slot_used[slot] = false;
        pthread_mutex_unlock(&s->lock);
        return c;
      }
    }
  }
}

static void writer_give(struct pg_store *s, struct pg_conn *c) {
  pthread_mutex_lock(&s->lock);
  if (s->wait_head) { /* straight to the first in line */
    struct pg_writer_wait *h = s->wait_head;
    wait_pop(s);
    h->conn = c;
    h->woken = true;
    pthread_cond_signal(&h->handed);
  } else {
    s->free_writers[s->n_free_writers++] = c;
  }
  pthread_mutex_unlock(&s->lock);
}

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void note_generation(struct pg_store *s, uint64_t n) {
  uint64_t old = atomic_load(&s->db_generation);
  while (n > old && !atomic_compare_exchange_weak(&s->db_generation, &old, n)) {}
}

/*
 * COMMIT, and in the same round trip read the identity generation as it stands after it, so that
 * this server sees its own change to who someone is at once (the other servers within
 * GENERATION_MS). 0, FP_EBUSY (lost a race at commit: run again) or FP_EIO.
 */
/* The i-th answer to commit's COMMIT (0) and identity generation read (1): 0 or the COMMIT's error. */
static int commit_answer(struct pg_conn *c, int i, PGresult *res) {
  struct pg_store *s = c->owner;
  ExecStatusType st = PQresultStatus(res);
  if (i == 0) {
    /* A COMMIT of a transaction that had failed answers ROLLBACK: not committed. */
    if (st != PGRES_COMMAND_OK) return result_error(c, res, "COMMIT");
    if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) return FP_EIO;
  } else if (st == PGRES_TUPLES_OK && PQntuples(res) > 0) {
    note_generation(s, strtoull(PQgetvalue(res, 0, 0), NULL, 10));
  } else if (st != PGRES_TUPLES_OK) {
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "42P01") == 0 && !atomic_exchange(&s->generation_missing, true))
      fprintf(stderr, "store: PostgreSQL has no identity_generation table: every write empties the session cache"
                      " of this server, and the others see a sign-out late\n");
  }
  return 0;
}

static int commit(struct pg_conn *c) {
  struct pg_store *s = c->owner;
  early_drop_unread(c); /* reads sent early and never stepped: nobody wants them now */
  if (c->begin && !early_unsent(c)) { /* no statement ran: nothing began, nothing to commit */
    c->begin = NULL;
    return 0;
  }
  bool ask = !atomic_load(&s->generation_missing);
  int rc = 0;
  if (early_unsent(c)) {
    /* The writes run later go with the COMMIT, in one round trip (settle). */
    static const char *const tail[] = {"COMMIT", "SELECT n FROM identity_generation"};
    PGresult *got[2] = {NULL, NULL};
    PGresult *r = settle(c, NULL, tail, ask ? 2 : 1, got);
    if (!result_ok(r)) return void_run(c, r, "a write run later (fp_db_run_later)");
    PQclear(r);
    for (int i = 0; i < 2; i++) {
      if (got[i] && rc == 0) rc = commit_answer(c, i, got[i]);
      PQclear(got[i]);
    }
    if (!got[0] && rc == 0) rc = FP_EIO;
  } else {
    if (!PQsendQuery(c->pg, ask ? "COMMIT; SELECT n FROM identity_generation" : "COMMIT"))
      return result_error(c, NULL, "COMMIT");
    int i = 0;
    for (PGresult *res; (res = PQgetResult(c->pg)); PQclear(res), i++) {
      int r = commit_answer(c, i, res);
      if (rc == 0) rc = r;
    }
  }
  if (rc == 0 && !ask) atomic_fetch_add(&s->local_generation, 1);
  return rc;
}

/*
 * A write transaction: BEGIN ISOLATION LEVEL SERIALIZABLE, fn, COMMIT (or ROLLBACK when fn refuses),
 * all on the caller's thread with a connection from the writers' pool.
 *
 * Why SERIALIZABLE and not READ COMMITTED: the store's write callbacks were written for SQLite,
 * where one writer runs them one after another; they read (a shift's status, a pool's rules, a
 * count) and then write on what they read, in C. Under READ COMMITTED two servers could both read
 * "open" and both act. The invariants that matter most (one active booking per shift, no
 * overlapping bookings of a clinician) are enforced by the schema's partial unique index and
 * exclusion constraint whatever the level, but the rest of the store's rules are not; SERIALIZABLE
 * gives every callback the result it would have had running alone, as on SQLite, and PostgreSQL
 * tells the loser of a race with SQLSTATE 40001 instead. A lost race (40001, or 40P01 for a
 * deadlock) runs the whole transaction again, fn included (db.h says fn may run more than once),
 * after a short random pause that grows with each attempt, up to FP_PG_RETRIES attempts.
 *
 * A locking transaction (db.h fp_store_write_locking: the booking) runs at READ COMMITTED: its fn
 * locks first, by writing them, the rows that stand for what it decides on, and every transaction
 * that changes those facts writes the same rows; under SERIALIZABLE those transactions would fail
 * each other through the index pages they share. A deadlock (40P01) is retried the same way.
 */
/* Ends the write transaction without its changes (nothing to end when its BEGIN is still pending). */
static void rollback(struct pg_conn *c) {
  early_drop(c, true); /* the writes run later go unsent with the rest */
  if (c->begin) c->begin = NULL;
  else simple(c, "ROLLBACK");
}

static double seconds_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Counts one write for the operators' figures (pg_stats): its outcome, how long its caller waited,
   and its last transaction's time from BEGIN to COMMIT (when it got that far). */
static void note_write(struct pg_store *s, int rc, const struct timespec *asked, const struct timespec *began) {
  double waited = seconds_since(asked), took = began->tv_sec || began->tv_nsec ? seconds_since(began) : -1;
  pthread_mutex_lock(&s->lock);
  if (took >= 0) {
    s->counters.batches++;
    fp_store_hist_observe(&s->counters.commit_seconds, took);
  }
  if (rc == 0) s->counters.writes_ok++;
  else s->counters.writes_failed++;
  fp_store_hist_observe(&s->counters.write_seconds, waited);
  pthread_mutex_unlock(&s->lock);
}

static int pg_write(struct fp_store *store, fp_tx_fn fn, fp_tx_fn after, void *ctx, bool locking) {
  struct pg_store *s = store->impl;
  struct timespec asked, began = {0, 0};
  clock_gettime(CLOCK_MONOTONIC, &asked);
  struct pg_conn *c = writer_take(store);
  if (!c) {
    note_write(s, FP_EIO, &asked, &began);
    return FP_EIO;
  }
  unsigned before = fp_db_truncations_take(); /* only the last run's cut values count */
  unsigned seed = (unsigned)now_ms() ^ (unsigned)(uintptr_t)&seed;
  int rc = FP_EIO;
  bool lost = false, guard = false, replaying = false;
  for (int attempt = 0; attempt < FP_PG_RETRIES; attempt++) {
    if (attempt > 0 && !replaying) {
      atomic_fetch_add(&s->retries, 1);
      int cap_ms = 2 << (attempt < 6 ? attempt : 6); /* 4, 8, ... 128 ms */
      usleep((useconds_t)(1000 + rand_r(&seed) % (cap_ms * 1000)));
    }
    fp_db_truncations_take();
    lost = replaying = false;
    c->retry = c->replay = false;
    c->guard = guard;
    c->savepoint = PG_SP_NONE;
    if (!conn_ensure(c)) {
      rc = FP_EIO;
      continue;
    }
    clock_gettime(CLOCK_MONOTONIC, &began);
    /* The BEGIN goes with the first statement (execute_with_begin), except in a guarded run, whose
       statements begin with a SAVEPOINT. */
    c->begin = locking ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL SERIALIZABLE";
    c->begin_lost = false;
    rc = guard ? begin_flush(c) : 0;
    if (rc != 0) {
      if (c->begin_lost) continue; /* dropped between two transactions: again */
      break;
    }
    c->in_write = true;
    c->read_committed = locking;
    rc = fn(&c->base, ctx);
    c->in_write = false;
    if (c->begin_lost) { /* its BEGIN found the connection dropped: it never began; again */
      c->begin = NULL;
      rc = FP_EIO;
      continue;
    }
    if (c->retry) {
      rollback(c);
      rc = FP_EBUSY;
      lost = true;
      continue;
    }
    if (c->replay) { /* a statement failed unguarded: again, with savepoints, at once (see run) */
      rollback(c);
      atomic_fetch_add(&s->replays, 1);
      guard = replaying = true;
      rc = FP_EIO;
      continue;
    }
    if (rc != 0) {
      rollback(c);
      break;
    }
    rc = commit(c);
    if (rc != 0 && (c->replay || c->retry)) { /* a write run later failed: the COMMIT never ran (see settle) */
      rollback(c);
      if (c->retry) {
        rc = FP_EBUSY;
        lost = true;
        continue;
      }
      atomic_fetch_add(&s->replays, 1);
      guard = replaying = true;
      rc = FP_EIO;
      continue;
    }
    if (rc == FP_EBUSY) {
      lost = true;
      continue;
    }
    if (rc != 0) rc = FP_EIO; /* a failed or lost COMMIT: not durable */
    break;
  }
  if (lost) fprintf(stderr, "store: a write transaction lost %d races in a row; given up\n", FP_PG_RETRIES);
  /* Committed: the reads of what it wrote, answered with the COMMIT (fp_db_read_at_commit). */
  if (rc == 0 && after) rc = after(&c->base, ctx);
  early_drop(c, true);
  c->begin = NULL;
  if (PQtransactionStatus(c->pg) != PQTRANS_IDLE && PQstatus(c->pg) == CONNECTION_OK) simple(c, "ROLLBACK");
  c->savepoint = PG_SP_NONE;
  c->guard = c->replay = false;
  fp_db_truncations_add(before);
  writer_give(s, c);
  note_write(s, rc, &asked, &began);
  return rc;
}

/* The figures for operators (db.h fp_store_stats). write_queue: threads waiting for a free writer. */
static void pg_stats(struct fp_store *store, struct fp_store_stats *out) {
  struct pg_store *s = store->impl;
  pthread_mutex_lock(&s->lock);
  *out = s->counters;
  out->write_queue = s->writers_waiting;
  int writers = 0;
  for (int i = 0; i < FP_PG_WRITERS; i++)
    if (s->writers[i]) writers++;
  int64_t writers_in_use = writers - s->n_free_writers, writers_idle = s->n_free_writers;
  pthread_mutex_unlock(&s->lock);
  fp_reader_pool_counts(&s->readers, &out->connections_in_use, &out->connections_idle);
  out->connections_in_use += writers_in_use;
  out->connections_idle += writers_idle;
  out->retries = atomic_load(&s->retries);
}

/*
 * Background upkeep on one server at a time (db.h fp_store_upkeep_try_lock): a transaction-level
 * advisory lock, taken without waiting, given back by the transaction's end (or the connection's,
 * when a server dies mid-step). Not through the statement cache: a plain query of its own.
 */
static int pg_upkeep_try_lock(struct fp_conn *base, bool *mine) {
  struct pg_conn *c = PC(base);
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT pg_try_advisory_xact_lock(%lld)", (long long)FP_STORE_UPKEEP_LOCK);
  PGresult *res = PQexec(c->pg, sql);
  int rc = 0;
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) *mine = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
  else rc = result_error(c, res, sql) == FP_EBUSY ? FP_EBUSY : FP_EIO;
  PQclear(res);
  return rc;
}

/* ---------------------------------------------------------------- the identity generation */

/*
 * The HTTP layer keeps sessions in a cache that is valid while fp_store_generation has not moved.
 * With several servers on one database it must move when ANY server changes who someone is, so on
 * PostgreSQL the generation is a row in the database: identity_generation(n BIGINT), one row, which
 * triggers (the schema's) bump in the same transaction as the change, on INSERT, UPDATE and DELETE
 * of users, user_roles, clinicians, pool_members and user_totp, and on DELETE of sessions (an ended
 * session; a new one or a touched last-seen time cannot make a cached one stale). Being
 * transactional, a new value is seen only with the change it stands for.
 *
 * This server reads it at most every GENERATION_MS (so another server's sign-out is honoured here
 * within about a quarter of a second, well inside the second), on the asking thread's
 * reader, and also right after each of its own commits (commit(): same round trip), so it sees its
 * own changes at once. Without the table (a schema without it), every local write moves the
 * generation instead: always safe for this server, late for the others (said on stderr once).
 */
#define GENERATION_MS 250

static uint64_t pg_generation(struct fp_store *store) {
  struct pg_store *s = store->impl;
  int64_t now = now_ms();
  int64_t last = atomic_load(&s->generation_read_ms);
  /* One thread reads when it is time; the others go on with the value they have. */
  if (now - last >= GENERATION_MS && !atomic_load(&s->generation_missing) &&
      atomic_compare_exchange_strong(&s->generation_read_ms, &last, now)) {
    struct fp_conn *r = pg_reader(store);
    /* Not inside the thread's own read transaction: it would read that snapshot, and a failure
       would fail the transaction. */
    bool idle = r && !PC(r)->in_read && PQtransactionStatus(PC(r)->pg) == PQTRANS_IDLE;
    fp_stmt *st = idle ? fp_db_stmt(r, "SELECT n FROM identity_generation") : NULL;
    if (st) {
      int rc = fp_step(st);
      if (rc == FP_ROW) note_generation(s, (uint64_t)fp_col_int64(st, 0));
      else if (strstr(fp_db_errmsg(r), "identity_generation") && !atomic_exchange(&s->generation_missing, true))
        fprintf(stderr, "store: PostgreSQL has no identity_generation table: every write empties the session cache"
                        " of this server, and the others see a sign-out late\n");
      fp_reset(st);
    }
  }
  return atomic_load(&s->db_generation) + atomic_load(&s->local_generation);
}

/*
 * The passport catalogue's generation (sql.h fp_db_catalogue_generation) is the identity
 * generation: the schema's triggers move it with the check types, the requirements and the pools'
 * additions too (migration 24). Only inside a READ COMMITTED write transaction (a booking's):
 * each of its statements sees at least everything committed before it began, so what it reads
 * after taking the number is never older than the number says. A REPEATABLE READ or SERIALIZABLE
 * snapshot may be older than a number noted since, so those read the catalogue every time. Another
 * server's change reaches the number within GENERATION_MS of this server's next request (the
 * session check reads it), this server's own at its commit.
 */
static bool pg_catalogue_generation(struct fp_conn *base, uint64_t *gen) {
  struct pg_conn *c = PC(base);
  struct pg_store *s = c->owner;
  if (!c->in_write || !c->read_committed || atomic_load(&s->generation_missing)) return false;
  *gen = atomic_load(&s->db_generation);
  return true;
}

/* ---------------------------------------------------------------- statements */

/* Whether a statement changes rows (and so may fail on a constraint): its first word. */
static bool is_write(const char *sql) {
  while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r' || *sql == '(') sql++;
  static const char *const words[] = {"INSERT", "UPDATE", "DELETE", "WITH", "MERGE"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    size_t n = strlen(words[i]);
    if (strncasecmp(sql, words[i], n) == 0 && !((sql[n] >= 'a' && sql[n] <= 'z') || (sql[n] >= 'A' && sql[n] <= 'Z') || sql[n] == '_'))
      return true;
  }
  return false;
}

/* The table an "INSERT INTO table ..." writes into buf ("" for any other statement, or a name too
   long for it). */
static void insert_table_of(const char *sql, char *buf, size_t len) {
  buf[0] = 0;
  while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
  if (strncasecmp(sql, "INSERT", 6) != 0) return;
  sql += 6;
  while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
  if (strncasecmp(sql, "INTO", 4) != 0) return;
  sql += 4;
  while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
  size_t n = 0;
  while ((sql[n] >= 'a' && sql[n] <= 'z') || (sql[n] >= 'A' && sql[n] <= 'Z') || (sql[n] >= '0' && sql[n] <= '9') ||
         sql[n] == '_')
    n++;
  if (n == 0 || n >= len) return;
  memcpy(buf, sql, n);
  buf[n] = 0;
}

/* Ends a run: its result and the unescaped bytea values go. */
static void stmt_clear(struct pg_stmt *st) {
  if (st->bytea) {
    for (int i = 0; i < st->ncols; i++) PQfreemem(st->bytea[i]);
    free(st->bytea);
    free(st->bytea_len);
    st->bytea = NULL;
    st->bytea_len = NULL;
  }
  PQclear(st->res);
  st->res = NULL;
  st->row = -1;
  st->nrows = 0;
  st->ncols = 0;
}

static void clear_bindings(struct pg_stmt *st) {
  for (int i = 0; i < st->nparams; i++) {
    free(st->values[i]);
    st->values[i] = NULL;
    st->types[i] = 0;
    st->lengths[i] = 0;
    st->formats[i] = 0;
  }
}

static void deallocate(struct pg_conn *c, struct pg_stmt *st) {
  if (!st->prepared) return;
  st->prepared = false;
  /* Never inside a failed transaction (it would be refused there): the name is then left on the
     server for the connection's life; names are never reused, so nothing can pick it up. */
  if (PQtransactionStatus(c->pg) == PQTRANS_INERROR) return;
  char sql[48];
  snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
  PQclear(PQexec(c->pg, sql));
}

/* Makes room: the least recently used statement that is not in the middle of a run goes. */
static bool evict_one(struct pg_conn *c) {
  struct pg_stmt **victim = NULL;
  for (int b = 0; b < FP_PG_STMT_BUCKETS; b++)
    for (struct pg_stmt **p = &c->buckets[b]; *p; p = &(*p)->next)
      if (!(*p)->res && !(*p)->n_early && (!victim || (*p)->last_used < (*victim)->last_used)) victim = p;
  if (!victim) return false;
  struct pg_stmt *st = *victim;
  *victim = st->next;
  deallocate(c, st);
  stmt_free(st);
  c->n_cached--;
  c->evictions++;
  return true;
}

static fp_stmt *pg_stmt(struct fp_conn *base, const char *sql) {
  struct pg_conn *c = (struct pg_conn *)base;
  uint64_t h = fp_sql_hash(sql);
  size_t b = h % FP_PG_STMT_BUCKETS;
  for (struct pg_stmt *st = c->buckets[b]; st; st = st->next) {
    if (st->hash == h && strcmp(st->sql, sql) == 0) {
      stmt_clear(st);
      clear_bindings(st);
      st->last_used = ++c->uses;
      return &st->base;
    }
  }
  struct pg_stmt *st = calloc(1, sizeof *st);
  if (!st) return NULL;
  st->base.engine = &fp_engine_postgres;
  st->conn = c;
  st->row = -1;
  st->sql = strdup(sql);
  st->pgsql = fp_pg_rewrite_params_used(sql, &st->nparams, &st->used);
  int n = st->nparams > 0 ? st->nparams : 1;
  st->values = calloc((size_t)n, sizeof *st->values);
  st->types = calloc((size_t)n, sizeof *st->types);
  st->prep_types = calloc((size_t)n, sizeof *st->prep_types);
  st->lengths = calloc((size_t)n, sizeof *st->lengths);
  st->formats = calloc((size_t)n, sizeof *st->formats);
  if (!st->sql || !st->pgsql || !st->values || !st->types || !st->prep_types || !st->lengths || !st->formats) {
    if (st->sql && !st->pgsql) fprintf(stderr, "store: cannot read the parameters of: %.200s\n", sql);
    stmt_free(st);
    return NULL;
  }
  st->hash = h;
  st->writes = is_write(sql);
  insert_table_of(sql, st->insert_table, sizeof st->insert_table);
  snprintf(st->name, sizeof st->name, "fp%" PRIu64, ++c->names);
  /* Full: the least recently used goes (a statement a caller still holds is chosen only after
     FP_PG_STMT_CACHE - 1 others were handed out since, and a running one never is); when every one
     is running the cache grows past its size rather than fail. */
  if (c->n_cached >= FP_PG_STMT_CACHE) evict_one(c);
  st->next = c->buckets[b];
  c->buckets[b] = st;
  c->n_cached++;
  st->last_used = ++c->uses;
  return &st->base;
}

#define PS(x) ((struct pg_stmt *)(x))

static void bind(fp_stmt *base, int i, Oid type, char *value, int length, int format) {
  struct pg_stmt *st = PS(base);
  if (i < 1 || i > st->nparams) {
    fprintf(stderr, "store: parameter %d of %d bound: %.200s\n", i, st->nparams, st->sql);
    free(value);
    return;
  }
  free(st->values[i - 1]);
  st->values[i - 1] = value;
  st->types[i - 1] = type;
  st->lengths[i - 1] = length;
  st->formats[i - 1] = format;
}

static void pg_bind_int64(fp_stmt *st, int i, int64_t v) {
  char *s = malloc(24);
  if (s) snprintf(s, 24, "%" PRId64, v);
  bind(st, i, s ? INT8OID : 0, s, 0, 0);
}

static void pg_bind_double(fp_stmt *st, int i, double v) {
  char *s = malloc(32);
  if (s) {
    if (v != v) strcpy(s, "NaN");
    else if (v > 1.7976931348623157e308) strcpy(s, "Infinity");
    else if (v < -1.7976931348623157e308) strcpy(s, "-Infinity");
    else snprintf(s, 32, "%.17g", v);
  }
  bind(st, i, s ? FLOAT8OID : 0, s, 0, 0);
}

/*
 * Text goes as type 0 (unknown): the server takes the type the statement needs there, as SQLite's
 * affinity does, so a text bound against an integer column compares as a number ("id = ?" with
 * "7"), where TEXTOID would be refused ("operator does not exist: bigint = text"). Where the
 * statement gives no type (`? IS NULL`), the SQL casts (sql.h's rules), as it must for a NULL.
 */
static void pg_bind_text(fp_stmt *st, int i, const char *v) {
  char *s = v ? strdup(v) : NULL;
  bind(st, i, 0, s, 0, 0);
}

static void pg_bind_blob(fp_stmt *st, int i, const void *p, size_t n) {
  if (n > INT32_MAX) {
    fprintf(stderr, "store: a blob of %zu bytes is too large to send\n", n);
    bind(st, i, BYTEAOID, NULL, 0, 1);
    return;
  }
  char *s = malloc(n ? n : 1);
  if (s && n) memcpy(s, p, n);
  bind(st, i, BYTEAOID, s, (int)n, 1); /* binary: the bytes as they are */
}

static void pg_bind_null(fp_stmt *st, int i) { bind(st, i, 0, NULL, 0, 0); }

/* Whether the statement must be prepared again for this run's parameter types (a NULL, type 0,
   fits whatever it was prepared with). */
static bool types_changed(const struct pg_stmt *st) {
  for (int i = 0; i < st->nparams; i++)
    if (st->types[i] != 0 && st->types[i] != st->prep_types[i]) return true;
  return false;
}

/* Sends the pending BEGIN on its own. 0 or FP_EIO. */
static int begin_flush(struct pg_conn *c) {
  const char *begin = c->begin;
  c->begin = NULL;
  PGresult *res = PQexec(c->pg, begin);
  int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : result_error(c, res, begin);
  if (rc && PQstatus(c->pg) != CONNECTION_OK) c->begin_lost = true;
  PQclear(res);
  return rc;
}

/*
 * One round trip for what waits to be sent and the statement that must be answered now. A
 * transaction's BEGIN is not sent on its own (a round trip of its own, a sixth of a booking's):
 * pg_write and pg_read_begin leave it pending. Nor are the reads a transaction sends early
 * (fp_db_prefetch) or the writes it runs later (fp_db_run_later): they wait in c->early. The next
 * statement to be answered (st; or, with st NULL, the plain commands `plain`, e.g. the COMMIT)
 * sends them all before it in libpq's pipeline mode with one sync, PostgreSQL running them in
 * order. The reads' answers wait in c->early for their steps; the writes' are looked at here.
 *
 * Returns the result to report: the first failure among the BEGIN and the writes run later (the
 * run is then void: whatever came after was not run), else st's own; with st NULL, an empty
 * success, and the plain commands' results in plain_res (the caller clears them). NULL when the
 * connection did not answer in full (c->begin_lost when it carried the BEGIN: the transaction
 * never began, pg_write runs it again). A statement not yet prepared cannot go in a pipeline
 * (execute prepares it after this has sent the rest).
 */
static PGresult *settle(struct pg_conn *c, struct pg_stmt *st, const char *const *plain, int n_plain,
                        PGresult **plain_res) {
  const char *begin = c->begin;
  c->begin = NULL;
  int first = c->n_early; /* the unsent entries are the last ones (each settle answers all) */
  while (first > 0 && !c->early[first - 1].answered) first--;
  int n_q = (begin ? 1 : 0) + (c->n_early - first) + (st ? 1 : 0) + n_plain;
  PGresult *got[PG_EARLY_MAX + 4] = {NULL};
  bool sent = n_q <= (int)(sizeof got / sizeof got[0]) && PQenterPipelineMode(c->pg);
  bool piped = sent;
  if (sent && begin) sent = PQsendQueryParams(c->pg, begin, 0, NULL, NULL, NULL, NULL, 0);
  for (int i = first; sent && i < c->n_early; i++) {
    struct pg_early *e = &c->early[i];
    sent = PQsendQueryPrepared(c->pg, e->st->name, e->n, (const char *const *)e->values, e->lengths, e->formats, 0);
  }
  if (sent && st)
    sent = PQsendQueryPrepared(c->pg, st->name, st->nparams, (const char *const *)st->values, st->lengths, st->formats,
                               0);
  for (int i = 0; sent && i < n_plain; i++) sent = PQsendQueryParams(c->pg, plain[i], 0, NULL, NULL, NULL, NULL, 0);
  sent = sent && PQpipelineSync(c->pg);
  bool synced = false;
  /* Each query's result then a NULL, in order, then the sync; after a failure the rest answer
     PGRES_PIPELINE_ABORTED. */
  for (int q = 0, idle = 0; sent;) {
    PGresult *r = PQgetResult(c->pg);
    if (!r) {
      if (PQstatus(c->pg) != CONNECTION_OK || ++idle > 2) break;
      q++;
      continue;
    }
    idle = 0;
    if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      synced = true;
      break;
    }
    if (q < n_q && !got[q]) got[q] = r;
    else PQclear(r);
  }
  if (!synced || !PQexitPipelineMode(c->pg)) {
    /* Not answered in full: the connection is not usable as it stands. */
    set_errmsg(c, piped ? PQerrorMessage(c->pg) : "cannot send in pipeline mode");
    if (PQstatus(c->pg) == CONNECTION_OK) {
      if (piped) PQexitPipelineMode(c->pg);
      PQreset(c->pg);
      forget_prepared(c);
      conn_setup(c);
    }
    for (int i = 0; i < n_q; i++) PQclear(got[i]);
    early_drop(c, true);
    if (begin) c->begin_lost = true;
    return NULL;
  }
  int q = 0;
  PGresult *report = NULL;
  if (begin) {
    if (PQresultStatus(got[0]) != PGRES_COMMAND_OK) {
      report = got[0];
      if (PQstatus(c->pg) != CONNECTION_OK) c->begin_lost = true;
    } else {
      PQclear(got[0]);
    }
    q++;
  }
  for (int i = first; i < c->n_early;) {
    struct pg_early *e = &c->early[i];
    PGresult *r = got[q++];
    if (e->later) {
      if (!report && !result_ok(r)) report = r;
      else PQclear(r);
      early_remove(c, i);
    } else if (!report && result_ok(r)) {
      e->res = r;
      e->answered = true;
      i++;
    } else {
      PQclear(r);
      early_remove(c, i);
    }
  }
  PGresult *own = st ? got[q++] : NULL;
  for (int i = 0; i < n_plain; i++, q++) {
    if (report) PQclear(got[q]);
    plain_res[i] = report ? NULL : got[q];
  }
  if (report) {
    PQclear(own);
    return report;
  }
  return st ? own : PQmakeEmptyPGresult(c->pg, PGRES_COMMAND_OK);
}

static PGresult *execute(struct pg_stmt *st) {
  struct pg_conn *c = st->conn;
  bool ready = st->prepared && !types_changed(st);
  if (c->begin || early_unsent(c)) {
    if (ready) return settle(c, st, NULL, 0, NULL);
    PGresult *r = settle(c, NULL, NULL, 0, NULL); /* what waits goes first: then this is prepared */
    if (!result_ok(r)) return r;
    PQclear(r);
  }
  if (!ready) {
    deallocate(c, st);
    /* A number the SQL never refers to cannot be typed by the server: it is sent as text. */
    for (int i = 0; i < st->nparams; i++)
      if (st->types[i] == 0 && !(st->used && st->used[i + 1])) st->types[i] = TEXTOID;
    PGresult *res = PQprepare(c->pg, st->name, st->pgsql, st->nparams, st->types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) return res;
    PQclear(res);
    memcpy(st->prep_types, st->types, (size_t)st->nparams * sizeof *st->types);
    st->prepared = true;
    c->prepares++;
  }
  return PQexecPrepared(c->pg, st->name, st->nparams, (const char *const *)st->values, st->lengths, st->formats, 0);
}

/*
 * In PostgreSQL a failed statement fails its whole transaction, while SQLite rolls back only the
 * statement; the store's write callbacks rely on the latter (an INSERT refused by a constraint,
 * then something else). A savepoint around every writing statement gives SQLite's behaviour, but
 * measured (2000 one-row INSERTs in one transaction, loopback): 37 us a statement without, 190 to
 * 350 us with (a round trip more, a subtransaction each, and past 64 of them PostgreSQL's subxid
 * cache overflows). So a transaction first runs without savepoints; if a statement fails in it
 * (rarely: a constraint refusing a double booking), that step answers as usual (FP_ECONFLICT), the
 * rest of the run is void (every later statement answers FP_EIO without asking the server),
 * and the transaction is rolled back and run again at once with a savepoint around each writing
 * statement (c->guard), where a failure rolls back to it and the callback goes on as on SQLite.
 * db.h already lets fn run more than once. In a guarded run, the savepoint of a statement that
 * succeeded is released together with the next one's SAVEPOINT (one round trip for both), or by
 * the COMMIT; reads need none (they cannot break a constraint).
 */
static int savepoint_before(struct pg_conn *c) {
  if (c->savepoint == PG_SP_CLEAN) return 0;
  atomic_fetch_add(&c->owner->savepoints, 1);
  int rc = simple(c, c->savepoint == PG_SP_DIRTY ? "RELEASE SAVEPOINT fp_stmt; SAVEPOINT fp_stmt" : "SAVEPOINT fp_stmt");
  c->savepoint = rc == 0 ? PG_SP_CLEAN : PG_SP_NONE;
  return rc;
}

static void note_changes(struct pg_conn *c, PGresult *res) {
  const char *status = PQcmdStatus(res);
  if (strncmp(status, "INSERT", 6) == 0 || strncmp(status, "UPDATE", 6) == 0 || strncmp(status, "DELETE", 6) == 0 ||
      strncmp(status, "MERGE", 5) == 0)
    c->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/* A failure in a write transaction's unguarded run makes the run void: it runs again guarded (see run). */
static int void_run(struct pg_conn *c, PGresult *res, const char *sql) {
  int rc = result_error(c, res, sql);
  PQclear(res);
  if (c->in_write && !c->guard && !c->retry && PQstatus(c->pg) == CONNECTION_OK) c->replay = true;
  return rc;
}

/* st's answer sent early (fp_db_prefetch), when it was sent bound as st is now: 1 (st->res holds
   it), 0 (none: run st), or an error (what was sent with it failed). */
static int early_take(struct pg_stmt *st) {
  struct pg_conn *c = st->conn;
  for (int i = 0; i < c->n_early; i++) {
    struct pg_early *e = &c->early[i];
    if (e->st != st || e->later) continue;
    if (!e->answered) { /* not sent yet: send it with the rest, and look again */
      PGresult *r = settle(c, NULL, NULL, 0, NULL);
      if (!result_ok(r)) return void_run(c, r, st->sql);
      PQclear(r);
      return early_take(st);
    }
    if (!early_same(e, st)) {
      early_remove(c, i);
      return 0;
    }
    st->res = e->res;
    e->res = NULL;
    early_remove(c, i);
    st->nrows = PQntuples(st->res);
    st->ncols = PQnfields(st->res);
    st->row = -1;
    return 1;
  }
  return 0;
}

static int run(struct pg_stmt *st) {
  struct pg_conn *c = st->conn;
  if (c->in_write && c->replay) return FP_EIO; /* a void run: it will be run again */
  if (st->n_early) {
    int taken = early_take(st);
    if (taken) return taken < 0 ? taken : 0;
  }
  if (st->writes) early_drop(c, false); /* what the reads sent early read may change now */
  bool guarded = c->in_write && c->guard && st->writes && PQtransactionStatus(c->pg) == PQTRANS_INTRANS;
  if (guarded && savepoint_before(c) != 0) return FP_EIO;
  /* Outside any transaction a dropped connection (a server restart, a failover) is opened again
     and the statement run there; inside one, the transaction has failed and its owner learns it. */
  bool outside = !c->in_write && !c->in_read;
  if (outside && PQstatus(c->pg) != CONNECTION_OK) conn_ensure(c);
  PGresult *res = execute(st);
  if (!result_ok(res) && outside && PQstatus(c->pg) != CONNECTION_OK && conn_ensure(c)) {
    PQclear(res);
    res = execute(st);
  }
  if (!result_ok(res)) {
    if (!guarded) return void_run(c, res, st->sql);
    int rc = result_error(c, res, st->sql);
    PQclear(res);
    if (PQstatus(c->pg) == CONNECTION_OK) {
      simple(c, "ROLLBACK TO SAVEPOINT fp_stmt");
      c->savepoint = PG_SP_CLEAN;
    }
    return rc;
  }
  if (guarded) c->savepoint = PG_SP_DIRTY;
  note_changes(c, res);
  if (st->insert_table[0]) memcpy(c->last_insert_table, st->insert_table, sizeof c->last_insert_table);
  st->res = res;
  st->nrows = PQntuples(res);
  st->ncols = PQnfields(res);
  st->row = -1;
  return 0;
}

static int pg_step(fp_stmt *base) {
  struct pg_stmt *st = PS(base);
  if (!st->res) {
    int rc = run(st);
    if (rc != 0) return rc;
  }
  if (st->bytea) { /* the previous row's unescaped values */
    for (int i = 0; i < st->ncols; i++) {
      PQfreemem(st->bytea[i]);
      st->bytea[i] = NULL;
    }
  }
  if (st->row + 1 < st->nrows) {
    st->row++;
    return FP_ROW;
  }
  st->row = st->nrows;
  return FP_DONE;
}

static void pg_reset(fp_stmt *st) { stmt_clear(PS(st)); }

/* The current row's value of column i, or NULL (SQL NULL, no row, no such column). */
static const char *value(struct pg_stmt *st, int i) {
  if (!st->res || st->row < 0 || st->row >= st->nrows || i < 0 || i >= st->ncols) return NULL;
  if (PQgetisnull(st->res, st->row, i)) return NULL;
  return PQgetvalue(st->res, st->row, i);
}

static bool is_bytea(struct pg_stmt *st, int i) { return PQftype(st->res, i) == BYTEAOID; }

/* A bytea column's bytes (the text result unescaped once per row and column), or NULL. */
static const unsigned char *bytea_value(struct pg_stmt *st, int i, size_t *n) {
  *n = 0;
  const char *v = value(st, i);
  if (!v) return NULL;
  if (!st->bytea) {
    st->bytea = calloc((size_t)st->ncols, sizeof *st->bytea);
    st->bytea_len = calloc((size_t)st->ncols, sizeof *st->bytea_len);
    if (!st->bytea || !st->bytea_len) {
      free(st->bytea);
      free(st->bytea_len);
      st->bytea = NULL;
      st->bytea_len = NULL;
      return NULL;
    }
  }
  if (!st->bytea[i]) st->bytea[i] = PQunescapeBytea((const unsigned char *)v, &st->bytea_len[i]);
  *n = st->bytea[i] ? st->bytea_len[i] : 0;
  return st->bytea[i];
}

static int64_t pg_col_int64(fp_stmt *base, int i) {
  const char *v = value(PS(base), i);
  if (!v) return 0;
  if (v[0] == 't' && !v[1]) return 1; /* a boolean */
  if (v[0] == 'f' && !v[1]) return 0;
  if (strpbrk(v, ".eE")) return (int64_t)strtod(v, NULL); /* numeric or double, as SQLite converts */
  return strtoll(v, NULL, 10);
}

static double pg_col_double(fp_stmt *base, int i) {
  const char *v = value(PS(base), i);
  if (!v) return 0.0;
  if (v[0] == 't' && !v[1]) return 1.0;
  return strtod(v, NULL);
}

static const char *pg_col_text(fp_stmt *base, int i) { return value(PS(base), i); }

static size_t pg_col_bytes(fp_stmt *base, int i) {
  struct pg_stmt *st = PS(base);
  const char *v = value(st, i);
  if (!v) return 0;
  if (is_bytea(st, i)) {
    size_t n;
    bytea_value(st, i, &n);
    return n;
  }
  return (size_t)PQgetlength(st->res, st->row, i);
}

static const void *pg_col_blob(fp_stmt *base, int i) {
  struct pg_stmt *st = PS(base);
  const char *v = value(st, i);
  if (!v) return NULL;
  if (!is_bytea(st, i)) return v; /* text read as bytes, as SQLite allows */
  size_t n;
  return bytea_value(st, i, &n);
}

static bool pg_col_null(fp_stmt *base, int i) {
  struct pg_stmt *st = PS(base);
  return !st->res || st->row < 0 || st->row >= st->nrows || i < 0 || i >= st->ncols || PQgetisnull(st->res, st->row, i);
}

/* What a column holds, from its type: integers and booleans INT, floating and numeric REAL, bytea
   BLOB, anything else TEXT (as it reads through fp_col_text); SQL NULL is FP_COL_NULL. */
static enum fp_col_kind pg_col_type(fp_stmt *base, int i) {
  struct pg_stmt *st = PS(base);
  if (pg_col_null(base, i)) return FP_COL_NULL;
  switch (PQftype(st->res, i)) {
  case BOOLOID:
  case INT2OID:
  case INT4OID:
  case INT8OID: return FP_COL_INT;
  case FLOAT4OID:
  case FLOAT8OID:
  case NUMERICOID: return FP_COL_REAL;
  case BYTEAOID: return FP_COL_BLOB;
  default: return FP_COL_TEXT;
  }
}

/* The result's columns: known once the statement has run (its first fp_step), 0 before. */
static int pg_col_count(fp_stmt *base) {
  struct pg_stmt *st = PS(base);
  return st->res ? st->ncols : 0;
}

static const char *pg_col_name(fp_stmt *base, int i) {
  struct pg_stmt *st = PS(base);
  return st->res && i >= 0 && i < st->ncols ? PQfname(st->res, i) : NULL;
}

static const char *pg_stmt_sql(fp_stmt *st) { return PS(st)->sql; }

/* sql.h fp_db_prefetch: a read of a write transaction queued to go with the next statement
   (settle). A statement not prepared yet on this connection is left to run when stepped. false:
   not queued. */
static bool early_read_add(struct pg_stmt *st) {
  struct pg_conn *c = st->conn;
  if (!c->in_write || c->replay || st->writes || !st->prepared || types_changed(st)) return false;
  return early_add(st, false);
}

static void pg_prefetch(fp_stmt *base) { early_read_add(PS(base)); }

/* sql.h fp_db_send_first: a locking transaction's first statement (it may write: the row locks),
   queued before anything else so that the reads queued after it (pg_prefetch) run after it on the
   server, in the same pipeline. Not in a guarded run, whose writes each take a savepoint first. */
static void pg_send_first(fp_stmt *base) {
  struct pg_stmt *st = PS(base);
  struct pg_conn *c = st->conn;
  if (!c->in_write || !c->read_committed || c->replay || c->guard || c->n_early || !st->prepared || types_changed(st))
    return;
  early_add(st, false);
}

/* sql.h fp_db_read_at_commit: a read queued as fp_db_prefetch's are, that the COMMIT keeps (commit
   drops the reads sent early that nobody stepped) and sends before itself; pg_write's after then
   steps it from its answer, outside the transaction. */
static void pg_read_at_commit(fp_stmt *base) {
  struct pg_stmt *st = PS(base);
  if (early_read_add(st)) st->conn->early[st->conn->n_early - 1].at_commit = true;
}

/* sql.h fp_db_run_later: a write of an unguarded run queued to go with the next statement, or the
   COMMIT (settle); otherwise run now. */
static int pg_run_later(fp_stmt *base) {
  struct pg_stmt *st = PS(base);
  struct pg_conn *c = st->conn;
  if (c->in_write && !c->guard && !c->replay && st->writes && st->prepared && !types_changed(st)) {
    early_drop(c, false); /* it writes: what the reads sent early read may change */
    if (early_add(st, true)) return 0;
  }
  int rc = pg_step(base);
  pg_reset(base);
  return rc == FP_ROW || rc == FP_DONE ? 0 : rc;
}

static int64_t pg_changes(struct fp_conn *c) { return PC(c)->changes; }

/* currval of the identity sequence of the table the last INSERT wrote (its id, or roles_custom's
   rowid): the id it gave its row, whatever
   rows its triggers inserted elsewhere (lastval() would say theirs: migration 30's alert_changes).
   It fails in a session that never inserted there: inside a write transaction it counts as a write
   (see run), so that failure (0 here) leaves the transaction usable. */
static int64_t pg_last_id(struct fp_conn *base) {
  struct pg_conn *c = PC(base);
  if (!c->last_insert_table[0]) return 0;
  const char *seq = NULL;
  char found[128] = "";
  for (int i = 0; i < c->n_sequences && !seq; i++)
    if (strcmp(c->sequences[i].table, c->last_insert_table) == 0) seq = c->sequences[i].sequence;
  if (!seq) { /* the table's identity column's sequence, asked once */
    fp_stmt *st = pg_stmt(base, "SELECT pg_get_serial_sequence(?1, a.attname) FROM pg_attribute a"
                                " WHERE a.attrelid = CAST(?1 AS regclass) AND a.attidentity <> '' AND NOT a.attisdropped");
    if (!st) return 0;
    pg_bind_text(st, 1, c->last_insert_table);
    if (pg_step(st) == FP_ROW && pg_col_text(st, 0)) snprintf(found, sizeof found, "%s", pg_col_text(st, 0));
    pg_reset(st);
    if (!found[0]) return 0;
    if (c->n_sequences < (int)(sizeof c->sequences / sizeof c->sequences[0])) {
      memcpy(c->sequences[c->n_sequences].table, c->last_insert_table, sizeof c->sequences[0].table);
      memcpy(c->sequences[c->n_sequences].sequence, found, sizeof found);
      c->n_sequences++;
    }
    seq = found;
  }
  fp_stmt *st = pg_stmt(base, "SELECT currval(CAST(?1 AS regclass))");
  if (!st) return 0;
  pg_bind_text(st, 1, seq);
  PS(st)->writes = true;
  int64_t id = pg_step(st) == FP_ROW ? pg_col_int64(st, 0) : 0;
  pg_reset(st);
  return id;
}

static const char *pg_errmsg(struct fp_conn *c) { return PC(c)->errmsg ? PC(c)->errmsg : "not an error"; }

static int pg_exec(struct fp_conn *base, const char *sql) {
  struct pg_conn *c = PC(base);
  if (c->in_write && c->replay) return FP_EIO; /* a void run: it will be run again */
  int rc = simple(c, sql);
  return rc == 0 ? 0 : FP_EIO;
}

static int pg_read_begin(struct fp_conn *base) {
  struct pg_conn *c = PC(base);
  if (!c->in_read && PQstatus(c->pg) != CONNECTION_OK) conn_ensure(c);
  c->begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"; /* sent with the first read (execute) */
  c->in_read = true;
  return 0;
}

static void pg_read_end(struct fp_conn *base) {
  struct pg_conn *c = PC(base);
  c->in_read = false;
  if (c->begin) { /* nothing was read: nothing began */
    c->begin = NULL;
    return;
  }
  if (PQtransactionStatus(c->pg) == PQTRANS_IDLE || PQstatus(c->pg) != CONNECTION_OK) return;
  simple(c, "COMMIT");
}

const struct fp_engine fp_engine_postgres = {
    .name = "postgresql",
    .kind = FP_ENGINE_POSTGRES,
    .open = pg_open,
    .release = pg_release,
    .reader = pg_reader,
    .write = pg_write,
    .generation = pg_generation,
    .stats = pg_stats,
    .upkeep_try_lock = pg_upkeep_try_lock,
    .catalogue_generation = pg_catalogue_generation,
    .stmt = pg_stmt,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_bytes = pg_col_bytes,
    .col_blob = pg_col_blob,
    .col_null = pg_col_null,
    .col_type = pg_col_type,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .stmt_sql = pg_stmt_sql,
    .changes = pg_changes,
    .last_id = pg_last_id,
    .errmsg = pg_errmsg,
    .exec = pg_exec,
    .read_begin = pg_read_begin,
    .read_end = pg_read_end,
    .prefetch = pg_prefetch,
    .read_at_commit = pg_read_at_commit,
    .send_first = pg_send_first,
    .write_after = true,
    .run_later = pg_run_later,
};
