/* test_time.c - civil dates, RFC 3339, and the UK clock rule (checked against zoneinfo). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/time.h"

#define H 3600
#define DAY 86400

/* An instant from UTC parts, via the parser (itself tested against fixed numbers below). */
static fp_time at(const char *s) {
  fp_time t = 0;
  assert_int_equal(fp_time_parse(s, &t), FP_OK);
  return t;
}

static void test_days_from_civil(void **state) {
  (void)state;
  assert_int_equal(fp_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(fp_days_from_civil(1970, 1, 2), 1);
  assert_int_equal(fp_days_from_civil(1969, 12, 31), -1);
  assert_int_equal(fp_days_from_civil(2000, 1, 1), 10957);
  assert_int_equal(fp_days_from_civil(2000, 3, 1), 11017); /* 2000 is a leap year */
  assert_int_equal(fp_days_from_civil(2026, 3, 29), 20541);
  assert_int_equal(fp_days_from_civil(1900, 1, 1), -25567);
  assert_int_equal(fp_days_from_civil(9999, 12, 31), 2932896);
  assert_int_equal(fp_days_from_civil(2038, 1, 19), 24855);
}

static void test_civil_round_trip(void **state) {
  (void)state;
  /* Every day from 1900 to 2100: the round trip holds and days advance one by one. */
  fp_day first = fp_days_from_civil(1900, 1, 1);
  fp_day last = fp_days_from_civil(2100, 12, 31);
  int py = 1899, pm = 12, pd = 31;
  for (fp_day z = first; z <= last; z++) {
    int y, m, d;
    fp_civil_from_days(z, &y, &m, &d);
    assert_true(fp_date_valid(y, m, d));
    assert_int_equal(fp_days_from_civil(y, m, d), z);
    if (d == 1) {
      assert_true(m == pm + 1 || (m == 1 && pm == 12 && y == py + 1));
    } else {
      assert_int_equal(d, pd + 1);
      assert_int_equal(m, pm);
    }
    py = y;
    pm = m;
    pd = d;
  }
  int y, m, d;
  fp_civil_from_days(-1, &y, &m, &d);
  assert_int_equal(y, 1969);
  assert_int_equal(m, 12);
  assert_int_equal(d, 31);
}

static void test_date_valid_and_leap_years(void **state) {
  (void)state;
  assert_true(fp_date_valid(2024, 2, 29));
  assert_false(fp_date_valid(2026, 2, 29));
  assert_true(fp_date_valid(2000, 2, 29));  /* divisible by 400 */
  assert_false(fp_date_valid(1900, 2, 29)); /* divisible by 100, not 400 */
  assert_false(fp_date_valid(2100, 2, 29));
  assert_true(fp_date_valid(2028, 2, 29));
  assert_true(fp_date_valid(2026, 4, 30));
  assert_false(fp_date_valid(2026, 4, 31));
  assert_true(fp_date_valid(2026, 12, 31));
  assert_false(fp_date_valid(2026, 13, 1));
  assert_false(fp_date_valid(2026, 0, 1));
  assert_false(fp_date_valid(2026, 1, 0));
  assert_false(fp_date_valid(2026, 1, 32));
  /* Day counts across leap days. */
  assert_int_equal(fp_days_from_civil(2024, 3, 1) - fp_days_from_civil(2024, 2, 28), 2);
  assert_int_equal(fp_days_from_civil(2026, 3, 1) - fp_days_from_civil(2026, 2, 28), 1);
  assert_int_equal(fp_days_from_civil(2025, 1, 1) - fp_days_from_civil(2024, 1, 1), 366);
  assert_int_equal(fp_days_from_civil(2101, 1, 1) - fp_days_from_civil(2100, 1, 1), 365);
}

static void test_weekday(void **state) {
  (void)state;
  assert_int_equal(fp_weekday(0), 4);                                /* 1970-01-01 Thursday */
  assert_int_equal(fp_weekday(-1), 3);                               /* Wednesday */
  assert_int_equal(fp_weekday(fp_days_from_civil(2026, 3, 29)), 0);  /* Sunday */
  assert_int_equal(fp_weekday(fp_days_from_civil(2026, 10, 25)), 0); /* Sunday */
  assert_int_equal(fp_weekday(fp_days_from_civil(2026, 11, 25)), 3); /* Wednesday */
  assert_int_equal(fp_weekday(fp_days_from_civil(1900, 1, 1)), 1);   /* Monday */
  assert_int_equal(fp_weekday(fp_days_from_civil(2000, 2, 29)), 2);  /* Tuesday */
}

static void test_time_parse_valid(void **state) {
  (void)state;
  fp_time t;
  assert_int_equal(fp_time_parse("1970-01-01T00:00:00Z", &t), FP_OK);
  assert_int_equal(t, 0);
  assert_int_equal(fp_time_parse("2026-03-29T09:00:00Z", &t), FP_OK);
  assert_int_equal(t, (int64_t)20541 * DAY + 9 * H);
  assert_int_equal(fp_time_parse("2026-03-29t09:00:00z", &t), FP_OK);
  assert_int_equal(t, (int64_t)20541 * DAY + 9 * H);
  assert_int_equal(fp_time_parse("2026-03-29T09:00:00+01:00", &t), FP_OK);
  assert_int_equal(t, (int64_t)20541 * DAY + 8 * H);
  assert_int_equal(fp_time_parse("2026-03-29T09:00:00-05:30", &t), FP_OK);
  assert_int_equal(t, (int64_t)20541 * DAY + 14 * H + 30 * 60);
  assert_int_equal(fp_time_parse("2026-03-29T09:00:00-00:00", &t), FP_OK);
  assert_int_equal(t, (int64_t)20541 * DAY + 9 * H);
  /* Fractions of 1 to 9 digits are dropped. */
  assert_int_equal(fp_time_parse("2026-03-29T09:00:00.5Z", &t), FP_OK);
  assert_int_equal(t, (int64_t)20541 * DAY + 9 * H);
  assert_int_equal(fp_time_parse("2026-03-29T09:00:59.999999999+01:00", &t), FP_OK);
  assert_int_equal(t, (int64_t)20541 * DAY + 8 * H + 59);
  /* An offset moving the instant across a day boundary. */
  assert_int_equal(fp_time_parse("2026-01-01T00:30:00+01:00", &t), FP_OK);
  assert_int_equal(t, at("2025-12-31T23:30:00Z"));
  /* Leap day, range ends. */
  assert_int_equal(fp_time_parse("2024-02-29T23:59:59Z", &t), FP_OK);
  assert_int_equal(t, (int64_t)fp_days_from_civil(2024, 2, 29) * DAY + DAY - 1);
  assert_int_equal(fp_time_parse("1900-01-01T00:00:00Z", &t), FP_OK);
  assert_int_equal(t, (int64_t)-25567 * DAY);
  assert_int_equal(fp_time_parse("9999-12-31T23:59:59Z", &t), FP_OK);
  assert_int_equal(t, (int64_t)2932896 * DAY + DAY - 1);
  assert_int_equal(fp_time_parse("2026-11-25T14:00:00+23:59", &t), FP_OK);
}

static void test_time_parse_rejects(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "2026",
      "2026-03-29",
      "2026-03-29T09:00",
      "2026-03-29T09:00Z",
      "2026-03-29T09:00:00",        /* no offset */
      "2026-03-29 09:00:00Z",       /* space for T */
      "2026-03-29X09:00:00Z",
      "2026-3-29T09:00:00Z",        /* short month */
      "2026-03-9T09:00:00Z",
      "26-03-29T09:00:00Z",
      "+2026-03-29T09:00:00Z",
      " 2026-03-29T09:00:00Z",      /* leading space */
      "2026-03-29T09:00:00Z ",      /* trailing space */
      "2026-03-29T09:00:00ZZ",
      "2026-03-29T09:00:00Zjunk",
      "2026-03-29T9:00:00Z",
      "2026-03-29T09:0:00Z",
      "2026-03-29T09:00:0Z",
      "2026/03/29T09:00:00Z",
      "2026-03-29T09.00.00Z",
      "2026-13-01T00:00:00Z",       /* month 13 */
      "2026-00-01T00:00:00Z",
      "2026-02-29T00:00:00Z",       /* not a leap year */
      "1900-02-29T00:00:00Z",       /* not a leap year either */
      "2026-04-31T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-32T00:00:00Z",
      "2026-03-29T24:00:00Z",       /* hour 24 */
      "2026-03-29T23:60:00Z",
      "2026-03-29T23:59:60Z",       /* leap second refused */
      "2026-03-29T09:00:00.Z",      /* empty fraction */
      "2026-03-29T09:00:00.1234567890Z", /* 10 fraction digits */
      "2026-03-29T09:00:00,5Z",
      "2026-03-29T09:00:00+01",
      "2026-03-29T09:00:00+0100",
      "2026-03-29T09:00:00+1:00",
      "2026-03-29T09:00:00+01:0",
      "2026-03-29T09:00:00+24:00",
      "2026-03-29T09:00:00+01:60",
      "2026-03-29T09:00:00+01:00Z",
      "2026-03-29T09:00:00+",
      "2026-03-29T09:00:00UTC",
      "1899-12-31T23:59:59Z",       /* before 1900 */
      "0000-01-01T00:00:00Z",
      "-2026-03-29T09:00:00Z",
      "20260-03-29T09:00:00Z",
      "2026-03-29T09:00:00\xef\xbc\xba", /* a full-width Z */
      "２026-03-29T09:00:00Z",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    fp_time t = 12345;
    if (fp_time_parse(bad[i], &t) != FP_EINVAL)
      fail_msg("accepted \"%s\"", bad[i]);
    assert_int_equal(t, 12345); /* untouched */
  }
  fp_time t;
  assert_int_equal(fp_time_parse(NULL, &t), FP_EINVAL);
  assert_int_equal(fp_time_parse("2026-03-29T09:00:00Z", NULL), FP_EINVAL);
}

static void test_time_format(void **state) {
  (void)state;
  char buf[FP_TIME_STRLEN];
  assert_int_equal(fp_time_format(0, buf), 20);
  assert_string_equal(buf, "1970-01-01T00:00:00Z");
  fp_time_format(-1, buf);
  assert_string_equal(buf, "1969-12-31T23:59:59Z");
  fp_time_format((int64_t)20541 * DAY + 8 * H + 5 * 60 + 7, buf);
  assert_string_equal(buf, "2026-03-29T08:05:07Z");
  fp_time_format(at("2024-02-29T23:59:59Z"), buf);
  assert_string_equal(buf, "2024-02-29T23:59:59Z");
  fp_time_format(at("2026-11-25T14:00:00+01:00"), buf);
  assert_string_equal(buf, "2026-11-25T13:00:00Z");
  /* Out of the four-digit range: clamped, never overflowing the buffer. */
  assert_int_equal(fp_time_format(INT64_MAX, buf), 20);
  assert_string_equal(buf, "9999-12-31T23:59:59Z");
  assert_int_equal(fp_time_format(INT64_MIN, buf), 20);
  assert_string_equal(buf, "0000-01-01T00:00:00Z");
  /* Round trip over a spread of instants. */
  for (fp_time t = at("1900-01-01T00:00:00Z"); t < at("2100-01-01T00:00:00Z"); t += 7777777) {
    fp_time back;
    fp_time_format(t, buf);
    assert_int_equal(fp_time_parse(buf, &back), FP_OK);
    assert_int_equal(back, t);
  }
}

static void test_date_parse_format(void **state) {
  (void)state;
  fp_day d;
  char buf[FP_DATE_STRLEN];
  assert_int_equal(fp_date_parse("2026-11-25", &d), FP_OK);
  assert_int_equal(d, fp_days_from_civil(2026, 11, 25));
  assert_int_equal(fp_date_format(d, buf), 10);
  assert_string_equal(buf, "2026-11-25");
  assert_int_equal(fp_date_parse("2024-02-29", &d), FP_OK);
  fp_date_format(d, buf);
  assert_string_equal(buf, "2024-02-29");
  fp_date_format(-1, buf);
  assert_string_equal(buf, "1969-12-31");
  static const char *const bad[] = {
      "", "2026-11", "2026-11-5", "2026-11-25T00:00:00Z", "2026-11-25 ", " 2026-11-25",
      "2026/11/25", "2026-02-29", "2026-11-31", "2026-13-01", "2026-00-10", "2026-11-00",
      "25-11-2026", "20261125", "1899-12-31", "2026-1a-25",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    fp_day x = 777;
    if (fp_date_parse(bad[i], &x) != FP_EINVAL)
      fail_msg("accepted \"%s\"", bad[i]);
    assert_int_equal(x, 777);
  }
  assert_int_equal(fp_date_parse(NULL, &d), FP_EINVAL);
}

static void test_utc_day(void **state) {
  (void)state;
  assert_int_equal(fp_time_utc_day(0), 0);
  assert_int_equal(fp_time_utc_day(DAY - 1), 0);
  assert_int_equal(fp_time_utc_day(DAY), 1);
  assert_int_equal(fp_time_utc_day(-1), -1);
  assert_int_equal(fp_time_utc_day(-DAY), -1);
  assert_int_equal(fp_time_utc_day(-DAY - 1), -2);
}

static void test_uk_offset_2026(void **state) {
  (void)state;
  /* Spring: 29 March 2026, 01:00 UTC. */
  assert_int_equal(fp_uk_offset(at("2026-03-29T00:59:59Z")), 0);
  assert_int_equal(fp_uk_offset(at("2026-03-29T01:00:00Z")), H);
  assert_int_equal(fp_uk_offset(at("2026-03-22T12:00:00Z")), 0); /* a Sunday, not the last */
  /* Autumn: 25 October 2026, 01:00 UTC. */
  assert_int_equal(fp_uk_offset(at("2026-10-25T00:59:59Z")), H);
  assert_int_equal(fp_uk_offset(at("2026-10-25T01:00:00Z")), 0);
  assert_int_equal(fp_uk_offset(at("2026-10-18T12:00:00Z")), H);
  assert_int_equal(fp_uk_offset(at("2026-07-01T12:00:00Z")), H);
  assert_int_equal(fp_uk_offset(at("2026-01-15T12:00:00Z")), 0);
  assert_int_equal(fp_uk_offset(at("2026-12-31T23:59:59Z")), 0);
  /* 2027: 28 March and 31 October. */
  assert_int_equal(fp_uk_offset(at("2027-03-28T00:59:59Z")), 0);
  assert_int_equal(fp_uk_offset(at("2027-03-28T01:00:00Z")), H);
  assert_int_equal(fp_uk_offset(at("2027-10-31T00:59:59Z")), H);
  assert_int_equal(fp_uk_offset(at("2027-10-31T01:00:00Z")), 0);
}

/* fp_uk_offset agrees with the system's Europe/London zone for every hour (and each change). */
static void test_uk_offset_matches_zoneinfo(void **state) {
  (void)state;
  const char *old_tz = getenv("TZ");
  char *saved = old_tz ? strdup(old_tz) : NULL;
  assert_int_equal(setenv("TZ", "Europe/London", 1), 0);
  tzset();
  /* zoneinfo present? Otherwise glibc silently falls back to UTC and every summer would differ. */
  time_t probe = (time_t)at("2026-07-01T12:00:00Z");
  struct tm tm;
  assert_non_null(localtime_r(&probe, &tm));
  if (tm.tm_gmtoff != 3600)
    fail_msg("Europe/London zoneinfo not available (set TZDIR?)");

  const fp_time from = at("2000-01-01T00:00:00Z");
  const fp_time to = at("2038-01-01T00:00:00Z");
  long hours = 0, changes = 0;
  int prev = -1;
  for (fp_time t = from; t < to; t += H) {
    time_t tt = (time_t)t;
    assert_non_null(localtime_r(&tt, &tm));
    const int off = fp_uk_offset(t);
    if (tm.tm_gmtoff != off)
      fail_msg("offset differs at %lld: zoneinfo %ld, fp %d", (long long)t, tm.tm_gmtoff, off);
    /* The local day too. */
    assert_int_equal(fp_uk_day(t), fp_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
    if (prev >= 0 && prev != off) {
      changes++;
      /* Each change: one second before and at the change agree too. */
      for (fp_time s = t - 1; s <= t; s++) {
        time_t ts = (time_t)s;
        assert_non_null(localtime_r(&ts, &tm));
        assert_int_equal(tm.tm_gmtoff, fp_uk_offset(s));
      }
    }
    prev = off;
    hours++;
  }
  assert_int_equal(hours, (to - from) / H);
  assert_int_equal(changes, 38 * 2);

  if (saved) {
    setenv("TZ", saved, 1);
    free(saved);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

static void test_uk_day_and_format(void **state) {
  (void)state;
  char buf[26];
  /* 23:30Z on 30 June is 00:30 BST on 1 July. */
  fp_time t = at("2026-06-30T23:30:00Z");
  assert_int_equal(fp_uk_day(t), fp_days_from_civil(2026, 7, 1));
  assert_int_equal(fp_time_utc_day(t), fp_days_from_civil(2026, 6, 30));
  assert_int_equal(fp_uk_format(t, buf), 25);
  assert_string_equal(buf, "2026-07-01T00:30:00+01:00");
  fp_uk_format(at("2026-07-01T08:00:00Z"), buf);
  assert_string_equal(buf, "2026-07-01T09:00:00+01:00");
  /* Winter: GMT, shown as +00:00. */
  t = at("2026-12-31T23:30:00Z");
  assert_int_equal(fp_uk_day(t), fp_days_from_civil(2026, 12, 31));
  fp_uk_format(t, buf);
  assert_string_equal(buf, "2026-12-31T23:30:00+00:00");
  /* Around the changes. */
  fp_uk_format(at("2026-03-29T00:59:59Z"), buf);
  assert_string_equal(buf, "2026-03-29T00:59:59+00:00");
  fp_uk_format(at("2026-03-29T01:00:00Z"), buf);
  assert_string_equal(buf, "2026-03-29T02:00:00+01:00");
  fp_uk_format(at("2026-10-25T00:59:59Z"), buf);
  assert_string_equal(buf, "2026-10-25T01:59:59+01:00");
  fp_uk_format(at("2026-10-25T01:00:00Z"), buf);
  assert_string_equal(buf, "2026-10-25T01:00:00+00:00");
  /* The formatted form parses back to the same instant. */
  for (fp_time s = at("2026-01-01T00:00:00Z"); s < at("2027-01-01T00:00:00Z"); s += 1800) {
    fp_time back;
    fp_uk_format(s, buf);
    assert_int_equal(fp_time_parse(buf, &back), FP_OK);
    assert_int_equal(back, s);
  }
}

static void test_uk_local_to_utc(void **state) {
  (void)state;
  const fp_day spring = fp_days_from_civil(2026, 3, 29);
  const fp_day autumn = fp_days_from_civil(2026, 10, 25);
  /* Plain winter and summer times. */
  assert_int_equal(fp_uk_local_to_utc(fp_days_from_civil(2026, 1, 15), 9, 0, 0), at("2026-01-15T09:00:00Z"));
  assert_int_equal(fp_uk_local_to_utc(fp_days_from_civil(2026, 7, 1), 9, 0, 0), at("2026-07-01T08:00:00Z"));
  assert_int_equal(fp_uk_local_to_utc(fp_days_from_civil(2026, 7, 1), 0, 30, 0), at("2026-06-30T23:30:00Z"));
  /* Spring forward: 00:59:59 GMT, then 01:00-01:59 does not exist, 02:00 is BST. */
  assert_int_equal(fp_uk_local_to_utc(spring, 0, 59, 59), at("2026-03-29T00:59:59Z"));
  assert_int_equal(fp_uk_local_to_utc(spring, 1, 0, 0), at("2026-03-29T01:00:00Z"));  /* = 02:00 BST */
  assert_int_equal(fp_uk_local_to_utc(spring, 1, 30, 0), at("2026-03-29T01:30:00Z")); /* = 02:30 BST */
  assert_int_equal(fp_uk_local_to_utc(spring, 2, 0, 0), at("2026-03-29T01:00:00Z"));
  assert_int_equal(fp_uk_local_to_utc(spring, 2, 30, 0), at("2026-03-29T01:30:00Z"));
  assert_int_equal(fp_uk_local_to_utc(spring, 9, 0, 0), at("2026-03-29T08:00:00Z"));
  char buf[26];
  fp_uk_format(fp_uk_local_to_utc(spring, 1, 30, 0), buf);
  assert_string_equal(buf, "2026-03-29T02:30:00+01:00");
  /* Fall back: 01:00-01:59 happens twice; the first (BST) one is chosen. */
  assert_int_equal(fp_uk_local_to_utc(autumn, 0, 59, 59), at("2026-10-24T23:59:59Z"));
  assert_int_equal(fp_uk_local_to_utc(autumn, 1, 0, 0), at("2026-10-25T00:00:00Z"));
  assert_int_equal(fp_uk_local_to_utc(autumn, 1, 30, 0), at("2026-10-25T00:30:00Z"));
  assert_int_equal(fp_uk_local_to_utc(autumn, 1, 59, 59), at("2026-10-25T00:59:59Z"));
  assert_int_equal(fp_uk_local_to_utc(autumn, 2, 0, 0), at("2026-10-25T02:00:00Z"));
  assert_int_equal(fp_uk_local_to_utc(autumn, 9, 0, 0), at("2026-10-25T09:00:00Z"));
  /* A shift 00:00-03:00 local on the autumn change day lasts four hours... */
  assert_int_equal(fp_uk_local_to_utc(autumn, 3, 0, 0) - fp_uk_local_to_utc(autumn, 0, 0, 0), 4 * H);
  /* ...and one 00:00-03:00 on the spring change day two. */
  assert_int_equal(fp_uk_local_to_utc(spring, 3, 0, 0) - fp_uk_local_to_utc(spring, 0, 0, 0), 2 * H);
  /* Every existing local time of 2026 maps to an instant whose local wall time is that time. */
  for (fp_day d = fp_days_from_civil(2026, 1, 1); d <= fp_days_from_civil(2026, 12, 31); d++) {
    for (int h = 0; h < 24; h++) {
      if (d == spring && h == 1)
        continue; /* the gap */
      fp_time t = fp_uk_local_to_utc(d, h, 15, 0);
      int64_t wall = t + fp_uk_offset(t);
      assert_int_equal(wall, (int64_t)d * DAY + h * H + 15 * 60);
      assert_int_equal(fp_uk_day(t), d);
    }
  }
}

static void test_uk_add_weeks(void **state) {
  (void)state;
  char buf[26];
  /* A weekly series at 09:00 local from Tuesday 17 March 2026 keeps 09:00 across 29 March. */
  const fp_time first = fp_uk_local_to_utc(fp_days_from_civil(2026, 3, 17), 9, 0, 0);
  assert_int_equal(first, at("2026-03-17T09:00:00Z"));
  assert_int_equal(fp_uk_add_weeks(first, 0), first);
  assert_int_equal(fp_uk_add_weeks(first, 1), at("2026-03-24T09:00:00Z"));
  assert_int_equal(fp_uk_add_weeks(first, 2), at("2026-03-31T08:00:00Z"));
  assert_int_equal(fp_uk_add_weeks(first, 3), at("2026-04-07T08:00:00Z"));
  for (int w = 0; w <= 3; w++) {
    fp_uk_format(fp_uk_add_weeks(first, w), buf);
    assert_memory_equal(buf + 10, "T09:00:00", 9);
  }
  /* And back again in the autumn. */
  const fp_time oct = fp_uk_local_to_utc(fp_days_from_civil(2026, 10, 20), 9, 0, 0);
  assert_int_equal(oct, at("2026-10-20T08:00:00Z"));
  assert_int_equal(fp_uk_add_weeks(oct, 1), at("2026-10-27T09:00:00Z"));
  /* Backwards across the change. */
  assert_int_equal(fp_uk_add_weeks(at("2026-03-31T08:00:00Z"), -1), at("2026-03-24T09:00:00Z"));
  /* A full year of weeks keeps the wall time. */
  for (int w = 0; w < 60; w++) {
    fp_time t = fp_uk_add_weeks(first, w);
    assert_int_equal(fp_weekday(fp_uk_day(t)), 2); /* Tuesday */
    assert_int_equal(fp_uk_day(t), fp_days_from_civil(2026, 3, 17) + 7 * w);
    fp_uk_format(t, buf);
    assert_memory_equal(buf + 10, "T09:00:00", 9);
  }
  /* A series at 01:30 local on Sundays: in the gap week it becomes 02:30 BST. */
  const fp_time sun = fp_uk_local_to_utc(fp_days_from_civil(2026, 3, 22), 1, 30, 0);
  fp_uk_format(fp_uk_add_weeks(sun, 1), buf);
  assert_string_equal(buf, "2026-03-29T02:30:00+01:00");
  fp_uk_format(fp_uk_add_weeks(sun, 2), buf);
  assert_string_equal(buf, "2026-04-05T01:30:00+01:00");
}

/* A time of day: strict "HH:MM", 00:00 to 24:00, read back as written. */
static void test_clock_parse_and_format(void **state) {
  (void)state;
  assert_int_equal(fp_clock_parse("00:00"), 0);
  assert_int_equal(fp_clock_parse("08:30"), 510);
  assert_int_equal(fp_clock_parse("24:00"), 1440);
  const char *bad[] = {NULL, "", "8:30", "08:60", "24:01", "25:00", "08-30", "08:3a", "08:300", " 8:30"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_int_equal(fp_clock_parse(bad[i]), -1);
  char buf[6];
  for (int m = 0; m <= 1440; m++) {
    fp_clock_format(m, buf);
    assert_int_equal(fp_clock_parse(buf), m);
  }
  fp_clock_format(21 * 60, buf);
  assert_string_equal(buf, "21:00");
}

/* A month as the forms and statements take it: "YYYY-MM", strictly. */
static void test_month_parse(void **state) {
  (void)state;
  int y = 0, m = 0;
  assert_int_equal(fp_month_parse("2026-11", &y, &m), FP_OK);
  assert_int_equal(y, 2026);
  assert_int_equal(m, 11);
  static const char *bad[] = {"2026-13", "2026-00", "2026-1", "2026/11", "2026-11-01", "26-11", "", "2026-1a"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_int_equal(fp_month_parse(bad[i], &y, &m), FP_EINVAL);
  assert_int_equal(fp_month_parse(NULL, &y, &m), FP_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_month_parse),
      cmocka_unit_test(test_days_from_civil),
      cmocka_unit_test(test_civil_round_trip),
      cmocka_unit_test(test_date_valid_and_leap_years),
      cmocka_unit_test(test_weekday),
      cmocka_unit_test(test_time_parse_valid),
      cmocka_unit_test(test_time_parse_rejects),
      cmocka_unit_test(test_time_format),
      cmocka_unit_test(test_date_parse_format),
      cmocka_unit_test(test_utc_day),
      cmocka_unit_test(test_uk_offset_2026),
      cmocka_unit_test(test_uk_offset_matches_zoneinfo),
      cmocka_unit_test(test_uk_day_and_format),
      cmocka_unit_test(test_uk_local_to_utc),
      cmocka_unit_test(test_uk_add_weeks),
      cmocka_unit_test(test_clock_parse_and_format),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
