/* test_passport.c - validity rules, record choice, expiry windows, retention, and the compliance
 * decision with renewal periods and professions that require different checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/passport.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static fp_day day(int y, int m, int d) { return fp_days_from_civil(y, m, d); }

static void test_validity_names(void **state) {
  (void)state;
  enum fp_validity v;
  assert_int_equal(fp_validity_parse("none", &v), 0);
  assert_int_equal(v, FP_VALIDITY_NONE);
  assert_int_equal(fp_validity_parse("period", &v), 0);
  assert_int_equal(v, FP_VALIDITY_PERIOD);
  assert_int_equal(fp_validity_parse("explicit", &v), 0);
  assert_int_equal(v, FP_VALIDITY_EXPLICIT);
  assert_int_equal(fp_validity_parse("Period", &v), FP_EINVAL);
  assert_int_equal(fp_validity_parse("", &v), FP_EINVAL);
  assert_int_equal(fp_validity_parse(NULL, &v), FP_EINVAL);
  assert_string_equal(fp_validity_name(FP_VALIDITY_PERIOD), "period");
  assert_string_equal(fp_validity_name((enum fp_validity)9), "unknown");
}

static void test_add_months(void **state) {
  (void)state;
  assert_int_equal(fp_day_add_months(day(2026, 3, 10), 12), day(2027, 3, 10));
  assert_int_equal(fp_day_add_months(day(2026, 3, 10), 0), day(2026, 3, 10));
  /* Clamped to the end of a shorter month; leap years. */
  assert_int_equal(fp_day_add_months(day(2026, 1, 31), 1), day(2026, 2, 28));
  assert_int_equal(fp_day_add_months(day(2028, 1, 31), 1), day(2028, 2, 29));
  assert_int_equal(fp_day_add_months(day(2028, 2, 29), 12), day(2029, 2, 28));
  assert_int_equal(fp_day_add_months(day(2028, 2, 29), 48), day(2032, 2, 29));
  assert_int_equal(fp_day_add_months(day(2026, 8, 31), 1), day(2026, 9, 30));
  /* Across years, both ways. */
  assert_int_equal(fp_day_add_months(day(2026, 11, 15), 3), day(2027, 2, 15));
  assert_int_equal(fp_day_add_months(day(2026, 3, 31), -1), day(2026, 2, 28));
  assert_int_equal(fp_day_add_months(day(2026, 1, 15), -1), day(2025, 12, 15));
  assert_int_equal(fp_day_add_months(day(2026, 1, 15), -13), day(2024, 12, 15));
  assert_int_equal(fp_day_add_months(day(2026, 6, 1), 36), day(2029, 6, 1));
}

static void test_expiry_rules(void **state) {
  (void)state;
  fp_day out = 0;
  const fp_day none = FP_DAY_NONE;
  /* No expiry: none, unless the document states one (a time-limited right to work). */
  assert_int_equal(fp_check_expiry(FP_VALIDITY_NONE, 0, day(2020, 5, 1), none, &out), FP_EXPIRY_OK);
  assert_int_equal(out, none);
  assert_int_equal(fp_check_expiry(FP_VALIDITY_NONE, 0, none, none, &out), FP_EXPIRY_OK);
  assert_int_equal(out, none);
  assert_int_equal(fp_check_expiry(FP_VALIDITY_NONE, 0, none, day(2027, 1, 31), &out), FP_EXPIRY_OK);
  assert_int_equal(out, day(2027, 1, 31));
  /* A fixed period from the issue date: a yearly course done on 10 March is good to 9 March. */
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 12, day(2026, 3, 10), none, &out), FP_EXPIRY_OK);
  assert_int_equal(out, day(2027, 3, 9));
  /* Safeguarding every three years; fire safety every two. */
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 36, day(2025, 9, 1), none, &out), FP_EXPIRY_OK);
  assert_int_equal(out, day(2028, 8, 31));
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 24, day(2024, 2, 29), none, &out), FP_EXPIRY_OK);
  assert_int_equal(out, day(2026, 2, 27));
  /* A certificate stating an earlier end wins; a later one does not stretch the period. */
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 12, day(2026, 3, 10), day(2026, 12, 31), &out), FP_EXPIRY_OK);
  assert_int_equal(out, day(2026, 12, 31));
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 12, day(2026, 3, 10), day(2030, 1, 1), &out), FP_EXPIRY_OK);
  assert_int_equal(out, day(2027, 3, 9));
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 12, none, day(2027, 1, 1), &out), FP_EXPIRY_NEEDS_ISSUED);
  /* A misconfigured zero-month period is good on the issue day only. */
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 0, day(2026, 3, 10), none, &out), FP_EXPIRY_OK);
  assert_int_equal(out, day(2026, 3, 10));
  /* Explicit: the document's own end date, which must be given. */
  assert_int_equal(fp_check_expiry(FP_VALIDITY_EXPLICIT, 0, day(2026, 4, 1), day(2027, 3, 31), &out), FP_EXPIRY_OK);
  assert_int_equal(out, day(2027, 3, 31));
  assert_int_equal(fp_check_expiry(FP_VALIDITY_EXPLICIT, 0, day(2026, 4, 1), none, &out), FP_EXPIRY_NEEDS_EXPIRY);
  /* An expiry before the issue date is refused whatever the rule. */
  for (int v = FP_VALIDITY_NONE; v <= FP_VALIDITY_EXPLICIT; v++)
    assert_int_equal(fp_check_expiry((enum fp_validity)v, 12, day(2026, 4, 1), day(2026, 3, 31), &out),
                     FP_EXPIRY_BEFORE_ISSUE);
  /* Issued and expiring on the same day is a one-day document. */
  assert_int_equal(fp_check_expiry(FP_VALIDITY_EXPLICIT, 0, day(2026, 4, 1), day(2026, 4, 1), &out), FP_EXPIRY_OK);
}

static void test_pick(void **state) {
  (void)state;
  const fp_day on = day(2026, 6, 1);
  /* Newest first. */
  struct fp_check_record recs[] = {
      {"dbs", FP_CHECK_SUBMITTED, FP_DAY_NONE},          /* 0: a renewal awaiting verification */
      {"dbs", FP_CHECK_VERIFIED, day(2026, 6, 20)},      /* 1: valid, expiring soon */
      {"dbs", FP_CHECK_VERIFIED, day(2026, 1, 1)},       /* 2: expired */
      {"indemnity", FP_CHECK_REJECTED, FP_DAY_NONE},     /* 3 */
      {"indemnity", FP_CHECK_VERIFIED, day(2025, 1, 1)}, /* 4: expired */
  };
  /* A valid verification decides, even with a newer submission. */
  assert_int_equal(fp_passport_pick(recs, N(recs), "dbs", on), 1);
  assert_int_equal(fp_check_state_on(&recs[1], on), FP_STATE_EXPIRING_SOON);
  /* After it expires the newest record decides: the submitted renewal. */
  assert_int_equal(fp_passport_pick(recs, N(recs), "dbs", day(2026, 6, 21)), 0);
  /* Nothing valid: the newest, here a rejection, so the clinician sees the reason. */
  assert_int_equal(fp_passport_pick(recs, N(recs), "indemnity", on), 3);
  /* No record of the code. */
  assert_int_equal(fp_passport_pick(recs, N(recs), "references", on), -1);
  assert_int_equal(fp_passport_pick(NULL, 0, "dbs", on), -1);
  /* Of two valid verifications the longer-lasting one; no expiry lasts longest; ties go to the newest. */
  struct fp_check_record two[] = {
      {"cstf_fire_safety", FP_CHECK_VERIFIED, day(2026, 9, 1)},
      {"cstf_fire_safety", FP_CHECK_VERIFIED, day(2027, 9, 1)},
      {"identity", FP_CHECK_VERIFIED, day(2027, 1, 1)},
      {"identity", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"references", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"references", FP_CHECK_VERIFIED, FP_DAY_NONE},
  };
  assert_int_equal(fp_passport_pick(two, N(two), "cstf_fire_safety", on), 1);
  assert_int_equal(fp_passport_pick(two, N(two), "identity", on), 3);
  assert_int_equal(fp_passport_pick(two, N(two), "references", on), 4);
  /* Only the older is valid on a later day... and then none: the newest decides (expired). */
  assert_int_equal(fp_passport_pick(two, N(two), "cstf_fire_safety", day(2027, 9, 1)), 1);
  assert_int_equal(fp_passport_pick(two, N(two), "cstf_fire_safety", day(2027, 9, 2)), 0);
  assert_int_equal(fp_check_state_on(&two[0], day(2027, 9, 2)), FP_STATE_EXPIRED);
}

static void test_expires_within(void **state) {
  (void)state;
  const fp_day on = day(2026, 6, 1);
  assert_true(fp_expires_within(on, on, 30));
  assert_true(fp_expires_within(on + 30, on, 30));
  assert_false(fp_expires_within(on + 31, on, 30));
  assert_true(fp_expires_within(on + 31, on, 60));
  assert_true(fp_expires_within(on + 90, on, 90));
  assert_false(fp_expires_within(on + 91, on, 90));
  assert_false(fp_expires_within(on - 1, on, 30)); /* already expired */
  assert_false(fp_expires_within(FP_DAY_NONE, on, 90));
  assert_false(fp_expires_within(INT32_MAX, INT32_MIN + 1, 90));
}

static void test_retention(void **state) {
  (void)state;
  fp_time t;
  assert_int_equal(fp_time_parse("2026-01-31T10:15:00Z", &t), 0);
  fp_time want;
  assert_int_equal(fp_time_parse("2026-07-31T10:15:00Z", &want), 0);
  assert_int_equal(fp_retention_deadline(t, 6), want);
  assert_int_equal(fp_time_parse("2026-08-31T23:59:59Z", &t), 0);
  assert_int_equal(fp_time_parse("2027-02-28T23:59:59Z", &want), 0);
  assert_int_equal(fp_retention_deadline(t, 6), want);
  /* No retention: the copy is due at once. */
  assert_int_equal(fp_retention_deadline(t, 0), t);
}

/*
 * The compliance decision, fed by the validity rules as the store feeds it: a CSTF course done on
 * a date, renewed yearly, decides whether a shift months later can be booked.
 */
static void test_renewal_period_decides_shift_date(void **state) {
  (void)state;
  static const char *const req[] = {"cstf_basic_life_support", "cstf_safeguarding_adults"};
  const char *missing[N(req)];
  fp_day bls_end, safe_end;
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 12, day(2025, 7, 1), FP_DAY_NONE, &bls_end), FP_EXPIRY_OK);
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 36, day(2023, 7, 1), FP_DAY_NONE, &safe_end), FP_EXPIRY_OK);
  struct fp_check_record recs[] = {
      {"cstf_basic_life_support", FP_CHECK_VERIFIED, bls_end},
      {"cstf_safeguarding_adults", FP_CHECK_VERIFIED, safe_end},
  };
  struct fp_elig_input in = {
      .profession = "nurse", .clinician_active = true, .shares_pool = true, .role = "nurse",
      .required = req, .n_required = N(req), .records = recs, .n_records = N(recs), .missing_buf = missing,
  };
  struct fp_elig_result out;
  /* Today, 1 June 2026: both valid; the safeguarding course (three-yearly) lasts to 30 June 2026. */
  in.shift_day = day(2026, 6, 1);
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
  /* A shift on 30 June: the last valid day of both. */
  in.shift_day = day(2026, 6, 30);
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
  /* 1 July: both lapse between today and the shift. */
  in.shift_day = day(2026, 7, 1);
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.n_missing, 2);
  assert_string_equal(out.missing[0], "cstf_basic_life_support");
  assert_string_equal(out.missing[1], "cstf_safeguarding_adults");
  /* The BLS renewed on 20 June (a newer record): only safeguarding is missing on 1 July. */
  fp_day renewed;
  assert_int_equal(fp_check_expiry(FP_VALIDITY_PERIOD, 12, day(2026, 6, 20), FP_DAY_NONE, &renewed), FP_EXPIRY_OK);
  struct fp_check_record more[] = {
      {"cstf_basic_life_support", FP_CHECK_VERIFIED, renewed},
      recs[0],
      recs[1],
  };
  in.records = more;
  in.n_records = N(more);
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.n_missing, 1);
  assert_string_equal(out.missing[0], "cstf_safeguarding_adults");
  assert_int_equal(fp_passport_pick(more, N(more), "cstf_basic_life_support", day(2026, 7, 1)), 0);
}

/* Two professions, one set of records: what each requires decides. */
static void test_professions_differ(void **state) {
  (void)state;
  static const char *const gp[] = {"registration", "performers_list", "indemnity", "dbs"};
  static const char *const hca[] = {"dbs", "references"};
  const char *missing[N(gp)];
  const struct fp_check_record recs[] = {
      {"registration", FP_CHECK_VERIFIED, day(2027, 1, 1)},
      {"indemnity", FP_CHECK_VERIFIED, day(2027, 1, 1)},
      {"dbs", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"references", FP_CHECK_VERIFIED, FP_DAY_NONE},
  };
  struct fp_elig_input in = {
      .profession = "gp", .clinician_active = true, .shares_pool = true, .role = "gp",
      .shift_day = day(2026, 6, 1), .required = gp, .n_required = N(gp), .records = recs, .n_records = N(recs),
      .missing_buf = missing,
  };
  struct fp_elig_result out;
  /* A GP also needs to be on the performers list. */
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.n_missing, 1);
  assert_string_equal(out.missing[0], "performers_list");
  /* A healthcare assistant needs neither registration nor the performers list. */
  in.profession = in.role = "healthcare_assistant";
  in.required = hca;
  in.n_required = N(hca);
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
}

static void test_register_standing(void **state) {
  (void)state;
  const fp_day today = day(2026, 6, 1), none = FP_DAY_NONE;
  assert_int_equal(fp_register_standing("Registered with a licence to practise", none, none, today), FP_STANDING_OK);
  assert_int_equal(fp_register_standing("registered", day(2001, 8, 1), day(2027, 1, 1), today), FP_STANDING_OK);
  assert_int_equal(fp_register_standing("Included", none, none, today), FP_STANDING_OK);
  assert_int_equal(fp_register_standing("Included with conditions", none, none, today), FP_STANDING_CONDITIONS);
  assert_int_equal(fp_register_standing("SUSPENDED", none, none, today), FP_STANDING_SUSPENDED);
  assert_int_equal(fp_register_standing("Suspended (with conditions)", none, none, today), FP_STANDING_SUSPENDED);
  assert_int_equal(fp_register_standing("Erased", none, none, today), FP_STANDING_ERASED);
  assert_int_equal(fp_register_standing("Removed", none, none, today), FP_STANDING_ERASED);
  assert_int_equal(fp_register_standing("Relinquished", none, none, today), FP_STANDING_LAPSED);
  assert_int_equal(fp_register_standing("Lapsed", none, none, today), FP_STANDING_LAPSED);
  assert_int_equal(fp_register_standing("Registered without a licence to practise", none, none, today),
                   FP_STANDING_NO_LICENCE);
  /* Registered, but the dates say otherwise: the last day counts, the day after does not. */
  assert_int_equal(fp_register_standing("Registered", none, today, today), FP_STANDING_OK);
  assert_int_equal(fp_register_standing("Registered", none, today - 1, today), FP_STANDING_LAPSED);
  assert_int_equal(fp_register_standing("Registered", today + 1, none, today), FP_STANDING_LAPSED);
  assert_int_equal(fp_register_standing("", none, none, today), FP_STANDING_UNKNOWN);
  assert_int_equal(fp_register_standing(NULL, none, none, today), FP_STANDING_UNKNOWN);
  assert_int_equal(fp_register_standing("Provisional", none, none, today), FP_STANDING_UNKNOWN);
  assert_true(fp_standing_revokes(FP_STANDING_SUSPENDED));
  assert_true(fp_standing_revokes(FP_STANDING_NO_LICENCE));
  assert_false(fp_standing_revokes(FP_STANDING_CONDITIONS));
  assert_false(fp_standing_revokes(FP_STANDING_UNKNOWN));
  assert_false(fp_standing_revokes(FP_STANDING_OK));
  assert_string_equal(fp_standing_name(FP_STANDING_NO_LICENCE), "no_licence");
  assert_string_equal(fp_standing_name((enum fp_standing)99), "unknown");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_validity_names),
      cmocka_unit_test(test_add_months),
      cmocka_unit_test(test_expiry_rules),
      cmocka_unit_test(test_pick),
      cmocka_unit_test(test_expires_within),
      cmocka_unit_test(test_retention),
      cmocka_unit_test(test_renewal_period_decides_shift_date),
      cmocka_unit_test(test_professions_differ),
      cmocka_unit_test(test_register_standing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
