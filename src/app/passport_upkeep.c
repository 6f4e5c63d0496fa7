/* The passport's background upkeep steps. See passport_upkeep.h. */
#include "app/passport_upkeep.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "http/prometheus.h"

#include "store/passport.h"

static int lapses(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  struct fp_reexam rx;
  memset(&rx, 0, sizeof rx);
  int rc = fp_store_passport_reexamine_all(c, NULL, 0, now, 0, &rx);
  if (rc == 0 && (rx.n_flagged || rx.n_cleared))
    fprintf(stderr, "flexpool: passport upkeep: %d future booking(s) flagged passport_lapsed, %d restored\n",
            rx.n_flagged, rx.n_cleared);
  fp_reexam_release(&rx);
  return rc;
}

static int retention(struct fp_conn *c, int64_t now, void *ctx) {
  struct fp_app *app = ctx;
  int n = 0;
  int rc = fp_store_evidence_expire(c, app->cfg.dbs_retention_months, now, &n);
  if (rc == 0 && n) fprintf(stderr, "flexpool: passport upkeep: %d DBS certificate cop%s deleted after retention\n", n,
                            n == 1 ? "y" : "ies");
  return rc;
}

/* After retention, in a transaction of its own: the files of what it deleted. */
static int evidence_files(struct fp_conn *c, int64_t now, void *ctx) {
  (void)now;
  (void)ctx;
  int n = 0;
  return fp_store_evidence_files_remove(c, &n);
}

static const char LAPSES[] = "passport lapses", RETENTION[] = "DBS retention", EVIDENCE_FILES[] = "evidence files";

int fp_passport_upkeep_add(struct fp_sweeper *s, struct fp_app *app) {
  /* The sweeper's first round may already be under way: run both once now, at start-up. */
  fp_upkeep_run(&app->store, LAPSES, lapses, NULL);
  fp_upkeep_run(&app->store, RETENTION, retention, app);
  fp_upkeep_run(&app->store, EVIDENCE_FILES, evidence_files, app);
  if (!s) return 0;
  int rc = fp_sweeper_add(s, LAPSES, lapses, NULL);
  if (!rc) rc = fp_sweeper_add(s, RETENTION, retention, app);
  if (!rc) rc = fp_sweeper_add(s, EVIDENCE_FILES, evidence_files, app);
  return rc;
}
