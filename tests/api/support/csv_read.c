/* fpt_csv: an export read back by libcsv, a real CSV parser (strict RFC 4180). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <csv.h>
#include <string.h>

#include "fpt.h"

struct reader {
  json_t *rows, *row;
};

static void on_field(void *s, size_t len, void *ctx) {
  struct reader *x = ctx;
  if (!x->row) x->row = json_array();
  json_array_append_new(x->row, json_stringn(s ? s : "", s ? len : 0));
}

static void on_row(int c, void *ctx) {
  (void)c;
  struct reader *x = ctx;
  json_array_append_new(x->rows, x->row ? x->row : json_array());
  x->row = NULL;
}

json_t *fpt_csv(const struct fpt_resp *r) {
  static const char BOM[] = "\xEF\xBB\xBF";
  if (r->body_len < 3 || memcmp(r->body, BOM, 3) != 0) fail_msg("the CSV does not start with a UTF-8 byte-order mark");
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) fail_msg("csv_init");
  struct reader x = {json_array(), NULL};
  size_t len = r->body_len - 3;
  if (csv_parse(&p, r->body + 3, len, on_field, on_row, &x) != len || csv_fini(&p, on_field, on_row, &x) != 0)
    fail_msg("not valid CSV: %s", csv_strerror(csv_error(&p)));
  csv_free(&p);
  json_decref(x.row);
  return fpt_keep_json(x.rows);
}
