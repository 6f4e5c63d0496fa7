/*
 * terms.h - terms of engagement in the store (issue 13; the rules in core/terms.h): a clinician's
 * own, a pool's defaults, and which of them a booking of a given clinician through a given pool
 * runs on. The shift's page shows that answer before booking and the booking's transaction copies
 * the same answer into the booking (store/bookings.c), so what was shown is what is agreed.
 */
#ifndef FP_STORE_TERMS_H
#define FP_STORE_TERMS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/terms.h"
#include "store/engine.h"

/* The terms kept for a clinician (pool_id 0) or a pool (clinician_id 0): 0 with *t and *updated_at,
   FP_ENOTFOUND when none are kept (*t then fp_terms_default()), FP_EIO. */
int fp_store_terms_get(struct fp_conn *c, int64_t clinician_id, int64_t pool_id, struct fp_terms *t,
                       int64_t *updated_at);

/* Keeps t (validated by the caller) as the clinician's (pool_id 0) or the pool's (clinician_id 0)
   terms, audited as terms.update on the clinician or the pool. */
int fp_store_terms_put(struct fp_conn *c, int64_t clinician_id, int64_t pool_id, const struct fp_terms *t,
                       int64_t actor, int64_t now);

/* A pool's staff-sharing agreement with its practices: the text they accept with its default terms
   when they post (malloc'd into *text, "" when none). FP_ENOTFOUND: no such pool. */
#define FP_SHARING_AGREEMENT_MAX 8000
int fp_store_sharing_agreement_get(struct fp_conn *c, int64_t pool_id, char **text);
/* Sets it (checked by the caller), audited as pool.sharing_agreement with its length. */
int fp_store_sharing_agreement_put(struct fp_conn *c, int64_t pool_id, const char *text, int64_t actor, int64_t now);

/* The terms a booking of clinician_id through pool_id (0: none) runs on, via_acceptance when the
   practice approved it (an accepted application, an offer): fp_terms_source over what is kept, the
   pool's defaults or fp_terms_default() when the pool keeps none. One statement. */
int fp_store_terms_for_booking(struct fp_conn *c, int64_t clinician_id, int64_t pool_id, bool via_acceptance,
                               struct fp_terms *t, enum fp_terms_source *source);
/* The same, read by the booking itself (store/shifts.h fp_store_book) for shift_id: one statement,
   the clinician's own terms and those of every pool its decision might pick, that
   fp_store_terms_prefetch sends with the booking's locks and other reads, before the pool is
   decided (and before the shift is read: it names the shift by its id). The same rule picks from
   what it reads. */
void fp_store_terms_prefetch(struct fp_conn *c, int64_t clinician_id, int64_t shift_id);
int fp_store_terms_for_booking_at(struct fp_conn *c, int64_t clinician_id, int64_t shift_id, int64_t pool_id,
                                  bool via_acceptance, struct fp_terms *t, enum fp_terms_source *source);

#endif
