/* ical.c - the iCalendar writer (core/ical.h). */
#include "core/ical.h"

#include <stdio.h>
#include <string.h>


#define FOLD_AT 75 /* octets per content line, CRLF not counted (RFC 5545 3.1) */

static void put(struct fp_ical *c, const char *s, size_t n) {
  if (c->failed || n == 0) return;
  int rc = c->sink(c->ctx, s, n);
  if (rc) c->failed = rc;
}

/* Whole lines of fixed text (each ending in CRLF, none longer than FOLD_AT). */
static void puts_(struct fp_ical *c, const char *s) {
  put(c, s, strlen(s));
  c->col = 0;
}

/* One unit of a content line (a character, or an escape pair), folded before it when it would not fit. */
static void unit(struct fp_ical *c, const char *s, size_t n) {
  if (c->col + (int)n > FOLD_AT) {
    put(c, "\r\n ", 3);
    c->col = 1; /* the continuation's leading space counts */
  }
  put(c, s, n);
  c->col += (int)n;
}

/* The octets of the UTF-8 character that starts with b (1 for a stray continuation byte). */
static size_t char_len(unsigned char b) {
  if (b >= 0xF0 && b < 0xF8) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

/* Appends s to the current line, a character at a time; escaped as TEXT when text. */
static void add(struct fp_ical *c, const char *s, int text) {
  if (!s) return;
  while (*s) {
    unsigned char b = (unsigned char)*s;
    if (text) {
      const char *esc = b == '\\' ? "\\\\" : b == ';' ? "\\;" : b == ',' ? "\\," : b == '\n' ? "\\n" : NULL;
      if (esc) {
        unit(c, esc, 2);
        s++;
        continue;
      }
    }
    /* CR and the other controls are not allowed in a value (RFC 5545 3.1, 3.3.11); tab is. */
    if ((b < 0x20 && b != '\t') || b == 0x7F) {
      s++;
      continue;
    }
    size_t n = char_len(b);
    size_t have = 1;
    while (have < n && ((unsigned char)s[have] & 0xC0) == 0x80) have++;
    unit(c, s, have); /* a truncated sequence goes as the bytes it has */
    s += have;
  }
}

static void line(struct fp_ical *c, const char *name, const char *value, int text) {
  c->col = 0;
  add(c, name, 0);
  unit(c, ":", 1);
  add(c, value, text);
  put(c, "\r\n", 2);
  c->col = 0;
}

void fp_ical_line(struct fp_ical *c, const char *name, const char *value) { line(c, name, value, 0); }

void fp_ical_text_line(struct fp_ical *c, const char *name, const char *value) {
  if (value) line(c, name, value, 1);
}

/* 20261203T090000Z */
static void utc_stamp(fp_time t, char out[32]) {
  fp_day d = fp_time_utc_day(t);
  int y, m, dd;
  fp_civil_from_days(d, &y, &m, &dd);
  int64_t s = t - (int64_t)d * 86400;
  snprintf(out, 32, "%04d%02d%02dT%02d%02d%02dZ", y % 10000, m, dd, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

/* 20261203T090000, the UK wall time of t. */
static void uk_stamp(fp_time t, char out[32]) {
  fp_time local = t + fp_uk_offset(t);
  fp_day d = fp_time_utc_day(local);
  int y, m, dd;
  fp_civil_from_days(d, &y, &m, &dd);
  int64_t s = local - (int64_t)d * 86400;
  snprintf(out, 32, "%04d%02d%02dT%02d%02d%02d", y % 10000, m, dd, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

void fp_ical_begin(struct fp_ical *c, fp_ical_sink sink, void *ctx, const char *name) {
  c->sink = sink;
  c->ctx = ctx;
  c->col = 0;
  c->failed = 0;
  puts_(c, "BEGIN:VCALENDAR\r\n"
           "VERSION:2.0\r\n"
           "PRODID:-//flexpool//flexpool calendar feed//EN\r\n"
           "CALSCALE:GREGORIAN\r\n"
           "METHOD:PUBLISH\r\n");
  fp_ical_text_line(c, "X-WR-CALNAME", name);
  /* The UK's rule since 1996 (core/time.h): BST from 01:00 UTC on the last Sunday of March, GMT
     from 01:00 UTC (02:00 BST) on the last Sunday of October. */
  puts_(c, "X-WR-TIMEZONE:Europe/London\r\n"
           "BEGIN:VTIMEZONE\r\n"
           "TZID:Europe/London\r\n"
           "BEGIN:DAYLIGHT\r\n"
           "TZOFFSETFROM:+0000\r\n"
           "TZOFFSETTO:+0100\r\n"
           "TZNAME:BST\r\n"
           "DTSTART:19810329T010000\r\n"
           "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
           "END:DAYLIGHT\r\n"
           "BEGIN:STANDARD\r\n"
           "TZOFFSETFROM:+0100\r\n"
           "TZOFFSETTO:+0000\r\n"
           "TZNAME:GMT\r\n"
           "DTSTART:19961027T020000\r\n"
           "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
           "END:STANDARD\r\n"
           "END:VTIMEZONE\r\n");
}

void fp_ical_event(struct fp_ical *c, const struct fp_ical_event *e) {
  char utc[32], local[32], seq[24];
  puts_(c, "BEGIN:VEVENT\r\n");
  fp_ical_text_line(c, "UID", e->uid);
  snprintf(seq, sizeof seq, "%lld", (long long)(e->sequence < 0 ? 0 : e->sequence > 2147483647 ? 2147483647 : e->sequence));
  fp_ical_line(c, "SEQUENCE", seq);
  utc_stamp(e->stamp, utc);
  fp_ical_line(c, "DTSTAMP", utc);
  if (e->last_modified > 0) {
    utc_stamp(e->last_modified, utc);
    fp_ical_line(c, "LAST-MODIFIED", utc);
  }
  uk_stamp(e->starts_at, local);
  fp_ical_line(c, "DTSTART;TZID=Europe/London", local);
  uk_stamp(e->ends_at, local);
  fp_ical_line(c, "DTEND;TZID=Europe/London", local);
  fp_ical_line(c, "STATUS", e->status == FP_ICAL_CANCELLED   ? "CANCELLED"
                            : e->status == FP_ICAL_TENTATIVE ? "TENTATIVE"
                                                             : "CONFIRMED");
  fp_ical_text_line(c, "SUMMARY", e->summary);
  fp_ical_text_line(c, "LOCATION", e->location);
  fp_ical_text_line(c, "DESCRIPTION", e->description);
  fp_ical_line(c, "TRANSP", e->status == FP_ICAL_CANCELLED ? "TRANSPARENT" : "OPAQUE");
  puts_(c, "END:VEVENT\r\n");
}

int fp_ical_end(struct fp_ical *c) {
  puts_(c, "END:VCALENDAR\r\n");
  return c->failed;
}
