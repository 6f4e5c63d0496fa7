/*
 * pension_pdf.c - a month's NHS Pension Scheme GP locum forms as a PDF: a cover with the rules
 * used, form A for each invoice (with part 2 for the practice to complete and sign), then form B.
 */
#include "docs/pension_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "docs/pdf_kit.h"

#define MARGIN FP_PDF_MARGIN
#define RIGHT (FP_PDF_PAGE_W - FP_PDF_MARGIN)
#define WIDTH (FP_PDF_PAGE_W - 2 * FP_PDF_MARGIN)

void fp_pension_forms_release(struct fp_pension_forms *f) {
  for (size_t i = 0; i < f->n_form_a; i++) free(f->form_a[i].periods);
  free(f->form_a);
  f->form_a = NULL;
  f->n_form_a = f->cap_form_a = 0;
}

/* A label on the left and its value on the right of the pen's line; the pen moves down. */
static void row(struct fp_pdf_doc *d, const char *label, const char *value) {
  double h = fp_pdf_text_at(d, MARGIN, label, WIDTH - 160, false);
  fp_pdf_text_at(d, RIGHT, value, 0, true);
  d->y += h + 3;
}

static void money_row(struct fp_pdf_doc *d, const char *label, int64_t pence) {
  char v[40];
  fp_pdf_money(pence, v);
  row(d, label, v);
}

static void heading(struct fp_pdf_doc *d, const char *text, double size) {
  fp_pdf_font(d, size, true);
  d->y += fp_pdf_text_at(d, MARGIN, text, WIDTH, false) + 6;
  fp_pdf_font(d, 10, false);
}

static void form_a(struct fp_pdf_doc *d, const struct fp_pension_forms *f, const struct fp_pension_form_a *a) {
  fp_pdf_room(d, 260 + 14.0 * (double)a->n_periods);
  char line[420], day[16], from[6], to[6];
  snprintf(line, sizeof line, "Form A: %s, invoice %s", a->practice_name, a->invoice_reference);
  heading(d, line, 13);
  fp_pdf_font(d, 9, true);
  d->y += fp_pdf_text_at(d, MARGIN, "Part 1 (the locum)", 0, false) + 3;
  fp_pdf_font(d, 10, false);
  row(d, "GP locum", f->clinician_name);
  row(d, "SD number", f->form_b.sd_number);
  row(d, "Practice", a->practice_name);
  fp_pdf_day_text(fp_uk_day(a->issued_at), day);
  snprintf(line, sizeof line, "%s, issued %s", a->invoice_reference, day);
  row(d, "Invoice", line);
  for (size_t i = 0; i < a->n_periods; i++) {
    fp_pdf_day_text(fp_uk_day(a->periods[i].start), day);
    fp_pdf_clock_text(a->periods[i].start, from);
    fp_pdf_clock_text(a->periods[i].end, to);
    snprintf(line, sizeof line, "%s %s\xe2\x80\x93%s", day, from, to);
    row(d, i ? "" : "Work periods", line);
  }
  money_row(d, "Fee (the locum's fee for these sessions)", a->fee_pence);
  snprintf(line, sizeof line, "Pensionable pay (%s of the fee)", f->pensionable_share);
  money_row(d, line, a->pensionable_pence);
  snprintf(line, sizeof line, "Employer contribution (%s of pensionable pay, paid by the practice)", f->employer_rate);
  money_row(d, line, a->employer_pence);
  fp_pdf_day_text(a->ten_week_limit, day);
  snprintf(line, sizeof line, "Send within 10 weeks of the first day worked: by %s", day);
  fp_pdf_font(d, 9, false);
  d->y += fp_pdf_text_at(d, MARGIN, line, WIDTH, false) + 8;
  fp_pdf_font(d, 9, true);
  d->y += fp_pdf_text_at(d, MARGIN, "Part 2 (the practice, by someone other than the locum)", 0, false) + 3;
  fp_pdf_font(d, 10, false);
  if (a->signed_at) {
    snprintf(line, sizeof line, "%s, %s", a->signer_name, a->signer_role);
    row(d, "Name and role", line);
    fp_pdf_day_text(fp_uk_day(a->signed_at), day);
    snprintf(line, sizeof line, "Signed electronically in flexpool on %s", day);
    row(d, "Signature and date", line);
  } else {
    row(d, "Name and role", "");
    row(d, "Signature and date", "");
  }
  d->y += 10;
  fp_pdf_rule(d, 14);
}

int fp_pension_pdf_render(const struct fp_pension_forms *f, unsigned char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (!f || !f->pensioned || !f->has_form_b) return FP_EINVAL;
  char title[120], line[640];
  snprintf(title, sizeof title, "NHS Pension Scheme GP locum forms, %s", f->month_title);
  struct fp_pdf_doc doc, *d = &doc;
  fp_pdf_begin(d, title, f->clinician_name);
  heading(d, title, 18);
  row(d, "GP locum", f->clinician_name);
  row(d, "SD number", f->form_b.sd_number);
  snprintf(line, sizeof line, "%s%s", f->scheme_year, f->provisional ? " (provisional rates)" : "");
  row(d, "Scheme year", line);
  fp_pdf_font(d, 8, false);
  snprintf(line, sizeof line, "Rules used: %s of a locum fee is pensionable pay; the practice pays %s of it as the"
           " employer contribution. Source: %s.", f->pensionable_share, f->employer_rate, f->source);
  d->y += fp_pdf_text_at(d, MARGIN, line, WIDTH, false) + 12;
  fp_pdf_font(d, 10, false);
  fp_pdf_rule(d, 12);
  if (!f->n_form_a) {
    d->y += fp_pdf_text_at(d, MARGIN, "Form A: no invoices were issued in this month.", WIDTH, false) + 12;
    fp_pdf_rule(d, 12);
  }
  for (size_t i = 0; i < f->n_form_a; i++) form_a(d, f, &f->form_a[i]);

  const struct fp_pension_form_b *b = &f->form_b;
  fp_pdf_room(d, 230);
  snprintf(line, sizeof line, "Form B: %s", f->month_title);
  heading(d, line, 13);
  row(d, "Unique payment reference", b->upr);
  snprintf(line, sizeof line, "%d", b->invoices_paid);
  row(d, "Invoices paid in the month", line);
  money_row(d, "Pensionable pay received in the month", b->pensionable_pence);
  money_row(d, "Annual pensionable pay declared (sets the tier)", b->annual_pensionable_pence);
  snprintf(line, sizeof line, "Employee contribution (%s)", b->tier_rate);
  money_row(d, line, b->employee_pence);
  money_row(d, "Employer contributions (from the practices)", b->employer_pence);
  fp_pdf_font(d, 10, true);
  money_row(d, "Total contributions", b->total_pence);
  fp_pdf_font(d, 9, false);
  char due[16];
  fp_pdf_day_text(b->due_by, due);
  snprintf(line, sizeof line, "Send form B with the contributions, quoting the reference, by %s.", due);
  d->y += 6 + fp_pdf_text_at(d, MARGIN, line, WIDTH, false);
  return fp_pdf_end(d, out, len);
}
