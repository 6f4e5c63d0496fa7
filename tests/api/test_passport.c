/*
 * The clinician passport over HTTP: the seeded catalogue and requirements; the whole loop (upload,
 * verify, book; a check that expires before the shift or is rejected refuses the booking with
 * 409 not_eligible naming it, and flags bookings already made without dropping them); who may see
 * a passport and its evidence, and the access log of every view; placement grants; uploads that
 * are too large, of a forbidden type or malformed, refused cleanly with nothing stored; the same
 * file stored once; DBS certificate copies deleted after the retention; the pool's queue and
 * compliance; register imports flagging suspended, erased and lapsed clinicians.
 *
 * The server runs with --dbs-retention-months 0 and --upkeep-interval 1, so that a verified DBS
 * certificate's copy goes within seconds (the other tests use other checks' evidence).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static json_t *seeded;    /* every profession's requirements as a fresh store has them */
static json_t *seeded_gp; /* the gp ones */
static const char *today; /* the server's day, from a passport */

#define BOUNDARY "fptPassportBoundary7MA4YWxkTrZu0gW"

/* Dates ------------------------------------------------------------------------------------------ */

/* The last day of a yearly course done on ymd: the day before its anniversary (29 February's is 28th). */
static const char *year_later(const char *ymd) {
  int y, m, d;
  if (sscanf(ymd, "%d-%d-%d", &y, &m, &d) != 3) fail_msg("bad date %s", ymd);
  if (m == 2 && d == 29) d = 28;
  return fpt_date_add(fpt_str("%04d-%02d-%02d", y + 1, m, d), -1);
}

/* The UTC date of an RFC 3339 time; the UK day of a shift is this day or, in summer, the next. */
static const char *date_of(const char *rfc3339) { return fpt_str("%.10s", rfc3339); }

/* Multipart ---------------------------------------------------------------------------------------- */

struct part {
  const char *name, *value;
};

/* A multipart/form-data body: the text fields, then `file` when file is not NULL. */
static const char *mp_body(const struct part *fields, const char *file, size_t file_len, const char *filename,
                           size_t *len) {
  size_t cap = file_len + 4096;
  for (const struct part *p = fields; p && p->name; p++) cap += strlen(p->name) + strlen(p->value) + 200;
  char *b = fpt_keep(malloc(cap));
  size_t n = 0;
  for (const struct part *p = fields; p && p->name; p++)
    n += (size_t)snprintf(b + n, cap - n,
                          "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", p->name,
                          p->value);
  if (file) {
    n += (size_t)snprintf(b + n, cap - n,
                          "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                          "Content-Type: application/octet-stream\r\n\r\n",
                          filename ? filename : "evidence.pdf");
    memcpy(b + n, file, file_len);
    n += file_len;
    n += (size_t)snprintf(b + n, cap - n, "\r\n");
  }
  n += (size_t)snprintf(b + n, cap - n, "--" BOUNDARY "--\r\n");
  *len = n;
  return b;
}

static struct fpt_resp post_raw(const char *token, long long clinician, const char *content_type, const char *body,
                                size_t len) {
  const char *hdrs[] = {fpt_str("Authorization: Bearer %s", token), fpt_str("Content-Type: %s", content_type), NULL};
  return fpt_raw(&srv, "POST", fpt_str("/api/v1/clinicians/%lld/passport/evidence", clinician), hdrs, body, len);
}

static struct fpt_resp upload(const char *token, long long clinician, const struct part *fields, const char *file,
                              size_t file_len) {
  size_t len;
  const char *body = mp_body(fields, file, file_len, NULL, &len);
  return post_raw(token, clinician, "multipart/form-data; boundary=" BOUNDARY, body, len);
}

/* A small, distinct PDF. */
static const char *pdf(const char *tag, size_t *len) {
  const char *s = fpt_str("%%PDF-1.4\n%% %s\n1 0 obj << >> endobj\ntrailer << >>\n%%%%EOF\n", tag);
  *len = strlen(s);
  return s;
}

/* Helpers on the passport ------------------------------------------------------------------------- */

static json_t *passport(const char *token, long long clinician, const char *on) {
  return fpt_call(&srv, token, "GET",
                  on ? fpt_str("/api/v1/clinicians/%lld/passport?on=%s", clinician, on)
                     : fpt_str("/api/v1/clinicians/%lld/passport", clinician),
                  200, NULL);
}

static json_t *item(json_t *pp, const char *code) {
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(pp, "checks"), i, it) if (strcmp(fpt_s(it, "code"), code) == 0) return it;
  fail_msg("no check %s in the passport", code);
  return NULL;
}

static const char *state_of(json_t *pp, const char *code) { return fpt_s(item(pp, code), "state"); }

static bool array_has(json_t *arr, const char *s) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return true;
  return false;
}

static bool ids_have(json_t *arr, long long id) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) if (json_is_integer(v) && json_integer_value(v) == id) return true;
  return false;
}

/* Uploads evidence for one check with dates that satisfy its rule; returns the record's id. */
static long long submit(const char *token, long long clinician, json_t *check) {
  const char *code = fpt_s(check, "code");
  const char *rule = fpt_s(json_object_get(check, "validity"), "rule");
  struct part fields[4] = {{"check_code", code}, {"issued_on", fpt_date_add(today, -10)}, {NULL, NULL}, {NULL, NULL}};
  if (strcmp(rule, "explicit") == 0) fields[2] = (struct part){"expires_on", fpt_date_add(today, 400)};
  else fields[2] = (struct part){"reference", fpt_str("REF-%s", code)};
  size_t len;
  const char *file = pdf(fpt_str("%lld %s", clinician, code), &len);
  struct fpt_resp r = upload(token, clinician, fields, file, len);
  if (r.status != 201) fail_msg("upload %s: %ld %s", code, r.status, r.body);
  assert_string_equal(fpt_s(r.json, "status"), "submitted");
  return fpt_int(r.json, "id");
}

static json_t *verify(long long record, const char *body_fmt, ...);

/* Makes the clinician compliant: every check not yet verified (but `except`) is uploaded and verified. */
static void comply_except(const char *token, long long clinician, const char *except) {
  json_t *pp = passport(token, clinician, NULL);
  size_t i;
  json_t *it;
  long long ids[64];
  size_t n = 0;
  json_array_foreach(json_object_get(pp, "checks"), i, it) {
    const char *st = fpt_s(it, "state");
    if (except && strcmp(fpt_s(it, "code"), except) == 0) continue;
    if (strcmp(st, "verified") != 0 && strcmp(st, "expiring_soon") != 0) {
      if (n == 64) fail_msg("more than 64 checks to comply with");
      ids[n++] = submit(token, clinician, it);
    }
  }
  for (i = 0; i < n; i++)
    fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/passport/checks/%lld/verification", ids[i]), 200, "{s:s}",
             "decision", "verify");
}

static void comply(const char *token, long long clinician) { comply_except(token, clinician, NULL); }

static json_t *verify_v(long long record, const char *body_fmt, va_list ap) {
  json_t *body = json_vpack_ex(NULL, 0, body_fmt, ap);
  char *text = json_dumps(body, JSON_COMPACT);
  json_decref(body);
  const char *hdrs[] = {fpt_str("Authorization: Bearer %s", w.pool_admin), "Content-Type: application/json", NULL};
  struct fpt_resp r = fpt_raw(&srv, "POST", fpt_str("/api/v1/passport/checks/%lld/verification", record), hdrs, text,
                              strlen(text));
  free(text);
  if (r.status != 200) fail_msg("verification of %lld: %ld %s", record, r.status, r.body);
  return r.json;
}

static json_t *verify(long long record, const char *body_fmt, ...) {
  va_list ap;
  va_start(ap, body_fmt);
  json_t *j = verify_v(record, body_fmt, ap);
  va_end(ap);
  return j;
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static const char *evidence_dir(void) { return fpt_str("%s/evidence", srv.data_dir); }

/* How many evidence contents the store keeps: files in the evidence folder on SQLite, rows of
   evidence_blobs on PostgreSQL (where every server must read them). */
static int stored_contents(void) {
  if (fpt_engine_postgres()) return (int)fpt_sql_count(&srv, "SELECT COUNT(*) FROM evidence_blobs");
  return count_files(evidence_dir());
}

static long long records_of(const char *token, long long clinician) {
  json_t *pp = passport(token, clinician, NULL);
  size_t i;
  json_t *it;
  long long n = 0;
  json_array_foreach(json_object_get(pp, "checks"), i, it) if (!json_is_null(json_object_get(it, "id"))) n++;
  return n;
}

/* Setup -------------------------------------------------------------------------------------------- */

/* The seeded check codes of a profession (an empty list when it requires nothing). */
static json_t *seeded_codes(const char *profession) {
  size_t i;
  json_t *it;
  json_array_foreach(seeded, i, it) if (strcmp(fpt_s(it, "profession"), profession) == 0) return json_object_get(it, "check_codes");
  return fpt_keep_json(json_array());
}

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--dbs-retention-months", "0", "--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  /* What a fresh store requires of each profession. */
  const char *admin = fpt_bootstrap_admin(&srv);
  seeded = json_incref(json_object_get(fpt_call(&srv, admin, "GET", "/api/v1/passport/requirements", 200, NULL), "items"));
  seeded_gp = seeded_codes("gp");
  fpt_world_build(&w, &srv);
  /* This suite's clinicians start with an empty passport; they comply() where a test needs it. */
  w.verify_passports = false;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  json_decref(seeded);
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* Tests ------------------------------------------------------------------------------------------- */

static void test_catalogue_and_seeded_requirements(void **state) {
  (void)state;
  /* England's defaults: a GP needs the employment checks, registration, the Performers List, the
   * Core Skills; a healthcare assistant no registration; nobody but a GP the Performers List. */
  assert_non_null(seeded_gp);
  static const char *const gp_needs[] = {"identity", "right_to_work", "registration", "performers_list", "qualification",
                                         "indemnity", "dbs", "occupational_health", "references", "employment_history",
                                         "cstf_information_governance", "cstf_basic_life_support",
                                         "cstf_safeguarding_adults", "cstf_safeguarding_children", "cstf_fire_safety",
                                         "cstf_infection_control"};
  for (size_t i = 0; i < sizeof gp_needs / sizeof gp_needs[0]; i++)
    if (!array_has(seeded_gp, gp_needs[i])) fail_msg("a GP should need %s", gp_needs[i]);
  json_t *codes = seeded_codes("nurse");
  assert_true(array_has(codes, "registration"));
  assert_false(array_has(codes, "performers_list"));
  codes = seeded_codes("healthcare_assistant");
  assert_true(array_has(codes, "dbs"));
  assert_true(array_has(codes, "cstf_basic_life_support"));
  assert_false(array_has(codes, "registration"));
  assert_int_equal(json_array_size(seeded), 16); /* every built-in profession */
  /* Anyone signed in reads them. */
  json_t *nurse = fpt_call(&srv, w.pm1, "GET", "/api/v1/passport/requirements?profession=nurse", 200, NULL);
  assert_true(json_equal(json_object_get(json_array_get(json_object_get(nurse, "items"), 0), "check_codes"),
                         seeded_codes("nurse")));
  /* Each check type's validity rule and renewal period. */
  json_t *types = fpt_call(&srv, w.pm1, "GET", "/api/v1/passport/check-types", 200, NULL);
  size_t i;
  json_t *t;
  int seen = 0;
  json_array_foreach(json_object_get(types, "items"), i, t) {
    const char *code = fpt_s(t, "code");
    json_t *v = json_object_get(t, "validity");
    if (strcmp(code, "cstf_information_governance") == 0 || strcmp(code, "cstf_basic_life_support") == 0) {
      assert_string_equal(fpt_s(v, "rule"), "period");
      assert_int_equal(fpt_int(v, "renewal_months"), 12);
      seen++;
    } else if (strcmp(code, "cstf_safeguarding_adults") == 0 || strcmp(code, "cstf_safeguarding_children") == 0) {
      assert_int_equal(fpt_int(v, "renewal_months"), 36);
      seen++;
    } else if (strcmp(code, "cstf_fire_safety") == 0) {
      assert_int_equal(fpt_int(v, "renewal_months"), 24);
      seen++;
    } else if (strcmp(code, "indemnity") == 0) {
      assert_string_equal(fpt_s(v, "rule"), "explicit");
      seen++;
    } else if (strcmp(code, "identity") == 0) {
      assert_string_equal(fpt_s(v, "rule"), "none");
      seen++;
    } else if (strcmp(code, "dbs") == 0) {
      assert_true(json_is_true(json_object_get(t, "limited_retention")));
      seen++;
    }
  }
  assert_int_equal(seen, 8);
}

static void test_upload_verify_book_then_expire_and_reject(void **state) {
  (void)state;
  long long cl;
  const char *gp = fpt_world_clinician(&w, "loop@t.test", "gp", "7200001", true, &cl);
  long long s1 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 10, 0, 4, "instant");

  /* Nothing verified: refused, and the reasons name the checks. */
  struct fpt_resp r = fpt_request(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s1), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "not_eligible");
  json_t *missing = json_object_get(json_object_get(json_object_get(r.json, "error"), "details"), "missing");
  assert_int_equal(json_array_size(missing), json_array_size(seeded_gp));
  assert_true(array_has(missing, "dbs"));
  assert_true(array_has(missing, "indemnity"));
  json_t *pp = passport(gp, cl, NULL);
  today = fpt_s(pp, "on");
  assert_false(json_is_true(json_object_get(pp, "bookable")));
  assert_string_equal(state_of(pp, "dbs"), "missing");
  assert_string_equal(fpt_s(pp, "viewed_as"), "self");

  /* Upload everything: submitted, and in the pool's queue oldest first. */
  size_t i;
  json_t *it;
  long long ids[64], n = 0;
  json_array_foreach(json_object_get(pp, "checks"), i, it) ids[n++] = submit(gp, cl, it);
  pp = passport(gp, cl, NULL);
  assert_string_equal(state_of(pp, "dbs"), "submitted");
  assert_false(json_is_true(json_object_get(pp, "bookable")));
  json_t *q = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/passport/queue?pool_id=%lld&limit=200", w.pool), 200,
                       NULL);
  long long last = 0, mine = 0;
  json_array_foreach(json_object_get(q, "items"), i, it) {
    assert_true(fpt_int(it, "id") > last); /* oldest first */
    last = fpt_int(it, "id");
    if (fpt_int(json_object_get(it, "clinician"), "id") == cl) {
      mine++;
      assert_int_equal(json_array_size(json_object_get(it, "evidence")), 1);
    }
  }
  assert_int_equal(mine, n);
  fpt_call(&srv, w.pm1, "GET", "/api/v1/passport/queue", 403, NULL);
  fpt_call(&srv, gp, "GET", "/api/v1/passport/queue", 403, NULL);
  /* Nobody but the pool verifies: not the clinician, not a practice. */
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/passport/checks/%lld/verification", ids[0]), 403, "{s:s}", "decision",
           "verify");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/passport/checks/%lld/verification", ids[0]), 404, "{s:s}", "decision",
           "verify");
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/passport/checks/%lld/verification", ids[0]), 400, "{s:s}",
           "decision", "reject"); /* a rejection needs its reason */

  /* Verify everything: bookable, and the booking goes through. */
  for (i = 0; i < (size_t)n; i++) verify(ids[i], "{s:s}", "decision", "verify");
  pp = passport(gp, cl, NULL);
  assert_true(json_is_true(json_object_get(pp, "bookable")));
  assert_int_equal(json_array_size(json_object_get(pp, "missing")), 0);
  json_t *ind = item(pp, "indemnity");
  assert_string_equal(fpt_s(ind, "state"), "verified");
  assert_string_equal(fpt_s(ind, "expires_on"), fpt_date_add(today, 400));
  assert_string_equal(fpt_s(json_object_get(ind, "verified_by"), "name"), "pool@t.test");
  /* A yearly course done ten days ago is valid for a year from then, to the day before. */
  assert_string_equal(fpt_s(item(pp, "cstf_basic_life_support"), "expires_on"), year_later(fpt_date_add(today, -10)));
  json_t *b1 = fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s1), 201, NULL);
  long long booking1 = fpt_int(b1, "id");
  const char *d1 = date_of(fpt_s(b1, "starts_at"));

  /* The pool corrects the indemnity's end to two days before the shift: it expires between today
   * and the shift. The booking is flagged, not dropped; a later shift is refused naming it; an
   * earlier one is still fine. */
  long long indemnity = fpt_int(ind, "id");
  json_t *v = verify(indemnity, "{s:s, s:s}", "decision", "verify", "expires_on", fpt_date_add(d1, -2));
  assert_true(ids_have(json_object_get(v, "lapsed_booking_ids"), booking1));
  json_t *b = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings/%lld", booking1), 200, NULL);
  assert_string_equal(fpt_s(b, "status"), "confirmed");
  assert_true(array_has(json_object_get(b, "flags"), "passport_lapsed"));
  b = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/bookings/%lld", booking1), 200, NULL);
  assert_true(array_has(json_object_get(b, "flags"), "passport_lapsed"));
  pp = passport(gp, cl, fpt_date_add(d1, 1));
  missing = json_object_get(pp, "missing");
  assert_int_equal(json_array_size(missing), 1);
  assert_string_equal(json_string_value(json_array_get(missing, 0)), "indemnity");
  assert_string_equal(state_of(pp, "indemnity"), "expired");
  pp = passport(gp, cl, NULL);
  assert_true(json_is_true(json_object_get(pp, "bookable")));
  assert_string_equal(state_of(pp, "indemnity"), "expiring_soon");
  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 12, 0, 4, "instant");
  r = fpt_request(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s2), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "not_eligible");
  missing = json_object_get(json_object_get(json_object_get(r.json, "error"), "details"), "missing");
  assert_int_equal(json_array_size(missing), 1);
  assert_string_equal(json_string_value(json_array_get(missing, 0)), "indemnity");
  long long s3 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 3, 0, 4, "instant");
  long long booking3 = fpt_int(fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s3), 201, NULL), "id");

  /* The pool rejects the DBS check: the reason is shown, the next booking is flagged, a new one
   * refused naming dbs. */
  long long dbs = fpt_int(item(pp, "dbs"), "id");
  v = verify(dbs, "{s:s, s:s}", "decision", "reject", "note", "The certificate number does not match the DBS record");
  assert_true(ids_have(json_object_get(v, "lapsed_booking_ids"), booking3));
  assert_false(ids_have(json_object_get(v, "lapsed_booking_ids"), booking1)); /* flagged already */
  pp = passport(gp, cl, NULL);
  json_t *d = item(pp, "dbs");
  assert_string_equal(fpt_s(d, "state"), "rejected");
  assert_string_equal(fpt_s(d, "rejected_reason"), "The certificate number does not match the DBS record");
  assert_false(json_is_true(json_object_get(pp, "bookable")));
  b = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld", booking3), 200, NULL);
  assert_string_equal(fpt_s(b, "status"), "confirmed");
  assert_true(array_has(json_object_get(b, "flags"), "passport_lapsed"));
  long long s4 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 4, 0, 4, "instant");
  r = fpt_request(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s4), NULL);
  assert_int_equal(r.status, 409);
  missing = json_object_get(json_object_get(json_object_get(r.json, "error"), "details"), "missing");
  assert_int_equal(json_array_size(missing), 1);
  assert_string_equal(json_string_value(json_array_get(missing, 0)), "dbs");

  /* A new DBS, verified: the booking it covers loses its flag; the one past the indemnity keeps it. */
  long long dbs2 = submit(gp, cl, item(pp, "dbs"));
  d = item(passport(gp, cl, NULL), "dbs");
  assert_int_equal(fpt_int(d, "id"), dbs2); /* the newest decides while nothing is valid */
  assert_string_equal(fpt_s(d, "state"), "submitted");
  /* A renewal of a valid check awaits the pool while the valid one still decides. */
  long long renewal = submit(gp, cl, item(pp, "identity"));
  json_t *idn = item(passport(gp, cl, NULL), "identity");
  assert_string_equal(fpt_s(idn, "state"), "verified");
  assert_int_equal(fpt_int(idn, "pending_id"), renewal);
  v = verify(dbs2, "{s:s, s:s}", "decision", "verify", "update_service", "subscribed");
  assert_int_equal(fpt_int(v, "restored_bookings"), 1);
  b = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld", booking3), 200, NULL);
  assert_false(array_has(json_object_get(b, "flags"), "passport_lapsed"));
  b = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/bookings/%lld", booking1), 200, NULL);
  assert_true(array_has(json_object_get(b, "flags"), "passport_lapsed"));
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s4), 201, NULL);
}

static void test_access_rules_and_log(void **state) {
  (void)state;
  long long cx, other;
  const char *x = fpt_world_clinician(&w, "access@t.test", "gp", "7200002", true, &cx);
  const char *stranger = fpt_world_clinician(&w, "stranger@t.test", "gp", "7200003", true, &other);
  json_t *pp = passport(x, cx, NULL);
  today = fpt_s(pp, "on");
  size_t len;
  const char *file = pdf("access indemnity", &len);
  struct part fields[] = {{"check_code", "indemnity"}, {"issued_on", fpt_date_add(today, -5)},
                          {"expires_on", fpt_date_add(today, 300)}, {"reference", "MDU-123"}, {NULL, NULL}};
  struct fpt_resp up = upload(x, cx, fields, file, len);
  assert_int_equal(up.status, 201);
  long long record = fpt_int(up.json, "id");
  long long ev = fpt_int(json_object_get(up.json, "uploaded"), "id");
  const char *pp_path = fpt_str("/api/v1/clinicians/%lld/passport", cx);
  const char *ev_path = fpt_str("/api/v1/evidence/%lld", ev);

  /* No relation: nothing (404, as for anything out of scope); a commissioner: counts only (403). */
  fpt_call(&srv, w.pm1, "GET", pp_path, 404, NULL);
  fpt_call(&srv, w.pm1, "GET", ev_path, 404, NULL);
  fpt_call(&srv, w.pm2, "GET", pp_path, 404, NULL);
  fpt_call(&srv, w.pm2, "GET", ev_path, 404, NULL);
  fpt_call(&srv, stranger, "GET", pp_path, 404, NULL);
  fpt_call(&srv, stranger, "GET", ev_path, 404, NULL);
  fpt_call(&srv, w.commissioner, "GET", pp_path, 403, NULL);
  fpt_call(&srv, w.commissioner, "GET", ev_path, 403, NULL);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/clinicians/%lld/passport/evidence", cx), 404, NULL);
  /* The pool sees and verifies; its note is for the clinician and the pool. */
  json_t *pa = fpt_call(&srv, w.pool_admin, "GET", pp_path, 200, NULL);
  assert_string_equal(fpt_s(pa, "viewed_as"), "pool_admin");
  verify(record, "{s:s, s:s}", "decision", "verify", "note", "Checked with the MDU by phone");
  assert_string_equal(fpt_s(item(passport(x, cx, NULL), "indemnity"), "note"), "Checked with the MDU by phone");

  /* Applying to one of practice1's shifts gives its manager a summary and the evidence. */
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 20, 0, 4, "approval");
  comply(x, cx); /* applying needs what booking needs (issue 9, item 7) */
  fpt_call(&srv, x, "POST", fpt_str("/api/v1/shifts/%lld/applications", shift), 201, "{s:s}", "message", "Happy to help");
  json_t *summary = fpt_call(&srv, w.pm1, "GET", pp_path, 200, NULL);
  assert_string_equal(fpt_s(summary, "viewed_as"), "practice_manager");
  json_t *ind = item(summary, "indemnity");
  assert_string_equal(fpt_s(ind, "state"), "verified");
  assert_string_equal(fpt_s(json_object_get(ind, "verified_by"), "name"), "pool@t.test");
  assert_string_equal(fpt_s(ind, "expires_on"), fpt_date_add(today, 300));
  assert_null(json_object_get(ind, "note")); /* the pool's notes are not the practice's */
  const char *hdrs[] = {fpt_str("Authorization: Bearer %s", w.pm1), NULL};
  struct fpt_resp f = fpt_raw(&srv, "GET", ev_path, hdrs, NULL, 0);
  assert_int_equal(f.status, 200);
  assert_int_equal(f.body_len, len);
  assert_memory_equal(f.body, file, len);
  assert_string_equal(fpt_header(&f, "Content-Type"), "application/pdf");
  assert_string_equal(fpt_header(&f, "X-Content-Type-Options"), "nosniff");
  assert_non_null(strstr(fpt_header(&f, "Content-Disposition"), "attachment"));
  /* The practice reads, nothing more. */
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/passport/checks/%lld/verification", record), 403, "{s:s}", "decision",
           "reject");
  fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/clinicians/%lld/passport/access-log", cx), 403, NULL);
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/clinicians/%lld/passport/grants", cx), 403, "{s:I, s:s}",
           "organisation_id", (json_int_t)w.practice1, "until", fpt_date_add(today, 10));
  fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/clinicians/%lld/passport/access-log", cx), 403, NULL);

  /* The clinician reads who looked: the practice twice (passport, evidence), the pool once. The
   * refused attempts showed nothing and are not views. */
  json_t *log = fpt_call(&srv, x, "GET", fpt_str("/api/v1/clinicians/%lld/passport/access-log", cx), 200, NULL);
  size_t i;
  json_t *e;
  int by_pm1 = 0, by_pool = 0, evidence_views = 0;
  long long prev = 0;
  json_array_foreach(json_object_get(log, "items"), i, e) {
    long long id = fpt_int(e, "id");
    if (prev) assert_true(id < prev); /* newest first */
    prev = id;
    const char *basis = fpt_s(e, "basis");
    const char *viewer = fpt_s(json_object_get(e, "viewer"), "name");
    assert_string_not_equal(viewer, "pm2@t.test");
    assert_string_not_equal(viewer, "icb@t.test");
    assert_string_not_equal(viewer, "stranger@t.test");
    if (strcmp(basis, "practice_manager") == 0) {
      by_pm1++;
      assert_string_equal(viewer, "pm1@t.test");
      assert_int_equal(fpt_int(json_object_get(e, "organisation"), "id"), w.practice1);
      if (strcmp(fpt_s(e, "what"), "evidence") == 0) {
        evidence_views++;
        assert_int_equal(fpt_int(e, "evidence_id"), ev);
        assert_string_equal(fpt_s(e, "check_code"), "indemnity");
      }
    } else if (strcmp(basis, "pool_admin") == 0) {
      by_pool++;
      assert_int_equal(fpt_int(json_object_get(e, "pool"), "id"), w.pool);
    } else {
      assert_string_equal(basis, "self");
    }
    assert_non_null(json_object_get(e, "at"));
  }
  assert_int_equal(by_pm1, 2);
  assert_int_equal(evidence_views, 1);
  assert_int_equal(by_pool, 1);
  /* Another clinician cannot read it. */
  fpt_call(&srv, stranger, "GET", fpt_str("/api/v1/clinicians/%lld/passport/access-log", cx), 404, NULL);

  /* Placement grants: practice2 may look only while its grant is active. */
  const char *grants = fpt_str("/api/v1/clinicians/%lld/passport/grants", cx);
  fpt_call(&srv, w.pool_admin, "POST", grants, 400, "{s:I, s:s, s:s}", "organisation_id", (json_int_t)w.practice2,
           "from", fpt_date_add(today, 5), "until", fpt_date_add(today, 4));
  fpt_call(&srv, w.pool_admin, "POST", grants, 400, "{s:I, s:s}", "organisation_id", (json_int_t)999999, "until",
           fpt_date_add(today, 4));
  fpt_call(&srv, x, "POST", grants, 403, "{s:I, s:s}", "organisation_id", (json_int_t)w.practice2, "until",
           fpt_date_add(today, 4));
  /* Ahead of a placement: access starts the day it is given (issue 9: from today, at most 12 months;
   * the rules are tested in test_access.c). */
  json_t *g = fpt_call(&srv, w.pool_admin, "POST", grants, 201, "{s:I, s:s, s:s}", "organisation_id",
                       (json_int_t)w.practice2, "placement_starts_on", fpt_date_add(today, 100), "until", fpt_date_add(today, 200));
  assert_string_equal(fpt_s(g, "from"), today);
  assert_true(json_is_true(json_object_get(g, "active")));
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("/api/v1/passport/grants/%lld", fpt_int(g, "id")), 200, NULL);
  fpt_call(&srv, w.pm2, "GET", pp_path, 404, NULL); /* revoked */
  g = fpt_call(&srv, w.pool_admin, "POST", grants, 201, "{s:I, s:s}", "organisation_id", (json_int_t)w.practice2, "until",
               fpt_date_add(today, 30));
  assert_true(json_is_true(json_object_get(g, "active")));
  json_t *seen = fpt_call(&srv, w.pm2, "GET", pp_path, 200, NULL);
  assert_string_equal(fpt_s(seen, "viewed_as"), "practice_manager");
  fpt_call(&srv, w.pm2, "GET", ev_path, 200, NULL);
  json_t *list = fpt_call(&srv, x, "GET", grants, 200, NULL);
  assert_int_equal(json_array_size(json_object_get(list, "items")), 2);
  fpt_call(&srv, w.pm2, "DELETE", fpt_str("/api/v1/passport/grants/%lld", fpt_int(g, "id")), 403, NULL);
  json_t *revoked = fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("/api/v1/passport/grants/%lld", fpt_int(g, "id")), 200,
                             NULL);
  assert_false(json_is_true(json_object_get(revoked, "active")));
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("/api/v1/passport/grants/%lld", fpt_int(g, "id")), 409, NULL);
  fpt_call(&srv, w.pm2, "GET", pp_path, 404, NULL);
  log = fpt_call(&srv, x, "GET", fpt_str("/api/v1/clinicians/%lld/passport/access-log?limit=2", cx), 200, NULL);
  json_t *newest = json_array_get(json_object_get(log, "items"), 0);
  assert_string_equal(fpt_s(json_object_get(newest, "viewer"), "name"), "pm2@t.test");
  assert_int_equal(fpt_int(json_object_get(newest, "organisation"), "id"), w.practice2);
  assert_true(json_is_string(json_object_get(log, "next_cursor")));
}

static void test_bad_uploads_store_nothing(void **state) {
  (void)state;
  long long cl;
  const char *gp = fpt_world_clinician(&w, "uploads@t.test", "gp", "7200004", true, &cl);
  today = fpt_s(passport(gp, cl, NULL), "on");
  struct part ok[] = {{"check_code", "references"}, {NULL, NULL}};
  /* Let the upkeep finish deleting the DBS copies verified by the tests before (retention 0). */
  sleep(3);
  int files_before = stored_contents();
  long long records_before = records_of(gp, cl);

  /* Too large: 10 MB and one byte of a real PDF header. */
  size_t big = 10 * 1024 * 1024 + 1;
  char *huge = fpt_keep(malloc(big));
  memset(huge, 'x', big);
  memcpy(huge, "%PDF-1.4\n", 9);
  struct fpt_resp r = upload(gp, cl, ok, huge, big);
  assert_int_equal(r.status, 413);
  assert_string_equal(fpt_error_code(&r), "payload_too_large");
  /* Far too large: refused from its Content-Length, before the body is read (the body sent here
   * is short, so that the client is still listening when the answer comes). */
  const char *vast_h[] = {fpt_str("Authorization: Bearer %s", gp), "Content-Type: multipart/form-data; boundary=" BOUNDARY,
                          "Content-Length: 12582912", NULL};
  r = fpt_raw(&srv, "POST", fpt_str("/api/v1/clinicians/%lld/passport/evidence", cl), vast_h, "--" BOUNDARY "\r\n",
              strlen(BOUNDARY) + 4);
  assert_int_equal(r.status, 413);
  assert_string_equal(fpt_error_code(&r), "payload_too_large");
  /* Forbidden types, whatever the name says. */
  const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00";
  r = upload(gp, cl, ok, gif, sizeof gif - 1);
  assert_int_equal(r.status, 415);
  assert_string_equal(fpt_error_code(&r), "unsupported_media_type");
  const char *html = "<html><script>alert(1)</script></html>";
  size_t len;
  const char *body = mp_body(ok, html, strlen(html), "certificate.pdf", &len);
  r = post_raw(gp, cl, "multipart/form-data; boundary=" BOUNDARY, body, len);
  assert_int_equal(r.status, 415);
  /* Not multipart at all; multipart without a boundary; cut short; garbage; an unknown field;
   * two files; a missing check code; an unknown check; an expired document; no file. */
  r = post_raw(gp, cl, "application/json", "{\"check_code\":\"references\"}", 27);
  assert_int_equal(r.status, 415);
  r = post_raw(gp, cl, "multipart/form-data", "--x\r\n", 5);
  assert_int_equal(r.status, 400);
  const char *pdf_data = pdf("cut short", &len);
  body = mp_body(ok, pdf_data, len, NULL, &len);
  r = post_raw(gp, cl, "multipart/form-data; boundary=" BOUNDARY, body, len - 30);
  assert_int_equal(r.status, 400);
  assert_string_equal(fpt_error_code(&r), "invalid_multipart");
  r = post_raw(gp, cl, "multipart/form-data; boundary=" BOUNDARY, "this is not a form at all", 25);
  assert_int_equal(r.status, 400);
  struct part extra[] = {{"check_code", "references"}, {"colour", "blue"}, {NULL, NULL}};
  pdf_data = pdf("extra", &len);
  r = upload(gp, cl, extra, pdf_data, len);
  assert_int_equal(r.status, 400);
  assert_string_equal(fpt_error_code(&r), "unknown_field");
  struct part two[] = {{"check_code", "references"}, {"file", "%PDF-1.4 a second file"}, {NULL, NULL}};
  r = upload(gp, cl, two, pdf_data, len);
  assert_int_equal(r.status, 400);
  r = upload(gp, cl, NULL, pdf_data, len);
  assert_int_equal(r.status, 400);
  assert_string_equal(fpt_s(json_object_get(r.json, "error"), "field"), "check_code");
  struct part unknown[] = {{"check_code", "astrology"}, {NULL, NULL}};
  r = upload(gp, cl, unknown, pdf_data, len);
  assert_int_equal(r.status, 400);
  struct part expired[] = {{"check_code", "indemnity"}, {"issued_on", fpt_date_add(today, -400)},
                           {"expires_on", fpt_date_add(today, -1)}, {NULL, NULL}};
  r = upload(gp, cl, expired, pdf_data, len);
  assert_int_equal(r.status, 400);
  struct part no_issue[] = {{"check_code", "cstf_fire_safety"}, {NULL, NULL}};
  r = upload(gp, cl, no_issue, pdf_data, len);
  assert_int_equal(r.status, 400);
  assert_string_equal(fpt_s(json_object_get(r.json, "error"), "field"), "issued_on");
  struct part future[] = {{"check_code", "cstf_fire_safety"}, {"issued_on", fpt_date_add(today, 3)}, {NULL, NULL}};
  r = upload(gp, cl, future, pdf_data, len);
  assert_int_equal(r.status, 400);
  r = upload(gp, cl, ok, NULL, 0);
  assert_int_equal(r.status, 400);
  assert_string_equal(fpt_s(json_object_get(r.json, "error"), "field"), "file");
  /* Someone else's passport. */
  r = upload(w.pm2, cl, ok, pdf_data, len);
  assert_int_equal(r.status, 404);

  /* Nothing was stored: no file, no record. */
  assert_int_equal(stored_contents(), files_before);
  assert_int_equal(records_of(gp, cl), records_before);

  /* The same file twice (two references on one letterhead, a JPEG, then PNG): stored once. */
  const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x02, 0x03};
  r = upload(gp, cl, ok, (const char *)jpeg, sizeof jpeg);
  assert_int_equal(r.status, 201);
  assert_string_equal(fpt_s(json_object_get(r.json, "uploaded"), "content_type"), "image/jpeg");
  long long record = fpt_int(r.json, "id");
  struct part again[] = {{"check_id", fpt_str("%lld", record)}, {NULL, NULL}};
  r = upload(gp, cl, again, (const char *)jpeg, sizeof jpeg);
  assert_int_equal(r.status, 201);
  assert_int_equal(fpt_int(r.json, "id"), record);
  assert_int_equal(json_array_size(json_object_get(r.json, "evidence")), 2);
  assert_int_equal(stored_contents(), files_before + 1);
  const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  r = upload(gp, cl, again, (const char *)png, sizeof png);
  assert_int_equal(r.status, 201);
  assert_string_equal(fpt_s(json_object_get(r.json, "uploaded"), "content_type"), "image/png");
  assert_int_equal(stored_contents(), files_before + 2);
  /* Details cannot ride along with check_id, and a decided record takes no more files. */
  struct part mixed[] = {{"check_id", fpt_str("%lld", record)}, {"reference", "X"}, {NULL, NULL}};
  r = upload(gp, cl, mixed, (const char *)png, sizeof png);
  assert_int_equal(r.status, 400);
  verify(record, "{s:s}", "decision", "verify");
  r = upload(gp, cl, again, (const char *)png, sizeof png);
  assert_int_equal(r.status, 409);
  assert_int_equal(stored_contents(), files_before + 2);
}

static void test_dbs_copy_deleted_after_retention(void **state) {
  (void)state;
  long long cl;
  const char *gp = fpt_world_clinician(&w, "dbs@t.test", "gp", "7200005", true, &cl);
  today = fpt_s(passport(gp, cl, NULL), "on");
  size_t len;
  const char *file = pdf("a DBS certificate", &len);
  struct part fields[] = {{"check_code", "dbs"}, {"issued_on", fpt_date_add(today, -30)}, {"reference", "001122334455"},
                          {"update_service", "subscribed"}, {NULL, NULL}};
  struct fpt_resp r = upload(gp, cl, fields, file, len);
  assert_int_equal(r.status, 201);
  long long record = fpt_int(r.json, "id"), ev = fpt_int(json_object_get(r.json, "uploaded"), "id");
  int files = stored_contents();
  /* The very same bytes uploaded by another clinician as their indemnity: one file for both. */
  long long cl2;
  const char *gp2 = fpt_world_clinician(&w, "dbs.same@t.test", "gp", "7200015", true, &cl2);
  struct part same[] = {{"check_code", "indemnity"}, {"issued_on", fpt_date_add(today, -5)},
                        {"expires_on", fpt_date_add(today, 300)}, {"reference", "MDU-999"}, {NULL, NULL}};
  struct fpt_resp r2 = upload(gp2, cl2, same, file, len);
  assert_int_equal(r2.status, 201);
  long long ev2 = fpt_int(json_object_get(r2.json, "uploaded"), "id");
  assert_int_equal(stored_contents(), files);
  /* Kept while it awaits the pool. */
  sleep(2);
  fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/evidence/%lld", ev), 200, NULL);
  verify(record, "{s:s}", "decision", "verify");
  /* Retention 0 months, upkeep every second: gone within a few seconds; the facts remain. */
  struct fpt_resp g = {0};
  for (int i = 0; i < 100; i++) {
    g = fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/evidence/%lld", ev), NULL);
    if (g.status != 200) break;
    usleep(100 * 1000);
  }
  assert_int_equal(g.status, 410);
  assert_string_equal(fpt_error_code(&g), "evidence_removed");
  /* The other clinician's copy of the same content still needs the file: it stays. */
  sleep(2);
  assert_int_equal(stored_contents(), files);
  fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/evidence/%lld", ev2), 200, NULL);
  json_t *d = item(passport(gp, cl, NULL), "dbs");
  assert_string_equal(fpt_s(d, "state"), "verified");
  assert_string_equal(fpt_s(d, "reference"), "001122334455");
  assert_string_equal(fpt_s(d, "issued_on"), fpt_date_add(today, -30));
  assert_string_equal(fpt_s(d, "update_service"), "subscribed");
  json_t *e = json_array_get(json_object_get(d, "evidence"), 0);
  assert_false(json_is_true(json_object_get(e, "available")));
  assert_non_null(json_object_get(e, "removed_at"));
}

static void test_dbs_file_removed_after_retention(void **state) {
  (void)state;
  /* Content no one else holds: once the deletion has committed, the upkeep's next step removes the file. */
  long long cl;
  const char *gp = fpt_world_clinician(&w, "dbs.own@t.test", "gp", "7200016", true, &cl);
  today = fpt_s(passport(gp, cl, NULL), "on");
  size_t len;
  const char *file = pdf("a DBS certificate no one else has", &len);
  struct part fields[] = {{"check_code", "dbs"}, {"issued_on", fpt_date_add(today, -30)}, {"reference", "001122334466"},
                          {"update_service", "subscribed"}, {NULL, NULL}};
  int files = stored_contents();
  struct fpt_resp r = upload(gp, cl, fields, file, len);
  assert_int_equal(r.status, 201);
  assert_int_equal(stored_contents(), files + 1);
  verify(fpt_int(r.json, "id"), "{s:s}", "decision", "verify");
  for (int i = 0; i < 100 && stored_contents() != files; i++) usleep(100 * 1000);
  assert_int_equal(stored_contents(), files);
  struct fpt_resp g = fpt_request(&srv, w.pool_admin, "GET",
                                  fpt_str("/api/v1/evidence/%lld", fpt_int(json_object_get(r.json, "uploaded"), "id")), NULL);
  assert_int_equal(g.status, 410);
}

static void test_compliance_counts_and_requirements(void **state) {
  (void)state;
  long long ok_id, late_id;
  const char *ok = fpt_world_clinician(&w, "compliant@t.test", "gp", "7200006", true, &ok_id);
  fpt_world_clinician(&w, "expiring@t.test", "gp", "7200007", true, &late_id);
  comply(ok, ok_id);
  json_t *c = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld/compliance?limit=200", w.pool), 200, NULL);
  json_t *sum = json_object_get(c, "summary");
  assert_true(fpt_int(sum, "clinicians") >= 2);
  assert_int_equal(fpt_int(sum, "clinicians"), fpt_int(sum, "compliant") + fpt_int(sum, "not_compliant"));
  size_t i;
  json_t *it;
  bool saw_ok = false, saw_late = false;
  json_array_foreach(json_object_get(c, "items"), i, it) {
    if (fpt_int(it, "clinician_id") == ok_id) {
      saw_ok = true;
      assert_true(json_is_true(json_object_get(it, "bookable")));
    }
    if (fpt_int(it, "clinician_id") == late_id) {
      saw_late = true;
      assert_false(json_is_true(json_object_get(it, "bookable")));
      assert_int_equal(fpt_int(json_object_get(it, "states"), "missing"), json_array_size(seeded_gp));
    }
  }
  assert_true(saw_ok && saw_late);
  /* Who expires within 30 days: the compliant one's indemnity, corrected to end in 20. */
  json_t *pp = passport(ok, ok_id, NULL);
  verify(fpt_int(item(pp, "indemnity"), "id"), "{s:s, s:s}", "decision", "verify", "expires_on",
         fpt_date_add(fpt_s(pp, "on"), 20));
  c = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld/compliance?within=30&limit=200", w.pool), 200, NULL);
  saw_ok = false;
  json_array_foreach(json_object_get(c, "items"), i, it) {
    assert_true(json_array_size(json_object_get(it, "expiring")) > 0);
    if (fpt_int(it, "clinician_id") == ok_id) saw_ok = true;
  }
  assert_true(saw_ok);
  assert_true(fpt_int(json_object_get(json_object_get(c, "summary"), "expiring_within"), "30") >= 1);
  /* The commissioner: counts only, never a clinician. */
  json_t *icb = fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/pools/%lld/compliance", w.pool), 200, NULL);
  assert_non_null(json_object_get(icb, "summary"));
  assert_null(json_object_get(icb, "items"));
  fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/pools/%lld/compliance", w.pool), 403, NULL);
  fpt_call(&srv, ok, "GET", fpt_str("/api/v1/pools/%lld/compliance", w.pool), 403, NULL);

  /* Requirements (issue 9, item 2; this test had the pool administrator drop a check for nurses
   * everywhere, which is no longer possible): practices and clinicians change nothing, unknown
   * checks and professions are refused, no pool drops a baseline check, and only the system
   * administrator's DELETE needs a pool. */
  fpt_call(&srv, w.pm1, "PUT", "/api/v1/passport/requirements", 403, "{s:s, s:s, s:b}", "profession", "nurse",
           "check_code", "cstf_fire_safety", "required", false);
  fpt_call(&srv, ok, "DELETE", "/api/v1/passport/requirements?profession=nurse", 403, NULL);
  fpt_call(&srv, w.pool_admin, "PUT", "/api/v1/passport/requirements", 400, "{s:s, s:s, s:b}", "profession", "nurse",
           "check_code", "astrology", "required", true);
  fpt_call(&srv, w.pool_admin, "PUT", "/api/v1/passport/requirements", 400, "{s:s, s:s, s:b}", "profession", "wizard",
           "check_code", "dbs", "required", true);
  fpt_call(&srv, w.admin, "DELETE", "/api/v1/passport/requirements", 400, NULL); /* the baseline is never cleared */
  fpt_call(&srv, w.pool_admin, "DELETE", "/api/v1/passport/requirements", 200, NULL); /* the pool's own: none */
  struct fpt_resp dropped = fpt_request(&srv, w.pool_admin, "PUT", "/api/v1/passport/requirements", "{s:s, s:s, s:b}",
                                        "profession", "nurse", "check_code", "cstf_fire_safety", "required", false);
  assert_int_equal(dropped.status, 403);
  json_t *n = fpt_call(&srv, w.pool_admin, "GET", "/api/v1/passport/requirements?profession=nurse", 200, NULL);
  assert_true(array_has(json_object_get(json_array_get(json_object_get(n, "items"), 0), "check_codes"),
                        "cstf_fire_safety"));
  /* A requirement the pool adds later uncovers a booking already made through it: a compliant
   * nurse's booking is flagged when the pool's nurses must also be on the Performers List, and
   * restored when the pool removes its addition. */
  long long nurse_id;
  const char *nurse = fpt_world_clinician(&w, "nurse.passport@t.test", "nurse", "12A3456E", true, &nurse_id);
  comply(nurse, nurse_id);
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "nurse", 6, 0, 4, "instant");
  json_t *bk = fpt_call(&srv, nurse, "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL);
  long long booking = fpt_int(bk, "id");
  assert_int_equal(fpt_int(bk, "pool_id"), w.pool);
  json_t *nr = fpt_call(&srv, w.pool_admin, "PUT", "/api/v1/passport/requirements", 200, "{s:s, s:s, s:b}",
                        "profession", "nurse", "check_code", "performers_list", "required", true);
  assert_int_equal(fpt_int(nr, "lapsed_bookings"), 1);
  assert_int_equal(fpt_int(nr, "pool_id"), w.pool);
  assert_true(array_has(json_object_get(nr, "pool_additions"), "performers_list"));
  assert_false(array_has(json_object_get(nr, "baseline"), "performers_list"));
  json_t *b = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings/%lld", booking), 200, NULL);
  assert_true(array_has(json_object_get(b, "flags"), "passport_lapsed"));
  nr = fpt_call(&srv, w.pool_admin, "DELETE", "/api/v1/passport/requirements?profession=nurse", 200, NULL);
  assert_int_equal(fpt_int(nr, "restored_bookings"), 1);
  assert_false(array_has(json_object_get(nr, "check_codes"), "performers_list"));
  b = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings/%lld", booking), 200, NULL);
  assert_false(array_has(json_object_get(b, "flags"), "passport_lapsed"));
}

/* The register imports run against the server's store while it serves. */
static const char *import_register(const char *which, bool full, int *status) {
  const char *src = getenv("FP_SOURCE_DIR");
  const char *file = fpt_str("%s/tests/fixtures/register/%s-extract.csv", src, which);
  const char *args[] = {"import", "register", which, file, "--data-dir", srv.data_dir, full ? "--full-register" : NULL,
                        NULL};
  char *out = fpt_keep(calloc(1, 8192));
  *status = fpt_cli(out, 8192, args);
  return out;
}

static bool flagged(const char *out, long long clinician, const char *standing) {
  const char *needle = fpt_str("flagged: clinician %lld (", clinician);
  for (const char *p = strstr(out, needle); p; p = strstr(p + 1, needle)) {
    const char *eol = strchr(p, '\n');
    const char *line = fpt_str("%.*s", eol ? (int)(eol - p) : (int)strlen(p), p);
    if (strstr(line, fpt_str("): %s;", standing))) return true;
  }
  return false;
}

static void test_register_imports_flag(void **state) {
  (void)state;
  long long id[8];
  const char *tok[8];
  for (int i = 1; i <= 7; i++)
    tok[i] = fpt_world_clinician(&w, fpt_str("reg%d@t.test", i), "gp", fpt_str("730000%d", i), true, &id[i]);
  /* The suspended one is fully compliant with a booking ahead. */
  comply(tok[2], id[2]);
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 8, 0, 4, "instant");
  long long booking = fpt_int(fpt_call(&srv, tok[2], "POST", fpt_str("/api/v1/shifts/%lld/booking", s), 201, NULL), "id");

  int status;
  const char *out = import_register("gmc", false, &status);
  assert_int_equal(status, 0);
  assert_null(strstr(out, fpt_str("flagged: clinician %lld (", id[1])));
  assert_true(flagged(out, id[2], "suspended"));
  assert_true(flagged(out, id[3], "erased"));
  assert_true(flagged(out, id[4], "lapsed"));
  assert_null(strstr(out, fpt_str("flagged: clinician %lld (", id[5]))); /* missing: only with --full-register */
  assert_true(flagged(out, id[6], "no_licence"));
  assert_null(strstr(out, fpt_str("flagged: clinician %lld (", id[7]))); /* conditions: reported, not revoked */
  assert_non_null(strstr(out, "warning: clinician"));

  /* The suspended clinician: registration rejected with the register's word, the booking flagged
   * and kept, a new booking refused naming registration. */
  json_t *pp = passport(tok[2], id[2], NULL);
  json_t *reg = item(pp, "registration");
  assert_string_equal(fpt_s(reg, "state"), "rejected");
  assert_non_null(strstr(fpt_s(reg, "rejected_reason"), "Suspended"));
  json_t *flags = json_object_get(pp, "register_flags");
  assert_int_equal(json_array_size(flags), 1);
  assert_string_equal(fpt_s(json_array_get(flags, 0), "status"), "suspended");
  assert_string_equal(fpt_s(json_array_get(flags, 0), "register"), "gmc");
  json_t *b = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/bookings/%lld", booking), 200, NULL);
  assert_string_equal(fpt_s(b, "status"), "confirmed");
  assert_true(array_has(json_object_get(b, "flags"), "passport_lapsed"));
  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 9, 0, 4, "instant");
  struct fpt_resp r = fpt_request(&srv, tok[2], "POST", fpt_str("/api/v1/shifts/%lld/booking", s2), NULL);
  assert_int_equal(r.status, 409);
  json_t *missing = json_object_get(json_object_get(json_object_get(r.json, "error"), "details"), "missing");
  assert_int_equal(json_array_size(missing), 1);
  assert_string_equal(json_string_value(json_array_get(missing, 0)), "registration");

  /* The same file again flags nobody twice; the whole register flags the one missing. */
  out = import_register("gmc", false, &status);
  assert_int_equal(status, 0);
  assert_int_equal(json_array_size(json_object_get(passport(tok[2], id[2], NULL), "register_flags")), 1);
  out = import_register("gmc", true, &status);
  assert_int_equal(status, 0);
  assert_true(flagged(out, id[5], "missing"));
  assert_null(strstr(out, fpt_str("flagged: clinician %lld (", id[1])));

  /* The Performers List: the removed one is erased from it. */
  out = import_register("performers", false, &status);
  assert_int_equal(status, 0);
  assert_true(flagged(out, id[3], "erased"));
  assert_true(flagged(out, id[2], "suspended"));
  assert_null(strstr(out, fpt_str("flagged: clinician %lld (", id[5])));
  json_t *pf = json_object_get(passport(tok[3], id[3], NULL), "register_flags");
  assert_string_equal(fpt_s(json_array_get(pf, 0), "register"), "performers");

  /* A file without the documented columns changes nothing. */
  const char *bad = fpt_str("%s/bad-register.csv", srv.data_dir);
  FILE *f = fopen(bad, "w");
  fputs("number,state\n7300001,Erased\n", f);
  fclose(f);
  const char *args[] = {"import", "register", "gmc", bad, "--data-dir", srv.data_dir, NULL};
  char buf[2048];
  assert_int_not_equal(fpt_cli(buf, sizeof buf, args), 0);
  assert_null(strstr(buf, "flagged"));
}

/*
 * Issue 9, item 8: the view and the booking decide from the same records, all of them. After more
 * than 128 newer records (each uploaded and rejected), the old verified checks still decide: the
 * view says bookable and the booking is made (the booking had read only the newest 128 records,
 * and the view 256, so the view said bookable and the booking was refused with every check missing).
 */
static void test_many_records_one_decision(void **state) {
  (void)state;
  long long cl;
  const char *gp = fpt_world_clinician(&w, "many.records@t.test", "gp", "7200031", true, &cl);
  today = fpt_s(passport(gp, cl, NULL), "on");
  comply(gp, cl);
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 12, 9, 4, "instant");
  struct part fields[] = {{"check_code", "references"}, {"reference", "again"}, {NULL, NULL}};
  for (int i = 0; i < 140; i++) {
    size_t len;
    const char *file = pdf(fpt_str("rejected %d", i), &len);
    struct fpt_resp r = upload(gp, cl, fields, file, len);
    if (r.status != 201) fail_msg("upload %d: %ld %s", i, r.status, r.body);
    verify(fpt_int(r.json, "id"), "{s:s, s:s}", "decision", "reject", "note", "A duplicate");
  }
  json_t *pp = passport(gp, cl, fpt_str("%.10s", fpt_time_from_now(12, 9)));
  assert_true(json_is_true(json_object_get(pp, "bookable")));
  assert_int_equal(json_array_size(json_object_get(pp, "missing")), 0);
  assert_string_equal(state_of(pp, "references"), "verified");
  json_t *b = fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  assert_string_equal(fpt_s(b, "status"), "confirmed");
}

/*
 * Issue 9, item 8: limits where evidence comes in. A check keeps at most 5 current files (of
 * records awaiting the pool or verified and in date); a clinician at most 100 MiB of files. Past
 * either, 413 quota_exceeded and nothing is stored; a rejected record's files stop counting.
 */
static void test_evidence_quotas(void **state) {
  (void)state;
  long long cl;
  const char *gp = fpt_world_clinician(&w, "quota@t.test", "gp", "7200032", true, &cl);
  today = fpt_s(passport(gp, cl, NULL), "on");
  struct part fields[] = {{"check_code", "employment_history"}, {NULL, NULL}};
  long long first = 0;
  for (int i = 0; i < 5; i++) {
    size_t len;
    const char *file = pdf(fpt_str("history %d", i), &len);
    struct fpt_resp r = upload(gp, cl, fields, file, len);
    if (r.status != 201) fail_msg("upload %d: %ld %s", i, r.status, r.body);
    if (!first) first = fpt_int(r.json, "id");
  }
  long long records = records_of(gp, cl);
  size_t len;
  const char *file = pdf("history 5", &len);
  struct fpt_resp r = upload(gp, cl, fields, file, len);
  assert_int_equal(r.status, 413);
  assert_string_equal(fpt_error_code(&r), "quota_exceeded");
  /* Another file for a record awaiting the pool is one more current file too. */
  struct part attach[] = {{"check_id", fpt_str("%lld", first)}, {NULL, NULL}};
  r = upload(gp, cl, attach, file, len);
  assert_int_equal(r.status, 413);
  assert_string_equal(fpt_error_code(&r), "quota_exceeded");
  assert_int_equal(records_of(gp, cl), records);
  /* The pool rejects one: its file no longer counts. */
  verify(first, "{s:s, s:s}", "decision", "reject", "note", "Unreadable");
  r = upload(gp, cl, fields, file, len);
  assert_int_equal(r.status, 201);

  /* 100 MiB a clinician: ten files of just under 10 MiB fill it; the eleventh does not fit. */
  long long other;
  const char *gp2 = fpt_world_clinician(&w, "quota.size@t.test", "gp", "7200033", true, &other);
  size_t big = 10 * 1024 * 1024 - 4096;
  char *huge = fpt_keep(malloc(big));
  memset(huge, 'x', big);
  static const char *const codes[] = {"identity", "right_to_work", "occupational_health", "references",
                                      "employment_history", "performers_list", "qualification", "registration",
                                      "cstf_fire_safety", "cstf_moving_handling", "cstf_health_safety"};
  for (size_t i = 0; i < 11; i++) {
    int n = snprintf(huge, 64, "%%PDF-1.4\n%% file %zu\n", i);
    huge[n] = 'x';
    struct part f[] = {{"check_code", codes[i]}, {"issued_on", fpt_date_add(today, -10)}, {NULL, NULL}};
    r = upload(gp2, other, f, huge, big);
    if (i < 10 && r.status != 201) fail_msg("upload %zu: %ld %s", i, r.status, r.body);
  }
  assert_int_equal(r.status, 413);
  assert_string_equal(fpt_error_code(&r), "quota_exceeded");
}

/* A pool administrator's account for pool (a signed-in token). */
static const char *pool_admin_of(long long pool, const char *email) {
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", email, "name", email,
           "role", "pool_admin", "pool_id", (json_int_t)pool, "password", "given-by-admin-7");
  return fpt_take_over(&srv, email, "given-by-admin-7", "test-password-1");
}

static json_t *requirements(const char *token, const char *profession, long long pool) {
  json_t *j = fpt_call(&srv, token, "GET",
                       pool ? fpt_str("/api/v1/passport/requirements?profession=%s&pool_id=%lld", profession, pool)
                            : fpt_str("/api/v1/passport/requirements?profession=%s", profession),
                       200, NULL);
  return json_array_get(json_object_get(j, "items"), 0);
}

static json_t *put_req(const char *token, long expect, const char *profession, const char *code, bool required) {
  return fpt_call(&srv, token, "PUT", "/api/v1/passport/requirements", expect, "{s:s, s:s, s:b}", "profession",
                  profession, "check_code", code, "required", required);
}

/*
 * Issue 9, item 2: requirements have owners. The national baseline is the system administrator's
 * (audited); a pool adds checks for its own members and drops none of the baseline; DELETE removes
 * only that pool's additions; a booking needs the baseline plus one shared pool's additions and
 * records which. (Before, any pool's administrator made a check optional for a profession in every
 * pool, and the clinicians of other pools could book at once.)
 */
static void test_requirements_have_owners(void **state) {
  (void)state;
  long long pool_b = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name", "Second Pool",
                                      "host_organisation_id", (json_int_t)w.icb), "id");
  long long pool_c = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name",
                                      "Other ICB Pool", "host_organisation_id", (json_int_t)w.other_icb), "id");
  const char *admin_b = pool_admin_of(pool_b, "pool.b@t.test");
  const char *admin_c = pool_admin_of(pool_c, "pool.c@t.test");

  /* A GP of this pool with every check but fire safety: refused, naming it. */
  long long gp_id;
  const char *gp = fpt_world_clinician(&w, "owners.gp@t.test", "gp", "7200041", true, &gp_id);
  today = fpt_s(passport(gp, gp_id, NULL), "on");
  comply_except(gp, gp_id, "cstf_fire_safety");
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 14, 9, 4, "instant");
  struct fpt_resp r = fpt_request(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), NULL);
  assert_int_equal(r.status, 409);
  json_t *missing = json_object_get(json_object_get(json_object_get(r.json, "error"), "details"), "missing");
  assert_int_equal(json_array_size(missing), 1);
  assert_true(array_has(missing, "cstf_fire_safety"));
  /* Another ICB's pool administrator cannot make it optional, nor can this pool's, nor for a pool
   * they do not run. */
  put_req(admin_c, 403, "gp", "cstf_fire_safety", false);
  put_req(w.pool_admin, 403, "gp", "cstf_fire_safety", false);
  fpt_call(&srv, admin_c, "PUT", "/api/v1/passport/requirements", 403, "{s:s, s:s, s:b, s:I}", "profession", "gp",
           "check_code", "cstf_fire_safety", "required", false, "pool_id", (json_int_t)w.pool);
  fpt_call(&srv, admin_c, "DELETE", fpt_str("/api/v1/passport/requirements?pool_id=%lld", w.pool), 403, NULL);
  r = fpt_request(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), NULL);
  assert_int_equal(r.status, 409);
  assert_true(array_has(json_object_get(requirements(gp, "gp", 0), "check_codes"), "cstf_fire_safety"));

  /* A pool's own check concerns its own members only; DELETE removes only that pool's. */
  json_t *j = put_req(admin_c, 200, "nurse", "performers_list", true);
  assert_int_equal(fpt_int(j, "pool_id"), pool_c);
  assert_true(array_has(json_object_get(j, "check_codes"), "performers_list"));
  assert_false(array_has(json_object_get(requirements(gp, "nurse", 0), "check_codes"), "performers_list"));
  assert_false(array_has(json_object_get(requirements(gp, "nurse", w.pool), "check_codes"), "performers_list"));
  assert_true(array_has(json_object_get(requirements(gp, "nurse", pool_c), "pool_additions"), "performers_list"));
  put_req(w.pool_admin, 200, "nurse", "performers_list", true);
  fpt_call(&srv, admin_c, "DELETE", "/api/v1/passport/requirements?profession=nurse", 200, NULL);
  assert_false(array_has(json_object_get(requirements(gp, "nurse", pool_c), "check_codes"), "performers_list"));
  assert_true(array_has(json_object_get(requirements(gp, "nurse", w.pool), "check_codes"), "performers_list"));

  /* A nurse in two pools with the practice: this pool wants the Performers List, the second pool
   * does not; the booking is made through the second, and says so. */
  fpt_call(&srv, w.admin, "POST", fpt_str("/api/v1/pools/%lld/members", pool_b), 201, "{s:I}", "organisation_id",
           (json_int_t)w.practice1);
  long long nurse_id;
  const char *nurse = fpt_world_clinician(&w, "owners.nurse@t.test", "nurse", "12B4321C", true, &nurse_id);
  fpt_call(&srv, admin_b, "POST", fpt_str("/api/v1/pools/%lld/members", pool_b), 201, "{s:I}", "clinician_id",
           (json_int_t)nurse_id);
  comply(nurse, nurse_id);
  json_t *pp = passport(nurse, nurse_id, NULL);
  assert_true(json_is_true(json_object_get(pp, "bookable")));
  assert_int_equal(fpt_int(pp, "pool_id"), pool_b);
  json_t *in_a = fpt_call(&srv, nurse, "GET", fpt_str("/api/v1/clinicians/%lld/passport?pool_id=%lld", nurse_id, w.pool),
                          200, NULL);
  assert_false(json_is_true(json_object_get(in_a, "bookable")));
  assert_true(array_has(json_object_get(in_a, "missing"), "performers_list"));
  assert_string_equal(fpt_s(item(in_a, "performers_list"), "required_by"), "pool");
  long long ns = fpt_world_shift(&w, w.pm1, w.practice1, "nurse", 15, 9, 4, "instant");
  json_t *bk = fpt_call(&srv, nurse, "POST", fpt_str("/api/v1/shifts/%lld/booking", ns), 201, NULL);
  assert_int_equal(fpt_int(bk, "pool_id"), pool_b);
  /* The second pool adds it too: the booking made through it is flagged, not dropped. */
  j = put_req(admin_b, 200, "nurse", "performers_list", true);
  assert_int_equal(fpt_int(j, "lapsed_bookings"), 1);
  fpt_call(&srv, admin_b, "DELETE", "/api/v1/passport/requirements", 200, NULL);
  fpt_call(&srv, w.pool_admin, "DELETE", "/api/v1/passport/requirements?profession=nurse", 200, NULL);

  /* The system administrator owns the baseline: dropping fire safety for GPs is audited, and the GP
   * books; putting it back flags that booking. */
  j = put_req(w.admin, 200, "gp", "cstf_fire_safety", false);
  assert_true(json_is_null(json_object_get(j, "pool_id")));
  assert_false(array_has(json_object_get(j, "baseline"), "cstf_fire_safety"));
  bk = fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  assert_int_equal(fpt_int(bk, "pool_id"), w.pool);
  json_t *audit = fpt_call(&srv, w.admin, "GET", "/api/v1/audit?action=passport.baseline", 200, NULL);
  assert_true(json_array_size(json_object_get(audit, "items")) >= 1);
  j = put_req(w.admin, 200, "gp", "cstf_fire_safety", true);
  assert_int_equal(fpt_int(j, "lapsed_bookings"), 1);
}

/*
 * Issue 9, item 6: a profession whose checks have not been set (a pool's custom role) is held to the
 * baseline for unregistered roles, never to nothing. (Before, its clinicians booked at once.)
 */
static void test_custom_role_has_a_baseline(void **state) {
  (void)state;
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/pools/%lld/roles", w.pool), 201, "{s:s, s:s}", "code",
           "phlebotomist", "name", "Phlebotomist");
  /* An unregulated role: registered without a registration number. */
  long long id = fpt_int(fpt_call(&srv, NULL, "POST", "/api/v1/clinicians", 201, "{s:s, s:s, s:s, s:s, s:s, s:i}", "name",
                                  "Pat Phlebotomist", "email", "phleb@t.test", "password", FPT_CLINICIAN_PASSWORD, "profession",
                                  "phlebotomist", "home_postcode", "LS1 4AP", "travel_radius_km", 20),
                         "id");
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/pools/%lld/members", w.pool), 201, "{s:I}", "clinician_id",
           (json_int_t)id);
  const char *tok = fpt_login(&srv, "phleb@t.test", FPT_CLINICIAN_PASSWORD);
  today = fpt_s(passport(tok, id, NULL), "on");
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "phlebotomist", 9, 9, 4, "instant");
  struct fpt_resp r = fpt_request(&srv, tok, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "not_eligible");
  json_t *missing = json_object_get(json_object_get(json_object_get(r.json, "error"), "details"), "missing");
  static const char *const needs[] = {"identity", "right_to_work", "dbs", "occupational_health", "references",
                                      "employment_history", "cstf_information_governance", "cstf_basic_life_support",
                                      "cstf_infection_control", "cstf_safeguarding_adults", "cstf_safeguarding_children"};
  for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
    if (!array_has(missing, needs[i])) fail_msg("a custom role should need %s", needs[i]);
  assert_false(array_has(missing, "registration"));
  json_t *req = requirements(tok, "phlebotomist", 0);
  assert_true(json_is_true(json_object_get(req, "baseline_is_default")));
  assert_int_equal(json_array_size(json_object_get(req, "check_codes")), json_array_size(missing));
  /* The system administrator's first change starts from that default. */
  json_t *j = put_req(w.admin, 200, "phlebotomist", "indemnity", true);
  assert_int_equal(json_array_size(json_object_get(j, "baseline")), json_array_size(missing) + 1);
  comply(tok, id);
  fpt_call(&srv, tok, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
}

/*
 * Issue 9, item 7: applying follows the booking's eligibility decision: 409 not_eligible naming
 * what is missing. (Before, the application was taken, and the practice got the clinician's
 * refusal when accepting.)
 */
static void test_apply_needs_the_passport(void **state) {
  (void)state;
  long long id;
  const char *nurse = fpt_world_clinician(&w, "applies@t.test", "nurse", "12C5678D", true, &id);
  today = fpt_s(passport(nurse, id, NULL), "on");
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "nurse", 11, 9, 4, "approval");
  struct fpt_resp r = fpt_request(&srv, nurse, "POST", fpt_str("/api/v1/shifts/%lld/applications", shift), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "not_eligible");
  json_t *details = json_object_get(json_object_get(r.json, "error"), "details");
  assert_true(array_has(json_object_get(details, "missing"), "dbs"));
  assert_true(array_has(json_object_get(details, "reasons"), "passport"));
  json_t *apps = fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/applications?shift_id=%lld", shift), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(apps, "items")), 0);
  comply(nurse, id);
  json_t *a = fpt_call(&srv, nurse, "POST", fpt_str("/api/v1/shifts/%lld/applications", shift), 201, NULL);
  json_t *ok = fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", fpt_int(a, "id")), 200, NULL);
  (void)ok;
}

/* Registers a healthcare assistant (no registration number) in the pool; returns their token. */
static const char *hca(const char *email, long long *id) {
  *id = fpt_int(fpt_call(&srv, NULL, "POST", "/api/v1/clinicians", 201, "{s:s, s:s, s:s, s:s, s:s, s:i}", "name", email,
                         "email", email, "password", FPT_CLINICIAN_PASSWORD, "profession", "healthcare_assistant",
                         "home_postcode", "LS1 4AP", "travel_radius_km", 20),
                "id");
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/pools/%lld/members", w.pool), 201, "{s:I}", "clinician_id",
           (json_int_t)*id);
  return fpt_login(&srv, email, FPT_CLINICIAN_PASSWORD);
}

static json_t *application_of(json_t *list, long long clinician) {
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(list, "items"), i, it) if (fpt_int(it, "clinician_id") == clinician) return it;
  fail_msg("no application of clinician %lld", clinician);
  return NULL;
}

/*
 * Issue 10: the practice's list of applications says, per applicant, whether the booking's own
 * eligibility decision lets them be booked on that shift now (`bookable`) and which checks are
 * missing, so it is never offered an accept that will fail. Here the pool requires indemnity of
 * its healthcare assistants after both applied; one provides it, the other does not. (Before,
 * the list had neither field and accepting the second answered 409 not_eligible.)
 */
static void test_applications_say_who_is_bookable(void **state) {
  (void)state;
  long long ok_id, lacking_id;
  const char *ok = hca("hca-ok@t.test", &ok_id);
  const char *lacking = hca("hca-lacking@t.test", &lacking_id);
  today = fpt_s(passport(ok, ok_id, NULL), "on");
  comply(ok, ok_id);
  comply(lacking, lacking_id);
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "healthcare_assistant", 12, 9, 4, "approval");
  fpt_call(&srv, ok, "POST", fpt_str("/api/v1/shifts/%lld/applications", shift), 201, NULL);
  fpt_call(&srv, lacking, "POST", fpt_str("/api/v1/shifts/%lld/applications", shift), 201, NULL);
  const char *list = fpt_str("/api/v1/applications?shift_id=%lld&status=pending", shift);
  json_t *before = fpt_call(&srv, w.pm1, "GET", list, 200, NULL);
  assert_true(json_is_true(json_object_get(application_of(before, lacking_id), "bookable")));
  assert_int_equal(json_array_size(json_object_get(application_of(before, lacking_id), "missing")), 0);
  put_req(w.pool_admin, 200, "healthcare_assistant", "indemnity", true);
  comply(ok, ok_id);
  json_t *after = fpt_call(&srv, w.pm1, "GET", list, 200, NULL);
  json_t *a_ok = application_of(after, ok_id), *a_lacking = application_of(after, lacking_id);
  assert_true(json_is_true(json_object_get(a_ok, "bookable")));
  assert_int_equal(json_array_size(json_object_get(a_ok, "missing")), 0);
  assert_true(json_is_false(json_object_get(a_lacking, "bookable")));
  json_t *missing = json_object_get(a_lacking, "missing");
  assert_int_equal(json_array_size(missing), 1);
  assert_true(array_has(missing, "indemnity"));
  /* The clinician reads the same about their own application. */
  json_t *own = fpt_call(&srv, lacking, "GET", "/api/v1/applications?status=pending", 200, NULL);
  assert_true(json_is_false(json_object_get(application_of(own, lacking_id), "bookable")));
  /* What the list says is what accepting does. */
  struct fpt_resp r = fpt_request(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", fpt_int(a_lacking, "id")), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "not_eligible");
  fpt_call(&srv, w.pm1, "POST", fpt_str("/api/v1/applications/%lld/accept", fpt_int(a_ok, "id")), 200, NULL);
}

/* The shift `id` in a GET /api/v1/shifts answer, or NULL. */
static json_t *shift_in(json_t *page, long long id) {
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(page, "items"), i, it) if (fpt_int(it, "id") == id) return it;
  return NULL;
}

/*
 * Rules shown before they bite: the shift answers tell the signed-in clinician whether they may
 * book (`bookable`, `missing`), from the decision booking makes, and booking agrees either way;
 * the refusal names the checks by their names. Nobody else gets the fields.
 */
static void test_shift_answers_say_whether_bookable(void **state) {
  (void)state;
  long long cl;
  const char *gp = fpt_world_clinician(&w, "shows@t.test", "gp", "7200777", true, &cl);
  today = fpt_s(passport(gp, cl, NULL), "on");
  long long s1 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 15, 9, 4, "instant");
  long long s2 = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 16, 9, 4, "instant");
  const char *list = fpt_str("/api/v1/shifts?status=open&practice_id=%lld&limit=200", w.practice1);

  /* Everything but the DBS check: not bookable, missing exactly that, in the list and alone. */
  comply_except(gp, cl, "dbs");
  json_t *in_list = shift_in(fpt_call(&srv, gp, "GET", list, 200, NULL), s1);
  assert_non_null(in_list);
  assert_true(json_is_false(json_object_get(in_list, "bookable")));
  json_t *missing = json_object_get(in_list, "missing");
  assert_int_equal(json_array_size(missing), 1);
  assert_true(array_has(missing, "dbs"));
  json_t *one = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/shifts/%lld", s1), 200, NULL);
  assert_true(json_is_false(json_object_get(one, "bookable")));
  assert_true(json_equal(json_object_get(one, "missing"), missing));
  /* Booking agrees, and says which check in words. */
  struct fpt_resp r = fpt_request(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s1), NULL);
  assert_int_equal(r.status, 409);
  assert_string_equal(fpt_error_code(&r), "not_eligible");
  json_t *err = json_object_get(r.json, "error");
  assert_true(json_equal(json_object_get(json_object_get(err, "details"), "missing"), missing));
  json_t *named = json_array_get(json_object_get(json_object_get(err, "details"), "checks"), 0);
  assert_string_equal(fpt_s(named, "code"), "dbs");
  assert_string_equal(fpt_s(named, "name"), "Enhanced DBS check");
  assert_non_null(strstr(fpt_s(err, "message"), "Enhanced DBS check"));
  assert_null(strstr(fpt_s(err, "message"), "dbs"));

  /* A practice manager, the pool's administrator: no such fields (they are the clinician's). */
  json_t *pm = shift_in(fpt_call(&srv, w.pm1, "GET", list, 200, NULL), s1);
  assert_non_null(pm);
  assert_null(json_object_get(pm, "bookable"));
  assert_null(json_object_get(pm, "missing"));
  assert_null(json_object_get(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", s1), 200, NULL), "bookable"));

  /* Made compliant: bookable everywhere, and booking books. */
  comply(gp, cl);
  json_t *page = fpt_call(&srv, gp, "GET", list, 200, NULL);
  const long long both[] = {s1, s2};
  for (size_t i = 0; i < 2; i++) {
    json_t *it = shift_in(page, both[i]);
    assert_non_null(it);
    assert_true(json_is_true(json_object_get(it, "bookable")));
    assert_int_equal(json_array_size(json_object_get(it, "missing")), 0);
  }
  one = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/shifts/%lld", s2), 200, NULL);
  assert_true(json_is_true(json_object_get(one, "bookable")));
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", s1), 201, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalogue_and_seeded_requirements),
      cmocka_unit_test(test_upload_verify_book_then_expire_and_reject),
      cmocka_unit_test(test_access_rules_and_log),
      cmocka_unit_test(test_bad_uploads_store_nothing),
      cmocka_unit_test(test_dbs_copy_deleted_after_retention),
      cmocka_unit_test(test_dbs_file_removed_after_retention),
      cmocka_unit_test(test_compliance_counts_and_requirements),
      cmocka_unit_test(test_register_imports_flag),
      cmocka_unit_test(test_many_records_one_decision),
      cmocka_unit_test(test_evidence_quotas),
      cmocka_unit_test(test_requirements_have_owners),
      cmocka_unit_test(test_custom_role_has_a_baseline),
      cmocka_unit_test(test_apply_needs_the_passport),
      cmocka_unit_test(test_applications_say_who_is_bookable),
      cmocka_unit_test(test_shift_answers_say_whether_bookable),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
