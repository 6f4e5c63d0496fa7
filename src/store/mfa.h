/*
 * mfa.h - the second factor in the store: a user's TOTP secret (RFC 6238), their single-use
 * recovery codes (only hashes are stored), and the pending second step of a sign-in (a challenge
 * whose token, like a session's, is stored only as its hash).
 *
 * The secret must be kept readable (the server computes codes from it); it never leaves the store
 * except to the user enrolling, once.
 */
#ifndef FP_STORE_MFA_H
#define FP_STORE_MFA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/accounts.h"
#include "store/db.h"

#define FP_MFA_SECRET_MAX 64
#define FP_RECOVERY_CODES 10
#define FP_RECOVERY_HASH_LEN 32

struct fp_totp {
  char secret[FP_MFA_SECRET_MAX]; /* base32 (RFC 4648) */
  bool enabled;                   /* confirmed with a code; false while enrolment is pending */
  int64_t last_step;              /* the last time step whose code was accepted (no code is taken twice) */
};

/* The user's TOTP record; FP_ENOTFOUND when there is none. */
int fp_store_totp_get(struct fp_conn *c, int64_t user_id, struct fp_totp *out);
/* Whether the user has a confirmed TOTP second factor. */
int fp_store_totp_enabled(struct fp_conn *c, int64_t user_id, bool *enabled);
/* Starts (or restarts) enrolment with a new secret; FP_ECONFLICT when a confirmed one exists. */
int fp_store_totp_begin(struct fp_conn *c, int64_t user_id, const char *secret, int64_t now);
/* Confirms enrolment at time step `step`. */
int fp_store_totp_enable(struct fp_conn *c, int64_t user_id, int64_t step, int64_t now);
/* Takes time step `step` as used; FP_ECONFLICT when it (or a later one) was used already. */
int fp_store_totp_use_step(struct fp_conn *c, int64_t user_id, int64_t step);
/* Removes the second factor and its recovery codes. */
int fp_store_totp_delete(struct fp_conn *c, int64_t user_id);

/* Replaces the user's recovery codes with these FP_RECOVERY_CODES hashes. */
int fp_store_recovery_codes_replace(struct fp_conn *c, int64_t user_id,
                                    const unsigned char hashes[][FP_RECOVERY_HASH_LEN], int n, int64_t now);
/* Uses the unused code with this hash; FP_ENOTFOUND when there is none. */
int fp_store_recovery_code_use(struct fp_conn *c, int64_t user_id, const unsigned char *hash, int64_t now);
/* How many unused recovery codes the user has. */
int fp_store_recovery_codes_left(struct fp_conn *c, int64_t user_id, int *n);

/* The second step of a sign-in: a challenge created when the first step (the password, or an OpenID
   Connect provider: via) was right. */
int fp_store_mfa_challenge_insert(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t user_id,
                                  enum fp_session_via via, int64_t now);
/* The user of a challenge created after `since`, and how its first step was made; FP_ENOTFOUND otherwise. */
int fp_store_mfa_challenge_find(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t since,
                                int64_t *user_id, enum fp_session_via *via);
/* Removes a challenge (once used) and every challenge older than `before`. */
int fp_store_mfa_challenge_delete(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t before);

#endif
