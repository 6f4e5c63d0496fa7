/*
 * Limits are enforced where data comes in (issue 9, items 8 and 12): a shift more than
 * --max-shift-ahead-months ahead is a 400 naming the field (posting, editing, a weekly series),
 * and text longer than the store can hand back is a 400, never a value cut short on read back.
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

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  fpt_world_build(&w, &srv);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

static void assert_invalid_field(struct fpt_resp r, const char *field) {
  if (r.status != 400) fprintf(stderr, "expected 400 on %s, got %ld: %s\n", field, r.status, r.body ? r.body : "");
  assert_int_equal(r.status, 400);
  assert_string_equal(fpt_error_code(&r), "invalid_field");
  json_t *err = json_object_get(r.json, "error");
  assert_non_null(err);
  assert_string_equal(fpt_s(err, "field"), field);
}

static struct fpt_resp post_shift(const char *starts, const char *ends) {
  return fpt_request(&srv, w.pm1, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                     (json_int_t)w.practice1, "role", "gp", "starts_at", starts, "ends_at", ends, "rate_pence", 8000,
                     "rate_unit", "hour");
}

static void test_shift_far_ahead_is_refused(void **state) {
  (void)state;
  /* The year 9999: a typing slip, not a shift. */
  assert_invalid_field(post_shift("9999-12-31T09:00:00Z", "9999-12-31T13:00:00Z"), "starts_at");
  /* 25 months ahead is refused, 23 months ahead is fine. */
  assert_invalid_field(post_shift(fpt_time_from_now(25 * 31, 9), fpt_time_from_now(25 * 31, 13)), "starts_at");
  json_t *ok = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
                        (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(23 * 30, 9), "ends_at",
                        fpt_time_from_now(23 * 30, 13), "rate_pence", 8000, "rate_unit", "hour");
  long long id = fpt_int(ok, "id");

  /* Editing a shift to a far date is refused the same way, and the shift keeps its date. */
  const char *before = fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", id), 200, NULL), "starts_at");
  assert_invalid_field(fpt_request(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", id), "{s:s, s:s}", "starts_at",
                                   "9999-12-31T09:00:00Z", "ends_at", "9999-12-31T13:00:00Z"),
                       "starts_at");
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", id), 200, NULL), "starts_at"),
                      before);

  /* A weekly series whose last shift would fall past the horizon is refused as a whole. */
  struct fpt_resp r = fpt_request(&srv, w.pm1, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s, s:{s:s, s:i}}",
                                  "practice_id", (json_int_t)w.practice1, "role", "gp", "starts_at",
                                  fpt_time_from_now(23 * 30, 9), "ends_at", fpt_time_from_now(23 * 30, 13), "rate_pence",
                                  8000, "rate_unit", "hour", "repeat", "every", "week", "count", 52);
  assert_invalid_field(r, "repeat");
}

static void test_shift_horizon_is_an_option(void **state) {
  (void)state;
  struct fpt_server s2;
  const char *extra[] = {"--max-shift-ahead-months", "1", NULL};
  assert_int_equal(fpt_server_start(&s2, NULL, extra), 0);
  struct fpt_world w2;
  fpt_world_build(&w2, &s2);
  struct fpt_resp r = fpt_request(&s2, w2.pm1, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s}",
                                  "practice_id", (json_int_t)w2.practice1, "role", "gp", "starts_at",
                                  fpt_time_from_now(40, 9), "ends_at", fpt_time_from_now(40, 13), "rate_pence", 8000,
                                  "rate_unit", "hour");
  assert_invalid_field(r, "starts_at");
  fpt_call(&s2, w2.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s}", "practice_id",
           (json_int_t)w2.practice1, "role", "gp", "starts_at", fpt_time_from_now(20, 9), "ends_at",
           fpt_time_from_now(20, 13), "rate_pence", 8000, "rate_unit", "hour");
  fpt_server_stop(&s2);
}

static const char *repeat(const char *unit, int n) {
  size_t u = strlen(unit);
  char *out = fpt_keep(calloc(1, u * (size_t)n + 1));
  for (int i = 0; i < n; i++) memcpy(out + u * (size_t)i, unit, u);
  return out;
}

/* Text fields take exactly what the store hands back: the longest allowed value reads back whole
   (in bytes, so two-byte characters count twice), one byte more is a 400 naming the field. */
static void test_text_fields_read_back_whole(void **state) {
  (void)state;
  const char *desc = repeat("\xc3\xa9", 1000); /* 2000 bytes */
  json_t *j = fpt_call(&srv, w.pm1, "POST", "/api/v1/shifts", 201, "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
                       (json_int_t)w.practice1, "role", "gp", "starts_at", fpt_time_from_now(20, 9), "ends_at",
                       fpt_time_from_now(20, 13), "rate_pence", 8000, "rate_unit", "hour", "description", desc);
  long long id = fpt_int(j, "id");
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", id), 200, NULL), "description"),
                      desc);
  assert_invalid_field(fpt_request(&srv, w.pm1, "PATCH", fpt_str("/api/v1/shifts/%lld", id), "{s:s}", "description",
                                   fpt_str("%sx", desc)),
                       "description");
  const char *name = repeat("\xc3\xa9", 100); /* 200 bytes */
  json_t *o = fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I}", "level", "practice",
                       "ods_code", "Y99999", "name", name, "parent_id", (json_int_t)w.pcn);
  assert_string_equal(fpt_s(fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/organisations/%lld", fpt_int(o, "id")), 200,
                                     NULL), "name"),
                      name);
  assert_invalid_field(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I}", "level",
                                   "practice", "ods_code", "Y99998", "name", fpt_str("%sx", name), "parent_id",
                                   (json_int_t)w.pcn),
                       "name");
}

/* A field that must say something is refused when it holds only spaces (it was stored: an account,
   a practice or a pool with a blank name), wherever such a field comes in. */
static void test_blank_required_text_is_refused(void **state) {
  (void)state;
  assert_invalid_field(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s}", "name",
                                   "   ", "email", "blank@t.test", "password", FPT_CLINICIAN_PASSWORD, "profession", "gp",
                                   "registration_number", "7999001", "home_postcode", "LS1 4AP"),
                       "name");
  assert_int_equal(fpt_sql_count(&srv, "SELECT count(*) FROM users WHERE email = 'blank@t.test'"), 0);
  assert_invalid_field(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I}", "level",
                                   "practice", "ods_code", "Y99997", "name", " \t ", "parent_id", (json_int_t)w.pcn),
                       "name");
  assert_invalid_field(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:I, s:s}", "email",
                                   "blank.pm@t.test", "name", "  ", "role", "practice_manager", "organisation_id",
                                   (json_int_t)w.practice1, "password", "blank-manager-pw"),
                       "name");
}

/* The command line keeps the API's limits: an account name longer than 200 bytes is refused, not
   stored to be read back cut, and a blank one too. */
static void test_cli_user_name_limit(void **state) {
  (void)state;
  char out[512];
  const char *too_long = repeat("n", 201);
  const char *args[] = {"user", "add", "--email", "long.name@t.test", "--name", too_long, "--role", "sysadmin",
                        "--data-dir", srv.data_dir, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, args), 2);
  const char *blank[] = {"user", "add", "--email", "long.name@t.test", "--name", "  ", "--role", "sysadmin",
                         "--data-dir", srv.data_dir, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, blank), 2); /* nor a blank one */
  json_t *page = fpt_call(&srv, w.admin, "GET", "/api/v1/users?q=long.name", 200, NULL);
  assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
  const char *fits = repeat("n", 200);
  const char *args2[] = {"user", "add", "--email", "long.name@t.test", "--name", fits, "--role", "sysadmin",
                         "--data-dir", srv.data_dir, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, args2), 0);
  page = fpt_call(&srv, w.admin, "GET", "/api/v1/users?q=long.name", 200, NULL);
  assert_string_equal(fpt_s(json_array_get(json_object_get(page, "items"), 0), "name"), fits);
}

/* Imports: a postcode row with a field too long to read is skipped (and counted), not read cut;
   a register extract with one is refused whole (a cut number or status could flag the wrong
   clinician). */
static void test_imports_refuse_long_fields(void **state) {
  (void)state;
  char csv[400], out[512];
  snprintf(csv, sizeof csv, "%s/long.csv", srv.data_dir);
  FILE *f = fopen(csv, "w");
  fprintf(f, "pcd,pcds,doterm,oseast1m,osnrth1m,lat,long\n"
             "LS1  4AP,LS1 4AP,,429000,433500,53.796,-1.548\n"
             "LS6  2QB,LS6 2QB,,428000,436000,53.8%s,-1.566\n", repeat("0", 300));
  fclose(f);
  const char *args[] = {"import", "postcodes", csv, "--data-dir", srv.data_dir, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, args), 0);
  if (!strstr(out, "imported 1 postcodes, skipped 1")) fail_msg("postcode import said: %s", out);

  snprintf(csv, sizeof csv, "%s/register.csv", srv.data_dir);
  f = fopen(csv, "w");
  fprintf(f, "registration_number,status,given_name,family_name\n7000001,Registered with a licence,A,%s\n",
          repeat("b", 300));
  fclose(f);
  const char *args2[] = {"import", "register", "gmc", csv, "--data-dir", srv.data_dir, NULL};
  assert_int_not_equal(fpt_cli(out, sizeof out, args2), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shift_far_ahead_is_refused),
      cmocka_unit_test(test_shift_horizon_is_an_option),
      cmocka_unit_test(test_text_fields_read_back_whole),
      cmocka_unit_test(test_blank_required_text_is_refused),
      cmocka_unit_test(test_cli_user_name_limit),
      cmocka_unit_test(test_imports_refuse_long_fields),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
