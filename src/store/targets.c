/* The commissioner's targets. See targets.h. */
#include "store/targets.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/funding.h"
#include "store/accounts.h"
#include "store/rows.h"

struct row {
  int64_t id, icb_id, year, fill_rate_tenths, spend_pence, set_by, set_at;
};

static const struct fp_colspec ROW_READ[] = {
    FP_C(INT, struct row, id),          FP_C(INT, struct row, icb_id),      FP_C(INT, struct row, year),
    FP_C(INT, struct row, fill_rate_tenths), FP_C(INT, struct row, spend_pence), FP_C(INT, struct row, set_by),
    FP_C(INT, struct row, set_at),
};

FP_ROWS(read_row, each_row, struct row, ROW_READ)

#define ROW_COLS                                                                                                       \
  "id, icb_id, financial_year, COALESCE(fill_rate_tenths, -1), COALESCE(spend_pence, -1), COALESCE(set_by, 0), set_at"

/* What a year's targets were or became, for the audit: {"financial_year":2026,"fill_rate_tenths":850,...}. */
static void audit_text(const struct fp_year_targets *t, char out[160]) {
  char rate[24] = "null", spend[24] = "null";
  if (t->fill_rate_tenths != FP_TARGET_NONE) snprintf(rate, sizeof rate, "%lld", (long long)t->fill_rate_tenths);
  if (t->spend_pence != FP_TARGET_NONE) snprintf(spend, sizeof spend, "%lld", (long long)t->spend_pence);
  snprintf(out, 160, "{\"financial_year\":%d,\"fill_rate_tenths\":%s,\"spend_pence\":%s}", t->year, rate, spend);
}

int fp_store_targets_set(struct fp_conn *c, int64_t icb_id, const struct fp_year_targets *t, int64_t actor, int64_t now) {
  struct row was = {0};
  fp_stmt *st = FP_DB_STMT(c, "SELECT " ROW_COLS " FROM icb_targets WHERE icb_id = ? AND financial_year = ?",
                           fp_int(icb_id), fp_int(t->year));
  if (!st) return FP_EIO;
  int rc = fp_step_one(st, read_row, &was);
  if (rc && rc != FP_ENOTFOUND) return rc;
  bool existed = rc == 0;
  int64_t id = was.id;
  if (existed)
    rc = FP_DB_RUN(c, "UPDATE icb_targets SET fill_rate_tenths = NULLIF(?, -1), spend_pence = NULLIF(?, -1),"
                      " set_by = ?, set_at = ? WHERE id = ?",
                   fp_int(t->fill_rate_tenths), fp_int(t->spend_pence), fp_id(actor), fp_int(now), fp_int(id));
  else
    rc = FP_DB_INSERT(c, &id,
        "INSERT INTO icb_targets (icb_id, financial_year, fill_rate_tenths, spend_pence, set_by, set_at)"
        " VALUES (?, ?, NULLIF(?, -1), NULLIF(?, -1), ?, ?)",
        fp_int(icb_id), fp_int(t->year), fp_int(t->fill_rate_tenths), fp_int(t->spend_pence), fp_id(actor), fp_int(now));
  if (rc) return rc;
  char before[160], after[160];
  struct fp_year_targets old = {t->year, was.fill_rate_tenths, was.spend_pence};
  audit_text(&old, before);
  audit_text(t, after);
  return fp_store_audit(c, now, actor, "targets.set", "icb_targets", id, existed ? before : NULL, after);
}

struct each_ctx {
  void (*cb)(const struct fp_icb_target *t, void *ctx);
  void *ctx;
};

static void each_one(const struct row *r, void *vctx) {
  struct each_ctx *x = vctx;
  struct fp_icb_target t = {r->id, r->icb_id, {(int)r->year, r->fill_rate_tenths, r->spend_pence}, r->set_by, r->set_at};
  x->cb(&t, x->ctx);
}

int fp_store_targets_each(struct fp_conn *c, int64_t icb_id, int first_year, int last_year,
                          void (*cb)(const struct fp_icb_target *t, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " ROW_COLS " FROM icb_targets WHERE icb_id = ? AND financial_year >= ? AND financial_year <= ?"
      " ORDER BY financial_year",
      fp_int(icb_id), fp_int(first_year), fp_int(last_year));
  if (!st) return FP_EIO;
  struct each_ctx x = {cb, ctx};
  return each_row(st, each_one, &x);
}

struct years {
  int n;
  struct fp_year_targets y[FP_TARGET_YEARS_MAX];
};

static void add_year(const struct fp_icb_target *t, void *ctx) {
  struct years *x = ctx;
  if (x->n < FP_TARGET_YEARS_MAX) x->y[x->n++] = t->t;
}

int fp_store_targets_for_period(struct fp_conn *c, int64_t icb_id, fp_day from, fp_day to,
                                const struct fp_metrics_figures *f, struct fp_period_targets *out) {
  int first = fp_financial_year_of(from), last = fp_financial_year_of(to - 1);
  if (to <= from || last - first + 1 > FP_TARGET_YEARS_MAX) return FP_EINVAL;
  struct years years = {0};
  int rc = fp_store_targets_each(c, icb_id, first, last, add_year, &years);
  if (rc) return rc;
  fp_targets_for_period(years.y, years.n, from, to,
                        f->shifts_posted > 0 ? fp_percent_tenths(f->shifts_filled, f->shifts_posted) : FP_TARGET_NONE,
                        f->fees_agreed_pence, out);
  return 0;
}
