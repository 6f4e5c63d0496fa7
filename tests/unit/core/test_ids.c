/* test_ids.c - ascending id arrays: sorted once, found by binary search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/ids.h"

static void test_sort_unique_orders_and_drops_repeats(void **state) {
  (void)state;
  int64_t ids[] = {9, 3, 3, 7, INT64_MAX, 1, 9, 9, -4, 1};
  size_t n = fp_ids_sort_unique(ids, sizeof ids / sizeof ids[0]);
  int64_t want[] = {-4, 1, 3, 7, 9, INT64_MAX};
  assert_int_equal(n, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < n; i++) assert_int_equal(ids[i], want[i]);
  assert_int_equal(fp_ids_sort_unique(ids, 0), 0);
  int64_t one[] = {5};
  assert_int_equal(fp_ids_sort_unique(one, 1), 1);
  assert_int_equal(one[0], 5);
}

static void test_find_answers_every_place_and_misses(void **state) {
  (void)state;
  int64_t ids[200];
  for (size_t i = 0; i < 200; i++) ids[i] = (int64_t)i * 3 + 1; /* 1, 4, 7, ... */
  for (size_t n = 0; n <= 200; n++) {
    for (size_t i = 0; i < n; i++) assert_int_equal(fp_ids_find(ids, n, ids[i]), (ptrdiff_t)i);
    assert_int_equal(fp_ids_find(ids, n, 0), -1);              /* before the first */
    assert_int_equal(fp_ids_find(ids, n, 2), -1);              /* between two */
    assert_int_equal(fp_ids_find(ids, n, (int64_t)n * 3 + 1), -1); /* after the last */
  }
  assert_int_equal(fp_ids_find(NULL, 0, 1), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sort_unique_orders_and_drops_repeats),
      cmocka_unit_test(test_find_answers_every_place_and_misses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
