/*
 * Forgotten passwords (issue 12; the two requests are pinned, outside tools rely on them):
 *   POST /api/v1/password-resets {email}: 202 whether or not an account uses the address, with the
 *     same work done either way (a token made and hashed, one write transaction), so neither the
 *     answer nor its time says whether the account exists. When an active account does, it is
 *     emailed a link, /password-reset?token=..., that works once and for 60 minutes; only the
 *     token's hash is stored (store/account_tokens.h) and the outbox row holding the link is secret
 *     (wiped once sent). Throttled per email address (5 an hour, counted whether or not an account
 *     uses it) and per client address (--login-max-per-address in --login-window): 429 with
 *     Retry-After.
 *   POST /api/v1/password-resets/{token} {password}: 204; the account's password is the new one
 *     (held to the password rule, auth.h), every session of the account ends, every other link of
 *     the account stops working; 410 token_expired for a link used or older than 60 minutes, 404
 *     for one never issued.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "http/auth.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/account_tokens.h"
#include "store/accounts.h"
#include "store/outbox.h"

#define RESET_SECONDS 3600
#define RESET_MAX_PER_EMAIL 5
#define RESET_EMAIL_WINDOW 3600

struct request_ctx {
  const char *email;
  char email_key[300], addr_key[80];
  char token[48];
  unsigned char hash[FP_TOKEN_HASH_LEN];
  int64_t now;
};

/* Counts the request, and for an active account stores the token and writes the email. */
static int request_tx(struct fp_conn *c, void *vctx) {
  struct request_ctx *x = vctx;
  int rc = fp_store_account_request_add(c, x->email_key, x->now);
  if (!rc) rc = fp_store_account_request_add(c, x->addr_key, x->now);
  if (rc) return rc;
  struct fp_user u;
  rc = fp_store_user_by_email(c, x->email, &u);
  if (rc == FP_ENOTFOUND || (rc == 0 && !u.active)) return 0; /* the same answer: nobody to tell */
  if (rc) return rc;
  rc = fp_store_account_token_insert(c, FP_TOKEN_PASSWORD_RESET, x->hash, sizeof x->hash, u.id, NULL, x->now,
                                     x->now + RESET_SECONDS);
  if (rc) return rc;
  char link[96];
  snprintf(link, sizeof link, "/password-reset?token=%s", x->token);
  return fp_store_email(c, u.id, u.email, "Reset your flexpool password",
                        "Someone asked to reset the password of the flexpool account that uses this email address.\n\n"
                        "To choose a new password, open the link below within 60 minutes. It works once.\n\n"
                        "If it was not you, ignore this email: your password has not changed.",
                        link, true, x->now);
}

void fp_h_password_reset_request(struct fp_req *r) {
  struct request_ctx x;
  memset(&x, 0, sizeof x);
  struct fp_field spec[] = {
      FP_FIELD_EMAIL("email", &x.email),
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  char lower[256];
  size_t i = 0;
  for (; x.email[i] && i + 1 < sizeof lower; i++)
    lower[i] = (char)(x.email[i] >= 'A' && x.email[i] <= 'Z' ? x.email[i] + 32 : x.email[i]);
  lower[i] = 0;
  snprintf(x.email_key, sizeof x.email_key, "reset-email:%s", lower);
  snprintf(x.addr_key, sizeof x.addr_key, "reset-addr:%s", r->client_addr);
  if (fp_account_requests_throttled_or_respond(r, x.email_key, RESET_MAX_PER_EMAIL, RESET_EMAIL_WINDOW, "password reset requests for this email address"))
    return;
  const struct fp_http_config *cfg = &r->app->cfg;
  if (fp_account_requests_throttled_or_respond(r, x.addr_key, cfg->login_max_per_address, cfg->login_window_seconds,
                           "password reset requests from this address"))
    return;
  fp_token_new(x.token, x.hash);
  x.now = r->now;
  int rc = fp_store_write(r->app->store, request_tx, &x);
  sodium_memzero(x.token, sizeof x.token);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 202, json_pack("{s:s}", "message",
                                  "if an account uses that email address, a link to reset its password has been sent to it"));
}

struct use_ctx {
  unsigned char hash[FP_TOKEN_HASH_LEN];
  const char *password_hash;
  int64_t now;
  enum fp_account_token_state state;
  int64_t user_id;
};

/* Spends the token and, when it was good, sets the password and ends every session of the account. */
static int use_tx(struct fp_conn *c, void *vctx) {
  struct use_ctx *x = vctx;
  int rc = fp_store_account_token_take(c, FP_TOKEN_PASSWORD_RESET, x->hash, sizeof x->hash, x->now, &x->state,
                                       &x->user_id, NULL, 0);
  if (rc) return rc;
  if (x->state != FP_TOKEN_VALID) return FP_EREFUSED;
  rc = fp_store_user_set_password(c, x->user_id, x->password_hash);
  if (!rc) rc = fp_store_sessions_delete_for_user(c, x->user_id, 0);
  if (!rc) rc = fp_store_audit(c, x->now, x->user_id, "user.password_reset", "user", x->user_id, NULL, NULL);
  return rc;
}

void fp_h_password_reset_use(struct fp_req *r) {
  const char *password = NULL;
  struct fp_field spec[] = {
      FP_FIELD_PASSWORD("password", &password),
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct use_ctx x;
  memset(&x, 0, sizeof x);
  x.now = r->now;
  fp_token_hash(fp_route_token(r->path), x.hash);
  /* Whose it is, first (a read): the new password is held to the rule against that account's
     email and name. The write below decides again whether the link still works. */
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_user u;
  int rc = c ? fp_store_account_token_peek(c, FP_TOKEN_PASSWORD_RESET, x.hash, sizeof x.hash, x.now, &x.state, &x.user_id)
             : FP_EIO;
  if (!rc && x.state == FP_TOKEN_VALID) rc = fp_store_user_by_id(c, x.user_id, &u);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (x.state == FP_TOKEN_VALID && !u.active) x.state = FP_TOKEN_SPENT;
  if (x.state == FP_TOKEN_UNKNOWN) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no such password reset link");
    return;
  }
  if (x.state == FP_TOKEN_SPENT) {
    fp_reply_link_spent(r);
    return;
  }
  if (fp_password_check_or_respond(r, "password", password, u.email, u.name)) return;
  char hash[160];
  if (fp_password_hash(password, hash, sizeof hash) != 0) {
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  x.password_hash = hash;
  fp_reply_link_used(r, fp_store_write(r->app->store, use_tx, &x));
}
