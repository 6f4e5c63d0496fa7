/*
 * webhook_url.h - where a webhook may be sent (issue 12): an https URL whose host resolves only to
 * public addresses (core/netaddr.h), never this machine, a private network, a link, a carrier-grade
 * NAT, multicast or an unspecified address. Checked when a webhook is made (h_webhooks.c) and again
 * before each delivery (app/webhooks.c), which then connects only to the address checked here
 * (pinned with CURLOPT_RESOLVE and held to it by fp_webhook_sockaddr_allowed in
 * CURLOPT_OPENSOCKETFUNCTION), so a name that resolves elsewhere by the time of the delivery (DNS
 * rebinding) reaches nothing it should not.
 *
 * The URL is parsed by libcurl's URL API (curl_url), the host resolved by the system's getaddrinfo
 * and the addresses classed from their bytes: nothing here parses text by hand.
 *
 * allow_loopback: the test-only server option --webhooks-allow-loopback-http (the API tests run the
 * receiver on 127.0.0.1): loopback addresses are allowed too, and http when every address is one.
 */
#ifndef FP_HTTP_WEBHOOK_URL_H
#define FP_HTTP_WEBHOOK_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/netaddr.h"

enum fp_webhook_url_verdict {
  FP_WEBHOOK_URL_OK = 0,
  FP_WEBHOOK_URL_MALFORMED,   /* not a URL libcurl can parse, or with a user name or password in it */
  FP_WEBHOOK_URL_SCHEME,      /* not https */
  FP_WEBHOOK_URL_UNRESOLVED,  /* the host does not resolve */
  FP_WEBHOOK_URL_ADDRESS,     /* the host resolves to an address a webhook may not reach */
};

struct fp_webhook_dest {
  char host[256];  /* as libcurl gives it (an IPv6 literal in brackets) */
  int port;
  bool https;
  char addr[64];   /* the address to connect to: the first the host resolved to */
  bool literal;    /* the host is an address already (no name to pin) */
};

/*
 * Checks url; on FP_WEBHOOK_URL_OK fills *dest. Otherwise why says what is wrong in words for the
 * person who typed it (the address and its class for FP_WEBHOOK_URL_ADDRESS).
 */
enum fp_webhook_url_verdict fp_webhook_url_check(const char *url, bool allow_loopback, struct fp_webhook_dest *dest,
                                                 char *why, size_t why_len);
/* Whether a socket address (IPv4 or IPv6) may be connected to; *cls its class. */
bool fp_webhook_sockaddr_allowed(const struct sockaddr *sa, bool allow_loopback, enum fp_addr_class *cls);

#endif
