/*
 * Direct offers (issue 12): a practice offers an open shift to some of its pools' clinicians; the
 * first to accept is booked under every rule of a booking (the refusal is the booking's own code);
 * the others' offers close; an offer lapses at the shift's start (or 24 hours after it was sent:
 * the core's unit test, tests/unit/core/test_offer.c, covers the times); the practice withdraws;
 * blocked clinicians, clinicians outside the pools and other organisations are refused at the door.
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
static time_t day0; /* a midnight (UTC) a few days ahead */

#define H 3600

static long long shift(long from, long to, const char *mode) { return fpt_world_gp_shift_at(&w, day0 + from, day0 + to, mode); }

/* Offers shift to one clinician as manager token; the offer's id. */
static long long offer(const char *token, long long shift_id, long long clinician) {
  json_t *j = fpt_call(&srv, token, "POST", fpt_str("/api/v1/shifts/%lld/offers", shift_id), 201, "{s:[I]}",
                       "clinician_ids", (json_int_t)clinician);
  json_t *items = json_object_get(j, "items");
  assert_int_equal(json_array_size(items), 1);
  assert_string_equal(fpt_s(json_array_get(items, 0), "state"), "pending");
  return fpt_int(json_array_get(items, 0), "id");
}

static struct fpt_resp offer_to(const char *token, long long shift_id, long long clinician) {
  return fpt_request(&srv, token, "POST", fpt_str("/api/v1/shifts/%lld/offers", shift_id), "{s:[I]}", "clinician_ids",
                     (json_int_t)clinician);
}
static struct fpt_resp act(const char *token, long long offer_id, const char *what) {
  return fpt_request(&srv, token, "POST", fpt_str("/api/v1/offers/%lld/%s", offer_id, what), NULL);
}
static struct fpt_resp book(const char *token, long long id) {
  return fpt_request(&srv, token, "POST", fpt_str("/api/v1/shifts/%lld/booking", id), NULL);
}
static const char *state_of(const char *token, long long offer_id) {
  return fpt_s(fpt_call(&srv, token, "GET", fpt_str("/api/v1/offers/%lld", offer_id), 200, NULL), "state");
}
static void expect_status(struct fpt_resp r, long status) {
  if (r.status != status) fail_msg("expected %ld, got %ld: %s", status, r.status, r.body);
}
/* The newest notification of token's list. */
static json_t *newest(const char *token) {
  json_t *items = json_object_get(fpt_call(&srv, token, "GET", "/api/v1/me/notifications", 200, NULL), "items");
  assert_true(json_array_size(items) > 0);
  return json_array_get(items, 0);
}

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL}; /* offers that lapse are told of at once */
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  time_t now = time(NULL);
  day0 = now - now % 86400 + 3 * 86400;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* Two offered; the first to accept is booked (an approval shift: the offer is the practice's
   approval); the second is refused as the shift is taken; both sides are told. */
static void test_first_to_accept_is_booked(void **state) {
  (void)state;
  long long a_id, b_id;
  const char *a = fpt_world_clinician(&w, "of.a@t.test", "gp", "7610001", true, &a_id);
  const char *b = fpt_world_clinician(&w, "of.b@t.test", "gp", "7610002", true, &b_id);
  long long s = shift(9 * H, 13 * H, "approval");
  json_t *sent = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/offers", s), 201, "{s:[I,I]}",
                          "clinician_ids", (json_int_t)a_id, (json_int_t)b_id);
  json_t *items = json_object_get(sent, "items");
  assert_int_equal(json_array_size(items), 2);
  long long oa = fpt_int(json_array_get(items, 0), "id"), ob = fpt_int(json_array_get(items, 1), "id");
  /* Each clinician sees theirs, and is told. */
  json_t *mine = json_object_get(fpt_call(&srv, a, "GET", "/api/v1/offers", 200, NULL), "items");
  assert_int_equal(json_array_size(mine), 1);
  assert_int_equal(fpt_int(json_array_get(mine, 0), "id"), oa);
  assert_string_equal(fpt_s(newest(b), "kind"), "offer.created");
  /* A accepts: booked. */
  json_t *acc = fpt_call(&srv, a, "POST", fpt_str("/api/v1/offers/%lld/accept", oa), 200, NULL);
  assert_string_equal(fpt_s(acc, "state"), "accepted");
  json_t *bk = fpt_call(&srv, a, "GET", fpt_str("/api/v1/bookings/%lld", fpt_int(acc, "booking_id")), 200, NULL);
  assert_string_equal(fpt_s(bk, "status"), "confirmed");
  assert_int_equal(fpt_int(bk, "shift_id"), s);
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL), "status"), "booked");
  /* B is refused as a booking of a taken shift would be, and was told their offer closed. */
  fpt_expect_error(act(b, ob, "accept"), 409, "shift_taken", NULL);
  assert_string_equal(state_of(b, ob), "closed");
  assert_string_equal(fpt_s(newest(b), "kind"), "offer.closed");
  /* The practice sees both states on the shift and was told of the acceptance. */
  json_t *all = json_object_get(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld/offers", s), 200, NULL), "items");
  assert_int_equal(json_array_size(all), 2);
  assert_string_equal(fpt_s(newest(w.pm1), "kind"), "offer.accepted");
  /* A cannot accept twice. */
  fpt_expect_error(act(a, oa, "accept"), 409, "invalid_state", NULL);
}

/* An accepted offer is refused exactly as booking the shift directly is: overlap, eligibility, working time. */
static void test_refused_as_a_booking_would_be(void **state) {
  (void)state;
  long long c_id, inc_id, l_id;
  const char *c = fpt_world_clinician(&w, "of.c@t.test", "gp", "7610003", true, &c_id);
  long d = 86400;
  expect_status(book(c, shift(d + 9 * H, d + 13 * H, "instant")), 201);
  long long over = shift(d + 10 * H, d + 12 * H, "instant");
  struct fpt_resp direct = book(c, over);
  fpt_expect_error(direct, 409, "overlapping_booking", NULL);
  long long o = offer(w.pm1, over, c_id);
  struct fpt_resp via = act(c, o, "accept");
  fpt_expect_error(via, 409, fpt_error_code(&direct), NULL);
  assert_string_equal(state_of(c, o), "pending"); /* nothing changed */

  /* Eligibility: a passport not complete. */
  w.verify_passports = false;
  const char *inc = fpt_world_clinician(&w, "of.inc@t.test", "gp", "7610004", true, &inc_id);
  w.verify_passports = true;
  long long s2 = shift(d + 14 * H, d + 17 * H, "instant");
  direct = book(inc, s2);
  fpt_expect_error(direct, 409, "not_eligible", NULL);
  via = act(inc, offer(w.pm1, s2, inc_id), "accept");
  fpt_expect_error(via, 409, fpt_error_code(&direct), NULL);

  /* The working-time guard: a 16-hour shift. */
  const char *l = fpt_world_clinician(&w, "of.long@t.test", "gp", "7610005", true, &l_id);
  long long longs = shift(2 * d + 6 * H, 2 * d + 22 * H, "instant");
  direct = book(l, longs);
  fpt_expect_error(direct, 409, "working_time_limit", NULL);
  via = act(l, offer(w.pm1, longs, l_id), "accept");
  fpt_expect_error(via, 409, fpt_error_code(&direct), NULL);
  assert_string_equal(
      fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", longs), 200, NULL), "status"), "open");
}

/* The door: blocked, outside the pools, too many, not open, another organisation, twice. */
static void test_refused_at_the_door(void **state) {
  (void)state;
  long long x_id, out_id, y_id;
  fpt_world_clinician(&w, "of.x@t.test", "gp", "7610006", true, &x_id);
  fpt_world_clinician(&w, "of.out@t.test", "gp", "7610007", false, &out_id);
  const char *y = fpt_world_clinician(&w, "of.y@t.test", "gp", "7610008", true, &y_id);
  long long s = shift(3 * 86400 + 9 * H, 3 * 86400 + 12 * H, "instant");
  fpt_call(&srv, w.pm1, "PUT", fpt_str("/api/v1/organisations/%lld/blocked/%lld", w.practice1, x_id), 200, NULL);
  fpt_expect_error(offer_to(w.pm1, s, x_id), 409, "clinician_blocked", "clinician_ids");
  fpt_expect_error(offer_to(w.pm1, s, out_id), 409, "not_in_pool", "clinician_ids");
  /* All or none: a good one beside a blocked one is not sent either. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/offers", s), "{s:[I,I]}",
                               "clinician_ids", (json_int_t)y_id, (json_int_t)x_id),
                   409, "clinician_blocked", "clinician_ids");
  json_t *none = json_object_get(fpt_call(&srv, y, "GET", "/api/v1/offers", 200, NULL), "items");
  assert_int_equal(json_array_size(none), 0);
  /* Too many recipients: the limit is stated (20), refused, never cut. */
  json_t *many = json_array();
  for (int i = 0; i < 21; i++) json_array_append_new(many, json_integer(y_id + 1000 + i));
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/offers", s), "{s:o}", "clinician_ids",
                               many),
                   400, "invalid_field", "clinician_ids");
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/offers", s), "{s:[I,I]}",
                               "clinician_ids", (json_int_t)y_id, (json_int_t)y_id),
                   400, "invalid_field", "clinician_ids");
  /* Another organisation's manager, a system administrator, a clinician: not theirs to offer. */
  /* Blocking a clinician who holds an open offer takes it back. */
  long long z_id;
  const char *z = fpt_world_clinician(&w, "of.z@t.test", "gp", "7610013", true, &z_id);
  long long oz = offer(w.pm1, s, z_id);
  fpt_call(&srv, w.pm1, "PUT", fpt_str("/api/v1/organisations/%lld/blocked/%lld", w.practice1, z_id), 200, NULL);
  assert_string_equal(state_of(z, oz), "withdrawn");
  fpt_expect_error(act(z, oz, "accept"), 409, "invalid_state", NULL);
  fpt_expect_error(offer_to(w.pm2, s, y_id), 403, "forbidden", NULL);
  fpt_expect_error(offer_to(w.admin, s, y_id), 403, "forbidden", NULL);
  fpt_expect_error(offer_to(y, s, y_id), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", fpt_str("/api/v1/shifts/%lld/offers", s), NULL), 403, "forbidden", NULL);
  /* Once, not twice while open. */
  long long o = offer(w.pm1, s, y_id);
  fpt_expect_error(offer_to(w.pm1, s, y_id), 409, "already_offered", "clinician_ids");
  /* Another practice's manager can neither see nor withdraw it. */
  fpt_expect_error(act(w.pm2, o, "withdraw"), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", fpt_str("/api/v1/offers/%lld", o), NULL), 404, "not_found", NULL);
  /* A shift no longer open. */
  long long gone = shift(3 * 86400 + 14 * H, 3 * 86400 + 17 * H, "instant");
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", gone), 200, NULL);
  fpt_expect_error(offer_to(w.pm1, gone, y_id), 409, "shift_taken", NULL);
  fpt_expect_error(offer_to(w.pm1, 999999, y_id), 404, "not_found", NULL);
}

/* Declining tells the practice; withdrawing tells the clinician, and a withdrawn offer cannot be accepted. */
static void test_decline_and_withdraw(void **state) {
  (void)state;
  long long d_id;
  const char *d = fpt_world_clinician(&w, "of.d@t.test", "gp", "7610009", true, &d_id);
  long long s = shift(4 * 86400 + 9 * H, 4 * 86400 + 12 * H, "instant");
  long long o1 = offer(w.pm1, s, d_id);
  fpt_expect_error(act(d, o1, "withdraw"), 403, "forbidden", NULL);
  fpt_expect_error(act(w.pm1, o1, "accept"), 403, "forbidden", NULL);
  assert_string_equal(fpt_s(fpt_call(&srv, d, "POST", fpt_str("/api/v1/offers/%lld/decline", o1), 200, NULL), "state"),
                      "declined");
  assert_string_equal(fpt_s(newest(w.pm1), "kind"), "offer.declined");
  fpt_expect_error(act(d, o1, "accept"), 409, "invalid_state", NULL);
  /* Offered again, then withdrawn. */
  long long o2 = offer(w.pm1, s, d_id);
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/offers/%lld/withdraw", o2), 200, NULL), "state"),
                      "withdrawn");
  assert_string_equal(fpt_s(newest(d), "kind"), "offer.withdrawn");
  fpt_expect_error(act(d, o2, "accept"), 409, "invalid_state", NULL);
  fpt_expect_error(act(w.pm1, o2, "withdraw"), 409, "invalid_state", NULL);
}

/* Someone booking the shift directly closes its offers, and their clinicians are told. */
static void test_direct_booking_closes_offers(void **state) {
  (void)state;
  long long e_id;
  const char *e = fpt_world_clinician(&w, "of.e@t.test", "gp", "7610010", true, &e_id);
  const char *f = fpt_world_clinician(&w, "of.f@t.test", "gp", "7610011", true, NULL);
  long long s = shift(5 * 86400 + 9 * H, 5 * 86400 + 12 * H, "instant");
  long long o = offer(w.pm1, s, e_id);
  expect_status(book(f, s), 201);
  assert_string_equal(state_of(e, o), "closed");
  assert_string_equal(fpt_s(newest(e), "kind"), "offer.closed");
  fpt_expect_error(act(e, o, "accept"), 409, "shift_taken", NULL);
}

/* An offer lapses at the shift's start: then it cannot be accepted (410). */
static void test_lapses_at_the_start(void **state) {
  (void)state;
  long long g_id;
  const char *g = fpt_world_clinician(&w, "of.g@t.test", "gp", "7610012", true, &g_id);
  time_t start = time(NULL) + 3;
  long long s = fpt_world_gp_shift_at(&w, start, start + 3 * H, "instant");
  long long o = offer(w.pm1, s, g_id);
  json_t *j = fpt_call(&srv, g, "GET", fpt_str("/api/v1/offers/%lld", o), 200, NULL);
  assert_string_equal(fpt_s(j, "lapses_at"), fpt_time_at(start)); /* the start, sooner than 24 hours */
  while (time(NULL) <= start) sleep(1);
  assert_string_equal(state_of(g, o), "lapsed");
  fpt_expect_error(act(g, o, "accept"), 410, "offer_lapsed", NULL);
  fpt_expect_error(act(g, o, "decline"), 410, "offer_lapsed", NULL);
}

/* The pool membership of pool `pool` of clinician `clinician`: its id. */
static long long membership(long long clinician) {
  json_t *l = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld/members?limit=200", w.pool), 200, NULL);
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(l, "items"), i, e) {
    json_t *c = json_object_get(e, "clinician_id");
    if (c && json_integer_value(c) == clinician) return fpt_int(e, "id");
  }
  fail_msg("clinician %lld is not in the pool", clinician);
  return 0;
}

/* A clinician who can no longer take an offer does not keep it: removed from the practice's only
   pool, their pending offer is withdrawn and they are told; deactivated, likewise withdrawn. An
   offer to someone still in one of the practice's pools is left alone. */
static void test_withdrawn_when_the_clinician_can_no_longer_take_it(void **state) {
  (void)state;
  long long h_id, i_id, j_id;
  const char *h = fpt_world_clinician(&w, "of.h@t.test", "gp", "7610023", true, &h_id);
  fpt_world_clinician(&w, "of.i@t.test", "gp", "7610024", true, &i_id);
  const char *jt = fpt_world_clinician(&w, "of.j@t.test", "gp", "7610025", true, &j_id);
  long long s = shift(6 * 86400 + 9 * H, 6 * 86400 + 12 * H, "instant");
  long long oh = offer(w.pm1, s, h_id), oi = offer(w.pm1, s, i_id), oj = offer(w.pm1, s, j_id);
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("/api/v1/pools/%lld/members/%lld", w.pool, membership(h_id)), 204, NULL);
  assert_string_equal(state_of(w.pm1, oh), "withdrawn");
  json_t *n = newest(h);
  assert_string_equal(fpt_s(n, "kind"), "offer.withdrawn");
  assert_non_null(strstr(fpt_s(n, "text"), "no longer in any of its pools"));
  assert_string_equal(state_of(w.pm1, oj), "pending"); /* still in the pool */
  /* Deactivated by the system administrator. */
  json_t *iu = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/clinicians/%lld", i_id), 200, NULL);
  fpt_call(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", fpt_int(iu, "user_id")), 200, "{s:b}", "active", 0);
  assert_string_equal(state_of(w.pm1, oi), "withdrawn");
  assert_string_equal(state_of(jt, oj), "pending");
}

/* An accepted offer whose booking is cancelled afterwards stays accepted and says the booking is cancelled. */
static void test_accepted_then_cancelled_says_so(void **state) {
  (void)state;
  long long k_id;
  const char *k = fpt_world_clinician(&w, "of.k@t.test", "gp", "7610026", true, &k_id);
  long long s = shift(7 * 86400 + 9 * H, 7 * 86400 + 12 * H, "instant");
  long long o = offer(w.pm1, s, k_id);
  json_t *a = fpt_call(&srv, k, "POST", fpt_str("/api/v1/offers/%lld/accept", o), 200, NULL);
  assert_string_equal(fpt_s(a, "booking_status"), "confirmed");
  long long b = fpt_int(a, "booking_id");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", b), 200, "{s:s}", "reason", "Surgery closed");
  json_t *j = fpt_call(&srv, k, "GET", fpt_str("/api/v1/offers/%lld", o), 200, NULL);
  assert_string_equal(fpt_s(j, "state"), "accepted");
  assert_string_equal(fpt_s(j, "booking_status"), "cancelled");
  long long s2 = shift(7 * 86400 + 13 * H, 7 * 86400 + 16 * H, "instant");
  json_t *pending = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/offers/%lld", offer(w.pm1, s2, k_id)), 200, NULL);
  assert_true(json_is_null(json_object_get(pending, "booking_status")));
}

/* How many of pm1's notifications say an offer of the shift at link lapsed. */
static int lapsed_told(const char *link) {
  json_t *items = json_object_get(fpt_call(&srv, w.pm1, "GET", "/api/v1/me/notifications?limit=100", 200, NULL), "items");
  int n = 0;
  for (size_t k = 0; k < json_array_size(items); k++) {
    json_t *x = json_array_get(items, k);
    n += strcmp(fpt_s(x, "kind"), "offer.lapsed") == 0 && strcmp(fpt_s(x, "link"), link) == 0;
  }
  return n;
}

/* An offer that lapses unanswered after 24 hours, its shift still open, tells the practice once. */
static void test_practice_told_when_an_offer_lapses(void **state) {
  (void)state;
  long long l_id;
  fpt_world_clinician(&w, "of.l@t.test", "gp", "7610027", true, &l_id);
  long long s = shift(8 * 86400 + 9 * H, 8 * 86400 + 12 * H, "instant");
  long long o = offer(w.pm1, s, l_id);
  /* As if 24 hours had passed. */
  fpt_sql(&srv, fpt_str("UPDATE offers SET sent_at = sent_at - 86401 WHERE id = %lld", o));
  assert_string_equal(state_of(w.pm1, o), "lapsed");
  const char *link = fpt_str("/practice/shifts/%lld", s);
  for (int i = 0; i < 50 && lapsed_told(link) == 0; i++) usleep(100 * 1000);
  assert_int_equal(lapsed_told(link), 1);
  sleep(2); /* more runs of the upkeep: never twice */
  assert_int_equal(lapsed_told(link), 1);
}

/* A shift offered to more clinicians than the store closes in one batch (64): once one accepts,
   every other offer reads closed and its clinician is told, the last ones sent as the first. */
static void test_every_other_offer_closes_past_a_batch(void **state) {
  (void)state;
  enum { OTHERS = 69 };
  long long ids[OTHERS + 1];
  const char *last = NULL;
  w.verify_passports = false; /* an offer is sent to a pool member; only the one who accepts books */
  for (int i = 0; i < OTHERS; i++) {
    const char *t = fpt_world_clinician(&w, fpt_str("of.many%02d@t.test", i), "gp", fpt_str("76200%02d", i), true, &ids[i]);
    if (i == OTHERS - 1) last = t;
  }
  w.verify_passports = true;
  const char *taker = fpt_world_clinician(&w, "of.taker@t.test", "gp", "7620099", true, &ids[OTHERS]);
  long long s = shift(9 * 86400 + 9 * H, 9 * 86400 + 12 * H, "instant");
  for (int first = 0; first <= OTHERS; first += 20) {
    json_t *arr = json_array();
    for (int i = first; i < first + 20 && i <= OTHERS; i++) json_array_append_new(arr, json_integer(ids[i]));
    fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/shifts/%lld/offers", s), 201, "{s:o}", "clinician_ids", arr);
  }
  json_t *mine = json_object_get(fpt_call(&srv, taker, "GET", "/api/v1/offers", 200, NULL), "items");
  long long taken = fpt_int(json_array_get(mine, 0), "id");
  fpt_call(&srv, taker, "POST", fpt_str("/api/v1/offers/%lld/accept", taken), 200, NULL);
  json_t *all = json_object_get(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld/offers?limit=100", s), 200, NULL), "items");
  assert_int_equal(json_array_size(all), OTHERS + 1);
  int closed = 0;
  for (size_t k = 0; k < json_array_size(all); k++) {
    json_t *o = json_array_get(all, k);
    if (fpt_int(o, "id") == taken) assert_string_equal(fpt_s(o, "state"), "accepted");
    else closed += strcmp(fpt_s(o, "state"), "closed") == 0;
  }
  assert_int_equal(closed, OTHERS);
  assert_string_equal(fpt_s(newest(last), "kind"), "offer.closed");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_first_to_accept_is_booked), cmocka_unit_test(test_refused_as_a_booking_would_be),
      cmocka_unit_test(test_refused_at_the_door),       cmocka_unit_test(test_decline_and_withdraw),
      cmocka_unit_test(test_direct_booking_closes_offers), cmocka_unit_test(test_lapses_at_the_start),
      cmocka_unit_test(test_withdrawn_when_the_clinician_can_no_longer_take_it),
      cmocka_unit_test(test_accepted_then_cancelled_says_so),
      cmocka_unit_test(test_practice_told_when_an_offer_lapses),
      cmocka_unit_test(test_every_other_offer_closes_past_a_batch),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
