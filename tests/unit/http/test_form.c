/* test_form.c - a form-encoded body (http/form.h), as the OAuth token request sends it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/form.h"

static void test_pairs(void **state) {
  (void)state;
  struct fp_form f;
  const char *body = "grant_type=client_credentials&scope=system%2FSlot.rs+system%2FPractitioner.read&&empty=&x=%41%42";
  assert_int_equal(fp_form_parse(body, strlen(body), &f), 0);
  int n = 0;
  assert_string_equal(fp_form_get(&f, "grant_type", &n), "client_credentials");
  assert_int_equal(n, 1);
  assert_string_equal(fp_form_get(&f, "scope", &n), "system/Slot.rs system/Practitioner.read");
  assert_string_equal(fp_form_get(&f, "empty", &n), "");
  assert_string_equal(fp_form_get(&f, "x", &n), "AB");
  assert_null(fp_form_get(&f, "missing", &n));
  assert_int_equal(n, 0);
  fp_form_free(&f);
  /* A name given twice is counted (the caller refuses it). */
  assert_int_equal(fp_form_parse("a=1&a=2", 7, &f), 0);
  assert_string_equal(fp_form_get(&f, "a", &n), "1");
  assert_int_equal(n, 2);
  fp_form_free(&f);
  /* The body's length is its length: no NUL needed, none read past. */
  assert_int_equal(fp_form_parse("a=1&b=2XYZ", 7, &f), 0);
  assert_string_equal(fp_form_get(&f, "b", &n), "2");
  fp_form_free(&f);
  assert_int_equal(fp_form_parse("", 0, &f), 0);
  assert_int_equal(f.n, 0);
  fp_form_free(&f);
}

static void test_refused(void **state) {
  (void)state;
  struct fp_form f;
  const char *bad[] = {"novalue", "a=1&b", "=1", "a=%00", "a%00=1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_int_equal(fp_form_parse(bad[i], strlen(bad[i]), &f), -1);
  assert_int_equal(fp_form_parse("a=1\0b=2", 7, &f), -1); /* a NUL in the body */
  /* More than FP_FORM_MAX_PAIRS pairs: refused, not cut. */
  char many[256] = "";
  for (int i = 0; i <= FP_FORM_MAX_PAIRS; i++) strcat(many, i ? "&a=1" : "a=1");
  assert_int_equal(fp_form_parse(many, strlen(many), &f), -1);
  many[strlen(many) - 4] = 0; /* exactly the most */
  assert_int_equal(fp_form_parse(many, strlen(many), &f), 0);
  assert_int_equal(f.n, FP_FORM_MAX_PAIRS);
  fp_form_free(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pairs),
      cmocka_unit_test(test_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
