/*
 * demo.h - the bulk inserts the demo data set needs (src/app/demo.c decides what to insert).
 *
 * The ordinary store functions insert a row the way a request creates it (a shift is born open, a
 * booking is made now). The demo writes rows that already have a history: a completed shift with
 * its booking, a booking cancelled last week, an application declined because the shift was
 * filled. These functions take every column from the caller, use cached prepared statements and
 * must run inside one fp_store_write transaction. They check nothing beyond the schema's own
 * constraints and triggers, which still refuse a second active booking of a shift and overlapping
 * bookings of one clinician. Depends on store/db.h and store/shifts.h only.
 */
#ifndef FP_STORE_DEMO_H
#define FP_STORE_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "store/shifts.h"

/* Whether the store has no users yet (on this thread's reader). 0 or FP_EIO. */
int fp_store_is_empty(struct fp_store *s, int *empty);
/* The same inside a transaction, on c. */
int fp_store_demo_has_users(struct fp_conn *c, bool *has);
/* Marks every account as one of the demo's documented accounts (the demo loads only into an empty
   store, so every account there is the demo's): none is ever asked for a second factor. */
int fp_store_demo_mark_accounts(struct fp_conn *c);
/* The demo is loaded in one transaction: on SQLite its changed pages are kept in memory (a cache of
   up to 12 GiB while bulk is true, the writer's usual 64 MiB after) rather than spilled into the
   write-ahead log, whose lookups grow with it (a 5,000,000-shift load spent most of its time in
   them). Nothing on PostgreSQL. 0 or FP_EIO. */
int fp_store_demo_bulk(struct fp_conn *c, bool bulk);

/* Adds a postcode unless the table already has it (an imported ONSPD row is kept). */
int fp_store_demo_postcode_add(struct fp_conn *c, const char *postcode, double lat, double lon);

int fp_store_demo_pool_insert(struct fp_conn *c, const char *name, int64_t host_organisation_id, int64_t icb_id,
                              int64_t hourly_rate_pence, int64_t session_rate_pence, int64_t created_at,
                              int64_t *id);
/* A member: exactly one of clinician_id and organisation_id is non-zero. added_by 0 for none. */
int fp_store_demo_pool_member_add(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t organisation_id,
                                  int64_t added_by, int64_t added_at);

struct fp_demo_decision {
  const char *status;  /* "pending", "accepted", "declined", "withdrawn" */
  const char *message; /* the clinician's note, or NULL */
  int64_t created_at;
  int64_t decided_at;  /* 0 while pending */
  int64_t decided_by;  /* a user id, 0 for none */
  const char *reason;  /* NULL for none */
};
int fp_store_demo_join_request_add(struct fp_conn *c, int64_t pool_id, int64_t clinician_id,
                                   const struct fp_demo_decision *d);
int fp_store_demo_application_add(struct fp_conn *c, int64_t shift_id, int64_t clinician_id,
                                  const struct fp_demo_decision *d);

struct fp_demo_clinician {
  int64_t user_id;
  const char *profession;
  const char *registration_number; /* NULL for an unregulated profession */
  const char *home_postcode;
  int travel_radius_km;
  const char *phone;
  int64_t created_at;
};
int fp_store_demo_clinician_insert(struct fp_conn *c, const struct fp_demo_clinician *cl, int64_t *id);

/*
 * Inserts s with every column as given: status, icb_id, lat/lon (has_location), created_by (0 for
 * none), created_at and updated_at. The joined display fields are ignored.
 */
int fp_store_demo_shift_insert(struct fp_conn *c, const struct fp_shift *s, int64_t *id);

struct fp_demo_booking {
  int64_t shift_id, clinician_id, practice_id;
  int64_t starts_at, ends_at;
  const char *status;         /* "confirmed" or "cancelled" */
  int64_t fee_pence;
  int64_t created_by;         /* 0 for none */
  int64_t created_at;
  const char *cancelled_by;   /* "clinician", "practice" or "pool"; NULL while confirmed */
  int64_t cancelled_by_user;  /* 0 for none */
  int64_t cancelled_at;
  const char *reason;
  bool late;
  bool did_not_attend;        /* confirmed, and the practice recorded that the clinician did not come */
  int64_t attendance_at, attendance_by; /* with did_not_attend; attendance_by 0 for none */
};
/* FP_ECONFLICT when the schema refuses it (a second active booking, an overlap). */
int fp_store_demo_booking_insert(struct fp_conn *c, const struct fp_demo_booking *b, int64_t *id);

/* A worked session's timesheet as the demo had it answered (store/timesheets.h): decided_by 0 on
   an approved one is its approval by itself. */
struct fp_demo_timesheet {
  int64_t booking_id;
  const char *state;          /* submitted, queried or approved */
  int64_t actual_start, actual_end, break_minutes, fee_pence;
  int64_t submitted_at, submitted_by;
  int64_t decided_at, decided_by; /* 0 for none */
  const char *query_reason;   /* queried only */
};
int fp_store_demo_timesheet_insert(struct fp_conn *c, const struct fp_demo_timesheet *t);

/* The invoices of the demo's approved sessions, issued as an approval issues them (store/invoices.h)
   at the moment each was approved, in that order, so that each clinician's numbers run with their
   dates. Then the practices pay most of them (store/invoices.h fp_store_invoice_pay, audited): those
   issued 14 days or more before now, 7 to 26 days after their issue (when that day has come), except one in four of those past
   their due day, left overdue. demo_practice's are paid by manager_user; the others' by nobody named
   (the demo has no accounts for their managers). What that told people more than two days before
   now (notifications, emails) is not kept: only the latest news is unread. */
int fp_store_demo_invoices(struct fp_conn *c, int64_t demo_practice, int64_t manager_user, int64_t now);
/* The terms of engagement each demo booking runs on (store/terms.h), as if it had been made with
   the terms kept now: its pool's, or for a clinician who keeps their own, what the booking's own
   rule gives (their own where the practice accepted their application). Then the fee each of the
   practices' cancellations owes under them. Before fp_store_demo_invoices: the invoices are due
   in the days those terms give. */
int fp_store_demo_booking_terms(struct fp_conn *c);

#endif
