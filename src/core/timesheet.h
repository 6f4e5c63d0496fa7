/*
 * timesheet.h - a booked session's timesheet (issue 13): what was actually worked, confirmed by
 * the clinician and approved by the practice, before any money is asked for.
 *
 * One timesheet per confirmed booking. Its state:
 *   to_submit  the session has ended and the clinician has not yet said what they worked (no row:
 *              the store derives it from the booking);
 *   submitted  the clinician confirmed or corrected the actual start, end and break;
 *   queried    the practice sent it back with a reason: the clinician corrects it and submits again;
 *   approved   the practice approved it, or nobody queried it for FP_TS_AUTO_APPROVE_DAYS days
 *              after its submission (approved by the upkeep, and shown as such);
 *   not_worked the practice recorded that the session was not worked (never invoiced).
 * Transitions: to_submit -> submitted (SUBMIT), queried -> submitted (SUBMIT), submitted -> approved
 * (APPROVE, AUTO_APPROVE), submitted -> queried (QUERY), to_submit | submitted | queried ->
 * not_worked (NOT_WORKED), approved -> queried (REOPEN: the clinician credited the session's
 * invoice to correct what it says, core/invoice.h FP_REISSUE_AFTER_CORRECTION; the store does it
 * only in that credit's transaction). Nothing leaves not_worked: an approved session is invoiced
 * (core/invoice.h).
 *
 * Who may: the booked clinician submits and reopens; a manager of the booking's practice approves, queries and
 * records a session not worked; AUTO_APPROVE is the upkeep's, never a person's. Depends on
 * core/actor.h, core/money.h and core/time.h.
 */
#ifndef FP_CORE_TIMESHEET_H
#define FP_CORE_TIMESHEET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/money.h"
#include "core/time.h"

enum fp_ts_state { FP_TS_TO_SUBMIT = 0, FP_TS_SUBMITTED, FP_TS_QUERIED, FP_TS_APPROVED, FP_TS_NOT_WORKED };
enum fp_ts_event {
  FP_TSEV_SUBMIT = 0, FP_TSEV_APPROVE, FP_TSEV_AUTO_APPROVE, FP_TSEV_QUERY, FP_TSEV_NOT_WORKED, FP_TSEV_REOPEN
};

/* Days after its submission an unqueried timesheet is approved by itself, unless its practice says
   otherwise (0: never; at most FP_TS_AUTO_APPROVE_MAX_DAYS). */
#define FP_TS_AUTO_APPROVE_DAYS 7
#define FP_TS_AUTO_APPROVE_MAX_DAYS 28
/* The longest a worked session may be (the working-time guard's default day is 13 hours). */
#define FP_TS_MAX_MINUTES (16 * 60)
/* How far the actual start may lie from the booked one (a session worked on another day is
   another booking). */
#define FP_TS_MAX_SHIFT_SECONDS (12 * 3600)

/* "to_submit", "submitted", "queried", "approved", "not_worked". */
const char *fp_ts_state_name(enum fp_ts_state s);
/* 0, or FP_EINVAL for any other text (*out untouched). */
int fp_ts_state_parse(const char *s, enum fp_ts_state *out);

/* The next state, or FP_ECONFLICT when the event is not allowed from `from` (*to untouched; to may
   be NULL to ask only). */
int fp_ts_next(enum fp_ts_state from, enum fp_ts_event ev, enum fp_ts_state *to);

/*
 * A booking's timesheet state at now: the row's, when the clinician has submitted one (has_row);
 * otherwise not_worked when the practice recorded that the clinician did not attend, and to_submit
 * once a confirmed booking's session has ended. false when the booking has no timesheet (cancelled,
 * or its session not ended yet).
 */
bool fp_ts_state_of(bool has_row, enum fp_ts_state row_state, bool confirmed, bool did_not_attend, fp_time ends_at,
                    fp_time now, enum fp_ts_state *out);

/* Whether the actor may cause ev on the timesheet of a booking of clinician_id at practice_id. */
bool fp_ts_may(const struct fp_actor *a, enum fp_ts_event ev, int64_t clinician_id, int64_t practice_id);

/* What was worked, as the clinician says. */
struct fp_ts_times {
  fp_time start, end;
  int32_t break_minutes;
};

enum fp_ts_problem {
  FP_TSP_OK = 0,
  FP_TSP_NOT_ENDED,      /* the booked session has not ended yet: nothing to confirm */
  FP_TSP_IN_FUTURE,      /* the actual end is after now */
  FP_TSP_END_BEFORE_START,
  FP_TSP_TOO_LONG,       /* over FP_TS_MAX_MINUTES from start to end */
  FP_TSP_BREAK,          /* the break is negative, or as long as the time from start to end */
  FP_TSP_FAR_FROM_BOOKING, /* the start is more than FP_TS_MAX_SHIFT_SECONDS from the booked start */
};

/* Whether the times can be submitted for a session booked [booked_start, booked_end) at now. */
enum fp_ts_problem fp_ts_check(const struct fp_ts_times *t, fp_time booked_start, fp_time booked_end, fp_time now);

/* The fee for what was worked: the hourly rate for the minutes actually worked (start to end less
   the break, across a clock change the time elapsed), or the session rate itself. */
int64_t fp_ts_fee_pence(const struct fp_ts_times *t, int64_t rate_pence, enum fp_rate_unit unit);

/*
 * Mileage and other expenses claimed with the times, where the booking's terms of engagement
 * allow them (core/terms.h): whole miles, paid at FP_MILEAGE_PENCE_PER_MILE (HMRC's approved
 * mileage rate for a car's first 10,000 business miles in a year); expenses in pence with a note
 * of what they were. Each is invoiced as its own line.
 */
#define FP_MILEAGE_PENCE_PER_MILE 45
#define FP_TS_MAX_MILES 1000
#define FP_TS_MAX_EXPENSES_PENCE 100000
struct fp_ts_claims {
  int32_t miles;          /* 0 .. FP_TS_MAX_MILES */
  int64_t expenses_pence; /* 0 .. FP_TS_MAX_EXPENSES_PENCE */
  bool has_note;          /* expenses say what they were */
};
enum fp_ts_claim_problem {
  FP_TSC_OK = 0,
  FP_TSC_MILEAGE_NOT_AGREED,  /* miles claimed under terms that allow no mileage */
  FP_TSC_EXPENSES_NOT_AGREED, /* expenses claimed under terms that allow none */
  FP_TSC_NO_NOTE,             /* expenses without a note of what they were */
};
/* Whether the claims can go with the timesheet under terms that allow mileage and expenses (or not). */
enum fp_ts_claim_problem fp_ts_claims_check(const struct fp_ts_claims *c, bool mileage_agreed, bool expenses_agreed);
/* What the miles are paid: miles * FP_MILEAGE_PENCE_PER_MILE. */
int64_t fp_mileage_pence(int32_t miles);

/* When a timesheet submitted at submitted_at, and not queried since, is approved by itself at a
   practice that approves after `days` days; 0 when never (days 0, or never submitted). The page's
   "approves itself on" and the upkeep's decision below are both this. */
fp_time fp_ts_auto_approve_at(fp_time submitted_at, int32_t days);
/* Whether that time has come at now. */
bool fp_ts_auto_approve_due(fp_time submitted_at, int32_t days, fp_time now);

#endif
