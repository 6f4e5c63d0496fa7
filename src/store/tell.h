/*
 * tell.h - who is told what when something happens (issue 12): each function composes the message
 * for one kind of event from the store's rows and hands it to fp_store_notify (store/outbox.h), in
 * the caller's write transaction, so the message commits with the event or not at all.
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_TELL_H
#define FP_STORE_TELL_H

#include <stdint.h>

#include "store/db.h"

/* A booking was made (by the clinician, or by the practice accepting an application): the
   practice's managers are told. 0 or an FP_E* error. */
int fp_store_tell_booking_made(struct fp_conn *c, int64_t booking_id, int64_t now);

#endif
