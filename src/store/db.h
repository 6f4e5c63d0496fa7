/*
 * db.h - the store as its callers see it: an installation opened on one of two engines, a read
 * connection per thread, and write transactions. The store's files run their SQL through sql.h;
 * nothing outside src/store sees SQL, an engine's types or a connection's insides.
 *
 * Engines (engine.h): SQLite in the data directory (the default: one writer thread with group
 * commit, a reader per server thread, WAL; store/sqlite/) or PostgreSQL (several servers on one
 * database; store/pg/). Both give the same guarantees: an acknowledged write is durable, the
 * invariants (one booking per shift, no overlapping bookings) hold in the database itself.
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_DB_H
#define FP_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fp_conn; /* a connection: opaque outside the store */
struct fp_engine;

struct fp_store {
  const struct fp_engine *engine;
  void *impl;     /* the engine's own state */
  char *data_dir; /* where evidence and other files live (both engines) */
};

/*
 * Opens the installation and applies pending migrations. database NULL or "" means SQLite in
 * data_dir/flexpool.db (created if needed); a PostgreSQL connection string ("postgresql://...",
 * "postgres://..." or libpq's "key=value ...") means that database. 0 or an FP_E* error.
 */
int fp_store_open(struct fp_store *s, const char *data_dir, const char *database);
void fp_store_release(struct fp_store *s);
/* The engine's name ("sqlite", "postgresql"), for logs and /healthz. */
const char *fp_store_engine_name(const struct fp_store *s);
/* Whether database names PostgreSQL (as fp_store_open reads it); whether s runs on PostgreSQL. */
bool fp_store_is_postgres(const char *database);
bool fp_store_is_postgres_store(const struct fp_store *s);

/* The newest migration applied to the installation (its schema version). 0 or FP_EIO. */
int fp_store_schema_version(struct fp_store *s, int64_t *version);

/* This thread's read connection (opened on first use). NULL on failure. */
struct fp_conn *fp_store_reader(struct fp_store *s);
/* This thread will not read for a long while (it waits on a live stream): its read connection, if
   it has one, goes back for other threads, as when a thread ends; a later fp_store_reader on this
   thread takes one again. Never inside fp_store_read_begin .. end. */
void fp_store_reader_set_aside(struct fp_store *s);

/*
 * The identity generation: it moves whenever a committed transaction changed who someone is
 * (users, their roles, ended sessions, clinicians, pool memberships, second factors). The HTTP
 * layer's session cache is valid only while it has not moved.
 */
uint64_t fp_store_generation(struct fp_store *s);

/*
 * Runs fn inside a transaction and waits until it is durable. fn returns 0 to keep its changes or
 * any other value to roll them back; that value is returned. A failed commit returns FP_EIO.
 * FP_EBUSY: the store could not take the write now and nothing was changed (SQLite: another
 * process held the database's write lock past the 10-second busy timeout; PostgreSQL: the
 * transaction lost its race with other servers FP_PG_RETRIES times); the caller may try again.
 * fn must not call fp_store_write. fn may run more than once (an engine retries a transaction
 * that lost a race with another server): it must set all its outputs on each run.
 */
typedef int (*fp_tx_fn)(struct fp_conn *c, void *ctx);
int fp_store_write(struct fp_store *s, fp_tx_fn fn, void *ctx);

/*
 * fp_store_write for a transaction whose fn, before it reads anything, locks (row locks or writes) the
 * rows that stand for everything its decision reads and a concurrent transaction could change
 * (the booking: fp_store_shift_lock_for_booking, fp_store_clinician_lock; every transaction that changes
 * what such a decision reads takes the same locks, or writes the locked row itself). With that,
 * an engine may run it with less isolation: PostgreSQL runs it at READ COMMITTED (every statement
 * sees what was committed before it, so after the locks it sees every change they stood for)
 * instead of SERIALIZABLE, where concurrent bookings failed each other's serialization through
 * the index pages they share (serialization failures outnumbered the bookings made). SQLite runs
 * one write transaction at a time: the same as fp_store_write.
 */
int fp_store_write_locking(struct fp_store *s, fp_tx_fn fn, void *ctx);

/*
 * fp_store_write_locking, then, once committed, after(c, ctx): reads (only) of what was committed,
 * for the answer. Where the engine lets several write at once (PostgreSQL), after runs on the
 * writer's own connection, outside the transaction, and the reads fn sent with the COMMIT
 * (sql.h fp_db_read_at_commit) answer from that same round trip; elsewhere (SQLite's one writer,
 * whose time is every write's wait) after runs on the calling thread's reader. Not run when fn or
 * the commit failed. Returns fn's or the commit's failure, else after's return.
 */
int fp_store_write_locking_then(struct fp_store *s, fp_tx_fn fn, fp_tx_fn after, void *ctx);

/*
 * Background upkeep (completing shifts, passport lapses, retention) is run by one server at a time.
 * Called first inside the write transaction of an upkeep step (fn of fp_store_write): *mine says
 * whether this server holds the upkeep lock until that transaction ends; when it does not, another
 * server is running upkeep and this one skips the step. On PostgreSQL a transaction-level advisory
 * lock (pg_try_advisory_xact_lock(FP_STORE_UPKEEP_LOCK)), so a server that dies gives it back; on
 * SQLite one server owns the data directory, so always. 0, or FP_EIO (*mine false).
 */
#define FP_STORE_UPKEEP_LOCK 0x666c6578706f6f6dLL /* the migration lock + 1; pg_locks: classid 1718379896, objid 1886351213 */
int fp_store_upkeep_try_lock(struct fp_conn *c, bool *mine);

/*
 * The reads a caller makes between these two (several store functions on one reader, such as a
 * search and the eligibility of each result) see one snapshot of the store. 0 or FP_EIO; end
 * every begin that succeeded.
 */
int fp_store_read_begin(struct fp_conn *c);
void fp_store_read_end(struct fp_conn *c);

/*
 * The store's figures for operators (GET /metrics, http/prometheus.c). A histogram counts, for each
 * upper bound in fp_store_hist_bounds (seconds), the observations at most that long and longer than
 * the bound before it; counts[FP_STORE_HIST_BUCKETS] those longer than every bound.
 */
#define FP_STORE_HIST_BUCKETS 14
extern const double fp_store_hist_bounds[FP_STORE_HIST_BUCKETS];
struct fp_store_hist {
  uint64_t counts[FP_STORE_HIST_BUCKETS + 1];
  uint64_t count;
  double sum;
};
/* Adds one observation of `seconds` to h. */
void fp_store_hist_observe(struct fp_store_hist *h, double seconds);
struct fp_store_stats {
  int64_t write_queue;        /* writes waiting for a transaction now (SQLite: for the writer, not counting its batch) */
  uint64_t batches;           /* write transactions run (SQLite: each a batch of many writes) */
  uint64_t writes_ok;         /* writes that kept their changes and were committed */
  uint64_t writes_failed;     /* writes refused by their own rules or failed, rolled back */
  struct fp_store_hist commit_seconds; /* a write transaction: BEGIN to a durable COMMIT */
  struct fp_store_hist write_seconds;  /* a write: asked for to durable, what its caller waits */
  uint64_t retries;           /* write transactions run again after losing a race with another server (PostgreSQL) */
  int64_t connections_in_use; /* database connections a thread holds now */
  int64_t connections_idle;   /* connections kept for the next thread */
};
/* The store's figures now (zeros where the engine keeps none). */
void fp_store_stats(struct fp_store *s, struct fp_store_stats *out);

/*
 * How many column values the store had to cut on this thread since the last call (including
 * those of the write transactions this thread ran through fp_store_write), and back to 0. The
 * HTTP layer answers 500 rather than a response holding a cut value (see sql.h fp_db_col_copy).
 */
unsigned fp_db_truncations_take(void);

#endif
