/*
 * The passport's catalogue and requirements:
 *   GET  /api/v1/passport/check-types, GET|PUT|DELETE /api/v1/passport/requirements: the
 *        catalogue and what each profession requires (the national baseline, a pool's own checks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/passport.h"
#include "core/profession.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/passport.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/passport.h"
#include "store/places.h"

/* The catalogue and the requirements -------------------------------------------------------------- */

static void add_type_json(const struct fp_check_type *t, void *ctx) { json_array_append_new(ctx, fp_passport_type_json(t)); }

void fp_h_passport_check_types(struct fp_req *r) {
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c) return;
  json_t *items = json_array();
  int rc = fp_store_check_types(c, add_type_json, items);
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(items, NULL));
}

/*
 * Requirements have owners: the national baseline of each profession, which only a system
 * administrator changes, and the checks a pool adds for its own members, which its administrators
 * change. A pool can never drop a baseline check, and a profession with no baseline of its own
 * (a pool's custom role) is held to the baseline for unregistered roles, never to nothing.
 */

/* Groups rows into [{profession, check_codes, baseline, pool_additions, baseline_is_default}]. */
struct req_list {
  json_t *items;
  int64_t pool_id;
};

static void add_requirement(const struct fp_requirement *q, void *ctx) {
  struct req_list *l = ctx;
  size_t n = json_array_size(l->items);
  json_t *last = n ? json_array_get(l->items, n - 1) : NULL;
  if (!last || strcmp(json_string_value(json_object_get(last, "profession")), q->profession) != 0) {
    last = json_pack("{s:s, s:o, s:[], s:[], s:b, s:[]}", "profession", q->profession, "pool_id", fp_json_id(l->pool_id),
                     "check_codes", "baseline", "baseline_is_default", q->default_baseline, "pool_additions");
    json_array_append_new(l->items, last);
  }
  json_array_append_new(json_object_get(last, "check_codes"), json_string(q->code));
  json_array_append_new(json_object_get(last, q->baseline ? "baseline" : "pool_additions"), json_string(q->code));
}

static json_t *requirements_of(struct fp_conn *c, const char *profession, int64_t pool_id, int *rc) {
  struct req_list l = {json_array(), pool_id};
  *rc = fp_store_requirements_list(c, profession, pool_id, add_requirement, &l);
  if (*rc) {
    json_decref(l.items);
    return NULL;
  }
  return l.items;
}

/* ?pool_id / "pool_id": a pool that exists. */
static int pool_exists_or_respond(struct fp_req *r, struct fp_conn *c, int64_t pool_id, bool in_query) {
  struct fp_pool p;
  int rc = fp_store_pool_get(c, pool_id, &p);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, in_query ? FP_API_INVALID_PARAMETER : FP_API_INVALID_FIELD, "pool_id", "pool %lld does not exist",
                   (long long)pool_id);
    return -1;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

void fp_h_passport_requirements(struct fp_req *r) {
  const char *profession = fp_req_query(r, "profession");
  if (profession && !*profession) profession = NULL;
  int64_t pool_id = 0;
  if (fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &pool_id)) return;
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c || (pool_id && pool_exists_or_respond(r, c, pool_id, true))) return;
  int rc;
  json_t *items = requirements_of(c, profession, pool_id, &rc);
  if (!items) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(items, NULL));
}

/*
 * Whose requirements the caller changes: pool_id when given (a system administrator, or an
 * administrator of that pool), else the baseline for a system administrator or the one pool a pool
 * administrator runs. 0 with *pool_id (0: the baseline), or answers 400/403 and -1.
 */
static int owner_or_respond(struct fp_req *r, bool given, int64_t *pool_id, bool in_query) {
  bool sysadmin = fp_auth_has(&r->auth, FP_ROLE_SYSADMIN);
  if (given) {
    if (!sysadmin && !fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, *pool_id)) {
      fp_reply_error(r, FP_API_FORBIDDEN, "pool_id", "you do not administer pool %lld", (long long)*pool_id);
      return -1;
    }
    return 0;
  }
  if (sysadmin) {
    *pool_id = 0;
    return 0;
  }
  int64_t only = 0;
  int n = 0;
  for (int i = 0; i < r->auth.n_roles; i++)
    if (r->auth.roles[i].kind == FP_ROLE_POOL_ADMIN && r->auth.roles[i].pool_id && r->auth.roles[i].pool_id != only)
      only = r->auth.roles[i].pool_id, n++;
  if (n == 0) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL,
                   "the national baseline is the system administrator's; a pool's administrators add its own checks");
    return -1;
  }
  if (n > 1) {
    fp_reply_error(r, in_query ? FP_API_INVALID_PARAMETER : FP_API_MISSING_FIELD, "pool_id",
                   "'pool_id' is required: you administer more than one pool");
    return -1;
  }
  *pool_id = only;
  return 0;
}

/* A built-in profession or a custom role. */
static int profession_or_respond(struct fp_req *r, struct fp_conn *c, const char *profession) {
  bool exists = fp_profession_find(profession) != NULL;
  if (!exists) {
    int rc = fp_store_custom_role_exists(c, profession, &exists);
    if (rc) {
      fp_reply_store_error(r, rc);
      return -1;
    }
  }
  if (!exists) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "profession", "'%s' is not a profession or role", profession);
    return -1;
  }
  return 0;
}

struct req_tx {
  const char *profession, *code;
  int64_t pool_id;
  bool required, clear;
  int64_t actor, now;
  bool changed;
  int n;
  struct fp_reexam reexam;
};

static int req_tx_fn(struct fp_conn *c, void *vctx) {
  struct req_tx *x = vctx;
  int rc;
  if (x->clear) {
    rc = fp_store_pool_requirements_clear(c, x->pool_id, x->profession, x->actor, x->now, &x->n);
    x->changed = x->n > 0;
  } else {
    rc = fp_store_requirement_set(c, x->profession, x->code, x->required, x->pool_id, x->actor, x->now, &x->changed);
  }
  if (rc || !x->changed) return rc;
  /* A new requirement may uncover bookings already made; a dropped one may restore them. A pool's
     change concerns the bookings made through that pool; the baseline's, every pool's. */
  return fp_store_passport_reexamine_all(c, x->profession, x->pool_id, x->now, x->actor, &x->reexam);
}

static void reply_requirements(struct fp_req *r, struct fp_conn *c, const struct req_tx *x) {
  int rc;
  json_t *items = x->profession ? requirements_of(c, x->profession, x->pool_id, &rc) : json_array();
  if (!items) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *one = json_array_get(items, 0);
  json_t *out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:i, s:i}", "profession", fp_json_str_or_null(x->profession),
                          "pool_id", fp_json_id(x->pool_id), "check_codes",
                          one ? json_incref(json_object_get(one, "check_codes")) : json_array(), "baseline",
                          one ? json_incref(json_object_get(one, "baseline")) : json_array(), "pool_additions",
                          one ? json_incref(json_object_get(one, "pool_additions")) : json_array(), "changed",
                          x->changed, "lapsed_bookings", x->reexam.n_flagged, "restored_bookings", x->reexam.n_cleared);
  json_decref(items);
  fp_reply_json(r, 200, out);
}

void fp_h_passport_requirement_put(struct fp_req *r) {
  if (fp_req_json_or_respond(r)) return;
  struct req_tx x;
  memset(&x, 0, sizeof x);
  bool has_pool = false;
  struct fp_field spec[] = {
      {"profession", FP_F_STRING, true, 1, 47, NULL, &x.profession, NULL},
      {"check_code", FP_F_STRING, true, 1, 39, NULL, &x.code, NULL},
      {"required", FP_F_BOOL, true, 0, 0, NULL, &x.required, NULL},
      {"pool_id", FP_F_INT, false, 1, INT64_MAX, NULL, &x.pool_id, &has_pool},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, r->json, spec) || owner_or_respond(r, has_pool, &x.pool_id, false)) return;
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c || profession_or_respond(r, c, x.profession) || (has_pool && pool_exists_or_respond(r, c, x.pool_id, false)))
    return;
  struct fp_check_type t;
  int rc = fp_store_check_type_get(c, x.code, &t);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "check_code", "'%s' is not a check in the catalogue", x.code);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  x.actor = r->auth.user_id;
  x.now = r->now;
  rc = fp_store_write(r->app->store, req_tx_fn, &x);
  if (rc == FP_EPERM)
    fp_reply_error(r, FP_API_FORBIDDEN, "check_code",
                   "'%s' is in the national baseline for %s: a pool adds checks of its own but drops none of it",
                   x.code, x.profession);
  else if (rc)
    fp_reply_store_error(r, rc);
  else
    reply_requirements(r, c, &x);
  fp_reexam_release(&x.reexam);
}

void fp_h_passport_requirements_clear(struct fp_req *r) {
  struct req_tx x;
  memset(&x, 0, sizeof x);
  x.profession = fp_req_query(r, "profession");
  if (x.profession && !*x.profession) x.profession = NULL;
  if (fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &x.pool_id)) return;
  bool has_pool = x.pool_id != 0;
  if (owner_or_respond(r, has_pool, &x.pool_id, true)) return;
  if (!x.pool_id) {
    /* Only a pool's own additions are removed: the baseline is changed check by check. */
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "pool_id",
                   "'pool_id' is required: DELETE removes a pool's own checks; the national baseline is changed check"
                   " by check with PUT");
    return;
  }
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c || (x.profession && profession_or_respond(r, c, x.profession)) ||
      pool_exists_or_respond(r, c, x.pool_id, true))
    return;
  x.clear = true;
  x.actor = r->auth.user_id;
  x.now = r->now;
  int rc = fp_store_write(r->app->store, req_tx_fn, &x);
  if (rc) fp_reply_store_error(r, rc);
  else reply_requirements(r, c, &x);
  fp_reexam_release(&x.reexam);
}
