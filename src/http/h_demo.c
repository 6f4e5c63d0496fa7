/*
 * The demo's accounts, for the sign-in page:
 *   GET /api/v1/demo-accounts: when the server runs with --demo, the demo accounts (given by the
 *     app, src/app/demo.c) that exist in the store with their shared password; 404 otherwise,
 *     so that a real deployment says nothing about its accounts.
 *   GET /api/v1/demo-mailbox: when the server runs with --demo, the newest emails in the outbox
 *     (store/outbox.h), whoever they are to, so that `make run` shows the whole loop (a password
 *     reset link, a booking's message) without a mail relay; 404 otherwise: outside the demo nobody
 *     reads other people's mail in the app.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "http/routes.h"
#include "http/codec.h"
#include "store/accounts.h"
#include "store/outbox.h"

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

#define MAILBOX_MAX 50

void fp_h_demo_mailbox(struct fp_req *r) {
  if (!r->app->cfg.demo) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "no such endpoint");
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_outbox_msg *msgs = calloc(MAILBOX_MAX, sizeof *msgs);
  int n = 0;
  int rc = !msgs ? FP_ENOMEM : c ? fp_store_outbox_latest(c, msgs, MAILBOX_MAX, &n) : FP_EIO;
  if (rc) {
    free(msgs);
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *items = json_array();
  for (int i = 0; i < n; i++) {
    const struct fp_outbox_msg *m = &msgs[i];
    json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o}", "id", (json_int_t)m->id,
                                           "to", m->to, "subject", m->subject, "text", m->text, "link", m->link,
                                           "message_id", m->message_id, "state", fp_outbox_state_name(m->state),
                                           "attempts", m->attempts, "created_at", fp_json_time(m->created_at),
                                           "sent_at", fp_json_time_or_null(m->sent_at)));
  }
  free(msgs);
  fp_reply_json(r, 200, json_pack("{s:o}", "items", items));
}
