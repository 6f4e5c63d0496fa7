/*
 * main.c - the flexpool command: `serve`, `demo`, `user add`, `import postcodes`.
 * Start-up is the only place that may die(); everything below returns errors.
 */
#include <malloc.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/cli.h"
#include "app/monthly_report.h"
#include "app/register.h"
#include "http/auth.h"
#include "http/totp.h"

static void usage(FILE *to) {
  fprintf(to,
          "usage: flexpool serve [--data-dir DIR] [--database URL] [--listen ADDR:PORT] [--demo] [--web-root DIR]\n"
          "                      [--tls-cert FILE --tls-key FILE] [--insecure-http] [--threads N]\n"
          "                      [--no-access-log | --access-log (the default: a JSON line per request on stderr)]\n"
          "                      [--metrics-listen ADDR:PORT (GET /metrics for Prometheus there; off by default)]\n"
          "                      [--session-idle SECONDS (60-86400, default 1800)]\n"
          "                      [--login-max-per-account N (default 10)] [--login-max-per-address N (default 50)]\n"
          "                      [--register-max-per-address N (default 20)] [--login-window SECONDS (default 900)]\n"
          "                      [--upkeep-interval SECONDS (default 600)] [--dbs-retention-months N (default 6)]\n"
          "                      [--retain-closed-account-years N (1-100, default 6: then the upkeep erases a closed\n"
          "                       account's personal data, never before its invoices' own 6 years: docs/RETENTION.md)]\n"
          "                      [--erasure-ledger FILE (default DATA_DIR/erasure-ledger.jsonl on SQLite; applied at start)]\n"
          "                      [--drain-seconds N (0-3600, default 10: on SIGTERM, time for the requests in flight)]\n"
          "                      [--max-shift-ahead-months N (default 24)]\n"
          "                      [--passport-access-months N (default 12)]\n"
          "                      [--max-event-streams N (0-900, default 500: live update streams at once)]\n"
          "                      [--event-heartbeat SECONDS (1-60, default 15: a comment on an idle stream)]\n"
          "                      [--smtp-url smtp://HOST:PORT --mail-from ADDRESS (email; also FLEXPOOL_SMTP_URL,\n"
          "                       FLEXPOOL_MAIL_FROM; without them email waits in the outbox)]\n"
          "                      [--smtp-timeout SECONDS (1-600, default 60)] [--public-url URL (links in emails)]\n"
          "                      [--webhook-timeout SECONDS (1-60, default 10)]\n"
          "                      [--oidc-issuer URL --oidc-client-id ID [--oidc-client-key-file JWK |\n"
          "                       --oidc-client-secret-file FILE] [--oidc-leeway SECONDS (0-600, default 60)]\n"
          "                       [--oidc-mfa-acr \"ACR ...\"] [--oidc-required-for \"ROLE,...\"] [--oidc-match-org-code]\n"
          "                       (staff sign in through NHS CIS2: docs/OIDC.md)]\n"
          "                      [--webhooks-allow-loopback-http (FOR TESTS ONLY: webhooks to 127.0.0.1/::1, http too)]\n"
          "       flexpool demo --data-dir DIR [--database URL] [--shifts N [--history-weeks W]]\n"
          "       flexpool user add --email E --name N --role R [--organisation ID] [--pool ID] [--password-file F]\n"
          "       flexpool user reset-second-factor --email E [--data-dir DIR] [--database URL]   (a lost phone and recovery codes)\n"
          "       flexpool import postcodes FILE.csv [--data-dir DIR] [--database URL]\n"
          "       flexpool import ods epraccur.csv [--data-dir DIR] [--database URL]   (NHS ODS's practice file)\n"
          "       flexpool import pcn pcn-core-partners.csv [--data-dir DIR] [--database URL]   (ePCN's member lists)\n"
          "       flexpool import register gmc|performers FILE.csv [--full-register] [--data-dir DIR] [--database URL]\n"
          "       flexpool migrate [--data-dir DIR] [--database URL]   (applies pending migrations; serve does too)\n"
          "       flexpool report make --month YYYY-MM [--data-dir DIR] [--database URL]   (an ended month's ICB reports;\n"
          "                     the upkeep makes last month's from 02:00 on the 1st)\n"
          "       flexpool backup [--data-dir DIR] BACKUP   (a consistent copy of a running SQLite installation, a new folder)\n"
          "       flexpool restore --data-dir NEWDIR [--erasure-ledger FILE] BACKUP   (into a new or empty folder; the\n"
          "                     ledger's erasures applied again)\n"
          "       flexpool copy --from-data-dir DIR [--from-database URL] --to-data-dir DIR [--to-database URL]\n"
          "                     [--erasure-ledger FILE]\n"
          "                     (a whole installation, evidence included, e.g. SQLite to PostgreSQL)\n"
          "       flexpool routes [--query]   (lists every API endpoint; --query: and the query parameters each takes)\n"
          "       flexpool errors   (lists every API error code with its HTTP status)\n");
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * The sanitizer builds' one known leak that is not ours: fontconfig (Debian 12's 2.14) loses a
 * buffer (256 bytes and a 32-byte one it holds) while Pango's loading thread parses its
 * configuration (FcInitLoadConfigAndFonts) when a document is drawn by a thread that lives to the
 * end (the upkeep's monthly report, `flexpool report make`). LeakSanitizer's quick stacks name
 * only the library, so the suppression names it: a leak allocated anywhere else, ours or another
 * library's, still fails the tests.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }
#endif

int main(int argc, char **argv) {
  if (sodium_init() < 0) {
    fprintf(stderr, "flexpool: libsodium failed to initialise\n");
    return 1;
  }
  if (fp_totp_init() != 0) {
    fprintf(stderr, "flexpool: liboath failed to initialise\n");
    return 1;
  }
  /* glibc hands freed heap tops back to the kernel (madvise) past 128 KiB by default: with a thread
     per connection, every SQLite statement that sorts or groups in a temporary b-tree then cost
     page faults and a TLB shoot-down across the cores. Keep up to 64 MiB a heap instead. */
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  /* A test suite's shortcut (README, "Tests"): passwords hashed at Argon2id's lowest cost. */
  const char *test_hash = getenv("FLEXPOOL_TEST_PASSWORD_HASH");
  if (test_hash && strcmp(test_hash, "lowest") == 0) {
    fp_password_hash_cost(FP_HASH_LOWEST_FOR_TESTS);
    if (strcmp(cmd, "serve") == 0)
      fprintf(stderr, "flexpool: FLEXPOOL_TEST_PASSWORD_HASH=lowest: new passwords are hashed at Argon2id's lowest cost"
                      " (for test suites only, never in service)\n");
  }
  if (strcmp(cmd, "serve") == 0) return fp_cli_serve(argc - 2, argv + 2);
  if (strcmp(cmd, "demo") == 0) return fp_cli_demo(argc - 2, argv + 2);
  if (strcmp(cmd, "user") == 0 && argc >= 3 && strcmp(argv[2], "add") == 0) return fp_cli_user_add(argc - 3, argv + 3);
  if (strcmp(cmd, "user") == 0 && argc >= 3 && strcmp(argv[2], "reset-second-factor") == 0)
    return fp_cli_user_reset_second_factor(argc - 3, argv + 3);
  if (strcmp(cmd, "import") == 0 && argc >= 3 && strcmp(argv[2], "postcodes") == 0)
    return fp_cli_import_postcodes(argc - 3, argv + 3);
  if (strcmp(cmd, "import") == 0 && argc >= 3 && strcmp(argv[2], "ods") == 0)
    return fp_cli_import_ods(argc - 3, argv + 3);
  if (strcmp(cmd, "import") == 0 && argc >= 3 && strcmp(argv[2], "pcn") == 0)
    return fp_cli_import_pcn(argc - 3, argv + 3);
  if (strcmp(cmd, "import") == 0 && argc >= 3 && strcmp(argv[2], "register") == 0)
    return fp_cli_import_register(argc - 3, argv + 3);
  if (strcmp(cmd, "migrate") == 0) return fp_cli_migrate(argc - 2, argv + 2);
  if (strcmp(cmd, "report") == 0 && argc >= 3 && strcmp(argv[2], "make") == 0)
    return fp_cli_report_make(argc - 3, argv + 3);
  if (strcmp(cmd, "backup") == 0) return fp_cli_backup(argc - 2, argv + 2);
  if (strcmp(cmd, "restore") == 0) return fp_cli_restore(argc - 2, argv + 2);
  if (strcmp(cmd, "copy") == 0) return fp_cli_copy(argc - 2, argv + 2);
  if (strcmp(cmd, "routes") == 0) return fp_cli_routes(argc >= 3 && strcmp(argv[2], "--query") == 0);
  if (strcmp(cmd, "errors") == 0) return fp_cli_errors();
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
    usage(stdout);
    return 0;
  }
  usage(stderr);
  return 2;
}
