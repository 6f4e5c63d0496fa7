/* The PDF documents' shared drawing. See pdf_kit.h. */
#include "docs/pdf_kit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>

#include "core/error.h"

#define FONT "DejaVu Sans"

void fp_pdf_money(int64_t pence, char out[40]) {
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

void fp_pdf_day_text(fp_day d, char out[16]) {
  static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int y, m, dd;
  fp_civil_from_days(d, &y, &m, &dd);
  snprintf(out, 16, "%d %s %d", dd, months[(m - 1) % 12], y);
}

void fp_pdf_clock_text(fp_time t, char out[6]) {
  fp_time local = t + fp_uk_offset(t);
  int64_t secs = ((local % 86400) + 86400) % 86400;
  fp_clock_format((int)(secs / 60), out);
}

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int length) {
  struct fp_pdf_buf *b = closure;
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

void fp_pdf_begin(struct fp_pdf_doc *d, const char *title, const char *author) {
  memset(d, 0, sizeof *d);
  d->surface = cairo_pdf_surface_create_for_stream(buf_write, &d->b, FP_PDF_PAGE_W, FP_PDF_PAGE_H);
  cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_AUTHOR, author);
  cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "flexpool");
  d->cr = cairo_create(d->surface);
  d->layout = pango_cairo_create_layout(d->cr);
  d->y = FP_PDF_MARGIN;
  d->page = 1;
  cairo_set_source_rgb(d->cr, 0.13, 0.13, 0.13);
}

int fp_pdf_end(struct fp_pdf_doc *d, unsigned char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  g_object_unref(d->layout);
  cairo_status_t st = cairo_status(d->cr);
  cairo_destroy(d->cr);
  cairo_surface_finish(d->surface);
  if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(d->surface);
  cairo_surface_destroy(d->surface);
  if (st != CAIRO_STATUS_SUCCESS || d->b.failed) {
    free(d->b.data);
    return d->b.failed ? FP_ENOMEM : FP_EIO;
  }
  *out = d->b.data;
  *len = d->b.len;
  return 0;
}

void fp_pdf_font(struct fp_pdf_doc *d, double size, bool bold) {
  PangoFontDescription *fd = pango_font_description_from_string(FONT);
  pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
  pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(d->layout, fd);
  pango_font_description_free(fd);
}

/* Lays s out wrapped to width (0: unwrapped) in the layout: its size in *w and *h. */
static void lay_out(struct fp_pdf_doc *d, const char *s, double width, int *w, int *h) {
  pango_layout_set_width(d->layout, width > 0 ? (int)(width * PANGO_SCALE) : -1);
  pango_layout_set_wrap(d->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(d->layout, s ? s : "", -1);
  pango_layout_get_pixel_size(d->layout, w, h);
}

double fp_pdf_text_height(struct fp_pdf_doc *d, const char *s, double width) {
  int w, h;
  lay_out(d, s, width, &w, &h);
  return h;
}

double fp_pdf_text_at(struct fp_pdf_doc *d, double x, const char *s, double width, bool right) {
  int w, h;
  lay_out(d, s, width, &w, &h);
  cairo_move_to(d->cr, right ? x - w : x, d->y);
  pango_cairo_show_layout(d->cr, d->layout);
  return h;
}

void fp_pdf_rule(struct fp_pdf_doc *d, double gap_after) {
  cairo_set_line_width(d->cr, 0.6);
  cairo_move_to(d->cr, FP_PDF_MARGIN, d->y);
  cairo_line_to(d->cr, FP_PDF_PAGE_W - FP_PDF_MARGIN, d->y);
  cairo_stroke(d->cr);
  d->y += gap_after;
}

bool fp_pdf_room(struct fp_pdf_doc *d, double need) {
  if (d->y + need <= FP_PDF_PAGE_H - FP_PDF_MARGIN) return false;
  cairo_show_page(d->cr);
  d->page++;
  d->y = FP_PDF_MARGIN;
  return true;
}
