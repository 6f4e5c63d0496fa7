/* test_booking.c - the shift state machine and the booking decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/booking.h"
#include "core/error.h"

#define H INT64_C(3600)

static void test_status_names(void **state) {
  (void)state;
  static const struct {
    enum fp_shift_status s;
    const char *name;
  } all[] = {
      {FP_SHIFT_OPEN, "open"},           {FP_SHIFT_BOOKED, "booked"},
      {FP_SHIFT_WITHDRAWN, "withdrawn"}, {FP_SHIFT_CANCELLED, "cancelled"},
      {FP_SHIFT_COMPLETED, "completed"},
  };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    enum fp_shift_status s = (enum fp_shift_status)99;
    assert_string_equal(fp_shift_status_name(all[i].s), all[i].name);
    assert_int_equal(fp_shift_status_parse(all[i].name, &s), FP_OK);
    assert_int_equal(s, all[i].s);
  }
  enum fp_shift_status s = FP_SHIFT_BOOKED;
  assert_int_equal(fp_shift_status_parse("Open", &s), FP_EINVAL);
  assert_int_equal(fp_shift_status_parse("", &s), FP_EINVAL);
  assert_int_equal(fp_shift_status_parse("canceled", &s), FP_EINVAL);
  assert_int_equal(fp_shift_status_parse(NULL, &s), FP_EINVAL);
  assert_int_equal(fp_shift_status_parse("open", NULL), FP_EINVAL);
  assert_int_equal(s, FP_SHIFT_BOOKED);
  assert_string_equal(fp_shift_status_name((enum fp_shift_status)42), "unknown");
}

static void test_shift_next_table(void **state) {
  (void)state;
  enum { X = -1 }; /* not allowed */
  /* next[from][event]: BOOK, CLINICIAN_CANCEL, PRACTICE_CANCEL, WITHDRAW, REOPEN, EDIT, COMPLETE,
     APPROVE_RATE, REFUSE_RATE */
  static const int next[FP_SHIFT_N_STATUSES][9] = {
      /* open      */ {FP_SHIFT_BOOKED, X, FP_SHIFT_CANCELLED, FP_SHIFT_WITHDRAWN, X, FP_SHIFT_OPEN, X, X, X},
      /* booked    */ {X, FP_SHIFT_OPEN, FP_SHIFT_CANCELLED, X, X, X, FP_SHIFT_COMPLETED, X, X},
      /* withdrawn */ {X, X, X, X, X, X, X, X, X},
      /* cancelled */ {X, X, X, X, FP_SHIFT_OPEN, X, X, X, X},
      /* completed */ {X, X, X, X, X, X, X, X, X},
      /* awaiting  */ {X, X, X, FP_SHIFT_WITHDRAWN, X, FP_SHIFT_OPEN, X, FP_SHIFT_OPEN, FP_SHIFT_WITHDRAWN},
  };
  int allowed = 0;
  for (int from = 0; from < FP_SHIFT_N_STATUSES; from++) {
    for (int ev = 0; ev < 9; ev++) {
      enum fp_shift_status to = (enum fp_shift_status)77;
      int rc = fp_shift_next((enum fp_shift_status)from, (enum fp_shift_event)ev, &to);
      if (next[from][ev] == X) {
        if (rc != FP_ECONFLICT)
          fail_msg("from %d event %d: expected a conflict, got %d", from, ev, rc);
        assert_int_equal(to, 77); /* untouched */
      } else {
        if (rc != FP_OK)
          fail_msg("from %d event %d: expected OK, got %d", from, ev, rc);
        assert_int_equal(to, next[from][ev]);
        allowed++;
      }
    }
  }
  assert_int_equal(allowed, 12);
  /* A rate over the pool's cap awaits approval; within it, the shift is open; only that pool's
     administrators decide. */
  assert_int_equal(fp_shift_published_status(true), FP_SHIFT_AWAITING_APPROVAL);
  assert_int_equal(fp_shift_published_status(false), FP_SHIFT_OPEN);
  assert_string_equal(fp_shift_status_name(FP_SHIFT_AWAITING_APPROVAL), "awaiting_approval");
  struct fp_role pool_role = {FP_ROLE_POOL_ADMIN, 0, 3}, pm_role = {FP_ROLE_PRACTICE_MANAGER, 14, 0};
  struct fp_actor admin = {.user_id = 1, .roles = &pool_role, .n_roles = 1};
  struct fp_actor manager = {.user_id = 2, .roles = &pm_role, .n_roles = 1};
  assert_true(fp_shift_may_decide_rate(&admin, 3));
  assert_false(fp_shift_may_decide_rate(&admin, 4)); /* another pool's */
  assert_false(fp_shift_may_decide_rate(&manager, 3));
  assert_false(fp_shift_may_decide_rate(&admin, 0));
  assert_false(fp_shift_may_decide_rate(NULL, 3));
  /* Out-of-range events and statuses conflict. */
  enum fp_shift_status to = FP_SHIFT_OPEN;
  assert_int_equal(fp_shift_next(FP_SHIFT_OPEN, (enum fp_shift_event)99, &to), FP_ECONFLICT);
  assert_int_equal(fp_shift_next((enum fp_shift_status)99, FP_EV_BOOK, &to), FP_ECONFLICT);
  /* A typical life: open -> booked -> open (clinician cancels) -> booked -> completed. */
  enum fp_shift_status s = FP_SHIFT_OPEN;
  assert_int_equal(fp_shift_next(s, FP_EV_BOOK, &s), FP_OK);
  assert_int_equal(fp_shift_next(s, FP_EV_EDIT, &s), FP_ECONFLICT); /* no edits once booked */
  assert_int_equal(fp_shift_next(s, FP_EV_CLINICIAN_CANCEL, &s), FP_OK);
  assert_int_equal(s, FP_SHIFT_OPEN);
  assert_int_equal(fp_shift_next(s, FP_EV_BOOK, &s), FP_OK);
  assert_int_equal(fp_shift_next(s, FP_EV_BOOK, &s), FP_ECONFLICT); /* double booking */
  assert_int_equal(fp_shift_next(s, FP_EV_COMPLETE, &s), FP_OK);
  assert_int_equal(s, FP_SHIFT_COMPLETED);
}

static void test_mode(void **state) {
  (void)state;
  enum fp_booking_mode m = FP_MODE_APPROVAL;
  assert_int_equal(fp_booking_mode_parse("instant", &m), FP_OK);
  assert_int_equal(m, FP_MODE_INSTANT);
  assert_int_equal(fp_booking_mode_parse("approval", &m), FP_OK);
  assert_int_equal(m, FP_MODE_APPROVAL);
  assert_int_equal(fp_booking_mode_parse("Instant", &m), FP_EINVAL);
  assert_int_equal(fp_booking_mode_parse("", &m), FP_EINVAL);
  assert_int_equal(fp_booking_mode_parse(NULL, &m), FP_EINVAL);
  assert_int_equal(fp_booking_mode_parse("instant", NULL), FP_EINVAL);
  assert_int_equal(m, FP_MODE_APPROVAL);
  assert_string_equal(fp_booking_mode_name(FP_MODE_INSTANT), "instant");
  assert_string_equal(fp_booking_mode_name(FP_MODE_APPROVAL), "approval");
  assert_string_equal(fp_booking_mode_name((enum fp_booking_mode)5), "unknown");
}

static void test_cancellation_late(void **state) {
  (void)state;
  const fp_time start = 1774774800; /* 2026-03-29T09:00:00Z */
  assert_false(fp_cancellation_late(start - 72 * H, start));
  assert_false(fp_cancellation_late(start - 48 * H, start)); /* exactly 48 hours: not late */
  assert_true(fp_cancellation_late(start - 48 * H + 1, start));
  assert_true(fp_cancellation_late(start - 1, start));
  assert_true(fp_cancellation_late(start, start));
  assert_true(fp_cancellation_late(start + H, start)); /* after the start */
  /* No overflow at the extremes. */
  assert_false(fp_cancellation_late(INT64_MIN, INT64_MAX));
  assert_true(fp_cancellation_late(INT64_MAX, INT64_MIN));
}

static void test_outcome_codes(void **state) {
  (void)state;
  assert_string_equal(fp_booking_outcome_code(FP_BOOK_OK), "ok");
  assert_string_equal(fp_booking_outcome_code(FP_BOOK_SHIFT_TAKEN), "shift_taken");
  assert_string_equal(fp_booking_outcome_code(FP_BOOK_STARTED), "shift_started");
  assert_string_equal(fp_booking_outcome_code(FP_BOOK_APPROVAL_REQUIRED), "approval_required");
  assert_string_equal(fp_booking_outcome_code(FP_BOOK_NOT_ELIGIBLE), "not_eligible");
  assert_string_equal(fp_booking_outcome_code(FP_BOOK_OVERLAPPING), "overlapping_booking");
  assert_string_equal(fp_booking_outcome_code(FP_BOOK_WORKING_TIME), "working_time_limit");
  assert_string_equal(fp_booking_outcome_code((enum fp_booking_outcome)99), "unknown");
}

static const struct fp_elig_result eligible = {.bookable = true};
static const struct fp_elig_result ineligible = {.bookable = false, .reasons = FP_ELIG_CHECKS};

static struct fp_booking_input good(void) {
  struct fp_booking_input in = {
      .status = FP_SHIFT_OPEN,
      .mode = FP_MODE_INSTANT,
      .starts_at = 1774774800,
      .now = 1774774800 - 24 * H,
      .via_acceptance = false,
      .elig = &eligible,
      .clinician_has_overlap = false,
  };
  return in;
}

static void test_decide_each_outcome(void **state) {
  (void)state;
  struct fp_booking_input in = good();
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_OK);
  /* Not open. */
  for (int s = FP_SHIFT_BOOKED; s <= FP_SHIFT_COMPLETED; s++) {
    in = good();
    in.status = (enum fp_shift_status)s;
    assert_int_equal(fp_booking_decide(&in), FP_BOOK_SHIFT_TAKEN);
  }
  /* Awaiting its pool's approval of its rate: not there for a clinician; not open for the practice. */
  in = good();
  in.status = FP_SHIFT_AWAITING_APPROVAL;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_VISIBLE);
  in.via_acceptance = true;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_SHIFT_TAKEN);
  /* Started: at or after the start, not a second before. */
  in = good();
  in.now = in.starts_at;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_STARTED);
  in.now = in.starts_at + 1;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_STARTED);
  in.now = in.starts_at - 1;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_OK);
  /* Approval mode: refused for instant booking, fine via acceptance. */
  in = good();
  in.mode = FP_MODE_APPROVAL;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_APPROVAL_REQUIRED);
  in.via_acceptance = true;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_OK);
  /* Acceptance on an instant shift is fine too. */
  in.mode = FP_MODE_INSTANT;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_OK);
  /* Not eligible. */
  in = good();
  in.elig = &ineligible;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_ELIGIBLE);
  in.elig = NULL;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_ELIGIBLE);
  /* Overlapping. */
  in = good();
  in.clinician_has_overlap = true;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_OVERLAPPING);
  /* No input. */
  assert_int_equal(fp_booking_decide(NULL), FP_BOOK_SHIFT_TAKEN);
}

static void test_decide_not_visible(void **state) {
  (void)state;
  /* Another profession's shift, or a practice outside the clinician's pools: not found for them,
     whatever its state, unless a practice is accepting their application. */
  const struct fp_elig_result other_role = {.bookable = false, .reasons = FP_ELIG_ROLE};
  const struct fp_elig_result no_pool = {.bookable = false, .reasons = FP_ELIG_NOT_IN_POOL | FP_ELIG_CHECKS};
  struct fp_booking_input in = good();
  in.elig = &other_role;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_VISIBLE);
  in.status = FP_SHIFT_WITHDRAWN;
  in.now = in.starts_at + H;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_VISIBLE);
  in = good();
  in.elig = &no_pool;
  in.mode = FP_MODE_APPROVAL;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_VISIBLE);
  in.via_acceptance = true;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_ELIGIBLE);
  /* Missing passport checks alone do not hide a shift. */
  in = good();
  in.elig = &ineligible;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_ELIGIBLE);
  assert_string_equal(fp_booking_outcome_code(FP_BOOK_NOT_VISIBLE), "not_found");
}

static void test_decide_order(void **state) {
  (void)state;
  /* Everything wrong: each fix reveals the next reason, in the documented order. */
  struct fp_booking_input in = good();
  in.status = FP_SHIFT_BOOKED;
  in.now = in.starts_at + H;
  in.mode = FP_MODE_APPROVAL;
  in.elig = &ineligible;
  in.clinician_has_overlap = true;
  in.working_time = FP_WT_TOO_LITTLE_REST;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_SHIFT_TAKEN);
  in.status = FP_SHIFT_OPEN;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_STARTED);
  in.now = in.starts_at - H;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_APPROVAL_REQUIRED);
  in.via_acceptance = true;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_NOT_ELIGIBLE);
  in.elig = &eligible;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_OVERLAPPING);
  in.clinician_has_overlap = false;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_WORKING_TIME);
  in.working_time = FP_WT_TOO_MUCH_WORK;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_WORKING_TIME);
  in.working_time = FP_WT_OK;
  assert_int_equal(fp_booking_decide(&in), FP_BOOK_OK);
}

static void test_intervals_overlap(void **state) {
  (void)state;
  /* [9, 13) against others. */
  assert_true(fp_intervals_overlap(9, 13, 12, 17));
  assert_true(fp_intervals_overlap(12, 17, 9, 13));
  assert_true(fp_intervals_overlap(9, 13, 10, 11)); /* contained */
  assert_true(fp_intervals_overlap(10, 11, 9, 13));
  assert_true(fp_intervals_overlap(9, 13, 9, 13)); /* identical */
  assert_true(fp_intervals_overlap(9, 13, 8, 10));
  assert_false(fp_intervals_overlap(9, 13, 13, 17)); /* back to back: half-open */
  assert_false(fp_intervals_overlap(13, 17, 9, 13));
  assert_false(fp_intervals_overlap(9, 13, 14, 17));
  assert_false(fp_intervals_overlap(14, 17, 9, 13));
  /* Empty intervals hold nothing. */
  assert_false(fp_intervals_overlap(10, 10, 9, 13));
  assert_false(fp_intervals_overlap(9, 13, 11, 11));
  /* Real instants: two sessions on one day. */
  const fp_time d = 1774742400; /* 2026-03-29T00:00:00Z */
  assert_false(fp_intervals_overlap(d + 8 * H, d + 13 * H, d + 13 * H, d + 18 * H));
  assert_true(fp_intervals_overlap(d + 8 * H, d + 13 * H, d + 12 * H + 59 * 60, d + 18 * H));
}

static void test_shift_transition_started(void **state) {
  (void)state;
  const fp_time start = 1000 * H, end = start + 4 * H;
  enum fp_shift_status to = (enum fp_shift_status)77;
  /* Before the start the state machine alone decides. */
  assert_int_equal(fp_shift_transition(FP_SHIFT_BOOKED, FP_EV_CLINICIAN_CANCEL, start - 1, start, end, &to), FP_TRANS_OK);
  assert_int_equal(to, FP_SHIFT_OPEN);
  assert_int_equal(fp_shift_transition(FP_SHIFT_BOOKED, FP_EV_WITHDRAW, start - 1, start, end, &to),
                   FP_TRANS_INVALID_STATE);
  /* From the start on, nothing but completing: not cancelling (either side), withdrawing, re-opening or editing. */
  static const enum fp_shift_event refused[] = {FP_EV_CLINICIAN_CANCEL, FP_EV_PRACTICE_CANCEL, FP_EV_WITHDRAW,
                                                FP_EV_REOPEN, FP_EV_EDIT, FP_EV_BOOK};
  static const enum fp_shift_status from[] = {FP_SHIFT_BOOKED, FP_SHIFT_BOOKED, FP_SHIFT_OPEN,
                                              FP_SHIFT_CANCELLED, FP_SHIFT_OPEN, FP_SHIFT_OPEN};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    to = (enum fp_shift_status)77;
    assert_int_equal(fp_shift_transition(from[i], refused[i], start, start, end, &to), FP_TRANS_STARTED);
    assert_int_equal(fp_shift_transition(from[i], refused[i], end + 100 * H, start, end, &to), FP_TRANS_STARTED);
    assert_int_equal(to, 77);
  }
  /* A state the machine refuses says so first, started or not. */
  assert_int_equal(fp_shift_transition(FP_SHIFT_COMPLETED, FP_EV_PRACTICE_CANCEL, end, start, end, &to),
                   FP_TRANS_INVALID_STATE);
  /* Completing needs the end. */
  assert_int_equal(fp_shift_transition(FP_SHIFT_BOOKED, FP_EV_COMPLETE, end - 1, start, end, &to), FP_TRANS_TOO_EARLY);
  assert_int_equal(fp_shift_transition(FP_SHIFT_BOOKED, FP_EV_COMPLETE, end, start, end, &to), FP_TRANS_OK);
  assert_int_equal(to, FP_SHIFT_COMPLETED);
  assert_int_equal(fp_shift_transition(FP_SHIFT_OPEN, FP_EV_COMPLETE, end, start, end, &to), FP_TRANS_INVALID_STATE);
}

static void test_booking_transition(void **state) {
  (void)state;
  const fp_time start = 1000 * H;
  struct fp_booking_state confirmed = {FP_BOOKING_CONFIRMED, FP_ATTENDANCE_UNRECORDED}, to = {99, 99};
  /* Cancelling: until the start, not from it. */
  assert_int_equal(fp_booking_transition(&confirmed, FP_BEV_CANCEL, start - 1, start, &to), FP_TRANS_OK);
  assert_int_equal(to.status, FP_BOOKING_CANCELLED);
  assert_int_equal(to.attendance, FP_ATTENDANCE_UNRECORDED);
  to = (struct fp_booking_state){99, 99};
  assert_int_equal(fp_booking_transition(&confirmed, FP_BEV_CANCEL, start, start, &to), FP_TRANS_STARTED);
  assert_int_equal(fp_booking_transition(&confirmed, FP_BEV_CANCEL, start + 30 * 24 * H, start, &to), FP_TRANS_STARTED);
  assert_int_equal(to.status, 99);
  /* Did not attend: from the start, once, only on a confirmed booking. */
  assert_int_equal(fp_booking_transition(&confirmed, FP_BEV_DID_NOT_ATTEND, start - 1, start, &to), FP_TRANS_TOO_EARLY);
  assert_int_equal(fp_booking_transition(&confirmed, FP_BEV_DID_NOT_ATTEND, start, start, &to), FP_TRANS_OK);
  assert_int_equal(to.status, FP_BOOKING_CONFIRMED);
  assert_int_equal(to.attendance, FP_ATTENDANCE_DID_NOT_ATTEND);
  struct fp_booking_state dna = to;
  assert_int_equal(fp_booking_transition(&dna, FP_BEV_DID_NOT_ATTEND, start + H, start, &to), FP_TRANS_INVALID_STATE);
  assert_int_equal(fp_booking_transition(&dna, FP_BEV_CANCEL, start + H, start, &to), FP_TRANS_STARTED);
  struct fp_booking_state cancelled = {FP_BOOKING_CANCELLED, FP_ATTENDANCE_UNRECORDED};
  assert_int_equal(fp_booking_transition(&cancelled, FP_BEV_CANCEL, start - H, start, &to), FP_TRANS_INVALID_STATE);
  assert_int_equal(fp_booking_transition(&cancelled, FP_BEV_DID_NOT_ATTEND, start + H, start, &to),
                   FP_TRANS_INVALID_STATE);
  assert_int_equal(fp_booking_transition(&confirmed, (enum fp_booking_event)42, start - H, start, &to),
                   FP_TRANS_INVALID_STATE);
  assert_int_equal(fp_booking_transition(NULL, FP_BEV_CANCEL, start - H, start, &to), FP_TRANS_INVALID_STATE);
  /* Names. */
  enum fp_booking_status bs = FP_BOOKING_CANCELLED;
  assert_int_equal(fp_booking_status_parse("confirmed", &bs), FP_OK);
  assert_int_equal(bs, FP_BOOKING_CONFIRMED);
  assert_string_equal(fp_booking_status_name(FP_BOOKING_CANCELLED), "cancelled");
  assert_int_equal(fp_booking_status_parse("did_not_attend", &bs), FP_EINVAL);
  enum fp_attendance a = FP_ATTENDANCE_DID_NOT_ATTEND;
  assert_int_equal(fp_attendance_parse(NULL, &a), FP_OK);
  assert_int_equal(a, FP_ATTENDANCE_UNRECORDED);
  assert_int_equal(fp_attendance_parse("did_not_attend", &a), FP_OK);
  assert_int_equal(a, FP_ATTENDANCE_DID_NOT_ATTEND);
  assert_int_equal(fp_attendance_parse("attended", &a), FP_EINVAL);
  assert_null(fp_attendance_name(FP_ATTENDANCE_UNRECORDED));
  assert_string_equal(fp_attendance_name(FP_ATTENDANCE_DID_NOT_ATTEND), "did_not_attend");
}

static void test_application_next(void **state) {
  (void)state;
  /* next[from][event]: ACCEPT, DECLINE, FILLED, WITHDRAW; only a pending application moves. */
  enum { X = -1 };
  static const int next[4][4] = {
      /* pending   */ {FP_APP_ACCEPTED, FP_APP_DECLINED, FP_APP_DECLINED, FP_APP_WITHDRAWN},
      /* accepted  */ {X, X, X, X},
      /* declined  */ {X, X, X, X},
      /* withdrawn */ {X, X, X, X},
  };
  for (int from = 0; from < 4; from++) {
    for (int ev = 0; ev < 4; ev++) {
      enum fp_application_status to = (enum fp_application_status)77;
      int rc = fp_application_next((enum fp_application_status)from, (enum fp_application_event)ev, &to);
      if (next[from][ev] == X) {
        assert_int_equal(rc, FP_ECONFLICT);
        assert_int_equal(to, 77);
      } else {
        assert_int_equal(rc, FP_OK);
        assert_int_equal(to, next[from][ev]);
      }
    }
  }
  enum fp_application_status to;
  assert_int_equal(fp_application_next(FP_APP_PENDING, (enum fp_application_event)9, &to), FP_ECONFLICT);
  const char *names[] = {"pending", "accepted", "declined", "withdrawn"};
  for (int i = 0; i < 4; i++) {
    enum fp_application_status s = (enum fp_application_status)77;
    assert_string_equal(fp_application_status_name((enum fp_application_status)i), names[i]);
    assert_int_equal(fp_application_status_parse(names[i], &s), FP_OK);
    assert_int_equal(s, i);
  }
  assert_int_equal(fp_application_status_parse("Pending", &to), FP_EINVAL);
  assert_string_equal(fp_application_status_name((enum fp_application_status)9), "unknown");
}

/* Who may cancel a booking, record attendance, and act on an application (the core's rule). */
enum { CLIN = 7, PRACTICE = 20, OTHER_PRACTICE = 21, POOL = 30, ICB = 40 };

static struct fp_actor actor_with(const struct fp_role *roles, int n, int64_t clinician_id) {
  struct fp_actor a = {.user_id = 1, .clinician_id = clinician_id, .roles = roles, .n_roles = n, .now = 1000};
  return a;
}

static void test_who_may_cancel(void **state) {
  (void)state;
  const struct fp_role manager[] = {{FP_ROLE_PRACTICE_MANAGER, PRACTICE, 0}};
  const struct fp_role other_manager[] = {{FP_ROLE_PRACTICE_MANAGER, OTHER_PRACTICE, 0}};
  const struct fp_role sysadmin[] = {{FP_ROLE_SYSADMIN, 0, 0}};
  const struct fp_role pool_admin[] = {{FP_ROLE_POOL_ADMIN, 0, POOL}};
  const struct fp_role commissioner[] = {{FP_ROLE_COMMISSIONER, ICB, 0}};
  const struct fp_role clinician[] = {{FP_ROLE_CLINICIAN, 0, 0}};
  struct fp_actor a = actor_with(clinician, 1, CLIN);
  assert_int_equal(fp_booking_canceller(&a, CLIN, PRACTICE), FP_PARTY_CLINICIAN);
  a = actor_with(clinician, 1, CLIN + 1); /* another clinician */
  assert_int_equal(fp_booking_canceller(&a, CLIN, PRACTICE), FP_PARTY_NONE);
  a = actor_with(manager, 1, 0);
  assert_int_equal(fp_booking_canceller(&a, CLIN, PRACTICE), FP_PARTY_PRACTICE);
  a = actor_with(other_manager, 1, 0);
  assert_int_equal(fp_booking_canceller(&a, CLIN, PRACTICE), FP_PARTY_NONE);
  a = actor_with(sysadmin, 1, 0);
  assert_int_equal(fp_booking_canceller(&a, CLIN, PRACTICE), FP_PARTY_PRACTICE);
  a = actor_with(pool_admin, 1, 0);
  assert_int_equal(fp_booking_canceller(&a, CLIN, PRACTICE), FP_PARTY_NONE);
  a = actor_with(commissioner, 1, 0);
  assert_int_equal(fp_booking_canceller(&a, CLIN, PRACTICE), FP_PARTY_NONE);
  /* The booked clinician who also manages the practice cancels as the clinician. */
  const struct fp_role both[] = {{FP_ROLE_CLINICIAN, 0, 0}, {FP_ROLE_PRACTICE_MANAGER, PRACTICE, 0}};
  a = actor_with(both, 2, CLIN);
  assert_int_equal(fp_booking_canceller(&a, CLIN, PRACTICE), FP_PARTY_CLINICIAN);
  assert_string_equal(fp_party_name(FP_PARTY_CLINICIAN), "clinician");
  assert_string_equal(fp_party_name(FP_PARTY_PRACTICE), "practice");
  assert_null(fp_party_name(FP_PARTY_NONE));
}

static void test_who_may_record_attendance(void **state) {
  (void)state;
  const struct fp_role manager[] = {{FP_ROLE_PRACTICE_MANAGER, PRACTICE, 0}};
  const struct fp_role other_manager[] = {{FP_ROLE_PRACTICE_MANAGER, OTHER_PRACTICE, 0}};
  const struct fp_role sysadmin[] = {{FP_ROLE_SYSADMIN, 0, 0}};
  const struct fp_role pool_admin[] = {{FP_ROLE_POOL_ADMIN, 0, POOL}};
  const struct fp_role clinician[] = {{FP_ROLE_CLINICIAN, 0, 0}};
  struct fp_actor a = actor_with(manager, 1, 0);
  assert_true(fp_booking_may_record_attendance(&a, PRACTICE));
  a = actor_with(other_manager, 1, 0);
  assert_false(fp_booking_may_record_attendance(&a, PRACTICE));
  a = actor_with(sysadmin, 1, 0);
  assert_false(fp_booking_may_record_attendance(&a, PRACTICE));
  a = actor_with(pool_admin, 1, 0);
  assert_false(fp_booking_may_record_attendance(&a, PRACTICE));
  a = actor_with(clinician, 1, CLIN);
  assert_false(fp_booking_may_record_attendance(&a, PRACTICE));
}

static void test_who_may_act_on_an_application(void **state) {
  (void)state;
  const struct fp_role manager[] = {{FP_ROLE_PRACTICE_MANAGER, PRACTICE, 0}};
  const struct fp_role other_manager[] = {{FP_ROLE_PRACTICE_MANAGER, OTHER_PRACTICE, 0}};
  const struct fp_role sysadmin[] = {{FP_ROLE_SYSADMIN, 0, 0}};
  const struct fp_role pool_admin[] = {{FP_ROLE_POOL_ADMIN, 0, POOL}};
  const struct fp_role clinician[] = {{FP_ROLE_CLINICIAN, 0, 0}};
  struct fp_actor applicant = actor_with(clinician, 1, CLIN), other = actor_with(clinician, 1, CLIN + 1);
  struct fp_actor m = actor_with(manager, 1, 0), om = actor_with(other_manager, 1, 0);
  struct fp_actor sa = actor_with(sysadmin, 1, 0), pa = actor_with(pool_admin, 1, 0);
  for (int ev = FP_AEV_ACCEPT; ev <= FP_AEV_DECLINE; ev++) {
    assert_true(fp_application_may(&m, (enum fp_application_event)ev, CLIN, PRACTICE));
    assert_true(fp_application_may(&sa, (enum fp_application_event)ev, CLIN, PRACTICE));
    assert_false(fp_application_may(&om, (enum fp_application_event)ev, CLIN, PRACTICE));
    assert_false(fp_application_may(&pa, (enum fp_application_event)ev, CLIN, PRACTICE));
    assert_false(fp_application_may(&applicant, (enum fp_application_event)ev, CLIN, PRACTICE));
  }
  assert_true(fp_application_may(&applicant, FP_AEV_WITHDRAW, CLIN, PRACTICE));
  assert_false(fp_application_may(&other, FP_AEV_WITHDRAW, CLIN, PRACTICE));
  assert_false(fp_application_may(&m, FP_AEV_WITHDRAW, CLIN, PRACTICE));
  /* Shifts: the practice's managers and a system administrator, nobody else. */
  assert_true(fp_shift_may_manage(&m, PRACTICE));
  assert_true(fp_shift_may_manage(&sa, PRACTICE));
  assert_false(fp_shift_may_manage(&om, PRACTICE));
  assert_false(fp_shift_may_manage(&pa, PRACTICE));
  assert_false(fp_shift_may_manage(&applicant, PRACTICE));
  /* "filled" is the store's, after another booking: never an actor's. */
  assert_false(fp_application_may(&m, FP_AEV_FILLED, CLIN, PRACTICE));
  assert_false(fp_application_may(&sa, FP_AEV_FILLED, CLIN, PRACTICE));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_names),
      cmocka_unit_test(test_shift_next_table),
      cmocka_unit_test(test_mode),
      cmocka_unit_test(test_cancellation_late),
      cmocka_unit_test(test_outcome_codes),
      cmocka_unit_test(test_decide_each_outcome),
      cmocka_unit_test(test_decide_not_visible),
      cmocka_unit_test(test_decide_order),
      cmocka_unit_test(test_intervals_overlap),
      cmocka_unit_test(test_shift_transition_started),
      cmocka_unit_test(test_booking_transition),
      cmocka_unit_test(test_application_next),
      cmocka_unit_test(test_who_may_cancel),
      cmocka_unit_test(test_who_may_record_attendance),
      cmocka_unit_test(test_who_may_act_on_an_application),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
