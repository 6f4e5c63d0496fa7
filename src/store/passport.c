/*
 * passport.c - the clinician passport in the store. See passport.h.
 */
#include "store/passport.h"
#include "store/rows.h"
#include "store/sql.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "store/access.h"
#include "store/accounts.h"
#include "store/members.h"

/* Day columns: SQL NULL is FP_DAY_NONE. */

/* An array of n elements of size sz with room for *cap, with room for one more: the same array, a
   larger one (*cap updated), or NULL when out of memory (the array is then unchanged). */
static void *grow(void *arr, size_t n, size_t *cap, size_t sz) {
  if (n < *cap) return arr;
  size_t c = *cap ? *cap * 2 : 16;
  void *p = realloc(arr, c * sz);
  if (p) *cap = c;
  return p;
}

static int step_done(fp_stmt *st, int rc) {
  fp_reset(st);
  return rc == FP_DONE || rc == FP_ROW ? 0 : FP_EIO;
}

/* The booking decision's view ------------------------------------------------------------------ */

static enum fp_check_status status_of(const char *s) {
  if (s && strcmp(s, "verified") == 0) return FP_CHECK_VERIFIED;
  if (s && strcmp(s, "rejected") == 0) return FP_CHECK_REJECTED;
  return FP_CHECK_SUBMITTED;
}

void fp_checks_init(struct fp_checks *k) { memset(k, 0, sizeof *k); }

static void clear_required(struct fp_checks *k) {
  for (size_t i = 0; i < k->n_required; i++) free(k->required[i]);
  k->n_required = 0;
}

static void clear_records(struct fp_checks *k) {
  for (size_t i = 0; i < k->n_records; i++) free((char *)k->records[i].code);
  k->n_records = 0;
}

/* Room for one more record (records and record_ids grow together). */
static int records_room(struct fp_checks *k) {
  if (k->n_records < k->cap_records) return 0;
  size_t cap = k->cap_records ? k->cap_records * 2 : 32;
  struct fp_check_record *r = realloc(k->records, cap * sizeof *r);
  if (!r) return FP_ENOMEM;
  k->records = r;
  int64_t *ids = realloc(k->record_ids, cap * sizeof *ids);
  if (!ids) return FP_ENOMEM;
  k->record_ids = ids;
  k->cap_records = cap;
  return 0;
}

void fp_checks_release(struct fp_checks *k) {
  if (!k) return;
  if (k->borrowed) {
    memset(k, 0, sizeof *k);
    return;
  }
  clear_required(k);
  clear_records(k);
  free(k->required);
  free(k->from_baseline);
  free(k->missing_buf);
  free(k->records);
  free(k->record_ids);
  memset(k, 0, sizeof *k);
}

void fp_checks_input(const struct fp_checks *k, struct fp_elig_input *in) {
  in->required = (const char *const *)k->required;
  in->n_required = k->n_required;
  in->records = k->records;
  in->n_records = k->n_records;
  in->missing_buf = k->missing_buf;
}

/* Room for one more required code (the three arrays grow together). */
static int required_room(struct fp_checks *k) {
  if (k->n_required < k->cap_required) return 0;
  size_t cap = k->cap_required ? k->cap_required * 2 : 32;
  char **r = realloc(k->required, cap * sizeof *r);
  if (!r) return FP_ENOMEM;
  k->required = r;
  bool *b = realloc(k->from_baseline, cap * sizeof *b);
  if (!b) return FP_ENOMEM;
  k->from_baseline = b;
  const char **m = realloc(k->missing_buf, cap * sizeof *m);
  if (!m) return FP_ENOMEM;
  k->missing_buf = m;
  k->cap_required = cap;
  return 0;
}

/*
 * What each profession requires in pool ?2 (0: the baseline alone): its national baseline (or, when
 * it has none, the baseline for unregistered roles) and the pool's additions, in catalogue order.
 * ?1 one profession (always answered, even with no row of its own), or NULL for every profession
 * with a baseline or an addition in the pool. Columns: profession, code, from the baseline,
 * the baseline is the unregistered roles' default. The booking and the API read this one query.
 */
#define REQUIREMENTS_SQL                                                                                       \
  "WITH profs AS (SELECT profession FROM passport_requirements WHERE CAST(?1 AS TEXT) IS NULL"                              \
  "  UNION SELECT profession FROM passport_pool_requirements WHERE CAST(?1 AS TEXT) IS NULL AND pool_id = ?2"               \
  "  UNION SELECT CAST(?1 AS TEXT) WHERE CAST(?1 AS TEXT) IS NOT NULL),"                                                                 \
  " dflt AS (SELECT p.profession, NOT EXISTS (SELECT 1 FROM passport_requirements r"                          \
  "  WHERE r.profession = p.profession) AS d FROM profs p),"                                                 \
  " codes AS (SELECT r.profession, r.check_code AS code, 1 AS base FROM dflt p"                              \
  "  JOIN passport_requirements r ON r.profession = p.profession"                                            \
  "  UNION ALL SELECT p.profession, t.code, 1 FROM dflt p JOIN passport_check_types t"                        \
  "  ON t.unregistered_baseline = 1 WHERE p.d"                                                               \
  "  UNION ALL SELECT a.profession, a.check_code, 0 FROM dflt p JOIN passport_pool_requirements a"            \
  "  ON a.profession = p.profession AND a.pool_id = ?2)"                                                     \
  " SELECT c.profession, c.code, MAX(c.base), (SELECT d FROM dflt WHERE dflt.profession = c.profession)"     \
  " FROM codes c LEFT JOIN passport_check_types t ON t.code = c.code"                                        \
  " GROUP BY c.profession, c.code ORDER BY c.profession, MIN(COALESCE(t.position, 1000000)), c.code"

/*
 * What load_required read lately, kept for connections that may keep the catalogue between
 * transactions (fp_db_catalogue_generation: SQLite's writer, PostgreSQL's bookings), shared by
 * every thread (a server runs a thread per connection: one cache each would rarely be asked twice)
 * under a lock held only to copy an entry in or out. A few entries of fixed size; a set that does
 * not fit is simply not kept (read again each time), and a full cache replaces its oldest entry.
 */
static int load_required_sql(struct fp_conn *c, const char *profession, int64_t pool_id, struct fp_checks *k);

enum { REQ_CACHE = 16, REQ_CODES = 64, REQ_CODE_LEN = 48 };
struct req_cached {
  bool used;
  const void *store;
  uint64_t gen;
  int64_t pool_id;
  char profession[REQ_CODE_LEN];
  size_t n;
  char codes[REQ_CODES][REQ_CODE_LEN];
  bool from_baseline[REQ_CODES];
};
static struct req_cached req_cache[REQ_CACHE];
static unsigned req_cache_next;
static pthread_mutex_t req_cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* Copies the entry for (store, gen, profession, pool_id) into k: false when there is none. */
static bool req_cache_get(const void *store, uint64_t gen, const char *profession, int64_t pool_id,
                          struct fp_checks *k, int *rc) {
  *rc = 0;
  bool hit = false;
  pthread_mutex_lock(&req_cache_lock);
  for (int i = 0; i < REQ_CACHE && !hit; i++) {
    const struct req_cached *e = &req_cache[i];
    if (!e->used || e->store != store || e->gen != gen || e->pool_id != pool_id || strcmp(e->profession, profession) != 0)
      continue;
    hit = true;
    for (size_t j = 0; j < e->n && !*rc; j++) {
      char *code = NULL;
      if ((*rc = required_room(k)) != 0 || !(code = strdup(e->codes[j]))) {
        *rc = *rc ? *rc : FP_ENOMEM;
        break;
      }
      k->from_baseline[k->n_required] = e->from_baseline[j];
      k->required[k->n_required++] = code;
    }
  }
  pthread_mutex_unlock(&req_cache_lock);
  return hit;
}

static void req_cache_put(const void *store, uint64_t gen, const char *profession, int64_t pool_id,
                          const struct fp_checks *k) {
  if (strlen(profession) >= REQ_CODE_LEN || k->n_required > REQ_CODES) return;
  for (size_t i = 0; i < k->n_required; i++)
    if (strlen(k->required[i]) >= REQ_CODE_LEN) return;
  pthread_mutex_lock(&req_cache_lock);
  struct req_cached *e = &req_cache[req_cache_next++ % REQ_CACHE];
  e->used = true;
  e->store = store;
  e->gen = gen;
  e->pool_id = pool_id;
  snprintf(e->profession, sizeof e->profession, "%s", profession);
  e->n = k->n_required;
  for (size_t i = 0; i < k->n_required; i++) {
    snprintf(e->codes[i], sizeof e->codes[i], "%s", k->required[i]);
    e->from_baseline[i] = k->from_baseline[i];
  }
  pthread_mutex_unlock(&req_cache_lock);
}

/* What profession requires in pool_id (0: the national baseline alone), in catalogue order. */
static int load_required(struct fp_conn *c, const char *profession, int64_t pool_id, struct fp_checks *k) {
  clear_required(k);
  k->pool_id = pool_id;
  uint64_t gen = 0;
  const void *store = NULL;
  bool keep = profession && fp_db_catalogue_generation(c, &gen, &store);
  int rc = 0;
  if (keep && req_cache_get(store, gen, profession, pool_id, k, &rc)) return rc;
  rc = load_required_sql(c, profession, pool_id, k);
  if (rc == 0 && keep) req_cache_put(store, gen, profession, pool_id, k);
  return rc;
}

/* load_required from the database. */
static int load_required_sql(struct fp_conn *c, const char *profession, int64_t pool_id, struct fp_checks *k) {
  fp_stmt *st = FP_DB_STMT(c, REQUIREMENTS_SQL, fp_txt(profession), fp_int(pool_id));
  if (!st) return FP_EIO;
  int rc, err = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    char *code = NULL;
    if ((err = required_room(k)) != 0 || !(code = fp_db_col_strdup(st, 1))) {
      err = err ? err : FP_ENOMEM;
      break;
    }
    k->from_baseline[k->n_required] = fp_col_int64(st, 2) != 0;
    k->required[k->n_required++] = code;
  }
  fp_reset(st);
  if (err) return err;
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* Appends the record in the row's columns from i (code, status, expiry or the least day, id) to k. */
static int record_append(fp_stmt *st, int i, struct fp_checks *k) {
  char *code = NULL;
  int err = records_room(k);
  if (!err && !(code = fp_db_col_strdup(st, i))) err = FP_ENOMEM;
  if (err) return err;
  struct fp_check_record *r = &k->records[k->n_records];
  r->code = code;
  r->status = status_of(fp_col_text(st, i + 1));
  r->expires_on = (fp_day)fp_col_int64(st, i + 2);
  k->record_ids[k->n_records++] = fp_col_int64(st, i + 3);
  return 0;
}

/* The records' columns, newest first, of the clinicians WHO names. */
#define RECORDS_SQL(WHO)                                                                                       \
  "SELECT clinician_id, check_code, status, COALESCE(expires_on, -2147483648), id FROM passport_checks WHERE " WHO \
  " ORDER BY clinician_id, id DESC"

static fp_stmt *records_stmt(struct fp_conn *c, int64_t clinician_id) {
  return FP_DB_STMT(c, RECORDS_SQL("clinician_id = ?"), fp_int(clinician_id));
}

void fp_store_checks_prefetch(struct fp_conn *c, int64_t clinician_id) {
  fp_db_prefetch(records_stmt(c, clinician_id));
}

static int load_records(struct fp_conn *c, int64_t clinician_id, struct fp_checks *k) {
  clear_records(k);
  fp_stmt *st = records_stmt(c, clinician_id);
  if (!st) return FP_EIO;
  int rc, err = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) err = record_append(st, 1, k);
  fp_reset(st);
  if (err) return err;
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* The records of st (RECORDS_SQL's columns, clinicians in ids' order) into out[i] for ids[i]. */
static int records_into(fp_stmt *st, const int64_t *ids, size_t n, struct fp_checks *out) {
  int rc = FP_DONE, err = 0;
  size_t j = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    int64_t id = fp_col_int64(st, 0);
    while (j < n && ids[j] < id) j++;
    if (j < n && ids[j] == id) err = record_append(st, 1, &out[j]);
  }
  fp_reset(st);
  if (err) return err;
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_checks_records_many(struct fp_conn *c, const int64_t *ids, size_t n, struct fp_checks *out) {
  if (n == 0) return 0;
  char *json = fp_ids_json(ids, n);
  if (!json) return FP_ENOMEM;
  fp_stmt *st = fp_db_stmt(c, RECORDS_SQL("clinician_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))"));
  if (st) fp_bind_text(st, 1, json);
  int rc = st ? records_into(st, ids, n, out) : FP_EIO;
  free(json);
  return rc;
}

int fp_store_checks_records_many_before(struct fp_conn *c, const int64_t *ids, size_t n, int64_t before,
                                        struct fp_checks *out) {
  if (n == 0) return 0;
  char *json = fp_ids_json(ids, n);
  if (!json) return FP_ENOMEM;
  /* A decision made at or after `before` had not been made: the record was still submitted. */
  fp_stmt *st = FP_DB_STMT(
      c,
      "SELECT clinician_id, check_code, CASE WHEN verified_at >= ?2 THEN ?3 ELSE status END,"
      " COALESCE(expires_on, -2147483648), id FROM passport_checks"
      " WHERE clinician_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND created_at < ?2"
      " ORDER BY clinician_id, id DESC",
      fp_txt(json), fp_int(before), fp_txt("submitted"));
  int rc = st ? records_into(st, ids, n, out) : FP_EIO;
  free(json);
  return rc;
}

int fp_store_checks_require(struct fp_conn *c, const char *profession, int64_t pool_id, struct fp_checks *k) {
  return load_required(c, profession, pool_id, k);
}

void fp_checks_borrow(struct fp_checks *k, const struct fp_checks *records, const struct fp_checks *required) {
  memset(k, 0, sizeof *k);
  k->borrowed = true;
  k->pool_id = required->pool_id;
  k->n_required = required->n_required;
  k->required = required->required;
  k->from_baseline = required->from_baseline;
  k->n_records = records->n_records;
  k->records = records->records;
  k->record_ids = records->record_ids;
}

int fp_store_checks_load(struct fp_conn *c, int64_t clinician_id, const char *profession, int64_t pool_id,
                         struct fp_checks *k) {
  int rc = load_records(c, clinician_id, k);
  return rc ? rc : load_required(c, profession, pool_id, k);
}

/* The core's decision on the passport alone: pool, role and account are the booking's business. */
static void decide_passport(const struct fp_checks *k, const char *profession, fp_day on, struct fp_elig_result *res) {
  struct fp_elig_input in = {.profession = profession, .clinician_active = true, .shares_pool = true,
                             .role = profession, .shift_day = on};
  fp_checks_input(k, &in);
  fp_eligibility(&in, res);
}

int fp_passport_choose(size_t n, int (*checks_of)(void *ctx, size_t i, struct fp_checks **k), void *ctx,
                       const char *profession, fp_day on, struct fp_elig_result *res, size_t *chosen) {
  /* The first pool it meets, else the one it misses least of; then that one's again (res, and the
     missing codes it points at, are of the pool chosen). */
  size_t best = 0, best_missing = SIZE_MAX;
  struct fp_checks *k = NULL;
  int rc;
  for (size_t i = 0; i < n; i++) {
    if ((rc = checks_of(ctx, i, &k)) != 0) return rc;
    decide_passport(k, profession, on, res);
    if (res->n_missing < best_missing) best = i, best_missing = res->n_missing;
    if (res->bookable) {
      *chosen = i;
      return 0;
    }
  }
  *chosen = best;
  if (best == n - 1) return 0; /* res is already its decision */
  if ((rc = checks_of(ctx, best, &k)) != 0) return rc;
  decide_passport(k, profession, on, res);
  return 0;
}

/* fp_store_passport_decide's checks_of: pool i's requirements loaded into the one k, over the records. */
struct decide_ctx {
  struct fp_conn *c;
  const char *profession;
  const int64_t *pools;
  struct fp_checks *k;
};

static int load_pool(void *vctx, size_t i, struct fp_checks **k) {
  struct decide_ctx *x = vctx;
  *k = x->k;
  return load_required(x->c, x->profession, x->pools[i], x->k);
}

int fp_store_passport_decide(struct fp_conn *c, int64_t clinician_id, const char *profession, const int64_t *pools,
                             size_t n_pools, fp_day on, struct fp_checks *k, struct fp_elig_result *res) {
  int rc = load_records(c, clinician_id, k);
  if (rc) return rc;
  static const int64_t baseline = 0; /* with no pools, the national baseline alone */
  struct decide_ctx x = {c, profession, n_pools ? pools : &baseline, k};
  size_t chosen = 0;
  return fp_passport_choose(n_pools ? n_pools : 1, load_pool, &x, profession, on, res, &chosen);
}

/* The catalogue and the requirements ---------------------------------------------------------- */

#define TYPE_COLS "code, name, description, validity, COALESCE(renewal_months, 0), limited_retention, position"

static const struct fp_colspec TYPE_READ[] = {
    FP_C(TEXT, struct fp_check_type, code),
    FP_C(TEXT, struct fp_check_type, name),
    FP_C(TEXT, struct fp_check_type, description),
    FP_C_SKIPPED,
    FP_C(INT, struct fp_check_type, renewal_months),
    FP_C(BOOL, struct fp_check_type, limited_retention),
    FP_C(INT, struct fp_check_type, position),
};

static void read_type(fp_stmt *st, void *out) {
  struct fp_check_type *t = out;
  memset(t, 0, sizeof *t);
  fp_read_cols(st, 0, TYPE_READ, FP_NCOLS(TYPE_READ), t);
  if (fp_validity_parse(fp_col_text(st, 3), &t->validity) != 0) t->validity = FP_VALIDITY_NONE;
}

FP_EACH_ROW(each_type, struct fp_check_type, read_type)

int fp_store_check_types(struct fp_conn *c, void (*cb)(const struct fp_check_type *t, void *ctx), void *ctx) {
  fp_stmt *st = fp_db_stmt(c, "SELECT " TYPE_COLS " FROM passport_check_types ORDER BY position, code");
  if (!st) return FP_EIO;
  return each_type(st, cb, ctx);
}

int fp_store_check_type_get(struct fp_conn *c, const char *code, struct fp_check_type *out) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT " TYPE_COLS " FROM passport_check_types WHERE code = ?", fp_txt(code));
  if (!st) return FP_EIO;
  return fp_step_one(st, read_type, out);
}

int fp_store_requirements_list(struct fp_conn *c, const char *profession, int64_t pool_id,
                               void (*cb)(const struct fp_requirement *q, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c, REQUIREMENTS_SQL, fp_txt(profession), fp_int(pool_id));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_requirement q = {fp_col_text(st, 0), fp_col_text(st, 1),
                               fp_col_int64(st, 2) != 0, fp_col_int64(st, 3) != 0};
    cb(&q, ctx);
  }
  return step_done(st, rc);
}

/* Whether code is in profession's baseline as it applies (its own, or the unregistered roles'). */
static int in_baseline(struct fp_conn *c, const char *profession, const char *code, bool *yes) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT CASE WHEN EXISTS (SELECT 1 FROM passport_requirements WHERE profession = ?1)"
      " THEN EXISTS (SELECT 1 FROM passport_requirements WHERE profession = ?1 AND check_code = ?2)"
      " ELSE EXISTS (SELECT 1 FROM passport_check_types WHERE code = ?2 AND unregistered_baseline = 1) END",
      fp_txt(profession), fp_txt(code));
  if (!st) return FP_EIO;
  return fp_step_bool(st, yes);
}

static int exec_changes(fp_stmt *st, struct fp_conn *c, int *n) {
  int rc = fp_db_exec_stmt(st);
  *n = rc ? 0 : fp_db_changes(c);
  return rc;
}

int fp_store_requirement_set(struct fp_conn *c, const char *profession, const char *code, bool required,
                             int64_t pool_id, int64_t actor, int64_t now, bool *changed) {
  *changed = false;
  bool base = false;
  int rc = in_baseline(c, profession, code, &base), n = 0;
  if (rc) return rc;
  fp_stmt *st;
  if (pool_id) {
    /* A pool adds to the baseline; it never drops from it. */
    if (base) return required ? 0 : FP_EPERM;
    st = FP_DB_STMT(c,
        required ? "INSERT INTO passport_pool_requirements (pool_id, profession, check_code,"
                   " added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"
                 : "DELETE FROM passport_pool_requirements WHERE pool_id = ?1 AND profession = ?2"
                   " AND check_code = ?3",
        fp_int(pool_id), fp_txt(profession), fp_txt(code), fp_id(actor), fp_int(now));
    if (!st) return FP_EIO;
  } else {
    if (base == required) return 0;
    /* The first change to a profession on the unregistered roles' default starts from that default. */
    st = FP_DB_STMT(c,
        "INSERT INTO passport_requirements (profession, check_code) SELECT ?1, code"
        " FROM passport_check_types WHERE unregistered_baseline = 1"
        " AND NOT EXISTS (SELECT 1 FROM passport_requirements WHERE profession = ?1) ON CONFLICT DO NOTHING",
        fp_txt(profession));
    if (!st) return FP_EIO;
    if ((rc = exec_changes(st, c, &n)) != 0) return rc;
    st = FP_DB_STMT(c,
        required ? "INSERT INTO passport_requirements (profession, check_code) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
                 : "DELETE FROM passport_requirements WHERE profession = ?1 AND check_code = ?2",
        fp_txt(profession), fp_txt(code));
    if (!st) return FP_EIO;
  }
  if ((rc = exec_changes(st, c, &n)) != 0) return rc;
  *changed = n > 0;
  if (!*changed) return 0;
  char after[240];
  snprintf(after, sizeof after, "{\"profession\":\"%s\",\"check_code\":\"%s\",\"required\":%s,\"owner\":\"%s\",\"pool_id\":%lld}",
           profession, code, required ? "true" : "false", pool_id ? "pool" : "baseline", (long long)pool_id);
  return fp_store_audit(c, now, actor, pool_id ? "passport.requirement" : "passport.baseline", "passport_requirement",
                        pool_id, NULL, after);
}

int fp_store_pool_requirements_clear(struct fp_conn *c, int64_t pool_id, const char *profession, int64_t actor,
                                     int64_t now, int *n) {
  fp_stmt *st = FP_DB_STMT(c,
      "DELETE FROM passport_pool_requirements WHERE pool_id = ?1"
      " AND (CAST(?2 AS TEXT) IS NULL OR profession = ?2)",
      fp_int(pool_id), fp_txt(profession));
  if (!st) return FP_EIO;
  int rc = exec_changes(st, c, n);
  if (rc || *n == 0) return rc;
  char after[160];
  snprintf(after, sizeof after, "{\"profession\":\"%s\",\"pool_id\":%lld,\"cleared\":%d}", profession ? profession : "*",
           (long long)pool_id, *n);
  return fp_store_audit(c, now, actor, "passport.requirements_clear", "passport_requirement", pool_id, NULL, after);
}

/* Check records -------------------------------------------------------------------------------- */

#define CHECK_COLS                                                                                          \
  "k.id, k.clinician_id, k.check_code, k.status, k.issued_on, k.expires_on, COALESCE(k.reference,''),"     \
  " COALESCE(k.note,''), COALESCE(k.update_service,''), COALESCE(k.verified_by,0), COALESCE(k.verified_at,0)," \
  " COALESCE(v.name,''), COALESCE(k.submitted_by,0), k.created_at, u.name, cl.profession"
#define CHECK_FROM                                                                                          \
  " FROM passport_checks k JOIN clinicians cl ON cl.id = k.clinician_id JOIN users u ON u.id = cl.user_id"  \
  " LEFT JOIN users v ON v.id = k.verified_by"

static const struct fp_colspec CHECK_READ[] = {
    FP_C(INT, struct fp_check_row, id),
    FP_C(INT, struct fp_check_row, clinician_id),
    FP_C(TEXT, struct fp_check_row, code),
    FP_C(TEXT, struct fp_check_row, status),
    FP_C(DAY, struct fp_check_row, issued_on),
    FP_C(DAY, struct fp_check_row, expires_on),
    FP_C(TEXT, struct fp_check_row, reference),
    FP_C(TEXT, struct fp_check_row, note),
    FP_C(TEXT, struct fp_check_row, update_service),
    FP_C(INT, struct fp_check_row, decided_by),
    FP_C(INT, struct fp_check_row, decided_at),
    FP_C(TEXT, struct fp_check_row, decided_by_name),
    FP_C(INT, struct fp_check_row, submitted_by),
    FP_C(INT, struct fp_check_row, created_at),
    FP_C(TEXT, struct fp_check_row, clinician_name),
    FP_C(TEXT, struct fp_check_row, profession),
};

FP_ROWS(read_check, each_check, struct fp_check_row, CHECK_READ)

int fp_store_check_get(struct fp_conn *c, int64_t id, struct fp_check_row *out) {
  return fp_db_one_by_id(c, "SELECT " CHECK_COLS CHECK_FROM " WHERE k.id = ?", id, read_check, out);
}

int fp_store_check_insert(struct fp_conn *c, const struct fp_check_row *r, int64_t now, int64_t *id) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO passport_checks (clinician_id, check_code, status, issued_on, expires_on, reference,"
      " update_service, submitted_by, created_at) VALUES (?, ?, 'submitted', ?, ?, ?, ?, ?, ?)",
      fp_int(r->clinician_id), fp_txt(r->code), fp_day_p(r->issued_on), fp_day_p(r->expires_on),
      fp_opt_txt(r->reference), fp_opt_txt(r->update_service), fp_id(r->submitted_by), fp_int(now));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  *id = fp_db_last_id(c);
  char after[200];
  snprintf(after, sizeof after, "{\"clinician_id\":%lld,\"check_code\":\"%s\",\"status\":\"submitted\"}",
           (long long)r->clinician_id, r->code);
  return fp_store_audit(c, now, r->submitted_by, "passport.submit", "passport_check", *id, NULL, after);
}

/* A record's decision-relevant fields as audit JSON (codes and statuses are catalogue words). */
static void check_audit_json(const struct fp_check_row *r, char *buf, size_t len) {
  char issued[FP_DATE_STRLEN] = "", expires[FP_DATE_STRLEN] = "";
  if (r->issued_on != FP_DAY_NONE) fp_date_format(r->issued_on, issued);
  if (r->expires_on != FP_DAY_NONE) fp_date_format(r->expires_on, expires);
  snprintf(buf, len, "{\"status\":\"%s\",\"issued_on\":\"%s\",\"expires_on\":\"%s\",\"update_service\":\"%s\"}",
           r->status, issued, expires, r->update_service);
}

int fp_store_check_decide(struct fp_conn *c, const struct fp_check_row *before, const struct fp_check_row *after,
                          int64_t actor, int64_t now) {
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE passport_checks SET status = ?, issued_on = ?, expires_on = ?, reference = ?, update_service = ?,"
      " note = ?, verified_by = ?, verified_at = ? WHERE id = ?",
      fp_txt(after->status), fp_day_p(after->issued_on), fp_day_p(after->expires_on), fp_opt_txt(after->reference),
      fp_opt_txt(after->update_service), fp_opt_txt(after->note), fp_id(actor), fp_int(now), fp_int(before->id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  char b[256], a[256];
  check_audit_json(before, b, sizeof b);
  check_audit_json(after, a, sizeof a);
  return fp_store_audit(c, now, actor, strcmp(after->status, "verified") == 0 ? "passport.verify" : "passport.reject",
                        "passport_check", before->id, b, a);
}

int fp_store_checks_of(struct fp_conn *c, int64_t clinician_id, void (*cb)(const struct fp_check_row *r, void *ctx),
                       void *ctx) {
  fp_stmt *st = FP_DB_STMT(
      c, "SELECT " CHECK_COLS CHECK_FROM " WHERE k.clinician_id = ? ORDER BY k.id DESC", fp_int(clinician_id));
  if (!st) return FP_EIO;
  return each_check(st, cb, ctx);
}

/* Evidence rows -------------------------------------------------------------------------------- */

#define EVIDENCE_COLS                                                                                       \
  "e.id, e.check_id, k.clinician_id, e.sha256, e.content_type, e.size, COALESCE(e.filename,''),"           \
  " COALESCE(e.uploaded_by,0), e.uploaded_at, COALESCE(e.deleted_at,0), COALESCE(e.deleted_reason,''), k.check_code"
#define EVIDENCE_FROM " FROM passport_evidence e JOIN passport_checks k ON k.id = e.check_id"

static const struct fp_colspec EVIDENCE_READ[] = {
    FP_C(INT, struct fp_evidence, id),
    FP_C(INT, struct fp_evidence, check_id),
    FP_C(INT, struct fp_evidence, clinician_id),
    FP_C(TEXT, struct fp_evidence, sha256),
    FP_C(TEXT, struct fp_evidence, content_type),
    FP_C(INT, struct fp_evidence, size),
    FP_C(TEXT, struct fp_evidence, filename),
    FP_C(INT, struct fp_evidence, uploaded_by),
    FP_C(INT, struct fp_evidence, uploaded_at),
    FP_C(INT, struct fp_evidence, deleted_at),
    FP_C(TEXT, struct fp_evidence, deleted_reason),
    FP_C(TEXT, struct fp_evidence, check_code),
};

FP_ROWS(read_evidence, each_evidence, struct fp_evidence, EVIDENCE_READ)

static int evidence_row_insert(struct fp_conn *c, const struct fp_evidence *e) {
  return FP_DB_RUN(c,
      "INSERT INTO passport_evidence (check_id, sha256, content_type, size, filename, uploaded_by, uploaded_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)",
      fp_int(e->check_id), fp_txt(e->sha256), fp_txt(e->content_type), fp_int(e->size), fp_opt_txt(e->filename),
      fp_id(e->uploaded_by), fp_int(e->uploaded_at));
}

int fp_store_evidence_insert(struct fp_conn *c, const struct fp_evidence *e, int64_t *id) {
  int rc = evidence_row_insert(c, e);
  if (rc) return rc;
  *id = fp_db_last_id(c);
  char after[160];
  snprintf(after, sizeof after, "{\"check_id\":%lld,\"sha256\":\"%s\",\"size\":%lld}", (long long)e->check_id,
           e->sha256, (long long)e->size);
  return fp_store_audit(c, e->uploaded_at, e->uploaded_by, "evidence.upload", "passport_evidence", *id, NULL, after);
}

int fp_store_evidence_get(struct fp_conn *c, int64_t id, struct fp_evidence *out) {
  return fp_db_one_by_id(c, "SELECT " EVIDENCE_COLS EVIDENCE_FROM " WHERE e.id = ?", id, read_evidence, out);
}

int fp_store_evidence_of(struct fp_conn *c, int64_t clinician_id, void (*cb)(const struct fp_evidence *e, void *ctx),
                         void *ctx) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " EVIDENCE_COLS EVIDENCE_FROM " WHERE k.clinician_id = ?"
      " ORDER BY e.check_id, e.id",
      fp_int(clinician_id));
  if (!st) return FP_EIO;
  return each_evidence(st, cb, ctx);
}

int fp_store_evidence_usage(struct fp_conn *c, int64_t clinician_id, const char *code, fp_day today, int *current,
                            int64_t *bytes) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT COALESCE(SUM(CASE WHEN k.check_code = ?2 AND (k.status = 'submitted' OR (k.status = 'verified'"
      "   AND (k.expires_on IS NULL OR k.expires_on >= ?3))) THEN 1 ELSE 0 END), 0), COALESCE(SUM(e.size), 0)"
      " FROM passport_evidence e JOIN passport_checks k ON k.id = e.check_id"
      " WHERE k.clinician_id = ?1 AND e.deleted_at IS NULL",
      fp_int(clinician_id), fp_txt(code), fp_int(today));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    *current = fp_col_int64(st, 0);
    *bytes = fp_col_int64(st, 1);
  }
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_store_evidence_of_check(struct fp_conn *c, int64_t check_id, void (*cb)(const struct fp_evidence *e, void *ctx),
                               void *ctx) {
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT " EVIDENCE_COLS EVIDENCE_FROM " WHERE e.check_id = ? ORDER BY e.id", fp_int(check_id));
  if (!st) return FP_EIO;
  return each_evidence(st, cb, ctx);
}

/* Evidence files ------------------------------------------------------------------------------- */

static void evidence_dir(const char *data_dir, char *buf, size_t len) { snprintf(buf, len, "%s/evidence", data_dir); }

static int evidence_path(const char *data_dir, const char *sha, char *buf, size_t len) {
  /* The name is our own hex digest; refuse anything else so no path can be smuggled in. */
  if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) return FP_EINVAL;
  snprintf(buf, len, "%s/evidence/%s", data_dir, sha);
  return 0;
}

static void fsync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

int fp_evidence_stage(const char *data_dir, const void *data, size_t len, char *tmp_path, size_t tmp_len,
                      char sha256_hex[65]) {
  char dir[4096];
  evidence_dir(data_dir, dir, sizeof dir);
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    fprintf(stderr, "flexpool: cannot create %s: %s\n", dir, strerror(errno));
    return FP_EIO;
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, data, len);
  sodium_bin2hex(sha256_hex, 65, digest, sizeof digest);
  snprintf(tmp_path, tmp_len, "%s/.upload-XXXXXX", dir);
  int fd = mkstemp(tmp_path);
  if (fd < 0) {
    fprintf(stderr, "flexpool: cannot create a file in %s: %s\n", dir, strerror(errno));
    return FP_EIO;
  }
  const char *p = data;
  size_t left = len;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    p += w;
    left -= (size_t)w;
  }
  if (left > 0 || fsync(fd) != 0) {
    fprintf(stderr, "flexpool: cannot write %s: %s\n", tmp_path, strerror(errno));
    close(fd);
    unlink(tmp_path);
    return FP_EIO;
  }
  close(fd);
  return 0;
}

static int read_file(const char *path, char **data, size_t *len);

int fp_evidence_place(struct fp_conn *c, const char *tmp_path, const char *sha256_hex, bool *created) {
  char path[4096];
  const char *data_dir = fp_db_data_dir(c);
  *created = false;
  if (evidence_path(data_dir, sha256_hex, path, sizeof path)) return FP_EINVAL;
  if (fp_db_engine(c) == FP_ENGINE_POSTGRES) {
    char *data = NULL;
    size_t len = 0;
    int rc = read_file(tmp_path, &data, &len);
    if (rc) return rc;
    fp_stmt *st = fp_db_stmt(c, "INSERT INTO evidence_blobs (sha256, bytes) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING");
    if (!st) {
      free(data);
      return FP_EIO;
    }
    fp_bind_text(st, 1, sha256_hex);
    fp_bind_blob(st, 2, data, len);
    rc = fp_db_exec_stmt(st);
    free(data);
    if (rc) return rc;
    *created = fp_db_changes(c) == 1;
    return 0; /* the staged file stays for the caller's fp_evidence_discard: a retried transaction reads it again */
  }
  struct stat sb;
  if (stat(path, &sb) == 0) {
    unlink(tmp_path); /* the same content is stored already */
    return 0;
  }
  if (rename(tmp_path, path) != 0) {
    fprintf(stderr, "flexpool: cannot store %s: %s\n", path, strerror(errno));
    return FP_EIO;
  }
  char dir[4096];
  evidence_dir(data_dir, dir, sizeof dir);
  fsync_dir(dir);
  *created = true;
  return 0;
}

int fp_evidence_unplace(struct fp_conn *c, const char *sha256_hex) {
  if (fp_db_engine(c) == FP_ENGINE_POSTGRES) {
    return FP_DB_RUN(c, "DELETE FROM evidence_blobs WHERE sha256 = ?", fp_txt(sha256_hex));
  }
  char path[4096];
  if (evidence_path(fp_db_data_dir(c), sha256_hex, path, sizeof path) == 0) unlink(path);
  return 0;
}

void fp_evidence_abandon(struct fp_store *s, const char *sha256_hex) {
  if (fp_store_is_postgres_store(s)) return; /* the rollback removed the row */
  char path[4096];
  if (evidence_path(s->data_dir, sha256_hex, path, sizeof path) == 0) unlink(path);
}

void fp_evidence_discard(const char *tmp_path) {
  if (tmp_path && *tmp_path) unlink(tmp_path);
}

int fp_evidence_read(struct fp_conn *c, const char *sha256_hex, char **data, size_t *len) {
  char path[4096];
  *data = NULL;
  *len = 0;
  if (evidence_path(fp_db_data_dir(c), sha256_hex, path, sizeof path)) return FP_EINVAL;
  if (fp_db_engine(c) == FP_ENGINE_POSTGRES) {
    fp_stmt *st = FP_DB_STMT(c, "SELECT bytes FROM evidence_blobs WHERE sha256 = ?", fp_txt(sha256_hex));
    if (!st) return FP_EIO;
    int rc = fp_step(st);
    if (rc == FP_ROW) {
      size_t n = fp_col_bytes(st, 0);
      char *buf = malloc(n + 1);
      if (buf) {
        if (n) memcpy(buf, fp_col_blob(st, 0), n);
        buf[n] = 0;
        *data = buf;
        *len = n;
      }
      fp_reset(st);
      return buf ? 0 : FP_ENOMEM;
    }
    fp_reset(st);
    return rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  }
  return read_file(path, data, len);
}

static int read_file(const char *path, char **data, size_t *len) {
  *data = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? FP_ENOTFOUND : FP_EIO;
  struct stat sb;
  if (fstat(fd, &sb) != 0 || sb.st_size < 0 || sb.st_size > 64 * 1024 * 1024) {
    close(fd);
    return FP_EIO;
  }
  char *buf = malloc((size_t)sb.st_size + 1);
  if (!buf) {
    close(fd);
    return FP_ENOMEM;
  }
  size_t got = 0;
  while (got < (size_t)sb.st_size) {
    ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (got != (size_t)sb.st_size) {
    free(buf);
    return FP_EIO;
  }
  *data = buf;
  *len = got;
  return 0;
}

/* Who may see a passport ----------------------------------------------------------------------- */

int fp_store_passport_relation(struct fp_conn *c, int64_t clinician_id, const struct fp_scope *scope,
                               const struct fp_access_clock *clock, struct fp_passport_relation *out) {
  memset(out, 0, sizeof *out);
  struct fp_scope_lists l;
  fp_scope_lists_init(&l, scope);
  /* ?1 clinician, ?2 pools, ?5 ICBs. */
  fp_stmt *st = fp_db_stmt(c,
      "SELECT EXISTS (SELECT 1 FROM clinicians WHERE id = ?1),"
      " (SELECT pool_id FROM pool_members WHERE clinician_id = ?1 AND pool_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))"
      "  ORDER BY pool_id LIMIT 1),"
      " (SELECT pool_id FROM join_requests WHERE clinician_id = ?1 AND status = 'pending'"
      "  AND pool_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2)) ORDER BY pool_id LIMIT 1),"
      " EXISTS (SELECT 1 FROM pool_members m JOIN pools p ON p.id = m.pool_id WHERE m.clinician_id = ?1"
      "  AND p.icb_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?5)))");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, clinician_id);
  fp_bind_text(st, 2, l.pools);
  fp_bind_text(st, 5, l.icbs);
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    out->exists = fp_col_int64(st, 0) != 0;
    int64_t member = fp_col_int64(st, 1), asked = fp_col_int64(st, 2);
    if (member) out->pool_id = member, out->pool_via = "member";
    else if (asked) out->pool_id = asked, out->pool_via = "join_request";
    out->commissioner = fp_col_int64(st, 3) != 0;
  }
  fp_reset(st);
  if (rc != FP_ROW) return FP_EIO;
  if (out->exists && scope->n_practices > 0) {
    /* The practice's live relationship (store/access.h), the strongest first. */
    st = fp_db_stmt(c, "SELECT x.practice_id, x.reason FROM " FP_ACCESS_LIVE " x WHERE x.clinician_id = ?1"
                       " AND x.practice_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?3)) ORDER BY x.rank, x.practice_id LIMIT 1");
    if (!st) return FP_EIO;
    fp_bind_int64(st, 1, clinician_id);
    fp_bind_text(st, 3, l.practices);
    fp_access_bind(st, clock);
    rc = fp_step(st);
    if (rc == FP_ROW) {
      out->practice_id = fp_col_int64(st, 0);
      out->practice_via = fp_access_reason((const unsigned char *)fp_col_text(st, 1));
    }
    fp_reset(st);
    if (rc != FP_ROW && rc != FP_DONE) return FP_EIO;
  }
  out->self = scope->clinician_id != 0 && scope->clinician_id == clinician_id;
  out->sysadmin = scope->all;
  return 0;
}

int fp_store_clinician_brief(struct fp_conn *c, int64_t clinician_id, char *name, size_t name_len, char *profession,
                             size_t profession_len) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT u.name, cl.profession FROM clinicians cl JOIN users u ON u.id = cl.user_id"
      " WHERE cl.id = ?",
      fp_int(clinician_id));
  if (!st) return FP_EIO;
  return FP_STEP_ONE(st, fp_out_text(name, name_len), fp_out_text(profession, profession_len));
}

/* The access log ------------------------------------------------------------------------------- */

int fp_store_access_log_add(struct fp_conn *c, const struct fp_access_entry *e) {
  return FP_DB_RUN(c,
      "INSERT INTO passport_access_log (at, viewer_user_id, clinician_id, what, check_id, evidence_id, basis,"
      " organisation_id, pool_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      fp_int(e->at), fp_int(e->viewer_user_id), fp_int(e->clinician_id), fp_txt(e->what), fp_id(e->check_id),
      fp_id(e->evidence_id), fp_txt(e->basis), fp_id(e->organisation_id), fp_id(e->pool_id),
      fp_txt(e->reason[0] ? e->reason : NULL));
}

static const struct fp_colspec ACCESS_ENTRY_READ[] = {
    FP_C(INT, struct fp_access_entry, id),
    FP_C(INT, struct fp_access_entry, at),
    FP_C(INT, struct fp_access_entry, viewer_user_id),
    FP_C(INT, struct fp_access_entry, clinician_id),
    FP_C(TEXT, struct fp_access_entry, what),
    FP_C(INT, struct fp_access_entry, check_id),
    FP_C(INT, struct fp_access_entry, evidence_id),
    FP_C(TEXT, struct fp_access_entry, basis),
    FP_C(INT, struct fp_access_entry, organisation_id),
    FP_C(INT, struct fp_access_entry, pool_id),
    FP_C(TEXT, struct fp_access_entry, viewer_name),
    FP_C(TEXT, struct fp_access_entry, organisation_name),
    FP_C(TEXT, struct fp_access_entry, pool_name),
    FP_C(TEXT, struct fp_access_entry, check_code),
    FP_C(TEXT, struct fp_access_entry, reason),
};

int fp_store_access_log_list(struct fp_conn *c, int64_t clinician_id, int64_t before_id, int limit,
                             void (*cb)(const struct fp_access_entry *e, void *ctx), void *ctx, bool *more) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT a.id, a.at, a.viewer_user_id, a.clinician_id, a.what, COALESCE(a.check_id,0), COALESCE(a.evidence_id,0),"
      " a.basis, COALESCE(a.organisation_id,0), COALESCE(a.pool_id,0), COALESCE(u.name,''), COALESCE(o.name,''),"
      " COALESCE(p.name,''), COALESCE(k.check_code,''), COALESCE(a.reason,'')"
      " FROM passport_access_log a LEFT JOIN users u ON u.id = a.viewer_user_id"
      " LEFT JOIN organisations o ON o.id = a.organisation_id LEFT JOIN pools p ON p.id = a.pool_id"
      " LEFT JOIN passport_checks k ON k.id = a.check_id"
      " WHERE a.clinician_id = ?1 AND (?2 = 0 OR a.id < ?2) ORDER BY a.id DESC LIMIT ?3",
      fp_int(clinician_id), fp_int(before_id), fp_int(limit + 1));
  if (!st) return FP_EIO;
  int rc, n = 0;
  *more = false;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == limit) {
      *more = true;
      break;
    }
    struct fp_access_entry e;
    memset(&e, 0, sizeof e);
    fp_read_cols(st, 0, ACCESS_ENTRY_READ, FP_NCOLS(ACCESS_ENTRY_READ), &e);
    cb(&e, ctx);
    n++;
  }
  return step_done(st, rc);
}

/* Placement grants ----------------------------------------------------------------------------- */

#define GRANT_COLS                                                                                          \
  "g.id, g.clinician_id, g.organisation_id, g.from_day, g.until_day, g.placement_starts_on,"               \
  " COALESCE(g.granted_by,0), g.created_at, COALESCE(g.revoked_at,0), COALESCE(g.revoked_by,0), o.name,"    \
  " COALESCE(g.pool_id,0), o.level, COALESCE(p.name,''),"                                                  \
  " EXISTS (SELECT 1 FROM pool_members m WHERE m.pool_id = g.pool_id AND m.clinician_id = g.clinician_id)"
#define GRANT_FROM                                                                                          \
  " FROM passport_grants g JOIN organisations o ON o.id = g.organisation_id LEFT JOIN pools p ON p.id = g.pool_id"

static const struct fp_colspec GRANT_READ[] = {
    FP_C(INT, struct fp_grant, id),
    FP_C(INT, struct fp_grant, clinician_id),
    FP_C(INT, struct fp_grant, organisation_id),
    FP_C(INT, struct fp_grant, from_day),
    FP_C(INT, struct fp_grant, until_day),
    FP_C(DAY, struct fp_grant, placement_starts_on),
    FP_C(INT, struct fp_grant, granted_by),
    FP_C(INT, struct fp_grant, created_at),
    FP_C(INT, struct fp_grant, revoked_at),
    FP_C(INT, struct fp_grant, revoked_by),
    FP_C(TEXT, struct fp_grant, organisation_name),
    FP_C(INT, struct fp_grant, pool_id),
    FP_C(TEXT, struct fp_grant, organisation_level),
    FP_C(TEXT, struct fp_grant, pool_name),
    FP_C(BOOL, struct fp_grant, member),
};

FP_ROWS(read_grant, each_grant, struct fp_grant, GRANT_READ)

int fp_store_grant_insert(struct fp_conn *c, const struct fp_grant *g, int64_t *id) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO passport_grants (clinician_id, organisation_id, from_day, until_day, placement_starts_on,"
      " granted_by, created_at, pool_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      fp_int(g->clinician_id), fp_int(g->organisation_id), fp_int(g->from_day), fp_int(g->until_day),
      fp_day_p(g->placement_starts_on), fp_id(g->granted_by), fp_int(g->created_at), fp_int(g->pool_id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  *id = fp_db_last_id(c);
  char from[FP_DATE_STRLEN], until[FP_DATE_STRLEN], after[240];
  fp_date_format(g->from_day, from);
  fp_date_format(g->until_day, until);
  snprintf(after, sizeof after,
           "{\"clinician_id\":%lld,\"organisation_id\":%lld,\"pool_id\":%lld,\"from\":\"%s\",\"until\":\"%s\"}",
           (long long)g->clinician_id, (long long)g->organisation_id, (long long)g->pool_id, from, until);
  return fp_store_audit(c, g->created_at, g->granted_by, "passport.grant", "passport_grant", *id, NULL, after);
}

int fp_store_grant_pool(struct fp_conn *c, int64_t clinician_id, const struct fp_scope *scope, int64_t want_pool,
                        int64_t *pool_id) {
  *pool_id = 0;
  struct fp_scope_lists l;
  fp_scope_lists_init(&l, scope);
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT pool_id FROM pool_members WHERE clinician_id = ?1 AND pool_id IN (SELECT CAST(value "
      "AS BIGINT) FROM json_each(?2))"
      " AND (?3 = 0 OR pool_id = ?3) ORDER BY pool_id LIMIT 1",
      fp_int(clinician_id), fp_txt(l.pools), fp_int(want_pool));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) *pool_id = fp_col_int64(st, 0);
  return step_done(st, rc == FP_ROW ? FP_DONE : rc);
}

int fp_store_grant_get(struct fp_conn *c, int64_t id, struct fp_grant *out) {
  return fp_db_one_by_id(c, "SELECT " GRANT_COLS GRANT_FROM " WHERE g.id = ?", id, read_grant, out);
}

int fp_store_grant_list(struct fp_conn *c, int64_t clinician_id, void (*cb)(const struct fp_grant *g, void *ctx),
                        void *ctx) {
  fp_stmt *st = FP_DB_STMT(
      c, "SELECT " GRANT_COLS GRANT_FROM " WHERE g.clinician_id = ? ORDER BY g.id DESC", fp_int(clinician_id));
  if (!st) return FP_EIO;
  return each_grant(st, cb, ctx);
}

int fp_store_grant_revoke(struct fp_conn *c, int64_t id, int64_t actor, int64_t now) {
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE passport_grants SET revoked_at = ?, revoked_by = ? WHERE id = ?"
      " AND revoked_at IS NULL",
      fp_int(now), fp_id(actor), fp_int(id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  return fp_store_audit(c, now, actor, "passport.grant_revoke", "passport_grant", id, NULL, "{\"revoked\":true}");
}

/* The queue and pool compliance ---------------------------------------------------------------- */

FP_ROW_ADAPTER(queue, struct fp_check_row, read_check)

int fp_store_queue(struct fp_conn *c, const struct fp_queue_query *q,
                   void (*cb)(const struct fp_check_row *r, void *ctx), void *ctx, bool *more,
                   struct fp_list_pos *last) {
  static const struct fp_sort_sql SORTS[] = {
      [FP_QUEUE_OLDEST] = {"k.created_at", NULL, "k.id", false},
      [FP_QUEUE_NEWEST] = {"k.created_at", NULL, "k.id", true},
      [FP_QUEUE_BY_NAME] = {NULL, "lower(u.name)", "k.id", false},
  };
  const struct fp_sort_sql *sort = &SORTS[q->sort];
  struct fp_scope_lists l;
  fp_scope_lists_init(&l, q->scope);
  struct fp_sql sql;
  fp_sql_select_page(&sql, CHECK_COLS, sort);
  fp_sql_add(&sql, CHECK_FROM " WHERE k.status = 'submitted'");
  if (!q->scope->all) {
    /* A pool administrator: clinicians of their pools, or asking to join one. */
    fp_sql_add(&sql, " AND k.clinician_id IN (SELECT clinician_id FROM pool_members WHERE clinician_id IS NOT NULL"
                     " AND pool_id IN (SELECT CAST(value AS BIGINT) FROM json_each(");
    fp_sql_text(&sql, l.pools);
    fp_sql_add(&sql, ")) UNION SELECT clinician_id FROM join_requests WHERE status = 'pending'"
                     " AND pool_id IN (SELECT CAST(value AS BIGINT) FROM json_each(");
    fp_sql_text(&sql, l.pools);
    fp_sql_add(&sql, ")))");
  }
  if (q->pool_id) {
    fp_sql_add(&sql, " AND k.clinician_id IN (SELECT clinician_id FROM pool_members WHERE pool_id = ");
    fp_sql_int(&sql, q->pool_id);
    fp_sql_add(&sql, " AND clinician_id IS NOT NULL UNION SELECT clinician_id FROM join_requests WHERE pool_id = ");
    fp_sql_int(&sql, q->pool_id);
    fp_sql_add(&sql, " AND status = 'pending')");
  }
  fp_sql_opt_text(&sql, " AND cl.profession = ", q->profession);
  fp_sql_opt_text(&sql, " AND k.check_code = ", q->code);
  fp_sql_contains(&sql, q->q, (const char *const[]){"lower(u.name)", NULL});
  struct queue_cb x = {cb, ctx};
  return fp_sql_page(c, &sql, sort, &q->after, q->limit, 16, queue_row, &x, more, last);
}

int fp_store_pool_clinicians(struct fp_conn *c, int64_t pool_id,
                             void (*cb)(int64_t id, const char *name, const char *profession, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT cl.id, u.name, cl.profession FROM pool_members m JOIN clinicians cl ON cl.id = m.clinician_id"
      " JOIN users u ON u.id = cl.user_id WHERE m.pool_id = ? ORDER BY cl.id",
      fp_int(pool_id));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW)
    cb(fp_col_int64(st, 0), fp_col_text(st, 1), fp_col_text(st, 2),
       ctx);
  return step_done(st, rc);
}

/* Register flags ------------------------------------------------------------------------------- */

int fp_store_register_flag_add(struct fp_conn *c, const struct fp_register_flag *f) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO register_flags (clinician_id, register, registration_number, status, detail, imported_at)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      fp_int(f->clinician_id), fp_txt(f->register_name), fp_txt(f->registration_number), fp_txt(f->status),
      fp_opt_txt(f->detail), fp_int(f->imported_at));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  char after[160];
  snprintf(after, sizeof after, "{\"register\":\"%s\",\"status\":\"%s\"}", f->register_name, f->status);
  return fp_store_audit(c, f->imported_at, 0, "register.flag", "clinician", f->clinician_id, NULL, after);
}

static const struct fp_colspec REGISTER_FLAG_READ[] = {
    FP_C(INT, struct fp_register_flag, id),
    FP_C(INT, struct fp_register_flag, clinician_id),
    FP_C(TEXT, struct fp_register_flag, register_name),
    FP_C(TEXT, struct fp_register_flag, registration_number),
    FP_C(TEXT, struct fp_register_flag, status),
    FP_C(TEXT, struct fp_register_flag, detail),
    FP_C(INT, struct fp_register_flag, imported_at),
};

int fp_store_register_flags_of(struct fp_conn *c, int64_t clinician_id,
                               void (*cb)(const struct fp_register_flag *f, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT id, clinician_id, register, registration_number, status, COALESCE(detail,''), imported_at"
      " FROM register_flags WHERE clinician_id = ? ORDER BY id DESC",
      fp_int(clinician_id));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_register_flag f;
    memset(&f, 0, sizeof f);
    fp_read_cols(st, 0, REGISTER_FLAG_READ, FP_NCOLS(REGISTER_FLAG_READ), &f);
    cb(&f, ctx);
  }
  return step_done(st, rc);
}

int fp_store_clinicians_registered(struct fp_conn *c, const char *const *professions,
                                   void (*cb)(int64_t id, const char *name, const char *regnum, void *ctx), void *ctx) {
  fp_stmt *st = fp_db_stmt(c,
      "SELECT cl.id, u.name, COALESCE(cl.registration_number,'') FROM clinicians cl JOIN users u ON u.id = cl.user_id"
      " WHERE cl.profession = ? ORDER BY cl.id");
  if (!st) return FP_EIO;
  for (const char *const *p = professions; *p; p++) {
    fp_reset(st);
    fp_bind_text(st, 1, *p);
    int rc;
    while ((rc = fp_step(st)) == FP_ROW)
      cb(fp_col_int64(st, 0), fp_col_text(st, 1), fp_col_text(st, 2),
         ctx);
    if (step_done(st, rc)) return FP_EIO;
  }
  return 0;
}

int fp_store_checks_revoke(struct fp_conn *c, int64_t clinician_id, const char *code, const char *note, int64_t now,
                           int *n) {
  struct fp_check_row *rows = NULL;
  size_t have = 0, cap = 0;
  *n = 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " CHECK_COLS CHECK_FROM " WHERE k.clinician_id = ? AND k.check_code = ?"
      " AND k.status = 'verified' ORDER BY k.id DESC",
      fp_int(clinician_id), fp_txt(code));
  if (!st) return FP_EIO;
  int rc, err = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_check_row *nr = grow(rows, have, &cap, sizeof *nr);
    if (!nr) {
      err = FP_ENOMEM;
      break;
    }
    rows = nr;
    read_check(st, &rows[have++]);
  }
  if (step_done(st, rc)) err = err ? err : FP_EIO;
  /* Every verified record of the code, however many: none is left standing. */
  for (size_t i = 0; !err && i < have; i++) {
    struct fp_check_row after = rows[i];
    snprintf(after.status, sizeof after.status, "rejected");
    snprintf(after.note, sizeof after.note, "%s", note);
    if ((err = fp_store_check_decide(c, &rows[i], &after, 0, now)) != 0) break;
    (*n)++;
  }
  free(rows);
  return err;
}

/* Re-examining bookings ------------------------------------------------------------------------- */

/*
 * flags with one word of the comma-separated list added (or removed), malloc'd; NULL when out of
 * memory. *changed tells whether it differs.
 */
static char *flag_set(const char *flags, const char *word, bool on, bool *changed) {
  size_t len = strlen(flags), wl = strlen(word);
  char *out = malloc(len + wl + 2), *tmp = strdup(flags);
  if (!out || !tmp) {
    free(out);
    free(tmp);
    return NULL;
  }
  size_t used = 0;
  bool had = false;
  char *save = NULL;
  for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (strcmp(t, word) == 0) {
      had = true;
      if (!on) continue;
    }
    used += (size_t)sprintf(out + used, "%s%s", used ? "," : "", t);
  }
  if (on && !had) used += (size_t)sprintf(out + used, "%s%s", used ? "," : "", word);
  out[used] = 0;
  free(tmp);
  *changed = had != on;
  return out;
}

void fp_reexam_release(struct fp_reexam *r) {
  if (!r) return;
  free(r->flagged_ids);
  memset(r, 0, sizeof *r);
}

struct future_booking {
  int64_t id, starts_at, pool_id;
  char *flags;
};

/* The audit's after: the flags and what the passport lacked on the shift's day, quoted by the engine. */
static int reexam_audit(struct fp_conn *c, int64_t now, int64_t actor, bool lapsed, const struct future_booking *b,
                        const char *before_flags, const struct fp_elig_result *res) {
  fp_stmt *st = fp_db_stmt(c, fp_db_engine(c) == FP_ENGINE_POSTGRES
      ? "SELECT CAST(json_build_object('flags', CAST(?1 AS TEXT)) AS TEXT),"
        " CAST(json_build_object('flags', CAST(?2 AS TEXT), 'missing', CAST(?3 AS json)) AS TEXT)"
      : "SELECT json_object('flags', ?1), json_object('flags', ?2, 'missing', json(?3))");
  if (!st) return FP_EIO;
  size_t len = 3;
  for (size_t m = 0; m < res->n_missing; m++) len += strlen(res->missing[m]) + 3;
  char *missing = malloc(len);
  if (!missing) return FP_ENOMEM;
  size_t w = (size_t)sprintf(missing, "[");
  for (size_t m = 0; m < res->n_missing; m++) w += (size_t)sprintf(missing + w, "%s\"%s\"", m ? "," : "", res->missing[m]);
  sprintf(missing + w, "]");
  fp_bind_text(st, 1, before_flags);
  fp_bind_text(st, 2, b->flags);
  fp_bind_text(st, 3, missing);
  int rc = fp_step(st);
  char *bj = rc == FP_ROW ? fp_db_col_strdup(st, 0) : NULL, *aj = rc == FP_ROW ? fp_db_col_strdup(st, 1) : NULL;
  fp_reset(st);
  free(missing);
  rc = bj && aj ? fp_store_audit(c, now, actor, lapsed ? "booking.passport_lapsed" : "booking.passport_restored",
                                 "booking", b->id, bj, aj)
                : FP_EIO;
  free(bj);
  free(aj);
  return rc;
}

int fp_store_passport_reexamine(struct fp_conn *c, int64_t clinician_id, int64_t now, int64_t actor,
                                struct fp_reexam *out) {
  char name[201], profession[48]; /* the name is not used here, but is read whole (never cut) */
  /* Before reading their bookings: a booking being made waits, or this transaction runs again
     after it (fp_store_clinician_lock), so no new booking escapes the re-examination. */
  int rc = fp_store_clinician_lock(c, clinician_id);
  if (!rc) rc = fp_store_clinician_brief(c, clinician_id, name, sizeof name, profession, sizeof profession);
  if (rc) return rc;
  /* Collect first: the updates below must not run under an open cursor on the same table. */
  struct future_booking *list = NULL;
  size_t n = 0, cap = 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT id, starts_at, COALESCE(pool_id, 0), flags FROM bookings WHERE clinician_id = ?"
      " AND status = 'confirmed' AND starts_at > ? ORDER BY starts_at, id",
      fp_int(clinician_id), fp_int(now));
  if (!st) return FP_EIO;
  int s;
  while ((s = fp_step(st)) == FP_ROW) {
    struct future_booking *nl = grow(list, n, &cap, sizeof *nl);
    if (nl) list = nl;
    char *flags = nl ? fp_db_col_strdup(st, 3) : NULL;
    if (!flags) {
      rc = FP_ENOMEM;
      break;
    }
    list[n].id = fp_col_int64(st, 0);
    list[n].starts_at = fp_col_int64(st, 1);
    list[n].pool_id = fp_col_int64(st, 2);
    list[n].flags = flags;
    n++;
  }
  if (!rc) rc = step_done(st, s);
  else fp_reset(st);
  struct fp_checks checks;
  fp_checks_init(&checks);
  for (size_t i = 0; !rc && i < n; i++) {
    /* The booking is held to what the pool it was made through requires (the same decision). */
    struct fp_elig_result res;
    int64_t pool = list[i].pool_id;
    if ((rc = fp_store_passport_decide(c, clinician_id, profession, &pool, pool ? 1 : 0, fp_uk_day(list[i].starts_at),
                                       &checks, &res)) != 0)
      break;
    bool lapsed = res.n_missing > 0, changed = false;
    char *after = flag_set(list[i].flags, FP_PASSPORT_LAPSED, lapsed, &changed);
    if (!after) {
      rc = FP_ENOMEM;
      break;
    }
    if (!changed) {
      free(after);
      continue;
    }
    char *before = list[i].flags;
    list[i].flags = after;
    fp_stmt *up = fp_db_stmt(c, "UPDATE bookings SET flags = ? WHERE id = ?");
    if (!up) rc = FP_EIO;
    else {
      fp_bind_text(up, 1, after);
      fp_bind_int64(up, 2, list[i].id);
      rc = fp_db_exec_stmt(up);
    }
    if (!rc) rc = reexam_audit(c, now, actor, lapsed, &list[i], before, &res);
    free(before);
    if (rc) break;
    if (lapsed) {
      int64_t *ni = grow(out->flagged_ids, (size_t)out->n_ids, &out->cap_ids, sizeof *ni);
      if (!ni) {
        rc = FP_ENOMEM;
        break;
      }
      out->flagged_ids = ni;
      out->flagged_ids[out->n_ids++] = list[i].id;
      out->n_flagged++;
    } else {
      out->n_cleared++;
    }
  }
  fp_checks_release(&checks);
  for (size_t i = 0; i < n; i++) free(list[i].flags);
  free(list);
  return rc;
}

int fp_store_passport_reexamine_all(struct fp_conn *c, const char *profession, int64_t pool_id, int64_t now,
                                    int64_t actor, struct fp_reexam *out) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT DISTINCT b.clinician_id FROM bookings b JOIN clinicians cl ON cl.id = b.clinician_id"
      " WHERE b.status = 'confirmed' AND b.starts_at > ?1 AND (CAST(?2 AS TEXT) IS NULL OR cl.profession = ?2)"
      " AND (?3 = 0 OR b.pool_id = ?3) ORDER BY b.clinician_id",
      fp_int(now), fp_txt(profession), fp_int(pool_id));
  if (!st) return FP_EIO;
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  int rc = fp_step_ids(st, &ids, &n, &cap);
  for (size_t i = 0; !rc && i < n; i++) rc = fp_store_passport_reexamine(c, ids[i], now, actor, out);
  free(ids);
  return rc;
}

/* Retention ------------------------------------------------------------------------------------ */

int fp_store_evidence_expire(struct fp_conn *c, int months, int64_t now, int *n) {
  *n = 0;
  /* Candidates: kept copies of limited-retention types whose record was decided; the calendar
   * arithmetic is the core's, so the SQL only narrows by a lower bound of the months' length. */
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT e.id, e.sha256, k.verified_at FROM passport_evidence e JOIN passport_checks k ON k.id = e.check_id"
      " JOIN passport_check_types t ON t.code = k.check_code"
      " WHERE t.limited_retention = 1 AND e.deleted_at IS NULL AND k.status IN ('verified','rejected')"
      " AND k.verified_at IS NOT NULL AND k.verified_at <= ? ORDER BY e.id",
      fp_int(now - (int64_t)months * 28 * 86400));
  if (!st) return FP_EIO;
  struct due {
    int64_t id;
    char sha[65];
  } *due = NULL;
  size_t nd = 0, cap = 0;
  int rc = 0, s;
  while ((s = fp_step(st)) == FP_ROW) {
    if (fp_retention_deadline(fp_col_int64(st, 2), months) > now) continue;
    struct due *nd2 = grow(due, nd, &cap, sizeof *nd2);
    if (!nd2) {
      rc = FP_ENOMEM;
      break;
    }
    due = nd2;
    due[nd].id = fp_col_int64(st, 0);
    fp_db_col_copy(st, 1, due[nd].sha, sizeof due[nd].sha);
    nd++;
  }
  if (!rc) rc = step_done(st, s);
  else fp_reset(st);
  for (size_t i = 0; !rc && i < nd; i++) {
    fp_stmt *up = fp_db_stmt(c, "UPDATE passport_evidence SET deleted_at = ?, deleted_reason = 'retention'"
                                     " WHERE id = ? AND deleted_at IS NULL");
    if (!up) {
      rc = FP_EIO;
      break;
    }
    fp_bind_int64(up, 1, now);
    fp_bind_int64(up, 2, due[i].id);
    if ((rc = fp_db_exec_stmt(up)) != 0) break;
    if ((rc = fp_store_audit(c, now, 0, "evidence.delete", "passport_evidence", due[i].id, NULL,
                             "{\"reason\":\"retention\"}")) != 0)
      break;
    (*n)++;
  }
  free(due);
  return rc;
}

int fp_store_evidence_files_remove(struct fp_conn *c, int *n) {
  *n = 0;
  fp_stmt *st = fp_db_stmt(c,
      "SELECT DISTINCT e.sha256, EXISTS (SELECT 1 FROM passport_evidence k WHERE k.sha256 = e.sha256 AND k.deleted_at IS NULL)"
      " FROM passport_evidence e WHERE e.deleted_at IS NOT NULL AND e.file_removed = 0");
  if (!st) return FP_EIO;
  struct due {
    char sha[65];
    bool kept;
  } *due = NULL;
  size_t nd = 0, cap = 0;
  int rc = 0, s;
  while ((s = fp_step(st)) == FP_ROW) {
    struct due *nd2 = grow(due, nd, &cap, sizeof *nd2);
    if (!nd2) {
      rc = FP_ENOMEM;
      break;
    }
    due = nd2;
    fp_db_col_copy(st, 0, due[nd].sha, sizeof due[nd].sha);
    due[nd].kept = fp_col_int64(st, 1) != 0;
    nd++;
  }
  if (!rc) rc = step_done(st, s);
  else fp_reset(st);
  for (size_t i = 0; !rc && i < nd; i++) {
    /* Content uploaded again is still referred to: its file stays, and these rows are done. */
    if (!due[i].kept) {
      if ((rc = fp_evidence_unplace(c, due[i].sha)) != 0) break;
      (*n)++;
    }
    fp_stmt *up = fp_db_stmt(c, "UPDATE passport_evidence SET file_removed = 1 WHERE sha256 = ? AND deleted_at IS NOT NULL");
    if (!up) {
      rc = FP_EIO;
      break;
    }
    fp_bind_text(up, 1, due[i].sha);
    rc = fp_db_exec_stmt(up);
  }
  free(due);
  return rc;
}

/* The demo data set ------------------------------------------------------------------------------ */

int fp_store_passport_demo_clinicians(struct fp_conn *c,
                                      void (*cb)(int64_t id, const char *email, const char *name,
                                                 const char *profession, bool active, int64_t created_at,
                                                 void *ctx),
                                      void *ctx) {
  fp_stmt *st = fp_db_stmt(c, "SELECT cl.id, u.email, u.name, cl.profession, u.active, cl.created_at FROM clinicians cl"
                                   " JOIN users u ON u.id = cl.user_id ORDER BY cl.id");
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW)
    cb(fp_col_int64(st, 0), fp_col_text(st, 1), fp_col_text(st, 2),
       fp_col_text(st, 3), fp_col_int64(st, 4) != 0, fp_col_int64(st, 5), ctx);
  return step_done(st, rc);
}

int fp_store_passport_demo_check(struct fp_conn *c, const struct fp_check_row *k, int64_t *id) {
  return FP_DB_INSERT(c, id,
      "INSERT INTO passport_checks (clinician_id, check_code, status, issued_on, expires_on, reference, note,"
      " update_service, verified_by, verified_at, submitted_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?)",
      fp_int(k->clinician_id), fp_txt(k->code), fp_txt(k->status), fp_day_p(k->issued_on), fp_day_p(k->expires_on),
      fp_opt_txt(k->reference), fp_opt_txt(k->note), fp_opt_txt(k->update_service), fp_id(k->decided_by),
      fp_id(k->decided_at), fp_id(k->submitted_by), fp_int(k->created_at));
}

int fp_store_passport_demo_evidence(struct fp_conn *c, int64_t check_id, const void *data, size_t len,
                                    const char *content_type, const char *filename, int64_t uploaded_by, int64_t at) {
  /* Staged in the data directory's evidence folder, then stored by the engine. */
  const char *dir = fp_db_data_dir(c);
  char tmp[4200];
  struct fp_evidence e;
  memset(&e, 0, sizeof e);
  int rc = fp_evidence_stage(dir, data, len, tmp, sizeof tmp, e.sha256);
  if (rc) return rc;
  bool created = false;
  rc = fp_evidence_place(c, tmp, e.sha256, &created);
  fp_evidence_discard(tmp); /* gone already when placed as a file */
  if (rc) return rc;
  e.check_id = check_id;
  snprintf(e.content_type, sizeof e.content_type, "%s", content_type);
  e.size = (int64_t)len;
  snprintf(e.filename, sizeof e.filename, "%s", filename ? filename : "");
  e.uploaded_by = uploaded_by;
  e.uploaded_at = at;
  return evidence_row_insert(c, &e); /* the demo's: not audited */
}
