/* Storing clinicians' availability. See availability.h. */
#include "store/availability.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/rows.h"
#include "store/sql.h"

struct fp_availability fp_stored_availability_view(const struct fp_stored_availability *sa) {
  struct fp_availability a = {sa->windows, sa->n_windows, sa->exceptions, sa->n_exceptions};
  return a;
}

/* The window or exception in a row of fp_store_availability_many's statements, from column 1. */
static void read_window(fp_stmt *st, void *item) {
  struct fp_avail_window *w = item;
  w->weekday = (int)fp_col_int64(st, 1);
  w->start_min = (int)fp_col_int64(st, 2);
  w->end_min = (int)fp_col_int64(st, 3);
}

static void read_exception(fp_stmt *st, void *item) {
  struct fp_avail_exception *e = item;
  const char *kind = fp_col_text(st, 1);
  e->kind = kind && strcmp(kind, "extra") == 0 ? FP_AVAIL_EXTRA : FP_AVAIL_UNAVAILABLE;
  e->from = (fp_day)fp_col_int64(st, 2);
  e->to = (fp_day)fp_col_int64(st, 3);
  e->start_min = (int)fp_col_int64(st, 4);
  e->end_min = (int)fp_col_int64(st, 5);
}

/*
 * Reads the rows of one table for fp_store_availability_many: each row's clinician (column 0) is
 * found in ids (both ascending), its item appended to *items (size bytes each, grown), and counted
 * in count[i], with start[i] the first item's index. 0, FP_ETOOBIG (more than max for one),
 * FP_ENOMEM, FP_EIO.
 */
static int read_many(fp_stmt *st, const int64_t *ids, size_t n, void **items, size_t size, size_t max,
                     void (*read)(fp_stmt *st, void *item), size_t *start, size_t *count) {
  size_t j = 0, used = 0, cap = 0;
  int rc, err = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    int64_t id = fp_col_int64(st, 0);
    while (j < n && ids[j] < id) j++;
    if (j == n || ids[j] != id) continue; /* not asked for (cannot happen: the statement asks for ids) */
    if (count[j] == max) {
      err = FP_ETOOBIG;
      break;
    }
    if (used == cap) {
      void *grown = realloc(*items, (cap = cap ? cap * 2 : 256) * size);
      if (!grown) {
        err = FP_ENOMEM;
        break;
      }
      *items = grown;
    }
    if (count[j]++ == 0) start[j] = used;
    read(st, (char *)*items + used++ * size);
  }
  fp_reset(st);
  return err ? err : rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_availability_many(struct fp_conn *c, const int64_t *ids, size_t n, struct fp_availability *out,
                               struct fp_availability_rows *rows) {
  memset(rows, 0, sizeof *rows);
  if (n == 0) return 0;
  memset(out, 0, n * sizeof *out);
  char *json = fp_ids_json(ids, n);
  size_t *idx = calloc(4 * n, sizeof *idx); /* windows' start and count, exceptions' start and count */
  int rc = json && idx ? 0 : FP_ENOMEM;
  fp_stmt *st = NULL;
  if (!rc && !(st = fp_db_stmt(c, "SELECT clinician_id, weekday, start_min, end_min FROM availability_windows"
                                  " WHERE clinician_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))"
                                  " ORDER BY clinician_id, (weekday + 6) % 7, start_min, end_min")))
    rc = FP_EIO;
  if (!rc) {
    fp_bind_text(st, 1, json);
    rc = read_many(st, ids, n, (void **)&rows->windows, sizeof *rows->windows, FP_AVAIL_MAX_WINDOWS, read_window,
                   idx, idx + n);
  }
  if (!rc && !(st = fp_db_stmt(c, "SELECT clinician_id, kind, from_day, to_day, COALESCE(start_min, 0),"
                                  " COALESCE(end_min, 0) FROM availability_exceptions"
                                  " WHERE clinician_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))"
                                  " ORDER BY clinician_id, from_day, to_day, kind, start_min")))
    rc = FP_EIO;
  if (!rc) {
    fp_bind_text(st, 1, json);
    rc = read_many(st, ids, n, (void **)&rows->exceptions, sizeof *rows->exceptions, FP_AVAIL_MAX_EXCEPTIONS,
                   read_exception, idx + 2 * n, idx + 3 * n);
  }
  for (size_t i = 0; !rc && i < n; i++) /* the arrays stopped moving: point into them */
    out[i] = (struct fp_availability){idx[n + i] ? rows->windows + idx[i] : NULL, idx[n + i],
                                      idx[3 * n + i] ? rows->exceptions + idx[2 * n + i] : NULL, idx[3 * n + i]};
  free(idx);
  free(json);
  if (rc) fp_availability_rows_free(rows);
  return rc;
}

void fp_availability_rows_free(struct fp_availability_rows *rows) {
  free(rows->windows);
  free(rows->exceptions);
  memset(rows, 0, sizeof *rows);
}

int fp_store_availability_get(struct fp_conn *c, int64_t clinician_id, struct fp_stored_availability *out) {
  memset(out, 0, sizeof *out);
  struct fp_availability a;
  struct fp_availability_rows rows;
  int rc = fp_store_availability_many(c, &clinician_id, 1, &a, &rows);
  if (rc) return rc;
  /* The limits held while reading: the arrays fit. */
  if (a.n_windows) memcpy(out->windows, a.windows, a.n_windows * sizeof *a.windows);
  if (a.n_exceptions) memcpy(out->exceptions, a.exceptions, a.n_exceptions * sizeof *a.exceptions);
  out->n_windows = a.n_windows;
  out->n_exceptions = a.n_exceptions;
  fp_availability_rows_free(&rows);
  return 0;
}

int fp_store_availability_replace(struct fp_conn *c, int64_t clinician_id, const struct fp_availability *a) {
  fp_stmt *st = FP_DB_STMT(c, "DELETE FROM availability_windows WHERE clinician_id = ?", fp_int(clinician_id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  st = FP_DB_STMT(c, "DELETE FROM availability_exceptions WHERE clinician_id = ?", fp_int(clinician_id));
  if (!st) return FP_EIO;
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  for (size_t i = 0; i < a->n_windows; i++) {
    st = FP_DB_STMT(c,
        "INSERT INTO availability_windows (clinician_id, weekday, start_min, end_min) VALUES (?, ?, ?, ?)",
        fp_int(clinician_id), fp_int(a->windows[i].weekday), fp_int(a->windows[i].start_min),
        fp_int(a->windows[i].end_min));
    if (!st) return FP_EIO;
    if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  }
  for (size_t i = 0; i < a->n_exceptions; i++) {
    const struct fp_avail_exception *e = &a->exceptions[i];
    const int extra = e->kind == FP_AVAIL_EXTRA;
    st = FP_DB_STMT(c,
        "INSERT INTO availability_exceptions (clinician_id, kind, from_day, to_day, start_min, end_min)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        fp_int(clinician_id), fp_txt(extra ? "extra" : "unavailable"), fp_int(e->from), fp_int(e->to));
    if (!st) return FP_EIO;
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
