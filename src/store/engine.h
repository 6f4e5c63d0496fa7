/*
 * engine.h - what a database engine gives the store (like GNU Taler's exchange database plugin:
 * one table of operations, one folder per engine): store/sqlite/ (the default, one server) and
 * store/pg/ (PostgreSQL, for several servers on one database). db.c dispatches the store's
 * calls (db.h, sql.h) to the engine an installation was opened with. Only src/store includes this.
 */
#ifndef FP_STORE_ENGINE_H
#define FP_STORE_ENGINE_H

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
  /* locking: fn locks first what its decision reads (db.h fp_store_write_locking). */
  int (*write)(struct fp_store *s, fp_tx_fn fn, void *ctx, bool locking);
  uint64_t (*generation)(struct fp_store *s);
  /* The figures for operators (db.h fp_store_stats); NULL when the engine keeps none. */
  void (*stats)(struct fp_store *s, struct fp_store_stats *out);
  /* Inside a write transaction: whether this server may run background upkeep now (db.h
     fp_store_upkeep_try_lock). NULL when one server owns the installation: always. */
  int (*upkeep_try_lock)(struct fp_conn *c, bool *mine);

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
};

/* Every engine's connection and statement begins with these, so db.c can dispatch. */
struct fp_conn {
  const struct fp_engine *engine;
  struct fp_store *store; /* the installation it belongs to (its data directory) */
};
struct fp_stmt {
  const struct fp_engine *engine;
};

extern const struct fp_engine fp_engine_sqlite;

/* Adds values an engine's writer thread had to cut on a caller's behalf to the caller's thread
   count (see fp_db_col_copy, fp_db_truncations_take). */
void fp_db_truncations_add(unsigned n);

#endif
