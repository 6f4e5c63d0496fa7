/* test_terms.c - terms of engagement (issue 13): which terms a booking runs on, their checks, the
   cancellation fee under the notice bands with its rounding, and the bands' text as kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/terms.h"

/* The example: 50 % inside 7 days, 100 % inside 48 hours. */
static struct fp_terms example(void) {
  struct fp_terms t = fp_terms_default();
  t.n_bands = 2;
  t.bands[0] = (struct fp_cancel_band){168, 50};
  t.bands[1] = (struct fp_cancel_band){48, 100};
  return t;
}

static void test_whose_terms(void **state) {
  (void)state;
  assert_int_equal(fp_terms_source(false, true), FP_TERMS_POOL);  /* instant: the pool's, always */
  assert_int_equal(fp_terms_source(false, false), FP_TERMS_POOL);
  assert_int_equal(fp_terms_source(true, true), FP_TERMS_CLINICIAN); /* accepted or offered: their own */
  assert_int_equal(fp_terms_source(true, false), FP_TERMS_POOL);     /* ... where they have any */
  enum fp_terms_source s = FP_TERMS_POOL;
  assert_int_equal(fp_terms_source_parse("clinician", &s), FP_OK);
  assert_int_equal(s, FP_TERMS_CLINICIAN);
  assert_int_equal(fp_terms_source_parse("practice", &s), FP_EINVAL);
  assert_int_equal(fp_terms_source_parse(NULL, &s), FP_EINVAL);
  assert_string_equal(fp_terms_source_name(FP_TERMS_POOL), "pool");
}

static void test_fee_by_band(void **state) {
  (void)state;
  struct fp_terms t = example();
  fp_time start = 1800000000;
  int32_t pc = -1;
  /* 8 days' notice: outside every band. */
  assert_int_equal(fp_terms_cancellation_fee(&t, 40000, start - 8 * 86400, start, &pc), 0);
  assert_int_equal(pc, 0);
  /* Exactly 7 days' notice is not inside 7 days; a second less is. */
  assert_int_equal(fp_terms_cancellation_fee(&t, 40000, start - 168 * 3600, start, &pc), 0);
  assert_int_equal(fp_terms_cancellation_fee(&t, 40000, start - 168 * 3600 + 1, start, &pc), 20000);
  assert_int_equal(pc, 50);
  /* 3 days: 50 %; 47 hours: 100 %. */
  assert_int_equal(fp_terms_cancellation_fee(&t, 40000, start - 72 * 3600, start, NULL), 20000);
  assert_int_equal(fp_terms_cancellation_fee(&t, 40000, start - 47 * 3600, start, &pc), 40000);
  assert_int_equal(pc, 100);
  /* After the start nothing is cancelled (the state machine refuses it): no fee. */
  assert_int_equal(fp_terms_cancellation_fee(&t, 40000, start, start, &pc), 0);
  /* No bands: never a fee. */
  struct fp_terms none = fp_terms_default();
  assert_int_equal(fp_terms_cancellation_fee(&none, 40000, start - 3600, start, &pc), 0);
  assert_int_equal(pc, 0);
}

/* Half a penny rounds up, less than half down. */
static void test_fee_rounding(void **state) {
  (void)state;
  struct fp_terms t = fp_terms_default();
  t.n_bands = 1;
  t.bands[0] = (struct fp_cancel_band){48, 50};
  fp_time start = 1800000000;
  assert_int_equal(fp_terms_cancellation_fee(&t, 32321, start - 3600, start, NULL), 16161); /* 16160.5 */
  t.bands[0].fee_percent = 33;
  assert_int_equal(fp_terms_cancellation_fee(&t, 101, start - 3600, start, NULL), 33); /* 33.33 */
  assert_int_equal(fp_terms_cancellation_fee(&t, 0, start - 3600, start, NULL), 0);
}

/* What a page says before cancelling: when the fee goes up next, by the same bands. */
static void test_fee_rises(void **state) {
  (void)state;
  struct fp_terms t = example();
  fp_time start = 1800000000, when = 0;
  int32_t pc = 0;
  assert_true(fp_terms_fee_rises(&t, start - 10 * 86400, start, &when, &pc));
  assert_int_equal(when, start - 168 * 3600);
  assert_int_equal(pc, 50);
  /* Cancelling just after that instant owes it (the rule agrees). */
  assert_int_equal(fp_terms_cancellation_fee(&t, 100, when + 1, start, NULL), 50);
  assert_int_equal(fp_terms_cancellation_fee(&t, 100, when, start, NULL), 0);
  assert_true(fp_terms_fee_rises(&t, start - 72 * 3600, start, &when, &pc));
  assert_int_equal(when, start - 48 * 3600);
  assert_int_equal(pc, 100);
  assert_false(fp_terms_fee_rises(&t, start - 3600, start, &when, &pc)); /* already the whole fee */
  struct fp_terms none = fp_terms_default();
  assert_false(fp_terms_fee_rises(&none, start - 86400, start, &when, &pc));
}

static void test_validate(void **state) {
  (void)state;
  const char *field = NULL;
  struct fp_terms t = example();
  assert_int_equal(fp_terms_validate(&t, &field), FP_OK);
  t.payment_days = 0;
  assert_int_equal(fp_terms_validate(&t, &field), FP_EINVAL);
  assert_string_equal(field, "payment_days");
  t.payment_days = FP_TERMS_MAX_PAYMENT_DAYS + 1;
  assert_int_equal(fp_terms_validate(&t, &field), FP_EINVAL);
  t = example();
  t.bands[1].notice_hours = 168; /* not shorter than the one before */
  assert_int_equal(fp_terms_validate(&t, &field), FP_EINVAL);
  assert_string_equal(field, "cancellation");
  t = example();
  t.bands[1].fee_percent = 50; /* not higher */
  assert_int_equal(fp_terms_validate(&t, &field), FP_EINVAL);
  t = example();
  t.bands[0].fee_percent = 101;
  assert_int_equal(fp_terms_validate(&t, &field), FP_EINVAL);
  t = example();
  t.bands[0].notice_hours = FP_TERMS_MAX_NOTICE_HOURS + 1;
  assert_int_equal(fp_terms_validate(&t, &field), FP_EINVAL);
  t = example();
  t.n_bands = FP_TERMS_MAX_BANDS + 1;
  assert_int_equal(fp_terms_validate(&t, &field), FP_EINVAL);
}

static void test_bands_text(void **state) {
  (void)state;
  struct fp_terms t = example(), back = fp_terms_default();
  char buf[FP_TERMS_BANDS_LEN];
  fp_terms_bands_format(&t, buf);
  assert_string_equal(buf, "168:50,48:100");
  assert_int_equal(fp_terms_bands_parse(buf, &back), FP_OK);
  assert_int_equal(back.n_bands, 2);
  assert_memory_equal(back.bands, t.bands, 2 * sizeof t.bands[0]);
  fp_terms_bands_format(&(struct fp_terms){0}, buf);
  assert_string_equal(buf, "");
  assert_int_equal(fp_terms_bands_parse("", &back), FP_OK);
  assert_int_equal(back.n_bands, 0);
  /* The widest valid bands fit the buffer. */
  struct fp_terms wide = fp_terms_default();
  wide.n_bands = FP_TERMS_MAX_BANDS;
  for (int i = 0; i < FP_TERMS_MAX_BANDS; i++) wide.bands[i] = (struct fp_cancel_band){672 - i, 97 + i};
  fp_terms_bands_format(&wide, buf);
  assert_string_equal(buf, "672:97,671:98,670:99,669:100");
  static const char *bad[] = {"48", "48:", ":50", "48:50,", ",48:50", "48:50,168:100", "048:50", "48:0",
                              "48:101", "48:50;24:100", "12345:50", "1:1,2:2", "4:1,3:2,2:3,1:4,0:5", " 48:50",
                              "48:50 ", "-48:50", "5:10,4:20,3:30,2:40,1:50"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    back.n_bands = 7;
    assert_int_equal(fp_terms_bands_parse(bad[i], &back), FP_EINVAL);
    assert_int_equal(back.n_bands, 7); /* untouched */
  }
  assert_int_equal(fp_terms_bands_parse(NULL, &back), FP_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_whose_terms), cmocka_unit_test(test_fee_by_band), cmocka_unit_test(test_fee_rounding),
      cmocka_unit_test(test_validate),    cmocka_unit_test(test_bands_text),   cmocka_unit_test(test_fee_rises),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
