/* Scope conditions and a small SQL builder. See scope.h. */
#include "store/scope.h"
#include "store/sql.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

void fp_sql_init(struct fp_sql *q) {
  q->len = 0;
  q->text[0] = 0;
  q->overflow = false;
  q->n = 0;
}

void fp_sql_add(struct fp_sql *q, const char *text) {
  size_t n = strlen(text);
  if (q->len + n + 1 > sizeof q->text) {
    q->overflow = true;
    return;
  }
  memcpy(q->text + q->len, text, n + 1);
  q->len += n;
}

static int next_bind(struct fp_sql *q, char type) {
  if (q->n >= FP_SQL_MAX_BINDS) {
    q->overflow = true;
    return -1;
  }
  fp_sql_add(q, "?");
  q->binds[q->n].type = type;
  return q->n++;
}

void fp_sql_int(struct fp_sql *q, int64_t v) {
  int i = next_bind(q, 'i');
  if (i >= 0) q->binds[i].i = v;
}

void fp_sql_real(struct fp_sql *q, double v) {
  int i = next_bind(q, 'd');
  if (i >= 0) q->binds[i].d = v;
}

void fp_sql_text(struct fp_sql *q, const char *v) {
  int i = next_bind(q, 't');
  if (i >= 0) q->binds[i].t = v;
}

fp_stmt *fp_sql_prepare(struct fp_conn *c, struct fp_sql *q) {
  if (q->overflow) return NULL;
  fp_stmt *st = fp_db_stmt(c, q->text);
  if (!st) return NULL;
  for (int i = 0; i < q->n; i++) {
    switch (q->binds[i].type) {
    case 'i': fp_bind_int64(st, i + 1, q->binds[i].i); break;
    case 'd': fp_bind_double(st, i + 1, q->binds[i].d); break;
    default: fp_bind_text(st, i + 1, q->binds[i].t); break;
    }
  }
  return st;
}

void fp_sql_opt_text(struct fp_sql *q, const char *cond, const char *v) {
  if (!v) return;
  fp_sql_add(q, cond);
  fp_sql_text(q, v);
}

void fp_sql_opt_int(struct fp_sql *q, const char *cond, int64_t v, bool when) {
  if (!when) return;
  fp_sql_add(q, cond);
  fp_sql_int(q, v);
}

void fp_sql_contains(struct fp_sql *q, const char *text, const char *const *cols) {
  if (!text) return;
  fp_db_like_contains(text, q->like, sizeof q->like);
  bool several = cols[0] && cols[1];
  fp_sql_add(q, several ? " AND (" : " AND ");
  for (int i = 0; cols[i]; i++) {
    if (i) fp_sql_add(q, " OR ");
    fp_sql_add(q, cols[i]);
    fp_sql_add(q, " LIKE lower("); /* the columns are lower(...): PostgreSQL's LIKE heeds case */
    fp_sql_text(q, q->like);
    fp_sql_add(q, ") ESCAPE '\\'");
  }
  if (several) fp_sql_add(q, ")");
}

void fp_sql_id_list(struct fp_sql *q, const int64_t *ids, int n) {
  fp_sql_add(q, "(");
  for (int i = 0; i < n; i++) {
    if (i) fp_sql_add(q, ",");
    fp_sql_int(q, ids[i]);
  }
  fp_sql_add(q, ")");
}

/* Starts the next alternative of a scope's OR. */
static void alternative(struct fp_sql *q, int *n) {
  fp_sql_add(q, *n ? " OR " : "");
  (*n)++;
}

void fp_scope_where(struct fp_sql *q, const struct fp_scope *s, const char *practice_col, const char *icb_col,
                    const char *role_col) {
  if (s->all) {
    fp_sql_add(q, "1 = 1"); /* a condition on both engines (PostgreSQL's AND takes no integer) */
    return;
  }
  fp_sql_add(q, "(");
  int n = 0;
  if (s->n_icbs) {
    alternative(q, &n);
    fp_sql_add(q, icb_col);
    fp_sql_add(q, " IN ");
    fp_sql_id_list(q, s->icbs, s->n_icbs);
  }
  if (s->n_practices) {
    alternative(q, &n);
    fp_sql_add(q, practice_col);
    fp_sql_add(q, " IN ");
    fp_sql_id_list(q, s->practices, s->n_practices);
  }
  if (s->n_pools) {
    alternative(q, &n);
    fp_sql_add(q, "EXISTS (SELECT 1 FROM pool_members pm WHERE pm.organisation_id = ");
    fp_sql_add(q, practice_col);
    fp_sql_add(q, " AND pm.pool_id IN ");
    fp_sql_id_list(q, s->pools, s->n_pools);
    fp_sql_add(q, ")");
  }
  if (s->clinician_id && s->n_clinician_pools != 0) {
    alternative(q, &n);
    fp_sql_add(q, "(");
    if (role_col) {
      fp_sql_add(q, role_col);
      fp_sql_add(q, " = ");
      fp_sql_text(q, s->profession);
      fp_sql_add(q, " AND ");
    }
    fp_sql_add(q, "EXISTS (SELECT 1 FROM pool_members pm WHERE pm.organisation_id = ");
    fp_sql_add(q, practice_col);
    if (s->n_clinician_pools > 0) {
      fp_sql_add(q, " AND pm.pool_id IN ");
      fp_sql_id_list(q, s->clinician_pools, s->n_clinician_pools);
    } else {
      fp_sql_add(q, " AND pm.pool_id IN (SELECT pool_id FROM pool_members WHERE clinician_id = ");
      fp_sql_int(q, s->clinician_id);
      fp_sql_add(q, ")");
    }
    /* Not a practice that blocked them (migration 23): the same rule as the eligibility view's
       shared pools (src/store/bookings.c), so booking what one cannot see is a 404. */
    fp_sql_add(q, ") AND NOT EXISTS (SELECT 1 FROM practice_clinician_marks bk WHERE bk.practice_id = ");
    fp_sql_add(q, practice_col);
    fp_sql_add(q, " AND bk.clinician_id = ");
    fp_sql_int(q, s->clinician_id);
    fp_sql_add(q, " AND bk.kind = 'blocked'))");
  }
  if (!n) fp_sql_add(q, "1 = 0");
  fp_sql_add(q, ")");
}

/* ---- keyset pages ---- */

void fp_sql_key_cols(struct fp_sql *q, const struct fp_sort_sql *s) {
  fp_sql_add(q, ", ");
  fp_sql_add(q, s->num ? s->num : "0");
  fp_sql_add(q, ", ");
  fp_sql_add(q, s->text ? s->text : "''");
  fp_sql_add(q, ", ");
  fp_sql_add(q, s->id);
}

void fp_sql_select_page(struct fp_sql *q, const char *cols, const struct fp_sort_sql *s) {
  fp_sql_init(q);
  fp_sql_add(q, "SELECT ");
  fp_sql_add(q, cols);
  fp_sql_key_cols(q, s);
}

void fp_sql_after(struct fp_sql *q, const struct fp_sort_sql *s, const struct fp_list_pos *after) {
  if (!after->set) return;
  /* A row value comparison: (a, b, id) > (?, ?, ?) orders exactly as ORDER BY a, b, id. */
  fp_sql_add(q, " AND (");
  if (s->num) {
    fp_sql_add(q, s->num);
    fp_sql_add(q, ", ");
  }
  if (s->text) {
    fp_sql_add(q, s->text);
    fp_sql_add(q, ", ");
  }
  fp_sql_add(q, s->id);
  fp_sql_add(q, s->desc ? ") < (" : ") > (");
  if (s->num) {
    fp_sql_int(q, after->num);
    fp_sql_add(q, ", ");
  }
  if (s->text) {
    fp_sql_text(q, after->text);
    fp_sql_add(q, ", ");
  }
  fp_sql_int(q, after->id);
  fp_sql_add(q, ")");
}

void fp_sql_order(struct fp_sql *q, const struct fp_sort_sql *s, int limit) {
  const char *dir = s->desc ? " DESC" : "";
  fp_sql_add(q, " ORDER BY ");
  if (s->num) {
    fp_sql_add(q, s->num);
    fp_sql_add(q, dir);
    fp_sql_add(q, ", ");
  }
  if (s->text) {
    fp_sql_add(q, s->text);
    fp_sql_add(q, dir);
    fp_sql_add(q, ", ");
  }
  fp_sql_add(q, s->id);
  fp_sql_add(q, dir);
  fp_sql_add(q, " LIMIT ");
  fp_sql_int(q, (int64_t)limit + 1);
}

int fp_sql_step_page(fp_stmt *st, int limit, int key_col, void (*row)(fp_stmt *st, void *ctx), void *ctx,
                     bool *more, struct fp_list_pos *last) {
  int rc, n = 0, cut = 0;
  *more = false;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == limit) {
      *more = true;
      break;
    }
    row(st, ctx);
    last->set = true;
    last->num = fp_col_int64(st, key_col);
    cut |= fp_db_col_copy(st, key_col + 1, last->text, sizeof last->text);
    last->id = fp_col_int64(st, key_col + 2);
    n++;
  }
  fp_reset(st);
  if (rc != FP_ROW && rc != FP_DONE) return FP_EIO;
  return cut ? FP_EIO : 0;
}

int fp_sql_page(struct fp_conn *c, struct fp_sql *q, const struct fp_sort_sql *s, const struct fp_list_pos *after,
                int limit, int key_col, void (*row)(fp_stmt *st, void *ctx), void *ctx, bool *more,
                struct fp_list_pos *last) {
  fp_sql_after(q, s, after);
  fp_sql_order(q, s, limit);
  fp_stmt *st = fp_sql_prepare(c, q);
  if (!st) return FP_EIO;
  return fp_sql_step_page(st, limit, key_col, row, ctx, more, last);
}
