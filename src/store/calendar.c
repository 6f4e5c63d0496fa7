/* The iCalendar feeds in the store. See calendar.h. */
#include "store/calendar.h"
#include "store/rows.h"
#include "store/sql.h"

#include "core/error.h"

#define FEED_COLS "user_id, organisation_id, key_hash, created_by, created_at"

int fp_store_calendar_mint(struct fp_conn *c, int64_t user_id, int64_t organisation_id,
                           const unsigned char hash[FP_CAL_KEY_HASH_LEN], int64_t created_by, fp_time now, bool renew) {
  bool by_user = user_id > 0;
  int64_t owner = by_user ? user_id : organisation_id;
  if (owner <= 0) return FP_EINVAL;
  fp_stmt *st;
  if (renew)
    st = fp_db_stmt(c, by_user ? "DELETE FROM calendar_feeds WHERE user_id = ?1"
                               : "DELETE FROM calendar_feeds WHERE organisation_id = ?1");
  else
    st = fp_db_stmt(c, by_user ? "DELETE FROM calendar_feeds WHERE user_id = ?1 AND used_at IS NULL AND id NOT IN"
                                 " (SELECT id FROM calendar_feeds WHERE user_id = ?1 AND used_at IS NULL ORDER BY id DESC LIMIT ?2)"
                               : "DELETE FROM calendar_feeds WHERE organisation_id = ?1 AND used_at IS NULL AND id NOT IN"
                                 " (SELECT id FROM calendar_feeds WHERE organisation_id = ?1 AND used_at IS NULL ORDER BY id DESC LIMIT ?2)");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, owner);
  if (!renew) fp_bind_int64(st, 2, FP_CAL_UNUSED_KEPT - 1);
  int rc = fp_step(st);
  fp_reset(st);
  if (rc != FP_DONE) return FP_EIO;
  st = fp_db_stmt(c, "INSERT INTO calendar_feeds (" FEED_COLS ") VALUES (?, ?, ?, ?, ?)");
  if (!st) return FP_EIO;
  if (by_user) {
    fp_bind_int64(st, 1, user_id);
    fp_bind_null(st, 2);
  } else {
    fp_bind_null(st, 1);
    fp_bind_int64(st, 2, organisation_id);
  }
  fp_bind_blob(st, 3, hash, FP_CAL_KEY_HASH_LEN);
  fp_bind_int64(st, 4, created_by);
  fp_bind_int64(st, 5, now);
  rc = fp_step(st);
  fp_reset(st);
  return rc == FP_DONE ? 0 : rc == FP_ECONFLICT ? FP_ECONFLICT : FP_EIO;
}

int fp_store_calendar_find(struct fp_conn *c, const unsigned char hash[FP_CAL_KEY_HASH_LEN], int64_t *user_id,
                           int64_t *organisation_id, bool *used) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT COALESCE(user_id, 0), COALESCE(organisation_id, 0), used_at IS NOT NULL"
      " FROM calendar_feeds WHERE key_hash = ?",
      fp_blob(hash, FP_CAL_KEY_HASH_LEN));
  if (!st) return FP_EIO;
  return FP_STEP_ONE(st, fp_out_int(user_id), fp_out_int(organisation_id), fp_out_bool(used));
}

int fp_store_calendar_mark_used(struct fp_conn *c, const unsigned char hash[FP_CAL_KEY_HASH_LEN], fp_time now) {
  fp_stmt *st = FP_DB_STMT(c, "UPDATE calendar_feeds SET used_at = ? WHERE key_hash = ? AND used_at IS NULL",
      fp_int(now), fp_blob(hash, FP_CAL_KEY_HASH_LEN));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* Columns 0..12 of both feeds' queries, in struct fp_cal_row's order. */
static const struct fp_colspec CAL_READ[] = {
    FP_C(INT, struct fp_cal_row, id),
    FP_C(INT, struct fp_cal_row, starts_at),
    FP_C(INT, struct fp_cal_row, ends_at),
    FP_C(INT, struct fp_cal_row, created_at),
    FP_C(INT, struct fp_cal_row, changed_at),
    FP_C(BOOL, struct fp_cal_row, cancelled),
    FP_C(BOOL, struct fp_cal_row, booked),
    FP_C(STR, struct fp_cal_row, role),
    FP_C(STR, struct fp_cal_row, practice_name),
    FP_C(STR, struct fp_cal_row, practice_address),
    FP_C(STR, struct fp_cal_row, practice_postcode),
    FP_C(STR, struct fp_cal_row, clinician_name),
    FP_C(STR, struct fp_cal_row, description),
};

static int each_row(fp_stmt *st, fp_cal_row_fn fn, void *ctx) {
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_cal_row row;
    fp_read_cols(st, 0, CAL_READ, FP_NCOLS(CAL_READ), &row);
    int err = fn(ctx, &row);
    if (err) {
      fp_reset(st);
      return err;
    }
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* A clinician's bookings (?1 their user), and a practice's sessions (?1 the practice), from ?2 on,
   ?3 at most: the columns each_row reads. */
#define USER_ROWS_SQL                                                                                                  \
  "SELECT b.id, b.starts_at, b.ends_at, b.created_at,"                                                                 \
  " CASE WHEN b.status = 'cancelled' AND b.cancelled_at IS NOT NULL THEN b.cancelled_at ELSE b.created_at END,"        \
  " CASE WHEN b.status = 'cancelled' THEN 1 ELSE 0 END, 1,"                                                            \
  " s.role, o.name, o.address, o.postcode, '', s.description"                                                          \
  " FROM bookings b JOIN clinicians cl ON cl.id = b.clinician_id JOIN shifts s ON s.id = b.shift_id"                   \
  " JOIN organisations o ON o.id = b.practice_id"                                                                      \
  " WHERE cl.user_id = ? AND b.starts_at >= ? ORDER BY b.starts_at, b.id LIMIT ?"

#define ORG_ROWS_SQL                                                                                                   \
  "SELECT s.id, s.starts_at, s.ends_at, s.created_at, s.updated_at,"                                                   \
  " CASE WHEN s.status IN ('withdrawn','cancelled') THEN 1 ELSE 0 END,"                                                \
  " CASE WHEN s.status IN ('booked','completed') THEN 1 ELSE 0 END,"                                                   \
  " s.role, o.name, o.address, o.postcode,"                                                                            \
  " COALESCE((SELECT u.name FROM bookings b JOIN clinicians cl ON cl.id = b.clinician_id"                              \
  "   JOIN users u ON u.id = cl.user_id WHERE b.shift_id = s.id AND b.status = 'confirmed'), ''),"                     \
  " s.description"                                                                                                     \
  " FROM shifts s JOIN organisations o ON o.id = s.practice_id"                                                        \
  " WHERE s.practice_id = ? AND s.starts_at >= ? ORDER BY s.starts_at, s.id LIMIT ?"

static int rows(struct fp_conn *c, const char *sql, int64_t owner, fp_time from, fp_cal_row_fn fn, void *ctx) {
  fp_stmt *st = FP_DB_STMT(c, sql, fp_int(owner), fp_int(from), fp_int(FP_CAL_MAX_EVENTS));
  if (!st) return FP_EIO;
  return each_row(st, fn, ctx);
}

int fp_store_calendar_user_rows(struct fp_conn *c, int64_t user_id, fp_time from, fp_cal_row_fn fn, void *ctx) {
  return rows(c, USER_ROWS_SQL, user_id, from, fn, ctx);
}

int fp_store_calendar_org_rows(struct fp_conn *c, int64_t organisation_id, fp_time from, fp_cal_row_fn fn, void *ctx) {
  return rows(c, ORG_ROWS_SQL, organisation_id, from, fn, ctx);
}
