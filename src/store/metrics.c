/*
 * The commissioner's figures. See metrics.h.
 *
 * Definitions (the period is [from, to): shifts whose start falls in it; "in scope" is what the
 * caller sees: a commissioner their ICB, a pool administrator the practices in their pool, a
 * practice manager their practices, a system administrator everything):
 *
 *   shifts_posted       shifts in the period, in scope, that were not withdrawn (a withdrawn shift
 *                       was taken back before anyone could book it, so it never counted as demand).
 *   shifts_filled       of those, the shifts that hold a confirmed booking now that the practice has
 *                       not marked as did not attend. A booking cannot be cancelled once its shift
 *                       has started, so a worked session stays counted.
 *   fill_rate           shifts_filled / shifts_posted (0 when nothing was posted); 0..1.
 *   hours_booked        the worked hours of the bookings counted in shifts_filled: (end - start) less
 *                       the shift's unpaid break, summed, in hours (two decimals).
 *   agreed_spend_pence  the sum of fee_pence of those bookings: the fee agreed at booking (hourly
 *                       rate x worked hours, or the session rate), in pence.
 *   did_not_attend      shifts in the period, in scope, whose confirmed booking the practice marked
 *                       as did not attend: counted apart, in neither shifts_filled, hours_booked,
 *                       agreed_spend_pence nor unfilled.
 *   clinicians_onboarded  clinicians who are members of a pool in scope (a commissioner: pools of
 *                       their ICB; a pool administrator: their pools; a practice manager: the pools
 *                       their practices belong to), admitted before the end of the period, each
 *                       counted once. Not given by place or PCN (null there): clinicians join pools,
 *                       not places.
 *   practices_onboarded practices in scope that are members of at least one pool, admitted before
 *                       the end of the period.
 *   unfilled            shifts in the period, in scope, with no confirmed booking that are neither
 *                       withdrawn nor cancelled by the practice: open ones still looking for someone
 *                       and ones that started (or finished) without anybody booked.
 *   late_cancellations  bookings of shifts in the period, in scope, cancelled (by either side) inside
 *                       48 hours of the shift's start.
 *
 * By place and by PCN: each shift and practice counts under the PCN and the place above its
 * practice in the organisation tree (practice > PCN > place); practices with none recorded count
 * under a row with organisation_id null.
 */
#include "store/metrics.h"
#include "store/rows.h"
#include "store/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

struct practice {
  int64_t id;
  int pcn, place;  /* indexes into the row arrays, or -1 */
  struct fp_metrics_figures f;
};

struct acc {
  struct practice *p;
  int n, cap;
  struct fp_metrics_row *rows[2]; /* 0: places, 1: PCNs */
  int n_rows[2], cap_rows[2];
};

static int row_index(struct acc *a, int kind, int64_t id, const char *ods, const char *name) {
  for (int i = 0; i < a->n_rows[kind]; i++)
    if (a->rows[kind][i].organisation_id == id) return i;
  if (a->n_rows[kind] == a->cap_rows[kind]) {
    int cap = a->cap_rows[kind] ? a->cap_rows[kind] * 2 : 16;
    struct fp_metrics_row *r = realloc(a->rows[kind], (size_t)cap * sizeof *r);
    if (!r) return FP_ENOMEM;
    a->rows[kind] = r;
    a->cap_rows[kind] = cap;
  }
  struct fp_metrics_row *r = &a->rows[kind][a->n_rows[kind]];
  memset(r, 0, sizeof *r);
  r->organisation_id = id;
  snprintf(r->ods_code, sizeof r->ods_code, "%s", ods ? ods : "");
  snprintf(r->name, sizeof r->name, "%s", name ? name : "");
  r->f.clinicians_onboarded = -1;
  return a->n_rows[kind]++;
}

static struct practice *find_practice(struct acc *a, int64_t id) {
  int lo = 0, hi = a->n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (a->p[mid].id == id) return &a->p[mid];
    if (a->p[mid].id < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return NULL;
}

static const char *col_text(fp_stmt *st, int i) {
  const unsigned char *t = (const unsigned char *)fp_col_text(st, i);
  return t ? (const char *)t : "";
}

/* The practices in scope, in id order, with the PCN and place above each. */
static int load_practices(struct fp_conn *c, const struct fp_scope *scope, struct acc *a) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q,
             "SELECT o.id, p1.id, p1.level, p1.ods_code, p1.name, p2.id, p2.level, p2.ods_code, p2.name"
             " FROM organisations o LEFT JOIN organisations p1 ON p1.id = o.parent_id"
             " LEFT JOIN organisations p2 ON p2.id = p1.parent_id WHERE o.level = 'practice' AND ");
  fp_scope_where(&q, scope, "o.id", "o.icb_id", NULL);
  fp_sql_add(&q, " ORDER BY o.id");
  fp_stmt *st = fp_sql_prepare(c, &q);
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (a->n == a->cap) {
      int cap = a->cap ? a->cap * 2 : 64;
      struct practice *p = realloc(a->p, (size_t)cap * sizeof *p);
      if (!p) {
        fp_reset(st);
        return FP_ENOMEM;
      }
      a->p = p;
      a->cap = cap;
    }
    struct practice *p = &a->p[a->n++];
    memset(p, 0, sizeof *p);
    p->id = fp_col_int64(st, 0);
    int64_t pcn = 0, place = 0;
    const char *pcn_ods = "", *pcn_name = "", *place_ods = "", *place_name = "";
    if (strcmp(col_text(st, 2), "pcn") == 0) {
      pcn = fp_col_int64(st, 1), pcn_ods = col_text(st, 3), pcn_name = col_text(st, 4);
      if (strcmp(col_text(st, 6), "place") == 0)
        place = fp_col_int64(st, 5), place_ods = col_text(st, 7), place_name = col_text(st, 8);
    } else if (strcmp(col_text(st, 2), "place") == 0) {
      place = fp_col_int64(st, 1), place_ods = col_text(st, 3), place_name = col_text(st, 4);
    }
    p->pcn = row_index(a, 1, pcn, pcn_ods, pcn ? pcn_name : "No PCN recorded");
    p->place = row_index(a, 0, place, place_ods, place ? place_name : "No place recorded");
    if (p->pcn < 0 || p->place < 0) {
      fp_reset(st);
      return FP_ENOMEM;
    }
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* Runs q and hands each row to fill with its practice (column 0's id), passing over a practice
 * that has since left the scope's tree. */
static int per_practice(struct fp_conn *c, struct fp_sql *q, struct acc *a,
                        void (*fill)(struct practice *p, fp_stmt *st)) {
  fp_stmt *st = fp_sql_prepare(c, q);
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct practice *p = find_practice(a, fp_col_int64(st, 0));
    if (p) fill(p, st);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* Ends q, which stops at "s.starts_at >= ", with the period [from, to) and the scope on the shift's
 * practice, groups it by practice and runs it as per_practice does. */
static int per_practice_in_period(struct fp_conn *c, struct fp_sql *q, const struct fp_scope *scope, int64_t from,
                                  int64_t to, struct acc *a, void (*fill)(struct practice *p, fp_stmt *st)) {
  fp_sql_int(q, from);
  fp_sql_add(q, " AND s.starts_at < ");
  fp_sql_int(q, to);
  fp_sql_add(q, " AND ");
  fp_scope_where(q, scope, "s.practice_id", "s.icb_id", NULL);
  fp_sql_add(q, " GROUP BY s.practice_id");
  return per_practice(c, q, a, fill);
}

static void fill_shifts(struct practice *p, fp_stmt *st) {
  p->f.shifts_posted = fp_col_int64(st, 1);
  p->f.shifts_filled = fp_col_int64(st, 2);
  p->f.minutes_booked = fp_col_int64(st, 3);
  p->f.agreed_spend_pence = fp_col_int64(st, 4);
  p->f.unfilled = fp_col_int64(st, 5);
  p->f.did_not_attend = fp_col_int64(st, 6);
}

static void fill_late_cancellations(struct practice *p, fp_stmt *st) { p->f.late_cancellations = fp_col_int64(st, 1); }

static void fill_onboarded(struct practice *p, fp_stmt *st) {
  (void)st;
  p->f.practices_onboarded = 1;
}

/* Shifts posted, filled, minutes, spend and unfilled, per practice. */
static int load_shifts(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to, struct acc *a) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q,
             "SELECT s.practice_id, COUNT(*), SUM(CASE WHEN b.id IS NOT NULL AND b.attendance IS NULL THEN 1 ELSE 0 END),"
             " SUM(CASE WHEN b.id IS NULL OR b.attendance IS NOT NULL THEN 0"
             "     WHEN (b.ends_at - b.starts_at) / 60 - s.break_minutes < 0 THEN 0"
             "     ELSE (b.ends_at - b.starts_at) / 60 - s.break_minutes END),"
             " SUM(CASE WHEN b.attendance IS NULL THEN COALESCE(b.fee_pence, 0) ELSE 0 END),"
             " SUM(CASE WHEN b.id IS NULL AND s.status <> 'cancelled' THEN 1 ELSE 0 END),"
             " SUM(CASE WHEN b.attendance = 'did_not_attend' THEN 1 ELSE 0 END)"
             " FROM shifts s LEFT JOIN bookings b ON b.shift_id = s.id AND b.status = 'confirmed'"
             " WHERE s.status <> 'withdrawn' AND s.starts_at >= ");
  return per_practice_in_period(c, &q, scope, from, to, a, fill_shifts);
}

static int load_late_cancellations(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to,
                                   struct acc *a) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT s.practice_id, COUNT(*) FROM bookings b JOIN shifts s ON s.id = b.shift_id"
                 " WHERE b.status = 'cancelled' AND b.late = 1 AND s.starts_at >= ");
  return per_practice_in_period(c, &q, scope, from, to, a, fill_late_cancellations);
}

static int load_practice_members(struct fp_conn *c, const struct fp_scope *scope, int64_t to, struct acc *a) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT DISTINCT m.organisation_id FROM pool_members m JOIN organisations o ON o.id = m.organisation_id"
                 " WHERE m.organisation_id IS NOT NULL AND o.level = 'practice' AND m.added_at < ");
  fp_sql_int(&q, to);
  fp_sql_add(&q, " AND ");
  fp_scope_where(&q, scope, "o.id", "o.icb_id", NULL);
  return per_practice(c, &q, a, fill_onboarded);
}

/* Distinct clinician members of the pools in scope, admitted before `to`. */
static int count_clinicians(struct fp_conn *c, const struct fp_scope *scope, int64_t to, int64_t *out) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT COUNT(DISTINCT m.clinician_id) FROM pool_members m JOIN pools p ON p.id = m.pool_id"
                 " WHERE m.clinician_id IS NOT NULL AND m.added_at < ");
  fp_sql_int(&q, to);
  if (!scope->all) {
    fp_sql_add(&q, " AND (1 = 0");
    if (scope->n_icbs) {
      fp_sql_add(&q, " OR p.icb_id IN ");
      fp_sql_id_list(&q, scope->icbs, scope->n_icbs);
    }
    if (scope->n_pools) {
      fp_sql_add(&q, " OR p.id IN ");
      fp_sql_id_list(&q, scope->pools, scope->n_pools);
    }
    if (scope->n_practices) {
      fp_sql_add(&q, " OR p.id IN (SELECT pool_id FROM pool_members WHERE organisation_id IN ");
      fp_sql_id_list(&q, scope->practices, scope->n_practices);
      fp_sql_add(&q, ")");
    }
    fp_sql_add(&q, ")");
  }
  fp_stmt *st = fp_sql_prepare(c, &q);
  if (!st) return FP_EIO;
  return fp_step_int(st, out) == 0 ? 0 : FP_EIO;
}

static void add_figures(struct fp_metrics_figures *to, const struct fp_metrics_figures *f) {
  to->shifts_posted += f->shifts_posted;
  to->shifts_filled += f->shifts_filled;
  to->minutes_booked += f->minutes_booked;
  to->agreed_spend_pence += f->agreed_spend_pence;
  to->practices_onboarded += f->practices_onboarded;
  to->unfilled += f->unfilled;
  to->late_cancellations += f->late_cancellations;
  to->did_not_attend += f->did_not_attend;
}

static int by_name(const void *x, const void *y) {
  const struct fp_metrics_row *a = x, *b = y;
  if ((a->organisation_id == 0) != (b->organisation_id == 0)) return a->organisation_id == 0 ? 1 : -1;
  return strcmp(a->name, b->name);
}

int fp_store_metrics(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to, struct fp_metrics *out) {
  memset(out, 0, sizeof *out);
  struct acc a;
  memset(&a, 0, sizeof a);
  int rc = load_practices(c, scope, &a);
  if (!rc) rc = load_shifts(c, scope, from, to, &a);
  if (!rc) rc = load_late_cancellations(c, scope, from, to, &a);
  if (!rc) rc = load_practice_members(c, scope, to, &a);
  if (!rc) rc = count_clinicians(c, scope, to, &out->totals.clinicians_onboarded);
  if (rc) {
    free(a.p);
    free(a.rows[0]);
    free(a.rows[1]);
    return rc;
  }
  for (int i = 0; i < a.n; i++) {
    add_figures(&out->totals, &a.p[i].f);
    add_figures(&a.rows[0][a.p[i].place].f, &a.p[i].f);
    add_figures(&a.rows[1][a.p[i].pcn].f, &a.p[i].f);
  }
  free(a.p);
  if (a.n_rows[0]) qsort(a.rows[0], (size_t)a.n_rows[0], sizeof *a.rows[0], by_name);
  if (a.n_rows[1]) qsort(a.rows[1], (size_t)a.n_rows[1], sizeof *a.rows[1], by_name);
  out->places = a.rows[0];
  out->n_places = a.n_rows[0];
  out->pcns = a.rows[1];
  out->n_pcns = a.n_rows[1];
  return 0;
}

void fp_metrics_release(struct fp_metrics *m) {
  free(m->places);
  free(m->pcns);
  memset(m, 0, sizeof *m);
}
