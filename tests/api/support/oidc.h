/*
 * oidc.h - the OpenID Connect provider of the sign-in tests (tests/oidc/provider.mjs: npm's
 * oidc-provider on a free loopback port) and a browser's part in the sign-in: a cookie jar, and
 * each redirect followed by hand so that a test can see where it went and stop at the callback.
 */
#ifndef FPT_OIDC_H
#define FPT_OIDC_H

#include <stdbool.h>
#include <sys/types.h>

#include "fpt.h"

struct fpt_oidc {
  pid_t pid;
  char dir[256];
  int port;
  char issuer[64];       /* "http://127.0.0.1:PORT" */
  char secret_file[300]; /* the client "flexpool"'s secret (client_secret_basic) */
  char key_file[300];    /* the client "flexpool-jwt"'s private JWK (private_key_jwt) */
};

void fpt_oidc_start(struct fpt_oidc *p);
void fpt_oidc_stop(struct fpt_oidc *p);
/* POSTs json to the provider's /__control (tests/oidc/provider.mjs says what it takes). */
void fpt_oidc_control(const struct fpt_oidc *p, const char *json);

struct fpt_browser;
struct fpt_browser *fpt_browser_new(void);
void fpt_browser_free(struct fpt_browser *b);

struct fpt_signin {
  long status;            /* the last answer's status */
  char location[2048];    /* where flexpool's callback sent the browser ("/", "/?oidc_error=..."), or the
                             callback's address when stopped before it */
  char session[64];       /* the session cookie the callback set, or "" */
  int hops;
};

/*
 * A sign-in as a browser makes it: GET flexpool's /api/v1/oidc/authorization, then each redirect
 * (the provider's, which signs in the person its control names) until flexpool's callback has
 * answered; with stop_at_callback, stops before asking the callback (its address in location).
 */
struct fpt_signin fpt_oidc_sign_in(struct fpt_browser *b, const struct fpt_server *s, bool stop_at_callback);
/* GET url in browser b (its cookies); the answer's status, Location and session cookie in *out. */
void fpt_browser_get(struct fpt_browser *b, const char *url, struct fpt_signin *out);

#endif
