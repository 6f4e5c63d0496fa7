/*
 * Live notifications (issue 12): GET /api/v1/me/events, a Server-Sent Events stream.
 *
 * - A signed-in account's stream starts with its unread count and carries each notification it is
 *   given within 2 seconds (the booking's 201 to the event read), with the unread count, and
 *   nobody else's; marking read sends the new count.
 * - A stream resumed with Last-Event-ID is sent what it missed first.
 * - Refused at the door: without a session (401), a Last-Event-ID that is no id (400), past the
 *   server's --max-event-streams or the per-account limit (503 too_many_streams, Retry-After).
 *   Open streams hold no database connection each (/metrics).
 * - Heartbeat comments on an idle stream (--event-heartbeat).
 * - With --threads 1 (the epoll pool) open streams hold no thread: an ordinary request is answered
 *   at once beside three open streams, and events still arrive.
 * - SIGTERM with streams open: the streams end and the server exits 0 (no leak under ASan, no
 *   hang), in both threading modes.
 * - A stream ends within 2 seconds of its session (signed out).
 * - PostgreSQL: two servers on one database: a notification written through server A reaches a
 *   stream open on server B within 2 seconds, and so do its being marked read (the new count) and
 *   the session's sign-out (the stream ends); a notification committed after one with a higher id
 *   (ids are handed out before commit) still reaches the stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp;
static int next_day = 3;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- a Server-Sent Events client: curl on its own thread, everything read kept in buf ---- */

struct sse {
  pthread_t thread;
  char url[256], auth[128], last_id[96];
  pthread_mutex_t lock;
  char *buf;
  size_t n;
  char headers[2048];
  size_t hn;
  atomic_bool stop, done;
};

static size_t sse_data(char *p, size_t size, size_t nmemb, void *ud) {
  struct sse *s = ud;
  size_t k = size * nmemb;
  pthread_mutex_lock(&s->lock);
  char *b = realloc(s->buf, s->n + k + 1);
  if (b) {
    memcpy(b + s->n, p, k);
    s->n += k;
    b[s->n] = 0;
    s->buf = b;
  }
  pthread_mutex_unlock(&s->lock);
  return k;
}

static size_t sse_header(char *p, size_t size, size_t nmemb, void *ud) {
  struct sse *s = ud;
  size_t k = size * nmemb;
  pthread_mutex_lock(&s->lock);
  if (s->hn + k < sizeof s->headers) {
    memcpy(s->headers + s->hn, p, k);
    s->hn += k;
    s->headers[s->hn] = 0;
  }
  pthread_mutex_unlock(&s->lock);
  return k;
}

static int sse_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d) {
  (void)a, (void)b, (void)c, (void)d;
  return atomic_load(&((struct sse *)ud)->stop) ? 1 : 0;
}

static void *sse_main(void *ud) {
  struct sse *s = ud;
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, s->auth);
  h = curl_slist_append(h, "Accept: text/event-stream");
  if (s->last_id[0]) h = curl_slist_append(h, s->last_id);
  curl_easy_setopt(c, CURLOPT_URL, s->url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sse_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sse_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, sse_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_perform(c);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  atomic_store(&s->done, true);
  return NULL;
}

static struct sse *sse_open(const struct fpt_server *on, const char *token, long long last_id) {
  struct sse *s = calloc(1, sizeof *s);
  assert_non_null(s);
  snprintf(s->url, sizeof s->url, "%s/api/v1/me/events", on->base);
  snprintf(s->auth, sizeof s->auth, "Authorization: Bearer %s", token);
  if (last_id) snprintf(s->last_id, sizeof s->last_id, "Last-Event-ID: %lld", last_id);
  pthread_mutex_init(&s->lock, NULL);
  assert_int_equal(pthread_create(&s->thread, NULL, sse_main, s), 0);
  return s;
}

/* Waits up to seconds for needle in what the stream has read from byte *from on; moves *from past
   it. Whether it came. */
/* Whether the server ends the stream within `seconds`. */
static bool sse_ends_within(struct sse *s, double seconds) {
  double t0 = now_s();
  while (!atomic_load(&s->done) && now_s() - t0 < seconds) usleep(20 * 1000);
  return atomic_load(&s->done);
}

static bool sse_wait(struct sse *s, size_t *from, const char *needle, double seconds) {
  double until = now_s() + seconds;
  for (;;) {
    pthread_mutex_lock(&s->lock);
    const char *at = s->buf && *from <= s->n ? strstr(s->buf + *from, needle) : NULL;
    if (at) *from = (size_t)(at - s->buf) + strlen(needle);
    pthread_mutex_unlock(&s->lock);
    if (at) return true;
    if (now_s() > until || atomic_load(&s->done)) return false;
    usleep(10 * 1000);
  }
}

/* Waits up to seconds for the stream to end (the server closed it). */
static bool sse_ended(struct sse *s, double seconds) {
  double until = now_s() + seconds;
  while (!atomic_load(&s->done) && now_s() < until) usleep(10 * 1000);
  return atomic_load(&s->done);
}

static void sse_close(struct sse *s) {
  atomic_store(&s->stop, true);
  pthread_join(s->thread, NULL);
  pthread_mutex_destroy(&s->lock);
  free(s->buf);
  free(s);
}

/* ---- the world ---- */

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "gp.live@t.test", "gp", "7600001", true, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* SIGTERM to the server: it must exit 0 (ASan counts a leak as a failure) within seconds. */
static void stop_cleanly(struct fpt_server *s, double within) {
  double t0 = now_s();
  kill(s->pid, SIGTERM);
  int st = 0;
  assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
  s->pid = 0;
  double took = now_s() - t0;
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) fprintf(stderr, "server log:\n%s\n", fpt_server_log(s));
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
  if (took > within) fprintf(stderr, "the server took %.1f s to stop\n", took);
  assert_true(took <= within);
}

/* The server's data directory into dir; then stops it (cleanly, within 5 s, checked). */
static void stop_keeping(char *dir, size_t len) {
  snprintf(dir, len, "%s", srv.data_dir);
  stop_cleanly(&srv, 5.0);
}

/* Starts the server again on its store (dir) with extra. */
static void start_on(const char *dir, const char *const *extra) {
  assert_int_equal(fpt_server_start(&srv, dir, extra), 0);
  srv.own_data_dir = true;
}

static void restart(const char *const *extra) {
  char dir[256];
  stop_keeping(dir, sizeof dir);
  start_on(dir, extra);
}

/* gp books a new shift of practice1: pm1 is told. Returns the booking's id. */
static long long book_one(const struct fpt_server *via) {
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", next_day++, 9, 4, "instant");
  return fpt_int(fpt_call(via, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL), "id");
}

/* The newest notification id of token's list. */
static long long newest_id(const char *token) {
  json_t *items = json_object_get(fpt_call(&srv, token, "GET", "/api/v1/me/notifications?limit=1", 200, NULL), "items");
  return json_array_size(items) ? fpt_int(json_array_get(items, 0), "id") : 0;
}

static void test_stream_carries_a_notification_within_two_seconds(void **state) {
  (void)state;
  long long unread = fpt_int(fpt_call(&srv, w.pm1, "GET", "/api/v1/me/notifications?limit=1", 200, NULL), "unread");
  struct sse *s = sse_open(&srv, w.pm1, 0);
  size_t at = 0;
  assert_true(sse_wait(s, &at, fpt_str("event: unread\ndata: {\"unread\":%lld}", unread), 5));
  assert_non_null(strstr(s->headers, "text/event-stream"));
  assert_non_null(strstr(s->headers, "Cache-Control: no-store"));
  double t0 = now_s();
  book_one(&srv);
  long long id = newest_id(w.pm1);
  assert_true(sse_wait(s, &at, fpt_str("id: %lld\nevent: notification\ndata: {\"id\":%lld,\"kind\":\"booking.created\"", id, id),
                       2.0));
  double took = now_s() - t0;
  assert_true(sse_wait(s, &at, fpt_str("\"unread\":%lld}", unread + 1), 0.1));
  fprintf(stderr, "the event came %.2f s after the booking was asked for\n", took);
  assert_true(took < 2.0);
  /* Someone else's notifications never reach this stream. */
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", next_day++, 9, 4, "instant");
  long long booking = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL), "id");
  size_t mark = at;
  assert_true(sse_wait(s, &at, "booking.created", 2.0)); /* pm1's own */
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 200, "{s:s}", "reason", "Closed");
  long long gp_id = newest_id(gp);
  assert_true(gp_id > 0);
  sleep(2); /* the clinician's cancellation notice: two polls later, still not here */
  pthread_mutex_lock(&s->lock);
  assert_null(strstr(s->buf + mark, fpt_str("\"id\":%lld,", gp_id)));
  pthread_mutex_unlock(&s->lock);
  /* Marking all read (another tab) sends the new count at once. */
  fpt_call(&srv, w.pm1, "POST", "/api/v1/me/notifications/read", 204, NULL);
  assert_true(sse_wait(s, &at, "event: unread\ndata: {\"unread\":0}", 1.0));
  sse_close(s);
}

static void test_resumed_after_last_event_id(void **state) {
  (void)state;
  long long before = newest_id(w.pm1);
  book_one(&srv);
  book_one(&srv);
  long long newest = newest_id(w.pm1);
  assert_true(newest > before);
  struct sse *s = sse_open(&srv, w.pm1, before);
  size_t at = 0;
  assert_true(sse_wait(s, &at, "event: unread", 5));
  /* Both missed, oldest first, straight away. */
  assert_true(sse_wait(s, &at, "event: notification\ndata: {\"id\":", 2));
  assert_true(sse_wait(s, &at, fpt_str("id: %lld\nevent: notification", newest), 2));
  sse_close(s);
  /* Resumed from the newest: nothing is sent again. */
  s = sse_open(&srv, w.pm1, newest);
  at = 0;
  assert_true(sse_wait(s, &at, "event: unread", 5));
  usleep(1200 * 1000);
  pthread_mutex_lock(&s->lock);
  if (strstr(s->buf, "event: notification")) fprintf(stderr, "newest %lld, before %lld; stream:\n%s\n%s\n", newest, before, s->buf, fpt_server_log(&srv));
  assert_null(strstr(s->buf, "event: notification"));
  pthread_mutex_unlock(&s->lock);
  sse_close(s);
}

static void test_refused_at_the_door(void **state) {
  (void)state;
  fpt_expect_error(fpt_request(&srv, NULL, "GET", "/api/v1/me/events", NULL), 401, "unauthenticated", NULL);
  const char *bad[] = {fpt_str("Authorization: Bearer %s", w.pm1), "Last-Event-ID: abc", NULL};
  fpt_expect_error(fpt_raw(&srv, "GET", "/api/v1/me/events", bad, NULL, 0), 400, "invalid_parameter", "Last-Event-ID");
  /* A server's limit, and an account's. */
  const char *extra[] = {"--max-event-streams", "10", "--metrics-listen", "127.0.0.1:0", NULL};
  restart(extra);
  struct sse *mine[8];
  for (int i = 0; i < 8; i++) {
    mine[i] = sse_open(&srv, w.pm1, 0);
    size_t at = 0;
    assert_true(sse_wait(mine[i], &at, "event: unread", 5));
  }
  struct fpt_resp r = fpt_request(&srv, w.pm1, "GET", "/api/v1/me/events", NULL);
  fpt_expect_error(r, 503, "too_many_streams", NULL);
  assert_non_null(strstr(fpt_s(json_object_get(r.json, "error"), "message"), "this account"));
  assert_string_equal(fpt_header(&r, "Retry-After"), "30");
  struct sse *others[2] = {sse_open(&srv, gp, 0), sse_open(&srv, w.pool_admin, 0)};
  for (int i = 0; i < 2; i++) {
    size_t at = 0;
    assert_true(sse_wait(others[i], &at, "event: unread", 5));
  }
  r = fpt_request(&srv, w.admin, "GET", "/api/v1/me/events", NULL);
  fpt_expect_error(r, 503, "too_many_streams", NULL);
  assert_non_null(strstr(fpt_s(json_object_get(r.json, "error"), "message"), "this server"));
  /* Ten waiting streams hold no database connection each (their threads gave theirs back). */
  const char *m = strstr(fpt_metrics_get(&srv, "/metrics").body, "flexpool_db_connections{state=\"in_use\"} ");
  assert_non_null(m);
  long long in_use = atoll(m + strlen("flexpool_db_connections{state=\"in_use\"} "));
  fprintf(stderr, "database connections in use with ten streams open: %lld\n", in_use);
  assert_true(in_use < 8);
  /* SIGTERM with ten streams open: they end, the server exits 0 at once. */
  char dir[256];
  stop_keeping(dir, sizeof dir);
  for (int i = 0; i < 8; i++) {
    assert_true(sse_ended(mine[i], 2));
    sse_close(mine[i]);
  }
  for (int i = 0; i < 2; i++) {
    assert_true(sse_ended(others[i], 2));
    sse_close(others[i]);
  }
  start_on(dir, NULL);
}

static void test_pool_threads_are_not_held(void **state) {
  (void)state;
  const char *extra[] = {"--threads", "1", "--event-heartbeat", "1", NULL};
  restart(extra);
  struct sse *s[3] = {sse_open(&srv, w.pm1, 0), sse_open(&srv, gp, 0), sse_open(&srv, w.pool_admin, 0)};
  size_t at[3] = {0, 0, 0};
  for (int i = 0; i < 3; i++) assert_true(sse_wait(s[i], &at[i], "event: unread", 5));
  /* Heartbeats on idle streams. */
  for (int i = 0; i < 3; i++) assert_true(sse_wait(s[i], &at[i], ": keep-alive\n\n", 2.5));
  /* The one thread of the pool answers ordinary requests beside them. */
  double t0 = now_s();
  fpt_call(&srv, NULL, "GET", "/healthz", 200, NULL);
  assert_true(now_s() - t0 < 1.0);
  /* And the streams still carry events. */
  t0 = now_s();
  book_one(&srv);
  assert_true(sse_wait(s[0], &at[0], "\"kind\":\"booking.created\"", 2.0));
  assert_true(now_s() - t0 < 2.0);
  /* SIGTERM with the streams suspended: they end, the server exits 0 at once. */
  char dir[256];
  stop_keeping(dir, sizeof dir);
  for (int i = 0; i < 3; i++) {
    assert_true(sse_ended(s[i], 2));
    sse_close(s[i]);
  }
  start_on(dir, NULL);
}

static void test_heartbeat_with_a_thread_per_connection(void **state) {
  (void)state;
  const char *extra[] = {"--event-heartbeat", "1", NULL};
  restart(extra);
  struct sse *s = sse_open(&srv, gp, 0);
  size_t at = 0;
  assert_true(sse_wait(s, &at, "event: unread", 5));
  assert_true(sse_wait(s, &at, ": keep-alive\n\n", 2.5));
  assert_true(sse_wait(s, &at, ": keep-alive\n\n", 2.5));
  sse_close(s);
}

static void test_two_servers_on_one_database(void **state) {
  (void)state;
  if (!fpt_engine_postgres()) {
    fprintf(stderr, "(two servers share a store on PostgreSQL only: skipped on SQLite)\n");
    return;
  }
  struct fpt_server b;
  assert_int_equal(fpt_server_start(&b, srv.data_dir, NULL), 0);
  struct sse *s = sse_open(&b, w.pm1, 0);
  size_t at = 0;
  assert_true(sse_wait(s, &at, "event: unread", 5));
  for (int round = 0; round < 3; round++) {
    double t0 = now_s();
    book_one(&srv); /* through server A */
    long long id = newest_id(w.pm1);
    assert_true(sse_wait(s, &at, fpt_str("id: %lld\nevent: notification", id), 2.0));
    double took = now_s() - t0;
    fprintf(stderr, "server B's stream had server A's notification %.2f s after the booking was asked for\n", took);
    assert_true(took < 2.0);
  }
  /* Marked read through server A: server B's stream has the new count within 2 seconds. */
  fpt_call(&srv, w.pm1, "POST", "/api/v1/me/notifications/read", 204, NULL);
  assert_true(sse_wait(s, &at, "event: unread\ndata: {\"unread\":0}", 2.0));
  sse_close(s);
  /* A session signed out through server A: its stream on server B ends within 2 seconds. */
  const char *other = fpt_login(&srv, "pm1@t.test", "test-password-1");
  s = sse_open(&b, other, 0);
  at = 0;
  assert_true(sse_wait(s, &at, "event: unread", 5));
  fpt_call(&srv, other, "DELETE", "/api/v1/sessions/current", 204, NULL);
  assert_true(sse_ends_within(s, 2.0));
  sse_close(s);
  stop_cleanly(&b, 5.0);
}

/* A stream lives no longer than its session: signed out (here, or on another server: above), it
   ends within 2 seconds rather than at the session's idle time. */
static void test_stream_ends_with_its_session(void **state) {
  (void)state;
  const char *other = fpt_login(&srv, "pm1@t.test", "test-password-1");
  struct sse *s = sse_open(&srv, other, 0);
  size_t at = 0;
  assert_true(sse_wait(s, &at, "event: unread", 5));
  fpt_call(&srv, other, "DELETE", "/api/v1/sessions/current", 204, NULL);
  assert_true(sse_ends_within(s, 2.0));
  sse_close(s);
}

/* PostgreSQL hands out ids before commit: a notification committed after one with a higher id has
   been seen (two transactions, the first committing last) still reaches the stream. */
static void test_a_late_commit_under_a_lower_id(void **state) {
  (void)state;
  if (!fpt_engine_postgres()) {
    fprintf(stderr, "(commits out of id order: PostgreSQL only; SQLite commits one writer at a time)\n");
    return;
  }
  struct sse *s = sse_open(&srv, w.pm1, 0);
  size_t at = 0;
  assert_true(sse_wait(s, &at, "event: unread", 5));
  PGconn *late = PQconnectdb(fpt_database(srv.data_dir));
  assert_int_equal(PQstatus(late), CONNECTION_OK);
  PGresult *res = PQexec(late, "BEGIN");
  PQclear(res);
  res = PQexec(late, fpt_str("INSERT INTO notifications (user_id, kind, subject, body, link, created_at)"
                             " VALUES (%lld, 'test.late', 'Committed late', 'late', '', 0) RETURNING id", w.pm1_user));
  assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
  long long late_id = atoll(PQgetvalue(res, 0, 0));
  PQclear(res);
  book_one(&srv); /* a notification with a higher id, committed first */
  long long id = newest_id(w.pm1);
  assert_true(id > late_id);
  assert_true(sse_wait(s, &at, fpt_str("id: %lld\nevent: notification", id), 2.0));
  sleep(1); /* the poll has passed it */
  res = PQexec(late, "COMMIT");
  assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
  PQclear(res);
  PQfinish(late);
  size_t from = 0;
  assert_true(sse_wait(s, &from, fpt_str("id: %lld\nevent: notification\ndata: {\"id\":%lld,\"kind\":\"test.late\"", late_id, late_id), 2.0));
  sse_close(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stream_carries_a_notification_within_two_seconds),
      cmocka_unit_test(test_resumed_after_last_event_id),
      cmocka_unit_test(test_two_servers_on_one_database),
      cmocka_unit_test(test_stream_ends_with_its_session),
      cmocka_unit_test(test_a_late_commit_under_a_lower_id),
      cmocka_unit_test(test_refused_at_the_door),
      cmocka_unit_test(test_pool_threads_are_not_held),
      cmocka_unit_test(test_heartbeat_with_a_thread_per_connection),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
