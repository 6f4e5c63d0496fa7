/*
 * The clinician's own profile (issue 12): PATCH /api/v1/clinicians/{id} changes their name, phone,
 * home postcode and travel radius, each checked where it comes in (a UK telephone number, a UK
 * postcode, 1 to 200 km; 400 naming the field); nobody else may change it. A telephone number is
 * checked the same way wherever one comes in: registration and an organisation's contact details.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp, *other;
static long long gp_id, other_id;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  w.verify_passports = false;
  gp = fpt_world_clinician(&w, "gp.profile@t.test", "gp", "7300001", true, &gp_id);
  other = fpt_world_clinician(&w, "gp.other@t.test", "gp", "7300002", true, &other_id);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static const char *me_path(void) { return fpt_str("/api/v1/clinicians/%lld", gp_id); }

static void test_clinician_edits_own_profile(void **state) {
  (void)state;
  json_t *j = fpt_call(&srv, gp, "PATCH", me_path(), 200, "{s:s, s:s, s:s, s:i}", "name", "Dr Amira Patel", "phone",
                       "+44 7700 900123", "home_postcode", " ls6 2ab ", "travel_radius_km", 35);
  assert_string_equal(fpt_s(j, "name"), "Dr Amira Patel");
  assert_string_equal(fpt_s(j, "phone"), "+44 7700 900123");
  assert_string_equal(fpt_s(j, "home_postcode"), "LS6 2AB");
  assert_int_equal(fpt_int(j, "travel_radius_km"), 35);
  /* Read back, and the account's name too. */
  j = fpt_call(&srv, gp, "GET", me_path(), 200, NULL);
  assert_string_equal(fpt_s(j, "home_postcode"), "LS6 2AB");
  assert_int_equal(fpt_int(j, "travel_radius_km"), 35);
  assert_string_equal(fpt_s(fpt_call(&srv, gp, "GET", "/api/v1/me", 200, NULL), "name"), "Dr Amira Patel");
  /* One field alone leaves the others; "" removes the phone. */
  j = fpt_call(&srv, gp, "PATCH", me_path(), 200, "{s:i}", "travel_radius_km", 200);
  assert_int_equal(fpt_int(j, "travel_radius_km"), 200);
  assert_string_equal(fpt_s(j, "home_postcode"), "LS6 2AB");
  assert_string_equal(fpt_s(j, "phone"), "+44 7700 900123");
  j = fpt_call(&srv, gp, "PATCH", me_path(), 200, "{s:s}", "phone", "");
  assert_true(json_is_null(json_object_get(j, "phone")));
  assert_string_equal(fpt_s(j, "name"), "Dr Amira Patel");
  /* Audited. */
  json_t *audit = fpt_call(&srv, w.admin, "GET", "/api/v1/audit?entity=clinician", 200, NULL);
  bool found = false;
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(audit, "items"), i, e) if (strcmp(fpt_s(e, "action"), "clinician.profile") == 0) found = true;
  assert_true(found);
}

static void test_checked_where_it_comes_in(void **state) {
  (void)state;
  struct {
    const char *field, *fmt;
    const char *s;
    int n;
  } bad[] = {
      {"home_postcode", "{s:s}", "LS6", 0},         {"home_postcode", "{s:s}", "not a postcode", 0},
      {"home_postcode", "{s:s}", "", 0},            {"travel_radius_km", "{s:i}", NULL, 0},
      {"travel_radius_km", "{s:i}", NULL, 201},     {"travel_radius_km", "{s:i}", NULL, -5},
      {"phone", "{s:s}", "call me maybe", 0},       {"phone", "{s:s}", "12345", 0},
      {"phone", "{s:s}", "+1 212 555 0100", 0},     {"name", "{s:s}", "", 0},
      {"name", "{s:s}", "   ", 0},
  };
  json_t *before = fpt_call(&srv, gp, "GET", me_path(), 200, NULL);
  fpt_keep_json(json_incref(before));
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    struct fpt_resp r = bad[k].s ? fpt_request(&srv, gp, "PATCH", me_path(), bad[k].fmt, bad[k].field, bad[k].s)
                                 : fpt_request(&srv, gp, "PATCH", me_path(), bad[k].fmt, bad[k].field, bad[k].n);
    fpt_expect_error(r, 400, strcmp(fpt_error_code(&r), "missing_field") == 0 ? "missing_field" : "invalid_field",
                     bad[k].field);
  }
  /* A field that is not the clinician's to change here. */
  fpt_expect_error(fpt_request(&srv, gp, "PATCH", me_path(), "{s:s}", "email", "x@t.test"), 400, "unknown_field", "email");
  /* Nothing changed. */
  json_t *after = fpt_call(&srv, gp, "GET", me_path(), 200, NULL);
  assert_string_equal(fpt_s(after, "home_postcode"), fpt_s(before, "home_postcode"));
  assert_int_equal(fpt_int(after, "travel_radius_km"), fpt_int(before, "travel_radius_km"));
  assert_string_equal(fpt_s(after, "name"), fpt_s(before, "name"));

  /* The same telephone rule at registration and on an organisation. */
  struct fpt_resp r = fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name",
                                  "New Nurse", "email", "nurse.phone@t.test", "password", "a-long-pass-phrase-1",
                                  "profession", "nurse", "registration_number", "12A3456E", "home_postcode", "LS1 4AP",
                                  "phone", "ring reception");
  fpt_expect_error(r, 400, "invalid_field", "phone");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", fpt_str("/api/v1/organisations/%lld", w.practice1), "{s:s}", "phone",
                               "0800-FLOWERS"),
                   400, "invalid_field", "phone");
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, "{s:s}", "phone",
           "(0113) 496-0123");
}

static void test_only_the_clinician(void **state) {
  (void)state;
  fpt_expect_error(fpt_request(&srv, other, "PATCH", me_path(), "{s:i}", "travel_radius_km", 5), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", me_path(), "{s:i}", "travel_radius_km", 5), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PATCH", me_path(), "{s:i}", "travel_radius_km", 5), 403, "forbidden",
                   NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", me_path(), "{s:i}", "travel_radius_km", 5), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "PATCH", me_path(), "{s:i}", "travel_radius_km", 5), 401, "unauthenticated",
                   NULL);
  assert_int_not_equal(fpt_int(fpt_call(&srv, gp, "GET", me_path(), 200, NULL), "travel_radius_km"), 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clinician_edits_own_profile),
      cmocka_unit_test(test_checked_where_it_comes_in),
      cmocka_unit_test(test_only_the_clinician),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
