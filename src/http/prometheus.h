/*
 * prometheus.h - the server's own figures for the people who run it: GET /metrics in the Prometheus
 * text exposition format (version 0.0.4) on an address of its own (`serve --metrics-listen`), never
 * on the API's address and not part of the public API (docs/openapi.yaml). Not to be confused with
 * the commissioner's figures, GET /api/v1/metrics (h_metrics.c).
 *
 * Counted as they happen: every answered request (by route pattern, method and status: never a raw
 * path, an id or a query in a label) and every run of an upkeep step. Read at each scrape: the
 * store's writer (fp_store_stats: queue, commits), its database connections and the live sessions.
 * docs/OPERATIONS.md lists every series and what to alert on.
 *
 * Depends on libmicrohttpd and the store; never on src/app.
 */
#ifndef FP_HTTP_PROMETHEUS_H
#define FP_HTTP_PROMETHEUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* The route label of a request no route of the table answered. */
#define FP_PROM_ROUTE_STATIC "static"       /* the web app's files (and the page at every app path) */
#define FP_PROM_ROUTE_UNMATCHED "unmatched" /* a path under /api/ that no route has, or a refused method */

/* Counts one answered request. route: a route's pattern from the route table (a string that lives
   as long as the program) or one of the two above; method as the client sent it. */
void fp_prom_request(const char *route, const char *method, int status, double seconds);

/* Counts one run of an upkeep step (its name, a string that lives as long as the program), ok or
   failed, finished at `at` (epoch seconds). */
void fp_prom_upkeep(const char *step, bool ok, int64_t at);
/* Counts one run of an upkeep step skipped because another server held the upkeep lock. */
void fp_prom_upkeep_skipped(const char *step);

/* Counts one email delivery attempt by this server (app/mailer.c): accepted by the relay or not. */
void fp_prom_mail_attempt(bool ok);
/* Counts one webhook delivery attempt by this server (app/webhooks.c): a 2xx answer or not. */
void fp_prom_webhook_attempt(bool ok);

/* Counts one look in the session cache (http/auth.c): the session found there, or read from the store. */
void fp_prom_session_cache(bool hit);

/* The exposition now, read from store (sessions live when seen within session_idle seconds): a
   malloc'd text of *len bytes, or NULL when out of memory. */
char *fp_prom_render(struct fp_store *store, int session_idle, size_t *len);

struct fp_prom_server;
/* Serves GET /metrics on listen (ADDR:PORT, port 0 picks one: *port receives it), on one thread of
   its own. NULL on failure (said on stderr). */
struct fp_prom_server *fp_prom_start(const char *listen, struct fp_store *store, int session_idle, uint16_t *port);
void fp_prom_stop(struct fp_prom_server *p);

#endif
