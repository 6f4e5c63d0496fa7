/*
 * h_rate_policy.c - a pool's rate policy (issue 13; core/rate_policy.h, store/rate_policy.h).
 *   GET, PUT /api/v1/pools/{id}/rate-policy  read by anyone signed in (practices see the cap and
 *              the schedule before they post), kept by the pool's own administrators:
 *              {cap_hourly_pence (0: none), escalation: [{hours_before, percent}]}; the answer adds
 *              the pool's indicative rates (PATCH /api/v1/pools/{id} keeps them)
 *   GET      /api/v1/shifts/{id}/escalations  a shift's escalations, each with its reason and who or
 *              what authorised it, for whoever sees the shift
 *   POST     /api/v1/shifts/{id}/rate-approval, /rate-refusal  the pool's administrators publish or
 *              withdraw a shift posted over the cap (below)
 * A practice opts in to the escalation of its unfilled shifts with `rate_escalation` in PATCH
 * /api/v1/organisations/{id} (h_organisations.c); the upkeep escalates (store/rate_policy.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/rate_policy.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/request.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/rate_policy.h"
#include "store/shifts.h"
#include "store/webhooks.h"

/* The highest cap taken: GBP 10,000 an hour (the pools' own rates have the same bound). */
#define CAP_MAX_PENCE 1000000

static json_t *policy_json(const struct fp_pool *pool, const struct fp_rate_policy *p) {
  json_t *steps = json_array();
  for (int32_t i = 0; i < p->n_steps; i++)
    json_array_append_new(steps, json_pack("{s:i, s:i}", "hours_before", (int)p->steps[i].hours_before, "percent",
                                           (int)p->steps[i].percent));
  return json_pack("{s:I, s:I, s:I, s:I, s:o}", "pool_id", (json_int_t)pool->id, "hourly_rate_pence",
                   (json_int_t)pool->hourly_rate_pence, "session_rate_pence", (json_int_t)pool->session_rate_pence,
                   "cap_hourly_pence", (json_int_t)p->cap_hourly_pence, "escalation", steps);
}

static void reply_policy(struct fp_req *r, int status) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool pool;
  struct fp_rate_policy p;
  int rc = c ? fp_store_pool_get(c, r->params[0], &pool) : FP_EIO;
  if (!rc) rc = fp_store_rate_policy_get(c, r->params[0], &p);
  if (fp_found_or_respond(r, rc, "pool", r->params[0])) return;
  fp_reply_json(r, status, policy_json(&pool, &p));
}

void fp_h_pool_rate_policy(struct fp_req *r) { reply_policy(r, 200); }

/* The body as a policy: 0, or -1 once answered 400 naming the field. */
static int policy_body_or_respond(struct fp_req *r, struct fp_rate_policy *p) {
  json_t *steps = NULL;
  memset(p, 0, sizeof *p);
  struct fp_field spec[] = {
      {"cap_hourly_pence", FP_F_INT, true, 0, CAP_MAX_PENCE, NULL, &p->cap_hourly_pence, NULL},
      {"escalation", FP_F_ARRAY, true, 0, FP_RATE_MAX_STEPS, NULL, &steps, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return -1;
  size_t i;
  json_t *step;
  json_array_foreach(steps, i, step) {
    int64_t hours = 0, percent = 0;
    struct fp_field sspec[] = {
        {"hours_before", FP_F_INT, true, 1, FP_RATE_MAX_STEP_HOURS, NULL, &hours, NULL},
        {"percent", FP_F_INT, true, 1, 100, NULL, &percent, NULL},
        FP_FIELD_END,
    };
    if (!json_is_object(step)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "escalation", "each step of 'escalation' must be an object {hours_before, percent}");
      return -1;
    }
    char prefix[48];
    snprintf(prefix, sizeof prefix, "escalation[%zu].", i);
    if (fp_fields_parse_or_respond(r, step, sspec)) {
      fp_fields_prefix_error(r, prefix);
      return -1;
    }
    p->steps[i] = (struct fp_rate_step){(int32_t)hours, (int32_t)percent};
  }
  p->n_steps = (int32_t)json_array_size(steps);
  if (!fp_rate_steps_valid(p->steps, p->n_steps)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "escalation",
                   "'escalation' must run from the most hours before the start to the fewest, each percentage higher"
                   " than the one before (for example 72 hours +5%%, then 24 hours +10%%)");
    return -1;
  }
  return 0;
}

struct put_ctx {
  int64_t pool_id, user_id, now;
  const struct fp_rate_policy *p;
};

static int put_tx(struct fp_conn *c, void *ctx) {
  const struct put_ctx *x = ctx;
  return fp_store_rate_policy_put(c, x->pool_id, x->p, x->user_id, x->now);
}

void fp_h_pool_rate_policy_put(struct fp_req *r) {
  /* Their own pool's, not any pool's: its administrators (or a system administrator). */
  if (!fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) && !fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, r->params[0])) {
    struct fp_conn *c = fp_store_reader(r->app->store);
    struct fp_pool pool;
    int rc = c ? fp_store_pool_get(c, r->params[0], &pool) : FP_EIO;
    if (fp_found_or_respond(r, rc, "pool", r->params[0])) return;
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the pool's administrators set its rate policy");
    return;
  }
  struct fp_rate_policy p;
  if (policy_body_or_respond(r, &p)) return;
  struct put_ctx x = {r->params[0], r->auth.user_id, r->now, &p};
  int rc = fp_store_write(r->app->store, put_tx, &x);
  if (rc) {
    fp_found_or_respond(r, rc, "pool", r->params[0]);
    return;
  }
  reply_policy(r, 200);
}

static void add_escalation(const struct fp_shift_escalation *e, void *ctx) {
  json_array_append_new(
      ctx, json_pack("{s:o, s:i, s:i, s:I, s:I, s:b, s:I, s:o, s:s, s:s}", "at", fp_json_time(e->at), "step", (int)e->step,
                     "percent", (int)e->percent, "from_pence", (json_int_t)e->from_pence, "to_pence",
                     (json_int_t)e->to_pence, "capped", e->capped, "pool_id", (json_int_t)e->pool_id,
                     "authorised_by_user_id", fp_json_id(e->authorised_by_user), "authorised_by", e->authorised_by,
                     "reason", e->reason));
}

void fp_h_shift_escalations(struct fp_req *r) {
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_shift s;
  int rc = c ? fp_store_shift_get(c, r->params[0], &scope, &s) : FP_EIO;
  if (fp_found_or_respond(r, rc, "shift", r->params[0])) return;
  json_t *items = json_array();
  rc = fp_store_shift_escalations(c, s.id, add_escalation, items);
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/*
 * A shift over its pool's cap, decided by the pool's administrators (core/booking.h):
 *   POST /api/v1/shifts/{id}/rate-approval  published (open): the practice told, the webhooks
 *                                           of a posted shift sent
 *   POST /api/v1/shifts/{id}/rate-refusal   {reason}: withdrawn, the practice told why
 * A write transaction given who acts, what they see, the shift, the event and the reason.
 */
struct decide_ctx {
  struct fp_actor actor;
  const struct fp_scope *scope;
  int64_t id;
  enum fp_shift_event ev; /* FP_EV_APPROVE_RATE or FP_EV_REFUSE_RATE */
  const char *reason;
  struct fp_refusal why;
  struct fp_shift s;
};

static int decide_tx(struct fp_conn *c, void *vctx) {
  struct decide_ctx *x = vctx;
  int rc = fp_store_shift_get(c, x->id, x->scope, &x->s);
  if (rc == FP_ENOTFOUND) return fp_refuse(&x->why, FP_API_NOT_FOUND, NULL, x->id, "shift %lld not found", (long long)x->id);
  if (rc) return rc;
  int64_t pool_id = 0;
  struct fp_rate_policy p;
  if ((rc = fp_store_practice_rate_policy(c, x->s.practice_id, &pool_id, &p)) != 0) return rc;
  if (!fp_shift_may_decide_rate(&x->actor, pool_id))
    return fp_refuse(&x->why, FP_API_FORBIDDEN, NULL, x->id,
                     "only the administrators of the practice's pool approve or refuse the rate of its shifts");
  enum fp_shift_status from, to;
  if (fp_shift_status_parse(x->s.status, &from) != 0) return FP_EIO;
  enum fp_transition t = fp_shift_transition(from, x->ev, x->actor.now, x->s.starts_at, x->s.ends_at, &to);
  if (t == FP_TRANS_STARTED)
    return fp_refuse(&x->why, FP_API_SHIFT_STARTED, NULL, x->id, "shift %lld has started", (long long)x->id);
  if (t != FP_TRANS_OK)
    return fp_refuse(&x->why, FP_API_INVALID_STATE, NULL, x->id,
                     "shift %lld is %s: only a shift awaiting approval of its rate is approved or refused",
                     (long long)x->id, x->s.status);
  char before[64], after[64];
  snprintf(before, sizeof before, "{\"status\":\"%s\"}", x->s.status);
  snprintf(x->s.status, sizeof x->s.status, "%s", fp_shift_status_name(to));
  if ((rc = fp_store_shift_update(c, &x->s, x->actor.now)) != 0) return rc;
  if (x->ev == FP_EV_APPROVE_RATE) {
    snprintf(after, sizeof after, "{\"status\":\"%s\"}", x->s.status);
    rc = fp_store_audit(c, x->actor.now, x->actor.user_id, "shift.rate_approve", "shift", x->id, before, after);
    /* Published now: the webhooks of a posted shift, as at posting. */
    if (!rc) rc = fp_store_webhook_emit(c, FP_HOOK_SHIFT_POSTED, x->id, 0, 0, x->actor.now);
  } else {
    snprintf(after, sizeof after, "{\"status\":\"%s\",", x->s.status);
    rc = fp_store_audit_reason(c, x->actor.now, x->actor.user_id, "shift.rate_refuse", "shift", x->id, before, after,
                               x->reason);
  }
  if (!rc) rc = fp_store_rate_approval_tell(c, pool_id, x->s.practice_id, x->id, to, x->reason, x->actor.now);
  return rc ? rc : fp_store_shift_get(c, x->id, NULL, &x->s);
}

static void decide(struct fp_req *r, enum fp_shift_event ev, const char *reason) {
  struct decide_ctx x;
  memset(&x, 0, sizeof x);
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.scope = &scope;
  x.id = r->params[0];
  x.ev = ev;
  x.reason = reason;
  int rc = fp_store_write(r->app->store, decide_tx, &x);
  if (rc == FP_EREFUSED) fp_reply_refusal(r, &x.why);
  else if (rc) fp_reply_store_error(r, rc);
  else fp_reply_json(r, 200, fp_json_shift(&x.s));
}

void fp_h_shift_rate_approval(struct fp_req *r) {
  if (r->body_len) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_body_fields_or_respond(r, spec)) return;
  }
  decide(r, FP_EV_APPROVE_RATE, NULL);
}

void fp_h_shift_rate_refusal(struct fp_req *r) {
  const char *reason = NULL;
  struct fp_field spec[] = {
      {"reason", FP_F_STRING, true, 1, 300, NULL, &reason, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (strpbrk(reason, "\r\n")) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "reason", "'reason' must be on one line");
    return;
  }
  decide(r, FP_EV_REFUSE_RATE, reason);
}
