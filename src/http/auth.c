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
  if (fp_store_clinician_of_user(c, user_id, &a->clinician_id, a->profession, sizeof a->profession) != 0) return FP_EIO;
  a->n_pools = 0;
  if (a->clinician_id && fp_store_pools_of_clinician(c, a->clinician_id, a->pools, FP_MAX_CLINICIAN_POOLS, &a->n_pools) != 0)
    return FP_EIO;
  return 0;
}

/*
 * A small cache of resolved sessions, keyed by the token's hash, so that a signed-in request
 * costs no store reads. An entry is valid only for the store's write generation it was read at:
 * any committed write (a sign-out, a password change, a deactivation, anything) empties it in
 * effect, so it can never answer with something the store no longer says.
 */
#define CACHE_SLOTS 1024
struct cache_slot {
  bool used;
  unsigned char hash[FP_TOKEN_HASH_LEN];
  uint64_t generation;
  int64_t last_seen;
  struct fp_auth auth;
};
static struct cache_slot cache[CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct cache_slot *slot_of(const unsigned char *hash) {
  return &cache[((unsigned)hash[0] | (unsigned)hash[1] << 8) % CACHE_SLOTS];
}

static bool cache_get(const unsigned char *hash, uint64_t generation, struct fp_auth *a, int64_t *last_seen) {
  pthread_mutex_lock(&cache_lock);
  struct cache_slot *s = slot_of(hash);
  bool hit = s->used && s->generation == generation && memcmp(s->hash, hash, FP_TOKEN_HASH_LEN) == 0;
  if (hit) {
    *a = s->auth;
    *last_seen = s->last_seen;
  }
  pthread_mutex_unlock(&cache_lock);
  return hit;
}

static void cache_put(const unsigned char *hash, uint64_t generation, const struct fp_auth *a, int64_t last_seen) {
  pthread_mutex_lock(&cache_lock);
  struct cache_slot *s = slot_of(hash);
  s->used = true;
  memcpy(s->hash, hash, FP_TOKEN_HASH_LEN);
  s->generation = generation;
  s->last_seen = last_seen;
  s->auth = *a;
  pthread_mutex_unlock(&cache_lock);
}

static void cache_touch(const unsigned char *hash, int64_t last_seen) {
  pthread_mutex_lock(&cache_lock);
  struct cache_slot *s = slot_of(hash);
  if (s->used && memcmp(s->hash, hash, FP_TOKEN_HASH_LEN) == 0) s->last_seen = last_seen;
  pthread_mutex_unlock(&cache_lock);
}

struct touch {
  int64_t session_id, now;
};

static int touch_tx(struct fp_conn *c, void *ctx) {
  struct touch *t = ctx;
  return fp_store_session_touch(c, t->session_id, t->now);
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
  int64_t idle = r->app->cfg.session_idle_seconds;
  uint64_t generation = fp_store_generation(&r->app->store);
  int64_t last_seen = 0;
  struct fp_auth a;
  if (cache_get(hash, generation, &a, &last_seen)) {
    if (r->now - last_seen >= idle) return 0; /* the session has ended */
  } else {
    struct fp_conn *c = fp_store_reader(&r->app->store);
    if (!c) return FP_EIO;
    int64_t sid = 0, uid = 0;
    char csrf[48];
    int rc = fp_store_session_find(c, hash, sizeof hash, r->now, idle, &sid, &uid, csrf, sizeof csrf, &last_seen);
    if (rc == FP_ENOTFOUND) return 0;
    if (rc != 0) return FP_EIO;
    memset(&a, 0, sizeof a);
    if (fp_auth_load_user(r, uid, &a) != 0) return FP_EIO;
    a.session_id = sid;
    snprintf(a.csrf, sizeof a.csrf, "%s", csrf);
    cache_put(hash, generation, &a, last_seen);
  }
  r->auth = a;
  r->auth.via_cookie = via_cookie;
  /* Idle time is counted in minutes, not requests: touch at most once a minute. */
  if (r->now - last_seen >= 60) {
    struct touch t = {r->auth.session_id, r->now};
    if (fp_store_write(&r->app->store, touch_tx, &t) == 0) cache_touch(hash, r->now);
  }
  return 0;
}
