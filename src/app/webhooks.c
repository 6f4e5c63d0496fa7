/* The webhook delivery worker. See webhooks.h. */
#include "app/webhooks.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "app/outbox_worker.h"
#include "core/error.h"
#include "http/webhook_url.h"
#include "http/prometheus.h"
#include "store/outbox.h"
#include "store/webhooks.h"

/* The receiver's answer is not kept. */
static size_t discard_cb(char *buf, size_t size, size_t nitems, void *arg) {
  (void)buf;
  (void)arg;
  return size * nitems;
}

/* libcurl opens each connection here: only to an address a webhook may reach, whatever it was
   told (the pinned address makes this the second guard, not the first). */
static curl_socket_t open_socket_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a) {
  const struct fp_webhooks_config *cfg = arg;
  enum fp_addr_class cls;
  if (purpose != CURLSOCKTYPE_IPCXN || !fp_webhook_sockaddr_allowed(&a->addr, cfg->allow_loopback, &cls))
    return CURL_SOCKET_BAD;
  return socket(a->family, a->socktype, a->protocol);
}

/* "sha256=<hex>" of HMAC-SHA256(secret, timestamp "." body). */
static void sign(const char *secret, const char *timestamp, const char *body, char *out, size_t len) {
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
  crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  snprintf(out, len, "sha256=%s", hex);
  sodium_memzero(&st, sizeof st);
}

static int deliver(struct fp_store *store, const void *config, const struct fp_outbox_msg *msg, const atomic_bool *quit,
    bool *permanent, char *detail, size_t dlen) {
  const struct fp_webhooks_config *cfg = config;
  *permanent = false;
  char url[FP_WEBHOOK_URL_MAX + 1], secret[FP_WEBHOOK_SECRET_LEN + 1];
  bool live = false;
  enum fp_webhook_format format = FP_HOOK_JSON;
  struct fp_conn *c = fp_store_reader(store);
  int rc = c ? fp_store_webhook_target(c, msg->webhook_id, url, sizeof url, secret, sizeof secret, &format, &live) : FP_EIO;
  if (rc || !live) {
    *permanent = rc == 0 || rc == FP_ENOTFOUND;
    snprintf(detail, dlen, "%s", rc ? "the webhook could not be read" : "the webhook was deleted");
    return -1;
  }
  /* Checked again now, after resolving the host again: a name may point elsewhere than it did. */
  struct fp_webhook_dest dest;
  char why[300];
  enum fp_webhook_url_verdict v = fp_webhook_url_check(url, cfg->allow_loopback, &dest, why, sizeof why);
  if (v != FP_WEBHOOK_URL_OK) {
    *permanent = v == FP_WEBHOOK_URL_MALFORMED || v == FP_WEBHOOK_URL_SCHEME;
    snprintf(detail, dlen, "not sent: %.200s", why);
    sodium_memzero(secret, sizeof secret);
    return -1;
  }
  char timestamp[24], signature[96], hdr[4][256], resolve[400];
  snprintf(timestamp, sizeof timestamp, "%lld", (long long)time(NULL));
  sign(secret, timestamp, msg->text, signature, sizeof signature);
  sodium_memzero(secret, sizeof secret);
  snprintf(hdr[0], sizeof hdr[0], "Flexpool-Event: %.64s", msg->subject);
  snprintf(hdr[1], sizeof hdr[1], "Flexpool-Event-Id: %.95s", msg->message_id);
  snprintf(hdr[2], sizeof hdr[2], "Flexpool-Timestamp: %s", timestamp);
  snprintf(hdr[3], sizeof hdr[3], "Flexpool-Signature: %s", signature);
  struct curl_slist *headers = curl_slist_append(
      NULL, format == FP_HOOK_FHIR ? "Content-Type: application/fhir+json; fhirVersion=4.0" : "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  for (int i = 0; i < 4; i++) headers = curl_slist_append(headers, hdr[i]);
  /* The host's name pinned to the address just checked (an address literal needs no name). */
  struct curl_slist *pin = NULL;
  if (!dest.literal) {
    snprintf(resolve, sizeof resolve, "%s:%d:%s%s%s", dest.host, dest.port, strchr(dest.addr, ':') ? "[" : "", dest.addr,
             strchr(dest.addr, ':') ? "]" : "");
    pin = curl_slist_append(NULL, resolve);
  }
  CURL *curl = curl_easy_init();
  if (!curl || !headers || (!dest.literal && !pin)) {
    curl_slist_free_all(headers);
    curl_slist_free_all(pin);
    if (curl) curl_easy_cleanup(curl);
    snprintf(detail, dlen, "libcurl could not start");
    return -1;
  }
  char err[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, dest.https ? "https" : "http");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  if (pin) curl_easy_setopt(curl, CURLOPT_RESOLVE, pin);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_socket_cb);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, (void *)cfg);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "flexpool-webhooks/1");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, msg->text);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(msg->text));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_cb);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)cfg->timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  long code;
  CURLcode res = fp_outbox_worker_perform(curl, quit, &code);
  int out = -1;
  if (res != CURLE_OK) snprintf(detail, dlen, "%s: %.200s", curl_easy_strerror(res), err);
  else if (code >= 200 && code < 300) {
    snprintf(detail, dlen, "HTTP %ld", code);
    out = 0;
  } else {
    snprintf(detail, dlen, "HTTP %ld", code);
    *permanent = code >= 400 && code < 500 && code != 408 && code != 429;
  }
  curl_slist_free_all(headers);
  curl_slist_free_all(pin);
  curl_easy_cleanup(curl);
  return out;
}

struct fp_outbox_worker *fp_webhooks_start(struct fp_store *store, const struct fp_webhooks_config *cfg) {
  struct fp_outbox_worker_ops ops = {
      FP_OUTBOX_WEBHOOK, "webhook", cfg->timeout_seconds * 2 + 10, deliver, fp_prom_webhook_attempt, cfg, sizeof *cfg};
  return fp_outbox_worker_start(store, &ops);
}
