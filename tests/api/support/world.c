/* The marketplace tests' world. See world.h. */
#include "world.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long org(struct fpt_world *w, const char *level, const char *ods, const char *name, long long parent,
                     const char *postcode) {
  json_t *j;
  if (parent)
    j = fpt_call(w->srv, w->admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I, s:s, s:s}", "level",
                 level, "ods_code", ods, "name", name, "parent_id", (json_int_t)parent, "postcode", postcode, "address",
                 "1 Test Street, Leeds");
  else
    j = fpt_call(w->srv, w->admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s}", "level", level,
                 "ods_code", ods, "name", name);
  return fpt_int(j, "id");
}

static const char *user(struct fpt_world *w, const char *email, const char *role, long long org_id, long long pool,
                        long long *user_id) {
  json_t *j;
  if (pool)
    j = fpt_call(w->srv, w->admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", email, "name",
                 email, "role", role, "pool_id", (json_int_t)pool, "password", "given-by-admin-7");
  else
    j = fpt_call(w->srv, w->admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", email, "name",
                 email, "role", role, "organisation_id", (json_int_t)org_id, "password", "given-by-admin-7");
  if (user_id) *user_id = fpt_int(json_object_get(j, "user"), "id");
  return fpt_take_over(w->srv, email, "given-by-admin-7", "test-password-1");
}

void fpt_world_build(struct fpt_world *w, struct fpt_server *srv) {
  memset(w, 0, sizeof *w);
  w->srv = srv;
  w->admin = fpt_bootstrap_admin(srv);
  /* The passport is never waived: clinicians are made compliant as a pool would (below). */
  w->verify_passports = true;
  w->icb = org(w, "icb", "QWO", "NHS Test ICB", 0, NULL);
  w->other_icb = org(w, "icb", "QHM", "NHS Other ICB", 0, NULL);
  w->place = org(w, "place", "15F", "Leeds", w->icb, "LS1 4AP");
  w->pcn = org(w, "pcn", "U12345", "Leeds Central PCN", w->place, "LS1 4AP");
  w->practice1 = org(w, "practice", "B86001", "Park Lane Surgery", w->pcn, "LS1 4AP");
  w->practice2 = org(w, "practice", "B86002", "Hill Top Medical Centre", w->pcn, "LS6 2QB");
  json_t *p = fpt_call(srv, w->admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name", "Test GP Pool",
                       "host_organisation_id", (json_int_t)w->icb);
  w->pool = fpt_int(p, "id");
  fpt_call(srv, w->admin, "POST", fpt_str("/api/v1/pools/%lld/members", w->pool), 201, "{s:I}", "organisation_id",
           (json_int_t)w->practice1);
  w->commissioner = user(w, "icb@t.test", "commissioner", w->icb, 0, NULL);
  w->pool_admin = user(w, "pool@t.test", "pool_admin", 0, w->pool, NULL);
  w->pm1 = user(w, "pm1@t.test", "practice_manager", w->practice1, 0, &w->pm1_user);
  w->pm2 = user(w, "pm2@t.test", "practice_manager", w->practice2, 0, NULL);
}

const char *fpt_world_clinician(struct fpt_world *w, const char *email, const char *profession, const char *regnum,
                                bool in_pool, long long *clinician_id) {
  return fpt_world_clinician_at(w, email, profession, regnum, in_pool, "LS1 4AP", 20, clinician_id);
}

const char *fpt_world_clinician_at(struct fpt_world *w, const char *email, const char *profession, const char *regnum,
                                   bool in_pool, const char *home_postcode, int travel_radius_km, long long *clinician_id) {
  json_t *j = fpt_call(w->srv, NULL, "POST", "/api/v1/clinicians", 201, "{s:s, s:s, s:s, s:s, s:s, s:s, s:i}",
                       "name", email, "email", email, "password", FPT_CLINICIAN_PASSWORD, "profession", profession,
                       "registration_number", regnum, "home_postcode", home_postcode, "travel_radius_km",
                       travel_radius_km);
  long long id = fpt_int(j, "id");
  if (clinician_id) *clinician_id = id;
  if (in_pool)
    fpt_call(w->srv, w->pool_admin, "POST", fpt_str("/api/v1/pools/%lld/members", w->pool), 201, "{s:I}",
             "clinician_id", (json_int_t)id);
  const char *token = fpt_login(w->srv, email, FPT_CLINICIAN_PASSWORD);
  if (w->verify_passports) fpt_world_compliant(w, token, id);
  return token;
}

#define WORLD_BOUNDARY "fptWorldBoundary5Qx81"

void fpt_world_compliant(struct fpt_world *w, const char *token, long long clinician_id) {
  json_t *pp = fpt_call(w->srv, token, "GET", fpt_str("/api/v1/clinicians/%lld/passport", clinician_id), 200, NULL);
  const char *today = fpt_s(pp, "on");
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(pp, "checks"), i, it) {
    const char *state = fpt_s(it, "state");
    if (!json_is_true(json_object_get(it, "required")) || strcmp(state, "verified") == 0 ||
        strcmp(state, "expiring_soon") == 0)
      continue;
    const char *code = fpt_s(it, "code");
    const char *rule = fpt_s(json_object_get(it, "validity"), "rule");
    const char *file = fpt_str("%%PDF-1.4\n%% %lld %s\n%%%%EOF\n", clinician_id, code);
    const char *body = fpt_str(
        "--" WORLD_BOUNDARY "\r\nContent-Disposition: form-data; name=\"check_code\"\r\n\r\n%s\r\n"
        "--" WORLD_BOUNDARY "\r\nContent-Disposition: form-data; name=\"issued_on\"\r\n\r\n%s\r\n"
        "%s"
        "--" WORLD_BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n%s\r\n--" WORLD_BOUNDARY "--\r\n",
        code, fpt_date_add(today, -10),
        strcmp(rule, "explicit") == 0
            ? fpt_str("--" WORLD_BOUNDARY "\r\nContent-Disposition: form-data; name=\"expires_on\"\r\n\r\n%s\r\n",
                      fpt_date_add(today, 400))
            : "",
        code, file);
    const char *hdrs[] = {fpt_str("Authorization: Bearer %s", token),
                          "Content-Type: multipart/form-data; boundary=" WORLD_BOUNDARY, NULL};
    struct fpt_resp r = fpt_raw(w->srv, "POST", fpt_str("/api/v1/clinicians/%lld/passport/evidence", clinician_id), hdrs,
                                body, strlen(body));
    if (r.status != 201) fail_msg("upload of %s for clinician %lld: %ld %s", code, clinician_id, r.status, r.body);
    fpt_call(w->srv, w->admin, "POST", fpt_str("/api/v1/passport/checks/%lld/verification", fpt_int(r.json, "id")), 200,
             "{s:s}", "decision", "verify");
  }
}

long long fpt_world_shift(struct fpt_world *w, const char *token, long long practice, const char *role, int days,
                          int hour, int hours, const char *mode) {
  json_t *j = fpt_call(w->srv, token, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}",
                       "practice_id", (json_int_t)practice, "role", role, "starts_at", fpt_time_from_now(days, hour),
                       "ends_at", fpt_time_from_now(days, hour + hours), "rate_pence", 8000, "rate_unit", "hour",
                       "booking_mode", mode);
  return fpt_int(j, "id");
}

void fpt_world_move_shift(struct fpt_world *w, long long shift, long long start) {
  fpt_sql(w->srv, fpt_str("UPDATE bookings SET ends_at = %lld + (ends_at - starts_at), starts_at = %lld, created_at = %lld"
                          " WHERE shift_id = %lld",
                          start, start, start - 2 * 86400LL, shift));
  fpt_sql(w->srv, fpt_str("UPDATE shifts SET ends_at = %lld + (ends_at - starts_at), starts_at = %lld, created_at = %lld"
                          " WHERE id = %lld",
                          start, start, start - 30 * 86400LL, shift));
}

void fpt_world_no_working_time_guards(struct fpt_world *w) {
  fpt_call(w->srv, w->pool_admin, "PATCH", fpt_str("/api/v1/pools/%lld", w->pool), 200, "{s:i, s:i}",
           "max_worked_minutes_24h", 1440, "min_rest_minutes_24h", 0);
}

long long fpt_world_gp_shift_at(struct fpt_world *w, time_t from, time_t to, const char *mode) {
  json_t *j = fpt_call(w->srv, w->pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}",
                       "practice_id", (json_int_t)w->practice1, "role", "gp", "starts_at", fpt_time_at(from), "ends_at",
                       fpt_time_at(to), "rate_pence", 8000, "rate_unit", "hour", "booking_mode", mode);
  return fpt_int(j, "id");
}

long long fpt_world_book(struct fpt_world *w, const char *token, long long shift) {
  return fpt_int(fpt_call(w->srv, token, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL), "id");
}
