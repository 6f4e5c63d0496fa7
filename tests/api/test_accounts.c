/*
 * Accounts over HTTP (issue 9, items 11, 15 and 8): the password rule, the password someone else
 * set, registration throttling, the usage text, the TOTP second factor with its recovery codes,
 * and the limit on a clinician's pools enforced where they are admitted. Each test runs against
 * the real binary on a free port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;

static int setup(void **state) {
  (void)state;
  /* The upkeep every second: the expired sessions' test waits for it. */
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static struct fpt_resp register_clinician(const char *name, const char *email, const char *password) {
  return fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "email",
                     email, "password", password, "profession", "gp", "registration_number", "7300001", "home_postcode",
                     "LS1 4AP");
}

/* At least 12 characters; not common (a dictionary word, with or without digits added); not the
   email address or the name. Wherever a password is chosen. */
static void test_password_rule(void **state) {
  (void)state;
  const char *refused[] = {"eleven-char", "password1234", "Summer2024!!", "qwerty123456", "aaaaaaaaaaaaaaaa", NULL};
  for (int i = 0; refused[i]; i++)
    fpt_expect_error(register_clinician("Rita Rule", "rita@a.test", refused[i]), 400, "weak_password", "password");
  fpt_expect_error(register_clinician("Rita Rule", "rita.rule.gp@a.test", "rita.rule.gp@a.test"), 400, "weak_password",
               "password");
  fpt_expect_error(register_clinician("Rita Rule", "rita.rule.gp@a.test", "RITA.RULE.GP"), 400, "weak_password", "password");
  fpt_expect_error(register_clinician("Dr Marguerite Ollerenshaw", "mo@a.test", "Dr Marguerite Ollerenshaw"), 400,
               "weak_password", "password");
  struct fpt_resp r = register_clinician("Rita Rule", "rita@a.test", "kestrel-meadow-41");
  assert_int_equal(r.status, 201);
  const char *rita = fpt_login(&srv, "rita@a.test", "kestrel-meadow-41");
  fpt_expect_error(fpt_request(&srv, rita, "PUT", "/api/v1/me/password", "{s:s, s:s}", "current_password",
                           "kestrel-meadow-41", "new_password", "football1234"),
               400, "weak_password", "new_password");
  fpt_expect_error(fpt_request(&srv, rita, "PUT", "/api/v1/me/password", "{s:s, s:s}", "current_password",
                           "kestrel-meadow-41", "new_password", "kestrel-meadow-41"),
               400, "weak_password", "new_password");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:I, s:s}", "email", "weak@a.test",
                           "name", "Weak", "role", "commissioner", "organisation_id", (json_int_t)w.icb, "password",
                           "letmein12345"),
               400, "weak_password", "password");
}

/* An account an administrator added must choose its own password before anything else; one who
   registered themselves need not. */
static void test_password_set_by_someone_else(void **state) {
  (void)state;
  json_t *j = fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I}", "email", "given@a.test",
                       "name", "Given Manager", "role", "practice_manager", "organisation_id", (json_int_t)w.practice1);
  const char *otp = fpt_s(j, "one_time_password");
  j = fpt_call(&srv, NULL, "POST", "/api/v1/sessions", 201, "{s:s, s:s}", "email", "given@a.test", "password", otp);
  const char *tok = fpt_s(j, "token");
  assert_true(json_is_true(json_object_get(json_object_get(j, "user"), "password_change_required")));
  const char *paths[] = {"/api/v1/shifts", "/api/v1/bookings", fpt_str("/api/v1/organisations/%lld", w.practice1),
                         "/api/v1/me/join-requests", NULL};
  for (int i = 0; paths[i]; i++)
    fpt_expect_error(fpt_request(&srv, tok, "GET", paths[i], NULL), 403, "password_change_required", NULL);
  fpt_expect_error(fpt_request(&srv, tok, "POST", "/api/v1/shifts", "{s:I}", "practice_id", (json_int_t)w.practice1), 403,
               "password_change_required", NULL);
  /* Signing out, who am I, and the password change itself are open. */
  j = fpt_call(&srv, tok, "GET", "/api/v1/me", 200, NULL);
  assert_true(json_is_true(json_object_get(j, "password_change_required")));
  fpt_call(&srv, tok, "PUT", "/api/v1/me/password", 204, "{s:s, s:s}", "current_password", otp, "new_password",
           "given-manager-own-7");
  fpt_call(&srv, tok, "GET", "/api/v1/shifts", 200, NULL);
  j = fpt_call(&srv, tok, "GET", "/api/v1/me", 200, NULL);
  assert_true(json_is_false(json_object_get(j, "password_change_required")));
  fpt_call(&srv, tok, "DELETE", "/api/v1/sessions/current", 204, NULL);
  /* A self-registered clinician chose their own. */
  const char *cl = fpt_world_clinician(&w, "self@a.test", "gp", "7300002", false, NULL);
  j = fpt_call(&srv, cl, "GET", "/api/v1/me", 200, NULL);
  assert_true(json_is_false(json_object_get(j, "password_change_required")));
  fpt_call(&srv, cl, "GET", "/api/v1/shifts", 200, NULL);
}

/* Registration is throttled per address like sign-in (--register-max-per-address, default 20). */
static void test_registration_throttle(void **state) {
  (void)state;
  struct fpt_server s2;
  const char *extra[] = {"--register-max-per-address", "20", NULL};
  assert_int_equal(fpt_server_start(&s2, NULL, extra), 0);
  for (int i = 0; i < 20; i++) {
    struct fpt_resp r = fpt_request(&s2, NULL, "POST", "/api/v1/clinicians", "{s:s}", "name", "Spam");
    assert_int_equal(r.status, 400);
  }
  struct fpt_resp r = fpt_request(&s2, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s}", "name",
                                  "Late Comer", "email", "late@a.test", "password", "kestrel-meadow-41", "profession",
                                  "gp", "registration_number", "7300003", "home_postcode", "LS1 4AP");
  fpt_expect_error(r, 429, "too_many_attempts", NULL);
  const char *retry = fpt_header(&r, "Retry-After");
  assert_non_null(retry);
  assert_true(atoi(retry) >= 1 && atoi(retry) <= 900);
  fpt_server_stop(&s2);
}

/* `flexpool --help` lists every option `flexpool serve` takes (read from src/app/cli.c). */
static void test_usage_lists_every_option(void **state) {
  (void)state;
  char usage[8192];
  const char *args[] = {"--help", NULL};
  assert_int_equal(fpt_cli(usage, sizeof usage, args), 0);
  const char *src = getenv("FP_SOURCE_DIR");
  assert_non_null(src);
  FILE *f = fopen(fpt_str("%s/src/app/cli.c", src), "r");
  assert_non_null(f);
  char line[1024];
  bool in_serve = false;
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    if (strstr(line, "int fp_cli_serve(")) in_serve = true;
    else if (in_serve && line[0] == '}') break;
    if (!in_serve) continue;
    for (char *p = strstr(line, "strcmp(a, \"--"); p; p = strstr(p + 1, "strcmp(a, \"--")) {
      char opt[64];
      if (sscanf(p, "strcmp(a, \"%63[^\"]\"", opt) != 1) continue;
      if (!strstr(usage, fpt_str("[%s", opt)) && !strstr(usage, fpt_str(" %s ", opt)))
        fail_msg("the usage text does not list '%s':\n%s", opt, usage);
      n++;
    }
  }
  fclose(f);
  assert_true(n >= 15);
}

/* TOTP: set up with a code computed from the secret shown, sign-in in two steps, each code and
   recovery code taken once, wrong codes throttled, removal with a code. */
static void test_totp(void **state) {
  (void)state;
  const char *email = "pool@t.test";
  json_t *me = fpt_call(&srv, w.pool_admin, "GET", "/api/v1/me", 200, NULL);
  assert_true(json_is_true(json_object_get(me, "mfa_offered")));
  assert_true(json_is_false(json_object_get(me, "mfa_enabled")));
  assert_true(json_is_false(json_object_get(me, "mfa_enrolment_required")));
  json_t *j = fpt_call(&srv, w.pool_admin, "POST", "/api/v1/me/totp", 201, NULL);
  const char *secret = fpt_s(j, "secret");
  assert_int_equal(strlen(secret), 32);
  const char *uri = fpt_s(j, "otpauth_uri");
  assert_memory_equal(uri, "otpauth://totp/flexpool:pool%40t.test?secret=", 45);
  assert_non_null(strstr(uri, secret));
  long long now = (long long)time(NULL);
  /* A wrong code does not confirm it; the right one does, and gives ten recovery codes. */
  const char *wrong = strcmp(fpt_totp_code(secret, now), "000000") == 0 ? "000001" : "000000";
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", "/api/v1/me/totp/confirmation", "{s:s}", "code", wrong), 403,
               "wrong_code", "code");
  j = fpt_call(&srv, w.pool_admin, "POST", "/api/v1/me/totp/confirmation", 200, "{s:s}", "code",
               fpt_totp_code(secret, now));
  fpt_totp_remember(email, secret, now / 30);
  json_t *codes = json_object_get(j, "recovery_codes");
  assert_int_equal(json_array_size(codes), 10);
  const char *recovery = json_string_value(json_array_get(codes, 0));
  assert_int_equal(strlen(recovery), 14);
  me = fpt_call(&srv, w.pool_admin, "GET", "/api/v1/me", 200, NULL);
  assert_true(json_is_true(json_object_get(me, "mfa_enabled")));
  assert_int_equal(fpt_int(me, "recovery_codes_left"), 10);

  /* The password alone gives no session. */
  struct fpt_resp r = fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", email, "password",
                                  "test-password-1");
  assert_int_equal(r.status, 202);
  assert_true(json_is_true(json_object_get(r.json, "mfa_required")));
  assert_null(json_object_get(r.json, "token"));
  assert_null(fpt_header(&r, "Set-Cookie"));
  const char *mfa = fpt_s(r.json, "mfa_token");
  fpt_expect_error(fpt_request(&srv, mfa, "GET", "/api/v1/me", NULL), 401, "unauthenticated", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions/second-factor", "{s:s, s:s}", "mfa_token", mfa, "code",
                           wrong),
               401, "invalid_credentials", "code");
  const char *code = fpt_totp_next_code(email);
  j = fpt_call(&srv, NULL, "POST", "/api/v1/sessions/second-factor", 201, "{s:s, s:s}", "mfa_token", mfa, "code", code);
  const char *tok = fpt_s(j, "token");
  fpt_call(&srv, tok, "GET", "/api/v1/pools", 200, NULL);
  /* The challenge is spent, and so is the code. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions/second-factor", "{s:s, s:s}", "mfa_token", mfa, "code",
                           code),
               401, "invalid_credentials", "mfa_token");
  r = fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", email, "password", "test-password-1");
  assert_int_equal(r.status, 202);
  mfa = fpt_s(r.json, "mfa_token");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions/second-factor", "{s:s, s:s}", "mfa_token", mfa, "code",
                           code),
               401, "invalid_credentials", "code");
  /* A recovery code works once. */
  fpt_call(&srv, NULL, "POST", "/api/v1/sessions/second-factor", 201, "{s:s, s:s}", "mfa_token", mfa, "recovery_code",
           recovery);
  r = fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", email, "password", "test-password-1");
  mfa = fpt_s(r.json, "mfa_token");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions/second-factor", "{s:s, s:s}", "mfa_token", mfa,
                           "recovery_code", recovery),
               401, "invalid_credentials", "code");
  me = fpt_call(&srv, tok, "GET", "/api/v1/me", 200, NULL);
  assert_int_equal(fpt_int(me, "recovery_codes_left"), 9);

  /* Removal takes a code; then the password alone signs in again. */
  fpt_expect_error(fpt_request(&srv, tok, "POST", "/api/v1/me/totp/removal", "{s:s}", "code", wrong), 403, "wrong_code",
               "code");
  fpt_call(&srv, tok, "POST", "/api/v1/me/totp/removal", 204, "{s:s}", "code", fpt_totp_next_code(email));
  fpt_totp_forget(email);
  fpt_call(&srv, NULL, "POST", "/api/v1/sessions", 201, "{s:s, s:s}", "email", email, "password", "test-password-1");

  /* Offered to commissioners too; not to practice managers or clinicians. */
  me = fpt_call(&srv, w.commissioner, "GET", "/api/v1/me", 200, NULL);
  assert_true(json_is_true(json_object_get(me, "mfa_offered")));
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", "/api/v1/me/totp", NULL), 403, "forbidden", NULL);
  const char *cl = fpt_world_clinician(&w, "totp.gp@a.test", "gp", "7300004", false, NULL);
  fpt_expect_error(fpt_request(&srv, cl, "POST", "/api/v1/me/totp", NULL), 403, "forbidden", NULL);
}

/* Guessing codes counts against the account's sign-in throttle. */
static void test_totp_throttled(void **state) {
  (void)state;
  struct fpt_server s2;
  const char *extra[] = {"--login-max-per-account", "3", "--login-window", "120", NULL};
  assert_int_equal(fpt_server_start(&s2, NULL, extra), 0);
  fpt_bootstrap_admin(&s2);
  struct fpt_resp r = fpt_request(&s2, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "root@flexpool.test",
                                  "password", "admin-password-123");
  assert_int_equal(r.status, 202);
  const char *mfa = fpt_s(r.json, "mfa_token");
  for (int i = 0; i < 3; i++)
    fpt_expect_error(fpt_request(&s2, NULL, "POST", "/api/v1/sessions/second-factor", "{s:s, s:s}", "mfa_token", mfa,
                             "code", i % 2 ? "123456" : "654321"),
                 401, "invalid_credentials", "code");
  /* Now even the right code is refused until the window passes. */
  r = fpt_request(&s2, NULL, "POST", "/api/v1/sessions/second-factor", "{s:s, s:s}", "mfa_token", mfa, "code",
                  fpt_totp_next_code("root@flexpool.test"));
  fpt_expect_error(r, 429, "too_many_attempts", NULL);
  assert_non_null(fpt_header(&r, "Retry-After"));
  fpt_server_stop(&s2);
}

/* A system administrator must have a second factor: until then they may only set it up. */
static void test_totp_required_for_sysadmins(void **state) {
  (void)state;
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:s}", "email", "second.root@a.test", "name",
           "Second Root", "role", "sysadmin", "password", "given-by-admin-7");
  const char *tok = fpt_take_over(&srv, "second.root@a.test", "given-by-admin-7", "second-root-own-pw");
  json_t *me = fpt_call(&srv, tok, "GET", "/api/v1/me", 200, NULL);
  assert_true(json_is_true(json_object_get(me, "mfa_enrolment_required")));
  const char *paths[] = {"/api/v1/users", "/api/v1/organisations", "/api/v1/audit", NULL};
  for (int i = 0; paths[i]; i++)
    fpt_expect_error(fpt_request(&srv, tok, "GET", paths[i], NULL), 403, "mfa_enrolment_required", NULL);
  fpt_enrol_totp(&srv, tok, "second.root@a.test");
  for (int i = 0; paths[i]; i++) fpt_call(&srv, tok, "GET", paths[i], 200, NULL);
  me = fpt_call(&srv, tok, "GET", "/api/v1/me", 200, NULL);
  assert_true(json_is_false(json_object_get(me, "mfa_enrolment_required")));
  /* And from now on signs in with a code. */
  struct fpt_resp r = fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "second.root@a.test",
                                  "password", "second-root-own-pw");
  assert_int_equal(r.status, 202);
  /* Phone and recovery codes lost: whoever runs the server removes the second factor, and the
     administrator must set one up again before anything else. */
  char out[512];
  const char *args[] = {"user", "reset-second-factor", "--data-dir", srv.data_dir, "--email", "second.root@a.test", NULL};
  assert_int_equal(fpt_cli(out, sizeof out, args), 0);
  fpt_totp_forget("second.root@a.test");
  json_t *j = fpt_call(&srv, NULL, "POST", "/api/v1/sessions", 201, "{s:s, s:s}", "email", "second.root@a.test",
                       "password", "second-root-own-pw");
  assert_true(json_is_true(json_object_get(json_object_get(j, "user"), "mfa_enrolment_required")));
  fpt_expect_error(fpt_request(&srv, fpt_s(j, "token"), "GET", "/api/v1/users", NULL), 403, "mfa_enrolment_required", NULL);
}

/* The demo's documented accounts stay one password away: no password change, no second factor. */
static void test_demo_accounts_exempt(void **state) {
  (void)state;
  struct fpt_server s2;
  const char *extra[] = {"--demo", NULL};
  assert_int_equal(fpt_server_start(&s2, NULL, extra), 0);
  /* The demo server says it runs the demo, so the sign-in page asks for its accounts. */
  assert_true(json_is_true(json_object_get(fpt_call(&s2, NULL, "GET", "/healthz", 200, NULL), "demo")));
  json_t *j = fpt_call(&s2, NULL, "POST", "/api/v1/sessions", 201, "{s:s, s:s}", "email", "admin@demo.flexpool.test",
                       "password", "flexpool-demo");
  const char *admin = fpt_s(j, "token");
  json_t *u = json_object_get(j, "user");
  assert_true(json_is_false(json_object_get(u, "password_change_required")));
  assert_true(json_is_false(json_object_get(u, "mfa_enrolment_required")));
  assert_true(json_is_false(json_object_get(u, "mfa_offered")));
  fpt_call(&s2, admin, "GET", "/api/v1/users", 200, NULL);
  fpt_expect_error(fpt_request(&s2, admin, "POST", "/api/v1/me/totp", NULL), 403, "forbidden", NULL);
  const char *pool = fpt_login(&s2, "pool@demo.flexpool.test", "flexpool-demo");
  fpt_expect_error(fpt_request(&s2, pool, "POST", "/api/v1/me/totp", NULL), 403, "forbidden", NULL);
  fpt_server_stop(&s2);
}

/* A clinician may be a member of at most 16 pools: the 17th is refused where it is granted (or
   asked for), with the limit named, and the 16th pool's shifts are seen (none is left out of what
   the clinician sees). */
static void test_pool_limit(void **state) {
  (void)state;
  long long id = 0;
  const char *cl = fpt_world_clinician(&w, "many.pools@a.test", "gp", "7300005", false, &id);
  long long pools[18];
  for (int i = 0; i < 18; i++) {
    json_t *p = fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name", fpt_str("Limit Pool %d", i),
                         "host_organisation_id", (json_int_t)w.icb);
    pools[i] = fpt_int(p, "id");
  }
  for (int i = 0; i < 15; i++)
    fpt_call(&srv, w.admin, "POST", fpt_str("/api/v1/pools/%lld/members", pools[i]), 201, "{s:I}", "clinician_id",
             (json_int_t)id);
  /* Asked while there was room; answered once there was none. */
  json_t *jr = fpt_call(&srv, cl, "POST", fpt_str("/api/v1/pools/%lld/join-requests", pools[16]), 201, NULL);
  fpt_call(&srv, w.admin, "POST", fpt_str("/api/v1/pools/%lld/members", pools[15]), 201, "{s:I}", "clinician_id",
           (json_int_t)id);
  struct fpt_resp r = fpt_request(&srv, w.admin, "POST", fpt_str("/api/v1/pools/%lld/members", pools[16]), "{s:I}",
                                  "clinician_id", (json_int_t)id);
  fpt_expect_error(r, 409, "limit_reached", "clinician_id");
  assert_non_null(strstr(fpt_s(json_object_get(r.json, "error"), "message"), "16 pools"));
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", fpt_str("/api/v1/join-requests/%lld/accept", fpt_int(jr, "id")), NULL),
               409, "limit_reached", "clinician_id");
  /* A new request is refused at once. */
  fpt_expect_error(fpt_request(&srv, cl, "POST", fpt_str("/api/v1/pools/%lld/join-requests", pools[17]), NULL), 409,
               "limit_reached", NULL);
  /* The last pool admitted counts in full: its practice's shift is in the clinician's list. */
  fpt_call(&srv, w.admin, "POST", fpt_str("/api/v1/pools/%lld/members", pools[15]), 201, "{s:I}", "organisation_id",
           (json_int_t)w.practice2);
  long long shift = fpt_world_shift(&w, w.pm2, w.practice2, "gp", 3, 9, 4, "instant");
  json_t *list = fpt_call(&srv, cl, "GET", "/api/v1/shifts?limit=200", 200, NULL);
  bool seen = false;
  json_t *it;
  size_t i;
  json_array_foreach(json_object_get(list, "items"), i, it) if (fpt_int(it, "id") == shift) seen = true;
  assert_true(seen);
}

/* A session not used for --session-idle seconds (30 minutes by default) signs no one in; the
   upkeep deletes its row rather than keeping it for ever, and leaves the live ones alone. */
static void test_expired_sessions_are_deleted(void **state) {
  (void)state;
  const char *old = fpt_login(&srv, "pm1@t.test", "test-password-1");
  const char *live = fpt_login(&srv, "pm1@t.test", "test-password-1");
  fpt_call(&srv, old, "GET", "/api/v1/me", 200, NULL);
  long long before = fpt_sql_count(&srv, "SELECT COUNT(*) FROM sessions");
  /* The older of the two was last seen 30 minutes and a second ago. */
  fpt_sql(&srv, "UPDATE sessions SET last_seen_at = last_seen_at - 1801"
                " WHERE id = (SELECT id FROM sessions ORDER BY id DESC LIMIT 1 OFFSET 1)");
  long long now_count = before;
  for (int i = 0; i < 100 && now_count == before; i++) {
    usleep(100 * 1000);
    now_count = fpt_sql_count(&srv, "SELECT COUNT(*) FROM sessions");
  }
  assert_int_equal(now_count, before - 1);
  fpt_expect_error(fpt_request(&srv, old, "GET", "/api/v1/me", NULL), 401, "unauthenticated", NULL);
  fpt_call(&srv, live, "GET", "/api/v1/me", 200, NULL);
  fpt_call(&srv, w.pm1, "GET", "/api/v1/me", 200, NULL);
  fpt_call(&srv, live, "DELETE", "/api/v1/sessions/current", 204, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_password_rule),
      cmocka_unit_test(test_expired_sessions_are_deleted),
      cmocka_unit_test(test_password_set_by_someone_else),
      cmocka_unit_test(test_registration_throttle),
      cmocka_unit_test(test_usage_lists_every_option),
      cmocka_unit_test(test_totp),
      cmocka_unit_test(test_totp_throttled),
      cmocka_unit_test(test_totp_required_for_sysadmins),
      cmocka_unit_test(test_demo_accounts_exempt),
      cmocka_unit_test(test_pool_limit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
