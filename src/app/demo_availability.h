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

/*
 * Gives about half of the n clinicians (professions[i] each one's) alert preferences of their own -
 * a distance, a least rate, the daily digest, later quiet hours, now and then alerts off - and
 * leaves the rest on the defaults, from a seed of its own; the upkeep then alerts them to the
 * demo's open shifts that fit (src/store/alerts.h). In the demo's write transaction.
 */
int fp_demo_alert_prefs(struct fp_conn *c, int64_t now, const int64_t *clinician_ids, const char *const *professions,
                        size_t n);

#endif
