/*
 * invoice_pdf.c - an invoice as a PDF: cairo's PDF surface writing into a growing buffer, the text
 * laid out by Pango (DejaVu Sans), A4 portrait in points. One page holds the header, both parties
 * and as many lines as fit; further pages repeat the table's heading. Every figure is real text, so
 * pdftotext (and a screen reader) reads it.
 */
#include "docs/invoice_pdf.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "docs/pdf_kit.h"

#define PAGE_W FP_PDF_PAGE_W
#define PAGE_H FP_PDF_PAGE_H
#define MARGIN FP_PDF_MARGIN
/* The table's columns: date, times, description, amount (right aligned to the margin). */
#define COL_DATE MARGIN
#define COL_TIMES (MARGIN + 78.0)
#define COL_DESC (MARGIN + 196.0)
#define COL_AMOUNT_RIGHT (PAGE_W - MARGIN)
#define DESC_WIDTH (COL_AMOUNT_RIGHT - 80.0 - COL_DESC)

static void table_heading(struct fp_pdf_doc *p) {
  fp_pdf_font(p, 9, 1);
  double h = fp_pdf_text_at(p, COL_DATE, "Date", 0, 0);
  fp_pdf_text_at(p, COL_TIMES, "Times", 0, 0);
  fp_pdf_text_at(p, COL_DESC, "Description", 0, 0);
  fp_pdf_text_at(p, COL_AMOUNT_RIGHT, "Amount", 0, 1);
  p->y += h + 3;
  fp_pdf_rule(p, 5);
  fp_pdf_font(p, 9, 0);
}

/* A party's block at x: a heading, the name in bold, then its detail lines; returns its height. */
static double party(struct fp_pdf_doc *p, double x, const char *heading, const struct fp_pdf_party *who) {
  double y0 = p->y;
  fp_pdf_font(p, 9, 1);
  p->y += fp_pdf_text_at(p, x, heading, 0, 0) + 2;
  fp_pdf_font(p, 10, 1);
  p->y += fp_pdf_text_at(p, x, who->name, 230, 0) + 1;
  fp_pdf_font(p, 10, 0);
  for (int i = 0; i < FP_INVOICE_PDF_DETAIL_LINES && who->detail[i] && who->detail[i][0]; i++)
    p->y += fp_pdf_text_at(p, x, who->detail[i], 230, 0);
  double used = p->y - y0;
  p->y = y0;
  return used;
}

static int valid(const struct fp_invoice_pdf *inv) {
  if (!inv || !inv->title || !inv->title[0] || !inv->number || !inv->number[0]) return 0;
  if (!inv->issuer.name || !inv->issuer.name[0] || !inv->customer.name) return 0;
  if (inv->n_lines > FP_INVOICE_PDF_MAX_LINES || (inv->n_lines && !inv->lines)) return 0;
  return 1;
}

int fp_invoice_pdf_render(const struct fp_invoice_pdf *inv, unsigned char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (!valid(inv)) return FP_EINVAL;
  char title[160];
  snprintf(title, sizeof title, "%s %s", inv->title, inv->number);
  struct fp_pdf_doc doc, *p = &doc;
  fp_pdf_begin(p, title, inv->issuer.name);

  /* Header: the title and number on the left, the dates on the right. */
  char issued[16], due[16], line[200];
  fp_pdf_day_text(fp_uk_day(inv->issued_at), issued);
  fp_pdf_day_text(inv->due_on, due);
  fp_pdf_font(p, 20, 1);
  double h = fp_pdf_text_at(p, MARGIN, title, 0, 0);
  fp_pdf_font(p, 10, 0);
  snprintf(line, sizeof line, "Issued %s", issued);
  fp_pdf_text_at(p, PAGE_W - MARGIN, line, 0, 1);
  p->y += 14;
  if (inv->due_on) { /* a credit note asks for no payment */
    snprintf(line, sizeof line, "Payment due by %s", due);
    fp_pdf_text_at(p, PAGE_W - MARGIN, line, 0, 1);
  }
  p->y += (h > 14 ? h - 14 : 0) + 18;

  double left = party(p, MARGIN, "From", &inv->issuer);
  double right = party(p, PAGE_W / 2, "To", &inv->customer);
  p->y += (left > right ? left : right) + 22;

  table_heading(p);
  for (size_t i = 0; i < inv->n_lines; i++) {
    const struct fp_invoice_pdf_line *l = &inv->lines[i];
    double dh = fp_pdf_text_height(p, l->description, DESC_WIDTH);
    if (fp_pdf_room(p, dh + 4 + 20)) {
      fp_pdf_font(p, 9, 0);
      snprintf(line, sizeof line, "%s, continued (page %d)", title, p->page);
      p->y += fp_pdf_text_at(p, MARGIN, line, 0, 0) + 12;
      table_heading(p);
    }
    char d[16] = "", times[40] = "", amount[40];
    if (l->start) {
      char a[6], z[6];
      fp_pdf_day_text(fp_uk_day(l->start), d);
      fp_pdf_clock_text(l->start, a);
      fp_pdf_clock_text(l->end, z);
      if (l->break_minutes > 0)
        snprintf(times, sizeof times, "%s\xe2\x80\x93%s (break %" PRId32 " min)", a, z, l->break_minutes);
      else
        snprintf(times, sizeof times, "%s\xe2\x80\x93%s", a, z);
    }
    fp_pdf_money(l->amount_pence, amount);
    fp_pdf_text_at(p, COL_DATE, d, 0, 0);
    fp_pdf_text_at(p, COL_TIMES, times, COL_DESC - COL_TIMES - 6, 0);
    double used = fp_pdf_text_at(p, COL_DESC, l->description, DESC_WIDTH, 0);
    fp_pdf_text_at(p, COL_AMOUNT_RIGHT, amount, 0, 1);
    p->y += used + 4;
  }
  p->y += 2;
  fp_pdf_room(p, 90);
  fp_pdf_rule(p, 6);
  char total[40];
  fp_pdf_money(inv->total_pence, total);
  fp_pdf_font(p, 11, 1);
  fp_pdf_text_at(p, COL_DESC, "Total due", 0, 0);
  p->y += fp_pdf_text_at(p, COL_AMOUNT_RIGHT, total, 0, 1) + 16;
  fp_pdf_font(p, 9, 0);
  for (int i = 0; i < 4 && inv->notes[i]; i++)
    if (inv->notes[i][0]) p->y += fp_pdf_text_at(p, MARGIN, inv->notes[i], PAGE_W - 2 * MARGIN, 0) + 3;
  return fp_pdf_end(p, out, len);
}
