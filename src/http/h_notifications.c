/*
 * A person's in-app notifications (issue 12), written by the events that tell them
 * (store/outbox.h fp_store_notify, store/tell.h), each also emailed:
 *   GET /api/v1/me/notifications?limit=&cursor=: newest first, {items, next_cursor, unread} (unread:
 *     how many of all of them are unread, for the header's count).
 *   POST /api/v1/me/notifications/{id}/read: marks one read (404 when it is not the caller's).
 *   POST /api/v1/me/notifications/read: marks all of them read.
 *   (Marking tells the caller's live streams on this server the new unread count.)
 *   GET /api/v1/me/events: the same notifications as they come, a Server-Sent Events stream
 *     (http/events.h), resumed after the Last-Event-ID header's notification id.
 * Every signed-in account has a list; nobody reads another's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/events.h"
#include "http/routes.h"
#include "store/outbox.h"

static void add_item(const struct fp_notification *n, void *ctx) {
  struct fp_page *page = ctx;
  fp_page_add(page,
              json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:b, s:o}", "id", (json_int_t)n->id, "kind", n->kind, "subject",
                        n->subject, "text", n->text, "link", n->link, "created_at", fp_json_time(n->created_at), "read",
                        n->read_at != 0, "read_at", fp_json_time_or_null(n->read_at)),
              0, n->id);
}

void fp_h_notifications_list(struct fp_req *r) {
  int64_t before = 0;
  int limit = 50;
  if (fp_query_int_or_respond(r, "cursor", 1, INT64_MAX, &before) || fp_limit_or_respond(r, &limit)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page page;
  fp_page_init(&page, NULL);
  bool more = false;
  int64_t unread = 0;
  int rc = c ? fp_store_read_begin(c) : FP_EIO;
  if (!rc) {
    rc = fp_store_notifications(c, r->auth.user_id, before, limit, add_item, &page, &more);
    if (!rc) rc = fp_store_notifications_unread(c, r->auth.user_id, &unread);
    fp_store_read_end(c);
  }
  if (rc) {
    json_decref(page.items);
    fp_reply_store_error(r, rc);
    return;
  }
  char cursor[32];
  snprintf(cursor, sizeof cursor, "%lld", (long long)page.last_id);
  json_t *body = fp_json_page(page.items, more ? cursor : NULL);
  json_object_set_new(body, "unread", json_integer(unread));
  fp_reply_json(r, 200, body);
}

struct read_ctx {
  int64_t user_id, id, now;
};

static int read_tx(struct fp_conn *c, void *vctx) {
  struct read_ctx *x = vctx;
  return fp_store_notifications_mark_read(c, x->user_id, x->id, x->now);
}

static void mark(struct fp_req *r, int64_t id) {
  if (r->body_len && fp_req_json_or_respond(r)) return;
  if (r->json) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  }
  struct read_ctx x = {r->auth.user_id, id, r->now};
  int rc = fp_store_write(r->app->store, read_tx, &x);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "notification %lld not found", (long long)id);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  /* The caller's other tabs on this server show the new count at once (http/events.h). */
  struct fp_conn *c = fp_events_open_count(r->app->events) ? fp_store_reader(r->app->store) : NULL;
  int64_t unread = 0;
  if (c && fp_store_notifications_unread(c, r->auth.user_id, &unread) == 0) fp_events_unread(r->app->events, r->auth.user_id, unread);
  fp_reply_empty(r);
}

void fp_h_notification_read(struct fp_req *r) { mark(r, r->params[0]); }
void fp_h_notifications_read_all(struct fp_req *r) { mark(r, 0); }

void fp_h_me_events(struct fp_req *r) {
  /* EventSource sends back the id of the last event it had: a notification's id. */
  const char *last = fp_req_header(r, "Last-Event-ID");
  int64_t after = 0;
  if (last && *last) {
    size_t n = strspn(last, "0123456789");
    if (last[n] || n == 0 || n > 18) {
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "Last-Event-ID", "Last-Event-ID must be the id of a notification");
      return;
    }
    after = (int64_t)strtoll(last, NULL, 10);
  }
  fp_events_open_or_respond(r, after);
}
