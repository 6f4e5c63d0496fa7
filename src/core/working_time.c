/*
 * working_time.c - the working-time guards (working_time.h).
 *
 * Work: worked time in [t, t + 24 h) is piecewise linear in t and changes slope only where t or
 * t + 24 h meets a session's start or end (the breakpoints), so the most work of any window
 * holding part of the new session, t in [add.start - 24 h, add.end], is found at a breakpoint.
 * Rest: the duty period that holds the new session, grown by every session less than min_rest
 * from it. No allocation and no sorting (the core links only what tests/unit/core_purity.sh
 * allows): a booking's neighbours within 24 hours are few, so the quadratic walks cost nothing.
 */
#include "core/working_time.h"


struct fp_wt_limits fp_wt_defaults(void) {
  return (struct fp_wt_limits){FP_WT_DEFAULT_MAX_WORKED, FP_WT_DEFAULT_MIN_REST};
}

bool fp_wt_limits_valid(const struct fp_wt_limits *l) {
  return l && l->max_worked_minutes >= 60 && l->max_worked_minutes <= 1440 && l->min_rest_minutes >= 0 &&
         l->min_rest_minutes <= 1380 && l->max_worked_minutes + l->min_rest_minutes <= 1440;
}

void fp_wt_limits_stricter(struct fp_wt_limits *acc, const struct fp_wt_limits *other) {
  if (other->max_worked_minutes < acc->max_worked_minutes) acc->max_worked_minutes = other->max_worked_minutes;
  if (other->min_rest_minutes > acc->min_rest_minutes) acc->min_rest_minutes = other->min_rest_minutes;
}

/* Seconds worked in [t, t + 24 h): each session's overlap with it, less its share of the break. */
static double worked(const struct fp_work *w, size_t n, fp_time t) {
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    fp_time s = w[i].start > t ? w[i].start : t;
    fp_time e = w[i].end < t + FP_WT_WINDOW ? w[i].end : t + FP_WT_WINDOW;
    if (e <= s) continue;
    double span = (double)(w[i].end - w[i].start), brk = (double)w[i].break_minutes * 60;
    if (brk > span) brk = span;
    sum += (double)(e - s) * (span - brk) / span;
  }
  return sum;
}

/* Whether w is one of the sessions a window of interest can touch: within 24 hours of add. */
static bool near(const struct fp_work *w, const struct fp_work *add) {
  return w->end > w->start && w->end > add->start - FP_WT_WINDOW && w->start < add->end + FP_WT_WINDOW;
}

/* Seconds worked in [t, t + 24 h) by add and the others near it. */
static double worked_all(const struct fp_work *others, size_t n, const struct fp_work *add, fp_time t) {
  double sum = worked(add, 1, t);
  for (size_t i = 0; i < n; i++)
    if (near(&others[i], add)) sum += worked(&others[i], 1, t);
  return sum;
}

void fp_working_time_check(const struct fp_wt_limits *lim, const struct fp_work *others, size_t n,
                           const struct fp_work *add, struct fp_wt_result *out) {
  struct fp_wt_result r = {FP_WT_OK, 0, 0, 0};
  fp_time lo = add->start - FP_WT_WINDOW, hi = add->end;
  double limit_work = (double)lim->max_worked_minutes * 60;
  /* Work: at every breakpoint in [lo, hi] (no order needed, each is evaluated on its own). */
  for (size_t i = 0; i <= n; i++) {
    const struct fp_work *w = i < n ? &others[i] : add;
    if (i < n && !near(w, add)) continue;
    fp_time cand[6] = {w->start, w->end, w->start - FP_WT_WINDOW, w->end - FP_WT_WINDOW, lo, hi};
    for (int j = 0; j < 6; j++) {
      if (cand[j] < lo || cand[j] > hi) continue;
      double wk = worked_all(others, n, add, cand[j]);
      if (wk > (double)r.worked_seconds) r.worked_seconds = (int64_t)(wk + 0.5);
      if (wk > limit_work + 0.5 && (r.outcome == FP_WT_OK || cand[j] < r.window_start)) {
        r.outcome = FP_WT_TOO_MUCH_WORK;
        r.window_start = cand[j];
      }
    }
  }
  /* Rest: the duty period grows from add by every session less than min_rest from it (or
     touching it), until none is left to join. */
  int64_t rest = (int64_t)lim->min_rest_minutes * 60;
  fp_time d0 = add->start, d1 = add->end;
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t i = 0; i < n; i++) {
      const struct fp_work *w = &others[i];
      if (!near(w, add) || (w->start >= d0 && w->end <= d1)) continue;
      int64_t gap = w->start >= d1 ? w->start - d1 : d0 - w->end;
      if (gap < rest || gap <= 0) {
        if (w->start < d0) d0 = w->start;
        if (w->end > d1) d1 = w->end;
        grew = true;
      }
    }
  }
  r.duty_seconds = d1 - d0;
  if (r.outcome == FP_WT_OK && r.duty_seconds > FP_WT_WINDOW - rest) {
    r.outcome = FP_WT_TOO_LITTLE_REST;
    r.window_start = d0;
  }
  *out = r;
}
