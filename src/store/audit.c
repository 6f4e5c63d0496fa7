/* Reading the audit log. See audit.h. */
#include "store/audit.h"
#include "store/rows.h"
#include "store/sql.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

static const struct fp_colspec AUDIT_READ[] = {
    FP_C(INT, struct fp_audit_entry, id),
    FP_C(INT, struct fp_audit_entry, at),
    FP_C(INT, struct fp_audit_entry, actor_user_id),
    FP_C(STR, struct fp_audit_entry, actor_email),
    FP_C(STR, struct fp_audit_entry, actor_name),
    FP_C(STR, struct fp_audit_entry, action),
    FP_C(STR, struct fp_audit_entry, entity),
    FP_C(INT, struct fp_audit_entry, entity_id),
    FP_C(STRN, struct fp_audit_entry, before),
    FP_C(STRN, struct fp_audit_entry, after),
};

/* The rows the scope's staff answer for (audit.h): the entity's own row must be in their scope. */
static void where_scope(struct fp_sql *q, const struct fp_scope *scope) {
  fp_sql_add(q, " AND ((a.entity = 'shift' AND a.entity_id IN (SELECT s.id FROM shifts s WHERE ");
  fp_scope_where(q, scope, "s.practice_id", "s.icb_id", NULL);
  fp_sql_add(q, ")) OR (a.entity = 'booking' AND a.entity_id IN (SELECT b.id FROM bookings b"
                " JOIN shifts s ON s.id = b.shift_id WHERE ");
  fp_scope_where(q, scope, "s.practice_id", "s.icb_id", NULL);
  fp_sql_add(q, "))");
  if (scope->n_pools) {
    fp_sql_add(q, " OR (a.entity = 'passport_check' AND a.entity_id IN (SELECT k.id FROM passport_checks k"
                  " JOIN pool_members m ON m.clinician_id = k.clinician_id WHERE m.pool_id IN ");
    fp_sql_id_list(q, scope->pools, scope->n_pools);
    fp_sql_add(q, "))");
  }
  fp_sql_add(q, ")");
}

int fp_store_audit_search(struct fp_conn *c, const struct fp_audit_query *q,
                          void (*cb)(const struct fp_audit_entry *e, void *ctx), void *ctx, bool *more) {
  /* One condition per filter given, so that each shape can use its index (audit_entity,
     audit_actor) rather than one catch-all text scanning the whole log; values are bound. */
  struct fp_sql sql;
  fp_sql_init(&sql);
  fp_sql_add(&sql, "SELECT a.id, a.at, COALESCE(a.actor_user_id,0), COALESCE(u.email,''), COALESCE(u.name,''), a.action, a.entity,"
                   " COALESCE(a.entity_id,0), p.before, p.after FROM audit a LEFT JOIN users u ON u.id = a.actor_user_id"
                   " LEFT JOIN audit_personal p ON p.audit_id = a.id"
                   " WHERE a.id < ");
  fp_sql_int(&sql, q->before_id > 0 ? q->before_id : INT64_MAX);
  if (q->entity) {
    fp_sql_add(&sql, " AND a.entity = ");
    fp_sql_text(&sql, q->entity);
  }
  if (q->entity_id >= 0) {
    fp_sql_add(&sql, " AND a.entity_id = ");
    fp_sql_int(&sql, q->entity_id);
  }
  if (q->actor_user_id) {
    fp_sql_add(&sql, " AND a.actor_user_id = ");
    fp_sql_int(&sql, q->actor_user_id);
  }
  if (q->action) {
    fp_sql_add(&sql, " AND a.action = ");
    fp_sql_text(&sql, q->action);
  }
  if (q->scope && !q->scope->all) where_scope(&sql, q->scope);
  fp_sql_add(&sql, " ORDER BY a.id DESC LIMIT ");
  fp_sql_int(&sql, q->limit + 1);
  fp_stmt *st = fp_sql_prepare(c, &sql);
  if (!st) return FP_EIO;
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
