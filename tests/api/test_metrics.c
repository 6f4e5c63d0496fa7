/*
 * The commissioner's figures (issue 14, docs/METRICS.md "The overview") against a hand-computed
 * fixture month: October 2026 in UK local dates, [2026-10-01, 2026-11-01), which holds the day the
 * clocks go back (25 October: 25 hours long). Everything is made through the API a few hours or
 * days ahead, as users would, and then moved into October with SQL (time passing), keeping each
 * session's length, so that each figure can be worked out by hand:
 *
 *   boundary  2026-09-30 23:30Z to 10-01 03:30Z: 00:30 BST on 1 October, in the month; open: unfilled
 *   worked    gp_a, 10-05 08:00Z-16:00Z (8 h at GBP 80 an hour: 64,000p agreed); timesheet 08:00-15:00Z
 *             approved (7 h, 56,000p), its invoice paid
 *   clock     gp_b, 10-25 08:00Z-12:00Z, the clock-change day (4 h, 32,000p); no timesheet: 4 h delivered
 *   remote    gp_d, 10-12 13:00Z-17:00Z, a remote session (4 h, 32,000p); no timesheet
 *   cancelled gp_a booked it 10 days ahead and cancelled (not late): open again, unfilled
 *   late      gp_b booked it 2 hours ahead and cancelled: a late cancellation; unfilled
 *   dna       gp_d, 10-20: the practice marked them as did not attend
 *   (each posted 30 days before it starts and booked 2 days before: 28 days, 672 hours, to fill)
 *   withdrawn the practice withdrew it: not posted
 *   november  2026-11-01 00:30Z: 00:30 GMT on 1 November, outside the month
 *   future    gp_a, booked 5 days from now: hours booked ahead in a period that holds it
 *
 * Members: gp_a, gp_b, gp_d (passports complete) and nurse_c (passport not), all admitted in
 * September; practice1 in the pool (its profile completed during the test).
 *
 * So for October: posted 7 (all but withdrawn and november), filled 3, fill rate 42.9 % (3 / 7),
 * unfilled 3, did not attend 1, late cancellations 1, hours delivered 15 (7 + 4 + 4), ahead 0,
 * fees agreed 128,000p, approved 56,000p, paid 56,000p; clinicians registered 4, onboarded 3 (GPs
 * 3 of 3, nurses 0 of 1); practices registered 1, onboarded 0 until the profile is complete, then 1.
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
static const char *gp_a, *gp_b, *gp_d, *nurse_c;
static long long worked_booking, dna_booking;
static long long gp_a_id, gp_b_id, gp_d_id, nurse_c_id;

/* 2026-10-01T00:00:00Z and the like, as seconds. */
#define OCT(day, hour, min) ((long long)1790812800 + ((day) - 1) * 86400LL + (hour) * 3600LL + (min) * 60LL)

static long long post(time_t from, time_t to, const char *location) {
  json_t *j = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s}",
                       "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_at(from), "ends_at",
                       fpt_time_at(to), "rate_pence", 8000, "rate_unit", "hour", "booking_mode", "instant",
                       "location_type", location);
  return fpt_int(j, "id");
}

static void move(long long shift, long long start) { fpt_world_move_shift(&w, shift, start); }

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp_a = fpt_world_clinician(&w, "m.a@t.test", "gp", "7400001", true, &gp_a_id);
  gp_b = fpt_world_clinician(&w, "m.b@t.test", "gp", "7400002", true, &gp_b_id);
  gp_d = fpt_world_clinician(&w, "m.d@t.test", "gp", "7400004", true, &gp_d_id);
  w.verify_passports = false;
  nurse_c = fpt_world_clinician(&w, "m.c@t.test", "nurse", "74A0003E", true, &nurse_c_id);
  w.verify_passports = true;

  time_t now = time(NULL);
  time_t day = now + 10 * 86400;
  long long boundary = post(day, day + 4 * 3600, "site");
  long long worked = post(day + 86400, day + 86400 + 8 * 3600, "site");
  worked_booking = fpt_world_book(&w, gp_a, worked);
  long long clock = post(day + 2 * 86400, day + 2 * 86400 + 4 * 3600, "site");
  fpt_world_book(&w, gp_b, clock);
  long long remote = post(day + 3 * 86400, day + 3 * 86400 + 4 * 3600, "remote");
  fpt_world_book(&w, gp_d, remote);
  long long cancelled = post(day + 4 * 86400, day + 4 * 86400 + 4 * 3600, "site");
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", fpt_world_book(&w, gp_a, cancelled)), 200,
           "{s:s}", "reason", "a change of plan");
  long long late = post(now + 2 * 3600, now + 4 * 3600, "site");
  fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", fpt_world_book(&w, gp_b, late)), 200,
           "{s:s}", "reason", "unwell");
  long long dna = post(day + 5 * 86400, day + 5 * 86400 + 3 * 3600, "site");
  dna_booking = fpt_world_book(&w, gp_d, dna);
  long long withdrawn = post(day + 6 * 86400, day + 6 * 86400 + 3 * 3600, "site");
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", withdrawn), 200, NULL);
  long long november = post(day + 7 * 86400, day + 7 * 86400 + 3600, "site");
  fpt_world_book(&w, gp_a, post(now + 5 * 86400, now + 5 * 86400 + 2 * 3600, "site")); /* the future booking */

  /* Time passes: the sessions go back into October, the members were admitted in September, and
     the passports' checks were issued before it. */
  move(boundary, OCT(1, 0, 0) - 30 * 60);
  move(worked, OCT(5, 8, 0));
  move(clock, OCT(25, 8, 0));
  move(remote, OCT(12, 13, 0));
  move(cancelled, OCT(15, 9, 0));
  move(late, OCT(16, 9, 0));
  move(dna, OCT(20, 9, 0));
  move(withdrawn, OCT(21, 9, 0));
  move(november, OCT(32, 0, 30));
  fpt_sql(&srv, fpt_str("UPDATE pool_members SET added_at = %lld", OCT(1, 0, 0) - 20 * 86400LL));
  fpt_sql(&srv, "UPDATE passport_checks SET issued_on = issued_on - 400 WHERE issued_on IS NOT NULL");
  /* ... and submitted and verified in September (the figures read the records as they stood). */
  fpt_sql(&srv, fpt_str("UPDATE passport_checks SET created_at = %lld, verified_at = CASE WHEN verified_at IS NULL"
                        " THEN NULL ELSE %lld END", OCT(1, 0, 0) - 20 * 86400LL, OCT(1, 0, 0) - 19 * 86400LL));

  /* The worked session's timesheet, approved and paid; the practice marks the other no-show. */
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/bookings/%lld/timesheet", worked_booking), 200, "{s:s, s:s, s:i}",
           "actual_start", fpt_time_at((time_t)OCT(5, 8, 0)), "actual_end", fpt_time_at((time_t)OCT(5, 15, 0)),
           "break_minutes", 0);
  json_t *ts = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/timesheet/approval", worked_booking), 200, NULL);
  (void)ts;
  json_t *b = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings/%lld", worked_booking), 200, NULL);
  long long invoice = fpt_int(json_object_get(json_object_get(b, "timesheet"), "invoice"), "id");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/invoices/%lld/payment", invoice), 200, NULL);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/did-not-attend", dna_booking), 200, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static json_t *metrics(const char *token, const char *from, const char *to) {
  return fpt_call(&srv, token, "GET", fpt_str("/api/v1/metrics?from=%s&to=%s", from, to), 200, NULL);
}

static void assert_number(json_t *o, const char *key, double want) {
  json_t *v = json_object_get(o, key);
  if (!json_is_number(v)) fail_msg("%s is not a number", key);
  double got = json_number_value(v);
  if (got < want - 1e-9 || got > want + 1e-9) fail_msg("%s: %.4f, want %.4f", key, got, want);
}

/* The October figures of one area (the totals, or the PCN's row). */
static void assert_october(json_t *f) {
  assert_int_equal(fpt_int(f, "shifts_posted"), 7);
  assert_int_equal(fpt_int(f, "shifts_filled"), 3);
  assert_number(f, "fill_rate_percent", 42.9);
  assert_int_equal(fpt_int(f, "unfilled"), 3);
  assert_int_equal(fpt_int(f, "did_not_attend"), 1);
  assert_int_equal(fpt_int(f, "late_cancellations"), 1);
  assert_int_equal(fpt_int(f, "cancelled_by_clinician"), 2);
  assert_int_equal(fpt_int(f, "cancelled_by_practice"), 0);
  /* Each filled session was posted 30 days before its start and booked 2 days before it. */
  assert_number(f, "hours_to_fill_average", 28 * 24.0);
  assert_number(f, "hours_delivered", 15.0);
  assert_number(f, "hours_booked_ahead", 0.0);
  assert_int_equal(fpt_int(f, "fees_agreed_pence"), 128000);
  assert_int_equal(fpt_int(f, "fees_approved_pence"), 56000);
  assert_int_equal(fpt_int(f, "fees_paid_pence"), 56000);
  assert_int_equal(fpt_int(f, "practices_registered"), 1);
}

static void test_the_fixture_month(void **state) {
  (void)state;
  json_t *m = metrics(w.commissioner, "2026-10-01", "2026-11-01");
  json_t *t = json_object_get(m, "totals");
  assert_october(t);
  /* practice1 has no profile yet: registered, not onboarded. Of the ICB's two practices, one is in
     the pool: coverage 50 %. */
  assert_int_equal(fpt_int(t, "practices_onboarded"), 0);
  assert_int_equal(fpt_int(t, "practices"), 2);
  assert_number(t, "coverage_percent", 50.0);
  assert_int_equal(fpt_int(t, "clinicians_registered"), 4);
  assert_int_equal(fpt_int(t, "clinicians_onboarded"), 3);
  json_t *profs = json_object_get(m, "clinicians_by_profession");
  assert_int_equal(json_array_size(profs), 2);
  assert_string_equal(fpt_s(json_array_get(profs, 0), "profession"), "gp");
  assert_int_equal(fpt_int(json_array_get(profs, 0), "registered"), 3);
  assert_int_equal(fpt_int(json_array_get(profs, 0), "onboarded"), 3);
  assert_string_equal(fpt_s(json_array_get(profs, 1), "profession"), "nurse");
  assert_int_equal(fpt_int(json_array_get(profs, 1), "registered"), 1);
  assert_int_equal(fpt_int(json_array_get(profs, 1), "onboarded"), 0);
  /* The written form of the rate is the figure itself, not 0.42857142857142855. */
  const char *raw = fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics?from=2026-10-01&to=2026-11-01", NULL).body;
  assert_non_null(strstr(raw, "\"fill_rate_percent\":42.9,"));
  /* By PCN: the same (one practice), clinicians not attributed. */
  json_t *pcn = NULL;
  size_t i;
  json_t *row;
  json_array_foreach(json_object_get(m, "by_pcn"), i, row) if (fpt_int(row, "organisation_id") == w.pcn) pcn = row;
  assert_non_null(pcn);
  assert_october(pcn);
  assert_true(json_is_null(json_object_get(pcn, "clinicians_registered")));
  assert_true(json_is_null(json_object_get(pcn, "clinicians_onboarded")));
  /* The practice's manager and the pool's administrator see the same; the other practice nothing. */
  assert_october(json_object_get(metrics(w.pm1, "2026-10-01", "2026-11-01"), "totals"));
  assert_october(json_object_get(metrics(w.pool_admin, "2026-10-01", "2026-11-01"), "totals"));
  json_t *other = json_object_get(metrics(w.pm2, "2026-10-01", "2026-11-01"), "totals");
  assert_int_equal(fpt_int(other, "shifts_posted"), 0);
  assert_int_equal(fpt_int(other, "practices_registered"), 0);
}

/* The column of head named `name` in rows (a CSV's or a workbook's), or fails. */
static size_t column(json_t *rows, const char *name) {
  json_t *head = json_array_get(rows, 0);
  for (size_t i = 0; i < json_array_size(head); i++)
    if (json_is_string(json_array_get(head, i)) && strcmp(json_string_value(json_array_get(head, i)), name) == 0) return i;
  fail_msg("no column %s", name);
  return 0;
}

/* The row of rows whose `level` column says level and `organisation_id` is id (0: the total). */
static json_t *row_of(json_t *rows, const char *level, long long id) {
  size_t lc = column(rows, "level"), ic = column(rows, "organisation_id");
  for (size_t i = 1; i < json_array_size(rows); i++) {
    json_t *row = json_array_get(rows, i), *idv = json_array_get(row, ic);
    long long got = json_is_string(idv) ? atoll(json_string_value(idv)) : json_is_number(idv) ? (long long)json_number_value(idv) : 0;
    if (strcmp(json_string_value(json_array_get(row, lc)), level) == 0 && got == id) return row;
  }
  fail_msg("no %s row %lld", level, id);
  return NULL;
}

static void test_the_figures_download_as_csv_and_xlsx(void **state) {
  (void)state;
  const char *q = "?from=2026-10-01&to=2026-11-01";
  struct fpt_resp r = fpt_request(&srv, w.commissioner, "GET", fpt_str("/api/v1/metrics.csv%s", q), NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Disposition"), "figures-2026-10-01-to-2026-10-31.csv"));
  json_t *rows = fpt_csv(&r);
  json_t *total = row_of(rows, "total", 0), *practice = row_of(rows, "practice", w.practice1), *pcn = row_of(rows, "pcn", w.pcn);
  const char *want[][2] = {{"shifts_posted", "7"}, {"shifts_filled", "3"}, {"fill_rate_percent", "42.9"},
                           {"hours_delivered", "15.00"}, {"fees_agreed_pence", "128000"}, {"fees_agreed_gbp", "1280.00"},
                           {"fees_paid_gbp", "560.00"}, {"late_cancellations", "1"}};
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
    size_t c = column(rows, want[k][0]);
    assert_string_equal(json_string_value(json_array_get(total, c)), want[k][1]);
    assert_string_equal(json_string_value(json_array_get(practice, c)), want[k][1]);
    assert_string_equal(json_string_value(json_array_get(pcn, c)), want[k][1]);
  }
  /* The practice's row leads back up to its PCN; clinicians are not counted by area. */
  assert_int_equal(atoll(json_string_value(json_array_get(practice, column(rows, "parent_id")))), w.pcn);
  assert_string_equal(json_string_value(json_array_get(practice, column(rows, "clinicians_registered"))), "");
  assert_string_equal(json_string_value(json_array_get(total, column(rows, "clinicians_registered"))), "4");
  /* The same table as a workbook, numbers as numbers. */
  r = fpt_request(&srv, w.commissioner, "GET", fpt_str("/api/v1/metrics.xlsx%s", q), NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Type"), "spreadsheetml"));
  json_t *book = fpt_xlsx(&r);
  assert_int_equal(json_array_size(book), json_array_size(rows));
  json_t *btotal = row_of(book, "total", 0), *bpractice = row_of(book, "practice", w.practice1);
  const struct {
    const char *col;
    double want;
  } nums[] = {{"shifts_posted", 7}, {"fill_rate_percent", 42.9}, {"hours_delivered", 15}, {"fees_agreed_pence", 128000},
              {"fees_agreed_gbp", 1280}, {"fees_approved_gbp", 560}};
  for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
    size_t c = column(book, nums[k].col);
    json_t *a = json_array_get(btotal, c), *b = json_array_get(bpractice, c);
    if (!json_is_number(a) || !json_is_number(b)) fail_msg("%s is not a number in the workbook", nums[k].col);
    assert_true(json_number_value(a) > nums[k].want - 1e-9 && json_number_value(a) < nums[k].want + 1e-9);
    assert_true(json_number_value(b) > nums[k].want - 1e-9 && json_number_value(b) < nums[k].want + 1e-9);
  }
  assert_string_equal(json_string_value(json_array_get(bpractice, column(book, "name"))),
                      json_string_value(json_array_get(practice, column(rows, "name"))));
  assert_true(json_is_null(json_array_get(bpractice, column(book, "clinicians_registered"))));
  /* A clinician has no figures in any form. */
  fpt_expect_error(fpt_request(&srv, gp_a, "GET", fpt_str("/api/v1/metrics.xlsx%s", q), NULL), 403, "forbidden", NULL);
}

/* A trend by area: the practices of a place, PCN or practice in what the caller sees; no clinicians
   (they join pools, not areas) and no targets (the ICB's). */
static void test_the_trend_by_area(void **state) {
  (void)state;
  const long long areas[] = {w.pcn, w.place, w.practice1, w.icb};
  for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
    json_t *tr = fpt_call(&srv, w.commissioner, "GET",
                          fpt_str("/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01&by=month&area=%lld", areas[i]),
                          200, NULL);
    assert_int_equal(fpt_int(tr, "area"), areas[i]);
    json_t *p = json_array_get(json_object_get(tr, "periods"), 0);
    assert_october(p);
    assert_true(json_is_null(json_object_get(p, "clinicians_registered")));
    assert_true(json_is_null(json_object_get(p, "clinicians_onboarded")));
    assert_true(json_is_null(json_object_get(p, "targets")));
  }
  /* practice2 (in the ICB, outside the pool) posted nothing. */
  json_t *tr = fpt_call(&srv, w.commissioner, "GET",
                        fpt_str("/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01&by=month&area=%lld", w.practice2),
                        200, NULL);
  assert_int_equal(fpt_int(json_array_get(json_object_get(tr, "periods"), 0), "shifts_posted"), 0);
  /* The same rows as a table. */
  struct fpt_resp csv = fpt_request(&srv, w.commissioner, "GET",
                                    fpt_str("/api/v1/metrics/trend.csv?from=2026-10-01&to=2026-11-01&by=month&area=%lld",
                                            w.pcn), NULL);
  assert_int_equal(csv.status, 200);
  json_t *rows = fpt_csv(&csv);
  assert_int_equal(json_array_size(rows), 2);
  assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 1), column(rows, "shifts_posted"))), "7");
  assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 1), column(rows, "clinicians_registered"))), "");
  /* Not an area the caller sees: another ICB's, another practice's, none. */
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET",
                               fpt_str("/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01&area=%lld", w.other_icb), NULL),
                   404, "not_found", "area");
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET",
                               fpt_str("/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01&area=%lld", w.practice1), NULL),
                   404, "not_found", "area");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics/trend?area=999999", NULL), 404, "not_found",
                   "area");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics/trend?area=one", NULL), 400,
                   "invalid_parameter", "area");
}

/* Trends (docs/METRICS.md, "Trends"): October by week and by month, the periods adding up to the month. */
static void test_the_trend_by_week_and_by_month(void **state) {
  (void)state;
  /* By week: Thursday 1 October to Sunday 4th, then Monday to Sunday, the last week clipped at the month's end. */
  json_t *tr = fpt_call(&srv, w.commissioner, "GET", "/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01&by=week", 200, NULL);
  assert_string_equal(fpt_s(tr, "by"), "week");
  json_t *ps = json_object_get(tr, "periods");
  assert_int_equal(json_array_size(ps), 5);
  static const char *const bounds[] = {"2026-10-01", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-01"};
  long long posted = 0, filled = 0, fees = 0;
  double delivered = 0;
  for (size_t i = 0; i < 5; i++) {
    json_t *p = json_array_get(ps, i);
    assert_string_equal(fpt_s(p, "from"), bounds[i]);
    assert_string_equal(fpt_s(p, "to"), bounds[i + 1]);
    posted += fpt_int(p, "shifts_posted");
    filled += fpt_int(p, "shifts_filled");
    fees += fpt_int(p, "fees_agreed_pence");
    delivered += json_number_value(json_object_get(p, "hours_delivered"));
  }
  assert_int_equal(posted, 7);
  assert_int_equal(filled, 3);
  assert_int_equal(fees, 128000);
  assert_true(delivered > 15.0 - 1e-9 && delivered < 15.0 + 1e-9);
  /* The 00:30 BST session on the 1st; the worked session (7 h approved) on the 5th; the remote one
     on the 12th; the week of the 19th holds the did-not-attend and the clock-change day's 4 h. */
  assert_int_equal(fpt_int(json_array_get(ps, 0), "shifts_posted"), 1);
  assert_int_equal(fpt_int(json_array_get(ps, 0), "unfilled"), 1);
  assert_number(json_array_get(ps, 1), "hours_delivered", 7.0);
  assert_number(json_array_get(ps, 2), "hours_delivered", 4.0);
  assert_number(json_array_get(ps, 3), "hours_delivered", 4.0);
  assert_int_equal(fpt_int(json_array_get(ps, 3), "did_not_attend"), 1);
  /* A month's period is the month's own figures (August to November: months, the default past 92 days). */
  tr = fpt_call(&srv, w.commissioner, "GET", "/api/v1/metrics/trend?from=2026-08-01&to=2026-12-01", 200, NULL);
  assert_string_equal(fpt_s(tr, "by"), "month");
  ps = json_object_get(tr, "periods");
  assert_int_equal(json_array_size(ps), 4);
  assert_string_equal(fpt_s(json_array_get(ps, 2), "from"), "2026-10-01");
  assert_string_equal(fpt_s(json_array_get(ps, 2), "to"), "2026-11-01");
  assert_october(json_array_get(ps, 2));
  assert_int_equal(fpt_int(json_array_get(ps, 2), "clinicians_registered"), 4);
  assert_int_equal(fpt_int(json_array_get(ps, 1), "shifts_posted"), 0);
  /* Up to 92 days, weeks. */
  tr = fpt_call(&srv, w.pool_admin, "GET", "/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01", 200, NULL);
  assert_string_equal(fpt_s(tr, "by"), "week");
  /* Refused at the door, never cut short: more than 60 periods, an unknown unit; and not for clinicians. */
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics/trend?from=2025-04-01&to=2026-11-01&by=week", NULL),
                   400, "invalid_parameter", "by");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01&by=day", NULL),
                   400, "invalid_parameter", "by");
  fpt_expect_error(fpt_request(&srv, gp_a, "GET", "/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01", NULL), 403,
                   "forbidden", NULL);
  /* As a table: a row per week, its first and last day. */
  struct fpt_resp r = fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics/trend.csv?from=2026-10-01&to=2026-11-01&by=week", NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Disposition"), "trend-2026-10-01-to-2026-10-31.csv"));
  json_t *rows = fpt_csv(&r);
  assert_int_equal(json_array_size(rows), 6);
  json_t *first = json_array_get(rows, 1), *second = json_array_get(rows, 2), *last = json_array_get(rows, 5);
  assert_string_equal(json_string_value(json_array_get(first, column(rows, "first_day"))), "2026-10-01");
  assert_string_equal(json_string_value(json_array_get(first, column(rows, "last_day"))), "2026-10-04");
  assert_string_equal(json_string_value(json_array_get(second, column(rows, "hours_delivered"))), "7.00");
  assert_string_equal(json_string_value(json_array_get(second, column(rows, "fees_approved_gbp"))), "560.00");
  assert_string_equal(json_string_value(json_array_get(last, column(rows, "last_day"))), "2026-10-31");
  r = fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics/trend.xlsx?from=2026-10-01&to=2026-11-01&by=week", NULL);
  assert_int_equal(r.status, 200);
  json_t *book = fpt_xlsx(&r);
  assert_int_equal(json_array_size(book), 6);
  json_t *bsecond = json_array_get(book, 2);
  assert_string_equal(json_string_value(json_array_get(bsecond, column(book, "first_day"))), "2026-10-05");
  json_t *h = json_array_get(bsecond, column(book, "hours_delivered"));
  assert_true(json_is_number(h) && json_number_value(h) > 7.0 - 1e-9 && json_number_value(h) < 7.0 + 1e-9);
}

/* The monthly report (docs/METRICS.md, "The monthly report"): October's, made by `flexpool report
   make`, is the overview's table for the ICB and the month, as CSV and as a PDF, and is kept. */
static void test_the_monthly_report_of_october(void **state) {
  (void)state;
  char out[512];
  const char *make[] = {"report", "make", "--month", "2026-10", "--data-dir", srv.data_dir, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, make), 0);
  if (!strstr(out, "made 2 reports for 2026-10")) fail_msg("the world's two ICBs: %s", out); /* w.icb and w.other_icb */
  json_t *items = json_object_get(fpt_call(&srv, w.commissioner, "GET", "/api/v1/reports", 200, NULL), "items");
  json_t *rep = NULL;
  size_t i;
  json_t *x;
  json_array_foreach(items, i, x) {
    if (fpt_int(x, "icb_id") != w.icb) fail_msg("another ICB's report listed: %lld", fpt_int(x, "icb_id"));
    if (strcmp(fpt_s(x, "month"), "2026-10") == 0) rep = x;
  }
  assert_non_null(rep);
  assert_int_equal(fpt_int(rep, "icb_id"), w.icb);
  long long id = fpt_int(rep, "id");
  const char *made_at = fpt_s(rep, "made_at");
  /* The CSV is the overview's table of the month, cell for cell. */
  struct fpt_resp r = fpt_request(&srv, w.commissioner, "GET", fpt_s(rep, "csv_url"), NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Disposition"), fpt_str("report-%lld-2026-10.csv", w.icb)));
  json_t *kept = fpt_csv(&r);
  struct fpt_resp live = fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics.csv?from=2026-10-01&to=2026-11-01", NULL);
  if (!json_equal(kept, fpt_csv(&live))) fail_msg("the report's CSV is not the overview's:\n%s\n---\n%s", r.body, live.body);
  assert_string_equal(json_string_value(json_array_get(row_of(kept, "total", 0), column(kept, "shifts_posted"))), "7");
  /* The PDF says what it is, the month, and the figures. */
  const char *name = fpt_s(fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/organisations/%lld", w.icb), 200, NULL), "name");
  const char *text = fpt_pdf_text(&srv, w.commissioner, fpt_s(rep, "pdf_url"));
  assert_non_null(strstr(text, fpt_str("Monthly report: %s, October 2026", name)));
  assert_non_null(strstr(text, "Shifts starting from 1 Oct 2026 to 31 Oct 2026"));
  /* With the targets test_targets_against_the_figures left for 2026/27: 43.0% and GBP 18,250 a year. */
  const char *lines[] = {"Shifts posted", "7", "Fill rate (%)", "42.9%", "Fees agreed", "\xc2\xa3" "1,280.00", "Hours delivered", "15.00",
                         "Fill rate target", "43.0%: not met", "Fees agreed target", "\xc2\xa3" "1,550.00 for the month: within"};
  for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k += 2) {
    const char *at = strstr(text, lines[k]);
    if (!at) fail_msg("no '%s' in the report:\n%s", lines[k], text);
    const char *eol = strchr(at, '\n');
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)(eol ? eol - at : (long)strlen(at)), at);
    if (!strstr(line, lines[k + 1])) fail_msg("'%s' in the report: %s", lines[k + 1], line);
  }
  assert_non_null(strstr(text, "By practice"));
  assert_non_null(strstr(text, "General practitioner"));
  /* Kept: made once; the database refuses a change. */
  assert_int_equal(fpt_cli(out, sizeof out, make), 0);
  assert_non_null(strstr(out, "made 0 reports"));
  items = json_object_get(fpt_call(&srv, w.commissioner, "GET", "/api/v1/reports", 200, NULL), "items");
  int n = 0;
  json_array_foreach(items, i, x) if (strcmp(fpt_s(x, "month"), "2026-10") == 0) {
    n++;
    assert_int_equal(fpt_int(x, "id"), id);
    assert_string_equal(fpt_s(x, "made_at"), made_at);
  }
  assert_int_equal(n, 1);
  char err[256];
  assert_int_not_equal(fpt_sql_try(&srv, "UPDATE monthly_reports SET month = '2026-09'", err, sizeof err), 0);
  assert_int_not_equal(fpt_sql_try(&srv, "DELETE FROM monthly_reports", err, sizeof err), 0);
  /* The ICB's commissioners and system administrators only; a month not yet ended is refused. */
  fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/reports/%lld.pdf", id), 200, NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/reports", NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/reports/%lld.csv", id), NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", "/api/v1/reports/999999.csv", NULL), 404, "not_found", NULL);
  /* A month of a financial year without targets says which year has none. */
  const char *earlier[] = {"report", "make", "--month", "2025-10", "--data-dir", srv.data_dir, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, earlier), 0);
  items = json_object_get(fpt_call(&srv, w.commissioner, "GET", "/api/v1/reports", 200, NULL), "items");
  const char *earlier_pdf = NULL;
  json_array_foreach(items, i, x) if (strcmp(fpt_s(x, "month"), "2025-10") == 0) earlier_pdf = fpt_s(x, "pdf_url");
  assert_non_null(earlier_pdf);
  text = fpt_pdf_text(&srv, w.commissioner, earlier_pdf);
  const char *fill = strstr(text, "Fill rate target"), *fees = strstr(text, "Fees agreed target");
  if (!fill || !fees || !strstr(fill, "none set for 2025/26") || !strstr(fees, "none set for 2025/26"))
    fail_msg("October 2025's targets should be none set for 2025/26:\n%s", text);
  const char *future[] = {"report", "make", "--month", "2099-01", "--data-dir", srv.data_dir, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, future), 2);
}

static void test_the_month_edges_are_uk_midnights(void **state) {
  (void)state;
  /* 1 October alone holds the session at 00:30 BST (23:30Z on 30 September). */
  json_t *t = json_object_get(metrics(w.commissioner, "2026-10-01", "2026-10-02"), "totals");
  assert_int_equal(fpt_int(t, "shifts_posted"), 1);
  assert_int_equal(fpt_int(t, "unfilled"), 1);
  /* 30 September holds nothing of it. */
  t = json_object_get(metrics(w.commissioner, "2026-09-30", "2026-10-01"), "totals");
  assert_int_equal(fpt_int(t, "shifts_posted"), 0);
  /* The clock-change day (25 hours) holds its session; 1 November holds the one at 00:30 GMT. */
  t = json_object_get(metrics(w.commissioner, "2026-10-25", "2026-10-26"), "totals");
  assert_int_equal(fpt_int(t, "shifts_filled"), 1);
  assert_number(t, "hours_delivered", 4.0);
  t = json_object_get(metrics(w.commissioner, "2026-11-01", "2026-11-02"), "totals");
  assert_int_equal(fpt_int(t, "shifts_posted"), 1);
}

static void test_hours_ahead_are_apart_from_hours_delivered(void **state) {
  (void)state;
  /* From October to a week from now: October's sessions plus the future booking (2 h ahead). */
  char to[16];
  time_t later = time(NULL) + 8 * 86400;
  strftime(to, sizeof to, "%Y-%m-%d", gmtime(&later));
  json_t *t = json_object_get(metrics(w.commissioner, "2026-10-01", to), "totals");
  assert_number(t, "hours_delivered", 15.0);
  assert_number(t, "hours_booked_ahead", 2.0);
  assert_int_equal(fpt_int(t, "fees_agreed_pence"), 128000 + 16000);
}


/* Funding (docs/METRICS.md, "Funding"): the commissioner records, the pool reads, nobody edits. */
static json_t *fund(const char *token, long status, const char *kind, const char *on, long long pence, const char *text) {
  struct fpt_resp r = fpt_request(&srv, token, "POST", fpt_str("/api/v1/pools/%lld/funding", w.pool),
                                  "{s:s, s:s, s:I, s:s}", "kind", kind, "on", on, "amount_pence", (json_int_t)pence,
                                  "description", text);
  if (r.status != status) fail_msg("POST funding: %ld, want %ld: %s", r.status, status, r.body);
  return r.json;
}

static void test_the_commissioner_records_the_funding(void **state) {
  (void)state;
  fund(w.commissioner, 201, "allocation", "2026-04-01", 12000000, "NHS England pool funding 2026/27");
  fund(w.commissioner, 201, "spend", "2026-09-15", 100000, "Pool coordinator, September");
  json_t *e = fund(w.commissioner, 201, "spend", "2026-10-10", 250000, "Pool coordinator, October");
  fund(w.commissioner, 201, "spend", "2026-10-20", -50000, "Correction: October's was GBP 2,000");
  assert_string_equal(fpt_s(e, "kind"), "spend");
  assert_string_equal(fpt_s(e, "on"), "2026-10-10");
  /* Only the ICB's commissioners record it; the pool's administrators read it; nobody else. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", fpt_str("/api/v1/pools/%lld/funding", w.pool),
                               "{s:s, s:s, s:i, s:s}", "kind", "spend", "on", "2026-10-01", "amount_pence", 1,
                               "description", "x"), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("/api/v1/pools/%lld/funding", w.pool), NULL), 403,
                   "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.commissioner, "POST", fpt_str("/api/v1/pools/%lld/funding", w.pool),
                               "{s:s, s:s, s:i, s:s}", "kind", "spend", "on", "2026-10-01", "amount_pence", 0,
                               "description", "nothing"), 400, "invalid_field", "amount_pence");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "POST", fpt_str("/api/v1/pools/%lld/funding", w.pool),
                               "{s:s, s:s, s:i, s:s}", "kind", "gift", "on", "2026-10-01", "amount_pence", 5,
                               "description", "x"), 400, "invalid_field", "kind");
  json_t *f = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld/funding?year=2026", w.pool), 200, NULL);
  assert_string_equal(fpt_s(f, "financial_year"), "2026/27");
  assert_string_equal(fpt_s(f, "from"), "2026-04-01");
  assert_string_equal(fpt_s(f, "to"), "2027-04-01");
  assert_int_equal(fpt_int(f, "allocated_pence"), 12000000);
  assert_int_equal(fpt_int(f, "spent_pence"), 300000);
  assert_int_equal(fpt_int(f, "remaining_pence"), 11700000);
  assert_int_equal(json_array_size(json_object_get(f, "entries")), 4);
  /* The forecast carries the spending rate so far to 31 March: 300,000p over the days since 1 April
     (today included; the UK day may be a day after the UTC day between midnight and 01:00 BST). */
  time_t now = time(NULL);
  long long gone = (long long)(now / 86400) - 20544 + 1; /* 20544: 2026-04-01 as days since 1970 */
  long long want0 = (300000LL * 365 + gone / 2) / gone, want1 = (300000LL * 365 + (gone + 1) / 2) / (gone + 1);
  long long got = fpt_int(f, "forecast_spend_pence");
  if (gone > 365) assert_int_equal(got, 300000);
  else if (got != want0 && got != want1) fail_msg("forecast %lld, want %lld", got, want0);
  /* Another year holds none of it. */
  f = fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/pools/%lld/funding?year=2025", w.pool), 200, NULL);
  assert_int_equal(fpt_int(f, "allocated_pence"), 0);
  assert_int_equal(json_array_size(json_object_get(f, "entries")), 0);
  /* A day up to a year ahead (next year's allocation, recorded early); not beyond. */
  char ahead[16], beyond[16];
  time_t t = now + 360 * 86400;
  strftime(ahead, sizeof ahead, "%Y-%m-%d", gmtime(&t));
  t = now + 368 * 86400;
  strftime(beyond, sizeof beyond, "%Y-%m-%d", gmtime(&t));
  fund(w.commissioner, 201, "allocation", ahead, 1000000, "Next year's allocation, announced");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "POST", fpt_str("/api/v1/pools/%lld/funding", w.pool),
                               "{s:s, s:s, s:i, s:s}", "kind", "allocation", "on", beyond, "amount_pence", 5,
                               "description", "x"), 400, "invalid_field", "on");
  /* Append-only in the database itself. */
  char err[256];
  assert_int_not_equal(fpt_sql_try(&srv, "UPDATE pool_funding SET amount_pence = 1", err, sizeof err), 0);
  assert_int_not_equal(fpt_sql_try(&srv, "DELETE FROM pool_funding", err, sizeof err), 0);
}

/* NHS England's pool return for October (after the funding above): exact, as JSON and as CSV. */
static void test_the_nhs_england_return(void **state) {
  (void)state;
  json_t *ret = fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/pools/%lld/return?month=2026-10", w.pool), 200, NULL);
  assert_false(json_is_true(json_object_get(ret, "opened_on_recorded")));
  fpt_call(&srv, w.pool_admin, "PATCH", fpt_str("/api/v1/pools/%lld", w.pool), 200, "{s:s}", "opened_on", "2026-09-01");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PATCH", fpt_str("/api/v1/pools/%lld", w.pool), "{s:s}", "opened_on",
                               "2099-01-01"), 400, "invalid_field", "opened_on");
  ret = fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/pools/%lld/return?month=2026-10", w.pool), 200, NULL);
  assert_string_equal(fpt_s(ret, "month"), "2026-10");
  assert_string_equal(fpt_s(ret, "opened_on"), "2026-09-01");
  assert_true(json_is_true(json_object_get(ret, "opened_on_recorded")));
  assert_int_equal(fpt_int(ret, "gps_registered"), 3);
  assert_int_equal(fpt_int(ret, "gps_onboarded"), 3);
  assert_int_equal(fpt_int(ret, "practices_registered"), 1);
  assert_number(ret, "clinical_hours_month", 15.0);
  assert_number(ret, "clinical_hours_year_to_date", 15.0);
  assert_string_equal(fpt_s(ret, "financial_year"), "2026/27");
  assert_int_equal(fpt_int(ret, "funding_pence"), 12000000);
  assert_int_equal(fpt_int(ret, "spend_month_pence"), 200000);
  assert_int_equal(fpt_int(ret, "spend_year_to_date_pence"), 300000);
  assert_int_equal(fpt_int(ret, "funding_remaining_pence"), 11700000);
  /* September: before any session; the spend of September alone. */
  ret = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld/return?month=2026-09", w.pool), 200, NULL);
  assert_number(ret, "clinical_hours_month", 0.0);
  assert_int_equal(fpt_int(ret, "spend_month_pence"), 100000);
  assert_int_equal(fpt_int(ret, "spend_year_to_date_pence"), 100000);
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", fpt_str("/api/v1/pools/%lld/return?month=2026-13", w.pool), NULL),
                   400, "invalid_parameter", "month");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("/api/v1/pools/%lld/return?month=2026-10", w.pool), NULL), 403,
                   "forbidden", NULL);
  /* The CSV, read back by a CSV parser: a header and one row, pence and pounds. */
  struct fpt_resp r = fpt_request(&srv, w.commissioner, "GET", fpt_str("/api/v1/pools/%lld/return.csv?month=2026-10", w.pool), NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Type"), "text/csv"));
  json_t *rows = fpt_csv(&r);
  assert_int_equal(json_array_size(rows), 2);
  json_t *head = json_array_get(rows, 0), *row = json_array_get(rows, 1);
  assert_int_equal(json_array_size(head), json_array_size(row));
  const char *want[][2] = {{"month", "2026-10"}, {"opened_on", "2026-09-01"}, {"gps_registered", "3"},
                           {"gps_onboarded", "3"}, {"practices_registered", "1"}, {"clinical_hours_month", "15.00"},
                           {"financial_year", "2026/27"}, {"funding_pence", "12000000"}, {"funding_gbp", "120000.00"},
                           {"spend_year_to_date_pence", "300000"}, {"spend_year_to_date_gbp", "3000.00"},
                           {"opened_on_recorded", "true"}, {"funding_remaining_pence", "11700000"},
                           {"funding_remaining_gbp", "117000.00"}};
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
    bool found = false;
    for (size_t i = 0; i < json_array_size(head); i++)
      if (strcmp(json_string_value(json_array_get(head, i)), want[k][0]) == 0) {
        assert_string_equal(json_string_value(json_array_get(row, i)), want[k][1]);
        found = true;
      }
    if (!found) fail_msg("no column %s", want[k][0]);
  }
}

static void test_a_complete_profile_onboards_the_practice(void **state) {
  (void)state;
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, "{s:{s:s, s:s}}", "profile",
           "clinical_system", "EMIS Web", "induction", "Arrive 15 minutes early for a short induction.");
  json_t *org = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, NULL);
  assert_false(json_is_true(json_object_get(org, "profile_complete"))); /* no contact on arrival yet */
  assert_int_equal(fpt_int(json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "totals"),
                           "practices_onboarded"), 0);
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, "{s:{s:s, s:s, s:s}}",
           "profile", "clinical_system", "EMIS Web", "induction", "Arrive 15 minutes early for a short induction.",
           "contact_on_arrival", "Ask at reception for the practice manager.");
  org = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, NULL);
  assert_true(json_is_true(json_object_get(org, "profile_complete")));
  assert_int_equal(fpt_int(json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "totals"),
                           "practices_onboarded"), 1);
}

/* One epraccur.csv row: the 27 columns NHS Digital documents, those the import reads filled in. */
static const char *ods_row(const char *code, const char *name, const char *address, const char *postcode,
                           const char *status, const char *commissioner, const char *setting) {
  return fpt_str("\"%s\",\"%s\",\"Y63\",\"QWO\",\"%s\",\"\",\"LEEDS\",\"WEST YORKSHIRE\",\"\",\"%s\",\"19740401\","
                 "\"\",\"%s\",\"B\",\"%s\",\"20130401\",\"\",\"0113 000 0000\",\"\",\"\",\"\",\"0\",\"\",\"%s\","
                 "\"\",\"%s\",\"\"\r\n",
                 code, name, address, postcode, status, commissioner, commissioner, setting);
}

/* `flexpool import KIND FILE` of body written to FILE in the server's data directory: its output. */
static const char *import_file(const char *kind, const char *file, const char *body, int want_rc) {
  char path[300], out[2048];
  snprintf(path, sizeof path, "%s/%s", srv.data_dir, file);
  FILE *f = fopen(path, "w");
  fputs(body, f);
  fclose(f);
  const char *args[] = {"import", kind, path, "--data-dir", srv.data_dir, NULL};
  int rc = fpt_cli(out, sizeof out, args);
  if (rc != want_rc) fail_msg("import %s: %d, want %d: %s", kind, rc, want_rc, out);
  return fpt_str("%s", out);
}

static const char *import_ods(const char *body, int want_rc) { return import_file("ods", "epraccur.csv", body, want_rc); }

/* NHS ODS's practice file keeps the ICB's list: coverage counts the open practices. */
static void test_the_practice_file_keeps_the_list(void **state) {
  (void)state;
  const char *file = fpt_str("%s%s%s%s%s", ods_row("B86001", "PARK LANE SURGERY", "1 PARK LANE", "LS1 4AP", "A", "15F", "4"),
                             ods_row("B86002", "HILL TOP MEDICAL CENTRE", "HILL TOP", "LS6 2QB", "C", "15F", "4"),
                             ods_row("B86099", "MEADOW VIEW SURGERY", "2 MEADOW VIEW", "LS6 2QB", "A", "15F", "4"),
                             ods_row("B99001", "ELSEWHERE SURGERY", "1 HIGH STREET", "LS1 4AP", "A", "99X", "4"),
                             ods_row("Y12345", "A PHARMACY", "3 HIGH STREET", "LS1 4AP", "A", "15F", "1"));
  /* A malformed file changes nothing. */
  import_ods("\"B86099\",\"UNCLOSED", 1);
  assert_int_equal(fpt_int(json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "totals"), "practices"), 2);
  const char *out = import_ods(file, 0);
  assert_non_null(strstr(out, "1 added, 1 updated, 1 closed, 0 unchanged; 2 rows skipped"));
  json_t *m = metrics(w.commissioner, "2026-10-01", "2026-11-01");
  json_t *t = json_object_get(m, "totals");
  assert_int_equal(fpt_int(t, "practices"), 2); /* Park Lane and Meadow View; Hill Top closed */
  assert_int_equal(fpt_int(t, "practices_registered"), 1);
  assert_number(t, "coverage_percent", 50.0);
  /* The new practice hangs under the place; Park Lane keeps its PCN and its name's own case. */
  size_t i;
  json_t *row, *added = NULL, *park = NULL;
  json_array_foreach(json_object_get(m, "by_practice"), i, row) {
    if (strcmp(fpt_s(row, "ods_code"), "B86099") == 0) added = row;
    if (strcmp(fpt_s(row, "ods_code"), "B86001") == 0) park = row;
  }
  assert_non_null(added);
  assert_non_null(park);
  assert_int_equal(fpt_int(added, "parent_id"), w.place);
  assert_int_equal(fpt_int(park, "parent_id"), w.pcn);
  assert_string_equal(fpt_s(park, "name"), "Park Lane Surgery");
  json_t *org = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/organisations/%lld", w.practice2), 200, NULL);
  assert_false(json_is_true(json_object_get(org, "active")));
  /* The same file again changes nothing. */
  out = import_ods(file, 0);
  assert_non_null(strstr(out, "0 added, 0 updated, 0 closed, 3 unchanged; 2 rows skipped"));
}

static const char *import_pcn(const char *body, int want_rc) {
  return import_file("pcn", "pcn-core-partners.csv", body, want_rc);
}

/* NHS ODS's PCN member lists (ePCN's "PCN Core Partner Details", saved as CSV, its headings wrapped
   over lines as the spreadsheet has them) put each practice under its PCN, a new PCN under the
   practice's place. After the practice file's test: Meadow View (B86099) is under the place. */
static void test_the_pcn_member_lists(void **state) {
  (void)state;
  const char *head = "\xEF\xBB\xBF\"Partner\nOrganisation\nCode\",\"Partner\nName\",\"PCN Code\",\"PCN Name\","
                     "\"Practice to PCN\nRelationship\nStart Date\",\"Practice to PCN\nRelationship\nEnd Date\"\r\n";
  const char *file = fpt_str("%s%s", head,
                             "\"B86099\",\"MEADOW VIEW SURGERY\",\"U99001\",\"LEEDS NORTH PCN\",\"20190701\",\"\"\r\n"
                             "\"B86001\",\"PARK LANE SURGERY\",\"U12345\",\"LEEDS CENTRAL PCN\",\"20190701\",\"\"\r\n"
                             "\"B86002\",\"HILL TOP MEDICAL CENTRE\",\"U99001\",\"LEEDS NORTH PCN\",\"20190701\",\"20200331\"\r\n"
                             "\"B99001\",\"ELSEWHERE SURGERY\",\"U99002\",\"ELSEWHERE PCN\",\"20190701\",\"\"\r\n"
                             "\"B86001\",\"PARK LANE SURGERY\",\"NOT A CODE\",\"LEEDS CENTRAL PCN\",\"20190701\",\"\"\r\n");
  /* A file without the columns, and one without rows, change nothing; a row cut short is skipped. */
  import_pcn("\"Practice\",\"Network\"\r\n\"B86099\",\"U99001\"\r\n", 1);
  import_pcn("\"Partner Organisation Code\",\"PCN Code\",\"PCN Name\"\r\n", 1);
  assert_non_null(strstr(import_pcn("\"Partner Organisation Code\",\"PCN Code\",\"PCN Name\"\r\n\"B86099\",\"U99001", 0),
                         "PCNs: 0 added; practices: 0 moved to their PCN, 0 unchanged; 0 memberships ended; 1 rows skipped"));
  const char *out = import_pcn(file, 0);
  assert_non_null(strstr(out, "PCNs: 1 added; practices: 1 moved to their PCN, 1 unchanged; 1 memberships ended; 2 rows skipped"));
  json_t *m = metrics(w.commissioner, "2026-10-01", "2026-11-01");
  size_t i;
  json_t *row;
  long long north = 0;
  json_array_foreach(json_object_get(m, "by_pcn"), i, row) if (json_is_string(json_object_get(row, "ods_code")) &&
                                                               strcmp(fpt_s(row, "ods_code"), "U99001") == 0) {
    north = fpt_int(row, "organisation_id");
    assert_int_equal(fpt_int(row, "parent_id"), w.place);
    assert_string_equal(fpt_s(row, "name"), "LEEDS NORTH PCN");
  }
  assert_true(north > 0);
  json_array_foreach(json_object_get(m, "by_practice"), i, row) {
    if (strcmp(fpt_s(row, "ods_code"), "B86099") == 0) assert_int_equal(fpt_int(row, "parent_id"), north);
    if (strcmp(fpt_s(row, "ods_code"), "B86001") == 0) assert_int_equal(fpt_int(row, "parent_id"), w.pcn);
    if (strcmp(fpt_s(row, "ods_code"), "B86002") == 0) assert_int_equal(fpt_int(row, "parent_id"), w.pcn);
  }
  /* Each change audited; the same file again changes nothing. */
  json_t *audit = json_object_get(fpt_call(&srv, w.admin, "GET", "/api/v1/audit?entity=organisation", 200, NULL), "items");
  int moves = 0;
  json_array_foreach(audit, i, row) moves += strcmp(fpt_s(row, "action"), "organisation.import_pcn") == 0;
  assert_int_equal(moves, 2); /* the PCN added, the practice moved */
  out = import_pcn(file, 0);
  assert_non_null(strstr(out, "PCNs: 0 added; practices: 0 moved to their PCN, 2 unchanged; 1 memberships ended; 2 rows skipped"));
}

/* Practices in no PCN stay under their own place: a "No PCN recorded" row per place (last: it adds
   practices to the ICB). */
static void test_practices_in_no_pcn_stay_under_their_place(void **state) {
  (void)state;
  json_t *j = fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I, s:s, s:s}", "level",
                       "place", "ods_code", "36J", "name", "Calderdale", "parent_id", (json_int_t)w.icb, "postcode",
                       "LS1 4AP", "address", "1 Test Street, Halifax");
  long long place2 = fpt_int(j, "id");
  long long a = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I, s:s, s:s}",
                                 "level", "practice", "ods_code", "B86071", "name", "Leeds Lone Practice", "parent_id",
                                 (json_int_t)w.pcn, "postcode", "LS1 4AP", "address", "2 Test Street, Leeds"), "id");
  long long b = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I, s:s, s:s}",
                                 "level", "practice", "ods_code", "B86072", "name", "Halifax Lone Practice", "parent_id",
                                 (json_int_t)w.pcn, "postcode", "LS1 4AP", "address", "3 Test Street, Halifax"), "id");
  /* As NHS ODS's practice file leaves a practice whose PCN it does not give: under its place. */
  fpt_sql(&srv, fpt_str("UPDATE organisations SET parent_id = %lld WHERE id = %lld", w.place, a));
  fpt_sql(&srv, fpt_str("UPDATE organisations SET parent_id = %lld WHERE id = %lld", place2, b));
  json_t *m = metrics(w.commissioner, "2026-10-01", "2026-11-01");
  size_t i;
  json_t *row;
  int none = 0;
  bool under_leeds = false, under_calderdale = false;
  json_array_foreach(json_object_get(m, "by_pcn"), i, row) if (strcmp(fpt_s(row, "name"), "No PCN recorded") == 0) {
    none++;
    under_leeds |= fpt_int(row, "parent_id") == w.place;
    under_calderdale |= fpt_int(row, "parent_id") == place2;
  }
  assert_true(none >= 2); /* the practice file's test may have left one under Leeds already */
  assert_true(under_leeds && under_calderdale);
  json_array_foreach(json_object_get(m, "by_practice"), i, row) {
    if (fpt_int(row, "organisation_id") == a) assert_int_equal(fpt_int(row, "parent_id"), w.place);
    if (fpt_int(row, "organisation_id") == b) assert_int_equal(fpt_int(row, "parent_id"), place2);
  }
}

/* The commissioner's targets (docs/METRICS.md, "Targets"): set per financial year, and October's
   figures held against October's share of them. */
static json_t *set_targets(const char *token, int status, long long icb, int year, const char *body) {
  return fpt_call(&srv, token, "PUT", fpt_str("/api/v1/organisations/%lld/targets/%d", icb, year), status, "o",
                  json_loads(body, 0, NULL));
}

static void test_targets_against_the_figures(void **state) {
  (void)state;
  /* 2026/27: a fill rate of 42.9% (October's exactly: met) and GBP 14,600 of fees, GBP 40 a day:
     October's 31 days are GBP 1,240, and it agreed GBP 1,280 (not within). */
  json_t *t = set_targets(w.commissioner, 200, w.icb, 2026, "{\"fill_rate_percent\": 42.9, \"spend_pence\": 1460000}");
  assert_string_equal(fpt_s(t, "financial_year"), "2026/27");
  assert_number(t, "fill_rate_percent", 42.9);
  json_t *m = metrics(w.commissioner, "2026-10-01", "2026-11-01");
  json_t *x = json_object_get(m, "targets");
  assert_int_equal(fpt_int(x, "icb_id"), w.icb);
  assert_number(x, "fill_rate_percent", 42.9);
  assert_true(json_is_true(json_object_get(x, "fill_rate_met")));
  assert_int_equal(fpt_int(x, "fees_agreed_pence"), 124000);
  assert_true(json_is_false(json_object_get(x, "fees_agreed_within")));
  /* Raised and loosened: the same figures now miss the one and keep within the other. */
  set_targets(w.commissioner, 200, w.icb, 2026, "{\"fill_rate_percent\": 43, \"spend_pence\": 1825000}");
  x = json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "targets");
  assert_true(json_is_false(json_object_get(x, "fill_rate_met")));
  assert_int_equal(fpt_int(x, "fees_agreed_pence"), 155000);
  assert_true(json_is_true(json_object_get(x, "fees_agreed_within")));
  /* A period across two financial years: 2025/26 has no targets, so neither has the period. */
  x = json_object_get(metrics(w.commissioner, "2026-03-01", "2026-05-01"), "targets");
  assert_true(json_is_null(json_object_get(x, "fill_rate_percent")));
  assert_true(json_is_null(json_object_get(x, "fees_agreed_pence")));
  assert_true(json_is_null(json_object_get(x, "fill_rate_met")));
  /* And why, as the server decided it: across two years; 2025/26 has no spend target. */
  assert_string_equal(fpt_s(x, "fill_rate_none"), "across_financial_years");
  json_t *touched = json_object_get(x, "financial_years"), *lacking = json_object_get(x, "fees_agreed_missing_years");
  assert_int_equal(json_array_size(touched), 2);
  assert_string_equal(json_string_value(json_array_get(touched, 0)), "2025/26");
  assert_string_equal(json_string_value(json_array_get(touched, 1)), "2026/27");
  assert_int_equal(json_array_size(lacking), 1);
  assert_string_equal(json_string_value(json_array_get(lacking, 0)), "2025/26");
  /* A month with both targets: nothing missing. */
  x = json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "targets");
  assert_true(json_is_null(json_object_get(x, "fill_rate_none")));
  assert_int_equal(json_array_size(json_object_get(x, "fees_agreed_missing_years")), 0);
  /* A month of a year with none set. */
  x = json_object_get(metrics(w.commissioner, "2026-02-01", "2026-03-01"), "targets");
  assert_string_equal(fpt_s(x, "fill_rate_none"), "not_set");
  assert_string_equal(json_string_value(json_array_get(json_object_get(x, "fees_agreed_missing_years"), 0)), "2025/26");
  /* The list, and a year without a spend target. */
  set_targets(w.commissioner, 200, w.icb, 2027, "{\"fill_rate_percent\": 85.5}");
  json_t *years = json_object_get(fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/organisations/%lld/targets", w.icb),
                                           200, NULL), "years");
  assert_int_equal(json_array_size(years), 2);
  assert_int_equal(fpt_int(json_array_get(years, 0), "spend_pence"), 1825000);
  assert_number(json_array_get(years, 1), "fill_rate_percent", 85.5);
  assert_true(json_is_null(json_object_get(json_array_get(years, 1), "spend_pence")));
  /* Each change is audited with what it was. */
  json_t *audit = json_object_get(fpt_call(&srv, w.admin, "GET", "/api/v1/audit?entity=icb_targets", 200, NULL), "items");
  assert_int_equal(json_array_size(audit), 3);
  json_t *last_2026 = json_array_get(audit, 1);
  assert_string_equal(fpt_s(last_2026, "action"), "targets.set");
  assert_int_equal(fpt_int(json_object_get(last_2026, "before"), "spend_pence"), 1460000);
  assert_int_equal(fpt_int(json_object_get(last_2026, "after"), "spend_pence"), 1825000);
  /* Bad values are refused and change nothing. */
  fpt_expect_error(fpt_request(&srv, w.commissioner, "PUT", fpt_str("/api/v1/organisations/%lld/targets/2026", w.icb),
                               "{s:f}", "fill_rate_percent", 85.55), 400, "invalid_field", "fill_rate_percent");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "PUT", fpt_str("/api/v1/organisations/%lld/targets/2026", w.icb),
                               "{s:f}", "fill_rate_percent", 100.1), 400, "invalid_field", "fill_rate_percent");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "PUT", fpt_str("/api/v1/organisations/%lld/targets/2026", w.icb),
                               "{s:i}", "spend_pence", -1), 400, "invalid_field", "spend_pence");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "PUT", fpt_str("/api/v1/organisations/%lld/targets/2026", w.icb),
                               "{s:s}", "fill_rate_percent", "85"), 400, "invalid_field", "fill_rate_percent");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "PUT", fpt_str("/api/v1/organisations/%lld/targets/1999", w.icb),
                               "{}"), 400, "invalid_parameter", "year");
  /* Only the ICB's commissioners; a practice is no ICB. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/organisations/%lld/targets", w.icb), NULL),
                   403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "PUT", fpt_str("/api/v1/organisations/%lld/targets/2026", w.icb), "{}"),
                   403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.commissioner, "PUT", fpt_str("/api/v1/organisations/%lld/targets/2026", w.other_icb),
                               "{}"), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", fpt_str("/api/v1/organisations/%lld/targets", w.practice1), NULL),
                   404, "not_found", NULL);
  x = json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "targets");
  assert_number(x, "fill_rate_percent", 43.0);
  /* The trend holds each month against its own share, by the same rule. */
  json_t *periods = json_object_get(fpt_call(&srv, w.commissioner, "GET", "/api/v1/metrics/trend?from=2026-10-01&to=2026-12-01&by=month",
                                             200, NULL), "periods");
  json_t *oct = json_object_get(json_array_get(periods, 0), "targets"), *nov = json_object_get(json_array_get(periods, 1), "targets");
  assert_int_equal(fpt_int(oct, "fees_agreed_pence"), 155000);
  assert_true(json_is_false(json_object_get(oct, "fill_rate_met")));
  assert_int_equal(fpt_int(nov, "fees_agreed_pence"), 150000);
  /* The pool's and the practice's figures are not the ICB's: no targets beside them. */
  assert_true(json_is_null(json_object_get(metrics(w.pool_admin, "2026-10-01", "2026-11-01"), "targets")));
  assert_true(json_is_null(json_object_get(metrics(w.pm1, "2026-10-01", "2026-11-01"), "targets")));
}

/* The pool administrator's drill-down to the clinician (docs/METRICS.md, "By clinician"): October
   by member, adding up to the overview's totals. */
static json_t *clinician_row(json_t *rows, long long id) {
  json_t *x;
  size_t i;
  json_array_foreach(rows, i, x) if (fpt_int(x, "clinician_id") == id) return x;
  fail_msg("no row for clinician %lld", id);
  return NULL;
}

/* Onboarded is decided on the records as they stood at the period's end: a check submitted, or
   verified, after October does not onboard anyone in October's figures, and does in November's. */
static void test_onboarded_as_the_records_stood(void **state) {
  (void)state;
  long long check = fpt_sql_count(&srv, fpt_str("SELECT MIN(id) FROM passport_checks WHERE clinician_id = %lld"
                                                " AND status = 'verified'", gp_b_id));
  long long was = fpt_sql_count(&srv, fpt_str("SELECT verified_at FROM passport_checks WHERE id = %lld", check));
  /* Verified on 10 November. */
  fpt_sql(&srv, fpt_str("UPDATE passport_checks SET verified_at = %lld WHERE id = %lld", OCT(41, 12, 0), check));
  json_t *t = json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "totals");
  assert_int_equal(fpt_int(t, "clinicians_registered"), 4);
  assert_int_equal(fpt_int(t, "clinicians_onboarded"), 2);
  t = json_object_get(metrics(w.commissioner, "2026-11-01", "2026-12-01"), "totals");
  assert_int_equal(fpt_int(t, "clinicians_onboarded"), 3);
  /* Submitted on 10 November (and verified then): the same. */
  fpt_sql(&srv, fpt_str("UPDATE passport_checks SET verified_at = %lld, created_at = %lld WHERE id = %lld", was,
                        OCT(41, 12, 0), check));
  t = json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "totals");
  assert_int_equal(fpt_int(t, "clinicians_onboarded"), 2);
  fpt_sql(&srv, fpt_str("UPDATE passport_checks SET created_at = %lld WHERE id = %lld", OCT(1, 0, 0) - 20 * 86400LL,
                        check));
  t = json_object_get(metrics(w.commissioner, "2026-10-01", "2026-11-01"), "totals");
  assert_int_equal(fpt_int(t, "clinicians_onboarded"), 3);
}

static void test_the_figures_by_clinician(void **state) {
  (void)state;
  json_t *m = fpt_call(&srv, w.pool_admin, "GET", "/api/v1/metrics/clinicians?from=2026-10-01&to=2026-11-01", 200, NULL);
  json_t *rows = json_object_get(m, "clinicians");
  assert_int_equal(json_array_size(rows), 4); /* the four members; nobody else worked there */
  json_t *a = clinician_row(rows, gp_a_id), *b = clinician_row(rows, gp_b_id), *d = clinician_row(rows, gp_d_id),
         *c = clinician_row(rows, nurse_c_id);
  /* gp_a: the worked session (7 hours approved, paid) and a cancellation in good time. */
  assert_int_equal(fpt_int(a, "shifts_filled"), 1);
  assert_number(a, "hours_delivered", 7.0);
  assert_int_equal(fpt_int(a, "fees_agreed_pence"), 64000);
  assert_int_equal(fpt_int(a, "fees_approved_pence"), 56000);
  assert_int_equal(fpt_int(a, "fees_paid_pence"), 56000);
  assert_int_equal(fpt_int(a, "cancelled_by_clinician"), 1);
  assert_int_equal(fpt_int(a, "late_cancellations"), 0);
  assert_true(json_is_true(json_object_get(a, "onboarded")));
  assert_true(json_is_true(json_object_get(a, "member")));
  /* gp_b: the clock-change session as booked, and a late cancellation. */
  assert_int_equal(fpt_int(b, "shifts_filled"), 1);
  assert_number(b, "hours_delivered", 4.0);
  assert_int_equal(fpt_int(b, "late_cancellations"), 1);
  assert_int_equal(fpt_int(b, "cancelled_by_clinician"), 1);
  /* gp_d: the remote session, and the one they did not attend (no hours, no fee). */
  assert_int_equal(fpt_int(d, "shifts_filled"), 1);
  assert_int_equal(fpt_int(d, "did_not_attend"), 1);
  assert_number(d, "hours_delivered", 4.0);
  assert_int_equal(fpt_int(d, "fees_agreed_pence"), 32000);
  /* nurse_c: a member whose passport is not complete, with nothing worked. */
  assert_true(json_is_false(json_object_get(c, "onboarded")));
  assert_int_equal(fpt_int(c, "shifts_filled"), 0);
  assert_number(c, "hours_delivered", 0.0);
  assert_string_equal(fpt_s(c, "profession"), "nurse");
  /* Together they are the overview's figures. */
  json_t *t = json_object_get(metrics(w.pool_admin, "2026-10-01", "2026-11-01"), "totals");
  double hours = 0;
  long long fees = 0, filled = 0, dna = 0, late = 0;
  json_t *x;
  size_t i;
  json_array_foreach(rows, i, x) {
    hours += json_number_value(json_object_get(x, "hours_delivered"));
    fees += fpt_int(x, "fees_agreed_pence");
    filled += fpt_int(x, "shifts_filled");
    dna += fpt_int(x, "did_not_attend");
    late += fpt_int(x, "late_cancellations");
  }
  assert_number(t, "hours_delivered", hours);
  assert_int_equal(fpt_int(t, "fees_agreed_pence"), fees);
  assert_int_equal(fpt_int(t, "shifts_filled"), filled);
  assert_int_equal(fpt_int(t, "did_not_attend"), dna);
  assert_int_equal(fpt_int(t, "late_cancellations"), late);
  /* Not for the commissioner (counts of people by practice are suppressed for them) nor a practice. */
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", "/api/v1/metrics/clinicians", NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/metrics/clinicians", NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, gp_a, "GET", "/api/v1/metrics/clinicians", NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", "/api/v1/metrics/clinicians?from=2026-10-01&to=2026-09-01", NULL),
                   400, "invalid_parameter", "to");
}

/* A JSON value of the figures by clinician as the CSV writes it: text as it is (made safe when a
   spreadsheet would run it: a leading apostrophe), true and false, counts, hours to two places. */
static const char *csv_text_of(json_t *v) {
  if (json_is_string(v)) {
    const char *s = json_string_value(v);
    return strchr("=+-@\t\r", s[0]) && s[0] ? fpt_str("'%s", s) : s;
  }
  if (json_is_boolean(v)) return json_is_true(v) ? "true" : "false";
  if (json_is_integer(v)) return fpt_str("%lld", (long long)json_integer_value(v));
  if (json_is_real(v)) return fpt_str("%.2f", json_real_value(v));
  fail_msg("an unexpected value in the figures by clinician");
  return NULL;
}

/* The figures by clinician download as CSV and as a workbook: the JSON's rows and columns exactly
   (beside each _pence column a _gbp one), a name a spreadsheet would run made safe, and the same
   refusals as the JSON. */
static void test_the_figures_by_clinician_download(void **state) {
  (void)state;
  const char *q = "?from=2026-10-01&to=2026-11-01";
  /* nurse_c names themselves as a formula would start. */
  const char *formula = "=SUM(1,2) Nurse";
  fpt_call(&srv, nurse_c, "PATCH", fpt_str("/api/v1/clinicians/%lld", nurse_c_id), 200, "{s:s}", "name", formula);
  json_t *rows = json_object_get(fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/metrics/clinicians%s", q), 200, NULL),
                                 "clinicians");
  assert_int_equal(json_array_size(rows), 4);
  assert_string_equal(fpt_s(clinician_row(rows, nurse_c_id), "name"), formula);

  /* The header: the JSON's keys in its order, a _gbp twin after each _pence. */
  json_t *want_head = fpt_keep_json(json_array()), *v; /* gc-owned: freed with the rest */
  const char *key;
  json_object_foreach(json_array_get(rows, 0), key, v) {
    json_array_append_new(want_head, json_string(key));
    size_t n = strlen(key);
    if (n > 6 && strcmp(key + n - 6, "_pence") == 0) json_array_append_new(want_head, json_string(fpt_str("%.*s_gbp", (int)(n - 6), key)));
  }
  assert_int_equal(json_array_size(want_head), 16 + 3);

  struct fpt_resp r = fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/metrics/clinicians.csv%s", q), NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Type"), "text/csv"));
  assert_non_null(strstr(fpt_header(&r, "Content-Disposition"), "attachment; filename=\"clinicians-2026-10-01-to-2026-10-31.csv\""));
  static const char HEAD[] = "\xEF\xBB\xBF\"clinician_id\",\"name\",\"profession\",\"member\",\"onboarded\",\"shifts_filled\",";
  assert_true(r.body_len > strlen(HEAD));
  assert_memory_equal(r.body, HEAD, strlen(HEAD));
  json_t *csv = fpt_csv(&r); /* fails without the byte-order mark */
  if (!json_equal(json_array_get(csv, 0), want_head))
    fail_msg("the CSV's header is not the JSON's keys:\n%s", json_dumps(json_array_get(csv, 0), 0));
  assert_int_equal(json_array_size(csv), 1 + json_array_size(rows));
  /* Each row the JSON's, in its order, cell by cell. */
  for (size_t i = 0; i < json_array_size(rows); i++) {
    json_t *row = json_array_get(rows, i), *line = json_array_get(csv, i + 1);
    assert_int_equal(json_array_size(line), json_array_size(want_head));
    for (size_t k = 0; k < json_array_size(want_head); k++) {
      const char *col = json_string_value(json_array_get(want_head, k));
      size_t n = strlen(col);
      const char *want = n > 4 && strcmp(col + n - 4, "_gbp") == 0
                             ? fpt_str("%.2f", (double)fpt_int(row, fpt_str("%.*s_pence", (int)(n - 4), col)) / 100.0)
                             : csv_text_of(json_object_get(row, col));
      if (strcmp(json_string_value(json_array_get(line, k)), want) != 0)
        fail_msg("row %zu, %s: the CSV says \"%s\", the JSON \"%s\"", i, col, json_string_value(json_array_get(line, k)), want);
    }
  }
  /* By hand, for one of them: gp_a's worked session and the nurse's formula-looking name made safe. */
  size_t a_row = 0;
  for (size_t i = 1; i < json_array_size(csv); i++)
    if (atoll(json_string_value(json_array_get(json_array_get(csv, i), 0))) == gp_a_id) a_row = i;
  assert_true(a_row > 0);
  json_t *a = json_array_get(csv, a_row);
  assert_string_equal(json_string_value(json_array_get(a, column(csv, "hours_delivered"))), "7.00");
  assert_string_equal(json_string_value(json_array_get(a, column(csv, "fees_agreed_gbp"))), "640.00");
  assert_string_equal(json_string_value(json_array_get(a, column(csv, "cancelled_by_clinician"))), "1");
  assert_string_equal(json_string_value(json_array_get(a, column(csv, "member"))), "true");
  assert_non_null(strstr(r.body, "\"'=SUM(1,2) Nurse\""));

  /* The workbook: the same columns; numbers as numbers, text as text. */
  r = fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/metrics/clinicians.xlsx%s", q), NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Type"), "spreadsheetml"));
  assert_non_null(strstr(fpt_header(&r, "Content-Disposition"), "clinicians-2026-10-01-to-2026-10-31.xlsx"));
  json_t *book = fpt_xlsx(&r);
  if (!json_equal(json_array_get(book, 0), want_head)) fail_msg("the workbook's header is not the CSV's");
  assert_int_equal(json_array_size(book), 1 + json_array_size(rows));
  for (size_t i = 0; i < json_array_size(rows); i++) {
    json_t *row = json_array_get(rows, i), *line = json_array_get(book, i + 1);
    for (size_t k = 0; k < json_array_size(want_head); k++) {
      const char *col = json_string_value(json_array_get(want_head, k));
      json_t *got = json_array_get(line, k), *x = json_object_get(row, col);
      size_t n = strlen(col);
      if (n > 4 && strcmp(col + n - 4, "_gbp") == 0) {
        double want = (double)fpt_int(row, fpt_str("%.*s_pence", (int)(n - 4), col)) / 100.0;
        if (!json_is_number(got) || json_number_value(got) < want - 1e-9 || json_number_value(got) > want + 1e-9)
          fail_msg("row %zu, %s: not %.2f in the workbook", i, col, want);
      } else if (json_is_string(x)) {
        if (!json_is_string(got) || strcmp(json_string_value(got), json_string_value(x)) != 0) fail_msg("row %zu, %s: not the JSON's text", i, col);
      } else if (json_is_boolean(x)) {
        if (!json_is_string(got) || strcmp(json_string_value(got), json_is_true(x) ? "true" : "false") != 0) fail_msg("row %zu, %s", i, col);
      } else if (!json_is_number(got) || json_number_value(got) < json_number_value(x) - 1e-9 ||
                 json_number_value(got) > json_number_value(x) + 1e-9) {
        fail_msg("row %zu, %s: not the JSON's number in the workbook", i, col);
      }
    }
  }

  /* The JSON's refusals: not for the commissioner nor a practice manager, nor a clinician; the
     period checked alike. */
  for (int xlsx = 0; xlsx < 2; xlsx++) {
    const char *path = xlsx ? "/api/v1/metrics/clinicians.xlsx" : "/api/v1/metrics/clinicians.csv";
    fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", fpt_str("%s%s", path, q), NULL), 403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s%s", path, q), NULL), 403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, gp_a, "GET", fpt_str("%s%s", path, q), NULL), 403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("%s?from=2026-10-01&to=2026-09-01", path), NULL), 400,
                     "invalid_parameter", "to");
    fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("%s?from=2026-10-32", path), NULL), 400,
                     "invalid_parameter", "from");
    fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("%s?from=2020-01-01&to=2026-01-01", path), NULL), 400,
                     "invalid_parameter", "to");
  }
  fpt_call(&srv, nurse_c, "PATCH", fpt_str("/api/v1/clinicians/%lld", nurse_c_id), 200, "{s:s}", "name", "m.c@t.test");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_the_fixture_month),
      cmocka_unit_test(test_onboarded_as_the_records_stood),
      cmocka_unit_test(test_targets_against_the_figures),
      cmocka_unit_test(test_the_figures_by_clinician),
      cmocka_unit_test(test_the_figures_by_clinician_download),
      cmocka_unit_test(test_the_figures_download_as_csv_and_xlsx),
      cmocka_unit_test(test_the_trend_by_week_and_by_month),
      cmocka_unit_test(test_the_trend_by_area),
      cmocka_unit_test(test_the_monthly_report_of_october),
      cmocka_unit_test(test_the_month_edges_are_uk_midnights),
      cmocka_unit_test(test_hours_ahead_are_apart_from_hours_delivered),
      cmocka_unit_test(test_the_commissioner_records_the_funding),
      cmocka_unit_test(test_the_nhs_england_return),
      cmocka_unit_test(test_a_complete_profile_onboards_the_practice),
      cmocka_unit_test(test_the_practice_file_keeps_the_list),
      cmocka_unit_test(test_the_pcn_member_lists),
      cmocka_unit_test(test_practices_in_no_pcn_stay_under_their_place),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
