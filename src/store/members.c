/* Clinicians, pools, members, join requests, custom roles and the user list. See members.h. */
#include "store/members.h"
#include "store/rows.h"
#include "store/sql.h"

#include "store/accounts.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/profession.h"
#include "store/access.h"

static void ids_json(char *buf, size_t len, const int64_t *ids, int n) {
  size_t used = 0;
  buf[used++] = '[';
  for (int i = 0; i < n; i++) {
    int w = snprintf(buf + used, len - used, "%s%lld", i ? "," : "", (long long)ids[i]);
    if (w < 0 || (size_t)w >= len - used - 1) break;
    used += (size_t)w;
  }
  buf[used++] = ']';
  buf[used] = 0;
}

void fp_scope_lists_init(struct fp_scope_lists *l, const struct fp_scope *s) {
  ids_json(l->icbs, sizeof l->icbs, s->icbs, s->n_icbs);
  ids_json(l->practices, sizeof l->practices, s->practices, s->n_practices);
  ids_json(l->pools, sizeof l->pools, s->pools, s->n_pools);
}

/* ---- clinicians ---- */

#define CLIN_COLS                                                                                           \
  "cl.id, cl.user_id, u.name, u.email, u.active, cl.profession, COALESCE(cl.registration_number,''),"     \
  " COALESCE(cl.home_postcode,''), COALESCE(cl.travel_radius_km,0), COALESCE(cl.phone,''), cl.created_at"
#define CLIN_FROM " FROM clinicians cl JOIN users u ON u.id = cl.user_id"

/*
 * The clinicians scope sees, as one fixed condition on alias cl. Parameters: ?1 all (0/1), ?2 ICB
 * ids, ?3 practice ids, ?4 pool ids (JSON arrays), ?5 the caller's own clinician id (0 when none),
 * and the access clock ?97-?99. A practice sees only the clinicians it has a live relationship with
 * (store/access.h), and a pool administrator its members and those with a request to join it still
 * open: the same decisions as for their passport (store/passport.c fp_store_passport_relation).
 * `practice_reasons` narrows the practice's relationships (SQL on x.reason, or "").
 */
#define CLIN_SEES(practice_reasons)                                                                         \
  "(?1 <> 0 OR cl.id = ?5"                                                                                       \
  " OR cl.id IN (SELECT clinician_id FROM pool_members WHERE clinician_id IS NOT NULL"                     \
  "   AND pool_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?4)))"                                                    \
  " OR cl.id IN (SELECT clinician_id FROM join_requests WHERE status = 'pending'"                           \
  "   AND pool_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?4)))"                                                    \
  " OR cl.id IN (SELECT m.clinician_id FROM pool_members m JOIN pools p ON p.id = m.pool_id"               \
  "   WHERE m.clinician_id IS NOT NULL AND p.icb_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2)))"                  \
  " OR cl.id IN (SELECT x.clinician_id FROM " FP_ACCESS_LIVE " x"                                          \
  "   WHERE x.practice_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?3))" practice_reasons "))"
#define CLIN_VISIBLE CLIN_SEES("")

/*
 * The contact details rule (issue 12), decided here only: a clinician's email and phone reach a
 * practice once they have applied for or booked one of its shifts (an open application, a booking
 * to come, or a session worked there within --passport-access-months), never through a placement
 * grant alone, which lets the practice read the passport but not reach the person. Everyone else
 * who sees the clinician (themselves, the system administrator, their pools' administrators, the
 * commissioner of their pools' ICB) sees them as before. 1 or 0, as column 11 (fp_clinician's
 * contact_visible); the same parameters as CLIN_VISIBLE.
 */
#define CLIN_CONTACT "CASE WHEN " CLIN_SEES(" AND x.reason <> 'grant'") " THEN 1 ELSE 0 END"

static void bind_clin_scope(fp_stmt *st, const struct fp_scope *s, const struct fp_access_clock *k,
                            struct fp_scope_lists *l) {
  fp_scope_lists_init(l, s);
  fp_access_bind(st, k);
  fp_bind_int64(st, 1, s->all);
  fp_bind_text(st, 2, l->icbs);
  fp_bind_text(st, 3, l->practices);
  fp_bind_text(st, 4, l->pools);
  fp_bind_int64(st, 5, s->clinician_id);
}

static const struct fp_colspec CLINICIAN_READ[] = {
    FP_C(INT, struct fp_clinician, id),
    FP_C(INT, struct fp_clinician, user_id),
    FP_C(TEXT, struct fp_clinician, name),
    FP_C(TEXT, struct fp_clinician, email),
    FP_C(BOOL, struct fp_clinician, active),
    FP_C(TEXT, struct fp_clinician, profession),
    FP_C(TEXT, struct fp_clinician, registration_number),
    FP_C(TEXT, struct fp_clinician, home_postcode),
    FP_C(INT, struct fp_clinician, travel_radius_km),
    FP_C(TEXT, struct fp_clinician, phone),
    FP_C(INT, struct fp_clinician, created_at),
    FP_C(BOOL, struct fp_clinician, contact_visible),
};

FP_ROW_READER(read_clinician, struct fp_clinician, CLINICIAN_READ)

/* An empty text is stored as none (NULL), as fp_bind_opt_text binds it. */
static const char *or_null(const char *s) { return s && *s ? s : NULL; }

int fp_store_clinician_insert(struct fp_conn *c, const struct fp_clinician *cl, int64_t now, int64_t *id) {
  return fp_store_clinician_row_insert(c, cl->user_id, cl->profession, or_null(cl->registration_number),
                                       or_null(cl->home_postcode), cl->travel_radius_km, or_null(cl->phone), now, id);
}

int fp_store_clinician_row_insert(struct fp_conn *c, int64_t user_id, const char *profession,
                                  const char *registration_number, const char *home_postcode, int64_t travel_radius_km,
                                  const char *phone, int64_t created_at, int64_t *id) {
  return FP_DB_INSERT(c, id,
      "INSERT INTO clinicians (user_id, profession, registration_number, home_postcode, travel_radius_km, phone,"
      " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      fp_int(user_id), fp_txt(profession), fp_txt(registration_number), fp_txt(home_postcode), fp_int(travel_radius_km),
      fp_txt(phone), fp_int(created_at));
}

int fp_store_clinician_profile_update(struct fp_conn *c, int64_t id, const char *phone, const char *home_postcode,
                                      int64_t travel_radius_km) {
  /* Each value with a flag saying whether it is given, so one statement serves every combination. */
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE clinicians SET"
      " phone = CASE WHEN ?2 <> 0 THEN CAST(?3 AS TEXT) ELSE phone END,"
      " home_postcode = CASE WHEN ?4 <> 0 THEN CAST(?5 AS TEXT) ELSE home_postcode END,"
      " travel_radius_km = CASE WHEN ?6 <> 0 THEN ?6 ELSE travel_radius_km END"
      " WHERE id = ?1",
      fp_int(id), fp_int(phone != NULL), fp_txt(phone && *phone ? phone : NULL), fp_int(home_postcode != NULL),
      fp_txt(home_postcode), fp_int(travel_radius_km));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc == 0 && fp_db_changes(c) == 0) return FP_ENOTFOUND;
  return rc;
}

int fp_store_clinician_get(struct fp_conn *c, int64_t id, const struct fp_scope *scope,
                           const struct fp_access_clock *clock, struct fp_clinician *out) {
  if (!scope) {
    return fp_db_one_by_id(c, "SELECT " CLIN_COLS ", 1" CLIN_FROM " WHERE cl.id = ?", id, read_clinician, out);
  }
  fp_stmt *st = fp_db_stmt(c, "SELECT " CLIN_COLS ", " CLIN_CONTACT CLIN_FROM " WHERE " CLIN_VISIBLE " AND cl.id = ?6");
  if (!st) return FP_EIO;
  struct fp_scope_lists l;
  bind_clin_scope(st, scope, clock, &l);
  fp_bind_int64(st, 6, id);
  return fp_step_one(st, read_clinician, out);
}

int fp_store_clinician_registration_taken(struct fp_conn *c, const char *profession, const char *number, bool *taken) {
  *taken = false;
  const struct fp_profession *prof = fp_profession_find(profession);
  if (!prof || prof->regulator == FP_REG_NONE || !number || !*number) return 0;
  /* The professions on the same register, as a JSON array of codes (they are plain lowercase words). */
  char peers[1024];
  size_t used = 0;
  int n = 0;
  const struct fp_profession *all = fp_professions(&n);
  peers[used++] = '[';
  for (int i = 0; i < n; i++) {
    if (all[i].regulator != prof->regulator) continue;
    int w = snprintf(peers + used, sizeof peers - used, "%s\"%s\"", used > 1 ? "," : "", all[i].code);
    if (w < 0 || (size_t)w >= sizeof peers - used - 1) return FP_EIO;
    used += (size_t)w;
  }
  peers[used++] = ']';
  peers[used] = 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT 1 FROM clinicians WHERE registration_number = ?1"
      " AND profession IN (SELECT value FROM json_each(?2))",
      fp_txt(number), fp_txt(peers));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  *taken = rc == FP_ROW;
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

FP_ROW_ADAPTER(clin, struct fp_clinician, read_clinician)

int fp_store_clinician_search(struct fp_conn *c, const struct fp_clinician_query *q,
                              void (*cb)(const struct fp_clinician *cl, void *ctx), void *ctx, bool *more) {
  fp_stmt *st = fp_db_stmt(c,
      "SELECT " CLIN_COLS ", " CLIN_CONTACT CLIN_FROM " WHERE " CLIN_VISIBLE
      " AND (?6 = 0 OR cl.id IN (SELECT clinician_id FROM pool_members WHERE pool_id = ?6 AND clinician_id IS NOT NULL))"
      " AND (CAST(?7 AS TEXT) IS NULL OR cl.profession = ?7) AND cl.id > ?8 ORDER BY cl.id LIMIT ?9");
  if (!st) return FP_EIO;
  struct fp_scope_lists l;
  bind_clin_scope(st, q->scope, &q->clock, &l);
  fp_bind_int64(st, 6, q->pool_id);
  fp_bind_text(st, 7, q->profession);
  fp_bind_int64(st, 8, q->after_id);
  fp_bind_int64(st, 9, q->limit + 1);
  struct clin_cb x = {cb, ctx};
  return fp_step_rows(st, q->limit, clin_row, &x, more);
}

/* ---- pools ---- */

#define POOL_COLS                                                                                           \
  "p.id, p.name, p.host_organisation_id, COALESCE(p.icb_id,0), o.name, p.hourly_rate_pence,"               \
  " p.session_rate_pence, p.created_at, p.max_worked_minutes_24h, p.min_rest_minutes_24h, p.overflow,"       \
  " COALESCE(p.opened_on, -2147483648)"
#define POOL_FROM " FROM pools p JOIN organisations o ON o.id = p.host_organisation_id"
#define POOL_NCOLS 12 /* read_pool's columns; the counts follow them */

static const struct fp_colspec POOL_READ[] = {
    FP_C(INT, struct fp_pool, id),
    FP_C(TEXT, struct fp_pool, name),
    FP_C(INT, struct fp_pool, host_organisation_id),
    FP_C(INT, struct fp_pool, icb_id),
    FP_C(TEXT, struct fp_pool, host_name),
    FP_C(INT, struct fp_pool, hourly_rate_pence),
    FP_C(INT, struct fp_pool, session_rate_pence),
    FP_C(INT, struct fp_pool, created_at),
    FP_C(INT, struct fp_pool, max_worked_minutes_24h),
    FP_C(INT, struct fp_pool, min_rest_minutes_24h),
    FP_C(BOOL, struct fp_pool, overflow),
    FP_C(INT, struct fp_pool, opened_on),
};

FP_ROW_READER(read_pool, struct fp_pool, POOL_READ)

int fp_store_pool_insert(struct fp_conn *c, const struct fp_pool *p, int64_t now, int64_t *id) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO pools (name, host_organisation_id, icb_id, hourly_rate_pence, session_rate_pence, created_at)"
      " SELECT ?2, o.id, o.icb_id, ?3, ?4, ?5 FROM organisations o WHERE o.id = ?1",
      fp_int(p->host_organisation_id), fp_txt(p->name), fp_int(p->hourly_rate_pence), fp_int(p->session_rate_pence),
      fp_int(now));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  *id = fp_db_last_id(c);
  return 0;
}

int fp_store_pool_update(struct fp_conn *c, const struct fp_pool *p) {
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE pools SET name = ?, hourly_rate_pence = ?, session_rate_pence = ?,"
      " max_worked_minutes_24h = ?, min_rest_minutes_24h = ?, overflow = ?,"
      " opened_on = CASE WHEN ? = -2147483648 THEN NULL ELSE ? END WHERE id = ?",
      fp_txt(p->name), fp_int(p->hourly_rate_pence), fp_int(p->session_rate_pence), fp_int(p->max_worked_minutes_24h),
      fp_int(p->min_rest_minutes_24h), fp_int(p->overflow ? 1 : 0), fp_int(p->opened_on), fp_int(p->opened_on),
      fp_int(p->id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc == 0 && fp_db_changes(c) != 1) return FP_ENOTFOUND;
  return rc;
}

static void read_pool_counted(fp_stmt *st, void *out) {
  struct fp_pool *p = out;
  read_pool(st, p);
  p->n_clinicians = fp_col_int64(st, POOL_NCOLS);
  p->n_practices = fp_col_int64(st, POOL_NCOLS + 1);
  p->n_pending_requests = fp_col_int64(st, POOL_NCOLS + 2);
}

int fp_store_pool_get(struct fp_conn *c, int64_t id, struct fp_pool *out) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " POOL_COLS ","
      " (SELECT COUNT(*) FROM pool_members WHERE pool_id = p.id AND clinician_id IS NOT NULL),"
      " (SELECT COUNT(*) FROM pool_members WHERE pool_id = p.id AND organisation_id IS NOT NULL),"
      " (SELECT COUNT(*) FROM join_requests WHERE pool_id = p.id AND status = 'pending')" POOL_FROM " WHERE p.id = ?",
      fp_int(id));
  if (!st) return FP_EIO;
  return fp_step_one(st, read_pool_counted, out);
}

FP_ROW_ADAPTER(pool, struct fp_pool, read_pool)

int fp_store_pool_list(struct fp_conn *c, int64_t clinician_id, int64_t after_id, int limit,
                       void (*cb)(const struct fp_pool *p, void *ctx), void *ctx, bool *more) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " POOL_COLS POOL_FROM
      " WHERE (?1 = 0 OR p.id IN (SELECT pool_id FROM pool_members WHERE clinician_id = ?1))"
      " AND p.id > ?2 ORDER BY p.id LIMIT ?3",
      fp_int(clinician_id), fp_int(after_id), fp_int(limit + 1));
  if (!st) return FP_EIO;
  struct pool_cb x = {cb, ctx};
  return fp_step_rows(st, limit, pool_row, &x, more);
}

/* ---- pool members ---- */

#define MEMBER_COLS                                                                                         \
  "m.id, m.pool_id, COALESCE(m.clinician_id,0), COALESCE(m.organisation_id,0), COALESCE(u.name, o.name, ''),"\
  " COALESCE(cl.profession, o.ods_code, ''), COALESCE(m.added_by,0), m.added_at"
#define MEMBER_FROM                                                                                         \
  " FROM pool_members m LEFT JOIN clinicians cl ON cl.id = m.clinician_id LEFT JOIN users u ON u.id = cl.user_id" \
  " LEFT JOIN organisations o ON o.id = m.organisation_id"

static const struct fp_colspec MEMBER_READ[] = {
    FP_C(INT, struct fp_pool_member, id),
    FP_C(INT, struct fp_pool_member, pool_id),
    FP_C(INT, struct fp_pool_member, clinician_id),
    FP_C(INT, struct fp_pool_member, organisation_id),
    FP_C(TEXT, struct fp_pool_member, name),
    FP_C(TEXT, struct fp_pool_member, detail),
    FP_C(INT, struct fp_pool_member, added_by),
    FP_C(INT, struct fp_pool_member, added_at),
};

FP_ROW_READER(read_member, struct fp_pool_member, MEMBER_READ)

int fp_store_pool_member_insert(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t organisation_id,
                                int64_t actor, int64_t now, int64_t *id) {
  if (clinician_id) {
    /* The limit is kept here, where memberships come in, so a clinician's pools are always read in full. */
    fp_stmt *count = fp_db_stmt(c, "SELECT COUNT(*) FROM pool_members WHERE clinician_id = ?");
    if (!count) return FP_EIO;
    fp_bind_int64(count, 1, clinician_id);
    int rc = fp_step(count);
    int held = rc == FP_ROW ? fp_col_int64(count, 0) : 0;
    fp_reset(count);
    if (rc != FP_ROW) return FP_EIO;
    if (held >= FP_MAX_CLINICIAN_POOLS) return FP_ETOOBIG;
  }
  return fp_store_pool_member_row_insert(c, pool_id, clinician_id, organisation_id, actor, now, id);
}

int fp_store_pool_member_row_insert(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t organisation_id,
                                    int64_t added_by, int64_t added_at, int64_t *id) {
  return FP_DB_INSERT(c, id,
      "INSERT INTO pool_members (pool_id, clinician_id, organisation_id, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
      fp_int(pool_id), fp_id(clinician_id), fp_id(organisation_id), fp_id(added_by), fp_int(added_at));
}

int fp_store_pool_member_get(struct fp_conn *c, int64_t id, struct fp_pool_member *out) {
  return fp_db_one_by_id(c, "SELECT " MEMBER_COLS MEMBER_FROM " WHERE m.id = ?", id, read_member, out);
}

int fp_store_pool_member_delete(struct fp_conn *c, int64_t id) {
  fp_stmt *st = FP_DB_STMT(c, "DELETE FROM pool_members WHERE id = ?", fp_int(id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc == 0 && fp_db_changes(c) != 1) return FP_ENOTFOUND;
  return rc;
}

int fp_store_pool_has_member(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t organisation_id,
                             bool *member) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT 1 FROM pool_members WHERE pool_id = ?1"
      " AND (CASE WHEN ?2 <> 0 THEN clinician_id = ?2 ELSE organisation_id = ?3 END)",
      fp_int(pool_id), fp_int(clinician_id), fp_int(organisation_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  *member = rc == FP_ROW;
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_practice_pools(struct fp_conn *c, int64_t org_id, int64_t icb_id,
                            void (*cb)(int64_t pool_id, const char *name, bool member, void *ctx),
                            void (*admin_cb)(const char *name, const char *email, void *ctx), void *ctx) {
  enum { MAX = 64 }; /* a practice's pools and its ICB's: a handful; more is refused, never cut */
  struct { int64_t id; char name[201]; bool member; } pools[MAX];
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT p.id, p.name, EXISTS (SELECT 1 FROM pool_members m WHERE m.pool_id = p.id AND m.organisation_id = ?1)"
      " AS member FROM pools p"
      " WHERE p.id IN (SELECT pool_id FROM pool_members WHERE organisation_id = ?1) OR (?2 <> 0 AND p.icb_id = ?2)"
      " ORDER BY member DESC, p.id",
      fp_int(org_id), fp_int(icb_id));
  if (!st) return FP_EIO;
  int n = 0, rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == MAX) {
      rc = FP_ETOOBIG;
      break;
    }
    pools[n].id = fp_col_int64(st, 0);
    fp_db_col_copy(st, 1, pools[n].name, sizeof pools[n].name);
    pools[n].member = fp_col_int64(st, 2) != 0;
    n++;
  }
  fp_reset(st);
  if (rc != FP_DONE) return rc == FP_ETOOBIG ? FP_ETOOBIG : FP_EIO;
  for (int i = 0; i < n; i++) {
    cb(pools[i].id, pools[i].name, pools[i].member, ctx);
    st = FP_DB_STMT(c,
        "SELECT u.name, u.email FROM user_roles ur JOIN users u ON u.id = ur.user_id"
        " WHERE ur.role = 'pool_admin' AND ur.pool_id = ? AND u.active = 1 ORDER BY u.id",
        fp_int(pools[i].id));
    if (!st) return FP_EIO;
    while ((rc = fp_step(st)) == FP_ROW)
      admin_cb(fp_col_text(st, 0), fp_col_text(st, 1), ctx);
    fp_reset(st);
    if (rc != FP_DONE) return FP_EIO;
  }
  return 0;
}

FP_ROW_ADAPTER(member, struct fp_pool_member, read_member)

int fp_store_pool_member_list(struct fp_conn *c, const struct fp_member_query *q,
                              void (*cb)(const struct fp_pool_member *m, void *ctx), void *ctx, bool *more,
                              struct fp_list_pos *last) {
  static const struct fp_sort_sql SORTS[] = {
      [FP_MEMBER_BY_NAME] = {NULL, "lower(COALESCE(u.name, o.name, ''))", "m.id", false},
      [FP_MEMBER_NEWEST] = {"m.added_at", NULL, "m.id", true},
      [FP_MEMBER_OLDEST] = {"m.added_at", NULL, "m.id", false},
  };
  const struct fp_sort_sql *sort = &SORTS[q->sort];
  struct fp_sql sql;
  fp_sql_select_page(&sql, MEMBER_COLS, sort);
  fp_sql_add(&sql, MEMBER_FROM " WHERE m.pool_id = ");
  fp_sql_int(&sql, q->pool_id);
  if (q->kind && strcmp(q->kind, "clinician") == 0) fp_sql_add(&sql, " AND m.clinician_id IS NOT NULL");
  if (q->kind && strcmp(q->kind, "organisation") == 0) fp_sql_add(&sql, " AND m.organisation_id IS NOT NULL");
  fp_sql_opt_text(&sql, " AND cl.profession = ", q->profession);
  fp_sql_contains(&sql, q->q, (const char *const[]){"lower(COALESCE(u.name, o.name, ''))", "lower(COALESCE(o.ods_code, ''))", NULL});
  struct member_cb x = {cb, ctx};
  return fp_sql_page(c, &sql, sort, &q->after, q->limit, 8, member_row, &x, more, last);
}

/* ---- join requests ---- */

#define JOIN_COLS                                                                                           \
  "j.id, j.pool_id, j.clinician_id, j.status, COALESCE(j.message,''), j.created_at, COALESCE(j.decided_at,0),"\
  " COALESCE(j.decided_by,0), COALESCE(j.reason,''), p.name, COALESCE(p.icb_id,0), u.name, cl.profession,"  \
  " COALESCE(cl.registration_number,'')"
#define JOIN_FROM                                                                                           \
  " FROM join_requests j JOIN pools p ON p.id = j.pool_id JOIN clinicians cl ON cl.id = j.clinician_id"    \
  " JOIN users u ON u.id = cl.user_id"

static const struct fp_colspec JOIN_READ[] = {
    FP_C(INT, struct fp_join_request, id),
    FP_C(INT, struct fp_join_request, pool_id),
    FP_C(INT, struct fp_join_request, clinician_id),
    FP_C(TEXT, struct fp_join_request, status),
    FP_C(TEXT, struct fp_join_request, message),
    FP_C(INT, struct fp_join_request, created_at),
    FP_C(INT, struct fp_join_request, decided_at),
    FP_C(INT, struct fp_join_request, decided_by),
    FP_C(TEXT, struct fp_join_request, reason),
    FP_C(TEXT, struct fp_join_request, pool_name),
    FP_C(INT, struct fp_join_request, pool_icb_id),
    FP_C(TEXT, struct fp_join_request, clinician_name),
    FP_C(TEXT, struct fp_join_request, profession),
    FP_C(TEXT, struct fp_join_request, registration_number),
};

FP_ROW_READER(read_join, struct fp_join_request, JOIN_READ)

int fp_store_join_request_insert(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, const char *message,
                                 int64_t now, int64_t *id) {
  return FP_DB_INSERT(c, id,
      "INSERT INTO join_requests (pool_id, clinician_id, status, message, created_at) VALUES (?, ?, 'pending', ?, ?)",
      fp_int(pool_id), fp_int(clinician_id), fp_opt_txt(message), fp_int(now));
}

int fp_store_join_request_get(struct fp_conn *c, int64_t id, struct fp_join_request *out) {
  return fp_db_one_by_id(c, "SELECT " JOIN_COLS JOIN_FROM " WHERE j.id = ?", id, read_join, out);
}

int fp_store_join_request_decide(struct fp_conn *c, int64_t id, const char *status, const char *reason, int64_t actor,
                                 int64_t now) {
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE join_requests SET status = ?, reason = ?, decided_at = ?, decided_by = ?"
      " WHERE id = ? AND status = 'pending'",
      fp_txt(status), fp_opt_txt(reason), fp_int(now), fp_id(actor), fp_int(id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc == 0 && fp_db_changes(c) != 1) return FP_ECONFLICT;
  return rc;
}

int fp_store_join_request_accept_pending(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t actor,
                                         int64_t now, int64_t *id) {
  *id = 0;
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT id FROM join_requests WHERE pool_id = ? AND clinician_id = ? AND status = 'pending'",
          fp_int(pool_id), fp_int(clinician_id));
  if (!st) return FP_EIO;
  int rc = fp_step_int(st, id);
  if (rc == FP_ENOTFOUND) return 0;
  if (rc) return rc;
  return fp_store_join_request_decide(c, *id, "accepted", NULL, actor, now);
}

FP_ROW_ADAPTER(join, struct fp_join_request, read_join)

int fp_store_join_request_list(struct fp_conn *c, const struct fp_join_query *q,
                               void (*cb)(const struct fp_join_request *j, void *ctx), void *ctx, bool *more,
                               struct fp_list_pos *last) {
  static const struct fp_sort_sql SORTS[] = {
      [FP_JOIN_NEWEST] = {"j.created_at", NULL, "j.id", true},
      [FP_JOIN_OLDEST] = {"j.created_at", NULL, "j.id", false},
      [FP_JOIN_BY_NAME] = {NULL, "lower(u.name)", "j.id", false},
  };
  const struct fp_sort_sql *sort = &SORTS[q->sort];
  struct fp_sql sql;
  fp_sql_select_page(&sql, JOIN_COLS, sort);
  fp_sql_add(&sql, JOIN_FROM " WHERE j.pool_id = ");
  fp_sql_int(&sql, q->pool_id);
  fp_sql_opt_text(&sql, " AND j.status = ", q->status);
  fp_sql_opt_text(&sql, " AND cl.profession = ", q->profession);
  fp_sql_contains(&sql, q->q, (const char *const[]){"lower(u.name)", NULL});
  struct join_cb x = {cb, ctx};
  return fp_sql_page(c, &sql, sort, &q->after, q->limit, 14, join_row, &x, more, last);
}

int fp_store_join_request_list_for_clinician(struct fp_conn *c, int64_t clinician_id, bool oldest_first,
                                             bool has_cursor, int64_t cursor_at, int64_t cursor_id, int limit,
                                             void (*cb)(const struct fp_join_request *j, void *ctx), void *ctx,
                                             bool *more) {
  fp_stmt *st = FP_DB_STMT(c,
      oldest_first ? "SELECT " JOIN_COLS JOIN_FROM " WHERE j.clinician_id = ?1"
                     " AND (?2 = 0 OR j.created_at > ?3 OR (j.created_at = ?3 AND j.id > ?4))"
                     " ORDER BY j.created_at, j.id LIMIT ?5"
                   : "SELECT " JOIN_COLS JOIN_FROM " WHERE j.clinician_id = ?1"
                     " AND (?2 = 0 OR j.created_at < ?3 OR (j.created_at = ?3 AND j.id < ?4))"
                     " ORDER BY j.created_at DESC, j.id DESC LIMIT ?5",
      fp_int(clinician_id), fp_int(has_cursor), fp_int(cursor_at), fp_int(cursor_id), fp_int(limit + 1));
  if (!st) return FP_EIO;
  struct join_cb x = {cb, ctx};
  return fp_step_rows(st, limit, join_row, &x, more);
}

/* ---- custom roles ---- */

int fp_store_custom_role_list(struct fp_conn *c, void (*cb)(const char *code, const char *name, int64_t pool_id, void *ctx),
                              void *ctx) {
  fp_stmt *st = fp_db_stmt(c, "SELECT code, name, COALESCE(pool_id,0) FROM roles_custom ORDER BY code");
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    char code[48], name[201];
    fp_db_col_copy(st, 0, code, sizeof code);
    fp_db_col_copy(st, 1, name, sizeof name);
    cb(code, name, fp_col_int64(st, 2), ctx);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_custom_role_exists(struct fp_conn *c, const char *code, bool *exists) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT 1 FROM roles_custom WHERE code = ?", fp_txt(code));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  *exists = rc == FP_ROW;
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_custom_role_insert(struct fp_conn *c, const char *code, const char *name, int64_t pool_id, int64_t now,
                                int64_t *id) {
  return FP_DB_INSERT(c, id, "INSERT INTO roles_custom (code, name, pool_id, created_at) VALUES (?, ?, ?, ?)",
      fp_txt(code), fp_txt(name), fp_id(pool_id), fp_int(now));
}

#define ROLE_COLS "rowid, code, name, COALESCE(pool_id,0), created_at"

static const struct fp_colspec CUSTOM_ROLE_READ[] = {
    FP_C(INT, struct fp_custom_role, id),
    FP_C(TEXT, struct fp_custom_role, code),
    FP_C(TEXT, struct fp_custom_role, name),
    FP_C(INT, struct fp_custom_role, pool_id),
    FP_C(INT, struct fp_custom_role, created_at),
};

FP_ROW_READER(read_role, struct fp_custom_role, CUSTOM_ROLE_READ)

int fp_store_custom_role_get(struct fp_conn *c, const char *code, struct fp_custom_role *out) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT " ROLE_COLS " FROM roles_custom WHERE code = ?", fp_txt(code));
  if (!st) return FP_EIO;
  return fp_step_one(st, read_role, out);
}

int fp_store_pool_role_list(struct fp_conn *c, int64_t pool_id, void (*cb)(const struct fp_custom_role *role, void *ctx),
                            void *ctx) {
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT " ROLE_COLS " FROM roles_custom WHERE pool_id = ? ORDER BY code", fp_int(pool_id));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_custom_role role;
    read_role(st, &role);
    cb(&role, ctx);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* ---- users ---- */

struct user_cb {
  void (*cb)(const struct fp_user *u, void *ctx);
  void *ctx;
};

static const struct fp_colspec USER_LIST_READ[] = {
    FP_C(INT, struct fp_user, id),
    FP_C(TEXT, struct fp_user, email),
    FP_C(TEXT, struct fp_user, name),
    FP_C(BOOL, struct fp_user, active),
    FP_C(INT, struct fp_user, created_at),
    FP_C(INT, struct fp_user, deactivated_at),
    FP_C(INT, struct fp_user, erased_at),
};

static void user_row(fp_stmt *st, void *vctx) {
  struct user_cb *x = vctx;
  struct fp_user u;
  memset(&u, 0, sizeof u);
  fp_read_cols(st, 0, USER_LIST_READ, FP_NCOLS(USER_LIST_READ), &u);
  x->cb(&u, x->ctx);
}

int fp_store_user_list(struct fp_conn *c, const struct fp_user_query *q,
                       void (*cb)(const struct fp_user *u, void *ctx), void *ctx, bool *more, struct fp_list_pos *last) {
  static const struct fp_sort_sql SORTS[] = {
      [FP_USER_BY_NAME] = {NULL, "lower(name)", "id", false},
      [FP_USER_BY_EMAIL] = {NULL, "lower(email)", "id", false},
      [FP_USER_NEWEST] = {"created_at", NULL, "id", true},
  };
  const struct fp_sort_sql *sort = &SORTS[q->sort];
  struct fp_sql sql;
  fp_sql_select_page(&sql, "id, email, name, active, created_at, deactivated_at, erased_at", sort);
  fp_sql_add(&sql, " FROM users WHERE 1 = 1");
  if (q->active >= 0) {
    fp_sql_add(&sql, " AND active = ");
    fp_sql_int(&sql, q->active);
  }
  fp_sql_contains(&sql, q->q, (const char *const[]){"lower(email)", "lower(name)", NULL});
  struct user_cb x = {cb, ctx};
  return fp_sql_page(c, &sql, sort, &q->after, q->limit, FP_NCOLS(USER_LIST_READ), user_row, &x, more, last);
}

int fp_store_user_set_name(struct fp_conn *c, int64_t user_id, const char *name) {
  return FP_DB_RUN(c, "UPDATE users SET name = ? WHERE id = ?", fp_txt(name), fp_int(user_id));
}
