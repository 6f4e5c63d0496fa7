/*
 * GET /healthz (the process answers, and whether it runs the demo, so that the sign-in page asks
 * for the demo accounts only then) and GET /readyz (the store answers too).
 */
#include "http/routes.h"
#include "store/db.h"
#include "store/sql.h" /* until the boundary work moves this SQL into the store */

void fp_h_healthz(struct fp_req *r) {
  fp_reply_json(r, 200, json_pack("{s:s, s:b}", "status", "ok", "demo", r->app->cfg.demo ? 1 : 0));
}

void fp_h_readyz(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(&r->app->store);
  fp_stmt *st = c ? fp_db_stmt(c, "SELECT COUNT(*) FROM schema_migrations") : NULL;
  if (!st || fp_step(st) != FP_ROW) {
    if (st) fp_reset(st);
    fp_reply_error(r, FP_API_NOT_READY, NULL, "the store is not available");
    return;
  }
  int version = fp_col_int64(st, 0);
  fp_reset(st);
  fp_reply_json(r, 200, json_pack("{s:s, s:i}", "status", "ready", "schema_version", version));
}
