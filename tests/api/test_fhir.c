/*
 * The FHIR R4 API and its OAuth token endpoint (issue 15, docs/FHIR.md) over HTTP, on either engine:
 * clients registered by the system administrator, tokens by client credentials (each refusal of RFC
 * 6749 5.2), the answers a client may and may not have (no token, a missing scope, a resource outside
 * its organisations, an unknown parameter, a format it cannot have, a withdrawn slot), the exact
 * identifier systems, Slot statuses from the shifts, and the append-only access log written for every
 * answer (and in the person's subject access export). The answers' validity against the FHIR
 * specification is tests/fhir/fhir.test.mjs's (two validators), with paging followed to the end.
 *
 * The world (tests/api/support/world.h): icb > place > pcn > practice1 (in the pool) and practice2;
 * the pool is hosted by the ICB. A GP and a nurse in the pool; a pharmacist who is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
static long long gp_id, nurse_id, outsider_id, open_shift, booked_shift, withdrawn_shift;
static const char *gp;
static const char *icb_secret, *practice_secret; /* the two clients' secrets */
static long long icb_client, practice_client;

static const char *client(const char *id, const char *orgs_json, const char *scopes_json, long long *row) {
  json_t *orgs = json_loads(orgs_json, 0, NULL), *scopes = scopes_json ? json_loads(scopes_json, 0, NULL) : NULL;
  json_t *j = scopes ? fpt_call(&srv, w.admin, "POST", "/api/v1/fhir-clients", 201, "{s:s, s:s, s:o, s:o}", "client_id", id,
                                "name", id, "organisation_ids", orgs, "scopes", scopes)
                     : fpt_call(&srv, w.admin, "POST", "/api/v1/fhir-clients", 201, "{s:s, s:s, s:o}", "client_id", id, "name",
                                id, "organisation_ids", orgs);
  *row = fpt_int(j, "id");
  return fpt_s(j, "client_secret");
}

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "f.gp@t.test", "gp", "7100001", true, &gp_id);
  fpt_world_clinician(&w, "f.nurse@t.test", "nurse", "12A3456E", true, &nurse_id);
  fpt_world_clinician(&w, "f.out@t.test", "pharmacist", "2200001", false, &outsider_id);
  time_t day = time(NULL) + 5 * 86400;
  open_shift = fpt_world_gp_shift_at(&w, day, day + 4 * 3600, "instant");
  booked_shift = fpt_world_gp_shift_at(&w, day + 86400, day + 86400 + 4 * 3600, "instant");
  fpt_world_book(&w, gp, booked_shift);
  withdrawn_shift = fpt_world_gp_shift_at(&w, day + 2 * 86400, day + 2 * 86400 + 4 * 3600, "instant");
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", withdrawn_shift), 200, NULL);
  icb_secret = client("icb-system", fpt_str("[%lld]", w.icb), NULL, &icb_client);
  practice_secret = client("practice-system", fpt_str("[%lld]", w.practice1), "[\"system/Slot.rs\", \"system/Organization.read\"]",
                           &practice_client);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* POST /oauth/token with the form body and, when basic_id is given, HTTP Basic credentials. */
static struct fpt_resp token_request(const char *form, const char *basic_id, const char *basic_secret) {
  const char *h[3] = {"Content-Type: application/x-www-form-urlencoded", NULL, NULL};
  if (basic_id) {
    const char *pair = fpt_str("%s:%s", basic_id, basic_secret);
    char b64[512];
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)pair, strlen(pair), sodium_base64_VARIANT_ORIGINAL);
    h[1] = fpt_str("Authorization: Basic %s", b64);
  }
  return fpt_raw(&srv, "POST", "/oauth/token", h, form, strlen(form));
}

static const char *token_for(const char *id, const char *secret, const char *scope) {
  struct fpt_resp r = token_request(scope ? fpt_str("grant_type=client_credentials&scope=%s", scope) : "grant_type=client_credentials",
                                    id, secret);
  if (r.status != 200) fail_msg("token: %ld %s", r.status, r.body);
  assert_string_equal(fpt_s(r.json, "token_type"), "Bearer");
  assert_int_equal(fpt_int(r.json, "expires_in"), 300);
  return fpt_s(r.json, "access_token");
}

static void expect_oauth_error(struct fpt_resp r, long status, const char *code) {
  if (r.status != status) fail_msg("want %ld %s, got %ld %s", status, code, r.status, r.body);
  assert_non_null(r.json);
  assert_string_equal(fpt_s(r.json, "error"), code);
  assert_non_null(json_object_get(r.json, "error_description"));
  assert_int_equal(json_object_size(r.json), 2); /* RFC 6749 5.2: no other member */
}

/* GET /fhir/r4/<path> with a bearer token (NULL: none) and extra headers. */
static struct fpt_resp fhir(const char *token, const char *path, const char *accept) {
  const char *h[3] = {NULL, NULL, NULL};
  int n = 0;
  if (token) h[n++] = fpt_str("Authorization: Bearer %s", token);
  if (accept) h[n++] = fpt_str("Accept: %s", accept);
  return fpt_raw(&srv, "GET", fpt_str("/fhir/r4/%s", path), h, NULL, 0);
}

/* An OperationOutcome answer with this status and issue code. */
static void expect_outcome(struct fpt_resp r, long status, const char *code) {
  if (r.status != status) fail_msg("want %ld %s, got %ld %s", status, code, r.status, r.body);
  assert_non_null(strstr(fpt_header(&r, "Content-Type"), "application/fhir+json"));
  assert_string_equal(fpt_s(r.json, "resourceType"), "OperationOutcome");
  json_t *issue = json_array_get(json_object_get(r.json, "issue"), 0);
  assert_string_equal(fpt_s(issue, "severity"), "error");
  assert_string_equal(fpt_s(issue, "code"), code);
}

static json_t *fhir_ok(const char *token, const char *path) {
  struct fpt_resp r = fhir(token, path, NULL);
  if (r.status != 200) fail_msg("GET /fhir/r4/%s: %ld %s", path, r.status, r.body);
  assert_string_equal(fpt_header(&r, "Content-Type"), "application/fhir+json; fhirVersion=4.0");
  return r.json;
}

/* The ids of a searchset's resources, "Type/id" joined by spaces. */
static const char *entry_ids(json_t *bundle) {
  assert_string_equal(fpt_s(bundle, "type"), "searchset");
  char *out = fpt_keep(calloc(1, 8192));
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(bundle, "entry"), i, e) {
    json_t *res = json_object_get(e, "resource");
    snprintf(out + strlen(out), 8192 - strlen(out), "%s%s/%s", i ? " " : "", fpt_s(res, "resourceType"), fpt_s(res, "id"));
  }
  return out;
}

static void test_tokens_by_client_credentials(void **state) {
  (void)state;
  token_for("icb-system", icb_secret, NULL);
  /* client_secret_post */
  struct fpt_resp r = token_request(fpt_str("grant_type=client_credentials&client_id=icb-system&client_secret=%s", icb_secret), NULL, NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Cache-Control"), "no-store"));
  assert_string_equal(fpt_s(r.json, "scope"), "system/Practitioner.rs system/PractitionerRole.rs system/Organization.rs "
                                              "system/HealthcareService.rs system/Schedule.rs system/Slot.rs");
  /* A narrower scope asked for, v1's spelling too. */
  r = token_request("grant_type=client_credentials&scope=system%2FSlot.read", "practice-system", practice_secret);
  assert_int_equal(r.status, 200);
  assert_string_equal(fpt_s(r.json, "scope"), "system/Slot.rs");
  /* Each refusal of RFC 6749 5.2. */
  expect_oauth_error(token_request("grant_type=client_credentials", "icb-system", "not-the-secret"), 401, "invalid_client");
  struct fpt_resp wrong = token_request("grant_type=client_credentials", "icb-system", "not-the-secret");
  assert_non_null(fpt_header(&wrong, "WWW-Authenticate"));
  expect_oauth_error(token_request("grant_type=client_credentials", NULL, NULL), 401, "invalid_client");
  expect_oauth_error(token_request(fpt_str("grant_type=client_credentials&client_secret=%s", icb_secret), "icb-system", icb_secret),
                     400, "invalid_request");
  expect_oauth_error(token_request("grant_type=password&username=a&password=b", "icb-system", icb_secret), 400,
                     "unsupported_grant_type");
  expect_oauth_error(token_request("scope=system%2FSlot.rs", "icb-system", icb_secret), 400, "invalid_request");
  expect_oauth_error(token_request("grant_type=client_credentials&grant_type=client_credentials", "icb-system", icb_secret), 400,
                     "invalid_request");
  expect_oauth_error(token_request("grant_type=client_credentials&scope=patient%2FPatient.rs", "icb-system", icb_secret), 400,
                     "invalid_scope");
  expect_oauth_error(token_request("grant_type=client_credentials&scope=system%2FPractitioner.rs", "practice-system", practice_secret),
                     400, "invalid_scope");
  const char *json_ct[] = {"Content-Type: application/json", NULL};
  expect_oauth_error(fpt_raw(&srv, "POST", "/oauth/token", json_ct, "{}", 2), 400, "invalid_request");
  /* Another method is refused in OAuth's terms too. */
  struct fpt_resp get = fpt_raw(&srv, "GET", "/oauth/token", NULL, NULL, 0);
  assert_int_equal(get.status, 405);
  assert_string_equal(fpt_s(get.json, "error"), "invalid_request");
  /* Tokens are kept by hash only. */
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM fhir_tokens WHERE client_id IS NULL"), 0);
}

static void test_refusals(void **state) {
  (void)state;
  const char *icb_token = token_for("icb-system", icb_secret, NULL);
  const char *practice_token = token_for("practice-system", practice_secret, NULL);
  /* No token, a wrong one, a person's session: 401 with WWW-Authenticate: Bearer. */
  struct fpt_resp r = fhir(NULL, "Slot", NULL);
  expect_outcome(r, 401, "login");
  assert_string_equal(fpt_header(&r, "WWW-Authenticate"), "Bearer");
  r = fhir("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Slot", NULL);
  expect_outcome(r, 401, "login");
  assert_non_null(strstr(fpt_header(&r, "WWW-Authenticate"), "invalid_token"));
  expect_outcome(fhir(w.admin, "Slot", NULL), 401, "login");
  /* ... and the token is not a session under /api/v1. */
  assert_int_equal(fpt_request(&srv, icb_token, "GET", "/api/v1/me", NULL).status, 401);
  /* A scope the token lacks: 403. */
  expect_outcome(fhir(practice_token, "Practitioner", NULL), 403, "forbidden");
  expect_outcome(fhir(practice_token, fpt_str("Practitioner/%lld", gp_id), NULL), 403, "forbidden");
  /* Outside the client's organisations: 404, and absent from searches. */
  fhir_ok(practice_token, fpt_str("Organization/%lld", w.practice1));
  expect_outcome(fhir(practice_token, fpt_str("Organization/%lld", w.practice2), NULL), 404, "not-found");
  expect_outcome(fhir(practice_token, fpt_str("Organization/%lld", w.icb), NULL), 404, "not-found");
  assert_string_equal(entry_ids(fhir_ok(practice_token, "Organization")), fpt_str("Organization/%lld", w.practice1));
  /* An unknown search parameter, one given twice, one a read does not take: 400 not-supported. */
  expect_outcome(fhir(icb_token, "Slot?name=x", NULL), 400, "not-supported");
  expect_outcome(fhir(icb_token, "Practitioner?_sort=name", NULL), 400, "not-supported");
  expect_outcome(fhir(icb_token, fpt_str("Slot/%lld?x=1", open_shift), NULL), 400, "not-supported");
  expect_outcome(fhir(icb_token, "Slot?status=free&status=busy", NULL), 400, "invalid");
  expect_outcome(fhir(icb_token, "Slot?start=ne2026-12-07", NULL), 400, "invalid");
  expect_outcome(fhir(icb_token, "Slot?start=2026-12", NULL), 400, "invalid");
  expect_outcome(fhir(icb_token, "Slot?start=ge2026-12-07T09:00:00", NULL), 400, "invalid");
  expect_outcome(fhir(icb_token, "Slot?status=open", NULL), 400, "invalid");
  /* A format other than FHIR JSON: 406. */
  expect_outcome(fhir(icb_token, "Slot", "application/fhir+xml"), 406, "not-supported");
  expect_outcome(fhir(icb_token, "Slot?_format=xml", NULL), 406, "not-supported");
  fhir_ok(icb_token, "Slot?_format=json");
  assert_int_equal(fhir(icb_token, "Slot", "application/fhir+json;q=0.9, */*;q=0.1").status, 200);
  /* No such type, no such id, another method: OperationOutcome too. */
  expect_outcome(fhir(icb_token, "Patient", NULL), 404, "not-found");
  expect_outcome(fhir(icb_token, "Slot/999999", NULL), 404, "not-found");
  expect_outcome(fhir(icb_token, "Slot/1.5", NULL), 404, "not-found");
  const char *h[] = {fpt_str("Authorization: Bearer %s", icb_token), NULL};
  expect_outcome(fpt_raw(&srv, "DELETE", fpt_str("/fhir/r4/Slot/%lld", open_shift), h, NULL, 0), 405, "not-supported");
  /* A withdrawn slot is gone: 410 to a read, absent from searches. */
  expect_outcome(fhir(icb_token, fpt_str("Slot/%lld", withdrawn_shift), NULL), 410, "deleted");
  assert_null(strstr(entry_ids(fhir_ok(icb_token, "Slot")), fpt_str("Slot/%lld", withdrawn_shift)));
  /* An expired token, a deactivated client: refused at once. */
  const char *soon = token_for("icb-system", icb_secret, NULL);
  fhir_ok(soon, "Slot");
  fpt_sql(&srv, fpt_str("UPDATE fhir_tokens SET expires_at = %lld WHERE expires_at > %lld", (long long)time(NULL),
                        (long long)time(NULL) + 290));
  expect_outcome(fhir(soon, "Slot", NULL), 401, "login");
}

static void test_what_a_client_sees(void **state) {
  (void)state;
  const char *t = token_for("icb-system", icb_secret, NULL);
  /* Practitioners: the pool's members, each with their regulator's UK Core system exactly. */
  json_t *p = fhir_ok(t, fpt_str("Practitioner/%lld", gp_id));
  json_t *ident = json_array_get(json_object_get(p, "identifier"), 0);
  assert_string_equal(fpt_s(ident, "system"), "https://fhir.hl7.org.uk/Id/gmc-number");
  assert_string_equal(fpt_s(ident, "value"), "7100001");
  assert_null(json_object_get(p, "telecom"));
  p = fhir_ok(t, fpt_str("Practitioner/%lld", nurse_id));
  ident = json_array_get(json_object_get(p, "identifier"), 0);
  assert_string_equal(fpt_s(ident, "system"), "https://fhir.hl7.org.uk/Id/nmc-number");
  assert_string_equal(fpt_s(ident, "value"), "12A3456E");
  expect_outcome(fhir(t, fpt_str("Practitioner/%lld", outsider_id), NULL), 404, "not-found");
  assert_string_equal(entry_ids(fhir_ok(t, "Practitioner?identifier=https%3A%2F%2Ffhir.hl7.org.uk%2FId%2Fgmc-number%7C7100001")),
                      fpt_str("Practitioner/%lld", gp_id));
  /* The same number under another regulator's system is not them. */
  assert_string_equal(entry_ids(fhir_ok(t, "Practitioner?identifier=https%3A%2F%2Ffhir.hl7.org.uk%2FId%2Fnmc-number%7C7100001")), "");
  assert_string_equal(entry_ids(fhir_ok(t, "Practitioner?identifier=2200001")), "");
  /* Their pool membership, at the pool's host. */
  json_t *roles = fhir_ok(t, fpt_str("PractitionerRole?practitioner=Practitioner%%2F%lld", gp_id));
  json_t *role = json_object_get(json_array_get(json_object_get(roles, "entry"), 0), "resource");
  assert_string_equal(fpt_s(json_object_get(role, "organization"), "reference"), fpt_str("Organization/%lld", w.icb));
  assert_string_equal(fpt_s(json_object_get(role, "practitioner"), "reference"), fpt_str("Practitioner/%lld", gp_id));
  /* Organisations by ODS code, with the exact system, part of their parent. */
  json_t *orgs = fhir_ok(t, "Organization?identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fods-organization-code%7CB86001");
  json_t *o = json_object_get(json_array_get(json_object_get(orgs, "entry"), 0), "resource");
  assert_string_equal(fpt_s(o, "id"), fpt_str("%lld", w.practice1));
  assert_string_equal(fpt_s(json_array_get(json_object_get(o, "identifier"), 0), "system"),
                      "https://fhir.nhs.uk/Id/ods-organization-code");
  assert_string_equal(fpt_s(json_object_get(o, "partOf"), "reference"), fpt_str("Organization/%lld", w.pcn));
  expect_outcome(fhir(t, fpt_str("Organization/%lld", w.other_icb), NULL), 404, "not-found");
}

static void test_slots_say_what_the_shifts_are(void **state) {
  (void)state;
  const char *t = token_for("icb-system", icb_secret, NULL);
  assert_string_equal(fpt_s(fhir_ok(t, fpt_str("Slot/%lld", open_shift)), "status"), "free");
  assert_string_equal(fpt_s(fhir_ok(t, fpt_str("Slot/%lld", booked_shift)), "status"), "busy");
  const char *schedule = fpt_str("%lld-gp", w.practice1);
  assert_string_equal(fpt_s(json_object_get(fhir_ok(t, fpt_str("Slot/%lld", open_shift)), "schedule"), "reference"),
                      fpt_str("Schedule/%s", schedule));
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?schedule=Schedule%%2F%s&status=free", schedule))),
                      fpt_str("Slot/%lld", open_shift));
  assert_string_equal(entry_ids(fhir_ok(t, "Slot?status=busy")), fpt_str("Slot/%lld", booked_shift));
  /* Held back for the practice's favourites (tiered release: the pool's tier opens later). */
  fpt_sql(&srv, fpt_str("UPDATE shifts SET pool_opens_at = %lld WHERE id = %lld", (long long)time(NULL) + 86400, open_shift));
  assert_string_equal(fpt_s(fhir_ok(t, fpt_str("Slot/%lld", open_shift)), "status"), "busy-unavailable");
  assert_string_equal(entry_ids(fhir_ok(t, "Slot?status=busy-unavailable")), fpt_str("Slot/%lld", open_shift));
  assert_string_equal(entry_ids(fhir_ok(t, "Slot?status=free")), "");
  fpt_sql(&srv, fpt_str("UPDATE shifts SET pool_opens_at = 0 WHERE id = %lld", open_shift));
  /* By start: the open one starts a day before the booked one. */
  json_t *open = fhir_ok(t, fpt_str("Slot/%lld", open_shift));
  const char *start = fpt_s(open, "start");
  char from[32];
  snprintf(from, sizeof from, "%s", start);
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?start=ge%s&start=lt%s", from, fpt_s(open, "end")))),
                      fpt_str("Slot/%lld", open_shift));
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?start=gt%s", from))), fpt_str("Slot/%lld", booked_shift));
  /* The practice's service and schedule for GP sessions. */
  json_t *svc = fhir_ok(t, fpt_str("HealthcareService/%s", schedule));
  assert_string_equal(fpt_s(json_object_get(svc, "providedBy"), "reference"), fpt_str("Organization/%lld", w.practice1));
  json_t *sch = fhir_ok(t, fpt_str("Schedule/%s", schedule));
  assert_string_equal(fpt_s(json_array_get(json_object_get(sch, "actor"), 0), "reference"), fpt_str("HealthcareService/%s", schedule));
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Schedule?actor=HealthcareService%%2F%s", schedule))), fpt_str("Schedule/%s", schedule));
  expect_outcome(fhir(t, fpt_str("Schedule/%lld-nurse", w.practice1), NULL), 404, "not-found");
}

/* A date stands for its whole day (FHIR R4 search, "date"): a shift at noon UTC on a day a month
   away is on that UK day whatever the season (core/fhir.h fp_fhir_date_narrow; the clock changes
   are its unit test's). */
static void test_slots_by_day(void **state) {
  (void)state;
  const char *t = token_for("icb-system", icb_secret, NULL);
  time_t noon = (time(NULL) / 86400 + 30) * 86400 + 12 * 3600;
  long long shift = fpt_world_gp_shift_at(&w, noon, noon + 4 * 3600, "instant");
  char day[16];
  struct tm tm;
  gmtime_r(&noon, &tm);
  strftime(day, sizeof day, "%Y-%m-%d", &tm);
  const char *slot = fpt_str("Slot/%lld", shift);
  /* No prefix is eq: the slots of that day, this one alone. */
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?start=%s", day))), slot);
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?start=eq%s", day))), slot);
  /* le: up to the day's end; gt: after it; lt: before it begins; ge: from it. */
  assert_non_null(strstr(entry_ids(fhir_ok(t, fpt_str("Slot?start=le%s&_count=200", day))), slot));
  assert_null(strstr(entry_ids(fhir_ok(t, fpt_str("Slot?start=gt%s", day))), slot));
  assert_null(strstr(entry_ids(fhir_ok(t, fpt_str("Slot?start=lt%s&_count=200", day))), slot));
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?start=ge%s", day))), slot);
  /* An instant is its second. */
  char at[32];
  strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?start=%s", at))), slot);
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?start=gt%s", at))), "");
  assert_string_equal(entry_ids(fhir_ok(t, fpt_str("Slot?start=ge%s&start=le%s", day, at))), slot);
  fpt_call(&srv, w.pm1, "DELETE", fpt_str("/api/v1/shifts/%lld", shift), 200, NULL);
}

static void test_every_answer_is_logged(void **state) {
  (void)state;
  const char *t = token_for("icb-system", icb_secret, NULL);
  long long before = fpt_sql_count(&srv, "SELECT COUNT(*) FROM fhir_access_log");
  long long refused_before = fpt_sql_count(&srv, "SELECT COUNT(*) FROM fhir_access_log WHERE client_id IS NULL AND status = 401"
                                          " AND request = 'search Practitioner'");
  const char *read_gp = fpt_str("SELECT COUNT(*) FROM fhir_access_log WHERE client_id = %lld AND status = 200"
                                " AND request = 'read Practitioner' AND ids = '[\"Practitioner/%lld\"]'", icb_client, gp_id);
  long long reads_before = fpt_sql_count(&srv, read_gp);
  fhir_ok(t, fpt_str("Practitioner/%lld", gp_id));
  fhir(NULL, "Practitioner", NULL);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM fhir_access_log"), before + 2);
  assert_int_equal(fpt_sql_count(&srv, read_gp), reads_before + 1);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM fhir_access_log WHERE client_id IS NULL AND status = 401"
                                       " AND request = 'search Practitioner'"), refused_before + 1);
  /* The server's own refusals under /fhir/r4/ too: no such type, no such path, another method
     (logged with the client its token names, the method and the path's first segment only). */
  const char *refusals = fpt_str("SELECT COUNT(*) FROM fhir_access_log WHERE resource_type = '-' AND client_id = %lld"
                                 " AND ((request = 'GET Patient' AND status = 404) OR (request = 'GET Slot' AND status = 404)"
                                 " OR (request = 'DELETE Slot' AND status = 405))", icb_client);
  long long refusals_before = fpt_sql_count(&srv, refusals);
  expect_outcome(fhir(t, "Patient", NULL), 404, "not-found");
  expect_outcome(fhir(t, "Slot/1/7100001", NULL), 404, "not-found");
  const char *auth[] = {fpt_str("Authorization: Bearer %s", t), NULL};
  expect_outcome(fpt_raw(&srv, "DELETE", "/fhir/r4/Slot", auth, NULL, 0), 405, "not-supported");
  assert_int_equal(fpt_sql_count(&srv, refusals), refusals_before + 3);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM fhir_access_log WHERE client_id IS NULL AND resource_type = '-'"
                                       " AND request = 'GET Patient'"), 0);
  expect_outcome(fhir(NULL, "Patient", NULL), 404, "not-found");
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM fhir_access_log WHERE client_id IS NULL AND resource_type = '-'"
                                       " AND request = 'GET Patient'"), 1);
  /* The query's values are not logged (a registration number is one). */
  fhir_ok(t, "Practitioner?identifier=7100001");
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM fhir_access_log WHERE request LIKE '%7100001%'"), 0);
  /* Append-only. */
  char err[256];
  assert_int_not_equal(fpt_sql_try(&srv, "UPDATE fhir_access_log SET status = 0", err, sizeof err), 0);
  assert_int_not_equal(fpt_sql_try(&srv, "DELETE FROM fhir_access_log", err, sizeof err), 0);
  /* The GP's subject access export holds the answers that returned them. */
  struct fpt_resp r = fpt_request(&srv, gp, "GET", "/api/v1/me/export", NULL);
  assert_int_equal(r.status, 200);
  json_t *rows = json_object_get(json_object_get(fpt_zip(&r), "json"), "data/fhir_access_log.json");
  assert_true(json_array_size(rows) >= 2);
  /* An answer that cannot be logged is not given: 503. */
  if (fpt_engine_postgres())
    fpt_sql(&srv, "CREATE FUNCTION fp_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;"
                  "CREATE TRIGGER fhir_log_refuse BEFORE INSERT ON fhir_access_log FOR EACH ROW EXECUTE FUNCTION fp_test_refuse()");
  else
    fpt_sql(&srv, "CREATE TRIGGER fhir_log_refuse BEFORE INSERT ON fhir_access_log BEGIN SELECT RAISE(ABORT, 'no'); END");
  struct fpt_resp refused = fhir(t, fpt_str("Practitioner/%lld", gp_id), NULL);
  expect_outcome(refused, 503, "transient");
  assert_null(strstr(refused.body, "7100001"));
  fpt_sql(&srv, fpt_str("DROP TRIGGER fhir_log_refuse%s", fpt_engine_postgres() ? " ON fhir_access_log" : ""));
  fhir_ok(t, fpt_str("Practitioner/%lld", gp_id));
}

/* Failed client authentications are throttled as failed sign-ins are: after 10 for a client id in
   the window, even the right secret is refused (429, Retry-After) until the window has passed. */
static void test_failed_clients_throttled(void **state) {
  (void)state;
  long long row = 0;
  const char *secret = client("guessed-at", fpt_str("[%lld]", w.icb), NULL, &row);
  for (int i = 0; i < 10; i++)
    expect_oauth_error(token_request("grant_type=client_credentials", "guessed-at", "a-guess"), 401, "invalid_client");
  struct fpt_resp r = token_request("grant_type=client_credentials", "guessed-at", secret);
  expect_oauth_error(r, 429, "temporarily_unavailable");
  assert_true(atoi(fpt_header(&r, "Retry-After")) > 0);
  /* Another client from the same address is not held up by it. */
  token_for("icb-system", icb_secret, NULL);
  /* Once the failures are old enough, the right secret works (and clears them). */
  fpt_sql(&srv, "UPDATE login_failures SET at = at - 86400 WHERE account = 'oauth:guessed-at'");
  token_for("guessed-at", secret, NULL);
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM login_failures WHERE account = 'oauth:guessed-at'"), 0);
  /* Systems failing from one address (50 failures in the window, each client under its own 10)
     hold up the systems from there, but not the people signing in from the same address. */
  for (int i = 0; i < 50; i++)
    expect_oauth_error(token_request("grant_type=client_credentials", fpt_str("nobody-%d", i / 9), "a-guess"), 401,
                       "invalid_client");
  expect_oauth_error(token_request("grant_type=client_credentials", "nobody-new", "a-guess"), 429, "temporarily_unavailable");
  fpt_call(&srv, fpt_login(&srv, "pm1@t.test", "test-password-1"), "DELETE", "/api/v1/sessions/current", 204, NULL);
  fpt_sql(&srv, "UPDATE login_failures SET at = at - 86400");
}

static void test_clients_are_the_administrators(void **state) {
  (void)state;
  fpt_expect_error(fpt_request(&srv, w.commissioner, "POST", "/api/v1/fhir-clients", "{s:s, s:s, s:[I]}", "client_id", "mine",
                               "name", "Mine", "organisation_ids", (json_int_t)w.icb),
                   403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/fhir-clients", "{s:s, s:s, s:[I]}", "client_id", "ghost", "name",
                               "Ghost", "organisation_ids", (json_int_t)999999),
                   400, "invalid_field", "organisation_ids");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/fhir-clients", "{s:s, s:s, s:[I], s:[s]}", "client_id", "scoped",
                               "name", "Scoped", "organisation_ids", (json_int_t)w.icb, "scopes", "patient/*.rs"),
                   400, "invalid_field", "scopes");
  json_t *list = fpt_call(&srv, w.admin, "GET", "/api/v1/fhir-clients", 200, NULL);
  assert_true(json_array_size(json_object_get(list, "items")) >= 2);
  assert_null(strstr(fpt_keep(json_dumps(list, 0)), icb_secret));
  /* Deactivated: its live token is refused at once, and it gets no other. */
  long long row = 0;
  const char *secret = client("short-lived", fpt_str("[%lld]", w.icb), NULL, &row);
  const char *t = token_for("short-lived", secret, NULL);
  fhir_ok(t, "Slot");
  fpt_call(&srv, w.admin, "DELETE", fpt_str("/api/v1/fhir-clients/%lld", row), 204, NULL);
  expect_outcome(fhir(t, "Slot", NULL), 401, "login");
  expect_oauth_error(token_request("grant_type=client_credentials", "short-lived", secret), 401, "invalid_client");
  assert_int_equal(fpt_sql_count(&srv, "SELECT COUNT(*) FROM audit WHERE action = 'fhir_client.deactivate'"), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tokens_by_client_credentials),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_what_a_client_sees),
      cmocka_unit_test(test_slots_say_what_the_shifts_are),
      cmocka_unit_test(test_slots_by_day),
      cmocka_unit_test(test_every_answer_is_logged),
      cmocka_unit_test(test_failed_clients_throttled),
      cmocka_unit_test(test_clients_are_the_administrators),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
