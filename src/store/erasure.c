/* Erasing a closed account's personal data, and the ledger. See erasure.h. */
#include "store/erasure.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/rows.h"
#include "store/sql.h"
#include "store/subject.h"

int fp_store_erasure_candidates(struct fp_conn *c, int64_t closed_before, int64_t after_closed, int64_t after_id,
                                int max, int (*cb)(const struct fp_erasure_candidate *e, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT u.id, u.deactivated_at, COALESCE((SELECT MAX(CASE WHEN i.paid_at IS NOT NULL AND i.paid_at > i.issued_at"
      "  THEN i.paid_at ELSE i.issued_at END) FROM invoices i JOIN clinicians cl ON cl.id = i.clinician_id"
      "  WHERE cl.user_id = u.id), 0),"
      " COALESCE((SELECT MAX(f.signed_at) FROM form_a_signatures f JOIN invoices i ON i.id = f.invoice_id"
      "  JOIN clinicians cl ON cl.id = i.clinician_id WHERE cl.user_id = u.id), 0)"
      " FROM users u WHERE u.active = 0 AND u.erased_at IS NULL AND u.deactivated_at IS NOT NULL"
      " AND u.deactivated_at <= ?1 AND (u.deactivated_at > ?2 OR (u.deactivated_at = ?2 AND u.id > ?3))"
      " ORDER BY u.deactivated_at, u.id LIMIT ?4",
      fp_int(closed_before), fp_int(after_closed), fp_int(after_id), fp_int(max));
  if (!st) return FP_EIO;
  int rc = 0, s;
  while ((s = fp_step(st)) == FP_ROW) {
    struct fp_erasure_candidate e = {fp_col_int64(st, 0), fp_col_int64(st, 1), fp_col_int64(st, 2)};
    int64_t signed_at = fp_col_int64(st, 3);
    if (signed_at > e.last_financial) e.last_financial = signed_at;
    if ((rc = cb(&e, ctx)) != 0) break;
  }
  if (!rc && s != FP_DONE && s != FP_ROW) rc = FP_EIO;
  fp_reset(st);
  return rc;
}

/* Runs each ';'-separated statement of a source's erasure with the person's parameters. */
static int run_erase(struct fp_conn *c, const char *sql, int64_t user_id, int64_t clinician_id, const char *email,
                     int64_t now, const char *name) {
  while (*sql) {
    const char *end = strchr(sql, ';');
    size_t n = end ? (size_t)(end - sql) : strlen(sql);
    char one[2048];
    if (n >= sizeof one) return FP_ETOOBIG; /* longer than any erasure written: refuse, never cut */
    memcpy(one, sql, n);
    one[n] = '\0';
    fp_stmt *st = fp_db_stmt(c, one);
    if (!st) return FP_EIO;
    fp_bind_int64(st, 1, user_id);
    fp_bind_int64(st, 2, clinician_id);
    fp_bind_text(st, 3, email);
    fp_bind_int64(st, 4, now);
    fp_bind_text(st, 5, name);
    int rc = fp_db_exec_stmt(st);
    if (rc) return rc;
    sql = end ? end + 1 : sql + n;
  }
  return 0;
}

int fp_store_erase_person(struct fp_conn *c, const struct fp_erasure *e, bool *done) {
  *done = false;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT u.email, u.erased_at IS NOT NULL, COALESCE(u.deactivated_at, 0), COALESCE(cl.id, 0), u.name"
      " FROM users u LEFT JOIN clinicians cl ON cl.user_id = u.id WHERE u.id = ?",
      fp_int(e->user_id));
  if (!st) return FP_EIO;
  int s = fp_step(st);
  if (s != FP_ROW) {
    fp_reset(st);
    return s == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  }
  char email[320], name[256];
  fp_db_col_copy(st, 0, email, sizeof email);
  fp_db_col_copy(st, 4, name, sizeof name);
  bool erased = fp_col_int64(st, 1) != 0;
  int64_t deactivated_at = fp_col_int64(st, 2), clinician_id = fp_col_int64(st, 3);
  fp_reset(st);
  if (erased) return 0;
  if (!deactivated_at) deactivated_at = e->deactivated_at;
  /* Closed (a restored copy may hold the account open) and signed out everywhere. */
  int rc = FP_DB_RUN(c, "UPDATE users SET active = 0, deactivated_at = ? WHERE id = ?", fp_int(deactivated_at),
                     fp_int(e->user_id));
  /* The ledger first: the invoices' trigger asks it. A ledger that names them already (applied
     again from a file) keeps its first entry. */
  if (!rc)
    rc = FP_DB_RUN(c,
        "INSERT INTO erasures (user_id, deactivated_at, erased_at) SELECT ?1, ?2, ?3"
        " WHERE NOT EXISTS (SELECT 1 FROM erasures WHERE user_id = ?1)",
        fp_int(e->user_id), fp_int(deactivated_at), fp_int(e->erased_at));
  for (size_t i = 0; !rc && i < FP_SUBJECT_N_SOURCES; i++) {
    const char *sql = FP_SUBJECT_SOURCES[i].erase;
    if (!sql) return FP_EINVAL; /* every source says what erasure does: tests/unit/store */
    rc = run_erase(c, sql, e->user_id, clinician_id, email, e->erased_at, name);
  }
  if (!rc) rc = fp_store_audit(c, e->erased_at, 0, "user.erase", "user", e->user_id, NULL, NULL);
  if (!rc) *done = true;
  return rc;
}

int fp_store_erasures_list(struct fp_conn *c, int (*cb)(const struct fp_erasure *e, void *ctx), void *ctx) {
  fp_stmt *st = fp_db_stmt(c, "SELECT user_id, deactivated_at, erased_at FROM erasures ORDER BY erased_at, user_id");
  if (!st) return FP_EIO;
  int rc = 0, s;
  while ((s = fp_step(st)) == FP_ROW) {
    struct fp_erasure e = {fp_col_int64(st, 0), fp_col_int64(st, 1), fp_col_int64(st, 2)};
    if ((rc = cb(&e, ctx)) != 0) break;
  }
  if (!rc && s != FP_DONE && s != FP_ROW) rc = FP_EIO;
  fp_reset(st);
  return rc;
}

int fp_store_correspondence_expire(struct fp_conn *c, int64_t notes_before, int64_t mail_before, int64_t hooks_before,
                                   int64_t *notes, int64_t *sent) {
  *notes = *sent = 0;
  int rc = FP_DB_RUN(c, "DELETE FROM notifications WHERE created_at < ?", fp_int(notes_before));
  if (rc) return rc;
  *notes = fp_db_changes(c);
  /* A message still queued is never taken from under its worker: only those finished. */
#define OLD_MESSAGES                                                                                                   \
  "SELECT id FROM outbox WHERE state IN ('sent','failed') AND ((channel = 'email' AND created_at < ?1)"                 \
  " OR (channel <> 'email' AND created_at < ?2))"
  rc = FP_DB_RUN(c, "DELETE FROM outbox_attempts WHERE outbox_id IN (" OLD_MESSAGES ")", fp_int(mail_before),
                 fp_int(hooks_before));
  if (!rc) rc = FP_DB_RUN(c, "DELETE FROM outbox WHERE id IN (" OLD_MESSAGES ")", fp_int(mail_before), fp_int(hooks_before));
#undef OLD_MESSAGES
  if (!rc) *sent = fp_db_changes(c);
  return rc;
}
