/*
 * oidc.h - what sign-in through an OpenID Connect provider (NHS CIS2; http/oidc.h, http/h_oidc.c)
 * keeps: the sign-ins under way and the identities linked to accounts.
 *
 * A sign-in under way is kept by the hash of its `state`, with the hash of the browser's binding
 * cookie, the nonce and the PKCE verifier: in the database, so that whichever server receives the
 * callback can finish it; taken once (deleted as it is read) and only within FP_OIDC_REQUEST_SECONDS.
 *
 * An identity is the provider's (issuer, subject) pair; it names one account and never grants a role.
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_OIDC_H
#define FP_STORE_OIDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define FP_OIDC_HASH_LEN 32          /* BLAKE2b-256 of a state or a binding cookie */
#define FP_OIDC_REQUEST_SECONDS 600  /* a sign-in must come back within ten minutes */
#define FP_OIDC_VALUE_MAX 128        /* a nonce or a PKCE verifier (43 characters as made here) */
#define FP_OIDC_SUBJECT_MAX 255      /* OpenID Connect Core 1.0 section 2: at most 255 ASCII characters */
#define FP_OIDC_ISSUER_MAX 255

struct fp_oidc_request {
  unsigned char binding_hash[FP_OIDC_HASH_LEN];
  char nonce[FP_OIDC_VALUE_MAX + 1];
  char verifier[FP_OIDC_VALUE_MAX + 1];
  int64_t created_at;
};

/* Keeps a sign-in under way, and deletes those older than FP_OIDC_REQUEST_SECONDS. In a write
   transaction. */
int fp_store_oidc_request_add(struct fp_conn *c, const unsigned char state_hash[FP_OIDC_HASH_LEN],
                              const struct fp_oidc_request *in, int64_t now);
/* Takes the sign-in of state_hash: deletes it and gives it in *out when it was there and is not older
   than FP_OIDC_REQUEST_SECONDS; FP_ENOTFOUND otherwise (never made, taken already, or expired: the
   caller cannot tell which, and need not). Two servers taking one state: one of them gets it. In a
   write transaction. */
int fp_store_oidc_request_take(struct fp_conn *c, const unsigned char state_hash[FP_OIDC_HASH_LEN], int64_t now,
                               struct fp_oidc_request *out);

/* The account linked to (issuer, subject): 0 with *user_id, or FP_ENOTFOUND. */
int fp_store_oidc_identity_find(struct fp_conn *c, const char *issuer, const char *subject, int64_t *user_id);
/* Links (issuer, subject) to user_id (linked_by 0: by the person's own verified email at their first
   sign-in), audited as "oidc.link" by actor (0: the person). FP_ECONFLICT when the identity is
   linked already. In a write transaction. */
int fp_store_oidc_identity_link(struct fp_conn *c, const char *issuer, const char *subject, int64_t user_id,
                                int64_t linked_by, int64_t now);
/* Whether user_id has an identity of issuer's linked already (*any). */
int fp_store_oidc_identity_any(struct fp_conn *c, const char *issuer, int64_t user_id, bool *any);
/* Unlinks (issuer, subject) from user_id, audited as "oidc.unlink" by actor. FP_ENOTFOUND when that
   identity is not linked to that account. In a write transaction. */
int fp_store_oidc_identity_unlink(struct fp_conn *c, const char *issuer, const char *subject, int64_t user_id,
                                  int64_t actor, int64_t now);
struct fp_oidc_identity {
  char issuer[FP_OIDC_ISSUER_MAX + 1];
  char subject[FP_OIDC_SUBJECT_MAX + 1];
  int64_t linked_at, linked_by, last_used_at; /* linked_by 0: by the person's verified email */
};
/* The identities linked to user_id, oldest first, each handed to cb. */
int fp_store_oidc_identities_of(struct fp_conn *c, int64_t user_id,
                                void (*cb)(const struct fp_oidc_identity *id, void *ctx), void *ctx);
/* The ODS codes of the organisations user_id's roles are at: a practice's or ICB's own, a pool's host
   organisation's (--oidc-match-org-code). At most max (a user has at most FP_MAX_ROLES roles); more
   is FP_ETOOBIG, never a cut list. */
int fp_store_user_org_codes(struct fp_conn *c, int64_t user_id, char (*codes)[16], int max, int *n);
/* Records that the identity was used to sign in now. In a write transaction. */
int fp_store_oidc_identity_used(struct fp_conn *c, const char *issuer, const char *subject, int64_t now);

#endif
