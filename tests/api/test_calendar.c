/*
 * The iCalendar feeds (issue 12): GET /api/v1/me/calendar answers {url}, a feed that needs no
 * sign-in and answers text/calendar; renewal replaces it and the old URL is 404; the practice's feed
 * for its own managers only. Each feed is read by a real iCalendar parser (Debian's
 * python3-icalendar under Debian's /usr/bin/python3: tests/api/support/ical_dump.py) and must
 * match the bookings and shifts the API shows: UK local times with their zone, stable UIDs, a cancelled booking as STATUS:CANCELLED with
 * its SEQUENCE raised, escaped and folded text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static const char *gp;
static long long winter_shift, summer_shift, cancelled_shift, open_shift, withdrawn_shift;
static long long winter_booking, summer_booking, cancelled_booking;

#define LONG_DESC                                                                                              \
  "Bring your own stethoscope; parking behind the surgery, code 1234. Duties: morning surgery, telephone "  \
  "triage, home visits (two), prescriptions and results, with a reception team of four who know the patients."

static long long shift(int days, int hour, int hours, const char *desc) {
  json_t *j = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
                       (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(days, hour), "ends_at",
                       fpt_time_from_now(days, hour + hours), "rate_pence", 8000, "rate_unit", "hour", "description", desc);
  return fpt_int(j, "id");
}

static long long book(long long shift_id) {
  return fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift_id), 201, NULL), "id");
}

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "gp.cal@t.test", "gp", "7200001", true, NULL);
  winter_shift = shift(3, 2, 4, LONG_DESC);
  summer_shift = shift(150, 2, 4, "Summer, with a comma; and a semicolon\\ and a backslash");
  cancelled_shift = shift(5, 2, 3, "");
  open_shift = shift(6, 2, 3, "");
  withdrawn_shift = shift(7, 2, 3, "");
  winter_booking = book(winter_shift);
  summer_booking = book(summer_shift);
  cancelled_booking = book(cancelled_shift);
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", withdrawn_shift), 200, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* The path of a feed URL on this server (the URL names the host the request named). */
static const char *path_of(const char *url) {
  assert_true(strncmp(url, "http://", 7) == 0);
  const char *p = strchr(url + 7, '/');
  assert_non_null(p);
  assert_true(strncmp(p, "/api/v1/calendar-feed?key=", 26) == 0);
  return p;
}

/* GETs the feed with no sign-in and parses it with python3-icalendar: {events, timezones, version}. */
static json_t *feed(const char *url) {
  struct fpt_resp r = fpt_raw(&srv, "GET", path_of(url), NULL, NULL, 0);
  if (r.status != 200) fail_msg("feed: %ld %s", r.status, r.body);
  const char *type = fpt_header(&r, "Content-Type");
  assert_non_null(type);
  assert_true(strncmp(type, "text/calendar", 13) == 0);
  /* Content lines end in CRLF and none is longer than 75 octets. */
  const char *line = r.body;
  for (const char *p; (p = strstr(line, "\r\n")) != NULL; line = p + 2) assert_true(p - line <= 75);
  assert_string_equal(line, "");
  char file[] = "/tmp/fpt-ical-XXXXXX";
  int fd = mkstemp(file);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, r.body, r.body_len), (ssize_t)r.body_len);
  close(fd);
  const char *src = getenv("FP_SOURCE_DIR");
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/api/support/ical_dump.py %s", src ? src : ".", file);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  static char out[1 << 20];
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = 0;
  int rc = pclose(p);
  unlink(file);
  if (rc != 0) fail_msg("python3-icalendar could not read the feed:\n%s", r.body);
  json_error_t err;
  json_t *j = json_loads(out, 0, &err);
  if (!j) fail_msg("ical_dump.py: %s", out);
  fpt_keep_json(j); /* the test's garbage list owns it */
  assert_string_equal(fpt_s(j, "version"), "2.0");
  json_t *zones = json_object_get(j, "timezones");
  assert_int_equal(json_array_size(zones), 1);
  assert_string_equal(json_string_value(json_array_get(zones, 0)), "Europe/London");
  return j;
}

static json_t *event(json_t *cal, const char *uid) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(cal, "events"), i, e) if (strcmp(fpt_s(e, "uid"), uid) == 0) return e;
  return NULL;
}

/* The event of a booking matches what the API says of it. */
static json_t *expect_booking(json_t *cal, long long booking, const char *status) {
  json_t *e = event(cal, fpt_str("booking-%lld@flexpool", booking));
  if (!e) fail_msg("no event for booking %lld", booking);
  json_t *b = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld", booking), 200, NULL);
  assert_string_equal(fpt_s(e, "start"), fpt_s(b, "starts_at"));
  assert_string_equal(fpt_s(e, "end"), fpt_s(b, "ends_at"));
  assert_string_equal(fpt_s(e, "status"), status);
  assert_string_equal(fpt_s(e, "tzid"), "Europe/London");
  return e;
}

static void test_clinician_feed_matches_bookings(void **state) {
  (void)state;
  const char *url = fpt_s(fpt_call(&srv, gp, "GET", "/api/v1/me/calendar", 200, NULL), "url");
  json_t *cal = feed(url);
  assert_int_equal(json_array_size(json_object_get(cal, "events")), 3);
  json_t *winter = expect_booking(cal, winter_booking, "CONFIRMED");
  assert_string_equal(fpt_s(winter, "description"), LONG_DESC); /* folded and unfolded intact */
  assert_non_null(strstr(fpt_s(winter, "summary"), "General practitioner"));
  json_t *summer = expect_booking(cal, summer_booking, "CONFIRMED"); /* British Summer Time */
  assert_string_equal(fpt_s(summer, "description"), "Summer, with a comma; and a semicolon\\ and a backslash");
  long long seq_before = fpt_int(expect_booking(cal, cancelled_booking, "CONFIRMED"), "sequence");

  /* Cancelled: the same UID, STATUS:CANCELLED and a higher SEQUENCE (a calendar replaces its copy). */
  sleep(1);
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", cancelled_booking), 200, "{s:s}", "reason",
           "unwell");
  cal = feed(url);
  assert_int_equal(json_array_size(json_object_get(cal, "events")), 3);
  json_t *cancelled = expect_booking(cal, cancelled_booking, "CANCELLED");
  assert_true(fpt_int(cancelled, "sequence") > seq_before);
  /* The others did not change. */
  assert_int_equal(fpt_int(expect_booking(cal, winter_booking, "CONFIRMED"), "sequence"), fpt_int(winter, "sequence"));

  /* Another clinician's feed does not show these bookings. */
  const char *other = fpt_world_clinician(&w, "gp.cal2@t.test", "gp", "7200002", true, NULL);
  json_t *empty = feed(fpt_s(fpt_call(&srv, other, "GET", "/api/v1/me/calendar", 200, NULL), "url"));
  assert_int_equal(json_array_size(json_object_get(empty, "events")), 0);
}

static void test_renewal_ends_old_urls(void **state) {
  (void)state;
  const char *a = fpt_s(fpt_call(&srv, gp, "GET", "/api/v1/me/calendar", 200, NULL), "url");
  const char *b = fpt_s(fpt_call(&srv, gp, "GET", "/api/v1/me/calendar", 200, NULL), "url");
  feed(a);
  feed(b); /* both URLs shown work */
  const char *renewed = fpt_s(fpt_call(&srv, gp, "POST", "/api/v1/me/calendar/renewal", 201, NULL), "url");
  assert_string_not_equal(renewed, a);
  fpt_expect_error(fpt_raw(&srv, "GET", path_of(a), NULL, NULL, 0), 404, "not_found", NULL);
  fpt_expect_error(fpt_raw(&srv, "GET", path_of(b), NULL, NULL, 0), 404, "not_found", NULL);
  assert_int_equal(json_array_size(json_object_get(feed(renewed), "events")), 3);
  /* A key that was never issued, or none at all. */
  fpt_expect_error(fpt_raw(&srv, "GET", "/api/v1/calendar-feed?key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, NULL, 0),
                   404, "not_found", NULL);
  fpt_expect_error(fpt_raw(&srv, "GET", "/api/v1/calendar-feed", NULL, NULL, 0), 404, "not_found", NULL);
  /* The key (43 characters) is kept only as its 32-byte hash. */
  assert_true(fpt_sql_count(&srv, "SELECT COUNT(*) FROM calendar_feeds") > 0);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM calendar_feeds WHERE length(key_hash) <> 32"), 0);
  /* Only clinicians have a feed of bookings; signing in is needed to see the URL. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", "/api/v1/me/calendar", NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "GET", "/api/v1/me/calendar", NULL), 401, "unauthenticated", NULL);
}

static void test_practice_feed(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/organisations/%lld/calendar", w.practice1);
  /* Only the practice's own managers. */
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", path, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "GET", path, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", path, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "POST", fpt_str("%s/renewal", path), NULL), 403, "forbidden", NULL);
  const char *url = fpt_s(fpt_call(&srv, w.pm1, "GET", path, 200, NULL), "url");
  json_t *cal = feed(url);
  long long ids[] = {winter_shift, summer_shift, cancelled_shift, open_shift, withdrawn_shift};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    json_t *e = event(cal, fpt_str("shift-%lld@flexpool", ids[i]));
    if (!e) fail_msg("no event for shift %lld", ids[i]);
    json_t *s = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", ids[i]), 200, NULL);
    assert_string_equal(fpt_s(e, "start"), fpt_s(s, "starts_at"));
    assert_string_equal(fpt_s(e, "end"), fpt_s(s, "ends_at"));
    const char *st = fpt_s(s, "status");
    const char *want = strcmp(st, "booked") == 0 ? "CONFIRMED" : strcmp(st, "open") == 0 ? "TENTATIVE" : "CANCELLED";
    assert_string_equal(fpt_s(e, "status"), want);
  }
  /* The booked one names who is booked. */
  assert_non_null(strstr(fpt_s(event(cal, fpt_str("shift-%lld@flexpool", winter_shift)), "summary"), "gp.cal"));
  const char *renewed = fpt_s(fpt_call(&srv, w.pm1, "POST", fpt_str("%s/renewal", path), 201, NULL), "url");
  fpt_expect_error(fpt_raw(&srv, "GET", path_of(url), NULL, NULL, 0), 404, "not_found", NULL);
  feed(renewed);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clinician_feed_matches_bookings),
      cmocka_unit_test(test_renewal_ends_old_urls),
      cmocka_unit_test(test_practice_feed),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
