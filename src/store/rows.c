/* Statement helpers shared by the store's files. See rows.h. */
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
