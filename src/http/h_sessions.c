/*
 * Sessions and the signed-in user's own account:
 *   POST /api/v1/sessions {email, password}: signs in (throttled per account and per address);
 *     201 {token, user, csrf_token} and the session cookie; or, when the account has a second
 *     factor, 202 {mfa_required: true, mfa_token} and no session yet.
 *   POST /api/v1/sessions/second-factor {mfa_token, code | recovery_code}: the second step, within
 *     five minutes of the first; throttled like the password; 201 as a sign-in.
 *   DELETE /api/v1/sessions/current: signs out.
 *   GET /api/v1/me: who is signed in, with roles and what the account owes.
 *   PUT /api/v1/me/password {current_password, new_password}.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/error.h"
#include "http/auth.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "http/totp.h"
#include "store/accounts.h"
#include "store/mfa.h"

/* How long the second step of a sign-in may wait for its code. */
#define MFA_CHALLENGE_SECONDS 300

static json_t *me_json(const struct fp_user *u, const struct fp_auth *a) {
  json_t *roles = json_array();
  for (int i = 0; i < a->n_roles; i++) {
    json_t *ro = json_pack("{s:s, s:o, s:o}", "role", fp_role_name(a->roles[i].kind), "organisation_id",
                           fp_json_id(a->roles[i].organisation_id), "pool_id", fp_json_id(a->roles[i].pool_id));
    json_array_append_new(roles, ro);
  }
  return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:b, s:b, s:b, s:b}", "id", (json_int_t)u->id, "email", u->email,
                   "name", u->name, "roles", roles, "clinician_id", fp_json_id(a->clinician_id), "profession",
                   fp_json_str_or_null(a->profession), "password_change_required", a->must_change_password,
                   "mfa_enabled", a->mfa_enabled, "mfa_offered", fp_mfa_offered(a), "mfa_enrolment_required",
                   a->mfa_enrolment_required);
}

struct signin_ctx {
  const char *email, *address;
  int64_t now, user_id, session_id;
  /* The second step: the challenge to remove and the factor to spend (a TOTP step or a recovery code). */
  const unsigned char *challenge;
  int64_t step;
  const unsigned char *recovery;
  bool factor_spent;
  const char *audit_after; /* how the person proved who they are, when not by password (the audit's after) */
  enum fp_session_via via;
  unsigned char hash[FP_TOKEN_HASH_LEN];
  char csrf[48];
};

static int record_failure_tx(struct fp_conn *c, void *vctx) {
  struct signin_ctx *x = vctx;
  return fp_store_login_failure_add(c, x->email, x->address, x->now);
}

static int create_session_tx(struct fp_conn *c, void *vctx) {
  struct signin_ctx *x = vctx;
  int rc;
  const char *after = x->audit_after;
  if (x->challenge) {
    /* Spend the factor here, in the transaction that creates the session: a code is taken once. */
    rc = x->recovery ? fp_store_recovery_code_use(c, x->user_id, x->recovery, x->now)
                     : fp_store_totp_use_step(c, x->user_id, x->step);
    if (rc == FP_ENOTFOUND || rc == FP_ECONFLICT) return 1; /* taken meanwhile: refused */
    if (rc) return rc;
    x->factor_spent = true;
    if ((rc = fp_store_mfa_challenge_delete(c, x->challenge, FP_TOKEN_HASH_LEN, x->now - MFA_CHALLENGE_SECONDS)) != 0)
      return rc;
    if (x->via == FP_VIA_PASSWORD) after = x->recovery ? "{\"second_factor\":\"recovery_code\"}" : "{\"second_factor\":\"totp\"}";
    else after = x->recovery ? "{\"via\":\"oidc\",\"second_factor\":\"recovery_code\"}" : "{\"via\":\"oidc\",\"second_factor\":\"totp\"}";
  }
  rc = fp_store_login_failures_clear(c, x->email);
  if (rc) return rc;
  rc = fp_store_session_insert(c, x->hash, sizeof x->hash, x->user_id, x->csrf, x->via, x->now, &x->session_id);
  if (rc) return rc;
  return fp_store_audit(c, x->now, x->user_id, "session.create", "user", x->user_id, NULL, after);
}

/* 429 with Retry-After when the account or the address has failed too often lately. */
static int throttled_or_respond(struct fp_req *r, struct fp_conn *c, const char *email) {
  struct fp_http_app *app = r->app;
  int n_acc = 0, n_addr = 0;
  int64_t old_acc = 0, old_addr = 0;
  int64_t since = r->now - app->cfg.login_window_seconds;
  if (fp_store_login_failures(c, email, r->client_addr, since, &n_acc, &n_addr, &old_acc, &old_addr) != 0) {
    fp_reply_store_error(r, FP_EIO);
    return -1;
  }
  if (n_acc >= app->cfg.login_max_per_account || n_addr >= app->cfg.login_max_per_address) {
    int64_t oldest = n_acc >= app->cfg.login_max_per_account ? old_acc : old_addr;
    fp_reply_throttled(r, oldest, app->cfg.login_window_seconds, "failed sign-ins");
    return -1;
  }
  return 0;
}

int fp_code_throttled_or_respond(struct fp_req *r, const char *email) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_store_error(r, FP_EIO);
    return -1;
  }
  return throttled_or_respond(r, c, email);
}

void fp_code_failure_record(struct fp_req *r, const char *email) {
  struct signin_ctx x = {.email = email, .address = r->client_addr, .now = r->now};
  fp_store_write(r->app->store, record_failure_tx, &x);
}

/* Creates the session of x (user_id, email; for a second step its factor) and its cookie on the
   answer: 0, 1 (the factor was taken meanwhile) or an FP_E code. The token into token. */
static int session_with_cookie(struct fp_req *r, const struct fp_user *u, struct signin_ctx *x, char token[48]) {
  fp_token_new(token, x->hash);
  char csrf_raw[48];
  unsigned char unused[FP_TOKEN_HASH_LEN];
  fp_token_new(csrf_raw, unused);
  snprintf(x->csrf, sizeof x->csrf, "%s", csrf_raw);
  x->user_id = u->id;
  int rc = fp_store_write(r->app->store, create_session_tx, x);
  if (rc) return rc;
  char cookie[160];
  snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict", FP_COOKIE_NAME, token);
  fp_req_add_header(r, "Set-Cookie", cookie);
  return 0;
}

int fp_session_start_cookie(struct fp_req *r, const struct fp_user *u, enum fp_session_via via, const char *audit_after) {
  struct signin_ctx x = {.email = u->email, .address = r->client_addr, .now = r->now, .audit_after = audit_after, .via = via};
  char token[48];
  int rc = session_with_cookie(r, u, &x, token);
  sodium_memzero(token, sizeof token);
  return rc == 1 ? FP_EIO : rc;
}

/* Creates the session of x (user_id, email; for a second step its factor) and answers 201. */
static void start_session(struct fp_req *r, const struct fp_user *u, struct signin_ctx *x) {
  struct fp_http_app *app = r->app;
  char token[48];
  int rc = session_with_cookie(r, u, x, token);
  if (rc == 1) {
    fp_store_write(app->store, record_failure_tx, x);
    fp_reply_error(r, FP_API_INVALID_CREDENTIALS, "code", "the code is not right (a code is taken once)");
    return;
  }
  if (rc != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct fp_auth a;
  memset(&a, 0, sizeof a);
  if ((rc = fp_auth_load_user(r, u->id, &a)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_auth_apply_via(&a, x->via); /* as every later request of this session will see it */
  fp_reply_json(r, 201, json_pack("{s:s, s:s, s:o, s:i}", "token", token, "csrf_token", x->csrf, "user", me_json(u, &a),
                                  "idle_timeout_seconds", app->cfg.session_idle_seconds));
}

static int challenge_tx(struct fp_conn *c, void *vctx) {
  struct signin_ctx *x = vctx;
  /* Old challenges go as new ones come (a challenge lives MFA_CHALLENGE_SECONDS). */
  int rc = fp_store_mfa_challenge_delete(c, x->hash, sizeof x->hash, x->now - MFA_CHALLENGE_SECONDS);
  if (rc) return rc;
  return fp_store_mfa_challenge_insert(c, x->hash, sizeof x->hash, x->user_id, x->via, x->now);
}

int fp_mfa_challenge_begin(struct fp_req *r, int64_t user_id, char token[48]) {
  struct signin_ctx x = {.address = r->client_addr, .now = r->now, .user_id = user_id, .via = FP_VIA_PROVIDER};
  fp_token_new(token, x.hash);
  return fp_store_write(r->app->store, challenge_tx, &x);
}

/* Whether user_id holds a role that signs in through the provider only (--oidc-required-for, a mask
   of 1 << fp_role_kind). */
static int provider_only_account(struct fp_conn *c, unsigned mask, int64_t user_id, bool *out) {
  *out = false;
  if (!mask) return 0;
  struct fp_role_row rows[FP_MAX_ROLES];
  int n = 0;
  int rc = fp_store_roles_of(c, user_id, rows, FP_MAX_ROLES, &n);
  if (rc) return rc;
  for (int i = 0; i < n; i++) {
    enum fp_role_kind k;
    if (fp_role_parse(rows[i].role, &k) == 0 && (mask & (1u << k))) *out = true;
  }
  return 0;
}

void fp_h_session_create(struct fp_req *r) {
  const char *email = NULL, *password = NULL;
  struct fp_field spec[] = {
      {"email", FP_F_STRING, true, 1, 254, NULL, &email, NULL},
      FP_FIELD_PASSWORD("password", &password),
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct fp_http_app *app = r->app;
  struct fp_conn *c = fp_store_reader(app->store);
  if (!c) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  if (throttled_or_respond(r, c, email)) return;
  struct fp_user u;
  int rc = fp_store_user_by_email(c, email, &u);
  if (rc && rc != FP_ENOTFOUND) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct signin_ctx x = {.email = email, .address = r->client_addr, .now = r->now};
  bool ok = false;
  if (rc == FP_ENOTFOUND) fp_password_burn(password);
  else ok = fp_password_verify(u.password_hash, password) && u.active;
  if (!ok) {
    fp_store_write(app->store, record_failure_tx, &x);
    fp_reply_error(r, FP_API_INVALID_CREDENTIALS, NULL, "the email address or password is not right");
    return;
  }
  bool provider_only = false;
  if ((rc = provider_only_account(c, app->cfg.oidc_required_roles, u.id, &provider_only)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (provider_only) {
    /* Counted as a failure all the same: a password that opens nothing is still not to be guessed. */
    fp_store_write(app->store, record_failure_tx, &x);
    fp_reply_error(r, FP_API_OIDC_REQUIRED, NULL,
                   "your role signs in through NHS CIS2 only: use 'Sign in with NHS CIS2' on the sign-in page");
    return;
  }
  bool second = false;
  if ((rc = fp_store_totp_enabled(c, u.id, &second)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (!second) {
    start_session(r, &u, &x);
    return;
  }
  /* The password was right; the session waits for the code. Failures are not cleared yet, so
     guessing codes counts against the same throttle as guessing passwords. */
  char token[48];
  fp_token_new(token, x.hash);
  x.user_id = u.id;
  if ((rc = fp_store_write(app->store, challenge_tx, &x)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 202, json_pack("{s:b, s:s, s:i}", "mfa_required", 1, "mfa_token", token, "expires_in_seconds",
                                  MFA_CHALLENGE_SECONDS));
  sodium_memzero(token, sizeof token);
}

void fp_h_session_second_factor(struct fp_req *r) {
  const char *token = NULL, *code = NULL, *recovery = NULL;
  struct fp_field spec[] = {
      {"mfa_token", FP_F_STRING, true, 1, 64, NULL, &token, NULL},
      FP_SECOND_FACTOR_FIELDS(&code, &recovery),
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (fp_second_factor_one_or_respond(r, code, recovery)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  unsigned char challenge[FP_TOKEN_HASH_LEN];
  fp_token_hash(token, challenge);
  int64_t uid = 0;
  enum fp_session_via via = FP_VIA_PASSWORD;
  int rc = fp_store_mfa_challenge_find(c, challenge, sizeof challenge, r->now - MFA_CHALLENGE_SECONDS, &uid, &via);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_INVALID_CREDENTIALS, "mfa_token", "this sign-in has expired: sign in again");
    return;
  }
  struct fp_user u;
  if (rc == 0) rc = fp_store_user_by_id(c, uid, &u);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (throttled_or_respond(r, c, u.email)) return;
  struct signin_ctx x = {.email = u.email, .address = r->client_addr, .now = r->now, .challenge = challenge, .via = via};
  unsigned char recovery_hash[FP_RECOVERY_HASH_LEN];
  bool ok = false;
  rc = fp_second_factor_check(c, uid, r->now, code, recovery, recovery_hash, &x.recovery, &x.step, &ok);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (!ok) {
    fp_store_write(r->app->store, record_failure_tx, &x);
    fp_reply_error(r, FP_API_INVALID_CREDENTIALS, "code", "the code is not right");
    return;
  }
  start_session(r, &u, &x);
}

/* Signing out: a write transaction given who acts (their session), never the request. */
static int delete_session_tx(struct fp_conn *c, void *vctx) {
  const struct fp_actor *a = vctx;
  int rc = fp_store_session_delete(c, a->session_id);
  if (rc) return rc;
  return fp_store_audit(c, a->now, a->user_id, "session.delete", "user", a->user_id, NULL, NULL);
}

void fp_h_session_delete(struct fp_req *r) {
  struct fp_actor actor;
  fp_actor_from_auth(&r->auth, r->now, &actor);
  int rc = fp_store_write(r->app->store, delete_session_tx, &actor);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  char cookie[128];
  snprintf(cookie, sizeof cookie, "%s=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict", FP_COOKIE_NAME);
  fp_req_add_header(r, "Set-Cookie", cookie);
  fp_reply_empty(r);
}

/* The signed-in account as GET /me tells it (with the CSRF token) into *out; 0 or an FP_E code. */
static int me_full(struct fp_req *r, json_t **out) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_user u;
  int rc = c ? fp_store_user_by_id(c, r->auth.user_id, &u) : FP_EIO;
  if (rc) return rc;
  json_t *j = me_json(&u, &r->auth);
  json_object_set_new(j, "csrf_token", json_string(r->auth.csrf));
  if (r->auth.mfa_enabled) {
    int left = 0;
    if ((rc = fp_store_recovery_codes_left(c, r->auth.user_id, &left)) != 0) {
      json_decref(j);
      return rc;
    }
    json_object_set_new(j, "recovery_codes_left", json_integer(left));
  }
  *out = j;
  return 0;
}

void fp_h_me(struct fp_req *r) {
  json_t *j = NULL;
  int rc = me_full(r, &j);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, j);
}

/*
 * GET /sessions/current: whether this request carries a live session, answered 200 either way (so
 * that a page asking "is anyone signed in?" meets no error), with the idle time after which a session
 * ends (--session-idle, for the pages' words) and whether staff may sign in through an OpenID Connect
 * provider (--oidc-issuer: the sign-in page offers it); when it does, the account as GET /me tells
 * it. Asking counts as activity, as any request.
 */
void fp_h_session_current(struct fp_req *r) {
  int idle = r->app->cfg.session_idle_seconds;
  int oidc = r->app->cfg.oidc != NULL;
  if (r->auth.user_id == 0) {
    fp_reply_json(r, 200, json_pack("{s:b, s:i, s:b}", "signed_in", 0, "idle_timeout_seconds", idle, "oidc_sign_in", oidc));
    return;
  }
  json_t *j = NULL;
  int rc = me_full(r, &j);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, json_pack("{s:b, s:i, s:b, s:o}", "signed_in", 1, "idle_timeout_seconds", idle, "oidc_sign_in", oidc,
                                  "user", j));
}

struct password_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  const char *hash;
};

static int password_tx(struct fp_conn *c, void *vctx) {
  struct password_ctx *x = vctx;
  int rc = fp_store_user_set_password(c, x->actor.user_id, x->hash);
  if (rc) return rc;
  /* Other sessions of this user end: a changed password should lock out whoever else had it. */
  rc = fp_store_sessions_delete_for_user(c, x->actor.user_id, x->actor.session_id);
  if (rc) return rc;
  return fp_store_audit(c, x->actor.now, x->actor.user_id, "user.password", "user", x->actor.user_id, NULL, NULL);
}

void fp_h_me_password(struct fp_req *r) {
  const char *current = NULL, *next = NULL;
  struct fp_field spec[] = {
      FP_FIELD_PASSWORD("current_password", &current),
      FP_FIELD_PASSWORD("new_password", &next),
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct fp_user u;
  if (fp_me_with_password_or_respond(r, current, &u)) return;
  if (strcmp(current, next) == 0) {
    fp_reply_error(r, FP_API_WEAK_PASSWORD, "new_password", "the new password must differ from the current one");
    return;
  }
  if (fp_password_check_or_respond(r, "new_password", next, u.email, u.name)) return;
  char hash[160];
  if (fp_password_hash(next, hash, sizeof hash) != 0) {
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  struct password_ctx x = {.hash = hash};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  int rc = fp_store_write(r->app->store, password_tx, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_empty(r);
}
