/* The subcommands. See cli.h. */
#include "app/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/demo.h"
#include "app/mailer.h"
#include "app/webhooks.h"
#include "app/monthly_report.h"
#include "app/passport_upkeep.h"
#include "app/ods.h"
#include "app/postcodes.h"
#include "app/session_upkeep.h"
#include "app/erasure.h"
#include "app/sweeper.h"
#include "core/error.h"
#include "core/validate.h"
#include "http/auth.h"
#include "http/api_error.h"
#include "http/prometheus.h"
#include "http/routes.h"
#include "http/oidc.h"
#include "http/server.h"
#include "store/access.h"
#include "store/backup.h"
#include "store/accounts.h"
#include "store/copy.h"
#include "store/mfa.h"

#ifndef FP_SOURCE_DIR
#define FP_SOURCE_DIR "."
#endif

void fp_config_defaults(struct fp_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->data_dir = "./flexpool-data";
  cfg->database = getenv("FLEXPOOL_DATABASE");
  cfg->listen = "127.0.0.1:8080";
  cfg->web_root = getenv("FLEXPOOL_WEB_ROOT") ? getenv("FLEXPOOL_WEB_ROOT") : FP_SOURCE_DIR "/web";
  cfg->threads = 0;
  cfg->access_log = true;
  cfg->login_max_per_account = 10;
  cfg->login_max_per_address = 50;
  cfg->login_window_seconds = 900;
  cfg->register_max_per_address = 20;
  cfg->session_idle_seconds = 1800;
  cfg->drain_seconds = 10;
  cfg->upkeep_interval_seconds = 600;
  cfg->dbs_retention_months = 6;
  cfg->retain_closed_account_years = 6;
  cfg->max_shift_ahead_months = 24;
  cfg->passport_access_months = FP_ACCESS_MONTHS_DEFAULT;
  cfg->smtp_url = getenv("FLEXPOOL_SMTP_URL") && *getenv("FLEXPOOL_SMTP_URL") ? getenv("FLEXPOOL_SMTP_URL") : NULL;
  cfg->mail_from = getenv("FLEXPOOL_MAIL_FROM") && *getenv("FLEXPOOL_MAIL_FROM") ? getenv("FLEXPOOL_MAIL_FROM") : NULL;
  cfg->public_url = getenv("FLEXPOOL_PUBLIC_URL") && *getenv("FLEXPOOL_PUBLIC_URL") ? getenv("FLEXPOOL_PUBLIC_URL") : NULL;
  cfg->smtp_timeout_seconds = 60;
  cfg->webhook_timeout_seconds = 10;
  cfg->event_streams_max = 500;
  cfg->event_heartbeat_seconds = 15;
  cfg->oidc_leeway_seconds = 60;
}

/* Whether s is a plain email address for an SMTP envelope: one '@', no spaces, brackets or control characters. */
static bool plain_address(const char *s) {
  const char *at = strchr(s, '@');
  if (!at || at == s || !at[1] || strchr(at + 1, '@') || strlen(s) > 254) return false;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\\\"", *p)) return false;
  return true;
}

/* The email settings make sense together; says what is wrong on stderr. */
static int check_mail_config(struct fp_config *cfg, char *public_url, size_t len) {
  if (cfg->smtp_url && strncmp(cfg->smtp_url, "smtp://", 7) != 0 && strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
    fprintf(stderr, "flexpool: --smtp-url must be smtp://HOST:PORT or smtps://HOST:PORT\n");
    return -1;
  }
  if (cfg->smtp_url && !cfg->mail_from) {
    fprintf(stderr, "flexpool: --smtp-url needs --mail-from ADDRESS (the sender of every email)\n");
    return -1;
  }
  if (cfg->mail_from && !plain_address(cfg->mail_from)) {
    fprintf(stderr, "flexpool: --mail-from must be a plain email address (name@example.org)\n");
    return -1;
  }
  if (cfg->public_url && strncmp(cfg->public_url, "https://", 8) != 0 && strncmp(cfg->public_url, "http://", 7) != 0) {
    fprintf(stderr, "flexpool: --public-url must start with https:// (or http://)\n");
    return -1;
  }
  if (!cfg->public_url) {
    snprintf(public_url, len, "%s://%s", cfg->tls_cert ? "https" : "http", cfg->listen);
    cfg->public_url = public_url;
  }
  return 0;
}

void fp_app_http_init(struct fp_app *app) {
  const struct fp_config *cfg = &app->cfg;
  struct fp_http_app *h = &app->http;
  memset(h, 0, sizeof *h);
  h->store = &app->store;
  h->cfg.listen = cfg->listen;
  h->cfg.web_root = cfg->web_root;
  h->cfg.tls_cert = cfg->tls_cert;
  h->cfg.tls_key = cfg->tls_key;
  h->cfg.public_url = cfg->public_url;
  h->cfg.insecure_http = cfg->insecure_http;
  h->cfg.webhooks_allow_loopback = cfg->webhooks_allow_loopback;
  h->cfg.access_log = cfg->access_log;
  h->cfg.threads = cfg->threads;
  h->cfg.login_max_per_account = cfg->login_max_per_account;
  h->cfg.login_max_per_address = cfg->login_max_per_address;
  h->cfg.login_window_seconds = cfg->login_window_seconds;
  h->cfg.register_max_per_address = cfg->register_max_per_address;
  h->cfg.session_idle_seconds = cfg->session_idle_seconds;
  h->cfg.max_shift_ahead_months = cfg->max_shift_ahead_months;
  h->cfg.passport_access_months = cfg->passport_access_months;
  h->cfg.event_streams_max = cfg->event_streams_max;
  h->cfg.event_heartbeat_seconds = cfg->event_heartbeat_seconds;
  h->cfg.demo = cfg->demo;
  if (cfg->demo) {
    h->cfg.demo_accounts = fp_demo_accounts(&h->cfg.n_demo_accounts);
    h->cfg.demo_password = FP_DEMO_PASSWORD;
  }
}

static int int_arg(const char *name, const char *v, int min, int max, int *out) {
  char *end = NULL;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || *end || n < min || n > max) {
    fprintf(stderr, "flexpool: %s must be a number from %d to %d\n", name, min, max);
    return -1;
  }
  *out = (int)n;
  return 0;
}

/* How many times SIGTERM or SIGINT came: the first drains, a second stops at once. */
static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
  (void)sig;
  stop_requested = stop_requested + 1;
}

/*
 * Stopping (the issue: "on SIGTERM a server stops taking new connections and finishes the requests
 * in flight"): no new connection is accepted (refused at once, so a load balancer moves on), the
 * requests already read are answered, for up to drain_seconds (a second signal cuts it short); then
 * whatever is left is closed.
 */
static void drain(struct fp_server *srv, int drain_seconds) {
  if (!fp_server_quiesce(srv)) return;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  int left = fp_server_in_flight(srv);
  if (left > 0) fprintf(stderr, "flexpool: finishing %d request(s) in flight (up to %d s)\n", left, drain_seconds);
  while ((left = fp_server_in_flight(srv)) > 0 && stop_requested < 2) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >= (long)drain_seconds * 1000) break;
    struct timespec tick = {0, 10 * 1000 * 1000};
    nanosleep(&tick, NULL);
  }
  if (left > 0) fprintf(stderr, "flexpool: %d request(s) still in flight: closed unanswered\n", left);
}

int fp_cli_serve(int argc, char **argv) {
  struct fp_app app;
  memset(&app, 0, sizeof app);
  fp_config_defaults(&app.cfg);
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--demo") == 0) app.cfg.demo = true;
    else if (strcmp(a, "--insecure-http") == 0) app.cfg.insecure_http = true;
    else if (strcmp(a, "--webhooks-allow-loopback-http") == 0) app.cfg.webhooks_allow_loopback = true; /* tests only */
    else if (strcmp(a, "--access-log") == 0) app.cfg.access_log = true; /* the default; kept for old command lines */
    else if (strcmp(a, "--no-access-log") == 0) app.cfg.access_log = false;
    else if (strcmp(a, "--oidc-match-org-code") == 0) app.cfg.oidc_match_org_code = true;
    else if (!v) {
      fprintf(stderr, "flexpool: %s needs a value\n", a);
      return 2;
    } else if (strcmp(a, "--data-dir") == 0) app.cfg.data_dir = v, i++;
    else if (strcmp(a, "--database") == 0) app.cfg.database = v, i++;
    else if (strcmp(a, "--listen") == 0) app.cfg.listen = v, i++;
    else if (strcmp(a, "--metrics-listen") == 0) app.cfg.metrics_listen = v, i++;
    else if (strcmp(a, "--web-root") == 0) app.cfg.web_root = v, i++;
    else if (strcmp(a, "--tls-cert") == 0) app.cfg.tls_cert = v, i++;
    else if (strcmp(a, "--tls-key") == 0) app.cfg.tls_key = v, i++;
    else if (strcmp(a, "--smtp-url") == 0) app.cfg.smtp_url = v, i++;
    else if (strcmp(a, "--mail-from") == 0) app.cfg.mail_from = v, i++;
    else if (strcmp(a, "--public-url") == 0) app.cfg.public_url = v, i++;
    else if (strcmp(a, "--oidc-issuer") == 0) app.cfg.oidc_issuer = v, i++;
    else if (strcmp(a, "--oidc-client-id") == 0) app.cfg.oidc_client_id = v, i++;
    else if (strcmp(a, "--oidc-client-secret-file") == 0) app.cfg.oidc_secret_file = v, i++;
    else if (strcmp(a, "--oidc-client-key-file") == 0) app.cfg.oidc_key_file = v, i++;
    else if (strcmp(a, "--oidc-mfa-acr") == 0) app.cfg.oidc_mfa_acr = v, i++;
    else if (strcmp(a, "--oidc-required-for") == 0) app.cfg.oidc_required_for = v, i++;
    else if (strcmp(a, "--oidc-leeway") == 0) {
      if (int_arg(a, v, 0, 600, &app.cfg.oidc_leeway_seconds)) return 2;
      i++;
    }
    else if (strcmp(a, "--webhook-timeout") == 0) {
      if (int_arg(a, v, 1, 60, &app.cfg.webhook_timeout_seconds)) return 2;
      i++;
    } else if (strcmp(a, "--smtp-timeout") == 0) {
      if (int_arg(a, v, 1, 600, &app.cfg.smtp_timeout_seconds)) return 2;
      i++;
    } else if (strcmp(a, "--threads") == 0) {
      if (int_arg(a, v, 0, 256, &app.cfg.threads)) return 2;
      i++;
    } else if (strcmp(a, "--login-max-per-account") == 0) {
      if (int_arg(a, v, 1, 1000000, &app.cfg.login_max_per_account)) return 2;
      i++;
    } else if (strcmp(a, "--login-max-per-address") == 0) {
      if (int_arg(a, v, 1, 1000000, &app.cfg.login_max_per_address)) return 2;
      i++;
    } else if (strcmp(a, "--register-max-per-address") == 0) {
      if (int_arg(a, v, 1, 1000000, &app.cfg.register_max_per_address)) return 2;
      i++;
    } else if (strcmp(a, "--login-window") == 0) {
      if (int_arg(a, v, 1, 86400, &app.cfg.login_window_seconds)) return 2;
      i++;
    } else if (strcmp(a, "--dbs-retention-months") == 0) {
      if (int_arg(a, v, 0, 120, &app.cfg.dbs_retention_months)) return 2;
      i++;
    } else if (strcmp(a, "--retain-closed-account-years") == 0) {
      if (int_arg(a, v, 1, 100, &app.cfg.retain_closed_account_years)) return 2;
      i++;
    } else if (strcmp(a, "--erasure-ledger") == 0) {
      app.cfg.erasure_ledger = v;
      i++;
    } else if (strcmp(a, "--max-shift-ahead-months") == 0) {
      if (int_arg(a, v, 1, 120, &app.cfg.max_shift_ahead_months)) return 2;
      i++;
    } else if (strcmp(a, "--passport-access-months") == 0) {
      if (int_arg(a, v, 0, 120, &app.cfg.passport_access_months)) return 2;
      i++;
    } else if (strcmp(a, "--max-event-streams") == 0) {
      if (int_arg(a, v, 0, 900, &app.cfg.event_streams_max)) return 2;
      i++;
    } else if (strcmp(a, "--event-heartbeat") == 0) {
      if (int_arg(a, v, 1, 60, &app.cfg.event_heartbeat_seconds)) return 2;
      i++;
    } else if (strcmp(a, "--drain-seconds") == 0) {
      if (int_arg(a, v, 0, 3600, &app.cfg.drain_seconds)) return 2;
      i++;
    } else if (strcmp(a, "--upkeep-interval") == 0) {
      if (int_arg(a, v, 1, 86400, &app.cfg.upkeep_interval_seconds)) return 2;
      i++;
    } else if (strcmp(a, "--session-idle") == 0) {
      if (int_arg(a, v, 60, 86400, &app.cfg.session_idle_seconds)) return 2;
      i++;
    } else {
      fprintf(stderr, "flexpool: unknown option '%s'\n", a);
      return 2;
    }
  }
  if ((app.cfg.tls_cert == NULL) != (app.cfg.tls_key == NULL)) {
    fprintf(stderr, "flexpool: --tls-cert and --tls-key go together\n");
    return 2;
  }
  char public_url[300];
  if (check_mail_config(&app.cfg, public_url, sizeof public_url)) return 2;
  /* A thread per connection, each reading through its own SQLite connection (the database and its
     WAL: two descriptors) besides its socket: up to 1000 connections need about 3000 descriptors,
     more than the usual soft limit of 1024. Raise it as far as the hard limit allows. */
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 4096 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max < 4096 ? nofile.rlim_max : 4096;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  if (fp_store_open(&app.store, app.cfg.data_dir, app.cfg.database) != 0) {
    fp_store_release(&app.store); /* what a failed open (a migration that failed) had taken */
    return 1;
  }
  if (app.cfg.demo) {
    int empty = 0;
    if (fp_store_is_empty(&app.store, &empty) != 0) return 1;
    if (empty) {
      fprintf(stderr, "flexpool: loading the demo data...\n");
      int rc = fp_demo_load(&app.store, (int64_t)time(NULL), 0, 0);
      if (rc != 0) {
        fprintf(stderr, "flexpool: demo load failed: %s\n", fp_strerror(rc));
        fp_store_release(&app.store);
        return 1;
      }
    }
  }
  /* The erasure ledger applied again before anyone is served: a restored backup or a copy does not
     bring an erased person back (app/erasure.h). */
  char ledger[4096];
  if (!app.cfg.erasure_ledger && !fp_store_is_postgres_store(&app.store)) {
    int n = snprintf(ledger, sizeof ledger, "%s/erasure-ledger.jsonl", app.cfg.data_dir);
    if (n > 0 && (size_t)n < sizeof ledger) app.cfg.erasure_ledger = ledger;
  }
  int again = 0;
  if (fp_erasure_ledger_apply(&app.store, app.cfg.erasure_ledger, false, &again) != 0) {
    fp_store_release(&app.store);
    return 1;
  }
  if (again) fprintf(stderr, "flexpool: erasure ledger: %d erased person%s erased again in this store\n", again,
                     again == 1 ? "" : "s");
  struct fp_oidc *oidc = NULL;
  if (fp_app_oidc_make(&app.cfg, &oidc) != 0) {
    fp_store_release(&app.store);
    return 2;
  }
  uint16_t port = 0;
  fp_app_http_init(&app);
  app.http.cfg.oidc = oidc;
  app.http.cfg.oidc_match_org_code = app.cfg.oidc_match_org_code;
  if (fp_app_oidc_roles(&app.cfg, &app.http.cfg.oidc_required_roles) != 0) {
    fp_oidc_free(oidc);
    fp_store_release(&app.store);
    return 2;
  }
  struct fp_server *srv = fp_server_start(&app.http, &port);
  if (!srv) {
    fp_oidc_free(oidc);
    fp_store_release(&app.store);
    return 1;
  }
  const char *listen_colon = strrchr(app.cfg.listen, ':');
  if (app.cfg.public_url == public_url && listen_colon) {
    /* Made from --listen: with the port bound (--listen ADDR:0 takes a free one), before anyone
       can know the address to ask (it is said below). */
    snprintf(public_url, sizeof public_url, "%s://%.*s:%u", app.cfg.tls_cert ? "https" : "http",
             (int)(listen_colon - app.cfg.listen), app.cfg.listen, (unsigned)port);
  }
  /* The operators' figures on their own address, when asked for (http/prometheus.h). */
  struct fp_prom_server *metrics = NULL;
  uint16_t metrics_port = 0;
  if (app.cfg.metrics_listen &&
      !(metrics = fp_prom_start(app.cfg.metrics_listen, &app.store, app.cfg.session_idle_seconds, &metrics_port))) {
    fp_server_stop(srv);
    fp_oidc_free(oidc);
    fp_store_release(&app.store);
    return 1;
  }
  struct fp_sweeper *sweeper = fp_sweeper_start(&app.store, app.cfg.upkeep_interval_seconds);
  if (!sweeper) fprintf(stderr, "flexpool: the upkeep thread did not start\n");
  /* Erasure first: the passport's step after it removes the evidence files it let go. */
  if (fp_erasure_upkeep_add(sweeper, &app) != 0 || fp_passport_upkeep_add(sweeper, &app) != 0 ||
      fp_session_upkeep_add(sweeper, &app) != 0 ||
      fp_monthly_report_add(sweeper) != 0) {
    /* An upkeep step that would never run is not a server to start. */
    fp_sweeper_stop(sweeper);
    fp_prom_stop(metrics);
    fp_server_stop(srv);
    fp_oidc_free(oidc);
    fp_store_release(&app.store);
    return 1;
  }
  /* Email: sent when a relay is given; otherwise it waits in the outbox (the demo's mailbox shows it). */
  struct fp_outbox_worker *mailer = NULL;
  if (app.cfg.smtp_url) {
    struct fp_mailer_config mc = {app.cfg.smtp_url, app.cfg.mail_from, app.cfg.public_url, app.cfg.smtp_timeout_seconds};
    mailer = fp_mailer_start(&app.store, &mc);
    if (!mailer) {
      fp_sweeper_stop(sweeper);
      fp_prom_stop(metrics);
      fp_server_stop(srv);
      fp_store_release(&app.store);
      return 1;
    }
  }
  /* Webhooks: always (organisations set them up at run time); a server without one only asks once a second. */
  struct fp_webhooks_config wc = {app.cfg.webhooks_allow_loopback, app.cfg.webhook_timeout_seconds};
  struct fp_outbox_worker *hooks = fp_webhooks_start(&app.store, &wc);
  if (!hooks) {
    fp_outbox_worker_stop(mailer);
    fp_sweeper_stop(sweeper);
    fp_prom_stop(metrics);
    fp_server_stop(srv);
    fp_oidc_free(oidc);
    fp_store_release(&app.store);
    return 1;
  }
  if (app.cfg.webhooks_allow_loopback)
    fprintf(stderr, "flexpool: --webhooks-allow-loopback-http: webhooks may go to this machine over http (for tests only)\n");
  /* Before saying "listening": a stop asked as soon as that is read is a clean stop. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  if (metrics) {
    char mhost[256];
    snprintf(mhost, sizeof mhost, "%s", app.cfg.metrics_listen);
    char *mcolon = strrchr(mhost, ':');
    if (mcolon) *mcolon = 0;
    printf("metrics on http://%s:%u/metrics\n", mhost, (unsigned)metrics_port);
  }
  char host[256];
  snprintf(host, sizeof host, "%s", app.cfg.listen);
  char *colon = strrchr(host, ':');
  if (colon) *colon = 0;
  printf("listening on %s://%s:%u\n", app.cfg.tls_cert ? "https" : "http", host, (unsigned)port);
  if (app.cfg.demo) printf("demo accounts: admin@demo.flexpool.test, icb@, pool@, practice@, clinician001@ ... (password %s)\n", FP_DEMO_PASSWORD);
  fflush(stdout);
  /* Not pause(): the signal may be handled on another thread (the server's), which would leave this
     one asleep for ever, and one arriving just before pause() would be missed. Look ten times a second. */
  while (!stop_requested) {
    struct timespec tick = {0, 100 * 1000 * 1000};
    nanosleep(&tick, NULL);
  }
  fprintf(stderr, "flexpool: stopping\n");
  drain(srv, app.cfg.drain_seconds);
  fp_outbox_worker_stop(hooks);
  fp_outbox_worker_stop(mailer);
  fp_sweeper_stop(sweeper);
  fp_prom_stop(metrics);
  fp_server_stop(srv);
  fp_oidc_free(oidc);
  fp_store_release(&app.store);
  return 0;
}

int fp_cli_demo(int argc, char **argv) {
  const char *data_dir = NULL;
  const char *database = getenv("FLEXPOOL_DATABASE");
  long shifts = 0, clinicians = 0, history_weeks = 0;
  for (int i = 0; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--data-dir") == 0) data_dir = argv[i + 1];
    else if (strcmp(argv[i], "--database") == 0) database = argv[i + 1];
    else if (strcmp(argv[i], "--shifts") == 0) {
      char *end = NULL;
      shifts = strtol(argv[i + 1], &end, 10);
      if (*end || shifts < 1 || shifts > 10000000) {
        fprintf(stderr, "flexpool: --shifts must be a number from 1 to 10000000\n");
        return 2;
      }
    } else if (strcmp(argv[i], "--history-weeks") == 0) {
      char *end = NULL;
      history_weeks = strtol(argv[i + 1], &end, 10);
      if (*end || history_weeks < 1 || history_weeks > 520) {
        fprintf(stderr, "flexpool: --history-weeks must be a number from 1 to 520\n");
        return 2;
      }
    } else if (strcmp(argv[i], "--clinicians") == 0) {
      char *end = NULL;
      clinicians = strtol(argv[i + 1], &end, 10);
      if (*end || clinicians < FP_DEMO_CLINICIANS || clinicians > 1000000) {
        fprintf(stderr, "flexpool: --clinicians must be a number from %d to 1000000\n", FP_DEMO_CLINICIANS);
        return 2;
      }
    } else {
      fprintf(stderr, "flexpool: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  if (argc % 2 != 0 || !data_dir || (history_weeks && !shifts)) {
    fprintf(stderr, "usage: flexpool demo --data-dir DIR [--database URL] [--shifts N [--history-weeks W]]"
                    " [--clinicians N]\n");
    return 2;
  }
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  int rc = fp_demo_load_history(&store, (int64_t)time(NULL), shifts, clinicians, (int)history_weeks);
  fp_store_release(&store);
  if (rc == FP_ECONFLICT) {
    fprintf(stderr, "flexpool: the store in '%s' is not empty; the demo loads only into an empty store\n", data_dir);
    return 1;
  }
  if (rc != 0) {
    fprintf(stderr, "flexpool: demo load failed: %s\n", fp_strerror(rc));
    return 1;
  }
  printf("demo loaded into %s\n", data_dir);
  return 0;
}

struct user_add_ctx {
  const char *email, *name, *role, *hash;
  int64_t org, pool, now, id;
};

static int user_add_tx(struct fp_conn *c, void *vctx) {
  struct user_add_ctx *x = vctx;
  int rc = fp_store_user_insert(c, x->email, x->name, x->hash, x->now, &x->id);
  if (rc) return rc;
  rc = fp_store_role_insert(c, x->id, x->role, x->org, x->pool);
  if (rc) return rc;
  /* Whoever runs this command chose the password (or it was generated): its owner chooses their own
     at first sign-in. */
  if ((rc = fp_store_user_set_must_change_password(c, x->id)) != 0) return rc;
  /* The audit's after is JSON: the email quoted by SQLite's json_object, not by hand. */
  return fp_store_audit_json_user(c, x->now, x->id, x->email, x->role);
}

int fp_cli_user_add(int argc, char **argv) {
  const char *data_dir = "./flexpool-data", *email = NULL, *name = NULL, *role = NULL, *pwfile = NULL;
  const char *database = getenv("FLEXPOOL_DATABASE");
  int64_t org = 0, pool = 0;
  for (int i = 0; i + 1 < argc; i += 2) {
    const char *a = argv[i], *v = argv[i + 1];
    if (strcmp(a, "--data-dir") == 0) data_dir = v;
    else if (strcmp(a, "--database") == 0) database = v;
    else if (strcmp(a, "--email") == 0) email = v;
    else if (strcmp(a, "--name") == 0) name = v;
    else if (strcmp(a, "--role") == 0) role = v;
    else if (strcmp(a, "--organisation") == 0) org = strtoll(v, NULL, 10);
    else if (strcmp(a, "--pool") == 0) pool = strtoll(v, NULL, 10);
    else if (strcmp(a, "--password-file") == 0) pwfile = v;
    else {
      fprintf(stderr, "flexpool: unknown option '%s'\n", a);
      return 2;
    }
  }
  enum fp_role_kind kind;
  if (argc % 2 || !email || !name || !role || fp_role_parse(role, &kind) != 0 || !fp_email_valid(email) ||
      kind == FP_ROLE_CLINICIAN) {
    fprintf(stderr, "usage: flexpool user add --email E --name N --role sysadmin|commissioner|pool_admin|practice_manager "
                    "[--organisation ID] [--pool ID] [--password-file F] [--data-dir DIR] [--database URL]\n");
    return 2;
  }
  /* The same limits as the API's (a name of 1 to 200 bytes, not only spaces): the account is
     refused, never stored longer than the server reads it back. */
  if (!name[strspn(name, " \t\r\n")] || strlen(name) > 200) {
    fprintf(stderr, "flexpool: --name must be 1 to 200 bytes and not blank\n");
    return 2;
  }
  if ((kind == FP_ROLE_COMMISSIONER || kind == FP_ROLE_PRACTICE_MANAGER) && org <= 0) {
    fprintf(stderr, "flexpool: role %s needs --organisation ID\n", role);
    return 2;
  }
  if (kind == FP_ROLE_POOL_ADMIN && pool <= 0) {
    fprintf(stderr, "flexpool: role pool_admin needs --pool ID\n");
    return 2;
  }
  char password[256] = {0};
  bool generated = false;
  if (pwfile) {
    FILE *f = fopen(pwfile, "r");
    if (!f || !fgets(password, sizeof password, f)) {
      fprintf(stderr, "flexpool: cannot read the password file '%s'\n", pwfile);
      if (f) fclose(f);
      return 1;
    }
    fclose(f);
    password[strcspn(password, "\r\n")] = 0;
    char why[320];
    if (!fp_password_check(password, email, name, why, sizeof why)) {
      fprintf(stderr, "flexpool: %s\n", why);
      return 1;
    }
  } else {
    unsigned char h[FP_TOKEN_HASH_LEN];
    char tok[48];
    fp_token_new(tok, h);
    snprintf(password, sizeof password, "%.20s", tok);
    generated = true;
  }
  char hash[160];
  if (fp_password_hash(password, hash, sizeof hash) != 0) return 1;
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  struct user_add_ctx x = {email, name, role, hash, org, pool > 0 ? pool : 0, (int64_t)time(NULL), 0};
  if (kind != FP_ROLE_POOL_ADMIN) x.pool = 0;
  int rc = fp_store_write(&store, user_add_tx, &x);
  fp_store_release(&store);
  if (rc == FP_ECONFLICT) {
    fprintf(stderr, "flexpool: '%s' already has an account, or the organisation or pool does not exist\n", email);
    return 1;
  }
  if (rc) {
    fprintf(stderr, "flexpool: could not add the user: %s\n", fp_strerror(rc));
    return 1;
  }
  printf("user %lld created: %s (%s)\n", (long long)x.id, email, role);
  if (generated) printf("one-time password: %s\n", password);
  return 0;
}

struct reset_ctx {
  const char *email;
  int64_t now, id;
};

static int reset_second_factor_tx(struct fp_conn *c, void *vctx) {
  struct reset_ctx *x = vctx;
  struct fp_user u;
  int rc = fp_store_user_by_email(c, x->email, &u);
  if (rc) return rc;
  x->id = u.id;
  if ((rc = fp_store_totp_delete(c, u.id)) != 0) return rc;
  return fp_store_audit(c, x->now, 0, "user.totp_reset", "user", u.id, NULL, "{\"via\":\"cli\"}");
}

int fp_cli_user_reset_second_factor(int argc, char **argv) {
  const char *data_dir = "./flexpool-data", *email = NULL;
  const char *database = getenv("FLEXPOOL_DATABASE");
  for (int i = 0; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--data-dir") == 0) data_dir = argv[i + 1];
    else if (strcmp(argv[i], "--database") == 0) database = argv[i + 1];
    else if (strcmp(argv[i], "--email") == 0) email = argv[i + 1];
    else {
      fprintf(stderr, "flexpool: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  if (argc % 2 || !email) {
    fprintf(stderr, "usage: flexpool user reset-second-factor --email E [--data-dir DIR] [--database URL]\n");
    return 2;
  }
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  struct reset_ctx x = {email, (int64_t)time(NULL), 0};
  int rc = fp_store_write(&store, reset_second_factor_tx, &x);
  fp_store_release(&store);
  if (rc == FP_ENOTFOUND) {
    fprintf(stderr, "flexpool: there is no account for '%s'\n", email);
    return 1;
  }
  if (rc) {
    fprintf(stderr, "flexpool: could not reset the second factor: %s\n", fp_strerror(rc));
    return 1;
  }
  printf("the second factor of %s is removed; a system administrator sets one up again at next sign-in\n", email);
  return 0;
}

/* An import's arguments: the file, --data-dir and --database. 0, or 2 once the usage is said. */
static int import_args(int argc, char **argv, const char *usage, const char **file, const char **data_dir,
                       const char **database) {
  *data_dir = "./flexpool-data";
  *database = getenv("FLEXPOOL_DATABASE");
  *file = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) *data_dir = argv[++i];
    else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) *database = argv[++i];
    else if (!*file) *file = argv[i];
    else *file = NULL, argc = 0; /* one file only */
  }
  if (*file) return 0;
  fputs(usage, stderr);
  return 2;
}

int fp_cli_import_postcodes(int argc, char **argv) {
  const char *data_dir, *file, *database;
  if (import_args(argc, argv, "usage: flexpool import postcodes FILE.csv [--data-dir DIR] [--database URL]\n", &file,
                  &data_dir, &database))
    return 2;
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  long imported = 0, skipped = 0;
  int rc = fp_postcodes_import(&store, file, &imported, &skipped);
  fp_store_release(&store);
  if (rc) return 1;
  printf("imported %ld postcodes, skipped %ld rows\n", imported, skipped);
  return 0;
}

int fp_cli_import_ods(int argc, char **argv) {
  const char *data_dir, *file, *database;
  if (import_args(argc, argv, "usage: flexpool import ods epraccur.csv [--data-dir DIR] [--database URL]\n", &file,
                  &data_dir, &database))
    return 2;
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  struct fp_ods_counts n;
  int rc = fp_ods_import(&store, file, &n);
  fp_store_release(&store);
  if (rc) {
    fprintf(stderr, "flexpool: the practice file was not imported: %s (nothing changed)\n", fp_strerror(rc));
    return 1;
  }
  printf("practices: %ld added, %ld updated, %ld closed, %ld unchanged; %ld rows skipped (not a GP practice, or an area"
         " this installation does not serve)\n",
         n.added, n.updated, n.closed, n.unchanged, n.skipped);
  return 0;
}

int fp_cli_import_pcn(int argc, char **argv) {
  const char *data_dir, *file, *database;
  if (import_args(argc, argv, "usage: flexpool import pcn pcn-core-partners.csv [--data-dir DIR] [--database URL]\n",
                  &file, &data_dir, &database))
    return 2;
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  struct fp_pcn_counts n;
  int rc = fp_ods_pcn_import(&store, file, &n);
  fp_store_release(&store);
  if (rc) {
    fprintf(stderr, "flexpool: the PCN member list was not imported: %s (nothing changed)\n", fp_strerror(rc));
    return 1;
  }
  printf("PCNs: %ld added; practices: %ld moved to their PCN, %ld unchanged; %ld memberships ended; %ld rows skipped"
         " (a practice or PCN this installation does not serve, or a malformed row)\n",
         n.pcns_added, n.moved, n.unchanged, n.ended, n.skipped);
  return 0;
}

/* flexpool migrate: applies the pending migrations (opening the store does) and says the version.
   `serve` does the same at start; this lets an upgrade migrate before the new servers start. */
int fp_cli_migrate(int argc, char **argv) {
  const char *data_dir = "./flexpool-data";
  const char *database = getenv("FLEXPOOL_DATABASE");
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) data_dir = argv[++i];
    else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) database = argv[++i];
    else {
      fprintf(stderr, "usage: flexpool migrate [--data-dir DIR] [--database URL]\n");
      return 2;
    }
  }
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) {
    fp_store_release(&store);
    return 1;
  }
  int64_t version = 0;
  int rc = fp_store_schema_version(&store, &version);
  printf("flexpool: the %s store is at schema version %lld\n", fp_store_engine_name(&store), (long long)version);
  fp_store_release(&store);
  return rc ? 1 : 0;
}

static void say_copied(const char *table, int64_t rows, void *ctx) {
  (void)ctx;
  printf("  %-28s %lld\n", table, (long long)rows);
}

/* A ledger file named on the command line can be read: before anything is restored or copied. */
static bool ledger_readable(const char *ledger) {
  if (!ledger || access(ledger, R_OK) == 0) return true;
  fprintf(stderr, "flexpool: erasure ledger '%s': %s\n", ledger, strerror(errno));
  return false;
}

/* The erasure ledger applied again to the store at data_dir/database (app/erasure.h): 0 or -1 (said). */
static int reapply_ledger(const char *data_dir, const char *database, const char *ledger) {
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return -1;
  /* A file named here must be there: a mistyped path would apply nothing and say nothing. */
  int applied = 0, rc = fp_erasure_ledger_apply(&store, ledger, ledger != NULL, &applied);
  fp_store_release(&store);
  if (!rc) printf("flexpool: erasure ledger applied again: %d erased person%s erased again\n", applied,
                  applied == 1 ? "" : "s");
  return rc;
}

/* flexpool copy: a whole installation from one store to another (SQLite to PostgreSQL or back). */
int fp_cli_copy(int argc, char **argv) {
  const char *from_dir = NULL, *from_db = NULL, *to_dir = NULL, *to_db = NULL, *ledger = NULL;
  for (int i = 0; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--from-data-dir") == 0) from_dir = argv[i + 1];
    else if (strcmp(argv[i], "--erasure-ledger") == 0) ledger = argv[i + 1];
    else if (strcmp(argv[i], "--from-database") == 0) from_db = argv[i + 1];
    else if (strcmp(argv[i], "--to-data-dir") == 0) to_dir = argv[i + 1];
    else if (strcmp(argv[i], "--to-database") == 0) to_db = argv[i + 1];
    else from_dir = NULL, i = argc; /* an unknown option: usage */
  }
  if (!ledger_readable(ledger)) return 2;
  if (argc % 2 || !from_dir || !to_dir) {
    fprintf(stderr, "usage: flexpool copy --from-data-dir DIR [--from-database URL] --to-data-dir DIR [--to-database URL]"
                    " [--erasure-ledger FILE]\n");
    return 2;
  }
  struct fp_store from, to;
  if (fp_store_open(&from, from_dir, from_db) != 0) {
    fp_store_release(&from);
    return 1;
  }
  if (fp_store_open(&to, to_dir, to_db) != 0) {
    fp_store_release(&from);
    fp_store_release(&to);
    return 1;
  }
  printf("flexpool: copying the %s store into the %s store\n", fp_store_engine_name(&from), fp_store_engine_name(&to));
  int rc = fp_store_copy(&from, &to, say_copied, NULL);
  fp_store_release(&to);
  fp_store_release(&from);
  if (rc) {
    fprintf(stderr, "flexpool: the copy did not complete (%s); the destination is not to be used\n", fp_strerror(rc));
    return 1;
  }
  printf("flexpool: copied; every table holds the same number of rows in both\n");
  /* The copy holds the source's ledger; applied again with the file's, so that a copy made from
     an older store does not bring an erased person back. */
  return reapply_ledger(to_dir, to_db, ledger) != 0 ? 1 : 0;
}

/* flexpool backup [--data-dir DIR] [--database URL] BACKUP: a consistent copy of a running SQLite
   installation with its evidence files (store/backup.h); PostgreSQL has pg_dump. */
int fp_cli_backup(int argc, char **argv) {
  const char *data_dir = "./flexpool-data", *out = NULL;
  const char *database = getenv("FLEXPOOL_DATABASE");
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) data_dir = argv[++i];
    else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) database = argv[++i];
    else if (!out && argv[i][0] != '-') out = argv[i];
    else out = NULL, i = argc;
  }
  if (!out) {
    fprintf(stderr, "usage: flexpool backup [--data-dir DIR] BACKUP   (BACKUP: a new folder)\n");
    return 2;
  }
  if (fp_store_is_postgres(database)) {
    fprintf(stderr, "flexpool: a PostgreSQL installation is backed up with pg_dump (docs/OPERATIONS.md), "
                    "evidence files included\n");
    return 2;
  }
  char err[512] = "";
  int files = 0;
  if (fp_store_backup(data_dir, out, &files, err, sizeof err) != 0) {
    fprintf(stderr, "flexpool: backup failed: %s\n", err);
    return 1;
  }
  printf("flexpool: backed up '%s' into '%s' (%d evidence file%s)\n", data_dir, out, files, files == 1 ? "" : "s");
  return 0;
}

/* flexpool restore --data-dir NEWDIR BACKUP: the backup into a new or empty folder, never over an
   installation. */
int fp_cli_restore(int argc, char **argv) {
  const char *data_dir = NULL, *backup = NULL, *database = NULL, *ledger = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) data_dir = argv[++i];
    else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc) database = argv[++i];
    else if (strcmp(argv[i], "--erasure-ledger") == 0 && i + 1 < argc) ledger = argv[++i];
    else if (!backup && argv[i][0] != '-') backup = argv[i];
    else backup = NULL, i = argc;
  }
  if (!backup || !data_dir) {
    fprintf(stderr, "usage: flexpool restore --data-dir NEWDIR [--erasure-ledger FILE] BACKUP   (NEWDIR: a new or empty"
                    " folder)\n");
    return 2;
  }
  if (fp_store_is_postgres(database)) {
    fprintf(stderr, "flexpool: a PostgreSQL installation is restored with pg_restore (docs/OPERATIONS.md)\n");
    return 2;
  }
  if (!ledger_readable(ledger)) return 2;
  char err[512] = "";
  int files = 0;
  if (fp_store_restore(backup, data_dir, &files, err, sizeof err) != 0) {
    fprintf(stderr, "flexpool: restore refused: %s\n", err);
    return 1;
  }
  printf("flexpool: restored '%s' into '%s' (%d evidence file%s)\n", backup, data_dir, files, files == 1 ? "" : "s");
  /* The backup may be older than erasures made since: the ledger (the backup's own table, and the
     file kept apart from it) erases them again before anyone is served from it. */
  if (reapply_ledger(data_dir, NULL, ledger) != 0) return 1;
  printf("flexpool: start the server on it\n");
  return 0;
}

int fp_cli_errors(void) {
  for (int e = 0; e < FP_API_N_ERRORS; e++) {
    const struct fp_api_error_info *i = fp_api_error_info((enum fp_api_error)e);
    printf("%d %s\n", i->status, i->code);
  }
  return 0;
}

int fp_cli_routes(bool with_query) {
  for (size_t i = 0; i < fp_n_routes; i++) {
    printf("%s %s", fp_routes[i].method, fp_routes[i].pattern);
    if (with_query) printf(" ?%s", fp_routes[i].query ? fp_routes[i].query : "");
    putchar('\n');
  }
  return 0;
}
