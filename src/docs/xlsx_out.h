/*
 * xlsx_out.h - a table as an Excel workbook (issue 14: every report table downloads as XLSX),
 * written by libxlsxwriter from Debian: one worksheet, a bold header row that stays in view, each
 * cell a string or a number (a string is always stored as text, so a spreadsheet never runs a
 * cell that looks like a formula), numbers with the column's format.
 */
#ifndef FP_DOCS_XLSX_OUT_H
#define FP_DOCS_XLSX_OUT_H

#include <stdbool.h>
#include <stddef.h>

enum fp_xlsx_format {
  FP_XLSX_GENERAL,  /* as it is */
  FP_XLSX_INTEGER,  /* 1,234 */
  FP_XLSX_ONE_DP,   /* 12.3 */
  FP_XLSX_TWO_DP,   /* 12.34 */
  FP_XLSX_POUNDS,   /* £1,234.56 */
};

struct fp_xlsx_cell {
  const char *text;           /* a string cell; NULL: a number cell (or empty when blank) */
  double number;
  bool blank;                 /* an empty cell */
};

/* Writes the sheet `sheet` (at most 31 characters) with ncols columns: head[i] and formats[i] for
   each, then nrows rows of ncols cells (row-major). *out (malloc'd) and *len receive the workbook.
   0, or FP_EIO / FP_ENOMEM. The workbook is built in a temporary file of tmp_dir, removed after. */
int fp_xlsx_table(const char *tmp_dir, const char *sheet, const char *const *head, const enum fp_xlsx_format *formats,
                  size_t ncols, const struct fp_xlsx_cell *cells, size_t nrows, char **out, size_t *len);

#endif
