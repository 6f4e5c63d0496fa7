/*
 * passport_upkeep.h - the passport's steps in the server's background upkeep (app/sweeper.h), run
 * at start-up and then every --upkeep-interval seconds, each in its own write transaction:
 *   - "passport lapses": every future booking is re-examined against the clinician's passport on
 *     its day and flagged passport_lapsed when a check has expired, was rejected or is missing
 *     (the verification transaction already does this for the records it changes; this catches
 *     everything else, such as a register import or a requirement added while the server ran);
 *   - "DBS retention": copies of DBS certificates are deleted --dbs-retention-months after the
 *     pool's decision (default 6); the verified facts stay.
 */
#ifndef FP_APP_PASSPORT_UPKEEP_H
#define FP_APP_PASSPORT_UPKEEP_H

#include "app/app.h"
#include "app/sweeper.h"

/* Registers the steps; app must outlive the sweeper. 0, or FP_ENOMEM when a step could not be added. */
int fp_passport_upkeep_add(struct fp_sweeper *s, struct fp_app *app);

#endif
