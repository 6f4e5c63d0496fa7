/*
 * db.h - the store's connections and transactions (SQLite). The only place SQL is executed.
 *
 * One writer connection owned by one writer thread: every write is a job in its queue (writes
 * queue in the server instead of spinning on SQLITE_BUSY). The writer runs the jobs waiting at
 * one time in a single transaction, each inside its own SAVEPOINT, and commits once: group
 * commit, so that one fsync serves a whole batch. One read connection per server thread, all on one database in WAL mode with
 * synchronous=FULL, so that an acknowledged write survives a crash. Prepared statements are cached
 * per connection, keyed by their SQL text, at most FP_STMT_CACHE of them: when it is full the least
 * recently used statement that is not running is finalized to make room, so a cache never fails a
 * request however many distinct queries (the shift and booking searches are built from filters) come.
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

#define FP_STMT_CACHE 256                 /* statements kept per connection */
#define FP_STMT_SLOTS (2 * FP_STMT_CACHE) /* open addressing at most half full */

struct fp_conn {
  sqlite3 *db;
  struct fp_store *owner; /* readers: the store whose idle list takes them back */
  struct fp_stmt_slot {
    char *sql;            /* NULL: an empty slot */
    uint64_t hash;
    uint64_t last_used;   /* the connection's use counter when last handed out (LRU) */
    sqlite3_stmt *stmt;
  } cache[FP_STMT_SLOTS];
  int n_cached;
  uint64_t uses;
  uint64_t evictions;     /* statements finalized to make room (for tests and logs) */
};

struct fp_write_job;

struct fp_store {
  char *path;            /* the database file */
  char *data_dir;        /* where evidence and other files live */
  struct fp_conn writer; /* used by the writer thread only (and by start-up before it runs) */
  pthread_mutex_t write_lock;   /* guards the queue */
  pthread_cond_t job_ready;     /* the writer waits for jobs; each job has its own "done" */
  struct fp_write_job *queue_head, *queue_tail;
  pthread_t writer_thread;
  bool writer_running, stopping;
  /* Checkpoints run on their own thread and connection (PASSIVE, when the WAL reaches 1000 pages
     and at least once a second), never in the writer's commit, so that a batch never waits for
     the WAL to be copied back. */
  struct fp_conn checkpointer;
  pthread_t checkpoint_thread;
  pthread_cond_t checkpoint_wake;
  bool checkpoint_running;
  int wal_pages; /* the WAL's size in pages after the writer's last commit (writer thread only) */
  pthread_key_t reader_key;
  pthread_mutex_t readers_lock;
  struct fp_conn **readers; /* every reader opened, closed by fp_store_release */
  int n_readers, cap_readers;
  struct fp_conn **idle;    /* readers whose thread has ended, for the next thread to take */
  int n_idle;
  /* Counts committed transactions that changed who someone is: users, their roles, sessions,
     clinicians or pool memberships (seen by an SQLite update hook on the writer). The HTTP layer's session cache is
     valid only while this has not moved. */
  _Atomic uint64_t generation;
  bool identity_changed;  /* set by the update hook during a batch; writer thread only */
};

/* Opens (creating if needed) data_dir/flexpool.db and applies pending migrations. 0 or FP_EIO. */
int fp_store_open(struct fp_store *s, const char *data_dir);
void fp_store_release(struct fp_store *s);

/* This thread's read connection (opened on first use). NULL on failure. */
struct fp_conn *fp_store_reader(struct fp_store *s);

/* The current identity generation (see struct fp_store). */
uint64_t fp_store_generation(struct fp_store *s);

/*
 * Runs fn on the writer connection inside a transaction (a SAVEPOINT within the writer's batch)
 * and waits until it is durable. fn returns 0 to keep its changes or any other value to roll them
 * back; that value is returned. A failed COMMIT returns FP_EIO. fn must not call fp_store_write.
 */
typedef int (*fp_tx_fn)(struct fp_conn *c, void *ctx);
int fp_store_write(struct fp_store *s, fp_tx_fn fn, void *ctx);

/* A cached, reset statement for `sql` on c, or NULL (logged). Do not finalize it. */
sqlite3_stmt *fp_db_stmt(struct fp_conn *c, const char *sql);
/* Runs a statement that returns no rows after binding; returns 0, FP_ECONFLICT on a constraint, FP_EIO. */
int fp_db_exec_stmt(sqlite3_stmt *st);
/* Runs plain SQL (no parameters). 0 or FP_EIO. */
int fp_db_exec(struct fp_conn *c, const char *sql);
/*
 * The reads between these two run in one read transaction: one snapshot, and one take and release
 * of the WAL's read lock (which every statement outside a transaction pays for itself).
 */
int fp_db_read_begin(struct fp_conn *c);
void fp_db_read_end(struct fp_conn *c);

/*
 * The LIKE pattern "%q%" with LIKE's own characters in q ('%', '_', '\\') escaped by a backslash
 * (use with ESCAPE '\\'), so a search for "50%" finds "50%" and nothing else. buf needs
 * 2 * strlen(q) + 3 bytes; the caller refuses a longer q where it comes in. Returns buf.
 */
char *fp_db_like_contains(const char *q, char *buf, size_t len);

/* Binds helpers: text NULL binds SQL NULL. */
void fp_db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A column as a malloc'd string (NULL for SQL NULL). */
char *fp_db_col_strdup(sqlite3_stmt *st, int i);

/*
 * Copies a text column into dst ("" for NULL). Every input that reaches a column read this way is
 * refused where it comes in when longer than the buffer it is read into, so a value never needs
 * cutting. If one still does (a row written before a limit existed, a path that missed it), the
 * copy is cut at a UTF-8 character boundary, said on stderr with the table and column, counted
 * for the calling thread (fp_db_truncations_take), and FP_ETOOBIG returned: never silent.
 */
int fp_db_col_copy(sqlite3_stmt *st, int i, char *dst, size_t len);
/*
 * How many values fp_db_col_copy had to cut on this thread since the last call (including those
 * of the write transactions this thread ran through fp_store_write), and back to 0. The HTTP
 * layer answers 500 rather than a response holding a cut value.
 */
unsigned fp_db_truncations_take(void);

/* The last error message of the connection, for logs. */
const char *fp_db_errmsg(struct fp_conn *c);

/* Migrations, in migrations.c: applied in order, each once, recorded in schema_migrations. */
int fp_store_migrate(struct fp_conn *c);

#endif
