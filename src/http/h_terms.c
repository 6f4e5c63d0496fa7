/*
 * h_terms.c - terms of engagement (issue 13; core/terms.h, store/terms.h).
 *   GET, PUT /api/v1/me/terms          a clinician's own terms (theirs alone): what applies where
 *                                      a practice accepts their application or offers them a shift
 *   GET, PUT /api/v1/pools/{id}/terms  a pool's default terms: read by anyone signed in (the pool
 *                                      publishes them), kept by the pool's administrators
 * The body of a PUT: {payment_days, cancellation: [{notice_hours, fee_percent}], mileage, expenses},
 * and for a pool `sharing_agreement`, the staff-sharing agreement its practices accept with its
 * terms when they post (optional: unchanged when left out); the answer adds `kept` (whether any
 * are kept; else the defaults shown) and `updated_at`, and a pool's `sharing_agreement`.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/terms.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/request.h"
#include "http/routes.h"
#include "store/members.h"
#include "store/terms.h"

static json_t *terms_answer(const struct fp_terms *t, bool kept, int64_t updated_at) {
  json_t *j = fp_json_terms(t, NULL);
  if (!j) return NULL;
  json_object_set_new(j, "kept", json_boolean(kept));
  json_object_set_new(j, "updated_at", kept ? fp_json_time(updated_at) : json_null());
  return j;
}

static void reply_terms(struct fp_req *r, int64_t clinician_id, int64_t pool_id) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_terms t;
  int64_t updated_at = 0;
  int rc = c ? fp_store_terms_get(c, clinician_id, pool_id, &t, &updated_at) : FP_EIO;
  if (rc && rc != FP_ENOTFOUND) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = terms_answer(&t, rc == 0, updated_at);
  if (pool_id) { /* and the staff-sharing agreement its practices accept with them */
    char *agreement = NULL;
    int arc = fp_store_sharing_agreement_get(c, pool_id, &agreement);
    if (arc) {
      json_decref(j);
      fp_reply_store_error(r, arc);
      return;
    }
    json_object_set_new(j, "sharing_agreement", agreement[0] ? json_string(agreement) : json_null());
    free(agreement);
  }
  fp_reply_json(r, 200, j);
}

/* The body as terms: 0, or -1 once answered 400 naming the field. */
static int terms_body_or_respond(struct fp_req *r, struct fp_terms *t, const char **agreement) {
  int64_t days = 0;
  json_t *bands = NULL;
  bool mileage = false, expenses = false;
  *agreement = NULL;
  struct fp_field spec[] = {
      {"payment_days", FP_F_INT, true, 1, FP_TERMS_MAX_PAYMENT_DAYS, NULL, &days, NULL},
      {"cancellation", FP_F_ARRAY, true, 0, FP_TERMS_MAX_BANDS, NULL, &bands, NULL},
      {"mileage", FP_F_BOOL, true, 0, 0, NULL, &mileage, NULL},
      {"expenses", FP_F_BOOL, true, 0, 0, NULL, &expenses, NULL},
      {"sharing_agreement", FP_F_STRING, false, 0, FP_SHARING_AGREEMENT_MAX, NULL, agreement, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return -1;
  *t = fp_terms_default();
  t->payment_days = (int32_t)days;
  t->mileage = mileage;
  t->expenses = expenses;
  size_t i;
  json_t *band;
  json_array_foreach(bands, i, band) {
    int64_t notice = 0, percent = 0;
    struct fp_field bspec[] = {
        {"notice_hours", FP_F_INT, true, 1, FP_TERMS_MAX_NOTICE_HOURS, NULL, &notice, NULL},
        {"fee_percent", FP_F_INT, true, 1, 100, NULL, &percent, NULL},
        FP_FIELD_END,
    };
    char prefix[48];
    snprintf(prefix, sizeof prefix, "cancellation[%zu].", i);
    if (!json_is_object(band)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "cancellation",
                     "each entry of 'cancellation' must be an object {notice_hours, fee_percent}");
      return -1;
    }
    if (fp_fields_parse_or_respond(r, band, bspec)) {
      fp_fields_prefix_error(r, prefix);
      return -1;
    }
    t->bands[i] = (struct fp_cancel_band){(int32_t)notice, (int32_t)percent};
  }
  t->n_bands = (int32_t)json_array_size(bands);
  const char *field = NULL;
  if (fp_terms_validate(t, &field) != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, field,
                   "'cancellation' must run from the longest notice to the shortest, each fee higher than the one"
                   " before (for example 168 hours 50%%, then 48 hours 100%%)");
    return -1;
  }
  return 0;
}

struct put_tx {
  int64_t clinician_id, pool_id, user_id, now;
  const struct fp_terms *t;
  const char *agreement; /* a pool's staff-sharing agreement; NULL: unchanged */
};

static int put_tx_fn(struct fp_conn *c, void *ctx) {
  const struct put_tx *x = ctx;
  int rc = fp_store_terms_put(c, x->clinician_id, x->pool_id, x->t, x->user_id, x->now);
  if (!rc && x->agreement) rc = fp_store_sharing_agreement_put(c, x->pool_id, x->agreement, x->user_id, x->now);
  return rc;
}

static void put_terms(struct fp_req *r, int64_t clinician_id, int64_t pool_id) {
  struct fp_terms t;
  const char *agreement = NULL;
  if (terms_body_or_respond(r, &t, &agreement)) return;
  if (agreement && clinician_id) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "sharing_agreement", "only a pool keeps a staff-sharing agreement with its practices");
    return;
  }
  struct put_tx x = {clinician_id, pool_id, r->auth.user_id, r->now, &t, agreement};
  int rc = fp_store_write(r->app->store, put_tx_fn, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  reply_terms(r, clinician_id, pool_id);
}

static int clinician_or_respond(struct fp_req *r) {
  if (r->auth.clinician_id) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only clinicians keep their own terms of engagement");
  return -1;
}

void fp_h_me_terms(struct fp_req *r) {
  if (clinician_or_respond(r)) return;
  reply_terms(r, r->auth.clinician_id, 0);
}

void fp_h_me_terms_put(struct fp_req *r) {
  if (clinician_or_respond(r)) return;
  put_terms(r, r->auth.clinician_id, 0);
}

/* Pool params[0], which must exist: 0, or -1 once answered 404. */
static int pool_exists_or_respond(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_pool p;
  int rc = c ? fp_store_pool_get(c, r->params[0], &p) : FP_EIO;
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "pool %lld does not exist", (long long)r->params[0]);
    return -1;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

void fp_h_pool_terms(struct fp_req *r) {
  if (pool_exists_or_respond(r)) return;
  reply_terms(r, 0, r->params[0]);
}

void fp_h_pool_terms_put(struct fp_req *r) {
  if (pool_exists_or_respond(r)) return;
  /* Their own pool's, not any pool's: the administrators of this pool (or a system administrator). */
  if (!fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) && !fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, r->params[0])) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the pool's administrators can set its terms");
    return;
  }
  put_terms(r, 0, r->params[0]);
}
