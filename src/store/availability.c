/* Storing clinicians' availability. See availability.h. */
#include "store/availability.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/sql.h"

struct fp_availability fp_stored_availability_view(const struct fp_stored_availability *sa) {
  struct fp_availability a = {sa->windows, sa->n_windows, sa->exceptions, sa->n_exceptions};
  return a;
}

int fp_store_availability_get(struct fp_conn *c, int64_t clinician_id, struct fp_stored_availability *out) {
  memset(out, 0, sizeof *out);
  fp_stmt *st = fp_db_stmt(c, "SELECT weekday, start_min, end_min FROM availability_windows WHERE clinician_id = ?"
                              " ORDER BY (weekday + 6) % 7, start_min, end_min");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (out->n_windows == FP_AVAIL_MAX_WINDOWS) {
      fp_reset(st);
      return FP_ETOOBIG;
    }
    struct fp_avail_window *w = &out->windows[out->n_windows++];
    w->weekday = (int)fp_col_int64(st, 0);
    w->start_min = (int)fp_col_int64(st, 1);
    w->end_min = (int)fp_col_int64(st, 2);
  }
  fp_reset(st);
  if (rc != FP_DONE) return FP_EIO;
  st = fp_db_stmt(c, "SELECT kind, from_day, to_day, COALESCE(start_min, 0), COALESCE(end_min, 0)"
                     " FROM availability_exceptions WHERE clinician_id = ? ORDER BY from_day, to_day, kind, start_min");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
  while ((rc = fp_step(st)) == FP_ROW) {
    if (out->n_exceptions == FP_AVAIL_MAX_EXCEPTIONS) {
      fp_reset(st);
      return FP_ETOOBIG;
    }
    struct fp_avail_exception *e = &out->exceptions[out->n_exceptions++];
    const char *kind = fp_col_text(st, 0);
    e->kind = kind && strcmp(kind, "extra") == 0 ? FP_AVAIL_EXTRA : FP_AVAIL_UNAVAILABLE;
    e->from = (fp_day)fp_col_int64(st, 1);
    e->to = (fp_day)fp_col_int64(st, 2);
    e->start_min = (int)fp_col_int64(st, 3);
    e->end_min = (int)fp_col_int64(st, 4);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_availability_replace(struct fp_conn *c, int64_t clinician_id, const struct fp_availability *a) {
  fp_stmt *st = fp_db_stmt(c, "DELETE FROM availability_windows WHERE clinician_id = ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  st = fp_db_stmt(c, "DELETE FROM availability_exceptions WHERE clinician_id = ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  for (size_t i = 0; i < a->n_windows; i++) {
    st = fp_db_stmt(c, "INSERT INTO availability_windows (clinician_id, weekday, start_min, end_min) VALUES (?, ?, ?, ?)");
    if (!st) return FP_EIO;
    fp_bind_int64(st, 1, clinician_id);
    fp_bind_int64(st, 2, a->windows[i].weekday);
    fp_bind_int64(st, 3, a->windows[i].start_min);
    fp_bind_int64(st, 4, a->windows[i].end_min);
    if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  }
  for (size_t i = 0; i < a->n_exceptions; i++) {
    const struct fp_avail_exception *e = &a->exceptions[i];
    const int extra = e->kind == FP_AVAIL_EXTRA;
    st = fp_db_stmt(c, "INSERT INTO availability_exceptions (clinician_id, kind, from_day, to_day, start_min, end_min)"
                       " VALUES (?, ?, ?, ?, ?, ?)");
    if (!st) return FP_EIO;
    fp_bind_int64(st, 1, clinician_id);
    fp_bind_text(st, 2, extra ? "extra" : "unavailable");
    fp_bind_int64(st, 3, e->from);
    fp_bind_int64(st, 4, e->to);
    if (extra) {
      fp_bind_int64(st, 5, e->start_min);
      fp_bind_int64(st, 6, e->end_min);
    } else {
      fp_bind_null(st, 5);
      fp_bind_null(st, 6);
    }
    if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  }
  return 0;
}

int fp_store_availability_set(struct fp_conn *c, int64_t clinician_id, const struct fp_availability *a, int64_t actor,
                              int64_t now) {
  int rc = fp_store_availability_replace(c, clinician_id, a);
  if (rc) return rc;
  char after[96];
  snprintf(after, sizeof after, "{\"windows\":%zu,\"exceptions\":%zu}", a->n_windows, a->n_exceptions);
  return fp_store_audit(c, now, actor, "availability.set", "clinician", clinician_id, NULL, after);
}
