/*
 * webhooks.h - the webhook delivery worker (issue 12): a thread that POSTs the outbox's queued
 * webhook deliveries (store/webhooks.h) with libcurl, one at a time, through the same loop, lease
 * and retry rule as the email (app/outbox_worker.h, core/outbox.h). Always started: webhooks are
 * set up at run time by the organisations themselves.
 *
 * Each delivery is checked again just before it is sent (http/webhook_url.h: https only, the host
 * resolved now and every address public), then sent to exactly the address checked (pinned with
 * CURLOPT_RESOLVE; CURLOPT_OPENSOCKETFUNCTION refuses any other), without a proxy and without
 * following redirects. The request:
 *   POST <url>  Content-Type: application/json
 *   Flexpool-Event: shift.booked
 *   Flexpool-Event-Id: evt_...             the same on every attempt (deduplicate on it)
 *   Flexpool-Timestamp: 1764690000         seconds since 1970, when this attempt was made
 *   Flexpool-Signature: sha256=<hex>       HMAC-SHA256 of "<timestamp>.<body>", keyed with the
 *                                          webhook's secret (its text, as shown at creation)
 * A 2xx answer is delivered; 408, 429, 5xx, a timeout or a refused address are tried again after
 * the email's pauses; another 4xx, or a webhook deleted meanwhile, gives it up.
 */
#ifndef FP_APP_WEBHOOKS_H
#define FP_APP_WEBHOOKS_H

#include <stdbool.h>

#include "app/outbox_worker.h"
#include "store/db.h"

struct fp_webhooks_config {
  bool allow_loopback;  /* --webhooks-allow-loopback-http (tests only) */
  int timeout_seconds;  /* the longest one delivery may take */
};

/* Starts the worker (cfg is copied). NULL (said on stderr) on failure. fp_outbox_worker_stop stops
   it: a delivery under way is cut short and tried again later. */
struct fp_outbox_worker *fp_webhooks_start(struct fp_store *store, const struct fp_webhooks_config *cfg);

#endif
