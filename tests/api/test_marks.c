/*
 * A practice's favourites and blocked list (issue 12): kept by that practice's own managers only
 * (another practice's manager, a pool administrator, a system administrator get 403), for clinicians
 * in the practice's pools; one mark per clinician. A blocked clinician never sees the practice's
 * shifts (search, the shift page) and cannot book or apply: each answers as for a shift they cannot
 * see (404), while other clinicians still can; unblocked, all of it comes back.
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
static const char *gp, *gp2, *outsider;
static long long gp_id, gp2_id, outsider_id;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "marks-gp@example.org", "gp", "7200001", true, &gp_id);
  gp2 = fpt_world_clinician(&w, "marks-gp2@example.org", "gp", "7200002", true, &gp2_id);
  outsider = fpt_world_clinician(&w, "marks-out@example.org", "gp", "7200003", false, &outsider_id);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static const char *mark_path(const char *kind, long long practice, long long clinician) {
  return fpt_str("/api/v1/organisations/%lld/%s/%lld", practice, kind, clinician);
}

static size_t count(const char *kind) {
  json_t *j = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/organisations/%lld/%s", w.practice1, kind), 200, NULL);
  return json_array_size(json_object_get(j, "items"));
}

static void test_marks_kept_by_own_managers(void **state) {
  (void)state;
  json_t *f = fpt_call(&srv, w.pm1, "PUT", mark_path("favourites", w.practice1, gp_id), 200, NULL);
  assert_string_equal(fpt_s(f, "kind"), "favourite");
  assert_int_equal(fpt_int(f, "clinician_id"), gp_id);
  assert_int_equal(count("favourites"), 1);
  /* Putting it again changes nothing; blocking replaces the favourite. */
  fpt_call(&srv, w.pm1, "PUT", mark_path("favourites", w.practice1, gp_id), 200, NULL);
  assert_int_equal(count("favourites"), 1);
  json_t *b = fpt_call(&srv, w.pm1, "PUT", mark_path("blocked", w.practice1, gp_id), 200, NULL);
  assert_string_equal(fpt_s(b, "kind"), "blocked");
  assert_int_equal(count("favourites"), 0);
  assert_int_equal(count("blocked"), 1);
  fpt_call(&srv, w.pm1, "DELETE", mark_path("blocked", w.practice1, gp_id), 204, NULL);
  assert_int_equal(count("blocked"), 0);
  fpt_expect_error(fpt_request(&srv, w.pm1, "DELETE", mark_path("blocked", w.practice1, gp_id), NULL), 404, "not_found", NULL);

  /* Only the practice's own managers, whatever their role elsewhere. */
  const char *others[] = {w.pm2, w.pool_admin, w.admin, w.commissioner, gp};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
    fpt_expect_error(fpt_request(&srv, others[i], "PUT", mark_path("blocked", w.practice1, gp2_id), NULL), 403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, others[i], "GET", fpt_str("/api/v1/organisations/%lld/favourites", w.practice1), NULL),
                     403, "forbidden", NULL);
  }
  fpt_expect_error(fpt_request(&srv, w.pm1, "PUT", mark_path("blocked", w.practice2, gp2_id), NULL), 403, "forbidden", NULL);
  assert_int_equal(count("blocked"), 0);
  /* Someone outside the practice's pools (or nobody) cannot be marked. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "PUT", mark_path("favourites", w.practice1, outsider_id), NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "PUT", mark_path("favourites", w.practice1, 999999), NULL), 404, "not_found", NULL);
}

static bool search_has(const char *token, long long shift) {
  json_t *j = fpt_call(&srv, token, "GET", "/api/v1/shifts?limit=200", 200, NULL);
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(j, "items"), i, it) {
    if (fpt_int(it, "id") == shift) return true;
  }
  return false;
}

static void test_blocked_sees_nothing_and_cannot_book(void **state) {
  (void)state;
  long long instant = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 10, 9, 4, "instant");
  long long approval = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 11, 9, 4, "approval");
  assert_true(search_has(gp, instant));
  fpt_call(&srv, gp, "GET", fpt_str("/api/v1/shifts/%lld", instant), 200, NULL);

  fpt_call(&srv, w.pm1, "PUT", mark_path("blocked", w.practice1, gp_id), 200, NULL);
  /* The blocked clinician: not in the search, no shift page, booking and applying as for an invisible shift. */
  assert_false(search_has(gp, instant));
  assert_false(search_has(gp, approval));
  fpt_expect_error(fpt_request(&srv, gp, "GET", fpt_str("/api/v1/shifts/%lld", instant), NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", instant), NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/applications", approval), "{}"), 404,
                   "not_found", NULL);
  /* Another clinician of the pool still sees them. */
  assert_true(search_has(gp2, instant));
  fpt_call(&srv, gp2, "GET", fpt_str("/api/v1/shifts/%lld", approval), 200, NULL);

  /* Unblocked: everything comes back, and the booking goes through. */
  fpt_call(&srv, w.pm1, "DELETE", mark_path("blocked", w.practice1, gp_id), 204, NULL);
  assert_true(search_has(gp, instant));
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", instant), 201, NULL);
}

static void test_blocked_application_cannot_be_accepted(void **state) {
  (void)state;
  /* An application sent before the block: accepting it is refused as not eligible. */
  long long approval = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 12, 9, 4, "approval");
  json_t *a = fpt_call(&srv, gp2, "POST", fpt_str("/api/v1/shifts/%lld/applications", approval), 201, "{}");
  fpt_call(&srv, w.pm1, "PUT", mark_path("blocked", w.practice1, gp2_id), 200, NULL);
  struct fpt_resp r = fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", fpt_int(a, "id")), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "not_eligible");
  fpt_call(&srv, w.pm1, "DELETE", mark_path("blocked", w.practice1, gp2_id), 204, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_marks_kept_by_own_managers),
      cmocka_unit_test(test_blocked_sees_nothing_and_cannot_book),
      cmocka_unit_test(test_blocked_application_cannot_be_accepted),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
