/*
 * outbox.h - messages to people: the in-app notification list and the email outbox (issue 12).
 *
 * An event that tells someone something calls fp_store_notify inside its own write transaction:
 * the notification row and the outbox row commit (or roll back) with the event itself, so a
 * booking is never made without its message, nor a message sent for a booking that was not made.
 * The email is delivered later by the server's delivery worker (app/mailer.h), which claims one
 * queued message at a time for a lease (fp_store_outbox_claim: several servers on one PostgreSQL
 * database never send the same message at once), sends it with the Message-ID it was given when it
 * was written, and records each attempt (fp_store_outbox_record, through the core's rule
 * core/outbox.h). A message recorded as sent is never claimed again; one whose sender died before
 * recording it is claimed again once its lease ends (delivered at least once, with the same
 * Message-ID, so a mail client shows it once).
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_OUTBOX_H
#define FP_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/outbox.h"
#include "store/db.h"

/* The longest subject and text a message may have (the code that writes them keeps within them:
   a longer one is refused with FP_ETOOBIG, never cut). */
#define FP_MSG_SUBJECT_MAX 200
#define FP_MSG_TEXT_MAX 4000
#define FP_MSG_LINK_MAX 300

/*
 * Tells user_id something: a notification in their list and an email to their address, both in
 * the caller's transaction. kind names the event ("booking.created", ...); link is the web app's
 * path the message is about ("#/..."; "" for none), also put at the end of the email after the
 * public address the server was given (the mailer's job: the store does not know it). A deactivated
 * account is told nothing (0). 0, FP_ETOOBIG or FP_EIO.
 */
int fp_store_notify(struct fp_conn *c, int64_t user_id, const char *kind, const char *subject, const char *text,
                    const char *link, int64_t now);
/* An email only (no notification: a password reset link, a confirmation to a new address), to
   `to` (user_id 0 when it is no account's address yet), with link (a path, or ""). secret: the link
   is a credential (store/account_tokens.h), wiped from the row once the email is sent or given up.
   0, FP_ETOOBIG or FP_EIO. */
int fp_store_email(struct fp_conn *c, int64_t user_id, const char *to, const char *subject, const char *text,
                   const char *link, bool secret, int64_t now);

/* 32 random hexadecimal characters (a message's or an event's id), into hex. */
void fp_store_outbox_random_hex(char hex[33]);
/* A webhook delivery (store/webhooks.h): the JSON body to POST to webhook_id for event, under
   event_id (its outbox message_id), in the caller's transaction. 0, FP_ETOOBIG or FP_EIO. */
int fp_store_outbox_put_webhook(struct fp_conn *c, int64_t webhook_id, const char *event, const char *event_id,
                                const char *body, int64_t now);

/* Tells every active manager of the practice, as fp_store_notify would each (in two statements
   however many they are). */
int fp_store_notify_practice(struct fp_conn *c, int64_t practice_id, const char *kind, const char *subject,
                             const char *text, const char *link, int64_t now);
/* Tells every active administrator of the pool, likewise. */
int fp_store_notify_pool_admins(struct fp_conn *c, int64_t pool_id, const char *kind, const char *subject,
                                const char *text, const char *link, int64_t now);
/* Tells every clinician whose application for shift_id was declined as filled at now (the booking
   that filled it, in this transaction), likewise. */
int fp_store_notify_filled_applicants(struct fp_conn *c, int64_t shift_id, const char *kind, const char *subject,
                                      const char *text, const char *link, int64_t now);
/* Writes "Tue 8 Dec 2026, 09:00 to 13:00" (UK local time) for a shift's times into buf. */
void fp_store_when_text(int64_t starts_at, int64_t ends_at, char *buf, size_t len);

/* One notification in a person's list. */
struct fp_notification {
  int64_t id;
  char kind[48];
  char subject[FP_MSG_SUBJECT_MAX + 1];
  char text[FP_MSG_TEXT_MAX + 1];
  char link[FP_MSG_LINK_MAX + 1];
  int64_t created_at, read_at; /* read_at 0: unread */
};
/*
 * user_id's notifications, newest first, those with an id below before_id (0: from the newest), at
 * most limit, each handed to cb; *more when there are others after them. A read. 0 or FP_EIO.
 */
int fp_store_notifications(struct fp_conn *c, int64_t user_id, int64_t before_id, int limit,
                           void (*cb)(const struct fp_notification *n, void *ctx), void *ctx, bool *more);
/* How many of user_id's notifications are unread. */
int fp_store_notifications_unread(struct fp_conn *c, int64_t user_id, int64_t *n);
/* Marks one of user_id's notifications read (FP_ENOTFOUND when it is not theirs), or with id 0 all
   of them. In a write transaction. */
int fp_store_notifications_mark_read(struct fp_conn *c, int64_t user_id, int64_t id, int64_t now);

/*
 * The live stream (http/events.c) learns of notifications from the table itself, so that one
 * written through any server reaches a stream open on any other (several servers on one
 * PostgreSQL database). Ids are handed out before their transactions commit, and transactions
 * commit in any order, so a poll that took every id above the last it saw would miss a row
 * committed late under a lower id: the poller keeps the ids it has not seen below its mark (gaps:
 * rolled back, or not yet committed) and asks for them again, FP_NOTIFICATION_GAPS at the most.
 */
#define FP_NOTIFICATION_GAPS 32
struct fp_notification_event {
  struct fp_notification n;
  int64_t user_id;
  int64_t unread; /* the user's unread notifications as of this read */
};
/* The notifications with an id above after_id or among gaps[0..n_gaps) (at most
   FP_NOTIFICATION_GAPS), in id order, at most limit, each handed to cb with its user's unread
   count; *n how many. One statement. 0 or FP_EIO. */
int fp_store_notifications_since(struct fp_conn *c, int64_t after_id, const int64_t *gaps, int n_gaps, int limit,
                                 void (*cb)(const struct fp_notification_event *e, void *ctx), void *ctx, int *n);
/* The ids of the newest notifications, those within max of the highest, ascending, into ids (*n of
   them); *last_id the highest (0: none). Where a poll starts. 0 or FP_EIO. */
int fp_store_notification_ids(struct fp_conn *c, int64_t *last_id, int64_t *ids, int max, int *n);
/*
 * For the live streams of one server (http/events.c), what another server may have changed: each
 * of n users' unread counts (unread[i] for users[i]; 0 when none) and whether each of m sessions is
 * still there (live[k] for sessions[k]: signed out, ended by a password reset or a deactivation, it
 * is not). Two statements whatever n and m. In a read transaction. 0, FP_ENOMEM or FP_EIO.
 */
int fp_store_streams_check(struct fp_conn *c, const int64_t *users, size_t n, int64_t *unread, const int64_t *sessions,
                           size_t m, bool *live);
/* user_id's unread count and their newest notification's id (0: none). */
int fp_store_notifications_state(struct fp_conn *c, int64_t user_id, int64_t *unread, int64_t *last_id);
/* user_id's notifications with an id above after_id, the newest limit of them, handed to cb oldest
   first (a stream resumed from its Last-Event-ID). 0 or FP_EIO. */
int fp_store_notifications_after(struct fp_conn *c, int64_t user_id, int64_t after_id, int limit,
                                 void (*cb)(const struct fp_notification *n, void *ctx), void *ctx);

struct fp_outbox_msg {
  int64_t id;
  char to[256];
  char subject[FP_MSG_SUBJECT_MAX + 1];
  char text[FP_MSG_TEXT_MAX + 1];
  char link[FP_MSG_LINK_MAX + 1];
  char message_id[96];
  int attempts;
  enum fp_outbox_state state;
  int64_t created_at, sent_at;
  int64_t webhook_id; /* a webhook delivery's webhook (store/webhooks.h); 0 for an email */
};

/* Whether a queued message of channel ch is due and not leased at now (a read: the worker claims only then). */
int fp_store_outbox_due(struct fp_conn *c, enum fp_outbox_channel ch, int64_t now, bool *due);
/*
 * Claims channel ch's queued message due first, not leased by anyone at now, for worker until now +
 * lease_seconds; *claimed false when there is none. In a write transaction. 0 or FP_EIO.
 */
int fp_store_outbox_claim(struct fp_conn *c, enum fp_outbox_channel ch, const char *worker, int64_t now,
                          int lease_seconds, struct fp_outbox_msg *out, bool *claimed);
/*
 * Records an attempt on message id by worker (ok, or failed with detail: the relay's answer;
 * permanent when the relay refused it for good) and moves the message to the state the core's
 * rule gives (core/outbox.h), leased by no one. A message no longer queued (another worker sent it
 * after this one's lease ended) keeps its state; the attempt is recorded all the same.
 * In a write transaction. 0 or FP_EIO.
 */
int fp_store_outbox_record(struct fp_conn *c, int64_t id, const char *worker, bool ok, bool permanent,
                           const char *detail, int64_t now);

/* The messages of one channel (emails, or webhook deliveries) by state, for the operators' figures. */
struct fp_outbox_counts {
  int64_t by_state[FP_OUTBOX_STATES]; /* messages in each state now */
  int64_t oldest_queued_at;           /* when the oldest queued message was written (0: none) */
};
int fp_store_outbox_counts(struct fp_conn *c, enum fp_outbox_channel ch, struct fp_outbox_counts *out);
/* The newest emails, newest first, at most max into out; *n the count (the demo's mailbox). */
int fp_store_outbox_latest(struct fp_conn *c, struct fp_outbox_msg *out, int max, int *n);

#endif
