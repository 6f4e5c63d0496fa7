/*
 * The message threads between a clinician and a practice:
 *   GET  /api/v1/bookings/{id}/messages?limit=&cursor=      a page of the booking's thread, oldest first
 *   POST /api/v1/bookings/{id}/messages {body}              201 the message written
 *   GET  /api/v1/applications/{id}/messages?limit=&cursor=  the same for an application
 *   POST /api/v1/applications/{id}/messages {body}
 * Only the two sides read or write a thread: the booked (or applying) clinician and the managers of
 * the practice whose shift it is. Anyone else who may see the booking (a pool administrator, a
 * commissioner) gets 403; anyone who may not, 404 (for an application, anyone not on either side
 * gets 404). A message is 1 to FP_MESSAGE_MAX_BYTES bytes of text that is not only white space (400
 * naming body otherwise); a thread takes at most FP_THREAD_MAX_MESSAGES (409 limit_reached).
 * Messages are kept whatever becomes of the booking or application, and can still be written.
 * The other side is told of a message (a notification and an email, store/tell.h
 * fp_store_tell_message_written), once for a run of messages from one side.
 */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/messages.h"
#include "store/shifts.h"
#include "store/tell.h"

/* Which side the caller is on in the thread of the booking or application r->params[0]; answers
   404/403 and returns -1 when neither. */
static int side_or_respond(struct fp_req *r, enum fp_thread_kind kind, const char **side) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  int64_t clinician_id = 0, practice_id = 0;
  int rc;
  if (kind == FP_THREAD_BOOKING) {
    struct fp_scope scope;
    fp_scope_from_auth(&r->auth, r->now, &scope);
    struct fp_booking b;
    rc = c ? fp_store_booking_get(c, r->params[0], &scope, &b) : FP_EIO;
    if (fp_found_or_respond(r, rc, "booking", r->params[0])) return -1;
    clinician_id = b.clinician_id;
    practice_id = b.practice_id;
  } else {
    struct fp_application a;
    rc = c ? fp_store_application_get(c, r->params[0], &a) : FP_EIO;
    if (rc == 0 && !(r->auth.clinician_id && r->auth.clinician_id == a.clinician_id) &&
        !fp_auth_has_for(&r->auth, FP_ROLE_PRACTICE_MANAGER, a.practice_id))
      rc = FP_ENOTFOUND;
    if (fp_found_or_respond(r, rc, "application", r->params[0])) return -1;
    clinician_id = a.clinician_id;
    practice_id = a.practice_id;
  }
  if (r->auth.clinician_id && r->auth.clinician_id == clinician_id) *side = "clinician";
  else if (fp_auth_has_for(&r->auth, FP_ROLE_PRACTICE_MANAGER, practice_id)) *side = "practice";
  else {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the clinician and the practice read and write this thread");
    return -1;
  }
  return 0;
}

static json_t *message_json(const struct fp_message *m) {
  return json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:o}", "id", (json_int_t)m->id, "author", "user_id",
                   (json_int_t)m->author_user_id, "name", m->author_name, "side", m->side, "body", m->body, "created_at",
                   fp_json_time(m->created_at));
}

static void add_message(const struct fp_message *m, void *ctx) { fp_page_add(ctx, message_json(m), 0, m->id); }

static void list_messages(struct fp_req *r, enum fp_thread_kind kind) {
  const char *side;
  if (side_or_respond(r, kind, &side)) return;
  int limit = 50;
  int64_t after = 0;
  if (fp_limit_or_respond(r, &limit) || fp_id_cursor_parse_or_respond(r, &after)) return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page page;
  fp_page_init(&page, NULL);
  bool more = false;
  int rc = c ? fp_store_message_list(c, kind, r->params[0], after, limit, add_message, &page, &more) : FP_EIO;
  fp_reply_page(r, &page, rc, more, false);
}

struct write_ctx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  enum fp_thread_kind kind;
  int64_t thread_id;
  const char *side, *body;
  int64_t id;
};

static int write_tx(struct fp_conn *c, void *vctx) {
  struct write_ctx *x = vctx;
  int rc = fp_store_message_add(c, x->kind, x->thread_id, x->actor.user_id, x->side, x->body, x->actor.now, &x->id);
  /* The other side is told in the same transaction (a notification and an email). */
  if (!rc)
    rc = fp_store_tell_message_written(c, x->kind == FP_THREAD_BOOKING, x->thread_id, x->id, x->side, x->body,
                                       x->actor.now);
  return rc;
}

static void write_message(struct fp_req *r, enum fp_thread_kind kind) {
  struct write_ctx x = {.kind = kind, .thread_id = r->params[0]};
  if (side_or_respond(r, kind, &x.side)) return;
  struct fp_field spec[] = {
      {"body", FP_F_STRING, true, 1, FP_MESSAGE_MAX_BYTES, NULL, &x.body, NULL},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  if (!x.body[strspn(x.body, " \t\r\n")]) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "body", "the message is empty");
    return;
  }
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  int rc = fp_store_write(r->app->store, write_tx, &x);
  if (rc == FP_ETOOBIG) {
    fp_reply_error(r, FP_API_LIMIT_REACHED, NULL, "this thread holds %d messages, as many as it may", FP_THREAD_MAX_MESSAGES);
    return;
  }
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_message m;
  if (rc == 0) rc = c ? fp_store_message_get(c, x.id, &m) : FP_EIO;
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, message_json(&m));
}

void fp_h_booking_messages(struct fp_req *r) { list_messages(r, FP_THREAD_BOOKING); }
void fp_h_booking_message_create(struct fp_req *r) { write_message(r, FP_THREAD_BOOKING); }
void fp_h_application_messages(struct fp_req *r) { list_messages(r, FP_THREAD_APPLICATION); }
void fp_h_application_message_create(struct fp_req *r) { write_message(r, FP_THREAD_APPLICATION); }
