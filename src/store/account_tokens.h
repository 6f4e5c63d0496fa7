/*
 * account_tokens.h - single-use links sent by email to act on an account without signing in
 * (issue 12): a password reset, and the confirmation of a new email address from that address.
 * Only a token's hash is stored (the token itself travels in the email: the outbox row is marked
 * secret, so its link is wiped once the email is sent or given up, store/outbox.h). A token works
 * once, until it expires; taking it is the write that spends it.
 *
 * Also the requests for such links, counted per key (an email address, a client address) for
 * throttling.
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_ACCOUNT_TOKENS_H
#define FP_STORE_ACCOUNT_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

enum fp_account_token_purpose { FP_TOKEN_PASSWORD_RESET, FP_TOKEN_EMAIL_CHANGE };

/* Stores a new token's hash for user_id (and, for an email change, the new address), valid until
   expires_at. 0 or FP_EIO. */
int fp_store_account_token_insert(struct fp_conn *c, enum fp_account_token_purpose purpose, const unsigned char *hash,
                                  size_t hash_len, int64_t user_id, const char *new_email, int64_t now,
                                  int64_t expires_at);

enum fp_account_token_state { FP_TOKEN_VALID, FP_TOKEN_SPENT, FP_TOKEN_UNKNOWN };
/*
 * Spends the token with this hash and purpose at now: FP_TOKEN_VALID (now used; *user_id and, for
 * an email change, new_email set), FP_TOKEN_SPENT (it existed but was used or has expired: the
 * caller answers 410) or FP_TOKEN_UNKNOWN. Spending one also spends the user's other unused
 * tokens of that purpose (an older link stops working once a newer one was used). In a write
 * transaction. 0 or FP_EIO.
 */
int fp_store_account_token_take(struct fp_conn *c, enum fp_account_token_purpose purpose, const unsigned char *hash,
                                size_t hash_len, int64_t now, enum fp_account_token_state *state, int64_t *user_id,
                                char *new_email, size_t new_email_len);

/* The state the token would be taken in at now, without spending it (*user_id set when valid). A read. */
int fp_store_account_token_peek(struct fp_conn *c, enum fp_account_token_purpose purpose, const unsigned char *hash,
                                size_t hash_len, int64_t now, enum fp_account_token_state *state, int64_t *user_id);

/* How many requests were counted for key since `since`, and the oldest one's time. 0 or FP_EIO. */
int fp_store_account_requests(struct fp_conn *c, const char *key, int64_t since, int *n, int64_t *oldest);
/* Counts a request for key at now (and forgets those older than a day). 0 or FP_EIO. */
int fp_store_account_request_add(struct fp_conn *c, const char *key, int64_t now);

#endif
