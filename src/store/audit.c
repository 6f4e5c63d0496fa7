/* Reading the audit log. See audit.h. */
#include "store/audit.h"
#include "store/rows.h"
#include "store/sql.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

static const struct fp_colspec AUDIT_READ[] = {
    FP_C(INT, struct fp_audit_entry, id),
    FP_C(INT, struct fp_audit_entry, at),
    FP_C(INT, struct fp_audit_entry, actor_user_id),
    FP_C(STR, struct fp_audit_entry, actor_email),
    FP_C(STR, struct fp_audit_entry, action),
    FP_C(STR, struct fp_audit_entry, entity),
    FP_C(INT, struct fp_audit_entry, entity_id),
    FP_C(STRN, struct fp_audit_entry, before),
    FP_C(STRN, struct fp_audit_entry, after),
};

int fp_store_audit_search(struct fp_conn *c, const struct fp_audit_query *q,
                          void (*cb)(const struct fp_audit_entry *e, void *ctx), void *ctx, bool *more) {
  /*
   * The statement is put together from fixed pieces, one per filter given, so that each shape can
   * use its index (audit_entity, audit_actor) rather than one catch-all text scanning the whole log;
   * at most 16 texts, all with bound parameters.
   */
  char sql[768];
  snprintf(sql, sizeof sql,
           "SELECT a.id, a.at, COALESCE(a.actor_user_id,0), COALESCE(u.email,''), a.action, a.entity,"
           " COALESCE(a.entity_id,0), a.before, a.after FROM audit a LEFT JOIN users u ON u.id = a.actor_user_id"
           " WHERE a.id < ?1%s%s%s%s ORDER BY a.id DESC LIMIT ?6",
           q->entity ? " AND a.entity = ?2" : "", q->entity_id >= 0 ? " AND a.entity_id = ?3" : "",
           q->actor_user_id ? " AND a.actor_user_id = ?4" : "", q->action ? " AND a.action = ?5" : "");
  fp_stmt *st = fp_db_stmt(c, sql);
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, q->before_id > 0 ? q->before_id : INT64_MAX);
  if (q->entity) fp_bind_text(st, 2, q->entity);
  if (q->entity_id >= 0) fp_bind_int64(st, 3, q->entity_id);
  if (q->actor_user_id) fp_bind_int64(st, 4, q->actor_user_id);
  if (q->action) fp_bind_text(st, 5, q->action);
  fp_bind_int64(st, 6, q->limit + 1);
  int rc, n = 0;
  *more = false;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == q->limit) {
      *more = true;
      break;
    }
    struct fp_audit_entry e;
    fp_read_cols(st, 0, AUDIT_READ, FP_NCOLS(AUDIT_READ), &e);
    cb(&e, ctx);
    n++;
  }
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}
