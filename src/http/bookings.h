/*
 * bookings.h - the booking transaction as the HTTP layer runs it, shared by instant booking
 * (h_bookings.c) and accepting an application (h_applications.c).
 */
#ifndef FP_HTTP_BOOKINGS_H
#define FP_HTTP_BOOKINGS_H

#include "http/request.h"
#include "store/shifts.h"

/* Books shift for clinician (accepting application_id when not 0). 0 with *out, or answers 409/500 and -1. */
int fp_book_or_respond(struct fp_req *r, int64_t shift_id, int64_t clinician_id, int64_t application_id,
                       struct fp_booking *out);
/* Answers the 409 for a refused booking. */
void fp_reply_book_refusal(struct fp_req *r, const struct fp_book_result *res);

#endif
