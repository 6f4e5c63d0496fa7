/* A pool's rate policy: its cap and its escalation schedule. See rate_policy.h. */
#include "core/rate_policy.h"

#include <string.h>

#include "core/error.h"

/* The schedule is written and checked as core/terms.h's cancellation bands are: the same form and
   the same rule (notice from the longest to the shortest, the percentage rising, 1 to 100). */
static void to_bands(const struct fp_rate_step *steps, int32_t n, struct fp_terms *t) {
  *t = fp_terms_default();
  t->n_bands = n;
  for (int32_t i = 0; i < n; i++) t->bands[i] = (struct fp_cancel_band){steps[i].hours_before, steps[i].percent};
}

bool fp_rate_steps_valid(const struct fp_rate_step *steps, int32_t n) {
  if (n < 0 || n > FP_RATE_MAX_STEPS) return false;
  struct fp_terms t;
  to_bands(steps, n, &t);
  const char *field = NULL;
  return fp_terms_validate(&t, &field) == 0;
}

void fp_rate_steps_format(const struct fp_rate_policy *p, char buf[FP_RATE_STEPS_LEN]) {
  struct fp_terms t;
  to_bands(p->steps, p->n_steps, &t);
  fp_terms_bands_format(&t, buf);
}

int fp_rate_steps_parse(const char *s, struct fp_rate_policy *p) {
  struct fp_terms t = fp_terms_default();
  if (fp_terms_bands_parse(s, &t) != 0) return FP_EINVAL;
  p->n_steps = t.n_bands;
  for (int32_t i = 0; i < t.n_bands; i++) p->steps[i] = (struct fp_rate_step){t.bands[i].notice_hours, t.bands[i].fee_percent};
  return 0;
}

bool fp_rate_over_cap(const struct fp_rate_policy *p, int64_t hourly_pence) {
  return p->cap_hourly_pence > 0 && hourly_pence > p->cap_hourly_pence;
}

/* a * pct / 100, rounded half up (a >= 0, pct 0 .. 100). */
static int64_t percent_of(int64_t a, int32_t pct) { return (a * pct + 50) / 100; }

bool fp_rate_escalation(const struct fp_rate_policy *p, int64_t posted_pence, int64_t posted_hourly, fp_time now,
                        fp_time starts_at, struct fp_escalation *out) {
  if (now >= starts_at || posted_pence <= 0) return false;
  int32_t step = 0;
  for (int32_t i = 0; i < p->n_steps; i++)
    if (now >= starts_at - (fp_time)p->steps[i].hours_before * 3600) step = i + 1; /* the later, the shorter notice */
  if (!step) return false;
  int32_t pct = p->steps[step - 1].percent;
  int64_t rate = posted_pence + percent_of(posted_pence, pct);
  int64_t hourly = posted_hourly + percent_of(posted_hourly, pct);
  bool capped = false;
  if (fp_rate_over_cap(p, hourly)) {
    /* The cap's equivalent in the shift's own unit, never below what was posted. */
    int64_t at_cap = posted_hourly > 0 ? posted_pence * p->cap_hourly_pence / posted_hourly : posted_pence;
    rate = at_cap > posted_pence ? at_cap : posted_pence;
    hourly = p->cap_hourly_pence > posted_hourly ? p->cap_hourly_pence : posted_hourly;
    capped = true;
  }
  *out = (struct fp_escalation){step, pct, rate, hourly, capped};
  return true;
}
