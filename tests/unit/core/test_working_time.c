/* test_working_time.c - the working-time guards (core/working_time.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/working_time.h"

#define H INT64_C(3600)
#define M INT64_C(60)
#define DAY (24 * H)
static const fp_time T0 = INT64_C(1780000000) / DAY * DAY; /* a midnight (UTC) */

static struct fp_wt_result check(const struct fp_work *others, size_t n, struct fp_work add) {
  struct fp_wt_limits lim = fp_wt_defaults();
  struct fp_wt_result r;
  fp_working_time_check(&lim, others, n, &add, &r);
  return r;
}

static struct fp_work at(int day, int64_t from, int64_t to, int brk) {
  return (struct fp_work){T0 + day * DAY + from, T0 + day * DAY + to, brk};
}

static void test_limits(void **state) {
  (void)state;
  struct fp_wt_limits d = fp_wt_defaults();
  assert_int_equal(d.max_worked_minutes, 780);
  assert_int_equal(d.min_rest_minutes, 660);
  assert_true(fp_wt_limits_valid(&d));
  struct fp_wt_limits bad[] = {{59, 660}, {1441, 0}, {780, -1}, {780, 1381}, {800, 660}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(fp_wt_limits_valid(&bad[i]));
  struct fp_wt_limits ok = {1440, 0};
  assert_true(fp_wt_limits_valid(&ok));
  struct fp_wt_limits acc = {780, 660}, other = {600, 600};
  fp_wt_limits_stricter(&acc, &other);
  assert_int_equal(acc.max_worked_minutes, 600);
  assert_int_equal(acc.min_rest_minutes, 660);
}

/* The case: two 16-hour shifts back to back. Even one is more than 13 hours' work. */
static void test_long_shifts_refused(void **state) {
  (void)state;
  struct fp_work first = at(0, 0, 16 * H, 60);
  struct fp_wt_result r = check(NULL, 0, first);
  assert_int_equal(r.outcome, FP_WT_TOO_MUCH_WORK);
  assert_int_equal(r.worked_seconds, 15 * H);
  struct fp_work second = at(0, 16 * H, 32 * H, 0);
  assert_int_equal(check(&first, 1, second).outcome, FP_WT_TOO_MUCH_WORK);
}

/* A morning and an afternoon session with a lunch gap, then the next morning: fine. */
static void test_a_working_day_is_fine(void **state) {
  (void)state;
  struct fp_work day[] = {at(0, 8 * H, 13 * H, 0), at(0, 13 * H + 30 * M, 18 * H + 30 * M, 0), at(1, 8 * H, 13 * H, 0)};
  struct fp_wt_result r = check(day, 2, day[2]);
  assert_int_equal(r.outcome, FP_WT_OK);
  assert_int_equal(r.worked_seconds, 10 * H);
  assert_int_equal(r.duty_seconds, 5 * H); /* 13.5 hours' rest before it: a duty of its own */
  r = check(day, 1, day[1]);
  assert_int_equal(r.outcome, FP_WT_OK);
  assert_int_equal(r.duty_seconds, 10 * H + 30 * M); /* the lunch gap is inside the duty */
  /* And the evening too: 13 hours' duty, exactly the limit; the next morning follows 11 hours' rest. */
  struct fp_work evening = at(0, 18 * H + 30 * M, 21 * H, 0);
  struct fp_work three[] = {day[0], day[1], evening};
  r = check(three, 2, evening);
  assert_int_equal(r.outcome, FP_WT_OK);
  assert_int_equal(r.worked_seconds, 12 * H + 30 * M);
  assert_int_equal(r.duty_seconds, 13 * H);
  assert_int_equal(check(three, 3, at(1, 8 * H, 9 * H, 0)).outcome, FP_WT_OK);
  /* A lone session in the middle of the night is never short of rest. */
  assert_int_equal(check(NULL, 0, at(0, 2 * H, 7 * H, 0)).outcome, FP_WT_OK);
}

static void test_rest_too_short(void **state) {
  (void)state;
  /* A late session to 23:00 and the next at 07:00: 8 hours' rest, one duty of 21 hours. */
  struct fp_work late = at(0, 15 * H, 23 * H, 0);
  struct fp_wt_result r = check(&late, 1, at(1, 7 * H, 12 * H, 0));
  assert_int_equal(r.outcome, FP_WT_TOO_LITTLE_REST);
  assert_int_equal(r.duty_seconds, 21 * H);
  assert_int_equal(r.window_start, late.start);
  /* Starting at 10:00 instead leaves 11 hours: fine. */
  assert_int_equal(check(&late, 1, at(1, 10 * H, 15 * H, 0)).outcome, FP_WT_OK);
  /* Busy 06:00-12:00 and 18:00-24:00: 12 hours' work (under 13) but a duty of 18 hours. */
  struct fp_work a = at(0, 6 * H, 12 * H, 0);
  r = check(&a, 1, at(0, 18 * H, 24 * H, 0));
  assert_int_equal(r.outcome, FP_WT_TOO_LITTLE_REST);
  assert_int_equal(r.duty_seconds, 18 * H);
  /* Busy 00:00-02:00 and 13:00-15:00: 11 hours between them, two duties. */
  a = at(0, 0, 2 * H, 0);
  assert_int_equal(check(&a, 1, at(0, 13 * H, 15 * H, 0)).outcome, FP_WT_OK);
}

/* A pool's own values, and the new session between two others. */
static void test_pool_limits(void **state) {
  (void)state;
  struct fp_wt_limits lim = {720, 720}; /* 12 hours' work, 12 hours' rest */
  struct fp_work before = at(0, 8 * H, 12 * H, 0), after = at(1, 6 * H, 8 * H, 0);
  struct fp_work both[] = {before, after};
  struct fp_work add = at(0, 13 * H, 19 * H, 0); /* 08:00-19:00 with lunch (12 h with 06:00-08:00), then 11 h to 06:00 */
  struct fp_wt_result r;
  fp_working_time_check(&lim, both, 2, &add, &r);
  assert_int_equal(r.outcome, FP_WT_TOO_LITTLE_REST); /* 11 h < 12 h: one duty 08:00-08:00 */
  assert_int_equal(r.duty_seconds, 24 * H);
  add = at(0, 13 * H, 17 * H, 0);
  fp_working_time_check(&lim, both, 2, &add, &r);
  assert_int_equal(r.outcome, FP_WT_OK); /* 13 h before 06:00 */
  add = at(0, 12 * H, 21 * H, 0);
  fp_working_time_check(&lim, &before, 1, &add, &r);
  assert_int_equal(r.outcome, FP_WT_TOO_MUCH_WORK); /* 13 h in the day */
  assert_int_equal(r.worked_seconds, 13 * H);
}

/* The most work found by brute force: every window start, 15 seconds apart. */
static int64_t brute_worked(const struct fp_work *all, size_t n, const struct fp_work *add) {
  double most = 0;
  for (fp_time t = add->start - DAY; t <= add->end; t += 15) {
    double wk = 0;
    for (size_t i = 0; i < n; i++) {
      fp_time s = all[i].start > t ? all[i].start : t, e = all[i].end < t + DAY ? all[i].end : t + DAY;
      if (e > s)
        wk += (double)(e - s) * (double)(all[i].end - all[i].start - all[i].break_minutes * 60) /
              (double)(all[i].end - all[i].start);
    }
    if (wk > most) most = wk;
  }
  return (int64_t)(most + 0.5);
}

static void test_against_brute_force(void **state) {
  (void)state;
  srand(12345);
  struct fp_wt_limits lim = fp_wt_defaults();
  for (int round = 0; round < 200; round++) {
    struct fp_work all[6];
    size_t n = 0;
    fp_time cur = T0 + (rand() % 12) * H;
    for (int i = 0; i < 6; i++) {
      fp_time start = cur + (rand() % 30) * 30 * M, len = (1 + rand() % 16) * 30 * M;
      all[n++] = (struct fp_work){start, start + len, (rand() % 3) * 15};
      cur = start + len;
    }
    size_t pick = (size_t)(rand() % 6);
    struct fp_work others[5];
    size_t k = 0;
    for (size_t i = n; i-- > 0;)
      if (i != pick) others[k++] = all[i]; /* latest first: the order does not matter */
    struct fp_wt_result r;
    fp_working_time_check(&lim, others, k, &all[pick], &r);
    assert_int_equal(r.worked_seconds, brute_worked(all, n, &all[pick]));
    /* The duty period: from the pick, walk out while the rest between sessions is short. */
    size_t lo = pick, hi = pick;
    while (lo > 0 && all[lo].start - all[lo - 1].end < lim.min_rest_minutes * 60) lo--;
    while (hi + 1 < n && all[hi + 1].start - all[hi].end < lim.min_rest_minutes * 60) hi++;
    /* Sessions more than 24 hours from the pick are not read: a duty reaching them is over the
       limit either way, and reported as at least as long as what was read of it. */
    if (all[hi].end - all[lo].start <= DAY) assert_int_equal(r.duty_seconds, all[hi].end - all[lo].start);
    else assert_true(r.duty_seconds > DAY - lim.min_rest_minutes * 60);
    enum fp_wt_outcome want = r.worked_seconds > lim.max_worked_minutes * 60 ? FP_WT_TOO_MUCH_WORK
                              : r.duty_seconds > DAY - lim.min_rest_minutes * 60 ? FP_WT_TOO_LITTLE_REST
                                                                                  : FP_WT_OK;
    assert_int_equal(r.outcome, want);
  }
}

static void test_far_sessions_ignored(void **state) {
  (void)state;
  struct fp_work far[] = {at(-3, 0, 20 * H, 0), at(4, 0, 20 * H, 0)};
  assert_int_equal(check(far, 2, at(1, 8 * H, 13 * H, 0)).outcome, FP_WT_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_long_shifts_refused),
      cmocka_unit_test(test_a_working_day_is_fine),
      cmocka_unit_test(test_rest_too_short),
      cmocka_unit_test(test_pool_limits),
      cmocka_unit_test(test_against_brute_force),
      cmocka_unit_test(test_far_sessions_ignored),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
