/*
 * booking.c - the shift state machine and the booking decision.
 */
#include "core/booking.h"

#include <string.h>

#include "core/error.h"

#define LATE_CANCEL_SECS (48 * 3600)

static const char *const status_names[] = {
    [FP_SHIFT_OPEN] = "open",           [FP_SHIFT_BOOKED] = "booked",
    [FP_SHIFT_WITHDRAWN] = "withdrawn", [FP_SHIFT_CANCELLED] = "cancelled",
    [FP_SHIFT_COMPLETED] = "completed", [FP_SHIFT_AWAITING_APPROVAL] = "awaiting_approval",
};
_Static_assert(sizeof status_names / sizeof status_names[0] == FP_SHIFT_N_STATUSES, "a name for every status");

#define N_STATUSES ((int)(sizeof status_names / sizeof status_names[0]))

const char *fp_shift_status_name(enum fp_shift_status s) {
  if ((int)s < 0 || (int)s >= N_STATUSES)
    return "unknown";
  return status_names[s];
}

int fp_shift_status_parse(const char *s, enum fp_shift_status *out) {
  if (!s || !out)
    return FP_EINVAL;
  for (int i = 0; i < N_STATUSES; i++) {
    if (strcmp(s, status_names[i]) == 0) {
      *out = (enum fp_shift_status)i;
      return FP_OK;
    }
  }
  return FP_EINVAL;
}

int fp_shift_next(enum fp_shift_status from, enum fp_shift_event ev, enum fp_shift_status *to) {
  enum fp_shift_status next;
  switch (ev) {
  case FP_EV_BOOK:
    if (from != FP_SHIFT_OPEN)
      return FP_ECONFLICT;
    next = FP_SHIFT_BOOKED;
    break;
  case FP_EV_CLINICIAN_CANCEL:
    if (from != FP_SHIFT_BOOKED)
      return FP_ECONFLICT;
    next = FP_SHIFT_OPEN;
    break;
  case FP_EV_PRACTICE_CANCEL:
    if (from != FP_SHIFT_BOOKED && from != FP_SHIFT_OPEN)
      return FP_ECONFLICT;
    next = FP_SHIFT_CANCELLED;
    break;
  case FP_EV_WITHDRAW:
    if (from != FP_SHIFT_OPEN && from != FP_SHIFT_AWAITING_APPROVAL)
      return FP_ECONFLICT;
    next = FP_SHIFT_WITHDRAWN;
    break;
  case FP_EV_REOPEN:
    if (from != FP_SHIFT_CANCELLED)
      return FP_ECONFLICT;
    next = FP_SHIFT_OPEN;
    break;
  case FP_EV_EDIT: /* open again; fp_shift_published_status then says whether it awaits approval */
    if (from != FP_SHIFT_OPEN && from != FP_SHIFT_AWAITING_APPROVAL)
      return FP_ECONFLICT;
    next = FP_SHIFT_OPEN;
    break;
  case FP_EV_APPROVE_RATE:
  case FP_EV_REFUSE_RATE:
    if (from != FP_SHIFT_AWAITING_APPROVAL)
      return FP_ECONFLICT;
    next = ev == FP_EV_APPROVE_RATE ? FP_SHIFT_OPEN : FP_SHIFT_WITHDRAWN;
    break;
  case FP_EV_COMPLETE:
    if (from != FP_SHIFT_BOOKED)
      return FP_ECONFLICT;
    next = FP_SHIFT_COMPLETED;
    break;
  default:
    return FP_ECONFLICT;
  }
  if (to)
    *to = next;
  return FP_OK;
}

enum fp_shift_status fp_shift_published_status(bool over_cap) {
  return over_cap ? FP_SHIFT_AWAITING_APPROVAL : FP_SHIFT_OPEN;
}

bool fp_shift_may_decide_rate(const struct fp_actor *a, int64_t pool_id) {
  return a && a->user_id && pool_id && fp_actor_has_for(a, FP_ROLE_POOL_ADMIN, pool_id);
}

enum fp_transition fp_shift_transition(enum fp_shift_status from, enum fp_shift_event ev, fp_time now,
                                       fp_time starts_at, fp_time ends_at, enum fp_shift_status *to) {
  enum fp_shift_status next;
  if (fp_shift_next(from, ev, &next) != FP_OK)
    return FP_TRANS_INVALID_STATE;
  if (ev == FP_EV_COMPLETE) {
    if (now < ends_at)
      return FP_TRANS_TOO_EARLY;
  } else if (now >= starts_at) {
    return FP_TRANS_STARTED;
  }
  if (to)
    *to = next;
  return FP_TRANS_OK;
}

static const char *const booking_status_names[] = {
    [FP_BOOKING_CONFIRMED] = "confirmed",
    [FP_BOOKING_CANCELLED] = "cancelled",
};
#define N_BOOKING_STATUSES ((int)(sizeof booking_status_names / sizeof booking_status_names[0]))

const char *fp_booking_status_name(enum fp_booking_status s) {
  if ((int)s < 0 || (int)s >= N_BOOKING_STATUSES)
    return "unknown";
  return booking_status_names[s];
}

int fp_booking_status_parse(const char *s, enum fp_booking_status *out) {
  if (!s || !out)
    return FP_EINVAL;
  for (int i = 0; i < N_BOOKING_STATUSES; i++) {
    if (strcmp(s, booking_status_names[i]) == 0) {
      *out = (enum fp_booking_status)i;
      return FP_OK;
    }
  }
  return FP_EINVAL;
}

const char *fp_attendance_name(enum fp_attendance a) {
  switch (a) {
  case FP_ATTENDANCE_UNRECORDED: return NULL;
  case FP_ATTENDANCE_DID_NOT_ATTEND: return "did_not_attend";
  }
  return "unknown";
}

int fp_attendance_parse(const char *s, enum fp_attendance *out) {
  if (!out)
    return FP_EINVAL;
  if (!s || !*s)
    *out = FP_ATTENDANCE_UNRECORDED;
  else if (strcmp(s, "did_not_attend") == 0)
    *out = FP_ATTENDANCE_DID_NOT_ATTEND;
  else
    return FP_EINVAL;
  return FP_OK;
}

enum fp_transition fp_booking_transition(const struct fp_booking_state *from, enum fp_booking_event ev, fp_time now,
                                         fp_time starts_at, struct fp_booking_state *to) {
  if (!from || from->status != FP_BOOKING_CONFIRMED)
    return FP_TRANS_INVALID_STATE;
  struct fp_booking_state next = *from;
  switch (ev) {
  case FP_BEV_CANCEL:
    if (now >= starts_at)
      return FP_TRANS_STARTED;
    next.status = FP_BOOKING_CANCELLED;
    break;
  case FP_BEV_DID_NOT_ATTEND:
    if (from->attendance != FP_ATTENDANCE_UNRECORDED)
      return FP_TRANS_INVALID_STATE;
    if (now < starts_at)
      return FP_TRANS_TOO_EARLY;
    next.attendance = FP_ATTENDANCE_DID_NOT_ATTEND;
    break;
  default:
    return FP_TRANS_INVALID_STATE;
  }
  if (to)
    *to = next;
  return FP_TRANS_OK;
}

static const char *const app_status_names[] = {
    [FP_APP_PENDING] = "pending",
    [FP_APP_ACCEPTED] = "accepted",
    [FP_APP_DECLINED] = "declined",
    [FP_APP_WITHDRAWN] = "withdrawn",
};
#define N_APP_STATUSES ((int)(sizeof app_status_names / sizeof app_status_names[0]))

const char *fp_application_status_name(enum fp_application_status s) {
  if ((int)s < 0 || (int)s >= N_APP_STATUSES)
    return "unknown";
  return app_status_names[s];
}

int fp_application_status_parse(const char *s, enum fp_application_status *out) {
  if (!s || !out)
    return FP_EINVAL;
  for (int i = 0; i < N_APP_STATUSES; i++) {
    if (strcmp(s, app_status_names[i]) == 0) {
      *out = (enum fp_application_status)i;
      return FP_OK;
    }
  }
  return FP_EINVAL;
}

int fp_application_next(enum fp_application_status from, enum fp_application_event ev, enum fp_application_status *to) {
  if (from != FP_APP_PENDING)
    return FP_ECONFLICT;
  enum fp_application_status next;
  switch (ev) {
  case FP_AEV_ACCEPT: next = FP_APP_ACCEPTED; break;
  case FP_AEV_DECLINE:
  case FP_AEV_FILLED: next = FP_APP_DECLINED; break;
  case FP_AEV_WITHDRAW: next = FP_APP_WITHDRAWN; break;
  default: return FP_ECONFLICT;
  }
  if (to)
    *to = next;
  return FP_OK;
}

int fp_booking_mode_parse(const char *s, enum fp_booking_mode *out) {
  if (!s || !out)
    return FP_EINVAL;
  if (strcmp(s, "instant") == 0)
    *out = FP_MODE_INSTANT;
  else if (strcmp(s, "approval") == 0)
    *out = FP_MODE_APPROVAL;
  else
    return FP_EINVAL;
  return FP_OK;
}

const char *fp_booking_mode_name(enum fp_booking_mode m) {
  switch (m) {
  case FP_MODE_INSTANT: return "instant";
  case FP_MODE_APPROVAL: return "approval";
  }
  return "unknown";
}

bool fp_cancellation_late(fp_time now, fp_time starts_at) {
  if (now >= starts_at)
    return true;
  /* starts_at > now: the unsigned difference is exact and cannot overflow. */
  return (uint64_t)starts_at - (uint64_t)now < (uint64_t)LATE_CANCEL_SECS;
}

const char *fp_booking_outcome_code(enum fp_booking_outcome o) {
  switch (o) {
  case FP_BOOK_OK: return "ok";
  case FP_BOOK_SHIFT_TAKEN: return "shift_taken";
  case FP_BOOK_STARTED: return "shift_started";
  case FP_BOOK_APPROVAL_REQUIRED: return "approval_required";
  case FP_BOOK_NOT_ELIGIBLE: return "not_eligible";
  case FP_BOOK_OVERLAPPING: return "overlapping_booking";
  case FP_BOOK_NOT_VISIBLE: return "not_found";
  case FP_BOOK_WORKING_TIME: return "working_time_limit";
  }
  return "unknown";
}

enum fp_booking_outcome fp_booking_decide(const struct fp_booking_input *in) {
  if (in && !in->via_acceptance && in->elig && (in->elig->reasons & (FP_ELIG_ROLE | FP_ELIG_NOT_IN_POOL)))
    return FP_BOOK_NOT_VISIBLE;
  /* Held back from every clinician while its pool decides its rate (the scope's rule too). */
  if (in && !in->via_acceptance && in->status == FP_SHIFT_AWAITING_APPROVAL)
    return FP_BOOK_NOT_VISIBLE;
  if (!in || in->status != FP_SHIFT_OPEN)
    return FP_BOOK_SHIFT_TAKEN;
  if (in->now >= in->starts_at)
    return FP_BOOK_STARTED;
  if (in->mode == FP_MODE_APPROVAL && !in->via_acceptance)
    return FP_BOOK_APPROVAL_REQUIRED;
  if (!in->elig || !in->elig->bookable)
    return FP_BOOK_NOT_ELIGIBLE;
  if (in->clinician_has_overlap)
    return FP_BOOK_OVERLAPPING;
  if (in->working_time != FP_WT_OK)
    return FP_BOOK_WORKING_TIME;
  return FP_BOOK_OK;
}

bool fp_intervals_overlap(fp_time a0, fp_time a1, fp_time b0, fp_time b1) {
  /* An empty interval holds no instant, so it overlaps nothing. */
  return a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1;
}

static bool is_practice(const struct fp_actor *a, int64_t practice_id) {
  return fp_actor_has(a, FP_ROLE_SYSADMIN) || fp_actor_has_for(a, FP_ROLE_PRACTICE_MANAGER, practice_id);
}

enum fp_party fp_booking_canceller(const struct fp_actor *a, int64_t clinician_id, int64_t practice_id) {
  if (a->clinician_id && a->clinician_id == clinician_id) return FP_PARTY_CLINICIAN;
  if (is_practice(a, practice_id)) return FP_PARTY_PRACTICE;
  return FP_PARTY_NONE;
}

bool fp_booking_may_record_attendance(const struct fp_actor *a, int64_t practice_id) {
  return fp_actor_has_for(a, FP_ROLE_PRACTICE_MANAGER, practice_id);
}

bool fp_application_may(const struct fp_actor *a, enum fp_application_event ev, int64_t clinician_id,
                        int64_t practice_id) {
  switch (ev) {
  case FP_AEV_ACCEPT:
  case FP_AEV_DECLINE: return is_practice(a, practice_id);
  case FP_AEV_WITHDRAW: return a->clinician_id && a->clinician_id == clinician_id;
  case FP_AEV_FILLED: return false;
  }
  return false;
}

const char *fp_party_name(enum fp_party p) {
  switch (p) {
  case FP_PARTY_CLINICIAN: return "clinician";
  case FP_PARTY_PRACTICE: return "practice";
  case FP_PARTY_NONE: return NULL;
  }
  return NULL;
}

bool fp_shift_may_manage(const struct fp_actor *a, int64_t practice_id) { return is_practice(a, practice_id); }
