/*
 * ical.h - an iCalendar (RFC 5545) writer for the calendar feeds: a VCALENDAR of VEVENTs in UK
 * local time (TZID=Europe/London, with the VTIMEZONE that defines it), each with a stable UID and a
 * SEQUENCE that the caller raises whenever the event changes. Text values are escaped (backslash,
 * semicolon, comma, newline) and every content line is folded at 75 octets without splitting a
 * UTF-8 character; lines end in CRLF.
 *
 * It only writes: nothing here parses iCalendar. Pure: libc only; "now" (DTSTAMP) is a parameter.
 */
#ifndef FP_CORE_ICAL_H
#define FP_CORE_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/time.h"

/*
 * Where the text goes: the caller's sink receives it in pieces, in order, and returns 0, or non-zero
 * to stop (kept in failed; every later write is skipped). The core allocates nothing.
 */
typedef int (*fp_ical_sink)(void *ctx, const char *bytes, size_t n);
struct fp_ical {
  fp_ical_sink sink;
  void *ctx;
  int col;    /* octets on the current content line so far */
  int failed; /* the sink's first non-zero answer */
};

enum fp_ical_status { FP_ICAL_CONFIRMED, FP_ICAL_TENTATIVE, FP_ICAL_CANCELLED };

struct fp_ical_event {
  const char *uid;         /* stable for the life of the thing it stands for, "booking-12@flexpool" */
  int64_t sequence;        /* raised on every change (0 .. 2147483647) */
  fp_time starts_at, ends_at;
  fp_time stamp;           /* DTSTAMP: when the feed was written */
  fp_time last_modified;   /* LAST-MODIFIED, 0 for none */
  enum fp_ical_status status;
  const char *summary;     /* text; NULL for none */
  const char *location;
  const char *description;
};

/* Starts the calendar on sink: BEGIN:VCALENDAR with the feed's name (X-WR-CALNAME, text) and the
   Europe/London VTIMEZONE. */
void fp_ical_begin(struct fp_ical *c, fp_ical_sink sink, void *ctx, const char *name);
void fp_ical_event(struct fp_ical *c, const struct fp_ical_event *e);
/* END:VCALENDAR. 0, or the sink's first non-zero answer. */
int fp_ical_end(struct fp_ical *c);

/* One content line "NAME:value", folded, the value as it is (no escaping). */
void fp_ical_line(struct fp_ical *c, const char *name, const char *value);
/* One content line "NAME:value", folded, the value escaped as an iCalendar TEXT (backslash,
   semicolon, comma and newline escaped; CR and the other control characters but tab dropped). */
void fp_ical_text_line(struct fp_ical *c, const char *name, const char *value);

#endif
