/*
 * outbox.h - the life of an outgoing message (an email or a webhook delivery in the outbox, store/outbox.h): queued until
 * a delivery attempt succeeds (sent) or it is given up (failed), with retries after a growing
 * pause. The one place that decides a message's next state; the store writes only its answers.
 * Pure: no clock (now is a parameter), no I/O. Depends on nothing.
 */
#ifndef FP_CORE_OUTBOX_H
#define FP_CORE_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

enum fp_outbox_state { FP_OUTBOX_QUEUED = 0, FP_OUTBOX_SENT = 1, FP_OUTBOX_FAILED = 2 };
#define FP_OUTBOX_STATES 3

/* Attempts before a message that keeps failing for a passing reason is given up. */
#define FP_OUTBOX_MAX_ATTEMPTS 8
/* The pause after the first failed attempt; it doubles after each one, up to FP_OUTBOX_MAX_PAUSE. */
#define FP_OUTBOX_FIRST_PAUSE 30
#define FP_OUTBOX_MAX_PAUSE 3600

/* Who delivers a message: the mailer (app/mailer.h) over SMTP, or the webhook worker
   (app/webhooks.h) over HTTPS. Both follow the rule below. */
enum fp_outbox_channel { FP_OUTBOX_EMAIL = 0, FP_OUTBOX_WEBHOOK = 1 };
/* "email", "webhook" (as stored). */
const char *fp_outbox_channel_name(enum fp_outbox_channel ch);

/* "queued", "sent", "failed" (as stored and shown); "unknown" for anything else. */
const char *fp_outbox_state_name(enum fp_outbox_state s);

/*
 * The state after an attempt on a queued message that had `attempts_before` attempts already: sent
 * when ok; failed when the relay refused it for good (permanent: an SMTP 5xx answer) or when this
 * was attempt FP_OUTBOX_MAX_ATTEMPTS; otherwise queued again, *next_at set to when to try next
 * (now plus the pause). *next_at is `now` for sent and failed.
 */
enum fp_outbox_state fp_outbox_after_attempt(int attempts_before, bool ok, bool permanent, int64_t now,
                                             int64_t *next_at);

#endif
