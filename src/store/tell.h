/*
 * tell.h - who is told what when something happens (issue 12): each function composes the message
 * for one kind of event from the store's rows and hands it to fp_store_notify (store/outbox.h), in
 * the caller's write transaction, so the message commits with the event or not at all.
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_TELL_H
#define FP_STORE_TELL_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

/* A booking was made (by the clinician, or by the practice accepting an application): the
   practice's managers are told. 0 or an FP_E* error. */
int fp_store_tell_booking_made(struct fp_conn *c, int64_t booking_id, int64_t now);

/* A booking was cancelled by `party` ("clinician": the practice's managers are told; "practice" or
   "pool": the clinician), with the reason given. */
int fp_store_tell_booking_cancelled(struct fp_conn *c, int64_t booking_id, const char *party, const char *reason,
                                    int64_t now);
/* A clinician applied for a shift: the practice's managers are told. */
int fp_store_tell_application_made(struct fp_conn *c, int64_t application_id, int64_t now);
/* The practice accepted (accepted true; the clinician is booked) or declined an application, with
   the reason given (NULL for none): the clinician is told. */
int fp_store_tell_application_decided(struct fp_conn *c, int64_t application_id, bool accepted, const char *reason,
                                      int64_t now);
/* Someone else was booked for shift_id at now: each clinician whose application the booking closed
   (declined "filled" at now) is told. */
int fp_store_tell_applications_filled(struct fp_conn *c, int64_t shift_id, int64_t now);

#endif
