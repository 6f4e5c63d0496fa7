/* Sign-ins through an OpenID Connect provider: under way and linked. See oidc.h. */
#include "store/oidc.h"

#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/rows.h"
#include "store/sql.h"

int fp_store_oidc_request_add(struct fp_conn *c, const unsigned char state_hash[FP_OIDC_HASH_LEN],
                              const struct fp_oidc_request *in, int64_t now) {
  /* A bounded sweep of the abandoned ones with each new one: never a growing table. */
  int rc = FP_DB_RUN(c, "DELETE FROM oidc_requests WHERE state_hash IN (SELECT state_hash FROM oidc_requests"
                        " WHERE created_at < ? LIMIT 20)", fp_int(now - FP_OIDC_REQUEST_SECONDS));
  if (rc) return rc;
  return FP_DB_RUN(c, "INSERT INTO oidc_requests (state_hash, binding_hash, nonce, verifier, created_at) VALUES (?, ?, ?, ?, ?)",
                   fp_blob(state_hash, FP_OIDC_HASH_LEN), fp_blob(in->binding_hash, FP_OIDC_HASH_LEN), fp_txt(in->nonce),
                   fp_txt(in->verifier), fp_int(now));
}

int fp_store_oidc_request_take(struct fp_conn *c, const unsigned char state_hash[FP_OIDC_HASH_LEN], int64_t now,
                               struct fp_oidc_request *out) {
  memset(out, 0, sizeof *out);
  fp_stmt *st = FP_DB_STMT(c, "SELECT binding_hash, nonce, verifier, created_at FROM oidc_requests WHERE state_hash = ?",
                           fp_blob(state_hash, FP_OIDC_HASH_LEN));
  if (!st) return FP_EIO;
  int s = fp_step(st), rc = 0;
  if (s == FP_ROW) {
    if (fp_col_bytes(st, 0) == FP_OIDC_HASH_LEN) memcpy(out->binding_hash, fp_col_blob(st, 0), FP_OIDC_HASH_LEN);
    else rc = FP_EIO;
    if (!rc) rc = fp_db_col_copy(st, 1, out->nonce, sizeof out->nonce);
    if (!rc) rc = fp_db_col_copy(st, 2, out->verifier, sizeof out->verifier);
    out->created_at = fp_col_int64(st, 3);
  }
  fp_reset(st);
  if (s == FP_DONE) return FP_ENOTFOUND;
  if (s != FP_ROW) return FP_EIO;
  if (rc) return rc;
  /* Deleted here, whatever its age: a state is taken once. On PostgreSQL a second server taking the
     same state at once deletes nothing, and is refused. */
  if ((rc = FP_DB_RUN(c, "DELETE FROM oidc_requests WHERE state_hash = ?", fp_blob(state_hash, FP_OIDC_HASH_LEN))) != 0)
    return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  if (out->created_at < now - FP_OIDC_REQUEST_SECONDS) return FP_ENOTFOUND;
  return 0;
}

int fp_store_oidc_identity_find(struct fp_conn *c, const char *issuer, const char *subject, int64_t *user_id) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT user_id FROM oidc_identities WHERE issuer = ? AND subject = ?", fp_txt(issuer),
                           fp_txt(subject));
  if (!st) return FP_EIO;
  int s = fp_step(st);
  if (s == FP_ROW) *user_id = fp_col_int64(st, 0);
  fp_reset(st);
  return s == FP_ROW ? 0 : s == FP_DONE ? FP_ENOTFOUND : FP_EIO;
}

int fp_store_oidc_identity_link(struct fp_conn *c, const char *issuer, const char *subject, int64_t user_id,
                                int64_t linked_by, int64_t now) {
  int64_t other = 0;
  int rc = fp_store_oidc_identity_find(c, issuer, subject, &other);
  if (rc == 0) return FP_ECONFLICT;
  if (rc != FP_ENOTFOUND) return rc;
  if ((rc = FP_DB_RUN(c, "INSERT INTO oidc_identities (issuer, subject, user_id, linked_at, linked_by) VALUES (?, ?, ?, ?, ?)",
                      fp_txt(issuer), fp_txt(subject), fp_int(user_id), fp_int(now), fp_id(linked_by))) != 0)
    return rc;
  /* The audit names the issuer, never the subject (a CIS2 subject is a person's identifier). */
  return fp_store_audit(c, now, linked_by ? linked_by : user_id, "oidc.link", "user", user_id, NULL,
                        linked_by ? "{\"linked_by\":\"administrator\"}" : "{\"linked_by\":\"verified_email\"}");
}

int fp_store_oidc_identity_used(struct fp_conn *c, const char *issuer, const char *subject, int64_t now) {
  return FP_DB_RUN(c, "UPDATE oidc_identities SET last_used_at = ? WHERE issuer = ? AND subject = ?", fp_int(now),
                   fp_txt(issuer), fp_txt(subject));
}

int fp_store_oidc_identity_any(struct fp_conn *c, const char *issuer, int64_t user_id, bool *any) {
  return FP_DB_BOOL(c, any, "SELECT EXISTS (SELECT 1 FROM oidc_identities WHERE user_id = ? AND issuer = ?)", fp_int(user_id),
                    fp_txt(issuer));
}

int fp_store_oidc_identity_unlink(struct fp_conn *c, const char *issuer, const char *subject, int64_t user_id,
                                  int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c, "DELETE FROM oidc_identities WHERE issuer = ? AND subject = ? AND user_id = ?", fp_txt(issuer),
                     fp_txt(subject), fp_int(user_id));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  return fp_store_audit(c, now, actor, "oidc.unlink", "user", user_id, NULL, NULL);
}

int fp_store_oidc_identities_of(struct fp_conn *c, int64_t user_id,
                                void (*cb)(const struct fp_oidc_identity *id, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT issuer, subject, linked_at, linked_by, last_used_at FROM oidc_identities WHERE user_id = ?"
                              " ORDER BY linked_at, issuer, subject", fp_int(user_id));
  if (!st) return FP_EIO;
  int s = FP_DONE, rc = 0;
  while (rc == 0 && (s = fp_step(st)) == FP_ROW) {
    struct fp_oidc_identity id;
    memset(&id, 0, sizeof id);
    rc = fp_db_col_copy(st, 0, id.issuer, sizeof id.issuer);
    if (!rc) rc = fp_db_col_copy(st, 1, id.subject, sizeof id.subject);
    id.linked_at = fp_col_int64(st, 2);
    id.linked_by = fp_col_int64(st, 3);
    id.last_used_at = fp_col_int64(st, 4);
    if (!rc) cb(&id, ctx);
  }
  fp_reset(st);
  if (rc) return rc;
  return s == FP_DONE ? 0 : FP_EIO;
}

int fp_store_user_org_codes(struct fp_conn *c, int64_t user_id, char (*codes)[16], int max, int *n) {
  *n = 0;
  fp_stmt *st = FP_DB_STMT(c, "SELECT o.ods_code FROM user_roles r JOIN organisations o ON o.id = r.organisation_id"
                              " WHERE r.user_id = ?1"
                              " UNION SELECT o.ods_code FROM user_roles r JOIN pools p ON p.id = r.pool_id"
                              " JOIN organisations o ON o.id = p.host_organisation_id WHERE r.user_id = ?1",
                           fp_int(user_id));
  if (!st) return FP_EIO;
  int s = FP_DONE, rc = 0;
  while (rc == 0 && (s = fp_step(st)) == FP_ROW) {
    if (*n == max) rc = FP_ETOOBIG;
    else rc = fp_db_col_copy(st, 0, codes[(*n)++], 16);
  }
  fp_reset(st);
  if (rc) return rc;
  return s == FP_DONE ? 0 : FP_EIO;
}
