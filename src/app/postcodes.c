/* ONS Postcode Directory import. See postcodes.h. */
#include "app/postcodes.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/csv_read.h"
#include "core/error.h"
#include "core/validate.h"
#include "store/places.h"

#define MAX_FIELD 256

struct import {
  struct fp_conn *c;
  int col;                 /* current column */
  long row;                /* current row, 0 = header */
  int i_pcds, i_lat, i_long, i_doterm;
  char pcds[MAX_FIELD], lat[MAX_FIELD], lon[MAX_FIELD], doterm[MAX_FIELD];
  bool too_long;           /* a field of this row did not fit: the row is skipped, not read cut */
  long imported, skipped;
  int err;
  FILE *f;
};

/* false (dst "") when the field does not fit: a cut latitude would still parse. */
static bool copy_field(char *dst, const void *s, size_t len) {
  if (len >= MAX_FIELD) {
    dst[0] = 0;
    return false;
  }
  memcpy(dst, s, len);
  dst[len] = 0;
  return true;
}

static void on_field(void *s, size_t len, void *data) {
  struct import *im = data;
  if (im->row == 0) {
    char name[MAX_FIELD];
    copy_field(name, s, len);
    if (strcasecmp(name, "pcds") == 0) im->i_pcds = im->col;
    else if (strcasecmp(name, "lat") == 0) im->i_lat = im->col;
    else if (strcasecmp(name, "long") == 0) im->i_long = im->col;
    else if (strcasecmp(name, "doterm") == 0) im->i_doterm = im->col;
  } else {
    bool ok = true;
    if (im->col == im->i_pcds) ok = copy_field(im->pcds, s, len);
    else if (im->col == im->i_lat) ok = copy_field(im->lat, s, len);
    else if (im->col == im->i_long) ok = copy_field(im->lon, s, len);
    else if (im->col == im->i_doterm) ok = copy_field(im->doterm, s, len);
    if (!ok) im->too_long = true;
  }
  im->col++;
}

static bool parse_double(const char *s, double lo, double hi, double *out) {
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (!*s || *end || errno || !isfinite(v) || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static void on_row(int c, void *data) {
  (void)c;
  struct import *im = data;
  if (im->row == 0) {
    if (im->i_pcds < 0 || im->i_lat < 0 || im->i_long < 0) {
      fprintf(stderr, "import: the header must name the columns pcds, lat and long (and doterm)\n");
      im->err = FP_EINVAL;
    }
  } else if (!im->err) {
    char pc[9];
    double lat, lon;
    /* ONS marks "no grid reference" with lat 99.999999 and long 0.000000. */
    if (im->too_long || im->doterm[0] || fp_postcode_normalise(im->pcds, pc) != 0 || !parse_double(im->lat, 49.0, 61.0, &lat) ||
        !parse_double(im->lon, -9.0, 3.0, &lon)) {
      im->skipped++;
    } else if (fp_store_postcode_put(im->c, pc, lat, lon) != 0) {
      im->err = FP_EIO;
    } else {
      im->imported++;
    }
  }
  im->row++;
  im->col = 0;
  im->pcds[0] = im->lat[0] = im->lon[0] = im->doterm[0] = 0;
  im->too_long = false;
}

static int import_tx(struct fp_conn *c, void *ctx) {
  struct import *im = ctx;
  im->c = c;
  return fp_csv_read(im->f, on_field, on_row, im, &im->row, &im->err);
}

int fp_postcodes_import_stream(struct fp_store *s, FILE *f, long *imported, long *skipped) {
  struct import im;
  memset(&im, 0, sizeof im);
  im.i_pcds = im.i_lat = im.i_long = im.i_doterm = -1;
  im.f = f;
  int rc = fp_store_write(s, import_tx, &im);
  *imported = im.imported;
  *skipped = im.skipped;
  return rc;
}

int fp_postcodes_import(struct fp_store *s, const char *path, long *imported, long *skipped) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "import: cannot open '%s'\n", path);
    return FP_EIO;
  }
  int rc = fp_postcodes_import_stream(s, f, imported, skipped);
  fclose(f);
  return rc;
}
