/* OpenID Connect sign-in decisions. See oidc.h. */
#include "core/oidc.h"

#include <ctype.h>
#include <string.h>

static const char *const CODES[FP_OIDC_COUNT] = {
    [FP_OIDC_OK] = "ok",
    [FP_OIDC_PROVIDER_REFUSED] = "provider_refused",
    [FP_OIDC_STATE] = "sign_in_expired",
    [FP_OIDC_PROVIDER_UNAVAILABLE] = "provider_unavailable",
    [FP_OIDC_TOKEN_SIGNATURE] = "token_signature",
    [FP_OIDC_TOKEN_ISSUER] = "token_issuer",
    [FP_OIDC_TOKEN_AUDIENCE] = "token_audience",
    [FP_OIDC_TOKEN_EXPIRED] = "token_expired",
    [FP_OIDC_TOKEN_NONCE] = "token_nonce",
    [FP_OIDC_TOKEN_CLAIMS] = "token_claims",
    [FP_OIDC_USERINFO_SUBJECT] = "userinfo_subject",
    [FP_OIDC_NO_ACCOUNT] = "no_account",
    [FP_OIDC_ACCOUNT_INACTIVE] = "account_inactive",
    [FP_OIDC_ORG_MISMATCH] = "org_mismatch",
};

const char *fp_oidc_refusal_code(enum fp_oidc_refusal r) {
  return (unsigned)r < FP_OIDC_COUNT && CODES[r] ? CODES[r] : "provider_unavailable";
}

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

enum fp_oidc_refusal fp_oidc_claims_check(const struct fp_oidc_claims *c, const char *issuer, const char *client_id,
                                          const char *nonce, int64_t now, int64_t leeway) {
  if (!same(c->iss, issuer)) return FP_OIDC_TOKEN_ISSUER;
  if (c->aud_too_many || c->n_aud < 1) return FP_OIDC_TOKEN_AUDIENCE;
  bool ours = false;
  for (int i = 0; i < c->n_aud; i++) ours = ours || same(c->aud[i], client_id);
  if (!ours) return FP_OIDC_TOKEN_AUDIENCE;
  /* Several audiences: the party it was issued to must be us (Core 1.0 3.1.3.7 items 4 and 5). */
  if ((c->n_aud > 1 || c->azp) && !same(c->azp, client_id)) return FP_OIDC_TOKEN_AUDIENCE;
  if (!c->sub || !*c->sub || strlen(c->sub) > 255 || !c->has_exp || !c->has_iat) return FP_OIDC_TOKEN_CLAIMS;
  if (c->exp <= now - leeway) return FP_OIDC_TOKEN_EXPIRED;
  if (c->iat > now + leeway) return FP_OIDC_TOKEN_EXPIRED; /* issued in the future: not yet valid */
  if (!nonce || !*nonce || !same(c->nonce, nonce)) return FP_OIDC_TOKEN_NONCE;
  return FP_OIDC_OK;
}

static const char *const OURS[] = {"RS256", "RS512", "PS256", "ES256"};

bool fp_oidc_alg_allowed(const char *alg, const char *const *provider_algs, size_t n) {
  if (!alg) return false;
  bool ours = false;
  for (size_t i = 0; i < sizeof OURS / sizeof OURS[0]; i++) ours = ours || strcmp(alg, OURS[i]) == 0;
  if (!ours) return false;
  for (size_t i = 0; i < n; i++)
    if (provider_algs[i] && strcmp(provider_algs[i], alg) == 0) return true;
  return false;
}

char fp_oidc_alg_key_kind(const char *alg) {
  if (!alg) return 0;
  if (strcmp(alg, "RS256") == 0 || strcmp(alg, "RS512") == 0 || strcmp(alg, "PS256") == 0) return 'R';
  if (strcmp(alg, "ES256") == 0) return 'E';
  return 0;
}

/* a and b equal but for the case of ASCII letters. */
static bool same_code(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (toupper((unsigned char)*a) != toupper((unsigned char)*b)) return false;
  return *a == *b;
}

bool fp_oidc_org_matches(const char *const *cis2, size_t n_cis2, const char *const *ours, size_t n_ours) {
  if (n_ours == 0) return true;
  for (size_t i = 0; i < n_cis2; i++)
    for (size_t j = 0; j < n_ours; j++)
      if (cis2[i] && ours[j] && *ours[j] && same_code(cis2[i], ours[j])) return true;
  return false;
}
