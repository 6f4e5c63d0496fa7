/* test_figures.c - each figure written once: rates and means to one decimal place, half up;
   minutes as hours to two; people absent where not counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/figures.h"

static const struct fp_figure_col *col(const char *name) {
  for (size_t i = 0; i < FP_FIGURE_COLS; i++)
    if (strcmp(fp_figure_cols[i].name, name) == 0) return &fp_figure_cols[i];
  fail_msg("no figure %s", name);
  return NULL;
}

static void test_each_figure_is_written_the_same_way_everywhere(void **state) {
  (void)state;
  struct fp_metrics_figures f = {.shifts_posted = 7, .shifts_filled = 3, .minutes_delivered = 900,
                                 .fill_seconds = 3 * 672 * 3600 + 5 * 60, .fees_agreed_pence = 128000,
                                 .practices = 0, .practices_registered = 1, .clinicians_registered = -1,
                                 .clinicians_onboarded = 3};
  char t[32];
  fp_figure_text(&f, col("fill_rate_percent"), t);
  assert_string_equal(t, "42.9"); /* 3 / 7 = 42.857 */
  assert_true(fp_figure_number(&f, col("fill_rate_percent")) == 42.9);
  fp_figure_text(&f, col("hours_delivered"), t);
  assert_string_equal(t, "15.00");
  fp_figure_text(&f, col("hours_to_fill_average"), t);
  assert_string_equal(t, "672.0");
  fp_figure_text(&f, col("fees_agreed_pence"), t);
  assert_string_equal(t, "128000");
  /* Nothing to share: 0, not a division by zero. */
  fp_figure_text(&f, col("coverage_percent"), t);
  assert_string_equal(t, "0.0");
  /* Not counted by area: absent, not -1. */
  assert_false(fp_figure_present(&f, col("clinicians_registered")));
  fp_figure_text(&f, col("clinicians_registered"), t);
  assert_string_equal(t, "");
  assert_true(fp_figure_present(&f, col("clinicians_onboarded")));
  /* Half up: 1 of 8 is 12.5 %, 1 of 16 is 6.25 % -> 6.3. */
  f.shifts_posted = 16, f.shifts_filled = 1;
  fp_figure_text(&f, col("fill_rate_percent"), t);
  assert_string_equal(t, "6.3");
  /* 1 minute is 0.02 hours (1.67 hundredths, half up). */
  f.minutes_delivered = 1;
  fp_figure_text(&f, col("hours_delivered"), t);
  assert_string_equal(t, "0.02");
  /* Every column has a name, a label and a member. */
  for (size_t i = 0; i < FP_FIGURE_COLS; i++) {
    assert_non_null(fp_figure_cols[i].name);
    assert_non_null(fp_figure_cols[i].label);
    assert_true(fp_figure_cols[i].off < sizeof(struct fp_metrics_figures));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_each_figure_is_written_the_same_way_everywhere),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
