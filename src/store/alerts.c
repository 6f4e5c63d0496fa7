/* Shift alerts: preferences, matching and delivery. See alerts.h. */
#include "store/alerts.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/booking.h"
#include "core/error.h"
#include "core/ids.h"
#include "core/profession.h"
#include "core/release.h"
#include "core/validate.h"
#include "core/working_time.h"
#include "store/accounts.h"
#include "store/alert_index.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/shifts.h"
#include "store/sql.h"

static const char *const KIND_NAMES[] = {[FP_ALERT_POSTED] = "posted", [FP_ALERT_URGENT] = "urgent"};

/* ---- preferences ---- */

void fp_alert_prefs_read_cols(fp_stmt *st, int i, struct fp_alert_prefs *p) {
  p->enabled = fp_col_int64(st, i) != 0;
  p->max_distance_miles = (int)fp_col_int64(st, i + 1);
  p->min_hourly_pence = fp_col_int64(st, i + 2);
  const char *mode = fp_col_text(st, i + 3);
  p->mode = mode && strcmp(mode, "digest") == 0 ? FP_ALERT_DIGEST : FP_ALERT_INSTANT;
  p->quiet_start_min = (int)fp_col_int64(st, i + 4);
  p->quiet_end_min = (int)fp_col_int64(st, i + 5);
}

static int read_roles(struct fp_conn *c, int64_t clinician_id, struct fp_alert_prefs *p) {
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT role FROM alert_roles WHERE clinician_id = ? ORDER BY role", fp_int(clinician_id));
  if (!st) return FP_EIO;
  int rc;
  p->n_roles = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (p->n_roles == FP_ALERT_MAX_ROLES) {
      fp_reset(st);
      return FP_ETOOBIG;
    }
    if (fp_db_col_copy(st, 0, p->roles[p->n_roles], sizeof p->roles[0])) {
      fp_reset(st);
      return FP_ETOOBIG;
    }
    p->n_roles++;
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_alert_prefs_get(struct fp_conn *c, int64_t clinician_id, struct fp_alert_prefs *out, bool *stored) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT cl.profession, COALESCE(cl.travel_radius_km, 0), ap.clinician_id, ap.enabled,"
      " ap.max_distance_miles, ap.min_hourly_pence, ap.mode, ap.quiet_start_min, ap.quiet_end_min"
      " FROM clinicians cl LEFT JOIN alert_prefs ap ON ap.clinician_id = cl.id WHERE cl.id = ?",
      fp_int(clinician_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc != FP_ROW) {
    fp_reset(st);
    return rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  }
  char profession[48];
  rc = fp_db_col_copy(st, 0, profession, sizeof profession);
  fp_alert_prefs_default(out, rc ? "" : profession, fp_col_int64(st, 1));
  *stored = !fp_col_null(st, 2);
  if (*stored) fp_alert_prefs_read_cols(st, 3, out);
  fp_reset(st);
  if (rc) return rc;
  return *stored ? read_roles(c, clinician_id, out) : 0;
}

int fp_store_alert_prefs_replace(struct fp_conn *c, int64_t clinician_id, const struct fp_alert_prefs *p, int64_t now) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO alert_prefs (clinician_id, enabled, max_distance_miles, min_hourly_pence, mode,"
      " quiet_start_min, quiet_end_min, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
      " ON CONFLICT (clinician_id) DO UPDATE SET enabled = ?2, max_distance_miles = ?3,"
      " min_hourly_pence = ?4, mode = ?5, quiet_start_min = ?6, quiet_end_min = ?7, updated_at = ?8",
      fp_int(clinician_id), fp_int(p->enabled ? 1 : 0), fp_int(p->max_distance_miles), fp_int(p->min_hourly_pence),
      fp_txt(fp_alert_mode_name(p->mode)), fp_int(p->quiet_start_min), fp_int(p->quiet_end_min), fp_int(now));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  st = FP_DB_STMT(c, "DELETE FROM alert_roles WHERE clinician_id = ?", fp_int(clinician_id));
  if (!st) return FP_EIO;
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  for (size_t i = 0; i < p->n_roles; i++) {
    st = FP_DB_STMT(
        c, "INSERT INTO alert_roles (clinician_id, role) VALUES (?, ?)", fp_int(clinician_id), fp_txt(p->roles[i]));
    if (!st) return FP_EIO;
    if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  }
  return 0;
}

int fp_store_alert_prefs_set(struct fp_conn *c, int64_t clinician_id, const struct fp_alert_prefs *p, int64_t actor,
                             int64_t now) {
  int rc = fp_store_alert_prefs_replace(c, clinician_id, p, now);
  if (rc) return rc;
  char after[160];
  snprintf(after, sizeof after, "{\"enabled\":%s,\"roles\":%zu,\"mode\":\"%s\"}", p->enabled ? "true" : "false",
           p->n_roles, fp_alert_mode_name(p->mode));
  return fp_store_audit(c, now, actor, "alert_preferences.set", "clinician", clinician_id, NULL, after);
}

/* ---- matching ---- */

/* Ids from a statement's first column, ascending (the statement orders them). */
struct idset {
  int64_t *v;
  size_t n, cap;
};

static int idset_read(fp_stmt *st, struct idset *set) { return fp_step_ids(st, &set->v, &set->n, &set->cap); }

static bool idset_has(const struct idset *set, int64_t id) { return fp_ids_find(set->v, set->n, id) >= 0; }

/* What a match reads of the shift's practice and of the shift's alerts, once. */
struct practice_facts {
  struct idset pools;    /* the practice's pools */
  struct idset blocked;  /* the clinicians it blocked */
  struct idset overflow; /* the pools of its ICB that opted in to overflow, once that tier is open */
  struct idset alerted;  /* alerted of this kind already, or (urgent) told it was posted once urgent */
};

static void practice_facts_free(struct practice_facts *f) {
  free(f->pools.v);
  free(f->blocked.v);
  free(f->overflow.v);
  free(f->alerted.v);
}

static int practice_facts_read(struct fp_conn *c, const struct fp_shift *s, enum fp_alert_kind kind, int64_t now,
                               struct practice_facts *f) {
  fp_stmt *st = FP_DB_STMT(
      c, "SELECT pool_id FROM pool_members WHERE organisation_id = ? ORDER BY pool_id", fp_int(s->practice_id));
  if (!st) return FP_EIO;
  int rc = idset_read(st, &f->pools);
  if (rc) return rc;
  if (!(st = fp_db_stmt(c, "SELECT clinician_id FROM practice_clinician_marks WHERE practice_id = ? AND kind = 'blocked'"
                           " ORDER BY clinician_id")))
    return FP_EIO;
  fp_bind_int64(st, 1, s->practice_id);
  if ((rc = idset_read(st, &f->blocked)) != 0) return rc;
  /* The overflow pools' members too once that tier is open (the core's decision; eligibility then
     holds them to the practice's pool's checks). */
  struct fp_release rel;
  fp_release_at(s->pool_opens_at, s->overflow_opens_at, now, &rel);
  if (s->release_mode == FP_RELEASE_TIERED && rel.tier >= FP_TIER_OVERFLOW) {
    if (!(st = fp_db_stmt(c, "SELECT id FROM pools WHERE overflow <> 0 AND icb_id = ? ORDER BY id"))) return FP_EIO;
    fp_bind_int64(st, 1, s->icb_id);
    if ((rc = idset_read(st, &f->overflow)) != 0) return rc;
  }
  /* Never twice of a kind; and an urgent alert not for those told it was posted once it was already
     urgent. */
  if (!(st = fp_db_stmt(c, "SELECT DISTINCT CAST(j.value AS BIGINT) AS clinician FROM alert_groups g"
                           " JOIN json_each(g.clinicians) j ON 1 = 1 WHERE g.shift_id = ?1"
                           " AND (g.kind = ?2 OR (g.kind = 'posted' AND g.created_at >= ?3)) ORDER BY clinician")))
    return FP_EIO;
  fp_bind_int64(st, 1, s->id);
  fp_bind_text(st, 2, KIND_NAMES[kind]);
  fp_bind_int64(st, 3, kind == FP_ALERT_URGENT ? s->starts_at - FP_ALERT_URGENT_SECONDS : now + 1);
  return idset_read(st, &f->alerted);
}

/*
 * The pools clinician k shares with the practice, into out (room for k->n_pools): those of theirs
 * the practice is a member of too, and none when it blocked them. SHARED_POOLS_SQL's rule
 * (store/bookings.c), on the pools the index keeps.
 */
static size_t shared_pools(const struct fp_alert_clin *k, const struct practice_facts *f, int64_t *out) {
  if (idset_has(&f->blocked, k->id)) return 0;
  size_t n = 0;
  for (size_t i = 0; i < k->n_pools; i++)
    if (idset_has(&f->pools, k->pools[i])) out[n++] = k->pools[i];
  return n;
}

static bool in_overflow_pool(const struct fp_alert_clin *k, const struct practice_facts *f) {
  for (size_t i = 0; i < k->n_pools; i++)
    if (idset_has(&f->overflow, k->pools[i])) return true;
  return false;
}

/* The shift as the decision sees it for k. */
static void shift_for(const struct fp_shift *s, const struct fp_alert_clin *k, struct fp_alert_shift *as) {
  *as = (struct fp_alert_shift){s->role, s->hourly_pence, s->starts_at, s->ends_at, k->has_home && s->has_location, 0};
  if (as->has_distance) as->distance_km = fp_distance_km(s->lat, s->lon, k->lat, k->lon);
}

/* What their profession requires in a pool, read once a match for each profession and pool. */
struct required_memo {
  struct {
    const char *profession; /* the first clinician's of that profession */
    int64_t pool_id;
    struct fp_checks k;
  } *v;
  size_t n, cap;
};

static int required_of(struct fp_conn *c, struct required_memo *m, const char *profession, int64_t pool_id,
                       const struct fp_checks **out) {
  for (size_t i = 0; i < m->n; i++)
    if (m->v[i].pool_id == pool_id && strcmp(m->v[i].profession, profession) == 0) {
      *out = &m->v[i].k;
      return 0;
    }
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 8;
    void *grown = realloc(m->v, cap * sizeof *m->v);
    if (!grown) return FP_ENOMEM;
    m->v = grown;
    m->cap = cap;
  }
  memset(&m->v[m->n], 0, sizeof m->v[m->n]);
  m->v[m->n].profession = profession;
  m->v[m->n].pool_id = pool_id;
  int rc = fp_store_checks_require(c, profession, pool_id, &m->v[m->n].k);
  if (rc) {
    fp_checks_release(&m->v[m->n].k);
    return rc;
  }
  *out = &m->v[m->n++].k;
  return 0;
}

static void required_memo_free(struct required_memo *m) {
  for (size_t i = 0; i < m->n; i++) fp_checks_release(&m->v[i].k);
  free(m->v);
}

/* A candidate who passed everything but the booking's decision, and the pools they share with the
   practice (n_pools of them from `first` in the match's flat array). */
struct passer {
  struct fp_alert_clin *k;
  size_t first, n_pools;
};

/* Of the passers (in any order), those with a confirmed booking within the working-time window of
   the shift (what fp_store_work_check reads): one statement. Their ids go as one parameter: a JSON
   array through json_each, or on PostgreSQL an array literal ("{1,2,3}") cast to BIGINT[], which it
   reads several times faster than through the schema's json_each (a PL/pgSQL function). */
static int works_near_read(struct fp_conn *c, const struct fp_shift *s, const struct passer *p, size_t n,
                           struct idset *out) {
  if (n == 0) return 0;
  int64_t *ids = malloc(n * sizeof *ids);
  if (!ids) return FP_ENOMEM;
  for (size_t i = 0; i < n; i++) ids[i] = p[i].k->id;
  char *list = fp_ids_json(ids, n);
  free(ids);
  if (!list) return FP_ENOMEM;
  const bool pg = fp_db_engine(c) == FP_ENGINE_POSTGRES;
  if (pg) { /* "[1,2,3]" -> "{1,2,3}" */
    list[0] = '{';
    list[strlen(list) - 1] = '}';
  }
  fp_stmt *st = fp_db_stmt(c, pg ? "SELECT DISTINCT b.clinician_id FROM bookings b"
                                   " WHERE b.clinician_id = ANY(CAST(?1 AS BIGINT[]))"
                                   " AND b.status = 'confirmed' AND b.ends_at > ?3 AND +b.starts_at < ?2 ORDER BY b.clinician_id"
                                 : "SELECT DISTINCT b.clinician_id FROM bookings b"
                                   " WHERE b.clinician_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))"
                                   " AND b.status = 'confirmed' AND b.ends_at > ?3 AND +b.starts_at < ?2 ORDER BY b.clinician_id");
  int rc = st ? 0 : FP_EIO;
  if (!rc) {
    fp_bind_text(st, 1, list);
    fp_bind_int64(st, 2, s->ends_at + FP_WT_WINDOW);
    fp_bind_int64(st, 3, s->starts_at - FP_WT_WINDOW);
    rc = idset_read(st, out);
  }
  free(list);
  return rc;
}

static int scan_record(struct fp_conn *c, int64_t shift_id, const char *kind, int64_t now) {
  return FP_DB_RUN(c,
      "INSERT INTO alert_scans (shift_id, kind, scanned_at) VALUES (?, ?, ?)"
      " ON CONFLICT (shift_id, kind) DO UPDATE SET scanned_at = excluded.scanned_at",
      fp_int(shift_id), fp_txt(kind), fp_int(now));
}

/* Milliseconds since *t0, which becomes now (for the benchmark's breakdown of a match). */
static double lap_ms(struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
  *t0 = t1;
  return ms;
}

/* An alert decided: for whom, whether it waits for the digest, when it is due. */
struct alert_row {
  int64_t clinician_id;
  bool digest;
  int64_t due_at;
};

static int cmp_alert_row(const void *a, const void *b) {
  const struct alert_row *x = a, *y = b;
  if (x->digest != y->digest) return x->digest ? 1 : -1;
  if (x->due_at != y->due_at) return x->due_at < y->due_at ? -1 : 1;
  return x->clinician_id < y->clinician_id ? -1 : x->clinician_id > y->clinician_id;
}

/* Writes the alerts of kind for shift_id (none of them made before: the match left those out): a
   group row for each (digest, due) group of rows, its clinicians in id order. *written: how many. */
static int alerts_write(struct fp_conn *c, int64_t shift_id, enum fp_alert_kind kind, int64_t now, struct alert_row *rows,
                        size_t n, int *written) {
  if (n == 0) return 0;
  qsort(rows, n, sizeof *rows, cmp_alert_row);
  int64_t *ids = malloc(n * sizeof *ids);
  if (!ids) return FP_ENOMEM;
  int rc = 0;
  for (size_t i = 0, j; !rc && i < n; i = j) {
    size_t k = 0;
    for (j = i; j < n && rows[j].digest == rows[i].digest && rows[j].due_at == rows[i].due_at; j++)
      ids[k++] = rows[j].clinician_id;
    char *json = fp_ids_json(ids, k);
    fp_stmt *st = json ? fp_db_stmt(c, "INSERT INTO alert_groups (shift_id, kind, digest, created_at, due_at, clinicians)"
                                       " VALUES (?, ?, ?, ?, ?, ?)")
                       : NULL;
    if (!st) {
      rc = json ? FP_EIO : FP_ENOMEM;
    } else {
      fp_bind_int64(st, 1, shift_id);
      fp_bind_text(st, 2, KIND_NAMES[kind]);
      fp_bind_int64(st, 3, rows[i].digest ? 1 : 0);
      fp_bind_int64(st, 4, now);
      fp_bind_int64(st, 5, rows[i].due_at);
      fp_bind_text(st, 6, json);
      if ((rc = fp_db_exec_stmt(st)) == 0) *written += (int)k;
    }
    free(json);
  }
  free(ids);
  return rc;
}

int fp_store_alerts_match(struct fp_conn *c, struct fp_alert_index *ix, int64_t shift_id, enum fp_alert_kind kind,
                          int64_t now, struct fp_alert_match_stats *stats) {
  memset(stats, 0, sizeof *stats);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = fp_alert_index_ready(ix) ? 0 : FP_EINVAL;
  struct fp_shift *s = malloc(sizeof *s);
  if (!rc && !s) rc = FP_ENOMEM;
  if (!rc) rc = fp_store_shift_get(c, shift_id, NULL, s);
  bool open = !rc && strcmp(s->status, fp_shift_status_name(FP_SHIFT_OPEN)) == 0 && s->starts_at > now;
  struct practice_facts f;
  memset(&f, 0, sizeof f);
  struct fp_alert_clin **ks = NULL;
  size_t n = 0;
  if (!rc && open) rc = practice_facts_read(c, s, kind, now, &f);
  if (!rc && open) {
    const fp_day day = fp_uk_day(s->starts_at);
    const int start_min = (int)((s->starts_at + fp_uk_offset(s->starts_at) - (int64_t)day * 86400) / 60);
    rc = fp_alert_index_candidates(ix, s->role, s->hourly_pence, day, start_min, &ks, &n);
  }
  stats->candidates = (int)n;
  stats->candidates_ms = lap_ms(&t0);
  /* Everything but whether the booking would take them first: it is the dearest to find out. */
  struct passer *pass = n ? malloc(n * sizeof *pass) : NULL;
  size_t n_pass = 0, n_flat = 0, cap_flat = 0, most_pools = 0;
  int64_t *flat = NULL; /* the passers' shared pools */
  if (!rc && n && !pass) rc = FP_ENOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    struct fp_alert_clin *k = ks[i];
    if (!k->active || idset_has(&f.alerted, k->id)) continue;
    if (n_flat + k->n_pools > cap_flat) {
      int64_t *grown = realloc(flat, (cap_flat = (n_flat + k->n_pools) * 2 + 16) * sizeof *grown);
      if (!grown) {
        rc = FP_ENOMEM;
        break;
      }
      flat = grown;
    }
    size_t shared = shared_pools(k, &f, flat + n_flat);
    if (shared == 0 && (f.overflow.n == 0 || idset_has(&f.blocked, k->id) || !in_overflow_pool(k, &f))) continue;
    struct fp_alert_shift as;
    shift_for(s, k, &as);
    if (fp_alert_decide(&k->prefs, &k->avail, true, &as) != FP_ALERT_FITS) continue;
    pass[n_pass++] = (struct passer){k, n_flat, shared};
    n_flat += shared;
    if (shared > most_pools) most_pools = shared;
  }
  stats->preferences_ms = lap_ms(&t0);
  /* Then the booking's decision for those, on views made of what the index keeps. */
  struct idset near = {0};
  struct required_memo memo = {0};
  struct alert_row *fits = n_pass ? malloc(n_pass * sizeof *fits) : NULL;
  size_t n_fits = 0;
  const struct fp_checks **required = most_pools ? malloc(most_pools * sizeof *required) : NULL;
  if (!rc && ((n_pass && !fits) || (most_pools && !required))) rc = FP_ENOMEM;
  struct timespec t_near;
  clock_gettime(CLOCK_MONOTONIC, &t_near);
  if (!rc) rc = works_near_read(c, s, pass, n_pass, &near);
  stats->near_ms = lap_ms(&t_near);
  struct fp_elig_view v; /* each passer's in turn (fp_elig_view_adopt) */
  memset(&v, 0, sizeof v);
  for (size_t i = 0; !rc && i < n_pass; i++) {
    struct fp_alert_clin *k = pass[i].k;
    for (size_t j = 0; !rc && j < pass[i].n_pools; j++)
      rc = required_of(c, &memo, k->profession, flat[pass[i].first + j], &required[j]);
    v.clinician_id = k->id;
    v.active = k->active;
    v.user_id = k->user_id;
    v.loaded = true;
    v.now = now; /* the tiers of a release open now (a favourites-only shift alerts its favourites alone) */
    snprintf(v.profession, sizeof v.profession, "%s", k->profession);
    snprintf(v.name, sizeof v.name, "%s", k->name);
    if (!rc) rc = fp_elig_view_adopt(&v, s->practice_id, flat + pass[i].first, pass[i].n_pools, &k->records, required);
    bool takes = false;
    if (!rc) rc = fp_store_offer_would_book(c, s, &v, idset_has(&near, k->id), now, &takes);

    /* The rest of the core's decision (fp_alert_decide) was taken above with `eligible` true: the
       same inputs with the booking's answer give FITS exactly when the booking takes them. */
    if (rc || !takes) continue;
    fits[n_fits++] = (struct alert_row){k->id, kind == FP_ALERT_POSTED && k->prefs.mode == FP_ALERT_DIGEST,
                                        fp_alert_send_at(&k->prefs, kind, now)};
  }
  fp_elig_view_release(&v);
  stats->booking_ms = lap_ms(&t0);
  /* Written together, one statement for each time they are due (most alerts of a shift go at once,
     the rest at the end of someone's quiet hours or at the digest). */
  stats->fitting = (int)n_fits;
  if (!rc) rc = alerts_write(c, shift_id, kind, now, fits, n_fits, &stats->written);
  if (!rc) rc = scan_record(c, shift_id, KIND_NAMES[kind], now);
  stats->write_ms = lap_ms(&t0);
  required_memo_free(&memo);
  free(required);
  free(near.v);
  free(fits);
  free(flat);
  free(pass);
  practice_facts_free(&f);
  free(s);
  return rc;
}

int fp_store_alerts_scanned_before(struct fp_conn *c, int64_t posted_before, int64_t now) {
  static const char *const kinds[] = {"posted", "urgent"};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    fp_stmt *st = FP_DB_STMT(c,
        "INSERT INTO alert_scans (shift_id, kind, scanned_at) SELECT id, ?1, ?2 FROM shifts"
        " WHERE created_at < ?3 AND starts_at > ?2 ON CONFLICT DO NOTHING",
        fp_txt(kinds[i]), fp_int(now), fp_int(posted_before));
    if (!st) return FP_EIO;
    int rc = fp_db_exec_stmt(st);
    if (rc) return rc;
  }
  return 0;
}

int fp_store_alert_scans_prune(struct fp_conn *c, int64_t now, int64_t *n) {
  *n = 0;
  int rc = FP_DB_RUN_INTS(c,
      "DELETE FROM alert_scans WHERE shift_id IN"
      " (SELECT a.shift_id FROM alert_scans a JOIN shifts s ON s.id = a.shift_id WHERE s.starts_at <= ?)",
      now);
  if (rc == 0) *n = fp_db_changes(c);
  return rc;
}

/* ---- the upkeep ---- */

static atomic_uint_fast64_t pokes;

void fp_store_alerts_poke(void) { atomic_fetch_add(&pokes, 1); }

uint64_t fp_store_alerts_pokes(void) { return (uint64_t)atomic_load(&pokes); }

/* Up to max ids of open shifts starting after now (and by `until` when not 0) with no scan of kind
   since the last tier of its release opened (store/shifts.c writes the instants each opens at: the
   pool's is its posting for a shift released to all), so a shift released in tiers is matched
   again as each opens. */
int fp_store_alerts_unscanned(struct fp_conn *c, const char *kind, int64_t now, int64_t until, bool posted_early, int max,
                     int64_t *ids, int *n) {
  *n = 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT s.id FROM shifts s WHERE s.status = ?1 AND s.starts_at > ?2"
      " AND (?3 = 0 OR s.starts_at <= ?3) AND (?4 = 0 OR s.created_at < s.starts_at - ?5)"
      " AND NOT EXISTS (SELECT 1 FROM alert_scans a WHERE a.shift_id = s.id AND a.kind = ?6"
      "  AND a.scanned_at >= CASE WHEN s.overflow_opens_at <= ?2 THEN s.overflow_opens_at"
      "   WHEN s.pool_opens_at <= ?2 THEN s.pool_opens_at ELSE 0 END)"
      " ORDER BY s.starts_at, s.id LIMIT ?7",
      fp_txt(fp_shift_status_name(FP_SHIFT_OPEN)), fp_int(now), fp_int(until), fp_int(posted_early ? 1 : 0),
      fp_int(FP_ALERT_URGENT_SECONDS), fp_txt(kind), fp_int(max));
  if (!st) return FP_EIO;
  size_t got = 0;
  int rc = fp_step_ids_upto(st, ids, max > 0 ? (size_t)max : 0, &got);
  *n = (int)got;
  return rc;
}

static void role_name(const char *code, char *buf, size_t len) {
  const struct fp_profession *p = fp_profession_find(code);
  snprintf(buf, len, "%s", p ? p->name : code);
}

/* Tells the practice its shift is still unfilled close to its start; once (the scan row). */
static int tell_unfilled(struct fp_conn *c, int64_t shift_id, int64_t now) {
  struct fp_shift *s = malloc(sizeof *s);
  if (!s) return FP_ENOMEM;
  int rc = fp_store_shift_get(c, shift_id, NULL, s);
  if (!rc) {
    char when[64], role[64], subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64];
    fp_store_when_text(s->starts_at, s->ends_at, when, sizeof when);
    role_name(s->role, role, sizeof role);
    snprintf(subject, sizeof subject, "Still unfilled: %s", when);
    snprintf(text, sizeof text,
             "Your %s shift on %s is still unfilled and starts within 48 hours. You could look for cover among the "
             "clinicians who said they are available, or change the shift.",
             role, when);
    snprintf(link, sizeof link, "/practice/shifts/%lld", (long long)shift_id);
    rc = fp_store_notify_practice(c, s->practice_id, "shift.unfilled", subject, text, link, now);
  }
  if (!rc) rc = scan_record(c, shift_id, "unfilled", now);
  free(s);
  return rc;
}

#define UPKEEP_IDS_MAX 200

int fp_store_alerts_upkeep(struct fp_conn *c, struct fp_alert_index *ix, int64_t now, int max, int max_messages) {
  if (max > UPKEEP_IDS_MAX) max = UPKEEP_IDS_MAX;
  int64_t ids[UPKEEP_IDS_MAX];
  int n = 0, rc = 0;
  /* Without an index (its refresh failed: said on stderr) nothing is matched, and the shifts stay
     unscanned for the next run; the rest goes on. */
  if (fp_alert_index_ready(ix)) {
    struct fp_alert_match_stats stats;
    rc = fp_store_alerts_unscanned(c, "posted", now, 0, false, max, ids, &n);
    for (int i = 0; !rc && i < n; i++) rc = fp_store_alerts_match(c, ix, ids[i], FP_ALERT_POSTED, now, &stats);
    if (!rc) rc = fp_store_alerts_unscanned(c, "urgent", now, now + FP_ALERT_URGENT_SECONDS, false, max, ids, &n);
    for (int i = 0; !rc && i < n; i++) rc = fp_store_alerts_match(c, ix, ids[i], FP_ALERT_URGENT, now, &stats);
  }
  if (!rc) rc = fp_store_alerts_unscanned(c, "unfilled", now, now + FP_ALERT_URGENT_SECONDS, true, max, ids, &n);
  for (int i = 0; !rc && i < n; i++) rc = tell_unfilled(c, ids[i], now);
  int sent = 0;
  if (!rc) rc = fp_store_alerts_deliver(c, now, max_messages, &sent);
  return rc;
}

/* ---- delivery ---- */

/* A clinician of a due group, as delivery reads them. */
struct due {
  int64_t group_id, shift_id, clinician_id, user_id;
  enum fp_alert_kind kind;
};

/*
 * The clinicians of due groups not delivered yet (after each group's done_upto), instant or digest,
 * in ORDER; at most ?2 of them. ?1: now.
 */
#define DUE_SQL(DIGEST, ORDER)                                                                                  \
  "SELECT g.id, g.shift_id, g.kind, cl.id, cl.user_id FROM alert_groups g JOIN json_each(g.clinicians) j ON 1 = 1" \
  " JOIN clinicians cl ON cl.id = CAST(j.value AS BIGINT)"                                                      \
  " WHERE g.done_at IS NULL AND g.due_at <= ?1 AND g.digest = " DIGEST " AND cl.id > g.done_upto"               \
  " ORDER BY " ORDER " LIMIT ?2"

static int due_read(struct fp_conn *c, const char *sql, int64_t now, int max, struct due *rows, int *n) {
  *n = 0;
  fp_stmt *st = FP_DB_STMT(c, sql, fp_int(now), fp_int(max));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW && *n < max) {
    struct due *d = &rows[(*n)++];
    d->group_id = fp_col_int64(st, 0);
    d->shift_id = fp_col_int64(st, 1);
    const char *k = fp_col_text(st, 2);
    d->kind = k && strcmp(k, "urgent") == 0 ? FP_ALERT_URGENT : FP_ALERT_POSTED;
    d->clinician_id = fp_col_int64(st, 3);
    d->user_id = fp_col_int64(st, 4);
  }
  fp_reset(st);
  return rc == FP_DONE || rc == FP_ROW ? 0 : FP_EIO;
}

/* Group id's clinicians up to `upto` are delivered (or dropped with their shift). */
static int done_upto(struct fp_conn *c, int64_t id, int64_t upto) {
  return FP_DB_RUN_INTS(c, "UPDATE alert_groups SET done_upto = ? WHERE id = ? AND done_upto < ?", upto, id, upto);
}

/* Shift id, and whether it is still worth telling about (open, not started). */
static int shift_open(struct fp_conn *c, int64_t id, int64_t now, struct fp_shift *s, bool *open) {
  int rc = fp_store_shift_get(c, id, NULL, s);
  if (rc == FP_ENOTFOUND) rc = 0, s->status[0] = 0;
  *open = !rc && strcmp(s->status, fp_shift_status_name(FP_SHIFT_OPEN)) == 0 && s->starts_at > now;
  return rc;
}

/* One line about shift s: "General practitioner at Practice, Tue 8 Dec 2026, 09:00 to 13:00, GBP 95.00 an hour". */
static void shift_line(const struct fp_shift *s, char *buf, size_t len) {
  char when[64], role[64];
  fp_store_when_text(s->starts_at, s->ends_at, when, sizeof when);
  role_name(s->role, role, sizeof role);
  snprintf(buf, len, "%s at %s, %s, \xc2\xa3%lld.%02lld an hour", role, s->practice_name, when,
           (long long)(s->hourly_pence / 100), (long long)(s->hourly_pence % 100));
}

/* The instant alerts due: a message each, group by group in the order they are due. */
static int deliver_instant(struct fp_conn *c, int64_t now, int max, struct fp_shift *s, int *sent) {
  struct due *rows = calloc((size_t)max, sizeof *rows);
  if (!rows) return FP_ENOMEM;
  int n = 0, rc = due_read(c, DUE_SQL("0", "g.due_at, g.id, cl.id"), now, max, rows, &n);
  char line[400], subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64], when[64];
  for (int i = 0, j; !rc && i < n; i = j) {
    bool open = false;
    rc = shift_open(c, rows[i].shift_id, now, s, &open);
    for (j = i; !rc && j < n && rows[j].group_id == rows[i].group_id; j++) {
      if (!open) continue; /* a shift no longer open (booked, withdrawn, started) is not worth telling about */
      shift_line(s, line, sizeof line);
      fp_store_when_text(s->starts_at, s->ends_at, when, sizeof when);
      bool urgent = rows[j].kind == FP_ALERT_URGENT;
      snprintf(subject, sizeof subject, urgent ? "Still open and starting soon: %s" : "A shift that fits you: %s", when);
      snprintf(text, sizeof text, "%s.\n\n%s", line,
               urgent ? "It starts within 48 hours and is still open. It fits your availability and your alert "
                        "preferences."
                      : "It fits your availability and your alert preferences.");
      snprintf(link, sizeof link, "/shifts/%lld", (long long)s->id);
      rc = fp_store_notify(c, rows[j].user_id, urgent ? "alert.urgent" : "alert.shift", subject, text, link, now);
      if (!rc) ++*sent;
    }
    if (!rc) rc = done_upto(c, rows[i].group_id, rows[j - 1].clinician_id);
  }
  free(rows);
  return rc;
}

/* The digests due: one message a clinician listing their due digest alerts (as many as fit). */
static int deliver_digests(struct fp_conn *c, int64_t now, int max, struct fp_shift *s, int *sent) {
  const int cap = max * 10;
  struct due *rows = calloc((size_t)cap, sizeof *rows);
  char *text = malloc(FP_MSG_TEXT_MAX + 1);
  int n = 0, rc = rows && text ? due_read(c, DUE_SQL("1", "cl.id, g.id"), now, cap, rows, &n) : FP_ENOMEM;
  /* Cut short: the last clinician's list may be, so they wait for the next run (unless alone). */
  if (n == cap && rows[n - 1].clinician_id != rows[0].clinician_id) {
    int64_t last = rows[n - 1].clinician_id;
    while (n > 0 && rows[n - 1].clinician_id == last) n--;
  }
  char line[400], subject[FP_MSG_SUBJECT_MAX + 1];
  int told = 0;
  for (int i = 0, j; !rc && i < n && told < max; i = j) {
    int listed = 0, more = 0;
    size_t used = 0;
    text[0] = 0;
    for (j = i; !rc && j < n && rows[j].clinician_id == rows[i].clinician_id; j++) {
      bool open = false;
      rc = shift_open(c, rows[j].shift_id, now, s, &open);
      if (!rc) rc = done_upto(c, rows[j].group_id, rows[j].clinician_id);
      if (rc || !open) continue;
      shift_line(s, line, sizeof line);
      size_t need = strlen(line) + 3;
      if (listed < 20 && used + need + 64 < FP_MSG_TEXT_MAX) {
        used += (size_t)snprintf(text + used, FP_MSG_TEXT_MAX + 1 - used, "- %s\n", line);
        listed++;
      } else {
        more++;
      }
    }
    if (!rc && listed) {
      if (more) snprintf(text + used, FP_MSG_TEXT_MAX + 1 - used, "and %d more.\n", more);
      snprintf(subject, sizeof subject, "Your daily digest: %d shift%s that fit%s you", listed + more,
               listed + more == 1 ? "" : "s", listed + more == 1 ? "s" : "");
      rc = fp_store_notify(c, rows[i].user_id, "alert.digest", subject, text, "/shifts", now);
      if (!rc) ++told;
    }
  }
  *sent += told;
  free(text);
  free(rows);
  return rc;
}

int fp_store_alerts_deliver(struct fp_conn *c, int64_t now, int max, int *sent) {
  *sent = 0;
  if (max <= 0) return 0;
  struct fp_shift *s = malloc(sizeof *s);
  int rc = s ? deliver_instant(c, now, max, s, sent) : FP_ENOMEM;
  if (!rc && *sent < max) rc = deliver_digests(c, now, max - *sent, s, sent);
  /* The groups whose every clinician was delivered are done. */
  if (!rc) {
    fp_stmt *st = fp_db_stmt(c, "UPDATE alert_groups SET done_at = ?1 WHERE done_at IS NULL AND due_at <= ?1"
                                " AND NOT EXISTS (SELECT 1 FROM json_each(alert_groups.clinicians) j"
                                "  WHERE CAST(j.value AS BIGINT) > alert_groups.done_upto)");
    if (!st) rc = FP_EIO;
    else {
      fp_bind_int64(st, 1, now);
      rc = fp_db_exec_stmt(st);
    }
  }
  free(s);
  return rc;
}
