/*
 * funding.h - a pool's programme funding in the store (issue 14; docs/METRICS.md, "Funding"): the
 * commissioner's allocations and the programme's spend entries, each dated, append-only (a
 * correction is an entry of its own, negative) and audited.
 *
 * Depends on the store only. Never includes HTTP or JSON headers.
 */
#ifndef FP_STORE_FUNDING_H
#define FP_STORE_FUNDING_H

#include <stdint.h>

#include "core/time.h"
#include "store/db.h"

#define FP_FUNDING_DESCRIPTION_MAX 500

struct fp_funding_entry {
  int64_t id;
  int64_t pool_id;
  char kind[12];                 /* allocation | spend */
  int64_t on_day;                /* the day it applies to (fp_day) */
  int64_t amount_pence;          /* never 0; negative: a correction */
  char description[FP_FUNDING_DESCRIPTION_MAX + 1];
  int64_t created_by;            /* 0: none */
  int64_t created_at;
};

/* Adds e (its pool, kind, day, amount and description) by actor at now, audited as funding.add;
   *id receives its id. */
int fp_store_funding_add(struct fp_conn *c, const struct fp_funding_entry *e, int64_t actor, int64_t now, int64_t *id);
/* The pool's allocations and spend dated in [from, to). */
int fp_store_funding_totals(struct fp_conn *c, int64_t pool_id, fp_day from, fp_day to, int64_t *allocated,
                            int64_t *spent);
/* Every entry of the pool dated in [from, to), by day then id. */
int fp_store_funding_list(struct fp_conn *c, int64_t pool_id, fp_day from, fp_day to,
                          void (*cb)(const struct fp_funding_entry *e, void *ctx), void *ctx);

#endif
