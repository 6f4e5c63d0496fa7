/*
 * h_pension.c - a GP locum's NHS Pension Scheme forms (issue 13; core/pension.h, store/pension.h).
 *   GET, PUT /api/v1/me/pension        their SD number, whether they pension their locum work and
 *                                      the annual pensionable pay they declare (GP locums alone set them)
 *   GET /api/v1/pension-forms?month=YYYY-MM  the month's forms as figures: form A for each invoice
 *                                      issued in the month (one practice each), form B for the
 *                                      pensionable pay received (invoices paid) in the month
 * The figures are the core's, under the rules of the month's scheme year.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/invoice.h"
#include "core/pension.h"
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

/* "YYYY-MM" as its first day, *y and *m. 0, or -1 (not such a month). */
static int month_parse(const char *s, fp_day *first, int *y, int *m) {
  char date[16], back[FP_DATE_STRLEN];
  if (!s || strlen(s) != 7 || s[4] != '-') return -1;
  snprintf(date, sizeof date, "%s-01", s);
  if (fp_date_parse(date, first) != 0) return -1;
  fp_date_format(*first, back);
  if (strcmp(back, date) != 0) return -1;
  int d;
  fp_civil_from_days(*first, y, m, &d);
  return 0;
}

/* Form A entries being built: one per invoice, lines in order. */
struct form_a_ctx {
  const struct fp_pension_year *year;
  json_t *forms;       /* array */
  json_t *cur;         /* the invoice's entry */
  int64_t cur_invoice, fee;
  fp_day first_worked;
};

static void form_a_close(struct form_a_ctx *x) {
  if (!x->cur) return;
  int64_t pensionable = fp_pension_pensionable_pence(x->year, x->fee);
  json_object_set_new(x->cur, "fee_pence", json_integer(x->fee));
  json_object_set_new(x->cur, "pensionable_pay_pence", json_integer(pensionable));
  json_object_set_new(x->cur, "employer_contribution_pence", json_integer(fp_pension_employer_pence(x->year, pensionable)));
  json_object_set_new(x->cur, "first_worked_on", fp_json_date(x->first_worked));
  json_object_set_new(x->cur, "ten_week_limit", fp_json_date(fp_pension_ten_week_limit(x->first_worked)));
  json_array_append_new(x->forms, x->cur);
  x->cur = NULL;
}

static void form_a_line(const struct fp_pension_line *l, void *ctx) {
  struct form_a_ctx *x = ctx;
  if (x->cur && x->cur_invoice != l->invoice_id) form_a_close(x);
  if (!x->cur) {
    char ref[FP_INVOICE_REF_LEN];
    fp_invoice_reference(l->invoice_number, ref);
    x->cur = json_pack("{s:I, s:s, s:I, s:s, s:o, s:[]}", "practice_id", (json_int_t)l->practice_id, "practice_name",
                       l->practice_name, "invoice_id", (json_int_t)l->invoice_id, "invoice_reference", ref, "issued_at",
                       fp_json_time(l->issued_at), "work_periods");
    x->cur_invoice = l->invoice_id;
    x->fee = 0;
    x->first_worked = fp_uk_day(l->worked_start);
  }
  json_array_append_new(json_object_get(x->cur, "work_periods"),
                        json_pack("{s:o, s:o}", "start", fp_json_time(l->worked_start), "end", fp_json_time(l->worked_end)));
  x->fee += l->fee_pence;
  if (fp_uk_day(l->worked_start) < x->first_worked) x->first_worked = fp_uk_day(l->worked_start);
}

/* Form B: the pensionable pay and the employer contributions of the invoices paid in the month,
   each invoice's figures rounded as its form A's. */
struct form_b_ctx {
  const struct fp_pension_year *year;
  int64_t cur_invoice, fee, pensionable, employer;
  int n_invoices;
};

static void form_b_close(struct form_b_ctx *x) {
  if (!x->cur_invoice) return;
  int64_t p = fp_pension_pensionable_pence(x->year, x->fee);
  x->pensionable += p;
  x->employer += fp_pension_employer_pence(x->year, p);
  x->n_invoices++;
  x->cur_invoice = 0;
  x->fee = 0;
}

static void form_b_line(const struct fp_pension_line *l, void *ctx) {
  struct form_b_ctx *x = ctx;
  if (x->cur_invoice && x->cur_invoice != l->invoice_id) form_b_close(x);
  x->cur_invoice = l->invoice_id;
  x->fee += l->fee_pence;
}

void fp_h_pension_forms(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_clinician cl;
  if (clinician_or_respond(r, c, &cl)) return;
  const char *month = fp_req_query(r, "month");
  fp_day first;
  int y, m;
  if (month_parse(month, &first, &y, &m) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "month", "'month' must be a month such as 2026-07");
    return;
  }
  const struct fp_pension_year *year = fp_pension_year(fp_pension_scheme_year(first));
  if (!year) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "month", "the NHS Pension Scheme's rules for %d/%02d are not recorded",
                   fp_pension_scheme_year(first), (fp_pension_scheme_year(first) + 1) % 100);
    return;
  }
  struct fp_pension_details d;
  int rc = fp_store_pension_details_get(c, cl.id, &d);
  if (rc && rc != FP_ENOTFOUND) {
    fp_reply_store_error(r, rc);
    return;
  }
  bool pensioned = rc == 0 && d.pensioned && strcmp(cl.profession, "gp") == 0;
  int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1; /* the month after */
  fp_time from = fp_uk_local_to_utc(first, 0, 0, 0), to = fp_uk_local_to_utc(fp_days_from_civil(ny, nm, 1), 0, 0, 0);
  char scheme[16], pensionable_rate[FP_PENSION_RATE_LEN], employer_rate[FP_PENSION_RATE_LEN];
  snprintf(scheme, sizeof scheme, "%d/%02d", year->start_year, (year->start_year + 1) % 100);
  fp_pension_rate_text(year->pensionable_bp, pensionable_rate);
  fp_pension_rate_text(year->employer_bp, employer_rate);
  json_t *j = json_pack("{s:s, s:b, s:{s:s, s:b, s:s, s:s, s:s}}", "month", month, "pensioned", pensioned, "rules",
                        "scheme_year", scheme, "provisional", year->provisional, "source", year->source,
                        "pensionable_share", pensionable_rate, "employer_rate", employer_rate);
  struct form_a_ctx a = {.year = year, .forms = json_array()};
  struct form_b_ctx b = {.year = year};
  if (pensioned) {
    rc = fp_store_pension_lines(c, cl.id, from, to, false, form_a_line, &a);
    form_a_close(&a);
    if (!rc) rc = fp_store_pension_lines(c, cl.id, from, to, true, form_b_line, &b);
    form_b_close(&b);
    if (rc) {
      json_decref(a.forms);
      json_decref(j);
      fp_reply_store_error(r, rc);
      return;
    }
  }
  json_object_set_new(j, "form_a", a.forms);
  json_t *fb = json_null();
  if (pensioned) {
    int32_t rate = fp_pension_tier_rate_bp(year, d.annual_pensionable_pence);
    int64_t employee = fp_pension_employee_pence(b.pensionable, rate);
    char rate_text[FP_PENSION_RATE_LEN], upr[FP_PENSION_UPR_LEN];
    fp_pension_rate_text(rate, rate_text);
    fp_pension_upr(d.sd_number, y, m, upr);
    /* Form B reaches the scheme by the 7th of the month after. */
    fp_day due = fp_days_from_civil(ny, nm, 7);
    fb = json_pack("{s:s, s:I, s:i, s:I, s:s, s:I, s:I, s:I, s:s, s:o}", "sd_number", d.sd_number,
                   "annual_pensionable_pay_pence", (json_int_t)d.annual_pensionable_pence, "invoices_paid", b.n_invoices,
                   "pensionable_pay_pence", (json_int_t)b.pensionable, "tier_rate", rate_text,
                   "employee_contribution_pence", (json_int_t)employee, "employer_contribution_pence",
                   (json_int_t)b.employer, "total_contributions_pence", (json_int_t)(employee + b.employer), "upr", upr,
                   "due_by", fp_json_date(due));
  }
  json_object_set_new(j, "form_b", fb);
  fp_reply_json(r, 200, j);
}
