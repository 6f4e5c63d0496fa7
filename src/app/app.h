/*
 * app.h - the running application: its configuration, the store, and what it hands the HTTP server
 * (http/config.h).
 */
#ifndef FP_APP_APP_H
#define FP_APP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "http/config.h"
#include "store/db.h"

struct fp_config {
  const char *data_dir;       /* --data-dir, default ./flexpool-data */
  const char *database;       /* --database or FLEXPOOL_DATABASE: PostgreSQL; NULL: SQLite in data_dir */
  const char *listen;         /* --listen ADDR:PORT, default 127.0.0.1:8080 */
  const char *web_root;       /* --web-root, default the source tree's web/ */
  const char *tls_cert;       /* --tls-cert FILE */
  const char *tls_key;        /* --tls-key FILE */
  bool insecure_http;         /* --insecure-http: plain HTTP on a non-loopback address */
  bool demo;                  /* --demo: load the demo into an empty store, list demo accounts */
  bool access_log;            /* a JSON line per request on stderr (http/server.c log_request); on unless --no-access-log */
  const char *metrics_listen; /* --metrics-listen ADDR:PORT: GET /metrics there (http/prometheus.h); NULL: none */
  int threads;                /* --threads: 0 (default) a thread per connection; N a pool of N epoll threads */
  int login_max_per_account;  /* failed sign-ins per account per window, default 10 */
  int login_max_per_address;  /* failed sign-ins per address per window, default 50 */
  int login_window_seconds;   /* default 900; also the window of register_max_per_address */
  int register_max_per_address; /* clinician registrations per address per window, default 20 */
  int session_idle_seconds;   /* --session-idle: 60 to 86400, default 1800 */
  int drain_seconds;           /* --drain-seconds: on SIGTERM, how long the requests in flight may take, default 10 */
  int upkeep_interval_seconds; /* --upkeep-interval: background upkeep every N seconds, default 600 */
  int dbs_retention_months;   /* --dbs-retention-months: DBS certificate copies kept after the decision, default 6 */
  int retain_closed_account_years; /* --retain-closed-account-years: a closed account erased after, default 6 (app/erasure.h) */
  const char *erasure_ledger; /* --erasure-ledger FILE: the ledger's copy; default DATA_DIR/erasure-ledger.jsonl on
                                 SQLite, none on PostgreSQL */
  int max_shift_ahead_months; /* --max-shift-ahead-months: a shift starts at most N months ahead, default 24 */
  int event_streams_max;       /* --max-event-streams (http/events.h) */
  int event_heartbeat_seconds; /* --event-heartbeat */
  int passport_access_months; /* --passport-access-months: a practice reads a passport this long after a session
                                 worked there, default 12 (store/access.h) */
  const char *smtp_url;       /* --smtp-url or FLEXPOOL_SMTP_URL: smtp://HOST:PORT; NULL: email stays in the outbox */
  const char *mail_from;      /* --mail-from or FLEXPOOL_MAIL_FROM: the sender's address */
  int webhook_timeout_seconds; /* --webhook-timeout: the longest one webhook delivery may take, default 10 */
  bool webhooks_allow_loopback; /* --webhooks-allow-loopback-http: for tests only (http/webhook_url.h) */
  int smtp_timeout_seconds;   /* --smtp-timeout: the longest one delivery may take, default 60 (app/mailer.h) */
  const char *public_url;     /* --public-url or FLEXPOOL_PUBLIC_URL: the web app's address for links in emails;
                                 default http(s)://<listen> */
  /* Sign-in through an OpenID Connect provider such as NHS CIS2 (app/oidc_setup.c, http/oidc.h). */
  const char *oidc_issuer;        /* --oidc-issuer URL; NULL: off */
  const char *oidc_client_id;     /* --oidc-client-id */
  const char *oidc_secret_file;   /* --oidc-client-secret-file FILE (client_secret_basic) */
  const char *oidc_key_file;      /* --oidc-client-key-file FILE: a private JWK (private_key_jwt) */
  int oidc_leeway_seconds;        /* --oidc-leeway: 0 to 600, default 60 */
  const char *oidc_mfa_acr;       /* --oidc-mfa-acr "ACR ...": the provider's acr values that count as a second factor */
  bool oidc_match_org_code;       /* --oidc-match-org-code (http/config.h) */
  const char *oidc_required_for;  /* --oidc-required-for "ROLE,...": those roles sign in through the provider only */
};

struct fp_oidc;
/* The relying party the settings describe (NULL in *out when --oidc-issuer is not given): 0, or -1
   after saying on stderr what is wrong (a file that cannot be read, settings that do not go together). */
int fp_app_oidc_make(const struct fp_config *cfg, struct fp_oidc **out);
/* --oidc-required-for as a mask of 1 << fp_role_kind (0 when not given): 0, or -1 after saying on
   stderr what is wrong (an unknown role, or no --oidc-issuer). */
int fp_app_oidc_roles(const struct fp_config *cfg, unsigned *mask);

struct fp_app {
  struct fp_config cfg;
  struct fp_store store;
  struct fp_http_app http;    /* what the server is given: filled from cfg by fp_app_http_init */
};

void fp_config_defaults(struct fp_config *cfg);
/* Fills app->http from app->cfg (with the demo's accounts under --demo) and points it at app->store. */
void fp_app_http_init(struct fp_app *app);

#endif
