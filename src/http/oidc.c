/* flexpool as an OpenID Connect relying party. See oidc.h. */
#include "http/oidc.h"

#include <cjose/cjose.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define RESPONSE_MAX (256 * 1024) /* a discovery document, a key set, a token or UserInfo answer */
#define MAX_KEYS 16               /* keys in the provider's set: more are refused, never cut */
#define MAX_ALGS 16
#define DISCOVERY_SECONDS 3600    /* discovery is fetched again after an hour */
#define KEYS_REFETCH_SECONDS 60   /* an unknown kid fetches the keys again at most once a minute */
#define CALL_SECONDS 10

struct key {
  cjose_jwk_t *jwk;
  char kid[128];
  char use[8];
  char alg[16];
};

struct fp_oidc {
  char *issuer, *client_id, *client_secret, *mfa_acr;
  int64_t leeway;
  bool loopback_http; /* the issuer is http:// on loopback: its endpoints may be too */
  cjose_jwk_t *client_key;
  const char *client_alg;
  pthread_mutex_t mu;
  /* Discovery (under mu). */
  int64_t discovered_at;
  char *auth_ep, *token_ep, *userinfo_ep, *jwks_uri;
  char *algs[MAX_ALGS];
  size_t n_algs;
  /* The provider's keys (under mu; a key in use is retained). */
  struct key keys[MAX_KEYS];
  int n_keys;
  int64_t keys_at;
};

static void say(char *out, size_t len, const char *fmt, const char *a) {
  if (out && len) snprintf(out, len, fmt, a ? a : "");
}

/* ---- addresses ---- */

static bool loopback_host(const char *host) {
  return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0;
}

/* https://, or http:// on loopback when allowed; no credentials in it. */
static bool url_ok(const char *url, bool loopback_http) {
  if (!url) return false;
  CURLU *h = curl_url();
  if (!h) return false;
  char *scheme = NULL, *host = NULL, *user = NULL;
  bool ok = curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK && curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
            curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
            curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_NO_USER &&
            (strcasecmp(scheme, "https") == 0 || (loopback_http && strcasecmp(scheme, "http") == 0 && loopback_host(host)));
  curl_free(scheme);
  curl_free(host);
  curl_free(user);
  curl_url_cleanup(h);
  return ok;
}

/* ---- calls to the provider ---- */

struct body {
  char *p;
  size_t n;
  bool over;
};

static size_t on_data(char *d, size_t sz, size_t nm, void *u) {
  struct body *b = u;
  size_t len = sz * nm;
  if (b->n + len > RESPONSE_MAX) {
    b->over = true;
    return 0;
  }
  char *p = realloc(b->p, b->n + len + 1);
  if (!p) return 0;
  memcpy(p + b->n, d, len);
  b->p = p;
  b->n += len;
  p[b->n] = 0;
  return len;
}

/*
 * One call: GET url (form NULL) or POST the form; bearer and basic (user:password, each already
 * form-encoded) may be NULL. 0 with the answer's JSON object in *out and its status in *status;
 * -1 with the reason in detail.
 */
static int call(const struct fp_oidc *o, const char *url, const char *form, const char *bearer, const char *user,
                const char *password, long *status, json_t **out, char *detail, size_t dl) {
  *out = NULL;
  if (!url_ok(url, o->loopback_http)) {
    say(detail, dl, "the provider named an endpoint that is not https:// (%.200s)", url);
    return -1;
  }
  CURL *cu = curl_easy_init();
  if (!cu) return -1;
  struct body b = {0};
  struct curl_slist *hs = curl_slist_append(NULL, "Accept: application/json");
  if (bearer) {
    /* libcurl's own Bearer authentication: the token whole, whatever its length. */
    curl_easy_setopt(cu, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
    curl_easy_setopt(cu, CURLOPT_XOAUTH2_BEARER, bearer);
  }
  curl_easy_setopt(cu, CURLOPT_URL, url);
  curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(cu, CURLOPT_TIMEOUT, (long)CALL_SECONDS);
  curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
  if (form) curl_easy_setopt(cu, CURLOPT_POSTFIELDS, form);
  if (user) {
    curl_easy_setopt(cu, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(cu, CURLOPT_USERNAME, user);
    curl_easy_setopt(cu, CURLOPT_PASSWORD, password);
  }
  CURLcode rc = curl_easy_perform(cu);
  *status = 0;
  curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all(hs);
  curl_easy_cleanup(cu);
  if (rc != CURLE_OK) {
    say(detail, dl, b.over ? "the provider's answer was larger than 256 KiB (%s)" : "the provider could not be reached (%s)",
        curl_easy_strerror(rc));
    free(b.p);
    return -1;
  }
  json_t *j = b.p ? json_loadb(b.p, b.n, JSON_REJECT_DUPLICATES, NULL) : NULL;
  free(b.p);
  if (!json_is_object(j)) {
    json_decref(j);
    say(detail, dl, "the provider's answer from %.200s was not a JSON object", url);
    return -1;
  }
  *out = j;
  return 0;
}

/* value form-encoded into a new string (curl_free it). */
static char *esc(const char *v) { return curl_easy_escape(NULL, v ? v : "", 0); }

/* ---- discovery ---- */

static void discovery_clear(struct fp_oidc *o) {
  free(o->auth_ep), free(o->token_ep), free(o->userinfo_ep), free(o->jwks_uri);
  o->auth_ep = o->token_ep = o->userinfo_ep = o->jwks_uri = NULL;
  for (size_t i = 0; i < o->n_algs; i++) free(o->algs[i]);
  o->n_algs = 0;
}

static char *dup_str(json_t *j, const char *k) {
  const char *s = json_string_value(json_object_get(j, k));
  return s ? strdup(s) : NULL;
}

/* Discovery fetched when never or over an hour ago: 0, or -1 with the reason. */
static int discover(struct fp_oidc *o, int64_t now, char *detail, size_t dl) {
  pthread_mutex_lock(&o->mu);
  bool fresh = o->discovered_at && now - o->discovered_at < DISCOVERY_SECONDS;
  pthread_mutex_unlock(&o->mu);
  if (fresh) return 0;
  size_t il = strlen(o->issuer);
  char url[600];
  snprintf(url, sizeof url, "%.*s/.well-known/openid-configuration", (int)(il && o->issuer[il - 1] == '/' ? il - 1 : il),
           o->issuer);
  long status = 0;
  json_t *d = NULL;
  if (call(o, url, NULL, NULL, NULL, NULL, &status, &d, detail, dl) != 0) return -1;
  int rc = -1;
  json_t *algs = json_object_get(d, "id_token_signing_alg_values_supported");
  if (status != 200) say(detail, dl, "discovery answered %s", status == 404 ? "404" : "an error");
  else if (!json_is_string(json_object_get(d, "issuer")) || strcmp(json_string_value(json_object_get(d, "issuer")), o->issuer) != 0)
    say(detail, dl, "discovery's issuer is not exactly --oidc-issuer %s", o->issuer);
  else if (!json_is_string(json_object_get(d, "authorization_endpoint")) || !json_is_string(json_object_get(d, "token_endpoint")) ||
           !json_is_string(json_object_get(d, "jwks_uri")))
    say(detail, dl, "discovery names no authorization, token or keys endpoint%s", "");
  else if (algs && (!json_is_array(algs) || json_array_size(algs) > MAX_ALGS))
    say(detail, dl, "discovery's id_token_signing_alg_values_supported is not a list of at most 16%s", "");
  else {
    pthread_mutex_lock(&o->mu);
    discovery_clear(o);
    o->auth_ep = dup_str(d, "authorization_endpoint");
    o->token_ep = dup_str(d, "token_endpoint");
    o->userinfo_ep = dup_str(d, "userinfo_endpoint");
    o->jwks_uri = dup_str(d, "jwks_uri");
    if (algs) {
      size_t i;
      json_t *a;
      json_array_foreach(algs, i, a) if (json_is_string(a)) o->algs[o->n_algs++] = strdup(json_string_value(a));
    } else {
      o->algs[o->n_algs++] = strdup("RS256"); /* the default OpenID Connect Discovery 1.0 gives */
    }
    o->discovered_at = now;
    pthread_mutex_unlock(&o->mu);
    rc = 0;
  }
  json_decref(d);
  return rc;
}

/* A copy of one discovered value (under the lock), or "" */
static void discovered(struct fp_oidc *o, char *const *field, char *out, size_t len) {
  pthread_mutex_lock(&o->mu);
  snprintf(out, len, "%s", *field ? *field : "");
  pthread_mutex_unlock(&o->mu);
}

/* ---- keys ---- */

static void keys_clear(struct fp_oidc *o) {
  for (int i = 0; i < o->n_keys; i++) cjose_jwk_release(o->keys[i].jwk);
  o->n_keys = 0;
}

/* The provider's key set fetched again: 0, or -1 with the reason. */
static int fetch_keys(struct fp_oidc *o, int64_t now, char *detail, size_t dl) {
  char uri[1024];
  discovered(o, &o->jwks_uri, uri, sizeof uri);
  pthread_mutex_lock(&o->mu);
  o->keys_at = now; /* tried now, whatever comes of it: at most once a minute */
  pthread_mutex_unlock(&o->mu);
  long status = 0;
  json_t *set = NULL;
  if (call(o, uri, NULL, NULL, NULL, NULL, &status, &set, detail, dl) != 0) return -1;
  json_t *keys = json_object_get(set, "keys");
  if (status != 200 || !json_is_array(keys) || json_array_size(keys) > MAX_KEYS) {
    say(detail, dl, "the provider's key set is not a list of at most 16 keys%s", "");
    json_decref(set);
    return -1;
  }
  struct key got[MAX_KEYS];
  int n = 0;
  size_t i;
  json_t *k;
  json_array_foreach(keys, i, k) {
    char *text = json_dumps(k, JSON_COMPACT);
    cjose_err err;
    cjose_jwk_t *jwk = text ? cjose_jwk_import(text, strlen(text), &err) : NULL;
    free(text);
    if (!jwk) continue; /* a key of a kind libcjose does not know is no key to verify with */
    struct key *g = &got[n++];
    memset(g, 0, sizeof *g);
    g->jwk = jwk;
    snprintf(g->kid, sizeof g->kid, "%s", json_string_value(json_object_get(k, "kid")) ? json_string_value(json_object_get(k, "kid")) : "");
    snprintf(g->use, sizeof g->use, "%s", json_string_value(json_object_get(k, "use")) ? json_string_value(json_object_get(k, "use")) : "");
    snprintf(g->alg, sizeof g->alg, "%s", json_string_value(json_object_get(k, "alg")) ? json_string_value(json_object_get(k, "alg")) : "");
  }
  json_decref(set);
  pthread_mutex_lock(&o->mu);
  keys_clear(o);
  memcpy(o->keys, got, sizeof got[0] * (size_t)n);
  o->n_keys = n;
  pthread_mutex_unlock(&o->mu);
  return 0;
}

/* Whether key k may check a signature made with alg (kind from core/oidc.h). */
static bool key_fits(const struct key *k, const char *alg, char kind) {
  cjose_err err;
  if (k->use[0] && strcmp(k->use, "sig") != 0) return false;
  if (k->alg[0] && strcmp(k->alg, alg) != 0) return false;
  cjose_jwk_kty_t kty = cjose_jwk_get_kty(k->jwk, &err);
  if (kind == 'R') return kty == CJOSE_JWK_KTY_RSA;
  if (kind == 'E') return kty == CJOSE_JWK_KTY_EC && cjose_jwk_EC_get_curve(k->jwk, &err) == CJOSE_JWK_EC_P_256;
  return false;
}

/* The key (retained: release it) for kid (may be "": then the one key that fits), or NULL. */
static cjose_jwk_t *key_for(struct fp_oidc *o, const char *kid, const char *alg) {
  char kind = fp_oidc_alg_key_kind(alg);
  cjose_jwk_t *found = NULL;
  int fits = 0;
  cjose_err err;
  pthread_mutex_lock(&o->mu);
  for (int i = 0; i < o->n_keys; i++) {
    if (!key_fits(&o->keys[i], alg, kind)) continue;
    if (kid[0] ? strcmp(o->keys[i].kid, kid) == 0 : true) {
      fits++;
      if (!found) found = o->keys[i].jwk;
    }
  }
  if (found && (kid[0] || fits == 1)) found = cjose_jwk_retain(found, &err);
  else found = NULL;
  pthread_mutex_unlock(&o->mu);
  return found;
}

/* ---- the ID token ---- */

static bool alg_admitted(struct fp_oidc *o, const char *alg) {
  pthread_mutex_lock(&o->mu);
  bool ok = fp_oidc_alg_allowed(alg, (const char *const *)o->algs, o->n_algs);
  pthread_mutex_unlock(&o->mu);
  return ok;
}

/* The signature checked; the claims (a JSON object) into *claims. */
static enum fp_oidc_refusal verify(struct fp_oidc *o, const char *token, int64_t now, json_t **claims, char *detail,
                                   size_t dl) {
  *claims = NULL;
  cjose_err err;
  cjose_jws_t *jws = cjose_jws_import(token, strlen(token), &err);
  if (!jws) {
    say(detail, dl, "the ID token is not a JWS (%s)", err.message);
    return FP_OIDC_TOKEN_SIGNATURE;
  }
  cjose_header_t *h = cjose_jws_get_protected(jws);
  const char *a = h ? cjose_header_get(h, CJOSE_HDR_ALG, &err) : NULL;
  const char *k = h ? cjose_header_get(h, CJOSE_HDR_KID, &err) : NULL;
  char alg[32], kid[128];
  snprintf(alg, sizeof alg, "%s", a ? a : "");
  snprintf(kid, sizeof kid, "%s", k ? k : "");
  enum fp_oidc_refusal r = FP_OIDC_TOKEN_SIGNATURE;
  cjose_jwk_t *key = NULL;
  if (!alg_admitted(o, alg)) {
    say(detail, dl, "the ID token's algorithm %.20s is not admitted", alg);
    goto done;
  }
  key = key_for(o, kid, alg);
  if (!key) {
    pthread_mutex_lock(&o->mu);
    bool may = !o->keys_at || now - o->keys_at >= KEYS_REFETCH_SECONDS;
    pthread_mutex_unlock(&o->mu);
    if (may) {
      if (fetch_keys(o, now, detail, dl) != 0) {
        r = FP_OIDC_PROVIDER_UNAVAILABLE;
        goto done;
      }
      key = key_for(o, kid, alg);
    }
  }
  if (!key) {
    say(detail, dl, "no key of the provider's has the ID token's kid %.100s", kid);
    goto done;
  }
  if (!cjose_jws_verify(jws, key, &err)) {
    say(detail, dl, "the ID token's signature is not right (%s)", err.message);
    goto done;
  }
  uint8_t *pt = NULL;
  size_t pl = 0;
  if (!cjose_jws_get_plaintext(jws, &pt, &pl, &err) || !(*claims = json_loadb((const char *)pt, pl, JSON_REJECT_DUPLICATES, NULL)) ||
      !json_is_object(*claims)) {
    json_decref(*claims);
    *claims = NULL;
    say(detail, dl, "the ID token's claims are not a JSON object%s", "");
    r = FP_OIDC_TOKEN_CLAIMS;
    goto done;
  }
  r = FP_OIDC_OK;
done:
  if (key) cjose_jwk_release(key);
  cjose_jws_release(jws);
  return r;
}

static bool number(json_t *j, int64_t *out) {
  if (json_is_integer(j)) *out = (int64_t)json_integer_value(j);
  else if (json_is_real(j) && json_real_value(j) > -9e18 && json_real_value(j) < 9e18) *out = (int64_t)json_real_value(j);
  else return false;
  return true;
}

static void claims_of(json_t *j, struct fp_oidc_claims *c) {
  memset(c, 0, sizeof *c);
  c->iss = json_string_value(json_object_get(j, "iss"));
  c->sub = json_string_value(json_object_get(j, "sub"));
  c->nonce = json_string_value(json_object_get(j, "nonce"));
  c->azp = json_string_value(json_object_get(j, "azp"));
  json_t *aud = json_object_get(j, "aud");
  if (json_is_string(aud)) c->aud[c->n_aud++] = json_string_value(aud);
  else if (json_is_array(aud)) {
    size_t i;
    json_t *v;
    json_array_foreach(aud, i, v) {
      if (c->n_aud == FP_OIDC_AUD_MAX) {
        c->aud_too_many = true;
        break;
      }
      if (json_is_string(v)) c->aud[c->n_aud++] = json_string_value(v);
    }
  }
  c->has_exp = number(json_object_get(j, "exp"), &c->exp);
  c->has_iat = number(json_object_get(j, "iat"), &c->iat);
}

/* ---- the client's own proof (private_key_jwt) ---- */

static char *client_assertion(struct fp_oidc *o, const char *audience, int64_t now) {
  unsigned char r[16];
  randombytes_buf(r, sizeof r);
  char jti[33];
  sodium_bin2hex(jti, sizeof jti, r, sizeof r);
  json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "iss", o->client_id, "sub", o->client_id, "aud", audience, "jti",
                        jti, "iat", (json_int_t)now, "exp", (json_int_t)(now + 300));
  char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
  json_decref(p);
  if (!payload) return NULL;
  cjose_err err;
  cjose_header_t *h = cjose_header_new(&err);
  char *out = NULL;
  const char *kid = cjose_jwk_get_kid(o->client_key, &err);
  if (h && cjose_header_set(h, CJOSE_HDR_ALG, o->client_alg, &err) && cjose_header_set(h, "typ", "JWT", &err) &&
      (!kid || cjose_header_set(h, CJOSE_HDR_KID, kid, &err))) {
    cjose_jws_t *jws = cjose_jws_sign(o->client_key, h, (const uint8_t *)payload, strlen(payload), &err);
    const char *ser = NULL;
    if (jws && cjose_jws_export(jws, &ser, &err) && ser) out = strdup(ser);
    if (jws) cjose_jws_release(jws);
  }
  if (h) cjose_header_release(h);
  free(payload);
  return out;
}

/* ---- the public calls ---- */

struct fp_oidc *fp_oidc_new(const struct fp_oidc_settings *s, char *why, size_t why_len) {
  if (!s->issuer || !s->client_id || !*s->client_id) {
    say(why, why_len, "--oidc-issuer needs --oidc-client-id%s", "");
    return NULL;
  }
  if (strlen(s->issuer) > 255) {
    say(why, why_len, "--oidc-issuer is longer than 255 characters%s", "");
    return NULL;
  }
  bool loopback = false;
  if (!url_ok(s->issuer, false)) {
    loopback = url_ok(s->issuer, true);
    if (!loopback) {
      say(why, why_len, "--oidc-issuer must be an https:// address (http:// only on a loopback address, for tests): %.200s",
          s->issuer);
      return NULL;
    }
  }
  if (!!s->client_secret == !!s->client_key) {
    say(why, why_len, "give exactly one of --oidc-client-secret-file and --oidc-client-key-file%s", "");
    return NULL;
  }
  struct fp_oidc *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  pthread_mutex_init(&o->mu, NULL);
  o->issuer = strdup(s->issuer);
  o->client_id = strdup(s->client_id);
  o->client_secret = s->client_secret ? strdup(s->client_secret) : NULL;
  o->mfa_acr = strdup(s->mfa_acr ? s->mfa_acr : "");
  o->leeway = s->leeway;
  o->loopback_http = loopback;
  if (s->client_key) {
    cjose_err err;
    o->client_key = cjose_jwk_import(s->client_key, strlen(s->client_key), &err);
    cjose_jwk_kty_t kty = o->client_key ? cjose_jwk_get_kty(o->client_key, &err) : CJOSE_JWK_KTY_OCT;
    /* A private key: a public one cannot sign, and an HMAC key would be a shared secret. */
    bool private_key = false;
    if (o->client_key && kty == CJOSE_JWK_KTY_RSA) {
      json_t *j = json_loads(s->client_key, 0, NULL);
      private_key = j && json_is_string(json_object_get(j, "d"));
      json_decref(j);
      o->client_alg = "RS512"; /* what CIS2 documents for private_key_jwt */
    } else if (o->client_key && kty == CJOSE_JWK_KTY_EC && cjose_jwk_EC_get_curve(o->client_key, &err) == CJOSE_JWK_EC_P_256) {
      json_t *j = json_loads(s->client_key, 0, NULL);
      private_key = j && json_is_string(json_object_get(j, "d"));
      json_decref(j);
      o->client_alg = "ES256";
    }
    if (!private_key) {
      say(why, why_len, "--oidc-client-key-file must hold a private RSA or P-256 key as a JWK%s", "");
      fp_oidc_free(o);
      return NULL;
    }
  }
  if (!o->issuer || !o->client_id || !o->mfa_acr || (s->client_secret && !o->client_secret)) {
    fp_oidc_free(o);
    return NULL;
  }
  return o;
}

void fp_oidc_free(struct fp_oidc *o) {
  if (!o) return;
  discovery_clear(o);
  keys_clear(o);
  if (o->client_key) cjose_jwk_release(o->client_key);
  if (o->client_secret) sodium_memzero(o->client_secret, strlen(o->client_secret));
  free(o->issuer), free(o->client_id), free(o->client_secret), free(o->mfa_acr);
  pthread_mutex_destroy(&o->mu);
  free(o);
}

const char *fp_oidc_issuer(const struct fp_oidc *o) { return o->issuer; }

enum fp_oidc_refusal fp_oidc_authorization_url(struct fp_oidc *o, const char *redirect_uri, const char *state,
                                               const char *nonce, const char *code_challenge, char **url) {
  *url = NULL;
  char why[300];
  if (discover(o, (int64_t)time(NULL), why, sizeof why) != 0) {
    fprintf(stderr, "oidc: %s\n", why);
    return FP_OIDC_PROVIDER_UNAVAILABLE;
  }
  char ep[1024];
  discovered(o, &o->auth_ep, ep, sizeof ep);
  if (!url_ok(ep, o->loopback_http)) {
    fprintf(stderr, "oidc: the authorization endpoint is not https://\n");
    return FP_OIDC_PROVIDER_UNAVAILABLE;
  }
  char *cid = esc(o->client_id), *ru = esc(redirect_uri), *sc = esc(FP_OIDC_SCOPES), *st = esc(state), *no = esc(nonce),
       *ch = esc(code_challenge);
  size_t len = strlen(ep) + 400 + strlen(cid) + strlen(ru) + strlen(sc) + strlen(st) + strlen(no) + strlen(ch);
  char *u = malloc(len);
  if (u)
    snprintf(u, len,
             "%s%cresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s&state=%s&nonce=%s&code_challenge=%s"
             "&code_challenge_method=S256",
             ep, strchr(ep, '?') ? '&' : '?', cid, ru, sc, st, no, ch);
  curl_free(cid), curl_free(ru), curl_free(sc), curl_free(st), curl_free(no), curl_free(ch);
  *url = u;
  return u ? FP_OIDC_OK : FP_OIDC_PROVIDER_UNAVAILABLE;
}

static bool acr_counts(const struct fp_oidc *o, const char *acr) {
  if (!acr || !*acr) return false;
  size_t n = strlen(acr);
  for (const char *p = o->mfa_acr; *p;) {
    size_t w = strcspn(p, " ,");
    if (w == n && strncmp(p, acr, n) == 0) return true;
    p += w;
    p += strspn(p, " ,");
  }
  return false;
}

static void copy_claim(char *dst, size_t len, json_t *v) {
  const char *s = json_string_value(v);
  /* A value longer than its field is left out, never cut: an email cut short could name another. */
  dst[0] = 0;
  if (s && strlen(s) < len) snprintf(dst, len, "%s", s);
}

enum fp_oidc_refusal fp_oidc_finish(struct fp_oidc *o, const char *code, const char *redirect_uri, const char *verifier,
                                    const char *nonce, int64_t now, struct fp_oidc_person *out, char *detail,
                                    size_t dl) {
  memset(out, 0, sizeof *out);
  if (discover(o, now, detail, dl) != 0) return FP_OIDC_PROVIDER_UNAVAILABLE;
  char token_ep[1024], userinfo_ep[1024];
  discovered(o, &o->token_ep, token_ep, sizeof token_ep);
  discovered(o, &o->userinfo_ep, userinfo_ep, sizeof userinfo_ep);
  /* The code for the tokens. */
  char *c = esc(code), *ru = esc(redirect_uri), *v = esc(verifier), *cid = esc(o->client_id);
  char *assertion = o->client_key ? client_assertion(o, token_ep, now) : NULL;
  char *as = assertion ? esc(assertion) : NULL;
  size_t len = strlen(c) + strlen(ru) + strlen(v) + strlen(cid) + (as ? strlen(as) : 0) + 300;
  char *form = malloc(len);
  if (form) {
    int n = snprintf(form, len, "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s", c, ru, v);
    if (as)
      snprintf(form + n, len - (size_t)n,
               "&client_id=%s&client_assertion_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Aclient-assertion-type%%3Ajwt-bearer"
               "&client_assertion=%s",
               cid, as);
  }
  char *secret = o->client_secret ? esc(o->client_secret) : NULL;
  long status = 0;
  json_t *tok = NULL;
  int rc = form && (as || secret) ? call(o, token_ep, form, NULL, secret ? cid : NULL, secret, &status, &tok, detail, dl) : -1;
  if (secret) sodium_memzero(secret, strlen(secret));
  curl_free(c), curl_free(ru), curl_free(v), curl_free(cid), curl_free(as), curl_free(secret);
  free(assertion);
  free(form);
  if (rc != 0) return FP_OIDC_PROVIDER_UNAVAILABLE;
  const char *id_token = json_string_value(json_object_get(tok, "id_token"));
  const char *access = json_string_value(json_object_get(tok, "access_token"));
  const char *type = json_string_value(json_object_get(tok, "token_type"));
  if (status != 200 || !id_token || !access || !type || strcasecmp(type, "Bearer") != 0) {
    say(detail, dl, "the token endpoint refused the code or answered without an ID token (%s)",
        json_string_value(json_object_get(tok, "error")));
    json_decref(tok);
    return FP_OIDC_PROVIDER_UNAVAILABLE;
  }
  /* The ID token: signature, then claims, judged at the time it arrived (the exchange may have taken
     a while since the request came in). */
  int64_t arrived = (int64_t)time(NULL);
  if (arrived > now) now = arrived;
  json_t *claims = NULL;
  enum fp_oidc_refusal r = verify(o, id_token, now, &claims, detail, dl);
  if (r == FP_OIDC_OK) {
    struct fp_oidc_claims cl;
    claims_of(claims, &cl);
    r = fp_oidc_claims_check(&cl, o->issuer, o->client_id, nonce, now, o->leeway);
    if (r != FP_OIDC_OK) say(detail, dl, "the ID token's claims are refused: %s", fp_oidc_refusal_code(r));
    else {
      snprintf(out->subject, sizeof out->subject, "%s", cl.sub);
      copy_claim(out->acr, sizeof out->acr, json_object_get(claims, "acr"));
      out->mfa = acr_counts(o, out->acr);
    }
  }
  /* UserInfo, with the access token: whose sub must be the ID token's. */
  json_t *info = NULL;
  if (r == FP_OIDC_OK && userinfo_ep[0]) {
    char *bearer = strdup(access);
    rc = bearer ? call(o, userinfo_ep, NULL, bearer, NULL, NULL, &status, &info, detail, dl) : -1;
    free(bearer);
    if (rc != 0 || status != 200) r = FP_OIDC_PROVIDER_UNAVAILABLE;
    else if (!json_is_string(json_object_get(info, "sub")) || strcmp(json_string_value(json_object_get(info, "sub")), out->subject) != 0) {
      say(detail, dl, "UserInfo's sub is not the ID token's%s", "");
      r = FP_OIDC_USERINFO_SUBJECT;
    }
  }
  if (r == FP_OIDC_OK) {
    json_t *from = info ? info : claims;
    copy_claim(out->email, sizeof out->email, json_object_get(from, "email"));
    json_t *ev = json_object_get(from, "email_verified");
    out->email_verified = json_is_true(ev) || (json_is_string(ev) && strcmp(json_string_value(ev), "true") == 0);
    copy_claim(out->name, sizeof out->name, json_object_get(from, "name"));
    copy_claim(out->uid, sizeof out->uid, json_object_get(from, "uid"));
    json_t *roles = json_object_get(from, "nhsid_nrbac_roles");
    out->n_rbac_roles = json_is_array(roles) ? (int)json_array_size(roles) : 0;
    size_t i;
    json_t *role;
    if (json_is_array(roles)) json_array_foreach(roles, i, role) {
        const char *org = json_string_value(json_object_get(role, "org_code"));
        if (!org || !*org) continue;
        if (out->n_org_codes == FP_OIDC_ORG_CODES_MAX || strlen(org) >= sizeof out->org_codes[0]) {
          out->org_codes_over = true;
          continue;
        }
        snprintf(out->org_codes[out->n_org_codes++], sizeof out->org_codes[0], "%s", org);
      }
  }
  json_decref(info);
  json_decref(claims);
  json_decref(tok);
  return r;
}
