/*
 * Changing one's email address, confirmed from the new address (issue 12):
 *   POST /api/v1/me/email-changes {email, current_password}: 202; emails the new address a link,
 *     /email-change?token=..., that works once and for 24 hours; nothing changes yet. 403
 *     wrong_password without the account's current password (someone at an unlocked screen
 *     cannot take the account over); 409 email_taken when another account uses the address (as
 *     registering would say); 400 invalid_field when it is the account's own. Throttled like
 *     password resets (per new address and per client address).
 *   POST /api/v1/email-changes/{token}: 204; the account's address is the new one from now on, and
 *     the old address is told (an email it can act on if it was not its owner). 410 token_expired
 *     for a link used or more than 24 hours old, 404 for one never issued, 409 email_taken when
 *     another account took the address meanwhile.
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
#include "store/account_tokens.h"
#include "store/accounts.h"
#include "store/outbox.h"

#define CHANGE_SECONDS 86400
#define CHANGE_MAX_PER_EMAIL 5
#define CHANGE_EMAIL_WINDOW 3600

struct request_ctx {
  int64_t user_id;
  char email[256];
  char token[48];
  unsigned char hash[FP_TOKEN_HASH_LEN];
  char email_key[300], addr_key[80];
  int64_t now;
};

static int request_tx(struct fp_conn *c, void *vctx) {
  struct request_ctx *x = vctx;
  int rc = fp_store_account_request_add(c, x->email_key, x->now);
  if (!rc) rc = fp_store_account_request_add(c, x->addr_key, x->now);
  if (!rc) rc = fp_store_account_token_insert(c, FP_TOKEN_EMAIL_CHANGE, x->hash, sizeof x->hash, x->user_id, x->email,
                                              x->now, x->now + CHANGE_SECONDS);
  if (rc) return rc;
  char link[96];
  snprintf(link, sizeof link, "/email-change?token=%s", x->token);
  return fp_store_email(c, x->user_id, x->email, "Confirm your new flexpool email address",
                        "Someone signed in to flexpool asked to use this email address for their account.\n\n"
                        "To confirm it, open the link below within 24 hours. Until then the account keeps its old address.\n\n"
                        "If it was not you, ignore this email: nothing changes.",
                        link, true, x->now);
}

void fp_h_email_change_request(struct fp_req *r) {
  const char *email = NULL, *current = NULL;
  struct fp_field spec[] = {
      FP_FIELD_EMAIL("email", &email),
      FP_FIELD_PASSWORD("current_password", &current),
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct fp_user u;
  if (fp_me_with_password_or_respond(r, current, &u)) return;
  static __thread struct request_ctx x;
  memset(&x, 0, sizeof x);
  size_t i = 0;
  for (; email[i] && i + 1 < sizeof x.email; i++) x.email[i] = (char)tolower((unsigned char)email[i]);
  x.email[i] = 0;
  if (strcmp(x.email, u.email) == 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "email", "that is already the account's email address");
    return;
  }
  if (fp_email_free_or_respond(r, fp_store_reader(r->app->store), x.email)) return;
  snprintf(x.email_key, sizeof x.email_key, "change-email:%s", x.email);
  snprintf(x.addr_key, sizeof x.addr_key, "change-addr:%s", r->client_addr);
  if (fp_account_requests_throttled_or_respond(r, x.email_key, CHANGE_MAX_PER_EMAIL, CHANGE_EMAIL_WINDOW, "email changes to this address"))
    return;
  const struct fp_http_config *cfg = &r->app->cfg;
  if (fp_account_requests_throttled_or_respond(r, x.addr_key, cfg->login_max_per_address, cfg->login_window_seconds,
                           "email changes from this address"))
    return;
  x.user_id = u.id;
  x.now = r->now;
  fp_token_new(x.token, x.hash);
  int rc = fp_store_write(r->app->store, request_tx, &x);
  sodium_memzero(x.token, sizeof x.token);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 202, json_pack("{s:s, s:s}", "message",
                                  "a link to confirm the new address has been sent to it; until it is opened the account keeps its address",
                                  "email", x.email));
}

struct use_ctx {
  unsigned char hash[FP_TOKEN_HASH_LEN];
  int64_t now;
  enum fp_account_token_state state;
  int64_t user_id;
  char new_email[256];
  bool taken;
};

/* Spends the token, changes the address and tells the old one, in one transaction. */
static int use_tx(struct fp_conn *c, void *vctx) {
  struct use_ctx *x = vctx;
  x->taken = false;
  int rc = fp_store_account_token_take(c, FP_TOKEN_EMAIL_CHANGE, x->hash, sizeof x->hash, x->now, &x->state,
                                       &x->user_id, x->new_email, sizeof x->new_email);
  if (rc) return rc;
  if (x->state != FP_TOKEN_VALID) return FP_EREFUSED;
  struct fp_user u;
  rc = fp_store_user_by_id(c, x->user_id, &u);
  if (rc) return rc;
  if (!u.active) {
    x->state = FP_TOKEN_SPENT;
    return FP_EREFUSED;
  }
  rc = fp_store_user_set_email(c, x->user_id, x->new_email);
  if (rc == FP_ECONFLICT) {
    x->taken = true;
    return FP_EREFUSED;
  }
  if (rc) return rc;
  char text[FP_MSG_TEXT_MAX + 1];
  snprintf(text, sizeof text,
           "The email address of your flexpool account has been changed to %s, confirmed from that address.\n\n"
           "If it was not you, contact your pool administrator now: they can deactivate the account.",
           x->new_email);
  rc = fp_store_email(c, x->user_id, u.email, "Your flexpool email address has changed", text, "", false, x->now);
  if (!rc) {
    json_t *jb = json_pack("{s:s}", "email", u.email), *ja = json_pack("{s:s}", "email", x->new_email);
    char *before = jb ? json_dumps(jb, JSON_COMPACT) : NULL, *after = ja ? json_dumps(ja, JSON_COMPACT) : NULL;
    json_decref(jb);
    json_decref(ja);
    rc = before && after ? fp_store_audit(c, x->now, x->user_id, "user.email", "user", x->user_id, before, after) : FP_ENOMEM;
    free(before);
    free(after);
  }
  return rc;
}

void fp_h_email_change_confirm(struct fp_req *r) {
  if (r->body_len && fp_req_json_or_respond(r)) return;
  if (r->json) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  }
  static __thread struct use_ctx x;
  memset(&x, 0, sizeof x);
  x.now = r->now;
  fp_token_hash(fp_route_token(r->path), x.hash);
  int rc = fp_store_write(r->app->store, use_tx, &x);
  if (rc == FP_EREFUSED && x.taken) {
    fp_reply_error(r, FP_API_EMAIL_TAKEN, NULL, "another account now uses '%s'", x.new_email);
    return;
  }
  if (rc == FP_EREFUSED && x.state == FP_TOKEN_UNKNOWN) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no such email change link");
    return;
  }
  fp_reply_link_used(r, rc);
}
