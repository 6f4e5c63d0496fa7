/*
 * oidc.h - the decisions of a sign-in through an OpenID Connect provider (NHS CIS2) that need no
 * I/O: which signature algorithms an ID token may use, whether its claims make it ours, and the
 * codes a refused sign-in is sent back to the web app with (`/?oidc_error=CODE`).
 *
 * OpenID Connect Core 1.0 section 3.1.3.7 (ID token validation): the issuer equals the one
 * configured exactly; the audience contains our client id, and when it holds others too, `azp` is
 * our client id; the token has not expired (with a leeway for clocks); the nonce is the one this
 * sign-in sent. The signature itself is checked in the shell (http/oidc.c, libcjose) with a key of
 * the provider's, and only with an algorithm fp_oidc_alg_allowed admits.
 */
#ifndef FP_CORE_OIDC_H
#define FP_CORE_OIDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a sign-in is refused: each has a code (fp_oidc_refusal_code) the web app explains. */
enum fp_oidc_refusal {
  FP_OIDC_OK = 0,
  FP_OIDC_PROVIDER_REFUSED,    /* the provider answered the callback with an error (the person cancelled, ...) */
  FP_OIDC_STATE,               /* unknown, taken already, older than ten minutes, or another browser's */
  FP_OIDC_PROVIDER_UNAVAILABLE,/* discovery, the token endpoint, the keys or UserInfo failed or answered nonsense */
  FP_OIDC_TOKEN_SIGNATURE,     /* not a JWS, an algorithm not admitted, no such key, or a bad signature */
  FP_OIDC_TOKEN_ISSUER,
  FP_OIDC_TOKEN_AUDIENCE,
  FP_OIDC_TOKEN_EXPIRED,
  FP_OIDC_TOKEN_NONCE,
  FP_OIDC_TOKEN_CLAIMS,        /* a claim missing or of the wrong type (sub, exp, iat) */
  FP_OIDC_USERINFO_SUBJECT,    /* UserInfo's sub is not the ID token's */
  FP_OIDC_NO_ACCOUNT,          /* the identity is linked to no account, and no verified email matches one */
  FP_OIDC_ACCOUNT_INACTIVE,
  FP_OIDC_ORG_MISMATCH,        /* --oidc-match-org-code: no CIS2 role at an organisation of the account's roles */
  FP_OIDC_COUNT
};

/* "provider_refused", "state", ... : the word after /?oidc_error= (stable: the web app and the
   documents use them). */
const char *fp_oidc_refusal_code(enum fp_oidc_refusal r);

/* The ID token's claims as the shell read them (NULL: absent or not a string; has_*: present and a
   number). aud holds n_aud strings (a single string counts as one). */
#define FP_OIDC_AUD_MAX 8
struct fp_oidc_claims {
  const char *iss, *sub, *nonce, *azp;
  const char *aud[FP_OIDC_AUD_MAX];
  int n_aud;
  bool aud_too_many;           /* more audiences than FP_OIDC_AUD_MAX: refused */
  bool has_exp, has_iat;
  int64_t exp, iat;
};

/*
 * Whether the claims make this ID token one for us, now: FP_OIDC_OK or the first reason it is not.
 * issuer and client_id as configured, nonce the one this sign-in sent, leeway seconds allowed for
 * the two clocks (exp + leeway must be after now; iat no later than now + leeway).
 */
enum fp_oidc_refusal fp_oidc_claims_check(const struct fp_oidc_claims *c, const char *issuer, const char *client_id,
                                          const char *nonce, int64_t now, int64_t leeway);

/*
 * Whether an ID token signed with alg may be accepted: alg is one of ours (RS256, RS512, PS256,
 * ES256: never "none", never an HMAC, whose key would be our client secret) and one the provider
 * said it uses (its discovery document's id_token_signing_alg_values_supported, n of them).
 */
bool fp_oidc_alg_allowed(const char *alg, const char *const *provider_algs, size_t n);

/*
 * --oidc-match-org-code: whether one of the person's CIS2 roles (the org_code of each of their
 * nhsid_nrbac_roles, n_cis2 of them) is at an organisation of the account's flexpool roles (the ODS
 * codes of their practices, ICBs and pools' host organisations, n_ours). An account whose roles are
 * at no organisation (a system administrator, a clinician) has nothing to match and passes. Codes
 * are compared without regard to case (ODS codes are upper case; some systems send them lower).
 */
bool fp_oidc_org_matches(const char *const *cis2, size_t n_cis2, const char *const *ours, size_t n_ours);

/* The kind of key an admitted algorithm needs: 'R' RSA (RS*, PS*), 'E' an EC key on P-256 (ES256), 0 none. */
char fp_oidc_alg_key_kind(const char *alg);

#endif
