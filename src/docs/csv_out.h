/*
 * csv_out.h - a CSV document for a spreadsheet or a finance system (issue 13: the payments export):
 * RFC 4180 (every cell quoted by libcsv's csv_write, CRLF line ends), UTF-8 with a byte-order mark
 * so a spreadsheet reads the pound sign and accented names right, and no cell a spreadsheet would
 * run: a cell that starts with '=', '+', '-', '@', a tab or a carriage return is written with a
 * leading apostrophe, unless it is a plain number ("-12.50"), which no spreadsheet runs.
 */
#ifndef FP_DOCS_CSV_OUT_H
#define FP_DOCS_CSV_OUT_H

#include <stdbool.h>
#include <stddef.h>

struct fp_csv_out {
  char *data; /* malloc'd; the caller frees it (or takes it) */
  size_t len, cap;
  bool failed; /* out of memory: the document is incomplete */
};

/* Starts the document: the byte-order mark. */
void fp_csv_out_begin(struct fp_csv_out *o);
/* Appends one row of n cells (NULL is an empty cell). */
void fp_csv_out_row(struct fp_csv_out *o, const char *const *cells, size_t n);

#endif
