/*
 * demo_passport.h - the demo's passports, added as the last step of the demo load (app/demo.c),
 * inside its transaction.
 *
 * clinician001-100, and every other demo clinician outside 101-150 (the --shifts benchmark's GPs),
 * are fully compliant: every check their profession requires is verified and valid for a year from
 * the day the demo is loaded (a yearly course is dated that day). clinician101-150 cycle through
 * every compliance state, by (number - 101) % 6:
 *   0 compliant;
 *   1 missing: no DBS check or indemnity at all;
 *   2 submitted: a DBS certificate and references awaiting the pool, with evidence to open;
 *   3 expiring: basic life support ends within 30 days (bookable now, not for every shift ahead);
 *   4 expired: basic life support ran out last month;
 *   5 rejected: the occupational health clearance was rejected, with the pool's reason.
 * Most of 101-140 are pool members whose professions have open shifts at pool practices, so a
 * refusal (409 not_eligible naming the checks) can be seen; their bookings already made are
 * re-examined at the end and flagged passport_lapsed where the passport no longer covers them.
 *
 * Each passport has its history: what a clinician brought was decided the day after they joined,
 * and a record renewed since replaced one that was valid until a few weeks after the renewal's
 * date, back to one in hand when they joined. So the figures read as the records stood on a past
 * day (the NHS England return's GPs onboarded at a month's end) find them complete since joining.
 */
#ifndef FP_APP_DEMO_PASSPORT_H
#define FP_APP_DEMO_PASSPORT_H

#include <stdint.h>

#include "store/db.h"

/* verifier: the user recorded as having verified (the pool administrator). */
int fp_demo_passports(struct fp_conn *c, int64_t now, int64_t verifier);

#endif
