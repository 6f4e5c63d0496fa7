/* What the capacity figures read. See capacity.h. */
#include "store/capacity.h"

#include "core/booking.h"
#include "core/error.h"
#include "store/rows.h"
#include "store/sql.h"

int fp_store_pool_clinician_ids(struct fp_conn *c, int64_t pool_id, int64_t after_id, int limit, int64_t *ids, size_t *n) {
  *n = 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT DISTINCT m.clinician_id FROM pool_members m JOIN clinicians cl ON cl.id = m.clinician_id"
      " JOIN users u ON u.id = cl.user_id WHERE m.pool_id = ? AND m.clinician_id > ? AND u.active <> 0"
      " ORDER BY m.clinician_id LIMIT ?",
      fp_int(pool_id), fp_int(after_id), fp_int(limit));
  if (!st) return FP_EIO;
  return fp_step_ids_upto(st, ids, (size_t)limit, n);
}

int fp_store_pool_demand(struct fp_conn *c, int64_t pool_id, int64_t from, int64_t to,
                         void (*cb)(int64_t starts_at, bool booked, void *ctx), void *ctx) {
  /* The states by the core's names: posted is open, booked or completed; filled is booked or completed. */
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT s.starts_at, CASE WHEN s.status IN (?5, ?6) THEN 1 ELSE 0 END"
      " FROM shifts s WHERE s.practice_id IN (SELECT organisation_id FROM pool_members"
      " WHERE pool_id = ?1 AND organisation_id IS NOT NULL)"
      " AND s.starts_at >= ?2 AND s.starts_at < ?3 AND s.status IN (?4, ?5, ?6)",
      fp_int(pool_id), fp_int(from), fp_int(to), fp_txt(fp_shift_status_name(FP_SHIFT_OPEN)),
      fp_txt(fp_shift_status_name(FP_SHIFT_BOOKED)), fp_txt(fp_shift_status_name(FP_SHIFT_COMPLETED)));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) cb(fp_col_int64(st, 0), fp_col_int64(st, 1) != 0, ctx);
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}
