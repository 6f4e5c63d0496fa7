/* The second factor in the store. See mfa.h. */
#include "store/mfa.h"
#include "store/rows.h"
#include "store/sql.h"

#include <string.h>

#include "core/error.h"

int fp_store_totp_get(struct fp_conn *c, int64_t user_id, struct fp_totp *out) {
  fp_stmt *st = FP_DB_STMT(
      c, "SELECT secret, enabled_at IS NOT NULL, last_step FROM user_totp WHERE user_id = ?", fp_int(user_id));
  if (!st) return FP_EIO;
  return FP_STEP_ONE(
      st, fp_out_text(out->secret, sizeof out->secret), fp_out_bool(&out->enabled), fp_out_int(&out->last_step));
}

int fp_store_totp_enabled(struct fp_conn *c, int64_t user_id, bool *enabled) {
  struct fp_totp t;
  int rc = fp_store_totp_get(c, user_id, &t);
  *enabled = rc == 0 && t.enabled;
  memset(&t, 0, sizeof t);
  return rc == FP_ENOTFOUND ? 0 : rc;
}

int fp_store_totp_begin(struct fp_conn *c, int64_t user_id, const char *secret, int64_t now) {
  struct fp_totp t;
  int rc = fp_store_totp_get(c, user_id, &t);
  memset(&t.secret, 0, sizeof t.secret);
  if (rc == 0 && t.enabled) return FP_ECONFLICT;
  if (rc != 0 && rc != FP_ENOTFOUND) return rc;
  return FP_DB_RUN(c,
      "INSERT INTO user_totp (user_id, secret, created_at, enabled_at, last_step) VALUES (?1, ?2, ?3, NULL, 0)"
      " ON CONFLICT (user_id) DO UPDATE SET secret = ?2, created_at = ?3, enabled_at = NULL, last_step = 0",
      fp_int(user_id), fp_txt(secret), fp_int(now));
}

int fp_store_totp_enable(struct fp_conn *c, int64_t user_id, int64_t step, int64_t now) {
  fp_stmt *st =
      FP_DB_STMT(c, "UPDATE user_totp SET enabled_at = ?, last_step = ? WHERE user_id = ? AND enabled_at IS NULL",
          fp_int(now), fp_int(step), fp_int(user_id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  return fp_db_changes(c) == 1 ? 0 : FP_ECONFLICT;
}

int fp_store_totp_use_step(struct fp_conn *c, int64_t user_id, int64_t step) {
  fp_stmt *st = FP_DB_STMT(
      c, "UPDATE user_totp SET last_step = ?1 WHERE user_id = ?2 AND last_step < ?1", fp_int(step), fp_int(user_id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  return fp_db_changes(c) == 1 ? 0 : FP_ECONFLICT;
}

int fp_store_totp_delete(struct fp_conn *c, int64_t user_id) {
  fp_stmt *st = FP_DB_STMT(c, "DELETE FROM user_totp WHERE user_id = ?", fp_int(user_id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  st = FP_DB_STMT(c, "DELETE FROM recovery_codes WHERE user_id = ?", fp_int(user_id));
  if (!st) return FP_EIO;
  return fp_db_exec_stmt(st);
}

int fp_store_recovery_codes_replace(struct fp_conn *c, int64_t user_id,
                                    const unsigned char hashes[][FP_RECOVERY_HASH_LEN], int n, int64_t now) {
  (void)now;
  fp_stmt *st = FP_DB_STMT(c, "DELETE FROM recovery_codes WHERE user_id = ?", fp_int(user_id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  for (int i = 0; rc == 0 && i < n; i++) {
    st = FP_DB_STMT(c, "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (?, ?, NULL)", fp_int(user_id),
        fp_blob(hashes[i], FP_RECOVERY_HASH_LEN));
    if (!st) return FP_EIO;
    rc = fp_db_exec_stmt(st);
  }
  return rc;
}

int fp_store_recovery_code_use(struct fp_conn *c, int64_t user_id, const unsigned char *hash, int64_t now) {
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE recovery_codes SET used_at = ? WHERE id = (SELECT id FROM recovery_codes"
      " WHERE user_id = ? AND code_hash = ? AND used_at IS NULL LIMIT 1)",
      fp_int(now), fp_int(user_id), fp_blob(hash, FP_RECOVERY_HASH_LEN));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  return fp_db_changes(c) == 1 ? 0 : FP_ENOTFOUND;
}

int fp_store_recovery_codes_left(struct fp_conn *c, int64_t user_id, int *n) {
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", fp_int(user_id));
  if (!st) return FP_EIO;
  int64_t v = 0;
  int rc = fp_step_int(st, &v);
  *n = (int)v;
  return rc == 0 ? 0 : FP_EIO;
}

int fp_store_mfa_challenge_insert(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t user_id,
                                  enum fp_session_via via, int64_t now) {
  return FP_DB_RUN(c, "INSERT INTO mfa_challenges (token_hash, user_id, created_at, via) VALUES (?, ?, ?, ?)",
      fp_blob(token_hash, hash_len), fp_int(user_id), fp_int(now), fp_int(via == FP_VIA_PASSWORD ? 0 : 1));
}

int fp_store_mfa_challenge_find(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t since,
                                int64_t *user_id, enum fp_session_via *via) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT m.user_id, m.via FROM mfa_challenges m JOIN users u ON u.id = m.user_id"
      " WHERE m.token_hash = ? AND m.created_at > ? AND u.active = 1",
      fp_blob(token_hash, hash_len), fp_int(since));
  if (!st) return FP_EIO;
  int64_t v = 0;
  int rc = FP_STEP_ONE(st, fp_out_int(user_id), fp_out_int(&v));
  *via = v ? FP_VIA_PROVIDER : FP_VIA_PASSWORD;
  return rc;
}

int fp_store_mfa_challenge_delete(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t before) {
  return FP_DB_RUN(c, "DELETE FROM mfa_challenges WHERE token_hash = ? OR created_at < ?",
      fp_blob(token_hash, hash_len), fp_int(before));
}
