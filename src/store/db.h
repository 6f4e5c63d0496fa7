/*
 * db.h - the store's connections and transactions (SQLite). The only place SQL is executed.
 *
 * One writer connection behind a mutex (writes queue in the server instead of spinning on
 * SQLITE_BUSY) and one read connection per server thread, all on one database in WAL mode with
 * synchronous=FULL, so that an acknowledged write survives a crash. Prepared statements are cached
 * per connection, keyed by their SQL text.
 *
 * Depends on SQLite and pthreads. Never includes HTTP or JSON headers.
 */
#ifndef FP_STORE_DB_H
#define FP_STORE_DB_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FP_STMT_CACHE 256

struct fp_conn {
  sqlite3 *db;
  struct fp_stmt_slot {
    char *sql;
    sqlite3_stmt *stmt;
  } cache[FP_STMT_CACHE];
};

struct fp_store {
  char *path;            /* the database file */
  char *data_dir;        /* where evidence and other files live */
  struct fp_conn writer;
  pthread_mutex_t write_lock;
  pthread_key_t reader_key;
  pthread_mutex_t readers_lock;
  struct fp_conn **readers; /* every reader opened, closed by fp_store_release */
  int n_readers, cap_readers;
};

/* Opens (creating if needed) data_dir/flexpool.db and applies pending migrations. 0 or FP_EIO. */
int fp_store_open(struct fp_store *s, const char *data_dir);
void fp_store_release(struct fp_store *s);

/* This thread's read connection (opened on first use). NULL on failure. */
struct fp_conn *fp_store_reader(struct fp_store *s);

/*
 * Runs fn inside BEGIN IMMEDIATE ... COMMIT on the writer connection, holding the write lock.
 * fn returns 0 to commit or any other value to roll back; that value is returned. A failed COMMIT
 * returns FP_EIO.
 */
typedef int (*fp_tx_fn)(struct fp_conn *c, void *ctx);
int fp_store_write(struct fp_store *s, fp_tx_fn fn, void *ctx);

/* A cached, reset statement for `sql` on c, or NULL (logged). Do not finalize it. */
sqlite3_stmt *fp_db_stmt(struct fp_conn *c, const char *sql);
/* Runs a statement that returns no rows after binding; returns 0, FP_ECONFLICT on a constraint, FP_EIO. */
int fp_db_exec_stmt(sqlite3_stmt *st);
/* Runs plain SQL (no parameters). 0 or FP_EIO. */
int fp_db_exec(struct fp_conn *c, const char *sql);

/* Binds helpers: text NULL binds SQL NULL. */
void fp_db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A column as a malloc'd string (NULL for SQL NULL). */
char *fp_db_col_strdup(sqlite3_stmt *st, int i);

/* Copies a text column into dst (truncating; "" for NULL). */
void fp_db_col_copy(sqlite3_stmt *st, int i, char *dst, size_t len);

/* The last error message of the connection, for logs. */
const char *fp_db_errmsg(struct fp_conn *c);

/* Migrations, in migrations.c: applied in order, each once, recorded in schema_migrations. */
int fp_store_migrate(struct fp_conn *c);

#endif
