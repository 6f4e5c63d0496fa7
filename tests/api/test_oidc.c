/*
 * Sign-in through an OpenID Connect provider (issue 15, docs/OIDC.md) over HTTP, on either engine,
 * against a real provider on loopback (tests/oidc/provider.mjs: npm's oidc-provider, set up as NHS
 * CIS2 is): the code flow with PKCE as a browser makes it, the identity linked by a verified email
 * at the first sign-in and by (issuer, subject) after it, client_secret_basic and private_key_jwt,
 * the account's own second factor asked for unless the provider's acr counts as one, and each
 * refusal: an unverified email, a tampered token, another audience, another nonce, an unknown key,
 * alg none, an HMAC, UserInfo naming another subject, an expired token (a 1-second ID token with
 * --oidc-leeway 0), a replayed state and another browser's state. A refusal sets no session.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpt.h"
#include "oidc.h"
#include "world.h"

static struct fpt_oidc op;
static struct fpt_server srv;
static struct fpt_server other; /* a server of other settings, for one test (stopped by the teardown if it fails) */
static struct fpt_world w;

#define PM1_ACCOUNT                                                                                                    \
  "{\"accounts\": {\"cis2-pm1\": {\"email\": \"pm1@t.test\", \"email_verified\": true, \"name\": \"Pat Manager\","    \
  " \"uid\": \"555000111\", \"nhsid_nrbac_roles\": [{\"person_roleid\": \"1\", \"org_code\": \"A81001\"}]}}}"

static int setup(void **state) {
  (void)state;
  fpt_oidc_start(&op);
  const char *extra[] = {"--oidc-issuer", op.issuer, "--oidc-client-id", "flexpool", "--oidc-client-secret-file", op.secret_file,
                         "--oidc-mfa-acr", "AAL3_ANY AAL3_SMARTCARD", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  fpt_oidc_control(&op, PM1_ACCOUNT);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_oidc_stop(&op);
  fpt_gc();
  return 0;
}

static int each_teardown(void **state) {
  (void)state;
  if (other.pid > 0) fpt_server_stop(&other);
  /* Back to a plain sign-in by pm1 after each test. */
  fpt_oidc_control(&op, "{\"alter\": null, \"login\": \"cis2-pm1\", \"acr\": \"AAL1_USERPASS\", \"id_token_ttl\": 3600,"
                        " \"token_delay_ms\": null}");
  fpt_oidc_control(&op, PM1_ACCOUNT);
  return 0;
}

static struct fpt_signin sign_in(const struct fpt_server *s) {
  struct fpt_browser *b = fpt_browser_new();
  struct fpt_signin r = fpt_oidc_sign_in(b, s, false);
  fpt_browser_free(b);
  return r;
}

static void expect_refused(const struct fpt_signin *r, const char *code) {
  assert_int_equal(r->status, 303);
  assert_string_equal(r->location, fpt_str("/?oidc_error=%s", code));
  assert_string_equal(r->session, "");
}

static void test_sign_in_links_by_verified_email_then_by_subject(void **state) {
  (void)state;
  fpt_oidc_control(&op, "{\"login\": \"cis2-pm1\"}");
  struct fpt_signin r = sign_in(&srv);
  assert_int_equal(r.status, 303);
  assert_string_equal(r.location, "/");
  assert_true(strlen(r.session) > 20);
  /* The session is pm1's, with pm1's own role: nothing came from the provider's roles. */
  json_t *me = fpt_call(&srv, r.session, "GET", "/api/v1/me", 200, NULL);
  assert_string_equal(fpt_s(me, "email"), "pm1@t.test");
  json_t *roles = json_object_get(me, "roles");
  assert_int_equal(json_array_size(roles), 1);
  assert_string_equal(fpt_s(json_array_get(roles, 0), "role"), "practice_manager");
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM oidc_identities WHERE subject = 'cis2-pm1'"), 1);
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE action = 'oidc.link' AND entity_id = %lld",
                                               w.pm1_user)),
                   1);
  /* The provider's email changes: the linked subject still signs in to the same account. */
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-pm1\": {\"email\": \"p.manager@nhs.example\", \"email_verified\": true}}}");
  r = sign_in(&srv);
  assert_string_equal(r.location, "/");
  assert_string_equal(fpt_s(fpt_call(&srv, r.session, "GET", "/api/v1/me", 200, NULL), "email"), "pm1@t.test");
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit WHERE action = 'oidc.link'"), 1);
  /* The sign-in is in the audit, said to be through the provider. */
  assert_true(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit JOIN audit_personal p ON p.audit_id = audit.id WHERE action = 'session.create' AND actor_user_id = %lld"
                                          " AND after LIKE '%%oidc%%'",
                                          w.pm1_user)) >= 2);
}

static void test_unverified_or_unknown_email_refused(void **state) {
  (void)state;
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-pool\": {\"email\": \"pool@t.test\", \"email_verified\": false}},"
                        " \"login\": \"cis2-pool\"}");
  struct fpt_signin r = sign_in(&srv);
  expect_refused(&r, "no_account");
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-nobody\": {\"email\": \"nobody@t.test\", \"email_verified\": true}},"
                        " \"login\": \"cis2-nobody\"}");
  r = sign_in(&srv);
  expect_refused(&r, "no_account");
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM oidc_identities WHERE subject IN ('cis2-pool', 'cis2-nobody')"), 0);
}

static void test_altered_tokens_refused(void **state) {
  (void)state;
  static const struct {
    const char *alter, *code;
  } cases[] = {
      {"tamper", "token_signature"},   {"audience", "token_audience"}, {"nonce", "token_nonce"},
      {"unknown_key", "token_signature"}, {"none", "token_signature"},  {"hs256", "token_signature"},
      {"userinfo_sub", "userinfo_subject"},
  };
  long long sessions = fpt_sql_count(&srv, "SELECT COUNT(*) FROM sessions");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    fpt_oidc_control(&op, fpt_str("{\"alter\": \"%s\", \"login\": \"cis2-pm1\"}", cases[i].alter));
    struct fpt_signin r = sign_in(&srv);
    if (strcmp(r.location, fpt_str("/?oidc_error=%s", cases[i].code)) != 0)
      fail_msg("alter %s: sent to %s, not refused with %s", cases[i].alter, r.location, cases[i].code);
    expect_refused(&r, cases[i].code);
  }
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM sessions"), sessions);
  /* The same sign-in unaltered is accepted: the refusals were the alterations'. */
  fpt_oidc_control(&op, "{\"alter\": null}");
  struct fpt_signin r = sign_in(&srv);
  assert_string_equal(r.location, "/");
}

static void test_state_used_once_by_its_own_browser(void **state) {
  (void)state;
  fpt_oidc_control(&op, "{\"login\": \"cis2-pm1\"}");
  struct fpt_browser *b = fpt_browser_new();
  struct fpt_signin at = fpt_oidc_sign_in(b, &srv, true);
  assert_non_null(strstr(at.location, "/api/v1/oidc/callback?code="));
  char callback[2048];
  snprintf(callback, sizeof callback, "%s", at.location);
  /* Another browser (without this one's binding cookie) cannot take it... */
  struct fpt_browser *stranger = fpt_browser_new();
  struct fpt_signin r;
  memset(&r, 0, sizeof r);
  fpt_browser_get(stranger, callback, &r);
  expect_refused(&r, "sign_in_expired");
  fpt_browser_free(stranger);
  /* ...and having tried spent it: a state is taken once, whoever brings it. */
  fpt_browser_get(b, callback, &r);
  expect_refused(&r, "sign_in_expired");
  /* A fresh sign-in in the same browser: its callback works once, and replayed it is refused. */
  at = fpt_oidc_sign_in(b, &srv, true);
  snprintf(callback, sizeof callback, "%s", at.location);
  fpt_browser_get(b, callback, &r);
  assert_string_equal(r.location, "/");
  assert_true(strlen(r.session) > 20);
  fpt_browser_get(b, callback, &r);
  expect_refused(&r, "sign_in_expired");
  fpt_browser_free(b);
  /* A callback with a made-up state, or none. */
  memset(&r, 0, sizeof r);
  struct fpt_browser *c = fpt_browser_new();
  fpt_browser_get(c, fpt_str("%s/api/v1/oidc/callback?code=x&state=made-up", srv.base), &r);
  expect_refused(&r, "sign_in_expired");
  fpt_browser_get(c, fpt_str("%s/api/v1/oidc/callback?code=x", srv.base), &r);
  expect_refused(&r, "sign_in_expired");
  fpt_browser_free(c);
}

static void test_second_factor_unless_provider_acr_counts(void **state) {
  (void)state;
  /* The system administrator has a TOTP second factor (fpt_bootstrap_admin). */
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-root\": {\"email\": \"root@flexpool.test\", \"email_verified\": true}},"
                        " \"login\": \"cis2-root\", \"acr\": \"AAL1_USERPASS\"}");
  struct fpt_signin r = sign_in(&srv);
  assert_int_equal(r.status, 303);
  assert_string_equal(r.session, "");
  assert_true(strncmp(r.location, "/sign-in/code#mfa_token=", 24) == 0);
  /* The code step finishes it, as after a password. */
  json_t *s = fpt_call(&srv, NULL, "POST", "/api/v1/sessions/second-factor", 201, "{s:s, s:s}", "mfa_token", r.location + 24,
                       "code", fpt_totp_next_code("root@flexpool.test"));
  assert_string_equal(fpt_s(json_object_get(s, "user"), "email"), "root@flexpool.test");
  /* The session the code started says it began with the provider. */
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM sessions WHERE via = 1 AND user_id = (SELECT id FROM users"
                                               " WHERE email = 'root@flexpool.test')")),
                   1);
  assert_true(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit JOIN audit_personal p ON p.audit_id = audit.id WHERE action = 'session.create'"
                                  " AND after LIKE '%oidc%totp%'") >= 1);
  /* A sign-in whose acr is one of --oidc-mfa-acr counts as the second factor. */
  fpt_oidc_control(&op, "{\"acr\": \"AAL3_ANY\"}");
  r = sign_in(&srv);
  assert_string_equal(r.location, "/");
  assert_true(strlen(r.session) > 20);
  assert_true(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit JOIN audit_personal p ON p.audit_id = audit.id WHERE action = 'session.create'"
                                  " AND after LIKE '%second_factor%provider%'") >= 1);
}

static void test_inactive_account_refused(void **state) {
  (void)state;
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-pm2\": {\"email\": \"pm2@t.test\", \"email_verified\": true}},"
                        " \"login\": \"cis2-pm2\"}");
  struct fpt_signin r = sign_in(&srv);
  assert_string_equal(r.location, "/");
  long long pm2 = fpt_sql_count(&srv, "SELECT id FROM users WHERE email = 'pm2@t.test'");
  fpt_call(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", pm2), 200, "{s:b}", "active", 0);
  r = sign_in(&srv);
  expect_refused(&r, "account_inactive");
}

/* The expired token and private_key_jwt need servers of their own settings. */
static void test_expired_token_with_no_leeway(void **state) {
  (void)state;
  const char *extra[] = {"--oidc-issuer", op.issuer, "--oidc-client-id", "flexpool", "--oidc-client-secret-file", op.secret_file,
                         "--oidc-leeway", "0", NULL};
  assert_int_equal(fpt_server_start(&other, NULL, extra), 0);
  fpt_oidc_control(&op, "{\"login\": \"cis2-pm1\", \"id_token_ttl\": 1, \"token_delay_ms\": 2100}");
  struct fpt_signin r = sign_in(&other);
  expect_refused(&r, "token_expired");
  fpt_server_stop(&other);
}

static void test_private_key_jwt(void **state) {
  (void)state;
  const char *extra[] = {"--oidc-issuer", op.issuer, "--oidc-client-id", "flexpool-jwt", "--oidc-client-key-file", op.key_file,
                         NULL};
  assert_int_equal(fpt_server_start(&other, NULL, extra), 0);
  fpt_bootstrap_admin(&other);
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-root\": {\"email\": \"root@flexpool.test\", \"email_verified\": true}},"
                        " \"login\": \"cis2-root\"}");
  /* The token endpoint took the signed assertion: the identity was found and the code step asked for. */
  struct fpt_signin r = sign_in(&other);
  assert_true(strncmp(r.location, "/sign-in/code#mfa_token=", 24) == 0);
  fpt_server_stop(&other);
}

static void test_administrator_links_and_unlinks(void **state) {
  (void)state;
  long long pool_user = fpt_sql_count(&srv, "SELECT id FROM users WHERE email = 'pool@t.test'");
  const char *path = fpt_str("/api/v1/users/%lld/identities", pool_user);
  /* Only the system administrator; a subject as the provider gives it. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", path, "{s:s}", "subject", "cis2-admin-linked"), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", path, "{s:s}", "subject", "has space"), 400, "invalid_field", "subject");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users/999999/identities", "{s:s}", "subject", "x"), 404,
                   "not_found", NULL);
  json_t *j = fpt_call(&srv, w.admin, "POST", path, 201, "{s:s}", "subject", "cis2-admin-linked");
  json_t *one = json_array_get(json_object_get(j, "items"), 0);
  assert_string_equal(fpt_s(one, "issuer"), op.issuer);
  assert_string_equal(fpt_s(one, "subject"), "cis2-admin-linked");
  /* Linked to one account only. */
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", fpt_str("/api/v1/users/%lld/identities", w.pm1_user), "{s:s}", "subject",
                               "cis2-admin-linked"),
                   409, "conflict", "subject");
  /* The provider's email for this person matches no account, yet the link signs them in. */
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-admin-linked\": {\"email\": \"someone@nhs.example\", \"email_verified\": false}},"
                        " \"login\": \"cis2-admin-linked\"}");
  struct fpt_signin r = sign_in(&srv);
  assert_string_equal(r.location, "/");
  assert_string_equal(fpt_s(fpt_call(&srv, r.session, "GET", "/api/v1/me", 200, NULL), "email"), "pool@t.test");
  j = fpt_call(&srv, w.admin, "GET", path, 200, NULL);
  assert_true(json_is_string(json_object_get(json_array_get(json_object_get(j, "items"), 0), "last_used_at")));
  /* Unlinked: refused from then on. */
  fpt_call(&srv, w.admin, "POST", fpt_str("%s/removal", path), 204, "{s:s}", "subject", "cis2-admin-linked");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", fpt_str("%s/removal", path), "{s:s}", "subject", "cis2-admin-linked"), 404,
                   "not_found", "subject");
  r = sign_in(&srv);
  expect_refused(&r, "no_account");
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM audit WHERE action = 'oidc.unlink' AND entity_id = %lld",
                                               pool_user)),
                   1);
}

static void test_no_password_change_after_provider(void **state) {
  (void)state;
  /* An account an administrator added owes a new password after a password sign-in... */
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", "new.pm@t.test", "name",
           "New Manager", "role", "practice_manager", "organisation_id", (json_int_t)w.practice1, "password", "given-by-admin-7");
  const char *by_password = fpt_s(fpt_call(&srv, NULL, "POST", "/api/v1/sessions", 201, "{s:s, s:s}", "email", "new.pm@t.test",
                                           "password", "given-by-admin-7"),
                                  "token");
  fpt_expect_error(fpt_request(&srv, by_password, "GET", fpt_str("/api/v1/organisations/%lld", w.practice1), NULL), 403,
                   "password_change_required", NULL);
  /* ...but not when it signs in through the provider: that password is not in use. */
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-new\": {\"email\": \"new.pm@t.test\", \"email_verified\": true}},"
                        " \"login\": \"cis2-new\"}");
  struct fpt_signin r = sign_in(&srv);
  assert_string_equal(r.location, "/");
  json_t *me = fpt_call(&srv, r.session, "GET", "/api/v1/me", 200, NULL);
  assert_false(json_is_true(json_object_get(me, "password_change_required")));
  fpt_call(&srv, r.session, "GET", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, NULL);
}

/* Last but one: restarts the group's server with --oidc-required-for and --oidc-match-org-code on the
   same store. */
static void test_required_for_roles_and_org_codes(void **state) {
  (void)state;
  char dir[256];
  snprintf(dir, sizeof dir, "%s", srv.data_dir);
  srv.own_data_dir = false;
  fpt_server_stop(&srv);
  const char *extra[] = {"--oidc-issuer", op.issuer, "--oidc-client-id", "flexpool", "--oidc-client-secret-file", op.secret_file,
                         "--oidc-required-for", "practice_manager,commissioner", "--oidc-match-org-code", NULL};
  assert_int_equal(fpt_server_start(&srv, dir, extra), 0);
  srv.own_data_dir = true;
  /* The right password of a practice manager opens nothing, and says how to sign in instead. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "pm1@t.test", "password",
                               "test-password-1"),
                   403, "oidc_required", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "icb@t.test", "password",
                               "test-password-1"),
                   403, "oidc_required", NULL);
  /* A wrong one is a wrong one, as for anyone. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "pm1@t.test", "password",
                               "not-the-password-1"),
                   401, "invalid_credentials", NULL);
  /* Other roles still sign in with their password. */
  fpt_call(&srv, NULL, "POST", "/api/v1/sessions", 201, "{s:s, s:s}", "email", "pool@t.test", "password", "test-password-1");
  /* The practice manager's CIS2 role is at another practice (A81001, not Park Lane Surgery's B86001):
     refused while the codes must match... */
  fpt_oidc_control(&op, "{\"login\": \"cis2-pm1\"}");
  struct fpt_signin r = sign_in(&srv);
  expect_refused(&r, "org_mismatch");
  /* ...and signed in once CIS2 gives them a role there too (an ODS code in lower case still matches). */
  fpt_oidc_control(&op, "{\"accounts\": {\"cis2-pm1\": {\"email\": \"pm1@t.test\", \"email_verified\": true,"
                        " \"nhsid_nrbac_roles\": [{\"org_code\": \"A81001\"}, {\"org_code\": \"b86001\"}]}}}");
  r = sign_in(&srv);
  assert_string_equal(r.location, "/");
  assert_string_equal(fpt_s(fpt_call(&srv, r.session, "GET", "/api/v1/me", 200, NULL), "email"), "pm1@t.test");
  /* An unknown role is refused at start. */
  char out[1024];
  char other_dir[256];
  fpt_tempdir(other_dir, sizeof other_dir);
  const char *bad[] = {"serve", "--data-dir", other_dir, "--listen", "127.0.0.1:0", "--oidc-issuer", op.issuer, "--oidc-client-id",
                       "flexpool", "--oidc-client-secret-file", op.secret_file, "--oidc-required-for", "practice_manager,dentist",
                       NULL};
  assert_int_equal(fpt_cli(out, sizeof out, bad), 2);
  fpt_rmrf(other_dir);
}

static void test_settings_refused_at_start_and_off_by_default(void **state) {
  (void)state;
  char out[1024];
  char dir[256];
  fpt_tempdir(dir, sizeof dir);
  const char *plain_http[] = {"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--oidc-issuer", "http://cis2.example.org",
                              "--oidc-client-id", "x", "--oidc-client-secret-file", op.secret_file, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, plain_http), 2);
  const char *both[] = {"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--oidc-issuer", op.issuer, "--oidc-client-id", "x",
                        "--oidc-client-secret-file", op.secret_file, "--oidc-client-key-file", op.key_file, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, both), 2);
  const char *public_key[] = {"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--oidc-issuer", op.issuer, "--oidc-client-id",
                              "x", "--oidc-client-key-file", op.secret_file, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, public_key), 2);
  fpt_rmrf(dir);
  /* A server without --oidc-issuer: the route answers the documented JSON error. */
  assert_int_equal(fpt_server_start(&other, NULL, NULL), 0);
  fpt_expect_error(fpt_request(&other, NULL, "GET", "/api/v1/oidc/authorization", NULL), 404, "not_found", NULL);
  fpt_server_stop(&other);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_sign_in_links_by_verified_email_then_by_subject, each_teardown),
      cmocka_unit_test_teardown(test_unverified_or_unknown_email_refused, each_teardown),
      cmocka_unit_test_teardown(test_altered_tokens_refused, each_teardown),
      cmocka_unit_test_teardown(test_state_used_once_by_its_own_browser, each_teardown),
      cmocka_unit_test_teardown(test_second_factor_unless_provider_acr_counts, each_teardown),
      cmocka_unit_test_teardown(test_inactive_account_refused, each_teardown),
      cmocka_unit_test_teardown(test_expired_token_with_no_leeway, each_teardown),
      cmocka_unit_test_teardown(test_private_key_jwt, each_teardown),
      cmocka_unit_test_teardown(test_administrator_links_and_unlinks, each_teardown),
      cmocka_unit_test_teardown(test_no_password_change_after_provider, each_teardown),
      cmocka_unit_test_teardown(test_required_for_roles_and_org_codes, each_teardown),
      cmocka_unit_test_teardown(test_settings_refused_at_start_and_off_by_default, each_teardown),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
