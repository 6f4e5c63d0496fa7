/*
 * passport.c - the clinician's checks as the booking decision needs them. The passport issue
 * adds evidence, verification and the pool's configuration on top of these tables.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/shifts.h"

int fp_store_checks_load(struct fp_conn *c, int64_t clinician_id, const char *profession, struct fp_checks *out) {
  out->n_required = 0;
  out->n_records = 0;
  sqlite3_stmt *st = fp_db_stmt(c, "SELECT check_code FROM passport_requirements WHERE profession = ? ORDER BY check_code");
  if (!st) return FP_EIO;
  fp_db_bind_text(st, 1, profession);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n_required < FP_MAX_CHECKS) {
    fp_db_col_copy(st, 0, out->required[out->n_required], sizeof out->required[0]);
    out->required_ptrs[out->n_required] = out->required[out->n_required];
    out->n_required++;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return FP_EIO;
  st = fp_db_stmt(c, "SELECT check_code, status, COALESCE(expires_on, -2147483648) FROM passport_checks"
                     " WHERE clinician_id = ? ORDER BY id DESC");
  if (!st) return FP_EIO;
  sqlite3_bind_int64(st, 1, clinician_id);
  int max = (int)(sizeof out->records / sizeof out->records[0]);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n_records < max) {
    int i = out->n_records++;
    fp_db_col_copy(st, 0, out->record_code[i], sizeof out->record_code[0]);
    const char *status = (const char *)sqlite3_column_text(st, 1);
    out->records[i].code = out->record_code[i];
    out->records[i].status = !status ? FP_CHECK_SUBMITTED
                             : strcmp(status, "verified") == 0 ? FP_CHECK_VERIFIED
                             : strcmp(status, "rejected") == 0 ? FP_CHECK_REJECTED
                                                               : FP_CHECK_SUBMITTED;
    out->records[i].expires_on = (fp_day)sqlite3_column_int64(st, 2);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : FP_EIO;
}
