/* Statement helpers shared by the store's files. See rows.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/rows.h"

#include "core/eligibility.h"
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

int fp_step_ids(fp_stmt *st, int64_t **ids, size_t *n, size_t *cap) {
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (*n == *cap) {
      size_t want = *cap ? *cap * 2 : 16;
      int64_t *grown = realloc(*ids, want * sizeof *grown);
      if (!grown) {
        fp_reset(st);
        return FP_ENOMEM;
      }
      *ids = grown;
      *cap = want;
    }
    (*ids)[(*n)++] = fp_col_int64(st, 0);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_step_ids_upto(fp_stmt *st, int64_t *ids, size_t max, size_t *n) {
  int rc;
  *n = 0;
  while (*n < max && (rc = fp_step(st)) == FP_ROW) ids[(*n)++] = fp_col_int64(st, 0);
  if (*n == max) rc = FP_DONE; /* the LIMIT's rows all read */
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
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

void fp_bind_params(fp_stmt *st, const struct fp_param *p, size_t n) {
  for (size_t k = 0; k < n; k++) {
    int i = (int)k + 1;
    switch (p[k].kind) {
    case FP_P_INT: fp_bind_int64(st, i, p[k].v.i); break;
    case FP_P_ID: fp_bind_opt_id(st, i, p[k].v.i); break;
    case FP_P_REAL: fp_bind_double(st, i, p[k].v.d); break;
    case FP_P_TEXT: fp_bind_text(st, i, p[k].v.s); break;
    case FP_P_OPT_TEXT: fp_bind_opt_text(st, i, p[k].v.s); break;
    case FP_P_BLOB: fp_bind_blob(st, i, p[k].v.b.p, p[k].v.b.n); break;
    case FP_P_DAY:
      if (p[k].v.i == FP_DAY_NONE)
        fp_bind_null(st, i);
      else
        fp_bind_int64(st, i, p[k].v.i);
      break;
    }
  }
}

fp_stmt *fp_db_stmt_params(struct fp_conn *c, const char *sql, const struct fp_param *p, size_t n) {
  fp_stmt *st = fp_db_stmt(c, sql);
  if (st) fp_bind_params(st, p, n);
  return st;
}

int fp_db_run_params(struct fp_conn *c, const char *sql, const struct fp_param *p, size_t n) {
  fp_stmt *st = fp_db_stmt_params(c, sql, p, n);
  return st ? fp_db_exec_stmt(st) : FP_EIO;
}

int fp_db_run_later_params(struct fp_conn *c, const char *sql, const struct fp_param *p, size_t n) {
  return fp_db_run_later(fp_db_stmt_params(c, sql, p, n));
}

static void put_int(void *dst, size_t size, int64_t v) {
  switch (size) {
  case 1: {
    int8_t x = (int8_t)v;
    memcpy(dst, &x, 1);
    break;
  }
  case 2: {
    int16_t x = (int16_t)v;
    memcpy(dst, &x, 2);
    break;
  }
  case 4: {
    int32_t x = (int32_t)v;
    memcpy(dst, &x, 4);
    break;
  }
  default: memcpy(dst, &v, 8); break;
  }
}

void fp_read_cols(fp_stmt *st, int first, const struct fp_colspec *cols, size_t n, void *out) {
  int i = first;
  for (size_t k = 0; k < n; k++, i++) {
    char *dst = (char *)out + cols[k].off;
    switch (cols[k].kind) {
    case FP_C_INT: put_int(dst, cols[k].size, fp_col_int64(st, i)); break;
    case FP_C_BOOL: {
      bool b = fp_col_int64(st, i) != 0;
      memcpy(dst, &b, sizeof b);
      break;
    }
    case FP_C_DAY: put_int(dst, cols[k].size, fp_col_null(st, i) ? FP_DAY_NONE : fp_col_int64(st, i)); break;
    case FP_C_TEXT: fp_db_col_copy(st, i, dst, cols[k].size); break;
    case FP_C_STRDUP: {
      char *s = fp_db_col_strdup(st, i);
      memcpy(dst, &s, sizeof s);
      break;
    }
    case FP_C_REAL: {
      double d = fp_col_double(st, i);
      memcpy(dst, &d, sizeof d);
      break;
    }
    case FP_C_SKIP: break;
    case FP_C_STR:
    case FP_C_STRN: {
      const char *s = fp_col_text(st, i);
      if (!s && cols[k].kind == FP_C_STR) s = "";
      memcpy(dst, &s, sizeof s);
      break;
    }
    case FP_C_LOC: {
      bool has;
      double lat, lon;
      fp_col_location(st, i, &has, &lat, &lon);
      memcpy(dst, &has, sizeof has);
      memcpy((char *)out + cols[k].lat, &lat, sizeof lat);
      memcpy((char *)out + cols[k].lon, &lon, sizeof lon);
      i++; /* two columns */
      break;
    }
    }
  }
}

int fp_db_insert_params(struct fp_conn *c, int64_t *id, const char *sql, const struct fp_param *p, size_t n) {
  int rc = fp_db_run_params(c, sql, p, n);
  if (rc == 0) *id = fp_db_last_id(c);
  return rc;
}

int fp_db_one_by_id(struct fp_conn *c, const char *sql, int64_t id, void (*row)(fp_stmt *st, void *out), void *out) {
  fp_stmt *st = FP_DB_STMT(c, sql, fp_int(id));
  if (!st) return FP_EIO;
  return fp_step_one(st, row, out);
}

int fp_db_int_params(struct fp_conn *c, int64_t *out, const char *sql, const struct fp_param *p, size_t n) {
  fp_stmt *st = fp_db_stmt_params(c, sql, p, n);
  return st ? fp_step_int(st, out) : FP_EIO;
}

int fp_db_bool_params(struct fp_conn *c, bool *out, const char *sql, const struct fp_param *p, size_t n) {
  fp_stmt *st = fp_db_stmt_params(c, sql, p, n);
  return st ? fp_step_bool(st, out) : FP_EIO;
}

int fp_step_one_into(fp_stmt *st, const struct fp_out *o, size_t n) {
  int rc = fp_step(st);
  if (rc == FP_ROW)
    for (size_t k = 0; k < n; k++) {
      int i = (int)k;
      switch (o[k].kind) {
      case FP_O_INT: *(int64_t *)o[k].p = fp_col_int64(st, i); break;
      case FP_O_BOOL: *(bool *)o[k].p = fp_col_int64(st, i) != 0; break;
      case FP_O_REAL: *(double *)o[k].p = fp_col_double(st, i); break;
      case FP_O_TEXT: fp_db_col_copy(st, i, o[k].p, o[k].n); break;
      }
    }
  fp_reset(st);
  if (rc == FP_DONE) return FP_ENOTFOUND;
  return rc == FP_ROW ? 0 : FP_EIO;
}
