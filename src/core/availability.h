/*
 * availability.h - when a clinician said they can work: a weekly pattern with exceptions, and the one
 * decision "is this whole shift inside it".
 *
 * A pattern is a list of windows, each a weekday and UK local wall-clock hours on that day
 * ([start, end) in minutes since local midnight, 0..1440; the named sessions are presets of those
 * hours). Exceptions are dated in UK local calendar days: "unavailable" covers an inclusive range of
 * days (a holiday) and removes the weekly pattern on those days; "extra" adds hours on one day (a
 * one-off extra day) and counts even inside a holiday range, since it is the more specific statement.
 *
 * fp_availability_covers() is the only implementation of the decision: every view and decision that
 * needs it (the clinician's own page, "who is available", capacity) calls it. SQL may pre-filter
 * candidates but never decides. Wall-clock hours are turned into instants day by day with the UK
 * clock rule (src/core/time.h), so a 08:00-13:00 window is 08:00-13:00 local on both sides of a clock
 * change. Depends on libc and core/time.h only; no clock, no allocation.
 */
#ifndef FP_CORE_AVAILABILITY_H
#define FP_CORE_AVAILABILITY_H

#include <stddef.h>

#include "core/time.h"

/* Limits, enforced at the door (fp_availability_validate): refused, never cut. */
#define FP_AVAIL_MAX_WINDOWS 42     /* six a day */
#define FP_AVAIL_MAX_EXCEPTIONS 100
#define FP_AVAIL_MAX_RANGE_DAYS 366 /* one "unavailable" exception spans at most this many days */
/* A shift longer than this is never inside anyone's availability (and is not looked at day by day). */
#define FP_AVAIL_MAX_SHIFT_SECONDS (7 * 86400)

enum fp_avail_session {
  FP_AVAIL_SESSION_NONE = 0, /* own hours */
  FP_AVAIL_SESSION_MORNING,  /* 08:00-13:00 */
  FP_AVAIL_SESSION_AFTERNOON, /* 13:00-18:30 */
  FP_AVAIL_SESSION_EVENING,  /* 18:30-21:00 */
};

struct fp_avail_window {
  int weekday;   /* 0 = Sunday ... 6 = Saturday (as fp_weekday) */
  int start_min; /* minutes after local midnight, 0..1439 */
  int end_min;   /* start_min+1 .. 1440 (1440 = midnight at the end of the day) */
};

enum fp_avail_exception_kind {
  FP_AVAIL_UNAVAILABLE = 1, /* days from..to (inclusive): the weekly pattern does not apply */
  FP_AVAIL_EXTRA = 2,       /* day `from` (== to): available start_min..end_min as well */
};

struct fp_avail_exception {
  int kind; /* enum fp_avail_exception_kind */
  fp_day from;
  fp_day to;     /* == from for FP_AVAIL_EXTRA */
  int start_min; /* FP_AVAIL_EXTRA only */
  int end_min;   /* FP_AVAIL_EXTRA only */
};

/* Borrowed arrays; the caller owns them. */
struct fp_availability {
  const struct fp_avail_window *windows;
  size_t n_windows;
  const struct fp_avail_exception *exceptions;
  size_t n_exceptions;
};

/* The preset hours of a named session. Returns 0, or FP_EINVAL for FP_AVAIL_SESSION_NONE / unknown. */
int fp_avail_session_hours(enum fp_avail_session s, int *start_min, int *end_min);
/* The session whose preset hours are exactly these, or FP_AVAIL_SESSION_NONE. */
enum fp_avail_session fp_avail_session_of(int start_min, int end_min);
/*
 * The session a time of day (minutes after local midnight) falls in, for counting shifts by session:
 * before 13:00 morning, before 18:30 afternoon, else evening (docs/METRICS.md).
 */
enum fp_avail_session fp_avail_session_at(int minute_of_day);
/* "morning", "afternoon", "evening"; NULL for NONE. And back: FP_AVAIL_SESSION_NONE when unknown. */
const char *fp_avail_session_name(enum fp_avail_session s);
enum fp_avail_session fp_avail_session_parse(const char *name);

/* Which part of a pattern fp_availability_validate found wrong. */
enum fp_avail_problem {
  FP_AVAIL_OK = 0,
  FP_AVAIL_TOO_MANY_WINDOWS,
  FP_AVAIL_TOO_MANY_EXCEPTIONS,
  FP_AVAIL_BAD_WEEKDAY,
  FP_AVAIL_BAD_HOURS,      /* start/end outside 0..1440 or start >= end */
  FP_AVAIL_BAD_KIND,
  FP_AVAIL_BAD_RANGE,      /* to < from, an extra spanning days, or longer than FP_AVAIL_MAX_RANGE_DAYS */
};

/*
 * Checks a pattern against the limits above. Returns FP_AVAIL_OK, or the first problem with
 * *index set to the window's or exception's position (which list follows from the problem).
 */
enum fp_avail_problem fp_availability_validate(const struct fp_availability *a, size_t *index);

/*
 * 1 when the whole of [start, end) (instants, UTC) lies inside the clinician's availability: the
 * union of the day-by-day windows (adjacent windows join, so a morning and an afternoon together
 * cover 09:00-17:00), else 0. An empty or inverted interval, or one longer than
 * FP_AVAIL_MAX_SHIFT_SECONDS, is never covered. A shift across midnight needs both days.
 */
int fp_availability_covers(const struct fp_availability *a, fp_time start, fp_time end);

/*
 * The instants of local hours start_min..end_min on UK local day `day` (what a "date and session"
 * means as a shift: the who-is-available query and capacity use it so they agree with the above).
 */
void fp_avail_local_interval(fp_day day, int start_min, int end_min, fp_time *start, fp_time *end);

#endif
