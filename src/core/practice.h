/*
 * practice.h - what makes a practice ready for the pool (docs/METRICS.md, "practices onboarded").
 *
 * Pure: no I/O. A practice's profile is complete when it tells a locum the three things needed
 * before the first session: the clinical system, the induction and whom to ask for on arrival.
 */
#ifndef FP_CORE_PRACTICE_H
#define FP_CORE_PRACTICE_H

#include <stdbool.h>

/* Each argument is the profile's text for it, NULL when absent; blank counts as absent. */
bool fp_practice_profile_complete(const char *clinical_system, const char *induction, const char *contact_on_arrival);

#endif
