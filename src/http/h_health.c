/*
 * GET /healthz (the process answers, and whether it runs the demo, so that the sign-in page asks
 * for the demo accounts only then) and GET /readyz (the store answers too).
 */
#include "http/routes.h"
#include "core/error.h"
#include "store/db.h"

void fp_h_healthz(struct fp_req *r) {
  fp_reply_json(r, 200, json_pack("{s:s, s:b}", "status", "ok", "demo", r->app->cfg.demo ? 1 : 0));
}

void fp_h_readyz(struct fp_req *r) {
  int64_t version = 0;
  if (fp_store_schema_version(r->app->store, &version) != 0) {
    fp_reply_error(r, FP_API_NOT_READY, NULL, "the store is not available");
    return;
  }
  fp_reply_json(r, 200, json_pack("{s:s, s:I}", "status", "ready", "schema_version", (json_int_t)version));
}
