/*
 * auth.h - passwords (Argon2id), session tokens (random, stored hashed) and working out who is
 * asking from the Authorization header or the session cookie. libsodium does the cryptography.
 */
#ifndef FP_HTTP_AUTH_H
#define FP_HTTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

#define FP_COOKIE_NAME "fp_session"
#define FP_TOKEN_HASH_LEN 32

/* Hashes a password into out (crypto_pwhash_STRBYTES). 0 or FP_ENOMEM. */
int fp_password_hash(const char *password, char *out, size_t out_len);
bool fp_password_verify(const char *hash, const char *password);
/*
 * Spends the time of one verification against a dummy hash, so that an unknown email address
 * takes as long to refuse as a wrong password (no account discovery by timing).
 */
void fp_password_burn(const char *password);
/* Minimum 10 characters, at most 200. */
bool fp_password_acceptable(const char *password);

/* A new random token (43 base64url chars + NUL) and its hash. */
void fp_token_new(char token[48], unsigned char hash[FP_TOKEN_HASH_LEN]);
void fp_token_hash(const char *token, unsigned char hash[FP_TOKEN_HASH_LEN]);

/*
 * Fills r->auth from a bearer token or the session cookie. A presented but dead credential leaves
 * the request anonymous. Returns 0, or FP_EIO on a store failure.
 */
int fp_auth_resolve(struct fp_req *r);
/* Loads the roles and clinician id of user_id into a. */
int fp_auth_load_user(struct fp_req *r, int64_t user_id, struct fp_auth *a);

#endif
