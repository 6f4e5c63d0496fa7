/*
 * erasure.h - closed accounts erased when their retention has run, as a step of the background
 * upkeep ("closed-account erasure": at start-up and every --upkeep-interval; when is the core's
 * decision, core/retention.h; what, the store's, store/erasure.h), and the erasure ledger kept
 * in a file (--erasure-ledger) so that an erasure is applied again to a restored backup or a copy.
 * A third step ("correspondence", at start-up and then daily) deletes notifications and sent emails
 * older than two years and webhook deliveries older than 90 days.
 *
 * The ledger file holds one JSON object per line, {"user_id":N,"deactivated_at":T,"erased_at":T}
 * (ids and times only, no personal data), rewritten whole from the store's ledger table after each
 * run that erased someone (a temporary file, fsync, rename).
 */
#ifndef FP_APP_ERASURE_H
#define FP_APP_ERASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/sweeper.h"
#include "store/db.h"

/* Erasures made in one upkeep run at most; the rest wait for the next run (said on stderr). */
#define FP_ERASURES_PER_RUN 100

/* Registers the step (and runs it once now); app must outlive the sweeper. 0, or FP_ENOMEM. */
int fp_erasure_upkeep_add(struct fp_sweeper *s, struct fp_app *app);

/*
 * Applies the ledger again: every person named in the ledger file at path (when path is not NULL;
 * a file that does not exist is an empty ledger unless must_exist) and in the store's own ledger
 * table is erased in the store if they are not already, with the entry's times; entries the table
 * lacks are added to it. *applied: how many were erased now. 0, or -1 after saying on stderr what
 * is wrong (a line that is not an entry: the file is refused whole, nothing applied from it).
 */
int fp_erasure_ledger_apply(struct fp_store *store, const char *path, bool must_exist, int *applied);

/* Writes the store's ledger table to path (a temporary file beside it, fsync, rename). 0 or -1 (said). */
int fp_erasure_ledger_write(struct fp_store *store, const char *path);

#endif
