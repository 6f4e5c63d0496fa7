/*
 * rate_policy.h - a pool's rate policy (issue 13): a cap on the rate a shift is posted at, and an
 * escalation schedule that raises the rate of an unfilled shift as its start draws near, for the
 * practices that opted in.
 *
 * The cap is an hourly equivalent (a session's rate is compared by its hours, as the search's
 * minimum rate is). The schedule's steps run from the longest notice to the shortest, each with a
 * higher percentage, e.g. +5 % when 72 hours remain and +10 % at 24 hours (written "72:5,24:10",
 * the same form as the cancellation bands of core/terms.h). Each step is a percentage of the rate
 * the practice posted, not of the rate before it (never compounded), and never takes the rate past
 * the cap. Depends on core/terms.h and core/time.h.
 */
#ifndef FP_CORE_RATE_POLICY_H
#define FP_CORE_RATE_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/terms.h"
#include "core/time.h"

#define FP_RATE_MAX_STEPS FP_TERMS_MAX_BANDS
/* The longest notice a step may give, in hours (four weeks, as a cancellation band). */
#define FP_RATE_MAX_STEP_HOURS FP_TERMS_MAX_NOTICE_HOURS

struct fp_rate_step {
  int32_t hours_before; /* 1 .. FP_RATE_MAX_STEP_HOURS: applies from this many hours before the start */
  int32_t percent;      /* 1 .. 100: of the posted rate */
};

struct fp_rate_policy {
  int64_t cap_hourly_pence; /* 0: no cap */
  int32_t n_steps;          /* 0 .. FP_RATE_MAX_STEPS: no escalation when 0 */
  struct fp_rate_step steps[FP_RATE_MAX_STEPS];
};

/* The steps as text, "72:5,24:10" ("" for none), as kept in the database. */
#define FP_RATE_STEPS_LEN FP_TERMS_BANDS_LEN
void fp_rate_steps_format(const struct fp_rate_policy *p, char buf[FP_RATE_STEPS_LEN]);
/* Reads that text into p's steps: 0, or FP_EINVAL (p untouched) for steps out of range or not from
   the longest notice to the shortest with rising percentages. */
int fp_rate_steps_parse(const char *s, struct fp_rate_policy *p);
/* Whether steps[0..n) are valid as a schedule (the rule fp_rate_steps_parse applies). */
bool fp_rate_steps_valid(const struct fp_rate_step *steps, int32_t n);

/* Whether a shift whose rate's hourly equivalent is hourly_pence goes past the cap. */
bool fp_rate_over_cap(const struct fp_rate_policy *p, int64_t hourly_pence);

struct fp_escalation {
  int32_t step;       /* 1-based: the step that applies */
  int32_t percent;    /* its percentage */
  int64_t rate_pence; /* the rate, in the shift's own unit */
  int64_t hourly_pence; /* its hourly equivalent */
  bool capped;        /* lowered to the cap */
};

/*
 * The rate an unfilled shift should have at now: the step with the shortest notice whose time has
 * come (now at or after starts_at - hours_before, and before the start), posted_pence raised by
 * its percentage (rounded half up to the penny), lowered to the cap when it would pass it (the
 * cap's equivalent in the shift's unit, posted_pence * cap / posted_hourly, rounded down), never
 * below the posted rate. posted_hourly is the posted rate's hourly equivalent. false when no step
 * applies (none has come, the start has passed, or there are none).
 */
bool fp_rate_escalation(const struct fp_rate_policy *p, int64_t posted_pence, int64_t posted_hourly, fp_time now,
                        fp_time starts_at, struct fp_escalation *out);

#endif
