/* The CSV writer (src/docs/csv_out.c): quoting, line ends, the byte-order mark, no formulas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docs/csv_out.h"

static char *doc(const char *const *cells, size_t n) {
  struct fp_csv_out o;
  fp_csv_out_begin(&o);
  fp_csv_out_row(&o, cells, n);
  assert_false(o.failed);
  char *s = malloc(o.len + 1);
  memcpy(s, o.data, o.len);
  s[o.len] = '\0';
  free(o.data);
  return s;
}

static void test_quoted_with_bom_and_crlf(void **state) {
  (void)state;
  char *s = doc((const char *[]){"Cardigan Road, Leeds", "Dr \"Ada\" O'Neil", NULL, "caf\xc3\xa9\nline"}, 4);
  assert_string_equal(s, "\xEF\xBB\xBF\"Cardigan Road, Leeds\",\"Dr \"\"Ada\"\" O'Neil\",\"\",\"caf\xc3\xa9\nline\"\r\n");
  free(s);
}

static void test_no_cell_runs_as_a_formula(void **state) {
  (void)state;
  char *s = doc((const char *[]){"=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "-12.50", "310.00", "-", "a=b"}, 9);
  assert_string_equal(s, "\xEF\xBB\xBF\"'=HYPERLINK(\"\"x\"\")\",\"'+1+1\",\"'-2+3\",\"'@SUM(A1)\",\"'\tx\",\"-12.50\","
                         "\"310.00\",\"'-\",\"a=b\"\r\n");
  free(s);
}

static void test_many_rows_grow_the_buffer(void **state) {
  (void)state;
  struct fp_csv_out o;
  fp_csv_out_begin(&o);
  for (int i = 0; i < 5000; i++) fp_csv_out_row(&o, (const char *[]){"0001", "Sarah Ackroyd", "310.00"}, 3);
  assert_false(o.failed);
  assert_int_equal(o.len, 3 + 5000 * strlen("\"0001\",\"Sarah Ackroyd\",\"310.00\"\r\n"));
  free(o.data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quoted_with_bom_and_crlf),
      cmocka_unit_test(test_no_cell_runs_as_a_formula),
      cmocka_unit_test(test_many_rows_grow_the_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
