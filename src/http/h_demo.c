/*
 * The demo's accounts, for the sign-in page:
 *   GET /api/v1/demo-accounts: when the server runs with --demo, the demo accounts (given by the
 *     app, src/app/demo.c) that exist in the store with their shared password; 404 otherwise,
 *     so that a real deployment says nothing about its accounts.
 */
#include <stdio.h>

#include "core/error.h"
#include "http/routes.h"
#include "store/accounts.h"

void fp_h_demo_accounts(struct fp_req *r) {
  if (!r->app->cfg.demo) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no such endpoint");
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  json_t *items = json_array();
  const struct fp_http_config *cfg = &r->app->cfg;
  for (size_t i = 0; i < cfg->n_demo_accounts; i++) {
    const struct fp_http_demo_account *a = &cfg->demo_accounts[i];
    struct fp_user u;
    int rc = fp_store_user_by_email(c, a->email, &u);
    if (rc == FP_ENOTFOUND) continue;
    if (rc) {
      json_decref(items);
      fp_reply_store_error(r, rc);
      return;
    }
    json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "email", u.email, "name", u.name, "role",
                                           a->role, "description", a->description));
  }
  fp_reply_json(r, 200, json_pack("{s:o, s:s}", "items", items, "password", cfg->demo_password ? cfg->demo_password : ""));
}
