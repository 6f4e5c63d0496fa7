/*
 * The commissioner's figures (metrics.h). Each figure is defined once, in docs/METRICS.md
 * ("The overview"): the rule, the rows it counts and what it leaves out. The period is [from, to):
 * shifts whose start falls in it; "in scope" is what the caller sees: a commissioner their ICB, a
 * pool administrator the practices in their pool, a practice manager their practices, a system
 * administrator everything.
 *
 * By place and by PCN: each shift and practice counts under the PCN and the place above its
 * practice in the organisation tree (practice > PCN > place); practices with none recorded count
 * under a row with organisation_id null. Clinicians join pools, not places: they are counted in the
 * totals (and by profession) only.
 */
#include "store/metrics.h"
#include "store/rows.h"
#include "store/shifts.h"
#include "store/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

struct practice {
  int64_t id;
  int64_t icb_id; /* 0: none */
  char ods_code[12];
  char name[201];
  int pcn, place;  /* indexes into the row arrays, or -1 */
  struct fp_metrics_figures f;
};

struct acc {
  struct practice *p;
  int n, cap;
  struct fp_metrics_row *rows[2]; /* 0: places, 1: PCNs */
  int n_rows[2], cap_rows[2];
};

/* The row of organisation id (0: none recorded) among places (kind 0) or PCNs (kind 1), added when
   new. PCNs none recorded are one row per place (parent), so that each stays under its place. */
static int row_index(struct acc *a, int kind, int64_t id, const char *ods, const char *name, int64_t parent) {
  for (int i = 0; i < a->n_rows[kind]; i++)
    if (a->rows[kind][i].organisation_id == id && (id || a->rows[kind][i].parent_id == parent)) return i;
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
  r->parent_id = parent;
  r->f.clinicians_registered = r->f.clinicians_onboarded = -1;
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

/* Appends the condition that practice o is in area (an ICB, place, PCN or practice: itself, or
   below it in the tree practice > PCN > place, or in the ICB). */
static void where_in_area(struct fp_sql *q, int64_t area) {
  fp_sql_add(q, " AND (o.id = ");
  fp_sql_int(q, area);
  fp_sql_add(q, " OR o.parent_id = ");
  fp_sql_int(q, area);
  fp_sql_add(q, " OR o.parent_id IN (SELECT a.id FROM organisations a WHERE a.parent_id = ");
  fp_sql_int(q, area);
  fp_sql_add(q, ") OR o.icb_id = ");
  fp_sql_int(q, area);
  fp_sql_add(q, ")");
}

/* The practices in scope (and in area, when not 0), in id order, with the PCN and place above each. */
static int load_practices(struct fp_conn *c, const struct fp_scope *scope, int64_t area, struct acc *a) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q,
             "SELECT o.id, p1.id, p1.level, p1.ods_code, p1.name, p2.id, p2.level, p2.ods_code, p2.name, o.ods_code, o.name, o.active,"
             " o.icb_id"
             " FROM organisations o LEFT JOIN organisations p1 ON p1.id = o.parent_id"
             " LEFT JOIN organisations p2 ON p2.id = p1.parent_id WHERE o.level = 'practice' AND ");
  fp_scope_where(&q, scope, "o.id", "o.icb_id", NULL);
  if (area) where_in_area(&q, area);
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
    snprintf(p->ods_code, sizeof p->ods_code, "%s", col_text(st, 9));
    snprintf(p->name, sizeof p->name, "%s", col_text(st, 10));
    p->f.practices = fp_col_int64(st, 11) != 0;
    p->icb_id = fp_col_int64(st, 12);
    int64_t pcn = 0, place = 0;
    const char *pcn_ods = "", *pcn_name = "", *place_ods = "", *place_name = "";
    if (strcmp(col_text(st, 2), "pcn") == 0) {
      pcn = fp_col_int64(st, 1), pcn_ods = col_text(st, 3), pcn_name = col_text(st, 4);
      if (strcmp(col_text(st, 6), "place") == 0)
        place = fp_col_int64(st, 5), place_ods = col_text(st, 7), place_name = col_text(st, 8);
    } else if (strcmp(col_text(st, 2), "place") == 0) {
      place = fp_col_int64(st, 1), place_ods = col_text(st, 3), place_name = col_text(st, 4);
    }
    p->place = row_index(a, 0, place, place_ods, place ? place_name : "No place recorded", 0);
    p->pcn = p->place < 0 ? -1 : row_index(a, 1, pcn, pcn_ods, pcn ? pcn_name : "No PCN recorded", place);
    if (p->pcn < 0 || p->place < 0) {
      fp_reset(st);
      return FP_ENOMEM;
    }
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* Where a row of a figures query goes: the figures of its key (column 0), or NULL to pass it over. */
typedef struct fp_metrics_figures *(*figures_of_fn)(void *acc, int64_t key);
typedef void (*fill_fn)(struct fp_metrics_figures *f, fp_stmt *st);

/* Runs q and hands each row to fill with the figures of its key (column 0). */
static int per_key(struct fp_conn *c, struct fp_sql *q, figures_of_fn figures_of, void *acc, fill_fn fill) {
  fp_stmt *st = fp_sql_prepare(c, q);
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_metrics_figures *f = figures_of(acc, fp_col_int64(st, 0));
    if (f) fill(f, st);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* A practice's figures; NULL for a practice that has since left the scope's tree. */
static struct fp_metrics_figures *practice_figures(void *acc, int64_t id) {
  struct practice *p = find_practice(acc, id);
  return p ? &p->f : NULL;
}

/* What a figures query counts: the shifts starting in [from, to) at the practices in scope, or only
   at practices only[0 .. n_only) of them when n_only > 0. */
struct part {
  int64_t from, to;
  const int64_t *only;
  int n_only;
};

/* At most this many practices in a query's list of `only` (each is a bound parameter). */
#define ONLY_MAX 40

/* Ends q, which stops at "s.starts_at >= ", with the part's period and practices and the scope on
 * the shift's practice, groups it by `key` (s.practice_id, or b.clinician_id over the booked) and
 * runs it as per_key does. */
static int per_key_in_period(struct fp_conn *c, struct fp_sql *q, const struct fp_scope *scope, const struct part *part,
                             const char *key, figures_of_fn figures_of, void *acc, fill_fn fill) {
  fp_sql_int(q, part->from);
  fp_sql_add(q, " AND s.starts_at < ");
  fp_sql_int(q, part->to);
  fp_sql_add(q, " AND ");
  fp_scope_where(q, scope, "s.practice_id", "s.icb_id", NULL);
  if (part->n_only > 0) {
    fp_sql_add(q, " AND s.practice_id IN ");
    fp_sql_id_list(q, part->only, part->n_only);
  }
  if (strcmp(key, "b.clinician_id") == 0) fp_sql_add(q, " AND b.id IS NOT NULL");
  fp_sql_add(q, " GROUP BY ");
  fp_sql_add(q, key);
  return per_key(c, q, figures_of, acc, fill);
}

/* Each adds its row to f: a key's figures may come in parts (periods, or kept months and days). */
static void fill_shifts(struct fp_metrics_figures *f, fp_stmt *st) {
  int i = 1;
  f->shifts_posted += fp_col_int64(st, i++);
  f->shifts_filled += fp_col_int64(st, i++);
  f->minutes_delivered += fp_col_int64(st, i++);
  f->minutes_ahead += fp_col_int64(st, i++);
  f->fees_agreed_pence += fp_col_int64(st, i++);
  f->fees_approved_pence += fp_col_int64(st, i++);
  f->fees_paid_pence += fp_col_int64(st, i++);
  f->unfilled += fp_col_int64(st, i++);
  f->did_not_attend += fp_col_int64(st, i++);
  f->fill_seconds += fp_col_int64(st, i++);
}

static void fill_cancellations(struct fp_metrics_figures *f, fp_stmt *st) {
  f->late_cancellations += fp_col_int64(st, 1);
  f->cancelled_by_clinician += fp_col_int64(st, 2);
  f->cancelled_by_practice += fp_col_int64(st, 3);
  f->cancelled_by_pool += fp_col_int64(st, 4);
}

static void fill_practice(struct fp_metrics_figures *f, fp_stmt *st) {
  f->practices_registered = 1;
  f->practices_onboarded = fp_col_int64(st, 1) != 0;
}

/* Shifts posted, filled and unfilled, hours delivered and ahead, fees, per key (a practice, or a
   clinician over their confirmed bookings). */
static int load_shifts(struct fp_conn *c, const struct fp_scope *scope, const struct part *part, int64_t now,
                       const char *key, figures_of_fn figures_of, void *acc) {
  /* A filled session: a confirmed booking not marked as did not attend. */
#define FILLED "b.id IS NOT NULL AND b.attendance IS NULL"
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT ");
  fp_sql_add(&q, key);
  fp_sql_add(&q, ", COUNT(*), SUM(CASE WHEN " FILLED " THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN NOT (" FILLED ") OR b.ends_at > ");
  fp_sql_int(&q, now);
  fp_sql_add(&q, " OR t.state = 'not_worked' THEN 0"
                 "     WHEN t.state = 'approved' THEN (t.actual_end - t.actual_start) / 60 - t.break_minutes"
                 "     WHEN (b.ends_at - b.starts_at) / 60 - s.break_minutes < 0 THEN 0"
                 "     ELSE (b.ends_at - b.starts_at) / 60 - s.break_minutes END),"
                 " SUM(CASE WHEN NOT (" FILLED ") OR b.ends_at <= ");
  fp_sql_int(&q, now);
  fp_sql_add(&q, " THEN 0 WHEN (b.ends_at - b.starts_at) / 60 - s.break_minutes < 0 THEN 0"
                 "     ELSE (b.ends_at - b.starts_at) / 60 - s.break_minutes END),"
                 " SUM(CASE WHEN " FILLED " THEN COALESCE(b.fee_pence, 0) ELSE 0 END),"
                 " SUM(CASE WHEN " FILLED " AND t.state = 'approved' THEN t.fee_pence ELSE 0 END),"
                 " SUM(CASE WHEN " FILLED " THEN COALESCE((SELECT SUM(l.amount_pence) FROM invoice_lines l"
                 "   JOIN invoices i ON i.id = l.invoice_id WHERE l.booking_id = b.id AND l.kind = 'fee' AND l.live = 1"
                 "   AND i.status = 'paid'), 0) ELSE 0 END),"
                 " SUM(CASE WHEN b.id IS NULL AND s.status <> 'cancelled' THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN b.attendance = 'did_not_attend' THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN " FILLED " AND b.created_at > s.created_at THEN b.created_at - s.created_at ELSE 0 END)"
                 " FROM shifts s LEFT JOIN bookings b ON b.shift_id = s.id AND b.status = 'confirmed'"
                 " LEFT JOIN timesheets t ON t.booking_id = b.id"
                 " WHERE s.status <> 'withdrawn' AND s.starts_at >= ");
#undef FILLED
  return per_key_in_period(c, &q, scope, part, key, figures_of, acc, fill_shifts);
}

/* Bookings of shifts in the period that were cancelled: those inside 48 hours of the start, and
   each by who cancelled; per key as load_shifts. */
static int load_cancellations(struct fp_conn *c, const struct fp_scope *scope, const struct part *part,
                              const char *key, figures_of_fn figures_of, void *acc) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT ");
  fp_sql_add(&q, key);
  fp_sql_add(&q, ", SUM(CASE WHEN b.late = 1 THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN b.cancelled_by = 'clinician' THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN b.cancelled_by = 'practice' THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN b.cancelled_by = 'pool' THEN 1 ELSE 0 END)"
                 " FROM bookings b JOIN shifts s ON s.id = b.shift_id WHERE b.status = 'cancelled' AND s.starts_at >= ");
  return per_key_in_period(c, &q, scope, part, key, figures_of, acc, fill_cancellations);
}

/* Practices registered (members of a pool, admitted before `to`) and, of those, onboarded: a
   complete profile and at least one active practice manager. */
static int load_practice_members(struct fp_conn *c, const struct fp_scope *scope, int64_t to, struct acc *a) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT o.id, CASE WHEN o.profile_complete = 1 AND EXISTS (SELECT 1 FROM user_roles ur"
                 " JOIN users u ON u.id = ur.user_id WHERE ur.role = 'practice_manager' AND ur.organisation_id = o.id"
                 " AND u.active = 1) THEN 1 ELSE 0 END FROM organisations o WHERE o.level = 'practice' AND EXISTS"
                 " (SELECT 1 FROM pool_members m WHERE m.organisation_id = o.id AND m.added_at < ");
  fp_sql_int(&q, to);
  fp_sql_add(&q, ") AND ");
  fp_scope_where(&q, scope, "o.id", "o.icb_id", NULL);
  return per_key(c, &q, practice_figures, a, fill_practice);
}

/* The pools in scope, as a condition on p (pools). */
static void where_pools_in_scope(struct fp_sql *q, const struct fp_scope *scope) {
  if (scope->all) {
    fp_sql_add(q, "1 = 1");
    return;
  }
  fp_sql_add(q, "(1 = 0");
  if (scope->n_icbs) {
    fp_sql_add(q, " OR p.icb_id IN ");
    fp_sql_id_list(q, scope->icbs, scope->n_icbs);
  }
  if (scope->n_pools) {
    fp_sql_add(q, " OR p.id IN ");
    fp_sql_id_list(q, scope->pools, scope->n_pools);
  }
  if (scope->n_practices) {
    fp_sql_add(q, " OR p.id IN (SELECT pool_id FROM pool_members WHERE organisation_id IN ");
    fp_sql_id_list(q, scope->practices, scope->n_practices);
    fp_sql_add(q, ")");
  }
  fp_sql_add(q, ")");
}

/* One clinician member of pools in scope: their profession, account and those pools. */
struct member {
  int64_t id;
  char profession[32];
  bool active;
  size_t first, n; /* their pools: pools[first .. first + n) */
};

struct members {
  struct member *m;
  size_t n, cap;
  int64_t *pools;
  size_t n_pools, cap_pools;
};

static int grow(void **arr, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 0;
  size_t cap2 = *cap ? *cap * 2 : 64;
  while (cap2 < need) cap2 *= 2;
  void *p = realloc(*arr, cap2 * size);
  if (!p) return FP_ENOMEM;
  *arr = p;
  *cap = cap2;
  return 0;
}

static int load_members(struct fp_conn *c, const struct fp_scope *scope, int64_t to, struct members *ms) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT m.clinician_id, cl.profession, u.active, m.pool_id FROM pool_members m"
                 " JOIN pools p ON p.id = m.pool_id JOIN clinicians cl ON cl.id = m.clinician_id"
                 " JOIN users u ON u.id = cl.user_id WHERE m.clinician_id IS NOT NULL AND m.added_at < ");
  fp_sql_int(&q, to);
  fp_sql_add(&q, " AND ");
  where_pools_in_scope(&q, scope);
  fp_sql_add(&q, " ORDER BY m.clinician_id, m.pool_id");
  fp_stmt *st = fp_sql_prepare(c, &q);
  if (!st) return FP_EIO;
  int rc, err = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    int64_t id = fp_col_int64(st, 0);
    if (!ms->n || ms->m[ms->n - 1].id != id) {
      if ((err = grow((void **)&ms->m, &ms->cap, ms->n + 1, sizeof *ms->m)) != 0) break;
      struct member *m = &ms->m[ms->n++];
      memset(m, 0, sizeof *m);
      m->id = id;
      snprintf(m->profession, sizeof m->profession, "%s", col_text(st, 1));
      m->active = fp_col_int64(st, 2) != 0;
      m->first = ms->n_pools;
    }
    if ((err = grow((void **)&ms->pools, &ms->cap_pools, ms->n_pools + 1, sizeof *ms->pools)) != 0) break;
    ms->pools[ms->n_pools++] = fp_col_int64(st, 3);
    ms->m[ms->n - 1].n++;
  }
  fp_reset(st);
  if (err) return err;
  return rc == FP_DONE ? 0 : FP_EIO;
}

static struct fp_metrics_profession *profession_row(struct fp_metrics *out, const char *profession, size_t *cap) {
  for (int i = 0; i < out->n_professions; i++)
    if (strcmp(out->professions[i].profession, profession) == 0) return &out->professions[i];
  if (grow((void **)&out->professions, cap, (size_t)out->n_professions + 1, sizeof *out->professions)) return NULL;
  struct fp_metrics_profession *p = &out->professions[out->n_professions++];
  memset(p, 0, sizeof *p);
  snprintf(p->profession, sizeof p->profession, "%s", profession);
  return p;
}

static int by_profession(const void *x, const void *y) {
  return strcmp(((const struct fp_metrics_profession *)x)->profession,
                ((const struct fp_metrics_profession *)y)->profession);
}

/*
 * Whether each member of ms is onboarded on last_day (onboarded[i]): their account active and their
 * passport complete in one of their pools in scope, by the booking's own passport rule
 * (fp_passport_choose, as fp_store_passport_decide applies it to one clinician), over their records
 * as they stood at the period's end `to` (submitted before it; a decision since counts as not yet
 * made). Decided in batches:
 * the records of ONBOARD_BATCH members in one statement, and what each profession requires in each
 * pool read once, so that thousands of members cost a few statements, not three each.
 */
#define ONBOARD_BATCH 256

struct required {
  char profession[32];
  int64_t pool_id;
  struct fp_checks k;
};

struct requireds {
  struct required *v;
  size_t n, cap;
};

/* The index in rq of what profession requires in pool, read the first time. */
static int required_index(struct fp_conn *c, struct requireds *rq, const char *profession, int64_t pool, size_t *out) {
  for (size_t i = 0; i < rq->n; i++)
    if (rq->v[i].pool_id == pool && strcmp(rq->v[i].profession, profession) == 0) {
      *out = i;
      return 0;
    }
  int rc = grow((void **)&rq->v, &rq->cap, rq->n + 1, sizeof *rq->v);
  if (rc) return rc;
  struct required *r = &rq->v[rq->n];
  memset(r, 0, sizeof *r);
  snprintf(r->profession, sizeof r->profession, "%s", profession);
  r->pool_id = pool;
  fp_checks_init(&r->k);
  if ((rc = fp_store_checks_require(c, profession, pool, &r->k)) != 0) {
    fp_checks_release(&r->k);
    return rc;
  }
  *out = rq->n++;
  return 0;
}

/* fp_passport_choose's checks_of: the member's records with pool i's requirements, borrowed. */
struct onboard_ctx {
  const struct fp_checks *records;
  const struct requireds *rq;
  const size_t *idx;
  struct fp_checks k;
};

static int onboard_checks_of(void *vx, size_t i, struct fp_checks **k) {
  struct onboard_ctx *x = vx;
  fp_checks_borrow(&x->k, x->records, &x->rq->v[x->idx[i]].k);
  *k = &x->k;
  return 0;
}

static int members_onboarded(struct fp_conn *c, const struct members *ms, int64_t to, fp_day last_day, bool *onboarded) {
  struct requireds rq = {0};
  size_t *idx = NULL, cap_idx = 0;
  int64_t ids[ONBOARD_BATCH];
  struct fp_checks records[ONBOARD_BATCH];
  int rc = 0;
  for (size_t first = 0; !rc && first < ms->n; first += ONBOARD_BATCH) {
    size_t n = ms->n - first < ONBOARD_BATCH ? ms->n - first : ONBOARD_BATCH;
    memset(records, 0, n * sizeof *records);
    for (size_t i = 0; i < n; i++) ids[i] = ms->m[first + i].id; /* ascending, each once (load_members) */
    rc = fp_store_checks_records_many_before(c, ids, n, to, records);
    for (size_t i = 0; !rc && i < n; i++) {
      const struct member *m = &ms->m[first + i];
      onboarded[first + i] = false;
      if (!m->active) continue;
      if ((rc = grow((void **)&idx, &cap_idx, m->n, sizeof *idx)) != 0) break;
      for (size_t j = 0; !rc && j < m->n; j++) rc = required_index(c, &rq, m->profession, ms->pools[m->first + j], &idx[j]);
      if (rc) break;
      struct onboard_ctx x = {&records[i], &rq, idx, {0}};
      struct fp_elig_result res;
      memset(&res, 0, sizeof res);
      size_t chosen = 0;
      rc = fp_passport_choose(m->n, onboard_checks_of, &x, m->profession, last_day, &res, &chosen);
      onboarded[first + i] = !rc && res.bookable;
    }
    for (size_t i = 0; i < n; i++) fp_checks_release(&records[i]);
  }
  for (size_t i = 0; i < rq.n; i++) fp_checks_release(&rq.v[i].k);
  free(rq.v);
  free(idx);
  return rc;
}

/* Clinicians registered (members of pools in scope, admitted before `to`) and onboarded (their
   account active and their passport complete on last_day in one of those pools: the booking's own
   passport decision, fp_store_passport_decide), in total and by profession. */
static int count_clinicians(struct fp_conn *c, const struct fp_scope *scope, int64_t to, fp_day last_day,
                            struct fp_metrics *out) {
  struct members ms;
  memset(&ms, 0, sizeof ms);
  int rc = load_members(c, scope, to, &ms);
  bool *onboarded = !rc && ms.n ? calloc(ms.n, sizeof *onboarded) : NULL;
  if (!rc && ms.n && !onboarded) rc = FP_ENOMEM;
  if (!rc) rc = members_onboarded(c, &ms, to, last_day, onboarded);
  size_t cap = 0;
  out->totals.clinicians_registered = out->totals.clinicians_onboarded = 0;
  for (size_t i = 0; !rc && i < ms.n; i++) {
    const struct member *m = &ms.m[i];
    struct fp_metrics_profession *row = profession_row(out, m->profession, &cap);
    if (!row) {
      rc = FP_ENOMEM;
      break;
    }
    row->registered++;
    row->onboarded += onboarded[i];
    out->totals.clinicians_registered++;
    out->totals.clinicians_onboarded += onboarded[i];
  }
  free(onboarded);
  free(ms.m);
  free(ms.pools);
  if (!rc && out->n_professions > 1)
    qsort(out->professions, (size_t)out->n_professions, sizeof *out->professions, by_profession);
  return rc;
}

static void add_figures(struct fp_metrics_figures *to, const struct fp_metrics_figures *f) {
  to->shifts_posted += f->shifts_posted;
  to->shifts_filled += f->shifts_filled;
  to->unfilled += f->unfilled;
  to->did_not_attend += f->did_not_attend;
  to->late_cancellations += f->late_cancellations;
  to->cancelled_by_clinician += f->cancelled_by_clinician;
  to->cancelled_by_practice += f->cancelled_by_practice;
  to->cancelled_by_pool += f->cancelled_by_pool;
  to->fill_seconds += f->fill_seconds;
  to->minutes_delivered += f->minutes_delivered;
  to->minutes_ahead += f->minutes_ahead;
  to->fees_agreed_pence += f->fees_agreed_pence;
  to->fees_approved_pence += f->fees_approved_pence;
  to->fees_paid_pence += f->fees_paid_pence;
  to->practices += f->practices;
  to->practices_registered += f->practices_registered;
  to->practices_onboarded += f->practices_onboarded;
}

static int by_name(const void *x, const void *y) {
  const struct fp_metrics_row *a = x, *b = y;
  if ((a->organisation_id == 0) != (b->organisation_id == 0)) return a->organisation_id == 0 ? 1 : -1;
  return strcmp(a->name, b->name);
}

/* ---- figures kept by practice and month (metric_months, migration 49) ----
 *
 * A year's overview over years of history must not count every shift again. The upkeep keeps each
 * practice's figures of each settled UK month (fp_store_metric_months_keep), counted by the same
 * queries as above; the triggers of migration 49 delete a practice's month in the same transaction
 * as any change to what it counts, so a row that is there is true. The overview then adds, for the
 * whole settled months of its period, the kept rows, and counts from the shifts themselves the days
 * at its ends, the months not yet settled, and any practice's month not kept (yet, or again). */

/* A month is settled two days after its end: every session starting in it has ended by then (none
   is that long), so its hours are delivered whatever the time; only settled months are kept, and a
   month whose bookings have not all ended even so is left to the next run. */
#define SETTLED_AFTER (2 * 86400)

/* The start of UK month (y, m), m from 1 (13 is January of y + 1, and so on). */
static int64_t uk_month_start(int y, int m) {
  y += (m - 1) / 12;
  m = (m - 1) % 12 + 1;
  return fp_uk_local_to_utc(fp_days_from_civil(y, m, 1), 0, 0, 0);
}

/* The first UK month starting at or after t. */
static void month_from(int64_t t, int *y, int *m) {
  int d;
  fp_civil_from_days(fp_uk_day(t), y, m, &d);
  if (uk_month_start(*y, *m) < t && ++*m > 12) ++*y, *m = 1;
}

static bool settled(int64_t month_end, int64_t now) { return month_end <= now - SETTLED_AFTER; }

/* The practice-months of a period's whole settled months: starts[0 .. n] their bounds, covered[i *
   n + k] set when practice a->p[i] has its month k kept. */
struct kept {
  struct acc *a;
  int64_t *starts;
  int n;
  uint8_t *covered;
  int month; /* the month a query counts from the shifts: only its practices not covered */
};

static struct fp_metrics_figures *uncovered_figures(void *vk, int64_t id) {
  struct kept *k = vk;
  struct practice *p = find_practice(k->a, id);
  if (!p || k->covered[(size_t)(p - k->a->p) * (size_t)k->n + (size_t)k->month]) return NULL;
  return &p->f;
}

#define KEPT_COLS                                                                                          \
  "shifts_posted, shifts_filled, unfilled, did_not_attend, late_cancellations, cancelled_by_clinician,"     \
  " cancelled_by_practice, cancelled_by_pool, fill_seconds, minutes_delivered, fees_agreed_pence,"          \
  " fees_approved_pence, fees_paid_pence"

static void add_kept(struct fp_metrics_figures *f, fp_stmt *st, int i) {
  f->shifts_posted += fp_col_int64(st, i++);
  f->shifts_filled += fp_col_int64(st, i++);
  f->unfilled += fp_col_int64(st, i++);
  f->did_not_attend += fp_col_int64(st, i++);
  f->late_cancellations += fp_col_int64(st, i++);
  f->cancelled_by_clinician += fp_col_int64(st, i++);
  f->cancelled_by_practice += fp_col_int64(st, i++);
  f->cancelled_by_pool += fp_col_int64(st, i++);
  f->fill_seconds += fp_col_int64(st, i++);
  f->minutes_delivered += fp_col_int64(st, i++);
  f->fees_agreed_pence += fp_col_int64(st, i++);
  f->fees_approved_pence += fp_col_int64(st, i++);
  f->fees_paid_pence += fp_col_int64(st, i++);
}

/* The index of the month starting at t, or -1. */
static int month_index(const struct kept *k, int64_t t) {
  int lo = 0, hi = k->n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (k->starts[mid] == t) return mid;
    if (k->starts[mid] < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/* The shifts' figures of part (a period, perhaps only some practices) at the practices of a. */
static int count_part(struct fp_conn *c, const struct fp_scope *scope, const struct part *part, int64_t now,
                      figures_of_fn figures_of, void *acc) {
  /* Grouped by +s.practice_id, not s.practice_id: else SQLite's planner walks every shift in the
     practice index's order (to group without sorting) instead of the period's range of shifts_start,
     and a month's cancellations cost the whole history's. */
  int rc = load_shifts(c, scope, part, now, "+s.practice_id", figures_of, acc);
  if (!rc) rc = load_cancellations(c, scope, part, "+s.practice_id", figures_of, acc);
  return rc;
}

/* The months of k: the kept rows added, then each practice's month not kept counted from its shifts
   (in lists of ONLY_MAX practices, or the whole month when more are missing). */
static int load_kept(struct fp_conn *c, const struct fp_scope *scope, int64_t now, struct kept *k) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT m.practice_id, m.month_start, " KEPT_COLS " FROM metric_months m WHERE m.month_start >= ");
  fp_sql_int(&q, k->starts[0]);
  fp_sql_add(&q, " AND m.month_start < ");
  fp_sql_int(&q, k->starts[k->n]);
  fp_sql_add(&q, " AND ");
  fp_scope_where(&q, scope, "m.practice_id", "m.icb_id", NULL);
  fp_stmt *st = fp_sql_prepare(c, &q);
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct practice *p = find_practice(k->a, fp_col_int64(st, 0));
    int month = month_index(k, fp_col_int64(st, 1));
    if (!p || month < 0) continue;
    add_kept(&p->f, st, 2);
    k->covered[(size_t)(p - k->a->p) * (size_t)k->n + (size_t)month] = 1;
  }
  fp_reset(st);
  if (rc != FP_DONE) return FP_EIO;
  int64_t only[ONLY_MAX];
  for (int month = 0; month < k->n; month++) {
    int missing = 0;
    for (int i = 0; i < k->a->n; i++) missing += !k->covered[(size_t)i * (size_t)k->n + (size_t)month];
    if (!missing) continue;
    k->month = month;
    struct part part = {k->starts[month], k->starts[month + 1], NULL, 0};
    if (missing > ONLY_MAX) {
      if ((rc = count_part(c, scope, &part, now, uncovered_figures, k)) != 0) return rc;
      continue;
    }
    for (int i = 0; i < k->a->n; i++)
      if (!k->covered[(size_t)i * (size_t)k->n + (size_t)month]) only[part.n_only++] = k->a->p[i].id;
    part.only = only;
    if ((rc = count_part(c, scope, &part, now, practice_figures, k->a)) != 0) return rc;
  }
  return 0;
}

/* The shifts' figures of [from, to) at the practices of a: the whole settled months from what is
   kept, the rest from the shifts. */
static int load_period(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to, int64_t now,
                       struct acc *a) {
  int y, m;
  month_from(from, &y, &m);
  int n = 0;
  while (uk_month_start(y, m + n + 1) <= to && settled(uk_month_start(y, m + n + 1), now)) n++;
  if (n == 0 || a->n == 0) {
    const struct part whole = {from, to, NULL, 0};
    return count_part(c, scope, &whole, now, practice_figures, a);
  }
  struct kept k = {a, calloc((size_t)n + 1, sizeof(int64_t)), n, calloc((size_t)a->n * (size_t)n, 1), 0};
  int rc = k.starts && k.covered ? 0 : FP_ENOMEM;
  for (int i = 0; !rc && i <= n; i++) k.starts[i] = uk_month_start(y, m + i);
  const struct part head = {from, k.starts ? k.starts[0] : from, NULL, 0},
                    tail = {k.starts ? k.starts[n] : to, to, NULL, 0};
  if (!rc && head.from < head.to) rc = count_part(c, scope, &head, now, practice_figures, a);
  if (!rc && tail.from < tail.to) rc = count_part(c, scope, &tail, now, practice_figures, a);
  if (!rc) rc = load_kept(c, scope, now, &k);
  free(k.starts);
  free(k.covered);
  return rc;
}

int fp_store_metric_months_due(struct fp_conn *c, int64_t now, int64_t *starts, int max, int *n) {
  *n = 0;
  int64_t first = 0, practices = 0;
  fp_stmt *st = fp_db_stmt(c, "SELECT MIN(starts_at) FROM shifts");
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  bool none = rc == FP_ROW && fp_col_null(st, 0);
  if (rc == FP_ROW) first = fp_col_int64(st, 0);
  fp_reset(st);
  if (rc != FP_ROW) return FP_EIO;
  if (none) return 0;
  if ((rc = FP_DB_INT(c, &practices, "SELECT COUNT(*) FROM organisations WHERE level = ?", fp_txt("practice"))) != 0)
    return rc;
  /* Each settled month from the first shift's, and how many practices it has kept. */
  int y, m, d;
  fp_civil_from_days(fp_uk_day(first), &y, &m, &d);
  st = FP_DB_STMT(c, "SELECT month_start, COUNT(*) FROM metric_months WHERE month_start >= ? GROUP BY month_start"
                     " ORDER BY month_start", fp_int(uk_month_start(y, m)));
  if (!st) return FP_EIO;
  rc = fp_step(st);
  for (int i = 0; *n < max && settled(uk_month_start(y, m + i + 1), now); i++) {
    int64_t start = uk_month_start(y, m + i);
    while (rc == FP_ROW && fp_col_int64(st, 0) < start) rc = fp_step(st);
    int64_t kept = rc == FP_ROW && fp_col_int64(st, 0) == start ? fp_col_int64(st, 1) : 0;
    if (kept < practices) starts[(*n)++] = start;
  }
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_metric_months_keep(struct fp_conn *c, int64_t month_start, int64_t now, int *kept) {
  *kept = 0;
  /* PostgreSQL: before anything is read, so that this transaction's snapshot comes after every
     transaction that forgot a month (they hold the table's ROW EXCLUSIVE lock until they end), and
     none forgets one until this one has ended (then it sees, and deletes, the rows kept here). */
  if (!fp_db_serial_writes(c) && fp_db_exec(c, "LOCK TABLE metric_months IN SHARE ROW EXCLUSIVE MODE") != 0)
    return FP_EIO;
  int y, m, d;
  fp_civil_from_days(fp_uk_day(month_start), &y, &m, &d);
  if (uk_month_start(y, m) != month_start) return FP_EINVAL;
  const int64_t month_end = uk_month_start(y, m + 1);
  if (!settled(month_end, now)) return 0;
  const struct fp_scope all = {.all = true};
  struct acc a;
  memset(&a, 0, sizeof a);
  int rc = load_practices(c, &all, 0, &a);
  /* The practices kept already (marked place -1): the rest are counted and kept now, by a list of
     them when they are few (a month forgotten by one practice's change), else the whole month. */
  fp_stmt *st = rc ? NULL : FP_DB_STMT(c, "SELECT practice_id FROM metric_months WHERE month_start = ?", fp_int(month_start));
  if (!rc && !st) rc = FP_EIO;
  while (!rc && (rc = fp_step(st)) == FP_ROW) {
    struct practice *p = find_practice(&a, fp_col_int64(st, 0));
    if (p) p->place = -1;
    rc = 0;
  }
  if (st) fp_reset(st);
  if (rc == FP_DONE) rc = 0;
  int64_t only[ONLY_MAX];
  struct part month = {month_start, month_end, only, 0};
  for (int i = 0; i < a.n && month.n_only <= ONLY_MAX; i++)
    if (a.p[i].place >= 0) {
      if (month.n_only < ONLY_MAX) only[month.n_only] = a.p[i].id;
      month.n_only++;
    }
  if (month.n_only > ONLY_MAX) month.n_only = 0, month.only = NULL; /* all */
  if (!rc && (month.n_only > 0 || month.only == NULL)) rc = count_part(c, &all, &month, now, practice_figures, &a);
  for (int i = 0; !rc && i < a.n; i++) {
    const struct practice *p = &a.p[i];
    const struct fp_metrics_figures *f = &p->f;
    if (p->place < 0 || f->minutes_ahead) continue; /* kept, or (unexpectedly) not over yet */
    rc = FP_DB_RUN(c,
                   "INSERT INTO metric_months (practice_id, month_start, month_end, icb_id, " KEPT_COLS ", kept_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   fp_int(p->id), fp_int(month_start), fp_int(month_end), fp_id(p->icb_id), fp_int(f->shifts_posted),
                   fp_int(f->shifts_filled), fp_int(f->unfilled), fp_int(f->did_not_attend),
                   fp_int(f->late_cancellations), fp_int(f->cancelled_by_clinician), fp_int(f->cancelled_by_practice),
                   fp_int(f->cancelled_by_pool), fp_int(f->fill_seconds), fp_int(f->minutes_delivered),
                   fp_int(f->fees_agreed_pence), fp_int(f->fees_approved_pence), fp_int(f->fees_paid_pence),
                   fp_int(now));
    if (!rc) ++*kept;
  }
  free(a.p);
  free(a.rows[0]);
  free(a.rows[1]);
  return rc;
}

int fp_store_metrics(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to, int64_t now,
                     fp_day last_day, struct fp_metrics *out) {
  return fp_store_metrics_area(c, scope, 0, from, to, now, last_day, out);
}

int fp_store_metrics_area(struct fp_conn *c, const struct fp_scope *scope, int64_t area, int64_t from, int64_t to,
                          int64_t now, fp_day last_day, struct fp_metrics *out) {
  memset(out, 0, sizeof *out);
  struct acc a;
  memset(&a, 0, sizeof a);
  int rc = load_practices(c, scope, area, &a);
  if (!rc && area && a.n == 0) rc = FP_ENOTFOUND; /* no such area, or none of it in scope */
  if (!rc) rc = load_period(c, scope, from, to, now, &a);
  if (!rc) rc = load_practice_members(c, scope, to, &a);
  if (!rc && !area) rc = count_clinicians(c, scope, to, last_day, out);
  if (area) out->totals.clinicians_registered = out->totals.clinicians_onboarded = -1; /* pools, not areas */
  if (rc) {
    free(out->professions);
    out->professions = NULL;
    out->n_professions = 0;
    free(a.p);
    free(a.rows[0]);
    free(a.rows[1]);
    return rc;
  }
  struct fp_metrics_row *practices = a.n ? calloc((size_t)a.n, sizeof *practices) : NULL;
  if (a.n && !practices) {
    free(out->professions);
    memset(out, 0, sizeof *out);
    free(a.p);
    free(a.rows[0]);
    free(a.rows[1]);
    return FP_ENOMEM;
  }
  for (int i = 0; i < a.n; i++) {
    const struct practice *p = &a.p[i];
    add_figures(&out->totals, &p->f);
    add_figures(&a.rows[0][p->place].f, &p->f);
    add_figures(&a.rows[1][p->pcn].f, &p->f);
    /* The PCN's place, as its practices' tree says. */
    a.rows[1][p->pcn].parent_id = a.rows[0][p->place].organisation_id;
    struct fp_metrics_row *r = &practices[i];
    r->organisation_id = p->id;
    r->parent_id = a.rows[1][p->pcn].organisation_id ? a.rows[1][p->pcn].organisation_id
                                                      : a.rows[0][p->place].organisation_id; /* no PCN: its place */
    snprintf(r->ods_code, sizeof r->ods_code, "%s", p->ods_code);
    snprintf(r->name, sizeof r->name, "%s", p->name);
    r->f = p->f;
    r->f.clinicians_registered = r->f.clinicians_onboarded = -1;
  }
  free(a.p);
  if (a.n_rows[0]) qsort(a.rows[0], (size_t)a.n_rows[0], sizeof *a.rows[0], by_name);
  if (a.n_rows[1]) qsort(a.rows[1], (size_t)a.n_rows[1], sizeof *a.rows[1], by_name);
  if (a.n) qsort(practices, (size_t)a.n, sizeof *practices, by_name);
  out->places = a.rows[0];
  out->n_places = a.n_rows[0];
  out->pcns = a.rows[1];
  out->n_pcns = a.n_rows[1];
  out->practices = practices;
  out->n_practices = a.n;
  return 0;
}

void fp_metrics_release(struct fp_metrics *m) {
  free(m->practices);
  free(m->professions);
  free(m->places);
  free(m->pcns);
  memset(m, 0, sizeof *m);
}

/* ---- by clinician (docs/METRICS.md, "By clinician") ---- */

struct clinician_rows {
  struct fp_metrics_clinician *r; /* in clinician id order while being filled */
  size_t n, cap;
  int err;
};

/* The row of clinician id, added (not a member) when new. NULL when out of memory (err set). */
static struct fp_metrics_figures *clinician_figures(void *acc, int64_t id) {
  struct clinician_rows *x = acc;
  size_t lo = 0, hi = x->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (x->r[mid].clinician_id < id) lo = mid + 1;
    else hi = mid;
  }
  if (lo < x->n && x->r[lo].clinician_id == id) return &x->r[lo].f;
  if ((x->err = grow((void **)&x->r, &x->cap, x->n + 1, sizeof *x->r)) != 0) return NULL;
  memmove(&x->r[lo + 1], &x->r[lo], (x->n - lo) * sizeof *x->r);
  x->n++;
  memset(&x->r[lo], 0, sizeof x->r[lo]);
  x->r[lo].clinician_id = id;
  return &x->r[lo].f;
}

static int by_clinician_name(const void *x, const void *y) {
  const struct fp_metrics_clinician *a = x, *b = y;
  int d = strcmp(a->name, b->name);
  return d ? d : (a->clinician_id > b->clinician_id) - (a->clinician_id < b->clinician_id);
}

int fp_store_metrics_clinicians(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to, int64_t now,
                                fp_day last_day, struct fp_metrics_clinician **out, size_t *n) {
  *out = NULL;
  *n = 0;
  struct members ms;
  memset(&ms, 0, sizeof ms);
  struct clinician_rows x = {0};
  int rc = load_members(c, scope, to, &ms);
  bool *onboarded = !rc && ms.n ? calloc(ms.n, sizeof *onboarded) : NULL;
  if (!rc && ms.n && !onboarded) rc = FP_ENOMEM;
  if (!rc) rc = members_onboarded(c, &ms, to, last_day, onboarded);
  /* The members first (in id order, as load_members gives them), onboarded or not. */
  for (size_t i = 0; !rc && i < ms.n; i++) {
    if ((rc = grow((void **)&x.r, &x.cap, x.n + 1, sizeof *x.r)) != 0) break;
    struct fp_metrics_clinician *r = &x.r[x.n++];
    memset(r, 0, sizeof *r);
    r->clinician_id = ms.m[i].id;
    r->member = true;
    r->onboarded = onboarded[i];
  }
  free(onboarded);
  free(ms.m);
  free(ms.pools);
  /* Their sessions at the practices in scope, and anyone else's there (a clinician of another pool). */
  const struct part whole = {from, to, NULL, 0};
  if (!rc) rc = load_shifts(c, scope, &whole, now, "b.clinician_id", clinician_figures, &x);
  if (!rc) rc = x.err;
  if (!rc) rc = load_cancellations(c, scope, &whole, "b.clinician_id", clinician_figures, &x);
  if (!rc) rc = x.err;
  for (size_t i = 0; !rc && i < x.n; i++) {
    struct fp_metrics_clinician *r = &x.r[i];
    r->f.clinicians_registered = r->f.clinicians_onboarded = -1;
    fp_stmt *st = FP_DB_STMT(c, "SELECT u.name, cl.profession FROM clinicians cl JOIN users u ON u.id = cl.user_id"
                                " WHERE cl.id = ?", fp_int(r->clinician_id));
    if (!st) {
      rc = FP_EIO;
      break;
    }
    rc = FP_STEP_ONE(st, fp_out_text(r->name, sizeof r->name), fp_out_text(r->profession, sizeof r->profession));
  }
  if (rc) {
    free(x.r);
    return rc;
  }
  if (x.n > 1) qsort(x.r, x.n, sizeof *x.r, by_clinician_name);
  *out = x.r;
  *n = x.n;
  return 0;
}
