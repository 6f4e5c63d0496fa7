/*
 * The PostgreSQL engine's placeholder rewriting says which parameter numbers a statement refers to
 * (store/pg/params.c fp_pg_rewrite_params_used): SQLite lets a statement bind numbers it never uses,
 * which PostgreSQL cannot type, so the engine sends those as text. Pure: no server needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg.h"

static void test_used_numbers_are_marked(void **state) {
  (void)state;
  int n = 0;
  unsigned char *used = NULL;
  char *out = fp_pg_rewrite_params_used("SELECT ?1, '?3' AS q, \"?4\" FROM t WHERE a = ?5 -- ?2\n AND b = ?", &n, &used);
  assert_non_null(out);
  assert_string_equal(out, "SELECT $1, '?3' AS q, \"?4\" FROM t WHERE a = $5 -- ?2\n AND b = $6");
  assert_int_equal(n, 6);
  assert_non_null(used);
  const int expect[] = {0, 1, 0, 0, 0, 1, 1};
  for (int i = 1; i <= n; i++) assert_int_equal(used[i] != 0, expect[i]);
  free(out);
  free(used);
}

static void test_many_and_none(void **state) {
  (void)state;
  int n = 0;
  unsigned char *used = NULL;
  char sql[4096] = "SELECT 1 WHERE a IN (";
  for (int i = 0; i < 300; i++) strcat(sql, i ? ",?" : "?");
  strcat(sql, ") AND b = ?400");
  char *out = fp_pg_rewrite_params_used(sql, &n, &used);
  assert_non_null(out);
  assert_int_equal(n, 400);
  for (int i = 1; i <= 300; i++) assert_true(used[i]);
  for (int i = 301; i < 400; i++) assert_false(used[i]);
  assert_true(used[400]);
  free(out);
  free(used);
  out = fp_pg_rewrite_params_used("SELECT 1", &n, &used);
  assert_int_equal(n, 0);
  assert_null(used);
  free(out);
  assert_null(fp_pg_rewrite_params_used("SELECT ?0", &n, &used));
  assert_null(used);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_used_numbers_are_marked),
      cmocka_unit_test(test_many_and_none),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
