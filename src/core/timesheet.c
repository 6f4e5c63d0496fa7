/* The timesheet's state machine, who may move it, and the check of what was worked. See timesheet.h. */
#include "core/timesheet.h"

#include <string.h>

#include "core/error.h"

static const char *const STATE_NAMES[] = {
    [FP_TS_TO_SUBMIT] = "to_submit", [FP_TS_SUBMITTED] = "submitted", [FP_TS_QUERIED] = "queried",
    [FP_TS_APPROVED] = "approved",   [FP_TS_NOT_WORKED] = "not_worked",
};
enum { N_STATES = sizeof STATE_NAMES / sizeof STATE_NAMES[0] };

const char *fp_ts_state_name(enum fp_ts_state s) {
  return (unsigned)s < N_STATES ? STATE_NAMES[s] : "unknown";
}

int fp_ts_state_parse(const char *s, enum fp_ts_state *out) {
  if (!s || !out) return FP_EINVAL;
  for (unsigned i = 0; i < N_STATES; i++)
    if (strcmp(s, STATE_NAMES[i]) == 0) {
      *out = (enum fp_ts_state)i;
      return FP_OK;
    }
  return FP_EINVAL;
}

int fp_ts_next(enum fp_ts_state from, enum fp_ts_event ev, enum fp_ts_state *to) {
  enum fp_ts_state next;
  switch (ev) {
  case FP_TSEV_SUBMIT:
    if (from != FP_TS_TO_SUBMIT && from != FP_TS_QUERIED) return FP_ECONFLICT;
    next = FP_TS_SUBMITTED;
    break;
  case FP_TSEV_APPROVE:
  case FP_TSEV_AUTO_APPROVE:
    if (from != FP_TS_SUBMITTED) return FP_ECONFLICT;
    next = FP_TS_APPROVED;
    break;
  case FP_TSEV_QUERY:
    if (from != FP_TS_SUBMITTED) return FP_ECONFLICT;
    next = FP_TS_QUERIED;
    break;
  case FP_TSEV_NOT_WORKED:
    if (from != FP_TS_TO_SUBMIT && from != FP_TS_SUBMITTED && from != FP_TS_QUERIED) return FP_ECONFLICT;
    next = FP_TS_NOT_WORKED;
    break;
  case FP_TSEV_REOPEN:
    if (from != FP_TS_APPROVED) return FP_ECONFLICT;
    next = FP_TS_QUERIED;
    break;
  default: return FP_ECONFLICT;
  }
  if (to) *to = next;
  return FP_OK;
}

bool fp_ts_state_of(bool has_row, enum fp_ts_state row_state, bool confirmed, bool did_not_attend, fp_time ends_at,
                    fp_time now, enum fp_ts_state *out) {
  if (has_row) *out = row_state;
  else if (!confirmed) return false;
  else if (did_not_attend) *out = FP_TS_NOT_WORKED;
  else if (now >= ends_at) *out = FP_TS_TO_SUBMIT;
  else return false;
  return true;
}

bool fp_ts_may(const struct fp_actor *a, enum fp_ts_event ev, int64_t clinician_id, int64_t practice_id) {
  if (!a || !a->user_id) return false;
  switch (ev) {
  case FP_TSEV_SUBMIT:
  case FP_TSEV_REOPEN: return a->clinician_id != 0 && a->clinician_id == clinician_id;
  case FP_TSEV_APPROVE:
  case FP_TSEV_QUERY:
  case FP_TSEV_NOT_WORKED: return fp_actor_has_for(a, FP_ROLE_PRACTICE_MANAGER, practice_id);
  case FP_TSEV_AUTO_APPROVE: return false;
  }
  return false;
}

enum fp_ts_problem fp_ts_check(const struct fp_ts_times *t, fp_time booked_start, fp_time booked_end, fp_time now) {
  if (now < booked_end) return FP_TSP_NOT_ENDED;
  if (t->end <= t->start) return FP_TSP_END_BEFORE_START;
  if (t->end > now) return FP_TSP_IN_FUTURE;
  int64_t span = t->end - t->start;
  if (span > (int64_t)FP_TS_MAX_MINUTES * 60) return FP_TSP_TOO_LONG;
  if (t->break_minutes < 0 || (int64_t)t->break_minutes * 60 >= span) return FP_TSP_BREAK;
  int64_t off = t->start - booked_start;
  if (off > FP_TS_MAX_SHIFT_SECONDS || off < -FP_TS_MAX_SHIFT_SECONDS) return FP_TSP_FAR_FROM_BOOKING;
  return FP_TSP_OK;
}

int64_t fp_ts_fee_pence(const struct fp_ts_times *t, int64_t rate_pence, enum fp_rate_unit unit) {
  return fp_fee_pence(rate_pence, unit, fp_worked_minutes(t->start, t->end, t->break_minutes));
}

fp_time fp_ts_auto_approve_at(fp_time submitted_at, int32_t days) {
  return submitted_at > 0 && days > 0 ? submitted_at + (fp_time)days * 86400 : 0;
}

bool fp_ts_auto_approve_due(fp_time submitted_at, int32_t days, fp_time now) {
  fp_time at = fp_ts_auto_approve_at(submitted_at, days);
  return at != 0 && now >= at;
}

enum fp_ts_claim_problem fp_ts_claims_check(const struct fp_ts_claims *c, bool mileage_agreed, bool expenses_agreed) {
  if (c->miles > 0 && !mileage_agreed) return FP_TSC_MILEAGE_NOT_AGREED;
  if (c->expenses_pence > 0 && !expenses_agreed) return FP_TSC_EXPENSES_NOT_AGREED;
  if (c->expenses_pence > 0 && !c->has_note) return FP_TSC_NO_NOTE;
  return FP_TSC_OK;
}

int64_t fp_mileage_pence(int32_t miles) { return miles > 0 ? (int64_t)miles * FP_MILEAGE_PENCE_PER_MILE : 0; }
