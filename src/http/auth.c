/* Passwords, tokens and session resolution. See auth.h. */
#include "http/auth.h"

#include <ctype.h>
#include <microhttpd.h>
#include <pthread.h>
#include <pwquality.h>
#include <sodium.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "core/error.h"
#include "store/account_tokens.h"
#include "store/accounts.h"
#include "store/mfa.h"
#include "http/prometheus.h"
#include "http/totp.h"

static enum fp_hash_cost hash_cost = FP_HASH_INTERACTIVE;

void fp_password_hash_cost(enum fp_hash_cost cost) { hash_cost = cost; }

int fp_password_hash(const char *password, char *out, size_t out_len) {
  if (out_len < crypto_pwhash_STRBYTES) return FP_EINVAL;
  bool lowest = hash_cost == FP_HASH_LOWEST_FOR_TESTS;
  if (crypto_pwhash_str_alg(out, password, strlen(password),
                            lowest ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            lowest ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
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

/* Characters, not bytes: a UTF-8 continuation byte does not start one. */
static size_t utf8_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

/* libpwquality's settings: its defaults (the cracklib dictionary check, palindromes, repeats,
   simple sequences) with our own minimum length; a second set judges the letters alone. Its
   checks share cracklib's dictionary handle, so they run one at a time. */
static pwquality_settings_t *pwq, *pwq_core;
static pthread_once_t pwq_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pwq_lock = PTHREAD_MUTEX_INITIALIZER;
static void pwq_init(void) {
  pwq = pwquality_default_settings();
  pwq_core = pwquality_default_settings();
  if (pwq) pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, FP_PASSWORD_MIN_CHARS);
  if (pwq_core) pwquality_set_int_value(pwq_core, PWQ_SETTING_MIN_LENGTH, 6);
}

static bool same_text(const char *a, const char *b) { return a && b && *b && strcasecmp(a, b) == 0; }

bool fp_password_check(const char *password, const char *email, const char *name, char *why, size_t why_len) {
  size_t bytes = strlen(password);
  if (utf8_chars(password) < FP_PASSWORD_MIN_CHARS || bytes > FP_PASSWORD_MAX_BYTES) {
    snprintf(why, why_len, "the password must be %d to %d characters", FP_PASSWORD_MIN_CHARS, FP_PASSWORD_MAX_BYTES);
    return false;
  }
  char local[256] = "";
  if (email) {
    snprintf(local, sizeof local, "%s", email);
    local[strcspn(local, "@")] = 0;
  }
  if (same_text(password, email) || same_text(password, local) || same_text(password, name)) {
    snprintf(why, why_len, "the password must not be your email address or name");
    return false;
  }
  pthread_once(&pwq_once, pwq_init);
  if (!pwq || !pwq_core) {
    snprintf(why, why_len, "the password could not be checked");
    return false;
  }
  /* The letters alone, lower case: "Summer2024!!" is "summer", a word with digits added. */
  char core[FP_PASSWORD_MAX_BYTES + 1];
  size_t n = 0;
  for (const char *p = password; *p && n + 1 < sizeof core; p++)
    if (isalpha((unsigned char)*p)) core[n++] = (char)tolower((unsigned char)*p);
  core[n] = 0;
  char msg[PWQ_MAX_ERROR_MESSAGE_LEN];
  void *aux = NULL;
  pthread_mutex_lock(&pwq_lock);
  int rc = pwquality_check(pwq, password, NULL, NULL, &aux);
  if (rc < 0) pwquality_strerror(msg, sizeof msg, rc, aux);
  int core_rc = 0;
  if (rc >= 0 && n >= 6) {
    aux = NULL;
    core_rc = pwquality_check(pwq_core, core, NULL, NULL, &aux);
  }
  pthread_mutex_unlock(&pwq_lock);
  sodium_memzero(core, sizeof core);
  if (rc < 0) {
    /* libpwquality's own words, first letter lowered to follow ours: "the password fails ...". */
    if (msg[0] == 'T') msg[0] = 't';
    snprintf(why, why_len, "%s", msg);
    return false;
  }
  if (core_rc == PWQ_ERROR_CRACKLIB_CHECK) {
    snprintf(why, why_len, "the password is too common: it is a dictionary word with digits or symbols added");
    return false;
  }
  return true;
}

int fp_password_check_or_respond(struct fp_req *r, const char *field, const char *password, const char *email,
                                 const char *name) {
  char why[PWQ_MAX_ERROR_MESSAGE_LEN + 64];
  if (fp_password_check(password, email, name, why, sizeof why)) return 0;
  fp_reply_error(r, FP_API_WEAK_PASSWORD, field, "%s", why);
  return -1;
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
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) return FP_EIO;
  struct fp_role_row rows[FP_MAX_ROLES];
  int n = 0;
  /* Every role and every pool, or a failure: never a user with some of their roles left out. */
  int rc = fp_store_roles_of(c, user_id, rows, FP_MAX_ROLES, &n);
  if (rc) return rc;
  a->user_id = user_id;
  a->n_roles = 0;
  for (int i = 0; i < n; i++) {
    enum fp_role_kind k;
    if (fp_role_parse(rows[i].role, &k) != 0) return FP_EINVAL; /* the schema's CHECK allows no other */
    a->roles[a->n_roles].kind = k;
    a->roles[a->n_roles].organisation_id = rows[i].organisation_id;
    a->roles[a->n_roles].pool_id = rows[i].pool_id;
    a->n_roles++;
  }
  if (fp_store_clinician_of_user(c, user_id, &a->clinician_id, a->profession, sizeof a->profession) != 0) return FP_EIO;
  a->n_pools = 0;
  a->n_overflow_icbs = 0;
  if (a->clinician_id &&
      (rc = fp_store_pools_of_clinician(c, a->clinician_id, a->pools, FP_MAX_CLINICIAN_POOLS, &a->n_pools,
                                        a->overflow_icbs, &a->n_overflow_icbs)) != 0)
    return rc;
  struct fp_user u;
  if ((rc = fp_store_user_by_id(c, user_id, &u)) != 0) return rc;
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  a->must_change_password = u.must_change_password;
  a->demo_account = u.demo_account;
  if ((rc = fp_store_totp_enabled(c, user_id, &a->mfa_enabled)) != 0) return rc;
  a->mfa_enrolment_required = fp_mfa_required(a) && !a->mfa_enabled;
  return 0;
}

void fp_auth_apply_via(struct fp_auth *a, enum fp_session_via via) {
  /* Signed in through the provider: the password someone else set is not in use, so it need not be
     changed first; and a provider sign-in that counted as a second factor stands for the TOTP a
     system administrator must otherwise set up (docs/OIDC.md). */
  if (via != FP_VIA_PASSWORD) a->must_change_password = false;
  if (via == FP_VIA_PROVIDER_MFA) a->mfa_enrolment_required = false;
}

bool fp_mfa_offered(const struct fp_auth *a) {
  if (a->demo_account) return false; /* the demo stays one password away */
  return fp_auth_has(a, FP_ROLE_SYSADMIN) || fp_auth_has(a, FP_ROLE_POOL_ADMIN) || fp_auth_has(a, FP_ROLE_COMMISSIONER);
}

bool fp_mfa_required(const struct fp_auth *a) { return !a->demo_account && fp_auth_has(a, FP_ROLE_SYSADMIN); }

/*
 * A cache of resolved sessions, keyed by the token's hash, so that a signed-in request costs no
 * store reads. An entry is valid only for the store's identity generation it was read at (sql.h):
 * a sign-out, a password change, a deactivation or any other change to who someone is empties it in
 * effect, so it can never answer with something the store no longer says.
 *
 * Set-associative: CACHE_SETS sets of CACHE_WAYS entries, a token's set chosen by its hash, the
 * least recently used of a full set given to a new session. A table of one entry per slot lost a
 * session whenever another's hash fell in its slot: with 400 bench GPs signed in, a quarter of all
 * bookings read their session again (six statements on a reader; docs/PERFORMANCE.md, session 31),
 * and an ICB's thousands of users would have missed most of the time. A miss is still only slower:
 * the session is read from the store, as the first time. flexpool_session_cache_lookups_total
 * (GET /metrics) counts hits and misses.
 */
#define CACHE_SETS 2048
#define CACHE_WAYS 4
struct cache_slot {
  bool used;
  unsigned char hash[FP_TOKEN_HASH_LEN];
  uint64_t generation;
  uint64_t used_at; /* cache_clock when last read or written: the least recent goes first */
  int64_t last_seen;
  struct fp_auth auth;
};
static struct cache_slot cache[CACHE_SETS][CACHE_WAYS];
static uint64_t cache_clock;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static struct cache_slot *set_of(const unsigned char *hash) {
  uint32_t h = (uint32_t)hash[0] | (uint32_t)hash[1] << 8 | (uint32_t)hash[2] << 16 | (uint32_t)hash[3] << 24;
  return cache[h % CACHE_SETS];
}

/* The entry of hash in its set, or NULL. Under cache_lock. */
static struct cache_slot *cache_find(const unsigned char *hash) {
  struct cache_slot *set = set_of(hash);
  for (int i = 0; i < CACHE_WAYS; i++)
    if (set[i].used && memcmp(set[i].hash, hash, FP_TOKEN_HASH_LEN) == 0) return &set[i];
  return NULL;
}

static bool cache_get(const unsigned char *hash, uint64_t generation, struct fp_auth *a, int64_t *last_seen) {
  pthread_mutex_lock(&cache_lock);
  struct cache_slot *s = cache_find(hash);
  bool hit = s && s->generation == generation;
  if (hit) {
    *a = s->auth;
    *last_seen = s->last_seen;
    s->used_at = ++cache_clock;
  }
  pthread_mutex_unlock(&cache_lock);
  fp_prom_session_cache(hit);
  return hit;
}

static void cache_put(const unsigned char *hash, uint64_t generation, const struct fp_auth *a, int64_t last_seen) {
  pthread_mutex_lock(&cache_lock);
  struct cache_slot *s = cache_find(hash);
  if (!s) { /* a free way, or else the least recently used */
    struct cache_slot *set = set_of(hash);
    s = &set[0];
    for (int i = 1; i < CACHE_WAYS && s->used; i++)
      if (!set[i].used || set[i].used_at < s->used_at) s = &set[i];
  }
  s->used = true;
  memcpy(s->hash, hash, FP_TOKEN_HASH_LEN);
  s->generation = generation;
  s->used_at = ++cache_clock;
  s->last_seen = last_seen;
  s->auth = *a;
  pthread_mutex_unlock(&cache_lock);
}

static void cache_touch(const unsigned char *hash, int64_t last_seen) {
  pthread_mutex_lock(&cache_lock);
  struct cache_slot *s = cache_find(hash);
  if (s) s->last_seen = last_seen;
  pthread_mutex_unlock(&cache_lock);
}

struct touch {
  int64_t session_id, now;
};

static int touch_tx(struct fp_conn *c, void *ctx) {
  struct touch *t = ctx;
  return fp_store_session_touch(c, t->session_id, t->now);
}

int64_t fp_session_touch_interval(int64_t idle) {
  int64_t every = idle / 8;
  return every < 1 ? 1 : every;
}

int fp_auth_resolve(struct fp_req *r) {
  memset(&r->auth, 0, sizeof r->auth);
  const char *token = NULL;
  bool via_cookie = false;
  const char *authz = fp_req_header(r, "Authorization");
  if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
    token = authz + 7;
  } else {
    token = fp_req_cookie(r, FP_COOKIE_NAME);
    via_cookie = token != NULL;
  }
  if (!token || strlen(token) != 43) return 0;
  unsigned char hash[FP_TOKEN_HASH_LEN];
  fp_token_hash(token, hash);
  int64_t idle = r->app->cfg.session_idle_seconds;
  uint64_t generation = fp_store_generation(r->app->store);
  int64_t last_seen = 0;
  struct fp_auth a;
  if (cache_get(hash, generation, &a, &last_seen)) {
    if (r->now - last_seen >= idle) return 0; /* the session has ended */
  } else {
    struct fp_conn *c = fp_store_reader(r->app->store);
    if (!c) return FP_EIO;
    int64_t sid = 0, uid = 0;
    char csrf[48];
    enum fp_session_via via = FP_VIA_PASSWORD;
    int rc = fp_store_session_find(c, hash, sizeof hash, r->now, idle, &sid, &uid, csrf, sizeof csrf, &last_seen, &via);
    if (rc == FP_ENOTFOUND) return 0;
    if (rc != 0) return FP_EIO;
    memset(&a, 0, sizeof a);
    if (fp_auth_load_user(r, uid, &a) != 0) return FP_EIO;
    fp_auth_apply_via(&a, via);
    a.session_id = sid;
    snprintf(a.csrf, sizeof a.csrf, "%s", csrf);
    cache_put(hash, generation, &a, last_seen);
  }
  r->auth = a;
  r->auth.via_cookie = via_cookie;
  r->session_ends_at = last_seen + idle;
  /* Activity keeps a session alive. Writing last_seen on every request would cost a write each, so
     it is written once an eighth of the idle time has passed since the last write: a session then
     ends between 7/8 and all of the idle time after its last request, for any idle time (a fixed
     minute would end every session shorter than a minute, whatever the activity). */
  if (!r->passive && r->now - last_seen >= fp_session_touch_interval(idle)) {
    struct touch t = {r->auth.session_id, r->now};
    if (fp_store_write(r->app->store, touch_tx, &t) == 0) {
      cache_touch(hash, r->now);
      r->session_ends_at = r->now + idle;
    }
  }
  return 0;
}

int fp_second_factor_one_or_respond(struct fp_req *r, const char *code, const char *recovery) {
  if ((code != NULL) != (recovery != NULL)) return 0;
  fp_reply_error(r, code ? FP_API_INVALID_FIELD : FP_API_MISSING_FIELD, "code",
                 "give 'code' (from the authenticator app) or 'recovery_code', not both");
  return -1;
}

int fp_me_or_respond(struct fp_req *r, struct fp_user *u) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_user_by_id(c, r->auth.user_id, u) : FP_EIO;
  if (rc == 0) return 0;
  fp_reply_store_error(r, rc);
  return -1;
}

int fp_me_with_password_or_respond(struct fp_req *r, const char *current_password, struct fp_user *u) {
  if (fp_me_or_respond(r, u)) return -1;
  if (fp_password_verify(u->password_hash, current_password)) return 0;
  fp_reply_error(r, FP_API_WRONG_PASSWORD, "current_password", "the current password is not right");
  return -1;
}

int fp_second_factor_check(struct fp_conn *c, int64_t user_id, fp_time now, const char *code, const char *recovery,
                           unsigned char recovery_hash[], const unsigned char **recovery_out, int64_t *step, bool *ok) {
  *ok = false;
  if (recovery) {
    fp_recovery_code_hash(recovery, recovery_hash);
    *recovery_out = recovery_hash; /* right or not is decided when it is spent */
    *ok = true;
    return 0;
  }
  struct fp_totp t;
  int rc = fp_store_totp_get(c, user_id, &t);
  if (rc == FP_ENOTFOUND) return 0;
  if (rc) return rc;
  *ok = t.enabled && fp_totp_match(t.secret, now, t.last_step, code, step);
  sodium_memzero(t.secret, sizeof t.secret);
  return 0;
}

void fp_reply_throttled(struct fp_req *r, int64_t oldest, int64_t window, const char *what) {
  int64_t wait = oldest + window - r->now;
  if (wait < 1) wait = 1;
  char ra[24];
  snprintf(ra, sizeof ra, "%lld", (long long)wait);
  fp_req_add_header(r, "Retry-After", ra);
  fp_reply_error(r, FP_API_TOO_MANY_ATTEMPTS, NULL, "too many %s; try again in %lld seconds", what, (long long)wait);
}

int fp_account_requests_throttled_or_respond(struct fp_req *r, const char *key, int max, int64_t window, const char *what) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  int n = 0;
  int64_t oldest = 0;
  int rc = c ? fp_store_account_requests(c, key, r->now - window, &n, &oldest) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  if (n >= max) {
    fp_reply_throttled(r, oldest, window, what);
    return -1;
  }
  return 0;
}

int fp_email_free_or_respond(struct fp_req *r, struct fp_conn *c, const char *email) {
  struct fp_user existing;
  int rc = c ? fp_store_user_by_email(c, email, &existing) : FP_EIO;
  if (rc == 0) {
    fp_reply_error(r, FP_API_EMAIL_TAKEN, "email", "there is already an account for '%s'", email);
    return -1;
  }
  if (rc != FP_ENOTFOUND) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

void fp_reply_link_spent(struct fp_req *r) {
  fp_reply_error(r, FP_API_TOKEN_EXPIRED, NULL, "the link has expired or has already been used: ask for a new one");
}

void fp_reply_link_used(struct fp_req *r, int rc) {
  if (rc == FP_EREFUSED) fp_reply_link_spent(r);
  else if (rc) fp_reply_store_error(r, rc);
  else fp_reply_empty(r);
}
