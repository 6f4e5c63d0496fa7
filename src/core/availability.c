/*
 * availability.c - the weekly pattern with exceptions, and whether a shift lies inside it.
 *
 * The decision walks a cursor from the shift's start: any window (of the weekly pattern or an extra
 * day) on a local day near the shift that contains the cursor moves it to that window's end; the
 * shift is covered when the cursor reaches its end. Windows are turned into instants per local day
 * with fp_uk_local_to_utc, so clock changes are handled where they happen.
 */
#include "core/availability.h"

#include <string.h>

#include "core/error.h"

#define MIN_PER_DAY 1440

static const struct {
  enum fp_avail_session s;
  const char *name;
  int start, end;
} SESSIONS[] = {
    {FP_AVAIL_SESSION_MORNING, "morning", 8 * 60, 13 * 60},
    {FP_AVAIL_SESSION_AFTERNOON, "afternoon", 13 * 60, 18 * 60 + 30},
    {FP_AVAIL_SESSION_EVENING, "evening", 18 * 60 + 30, 21 * 60},
};
#define N_SESSIONS (sizeof SESSIONS / sizeof SESSIONS[0])

int fp_avail_session_hours(enum fp_avail_session s, int *start_min, int *end_min) {
  for (size_t i = 0; i < N_SESSIONS; i++) {
    if (SESSIONS[i].s == s) {
      *start_min = SESSIONS[i].start;
      *end_min = SESSIONS[i].end;
      return FP_OK;
    }
  }
  return FP_EINVAL;
}

enum fp_avail_session fp_avail_session_of(int start_min, int end_min) {
  for (size_t i = 0; i < N_SESSIONS; i++)
    if (SESSIONS[i].start == start_min && SESSIONS[i].end == end_min)
      return SESSIONS[i].s;
  return FP_AVAIL_SESSION_NONE;
}

enum fp_avail_session fp_avail_session_at(int minute_of_day) {
  if (minute_of_day < 13 * 60) return FP_AVAIL_SESSION_MORNING;
  if (minute_of_day < 18 * 60 + 30) return FP_AVAIL_SESSION_AFTERNOON;
  return FP_AVAIL_SESSION_EVENING;
}

const char *fp_avail_session_name(enum fp_avail_session s) {
  for (size_t i = 0; i < N_SESSIONS; i++)
    if (SESSIONS[i].s == s)
      return SESSIONS[i].name;
  return NULL;
}

enum fp_avail_session fp_avail_session_parse(const char *name) {
  if (name)
    for (size_t i = 0; i < N_SESSIONS; i++)
      if (strcmp(SESSIONS[i].name, name) == 0)
        return SESSIONS[i].s;
  return FP_AVAIL_SESSION_NONE;
}

static int hours_ok(int start_min, int end_min) {
  return start_min >= 0 && start_min < MIN_PER_DAY && end_min > start_min && end_min <= MIN_PER_DAY;
}

enum fp_avail_problem fp_availability_validate(const struct fp_availability *a, size_t *index) {
  *index = 0;
  if (a->n_windows > FP_AVAIL_MAX_WINDOWS) {
    *index = FP_AVAIL_MAX_WINDOWS;
    return FP_AVAIL_TOO_MANY_WINDOWS;
  }
  if (a->n_exceptions > FP_AVAIL_MAX_EXCEPTIONS) {
    *index = FP_AVAIL_MAX_EXCEPTIONS;
    return FP_AVAIL_TOO_MANY_EXCEPTIONS;
  }
  for (size_t i = 0; i < a->n_windows; i++) {
    const struct fp_avail_window *w = &a->windows[i];
    *index = i;
    if (w->weekday < 0 || w->weekday > 6)
      return FP_AVAIL_BAD_WEEKDAY;
    if (!hours_ok(w->start_min, w->end_min))
      return FP_AVAIL_BAD_HOURS;
  }
  for (size_t i = 0; i < a->n_exceptions; i++) {
    const struct fp_avail_exception *e = &a->exceptions[i];
    *index = i;
    if (e->kind == FP_AVAIL_UNAVAILABLE) {
      if (e->to < e->from || (long)e->to - (long)e->from + 1 > FP_AVAIL_MAX_RANGE_DAYS)
        return FP_AVAIL_BAD_RANGE;
    } else if (e->kind == FP_AVAIL_EXTRA) {
      if (e->to != e->from)
        return FP_AVAIL_BAD_RANGE;
      if (!hours_ok(e->start_min, e->end_min))
        return FP_AVAIL_BAD_HOURS;
    } else {
      return FP_AVAIL_BAD_KIND;
    }
  }
  *index = 0;
  return FP_AVAIL_OK;
}

void fp_avail_local_interval(fp_day day, int start_min, int end_min, fp_time *start, fp_time *end) {
  *start = fp_uk_local_to_utc(day, start_min / 60, start_min % 60, 0);
  /* 24:00 is the next day's midnight, which fp_uk_local_to_utc reads on that day's clock. */
  if (end_min >= MIN_PER_DAY)
    *end = fp_uk_local_to_utc(day + 1, 0, 0, 0);
  else
    *end = fp_uk_local_to_utc(day, end_min / 60, end_min % 60, 0);
}

static int day_off(const struct fp_availability *a, fp_day day) {
  for (size_t i = 0; i < a->n_exceptions; i++) {
    const struct fp_avail_exception *e = &a->exceptions[i];
    if (e->kind == FP_AVAIL_UNAVAILABLE && day >= e->from && day <= e->to)
      return 1;
  }
  return 0;
}

/* Moves *cursor to the end of a window that contains it, if one does; returns 1 if it moved. */
static int advance(fp_day day, int start_min, int end_min, fp_time *cursor) {
  fp_time s, e;
  fp_avail_local_interval(day, start_min, end_min, &s, &e);
  if (s <= *cursor && *cursor < e) {
    *cursor = e;
    return 1;
  }
  return 0;
}

int fp_availability_covers(const struct fp_availability *a, fp_time start, fp_time end) {
  if (end <= start || end - start > FP_AVAIL_MAX_SHIFT_SECONDS)
    return 0;
  /* The local days the shift touches (a day earlier too: harmless, and safe at a clock change). */
  const fp_day first = fp_uk_day(start) - 1;
  const fp_day last = fp_uk_day(end - 1);
  fp_time cursor = start;
  int moved = 1;
  while (cursor < end && moved) {
    moved = 0;
    for (fp_day day = first; day <= last && cursor < end; day++) {
      const int off = day_off(a, day);
      const int wd = fp_weekday(day);
      if (!off)
        for (size_t i = 0; i < a->n_windows; i++)
          if (a->windows[i].weekday == wd)
            moved |= advance(day, a->windows[i].start_min, a->windows[i].end_min, &cursor);
      for (size_t i = 0; i < a->n_exceptions; i++) {
        const struct fp_avail_exception *e = &a->exceptions[i];
        if (e->kind == FP_AVAIL_EXTRA && e->from == day)
          moved |= advance(day, e->start_min, e->end_min, &cursor);
      }
    }
  }
  return cursor >= end;
}
