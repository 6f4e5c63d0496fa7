/*
 * HTTP itself (issue 9, items 9 and 10): every answer flexpool writes, however malformed or
 * oversize the request, is the documented JSON error {"error": {"code", "message"}} with a code
 * from the table (`flexpool errors`) and that code's status; the body's framing is never
 * ambiguous (Content-Length with Transfer-Encoding, Content-Length twice, an unknown transfer
 * coding: 400, and the connection is closed so nothing is read as a second request);
 * Strict-Transport-Security under TLS; only the web app's own files are served. Requests curl
 * will not send go over a raw socket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fpt.h"

static struct fpt_server srv;
static char table[4096]; /* `flexpool errors`: "STATUS code" a line */

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  const char *args[] = {"errors", NULL};
  if (fpt_cli(table, sizeof table, args) != 0) table[0] = 0; /* every code then fails the check */
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* Sends raw bytes, half-closes, and reads everything the server sends until it closes. */
static char *raw_exchange(const char *req, size_t len, size_t *out_len) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  size_t sent = 0;
  while (sent < len) {
    ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
    if (n <= 0) break; /* the server may answer and close before taking it all */
    sent += (size_t)n;
  }
  shutdown(fd, SHUT_WR);
  size_t cap = 1 << 16, n = 0;
  char *buf = fpt_keep(malloc(cap + 1));
  for (;;) {
    ssize_t got = recv(fd, buf + n, cap - n, 0);
    if (got <= 0) break;
    n += (size_t)got;
    if (n == cap) break;
  }
  close(fd);
  buf[n] = 0;
  *out_len = n;
  return buf;
}

/* The number of HTTP responses (status lines) in what the server sent. */
static int count_responses(const char *all) {
  int n = 0;
  for (const char *p = all; (p = strstr(p, "HTTP/1.1 ")) != NULL; p += 9) n++;
  return n;
}

/*
 * Asserts the (first) answer is `status` with the documented JSON error body, a code from the
 * table with that status, and a message; returns the code (gc-owned).
 */
static const char *assert_json_error(const char *name, const char *all, int status) {
  int got = 0;
  if (sscanf(all, "HTTP/1.1 %d", &got) != 1 || got != status)
    fail_msg("%s: expected %d, got: %.200s", name, status, all);
  const char *head_end = strstr(all, "\r\n\r\n");
  assert_non_null(head_end);
  const char *ct = strcasestr(all, "\r\nContent-Type: application/json");
  if (!ct || ct > head_end) fail_msg("%s: not JSON: %.300s", name, all);
  long clen = -1;
  const char *cl = strcasestr(all, "\r\nContent-Length:");
  if (cl && cl < head_end) clen = strtol(cl + 17, NULL, 10);
  assert_true(clen > 0);
  json_error_t err;
  json_t *j = fpt_keep_json(json_loadb(head_end + 4, (size_t)clen, 0, &err));
  if (!j) fail_msg("%s: body is not JSON: %.300s", name, head_end + 4);
  json_t *e = json_object_get(j, "error");
  assert_true(json_is_object(e));
  assert_int_equal(json_object_size(j), 1);
  const char *code = json_string_value(json_object_get(e, "code"));
  const char *msg = json_string_value(json_object_get(e, "message"));
  assert_non_null(code);
  assert_non_null(msg);
  assert_true(msg[0] != 0);
  char row[96];
  snprintf(row, sizeof row, "%d %s\n", status, code);
  if (!strstr(table, row)) fail_msg("%s: '%d %s' is not a row of the error table", name, status, code);
  return code;
}

static void test_malformed_and_oversize_requests_get_json_errors(void **state) {
  (void)state;
  static char big[300 * 1024];
  memset(big, 'a', sizeof big);
  const char *huge_body = fpt_str("POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                  "Content-Length: %zu\r\n\r\n{\"email\":\"%.*s\"}",
                                  sizeof big + 12, (int)sizeof big, big);
  const char *huge_chunked = fpt_str("POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%.*s\r\n0\r\n\r\n",
                                     sizeof big, (int)sizeof big, big);
  const struct {
    const char *name, *req;
    int status;
    const char *code;
  } cases[] = {
      {"oversize body", huge_body, 413, "payload_too_large"},
      {"oversize chunked body", huge_chunked, 413, "payload_too_large"},
      {"declared oversize, no body", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                     "Content-Length: 99999999999\r\n\r\n", 413, "payload_too_large"},
      {"not JSON", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n{x}",
       400, "invalid_json"},
      {"JSON not an object", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Content-Length: 2\r\n\r\n[]", 400, "invalid_json"},
      {"invalid UTF-8 in JSON", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: 16\r\n\r\n{\"email\":\"\xff\xfe\"}  ", 400, "invalid_json"},
      {"nested too deep", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: 20\r\n\r\n[[[[[[[[[[]]]]]]]]]]", 400, "invalid_json"},
      {"empty body", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 0\r\n\r\n",
       400, "invalid_json"},
      {"not JSON at all", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
       415, "unsupported_media_type"},
      {"Content-Length and chunked", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                     "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "bad_request"},
      {"Content-Length twice", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", 400, "bad_request"},
      {"unknown transfer coding", "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                  "Transfer-Encoding: gzip\r\n\r\n{}", 400, "bad_request"},
      {"unknown API path", "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"},
      {"unknown API path, odd bytes", "GET /api/v1/\xff\xfe%00 HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"},
      {"wrong method on an endpoint", "DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"},
      {"lower-case method", "get /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"},
      {"write to a static path", "PUT /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405,
       "method_not_allowed"},
      {"OPTIONS on a page", "OPTIONS / HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"},
      {"missing static file", "GET /nothing.txt HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"},
      {"a non-app file in web/", "GET /tools/vendor.mjs HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"},
      {"path climbing out", "GET /css/../../CMakeLists.txt HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"},
      {"not signed in", "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n", 401, "unauthenticated"},
      {"bad token", "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xc3\r\n\r\n", 401, "unauthenticated"},
      {"HTTP/1.0", "POST /api/v1/sessions HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", 400,
       "missing_field"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = 0;
    const char *all = raw_exchange(cases[i].req, strlen(cases[i].req), &n);
    const char *code = assert_json_error(cases[i].name, all, cases[i].status);
    if (strcmp(code, cases[i].code) != 0) fail_msg("%s: code %s, expected %s", cases[i].name, code, cases[i].code);
  }
  /* The server is still fine. */
  fpt_call(&srv, NULL, "GET", "/healthz", 200, NULL);
}

/* A long message made of multi-byte characters is cut between characters, never inside one. */
static void test_messages_are_whole_utf8(void **state) {
  (void)state;
  const char *h[] = {"Content-Type: application/json", NULL};
  for (int shift = 0; shift < 3; shift++) { /* every position of the cut within a character */
    char body[4096];
    size_t n = (size_t)snprintf(body, sizeof body, "{\"%.*s", shift, "aa");
    for (int i = 0; i < 300; i++) n += (size_t)snprintf(body + n, sizeof body - n, "\xe2\x82\xac"); /* euro signs */
    n += (size_t)snprintf(body + n, sizeof body - n, "\": 1, \"email\": \"a@b.test\", \"password\": \"x\"}");
    struct fpt_resp r = fpt_raw(&srv, "POST", "/api/v1/sessions", h, body, n);
    assert_int_equal(r.status, 400);
    assert_non_null(r.json); /* jansson refuses a body that is not valid UTF-8 */
    assert_string_equal(fpt_error_code(&r), "unknown_field");
    const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
  }
}

/*
 * Nothing is smuggled: a request with both Content-Length and Transfer-Encoding is answered once
 * with 400 and the connection closed, so the bytes after it are never read as a second request.
 */
static void test_no_request_smuggling(void **state) {
  (void)state;
  const char *second = "GET /api/v1/nothing-smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  const char *reqs[] = {
      fpt_str("POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
              "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n%s", second),
      fpt_str("POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
              "Content-Length: 48\r\n\r\n0\r\n\r\n%s", second),
      fpt_str("POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 0\r\n"
              "Content-Length: 48\r\n\r\n%s", second),
  };
  for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
    size_t n = 0;
    const char *all = raw_exchange(reqs[i], strlen(reqs[i]), &n);
    assert_string_equal(assert_json_error("smuggling", all, 400), "bad_request");
    assert_int_equal(count_responses(all), 1);
    assert_non_null(strcasestr(all, "\r\nConnection: close"));
  }
  /* A well-framed keep-alive pair is still answered twice. */
  const char *pair = fpt_str("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n%s", second);
  size_t n = 0;
  assert_int_equal(count_responses(raw_exchange(pair, strlen(pair), &n)), 2);
}

/*
 * Only the web app's files are served: the page, its stylesheets and modules, the NHS.UK script and
 * images; an app route reloads the page; anything else in web/ or the package is a 404.
 */
static void test_only_app_files_are_served(void **state) {
  (void)state;
  const char *ok[] = {"/", "/index.html", "/css/app.css", "/js/main.js", "/js/pages/clinician.js",
                      "/nhsuk/nhsuk/nhsuk-frontend.min.js", "/nhsuk/nhsuk/assets/images/favicon.svg", "/shifts/12", NULL};
  for (const char *const *p = ok; *p; p++) {
    struct fpt_resp r = fpt_raw(&srv, "GET", *p, NULL, NULL, 0);
    if (r.status != 200) fail_msg("%s: %ld", *p, r.status);
  }
  const char *not_found[] = {"/tools/vendor.mjs", "/.gitignore", "/nhsuk/nhsuk/index.mjs",
                             "/nhsuk/nhsuk/nhsuk-frontend.min.js.map", "/nhsuk/nhsuk/template.njk",
                             "/nhsuk/nhsuk/assets/manifest.json", "/nhsuk/../package.json", "/js/../../package.json", NULL};
  for (const char *const *p = not_found; *p; p++) {
    struct fpt_resp r = fpt_raw(&srv, "GET", *p, NULL, NULL, 0);
    if (r.status != 404) fail_msg("%s: %ld", *p, r.status);
    assert_string_equal(fpt_error_code(&r), "not_found");
  }
}

/*
 * A second visit downloads almost nothing: every web app file carries an ETag and Cache-Control:
 * no-cache, and a request that names that ETag in If-None-Match is answered 304 with no body; a
 * stale or foreign tag gets the whole file again. API answers keep no-store and carry no ETag.
 */
static void test_static_files_have_validators(void **state) {
  (void)state;
  const char *paths[] = {"/", "/shifts/12", "/css/app.css", "/js/main.js", "/nhsuk/nhsuk/nhsuk-frontend.min.js", NULL};
  for (const char *const *p = paths; *p; p++) {
    struct fpt_resp r = fpt_raw(&srv, "GET", *p, NULL, NULL, 0);
    if (r.status != 200) fail_msg("%s: %ld", *p, r.status);
    const char *etag = fpt_header(&r, "ETag"), *cc = fpt_header(&r, "Cache-Control");
    if (!etag || etag[0] != '"') fail_msg("%s: ETag is %s", *p, etag ? etag : "absent");
    if (!cc || strcmp(cc, "no-cache") != 0) fail_msg("%s: Cache-Control is %s", *p, cc ? cc : "absent");
    size_t full = r.body_len;
    assert_true(full > 0);
    const char *same[] = {fpt_str("If-None-Match: %s", etag), NULL};
    struct fpt_resp again = fpt_raw(&srv, "GET", *p, same, NULL, 0);
    if (again.status != 304) fail_msg("%s with its ETag: %ld", *p, again.status);
    assert_int_equal(again.body_len, 0);
    const char *e2 = fpt_header(&again, "ETag");
    assert_non_null(e2);
    assert_string_equal(e2, etag);
    const char *stale[] = {"If-None-Match: \"0-0-0\"", NULL};
    struct fpt_resp other = fpt_raw(&srv, "GET", *p, stale, NULL, 0);
    if (other.status != 200 || other.body_len != full) fail_msg("%s with a stale ETag: %ld", *p, other.status);
  }
  struct fpt_resp api = fpt_raw(&srv, "GET", "/api/v1/professions", NULL, NULL, 0);
  assert_int_equal(api.status, 200);
  assert_null(fpt_header(&api, "ETag"));
  assert_string_equal(fpt_header(&api, "Cache-Control"), "no-store");
}

/*
 * The web app's text files go gzip-compressed to a client that accepts it (Content-Encoding: gzip,
 * Vary: Accept-Encoding, a smaller body that starts with gzip's magic bytes, its own ETag that a
 * revalidation answers 304), and as they are to one that does not (or says gzip;q=0). API answers
 * are never compressed, whatever the client accepts: they carry the CSRF token (BREACH).
 */
static void test_static_files_gzip_only_when_accepted(void **state) {
  (void)state;
  const char *paths[] = {"/", "/css/app.css", "/js/main.js", "/nhsuk/nhsuk/nhsuk-frontend.min.js", NULL};
  const char *gzip[] = {"Accept-Encoding: gzip, deflate, br", NULL};
  const char *refused[] = {"Accept-Encoding: gzip;q=0, identity", NULL};
  for (const char *const *p = paths; *p; p++) {
    struct fpt_resp plain = fpt_raw(&srv, "GET", *p, NULL, NULL, 0);
    assert_int_equal(plain.status, 200);
    if (fpt_header(&plain, "Content-Encoding")) fail_msg("%s: compressed for a client that did not ask", *p);
    const char *vary = fpt_header(&plain, "Vary");
    if (!vary || strcmp(vary, "Accept-Encoding") != 0) fail_msg("%s: Vary is %s", *p, vary ? vary : "absent");
    struct fpt_resp z = fpt_raw(&srv, "GET", *p, gzip, NULL, 0);
    assert_int_equal(z.status, 200);
    const char *ce = fpt_header(&z, "Content-Encoding");
    if (!ce || strcmp(ce, "gzip") != 0) fail_msg("%s: Content-Encoding is %s", *p, ce ? ce : "absent");
    vary = fpt_header(&z, "Vary");
    if (!vary || strcmp(vary, "Accept-Encoding") != 0) fail_msg("%s gzip: Vary is %s", *p, vary ? vary : "absent");
    if (z.body_len < 2 || (unsigned char)z.body[0] != 0x1f || (unsigned char)z.body[1] != 0x8b || z.body_len >= plain.body_len)
      fail_msg("%s: %zu bytes compressed, %zu plain", *p, z.body_len, plain.body_len);
    const char *etag = fpt_header(&z, "ETag");
    assert_non_null(etag);
    if (strcmp(etag, fpt_header(&plain, "ETag")) == 0) fail_msg("%s: one ETag for two representations", *p);
    const char *again[] = {"Accept-Encoding: gzip", fpt_str("If-None-Match: %s", etag), NULL};
    struct fpt_resp nm = fpt_raw(&srv, "GET", *p, again, NULL, 0);
    assert_int_equal(nm.status, 304);
    assert_int_equal(nm.body_len, 0);
    struct fpt_resp q0 = fpt_raw(&srv, "GET", *p, refused, NULL, 0);
    assert_int_equal(q0.status, 200);
    if (fpt_header(&q0, "Content-Encoding")) fail_msg("%s: compressed for gzip;q=0", *p);
    assert_int_equal(q0.body_len, plain.body_len);
  }
  const char *api[] = {"/healthz", "/api/v1/professions", "/api/v1/me", "/api/v1/nothing", NULL};
  for (const char *const *p = api; *p; p++) {
    struct fpt_resp r = fpt_raw(&srv, "GET", *p, gzip, NULL, 0);
    if (fpt_header(&r, "Content-Encoding")) fail_msg("%s: an API answer was compressed", *p);
    if (!r.json) fail_msg("%s: not plain JSON", *p);
  }
}

/* The "/v/<version>/" in front of the page's reference to file (e.g. "/js/main.js"), into out; fails without one. */
static void version_of(const struct fpt_server *s, const char *file, char *out, size_t len) {
  struct fpt_resp page = fpt_raw(s, "GET", "/", NULL, NULL, 0);
  assert_int_equal(page.status, 200);
  const char *at = strstr(page.body, fpt_str("%s\"", file));
  if (!at || at - page.body < 20 || strncmp(at - 20, "\"/v/", 4) != 0)
    fail_msg("the page does not name %s under /v/<version>/: %s", file, page.body);
  snprintf(out, len, "%.*s", 19, at - 19);
  for (int i = 3; i < 19; i++)
    if (!strchr("0123456789abcdef", out[i])) fail_msg("not a version: %s", out);
}

static void write_file(const char *path, const char *text, const char *mode) {
  FILE *f = fopen(path, mode);
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/*
 * A second visit downloads nothing it has: the page names its stylesheets and modules under
 * /v/<version>/ (a hash of their contents), and those answers are Cache-Control: immutable for a
 * year; the page itself stays no-cache with its ETag, and the same files at their plain addresses,
 * or under a version that is not today's, are revalidated (no-cache). A changed file gives the page
 * a new version, under which the new content is served, immutable.
 */
static void test_static_files_versioned_immutable(void **state) {
  (void)state;
  char v[32];
  const char *immutable = "public, max-age=31536000, immutable";
  version_of(&srv, "/js/main.js", v, sizeof v);
  const char *files[] = {"/js/main.js", "/js/app.js", "/js/pages/clinician.js", "/css/app.css",
                         "/vendor/nhsuk-frontend.css", "/nhsuk/nhsuk/nhsuk-frontend.min.js", NULL};
  for (const char *const *f = files; *f; f++) {
    struct fpt_resp r = fpt_raw(&srv, "GET", fpt_str("%s%s", v, *f), NULL, NULL, 0);
    if (r.status != 200) fail_msg("%s%s: %ld", v, *f, r.status);
    const char *cc = fpt_header(&r, "Cache-Control");
    if (!cc || strcmp(cc, immutable) != 0) fail_msg("%s%s: Cache-Control is %s", v, *f, cc ? cc : "absent");
    struct fpt_resp plain = fpt_raw(&srv, "GET", *f, NULL, NULL, 0);
    assert_int_equal(plain.status, 200);
    assert_int_equal(plain.body_len, r.body_len);
    assert_string_equal(fpt_header(&plain, "Cache-Control"), "no-cache");
  }
  const char *page_paths[] = {"/", "/shifts/12", NULL};
  for (const char *const *p = page_paths; *p; p++) {
    struct fpt_resp r = fpt_raw(&srv, "GET", *p, NULL, NULL, 0);
    assert_string_equal(fpt_header(&r, "Cache-Control"), "no-cache");
    assert_non_null(fpt_header(&r, "ETag"));
  }
  struct fpt_resp old = fpt_raw(&srv, "GET", "/v/0123456789abcdef/js/main.js", NULL, NULL, 0);
  assert_int_equal(old.status, 200);
  assert_string_equal(fpt_header(&old, "Cache-Control"), "no-cache");
  const char *not_found[] = {"/index.html", "/tools/vendor.mjs", "/shifts", "/js/../../package.json", NULL};
  for (const char *const *p = not_found; *p; p++) {
    struct fpt_resp r = fpt_raw(&srv, "GET", fpt_str("%s%s", v, *p), NULL, NULL, 0);
    if (r.status != 404) fail_msg("%s%s: %ld", v, *p, r.status);
  }
  struct fpt_resp short_v = fpt_raw(&srv, "GET", "/v/0123/js/main.js", NULL, NULL, 0);
  assert_int_equal(short_v.status, 404);

  /* A web root of its own, whose module changes while the server runs. */
  char dir[256];
  fpt_tempdir(dir, sizeof dir);
  const char *src = getenv("FP_SOURCE_DIR");
  assert_non_null(src);
  assert_int_equal(system(fpt_str("mkdir -p %s/web/js %s/web/css && ln -s %s/node_modules %s/node_modules", dir, dir, src, dir)), 0);
  write_file(fpt_str("%s/web/index.html", dir), "<!DOCTYPE html><link rel=\"stylesheet\" href=\"/css/app.css\">"
             "<script type=\"module\" src=\"/js/main.js\"></script>", "w");
  write_file(fpt_str("%s/web/css/app.css", dir), "body { margin: 0; }\n", "w");
  write_file(fpt_str("%s/web/js/main.js", dir), "export const one = 1;\n", "w");
  const char *extra[] = {"--web-root", fpt_str("%s/web", dir), NULL};
  struct fpt_server own;
  assert_int_equal(fpt_server_start(&own, NULL, extra), 0);
  char v1[32], v2[32], css1[32];
  version_of(&own, "/js/main.js", v1, sizeof v1);
  version_of(&own, "/css/app.css", css1, sizeof css1);
  struct fpt_resp first = fpt_raw(&own, "GET", fpt_str("%s/js/main.js", v1), NULL, NULL, 0);
  write_file(fpt_str("%s/web/js/main.js", dir), "export const two = 2;\n", "a");
  version_of(&own, "/js/main.js", v2, sizeof v2);
  struct fpt_resp changed = fpt_raw(&own, "GET", fpt_str("%s/js/main.js", v2), NULL, NULL, 0);
  struct fpt_resp before = fpt_raw(&own, "GET", fpt_str("%s/js/main.js", v1), NULL, NULL, 0);
  /* A directory link that loops (js/loop -> js): no version can be had, so the page names the plain
     addresses and nothing is promised immutable. */
  assert_int_equal(system(fpt_str("ln -s ../js %s/web/js/loop", dir)), 0);
  struct fpt_resp looped = fpt_raw(&own, "GET", "/", NULL, NULL, 0);
  struct fpt_resp looped_file = fpt_raw(&own, "GET", fpt_str("%s/js/main.js", v2), NULL, NULL, 0);
  fpt_server_stop(&own);
  fpt_rmrf(dir);
  assert_string_equal(v1, css1);
  assert_string_equal(fpt_header(&first, "Cache-Control"), immutable);
  if (strcmp(v1, v2) == 0) fail_msg("a changed module kept its address %s", v1);
  assert_int_equal(changed.status, 200);
  assert_string_equal(fpt_header(&changed, "Cache-Control"), immutable);
  assert_non_null(strstr(changed.body, "two = 2"));
  assert_string_equal(fpt_header(&before, "Cache-Control"), "no-cache");
  assert_int_equal(looped.status, 200);
  if (!strstr(looped.body, "src=\"/js/main.js\"")) fail_msg("with a looping link the page still names a version: %s", looped.body);
  assert_int_equal(looped_file.status, 200);
  assert_string_equal(fpt_header(&looped_file, "Cache-Control"), "no-cache");
}

/* Strict-Transport-Security under TLS (on API answers and files), and not over plain HTTP. */
static void test_hsts_under_tls(void **state) {
  (void)state;
  struct fpt_resp r = fpt_raw(&srv, "GET", "/healthz", NULL, NULL, 0);
  assert_null(fpt_header(&r, "Strict-Transport-Security"));
  char dir[256];
  fpt_tempdir(dir, sizeof dir);
  const char *cmd = fpt_str("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                            "-keyout %s/key.pem -out %s/cert.pem >/dev/null 2>&1", dir, dir);
  assert_int_equal(system(cmd), 0);
  const char *extra[] = {"--tls-cert", fpt_str("%s/cert.pem", dir), "--tls-key", fpt_str("%s/key.pem", dir), NULL};
  struct fpt_server tls;
  assert_int_equal(fpt_server_start(&tls, NULL, extra), 0);
  const char *paths[] = {"/healthz", "/api/v1/me", "/", "/css/app.css", "/nothing.txt", NULL};
  const char *wrong = NULL, *got = NULL;
  for (const char *const *p = paths; *p && !wrong; p++) {
    r = fpt_raw(&tls, "GET", *p, NULL, NULL, 0);
    const char *h = fpt_header(&r, "Strict-Transport-Security");
    if (!h || strcmp(h, "max-age=31536000") != 0) wrong = *p, got = h ? h : "absent";
  }
  fpt_server_stop(&tls); /* before any failure, so that no server outlives the test */
  fpt_rmrf(dir);
  if (wrong) fail_msg("%s: Strict-Transport-Security is %s", wrong, got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_malformed_and_oversize_requests_get_json_errors),
      cmocka_unit_test(test_messages_are_whole_utf8),
      cmocka_unit_test(test_no_request_smuggling),
      cmocka_unit_test(test_only_app_files_are_served),
      cmocka_unit_test(test_static_files_have_validators),
      cmocka_unit_test(test_static_files_gzip_only_when_accepted),
      cmocka_unit_test(test_static_files_versioned_immutable),
      cmocka_unit_test(test_hsts_under_tls),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
