/*
 * rate_policy.h - a pool's rate policy in the store (issue 13; the rules in core/rate_policy.h):
 * its cap and escalation steps, a practice's opt-in to escalation, and the upkeep's escalation of
 * the unfilled shifts of practices that opted in, each recorded with its reason and authority.
 *
 * A shift's pool, for its policy: the pool its practice joined first (the lowest pool id of its
 * memberships); a practice in no pool has no policy.
 */
#ifndef FP_STORE_RATE_POLICY_H
#define FP_STORE_RATE_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/booking.h"
#include "core/rate_policy.h"
#include "store/db.h"

/* Pool pool_id's policy (none set: no cap, no steps). 0 or FP_ENOTFOUND (no such pool). */
int fp_store_rate_policy_get(struct fp_conn *c, int64_t pool_id, struct fp_rate_policy *p);
/* Sets it (checked by the caller), audited as pool.rate_policy by actor. */
int fp_store_rate_policy_put(struct fp_conn *c, int64_t pool_id, const struct fp_rate_policy *p, int64_t actor,
                             int64_t now);

/* The rate policy over practice_id's shifts: its pool's (*pool_id; 0 and no cap, no steps when the
   practice is in no pool). */
int fp_store_practice_rate_policy(struct fp_conn *c, int64_t practice_id, int64_t *pool_id, struct fp_rate_policy *p);

/* Tells the pool's administrators that shift_id (at practice_name, when) awaits their approval of
   its rate (core/booking.h FP_SHIFT_AWAITING_APPROVAL), or the practice's managers that its pool
   approved (refused: with reason) it. */
int fp_store_rate_approval_tell(struct fp_conn *c, int64_t pool_id, int64_t practice_id, int64_t shift_id,
                                enum fp_shift_status status, const char *reason, int64_t now);

/* Whether practice_id's unfilled shifts are escalated under its pool's policy; set it, audited. */
int fp_store_rate_escalation_get(struct fp_conn *c, int64_t practice_id, bool *on);
int fp_store_rate_escalation_set(struct fp_conn *c, int64_t practice_id, bool on, int64_t actor, int64_t now);

/* The upkeep's run at now: each open shift of a practice that opted in whose next step has come
   (core/rate_policy.h fp_rate_escalation) is raised to it and the escalation recorded (its reason,
   "authorised by the rate policy of <pool>"), audited as shift.escalate, the practice told. *n how
   many were raised. */
int fp_store_shifts_escalate(struct fp_conn *c, int64_t now, int *n);

/* A shift's escalations, oldest first. */
struct fp_shift_escalation {
  int64_t at;
  int32_t step, percent;
  int64_t from_pence, to_pence;
  bool capped;
  int64_t pool_id, authorised_by_user; /* 0: the policy itself */
  char authorised_by[201];
  char reason[401];
};
int fp_store_shift_escalations(struct fp_conn *c, int64_t shift_id,
                               void (*cb)(const struct fp_shift_escalation *e, void *ctx), void *ctx);

#endif
