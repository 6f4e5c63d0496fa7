/*
 * auth.h - passwords (Argon2id), session tokens (random, stored hashed) and working out who is
 * asking from the Authorization header or the session cookie. libsodium does the cryptography.
 */
#ifndef FP_HTTP_AUTH_H
#define FP_HTTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"
#include "store/accounts.h"

#define FP_COOKIE_NAME "fp_session"
#define FP_TOKEN_HASH_LEN 32

/* Hashes a password into out (crypto_pwhash_STRBYTES). 0 or FP_ENOMEM. */
int fp_password_hash(const char *password, char *out, size_t out_len);
/*
 * Argon2id's cost for the hashes made from now on: FP_HASH_INTERACTIVE (libsodium's interactive
 * limits, 64 MiB and two passes: the default, and the only one for service) or FP_HASH_LOWEST_FOR_TESTS
 * (its lowest limits, for a test suite that signs in thousands of times on a shared machine). A
 * hash is verified at the cost it was made with. Set once at start, before any thread hashes.
 */
enum fp_hash_cost { FP_HASH_INTERACTIVE, FP_HASH_LOWEST_FOR_TESTS };
void fp_password_hash_cost(enum fp_hash_cost cost);
bool fp_password_verify(const char *hash, const char *password);
/*
 * Spends the time of one verification against a dummy hash, so that an unknown email address
 * takes as long to refuse as a wrong password (no account discovery by timing).
 */
void fp_password_burn(const char *password);
#define FP_PASSWORD_MIN_CHARS 12
#define FP_PASSWORD_MAX_BYTES 200
/*
 * Whether a new password may be used: 12 characters or more (at most 200 bytes), not the email
 * address, its local part or the name (any case), and passing libpwquality's checks (the cracklib
 * dictionary, palindromes, simple sequences), both as given and as its letters alone (so that a
 * dictionary word with digits added is refused too). When not, why receives the reason.
 * email and name may be NULL.
 */
bool fp_password_check(const char *password, const char *email, const char *name, char *why, size_t why_len);
/* fp_password_check answering 400 weak_password naming field when the password is refused. */
int fp_password_check_or_respond(struct fp_req *r, const char *field, const char *password, const char *email,
                                 const char *name);

/* A new random token (43 base64url chars + NUL) and its hash. */
void fp_token_new(char token[48], unsigned char hash[FP_TOKEN_HASH_LEN]);
void fp_token_hash(const char *token, unsigned char hash[FP_TOKEN_HASH_LEN]);

/*
 * Fills r->auth from a bearer token or the session cookie. A presented but dead credential leaves
 * the request anonymous. Returns 0, or FP_EIO on a store failure.
 */
int fp_auth_resolve(struct fp_req *r);
/* Loads the roles, clinician id, pools and what the account owes (a new password, a second factor)
   of user_id into a. 0 or a store error. */
int fp_auth_load_user(struct fp_req *r, int64_t user_id, struct fp_auth *a);
/* What a session started through an OpenID Connect provider (sessions.via) changes in what the
   account owes: no password change (the password is not in use); with a provider second factor, no
   TOTP set-up either. */
void fp_auth_apply_via(struct fp_auth *a, enum fp_session_via via);
/* Whether the account may set up a TOTP second factor: system administrators, pool administrators
   and commissioners, except the demo's documented accounts. */
bool fp_mfa_offered(const struct fp_auth *a);
/* Whether it must: system administrators, except the demo's. */
bool fp_mfa_required(const struct fp_auth *a);
/* How long after the last recorded activity a request records activity again (idle / 8, at least 1 s). */
int64_t fp_session_touch_interval(int64_t idle);

struct fp_user;
/* A session for u (via: how, store/accounts.h), who proved who they are another way (an OpenID Connect provider, http/h_oidc.c):
   the session row, audited as session.create with audit_after (JSON) saying how, and its cookie on
   the answer, which the caller gives. 0 or an FP_E code. */
int fp_session_start_cookie(struct fp_req *r, const struct fp_user *u, enum fp_session_via via, const char *audit_after);
/* The second step of a sign-in begun another way: a challenge for user_id, answered by POST
   /sessions/second-factor within five minutes, its token into token. 0 or an FP_E code. */
int fp_mfa_challenge_begin(struct fp_req *r, int64_t user_id, char token[48]);

/* Second-factor codes are throttled with the sign-in failures of the account's email and the
   caller's address (h_sessions.c): the check answers 429 and returns -1 when over the limit. */
int fp_code_throttled_or_respond(struct fp_req *r, const char *email);
void fp_code_failure_record(struct fp_req *r, const char *email);

/* Answers 429 too_many_attempts with Retry-After: the seconds until the oldest attempt counted
   (at `oldest`) leaves the window of `window` seconds (at least 1). `what` names the attempts. */
void fp_reply_throttled(struct fp_req *r, int64_t oldest, int64_t window, const char *what);
/* The single-use link requests (password resets, email changes) recorded under `key`: at `max`
   within the last `window` seconds, answers 429 (fp_reply_throttled, `what` naming them) and
   returns -1; a store error answers too; otherwise 0. */
int fp_account_requests_throttled_or_respond(struct fp_req *r, const char *key, int max, int64_t window, const char *what);

/* email is no account's address yet: otherwise answers 409 email_taken (naming 'email') or the store's
   error, and returns -1. A check before the work (a password hash); the transaction checks again. */
int fp_email_free_or_respond(struct fp_req *r, struct fp_conn *c, const char *email);
/* Answers 410 token_expired: a single-use link spent or past its time. */
void fp_reply_link_spent(struct fp_req *r);
/* Answers the use of a single-use link by its transaction's rc: 0, 204; FP_EREFUSED, 410
   (fp_reply_link_spent); otherwise the store's error. */
void fp_reply_link_used(struct fp_req *r, int rc);

/* Exactly one of a TOTP code and a recovery code must be given: otherwise answers 400 naming 'code'
   and returns -1. */
int fp_second_factor_one_or_respond(struct fp_req *r, const char *code, const char *recovery);
/* The two body fields that give a second factor, for a field table (http/fields.h): 'code' (from the
   authenticator app) into *code, 'recovery_code' into *recovery; both optional, exactly one is wanted. */
#define FP_SECOND_FACTOR_FIELDS(code, recovery)                                                           \
  {"code", FP_F_STRING, false, 1, 16, NULL, (code), NULL},                                                  \
  {                                                                                                         \
    "recovery_code", FP_F_STRING, false, 1, 32, NULL, (recovery), NULL                                      \
  }

struct fp_user;
/* The signed-in user's account into *u (with its password hash: wipe it when done). Answers the
   store's error and returns -1 when it cannot be read. */
int fp_me_or_respond(struct fp_req *r, struct fp_user *u);
/* The same, when the request proves it is them with their password (the field "current_password"):
   answers 400 wrong_password and returns -1 when it is not theirs. */
int fp_me_with_password_or_respond(struct fp_req *r, const char *current_password, struct fp_user *u);

/*
 * A second factor as given: a recovery code becomes its hash (in recovery_hash, *recovery set to
 * it), to be spent by the caller's write transaction, which decides whether it was right; a TOTP
 * code is matched now against the user's confirmed secret (*ok, and *step its time step, for the
 * write to record so that no code is taken twice). 0, or a store error (answered by the caller).
 */
struct fp_conn;
int fp_second_factor_check(struct fp_conn *c, int64_t user_id, fp_time now, const char *code, const char *recovery,
                           unsigned char recovery_hash[], const unsigned char **recovery_out, int64_t *step, bool *ok);

#endif
