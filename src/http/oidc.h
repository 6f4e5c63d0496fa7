/*
 * oidc.h - flexpool as an OpenID Connect relying party (issue 15: staff sign in through NHS Care
 * Identity Service 2, or any provider that keeps to OpenID Connect Core 1.0).
 *
 * What it does, each call blocking the request's thread (libcurl, ten seconds at most a call):
 *   - discovery: the provider's /.well-known/openid-configuration, whose `issuer` must equal the one
 *     configured exactly; fetched at the first sign-in and again after an hour;
 *   - the authorisation request's address (the code flow with PKCE S256, state and nonce);
 *   - finishing: the code exchanged at the token endpoint (client_secret_basic, or private_key_jwt
 *     with a JWK the installer gives, which CIS2 documents), the ID token's signature checked with the
 *     provider's keys (libcjose; only algorithms core/oidc.h admits; the keys fetched again on an
 *     unknown `kid`, at most once a minute), its claims judged by core/oidc.h, then UserInfo read with
 *     the access token, whose `sub` must be the ID token's.
 *
 * A provider given as http:// is accepted on a loopback address only (the tests' local provider);
 * anywhere else it must be https://, and so must every endpoint its discovery names.
 */
#ifndef FP_HTTP_OIDC_H
#define FP_HTTP_OIDC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/oidc.h"

struct fp_oidc_settings {
  const char *issuer;        /* --oidc-issuer, exactly as the provider names itself */
  const char *client_id;     /* --oidc-client-id */
  const char *client_secret; /* the contents of --oidc-client-secret-file (client_secret_basic), or NULL */
  const char *client_key;    /* the contents of --oidc-client-key-file: a private JWK (private_key_jwt), or NULL */
  int64_t leeway;            /* --oidc-leeway: seconds allowed between the clocks (default 60) */
  const char *mfa_acr;       /* --oidc-mfa-acr: space- or comma-separated acr values that count as a second factor */
};

struct fp_oidc;

/* Made once at start (nothing is fetched yet): NULL with the reason in why when the settings cannot
   work (no secret and no key, a key libcjose cannot read or that is not private, an issuer that is
   not https:// or loopback http://). */
struct fp_oidc *fp_oidc_new(const struct fp_oidc_settings *s, char *why, size_t why_len);
void fp_oidc_free(struct fp_oidc *o);
const char *fp_oidc_issuer(const struct fp_oidc *o);

/* The scopes asked for: CIS2's, with nationalrbacaccess for its roles. */
#define FP_OIDC_SCOPES "openid profile email nationalrbacaccess"

/* The address to send the browser to (malloc'd into *url): FP_OIDC_OK, or
   FP_OIDC_PROVIDER_UNAVAILABLE when discovery fails. */
enum fp_oidc_refusal fp_oidc_authorization_url(struct fp_oidc *o, const char *redirect_uri, const char *state,
                                               const char *nonce, const char *code_challenge, char **url);

#define FP_OIDC_ORG_CODES_MAX 64
/* Who the provider says signed in. */
struct fp_oidc_person {
  char subject[256];
  char email[256];
  bool email_verified;
  char name[201];
  char acr[128];
  bool mfa;                 /* acr is one of --oidc-mfa-acr */
  char uid[64];             /* CIS2's UUID (UserInfo "uid"), when given */
  int n_rbac_roles;         /* how many nhsid_nrbac_roles UserInfo listed */
  /* Their org_code values (FP_OIDC_ORG_CODES_MAX at most: a person with more is refused when the
     codes are to be matched, never matched on some of them). */
  char org_codes[FP_OIDC_ORG_CODES_MAX][16];
  int n_org_codes;
  bool org_codes_over;
};

/* Finishes a sign-in from the callback's code: FP_OIDC_OK with *out, or the reason it is refused
   (with a line for the server's log in detail: never a token or a personal value). */
enum fp_oidc_refusal fp_oidc_finish(struct fp_oidc *o, const char *code, const char *redirect_uri, const char *verifier,
                                    const char *nonce, int64_t now, struct fp_oidc_person *out, char *detail,
                                    size_t detail_len);

#endif
