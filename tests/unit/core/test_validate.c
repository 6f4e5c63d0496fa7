/* test_validate.c - ODS codes, organisation levels, postcodes, email, distance. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/validate.h"

static void test_org_level_parse_and_name(void **state) {
  (void)state;
  static const struct {
    const char *s;
    enum fp_org_level l;
  } ok[] = {
      {"national", FP_ORG_NATIONAL}, {"icb", FP_ORG_ICB},           {"place", FP_ORG_PLACE},
      {"pcn", FP_ORG_PCN},           {"practice", FP_ORG_PRACTICE},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    enum fp_org_level l = (enum fp_org_level)99;
    assert_int_equal(fp_org_level_parse(ok[i].s, &l), FP_OK);
    assert_int_equal(l, ok[i].l);
    assert_string_equal(fp_org_level_name(ok[i].l), ok[i].s);
  }
  static const char *const bad[] = {"", "ICB", "Practice", "gp_practice", "pcn ", "sub-icb"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    enum fp_org_level l = FP_ORG_PCN;
    assert_int_equal(fp_org_level_parse(bad[i], &l), FP_EINVAL);
    assert_int_equal(l, FP_ORG_PCN);
  }
  enum fp_org_level l;
  assert_int_equal(fp_org_level_parse(NULL, &l), FP_EINVAL);
  assert_int_equal(fp_org_level_parse("icb", NULL), FP_EINVAL);
  assert_string_equal(fp_org_level_name((enum fp_org_level)42), "unknown");
  assert_string_equal(fp_org_level_name((enum fp_org_level)-1), "unknown");
}

static void test_org_parent_ok(void **state) {
  (void)state;
  /* allowed[parent][child] */
  static const bool allowed[5][5] = {
      /*             national icb    place  pcn    practice */
      /* national */ {false, true, false, false, false},
      /* icb      */ {false, false, true, true, false},
      /* place    */ {false, false, false, true, false},
      /* pcn      */ {false, false, false, false, true},
      /* practice */ {false, false, false, false, false},
  };
  for (int p = 0; p < 5; p++)
    for (int c = 0; c < 5; c++)
      if (fp_org_parent_ok((enum fp_org_level)p, (enum fp_org_level)c) != allowed[p][c])
        fail_msg("parent %d child %d: expected %d", p, c, allowed[p][c]);
}

static void test_ods_codes(void **state) {
  (void)state;
  /* ICB: exactly 3 upper-case letters/digits. */
  assert_true(fp_ods_valid(FP_ORG_ICB, "QWO"));
  assert_true(fp_ods_valid(FP_ORG_ICB, "QE1"));
  assert_false(fp_ods_valid(FP_ORG_ICB, "qwo"));
  assert_false(fp_ods_valid(FP_ORG_ICB, "QW"));
  assert_false(fp_ods_valid(FP_ORG_ICB, "QWOX"));
  assert_false(fp_ods_valid(FP_ORG_ICB, "Q-O"));
  assert_false(fp_ods_valid(FP_ORG_ICB, ""));
  assert_false(fp_ods_valid(FP_ORG_ICB, NULL));
  /* Place: 3 to 5. */
  assert_true(fp_ods_valid(FP_ORG_PLACE, "02T"));
  assert_true(fp_ods_valid(FP_ORG_PLACE, "15F00"));
  assert_true(fp_ods_valid(FP_ORG_PLACE, "X2C4"));
  assert_false(fp_ods_valid(FP_ORG_PLACE, "02"));
  assert_false(fp_ods_valid(FP_ORG_PLACE, "15F000"));
  assert_false(fp_ods_valid(FP_ORG_PLACE, "02t"));
  assert_false(fp_ods_valid(FP_ORG_PLACE, "02 T"));
  /* PCN: U and 5 digits. */
  assert_true(fp_ods_valid(FP_ORG_PCN, "U12345"));
  assert_false(fp_ods_valid(FP_ORG_PCN, "u12345"));
  assert_false(fp_ods_valid(FP_ORG_PCN, "B12345"));
  assert_false(fp_ods_valid(FP_ORG_PCN, "U1234"));
  assert_false(fp_ods_valid(FP_ORG_PCN, "U123456"));
  assert_false(fp_ods_valid(FP_ORG_PCN, "U1234A"));
  /* Practice: a letter and 5 digits. */
  assert_true(fp_ods_valid(FP_ORG_PRACTICE, "B86001"));
  assert_true(fp_ods_valid(FP_ORG_PRACTICE, "Y02345"));
  assert_false(fp_ods_valid(FP_ORG_PRACTICE, "b86001"));
  assert_false(fp_ods_valid(FP_ORG_PRACTICE, "886001"));
  assert_false(fp_ods_valid(FP_ORG_PRACTICE, "B8600"));
  assert_false(fp_ods_valid(FP_ORG_PRACTICE, "B860011"));
  assert_false(fp_ods_valid(FP_ORG_PRACTICE, "BB6001"));
  assert_false(fp_ods_valid(FP_ORG_PRACTICE, " B86001"));
  assert_false(fp_ods_valid(FP_ORG_PRACTICE, NULL));
  /* National: unchecked. */
  assert_true(fp_ods_valid(FP_ORG_NATIONAL, "anything"));
  assert_true(fp_ods_valid(FP_ORG_NATIONAL, ""));
  assert_true(fp_ods_valid(FP_ORG_NATIONAL, NULL));
  /* An unknown level is never valid. */
  assert_false(fp_ods_valid((enum fp_org_level)9, "B86001"));
}

static void test_postcode_normalise_ok(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } ok[] = {
      {"ls1 4ap", "LS1 4AP"},
      {"LS14AP", "LS1 4AP"},
      {" LS1  4AP ", "LS1 4AP"},
      {"LS1 4AP", "LS1 4AP"},
      {"m1 1ae", "M1 1AE"},               /* A9 */
      {"B33 8TH", "B33 8TH"},             /* A99 */
      {"CR2 6XH", "CR2 6XH"},             /* AA9 */
      {"DN551PT", "DN55 1PT"},            /* AA99 */
      {"W1A 0AX", "W1A 0AX"},             /* A9A */
      {"ec1a1bb", "EC1A 1BB"},            /* AA9A */
      {"\tSW1A 2AA\n", "SW1A 2AA"},       /* surrounding white space of any kind */
      {"  SW1A   2AA  ", "SW1A 2AA"},     /* 10 characters after trimming */
      {"Sw1a 2aA", "SW1A 2AA"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char out[9];
    memset(out, 'x', sizeof out);
    if (fp_postcode_normalise(ok[i].in, out) != FP_OK)
      fail_msg("refused \"%s\"", ok[i].in);
    assert_string_equal(out, ok[i].out);
  }
}

static void test_postcode_normalise_rejects(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",          "   ",        "LS1",        "LS1 4A",     "4AP",        "LS1 AAP",  /* inward 9AA */
      "LS1 44P",   "LS1 4A4",    "1S1 4AP",    "L1AA 4AP",   "LSS1 4AP",   "LS1AA 4AP",
      "L 4AP",     "LS 4AP",     "LS123 4AP",  "LS1-4AP",    "LS1.4AP",    "LS1 4AP!",
      "SW1A  2AAX", "SW1A 2AA X", "LS1\t4AP",   "GIR 0AA",    "AA9AA 9AA",  "99 9AA",
      "A9 9AA9",   "   SW1A    2AA   Z", "L S 1 4 A P", "LS1 4ÅP",  "ＬS1 4AP",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char out[9] = "unset";
    if (fp_postcode_normalise(bad[i], out) != FP_EINVAL)
      fail_msg("accepted \"%s\" as \"%s\"", bad[i], out);
    assert_string_equal(out, "");
  }
  /* Longer than 10 characters after trimming, even if it would shrink. */
  char out[9];
  assert_int_equal(fp_postcode_normalise("LS1      4AP", out), FP_EINVAL);
  assert_int_equal(fp_postcode_normalise(NULL, out), FP_EINVAL);
  assert_int_equal(fp_postcode_normalise("LS1 4AP", NULL), FP_EINVAL);
}

static void test_email(void **state) {
  (void)state;
  static const char *const ok[] = {
      "a@b.co", "jo.bloggs@nhs.net", "first.last+tag@example.co.uk", "x_y-z@sub.domain.org",
      "O'Neil@example.com",
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (!fp_email_valid(ok[i]))
      fail_msg("refused \"%s\"", ok[i]);
  static const char *const bad[] = {
      "", "@", "a@", "@b.co", "ab.co", "a@@b.co", "a@b@c.co", "a@bco", "a b@c.co", "a@b .co",
      " a@b.co", "a@b.co ", "a@b.co\n", "a@.co", "a@b.", "a@b..co", "a\t@b.co", "a@.",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (fp_email_valid(bad[i]))
      fail_msg("accepted \"%s\"", bad[i]);
  assert_false(fp_email_valid(NULL));
  /* Length limit: 254 accepted, 255 refused. */
  char buf[300];
  memset(buf, 'a', sizeof buf);
  memcpy(buf + 254 - 6, "@b.com", 6);
  buf[254] = '\0';
  assert_int_equal(strlen(buf), 254);
  assert_true(fp_email_valid(buf));
  memset(buf, 'a', sizeof buf);
  memcpy(buf + 255 - 6, "@b.com", 6);
  buf[255] = '\0';
  assert_false(fp_email_valid(buf));
}

/* cmocka 1.1's assert_float_equal works in float; distances want double. */
#define assert_near(a, b, eps) assert_near_at((a), (b), (eps), __FILE__, __LINE__)
static void assert_near_at(double a, double b, double eps, const char *file, int line) {
  if (!(fabs(a - b) <= eps))
    fail_msg("%s:%d: %.12f differs from %.12f by more than %g", file, line, a, b, eps);
}

static void test_distance(void **state) {
  (void)state;
  /* Same point. */
  assert_near(fp_distance_km(53.7997, -1.5492, 53.7997, -1.5492), 0.0, 1e-9);
  /* One degree of latitude: R * pi / 180. */
  assert_near(fp_distance_km(0, 0, 1, 0), 6371.0088 * M_PI / 180.0, 1e-6);
  /* Antipodes: half the circumference. */
  assert_near(fp_distance_km(0, 0, 0, 180), 6371.0088 * M_PI, 1e-6);
  assert_near(fp_distance_km(90, 0, -90, 0), 6371.0088 * M_PI, 1e-6);
  /* Leeds to London (King's Cross): about 272 km great-circle. */
  const double d = fp_distance_km(53.7946, -1.5476, 51.5308, -0.1238);
  assert_true(d > 268.0 && d < 276.0);
  /* Symmetric, and across the meridian. */
  assert_near(fp_distance_km(51.5308, -0.1238, 53.7946, -1.5476), d, 1e-9);
  assert_near(fp_distance_km(51.5, -0.5, 51.5, 0.5), fp_distance_km(51.5, 0.0, 51.5, 1.0), 1e-9);
  /* Across the antimeridian: 179.5E to 179.5W is one degree of longitude at the equator. */
  assert_near(fp_distance_km(0, 179.5, 0, -179.5), 6371.0088 * M_PI / 180.0, 1e-6);
}

static void test_phone(void **state) {
  (void)state;
  static const char *const ok[] = {"0113 496 0000", "07700 900123", "07700900123", "(0113) 496-0000", "016977 3456",
                                   "+44 7700 900123", "+447700900123", "+44 (0)113 496 0000", "+44 113 496 0000"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) assert_true(fp_phone_valid(ok[i]));
  static const char *const bad[] = {"", " ", "call me", "0113 49 60", "0113 496 00000 1", "113 496 0000",
                                    "+1 212 555 0100", "+44 0113 496 000", "0113+4960000", "++44 7700 900123",
                                    "07700 900123 ext 4", "07700.900.123", "0770090012345678901234567890",
                                    "0113 496 0000                               "};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (fp_phone_valid(bad[i])) fail_msg("'%s' was taken as a UK telephone number", bad[i]);
  }
  assert_false(fp_phone_valid(NULL));
}

static void test_bank_details(void **state) {
  (void)state;
  char out[9];
  assert_int_equal(fp_sort_code_normalise("12-34-56", out), 0);
  assert_string_equal(out, "12-34-56");
  assert_int_equal(fp_sort_code_normalise("12 34 56", out), 0);
  assert_string_equal(out, "12-34-56");
  assert_int_equal(fp_sort_code_normalise("123456", out), 0);
  assert_string_equal(out, "12-34-56");
  const char *bad_codes[] = {"", "12345", "1234567", "12-34-5a", "-123456", "123456-", "12--3456", "12.34.56", " 123456", NULL};
  for (int i = 0; bad_codes[i]; i++) {
    assert_int_equal(fp_sort_code_normalise(bad_codes[i], out), FP_EINVAL);
    assert_string_equal(out, "");
  }
  assert_int_equal(fp_account_number_normalise("12345678", out), 0);
  assert_string_equal(out, "12345678");
  assert_int_equal(fp_account_number_normalise("1234 5678", out), 0);
  assert_string_equal(out, "12345678");
  const char *bad_accounts[] = {"", "1234567", "123456789", "1234-5678", "1234567a", "12345678 ", NULL};
  for (int i = 0; bad_accounts[i]; i++) assert_int_equal(fp_account_number_normalise(bad_accounts[i], out), FP_EINVAL);
  assert_int_equal(fp_sort_code_normalise(NULL, out), FP_EINVAL);
  assert_int_equal(fp_text_lines(NULL), 0);
  assert_int_equal(fp_text_lines(""), 0);
  assert_int_equal(fp_text_lines("1 High Street"), 1);
  assert_int_equal(fp_text_lines("1 High Street\nLeeds\nLS1 4AP"), 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_phone),
      cmocka_unit_test(test_bank_details),
      cmocka_unit_test(test_org_level_parse_and_name),
      cmocka_unit_test(test_org_parent_ok),
      cmocka_unit_test(test_ods_codes),
      cmocka_unit_test(test_postcode_normalise_ok),
      cmocka_unit_test(test_postcode_normalise_rejects),
      cmocka_unit_test(test_email),
      cmocka_unit_test(test_distance),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
