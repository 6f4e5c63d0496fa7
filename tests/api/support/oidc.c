/* The sign-in tests' OpenID Connect provider and browser. See oidc.h. */
#include "oidc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

void fpt_oidc_start(struct fpt_oidc *p) {
  memset(p, 0, sizeof *p);
  fpt_tempdir(p->dir, sizeof p->dir);
  char script[512];
  snprintf(script, sizeof script, "%s/tests/oidc/provider.mjs", getenv("FP_SOURCE_DIR") ? getenv("FP_SOURCE_DIR") : ".");
  p->pid = fork();
  assert_true(p->pid >= 0);
  if (p->pid == 0) {
    execlp("node", "node", script, p->dir, (char *)NULL);
    _exit(127);
  }
  p->port = fpt_port_file_wait(p->dir, 20);
  if (!p->port) fail_msg("the OpenID provider did not start (node and npm's oidc-provider: scripts/setup.sh)");
  snprintf(p->issuer, sizeof p->issuer, "http://127.0.0.1:%d", p->port);
  snprintf(p->secret_file, sizeof p->secret_file, "%s/client-secret", p->dir);
  snprintf(p->key_file, sizeof p->key_file, "%s/client-key.json", p->dir);
}

void fpt_oidc_stop(struct fpt_oidc *p) {
  if (p->pid > 0) {
    kill(p->pid, SIGTERM);
    waitpid(p->pid, NULL, 0);
    p->pid = 0;
  }
  if (p->dir[0]) fpt_rmrf(p->dir);
  p->dir[0] = 0;
}

static size_t discard(char *d, size_t sz, size_t nm, void *u) {
  (void)d, (void)u;
  return sz * nm;
}

void fpt_oidc_control(const struct fpt_oidc *p, const char *json) {
  CURL *c = curl_easy_init();
  char url[128];
  snprintf(url, sizeof url, "%s/__control", p->issuer);
  struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK || status != 204) fail_msg("the provider's control answered %ld (%s)", status, curl_easy_strerror(rc));
}

struct fpt_browser {
  CURL *c;
};

struct fpt_browser *fpt_browser_new(void) {
  struct fpt_browser *b = calloc(1, sizeof *b);
  b->c = curl_easy_init();
  curl_easy_setopt(b->c, CURLOPT_COOKIEFILE, ""); /* the cookie engine, in memory */
  curl_easy_setopt(b->c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(b->c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(b->c, CURLOPT_WRITEFUNCTION, discard);
  return b;
}

void fpt_browser_free(struct fpt_browser *b) {
  if (!b) return;
  curl_easy_cleanup(b->c);
  free(b);
}

static size_t on_header(char *d, size_t sz, size_t nm, void *u) {
  struct fpt_signin *out = u;
  size_t n = sz * nm;
  char line[4096];
  snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), d);
  line[strcspn(line, "\r\n")] = 0;
  if (strncasecmp(line, "Location: ", 10) == 0) {
    if (strlen(line + 10) >= sizeof out->location) fail_msg("a Location longer than %zu bytes", sizeof out->location);
    memcpy(out->location, line + 10, strlen(line + 10) + 1);
  }
  if (strncasecmp(line, "Set-Cookie: fp_session=", 23) == 0) {
    size_t v = strcspn(line + 23, ";");
    snprintf(out->session, sizeof out->session, "%.*s", (int)v, line + 23);
  }
  return n;
}

void fpt_browser_get(struct fpt_browser *b, const char *url, struct fpt_signin *out) {
  int hops = out->hops;
  memset(out, 0, sizeof *out);
  out->hops = hops + 1;
  curl_easy_setopt(b->c, CURLOPT_URL, url);
  curl_easy_setopt(b->c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(b->c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(b->c, CURLOPT_HEADERDATA, out);
  CURLcode rc = curl_easy_perform(b->c);
  if (rc != CURLE_OK) fail_msg("GET %s: %s", url, curl_easy_strerror(rc));
  curl_easy_getinfo(b->c, CURLINFO_RESPONSE_CODE, &out->status);
}

struct fpt_signin fpt_oidc_sign_in(struct fpt_browser *b, const struct fpt_server *s, bool stop_at_callback) {
  struct fpt_signin r;
  memset(&r, 0, sizeof r);
  char url[2048];
  snprintf(url, sizeof url, "%s/api/v1/oidc/authorization", s->base);
  for (int i = 0; i < 12; i++) {
    bool callback = strncmp(url, s->base, strlen(s->base)) == 0 && strstr(url, "/api/v1/oidc/callback");
    if (callback && stop_at_callback) {
      snprintf(r.location, sizeof r.location, "%s", url);
      return r;
    }
    fpt_browser_get(b, url, &r);
    bool ours = strncmp(url, s->base, strlen(s->base)) == 0;
    /* Flexpool's answer to its callback, or a refusal at the start: where it sends the browser is the result. */
    if (ours && (callback || strncmp(r.location, "/", 1) == 0)) return r;
    if (r.status < 300 || r.status > 399 || !r.location[0]) return r;
    if (r.location[0] == '/') {
      const char *slash = strchr(url + 8, '/');
      size_t keep = slash ? (size_t)(slash - url) : strlen(url);
      if (keep + strlen(r.location) >= sizeof url) fail_msg("a redirect longer than %zu bytes", sizeof url);
      memmove(url + keep, r.location, strlen(r.location) + 1);
    } else {
      snprintf(url, sizeof url, "%s", r.location);
    }
  }
  fail_msg("the sign-in went round more than 12 redirects");
  return r;
}
