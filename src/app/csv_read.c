/* csv_read.c - see csv_read.h. */
#include "app/csv_read.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

int fp_csv_read(FILE *f, void (*on_field)(void *, size_t, void *), void (*on_row)(int, void *), void *data,
                const long *row, int *err) {
  struct csv_parser p;
  if (csv_init(&p, CSV_APPEND_NULL) != 0) return FP_ENOMEM;
  char buf[65536];
  size_t n;
  while (!*err && (n = fread(buf, 1, sizeof buf, f)) > 0) {
    if (csv_parse(&p, buf, n, on_field, on_row, data) != n) {
      fprintf(stderr, "import: malformed CSV near row %ld: %s\n", *row + 1, csv_strerror(csv_error(&p)));
      *err = FP_EINVAL;
    }
  }
  if (!*err) csv_fini(&p, on_field, on_row, data);
  csv_free(&p);
  if (!*err && *row == 0) {
    fprintf(stderr, "import: the file is empty\n");
    *err = FP_EINVAL;
  }
  return *err;
}

int fp_csv_rows_push(struct fp_csv_rows *r, const void *row) {
  if (r->n == r->max) {
    fprintf(stderr, "import: more than %zu rows: not %s?\n", r->max, r->what);
    return FP_EINVAL;
  }
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 1024;
    void *rows = realloc(r->rows, cap * r->size);
    if (!rows) return FP_ENOMEM;
    r->rows = rows;
    r->cap = cap;
  }
  memcpy((char *)r->rows + r->n++ * r->size, row, r->size);
  return 0;
}

int fp_csv_rows_some(const struct fp_csv_rows *r) {
  if (r->n) return 0;
  fprintf(stderr, "import: the file has no rows\n");
  return FP_EINVAL;
}
