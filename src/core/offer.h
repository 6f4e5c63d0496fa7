/*
 * offer.h - a practice's direct offer of one of its open shifts to a pool clinician (issue 12), and
 * its state machine.
 *
 * What is stored: pending (sent), accepted (the clinician took it: booked), declined (the clinician
 * said no), withdrawn (the practice took it back), closed (someone else was booked for the shift).
 * What an offer IS at a time is decided here from those stored facts and `now`: a pending offer
 * lapses 24 hours after it was sent or at the shift's start, whichever is sooner (FP_OFFER_LAPSED,
 * never written: nothing has to run for it to lapse), and a pending offer of a shift that is no
 * longer open is closed. Only a pending offer moves: the clinician accepts or declines it, the
 * practice withdraws it, the store closes it when the shift is booked by anyone. Every status the
 * store writes for an offer is fp_offer_transition's answer.
 *
 * Who may do what (fp_offer_may) is decided here too. Pure: depends on core/time.h and core/actor.h.
 */
#ifndef FP_CORE_OFFER_H
#define FP_CORE_OFFER_H

#include <stdbool.h>

#include "core/actor.h"
#include "core/time.h"

/* An offer lapses this long after it was sent (or at the shift's start, if sooner). */
#define FP_OFFER_LIFETIME (24 * 3600)
/* At most this many clinicians in one request to send offers (more is refused, never cut). */
#define FP_OFFER_MAX_RECIPIENTS 20
/* At most this many offers for one shift, whatever became of them (more is refused). */
#define FP_OFFER_MAX_PER_SHIFT 100

/* The state: the first five are also what the store keeps; LAPSED is only ever decided. */
enum fp_offer_state {
  FP_OFFER_PENDING = 0,
  FP_OFFER_ACCEPTED,
  FP_OFFER_DECLINED,
  FP_OFFER_WITHDRAWN,
  FP_OFFER_CLOSED,
  FP_OFFER_LAPSED,
};

enum fp_offer_event {
  FP_OEV_ACCEPT = 0, /* the clinician (inside the booking transaction) */
  FP_OEV_DECLINE,    /* the clinician */
  FP_OEV_WITHDRAW,   /* the practice */
  FP_OEV_CLOSE,      /* the store: the shift was booked by someone else */
};

/* "pending", "accepted", "declined", "withdrawn", "closed", "lapsed". */
const char *fp_offer_state_name(enum fp_offer_state s);
/* A stored status (not "lapsed", which is never stored): 0, or FP_EINVAL. */
int fp_offer_status_parse(const char *s, enum fp_offer_state *out);

/* The stored facts an offer's state is decided from. */
struct fp_offer_facts {
  enum fp_offer_state stored; /* what the store keeps (never LAPSED) */
  fp_time sent_at;
  fp_time shift_starts_at;
  bool shift_open;            /* the shift's status is open */
};

/* When a pending offer lapses: 24 hours after it was sent, or the shift's start if sooner. */
fp_time fp_offer_lapses_at(fp_time sent_at, fp_time shift_starts_at);

/*
 * The offer's state at now: a stored status other than pending is final; a pending offer is
 * closed when its shift is no longer open, lapsed from fp_offer_lapses_at on, pending before.
 */
enum fp_offer_state fp_offer_state(const struct fp_offer_facts *f, fp_time now);

/* Why a transition was refused. */
enum fp_offer_outcome {
  FP_OFFER_OK = 0,
  FP_OFFER_NOT_PENDING, /* accepted, declined or withdrawn already */
  FP_OFFER_IS_LAPSED,   /* too late: it lapsed */
  FP_OFFER_IS_CLOSED,   /* closed, or the shift is no longer open (someone else booked it, or it was withdrawn) */
};

/*
 * The offer's next stored status for event ev at now: FP_OFFER_OK with *to set, or why not (*to
 * untouched). Only a pending offer moves; FP_OEV_CLOSE also closes one that lapsed (so that it
 * reads closed, as it is), but never one already decided. A closed offer answers
 * FP_OFFER_IS_CLOSED, whether stored so or closed by its shift.
 */
enum fp_offer_outcome fp_offer_transition(const struct fp_offer_facts *f, enum fp_offer_event ev, fp_time now,
                                          enum fp_offer_state *to);

/*
 * Who may: send offers of a practice's shifts, or withdraw one (FP_OEV_WITHDRAW): a manager of that
 * practice only (not a system administrator, the pool, or another practice: scoped by the actor's
 * own organisation); accept or decline one: the clinician it was sent to only; FP_OEV_CLOSE is the
 * store's, never an actor's.
 */
bool fp_offer_may(const struct fp_actor *a, enum fp_offer_event ev, int64_t clinician_id, int64_t practice_id);
bool fp_offer_may_send(const struct fp_actor *a, int64_t practice_id);

#endif
