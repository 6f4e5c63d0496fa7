/* test_profession.c - the built-in profession catalogue and registration-number formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/profession.h"

static void test_catalogue(void **state) {
  (void)state;
  static const struct {
    const char *code;
    enum fp_regulator reg;
    const char *reg_name;
  } want[] = {
      {"gp", FP_REG_GMC, "GMC"},
      {"physician_associate", FP_REG_GMC, "GMC"},
      {"nurse", FP_REG_NMC, "NMC"},
      {"nursing_associate", FP_REG_NMC, "NMC"},
      {"pharmacist", FP_REG_GPHC, "GPhC"},
      {"pharmacy_technician", FP_REG_GPHC, "GPhC"},
      {"paramedic", FP_REG_HCPC, "HCPC"},
      {"physiotherapist", FP_REG_HCPC, "HCPC"},
      {"dietitian", FP_REG_HCPC, "HCPC"},
      {"occupational_therapist", FP_REG_HCPC, "HCPC"},
      {"podiatrist", FP_REG_HCPC, "HCPC"},
      {"healthcare_assistant", FP_REG_NONE, "none"},
      {"care_coordinator", FP_REG_NONE, "none"},
      {"health_and_wellbeing_coach", FP_REG_NONE, "none"},
      {"social_prescribing_link_worker", FP_REG_NONE, "none"},
      {"mental_health_practitioner", FP_REG_NONE, "none"},
  };
  int n = -1;
  const struct fp_profession *all = fp_professions(&n);
  assert_non_null(all);
  assert_int_equal(n, (int)(sizeof want / sizeof want[0]));
  for (int i = 0; i < n; i++) {
    /* Display order as listed, lowercase codes, a name, and find() returns the same entry. */
    assert_string_equal(all[i].code, want[i].code);
    assert_int_equal(all[i].regulator, want[i].reg);
    assert_string_equal(all[i].regulator_name, want[i].reg_name);
    assert_non_null(all[i].name);
    assert_true(strlen(all[i].name) > 0);
    for (const char *p = all[i].code; *p; p++)
      assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
    assert_ptr_equal(fp_profession_find(all[i].code), &all[i]);
    for (int j = 0; j < i; j++)
      assert_string_not_equal(all[i].code, all[j].code);
  }
  assert_string_equal(fp_profession_find("gp")->name, "General practitioner");
  assert_null(fp_profession_find("GP"));
  assert_null(fp_profession_find("g"));
  assert_null(fp_profession_find("gp "));
  assert_null(fp_profession_find(""));
  assert_null(fp_profession_find("first_contact_practitioner"));
  assert_null(fp_profession_find(NULL));
  /* n may be omitted. */
  assert_ptr_equal(fp_professions(NULL), all);
}

static void test_registration_gmc_gphc(void **state) {
  (void)state;
  const enum fp_regulator regs[] = {FP_REG_GMC, FP_REG_GPHC};
  for (size_t i = 0; i < 2; i++) {
    assert_true(fp_registration_valid(regs[i], "1234567"));
    assert_true(fp_registration_valid(regs[i], "0000001"));
    assert_false(fp_registration_valid(regs[i], "123456"));
    assert_false(fp_registration_valid(regs[i], "12345678"));
    assert_false(fp_registration_valid(regs[i], "123456A"));
    assert_false(fp_registration_valid(regs[i], " 1234567"));
    assert_false(fp_registration_valid(regs[i], "1234567 "));
    assert_false(fp_registration_valid(regs[i], "-123456"));
    assert_false(fp_registration_valid(regs[i], ""));
    assert_false(fp_registration_valid(regs[i], NULL));
  }
}

static void test_registration_nmc(void **state) {
  (void)state;
  assert_true(fp_registration_valid(FP_REG_NMC, "12A3456E"));
  assert_true(fp_registration_valid(FP_REG_NMC, "12a3456e"));
  assert_true(fp_registration_valid(FP_REG_NMC, "99Z0000A"));
  assert_false(fp_registration_valid(FP_REG_NMC, "12A3456"));
  assert_false(fp_registration_valid(FP_REG_NMC, "12A34567"));
  assert_false(fp_registration_valid(FP_REG_NMC, "12A3456EE"));
  assert_false(fp_registration_valid(FP_REG_NMC, "1AA3456E"));
  assert_false(fp_registration_valid(FP_REG_NMC, "123456E7"));
  assert_false(fp_registration_valid(FP_REG_NMC, "12A 3456E"));
  assert_false(fp_registration_valid(FP_REG_NMC, "1234567"));
  assert_false(fp_registration_valid(FP_REG_NMC, ""));
  assert_false(fp_registration_valid(FP_REG_NMC, NULL));
}

static void test_registration_hcpc(void **state) {
  (void)state;
  assert_true(fp_registration_valid(FP_REG_HCPC, "PA123456"));
  assert_true(fp_registration_valid(FP_REG_HCPC, "PH12345"));
  assert_true(fp_registration_valid(FP_REG_HCPC, "DT012345"));
  assert_true(fp_registration_valid(FP_REG_HCPC, "pa123456"));
  assert_false(fp_registration_valid(FP_REG_HCPC, "PA1234"));
  assert_false(fp_registration_valid(FP_REG_HCPC, "PA1234567"));
  assert_false(fp_registration_valid(FP_REG_HCPC, "P123456"));
  assert_false(fp_registration_valid(FP_REG_HCPC, "PAR12345"));
  assert_false(fp_registration_valid(FP_REG_HCPC, "12123456"));
  assert_false(fp_registration_valid(FP_REG_HCPC, "PA 123456"));
  assert_false(fp_registration_valid(FP_REG_HCPC, "PA12345A"));
  assert_false(fp_registration_valid(FP_REG_HCPC, ""));
  assert_false(fp_registration_valid(FP_REG_HCPC, NULL));
}

static void test_registration_none(void **state) {
  (void)state;
  assert_true(fp_registration_valid(FP_REG_NONE, NULL));
  assert_true(fp_registration_valid(FP_REG_NONE, ""));
  assert_false(fp_registration_valid(FP_REG_NONE, "1234567"));
  assert_false(fp_registration_valid(FP_REG_NONE, " "));
  /* An unknown regulator accepts nothing. */
  assert_false(fp_registration_valid((enum fp_regulator)99, "1234567"));
  assert_false(fp_registration_valid((enum fp_regulator)99, ""));
}

static void test_profession_number_round_trip(void **state) {
  (void)state;
  /* Each built-in profession's regulator accepts its own example format and no other's. */
  int n;
  const struct fp_profession *all = fp_professions(&n);
  for (int i = 0; i < n; i++) {
    const char *example = NULL;
    switch (all[i].regulator) {
    case FP_REG_NONE: example = ""; break;
    case FP_REG_GMC:
    case FP_REG_GPHC: example = "7654321"; break;
    case FP_REG_NMC: example = "07I1234C"; break;
    case FP_REG_HCPC: example = "OT54321"; break;
    }
    assert_non_null(example);
    assert_true(fp_registration_valid(all[i].regulator, example));
    if (all[i].regulator != FP_REG_NMC)
      assert_false(fp_registration_valid(all[i].regulator, "07I1234C"));
    if (all[i].regulator != FP_REG_HCPC)
      assert_false(fp_registration_valid(all[i].regulator, "OT54321"));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_registration_gmc_gphc),
      cmocka_unit_test(test_registration_nmc),
      cmocka_unit_test(test_registration_hcpc),
      cmocka_unit_test(test_registration_none),
      cmocka_unit_test(test_profession_number_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
