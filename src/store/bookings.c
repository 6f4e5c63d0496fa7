/* Bookings, the booking transaction, and applications. See shifts.h. */
#include "store/shifts.h"
#include "store/rows.h"
#include "store/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/money.h"
#include "store/accounts.h"
#include "store/terms.h"
#include "store/timesheets.h"

#define BOOKING_COLS                                                                                      \
  "b.id, b.shift_id, b.clinician_id, b.practice_id, b.starts_at, b.ends_at, b.status, b.fee_pence,"     \
  " b.created_at, COALESCE(b.cancelled_by,''), COALESCE(b.cancelled_at,0), COALESCE(b.reason,''),"      \
  " COALESCE(b.late,0), b.flags, s.role, o.name, u.name, b.attendance, b.attendance_at, COALESCE(b.pool_id,0),"     \
  " s.break_minutes, s.rate_pence, s.rate_unit, CASE WHEN t.booking_id IS NULL THEN 0 ELSE 1 END,"           \
  " COALESCE(t.state,''), COALESCE(t.actual_start,0), COALESCE(t.actual_end,0), COALESCE(t.break_minutes,0),"  \
  " COALESCE(t.fee_pence,0), COALESCE(t.submitted_at,0), COALESCE(t.decided_at,0), COALESCE(t.decided_by,0),"  \
  " COALESCE(t.query_reason,''), o.timesheet_auto_approve_days, COALESCE(i.id,0), COALESCE(i.number,0),"      \
  " COALESCE(i.status,''), COALESCE(i.due_on,0), COALESCE(i.paid_at,0), COALESCE(b.terms_source,''),"        \
  " COALESCE(b.terms_payment_days,0), COALESCE(b.terms_cancellation,''), COALESCE(b.terms_mileage,0),"         \
  " COALESCE(b.terms_expenses,0), COALESCE(b.cancellation_fee_pence,0), COALESCE(t.mileage_miles,0),"            \
  " COALESCE(t.expenses_pence,0), COALESCE(t.expenses_note,''),"                                               \
  " CASE WHEN t.decided_by = c.user_id THEN 1 ELSE 0 END"
#define BOOKING_FROM                                                                                      \
  " FROM bookings b JOIN shifts s ON s.id = b.shift_id JOIN organisations o ON o.id = b.practice_id"    \
  " JOIN clinicians c ON c.id = b.clinician_id JOIN users u ON u.id = c.user_id"                        \
  " LEFT JOIN timesheets t ON t.booking_id = b.id"                                                        \
  " LEFT JOIN invoice_lines il ON il.booking_id = b.id AND il.kind = 'fee' AND il.live = 1 LEFT JOIN invoices i ON i.id = il.invoice_id"

static const struct fp_colspec BOOKING_READ[] = {
    FP_C(INT, struct fp_booking, id),
    FP_C(INT, struct fp_booking, shift_id),
    FP_C(INT, struct fp_booking, clinician_id),
    FP_C(INT, struct fp_booking, practice_id),
    FP_C(INT, struct fp_booking, starts_at),
    FP_C(INT, struct fp_booking, ends_at),
    FP_C(TEXT, struct fp_booking, status),
    FP_C(INT, struct fp_booking, fee_pence),
    FP_C(INT, struct fp_booking, created_at),
    FP_C(TEXT, struct fp_booking, cancelled_by),
    FP_C(INT, struct fp_booking, cancelled_at),
    FP_C(TEXT, struct fp_booking, reason),
    FP_C(BOOL, struct fp_booking, late),
    FP_C(TEXT, struct fp_booking, flags),
    FP_C(TEXT, struct fp_booking, role),
    FP_C(TEXT, struct fp_booking, practice_name),
    FP_C(TEXT, struct fp_booking, clinician_name),
    FP_C(TEXT, struct fp_booking, attendance),
    FP_C(INT, struct fp_booking, attendance_at),
    FP_C(INT, struct fp_booking, pool_id),
    FP_C(INT, struct fp_booking, break_minutes),
    FP_C(INT, struct fp_booking, rate_pence),
    FP_C(TEXT, struct fp_booking, rate_unit),
    FP_C(BOOL, struct fp_booking, ts.has_row),
    FP_C(TEXT, struct fp_booking, ts.state),
    FP_C(INT, struct fp_booking, ts.actual_start),
    FP_C(INT, struct fp_booking, ts.actual_end),
    FP_C(INT, struct fp_booking, ts.break_minutes),
    FP_C(INT, struct fp_booking, ts.fee_pence),
    FP_C(INT, struct fp_booking, ts.submitted_at),
    FP_C(INT, struct fp_booking, ts.decided_at),
    FP_C(INT, struct fp_booking, ts.decided_by),
    FP_C(TEXT, struct fp_booking, ts.query_reason),
    FP_C(INT, struct fp_booking, ts.auto_approve_days),
    FP_C(INT, struct fp_booking, ts.invoice_id),
    FP_C(INT, struct fp_booking, ts.invoice_number),
    FP_C(TEXT, struct fp_booking, ts.invoice_status),
    FP_C(INT, struct fp_booking, ts.invoice_due_on),
    FP_C(INT, struct fp_booking, ts.invoice_paid_at),
    FP_C(TEXT, struct fp_booking, terms.source),
    FP_C(INT, struct fp_booking, terms.payment_days),
    FP_C(TEXT, struct fp_booking, terms.cancellation),
    FP_C(BOOL, struct fp_booking, terms.mileage),
    FP_C(BOOL, struct fp_booking, terms.expenses),
    FP_C(INT, struct fp_booking, cancellation_fee_pence),
    FP_C(INT, struct fp_booking, ts.miles),
    FP_C(INT, struct fp_booking, ts.expenses_pence),
    FP_C(TEXT, struct fp_booking, ts.expenses_note),
    FP_C(BOOL, struct fp_booking, ts.by_clinician),
};

FP_ROW_READER(read_booking, struct fp_booking, BOOKING_READ)

/* " OR" a pool's view of its own clinicians' bookings elsewhere: a pool administrator also sees the
   bookings its members made at the practices of other pools of its ICB (through their overflow,
   core/release.h), not only those at its own practices. */
static void or_members_bookings(struct fp_sql *sql, const struct fp_scope *scope) {
  if (!scope->n_pools) return;
  fp_sql_add(sql, " OR (b.clinician_id IN (SELECT clinician_id FROM pool_members WHERE clinician_id IS NOT NULL"
                  " AND pool_id IN ");
  fp_sql_id_list(sql, scope->pools, scope->n_pools);
  fp_sql_add(sql, ") AND s.icb_id IN (SELECT icb_id FROM pools WHERE id IN ");
  fp_sql_id_list(sql, scope->pools, scope->n_pools);
  fp_sql_add(sql, "))");
}

/* The statement of fp_store_booking_get. */
static fp_stmt *booking_get_stmt(struct fp_conn *c, int64_t id, const struct fp_scope *scope) {
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT " BOOKING_COLS BOOKING_FROM " WHERE b.id = ");
  fp_sql_int(&q, id);
  if (scope) {
    fp_sql_add(&q, " AND (");
    struct fp_scope s2 = *scope;
    s2.clinician_id = 0; /* a clinician sees only their own bookings */
    fp_scope_where(&q, &s2, "b.practice_id", "s.icb_id", NULL);
    or_members_bookings(&q, scope);
    if (scope->clinician_id) {
      fp_sql_add(&q, " OR b.clinician_id = ");
      fp_sql_int(&q, scope->clinician_id);
    }
    fp_sql_add(&q, ")");
  }
  return fp_sql_prepare(c, &q);
}

int fp_store_booking_get(struct fp_conn *c, int64_t id, const struct fp_scope *scope, struct fp_booking *out) {
  fp_stmt *st = booking_get_stmt(c, id, scope);
  if (!st) return FP_EIO;
  return fp_step_one(st, read_booking, out);
}

void fp_store_booking_read_at_commit(struct fp_conn *c, int64_t id) {
  if (fp_db_serial_writes(c)) return; /* read after the commit on a reader: nothing to send */
  fp_db_read_at_commit(booking_get_stmt(c, id, NULL));
}

/* A search text is at most 100 characters (fp_query_search_or_respond), of up to 4 bytes each in
   UTF-8, each byte perhaps escaped, between two '%'. */
#define LIKE_MAX (2 * 400 + 3)

/* " AND" the clinician's name (u) holds text; like (LIKE_MAX, the caller's, alive until the
   statement is prepared) receives the bound pattern. Only the clinician's: a practice looking for
   someone must not get every row because its own name matched too. */
static void where_clinician_name(struct fp_sql *sql, const char *text, char *like) {
  fp_db_like_contains(text, like, LIKE_MAX);
  fp_sql_add(sql, " AND lower(u.name) LIKE lower(");
  fp_sql_text(sql, like);
  fp_sql_add(sql, ") ESCAPE '\\'");
}

/* Ends a " WHERE (" with what scope sees by the row's practice (practice_col) as a practice, PCN,
   ICB or pool would (bookings: and a pool its members' bookings elsewhere, or_members_bookings),
   or, for a clinician, their own rows (own_cond: " OR x.clinician_id = ") and ")". */
static void where_seen_or_own(struct fp_sql *sql, const struct fp_scope *scope, const char *practice_col,
                              const char *own_cond, bool bookings) {
  struct fp_scope s2 = *scope;
  s2.clinician_id = 0;
  fp_scope_where(sql, &s2, practice_col, "s.icb_id", NULL);
  if (bookings) or_members_bookings(sql, scope);
  fp_sql_opt_int(sql, own_cond, scope->clinician_id, scope->clinician_id != 0);
  fp_sql_add(sql, ")");
}

/* Appends the rows past the cursor (key, id) in the order by key then id, ascending or descending
   (" AND (key > k OR (key = k AND id > i))"), the order, and a limit one past the page so that
   step_page can tell whether more follow. */
static void page_by_key(struct fp_sql *sql, const char *key, const char *id, bool desc, bool has_cursor,
                        int64_t cursor_key, int64_t cursor_id, int limit) {
  const char *after = desc ? " < " : " > ";
  char text[96];
  if (has_cursor) {
    snprintf(text, sizeof text, " AND (%s%s", key, after);
    fp_sql_add(sql, text);
    fp_sql_int(sql, cursor_key);
    snprintf(text, sizeof text, " OR (%s = ", key);
    fp_sql_add(sql, text);
    fp_sql_int(sql, cursor_key);
    snprintf(text, sizeof text, " AND %s%s", id, after);
    fp_sql_add(sql, text);
    fp_sql_int(sql, cursor_id);
    fp_sql_add(sql, "))");
  }
  snprintf(text, sizeof text, " ORDER BY %s%s, %s%s LIMIT ", key, desc ? " DESC" : "", id, desc ? " DESC" : "");
  fp_sql_add(sql, text);
  fp_sql_int(sql, (int64_t)limit + 1);
}

/* " AND" the booking's timesheet is in state ts at now: fp_ts_state_of (core/timesheet.h) as SQL,
   which tests/api/test_timesheets.c holds to the state each listed booking shows. */
static void where_timesheet(struct fp_sql *sql, enum fp_ts_state ts, int64_t now) {
  const char *confirmed = fp_booking_status_name(FP_BOOKING_CONFIRMED);
  if (ts == FP_TS_TO_SUBMIT) { /* no row, confirmed, attended (as far as anyone said) and ended */
    fp_sql_add(sql, " AND t.booking_id IS NULL AND b.status = ");
    fp_sql_text(sql, confirmed);
    fp_sql_add(sql, " AND b.attendance IS NULL AND b.ends_at <= ");
    fp_sql_int(sql, now);
  } else if (ts == FP_TS_NOT_WORKED) { /* the row says so, or no row and the clinician did not attend */
    fp_sql_add(sql, " AND (t.state = ");
    fp_sql_text(sql, fp_ts_state_name(ts));
    fp_sql_add(sql, " OR (t.booking_id IS NULL AND b.status = ");
    fp_sql_text(sql, confirmed);
    fp_sql_add(sql, " AND b.attendance = ");
    fp_sql_text(sql, fp_attendance_name(FP_ATTENDANCE_DID_NOT_ATTEND));
    fp_sql_add(sql, "))");
  } else {
    fp_sql_add(sql, " AND t.state = ");
    fp_sql_text(sql, fp_ts_state_name(ts));
  }
}

/* Runs sql and hands up to limit rows to row; *more is set when another follows them. */
static int step_page(struct fp_conn *c, struct fp_sql *sql, int limit, void (*row)(fp_stmt *st, void *ctx),
                     void *ctx, bool *more) {
  fp_stmt *st = fp_sql_prepare(c, sql);
  if (!st) return FP_EIO;
  return fp_step_rows(st, limit, row, ctx, more);
}

FP_ROW_ADAPTER(booking, struct fp_booking, read_booking)

int fp_store_booking_search(struct fp_conn *c, const struct fp_booking_query *q,
                            void (*cb)(const struct fp_booking *b, void *ctx), void *ctx, bool *more) {
  struct fp_sql sql;
  fp_sql_init(&sql);
  fp_sql_add(&sql, "SELECT " BOOKING_COLS BOOKING_FROM " WHERE (");
  where_seen_or_own(&sql, q->scope, "b.practice_id", " OR b.clinician_id = ", true);
  fp_sql_opt_int(&sql, " AND b.clinician_id = ", q->clinician_id, q->clinician_id != 0);
  fp_sql_opt_int(&sql, " AND b.shift_id = ", q->shift_id, q->shift_id != 0);
  fp_sql_opt_text(&sql, " AND b.status = ", q->status);
  fp_sql_opt_int(&sql, " AND b.starts_at >= ", q->from, q->has_from);
  fp_sql_opt_int(&sql, " AND b.starts_at < ", q->to, q->has_to);
  char like[LIKE_MAX];
  if (q->q) where_clinician_name(&sql, q->q, like);
  if (q->when == FP_WHEN_UPCOMING) {
    fp_sql_add(&sql, " AND b.ends_at > ");
    fp_sql_int(&sql, q->now);
  } else if (q->when == FP_WHEN_PAST) {
    fp_sql_add(&sql, " AND b.ends_at <= ");
    fp_sql_int(&sql, q->now);
  }
  if (q->has_timesheet) where_timesheet(&sql, q->timesheet, q->now);
  /* The page after the cursor's row in this order: (starts_at, id) past it, either way. */
  page_by_key(&sql, "b.starts_at", "b.id", q->latest_first, q->has_cursor, q->cursor_start, q->cursor_id, q->limit);
  struct booking_cb x = {cb, ctx};
  return step_page(c, &sql, q->limit, booking_row, &x, more);
}

static fp_stmt *facts_stmt(struct fp_conn *c, int64_t clinician_id) {
  return FP_DB_STMT(c,
      "SELECT c.profession, u.active, u.id, u.name FROM clinicians c JOIN users u ON u.id = c.user_id"
      " WHERE c.id = ?",
      fp_int(clinician_id));
}

static int clinician_facts(struct fp_conn *c, struct fp_elig_view *v) {
  fp_stmt *st = facts_stmt(c, v->clinician_id);
  if (!st) return FP_EIO;
  return FP_STEP_ONE(st, fp_out_text(v->profession, sizeof v->profession), fp_out_bool(&v->active),
      fp_out_int(&v->user_id), fp_out_text(v->name, sizeof v->name));
}

/*
 * What the booking's overlap and working-time decisions read, in one statement: the strictest
 * guards of the clinician's pools (the row of kind 0; the defaults when they are in none) and
 * their confirmed bookings within 24 hours either side of [start, end) (kind 1), each with its
 * break. Those further away cannot share a 24-hour window or a duty period with it that the
 * guards would allow (core/working_time.h). Read by the index on (clinician_id, ends_at) (the
 * unary + keeps SQLite off the one by start): the bookings ending after the window's start are the
 * few near it and after, where those starting before its end are the clinician's whole history.
 * *w is malloc'd (free it), *n its length.
 */
#define WORK_SQL(AFTER, BEFORE)                                                                                   \
  "SELECT 0, COALESCE(MIN(p.max_worked_minutes_24h), ?2), COALESCE(MAX(p.min_rest_minutes_24h), ?3), 0"            \
  " FROM pool_members m JOIN pools p ON p.id = m.pool_id WHERE m.clinician_id = ?1"                                 \
  " UNION ALL SELECT 1, b.starts_at, b.ends_at, s.break_minutes FROM bookings b JOIN shifts s ON s.id = b.shift_id" \
  " WHERE b.clinician_id = ?1 AND b.status = 'confirmed' AND b.ends_at > " AFTER " AND +b.starts_at < " BEFORE

static fp_stmt *work_stmt(struct fp_conn *c, int64_t clinician_id, fp_time start, fp_time end) {
  struct fp_wt_limits lim = fp_wt_defaults();
  return FP_DB_STMT(c, WORK_SQL("?5", "?4"), fp_int(clinician_id), fp_int(lim.max_worked_minutes),
      fp_int(lim.min_rest_minutes), fp_int(end + FP_WT_WINDOW), fp_int(start - FP_WT_WINDOW));
}

/* The same for a shift in the store named by its id (its times read there): the booking sends it
   with its locks, before it has read the shift (fp_store_shift_lock_send). */
static fp_stmt *work_stmt_of_shift(struct fp_conn *c, int64_t clinician_id, int64_t shift_id) {
  struct fp_wt_limits lim = fp_wt_defaults();
  return FP_DB_STMT(c,
      WORK_SQL("(SELECT starts_at FROM shifts WHERE id = ?4) - ?5", "(SELECT ends_at FROM shifts WHERE id = ?4) + ?5"),
      fp_int(clinician_id), fp_int(lim.max_worked_minutes), fp_int(lim.min_rest_minutes), fp_int(shift_id),
      fp_int(FP_WT_WINDOW));
}

/* by_id: the shift is read by its id in the statement (work_stmt_of_shift), as stored. */
static int load_work(struct fp_conn *c, int64_t clinician_id, const struct fp_shift *s, bool by_id,
                     struct fp_wt_limits *lim, struct fp_work **w, size_t *n) {
  *w = NULL;
  *n = 0;
  *lim = fp_wt_defaults();
  fp_stmt *st = by_id ? work_stmt_of_shift(c, clinician_id, s->id) : work_stmt(c, clinician_id, s->starts_at, s->ends_at);
  if (!st) return FP_EIO;
  int rc, err = 0;
  size_t cap = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (fp_col_int64(st, 0) == 0) {
      lim->max_worked_minutes = (int32_t)fp_col_int64(st, 1);
      lim->min_rest_minutes = (int32_t)fp_col_int64(st, 2);
      continue;
    }
    if (*n == cap) {
      struct fp_work *nw = realloc(*w, (cap = cap ? cap * 2 : 8) * sizeof *nw);
      if (!nw) {
        err = FP_ENOMEM;
        break;
      }
      *w = nw;
    }
    (*w)[(*n)++] = (struct fp_work){fp_col_int64(st, 1), fp_col_int64(st, 2), (int32_t)fp_col_int64(st, 3)};
  }
  fp_reset(st);
  if (!err && rc != FP_DONE) err = FP_EIO;
  if (err) {
    free(*w);
    *w = NULL;
    *n = 0;
  }
  return err;
}

static int work_check(struct fp_conn *c, int64_t clinician_id, const struct fp_shift *s, bool by_id,
                      struct fp_wt_limits *limits, struct fp_wt_result *wt, bool *overlap) {
  struct fp_work *others = NULL, add = {s->starts_at, s->ends_at, (int32_t)s->break_minutes};
  size_t n_others = 0;
  *overlap = false;
  int rc = load_work(c, clinician_id, s, by_id, limits, &others, &n_others);
  if (rc) return rc;
  for (size_t i = 0; i < n_others && !*overlap; i++)
    *overlap = fp_intervals_overlap(others[i].start, others[i].end, s->starts_at, s->ends_at);
  fp_working_time_check(limits, others, n_others, &add, wt);
  free(others);
  return 0;
}

int fp_store_work_check(struct fp_conn *c, int64_t clinician_id, const struct fp_shift *s, struct fp_wt_limits *limits,
                        struct fp_wt_result *wt, bool *overlap) {
  return work_check(c, clinician_id, s, false, limits, wt, overlap);
}

int fp_store_offer_would_book(struct fp_conn *c, const struct fp_shift *s, struct fp_elig_view *v, bool read_work,
                              int64_t now, bool *takes) {
  *takes = false;
  struct fp_elig_result elig;
  int64_t pool_id = 0;
  int rc = fp_store_eligibility_view(c, v, s, &elig, &pool_id);
  struct fp_wt_limits limits;
  struct fp_wt_result wt = {0};
  bool overlap = false;
  if (!rc && elig.bookable && read_work) rc = fp_store_work_check(c, v->clinician_id, s, &limits, &wt, &overlap);
  enum fp_booking_mode mode;
  if (!rc && fp_booking_mode_parse(s->booking_mode, &mode) != 0) rc = FP_EIO;
  if (rc) return rc;
  struct fp_booking_input bi = {
      .status = FP_SHIFT_OPEN,
      .mode = mode,
      .starts_at = s->starts_at,
      .now = now,
      .via_acceptance = true,
      .elig = &elig,
      .clinician_has_overlap = overlap,
      .working_time = wt.outcome,
  };
  *takes = fp_booking_decide(&bi) == FP_BOOK_OK;
  return 0;
}

/*
 * Writes a shift's status `to` that the core's state machine decided from `from`; the row must
 * still say `from` (FP_ECONFLICT otherwise: someone changed it since it was read).
 */
static int set_shift_status(struct fp_conn *c, int64_t shift_id, enum fp_shift_status from, enum fp_shift_status to,
                            int64_t now) {
  fp_stmt *st = FP_DB_STMT(c, "UPDATE shifts SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
      fp_txt(fp_shift_status_name(to)), fp_int(now), fp_int(shift_id), fp_txt(fp_shift_status_name(from)));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  return fp_db_changes(c) == 1 ? 0 : FP_ECONFLICT;
}

static int application_status(struct fp_conn *c, int64_t id, enum fp_application_status *out) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT status FROM applications WHERE id = ?", fp_int(id));
  if (!st) return FP_EIO;
  int rc = fp_step(st), ret = FP_EIO;
  if (rc == FP_ROW)
    ret = fp_application_status_parse(fp_col_text(st, 0), out) == 0 ? 0 : FP_EIO;
  else if (rc == FP_DONE)
    ret = FP_ENOTFOUND;
  fp_reset(st);
  return ret;
}

/* The audit action of each application event (the names the audit log has always used). */
static const char *app_action(enum fp_application_event ev) {
  switch (ev) {
  case FP_AEV_ACCEPT: return "application.accept";
  case FP_AEV_FILLED: return "application.decline";
  case FP_AEV_DECLINE:
  case FP_AEV_WITHDRAW: break;
  }
  return "application.decide";
}

/*
 * Moves application id by event `ev` as the core's state machine decides (FP_ECONFLICT when it
 * refuses, nothing written), with reason (NULL: none; FP_AEV_FILLED: "filled"), and audits it.
 * known is the status already read, or NULL to read it here.
 */
static int application_move(struct fp_conn *c, int64_t id, enum fp_application_event ev, const char *reason,
                            int64_t actor, int64_t now, const enum fp_application_status *known) {
  enum fp_application_status from, to;
  int rc = 0;
  if (known) from = *known;
  else if ((rc = application_status(c, id, &from)) != 0) return rc;
  if (fp_application_next(from, ev, &to) != 0) return FP_ECONFLICT;
  if (ev == FP_AEV_FILLED) reason = "filled";
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE applications SET status = ?, reason = ?, decided_at = ?, decided_by = ?"
      " WHERE id = ? AND status = ?",
      fp_txt(fp_application_status_name(to)), fp_txt(reason), fp_int(now), fp_int(actor), fp_int(id),
      fp_txt(fp_application_status_name(from)));
  if (!st) return FP_EIO;
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  char before[64], after[96];
  snprintf(before, sizeof before, "{\"status\":\"%s\"}", fp_application_status_name(from));
  if (ev == FP_AEV_FILLED)
    snprintf(after, sizeof after, "{\"status\":\"%s\",\"reason\":\"filled\"}", fp_application_status_name(to));
  else
    snprintf(after, sizeof after, "{\"status\":\"%s\"}", fp_application_status_name(to));
  return fp_store_audit(c, now, actor, app_action(ev), "application", id, before, after);
}

/* The applications of a shift, in id order: what the booking reads of them before it writes. */
static fp_stmt *applications_stmt(struct fp_conn *c, int64_t shift_id) {
  return FP_DB_STMT(c, "SELECT id, status FROM applications WHERE shift_id = ? ORDER BY id", fp_int(shift_id));
}

/* A shift's applications as the booking read them (ids and statuses: malloc'd, apps_free). */
struct apps {
  int64_t *ids;
  enum fp_application_status *status;
  size_t n, cap;
};

static void apps_free(struct apps *a) {
  free(a->ids);
  free(a->status);
  memset(a, 0, sizeof *a);
}

/* Reads the shift's applications into *out (all of them: as many as there are). Read before the
   booking writes anything, with its other reads (applications_stmt is sent early): the shift is
   locked (FOR UPDATE, fp_store_shift_lock_for_booking), so no application for it can be added
   meanwhile (its foreign key waits for the lock). */
static int apps_read(struct fp_conn *c, int64_t shift_id, struct apps *out) {
  fp_stmt *st = applications_stmt(c, shift_id);
  if (!st) return FP_EIO;
  int rc, err = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    if (out->n == out->cap) {
      size_t cap = out->cap ? 2 * out->cap : 8;
      int64_t *ids = realloc(out->ids, cap * sizeof *ids);
      if (ids) out->ids = ids;
      enum fp_application_status *status = ids ? realloc(out->status, cap * sizeof *status) : NULL;
      if (!status) {
        err = FP_ENOMEM;
        break;
      }
      out->status = status;
      out->cap = cap;
    }
    out->ids[out->n] = fp_col_int64(st, 0);
    if (fp_application_status_parse(fp_col_text(st, 1), &out->status[out->n]) != 0) err = FP_EIO;
    out->n++;
  }
  fp_reset(st);
  if (!err && rc != FP_DONE) err = FP_EIO;
  return err;
}

/*
 * The shift is filled: each of its applications as read (apps) that the state machine lets be
 * declined as filled is (*n_filled counts them), except the one the booking accepted (accepted).
 */
static int applications_filled(struct fp_conn *c, const struct apps *apps, int64_t accepted, int64_t actor,
                               int64_t now, int *n_filled) {
  for (size_t i = 0; i < apps->n; i++) {
    if (apps->ids[i] == accepted || fp_application_next(apps->status[i], FP_AEV_FILLED, NULL) != 0) continue;
    int rc = application_move(c, apps->ids[i], FP_AEV_FILLED, NULL, actor, now, &apps->status[i]);
    if (rc) return rc;
    (*n_filled)++;
  }
  return 0;
}

void fp_book_result_release(struct fp_book_result *res) {
  if (!res) return;
  fp_elig_view_release(&res->view);
  fp_offer_list_release(&res->offers);
  fp_hook_list_release(&res->hooks);
}

void fp_elig_view_release(struct fp_elig_view *v) {
  for (size_t i = 0; i < v->n_pools; i++) fp_checks_release(&v->pools[i].checks);
  for (size_t i = 0; i < v->n_shared; i++) {
    free(v->shared[i].pools);
    free(v->shared[i].practice_pools);
  }
  free(v->pools);
  free(v->shared);
  int64_t id = v->clinician_id, now = v->now;
  bool every = v->every_practice;
  memset(v, 0, sizeof *v);
  v->clinician_id = id;
  v->every_practice = every;
  v->now = now;
}

/* The view's checks of pool_id (0: the baseline), loaded the first time. */
/* A new, empty entry for pool_id at the end of the view's pools (counted once filled). */
static struct fp_elig_pool *view_pool_add(struct fp_elig_view *v, int64_t pool_id) {
  if (v->n_pools == v->cap_pools) {
    size_t cap = v->cap_pools ? v->cap_pools * 2 : 4;
    struct fp_elig_pool *np = realloc(v->pools, cap * sizeof *np);
    if (!np) return NULL;
    v->pools = np;
    v->cap_pools = cap;
  }
  struct fp_elig_pool *p = &v->pools[v->n_pools];
  memset(p, 0, sizeof *p);
  p->pool_id = pool_id;
  return p;
}

static int view_pool(struct fp_conn *c, struct fp_elig_view *v, int64_t pool_id, struct fp_checks **k) {
  for (size_t i = 0; i < v->n_pools; i++)
    if (v->pools[i].pool_id == pool_id) {
      *k = &v->pools[i].checks;
      return 0;
    }
  struct fp_elig_pool *p = view_pool_add(v, pool_id);
  if (!p) return FP_ENOMEM;
  int rc = fp_store_checks_load(c, v->clinician_id, v->profession, pool_id, &p->checks);
  if (rc) {
    fp_checks_release(&p->checks);
    return rc;
  }
  v->n_pools++;
  *k = &p->checks;
  return 0;
}

/*
 * The pools clinicians share with a practice - the pools each is a member of that the practice is
 * also a member of, and none when the practice blocked them (?2 0: every pool they are in) - as
 * rows (clinician_id, pool_id) in that order; WHO says which clinicians. The rule for one clinician
 * (fp_store_clinician_pools); store/alerts.c shared_pools applies the same to the pools the alert
 * index keeps of many, and tests/api/test_alerts.c holds the two together (blocked, left, overflow).
 */
#define SHARED_POOLS_SQL(WHO, P)                                                                               \
  "SELECT DISTINCT m.clinician_id, m.pool_id FROM pool_members m WHERE " WHO " AND (" P " = 0 OR (EXISTS"        \
  " (SELECT 1 FROM pool_members o WHERE o.pool_id = m.pool_id AND o.organisation_id = " P ") AND NOT EXISTS"    \
  " (SELECT 1 FROM practice_clinician_marks bk WHERE bk.practice_id = " P " AND bk.clinician_id = m.clinician_id" \
  "  AND bk.kind = 'blocked'))) ORDER BY m.clinician_id, m.pool_id"

/* Appends the pool in column 1 to *ids (*n of them, room for *cap). 0 or FP_ENOMEM. */
static int pool_append(fp_stmt *st, int64_t **ids, size_t *n, size_t *cap) {
  if (*n == *cap) {
    int64_t *grown = realloc(*ids, (*cap = *cap ? *cap * 2 : 4) * sizeof *grown);
    if (!grown) return FP_ENOMEM;
    *ids = grown;
  }
  (*ids)[(*n)++] = fp_col_int64(st, 1);
  return 0;
}

static fp_stmt *shared_pools_stmt(struct fp_conn *c, int64_t clinician_id, int64_t practice_id) {
  return FP_DB_STMT(c, SHARED_POOLS_SQL("m.clinician_id = ?1", "?2"), fp_int(clinician_id), fp_int(practice_id));
}

/* The same for the practice of a shift in the store named by its id: the booking sends it with its
   locks, before it has read the shift (fp_store_shift_lock_send). */
static fp_stmt *shared_pools_of_shift_stmt(struct fp_conn *c, int64_t clinician_id, int64_t shift_id) {
  return FP_DB_STMT(c, SHARED_POOLS_SQL("m.clinician_id = ?1", "(SELECT practice_id FROM shifts WHERE id = ?2)"),
                    fp_int(clinician_id), fp_int(shift_id));
}

/* fp_store_clinician_pools from st (one of the two above). */
static int clinician_pools(fp_stmt *st, int64_t **ids, size_t *n) {
  *ids = NULL;
  *n = 0;
  if (!st) return FP_EIO;
  size_t cap = 0;
  int rc, err = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) err = pool_append(st, ids, n, &cap);
  fp_reset(st);
  if (!err && rc != FP_DONE) err = FP_EIO;
  if (err) {
    free(*ids);
    *ids = NULL;
    *n = 0;
  }
  return err;
}

int fp_store_clinician_pools(struct fp_conn *c, int64_t clinician_id, int64_t practice_id, int64_t **ids, size_t *n) {
  return clinician_pools(shared_pools_stmt(c, clinician_id, practice_id), ids, n);
}

/* A new, empty entry at the end of the view's shared pools. */
static struct fp_elig_shared *view_shared_add(struct fp_elig_view *v, int64_t practice_id) {
  if (v->n_shared == v->cap_shared) {
    size_t cap = v->cap_shared ? v->cap_shared * 2 : 8;
    struct fp_elig_shared *ns = realloc(v->shared, cap * sizeof *ns);
    if (!ns) return NULL;
    v->shared = ns;
    v->cap_shared = cap;
  }
  struct fp_elig_shared *sh = &v->shared[v->n_shared];
  memset(sh, 0, sizeof *sh);
  sh->practice_id = practice_id;
  return sh;
}

/* Every practice the view's clinician shares a pool with, and those pools, in one statement. The
   practices that blocked them (SHARED_POOLS_SQL's rule) are read once, not looked for at each
   practice of the pools: PostgreSQL's generic plan probed the marks once a row, 0.66 ms of a
   search's 1.5 against 0.20 ms (docs/PERFORMANCE.md, session 31). */
static int view_shared_all(struct fp_conn *c, struct fp_elig_view *v) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT DISTINCT o.organisation_id, m.pool_id FROM pool_members m"
      " JOIN pool_members o ON o.pool_id = m.pool_id AND o.organisation_id IS NOT NULL"
      " WHERE m.clinician_id = ?1 AND o.organisation_id NOT IN (SELECT bk.practice_id FROM practice_clinician_marks bk"
      "  WHERE bk.clinician_id = ?1 AND bk.kind = 'blocked')"
      " ORDER BY o.organisation_id, m.pool_id",
      fp_int(v->clinician_id));
  if (!st) return FP_EIO;
  int rc, err = 0;
  size_t cap = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    int64_t practice_id = fp_col_int64(st, 0);
    struct fp_elig_shared *sh = v->n_shared ? &v->shared[v->n_shared - 1] : NULL;
    if (!sh || sh->practice_id != practice_id) {
      if (!(sh = view_shared_add(v, practice_id))) {
        err = FP_ENOMEM;
        break;
      }
      v->n_shared++;
      cap = 0;
    }
    int64_t *np = sh->n < cap ? sh->pools : realloc(sh->pools, (cap = cap ? cap * 2 : 4) * sizeof *np);
    if (!np) {
      err = FP_ENOMEM;
      break;
    }
    sh->pools = np;
    sh->pools[sh->n++] = fp_col_int64(st, 1);
  }
  fp_reset(st);
  if (!err && rc != FP_DONE) err = FP_EIO;
  if (!err) v->shared_complete = true;
  return err;
}

/* The pools the view's clinician shares with practice_id, looked up the first time. */
static int view_shared(struct fp_conn *c, struct fp_elig_view *v, int64_t practice_id, struct fp_elig_shared **out) {
  int rc;
  if (v->every_practice && !v->shared_complete && v->n_shared == 0 && (rc = view_shared_all(c, v)) != 0) return rc;
  for (size_t i = 0; i < v->n_shared; i++)
    if (v->shared[i].practice_id == practice_id) {
      *out = &v->shared[i];
      return 0;
    }
  struct fp_elig_shared *sh = view_shared_add(v, practice_id);
  if (!sh) return FP_ENOMEM;
  /* With every practice read, one not among them shares no pool with the clinician. The booking's
     shift's practice is named by the shift (v->shift_hint: the statement sent with its locks). */
  if (!v->shared_complete &&
      (rc = v->shift_hint.id && v->shift_hint.practice_id == practice_id
                ? clinician_pools(shared_pools_of_shift_stmt(c, v->clinician_id, v->shift_hint.id), &sh->pools, &sh->n)
                : fp_store_clinician_pools(c, v->clinician_id, practice_id, &sh->pools, &sh->n)) != 0)
    return rc;
  v->n_shared++;
  *out = sh;
  return 0;
}

int fp_elig_view_adopt(struct fp_elig_view *v, int64_t practice_id, const int64_t *pools, size_t n,
                       const struct fp_checks *records, const struct fp_checks *const *required) {
  /* What it held before (another clinician's) goes; its arrays stay, for the next. */
  for (size_t i = 0; i < v->n_pools; i++) fp_checks_release(&v->pools[i].checks);
  v->n_pools = 0;
  for (size_t i = 0; i < v->n_shared; i++) {
    free(v->shared[i].pools);
    free(v->shared[i].practice_pools);
  }
  v->n_shared = 0;
  v->shared_complete = v->overflow_loaded = false;
  v->n_overflow_icbs = 0;
  struct fp_elig_shared *sh = view_shared_add(v, practice_id);
  if (!sh) return FP_ENOMEM;
  v->n_shared++;
  if (n && !(sh->pools = malloc(n * sizeof *sh->pools))) return FP_ENOMEM;
  if (n) memcpy(sh->pools, pools, n * sizeof *pools);
  sh->n = n;
  for (size_t j = 0; j < n; j++) {
    struct fp_elig_pool *p = view_pool_add(v, pools[j]);
    if (!p) return FP_ENOMEM;
    fp_checks_borrow(&p->checks, records, required[j]);
    v->n_pools++;
  }
  return 0;
}

/* The practice's mark of the view's clinician (sh->mark), read the first time. */
static int view_mark(struct fp_conn *c, struct fp_elig_view *v, struct fp_elig_shared *sh) {
  if (sh->mark) return 0;
  fp_stmt *st = FP_DB_STMT(c, "SELECT kind FROM practice_clinician_marks WHERE practice_id = ? AND clinician_id = ?",
      fp_int(sh->practice_id), fp_int(v->clinician_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  const char *kind = rc == FP_ROW ? fp_col_text(st, 0) : NULL;
  sh->mark = !kind ? 1 : strcmp(kind, "favourite") == 0 ? 2 : 3;
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

/* Whether the view's clinician is in a pool of `icb` that opted in to overflow (read once). */
static int view_overflow(struct fp_conn *c, struct fp_elig_view *v, int64_t icb, bool *yes) {
  *yes = false;
  if (!v->overflow_loaded) {
    int64_t pools[FP_MAX_CLINICIAN_POOLS];
    int n = 0, rc = fp_store_pools_of_clinician(c, v->clinician_id, pools, FP_MAX_CLINICIAN_POOLS, &n, v->overflow_icbs,
                                                &v->n_overflow_icbs);
    if (rc) return rc;
    v->overflow_loaded = true;
  }
  for (int i = 0; i < v->n_overflow_icbs; i++) *yes |= v->overflow_icbs[i] == icb;
  return 0;
}

/* The practice's pools in `icb` (sh->practice_pools), read the first time. */
static int view_practice_pools(struct fp_conn *c, struct fp_elig_shared *sh, int64_t icb) {
  if (sh->practice_pools_loaded) return 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT pm.pool_id FROM pool_members pm JOIN pools p ON p.id = pm.pool_id"
      " WHERE pm.organisation_id = ? AND p.icb_id = ? ORDER BY pm.pool_id",
      fp_int(sh->practice_id), fp_int(icb));
  if (!st) return FP_EIO;
  int rc, err = 0;
  size_t cap = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (sh->n_practice_pools == cap) {
      int64_t *np = realloc(sh->practice_pools, (cap = cap ? cap * 2 : 4) * sizeof *np);
      if (!np) {
        err = FP_ENOMEM;
        break;
      }
      sh->practice_pools = np;
    }
    sh->practice_pools[sh->n_practice_pools++] = fp_col_int64(st, 0);
  }
  fp_reset(st);
  if (!err && rc != FP_DONE) err = FP_EIO;
  if (!err) sh->practice_pools_loaded = true;
  return err;
}

/*
 * The pools through which the view's clinician reaches shift s, whose passport checks then decide
 * (*pools, *n; none: the shift is not theirs to book). Released to all: the pools they share with
 * the practice. Released in tiers (core/release.h, at v->now): those too, once the pool is open or
 * when they are a favourite; else, once the overflow is open and they are in a pool of the shift's
 * ICB that opted in (and the practice did not block them), the practice's own pools in that ICB.
 * The scope's SQL (src/store/scope.c fp_scope_where_shifts) compares the same instants.
 */
static int view_reach(struct fp_conn *c, struct fp_elig_view *v, const struct fp_shift *s, struct fp_elig_shared *sh,
                      const int64_t **pools, size_t *n) {
  *pools = sh->pools;
  *n = sh->n;
  if (s->release_mode != FP_RELEASE_TIERED) return 0;
  struct fp_release rel;
  fp_release_at(s->pool_opens_at, s->overflow_opens_at, v->now, &rel);
  if (sh->n && rel.tier >= FP_TIER_POOL) return 0;
  int rc = view_mark(c, v, sh);
  if (rc) return rc;
  if (sh->n && sh->mark == 2) return 0; /* a favourite, from posting */
  *n = 0;
  if (rel.tier < FP_TIER_OVERFLOW || sh->mark == 3) return 0;
  bool overflow = false;
  if ((rc = view_overflow(c, v, s->icb_id, &overflow)) != 0 || !overflow) return rc;
  if ((rc = view_practice_pools(c, sh, s->icb_id)) != 0) return rc;
  *pools = sh->practice_pools;
  *n = sh->n_practice_pools;
  return 0;
}

/* fp_passport_choose's checks_of over the view: candidate i is the i-th shared pool. */
struct view_choice {
  struct fp_conn *c;
  struct fp_elig_view *v;
  const int64_t *pools;
};

static int view_checks_of(void *vctx, size_t i, struct fp_checks **k) {
  struct view_choice *x = vctx;
  return view_pool(x->c, x->v, x->pools[i], k);
}

int fp_store_eligibility_view(struct fp_conn *c, struct fp_elig_view *v, const struct fp_shift *s,
                              struct fp_elig_result *elig, int64_t *pool_id) {
  int rc;
  if (!v->loaded) {
    if ((rc = clinician_facts(c, v)) != 0) return rc;
    v->loaded = true;
  }
  /* The passport is held to the baseline plus one shared pool's own checks: the first it meets
     (for a clinician from an overflow pool, one of the practice's pools). */
  struct fp_elig_shared *sh = NULL;
  if ((rc = view_shared(c, v, s->practice_id, &sh)) != 0) return rc;
  const int64_t *reach = NULL;
  size_t n_reach = 0;
  if ((rc = view_reach(c, v, s, sh, &reach, &n_reach)) != 0) return rc;
  static const int64_t baseline = 0; /* no shared pool: the national baseline alone */
  struct view_choice x = {c, v, n_reach ? reach : &baseline};
  size_t n = n_reach ? n_reach : 1, chosen = 0;
  struct fp_elig_result passport;
  fp_day day = fp_uk_day(s->starts_at);
  /* With one pool to choose from, it is the one (fp_passport_choose would decide it only to say so). */
  if (n > 1 && (rc = fp_passport_choose(n, view_checks_of, &x, v->profession, day, &passport, &chosen)) != 0) return rc;
  struct fp_checks *k = NULL;
  if ((rc = view_pool(c, v, x.pools[chosen], &k)) != 0) return rc;
  /* The pure decision. */
  struct fp_elig_input in = {
      .profession = v->profession,
      .clinician_active = v->active,
      .shares_pool = n_reach > 0,
      .role = s->role,
      .shift_day = day,
  };
  fp_checks_input(k, &in);
  fp_eligibility(&in, elig);
  *pool_id = k->pool_id;
  return 0;
}

int fp_store_eligibility(struct fp_conn *c, const struct fp_shift *s, int64_t clinician_id, int64_t now,
                         struct fp_book_result *res) {
  if (res->view.clinician_id != clinician_id) {
    fp_elig_view_release(&res->view);
    res->view.clinician_id = clinician_id;
  }
  res->view.now = now;
  return fp_store_eligibility_view(c, &res->view, s, &res->elig, &res->pool_id);
}

int fp_store_clinician_lock(struct fp_conn *c, int64_t clinician_id) {
  if (fp_db_serial_writes(c)) return 0; /* nothing runs beside this transaction: no lock to take */
  return FP_DB_RUN(c,
      "INSERT INTO booking_guards (clinician_id, n) VALUES (?, 1)"
      " ON CONFLICT (clinician_id) DO UPDATE SET n = booking_guards.n + 1",
      fp_int(clinician_id));
}

static int book_write(struct fp_conn *c, const struct fp_shift *s, enum fp_shift_status status,
                      int64_t clinician_id, int64_t actor, int64_t now, int64_t application_id,
                      const struct fp_terms *t, enum fp_terms_source source, const struct apps *apps,
                      struct fp_book_result *res);

/* fp_store_book; offered: the practice offered the clinician this shift (store/offers.h), which,
   like its accepting an application, is its approval. */
static int book(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t actor, int64_t now,
                int64_t application_id, bool offered, struct fp_book_result *res) {
  fp_book_result_release(res);
  memset(res, 0, sizeof *res);
  res->shift_id = shift_id;
  /* The locks first (db.h fp_store_write_locking): everything read below is then as committed
     by the transactions that held them before. On PostgreSQL their statement and every read after
     it go to the server in one round trip (sql.h fp_db_send_first, fp_db_prefetch), run there in
     that order: what the decision reads of the clinician (the statements fp_store_eligibility and
     work_check step below), and what the writes will need (the terms and the shift's applications
     for book_write, its offers and the webhooks that want to know for what follows the booking in
     its transaction). The reads that depend on the shift name it by its id, as it is not read yet. */
  fp_store_shift_lock_send(c, shift_id, clinician_id);
  fp_db_prefetch(facts_stmt(c, clinician_id));
  fp_db_prefetch(shared_pools_of_shift_stmt(c, clinician_id, shift_id));
  fp_store_checks_prefetch(c, clinician_id);
  fp_db_prefetch(work_stmt_of_shift(c, clinician_id, shift_id));
  fp_store_terms_prefetch(c, clinician_id, shift_id);
  fp_db_prefetch(applications_stmt(c, shift_id));
  fp_store_offers_prefetch(c, shift_id);
  fp_store_webhooks_prefetch(c, FP_HOOK_SHIFT_BOOKED, shift_id);
  struct fp_shift s; /* its own row: its status says whether it is booked */
  int64_t new_id = 0; /* PostgreSQL: the booking's id, taken with the locks */
  int rc = fp_store_shift_lock_for_booking(c, shift_id, clinician_id, &s, &new_id);
  if (rc) return rc;
  res->view.clinician_id = clinician_id; /* fresh (released above): the shift named as the reads did */
  res->view.shift_hint.id = shift_id;
  res->view.shift_hint.practice_id = s.practice_id;
  if ((rc = fp_store_eligibility(c, &s, clinician_id, now, res)) != 0) return rc;
  bool overlap = false;
  if ((rc = work_check(c, clinician_id, &s, true, &res->limits, &res->working_time, &overlap)) != 0) return rc;
  enum fp_shift_status status;
  enum fp_booking_mode mode;
  if (fp_shift_status_parse(s.status, &status) != 0 || fp_booking_mode_parse(s.booking_mode, &mode) != 0)
    return FP_EIO;
  struct fp_booking_input bi = {
      .status = status,
      .mode = mode,
      .starts_at = s.starts_at,
      .now = now,
      .via_acceptance = application_id != 0 || offered,
      .elig = &res->elig,
      .clinician_has_overlap = overlap,
      .working_time = res->working_time.outcome,
  };
  res->outcome = fp_booking_decide(&bi);
  if (res->outcome != FP_BOOK_OK) return 0;
  /* The terms it runs on, as the shift's page showed them (store/terms.h), copied into it. */
  struct fp_terms terms;
  enum fp_terms_source source;
  if ((rc = fp_store_terms_for_booking_at(c, clinician_id, shift_id, res->pool_id, bi.via_acceptance, &terms,
                                          &source)) != 0)
    return rc;
  /* The applications, offers and webhooks, read like the rest before anything is written (a write
     sets aside what was read early: sql.h fp_db_prefetch). */
  struct apps apps = {0};
  res->booking.id = new_id; /* SQLite: 0, given by the insert */
  if ((rc = apps_read(c, shift_id, &apps)) == 0 && (rc = fp_store_offers_pending(c, shift_id, now, &res->offers)) == 0 &&
      (rc = fp_store_webhooks_wanting(c, FP_HOOK_SHIFT_BOOKED, shift_id, &res->hooks)) == 0)
    rc = book_write(c, &s, status, clinician_id, actor, now, application_id, &terms, source, &apps, res);
  apps_free(&apps);
  return rc;
}

/* book's writes, once the core has said yes: the booking, the shift's status, the applications, the audit. */
static int book_write(struct fp_conn *c, const struct fp_shift *s, enum fp_shift_status status,
                      int64_t clinician_id, int64_t actor, int64_t now, int64_t application_id,
                      const struct fp_terms *t, enum fp_terms_source source, const struct apps *apps,
                      struct fp_book_result *res) {
  const int64_t shift_id = s->id;
  int rc;
  enum fp_rate_unit unit;
  if (fp_rate_unit_parse(s->rate_unit, &unit) != 0) return FP_EIO;
  int64_t fee = fp_fee_pence(s->rate_pence, unit, fp_worked_minutes(s->starts_at, s->ends_at, (int32_t)s->break_minutes));
  char bands[FP_TERMS_BANDS_LEN];
  fp_terms_bands_format(t, bands);
  /* The shift's status as the core's state machine moves it (the decision said open). */
  enum fp_shift_status booked;
  if (fp_shift_next(status, FP_EV_BOOK, &booked) != 0) return FP_ECONFLICT;
  /* On PostgreSQL, where several write at once, the booking (with the id book took) and the shift's
     new status in one statement, sent with the writes after it (fp_db_run_later): the shift's row
     must still say `status`, as set_shift_status asks, or its id is NULL and the insert refused.
     On SQLite, two statements and the id from the connection (RETURNING there collects its rows in
     an ephemeral table first: 2.4 % of the writer's time under booking load, docs/PERFORMANCE.md
     session 26). */
#define BOOKING_COLS_IN                                                                                                 \
  " bookings (shift_id, clinician_id, practice_id, starts_at, ends_at, status, fee_pence, created_by,"      \
  " created_at, pool_id, terms_source, terms_payment_days, terms_cancellation, terms_mileage, terms_expenses"
  bool together = !fp_db_serial_writes(c);
  fp_stmt *st = fp_db_stmt(c, together
      ? "WITH u AS (UPDATE shifts SET status = ?, updated_at = ? WHERE id = ? AND status = ? RETURNING id) INSERT INTO"
        BOOKING_COLS_IN ", id) VALUES ((SELECT id FROM u), ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      : "INSERT INTO" BOOKING_COLS_IN ") VALUES (?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?, ?, ?)");
#undef BOOKING_COLS_IN
  if (!st) return FP_EIO;
  int at = 0;
  if (together) {
    fp_bind_text(st, 1, fp_shift_status_name(booked));
    fp_bind_int64(st, 2, now);
    fp_bind_int64(st, 3, shift_id);
    fp_bind_text(st, 4, fp_shift_status_name(status));
    at = 3; /* the shift's id comes from the update */
  } else {
    fp_bind_int64(st, 1, shift_id);
  }
  fp_bind_int64(st, at + 2, clinician_id);
  fp_bind_int64(st, at + 3, s->practice_id);
  fp_bind_int64(st, at + 4, s->starts_at);
  fp_bind_int64(st, at + 5, s->ends_at);
  fp_bind_int64(st, at + 6, fee);
  fp_bind_int64(st, at + 7, actor);
  fp_bind_int64(st, at + 8, now);
  fp_bind_int64(st, at + 9, res->pool_id); /* the shared pool whose requirements it met */
  fp_bind_text(st, at + 10, fp_terms_source_name(source));
  fp_bind_int64(st, at + 11, t->payment_days);
  fp_bind_text(st, at + 12, bands);
  fp_bind_int64(st, at + 13, t->mileage);
  fp_bind_int64(st, at + 14, t->expenses);
  if (together) fp_bind_int64(st, at + 15, res->booking.id);
  int64_t booking_id = res->booking.id;
  if (together) {
    rc = fp_db_run_later(st);
  } else {
    rc = fp_step(st);
    if (rc == FP_DONE) booking_id = fp_db_last_id(c);
    fp_reset(st);
    if (rc == FP_DONE) rc = 0;
  }
  if (rc == FP_ECONFLICT) {
    /* The database's own guard fired (at once: SQLite, or PostgreSQL running the statement again
       with each run at once after the batch it went with failed): report it as the rule it enforces. */
    res->outcome = strstr(fp_db_errmsg(c), "overlapping") ? FP_BOOK_OVERLAPPING : FP_BOOK_SHIFT_TAKEN;
    res->booking.id = 0;
    return 0;
  }
  if (rc) return rc;
  if (!together && (rc = set_shift_status(c, shift_id, status, booked, now)) != 0) return rc;
  if (application_id) {
    const enum fp_application_status *known = NULL; /* as read with the others, when it is this shift's */
    for (size_t i = 0; i < apps->n && !known; i++)
      if (apps->ids[i] == application_id) known = &apps->status[i];
    if ((rc = application_move(c, application_id, FP_AEV_ACCEPT, NULL, actor, now, known)) != 0) return rc;
  }
  /* Every other application for this shift that the state machine lets be declined as filled is. */
  if ((rc = applications_filled(c, apps, application_id, actor, now, &res->n_filled)) != 0) return rc;
  char after[128];
  snprintf(after, sizeof after, "{\"shift_id\":%lld,\"clinician_id\":%lld,\"status\":\"confirmed\",\"pool_id\":%lld}",
           (long long)shift_id, (long long)clinician_id, (long long)res->pool_id);
  if ((rc = fp_store_audit(c, now, actor, "booking.create", "booking", booking_id, NULL, after)) != 0) return rc;
  /* Only its id: the caller reads the booking for its answer (fp_store_booking_read_at_commit). */
  res->booking.id = booking_id;
  res->shift = *s; /* for the messages the booking sends (store/tell.h) */
  return 0;
}

int fp_store_book(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t actor, int64_t now,
                  int64_t application_id, struct fp_book_result *res) {
  return book(c, shift_id, clinician_id, actor, now, application_id, false, res);
}

int fp_store_book_offered(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t actor, int64_t now,
                          struct fp_book_result *res) {
  return book(c, shift_id, clinician_id, actor, now, 0, true, res);
}

/* The booking's state as the core's machine sees it. */
static int booking_state(const struct fp_booking *b, struct fp_booking_state *out) {
  if (fp_booking_status_parse(b->status, &out->status) != 0 || fp_attendance_parse(b->attendance, &out->attendance) != 0)
    return FP_EIO;
  return 0;
}

int fp_store_booking_cancel(struct fp_conn *c, int64_t booking_id, const char *party, int64_t actor, int64_t now,
                            const char *reason, enum fp_transition *outcome, struct fp_booking *out) {
  struct fp_booking b;
  int rc = fp_store_booking_get(c, booking_id, NULL, &b);
  if (rc) return rc;
  struct fp_booking_state from, to;
  if ((rc = booking_state(&b, &from)) != 0) return rc;
  /* The core decides: a confirmed booking, before its shift starts. */
  if ((*outcome = fp_booking_transition(&from, FP_BEV_CANCEL, now, b.starts_at, &to)) != FP_TRANS_OK) return 0;
  struct fp_shift s;
  if ((rc = fp_store_shift_get(c, b.shift_id, NULL, &s)) != 0) return rc;
  enum fp_shift_status shift_from, shift_to;
  if (fp_shift_status_parse(s.status, &shift_from) != 0) return FP_EIO;
  bool by_clinician = strcmp(party, "clinician") == 0;
  *outcome = fp_shift_transition(shift_from, by_clinician ? FP_EV_CLINICIAN_CANCEL : FP_EV_PRACTICE_CANCEL, now,
                                 s.starts_at, s.ends_at, &shift_to);
  if (*outcome != FP_TRANS_OK) return 0;
  bool late = fp_cancellation_late(now, b.starts_at);
  /* The practice's cancellation owes the fee its terms give for the notice it gave (none for a
     booking made before terms were kept). */
  int64_t fee_owed = 0;
  int32_t fee_percent = 0;
  if (strcmp(party, "practice") == 0 && b.terms.source[0]) {
    struct fp_terms t = fp_terms_default();
    if (fp_terms_bands_parse(b.terms.cancellation, &t) != 0) return FP_EIO;
    fee_owed = fp_terms_cancellation_fee(&t, b.fee_pence, now, b.starts_at, &fee_percent);
  }
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE bookings SET status = ?, cancelled_by = ?, cancelled_by_user = ?, cancelled_at = ?,"
      " reason = ?, late = ?, cancellation_fee_pence = ? WHERE id = ? AND status = ?",
      fp_txt(fp_booking_status_name(to.status)), fp_txt(party), fp_int(actor), fp_int(now), fp_txt(reason),
      fp_int(late), fp_int(fee_owed), fp_int(booking_id), fp_txt(fp_booking_status_name(from.status)));
  if (!st) return FP_EIO;
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  if ((rc = set_shift_status(c, b.shift_id, shift_from, shift_to, now)) != 0) return rc;
  /* The reason is the user's text: quoted as JSON by the engine (store/accounts.h). */
  char after[256], before[64];
  snprintf(after, sizeof after,
           "{\"status\":\"%s\",\"cancelled_by\":\"%s\",\"late\":%s,\"cancellation_fee_pence\":%lld,"
           "\"cancellation_fee_percent\":%d,",
           fp_booking_status_name(to.status), party, late ? "true" : "false", (long long)fee_owed, (int)fee_percent);
  snprintf(before, sizeof before, "{\"status\":\"%s\"}", fp_booking_status_name(from.status));
  rc = fp_store_audit_reason(c, now, actor, "booking.cancel", "booking", booking_id, before, after, reason);
  if (rc) return rc;
  return fp_store_booking_get(c, booking_id, NULL, out);
}

int fp_store_booking_did_not_attend(struct fp_conn *c, int64_t booking_id, int64_t actor, int64_t now,
                                    enum fp_transition *outcome, struct fp_booking *out) {
  struct fp_booking b;
  int rc = fp_store_booking_get(c, booking_id, NULL, &b);
  if (rc) return rc;
  struct fp_booking_state from, to;
  if ((rc = booking_state(&b, &from)) != 0) return rc;
  if ((*outcome = fp_booking_transition(&from, FP_BEV_DID_NOT_ATTEND, now, b.starts_at, &to)) != FP_TRANS_OK) return 0;
  /* A timesheet already submitted goes to not_worked with it, if its state allows (not once approved). */
  enum fp_ts_state ts_from = FP_TS_TO_SUBMIT, ts_to = FP_TS_NOT_WORKED;
  if (b.ts.has_row && (fp_ts_state_parse(b.ts.state, &ts_from) != 0 || fp_ts_next(ts_from, FP_TSEV_NOT_WORKED, &ts_to) != 0)) {
    *outcome = FP_TRANS_INVALID_STATE;
    return 0;
  }
  /* The row must still hold what was read: nothing recorded yet. */
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE bookings SET attendance = ?, attendance_at = ?, attendance_by = ?"
      " WHERE id = ? AND status = ? AND attendance IS NULL",
      fp_txt(fp_attendance_name(to.attendance)), fp_int(now), fp_int(actor), fp_int(booking_id),
      fp_txt(fp_booking_status_name(from.status)));
  if (!st) return FP_EIO;
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  char after[96];
  snprintf(after, sizeof after, "{\"status\":\"%s\",\"attendance\":\"%s\"}", fp_booking_status_name(to.status),
           fp_attendance_name(to.attendance));
  if ((rc = fp_store_audit(c, now, actor, "booking.did_not_attend", "booking", booking_id,
                           "{\"status\":\"confirmed\",\"attendance\":null}", after)))
    return rc;
  if (b.ts.has_row && (rc = fp_store_timesheet_decide(c, booking_id, ts_from, ts_to, NULL, actor, now)) != 0) return rc;
  return fp_store_booking_get(c, booking_id, NULL, out);
}

/* Applications ----------------------------------------------------------------------------- */

#define APP_COLS                                                                                          \
  "a.id, a.shift_id, a.clinician_id, a.status, COALESCE(a.message,''), a.created_at,"                    \
  " COALESCE(a.decided_at,0), COALESCE(a.reason,''), s.practice_id, s.starts_at, s.ends_at, s.role,"      \
  " o.name, u.name, (SELECT b.status FROM bookings b WHERE b.shift_id = a.shift_id"                        \
  "  AND b.clinician_id = a.clinician_id AND b.created_at >= a.created_at ORDER BY b.id LIMIT 1)"
#define APP_FROM                                                                                          \
  " FROM applications a JOIN shifts s ON s.id = a.shift_id JOIN organisations o ON o.id = s.practice_id" \
  " JOIN clinicians c ON c.id = a.clinician_id JOIN users u ON u.id = c.user_id"

/* The status of the booking an application's acceptance made (the clinician's first of the shift
   since applying), column 14. */
static void read_app_booking(fp_stmt *st, struct fp_application *a) {
  if (strcmp(a->status, "accepted") == 0 && !fp_col_null(st, 14))
    fp_db_col_copy(st, 14, a->booking_status, sizeof a->booking_status);
}

static const struct fp_colspec APPLICATION_READ[] = {
    FP_C(INT, struct fp_application, id),
    FP_C(INT, struct fp_application, shift_id),
    FP_C(INT, struct fp_application, clinician_id),
    FP_C(TEXT, struct fp_application, status),
    FP_C(TEXT, struct fp_application, message),
    FP_C(INT, struct fp_application, created_at),
    FP_C(INT, struct fp_application, decided_at),
    FP_C(TEXT, struct fp_application, reason),
    FP_C(INT, struct fp_application, practice_id),
    FP_C(INT, struct fp_application, starts_at),
    FP_C(INT, struct fp_application, ends_at),
    FP_C(TEXT, struct fp_application, role),
    FP_C(TEXT, struct fp_application, practice_name),
    FP_C(TEXT, struct fp_application, clinician_name),
};

FP_ROW_READER_THEN(read_app, struct fp_application, APPLICATION_READ, read_app_booking)

int fp_store_application_insert(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, const char *message,
                                int64_t now, int64_t *id) {
  return FP_DB_INSERT(c, id,
      "INSERT INTO applications (shift_id, clinician_id, status, message, created_at)"
      " VALUES (?, ?, 'pending', ?, ?)",
      fp_int(shift_id), fp_int(clinician_id), fp_txt(message), fp_int(now));
}

int fp_store_application_get(struct fp_conn *c, int64_t id, struct fp_application *out) {
  return fp_db_one_by_id(c, "SELECT " APP_COLS APP_FROM " WHERE a.id = ?", id, read_app, out);
}

int fp_store_application_decide(struct fp_conn *c, int64_t id, enum fp_application_event ev, const char *reason,
                                int64_t actor, int64_t now) {
  return application_move(c, id, ev, reason, actor, now, NULL);
}

FP_ROW_ADAPTER(app, struct fp_application, read_app)

int fp_store_application_search(struct fp_conn *c, const struct fp_application_query *q,
                                void (*cb)(const struct fp_application *a, void *ctx), void *ctx, bool *more) {
  struct fp_sql sql;
  fp_sql_init(&sql);
  fp_sql_add(&sql, "SELECT " APP_COLS APP_FROM " WHERE (");
  where_seen_or_own(&sql, q->scope, "s.practice_id", " OR a.clinician_id = ", false);
  fp_sql_opt_int(&sql, " AND a.clinician_id = ", q->clinician_id, q->clinician_id != 0);
  fp_sql_opt_int(&sql, " AND a.shift_id = ", q->shift_id, q->shift_id != 0);
  fp_sql_opt_text(&sql, " AND a.status = ", q->status);
  char like[LIKE_MAX];
  if (q->q) where_clinician_name(&sql, q->q, like);
  /* The sort key and the id, in the same direction; the cursor is the last row's pair. */
  const char *key = q->sort == FP_APP_SOONEST ? "s.starts_at" : "a.created_at";
  page_by_key(&sql, key, "a.id", q->sort == FP_APP_NEWEST, q->has_cursor, q->cursor_key, q->cursor_id, q->limit);
  struct app_cb x = {cb, ctx};
  return step_page(c, &sql, q->limit, app_row, &x, more);
}
