/* test_timesheet.c - the timesheet's state machine, who may move it, the check of the times worked
   and the fee for them (issue 13). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/time.h"
#include "core/timesheet.h"

static void test_state_names_round_trip(void **state) {
  (void)state;
  static const char *const names[] = {"to_submit", "submitted", "queried", "approved", "not_worked"};
  for (int i = 0; i < 5; i++) {
    enum fp_ts_state s = FP_TS_APPROVED;
    assert_int_equal(fp_ts_state_parse(names[i], &s), FP_OK);
    assert_int_equal(s, i);
    assert_string_equal(fp_ts_state_name(s), names[i]);
  }
  enum fp_ts_state s = FP_TS_QUERIED;
  assert_int_equal(fp_ts_state_parse("Approved", &s), FP_EINVAL);
  assert_int_equal(fp_ts_state_parse("", &s), FP_EINVAL);
  assert_int_equal(fp_ts_state_parse(NULL, &s), FP_EINVAL);
  assert_int_equal(s, FP_TS_QUERIED);
  assert_string_equal(fp_ts_state_name((enum fp_ts_state)9), "unknown");
}

/* Every (state, event) pair: exactly the documented transitions are allowed. */
static void test_every_transition(void **state) {
  (void)state;
  enum { TS = FP_TS_TO_SUBMIT, SU = FP_TS_SUBMITTED, QU = FP_TS_QUERIED, AP = FP_TS_APPROVED, NW = FP_TS_NOT_WORKED, NO = -1 };
  /* rows: from; columns: SUBMIT, APPROVE, AUTO_APPROVE, QUERY, NOT_WORKED */
  static const int want[5][5] = {
      [FP_TS_TO_SUBMIT] = {SU, NO, NO, NO, NW},
      [FP_TS_SUBMITTED] = {NO, AP, AP, QU, NW},
      [FP_TS_QUERIED] = {SU, NO, NO, NO, NW},
      [FP_TS_APPROVED] = {NO, NO, NO, NO, NO},
      [FP_TS_NOT_WORKED] = {NO, NO, NO, NO, NO},
  };
  for (int from = 0; from < 5; from++)
    for (int ev = 0; ev < 5; ev++) {
      enum fp_ts_state to = (enum fp_ts_state)TS;
      int rc = fp_ts_next((enum fp_ts_state)from, (enum fp_ts_event)ev, &to);
      if (want[from][ev] == NO) {
        assert_int_equal(rc, FP_ECONFLICT);
        assert_int_equal(to, TS);
      } else {
        assert_int_equal(rc, FP_OK);
        assert_int_equal(to, want[from][ev]);
      }
      assert_int_equal(fp_ts_next((enum fp_ts_state)from, (enum fp_ts_event)ev, NULL), rc);
    }
}

static void test_who_may(void **state) {
  (void)state;
  struct fp_role pm[] = {{FP_ROLE_PRACTICE_MANAGER, 14, 0}};
  struct fp_role pool[] = {{FP_ROLE_POOL_ADMIN, 3, 1}};
  struct fp_role admin[] = {{FP_ROLE_SYSADMIN, 0, 0}};
  struct fp_actor clinician = {.user_id = 5, .clinician_id = 7};
  struct fp_actor other_clinician = {.user_id = 6, .clinician_id = 8};
  struct fp_actor manager = {.user_id = 9, .roles = pm, .n_roles = 1};
  struct fp_actor other_manager = manager;
  struct fp_actor pool_admin = {.user_id = 10, .roles = pool, .n_roles = 1};
  struct fp_actor sysadmin = {.user_id = 11, .roles = admin, .n_roles = 1};
  struct fp_actor nobody = {0};
  assert_true(fp_ts_may(&clinician, FP_TSEV_SUBMIT, 7, 14));
  assert_false(fp_ts_may(&other_clinician, FP_TSEV_SUBMIT, 7, 14));
  assert_false(fp_ts_may(&manager, FP_TSEV_SUBMIT, 7, 14));
  /* Reopening an approved timesheet (its invoice credited to correct it) is the clinician's alone. */
  assert_true(fp_ts_may(&clinician, FP_TSEV_REOPEN, 7, 14));
  assert_false(fp_ts_may(&other_clinician, FP_TSEV_REOPEN, 7, 14));
  assert_false(fp_ts_may(&manager, FP_TSEV_REOPEN, 7, 14));
  assert_false(fp_ts_may(&pool_admin, FP_TSEV_REOPEN, 7, 14));
  for (int ev = FP_TSEV_APPROVE; ev <= FP_TSEV_NOT_WORKED; ev++) {
    bool want = ev != FP_TSEV_AUTO_APPROVE;
    assert_int_equal(fp_ts_may(&manager, (enum fp_ts_event)ev, 7, 14), want);
    assert_false(fp_ts_may(&other_manager, (enum fp_ts_event)ev, 7, 15)); /* another practice */
    assert_false(fp_ts_may(&clinician, (enum fp_ts_event)ev, 7, 14));
    assert_false(fp_ts_may(&pool_admin, (enum fp_ts_event)ev, 7, 14));
    assert_false(fp_ts_may(&sysadmin, (enum fp_ts_event)ev, 7, 14));
  }
  assert_false(fp_ts_may(&nobody, FP_TSEV_SUBMIT, 0, 14));
  assert_false(fp_ts_may(NULL, FP_TSEV_SUBMIT, 7, 14));
}

static void test_times_checked(void **state) {
  (void)state;
  const fp_time bs = 1790000000, be = bs + 5 * 3600, now = be + 3600; /* a 5-hour session, ended an hour ago */
  struct fp_ts_times t = {bs, be, 30};
  assert_int_equal(fp_ts_check(&t, bs, be, now), FP_TSP_OK);
  assert_int_equal(fp_ts_check(&t, bs, be, be - 1), FP_TSP_NOT_ENDED);
  assert_int_equal(fp_ts_check(&t, bs, be, be), FP_TSP_OK); /* ends at the booked end: may be confirmed at once */
  struct fp_ts_times late = {bs, now + 1, 0};
  assert_int_equal(fp_ts_check(&late, bs, be, now), FP_TSP_IN_FUTURE);
  struct fp_ts_times backwards = {be, bs, 0};
  assert_int_equal(fp_ts_check(&backwards, bs, be, now), FP_TSP_END_BEFORE_START);
  struct fp_ts_times empty = {bs, bs, 0};
  assert_int_equal(fp_ts_check(&empty, bs, be, now), FP_TSP_END_BEFORE_START);
  struct fp_ts_times longest = {bs, bs + FP_TS_MAX_MINUTES * 60, 0};
  assert_int_equal(fp_ts_check(&longest, bs, be, bs + FP_TS_MAX_MINUTES * 60), FP_TSP_OK);
  struct fp_ts_times too_long = {bs, bs + FP_TS_MAX_MINUTES * 60 + 1, 0};
  assert_int_equal(fp_ts_check(&too_long, bs, be, now + 86400), FP_TSP_TOO_LONG);
  struct fp_ts_times all_break = {bs, be, 300};
  assert_int_equal(fp_ts_check(&all_break, bs, be, now), FP_TSP_BREAK);
  struct fp_ts_times negative = {bs, be, -1};
  assert_int_equal(fp_ts_check(&negative, bs, be, now), FP_TSP_BREAK);
  struct fp_ts_times far = {bs - FP_TS_MAX_SHIFT_SECONDS - 1, bs - FP_TS_MAX_SHIFT_SECONDS + 3600, 0};
  assert_int_equal(fp_ts_check(&far, bs, be, now), FP_TSP_FAR_FROM_BOOKING);
  struct fp_ts_times early = {bs - 3600, be, 0}; /* started an hour early: fine */
  assert_int_equal(fp_ts_check(&early, bs, be, now), FP_TSP_OK);
}

/* The fee follows what was worked for an hourly rate, and stays the session rate for a session. */
static void test_fee(void **state) {
  (void)state;
  const fp_time s = 1790000000;
  struct fp_ts_times t = {s, s + 4 * 3600 + 20 * 60, 20}; /* 4 h 20 less a 20-minute break: 4 hours */
  assert_int_equal(fp_ts_fee_pence(&t, 7757, FP_RATE_HOUR), 31028);
  assert_int_equal(fp_ts_fee_pence(&t, 32321, FP_RATE_SESSION), 32321);
  struct fp_ts_times odd = {s, s + 61 * 60, 0}; /* 61 minutes at GBP 77.57: 7886.28... rounds to 7886 */
  assert_int_equal(fp_ts_fee_pence(&odd, 7757, FP_RATE_HOUR), 7886);
  struct fp_ts_times half = {s, s + 90 * 60, 0}; /* 90 minutes at 101 pence: 151.5 rounds half up */
  assert_int_equal(fp_ts_fee_pence(&half, 101, FP_RATE_HOUR), 152);
}

/* Across the autumn clock change a session is paid for the time that passed, not the clock's. */
static void test_clock_change_session(void **state) {
  (void)state;
  /* Sunday 25 October 2026: clocks go back at 02:00 BST to 01:00 GMT. 00:00 BST is 23:00 UTC on the 24th. */
  const fp_time start = 1792882800; /* 2026-10-24T23:00:00Z = 00:00 BST */
  const fp_time end = start + 7 * 3600; /* 06:00 GMT by the clock: 7 hours worked, not 6 */
  struct fp_ts_times t = {start, end, 0};
  assert_int_equal(fp_ts_check(&t, start, end, end + 60), FP_TSP_OK);
  assert_int_equal(fp_ts_fee_pence(&t, 6000, FP_RATE_HOUR), 42000);
}

static void test_auto_approval(void **state) {
  (void)state;
  const fp_time at = 1790000000;
  const int32_t d = FP_TS_AUTO_APPROVE_DAYS;
  assert_false(fp_ts_auto_approve_due(at, d, at));
  assert_false(fp_ts_auto_approve_due(at, d, at + d * 86400 - 1));
  assert_true(fp_ts_auto_approve_due(at, d, at + d * 86400));
  assert_false(fp_ts_auto_approve_due(0, d, at)); /* never submitted */
  assert_true(fp_ts_auto_approve_due(at, 1, at + 86400)); /* a practice's own delay */
  assert_false(fp_ts_auto_approve_due(at, 1, at + 86399));
  assert_false(fp_ts_auto_approve_due(at, 0, at + 3650 * 86400)); /* 0: never */
  assert_int_equal(fp_ts_auto_approve_at(at, 7), at + 7 * 86400);
  assert_int_equal(fp_ts_auto_approve_at(at, 0), 0);
  assert_int_equal(fp_ts_auto_approve_at(0, 7), 0);
}

static void test_state_of_a_booking(void **state) {
  (void)state;
  const fp_time end = 1790000000;
  enum fp_ts_state s = FP_TS_APPROVED;
  assert_false(fp_ts_state_of(false, FP_TS_TO_SUBMIT, true, false, end, end - 1, &s)); /* not ended yet */
  assert_int_equal(s, FP_TS_APPROVED);
  assert_true(fp_ts_state_of(false, FP_TS_TO_SUBMIT, true, false, end, end, &s));
  assert_int_equal(s, FP_TS_TO_SUBMIT);
  assert_true(fp_ts_state_of(false, FP_TS_TO_SUBMIT, true, true, end, end - 1, &s)); /* did not attend */
  assert_int_equal(s, FP_TS_NOT_WORKED);
  assert_false(fp_ts_state_of(false, FP_TS_TO_SUBMIT, false, false, end, end + 1, &s)); /* cancelled */
  assert_true(fp_ts_state_of(true, FP_TS_QUERIED, true, false, end, end + 1, &s)); /* the row's own */
  assert_int_equal(s, FP_TS_QUERIED);
}

/* Mileage and expenses go with a timesheet only where the terms allow them; expenses say what
   they were; miles are paid at 45p. */
static void test_claims(void **state) {
  (void)state;
  struct fp_ts_claims none = {0, 0, false}, miles = {23, 0, false}, spent = {0, 1250, true}, unsaid = {0, 1250, false};
  assert_int_equal(fp_ts_claims_check(&none, false, false), FP_TSC_OK);
  assert_int_equal(fp_ts_claims_check(&miles, false, true), FP_TSC_MILEAGE_NOT_AGREED);
  assert_int_equal(fp_ts_claims_check(&miles, true, false), FP_TSC_OK);
  assert_int_equal(fp_ts_claims_check(&spent, true, false), FP_TSC_EXPENSES_NOT_AGREED);
  assert_int_equal(fp_ts_claims_check(&spent, false, true), FP_TSC_OK);
  assert_int_equal(fp_ts_claims_check(&unsaid, false, true), FP_TSC_NO_NOTE);
  assert_int_equal(fp_mileage_pence(23), 1035);
  assert_int_equal(fp_mileage_pence(0), 0);
  assert_int_equal(fp_mileage_pence(-5), 0);
  assert_int_equal(fp_mileage_pence(FP_TS_MAX_MILES), 45000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_state_names_round_trip), cmocka_unit_test(test_every_transition),
      cmocka_unit_test(test_who_may),                cmocka_unit_test(test_times_checked),
      cmocka_unit_test(test_fee),                    cmocka_unit_test(test_clock_change_session),
      cmocka_unit_test(test_auto_approval),          cmocka_unit_test(test_state_of_a_booking),
      cmocka_unit_test(test_claims),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
