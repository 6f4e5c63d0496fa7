/*
 * h_pension.c - a GP locum's NHS Pension Scheme forms (issue 13; core/pension.h, store/pension.h).
 *   GET, PUT /api/v1/me/pension        their SD number, whether they pension their locum work and
 *                                      the annual pensionable pay they declare (GP locums alone set them)
 *   GET /api/v1/pension-forms?month=YYYY-MM  the month's forms as figures: form A for each invoice
 *                                      issued in the month (one practice each), form B for the
 *                                      pensionable pay received (invoices paid) in the month
 *   GET /api/v1/pension-forms/YYYY-MM.pdf   the same forms as one PDF (docs/pension_pdf.h), made
 *                                      from the same figures as the answer above
 * The figures are the core's, under the rules of the month's scheme year.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/invoice.h"
#include "core/pension.h"
#include "docs/pension_pdf.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/request.h"
#include "http/routes.h"
#include "store/members.h"
#include "store/pension.h"

/* The caller's clinician row: 0, or -1 once answered (403 for anyone who is not a clinician). */
static int clinician_or_respond(struct fp_req *r, struct fp_conn *c, struct fp_clinician *cl) {
  if (!r->auth.clinician_id) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians have NHS Pension Scheme locum forms");
    return -1;
  }
  int rc = c ? fp_store_clinician_get(c, r->auth.clinician_id, NULL, NULL, cl) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

static json_t *details_json(const struct fp_pension_details *d, bool given) {
  return json_pack("{s:o, s:b, s:o, s:o}", "sd_number", given ? json_string(d->sd_number) : json_null(), "pensioned",
                   given && d->pensioned, "annual_pensionable_pay_pence",
                   given ? json_integer(d->annual_pensionable_pence) : json_null(), "updated_at",
                   given ? fp_json_time(d->updated_at) : json_null());
}

void fp_h_me_pension(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_clinician cl;
  if (clinician_or_respond(r, c, &cl)) return;
  struct fp_pension_details d;
  int rc = fp_store_pension_details_get(c, cl.id, &d);
  if (rc && rc != FP_ENOTFOUND) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, details_json(&d, rc == 0));
}

struct put_tx {
  int64_t clinician_id, user_id, now;
  const struct fp_pension_details *d;
};

static int put_tx_fn(struct fp_conn *c, void *ctx) {
  const struct put_tx *x = ctx;
  return fp_store_pension_details_put(c, x->clinician_id, x->d, x->user_id, x->now);
}

void fp_h_me_pension_put(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_clinician cl;
  if (clinician_or_respond(r, c, &cl)) return;
  if (strcmp(cl.profession, "gp") != 0) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "NHS Pension Scheme locum forms A and B are for GP locums");
    return;
  }
  const char *sd = NULL;
  bool pensioned = false;
  int64_t annual = 0;
  struct fp_field spec[] = {
      {"sd_number", FP_F_STRING, true, 1, 8, NULL, &sd, NULL},
      {"pensioned", FP_F_BOOL, true, 0, 0, NULL, &pensioned, NULL},
      {"annual_pensionable_pay_pence", FP_F_INT, true, 0, 100000000, NULL, &annual, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (!fp_sd_number_valid(sd)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "sd_number", "'sd_number' must be your 8-digit SD number");
    return;
  }
  struct fp_pension_details d = {.pensioned = pensioned, .annual_pensionable_pence = annual, .updated_at = r->now};
  snprintf(d.sd_number, sizeof d.sd_number, "%s", sd);
  struct put_tx x = {cl.id, r->auth.user_id, r->now, &d};
  int rc = fp_store_write(r->app->store, put_tx_fn, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, details_json(&d, true));
}

/* ---- the forms ---- */

/* Form A being built, one invoice at a time from its fee lines (in invoice and worked order). */
struct forms_ctx {
  struct fp_pension_forms *f;
  const struct fp_pension_year *year;
  int64_t paid_invoice, paid_fee; /* form B's invoice being summed */
  int err;
};

/* The figures of the form A just filled (core/pension.h). */
static void form_a_figures(const struct fp_pension_year *y, struct fp_pension_form_a *a) {
  a->pensionable_pence = fp_pension_pensionable_pence(y, a->fee_pence);
  a->employer_pence = fp_pension_employer_pence(y, a->pensionable_pence);
  a->ten_week_limit = fp_pension_ten_week_limit(a->first_worked);
}

static void form_a_line(const struct fp_pension_line *l, void *ctx) {
  struct forms_ctx *x = ctx;
  struct fp_pension_forms *f = x->f;
  if (x->err) return;
  struct fp_pension_form_a *a = f->n_form_a ? &f->form_a[f->n_form_a - 1] : NULL;
  if (!a || a->invoice_id != l->invoice_id) {
    if (f->n_form_a == f->cap_form_a) {
      size_t cap = f->cap_form_a ? f->cap_form_a * 2 : 8;
      struct fp_pension_form_a *grown = realloc(f->form_a, cap * sizeof *grown);
      if (!grown) {
        x->err = FP_ENOMEM;
        return;
      }
      f->form_a = grown;
      f->cap_form_a = cap;
    }
    a = &f->form_a[f->n_form_a++];
    memset(a, 0, sizeof *a);
    a->practice_id = l->practice_id;
    a->invoice_id = l->invoice_id;
    snprintf(a->practice_name, sizeof a->practice_name, "%s", l->practice_name);
    fp_invoice_reference(l->invoice_number, a->invoice_reference);
    a->issued_at = l->issued_at;
    a->first_worked = fp_uk_day(l->worked_start);
    a->signed_at = l->signed_at;
    snprintf(a->signer_name, sizeof a->signer_name, "%s", l->signer_name);
    snprintf(a->signer_role, sizeof a->signer_role, "%s", l->signer_role);
  }
  if (a->n_periods == a->cap_periods) {
    size_t cap = a->cap_periods ? a->cap_periods * 2 : 4;
    struct fp_pension_period *grown = realloc(a->periods, cap * sizeof *grown);
    if (!grown) {
      x->err = FP_ENOMEM;
      return;
    }
    a->periods = grown;
    a->cap_periods = cap;
  }
  a->periods[a->n_periods++] = (struct fp_pension_period){l->worked_start, l->worked_end};
  a->fee_pence += l->fee_pence;
  if (fp_uk_day(l->worked_start) < a->first_worked) a->first_worked = fp_uk_day(l->worked_start);
  form_a_figures(x->year, a);
}

/* Form B: each invoice paid in the month counted as its form A counts it. */
static void form_b_close(struct forms_ctx *x) {
  if (!x->paid_invoice) return;
  struct fp_pension_form_a a = {.fee_pence = x->paid_fee};
  form_a_figures(x->year, &a);
  x->f->form_b.pensionable_pence += a.pensionable_pence;
  x->f->form_b.employer_pence += a.employer_pence;
  x->f->form_b.invoices_paid++;
  x->paid_invoice = 0;
  x->paid_fee = 0;
}

static void form_b_line(const struct fp_pension_line *l, void *ctx) {
  struct forms_ctx *x = ctx;
  if (x->paid_invoice && x->paid_invoice != l->invoice_id) form_b_close(x);
  x->paid_invoice = l->invoice_id;
  x->paid_fee += l->fee_pence;
}

/* The forms of the caller for year-month: 0 with *f filled (release it), or -1 once answered. */
static int forms_or_respond(struct fp_req *r, int y, int m, struct fp_pension_forms *f) {
  memset(f, 0, sizeof *f);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_clinician cl;
  if (clinician_or_respond(r, c, &cl)) return -1;
  fp_day first = fp_days_from_civil(y, m, 1);
  struct fp_pension_year rules;
  const struct fp_pension_year *year = &rules;
  if (!fp_pension_year(fp_pension_scheme_year(first), &rules)) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "month", "the NHS Pension Scheme's rules for %d/%02d are not recorded",
                   fp_pension_scheme_year(first), (fp_pension_scheme_year(first) + 1) % 100);
    return -1;
  }
  struct fp_pension_details d;
  int rc = fp_store_pension_details_get(c, cl.id, &d);
  if (rc && rc != FP_ENOTFOUND) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  static const char *const MONTHS[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
  snprintf(f->month, sizeof f->month, "%04d-%02d", y, m);
  snprintf(f->month_title, sizeof f->month_title, "%s %04d", MONTHS[m - 1], y);
  snprintf(f->clinician_name, sizeof f->clinician_name, "%s", cl.name);
  f->pensioned = rc == 0 && d.pensioned && strcmp(cl.profession, "gp") == 0;
  snprintf(f->scheme_year, sizeof f->scheme_year, "%d/%02d", year->start_year, (year->start_year + 1) % 100);
  f->provisional = year->provisional;
  snprintf(f->source, sizeof f->source, "%s", year->source);
  fp_pension_rate_text(year->pensionable_bp, f->pensionable_share);
  fp_pension_rate_text(year->employer_bp, f->employer_rate);
  if (!f->pensioned) return 0;
  int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1; /* the month after */
  fp_time from = fp_uk_local_to_utc(first, 0, 0, 0), to = fp_uk_local_to_utc(fp_days_from_civil(ny, nm, 1), 0, 0, 0);
  struct forms_ctx x = {.f = f, .year = year};
  rc = fp_store_pension_lines(c, cl.id, from, to, false, form_a_line, &x);
  if (!rc) rc = fp_store_pension_lines(c, cl.id, from, to, true, form_b_line, &x);
  form_b_close(&x);
  if (!rc) rc = x.err;
  if (rc) {
    fp_pension_forms_release(f);
    fp_reply_store_error(r, rc);
    return -1;
  }
  struct fp_pension_form_b *b = &f->form_b;
  f->has_form_b = true;
  snprintf(b->sd_number, sizeof b->sd_number, "%s", d.sd_number);
  b->annual_pensionable_pence = d.annual_pensionable_pence;
  int32_t rate = fp_pension_tier_rate_bp(year, d.annual_pensionable_pence);
  fp_pension_rate_text(rate, b->tier_rate);
  b->employee_pence = fp_pension_employee_pence(b->pensionable_pence, rate);
  b->total_pence = b->employee_pence + b->employer_pence;
  fp_pension_upr(d.sd_number, y, m, b->upr);
  b->due_by = fp_pension_form_b_due(y, m);
  return 0;
}

static json_t *forms_json(const struct fp_pension_forms *f) {
  json_t *j = json_pack("{s:s, s:b, s:{s:s, s:b, s:s, s:s, s:s}}", "month", f->month, "pensioned", f->pensioned,
                        "rules", "scheme_year", f->scheme_year, "provisional", f->provisional, "source", f->source,
                        "pensionable_share", f->pensionable_share, "employer_rate", f->employer_rate);
  json_t *forms = json_array();
  for (size_t i = 0; i < f->n_form_a; i++) {
    const struct fp_pension_form_a *a = &f->form_a[i];
    json_t *periods = json_array();
    for (size_t k = 0; k < a->n_periods; k++)
      json_array_append_new(periods, json_pack("{s:o, s:o}", "start", fp_json_time(a->periods[k].start), "end",
                                               fp_json_time(a->periods[k].end)));
    json_array_append_new(
        forms, json_pack("{s:I, s:s, s:I, s:s, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o}", "practice_id",
                         (json_int_t)a->practice_id, "practice_name", a->practice_name, "invoice_id",
                         (json_int_t)a->invoice_id, "invoice_reference", a->invoice_reference, "issued_at",
                         fp_json_time(a->issued_at), "work_periods", periods, "fee_pence", (json_int_t)a->fee_pence,
                         "pensionable_pay_pence", (json_int_t)a->pensionable_pence, "employer_contribution_pence",
                         (json_int_t)a->employer_pence, "first_worked_on", fp_json_date(a->first_worked),
                         "ten_week_limit", fp_json_date(a->ten_week_limit), "part2",
                         !a->signed_at ? json_null()
                                       : json_pack("{s:s, s:s, s:o}", "signer_name", a->signer_name, "signer_role",
                                                   a->signer_role, "signed_at", fp_json_time(a->signed_at))));
  }
  json_object_set_new(j, "form_a", forms);
  const struct fp_pension_form_b *b = &f->form_b;
  json_object_set_new(
      j, "form_b",
      !f->has_form_b
          ? json_null()
          : json_pack("{s:s, s:I, s:i, s:I, s:s, s:I, s:I, s:I, s:s, s:o}", "sd_number", b->sd_number,
                      "annual_pensionable_pay_pence", (json_int_t)b->annual_pensionable_pence, "invoices_paid",
                      b->invoices_paid, "pensionable_pay_pence", (json_int_t)b->pensionable_pence, "tier_rate",
                      b->tier_rate, "employee_contribution_pence", (json_int_t)b->employee_pence,
                      "employer_contribution_pence", (json_int_t)b->employer_pence, "total_contributions_pence",
                      (json_int_t)b->total_pence, "upr", b->upr, "due_by", fp_json_date(b->due_by)));
  return j;
}

void fp_h_pension_forms(struct fp_req *r) {
  int y, m;
  if (fp_month_parse(fp_req_query(r, "month"), &y, &m) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "month", "'month' must be a month such as 2026-07");
    return;
  }
  struct fp_pension_forms f;
  if (forms_or_respond(r, y, m, &f)) return;
  fp_reply_json(r, 200, forms_json(&f));
  fp_pension_forms_release(&f);
}

void fp_h_pension_forms_pdf(struct fp_req *r) {
  int64_t y = r->params[0], m = r->params[1];
  if (y < 2000 || y > 2999 || m < 1 || m > 12) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no such month: the path is /api/v1/pension-forms/YYYY-MM.pdf");
    return;
  }
  struct fp_pension_forms f;
  if (forms_or_respond(r, (int)y, (int)m, &f)) return;
  if (!f.pensioned) {
    fp_pension_forms_release(&f);
    fp_reply_error(r, FP_API_INVALID_STATE, NULL,
                   "there are no forms: give your SD number and say you pension your locum work (/api/v1/me/pension)");
    return;
  }
  unsigned char *pdf = NULL;
  size_t len = 0;
  int rc = fp_pension_pdf_render(&f, &pdf, &len);
  fp_pension_forms_release(&f);
  if (rc) {
    fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "the forms' document could not be made");
    return;
  }
  char disposition[96];
  snprintf(disposition, sizeof disposition, "inline; filename=\"pension-forms-%04d-%02d.pdf\"", (int)y, (int)m);
  fp_req_add_header(r, "Content-Disposition", disposition);
  fp_reply_text(r, 200, "application/pdf", (char *)pdf, len);
}
