/*
 * engine.h - what a database engine gives the store (like GNU Taler's exchange database plugin:
 * one table of operations, one folder per engine): store/sqlite/ (the default, one server) and
 * store/pg/ (PostgreSQL, for several servers on one database). db.c dispatches the store's
 * calls (db.h, sql.h) to the engine an installation was opened with. Only src/store includes this.
 */
#ifndef FP_STORE_ENGINE_H
#define FP_STORE_ENGINE_H

#include <pthread.h>

#include "store/db.h"
#include "store/sql.h"

struct fp_engine {
  const char *name; /* "sqlite", "postgresql" */
  enum fp_engine_kind kind;
  /* Whether write transactions run one at a time (SQLite's one writer): then none needs a lock. */
  bool serial_writes;
  /* Opens the installation (database NULL for SQLite in s->data_dir), applies pending migrations
     and sets s->impl. 0 or an FP_E* error (said on stderr). */
  int (*open)(struct fp_store *s, const char *database);
  void (*release)(struct fp_store *s);
  struct fp_conn *(*reader)(struct fp_store *s);
  /* locking: fn locks first what its decision reads (db.h fp_store_write_locking). after (NULL:
     none): db.h fp_store_write_locking_then, run on the writer's connection once committed; NULL
     here (the engine cannot) and db.c runs it on a reader. */
  int (*write)(struct fp_store *s, fp_tx_fn fn, fp_tx_fn after, void *ctx, bool locking);
  bool write_after; /* write runs `after` itself */
  uint64_t (*generation)(struct fp_store *s);
  /* The figures for operators (db.h fp_store_stats); NULL when the engine keeps none. */
  void (*stats)(struct fp_store *s, struct fp_store_stats *out);
  /* Inside a write transaction: whether this server may run background upkeep now (db.h
     fp_store_upkeep_try_lock). NULL when one server owns the installation: always. */
  int (*upkeep_try_lock)(struct fp_conn *c, bool *mine);
  /* The passport catalogue's generation as c sees it (sql.h fp_db_catalogue_generation); NULL, or
     false, when c cannot keep what it read of the catalogue between transactions. */
  bool (*catalogue_generation)(struct fp_conn *c, uint64_t *gen);

  fp_stmt *(*stmt)(struct fp_conn *c, const char *sql);
  void (*bind_int64)(fp_stmt *st, int i, int64_t v);
  void (*bind_double)(fp_stmt *st, int i, double v);
  void (*bind_text)(fp_stmt *st, int i, const char *s);
  void (*bind_blob)(fp_stmt *st, int i, const void *p, size_t n);
  void (*bind_null)(fp_stmt *st, int i);
  int (*step)(fp_stmt *st);
  void (*reset)(fp_stmt *st);
  int64_t (*col_int64)(fp_stmt *st, int i);
  double (*col_double)(fp_stmt *st, int i);
  const char *(*col_text)(fp_stmt *st, int i);
  size_t (*col_bytes)(fp_stmt *st, int i);
  const void *(*col_blob)(fp_stmt *st, int i);
  bool (*col_null)(fp_stmt *st, int i);
  enum fp_col_kind (*col_type)(fp_stmt *st, int i);
  int (*col_count)(fp_stmt *st);
  const char *(*col_name)(fp_stmt *st, int i);
  const char *(*stmt_sql)(fp_stmt *st);

  int64_t (*changes)(struct fp_conn *c);
  int64_t (*last_id)(struct fp_conn *c);
  const char *(*errmsg)(struct fp_conn *c);
  int (*exec)(struct fp_conn *c, const char *sql);
  int (*read_begin)(struct fp_conn *c);
  void (*read_end)(struct fp_conn *c);
  /* sql.h fp_db_prefetch and fp_db_run_later; NULL: the engine sends each statement when it is
     stepped (SQLite's are calls in the process, not round trips). */
  void (*prefetch)(fp_stmt *st);
  int (*run_later)(fp_stmt *st);
  /* sql.h fp_db_read_at_commit; NULL: nothing sent early (the read runs when stepped). */
  void (*read_at_commit)(fp_stmt *st);
  /* sql.h fp_db_send_first; NULL: the statement runs when stepped. */
  void (*send_first)(fp_stmt *st);
};

struct fp_reader_pool;

/* Every engine's connection and statement begins with these, so db.c can dispatch. */
struct fp_conn {
  const struct fp_engine *engine;
  struct fp_store *store;      /* the installation it belongs to (its data directory) */
  struct fp_reader_pool *pool; /* a reader: the pool that takes it back when its thread ends */
};
struct fp_stmt {
  const struct fp_engine *engine;
};

extern const struct fp_engine fp_engine_sqlite;

/*
 * Readers, both engines' (db.c): each thread that reads has its own connection (with its prepared
 * statements), kept for the thread's life. The HTTP server runs a thread per connection, so
 * threads come and go: when one ends, its reader goes to the idle list (the thread-specific key's
 * destructor), and the next new thread takes it instead of opening another. So there are never
 * more readers than threads that were reading at one time (at most the server's connection limit).
 * Idle readers are kept, not closed: a kept one comes with its prepared statements (and SQLite
 * would not even give a closed one's file descriptor back while other connections of the process
 * hold locks on the file). The engine says how a reader is opened and closed.
 */
struct fp_reader_pool {
  struct fp_store *store;
  struct fp_conn *(*open)(struct fp_store *s); /* a new reader, or NULL (said on stderr) */
  void (*close)(struct fp_conn *c);            /* closes a reader and frees it */
  pthread_key_t key;                           /* this thread's reader */
  pthread_mutex_t lock;                        /* the lists below */
  struct fp_conn **all;                        /* every reader opened, closed by fp_reader_pool_release */
  int n, cap;
  struct fp_conn **idle;                       /* readers whose thread has ended, for the next thread */
  int n_idle;
  bool ready;                                  /* initialised (release does nothing before) */
};
void fp_reader_pool_init(struct fp_reader_pool *p, struct fp_store *s, struct fp_conn *(*open)(struct fp_store *s),
                         void (*close)(struct fp_conn *c));
/* Closes every reader. No thread may read through the pool any more. */
void fp_reader_pool_release(struct fp_reader_pool *p);
/* This thread's reader: its own, an idle one, or a new one. NULL when none can be opened. */
struct fp_conn *fp_reader_pool_get(struct fp_reader_pool *p);
/* Readers a thread holds now, and those kept idle. */
void fp_reader_pool_counts(struct fp_reader_pool *p, int64_t *in_use, int64_t *idle);

/* The key both engines' statement caches look a statement's SQL up by (FNV-style, eight bytes a
   step: search SQL is most of a kilobyte and is looked up per request). */
uint64_t fp_sql_hash(const char *sql);

/* Adds values an engine's writer thread had to cut on a caller's behalf to the caller's thread
   count (see fp_db_col_copy, fp_db_truncations_take). */
void fp_db_truncations_add(unsigned n);

#endif
