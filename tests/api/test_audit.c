/*
 * The audit log over HTTP against the real server: each kind of state change leaves its row (who,
 * what, when, before and after) as the system administrator reads it back with GET /api/v1/audit:
 * booking, cancellation, shift create/withdraw/reopen, application decisions, pool membership, join
 * requests and user deactivation. Then the log's own rules: newest first, filters, paging, the whole
 * of it for the system administrator and for a practice, a pool and an ICB the part they answer for
 * (issue 14), bad parameters refused.
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
/* gp, gp2: GPs in the pool. */
static const char *gp, *gp2;
static long long gp_id, gp2_id, gp_user, gp2_user, admin_user, pool_admin_user;

static long long user_id_of(const char *token) { return fpt_int(fpt_call(&srv, token, "GET", "/api/v1/me", 200, NULL), "id"); }

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "gp@a.test", "gp", "7300001", true, &gp_id);
  gp2 = fpt_world_clinician(&w, "gp2@a.test", "gp", "7300002", true, &gp2_id);
  gp_user = user_id_of(gp);
  gp2_user = user_id_of(gp2);
  admin_user = user_id_of(w.admin);
  pool_admin_user = user_id_of(w.pool_admin);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* The audit rows of one entity, newest first. */
static json_t *rows_of(const char *entity, long long id) {
  json_t *page = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/audit?entity=%s&entity_id=%lld", entity, id), 200, NULL);
  json_t *items = json_object_get(page, "items");
  assert_true(json_is_array(items));
  return items;
}

/* The newest row of the entity with this action; fails the test when there is none. */
static json_t *row(const char *entity, long long id, const char *action) {
  json_t *items = rows_of(entity, id);
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    assert_string_equal(fpt_s(it, "entity"), entity);
    assert_int_equal(fpt_int(it, "entity_id"), id);
    if (strcmp(fpt_s(it, "action"), action) == 0) return it;
  }
  fail_msg("no '%s' audit row for %s %lld: %s", action, entity, id, json_dumps(items, JSON_COMPACT));
  return NULL;
}

/* Asserts the row's actor. */
static void assert_actor(json_t *r, long long user, const char *email) {
  assert_int_equal(fpt_int(r, "actor_user_id"), user);
  assert_string_equal(fpt_s(r, "actor_email"), email);
  assert_true(strlen(fpt_s(r, "actor_name")) > 0); /* the person's name, for the page to show */
  assert_non_null(json_object_get(r, "at"));
  assert_true(json_is_string(json_object_get(r, "at")));
}

/* A string member of the row's before or after document. */
static const char *doc_s(json_t *r, const char *which, const char *key) {
  json_t *d = json_object_get(r, which);
  if (!json_is_object(d)) fail_msg("'%s' is not an object: %s", which, json_dumps(r, JSON_COMPACT));
  return fpt_s(d, key);
}

static void test_shift_lifecycle(void **state) {
  (void)state;
  /* Created: by the practice manager, open. */
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 10, 9, 4, "instant");
  json_t *r = row("shift", s, "shift.create");
  assert_actor(r, w.pm1_user, "pm1@t.test");
  assert_true(json_is_null(json_object_get(r, "before")));
  assert_string_equal(doc_s(r, "after", "status"), "open");
  assert_int_equal(fpt_int(json_object_get(r, "after"), "practice_id"), w.practice1);

  /* Withdrawn while open: open -> withdrawn. */
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  r = row("shift", s, "shift.withdraw");
  assert_actor(r, w.pm1_user, "pm1@t.test");
  assert_string_equal(doc_s(r, "before", "status"), "open");
  assert_string_equal(doc_s(r, "after", "status"), "withdrawn");
  /* Newest first: the withdrawal comes before the creation. */
  json_t *items = rows_of("shift", s);
  assert_int_equal(json_array_size(items), 2);
  assert_string_equal(fpt_s(json_array_get(items, 0), "action"), "shift.withdraw");
  assert_string_equal(fpt_s(json_array_get(items, 1), "action"), "shift.create");
  assert_true(fpt_int(json_array_get(items, 0), "id") > fpt_int(json_array_get(items, 1), "id"));
  /* A refused change leaves nothing. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", s), NULL), 409, "invalid_state", NULL);
  assert_int_equal(json_array_size(rows_of("shift", s)), 2);
}

static void test_booking_cancellation_and_reopen(void **state) {
  (void)state;
  /* Booked by the clinician. */
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 12, 9, 4, "instant");
  json_t *b = fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL);
  long long booking = fpt_int(b, "id");
  json_t *r = row("booking", booking, "booking.create");
  assert_actor(r, gp_user, "gp@a.test");
  assert_true(json_is_null(json_object_get(r, "before")));
  assert_string_equal(doc_s(r, "after", "status"), "confirmed");
  assert_int_equal(fpt_int(json_object_get(r, "after"), "shift_id"), s);
  assert_int_equal(fpt_int(json_object_get(r, "after"), "clinician_id"), gp_id);

  /* Cancelled by the clinician: confirmed -> cancelled, by the clinician, not late (12 days ahead). */
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 200, "{s:s}", "reason",
           "Family emergency");
  r = row("booking", booking, "booking.cancel");
  assert_actor(r, gp_user, "gp@a.test");
  assert_string_equal(doc_s(r, "before", "status"), "confirmed");
  assert_string_equal(doc_s(r, "after", "status"), "cancelled");
  assert_string_equal(doc_s(r, "after", "cancelled_by"), "clinician");
  assert_true(json_is_false(json_object_get(json_object_get(r, "after"), "late")));
  assert_string_equal(doc_s(r, "after", "reason"), "Family emergency");

  /* Booked again by another clinician, cancelled by the practice (late: inside 48 hours is not the
     case here, so late is false), then re-opened by the practice. */
  b = fpt_call(&srv, gp2, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL);
  long long booking2 = fpt_int(b, "id");
  assert_actor(row("booking", booking2, "booking.create"), gp2_user, "gp2@a.test");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking2), 200, "{s:s}", "reason",
           "The surgery is closed for refurbishment");
  r = row("booking", booking2, "booking.cancel");
  assert_actor(r, w.pm1_user, "pm1@t.test");
  assert_string_equal(doc_s(r, "after", "cancelled_by"), "practice");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/reopen", s), 200, NULL);
  r = row("shift", s, "shift.reopen");
  assert_actor(r, w.pm1_user, "pm1@t.test");
  assert_string_equal(doc_s(r, "before", "status"), "cancelled");
  assert_string_equal(doc_s(r, "after", "status"), "open");

  /* A cancellation inside 48 hours is marked late in the record as well. */
  long long soon = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 1, 9, 4, "instant");
  long long booking3 = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", soon), 201, NULL), "id");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking3), 200, "{s:s}", "reason", "Unwell");
  assert_true(json_is_true(json_object_get(json_object_get(row("booking", booking3, "booking.cancel"), "after"), "late")));

  /* A refused booking leaves no row: the shift is taken. */
  long long taken = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 14, 9, 4, "instant");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", taken), 201, NULL);
  size_t before = json_array_size(
      json_object_get(fpt_call(&srv, w.admin, "GET", "/api/v1/audit?entity=booking&limit=200", 200, NULL), "items"));
  fpt_expect_error(fpt_request(&srv, gp2, "POST", fpt_str("/api/v1/shifts/%lld/booking", taken), NULL), 409, "shift_taken",
               NULL);
  size_t after = json_array_size(
      json_object_get(fpt_call(&srv, w.admin, "GET", "/api/v1/audit?entity=booking&limit=200", 200, NULL), "items"));
  assert_int_equal(before, after);
}

static void test_application_decisions(void **state) {
  (void)state;
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 16, 9, 4, "approval");
  const char *apply = fpt_str("/api/v1/shifts/%lld/applications", s);
  long long a1 = fpt_int(fpt_call(&srv, gp, "POST", apply, 201, NULL), "id");
  long long a2 = fpt_int(fpt_call(&srv, gp2, "POST", apply, 201, NULL), "id");
  json_t *r = row("application", a1, "application.create");
  assert_actor(r, gp_user, "gp@a.test");
  assert_string_equal(doc_s(r, "after", "status"), "pending");

  /* Declined by the practice: pending -> declined, by the practice manager. */
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/decline", a1), 200, "{s:s}", "reason",
           "We need someone for the whole series");
  r = row("application", a1, "application.decide");
  assert_actor(r, w.pm1_user, "pm1@t.test");
  assert_string_equal(doc_s(r, "before", "status"), "pending");
  assert_string_equal(doc_s(r, "after", "status"), "declined");

  /* Withdrawn by the clinician: pending -> withdrawn, by the clinician. */
  fpt_call(&srv, gp2, "POST", fpt_str("/api/v1/applications/%lld/withdraw", a2), 200, NULL);
  r = row("application", a2, "application.decide");
  assert_actor(r, gp2_user, "gp2@a.test");
  assert_string_equal(doc_s(r, "after", "status"), "withdrawn");

  /* Accepted by the practice: the booking it makes is recorded as the practice manager's, for the
     clinician who applied. */
  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 17, 9, 4, "approval");
  long long a3 = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/applications", s2), 201, NULL), "id");
  long long a4 = fpt_int(fpt_call(&srv, gp2, "POST", fpt_str("/api/v1/shifts/%lld/applications", s2), 201, NULL), "id");
  json_t *acc = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", a3), 200, NULL);
  r = row("application", a3, "application.accept");
  assert_actor(r, w.pm1_user, "pm1@t.test");
  assert_string_equal(doc_s(r, "after", "status"), "accepted");
  /* The other applicant is declined because the shift is filled, on the record too. */
  r = row("application", a4, "application.decline");
  assert_actor(r, w.pm1_user, "pm1@t.test");
  assert_string_equal(doc_s(r, "after", "status"), "declined");
  assert_string_equal(doc_s(r, "after", "reason"), "filled");
  long long booking = fpt_int(json_object_get(acc, "booking"), "id");
  r = row("booking", booking, "booking.create");
  assert_actor(r, w.pm1_user, "pm1@t.test");
  assert_int_equal(fpt_int(json_object_get(r, "after"), "clinician_id"), gp_id);
  assert_int_equal(fpt_int(json_object_get(r, "after"), "shift_id"), s2);
}

static void test_pool_membership(void **state) {
  (void)state;
  long long cl_id = 0;
  const char *cl = fpt_world_clinician(&w, "joiner@a.test", "gp", "7300003", false, &cl_id);
  long long cl_user = user_id_of(cl);
  const char *members = fpt_str("/api/v1/pools/%lld/members", w.pool);

  /* Admitted directly, then removed. */
  long long m = fpt_int(fpt_call(&srv, w.pool_admin, "POST", members, 201, "{s:I}", "clinician_id", (json_int_t)cl_id),
                        "id");
  json_t *r = row("pool_member", m, "pool.member_add");
  assert_actor(r, pool_admin_user, "pool@t.test");
  assert_true(json_is_null(json_object_get(r, "before")));
  assert_int_equal(fpt_int(json_object_get(r, "after"), "pool_id"), w.pool);
  assert_int_equal(fpt_int(json_object_get(r, "after"), "clinician_id"), cl_id);
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, m), 204, NULL);
  r = row("pool_member", m, "pool.member_remove");
  assert_actor(r, pool_admin_user, "pool@t.test");
  assert_int_equal(fpt_int(json_object_get(r, "before"), "clinician_id"), cl_id);
  assert_true(json_is_null(json_object_get(r, "after")));

  /* Asks to join and withdraws; asks again and is accepted (which admits them). */
  const char *requests = fpt_str("/api/v1/pools/%lld/join-requests", w.pool);
  long long j1 = fpt_int(fpt_call(&srv, cl, "POST", requests, 201, NULL), "id");
  r = row("join_request", j1, "join_request.create");
  assert_actor(r, cl_user, "joiner@a.test");
  assert_string_equal(doc_s(r, "after", "status"), "pending");
  fpt_call(&srv, cl, "POST", fpt_str("/api/v1/join-requests/%lld/withdraw", j1), 200, NULL);
  r = row("join_request", j1, "join_request.withdraw");
  assert_actor(r, cl_user, "joiner@a.test");
  assert_string_equal(doc_s(r, "before", "status"), "pending");
  assert_string_equal(doc_s(r, "after", "status"), "withdrawn");
  long long j2 = fpt_int(fpt_call(&srv, cl, "POST", requests, 201, NULL), "id");
  json_t *acc = fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/join-requests/%lld/accept", j2), 200, NULL);
  r = row("join_request", j2, "join_request.accept");
  assert_actor(r, pool_admin_user, "pool@t.test");
  assert_string_equal(doc_s(r, "after", "status"), "accepted");
  r = row("pool_member", fpt_int(acc, "member_id"), "pool.member_add");
  assert_int_equal(fpt_int(json_object_get(r, "after"), "join_request_id"), j2);

  /* The pool itself: created by the system administrator, changed by its administrator. */
  r = row("pool", w.pool, "pool.create");
  assert_actor(r, admin_user, "root@flexpool.test");
  fpt_call(&srv, w.pool_admin, "PATCH", fpt_str("/api/v1/pools/%lld", w.pool), 200, "{s:i}", "session_rate_pence", 33000);
  r = row("pool", w.pool, "pool.update");
  assert_actor(r, pool_admin_user, "pool@t.test");
  assert_int_equal(fpt_int(json_object_get(r, "before"), "session_rate_pence"), 32321);
  assert_int_equal(fpt_int(json_object_get(r, "after"), "session_rate_pence"), 33000);
  /* A custom role the pool adds. */
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/pools/%lld/roles", w.pool), 201, "{s:s, s:s}", "code",
           "audit_role", "name", "Audit role");
  json_t *items = json_object_get(
      fpt_call(&srv, w.admin, "GET", "/api/v1/audit?entity=custom_role&action=role.create", 200, NULL), "items");
  assert_int_equal(json_array_size(items), 1);
  assert_string_equal(doc_s(json_array_get(items, 0), "after", "code"), "audit_role");
  assert_int_equal(fpt_int(json_array_get(items, 0), "actor_user_id"), pool_admin_user);
}

static void test_user_deactivation(void **state) {
  (void)state;
  json_t *u = fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email",
                       "leaver@a.test", "name", "Lee Leaver", "role", "practice_manager", "organisation_id",
                       (json_int_t)w.practice1, "password", "leaver-password");
  long long id = fpt_int(json_object_get(u, "user"), "id");
  assert_actor(row("user", id, "user.create"), admin_user, "root@flexpool.test");
  assert_true(json_is_null(json_object_get(fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/users/%lld", id), 200, NULL),
                                           "deactivated_at")));
  fpt_call(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", id), 200, "{s:b}", "active", 0);
  /* Closing records when, in the account and in the list (the retention periods run from it). */
  const char *closed = fpt_s(fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/users/%lld", id), 200, NULL), "deactivated_at");
  assert_non_null(closed);
  json_t *listed = json_array_get(
      json_object_get(fpt_call(&srv, w.admin, "GET", "/api/v1/users?q=leaver%40a.test", 200, NULL), "items"), 0);
  assert_string_equal(fpt_s(listed, "deactivated_at"), closed);
  json_t *r = row("user", id, "user.deactivate");
  assert_actor(r, admin_user, "root@flexpool.test");
  assert_true(json_is_true(json_object_get(json_object_get(r, "before"), "active")));
  assert_true(json_is_false(json_object_get(json_object_get(r, "after"), "active")));
  fpt_call(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", id), 200, "{s:b}", "active", 1);
  assert_true(json_is_true(json_object_get(json_object_get(row("user", id, "user.activate"), "after"), "active")));
  assert_true(json_is_null(json_object_get(fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/users/%lld", id), 200, NULL),
                                           "deactivated_at")));
}

static void test_filters_paging_and_access(void **state) {
  (void)state;
  /* By actor: only that user's rows, newest first. */
  json_t *items = json_object_get(
      fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/audit?actor_user_id=%lld&limit=200", w.pm1_user), 200, NULL),
      "items");
  assert_true(json_array_size(items) >= 5);
  size_t i;
  json_t *it;
  long long prev = 0;
  json_array_foreach(items, i, it) {
    assert_int_equal(fpt_int(it, "actor_user_id"), w.pm1_user);
    if (prev) assert_true(fpt_int(it, "id") < prev);
    prev = fpt_int(it, "id");
  }
  /* By action, across entities of one kind. */
  items = json_object_get(fpt_call(&srv, w.admin, "GET", "/api/v1/audit?action=booking.cancel", 200, NULL), "items");
  assert_int_equal(json_array_size(items), 3);
  json_array_foreach(items, i, it) assert_string_equal(fpt_s(it, "action"), "booking.cancel");
  /* Filters combine; none matching is an empty page. */
  items = json_object_get(
      fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/audit?action=booking.cancel&actor_user_id=%lld", w.pm1_user), 200, NULL),
      "items");
  assert_int_equal(json_array_size(items), 1);
  json_t *none = fpt_call(&srv, w.admin, "GET", "/api/v1/audit?entity=shift&entity_id=999999", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(none, "items")), 0);
  assert_true(json_is_null(json_object_get(none, "next_cursor")));

  /* Paging through the whole log, three at a time: every row once, newest first, like one big page. */
  json_t *whole = json_object_get(fpt_call(&srv, w.admin, "GET", "/api/v1/audit?limit=200", 200, NULL), "items");
  assert_true(json_array_size(whole) > 20);
  json_t *paged = fpt_keep_json(json_array());
  const char *cursor = NULL;
  for (int pages = 0; pages < 200; pages++) {
    json_t *page = fpt_call(&srv, w.admin, "GET",
                            cursor ? fpt_str("/api/v1/audit?limit=3&cursor=%s", cursor) : "/api/v1/audit?limit=3", 200, NULL);
    assert_true(json_array_size(json_object_get(page, "items")) <= 3);
    json_array_extend(paged, json_object_get(page, "items"));
    json_t *next = json_object_get(page, "next_cursor");
    if (json_is_null(next)) break;
    cursor = json_string_value(next);
    assert_non_null(cursor);
  }
  if (json_array_size(whole) < 200) {
    assert_int_equal(json_array_size(paged), json_array_size(whole));
    json_array_foreach(whole, i, it) assert_int_equal(fpt_int(json_array_get(paged, i), "id"), fpt_int(it, "id"));
  }
  /* System rows (no actor) read as null. The bootstrap administrator was created by the CLI. */
  items = json_object_get(fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/audit?entity=user&entity_id=%lld", admin_user), 200, NULL),
                          "items");
  bool cli_seen = false;
  json_array_foreach(items, i, it) {
    if (strcmp(fpt_s(it, "action"), "user.create") == 0) {
      cli_seen = true;
      assert_true(json_is_null(json_object_get(it, "actor_user_id")));
      assert_true(json_is_null(json_object_get(it, "actor_email")));
      assert_true(json_is_null(json_object_get(it, "actor_name")));
    }
  }
  assert_true(cli_seen);

  /* The system administrator reads the whole log; a practice, a pool and an ICB the part they answer
     for (a CQC inspection asks a practice for the trail of its own shifts and bookings); a clinician
     none of it. practice1's shifts are in the pool and the ICB; practice2 has none. */
  fpt_expect_error(fpt_request(&srv, gp, "GET", "/api/v1/audit", NULL), 403, "forbidden", NULL);
  const char *staff[] = {w.pm1, w.pool_admin, w.commissioner};
  for (size_t k = 0; k < sizeof staff / sizeof staff[0]; k++) {
    json_t *mine = json_object_get(fpt_call(&srv, staff[k], "GET", "/api/v1/audit?limit=200", 200, NULL), "items");
    bool shift_seen = false;
    json_array_foreach(mine, i, it) {
      const char *entity = fpt_s(it, "entity");
      assert_true(strcmp(entity, "shift") == 0 || strcmp(entity, "booking") == 0 || strcmp(entity, "passport_check") == 0);
      if (strcmp(entity, "passport_check") == 0) assert_ptr_equal(staff[k], w.pool_admin);
      if (strcmp(entity, "shift") == 0) {
        json_t *sh = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/shifts/%lld", fpt_int(it, "entity_id")), 200, NULL);
        assert_int_equal(fpt_int(sh, "practice_id"), w.practice1);
        shift_seen = true;
      }
    }
    assert_true(shift_seen);
    /* Filters narrow it as they do the whole log's. */
    mine = json_object_get(fpt_call(&srv, staff[k], "GET", "/api/v1/audit?entity=booking&limit=200", 200, NULL), "items");
    assert_true(json_array_size(mine) > 0);
    json_array_foreach(mine, i, it) assert_string_equal(fpt_s(it, "entity"), "booking");
  }
  json_t *pm2_rows = json_object_get(fpt_call(&srv, w.pm2, "GET", "/api/v1/audit?limit=200", 200, NULL), "items");
  assert_int_equal(json_array_size(pm2_rows), 0);
  fpt_expect_error(fpt_request(&srv, NULL, "GET", "/api/v1/audit", NULL), 401, "unauthenticated", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/audit", "{}"), 405, "method_not_allowed", NULL);

  /* Bad parameters. */
  struct {
    const char *query, *field;
  } bad[] = {
      {"entity_id=abc", "entity_id"}, {"entity_id=-1", "entity_id"},   {"actor_user_id=0", "actor_user_id"},
      {"limit=0", "limit"},           {"limit=201", "limit"},           {"cursor=abc", "cursor"},
      {"cursor=0", "cursor"},         {"entity=", "entity"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
    fpt_expect_error(fpt_request(&srv, w.admin, "GET", fpt_str("/api/v1/audit?%s", bad[k].query), NULL), 400,
                 "invalid_parameter", bad[k].field);
  char long_entity[100];
  memset(long_entity, 'e', 65);
  long_entity[65] = 0;
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", fpt_str("/api/v1/audit?entity=%s", long_entity), NULL), 400,
               "invalid_parameter", "entity");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shift_lifecycle),
      cmocka_unit_test(test_booking_cancellation_and_reopen),
      cmocka_unit_test(test_application_decisions),
      cmocka_unit_test(test_pool_membership),
      cmocka_unit_test(test_user_deactivation),
      cmocka_unit_test(test_filters_paging_and_access),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
