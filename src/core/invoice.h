/*
 * invoice.h - a clinician's invoice to a practice for approved sessions (issue 13): its state
 * machine, who may move it, its due date and when it is overdue.
 *
 * The clinician is the issuer, the practice the customer. An invoice is made by itself when a
 * session's timesheet is approved (one invoice per session), numbered per issuer without gaps
 * (1, 2, 3 ...; the database refuses any other number), due the days after its issue that the
 * booking's terms of engagement give (core/terms.h), and never edited once issued.
 * Its status:
 *   issued      made, not yet paid; shown as overdue from the day after its due date (UK days);
 *   paid        the practice recorded the payment;
 *   credited    the clinician cancelled it with a credit note (it stays, never paid);
 *   credit_note a credit note: the next number in the same sequence, the credited invoice's lines
 *               at minus their amounts; it has no events.
 * Transitions: issued -> paid (PAY), by a manager of the invoice's practice; issued -> credited
 * (CREDIT), by the clinician who issued it (a paid invoice is not credited here: the money has
 * moved). A credited invoice's sessions are invoiced again: at once from the same approved
 * timesheets, or after the clinician corrects them and the practice approves them again
 * (core/timesheet.h REOPEN).
 * Depends on core/actor.h and core/time.h.
 */
#ifndef FP_CORE_INVOICE_H
#define FP_CORE_INVOICE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/time.h"

enum fp_invoice_status { FP_INVOICE_ISSUED = 0, FP_INVOICE_PAID, FP_INVOICE_CREDITED, FP_INVOICE_CREDIT_NOTE };
/* PAY moves an issued invoice to paid. SIGN_FORM_A changes no status: the practice signs part 2 of
   the GP locum's NHS Pension Scheme form A for an invoice in force, issued or paid (not a credited
   one, nor a credit note: they have no form A), once, by a manager of the invoice's practice who is
   not the locum. CREDIT moves an issued invoice to credited. */
enum fp_invoice_event { FP_INVEV_PAY = 0, FP_INVEV_SIGN_FORM_A, FP_INVEV_CREDIT };

/* How a credited invoice's sessions are invoiced again: at once, from the same approved timesheets
   with the clinician's details as they are now (a wrong address or bank account); or after each
   session's timesheet goes back to the clinician to correct (REOPEN) and the practice approves it
   again (wrong times or claims). */
enum fp_invoice_reissue { FP_REISSUE_NOW = 0, FP_REISSUE_AFTER_CORRECTION };
const char *fp_invoice_reissue_name(enum fp_invoice_reissue v); /* "now", "after_correction" */
int fp_invoice_reissue_parse(const char *s, enum fp_invoice_reissue *out);
/* The longest reason a credit note gives. */
#define FP_INVOICE_CREDIT_REASON_MAX 300

/* The number as shown on the invoice and in messages: "0007" (at least four digits). */
#define FP_INVOICE_REF_LEN 24
void fp_invoice_reference(int64_t number, char buf[FP_INVOICE_REF_LEN]);

/* "issued", "paid", "credited", "credit_note". */
const char *fp_invoice_status_name(enum fp_invoice_status s);
/* 0, or FP_EINVAL for any other text (*out untouched). */
int fp_invoice_status_parse(const char *s, enum fp_invoice_status *out);

/* The next status, or FP_ECONFLICT when the event is not allowed from `from` (to may be NULL). */
int fp_invoice_next(enum fp_invoice_status from, enum fp_invoice_event ev, enum fp_invoice_status *to);

/* Whether the actor may cause ev on an invoice of clinician_id to practice_id. */
bool fp_invoice_may(const struct fp_actor *a, enum fp_invoice_event ev, int64_t clinician_id, int64_t practice_id);

/* The UK day payment is due for an invoice issued at issued_at with `days` to pay. */
fp_day fp_invoice_due_on(fp_time issued_at, int32_t days);

/* Whether an invoice in status s, due on due_on, is overdue at now: unpaid after its due day, that
   is issued and due before fp_invoice_overdue_before(now). */
bool fp_invoice_overdue(enum fp_invoice_status s, fp_day due_on, fp_time now);
/* The day before which an issued invoice was due to be overdue at now (today in the UK): the rule
   a list of the overdue ones applies in its query (store/invoices.c). */
fp_day fp_invoice_overdue_before(fp_time now);

/* How a clinician invoices: each session when its timesheet is approved, or one invoice to each
   practice a month for the sessions approved and worked before the month began (the upkeep's run
   from the first of the month; a session approved later is invoiced by the next run). */
enum fp_invoicing { FP_INVOICING_SESSION = 0, FP_INVOICING_MONTHLY };
const char *fp_invoicing_name(enum fp_invoicing v); /* "session", "monthly" */
int fp_invoicing_parse(const char *s, enum fp_invoicing *out);
/* The day before which approved sessions that started are invoiced by a monthly run at now: the
   first of now's UK month. */
fp_day fp_invoice_monthly_before(fp_time now);

/* The status its reader sees at now: "issued", "overdue" (fp_invoice_overdue) or "paid". The
   invoice's own answer and its timesheet's both say this. */
const char *fp_invoice_shown_status(enum fp_invoice_status s, fp_day due_on, fp_time now);

#endif
