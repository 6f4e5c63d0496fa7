/* What the shift alerts keep of every clinician between matches. See alert_index.h. */
#include "store/alert_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/ids.h"
#include "store/availability.h"
#include "store/rows.h"

#define REFRESH_FULL_AFTER_S 1800.0 /* unrefreshed this long: load everything again */
#define PRUNE_AFTER_S 3600.0        /* changes read this long ago are deleted */

/* An availability window of a clinician, in its weekday's bucket, with the least rate they asked for. */
struct slot {
  int start_min, end_min;
  int64_t min_pence;
  struct fp_alert_clin *k;
};

/* An extra day of a clinician. */
struct extra {
  fp_day day;
  int start_min, end_min;
  int64_t min_pence;
  struct fp_alert_clin *k;
};

/* The windows and extra days of the clinicians alerted for one role. */
struct role_bucket {
  char role[FP_ALERT_ROLE_MAX + 1];
  struct slot *week[7]; /* by start_min */
  size_t n_week[7];
  struct extra *extras; /* by day */
  size_t n_extras;
};

struct fp_alert_index {
  bool loaded;
  int64_t last_seq;    /* the changes read up to */
  double refreshed_at; /* monotonic seconds */
  bool noted;          /* a prune is due at note_at + PRUNE_AFTER_S of the changes up to note_seq */
  double note_at;
  int64_t note_seq;
  struct fp_alert_clin **v; /* by id */
  size_t n, cap;
  struct role_bucket *roles;
  size_t n_roles;
  struct fp_alert_clin **out; /* fp_alert_index_candidates' answer */
  size_t cap_out;
  unsigned mark;
  char **codes; /* every check code the records name, once: theirs point here (see records_read) */
  size_t n_codes, cap_codes;
};

static double mono_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct fp_alert_index *fp_alert_index_new(void) { return calloc(1, sizeof(struct fp_alert_index)); }

static void clin_free(struct fp_alert_clin *k) {
  if (!k) return;
  free(k->windows);
  free(k->exceptions);
  free(k->pools);
  /* Their records' arrays are theirs; the codes, the index's (records_read). */
  free(k->records.records);
  free(k->records.record_ids);
  free(k);
}

static void buckets_free(struct fp_alert_index *ix) {
  for (size_t r = 0; r < ix->n_roles; r++) {
    for (int d = 0; d < 7; d++) free(ix->roles[r].week[d]);
    free(ix->roles[r].extras);
  }
  free(ix->roles);
  ix->roles = NULL;
  ix->n_roles = 0;
}

void fp_alert_index_free(struct fp_alert_index *ix) {
  if (!ix) return;
  for (size_t i = 0; i < ix->n; i++) clin_free(ix->v[i]);
  free(ix->v);
  buckets_free(ix);
  free(ix->out);
  for (size_t i = 0; i < ix->n_codes; i++) free(ix->codes[i]);
  free(ix->codes);
  free(ix);
}

static int cmp_clin(const void *a, const void *b) {
  const struct fp_alert_clin *x = *(const struct fp_alert_clin *const *)a, *y = *(const struct fp_alert_clin *const *)b;
  return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_slot(const void *a, const void *b) {
  const struct slot *x = a, *y = b;
  return x->start_min < y->start_min ? -1 : x->start_min > y->start_min;
}

static int cmp_extra(const void *a, const void *b) {
  const struct extra *x = a, *y = b;
  return x->day < y->day ? -1 : x->day > y->day;
}

/* The bucket of role (NULL: none yet), or a new one at the end when add. */
static struct role_bucket *bucket_of(struct fp_alert_index *ix, const char *role, bool add, size_t *cap) {
  for (size_t r = 0; r < ix->n_roles; r++)
    if (strcmp(ix->roles[r].role, role) == 0) return &ix->roles[r];
  if (!add) return NULL;
  if (ix->n_roles == *cap) {
    struct role_bucket *grown = realloc(ix->roles, (*cap = *cap ? *cap * 2 : 16) * sizeof *grown);
    if (!grown) return NULL;
    ix->roles = grown;
  }
  struct role_bucket *b = &ix->roles[ix->n_roles++];
  memset(b, 0, sizeof *b);
  snprintf(b->role, sizeof b->role, "%s", role);
  return b;
}

/*
 * The buckets again, from every clinician's pattern: for each role they are alerted for (their
 * preferences' roles, by default their profession), their windows by weekday and their extra days;
 * nobody who turned alerts off. Counted first (in the n_ fields, then zeroed), then filled.
 */
static int buckets_build(struct fp_alert_index *ix) {
  buckets_free(ix);
  size_t cap = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < ix->n; i++) {
      struct fp_alert_clin *k = ix->v[i];
      if (!k->prefs.enabled) continue;
      for (size_t r = 0; r < k->prefs.n_roles; r++) {
        struct role_bucket *b = bucket_of(ix, k->prefs.roles[r], pass == 0, &cap);
        if (!b) return FP_ENOMEM;
        for (size_t j = 0; j < k->avail.n_windows; j++) {
          const struct fp_avail_window *w = &k->windows[j];
          if (w->weekday < 0 || w->weekday > 6) continue;
          if (pass == 1) b->week[w->weekday][b->n_week[w->weekday]] =
                (struct slot){w->start_min, w->end_min, k->prefs.min_hourly_pence, k};
          b->n_week[w->weekday]++;
        }
        for (size_t j = 0; j < k->avail.n_exceptions; j++) {
          const struct fp_avail_exception *e = &k->exceptions[j];
          if (e->kind != FP_AVAIL_EXTRA) continue;
          if (pass == 1) b->extras[b->n_extras] = (struct extra){e->from, e->start_min, e->end_min, k->prefs.min_hourly_pence, k};
          b->n_extras++;
        }
      }
    }
    for (size_t r = 0; pass == 0 && r < ix->n_roles; r++) {
      struct role_bucket *b = &ix->roles[r];
      for (int d = 0; d < 7; d++) {
        if (b->n_week[d] && !(b->week[d] = malloc(b->n_week[d] * sizeof *b->week[d]))) return FP_ENOMEM;
        b->n_week[d] = 0;
      }
      if (b->n_extras && !(b->extras = malloc(b->n_extras * sizeof *b->extras))) return FP_ENOMEM;
      b->n_extras = 0;
    }
  }
  for (size_t r = 0; r < ix->n_roles; r++) {
    for (int d = 0; d < 7; d++)
      if (ix->roles[r].n_week[d]) qsort(ix->roles[r].week[d], ix->roles[r].n_week[d], sizeof(struct slot), cmp_slot);
    if (ix->roles[r].n_extras) qsort(ix->roles[r].extras, ix->roles[r].n_extras, sizeof(struct extra), cmp_extra);
  }
  return 0;
}

/* ---- loading ---- */

/* The clinicians' own facts, their preferences and their home's location; WHO says which. */
#define FACTS_SQL(WHO)                                                                                      \
  "SELECT cl.id, cl.user_id, u.active, u.name, cl.profession, COALESCE(cl.travel_radius_km, 0), p.lat, p.lon," \
  " ap.clinician_id, ap.enabled, ap.max_distance_miles, ap.min_hourly_pence, ap.mode, ap.quiet_start_min,"      \
  " ap.quiet_end_min FROM clinicians cl JOIN users u ON u.id = cl.user_id"                                     \
  " LEFT JOIN alert_prefs ap ON ap.clinician_id = cl.id LEFT JOIN postcodes p ON p.postcode = cl.home_postcode" \
  " WHERE " WHO " ORDER BY cl.id"
#define IN_IDS(col) col " IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))"

/* The loaded clinicians (ids ascending) of one load. */
struct batch {
  struct fp_alert_clin **k;
  int64_t *ids;
  size_t n, cap;
};

static int batch_add(struct batch *b, struct fp_alert_clin *k) {
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    struct fp_alert_clin **nk = realloc(b->k, cap * sizeof *nk);
    if (!nk) return FP_ENOMEM;
    b->k = nk;
    int64_t *ni = realloc(b->ids, cap * sizeof *ni);
    if (!ni) return FP_ENOMEM;
    b->ids = ni;
    b->cap = cap;
  }
  b->ids[b->n] = k->id;
  b->k[b->n++] = k;
  return 0;
}

static int facts_read(fp_stmt *st, struct batch *b) {
  int rc, err = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    struct fp_alert_clin *k = calloc(1, sizeof *k);
    if (!k) {
      err = FP_ENOMEM;
      break;
    }
    k->id = fp_col_int64(st, 0);
    k->user_id = fp_col_int64(st, 1);
    k->active = fp_col_int64(st, 2) != 0;
    /* A value too long for its buffer is said on stderr by fp_db_col_copy; it cannot decide a match
       (the name is for messages; a profession that long matches no role). */
    if (fp_db_col_copy(st, 3, k->name, sizeof k->name)) k->name[0] = 0;
    if (fp_db_col_copy(st, 4, k->profession, sizeof k->profession)) k->profession[0] = 0;
    k->radius_km = fp_col_int64(st, 5);
    fp_col_location(st, 6, &k->has_home, &k->lat, &k->lon);
    k->has_home = k->has_home && !fp_col_null(st, 7);
    k->has_prefs = !fp_col_null(st, 8);
    if (k->has_prefs) fp_alert_prefs_read_cols(st, 9, &k->prefs);
    if ((err = batch_add(b, k)) != 0) clin_free(k);
  }
  fp_reset(st);
  return err ? err : rc == FP_DONE ? 0 : FP_EIO;
}

/* b->k[j] for id, moving *j forward (rows come in id order): NULL when id is not in the batch. */
static struct fp_alert_clin *batch_at(const struct batch *b, size_t *j, int64_t id) {
  while (*j < b->n && b->ids[*j] < id) ++*j;
  return *j < b->n && b->ids[*j] == id ? b->k[*j] : NULL;
}

static int roles_read(struct fp_conn *c, const char *json, struct batch *b) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT clinician_id, role FROM alert_roles WHERE " IN_IDS("clinician_id") " ORDER BY clinician_id, role",
      fp_txt(json));
  if (!st) return FP_EIO;
  int rc, err = 0;
  size_t j = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    struct fp_alert_clin *k = batch_at(b, &j, fp_col_int64(st, 0));
    if (!k || !k->has_prefs) continue;
    if (k->prefs.n_roles == FP_ALERT_MAX_ROLES) {
      fprintf(stderr, "alerts: clinician %lld has more than %d alert roles stored\n", (long long)k->id, FP_ALERT_MAX_ROLES);
      err = FP_ETOOBIG;
    } else {
      err = fp_db_col_copy(st, 1, k->prefs.roles[k->prefs.n_roles], sizeof k->prefs.roles[0]);
      if (!err) k->prefs.n_roles++;
    }
  }
  fp_reset(st);
  return err ? err : rc == FP_DONE ? 0 : FP_EIO;
}

static int pools_read(struct fp_conn *c, const char *json, struct batch *b) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT clinician_id, pool_id FROM pool_members WHERE " IN_IDS("clinician_id") " ORDER BY clinician_id, pool_id",
      fp_txt(json));
  if (!st) return FP_EIO;
  int rc, err = 0;
  size_t j = 0, cap = 0;
  struct fp_alert_clin *last = NULL;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    struct fp_alert_clin *k = batch_at(b, &j, fp_col_int64(st, 0));
    if (!k) continue;
    if (k != last) cap = 0, last = k;
    int64_t pool = fp_col_int64(st, 1);
    if (k->n_pools && k->pools[k->n_pools - 1] == pool) continue;
    if (k->n_pools == cap) {
      int64_t *np = realloc(k->pools, (cap = cap ? cap * 2 : 2) * sizeof *np);
      if (!np) {
        err = FP_ENOMEM;
        break;
      }
      k->pools = np;
    }
    k->pools[k->n_pools++] = pool;
  }
  fp_reset(st);
  return err ? err : rc == FP_DONE ? 0 : FP_EIO;
}

/* Their patterns, each copied into its own arrays. */
static int avail_read(struct fp_conn *c, struct batch *b) {
  struct fp_availability *a = calloc(b->n, sizeof *a);
  struct fp_availability_rows rows = {0};
  int rc = a ? fp_store_availability_many(c, b->ids, b->n, a, &rows) : FP_ENOMEM;
  for (size_t i = 0; !rc && i < b->n; i++) {
    struct fp_alert_clin *k = b->k[i];
    if (a[i].n_windows && !(k->windows = malloc(a[i].n_windows * sizeof *k->windows))) rc = FP_ENOMEM;
    if (!rc && a[i].n_exceptions && !(k->exceptions = malloc(a[i].n_exceptions * sizeof *k->exceptions))) rc = FP_ENOMEM;
    if (rc) break;
    if (a[i].n_windows) memcpy(k->windows, a[i].windows, a[i].n_windows * sizeof *k->windows);
    if (a[i].n_exceptions) memcpy(k->exceptions, a[i].exceptions, a[i].n_exceptions * sizeof *k->exceptions);
    k->avail = (struct fp_availability){k->windows, a[i].n_windows, k->exceptions, a[i].n_exceptions};
  }
  fp_availability_rows_free(&rows);
  free(a);
  return rc;
}

/* The index's copy of code (taking over code's allocation, or freeing it when the index has one). */
static const char *intern(struct fp_alert_index *ix, char *code) {
  for (size_t i = 0; i < ix->n_codes; i++)
    if (strcmp(ix->codes[i], code) == 0) {
      free(code);
      return ix->codes[i];
    }
  if (ix->n_codes == ix->cap_codes) {
    char **grown = realloc(ix->codes, (ix->cap_codes = ix->cap_codes ? ix->cap_codes * 2 : 32) * sizeof *grown);
    if (!grown) return NULL;
    ix->codes = grown;
  }
  return ix->codes[ix->n_codes++] = code;
}

/*
 * Their passport records, moved into each, with every code one of the index's: a few dozen strings
 * for all of them, which stay in the processor's cache when the eligibility compares the codes of
 * a thousand clinicians' records (each its own string, they did not). The records are then marked
 * borrowed (fp_checks_release leaves them be: clin_free frees the arrays).
 */
static int records_read(struct fp_conn *c, struct fp_alert_index *ix, struct batch *b) {
  struct fp_checks *r = calloc(b->n, sizeof *r);
  int rc = r ? fp_store_checks_records_many(c, b->ids, b->n, r) : FP_ENOMEM;
  for (size_t i = 0; r && i < b->n; i++) {
    if (rc) { /* none of theirs is the index's */
      fp_checks_release(&r[i]);
      continue;
    }
    size_t j = 0;
    for (const char *code; j < r[i].n_records && (code = intern(ix, (char *)r[i].records[j].code)) != NULL; j++)
      r[i].records[j].code = code;
    if (j < r[i].n_records) { /* out of memory: the codes from j on are still their own */
      rc = FP_ENOMEM;
      for (; j < r[i].n_records; j++) free((char *)r[i].records[j].code);
      free(r[i].records);
      free(r[i].record_ids);
      continue;
    }
    r[i].borrowed = true;
    b->k[i]->records = r[i];
  }
  free(r);
  return rc;
}

/* Reads the clinicians ids names (NULL: all) into b, with everything the index keeps of them. */
static int load(struct fp_conn *c, struct fp_alert_index *ix, const int64_t *ids, size_t n, struct batch *b) {
  char *json = ids ? fp_ids_json(ids, n) : NULL;
  if (ids && !json) return FP_ENOMEM;
  fp_stmt *st = fp_db_stmt(c, ids ? FACTS_SQL(IN_IDS("cl.id")) : FACTS_SQL("1 = 1"));
  int rc = st ? 0 : FP_EIO;
  if (!rc) {
    if (ids) fp_bind_text(st, 1, json);
    rc = facts_read(st, b);
  }
  if (!ids && !rc && b->n) json = fp_ids_json(b->ids, b->n), rc = json ? 0 : FP_ENOMEM;
  if (!rc && b->n) rc = roles_read(c, json, b);
  for (size_t i = 0; !rc && i < b->n; i++) /* no preferences of their own: the defaults */
    if (!b->k[i]->has_prefs) fp_alert_prefs_default(&b->k[i]->prefs, b->k[i]->profession, b->k[i]->radius_km);
  if (!rc && b->n) rc = pools_read(c, json, b);
  if (!rc && b->n) rc = avail_read(c, b);
  if (!rc && b->n) rc = records_read(c, ix, b);
  free(json);
  return rc;
}

/* The changed clinicians since ix->last_seq, distinct and ascending, and the last change's number. */
static int changes_read(struct fp_conn *c, struct fp_alert_index *ix, int64_t **ids, size_t *n, int64_t *last) {
  *ids = NULL;
  *n = 0;
  *last = ix->last_seq;
  fp_stmt *st = FP_DB_STMT(
      c, "SELECT clinician_id, seq FROM alert_changes WHERE seq > ? ORDER BY clinician_id", fp_int(ix->last_seq));
  if (!st) return FP_EIO;
  int rc, err = 0;
  size_t cap = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    int64_t id = fp_col_int64(st, 0), seq = fp_col_int64(st, 1);
    if (seq > *last) *last = seq;
    if (*n && (*ids)[*n - 1] == id) continue;
    if (*n == cap) {
      int64_t *grown = realloc(*ids, (cap = cap ? cap * 2 : 64) * sizeof *grown);
      if (!grown) {
        err = FP_ENOMEM;
        break;
      }
      *ids = grown;
    }
    (*ids)[(*n)++] = id;
  }
  fp_reset(st);
  if (!err && rc != FP_DONE) err = FP_EIO;
  if (err) {
    free(*ids);
    *ids = NULL;
    *n = 0;
  }
  return err;
}

/* Puts the batch into ix in place of the clinicians ids names (NULL: all of them). */
static int adopt(struct fp_alert_index *ix, const int64_t *ids, size_t n_ids, struct batch *b) {
  size_t keep = 0;
  for (size_t i = 0; i < ix->n; i++) {
    struct fp_alert_clin *k = ix->v[i];
    if (!ids || fp_ids_find(ids, n_ids, k->id) >= 0) clin_free(k);
    else ix->v[keep++] = k;
  }
  ix->n = keep;
  if (ix->n + b->n > ix->cap) {
    size_t cap = ix->n + b->n + 64;
    struct fp_alert_clin **grown = realloc(ix->v, cap * sizeof *grown);
    if (!grown) return FP_ENOMEM;
    ix->v = grown;
    ix->cap = cap;
  }
  if (b->n) memcpy(ix->v + ix->n, b->k, b->n * sizeof *b->k);
  ix->n += b->n;
  b->n = 0; /* the index owns them now */
  if (ix->n) qsort(ix->v, ix->n, sizeof *ix->v, cmp_clin);
  return buckets_build(ix);
}

int fp_alert_index_refresh(struct fp_conn *c, struct fp_alert_index *ix, struct fp_alert_index_stats *stats) {
  memset(stats, 0, sizeof *stats);
  /* PostgreSQL: the changes committed so far are all there is until this transaction ends (see
     alert_index.h). Before anything else the transaction reads, so that its snapshot comes after them. */
  if (!fp_db_serial_writes(c) && fp_db_exec(c, "LOCK TABLE alert_changes IN SHARE MODE") != 0) return FP_EIO;
  const double t = mono_s();
  bool full = !ix->loaded || t - ix->refreshed_at > REFRESH_FULL_AFTER_S;
  int64_t *ids = NULL, last = ix->last_seq;
  size_t n = 0;
  int rc = 0;
  if (full) {
    fp_stmt *st = fp_db_stmt(c, "SELECT COALESCE(MAX(seq), 0) FROM alert_changes");
    rc = st ? fp_step_int(st, &last) : FP_EIO;
  } else {
    rc = changes_read(c, ix, &ids, &n, &last);
    if (!rc && n > ix->n / 2) full = true; /* most of them: all at once is cheaper */
  }
  struct batch b = {0};
  if (!rc && (full || n)) rc = load(c, ix, full ? NULL : ids, n, &b);
  if (!rc && (full || n)) rc = adopt(ix, full ? NULL : ids, n, &b);
  for (size_t i = 0; i < b.n; i++) clin_free(b.k[i]);
  free(b.k);
  free(b.ids);
  free(ids);
  if (rc) {
    ix->loaded = false; /* whatever it holds now: everything again next time */
    return rc;
  }
  stats->full = full;
  stats->reloaded = full ? ix->n : n;
  stats->clinicians = ix->n;
  ix->loaded = true;
  ix->last_seq = last;
  ix->refreshed_at = t;
  /* The changes read an hour ago: every index has read them since (each refreshes at least every
     half hour or loads everything again). */
  if (ix->noted && t - ix->note_at > PRUNE_AFTER_S) {
    fp_stmt *st = FP_DB_STMT(c, "DELETE FROM alert_changes WHERE seq <= ?", fp_int(ix->note_seq));
    if (!st) return FP_EIO;
    if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
    ix->noted = false;
  }
  if (!ix->noted) {
    ix->noted = true;
    ix->note_at = t;
    ix->note_seq = last;
  }
  return 0;
}

/* ---- candidates ---- */

static int out_add(struct fp_alert_index *ix, size_t *n, struct fp_alert_clin *k) {
  if (k->mark == ix->mark) return 0;
  k->mark = ix->mark;
  if (*n == ix->cap_out) {
    size_t cap = ix->cap_out ? ix->cap_out * 2 : 256;
    struct fp_alert_clin **grown = realloc(ix->out, cap * sizeof *grown);
    if (!grown) return FP_ENOMEM;
    ix->out = grown;
    ix->cap_out = cap;
  }
  ix->out[(*n)++] = k;
  return 0;
}

int fp_alert_index_candidates(struct fp_alert_index *ix, const char *role, int64_t hourly_pence, fp_day day,
                              int start_min, struct fp_alert_clin ***out, size_t *n) {
  *out = ix->out;
  *n = 0;
  size_t unused = 0;
  const struct role_bucket *b = bucket_of(ix, role, false, &unused);
  if (!b) return 0;
  if (++ix->mark == 0) { /* wrapped: no clinician may hold the new mark */
    for (size_t i = 0; i < ix->n; i++) ix->v[i]->mark = 0;
    ix->mark = 1;
  }
  const int wd = fp_weekday(day);
  const struct slot *w = b->week[wd];
  /* The windows starting by start_min (sorted by their start), those still open at it. */
  size_t lo = 0, hi = b->n_week[wd];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w[mid].start_min <= start_min) lo = mid + 1;
    else hi = mid;
  }
  int rc = 0;
  for (size_t i = 0; !rc && i < lo; i++)
    if (w[i].end_min > start_min && w[i].min_pence <= hourly_pence) rc = out_add(ix, n, w[i].k);
  lo = 0, hi = b->n_extras;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (b->extras[mid].day < day) lo = mid + 1;
    else hi = mid;
  }
  for (size_t i = lo; !rc && i < b->n_extras && b->extras[i].day == day; i++)
    if (b->extras[i].start_min <= start_min && b->extras[i].end_min > start_min && b->extras[i].min_pence <= hourly_pence)
      rc = out_add(ix, n, b->extras[i].k);
  *out = ix->out;
  return rc;
}

bool fp_alert_index_ready(const struct fp_alert_index *ix) { return ix && ix->loaded; }
