/*
 * What the people who run a server see of it (issue 11, "Operations"): GET /metrics in the
 * Prometheus text format on the --metrics-listen address (and nowhere else), whose counters move
 * as requests are answered and writes committed, labelled by route pattern and never by a path;
 * and a log of one JSON object per request on stderr, with the id answered in X-Request-Id and no
 * name, email, token or path in it. And a server asked to stop (SIGTERM) refuses new connections
 * at once but answers the requests in flight before it exits (status 0). A store that cannot take
 * a write now answers 503 busy with Retry-After, not 500.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

/* One exposition, parsed -------------------------------------------------------------------- */

#define MAX_SAMPLES 20000
#define MAX_FAMILIES 200

struct sample {
  char name[128];
  char labels[512]; /* as written, without the braces */
  double value;
};

struct exposition {
  struct sample *samples;
  int n;
  char families[MAX_FAMILIES][128];
  char types[MAX_FAMILIES][16];
  int n_families;
};

static bool name_ok(const char *p, size_t n) {
  if (!n || !(isalpha((unsigned char)p[0]) || p[0] == '_' || p[0] == ':')) return false;
  for (size_t i = 1; i < n; i++)
    if (!(isalnum((unsigned char)p[i]) || p[i] == '_' || p[i] == ':')) return false;
  return true;
}

/* Reads `{a="x",b="y"}` at p (escapes \\, \", \n inside values); the position after it, or NULL. */
static const char *labels_end(const char *p) {
  if (*p != '{') return NULL;
  p++;
  while (*p != '}') {
    const char *n = p;
    while (isalnum((unsigned char)*p) || *p == '_') p++;
    if (p == n || *p++ != '=' || *p++ != '"') return NULL;
    while (*p != '"') {
      if (!*p || *p == '\n') return NULL;
      if (*p == '\\') {
        p++;
        if (*p != '\\' && *p != '"' && *p != 'n') return NULL;
      }
      p++;
    }
    p++;
    if (*p == ',') p++;
    else if (*p != '}') return NULL;
  }
  return p + 1;
}

static int family_index(const struct exposition *e, const char *name) {
  for (int i = 0; i < e->n_families; i++)
    if (strcmp(e->families[i], name) == 0) return i;
  return -1;
}

/* The family a sample belongs to: a histogram's _bucket, _sum and _count belong to its name. */
static int family_of(const struct exposition *e, const char *name) {
  int i = family_index(e, name);
  if (i >= 0) return i;
  static const char *const tails[] = {"_bucket", "_sum", "_count"};
  for (int t = 0; t < 3; t++) {
    size_t n = strlen(name), tl = strlen(tails[t]);
    if (n > tl && strcmp(name + n - tl, tails[t]) == 0) {
      char base[128];
      snprintf(base, sizeof base, "%.*s", (int)(n - tl), name);
      i = family_index(e, base);
      if (i >= 0 && strcmp(e->types[i], "histogram") == 0) return i;
    }
  }
  return -1;
}

/* Parses text, failing the test on any line that is not HELP, TYPE or `name{labels} value`. */
static void parse(const char *text, struct exposition *e) {
  memset(e, 0, sizeof *e);
  e->samples = fpt_keep(calloc(MAX_SAMPLES, sizeof *e->samples));
  bool help_seen[MAX_FAMILIES] = {false};
  for (const char *line = text; *line;) {
    const char *eol = strchr(line, '\n');
    if (!eol) fail_msg("the exposition does not end with a line feed: '%s'", line);
    char l[1024];
    snprintf(l, sizeof l, "%.*s", (int)(eol - line), line);
    if (strncmp(l, "# HELP ", 7) == 0 || strncmp(l, "# TYPE ", 7) == 0) {
      char *name = l + 7, *sp = strchr(name, ' ');
      if (!sp || !name_ok(name, (size_t)(sp - name))) fail_msg("bad comment line '%s'", l);
      *sp = 0;
      int i = family_index(e, name);
      if (i < 0) {
        assert_true(e->n_families < MAX_FAMILIES);
        i = e->n_families++;
        snprintf(e->families[i], sizeof e->families[i], "%.127s", name);
      }
      if (l[2] == 'H') {
        if (help_seen[i]) fail_msg("two HELP lines for %s", name);
        help_seen[i] = true;
      } else {
        const char *type = sp + 1;
        if (e->types[i][0]) fail_msg("two TYPE lines for %s", name);
        if (strcmp(type, "counter") && strcmp(type, "gauge") && strcmp(type, "histogram") && strcmp(type, "summary") &&
            strcmp(type, "untyped"))
          fail_msg("unknown type in '%s'", l);
        snprintf(e->types[i], sizeof e->types[i], "%.15s", type);
      }
    } else if (l[0] == '#' || !l[0]) {
      fail_msg("unexpected line '%s'", l);
    } else {
      assert_true(e->n < MAX_SAMPLES);
      struct sample *s = &e->samples[e->n++];
      size_t nlen = strcspn(l, "{ ");
      if (!name_ok(l, nlen)) fail_msg("bad metric name in '%s'", l);
      snprintf(s->name, sizeof s->name, "%.*s", (int)nlen, l);
      const char *p = l + nlen;
      if (*p == '{') {
        const char *end = labels_end(p);
        if (!end) fail_msg("bad labels in '%s'", l);
        snprintf(s->labels, sizeof s->labels, "%.*s", (int)(end - p - 2), p + 1);
        p = end;
      }
      if (*p++ != ' ') fail_msg("no space before the value in '%s'", l);
      char *vend = NULL;
      s->value = strtod(p, &vend);
      if (vend == p || *vend) fail_msg("bad value in '%s'", l);
      int f = family_of(e, s->name);
      if (f < 0 || !e->types[f][0] || !help_seen[f]) fail_msg("no HELP and TYPE before '%s'", l);
    }
    line = eol + 1;
  }
}

/* The value of the sample name{labels} (labels exactly as written), or NAN when there is none. */
static double value_of(const struct exposition *e, const char *name, const char *labels) {
  for (int i = 0; i < e->n; i++)
    if (strcmp(e->samples[i].name, name) == 0 && strcmp(e->samples[i].labels, labels) == 0) return e->samples[i].value;
  return NAN;
}

/* The labels without le="...". */
static void strip_le(const char *labels, char *out, size_t len) {
  const char *le = strstr(labels, "le=\"");
  if (!le) {
    snprintf(out, len, "%s", labels);
    return;
  }
  size_t head = (size_t)(le - labels);
  if (head && labels[head - 1] == ',') head--;
  snprintf(out, len, "%.*s", (int)head, labels);
}

/* Every histogram: buckets cumulative (never falling as le grows) and le="+Inf" equal to _count. */
static void check_histograms(const struct exposition *e) {
  int checked = 0;
  for (int i = 0; i < e->n; i++) {
    const struct sample *s = &e->samples[i];
    size_t n = strlen(s->name);
    if (n < 8 || strcmp(s->name + n - 7, "_bucket") != 0 || !strstr(s->labels, "le=\"+Inf\"")) continue;
    char base[128], key[512];
    snprintf(base, sizeof base, "%.*s", (int)(n - 7), s->name);
    strip_le(s->labels, key, sizeof key);
    double last = -1, last_le = -INFINITY;
    int buckets = 0;
    for (int k = 0; k < e->n; k++) {
      const struct sample *b = &e->samples[k];
      char other[512];
      if (strcmp(b->name, s->name) != 0) continue;
      strip_le(b->labels, other, sizeof other);
      if (strcmp(other, key) != 0) continue;
      const char *le = strstr(b->labels, "le=\"") + 4;
      double bound = strncmp(le, "+Inf", 4) == 0 ? INFINITY : strtod(le, NULL);
      if (bound <= last_le) fail_msg("%s{%s}: buckets out of order", s->name, b->labels);
      if (b->value < last) fail_msg("%s{%s}: buckets not cumulative", s->name, b->labels);
      last = b->value;
      last_le = bound;
      buckets++;
    }
    assert_true(buckets >= 2);
    double count = value_of(e, fpt_str("%s_count", base), key);
    if (!(count == s->value)) fail_msg("%s{%s}: +Inf bucket %g but _count %g", base, key, s->value, count);
    assert_false(isnan(value_of(e, fpt_str("%s_sum", base), key)));
    checked++;
  }
  assert_true(checked > 0);
}

static struct exposition scrape(const struct fpt_server *srv) {
  struct fpt_resp r = fpt_metrics_get(srv, "/metrics");
  assert_int_equal(r.status, 200);
  const char *type = fpt_header(&r, "Content-Type");
  assert_non_null(type);
  assert_non_null(strstr(type, "text/plain"));
  assert_non_null(strstr(type, "version=0.0.4"));
  struct exposition e;
  parse(r.body, &e);
  check_histograms(&e);
  return e;
}

/* The tests -------------------------------------------------------------------------------- */

static void test_metrics_count_requests_by_route_and_store_writes(void **state) {
  (void)state;
  struct fpt_server srv;
  const char *extra[] = {"--metrics-listen", "127.0.0.1:0", NULL};
  assert_int_equal(fpt_server_start(&srv, NULL, extra), 0);
  assert_true(srv.metrics_port > 0);
  assert_int_not_equal(srv.metrics_port, srv.port);
  struct fpt_world w;
  fpt_world_build(&w, &srv);

  struct exposition before = scrape(&srv);
  const char *health = "route=\"/healthz\",method=\"GET\",status=\"200\"";
  const char *org = "route=\"/api/v1/organisations/{id}\",method=\"GET\",status=\"404\"";
  double health0 = value_of(&before, "flexpool_http_requests_total", health);
  if (isnan(health0)) health0 = 0;
  double writes0 = value_of(&before, "flexpool_store_writes_total", "result=\"ok\"");
  double batches0 = value_of(&before, "flexpool_store_commit_batches_total", "");
  assert_true(writes0 > 0); /* building the world wrote */

  for (int i = 0; i < 3; i++) fpt_call(&srv, NULL, "GET", "/healthz", 200, NULL);
  fpt_call(&srv, w.admin, "GET", "/api/v1/organisations/987654", 404, NULL);
  fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, NULL);
  const char *token = fpt_login(&srv, "root@flexpool.test", "admin-password-123"); /* a write: a new session */
  assert_non_null(token);

  struct exposition after = scrape(&srv);
  assert_true(value_of(&after, "flexpool_http_requests_total", health) == health0 + 3);
  assert_true(value_of(&after, "flexpool_http_request_duration_seconds_count", health) == health0 + 3);
  assert_true(value_of(&after, "flexpool_http_requests_total", org) >= 1);
  assert_true(value_of(&after, "flexpool_http_requests_total",
                       "route=\"/api/v1/organisations/{id}\",method=\"GET\",status=\"200\"") >= 1);
  /* Labels name the route, never the path or its ids. */
  for (int i = 0; i < after.n; i++) {
    assert_null(strstr(after.samples[i].labels, "987654"));
    assert_null(strstr(after.samples[i].labels, fpt_str("/organisations/%lld\"", w.practice1)));
  }
  assert_true(value_of(&after, "flexpool_store_writes_total", "result=\"ok\"") > writes0);
  assert_true(value_of(&after, "flexpool_store_commit_batches_total", "") > batches0);
  assert_true(value_of(&after, "flexpool_store_commit_duration_seconds_count", "") ==
              value_of(&after, "flexpool_store_commit_batches_total", ""));
  assert_true(value_of(&after, "flexpool_store_write_duration_seconds_count", "") >=
              value_of(&after, "flexpool_store_writes_total", "result=\"ok\""));
  assert_true(value_of(&after, "flexpool_store_write_queue_length", "") >= 0);
  assert_true(value_of(&after, "flexpool_store_write_retries_total", "") >= 0); /* present on both engines */
  assert_true(value_of(&after, "flexpool_sessions_active", "") >= 2); /* the world's accounts and this one */
  assert_true(value_of(&after, "flexpool_db_connections", "state=\"in_use\"") >= 1);
  assert_false(isnan(value_of(&after, "flexpool_db_connections", "state=\"idle\"")));
  assert_true(value_of(&after, "flexpool_upkeep_runs_total", "step=\"complete shifts\",result=\"ok\"") >= 1);
  assert_true(value_of(&after, "flexpool_upkeep_last_success_timestamp_seconds", "step=\"complete shifts\"") > 0);

  /* Signing out ends a session: the gauge follows. */
  double active = value_of(&after, "flexpool_sessions_active", "");
  fpt_call(&srv, token, "DELETE", "/api/v1/sessions/current", 204, NULL);
  struct exposition out = scrape(&srv);
  assert_true(value_of(&out, "flexpool_sessions_active", "") == active - 1);

  /* Only GET /metrics, and only there: on the API's address /metrics is just one of the web app's
     paths (its page). */
  assert_int_equal(fpt_metrics_get(&srv, "/api/v1/shifts").status, 404);
  struct fpt_resp page = fpt_request(&srv, NULL, "GET", "/metrics", NULL);
  assert_null(strstr(page.body, "flexpool_http_requests_total"));
  assert_null(strstr(page.body, "# TYPE"));
  fpt_server_stop(&srv);
  fpt_gc();
}

/* The session cache keeps every session in use (http/auth.c): 600 signed in at once, each making a
   request in turn, twice over, are found in the cache the second time (flexpool_session_cache_
   lookups_total). A table of one entry per hash slot lost a session whenever another's hash fell
   in its slot: with 600 sessions and 1,024 slots, some 260 of them were read from the store again
   on every round, and an ICB's thousands of users would miss on most requests. */
static void test_session_cache_keeps_every_session_in_use(void **state) {
  (void)state;
  struct fpt_server srv;
  const char *extra[] = {"--metrics-listen", "127.0.0.1:0", "--login-max-per-account", "100000",
                         "--login-max-per-address", "100000", NULL};
  assert_int_equal(fpt_server_start(&srv, NULL, extra), 0);
  struct fpt_world w;
  fpt_world_build(&w, &srv);
  enum { SESSIONS = 600 };
  static const char *tokens[SESSIONS];
  for (int i = 0; i < SESSIONS; i++) tokens[i] = fpt_login(&srv, "pm1@t.test", "test-password-1");
  for (int i = 0; i < SESSIONS; i++) fpt_call(&srv, tokens[i], "GET", "/api/v1/me", 200, NULL);
  /* Two more rounds, the fewer misses counted: a change to who someone is (none here, but the
     upkeep runs beside) empties the cache in effect, and could fall in one of them. */
  double fewest = SESSIONS;
  for (int round = 0; round < 2; round++) {
    struct exposition before = scrape(&srv);
    for (int i = 0; i < SESSIONS; i++) fpt_call(&srv, tokens[i], "GET", "/api/v1/me", 200, NULL);
    struct exposition after = scrape(&srv);
    const char *miss = "result=\"miss\"", *hit = "result=\"hit\"";
    double misses = value_of(&after, "flexpool_session_cache_lookups_total", miss) -
                    value_of(&before, "flexpool_session_cache_lookups_total", miss);
    double hits = value_of(&after, "flexpool_session_cache_lookups_total", hit) -
                  value_of(&before, "flexpool_session_cache_lookups_total", hit);
    assert_true(hits + misses == SESSIONS); /* every signed-in request looked, once */
    if (misses < fewest) fewest = misses;
  }
  if (fewest > SESSIONS / 100) fail_msg("%g of %d sessions read from the store again", fewest, SESSIONS);
  /* And a session signed out is not kept: the next request with it is not signed in. */
  fpt_call(&srv, tokens[0], "DELETE", "/api/v1/sessions/current", 204, NULL);
  fpt_call(&srv, tokens[0], "GET", "/api/v1/me", 401, NULL);
  fpt_call(&srv, tokens[1], "GET", "/api/v1/me", 200, NULL);
  fpt_server_stop(&srv);
  fpt_gc();
}

static void test_metrics_off_by_default(void **state) {
  (void)state;
  struct fpt_server srv;
  assert_int_equal(fpt_server_start(&srv, NULL, NULL), 0);
  assert_int_equal(srv.metrics_port, 0);
  fpt_server_stop(&srv);
  char out[512];
  const char *args[] = {"serve", "--data-dir", "/tmp/flexpool-test-metrics-bad", "--listen", "127.0.0.1:0",
                        "--metrics-listen", "nowhere", NULL};
  assert_int_equal(fpt_cli(out, sizeof out, args), 1);
  assert_non_null(strstr(out, "--metrics-listen must be ADDR:PORT"));
  fpt_rmrf("/tmp/flexpool-test-metrics-bad");
  fpt_gc();
}

/* The server's log line for request id, parsed (waits up to 5 s for it to be written); fails the test
   when there is none or it is not one JSON object. */
static json_t *log_line(const struct fpt_server *srv, const char *id) {
  const char *key = fpt_str("\"request_id\":\"%s\"", id);
  for (int tries = 0; tries < 50; tries++) {
    const char *log = fpt_server_log(srv);
    const char *at = strstr(log, key);
    if (at) {
      const char *start = at;
      while (start > log && start[-1] != '\n') start--;
      const char *end = strchr(at, '\n');
      if (!end) fail_msg("the log line of request %s does not end", id);
      json_error_t err;
      json_t *j = json_loadb(start, (size_t)(end - start), 0, &err);
      if (!json_is_object(j)) fail_msg("the log line of request %s is not a JSON object (%s): %.*s", id, err.text,
                                       (int)(end - start), start);
      /* Its duration in milliseconds to the microsecond, as written: at most three decimals. */
      const char *d = strstr(start, "\"duration_ms\":");
      if (!d || d > end) fail_msg("the log line of request %s has no duration_ms", id);
      d += strlen("\"duration_ms\":");
      const char *dot = d + strspn(d, "0123456789");
      if (*dot == '.' && strspn(dot + 1, "0123456789") > 3)
        fail_msg("duration_ms is written with more than three decimals: %.*s", (int)(end - start), start);
      return fpt_keep_json(j);
    }
    usleep(100000);
  }
  fail_msg("no log line for request %s", id);
  return NULL;
}

static void test_request_log_is_json_with_the_request_id(void **state) {
  (void)state;
  struct fpt_server srv;
  assert_int_equal(fpt_server_start(&srv, NULL, NULL), 0);
  const char *admin = fpt_bootstrap_admin(&srv);
  json_t *me = fpt_call(&srv, admin, "GET", "/api/v1/me", 200, NULL);
  long long admin_id = fpt_int(me, "id");

  /* A well-formed id the client sent is kept and answered. */
  const char *hdrs[] = {fpt_str("Authorization: Bearer %s", admin), "X-Request-Id: trace-42.abc_DEF", NULL};
  struct fpt_resp r = fpt_raw(&srv, "GET", "/api/v1/users?q=root%40flexpool.test", hdrs, NULL, 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(fpt_header(&r, "X-Request-Id"), "trace-42.abc_DEF");
  json_t *line = log_line(&srv, "trace-42.abc_DEF");
  assert_string_equal(fpt_s(line, "request_id"), "trace-42.abc_DEF");
  assert_string_equal(fpt_s(line, "method"), "GET");
  assert_string_equal(fpt_s(line, "route"), "/api/v1/users");
  assert_int_equal(fpt_int(line, "status"), 200);
  assert_int_equal(fpt_int(line, "user_id"), admin_id);
  assert_true(json_is_number(json_object_get(line, "duration_ms")));
  assert_true(json_number_value(json_object_get(line, "duration_ms")) >= 0);
  assert_non_null(json_object_get(line, "time"));

  /* Without one (or with one that is not well-formed) the server makes one: 128 random bits in hex. */
  const char *bad[] = {"X-Request-Id: has spaces <and> more", NULL};
  const char *long_id[] = {fpt_str("X-Request-Id: %065d", 7), NULL};
  const char *const *asks[] = {NULL, bad, long_id};
  const char *seen[3];
  for (int i = 0; i < 3; i++) {
    struct fpt_resp a = fpt_raw(&srv, "GET", "/healthz", asks[i], NULL, 0);
    const char *id = fpt_header(&a, "X-Request-Id");
    assert_non_null(id);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(strspn(id, "0123456789abcdef"), 32);
    for (int k = 0; k < i; k++) assert_string_not_equal(seen[k], id);
    seen[i] = id;
    json_t *l = log_line(&srv, id);
    assert_string_equal(fpt_s(l, "route"), "/healthz");
    assert_null(json_object_get(l, "user_id")); /* nobody signed in */
  }
  /* Every answer carries one: an error, a web app file. */
  struct fpt_resp nf = fpt_request(&srv, NULL, "GET", "/api/v1/nothing-here", NULL);
  assert_int_equal(nf.status, 404);
  assert_string_equal(fpt_s(log_line(&srv, fpt_header(&nf, "X-Request-Id")), "route"), "unmatched");
  struct fpt_resp page = fpt_request(&srv, NULL, "GET", "/shifts/9081726354", NULL);
  assert_int_equal(page.status, 200);
  json_t *pl = log_line(&srv, fpt_header(&page, "X-Request-Id"));
  assert_string_equal(fpt_s(pl, "route"), "static");
  /* A failed sign-in with the email in its body. */
  struct fpt_resp bad_login = fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email",
                                          "root@flexpool.test", "password", "wrong-password-123");
  assert_int_equal(bad_login.status, 401);
  log_line(&srv, fpt_header(&bad_login, "X-Request-Id"));

  /* No line names anyone: no email, name, token or password, no path with its ids or query. */
  const char *log = fpt_server_log(&srv);
  assert_null(strstr(log, "root@flexpool.test"));
  assert_null(strstr(log, "root%40flexpool.test"));
  assert_null(strstr(log, "Root Admin"));
  assert_null(strstr(log, admin));
  assert_null(strstr(log, "wrong-password-123"));
  assert_null(strstr(log, "9081726354"));
  /* Every request line is one JSON object. */
  int lines = 0;
  for (const char *p = log; *p;) {
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    if (n && *p == '{') {
      json_t *j = json_loadb(p, n, 0, NULL);
      if (!json_is_object(j)) fail_msg("not a JSON object: %.*s", (int)n, p);
      json_decref(j);
      lines++;
    }
    p = eol ? eol + 1 : p + n;
  }
  assert_true(lines >= 8);

  /* --no-access-log: no request lines, the header still answered. */
  fpt_server_stop(&srv);
  const char *quiet_args[] = {"--no-access-log", NULL};
  assert_int_equal(fpt_server_start(&srv, NULL, quiet_args), 0);
  struct fpt_resp q = fpt_raw(&srv, "GET", "/healthz", NULL, NULL, 0);
  assert_non_null(fpt_header(&q, "X-Request-Id"));
  usleep(300000);
  assert_null(strstr(fpt_server_log(&srv), fpt_header(&q, "X-Request-Id")));
  fpt_server_stop(&srv);
  fpt_gc();
}

/* Draining on SIGTERM ----------------------------------------------------------------------- */

/* A TCP connection to 127.0.0.1:port: the socket, or -1 with errno. */
static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

static void send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    assert_true(k > 0);
    p += k;
    n -= (size_t)k;
  }
}

static void test_sigterm_finishes_requests_in_flight(void **state) {
  (void)state;
  struct fpt_server srv;
  assert_int_equal(fpt_server_start(&srv, NULL, NULL), 0);
  const char *admin = fpt_bootstrap_admin(&srv);
  /* A request in flight: its headers and half its body sent, the rest still to come. */
  const char *body = "{\"level\": \"icb\", \"ods_code\": \"QDR\", \"name\": \"Drained ICB\"}";
  size_t half = strlen(body) / 2;
  int fd = connect_to(srv.port);
  assert_true(fd >= 0);
  struct timeval wait_at_most = {20, 0}; /* a server that never answers fails the test, not hangs it */
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait_at_most, sizeof wait_at_most);
  const char *head = fpt_str("POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                             srv.port, admin, strlen(body));
  send_all(fd, head, strlen(head));
  send_all(fd, body, half);
  usleep(300 * 1000); /* the server has read the headers */
  assert_int_equal(kill(srv.pid, SIGTERM), 0);
  /* A new connection is refused (within a moment: the server looks for the signal ten times a second). */
  bool refused = false;
  for (int i = 0; i < 100 && !refused; i++) {
    int probe = connect_to(srv.port);
    if (probe < 0) refused = errno == ECONNREFUSED;
    else close(probe);
    if (!refused) usleep(20 * 1000);
  }
  assert_true(refused);
  /* The request in flight goes on and gets its whole answer. */
  usleep(300 * 1000);
  send_all(fd, body + half, strlen(body) - half);
  char answer[8192];
  size_t got = 0;
  ssize_t k;
  while (got < sizeof answer - 1 && (k = recv(fd, answer + got, sizeof answer - 1 - got, 0)) > 0) got += (size_t)k;
  answer[got] = 0;
  close(fd);
  if (strncmp(answer, "HTTP/1.1 201", 12) != 0) kill(srv.pid, SIGKILL);
  assert_true(strncmp(answer, "HTTP/1.1 201", 12) == 0);
  assert_non_null(strstr(answer, "Drained ICB"));
  assert_non_null(strstr(answer, "Connection: close"));
  /* Then the server exits, status 0, and what it answered is in the store. */
  int st = 0;
  pid_t done = 0;
  for (int i = 0; i < 300 && (done = waitpid(srv.pid, &st, WNOHANG)) == 0; i++) usleep(100 * 1000);
  if (done != srv.pid) kill(srv.pid, SIGKILL);
  assert_int_equal(done, srv.pid);
  srv.pid = 0;
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
  assert_non_null(strstr(fpt_server_log(&srv), "finishing 1 request(s) in flight"));
  assert_int_equal(fpt_sql_count(&srv, "SELECT count(*) FROM organisations WHERE ods_code = 'QDR'"), 1);
  fpt_server_stop(&srv);
  fpt_gc();
}

/* A busy store ------------------------------------------------------------------------------- */

static void test_a_busy_store_answers_503_busy_with_retry_after(void **state) {
  (void)state;
  if (fpt_engine_postgres()) {
    /* PostgreSQL answers busy when a write transaction lost its race 40 times in a row (pg.c
       pg_write): no honest way to force that from outside; SQLite's case is the same answer. */
    fprintf(stderr, "(skipped on PostgreSQL: the busy store is forced through SQLite's write lock)\n");
    return;
  }
  struct fpt_server srv;
  assert_int_equal(fpt_server_start(&srv, NULL, NULL), 0);
  const char *admin = fpt_bootstrap_admin(&srv);
  /* Another process (an operator's sqlite3 shell, say) holds the database's write lock for longer
     than the server waits for it (10 seconds). */
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(fpt_str("%s/flexpool.db", srv.data_dir), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  struct fpt_resp r = fpt_request(&srv, admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s}", "level", "icb",
                                  "ods_code", "QBZ", "name", "Busy ICB");
  fpt_expect_error(r, 503, "busy", NULL);
  assert_non_null(fpt_header(&r, "Retry-After"));
  assert_true(atoi(fpt_header(&r, "Retry-After")) >= 1);
  assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  /* Nothing was made; asked again once the lock is gone, it is. */
  assert_int_equal(fpt_sql_count(&srv, "SELECT count(*) FROM organisations WHERE ods_code = 'QBZ'"), 0);
  fpt_call(&srv, admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s}", "level", "icb", "ods_code", "QBZ",
           "name", "Busy ICB");
  fpt_server_stop(&srv);
  fpt_gc();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_metrics_count_requests_by_route_and_store_writes),
      cmocka_unit_test(test_session_cache_keeps_every_session_in_use),
      cmocka_unit_test(test_metrics_off_by_default),
      cmocka_unit_test(test_request_log_is_json_with_the_request_id),
      cmocka_unit_test(test_sigterm_finishes_requests_in_flight),
      cmocka_unit_test(test_a_busy_store_answers_503_busy_with_retry_after),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
