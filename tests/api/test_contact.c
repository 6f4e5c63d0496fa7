/*
 * The contact details rule (issue 12): a clinician's phone and email reach a practice only once they
 * apply for or book one of its shifts. A placement grant lets the practice read the clinician (and
 * their passport) but not their contact details; an open application or a booking does. The
 * clinician, their pool's administrator and the system administrator see them as before, and the
 * practice's own contact details stay visible to its pool's clinicians.
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

/* What `token` reads of clinician id, in the profile and in the list: whether it sees the email
   and phone. Both must agree. */
static bool sees_contact(const char *token, long long id, const char *email) {
  json_t *j = fpt_call(&srv, token, "GET", fpt_str("/api/v1/clinicians/%lld", id), 200, NULL);
  json_t *e = json_object_get(j, "email"), *ph = json_object_get(j, "phone");
  bool shared = json_is_true(json_object_get(j, "contact_shared"));
  if (shared) {
    assert_string_equal(json_string_value(e), email);
    assert_string_equal(json_string_value(ph), "07700 900321");
  } else {
    assert_true(json_is_null(e));
    assert_true(json_is_null(ph));
  }
  /* The list says the same. */
  json_t *list = fpt_call(&srv, token, "GET", "/api/v1/clinicians?limit=100", 200, NULL);
  size_t i;
  json_t *c;
  bool found = false;
  json_array_foreach(json_object_get(list, "items"), i, c) {
    if (fpt_int(c, "id") != id) continue;
    found = true;
    assert_int_equal(json_is_true(json_object_get(c, "contact_shared")), shared);
    assert_int_equal(json_is_null(json_object_get(c, "email")), !shared);
    assert_int_equal(json_is_null(json_object_get(c, "phone")), !shared);
  }
  assert_true(found);
  return shared;
}

static void test_grant_alone_gives_no_contact_details(void **state) {
  (void)state;
  long long id;
  const char *gp = fpt_world_clinician(&w, "gp.contact@t.test", "gp", "7400001", true, &id);
  fpt_call(&srv, gp, "PATCH", fpt_str("/api/v1/clinicians/%lld", id), 200, "{s:s}", "phone", "07700 900321");
  /* Nothing between them: the practice does not see the clinician at all. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("/api/v1/clinicians/%lld", id), NULL), 404, "not_found", NULL);

  /* A placement grant: the practice reads the clinician and the passport, not how to reach them. */
  const char *today = fpt_s(fpt_call(&srv, gp, "GET", fpt_str("/api/v1/clinicians/%lld/passport", id), 200, NULL), "on");
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/clinicians/%lld/passport/grants", id), 201, "{s:I, s:s}",
           "organisation_id", (json_int_t)w.practice1, "until", fpt_date_add(today, 30));
  fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/clinicians/%lld/passport", id), 200, NULL);
  assert_false(sees_contact(w.pm1, id, "gp.contact@t.test"));

  /* The clinician applies for one of the practice's shifts: now the practice may reach them. */
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 4, 9, 4, "approval");
  long long app = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/applications", shift), 201, NULL), "id");
  assert_true(sees_contact(w.pm1, id, "gp.contact@t.test"));
  /* Withdrawn, with only the grant left: not any more. */
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/applications/%lld/withdraw", app), 200, NULL);
  assert_false(sees_contact(w.pm1, id, "gp.contact@t.test"));

  /* The others who see the clinician see their contact details as before. */
  assert_true(sees_contact(gp, id, "gp.contact@t.test"));
  assert_true(sees_contact(w.pool_admin, id, "gp.contact@t.test"));
  assert_true(sees_contact(w.admin, id, "gp.contact@t.test"));

  /* The practice's own contact details stay visible to its pool's clinicians. */
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, "{s:s, s:s}", "phone",
           "0113 496 0555", "email", "reception@practice.test");
  json_t *org = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, NULL);
  assert_string_equal(fpt_s(org, "phone"), "0113 496 0555");
  assert_string_equal(fpt_s(org, "email"), "reception@practice.test");
}

static void test_booking_gives_contact_details(void **state) {
  (void)state;
  long long id;
  const char *gp = fpt_world_clinician(&w, "gp.booker@t.test", "gp", "7400002", true, &id);
  fpt_call(&srv, gp, "PATCH", fpt_str("/api/v1/clinicians/%lld", id), 200, "{s:s}", "phone", "07700 900321");
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 5, 9, 4, "instant");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  assert_true(sees_contact(w.pm1, id, "gp.booker@t.test"));
  /* Another practice, with no relationship, sees nothing of them. */
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", fpt_str("/api/v1/clinicians/%lld", id), NULL), 404, "not_found", NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grant_alone_gives_no_contact_details),
      cmocka_unit_test(test_booking_gives_contact_details),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
