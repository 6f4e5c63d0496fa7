/*
 * Email (issue 12): a message is written to the outbox in the same transaction as the event that
 * causes it (here: a booking, whose practice's managers are told), stays there while the server has
 * no relay, and is delivered over SMTP to a real listener (tests/api/smtp_sink.py, Debian's
 * python3-aiosmtpd, on loopback) once the server has one: once in a normal run, never again after a
 * restart, and with the same Message-ID when the server is killed (SIGKILL) while the relay has the
 * message but has not answered yet, and restarted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
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

static void serve(const struct fpt_smtp *k) {
  const char *url = k ? fpt_smtp_url(k) : NULL;
  const char *with[] = {"--smtp-url", url, "--mail-from", "pool@flexpool.test", "--smtp-timeout", "5",
                        "--public-url", "https://pool.example.test", "--metrics-listen", "127.0.0.1:0", NULL};
  const char *without[] = {"--metrics-listen", "127.0.0.1:0", NULL};
  assert_int_equal(fpt_server_start(&srv, data_dir, k ? with : without), 0);
}

static long long book_a_shift(int days) {
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", days, 9, 4, "instant");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  return shift;
}

static long long outbox(const char *state) {
  return fpt_sql_count(&srv, fpt_str("SELECT count(*) FROM outbox WHERE state = '%s'", state));
}

static int setup(void **state) {
  (void)state;
  fpt_tempdir(data_dir, sizeof data_dir);
  serve(NULL);
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "gp.mail@t.test", "gp", "7200001", true, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_rmrf(data_dir);
  fpt_gc();
  return 0;
}

/* Without a relay the message waits in the outbox; with one it is delivered once, and only once. */
static void test_delivered_once(void **state) {
  (void)state;
  long long shift = book_a_shift(3);
  assert_int_equal(outbox("queued"), 1);
  /* Outside the demo nobody reads the outbox through the app. */
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", "/api/v1/demo-mailbox", NULL), 404, "not_found", NULL);

  struct fpt_smtp k = {0};
  fpt_smtp_start(&k, NULL);
  fpt_server_stop(&srv);
  serve(&k);
  json_t *got = fpt_smtp_wait(&k, 1, 20);
  assert_int_equal(json_array_size(got), 1);
  json_t *m = json_array_get(got, 0);
  assert_string_equal(json_string_value(json_array_get(json_object_get(m, "to"), 0)), "pm1@t.test");
  assert_non_null(strstr(fpt_s(m, "subject"), "Shift booked"));
  assert_non_null(strstr(fpt_s(m, "body"), "has booked"));
  assert_non_null(strstr(fpt_s(m, "body"), fpt_str("https://pool.example.test/practice/shifts/%lld", shift)));
  const char *mid = fpt_s(m, "message_id");
  assert_true(mid[0] == '<' && strchr(mid, '@'));
  for (int i = 0; i < 50 && outbox("sent") != 1; i++) usleep(100 * 1000);
  assert_int_equal(outbox("sent"), 1);
  assert_int_equal(outbox("queued"), 0);
  assert_int_equal(fpt_sql_count(&srv, "SELECT count(*) FROM outbox_attempts WHERE ok <> 0"), 1);
  /* The operators see it. */
  struct fpt_resp mr = fpt_metrics_get(&srv, "/metrics");
  assert_non_null(strstr(mr.body, "flexpool_outbox_messages{state=\"sent\"} 1\n"));
  assert_non_null(strstr(mr.body, "flexpool_outbox_messages{state=\"queued\"} 0\n"));
  assert_non_null(strstr(mr.body, "flexpool_mail_attempts_total{result=\"ok\"} 1\n"));

  /* Never again: not later, not after a restart. */
  sleep(2);
  fpt_server_stop(&srv);
  serve(&k);
  sleep(3);
  assert_int_equal(json_array_size(fpt_smtp_received(&k)), 1);
  fpt_smtp_stop(&k);
}

/* Killed while the relay holds the message unanswered: delivered again after the restart, with the
   same Message-ID, and recorded as sent once. */
static void test_killed_mid_delivery(void **state) {
  (void)state;
  struct fpt_smtp k = {0};
  fpt_smtp_start(&k, "60");
  fpt_server_stop(&srv);
  serve(&k);
  book_a_shift(5);
  json_t *got = fpt_smtp_wait(&k, 1, 20);
  assert_int_equal(json_array_size(got), 1);
  assert_true(json_is_true(json_object_get(json_array_get(got, 0), "held")));
  const char *mid = fpt_s(json_array_get(got, 0), "message_id");
  fpt_server_kill(&srv); /* the relay has the DATA and has not answered */
  serve(&k);
  /* The lease (--smtp-timeout 5: 20 s) ends; the restarted server sends it again. */
  got = fpt_smtp_wait(&k, 2, 60);
  assert_int_equal(json_array_size(got), 2);
  json_t *again = json_array_get(got, 1);
  assert_false(json_is_true(json_object_get(again, "held")));
  assert_string_equal(fpt_s(again, "message_id"), mid);
  for (int i = 0; i < 50 && outbox("queued") != 0; i++) usleep(100 * 1000);
  assert_int_equal(outbox("queued"), 0);
  assert_int_equal(outbox("sent"), 2);
  fpt_server_stop(&srv);
  serve(&k);
  sleep(3);
  assert_int_equal(json_array_size(fpt_smtp_received(&k)), 2);
  fpt_smtp_stop(&k);
}

/* The demo's mailbox shows the outbox, only when the server runs the demo. */
static void test_demo_mailbox(void **state) {
  (void)state;
  struct fpt_server demo;
  const char *extra[] = {"--demo", NULL};
  assert_int_equal(fpt_server_start(&demo, NULL, extra), 0);
  json_t *box = fpt_call(&demo, NULL, "GET", "/api/v1/demo-mailbox", 200, NULL);
  assert_true(json_is_array(json_object_get(box, "items")));
  fpt_server_stop(&demo);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_delivered_once),
      cmocka_unit_test(test_killed_mid_delivery),
      cmocka_unit_test(test_demo_mailbox),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
