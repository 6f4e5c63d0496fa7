/*
 * webhooks.h - outbound webhooks per organisation (issue 12): a practice, or a pool's host
 * organisation, asks to be sent an HTTPS POST when something happens to its shifts. Each webhook
 * has a URL (checked where it comes in: http/webhook_url.h), the events it wants and a signing
 * secret. An event writes one delivery per webhook that wants it, as an outbox row of channel
 * 'webhook' (store/outbox.h), in the event's own transaction: it is sent (app/webhooks.h) only
 * when the event committed, and retried and recorded like an email. A practice's webhooks get its
 * shifts' events; a pool's host organisation's webhooks get the events of the shifts of every
 * practice in the pool.
 *
 * Who may keep an organisation's webhooks: its own practice managers, and the administrators of a
 * pool it hosts (fp_store_webhook_may_manage): scoped by the caller's own roles, never by role alone.
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_WEBHOOKS_H
#define FP_STORE_WEBHOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/outbox.h"
#include "store/db.h"

/* The events a webhook may ask for, in the order of the bits of its `events` mask. offer.accepted
   is written by the offers (a direct offer accepted: the booking it made). */
#define FP_WEBHOOK_EVENTS(XX)                                                                                 \
  XX(SHIFT_POSTED, "shift.posted")                                                                         \
  XX(SHIFT_BOOKED, "shift.booked")                                                                         \
  XX(BOOKING_CANCELLED, "booking.cancelled")                                                               \
  XX(APPLICATION_CREATED, "application.created")                                                           \
  XX(OFFER_ACCEPTED, "offer.accepted")

enum fp_webhook_event {
#define XX(name, text) FP_HOOK_##name,
  FP_WEBHOOK_EVENTS(XX)
#undef XX
      FP_HOOK_EVENTS
};
/* The event's name ("shift.posted"), or NULL. */
const char *fp_webhook_event_name(enum fp_webhook_event e);
/* The event named s: 0, or -1 when there is none. */
int fp_webhook_event_parse(const char *s, enum fp_webhook_event *out);

#define FP_WEBHOOK_URL_MAX 500
#define FP_WEBHOOKS_MAX 10          /* per organisation (more: FP_ECONFLICT) */
#define FP_WEBHOOK_SECRET_LEN 64    /* hex characters of the signing secret (32 random bytes) */

/* What a webhook sends: the event in flexpool's JSON (below), or the shift as a FHIR R4 Slot
   (application/fhir+json, core/fhir.h fp_fhir_slot_json: the Slot the FHIR API answers). */
enum fp_webhook_format { FP_HOOK_JSON = 0, FP_HOOK_FHIR };
const char *fp_webhook_format_name(enum fp_webhook_format f);
/* The format named s ("json", "fhir"): 0, or -1. */
int fp_webhook_format_parse(const char *s, enum fp_webhook_format *out);

struct fp_webhook {
  int64_t id, organisation_id, created_by, created_at;
  char url[FP_WEBHOOK_URL_MAX + 1];
  unsigned events; /* bit e set: wants event e */
  enum fp_webhook_format format;
};

/* Whether user_id manages organisation_id: one of its practice managers, or an administrator of a
   pool it hosts. A read. */
int fp_store_webhook_may_manage(struct fp_conn *c, int64_t user_id, int64_t organisation_id, bool *yes);
/* Whether organisation_id exists (a read). */
int fp_store_organisation_exists(struct fp_conn *c, int64_t organisation_id, bool *yes);

/*
 * Adds a webhook for organisation_id with the secret given (FP_WEBHOOK_SECRET_LEN hex characters),
 * audited; *id the new one. FP_ECONFLICT when the organisation has FP_WEBHOOKS_MAX already. In a
 * write transaction.
 */
int fp_store_webhook_create(struct fp_conn *c, int64_t organisation_id, const char *url, unsigned events,
                            enum fp_webhook_format format, const char *secret, int64_t actor, int64_t now, int64_t *id);
/* The organisation's webhook id (not deleted): 0 or FP_ENOTFOUND. */
int fp_store_webhook_get(struct fp_conn *c, int64_t organisation_id, int64_t id, struct fp_webhook *out);
/* The organisation's webhooks, oldest first, each handed to cb. */
int fp_store_webhook_list(struct fp_conn *c, int64_t organisation_id,
                          void (*cb)(const struct fp_webhook *w, void *ctx), void *ctx);
/* Deletes the organisation's webhook id (FP_ENOTFOUND when it has none such): nothing more is sent
   to it, and its queued deliveries are given up. Audited. In a write transaction. */
int fp_store_webhook_delete(struct fp_conn *c, int64_t organisation_id, int64_t id, int64_t actor, int64_t now);

/*
 * Event e happened to shift_id (about booking_id or application_id when not 0) at now: writes a
 * delivery for each live webhook that wants e, of the shift's practice or of the host of a pool
 * the practice is in, with a new event id, in the caller's transaction. The JSON sent:
 *   {"id": "evt_...", "type": "shift.booked", "created_at": "...Z",
 *    "data": {"shift_id", "practice_id", "booking_id"?, "application_id"?, "role", "starts_at",
 *             "ends_at", "status"}}
 * and to a webhook in FHIR, the shift's Slot as the FHIR API answers it at now (a shift that is no
 * Slot, withdrawn or cancelled, sends nothing there).
 * 0 or FP_EIO.
 */
int fp_store_webhook_emit(struct fp_conn *c, enum fp_webhook_event e, int64_t shift_id, int64_t booking_id,
                          int64_t application_id, int64_t now);

/* fp_store_webhook_emit in two steps, for a transaction that reads everything before it writes (the
   booking: store/shifts.h fp_store_book): the webhooks that want event e about shift_id, read into
   *out (released first; fp_store_webhooks_prefetch sends the statement with the transaction's other
   reads), then their deliveries written. */
struct fp_hook_list {
  enum fp_webhook_event event;
  int64_t *ids; /* negative: the webhook takes FHIR */
  size_t n;
};
void fp_hook_list_release(struct fp_hook_list *l);
void fp_store_webhooks_prefetch(struct fp_conn *c, enum fp_webhook_event e, int64_t shift_id);
int fp_store_webhooks_wanting(struct fp_conn *c, enum fp_webhook_event e, int64_t shift_id, struct fp_hook_list *out);
int fp_store_webhook_emit_to(struct fp_conn *c, const struct fp_hook_list *hooks, int64_t shift_id, int64_t booking_id,
                             int64_t application_id, int64_t now);

/* Where a delivery goes, how it is signed and its format (the delivery worker's read): *live false
   when the webhook was deleted. */
int fp_store_webhook_target(struct fp_conn *c, int64_t webhook_id, char *url, size_t url_len, char *secret,
                            size_t secret_len, enum fp_webhook_format *format, bool *live);

/* One delivery as its organisation sees it. */
struct fp_webhook_delivery {
  int64_t id, webhook_id, created_at, sent_at, last_attempt_at;
  char event_id[96], event[48], last_detail[256];
  enum fp_outbox_state state;
  int attempts;
};
/* The organisation's deliveries, newest first, at most limit (those with an id below before_id
   when it is not 0), each handed to cb; *more when there are older ones. */
int fp_store_webhook_deliveries(struct fp_conn *c, int64_t organisation_id, int64_t before_id, int limit,
                                void (*cb)(const struct fp_webhook_delivery *d, void *ctx), void *ctx, bool *more);

#endif
