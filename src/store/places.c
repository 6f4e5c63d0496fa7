/* Organisations and postcodes. See places.h. */
#include "store/places.h"
#include "store/rows.h"
#include "store/sql.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "store/members.h"

void fp_org_clear(struct fp_org *o) {
  free(o->profile);
  o->profile = NULL;
}

#define ORG_COLS "id, level, ods_code, name, COALESCE(parent_id,0), COALESCE(icb_id,0), address, postcode, phone, email, lat, lon, profile, active, created_at, profile_complete"

static const struct fp_colspec ORG_READ[] = {
    FP_C(INT, struct fp_org, id),
    FP_C(TEXT, struct fp_org, level),
    FP_C(TEXT, struct fp_org, ods_code),
    FP_C(TEXT, struct fp_org, name),
    FP_C(INT, struct fp_org, parent_id),
    FP_C(INT, struct fp_org, icb_id),
    FP_C(TEXT, struct fp_org, address),
    FP_C(TEXT, struct fp_org, postcode),
    FP_C(TEXT, struct fp_org, phone),
    FP_C(TEXT, struct fp_org, email),
    FP_C_LOCATION(struct fp_org, has_location, lat, lon),
    FP_C(STRDUP, struct fp_org, profile),
    FP_C(BOOL, struct fp_org, active),
    FP_C(INT, struct fp_org, created_at),
    FP_C(BOOL, struct fp_org, profile_complete),
};

FP_ROW_READER(read_org, struct fp_org, ORG_READ)

int fp_store_org_get(struct fp_conn *c, int64_t id, struct fp_org *out) {
  return fp_db_one_by_id(c, "SELECT " ORG_COLS " FROM organisations WHERE id = ?", id, read_org, out);
}

static void bind_org(fp_stmt *st, const struct fp_org *o) {
  fp_bind_text(st, 1, o->level);
  fp_bind_text(st, 2, o->ods_code);
  fp_bind_text(st, 3, o->name);
  fp_bind_opt_id(st, 4, o->parent_id);
  fp_bind_opt_id(st, 5, o->icb_id);
  fp_bind_opt_text(st, 6, o->address);
  fp_bind_opt_text(st, 7, o->postcode);
  fp_bind_opt_text(st, 8, o->phone);
  fp_bind_opt_text(st, 9, o->email);
  if (o->has_location) {
    fp_bind_double(st, 10, o->lat);
    fp_bind_double(st, 11, o->lon);
  } else {
    fp_bind_null(st, 10);
    fp_bind_null(st, 11);
  }
  fp_bind_text(st, 12, o->profile ? o->profile : "{}");
  fp_bind_int64(st, 13, o->active);
  fp_bind_int64(st, 14, o->profile_complete);
}

int fp_store_org_insert(struct fp_conn *c, const struct fp_org *o, int64_t now, int64_t *id) {
  fp_stmt *st = fp_db_stmt(c,
      "INSERT INTO organisations (level, ods_code, name, parent_id, icb_id, address, postcode, phone, email, lat, lon,"
      " profile, active, profile_complete, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return FP_EIO;
  bind_org(st, o);
  fp_bind_int64(st, 15, now);
  int rc = fp_db_exec_stmt(st);
  if (rc == 0) *id = fp_db_last_id(c);
  if (rc == 0 && strcmp(o->level, "icb") == 0) {
    /* An ICB is its own ICB for scoping. */
    st = FP_DB_STMT(c, "UPDATE organisations SET icb_id = id WHERE id = ?", fp_int(*id));
    if (!st) return FP_EIO;
    rc = fp_db_exec_stmt(st);
  }
  return rc;
}

int fp_store_org_update(struct fp_conn *c, const struct fp_org *o) {
  fp_stmt *st = fp_db_stmt(c,
      "UPDATE organisations SET level=?, ods_code=?, name=?, parent_id=?, icb_id=?, address=?, postcode=?, phone=?,"
      " email=?, lat=?, lon=?, profile=?, active=?, profile_complete=? WHERE id=?");
  if (!st) return FP_EIO;
  bind_org(st, o);
  fp_bind_int64(st, 15, o->id);
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  /* Keep the shifts' copy of the practice's location in step. */
  st = fp_db_stmt(c, "UPDATE shifts SET lat = ?, lon = ? WHERE practice_id = ?");
  if (!st) return FP_EIO;
  if (o->has_location) {
    fp_bind_double(st, 1, o->lat);
    fp_bind_double(st, 2, o->lon);
  } else {
    fp_bind_null(st, 1);
    fp_bind_null(st, 2);
  }
  fp_bind_int64(st, 3, o->id);
  return fp_db_exec_stmt(st);
}

int fp_store_org_list(struct fp_conn *c, const char *level, int64_t icb_id, int64_t after_id, int limit,
                      void (*cb)(const struct fp_org *o, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " ORG_COLS
      " FROM organisations WHERE (CAST(?1 AS TEXT) IS NULL OR level = ?1) AND (?2 = 0 OR icb_id = ?2)"
      " AND id > ?3 ORDER BY id LIMIT ?4",
      fp_txt(level), fp_int(icb_id), fp_int(after_id), fp_int(limit));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_org o;
    read_org(st, &o);
    cb(&o, ctx);
    fp_org_clear(&o);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_postcode_put(struct fp_conn *c, const char *postcode, double lat, double lon) {
  return FP_DB_RUN(c,
      "INSERT INTO postcodes (postcode, lat, lon) VALUES (?, ?, ?)"
      " ON CONFLICT (postcode) DO UPDATE SET lat = excluded.lat, lon = excluded.lon",
      fp_txt(postcode), fp_real(lat), fp_real(lon));
}

int fp_store_postcode_get(struct fp_conn *c, const char *postcode, double *lat, double *lon) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT lat, lon FROM postcodes WHERE postcode = ?", fp_txt(postcode));
  if (!st) return FP_EIO;
  return FP_STEP_ONE(st, fp_out_real(lat), fp_out_real(lon));
}

/*
 * The organisations scope sees, as one fixed condition on alias o. Parameters: ?1 all (0/1), ?2
 * ICB ids, ?3 practice ids, ?4 pool ids (JSON arrays), ?5 the clinician id (0 when none).
 */
#define ORG_VISIBLE                                                                                         \
  "(?1 <> 0 OR o.icb_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2)) OR o.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?3))"      \
  " OR o.id IN (SELECT host_organisation_id FROM pools WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?4)))"     \
  " OR o.icb_id IN (SELECT icb_id FROM pools WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?4)))"               \
  " OR o.id IN (SELECT organisation_id FROM pool_members WHERE organisation_id IS NOT NULL"                \
  "   AND pool_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?4)))"                                                    \
  " OR (?5 <> 0 AND o.id IN (SELECT p.organisation_id FROM pool_members p JOIN pool_members m"             \
  "   ON m.pool_id = p.pool_id WHERE m.clinician_id = ?5 AND p.organisation_id IS NOT NULL)))"

static void bind_org_scope(fp_stmt *st, const struct fp_scope *s, struct fp_scope_lists *l) {
  fp_scope_lists_init(l, s);
  fp_bind_int64(st, 1, s->all);
  fp_bind_text(st, 2, l->icbs);
  fp_bind_text(st, 3, l->practices);
  fp_bind_text(st, 4, l->pools);
  fp_bind_int64(st, 5, s->clinician_id);
}

/* ORG_VISIBLE written into a built statement (o the organisation's alias). */
static void org_visible_sql(struct fp_sql *q, const struct fp_scope *s, const struct fp_scope_lists *l) {
  fp_sql_add(q, "(");
  fp_sql_int(q, s->all);
  fp_sql_add(q, " <> 0 OR o.icb_id IN (SELECT CAST(value AS BIGINT) FROM json_each(");
  fp_sql_text(q, l->icbs);
  fp_sql_add(q, ")) OR o.id IN (SELECT CAST(value AS BIGINT) FROM json_each(");
  fp_sql_text(q, l->practices);
  fp_sql_add(q, ")) OR o.id IN (SELECT host_organisation_id FROM pools WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(");
  fp_sql_text(q, l->pools);
  fp_sql_add(q, "))) OR o.icb_id IN (SELECT icb_id FROM pools WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(");
  fp_sql_text(q, l->pools);
  fp_sql_add(q, "))) OR o.id IN (SELECT organisation_id FROM pool_members WHERE organisation_id IS NOT NULL"
                " AND pool_id IN (SELECT CAST(value AS BIGINT) FROM json_each(");
  fp_sql_text(q, l->pools);
  fp_sql_add(q, "))) OR (");
  fp_sql_int(q, s->clinician_id);
  fp_sql_add(q, " <> 0 AND o.id IN (SELECT p.organisation_id FROM pool_members p JOIN pool_members m"
                " ON m.pool_id = p.pool_id WHERE m.clinician_id = ");
  fp_sql_int(q, s->clinician_id);
  fp_sql_add(q, " AND p.organisation_id IS NOT NULL)))");
}

struct org_cb {
  void (*cb)(const struct fp_org *o, void *ctx);
  void *ctx;
};

static void org_row(fp_stmt *st, void *vctx) {
  struct org_cb *x = vctx;
  struct fp_org o;
  read_org(st, &o);
  x->cb(&o, x->ctx);
  fp_org_clear(&o);
}

int fp_store_org_search(struct fp_conn *c, const struct fp_org_query *q, void (*cb)(const struct fp_org *o, void *ctx),
                        void *ctx, bool *more, struct fp_list_pos *last) {
  static const struct fp_sort_sql SORTS[] = {
      [FP_ORG_BY_NAME] = {NULL, "lower(o.name)", "o.id", false},
      [FP_ORG_BY_ODS_CODE] = {NULL, "lower(o.ods_code)", "o.id", false},
      [FP_ORG_NEWEST] = {"o.created_at", NULL, "o.id", true},
  };
  const struct fp_sort_sql *sort = &SORTS[q->sort];
  struct fp_scope_lists l;
  fp_scope_lists_init(&l, q->scope);
  struct fp_sql sql;
  fp_sql_select_page(&sql,
                     "o.id, o.level, o.ods_code, o.name, COALESCE(o.parent_id,0), COALESCE(o.icb_id,0), o.address,"
                     " o.postcode, o.phone, o.email, o.lat, o.lon, o.profile, o.active, o.created_at, o.profile_complete",
                     sort);
  fp_sql_add(&sql, " FROM organisations o WHERE ");
  org_visible_sql(&sql, q->scope, &l);
  fp_sql_opt_text(&sql, " AND o.level = ", q->level);
  fp_sql_opt_int(&sql, " AND o.parent_id = ", q->parent_id, q->parent_id != 0);
  if (q->active >= 0) {
    fp_sql_add(&sql, " AND o.active = ");
    fp_sql_int(&sql, q->active);
  }
  fp_sql_contains(&sql, q->q, (const char *const[]){"lower(o.name)", "lower(o.ods_code)", NULL});
  struct org_cb x = {cb, ctx};
  return fp_sql_page(c, &sql, sort, &q->after, q->limit, 16 /* the columns above: the sort key follows */, org_row, &x,
                     more, last);
}

int fp_store_org_visible(struct fp_conn *c, int64_t id, const struct fp_scope *scope, bool *visible) {
  fp_stmt *st = fp_db_stmt(c, "SELECT 1 FROM organisations o WHERE " ORG_VISIBLE " AND o.id = ?6");
  if (!st) return FP_EIO;
  struct fp_scope_lists l;
  bind_org_scope(st, scope, &l);
  fp_bind_int64(st, 6, id);
  int rc = fp_step(st);
  *visible = rc == FP_ROW;
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_org_by_ods(struct fp_conn *c, const char *ods_code, int64_t *id) {
  return FP_DB_INT(c, id, "SELECT id FROM organisations WHERE ods_code = ? ORDER BY id LIMIT 1", fp_txt(ods_code));
}

int fp_store_org_set_icb_below(struct fp_conn *c, int64_t id, int64_t icb_id) {
  static const char *const sql[] = {
      "WITH RECURSIVE below(id) AS (SELECT id FROM organisations WHERE parent_id = ?1"
      " UNION ALL SELECT o.id FROM organisations o JOIN below b ON o.parent_id = b.id)"
      " UPDATE organisations SET icb_id = ?2 WHERE id IN (SELECT id FROM below)",
      "WITH RECURSIVE tree(id) AS (SELECT ?1 UNION ALL SELECT o.id FROM organisations o JOIN tree t ON o.parent_id = t.id)"
      " UPDATE shifts SET icb_id = ?2 WHERE practice_id IN (SELECT id FROM tree)",
      "WITH RECURSIVE tree(id) AS (SELECT ?1 UNION ALL SELECT o.id FROM organisations o JOIN tree t ON o.parent_id = t.id)"
      " UPDATE pools SET icb_id = ?2 WHERE host_organisation_id IN (SELECT id FROM tree)",
  };
  for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
    fp_stmt *st = FP_DB_STMT(c, sql[i], fp_int(id), fp_id(icb_id));
    if (!st) return FP_EIO;
    int rc = fp_db_exec_stmt(st);
    if (rc) return rc;
  }
  return 0;
}
