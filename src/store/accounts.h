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
  int64_t created_at;
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
int fp_store_user_set_password(struct fp_conn *c, int64_t user_id, const char *password_hash);
int fp_store_user_set_active(struct fp_conn *c, int64_t user_id, bool active);
int fp_store_role_insert(struct fp_conn *c, int64_t user_id, const char *role, int64_t organisation_id,
                         int64_t pool_id);
/* Up to max roles of the user into rows; *n receives the count. */
int fp_store_roles_of(struct fp_conn *c, int64_t user_id, struct fp_role_row *rows, int max, int *n);
/* The clinician id and profession of a user (0 / "" when not a clinician). */
int fp_store_clinician_of_user(struct fp_conn *c, int64_t user_id, int64_t *clinician_id, char *profession,
                               size_t profession_len);

/* The pools a clinician is a member of, up to max, in *n; -1 in *n when there are more than max. */
int fp_store_pools_of_clinician(struct fp_conn *c, int64_t clinician_id, int64_t *pools, int max, int *n);

/* A clinician's home postcode ("" when none) and travel radius (0 when none). */
int fp_store_clinician_home(struct fp_conn *c, int64_t clinician_id, char *postcode, size_t len, int64_t *radius_km);

/* Sessions: the token itself is never stored, only its hash. */
int fp_store_session_insert(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t user_id,
                            const char *csrf, int64_t now, int64_t *id);
/* Finds a live session (last seen within idle seconds of now, user active). FP_ENOTFOUND otherwise. */
int fp_store_session_find(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t now,
                          int64_t idle, int64_t *session_id, int64_t *user_id, char *csrf, size_t csrf_len,
                          int64_t *last_seen);
int fp_store_session_touch(struct fp_conn *c, int64_t session_id, int64_t now);
int fp_store_session_delete(struct fp_conn *c, int64_t session_id);
int fp_store_sessions_delete_for_user(struct fp_conn *c, int64_t user_id, int64_t except_session_id);

/* Sign-in throttling: failures for an account and for an address since `since`. */
int fp_store_login_failures(struct fp_conn *c, const char *account, const char *address, int64_t since,
                            int *n_account, int *n_address, int64_t *oldest_account, int64_t *oldest_address);
int fp_store_login_failure_add(struct fp_conn *c, const char *account, const char *address, int64_t now);
int fp_store_login_failures_clear(struct fp_conn *c, const char *account);

/* Audit: append one record. before/after are JSON text or NULL. */
int fp_store_audit(struct fp_conn *c, int64_t now, int64_t actor, const char *action, const char *entity,
                   int64_t entity_id, const char *before, const char *after);

/* Audit of a user created from the command line: after = {"email": ..., "role": ...}. */
int fp_store_audit_json_user(struct fp_conn *c, int64_t now, int64_t user_id, const char *email, const char *role);

#endif
