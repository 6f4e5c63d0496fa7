/*
 * time.h - instants, calendar dates and the UK's civil time, without the system clock.
 *
 * An instant (fp_time) is whole seconds since 1970-01-01T00:00:00Z. A day number (fp_day) is the
 * count of days since 1970-01-01 (proleptic Gregorian). "Now" is always a parameter: this module
 * never reads the clock, the environment or zoneinfo. The UK rule is carried here: British Summer
 * Time (UTC+1) runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October; otherwise UTC+0 (GMT). Depends on libc only.
 */
#ifndef FP_CORE_TIME_H
#define FP_CORE_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t fp_time;
typedef int32_t fp_day;

#define FP_TIME_STRLEN 21 /* "2026-11-25T14:00:00Z" plus NUL */
#define FP_DATE_STRLEN 11 /* "2026-11-25" plus NUL */

/* Days since the epoch for a civil date; no range check (see fp_date_valid). */
fp_day fp_days_from_civil(int y, int m, int d);
void fp_civil_from_days(fp_day z, int *y, int *m, int *d);
int fp_date_valid(int y, int m, int d);
/* 0 = Sunday ... 6 = Saturday. */
int fp_weekday(fp_day z);

/*
 * Parses an RFC 3339 date-time ("2026-03-29T09:00:00Z", "...+01:00", fractional seconds allowed and
 * dropped, 'T' or 't', 'Z' or 'z'). Years 1900-9999. Returns 0 or FP_EINVAL.
 */
int fp_time_parse(const char *s, fp_time *out);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" (UTC). Returns the length. */
size_t fp_time_format(fp_time t, char buf[FP_TIME_STRLEN]);

/* Parses "YYYY-MM-DD" strictly. Returns 0 or FP_EINVAL. */
int fp_date_parse(const char *s, fp_day *out);
/* Parses a month "YYYY-MM" strictly (01 to 12): 0 with *year and *month, or FP_EINVAL. */
int fp_month_parse(const char *s, int *year, int *month);
size_t fp_date_format(fp_day d, char buf[FP_DATE_STRLEN]);

/* A time of day "HH:MM", 00:00 to 24:00 (24 only as 24:00), strictly: its minutes (0..1440), or -1. */
int fp_clock_parse(const char *s);
/* Writes minutes (0..1440) as "HH:MM". */
void fp_clock_format(int minutes, char buf[6]);

/* The UTC day of an instant. */
fp_day fp_time_utc_day(fp_time t);

/* The UK's offset from UTC in seconds (0 or 3600) at instant t. */
int fp_uk_offset(fp_time t);
/* The UK local calendar day of an instant. */
fp_day fp_uk_day(fp_time t);
/* Writes the local wall time of t in ISO form with its offset, "2026-07-01T09:00:00+01:00". */
size_t fp_uk_format(fp_time t, char buf[26]);
/*
 * The instant for a UK local wall time. For a time that does not exist (in the spring gap) the
 * result is the instant one hour later in wall time terms (01:30 -> 02:30 BST); for an ambiguous
 * time (the autumn overlap) it is the first (BST) occurrence.
 */
fp_time fp_uk_local_to_utc(fp_day day, int hour, int minute, int second);
/*
 * The instant `weeks` weeks after t with the same UK local wall time (a series keeps its local time
 * across the clock change).
 */
fp_time fp_uk_add_weeks(fp_time t, int weeks);

#endif
