/*
 * server.h - the HTTP server (libmicrohttpd 0.9.75): reads requests within their limits, finds
 * the route, works out who is asking, checks CSRF, calls the handler, and writes the answer with
 * the security headers. Also serves the web app's static files.
 */
#ifndef FP_HTTP_SERVER_H
#define FP_HTTP_SERVER_H

#include <netinet/in.h>
#include <stdint.h>

#include "http/config.h"

struct fp_server;

/* Starts listening as app->cfg says; app must outlive the server. *port receives the bound port. NULL on failure (logged). */
struct fp_server *fp_server_start(struct fp_http_app *app, uint16_t *port);
void fp_server_stop(struct fp_server *s);

/* Parses listen ("ADDR:PORT", an IPv4 address or localhost; port 0 picks a free one) into sa; -1
   (said on stderr, naming option) when it is not one. */
int fp_listen_addr(const char *listen, const char *option, struct sockaddr_in *sa);

#endif
