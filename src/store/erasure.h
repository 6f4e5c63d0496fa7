/*
 * erasure.h - erasing a closed account's personal data once its retention has run
 * (docs/RETENTION.md), and the erasure ledger.
 *
 * What erasure does to each table is said once, beside how subject access finds the person's rows
 * (store/subject.h, FP_SUBJECT_SOURCES' erase): what only served the account is deleted, the words
 * and identifiers that say who the person was are cleared, and the rows the ICB's figures and the
 * invoices' numbering need stay with the user id as the pseudonym. The ledger (table `erasures`,
 * ids and times only, append-only) records each erasure so that it can be applied again to a
 * restored backup or a copy (app/erasure.h). When an erasure falls due is the core's decision
 * (core/retention.h). Depends on store/db.h only.
 */
#ifndef FP_STORE_ERASURE_H
#define FP_STORE_ERASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

/* A closed account not yet erased, with what its due time depends on. */
struct fp_erasure_candidate {
  int64_t user_id;
  int64_t deactivated_at;
  int64_t last_financial; /* the latest invoice issued or paid, or pension form signed, naming them; 0: none */
};

/*
 * The closed, unerased accounts deactivated at or before closed_before (a lower bound the caller
 * derives from the setting; the core decides each exactly), in the order (deactivated_at, user_id),
 * after the cursor (after_closed, after_id; 0, 0 from the start), at most max of them. cb returns 0
 * to go on. 0, cb's code, or FP_EIO.
 */
int fp_store_erasure_candidates(struct fp_conn *c, int64_t closed_before, int64_t after_closed, int64_t after_id,
                                int max, int (*cb)(const struct fp_erasure_candidate *e, void *ctx), void *ctx);

/* One entry of the ledger. */
struct fp_erasure {
  int64_t user_id, deactivated_at, erased_at;
};

/*
 * Erases one person inside the caller's transaction: the ledger entry first (the database lets an
 * invoice's issuer be cleared only for a person in it), then every source's erasure, then one audit
 * row `user.erase` with no personal value in it. e->erased_at is the time written; e->deactivated_at
 * is used when the account carries none (an account the ledger names but a restored copy holds
 * open: it is closed as well). *done false when they were erased already (nothing written).
 * 0, FP_ENOTFOUND (no such user), or FP_EIO.
 */
int fp_store_erase_person(struct fp_conn *c, const struct fp_erasure *e, bool *done);

/* Every ledger entry, in the order of erasure. cb returns 0 to go on. 0, cb's code, or FP_EIO. */
int fp_store_erasures_list(struct fp_conn *c, int (*cb)(const struct fp_erasure *e, void *ctx), void *ctx);

/*
 * Correspondence past its period: notifications made before notes_before, and emails finished (sent
 * or given up) made before mail_before and webhook deliveries before hooks_before, with their
 * attempts. Inside the caller's transaction. *notes and *sent: how many of each were deleted.
 * 0 or FP_EIO.
 */
int fp_store_correspondence_expire(struct fp_conn *c, int64_t notes_before, int64_t mail_before, int64_t hooks_before,
                                   int64_t *notes, int64_t *sent);

#endif
