/* session_upkeep.c - expired sessions deleted by the background upkeep (session_upkeep.h). */
#include "app/session_upkeep.h"

#include <stdio.h>

#include "store/accounts.h"

static int expired(struct fp_conn *c, int64_t now, void *ctx) {
  const struct fp_app *app = ctx;
  int64_t n = 0;
  int rc = fp_store_sessions_expire(c, now, app->cfg.session_idle_seconds, &n);
  if (rc == 0 && n) fprintf(stderr, "flexpool: session upkeep: %lld expired session(s) deleted\n", (long long)n);
  return rc;
}

static const char EXPIRED[] = "expired sessions";

int fp_session_upkeep_add(struct fp_sweeper *s, struct fp_app *app) {
  fp_upkeep_run(&app->store, EXPIRED, expired, app);
  return s ? fp_sweeper_add(s, EXPIRED, expired, app) : 0;
}
