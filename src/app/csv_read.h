/*
 * csv_read.h - streams a CSV file through libcsv's field and row callbacks, for the importers
 * (`flexpool import postcodes`, `flexpool import register`). Depends on libcsv and the core's error
 * codes only.
 */
#ifndef FP_APP_CSV_READ_H
#define FP_APP_CSV_READ_H

#include <stdio.h>

/* Reads f to its end in 64 KiB pieces, calling on_field and on_row with data as libcsv does. The
 * callbacks keep their own row count in *row (0 = nothing read yet) and stop the read by setting
 * *err. A malformed file sets *err to FP_EINVAL and says where on stderr ("near row N"), as does an
 * empty one. Returns FP_ENOMEM when libcsv cannot start, else *err (0 when every row was read). */
int fp_csv_read(FILE *f, void (*on_field)(void *, size_t, void *), void (*on_row)(int, void *), void *data,
                const long *row, int *err);

/*
 * The rows an importer keeps until it applies them all in one transaction: an array of `size`-byte
 * rows that grows as they come, at most `max` of them (a longer file is not the one the command
 * reads: refused at once, said on stderr with `what`, never cut). Zero-initialise, then set size,
 * max and what; free(rows) after.
 */
struct fp_csv_rows {
  void *rows;
  size_t n, cap;
  size_t size, max;
  const char *what; /* "the practice file (epraccur.csv)" */
};
/* Appends a copy of row: 0, FP_EINVAL (past max) or FP_ENOMEM. */
int fp_csv_rows_push(struct fp_csv_rows *r, const void *row);
/* After the read: 0, or FP_EINVAL (said) when it gave no rows. */
int fp_csv_rows_some(const struct fp_csv_rows *r);

#endif
