/*
 * sql.h - how the store's files speak SQL: the same calls on both engines (SQLite, PostgreSQL).
 * Only files under src/store include this; the rest of the program sees the store's domain
 * functions and an opaque struct fp_conn.
 *
 * SQL is written once, in the dialect both engines accept (see README, "Where is X?"): parameters as ? or ?N; COALESCE; CASE WHEN instead of the scalar MAX/MIN of two
 * values; INSERT ... ON CONFLICT DO NOTHING; CAST(x AS BIGINT); 0/1 integers for booleans, compared
 * with <> 0; lower(col) LIKE lower(?) ESCAPE '\' for a search; integer epoch seconds for time.
 * Where the engines truly differ, fp_db_engine(c) says which one runs the statement.
 *
 * Statements are prepared once per connection and cached by their SQL text (fp_db_stmt hands
 * back the cached one, reset and with its bindings cleared). Bindings are copied.
 */
#ifndef FP_STORE_SQL_H
#define FP_STORE_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fp_conn;
typedef struct fp_stmt fp_stmt;

enum fp_engine_kind { FP_ENGINE_SQLITE = 1, FP_ENGINE_POSTGRES = 2 };

/* fp_step's answers besides a negative FP_E* error (FP_ECONFLICT: a constraint refused the row). */
enum { FP_ROW = 100, FP_DONE = 101 };

/* A cached, reset statement for `sql` on c, or NULL (logged). Do not finalize it. */
fp_stmt *fp_db_stmt(struct fp_conn *c, const char *sql);

/* Parameters are numbered from 1. Text and blobs are copied; text NULL binds SQL NULL. */
void fp_bind_int64(fp_stmt *st, int i, int64_t v);
void fp_bind_double(fp_stmt *st, int i, double v);
void fp_bind_text(fp_stmt *st, int i, const char *s);
void fp_bind_blob(fp_stmt *st, int i, const void *p, size_t n);
void fp_bind_null(fp_stmt *st, int i);

/* Runs the statement to its next row: FP_ROW, FP_DONE, FP_ECONFLICT (a constraint) or FP_EIO. */
int fp_step(fp_stmt *st);
/* Ends the statement's run (its read, its locks); the bindings stay. */
void fp_reset(fp_stmt *st);

/* Columns of the current row, numbered from 0. SQL NULL reads 0, 0.0, NULL text, 0 bytes. Text and
   blobs stay valid until the next fp_step or fp_reset of the statement. */
int64_t fp_col_int64(fp_stmt *st, int i);
double fp_col_double(fp_stmt *st, int i);
const char *fp_col_text(fp_stmt *st, int i);
size_t fp_col_bytes(fp_stmt *st, int i);
const void *fp_col_blob(fp_stmt *st, int i);
bool fp_col_null(fp_stmt *st, int i);
/* What a column of the current row holds (for copying rows between engines). */
enum fp_col_kind { FP_COL_NULL, FP_COL_INT, FP_COL_REAL, FP_COL_TEXT, FP_COL_BLOB };
enum fp_col_kind fp_col_type(fp_stmt *st, int i);
/* How many columns the statement's rows have. */
int fp_col_count(fp_stmt *st);
const char *fp_col_name(fp_stmt *st, int i);
/* The statement's SQL text, for messages. */
const char *fp_stmt_sql(fp_stmt *st);

/* Rows the last INSERT, UPDATE or DELETE on c changed. */
int64_t fp_db_changes(struct fp_conn *c);
/* The id the last INSERT on c gave its row (its table's, whatever rows its triggers inserted elsewhere). */
int64_t fp_db_last_id(struct fp_conn *c);
/* The last error message of the connection, for logs and for telling constraints apart. */
const char *fp_db_errmsg(struct fp_conn *c);
enum fp_engine_kind fp_db_engine(struct fp_conn *c);
/* Whether the engine runs write transactions one at a time (SQLite): then no row lock is needed
   for a decision (fp_store_shift_lock_get and fp_store_clinician_lock take none). */
bool fp_db_serial_writes(struct fp_conn *c);
/*
 * The passport catalogue (the check types, the requirements, the pools' additions) changes rarely:
 * a connection that may keep what it read of it between transactions gets true and a number that
 * moves whenever the catalogue may have changed for it (what it read under another number is
 * stale). False: read it again every time. SQLite's writer says true: it sees every change the
 * moment it is made, and nothing else writes; so does PostgreSQL inside a READ COMMITTED write
 * transaction, where another server's change is seen within a quarter of a second (pg.c).
 * *store names the installation the number belongs to (numbers of two stores are not comparable).
 */
bool fp_db_catalogue_generation(struct fp_conn *c, uint64_t *gen, const void **store);
/* The installation's data directory (evidence files and other files live there on both engines). */
const char *fp_db_data_dir(struct fp_conn *c);

/* Runs a statement that returns no rows after binding: 0, FP_ECONFLICT on a constraint, FP_EIO. */
int fp_db_exec_stmt(fp_stmt *st);
/*
 * Fewer round trips to a database server (PostgreSQL; on SQLite both are plain runs):
 * - fp_db_prefetch: the caller will step this read, bound as it is now, later in the same write
 *   transaction; it may go to the server with the next statement that runs, its answer kept for
 *   that step (fp_db_stmt on the same SQL and the same values). Only a hint: a statement stepped
 *   with other values, or after the transaction wrote anything, is run afresh, so a read sent early
 *   never answers with rows that are no longer true.
 * - fp_db_run_later: runs a writing statement whose answer the caller does not need (no rows, no
 *   fp_db_changes, no fp_db_last_id); it may go with the next statement or the COMMIT. Its failure
 *   fails that statement and the transaction as a failure of its own would (on PostgreSQL the
 *   transaction then runs again with each statement run at once, as after any failed statement).
 *   0 or the error of a statement run now.
 */
void fp_db_prefetch(fp_stmt *st);
int fp_db_run_later(fp_stmt *st);
/*
 * The last thing a write transaction's fn does (db.h fp_store_write_locking_then): a read of what
 * it wrote, bound as the after callback will step it, sent with the COMMIT (before it, inside the
 * transaction) so that the answer needs no round trip of its own. Only a hint, as fp_db_prefetch:
 * a write after it, or a step with other values, runs the read afresh.
 */
void fp_db_read_at_commit(fp_stmt *st);
/*
 * The first statement of a locking write transaction (db.h fp_store_write_locking), one that takes
 * its locks and whose rows the caller steps next: queued so that the reads it then sends early
 * (fp_db_prefetch) go to the server after it, in the same round trip, and read what the locks stand
 * for. Only a hint: anything already queued, or a statement not yet prepared, and it runs when
 * stepped (the reads queued after it then run afresh, each when stepped).
 */
void fp_db_send_first(fp_stmt *st);

/* Runs plain SQL (no parameters; several statements allowed). 0 or FP_EIO. */
int fp_db_exec(struct fp_conn *c, const char *sql);

/*
 * The reads between these two run in one read transaction: one snapshot (and, on SQLite, one take
 * and release of the WAL's read lock, which every statement outside a transaction pays for itself).
 */
int fp_db_read_begin(struct fp_conn *c);
void fp_db_read_end(struct fp_conn *c);

/*
 * The LIKE pattern "%q%" with LIKE's own characters in q ('%', '_', '\\') escaped by a backslash
 * (use with ESCAPE '\\'), so a search for "50%" finds "50%" and nothing else. buf needs
 * 2 * strlen(q) + 3 bytes; the caller refuses a longer q where it comes in. Returns buf.
 */
char *fp_db_like_contains(const char *q, char *buf, size_t len);

/* A column as a malloc'd string (NULL for SQL NULL). */
char *fp_db_col_strdup(fp_stmt *st, int i);

/*
 * Copies a text column into dst ("" for NULL). Every input that reaches a column read this way is
 * refused where it comes in when longer than the buffer it is read into, so a value never needs
 * cutting. If one still does (a row written before a limit existed, a path that missed it), the
 * copy is cut at a UTF-8 character boundary, said on stderr with the table and column, counted
 * for the calling thread (fp_db_truncations_take), and FP_ETOOBIG returned: never silent.
 */
int fp_db_col_copy(fp_stmt *st, int i, char *dst, size_t len);

/* Migrations, in migrations.c (SQLite) and pg/schema.c (PostgreSQL): applied in order, each once,
   recorded in schema_migrations. */
int fp_store_migrate(struct fp_conn *c);

#endif
