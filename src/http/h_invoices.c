/*
 * h_invoices.c - clinicians' invoices to practices (issue 13; core/invoice.h, store/invoices.h).
 *   GET  /api/v1/invoices               a page of the invoices the caller sees, newest first:
 *                                        a clinician their own, a practice manager their practice's,
 *                                        a pool administrator their member practices' (credit notes
 *                                        among them); ?status=
 *                                        issued | paid | overdue | credited | credit_note, ?practice_id=, ?clinician_id=
 *   GET  /api/v1/invoices.csv           the same invoices (and filters, and ?from=&to=) as CSV for a
 *                                        finance system: at most FP_INVOICE_CSV_MAX, else refused
 *   GET  /api/v1/invoices/statement?month=YYYY-MM&practice_id=  a practice's consolidated monthly
 *                                        statement: the month's invoices to it, by clinician, with sums
 *   GET  /api/v1/invoices/{id}          one, with its lines
 *   GET  /api/v1/invoices/{id}.pdf      the same as a PDF document (docs/invoice_pdf.h)
 *   POST /api/v1/invoices/{id}/payment  a manager of the invoice's practice records it paid
 *   POST /api/v1/invoices/{id}/credit   its clinician credits an unpaid invoice (a credit note in the
 *                                        same numbering) and its sessions are invoiced again: at once,
 *                                        or after the clinician corrects their timesheets
 *   GET, PUT /api/v1/me/invoice-details  the clinician's address and bank account for their invoices
 *                                        (theirs alone; copied into each invoice at its issue)
 * Invoices are made by themselves when a timesheet is approved; there is no endpoint to make one.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/invoice.h"
#include "core/money.h"
#include "core/validate.h"
#include "docs/csv_out.h"
#include "docs/invoice_pdf.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/request.h"
#include "http/routes.h"
#include "store/invoices.h"

/* The status the reader sees: issued, overdue, paid, credited or credit_note (core/invoice.h fp_invoice_shown_status). */
static const char *shown_status(const struct fp_invoice *inv, int64_t now, bool *overdue) {
  enum fp_invoice_status s = FP_INVOICE_ISSUED;
  fp_invoice_status_parse(inv->status, &s);
  *overdue = fp_invoice_overdue(s, inv->due_on, now);
  return fp_invoice_shown_status(s, inv->due_on, now);
}

static json_t *party_json(int64_t id, const char *name, const char *detail) {
  return json_pack("{s:o, s:s, s:s}", "id", fp_json_id(id), "name", name, "detail", detail ? detail : "");
}

static bool invoice_pension(const struct fp_invoice *inv, int64_t *fee, int64_t *employer);

static bool is_credit_note(const struct fp_invoice *inv) {
  return strcmp(inv->status, fp_invoice_status_name(FP_INVOICE_CREDIT_NOTE)) == 0;
}

/* Its due date, or null for a credit note (it asks for no payment). */
static json_t *due_json(const struct fp_invoice *inv) {
  return is_credit_note(inv) ? json_null() : fp_json_date(inv->due_on);
}

/* {"id", "reference"} of another invoice or credit note. */
static json_t *ref_json(int64_t id, int64_t number) {
  char ref[FP_INVOICE_REF_LEN];
  fp_invoice_reference(number, ref);
  return json_pack("{s:I, s:s}", "id", (json_int_t)id, "reference", ref);
}

static json_t *invoice_json(const struct fp_invoice *inv, int64_t now) {
  bool overdue;
  const char *shown = shown_status(inv, now, &overdue);
  char number[FP_INVOICE_REF_LEN], pdf[64];
  fp_invoice_reference(inv->number, number);
  snprintf(pdf, sizeof pdf, "/api/v1/invoices/%lld.pdf", (long long)inv->id);
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:I, s:o, s:o, s:o, s:s}", "id", (json_int_t)inv->id,
                        "number", (json_int_t)inv->number, "reference", number, "status", inv->status, "shown_status",
                        shown, "overdue", overdue, "issued_at", fp_json_time(inv->issued_at), "due_on",
                        due_json(inv), "total_pence", (json_int_t)inv->total_pence, "paid_at",
                        fp_json_time_or_null(inv->paid_at), "issuer",
                        party_json(inv->clinician_id, inv->issuer_name, inv->issuer_detail), "customer",
                        party_json(inv->practice_id, inv->customer_name, inv->customer_detail), "pdf", pdf);
  /* A credit note names the invoice it credits and why; a credited invoice its credit note. */
  json_object_set_new(j, "credits", inv->credits_id ? ref_json(inv->credits_id, inv->credits_number) : json_null());
  json_object_set_new(j, "credit_reason", inv->credits_id ? json_string(inv->credit_reason) : json_null());
  json_object_set_new(j, "credited_by",
                      inv->credited_by_id ? ref_json(inv->credited_by_id, inv->credited_by_number) : json_null());
  if (inv->lines) {
    json_t *lines = json_array();
    for (size_t i = 0; i < inv->n_lines; i++) {
      const struct fp_invoice_line *l = &inv->lines[i];
      json_array_append_new(lines, json_pack("{s:o, s:s, s:s, s:o, s:o, s:i, s:I}", "booking_id", fp_json_id(l->booking_id),
                                             "kind", l->kind, "description", l->description, "worked_start",
                                             fp_json_time(l->worked_start), "worked_end", fp_json_time(l->worked_end),
                                             "break_minutes", (int)l->break_minutes, "amount_pence",
                                             (json_int_t)l->amount_pence));
    }
    json_object_set_new(j, "lines", lines);
    /* A pensioning GP locum's invoice: part 2 of its form A, for the practice to sign. */
    int64_t fee = 0, employer = 0;
    bool pension = invoice_pension(inv, &fee, &employer);
    bool sgn = inv->form_a_signed_at != 0;
    /* Whether part 2 can still be signed: unsigned, and the invoice in force (the state machine's
       answer, core/invoice.h, so the page offers exactly what the signing accepts). */
    enum fp_invoice_status st;
    bool signable = !sgn && fp_invoice_status_parse(inv->status, &st) == 0 &&
                    fp_invoice_next(st, FP_INVEV_SIGN_FORM_A, NULL) == 0;
    json_object_set_new(
        j, "pension_form_a",
        !pension ? json_null()
                 : json_pack("{s:I, s:I, s:b, s:b, s:o, s:o, s:o}", "fee_pence", (json_int_t)fee,
                             "employer_contribution_pence", (json_int_t)employer, "signed", sgn, "signable",
                             signable, "signer_name",
                             sgn ? json_string(inv->form_a_signer_name) : json_null(), "signer_role",
                             sgn ? json_string(inv->form_a_signer_role) : json_null(), "signed_at",
                             sgn ? fp_json_time(inv->form_a_signed_at) : json_null()));
  }
  return j;
}

/* Who may read invoices at all: their issuers, their customers and the pools'. */
/* The most invoices one CSV export holds: more are refused (400), never cut. */
#define FP_INVOICE_CSV_MAX 20000

static int reader_or_respond(struct fp_req *r, struct fp_scope *scope) {
  fp_scope_from_auth(&r->auth, r->now, scope);
  if (scope->all || scope->clinician_id || scope->n_practices || scope->n_pools) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL,
                 "invoices are read by the clinicians who issue them, the practices they are issued to and their pools");
  return -1;
}

struct list_ctx {
  struct fp_page *page;
  int64_t now;
};

static void add_invoice(const struct fp_invoice *inv, void *vctx) {
  struct list_ctx *x = vctx;
  fp_page_add(x->page, invoice_json(inv, x->now), 0, inv->id);
}

static int id_param_or_respond(struct fp_req *r, const char *name, int64_t *out) {
  *out = 0;
  const char *v = fp_req_query(r, name);
  if (!v) return 0;
  char *end;
  long long n = strtoll(v, &end, 10);
  if (*v && !*end && n > 0 && n < (1LL << 53)) {
    *out = n;
    return 0;
  }
  fp_reply_error(r, FP_API_INVALID_PARAMETER, name, "%s must be a positive whole number", name);
  return -1;
}

/* The filters the list and the export share, into q: ?status= issued | paid | overdue | credited | credit_note,
   ?practice_id=, ?clinician_id=, ?from= and ?to= (UK dates, the days of issue, both included).
   0, or answered (400 naming the parameter). */
static int filters_or_respond(struct fp_req *r, struct fp_invoice_query *q) {
  q->now = r->now;
  q->status = fp_req_query(r, "status");
  enum fp_invoice_status stored;
  if (q->status && strcmp(q->status, "overdue") != 0 && fp_invoice_status_parse(q->status, &stored) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "status", "status must be issued, paid, overdue, credited or credit_note");
    return -1;
  }
  if (id_param_or_respond(r, "practice_id", &q->practice_id) || id_param_or_respond(r, "clinician_id", &q->clinician_id))
    return -1;
  const char *from = fp_req_query(r, "from"), *to = fp_req_query(r, "to");
  fp_day d_from = 0, d_to = 0;
  if (from && fp_date_parse(from, &d_from) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "from", "from must be a date, YYYY-MM-DD");
    return -1;
  }
  if (to && fp_date_parse(to, &d_to) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "to", "to must be a date, YYYY-MM-DD");
    return -1;
  }
  if (from && to && d_to < d_from) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "to", "to must not be before from");
    return -1;
  }
  if (from) q->issued_from = fp_uk_local_to_utc(d_from, 0, 0, 0);
  if (to) q->issued_before = fp_uk_local_to_utc(d_to + 1, 0, 0, 0);
  return 0;
}

void fp_h_invoice_list(struct fp_req *r) {
  struct fp_scope scope;
  if (reader_or_respond(r, &scope)) return;
  static const char *const SORTS[] = {"newest", NULL};
  struct fp_list_params lp;
  if (fp_list_params_or_respond(r, SORTS, &lp)) return; /* no q: a 400 unknown_parameter before it runs */
  struct fp_invoice_query q = {.scope = &scope, .limit = lp.limit, .after = lp.after};
  if (filters_or_respond(r, &q)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page page;
  fp_page_init(&page, c);
  struct list_ctx x = {&page, r->now};
  bool more = false;
  struct fp_list_pos last = {0};
  int rc = c ? fp_store_invoice_list(c, &q, add_invoice, &x, &more, &last) : FP_EIO;
  fp_reply_list(r, &page, rc, more, &lp, &last);
}

/* The export's columns, in order. */
static const char *const CSV_HEAD[] = {"invoice", "number", "clinician_id", "clinician", "practice_id", "practice",
                                       "issued_on", "due_on", "status", "paid_on", "total_pence", "total_gbp"};
#define CSV_COLS (sizeof CSV_HEAD / sizeof CSV_HEAD[0])

struct csv_ctx {
  struct fp_csv_out *out;
  int64_t now;
};

static void csv_invoice(const struct fp_invoice *inv, void *vctx) {
  struct csv_ctx *x = vctx;
  bool overdue;
  char ref[FP_INVOICE_REF_LEN], number[24], cl[24], pr[24], issued[FP_DATE_STRLEN], due[FP_DATE_STRLEN],
      paid[FP_DATE_STRLEN] = "", pence[24], gbp_text[FP_MONEY_TEXT_LEN];
  fp_invoice_reference(inv->number, ref);
  snprintf(number, sizeof number, "%lld", (long long)inv->number);
  snprintf(cl, sizeof cl, "%lld", (long long)inv->clinician_id);
  snprintf(pr, sizeof pr, "%lld", (long long)inv->practice_id);
  fp_date_format(fp_uk_day(inv->issued_at), issued);
  if (is_credit_note(inv)) due[0] = '\0'; /* it asks for no payment */
  else fp_date_format(inv->due_on, due);
  if (inv->paid_at) fp_date_format(fp_uk_day(inv->paid_at), paid);
  snprintf(pence, sizeof pence, "%lld", (long long)inv->total_pence);
  fp_money_text(inv->total_pence, gbp_text);
  const char *cells[CSV_COLS] = {ref,    number, cl,  inv->issuer_name, pr,   inv->customer_name, issued,
                                 due,    shown_status(inv, x->now, &overdue), paid, pence, gbp_text};
  fp_csv_out_row(x->out, cells, CSV_COLS);
}

void fp_h_invoice_csv(struct fp_req *r) {
  struct fp_scope scope;
  if (reader_or_respond(r, &scope)) return;
  struct fp_invoice_query q = {.scope = &scope, .limit = FP_INVOICE_CSV_MAX + 1};
  if (filters_or_respond(r, &q)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_csv_out out;
  fp_csv_out_begin(&out);
  fp_csv_out_row(&out, CSV_HEAD, CSV_COLS);
  struct csv_ctx x = {&out, r->now};
  bool more = false;
  struct fp_list_pos last = {0};
  int rc = c ? fp_store_invoice_list(c, &q, csv_invoice, &x, &more, &last) : FP_EIO;
  if (rc || out.failed) {
    free(out.data);
    fp_reply_store_error(r, rc ? rc : FP_ENOMEM);
    return;
  }
  if (more) { /* refused whole, never cut */
    free(out.data);
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "from",
                   "more than %d invoices match: choose a shorter period (from and to) or a practice", FP_INVOICE_CSV_MAX);
    return;
  }
  char disposition[96], today[FP_DATE_STRLEN];
  fp_date_format(fp_uk_day(r->now), today);
  snprintf(disposition, sizeof disposition, "attachment; filename=\"invoices-%s.csv\"", today);
  fp_req_add_header(r, "Content-Disposition", disposition);
  fp_reply_text(r, 200, "text/csv; charset=utf-8", out.data, out.len);
}

/* ---- a practice's consolidated monthly statement ---- */

/* The invoices issued to one practice in a month, gathered by clinician (in the order first met). */
struct statement_ctx {
  json_t *clinicians; /* array of {clinician_id, clinician_name, invoices: [...], sums} */
  json_t *by_id;      /* clinician id -> its entry (borrowed) */
  int64_t now;
  int64_t total, paid, outstanding, overdue;
  int n;
};

static void add_sum(json_t *o, const char *key, int64_t pence) {
  json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + pence));
}

static void statement_invoice(const struct fp_invoice *inv, void *ctx) {
  struct statement_ctx *x = ctx;
  char key[24], ref[FP_INVOICE_REF_LEN];
  snprintf(key, sizeof key, "%lld", (long long)inv->clinician_id);
  json_t *entry = json_object_get(x->by_id, key);
  if (!entry) {
    entry = json_pack("{s:I, s:s, s:[], s:I, s:I, s:I, s:I}", "clinician_id", (json_int_t)inv->clinician_id,
                      "clinician_name", inv->issuer_name, "invoices", "total_pence", (json_int_t)0, "paid_pence",
                      (json_int_t)0, "outstanding_pence", (json_int_t)0, "overdue_pence", (json_int_t)0);
    json_array_append_new(x->clinicians, entry);
    json_object_set(x->by_id, key, entry);
  }
  bool overdue;
  const char *shown = shown_status(inv, x->now, &overdue);
  /* A credited invoice and its credit note count in the total (they cancel out), neither as owed. */
  enum fp_invoice_status st = FP_INVOICE_ISSUED;
  fp_invoice_status_parse(inv->status, &st);
  bool paid = st == FP_INVOICE_PAID, owed = st == FP_INVOICE_ISSUED;
  fp_invoice_reference(inv->number, ref);
  json_array_append_new(json_object_get(entry, "invoices"),
                        json_pack("{s:I, s:s, s:o, s:o, s:I, s:s}", "id", (json_int_t)inv->id, "reference", ref,
                                  "issued_at", fp_json_time(inv->issued_at), "due_on", due_json(inv),
                                  "total_pence", (json_int_t)inv->total_pence, "shown_status", shown));
  add_sum(entry, "total_pence", inv->total_pence);
  if (paid || owed) add_sum(entry, paid ? "paid_pence" : "outstanding_pence", inv->total_pence);
  if (overdue) add_sum(entry, "overdue_pence", inv->total_pence);
  x->total += inv->total_pence;
  if (paid) x->paid += inv->total_pence;
  else if (owed) x->outstanding += inv->total_pence;
  if (overdue) x->overdue += inv->total_pence;
  x->n++;
}

void fp_h_invoice_statement(struct fp_req *r) {
  struct fp_scope scope;
  if (reader_or_respond(r, &scope)) return;
  int y, m;
  const char *month = fp_req_query(r, "month");
  if (fp_month_parse(month, &y, &m) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "month", "'month' must be a month such as 2026-07");
    return;
  }
  if (!scope.all && !scope.n_practices && !scope.n_pools) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "a statement is the practice's: its managers and its pool read it");
    return;
  }
  struct fp_invoice_query q = {.scope = &scope, .now = r->now, .limit = FP_INVOICE_CSV_MAX + 1};
  if (id_param_or_respond(r, "practice_id", &q.practice_id)) return;
  /* A manager of one practice needs not say which. */
  if (!q.practice_id && scope.n_practices == 1 && !scope.all && !scope.n_pools) q.practice_id = scope.practices[0];
  if (!q.practice_id) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "practice_id", "say which practice's statement: practice_id");
    return;
  }
  /* A manager sees their own practices' (a pool's administrator, its member practices': the list
     below keeps to them). */
  bool theirs = scope.all || scope.n_pools;
  for (int i = 0; i < scope.n_practices; i++) theirs |= scope.practices[i] == q.practice_id;
  if (!theirs) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "practice %lld not found", (long long)q.practice_id);
    return;
  }
  int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
  q.issued_from = fp_uk_local_to_utc(fp_days_from_civil(y, m, 1), 0, 0, 0);
  q.issued_before = fp_uk_local_to_utc(fp_days_from_civil(ny, nm, 1), 0, 0, 0);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct statement_ctx x = {.clinicians = json_array(), .by_id = json_object(), .now = r->now};
  bool more = false;
  struct fp_list_pos last = {0};
  int rc = c ? fp_store_invoice_list(c, &q, statement_invoice, &x, &more, &last) : FP_EIO;
  json_decref(x.by_id);
  if (rc || more) {
    json_decref(x.clinicians);
    if (rc) fp_reply_store_error(r, rc);
    else
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "month", "more than %d invoices in one month: refused, never cut",
                     FP_INVOICE_CSV_MAX);
    return;
  }
  /* The same invoices as CSV, for the finance system: the month's first and last days. */
  char csv[128], first[FP_DATE_STRLEN], lastday[FP_DATE_STRLEN];
  fp_date_format(fp_days_from_civil(y, m, 1), first);
  fp_date_format(fp_days_from_civil(ny, nm, 1) - 1, lastday);
  snprintf(csv, sizeof csv, "/api/v1/invoices.csv?practice_id=%lld&from=%s&to=%s", (long long)q.practice_id, first,
           lastday);
  fp_reply_json(r, 200,
                json_pack("{s:I, s:s, s:o, s:{s:i, s:I, s:I, s:I, s:I}, s:s}", "practice_id", (json_int_t)q.practice_id,
                          "month", month, "clinicians", x.clinicians, "totals", "invoices", x.n, "total_pence",
                          (json_int_t)x.total, "paid_pence", (json_int_t)x.paid, "outstanding_pence",
                          (json_int_t)x.outstanding, "overdue_pence", (json_int_t)x.overdue, "csv", csv));
}

/* The invoice {id} as the caller may see it, into *inv: 0, or answered (404 or a store error). */
static int invoice_or_respond(struct fp_req *r, struct fp_invoice *inv) {
  struct fp_scope scope;
  if (reader_or_respond(r, &scope)) return -1;
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_invoice_get(c, r->params[0], &scope, inv) : FP_EIO;
  return fp_found_or_respond(r, rc, "invoice", r->params[0]);
}

void fp_h_invoice_get(struct fp_req *r) {
  struct fp_invoice inv;
  if (invoice_or_respond(r, &inv)) return;
  fp_reply_json(r, 200, invoice_json(&inv, r->now));
  fp_invoice_release(&inv);
}

/* s's lines, cut at each '\n', into out: 0, or -1 when there are more than a document holds (the
   stored details have at most nine: refused, never cut). */
static int split_lines(char *s, const char *out[FP_INVOICE_PDF_DETAIL_LINES]) {
  for (int k = 0; s && *s; k++) {
    if (k == FP_INVOICE_PDF_DETAIL_LINES) return -1;
    out[k] = s;
    s = strchr(s, '\n');
    if (s) *s++ = '\0';
  }
  return 0;
}

void fp_h_invoice_pdf(struct fp_req *r) {
  struct fp_invoice inv;
  if (invoice_or_respond(r, &inv)) return;
  if (inv.n_lines > FP_INVOICE_PDF_MAX_LINES) { /* at most three lines a session: cannot happen today */
    fp_invoice_release(&inv);
    fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "the invoice has more lines than a document can hold");
    return;
  }
  struct fp_invoice_pdf_line *lines = calloc(inv.n_lines ? inv.n_lines : 1, sizeof *lines);
  if (!lines) {
    fp_invoice_release(&inv);
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  for (size_t i = 0; i < inv.n_lines; i++)
    lines[i] = (struct fp_invoice_pdf_line){inv.lines[i].description, inv.lines[i].worked_start,
                                            inv.lines[i].worked_end, inv.lines[i].break_minutes,
                                            inv.lines[i].amount_pence};
  char number[FP_INVOICE_REF_LEN], status[96], total[FP_MONEY_TEXT_LEN], paid[FP_DATE_STRLEN];
  fp_invoice_reference(inv.number, number);
  fp_money_text(inv.total_pence, total);
  bool overdue;
  shown_status(&inv, r->now, &overdue);
  enum fp_invoice_status st = FP_INVOICE_ISSUED;
  fp_invoice_status_parse(inv.status, &st);
  bool note = st == FP_INVOICE_CREDIT_NOTE;
  char credit[FP_INVOICE_CREDIT_REASON_MAX + 96] = "", ref[FP_INVOICE_REF_LEN];
  if (note) {
    fp_invoice_reference(inv.credits_number, ref);
    snprintf(credit, sizeof credit, "Credits invoice %s in full: %s", ref, inv.credit_reason);
  } else if (st == FP_INVOICE_CREDITED) {
    fp_invoice_reference(inv.credited_by_number, ref);
    snprintf(credit, sizeof credit, "Credited in full by credit note %s: nothing is due.", ref);
  }
  if (inv.paid_at) {
    fp_date_format(fp_uk_day(inv.paid_at), paid);
    snprintf(status, sizeof status, "Paid on %s.", paid);
  } else {
    snprintf(status, sizeof status, "%s", overdue ? "Overdue: payment was due by the date above." : "");
  }
  /* The issuer's and customer's details, one line each. */
  char *issuer = strdup(inv.issuer_detail ? inv.issuer_detail : ""), *customer = strdup(inv.customer_detail ? inv.customer_detail : "");
  struct fp_invoice_pdf doc = {
      .title = note ? "Credit note" : "Invoice",
      .number = number,
      .issued_at = inv.issued_at,
      .due_on = note ? 0 : inv.due_on,
      .issuer = {.name = inv.issuer_name},
      .customer = {.name = inv.customer_name},
      .lines = lines,
      .n_lines = inv.n_lines,
      .total_pence = inv.total_pence,
      .notes = {"VAT: exempt (medical services).", credit, status, NULL},
  };
  bool fits = split_lines(issuer, doc.issuer.detail) == 0 && split_lines(customer, doc.customer.detail) == 0;
  unsigned char *pdf = NULL;
  size_t len = 0;
  int rc = !issuer || !customer ? FP_ENOMEM : !fits ? FP_EINVAL : fp_invoice_pdf_render(&doc, &pdf, &len);
  free(issuer);
  free(customer);
  free(lines);
  if (rc) {
    fp_invoice_release(&inv);
    fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "the invoice's document could not be made");
    return;
  }
  char disposition[96];
  snprintf(disposition, sizeof disposition, "inline; filename=\"invoice-%s.pdf\"", number);
  fp_req_add_header(r, "Content-Disposition", disposition);
  fp_invoice_release(&inv);
  fp_reply_text(r, 200, "application/pdf", (char *)pdf, len);
}

/* A change of one invoice by the caller: its transaction's input (never the request) and refusal. */
struct invoice_change {
  struct fp_actor actor;
  const struct fp_scope *scope; /* what the actor may see */
  int64_t id;
  const char *role;             /* signing form A: the signer's role */
  const char *reason;           /* crediting: why, and how the sessions are invoiced again */
  enum fp_invoice_reissue how;
  int64_t credit_note, reissued; /* out: what crediting made (reissued 0: none yet) */
  struct fp_refusal why;
};

/* Runs tx with x on the path's invoice as the caller: 0, or answered (the refusal or a store error). */
static int run_change(struct fp_req *r, fp_tx_fn tx, struct invoice_change *x, struct fp_scope *scope) {
  if (reader_or_respond(r, scope)) return -1;
  fp_actor_from_auth(&r->auth, r->now, &x->actor);
  x->scope = scope;
  x->id = r->params[0];
  int rc = fp_store_write(r->app->store, tx, x);
  if (rc == FP_EREFUSED) fp_reply_refusal(r, &x->why);
  else if (rc) fp_reply_store_error(r, rc);
  return rc ? -1 : 0;
}

/* Runs tx on the path's invoice as the caller and answers the invoice, the refusal or a store error. */
static void change_invoice(struct fp_req *r, fp_tx_fn tx, const char *role) {
  struct fp_scope scope;
  struct invoice_change x;
  memset(&x, 0, sizeof x);
  x.role = role;
  if (run_change(r, tx, &x, &scope) == 0) fp_h_invoice_get(r);
}

/* What a change of one invoice needs to know of it, read in its transaction. */
struct invoice_facts {
  enum fp_invoice_status from;
  char ref[FP_INVOICE_REF_LEN];
  int64_t fee, employer; /* its pension figures (invoice_pension) */
  bool pension, signed_already;
};

static const char *const WHO_MAY[] = {
    [FP_INVEV_PAY] = "only a manager of the practice the invoice is issued to records its payment",
    [FP_INVEV_SIGN_FORM_A] = "only a manager of the invoice's practice, not the locum, signs part 2 of form A",
    [FP_INVEV_CREDIT] = "only the clinician who issued an invoice credits it",
};

/* x's invoice (in x's scope) as facts for event ev, asked of the core: 0, or FP_EREFUSED with why
   (not found; not the actor's to change; not in a status the event is allowed from, said in words). */
static int invoice_facts(struct fp_conn *c, struct invoice_change *x, enum fp_invoice_event ev, struct invoice_facts *f) {
  struct fp_invoice inv;
  int rc = fp_store_invoice_get(c, x->id, x->scope, &inv);
  if (rc == FP_ENOTFOUND) return fp_refuse(&x->why, FP_API_NOT_FOUND, NULL, x->id, "invoice %lld not found", (long long)x->id);
  if (rc) return rc;
  memset(f, 0, sizeof *f);
  f->from = FP_INVOICE_ISSUED;
  fp_invoice_status_parse(inv.status, &f->from);
  fp_invoice_reference(inv.number, f->ref);
  f->pension = invoice_pension(&inv, &f->fee, &f->employer);
  f->signed_already = inv.form_a_signed_at != 0;
  bool may = fp_invoice_may(&x->actor, ev, inv.clinician_id, inv.practice_id);
  fp_invoice_release(&inv);
  if (!may) return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->id, "%s", WHO_MAY[ev]);
  if (fp_invoice_next(f->from, ev, NULL) == 0) return 0;
  return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->id, "%s %s is %s: %s",
                   f->from == FP_INVOICE_CREDIT_NOTE ? "credit note" : "invoice", f->ref,
                   f->from == FP_INVOICE_PAID ? "paid" : f->from == FP_INVOICE_CREDITED ? "credited" : "a credit note",
                   ev == FP_INVEV_PAY      ? "only an issued invoice is paid"
                   : ev == FP_INVEV_CREDIT ? "only an issued invoice, not yet paid, is credited"
                                           : "only an invoice in force has a pension form A to sign");
}

static int pay_tx(struct fp_conn *c, void *vctx) {
  struct invoice_change *x = vctx;
  struct invoice_facts f;
  int rc = invoice_facts(c, x, FP_INVEV_PAY, &f);
  return rc ? rc : fp_store_invoice_pay(c, x->id, f.from, x->actor.user_id, x->actor.now);
}

void fp_h_invoice_pay(struct fp_req *r) {
  if (r->body_len) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  change_invoice(r, pay_tx, NULL);
}

/* ---- credit note and reissue ---- */

static int credit_tx(struct fp_conn *c, void *vctx) {
  struct invoice_change *x = vctx;
  struct invoice_facts f;
  int rc = invoice_facts(c, x, FP_INVEV_CREDIT, &f);
  if (!rc)
    rc = fp_store_invoice_credit(c, x->id, f.from, x->reason, x->how, x->actor.user_id, x->actor.now, &x->credit_note,
                                 &x->reissued);
  return rc == FP_ECONFLICT ? fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->id, "invoice %s changed meanwhile", f.ref)
                            : rc;
}

/* One invoice by id as json, or JSON null when id is 0. */
static json_t *invoice_json_by_id(struct fp_conn *c, int64_t id, int64_t now, int *rc) {
  if (!id || *rc) return json_null();
  struct fp_invoice inv;
  if ((*rc = fp_store_invoice_get(c, id, NULL, &inv)) != 0) return json_null();
  json_t *j = invoice_json(&inv, now);
  fp_invoice_release(&inv);
  return j;
}

void fp_h_invoice_credit(struct fp_req *r) {
  const char *reason = NULL, *reissue = NULL;
  static const char *const REISSUE[] = {"now", "after_correction", NULL};
  struct fp_field spec[] = {
      {"reason", FP_F_STRING, true, 1, FP_INVOICE_CREDIT_REASON_MAX, NULL, &reason, NULL},
      {"reissue", FP_F_ENUM, true, 0, 0, REISSUE, &reissue, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (strpbrk(reason, "\r\n")) { /* printed in one line of the credit note */
    fp_reply_error(r, FP_API_INVALID_FIELD, "reason", "'reason' must be on one line");
    return;
  }
  struct fp_scope scope;
  struct invoice_change x;
  memset(&x, 0, sizeof x);
  x.reason = reason;
  fp_invoice_reissue_parse(reissue, &x.how);
  if (run_change(r, credit_tx, &x, &scope)) return;
  /* What the credit made, as its reader sees it. */
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? 0 : FP_EIO;
  json_t *credited = invoice_json_by_id(c, x.id, r->now, &rc);
  json_t *note = invoice_json_by_id(c, x.credit_note, r->now, &rc);
  json_t *reissued = invoice_json_by_id(c, x.reissued, r->now, &rc);
  json_t *body = json_pack("{s:o, s:o, s:o}", "invoice", credited, "credit_note", note, "reissued", reissued);
  if (rc) {
    json_decref(body);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, body);
}

/* ---- part 2 of the locum's pension form A, signed by the practice ---- */

/* The invoice's pension figures: its fee lines' sum and the employer contribution it asks (its
   employer_pension lines, core/pension.h as issued); false when it asks none (no form A). */
static bool invoice_pension(const struct fp_invoice *inv, int64_t *fee, int64_t *employer) {
  bool pension = false;
  *fee = *employer = 0;
  for (size_t i = 0; i < inv->n_lines; i++) {
    if (strcmp(inv->lines[i].kind, "fee") == 0) *fee += inv->lines[i].amount_pence;
    if (strcmp(inv->lines[i].kind, "employer_pension") == 0) {
      *employer += inv->lines[i].amount_pence;
      pension = true;
    }
  }
  return pension;
}

static int sign_tx(struct fp_conn *c, void *vctx) {
  struct invoice_change *x = vctx;
  struct invoice_facts f;
  int rc = invoice_facts(c, x, FP_INVEV_SIGN_FORM_A, &f);
  if (rc) return rc;
  const char *ref = f.ref;
  int64_t fee = f.fee, employer = f.employer;
  if (!f.pension)
    return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->id,
                     "invoice %s has no pension form A: its locum does not pension their locum work", ref);
  if (f.signed_already)
    return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->id, "part 2 of form A for invoice %s is signed already", ref);
  struct fp_user u;
  if ((rc = fp_store_user_by_id(c, x->actor.user_id, &u)) != 0) return rc;
  /* What is signed: the figures the practice attests, as the invoice states them. */
  char what[200];
  snprintf(what, sizeof what, "{\"invoice\":\"%s\",\"fee_pence\":%lld,\"employer_contribution_pence\":%lld}", ref,
           (long long)fee, (long long)employer);
  rc = fp_store_form_a_sign(c, x->id, x->actor.user_id, u.name, x->role, what, x->actor.now);
  return rc == FP_ECONFLICT
             ? fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->id, "part 2 of form A for invoice %s is signed already", ref)
             : rc;
}

void fp_h_invoice_form_a_sign(struct fp_req *r) {
  const char *role = NULL;
  struct fp_field spec[] = {
      {"signer_role", FP_F_STRING, true, 1, 100, NULL, &role, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (strpbrk(role, "\r\n")) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "signer_role", "'signer_role' must be on one line");
    return;
  }
  change_invoice(r, sign_tx, role);
}

/* ---- the clinician's invoice details: where they are paid ---- */

static json_t *details_json(const struct fp_invoice_details *d, bool given) {
  return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}", "address", given ? json_string(d->address) : json_null(),
                   "account_name", given ? json_string(d->account_name) : json_null(), "sort_code",
                   given ? json_string(d->sort_code) : json_null(), "account_number",
                   given ? json_string(d->account_number) : json_null(), "updated_at",
                   given ? fp_json_time(d->updated_at) : json_null(), "invoicing",
                   given && d->invoicing[0] ? d->invoicing : fp_invoicing_name(FP_INVOICING_SESSION));
}

static int details_clinician_or_respond(struct fp_req *r) {
  if (r->auth.clinician_id) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians issue invoices");
  return -1;
}

void fp_h_me_invoice_details(struct fp_req *r) {
  if (details_clinician_or_respond(r)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_invoice_details d;
  int rc = c ? fp_store_invoice_details_get(c, r->auth.clinician_id, &d) : FP_EIO;
  if (rc && rc != FP_ENOTFOUND) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, details_json(&d, rc == 0));
}

struct details_tx {
  int64_t clinician_id, user_id, now;
  const struct fp_invoice_details *d;
};

static int details_tx_fn(struct fp_conn *c, void *ctx) {
  const struct details_tx *x = ctx;
  return fp_store_invoice_details_put(c, x->clinician_id, x->d, x->user_id, x->now);
}

void fp_h_me_invoice_details_put(struct fp_req *r) {
  if (details_clinician_or_respond(r)) return;
  const char *address = NULL, *name = NULL, *sort_code = NULL, *account = NULL, *invoicing = NULL;
  static const char *const INVOICING[] = {"session", "monthly", NULL};
  struct fp_field spec[] = {
      {"address", FP_F_STRING, true, 1, 300, NULL, &address, NULL},
      {"account_name", FP_F_STRING, true, 1, 100, NULL, &name, NULL},
      {"sort_code", FP_F_STRING, true, 1, 8, NULL, &sort_code, NULL},
      {"account_number", FP_F_STRING, true, 1, 15, NULL, &account, NULL},
      {"invoicing", FP_F_ENUM, false, 0, 0, INVOICING, &invoicing, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct fp_invoice_details d;
  memset(&d, 0, sizeof d);
  if (fp_sort_code_normalise(sort_code, d.sort_code) != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "sort_code", "'sort_code' must be 6 digits, such as 12-34-56");
    return;
  }
  if (fp_account_number_normalise(account, d.account_number) != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "account_number", "'account_number' must be 8 digits, such as 12345678");
    return;
  }
  if (strpbrk(name, "\r\n")) { /* printed in one line of the invoice's details */
    fp_reply_error(r, FP_API_INVALID_FIELD, "account_name", "'account_name' must be on one line");
    return;
  }
  if (fp_text_lines(address) > FP_ADDRESS_MAX_LINES) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "address", "'address' may have at most %d lines", FP_ADDRESS_MAX_LINES);
    return;
  }
  snprintf(d.address, sizeof d.address, "%s", address);
  snprintf(d.account_name, sizeof d.account_name, "%s", name);
  if (invoicing) snprintf(d.invoicing, sizeof d.invoicing, "%s", invoicing); /* else unchanged */
  struct details_tx x = {r->auth.clinician_id, r->auth.user_id, r->now, &d};
  int rc = fp_store_write(r->app->store, details_tx_fn, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  /* As stored (the way of invoicing kept when not given). */
  struct fp_conn *c = fp_store_reader(r->app->store);
  rc = c ? fp_store_invoice_details_get(c, r->auth.clinician_id, &d) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, details_json(&d, true));
}
