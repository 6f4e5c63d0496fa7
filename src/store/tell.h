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

#include "core/timesheet.h"
#include "store/db.h"
#include "store/shifts.h"

/* A booking was made, res as fp_store_book answered it (FP_BOOK_OK): by the clinician (the
   practice's managers are told) or by the practice accepting their application
   (accepted_application: the clinician is told); and each other applicant whose application it
   closed (res->n_filled) is told. Built from what the booking read: no statement but the writes.
   0 or an FP_E* error. */
int fp_store_tell_booked(struct fp_conn *c, const struct fp_book_result *res, bool accepted_application, int64_t now);
/* Only the last part of that: each other applicant whose application the booking res closed is
   told (a clinician accepting a direct offer: the practice is told of that by store/offers.h). */
int fp_store_tell_applications_filled(struct fp_conn *c, const struct fp_book_result *res, int64_t now);

/* A booking was cancelled by `party` ("clinician": the practice's managers are told; "practice" or
   "pool": the clinician), with the reason given and, to the clinician, the cancellation fee the
   practice owes under the terms agreed (fee_owed_pence, 0: none). */
int fp_store_tell_booking_cancelled(struct fp_conn *c, int64_t booking_id, const char *party, const char *reason,
                                    int64_t fee_owed_pence, int64_t now);
/* A clinician applied for a shift: the practice's managers are told. */
int fp_store_tell_application_made(struct fp_conn *c, int64_t application_id, int64_t now);
/* The practice declined an application, with the reason given (NULL for none): the clinician is
   told. */
int fp_store_tell_application_declined(struct fp_conn *c, int64_t application_id, const char *reason, int64_t now);

/* A booking's timesheet moved to `to` (core/timesheet.h): submitted, the practice's managers are told
   (timesheet.submitted); queried, with the reason, or approved by a manager, the clinician
   (timesheet.queried, timesheet.approved). Nobody is told of an approval by itself or of not_worked
   (the practice recorded it; the booking says so). */
int fp_store_tell_timesheet(struct fp_conn *c, int64_t booking_id, enum fp_ts_state to, const char *reason, int64_t now);

/* How much of a message its notification quotes (bytes; the thread has the whole of it). */
#define FP_MESSAGE_EXCERPT 300
/* Messages from one side less than this apart are one run: the other side is told of its first. */
#define FP_MESSAGE_TELL_QUIET_SECONDS 600
/* Message message_id was written by `side` ("clinician" or "practice") in the thread of a booking
   (booking true) or an application, thread_id: the other side is told (the practice's managers, or
   the clinician), quoting the start of body and linking to the thread, unless the message before it
   in the thread came from the same side less than FP_MESSAGE_TELL_QUIET_SECONDS ago. */
int fp_store_tell_message_written(struct fp_conn *c, bool booking, int64_t thread_id, int64_t message_id,
                                  const char *side, const char *body, int64_t now);

#endif
