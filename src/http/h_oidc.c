/*
 * Sign-in through an OpenID Connect provider (NHS CIS2; issue 15, docs/OIDC.md):
 *   GET /api/v1/oidc/authorization: starts one. A state, a nonce and a PKCE verifier are made and
 *     kept in the database (another server may take the callback) with the hash of a binding cookie
 *     set on this browser (SameSite=Lax, ten minutes); the browser is sent to the provider (302).
 *   GET /api/v1/oidc/callback: the provider sends the browser back here. The state is taken once,
 *     only by the browser that started it and within ten minutes; the code is exchanged, the ID
 *     token checked (http/oidc.h) and the identity found among the linked ones, or linked now by an
 *     email the provider says it verified that matches an active account. Then the session cookie
 *     and a redirect to /, or (when the account has a second factor and the provider's acr is not
 *     one of --oidc-mfa-acr) to the code step; a refusal redirects to /?oidc_error=CODE and sets no
 *     session. Roles are never taken from the provider: only flexpool's own.
 *   GET /api/v1/users/{id}/identities, POST /api/v1/users/{id}/identities {subject},
 *   POST /api/v1/users/{id}/identities/removal {subject}: the system administrator lists, links and
 *     unlinks an account's identities at the configured provider (audited oidc.link, oidc.unlink).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "core/oidc.h"
#include "http/auth.h"
#include "http/oidc.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/mfa.h"
#include "store/oidc.h"

#define BINDING_COOKIE "fp_oidc"

static void redirect(struct fp_req *r, const char *location) {
  fp_req_add_header(r, "Location", location);
  fp_req_add_header(r, "Cache-Control", "no-store");
  fp_reply_text(r, 303, "text/plain; charset=utf-8", strdup("See Other\n"), 10);
}

static void refuse(struct fp_req *r, enum fp_oidc_refusal why, const char *detail) {
  fprintf(stderr, "oidc: sign-in refused (%s)%s%s\n", fp_oidc_refusal_code(why), detail && *detail ? ": " : "",
          detail ? detail : "");
  char loc[96];
  snprintf(loc, sizeof loc, "/?oidc_error=%s", fp_oidc_refusal_code(why));
  redirect(r, loc);
}

static void callback_url(struct fp_req *r, char *out, size_t len) {
  const char *base = r->app->cfg.public_url ? r->app->cfg.public_url : "";
  size_t bl = strlen(base);
  snprintf(out, len, "%.*s/api/v1/oidc/callback", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base);
}

static int configured_or_respond(struct fp_req *r) {
  if (r->app->cfg.oidc) return 0;
  fp_reply_error(r, FP_API_NOT_FOUND, NULL, "sign-in through an identity provider is not set up on this server");
  return -1;
}

struct start_ctx {
  unsigned char state_hash[FP_OIDC_HASH_LEN];
  struct fp_oidc_request req;
  int64_t now;
};

static int start_tx(struct fp_conn *c, void *v) {
  struct start_ctx *x = v;
  return fp_store_oidc_request_add(c, x->state_hash, &x->req, x->now);
}

void fp_h_oidc_authorization(struct fp_req *r) {
  if (configured_or_respond(r)) return;
  struct start_ctx x = {.now = r->now};
  char state[48], binding[48];
  unsigned char unused[FP_TOKEN_HASH_LEN];
  fp_token_new(state, x.state_hash);
  fp_token_new(binding, x.req.binding_hash);
  fp_token_new(x.req.nonce, unused);
  fp_token_new(x.req.verifier, unused);
  /* RFC 7636 S256: BASE64URL(SHA256(verifier)), without padding. */
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, (const unsigned char *)x.req.verifier, strlen(x.req.verifier));
  char challenge[64];
  sodium_bin2base64(challenge, sizeof challenge, digest, sizeof digest, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char back[400];
  callback_url(r, back, sizeof back);
  char *url = NULL;
  enum fp_oidc_refusal why = fp_oidc_authorization_url(r->app->cfg.oidc, back, state, x.req.nonce, challenge, &url);
  if (why != FP_OIDC_OK) {
    refuse(r, why, NULL);
    return;
  }
  int rc = fp_store_write(r->app->store, start_tx, &x);
  if (rc) {
    free(url);
    fp_reply_store_error(r, rc);
    return;
  }
  char cookie[160];
  snprintf(cookie, sizeof cookie, "%s=%s; Path=/api/v1/oidc; Max-Age=%d; Secure; HttpOnly; SameSite=Lax", BINDING_COOKIE,
           binding, FP_OIDC_REQUEST_SECONDS);
  fp_req_add_header(r, "Set-Cookie", cookie);
  fp_req_add_header(r, "Location", url);
  fp_req_add_header(r, "Cache-Control", "no-store");
  free(url);
  fp_reply_text(r, 302, "text/plain; charset=utf-8", strdup("Found\n"), 6);
  sodium_memzero(&x, sizeof x);
}

struct take_ctx {
  unsigned char state_hash[FP_OIDC_HASH_LEN];
  struct fp_oidc_request req;
  int64_t now;
  bool found;
};

static int take_tx(struct fp_conn *c, void *v) {
  struct take_ctx *x = v;
  int rc = fp_store_oidc_request_take(c, x->state_hash, x->now, &x->req);
  x->found = rc == 0;
  return rc == FP_ENOTFOUND ? 0 : rc;
}

struct link_ctx {
  const char *issuer;
  const struct fp_oidc_person *p;
  int64_t now, user_id;
  enum fp_oidc_refusal refusal;
};

/* The account of the identity, linked now by a verified email when it is linked to none and the
   account has no identity of this provider's yet (an account's identity is never replaced this way). */
static int link_tx(struct fp_conn *c, void *v) {
  struct link_ctx *x = v;
  x->refusal = FP_OIDC_OK;
  int64_t uid = 0;
  int rc = fp_store_oidc_identity_find(c, x->issuer, x->p->subject, &uid);
  if (rc == FP_ENOTFOUND) {
    if (!x->p->email_verified || !x->p->email[0]) {
      x->refusal = FP_OIDC_NO_ACCOUNT;
      return 0;
    }
    struct fp_user u;
    rc = fp_store_user_by_email(c, x->p->email, &u);
    sodium_memzero(u.password_hash, sizeof u.password_hash);
    if (rc == FP_ENOTFOUND) {
      x->refusal = FP_OIDC_NO_ACCOUNT;
      return 0;
    }
    if (rc) return rc;
    bool any = false;
    if ((rc = fp_store_oidc_identity_any(c, x->issuer, u.id, &any)) != 0) return rc;
    if (any || !u.active) {
      x->refusal = any ? FP_OIDC_NO_ACCOUNT : FP_OIDC_ACCOUNT_INACTIVE;
      return 0;
    }
    if ((rc = fp_store_oidc_identity_link(c, x->issuer, x->p->subject, u.id, 0, x->now)) != 0) return rc;
    uid = u.id;
  } else if (rc) {
    return rc;
  } else {
    /* Linked already: the account must still be open (decided here, for both ways of finding it). */
    struct fp_user u;
    rc = fp_store_user_by_id(c, uid, &u);
    sodium_memzero(u.password_hash, sizeof u.password_hash);
    if (rc) return rc;
    if (!u.active) {
      x->refusal = FP_OIDC_ACCOUNT_INACTIVE;
      return 0;
    }
  }
  x->user_id = uid;
  return fp_store_oidc_identity_used(c, x->issuer, x->p->subject, x->now);
}

void fp_h_oidc_callback(struct fp_req *r) {
  if (configured_or_respond(r)) return;
  struct fp_oidc *o = r->app->cfg.oidc;
  const char *state = fp_req_query(r, "state"), *code = fp_req_query(r, "code"), *error = fp_req_query(r, "error");
  const char *binding = fp_req_cookie(r, BINDING_COOKIE);
  /* The binding cookie has done its work, whatever happens next. */
  fp_req_add_header(r, "Set-Cookie", BINDING_COOKIE "=; Path=/api/v1/oidc; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
  if (!state || !*state || strlen(state) > 128) {
    refuse(r, FP_OIDC_STATE, "no state");
    return;
  }
  struct take_ctx t = {.now = r->now};
  fp_token_hash(state, t.state_hash);
  int rc = fp_store_write(r->app->store, take_tx, &t);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  unsigned char bh[FP_TOKEN_HASH_LEN];
  if (binding && strlen(binding) <= 128) fp_token_hash(binding, bh);
  if (!t.found || !binding || strlen(binding) > 128 || sodium_memcmp(bh, t.req.binding_hash, sizeof bh) != 0) {
    refuse(r, FP_OIDC_STATE, !t.found ? "the state is unknown, taken already or expired" : "another browser's state");
    return;
  }
  if (error || !code || !*code || strlen(code) > 2048) {
    refuse(r, FP_OIDC_PROVIDER_REFUSED, error ? "the provider answered with an error" : "no code");
    return;
  }
  char back[400];
  callback_url(r, back, sizeof back);
  struct fp_oidc_person p;
  char detail[300] = "";
  enum fp_oidc_refusal why = fp_oidc_finish(o, code, back, t.req.verifier, t.req.nonce, r->now, &p, detail, sizeof detail);
  sodium_memzero(&t, sizeof t);
  if (why != FP_OIDC_OK) {
    refuse(r, why, detail);
    return;
  }
  struct link_ctx l = {.issuer = fp_oidc_issuer(o), .p = &p, .now = r->now};
  if ((rc = fp_store_write(r->app->store, link_tx, &l)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (l.refusal != FP_OIDC_OK) {
    refuse(r, l.refusal, NULL);
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_user u;
  bool second = false;
  rc = c ? fp_store_user_by_id(c, l.user_id, &u) : FP_EIO;
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  if (!rc) rc = fp_store_totp_enabled(c, u.id, &second);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (r->app->cfg.oidc_match_org_code) {
    char ours[FP_MAX_ROLES][16];
    int n_ours = 0;
    if ((rc = fp_store_user_org_codes(c, u.id, ours, FP_MAX_ROLES, &n_ours)) != 0) {
      fp_reply_store_error(r, rc);
      return;
    }
    const char *a[FP_OIDC_ORG_CODES_MAX], *b[FP_MAX_ROLES];
    for (int i = 0; i < p.n_org_codes; i++) a[i] = p.org_codes[i];
    for (int i = 0; i < n_ours; i++) b[i] = ours[i];
    if (p.org_codes_over) {
      refuse(r, FP_OIDC_ORG_MISMATCH, "the person has more CIS2 roles than flexpool matches (64)");
      return;
    }
    if (!fp_oidc_org_matches(a, (size_t)p.n_org_codes, b, (size_t)n_ours)) {
      refuse(r, FP_OIDC_ORG_MISMATCH, "no CIS2 role at an organisation of the account's roles");
      return;
    }
  }
  if (second && !p.mfa) {
    /* The provider's sign-in is one factor: the account's own second one is asked for next. */
    char token[48];
    if ((rc = fp_mfa_challenge_begin(r, u.id, token)) != 0) {
      fp_reply_store_error(r, rc);
      return;
    }
    char loc[128];
    snprintf(loc, sizeof loc, "/sign-in/code#mfa_token=%s", token);
    sodium_memzero(token, sizeof token);
    redirect(r, loc);
    return;
  }
  rc = fp_session_start_cookie(r, &u, p.mfa ? FP_VIA_PROVIDER_MFA : FP_VIA_PROVIDER,
                               p.mfa ? "{\"via\":\"oidc\",\"second_factor\":\"provider\"}" : "{\"via\":\"oidc\"}");
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  redirect(r, "/");
}

/* ---- the system administrator's links ---- */

static void identity_json(const struct fp_oidc_identity *id, void *ctx) {
  json_array_append_new(ctx, json_pack("{s:s, s:s, s:o, s:o, s:o}", "issuer", id->issuer, "subject", id->subject, "linked_at",
                                       fp_json_time(id->linked_at), "linked_by", fp_json_id(id->linked_by), "last_used_at",
                                       fp_json_time_or_null(id->last_used_at)));
}

/* A system administrator, on a server with a provider, about user {id} who exists: else answered, -1. */
static int admin_of_user_or_respond(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, "only a system administrator links identities to accounts")) return -1;
  if (configured_or_respond(r)) return -1;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_user u;
  int rc = c ? fp_store_user_by_id(c, r->params[0], &u) : FP_EIO;
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  return fp_found_or_respond(r, rc, "user", r->params[0]);
}

/* Answers status with {items: the identities of user_id}. */
static void reply_identities(struct fp_req *r, int64_t user_id, int status) {
  json_t *items = json_array();
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_oidc_identities_of(c, user_id, identity_json, items) : FP_EIO;
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, status, json_pack("{s:o}", "items", items));
}

void fp_h_user_identities(struct fp_req *r) {
  if (admin_of_user_or_respond(r)) return;
  reply_identities(r, r->params[0], 200);
}

struct admin_link_ctx {
  struct fp_actor actor;
  int64_t user_id;
  const char *issuer, *subject;
  bool unlink;
};

static int admin_link_tx(struct fp_conn *c, void *v) {
  struct admin_link_ctx *x = v;
  if (x->unlink) return fp_store_oidc_identity_unlink(c, x->issuer, x->subject, x->user_id, x->actor.user_id, x->actor.now);
  return fp_store_oidc_identity_link(c, x->issuer, x->subject, x->user_id, x->actor.user_id, x->actor.now);
}

/* The body's subject: 1 to 255 printable ASCII characters (OpenID Connect Core 1.0 section 2). */
static int subject_or_respond(struct fp_req *r, const char **subject) {
  struct fp_field spec[] = {
      {"subject", FP_F_STRING, true, 1, FP_OIDC_SUBJECT_MAX, NULL, subject, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return -1;
  for (const char *p = *subject; *p; p++)
    if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "subject", "a subject is printable ASCII without spaces, as the provider gives it");
      return -1;
    }
  return 0;
}

static void admin_link(struct fp_req *r, bool unlink) {
  if (admin_of_user_or_respond(r)) return;
  struct admin_link_ctx x = {.user_id = r->params[0], .issuer = fp_oidc_issuer(r->app->cfg.oidc), .unlink = unlink};
  if (subject_or_respond(r, &x.subject)) return;
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  int rc = fp_store_write(r->app->store, admin_link_tx, &x);
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_CONFLICT, "subject", "this identity is linked to an account already: unlink it there first");
    return;
  }
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, "subject", "this identity is not linked to this account");
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (unlink) fp_reply_empty(r);
  else reply_identities(r, x.user_id, 201);
}

void fp_h_user_identity_link(struct fp_req *r) { admin_link(r, false); }
void fp_h_user_identity_unlink(struct fp_req *r) { admin_link(r, true); }
