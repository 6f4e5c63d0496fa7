/*
 * docs/openapi.yaml must describe every route the server has, and nothing it lacks: the route
 * list comes from `flexpool routes`, the document's operations from its `paths:` section.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpt.h"

#define MAX_OPS 512

/* docs/openapi.yaml, opened (fails the test when it cannot be). */
static FILE *open_doc(void) {
  const char *src = getenv("FP_SOURCE_DIR");
  assert_non_null(src);
  char path[1024];
  snprintf(path, sizeof path, "%s/docs/openapi.yaml", src);
  FILE *f = fopen(path, "r");
  if (!f) fail_msg("cannot open %s", path);
  return f;
}

/* The next line of f without its end, however long (getline into *buf); NULL at the end. */
static char *next_line(FILE *f, char **buf, size_t *cap) {
  if (getline(buf, cap, f) < 0) return NULL;
  (*buf)[strcspn(*buf, "\r\n")] = 0;
  return *buf;
}

/* The operations ("GET /api/v1/x") under `paths:` of the document in f, closed after. More than
   max fails the test rather than dropping any. */
static int read_ops(FILE *f, char ops[][256], int max) {
  char *line, *buf = NULL, cur[200] = "";
  size_t cap = 0;
  bool in_paths = false;
  int n = 0;
  while ((line = next_line(f, &buf, &cap))) {
    if (strcmp(line, "paths:") == 0) {
      in_paths = true;
      continue;
    }
    if (in_paths && line[0] && !isspace((unsigned char)line[0])) in_paths = false;
    if (!in_paths) continue;
    if (strncmp(line, "  /", 3) == 0 && line[strlen(line) - 1] == ':') {
      snprintf(cur, sizeof cur, "%.*s", (int)strlen(line) - 3 < 190 ? (int)strlen(line) - 3 : 190, line + 2);
      continue;
    }
    static const char *const methods[] = {"get", "post", "put", "patch", "delete"};
    for (int m = 0; m < 5; m++) {
      char want[32];
      snprintf(want, sizeof want, "    %s:", methods[m]);
      if (strcmp(line, want) == 0) {
        if (n == max) fail_msg("more than %d operations in docs/openapi.yaml: raise MAX_OPS", max);
        char up[16];
        for (size_t i = 0; i <= strlen(methods[m]); i++) up[i] = (char)toupper((unsigned char)methods[m][i]);
        snprintf(ops[n++], 256, "%s %s", up, cur);
      }
    }
  }
  free(buf);
  fclose(f);
  return n;
}

static int read_doc_ops(char ops[][256], int max) { return read_ops(open_doc(), ops, max); }

/* A description line longer than any buffer does not hide the operations after it (the reader
   once read 1,024 characters at a time, and the rest of a long line looked like the end of paths). */
static void test_a_long_line_hides_no_operation(void **state) {
  (void)state;
  char *doc = NULL;
  size_t len = 0;
  FILE *w = open_memstream(&doc, &len);
  assert_non_null(w);
  fprintf(w, "paths:\n  /api/v1/a:\n    get:\n      description: ");
  for (int i = 0; i < 3000; i++) fputc(i % 100 == 99 ? ' ' : 'x', w);
  fprintf(w, "\n  /api/v1/b:\n    post:\n      description: short\ncomponents:\n");
  fclose(w);
  FILE *f = fmemopen(doc, len, "r");
  assert_non_null(f);
  static char ops[4][256];
  assert_int_equal(read_ops(f, ops, 4), 2);
  assert_string_equal(ops[0], "GET /api/v1/a");
  assert_string_equal(ops[1], "POST /api/v1/b");
  free(doc);
}

static bool contains(char list[][256], int n, const char *s) {
  for (int i = 0; i < n; i++)
    if (strcmp(list[i], s) == 0) return true;
  return false;
}

static void test_every_route_is_documented(void **state) {
  (void)state;
  static char doc[MAX_OPS][256], routes[MAX_OPS][256];
  int n_doc = read_doc_ops(doc, MAX_OPS);
  static char out[65536];
  const char *args[] = {"routes", NULL};
  assert_int_equal(fpt_cli(out, sizeof out, args), 0);
  int n_routes = 0;
  int n_fhir = 0;
  for (char *save = NULL, *l = strtok_r(out, "\n", &save); l && n_routes < MAX_OPS; l = strtok_r(NULL, "\n", &save)) {
    /* The FHIR API and its token endpoint are described in docs/FHIR.md, not here (their errors
       are FHIR's and OAuth's, not the API's). */
    if (strstr(l, " /fhir/r4/") || strstr(l, " /oauth/")) {
      n_fhir++;
      continue;
    }
    snprintf(routes[n_routes++], 256, "%s", l);
  }
  assert_true(n_routes > 10);
  assert_int_equal(n_fhir, 15); /* metadata, smart-configuration, the token, and six types' search and read */
  int missing = 0;
  for (int i = 0; i < n_routes; i++)
    if (!contains(doc, n_doc, routes[i])) {
      fprintf(stderr, "not in docs/openapi.yaml: %s\n", routes[i]);
      missing++;
    }
  for (int i = 0; i < n_doc; i++)
    if (!contains(routes, n_routes, doc[i])) {
      fprintf(stderr, "documented but not served: %s\n", doc[i]);
      missing++;
    }
  assert_int_equal(missing, 0);
}

/* The codes listed under components.schemas.ErrorCode.enum, one "        - code" a line. */
static int read_doc_error_codes(char codes[][256], int max) {
  FILE *f = open_doc();
  char *line, *buf = NULL;
  size_t cap = 0;
  bool in_schema = false, in_enum = false;
  int n = 0;
  while ((line = next_line(f, &buf, &cap))) {
    if (strcmp(line, "    ErrorCode:") == 0) {
      in_schema = true;
      continue;
    }
    if (!in_schema) continue;
    if (strncmp(line, "    ", 4) == 0 && line[4] != ' ') break; /* the next schema */
    if (strcmp(line, "      enum:") == 0) {
      in_enum = true;
      continue;
    }
    if (in_enum && strncmp(line, "        - ", 10) == 0) {
      if (n == max) fail_msg("more than %d error codes in docs/openapi.yaml: raise MAX_OPS", max);
      snprintf(codes[n++], 256, "%.200s", line + 10);
    } else if (in_enum) {
      in_enum = false;
    }
  }
  free(buf);
  fclose(f);
  return n;
}

/* Every error code the server can answer with is in the document's ErrorCode enum, and no other. */
static void test_error_codes_match_the_table(void **state) {
  (void)state;
  static char doc[MAX_OPS][256], table[MAX_OPS][256];
  int n_doc = read_doc_error_codes(doc, MAX_OPS);
  static char out[65536];
  const char *args[] = {"errors", NULL};
  assert_int_equal(fpt_cli(out, sizeof out, args), 0);
  int n_table = 0;
  for (char *save = NULL, *l = strtok_r(out, "\n", &save); l && n_table < MAX_OPS; l = strtok_r(NULL, "\n", &save)) {
    const char *sp = strchr(l, ' ');
    assert_non_null(sp);
    int status = atoi(l);
    assert_true(status >= 400 && status <= 599);
    snprintf(table[n_table++], 256, "%s", sp + 1);
  }
  assert_true(n_table > 20);
  int wrong = 0;
  for (int i = 0; i < n_table; i++)
    if (!contains(doc, n_doc, table[i])) {
      fprintf(stderr, "error code not in docs/openapi.yaml ErrorCode: %s\n", table[i]);
      wrong++;
    }
  for (int i = 0; i < n_doc; i++)
    if (!contains(table, n_table, doc[i])) {
      fprintf(stderr, "documented error code the server never uses: %s\n", doc[i]);
      wrong++;
    }
  assert_int_equal(wrong, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_every_route_is_documented),
                                     cmocka_unit_test(test_a_long_line_hides_no_operation),
                                     cmocka_unit_test(test_error_codes_match_the_table)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  fpt_gc();
  return rc;
}
