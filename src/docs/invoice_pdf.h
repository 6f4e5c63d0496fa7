/*
 * invoice_pdf.h - an invoice (or a credit note) as a PDF document (issue 13), drawn with cairo and
 * Pango, every figure as real, extractable text. Plain data in, bytes out: the caller (HTTP) reads
 * the invoice from the store and fills this in; nothing here reads a clock, a file or the store.
 * Times are shown in UK local time (core/time.h), money as GBP with two decimals.
 */
#ifndef FP_DOCS_INVOICE_PDF_H
#define FP_DOCS_INVOICE_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "core/time.h"

/* A party's detail lines at most (a clinician's: profession, registration, six of address, where to pay). */
#define FP_INVOICE_PDF_DETAIL_LINES 12

/* One side of the invoice: the clinician who issues it, or the practice it is issued to. */
struct fp_pdf_party {
  const char *name;      /* "Dr Ada Lovelace", "Leeds Road Surgery" */
  const char *detail[FP_INVOICE_PDF_DETAIL_LINES]; /* further lines (address, "GMC 1234567", "ODS B86001"); NULL or "" ends them */
};

/* A line: one worked session (start/end/break set), or another charge (start 0: no times shown). */
struct fp_invoice_pdf_line {
  const char *description; /* "GP session (booking 123)" */
  fp_time start, end;      /* the actual times worked (UTC; shown in UK local time) */
  int32_t break_minutes;
  int64_t amount_pence;
};

struct fp_invoice_pdf {
  const char *title;  /* "Invoice" or "Credit note" */
  const char *number; /* the issuer's invoice number as shown, e.g. "0007" */
  fp_time issued_at;
  fp_day due_on;      /* the day payment is due (UK date); 0: none shown (a credit note) */
  struct fp_pdf_party issuer, customer;
  const struct fp_invoice_pdf_line *lines;
  size_t n_lines;
  int64_t total_pence;
  const char *notes[4]; /* free lines under the total ("VAT: exempt ...", "Paid on ..."); NULL ends them, "" is skipped */
};

/* The document, in *out (malloc'd, the caller frees) of *len bytes. 0, or FP_EINVAL (no title,
   number or issuer name, or n_lines over FP_INVOICE_PDF_MAX_LINES) or FP_EIO (cairo failed). */
#define FP_INVOICE_PDF_MAX_LINES 400
int fp_invoice_pdf_render(const struct fp_invoice_pdf *inv, unsigned char **out, size_t *len);

#endif
