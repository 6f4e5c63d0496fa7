/*
 * pg.h - the PostgreSQL engine's insides (engine.h's fp_engine_postgres), for its own tests.
 *
 * Several flexpool servers share one PostgreSQL database, so nothing here may rely on being the
 * only writer (the SQLite engine's single writer thread is what serialises writes there):
 * - writes: fp_store_write takes a connection from a small pool (FP_PG_WRITERS per server) and
 *   runs the callback in one SERIALIZABLE transaction on the caller's thread, retried whole on a
 *   serialization failure or a deadlock (pg.c pg_write says why SERIALIZABLE), and run again with
 *   a savepoint around each writing statement when a statement failed (pg.c run says why);
 * - reads: one connection per server thread (a pthread key, reused by later threads, as the SQLite
 *   readers are), read-only; fp_db_read_begin opens a REPEATABLE READ READ ONLY snapshot;
 * - statements: prepared per connection and cached by SQL text, at most FP_PG_STMT_CACHE, least
 *   recently used evicted (and DEALLOCATEd), so the cache never fails a request;
 * - the identity generation is a row in the database (identity_generation), bumped by triggers,
 *   so a change on one server is seen by the others (pg.c pg_generation).
 * Depends on libpq; nothing outside src/store/pg includes it but tests.
 */
#ifndef FP_STORE_PG_H
#define FP_STORE_PG_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>

#include "store/engine.h"

#define FP_PG_STMT_CACHE 256    /* statements kept per connection */
#define FP_PG_STMT_BUCKETS 512  /* the cache's hash chains */
/* Write connections per server, at most. More transactions at once than the database has cores only
   share them worse: with 32 clients booking on two cores, 8 writers gave p99 137 ms and 4 gave 60 ms
   at a higher rate (docs/PERFORMANCE.md, session 14). A build for a larger database machine may set
   another (-DFP_PG_WRITERS=N). */
#ifndef FP_PG_WRITERS
#define FP_PG_WRITERS 4
#endif
#define FP_PG_MAX_PARAMS 32766  /* the largest ?N (SQLite's own limit) */
#define FP_PG_RETRIES 40        /* attempts of a write transaction that keeps losing races (12 lost 1 booking in 7,680 to 32 racing clients) */

/*
 * The store's SQL with its parameters (`?`, `?N`) as PostgreSQL's `$N`, outside string literals,
 * quoted identifiers, comments and dollar quotes. SQLite's numbering: a bare `?` takes the number
 * after the largest seen so far, so "? ?5 ?" is "$1 $5 $6". *nparams is the largest number. A
 * malloc'd string (the caller frees it), or NULL when out of memory or a number is 0 or larger than
 * FP_PG_MAX_PARAMS. Pure: no libpq, no I/O.
 */
char *fp_pg_rewrite_params(const char *sql, int *nparams);
/* The same, and *used (malloc'd, indexed 1..*nparams; NULL when there is no parameter) says which
   numbers the SQL refers to: SQLite lets a statement bind a number it never uses ("?1, ?2, ?5" with
   3 and 4 bound), PostgreSQL cannot type such a parameter, so the engine gives it one (text). */
char *fp_pg_rewrite_params_used(const char *sql, int *nparams, unsigned char **used);

struct pg_conn;

struct pg_stmt {
  struct fp_stmt base;
  struct pg_conn *conn;
  char *sql;            /* as the store wrote it (the cache key) */
  char *pgsql;          /* with $N placeholders */
  unsigned char *used;  /* used[n]: the SQL refers to $n (see fp_pg_rewrite_params_used) */
  uint64_t hash, last_used;
  struct pg_stmt *next; /* the hash chain */
  bool writes;          /* not a SELECT: in a write transaction it runs inside a savepoint */
  char insert_table[64]; /* an INSERT INTO this table ("" for any other statement): see pg_last_id */
  int nparams;
  char name[24];        /* the server's name of the prepared statement */
  bool prepared;
  Oid *prep_types;      /* the parameter types it was prepared with (0: inferred by the server) */
  Oid *types;           /* this run's bindings */
  char **values;
  int *lengths, *formats;
  PGresult *res;        /* the run's whole result (NULL: not run since the last reset) */
  int row, nrows;
  unsigned char **bytea; /* unescaped bytea columns of the current row, on demand */
  size_t *bytea_len;
  int ncols;
  int n_early;          /* entries of its connection's early queue naming it (never evicted meanwhile) */
};

/*
 * A statement sent before its caller steps it (pg.c settle): a read the caller will want
 * (fp_db_prefetch) or a write whose answer nobody waits for (fp_db_run_later). Queued with a copy
 * of its values until the next statement that must be answered goes, then all go together in
 * libpq's pipeline mode: one round trip. A read's answer waits here for the step of the same
 * statement with the same values; any write drops it (it may no longer be true).
 */
struct pg_early {
  struct pg_stmt *st;
  bool later;    /* a write run later */
  bool answered; /* sent, and res its answer (a read's) */
  bool at_commit; /* a read sent with the COMMIT for after it (fp_db_read_at_commit) */
  int n;
  char **values;
  int *lengths, *formats;
  Oid *types;
  PGresult *res;
};
#define PG_EARLY_MAX 16

enum pg_savepoint { PG_SP_NONE, PG_SP_CLEAN, PG_SP_DIRTY };

struct pg_conn {
  struct fp_conn base;
  PGconn *pg;
  struct pg_store *owner;
  bool reader;
  struct pg_stmt *buckets[FP_PG_STMT_BUCKETS];
  int n_cached;
  uint64_t uses, evictions, prepares, names;
  bool in_write;              /* inside pg_write's transaction */
  bool read_committed;        /* and it is READ COMMITTED (a locking one) */
  bool guard;                 /* this run of the transaction puts each writing statement in a savepoint */
  bool replay;                /* an unguarded run had a statement fail: it is void and runs again guarded */
  bool in_read;               /* between fp_db_read_begin and fp_db_read_end */
  enum pg_savepoint savepoint;
  bool retry;                 /* a statement failed with 40001 or 40P01: the transaction runs again */
  const char *begin;          /* a BEGIN not sent yet: it goes with the transaction's first statement */
  struct pg_early early[PG_EARLY_MAX]; /* sent early or to be (struct pg_early), in order */
  int n_early;
  bool begin_lost;            /* that BEGIN found the connection gone (the transaction never began) */
  int64_t changes;
  char last_insert_table[64]; /* the table of the last INSERT run (pg_last_id) */
  /* The identity sequences of the tables pg_last_id has asked about (the schema does not change
     under a running server; a table past the last is asked about each time). */
  struct {
    char table[64], sequence[128];
  } sequences[32];
  int n_sequences;
  char *errmsg;
};

/* A thread waiting for a write connection (pg.c writer_take): woken alone, with one handed over. */
struct pg_writer_wait {
  pthread_cond_t handed;
  struct pg_conn *conn; /* the writer handed over; NULL with `retry`: try to open one again */
  bool woken, retry;
  struct pg_writer_wait *next;
};

struct pg_store {
  char *conninfo;
  struct fp_reader_pool readers; /* a reader per thread that reads (engine.h) */
  pthread_mutex_t lock; /* the writers */
  struct pg_writer_wait *wait_head, *wait_tail; /* threads waiting for a writer, first come first */
  struct pg_conn *writers[FP_PG_WRITERS]; /* every writer opened */
  bool writer_slot_used[FP_PG_WRITERS];   /* a writer there, or being opened */
  struct pg_conn *free_writers[FP_PG_WRITERS];
  int n_free_writers;
  int writers_waiting;      /* threads waiting for a free writer (all FP_PG_WRITERS busy) */
  struct fp_store_stats counters; /* under lock: write transactions, their outcomes and times (pg_stats) */
  /* The identity generation (pg_generation): the database's, as last read, and when. */
  _Atomic uint64_t db_generation;
  _Atomic int64_t generation_read_ms;
  _Atomic uint64_t local_generation; /* bumps when the database has no identity_generation table */
  _Atomic bool generation_missing;
  _Atomic uint64_t retries;          /* transactions run again after a lost race (tests, logs) */
  _Atomic uint64_t replays;          /* transactions run again with savepoints after a failed statement */
  _Atomic uint64_t savepoints;       /* savepoints taken */
};

/* The PostgreSQL engine's state of an installation opened on it (NULL for another engine). */
struct pg_store *fp_pg_of(struct fp_store *s);

/* Applies pending PostgreSQL migrations (store/pg/schema.c) under an advisory lock. 0 or FP_EIO. */
int fp_pg_migrate(struct fp_conn *c);

extern const struct fp_engine fp_engine_postgres;

#endif
