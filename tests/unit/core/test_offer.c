/* test_offer.c - a direct offer's state and its transitions across time (core/offer.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/offer.h"

#define H INT64_C(3600)
static const fp_time SENT = INT64_C(1790000000);

static struct fp_offer_facts facts(enum fp_offer_state stored, fp_time starts_in) {
  return (struct fp_offer_facts){stored, SENT, SENT + starts_in, true};
}

/* A shift three days ahead: the offer lapses 24 hours after it was sent, to the second. */
static void test_lapses_after_a_day(void **state) {
  (void)state;
  struct fp_offer_facts f = facts(FP_OFFER_PENDING, 72 * H);
  assert_int_equal(fp_offer_lapses_at(f.sent_at, f.shift_starts_at), SENT + 24 * H);
  assert_int_equal(fp_offer_state(&f, SENT), FP_OFFER_PENDING);
  assert_int_equal(fp_offer_state(&f, SENT + 24 * H - 1), FP_OFFER_PENDING);
  assert_int_equal(fp_offer_state(&f, SENT + 24 * H), FP_OFFER_LAPSED);
  assert_int_equal(fp_offer_state(&f, SENT + 48 * H), FP_OFFER_LAPSED);
}

/* A shift starting in 3 hours: the offer lapses at its start. */
static void test_lapses_at_the_start(void **state) {
  (void)state;
  struct fp_offer_facts f = facts(FP_OFFER_PENDING, 3 * H);
  assert_int_equal(fp_offer_lapses_at(f.sent_at, f.shift_starts_at), SENT + 3 * H);
  assert_int_equal(fp_offer_state(&f, SENT + 3 * H - 1), FP_OFFER_PENDING);
  assert_int_equal(fp_offer_state(&f, SENT + 3 * H), FP_OFFER_LAPSED);
  enum fp_offer_state to = FP_OFFER_PENDING;
  assert_int_equal(fp_offer_transition(&f, FP_OEV_ACCEPT, SENT + 3 * H, &to), FP_OFFER_IS_LAPSED);
  assert_int_equal(to, FP_OFFER_PENDING); /* untouched */
  assert_int_equal(fp_offer_transition(&f, FP_OEV_ACCEPT, SENT + 3 * H - 1, &to), FP_OFFER_OK);
  assert_int_equal(to, FP_OFFER_ACCEPTED);
}

/* Sent at 12:00 BST on the Saturday before the clocks go back: it lapses 24 hours later, 11:00 GMT
   on the Sunday (elapsed time, not the same clock time). */
static void test_across_the_clock_change(void **state) {
  (void)state;
  fp_time sent, start, lapse;
  assert_int_equal(fp_time_parse("2026-10-24T11:00:00Z", &sent), 0);
  assert_int_equal(fp_time_parse("2026-10-26T08:00:00Z", &start), 0);
  assert_int_equal(fp_time_parse("2026-10-25T11:00:00Z", &lapse), 0);
  struct fp_offer_facts f = {FP_OFFER_PENDING, sent, start, true};
  assert_int_equal(fp_offer_lapses_at(sent, start), lapse);
  assert_int_equal(fp_offer_state(&f, lapse - 1), FP_OFFER_PENDING);
  assert_int_equal(fp_offer_state(&f, lapse), FP_OFFER_LAPSED);
}

/* Once decided, an offer stays as it is whatever the time; a pending offer of a shift no longer open is closed. */
static void test_decided_and_closed(void **state) {
  (void)state;
  enum fp_offer_state stored[] = {FP_OFFER_ACCEPTED, FP_OFFER_DECLINED, FP_OFFER_WITHDRAWN, FP_OFFER_CLOSED};
  for (size_t i = 0; i < sizeof stored / sizeof stored[0]; i++) {
    struct fp_offer_facts f = facts(stored[i], 72 * H);
    for (fp_time t = SENT; t < SENT + 96 * H; t += 6 * H) assert_int_equal(fp_offer_state(&f, t), stored[i]);
    for (int ev = FP_OEV_ACCEPT; ev <= FP_OEV_CLOSE; ev++) {
      enum fp_offer_state to = FP_OFFER_PENDING;
      assert_int_equal(fp_offer_transition(&f, (enum fp_offer_event)ev, SENT + H, &to),
                       stored[i] == FP_OFFER_CLOSED ? FP_OFFER_IS_CLOSED : FP_OFFER_NOT_PENDING);
    }
  }
  struct fp_offer_facts taken = facts(FP_OFFER_PENDING, 72 * H);
  taken.shift_open = false;
  assert_int_equal(fp_offer_state(&taken, SENT + H), FP_OFFER_CLOSED);
  enum fp_offer_state to;
  assert_int_equal(fp_offer_transition(&taken, FP_OEV_ACCEPT, SENT + H, &to), FP_OFFER_IS_CLOSED);
  assert_int_equal(fp_offer_transition(&taken, FP_OEV_WITHDRAW, SENT + H, &to), FP_OFFER_IS_CLOSED);
}

/* Each event from pending, before it lapses; after, only the store's close. */
static void test_transitions(void **state) {
  (void)state;
  struct fp_offer_facts f = facts(FP_OFFER_PENDING, 72 * H);
  struct {
    enum fp_offer_event ev;
    enum fp_offer_state to;
  } cases[] = {{FP_OEV_ACCEPT, FP_OFFER_ACCEPTED}, {FP_OEV_DECLINE, FP_OFFER_DECLINED},
               {FP_OEV_WITHDRAW, FP_OFFER_WITHDRAWN}, {FP_OEV_CLOSE, FP_OFFER_CLOSED}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    enum fp_offer_state to = FP_OFFER_LAPSED;
    assert_int_equal(fp_offer_transition(&f, cases[i].ev, SENT + H, &to), FP_OFFER_OK);
    assert_int_equal(to, cases[i].to);
    to = FP_OFFER_LAPSED;
    enum fp_offer_outcome late = fp_offer_transition(&f, cases[i].ev, SENT + 25 * H, &to);
    if (cases[i].ev == FP_OEV_CLOSE) {
      assert_int_equal(late, FP_OFFER_OK);
      assert_int_equal(to, FP_OFFER_CLOSED);
    } else {
      assert_int_equal(late, FP_OFFER_IS_LAPSED);
    }
  }
}

static void test_names(void **state) {
  (void)state;
  for (int s = FP_OFFER_PENDING; s <= FP_OFFER_CLOSED; s++) {
    enum fp_offer_state back;
    assert_int_equal(fp_offer_status_parse(fp_offer_state_name((enum fp_offer_state)s), &back), 0);
    assert_int_equal(back, s);
  }
  enum fp_offer_state x;
  assert_int_not_equal(fp_offer_status_parse("lapsed", &x), 0); /* never stored */
  assert_int_not_equal(fp_offer_status_parse(NULL, &x), 0);
  assert_string_equal(fp_offer_state_name(FP_OFFER_LAPSED), "lapsed");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lapses_after_a_day), cmocka_unit_test(test_lapses_at_the_start),
      cmocka_unit_test(test_across_the_clock_change), cmocka_unit_test(test_decided_and_closed),
      cmocka_unit_test(test_transitions), cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
