/*
 * Outbound webhooks (issue 12): an organisation's own managers (a practice's managers; a pool's
 * administrators for the pool's host organisation) set up webhooks to https URLs of public
 * addresses only; each event on the organisation's shifts is POSTed as signed JSON by the delivery
 * worker through the outbox, retried after a failure with the same event id, each attempt shown to
 * the manager. The receiver is a real HTTP server on loopback (tests/api/webhook_sink.py), which
 * the server may reach only under the test-only --webhooks-allow-loopback-http.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpt.h"
#include "smtp.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static char data_dir[256];
static const char *gp;
static struct fpt_smtp sink, failing_sink; /* the receivers: stopped in teardown too when a test fails */

/* The server, normal (loopback false) or allowed to send webhooks to this machine over http. */
static void serve(bool loopback) {
  const char *with[] = {"--webhooks-allow-loopback-http", "--webhook-timeout", "5", "--metrics-listen", "127.0.0.1:0", NULL};
  const char *without[] = {"--metrics-listen", "127.0.0.1:0", NULL};
  assert_int_equal(fpt_server_start(&srv, data_dir, loopback ? with : without), 0);
}

static void restart(bool loopback) {
  fpt_server_stop(&srv);
  serve(loopback);
}

static int setup(void **state) {
  (void)state;
  assert_true(sodium_init() >= 0);
  fpt_tempdir(data_dir, sizeof data_dir);
  serve(false);
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "gp.hooks@t.test", "gp", "7200011", true, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_smtp_stop(&sink);
  fpt_smtp_stop(&failing_sink);
  fpt_server_stop(&srv);
  fpt_rmrf(data_dir);
  fpt_gc();
  return 0;
}

static json_t *add_hook(const char *token, long long org, const char *url, const char *events_csv, long expect) {
  json_t *events = json_array();
  char buf[200];
  snprintf(buf, sizeof buf, "%s", events_csv);
  for (char *save = NULL, *e = strtok_r(buf, ",", &save); e; e = strtok_r(NULL, ",", &save))
    json_array_append_new(events, json_string(e));
  return fpt_call(&srv, token, "POST", fpt_str("/api/v1/organisations/%lld/webhooks", org), expect, "{s:s, s:o}", "url", url,
                  "events", events);
}

/* Whether the delivery's signature is HMAC-SHA256(secret, timestamp "." body), as a receiver checks it. */
static void assert_signed(const json_t *m, const char *secret) {
  const json_t *h = json_object_get(m, "headers");
  const char *ts = fpt_s(h, "flexpool-timestamp"), *sig = fpt_s(h, "flexpool-signature"), *body = fpt_s(m, "body");
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
  crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  assert_string_equal(sig, fpt_str("sha256=%s", hex));
  /* A body changed on the way no longer matches. */
  crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)".x", 2);
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  assert_string_not_equal(sig, fpt_str("sha256=%s", hex));
  long long age = (long long)time(NULL) - atoll(ts);
  assert_true(age >= 0 && age < 120);
}

/* The delivery of event type `type` received at path (fails when there is none). */
static json_t *received(json_t *all, const char *type, const char *path) {
  size_t i;
  json_t *m;
  json_array_foreach(all, i, m) {
    json_t *body = fpt_keep_json(json_loads(fpt_s(m, "body"), 0, NULL));
    if (body && strcmp(fpt_s(body, "type"), type) == 0 && strcmp(fpt_s(m, "path"), path) == 0) return m;
  }
  fail_msg("no %s delivery received at %s", type, path);
  return NULL;
}

static json_t *deliveries(const char *token, long long org) {
  return fpt_call(&srv, token, "GET", fpt_str("/api/v1/organisations/%lld/webhook-deliveries", org), 200, NULL);
}

/* Waits until org has n deliveries in `state`. */
static void wait_state(const char *token, long long org, size_t n, const char *state) {
  for (int i = 0; i < 100; i++) {
    size_t got = 0, k;
    json_t *d;
    json_array_foreach(json_object_get(deliveries(token, org), "items"), k, d) if (strcmp(fpt_s(d, "state"), state) == 0) got++;
    if (got >= n) return;
    usleep(100 * 1000);
  }
  fail_msg("fewer than %zu deliveries %s", n, state);
}

/* A shift posted, booked and cancelled at practice1 reaches its webhook, each signed; the pool's
   administrator's webhook (for the pool's host) gets the practice's shift.posted too. */
static void test_events_delivered_signed(void **state) {
  (void)state;
  restart(true);
  fpt_sink_start(&sink, "webhook_sink.py", NULL, NULL);
  json_t *hook = add_hook(w.pm1, w.practice1, fpt_str("http://127.0.0.1:%d/practice", sink.port),
                          "shift.posted,shift.booked,booking.cancelled", 201);
  const char *secret = fpt_s(hook, "secret");
  assert_int_equal(strlen(secret), 64);
  assert_int_equal(json_array_size(json_object_get(hook, "events")), 3);
  json_t *pool_hook = add_hook(w.pool_admin, w.icb, fpt_str("http://127.0.0.1:%d/pool", sink.port), "shift.posted", 201);
  /* The secret is shown once: the list does not carry it. */
  json_t *list = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/organisations/%lld/webhooks", w.practice1), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(list, "items")), 1);
  assert_null(json_object_get(json_array_get(json_object_get(list, "items"), 0), "secret"));

  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 4, 9, 4, "instant");
  json_t *b = fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  long long booking = fpt_int(b, "id");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", booking), 200, "{s:s}", "reason", "unwell");

  json_t *got = fpt_smtp_wait(&sink, 4, 30);
  assert_int_equal(json_array_size(got), 4);
  const char *types[] = {"shift.posted", "shift.booked", "booking.cancelled"};
  for (int i = 0; i < 3; i++) {
    json_t *m = received(got, types[i], "/practice");
    json_t *body = fpt_keep_json(json_loads(fpt_s(m, "body"), 0, NULL));
    const json_t *h = json_object_get(m, "headers");
    assert_string_equal(fpt_s(h, "flexpool-event"), types[i]);
    assert_string_equal(fpt_s(h, "flexpool-event-id"), fpt_s(body, "id"));
    assert_string_equal(fpt_s(h, "content-type"), "application/json");
    json_t *data = json_object_get(body, "data");
    assert_int_equal(fpt_int(data, "shift_id"), shift);
    assert_int_equal(fpt_int(data, "practice_id"), w.practice1);
    if (i > 0) assert_int_equal(fpt_int(data, "booking_id"), booking);
    assert_signed(m, secret);
  }
  /* The pool's host got the posting, at its own URL signed with its own secret. */
  assert_signed(received(got, "shift.posted", "/pool"), fpt_s(pool_hook, "secret"));

  /* The managers see what went. */
  wait_state(w.pm1, w.practice1, 3, "sent");
  json_t *d = json_array_get(json_object_get(deliveries(w.pm1, w.practice1), "items"), 0);
  assert_string_equal(fpt_s(d, "event"), "booking.cancelled");
  assert_int_equal(fpt_int(d, "attempts"), 1);
  assert_string_equal(fpt_s(d, "last_result"), "HTTP 204");
  wait_state(w.pool_admin, w.icb, 1, "sent");

  /* Deleted: nothing more is sent to it. */
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/organisations/%lld/webhooks/%lld", w.practice1, fpt_int(hook, "id")), 204,
           NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "DELETE",
                               fpt_str("/api/v1/organisations/%lld/webhooks/%lld", w.practice1, fpt_int(hook, "id")), NULL),
                   404, "not_found", NULL);
  fpt_world_shift(&w, w.pm1, w.practice1, "gp", 5, 9, 4, "instant");
  got = fpt_smtp_wait(&sink, 6, 4);
  assert_int_equal(json_array_size(got), 5); /* only the pool's copy of the new posting */
  fpt_smtp_stop(&sink);
}

/* Every URL a webhook may not reach is refused with url_not_allowed, before anything is stored. */
/* A webhook in FHIR gets the shift as the FHIR API's Slot (application/fhir+json), signed the same
   way: at each event, the Slot a FHIR client reads at that moment. */
static void test_fhir_format(void **state) {
  (void)state;
  restart(true);
  fpt_sink_start(&sink, "webhook_sink.py", NULL, NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/organisations/%lld/webhooks", w.practice1),
                               "{s:s, s:[s], s:s}", "url", fpt_str("http://127.0.0.1:%d/fhir", sink.port), "events",
                               "shift.posted", "format", "xml"),
                   400, "invalid_field", "format");
  json_t *hook = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/organisations/%lld/webhooks", w.practice1), 201,
                          "{s:s, s:[s, s], s:s}", "url", fpt_str("http://127.0.0.1:%d/fhir", sink.port), "events",
                          "shift.posted", "shift.booked", "format", "fhir");
  assert_string_equal(fpt_s(hook, "format"), "fhir");
  json_t *client = fpt_call(&srv, w.admin, "POST", "/api/v1/fhir-clients", 201, "{s:s, s:s, s:[I]}", "client_id", "hooks-reader",
                            "name", "Reader", "organisation_ids", (json_int_t)w.icb);
  const char *form = fpt_str("grant_type=client_credentials&client_id=hooks-reader&client_secret=%s", fpt_s(client, "client_secret"));
  const char *form_h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  struct fpt_resp tr = fpt_raw(&srv, "POST", "/oauth/token", form_h, form, strlen(form));
  assert_int_equal(tr.status, 200);
  const char *auth[] = {fpt_str("Authorization: Bearer %s", fpt_s(tr.json, "access_token")), NULL};

  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 6, 9, 4, "instant");
  json_t *got = fpt_smtp_wait(&sink, 1, 30);
  assert_int_equal(json_array_size(got), 1);
  json_t *m = json_array_get(got, 0);
  assert_string_equal(fpt_s(json_object_get(m, "headers"), "content-type"), "application/fhir+json; fhirVersion=4.0");
  assert_string_equal(fpt_s(json_object_get(m, "headers"), "flexpool-event"), "shift.posted");
  assert_signed(m, fpt_s(hook, "secret"));
  json_t *slot = fpt_keep_json(json_loads(fpt_s(m, "body"), 0, NULL));
  assert_string_equal(fpt_s(slot, "resourceType"), "Slot");
  assert_string_equal(fpt_s(slot, "status"), "free");
  struct fpt_resp api = fpt_raw(&srv, "GET", fpt_str("/fhir/r4/Slot/%lld", shift), auth, NULL, 0);
  assert_int_equal(api.status, 200);
  assert_true(json_equal(slot, api.json));

  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  got = fpt_smtp_wait(&sink, 2, 30);
  assert_int_equal(json_array_size(got), 2);
  json_t *booked = fpt_keep_json(json_loads(fpt_s(json_array_get(got, 1), "body"), 0, NULL));
  assert_string_equal(fpt_s(booked, "status"), "busy");
  api = fpt_raw(&srv, "GET", fpt_str("/fhir/r4/Slot/%lld", shift), auth, NULL, 0);
  assert_true(json_equal(booked, api.json));
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/organisations/%lld/webhooks/%lld", w.practice1, fpt_int(hook, "id")), 204, NULL);
  fpt_smtp_stop(&sink);
}

static void test_refused_urls(void **state) {
  (void)state;
  restart(false);
  static const char *const refused[] = {
      "http://93.184.215.14/hook",     /* http: never outside the test option */
      "https://127.0.0.1/hook",        "https://127.1.2.3:8443/hook",   "https://10.0.0.5/hook",
      "https://172.16.4.4/hook",       "https://192.168.1.10/hook",     "https://169.254.169.254/latest/meta-data",
      "https://100.64.1.1/hook",       "https://0.0.0.0/hook",          "https://224.0.0.1/hook",
      "https://[::1]/hook",            "https://[fc00::1]/hook",        "https://[fd12:3456::1]/hook",
      "https://[fe80::1]/hook",        "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:10.0.0.1]/hook",
      "https://[::]/hook",             "https://localhost/hook",        "https://2130706433/hook",
      "https://user:pass@93.184.215.14/hook", "ftp://93.184.215.14/hook", "not a url",
      "https://no-such-host.invalid/hook",
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    struct fpt_resp r = fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/organisations/%lld/webhooks", w.practice1),
                                    "{s:s, s:[s]}", "url", refused[i], "events", "shift.posted");
    if (r.status != 400) fail_msg("%s: %ld", refused[i], r.status);
    fpt_expect_error(r, 400, "url_not_allowed", "url");
  }
  /* The test option lets loopback through, and nothing else. */
  restart(true);
  add_hook(w.pm1, w.practice1, "https://10.0.0.5/hook", "shift.posted", 400);
  add_hook(w.pm1, w.practice1, "http://192.168.1.1/hook", "shift.posted", 400);
  restart(false);
  /* A public address is accepted; events are checked too. */
  json_t *ok = add_hook(w.pm1, w.practice1, "https://93.184.215.14/hooks?x=1", "shift.posted,offer.accepted", 201);
  assert_int_equal(json_array_size(json_object_get(ok, "events")), 2);
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/organisations/%lld/webhooks", w.practice1),
                               "{s:s, s:[s]}", "url", "https://93.184.215.14/", "events", "shift.eaten"),
                   400, "invalid_field", "events");
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/organisations/%lld/webhooks", w.practice1),
                               "{s:s, s:[]}", "url", "https://93.184.215.14/", "events"),
                   400, "invalid_field", "events");
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/organisations/%lld/webhooks/%lld", w.practice1, fpt_int(ok, "id")), 204,
           NULL);
}

/* Only the organisation's own managers: another practice's manager, the pool's administrator (of
   a practice that is not the pool's host), a clinician and the system administrator are refused. */
static void test_others_refused(void **state) {
  (void)state;
  json_t *ok = add_hook(w.pm1, w.practice1, "https://93.184.215.14/own", "shift.booked", 201);
  const char *path = fpt_str("/api/v1/organisations/%lld/webhooks", w.practice1);
  const char *one = fpt_str("%s/%lld", path, fpt_int(ok, "id"));
  const char *outsiders[] = {w.pm2, w.pool_admin, gp, w.admin, w.commissioner};
  for (size_t i = 0; i < sizeof outsiders / sizeof outsiders[0]; i++) {
    fpt_expect_error(fpt_request(&srv, outsiders[i], "GET", path, NULL), 403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, outsiders[i], "POST", path, "{s:s, s:[s]}", "url", "https://93.184.215.14/x",
                                 "events", "shift.posted"),
                     403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, outsiders[i], "DELETE", one, NULL), 403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, outsiders[i], "GET",
                                 fpt_str("/api/v1/organisations/%lld/webhook-deliveries", w.practice1), NULL),
                     403, "forbidden", NULL);
  }
  /* A webhook of another organisation is not found through one's own. */
  fpt_expect_error(fpt_request(&srv, w.pm2, "DELETE",
                               fpt_str("/api/v1/organisations/%lld/webhooks/%lld", w.practice2, fpt_int(ok, "id")), NULL),
                   404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/organisations/999999/webhooks", NULL), 404, "not_found", NULL);
  fpt_call(&srv, w.pm1, "DELETE", one, 204, NULL);
}

/* The receiver fails the first attempt: the attempt is recorded and the delivery tried again later
   (here: once its pause is over, made to pass by moving the store's clock), with the same event id. */
/* The value of one series in the server's /metrics (fails the test when it is not there). */
static long long metric(const char *series) {
  struct fpt_resp mr = fpt_metrics_get(&srv, "/metrics");
  assert_int_equal(mr.status, 200);
  const char *at = strstr(mr.body, fpt_str("\n%s ", series));
  if (!at) fail_msg("no %s in /metrics", series);
  return strtoll(at + strlen(series) + 2, NULL, 10);
}

static void test_retried_after_a_failure(void **state) {
  (void)state;
  restart(true);
  fpt_sink_start(&failing_sink, "webhook_sink.py", "--fail-first", "1");
  json_t *hook = add_hook(w.pm1, w.practice1, fpt_str("http://127.0.0.1:%d/retry", failing_sink.port), "application.created", 201);
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 6, 9, 4, "approval");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/applications", shift), 201, "{s:s}", "message", "hello");
  json_t *got = fpt_smtp_wait(&failing_sink, 1, 20);
  assert_int_equal(json_array_size(got), 1);
  assert_int_equal(fpt_int(json_array_get(got, 0), "status"), 500);
  const char *event_id = fpt_s(json_object_get(json_array_get(got, 0), "headers"), "flexpool-event-id");
  json_t *d = NULL;
  for (int i = 0; i < 50; i++) {
    d = json_array_get(json_object_get(deliveries(w.pm1, w.practice1), "items"), 0);
    if (fpt_int(d, "attempts") == 1) break;
    usleep(100 * 1000);
  }
  assert_string_equal(fpt_s(d, "state"), "queued");
  assert_int_equal(fpt_int(d, "attempts"), 1);
  assert_string_equal(fpt_s(d, "last_result"), "HTTP 500");
  assert_string_equal(fpt_s(d, "event_id"), event_id);
  /* The operators see it: this server's failed attempt, and the delivery waiting. */
  long long failed = metric("flexpool_webhook_attempts_total{result=\"failed\"}");
  assert_true(failed >= 1);
  assert_true(metric("flexpool_webhook_messages{state=\"queued\"}") >= 1);
  assert_true(metric("flexpool_webhook_oldest_queued_age_seconds") >= 0);
  /* Not again before its pause (30 s) is over. */
  sleep(2);
  assert_int_equal(json_array_size(fpt_smtp_received(&failing_sink)), 1);
  fpt_server_stop(&srv);
  fpt_sql(&srv, "UPDATE outbox SET next_attempt_at = 0 WHERE channel = 'webhook' AND state = 'queued'");
  serve(true);
  got = fpt_smtp_wait(&failing_sink, 2, 20);
  assert_int_equal(json_array_size(got), 2);
  json_t *again = json_array_get(got, 1);
  assert_int_equal(fpt_int(again, "status"), 204);
  assert_string_equal(fpt_s(json_object_get(again, "headers"), "flexpool-event-id"), event_id);
  wait_state(w.pm1, w.practice1, 1, "sent");
  d = json_array_get(json_object_get(deliveries(w.pm1, w.practice1), "items"), 0);
  assert_int_equal(fpt_int(d, "attempts"), 2);
  assert_true(metric("flexpool_webhook_attempts_total{result=\"ok\"}") >= 1);
  assert_true(metric("flexpool_webhook_messages{state=\"sent\"}") >= 1);
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/organisations/%lld/webhooks/%lld", w.practice1, fpt_int(hook, "id")), 204,
           NULL);
  fpt_smtp_stop(&failing_sink);
}

/* Adds webhooks for shift.booked to org as token until the organisation has its most. */
static void fill_hooks(const char *token, long long org) {
  for (int i = 0; i < 12; i++) {
    struct fpt_resp r = fpt_request(&srv, token, "POST", fpt_str("/api/v1/organisations/%lld/webhooks", org),
                                    "{s:s, s:[s]}", "url", "http://127.0.0.1:9/hook", "events", "shift.booked");
    if (r.status == 409) break;
    assert_int_equal(r.status, 201);
  }
}

/* Every webhook that wants an event gets it, however many pools the practice is in: the practice's
   own and those of each pool's host, ten each at most (fp_store_webhook_emit read at most 40 and
   dropped the rest without a word). */
static void test_every_pools_webhooks_told(void **state) {
  (void)state;
  restart(true);
  fill_hooks(w.pm1, w.practice1);
  fill_hooks(w.pool_admin, w.icb);
  long long hosts[] = {w.place, w.pcn, w.practice2};
  for (size_t h = 0; h < sizeof hosts / sizeof hosts[0]; h++) {
    long long pool = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name",
                                      fpt_str("Hooks pool %zu", h), "host_organisation_id", (json_int_t)hosts[h]),
                             "id");
    fpt_call(&srv, w.admin, "POST", fpt_str("/api/v1/pools/%lld/members", pool), 201, "{s:I}", "organisation_id",
             (json_int_t)w.practice1);
    const char *email = fpt_str("hooks.admin%zu@t.test", h);
    fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", email, "name",
             "Hooks Admin", "role", "pool_admin", "pool_id", (json_int_t)pool, "password", "given-by-admin-7");
    fill_hooks(fpt_take_over(&srv, email, "given-by-admin-7", "test-password-1"), hosts[h]);
  }
  long long wanted = fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM webhooks h JOIN webhook_events e ON e.webhook_id = h.id"
                                                 " AND e.event = 'shift.booked' WHERE h.deleted_at IS NULL AND"
                                                 " h.organisation_id IN (%lld, %lld, %lld, %lld, %lld)",
                                                 w.practice1, w.icb, w.place, w.pcn, w.practice2));
  assert_true(wanted > 40);
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 20, 9, 4, "instant");
  long long booking = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL), "id");
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM outbox WHERE channel = 'webhook'"
                                               " AND body LIKE '%%\"type\":\"shift.booked\"%%'"
                                               " AND body LIKE '%%\"booking_id\":%lld,%%'", booking)),
                   wanted);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fhir_format),
      cmocka_unit_test(test_refused_urls),
      cmocka_unit_test(test_others_refused),
      cmocka_unit_test(test_events_delivered_signed),
      cmocka_unit_test(test_retried_after_a_failure),
      cmocka_unit_test(test_every_pools_webhooks_told),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
