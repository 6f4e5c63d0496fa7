/*
 * Direct offers (issue 12): a practice offers one of its open shifts to one or several of its pools'
 * clinicians; the first to accept is booked, under every rule of a booking.
 *   POST /api/v1/shifts/{id}/offers {clinician_ids}: a manager of the shift's own practice sends them
 *     (201, the offers). All or none: refused with 404 (no such shift), 403 (not a manager of that
 *     practice), 409 shift_taken / shift_started (not open), 400 invalid_field (more than
 *     FP_OFFER_MAX_RECIPIENTS, or the same clinician twice), 409 limit_reached (past
 *     FP_OFFER_MAX_PER_SHIFT for the shift), and for a clinician 409 clinician_blocked (the practice
 *     blocked them: they never get its offers), not_in_pool, already_offered (one still open).
 *   GET /api/v1/shifts/{id}/offers: the shift's offers with their states, to its practice's managers.
 *   GET /api/v1/offers: the signed-in clinician's offers, the newest first; GET /api/v1/offers/{id}:
 *     one, to its clinician or its practice's managers.
 *   POST /api/v1/offers/{id}/accept: the clinician accepts: booked in the same transaction by
 *     fp_store_book_offered (every rule of a booking; a refusal is the booking's own answer: 409
 *     overlapping_booking, not_eligible, working_time_limit, shift_taken, ...); the shift's other
 *     offers close and their clinicians are told; the practice is told. A lapsed offer is 410
 *     offer_lapsed; one whose shift someone else took 409 shift_taken; one already decided 409
 *     invalid_state.
 *   POST /api/v1/offers/{id}/decline (the clinician; the practice is told), POST
 *     /api/v1/offers/{id}/withdraw (the practice's managers; the clinician is told).
 * The state of each offer is the core's (core/offer.h), decided from the stored row and now.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/offer.h"
#include "http/bookings.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/marks.h"
#include "store/offers.h"
#include "store/shifts.h"
#include "store/tell.h"
#include "store/webhooks.h"

static json_t *offer_json(const struct fp_offer *o) {
  return json_pack("{s:o, s:o, s:o, s:s, s:o, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "id", fp_json_id(o->id),
                   "shift_id", fp_json_id(o->shift_id), "clinician_id", fp_json_id(o->clinician_id), "clinician_name",
                   o->clinician_name, "practice_id", fp_json_id(o->practice_id), "practice_name", o->practice_name,
                   "role", o->role, "starts_at", fp_json_time(o->starts_at), "ends_at", fp_json_time(o->ends_at),
                   "state", fp_offer_state_name(o->state), "sent_at", fp_json_time(o->sent_at), "lapses_at",
                   fp_json_time(o->lapses_at), "decided_at", fp_json_time_or_null(o->decided_at), "booking_id",
                   fp_json_id(o->booking_id), "booking_status",
                   o->booking_status[0] ? json_string(o->booking_status) : json_null());
}

static struct fp_conn *reader_or_respond(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
  return c;
}

/* Sending ----------------------------------------------------------------------------------- */

/*
 * The sending transaction: receives who acts, the shift and the clinicians (never the request).
 * Every door check runs here, under the write lock, for all the clinicians before the first
 * offer is written: 0 with the new offers' ids, FP_EREFUSED with why (nothing written), or a
 * store error.
 */
struct send_ctx {
  struct fp_actor actor;
  int64_t shift_id;
  int64_t clinicians[FP_OFFER_MAX_RECIPIENTS];
  size_t n;
  int64_t ids[FP_OFFER_MAX_RECIPIENTS];
  struct fp_refusal why;
};

static int send_tx(struct fp_conn *c, void *vctx) {
  struct send_ctx *x = vctx;
  struct fp_shift s;
  int rc = fp_store_shift_lock_get(c, x->shift_id, &s); /* a booking of the shift waits, or this runs again */
  if (rc == FP_ENOTFOUND)
    return fp_refuse(&x->why, FP_API_NOT_FOUND, NULL, x->shift_id, "shift %lld not found", (long long)x->shift_id);
  if (rc) return rc;
  if (!fp_offer_may_send(&x->actor, s.practice_id))
    return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->shift_id, "only the practice's own managers offer its shifts");
  enum fp_shift_status status;
  if (fp_shift_status_parse(s.status, &status) != 0) return FP_EIO;
  if (status != FP_SHIFT_OPEN)
    return fp_refuse(&x->why, FP_API_SHIFT_TAKEN, NULL, x->shift_id, "the shift is %s: only an open shift is offered",
                     s.status);
  if (x->actor.now >= s.starts_at)
    return fp_refuse(&x->why, FP_API_SHIFT_STARTED, NULL, x->shift_id, "the shift has already started");
  int64_t had = 0;
  if ((rc = fp_store_offer_count_for_shift(c, x->shift_id, &had)) != 0) return rc;
  if (had + (int64_t)x->n > FP_OFFER_MAX_PER_SHIFT)
    return fp_refuse(&x->why, FP_API_LIMIT_REACHED, "clinician_ids", x->shift_id,
                     "a shift may be offered at most %d times: it has been offered %lld times", FP_OFFER_MAX_PER_SHIFT,
                     (long long)had);
  for (size_t i = 0; i < x->n; i++) {
    int64_t who = x->clinicians[i];
    struct fp_mark m;
    rc = fp_store_mark_get(c, s.practice_id, who, &m);
    if (rc == 0 && m.kind == FP_MARK_BLOCKED)
      return fp_refuse(&x->why, FP_API_CLINICIAN_BLOCKED, "clinician_ids", who,
                       "the practice has blocked clinician %lld: they never get its offers", (long long)who);
    if (rc && rc != FP_ENOTFOUND) return rc;
    bool in_pools = false, live = false;
    if ((rc = fp_store_clinician_in_practice_pools(c, who, s.practice_id, &in_pools)) != 0) return rc;
    if (!in_pools)
      return fp_refuse(&x->why, FP_API_NOT_IN_POOL, "clinician_ids", who,
                       "clinician %lld is not in any of this practice's pools", (long long)who);
    if ((rc = fp_store_offer_live(c, x->shift_id, who, x->actor.now, &live)) != 0) return rc;
    if (live)
      return fp_refuse(&x->why, FP_API_ALREADY_OFFERED, "clinician_ids", who,
                       "clinician %lld already holds an open offer of this shift", (long long)who);
  }
  for (size_t i = 0; i < x->n; i++)
    if ((rc = fp_store_offer_insert(c, x->shift_id, x->clinicians[i], s.practice_id, x->actor.user_id, x->actor.now,
                                    &x->ids[i])) != 0)
      return rc;
  return 0;
}

/* The clinician ids of the body's array (1..FP_OFFER_MAX_RECIPIENTS distinct ids). 0, or answers 400 and -1. */
static int clinician_ids_or_respond(struct fp_req *r, json_t *arr, struct send_ctx *x) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
    if (id < 1) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "clinician_ids", "'clinician_ids' holds clinician ids (whole numbers from 1)");
      return -1;
    }
    for (size_t k = 0; k < x->n; k++)
      if (x->clinicians[k] == id) {
        fp_reply_error(r, FP_API_INVALID_FIELD, "clinician_ids", "'clinician_ids' names clinician %lld twice",
                       (long long)id);
        return -1;
      }
    x->clinicians[x->n++] = id;
  }
  return 0;
}

void fp_h_offer_create(struct fp_req *r) {
  json_t *arr = NULL;
  struct fp_field spec[] = {
      {"clinician_ids", FP_F_ARRAY, true, 1, FP_OFFER_MAX_RECIPIENTS, NULL, &arr, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct send_ctx x;
  memset(&x, 0, sizeof x);
  if (clinician_ids_or_respond(r, arr, &x)) return;
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.shift_id = r->params[0];
  int rc = fp_store_write(r->app->store, send_tx, &x);
  if (rc == FP_EREFUSED) {
    fp_reply_refusal(r, &x.why);
    return;
  }
  struct fp_conn *c = rc ? NULL : reader_or_respond(r);
  if (!rc && !c) return;
  json_t *items = json_array();
  for (size_t i = 0; !rc && i < x.n; i++) {
    struct fp_offer o;
    if ((rc = fp_store_offer_get(c, x.ids[i], r->now, &o)) == 0) json_array_append_new(items, offer_json(&o));
  }
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, json_pack("{s:o}", "items", items));
}

/* Reading ----------------------------------------------------------------------------------- */

static void add_offer(const struct fp_offer *o, void *ctx) { fp_page_add(ctx, offer_json(o), o->sent_at, o->id); }

static void list(struct fp_req *r, int64_t clinician_id, int64_t shift_id) {
  struct fp_offer_query q = {.clinician_id = clinician_id, .shift_id = shift_id, .now = r->now, .limit = 50};
  if (fp_limit_or_respond(r, &q.limit) || fp_cursor_parse_or_respond(r, &q.cursor_at, &q.cursor_id, &q.has_cursor)) return;
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct fp_page page;
  fp_page_init(&page, NULL);
  bool more = false;
  int rc = fp_store_offer_list(c, &q, add_offer, &page, &more);
  fp_reply_page(r, &page, rc, more, true);
}

void fp_h_offer_list(struct fp_req *r) {
  if (!r->auth.clinician_id) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians hold offers: a practice reads a shift's offers on the shift");
    return;
  }
  list(r, r->auth.clinician_id, 0);
}

void fp_h_shift_offers(struct fp_req *r) {
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct fp_shift s;
  if (fp_found_or_respond(r, fp_store_shift_get(c, r->params[0], NULL, &s), "shift", r->params[0])) return;
  struct fp_actor a;
  fp_actor_from_auth(&r->auth, r->now, &a);
  if (!fp_offer_may_send(&a, s.practice_id)) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the practice's own managers see its offers");
    return;
  }
  list(r, 0, s.id);
}

void fp_h_offer_get(struct fp_req *r) {
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct fp_offer o;
  int rc = fp_store_offer_get(c, r->params[0], r->now, &o);
  struct fp_actor a;
  fp_actor_from_auth(&r->auth, r->now, &a);
  if (rc == 0 && !fp_offer_may(&a, FP_OEV_DECLINE, o.clinician_id, o.practice_id) &&
      !fp_offer_may(&a, FP_OEV_WITHDRAW, o.clinician_id, o.practice_id))
    rc = FP_ENOTFOUND; /* anyone else: as if there were none */
  if (fp_found_or_respond(r, rc, "offer", r->params[0])) return;
  fp_reply_json(r, 200, offer_json(&o));
}

/* Deciding ---------------------------------------------------------------------------------- */

/*
 * Accepting, declining, withdrawing: write transactions that receive who acts, the offer's id and
 * the event (never the request). Each reads the offer, asks the core who may (fp_offer_may) and the
 * state machine (in fp_store_offer_move), and returns 0, FP_EREFUSED with why (or, for a booking
 * the rules refused, with res), or a store error.
 */
struct decide_ctx {
  struct fp_actor actor;
  int64_t offer_id;
  enum fp_offer_event ev;
  struct fp_offer o;
  struct fp_refusal why;
  bool booking_refused; /* FP_EREFUSED by the booking's rules: answer res */
  struct fp_book_result res;
};

/* The state machine's "no" as the API says it. */
static int refuse_outcome(struct decide_ctx *x, enum fp_offer_outcome out) {
  const struct fp_offer *o = &x->o;
  switch (out) {
  case FP_OFFER_IS_LAPSED: {
    char at[FP_TIME_STRLEN];
    fp_time_format(o->lapses_at, at);
    return fp_refuse(&x->why, FP_API_OFFER_LAPSED, NULL, o->id, "offer %lld lapsed at %s", (long long)o->id, at);
  }
  case FP_OFFER_IS_CLOSED:
    return fp_refuse(&x->why, FP_API_SHIFT_TAKEN, NULL, o->id,
                     "the shift is no longer open: someone else was booked for it, or the practice withdrew it");
  case FP_OFFER_NOT_PENDING:
  case FP_OFFER_OK: break;
  }
  return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, o->id, "offer %lld is %s", (long long)o->id,
                   fp_offer_state_name(o->state));
}

/* Reads the offer the actor may act on by x->ev into x->o: 0, FP_EREFUSED (not_found), or a store error. */
static int load_offer(struct fp_conn *c, struct decide_ctx *x) {
  int rc = fp_store_offer_get(c, x->offer_id, x->actor.now, &x->o);
  if (rc == 0 && !fp_offer_may(&x->actor, x->ev, x->o.clinician_id, x->o.practice_id)) {
    /* The other party may read it, but not do this: say so; anyone else: not found. */
    if (fp_offer_may(&x->actor, x->ev == FP_OEV_WITHDRAW ? FP_OEV_DECLINE : FP_OEV_WITHDRAW, x->o.clinician_id,
                     x->o.practice_id))
      return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->offer_id,
                       x->ev == FP_OEV_WITHDRAW ? "only the practice withdraws its offer"
                                                : "only the clinician it was sent to accepts or declines an offer");
    rc = FP_ENOTFOUND;
  }
  if (rc == FP_ENOTFOUND)
    return fp_refuse(&x->why, FP_API_NOT_FOUND, NULL, x->offer_id, "offer %lld not found", (long long)x->offer_id);
  return rc;
}

static int accept_tx(struct fp_conn *c, void *vctx) {
  struct decide_ctx *x = vctx;
  x->booking_refused = false;
  int rc = load_offer(c, x);
  if (rc) return rc;
  /* The offer first (a lapsed one is refused as lapsed, whatever the booking would say) ... */
  struct fp_offer_facts f = fp_offer_facts_of(&x->o);
  enum fp_offer_state to;
  enum fp_offer_outcome out = fp_offer_transition(&f, FP_OEV_ACCEPT, x->actor.now, &to);
  if (out != FP_OFFER_OK) return refuse_outcome(x, out);
  /* ... then the booking, under every rule of a booking (its locks taken first thing). */
  if ((rc = fp_store_book_offered(c, x->o.shift_id, x->o.clinician_id, x->actor.user_id, x->actor.now, &x->res)) != 0)
    return rc;
  if (x->res.outcome != FP_BOOK_OK) {
    x->booking_refused = true;
    return FP_EREFUSED; /* nothing written */
  }
  rc = fp_store_offer_move(c, &x->o, FP_OEV_ACCEPT, x->actor.user_id, x->actor.now, x->res.booking.id, &out);
  if (rc == FP_ECONFLICT) out = FP_OFFER_NOT_PENDING; /* withdrawn meanwhile */
  else if (rc) return rc;
  if (out != FP_OFFER_OK) return refuse_outcome(x, out);
  /* Who is told, in the booking's transaction: the other offers' clinicians, the other applicants,
     the practice (fp_store_tell_offer_accepted: where an offer.accepted webhook belongs). */
  if ((rc = fp_store_offers_close(c, &x->res.offers, x->o.id, x->actor.user_id, x->actor.now)) != 0) return rc;
  if ((rc = fp_store_tell_applications_filled(c, &x->res, x->actor.now)) != 0) return rc;
  if ((rc = fp_store_tell_offer_accepted(c, x->o.id, x->actor.now)) != 0) return rc;
  /* And the webhooks that want it (store/webhooks.h): the shift booked, and the offer accepted. */
  if ((rc = fp_store_webhook_emit_to(c, &x->res.hooks, x->o.shift_id, x->res.booking.id, 0, x->actor.now)) != 0)
    return rc;
  return fp_store_webhook_emit(c, FP_HOOK_OFFER_ACCEPTED, x->o.shift_id, x->res.booking.id, 0, x->actor.now);
}

static int decide_tx(struct fp_conn *c, void *vctx) {
  struct decide_ctx *x = vctx;
  int rc = load_offer(c, x);
  if (rc) return rc;
  enum fp_offer_outcome out;
  rc = fp_store_offer_move(c, &x->o, x->ev, x->actor.user_id, x->actor.now, 0, &out);
  if (rc == FP_ECONFLICT) out = FP_OFFER_NOT_PENDING;
  else if (rc) return rc;
  if (out != FP_OFFER_OK) return refuse_outcome(x, out);
  return x->ev == FP_OEV_DECLINE ? fp_store_tell_offer_declined(c, x->o.id, x->actor.now)
                                 : fp_store_tell_offer_withdrawn(c, x->o.id, x->actor.now);
}

static void decide(struct fp_req *r, enum fp_offer_event ev) {
  if (r->body_len) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  static __thread struct decide_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.offer_id = r->params[0];
  x.ev = ev;
  int rc = ev == FP_OEV_ACCEPT ? fp_store_write_locking(r->app->store, accept_tx, &x)
                               : fp_store_write(r->app->store, decide_tx, &x);
  struct fp_conn *c = rc ? NULL : fp_store_reader(r->app->store);
  if (!rc) rc = c ? fp_store_offer_get(c, x.offer_id, r->now, &x.o) : FP_EIO;
  if (rc == FP_EREFUSED && x.booking_refused) fp_reply_book_refusal(r, &x.res);
  else if (rc == FP_EREFUSED) fp_reply_refusal(r, &x.why);
  else if (rc) fp_reply_store_error(r, rc);
  else fp_reply_json(r, 200, offer_json(&x.o));
  fp_book_result_release(&x.res);
}

void fp_h_offer_accept(struct fp_req *r) { decide(r, FP_OEV_ACCEPT); }
void fp_h_offer_decline(struct fp_req *r) { decide(r, FP_OEV_DECLINE); }
void fp_h_offer_withdraw(struct fp_req *r) { decide(r, FP_OEV_WITHDRAW); }
