/*
 * "Who is available" (issue 12): for a date and session, the practice's pool clinicians whose
 * availability holds the whole session, whom an offer would book (eligible on that date, free then,
 * within the working-time guards), not blocked and within
 * reach, ranked favourites first, then past sessions at the practice, then distance; paged with a
 * cursor; only the practice's own managers ask.
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
static char monday[11];
static long long fav_id, past_id, near_id, extra_id, far_id, too_far_id, afternoon_id, tired_id, holiday_id, nurse_id, booked_id,
    unverified_id, outsider_id, blocked_id;

/* Where the practices and clinicians are. */
static const char POSTCODES[] =
    "LS1  4AP,LS1 4AP,,429000,433500,53.796,-1.548\n"
    "LS6  2QB,LS6 2QB,,428000,436000,53.818,-1.566\n"
    "BD1  1HY,BD1 1HY,,416000,433000,53.793,-1.752\n"
    "YO1  7HH,YO1 7HH,,460000,452000,53.962,-1.082\n"
    "LS6  3AA,LS6 3AA,,426500,436400,53.8216,-1.5888\n";

static void set_availability(const char *token, const char *session, const char *holiday, const char *extra) {
  if (holiday)
    fpt_call(&srv, token, "PUT", "/api/v1/me/availability", 200, "{s:[{s:s, s:s}], s:[{s:s, s:s}]}", "pattern", "day",
             "monday", "session", session, "exceptions", "kind", "unavailable", "from", holiday);
  else if (extra)
    fpt_call(&srv, token, "PUT", "/api/v1/me/availability", 200, "{s:[], s:[{s:s, s:s, s:s}]}", "pattern", "exceptions",
             "kind", "extra", "from", extra, "session", "morning");
  else
    fpt_call(&srv, token, "PUT", "/api/v1/me/availability", 200, "{s:[{s:s, s:s}]}", "pattern", "day", "monday",
             "session", session);
}

static const char *gp_at(const char *name, const char *postcode, long long *id) {
  static int n;
  const char *t = fpt_world_clinician_at(&w, fpt_str("%s@t.test", name), "gp", fpt_str("73%05d", ++n), true, postcode,
                                         20, id);
  return t;
}

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  if (fpt_import_postcodes(&srv, POSTCODES) != 0) return -1;
  fpt_world_build(&w, &srv);
  fpt_monday_ahead(monday);

  set_availability(gp_at("fav", "BD1 1HY", &fav_id), "morning", NULL, NULL);
  const char *past = gp_at("past", "BD1 1HY", &past_id);
  set_availability(past, "morning", NULL, NULL);
  set_availability(gp_at("near", "LS6 2QB", &near_id), "morning", NULL, NULL);
  set_availability(gp_at("extra", "LS6 3AA", &extra_id), NULL, NULL, monday);
  set_availability(gp_at("far", "BD1 1HY", &far_id), "morning", NULL, NULL);
  set_availability(gp_at("toofar", "YO1 7HH", &too_far_id), "morning", NULL, NULL);
  set_availability(gp_at("afternoon", "LS1 4AP", &afternoon_id), "afternoon", NULL, NULL);
  set_availability(gp_at("holiday", "LS1 4AP", &holiday_id), "morning", monday, NULL);
  const char *tired = gp_at("tired", "LS1 4AP", &tired_id);
  set_availability(tired, "afternoon", NULL, NULL);
  const char *booked = gp_at("booked", "LS1 4AP", &booked_id);
  set_availability(booked, "morning", NULL, NULL);
  set_availability(gp_at("blocked", "LS1 4AP", &blocked_id), "morning", NULL, NULL);
  set_availability(fpt_world_clinician(&w, "nurse@t.test", "nurse", "12A3456E", true, &nurse_id), "morning", NULL, NULL);
  set_availability(fpt_world_clinician(&w, "outsider@t.test", "gp", "7399001", false, &outsider_id), "morning", NULL, NULL);
  w.verify_passports = false;
  set_availability(fpt_world_clinician(&w, "unverified@t.test", "gp", "7399002", true, &unverified_id), "morning", NULL,
                   NULL);
  w.verify_passports = true;

  fpt_call(&srv, w.pm1, "PUT", fpt_str("/api/v1/organisations/%lld/favourites/%lld", w.practice1, fav_id), 200, NULL);
  fpt_call(&srv, w.pm1, "PUT", fpt_str("/api/v1/organisations/%lld/blocked/%lld", w.practice1, blocked_id), 200, NULL);
  /* booked: a booking on that Monday morning. */
  json_t *s = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                       (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_str("%sT09:00:00Z", monday), "ends_at",
                       fpt_str("%sT12:00:00Z", monday), "rate_pence", 8000, "rate_unit", "hour");
  fpt_call(&srv, booked, "POST", fpt_str("/api/v1/shifts/%lld/booking", fpt_int(s, "id")), 201, NULL);
  /* tired: 11 hours worked that Monday before noon (UTC), so that its afternoon would make more than
     the 13 hours in 24 that the working-time guards allow, without overlapping it in any season. */
  json_t *night = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                           (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_str("%sT00:30:00Z", monday),
                           "ends_at", fpt_str("%sT11:30:00Z", monday), "rate_pence", 8000, "rate_unit", "hour");
  fpt_call(&srv, tired, "POST", fpt_str("/api/v1/shifts/%lld/booking", fpt_int(night, "id")), 201, NULL);
  /* past: a session worked at the practice (a shift that starts in two seconds and lasts one). */
  struct tm tm;
  time_t soon = time(NULL) + 2;
  char a[32], b[32];
  time_t end = soon + 1;
  strftime(a, sizeof a, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&soon, &tm));
  strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&end, &tm));
  json_t *ps = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                        (json_int_t)w.practice1, "role", "gp", "starts_at", a, "ends_at", b, "rate_pence", 8000,
                        "rate_unit", "hour");
  fpt_call(&srv, past, "POST", fpt_str("/api/v1/shifts/%lld/booking", fpt_int(ps, "id")), 201, NULL);
  sleep(4);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static json_t *ask(const char *query) {
  return fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/organisations/%lld/available-clinicians?%s", w.practice1, query),
                  200, NULL);
}

static void test_ranked_and_filtered(void **state) {
  (void)state;
  json_t *j = ask(fpt_str("date=%s&session=morning&profession=gp", monday));
  json_t *items = json_object_get(j, "items");
  long long want[] = {fav_id, past_id, near_id, extra_id, far_id};
  size_t n = sizeof want / sizeof want[0];
  for (size_t i = 0; i < json_array_size(items); i++)
    fprintf(stderr, "  %zu: %s\n", i, fpt_s(json_array_get(items, i), "name"));
  assert_int_equal(json_array_size(items), n);
  for (size_t i = 0; i < n; i++) assert_int_equal(fpt_int(json_array_get(items, i), "clinician_id"), want[i]);
  assert_true(json_is_true(json_object_get(json_array_get(items, 0), "favourite")));
  assert_int_equal(fpt_int(json_array_get(items, 1), "past_sessions"), 1);
  double near_km = json_real_value(json_object_get(json_array_get(items, 2), "distance_km"));
  assert_true(near_km > 2.0 && near_km < 3.5);
  assert_true(json_is_null(json_object_get(j, "next_cursor")));
  /* Every profession: the nurse too. */
  json_t *all = ask(fpt_str("date=%s&session=morning", monday));
  assert_int_equal(json_array_size(json_object_get(all, "items")), n + 1);
  /* The afternoon: only the afternoon clinician; not tired, whom the working-time guards would refuse
     that afternoon, as an offer's acceptance would be refused. */
  json_t *pm = ask(fpt_str("date=%s&session=afternoon&profession=gp", monday));
  assert_int_equal(json_array_size(json_object_get(pm, "items")), 1);
  assert_int_equal(fpt_int(json_array_get(json_object_get(pm, "items"), 0), "clinician_id"), afternoon_id);
  /* Own hours inside the morning; beyond it, nobody. */
  assert_int_equal(json_array_size(json_object_get(ask(fpt_str("date=%s&start=09:00&end=12:00&profession=gp", monday)), "items")), n);
  assert_int_equal(json_array_size(json_object_get(ask(fpt_str("date=%s&start=09:00&end=14:00&profession=gp", monday)), "items")), 0);
  /* The next day (a Tuesday): nobody. */
  (void)too_far_id, (void)holiday_id, (void)unverified_id, (void)outsider_id, (void)nurse_id;
}

static void test_paged(void **state) {
  (void)state;
  long long want[] = {fav_id, past_id, near_id, extra_id, far_id};
  const char *cursor = NULL;
  size_t got = 0;
  for (int page = 0; page < 3; page++) {
    json_t *j = ask(cursor ? fpt_str("date=%s&session=morning&profession=gp&limit=2&cursor=%s", monday, cursor)
                           : fpt_str("date=%s&session=morning&profession=gp&limit=2", monday));
    json_t *items = json_object_get(j, "items");
    for (size_t i = 0; i < json_array_size(items); i++) assert_int_equal(fpt_int(json_array_get(items, i), "clinician_id"), want[got++]);
    json_t *next = json_object_get(j, "next_cursor");
    if (page < 2) {
      assert_int_equal(json_array_size(items), 2);
      assert_true(json_is_string(next));
      cursor = json_string_value(next);
    } else {
      assert_int_equal(json_array_size(items), 1);
      assert_true(json_is_null(next));
    }
  }
  assert_int_equal(got, 5);
}

static void test_refused(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/organisations/%lld/available-clinicians?date=%s&session=morning", w.practice1, monday);
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", path, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", path, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", path, NULL), 403, "forbidden", NULL);
  const char *base = fpt_str("/api/v1/organisations/%lld/available-clinicians", w.practice1);
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s?session=morning", base), NULL), 400, "invalid_parameter", "date");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s?date=%s&session=night", base, monday), NULL), 400,
                   "invalid_parameter", "session");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s?date=%s&start=09:00", base, monday), NULL), 400,
                   "invalid_parameter", "end");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s?date=%s&session=morning&limit=101", base, monday), NULL), 400,
                   "invalid_parameter", "limit");
  /* A time already started: no offer could be made for it. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s?date=2020-01-06&session=morning", base), NULL), 400,
                   "invalid_parameter", "date");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s?date=2020-01-06&start=09:00&end=10:00", base), NULL), 400,
                   "invalid_parameter", "start");
}

/* Capacity against demand (docs/METRICS.md): the pool's declared sessions and its posted shifts. */
static json_t *session_of(json_t *cap, const char *date, const char *session) {
  size_t i, j;
  json_t *d, *x;
  json_array_foreach(json_object_get(cap, "days"), i, d) {
    if (strcmp(fpt_s(d, "date"), date) != 0) continue;
    json_array_foreach(json_object_get(d, "sessions"), j, x) {
      if (strcmp(fpt_s(x, "session"), session) == 0) return x;
    }
  }
  fail_msg("no %s %s in the capacity", date, session);
  return NULL;
}

static void test_capacity(void **state) {
  (void)state;
  fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
           (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_str("%sT14:00:00Z", monday), "ends_at",
           fpt_str("%sT17:00:00Z", monday), "rate_pence", 8000, "rate_unit", "hour");
  const char *path = fpt_str("/api/v1/pools/%lld/capacity?from=%s&to=%s", w.pool, monday, fpt_date_add(monday, 6));
  json_t *cap = fpt_call(&srv, w.pool_admin, "GET", path, 200, NULL);
  /* Morning: every active member whose pattern holds it (the holiday one not; the booked, blocked,
     nurse and unverified ones still declared it; the outsider is in no pool). */
  json_t *am = session_of(cap, monday, "morning");
  assert_int_equal(fpt_int(am, "capacity"), 10);
  /* The booked one's shift and tired's night shift (starting 00:30, a morning shift by its start). */
  assert_int_equal(fpt_int(am, "demand"), 2);
  assert_int_equal(fpt_int(am, "filled"), 2);
  /* The afternoon: the afternoon clinician and tired, who declared it (whatever they booked since). */
  json_t *pm = session_of(cap, monday, "afternoon");
  assert_int_equal(fpt_int(pm, "capacity"), 2);
  assert_int_equal(fpt_int(pm, "demand"), 1);
  assert_int_equal(fpt_int(pm, "filled"), 0);
  assert_int_equal(fpt_int(session_of(cap, monday, "evening"), "capacity"), 0);
  /* The Tuesday: nobody declared it. */
  assert_int_equal(fpt_int(session_of(cap, fpt_date_add(monday, 1), "morning"), "capacity"), 0);
  json_t *totals = json_object_get(cap, "totals");
  assert_int_equal(fpt_int(totals, "capacity"), 12);
  assert_int_equal(fpt_int(totals, "demand"), 3);
  assert_int_equal(json_array_size(json_object_get(cap, "weeks")), 1);
  assert_int_equal(fpt_int(cap, "clinicians"), 13);
  /* The commissioner of the pool's ICB reads it; a practice manager or a clinician does not. */
  fpt_call(&srv, w.commissioner, "GET", path, 200, NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", path, NULL), 403, "forbidden", NULL);
  /* A window is at most 62 days, and to is not before from. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld/capacity?from=%s&to=%s", w.pool, monday,
                                                                   fpt_date_add(monday, 62)), NULL),
                   400, "invalid_parameter", "to");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld/capacity?from=%s&to=%s", w.pool, monday,
                                                                   fpt_date_add(monday, -1)), NULL),
                   400, "invalid_parameter", "to");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ranked_and_filtered),
      cmocka_unit_test(test_paged),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_capacity),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
