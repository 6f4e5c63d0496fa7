/* A practice's favourite and blocked clinicians. See marks.h. */
#include "store/marks.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/rows.h"
#include "store/sql.h"

const char *fp_mark_kind_name(enum fp_mark_kind k) { return k == FP_MARK_BLOCKED ? "blocked" : "favourite"; }

int fp_store_clinician_in_practice_pools(struct fp_conn *c, int64_t clinician_id, int64_t practice_id, bool *yes) {
  return FP_DB_BOOL(c, yes,
      "SELECT EXISTS (SELECT 1 FROM pool_members m JOIN pool_members o ON o.pool_id = m.pool_id"
      " WHERE m.clinician_id = ? AND o.organisation_id = ?)",
      fp_int(clinician_id), fp_int(practice_id));
}

#define MARK_COLS "k.practice_id, k.clinician_id, k.kind, u.name, cl.profession, k.added_at"
#define MARK_FROM " FROM practice_clinician_marks k JOIN clinicians cl ON cl.id = k.clinician_id JOIN users u ON u.id = cl.user_id"

static void read_mark(fp_stmt *st, struct fp_mark *m) {
  memset(m, 0, sizeof *m);
  m->practice_id = fp_col_int64(st, 0);
  m->clinician_id = fp_col_int64(st, 1);
  const char *k = fp_col_text(st, 2);
  m->kind = k && strcmp(k, "blocked") == 0 ? FP_MARK_BLOCKED : FP_MARK_FAVOURITE;
  fp_db_col_copy(st, 3, m->clinician_name, sizeof m->clinician_name);
  fp_db_col_copy(st, 4, m->profession, sizeof m->profession);
  m->added_at = fp_col_int64(st, 5);
}

int fp_store_mark_get(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, struct fp_mark *out) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT " MARK_COLS MARK_FROM " WHERE k.practice_id = ? AND k.clinician_id = ?",
      fp_int(practice_id), fp_int(clinician_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) read_mark(st, out);
  fp_reset(st);
  return rc == FP_ROW ? 0 : rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
}

static int audit_mark(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, const char *action,
                      const char *kind, int64_t actor, int64_t now) {
  char after[128];
  snprintf(after, sizeof after, "{\"practice_id\":%lld,\"clinician_id\":%lld,\"kind\":\"%s\"}", (long long)practice_id,
           (long long)clinician_id, kind);
  return fp_store_audit(c, now, actor, action, "organisation", practice_id, NULL, after);
}

int fp_store_mark_set(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, enum fp_mark_kind kind,
                      int64_t actor, int64_t now, bool *changed) {
  const char *name = fp_mark_kind_name(kind);
  *changed = false;
  struct fp_mark cur;
  int rc = fp_store_mark_get(c, practice_id, clinician_id, &cur);
  if (rc == 0 && cur.kind == kind) return 0;
  if (rc && rc != FP_ENOTFOUND) return rc;
  fp_stmt *st = FP_DB_STMT(c, "SELECT COUNT(*) FROM practice_clinician_marks WHERE practice_id = ? AND kind = ?",
      fp_int(practice_id), fp_txt(name));
  if (!st) return FP_EIO;
  int64_t n = fp_step(st) == FP_ROW ? fp_col_int64(st, 0) : -1;
  fp_reset(st);
  if (n < 0) return FP_EIO;
  if (n >= FP_MARKS_MAX) return FP_ECONFLICT;
  st = FP_DB_STMT(c,
      "INSERT INTO practice_clinician_marks (practice_id, clinician_id, kind, added_by, added_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (practice_id, clinician_id)"
      " DO UPDATE SET kind = ?3, added_by = ?4, added_at = ?5",
      fp_int(practice_id), fp_int(clinician_id), fp_txt(name), fp_id(actor), fp_int(now));
  if (!st) return FP_EIO;
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  *changed = true;
  return audit_mark(c, practice_id, clinician_id, kind == FP_MARK_BLOCKED ? "practice.block" : "practice.favourite",
                    name, actor, now);
}

int fp_store_mark_clear(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, enum fp_mark_kind kind,
                        int64_t actor, int64_t now) {
  const char *name = fp_mark_kind_name(kind);
  fp_stmt *st =
      FP_DB_STMT(c, "DELETE FROM practice_clinician_marks WHERE practice_id = ? AND clinician_id = ? AND kind = ?",
          fp_int(practice_id), fp_int(clinician_id), fp_txt(name));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  if (fp_db_changes(c) == 0) return FP_ENOTFOUND;
  return audit_mark(c, practice_id, clinician_id, kind == FP_MARK_BLOCKED ? "practice.unblock" : "practice.unfavourite",
                    name, actor, now);
}

int fp_store_mark_list(struct fp_conn *c, int64_t practice_id, enum fp_mark_kind kind, bool has_cursor, int64_t at,
                       int64_t id, int limit, void (*cb)(const struct fp_mark *m, void *ctx), void *ctx, bool *more) {
  *more = false;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " MARK_COLS MARK_FROM " WHERE k.practice_id = ?1 AND k.kind = ?2"
      " AND (?3 = 0 OR k.added_at < ?4 OR (k.added_at = ?4 AND k.clinician_id < ?5))"
      " ORDER BY k.added_at DESC, k.clinician_id DESC LIMIT ?6",
      fp_int(practice_id), fp_txt(fp_mark_kind_name(kind)), fp_int(has_cursor ? 1 : 0), fp_int(at), fp_int(id),
      fp_int((int64_t)limit + 1));
  if (!st) return FP_EIO;
  int rc, n = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == limit) {
      *more = true;
      break;
    }
    struct fp_mark m;
    read_mark(st, &m);
    cb(&m, ctx);
    n++;
  }
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}
