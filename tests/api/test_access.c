/*
 * Who may read a clinician's passport, evidence and profile, over HTTP against the real server
 * (store/access.h): a practice reads them only while it has a live relationship with the
 * clinician - an open application, a confirmed booking, a session worked there in the last
 * --passport-access-months, or a current placement grant - and the access log names which. A
 * declined application or a cancelled booking ends it; so does leaving the pool that gave a grant.
 * Placement grants: given only by an administrator of a pool the clinician is a member of, to a
 * practice or PCN in the pool's ICB, from today for at most 12 months; the clinician sees every one.
 * The migration that brought the grant rules revokes older grants outside them, with an audit row each.
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

/* The migration that applied the grant rules to older grants (src/store/migrations.c). */
#define GRANT_RULES_MIGRATION 12

static struct fpt_server srv;
static struct fpt_world w;
/* Servers a test starts of its own, stopped in teardown too if a failure left them running. */
static struct fpt_server extra_srv;

#define BOUNDARY "fptAccessBoundary7MA4YWxkTrZu0gW"

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  if (extra_srv.pid > 0) fpt_server_stop(&extra_srv);
  fpt_gc();
  return 0;
}

/* Dates and times ------------------------------------------------------------------------------ */

/* The same day `months` later, clamped to the month's end (as the server counts months). */
static const char *months_later(const char *ymd, int months) {
  int y, m, d;
  if (sscanf(ymd, "%d-%d-%d", &y, &m, &d) != 3) fail_msg("bad date %s", ymd);
  int total = y * 12 + (m - 1) + months;
  y = total / 12;
  m = total % 12 + 1;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
  if (d > last) d = last;
  return fpt_str("%04d-%02d-%02d", y, m, d);
}

static const char *seconds_from_now(int s) {
  time_t t = time(NULL) + s;
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return fpt_str("%s", buf);
}

/* Helpers ------------------------------------------------------------------------------------- */

/* Uploads a small PDF as the clinician's references; returns the evidence id. */
static long long upload_evidence(struct fpt_server *s, const char *token, long long clinician) {
  const char *file = "%PDF-1.4\n% access\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
  const char *body = fpt_str("--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"check_code\"\r\n\r\nreferences\r\n"
                             "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"i.pdf\"\r\n"
                             "Content-Type: application/pdf\r\n\r\n%s\r\n--" BOUNDARY "--\r\n",
                             file);
  const char *hdrs[] = {fpt_str("Authorization: Bearer %s", token),
                        "Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL};
  struct fpt_resp r = fpt_raw(s, "POST", fpt_str("/api/v1/clinicians/%lld/passport/evidence", clinician), hdrs, body,
                              strlen(body));
  assert_int_equal(r.status, 201);
  return fpt_int(json_object_get(r.json, "uploaded"), "id");
}

/* Whether the manager's GET /clinicians lists the clinician. */
static bool listed(struct fpt_server *s, const char *token, long long clinician) {
  json_t *l = fpt_call(s, token, "GET", "/api/v1/clinicians?limit=200", 200, NULL);
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(l, "items"), i, e) if (fpt_int(e, "id") == clinician) return true;
  return false;
}

/* What a practice manager can read of the clinician: passport, evidence, profile and list agree. */
static void practice_reads(struct fpt_server *s, const char *pm, long long clinician, long long evidence, bool can) {
  long status = can ? 200 : 404;
  fpt_call(s, pm, "GET", fpt_str("/api/v1/clinicians/%lld/passport", clinician), status, NULL);
  fpt_call(s, pm, "GET", fpt_str("/api/v1/clinicians/%lld", clinician), status, NULL);
  const char *hdrs[] = {fpt_str("Authorization: Bearer %s", pm), NULL};
  struct fpt_resp f = fpt_raw(s, "GET", fpt_str("/api/v1/evidence/%lld", evidence), hdrs, NULL, 0);
  assert_int_equal(f.status, status);
  assert_int_equal(listed(s, pm, clinician), can);
}

/* The reason of the newest access log entry. */
static const char *newest_reason(struct fpt_server *s, const char *clinician_token, long long clinician) {
  json_t *log = fpt_call(s, clinician_token, "GET",
                         fpt_str("/api/v1/clinicians/%lld/passport/access-log?limit=1", clinician), 200, NULL);
  json_t *e = json_array_get(json_object_get(log, "items"), 0);
  assert_non_null(e);
  return fpt_s(e, "reason");
}

static long long member_id(struct fpt_server *s, const char *token, long long pool, long long clinician) {
  json_t *l = fpt_call(s, token, "GET", fpt_str("/api/v1/pools/%lld/members?limit=200", pool), 200, NULL);
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(l, "items"), i, e) {
    json_t *c = json_object_get(e, "clinician_id");
    if (c && json_integer_value(c) == clinician) return fpt_int(e, "id");
  }
  fail_msg("clinician %lld is not a member of pool %lld", clinician, pool);
  return 0;
}

/* Item 5: a practice's access follows a live relationship -------------------------------------- */

static void test_practice_access_follows_live_relationship(void **state) {
  (void)state;
  long long cx;
  const char *x = fpt_world_clinician(&w, "live@t.test", "gp", "7300001", true, &cx);
  long long ev = upload_evidence(&srv, x, cx);
  practice_reads(&srv, w.pm1, cx, ev, false);

  /* An open application: the practice reads; declined, it no longer does. */
  long long s1 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 20, 0, 4, "approval");
  json_t *app = fpt_call(&srv, x, "POST", fpt_str("/api/v1/shifts/%lld/applications", s1), 201, NULL);
  practice_reads(&srv, w.pm1, cx, ev, true);
  assert_string_equal(newest_reason(&srv, x, cx), "application");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/decline", fpt_int(app, "id")), 200, "{s:s}",
           "reason", "We found someone");
  practice_reads(&srv, w.pm1, cx, ev, false);

  /* A confirmed booking: the practice reads; cancelled, it no longer does. */
  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 21, 0, 4, "instant");
  json_t *b = fpt_call(&srv, x, "POST", fpt_str("/api/v1/shifts/%lld/booking", s2), 201, NULL);
  practice_reads(&srv, w.pm1, cx, ev, true);
  assert_string_equal(newest_reason(&srv, x, cx), "booking");
  fpt_call(&srv, x, "POST", fpt_str("/api/v1/bookings/%lld/cancellation", fpt_int(b, "id")), 200, "{s:s}", "reason",
           "Unwell");
  practice_reads(&srv, w.pm1, cx, ev, false);
  /* practice2, never related, never reads. */
  practice_reads(&srv, w.pm2, cx, ev, false);

  /* A session worked there: the practice reads for --passport-access-months (12) after it ended. */
  json_t *s3 = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}",
                        "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at", seconds_from_now(2),
                        "ends_at", seconds_from_now(4), "rate_pence", 8000, "rate_unit", "hour", "booking_mode",
                        "instant");
  fpt_call(&srv, x, "POST", fpt_str("/api/v1/shifts/%lld/booking", fpt_int(s3, "id")), 201, NULL);
  /* Another clinician's session the practice marks did_not_attend: no worked session. */
  long long cy;
  const char *y = fpt_world_clinician(&w, "absent@t.test", "gp", "7300006", true, &cy);
  long long evy = upload_evidence(&srv, y, cy);
  json_t *s4 = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}",
                        "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at", seconds_from_now(2),
                        "ends_at", seconds_from_now(4), "rate_pence", 8000, "rate_unit", "hour", "booking_mode",
                        "instant");
  json_t *by = fpt_call(&srv, y, "POST", fpt_str("/api/v1/shifts/%lld/booking", fpt_int(s4, "id")), 201, NULL);
  sleep(6);
  practice_reads(&srv, w.pm1, cx, ev, true);
  assert_string_equal(newest_reason(&srv, x, cx), "worked");
  practice_reads(&srv, w.pm1, cy, evy, true);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/bookings/%lld/did-not-attend", fpt_int(by, "id")), 200, NULL);
  practice_reads(&srv, w.pm1, cy, evy, false);
  /* The log names the reason on every practice view. */
  json_t *log = fpt_call(&srv, x, "GET", fpt_str("/api/v1/clinicians/%lld/passport/access-log?limit=200", cx), 200,
                         NULL);
  size_t i;
  json_t *e;
  int application = 0, booking = 0, worked = 0;
  json_array_foreach(json_object_get(log, "items"), i, e) {
    if (strcmp(fpt_s(e, "basis"), "practice_manager") != 0) continue;
    const char *why = fpt_s(e, "reason");
    application += strcmp(why, "application") == 0;
    booking += strcmp(why, "booking") == 0;
    worked += strcmp(why, "worked") == 0;
  }
  assert_int_equal(application, 2); /* passport and evidence, each time */
  assert_int_equal(booking, 2);
  assert_int_equal(worked, 2);
}

/* With --passport-access-months 0 a worked session gives nothing once it has ended. */
static void test_passport_access_months(void **state) {
  (void)state;
  const char *extra[] = {"--passport-access-months", "0", NULL};
  assert_int_equal(fpt_server_start(&extra_srv, NULL, extra), 0);
  struct fpt_world w0;
  fpt_world_build(&w0, &extra_srv);
  long long cx;
  const char *x = fpt_world_clinician(&w0, "months@t.test", "gp", "7300002", true, &cx);
  long long ev = upload_evidence(&extra_srv, x, cx);
  json_t *s = fpt_call(&extra_srv, w0.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}",
                       "practice_id", (json_int_t)w0.practice1, "role", "gp", "starts_at", seconds_from_now(2),
                       "ends_at", seconds_from_now(4), "rate_pence", 8000, "rate_unit", "hour", "booking_mode",
                       "instant");
  fpt_call(&extra_srv, x, "POST", fpt_str("/api/v1/shifts/%lld/booking", fpt_int(s, "id")), 201, NULL);
  practice_reads(&extra_srv, w0.pm1, cx, ev, true);
  sleep(6);
  practice_reads(&extra_srv, w0.pm1, cx, ev, false);
  fpt_server_stop(&extra_srv);
  extra_srv.pid = 0;
}

/* Item 4: placement grants -------------------------------------------------------------------- */

static void test_grant_rules(void **state) {
  (void)state;
  long long cx, asker;
  const char *x = fpt_world_clinician(&w, "granted@t.test", "gp", "7300003", true, &cx);
  const char *a = fpt_world_clinician(&w, "asker@t.test", "gp", "7300004", false, &asker);
  long long ev = upload_evidence(&srv, x, cx);
  const char *today = fpt_s(fpt_call(&srv, x, "GET", fpt_str("/api/v1/clinicians/%lld/passport", cx), 200, NULL), "on");
  const char *grants = fpt_str("/api/v1/clinicians/%lld/passport/grants", cx);
  const char *last = fpt_date_add(months_later(today, 12), -1);

  /* Only a practice or a PCN in the pool's ICB. */
  json_t *o = fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I, s:s}", "level",
                       "pcn", "ods_code", "U99999", "name", "Other ICB PCN", "parent_id", (json_int_t)w.other_icb,
                       "postcode", "LS1 4AP");
  long long other_pcn = fpt_int(o, "id");
  long long targets[] = {w.icb, w.place, other_pcn};
  for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
    struct fpt_resp r = fpt_request(&srv, w.pool_admin, "POST", grants, "{s:I, s:s}", "organisation_id",
                                    (json_int_t)targets[i], "until", fpt_date_add(today, 30));
    assert_int_equal(r.status, 400);
    assert_string_equal(fpt_s(json_object_get(r.json, "error"), "field"), "organisation_id");
  }
  /* From today, for at most 12 months. */
  fpt_call(&srv, w.pool_admin, "POST", grants, 400, "{s:I, s:s, s:s}", "organisation_id", (json_int_t)w.practice2,
           "from", "2020-01-01", "until", "2099-12-31");
  fpt_call(&srv, w.pool_admin, "POST", grants, 400, "{s:I, s:s}", "organisation_id", (json_int_t)w.practice2, "until",
           "2099-12-31");
  fpt_call(&srv, w.pool_admin, "POST", grants, 400, "{s:I, s:s}", "organisation_id", (json_int_t)w.practice2, "until",
           fpt_date_add(last, 1));
  fpt_call(&srv, w.pool_admin, "POST", grants, 400, "{s:I, s:s, s:s}", "organisation_id", (json_int_t)w.practice2,
           "from", fpt_date_add(today, 7), "until", fpt_date_add(today, 30));
  fpt_call(&srv, w.pool_admin, "POST", grants, 400, "{s:I, s:s}", "organisation_id", (json_int_t)w.practice2, "until",
           fpt_date_add(today, -1));

  /* Only for a member of the administrator's pool: asking to join is not enough. */
  fpt_call(&srv, a, "POST", fpt_str("/api/v1/pools/%lld/join-requests", w.pool), 201, NULL);
  fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/clinicians/%lld/passport", asker), 200, NULL);
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/clinicians/%lld/passport/grants", asker), 403, "{s:I, s:s}",
           "organisation_id", (json_int_t)w.practice2, "until", fpt_date_add(today, 30));
  /* Declined, the asker is no longer the pool's to read: neither the passport nor the profile. */
  json_t *reqs = fpt_call(&srv, a, "GET", "/api/v1/me/join-requests", 200, NULL);
  long long req = fpt_int(json_array_get(json_object_get(reqs, "items"), 0), "id");
  fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/clinicians/%lld", asker), 200, NULL);
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/join-requests/%lld/decline", req), 200, "{s:s}", "reason",
           "The pool is full");
  fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/clinicians/%lld/passport", asker), 404, NULL);
  fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/clinicians/%lld", asker), 404, NULL);
  /* A practice manager or the clinician cannot grant. */
  fpt_call(&srv, x, "POST", grants, 403, "{s:I, s:s}", "organisation_id", (json_int_t)w.practice2, "until",
           fpt_date_add(today, 30));

  /* A grant to the PCN, to its last allowed day: both its practices read, the log says "grant". */
  practice_reads(&srv, w.pm2, cx, ev, false);
  json_t *g = fpt_call(&srv, w.pool_admin, "POST", grants, 201, "{s:I, s:s}", "organisation_id", (json_int_t)w.pcn,
                       "until", last);
  assert_string_equal(fpt_s(g, "from"), today);
  assert_string_equal(fpt_s(g, "until"), last);
  assert_string_equal(fpt_s(g, "state"), "active");
  assert_int_equal(fpt_int(json_object_get(g, "pool"), "id"), w.pool);
  practice_reads(&srv, w.pm2, cx, ev, true);
  assert_string_equal(newest_reason(&srv, x, cx), "grant");
  practice_reads(&srv, w.pm1, cx, ev, true);

  /* The clinician sees it: to whom, by which pool, from and until, and its state. */
  json_t *list = fpt_call(&srv, x, "GET", grants, 200, NULL);
  json_t *mine = json_array_get(json_object_get(list, "items"), 0);
  assert_int_equal(fpt_int(mine, "id"), fpt_int(g, "id"));
  assert_string_equal(fpt_s(json_object_get(mine, "organisation"), "name"), "Leeds Central PCN");
  assert_string_equal(fpt_s(json_object_get(mine, "organisation"), "level"), "pcn");
  assert_string_equal(fpt_s(json_object_get(mine, "pool"), "name"), "Test GP Pool");
  assert_string_equal(fpt_s(mine, "state"), "active");

  /* The clinician leaves the pool: the grant lapses and gives nothing. */
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("/api/v1/pools/%lld/members/%lld", w.pool,
                                                 member_id(&srv, w.pool_admin, w.pool, cx)),
           204, NULL);
  practice_reads(&srv, w.pm2, cx, ev, false);
  practice_reads(&srv, w.pm1, cx, ev, false);
  list = fpt_call(&srv, x, "GET", grants, 200, NULL);
  mine = json_array_get(json_object_get(list, "items"), 0);
  assert_string_equal(fpt_s(mine, "state"), "lapsed");
  assert_false(json_is_true(json_object_get(mine, "active")));
  /* Coming back to the pool brings the grant back while it is in date; revoking ends it. */
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/pools/%lld/members", w.pool), 201, "{s:I}", "clinician_id",
           (json_int_t)cx);
  practice_reads(&srv, w.pm2, cx, ev, true);
  fpt_call(&srv, w.pm2, "DELETE", fpt_str("/api/v1/passport/grants/%lld", fpt_int(g, "id")), 403, NULL);
  json_t *rv = fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("/api/v1/passport/grants/%lld", fpt_int(g, "id")), 200, NULL);
  assert_string_equal(fpt_s(rv, "state"), "revoked");
  practice_reads(&srv, w.pm2, cx, ev, false);
}

/* The migration revokes older grants outside the rules, with an audit row each ------------------ */

static void test_migration_revokes_grants_outside_the_rules(void **state) {
  (void)state;
  /* PostgreSQL's schema starts after this migration (src/store/pg/schema.c), with no grants made
     under the old rules to revoke: the migration is SQLite's alone. */
  if (fpt_engine_postgres()) skip();
  char dir[64];
  fpt_tempdir(dir, sizeof dir);
  assert_int_equal(fpt_server_start(&extra_srv, dir, NULL), 0);
  struct fpt_world wm;
  fpt_world_build(&wm, &extra_srv);
  long long cx;
  const char *x = fpt_world_clinician(&wm, "old@t.test", "gp", "7300005", true, &cx);
  const char *today = fpt_s(fpt_call(&extra_srv, x, "GET", fpt_str("/api/v1/clinicians/%lld/passport", cx), 200, NULL), "on");
  json_t *ok = fpt_call(&extra_srv, wm.pool_admin, "POST", fpt_str("/api/v1/clinicians/%lld/passport/grants", cx), 201,
                        "{s:I, s:s}", "organisation_id", (json_int_t)wm.practice2, "until", fpt_date_add(today, 30));
  long long ok_id = fpt_int(ok, "id");
  json_t *me = fpt_call(&extra_srv, wm.pool_admin, "GET", "/api/v1/me", 200, NULL);
  long long pool_admin_user = fpt_int(me, "id");
  fpt_server_kill(&extra_srv);
  extra_srv.pid = 0;

  /* As the store held them before the rules: no pool on any grant, and three outside the rules. */
  long long now = (long long)time(NULL), day = now / 86400;
  fpt_sql(&extra_srv, "UPDATE passport_grants SET pool_id = NULL");
  fpt_sql(&extra_srv, fpt_str("INSERT INTO passport_grants (clinician_id, organisation_id, from_day, until_day, granted_by,"
                       " created_at) VALUES (%lld, %lld, %lld, %lld, %lld, %lld), (%lld, %lld, %lld, %lld, %lld, %lld),"
                       " (%lld, %lld, %lld, %lld, %lld, %lld)",
                       cx, wm.icb, day, day + 30, pool_admin_user, now,                  /* to an ICB */
                       cx, wm.practice2, 18262LL, 47482LL, pool_admin_user, now,         /* 2020 to 2099 */
                       cx, wm.practice2, day, day + 30, (long long)wm.pm1_user, now));   /* by a non-administrator */
  fpt_sql(&extra_srv, fpt_str("DELETE FROM schema_migrations WHERE version = %d", GRANT_RULES_MIGRATION));

  assert_int_equal(fpt_server_start(&extra_srv, dir, NULL), 0);
  const char *x2 = fpt_login(&extra_srv, "old@t.test", FPT_CLINICIAN_PASSWORD);
  json_t *list = fpt_call(&extra_srv, x2, "GET", fpt_str("/api/v1/clinicians/%lld/passport/grants", cx), 200, NULL);
  size_t i;
  json_t *e;
  int revoked = 0;
  json_array_foreach(json_object_get(list, "items"), i, e) {
    if (fpt_int(e, "id") == ok_id) {
      assert_string_equal(fpt_s(e, "state"), "active");
      assert_int_equal(fpt_int(json_object_get(e, "pool"), "id"), wm.pool);
    } else {
      assert_string_equal(fpt_s(e, "state"), "revoked");
      revoked++;
    }
  }
  assert_int_equal(revoked, 3);
  const char *admin = fpt_login(&extra_srv, "root@flexpool.test", "admin-password-123");
  json_t *audit = fpt_call(&extra_srv, admin, "GET", "/api/v1/audit?entity=passport_grant&action=passport.grant_revoke", 200,
                           NULL);
  assert_int_equal(json_array_size(json_object_get(audit, "items")), 3);
  fpt_server_stop(&extra_srv);
  extra_srv.pid = 0;
  fpt_rmrf(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_practice_access_follows_live_relationship),
      cmocka_unit_test(test_passport_access_months),
      cmocka_unit_test(test_grant_rules),
      cmocka_unit_test(test_migration_revokes_grants_outside_the_rules),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
