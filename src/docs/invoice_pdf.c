/*
 * invoice_pdf.c - an invoice as a PDF: cairo's PDF surface writing into a growing buffer, the text
 * laid out by Pango (DejaVu Sans), A4 portrait in points. One page holds the header, both parties
 * and as many lines as fit; further pages repeat the table's heading. Every figure is real text, so
 * pdftotext (and a screen reader) reads it.
 */
#include "docs/invoice_pdf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "core/error.h"

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 56.0
#define FONT "DejaVu Sans"
/* The table's columns: date, times, description, amount (right aligned to the margin). */
#define COL_DATE MARGIN
#define COL_TIMES (MARGIN + 78.0)
#define COL_DESC (MARGIN + 196.0)
#define COL_AMOUNT_RIGHT (PAGE_W - MARGIN)
#define DESC_WIDTH (COL_AMOUNT_RIGHT - 80.0 - COL_DESC)

struct buf {
  unsigned char *data;
  size_t len, cap;
  int failed;
};

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int length) {
  struct buf *b = closure;
  if (b->len + length > b->cap) {
    size_t cap = b->cap ? b->cap : 16384;
    while (cap < b->len + length) cap *= 2;
    unsigned char *p = realloc(b->data, cap);
    if (!p) {
      b->failed = 1;
      return CAIRO_STATUS_WRITE_ERROR;
    }
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, length);
  b->len += length;
  return CAIRO_STATUS_SUCCESS;
}

/* "£1,234.56" (or "-£12.00"). */
static void money(int64_t pence, char out[40]) {
  const char *sign = pence < 0 ? "-" : "";
  uint64_t p = pence < 0 ? (uint64_t)(-(pence + 1)) + 1 : (uint64_t)pence;
  uint64_t pounds = p / 100, rest = p % 100;
  char digits[24], grouped[32];
  int n = snprintf(digits, sizeof digits, "%" PRIu64, pounds);
  int g = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0) grouped[g++] = ',';
    grouped[g++] = digits[i];
  }
  grouped[g] = '\0';
  snprintf(out, 40, "%s\xc2\xa3%s.%02" PRIu64, sign, grouped, rest);
}

/* "3 Dec 2026" for a UK day. */
static void day_text(fp_day d, char out[16]) {
  static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int y, m, dd;
  fp_civil_from_days(d, &y, &m, &dd);
  snprintf(out, 16, "%d %s %d", dd, months[(m - 1) % 12], y);
}

/* The UK wall clock "09:30" of an instant. */
static void clock_text(fp_time t, char out[6]) {
  fp_time local = t + fp_uk_offset(t);
  int64_t secs = ((local % 86400) + 86400) % 86400;
  fp_clock_format((int)(secs / 60), out);
}

struct pen {
  cairo_t *cr;
  PangoLayout *layout;
  double y;
};

static void font(struct pen *p, double size, int bold) {
  PangoFontDescription *fd = pango_font_description_from_string(FONT);
  pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
  pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(p->layout, fd);
  pango_font_description_free(fd);
}

/* Draws text at x (left, or right edge when right is set) on the pen's line, wrapped to width when
   width > 0; returns the height used. */
static double text_at(struct pen *p, double x, const char *s, double width, int right) {
  pango_layout_set_width(p->layout, width > 0 ? (int)(width * PANGO_SCALE) : -1);
  pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(p->layout, s ? s : "", -1);
  int w, h;
  pango_layout_get_pixel_size(p->layout, &w, &h);
  cairo_move_to(p->cr, right ? x - w : x, p->y);
  pango_cairo_show_layout(p->cr, p->layout);
  return h;
}

static void rule(struct pen *p, double gap_after) {
  cairo_set_line_width(p->cr, 0.6);
  cairo_move_to(p->cr, MARGIN, p->y);
  cairo_line_to(p->cr, PAGE_W - MARGIN, p->y);
  cairo_stroke(p->cr);
  p->y += gap_after;
}

static void table_heading(struct pen *p) {
  font(p, 9, 1);
  double h = text_at(p, COL_DATE, "Date", 0, 0);
  text_at(p, COL_TIMES, "Times", 0, 0);
  text_at(p, COL_DESC, "Description", 0, 0);
  text_at(p, COL_AMOUNT_RIGHT, "Amount", 0, 1);
  p->y += h + 3;
  rule(p, 5);
  font(p, 9, 0);
}

/* A party's block at x: a heading, the name in bold, then its detail lines; returns its height. */
static double party(struct pen *p, double x, const char *heading, const struct fp_pdf_party *who) {
  double y0 = p->y;
  font(p, 9, 1);
  p->y += text_at(p, x, heading, 0, 0) + 2;
  font(p, 10, 1);
  p->y += text_at(p, x, who->name, 230, 0) + 1;
  font(p, 10, 0);
  for (int i = 0; i < FP_INVOICE_PDF_DETAIL_LINES && who->detail[i] && who->detail[i][0]; i++)
    p->y += text_at(p, x, who->detail[i], 230, 0);
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
  struct buf b = {0};
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(buf_write, &b, PAGE_W, PAGE_H);
  char title[160];
  snprintf(title, sizeof title, "%s %s", inv->title, inv->number);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, inv->issuer.name);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "flexpool");
  cairo_t *cr = cairo_create(surface);
  struct pen p = {cr, pango_cairo_create_layout(cr), MARGIN};
  cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);

  /* Header: the title and number on the left, the dates on the right. */
  char issued[16], due[16], line[200];
  day_text(fp_uk_day(inv->issued_at), issued);
  day_text(inv->due_on, due);
  font(&p, 20, 1);
  double h = text_at(&p, MARGIN, title, 0, 0);
  font(&p, 10, 0);
  snprintf(line, sizeof line, "Issued %s", issued);
  text_at(&p, PAGE_W - MARGIN, line, 0, 1);
  p.y += 14;
  snprintf(line, sizeof line, "Payment due by %s", due);
  text_at(&p, PAGE_W - MARGIN, line, 0, 1);
  p.y += (h > 14 ? h - 14 : 0) + 18;

  double left = party(&p, MARGIN, "From", &inv->issuer);
  double right = party(&p, PAGE_W / 2, "To", &inv->customer);
  p.y += (left > right ? left : right) + 22;

  table_heading(&p);
  int page = 1;
  for (size_t i = 0; i < inv->n_lines; i++) {
    const struct fp_invoice_pdf_line *l = &inv->lines[i];
    pango_layout_set_width(p.layout, (int)(DESC_WIDTH * PANGO_SCALE));
    pango_layout_set_text(p.layout, l->description ? l->description : "", -1);
    int dw, dh;
    pango_layout_get_pixel_size(p.layout, &dw, &dh);
    if (p.y + dh + 4 > PAGE_H - MARGIN - 20) {
      cairo_show_page(cr);
      page++;
      p.y = MARGIN;
      font(&p, 9, 0);
      snprintf(line, sizeof line, "%s, continued (page %d)", title, page);
      p.y += text_at(&p, MARGIN, line, 0, 0) + 12;
      table_heading(&p);
    }
    char d[16] = "", times[40] = "", amount[40];
    if (l->start) {
      char a[6], z[6];
      day_text(fp_uk_day(l->start), d);
      clock_text(l->start, a);
      clock_text(l->end, z);
      if (l->break_minutes > 0)
        snprintf(times, sizeof times, "%s\xe2\x80\x93%s (break %" PRId32 " min)", a, z, l->break_minutes);
      else
        snprintf(times, sizeof times, "%s\xe2\x80\x93%s", a, z);
    }
    money(l->amount_pence, amount);
    text_at(&p, COL_DATE, d, 0, 0);
    text_at(&p, COL_TIMES, times, COL_DESC - COL_TIMES - 6, 0);
    double used = text_at(&p, COL_DESC, l->description, DESC_WIDTH, 0);
    text_at(&p, COL_AMOUNT_RIGHT, amount, 0, 1);
    p.y += used + 4;
  }
  p.y += 2;
  if (p.y + 90 > PAGE_H - MARGIN) {
    cairo_show_page(cr);
    p.y = MARGIN;
  }
  rule(&p, 6);
  char total[40];
  money(inv->total_pence, total);
  font(&p, 11, 1);
  text_at(&p, COL_DESC, "Total due", 0, 0);
  p.y += text_at(&p, COL_AMOUNT_RIGHT, total, 0, 1) + 16;
  font(&p, 9, 0);
  for (int i = 0; i < 4 && inv->notes[i] && inv->notes[i][0]; i++)
    p.y += text_at(&p, MARGIN, inv->notes[i], PAGE_W - 2 * MARGIN, 0) + 3;

  g_object_unref(p.layout);
  cairo_status_t st = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (st != CAIRO_STATUS_SUCCESS || b.failed) {
    free(b.data);
    return b.failed ? FP_ENOMEM : FP_EIO;
  }
  *out = b.data;
  *len = b.len;
  return 0;
}
