/* csv_read.c - see csv_read.h. */
#include "app/csv_read.h"

#include <csv.h>

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
