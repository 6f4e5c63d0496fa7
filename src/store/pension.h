/*
 * pension.h - what a GP locum's NHS Pension Scheme forms are made from (issue 13; the figures in
 * core/pension.h): their pension details, and the fees of their invoices issued or paid in a month.
 */
#ifndef FP_STORE_PENSION_H
#define FP_STORE_PENSION_H

#include <stdbool.h>
#include <stdint.h>

#include "store/engine.h"

struct fp_pension_details {
  char sd_number[9];                /* 8 digits (core/pension.h fp_sd_number_valid) */
  bool pensioned;                   /* they pension their locum work */
  int64_t annual_pensionable_pence; /* what they declare for the year: their tier */
  int64_t updated_at;
};
/* 0, FP_ENOTFOUND when the clinician has given none, FP_EIO. */
int fp_store_pension_details_get(struct fp_conn *c, int64_t clinician_id, struct fp_pension_details *d);
/* Sets them (validated by the caller), audited as clinician.pension_details. */
int fp_store_pension_details_put(struct fp_conn *c, int64_t clinician_id, const struct fp_pension_details *d,
                                 int64_t actor, int64_t now);

/* One session's fee line of an invoice (the fee alone: mileage and expenses are not pay). */
struct fp_pension_line {
  int64_t invoice_id, invoice_number, practice_id;
  char practice_name[201];
  int64_t worked_start, worked_end, fee_pence;
  int64_t issued_at, paid_at; /* paid_at 0 while unpaid */
  int64_t signed_at;          /* part 2 of form A signed by the practice (0: not yet), by whom, as what */
  char signer_name[201], signer_role[101];
};
/* The fee lines of clinician_id's invoices issued in [from, to) (paid: those paid in it instead), in
   invoice and then worked order, each handed to cb. 0 or FP_EIO. */
int fp_store_pension_lines(struct fp_conn *c, int64_t clinician_id, int64_t from, int64_t to, bool paid,
                           void (*cb)(const struct fp_pension_line *l, void *ctx), void *ctx);

/* The upkeep's pension warnings at now (core/pension.h fp_pension_warning_due), each given once, as
   a notification and an email to the GP locum: form A of each invoice of theirs whose 10-week limit
   (from its first day worked) is 14 or 3 days off, and form B of last month, when pay was received
   in it, before the 7th. *n how many were given. */
int fp_store_pension_reminders(struct fp_conn *c, int64_t now, int *n);

#endif
