/*
 * invoices.h - clinicians' invoices to practices in the store (issue 13; the rules in
 * core/invoice.h). An invoice is issued by itself in the transaction that approves a session's
 * timesheet (fp_store_timesheet_decide), numbered per issuer without gaps (the schema refuses any
 * other number), and keeps what it said when issued. Paying it is the only change it takes.
 */
#ifndef FP_STORE_INVOICES_H
#define FP_STORE_INVOICES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/invoice.h"
#include "store/db.h"
#include "store/scope.h"

struct fp_invoice_line {
  int64_t id, booking_id;
  char kind[20];         /* "fee", "mileage", "expenses" or "employer_pension" */
  char description[256];
  int64_t worked_start, worked_end;
  int32_t break_minutes;
  int64_t amount_pence;
};

struct fp_invoice {
  int64_t id, clinician_id, practice_id, number;
  char status[16]; /* core/invoice.h's names */
  int64_t issued_at;
  fp_day due_on;
  int64_t total_pence;
  char issuer_name[201], customer_name[201];
  char *issuer_detail, *customer_detail; /* lines separated by '\n' (malloc'd: fp_invoice_release) */
  int64_t paid_at, paid_by;              /* 0 until paid */
  /* A credit note: the invoice it credits and why; a credited invoice: the credit note. 0 / "". */
  int64_t credits_id, credits_number, credited_by_id, credited_by_number;
  char credit_reason[FP_INVOICE_CREDIT_REASON_MAX + 1];
  struct fp_invoice_line *lines;         /* fp_store_invoice_get only (malloc'd) */
  size_t n_lines;
  /* fp_store_invoice_get only: part 2 of the locum's pension form A as the practice signed it
     (form_a_signed_at 0: not signed). */
  int64_t form_a_signed_at;
  char form_a_signer_name[201], form_a_signer_role[101];
};
void fp_invoice_release(struct fp_invoice *inv);

/* The practice signs part 2 of the pension form A of invoice_id (its figures, `what`, checked and
   written by the caller) as user_id named name in role, at now; audited as invoice.form_a_sign.
   FP_ECONFLICT when it is signed already. */
int fp_store_form_a_sign(struct fp_conn *c, int64_t invoice_id, int64_t user_id, const char *name, const char *role,
                         const char *what, int64_t now);

/* Where a clinician is paid, as their invoices are to say (migration 34): read and written by the
   clinician alone; each invoice copies them when it is issued. */
struct fp_invoice_details {
  char address[301];       /* lines separated by '\n' */
  char account_name[101];
  char sort_code[9];       /* "12-34-56" (core/validate.h) */
  char account_number[9];  /* "12345678" */
  int64_t updated_at;
  char invoicing[12];      /* "session" or "monthly" (core/invoice.h fp_invoicing); "" on a put: unchanged */
};
/* 0, or FP_ENOTFOUND when the clinician has given none. */
int fp_store_invoice_details_get(struct fp_conn *c, int64_t clinician_id, struct fp_invoice_details *d);
/* Sets them (validated by the caller), audited as clinician.invoice_details with the account number
   masked. */
int fp_store_invoice_details_put(struct fp_conn *c, int64_t clinician_id, const struct fp_invoice_details *d,
                                 int64_t actor, int64_t now);

/* The invoice of approved session booking_id's fee, issued at now if it has none yet and its
   clinician invoices each session (core/invoice.h fp_invoicing; monthly: left to
   fp_store_invoices_monthly, *id 0): the next number of its clinician, a line each for the fee,
   the mileage and the expenses claimed, due the days its booking's terms give after (30 for a
   booking made before terms were kept), the practice's managers told. *id (may be NULL) its id.
   0, FP_ECONFLICT (the timesheet is not approved) or FP_EIO. */
int fp_store_invoice_issue_for_session(struct fp_conn *c, int64_t booking_id, int64_t now, int64_t *id);

/* The upkeep's monthly run at now: every approved session not yet invoiced that started before
   the first of now's UK month, one invoice for each clinician and practice (the lines in the order
   worked; due the fewest payment days of the sessions' terms). *n_issued how many. */
int fp_store_invoices_monthly(struct fp_conn *c, int64_t now, int *n_issued);

/* Which invoices: those scope sees (its clinician's own, its practices', its pools' member
   practices'; every one when scope->all), by status ("issued", "paid", "overdue": as
   fp_invoice_overdue says at now; NULL: all), newest first. */
struct fp_invoice_query {
  const struct fp_scope *scope;
  const char *status;
  fp_time now;
  int64_t practice_id, clinician_id; /* 0: any */
  int64_t issued_from, issued_before; /* instants; 0: no bound */
  int limit;
  struct fp_list_pos after;
};
int fp_store_invoice_list(struct fp_conn *c, const struct fp_invoice_query *q,
                          void (*cb)(const struct fp_invoice *inv, void *ctx), void *ctx, bool *more,
                          struct fp_list_pos *last);

/* One invoice with its lines, if scope sees it (NULL: any). 0, FP_ENOTFOUND or FP_EIO. */
int fp_store_invoice_get(struct fp_conn *c, int64_t id, const struct fp_scope *scope, struct fp_invoice *out);

/* Credits invoice id (in `from`, as the core allowed) for `reason` as actor, its clinician, at now:
   a credit note with the next number of its clinician, the invoice's lines at minus their amounts;
   the invoice credited and its lines no longer invoicing their sessions; then those sessions
   invoiced again as `how` says (core/invoice.h): at once in one invoice (*reissued its id), or
   each one's timesheet back to the clinician to correct (REOPEN, queried with the reason); the
   practice's managers told. Audited as invoice.credit. *credit_note the credit note's id. 0,
   FP_ECONFLICT (no longer in `from`) or FP_EIO. */
int fp_store_invoice_credit(struct fp_conn *c, int64_t id, enum fp_invoice_status from, const char *reason,
                            enum fp_invoice_reissue how, int64_t actor, int64_t now, int64_t *credit_note,
                            int64_t *reissued);

/* Records invoice id paid (from `from`, as the core allowed) by actor at now, audited. 0,
   FP_ECONFLICT (no longer in `from`) or FP_EIO. */
int fp_store_invoice_pay(struct fp_conn *c, int64_t id, enum fp_invoice_status from, int64_t actor, int64_t now);

#endif
