/*
 * Limits are enforced where data comes in (issue 9, items 8 and 12): a shift more than
 * --max-shift-ahead-months ahead is a 400 naming the field (posting, editing, a weekly series),
 * and text longer than the store can hand back is a 400, never a value cut short on read back.
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

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static void assert_invalid_field(struct fpt_resp r, const char *field) {
  if (r.status != 400) fprintf(stderr, "expected 400 on %s, got %ld: %s\n", field, r.status, r.body ? r.body : "");
  assert_int_equal(r.status, 400);
  assert_string_equal(fpt_error_code(&r), "invalid_field");
  json_t *err = json_object_get(r.json, "error");
  assert_non_null(err);
  assert_string_equal(fpt_s(err, "field"), field);
}

static struct fpt_resp post_shift(const char *starts, const char *ends) {
  return fpt_request(&srv, w.pm1, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                     (json_int_t)w.practice1, "role", "gp", "starts_at", starts, "ends_at", ends, "rate_pence", 8000,
                     "rate_unit", "hour");
}

static void test_shift_far_ahead_is_refused(void **state) {
  (void)state;
  /* The year 9999: a typing slip, not a shift. */
  assert_invalid_field(post_shift("9999-12-31T09:00:00Z", "9999-12-31T13:00:00Z"), "starts_at");
  /* 25 months ahead is refused, 23 months ahead is fine. */
  assert_invalid_field(post_shift(fpt_time_from_now(25 * 31, 9), fpt_time_from_now(25 * 31, 13)), "starts_at");
  json_t *ok = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                        (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(23 * 30, 9), "ends_at",
                        fpt_time_from_now(23 * 30, 13), "rate_pence", 8000, "rate_unit", "hour");
  long long id = fpt_int(ok, "id");

  /* Editing a shift to a far date is refused the same way, and the shift keeps its date. */
  const char *before = fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", id), 200, NULL), "starts_at");
  assert_invalid_field(fpt_request(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", id), "{s:s, s:s}", "starts_at",
                                   "9999-12-31T09:00:00Z", "ends_at", "9999-12-31T13:00:00Z"),
                       "starts_at");
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", id), 200, NULL), "starts_at"),
                      before);

  /* A weekly series whose last shift would fall past the horizon is refused as a whole. */
  struct fpt_resp r = fpt_request(&srv, w.pm1, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s, s:{s:s, s:i}}",
                                  "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at",
                                  fpt_time_from_now(23 * 30, 9), "ends_at", fpt_time_from_now(23 * 30, 13), "rate_pence",
                                  8000, "rate_unit", "hour", "repeat", "every", "week", "count", 52);
  assert_invalid_field(r, "repeat");
}

static void test_shift_horizon_is_an_option(void **state) {
  (void)state;
  struct fpt_server s2;
  const char *extra[] = {"--max-shift-ahead-months", "1", NULL};
  assert_int_equal(fpt_server_start(&s2, NULL, extra), 0);
  struct fpt_world w2;
  fpt_world_build(&w2, &s2);
  struct fpt_resp r = fpt_request(&s2, w2.pm1, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s}",
                                  "practice_id", (json_int_t)w2.practice1, "role", "gp", "starts_at",
                                  fpt_time_from_now(40, 9), "ends_at", fpt_time_from_now(40, 13), "rate_pence", 8000,
                                  "rate_unit", "hour");
  assert_invalid_field(r, "starts_at");
  fpt_call(&s2, w2.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
           (json_int_t)w2.practice1, "role", "gp", "starts_at", fpt_time_from_now(20, 9), "ends_at",
           fpt_time_from_now(20, 13), "rate_pence", 8000, "rate_unit", "hour");
  fpt_server_stop(&s2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shift_far_ahead_is_refused),
      cmocka_unit_test(test_shift_horizon_is_an_option),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
