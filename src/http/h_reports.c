/*
 * h_reports.c - the monthly reports (issue 14; docs/METRICS.md, "The monthly report"), made by the
 * upkeep (app/monthly_report.h) and kept:
 *   GET /api/v1/reports                 the reports of the caller's ICBs, latest month first
 *   GET /api/v1/reports/{id}.csv, .pdf  one report's documents, exactly as made
 * For the commissioners of the report's ICB and system administrators (403 for anyone else).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "http/codec.h"
#include "http/request.h"
#include "http/routes.h"
#include "store/reports.h"

static bool may_read_any(const struct fp_auth *a) {
  return fp_auth_has(a, FP_ROLE_SYSADMIN) || fp_auth_has(a, FP_ROLE_COMMISSIONER);
}

static void add_report(const struct fp_report *x, void *ctx) {
  char csv[64], pdf[64];
  snprintf(csv, sizeof csv, "/api/v1/reports/%lld.csv", (long long)x->id);
  snprintf(pdf, sizeof pdf, "/api/v1/reports/%lld.pdf", (long long)x->id);
  json_array_append_new(ctx, json_pack("{s:I, s:I, s:s, s:s, s:o, s:I, s:I, s:s, s:s}", "id", (json_int_t)x->id, "icb_id",
                                       (json_int_t)x->icb_id, "icb_name", x->icb_name, "month", x->month, "made_at",
                                       fp_json_time(x->made_at), "csv_bytes", (json_int_t)x->csv_bytes, "pdf_bytes",
                                       (json_int_t)x->pdf_bytes, "csv_url", csv, "pdf_url", pdf));
}

void fp_h_reports(struct fp_req *r) {
  if (!may_read_any(&r->auth)) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "the monthly reports are for the ICB's commissioners");
    return;
  }
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  json_t *items = json_array();
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? fp_store_reports_list(c, scope.all, scope.icbs, scope.n_icbs, add_report, items) : FP_EIO;
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void document(struct fp_req *r, const char *which) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_report x;
  char *data = NULL;
  size_t len = 0;
  int rc = c ? fp_store_report_get(c, r->params[0], NULL, &x, NULL, NULL) : FP_EIO;
  if (fp_found_or_respond(r, rc, "report", r->params[0])) return;
  if (!fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) && !fp_auth_has_for(&r->auth, FP_ROLE_COMMISSIONER, x.icb_id)) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "the monthly reports are for the ICB's commissioners");
    return;
  }
  if ((rc = fp_store_report_get(c, r->params[0], which, &x, &data, &len)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  char disposition[96];
  snprintf(disposition, sizeof disposition, "attachment; filename=\"report-%lld-%s.%s\"", (long long)x.icb_id, x.month,
           which);
  fp_req_add_header(r, "Content-Disposition", disposition);
  fp_reply_text(r, 200, strcmp(which, "pdf") == 0 ? "application/pdf" : "text/csv; charset=utf-8", data, len);
}

void fp_h_report_csv(struct fp_req *r) { document(r, "csv"); }
void fp_h_report_pdf(struct fp_req *r) { document(r, "pdf"); }
