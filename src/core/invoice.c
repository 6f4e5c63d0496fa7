/* The invoice's state machine, who may move it, its due date and when it is overdue. See invoice.h. */
#include "core/invoice.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

static const char *const STATUS_NAMES[] = {[FP_INVOICE_ISSUED] = "issued", [FP_INVOICE_PAID] = "paid",
                                           [FP_INVOICE_CREDITED] = "credited", [FP_INVOICE_CREDIT_NOTE] = "credit_note"};
enum { N_STATUSES = sizeof STATUS_NAMES / sizeof STATUS_NAMES[0] };

const char *fp_invoice_status_name(enum fp_invoice_status s) {
  return (unsigned)s < N_STATUSES ? STATUS_NAMES[s] : "unknown";
}

int fp_invoice_status_parse(const char *s, enum fp_invoice_status *out) {
  if (!s || !out) return FP_EINVAL;
  for (unsigned i = 0; i < N_STATUSES; i++)
    if (strcmp(s, STATUS_NAMES[i]) == 0) {
      *out = (enum fp_invoice_status)i;
      return FP_OK;
    }
  return FP_EINVAL;
}

int fp_invoice_next(enum fp_invoice_status from, enum fp_invoice_event ev, enum fp_invoice_status *to) {
  if (ev == FP_INVEV_SIGN_FORM_A) { /* an invoice in force, paid or not: the status stays */
    if (from != FP_INVOICE_ISSUED && from != FP_INVOICE_PAID) return FP_ECONFLICT;
    if (to) *to = from;
    return FP_OK;
  }
  if (from != FP_INVOICE_ISSUED || (ev != FP_INVEV_PAY && ev != FP_INVEV_CREDIT)) return FP_ECONFLICT;
  if (to) *to = ev == FP_INVEV_PAY ? FP_INVOICE_PAID : FP_INVOICE_CREDITED;
  return FP_OK;
}

bool fp_invoice_may(const struct fp_actor *a, enum fp_invoice_event ev, int64_t clinician_id, int64_t practice_id) {
  if (!a || !a->user_id) return false;
  /* Only the issuer credits what they issued. */
  if (ev == FP_INVEV_CREDIT) return a->clinician_id != 0 && a->clinician_id == clinician_id;
  if (!fp_actor_has_for(a, FP_ROLE_PRACTICE_MANAGER, practice_id)) return false;
  /* The issuer does not record the customer's payment, nor sign for the practice. */
  return ev == FP_INVEV_PAY || (ev == FP_INVEV_SIGN_FORM_A && a->clinician_id != clinician_id);
}

fp_day fp_invoice_due_on(fp_time issued_at, int32_t days) { return fp_uk_day(issued_at) + days; }

fp_day fp_invoice_overdue_before(fp_time now) { return fp_uk_day(now); }

bool fp_invoice_overdue(enum fp_invoice_status s, fp_day due_on, fp_time now) {
  return s == FP_INVOICE_ISSUED && due_on < fp_invoice_overdue_before(now);
}

const char *fp_invoice_shown_status(enum fp_invoice_status s, fp_day due_on, fp_time now) {
  return fp_invoice_overdue(s, due_on, now) ? "overdue" : fp_invoice_status_name(s);
}

void fp_invoice_reference(int64_t number, char buf[FP_INVOICE_REF_LEN]) {
  snprintf(buf, FP_INVOICE_REF_LEN, "%04lld", (long long)number);
}

const char *fp_invoicing_name(enum fp_invoicing v) { return v == FP_INVOICING_MONTHLY ? "monthly" : "session"; }

int fp_invoicing_parse(const char *s, enum fp_invoicing *out) {
  if (!s) return FP_EINVAL;
  if (strcmp(s, "session") == 0) *out = FP_INVOICING_SESSION;
  else if (strcmp(s, "monthly") == 0) *out = FP_INVOICING_MONTHLY;
  else return FP_EINVAL;
  return 0;
}

fp_day fp_invoice_monthly_before(fp_time now) {
  int y, m, d;
  fp_civil_from_days(fp_uk_day(now), &y, &m, &d);
  return fp_days_from_civil(y, m, 1);
}

const char *fp_invoice_reissue_name(enum fp_invoice_reissue v) {
  return v == FP_REISSUE_AFTER_CORRECTION ? "after_correction" : "now";
}

int fp_invoice_reissue_parse(const char *s, enum fp_invoice_reissue *out) {
  if (!s) return FP_EINVAL;
  if (strcmp(s, "now") == 0) *out = FP_REISSUE_NOW;
  else if (strcmp(s, "after_correction") == 0) *out = FP_REISSUE_AFTER_CORRECTION;
  else return FP_EINVAL;
  return 0;
}
