/* demo_availability.h - the demo clinicians' availability (issue 12). */
#ifndef FP_APP_DEMO_AVAILABILITY_H
#define FP_APP_DEMO_AVAILABILITY_H

#include <stddef.h>
#include <stdint.h>

struct fp_conn;

/*
 * Gives each of the n clinicians a weekly pattern (weekday sessions, a few Saturdays, evenings and
 * their own hours now and then), and to some a holiday or a one-off extra day in the weeks after
 * now: from a fixed seed of its own, so the rest of the demo is as before. In the demo's write
 * transaction.
 */
int fp_demo_availability(struct fp_conn *c, int64_t now, const int64_t *clinician_ids, size_t n);

#endif
