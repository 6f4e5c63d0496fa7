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
/* Steps a page's statement (asked for limit + 1 rows), handing up to limit rows to row(st, ctx);
 * *more is set when another follows them. 0 or FP_EIO. Resets st. */
int fp_step_rows(fp_stmt *st, int limit, void (*row)(fp_stmt *st, void *ctx), void *ctx, bool *more);

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
