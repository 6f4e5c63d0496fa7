/*
 * The figures kept by practice and month (migration 49; store/metrics.c "figures kept by month";
 * docs/METRICS.md "How the figures stay fast"). The overview adds a settled month's kept figures
 * instead of counting its shifts again; every change to a month forgets it in the same transaction.
 * Whichever way the overview reaches a figure, it must be the one worked out by hand, before the
 * upkeep keeps the months, after, and after a change to a month already kept.
 *
 * The server runs its upkeep every second. The fixture, at practice1 (GP sessions at GBP 80 an
 * hour), made through the API and moved into the past with SQL as in test_metrics.c:
 *   worked   gp_a, 2026-10-05 08:00Z-16:00Z (8 h, 64,000p): filled, delivered
 *   open     2026-10-12 13:00Z-17:00Z: unfilled
 *   marked   gp_b, 2026-10-22 09:00Z-13:00Z (4 h, 32,000p): filled, delivered, until the practice
 *            marks them as did not attend (then filled 1, did not attend 1)
 *   november gp_a, 2026-11-03 09:00Z-12:00Z (3 h, 24,000p)
 * October and November 2026 are settled (two days after their ends) from 3 December 2026.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp_a, *gp_b;
static long long marked_booking;

/* 2026-10-01T00:00:00Z plus days and hours, as seconds (UK midnight of 1 October is 23:00Z on 30
   September: British Summer Time). */
#define OCT(day, hour) ((long long)1790812800 + ((day) - 1) * 86400LL + (hour) * 3600LL)
#define OCTOBER_STARTS (OCT(1, 0) - 3600)
/* 2026-11-01T00:00:00Z (Greenwich Mean Time again), and when November is settled (3 December). */
#define NOVEMBER_STARTS (OCTOBER_STARTS + 31 * 86400LL + 3600)
#define NOVEMBER_SETTLED (NOVEMBER_STARTS + 32 * 86400LL)

static long long post(time_t from, time_t to) { return fpt_world_gp_shift_at(&w, from, to, "instant"); }
static void move(long long shift, long long start) { fpt_world_move_shift(&w, shift, start); }

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp_a = fpt_world_clinician(&w, "k.a@t.test", "gp", "7400011", true, NULL);
  gp_b = fpt_world_clinician(&w, "k.b@t.test", "gp", "7400012", true, NULL);
  time_t day = time(NULL) + 10 * 86400;
  long long worked = post(day, day + 8 * 3600);
  fpt_world_book(&w, gp_a, worked);
  long long open = post(day + 86400, day + 86400 + 4 * 3600);
  long long marked = post(day + 2 * 86400, day + 2 * 86400 + 4 * 3600);
  marked_booking = fpt_world_book(&w, gp_b, marked);
  long long november = post(day + 3 * 86400, day + 3 * 86400 + 3 * 3600);
  fpt_world_book(&w, gp_a, november);
  move(worked, OCT(5, 8));
  move(open, OCT(12, 13));
  move(marked, OCT(22, 9));
  move(november, OCT(34, 9));
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static json_t *totals(const char *from, const char *to) {
  json_t *m = fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/metrics?from=%s&to=%s", from, to), 200, NULL);
  json_t *t = json_object_get(m, "totals");
  assert_non_null(t);
  return t;
}

static void assert_hours(json_t *f, double want) {
  double got = json_number_value(json_object_get(f, "hours_delivered"));
  if (got < want - 1e-9 || got > want + 1e-9) fail_msg("hours_delivered: %.2f, want %.2f", got, want);
}

/* The figures of October, of November, of a period with ragged ends (15 September to 19 October:
   the worked and the open sessions), of the two months together and of the financial year, with
   `marked` attended (filled) or not. */
static void assert_figures(bool attended, const char *when) {
  print_message("the figures %s\n", when);
  json_t *f = totals("2026-10-01", "2026-11-01");
  assert_int_equal(fpt_int(f, "shifts_posted"), 3);
  assert_int_equal(fpt_int(f, "shifts_filled"), attended ? 2 : 1);
  assert_int_equal(fpt_int(f, "unfilled"), 1);
  assert_int_equal(fpt_int(f, "did_not_attend"), attended ? 0 : 1);
  assert_int_equal(fpt_int(f, "fees_agreed_pence"), attended ? 96000 : 64000);
  assert_hours(f, attended ? 12.0 : 8.0);
  f = totals("2026-11-01", "2026-12-01");
  assert_int_equal(fpt_int(f, "shifts_posted"), 1);
  assert_int_equal(fpt_int(f, "shifts_filled"), 1);
  assert_int_equal(fpt_int(f, "fees_agreed_pence"), 24000);
  assert_hours(f, 3.0);
  f = totals("2026-09-15", "2026-10-20");
  assert_int_equal(fpt_int(f, "shifts_posted"), 2);
  assert_int_equal(fpt_int(f, "shifts_filled"), 1);
  assert_int_equal(fpt_int(f, "fees_agreed_pence"), 64000);
  assert_hours(f, 8.0);
  f = totals("2026-10-01", "2026-12-01");
  assert_int_equal(fpt_int(f, "shifts_posted"), 4);
  assert_int_equal(fpt_int(f, "shifts_filled"), attended ? 3 : 2);
  assert_int_equal(fpt_int(f, "fees_agreed_pence"), attended ? 120000 : 88000);
  assert_hours(f, attended ? 15.0 : 11.0);
  f = totals("2026-04-01", "2027-04-01");
  assert_int_equal(fpt_int(f, "shifts_posted"), 4);
  assert_int_equal(fpt_int(f, "shifts_filled"), attended ? 3 : 2);
  assert_int_equal(fpt_int(f, "did_not_attend"), attended ? 0 : 1);
  assert_hours(f, attended ? 15.0 : 11.0);
}

static long long kept(long long month_start) {
  return fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM metric_months WHERE practice_id = %lld AND month_start = %lld",
                                     w.practice1, month_start));
}

/* Waits (up to 20 s of upkeep runs) until practice1's month is kept. */
static void wait_for_month(long long month_start, const char *name) {
  for (int i = 0; i < 200 && !kept(month_start); i++) usleep(100 * 1000);
  if (!kept(month_start)) fail_msg("%s was not kept after 20 s:\n%s", name, fpt_server_log(&srv));
}

static void wait_for_october(void) { wait_for_month(OCTOBER_STARTS, "October"); }

static void test_the_figures_are_the_same_kept_or_counted(void **state) {
  (void)state;
  assert_figures(true, "as the fixture was made");
  wait_for_october();
  /* What was kept is what the shifts say: October's row for practice1. */
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT shifts_posted * 1000000 + shifts_filled * 10000 + unfilled * 100"
                                               " + did_not_attend FROM metric_months WHERE practice_id = %lld AND"
                                               " month_start = %lld", w.practice1, OCTOBER_STARTS)),
                   3020100);
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT minutes_delivered FROM metric_months WHERE practice_id = %lld"
                                               " AND month_start = %lld", w.practice1, OCTOBER_STARTS)),
                   720);
  /* Practices with no shifts keep their months too (as nothing), so that none is counted again. */
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM metric_months WHERE practice_id = %lld AND"
                                               " month_start = %lld AND shifts_posted = 0", w.practice2, OCTOBER_STARTS)),
                   1);
  assert_figures(true, "with October kept");
}

static void test_the_overview_reads_the_kept_month(void **state) {
  (void)state;
  wait_for_october();
  /* A kept row stands for its month: altered by hand (never done by flexpool), the overview shows it.
     The upkeep keeps only what is missing, so the alteration stays until the month is forgotten. */
  fpt_sql(&srv, fpt_str("UPDATE metric_months SET shifts_posted = shifts_posted + 100 WHERE practice_id = %lld"
                        " AND month_start = %lld", w.practice1, OCTOBER_STARTS));
  assert_int_equal(fpt_int(totals("2026-10-01", "2026-11-01"), "shifts_posted"), 103);
  assert_int_equal(fpt_int(totals("2026-10-01", "2026-12-01"), "shifts_posted"), 104);
  /* A period that holds only part of October counts its days from the shifts. */
  assert_int_equal(fpt_int(totals("2026-10-02", "2026-11-01"), "shifts_posted"), 3);
  fpt_sql(&srv, fpt_str("UPDATE metric_months SET shifts_posted = shifts_posted - 100 WHERE practice_id = %lld"
                        " AND month_start = %lld", w.practice1, OCTOBER_STARTS));
  assert_figures(true, "with October kept as it was");
}

static void test_a_change_forgets_the_month_at_once(void **state) {
  (void)state;
  wait_for_october();
  /* The upkeep keeps each month in its own transaction, so November (once settled) may be kept a
     moment after October: wait for it too, lest its keeping be taken for the change's doing. */
  if (time(NULL) >= NOVEMBER_SETTLED) wait_for_month(NOVEMBER_STARTS, "November");
  long long november = kept(NOVEMBER_STARTS);
  fpt_sql(&srv, fpt_str("UPDATE metric_months SET shifts_posted = shifts_posted + 100 WHERE practice_id = %lld"
                        " AND month_start = %lld", w.practice1, OCTOBER_STARTS));
  /* The practice marks gp_b as did not attend: the same transaction forgets practice1's October
     (and with it the alteration above), so the next overview counts it from the shifts. */
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/did-not-attend", marked_booking), 200, NULL);
  assert_figures(false, "after the practice marked the session");
  /* November, which the change did not touch, stays kept. */
  assert_int_equal(kept(NOVEMBER_STARTS), november);
  wait_for_october();
  assert_figures(false, "with October kept again");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_the_figures_are_the_same_kept_or_counted),
      cmocka_unit_test(test_the_overview_reads_the_kept_month),
      cmocka_unit_test(test_a_change_forgets_the_month_at_once),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
