/* Where a webhook may be sent. See webhook_url.h. */
#include "http/webhook_url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool fp_webhook_sockaddr_allowed(const struct sockaddr *sa, bool allow_loopback, enum fp_addr_class *cls) {
  if (sa->sa_family == AF_INET) *cls = fp_addr_classify_v4((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
  else if (sa->sa_family == AF_INET6)
    *cls = fp_addr_classify_v6(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
  else *cls = FP_ADDR_RESERVED;
  return *cls == FP_ADDR_PUBLIC || (allow_loopback && *cls == FP_ADDR_LOOPBACK);
}

/* The address of sa as text (inet_ntop). */
static void addr_text(const struct sockaddr *sa, char *out, size_t len) {
  const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                                           : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
  if (!inet_ntop(sa->sa_family, a, out, (socklen_t)len)) snprintf(out, len, "?");
}

/* The URL's parts through libcurl's parser: 0, or -1 when it cannot parse it or it carries credentials. */
static int url_parts(const char *url, char *scheme, size_t scheme_len, struct fp_webhook_dest *d) {
  CURLU *h = curl_url();
  if (!h) return -1;
  char *s = NULL, *host = NULL, *port = NULL, *user = NULL, *password = NULL;
  int rc = -1;
  if (curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
      curl_url_get(h, CURLUPART_SCHEME, &s, 0) == CURLUE_OK && curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
      curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_NO_USER &&
      curl_url_get(h, CURLUPART_PASSWORD, &password, 0) == CURLUE_NO_PASSWORD && strlen(host) < sizeof d->host &&
      strlen(s) < scheme_len) {
    snprintf(scheme, scheme_len, "%s", s);
    snprintf(d->host, sizeof d->host, "%s", host);
    d->port = atoi(port);
    rc = d->port > 0 && d->port < 65536 ? 0 : -1;
  }
  curl_free(s);
  curl_free(host);
  curl_free(port);
  curl_free(user);
  curl_free(password);
  curl_url_cleanup(h);
  return rc;
}

enum fp_webhook_url_verdict fp_webhook_url_check(const char *url, bool allow_loopback, struct fp_webhook_dest *d,
                                                 char *why, size_t why_len) {
  memset(d, 0, sizeof *d);
  char scheme[16];
  if (url_parts(url, scheme, sizeof scheme, d) != 0) {
    snprintf(why, why_len, "the URL is not valid (an address such as https://example.org/hooks, without a user name or password)");
    return FP_WEBHOOK_URL_MALFORMED;
  }
  d->https = strcasecmp(scheme, "https") == 0;
  if (!d->https && !(allow_loopback && strcasecmp(scheme, "http") == 0)) {
    snprintf(why, why_len, "a webhook's URL must start with https://");
    return FP_WEBHOOK_URL_SCHEME;
  }
  /* The name to resolve: an IPv6 literal without its brackets. */
  char name[256];
  size_t hl = strlen(d->host);
  if (hl >= 2 && d->host[0] == '[' && d->host[hl - 1] == ']') snprintf(name, sizeof name, "%.*s", (int)(hl - 2), d->host + 1);
  else snprintf(name, sizeof name, "%s", d->host);
  unsigned char probe[16];
  d->literal = inet_pton(AF_INET, name, probe) == 1 || inet_pton(AF_INET6, name, probe) == 1;
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(name, NULL, &hints, &res);
  if (gai != 0 || !res) {
    snprintf(why, why_len, "the host \"%.100s\" does not resolve (%s)", name, gai ? gai_strerror(gai) : "no address");
    if (res) freeaddrinfo(res);
    return FP_WEBHOOK_URL_UNRESOLVED;
  }
  /* Every address the name has must be allowed: a name with one public and one private address
     could be sent to either. */
  enum fp_webhook_url_verdict v = FP_WEBHOOK_URL_OK;
  bool all_loopback = true;
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
    enum fp_addr_class cls;
    char text[64];
    addr_text(a->ai_addr, text, sizeof text);
    if (!fp_webhook_sockaddr_allowed(a->ai_addr, allow_loopback, &cls)) {
      if (d->literal)
        snprintf(why, why_len, "%s is %s: webhooks go to public addresses only", text, fp_addr_class_text(cls));
      else
        snprintf(why, why_len, "the host \"%.100s\" resolves to %s, %s: webhooks go to public addresses only", name, text,
                 fp_addr_class_text(cls));
      v = FP_WEBHOOK_URL_ADDRESS;
      break;
    }
    if (cls != FP_ADDR_LOOPBACK) all_loopback = false;
    if (!d->addr[0]) snprintf(d->addr, sizeof d->addr, "%s", text);
  }
  freeaddrinfo(res);
  if (v == FP_WEBHOOK_URL_OK && !d->addr[0]) {
    snprintf(why, why_len, "the host \"%.100s\" has no IPv4 or IPv6 address", name);
    v = FP_WEBHOOK_URL_UNRESOLVED;
  }
  if (v == FP_WEBHOOK_URL_OK && !d->https && !all_loopback) { /* the test option's http is for loopback only */
    snprintf(why, why_len, "a webhook's URL must start with https://");
    v = FP_WEBHOOK_URL_SCHEME;
  }
  return v;
}
