/*
 * The demo's accounts, for the sign-in page:
 *   GET /api/v1/demo-accounts: when the server runs with --demo, the demo accounts that exist in
 *     the store (one per role, and the first clinicians) with their shared password; 404 otherwise,
 *     so that a real deployment says nothing about its accounts.
 */
#include <stdio.h>

#include "app/demo.h"
#include "core/error.h"
#include "http/routes.h"
#include "store/accounts.h"

static const struct {
  const char *email, *role, *description;
} ACCOUNTS[] = {
    {"admin@demo.flexpool.test", "sysadmin", "System administrator"},
    {"icb@demo.flexpool.test", "commissioner", "Commissioner of the demo ICB"},
    {"pool@demo.flexpool.test", "pool_admin", "Administrator of the demo pool"},
    {"practice@demo.flexpool.test", "practice_manager", "Practice manager of a demo practice"},
    {"clinician001@demo.flexpool.test", "clinician", "A GP in the demo pool (clinician001 to clinician100 are GPs)"},
    {"clinician002@demo.flexpool.test", "clinician", "Another GP in the demo pool"},
};

void fp_h_demo_accounts(struct fp_req *r) {
  if (!r->app->cfg.demo) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no such endpoint");
    return;
  }
  struct fp_conn *c = fp_store_reader(&r->app->store);
  if (!c) {
    fp_reply_store_error(r, FP_EIO);
    return;
  }
  json_t *items = json_array();
  for (size_t i = 0; i < sizeof ACCOUNTS / sizeof ACCOUNTS[0]; i++) {
    struct fp_user u;
    int rc = fp_store_user_by_email(c, ACCOUNTS[i].email, &u);
    if (rc == FP_ENOTFOUND) continue;
    if (rc) {
      json_decref(items);
      fp_reply_store_error(r, rc);
      return;
    }
    json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "email", u.email, "name", u.name, "role",
                                           ACCOUNTS[i].role, "description", ACCOUNTS[i].description));
  }
  fp_reply_json(r, 200, json_pack("{s:o, s:s}", "items", items, "password", FP_DEMO_PASSWORD));
}
