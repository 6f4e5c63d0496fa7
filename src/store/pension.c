/* A GP locum's pension details and the lines their forms are made from. See pension.h. */
#include "store/pension.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/rows.h"
#include "store/sql.h"

static const struct fp_colspec DETAILS_READ[] = {
    FP_C(TEXT, struct fp_pension_details, sd_number),
    FP_C(BOOL, struct fp_pension_details, pensioned),
    FP_C(INT, struct fp_pension_details, annual_pensionable_pence),
    FP_C(INT, struct fp_pension_details, updated_at),
};
FP_ROW_READER(read_details, struct fp_pension_details, DETAILS_READ)

int fp_store_pension_details_get(struct fp_conn *c, int64_t clinician_id, struct fp_pension_details *d) {
  memset(d, 0, sizeof *d);
  return fp_db_one_by_id(c,
      "SELECT sd_number, pensioned, annual_pensionable_pence, updated_at FROM pension_details WHERE clinician_id = ?",
      clinician_id, read_details, d);
}

int fp_store_pension_details_put(struct fp_conn *c, int64_t clinician_id, const struct fp_pension_details *d,
                                 int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c,
      "INSERT INTO pension_details (clinician_id, sd_number, pensioned, annual_pensionable_pence, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (clinician_id) DO UPDATE SET sd_number = ?2, pensioned = ?3,"
      " annual_pensionable_pence = ?4, updated_at = ?5",
      fp_int(clinician_id), fp_txt(d->sd_number), fp_int(d->pensioned), fp_int(d->annual_pensionable_pence),
      fp_int(now));
  if (rc) return rc;
  char after[128];
  snprintf(after, sizeof after, "{\"sd_number\":\"%s\",\"pensioned\":%s,\"annual_pensionable_pence\":%lld}",
           d->sd_number, d->pensioned ? "true" : "false", (long long)d->annual_pensionable_pence);
  return fp_store_audit(c, now, actor, "clinician.pension_details", "clinician", clinician_id, NULL, after);
}

static const struct fp_colspec LINE_READ[] = {
    FP_C(INT, struct fp_pension_line, invoice_id),   FP_C(INT, struct fp_pension_line, invoice_number),
    FP_C(INT, struct fp_pension_line, practice_id),  FP_C(TEXT, struct fp_pension_line, practice_name),
    FP_C(INT, struct fp_pension_line, worked_start), FP_C(INT, struct fp_pension_line, worked_end),
    FP_C(INT, struct fp_pension_line, fee_pence),    FP_C(INT, struct fp_pension_line, issued_at),
    FP_C(INT, struct fp_pension_line, paid_at),
};
FP_ROW_READER(read_line, struct fp_pension_line, LINE_READ)

int fp_store_pension_lines(struct fp_conn *c, int64_t clinician_id, int64_t from, int64_t to, bool paid,
                           void (*cb)(const struct fp_pension_line *l, void *ctx), void *ctx) {
  fp_stmt *st = paid
      ? FP_DB_STMT(c,
            "SELECT i.id, i.number, i.practice_id, i.customer_name, l.worked_start, l.worked_end, l.amount_pence,"
            " i.issued_at, COALESCE(i.paid_at, 0) FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id"
            " WHERE i.clinician_id = ? AND l.kind = 'fee' AND i.paid_at >= ? AND i.paid_at < ?"
            " ORDER BY i.id, l.worked_start, l.id",
            fp_int(clinician_id), fp_int(from), fp_int(to))
      : FP_DB_STMT(c,
            "SELECT i.id, i.number, i.practice_id, i.customer_name, l.worked_start, l.worked_end, l.amount_pence,"
            " i.issued_at, COALESCE(i.paid_at, 0) FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id"
            " WHERE i.clinician_id = ? AND l.kind = 'fee' AND i.issued_at >= ? AND i.issued_at < ?"
            " ORDER BY i.id, l.worked_start, l.id",
            fp_int(clinician_id), fp_int(from), fp_int(to));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_pension_line l;
    memset(&l, 0, sizeof l);
    read_line(st, &l);
    cb(&l, ctx);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}
