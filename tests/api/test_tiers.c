/*
 * Tiered release (issue 12): a practice may release a shift in tiers instead of to its whole pool
 * at posting. Tier 1, the practice's favourites, at posting; tier 2, the pool, 24 hours later or
 * when 7 days remain; tier 3, the other pools of the same ICB that opted in to overflow, when 72
 * hours remain (each delay the practice's own). Every case happens now: the shifts start on dates
 * that make each tier the open one (10 days ahead: favourites only; 5: the pool; 2: overflow).
 * A clinician outside the open tiers gets 404 for the shift (read, search, booking, applying); a
 * clinician from an overflow pool is held to the practice's pool's checks, not their own pool's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static long long overflow_pool, closed_pool, far_pool;
static const char *fav, *member, *over, *over_closed, *over_far;
static long long fav_id, member_id, over_id, over_closed_id, over_far_id;

/* Checks the national baseline gives up (so that a pool may add them as its own). */
#define PRACTICE_POOL_CHECK "cstf_conflict_resolution"
#define OVERFLOW_POOL_CHECK "cstf_health_safety"

static long long pool_in(long long host, const char *name, bool overflow) {
  long long id = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name", name,
                                  "host_organisation_id", (json_int_t)host),
                         "id");
  json_t *p = fpt_call(&srv, w.admin, "PATCH", fpt_str("/api/v1/pools/%lld", id), 200, "{s:b}", "overflow", overflow);
  assert_int_equal(json_is_true(json_object_get(p, "overflow")), overflow);
  return id;
}

/* A clinician in `pool` only (not the practice's), their passport complete for that pool. */
static const char *clinician_of(long long pool, const char *email, const char *regnum, long long *id) {
  const char *token = fpt_world_clinician(&w, email, "gp", regnum, false, id);
  fpt_call(&srv, w.admin, "POST", fpt_str("/api/v1/pools/%lld/members", pool), 201, "{s:I}", "clinician_id", (json_int_t)*id);
  fpt_world_compliant(&w, token, *id);
  return token;
}

static void require(long long pool, const char *check, bool required) {
  fpt_call(&srv, w.admin, "PUT", "/api/v1/passport/requirements", 200, "{s:s, s:s, s:b, s:I}", "profession", "gp",
           "check_code", check, "required", required, "pool_id", (json_int_t)pool);
}

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  /* The baseline drops two checks; the practice's pool requires one of them as its own. */
  const char *drop[] = {PRACTICE_POOL_CHECK, OVERFLOW_POOL_CHECK};
  for (int i = 0; i < 2; i++)
    fpt_call(&srv, w.admin, "PUT", "/api/v1/passport/requirements", 200, "{s:s, s:s, s:b}", "profession", "gp",
             "check_code", drop[i], "required", false);
  require(w.pool, PRACTICE_POOL_CHECK, true);
  overflow_pool = pool_in(w.icb, "Overflow GP Pool", true);
  closed_pool = pool_in(w.icb, "Closed GP Pool", false);
  far_pool = pool_in(w.other_icb, "Far GP Pool", true);
  fav = fpt_world_clinician(&w, "tiers-fav@example.org", "gp", "7300001", true, &fav_id);
  member = fpt_world_clinician(&w, "tiers-member@example.org", "gp", "7300002", true, &member_id);
  over = clinician_of(overflow_pool, "tiers-over@example.org", "7300003", &over_id);
  over_closed = clinician_of(closed_pool, "tiers-closed@example.org", "7300004", &over_closed_id);
  over_far = clinician_of(far_pool, "tiers-far@example.org", "7300005", &over_far_id);
  fpt_call(&srv, w.pm1, "PUT", fpt_str("/api/v1/organisations/%lld/favourites/%lld", w.practice1, fav_id), 200, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* Posts a 4-hour shift `days` ahead at practice 1, released as `release` (NULL: the default). */
static json_t *post(int days, const char *release, const char *mode) {
  if (!release)
    return fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
                    (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(days, 0), "ends_at",
                    fpt_time_from_now(days, 4), "rate_pence", 8000, "rate_unit", "hour", "booking_mode", mode);
  return fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "practice_id",
                  (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(days, 0), "ends_at",
                  fpt_time_from_now(days, 4), "rate_pence", 8000, "rate_unit", "hour", "booking_mode", mode, "release",
                  release);
}

/* The shift as token's search lists it (NULL: not listed). */
static json_t *search_item(const char *token, long long shift) {
  json_t *j = fpt_call(&srv, token, "GET", fpt_str("/api/v1/shifts?practice_id=%lld&status=open&limit=100", w.practice1),
                       200, NULL);
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(j, "items"), i, it) if (fpt_int(it, "id") == shift) return it;
  return NULL;
}

static bool in_search(const char *token, long long shift) {
  json_t *it = search_item(token, shift);
  /* The release is the practice's business: never in a clinician's search. */
  if (it) assert_null(json_object_get(it, "release"));
  return it != NULL;
}

/* Whether the clinician sees the shift: its page and the search agree. */
static bool sees(const char *token, long long shift) {
  struct fpt_resp r = fpt_request(&srv, token, "GET", fpt_str("/api/v1/shifts/%lld", shift), NULL);
  assert_true(r.status == 200 || r.status == 404);
  assert_int_equal(in_search(token, shift), r.status == 200);
  return r.status == 200;
}

/* The shift's release as its practice sees it: its own answer, and the same in the practice's search. */
static json_t *release_of(long long shift) {
  json_t *rel = json_object_get(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", shift), 200, NULL), "release");
  json_t *listed = search_item(w.pm1, shift);
  assert_non_null(listed);
  assert_true(json_equal(json_object_get(listed, "release"), rel));
  return rel;
}

static void test_favourites_first(void **state) {
  (void)state;
  long long shift = fpt_int(post(10, "tiered", "instant"), "id");
  json_t *rel = release_of(shift);
  assert_string_equal(fpt_s(rel, "mode"), "tiered");
  assert_string_equal(fpt_s(rel, "tier"), "favourites");
  assert_string_equal(fpt_s(rel, "next_opens_at"), fpt_s(rel, "pool_opens_at"));
  /* Only the favourite sees it; everyone else is told there is no such shift. */
  assert_true(sees(fav, shift));
  const char *others[] = {member, over, over_closed, over_far};
  for (int i = 0; i < 4; i++) {
    assert_false(sees(others[i], shift));
    fpt_expect_error(fpt_request(&srv, others[i], "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), NULL), 404,
                     "not_found", NULL);
  }
  /* Applying for an approval shift at tier 1: the same. */
  long long asks = fpt_int(post(10, "tiered", "approval"), "id");
  fpt_expect_error(fpt_request(&srv, member, "POST", fpt_str("/api/v1/shifts/%lld/applications", asks), NULL), 404,
                   "not_found", NULL);
  fpt_call(&srv, fav, "POST", fpt_str("/api/v1/shifts/%lld/applications", asks), 201, NULL);
  /* The favourite books it. */
  json_t *b = fpt_call(&srv, fav, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  assert_int_equal(fpt_int(b, "pool_id"), w.pool);
}

static void test_pool_when_seven_days_remain(void **state) {
  (void)state;
  long long shift = fpt_int(post(5, "tiered", "instant"), "id");
  json_t *rel = release_of(shift);
  assert_string_equal(fpt_s(rel, "tier"), "pool");
  assert_string_equal(fpt_s(rel, "next_opens_at"), fpt_s(rel, "overflow_opens_at"));
  assert_true(sees(fav, shift));
  assert_true(sees(member, shift));
  assert_false(sees(over, shift));
  assert_false(sees(over_closed, shift));
  fpt_expect_error(fpt_request(&srv, over, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), NULL), 404, "not_found",
                   NULL);
}

static void test_overflow_within_the_icb(void **state) {
  (void)state;
  long long shift = fpt_int(post(2, "tiered", "instant"), "id");
  json_t *rel = release_of(shift);
  assert_string_equal(fpt_s(rel, "tier"), "overflow");
  assert_true(json_is_null(json_object_get(rel, "next_opens_at")));
  assert_true(sees(member, shift));
  assert_true(sees(over, shift));         /* the same ICB, opted in */
  assert_false(sees(over_closed, shift)); /* the same ICB, not opted in */
  assert_false(sees(over_far, shift));    /* opted in, another ICB */
  fpt_expect_error(fpt_request(&srv, over_far, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), NULL), 404,
                   "not_found", NULL);
  /* Released to all (the default) it stays in the practice's pools, however close the start. */
  long long all = fpt_int(post(2, NULL, "instant"), "id");
  assert_string_equal(fpt_s(release_of(all), "mode"), "all");
  assert_true(sees(member, all));
  assert_false(sees(over, all));
}

static bool has(json_t *array, const char *code) {
  size_t i;
  json_t *it;
  json_array_foreach(array, i, it) if (strcmp(json_string_value(it), code) == 0) return true;
  return false;
}

static void test_overflow_held_to_the_practice_pool(void **state) {
  (void)state;
  long long shift = fpt_int(post(2, "tiered", "instant"), "id");
  /* Their own pool does not ask for the practice pool's own check: the practice's pool does. */
  json_t *s = fpt_call(&srv, over, "GET", fpt_str("/api/v1/shifts/%lld", shift), 200, NULL);
  assert_false(json_is_true(json_object_get(s, "bookable")));
  assert_true(has(json_object_get(s, "missing"), PRACTICE_POOL_CHECK));
  struct fpt_resp r = fpt_request(&srv, over, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), NULL);
  fpt_expect_error(r, 409, "not_eligible", NULL);
  assert_true(has(json_object_get(json_object_get(json_object_get(r.json, "error"), "details"), "missing"),
                  PRACTICE_POOL_CHECK));
  /* Once they have it they book, although their own pool now asks for a check they lack. */
  require(overflow_pool, PRACTICE_POOL_CHECK, true);
  fpt_world_compliant(&w, over, over_id);
  require(overflow_pool, PRACTICE_POOL_CHECK, false);
  require(overflow_pool, OVERFLOW_POOL_CHECK, true);
  s = fpt_call(&srv, over, "GET", fpt_str("/api/v1/shifts/%lld", shift), 200, NULL);
  assert_true(json_is_true(json_object_get(s, "bookable")));
  json_t *b = fpt_call(&srv, over, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  assert_int_equal(fpt_int(b, "pool_id"), w.pool); /* the practice's pool's requirements decided */
  require(overflow_pool, OVERFLOW_POOL_CHECK, false);
  /* The overflow pool's administrator sees the booking their clinician made at the other pool's
     practice (in the list and on its own); the administrator of a pool without them does not. */
  long long booking = fpt_int(b, "id");
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", "tiers-overadmin@example.org",
           "name", "Overflow Admin", "role", "pool_admin", "pool_id", (json_int_t)overflow_pool, "password",
           "overflow-admin-pass-1");
  const char *over_admin = fpt_take_over(&srv, "tiers-overadmin@example.org", "overflow-admin-pass-1", "overflow-admin-own-1");
  fpt_call(&srv, over_admin, "GET", fpt_str("/api/v1/bookings/%lld", booking), 200, NULL);
  json_t *list = fpt_call(&srv, over_admin, "GET", "/api/v1/bookings?limit=100", 200, NULL);
  bool listed = false;
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(list, "items"), i, it) listed |= fpt_int(it, "id") == booking;
  assert_true(listed);
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", "tiers-closedadmin@example.org",
           "name", "Closed Admin", "role", "pool_admin", "pool_id", (json_int_t)closed_pool, "password",
           "closed-admin-pass-1");
  const char *closed_admin = fpt_take_over(&srv, "tiers-closedadmin@example.org", "closed-admin-pass-1", "closed-admin-own-1");
  fpt_call(&srv, closed_admin, "GET", fpt_str("/api/v1/bookings/%lld", booking), 404, NULL);
}

static void test_practice_delays(void **state) {
  (void)state;
  long long shift = fpt_int(post(10, "tiered", "instant"), "id");
  assert_false(sees(member, shift));
  const char *org = fpt_str("/api/v1/organisations/%lld", w.practice1);
  json_t *o = fpt_call(&srv, w.pm1, "GET", org, 200, NULL);
  json_t *d = json_object_get(o, "release_delays");
  assert_int_equal(fpt_int(d, "pool_after_hours"), 24);
  assert_int_equal(fpt_int(d, "pool_before_start_hours"), 168);
  assert_int_equal(fpt_int(d, "overflow_before_start_hours"), 72);
  /* Refused: out of range, overflow before the pool, not a number; another practice's manager (who does not
     see it), an organisation that is not a practice. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", org, "{s:{s:i}}", "release_delays", "pool_after_hours", 721), 400,
                   "invalid_field", "release_delays.pool_after_hours");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", org, "{s:{s:i}}", "release_delays", "overflow_before_start_hours", 200),
                   400, "invalid_field", "release_delays.overflow_before_start_hours");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", org, "{s:{s:s}}", "release_delays", "pool_after_hours", "soon"), 400,
                   "invalid_field", "release_delays.pool_after_hours");
  fpt_expect_error(fpt_request(&srv, w.pm2, "PATCH", org, "{s:{s:i}}", "release_delays", "pool_after_hours", 0), 404,
                   "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", fpt_str("/api/v1/organisations/%lld", w.icb), "{s:{s:i}}",
                               "release_delays", "pool_after_hours", 0),
                   400, "invalid_field", "release_delays");
  /* The pool 10 days ahead: the upcoming tiered shift opens to the pool now. */
  o = fpt_call(&srv, w.pm1, "PATCH", org, 200, "{s:{s:i, s:i}}", "release_delays", "pool_after_hours", 48,
               "pool_before_start_hours", 240);
  assert_int_equal(fpt_int(json_object_get(o, "release_delays"), "pool_before_start_hours"), 240);
  assert_int_equal(fpt_int(json_object_get(o, "release_delays"), "overflow_before_start_hours"), 72); /* kept */
  assert_string_equal(fpt_s(release_of(shift), "tier"), "pool");
  assert_true(sees(member, shift));
  assert_false(sees(over, shift));
  /* And back: favourites only again. */
  fpt_call(&srv, w.pm1, "PATCH", org, 200, "{s:{s:i, s:i}}", "release_delays", "pool_after_hours", 24,
           "pool_before_start_hours", 168);
  assert_false(sees(member, shift));
}

static void test_posting_and_opt_in_checked(void **state) {
  (void)state;
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
                               (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(3, 0), "ends_at",
                               fpt_time_from_now(3, 4), "rate_pence", 8000, "rate_unit", "hour", "release", "later"),
                   400, "invalid_field", "release");
  /* Only a pool's own administrators opt it in or out. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PATCH", fpt_str("/api/v1/pools/%lld", overflow_pool), "{s:b}",
                               "overflow", false),
                   403, "forbidden", NULL);
  json_t *p = fpt_call(&srv, w.pool_admin, "PATCH", fpt_str("/api/v1/pools/%lld", w.pool), 200, "{s:b}", "overflow", true);
  assert_true(json_is_true(json_object_get(p, "overflow")));
  fpt_call(&srv, w.pool_admin, "PATCH", fpt_str("/api/v1/pools/%lld", w.pool), 200, "{s:b}", "overflow", false);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_favourites_first),
      cmocka_unit_test(test_pool_when_seven_days_remain),
      cmocka_unit_test(test_overflow_within_the_icb),
      cmocka_unit_test(test_overflow_held_to_the_practice_pool),
      cmocka_unit_test(test_practice_delays),
      cmocka_unit_test(test_posting_and_opt_in_checked),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
