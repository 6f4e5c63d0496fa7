/*
 * capacity.h - what the capacity figures read (issue 12; defined in docs/METRICS.md): a pool's active
 * clinician members, a page at a time, and the shifts posted at its practices in a window. Which
 * sessions a clinician declared is decided by the core (fp_availability_covers), in
 * src/http/h_capacity.c.
 */
#ifndef FP_STORE_CAPACITY_H
#define FP_STORE_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fp_conn;

/* Up to limit ids of the pool's active clinician members after after_id, in id order; *n of them. */
int fp_store_pool_clinician_ids(struct fp_conn *c, int64_t pool_id, int64_t after_id, int limit, int64_t *ids, size_t *n);

/*
 * Each shift posted at a practice of the pool that starts in [from, to) and is still posted (open,
 * booked or completed: not withdrawn or cancelled): cb(starts_at, booked) with booked for booked
 * or completed ones.
 */
int fp_store_pool_demand(struct fp_conn *c, int64_t pool_id, int64_t from, int64_t to,
                         void (*cb)(int64_t starts_at, bool booked, void *ctx), void *ctx);

#endif
