/*
 * postcodes.h - `flexpool import postcodes FILE.csv`: loads the ONS Postcode Directory's own CSV
 * (columns pcds, lat, long, doterm; found by header name) into the store's postcode table. Rows
 * with a termination date or without a grid reference (lat 99.999999) are skipped. CSV parsing is
 * libcsv's.
 */
#ifndef FP_APP_POSTCODES_H
#define FP_APP_POSTCODES_H

#include <stdio.h>

#include "store/db.h"

/* Imports the file; counts what was imported and skipped. 0, or FP_EIO / FP_EINVAL (logged). */
int fp_postcodes_import(struct fp_store *s, const char *path, long *imported, long *skipped);
/* The same from an open stream, for tests and fuzzing. */
int fp_postcodes_import_stream(struct fp_store *s, FILE *f, long *imported, long *skipped);

#endif
