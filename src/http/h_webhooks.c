/*
 * An organisation's outbound webhooks (issue 12), kept by its own practice managers or by the
 * administrators of a pool it hosts (store/webhooks.h fp_store_webhook_may_manage; anyone else 403):
 *   GET    /api/v1/organisations/{id}/webhooks                 its webhooks (no secrets);
 *   POST   /api/v1/organisations/{id}/webhooks                 {url, events} adds one: the answer
 *          carries its signing secret, shown this once; a URL a webhook may not reach is 400
 *          url_not_allowed (http/webhook_url.h);
 *   DELETE /api/v1/organisations/{id}/webhooks/{webhook_id}    deletes it (queued deliveries given up);
 *   GET    /api/v1/organisations/{id}/webhook-deliveries       the latest deliveries, newest first,
 *          with their state, attempts and the last attempt's answer.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "http/webhook_url.h"
#include "store/db.h"
#include "store/webhooks.h"

static json_t *events_json(unsigned events) {
  json_t *a = json_array();
  for (int e = 0; e < FP_HOOK_EVENTS; e++)
    if (events & (1u << e)) json_array_append_new(a, json_string(fp_webhook_event_name((enum fp_webhook_event)e)));
  return a;
}

static json_t *webhook_json(const struct fp_webhook *w) {
  return json_pack("{s:I, s:I, s:s, s:o, s:s, s:o}", "id", (json_int_t)w->id, "organisation_id", (json_int_t)w->organisation_id,
                   "url", w->url, "events", events_json(w->events), "format", fp_webhook_format_name(w->format), "created_at",
                   fp_json_time(w->created_at));
}

/* The organisation params[0] when the caller keeps its webhooks: a connection to read with; else
   answers (404 for no such organisation, 403 for someone else's) and NULL. */
static struct fp_conn *own_organisation_or_respond(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
    return NULL;
  }
  bool exists = false, may = false;
  int rc = fp_store_organisation_exists(c, r->params[0], &exists);
  if (!rc && exists) rc = fp_store_webhook_may_manage(c, r->auth.user_id, r->params[0], &may);
  if (rc) {
    fp_reply_store_error(r, rc);
    return NULL;
  }
  if (!exists) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "organisation %lld not found", (long long)r->params[0]);
    return NULL;
  }
  if (!may) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL,
                   "only the organisation's own practice managers, or the administrators of a pool it hosts, keep its webhooks");
    return NULL;
  }
  return c;
}

static void add_webhook(const struct fp_webhook *w, void *ctx) { json_array_append_new(ctx, webhook_json(w)); }

void fp_h_webhooks(struct fp_req *r) {
  struct fp_conn *c = own_organisation_or_respond(r);
  if (!c) return;
  json_t *items = json_array();
  int rc = fp_store_webhook_list(c, r->params[0], add_webhook, items);
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

struct create_tx {
  int64_t organisation_id, actor, now, id;
  const char *url, *secret;
  unsigned events;
  enum fp_webhook_format format;
};

static int create_tx_fn(struct fp_conn *c, void *vctx) {
  struct create_tx *x = vctx;
  return fp_store_webhook_create(c, x->organisation_id, x->url, x->events, x->format, x->secret, x->actor, x->now, &x->id);
}

/* The events array as a mask: each a known event, at least one; else answers 400 and -1. */
static int events_or_respond(struct fp_req *r, json_t *events, unsigned *mask) {
  *mask = 0;
  size_t i;
  json_t *v;
  json_array_foreach(events, i, v) {
    enum fp_webhook_event e;
    if (!json_is_string(v) || fp_webhook_event_parse(json_string_value(v), &e) != 0) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "events",
                     "events[%zu] is not an event: shift.posted, shift.booked, booking.cancelled, application.created or"
                     " offer.accepted", i);
      return -1;
    }
    *mask |= 1u << e;
  }
  return 0;
}

void fp_h_webhook_create(struct fp_req *r) {
  struct fp_conn *c = own_organisation_or_respond(r);
  if (!c || fp_req_json_or_respond(r)) return;
  const char *url = NULL, *format = NULL;
  json_t *events = NULL;
  static const char *const formats[] = {"json", "fhir", NULL};
  struct fp_field spec[] = {
      {"url", FP_F_STRING, true, 1, FP_WEBHOOK_URL_MAX, NULL, &url, NULL},
      {"events", FP_F_ARRAY, true, 1, FP_HOOK_EVENTS, NULL, &events, NULL},
      {"format", FP_F_ENUM, false, 0, 0, formats, &format, NULL},
      FP_FIELD_END,
  };
  unsigned mask = 0;
  if (fp_fields_parse_or_respond(r, r->json, spec) || events_or_respond(r, events, &mask)) return;
  struct fp_webhook_dest dest;
  char why[400];
  if (fp_webhook_url_check(url, r->app->cfg.webhooks_allow_loopback, &dest, why, sizeof why) != FP_WEBHOOK_URL_OK) {
    fp_reply_error(r, FP_API_URL_NOT_ALLOWED, "url", "%s", why);
    return;
  }
  unsigned char key[FP_WEBHOOK_SECRET_LEN / 2];
  char secret[FP_WEBHOOK_SECRET_LEN + 1];
  randombytes_buf(key, sizeof key);
  sodium_bin2hex(secret, sizeof secret, key, sizeof key);
  sodium_memzero(key, sizeof key);
  struct create_tx x = {r->params[0], r->auth.user_id, r->now, 0, url, secret, mask, FP_HOOK_JSON};
  if (format) fp_webhook_format_parse(format, &x.format); /* one of formats[], checked above */
  int rc = fp_store_write(r->app->store, create_tx_fn, &x);
  if (rc == FP_ECONFLICT) {
    sodium_memzero(secret, sizeof secret);
    fp_reply_error(r, FP_API_LIMIT_REACHED, NULL, "an organisation keeps at most %d webhooks", FP_WEBHOOKS_MAX);
    return;
  }
  struct fp_webhook w;
  if (!rc) rc = fp_store_webhook_get(c, r->params[0], x.id, &w);
  if (rc) {
    sodium_memzero(secret, sizeof secret);
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = webhook_json(&w);
  json_object_set_new(j, "secret", json_string(secret)); /* shown this once */
  sodium_memzero(secret, sizeof secret);
  fp_reply_json(r, 201, j);
}

struct delete_tx {
  int64_t organisation_id, id, actor, now;
};

static int delete_tx_fn(struct fp_conn *c, void *vctx) {
  struct delete_tx *x = vctx;
  return fp_store_webhook_delete(c, x->organisation_id, x->id, x->actor, x->now);
}

void fp_h_webhook_delete(struct fp_req *r) {
  if (!own_organisation_or_respond(r)) return;
  struct delete_tx x = {r->params[0], r->params[1], r->auth.user_id, r->now};
  int rc = fp_store_write(r->app->store, delete_tx_fn, &x);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "webhook %lld not found", (long long)r->params[1]);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_empty(r);
}

static void add_delivery(const struct fp_webhook_delivery *d, void *ctx) {
  fp_page_add(ctx,
              json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:s}", "id", (json_int_t)d->id, "webhook_id",
                        (json_int_t)d->webhook_id, "event_id", d->event_id, "event", d->event, "state",
                        fp_outbox_state_name(d->state), "attempts", d->attempts, "created_at", fp_json_time(d->created_at),
                        "sent_at", fp_json_time_or_null(d->sent_at), "last_attempt_at",
                        fp_json_time_or_null(d->last_attempt_at), "last_result", d->last_detail),
              0, d->id);
}

void fp_h_webhook_deliveries(struct fp_req *r) {
  int64_t before = 0;
  int limit = 50;
  if (fp_query_int_or_respond(r, "cursor", 1, INT64_MAX, &before) || fp_limit_or_respond(r, &limit)) return;
  struct fp_conn *c = own_organisation_or_respond(r);
  if (!c) return;
  struct fp_page page;
  fp_page_init(&page, NULL);
  bool more = false;
  int rc = fp_store_webhook_deliveries(c, r->params[0], before, limit, add_delivery, &page, &more);
  fp_reply_page(r, &page, rc, more, false);
}
