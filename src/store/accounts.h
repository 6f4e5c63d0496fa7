/*
 * accounts.h - users, their roles, sessions and sign-in throttling in the store.
 */
#ifndef FP_STORE_ACCOUNTS_H
#define FP_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

struct fp_user {
  int64_t id;
  char email[256];
  char name[201];
  char password_hash[160];
  bool active;
  bool must_change_password;  /* set by someone else (an administrator): changed at first sign-in */
  bool demo_account;          /* one of the demo's documented accounts: never asked for a second factor */
  int64_t created_at;
  int64_t deactivated_at;     /* when the account was closed; 0 while active */
  int64_t erased_at;          /* when its personal data was erased (store/erasure.h); 0: not erased */
};

struct fp_role_row {
  char role[24];
  int64_t organisation_id;
  int64_t pool_id;
};

/* 0, FP_ENOTFOUND or FP_EIO. Emails are compared case-insensitively (stored lower case). */
int fp_store_user_by_email(struct fp_conn *c, const char *email, struct fp_user *out);
int fp_store_user_by_id(struct fp_conn *c, int64_t id, struct fp_user *out);
/* Inserts a user; *id receives the new id. FP_ECONFLICT when the email is taken. */
int fp_store_user_insert(struct fp_conn *c, const char *email, const char *name, const char *password_hash,
                         int64_t now, int64_t *id);
/* Sets the user's own new password (which clears must_change_password). */
int fp_store_user_set_password(struct fp_conn *c, int64_t user_id, const char *password_hash);
/* Changes the user's email address (stored lower case). FP_ECONFLICT when another account has it. */
int fp_store_user_set_email(struct fp_conn *c, int64_t user_id, const char *email);
/* Marks a password as set by someone else: the user must change it before doing anything else. */
int fp_store_user_set_must_change_password(struct fp_conn *c, int64_t user_id);
/* Marks a user as one of the demo's documented accounts. */
int fp_store_user_set_demo_account(struct fp_conn *c, int64_t user_id);
/* Opens or closes an account; closing records deactivated_at = now (docs/RETENTION.md). */
int fp_store_user_set_active(struct fp_conn *c, int64_t user_id, bool active, int64_t now);
/*
 * The most roles one user may hold. Enforced where roles come in (fp_store_role_insert answers
 * FP_ETOOBIG for one more), so whoever reads a user's roles reads all of them.
 */
#define FP_MAX_ROLES 16
/*
 * Adds a role; FP_ETOOBIG when the user already holds FP_MAX_ROLES. Any caller that grants a role
 * to an existing account must answer that with a 4xx naming the limit.
 */
int fp_store_role_insert(struct fp_conn *c, int64_t user_id, const char *role, int64_t organisation_id,
                         int64_t pool_id);
/* Every role of the user (at most FP_MAX_ROLES) into rows; *n receives the count. FP_ETOOBIG when the
   store holds more than max (which fp_store_role_insert never lets happen). */
int fp_store_roles_of(struct fp_conn *c, int64_t user_id, struct fp_role_row *rows, int max, int *n);
/* The clinician id and profession of a user (0 / "" when not a clinician). */
int fp_store_clinician_of_user(struct fp_conn *c, int64_t user_id, int64_t *clinician_id, char *profession,
                               size_t profession_len);

/*
 * The most pools one clinician may be a member of: admitting them to one more is refused where it
 * happens (fp_store_pool_member_insert answers FP_ETOOBIG), so their pools are always known in full.
 */
#define FP_MAX_CLINICIAN_POOLS 16
/* The pools a clinician is a member of into pools, *n the count; FP_ETOOBIG when there are more than max.
   overflow_icbs (room for max) receives the ICBs of those that opted in to overflow, once each. */
int fp_store_pools_of_clinician(struct fp_conn *c, int64_t clinician_id, int64_t *pools, int max, int *n,
                                int64_t *overflow_icbs, int *n_overflow);

/* A clinician's home postcode ("" when none) and travel radius (0 when none). */
int fp_store_clinician_home(struct fp_conn *c, int64_t clinician_id, char *postcode, size_t len, int64_t *radius_km);

/* Sessions: the token itself is never stored, only its hash. */
/* How the session's person proved who they are (sessions.via). */
enum fp_session_via { FP_VIA_PASSWORD = 0, FP_VIA_PROVIDER = 1, FP_VIA_PROVIDER_MFA = 2 };
int fp_store_session_insert(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t user_id,
                            const char *csrf, enum fp_session_via via, int64_t now, int64_t *id);
/* Finds a live session (last seen within idle seconds of now, user active). FP_ENOTFOUND otherwise. */
int fp_store_session_find(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t now,
                          int64_t idle, int64_t *session_id, int64_t *user_id, char *csrf, size_t csrf_len,
                          int64_t *last_seen, enum fp_session_via *via);
int fp_store_session_touch(struct fp_conn *c, int64_t session_id, int64_t now);
int fp_store_session_delete(struct fp_conn *c, int64_t session_id);
int fp_store_sessions_delete_for_user(struct fp_conn *c, int64_t user_id, int64_t except_session_id);
/* Deletes the sessions that have expired (not seen within idle seconds of now, as
   fp_store_session_find refuses them); *n says how many. */
int fp_store_sessions_expire(struct fp_conn *c, int64_t now, int64_t idle, int64_t *n);
/* How many sessions are live now (as fp_store_session_find counts one), for the operators' figures. */
int fp_store_sessions_active(struct fp_conn *c, int64_t now, int64_t idle, int64_t *n);

/* Registration throttling: attempts from an address since `since` (count and the oldest). */
int fp_store_registration_attempts(struct fp_conn *c, const char *address, int64_t since, int *n, int64_t *oldest);
int fp_store_registration_attempt_add(struct fp_conn *c, const char *address, int64_t now);

/* Sign-in throttling: failures for an account and for an address since `since`. */
int fp_store_login_failures(struct fp_conn *c, const char *account, const char *address, int64_t since,
                            int *n_account, int *n_address, int64_t *oldest_account, int64_t *oldest_address);
int fp_store_login_failure_add(struct fp_conn *c, const char *account, const char *address, int64_t now);
int fp_store_login_failures_clear(struct fp_conn *c, const char *account);

/* Audit: append one record. before/after are JSON text or NULL. */
int fp_store_audit(struct fp_conn *c, int64_t now, int64_t actor, const char *action, const char *entity,
                   int64_t entity_id, const char *before, const char *after);

/* Audit with the user's text `reason` in `after`: after_head is a JSON object's opening and
   members up to a comma ("{\"status\":\"x\","), to which the engine's own JSON quoting adds
   "reason":<reason>} (the reason is never quoted by hand). */
int fp_store_audit_reason(struct fp_conn *c, int64_t now, int64_t actor, const char *action, const char *entity,
                          int64_t entity_id, const char *before, const char *after_head, const char *reason);

/* Audit of a user created from the command line: after = {"email": ..., "role": ...}. */
int fp_store_audit_json_user(struct fp_conn *c, int64_t now, int64_t user_id, const char *email, const char *role);

#endif
