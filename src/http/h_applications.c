/*
 * Applications, for shifts the practice approves:
 *   POST /api/v1/shifts/{id}/applications {message?}: a clinician applies (open approval shifts).
 *   GET /api/v1/applications: the caller's own (clinician) or their practices' (manager), ...;
 *     each with bookable and missing: the booking's eligibility decision for that applicant and shift;
 *     q (in the clinician's name), sort (-created_at, created_at or starts_at), its cursor the
 *     last row's sort key and id.
 *   POST /api/v1/applications/{id}/accept: the practice accepts; every booking rule runs again
 *     in the booking transaction and the other applicants are declined with reason "filled".
 *   GET /api/v1/applications/{id}: one, to the applicant, the practice, or a pool or ICB that sees the shift.
 *   POST /api/v1/applications/{id}/decline {reason?}, POST /api/v1/applications/{id}/withdraw.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "http/bookings.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/shifts.h"
#include "store/terms.h"
#include "store/tell.h"
#include "store/webhooks.h"

/*
 * Applying: a write transaction that receives the applicant, the shift and the time (never the
 * request). 0 with the new application's id; FP_EREFUSED with res (the booking's eligibility
 * decision refused); FP_ECONFLICT when already applied; or a store error.
 */
struct apply_ctx {
  int64_t shift, clinician, now, actor;
  const char *message;
  int64_t id;
  struct fp_book_result res;    /* the eligibility decision, when it refuses */
};

static int apply_tx(struct fp_conn *c, void *vctx) {
  struct apply_ctx *x = vctx;
  /* Applying follows the booking's own eligibility decision, under the same write lock: a
     clinician who may not book the shift may not ask the practice to accept them for it. */
  struct fp_shift s;
  int rc = fp_store_shift_lock_get(c, x->shift, &s); /* a booking of the shift waits, or this runs again after it */
  if (!rc) rc = fp_store_eligibility(c, &s, x->clinician, x->now, &x->res);
  if (rc) return rc;
  if (!x->res.elig.bookable) {
    x->res.outcome = FP_BOOK_NOT_ELIGIBLE;
    x->res.shift_id = x->shift;
    return FP_EREFUSED;
  }
  rc = fp_store_application_insert(c, x->shift, x->clinician, x->message, x->now, &x->id);
  if (!rc) rc = fp_store_audit(c, x->now, x->actor, "application.create", "application", x->id, NULL, "{\"status\":\"pending\"}");
  if (rc) return rc;
  rc = fp_store_tell_application_made(c, x->id, x->now); /* the practice's managers, in this transaction */
  return rc ? rc : fp_store_webhook_emit(c, FP_HOOK_APPLICATION_CREATED, x->shift, 0, x->id, x->now);
}

void fp_h_application_create(struct fp_req *r) {
  if (!r->auth.clinician_id) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians apply for shifts");
    return;
  }
  const char *message = NULL;
  if (r->body_len) {
    struct fp_field spec[] = {
        {"message", FP_F_STRING, false, 0, 500, NULL, &message, NULL},
        FP_FIELD_END,
    };
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  struct fp_scope own = {0};
  fp_scope_clinician(&r->auth, r->now, &own);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_shift s;
  int rc = c ? fp_store_shift_get(c, r->params[0], &own, &s) : FP_EIO;
  if (fp_found_or_respond(r, rc, "shift", r->params[0])) return;
  if (strcmp(s.status, "open") != 0) {
    fp_reply_error(r, FP_API_SHIFT_TAKEN, NULL, "the shift is no longer open");
    return;
  }
  if (strcmp(s.booking_mode, "instant") == 0) {
    fp_reply_error(r, FP_API_INSTANT_BOOKING, NULL, "this shift is booked instantly: book it instead of applying");
    return;
  }
  if (s.starts_at <= r->now) {
    fp_reply_error(r, FP_API_SHIFT_STARTED, NULL, "the shift has already started");
    return;
  }
  static __thread struct apply_ctx x; /* the book result is large */
  memset(&x, 0, sizeof x);
  x.shift = s.id;
  x.clinician = r->auth.clinician_id;
  x.now = r->now;
  x.actor = r->auth.user_id;
  x.message = message;
  rc = fp_store_write(r->app->store, apply_tx, &x);
  if (rc == FP_EREFUSED) fp_reply_book_refusal(r, &x.res);
  fp_book_result_release(&x.res);
  if (rc == FP_EREFUSED) return;
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_ALREADY_APPLIED, NULL, "you have already applied for this shift");
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct fp_application a;
  if ((rc = fp_store_application_get(c, x.id, &a)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, fp_json_application(&a));
}

struct app_page {
  struct fp_page page;
  enum fp_application_sort sort;
};

/* Adds an application with its sort key and id, from which the next page's cursor is made. */
static void add_app(const struct fp_application *a, void *ctx) {
  struct app_page *x = ctx;
  fp_page_add(&x->page, fp_json_application(a), x->sort == FP_APP_SOONEST ? a->starts_at : a->created_at, a->id);
}

/*
 * Could the practice accept this applicant for this shift? The booking's own eligibility
 * decision (fp_store_eligibility, the one accepting runs again), so the list cannot offer an
 * accept the booking refuses on account, pool or passport: `bookable` and the `missing` codes;
 * and on what terms (`terms`), as the booking would copy them.
 */
static int add_eligibility(struct fp_conn *c, json_t *item, int64_t now) {
  static __thread struct fp_book_result res; /* large */
  memset(&res, 0, sizeof res);
  struct fp_shift s;
  int rc = fp_store_shift_get(c, json_integer_value(json_object_get(item, "shift_id")), NULL, &s);
  if (!rc) rc = fp_store_eligibility(c, &s, json_integer_value(json_object_get(item, "clinician_id")), now, &res);
  if (!rc) {
    json_t *missing = json_array();
    for (size_t i = 0; i < res.elig.n_missing; i++) json_array_append_new(missing, json_string(res.elig.missing[i]));
    json_object_set_new(item, "bookable", json_boolean(res.elig.bookable));
    json_object_set_new(item, "missing", missing);
  }
  /* And the terms accepting would agree to: the booking's own answer (store/terms.h), through the
     pool its eligibility decided, as a booking the practice approved (the applicant's own terms
     where they keep any). */
  struct fp_terms t;
  enum fp_terms_source source = FP_TERMS_POOL;
  if (!rc)
    rc = fp_store_terms_for_booking(c, json_integer_value(json_object_get(item, "clinician_id")), res.pool_id, true, &t,
                                    &source);
  if (!rc) json_object_set_new(item, "terms", fp_json_terms(&t, fp_terms_source_name(source)));
  fp_book_result_release(&res);
  return rc;
}

void fp_h_application_list(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_application_query q;
  memset(&q, 0, sizeof q);
  q.scope = &scope;
  q.status = fp_req_query(r, "status");
  if (q.status && strcmp(q.status, "pending") && strcmp(q.status, "accepted") && strcmp(q.status, "declined") &&
      strcmp(q.status, "withdrawn")) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "status", "'status' must be pending, accepted, declined or withdrawn");
    return;
  }
  /* sort: -created_at (newest first), created_at (oldest first) or starts_at (the shift's start,
     soonest first), in the order of enum fp_application_sort. */
  static const char *const sorts[] = {"-created_at", "created_at", "starts_at", NULL};
  int sort = 0;
  if (fp_query_int_or_respond(r, "shift_id", 1, INT64_MAX, &q.shift_id) ||
      fp_query_int_or_respond(r, "clinician_id", 1, INT64_MAX, &q.clinician_id) || fp_query_search_or_respond(r, &q.q) ||
      fp_query_enum_or_respond(r, "sort", sorts, FP_APP_NEWEST, &sort) || fp_limit_or_respond(r, &q.limit) ||
      fp_cursor_parse_or_respond(r, &q.cursor_key, &q.cursor_id, &q.has_cursor))
    return;
  q.sort = (enum fp_application_sort)sort;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct app_page x = {.sort = q.sort};
  fp_page_init(&x.page, NULL);
  bool more = false;
  int rc = c ? fp_store_application_search(c, &q, add_app, &x, &more) : FP_EIO;
  for (size_t i = 0; !rc && i < json_array_size(x.page.items); i++) rc = add_eligibility(c, json_array_get(x.page.items, i), r->now);
  fp_reply_page(r, &x.page, rc, more, true);
}

/*
 * Loads application params[0] as the caller may see it: the applicant, a manager of the shift's
 * practice (or a system administrator), or a pool administrator or commissioner who sees the shift.
 * Answers 404 to anyone else (and on a store error answers it); *is_clinician and *is_practice say
 * whether the caller is the applicant or the practice. 0, or -1 when answered.
 */
static int see_app_or_respond(struct fp_req *r, struct fp_application *a, bool *is_clinician, bool *is_practice) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_application_get(c, r->params[0], a) : FP_EIO;
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_actor actor;
  fp_actor_from_auth(&r->auth, r->now, &actor);
  *is_clinician = rc == 0 && fp_application_may(&actor, FP_AEV_WITHDRAW, a->clinician_id, a->practice_id);
  *is_practice = rc == 0 && fp_application_may(&actor, FP_AEV_DECLINE, a->clinician_id, a->practice_id);
  if (rc == 0 && !*is_clinician && !*is_practice) {
    /* Others in scope (a pool administrator, a commissioner) may see it but not act. */
    struct fp_shift s;
    rc = fp_store_shift_get(c, a->shift_id, &scope, &s) == 0 && (scope.n_pools || scope.n_icbs) ? 0 : FP_ENOTFOUND;
  }
  return fp_found_or_respond(r, rc, "application", r->params[0]);
}

void fp_h_application_get(struct fp_req *r) {
  struct fp_application a;
  bool is_clinician, is_practice;
  if (see_app_or_respond(r, &a, &is_clinician, &is_practice)) return;
  fp_reply_json(r, 200, fp_json_application(&a));
}

/* Loads an application the caller may take ev on (the core's fp_application_may); answers 404/403/409. */
static int load_app_or_respond(struct fp_req *r, enum fp_application_event ev, struct fp_application *a) {
  bool is_clinician, is_practice;
  if (see_app_or_respond(r, a, &is_clinician, &is_practice)) return -1;
  if (!is_clinician && !is_practice) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "you cannot act on this application");
    return -1;
  }
  struct fp_actor actor;
  fp_actor_from_auth(&r->auth, r->now, &actor);
  if (!fp_application_may(&actor, ev, a->clinician_id, a->practice_id)) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the %s can do that", ev == FP_AEV_WITHDRAW ? "applicant" : "practice");
    return -1;
  }
  if (strcmp(a->status, "pending") != 0) {
    fp_reply_error(r, FP_API_INVALID_STATE, NULL, "application %lld is %s, not pending", (long long)a->id, a->status);
    return -1;
  }
  return 0;
}

void fp_h_application_accept(struct fp_req *r) {
  struct fp_application a;
  if (load_app_or_respond(r, FP_AEV_ACCEPT, &a)) return;
  struct fp_booking b;
  if (fp_book_or_respond(r, a.shift_id, a.clinician_id, a.id, &b)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_application_get(c, a.id, &a) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = fp_json_application(&a);
  json_object_set_new(j, "booking", fp_json_booking(&b, r->now));
  fp_reply_json(r, 200, j);
}

/*
 * Declining or withdrawing: a write transaction that receives who acts, the application and the
 * event (never the request). The store asks the state machine: FP_ECONFLICT when the application
 * is no longer pending.
 */
struct decide_ctx {
  struct fp_actor actor;
  int64_t id;
  enum fp_application_event ev;
  const char *reason;
};

static int decide_tx(struct fp_conn *c, void *vctx) {
  struct decide_ctx *x = vctx;
  int rc = fp_store_application_decide(c, x->id, x->ev, x->reason, x->actor.user_id, x->actor.now);
  if (rc || x->ev != FP_AEV_DECLINE) return rc;
  return fp_store_tell_application_declined(c, x->id, x->reason, x->actor.now); /* the clinician is told */
}

static void decide(struct fp_req *r, enum fp_application_event ev) {
  const char *reason = NULL;
  if (r->body_len) {
    struct fp_field spec[] = {
        {"reason", FP_F_STRING, false, 0, 200, NULL, &reason, NULL},
        FP_FIELD_END,
    };
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  struct fp_application a;
  if (load_app_or_respond(r, ev, &a)) return;
  struct decide_ctx x = {.id = a.id, .ev = ev, .reason = reason};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  int rc = fp_store_write(r->app->store, decide_tx, &x);
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_INVALID_STATE, NULL, "application %lld is no longer pending", (long long)a.id);
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (rc == 0) rc = c ? fp_store_application_get(c, a.id, &a) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_application(&a));
}

void fp_h_application_decline(struct fp_req *r) { decide(r, FP_AEV_DECLINE); }
void fp_h_application_withdraw(struct fp_req *r) { decide(r, FP_AEV_WITHDRAW); }
