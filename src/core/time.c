/*
 * time.c - civil dates, RFC 3339 instants and the UK's clock rule, without the system clock.
 *
 * The civil date algorithms are Howard Hinnant's days_from_civil / civil_from_days
 * (http://howardhinnant.github.io/date_algorithms.html), proleptic Gregorian, computed in 64 bits.
 */
#include "core/time.h"

#include <string.h>

#include "core/error.h"

#define SECS_PER_DAY INT64_C(86400)

/* The instants fp_time_format can write: 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
#define DAY_MIN INT64_C(-719528)  /* fp_days_from_civil(0, 1, 1) */
#define DAY_MAX INT64_C(2932896)  /* fp_days_from_civil(9999, 12, 31) */

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

static int64_t days_from_civil64(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;                                 /* [0, 399] */
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;         /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

static void civil_from_days64(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;                                  /* [0, 146096] */
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           /* [0, 365] */
  const int64_t mp = (5 * doy + 2) / 153;                                /* [0, 11] */
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

fp_day fp_days_from_civil(int y, int m, int d) { return (fp_day)days_from_civil64(y, m, d); }

void fp_civil_from_days(fp_day z, int *y, int *m, int *d) {
  int64_t yy;
  int mm, dd;
  civil_from_days64(z, &yy, &mm, &dd);
  if (y)
    *y = (int)yy;
  if (m)
    *m = mm;
  if (d)
    *d = dd;
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && is_leap(y))
    return 29;
  return dim[m - 1];
}

int fp_date_valid(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1)
    return 0;
  return d <= days_in_month(y, m);
}

int fp_weekday(fp_day z) { return (int)floor_mod((int64_t)z + 4, 7); /* 1970-01-01 was a Thursday */ }

/* ---- parsing and formatting ---- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads exactly n decimal digits at s. Returns 0 or -1. */
static int read_digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!is_digit(s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

/* Writes v as exactly n decimal digits (v must be 0 <= v < 10^n). */
static void write_digits(char *p, int n, int64_t v) {
  for (int i = n - 1; i >= 0; i--) {
    p[i] = (char)('0' + (int)(v % 10));
    v /= 10;
  }
}

/* "YYYY-MM-DD" at s (10 characters). Years 1900-9999. */
static int parse_date10(const char *s, int *y, int *m, int *d) {
  if (read_digits(s, 4, y) || s[4] != '-' || read_digits(s + 5, 2, m) || s[7] != '-' ||
      read_digits(s + 8, 2, d))
    return -1;
  if (*y < 1900 || *y > 9999 || !fp_date_valid(*y, *m, *d))
    return -1;
  return 0;
}

int fp_time_parse(const char *s, fp_time *out) {
  int y, mo, d, h, mi, sec;
  if (!s || !out)
    return FP_EINVAL;
  /* Check the characters one at a time so a short string stops at its NUL. */
  for (int i = 0; i < 19; i++)
    if (s[i] == '\0')
      return FP_EINVAL;
  if (parse_date10(s, &y, &mo, &d))
    return FP_EINVAL;
  if (s[10] != 'T' && s[10] != 't')
    return FP_EINVAL;
  if (read_digits(s + 11, 2, &h) || s[13] != ':' || read_digits(s + 14, 2, &mi) || s[16] != ':' ||
      read_digits(s + 17, 2, &sec))
    return FP_EINVAL;
  if (h > 23 || mi > 59 || sec > 59)
    return FP_EINVAL;
  const char *p = s + 19;
  if (*p == '.') {
    int n = 0;
    p++;
    while (is_digit(*p)) {
      p++;
      n++;
    }
    if (n < 1 || n > 9)
      return FP_EINVAL;
  }
  int64_t offset = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int oh, om;
    int sign = *p == '-' ? -1 : 1;
    p++;
    if (p[0] == '\0' || p[1] == '\0' || read_digits(p, 2, &oh) || p[2] != ':' || p[3] == '\0' ||
        read_digits(p + 3, 2, &om))
      return FP_EINVAL;
    if (oh > 23 || om > 59)
      return FP_EINVAL;
    offset = sign * (int64_t)(oh * 3600 + om * 60);
    p += 5;
  } else {
    return FP_EINVAL;
  }
  if (*p != '\0')
    return FP_EINVAL;
  *out = days_from_civil64(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + sec - offset;
  return FP_OK;
}

/* Writes "YYYY-MM-DD" (10 characters, no NUL) for a day number in [DAY_MIN, DAY_MAX]. */
static void write_date(char *p, int64_t day) {
  int64_t y;
  int m, d;
  civil_from_days64(day, &y, &m, &d);
  write_digits(p, 4, y);
  p[4] = '-';
  write_digits(p + 5, 2, m);
  p[7] = '-';
  write_digits(p + 8, 2, d);
}

/* Writes "YYYY-MM-DDTHH:MM:SS" (19 characters, no NUL) for a wall-clock second count. */
static void write_wall(char *p, int64_t wall) {
  int64_t day = floor_div(wall, SECS_PER_DAY);
  int64_t sod = wall % SECS_PER_DAY; /* not wall - day * SECS_PER_DAY: that overflows near INT64_MIN */
  if (sod < 0)
    sod += SECS_PER_DAY;
  if (day < DAY_MIN) { /* clamp to the range four year digits can show */
    day = DAY_MIN;
    sod = 0;
  } else if (day > DAY_MAX) {
    day = DAY_MAX;
    sod = SECS_PER_DAY - 1;
  }
  write_date(p, day);
  p[10] = 'T';
  write_digits(p + 11, 2, sod / 3600);
  p[13] = ':';
  write_digits(p + 14, 2, sod / 60 % 60);
  p[16] = ':';
  write_digits(p + 17, 2, sod % 60);
}

size_t fp_time_format(fp_time t, char buf[FP_TIME_STRLEN]) {
  write_wall(buf, t);
  buf[19] = 'Z';
  buf[20] = '\0';
  return 20;
}

int fp_month_parse(const char *s, int *year, int *month) {
  char date[11];
  fp_day first;
  if (!s || strlen(s) != 7 || s[4] != '-') return FP_EINVAL;
  memcpy(date, s, 7);
  memcpy(date + 7, "-01", 4);
  if (fp_date_parse(date, &first) != 0) return FP_EINVAL;
  int d;
  fp_civil_from_days(first, year, month, &d);
  return 0;
}

int fp_date_parse(const char *s, fp_day *out) {
  int y, m, d;
  if (!s || !out)
    return FP_EINVAL;
  for (int i = 0; i < 10; i++)
    if (s[i] == '\0')
      return FP_EINVAL;
  if (s[10] != '\0' || parse_date10(s, &y, &m, &d))
    return FP_EINVAL;
  *out = fp_days_from_civil(y, m, d);
  return FP_OK;
}

size_t fp_date_format(fp_day d, char buf[FP_DATE_STRLEN]) {
  write_date(buf, d < DAY_MIN ? DAY_MIN : d > DAY_MAX ? DAY_MAX : d);
  buf[10] = '\0';
  return 10;
}

fp_day fp_time_utc_day(fp_time t) { return (fp_day)floor_div(t, SECS_PER_DAY); }

/* ---- the UK rule ---- */

/* The day number of the last Sunday of month m (1-12) in year y. */
static int64_t last_sunday(int64_t y, int m) {
  int64_t last = days_from_civil64(y, m, days_in_month(y, m));
  return last - floor_mod(last + 4, 7);
}

int fp_uk_offset(fp_time t) {
  int64_t y;
  int m, d;
  civil_from_days64(floor_div(t, SECS_PER_DAY), &y, &m, &d);
  if (m < 3 || m > 10)
    return 0;
  const int64_t start = last_sunday(y, 3) * SECS_PER_DAY + 3600;
  const int64_t end = last_sunday(y, 10) * SECS_PER_DAY + 3600;
  return (t >= start && t < end) ? 3600 : 0;
}

fp_day fp_uk_day(fp_time t) { return fp_time_utc_day(t + fp_uk_offset(t)); }

size_t fp_uk_format(fp_time t, char buf[26]) {
  const int off = fp_uk_offset(t);
  write_wall(buf, t + off);
  buf[19] = '+';
  write_digits(buf + 20, 2, off / 3600);
  buf[22] = ':';
  buf[23] = '0';
  buf[24] = '0';
  buf[25] = '\0';
  return 25;
}

fp_time fp_uk_local_to_utc(fp_day day, int hour, int minute, int second) {
  const int64_t wall =
      (int64_t)day * SECS_PER_DAY + (int64_t)hour * 3600 + (int64_t)minute * 60 + second;
  /* The BST reading first, so an ambiguous (autumn) time gets its first occurrence. */
  if (fp_uk_offset(wall - 3600) == 3600)
    return wall - 3600;
  /*
   * Either the GMT reading is right, or the time is in the spring gap; then reading it with the
   * offset in force before the change gives the instant one wall-clock hour later (01:30 ->
   * 01:30Z = 02:30 BST).
   */
  return wall;
}

fp_time fp_uk_add_weeks(fp_time t, int weeks) {
  const int64_t wall = t + fp_uk_offset(t);
  const int64_t day = floor_div(wall, SECS_PER_DAY);
  const int64_t sod = wall - day * SECS_PER_DAY;
  const int64_t new_day = day + (int64_t)weeks * 7;
  return fp_uk_local_to_utc((fp_day)new_day, (int)(sod / 3600), (int)(sod / 60 % 60),
                            (int)(sod % 60));
}

int fp_clock_parse(const char *s) {
  if (!s || strlen(s) != 5 || s[2] != ':') return -1;
  for (int i = 0; i < 5; i++)
    if (i != 2 && (s[i] < '0' || s[i] > '9')) return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

void fp_clock_format(int minutes, char buf[6]) {
  unsigned h = (unsigned)(minutes / 60) % 25u, m = (unsigned)(minutes % 60) % 60u;
  buf[0] = (char)('0' + h / 10);
  buf[1] = (char)('0' + h % 10);
  buf[2] = ':';
  buf[3] = (char)('0' + m / 10);
  buf[4] = (char)('0' + m % 10);
  buf[5] = 0;
}
