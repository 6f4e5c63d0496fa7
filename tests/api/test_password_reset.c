/*
 * Forgotten passwords (issue 12, pinned): POST /api/v1/password-resets {email} answers 202 whether
 * or not an account uses the address, and emails a link carrying token=... (delivered to a real
 * SMTP listener, tests/api/smtp_sink.py); POST /api/v1/password-resets/{token} {password} answers
 * 204 and ends the account's sessions; a link works once (then 410 token_expired) and for 60
 * minutes (then 410 token_expired); the link is not left readable in the outbox once sent;
 * requests are throttled per email address.
 * Also the email address change (issue 12): it takes effect only when the link sent to the new
 * address is opened, and the old address is told.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpt.h"
#include "smtp.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static struct fpt_smtp k;
static char data_dir[256];

static void serve(void) {
  const char *extra[] = {"--smtp-url", fpt_smtp_url(&k), "--mail-from", "pool@flexpool.test", "--smtp-timeout", "5",
                         "--public-url", "https://pool.example.test", NULL};
  assert_int_equal(fpt_server_start(&srv, data_dir, extra), 0);
}

static int setup(void **state) {
  (void)state;
  fpt_smtp_start(&k, NULL);
  fpt_tempdir(data_dir, sizeof data_dir);
  serve();
  fpt_world_build(&w, &srv);
  w.verify_passports = false;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_rmrf(data_dir);
  fpt_smtp_stop(&k);
  fpt_gc();
  return 0;
}

/* The token of the newest email to `to` that carries one, waiting up to 20 s for it (gc-owned). */
static const char *link_token(const char *to, size_t nth, const char *subject, const char *prefix) {
  json_t *got = NULL;
  for (int i = 0; i < 200; i++) {
    got = fpt_smtp_received(&k);
    size_t n = 0;
    for (size_t j = 0; j < json_array_size(got); j++)
      if (strcmp(json_string_value(json_array_get(json_object_get(json_array_get(got, j), "to"), 0)), to) == 0) n++;
    if (n >= nth) break;
    usleep(100 * 1000);
  }
  const char *token = NULL;
  size_t seen = 0;
  for (size_t j = 0; j < json_array_size(got); j++) {
    json_t *m = json_array_get(got, j);
    if (strcmp(json_string_value(json_array_get(json_object_get(m, "to"), 0)), to) != 0) continue;
    if (++seen != nth) continue;
    assert_string_equal(fpt_s(m, "subject"), subject);
    const char *at = strstr(fpt_s(m, "body"), prefix);
    assert_non_null(at);
    at = strchr(at, '=') + 1;
    size_t len = strspn(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    assert_true(len >= 40);
    token = fpt_str("%.*s", (int)len, at);
  }
  if (!token) fail_msg("no email %zu to %s", nth, to);
  return token;
}

static const char *token_for(const char *to, size_t nth) {
  return link_token(to, nth, "Reset your flexpool password", "https://pool.example.test/password-reset?token=");
}

/* The messages the listener got for `to` (waiting up to 10 s for at least n). */
static size_t mail_to(const char *to, size_t n) {
  size_t got = 0;
  for (int i = 0; i < 100; i++) {
    json_t *all = fpt_smtp_received(&k);
    got = 0;
    for (size_t j = 0; j < json_array_size(all); j++)
      if (strcmp(json_string_value(json_array_get(json_object_get(json_array_get(all, j), "to"), 0)), to) == 0) got++;
    if (got >= n) break;
    usleep(100 * 1000);
  }
  return got;
}

static void test_reset_works_once(void **state) {
  (void)state;
  const char *gp = fpt_world_clinician(&w, "gp.reset@t.test", "gp", "7300001", false, NULL);
  json_t *known = fpt_call(&srv, NULL, "POST", "/api/v1/password-resets", 202, "{s:s}", "email", "GP.Reset@t.test");
  json_t *unknown = fpt_call(&srv, NULL, "POST", "/api/v1/password-resets", 202, "{s:s}", "email", "nobody@t.test");
  /* The same answer whether or not an account uses the address. */
  assert_true(json_equal(known, unknown));
  const char *token = token_for("gp.reset@t.test", 1);
  sleep(2);
  json_t *all = fpt_smtp_received(&k);
  for (size_t j = 0; j < json_array_size(all); j++)
    assert_string_not_equal(json_string_value(json_array_get(json_object_get(json_array_get(all, j), "to"), 0)), "nobody@t.test");
  /* The link is not left in the outbox once the email went. */
  for (int i = 0; i < 50 && fpt_sql_count(&srv, "SELECT count(*) FROM outbox WHERE link LIKE '%token=%'") != 0; i++)
    usleep(100 * 1000);
  assert_int_equal(fpt_sql_count(&srv, "SELECT count(*) FROM outbox WHERE link LIKE '%token=%'"), 0);

  /* The new password is held to the rule; the link still works after a refused one. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", fpt_str("/api/v1/password-resets/%s", token), "{s:s}", "password", "short"),
                   400, "weak_password", "password");
  fpt_call(&srv, gp, "GET", "/api/v1/me", 200, NULL);
  fpt_call(&srv, NULL, "POST", fpt_str("/api/v1/password-resets/%s", token), 204, "{s:s}", "password",
           "a-new-Reset-passphrase-81");
  /* Every session of the account ended; the new password signs in, the old one does not. */
  fpt_expect_error(fpt_request(&srv, gp, "GET", "/api/v1/me", NULL), 401, "unauthenticated", NULL);
  fpt_login(&srv, "gp.reset@t.test", "a-new-Reset-passphrase-81");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "gp.reset@t.test",
                               "password", FPT_CLINICIAN_PASSWORD),
                   401, "invalid_credentials", NULL);
  /* Once only. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", fpt_str("/api/v1/password-resets/%s", token), "{s:s}", "password",
                               "another-Reset-passphrase-82"),
                   410, "token_expired", NULL);
  /* A link never issued. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/password-resets/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                               "{s:s}", "password", "another-Reset-passphrase-82"),
                   404, "not_found", NULL);
}

static void test_reset_expires_after_an_hour(void **state) {
  (void)state;
  fpt_world_clinician(&w, "gp.late@t.test", "gp", "7300002", false, NULL);
  fpt_call(&srv, NULL, "POST", "/api/v1/password-resets", 202, "{s:s}", "email", "gp.late@t.test");
  const char *token = token_for("gp.late@t.test", 1);
  /* An hour passes. */
  fpt_server_stop(&srv);
  fpt_sql(&srv, "UPDATE account_tokens SET created_at = created_at - 3601, expires_at = expires_at - 3601");
  serve();
  fpt_expect_error(fpt_request(&srv, NULL, "POST", fpt_str("/api/v1/password-resets/%s", token), "{s:s}", "password",
                               "a-late-Reset-passphrase-83"),
                   410, "token_expired", NULL);
  fpt_login(&srv, "gp.late@t.test", FPT_CLINICIAN_PASSWORD);
}

static void test_requests_throttled_per_address(void **state) {
  (void)state;
  /* Five an hour for one email address, whether or not an account uses it. */
  for (int i = 0; i < 5; i++) fpt_call(&srv, NULL, "POST", "/api/v1/password-resets", 202, "{s:s}", "email", "flood@t.test");
  struct fpt_resp r = fpt_request(&srv, NULL, "POST", "/api/v1/password-resets", "{s:s}", "email", "Flood@t.test");
  fpt_expect_error(r, 429, "too_many_attempts", NULL);
  assert_non_null(fpt_header(&r, "Retry-After"));
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/password-resets", "{s:s}", "email", "not an address"), 400,
                   "invalid_field", "email");
}

static void test_email_change_confirmed_from_the_new_address(void **state) {
  (void)state;
  const char *gp = fpt_world_clinician(&w, "gp.old@t.test", "gp", "7300003", false, NULL);
  fpt_world_clinician(&w, "gp.other@t.test", "gp", "7300004", false, NULL);
  /* The current password is needed; another account's address is refused; one's own too. */
  fpt_expect_error(fpt_request(&srv, gp, "POST", "/api/v1/me/email-changes", "{s:s, s:s}", "email", "gp.new@t.test",
                               "current_password", "not-the-password-1"),
                   403, "wrong_password", "current_password");
  fpt_expect_error(fpt_request(&srv, gp, "POST", "/api/v1/me/email-changes", "{s:s, s:s}", "email", "gp.other@t.test",
                               "current_password", FPT_CLINICIAN_PASSWORD),
                   409, "email_taken", "email");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/me/email-changes", "{s:s, s:s}", "email", "gp.new@t.test",
                               "current_password", FPT_CLINICIAN_PASSWORD),
                   401, "unauthenticated", NULL);
  fpt_call(&srv, gp, "POST", "/api/v1/me/email-changes", 202, "{s:s, s:s}", "email", "GP.New@t.test", "current_password",
           FPT_CLINICIAN_PASSWORD);
  const char *token = link_token("gp.new@t.test", 1, "Confirm your new flexpool email address",
                                 "https://pool.example.test/email-change?token=");
  /* Nothing changes until the link is opened. */
  assert_string_equal(fpt_s(fpt_call(&srv, gp, "GET", "/api/v1/me", 200, NULL), "email"), "gp.old@t.test");
  fpt_login(&srv, "gp.old@t.test", FPT_CLINICIAN_PASSWORD);
  fpt_call(&srv, NULL, "POST", fpt_str("/api/v1/email-changes/%s", token), 204, NULL);
  assert_string_equal(fpt_s(fpt_call(&srv, gp, "GET", "/api/v1/me", 200, NULL), "email"), "gp.new@t.test");
  fpt_login(&srv, "gp.new@t.test", FPT_CLINICIAN_PASSWORD);
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "gp.old@t.test", "password",
                               FPT_CLINICIAN_PASSWORD),
                   401, "invalid_credentials", NULL);
  /* The old address is told. */
  assert_int_equal(mail_to("gp.old@t.test", 1), 1);
  json_t *all = fpt_smtp_received(&k);
  bool told = false;
  for (size_t j = 0; j < json_array_size(all); j++) {
    json_t *m = json_array_get(all, j);
    if (strcmp(json_string_value(json_array_get(json_object_get(m, "to"), 0)), "gp.old@t.test") == 0 &&
        strcmp(fpt_s(m, "subject"), "Your flexpool email address has changed") == 0 && strstr(fpt_s(m, "body"), "gp.new@t.test"))
      told = true;
  }
  assert_true(told);
  /* Once only. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", fpt_str("/api/v1/email-changes/%s", token), NULL), 410, "token_expired",
                   NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reset_works_once),
      cmocka_unit_test(test_reset_expires_after_an_hour),
      cmocka_unit_test(test_requests_throttled_per_address),
      cmocka_unit_test(test_email_change_confirmed_from_the_new_address),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
