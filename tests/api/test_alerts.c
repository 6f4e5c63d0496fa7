/*
 * Shift alerts (issue 12): a clinician's alert preferences (GET/PUT /api/v1/me/alert-preferences,
 * the defaults, every field checked at the door), and the alerts the upkeep sends (the server runs
 * with --upkeep-interval 1): a posted shift alerts each clinician it fits - their role, distance,
 * least rate, the whole shift inside their availability, eligible on its date, not blocked - once,
 * in their notification list (and by email through the outbox); quiet hours covering now make it
 * wait, quiet hours elsewhere let it go at once, a digest waits for 07:00; an open shift within 48
 * hours is one urgent alert (once), and the practice is told once that a shift posted earlier is
 * still unfilled 48 hours before it starts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static char monday[11];
static char quiet_now_start[6], quiet_now_end[6], quiet_later_start[6], quiet_later_end[6];
static const char *fit, *quiet, *later, *digest, *other_role, *too_far, *too_cheap, *unavailable, *unverified, *blocked,
    *busy, *tired;
static long long fit_id, quiet_id, later_id, digest_id, other_role_id, too_far_id, too_cheap_id, unavailable_id,
    unverified_id, blocked_id, busy_id, tired_id;

/* The alerts decided, a row per clinician (each group of alerts due at one time keeps its clinicians
   as a JSON array: store/alerts.h). */
#define ALERTS_SQL "SELECT COUNT(*) FROM alert_groups g JOIN json_each(g.clinicians) j ON 1 = 1"

/* Where the practices and clinicians are. */
static const char POSTCODES[] =
    "LS1  4AP,LS1 4AP,,429000,433500,53.796,-1.548\n"
    "BD1  1HY,BD1 1HY,,416000,433000,53.793,-1.752\n";

/* "HH:MM" of UK local time now plus `minutes`. */
static void uk_hhmm(int minutes, char out[6]) {
  time_t t = time(NULL) + (time_t)minutes * 60;
  struct tm tm;
  setenv("TZ", "Europe/London", 1);
  tzset();
  localtime_r(&t, &tm);
  snprintf(out, 6, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static void available_all_week_on(struct fpt_server *on, const char *token) {
  json_t *pattern = json_array();
  static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  for (int i = 0; i < 7; i++)
    json_array_append_new(pattern, json_pack("{s:s, s:s, s:s}", "day", days[i], "start", "00:00", "end", "24:00"));
  fpt_call(on, token, "PUT", "/api/v1/me/availability", 200, "{s:o}", "pattern", pattern);
}

static void available_all_week(const char *token) { available_all_week_on(&srv, token); }

static void available_monday(const char *token, const char *session) {
  fpt_call(&srv, token, "PUT", "/api/v1/me/availability", 200, "{s:[{s:s, s:s}]}", "pattern", "day", "monday",
           "session", session);
}

/* Sets token's preferences: roles (one), miles (0: no limit), pence, mode, quiet hours. */
static void prefs(const char *token, const char *role, int miles, int pence, const char *mode, const char *qs,
                  const char *qe) {
  fpt_call(&srv, token, "PUT", "/api/v1/me/alert-preferences", 200, "{s:b, s:[s], s:o, s:i, s:s, s:s, s:s}", "enabled",
           1, "roles", role, "max_distance_miles", miles ? json_integer(miles) : json_null(), "min_hourly_pence", pence,
           "mode", mode, "quiet_start", qs, "quiet_end", qe);
}

static const char *gp(const char *name, const char *postcode, long long *id) {
  static int n;
  return fpt_world_clinician_at(&w, fpt_str("%s@t.test", name), "gp", fpt_str("75%05d", ++n), true, postcode, 20, id);
}

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  if (fpt_import_postcodes(&srv, POSTCODES) != 0) return -1;
  fpt_world_build(&w, &srv);
  fpt_monday_ahead(monday);
  /* Quiet hours around now, and quiet hours two hours from now. */
  uk_hhmm(-60, quiet_now_start);
  uk_hhmm(60, quiet_now_end);
  uk_hhmm(120, quiet_later_start);
  uk_hhmm(180, quiet_later_end);

  fit = gp("fit", "LS1 4AP", &fit_id);
  quiet = gp("quiet", "LS1 4AP", &quiet_id);
  later = gp("later", "LS1 4AP", &later_id);
  digest = gp("digest", "LS1 4AP", &digest_id);
  other_role = gp("otherrole", "LS1 4AP", &other_role_id);
  too_far = gp("toofar", "BD1 1HY", &too_far_id); /* 13.6 km (8.4 miles) from the practice */
  too_cheap = gp("toocheap", "LS1 4AP", &too_cheap_id);
  unavailable = gp("unavailable", "LS1 4AP", &unavailable_id);
  blocked = gp("blocked", "LS1 4AP", &blocked_id);
  busy = gp("busy", "LS1 4AP", &busy_id);
  tired = gp("tired", "LS1 4AP", &tired_id);
  w.verify_passports = false;
  unverified = gp("unverified", "LS1 4AP", &unverified_id);
  w.verify_passports = true;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* How many of token's notifications are of kind (and about link, when not NULL). */
static int count_kind(const char *token, const char *kind, const char *link) {
  json_t *items = json_object_get(fpt_call(&srv, token, "GET", "/api/v1/me/notifications?limit=100", 200, NULL), "items");
  int n = 0;
  for (size_t i = 0; i < json_array_size(items); i++) {
    json_t *it = json_array_get(items, i);
    if (strcmp(fpt_s(it, "kind"), kind) == 0 && (!link || strcmp(fpt_s(it, "link"), link) == 0)) n++;
  }
  return n;
}

/* Waits (up to 10 s: upkeep runs every second) until token has a notification of kind about link. */
static void wait_for(const char *token, const char *kind, const char *link) {
  for (int i = 0; i < 100; i++) {
    if (count_kind(token, kind, link) > 0) return;
    usleep(100 * 1000);
  }
  fail_msg("no %s notification about %s", kind, link ? link : "anything");
}

/* Waits for one more upkeep run than has happened when called (two seconds at --upkeep-interval 1). */
static void another_upkeep_run(void) { sleep(3); }

static void test_preferences_defaults_and_checks(void **state) {
  (void)state;
  json_t *d = fpt_call(&srv, fit, "GET", "/api/v1/me/alert-preferences", 200, NULL);
  assert_false(json_is_true(json_object_get(d, "customised")));
  assert_true(json_is_true(json_object_get(d, "enabled")));
  assert_string_equal(json_string_value(json_array_get(json_object_get(d, "roles"), 0)), "gp");
  assert_int_equal(fpt_int(d, "max_distance_miles"), 13); /* the 20 km radius, rounded up */
  assert_int_equal(fpt_int(d, "min_hourly_pence"), 0);
  assert_string_equal(fpt_s(d, "mode"), "instant");
  assert_string_equal(fpt_s(d, "quiet_start"), "21:00");
  assert_string_equal(fpt_s(d, "quiet_end"), "07:00");
  assert_string_equal(fpt_s(d, "digest_time"), "07:00");

  /* Only clinicians. */
  fpt_call(&srv, w.pm1, "GET", "/api/v1/me/alert-preferences", 403, NULL);
  fpt_call(&srv, w.pm1, "PUT", "/api/v1/me/alert-preferences", 403, "{}");
  /* Every field checked, naming it. */
  const char *p = "/api/v1/me/alert-preferences";
  json_t *e = fpt_call(&srv, fit, "PUT", p, 400, "{s:b, s:[s], s:i, s:s, s:s, s:s}", "enabled", 1, "roles", "wizard",
                       "min_hourly_pence", 0, "mode", "instant", "quiet_start", "21:00", "quiet_end", "07:00");
  assert_string_equal(fpt_s(json_object_get(e, "error"), "field"), "roles");
  e = fpt_call(&srv, fit, "PUT", p, 400, "{s:b, s:[s,s], s:i, s:s, s:s, s:s}", "enabled", 1, "roles", "gp", "gp",
               "min_hourly_pence", 0, "mode", "instant", "quiet_start", "21:00", "quiet_end", "07:00");
  assert_string_equal(fpt_s(json_object_get(e, "error"), "field"), "roles");
  e = fpt_call(&srv, fit, "PUT", p, 400, "{s:b, s:[], s:i, s:s, s:s, s:s}", "enabled", 1, "roles", "min_hourly_pence", 0,
               "mode", "instant", "quiet_start", "21:00", "quiet_end", "07:00");
  assert_string_equal(fpt_s(json_object_get(e, "error"), "field"), "roles");
  e = fpt_call(&srv, fit, "PUT", p, 400, "{s:b, s:[s], s:i, s:i, s:s, s:s, s:s}", "enabled", 1, "roles", "gp",
               "max_distance_miles", 501, "min_hourly_pence", 0, "mode", "instant", "quiet_start", "21:00", "quiet_end",
               "07:00");
  assert_string_equal(fpt_s(json_object_get(e, "error"), "field"), "max_distance_miles");
  e = fpt_call(&srv, fit, "PUT", p, 400, "{s:b, s:[s], s:i, s:s, s:s, s:s}", "enabled", 1, "roles", "gp",
               "min_hourly_pence", -1, "mode", "instant", "quiet_start", "21:00", "quiet_end", "07:00");
  assert_string_equal(fpt_s(json_object_get(e, "error"), "field"), "min_hourly_pence");
  e = fpt_call(&srv, fit, "PUT", p, 400, "{s:b, s:[s], s:i, s:s, s:s, s:s}", "enabled", 1, "roles", "gp",
               "min_hourly_pence", 0, "mode", "weekly", "quiet_start", "21:00", "quiet_end", "07:00");
  assert_string_equal(fpt_s(json_object_get(e, "error"), "field"), "mode");
  e = fpt_call(&srv, fit, "PUT", p, 400, "{s:b, s:[s], s:i, s:s, s:s, s:s}", "enabled", 1, "roles", "gp",
               "min_hourly_pence", 0, "mode", "instant", "quiet_start", "24:00", "quiet_end", "07:00");
  assert_string_equal(fpt_s(json_object_get(e, "error"), "field"), "quiet_start");
  e = fpt_call(&srv, fit, "PUT", p, 400, "{s:b, s:[s], s:i, s:s, s:s}", "enabled", 1, "roles", "gp", "min_hourly_pence",
               0, "mode", "instant", "quiet_start", "21:00");
  assert_string_equal(fpt_s(json_object_get(e, "error"), "field"), "quiet_end");
  /* Stored and read back. */
  json_t *s = fpt_call(&srv, fit, "PUT", p, 200, "{s:b, s:[s,s], s:i, s:i, s:s, s:s, s:s}", "enabled", 1, "roles", "gp",
                       "nurse", "max_distance_miles", 12, "min_hourly_pence", 7500, "mode", "digest", "quiet_start",
                       "22:30", "quiet_end", "06:15");
  assert_true(json_is_true(json_object_get(s, "customised")));
  d = fpt_call(&srv, fit, "GET", p, 200, NULL);
  assert_int_equal(json_array_size(json_object_get(d, "roles")), 2);
  assert_int_equal(fpt_int(d, "max_distance_miles"), 12);
  assert_int_equal(fpt_int(d, "min_hourly_pence"), 7500);
  assert_string_equal(fpt_s(d, "mode"), "digest");
  assert_string_equal(fpt_s(d, "quiet_start"), "22:30");
  assert_string_equal(fpt_s(d, "quiet_end"), "06:15");
}

static void test_alerts_honour_preferences_and_quiet_hours(void **state) {
  (void)state;
  /* No quiet hours (start = end) where the test needs an alert now, whatever the time of day. */
  available_all_week(fit);
  prefs(fit, "gp", 0, 0, "instant", "00:00", "00:00");
  available_all_week(quiet);
  prefs(quiet, "gp", 0, 0, "instant", quiet_now_start, quiet_now_end);
  available_all_week(later);
  prefs(later, "gp", 0, 0, "instant", quiet_later_start, quiet_later_end);
  available_all_week(digest);
  prefs(digest, "gp", 0, 0, "digest", "00:00", "00:00");
  available_all_week(other_role);
  prefs(other_role, "nurse", 0, 0, "instant", "00:00", "00:00");
  available_all_week(too_far);
  prefs(too_far, "gp", 5, 0, "instant", "00:00", "00:00");
  available_all_week(too_cheap);
  prefs(too_cheap, "gp", 0, 8001, "instant", "00:00", "00:00");
  available_monday(unavailable, "afternoon");
  prefs(unavailable, "gp", 0, 0, "instant", "00:00", "00:00");
  available_all_week(unverified);
  prefs(unverified, "gp", 0, 0, "instant", "00:00", "00:00");
  available_all_week(blocked);
  prefs(blocked, "gp", 0, 0, "instant", "00:00", "00:00");
  fpt_call(&srv, w.pm1, "PUT", fpt_str("/api/v1/organisations/%lld/blocked/%lld", w.practice1, blocked_id), 200, NULL);

  /* A Monday morning shift at GBP 80 an hour, 09:00-12:00 UTC (inside 08:00-13:00 UK time either side of a change). */
  json_t *s = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                       (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_str("%sT09:00:00Z", monday), "ends_at",
                       fpt_str("%sT12:00:00Z", monday), "rate_pence", 8000, "rate_unit", "hour");
  long long shift = fpt_int(s, "id");
  const char *link = fpt_str("/shifts/%lld", shift);
  wait_for(fit, "alert.shift", link);
  wait_for(later, "alert.shift", link); /* quiet hours, but not now: at once */
  json_t *items = json_object_get(fpt_call(&srv, fit, "GET", "/api/v1/me/notifications", 200, NULL), "items");
  json_t *n = json_array_get(items, 0);
  assert_non_null(strstr(fpt_s(n, "subject"), "A shift that fits you"));
  assert_non_null(strstr(fpt_s(n, "text"), "Park Lane Surgery"));
  /* And by email, through the outbox. */
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM outbox o JOIN users u ON u.email = o.to_address"
                                               " WHERE u.email = 'fit@t.test' AND o.subject LIKE 'A shift that fits you%%'")),
                   1);

  /* Waiting: quiet hours covering now, and the digest (07:00). Decided, not delivered. */
  assert_int_equal(count_kind(quiet, "alert.shift", NULL), 0);
  assert_int_equal(count_kind(digest, "alert.shift", NULL) + count_kind(digest, "alert.digest", NULL), 0);
  assert_int_equal(fpt_sql_count(&srv, fpt_str(ALERTS_SQL " WHERE g.shift_id = %lld AND CAST(j.value AS BIGINT) = %lld"
                                               " AND g.done_at IS NULL AND g.due_at > 0", shift, quiet_id)),
                   1);
  assert_int_equal(fpt_sql_count(&srv, fpt_str(ALERTS_SQL " WHERE g.shift_id = %lld AND CAST(j.value AS BIGINT) = %lld"
                                               " AND g.done_at IS NULL AND g.digest = 1", shift, digest_id)),
                   1);
  /* Never: another role, too far, too cheap, not available for all of it, not eligible, blocked. */
  const char *never[] = {other_role, too_far, too_cheap, unavailable, unverified, blocked};
  for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) assert_int_equal(count_kind(never[i], "alert.shift", NULL), 0);
  long long never_ids[] = {other_role_id, too_far_id, too_cheap_id, unavailable_id, unverified_id, blocked_id};
  for (size_t i = 0; i < sizeof never_ids / sizeof never_ids[0]; i++)
    assert_int_equal(fpt_sql_count(&srv, fpt_str(ALERTS_SQL " WHERE CAST(j.value AS BIGINT) = %lld", never_ids[i])), 0);

  /* The waiting ones go when due (made due here, as time passing would). */
  fpt_sql(&srv, fpt_str("UPDATE alert_groups SET due_at = 0 WHERE shift_id = %lld AND done_at IS NULL", shift));
  wait_for(quiet, "alert.shift", link);
  wait_for(digest, "alert.digest", NULL);

  /* Never twice: matching the shift again (as when it reaches more clinicians) alerts no one again. */
  fpt_sql(&srv, fpt_str("DELETE FROM alert_scans WHERE shift_id = %lld", shift));
  another_upkeep_run();
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM alert_scans WHERE shift_id = %lld AND kind = 'posted'", shift)), 1);
  assert_int_equal(count_kind(fit, "alert.shift", link), 1);
  assert_int_equal(count_kind(quiet, "alert.shift", link), 1);
  assert_int_equal(count_kind(digest, "alert.digest", NULL), 1);
}

static void test_urgent_once_and_practice_told_unfilled(void **state) {
  (void)state;
  /* fit (available all week, no quiet hours) and a shift tomorrow: one alert as posted, not a second as urgent. */
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 1, 2, 2, "instant");
  const char *link = fpt_str("/shifts/%lld", shift);
  wait_for(fit, "alert.shift", link);
  another_upkeep_run();
  assert_int_equal(count_kind(fit, "alert.urgent", link), 0);
  /* Posted long ago (as if three days passed): then one urgent alert, and the practice is told once. */
  fpt_sql(&srv, fpt_str("UPDATE alert_groups SET created_at = created_at - 259200 WHERE shift_id = %lld", shift));
  fpt_sql(&srv, fpt_str("UPDATE shifts SET created_at = created_at - 259200 WHERE id = %lld", shift));
  fpt_sql(&srv, fpt_str("DELETE FROM alert_scans WHERE shift_id = %lld AND kind = 'urgent'", shift));
  wait_for(fit, "alert.urgent", link);
  const char *plink = fpt_str("/practice/shifts/%lld", shift);
  wait_for(w.pm1, "shift.unfilled", plink);
  another_upkeep_run();
  assert_int_equal(count_kind(fit, "alert.urgent", link), 1);
  assert_int_equal(count_kind(w.pm1, "shift.unfilled", plink), 1);
  assert_int_equal(count_kind(fit, "alert.shift", link), 1);
}

/* An instant alert goes out within seconds of the posting, not at the upkeep's next run (a server
   with the default --upkeep-interval of 600 seconds, started for this test). */
static void test_instant_alert_within_seconds_of_posting(void **state) {
  (void)state;
  struct fpt_server s2;
  struct fpt_world w2;
  assert_int_equal(fpt_server_start(&s2, NULL, NULL), 0);
  fpt_world_build(&w2, &s2);
  long long id = 0;
  const char *gp2 = fpt_world_clinician(&w2, "instant@t.test", "gp", "7599999", true, &id);
  available_all_week_on(&s2, gp2);
  fpt_call(&s2, gp2, "PUT", "/api/v1/me/alert-preferences", 200, "{s:b, s:[s], s:n, s:i, s:s, s:s, s:s}", "enabled", 1,
           "roles", "gp", "max_distance_miles", "min_hourly_pence", 0, "mode", "instant", "quiet_start", "00:00",
           "quiet_end", "00:00");
  sleep(2); /* past the start-up's run */
  long long shift = fpt_world_shift(&w2, w2.pm1, w2.practice1, "gp", 5, 2, 3, "instant");
  const char *link = fpt_str("/shifts/%lld", shift);
  bool told = false;
  for (int i = 0; i < 50 && !told; i++) { /* up to 5 seconds */
    json_t *items = json_object_get(fpt_call(&s2, gp2, "GET", "/api/v1/me/notifications", 200, NULL), "items");
    for (size_t k = 0; k < json_array_size(items) && !told; k++)
      told = strcmp(fpt_s(json_array_get(items, k), "link"), link) == 0;
    if (!told) usleep(100 * 1000);
  }
  fpt_server_stop(&s2);
  assert_true(told);
}

/* POSTs a GP shift at practice1 from `from` to `to` (RFC 3339); its id. */
static long long post_shift(const char *from, const char *to) {
  return fpt_int(fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                          (json_int_t)w.practice1, "role", "gp", "starts_at", from, "ends_at", to, "rate_pence", 8000,
                          "rate_unit", "hour"),
                 "id");
}

/* Nobody is alerted to a shift the booking would refuse them: busy is booked at an overlapping time,
   tired has a long evening session the same day (13.5 hours on duty leaves less than the pool's 11
   hours of rest in 24). Both are available all week and eligible. */
/* A shift's scans go once it has started (only shifts to come are matched); those of shifts to
   come stay. */
static void test_scans_of_started_shifts_pruned(void **state) {
  (void)state;
  const char *day = fpt_str("%.11s", fpt_time_from_now(33, 0));
  long long gone = post_shift(fpt_str("%s08:00:00Z", day), fpt_str("%s12:00:00Z", day));
  long long kept = post_shift(fpt_str("%s13:00:00Z", day), fpt_str("%s17:00:00Z", day));
  const char *scans = "SELECT COUNT(*) FROM alert_scans WHERE shift_id = %lld";
  for (int i = 0; i < 100 && fpt_sql_count(&srv, fpt_str(scans, kept)) == 0; i++) usleep(100 * 1000);
  fpt_sql(&srv, fpt_str("INSERT INTO alert_scans (shift_id, kind, scanned_at) VALUES (%lld, 'urgent', 1)"
                        " ON CONFLICT DO NOTHING", gone));
  assert_true(fpt_sql_count(&srv, fpt_str(scans, kept)) > 0);
  /* The first one's time comes: it started an hour ago. */
  fpt_sql(&srv, fpt_str("UPDATE shifts SET starts_at = %lld, ends_at = %lld WHERE id = %lld", (long long)time(NULL) - 3600,
                        (long long)time(NULL) + 3600, gone));
  another_upkeep_run();
  assert_int_equal(fpt_sql_count(&srv, fpt_str(scans, gone)), 0);
  assert_true(fpt_sql_count(&srv, fpt_str(scans, kept)) > 0);
}

static void test_no_alert_for_a_shift_the_booking_would_refuse(void **state) {
  (void)state;
  const char *who[] = {busy, tired};
  for (int i = 0; i < 2; i++) {
    available_all_week(who[i]);
    prefs(who[i], "gp", 0, 0, "instant", "00:00", "00:00");
  }
  const char *day = fpt_str("%.11s", fpt_time_from_now(20, 0)), *next = fpt_str("%.11s", fpt_time_from_now(27, 0));
  long long early = post_shift(fpt_str("%s08:00:00Z", day), fpt_str("%s10:00:00Z", day));
  fpt_call(&srv, busy, "POST", fpt_str("/api/v1/shifts/%lld/booking", early), 201, NULL);
  long long evening = post_shift(fpt_str("%s13:00:00Z", day), fpt_str("%s22:30:00Z", day));
  fpt_call(&srv, tired, "POST", fpt_str("/api/v1/shifts/%lld/booking", evening), 201, NULL);

  /* 09:00-12:00: booking it would be refused, an overlap for busy and the working-time guard for tired. */
  long long shift = post_shift(fpt_str("%s09:00:00Z", day), fpt_str("%s12:00:00Z", day));
  const char *link = fpt_str("/shifts/%lld", shift);
  json_t *e = fpt_call(&srv, busy, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 409, NULL);
  assert_string_equal(fpt_s(json_object_get(e, "error"), "code"), "overlapping_booking");
  e = fpt_call(&srv, tired, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 409, NULL);
  assert_string_equal(fpt_s(json_object_get(e, "error"), "code"), "working_time_limit");
  wait_for(fit, "alert.shift", link); /* matched */
  another_upkeep_run();
  assert_int_equal(count_kind(busy, "alert.shift", link), 0);
  assert_int_equal(count_kind(tired, "alert.shift", link), 0);
  assert_int_equal(fpt_sql_count(&srv, fpt_str(ALERTS_SQL " WHERE g.shift_id = %lld AND CAST(j.value AS BIGINT) IN (%lld, %lld)",
                                               shift, busy_id, tired_id)),
                   0);
  /* A shift they could book, the next week, alerts them both. */
  long long free_shift = post_shift(fpt_str("%s09:00:00Z", next), fpt_str("%s12:00:00Z", next));
  wait_for(busy, "alert.shift", fpt_str("/shifts/%lld", free_shift));
  wait_for(tired, "alert.shift", fpt_str("/shifts/%lld", free_shift));
}

/* A shift released in tiers alerts only those it is open to: its favourites at posting, then the
   pool's clinicians when the pool's tier opens (matched again then), each once. */
static void test_tiered_release_alerts_each_tier_as_it_opens(void **state) {
  (void)state;
  fpt_call(&srv, w.pm1, "PUT", fpt_str("/api/v1/organisations/%lld/favourites/%lld", w.practice1, fit_id), 200, NULL);
  /* Two weeks ahead, 09:00-12:00 UTC (a morning either side of a clock change): the pool opens 24
     hours after posting. */
  json_t *s = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
                       (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(14, 9), "ends_at",
                       fpt_time_from_now(14, 12), "rate_pence", 8000, "rate_unit", "hour", "release", "tiered");
  long long shift = fpt_int(s, "id");
  const char *link = fpt_str("/shifts/%lld", shift);
  wait_for(fit, "alert.shift", link); /* the favourite, at posting */
  another_upkeep_run();
  assert_int_equal(count_kind(later, "alert.shift", link), 0); /* not yet open to them */
  /* The pool's tier opens (as the 24 hours passing would): matched again, the others alerted once. */
  fpt_sql(&srv, fpt_str("UPDATE shifts SET pool_opens_at = %lld WHERE id = %lld", (long long)time(NULL), shift));
  wait_for(later, "alert.shift", link);
  another_upkeep_run();
  assert_int_equal(count_kind(fit, "alert.shift", link), 1);
  assert_int_equal(count_kind(later, "alert.shift", link), 1);
}

/*
 * Matching keeps each clinician's facts between shifts (store/alert_index.h): every change to them
 * counts for the next shift, whichever way it goes. A witness who always fits shows each shift was
 * matched; the clinician who changes is alerted, or not, as each change says.
 */
static const char *witness, *changer;
static long long changer_id;
static int next_day = 40;

/* Posts a shift on a day of its own and waits until it was matched; whether changer was alerted. */
static bool changer_alerted(void) {
  const char *day = fpt_str("%.11s", fpt_time_from_now(next_day++, 0));
  long long shift = post_shift(fpt_str("%s09:00:00Z", day), fpt_str("%s12:00:00Z", day));
  const char *link = fpt_str("/shifts/%lld", shift);
  wait_for(witness, "alert.shift", link);
  return count_kind(changer, "alert.shift", link) > 0;
}

static void test_matching_follows_each_change_to_a_clinician(void **state) {
  (void)state;
  long long witness_id = 0;
  witness = gp("witness", "LS1 4AP", &witness_id);
  changer = gp("changer", "LS1 4AP", &changer_id);
  const char *both[] = {witness, changer};
  for (int i = 0; i < 2; i++) {
    available_all_week(both[i]);
    prefs(both[i], "gp", 5, 0, "instant", "00:00", "00:00");
  }
  assert_true(changer_alerted());
  /* Their preferences: a least rate above the shifts', then none again. */
  prefs(changer, "gp", 5, 9000, "instant", "00:00", "00:00");
  assert_false(changer_alerted());
  prefs(changer, "gp", 5, 0, "instant", "00:00", "00:00");
  assert_true(changer_alerted());
  /* Their availability: Sunday evenings only, then all week again. */
  fpt_call(&srv, changer, "PUT", "/api/v1/me/availability", 200, "{s:[{s:s, s:s}]}", "pattern", "day", "sunday", "session",
           "evening");
  assert_false(changer_alerted());
  available_all_week(changer);
  assert_true(changer_alerted());
  /* Their home: 8.4 miles away with a limit of 5, then back. */
  fpt_call(&srv, changer, "PATCH", fpt_str("/api/v1/clinicians/%lld", changer_id), 200, "{s:s}", "home_postcode", "BD1 1HY");
  assert_false(changer_alerted());
  fpt_call(&srv, changer, "PATCH", fpt_str("/api/v1/clinicians/%lld", changer_id), 200, "{s:s}", "home_postcode", "LS1 4AP");
  assert_true(changer_alerted());
  /* Their passport: every record rejected (written straight to the store: its triggers count). */
  fpt_sql(&srv, fpt_str("UPDATE passport_checks SET status = 'rejected' WHERE clinician_id = %lld", changer_id));
  assert_false(changer_alerted());
  fpt_sql(&srv, fpt_str("UPDATE passport_checks SET status = 'verified' WHERE clinician_id = %lld", changer_id));
  assert_true(changer_alerted());
  /* Their pool: removed from it. */
  long long member = fpt_sql_count(&srv, fpt_str("SELECT id FROM pool_members WHERE clinician_id = %lld", changer_id));
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("/api/v1/pools/%lld/members/%lld", w.pool, member), 204, NULL);
  assert_false(changer_alerted());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_preferences_defaults_and_checks),
      cmocka_unit_test(test_alerts_honour_preferences_and_quiet_hours),
      cmocka_unit_test(test_urgent_once_and_practice_told_unfilled),
      cmocka_unit_test(test_tiered_release_alerts_each_tier_as_it_opens),
      cmocka_unit_test(test_no_alert_for_a_shift_the_booking_would_refuse),
      cmocka_unit_test(test_scans_of_started_shifts_pruned),
      cmocka_unit_test(test_instant_alert_within_seconds_of_posting),
      cmocka_unit_test(test_matching_follows_each_change_to_a_clinician),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
