/* The operators' figures and GET /metrics. See prometheus.h. */
#include "http/prometheus.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/server.h"
#include "store/accounts.h"
#include "store/outbox.h"

/* Request durations share the store's bucket bounds (seconds), so one set of bounds reads everywhere. */
#define BUCKETS FP_STORE_HIST_BUCKETS
#define bounds fp_store_hist_bounds

/*
 * One series of requests: a route (its pattern), a method and a status; route and method are
 * static strings (the route table's patterns, METHODS below). At most SERIES of them (the route
 * table has about a hundred routes, each answered with a handful of statuses); requests that would
 * need more are counted in one series labelled "other".
 */
#define SERIES 2048
struct series {
  const char *route; /* NULL: an empty slot */
  const char *method;
  int status;
  struct fp_store_hist seconds;
};
static struct series series[SERIES];
static int n_series;
static pthread_mutex_t series_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const METHODS[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

static const char *method_label(const char *m) {
  for (size_t i = 0; i < sizeof METHODS / sizeof METHODS[0]; i++)
    if (m && strcmp(m, METHODS[i]) == 0) return METHODS[i];
  return "other";
}

static void observe(struct fp_store_hist *h, double seconds) {
  int b = 0;
  while (b < BUCKETS && seconds > bounds[b]) b++;
  h->counts[b]++;
  h->count++;
  h->sum += seconds;
}

static const char OTHER[] = "other";

/* The series (route, method, status), added when may_add; NULL when absent and not added. Under series_lock. */
static struct series *series_slot(const char *route, const char *m, int status, bool may_add) {
  uint64_t h = 1469598103934665603ULL;
  for (const char *c = route; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ULL;
  for (const char *c = m; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ULL;
  h = (h ^ (uint64_t)status) * 1099511628211ULL;
  for (size_t k = 0; k < SERIES; k++) {
    struct series *s = &series[(h + k) % SERIES];
    if (!s->route) {
      if (!may_add) return NULL;
      *s = (struct series){.route = route, .method = m, .status = status};
      n_series++;
      return s;
    }
    if (s->status == status && strcmp(s->method, m) == 0 && strcmp(s->route, route) == 0) return s;
  }
  return NULL;
}

void fp_prom_request(const char *route, const char *method, int status, double seconds) {
  const char *m = method_label(method);
  if (status < 100 || status > 599) status = 500;
  pthread_mutex_lock(&series_lock);
  /* The last free slot is kept for the one series "other" (never needed with today's routes). */
  struct series *s = series_slot(route, m, status, n_series < SERIES - 1);
  if (!s) s = series_slot(OTHER, OTHER, 0, true);
  if (s) observe(&s->seconds, seconds);
  pthread_mutex_unlock(&series_lock);
}

/* Upkeep steps, by name: a server has a handful. */
#define STEPS 32
static struct step {
  const char *name;
  uint64_t ok, failed, skipped;
  int64_t last_ok; /* epoch seconds, 0 when never */
} steps[STEPS];
static int n_steps;

/* Step `name`'s slot, added when new; NULL when the table is full. Under series_lock. */
static struct step *step_slot(const char *name) {
  int i = 0;
  while (i < n_steps && strcmp(steps[i].name, name) != 0) i++;
  if (i == n_steps && n_steps < STEPS) steps[n_steps++].name = name;
  return i < n_steps ? &steps[i] : NULL;
}

void fp_prom_upkeep(const char *step, bool ok, int64_t at) {
  pthread_mutex_lock(&series_lock);
  struct step *st = step_slot(step);
  if (st && ok) {
    st->ok++;
    st->last_ok = at;
  } else if (st) {
    st->failed++;
  }
  pthread_mutex_unlock(&series_lock);
}

void fp_prom_upkeep_skipped(const char *step) {
  pthread_mutex_lock(&series_lock);
  struct step *st = step_slot(step);
  if (st) st->skipped++;
  pthread_mutex_unlock(&series_lock);
}

static _Atomic uint64_t mail_ok, mail_failed;
void fp_prom_mail_attempt(bool ok) {
  if (ok) mail_ok++;
  else mail_failed++;
}

static _Atomic uint64_t hook_ok, hook_failed;

static _Atomic uint64_t session_hits, session_misses;
void fp_prom_session_cache(bool hit) {
  if (hit) session_hits++;
  else session_misses++;
}

void fp_prom_webhook_attempt(bool ok) {
  if (ok) hook_ok++;
  else hook_failed++;
}

/* Writing the exposition ------------------------------------------------------------------- */

/* A label value as the format wants it: backslash, double quote and line feed escaped. */
static void put_label(FILE *f, const char *v) {
  for (; *v; v++) {
    if (*v == '\\') fputs("\\\\", f);
    else if (*v == '"') fputs("\\\"", f);
    else if (*v == '\n') fputs("\\n", f);
    else fputc(*v, f);
  }
}

static void family(FILE *f, const char *name, const char *type, const char *help) {
  fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A histogram's lines for one series; labels is "" or `a="x",b="y"` (already escaped). */
static void put_hist(FILE *f, const char *name, const char *labels, const struct fp_store_hist *h) {
  const char *sep = labels[0] ? "," : "";
  uint64_t cumulative = 0;
  for (int b = 0; b < BUCKETS; b++) {
    cumulative += h->counts[b];
    fprintf(f, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, bounds[b], (unsigned long long)cumulative);
  }
  fprintf(f, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep, (unsigned long long)h->count);
  fprintf(f, "%s_sum%s%s%s %.9g\n", name, labels[0] ? "{" : "", labels, labels[0] ? "}" : "", h->sum);
  fprintf(f, "%s_count%s%s%s %llu\n", name, labels[0] ? "{" : "", labels, labels[0] ? "}" : "",
          (unsigned long long)h->count);
}

static int cmp_series(const void *a, const void *b) {
  const struct series *x = a, *y = b;
  int c = strcmp(x->route, y->route);
  if (!c) c = strcmp(x->method, y->method);
  return c ? c : x->status - y->status;
}

static void put_requests(FILE *f) {
  struct series *copy = malloc(sizeof series);
  if (!copy) return;
  int n = 0;
  pthread_mutex_lock(&series_lock);
  for (int i = 0; i < SERIES; i++)
    if (series[i].route) copy[n++] = series[i];
  pthread_mutex_unlock(&series_lock);
  qsort(copy, (size_t)n, sizeof copy[0], cmp_series);
  char *labels = NULL;
  size_t labels_len = 0;
  family(f, "flexpool_http_requests_total", "counter", "Requests answered, by route pattern, method and status.");
  for (int i = 0; i < n; i++) {
    fputs("flexpool_http_requests_total{route=\"", f);
    put_label(f, copy[i].route);
    fprintf(f, "\",method=\"%s\",status=\"%d\"} %llu\n", copy[i].method, copy[i].status,
            (unsigned long long)copy[i].seconds.count);
  }
  family(f, "flexpool_http_request_duration_seconds", "histogram",
         "Time from a request's headers to its answer being queued, by route pattern, method and status.");
  for (int i = 0; i < n; i++) {
    FILE *lf = open_memstream(&labels, &labels_len);
    if (!lf) break;
    fputs("route=\"", lf);
    put_label(lf, copy[i].route);
    fprintf(lf, "\",method=\"%s\",status=\"%d\"", copy[i].method, copy[i].status);
    fclose(lf);
    put_hist(f, "flexpool_http_request_duration_seconds", labels, &copy[i].seconds);
    free(labels);
    labels = NULL;
  }
  free(copy);
}

static void put_upkeep(FILE *f) {
  struct step copy[STEPS];
  pthread_mutex_lock(&series_lock);
  int n = n_steps;
  memcpy(copy, steps, sizeof copy);
  pthread_mutex_unlock(&series_lock);
  family(f, "flexpool_upkeep_runs_total", "counter",
         "Runs of each background upkeep step, by result (skipped: another server held the upkeep lock).");
  for (int i = 0; i < n; i++) {
    const char *results[] = {"ok", "failed", "skipped"};
    const uint64_t counts[] = {copy[i].ok, copy[i].failed, copy[i].skipped};
    for (int k = 0; k < 3; k++) {
      fputs("flexpool_upkeep_runs_total{step=\"", f);
      put_label(f, copy[i].name);
      fprintf(f, "\",result=\"%s\"} %llu\n", results[k], (unsigned long long)counts[k]);
    }
  }
  family(f, "flexpool_upkeep_last_success_timestamp_seconds", "gauge",
         "When each upkeep step last succeeded (Unix time; 0 when it never has).");
  for (int i = 0; i < n; i++) {
    fputs("flexpool_upkeep_last_success_timestamp_seconds{step=\"", f);
    put_label(f, copy[i].name);
    fprintf(f, "\"} %lld\n", (long long)copy[i].last_ok);
  }
}

static void put_store(FILE *f, struct fp_store *store, int session_idle) {
  struct fp_store_stats st;
  fp_store_stats(store, &st);
  family(f, "flexpool_store_write_queue_length", "gauge", "Writes waiting for the store's writer now.");
  fprintf(f, "flexpool_store_write_queue_length %lld\n", (long long)st.write_queue);
  family(f, "flexpool_store_writes_total", "counter",
         "Writes the store's writer ran: ok (committed) or failed (refused by their own rules or an error, rolled back).");
  fprintf(f, "flexpool_store_writes_total{result=\"ok\"} %llu\n", (unsigned long long)st.writes_ok);
  fprintf(f, "flexpool_store_writes_total{result=\"failed\"} %llu\n", (unsigned long long)st.writes_failed);
  family(f, "flexpool_store_write_retries_total", "counter",
         "Write transactions run again after losing a race with another server (PostgreSQL; 0 on SQLite).");
  fprintf(f, "flexpool_store_write_retries_total %llu\n", (unsigned long long)st.retries);
  family(f, "flexpool_store_commit_batches_total", "counter", "Write transactions (each a batch of writes, one fsync).");
  fprintf(f, "flexpool_store_commit_batches_total %llu\n", (unsigned long long)st.batches);
  family(f, "flexpool_store_commit_duration_seconds", "histogram",
         "Time of one batch of writes, from BEGIN to a durable COMMIT.");
  put_hist(f, "flexpool_store_commit_duration_seconds", "", &st.commit_seconds);
  family(f, "flexpool_store_write_duration_seconds", "histogram",
         "Time a write waits, from joining the writer's queue to being durable.");
  put_hist(f, "flexpool_store_write_duration_seconds", "", &st.write_seconds);
  family(f, "flexpool_db_connections", "gauge",
         "Database connections: in_use (held by a thread: readers, the writer, the checkpointer) or idle (kept for the next thread).");
  fprintf(f, "flexpool_db_connections{state=\"in_use\"} %lld\n", (long long)st.connections_in_use);
  fprintf(f, "flexpool_db_connections{state=\"idle\"} %lld\n", (long long)st.connections_idle);
  struct fp_conn *c = fp_store_reader(store);
  int64_t active = 0;
  if (c && fp_store_sessions_active(c, (int64_t)time(NULL), session_idle, &active) == 0) {
    family(f, "flexpool_sessions_active", "gauge", "Sessions signed in and not idle for longer than --session-idle.");
    fprintf(f, "flexpool_sessions_active %lld\n", (long long)active);
  }
  family(f, "flexpool_session_cache_lookups_total", "counter",
         "Signed-in requests by where this server found their session: hit (its cache) or miss (read from the store).");
  fprintf(f, "flexpool_session_cache_lookups_total{result=\"hit\"} %llu\n", (unsigned long long)session_hits);
  fprintf(f, "flexpool_session_cache_lookups_total{result=\"miss\"} %llu\n", (unsigned long long)session_misses);
}

/* One outbox channel (store/outbox.h): what waits, what went, what was given up; this server's
   attempts. prefix "flexpool_mail"/"flexpool_outbox" for the emails, "flexpool_webhook" for both
   of the webhooks' families. */
static void put_channel(FILE *f, struct fp_store *store, enum fp_outbox_channel ch, const char *attempts_name,
                        const char *messages_name, const char *age_name, const char *what, uint64_t ok, uint64_t failed) {
  char help[256];
  snprintf(help, sizeof help, "%s delivery attempts by this server: ok (delivered) or failed (retried later, or given up).",
           what);
  family(f, attempts_name, "counter", help);
  fprintf(f, "%s{result=\"ok\"} %llu\n", attempts_name, (unsigned long long)ok);
  fprintf(f, "%s{result=\"failed\"} %llu\n", attempts_name, (unsigned long long)failed);
  struct fp_conn *c = fp_store_reader(store);
  struct fp_outbox_counts oc;
  if (!c || fp_store_outbox_counts(c, ch, &oc) != 0) return;
  snprintf(help, sizeof help, "%s in the outbox by state: queued (waiting or being retried), sent, failed (given up).", what);
  family(f, messages_name, "gauge", help);
  for (int s = 0; s < FP_OUTBOX_STATES; s++)
    fprintf(f, "%s{state=\"%s\"} %lld\n", messages_name, fp_outbox_state_name((enum fp_outbox_state)s),
            (long long)oc.by_state[s]);
  snprintf(help, sizeof help, "How long the oldest queued of the %s has waited (0 when none waits).", what);
  family(f, age_name, "gauge", help);
  int64_t now = (int64_t)time(NULL);
  fprintf(f, "%s %lld\n", age_name, (long long)(oc.oldest_queued_at && now > oc.oldest_queued_at ? now - oc.oldest_queued_at : 0));
}

static void put_outbox(FILE *f, struct fp_store *store) {
  put_channel(f, store, FP_OUTBOX_EMAIL, "flexpool_mail_attempts_total", "flexpool_outbox_messages",
              "flexpool_outbox_oldest_queued_age_seconds", "Emails", mail_ok, mail_failed);
  put_channel(f, store, FP_OUTBOX_WEBHOOK, "flexpool_webhook_attempts_total", "flexpool_webhook_messages",
              "flexpool_webhook_oldest_queued_age_seconds", "Webhook deliveries", hook_ok, hook_failed);
}

static time_t started_at;

char *fp_prom_render(struct fp_store *store, int session_idle, size_t *len) {
  char *text = NULL;
  FILE *f = open_memstream(&text, len);
  if (!f) return NULL;
  family(f, "process_start_time_seconds", "gauge", "When this server started (Unix time).");
  fprintf(f, "process_start_time_seconds %lld\n", (long long)started_at);
  put_requests(f);
  put_store(f, store, session_idle);
  put_upkeep(f);
  put_outbox(f, store);
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

/* The metrics address's own server ---------------------------------------------------------- */

struct fp_prom_server {
  struct MHD_Daemon *daemon;
  struct fp_store *store;
  int session_idle;
};

static enum MHD_Result on_metrics(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  (void)version;
  (void)upload_data;
  static int started;
  struct fp_prom_server *p = cls;
  if (!*con_cls) { /* the headers: answer once the body (if any) is read */
    *con_cls = &started;
    return MHD_YES;
  }
  if (*upload_data_size) { /* a body nobody asked for: read and dropped */
    *upload_data_size = 0;
    return MHD_YES;
  }
  unsigned status = MHD_HTTP_OK;
  struct MHD_Response *resp;
  bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
  if (strcmp(url, "/metrics") != 0 || !get) {
    static const char not_found[] = "only GET /metrics is served here\n";
    status = strcmp(url, "/metrics") != 0 ? MHD_HTTP_NOT_FOUND : MHD_HTTP_METHOD_NOT_ALLOWED;
    resp = MHD_create_response_from_buffer(sizeof not_found - 1, (void *)not_found, MHD_RESPMEM_PERSISTENT);
    if (resp && status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(resp, "Allow", "GET, HEAD");
  } else {
    size_t len = 0;
    char *text = fp_prom_render(p->store, p->session_idle, &len);
    if (!text) return MHD_NO;
    resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!resp) free(text);
  }
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, "Content-Type",
                          status == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  enum MHD_Result ret = MHD_queue_response(conn, status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static void log_mhd(void *cls, const char *fm, va_list ap) {
  (void)cls;
  fputs("libmicrohttpd (metrics): ", stderr);
  vfprintf(stderr, fm, ap);
}

struct fp_prom_server *fp_prom_start(const char *listen, struct fp_store *store, int session_idle, uint16_t *port) {
  struct sockaddr_in sa;
  if (fp_listen_addr(listen, "--metrics-listen", &sa) != 0) return NULL;
  if (!started_at) started_at = time(NULL);
  struct fp_prom_server *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->store = store;
  p->session_idle = session_idle;
  /* One thread answers every scrape in turn: a scrape is a few kilobytes written from memory and
     one count of sessions. */
  p->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG, ntohs(sa.sin_port),
                               NULL, NULL, on_metrics, p, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
                               MHD_OPTION_CONNECTION_LIMIT, (unsigned)32, MHD_OPTION_END);
  if (!p->daemon) {
    fprintf(stderr, "flexpool: cannot listen on %s (--metrics-listen)\n", listen);
    free(p);
    return NULL;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(p->daemon, MHD_DAEMON_INFO_BIND_PORT);
  *port = di ? di->port : ntohs(sa.sin_port);
  return p;
}

void fp_prom_stop(struct fp_prom_server *p) {
  if (!p) return;
  MHD_stop_daemon(p->daemon);
  free(p);
}
