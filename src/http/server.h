/*
 * server.h - the HTTP server (libmicrohttpd 0.9.75): reads requests within their limits, finds
 * the route, works out who is asking, checks CSRF, calls the handler, and writes the answer with
 * the security headers. Also serves the web app's static files.
 */
#ifndef FP_HTTP_SERVER_H
#define FP_HTTP_SERVER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/config.h"

struct fp_server;

/* Starts listening as app->cfg says; app must outlive the server. *port receives the bound port. NULL on failure (logged). */
struct fp_server *fp_server_start(struct fp_http_app *app, uint16_t *port);
/*
 * Draining before a stop (SIGTERM): fp_server_quiesce stops accepting connections (the listening
 * socket is closed: a new connection is refused) while the requests in flight go on, each answered
 * with `Connection: close`; fp_server_in_flight says how many requests have been read (at least
 * their headers) and not yet answered. fp_server_stop then closes whatever is left.
 */
bool fp_server_quiesce(struct fp_server *s); /* false: still accepting (said on stderr): do not wait */
int fp_server_in_flight(struct fp_server *s);
void fp_server_stop(struct fp_server *s);

/* Parses listen ("ADDR:PORT", an IPv4 address or localhost; port 0 picks a free one) into sa; -1
   (said on stderr, naming option) when it is not one. */
int fp_listen_addr(const char *listen, const char *option, struct sockaddr_in *sa);

#endif
