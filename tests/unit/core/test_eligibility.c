/* test_eligibility.c - check states and the eligibility decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/eligibility.h"
#include "core/time.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static fp_day day(int y, int m, int d) { return fp_days_from_civil(y, m, d); }

static const char *const gp_required[] = {"dbs", "cstf_bls", "indemnity"};

/* Room for the missing codes of any test here. */
static const char *missing_buf[128];

/* A clinician who may book everything: the baseline each test changes one thing in. */
static struct fp_elig_input base(const struct fp_check_record *recs, size_t n) {
  struct fp_elig_input in = {
      .profession = "gp",
      .clinician_active = true,
      .shares_pool = true,
      .role = "gp",
      .shift_day = day(2026, 6, 15),
      .required = gp_required,
      .n_required = N(gp_required),
      .records = recs,
      .n_records = n,
      .missing_buf = missing_buf,
  };
  return in;
}

static const struct fp_check_record all_good[] = {
    {"dbs", FP_CHECK_VERIFIED, FP_DAY_NONE},
    {"cstf_bls", FP_CHECK_VERIFIED, 20800}, /* 2026-12-13 */
    {"indemnity", FP_CHECK_VERIFIED, 21000},
};

static void test_state_on(void **state) {
  (void)state;
  const fp_day today = day(2026, 6, 1);
  assert_int_equal(fp_check_state_on(NULL, today), FP_STATE_MISSING);
  struct fp_check_record r = {"dbs", FP_CHECK_SUBMITTED, FP_DAY_NONE};
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_SUBMITTED);
  r.status = FP_CHECK_REJECTED;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_REJECTED);
  r.status = FP_CHECK_VERIFIED;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_VERIFIED); /* no expiry */
  /* A submitted or rejected record stays so whatever its date. */
  r.expires_on = today - 100;
  r.status = FP_CHECK_SUBMITTED;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_SUBMITTED);
  r.status = FP_CHECK_REJECTED;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_REJECTED);
  /* Verified with an expiry: well ahead, within 30 days, on the day, after. */
  r.status = FP_CHECK_VERIFIED;
  r.expires_on = today + 31;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_VERIFIED);
  r.expires_on = today + 30;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_EXPIRING_SOON);
  r.expires_on = today + 1;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_EXPIRING_SOON);
  r.expires_on = today; /* valid on its expiry day */
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_EXPIRING_SOON);
  r.expires_on = today - 1;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_EXPIRED);
  r.expires_on = today - 1000;
  assert_int_equal(fp_check_state_on(&r, today), FP_STATE_EXPIRED);
  /* The same record seen on different days. */
  r.expires_on = day(2026, 7, 31);
  assert_int_equal(fp_check_state_on(&r, day(2026, 6, 30)), FP_STATE_VERIFIED);
  assert_int_equal(fp_check_state_on(&r, day(2026, 7, 1)), FP_STATE_EXPIRING_SOON);
  assert_int_equal(fp_check_state_on(&r, day(2026, 7, 31)), FP_STATE_EXPIRING_SOON);
  assert_int_equal(fp_check_state_on(&r, day(2026, 8, 1)), FP_STATE_EXPIRED);
  /* Extreme days do not overflow. */
  r.expires_on = INT32_MAX;
  assert_int_equal(fp_check_state_on(&r, INT32_MIN + 1), FP_STATE_VERIFIED);
  r.expires_on = INT32_MIN + 1;
  assert_int_equal(fp_check_state_on(&r, INT32_MAX), FP_STATE_EXPIRED);
}

static void test_state_names(void **state) {
  (void)state;
  assert_string_equal(fp_check_state_name(FP_STATE_MISSING), "missing");
  assert_string_equal(fp_check_state_name(FP_STATE_SUBMITTED), "submitted");
  assert_string_equal(fp_check_state_name(FP_STATE_VERIFIED), "verified");
  assert_string_equal(fp_check_state_name(FP_STATE_EXPIRING_SOON), "expiring_soon");
  assert_string_equal(fp_check_state_name(FP_STATE_EXPIRED), "expired");
  assert_string_equal(fp_check_state_name(FP_STATE_REJECTED), "rejected");
  assert_string_equal(fp_check_state_name((enum fp_check_state)77), "unknown");
}

static void test_all_good(void **state) {
  (void)state;
  struct fp_elig_input in = base(all_good, N(all_good));
  struct fp_elig_result out;
  memset(&out, 0xA5, sizeof out);
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
  assert_int_equal(out.reasons, 0);
  assert_int_equal(out.n_missing, 0);
  /* No checks required at all. */
  in.required = NULL;
  in.n_required = 0;
  in.records = NULL;
  in.n_records = 0;
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
}

static void test_expires_before_shift(void **state) {
  (void)state;
  /* Today is 1 June; the BLS check expires on 10 June: fine today, but what of the shift? */
  struct fp_check_record recs[] = {
      {"dbs", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"cstf_bls", FP_CHECK_VERIFIED, day(2026, 6, 10)},
      {"indemnity", FP_CHECK_VERIFIED, FP_DAY_NONE},
  };
  assert_int_equal(fp_check_state_on(&recs[1], day(2026, 6, 1)), FP_STATE_EXPIRING_SOON);
  struct fp_elig_input in = base(recs, N(recs));
  struct fp_elig_result out;
  /* A shift on the expiry day: valid up to and including it. */
  in.shift_day = day(2026, 6, 10);
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
  assert_int_equal(out.n_missing, 0);
  /* A shift the day after: not valid, though it still is today. */
  in.shift_day = day(2026, 6, 11);
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.reasons, FP_ELIG_CHECKS);
  assert_int_equal(out.n_missing, 1);
  assert_string_equal(out.missing[0], "cstf_bls");
  assert_ptr_equal(out.missing[0], gp_required[1]); /* borrowed from the input */
  /* A shift before the expiry: fine. */
  in.shift_day = day(2026, 6, 2);
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
}

static void test_missing_submitted_rejected(void **state) {
  (void)state;
  struct fp_elig_result out;
  /* No records at all: every required code is missing, in `required` order. */
  struct fp_elig_input in = base(NULL, 0);
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.reasons, FP_ELIG_CHECKS);
  assert_int_equal(out.n_missing, 3);
  assert_string_equal(out.missing[0], "dbs");
  assert_string_equal(out.missing[1], "cstf_bls");
  assert_string_equal(out.missing[2], "indemnity");
  /* One missing, one only submitted, one rejected; and an unrelated verified record. */
  const struct fp_check_record recs[] = {
      {"indemnity", FP_CHECK_REJECTED, FP_DAY_NONE},
      {"hep_b", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"cstf_bls", FP_CHECK_SUBMITTED, day(2027, 1, 1)},
  };
  in = base(recs, N(recs));
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.reasons, FP_ELIG_CHECKS);
  assert_int_equal(out.n_missing, 3);
  assert_string_equal(out.missing[0], "dbs");
  assert_string_equal(out.missing[1], "cstf_bls");
  assert_string_equal(out.missing[2], "indemnity");
  /* Codes match exactly. */
  const struct fp_check_record near[] = {
      {"DBS", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"dbs ", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"cstf_bls", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"indemnity", FP_CHECK_VERIFIED, FP_DAY_NONE},
  };
  in = base(near, N(near));
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.n_missing, 1);
  assert_string_equal(out.missing[0], "dbs");
}

static void test_multiple_records_for_one_code(void **state) {
  (void)state;
  struct fp_elig_result out;
  /* An expired and a rejected DBS, then a verified renewal: compliant (order does not matter). */
  struct fp_check_record recs[] = {
      {"dbs", FP_CHECK_VERIFIED, day(2025, 1, 1)},
      {"dbs", FP_CHECK_REJECTED, FP_DAY_NONE},
      {"cstf_bls", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"indemnity", FP_CHECK_VERIFIED, FP_DAY_NONE},
      {"dbs", FP_CHECK_VERIFIED, day(2029, 1, 1)},
  };
  struct fp_elig_input in = base(recs, N(recs));
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
  /* Swap the renewal to submitted only: not compliant. */
  recs[4].status = FP_CHECK_SUBMITTED;
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.n_missing, 1);
  assert_string_equal(out.missing[0], "dbs");
  /* Two verified records, one expired before the shift, one covering it. */
  recs[4].status = FP_CHECK_VERIFIED;
  recs[4].expires_on = in.shift_day;
  recs[0].expires_on = in.shift_day - 1;
  fp_eligibility(&in, &out);
  assert_true(out.bookable);
  recs[4].expires_on = in.shift_day - 2;
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
}

static void test_role_pool_active(void **state) {
  (void)state;
  struct fp_elig_result out;
  struct fp_elig_input in = base(all_good, N(all_good));
  /* Role mismatch. */
  in.role = "nurse";
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.reasons, FP_ELIG_ROLE);
  assert_int_equal(out.n_missing, 0);
  in.role = NULL;
  fp_eligibility(&in, &out);
  assert_int_equal(out.reasons, FP_ELIG_ROLE);
  in.role = "gp";
  in.profession = NULL;
  fp_eligibility(&in, &out);
  assert_int_equal(out.reasons, FP_ELIG_ROLE);
  /* Not in a shared pool. */
  in = base(all_good, N(all_good));
  in.shares_pool = false;
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.reasons, FP_ELIG_NOT_IN_POOL);
  /* Deactivated. */
  in = base(all_good, N(all_good));
  in.clinician_active = false;
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.reasons, FP_ELIG_INACTIVE);
  /* Everything wrong at once: every reason, and the missing checks listed. */
  in = base(NULL, 0);
  in.clinician_active = false;
  in.shares_pool = false;
  in.role = "pharmacist";
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.reasons, FP_ELIG_INACTIVE | FP_ELIG_ROLE | FP_ELIG_NOT_IN_POOL | FP_ELIG_CHECKS);
  assert_int_equal(out.n_missing, 3);
}

/* Every missing code is reported, however many the profession requires: none is cut off. */
static void test_many_missing_all_reported(void **state) {
  (void)state;
  static char names[100][8];
  const char *req[100];
  for (size_t i = 0; i < N(req); i++) {
    names[i][0] = 'c';
    names[i][1] = (char)('0' + i / 10);
    names[i][2] = (char)('0' + i % 10);
    names[i][3] = '\0';
    req[i] = names[i];
  }
  struct fp_elig_input in = base(NULL, 0);
  in.required = req;
  in.n_required = N(req);
  struct fp_elig_result out;
  fp_eligibility(&in, &out);
  assert_false(out.bookable);
  assert_int_equal(out.reasons, FP_ELIG_CHECKS);
  assert_int_equal(out.n_missing, N(req));
  assert_ptr_equal(out.missing[0], req[0]);
  assert_ptr_equal(out.missing[N(req) - 1], req[N(req) - 1]);
  /* Without a buffer the codes are counted, not written. */
  in.missing_buf = NULL;
  fp_eligibility(&in, &out);
  assert_int_equal(out.n_missing, N(req));
  assert_null(out.missing);
}

static void test_null_arguments(void **state) {
  (void)state;
  struct fp_elig_result out;
  memset(&out, 0xA5, sizeof out);
  fp_eligibility(NULL, &out);
  assert_false(out.bookable);
  assert_int_equal(out.n_missing, 0);
  struct fp_elig_input in = base(all_good, N(all_good));
  fp_eligibility(&in, NULL); /* no crash */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_state_on),
      cmocka_unit_test(test_state_names),
      cmocka_unit_test(test_all_good),
      cmocka_unit_test(test_expires_before_shift),
      cmocka_unit_test(test_missing_submitted_rejected),
      cmocka_unit_test(test_multiple_records_for_one_code),
      cmocka_unit_test(test_role_pool_active),
      cmocka_unit_test(test_many_missing_all_reported),
      cmocka_unit_test(test_null_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
