/*
 * timesheets.h - a booked session's timesheet in the store (issue 13; the rules in
 * core/timesheet.h). A booking carries its timesheet's row (struct fp_booking's ts, read with the
 * booking); these write it. Each write is given the state the caller read in the same transaction
 * and the core allowed, and changes the row only while it is still in that state (FP_ECONFLICT
 * otherwise). Every change is audited.
 */
#ifndef FP_STORE_TIMESHEETS_H
#define FP_STORE_TIMESHEETS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/timesheet.h"
#include "store/db.h"
#include "store/shifts.h"

/* The timesheet state of booking b at now (fp_ts_state_of over what b holds): false when it has
   none yet (cancelled, or its session not ended). */
bool fp_booking_ts_state(const struct fp_booking *b, int64_t now, enum fp_ts_state *out);

/* What booking b's clinician worked, submitted from `from` (to_submit: no row yet; queried): the
   row becomes submitted with the times and the fee for them, the mileage and expenses claimed (cl,
   checked by the caller against the booking's terms; note what the expenses were), by actor at
   now, any query cleared. 0, FP_ECONFLICT (changed meanwhile) or FP_EIO. */
int fp_store_timesheet_submit(struct fp_conn *c, const struct fp_booking *b, enum fp_ts_state from,
                              const struct fp_ts_times *t, int64_t fee_pence, const struct fp_ts_claims *cl,
                              const char *note, int64_t actor, int64_t now);

/* The practice's answer to a submitted timesheet: `to` approved, queried (with reason) or
   not_worked, by actor at now (actor 0: approved by itself, the upkeep's). An approved session is
   invoiced in the same transaction (store/invoices.h). 0, FP_ECONFLICT or FP_EIO. */
int fp_store_timesheet_decide(struct fp_conn *c, int64_t booking_id, enum fp_ts_state from, enum fp_ts_state to,
                              const char *reason, int64_t actor, int64_t now);

/* The upkeep's step: every timesheet submitted its practice's days ago or more and not queried since
   is approved by itself (none at a practice whose days are 0); *n how many. 0 or an error. */
int fp_store_timesheets_auto_approve(struct fp_conn *c, int64_t now, int *n);

/* A practice's days to a timesheet's approval by itself (0: never): 0, FP_ENOTFOUND or FP_EIO. */
int fp_store_timesheet_days_get(struct fp_conn *c, int64_t practice_id, int32_t *days);
/* Sets them (checked by the caller: 0 to FP_TS_AUTO_APPROVE_MAX_DAYS), audited as
   organisation.timesheet_auto_approve_days. 0, FP_ENOTFOUND or FP_EIO. */
int fp_store_timesheet_days_set(struct fp_conn *c, int64_t practice_id, int32_t days, int64_t actor, int64_t now);

#endif
