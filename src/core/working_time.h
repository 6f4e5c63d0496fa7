/*
 * working_time.h - the working-time guards a pool sets for its clinicians, applied by every
 * booking decision (and so by an accepted application or offer):
 * - work: at most max_worked minutes worked in any 24 hours, every window [t, t + 24 h) and not
 *   only calendar days. Worked time is a session's span less its break, the break spread evenly
 *   over the span (where it falls is not recorded).
 * - rest: at least min_rest consecutive minutes of rest in every 24 hours (the Working Time
 *   Regulations' daily rest). Sessions with less rest than that between them make one duty
 *   period (lunch gaps included); a duty period may last at most 24 h - min_rest (13 hours by
 *   default), so that the rest before and after it reaches min_rest within each 24 hours. (A rest
 *   cut at the edges of a sliding window would refuse a lone session in the middle of the night's
 *   24 hours; the rule is about the rest people actually get between duties.)
 * Two 16-hour shifts back to back are refused (either alone is over 13 hours' work); a morning and
 * an afternoon session with a lunch gap are not. Where several pools apply, the strictest of their
 * values. Pure.
 */
#ifndef FP_CORE_WORKING_TIME_H
#define FP_CORE_WORKING_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/time.h"

#define FP_WT_DEFAULT_MAX_WORKED 780 /* 13 hours */
#define FP_WT_DEFAULT_MIN_REST 660   /* 11 hours */
#define FP_WT_WINDOW (24 * 3600)

struct fp_wt_limits {
  int32_t max_worked_minutes; /* in any 24 hours */
  int32_t min_rest_minutes;   /* consecutive, in every 24 hours */
};

/* The defaults above. */
struct fp_wt_limits fp_wt_defaults(void);
/* Whether a pool may set these: max_worked 60..1440, min_rest 0..1380, and both together fit in
   24 hours (max_worked + min_rest <= 1440). */
bool fp_wt_limits_valid(const struct fp_wt_limits *l);
/* acc becomes the stricter of acc and other in each value. */
void fp_wt_limits_stricter(struct fp_wt_limits *acc, const struct fp_wt_limits *other);

/* A booked session: [start, end) with break_minutes of it not worked. */
struct fp_work {
  fp_time start, end;
  int32_t break_minutes;
};

enum fp_wt_outcome {
  FP_WT_OK = 0,
  FP_WT_TOO_MUCH_WORK, /* some 24 hours holding part of the new session would hold more work than allowed */
  FP_WT_TOO_LITTLE_REST, /* its duty period would last longer than 24 h less the rest required */
};

struct fp_wt_result {
  enum fp_wt_outcome outcome;
  fp_time window_start;   /* too much work: the first 24 hours found over the limit; too little
                             rest: the duty period's start */
  int64_t worked_seconds; /* the most worked in any 24 hours holding part of the new session */
  int64_t duty_seconds;   /* the duty period holding it: first start to last end */
};

/*
 * Whether adding `add` to the clinician's other sessions keeps every 24 hours that holds part of
 * it within the limits (windows that do not touch it are not this booking's doing). others may
 * hold sessions far from add (ignored) and may be in any order.
 */
void fp_working_time_check(const struct fp_wt_limits *lim, const struct fp_work *others, size_t n,
                           const struct fp_work *add, struct fp_wt_result *out);

#endif
