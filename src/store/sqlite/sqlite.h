/*
 * sqlite.h - the SQLite engine's insides (engine.h's fp_engine_sqlite), for its own tests and
 * tools (backup). One writer connection owned by one writer thread: every write is a job in its
 * queue (writes queue in the server instead of spinning on SQLITE_BUSY). The writer runs the jobs
 * waiting at one time in a single transaction, each inside its own SAVEPOINT, and commits once:
 * group commit, so that one fsync serves a whole batch. One read connection per server thread,
 * all on one database in WAL mode with synchronous=FULL, so that an acknowledged write survives a
 * crash. Prepared statements are cached per connection, keyed by their SQL text, at most
 * FP_STMT_CACHE of them: when it is full the least recently used statement that is not running is
 * finalized to make room, so a cache never fails a request however many distinct queries (the
 * shift and booking searches are built from filters) come.
 */
#ifndef FP_STORE_SQLITE_H
#define FP_STORE_SQLITE_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/engine.h"

#define FP_STMT_CACHE 256                 /* statements kept per connection */
#define FP_STMT_SLOTS (2 * FP_STMT_CACHE) /* open addressing at most half full */

struct sq_stmt {
  struct fp_stmt base;
  sqlite3_stmt *st;
  uint64_t bound; /* bit i-1: parameter i bound since the statement was handed out (sq_step checks) */
};

struct sq_conn {
  struct fp_conn base;
  sqlite3 *db;
  struct fp_stmt_slot {
    char *sql;            /* NULL: an empty slot */
    uint64_t hash;
    uint64_t last_used;   /* the connection's use counter when last handed out (LRU) */
    struct sq_stmt *stmt;
  } cache[FP_STMT_SLOTS];
  int n_cached;
  uint64_t uses;
  uint64_t evictions;     /* statements finalized to make room (for tests and logs) */
};

struct fp_write_job;

struct sq_store {
  char *path;            /* the database file */
  struct sq_conn writer; /* used by the writer thread only (and by start-up before it runs) */
  pthread_mutex_t write_lock;   /* guards the queue */
  pthread_cond_t job_ready;     /* the writer waits for jobs; each job has its own "done" */
  struct fp_write_job *queue_head, *queue_tail;
  pthread_t writer_thread;
  bool writer_running, stopping;
  /* Checkpoints run on their own thread and connection (PASSIVE, when the WAL reaches 1000 pages
     and at least once a second), never in the writer's commit, so that a batch never waits for
     the WAL to be copied back. */
  struct sq_conn checkpointer;
  pthread_t checkpoint_thread;
  pthread_cond_t checkpoint_wake;
  bool checkpoint_running;
  int wal_pages; /* the WAL's size in pages after the writer's last commit (writer thread only) */
  struct fp_reader_pool readers; /* a reader per thread that reads (engine.h) */
  /* Counts committed transactions that changed who someone is (seen by an SQLite update hook on
     the writer). */
  _Atomic uint64_t generation;
  bool identity_changed;
  /* The passport catalogue's generation (fp_db_catalogue_generation): moved by the update hook at
     each change, after each job that changed it (a job rolled back undoes it) and after the batch. */
  uint64_t catalogue_generation; /* writer thread only */
  bool catalogue_changed;        /* during a batch; writer thread only */  /* set by the update hook during a batch; writer thread only */
  struct fp_store_stats counters; /* the writer's figures (db.h fp_store_stats), under write_lock */
};

/* The SQLite engine's state of an installation opened on it (NULL for another engine). */
struct sq_store *fp_sqlite_of(struct fp_store *s);

#endif
