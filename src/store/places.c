/* Organisations and postcodes. See places.h. */
#include "store/places.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

void fp_org_clear(struct fp_org *o) {
  free(o->profile);
  o->profile = NULL;
}

#define ORG_COLS "id, level, ods_code, name, COALESCE(parent_id,0), COALESCE(icb_id,0), address, postcode, phone, email, lat, lon, profile, active, created_at"

static void read_org(sqlite3_stmt *st, struct fp_org *o) {
  memset(o, 0, sizeof *o);
  o->id = sqlite3_column_int64(st, 0);
  fp_db_col_copy(st, 1, o->level, sizeof o->level);
  fp_db_col_copy(st, 2, o->ods_code, sizeof o->ods_code);
  fp_db_col_copy(st, 3, o->name, sizeof o->name);
  o->parent_id = sqlite3_column_int64(st, 4);
  o->icb_id = sqlite3_column_int64(st, 5);
  fp_db_col_copy(st, 6, o->address, sizeof o->address);
  fp_db_col_copy(st, 7, o->postcode, sizeof o->postcode);
  fp_db_col_copy(st, 8, o->phone, sizeof o->phone);
  fp_db_col_copy(st, 9, o->email, sizeof o->email);
  o->has_location = sqlite3_column_type(st, 10) != SQLITE_NULL;
  o->lat = sqlite3_column_double(st, 10);
  o->lon = sqlite3_column_double(st, 11);
  o->profile = fp_db_col_strdup(st, 12);
  o->active = sqlite3_column_int(st, 13) != 0;
  o->created_at = sqlite3_column_int64(st, 14);
}

int fp_store_org_get(struct fp_conn *c, int64_t id, struct fp_org *out) {
  sqlite3_stmt *st = fp_db_stmt(c, "SELECT " ORG_COLS " FROM organisations WHERE id = ?");
  if (!st) return FP_EIO;
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) read_org(st, out);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return FP_ENOTFOUND;
  return rc == SQLITE_ROW ? 0 : FP_EIO;
}

static void bind_opt_id(sqlite3_stmt *st, int i, int64_t v) {
  if (v) sqlite3_bind_int64(st, i, v);
  else sqlite3_bind_null(st, i);
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s) { fp_db_bind_text(st, i, s && *s ? s : NULL); }

static void bind_org(sqlite3_stmt *st, const struct fp_org *o) {
  fp_db_bind_text(st, 1, o->level);
  fp_db_bind_text(st, 2, o->ods_code);
  fp_db_bind_text(st, 3, o->name);
  bind_opt_id(st, 4, o->parent_id);
  bind_opt_id(st, 5, o->icb_id);
  bind_opt_text(st, 6, o->address);
  bind_opt_text(st, 7, o->postcode);
  bind_opt_text(st, 8, o->phone);
  bind_opt_text(st, 9, o->email);
  if (o->has_location) {
    sqlite3_bind_double(st, 10, o->lat);
    sqlite3_bind_double(st, 11, o->lon);
  } else {
    sqlite3_bind_null(st, 10);
    sqlite3_bind_null(st, 11);
  }
  fp_db_bind_text(st, 12, o->profile ? o->profile : "{}");
  sqlite3_bind_int(st, 13, o->active);
}

int fp_store_org_insert(struct fp_conn *c, const struct fp_org *o, int64_t now, int64_t *id) {
  sqlite3_stmt *st = fp_db_stmt(c,
      "INSERT INTO organisations (level, ods_code, name, parent_id, icb_id, address, postcode, phone, email, lat, lon,"
      " profile, active, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return FP_EIO;
  bind_org(st, o);
  sqlite3_bind_int64(st, 14, now);
  int rc = fp_db_exec_stmt(st);
  if (rc == 0) *id = sqlite3_last_insert_rowid(c->db);
  if (rc == 0 && strcmp(o->level, "icb") == 0) {
    /* An ICB is its own ICB for scoping. */
    st = fp_db_stmt(c, "UPDATE organisations SET icb_id = id WHERE id = ?");
    if (!st) return FP_EIO;
    sqlite3_bind_int64(st, 1, *id);
    rc = fp_db_exec_stmt(st);
  }
  return rc;
}

int fp_store_org_update(struct fp_conn *c, const struct fp_org *o) {
  sqlite3_stmt *st = fp_db_stmt(c,
      "UPDATE organisations SET level=?, ods_code=?, name=?, parent_id=?, icb_id=?, address=?, postcode=?, phone=?,"
      " email=?, lat=?, lon=?, profile=?, active=? WHERE id=?");
  if (!st) return FP_EIO;
  bind_org(st, o);
  sqlite3_bind_int64(st, 14, o->id);
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  /* Keep the shifts' copy of the practice's location in step. */
  st = fp_db_stmt(c, "UPDATE shifts SET lat = ?, lon = ? WHERE practice_id = ?");
  if (!st) return FP_EIO;
  if (o->has_location) {
    sqlite3_bind_double(st, 1, o->lat);
    sqlite3_bind_double(st, 2, o->lon);
  }
  sqlite3_bind_int64(st, 3, o->id);
  return fp_db_exec_stmt(st);
}

int fp_store_org_list(struct fp_conn *c, const char *level, int64_t icb_id, int64_t after_id, int limit,
                      void (*cb)(const struct fp_org *o, void *ctx), void *ctx) {
  sqlite3_stmt *st = fp_db_stmt(c,
      "SELECT " ORG_COLS " FROM organisations WHERE (?1 IS NULL OR level = ?1) AND (?2 = 0 OR icb_id = ?2)"
      " AND id > ?3 ORDER BY id LIMIT ?4");
  if (!st) return FP_EIO;
  fp_db_bind_text(st, 1, level);
  sqlite3_bind_int64(st, 2, icb_id);
  sqlite3_bind_int64(st, 3, after_id);
  sqlite3_bind_int(st, 4, limit);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct fp_org o;
    read_org(st, &o);
    cb(&o, ctx);
    fp_org_clear(&o);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : FP_EIO;
}

int fp_store_postcode_put(struct fp_conn *c, const char *postcode, double lat, double lon) {
  sqlite3_stmt *st = fp_db_stmt(c, "INSERT INTO postcodes (postcode, lat, lon) VALUES (?, ?, ?)"
                                   " ON CONFLICT (postcode) DO UPDATE SET lat = excluded.lat, lon = excluded.lon");
  if (!st) return FP_EIO;
  fp_db_bind_text(st, 1, postcode);
  sqlite3_bind_double(st, 2, lat);
  sqlite3_bind_double(st, 3, lon);
  return fp_db_exec_stmt(st);
}

int fp_store_postcode_get(struct fp_conn *c, const char *postcode, double *lat, double *lon) {
  sqlite3_stmt *st = fp_db_stmt(c, "SELECT lat, lon FROM postcodes WHERE postcode = ?");
  if (!st) return FP_EIO;
  fp_db_bind_text(st, 1, postcode);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *lat = sqlite3_column_double(st, 0);
    *lon = sqlite3_column_double(st, 1);
  }
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return FP_ENOTFOUND;
  return rc == SQLITE_ROW ? 0 : FP_EIO;
}
