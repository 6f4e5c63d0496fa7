/*
 * pension_pdf.h - a GP locum's NHS Pension Scheme forms A and B for a month as one PDF (issue 13),
 * drawn with cairo and Pango (docs/pdf_kit.h), every figure as real, extractable text. Plain data
 * in, bytes out: the caller works the figures out (core/pension.h) and fills this in; the same
 * data is the API's JSON answer, so the document and the answer cannot disagree.
 */
#ifndef FP_DOCS_PENSION_PDF_H
#define FP_DOCS_PENSION_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/time.h"

struct fp_pension_period {
  fp_time start, end;
};

/* Form A: one invoice to one practice. */
struct fp_pension_form_a {
  int64_t practice_id, invoice_id;
  char practice_name[201];
  char invoice_reference[24];
  fp_time issued_at;
  struct fp_pension_period *periods; /* the sessions worked (malloc'd) */
  size_t n_periods, cap_periods;
  int64_t fee_pence, pensionable_pence, employer_pence;
  fp_day first_worked, ten_week_limit;
  fp_time signed_at; /* part 2 signed by the practice (0: not yet) */
  char signer_name[201], signer_role[101];
};

/* Form B: the month's summary. */
struct fp_pension_form_b {
  char sd_number[9];
  int64_t annual_pensionable_pence;
  int invoices_paid;
  int64_t pensionable_pence;
  char tier_rate[12];
  int64_t employee_pence, employer_pence, total_pence;
  char upr[20];
  fp_day due_by;
};

struct fp_pension_forms {
  char month[8];        /* "2026-11" */
  char month_title[24]; /* "November 2026" */
  char clinician_name[201];
  bool pensioned;
  char scheme_year[16]; /* "2026/27" */
  bool provisional;
  char source[320];     /* the rules' source (copied) */
  char pensionable_share[12], employer_rate[12];
  struct fp_pension_form_a *form_a; /* malloc'd */
  size_t n_form_a, cap_form_a;
  bool has_form_b;
  struct fp_pension_form_b form_b;
};

/* Frees what the forms hold (not the struct). */
void fp_pension_forms_release(struct fp_pension_forms *f);

/* The document, in *out (malloc'd, the caller frees) of *len bytes. 0, FP_EINVAL (not pensioned:
   no forms to print), FP_ENOMEM or FP_EIO. */
int fp_pension_pdf_render(const struct fp_pension_forms *f, unsigned char **out, size_t *len);

#endif
