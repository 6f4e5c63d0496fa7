/*
 * config.h - what the HTTP layer is given by the application that starts it: its settings, the
 * store, and (under --demo) the demo's accounts for the sign-in page.
 *
 * src/app fills struct fp_http_app from its command line before fp_server_start and keeps it
 * alive, unchanged, until fp_server_stop. The HTTP layer never includes src/app: everything it
 * needs from there comes through this struct.
 */
#ifndef FP_HTTP_CONFIG_H
#define FP_HTTP_CONFIG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

/* One of the demo's documented accounts, listed by GET /api/v1/demo-accounts. */
struct fp_http_demo_account {
  const char *email, *role, *description;
};

struct fp_events;
struct fp_oidc;

struct fp_http_config {
  const char *listen;         /* --listen ADDR:PORT */
  const char *web_root;       /* --web-root */
  const char *tls_cert;       /* --tls-cert FILE */
  const char *tls_key;        /* --tls-key FILE */
  const char *public_url;     /* --public-url: the address users and systems reach the server at (links) */
  bool insecure_http;         /* --insecure-http: plain HTTP on a non-loopback address */
  bool access_log;            /* a JSON line per request on stderr (server.c log_request); off with --no-access-log */
  int threads;                /* --threads: 0 a thread per connection; N a pool of N epoll threads */
  int login_max_per_account;  /* failed sign-ins per account per window */
  int login_max_per_address;  /* failed sign-ins per address per window */
  int login_window_seconds;   /* also the window of register_max_per_address */
  int register_max_per_address; /* clinician registrations per address per window */
  int session_idle_seconds;   /* --session-idle */
  int max_shift_ahead_months; /* --max-shift-ahead-months: a shift starts at most N months ahead */
  int passport_access_months; /* --passport-access-months (store/access.h) */
  /* --webhooks-allow-loopback-http, for tests only: a webhook may be sent to a loopback address,
     over http too (http/webhook_url.h); never on a real server. */
  bool webhooks_allow_loopback;
  int event_streams_max;      /* --max-event-streams: live update streams a server takes (http/events.h); 0 none */
  int event_heartbeat_seconds; /* --event-heartbeat: a comment on each idle stream this often */
  /* --oidc-issuer and its settings: staff may sign in through that OpenID Connect provider
     (http/oidc.h, http/h_oidc.c); NULL: they may not. Made and freed by the application. */
  struct fp_oidc *oidc;
  bool oidc_match_org_code;     /* --oidc-match-org-code: a CIS2 role must be at an organisation of the account's roles */
  unsigned oidc_required_roles; /* --oidc-required-for: bit (1 << fp_role_kind) set: that role signs in through the provider only */
  /* --demo: the server runs the demo (GET /healthz says so) and lists these accounts, which share
     demo_password. false: no account is listed. */
  bool demo;
  const struct fp_http_demo_account *demo_accounts;
  size_t n_demo_accounts;
  const char *demo_password;
};

/* Shared by every request (struct fp_req's app). Borrowed: the application owns the store. */
struct fp_http_app {
  struct fp_http_config cfg;
  struct fp_store *store;
  atomic_int in_flight; /* requests whose headers were read and whose answer is not yet sent */
  atomic_bool draining; /* stopping (fp_server_quiesce): each answer closes its connection */
  struct fp_events *events; /* the live streams' hub (http/events.h), made by fp_server_start */
};

#endif
