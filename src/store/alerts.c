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
#include "core/profession.h"
#include "core/release.h"
#include "core/validate.h"
#include "core/working_time.h"
#include "store/accounts.h"
#include "store/availability.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/shifts.h"
#include "store/sql.h"

static const char *const KIND_NAMES[] = {[FP_ALERT_POSTED] = "posted", [FP_ALERT_URGENT] = "urgent"};

/* ---- preferences ---- */

/* The stored preference columns, from column i: enabled, miles, pence, mode, quiet start, quiet end. */
static void read_prefs_cols(fp_stmt *st, int i, struct fp_alert_prefs *p) {
  p->enabled = fp_col_int64(st, i) != 0;
  p->max_distance_miles = (int)fp_col_int64(st, i + 1);
  p->min_hourly_pence = fp_col_int64(st, i + 2);
  const char *mode = fp_col_text(st, i + 3);
  p->mode = mode && strcmp(mode, "digest") == 0 ? FP_ALERT_DIGEST : FP_ALERT_INSTANT;
  p->quiet_start_min = (int)fp_col_int64(st, i + 4);
  p->quiet_end_min = (int)fp_col_int64(st, i + 5);
}

static int read_roles(struct fp_conn *c, int64_t clinician_id, struct fp_alert_prefs *p) {
  fp_stmt *st = fp_db_stmt(c, "SELECT role FROM alert_roles WHERE clinician_id = ? ORDER BY role");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
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
  fp_stmt *st = fp_db_stmt(c, "SELECT cl.profession, COALESCE(cl.travel_radius_km, 0), ap.clinician_id, ap.enabled,"
                              " ap.max_distance_miles, ap.min_hourly_pence, ap.mode, ap.quiet_start_min, ap.quiet_end_min"
                              " FROM clinicians cl LEFT JOIN alert_prefs ap ON ap.clinician_id = cl.id WHERE cl.id = ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
  int rc = fp_step(st);
  if (rc != FP_ROW) {
    fp_reset(st);
    return rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  }
  char profession[48];
  rc = fp_db_col_copy(st, 0, profession, sizeof profession);
  fp_alert_prefs_default(out, rc ? "" : profession, fp_col_int64(st, 1));
  *stored = !fp_col_null(st, 2);
  if (*stored) read_prefs_cols(st, 3, out);
  fp_reset(st);
  if (rc) return rc;
  return *stored ? read_roles(c, clinician_id, out) : 0;
}

int fp_store_alert_prefs_replace(struct fp_conn *c, int64_t clinician_id, const struct fp_alert_prefs *p, int64_t now) {
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO alert_prefs (clinician_id, enabled, max_distance_miles, min_hourly_pence, mode,"
                              " quiet_start_min, quiet_end_min, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                              " ON CONFLICT (clinician_id) DO UPDATE SET enabled = ?2, max_distance_miles = ?3,"
                              " min_hourly_pence = ?4, mode = ?5, quiet_start_min = ?6, quiet_end_min = ?7, updated_at = ?8");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
  fp_bind_int64(st, 2, p->enabled ? 1 : 0);
  fp_bind_int64(st, 3, p->max_distance_miles);
  fp_bind_int64(st, 4, p->min_hourly_pence);
  fp_bind_text(st, 5, fp_alert_mode_name(p->mode));
  fp_bind_int64(st, 6, p->quiet_start_min);
  fp_bind_int64(st, 7, p->quiet_end_min);
  fp_bind_int64(st, 8, now);
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  st = fp_db_stmt(c, "DELETE FROM alert_roles WHERE clinician_id = ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  for (size_t i = 0; i < p->n_roles; i++) {
    st = fp_db_stmt(c, "INSERT INTO alert_roles (clinician_id, role) VALUES (?, ?)");
    if (!st) return FP_EIO;
    fp_bind_int64(st, 1, clinician_id);
    fp_bind_text(st, 2, p->roles[i]);
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

/* A candidate from the indexes, with what the core needs besides their availability. */
struct candidate {
  int64_t clinician_id;
  char profession[48];
  int64_t radius_km;
  bool has_home;
  double lat, lon;
  bool has_prefs;
  struct fp_alert_prefs stored; /* when has_prefs: the columns (roles are read only when needed) */
  bool works_near; /* a confirmed booking within a day of the shift: the booking's work check decides */
  bool has_role;   /* with preferences: the shift's role is among their roles */
  int64_t user_id; /* their account: the facts the eligibility view would read again */
  bool active;
  char name[201];
};

/*
 * The candidates for a shift: a window on the shift's local weekday containing its start (or an
 * extra day then), alerts for its role (their roles, or their profession when they set none), on
 * and asking no more than its rate, in a pool of the practice, not blocked by it, active, and not
 * alerted of this kind for it yet. For urgent alerts, not those told of the shift as posted since
 * it became urgent. Nobody plainly too far: the flat-earth distance (111.32 km a degree, 12392.2
 * its square) within their limit with room to spare (5 %, and 2 km over a radius, whose miles the
 * core rounds up). A pre-filter only: the core decides.
 */
static const char CANDIDATES_SQL[] =
    "SELECT cl.id, cl.profession, COALESCE(cl.travel_radius_km, 0), p.lat, p.lon, ap.clinician_id, ap.enabled,"
    " ap.max_distance_miles, ap.min_hourly_pence, ap.mode, ap.quiet_start_min, ap.quiet_end_min,"
    " CASE WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.clinician_id = cl.id AND b.status = 'confirmed'"
    "  AND b.starts_at < ?16 AND b.ends_at > ?17) THEN 1 ELSE 0 END,"
    " CASE WHEN EXISTS (SELECT 1 FROM alert_roles r2 WHERE r2.role = ?4 AND r2.clinician_id = cl.id) THEN 1 ELSE 0 END,"
    " u.id, u.active, u.name"
    " FROM clinicians cl JOIN users u ON u.id = cl.user_id"
    " LEFT JOIN alert_prefs ap ON ap.clinician_id = cl.id"
    " LEFT JOIN postcodes p ON p.postcode = cl.home_postcode"
    " WHERE cl.id IN (SELECT aw.clinician_id FROM availability_windows aw"
    "   WHERE aw.weekday = ?1 AND aw.start_min <= ?2 AND aw.end_min > ?2"
    "  UNION SELECT ae.clinician_id FROM availability_exceptions ae"
    "   WHERE ae.from_day = ?3 AND ae.kind = 'extra' AND ae.start_min <= ?2 AND ae.end_min > ?2)"
    "  AND u.active <> 0"
    "  AND ((ap.clinician_id IS NULL AND cl.profession = ?4)"
    "   OR EXISTS (SELECT 1 FROM alert_roles ar WHERE ar.role = ?4 AND ar.clinician_id = cl.id))"
    "  AND (ap.clinician_id IS NULL OR (ap.enabled <> 0 AND ap.min_hourly_pence <= ?5))"
    "  AND (EXISTS (SELECT 1 FROM pool_members m JOIN pool_members o ON o.pool_id = m.pool_id"
    "   WHERE m.clinician_id = cl.id AND o.organisation_id = ?6)"
    "   OR (?14 <> 0 AND EXISTS (SELECT 1 FROM pool_members m JOIN pools op ON op.id = m.pool_id"
    "   WHERE m.clinician_id = cl.id AND op.overflow <> 0 AND op.icb_id = ?15)))"
    "  AND NOT EXISTS (SELECT 1 FROM practice_clinician_marks mk WHERE mk.practice_id = ?6"
    "   AND mk.clinician_id = cl.id AND mk.kind = 'blocked')"
    "  AND (?10 = 0 OR p.lat IS NULL OR p.lon IS NULL"
    "   OR (CASE WHEN ap.clinician_id IS NULL THEN COALESCE(cl.travel_radius_km, 0) ELSE ap.max_distance_miles END) = 0"
    "   OR ((p.lat - ?11) * (p.lat - ?11) + (p.lon - ?12) * ?13 * (p.lon - ?12) * ?13) * 12392.2"
    "    <= (CASE WHEN ap.clinician_id IS NULL THEN (COALESCE(cl.travel_radius_km, 0) + 2) * 1.05"
    "        ELSE ap.max_distance_miles * 1.609344 * 1.05 END)"
    "     * (CASE WHEN ap.clinician_id IS NULL THEN (COALESCE(cl.travel_radius_km, 0) + 2) * 1.05"
    "        ELSE ap.max_distance_miles * 1.609344 * 1.05 END))"
    "  AND NOT EXISTS (SELECT 1 FROM alerts al WHERE al.clinician_id = cl.id AND al.shift_id = ?7 AND al.kind = ?8)"
    "  AND NOT EXISTS (SELECT 1 FROM alerts pa WHERE pa.clinician_id = cl.id AND pa.shift_id = ?7"
    "   AND pa.kind = 'posted' AND pa.created_at >= ?9)"
    " ORDER BY cl.id";

struct candidates {
  struct candidate *v;
  size_t n, cap;
};

static int candidates_load(struct fp_conn *c, const struct fp_shift *s, enum fp_alert_kind kind, int64_t now,
                           struct candidates *out) {
  const fp_day day = fp_uk_day(s->starts_at);
  int64_t wall = s->starts_at + fp_uk_offset(s->starts_at);
  const int start_min = (int)((wall - (int64_t)day * 86400) / 60);
  fp_stmt *st = fp_db_stmt(c, CANDIDATES_SQL);
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, fp_weekday(day));
  fp_bind_int64(st, 2, start_min);
  fp_bind_int64(st, 3, day);
  fp_bind_text(st, 4, s->role);
  fp_bind_int64(st, 5, s->hourly_pence);
  fp_bind_int64(st, 6, s->practice_id);
  fp_bind_int64(st, 7, s->id);
  fp_bind_text(st, 8, KIND_NAMES[kind]);
  /* Urgent: not those told it was posted once it was already urgent; posted: no one (never that late). */
  fp_bind_int64(st, 9, kind == FP_ALERT_URGENT ? s->starts_at - FP_ALERT_URGENT_SECONDS : now + 1);
  fp_bind_int64(st, 10, s->has_location ? 1 : 0);
  fp_bind_double(st, 11, s->lat);
  fp_bind_double(st, 12, s->lon);
  fp_bind_double(st, 13, cos(s->lat * M_PI / 180.0));
  /* The overflow pools' members too once that tier is open (the core's decision; eligibility then
     holds them to the practice's pool's checks). */
  struct fp_release rel;
  fp_release_at(s->pool_opens_at, s->overflow_opens_at, now, &rel);
  fp_bind_int64(st, 14, s->release_mode == FP_RELEASE_TIERED && rel.tier >= FP_TIER_OVERFLOW ? 1 : 0);
  fp_bind_int64(st, 15, s->icb_id);
  fp_bind_int64(st, 16, s->ends_at + FP_WT_WINDOW); /* the window fp_store_work_check reads */
  fp_bind_int64(st, 17, s->starts_at - FP_WT_WINDOW);
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (out->n == out->cap) {
      size_t cap = out->cap ? out->cap * 2 : 64;
      struct candidate *grown = realloc(out->v, cap * sizeof *grown);
      if (!grown) {
        fp_reset(st);
        return FP_ENOMEM;
      }
      out->v = grown;
      out->cap = cap;
    }
    struct candidate *k = &out->v[out->n++];
    memset(k, 0, sizeof *k);
    k->clinician_id = fp_col_int64(st, 0);
    if (fp_db_col_copy(st, 1, k->profession, sizeof k->profession)) k->profession[0] = 0;
    k->radius_km = fp_col_int64(st, 2);
    k->has_home = !fp_col_null(st, 3) && !fp_col_null(st, 4);
    k->lat = fp_col_double(st, 3);
    k->lon = fp_col_double(st, 4);
    k->has_prefs = !fp_col_null(st, 5);
    if (k->has_prefs) read_prefs_cols(st, 6, &k->stored);
    k->works_near = fp_col_int64(st, 12) != 0;
    k->has_role = fp_col_int64(st, 13) != 0;
    k->user_id = fp_col_int64(st, 14);
    k->active = fp_col_int64(st, 15) != 0;
    if (fp_db_col_copy(st, 16, k->name, sizeof k->name)) k->name[0] = 0;
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

static int scan_record(struct fp_conn *c, int64_t shift_id, const char *kind, int64_t now) {
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO alert_scans (shift_id, kind, scanned_at) VALUES (?, ?, ?)"
                              " ON CONFLICT (shift_id, kind) DO UPDATE SET scanned_at = excluded.scanned_at");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, shift_id);
  fp_bind_text(st, 2, kind);
  fp_bind_int64(st, 3, now);
  return fp_db_exec_stmt(st);
}

/* Milliseconds since *t0, which becomes now (for the benchmark's breakdown of a match). */
static double lap_ms(struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
  *t0 = t1;
  return ms;
}

/* The preferences that apply to candidate k, and the shift as the decision sees it for them. */
static void prefs_of(const struct fp_shift *s, const struct candidate *k, struct fp_alert_prefs *p,
                     struct fp_alert_shift *as) {
  fp_alert_prefs_default(p, k->profession, k->radius_km);
  if (k->has_prefs) { /* their roles as far as the decision asks: is the shift's among them */
    *p = k->stored;
    p->n_roles = 0;
    if (k->has_role) snprintf(p->roles[p->n_roles++], sizeof p->roles[0], "%s", s->role);
  }
  *as = (struct fp_alert_shift){s->role, s->hourly_pence, s->starts_at, s->ends_at, k->has_home && s->has_location, 0};
  if (as->has_distance) as->distance_km = fp_distance_km(s->lat, s->lon, k->lat, k->lon);
}

/*
 * Would the booking take candidate k (view v) for shift s? Its own decision, with their own work
 * (overlap and the working-time guards) read only for those who work within a day of the shift. An
 * approval shift is asked as its acceptance would be: the alert invites them to apply.
 */
static int booking_takes(struct fp_conn *c, const struct fp_shift *s, const struct candidate *k, int64_t now,
                         struct fp_elig_view *v, bool *takes) {
  *takes = false;
  struct fp_elig_result elig;
  int64_t pool_id = 0;
  int rc = fp_store_eligibility_view(c, v, s, &elig, &pool_id);
  struct fp_wt_limits limits;
  struct fp_wt_result wt = {0};
  bool overlap = false;
  if (!rc && elig.bookable && k->works_near) rc = fp_store_work_check(c, k->clinician_id, s, &limits, &wt, &overlap);
  enum fp_booking_mode mode;
  if (!rc && fp_booking_mode_parse(s->booking_mode, &mode) != 0) rc = FP_EIO;
  if (rc) return rc;
  struct fp_booking_input bi = {
      .status = FP_SHIFT_OPEN, /* fp_store_alerts_match matches open shifts only */
      .mode = mode,
      .starts_at = s->starts_at,
      .now = now,
      .via_acceptance = true,
      .elig = &elig,
      .clinician_has_overlap = overlap,
      .working_time = wt.outcome,
  };
  *takes = fp_booking_decide(&bi) == FP_BOOK_OK;
  return 0;
}

/* What matching one shift holds: the candidates, and for those that pass everything but the
   booking's decision, what that decision reads (each array in the candidates' id order). */
struct matching {
  struct candidates ks;
  int64_t *ids;                  /* all candidates', then the passing ones' */
  struct fp_availability *avail; /* per candidate */
  struct fp_availability_rows rows;
  size_t *pass;                  /* the passing candidates' indexes */
  size_t n_pass;
  struct fp_elig_view *views;    /* per passing candidate */
  struct fp_checks *records;     /* per passing candidate */
};

static void matching_release(struct matching *m) {
  for (size_t i = 0; m->views && i < m->n_pass; i++) fp_elig_view_release(&m->views[i]);
  for (size_t i = 0; m->records && i < m->n_pass; i++) fp_checks_release(&m->records[i]);
  free(m->views);
  free(m->records);
  free(m->pass);
  fp_availability_rows_free(&m->rows);
  free(m->avail);
  free(m->ids);
  free(m->ks.v);
}

/* The booking's eligibility views of the passing candidates, with what it would read for each
   read for all at once: their account (with the candidates), the pools they share with the
   practice and their passport's records (what each pool requires is read once and kept). */
static int views_load(struct fp_conn *c, const struct fp_shift *s, int64_t now, struct matching *m) {
  if (m->n_pass == 0) return 0;
  m->views = calloc(m->n_pass, sizeof *m->views);
  m->records = calloc(m->n_pass, sizeof *m->records);
  if (!m->views || !m->records) return FP_ENOMEM;
  for (size_t i = 0; i < m->n_pass; i++) {
    const struct candidate *k = &m->ks.v[m->pass[i]];
    struct fp_elig_view *v = &m->views[i];
    m->ids[i] = k->clinician_id;
    v->clinician_id = k->clinician_id;
    snprintf(v->profession, sizeof v->profession, "%s", k->profession);
    v->active = k->active;
    v->user_id = k->user_id;
    snprintf(v->name, sizeof v->name, "%s", k->name);
    v->loaded = true;
    v->now = now; /* the tiers of a release open now: a favourites-only shift alerts its favourites alone */
  }
  int rc = fp_store_checks_records_many(c, m->ids, m->n_pass, m->records);
  return rc ? rc : fp_elig_views_prepare(c, m->views, m->n_pass, s->practice_id, m->records);
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

/* Writes the alerts of kind for shift_id (those made before stay as they were): one statement for
   each (digest, due) group of rows. *written: how many are new. */
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
    fp_stmt *st = json ? fp_db_stmt(c, "INSERT INTO alerts (clinician_id, shift_id, kind, digest, created_at, due_at)"
                                       " SELECT CAST(value AS BIGINT), ?2, ?3, ?4, ?5, ?6 FROM json_each(?1)"
                                       " WHERE value IS NOT NULL" /* before ON CONFLICT, which SQLite would read as a join's */
                                       " ON CONFLICT DO NOTHING")
                       : NULL;
    if (!st) {
      rc = json ? FP_EIO : FP_ENOMEM;
    } else {
      fp_bind_text(st, 1, json);
      fp_bind_int64(st, 2, shift_id);
      fp_bind_text(st, 3, KIND_NAMES[kind]);
      fp_bind_int64(st, 4, rows[i].digest ? 1 : 0);
      fp_bind_int64(st, 5, now);
      fp_bind_int64(st, 6, rows[i].due_at);
      if ((rc = fp_db_exec_stmt(st)) == 0) *written += (int)fp_db_changes(c);
    }
    free(json);
  }
  free(ids);
  return rc;
}

int fp_store_alerts_match(struct fp_conn *c, int64_t shift_id, enum fp_alert_kind kind, int64_t now,
                          struct fp_alert_match_stats *stats) {
  memset(stats, 0, sizeof *stats);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  struct fp_shift *s = malloc(sizeof *s);
  struct matching m;
  memset(&m, 0, sizeof m);
  struct alert_row *fits = NULL;
  size_t n_fits = 0;
  int rc = s ? 0 : FP_ENOMEM;
  if (!rc) rc = fp_store_shift_get(c, shift_id, NULL, s);
  bool open = !rc && strcmp(s->status, fp_shift_status_name(FP_SHIFT_OPEN)) == 0 && s->starts_at > now;
  if (!rc && open) rc = candidates_load(c, s, kind, now, &m.ks);
  const size_t n = m.ks.n;
  stats->candidates = (int)n;
  /* Their availability, all at once (the candidates come in id order). */
  if (!rc && n) {
    m.ids = malloc(n * sizeof *m.ids);
    m.avail = malloc(n * sizeof *m.avail);
    m.pass = malloc(n * sizeof *m.pass);
    fits = malloc(n * sizeof *fits);
    rc = m.ids && m.avail && m.pass && fits ? 0 : FP_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) m.ids[i] = m.ks.v[i].clinician_id;
    if (!rc) rc = fp_store_availability_many(c, m.ids, n, m.avail, &m.rows);
  }
  stats->candidates_ms = lap_ms(&t0);
  /* Everything but whether the booking would take them first: it is the dearest to find out. */
  for (size_t i = 0; !rc && i < n; i++) {
    struct fp_alert_prefs p;
    struct fp_alert_shift as;
    prefs_of(s, &m.ks.v[i], &p, &as);
    if (fp_alert_decide(&p, &m.avail[i], true, &as) == FP_ALERT_FITS) m.pass[m.n_pass++] = i;
  }
  stats->preferences_ms = lap_ms(&t0);
  /* Then the booking's decision for those, on what it reads read for all of them at once. */
  if (!rc) rc = views_load(c, s, now, &m);
  for (size_t i = 0; !rc && i < m.n_pass; i++) {
    const struct candidate *k = &m.ks.v[m.pass[i]];
    bool takes = false;
    rc = booking_takes(c, s, k, now, &m.views[i], &takes);
    fp_elig_view_release(&m.views[i]);
    struct fp_alert_prefs p;
    struct fp_alert_shift as;
    prefs_of(s, k, &p, &as);
    if (rc || fp_alert_decide(&p, &m.avail[m.pass[i]], takes, &as) != FP_ALERT_FITS) continue;
    fits[n_fits++] = (struct alert_row){k->clinician_id, kind == FP_ALERT_POSTED && p.mode == FP_ALERT_DIGEST,
                                        fp_alert_send_at(&p, kind, now)};
  }
  stats->booking_ms = lap_ms(&t0);
  /* Written together, one statement for each time they are due (most alerts of a shift go at once,
     the rest at the end of someone's quiet hours or at the digest). */
  stats->fitting = (int)n_fits;
  if (!rc) rc = alerts_write(c, shift_id, kind, now, fits, n_fits, &stats->written);
  if (!rc) rc = scan_record(c, shift_id, KIND_NAMES[kind], now);
  stats->write_ms = lap_ms(&t0);
  free(fits);
  matching_release(&m);
  free(s);
  return rc;
}

int fp_store_alerts_scanned_before(struct fp_conn *c, int64_t posted_before, int64_t now) {
  static const char *const kinds[] = {"posted", "urgent"};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    fp_stmt *st = fp_db_stmt(c, "INSERT INTO alert_scans (shift_id, kind, scanned_at) SELECT id, ?, ? FROM shifts"
                                " WHERE created_at < ? ON CONFLICT DO NOTHING");
    if (!st) return FP_EIO;
    fp_bind_text(st, 1, kinds[i]);
    fp_bind_int64(st, 2, now);
    fp_bind_int64(st, 3, posted_before);
    int rc = fp_db_exec_stmt(st);
    if (rc) return rc;
  }
  return 0;
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
  fp_stmt *st = fp_db_stmt(c, "SELECT s.id FROM shifts s WHERE s.status = ?1 AND s.starts_at > ?2"
                              " AND (?3 = 0 OR s.starts_at <= ?3) AND (?4 = 0 OR s.created_at < s.starts_at - ?5)"
                              " AND NOT EXISTS (SELECT 1 FROM alert_scans a WHERE a.shift_id = s.id AND a.kind = ?6"
                              "  AND a.scanned_at >= CASE WHEN s.overflow_opens_at <= ?2 THEN s.overflow_opens_at"
                              "   WHEN s.pool_opens_at <= ?2 THEN s.pool_opens_at ELSE 0 END)"
                              " ORDER BY s.starts_at, s.id LIMIT ?7");
  if (!st) return FP_EIO;
  fp_bind_text(st, 1, fp_shift_status_name(FP_SHIFT_OPEN));
  fp_bind_int64(st, 2, now);
  fp_bind_int64(st, 3, until);
  fp_bind_int64(st, 4, posted_early ? 1 : 0);
  fp_bind_int64(st, 5, FP_ALERT_URGENT_SECONDS);
  fp_bind_text(st, 6, kind);
  fp_bind_int64(st, 7, max);
  int rc;
  while ((rc = fp_step(st)) == FP_ROW && *n < max) ids[(*n)++] = fp_col_int64(st, 0);
  fp_reset(st);
  return rc == FP_DONE || rc == FP_ROW ? 0 : FP_EIO;
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

int fp_store_alerts_upkeep(struct fp_conn *c, int64_t now, int max, int max_messages) {
  if (max > UPKEEP_IDS_MAX) max = UPKEEP_IDS_MAX;
  int64_t ids[UPKEEP_IDS_MAX];
  int n = 0, rc = fp_store_alerts_unscanned(c, "posted", now, 0, false, max, ids, &n);
  struct fp_alert_match_stats stats;
  for (int i = 0; !rc && i < n; i++) rc = fp_store_alerts_match(c, ids[i], FP_ALERT_POSTED, now, &stats);
  if (!rc) rc = fp_store_alerts_unscanned(c, "urgent", now, now + FP_ALERT_URGENT_SECONDS, false, max, ids, &n);
  for (int i = 0; !rc && i < n; i++) rc = fp_store_alerts_match(c, ids[i], FP_ALERT_URGENT, now, &stats);
  if (!rc) rc = fp_store_alerts_unscanned(c, "unfilled", now, now + FP_ALERT_URGENT_SECONDS, true, max, ids, &n);
  for (int i = 0; !rc && i < n; i++) rc = tell_unfilled(c, ids[i], now);
  int sent = 0;
  if (!rc) rc = fp_store_alerts_deliver(c, now, max_messages, &sent);
  return rc;
}

/* ---- delivery ---- */

struct due {
  int64_t id, clinician_id, user_id, shift_id;
  bool digest;
  enum fp_alert_kind kind;
};

static int mark(struct fp_conn *c, int64_t id, bool sent, int64_t now) {
  fp_stmt *st = fp_db_stmt(c, "UPDATE alerts SET sent_at = ?, outcome = ? WHERE id = ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, now);
  fp_bind_text(st, 2, sent ? "sent" : "dropped");
  fp_bind_int64(st, 3, id);
  return fp_db_exec_stmt(st);
}

/* One line about shift s: "General practitioner at Practice, Tue 8 Dec 2026, 09:00 to 13:00, GBP 95.00 an hour". */
static void shift_line(const struct fp_shift *s, char *buf, size_t len) {
  char when[64], role[64];
  fp_store_when_text(s->starts_at, s->ends_at, when, sizeof when);
  role_name(s->role, role, sizeof role);
  snprintf(buf, len, "%s at %s, %s, \xc2\xa3%lld.%02lld an hour", role, s->practice_name, when,
           (long long)(s->hourly_pence / 100), (long long)(s->hourly_pence % 100));
}

int fp_store_alerts_deliver(struct fp_conn *c, int64_t now, int max, int *sent) {
  *sent = 0;
  if (max <= 0) return 0;
  /* Instant ones in the order due; a digest's together (by clinician). */
  fp_stmt *st = fp_db_stmt(c, "SELECT al.id, al.clinician_id, cl.user_id, al.shift_id, al.digest, al.kind"
                              " FROM alerts al JOIN clinicians cl ON cl.id = al.clinician_id"
                              " WHERE al.sent_at IS NULL AND al.due_at <= ? ORDER BY al.digest, al.clinician_id, al.id LIMIT ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, now);
  fp_bind_int64(st, 2, (int64_t)max * 10);
  struct due *rows = calloc((size_t)max * 10, sizeof *rows);
  if (!rows) {
    fp_reset(st);
    return FP_ENOMEM;
  }
  int n = 0, rc;
  while ((rc = fp_step(st)) == FP_ROW && n < max * 10) {
    struct due *d = &rows[n++];
    d->id = fp_col_int64(st, 0);
    d->clinician_id = fp_col_int64(st, 1);
    d->user_id = fp_col_int64(st, 2);
    d->shift_id = fp_col_int64(st, 3);
    d->digest = fp_col_int64(st, 4) != 0;
    const char *k = fp_col_text(st, 5);
    d->kind = k && strcmp(k, "urgent") == 0 ? FP_ALERT_URGENT : FP_ALERT_POSTED;
  }
  fp_reset(st);
  rc = rc == FP_DONE || rc == FP_ROW ? 0 : FP_EIO;
  struct fp_shift *s = malloc(sizeof *s);
  char *text = malloc(FP_MSG_TEXT_MAX + 1);
  if (!rc && (!s || !text)) rc = FP_ENOMEM;
  char line[400], subject[FP_MSG_SUBJECT_MAX + 1], link[64], when[64];
  for (int i = 0; !rc && i < n && *sent < max;) {
    /* The group: one instant alert, or a clinician's digest alerts. */
    int j = i + 1;
    if (rows[i].digest)
      while (j < n && rows[j].digest && rows[j].clinician_id == rows[i].clinician_id) j++;
    int listed = 0, more = 0;
    size_t used = 0;
    text[0] = 0;
    for (int k = i; !rc && k < j; k++) {
      rc = fp_store_shift_get(c, rows[k].shift_id, NULL, s);
      if (rc == FP_ENOTFOUND) rc = 0, s->status[0] = 0;
      if (rc) break;
      /* A shift no longer open (booked, withdrawn, started) is not worth telling about any more. */
      bool open = strcmp(s->status, fp_shift_status_name(FP_SHIFT_OPEN)) == 0 && s->starts_at > now;
      rc = mark(c, rows[k].id, open, now);
      if (!open || rc) continue;
      shift_line(s, line, sizeof line);
      if (!rows[k].digest) {
        fp_store_when_text(s->starts_at, s->ends_at, when, sizeof when);
        bool urgent = rows[k].kind == FP_ALERT_URGENT;
        snprintf(subject, sizeof subject, urgent ? "Still open and starting soon: %s" : "A shift that fits you: %s", when);
        snprintf(text, FP_MSG_TEXT_MAX + 1, "%s.\n\n%s", line,
                 urgent ? "It starts within 48 hours and is still open. It fits your availability and your alert "
                          "preferences."
                        : "It fits your availability and your alert preferences.");
        snprintf(link, sizeof link, "/shifts/%lld", (long long)s->id);
        rc = fp_store_notify(c, rows[k].user_id, urgent ? "alert.urgent" : "alert.shift", subject, text, link, now);
        if (!rc) ++*sent;
        continue;
      }
      /* A digest: a line a shift, as many as fit. */
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
      if (!rc) ++*sent;
    }
    i = j;
  }
  free(text);
  free(s);
  free(rows);
  return rc;
}
