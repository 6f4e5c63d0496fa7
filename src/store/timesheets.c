/* A booked session's timesheet. See timesheets.h. */
#include "store/timesheets.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/invoices.h"
#include "store/rows.h"
#include "store/sql.h"

bool fp_booking_ts_state(const struct fp_booking *b, int64_t now, enum fp_ts_state *out) {
  enum fp_ts_state row = FP_TS_TO_SUBMIT;
  if (b->ts.has_row && fp_ts_state_parse(b->ts.state, &row) != 0) return false; /* the schema allows no other */
  return fp_ts_state_of(b->ts.has_row, row, strcmp(b->status, fp_booking_status_name(FP_BOOKING_CONFIRMED)) == 0,
                        strcmp(b->attendance, fp_attendance_name(FP_ATTENDANCE_DID_NOT_ATTEND)) == 0, b->ends_at, now,
                        out);
}

/* The audit's record of a change from `from` to `to` (the times, fee and claims when submitted). */
static int audit(struct fp_conn *c, int64_t booking_id, enum fp_ts_state from, enum fp_ts_state to,
                 const struct fp_ts_times *t, int64_t fee, const struct fp_ts_claims *cl, int64_t actor, int64_t now) {
  char before[48], after[256];
  snprintf(before, sizeof before, "{\"state\":\"%s\"}", fp_ts_state_name(from));
  if (t)
    snprintf(after, sizeof after,
             "{\"state\":\"%s\",\"actual_start\":%lld,\"actual_end\":%lld,\"break_minutes\":%d,\"fee_pence\":%lld,"
             "\"mileage_miles\":%d,\"expenses_pence\":%lld}",
             fp_ts_state_name(to), (long long)t->start, (long long)t->end, (int)t->break_minutes, (long long)fee,
             cl ? (int)cl->miles : 0, cl ? (long long)cl->expenses_pence : 0LL);
  else snprintf(after, sizeof after, "{\"state\":\"%s\",\"auto\":%s}", fp_ts_state_name(to), actor ? "false" : "true");
  const char *action = to == FP_TS_SUBMITTED     ? "timesheet.submit"
                       : from == FP_TS_APPROVED  ? "timesheet.reopen"
                       : to == FP_TS_QUERIED     ? "timesheet.query"
                       : to == FP_TS_NOT_WORKED  ? "timesheet.not_worked"
                       : actor                   ? "timesheet.approve"
                                                 : "timesheet.auto_approve";
  return fp_store_audit(c, now, actor, action, "timesheet", booking_id, before, after);
}

int fp_store_timesheet_submit(struct fp_conn *c, const struct fp_booking *b, enum fp_ts_state from,
                              const struct fp_ts_times *t, int64_t fee_pence, const struct fp_ts_claims *cl,
                              const char *note, int64_t actor, int64_t now) {
  enum fp_ts_state to;
  if (fp_ts_next(from, FP_TSEV_SUBMIT, &to) != 0) return FP_ECONFLICT;
  int rc;
  if (from == FP_TS_TO_SUBMIT) { /* the first: a second one at once finds the row (the key) */
    rc = FP_DB_RUN(c,
        "INSERT INTO timesheets (booking_id, state, actual_start, actual_end, break_minutes, fee_pence,"
        " submitted_at, submitted_by, mileage_miles, expenses_pence, expenses_note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        fp_int(b->id), fp_txt(fp_ts_state_name(to)), fp_int(t->start), fp_int(t->end), fp_int(t->break_minutes),
        fp_int(fee_pence), fp_int(now), fp_int(actor), fp_int(cl->miles), fp_int(cl->expenses_pence),
        fp_opt_txt(cl->expenses_pence ? note : NULL));
  } else {
    rc = FP_DB_RUN(c,
        "UPDATE timesheets SET state = ?, actual_start = ?, actual_end = ?, break_minutes = ?, fee_pence = ?,"
        " submitted_at = ?, submitted_by = ?, decided_at = NULL, decided_by = NULL, query_reason = NULL,"
        " mileage_miles = ?, expenses_pence = ?, expenses_note = ? WHERE booking_id = ? AND state = ?",
        fp_txt(fp_ts_state_name(to)), fp_int(t->start), fp_int(t->end), fp_int(t->break_minutes), fp_int(fee_pence),
        fp_int(now), fp_int(actor), fp_int(cl->miles), fp_int(cl->expenses_pence),
        fp_opt_txt(cl->expenses_pence ? note : NULL), fp_int(b->id), fp_txt(fp_ts_state_name(from)));
    if (rc == 0 && fp_db_changes(c) != 1) rc = FP_ECONFLICT;
  }
  return rc ? rc : audit(c, b->id, from, to, t, fee_pence, cl, actor, now);
}

int fp_store_timesheet_decide(struct fp_conn *c, int64_t booking_id, enum fp_ts_state from, enum fp_ts_state to,
                              const char *reason, int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c,
      "UPDATE timesheets SET state = ?, decided_at = ?, decided_by = ?, query_reason = ?"
      " WHERE booking_id = ? AND state = ?",
      fp_txt(fp_ts_state_name(to)), fp_int(now), fp_id(actor), fp_opt_txt(reason), fp_int(booking_id),
      fp_txt(fp_ts_state_name(from)));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  if ((rc = audit(c, booking_id, from, to, NULL, 0, NULL, actor, now)) != 0) return rc;
  /* An approved session is invoiced at once, in the same transaction (store/invoices.h). */
  return to == FP_TS_APPROVED ? fp_store_invoice_issue_for_session(c, booking_id, now, NULL) : 0;
}

int fp_store_timesheets_auto_approve(struct fp_conn *c, int64_t now, int *n) {
  *n = 0;
  enum { BATCH = 256 };
  for (;;) {
    int64_t ids[BATCH];
    int k = 0, rc;
    /* Those whose practice's delay has passed (each then asked of the core with its own). */
    fp_stmt *st = FP_DB_STMT(c,
        "SELECT t.booking_id, t.submitted_at, o.timesheet_auto_approve_days FROM timesheets t"
        " JOIN bookings b ON b.id = t.booking_id JOIN organisations o ON o.id = b.practice_id"
        " WHERE t.state = ? AND o.timesheet_auto_approve_days > 0"
        " AND t.submitted_at <= ? - o.timesheet_auto_approve_days * 86400 ORDER BY t.booking_id LIMIT ?",
        fp_txt(fp_ts_state_name(FP_TS_SUBMITTED)), fp_int(now), fp_int(BATCH));
    if (!st) return FP_EIO;
    while ((rc = fp_step(st)) == FP_ROW)
      if (fp_ts_auto_approve_due(fp_col_int64(st, 1), (int32_t)fp_col_int64(st, 2), now)) ids[k++] = fp_col_int64(st, 0);
    fp_reset(st);
    if (rc != FP_DONE) return FP_EIO;
    enum fp_ts_state to;
    if (k && fp_ts_next(FP_TS_SUBMITTED, FP_TSEV_AUTO_APPROVE, &to) != 0) return FP_EIO;
    for (int i = 0; i < k; i++) {
      if ((rc = fp_store_timesheet_decide(c, ids[i], FP_TS_SUBMITTED, to, NULL, 0, now)) != 0) return rc;
      (*n)++;
    }
    if (k < BATCH) return 0;
  }
}

int fp_store_timesheet_days_get(struct fp_conn *c, int64_t practice_id, int32_t *days) {
  int64_t d = FP_TS_AUTO_APPROVE_DAYS;
  int rc = FP_DB_INT(c, &d, "SELECT timesheet_auto_approve_days FROM organisations WHERE id = ?", fp_int(practice_id));
  *days = (int32_t)d;
  return rc;
}

int fp_store_timesheet_days_set(struct fp_conn *c, int64_t practice_id, int32_t days, int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c, "UPDATE organisations SET timesheet_auto_approve_days = ? WHERE id = ?", fp_int(days),
                     fp_int(practice_id));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  char after[48];
  snprintf(after, sizeof after, "{\"timesheet_auto_approve_days\":%d}", (int)days);
  return fp_store_audit(c, now, actor, "organisation.timesheet_auto_approve_days", "organisation", practice_id, NULL,
                        after);
}
