/*
 * Bookings: "booking a shift" lives here.
 *   POST /api/v1/shifts/{id}/booking: a clinician books an instant shift. The store transaction
 *     reads the shift, the clinician's pool membership, passport and bookings under the write
 *     lock and asks the core's fp_booking_decide; 404 for a shift the clinician cannot see (another
 *     profession's, or a practice outside their pools); 409 shift_taken / shift_started /
 *     approval_required / not_eligible (details.missing) / overlapping_booking otherwise.
 *   GET /api/v1/bookings, GET /api/v1/bookings/{id}: within the caller's scope; the list by when
 *     (upcoming or past: the shift not ended, or ended), q (in the clinician's name) and
 *     sort (starts_at or -starts_at), its cursor the last row's start and id in that order.
 *   POST /api/v1/bookings/{id}/cancellation {reason}: by the clinician (the shift opens again) or
 *     the practice (the shift is cancelled until re-opened); late inside 48 hours; refused with
 *     409 shift_started once the shift has started (what was worked is corrected through the
 *     session's own record, never by cancelling).
 *   POST /api/v1/bookings/{id}/did-not-attend: a manager of the booking's practice records, once
 *     the shift has started, that the clinician did not come (409 shift_not_started before); its
 *     timesheet is then not_worked.
 * Both ask the core's state machines (fp_booking_transition, fp_shift_transition) in the store.
 *   POST /api/v1/bookings/{id}/timesheet {actual_start, actual_end, break_minutes}: the booked
 *     clinician says what was worked once the session has ended (the fee follows it for an hourly
 *     rate); POST .../timesheet/approval and .../timesheet/query {reason}: a manager of the
 *     booking's practice answers. GET /api/v1/bookings?timesheet=STATE lists them by state.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "http/bookings.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/offers.h"
#include "store/passport.h"
#include "store/shifts.h"
#include "store/tell.h"
#include "store/timesheets.h"
#include "store/webhooks.h"

/*
 * 409 not_eligible: the reasons as codes and, for the passport, each missing check by code and by
 * its name in the catalogue, so that a person is told "Enhanced DBS check", never `dbs`. The
 * message names as many as fit and says how many more there are; details.checks has them all.
 */
static void reply_not_eligible(struct fp_req *r, const struct fp_book_result *res) {
  json_t *missing = json_array(), *checks = json_array();
  struct fp_conn *c = fp_store_reader(r->app->store);
  char names[400] = "";
  size_t used = 0, named = 0;
  for (size_t i = 0; i < res->elig.n_missing; i++) {
    const char *code = res->elig.missing[i];
    struct fp_check_type t;
    const char *name = c && fp_store_check_type_get(c, code, &t) == 0 ? t.name : code;
    json_array_append_new(missing, json_string(code));
    json_array_append_new(checks, json_pack("{s:s, s:s}", "code", code, "name", name));
    size_t len = strlen(name) + (named ? 2 : 0);
    if (used + len + 1 < sizeof names - 24 && named == i) {
      used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", named ? ", " : "", name);
      named++;
    }
  }
  json_t *reasons = json_array();
  unsigned why = res->elig.reasons;
  if (why & FP_ELIG_INACTIVE) json_array_append_new(reasons, json_string("inactive"));
  if (why & FP_ELIG_ROLE) json_array_append_new(reasons, json_string("role_mismatch"));
  if (why & FP_ELIG_NOT_IN_POOL) json_array_append_new(reasons, json_string("not_in_pool"));
  if (why & FP_ELIG_CHECKS) json_array_append_new(reasons, json_string("passport"));
  json_t *details = json_pack("{s:o, s:o, s:o}", "missing", missing, "checks", checks, "reasons", reasons);
  if (why & FP_ELIG_INACTIVE)
    fp_reply_error_details(r, FP_API_NOT_ELIGIBLE, details, "the clinician's account is deactivated");
  else if (why & FP_ELIG_ROLE)
    fp_reply_error_details(r, FP_API_NOT_ELIGIBLE, details, "the shift is for another profession than the clinician's");
  else if (why & FP_ELIG_NOT_IN_POOL)
    fp_reply_error_details(r, FP_API_NOT_ELIGIBLE, details, "the clinician is not in a pool this practice belongs to");
  else if (named < res->elig.n_missing)
    fp_reply_error_details(r, FP_API_NOT_ELIGIBLE, details,
                           "the clinician's passport is not complete for the shift's day: it needs %s and %zu more",
                           names, res->elig.n_missing - named);
  else
    fp_reply_error_details(r, FP_API_NOT_ELIGIBLE, details,
                           "the clinician's passport is not complete for the shift's day: it needs %s", names);
}

/* "13 hours", "12 hours 30 minutes", "45 minutes". */
static void say_duration(char *buf, size_t len, int64_t seconds) {
  int64_t m = (seconds + 30) / 60, h = m / 60;
  m %= 60;
  if (h && m) snprintf(buf, len, "%lld hour%s %lld minute%s", (long long)h, h == 1 ? "" : "s", (long long)m, m == 1 ? "" : "s");
  else if (h) snprintf(buf, len, "%lld hour%s", (long long)h, h == 1 ? "" : "s");
  else snprintf(buf, len, "%lld minute%s", (long long)m, m == 1 ? "" : "s");
}

/* Which working-time guard the booking would break, in the figures the pool set. */
static void reply_working_time(struct fp_req *r, const struct fp_book_result *res) {
  char got[48], limit[48], rest[48];
  if (res->working_time.outcome == FP_WT_TOO_MUCH_WORK) {
    say_duration(got, sizeof got, res->working_time.worked_seconds);
    say_duration(limit, sizeof limit, (int64_t)res->limits.max_worked_minutes * 60);
    fp_reply_error(r, FP_API_WORKING_TIME_LIMIT, NULL,
                   "with this session the clinician would work %s in 24 hours: the pool allows at most %s", got, limit);
    return;
  }
  say_duration(got, sizeof got, res->working_time.duty_seconds);
  say_duration(rest, sizeof rest, (int64_t)res->limits.min_rest_minutes * 60);
  say_duration(limit, sizeof limit, FP_WT_WINDOW - (int64_t)res->limits.min_rest_minutes * 60);
  fp_reply_error(r, FP_API_WORKING_TIME_LIMIT, NULL,
                 "with this session the clinician would have less than %s of rest between sessions for %s: the pool"
                 " requires %s of rest in every 24 hours, so sessions closer together than that may span at most %s",
                 rest, got, rest, limit);
}

void fp_reply_book_refusal(struct fp_req *r, const struct fp_book_result *res) {
  switch (res->outcome) {
  case FP_BOOK_OK: break;
  case FP_BOOK_NOT_VISIBLE:
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "shift %lld not found", (long long)res->shift_id);
    break;
  case FP_BOOK_SHIFT_TAKEN:
    fp_reply_error(r, FP_API_SHIFT_TAKEN, NULL, "the shift is no longer open");
    break;
  case FP_BOOK_STARTED:
    fp_reply_error(r, FP_API_SHIFT_STARTED, NULL, "the shift has already started");
    break;
  case FP_BOOK_APPROVAL_REQUIRED:
    fp_reply_error(r, FP_API_APPROVAL_REQUIRED, NULL, "this practice approves bookings: apply for the shift instead");
    break;
  case FP_BOOK_OVERLAPPING:
    fp_reply_error(r, FP_API_OVERLAPPING_BOOKING, NULL, "the clinician has another booking at that time");
    break;
  case FP_BOOK_NOT_ELIGIBLE: reply_not_eligible(r, res); break;
  case FP_BOOK_WORKING_TIME: reply_working_time(r, res); break;
  }
}

/*
 * The booking transaction. Receives who acts (the user, the time) and the domain input, never the
 * request; answers through res (a refusal by the core's fp_booking_decide is a result).
 */
struct book_ctx {
  struct fp_actor actor;
  int64_t shift_id, clinician_id, application_id;
  struct fp_book_result res;
  struct fp_booking *out; /* the answer: the booking as committed (book_answer) */
};

static int book_tx(struct fp_conn *c, void *vctx) {
  struct book_ctx *x = vctx;
  int rc = fp_store_book(c, x->shift_id, x->clinician_id, x->actor.user_id, x->actor.now, x->application_id, &x->res);
  if (rc) return rc;
  if (x->res.outcome != FP_BOOK_OK) return FP_EREFUSED; /* roll back anything on refusal */
  /* Who is told, in the booking's own transaction (store/tell.h): the practice's managers of a
     booking a clinician made; the clinician whose application the practice accepted; and each
     other applicant whose application the booking closed. */
  rc = fp_store_tell_booked(c, &x->res, x->application_id != 0, x->actor.now);
  /* The shift's direct offers close, their clinicians told (store/offers.h). */
  if (!rc) rc = fp_store_offers_close(c, &x->res.offers, 0, x->actor.user_id, x->actor.now);
  /* And the webhooks that want it (store/webhooks.h), likewise. */
  if (!rc)
    rc = fp_store_webhook_emit_to(c, &x->res.hooks, x->shift_id, x->res.booking.id, x->application_id, x->actor.now);
  if (rc) return rc;
  /* The answer's read goes with the COMMIT where the engine allows (book_answer takes it). */
  fp_store_booking_read_at_commit(c, x->res.booking.id);
  return 0;
}

/* Booked: the booking as it was committed (db.h fp_store_write_locking_then). */
static int book_answer(struct fp_conn *c, void *vctx) {
  struct book_ctx *x = vctx;
  return fp_store_booking_get(c, x->res.booking.id, NULL, x->out);
}

int fp_book_or_respond(struct fp_req *r, int64_t shift_id, int64_t clinician_id, int64_t application_id,
                       struct fp_booking *out) {
  static __thread struct book_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.shift_id = shift_id;
  x.clinician_id = clinician_id;
  x.application_id = application_id;
  x.out = out;
  int rc = fp_store_write_locking_then(r->app->store, book_tx, book_answer, &x);
  if (rc == FP_EREFUSED) fp_reply_book_refusal(r, &x.res);
  else if (rc) fp_reply_store_error(r, rc);
  fp_book_result_release(&x.res);
  return rc ? -1 : 0;
}

void fp_h_booking_create(struct fp_req *r) {
  if (!r->auth.clinician_id) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians book shifts");
    return;
  }
  if (r->body_len && fp_req_json_or_respond(r)) return;
  if (r->json) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  }
  /* A shift the clinician cannot see is a 404 to them: decided inside the booking's transaction
     (FP_BOOK_NOT_VISIBLE), so the request reads nothing before it queues. */
  struct fp_booking b;
  if (fp_book_or_respond(r, r->params[0], r->auth.clinician_id, 0, &b)) return;
  fp_reply_json(r, 201, fp_json_booking(&b, r->now));
}

static void add_booking(const struct fp_booking *b, void *ctx) {
  struct fp_page *page = ctx;
  fp_page_add(page, fp_json_booking(b, *(const int64_t *)page->ctx), b->starts_at, b->id);
}

void fp_h_booking_list(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_booking_query q;
  memset(&q, 0, sizeof q);
  q.scope = &scope;
  q.status = fp_req_query(r, "status");
  if (q.status && strcmp(q.status, "confirmed") != 0 && strcmp(q.status, "cancelled") != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "status", "'status' must be confirmed or cancelled");
    return;
  }
  /* when: upcoming (the shift has not ended) or past (it has: worked, or not attended); absent,
     both. sort: starts_at (soonest first) or -starts_at (latest first: past's default). */
  static const char *const whens[] = {"any", "upcoming", "past", NULL};
  static const char *const sorts[] = {"starts_at", "-starts_at", NULL};
  int when = 0, sort = 0;
  if (fp_query_int_or_respond(r, "clinician_id", 1, INT64_MAX, &q.clinician_id) ||
      fp_query_int_or_respond(r, "shift_id", 1, INT64_MAX, &q.shift_id) ||
      fp_query_time_or_respond(r, "from", &q.from, &q.has_from) || fp_query_time_or_respond(r, "to", &q.to, &q.has_to) ||
      fp_query_enum_or_respond(r, "when", whens, 0, &when) || fp_query_search_or_respond(r, &q.q) ||
      fp_query_enum_or_respond(r, "sort", sorts, when == FP_WHEN_PAST ? 1 : 0, &sort) || fp_limit_or_respond(r, &q.limit) ||
      fp_cursor_parse_or_respond(r, &q.cursor_start, &q.cursor_id, &q.has_cursor))
    return;
  q.when = (enum fp_booking_when)when;
  q.now = r->now;
  q.latest_first = sort == 1;
  /* timesheet: only bookings whose timesheet is in that state now (core/timesheet.h). */
  const char *ts = fp_req_query(r, "timesheet");
  if (ts) {
    if (fp_ts_state_parse(ts, &q.timesheet) != 0) {
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "timesheet",
                     "'timesheet' must be to_submit, submitted, queried, approved or not_worked");
      return;
    }
    q.has_timesheet = true;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page page;
  int64_t now = r->now;
  fp_page_init(&page, &now);
  bool more = false;
  int rc = c ? fp_store_booking_search(c, &q, add_booking, &page, &more) : FP_EIO;
  fp_reply_page(r, &page, rc, more, true);
}

void fp_h_booking_get(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_booking b;
  int rc = c ? fp_store_booking_get(c, r->params[0], &scope, &b) : FP_EIO;
  if (fp_found_or_respond(r, rc, "booking", r->params[0])) return;
  fp_reply_json(r, 200, fp_json_booking(&b, r->now));
}

/*
 * Cancelling a booking and recording that the clinician did not attend: write transactions that
 * receive who acts and the booking's id (and the reason), never the request. Each reads the booking
 * as the actor may see it, asks the core who may act (fp_booking_canceller,
 * fp_booking_may_record_attendance) and the state machine (in the store), and returns 0 with the
 * booking in b, FP_EREFUSED with why (not_found, forbidden, shift_started, shift_not_started,
 * invalid_state), or a store error.
 */
struct change_ctx {
  struct fp_actor actor;
  const struct fp_scope *scope; /* what the actor may see */
  int64_t booking_id;
  const char *reason;           /* cancelling and querying a timesheet */
  struct fp_ts_times times;     /* submitting a timesheet, with what is claimed */
  struct fp_ts_claims claims;
  const char *expenses_note;
  enum fp_ts_event ts_event;    /* answering one: FP_TSEV_APPROVE or FP_TSEV_QUERY */
  struct fp_refusal why;
  struct fp_booking b;
};

/* The state machine's refusal of a change of booking b, as a refusal. */
static int refuse_transition(struct fp_refusal *why, enum fp_transition t, const struct fp_booking *b) {
  switch (t) {
  case FP_TRANS_STARTED:
    return fp_refuse(why, FP_API_SHIFT_STARTED, NULL, b->id,
                     "the shift has started: a booking cannot be cancelled once its shift has started");
  case FP_TRANS_TOO_EARLY: return fp_refuse(why, FP_API_SHIFT_NOT_STARTED, NULL, b->id, "the shift has not started yet");
  case FP_TRANS_INVALID_STATE:
  case FP_TRANS_OK: break;
  }
  if (b->attendance[0])
    return fp_refuse(why, FP_API_INVALID_STATE, NULL, b->id, "booking %lld is already marked as did not attend",
                     (long long)b->id);
  return fp_refuse(why, FP_API_INVALID_STATE, NULL, b->id, "booking %lld is %s", (long long)b->id, b->status);
}

/* Reads the booking as the actor may see it into x->b: 0, FP_EREFUSED (not_found), or a store error. */
static int load_booking(struct fp_conn *c, struct change_ctx *x) {
  int rc = fp_store_booking_get(c, x->booking_id, x->scope, &x->b);
  if (rc == FP_ENOTFOUND)
    return fp_refuse(&x->why, FP_API_NOT_FOUND, NULL, x->booking_id, "booking %lld not found", (long long)x->booking_id);
  return rc;
}

static int cancel_tx(struct fp_conn *c, void *vctx) {
  struct change_ctx *x = vctx;
  int rc = load_booking(c, x);
  if (rc) return rc;
  enum fp_party party = fp_booking_canceller(&x->actor, x->b.clinician_id, x->b.practice_id);
  if (party == FP_PARTY_NONE)
    return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->b.id,
                     "only the booked clinician or the practice can cancel this booking");
  enum fp_transition t;
  rc = fp_store_booking_cancel(c, x->b.id, fp_party_name(party), x->actor.user_id, x->actor.now, x->reason, &t, &x->b);
  if (rc) return rc;
  if (t != FP_TRANS_OK) return refuse_transition(&x->why, t, &x->b);
  /* The other side is told, and the webhooks that want it sent, in the same transaction (store/tell.h, webhooks.h). */
  rc = fp_store_tell_booking_cancelled(c, x->b.id, fp_party_name(party), x->reason, x->b.cancellation_fee_pence,
                                       x->actor.now);
  return rc ? rc : fp_store_webhook_emit(c, FP_HOOK_BOOKING_CANCELLED, x->b.shift_id, x->b.id, 0, x->actor.now);
}

static int did_not_attend_tx(struct fp_conn *c, void *vctx) {
  struct change_ctx *x = vctx;
  int rc = load_booking(c, x);
  if (rc) return rc;
  if (!fp_booking_may_record_attendance(&x->actor, x->b.practice_id))
    return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->b.id,
                     "only a manager of the booking's practice can record attendance");
  enum fp_transition t;
  rc = fp_store_booking_did_not_attend(c, x->b.id, x->actor.user_id, x->actor.now, &t, &x->b);
  if (rc) return rc;
  return t == FP_TRANS_OK ? 0 : refuse_transition(&x->why, t, &x->b);
}

/*
 * The booking's timesheet (core/timesheet.h, store/timesheets.h): the booked clinician submits what
 * was worked (from to_submit or queried); a manager of the booking's practice approves or queries
 * it (from submitted). Each reads the booking as the actor may see it and asks the core whether the
 * timesheet is due, who may, and where the state machine goes.
 */
static int ts_refuse_state(struct change_ctx *x, bool due, enum fp_ts_state from) {
  if (!due)
    return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->b.id,
                     "booking %lld has no timesheet: its session has not ended, or it was cancelled", (long long)x->b.id);
  return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->b.id, "the timesheet of booking %lld is %s",
                   (long long)x->b.id, fp_ts_state_name(from));
}

static int ts_refuse_times(struct change_ctx *x, enum fp_ts_problem p) {
  static const struct { const char *field, *why; } WHY[] = {
      [FP_TSP_NOT_ENDED] = {NULL, "the session has not ended yet"},
      [FP_TSP_IN_FUTURE] = {"actual_end", "'actual_end' is in the future"},
      [FP_TSP_END_BEFORE_START] = {"actual_end", "'actual_end' must be after 'actual_start'"},
      [FP_TSP_TOO_LONG] = {"actual_end", "a session is at most 16 hours from start to end"},
      [FP_TSP_BREAK] = {"break_minutes", "'break_minutes' must be 0 or more, and shorter than the session"},
      [FP_TSP_FAR_FROM_BOOKING] = {"actual_start", "'actual_start' must be within 12 hours of the booked start"},
  };
  return fp_refuse(&x->why, p == FP_TSP_NOT_ENDED ? FP_API_INVALID_STATE : FP_API_INVALID_FIELD, WHY[p].field, x->b.id,
                   "%s", WHY[p].why);
}

static int ts_submit_tx(struct fp_conn *c, void *vctx) {
  struct change_ctx *x = vctx;
  int rc = load_booking(c, x);
  if (rc) return rc;
  if (!fp_ts_may(&x->actor, FP_TSEV_SUBMIT, x->b.clinician_id, x->b.practice_id))
    return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->b.id, "only the booked clinician submits the timesheet");
  enum fp_ts_state from = FP_TS_TO_SUBMIT;
  bool due = fp_booking_ts_state(&x->b, x->actor.now, &from);
  if (!due || fp_ts_next(from, FP_TSEV_SUBMIT, NULL) != 0) return ts_refuse_state(x, due, from);
  enum fp_ts_problem p = fp_ts_check(&x->times, x->b.starts_at, x->b.ends_at, x->actor.now);
  if (p != FP_TSP_OK) return ts_refuse_times(x, p);
  enum fp_rate_unit unit;
  if (fp_rate_unit_parse(x->b.rate_unit, &unit) != 0) return FP_EIO;
  int64_t fee = fp_ts_fee_pence(&x->times, x->b.rate_pence, unit);
  /* Mileage and expenses as the booking's terms allow (none without terms). */
  switch (fp_ts_claims_check(&x->claims, x->b.terms.mileage, x->b.terms.expenses)) {
  case FP_TSC_OK: break;
  case FP_TSC_MILEAGE_NOT_AGREED:
    return fp_refuse(&x->why, FP_API_INVALID_FIELD, "mileage_miles", x->b.id,
                     "the terms agreed for this booking do not allow mileage");
  case FP_TSC_EXPENSES_NOT_AGREED:
    return fp_refuse(&x->why, FP_API_INVALID_FIELD, "expenses_pence", x->b.id,
                     "the terms agreed for this booking do not allow other expenses");
  case FP_TSC_NO_NOTE:
    return fp_refuse(&x->why, FP_API_INVALID_FIELD, "expenses_note", x->b.id, "say what the expenses were for");
  }
  if ((rc = fp_store_timesheet_submit(c, &x->b, from, &x->times, fee, &x->claims, x->expenses_note, x->actor.user_id,
                                      x->actor.now)) != 0)
    return rc;
  /* The practice is told, in the same transaction (store/tell.h). */
  if ((rc = fp_store_tell_timesheet(c, x->b.id, FP_TS_SUBMITTED, NULL, x->actor.now)) != 0) return rc;
  return fp_store_booking_get(c, x->b.id, NULL, &x->b);
}

static int ts_answer_tx(struct fp_conn *c, void *vctx) {
  struct change_ctx *x = vctx;
  int rc = load_booking(c, x);
  if (rc) return rc;
  if (!fp_ts_may(&x->actor, x->ts_event, x->b.clinician_id, x->b.practice_id))
    return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->b.id,
                     "only a manager of the booking's practice approves or queries its timesheet");
  enum fp_ts_state from = FP_TS_TO_SUBMIT, to;
  bool due = fp_booking_ts_state(&x->b, x->actor.now, &from);
  if (!due || fp_ts_next(from, x->ts_event, &to) != 0) return ts_refuse_state(x, due, from);
  if ((rc = fp_store_timesheet_decide(c, x->b.id, from, to, x->reason, x->actor.user_id, x->actor.now)) != 0) return rc;
  /* The clinician is told, in the same transaction (store/tell.h). */
  if ((rc = fp_store_tell_timesheet(c, x->b.id, to, x->reason, x->actor.now)) != 0) return rc;
  return fp_store_booking_get(c, x->b.id, NULL, &x->b);
}

/* Runs a change of the path's booking as the caller and answers: the booking, the refusal, or a store error. */
static void change_booking(struct fp_req *r, fp_tx_fn tx, const char *reason) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct change_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.scope = &scope;
  x.booking_id = r->params[0];
  x.reason = reason;
  int rc = fp_store_write(r->app->store, tx, &x);
  if (rc == FP_EREFUSED) fp_reply_refusal(r, &x.why);
  else if (rc) fp_reply_store_error(r, rc);
  else fp_reply_json(r, 200, fp_json_booking(&x.b, x.actor.now));
}

void fp_h_booking_cancel(struct fp_req *r) {
  const char *reason = NULL;
  struct fp_field spec[] = {
      {"reason", FP_F_STRING, true, 1, 500, NULL, &reason, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  change_booking(r, cancel_tx, reason);
}

/* Runs ts_submit_tx or ts_answer_tx with the request's fields in x. */
static void change_timesheet(struct fp_req *r, fp_tx_fn tx, struct change_ctx *x) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  fp_actor_from_auth(&r->auth, r->now, &x->actor);
  x->scope = &scope;
  x->booking_id = r->params[0];
  int rc = fp_store_write(r->app->store, tx, x);
  if (rc == FP_EREFUSED) fp_reply_refusal(r, &x->why);
  else if (rc) fp_reply_store_error(r, rc);
  else fp_reply_json(r, 200, fp_json_booking(&x->b, x->actor.now));
}

void fp_h_booking_timesheet_submit(struct fp_req *r) {
  struct change_ctx x;
  memset(&x, 0, sizeof x);
  int64_t break_minutes = 0, miles = 0;
  struct fp_field spec[] = {
      {"actual_start", FP_F_TIME, true, 0, 0, NULL, &x.times.start, NULL},
      {"actual_end", FP_F_TIME, true, 0, 0, NULL, &x.times.end, NULL},
      {"break_minutes", FP_F_INT, true, 0, FP_TS_MAX_MINUTES, NULL, &break_minutes, NULL},
      {"mileage_miles", FP_F_INT, false, 0, FP_TS_MAX_MILES, NULL, &miles, NULL},
      {"expenses_pence", FP_F_INT, false, 0, FP_TS_MAX_EXPENSES_PENCE, NULL, &x.claims.expenses_pence, NULL},
      {"expenses_note", FP_F_STRING, false, 1, 200, NULL, &x.expenses_note, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  x.times.break_minutes = (int32_t)break_minutes;
  x.claims.miles = (int32_t)miles;
  x.claims.has_note = x.expenses_note && x.expenses_note[strspn(x.expenses_note, " \t")];
  if (x.expenses_note && strpbrk(x.expenses_note, "\r\n")) { /* one line of the invoice */
    fp_reply_error(r, FP_API_INVALID_FIELD, "expenses_note", "'expenses_note' must be on one line");
    return;
  }
  change_timesheet(r, ts_submit_tx, &x);
}

void fp_h_booking_timesheet_approve(struct fp_req *r) {
  if (r->body_len) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  struct change_ctx x;
  memset(&x, 0, sizeof x);
  x.ts_event = FP_TSEV_APPROVE;
  change_timesheet(r, ts_answer_tx, &x);
}

void fp_h_booking_timesheet_query(struct fp_req *r) {
  struct change_ctx x;
  memset(&x, 0, sizeof x);
  struct fp_field spec[] = {
      {"reason", FP_F_STRING, true, 1, 500, NULL, &x.reason, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  x.ts_event = FP_TSEV_QUERY;
  change_timesheet(r, ts_answer_tx, &x);
}

void fp_h_booking_did_not_attend(struct fp_req *r) {
  if (r->body_len) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  change_booking(r, did_not_attend_tx, NULL);
}
