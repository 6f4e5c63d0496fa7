/*
 * working_time.c - the working-time guards (working_time.h).
 *
 * Work: worked time in [t, t + 24 h) is piecewise linear in t and changes slope only where t or
 * t + 24 h meets a session's start or end (the breakpoints), so the most work of any window
 * holding part of the new session, t in [add.start - 24 h, add.end], is found at a breakpoint.
 * Rest: the sessions merged into busy stretches, and those with less than min_rest between them
 * into the duty period that holds the new session.
 */
#include "core/working_time.h"

#include <stdlib.h>

#include "core/error.h"

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

static int by_start(const void *a, const void *b) {
  const struct fp_work *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

static int by_time(const void *a, const void *b) {
  fp_time x = *(const fp_time *)a, y = *(const fp_time *)b;
  return (x > y) - (x < y);
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

int fp_working_time_check(const struct fp_wt_limits *lim, const struct fp_work *others, size_t n,
                          const struct fp_work *add, struct fp_wt_result *out) {
  fp_time lo = add->start - FP_WT_WINDOW, hi = add->end;
  /* The sessions any window of interest touches, and the new one. */
  size_t k = 0;
  struct fp_work *w = malloc((n + 1) * sizeof *w);
  fp_time *bp = malloc((4 * (n + 1) + 2) * sizeof *bp);
  struct fp_work *busy = malloc((n + 1) * sizeof *busy);
  if (!w || !bp || !busy) {
    free(w);
    free(bp);
    free(busy);
    return FP_ENOMEM;
  }
  for (size_t i = 0; i < n; i++)
    if (others[i].end > lo && others[i].start < hi + FP_WT_WINDOW && others[i].end > others[i].start) w[k++] = others[i];
  w[k++] = *add;
  qsort(w, k, sizeof *w, by_start);
  /* Busy time: sessions that overlap or touch are one (no rest between them). */
  size_t nb = 0;
  for (size_t i = 0; i < k; i++) {
    if (nb && w[i].start <= busy[nb - 1].end) {
      if (w[i].end > busy[nb - 1].end) busy[nb - 1].end = w[i].end;
    } else {
      busy[nb++] = w[i];
    }
  }
  size_t nbp = 0;
  bp[nbp++] = lo;
  bp[nbp++] = hi;
  for (size_t i = 0; i < k; i++) {
    fp_time cand[4] = {w[i].start, w[i].end, w[i].start - FP_WT_WINDOW, w[i].end - FP_WT_WINDOW};
    for (int j = 0; j < 4; j++)
      if (cand[j] > lo && cand[j] < hi) bp[nbp++] = cand[j];
  }
  qsort(bp, nbp, sizeof *bp, by_time);

  struct fp_wt_result r = {FP_WT_OK, 0, 0, 0};
  double limit_work = (double)lim->max_worked_minutes * 60;
  for (size_t i = 0; i < nbp; i++) {
    if (i && bp[i] == bp[i - 1]) continue;
    double wk = worked(w, k, bp[i]);
    if (wk > (double)r.worked_seconds) r.worked_seconds = (int64_t)(wk + 0.5);
    if (wk > limit_work + 0.5 && r.outcome == FP_WT_OK) {
      r.outcome = FP_WT_TOO_MUCH_WORK;
      r.window_start = bp[i];
    }
  }
  /* The busy stretch holding add, and its neighbours closer than the rest required. */
  int64_t rest = (int64_t)lim->min_rest_minutes * 60;
  size_t first = 0;
  while (first + 1 < nb && busy[first].end <= add->start) first++;
  size_t last = first;
  while (first > 0 && busy[first].start - busy[first - 1].end < rest) first--;
  while (last + 1 < nb && busy[last + 1].start - busy[last].end < rest) last++;
  r.duty_seconds = busy[last].end - busy[first].start;
  if (r.outcome == FP_WT_OK && r.duty_seconds > FP_WT_WINDOW - rest) {
    r.outcome = FP_WT_TOO_LITTLE_REST;
    r.window_start = busy[first].start;
  }
  free(w);
  free(bp);
  free(busy);
  *out = r;
  return 0;
}
