/*
 * The shift marketplace, role by role, over HTTP against the real server: posting, searching,
 * booking, applying, accepting, cancelling, re-opening, withdrawing, series across the clock
 * change, distance and rate filters, pages, and every role refused outside its scope.
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
static const char *gp_a, *gp_b, *nurse, *outsider;
static long long gp_a_id, gp_b_id, nurse_id;

static void write_postcodes(const char *path) {
  FILE *f = fopen(path, "w");
  fputs("pcd,pcds,doterm,oseast1m,osnrth1m,lat,long\n"
        "LS1  4AP,LS1 4AP,,429000,433500,53.796,-1.548\n"
        "LS6  2QB,LS6 2QB,,428000,436000,53.818,-1.566\n"
        "BD1  1HY,BD1 1HY,,416000,433000,53.793,-1.752\n"
        "YO1  7HH,YO1 7HH,,460000,452000,53.962,-1.082\n"
        "LS6  3AA,LS6 3AA,,426500,436400,53.8216,-1.5888\n"
        "LS2  9JT,LS2 9JT,201901,429500,434000,53.800,-1.550\n",
        f);
  fclose(f);
}

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  char csv[400];
  snprintf(csv, sizeof csv, "%s/pc.csv", srv.data_dir);
  write_postcodes(csv);
  char out[256];
  const char *args[] = {"import", "postcodes", csv, "--data-dir", srv.data_dir, NULL};
  if (fpt_cli(out, sizeof out, args) != 0 || !strstr(out, "imported 5 postcodes, skipped 1")) {
    fprintf(stderr, "postcode import: %s\n", out);
    return -1;
  }
  fpt_world_build(&w, &srv);
  gp_a = fpt_world_clinician(&w, "gp.a@t.test", "gp", "7000001", true, &gp_a_id);
  gp_b = fpt_world_clinician(&w, "gp.b@t.test", "gp", "7000002", true, &gp_b_id);
  nurse = fpt_world_clinician(&w, "nurse@t.test", "nurse", "12A3456E", true, &nurse_id);
  outsider = fpt_world_clinician(&w, "outsider@t.test", "gp", "7000003", false, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static bool list_has(json_t *page, long long id) {
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(page, "items"), i, it) if (fpt_int(it, "id") == id) return true;
  return false;
}

static void test_instant_booking_journey(void **state) {
  (void)state;
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 5, 9, 4, "instant");
  long long other = fpt_world_shift(&w, w.pm2, w.practice2, "gp", 5, 9, 4, "instant");
  long long nurse_shift = fpt_world_shift(&w, w.pm1, w.practice1, "nurse", 5, 9, 4, "instant");

  /* The clinician sees their pool's shifts for their profession only. */
  json_t *page = fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?status=open&limit=200", 200, NULL);
  assert_true(list_has(page, s));
  assert_false(list_has(page, other));
  assert_false(list_has(page, nurse_shift));
  fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/shifts/%lld", other), 404, NULL);
  fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/shifts/%lld", nurse_shift), 404, NULL);
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", other), 404, NULL);
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", nurse_shift), 404, NULL);
  fpt_call(&srv, outsider, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 404, NULL);
  fpt_call(&srv, gp_a, "POST", "/api/v1/shifts/999999999/booking", 404, NULL);
  json_t *detail = fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  assert_int_equal(fpt_int(detail, "estimated_fee_pence"), 4 * 8000);
  assert_string_equal(fpt_s(json_object_get(detail, "practice"), "name"), "Park Lane Surgery");

  /* Book: exactly once. */
  json_t *b = fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL);
  assert_string_equal(fpt_s(b, "status"), "confirmed");
  assert_int_equal(fpt_int(b, "shift_id"), s);
  assert_int_equal(fpt_int(b, "clinician_id"), gp_a_id);
  assert_int_equal(fpt_int(b, "practice_id"), w.practice1);
  long long booking = fpt_int(b, "id");
  struct fpt_resp r = fpt_request(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "shift_taken");
  json_t *sh = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  assert_string_equal(fpt_s(sh, "status"), "booked");
  assert_int_equal(fpt_int(sh, "booked_clinician_id"), gp_a_id);

  /* Everyone in scope sees the booking; the other practice does not. */
  assert_true(list_has(fpt_call(&srv, gp_a, "GET", "/api/v1/bookings", 200, NULL), booking));
  assert_true(list_has(fpt_call(&srv, w.pm1, "GET", "/api/v1/bookings", 200, NULL), booking));
  assert_true(list_has(fpt_call(&srv, w.pool_admin, "GET", "/api/v1/bookings", 200, NULL), booking));
  assert_true(list_has(fpt_call(&srv, w.commissioner, "GET", "/api/v1/bookings", 200, NULL), booking));
  assert_false(list_has(fpt_call(&srv, w.pm2, "GET", "/api/v1/bookings", 200, NULL), booking));
  assert_false(list_has(fpt_call(&srv, gp_b, "GET", "/api/v1/bookings", 200, NULL), booking));
  fpt_call(&srv, gp_b, "GET", fpt_str("/api/v1/bookings/%lld", booking), 404, NULL);

  /* An overlapping shift elsewhere in the pool is refused for the same clinician. */
  long long overlap = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 5, 11, 4, "instant");
  r = fpt_request(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", overlap), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "overlapping_booking");
  fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/booking", overlap), 201, NULL);

  /* The clinician cancels: the shift is open again, and it is not late (5 days ahead). */
  fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 404, "{s:s}", "reason", "x");
  r = fpt_request(&srv, gp_a, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), "{}");
  assert_int_equal(r.status, 400);
  json_t *c = fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 200, "{s:s}",
                       "reason", "Family emergency");
  assert_string_equal(fpt_s(c, "status"), "cancelled");
  assert_string_equal(fpt_s(c, "cancelled_by"), "clinician");
  assert_string_equal(fpt_s(c, "reason"), "Family emergency");
  assert_false(json_is_true(json_object_get(c, "late")));
  assert_non_null(json_object_get(c, "cancelled_at"));
  sh = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  assert_string_equal(fpt_s(sh, "status"), "open");
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 409, "{s:s}", "reason", "again");
  /* Someone else can book it now. */
  fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 409, NULL); /* gp_b overlaps now */
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL);
}

static void test_late_practice_cancellation_and_reopen(void **state) {
  (void)state;
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 1, 2, 3, "instant");
  long long booking = fpt_int(fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL), "id");
  fpt_call(&srv, w.pm2, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 404, "{s:s}", "reason", "x");
  fpt_call(&srv, w.commissioner, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 403, "{s:s}",
           "reason", "x");
  json_t *c = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 200, "{s:s}",
                       "reason", "Clinic closed for a burst pipe");
  assert_string_equal(fpt_s(c, "cancelled_by"), "practice");
  assert_true(json_is_true(json_object_get(c, "late")));
  json_t *sh = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  assert_string_equal(fpt_s(sh, "status"), "cancelled");
  struct fpt_resp r = fpt_request(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), NULL);
  assert_int_equal(r.status, 409);
  /* A withdrawn shift the clinician could never see stays a 404, not a 409 that would reveal it. */
  long long hidden = fpt_world_shift(&w, w.pm2, w.practice2, "gp", 9, 9, 4, "instant");
  fpt_call(&srv, w.pm2, "DELETE", fpt_str("/api/v1/shifts/%lld", hidden), 200, NULL);
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", hidden), 404, NULL);
  assert_string_equal(fpt_error_code(&r), "shift_taken");
  fpt_call(&srv, w.pm2, "POST", fpt_str("/api/v1/shifts/%lld/reopen", s), 404, NULL);
  sh = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/reopen", s), 200, NULL);
  assert_string_equal(fpt_s(sh, "status"), "open");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/reopen", s), 409, NULL);
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL);
}

static void test_visibility_follows_pool_membership(void **state) {
  (void)state;
  /* The outsider is signed in throughout: what they see changes the moment the pool admits or
     removes them, not at their next sign-in. */
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 6, 9, 4, "instant");
  json_t *me = fpt_call(&srv, outsider, "GET", "/api/v1/me", 200, NULL);
  long long outsider_id = fpt_int(me, "clinician_id");
  fpt_call(&srv, outsider, "GET", fpt_str("/api/v1/shifts/%lld", s), 404, NULL);
  assert_false(list_has(fpt_call(&srv, outsider, "GET", "/api/v1/shifts?status=open&limit=200", 200, NULL), s));
  const char *members = fpt_str("/api/v1/pools/%lld/members", w.pool);
  json_t *m = fpt_call(&srv, w.pool_admin, "POST", members, 201, "{s:I}", "clinician_id", (json_int_t)outsider_id);
  long long member_id = fpt_int(m, "id");
  fpt_call(&srv, outsider, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  assert_true(list_has(fpt_call(&srv, outsider, "GET", "/api/v1/shifts?status=open&limit=200", 200, NULL), s));
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, member_id), 204, NULL);
  fpt_call(&srv, outsider, "GET", fpt_str("/api/v1/shifts/%lld", s), 404, NULL);
  assert_false(list_has(fpt_call(&srv, outsider, "GET", "/api/v1/shifts?status=open&limit=200", 200, NULL), s));
  fpt_call(&srv, outsider, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 404, NULL);
}

/* The fields of a shift, as GET /api/v1/shifts/{id} and every list give them. */
static const char *const SHIFT_KEYS[] = {"id", "practice_id", "role", "starts_at", "ends_at", "break_minutes", "rate_pence",
                                         "rate_unit", "booking_mode", "location_type", "description", "status",
                                         "series_id", "hourly_equivalent_pence", "practice", "booking_id",
                                         "booked_clinician_id", "created_at", "updated_at", NULL};

/* Each item of a search page is the shift GET gives (a search adds only distance_km); for a
   clinician both carry the same bookable and missing. */
static int items_match_detail(const char *token, json_t *page) {
  size_t i;
  json_t *item;
  int n = 0;
  json_array_foreach(json_object_get(page, "items"), i, item) {
    json_t *detail = fpt_call(&srv, token, "GET", fpt_str("/api/v1/shifts/%lld", fpt_int(item, "id")), 200, NULL);
    size_t keys = 0;
    for (const char *const *k = SHIFT_KEYS; *k; k++, keys++) {
      json_t *a = json_object_get(item, *k), *b = json_object_get(detail, *k);
      if (strcmp(*k, "practice") == 0) { /* GET adds the practice's profile for the clinician */
        b = json_pack("{s:O, s:O, s:O}", "id", json_object_get(b, "id"), "name", json_object_get(b, "name"), "postcode",
                      json_object_get(b, "postcode"));
        fpt_keep_json(b);
      }
      if (!a || !json_equal(a, b)) {
        fprintf(stderr, "shift %lld: '%s' differs between the search and GET\n", fpt_int(item, "id"), *k);
        return -1;
      }
    }
    /* A clinician's eligibility (bookable, missing), and the release for everyone else: the same in
       both when there. */
    static const char *const ELIG_KEYS[] = {"bookable", "missing", "release", NULL};
    for (const char *const *k = ELIG_KEYS; *k; k++) {
      json_t *a = json_object_get(item, *k), *b = json_object_get(detail, *k);
      if (!a != !b || (a && !json_equal(a, b))) {
        fprintf(stderr, "shift %lld: '%s' differs between the search and GET\n", fpt_int(item, "id"), *k);
        return -1;
      }
      keys += a ? 1 : 0;
    }
    if (json_object_size(item) != keys + (json_object_get(item, "distance_km") ? 1 : 0)) {
      fprintf(stderr, "shift %lld: the search item has other fields than GET\n", fpt_int(item, "id"));
      return -1;
    }
    n++;
  }
  return n;
}

static void test_search_items_match_shift_detail(void **state) {
  (void)state;
  /* Edited (a description needing escapes, times, rate), a series, remote, per session, booked. */
  long long edited = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 12, 9, 4, "instant");
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", edited), 200, "{s:s, s:i, s:s, s:s}", "description",
           "Duty \"doctor\" \\ caf\u00e9\n\tline two \u2014 <b>&</b>", "rate_pence", 9150, "starts_at",
           fpt_time_from_now(12, 8), "ends_at", fpt_time_from_now(12, 13));
  json_t *series = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:{s:s, s:i}}",
                            "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(13, 14),
                            "ends_at", fpt_time_from_now(13, 18), "rate_pence", 33000, "rate_unit", "session", "repeat",
                            "every", "week", "count", 2);
  assert_non_null(series);
  fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
           (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(12, 18), "ends_at",
           fpt_time_from_now(12, 20), "rate_pence", 9000, "rate_unit", "hour", "location_type", "remote");
  long long booked = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 12, 14, 3, "instant");
  fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/booking", booked), 201, NULL);

  const char *from = fpt_time_from_now(11, 0), *to = fpt_time_from_now(30, 0);
  int n = items_match_detail(gp_a, fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/shifts?status=open&from=%s&to=%s&limit=200", from, to), 200, NULL));
  assert_true(n >= 4);
  n = items_match_detail(gp_a, fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/shifts?status=open&from=%s&to=%s&near_postcode=LS1%%204AP&radius_km=50", from, to), 200, NULL));
  assert_true(n >= 4);
  n = items_match_detail(w.pm1, fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts?from=%s&to=%s&limit=200", from, to), 200, NULL));
  assert_true(n >= 5);
  n = items_match_detail(w.pm1, fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts?status=booked&from=%s&to=%s", from, to), 200, NULL));
  assert_true(n >= 1);
}

static void test_edit_and_withdraw(void **state) {
  (void)state;
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 9, 9, 4, "instant");
  json_t *sh = fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", s), 200, "{s:i, s:s}", "rate_pence", 9000,
                        "description", "Duty doctor");
  assert_int_equal(fpt_int(sh, "rate_pence"), 9000);
  assert_string_equal(fpt_s(sh, "description"), "Duty doctor");
  fpt_call(&srv, w.pm2, "PATCH", fpt_str("/api/v1/shifts/%lld", s), 404, "{s:i}", "rate_pence", 1);
  fpt_call(&srv, w.commissioner, "PATCH", fpt_str("/api/v1/shifts/%lld", s), 403, "{s:i}", "rate_pence", 1);
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", s), 400, "{s:s}", "status", "booked");
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", s), 400, "{s:i}", "rate_pence", -5);
  sh = fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  assert_string_equal(fpt_s(sh, "status"), "withdrawn");
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", s), 409, NULL);
  fpt_call(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", s), 409, "{s:i}", "rate_pence", 9100);
  struct fpt_resp r = fpt_request(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), NULL);
  assert_int_equal(r.status, 409);
  /* A booked shift cannot be withdrawn or edited. */
  long long b = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 9, 14, 3, "instant");
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", b), 201, NULL);
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", b), 409, NULL);
}

static void test_approval_journey(void **state) {
  (void)state;
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 12, 9, 4, "approval");
  struct fpt_resp r = fpt_request(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "approval_required");
  long long a1 = fpt_int(fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/applications", s), 201, "{s:s}",
                                  "message", "I know the practice well"), "id");
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/applications", s), 409, NULL);
  long long a2 = fpt_int(fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/applications", s), 201, NULL), "id");
  json_t *mine = fpt_call(&srv, gp_a, "GET", "/api/v1/applications", 200, NULL);
  assert_true(list_has(mine, a1));
  assert_false(list_has(mine, a2));
  json_t *theirs = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/applications?shift_id=%lld&status=pending", s), 200, NULL);
  assert_true(list_has(theirs, a1) && list_has(theirs, a2));
  assert_false(list_has(fpt_call(&srv, w.pm2, "GET", "/api/v1/applications", 200, NULL), a1));
  /* Only the practice accepts; only the applicant withdraws. */
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/applications/%lld/accept", a1), 403, NULL);
  fpt_call(&srv, w.pm2, "POST", fpt_str("/api/v1/applications/%lld/accept", a1), 404, NULL);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/withdraw", a1), 403, NULL);
  json_t *acc = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", a1), 200, NULL);
  assert_string_equal(fpt_s(acc, "status"), "accepted");
  assert_string_equal(fpt_s(json_object_get(acc, "booking"), "status"), "confirmed");
  assert_int_equal(fpt_int(json_object_get(acc, "booking"), "clinician_id"), gp_a_id);
  json_t *other = json_array_get(json_object_get(fpt_call(&srv, gp_b, "GET",
                                                          fpt_str("/api/v1/applications?shift_id=%lld", s), 200, NULL),
                                                 "items"), 0);
  assert_string_equal(fpt_s(other, "status"), "declined");
  assert_string_equal(fpt_s(other, "reason"), "filled");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", a2), 409, NULL);
  /* Accepted and then cancelled: still accepted, and it says the booking is cancelled. */
  json_t *one = fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/applications?shift_id=%lld", s), 200, NULL);
  assert_string_equal(fpt_s(json_array_get(json_object_get(one, "items"), 0), "booking_status"), "confirmed");
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", fpt_int(json_object_get(acc, "booking"), "id")),
           200, "{s:s}", "reason", "Unwell");
  one = json_array_get(json_object_get(fpt_call(&srv, gp_a, "GET", fpt_str("/api/v1/applications?shift_id=%lld", s), 200, NULL),
                                       "items"), 0);
  assert_string_equal(fpt_s(one, "status"), "accepted");
  assert_string_equal(fpt_s(one, "booking_status"), "cancelled");
  assert_true(json_is_null(json_object_get(other, "booking_status")));

  /* Decline and withdraw. */
  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 13, 9, 4, "approval");
  long long a3 = fpt_int(fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/applications", s2), 201, NULL), "id");
  long long a4 = fpt_int(fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/applications", s2), 201, NULL), "id");
  json_t *d = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/decline", a3), 200, "{s:s}", "reason",
                       "We need someone with minor surgery skills");
  assert_string_equal(fpt_s(d, "status"), "declined");
  json_t *wd = fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/applications/%lld/withdraw", a4), 200, NULL);
  assert_string_equal(fpt_s(wd, "status"), "withdrawn");
  fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/applications/%lld/withdraw", a4), 409, NULL);
  /* An instant shift takes no applications. */
  long long inst = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 14, 9, 4, "instant");
  r = fpt_request(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/applications", inst), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "instant_booking");
}

static void test_accept_re_runs_the_rules(void **state) {
  (void)state;
  /* gp_b applies, then books an overlapping instant shift: accepting must now be refused. */
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 15, 9, 4, "approval");
  long long a = fpt_int(fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/applications", s), 201, NULL), "id");
  long long inst = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 15, 10, 2, "instant");
  fpt_call(&srv, gp_b, "POST", fpt_str("/api/v1/shifts/%lld/booking", inst), 201, NULL);
  struct fpt_resp r = fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", a), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "overlapping_booking");
  /* Nothing changed. */
  json_t *sh = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  assert_string_equal(fpt_s(sh, "status"), "open");
}

static void test_series_keeps_local_time(void **state) {
  (void)state;
  /* 16 March 2027 09:00 GMT; the clocks go forward on 28 March 2027. */
  json_t *j = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:{s:s, s:i}}",
                       "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at", "2027-03-16T09:00:00Z",
                       "ends_at", "2027-03-16T12:30:00Z", "rate_pence", 32321, "rate_unit", "session", "repeat",
                       "every", "week", "count", 3);
  assert_true(fpt_int(j, "series_id") > 0);
  json_t *items = json_object_get(j, "items");
  assert_int_equal(json_array_size(items), 3);
  assert_string_equal(fpt_s(json_array_get(items, 0), "starts_at"), "2027-03-16T09:00:00Z");
  assert_string_equal(fpt_s(json_array_get(items, 1), "starts_at"), "2027-03-23T09:00:00Z");
  assert_string_equal(fpt_s(json_array_get(items, 2), "starts_at"), "2027-03-30T08:00:00Z");
  assert_string_equal(fpt_s(json_array_get(items, 2), "ends_at"), "2027-03-30T11:30:00Z");
  assert_int_equal(fpt_int(json_array_get(items, 2), "series_id"), fpt_int(j, "series_id"));
  /* Offsets in the input are honoured; output is UTC. */
  j = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
               (json_int_t)w.practice1, "role", "gp", "starts_at", "2027-07-01T09:00:00+01:00", "ends_at",
               "2027-07-01T13:00:00+01:00", "rate_pence", 8000, "rate_unit", "hour");
  assert_string_equal(fpt_s(j, "starts_at"), "2027-07-01T08:00:00Z");
}

static void test_filters_and_pages(void **state) {
  (void)state;
  /* A remote shift and a cheap session in the far future, to filter on. */
  json_t *j = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
                       (json_int_t)w.practice1, "role", "gp", "starts_at", "2028-01-10T09:00:00Z", "ends_at",
                       "2028-01-10T13:00:00Z", "rate_pence", 40000, "rate_unit", "session", "location_type", "remote");
  long long remote = fpt_int(j, "id");
  assert_int_equal(fpt_int(j, "hourly_equivalent_pence"), 10000);
  long long cheap = fpt_int(fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}",
                                     "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at",
                                     "2028-01-11T09:00:00Z", "ends_at", "2028-01-11T13:00:00Z", "rate_pence", 20000,
                                     "rate_unit", "session"), "id");
  json_t *p = fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?from=2028-01-01&to=2028-02-01&min_rate_pence=9000", 200, NULL);
  assert_true(list_has(p, remote));
  assert_false(list_has(p, cheap));
  p = fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?from=2028-01-01&to=2028-02-01", 200, NULL);
  assert_true(list_has(p, remote) && list_has(p, cheap));
  /* Distance: practice1 is in LS1 (Leeds). York is ~35 km away, Bradford ~13 km. */
  p = fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?from=2028-01-01&to=2028-02-01&near_postcode=yo17hh&radius_km=20", 200,
               NULL);
  assert_true(list_has(p, remote));
  assert_false(list_has(p, cheap));
  p = fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?from=2028-01-01&to=2028-02-01&near_postcode=BD1%201HY&radius_km=20",
               200, NULL);
  assert_true(list_has(p, cheap));
  json_t *first = json_array_get(json_object_get(p, "items"), 0);
  assert_non_null(json_object_get(first, "distance_km"));
  struct fpt_resp r = fpt_request(&srv, gp_a, "GET", "/api/v1/shifts?near_postcode=ZZ99%209ZZ", NULL);
  assert_int_equal(r.status, 400);
  assert_string_equal(fpt_error_code(&r), "unknown_postcode");
  r = fpt_request(&srv, gp_a, "GET", "/api/v1/shifts?near_postcode=not-a-postcode", NULL);
  assert_int_equal(r.status, 400);
  /* Role filter, bad parameters. */
  p = fpt_call(&srv, w.pm1, "GET", "/api/v1/shifts?role=nurse", 200, NULL);
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(p, "items"), i, it) assert_string_equal(fpt_s(it, "role"), "nurse");
  fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?limit=201", 400, NULL);
  fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?limit=0", 400, NULL);
  fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?from=yesterday", 400, NULL);
  fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?status=lost", 400, NULL);
  fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?cursor=abc", 400, NULL);
  /* Pages: walking with limit=2 gives every shift once, in start order. */
  json_t *all = fpt_call(&srv, w.admin, "GET", "/api/v1/shifts?limit=200", 200, NULL);
  size_t total = json_array_size(json_object_get(all, "items"));
  assert_true(total > 10);
  size_t seen = 0;
  const char *cursor = NULL;
  const char *last_start = "";
  long long last_id = 0;
  do {
    json_t *pg = fpt_call(&srv, w.admin, "GET",
                          cursor ? fpt_str("/api/v1/shifts?limit=2&cursor=%s", cursor) : "/api/v1/shifts?limit=2", 200,
                          NULL);
    json_array_foreach(json_object_get(pg, "items"), i, it) {
      const char *st = fpt_s(it, "starts_at");
      int cmp = strcmp(st, last_start);
      assert_true(cmp > 0 || (cmp == 0 && fpt_int(it, "id") > last_id));
      last_start = st;
      last_id = fpt_int(it, "id");
      seen++;
    }
    json_t *nc = json_object_get(pg, "next_cursor");
    cursor = json_is_string(nc) ? json_string_value(nc) : NULL;
  } while (cursor);
  assert_int_equal(seen, total);
}

/* A GP session at practice1 on 2028-06-<day> 09:00-13:00, at the practice or remote. */
static long long june_shift(int day, const char *location_type) {
  return fpt_int(fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}",
                          "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at",
                          fpt_str("2028-06-%02dT09:00:00Z", day), "ends_at", fpt_str("2028-06-%02dT13:00:00Z", day),
                          "rate_pence", 40000, "rate_unit", "session", "location_type", location_type),
                 "id");
}

/*
 * A distance search reads the rows of a box around the point in bounded batches and keeps those
 * within the radius (or remote). Practice1 (LS1 4AP) is inside the box around LS6 3AA but 3.9 km
 * away, beyond a 3 km radius. Nine of its sessions at the practice come first, then two remote
 * ones: pages of one must still find the two remote sessions, one a page, then say there is no more.
 */
static void test_distance_search_reads_past_the_box(void **state) {
  (void)state;
  for (int day = 1; day <= 9; day++) june_shift(day, "site");
  long long remote1 = june_shift(20, "remote");
  long long remote2 = june_shift(21, "remote");
  const char *path = "/api/v1/shifts?from=2028-06-01&to=2028-07-01&near_postcode=LS6%203AA&radius_km=3&limit=1";
  json_t *p = fpt_call(&srv, gp_a, "GET", path, 200, NULL);
  assert_int_equal(json_array_size(json_object_get(p, "items")), 1);
  assert_true(list_has(p, remote1));
  json_t *nc = json_object_get(p, "next_cursor");
  assert_true(json_is_string(nc));
  p = fpt_call(&srv, gp_a, "GET", fpt_str("%s&cursor=%s", path, json_string_value(nc)), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(p, "items")), 1);
  assert_true(list_has(p, remote2));
  assert_true(json_is_null(json_object_get(p, "next_cursor")));
  /* A radius that reaches the practice: all eleven, the nine at the practice first. */
  p = fpt_call(&srv, gp_a, "GET", "/api/v1/shifts?from=2028-06-01&to=2028-07-01&near_postcode=LS6%203AA&radius_km=5&limit=20",
               200, NULL);
  assert_int_equal(json_array_size(json_object_get(p, "items")), 11);
  assert_string_equal(fpt_s(json_array_get(json_object_get(p, "items"), 0), "location_type"), "site");
}

static void test_scope_refusals(void **state) {
  (void)state;
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 20, 9, 4, "instant");
  /* Posting for someone else's practice, as the wrong role, with bad input. */
  struct fpt_resp r = fpt_request(&srv, w.pm2, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s}",
                                  "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at",
                                  fpt_time_from_now(3, 0), "ends_at", fpt_time_from_now(3, 4), "rate_pence", 8000,
                                  "rate_unit", "hour");
  assert_int_equal(r.status, 403);
  fpt_call(&srv, w.commissioner, "POST", "/api/v1/shifts", 403, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
           (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(3, 0), "ends_at",
           fpt_time_from_now(3, 4), "rate_pence", 8000, "rate_unit", "hour");
  fpt_call(&srv, gp_a, "POST", "/api/v1/shifts", 403, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
           (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(3, 0), "ends_at",
           fpt_time_from_now(3, 4), "rate_pence", 8000, "rate_unit", "hour");
  const struct {
    const char *fmt;
    const char *field;
  } bad[] = {
      {"{\"practice_id\":%lld,\"role\":\"gp\",\"starts_at\":\"2030-01-01T10:00:00Z\",\"ends_at\":\"2030-01-01T09:00:00Z\",\"rate_pence\":1,\"rate_unit\":\"hour\"}", "ends_at"},
      {"{\"practice_id\":%lld,\"role\":\"gp\",\"starts_at\":\"2020-01-01T10:00:00Z\",\"ends_at\":\"2020-01-01T11:00:00Z\",\"rate_pence\":1,\"rate_unit\":\"hour\"}", "starts_at"},
      {"{\"practice_id\":%lld,\"role\":\"wizard\",\"starts_at\":\"2030-01-01T10:00:00Z\",\"ends_at\":\"2030-01-01T11:00:00Z\",\"rate_pence\":1,\"rate_unit\":\"hour\"}", "role"},
      {"{\"practice_id\":%lld,\"role\":\"gp\",\"starts_at\":\"2030-02-30T10:00:00Z\",\"ends_at\":\"2030-03-01T11:00:00Z\",\"rate_pence\":1,\"rate_unit\":\"hour\"}", "starts_at"},
      {"{\"practice_id\":%lld,\"role\":\"gp\",\"starts_at\":\"2030-01-01T10:00:00Z\",\"ends_at\":\"2030-01-01T11:00:00Z\",\"rate_pence\":1,\"rate_unit\":\"day\"}", "rate_unit"},
      {"{\"practice_id\":%lld,\"role\":\"gp\",\"starts_at\":\"2030-01-01T10:00:00Z\",\"ends_at\":\"2030-01-01T11:00:00Z\",\"rate_pence\":\"80\",\"rate_unit\":\"hour\"}", "rate_pence"},
      {"{\"practice_id\":%lld,\"role\":\"gp\",\"starts_at\":\"2030-01-01T10:00:00Z\",\"ends_at\":\"2030-01-01T11:00:00Z\",\"rate_pence\":1,\"rate_unit\":\"hour\",\"break_minutes\":60}", "break_minutes"},
      {"{\"practice_id\":%lld,\"role\":\"gp\",\"starts_at\":\"2030-01-01T10:00:00Z\",\"ends_at\":\"2030-01-01T11:00:00Z\",\"rate_pence\":1,\"rate_unit\":\"hour\",\"repeat\":{\"every\":\"week\",\"count\":53}}", "count"},
  };
  json_t *before = fpt_call(&srv, w.admin, "GET", "/api/v1/shifts?limit=200&from=2029-12-01", 200, NULL);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *body = fpt_str(bad[i].fmt, w.practice1);
    const char *h[] = {"Content-Type: application/json", fpt_str("Authorization: Bearer %s", w.pm1), NULL};
    r = fpt_raw(&srv, "POST", "/api/v1/shifts", h, body, strlen(body));
    if (r.status != 400) fail_msg("case %zu: expected 400, got %ld: %s", i, r.status, r.body);
    assert_string_equal(fpt_s(json_object_get(r.json, "error"), "field"), bad[i].field);
  }
  json_t *after = fpt_call(&srv, w.admin, "GET", "/api/v1/shifts?limit=200&from=2029-12-01", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(before, "items")), json_array_size(json_object_get(after, "items")));
  /* Reading: the other practice's manager and the outsider see nothing of it. */
  fpt_call(&srv, w.pm2, "GET", fpt_str("/api/v1/shifts/%lld", s), 404, NULL);
  fpt_call(&srv, outsider, "GET", fpt_str("/api/v1/shifts/%lld", s), 404, NULL);
  assert_false(list_has(fpt_call(&srv, outsider, "GET", "/api/v1/shifts", 200, NULL), s));
  fpt_call(&srv, nurse, "GET", fpt_str("/api/v1/shifts/%lld", s), 404, NULL);
  fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL);
  /* Only clinicians book; the commissioner changes nothing. */
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 403, NULL);
  fpt_call(&srv, w.commissioner, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 403, NULL);
  fpt_call(&srv, w.commissioner, "DELETE", fpt_str("/api/v1/shifts/%lld", s), 403, NULL);
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("/api/v1/shifts/%lld", s), 403, NULL);
  fpt_call(&srv, gp_a, "DELETE", fpt_str("/api/v1/shifts/%lld", s), 403, NULL);
  /* Unknown ids and junk ids. */
  fpt_call(&srv, w.admin, "GET", "/api/v1/shifts/999999", 404, NULL);
  fpt_call(&srv, w.admin, "GET", "/api/v1/shifts/abc", 404, NULL);
  fpt_call(&srv, w.admin, "GET", "/api/v1/shifts/0", 404, NULL);
}

static const char *at(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return fpt_str("%s", buf);
}

static void test_worked_shift_becomes_completed(void **state) {
  (void)state;
  time_t now = time(NULL);
  json_t *j = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                       (json_int_t)w.practice1, "role", "gp", "starts_at", at(now + 6), "ends_at", at(now + 7),
                       "rate_pence", 8000, "rate_unit", "hour");
  long long s = fpt_int(j, "id");
  fpt_call(&srv, gp_a, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL);
  const char *status = "booked";
  /* The shift starts in 6 s (time enough to book it on a busy machine) and the upkeep runs every second. */
  for (int i = 0; i < 100 && strcmp(status, "completed") != 0; i++) {
    usleep(200000);
    status = fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL), "status");
  }
  assert_string_equal(status, "completed");
  /* A completed shift cannot be cancelled or withdrawn. */
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", s), 409, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_instant_booking_journey),
      cmocka_unit_test(test_late_practice_cancellation_and_reopen),
      cmocka_unit_test(test_visibility_follows_pool_membership),
      cmocka_unit_test(test_search_items_match_shift_detail),
      cmocka_unit_test(test_edit_and_withdraw),
      cmocka_unit_test(test_approval_journey),
      cmocka_unit_test(test_accept_re_runs_the_rules),
      cmocka_unit_test(test_series_keeps_local_time),
      cmocka_unit_test(test_filters_and_pages),
      cmocka_unit_test(test_distance_search_reads_past_the_box),
      cmocka_unit_test(test_scope_refusals),
      cmocka_unit_test(test_worked_shift_becomes_completed),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
