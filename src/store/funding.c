/* A pool's programme funding. See funding.h. */
#include "store/funding.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/rows.h"

#define ENTRY_COLS "id, pool_id, kind, on_day, amount_pence, description, COALESCE(created_by, 0), created_at"

static const struct fp_colspec ENTRY_READ[] = {
    FP_C(INT, struct fp_funding_entry, id),
    FP_C(INT, struct fp_funding_entry, pool_id),
    FP_C(TEXT, struct fp_funding_entry, kind),
    FP_C(INT, struct fp_funding_entry, on_day),
    FP_C(INT, struct fp_funding_entry, amount_pence),
    FP_C(TEXT, struct fp_funding_entry, description),
    FP_C(INT, struct fp_funding_entry, created_by),
    FP_C(INT, struct fp_funding_entry, created_at),
};

FP_ROWS(read_entry, each_entry, struct fp_funding_entry, ENTRY_READ)

int fp_store_funding_add(struct fp_conn *c, const struct fp_funding_entry *e, int64_t actor, int64_t now, int64_t *id) {
  int rc = FP_DB_INSERT(c, id,
      "INSERT INTO pool_funding (pool_id, kind, on_day, amount_pence, description, created_by, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)",
      fp_int(e->pool_id), fp_txt(e->kind), fp_int(e->on_day), fp_int(e->amount_pence), fp_txt(e->description),
      fp_int(actor), fp_int(now));
  if (rc) return rc;
  char after[160];
  snprintf(after, sizeof after, "{\"pool_id\":%lld,\"kind\":\"%s\",\"on_day\":%lld,\"amount_pence\":%lld}",
           (long long)e->pool_id, strcmp(e->kind, "allocation") == 0 ? "allocation" : "spend", (long long)e->on_day,
           (long long)e->amount_pence);
  return fp_store_audit(c, now, actor, "funding.add", "pool_funding", *id, NULL, after);
}

int fp_store_funding_totals(struct fp_conn *c, int64_t pool_id, fp_day from, fp_day to, int64_t *allocated,
                            int64_t *spent) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT COALESCE(SUM(CASE WHEN kind = 'allocation' THEN amount_pence ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN kind = 'spend' THEN amount_pence ELSE 0 END), 0)"
      " FROM pool_funding WHERE pool_id = ? AND on_day >= ? AND on_day < ?",
      fp_int(pool_id), fp_int(from), fp_int(to));
  if (!st) return FP_EIO;
  return FP_STEP_ONE(st, fp_out_int(allocated), fp_out_int(spent));
}

int fp_store_funding_list(struct fp_conn *c, int64_t pool_id, fp_day from, fp_day to,
                          void (*cb)(const struct fp_funding_entry *e, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " ENTRY_COLS " FROM pool_funding WHERE pool_id = ? AND on_day >= ? AND on_day < ? ORDER BY on_day, id",
      fp_int(pool_id), fp_int(from), fp_int(to));
  if (!st) return FP_EIO;
  return each_entry(st, cb, ctx);
}
