/*
 * A pool's rate policy (issue 13): its administrators set a cap and an escalation schedule (others
 * may read it, not set it; a schedule out of order is refused naming the field); a practice opts
 * in; the upkeep raises its unfilled shifts' rates as their start draws near, by a percentage of
 * the posted rate, never past the cap, each escalation recorded with its reason and authority and
 * the practice told; a practice that did not opt in keeps its rates; a rate the practice sets
 * again is the new posted rate. A shift posted or edited over the cap awaits the pool's approval:
 * no clinician sees or books it until the pool's own administrators approve it; refused, it is
 * withdrawn with the reason; the other side is told each time.
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

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static const char *policy_path(void) { return fpt_str("/api/v1/pools/%lld/rate-policy", w.pool); }

static void test_the_pool_sets_its_policy(void **state) {
  (void)state;
  json_t *none = fpt_call(&srv, w.pm1, "GET", policy_path(), 200, NULL);
  assert_int_equal(fpt_int(none, "cap_hourly_pence"), 0);
  assert_int_equal(json_array_size(json_object_get(none, "escalation")), 0);
  assert_int_equal(fpt_int(none, "hourly_rate_pence"), 7757); /* the indicative rates, shown with it */
  /* Only the pool's administrators set it. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "PUT", policy_path(), "{s:i, s:[]}", "cap_hourly_pence", 9000, "escalation"),
                   403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PUT", "/api/v1/pools/999999/rate-policy", "{s:i, s:[]}",
                               "cap_hourly_pence", 9000, "escalation"),
                   404, "not_found", NULL);
  /* Checked where it comes in: the steps in order, each in range. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PUT", policy_path(), "{s:i, s:[{s:i, s:i}, {s:i, s:i}]}",
                               "cap_hourly_pence", 8600, "escalation", "hours_before", 24, "percent", 10,
                               "hours_before", 72, "percent", 5),
                   400, "invalid_field", "escalation");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PUT", policy_path(), "{s:i, s:[{s:i, s:i}]}", "cap_hourly_pence",
                               8600, "escalation", "hours_before", 72, "percent", 101),
                   400, "invalid_field", "escalation[0].percent");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PUT", policy_path(), "{s:i, s:[]}", "cap_hourly_pence", -1,
                               "escalation"),
                   400, "invalid_field", "cap_hourly_pence");
  json_t *set = fpt_call(&srv, w.pool_admin, "PUT", policy_path(), 200, "{s:i, s:[{s:i, s:i}, {s:i, s:i}]}",
                         "cap_hourly_pence", 8600, "escalation", "hours_before", 72, "percent", 5, "hours_before", 24,
                         "percent", 10);
  assert_int_equal(fpt_int(set, "cap_hourly_pence"), 8600);
  assert_int_equal(fpt_int(json_array_get(json_object_get(set, "escalation"), 1), "percent"), 10);
  /* Read back by a practice, and audited. */
  json_t *got = fpt_call(&srv, w.pm1, "GET", policy_path(), 200, NULL);
  assert_int_equal(fpt_int(json_array_get(json_object_get(got, "escalation"), 0), "hours_before"), 72);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit WHERE action = 'pool.rate_policy'"), 1);
}

static long long rate_of(long long shift) {
  return fpt_int(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", shift), 200, NULL), "rate_pence");
}

/* Waits for the upkeep (every second) to have raised shift's rate from `from`; the rate then. */
static long long raised_from(long long shift, long long from) {
  for (int i = 0; i < 100; i++) {
    long long r = rate_of(shift);
    if (r != from) return r;
    usleep(100 * 1000);
  }
  return from;
}

static void test_unfilled_shifts_escalate_under_the_policy(void **state) {
  (void)state;
  time_t now = time(NULL);
  /* Not opted in yet: a shift 30 hours away keeps its rate through several runs. */
  long long waiting = fpt_world_gp_shift_at(&w, now + 30 * 3600, now + 34 * 3600, "instant");
  sleep(3);
  assert_int_equal(rate_of(waiting), 8000);
  /* Only a practice opts in, and only its managers. */
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", fpt_str("/api/v1/organisations/%lld", w.pcn), "{s:b}",
                               "rate_escalation", 1),
                   400, "invalid_field", "rate_escalation");
  fpt_expect_error(fpt_request(&srv, w.pm2, "PATCH", fpt_str("/api/v1/organisations/%lld", w.practice1), "{s:b}",
                               "rate_escalation", 1),
                   404, "not_found", NULL);
  json_t *org = fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, "{s:b}",
                         "rate_escalation", 1);
  assert_true(json_is_true(json_object_get(org, "rate_escalation")));
  /* 30 hours to go: the 72-hour step, +5 % of GBP 80.00. */
  assert_int_equal(raised_from(waiting, 8000), 8400);
  /* 10 hours to go: the 24-hour step, +10 % = 88.00, held at the cap of 86.00. */
  long long close = fpt_world_gp_shift_at(&w, now + 10 * 3600, now + 14 * 3600, "instant");
  long long r = raised_from(close, 8000);
  assert_int_equal(r, 8600);
  /* Four days away: no step yet. */
  long long far = fpt_world_gp_shift_at(&w, now + 96 * 3600, now + 100 * 3600, "instant");
  sleep(3);
  assert_int_equal(rate_of(far), 8000);
  /* Each escalation says why, by what authority, and when; the practice was told. */
  json_t *items = json_object_get(
      fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld/escalations", close), 200, NULL), "items");
  assert_int_equal(json_array_size(items), 1);
  json_t *e = json_array_get(items, 0);
  assert_int_equal(fpt_int(e, "from_pence"), 8000);
  assert_int_equal(fpt_int(e, "to_pence"), 8600);
  assert_int_equal(fpt_int(e, "percent"), 10);
  assert_true(json_is_true(json_object_get(e, "capped")));
  assert_non_null(strstr(fpt_s(e, "reason"), "+10%"));
  assert_non_null(strstr(fpt_s(e, "reason"), "cap"));
  assert_non_null(strstr(fpt_s(e, "authorised_by"), "rate policy"));
  assert_true(json_is_null(json_object_get(e, "authorised_by_user_id")));
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE action = 'shift.escalate' AND entity_id"
                                               " = %lld",
                                               close)),
                   1);
  json_t *notes = json_object_get(fpt_call(&srv, w.pm1, "GET", "/api/v1/me/notifications?limit=50", 200, NULL), "items");
  size_t i;
  json_t *it;
  int told = 0;
  json_array_foreach(notes, i, it) told += strcmp(fpt_s(it, "kind"), "shift.escalated") == 0;
  assert_int_equal(told, 2);
  /* Practice 2's managers do not see practice 1's shift, nor its escalations. */
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", fpt_str("/api/v1/shifts/%lld/escalations", close), NULL), 404,
                   "not_found", NULL);
  /* Not raised twice for one step. */
  sleep(2);
  assert_int_equal(rate_of(waiting), 8400);
  /* The practice sets a rate itself: that is the posted rate now, and the step applies to it. */
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", waiting), 200, "{s:i}", "rate_pence", 7000);
  assert_int_equal(raised_from(waiting, 7000), 7350);
}

static bool told(const char *token, const char *kind, long long shift) {
  json_t *notes = json_object_get(fpt_call(&srv, token, "GET", "/api/v1/me/notifications?limit=100", 200, NULL), "items");
  size_t i;
  json_t *it;
  json_array_foreach(notes, i, it) if (strcmp(fpt_s(it, "kind"), kind) == 0 &&
                                       strstr(fpt_s(it, "link"), fpt_str("/shifts/%lld", shift))) return true;
  return false;
}

static void test_over_the_cap_awaits_the_pools_approval(void **state) {
  (void)state;
  const char *gp = fpt_world_clinician(&w, "rp.gp@t.test", "gp", "7700001", true, NULL);
  time_t at = time(NULL) + 10 * 86400;
  /* GBP 90.00 an hour is over the pool's cap of 86.00: posted, but awaiting the pool's approval. */
  json_t *posted = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                            (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_at(at), "ends_at",
                            fpt_time_at(at + 4 * 3600), "rate_pence", 9000, "rate_unit", "hour");
  long long id = fpt_int(posted, "id");
  assert_string_equal(fpt_s(posted, "status"), "awaiting_approval");
  const char *path = fpt_str("/api/v1/shifts/%lld", id);
  /* No clinician sees it or books it; the pool's administrators are asked. */
  fpt_expect_error(fpt_request(&srv, gp, "GET", path, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "POST", fpt_str("%s/booking", path), NULL), 404, "not_found", NULL);
  assert_true(told(w.pool_admin, "shift.rate_approval", id));
  json_t *waiting = json_object_get(
      fpt_call(&srv, w.pool_admin, "GET", "/api/v1/shifts?status=awaiting_approval&limit=50", 200, NULL), "items");
  assert_int_equal(json_array_size(waiting), 1);
  /* Only the pool's administrators decide. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("%s/rate-approval", path), NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "POST", fpt_str("%s/rate-approval", path), NULL), 404, "not_found", NULL);
  json_t *open = fpt_call(&srv, w.pool_admin, "POST", fpt_str("%s/rate-approval", path), 200, NULL);
  assert_string_equal(fpt_s(open, "status"), "open");
  assert_int_equal(fpt_int(open, "rate_pence"), 9000);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", fpt_str("%s/rate-approval", path), NULL), 409,
                   "invalid_state", NULL);
  assert_true(told(w.pm1, "shift.rate_approved", id));
  assert_int_equal(fpt_int(fpt_call(&srv, gp, "GET", path, 200, NULL), "id"), id); /* published */
  /* Edited over the cap again: back to awaiting; refused with a reason, withdrawn. */
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "PATCH", path, 200, "{s:i}", "rate_pence", 9500), "status"),
                      "awaiting_approval");
  fpt_expect_error(fpt_request(&srv, gp, "GET", path, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", fpt_str("%s/rate-refusal", path), "{}"), 400,
                   "missing_field", "reason");
  json_t *refused = fpt_call(&srv, w.pool_admin, "POST", fpt_str("%s/rate-refusal", path), 200, "{s:s}", "reason",
                             "Above the ICB's agreed maximum");
  assert_string_equal(fpt_s(refused, "status"), "withdrawn");
  assert_true(told(w.pm1, "shift.rate_refused", id));
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit JOIN audit_personal p ON p.audit_id = audit.id WHERE action = 'shift.rate_refuse' AND"
                                               " entity_id = %lld AND after LIKE '%%agreed maximum%%'",
                                               id)),
                   1);
  /* A practice that brings the rate within the cap publishes it itself. */
  long long second = fpt_int(fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}",
                                      "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at",
                                      fpt_time_at(at + 86400), "ends_at", fpt_time_at(at + 86400 + 4 * 3600),
                                      "rate_pence", 9000, "rate_unit", "hour"),
                             "id");
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", second), 200, "{s:i}",
                                     "rate_pence", 8500),
                            "status"),
                      "open");
  /* Practice 2 is in no pool: no cap over its shifts. */
  json_t *free_shift = fpt_call(&srv, w.pm2, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}",
                                "practice_id", (json_int_t)w.practice2, "role", "gp", "starts_at", fpt_time_at(at),
                                "ends_at", fpt_time_at(at + 4 * 3600), "rate_pence", 20000, "rate_unit", "hour");
  assert_string_equal(fpt_s(free_shift, "status"), "open");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_the_pool_sets_its_policy),
      cmocka_unit_test(test_unfilled_shifts_escalate_under_the_policy),
      cmocka_unit_test(test_over_the_cap_awaits_the_pools_approval),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
