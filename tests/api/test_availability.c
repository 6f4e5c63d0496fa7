/*
 * Availability (issue 12): a clinician's weekly pattern and exceptions through
 * GET/PUT /api/v1/me/availability, checked where it comes in (a bad entry is a 400 naming it, too
 * many is refused and nothing is cut), and only a clinician's own.
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
static const char *gp;
static long long gp_id;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "avail-gp@example.org", "gp", "7100001", true, &gp_id);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static void expect_field(struct fpt_resp r, const char *code, const char *field) { fpt_expect_error(r, 400, code, field); }

static struct fpt_resp put_raw(const char *token, const char *body) {
  const char *auth = fpt_str("Authorization: Bearer %s", token);
  const char *headers[] = {auth, "Content-Type: application/json", NULL};
  return fpt_raw(&srv, "PUT", "/api/v1/me/availability", headers, body, strlen(body));
}

static void test_set_and_read_back(void **state) {
  (void)state;
  json_t *empty = fpt_call(&srv, gp, "GET", "/api/v1/me/availability", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(empty, "pattern")), 0);
  assert_int_equal(json_array_size(json_object_get(empty, "exceptions")), 0);

  json_t *out = fpt_call(&srv, gp, "PUT", "/api/v1/me/availability", 200,
                         "{s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s, s:s}], s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}]}",
                         "pattern", "day", "tuesday", "session", "afternoon", "day", "monday", "session", "morning",
                         "day", "saturday", "start", "09:30", "end", "24:00", "exceptions", "kind", "unavailable",
                         "from", "2027-08-02", "to", "2027-08-15", "kind", "extra", "from", "2027-07-04", "session",
                         "evening");
  /* Monday first, then by hours; presets named, own hours with session null. */
  json_t *p = json_object_get(out, "pattern");
  assert_int_equal(json_array_size(p), 3);
  assert_string_equal(fpt_s(json_array_get(p, 0), "day"), "monday");
  assert_string_equal(fpt_s(json_array_get(p, 0), "session"), "morning");
  assert_string_equal(fpt_s(json_array_get(p, 0), "start"), "08:00");
  assert_string_equal(fpt_s(json_array_get(p, 0), "end"), "13:00");
  assert_string_equal(fpt_s(json_array_get(p, 1), "day"), "tuesday");
  assert_string_equal(fpt_s(json_array_get(p, 1), "end"), "18:30");
  assert_string_equal(fpt_s(json_array_get(p, 2), "day"), "saturday");
  assert_true(json_is_null(json_object_get(json_array_get(p, 2), "session")));
  assert_string_equal(fpt_s(json_array_get(p, 2), "start"), "09:30");
  assert_string_equal(fpt_s(json_array_get(p, 2), "end"), "24:00");
  json_t *x = json_object_get(out, "exceptions");
  assert_int_equal(json_array_size(x), 2);
  assert_string_equal(fpt_s(json_array_get(x, 0), "kind"), "extra");
  assert_string_equal(fpt_s(json_array_get(x, 0), "from"), "2027-07-04");
  assert_string_equal(fpt_s(json_array_get(x, 0), "to"), "2027-07-04");
  assert_string_equal(fpt_s(json_array_get(x, 0), "start"), "18:30");
  assert_string_equal(fpt_s(json_array_get(x, 1), "kind"), "unavailable");
  assert_string_equal(fpt_s(json_array_get(x, 1), "to"), "2027-08-15");
  assert_int_equal(fpt_int(json_object_get(out, "limits"), "exceptions"), 100);

  /* Read back the same; a second PUT replaces the whole pattern. */
  json_t *again = fpt_call(&srv, gp, "GET", "/api/v1/me/availability", 200, NULL);
  assert_true(json_equal(again, out));
  json_t *only = fpt_call(&srv, gp, "PUT", "/api/v1/me/availability", 200, "{s:[{s:s, s:s}]}", "pattern", "day",
                          "friday", "session", "evening");
  assert_int_equal(json_array_size(json_object_get(only, "pattern")), 1);
  assert_int_equal(json_array_size(json_object_get(only, "exceptions")), 0);
}

static void test_refused_at_the_door(void **state) {
  (void)state;
  fpt_call(&srv, gp, "PUT", "/api/v1/me/availability", 200, "{s:[{s:s, s:s}]}", "pattern", "day", "monday", "session",
           "morning");
  /* One entry too many of each is refused whole, naming the list; nothing is cut. */
  char body[16384];
  size_t n = (size_t)snprintf(body, sizeof body, "{\"pattern\":[");
  for (int i = 0; i < 43; i++)
    n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"day\":\"monday\",\"start\":\"%02d:00\",\"end\":\"%02d:30\"}",
                          i ? "," : "", i % 24, i % 24);
  snprintf(body + n, sizeof body - n, "]}");
  expect_field(put_raw(gp, body), "invalid_field", "pattern");
  n = (size_t)snprintf(body, sizeof body, "{\"pattern\":[],\"exceptions\":[");
  for (int i = 0; i < 101; i++)
    n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"kind\":\"unavailable\",\"from\":\"2027-%02d-%02d\"}",
                          i ? "," : "", 1 + i / 28, 1 + i % 28);
  snprintf(body + n, sizeof body - n, "]}");
  expect_field(put_raw(gp, body), "invalid_field", "exceptions");
  /* 100 exceptions are fine. */
  n = (size_t)snprintf(body, sizeof body, "{\"pattern\":[],\"exceptions\":[");
  for (int i = 0; i < 100; i++)
    n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"kind\":\"unavailable\",\"from\":\"2027-%02d-%02d\"}",
                          i ? "," : "", 1 + i / 28, 1 + i % 28);
  snprintf(body + n, sizeof body - n, "]}");
  assert_int_equal(put_raw(gp, body).status, 200);
  json_t *now = fpt_call(&srv, gp, "GET", "/api/v1/me/availability", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(now, "exceptions")), 100);

  /* Each bad entry names itself. */
  expect_field(put_raw(gp, "{\"pattern\":[{\"day\":\"monday\",\"session\":\"morning\"},{\"day\":\"funday\",\"session\":\"morning\"}]}"),
               "invalid_field", "pattern[1].day");
  expect_field(put_raw(gp, "{\"pattern\":[{\"day\":\"monday\",\"start\":\"25:00\",\"end\":\"26:00\"}]}"), "invalid_field",
               "pattern[0].start");
  expect_field(put_raw(gp, "{\"pattern\":[{\"day\":\"monday\",\"start\":\"13:00\",\"end\":\"09:00\"}]}"), "invalid_field",
               "pattern[0].end");
  expect_field(put_raw(gp, "{\"pattern\":[{\"day\":\"monday\",\"start\":\"09:00\"}]}"), "missing_field", "pattern[0].end");
  expect_field(put_raw(gp, "{\"pattern\":[{\"day\":\"monday\"}]}"), "missing_field", "pattern[0].start");
  expect_field(put_raw(gp, "{\"pattern\":[{\"day\":\"monday\",\"session\":\"morning\",\"start\":\"09:00\",\"end\":\"10:00\"}]}"),
               "invalid_field", "pattern[0].session");
  expect_field(put_raw(gp, "{\"pattern\":[{\"day\":\"monday\",\"session\":\"night\"}]}"), "invalid_field", "pattern[0].session");
  expect_field(put_raw(gp, "{\"pattern\":[],\"exceptions\":[{\"kind\":\"unavailable\",\"from\":\"2027-01-10\",\"to\":\"2027-01-09\"}]}"),
               "invalid_field", "exceptions[0].to");
  expect_field(put_raw(gp, "{\"pattern\":[],\"exceptions\":[{\"kind\":\"unavailable\",\"from\":\"2027-01-01\",\"to\":\"2028-01-02\"}]}"),
               "invalid_field", "exceptions[0].to");
  expect_field(put_raw(gp, "{\"pattern\":[],\"exceptions\":[{\"kind\":\"extra\",\"from\":\"2027-01-10\",\"to\":\"2027-01-11\",\"session\":\"morning\"}]}"),
               "invalid_field", "exceptions[0].to");
  expect_field(put_raw(gp, "{\"pattern\":[],\"exceptions\":[{\"kind\":\"extra\",\"from\":\"2027-01-10\"}]}"), "missing_field",
               "exceptions[0].start");
  expect_field(put_raw(gp, "{\"pattern\":[],\"exceptions\":[{\"kind\":\"unavailable\",\"from\":\"2027-01-10\",\"session\":\"morning\"}]}"),
               "invalid_field", "exceptions[0].session");
  expect_field(put_raw(gp, "{\"pattern\":[],\"exceptions\":[{\"kind\":\"holiday\",\"from\":\"2027-01-10\"}]}"), "invalid_field",
               "exceptions[0].kind");
  expect_field(put_raw(gp, "{\"pattern\":[],\"exceptions\":[{\"kind\":\"unavailable\",\"from\":\"10/01/2027\"}]}"),
               "invalid_field", "exceptions[0].from");
  expect_field(put_raw(gp, "{\"pattern\":[1]}"), "invalid_field", "pattern");
  expect_field(put_raw(gp, "{\"pattern\":{}}"), "invalid_field", "pattern");
  expect_field(put_raw(gp, "{}"), "missing_field", "pattern");
  /* None of those changed what was stored. */
  json_t *still = fpt_call(&srv, gp, "GET", "/api/v1/me/availability", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(still, "exceptions")), 100);
}

static void test_only_clinicians(void **state) {
  (void)state;
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/me/availability", NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PUT", "/api/v1/me/availability", "{s:[]}", "pattern"), 403,
                   "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "GET", "/api/v1/me/availability", NULL), 401, "unauthenticated", NULL);
  /* One clinician's pattern is not another's. */
  long long other_id;
  const char *other = fpt_world_clinician(&w, "avail-other@example.org", "gp", "7100002", true, &other_id);
  json_t *mine = fpt_call(&srv, other, "GET", "/api/v1/me/availability", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(mine, "pattern")), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_set_and_read_back),
      cmocka_unit_test(test_refused_at_the_door),
      cmocka_unit_test(test_only_clinicians),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
