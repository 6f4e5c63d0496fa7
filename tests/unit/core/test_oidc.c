/* test_oidc.c - an ID token's claims judged as OpenID Connect Core 1.0 section 3.1.3.7 asks (each
   refusal on its own, at the edges of the leeway), and the signature algorithms admitted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/oidc.h"

#define ISS "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc"
#define NOW 1800000000

static struct fp_oidc_claims good(void) {
  struct fp_oidc_claims c;
  memset(&c, 0, sizeof c);
  c.iss = ISS;
  c.sub = "910000000001";
  c.nonce = "n-0S6_WzA2Mj";
  c.aud[0] = "flexpool";
  c.n_aud = 1;
  c.has_exp = c.has_iat = true;
  c.iat = NOW - 5;
  c.exp = NOW + 60;
  return c;
}

static enum fp_oidc_refusal check(const struct fp_oidc_claims *c, int64_t leeway) {
  return fp_oidc_claims_check(c, ISS, "flexpool", "n-0S6_WzA2Mj", NOW, leeway);
}

static void test_good_token(void **state) {
  (void)state;
  struct fp_oidc_claims c = good();
  assert_int_equal(check(&c, 60), FP_OIDC_OK);
  /* Several audiences with azp ours: accepted. */
  c.aud[1] = "another";
  c.n_aud = 2;
  c.azp = "flexpool";
  assert_int_equal(check(&c, 60), FP_OIDC_OK);
}

static void test_issuer_exactly(void **state) {
  (void)state;
  struct fp_oidc_claims c = good();
  c.iss = ISS "/";
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_ISSUER);
  c.iss = NULL;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_ISSUER);
}

static void test_audience(void **state) {
  (void)state;
  struct fp_oidc_claims c = good();
  c.aud[0] = "someone-else";
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_AUDIENCE);
  c = good();
  c.n_aud = 0;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_AUDIENCE);
  /* Ours among several, but issued to another party (or no azp at all). */
  c = good();
  c.aud[1] = "another";
  c.n_aud = 2;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_AUDIENCE);
  c.azp = "another";
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_AUDIENCE);
  c = good();
  c.aud_too_many = true;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_AUDIENCE);
}

static void test_expiry_and_leeway(void **state) {
  (void)state;
  struct fp_oidc_claims c = good();
  c.exp = NOW;
  assert_int_equal(check(&c, 0), FP_OIDC_TOKEN_EXPIRED);
  c.exp = NOW + 1;
  assert_int_equal(check(&c, 0), FP_OIDC_OK);
  c.exp = NOW - 59;
  assert_int_equal(check(&c, 60), FP_OIDC_OK);
  c.exp = NOW - 60;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_EXPIRED);
  c.exp = INT64_MAX;
  assert_int_equal(check(&c, 60), FP_OIDC_OK);
  /* Issued in the future beyond the leeway: not yet valid. */
  c = good();
  c.iat = NOW + 61;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_EXPIRED);
  c.iat = NOW + 60;
  assert_int_equal(check(&c, 60), FP_OIDC_OK);
}

static void test_nonce_and_claims(void **state) {
  (void)state;
  struct fp_oidc_claims c = good();
  c.nonce = "another";
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_NONCE);
  c.nonce = NULL;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_NONCE);
  c = good();
  assert_int_equal(fp_oidc_claims_check(&c, ISS, "flexpool", "", NOW, 60), FP_OIDC_TOKEN_NONCE);
  c.sub = "";
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_CLAIMS);
  c = good();
  c.has_exp = false;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_CLAIMS);
  c = good();
  c.has_iat = false;
  assert_int_equal(check(&c, 60), FP_OIDC_TOKEN_CLAIMS);
}

static void test_algorithms(void **state) {
  (void)state;
  const char *provider[] = {"RS256", "HS256", "none", "ES256", "RS384"};
  assert_true(fp_oidc_alg_allowed("RS256", provider, 5));
  assert_true(fp_oidc_alg_allowed("ES256", provider, 5));
  /* The provider's, but never ours. */
  assert_false(fp_oidc_alg_allowed("HS256", provider, 5));
  assert_false(fp_oidc_alg_allowed("none", provider, 5));
  assert_false(fp_oidc_alg_allowed("RS384", provider, 5));
  /* Ours, but not the provider's. */
  assert_false(fp_oidc_alg_allowed("RS512", provider, 5));
  assert_false(fp_oidc_alg_allowed("PS256", provider, 5));
  assert_false(fp_oidc_alg_allowed(NULL, provider, 5));
  assert_false(fp_oidc_alg_allowed("RS256", provider, 0));
  assert_int_equal(fp_oidc_alg_key_kind("RS512"), 'R');
  assert_int_equal(fp_oidc_alg_key_kind("PS256"), 'R');
  assert_int_equal(fp_oidc_alg_key_kind("ES256"), 'E');
  assert_int_equal(fp_oidc_alg_key_kind("HS256"), 0);
}

static void test_org_codes(void **state) {
  (void)state;
  const char *cis2[] = {"A81001", "y02345"};
  const char *practice[] = {"B86001"}, *two[] = {"B86001", "Y02345"};
  assert_false(fp_oidc_org_matches(cis2, 2, practice, 1));
  assert_true(fp_oidc_org_matches(cis2, 2, two, 2)); /* lower case from CIS2 still matches */
  assert_true(fp_oidc_org_matches(cis2, 2, NULL, 0)); /* no organisation to match: passes */
  assert_false(fp_oidc_org_matches(NULL, 0, practice, 1));
  const char *blank[] = {""};
  assert_false(fp_oidc_org_matches(blank, 1, blank, 1));
}

static void test_codes(void **state) {
  (void)state;
  assert_string_equal(fp_oidc_refusal_code(FP_OIDC_STATE), "sign_in_expired");
  assert_string_equal(fp_oidc_refusal_code(FP_OIDC_TOKEN_AUDIENCE), "token_audience");
  for (int r = 1; r < FP_OIDC_COUNT; r++) assert_non_null(fp_oidc_refusal_code((enum fp_oidc_refusal)r));
  assert_string_equal(fp_oidc_refusal_code(FP_OIDC_COUNT), "provider_unavailable");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_token),      cmocka_unit_test(test_issuer_exactly),    cmocka_unit_test(test_audience),
      cmocka_unit_test(test_expiry_and_leeway), cmocka_unit_test(test_nonce_and_claims), cmocka_unit_test(test_algorithms),
      cmocka_unit_test(test_org_codes),   cmocka_unit_test(test_codes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
