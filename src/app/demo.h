/*
 * demo.h - the demo data set: one ICB, places, PCNs, 30+ practices, 150 clinicians, demo
 * accounts for every role and four weeks of shifts in every state. `shifts` > 0 scales it.
 *
 * What to insert is decided here (names, places, times, states); the rows are written by
 * store/demo.h in one transaction. Deterministic for a given `now`: a fixed-seed generator.
 */
#ifndef FP_APP_DEMO_H
#define FP_APP_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "http/config.h"
#include "store/db.h"
#include "store/demo.h" /* fp_store_is_empty */

#define FP_DEMO_PASSWORD "flexpool-demo"
/* The FHIR API client the demo registers (its secret is FP_DEMO_PASSWORD). */
#define FP_DEMO_FHIR_CLIENT "demo-fhir"

/* The demo's documented accounts (one per role, and the first clinicians), for the sign-in page. */
const struct fp_http_demo_account *fp_demo_accounts(size_t *n);

/* The documented clinicians (clinician001@ ... clinician150@). */
#define FP_DEMO_CLINICIANS 150
/*
 * Loads the demo into an empty store. shifts 0: the four-week demo; shifts > 0: exactly that many
 * shifts over about shifts / 400 practices (at least the base ones) and as many weeks as needed.
 * clinicians above FP_DEMO_CLINICIANS: that many clinicians in all, the ones past the documented
 * 150 generated (member00001@ ...: mostly pool members, some waiting to join, passports in every
 * state); 0: the 150 alone. FP_ECONFLICT when the store already has users.
 */
int fp_demo_load(struct fp_store *s, int64_t now, long shifts, long clinicians);
/* The same with the shifts asked for spread from history_weeks weeks back (1 to 520) to four weeks
   ahead: years of history for the reporting benchmark (bench/overview.sh). 0: as fp_demo_load. */
int fp_demo_load_history(struct fp_store *s, int64_t now, long shifts, long clinicians, int history_weeks);

/*
 * The postcodes the demo uses, the one source of truth for them: data/postcodes-demo.csv is the
 * same list in the ONS Postcode Directory's layout (tests/unit/app/test_demo.c holds them equal).
 */
struct fp_demo_postcode {
  const char *postcode; /* normalised, "LS6 3BE" */
  double lat, lon;
  int place;            /* 0 Leeds, 1 Bradford District and Craven, 2 Calderdale */
};
const struct fp_demo_postcode *fp_demo_postcodes(size_t *n);

#endif
