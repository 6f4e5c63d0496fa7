/*
 * pdf_kit.h - what the PDF documents of src/docs share (internal to src/docs): an A4 document drawn
 * with cairo into memory, text laid out by Pango (DejaVu Sans) so every word is real, extractable
 * text, and the ways figures are written on paper (GBP with grouping, UK dates and clock times).
 */
#ifndef FP_DOCS_PDF_KIT_H
#define FP_DOCS_PDF_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "core/time.h"

#define FP_PDF_PAGE_W 595.28 /* A4 in points */
#define FP_PDF_PAGE_H 841.89
#define FP_PDF_MARGIN 56.0

/* "£1,234.56" (or "-£12.00"). */
void fp_pdf_money(int64_t pence, char out[40]);
/* "3 Dec 2026" for a UK day. */
void fp_pdf_day_text(fp_day d, char out[16]);
/* The UK wall clock "09:30" of an instant. */
void fp_pdf_clock_text(fp_time t, char out[6]);

struct fp_pdf_buf {
  unsigned char *data;
  size_t len, cap;
  int failed;
};

struct fp_pdf_doc {
  struct fp_pdf_buf b;
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoLayout *layout;
  double y; /* the pen's line, from the top of the page */
  int page;
};

/* A new document of one empty page, its metadata title and author set. */
void fp_pdf_begin(struct fp_pdf_doc *d, const char *title, const char *author);
/* Finishes it: 0 with *out (malloc'd) and *len, FP_ENOMEM or FP_EIO (cairo failed). */
int fp_pdf_end(struct fp_pdf_doc *d, unsigned char **out, size_t *len);
/* The font for what follows: DejaVu Sans at size points, bold or not. */
void fp_pdf_font(struct fp_pdf_doc *d, double size, bool bold);
/* Draws text at x (its left, or its right edge when right) on the pen's line, wrapped to width
   when width > 0; returns the height used (the pen does not move). */
double fp_pdf_text_at(struct fp_pdf_doc *d, double x, const char *s, double width, bool right);
/* The height text would take wrapped to width (0: unwrapped), drawing nothing. */
double fp_pdf_text_height(struct fp_pdf_doc *d, const char *s, double width);
/* A rule across the page at the pen's line, the pen then gap_after lower. */
void fp_pdf_rule(struct fp_pdf_doc *d, double gap_after);
/* A new page, the pen at its top margin, when fewer than `need` points remain above the bottom
   margin: true when it turned the page. */
bool fp_pdf_room(struct fp_pdf_doc *d, double need);

#endif
