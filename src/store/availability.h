/*
 * availability.h - storing when clinicians said they can work (tables availability_windows and
 * availability_exceptions, migration 17). The store keeps the pattern; whether a shift lies inside it
 * is decided by the core alone (src/core/availability.h fp_availability_covers).
 */
#ifndef FP_STORE_AVAILABILITY_H
#define FP_STORE_AVAILABILITY_H

#include <stdint.h>

#include "core/availability.h"

struct fp_conn;

/* One clinician's pattern as stored, in fixed arrays (the limits are enforced where it comes in). */
struct fp_stored_availability {
  struct fp_avail_window windows[FP_AVAIL_MAX_WINDOWS];
  size_t n_windows;
  struct fp_avail_exception exceptions[FP_AVAIL_MAX_EXCEPTIONS];
  size_t n_exceptions;
};

/* The core's view of a stored pattern (borrows sa's arrays). */
struct fp_availability fp_stored_availability_view(const struct fp_stored_availability *sa);

/*
 * Reads clinician_id's pattern (windows by weekday and start, exceptions by date): 0 (an empty
 * pattern when they said nothing), FP_ETOOBIG if more rows are stored than the limits allow (never
 * cut), or FP_EIO.
 */
int fp_store_availability_get(struct fp_conn *c, int64_t clinician_id, struct fp_stored_availability *out);

/*
 * The patterns of n clinicians at once (ids in ascending order, each once), in two statements
 * whatever n: out[i] is ids[i]'s pattern as fp_store_availability_get reads it, its arrays pointing
 * into *rows (valid until fp_availability_rows_free). 0, FP_ETOOBIG (one of them holds more than the
 * limits), FP_ENOMEM or FP_EIO. For matching a shift to many clinicians (store/alerts.c).
 */
struct fp_availability_rows {
  struct fp_avail_window *windows;
  struct fp_avail_exception *exceptions;
};
int fp_store_availability_many(struct fp_conn *c, const int64_t *ids, size_t n, struct fp_availability *out,
                               struct fp_availability_rows *rows);
void fp_availability_rows_free(struct fp_availability_rows *rows);

/*
 * Replaces clinician_id's whole pattern with a (validated by the caller with
 * fp_availability_validate), audited as "availability.set" by actor. In a write transaction.
 */
int fp_store_availability_set(struct fp_conn *c, int64_t clinician_id, const struct fp_availability *a, int64_t actor,
                              int64_t now);
/* The same without the audit row: the demo's load, audited once as a whole (src/app/demo.c). */
int fp_store_availability_replace(struct fp_conn *c, int64_t clinician_id, const struct fp_availability *a);

#endif
