/* Statement helpers shared by the store's files. See rows.h. */
#include <stdio.h>
#include <stdlib.h>
#include "store/rows.h"

#include "core/error.h"

void fp_bind_opt_id(fp_stmt *st, int i, int64_t id) {
  if (id) fp_bind_int64(st, i, id);
  else fp_bind_null(st, i);
}

void fp_bind_opt_text(fp_stmt *st, int i, const char *s) { fp_bind_text(st, i, s && *s ? s : NULL); }

int fp_step_one(fp_stmt *st, void (*row)(fp_stmt *st, void *out), void *out) {
  int rc = fp_step(st);
  if (rc == FP_ROW) row(st, out);
  fp_reset(st);
  if (rc == FP_DONE) return FP_ENOTFOUND;
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_db_run_ints(struct fp_conn *c, const char *sql, const int64_t *values, size_t n) {
  fp_stmt *st = fp_db_stmt(c, sql);
  if (!st) return FP_EIO;
  for (size_t i = 0; i < n; i++) fp_bind_int64(st, (int)i + 1, values[i]);
  return fp_db_exec_stmt(st);
}

int fp_step_int(fp_stmt *st, int64_t *out) {
  int rc = fp_step(st);
  if (rc == FP_ROW) *out = fp_col_int64(st, 0);
  fp_reset(st);
  if (rc == FP_DONE) return FP_ENOTFOUND;
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_step_bool(fp_stmt *st, bool *out) {
  int64_t v = 0;
  int rc = fp_step_int(st, &v);
  *out = v != 0;
  return rc == 0 ? 0 : FP_EIO;
}

int fp_step_rows(fp_stmt *st, int limit, void (*row)(fp_stmt *st, void *ctx), void *ctx, bool *more) {
  int rc, n = 0;
  *more = false;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == limit) {
      *more = true;
      break;
    }
    row(st, ctx);
    n++;
  }
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

void fp_col_location(fp_stmt *st, int i, bool *has, double *lat, double *lon) {
  *has = !fp_col_null(st, i);
  *lat = fp_col_double(st, i);
  *lon = fp_col_double(st, i + 1);
}

char *fp_ids_json(const int64_t *ids, size_t n) {
  size_t len = 3 + n * 21; /* a bigint is at most 20 characters, and a comma each */
  char *buf = malloc(len);
  if (!buf) return NULL;
  size_t used = 0;
  buf[used++] = '[';
  for (size_t i = 0; i < n; i++) used += (size_t)snprintf(buf + used, len - used, "%s%lld", i ? "," : "", (long long)ids[i]);
  buf[used++] = ']';
  buf[used] = 0;
  return buf;
}
