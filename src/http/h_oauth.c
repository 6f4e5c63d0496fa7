/*
 * h_oauth.c - POST /oauth/token: OAuth 2.0 client credentials (RFC 6749 4.4) for the FHIR API's
 * clients (docs/FHIR.md). The body is form-encoded; the client authenticates with HTTP Basic
 * (client_secret_basic, its id and secret form-encoded first, RFC 6749 2.3.1) or with client_id and
 * client_secret in the body (client_secret_post), never both. The answer is an opaque bearer token
 * of 256 random bits, kept only as its hash (store/fhir.h, shared by every server), valid
 * FP_FHIR_TOKEN_SECONDS, with the scopes asked for (all the client's when none are), accepted under
 * /fhir/r4/ alone. Errors are RFC 6749 5.2's: {"error", "error_description"}.
 */
#include "http/fhir.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fhir.h"
#include "http/auth.h"
#include "http/form.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/fhir.h"

void fp_oauth_reply_error(struct fp_req *r, int status, const char *code, const char *description) {
  char clean[512];
  fp_utf8_clean(description ? description : "", 480, clean, sizeof clean);
  fp_req_add_header(r, "Pragma", "no-cache");
  fp_reply_json(r, status, json_pack("{s:s, s:s}", "error", code, "error_description", clean));
}

/* The Basic credentials of the request, decoded into id and secret: 1 when given and well formed,
   0 when not given, -1 when given and malformed. */
static int basic_credentials(struct fp_req *r, char *id, size_t idlen, char *secret, size_t slen) {
  const char *authz = fp_req_header(r, "Authorization");
  if (!authz) return 0;
  if (strncasecmp(authz, "Basic ", 6) != 0) return -1;
  char raw[512];
  size_t n = 0;
  const char *b64 = authz + 6;
  if (strlen(b64) > 600 ||
      sodium_base642bin((unsigned char *)raw, sizeof raw - 1, b64, strlen(b64), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
    return -1;
  raw[n] = 0;
  if (memchr(raw, 0, n)) return -1;
  char *colon = strchr(raw, ':');
  if (!colon) return -1;
  *colon = 0;
  if (fp_form_decode(raw) || fp_form_decode(colon + 1)) return -1;
  if (strlen(raw) >= idlen || strlen(colon + 1) >= slen) return -1;
  strcpy(id, raw);
  strcpy(secret, colon + 1);
  sodium_memzero(raw, sizeof raw);
  return 1;
}

struct issue_tx {
  unsigned char hash[FP_TOKEN_HASH_LEN];
  int64_t client, now;
  unsigned scopes;
  const char *key; /* the client's throttle key, whose failures a success clears */
};

static int issue_tx_fn(struct fp_conn *c, void *ctx) {
  struct issue_tx *x = ctx;
  int rc = fp_store_login_failures_clear(c, x->key);
  return rc ? rc : fp_store_fhir_token_issue(c, x->hash, x->client, x->scopes, x->now);
}

/* Failed client authentications count as failed sign-ins do (store/accounts.h), under the key
   "oauth:<client id>" (no email address holds a colon before its @) and the caller's address
   written "oauth:<address>": a system that keeps failing from a practice's address holds up
   systems from there, never the people signing in from it (nor they it). */
static void address_key(const struct fp_req *r, char *out, size_t len) { snprintf(out, len, "oauth:%s", r->client_addr); }

struct failure_tx {
  const char *key, *address;
  int64_t now;
};

static int failure_tx_fn(struct fp_conn *c, void *ctx) {
  struct failure_tx *x = ctx;
  return fp_store_login_failure_add(c, x->key, x->address, x->now);
}

/* 429 (with Retry-After) when the client id or the address has failed too often lately: 0 or -1. */
static int throttled_or_respond(struct fp_req *r, struct fp_conn *c, const char *key) {
  const struct fp_http_config *cfg = &r->app->cfg;
  int n_key = 0, n_addr = 0;
  int64_t old_key = 0, old_addr = 0;
  char address[80];
  address_key(r, address, sizeof address);
  if (fp_store_login_failures(c, key, address, r->now - cfg->login_window_seconds, &n_key, &n_addr, &old_key, &old_addr)) {
    fp_oauth_reply_error(r, 503, "temporarily_unavailable", "the store is not available");
    return -1;
  }
  if (n_key < cfg->login_max_per_account && n_addr < cfg->login_max_per_address) return 0;
  int64_t wait = (n_key >= cfg->login_max_per_account ? old_key : old_addr) + cfg->login_window_seconds - r->now;
  if (wait < 1) wait = 1;
  char ra[24], why[120];
  snprintf(ra, sizeof ra, "%lld", (long long)wait);
  snprintf(why, sizeof why, "too many failed client authentications; try again in %lld seconds", (long long)wait);
  fp_req_add_header(r, "Retry-After", ra);
  fp_oauth_reply_error(r, 429, "temporarily_unavailable", why);
  return -1;
}

void fp_h_oauth_token(struct fp_req *r) {
  const char *type = fp_req_header(r, "Content-Type");
  if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0 || (type[33] && type[33] != ';' && type[33] != ' ')) {
    fp_oauth_reply_error(r, 400, "invalid_request", "the body is application/x-www-form-urlencoded");
    return;
  }
  struct fp_form f;
  if (fp_form_parse(r->body ? r->body : "", r->body_len, &f) != 0) {
    fp_oauth_reply_error(r, 400, "invalid_request", "the body is not a form this server reads");
    return;
  }
  int n_grant, n_scope, n_id, n_secret;
  const char *grant = fp_form_get(&f, "grant_type", &n_grant), *scope = fp_form_get(&f, "scope", &n_scope);
  const char *post_id = fp_form_get(&f, "client_id", &n_id), *post_secret = fp_form_get(&f, "client_secret", &n_secret);
  char id[FP_FHIR_CLIENT_ID_MAX + 1] = "", secret[256] = "";
  int basic = basic_credentials(r, id, sizeof id, secret, sizeof secret);
  if (n_grant > 1 || n_scope > 1 || n_id > 1 || n_secret > 1) {
    fp_oauth_reply_error(r, 400, "invalid_request", "a parameter is given more than once");
    goto out;
  }
  if (!grant) {
    fp_oauth_reply_error(r, 400, "invalid_request", "grant_type is required");
    goto out;
  }
  if (basic && post_secret) {
    fp_oauth_reply_error(r, 400, "invalid_request", "the client authenticates one way: HTTP Basic or client_secret, not both");
    goto out;
  }
  if (basic == 0 && post_id && post_secret && strlen(post_id) < sizeof id && strlen(post_secret) < sizeof secret) {
    strcpy(id, post_id);
    strcpy(secret, post_secret);
  } else if (basic == 0 || basic < 0 || (basic && post_id && strcmp(post_id, id) != 0)) {
    fp_req_add_header(r, "WWW-Authenticate", "Basic realm=\"flexpool\"");
    fp_oauth_reply_error(r, 401, "invalid_client", "the client is not authenticated (client_secret_basic or client_secret_post)");
    goto out;
  }
  if (strcmp(grant, "client_credentials") != 0) {
    fp_oauth_reply_error(r, 400, "unsupported_grant_type", "this server grants client_credentials only");
    goto out;
  }
  unsigned char hash[FP_FHIR_HASH_LEN];
  fp_fhir_secret_hash(secret, hash);
  struct fp_conn *c = fp_store_reader(r->app->store);
  char key[FP_FHIR_CLIENT_ID_MAX + 8];
  snprintf(key, sizeof key, "oauth:%s", id);
  if (!c) {
    fp_oauth_reply_error(r, 503, "temporarily_unavailable", "the store is not available");
    goto out;
  }
  if (throttled_or_respond(r, c, key)) goto out;
  struct fp_fhir_client cl;
  int rc = fp_store_fhir_client_check(c, id, hash, &cl);
  if (rc == FP_ENOTFOUND) {
    char address[80];
    address_key(r, address, sizeof address);
    struct failure_tx fx = {key, address, r->now};
    if (fp_store_write(r->app->store, failure_tx_fn, &fx) != 0) {
      fp_oauth_reply_error(r, 503, "temporarily_unavailable", "the store is not available");
      goto out;
    }
    fp_req_add_header(r, "WWW-Authenticate", "Basic realm=\"flexpool\"");
    fp_oauth_reply_error(r, 401, "invalid_client", "the client id or secret is not right, or the client was deactivated");
    goto out;
  }
  if (rc) {
    fp_oauth_reply_error(r, 503, "temporarily_unavailable", "the store is not available");
    goto out;
  }
  unsigned want = cl.scopes;
  if (scope) {
    const char *bad = NULL;
    size_t bad_len = 0;
    if (fp_fhir_scopes_parse(scope, &want, &bad, &bad_len) != 0) {
      char why[200];
      snprintf(why, sizeof why, "the scope '%.*s' is not one this server grants", (int)(bad_len > 80 ? 80 : bad_len), bad);
      fp_oauth_reply_error(r, 400, "invalid_scope", why);
      goto out;
    }
    if (want & ~cl.scopes) {
      fp_oauth_reply_error(r, 400, "invalid_scope", "the client may not be granted every scope asked for");
      goto out;
    }
  }
  if (!want) {
    fp_oauth_reply_error(r, 400, "invalid_scope", "no scope asked for, and the client holds none");
    goto out;
  }
  char token[48];
  struct issue_tx x = {.client = cl.id, .now = r->now, .scopes = want, .key = key};
  fp_token_new(token, x.hash);
  rc = fp_store_write(r->app->store, issue_tx_fn, &x);
  if (rc) {
    sodium_memzero(token, sizeof token);
    fp_oauth_reply_error(r, 503, "temporarily_unavailable", "the store could not keep the token: try again");
    goto out;
  }
  char scopes[400];
  fp_fhir_scopes_text(want, scopes, sizeof scopes);
  fp_req_add_header(r, "Pragma", "no-cache");
  fp_reply_json(r, 200, json_pack("{s:s, s:s, s:i, s:s}", "access_token", token, "token_type", "Bearer", "expires_in",
                                  FP_FHIR_TOKEN_SECONDS, "scope", scopes));
  sodium_memzero(token, sizeof token);
out:
  sodium_memzero(secret, sizeof secret);
  fp_form_free(&f);
}
