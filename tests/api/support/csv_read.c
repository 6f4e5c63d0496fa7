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

/* fpt_xlsx: a workbook read back by openpyxl (python3-openpyxl, under Debian's /usr/bin/python3), each cell's value as
   JSON (numbers as numbers, text as strings, empty as null). */
json_t *fpt_xlsx(const struct fpt_resp *r) {
  char path[] = "/tmp/fpt-xlsx-XXXXXX.xlsx"; /* openpyxl goes by the name's ending */
  int fd = mkstemps(path, 5);
  if (fd < 0) fail_msg("mkstemp");
  FILE *f = fdopen(fd, "wb");
  if (!f || fwrite(r->body, 1, r->body_len, f) != r->body_len) fail_msg("cannot write the workbook");
  fclose(f);
  const char *cmd = fpt_str("/usr/bin/python3 -c 'import json, sys, openpyxl\n"
                            "wb = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
                            "ws = wb.worksheets[0]\n"
                            "print(json.dumps([[c for c in row] for row in ws.iter_rows(values_only=True)]))' %s",
                            path);
  FILE *p = popen(cmd, "r");
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
  if (status != 0 || !out) fail_msg("openpyxl could not read the workbook");
  out[len] = 0;
  json_error_t err;
  json_t *rows = json_loads(out, 0, &err);
  free(out);
  if (!json_is_array(rows)) fail_msg("openpyxl's answer is not JSON: %s", err.text);
  return fpt_keep_json(rows);
}

json_t *fpt_zip(const struct fpt_resp *r) {
  char path[] = "/tmp/fpt-zip-XXXXXX.zip";
  int fd = mkstemps(path, 4);
  if (fd < 0) fail_msg("mkstemp");
  FILE *f = fdopen(fd, "wb");
  if (!f || fwrite(r->body, 1, r->body_len, f) != r->body_len) fail_msg("cannot write the archive");
  fclose(f);
  const char *cmd = fpt_str("/usr/bin/python3 -c 'import hashlib, json, sys, zipfile\n"
                            "z = zipfile.ZipFile(sys.argv[1])\n"
                            "bad = z.testzip()\n"
                            "assert bad is None, bad\n"
                            "out = {\"names\": z.namelist(), \"json\": {}, \"files\": {}}\n"
                            "for n in z.namelist():\n"
                            "  b = z.read(n)\n"
                            "  if n.endswith(\".json\"): out[\"json\"][n] = json.loads(b)\n"
                            "  else: out[\"files\"][n] = {\"sha256\": hashlib.sha256(b).hexdigest(), \"bytes\": len(b),"
                            " \"text\": b.decode(\"latin-1\")}\n"
                            "print(json.dumps(out))' %s",
                            path);
  FILE *p = popen(cmd, "r");
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
  if (status != 0 || !out) fail_msg("zipfile could not read the archive");
  out[len] = 0;
  json_error_t err;
  json_t *z = json_loads(out, 0, &err);
  free(out);
  if (!json_is_object(z)) fail_msg("the reader's answer is not JSON: %s", err.text);
  return fpt_keep_json(z);
}
