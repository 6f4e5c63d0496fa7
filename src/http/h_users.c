/*
 * Users (staff accounts; clinicians register themselves through /api/v1/clinicians):
 *   POST /api/v1/users: a system administrator adds a commissioner (of an ICB), a pool
 *     administrator (of a pool), a practice manager (of a practice) or another system
 *     administrator; a pool administrator may add practice managers for the practices in their
 *     pools. Without a password the answer carries a one-time password, shown only then. Either
 *     way the new user must choose their own password at first sign-in (password_change_required).
 *   GET /api/v1/users[?q=]: every user with their roles (system administrators only); q finds those
 *     whose email or name contains it.
 *   PATCH /api/v1/users/{id} {active?, name?}: deactivating ends every session of the user at
 *     once and stops them signing in; reactivating lets them in again.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "http/auth.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/offers.h"
#include "store/places.h"

static const char *const STAFF_ROLES[] = {"commissioner", "pool_admin", "practice_manager", "sysadmin", NULL};

/* {id, email, name, active, roles, clinician_id, created_at}, roles read from the store. */
static json_t *user_json(struct fp_conn *c, const struct fp_user *u) {
  struct fp_role_row rows[FP_MAX_ROLES];
  int n = 0;
  json_t *roles = json_array();
  if (fp_store_roles_of(c, u->id, rows, FP_MAX_ROLES, &n) == 0)
    for (int i = 0; i < n; i++)
      json_array_append_new(roles, json_pack("{s:s, s:o, s:o}", "role", rows[i].role, "organisation_id",
                                             fp_json_id(rows[i].organisation_id), "pool_id", fp_json_id(rows[i].pool_id)));
  int64_t clinician_id = 0;
  char profession[48];
  fp_store_clinician_of_user(c, u->id, &clinician_id, profession, sizeof profession);
  return json_pack("{s:I, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)u->id, "email", u->email, "name",
                   u->name, "active", u->active, "roles", roles, "clinician_id", fp_json_id(clinician_id), "created_at",
                   fp_json_time(u->created_at), "deactivated_at", fp_json_time_or_null(u->deactivated_at), "erased_at",
                   fp_json_time_or_null(u->erased_at));
}

/* Whether the caller administers a pool that has organisation_id as a member. */
static int pool_admin_of_practice(struct fp_conn *c, const struct fp_auth *a, int64_t organisation_id, bool *yes) {
  *yes = false;
  for (int i = 0; i < a->n_roles && !*yes; i++) {
    if (a->roles[i].kind != FP_ROLE_POOL_ADMIN) continue;
    int rc = fp_store_pool_has_member(c, a->roles[i].pool_id, 0, organisation_id, yes);
    if (rc) return rc;
  }
  return 0;
}

/* Checks that the organisation exists at `level`; answers 400 naming organisation_id otherwise. */
static int org_level_or_respond(struct fp_req *r, struct fp_conn *c, int64_t id, const char *level, const char *role) {
  struct fp_org o;
  int rc = fp_store_org_get(c, id, &o);
  if (rc == FP_ENOTFOUND || (rc == 0 && strcmp(o.level, level) != 0)) {
    if (rc == 0) fp_org_clear(&o);
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id", "a %s needs an organisation of level %s; %lld is not one",
                   role, level, (long long)id);
    return -1;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  fp_org_clear(&o);
  return 0;
}

struct create_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  const char *email, *name, *role, *hash;
  int64_t org, pool, id;
  bool email_taken;
};

static int create_tx(struct fp_conn *c, void *vctx) {
  struct create_ctx *x = vctx;
  struct fp_user u;
  int rc = fp_store_user_by_email(c, x->email, &u);
  if (rc == 0) {
    x->email_taken = true;
    return 1;
  }
  if (rc != FP_ENOTFOUND) return rc;
  if ((rc = fp_store_user_insert(c, x->email, x->name, x->hash, x->actor.now, &x->id)) != 0) return rc;
  if ((rc = fp_store_role_insert(c, x->id, x->role, x->org, x->pool)) != 0) return rc;
  /* Someone else chose this password: its owner chooses their own at first sign-in. */
  if ((rc = fp_store_user_set_must_change_password(c, x->id)) != 0) return rc;
  json_t *after = json_pack("{s:s, s:s, s:s, s:o, s:o}", "email", x->email, "name", x->name, "role", x->role,
                            "organisation_id", fp_json_id(x->org), "pool_id", fp_json_id(x->pool));
  char *text = json_dumps(after, JSON_COMPACT);
  json_decref(after);
  rc = fp_store_audit(c, x->actor.now, x->actor.user_id, "user.create", "user", x->id, NULL, text);
  free(text);
  return rc;
}

void fp_h_user_create(struct fp_req *r) {
  bool admin = fp_auth_has(&r->auth, FP_ROLE_SYSADMIN);
  if (!admin && !fp_auth_has(&r->auth, FP_ROLE_POOL_ADMIN)) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only a system administrator or a pool administrator can add users");
    return;
  }
  struct create_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  const char *password = NULL;
  bool has_org = false, has_pool = false;
  struct fp_field spec[] = {
      FP_FIELD_EMAIL("email", &x.email),
      {"name", FP_F_STRING, true, 1, 200, NULL, &x.name, NULL},
      {"role", FP_F_ENUM, true, 0, 0, STAFF_ROLES, &x.role, NULL},
      {"organisation_id", FP_F_INT, false, 1, INT64_MAX, NULL, &x.org, &has_org},
      {"pool_id", FP_F_INT, false, 1, INT64_MAX, NULL, &x.pool, &has_pool},
      {"password", FP_F_STRING, false, 1, FP_PASSWORD_MAX_BYTES, NULL, &password, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  char email[256];
  snprintf(email, sizeof email, "%s", x.email);
  for (char *p = email; *p; p++) *p = (char)tolower((unsigned char)*p);
  x.email = email;
  enum fp_role_kind kind = FP_ROLE_SYSADMIN;
  fp_role_parse(x.role, &kind);
  if (!admin && kind != FP_ROLE_PRACTICE_MANAGER) {
    fp_reply_error(r, FP_API_FORBIDDEN, "role", "a pool administrator can add practice managers only");
    return;
  }
  bool needs_org = kind == FP_ROLE_COMMISSIONER || kind == FP_ROLE_PRACTICE_MANAGER;
  bool needs_pool = kind == FP_ROLE_POOL_ADMIN;
  if (needs_org && !has_org) {
    fp_reply_error(r, FP_API_MISSING_FIELD, "organisation_id", "a %s needs 'organisation_id'", x.role);
    return;
  }
  if (needs_pool && !has_pool) {
    fp_reply_error(r, FP_API_MISSING_FIELD, "pool_id", "a pool_admin needs 'pool_id'");
    return;
  }
  if ((has_org && !needs_org) || (has_pool && !needs_pool)) {
    const char *f = has_org && !needs_org ? "organisation_id" : "pool_id";
    fp_reply_error(r, FP_API_INVALID_FIELD, f, "'%s' does not apply to the role %s", f, x.role);
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  if (kind == FP_ROLE_COMMISSIONER && org_level_or_respond(r, c, x.org, "icb", x.role)) return;
  if (kind == FP_ROLE_PRACTICE_MANAGER && org_level_or_respond(r, c, x.org, "practice", x.role)) return;
  if (kind == FP_ROLE_POOL_ADMIN) {
    struct fp_pool p;
    int rc = fp_store_pool_get(c, x.pool, &p);
    if (rc == FP_ENOTFOUND) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "pool_id", "pool %lld does not exist", (long long)x.pool);
      return;
    }
    if (rc) {
      fp_reply_store_error(r, rc);
      return;
    }
  }
  if (!admin) {
    bool ok = false;
    int rc = pool_admin_of_practice(c, &r->auth, x.org, &ok);
    if (rc) {
      fp_reply_store_error(r, rc);
      return;
    }
    if (!ok) {
      fp_reply_error(r, FP_API_FORBIDDEN, "organisation_id", "practice %lld is not a member of a pool you administer",
                     (long long)x.org);
      return;
    }
  }
  /* Refuse a taken address before spending time on the hash (checked again in the transaction). */
  if (fp_email_free_or_respond(r, c, x.email)) return;
  int rc;
  if (password && fp_password_check_or_respond(r, "password", password, x.email, x.name)) return;
  char generated[48] = "";
  if (!password) {
    unsigned char unused[FP_TOKEN_HASH_LEN];
    char token[48];
    fp_token_new(token, unused);
    snprintf(generated, sizeof generated, "%.20s", token);
    sodium_memzero(token, sizeof token);
    password = generated;
  }
  char hash[160];
  if ((rc = fp_password_hash(password, hash, sizeof hash)) != 0) {
    sodium_memzero(generated, sizeof generated);
    fp_reply_store_error(r, rc);
    return;
  }
  x.hash = hash;
  rc = fp_store_write(r->app->store, create_tx, &x);
  if (rc == 1 && x.email_taken) {
    sodium_memzero(generated, sizeof generated);
    fp_reply_error(r, FP_API_EMAIL_TAKEN, "email", "there is already an account for '%s'", x.email);
    return;
  }
  struct fp_user u;
  if (rc == 0) rc = fp_store_user_by_id(c, x.id, &u);
  if (rc) {
    sodium_memzero(generated, sizeof generated);
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *body = json_pack("{s:o}", "user", user_json(c, &u));
  if (generated[0]) json_object_set_new(body, "one_time_password", json_string(generated));
  sodium_memzero(generated, sizeof generated);
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  fp_reply_json(r, 201, body);
}

static void add_user(const struct fp_user *u, void *ctx) {
  struct fp_page *page = ctx;
  fp_page_add(page, user_json(page->ctx, u), 0, u->id);
}

void fp_h_user_list(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, "only a system administrator can list users")) return;
  static const char *const SORTS[] = {"name", "email", "newest", NULL};
  struct fp_list_params lp;
  if (fp_list_params_or_respond(r, SORTS, &lp)) return;
  struct fp_user_query q = {.q = lp.q, .active = -1, .sort = (enum fp_user_sort)lp.sort, .limit = lp.limit,
                            .after = lp.after};
  if (fp_query_bool_or_respond(r, "active", &q.active)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page page;
  fp_page_init(&page, c);
  bool more = false;
  struct fp_list_pos last = {0};
  int rc = c ? fp_store_user_list(c, &q, add_user, &page, &more, &last) : FP_EIO;
  fp_reply_list(r, &page, rc, more, &lp, &last);
}

/* GET /api/v1/users/{id}: one user with their roles (system administrator). */
void fp_h_user_get(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, "only a system administrator can read users")) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_user u;
  int rc = c ? fp_store_user_by_id(c, r->params[0], &u) : FP_EIO;
  if (fp_found_or_respond(r, rc, "user", r->params[0])) return;
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  fp_reply_json(r, 200, user_json(c, &u));
}

struct patch_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t target; /* the user */
  const char *name;
  bool active, has_active;
  struct fp_refusal why; /* out, with FP_EREFUSED */
};

static int patch_tx(struct fp_conn *c, void *vctx) {
  struct patch_ctx *x = vctx;
  int64_t id = x->target;
  struct fp_user u;
  int rc = fp_store_user_by_id(c, id, &u);
  if (rc) return rc;
  /* Erased: only the pseudonym is left, and it is never an account again. */
  if (u.erased_at)
    return fp_refuse(&x->why, FP_API_INVALID_STATE, x->has_active ? "active" : "name", id,
                     "this account was closed and its personal data erased under the retention schedule: it cannot be"
                     " changed or opened again (create a new account instead)");
  json_t *before = json_pack("{s:s, s:b}", "name", u.name, "active", u.active);
  if (x->name && (rc = fp_store_user_set_name(c, id, x->name)) != 0) goto out;
  const char *action = "user.update";
  if (x->has_active && x->active != u.active) {
    if ((rc = fp_store_user_set_active(c, id, x->active, x->actor.now)) != 0) goto out;
    action = x->active ? "user.activate" : "user.deactivate";
  }
  /* A deactivated user is signed out everywhere at once, not at their next idle timeout. */
  if (x->has_active && !x->active && (rc = fp_store_sessions_delete_for_user(c, id, 0)) != 0) goto out;
  /* And a clinician's pending offers are withdrawn: they cannot take them any more. */
  if (x->has_active && !x->active) {
    int64_t clinician_id = 0;
    char profession[48];
    if ((rc = fp_store_clinician_of_user(c, id, &clinician_id, profession, sizeof profession)) != 0 ||
        (rc = fp_store_offers_withdraw_all_to(c, clinician_id, x->actor.user_id, x->actor.now)) != 0)
      goto out;
  }
  json_t *after = json_pack("{s:s, s:b}", "name", x->name ? x->name : u.name, "active", x->has_active ? x->active : u.active);
  char *b = json_dumps(before, JSON_COMPACT), *a = json_dumps(after, JSON_COMPACT);
  json_decref(after);
  rc = fp_store_audit(c, x->actor.now, x->actor.user_id, action, "user", id, b, a);
  free(b);
  free(a);
out:
  json_decref(before);
  return rc;
}

void fp_h_user_patch(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, "only a system administrator can change users")) return;
  struct patch_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  x.target = r->params[0];
  struct fp_field spec[] = {
      {"active", FP_F_BOOL, false, 0, 0, NULL, &x.active, &x.has_active},
      {"name", FP_F_STRING, false, 1, 200, NULL, &x.name, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (x.has_active && !x.active && r->params[0] == r->auth.user_id) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "active", "you cannot deactivate your own account");
    return;
  }
  int rc = fp_store_write(r->app->store, patch_tx, &x);
  if (rc == FP_EREFUSED) {
    fp_reply_refusal(r, &x.why);
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_user u;
  if (rc == 0) rc = c ? fp_store_user_by_id(c, r->params[0], &u) : FP_EIO;
  if (fp_found_or_respond(r, rc, "user", r->params[0])) return;
  fp_reply_json(r, 200, user_json(c, &u));
}
