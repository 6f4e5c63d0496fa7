/* Scope conditions and a small SQL builder. See scope.h. */
#include "store/scope.h"
#include "store/sql.h"

#include <stdio.h>
#include <string.h>

#include "core/booking.h"
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

/* Appends " AND fv.clinician_id = ?" style conditions: the scope's clinician, bound. */
static void clinician_is(struct fp_sql *q, const char *col, const struct fp_scope *s) {
  fp_sql_add(q, col);
  fp_sql_add(q, " = ");
  fp_sql_int(q, s->clinician_id);
}

/* The pools the scope's clinician is in: "(?,?,...)" from the session, or a subquery. */
static void clinician_pools(struct fp_sql *q, const struct fp_scope *s) {
  if (s->n_clinician_pools > 0) {
    fp_sql_id_list(q, s->clinician_pools, s->n_clinician_pools);
    return;
  }
  fp_sql_add(q, "(SELECT pool_id FROM pool_members WHERE ");
  clinician_is(q, "clinician_id", s);
  fp_sql_add(q, ")");
}

/* Appends `lead`, then "col <= now" (now bound): a tier's opening instant has come. */
static void opened(struct fp_sql *q, const char *lead, const char *col, int64_t now) {
  fp_sql_add(q, lead);
  fp_sql_add(q, col);
  fp_sql_add(q, " <= ");
  fp_sql_int(q, now);
}

/*
 * A shift's release (core/release.h) for the scope's clinician: its pool is open (the instant the
 * core gave for it has come), or they are one of the practice's favourites; the overflow
 * alternative is added by overflow().
 */
static void pool_released(struct fp_sql *q, const struct fp_scope *s, const struct fp_scope_release *rel,
                          const char *practice_col) {
  opened(q, " AND (", rel->pool_opens_col, s->now);
  fp_sql_add(q, " OR EXISTS (SELECT 1 FROM practice_clinician_marks fv WHERE fv.practice_id = ");
  fp_sql_add(q, practice_col);
  fp_sql_add(q, " AND ");
  clinician_is(q, "fv.clinician_id", s);
  fp_sql_add(q, " AND fv.kind = 'favourite'))");
}

/*
 * Or, once its overflow has opened, the clinician is in a pool of the shift's ICB that opted in to
 * overflow (from the session, or a subquery), and the practice is in a pool of that ICB (whose
 * checks the booking then holds them to: src/store/bookings.c view_reach).
 */
static void overflow(struct fp_sql *q, const struct fp_scope *s, const struct fp_scope_release *rel,
                     const char *practice_col, const char *icb_col) {
  if (s->n_overflow_icbs == 0) return;
  opened(q, " OR (", rel->overflow_opens_col, s->now);
  fp_sql_add(q, " AND ");
  fp_sql_add(q, icb_col);
  fp_sql_add(q, " IN ");
  if (s->n_overflow_icbs > 0) {
    fp_sql_id_list(q, s->overflow_icbs, s->n_overflow_icbs);
  } else {
    fp_sql_add(q, "(SELECT op.icb_id FROM pool_members om JOIN pools op ON op.id = om.pool_id WHERE ");
    clinician_is(q, "om.clinician_id", s);
    fp_sql_add(q, " AND op.overflow = 1)");
  }
  fp_sql_add(q, " AND EXISTS (SELECT 1 FROM pool_members pm JOIN pools pp ON pp.id = pm.pool_id WHERE pm.organisation_id = ");
  fp_sql_add(q, practice_col);
  fp_sql_add(q, " AND pp.icb_id = ");
  fp_sql_add(q, icb_col);
  fp_sql_add(q, "))");
}

static void scope_where(struct fp_sql *q, const struct fp_scope *s, const char *practice_col, const char *icb_col,
                        const char *role_col, const struct fp_scope_release *rel) {
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
    fp_sql_add(q, "((EXISTS (SELECT 1 FROM pool_members pm WHERE pm.organisation_id = ");
    fp_sql_add(q, practice_col);
    fp_sql_add(q, " AND pm.pool_id IN ");
    clinician_pools(q, s);
    fp_sql_add(q, ")");
    if (rel) pool_released(q, s, rel, practice_col);
    fp_sql_add(q, ")");
    if (rel) overflow(q, s, rel, practice_col, icb_col);
    /* Not a practice that blocked them (migration 23): the same rule as the eligibility view's
       shared pools (src/store/bookings.c), so booking what one cannot see is a 404. */
    fp_sql_add(q, ")");
    if (rel) { /* not while it awaits its pool's approval of its rate (core/booking.h) */
      fp_sql_add(q, " AND ");
      fp_sql_add(q, rel->status_col);
      fp_sql_add(q, " <> ");
      fp_sql_text(q, fp_shift_status_name(FP_SHIFT_AWAITING_APPROVAL));
    }
    fp_sql_add(q, " AND NOT EXISTS (SELECT 1 FROM practice_clinician_marks bk WHERE bk.practice_id = ");
    fp_sql_add(q, practice_col);
    fp_sql_add(q, " AND ");
    clinician_is(q, "bk.clinician_id", s);
    fp_sql_add(q, " AND bk.kind = 'blocked'))");
  }
  if (!n) fp_sql_add(q, "1 = 0");
  fp_sql_add(q, ")");
}

void fp_scope_of_area(struct fp_scope *s, int64_t icb_id, int64_t pool_id, int64_t now) {
  memset(s, 0, sizeof *s);
  if (icb_id) s->icbs[s->n_icbs++] = icb_id;
  if (pool_id) s->pools[s->n_pools++] = pool_id;
  s->n_clinician_pools = -1;
  s->n_overflow_icbs = -1;
  s->now = now;
}

void fp_scope_where(struct fp_sql *q, const struct fp_scope *s, const char *practice_col, const char *icb_col,
                    const char *role_col) {
  scope_where(q, s, practice_col, icb_col, role_col, NULL);
}

void fp_scope_where_shifts(struct fp_sql *q, const struct fp_scope *s, const char *alias) {
  char practice[32], icb[32], role[32], pool[48], over[48];
  snprintf(practice, sizeof practice, "%s.practice_id", alias);
  snprintf(icb, sizeof icb, "%s.icb_id", alias);
  snprintf(role, sizeof role, "%s.role", alias);
  snprintf(pool, sizeof pool, "%s.pool_opens_at", alias);
  snprintf(over, sizeof over, "%s.overflow_opens_at", alias);
  char status[32];
  snprintf(status, sizeof status, "%s.status", alias);
  struct fp_scope_release rel = {pool, over, status};
  scope_where(q, s, practice, icb, role, &rel);
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
