/*
 * The signed-in user's TOTP second factor (RFC 6238):
 *   POST /api/v1/me/totp: starts setting it up; 201 {secret, otpauth_uri} - the secret is shown
 *     this once (as base32 text to type, and as the otpauth:// URI an authenticator app reads).
 *   POST /api/v1/me/totp/confirmation {code}: a code from the app confirms it; 200
 *     {recovery_codes}: ten single-use codes for when the phone is lost, shown this once (only
 *     their hashes are kept). From then on, sign-in asks for a code after the password.
 *   POST /api/v1/me/totp/removal {code | recovery_code}: removes it.
 * Offered to system administrators (who must have one: until then they may only set it up),
 * pool administrators and commissioners; never to the demo's documented accounts. Wrong codes
 * count against the sign-in throttle of the account.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "http/auth.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "http/totp.h"
#include "store/accounts.h"
#include "store/mfa.h"

static int offered_or_respond(struct fp_req *r) {
  if (fp_mfa_offered(&r->auth)) return 0;
  if (r->auth.demo_account)
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "the demo's accounts stay one password away: no second factor here");
  else
    fp_reply_error(r, FP_API_FORBIDDEN, NULL,
                   "a second factor is offered to system administrators, pool administrators and commissioners");
  return -1;
}

struct begin_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  const char *secret;
};

static int begin_tx(struct fp_conn *c, void *vctx) {
  struct begin_ctx *x = vctx;
  return fp_store_totp_begin(c, x->actor.user_id, x->secret, x->actor.now);
}

void fp_h_totp_begin(struct fp_req *r) {
  if (offered_or_respond(r)) return;
  if (r->auth.mfa_enabled) {
    fp_reply_error(r, FP_API_CONFLICT, NULL, "a second factor is set up already: remove it first to set up another");
    return;
  }
  struct fp_user u;
  if (fp_me_or_respond(r, &u)) return;
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  char secret[FP_MFA_SECRET_MAX];
  if (fp_totp_secret_new(secret, sizeof secret) != 0) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  struct begin_ctx x = {.secret = secret};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  int rc = fp_store_write(r->app->store, begin_tx, &x);
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_CONFLICT, NULL, "a second factor is set up already: remove it first to set up another");
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  char uri[1024];
  fp_totp_uri(secret, u.email, uri, sizeof uri);
  fp_reply_json(r, 201, json_pack("{s:s, s:s, s:i, s:i, s:s}", "secret", secret, "otpauth_uri", uri, "digits",
                                  FP_TOTP_DIGITS, "period", FP_TOTP_STEP, "algorithm", "SHA1"));
  sodium_memzero(secret, sizeof secret);
  sodium_memzero(uri, sizeof uri);
}

/* The user's email (for the throttle) into email; answers and returns -1 on a store failure. */
static int email_or_respond(struct fp_req *r, char *email, size_t len) {
  struct fp_user u;
  if (fp_me_or_respond(r, &u)) return -1;
  snprintf(email, len, "%s", u.email);
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  return 0;
}

struct confirm_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t step;
  unsigned char hashes[FP_RECOVERY_CODES][FP_RECOVERY_HASH_LEN];
};

static int confirm_tx(struct fp_conn *c, void *vctx) {
  struct confirm_ctx *x = vctx;
  int64_t uid = x->actor.user_id;
  int rc = fp_store_totp_enable(c, uid, x->step, x->actor.now);
  if (rc) return rc;
  if ((rc = fp_store_recovery_codes_replace(c, uid, (const unsigned char(*)[FP_RECOVERY_HASH_LEN])x->hashes,
                                            FP_RECOVERY_CODES, x->actor.now)) != 0)
    return rc;
  return fp_store_audit(c, x->actor.now, uid, "user.totp_enable", "user", uid, NULL, NULL);
}

void fp_h_totp_confirm(struct fp_req *r) {
  if (offered_or_respond(r)) return;
  const char *code = NULL;
  struct fp_field spec[] = {
      {"code", FP_F_STRING, true, 1, 16, NULL, &code, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  char email[256];
  if (email_or_respond(r, email, sizeof email)) return;
  if (fp_code_throttled_or_respond(r, email)) return;
  struct fp_totp t;
  int rc = fp_store_totp_get(c, r->auth.user_id, &t);
  if (rc == FP_ENOTFOUND || (rc == 0 && t.enabled)) {
    fp_reply_error(r, FP_API_INVALID_STATE, NULL,
                   rc == 0 ? "the second factor is set up already" : "start with POST /api/v1/me/totp");
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct confirm_ctx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  bool ok = fp_totp_match(t.secret, r->now, 0, code, &x.step);
  sodium_memzero(t.secret, sizeof t.secret);
  if (!ok) {
    fp_code_failure_record(r, email);
    fp_reply_error(r, FP_API_WRONG_CODE, "code", "the code is not right: check the time on the phone and try the newest code");
    return;
  }
  char codes[FP_RECOVERY_CODES][FP_RECOVERY_CODE_LEN + 1];
  for (int i = 0; i < FP_RECOVERY_CODES; i++) {
    fp_recovery_code_new(codes[i]);
    fp_recovery_code_hash(codes[i], x.hashes[i]);
  }
  rc = fp_store_write(r->app->store, confirm_tx, &x);
  if (rc == FP_ECONFLICT) {
    sodium_memzero(codes, sizeof codes);
    fp_reply_error(r, FP_API_INVALID_STATE, NULL, "the second factor is set up already");
    return;
  }
  if (rc) {
    sodium_memzero(codes, sizeof codes);
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *list = json_array();
  for (int i = 0; i < FP_RECOVERY_CODES; i++) json_array_append_new(list, json_string(codes[i]));
  sodium_memzero(codes, sizeof codes);
  fp_reply_json(r, 200, json_pack("{s:o, s:b}", "recovery_codes", list, "mfa_enabled", 1));
}

struct remove_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  int64_t step;
  const unsigned char *recovery;
};

static int remove_tx(struct fp_conn *c, void *vctx) {
  struct remove_ctx *x = vctx;
  int64_t uid = x->actor.user_id;
  int rc = x->recovery ? fp_store_recovery_code_use(c, uid, x->recovery, x->actor.now) : fp_store_totp_use_step(c, uid, x->step);
  if (rc == FP_ENOTFOUND || rc == FP_ECONFLICT) return 1;
  if (rc) return rc;
  if ((rc = fp_store_totp_delete(c, uid)) != 0) return rc;
  return fp_store_audit(c, x->actor.now, uid, "user.totp_remove", "user", uid, NULL, NULL);
}

void fp_h_totp_remove(struct fp_req *r) {
  const char *code = NULL, *recovery = NULL;
  struct fp_field spec[] = {
      FP_SECOND_FACTOR_FIELDS(&code, &recovery),
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (fp_second_factor_one_or_respond(r, code, recovery)) return;
  if (!r->auth.mfa_enabled) {
    fp_reply_error(r, FP_API_INVALID_STATE, NULL, "there is no second factor to remove");
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  char email[256];
  if (email_or_respond(r, email, sizeof email)) return;
  if (fp_code_throttled_or_respond(r, email)) return;
  struct remove_ctx x = {0};
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  unsigned char recovery_hash[FP_RECOVERY_HASH_LEN];
  bool ok = false;
  int rc = fp_second_factor_check(c, r->auth.user_id, r->now, code, recovery, recovery_hash, &x.recovery, &x.step, &ok);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  rc = ok ? fp_store_write(r->app->store, remove_tx, &x) : 1;
  if (rc == 1) {
    fp_code_failure_record(r, email);
    fp_reply_error(r, FP_API_WRONG_CODE, recovery ? "recovery_code" : "code", "the code is not right");
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_empty(r);
}
