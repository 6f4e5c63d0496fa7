/* The exports read back by real parsers: fpt_csv (libcsv, strict RFC 4180) and fpt_xlsx (openpyxl). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The answer's body in a temporary file named .../fpt-<what>-XXXXXX<ext>, read by the Python program
   `program` (run as /usr/bin/python3 -c 'program' FILE, Debian's Python), whose standard output is
   JSON: parsed and gc-owned. Fails the test, naming what, when the program fails. */
static json_t *read_by_python(const struct fpt_resp *r, const char *what, const char *ext, const char *program) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/fpt-%s-XXXXXX%s", what, ext); /* openpyxl goes by the name's ending */
  int fd = mkstemps(path, (int)strlen(ext));
  if (fd < 0) fail_msg("mkstemp");
  FILE *f = fdopen(fd, "wb");
  if (!f || fwrite(r->body, 1, r->body_len, f) != r->body_len) fail_msg("cannot write the %s", what);
  fclose(f);
  FILE *p = popen(fpt_str("/usr/bin/python3 -c '%s' %s", program, path), "r");
  if (!p) fail_msg("cannot run python3");
  char *out = NULL;
  size_t len = 0, cap = 0;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    if (len + n + 1 > cap) out = realloc(out, cap = (len + n + 1) * 2);
    memcpy(out + len, buf, n);
    len += n;
  }
  int status = pclose(p);
  unlink(path);
  if (status != 0 || !out) fail_msg("python3 could not read the %s", what);
  out[len] = 0;
  json_error_t err;
  json_t *j = json_loads(out, 0, &err);
  free(out);
  if (!j) fail_msg("the reader's answer for the %s is not JSON: %s", what, err.text);
  return fpt_keep_json(j);
}

/* fpt_xlsx: a workbook read back by openpyxl (python3-openpyxl, under Debian's /usr/bin/python3), each cell's value as
   JSON (numbers as numbers, text as strings, empty as null). */
json_t *fpt_xlsx(const struct fpt_resp *r) {
  json_t *rows = read_by_python(r, "workbook", ".xlsx",
                                "import json, sys, openpyxl\n"
                                "wb = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
                                "ws = wb.worksheets[0]\n"
                                "print(json.dumps([[c for c in row] for row in ws.iter_rows(values_only=True)]))");
  if (!json_is_array(rows)) fail_msg("openpyxl's answer is not a list of rows");
  return rows;
}

/* fpt_zip: an archive read by Python's zipfile, every entry's CRC checked (testzip). */
json_t *fpt_zip(const struct fpt_resp *r) {
  json_t *z = read_by_python(r, "archive", ".zip",
                             "import hashlib, json, sys, zipfile\n"
                             "z = zipfile.ZipFile(sys.argv[1])\n"
                             "bad = z.testzip()\n"
                             "assert bad is None, bad\n"
                             "out = {\"names\": z.namelist(), \"json\": {}, \"files\": {}}\n"
                             "for n in z.namelist():\n"
                             "  b = z.read(n)\n"
                             "  if n.endswith(\".json\"): out[\"json\"][n] = json.loads(b)\n"
                             "  else: out[\"files\"][n] = {\"sha256\": hashlib.sha256(b).hexdigest(), \"bytes\": len(b),"
                             " \"text\": b.decode(\"latin-1\")}\n"
                             "print(json.dumps(out))");
  if (!json_is_object(z)) fail_msg("the archive reader's answer is not an object");
  return z;
}
