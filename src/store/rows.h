/*
 * rows.h - small statement helpers the store's files share (internal to src/store): optional
 * parameters and a statement that yields one row. Written on sql.h's statement API only, so the
 * same on both engines; no SQL of its own.
 */
#ifndef FP_STORE_ROWS_H
#define FP_STORE_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store/sql.h"

/* Binds id, or SQL NULL when it is 0 (no such row). */
void fp_bind_opt_id(fp_stmt *st, int i, int64_t id);
/* Binds s, or SQL NULL when it is NULL or empty. */
void fp_bind_opt_text(fp_stmt *st, int i, const char *s);
/* Steps a statement that yields at most one row into row(st, out): 0, FP_ENOTFOUND when there is
 * none, FP_EIO. Resets st. */
int fp_step_one(fp_stmt *st, void (*row)(fp_stmt *st, void *out), void *out);
/* Runs sql, which yields no rows, with its parameters 1..n bound to the integers given:
 * FP_DB_RUN_INTS(c, "UPDATE t SET x = ? WHERE id = ?", x, id). 0, FP_ECONFLICT or FP_EIO. */
int fp_db_run_ints(struct fp_conn *c, const char *sql, const int64_t *values, size_t n);
#define FP_DB_RUN_INTS(c, sql, ...)                                                                        \
  fp_db_run_ints((c), (sql), (const int64_t[]){__VA_ARGS__}, sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
/*
 * Steps a statement that yields at most one row into the places given, its columns in order:
 *   return FP_STEP_ONE(st, fp_out_int(&user_id), fp_out_text(csrf, csrf_len), fp_out_bool(&used));
 * 0, FP_ENOTFOUND when there is no row (the places untouched), FP_EIO. Resets st. fp_out_text copies
 * (cut to its size, "" for NULL); fp_out_int reads NULL as 0.
 */
enum fp_out_kind { FP_O_INT, FP_O_BOOL, FP_O_REAL, FP_O_TEXT };
struct fp_out {
  enum fp_out_kind kind;
  void *p;
  size_t n;
};
static inline struct fp_out fp_out_int(int64_t *p) { return (struct fp_out){FP_O_INT, p, 0}; }
static inline struct fp_out fp_out_bool(bool *p) { return (struct fp_out){FP_O_BOOL, p, 0}; }
static inline struct fp_out fp_out_real(double *p) { return (struct fp_out){FP_O_REAL, p, 0}; }
static inline struct fp_out fp_out_text(char *p, size_t n) { return (struct fp_out){FP_O_TEXT, p, n}; }
int fp_step_one_into(fp_stmt *st, const struct fp_out *o, size_t n);
#define FP_STEP_ONE(st, ...)                                                                                           \
  fp_step_one_into((st), (const struct fp_out[]){__VA_ARGS__},                                                         \
      sizeof((const struct fp_out[]){__VA_ARGS__}) / sizeof(struct fp_out))
/* Steps a statement that yields at most one row and answers its first column: 0 with *out set,
 * FP_ENOTFOUND when there is no row (*out untouched), FP_EIO. Resets st. */
int fp_step_int(fp_stmt *st, int64_t *out);
/* The same for a condition (SELECT EXISTS ..., which always yields its row): 0 with *out set, or
 * FP_EIO. Resets st. */
int fp_step_bool(fp_stmt *st, bool *out);
/* A place's location from columns i (latitude) and i + 1 (longitude): *has is false, and the two 0,
 * when the latitude is NULL. */
void fp_col_location(fp_stmt *st, int i, bool *has, double *lat, double *lon);
/* The ids as a JSON array ("[1,2,3]"), malloc'd (free it), for `IN (SELECT CAST(value AS BIGINT)
 * FROM json_each(?))` on both engines; NULL when out of memory. */
char *fp_ids_json(const int64_t *ids, size_t n);
/* Steps st to its end, appending each row's first column to *ids (malloc'd, grown as needed: *n
 * used of *cap; free it, also after an error). 0, FP_ENOMEM or FP_EIO. Resets st. */
int fp_step_ids(fp_stmt *st, int64_t **ids, size_t *n, size_t *cap);
/* The same into ids[0..max), for a statement whose LIMIT is max: *n rows. 0 or FP_EIO. Resets st. */
int fp_step_ids_upto(fp_stmt *st, int64_t *ids, size_t max, size_t *n);
/* Steps a page's statement (asked for limit + 1 rows), handing up to limit rows to row(st, ctx);
 * *more is set when another follows them. 0 or FP_EIO. Resets st. */
int fp_step_rows(fp_stmt *st, int limit, void (*row)(fp_stmt *st, void *ctx), void *ctx, bool *more);

/*
 * A statement's parameters in one call, bound to 1..n in the order given:
 *   fp_stmt *st = FP_DB_STMT(c, "SELECT ... WHERE pool_id = ? AND code = ?", fp_int(pool), fp_txt(code));
 *   int rc = FP_DB_RUN(c, "UPDATE ... SET note = ? WHERE id = ?", fp_opt_txt(note), fp_int(id));
 * fp_id binds SQL NULL for 0 (no such row), fp_opt_txt for NULL or "", fp_day_p for FP_DAY_NONE.
 */
enum fp_param_kind { FP_P_INT, FP_P_ID, FP_P_REAL, FP_P_TEXT, FP_P_OPT_TEXT, FP_P_DAY, FP_P_BLOB };
struct fp_param {
  enum fp_param_kind kind;
  union {
    int64_t i;
    double d;
    const char *s;
    struct {
      const void *p;
      size_t n;
    } b;
  } v;
};
static inline struct fp_param fp_int(int64_t i) { return (struct fp_param){FP_P_INT, {.i = i}}; }
static inline struct fp_param fp_id(int64_t i) { return (struct fp_param){FP_P_ID, {.i = i}}; }
static inline struct fp_param fp_real(double d) { return (struct fp_param){FP_P_REAL, {.d = d}}; }
static inline struct fp_param fp_txt(const char *s) { return (struct fp_param){FP_P_TEXT, {.s = s}}; }
static inline struct fp_param fp_opt_txt(const char *s) { return (struct fp_param){FP_P_OPT_TEXT, {.s = s}}; }
static inline struct fp_param fp_day_p(int32_t d) { return (struct fp_param){FP_P_DAY, {.i = d}}; }
static inline struct fp_param fp_blob(const void *p, size_t n) { return (struct fp_param){FP_P_BLOB, {.b = {p, n}}}; }
void fp_bind_params(fp_stmt *st, const struct fp_param *p, size_t n);
/* The statement for sql with its parameters bound, or NULL (FP_EIO to the caller). */
fp_stmt *fp_db_stmt_params(struct fp_conn *c, const char *sql, const struct fp_param *p, size_t n);
/* Runs sql, which yields no rows, with its parameters bound: 0, FP_ECONFLICT or FP_EIO. */
int fp_db_run_params(struct fp_conn *c, const char *sql, const struct fp_param *p, size_t n);
#define FP_PARAMS_(...)                                                                                                \
  (const struct fp_param[]){__VA_ARGS__}, sizeof((const struct fp_param[]){__VA_ARGS__}) / sizeof(struct fp_param)
#define FP_BIND(st, ...) fp_bind_params((st), FP_PARAMS_(__VA_ARGS__))
#define FP_DB_STMT(c, sql, ...) fp_db_stmt_params((c), (sql), FP_PARAMS_(__VA_ARGS__))
#define FP_DB_RUN(c, sql, ...) fp_db_run_params((c), (sql), FP_PARAMS_(__VA_ARGS__))
/* fp_db_run_later (sql.h) of sql with its parameters bound. */
int fp_db_run_later_params(struct fp_conn *c, const char *sql, const struct fp_param *p, size_t n);
#define FP_DB_RUN_LATER(c, sql, ...) fp_db_run_later_params((c), (sql), FP_PARAMS_(__VA_ARGS__))
/* The one row's first column of sql with its parameters bound, as fp_step_int and fp_step_bool:
 * return FP_DB_BOOL(c, &yes, "SELECT EXISTS (...)", fp_int(id)). */
int fp_db_int_params(struct fp_conn *c, int64_t *out, const char *sql, const struct fp_param *p, size_t n);
int fp_db_bool_params(struct fp_conn *c, bool *out, const char *sql, const struct fp_param *p, size_t n);
#define FP_DB_INT(c, out, sql, ...) fp_db_int_params((c), (out), (sql), FP_PARAMS_(__VA_ARGS__))
#define FP_DB_BOOL(c, out, sql, ...) fp_db_bool_params((c), (out), (sql), FP_PARAMS_(__VA_ARGS__))
/* Runs an INSERT with its parameters bound and sets *id to the new row's id: 0, FP_ECONFLICT or
 * FP_EIO (*id untouched). */
int fp_db_insert_params(struct fp_conn *c, int64_t *id, const char *sql, const struct fp_param *p, size_t n);
#define FP_DB_INSERT(c, id, sql, ...) fp_db_insert_params((c), (id), (sql), FP_PARAMS_(__VA_ARGS__))
/* The row sql yields for its one parameter id, read by row into out: 0, FP_ENOTFOUND or FP_EIO. */
int fp_db_one_by_id(struct fp_conn *c, const char *sql, int64_t id, void (*row)(fp_stmt *st, void *out), void *out);

/*
 * A row type's columns as data: the reader puts column first + k into the member the k-th entry
 * names, by its kind and size.
 *   static const struct fp_colspec GRANT_READ[] = {FP_C(INT, struct fp_grant, id), FP_C(TEXT, ...), ...};
 *   fp_read_cols(st, 0, GRANT_READ, FP_NCOLS(GRANT_READ), &g);
 * INT: any integer member (1, 2, 4 or 8 bytes); BOOL: a bool (column != 0); DAY: an fp_day (NULL is
 * FP_DAY_NONE); TEXT: a char array (copied, cut to its size); STRDUP: a char * (malloc'd, NULL for
 * NULL: the caller frees it); STR and STRN: a const char * into the row itself, valid until the
 * statement steps again ("" for NULL, and NULL for NULL); REAL: a double; SKIP: a column read by hand. FP_C_LOCATION(T, has,
 * lat, lon) reads two columns, a place's latitude and longitude, as fp_col_location does. Members not
 * named keep what they had (memset the row first).
 */
enum fp_colspec_kind { FP_C_INT, FP_C_BOOL, FP_C_DAY, FP_C_TEXT, FP_C_STRDUP, FP_C_REAL, FP_C_SKIP, FP_C_LOC, FP_C_STR, FP_C_STRN };
struct fp_colspec {
  enum fp_colspec_kind kind;
  size_t size, off;
  size_t lat, lon; /* FP_C_LOC: where the two go (off: where "has a location" goes) */
};
/* An INT entry for a bool member reads as BOOL (any value but 0 is true), as C's assignment would. */
#define FP_C(KIND, T, m)                                                                                               \
  { FP_C_##KIND == FP_C_INT ? _Generic(((T *)0)->m, bool: FP_C_BOOL, default: FP_C_INT) : FP_C_##KIND,                \
    sizeof(((T *)0)->m), offsetof(T, m), 0, 0 }
#define FP_C_SKIPPED                                                                                                   \
  { FP_C_SKIP, 0, 0, 0, 0 }
#define FP_C_LOCATION(T, has, lat, lon)                                                                                \
  { FP_C_LOC, 0, offsetof(T, has), offsetof(T, lat), offsetof(T, lon) }
#define FP_NCOLS(a) (sizeof(a) / sizeof((a)[0]))
void fp_read_cols(fp_stmt *st, int first, const struct fp_colspec *cols, size_t n, void *out);
/* FP_ROW_READER(NAME, T, COLS) defines static void NAME(st, out), which clears the T at out and reads
 * it from the row's columns 0.. by the table COLS. */
#define FP_ROW_READER(NAME, T, COLS)                                                                                   \
  static void NAME(fp_stmt *st, void *out) {                                                                           \
    memset(out, 0, sizeof(T));                                                                                         \
    fp_read_cols(st, 0, COLS, FP_NCOLS(COLS), out);                                                                    \
  }
/* The same, then THEN(st, (T *)out) reads what the table cannot say. */
#define FP_ROW_READER_THEN(NAME, T, COLS, THEN)                                                                        \
  static void NAME(fp_stmt *st, void *out) {                                                                           \
    memset(out, 0, sizeof(T));                                                                                         \
    fp_read_cols(st, 0, COLS, FP_NCOLS(COLS), out);                                                                    \
    THEN(st, (T *)out);                                                                                                \
  }
/* Both: READ by COLS, and EACH (FP_EACH_ROW) by READ. */
#define FP_ROWS(READ, EACH, T, COLS) FP_ROW_READER(READ, T, COLS) FP_EACH_ROW(EACH, T, READ)

/*
 * The typed glue between a row reader and a caller's callback, which C cannot write once for every
 * row type:
 * FP_ROW_ADAPTER(NAME, T, READ) defines struct NAME_cb { cb, ctx } and NAME_row(st, &that struct),
 * a row function for fp_sql_page and fp_step_rows that reads a T with READ and hands it to cb.
 * FP_EACH_ROW(NAME, T, READ) defines static int NAME(st, cb, ctx), which hands every row of st, read
 * by READ, to cb and resets st: 0 or FP_EIO.
 */
#define FP_ROW_ADAPTER(NAME, T, READ)                                                                      \
  struct NAME##_cb {                                                                                        \
    void (*cb)(const T *row, void *ctx);                                                                    \
    void *ctx;                                                                                              \
  };                                                                                                        \
  static void NAME##_row(fp_stmt *st, void *vctx) {                                                         \
    struct NAME##_cb *x = vctx;                                                                             \
    T row;                                                                                                  \
    READ(st, &row);                                                                                         \
    x->cb(&row, x->ctx);                                                                                    \
  }

#define FP_EACH_ROW(NAME, T, READ)                                                                         \
  static int NAME(fp_stmt *st, void (*cb)(const T *row, void *ctx), void *ctx) {                           \
    int rc;                                                                                                 \
    while ((rc = fp_step(st)) == FP_ROW) {                                                                  \
      T row;                                                                                                \
      READ(st, &row);                                                                                       \
      cb(&row, ctx);                                                                                        \
    }                                                                                                       \
    fp_reset(st);                                                                                           \
    return rc == FP_DONE ? 0 : FP_EIO;                                                                      \
  }

#endif
