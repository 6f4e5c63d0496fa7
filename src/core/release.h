/*
 * release.h - tiered release of a shift (issue 12): which clinicians a shift is open to now.
 *
 * A practice posts a shift to its whole pool at once (FP_RELEASE_ALL, the default) or in tiers
 * (FP_RELEASE_TIERED):
 *   1. favourites: the practice's favourite clinicians (who share a pool with it), at posting;
 *   2. pool: every clinician of its pools, `pool_after_hours` after posting or when
 *      `pool_before_start_hours` remain before the start, whichever comes first;
 *   3. overflow: also the clinicians of the other pools of the same ICB that opted in to
 *      overflow, when `overflow_before_start_hours` remain.
 * The delays are the practice's (defaults 24, 168 and 72 hours) and count on the UK clock: 24 hours
 * after 10:00 is 10:00 the next day and 7 days before 09:00 Monday is 09:00 the Monday before,
 * whether or not the clocks change in between (a time that does not exist in the spring gap moves
 * an hour later, as fp_uk_local_to_utc does).
 *
 * fp_release_decide is the one decision. The store keeps its opening instants on the shift
 * (written whenever the facts change: posting, a new start, the practice's delays) so that the
 * scope's SQL compares them with a bound `now` and never computes a tier itself.
 */
#ifndef FP_CORE_RELEASE_H
#define FP_CORE_RELEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"

enum fp_release_mode { FP_RELEASE_ALL, FP_RELEASE_TIERED };

/* The tier open at an instant: each includes those before it. */
enum fp_release_tier { FP_TIER_FAVOURITES = 1, FP_TIER_POOL = 2, FP_TIER_OVERFLOW = 3 };

/* An instant that never comes: a tier that never opens. */
#define FP_RELEASE_NEVER INT64_MAX

/* The practice's delays, in whole hours. */
struct fp_release_delays {
  int32_t pool_after_hours;            /* after posting */
  int32_t pool_before_start_hours;     /* before the start */
  int32_t overflow_before_start_hours; /* before the start */
};

#define FP_RELEASE_MAX_AFTER_HOURS 720   /* 30 days */
#define FP_RELEASE_MAX_BEFORE_HOURS 2160 /* 90 days */

struct fp_release_delays fp_release_default_delays(void);
/*
 * Whether d may be a practice's delays: each within 0..its maximum, and overflow opening no earlier
 * than the pool (overflow_before_start_hours <= pool_before_start_hours). NULL when valid, else the
 * field at fault ("pool_after_hours", ...) with a sentence in why.
 */
const char *fp_release_delays_invalid(const struct fp_release_delays *d, const char **why);

const char *fp_release_mode_name(enum fp_release_mode m);
int fp_release_mode_parse(const char *s, enum fp_release_mode *out);
const char *fp_release_tier_name(enum fp_release_tier t);

/* A shift's facts: when it was posted, when it starts, how it is released, the practice's delays. */
struct fp_release_facts {
  fp_time posted_at, starts_at;
  enum fp_release_mode mode;
  struct fp_release_delays delays;
};

struct fp_release {
  enum fp_release_tier tier; /* open at now */
  fp_time pool_at;           /* the instant tier 2 opens (posted_at when released to all) */
  fp_time overflow_at;       /* the instant tier 3 opens; FP_RELEASE_NEVER when released to all */
  fp_time next_at;           /* the next tier's opening after now; FP_RELEASE_NEVER when none */
};

/* The tier open at `now` and when each opens. */
void fp_release_decide(const struct fp_release_facts *f, fp_time now, struct fp_release *out);

/*
 * The same decision from the opening instants alone (as the store keeps them): what
 * fp_release_decide answers for the facts those instants came from.
 */
void fp_release_at(fp_time pool_at, fp_time overflow_at, fp_time now, struct fp_release *out);

#endif
