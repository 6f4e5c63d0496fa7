/* test_fhir.c - the FHIR API's rules (core/fhir.h): scopes, identifier systems, Slot statuses, ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/fhir.h"

static unsigned scopes(const char *text) {
  unsigned m = 0xffff;
  const char *bad = NULL;
  size_t n = 0;
  assert_int_equal(fp_fhir_scopes_parse(text, &m, &bad, &n), 0);
  return m;
}

static void test_scopes(void **state) {
  (void)state;
  assert_int_equal(scopes(""), 0);
  assert_int_equal(scopes("system/Slot.rs"), 1u << FP_FHIR_SLOT);
  assert_int_equal(scopes("system/Slot.read"), 1u << FP_FHIR_SLOT); /* SMART v1 */
  assert_int_equal(scopes("  system/Practitioner.rs   system/Slot.rs "), (1u << FP_FHIR_PRACTITIONER) | (1u << FP_FHIR_SLOT));
  assert_int_equal(scopes("system/*.rs"), FP_FHIR_ALL_SCOPES);
  assert_int_equal(scopes("system/*.read"), FP_FHIR_ALL_SCOPES);
  /* Refused, naming the word at fault. */
  const char *bad_words[] = {"patient/Slot.rs", "user/Slot.rs", "system/Slot.cruds", "system/Slot.r", "system/Patient.rs",
                             "system/slot.rs", "system/Slot", "system/.rs", "Slot.rs", "system/Slot.rs/x"};
  for (size_t i = 0; i < sizeof bad_words / sizeof bad_words[0]; i++) {
    unsigned m = 0;
    const char *bad = NULL;
    size_t n = 0;
    char text[80];
    snprintf(text, sizeof text, "system/Slot.rs %s", bad_words[i]);
    assert_int_equal(fp_fhir_scopes_parse(text, &m, &bad, &n), -1);
    assert_int_equal(n, strlen(bad_words[i]));
    assert_memory_equal(bad, bad_words[i], n);
  }
  char out[400];
  fp_fhir_scopes_text((1u << FP_FHIR_ORGANIZATION) | (1u << FP_FHIR_SLOT), out, sizeof out);
  assert_string_equal(out, "system/Organization.rs system/Slot.rs");
  fp_fhir_scopes_text(FP_FHIR_ALL_SCOPES, out, 40); /* cut at a whole word */
  assert_string_equal(out, "system/Practitioner.rs");
  /* What is written reads back as itself. */
  fp_fhir_scopes_text(FP_FHIR_ALL_SCOPES, out, sizeof out);
  assert_int_equal(scopes(out), FP_FHIR_ALL_SCOPES);
}

static void test_registration_systems(void **state) {
  (void)state;
  /* UK Core's systems, exactly, by regulator (and through the catalogue, by profession). */
  assert_string_equal(fp_fhir_registration_system(fp_profession_find("gp")->regulator), "https://fhir.hl7.org.uk/Id/gmc-number");
  assert_string_equal(fp_fhir_registration_system(fp_profession_find("physician_associate")->regulator),
                      "https://fhir.hl7.org.uk/Id/gmc-number");
  assert_string_equal(fp_fhir_registration_system(fp_profession_find("nurse")->regulator), "https://fhir.hl7.org.uk/Id/nmc-number");
  assert_string_equal(fp_fhir_registration_system(fp_profession_find("nursing_associate")->regulator),
                      "https://fhir.hl7.org.uk/Id/nmc-number");
  assert_string_equal(fp_fhir_registration_system(fp_profession_find("pharmacist")->regulator), "https://fhir.hl7.org.uk/Id/gphc-number");
  assert_string_equal(fp_fhir_registration_system(fp_profession_find("pharmacy_technician")->regulator),
                      "https://fhir.hl7.org.uk/Id/gphc-number");
  assert_string_equal(fp_fhir_registration_system(fp_profession_find("paramedic")->regulator), "https://fhir.hl7.org.uk/Id/hcpc-number");
  assert_null(fp_fhir_registration_system(fp_profession_find("care_coordinator")->regulator));
  enum fp_regulator reg;
  assert_int_equal(fp_fhir_registration_system_parse("https://fhir.hl7.org.uk/Id/nmc-number", &reg), 0);
  assert_int_equal(reg, FP_REG_NMC);
  assert_int_equal(fp_fhir_registration_system_parse("https://fhir.hl7.org.uk/Id/nmc-number/", &reg), -1);
  assert_int_equal(fp_fhir_registration_system_parse("http://fhir.hl7.org.uk/Id/nmc-number", &reg), -1);
}

static void test_slot_status(void **state) {
  (void)state;
  fp_time now = 1000000;
  assert_int_equal(fp_fhir_slot_status(FP_SHIFT_OPEN, now, now), FP_SLOT_FREE);  /* the pool's tier opens now */
  assert_int_equal(fp_fhir_slot_status(FP_SHIFT_OPEN, 0, now), FP_SLOT_FREE);
  assert_int_equal(fp_fhir_slot_status(FP_SHIFT_OPEN, now + 1, now), FP_SLOT_BUSY_UNAVAILABLE); /* favourites only */
  assert_int_equal(fp_fhir_slot_status(FP_SHIFT_AWAITING_APPROVAL, 0, now), FP_SLOT_BUSY_UNAVAILABLE);
  assert_int_equal(fp_fhir_slot_status(FP_SHIFT_BOOKED, 0, now), FP_SLOT_BUSY);
  assert_int_equal(fp_fhir_slot_status(FP_SHIFT_COMPLETED, 0, now), FP_SLOT_BUSY);
  assert_int_equal(fp_fhir_slot_status(FP_SHIFT_WITHDRAWN, 0, now), FP_SLOT_GONE);
  assert_int_equal(fp_fhir_slot_status(FP_SHIFT_CANCELLED, 0, now), FP_SLOT_GONE);
  assert_null(fp_fhir_slot_status_name(FP_SLOT_GONE));
  /* Every shift status has an answer, and every answer but gone a name that reads back. */
  for (int s = 0; s < FP_SHIFT_N_STATUSES; s++) {
    enum fp_fhir_slot_status st = fp_fhir_slot_status((enum fp_shift_status)s, now + 1, now), back;
    if (st == FP_SLOT_GONE) continue;
    assert_int_equal(fp_fhir_slot_status_parse(fp_fhir_slot_status_name(st), &back), 0);
    assert_int_equal(back, st);
  }
  enum fp_fhir_slot_status x;
  assert_int_equal(fp_fhir_slot_status_parse("open", &x), -1);
  assert_int_equal(fp_fhir_slot_status_parse("entered-in-error", &x), -1);
}

static void test_ids(void **state) {
  (void)state;
  char id[FP_FHIR_ID_MAX + 1], role[64];
  int64_t practice = 0, n = 0;
  assert_int_equal(fp_fhir_service_id(12, "physician_associate", id, sizeof id), 0);
  assert_string_equal(id, "12-physician-associate");
  assert_int_equal(fp_fhir_service_id_parse(id, &practice, role, sizeof role), 0);
  assert_int_equal(practice, 12);
  assert_string_equal(role, "physician_associate");
  assert_int_equal(fp_fhir_service_id_parse("7-gp", &practice, role, sizeof role), 0);
  assert_string_equal(role, "gp");
  const char *bad[] = {"gp", "-gp", "12-", "012-gp", "12-GP", "12-g.p", "12_gp", "x-gp", "12-gp_", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(fp_fhir_service_id_parse(bad[i], &practice, role, sizeof role), -1);
  /* A role too long for an id is refused, never cut. */
  char longrole[80];
  memset(longrole, 'a', sizeof longrole - 1);
  longrole[sizeof longrole - 1] = 0;
  assert_int_equal(fp_fhir_service_id(12, longrole, id, sizeof id), -1);
  assert_int_equal(fp_fhir_int_id_parse("42", &n), 0);
  assert_int_equal(n, 42);
  const char *not_ints[] = {"0", "042", "-1", "1.5", "", "1e3", "9999999999999999999"};
  for (size_t i = 0; i < sizeof not_ints / sizeof not_ints[0]; i++) assert_int_equal(fp_fhir_int_id_parse(not_ints[i], &n), -1);
  enum fp_fhir_type t;
  assert_int_equal(fp_fhir_type_parse("HealthcareService", &t), 0);
  assert_int_equal(t, FP_FHIR_HEALTHCARE_SERVICE);
  assert_int_equal(fp_fhir_type_parse("healthcareservice", &t), -1);
  assert_int_equal(fp_fhir_type_parse("Patient", &t), -1);
}

static fp_time at(const char *s) {
  fp_time t = 0;
  assert_int_equal(fp_time_parse(s, &t), 0);
  return t;
}

/* One bound on an unbounded range: the [from, before) it leaves. */
static void narrows(const char *value, const char *from, const char *before) {
  fp_time f = INT64_MIN, b = INT64_MAX;
  assert_int_equal(fp_fhir_date_narrow(value, &f, &b), 0);
  assert_int_equal(f, from ? at(from) : INT64_MIN);
  assert_int_equal(b, before ? at(before) : INT64_MAX);
}

static void test_date_search(void **state) {
  (void)state;
  /* A date is its UK day; no prefix is eq. */
  narrows("2026-12-07", "2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z");
  narrows("eq2026-12-07", "2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z");
  narrows("ge2026-12-07", "2026-12-07T00:00:00Z", NULL);
  narrows("gt2026-12-07", "2026-12-08T00:00:00Z", NULL); /* after the whole day */
  narrows("lt2026-12-07", NULL, "2026-12-07T00:00:00Z");
  narrows("le2026-12-07", NULL, "2026-12-08T00:00:00Z"); /* up to the day's end */
  /* Summer time: the day begins at 23:00 UTC the day before; the clocks go forward on 29 March
     2026 (a day of 23 hours) and back on 25 October (25 hours). */
  narrows("2026-07-01", "2026-06-30T23:00:00Z", "2026-07-01T23:00:00Z");
  narrows("2026-03-29", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z");
  narrows("2026-10-25", "2026-10-24T23:00:00Z", "2026-10-26T00:00:00Z");
  /* An instant is its second. */
  narrows("2026-12-07T09:00:00Z", "2026-12-07T09:00:00Z", "2026-12-07T09:00:01Z");
  narrows("gt2026-12-07T09:00:00Z", "2026-12-07T09:00:01Z", NULL);
  narrows("le2026-12-07T10:00:00+01:00", NULL, "2026-12-07T09:00:01Z");
  /* Several bounds: every one holds (the tighter wins, in either order). */
  fp_time f = INT64_MIN, b = INT64_MAX;
  assert_int_equal(fp_fhir_date_narrow("ge2026-12-01", &f, &b), 0);
  assert_int_equal(fp_fhir_date_narrow("lt2026-12-15", &f, &b), 0);
  assert_int_equal(fp_fhir_date_narrow("ge2026-11-01", &f, &b), 0);
  assert_int_equal(fp_fhir_date_narrow("le2026-12-31", &f, &b), 0);
  assert_int_equal(f, at("2026-12-01T00:00:00Z"));
  assert_int_equal(b, at("2026-12-15T00:00:00Z"));
  /* Not supported: refused, and the range left as it was. */
  const char *bad[] = {"ne2026-12-07", "sa2026-12-07", "eb2026-12-07", "ap2026-12-07", "GE2026-12-07", "2026-12",
                       "2026", "2026-12-07T09:00:00", "2026-12-7", "ge", "g", "", "ge 2026-12-07", "2026-13-01"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(fp_fhir_date_narrow(bad[i], &f, &b), -1);
    assert_int_equal(f, at("2026-12-01T00:00:00Z"));
    assert_int_equal(b, at("2026-12-15T00:00:00Z"));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scopes),
      cmocka_unit_test(test_registration_systems),
      cmocka_unit_test(test_slot_status),
      cmocka_unit_test(test_ids),
      cmocka_unit_test(test_date_search),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
