/*
 * booking.h - the shift and booking state machine and the booking decision.
 *
 * Shift status: open -> booked (a booking is made) -> open (the clinician cancels) or cancelled
 * (the practice cancels) -> open (re-opened); open -> withdrawn (the practice withdraws);
 * booked -> completed (after it has been worked). The booking decision is pure: everything it needs
 * is loaded first, inside the booking's transaction. Depends on core/time.h and core/eligibility.h.
 */
#ifndef FP_CORE_BOOKING_H
#define FP_CORE_BOOKING_H

#include <stdbool.h>

#include "core/eligibility.h"
#include "core/time.h"

enum fp_shift_status {
  FP_SHIFT_OPEN = 0,
  FP_SHIFT_BOOKED,
  FP_SHIFT_WITHDRAWN,
  FP_SHIFT_CANCELLED,
  FP_SHIFT_COMPLETED,
};

enum fp_shift_event {
  FP_EV_BOOK = 0,
  FP_EV_CLINICIAN_CANCEL,
  FP_EV_PRACTICE_CANCEL,
  FP_EV_WITHDRAW,
  FP_EV_REOPEN,
  FP_EV_EDIT,      /* changing times, rate, description: allowed only while open */
  FP_EV_COMPLETE,
};

const char *fp_shift_status_name(enum fp_shift_status s);
int fp_shift_status_parse(const char *s, enum fp_shift_status *out);

/* The next status, or FP_ECONFLICT when the event is not allowed from `from` (*to untouched). */
int fp_shift_next(enum fp_shift_status from, enum fp_shift_event ev, enum fp_shift_status *to);

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
};

/* "ok", "shift_taken", "shift_started", "approval_required", "not_eligible", "overlapping_booking",
   "not_found". */
const char *fp_booking_outcome_code(enum fp_booking_outcome o);

struct fp_booking_input {
  enum fp_shift_status status;
  enum fp_booking_mode mode;
  fp_time starts_at;
  fp_time now;
  bool via_acceptance;               /* the practice accepting an application: approval mode is fine */
  const struct fp_elig_result *elig; /* already decided for this clinician and shift */
  bool clinician_has_overlap;        /* an active booking of the clinician overlaps [start, end) */
};

/*
 * Decides in this order: visibility, taken, started, approval, eligibility, overlap. A clinician
 * booking directly (not through a practice's acceptance) sees only shifts of their own profession
 * at practices sharing a pool with them; any other shift does not exist for them, whatever its state.
 */
enum fp_booking_outcome fp_booking_decide(const struct fp_booking_input *in);

/* Half-open intervals [a0, a1) and [b0, b1) overlap. */
bool fp_intervals_overlap(fp_time a0, fp_time a1, fp_time b0, fp_time b1);

#endif
