/* test_ical.c - the iCalendar writer: escaping, folding, UK local times, the event's fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/ical.h"
#include "core/time.h"

/* The sink: a growing text the test owns. */
struct text {
  char *s;
  size_t len;
};
static int into(void *ctx, const char *bytes, size_t n) {
  struct text *t = ctx;
  char *grown = realloc(t->s, t->len + n + 1);
  if (!grown) return -1;
  t->s = grown;
  memcpy(t->s + t->len, bytes, n);
  t->len += n;
  t->s[t->len] = 0;
  return 0;
}

/* A writer on a fresh text (its calendar not begun: for single lines). */
static void on(struct fp_ical *c, struct text *t) {
  *t = (struct text){0};
  *c = (struct fp_ical){.sink = into, .ctx = t};
}

static fp_time at(const char *rfc3339) {
  fp_time t = 0;
  assert_int_equal(fp_time_parse(rfc3339, &t), 0);
  return t;
}

/* Every line ends in CRLF, and unfolding gives `unfolded`. */
static void assert_folded(const char *text, const char *unfolded) {
  size_t n = strlen(text);
  char *u = malloc(n + 1);
  size_t un = 0;
  for (size_t i = 0; i < n; i++) {
    if (text[i] == '\r') {
      assert_true(i + 1 < n && text[i + 1] == '\n');
      i++;
      if (i + 1 < n && text[i + 1] == ' ') i++; /* a continuation: CRLF SPACE is removed */
      else u[un++] = '\n';
      continue;
    }
    assert_true(text[i] != '\n');
    u[un++] = text[i];
  }
  u[un] = 0;
  assert_string_equal(u, unfolded);
  free(u);
}

static void test_escape(void **state) {
  (void)state;
  struct fp_ical c;
  struct text t;
  on(&c, &t);
  fp_ical_text_line(&c, "X", "a\\b;c,d\ne\r\x01\tf");
  assert_string_equal(t.s, "X:a\\\\b\\;c\\,d\\ne\tf\r\n");
  free(t.s);
  /* No value, no line. */
  on(&c, &t);
  fp_ical_text_line(&c, "X", NULL);
  assert_null(t.s);
}

static void test_fold_long_line_and_utf8(void **state) {
  (void)state;
  /* 200 octets of which many are two-octet characters: never split inside one. */
  char value[256] = {0};
  size_t n = 0;
  while (n < 200) {
    if (n % 3 == 0) {
      value[n++] = 'x';
    } else {
      value[n++] = (char)0xC3;
      value[n++] = (char)0xA9; /* é */
    }
  }
  value[n] = 0;
  struct fp_ical c;
  struct text t;
  on(&c, &t);
  fp_ical_line(&c, "DESCRIPTION", value);
  char want[300];
  strcpy(want, "DESCRIPTION:");
  strcat(want, value);
  strcat(want, "\n");
  assert_folded(t.s, want);
  /* No line starts (after the fold's space) with a continuation byte. */
  for (const char *p = t.s; (p = strstr(p, "\r\n ")) != NULL; p += 3)
    assert_true(((unsigned char)p[3] & 0xC0) != 0x80);
  /* Each physical line at most 75 octets. */
  const char *line = t.s;
  for (const char *p; (p = strstr(line, "\r\n")) != NULL; line = p + 2) assert_true(p - line <= 75);
  free(t.s);

  /* A line of exactly 75 octets is not folded; 76 is, the continuation starting with a space. */
  char v75[80];
  memset(v75, 'a', 73);
  v75[73] = 0; /* "X:" + 73 = 75 */
  on(&c, &t);
  fp_ical_line(&c, "X", v75);
  assert_null(strstr(t.s, "\r\n "));
  free(t.s);
  v75[73] = 'a';
  v75[74] = 0;
  on(&c, &t);
  fp_ical_line(&c, "X", v75);
  assert_int_equal(strstr(t.s, "\r\n ") - t.s, 75);
  free(t.s);
  /* An escape pair is never split by a fold. */
  char commas[80];
  memset(commas, ',', 60);
  commas[60] = 0;
  on(&c, &t);
  fp_ical_text_line(&c, "Y", commas); /* "Y:" + 2 * 60 octets */
  const char *fold = strstr(t.s, "\r\n ");
  assert_non_null(fold);
  assert_int_equal(fold - t.s, 74); /* 2 + 36 pairs; a 37th pair would make 76 */
  assert_int_equal(fold[3], '\\');
  free(t.s);
}

static const char *find(const char *text, const char *needle) {
  const char *p = strstr(text, needle);
  assert_non_null(p);
  return p;
}

static void test_calendar_and_events(void **state) {
  (void)state;
  struct fp_ical c;
  struct text out = {0};
  fp_ical_begin(&c, into, &out, "My sessions, flexpool");
  /* Summer (BST): 08:00Z is 09:00 local. Winter (GMT): 09:00Z is 09:00 local. */
  struct fp_ical_event summer = {.uid = "booking-7@flexpool", .sequence = 3, .starts_at = at("2026-07-01T08:00:00Z"),
                                 .ends_at = at("2026-07-01T12:00:00Z"), .stamp = at("2026-06-01T10:11:12Z"),
                                 .status = FP_ICAL_CONFIRMED, .summary = "GP session; Oak Practice",
                                 .location = "1 High St, Leeds", .description = NULL};
  fp_ical_event(&c, &summer);
  struct fp_ical_event winter = {.uid = "booking-8@flexpool", .sequence = 0, .starts_at = at("2026-12-01T09:00:00Z"),
                                 .ends_at = at("2026-12-01T13:00:00Z"), .stamp = at("2026-06-01T10:11:12Z"),
                                 .last_modified = at("2026-06-01T09:00:00Z"), .status = FP_ICAL_CANCELLED,
                                 .summary = "Nurse session"};
  fp_ical_event(&c, &winter);
  /* Across the autumn change: 00:30Z on 25 Oct 2026 is 01:30 BST; 01:30Z is 01:30 GMT. */
  struct fp_ical_event overlap = {.uid = "x", .starts_at = at("2026-10-25T00:30:00Z"), .ends_at = at("2026-10-25T01:30:00Z"),
                                  .stamp = at("2026-06-01T00:00:00Z"), .status = FP_ICAL_TENTATIVE};
  fp_ical_event(&c, &overlap);
  assert_int_equal(fp_ical_end(&c), 0);
  const char *t = out.s;
  assert_true(strncmp(t, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0);
  find(t, "X-WR-CALNAME:My sessions\\, flexpool\r\n");
  find(t, "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n");
  find(t, "UID:booking-7@flexpool\r\nSEQUENCE:3\r\nDTSTAMP:20260601T101112Z\r\n"
          "DTSTART;TZID=Europe/London:20260701T090000\r\nDTEND;TZID=Europe/London:20260701T130000\r\n"
          "STATUS:CONFIRMED\r\nSUMMARY:GP session\\; Oak Practice\r\nLOCATION:1 High St\\, Leeds\r\n");
  find(t, "UID:booking-8@flexpool\r\nSEQUENCE:0\r\nDTSTAMP:20260601T101112Z\r\nLAST-MODIFIED:20260601T090000Z\r\n"
          "DTSTART;TZID=Europe/London:20261201T090000\r\nDTEND;TZID=Europe/London:20261201T130000\r\n"
          "STATUS:CANCELLED\r\n");
  find(t, "DTSTART;TZID=Europe/London:20261025T013000\r\nDTEND;TZID=Europe/London:20261025T013000\r\nSTATUS:TENTATIVE\r\n");
  assert_null(strstr(t, "DESCRIPTION")); /* none given */
  size_t n = strlen(t);
  assert_string_equal(t + n - 15, "END:VCALENDAR\r\n");
  free(out.s);
}

/* A sink that refuses: the writer stops and says so. */
static int refuse(void *ctx, const char *bytes, size_t n) {
  (void)bytes;
  (void)n;
  int *calls = ctx;
  return ++*calls == 3 ? -7 : 0;
}

static void test_sink_failure(void **state) {
  (void)state;
  int calls = 0;
  struct fp_ical c;
  fp_ical_begin(&c, refuse, &calls, "x");
  struct fp_ical_event e = {.uid = "u", .starts_at = 0, .ends_at = 3600, .stamp = 0, .summary = "s"};
  fp_ical_event(&c, &e);
  assert_int_equal(fp_ical_end(&c), -7);
  assert_int_equal(calls, 3); /* nothing written after the refusal */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escape),
      cmocka_unit_test(test_fold_long_line_and_utf8),
      cmocka_unit_test(test_calendar_and_events),
      cmocka_unit_test(test_sink_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
