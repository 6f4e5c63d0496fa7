/*
 * The lists a clinician and a practice read (issue 10): GET /api/v1/bookings, GET /api/v1/applications
 * and GET /api/v1/me/join-requests, paged a few rows at a time under every sort, with nothing
 * repeated or missing and each page in order; bookings upcoming (the shift not ended) and past (ended:
 * worked or not attended) apart; the search text q in names; and the 400s for an unknown sort or
 * when, a q too long and a cursor that is not one.
 *
 * The world: three GPs each booked on 80 instant shifts (three bookings at each start, so the id
 * breaks ties) and each applying for 80 approval shifts (applications sent within the same
 * seconds). Half the booked sessions are then moved into the past, and one to be under way, in the
 * database while the server is stopped (as time would), and the practice records that one past
 * booking was not attended.
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

#include "world.h"

enum { SLOTS = 80, GPS = 3, PAST_SLOTS = 40 };

static struct fpt_server srv;
static struct fpt_world w;
static char dir[64];
static const char *gp[GPS];
static const char *gp_email[GPS] = {"ada.gp@t.test", "bea.gp@t.test", "cy.gp@t.test"};
static long long gp_id[GPS];
static long long booking_ids[SLOTS][GPS];
static long long dna_booking;

static int setup(void **state) {
  (void)state;
  fpt_tempdir(dir, sizeof dir);
  if (fpt_server_start(&srv, dir, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  for (int g = 0; g < GPS; g++)
    gp[g] = fpt_world_clinician(&w, gp_email[g], "gp", fpt_str("72000%02d", g + 1), true, &gp_id[g]);
  for (int i = 0; i < SLOTS; i++) {
    for (int g = 0; g < GPS; g++) {
      long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 2 + i, 9, 2, "instant");
      booking_ids[i][g] = fpt_int(fpt_call(&srv, gp[g], "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL), "id");
    }
    long long a = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 2 + i, 14, 2, "approval");
    for (int g = 0; g < GPS; g++)
      fpt_call(&srv, gp[g], "POST", fpt_str("/api/v1/shifts/%lld/applications", a), 201, NULL);
  }
  /* Time passes: the first PAST_SLOTS sessions have been worked (100 days ago, in their order), and
     the next one is under way (started an hour ago): moved in the store as the clock would. */
  fpt_server_kill(&srv);
  const char *sql = "";
  long long back = 100LL * 86400 + 2 * 86400;
  for (int i = 0; i < PAST_SLOTS; i++)
    for (int g = 0; g < GPS; g++) {
      const char *ids = fpt_str("(SELECT shift_id FROM bookings WHERE id = %lld)", booking_ids[i][g]);
      sql = fpt_str("%sUPDATE shifts SET starts_at = starts_at - %lld, ends_at = ends_at - %lld,"
                    " status = 'completed' WHERE id = %s;", sql, back, back, ids);
      sql = fpt_str("%sUPDATE bookings SET starts_at = starts_at - %lld, ends_at = ends_at - %lld WHERE id = %lld;",
                    sql, back, back, booking_ids[i][g]);
    }
  long long now = (long long)time(NULL);
  for (int g = 0; g < GPS; g++) {
    long long id = booking_ids[PAST_SLOTS][g];
    sql = fpt_str("%sUPDATE shifts SET starts_at = %lld, ends_at = %lld WHERE id = (SELECT shift_id FROM bookings"
                  " WHERE id = %lld);", sql, now - 3600, now + 3600, id);
    sql = fpt_str("%sUPDATE bookings SET starts_at = %lld, ends_at = %lld WHERE id = %lld;", sql, now - 3600, now + 3600, id);
  }
  fpt_sql(&srv, sql);
  srv.pid = 0;
  if (fpt_server_start(&srv, dir, NULL) != 0) return -1;
  dna_booking = booking_ids[PAST_SLOTS - 1][1];
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/did-not-attend", dna_booking), 200, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_rmrf(dir);
  fpt_gc();
  return 0;
}

/*
 * Reads every page of path (with its own query) `limit` rows at a time as token: fails when an id
 * comes twice or the rows are not in the order `cmp` holds (negative: b may not come after a).
 * Returns the items in the order read (a gc-owned array).
 */
typedef int (*order_fn)(json_t *a, json_t *b);

static json_t *read_all(const char *token, const char *path, int limit, order_fn in_order) {
  json_t *all = fpt_keep_json(json_array());
  const char *cursor = NULL;
  int pages = 0;
  do {
    const char *sep = strchr(path, '?') ? "&" : "?";
    const char *url = cursor ? fpt_str("%s%slimit=%d&cursor=%s", path, sep, limit, cursor) : fpt_str("%s%slimit=%d", path, sep, limit);
    json_t *page = fpt_call(&srv, token, "GET", url, 200, NULL);
    json_t *items = json_object_get(page, "items");
    assert_true(json_array_size(items) <= (size_t)limit);
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e) {
      size_t n = json_array_size(all);
      for (size_t k = 0; k < n; k++)
        if (fpt_int(json_array_get(all, k), "id") == fpt_int(e, "id")) fail_msg("%s: id %lld came twice", path, fpt_int(e, "id"));
      if (n && !in_order(json_array_get(all, n - 1), e))
        fail_msg("%s: id %lld after id %lld is out of order", path, fpt_int(e, "id"), fpt_int(json_array_get(all, n - 1), "id"));
      json_array_append(all, e);
    }
    json_t *next = json_object_get(page, "next_cursor");
    cursor = json_is_string(next) ? fpt_str("%s", json_string_value(next)) : NULL;
    assert_true(++pages < 1000);
  } while (cursor);
  return all;
}

static int cmp_str(json_t *a, json_t *b, const char *key) { return strcmp(fpt_s(a, key), fpt_s(b, key)); }
static int cmp_id(json_t *a, json_t *b) { return fpt_int(a, "id") < fpt_int(b, "id") ? -1 : 1; }

/* RFC 3339 UTC times of one format compare as strings. */
static int soonest(json_t *a, json_t *b) {
  int c = cmp_str(a, b, "starts_at");
  return c < 0 || (c == 0 && cmp_id(a, b) < 0);
}
static int latest(json_t *a, json_t *b) {
  int c = cmp_str(a, b, "starts_at");
  return c > 0 || (c == 0 && cmp_id(a, b) > 0);
}
static int newest(json_t *a, json_t *b) {
  int c = cmp_str(a, b, "created_at");
  return c > 0 || (c == 0 && cmp_id(a, b) > 0);
}
static int oldest(json_t *a, json_t *b) {
  int c = cmp_str(a, b, "created_at");
  return c < 0 || (c == 0 && cmp_id(a, b) < 0);
}

static bool has_id(json_t *items, long long id) {
  size_t i;
  json_t *e;
  json_array_foreach(items, i, e) if (fpt_int(e, "id") == id) return true;
  return false;
}

/* Every booking of the slots [from, to) for every GP is in items. */
static void holds_slots(json_t *items, int from, int to) {
  for (int i = from; i < to; i++)
    for (int g = 0; g < GPS; g++)
      if (!has_id(items, booking_ids[i][g])) fail_msg("booking %lld (slot %d) is missing", booking_ids[i][g], i);
}

/* Bookings ------------------------------------------------------------------------------------ */

static void test_bookings_page_under_every_sort(void **state) {
  (void)state;
  /* The practice sees all 240, in either order, seven at a time. */
  json_t *all = read_all(w.pm1, "/api/v1/bookings?sort=starts_at", 7, soonest);
  assert_int_equal(json_array_size(all), SLOTS * GPS);
  holds_slots(all, 0, SLOTS);
  all = read_all(w.pm1, "/api/v1/bookings?sort=-starts_at", 7, latest);
  assert_int_equal(json_array_size(all), SLOTS * GPS);
  /* By default soonest first, as before. */
  all = read_all(w.pm1, "/api/v1/bookings", 11, soonest);
  assert_int_equal(json_array_size(all), SLOTS * GPS);
}

static void test_bookings_past_and_upcoming(void **state) {
  (void)state;
  /* Past: the sessions that have ended, the most recent first by default. */
  json_t *past = read_all(w.pm1, "/api/v1/bookings?when=past", 7, latest);
  assert_int_equal(json_array_size(past), PAST_SLOTS * GPS);
  holds_slots(past, 0, PAST_SLOTS);
  assert_string_equal(fpt_s(json_array_get(past, 0), "starts_at"),
                      fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings/%lld", booking_ids[PAST_SLOTS - 1][0]), 200, NULL),
                            "starts_at"));
  /* The one not attended is among them, marked so; the others are not. */
  size_t i;
  json_t *e;
  int dna = 0;
  json_array_foreach(past, i, e) {
    if (json_is_string(json_object_get(e, "attendance"))) {
      assert_int_equal(fpt_int(e, "id"), dna_booking);
      assert_string_equal(fpt_s(e, "attendance"), "did_not_attend");
      dna++;
    }
    assert_int_equal(fpt_int(e, "worked_minutes"), 120);
  }
  assert_int_equal(dna, 1);
  past = read_all(w.pm1, "/api/v1/bookings?when=past&sort=starts_at", 5, soonest);
  assert_int_equal(json_array_size(past), PAST_SLOTS * GPS);

  /* Upcoming: not ended, the one under way first, soonest first by default. */
  json_t *up = read_all(w.pm1, "/api/v1/bookings?when=upcoming", 7, soonest);
  assert_int_equal(json_array_size(up), (SLOTS - PAST_SLOTS) * GPS);
  holds_slots(up, PAST_SLOTS, SLOTS);
  assert_int_equal(fpt_int(json_array_get(up, 0), "id"), booking_ids[PAST_SLOTS][0]);
  up = read_all(w.pm1, "/api/v1/bookings?when=upcoming&sort=-starts_at", 9, latest);
  assert_int_equal(json_array_size(up), (SLOTS - PAST_SLOTS) * GPS);

  /* A clinician sees their own, each side. */
  past = read_all(gp[1], "/api/v1/bookings?when=past&status=confirmed", 6, latest);
  assert_int_equal(json_array_size(past), PAST_SLOTS);
  assert_true(has_id(past, dna_booking));
  up = read_all(gp[1], "/api/v1/bookings?when=upcoming&status=confirmed", 6, soonest);
  assert_int_equal(json_array_size(up), SLOTS - PAST_SLOTS);
  assert_false(has_id(up, dna_booking));
}

static void test_bookings_search(void **state) {
  (void)state;
  /* q finds a clinician by name (any case); not by the practice's name, which every row holds. */
  json_t *bea = read_all(w.pm1, "/api/v1/bookings?when=past&q=BEA.GP", 7, latest);
  assert_int_equal(json_array_size(bea), PAST_SLOTS);
  size_t i;
  json_t *e;
  json_array_foreach(bea, i, e) assert_int_equal(fpt_int(e, "clinician_id"), gp_id[1]);
  assert_int_equal(json_array_size(read_all(w.pm1, "/api/v1/bookings?q=park%20lane", 13, soonest)), 0);
  assert_int_equal(json_array_size(read_all(gp[0], "/api/v1/bookings?q=ADA", 13, soonest)), SLOTS);
  /* LIKE's own characters are searched for as themselves: nobody's name holds them. */
  assert_int_equal(json_array_size(read_all(w.pm1, "/api/v1/bookings?q=%25", 50, soonest)), 0);
  assert_int_equal(json_array_size(read_all(w.pm1, "/api/v1/bookings?q=_", 50, soonest)), 0);
  /* An empty search is no search. */
  assert_int_equal(json_array_size(read_all(w.pm1, "/api/v1/bookings?q=", 200, soonest)), SLOTS * GPS);
}

/* Applications -------------------------------------------------------------------------------- */

static void test_applications_page_under_every_sort(void **state) {
  (void)state;
  /* Newest first by default. */
  json_t *all = read_all(w.pm1, "/api/v1/applications", 7, newest);
  assert_int_equal(json_array_size(all), SLOTS * GPS);
  all = read_all(w.pm1, "/api/v1/applications?sort=-created_at", 9, newest);
  assert_int_equal(json_array_size(all), SLOTS * GPS);
  all = read_all(w.pm1, "/api/v1/applications?sort=created_at", 7, oldest);
  assert_int_equal(json_array_size(all), SLOTS * GPS);
  all = read_all(w.pm1, "/api/v1/applications?sort=starts_at", 7, soonest);
  assert_int_equal(json_array_size(all), SLOTS * GPS);
  /* A clinician's own, newest first; the practice searches its applicants by name. */
  json_t *mine = read_all(gp[2], "/api/v1/applications", 4, newest);
  assert_int_equal(json_array_size(mine), SLOTS);
  size_t i;
  json_t *e;
  json_array_foreach(mine, i, e) assert_int_equal(fpt_int(e, "clinician_id"), gp_id[2]);
  assert_int_equal(json_array_size(read_all(w.pm1, "/api/v1/applications?q=Cy.gp&sort=starts_at", 7, soonest)), SLOTS);
  assert_int_equal(json_array_size(read_all(w.pm1, "/api/v1/applications?q=Park%20Lane", 7, newest)), 0);
}

static void test_one_application(void **state) {
  (void)state;
  /* The applicant and the practice read one application; another clinician and another practice
     do not learn it exists. */
  json_t *mine = json_array_get(json_object_get(fpt_call(&srv, gp[0], "GET", "/api/v1/applications?limit=1", 200, NULL), "items"), 0);
  const char *path = fpt_str("/api/v1/applications/%lld", fpt_int(mine, "id"));
  json_t *a = fpt_call(&srv, gp[0], "GET", path, 200, NULL);
  assert_int_equal(fpt_int(a, "shift_id"), fpt_int(mine, "shift_id"));
  assert_string_equal(fpt_s(a, "practice_name"), "Park Lane Surgery");
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", path, 200, NULL), "status"), "pending");
  fpt_expect_error(fpt_request(&srv, gp[1], "GET", path, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", path, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, gp[0], "GET", "/api/v1/applications/999999", NULL), 404, "not_found", NULL);
}

/* Join requests ------------------------------------------------------------------------------- */

static void test_join_requests_page_both_ways(void **state) {
  (void)state;
  /* A clinician outside the pool asks, is declined, and asks again: 30 requests. */
  long long cid;
  const char *t = fpt_world_clinician(&w, "dee.gp@t.test", "gp", "7200099", false, &cid);
  for (int i = 0; i < 30; i++) {
    json_t *jr = fpt_call(&srv, t, "POST", fpt_str("/api/v1/pools/%lld/join-requests", w.pool), 201, "{}");
    if (i < 29)
      fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/join-requests/%lld/decline", fpt_int(jr, "id")), 200,
               "{s:s}", "reason", "Not yet");
  }
  json_t *all = read_all(t, "/api/v1/me/join-requests", 4, newest);
  assert_int_equal(json_array_size(all), 30);
  assert_string_equal(fpt_s(json_array_get(all, 0), "status"), "pending");
  all = read_all(t, "/api/v1/me/join-requests?sort=created_at", 4, oldest);
  assert_int_equal(json_array_size(all), 30);
  assert_string_equal(fpt_s(json_array_get(all, 29), "status"), "pending");
}

/* Refusals at the door ------------------------------------------------------------------------ */

static void test_list_parameters_refused(void **state) {
  (void)state;
  char long_q[140];
  memset(long_q, 'a', 101);
  long_q[101] = 0;
  struct {
    const char *path, *field;
  } bad[] = {
      {"/api/v1/bookings?sort=name", "sort"},
      {"/api/v1/bookings?sort=latest", "sort"},
      {"/api/v1/bookings?sort=", "sort"},
      {"/api/v1/bookings?when=yesterday", "when"},
      {fpt_str("/api/v1/bookings?q=%s", long_q), "q"},
      {"/api/v1/bookings?cursor=12", "cursor"},
      {"/api/v1/bookings?limit=201", "limit"},
      {"/api/v1/applications?sort=newest", "sort"},
      {fpt_str("/api/v1/applications?q=%s", long_q), "q"},
      {"/api/v1/applications?cursor=abc", "cursor"},
      {"/api/v1/applications?limit=0", "limit"},
      {"/api/v1/me/join-requests?sort=-starts_at", "sort"},
      {"/api/v1/me/join-requests?cursor=x_1", "cursor"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    fpt_expect_error(fpt_request(&srv, w.pm1, "GET", bad[i].path, NULL), 400, "invalid_parameter", bad[i].field);
  /* 100 characters is a search (of accented letters too: characters, not bytes). */
  long_q[100] = 0;
  fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings?q=%s", long_q), 200, NULL);
  char accented[700] = "";
  for (int i = 0; i < 100; i++) strcat(accented, "%C3%A9");
  fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/applications?q=%s", accented), 200, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bookings_page_under_every_sort),
      cmocka_unit_test(test_bookings_past_and_upcoming),
      cmocka_unit_test(test_bookings_search),
      cmocka_unit_test(test_applications_page_under_every_sort),
      cmocka_unit_test(test_one_application),
      cmocka_unit_test(test_join_requests_page_both_ways),
      cmocka_unit_test(test_list_parameters_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
