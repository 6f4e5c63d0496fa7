/*
 * booking.h - the shift and booking state machine and the booking decision.
 *
 * Shift status: open -> booked (a booking is made) -> open (the clinician cancels) or cancelled
 * (the practice cancels) -> open (re-opened); open -> withdrawn (the practice withdraws);
 * booked -> completed (after it has been worked). A shift posted, or edited, at a rate over its
 * pool's cap (core/rate_policy.h) is awaiting_approval instead of open: nobody sees it in the
 * market or books it until the pool's administrator approves the rate (-> open) or refuses it
 * (-> withdrawn); the practice may edit it (back to open when within the cap) or withdraw it. Once a shift has started its record is history:
 * only completing it is allowed (what was worked is corrected through the session's own record,
 * never by cancelling, withdrawing, re-opening or editing).
 *
 * Booking status: confirmed -> cancelled (by either side, before the shift starts). A confirmed
 * booking's attendance: unrecorded -> did_not_attend (the practice, once the shift has started).
 *
 * Application status: pending -> accepted (the practice accepts: a booking is made), declined (the
 * practice declines, or the shift is filled by someone else) or withdrawn (the applicant).
 *
 * Every status the store writes is one of these machines' answers. The booking decision is pure:
 * everything it needs is loaded first, inside the booking's transaction. So is the rule of who may
 * do what to a booking or an application (fp_booking_canceller and below). Depends on core/time.h,
 * core/actor.h and core/eligibility.h.
 */
#ifndef FP_CORE_BOOKING_H
#define FP_CORE_BOOKING_H

#include <stdbool.h>

#include "core/actor.h"
#include "core/eligibility.h"
#include "core/time.h"
#include "core/working_time.h"

enum fp_shift_status {
  FP_SHIFT_OPEN = 0,
  FP_SHIFT_BOOKED,
  FP_SHIFT_WITHDRAWN,
  FP_SHIFT_CANCELLED,
  FP_SHIFT_COMPLETED,
  FP_SHIFT_AWAITING_APPROVAL,
  FP_SHIFT_N_STATUSES
};

enum fp_shift_event {
  FP_EV_BOOK = 0,
  FP_EV_CLINICIAN_CANCEL,
  FP_EV_PRACTICE_CANCEL,
  FP_EV_WITHDRAW,
  FP_EV_REOPEN,
  FP_EV_EDIT,      /* changing times, rate, description: allowed only while open */
  FP_EV_COMPLETE,
  FP_EV_APPROVE_RATE, /* the pool's administrator approves a rate over the cap: published */
  FP_EV_REFUSE_RATE,  /* ... or refuses it: withdrawn */
};

/* The status a shift posted or edited takes: open, or awaiting_approval when its rate is over its
   pool's cap (core/rate_policy.h fp_rate_over_cap). */
enum fp_shift_status fp_shift_published_status(bool over_cap);
/* Whether the actor may approve or refuse the rate of a shift whose pool (its practice's, for its
   rate policy) is pool_id: that pool's administrators. */
bool fp_shift_may_decide_rate(const struct fp_actor *a, int64_t pool_id);

const char *fp_shift_status_name(enum fp_shift_status s);
int fp_shift_status_parse(const char *s, enum fp_shift_status *out);

/* The next status, or FP_ECONFLICT when the event is not allowed from `from` (*to untouched). */
int fp_shift_next(enum fp_shift_status from, enum fp_shift_event ev, enum fp_shift_status *to);

/* Why a transition was refused (the result of the *_transition functions below). */
enum fp_transition {
  FP_TRANS_OK = 0,
  FP_TRANS_INVALID_STATE, /* not allowed from the current status */
  FP_TRANS_STARTED,       /* not allowed once the shift has started */
  FP_TRANS_TOO_EARLY,     /* not allowed before the shift has started (or, to complete it, ended) */
};

/*
 * fp_shift_next at `now` for a shift of [starts_at, ends_at): once the shift has started every
 * event but COMPLETE is FP_TRANS_STARTED; COMPLETE needs the shift to have ended. *to is set only
 * on FP_TRANS_OK.
 */
enum fp_transition fp_shift_transition(enum fp_shift_status from, enum fp_shift_event ev, fp_time now,
                                       fp_time starts_at, fp_time ends_at, enum fp_shift_status *to);

enum fp_booking_status { FP_BOOKING_CONFIRMED = 0, FP_BOOKING_CANCELLED };
enum fp_attendance { FP_ATTENDANCE_UNRECORDED = 0, FP_ATTENDANCE_DID_NOT_ATTEND };
enum fp_booking_event {
  FP_BEV_CANCEL = 0,      /* either side, before the start */
  FP_BEV_DID_NOT_ATTEND,  /* the practice, after the start */
};
struct fp_booking_state {
  enum fp_booking_status status;
  enum fp_attendance attendance;
};

/* "confirmed", "cancelled"; "did_not_attend" (and NULL for unrecorded, which the store keeps as NULL). */
const char *fp_booking_status_name(enum fp_booking_status s);
int fp_booking_status_parse(const char *s, enum fp_booking_status *out);
const char *fp_attendance_name(enum fp_attendance a);
/* NULL or "" is unrecorded. */
int fp_attendance_parse(const char *s, enum fp_attendance *out);

/* The booking's next state at `now` for a shift starting at starts_at; *to is set only on FP_TRANS_OK. */
enum fp_transition fp_booking_transition(const struct fp_booking_state *from, enum fp_booking_event ev, fp_time now,
                                         fp_time starts_at, struct fp_booking_state *to);

enum fp_application_status { FP_APP_PENDING = 0, FP_APP_ACCEPTED, FP_APP_DECLINED, FP_APP_WITHDRAWN };
enum fp_application_event {
  FP_AEV_ACCEPT = 0, /* the practice accepts (inside the booking transaction) */
  FP_AEV_DECLINE,    /* the practice declines */
  FP_AEV_FILLED,     /* the shift was booked by someone else: declined */
  FP_AEV_WITHDRAW,   /* the applicant withdraws */
};
const char *fp_application_status_name(enum fp_application_status s);
int fp_application_status_parse(const char *s, enum fp_application_status *out);
/* The next status, or FP_ECONFLICT (*to untouched). */
int fp_application_next(enum fp_application_status from, enum fp_application_event ev, enum fp_application_status *to);

enum fp_booking_mode { FP_MODE_INSTANT = 0, FP_MODE_APPROVAL = 1 };
int fp_booking_mode_parse(const char *s, enum fp_booking_mode *out);
const char *fp_booking_mode_name(enum fp_booking_mode m);

/* A cancellation is late when made less than 48 hours before the start. */
bool fp_cancellation_late(fp_time now, fp_time starts_at);

enum fp_booking_outcome {
  FP_BOOK_OK = 0,
  FP_BOOK_SHIFT_TAKEN,         /* shift not open (booked, withdrawn, cancelled, completed) */
  FP_BOOK_STARTED,             /* shift already started: too late to book */
  FP_BOOK_APPROVAL_REQUIRED,   /* instant booking asked for on an approval shift */
  FP_BOOK_NOT_ELIGIBLE,        /* see the eligibility result */
  FP_BOOK_OVERLAPPING,         /* the clinician has an active booking that overlaps */
  FP_BOOK_NOT_VISIBLE,         /* booking directly a shift the clinician cannot see: a 404 to them */
  FP_BOOK_WORKING_TIME,        /* past a working-time guard of the clinician's pools (core/working_time.h) */
};

/* "ok", "shift_taken", "shift_started", "approval_required", "not_eligible", "overlapping_booking",
   "not_found", "working_time_limit". */
const char *fp_booking_outcome_code(enum fp_booking_outcome o);

struct fp_booking_input {
  enum fp_shift_status status;
  enum fp_booking_mode mode;
  fp_time starts_at;
  fp_time now;
  bool via_acceptance;               /* the practice accepting an application: approval mode is fine */
  const struct fp_elig_result *elig; /* already decided for this clinician and shift */
  bool clinician_has_overlap;        /* an active booking of the clinician overlaps [start, end) */
  enum fp_wt_outcome working_time;   /* fp_working_time_check of the shift against their other bookings */
};

/*
 * Decides in this order: visibility, taken, started, approval, eligibility, overlap, working time. A clinician
 * booking directly (not through a practice's acceptance) sees only shifts of their own profession
 * at practices sharing a pool with them, and none awaiting its pool's approval of its rate; any
 * other shift does not exist for them, whatever its state.
 */
enum fp_booking_outcome fp_booking_decide(const struct fp_booking_input *in);

/* Half-open intervals [a0, a1) and [b0, b1) overlap. */
bool fp_intervals_overlap(fp_time a0, fp_time a1, fp_time b0, fp_time b1);

/*
 * Who may do what to a booking or an application, asked inside the write transaction with the
 * booking or application just read (the state machines above then say whether it may happen now):
 *   - cancel a booking: the booked clinician (FP_PARTY_CLINICIAN: the shift opens again), or a
 *     manager of the booking's practice or a system administrator (FP_PARTY_PRACTICE: the shift is
 *     cancelled until re-opened); the booked clinician acts as the clinician even if they also
 *     manage the practice. Anyone else: FP_PARTY_NONE.
 *   - record that the clinician did not attend: a manager of the booking's own practice only (not
 *     another practice, the pool or ICB that may see the booking, a system administrator or the
 *     clinician);
 *   - accept or decline an application: a manager of the shift's practice or a system
 *     administrator; withdraw it: the applicant; FP_AEV_FILLED is the store's, never an actor's;
 *   - post, edit, withdraw or re-open a practice's shifts (one or a series): a manager of that
 *     practice or a system administrator.
 */
enum fp_party { FP_PARTY_NONE = 0, FP_PARTY_CLINICIAN, FP_PARTY_PRACTICE };
enum fp_party fp_booking_canceller(const struct fp_actor *a, int64_t clinician_id, int64_t practice_id);
bool fp_booking_may_record_attendance(const struct fp_actor *a, int64_t practice_id);
bool fp_application_may(const struct fp_actor *a, enum fp_application_event ev, int64_t clinician_id,
                        int64_t practice_id);
/* "clinician", "practice" (as the store records who cancelled); NULL for FP_PARTY_NONE. */
const char *fp_party_name(enum fp_party p);
bool fp_shift_may_manage(const struct fp_actor *a, int64_t practice_id);

#endif
