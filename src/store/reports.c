/* The monthly reports. See reports.h. */
#include "store/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "store/rows.h"
#include "store/scope.h"

#define REPORT_COLS                                                                                                    \
  "r.id, r.icb_id, o.name, r.month, r.made_at, length(r.csv), length(r.pdf)"

static const struct fp_colspec REPORT_READ[] = {
    FP_C(INT, struct fp_report, id),       FP_C(INT, struct fp_report, icb_id),    FP_C(TEXT, struct fp_report, icb_name),
    FP_C(TEXT, struct fp_report, month),   FP_C(INT, struct fp_report, made_at),   FP_C(INT, struct fp_report, csv_bytes),
    FP_C(INT, struct fp_report, pdf_bytes),
};

FP_ROWS(read_report, each_report, struct fp_report, REPORT_READ)

int fp_store_report_exists(struct fp_conn *c, int64_t icb_id, const char *month, bool *exists) {
  return FP_DB_BOOL(c, exists, "SELECT EXISTS (SELECT 1 FROM monthly_reports WHERE icb_id = ? AND month = ?)",
                    fp_int(icb_id), fp_txt(month));
}

int fp_store_report_add(struct fp_conn *c, int64_t icb_id, const char *month, int64_t now, const void *csv,
                        size_t csv_len, const void *pdf, size_t pdf_len, int64_t *id) {
  return FP_DB_INSERT(c, id, "INSERT INTO monthly_reports (icb_id, month, made_at, csv, pdf) VALUES (?, ?, ?, ?, ?)",
                      fp_int(icb_id), fp_txt(month), fp_int(now), fp_blob(csv, csv_len), fp_blob(pdf, pdf_len));
}

int fp_store_reports_list(struct fp_conn *c, bool all, const int64_t *icbs, int n_icbs,
                          void (*cb)(const struct fp_report *r, void *ctx), void *ctx) {
  if (!all && n_icbs <= 0) return 0;
  struct fp_sql q;
  fp_sql_init(&q);
  fp_sql_add(&q, "SELECT " REPORT_COLS " FROM monthly_reports r JOIN organisations o ON o.id = r.icb_id");
  if (!all) {
    fp_sql_add(&q, " WHERE r.icb_id IN (");
    for (int i = 0; i < n_icbs; i++) {
      if (i) fp_sql_add(&q, ", ");
      fp_sql_int(&q, icbs[i]);
    }
    fp_sql_add(&q, ")");
  }
  fp_sql_add(&q, " ORDER BY r.month DESC, o.name, r.id");
  fp_stmt *st = fp_sql_prepare(c, &q);
  if (!st) return FP_EIO;
  return each_report(st, cb, ctx);
}

int fp_store_report_get(struct fp_conn *c, int64_t id, const char *document, struct fp_report *r, char **data,
                        size_t *len) {
  bool csv = document && strcmp(document, "csv") == 0, pdf = document && strcmp(document, "pdf") == 0;
  fp_stmt *st = FP_DB_STMT(c,
      csv   ? "SELECT " REPORT_COLS ", r.csv FROM monthly_reports r JOIN organisations o ON o.id = r.icb_id WHERE r.id = ?"
      : pdf ? "SELECT " REPORT_COLS ", r.pdf FROM monthly_reports r JOIN organisations o ON o.id = r.icb_id WHERE r.id = ?"
            : "SELECT " REPORT_COLS " FROM monthly_reports r JOIN organisations o ON o.id = r.icb_id WHERE r.id = ?",
      fp_int(id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc != FP_ROW) {
    fp_reset(st);
    return rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  }
  memset(r, 0, sizeof *r);
  fp_read_cols(st, 0, REPORT_READ, FP_NCOLS(REPORT_READ), r);
  rc = 0;
  if (csv || pdf) {
    size_t n = fp_col_bytes(st, FP_NCOLS(REPORT_READ));
    char *buf = malloc(n + 1);
    if (buf) {
      if (n) memcpy(buf, fp_col_blob(st, FP_NCOLS(REPORT_READ)), n);
      buf[n] = 0;
      *data = buf;
      *len = n;
    } else {
      rc = FP_ENOMEM;
    }
  }
  fp_reset(st);
  return rc;
}

int fp_store_icb_ids(struct fp_conn *c, int64_t **ids, size_t *n) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT id FROM organisations WHERE level = ? ORDER BY id", fp_txt("icb"));
  if (!st) return FP_EIO;
  size_t cap = 0;
  *ids = NULL;
  *n = 0;
  return fp_step_ids(st, ids, n, &cap);
}
