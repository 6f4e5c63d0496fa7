/* Passwords, tokens and session resolution. See auth.h. */
#include "http/auth.h"

#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"

int fp_password_hash(const char *password, char *out, size_t out_len) {
  if (out_len < crypto_pwhash_STRBYTES) return FP_EINVAL;
  if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return FP_ENOMEM;
  return 0;
}

bool fp_password_verify(const char *hash, const char *password) {
  return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void) { fp_password_hash("not a password anybody has", dummy_hash, sizeof dummy_hash); }

void fp_password_burn(const char *password) {
  pthread_once(&dummy_once, make_dummy);
  (void)fp_password_verify(dummy_hash, password);
}

bool fp_password_acceptable(const char *password) {
  size_t n = strlen(password);
  return n >= 10 && n <= 200;
}

void fp_token_new(char token[48], unsigned char hash[FP_TOKEN_HASH_LEN]) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(token, 48, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  fp_token_hash(token, hash);
}

void fp_token_hash(const char *token, unsigned char hash[FP_TOKEN_HASH_LEN]) {
  crypto_generichash(hash, FP_TOKEN_HASH_LEN, (const unsigned char *)token, strlen(token), NULL, 0);
}

int fp_auth_load_user(struct fp_req *r, int64_t user_id, struct fp_auth *a) {
  struct fp_conn *c = fp_store_reader(&r->app->store);
  if (!c) return FP_EIO;
  struct fp_role_row rows[FP_MAX_ROLES];
  int n = 0;
  if (fp_store_roles_of(c, user_id, rows, FP_MAX_ROLES, &n) != 0) return FP_EIO;
  a->user_id = user_id;
  a->n_roles = 0;
  for (int i = 0; i < n; i++) {
    enum fp_role_kind k;
    if (fp_role_parse(rows[i].role, &k) != 0) continue;
    a->roles[a->n_roles].kind = k;
    a->roles[a->n_roles].organisation_id = rows[i].organisation_id;
    a->roles[a->n_roles].pool_id = rows[i].pool_id;
    a->n_roles++;
  }
  return fp_store_clinician_of_user(c, user_id, &a->clinician_id, a->profession, sizeof a->profession);
}

int fp_auth_resolve(struct fp_req *r) {
  memset(&r->auth, 0, sizeof r->auth);
  const char *token = NULL;
  bool via_cookie = false;
  const char *authz = fp_req_header(r, "Authorization");
  if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
    token = authz + 7;
  } else {
    token = MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_COOKIE_KIND, FP_COOKIE_NAME);
    via_cookie = token != NULL;
  }
  if (!token || strlen(token) != 43) return 0;
  unsigned char hash[FP_TOKEN_HASH_LEN];
  fp_token_hash(token, hash);
  struct fp_conn *c = fp_store_reader(&r->app->store);
  if (!c) return FP_EIO;
  int64_t sid = 0, uid = 0, last_seen = 0;
  char csrf[48];
  int rc = fp_store_session_find(c, hash, sizeof hash, r->now, r->app->cfg.session_idle_seconds, &sid, &uid, csrf,
                                 sizeof csrf, &last_seen);
  if (rc == FP_ENOTFOUND) return 0;
  if (rc != 0) return FP_EIO;
  if (fp_auth_load_user(r, uid, &r->auth) != 0) return FP_EIO;
  r->auth.session_id = sid;
  r->auth.via_cookie = via_cookie;
  snprintf(r->auth.csrf, sizeof r->auth.csrf, "%s", csrf);
  /* Idle time is counted in minutes, not requests: touch at most once a minute. */
  if (r->now - last_seen >= 60) {
    struct fp_conn *w = &r->app->store.writer;
    pthread_mutex_lock(&r->app->store.write_lock);
    fp_store_session_touch(w, sid, r->now);
    pthread_mutex_unlock(&r->app->store.write_lock);
  }
  return 0;
}
