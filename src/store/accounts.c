/* Users, roles, sessions, sign-in throttling and the audit log. See accounts.h. */
#include "store/accounts.h"
#include "store/rows.h"
#include "store/sql.h"

#include <ctype.h>
#include <string.h>

#include "core/error.h"

#define USER_COLS \
  "id, email, name, password_hash, active, created_at, must_change_password, demo_account, deactivated_at, erased_at"

static int read_user(fp_stmt *st, struct fp_user *u) {
  int rc = fp_step(st);
  if (rc == FP_DONE) return FP_ENOTFOUND;
  if (rc != FP_ROW) return FP_EIO;
  u->id = fp_col_int64(st, 0);
  fp_db_col_copy(st, 1, u->email, sizeof u->email);
  fp_db_col_copy(st, 2, u->name, sizeof u->name);
  fp_db_col_copy(st, 3, u->password_hash, sizeof u->password_hash);
  u->active = fp_col_int64(st, 4) != 0;
  u->created_at = fp_col_int64(st, 5);
  u->must_change_password = fp_col_int64(st, 6) != 0;
  u->demo_account = fp_col_int64(st, 7) != 0;
  u->deactivated_at = fp_col_int64(st, 8);
  u->erased_at = fp_col_int64(st, 9);
  fp_reset(st);
  return 0;
}

int fp_store_user_by_email(struct fp_conn *c, const char *email, struct fp_user *out) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT " USER_COLS " FROM users WHERE email = lower(?)", fp_txt(email));
  if (!st) return FP_EIO;
  return read_user(st, out);
}

int fp_store_user_by_id(struct fp_conn *c, int64_t id, struct fp_user *out) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT " USER_COLS " FROM users WHERE id = ?", fp_int(id));
  if (!st) return FP_EIO;
  return read_user(st, out);
}

int fp_store_user_insert(struct fp_conn *c, const char *email, const char *name, const char *password_hash,
                         int64_t now, int64_t *id) {
  return FP_DB_INSERT(c, id,
      "INSERT INTO users (email, name, password_hash, active, created_at) VALUES (lower(?), ?, ?, 1, ?)", fp_txt(email),
      fp_txt(name), fp_txt(password_hash), fp_int(now));
}

int fp_store_user_set_email(struct fp_conn *c, int64_t user_id, const char *email) {
  return FP_DB_RUN(c, "UPDATE users SET email = lower(?) WHERE id = ?", fp_txt(email), fp_int(user_id));
}

int fp_store_user_set_password(struct fp_conn *c, int64_t user_id, const char *password_hash) {
  return FP_DB_RUN(c, "UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?",
      fp_txt(password_hash), fp_int(user_id));
}

int fp_store_user_set_must_change_password(struct fp_conn *c, int64_t user_id) {
  return FP_DB_RUN_INTS(c, "UPDATE users SET must_change_password = 1 WHERE id = ?", user_id);
}

int fp_store_user_set_demo_account(struct fp_conn *c, int64_t user_id) {
  return FP_DB_RUN_INTS(c, "UPDATE users SET demo_account = 1 WHERE id = ?", user_id);
}

int fp_store_user_set_active(struct fp_conn *c, int64_t user_id, bool active, int64_t now) {
  /* Closing records when (the retention periods run from it); reopening clears it. An account
     closed already keeps the time it was first closed. */
  if (active) return FP_DB_RUN_INTS(c, "UPDATE users SET active = 1, deactivated_at = NULL WHERE id = ?", user_id);
  return FP_DB_RUN_INTS(c, "UPDATE users SET active = 0, deactivated_at = COALESCE(deactivated_at, ?) WHERE id = ?", now,
                        user_id);
}

int fp_store_role_insert(struct fp_conn *c, int64_t user_id, const char *role, int64_t organisation_id,
                         int64_t pool_id) {
  fp_stmt *count = fp_db_stmt(c, "SELECT COUNT(*) FROM user_roles WHERE user_id = ?");
  if (!count) return FP_EIO;
  fp_bind_int64(count, 1, user_id);
  int rc = fp_step(count);
  int held = rc == FP_ROW ? fp_col_int64(count, 0) : 0;
  fp_reset(count);
  if (rc != FP_ROW) return FP_EIO;
  if (held >= FP_MAX_ROLES) return FP_ETOOBIG;
  return FP_DB_RUN(c, "INSERT INTO user_roles (user_id, role, organisation_id, pool_id) VALUES (?, ?, ?, ?)",
      fp_int(user_id), fp_txt(role), fp_id(organisation_id), fp_id(pool_id));
}

int fp_store_roles_of(struct fp_conn *c, int64_t user_id, struct fp_role_row *rows, int max, int *n) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT role, COALESCE(organisation_id, 0), COALESCE(pool_id, 0) FROM user_roles WHERE user_id = ? ORDER BY id",
      fp_int(user_id));
  if (!st) return FP_EIO;
  *n = 0;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (*n == max) {
      fp_reset(st);
      return FP_ETOOBIG;
    }
    fp_db_col_copy(st, 0, rows[*n].role, sizeof rows[*n].role);
    rows[*n].organisation_id = fp_col_int64(st, 1);
    rows[*n].pool_id = fp_col_int64(st, 2);
    (*n)++;
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_clinician_of_user(struct fp_conn *c, int64_t user_id, int64_t *clinician_id, char *profession,
                               size_t profession_len) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT id, profession FROM clinicians WHERE user_id = ?", fp_int(user_id));
  if (!st) return FP_EIO;
  *clinician_id = 0;
  profession[0] = 0;
  int rc = FP_STEP_ONE(st, fp_out_int(clinician_id), fp_out_text(profession, profession_len));
  return rc == FP_ENOTFOUND ? 0 : rc; /* none: left as they were */
}

int fp_store_pools_of_clinician(struct fp_conn *c, int64_t clinician_id, int64_t *pools, int max, int *n,
                                int64_t *overflow_icbs, int *n_overflow) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT m.pool_id, p.icb_id, p.overflow FROM pool_members m JOIN pools p ON p.id = m.pool_id"
      " WHERE m.clinician_id = ? ORDER BY m.pool_id",
      fp_int(clinician_id));
  if (!st) return FP_EIO;
  int rc, k = 0, o = 0;
  *n = 0;
  *n_overflow = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (k == max) {
      fp_reset(st);
      return FP_ETOOBIG;
    }
    pools[k++] = fp_col_int64(st, 0);
    int64_t icb = fp_col_int64(st, 1);
    bool seen = false;
    for (int i = 0; i < o; i++) seen |= overflow_icbs[i] == icb;
    if (icb && fp_col_int64(st, 2) != 0 && !seen) overflow_icbs[o++] = icb;
  }
  fp_reset(st);
  *n = k;
  *n_overflow = o;
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_clinician_home(struct fp_conn *c, int64_t clinician_id, char *postcode, size_t len, int64_t *radius_km) {
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT COALESCE(home_postcode,''), COALESCE(travel_radius_km,0) FROM clinicians WHERE id = ?",
          fp_int(clinician_id));
  if (!st) return FP_EIO;
  postcode[0] = 0;
  *radius_km = 0;
  int rc = FP_STEP_ONE(st, fp_out_text(postcode, len), fp_out_int(radius_km));
  return rc == FP_ENOTFOUND ? 0 : rc; /* none: left as they were */
}

int fp_store_session_insert(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t user_id,
                            const char *csrf, enum fp_session_via via, int64_t now, int64_t *id) {
  return FP_DB_INSERT(c, id,
      "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at, via) VALUES (?, ?, ?, ?, ?, ?)",
      fp_blob(token_hash, hash_len), fp_int(user_id), fp_txt(csrf), fp_int(now), fp_int(now), fp_int(via));
}

int fp_store_session_find(struct fp_conn *c, const unsigned char *token_hash, size_t hash_len, int64_t now,
                          int64_t idle, int64_t *session_id, int64_t *user_id, char *csrf, size_t csrf_len,
                          int64_t *last_seen, enum fp_session_via *via) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT s.id, s.user_id, s.csrf, s.last_seen_at, s.via FROM sessions s JOIN users u ON u.id = s.user_id"
      " WHERE s.token_hash = ? AND s.last_seen_at > ? AND u.active = 1",
      fp_blob(token_hash, hash_len), fp_int(now - idle));
  if (!st) return FP_EIO;
  int64_t v = 0;
  int rc = FP_STEP_ONE(st, fp_out_int(session_id), fp_out_int(user_id), fp_out_text(csrf, csrf_len), fp_out_int(last_seen),
                       fp_out_int(&v));
  *via = v == FP_VIA_PROVIDER_MFA ? FP_VIA_PROVIDER_MFA : v == FP_VIA_PROVIDER ? FP_VIA_PROVIDER : FP_VIA_PASSWORD;
  return rc;
}

int fp_store_session_touch(struct fp_conn *c, int64_t session_id, int64_t now) {
  return FP_DB_RUN_INTS(c, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", now, session_id);
}

int fp_store_session_delete(struct fp_conn *c, int64_t session_id) {
  return FP_DB_RUN_INTS(c, "DELETE FROM sessions WHERE id = ?", session_id);
}

int fp_store_sessions_delete_for_user(struct fp_conn *c, int64_t user_id, int64_t except_session_id) {
  return FP_DB_RUN_INTS(c, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", user_id, except_session_id);
}

int fp_store_sessions_expire(struct fp_conn *c, int64_t now, int64_t idle, int64_t *n) {
  *n = 0;
  int rc = FP_DB_RUN_INTS(c, "DELETE FROM sessions WHERE last_seen_at <= ?", now - idle);
  if (rc == 0) *n = fp_db_changes(c);
  return rc;
}

int fp_store_sessions_active(struct fp_conn *c, int64_t now, int64_t idle, int64_t *n) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.last_seen_at > ? AND u.active = 1",
      fp_int(now - idle));
  if (!st) return FP_EIO;
  *n = 0;
  return fp_step_int(st, n) == 0 ? 0 : FP_EIO;
}

int fp_store_registration_attempts(struct fp_conn *c, const char *address, int64_t since, int *n, int64_t *oldest) {
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM registration_attempts WHERE address = ? AND at > ?",
          fp_txt(address), fp_int(since));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    *n = fp_col_int64(st, 0);
    *oldest = fp_col_int64(st, 1);
  }
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_store_registration_attempt_add(struct fp_conn *c, const char *address, int64_t now) {
  fp_stmt *st =
      FP_DB_STMT(c, "INSERT INTO registration_attempts (address, at) VALUES (?, ?)", fp_txt(address), fp_int(now));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  /* Keep the table small: nothing older than a day matters (the window is at most a day). */
  st = FP_DB_STMT(c, "DELETE FROM registration_attempts WHERE at < ?", fp_int(now - 86400));
  if (!st) return FP_EIO;
  return fp_db_exec_stmt(st);
}

int fp_store_login_failures(struct fp_conn *c, const char *account, const char *address, int64_t since,
                            int *n_account, int *n_address, int64_t *oldest_account, int64_t *oldest_address) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT (SELECT COUNT(*) FROM login_failures WHERE account = lower(?1) AND at > ?3),"
      "       (SELECT MIN(at) FROM login_failures WHERE account = lower(?1) AND at > ?3),"
      "       (SELECT COUNT(*) FROM login_failures WHERE address = ?2 AND at > ?3),"
      "       (SELECT MIN(at) FROM login_failures WHERE address = ?2 AND at > ?3)",
      fp_txt(account), fp_txt(address), fp_int(since));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    *n_account = fp_col_int64(st, 0);
    *oldest_account = fp_col_int64(st, 1);
    *n_address = fp_col_int64(st, 2);
    *oldest_address = fp_col_int64(st, 3);
  }
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_store_login_failure_add(struct fp_conn *c, const char *account, const char *address, int64_t now) {
  fp_stmt *st = FP_DB_STMT(c, "INSERT INTO login_failures (account, address, at) VALUES (lower(?), ?, ?)",
      fp_txt(account), fp_txt(address), fp_int(now));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  /* Keep the table small: nothing older than a day matters. */
  st = FP_DB_STMT(c, "DELETE FROM login_failures WHERE at < ?", fp_int(now - 86400));
  if (!st) return FP_EIO;
  return fp_db_exec_stmt(st);
}

int fp_store_login_failures_clear(struct fp_conn *c, const char *account) {
  return FP_DB_RUN(c, "DELETE FROM login_failures WHERE account = lower(?)", fp_txt(account));
}

/* The audit row is append-only; its before and after documents, which may name people, go into
   audit_personal beside it (erasable: store/erasure.h). On PostgreSQL both in one statement. */
#define AUDIT_ROW "INSERT INTO audit (at, actor_user_id, action, entity, entity_id) VALUES (?1, ?2, ?3, ?4, ?5)"

int fp_store_audit(struct fp_conn *c, int64_t now, int64_t actor, const char *action, const char *entity,
                   int64_t entity_id, const char *before, const char *after) {
  /* Nobody waits for its answer: on PostgreSQL it goes with the next statement (sql.h). */
  if (!before && !after)
    return FP_DB_RUN_LATER(c, AUDIT_ROW, fp_int(now), fp_id(actor), fp_txt(action), fp_txt(entity), fp_int(entity_id));
  if (fp_db_engine(c) == FP_ENGINE_POSTGRES)
    return FP_DB_RUN_LATER(c,
        "WITH a AS (" AUDIT_ROW " RETURNING id) INSERT INTO audit_personal (audit_id, before, after)"
        " SELECT id, CAST(?6 AS TEXT), CAST(?7 AS TEXT) FROM a",
        fp_int(now), fp_id(actor), fp_txt(action), fp_txt(entity), fp_int(entity_id), fp_txt(before), fp_txt(after));
  int rc = FP_DB_RUN(c, AUDIT_ROW, fp_int(now), fp_id(actor), fp_txt(action), fp_txt(entity), fp_int(entity_id));
  if (!rc)
    rc = FP_DB_RUN(c, "INSERT INTO audit_personal (audit_id, before, after) VALUES (last_insert_rowid(), ?, ?)",
                   fp_txt(before), fp_txt(after));
  return rc;
}

int fp_store_audit_reason(struct fp_conn *c, int64_t now, int64_t actor, const char *action, const char *entity,
                          int64_t entity_id, const char *before, const char *after_head, const char *reason) {
  if (fp_db_engine(c) == FP_ENGINE_POSTGRES)
    return FP_DB_RUN(c,
        "WITH a AS (" AUDIT_ROW " RETURNING id) INSERT INTO audit_personal (audit_id, before, after)"
        " SELECT id, CAST(?6 AS TEXT), CAST(?7 AS TEXT) || '\"reason\":' || CAST(to_json(CAST(?8 AS TEXT)) AS TEXT) || '}'"
        " FROM a",
        fp_int(now), fp_id(actor), fp_txt(action), fp_txt(entity), fp_int(entity_id), fp_txt(before), fp_txt(after_head),
        fp_txt(reason));
  int rc = FP_DB_RUN(c, AUDIT_ROW, fp_int(now), fp_id(actor), fp_txt(action), fp_txt(entity), fp_int(entity_id));
  if (!rc)
    rc = FP_DB_RUN(c, "INSERT INTO audit_personal (audit_id, before, after)"
                      " VALUES (last_insert_rowid(), ?1, ?2 || '\"reason\":' || json_quote(?3) || '}')",
                   fp_txt(before), fp_txt(after_head), fp_txt(reason));
  return rc;
}

int fp_store_audit_json_user(struct fp_conn *c, int64_t now, int64_t user_id, const char *email, const char *role) {
  /* The document is made by the engine's own JSON functions (the email is the user's text). */
  if (fp_db_engine(c) == FP_ENGINE_POSTGRES)
    return FP_DB_RUN(c,
        "WITH a AS (INSERT INTO audit (at, actor_user_id, action, entity, entity_id) VALUES (?1, NULL, 'user.create',"
        " 'user', ?2) RETURNING id) INSERT INTO audit_personal (audit_id, before, after) SELECT id, NULL,"
        " CAST(json_build_object('email', CAST(?3 AS TEXT), 'role', CAST(?4 AS TEXT), 'via', 'cli') AS TEXT) FROM a",
        fp_int(now), fp_int(user_id), fp_txt(email), fp_txt(role));
  int rc = FP_DB_RUN(c, "INSERT INTO audit (at, actor_user_id, action, entity, entity_id) VALUES (?, NULL, 'user.create',"
                        " 'user', ?)", fp_int(now), fp_int(user_id));
  if (!rc)
    rc = FP_DB_RUN(c, "INSERT INTO audit_personal (audit_id, before, after) VALUES (last_insert_rowid(), NULL,"
                      " json_object('email', ?, 'role', ?, 'via', 'cli'))", fp_txt(email), fp_txt(role));
  return rc;
}
