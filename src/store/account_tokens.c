/* Single-use account links. See account_tokens.h. */
#include "store/account_tokens.h"

#include <stdbool.h>
#include <string.h>

#include "core/error.h"
#include "store/rows.h"
#include "store/sql.h"

static const char *purpose_name(enum fp_account_token_purpose p) {
  return p == FP_TOKEN_EMAIL_CHANGE ? "email_change" : "password_reset";
}

int fp_store_account_token_insert(struct fp_conn *c, enum fp_account_token_purpose purpose, const unsigned char *hash,
                                  size_t hash_len, int64_t user_id, const char *new_email, int64_t now,
                                  int64_t expires_at) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO account_tokens (purpose, token_hash, user_id, new_email, created_at, expires_at)"
      " VALUES (?, ?, ?, lower(?), ?, ?)",
      fp_txt(purpose_name(purpose)), fp_blob(hash, hash_len), fp_int(user_id), fp_txt(new_email), fp_int(now),
      fp_int(expires_at));
  if (!st) return FP_EIO;
  return fp_db_exec_stmt(st) ? FP_EIO : 0;
}

/* The token's state at now and, while valid, whose it is (and its new address, when new_email):
   the one reading of a token that taking and peeking share. */
static int token_read(struct fp_conn *c, enum fp_account_token_purpose purpose, const unsigned char *hash,
                      size_t hash_len, int64_t now, enum fp_account_token_state *state, int64_t *user_id,
                      char *new_email, size_t new_email_len) {
  *state = FP_TOKEN_UNKNOWN;
  *user_id = 0;
  if (new_email && new_email_len) new_email[0] = 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT user_id, expires_at, COALESCE(used_at, 0), COALESCE(new_email, '')"
      " FROM account_tokens WHERE token_hash = ? AND purpose = ?",
      fp_blob(hash, hash_len), fp_txt(purpose_name(purpose)));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    bool spent = fp_col_int64(st, 2) != 0 || now >= fp_col_int64(st, 1);
    *state = spent ? FP_TOKEN_SPENT : FP_TOKEN_VALID;
    *user_id = spent ? 0 : fp_col_int64(st, 0);
    if (!spent && new_email && fp_db_col_copy(st, 3, new_email, new_email_len)) rc = FP_EIO;
  }
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_account_token_take(struct fp_conn *c, enum fp_account_token_purpose purpose, const unsigned char *hash,
                                size_t hash_len, int64_t now, enum fp_account_token_state *state, int64_t *user_id,
                                char *new_email, size_t new_email_len) {
  int rc = token_read(c, purpose, hash, hash_len, now, state, user_id, new_email, new_email_len);
  if (rc || *state != FP_TOKEN_VALID) return rc;
  /* Used: this one and every other of the account's for the same purpose. */
  fp_stmt *st =
      FP_DB_STMT(c, "UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
          fp_int(now), fp_int(*user_id), fp_txt(purpose_name(purpose)));
  if (!st) return FP_EIO;
  return fp_db_exec_stmt(st) ? FP_EIO : 0;
}

int fp_store_account_token_peek(struct fp_conn *c, enum fp_account_token_purpose purpose, const unsigned char *hash,
                                size_t hash_len, int64_t now, enum fp_account_token_state *state, int64_t *user_id) {
  return token_read(c, purpose, hash, hash_len, now, state, user_id, NULL, 0);
}

int fp_store_account_requests(struct fp_conn *c, const char *key, int64_t since, int *n, int64_t *oldest) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM account_token_requests WHERE request_key = ? AND at > ?", fp_txt(key),
      fp_int(since));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    *n = (int)fp_col_int64(st, 0);
    *oldest = fp_col_int64(st, 1);
  }
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_store_account_request_add(struct fp_conn *c, const char *key, int64_t now) {
  fp_stmt *st =
      FP_DB_STMT(c, "INSERT INTO account_token_requests (request_key, at) VALUES (?, ?)", fp_txt(key), fp_int(now));
  if (!st) return FP_EIO;
  if (fp_db_exec_stmt(st)) return FP_EIO;
  st = FP_DB_STMT(c, "DELETE FROM account_token_requests WHERE at < ?", fp_int(now - 86400));
  if (!st) return FP_EIO;
  return fp_db_exec_stmt(st) ? FP_EIO : 0;
}
