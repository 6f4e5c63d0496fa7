/*
 * The practice manager's side of issue 10, over HTTP against the real server:
 *  - a practice reads, before it posts, the pools it is in and who could admit it (its ICB's pools'
 *    administrators; none when its ICB has no pool: the system administrator);
 *  - a weekly series is read, edited and withdrawn as a whole (GET|PATCH|DELETE /api/v1/series/{id}),
 *    each shift moved by the core's state machine: booked and started shifts are kept, all or none;
 *  - the practice's shifts list pages 25 at a time, in either order (`sort`), filtered by several
 *    statuses, a date window, role and series, searched (`q`) in the details and practice name;
 *    unknown values are refused with the parameter named.
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
static const char *gp;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "gp.series@t.test", "gp", "7200001", true, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static const char *at(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return fpt_str("%s", buf);
}

/* Posts a weekly series of `count` 3-hour GP shifts at practice1, the first `first` seconds from now. */
static json_t *post_series(time_t first, int count, const char *role) {
  time_t t = time(NULL) + first;
  return fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:{s:s, s:i}}",
                  "practice_id", (json_int_t)w.practice1, "role", role, "starts_at", at(t), "ends_at", at(t + 3 * 3600),
                  "rate_pence", 8000, "rate_unit", "hour", "repeat", "every", "week", "count", count);
}

static json_t *pool_named(json_t *pools, long long id) {
  size_t i;
  json_t *p;
  json_array_foreach(pools, i, p) {
    if (fpt_int(p, "id") == id) return p;
  }
  return NULL;
}

static void test_practice_sees_its_pools_and_who_admits_it(void **state) {
  (void)state;
  /* In the pool: the pool, a member, with its administrator. */
  json_t *o = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, NULL);
  json_t *p = pool_named(json_object_get(o, "pools"), w.pool);
  assert_non_null(p);
  assert_true(json_is_true(json_object_get(p, "member")));
  assert_string_equal(fpt_s(json_array_get(json_object_get(p, "administrators"), 0), "email"), "pool@t.test");
  /* In no pool: its ICB's pool, not a member, and who administers it. */
  o = fpt_call(&srv, w.pm2, "GET", fpt_str("/api/v1/organisations/%lld", w.practice2), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(o, "pools")), 1);
  p = pool_named(json_object_get(o, "pools"), w.pool);
  assert_non_null(p);
  assert_true(json_is_false(json_object_get(p, "member")));
  assert_string_equal(fpt_s(json_array_get(json_object_get(p, "administrators"), 0), "email"), "pool@t.test");
  /* An ICB with no pool: no pool to ask (the system administrator admits it). */
  long long place = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I}", "level",
                                     "place", "ods_code", "16F", "name", "Wakefield", "parent_id", (json_int_t)w.other_icb),
                            "id");
  long long pcn = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I}", "level", "pcn",
                                   "ods_code", "U22345", "name", "Wakefield PCN", "parent_id", (json_int_t)place),
                          "id");
  long long lone = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I}", "level",
                                    "practice", "ods_code", "B87001", "name", "Lone Surgery", "parent_id", (json_int_t)pcn),
                           "id");
  o = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/organisations/%lld", lone), 200, NULL);
  assert_true(json_is_array(json_object_get(o, "pools")));
  assert_int_equal(json_array_size(json_object_get(o, "pools")), 0);
  /* Only the practice's managers (and system administrators) are told: not a commissioner, nor another practice. */
  o = fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/organisations/%lld", w.practice2), 200, NULL);
  assert_null(json_object_get(o, "pools"));
  struct fpt_resp r = fpt_request(&srv, w.pm1, "GET", fpt_str("/api/v1/organisations/%lld", w.practice2), NULL);
  assert_true(r.status == 404 || (r.status == 200 && !json_object_get(r.json, "pools")));
}

static long long count_status(json_t *series, const char *status) {
  long long n = 0;
  size_t i;
  json_t *s;
  json_array_foreach(json_object_get(series, "shifts"), i, s) n += strcmp(fpt_s(s, "status"), status) == 0;
  return n;
}

static void test_series_withdraw(void **state) {
  (void)state;
  json_t *posted = post_series(2 * 86400, 4, "gp");
  long long series = fpt_int(posted, "series_id");
  long long second = fpt_int(json_array_get(json_object_get(posted, "items"), 1), "id");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", second), 201, NULL);
  const char *path = fpt_str("/api/v1/series/%lld", series);
  /* What withdrawing would do, before doing it. */
  json_t *s = fpt_call(&srv, w.pm1, "GET", path, 200, NULL);
  assert_int_equal(json_array_size(json_object_get(s, "shifts")), 4);
  assert_int_equal(fpt_int(s, "open_upcoming"), 3);
  assert_int_equal(fpt_int(s, "booked_upcoming"), 1);
  assert_int_equal(fpt_int(s, "started"), 0);
  /* Another practice's manager and a clinician cannot withdraw it; nothing changes. */
  struct fpt_resp r = fpt_request(&srv, w.pm2, "DELETE", path, NULL);
  assert_true(r.status == 404 || r.status == 403);
  r = fpt_request(&srv, gp, "DELETE", path, NULL);
  assert_true(r.status == 404 || r.status == 403);
  fpt_expect_error(fpt_request(&srv, w.pm1, "DELETE", "/api/v1/series/999999", NULL), 404, "not_found", NULL);
  assert_int_equal(count_status(fpt_call(&srv, w.pm1, "GET", path, 200, NULL), "open"), 3);
  /* The manager withdraws it: the three open shifts go, the booked one stays booked. */
  json_t *done = fpt_call(&srv, w.pm1, "DELETE", path, 200, NULL);
  assert_int_equal(json_array_size(json_object_get(done, "changed_shift_ids")), 3);
  json_t *after = json_object_get(done, "series");
  assert_int_equal(count_status(after, "withdrawn"), 3);
  assert_int_equal(count_status(after, "booked"), 1);
  assert_int_equal(fpt_int(after, "open_upcoming"), 0);
  assert_int_equal(fpt_int(after, "booked_upcoming"), 1);
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", second), 200, NULL), "status"), "booked");
  /* Withdrawn shifts are audited one by one, as a single withdrawal is. */
  long long first = fpt_int(json_array_get(json_object_get(posted, "items"), 0), "id");
  json_t *audit = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/audit?entity=shift&entity_id=%lld", first), 200, NULL);
  bool found = false;
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(audit, "items"), i, it) found = found || strcmp(fpt_s(it, "action"), "shift.withdraw") == 0;
  assert_true(found);
  /* Nothing left to withdraw: refused, as withdrawing a booked shift on its own is. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "DELETE", path, NULL), 409, "invalid_state", NULL);
}

static void test_series_keeps_started_shifts(void **state) {
  (void)state;
  json_t *posted = post_series(3, 3, "gp");
  long long series = fpt_int(posted, "series_id");
  long long first = fpt_int(json_array_get(json_object_get(posted, "items"), 0), "id");
  sleep(4);
  const char *path = fpt_str("/api/v1/series/%lld", series);
  json_t *s = fpt_call(&srv, w.pm1, "GET", path, 200, NULL);
  assert_int_equal(fpt_int(s, "started"), 1);
  assert_int_equal(fpt_int(s, "open_upcoming"), 2);
  json_t *done = fpt_call(&srv, w.pm1, "PATCH", path, 200, "{s:i}", "rate_pence", 9100);
  assert_int_equal(json_array_size(json_object_get(done, "changed_shift_ids")), 2);
  json_t *started = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", first), 200, NULL);
  assert_int_equal(fpt_int(started, "rate_pence"), 8000);
  done = fpt_call(&srv, w.pm1, "DELETE", path, 200, NULL);
  assert_int_equal(json_array_size(json_object_get(done, "changed_shift_ids")), 2);
  started = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", first), 200, NULL);
  assert_string_equal(fpt_s(started, "status"), "open");
}

static void test_series_edit(void **state) {
  (void)state;
  json_t *posted = post_series(3 * 86400, 3, "gp");
  long long series = fpt_int(posted, "series_id");
  long long last = fpt_int(json_array_get(json_object_get(posted, "items"), 2), "id");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", last), 201, NULL);
  const char *path = fpt_str("/api/v1/series/%lld", series);
  /* Only the shared fields: a time belongs to each shift. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:s}", "starts_at", fpt_time_from_now(5, 0)), 400, "unknown_field",
                   "starts_at");
  /* All or none: a break as long as the 3-hour shifts changes nothing. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:i, s:i}", "rate_pence", 9999, "break_minutes", 180), 400,
                   "invalid_field", "break_minutes");
  json_t *s = fpt_call(&srv, w.pm1, "GET", path, 200, NULL);
  assert_int_equal(fpt_int(json_array_get(json_object_get(s, "shifts"), 0), "rate_pence"), 8000);
  fpt_expect_error(fpt_request(&srv, gp, "PATCH", path, "{s:i}", "rate_pence", 1), 403, "forbidden", NULL);
  json_t *done = fpt_call(&srv, w.pm1, "PATCH", path, 200, "{s:i, s:s, s:s, s:i}", "rate_pence", 30000, "rate_unit",
                          "session", "description", "Duty doctor", "break_minutes", 15);
  assert_int_equal(json_array_size(json_object_get(done, "changed_shift_ids")), 2);
  json_t *after = json_object_get(done, "series");
  json_t *one = json_array_get(json_object_get(after, "shifts"), 0);
  assert_int_equal(fpt_int(one, "rate_pence"), 30000);
  assert_string_equal(fpt_s(one, "rate_unit"), "session");
  assert_string_equal(fpt_s(one, "description"), "Duty doctor");
  assert_int_equal(fpt_int(one, "break_minutes"), 15);
  /* The booked shift keeps what was agreed. */
  json_t *booked = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", last), 200, NULL);
  assert_int_equal(fpt_int(booked, "rate_pence"), 8000);
  assert_string_equal(fpt_s(booked, "status"), "booked");
}

/* Walks the list from path (which has limit=25) and returns the ids in order; *pages the pages. */
static long long walk(const char *path, long long *ids, int max, int *pages) {
  long long n = 0;
  const char *cursor = NULL;
  *pages = 0;
  do {
    json_t *page = fpt_call(&srv, w.pm1, "GET", cursor ? fpt_str("%s&cursor=%s", path, cursor) : path, 200, NULL);
    (*pages)++;
    assert_true(json_array_size(json_object_get(page, "items")) <= 25);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(page, "items"), i, it) {
      assert_true(n < max);
      ids[n++] = fpt_int(it, "id");
    }
    json_t *next = json_object_get(page, "next_cursor");
    cursor = json_is_string(next) ? fpt_str("%s", json_string_value(next)) : NULL;
  } while (cursor);
  return n;
}

static void test_shift_list_pages_filters_and_sorts(void **state) {
  (void)state;
  json_t *posted = post_series(10 * 86400, 30, "nurse");
  long long series = fpt_int(posted, "series_id");
  long long booked = fpt_int(json_array_get(json_object_get(posted, "items"), 4), "id");
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", fpt_int(json_array_get(json_object_get(posted, "items"), 6), "id")),
           200, NULL);
  (void)booked;
  const char *base = fpt_str("/api/v1/shifts?practice_id=%lld&series_id=%lld&limit=25", w.practice1, series);
  long long asc[40], desc[40];
  int pages = 0;
  long long n = walk(base, asc, 40, &pages);
  assert_int_equal(n, 30);
  assert_int_equal(pages, 2);
  /* Latest first, paged through with the same kind of cursor: the same shifts in reverse. */
  long long m = walk(fpt_str("%s&sort=-starts_at", base), desc, 40, &pages);
  assert_int_equal(m, 30);
  assert_int_equal(pages, 2);
  for (int i = 0; i < 30; i++) assert_int_equal(asc[i], desc[29 - i]);
  /* Several statuses at once. */
  json_t *page = fpt_call(&srv, w.pm1, "GET", fpt_str("%s&status=withdrawn,cancelled", base), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(page, "items")), 1);
  assert_string_equal(fpt_s(json_array_get(json_object_get(page, "items"), 0), "status"), "withdrawn");
  page = fpt_call(&srv, w.pm1, "GET", fpt_str("%s&status=open,withdrawn", base), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(page, "items")), 25);
  /* A date window (from inclusive, to exclusive) and a role. */
  const char *from = fpt_str("%.10s", fpt_s(json_array_get(json_object_get(posted, "items"), 2), "starts_at"));
  const char *to = fpt_str("%.10s", fpt_s(json_array_get(json_object_get(posted, "items"), 5), "starts_at"));
  page = fpt_call(&srv, w.pm1, "GET", fpt_str("%s&from=%s&to=%s", base, from, to), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(page, "items")), 3);
  page = fpt_call(&srv, w.pm1, "GET", fpt_str("%s&role=gp", base), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
  /* Refused at the door, naming the parameter. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s&sort=rate", base), NULL), 400, "invalid_parameter", "sort");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s&status=open,gone", base), NULL), 400, "invalid_parameter",
                   "status");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s&status=open,", base), NULL), 400, "invalid_parameter",
                   "status");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/shifts?limit=201", NULL), 400, "invalid_parameter", "limit");
}

static size_t count_items(const char *path) {
  return json_array_size(json_object_get(fpt_call(&srv, w.pm1, "GET", path, 200, NULL), "items"));
}

static void test_shift_list_searches_details_and_practice_name(void **state) {
  (void)state;
  time_t t = time(NULL) + 20 * 86400;
  fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
           (json_int_t)w.practice1, "role", "gp", "starts_at", at(t), "ends_at", at(t + 3600), "rate_pence", 8000, "rate_unit",
           "hour", "description", "Minor illness clinic, 50% telephone");
  const char *base = fpt_str("/api/v1/shifts?practice_id=%lld&limit=200", w.practice1);
  /* Any case; LIKE's own characters are plain characters. */
  assert_int_equal(count_items(fpt_str("%s&q=MINOR%%20illness", base)), 1);
  assert_int_equal(count_items(fpt_str("%s&q=50%%25%%20tele", base)), 1);
  assert_int_equal(count_items(fpt_str("%s&q=5_%%25", base)), 0);
  assert_int_equal(count_items(fpt_str("%s&q=%%25", base)), 1);
  /* The practice's name. */
  assert_true(count_items(fpt_str("%s&q=park%%20lane", base)) > 1);
  assert_int_equal(count_items(fpt_str("%s&q=Hill%%20Top", base)), 0);
  /* Refused at the door, naming q. */
  char longq[102];
  memset(longq, 'a', 101);
  longq[101] = 0;
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s&q=%s", base, longq), NULL), 400, "invalid_parameter", "q");
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("%s&q=", base), NULL), 400, "invalid_parameter", "q");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_practice_sees_its_pools_and_who_admits_it),
      cmocka_unit_test(test_series_withdraw),
      cmocka_unit_test(test_series_keeps_started_shifts),
      cmocka_unit_test(test_series_edit),
      cmocka_unit_test(test_shift_list_pages_filters_and_sorts),
      cmocka_unit_test(test_shift_list_searches_details_and_practice_name),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
