/*
 * Accounts and membership over HTTP against the real server: organisations and the practice
 * profile, staff users and deactivation, clinicians registering themselves, the profession
 * catalogue, pools (their rates and custom roles), their members and requests to join; each role
 * refused outside its scope, and bad input of each kind refused with the field named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;
/* gp: a GP in the pool; asker: a GP who is not (yet); nurse_out: a nurse outside every pool. */
static const char *gp, *asker, *nurse_out;
static long long gp_id, asker_id, nurse_out_id;

static int setup(void **state) {
  (void)state;
  if (fpt_server_start(&srv, NULL, NULL) != 0) return -1;
  /* Only LS1 4AP is in the postcode table: LS6 2QB is valid but has no known location. */
  char csv[400];
  snprintf(csv, sizeof csv, "%s/pc.csv", srv.data_dir);
  FILE *f = fopen(csv, "w");
  if (!f) return -1;
  fputs("pcds,lat,long,doterm\nLS1 4AP,53.796,-1.548,\n", f);
  fclose(f);
  char out[256];
  const char *args[] = {"import", "postcodes", csv, "--data-dir", srv.data_dir, NULL};
  if (fpt_cli(out, sizeof out, args) != 0) {
    fprintf(stderr, "postcode import: %s\n", out);
    return -1;
  }
  fpt_world_build(&w, &srv);
  gp = fpt_world_clinician(&w, "gp@m.test", "gp", "7100001", true, &gp_id);
  asker = fpt_world_clinician(&w, "asker@m.test", "gp", "7100002", false, &asker_id);
  nurse_out = fpt_world_clinician(&w, "nurse.out@m.test", "nurse", "12A3456E", false, &nurse_out_id);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* Asserts an error answer: status, code and (when not NULL) the field named. */
/* Every item of a list, following next_cursor with small pages so that paging is exercised. */
static json_t *all_items(const char *token, const char *path) {
  json_t *all = fpt_keep_json(json_array());
  const char *sep = strchr(path, '?') ? "&" : "?";
  const char *cursor = NULL;
  for (int pages = 0; pages < 100; pages++) {
    const char *p = cursor ? fpt_str("%s%slimit=2&cursor=%s", path, sep, cursor) : fpt_str("%s%slimit=2", path, sep);
    json_t *page = fpt_call(&srv, token, "GET", p, 200, NULL);
    json_t *items = json_object_get(page, "items");
    assert_true(json_array_size(items) <= 2);
    json_array_extend(all, items);
    json_t *next = json_object_get(page, "next_cursor");
    if (json_is_null(next)) return all;
    cursor = json_string_value(next);
    assert_non_null(cursor);
  }
  fail_msg("%s: more than 100 pages", path);
  return all;
}

static bool has_id(json_t *items, long long id) {
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    if (json_integer_value(json_object_get(it, "id")) == id) return true;
  }
  return false;
}

/* ---- organisations ---- */

static void test_organisation_create_and_validation(void **state) {
  (void)state;
  /* A practice under the PCN: ODS code upper-cased, postcode normalised and located, ICB inherited. */
  json_t *o = fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
                       "level", "practice", "ods_code", "b86010", "name", "Moor Lane Surgery", "parent_id",
                       (json_int_t)w.pcn, "postcode", "ls14ap", "address", "2 Moor Lane, Leeds", "phone",
                       "0113 496 0000", "email", "moor@m.test");
  assert_string_equal(fpt_s(o, "ods_code"), "B86010");
  assert_string_equal(fpt_s(o, "postcode"), "LS1 4AP");
  assert_string_equal(fpt_s(o, "level"), "practice");
  assert_int_equal(fpt_int(o, "parent_id"), w.pcn);
  assert_int_equal(fpt_int(o, "icb_id"), w.icb);
  assert_true(json_is_real(json_object_get(o, "lat")));
  assert_true(json_is_object(json_object_get(o, "profile")));
  long long id = fpt_int(o, "id");
  /* Read back the same. */
  json_t *g = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/organisations/%lld", id), 200, NULL);
  assert_string_equal(fpt_s(g, "name"), "Moor Lane Surgery");
  /* A valid postcode missing from the table is accepted, without a location. */
  o = fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I, s:s}", "level", "practice",
               "ods_code", "B86011", "name", "Unmapped Surgery", "parent_id", (json_int_t)w.pcn, "postcode", "LS6 2QB");
  assert_string_equal(fpt_s(o, "postcode"), "LS6 2QB");
  assert_null(json_object_get(o, "lat"));
  /* A PCN may hang off the ICB directly; an ICB is its own ICB. */
  o = fpt_call(&srv, w.admin, "POST", "/api/v1/organisations", 201, "{s:s, s:s, s:s, s:I}", "level", "pcn", "ods_code",
               "U54321", "name", "Direct PCN", "parent_id", (json_int_t)w.icb);
  assert_int_equal(fpt_int(o, "icb_id"), w.icb);
  o = fpt_call(&srv, w.admin, "GET", fpt_str("/api/v1/organisations/%lld", w.icb), 200, NULL);
  assert_int_equal(fpt_int(o, "icb_id"), w.icb);

  /* ODS codes by level. */
  struct {
    const char *level, *code;
    long long parent;
  } bad[] = {
      {"practice", "B8601", w.pcn},   /* too short */
      {"practice", "886010", w.pcn},  /* must start with a letter */
      {"pcn", "X12345", w.place},     /* a PCN code starts with U */
      {"icb", "QWOX", 0},             /* an ICB code has 3 characters */
      {"place", "1-2", w.icb},        /* letters and digits only */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct fpt_resp r = bad[i].parent
        ? fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I}", "level", bad[i].level,
                      "ods_code", bad[i].code, "name", "Bad", "parent_id", (json_int_t)bad[i].parent)
        : fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s}", "level", bad[i].level,
                      "ods_code", bad[i].code, "name", "Bad");
    fpt_expect_error(r, 400, "invalid_field", "ods_code");
  }
  /* The parent: needed below ICB level, must exist, must be the level above. */
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s}", "level", "practice",
                           "ods_code", "B86012", "name", "Orphan"),
               400, "missing_field", "parent_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I}", "level", "practice",
                           "ods_code", "B86012", "name", "Lost", "parent_id", (json_int_t)999999),
               400, "invalid_field", "parent_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I}", "level", "practice",
                           "ods_code", "B86012", "name", "Skipping the PCN", "parent_id", (json_int_t)w.place),
               400, "invalid_field", "parent_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I}", "level", "place",
                           "ods_code", "02T", "name", "Place under a PCN", "parent_id", (json_int_t)w.pcn),
               400, "invalid_field", "parent_id");
  /* Duplicate ODS code. */
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I}", "level", "practice",
                           "ods_code", "B86001", "name", "Copy", "parent_id", (json_int_t)w.pcn),
               409, "ods_code_taken", "ods_code");
  /* Bad input of other kinds. */
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I, s:s}", "level",
                           "practice", "ods_code", "B86013", "name", "Typo", "parent_id", (json_int_t)w.pcn, "post_code",
                           "LS1 4AP"),
               400, "unknown_field", "post_code");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:s}", "level", "practice",
                           "ods_code", "B86013", "name", "Wrong type", "parent_id", "12"),
               400, "invalid_field", "parent_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s}", "level", "hospital",
                           "ods_code", "RR8", "name", "Not primary care"),
               400, "invalid_field", "level");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I, s:s}", "level",
                           "practice", "ods_code", "B86013", "name", "Bad postcode", "parent_id", (json_int_t)w.pcn,
                           "postcode", "LS1 4A"),
               400, "invalid_field", "postcode");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/organisations", "{s:s, s:s, s:I}", "level", "practice",
                           "ods_code", "B86013", "parent_id", (json_int_t)w.pcn),
               400, "missing_field", "name");
  /* Only a system administrator adds organisations. */
  const char *others[] = {w.commissioner, w.pool_admin, w.pm1, gp};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    fpt_expect_error(fpt_request(&srv, others[i], "POST", "/api/v1/organisations", "{s:s, s:s, s:s, s:I}", "level",
                             "practice", "ods_code", "B86014", "name", "Not allowed", "parent_id", (json_int_t)w.pcn),
                 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/organisations", "{s:s, s:s, s:s}", "level", "icb", "ods_code",
                           "QAB", "name", "Anonymous"),
               401, "unauthenticated", NULL);
  /* Nothing refused was created. */
  json_t *all = all_items(w.admin, "/api/v1/organisations");
  size_t i;
  json_t *it;
  json_array_foreach(all, i, it) {
    const char *name = fpt_s(it, "name");
    assert_true(strcmp(name, "Not allowed") != 0 && strcmp(name, "Copy") != 0 && strcmp(name, "Anonymous") != 0);
  }
}

static void test_organisation_visibility(void **state) {
  (void)state;
  json_t *all = all_items(w.admin, "/api/v1/organisations");
  assert_true(has_id(all, w.icb) && has_id(all, w.other_icb) && has_id(all, w.practice2));
  /* Pages are in name order (ignoring case; the id breaks ties), without repeats. */
  for (size_t i = 1; i < json_array_size(all); i++) {
    json_t *a = json_array_get(all, i - 1), *b = json_array_get(all, i);
    int c = strcasecmp(fpt_s(a, "name"), fpt_s(b, "name"));
    assert_true(c < 0 || (c == 0 && fpt_int(a, "id") < fpt_int(b, "id")));
  }

  /* The commissioner: everything in their ICB, nothing outside it. */
  json_t *c = all_items(w.commissioner, "/api/v1/organisations");
  assert_true(has_id(c, w.icb) && has_id(c, w.place) && has_id(c, w.practice1) && has_id(c, w.practice2));
  assert_false(has_id(c, w.other_icb));
  fpt_expect_error(fpt_request(&srv, w.commissioner, "GET", fpt_str("/api/v1/organisations/%lld", w.other_icb), NULL), 404,
               "not_found", NULL);

  /* The pool administrator: the host and the member practice. */
  json_t *p = all_items(w.pool_admin, "/api/v1/organisations");
  assert_true(has_id(p, w.icb) && has_id(p, w.practice1));
  assert_false(has_id(p, w.other_icb));

  /* A practice manager: their practice only. */
  json_t *m = all_items(w.pm1, "/api/v1/organisations");
  assert_int_equal(json_array_size(m), 1);
  assert_true(has_id(m, w.practice1));
  fpt_expect_error(fpt_request(&srv, w.pm1, "GET", fpt_str("/api/v1/organisations/%lld", w.practice2), NULL), 404,
               "not_found", NULL);

  /* A clinician: the practices of their pools; outside every pool, none. */
  json_t *g = all_items(gp, "/api/v1/organisations");
  assert_true(has_id(g, w.practice1));
  assert_false(has_id(g, w.practice2) || has_id(g, w.icb));
  fpt_call(&srv, gp, "GET", fpt_str("/api/v1/organisations/%lld", w.practice1), 200, NULL);
  fpt_expect_error(fpt_request(&srv, gp, "GET", fpt_str("/api/v1/organisations/%lld", w.practice2), NULL), 404, "not_found",
               NULL);
  assert_int_equal(json_array_size(all_items(nurse_out, "/api/v1/organisations")), 0);

  /* Filters. */
  json_t *practices = all_items(w.admin, fpt_str("/api/v1/organisations?level=practice&parent_id=%lld", w.pcn));
  assert_true(has_id(practices, w.practice1) && has_id(practices, w.practice2));
  size_t i;
  json_t *it;
  json_array_foreach(practices, i, it) {
    assert_string_equal(fpt_s(it, "level"), "practice");
    assert_int_equal(fpt_int(it, "parent_id"), w.pcn);
  }
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", "/api/v1/organisations?level=hospital", NULL), 400,
               "invalid_parameter", "level");
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", "/api/v1/organisations?limit=201", NULL), 400, "invalid_parameter",
               "limit");
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", "/api/v1/organisations/999999", NULL), 404, "not_found", NULL);
}

static void test_practice_profile(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/organisations/%lld", w.practice1);
  /* The practice manager keeps the profile and the contact details. */
  json_t *o = fpt_call(&srv, w.pm1, "PATCH", path, 200,
                       "{s:s, s:s, s:{s:[{s:s, s:s, s:s}, {s:s}], s:s, s:s, s:i, s:s, s:s, s:s, s:s}}", "phone",
                       "0113 496 0001", "address", "1 Park Lane, Leeds", "profile", "sites", "name", "Main surgery",
                       "address", "1 Park Lane", "postcode", "ls1 4ap", "name", "Branch", "parking",
                       "Two locum bays behind the building", "clinical_system", "SystmOne", "appointment_minutes", 15,
                       "induction", "Report to reception; the duty doctor will show you round.", "contact_on_arrival",
                       "Practice manager, extension 201", "it_access", "Smartcard; a local login is issued on the day",
                       "notes", "Home visits after 2pm");
  assert_string_equal(fpt_s(o, "phone"), "0113 496 0001");
  json_t *profile = json_object_get(o, "profile");
  assert_string_equal(fpt_s(profile, "clinical_system"), "SystmOne");
  assert_int_equal(fpt_int(profile, "appointment_minutes"), 15);
  json_t *sites = json_object_get(profile, "sites");
  assert_int_equal(json_array_size(sites), 2);
  assert_string_equal(fpt_s(json_array_get(sites, 0), "postcode"), "LS1 4AP");
  /* Anyone who may see the practice reads it, a clinician of the pool included. */
  o = fpt_call(&srv, gp, "GET", path, 200, NULL);
  assert_string_equal(fpt_s(json_object_get(o, "profile"), "parking"), "Two locum bays behind the building");
  /* The postal address goes on the invoices the practice receives: at most 6 lines. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:s}", "address", "1\n2\n3\n4\n5\n6\n7"), 400,
                   "invalid_field", "address");
  assert_string_equal(fpt_s(fpt_call(&srv, gp, "GET", path, 200, NULL), "address"), "1 Park Lane, Leeds");
  /* A PATCH with a profile replaces it. */
  o = fpt_call(&srv, w.pm1, "PATCH", path, 200, "{s:{s:s}}", "profile", "clinical_system", "EMIS Web");
  profile = json_object_get(o, "profile");
  assert_string_equal(fpt_s(profile, "clinical_system"), "EMIS Web");
  assert_null(json_object_get(profile, "parking"));

  /* Bad profiles: unknown keys, wrong types, out of range, too long, too many sites. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:s}}", "profile", "door_code", "1234"), 400,
               "unknown_field", "profile.door_code");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:i}}", "profile", "appointment_minutes", 4), 400,
               "invalid_field", "profile.appointment_minutes");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:i}}", "profile", "appointment_minutes", 61), 400,
               "invalid_field", "profile.appointment_minutes");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:s}}", "profile", "appointment_minutes", "15"), 400,
               "invalid_field", "profile.appointment_minutes");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:s}}", "profile", "clinical_system", "Cerner"), 400,
               "invalid_field", "profile.clinical_system");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:i}}", "profile", "parking", 3), 400, "invalid_field",
               "profile.parking");
  char *long_text = malloc(4002);
  memset(long_text, 'a', 4001);
  long_text[4001] = 0;
  fpt_keep(long_text);
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:s}}", "profile", "induction", long_text), 400,
               "invalid_field", "profile.induction");
  long_text[4000] = 0; /* exactly 4000 is fine */
  fpt_call(&srv, w.pm1, "PATCH", path, 200, "{s:{s:s}}", "profile", "induction", long_text);
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:s}}", "profile", "sites", "the main one"), 400,
               "invalid_field", "profile.sites");
  json_t *eleven = json_array();
  for (int i = 0; i < 11; i++) json_array_append_new(eleven, json_pack("{s:s}", "name", "Site"));
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:o}}", "profile", "sites", eleven), 400, "invalid_field",
               "profile.sites");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:[{s:s, s:s}]}}", "profile", "sites", "name", "Branch",
                           "postcode", "nowhere"),
               400, "invalid_field", "profile.sites[0].postcode");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:{s:[{s:s}]}}", "profile", "sites", "nom", "Branch"), 400,
               "unknown_field", "profile.sites[0].nom");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:s}", "profile", "parking at the back"), 400, "invalid_field",
               "profile");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:s}", "website", "https://example.test"), 400,
               "unknown_field", "website");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:s}", "name", ""), 400, "invalid_field", "name");
  /* Nothing refused changed the profile. */
  o = fpt_call(&srv, w.pm1, "GET", path, 200, NULL);
  assert_int_equal(strlen(fpt_s(json_object_get(o, "profile"), "induction")), 4000);
  assert_null(json_object_get(json_object_get(o, "profile"), "sites"));

  /* What a practice manager may not change, and who may not change anything. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:s}", "ods_code", "B86099"), 403, "forbidden", "ods_code");
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", path, "{s:I}", "parent_id", (json_int_t)w.place), 403, "forbidden",
               "parent_id");
  fpt_expect_error(fpt_request(&srv, w.commissioner, "PATCH", path, "{s:s}", "name", "Renamed"), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "PATCH", path, "{s:s}", "name", "Renamed"), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "PATCH", path, "{s:s}", "name", "Renamed"), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm2, "PATCH", path, "{s:s}", "name", "Renamed"), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "PATCH", fpt_str("/api/v1/organisations/%lld", w.pcn), "{s:s}", "name", "X"),
               404, "not_found", NULL);

  /* The system administrator changes any field; ODS codes are still checked and unique. */
  o = fpt_call(&srv, w.admin, "PATCH", path, 200, "{s:s, s:s}", "ods_code", "b86021", "postcode", "LS6 2QB");
  assert_string_equal(fpt_s(o, "ods_code"), "B86021");
  assert_null(json_object_get(o, "lat")); /* the new postcode is not in the table */
  o = fpt_call(&srv, w.admin, "PATCH", path, 200, "{s:s, s:s}", "ods_code", "B86001", "postcode", "LS1 4AP");
  assert_true(json_is_real(json_object_get(o, "lat")));
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", path, "{s:s}", "ods_code", "B86002"), 409, "ods_code_taken",
               "ods_code");
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", path, "{s:s}", "ods_code", "B8600"), 400, "invalid_field",
               "ods_code");
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", path, "{s:s}", "level", "pcn"), 400, "invalid_field", "level");
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", fpt_str("/api/v1/organisations/%lld", w.pcn), "{s:{s:s}}", "profile",
                           "parking", "none"),
               400, "invalid_field", "profile");
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", "/api/v1/organisations/999999", "{s:s}", "name", "Nobody"), 404,
               "not_found", NULL);
}

/* ---- users ---- */

static void test_users(void **state) {
  (void)state;
  /* Without a password: a one-time password, shown once, that works. */
  json_t *j = fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I}", "email", "New.PM@M.test",
                       "name", "New Manager", "role", "practice_manager", "organisation_id", (json_int_t)w.practice2);
  json_t *u = json_object_get(j, "user");
  assert_string_equal(fpt_s(u, "email"), "new.pm@m.test");
  assert_true(json_is_true(json_object_get(u, "active")));
  json_t *roles = json_object_get(u, "roles");
  assert_int_equal(json_array_size(roles), 1);
  assert_string_equal(fpt_s(json_array_get(roles, 0), "role"), "practice_manager");
  assert_int_equal(fpt_int(json_array_get(roles, 0), "organisation_id"), w.practice2);
  const char *otp = fpt_s(j, "one_time_password");
  assert_true(strlen(otp) >= 10);
  const char *new_pm = fpt_login(&srv, "new.pm@m.test", otp);
  /* Someone else chose that password: until its owner chooses their own, nothing else (issue 9). */
  fpt_expect_error(fpt_request(&srv, new_pm, "GET", fpt_str("/api/v1/organisations/%lld", w.practice2), NULL), 403,
               "password_change_required", NULL);
  fpt_call(&srv, new_pm, "PUT", "/api/v1/me/password", 204, "{s:s, s:s}", "current_password", otp, "new_password",
           "new-manager-own-pw");
  fpt_call(&srv, new_pm, "GET", fpt_str("/api/v1/organisations/%lld", w.practice2), 200, NULL);
  long long new_pm_id = fpt_int(u, "id");
  /* With a password: none given back. */
  j = fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:s}", "email", "admin2@m.test", "name",
               "Second Admin", "role", "sysadmin", "password", "second-admin-pw");
  assert_null(json_object_get(j, "one_time_password"));
  fpt_login(&srv, "admin2@m.test", "second-admin-pw");
  j = fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", "pool2@m.test",
               "name", "Pool Two", "role", "pool_admin", "pool_id", (json_int_t)w.pool, "password", "pool-two-password");
  assert_int_equal(fpt_int(json_array_get(json_object_get(json_object_get(j, "user"), "roles"), 0), "pool_id"), w.pool);

  /* Refusals: email taken (in any case), each role's organisation or pool, bad input. */
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s}", "email", "ADMIN2@m.test", "name",
                           "Again", "role", "sysadmin"),
               409, "email_taken", "email");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:I}", "email", "c2@m.test", "name",
                           "C", "role", "commissioner", "organisation_id", (json_int_t)w.practice1),
               400, "invalid_field", "organisation_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:I}", "email", "c2@m.test", "name",
                           "C", "role", "practice_manager", "organisation_id", (json_int_t)w.pcn),
               400, "invalid_field", "organisation_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s}", "email", "c2@m.test", "name", "C",
                           "role", "commissioner"),
               400, "missing_field", "organisation_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s}", "email", "c2@m.test", "name", "C",
                           "role", "pool_admin"),
               400, "missing_field", "pool_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:I}", "email", "c2@m.test", "name",
                           "C", "role", "pool_admin", "pool_id", (json_int_t)999999),
               400, "invalid_field", "pool_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s}", "email", "c2@m.test", "name", "C",
                           "role", "clinician"),
               400, "invalid_field", "role");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s}", "email", "not-an-email", "name",
                           "C", "role", "sysadmin"),
               400, "invalid_field", "email");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:s}", "email", "c2@m.test", "name",
                           "C", "role", "sysadmin", "password", "short"),
               400, "weak_password", "password");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:b}", "email", "c2@m.test", "name",
                           "C", "role", "sysadmin", "superuser", 1),
               400, "unknown_field", "superuser");

  /* A pool administrator adds practice managers for their pool's practices, nothing else. */
  j = fpt_call(&srv, w.pool_admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", "pm1b@m.test",
               "name", "Deputy Manager", "role", "practice_manager", "organisation_id", (json_int_t)w.practice1,
               "password", "deputy-password");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:I}", "email", "pm2b@m.test",
                           "name", "X", "role", "practice_manager", "organisation_id", (json_int_t)w.practice2),
               403, "forbidden", "organisation_id");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", "/api/v1/users", "{s:s, s:s, s:s, s:I}", "email", "icb2@m.test",
                           "name", "X", "role", "commissioner", "organisation_id", (json_int_t)w.icb),
               403, "forbidden", "role");
  const char *not_allowed[] = {w.commissioner, w.pm1, gp};
  for (size_t i = 0; i < sizeof not_allowed / sizeof not_allowed[0]; i++) {
    fpt_expect_error(fpt_request(&srv, not_allowed[i], "POST", "/api/v1/users", "{s:s, s:s, s:s, s:I}", "email", "x@m.test",
                             "name", "X", "role", "practice_manager", "organisation_id", (json_int_t)w.practice1),
                 403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, not_allowed[i], "GET", "/api/v1/users", NULL), 403, "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, not_allowed[i], "PATCH", fpt_str("/api/v1/users/%lld", new_pm_id), "{s:b}", "active",
                             0),
                 403, "forbidden", NULL);
  }

  /* The list: every user with their roles, in pages. */
  json_t *all = all_items(w.admin, "/api/v1/users");
  assert_true(has_id(all, new_pm_id) && has_id(all, w.pm1_user));
  size_t i;
  json_t *it;
  json_array_foreach(all, i, it) {
    assert_true(json_is_array(json_object_get(it, "roles")));
    assert_null(json_object_get(it, "password_hash"));
  }
  /* Search: by a part of the email or of the name, in any case; LIKE's own characters are plain. */
  json_t *found = all_items(w.admin, "/api/v1/users?q=NEW.PM%40M");
  assert_int_equal(json_array_size(found), 1);
  assert_true(has_id(found, new_pm_id));
  found = all_items(w.admin, "/api/v1/users?q=deputy%20man");
  assert_int_equal(json_array_size(found), 1);
  assert_string_equal(fpt_s(json_array_get(found, 0), "email"), "pm1b@m.test");
  assert_int_equal(json_array_size(all_items(w.admin, "/api/v1/users?q=%25")), 0);
  assert_int_equal(json_array_size(all_items(w.admin, "/api/v1/users?q=_")), 0);
  assert_true(json_array_size(all_items(w.admin, "/api/v1/users?q=m.test")) >= 2);
  fpt_expect_error(fpt_request(&srv, w.admin, "GET", "/api/v1/users?q=", NULL), 400, "invalid_parameter", "q");

  /* Deactivation ends the user's sessions at once and stops them signing in; reactivation undoes it. */
  const char *user_path = fpt_str("/api/v1/users/%lld", new_pm_id);
  u = fpt_call(&srv, w.admin, "PATCH", user_path, 200, "{s:b}", "active", 0);
  assert_true(json_is_false(json_object_get(u, "active")));
  fpt_expect_error(fpt_request(&srv, new_pm, "GET", "/api/v1/me", NULL), 401, "unauthenticated", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "new.pm@m.test", "password",
                           otp),
               401, "invalid_credentials", NULL);
  u = fpt_call(&srv, w.admin, "PATCH", user_path, 200, "{s:b, s:s}", "active", 1, "name", "Renamed Manager");
  assert_true(json_is_true(json_object_get(u, "active")));
  assert_string_equal(fpt_s(u, "name"), "Renamed Manager");
  /* The sessions were ended, not merely suspended: reactivation does not bring the old one back. */
  fpt_expect_error(fpt_request(&srv, new_pm, "GET", "/api/v1/me", NULL), 401, "unauthenticated", NULL);
  fpt_login(&srv, "new.pm@m.test", "new-manager-own-pw");
  /* A deactivated clinician cannot sign in either. */
  json_t *me = fpt_call(&srv, asker, "GET", "/api/v1/me", 200, NULL);
  const char *asker_user = fpt_str("/api/v1/users/%lld", fpt_int(me, "id"));
  fpt_call(&srv, w.admin, "PATCH", asker_user, 200, "{s:b}", "active", 0);
  fpt_expect_error(fpt_request(&srv, asker, "GET", "/api/v1/me", NULL), 401, "unauthenticated", NULL);
  fpt_call(&srv, w.admin, "PATCH", asker_user, 200, "{s:b}", "active", 1);
  asker = fpt_login(&srv, "asker@m.test", FPT_CLINICIAN_PASSWORD);

  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", user_path, "{s:s}", "active", "no"), 400, "invalid_field", "active");
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", user_path, "{s:s}", "email", "x@m.test"), 400, "unknown_field",
               "email");
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", "/api/v1/users/999999", "{s:b}", "active", 0), 404, "not_found",
               NULL);
  /* An administrator cannot lock themself out. */
  me = fpt_call(&srv, w.admin, "GET", "/api/v1/me", 200, NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", fpt_str("/api/v1/users/%lld", fpt_int(me, "id")), "{s:b}", "active",
                           0),
               400, "invalid_field", "active");
}

/* ---- professions and clinicians ---- */

static void test_professions(void **state) {
  (void)state;
  json_t *j = fpt_call(&srv, NULL, "GET", "/api/v1/professions", 200, NULL);
  json_t *items = json_object_get(j, "items");
  assert_true(json_array_size(items) >= 8);
  bool gp_seen = false, hca_seen = false;
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it) {
    if (strcmp(fpt_s(it, "code"), "gp") == 0) {
      gp_seen = true;
      assert_string_equal(fpt_s(it, "regulator"), "GMC");
      assert_string_equal(fpt_s(it, "name"), "General practitioner");
    }
    if (strcmp(fpt_s(it, "code"), "healthcare_assistant") == 0) {
      hca_seen = true;
      assert_string_equal(fpt_s(it, "regulator"), "none");
    }
  }
  assert_true(gp_seen && hca_seen);
}

static void test_clinician_registration(void **state) {
  (void)state;
  json_t *c = fpt_call(&srv, NULL, "POST", "/api/v1/clinicians", 201, "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name",
                       "Nurse Nadia", "email", "Nadia@M.test", "password", "nadia-password", "profession", "nurse",
                       "registration_number", "98c7654d", "home_postcode", "ls14ap", "phone", "07700 900000");
  assert_string_equal(fpt_s(c, "email"), "nadia@m.test");
  assert_string_equal(fpt_s(c, "profession"), "nurse");
  assert_string_equal(fpt_s(c, "registration_number"), "98C7654D");
  assert_string_equal(fpt_s(c, "home_postcode"), "LS1 4AP");
  assert_int_equal(fpt_int(c, "travel_radius_km"), 20);
  assert_int_equal(json_array_size(json_object_get(c, "pools")), 0);
  long long id = fpt_int(c, "id");
  const char *nadia = fpt_login(&srv, "nadia@m.test", "nadia-password");
  json_t *me = fpt_call(&srv, nadia, "GET", "/api/v1/me", 200, NULL);
  assert_int_equal(fpt_int(me, "clinician_id"), id);
  assert_int_equal(fpt_int(me, "id"), fpt_int(c, "user_id"));
  assert_string_equal(fpt_s(json_array_get(json_object_get(me, "roles"), 0), "role"), "clinician");
  /* An unregulated role has no registration number. */
  c = fpt_call(&srv, NULL, "POST", "/api/v1/clinicians", 201, "{s:s, s:s, s:s, s:s, s:s, s:i}", "name", "Harry HCA",
               "email", "hca@m.test", "password", "harry-password", "profession", "healthcare_assistant",
               "home_postcode", "LS6 2QB", "travel_radius_km", 5);
  assert_true(json_is_null(json_object_get(c, "registration_number")));
  assert_int_equal(fpt_int(c, "travel_radius_km"), 5);

  /* Refusals, each naming its field; none creates an account. */
  struct {
    const char *profession, *reg, *postcode, *field, *code;
  } bad[] = {
      {"gp", "123456", "LS1 4AP", "registration_number", "invalid_field"},       /* GMC: 7 digits */
      {"gp", "12345678", "LS1 4AP", "registration_number", "invalid_field"},
      {"pharmacist", "ABC1234", "LS1 4AP", "registration_number", "invalid_field"},
      {"nurse", "1234567", "LS1 4AP", "registration_number", "invalid_field"},    /* NMC PIN shape */
      {"paramedic", "P123456", "LS1 4AP", "registration_number", "invalid_field"},/* HCPC: 2 letters */
      {"gp", NULL, "LS1 4AP", "registration_number", "missing_field"},
      {"gp", "", "LS1 4AP", "registration_number", "missing_field"},
      {"healthcare_assistant", "1234567", "LS1 4AP", "registration_number", "invalid_field"},
      {"surgeon", NULL, "LS1 4AP", "profession", "invalid_field"},
      {"gp", "7123456", "LS1", "home_postcode", "invalid_field"},
      {"gp", "7123456", "12345", "home_postcode", "invalid_field"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct fpt_resp r = bad[i].reg
        ? fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s}", "name", "Bad",
                      "email", "bad@m.test", "password", "bad-password", "profession", bad[i].profession,
                      "registration_number", bad[i].reg, "home_postcode", bad[i].postcode)
        : fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s}", "name", "Bad", "email",
                      "bad@m.test", "password", "bad-password", "profession", bad[i].profession, "home_postcode",
                      bad[i].postcode);
    fpt_expect_error(r, 400, bad[i].code, bad[i].field);
  }
  const char *base = "{s:s, s:s, s:s, s:s, s:s, s:s";
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", fpt_str("%s, s:i}", base), "name", "Bad", "email",
                           "bad@m.test", "password", "bad-password", "profession", "gp", "registration_number",
                           "7123456", "home_postcode", "LS1 4AP", "travel_radius_km", 0),
               400, "invalid_field", "travel_radius_km");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", fpt_str("%s, s:i}", base), "name", "Bad", "email",
                           "bad@m.test", "password", "bad-password", "profession", "gp", "registration_number",
                           "7123456", "home_postcode", "LS1 4AP", "travel_radius_km", 201),
               400, "invalid_field", "travel_radius_km");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", fpt_str("%s, s:s}", base), "name", "Bad", "email",
                           "bad@m.test", "password", "bad-password", "profession", "gp", "registration_number",
                           "7123456", "home_postcode", "LS1 4AP", "travel_radius_km", "20"),
               400, "invalid_field", "travel_radius_km");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", fpt_str("%s, s:s}", base), "name", "Bad", "email",
                           "bad@m.test", "password", "bad-password", "profession", "gp", "registration_number",
                           "7123456", "home_postcode", "LS1 4AP", "gmc", "yes"),
               400, "unknown_field", "gmc");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s}", "name", "Bad",
                           "email", "bad@m.test", "password", "too-short", "profession", "gp", "registration_number",
                           "7123456", "home_postcode", "LS1 4AP"),
               400, "weak_password", "password");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s}", "name", "Bad",
                           "email", "bad.example", "password", "bad-password", "profession", "gp",
                           "registration_number", "7123456", "home_postcode", "LS1 4AP"),
               400, "invalid_field", "email");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s}", "name", "Again",
                           "email", "NADIA@m.test", "password", "bad-password", "profession", "gp",
                           "registration_number", "7123456", "home_postcode", "LS1 4AP"),
               409, "email_taken", "email");
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "bad@m.test", "password",
                           "bad-password"),
               401, "invalid_credentials", NULL);
}

static void test_clinician_visibility(void **state) {
  (void)state;
  /* The asker asks to join: the pool administrator sees them from then on. */
  json_t *a = all_items(w.pool_admin, "/api/v1/clinicians");
  assert_true(has_id(a, gp_id));
  assert_false(has_id(a, asker_id) || has_id(a, nurse_out_id));
  fpt_call(&srv, asker, "POST", fpt_str("/api/v1/pools/%lld/join-requests", w.pool), 201, "{s:s}", "message",
           "I live in Leeds");
  a = all_items(w.pool_admin, "/api/v1/clinicians");
  assert_true(has_id(a, gp_id) && has_id(a, asker_id));
  assert_false(has_id(a, nurse_out_id));
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("/api/v1/clinicians/%lld", nurse_out_id), NULL), 404,
               "not_found", NULL);
  /* Members only with pool_id. */
  a = all_items(w.pool_admin, fpt_str("/api/v1/clinicians?pool_id=%lld", w.pool));
  assert_true(has_id(a, gp_id));
  assert_false(has_id(a, asker_id));

  /* The system administrator sees every clinician, and filters by profession. */
  a = all_items(w.admin, "/api/v1/clinicians");
  assert_true(has_id(a, gp_id) && has_id(a, asker_id) && has_id(a, nurse_out_id));
  a = all_items(w.admin, "/api/v1/clinicians?profession=nurse");
  assert_true(has_id(a, nurse_out_id));
  assert_false(has_id(a, gp_id));

  /* The commissioner sees the members of pools in their ICB. */
  a = all_items(w.commissioner, "/api/v1/clinicians");
  assert_true(has_id(a, gp_id));
  assert_false(has_id(a, nurse_out_id));

  /* A clinician sees only themself, with their pools. */
  a = all_items(gp, "/api/v1/clinicians");
  assert_int_equal(json_array_size(a), 1);
  assert_true(has_id(a, gp_id));
  json_t *me = fpt_call(&srv, gp, "GET", fpt_str("/api/v1/clinicians/%lld", gp_id), 200, NULL);
  json_t *pools = json_object_get(me, "pools");
  assert_int_equal(json_array_size(pools), 1);
  assert_int_equal(fpt_int(json_array_get(pools, 0), "id"), w.pool);
  fpt_expect_error(fpt_request(&srv, gp, "GET", fpt_str("/api/v1/clinicians/%lld", asker_id), NULL), 404, "not_found", NULL);

  /* A practice manager sees the clinicians who booked or applied for their practice's shifts. */
  a = all_items(w.pm1, "/api/v1/clinicians");
  assert_false(has_id(a, gp_id));
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 5, 9, 4, "instant");
  fpt_call(&srv, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL);
  a = all_items(w.pm1, "/api/v1/clinicians");
  assert_true(has_id(a, gp_id));
  fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/clinicians/%lld", gp_id), 200, NULL);
  assert_false(has_id(all_items(w.pm2, "/api/v1/clinicians"), gp_id));
  fpt_expect_error(fpt_request(&srv, w.pm2, "GET", fpt_str("/api/v1/clinicians/%lld", gp_id), NULL), 404, "not_found",
               NULL);

  fpt_expect_error(fpt_request(&srv, w.admin, "GET", "/api/v1/clinicians?pool_id=abc", NULL), 400, "invalid_parameter",
               "pool_id");
  fpt_expect_error(fpt_request(&srv, NULL, "GET", "/api/v1/clinicians", NULL), 401, "unauthenticated", NULL);
}

/* ---- pools ---- */

static void test_pools(void **state) {
  (void)state;
  /* Defaults: the NHS guidance's indicative rates. */
  json_t *p = fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name", "Leeds Nurse Pool",
                       "host_organisation_id", (json_int_t)w.place);
  assert_int_equal(fpt_int(p, "hourly_rate_pence"), 7757);
  assert_int_equal(fpt_int(p, "session_rate_pence"), 32321);
  assert_int_equal(fpt_int(p, "host_organisation_id"), w.place);
  assert_int_equal(fpt_int(p, "icb_id"), w.icb);
  assert_int_equal(fpt_int(json_object_get(p, "member_counts"), "clinicians"), 0);
  assert_int_equal(fpt_int(json_object_get(p, "member_counts"), "practices"), 0);
  /* A commissioner reads everything in the ICB and changes nothing: no pools either. */
  fpt_expect_error(fpt_request(&srv, w.commissioner, "POST", "/api/v1/pools", "{s:s, s:I}", "name", "ICB Pharmacist Pool",
                           "host_organisation_id", (json_int_t)w.icb),
               403, "forbidden", NULL);
  p = fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I, s:i, s:i}", "name", "ICB Pharmacist Pool",
               "host_organisation_id", (json_int_t)w.icb, "hourly_rate_pence", 6000, "session_rate_pence", 25000);
  assert_int_equal(fpt_int(p, "hourly_rate_pence"), 6000);
  long long pharm_pool = fpt_int(p, "id");
  const char *others[] = {w.pool_admin, w.pm1, gp};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    fpt_expect_error(fpt_request(&srv, others[i], "POST", "/api/v1/pools", "{s:s, s:I}", "name", "Mine",
                             "host_organisation_id", (json_int_t)w.icb),
                 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/pools", "{s:s, s:I}", "name", "Nowhere",
                           "host_organisation_id", (json_int_t)999999),
               400, "invalid_field", "host_organisation_id");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/pools", "{s:s, s:I, s:i}", "name", "Negative",
                           "host_organisation_id", (json_int_t)w.icb, "hourly_rate_pence", -1),
               400, "invalid_field", "hourly_rate_pence");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/pools", "{s:s, s:I, s:s}", "name", "Text rate",
                           "host_organisation_id", (json_int_t)w.icb, "session_rate_pence", "300"),
               400, "invalid_field", "session_rate_pence");
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", "/api/v1/pools", "{s:I}", "host_organisation_id", (json_int_t)w.icb),
               400, "missing_field", "name");

  /* Every signed-in user sees the pools (a clinician chooses one to ask to join). */
  json_t *all = all_items(nurse_out, "/api/v1/pools");
  assert_true(has_id(all, w.pool) && has_id(all, pharm_pool));
  json_t *one = json_array_get(all, 0);
  assert_non_null(json_object_get(one, "name"));
  assert_non_null(json_object_get(one, "host_organisation_id"));
  assert_non_null(json_object_get(one, "hourly_rate_pence"));
  p = fpt_call(&srv, nurse_out, "GET", fpt_str("/api/v1/pools/%lld", w.pool), 200, NULL);
  assert_true(fpt_int(json_object_get(p, "member_counts"), "clinicians") >= 1);
  assert_int_equal(fpt_int(json_object_get(p, "member_counts"), "practices"), 1);
  fpt_expect_error(fpt_request(&srv, gp, "GET", "/api/v1/pools/999999", NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "GET", "/api/v1/pools", NULL), 401, "unauthenticated", NULL);
}

static void test_pool_members(void **state) {
  (void)state;
  /* A second pool in the other ICB with its own administrator and commissioner. */
  long long other_pool = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name",
                                          "Other Pool", "host_organisation_id", (json_int_t)w.other_icb),
                                 "id");
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", "other.pool@m.test",
           "name", "Other Pool Admin", "role", "pool_admin", "pool_id", (json_int_t)other_pool, "password",
           "other-pool-password");
  const char *other_admin = fpt_take_over(&srv, "other.pool@m.test", "other-pool-password", "other-pool-own-pw");
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", "other.icb@m.test",
           "name", "Other Commissioner", "role", "commissioner", "organisation_id", (json_int_t)w.other_icb, "password",
           "other-icb-password");
  const char *other_comm = fpt_take_over(&srv, "other.icb@m.test", "other-icb-password", "other-icb-own-pw");

  const char *members = fpt_str("/api/v1/pools/%lld/members", w.pool);
  /* Admitting a practice: its clinicians of the pool see it from then on. */
  assert_false(has_id(all_items(gp, "/api/v1/organisations"), w.practice2));
  json_t *m = fpt_call(&srv, w.pool_admin, "POST", members, 201, "{s:I}", "organisation_id", (json_int_t)w.practice2);
  assert_int_equal(fpt_int(m, "organisation_id"), w.practice2);
  assert_int_equal(fpt_int(m, "pool_id"), w.pool);
  assert_string_equal(fpt_s(m, "name"), "Hill Top Medical Centre");
  assert_non_null(json_object_get(m, "added_at"));
  long long practice2_member = fpt_int(m, "id");
  assert_true(has_id(all_items(gp, "/api/v1/organisations"), w.practice2));
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", members, "{s:I}", "organisation_id", (json_int_t)w.practice2),
               409, "already_member", NULL);
  /* Admitting a clinician directly. */
  m = fpt_call(&srv, w.admin, "POST", members, 201, "{s:I}", "clinician_id", (json_int_t)nurse_out_id);
  assert_int_equal(fpt_int(m, "clinician_id"), nurse_out_id);
  long long nurse_member = fpt_int(m, "id");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", members, "{s:I}", "clinician_id", (json_int_t)nurse_out_id), 409,
               "already_member", NULL);

  /* Bad input. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", members, "{s:I}", "organisation_id", (json_int_t)w.pcn), 400,
               "invalid_field", "organisation_id");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", members, "{s:I, s:I}", "organisation_id",
                           (json_int_t)w.practice1, "clinician_id", (json_int_t)gp_id),
               400, "invalid_field", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", members, "{}"), 400, "missing_field", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", members, "{s:I}", "clinician_id", (json_int_t)999999), 400,
               "invalid_field", "clinician_id");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", members, "{s:s}", "clinician_id", "7"), 400, "invalid_field",
               "clinician_id");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", members, "{s:I}", "practice_id", (json_int_t)w.practice1), 400,
               "unknown_field", "practice_id");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", "/api/v1/pools/999999/members", "{s:I}", "clinician_id",
                           (json_int_t)gp_id),
               404, "not_found", NULL);

  /* Who may admit: not the commissioner, a practice manager, a clinician or another pool's administrator. */
  const char *not_allowed[] = {w.commissioner, w.pm1, gp, other_admin};
  for (size_t i = 0; i < sizeof not_allowed / sizeof not_allowed[0]; i++) {
    fpt_expect_error(fpt_request(&srv, not_allowed[i], "POST", members, "{s:I}", "clinician_id", (json_int_t)asker_id), 403,
                 "forbidden", NULL);
    fpt_expect_error(fpt_request(&srv, not_allowed[i], "DELETE", fpt_str("%s/%lld", members, nurse_member), NULL), 403,
                 "forbidden", NULL);
  }

  /* Who may read the list: the pool's administrators and the commissioner of its ICB. */
  json_t *list = all_items(w.pool_admin, members);
  assert_true(has_id(list, practice2_member) && has_id(list, nurse_member));
  list = all_items(w.commissioner, fpt_str("%s?kind=clinician", members));
  assert_true(has_id(list, nurse_member));
  assert_false(has_id(list, practice2_member));
  size_t i;
  json_t *it;
  json_array_foreach(list, i, it) {
    assert_true(json_is_integer(json_object_get(it, "clinician_id")));
    assert_null(json_object_get(it, "organisation_id"));
  }
  list = all_items(w.admin, fpt_str("%s?kind=organisation", members));
  assert_true(has_id(list, practice2_member));
  assert_false(has_id(list, nurse_member));
  const char *no_read[] = {w.pm1, gp, other_admin, other_comm};
  for (size_t k = 0; k < sizeof no_read / sizeof no_read[0]; k++)
    fpt_expect_error(fpt_request(&srv, no_read[k], "GET", members, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("%s?kind=robot", members), NULL), 400,
               "invalid_parameter", "kind");

  /* Removal: 204, then it is gone; a member of another pool is not found through this one. */
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, practice2_member), 204, NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, practice2_member), NULL), 404,
               "not_found", NULL);
  assert_false(has_id(all_items(gp, "/api/v1/organisations"), w.practice2));
  long long other_member = fpt_int(
      fpt_call(&srv, other_admin, "POST", fpt_str("/api/v1/pools/%lld/members", other_pool), 201, "{s:I}",
               "clinician_id", (json_int_t)nurse_out_id),
      "id");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, other_member), NULL), 404,
               "not_found", NULL);
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, nurse_member), 204, NULL);
  /* A removed member's id is never given to the next member: a repeated DELETE removes nobody else. */
  long long newest = fpt_int(
      fpt_call(&srv, w.pool_admin, "POST", members, 201, "{s:I}", "organisation_id", (json_int_t)w.practice2), "id");
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, newest), 204, NULL);
  m = fpt_call(&srv, w.pool_admin, "POST", members, 201, "{s:I}", "organisation_id", (json_int_t)w.practice2);
  assert_true(fpt_int(m, "id") > newest);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, newest), NULL), 404, "not_found",
               NULL);
  assert_true(has_id(all_items(w.pool_admin, members), fpt_int(m, "id")));
  fpt_call(&srv, w.pool_admin, "DELETE", fpt_str("%s/%lld", members, fpt_int(m, "id")), 204, NULL);
}

static void test_join_requests(void **state) {
  (void)state;
  /* A new clinician asks; the request carries what the administrator needs to decide. */
  long long ph_id = 0, np_id = 0;
  const char *ph = fpt_world_clinician(&w, "pharm@m.test", "pharmacist", "2012345", false, &ph_id);
  const char *np = fpt_world_clinician(&w, "np@m.test", "nurse", "11B2222C", false, &np_id);
  const char *requests = fpt_str("/api/v1/pools/%lld/join-requests", w.pool);
  json_t *jr = fpt_call(&srv, ph, "POST", requests, 201, "{s:s}", "message", "Available Tuesdays");
  assert_string_equal(fpt_s(jr, "status"), "pending");
  assert_int_equal(fpt_int(jr, "pool_id"), w.pool);
  assert_int_equal(fpt_int(jr, "clinician_id"), ph_id);
  assert_string_equal(fpt_s(jr, "message"), "Available Tuesdays");
  assert_non_null(json_object_get(jr, "created_at"));
  long long ph_req = fpt_int(jr, "id");
  fpt_expect_error(fpt_request(&srv, ph, "POST", requests, NULL), 409, "already_requested", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "POST", requests, NULL), 409, "already_member", NULL);
  long long np_req = fpt_int(fpt_call(&srv, np, "POST", requests, 201, NULL), "id");
  /* Only clinicians ask; the pool must exist; the message is limited. */
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", requests, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", requests, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, ph, "POST", "/api/v1/pools/999999/join-requests", NULL), 404, "not_found", NULL);
  char *long_msg = fpt_keep(malloc(502));
  memset(long_msg, 'm', 501);
  long_msg[501] = 0;
  fpt_expect_error(fpt_request(&srv, asker, "POST", requests, "{s:s}", "message", long_msg), 400, "invalid_field",
               "message");
  fpt_expect_error(fpt_request(&srv, asker, "POST", requests, "{s:i}", "message", 5), 400, "invalid_field", "message");

  /* The pool administrator lists them with the clinician's name, profession and registration number. */
  json_t *list = all_items(w.pool_admin, fpt_str("%s?status=pending", requests));
  assert_true(has_id(list, ph_req) && has_id(list, np_req));
  size_t i;
  json_t *it;
  json_array_foreach(list, i, it) {
    assert_string_equal(fpt_s(it, "status"), "pending");
    if (fpt_int(it, "id") == ph_req) {
      assert_string_equal(fpt_s(it, "clinician_name"), "pharm@m.test");
      assert_string_equal(fpt_s(it, "profession"), "pharmacist");
      assert_string_equal(fpt_s(it, "registration_number"), "2012345");
    }
  }
  /* The commissioner of the pool's ICB reads them too (reading everything in the ICB), without answering. */
  assert_true(has_id(all_items(w.commissioner, requests), ph_req));
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "GET", fpt_str("%s?status=maybe", requests), NULL), 400,
               "invalid_parameter", "status");
  const char *no_read[] = {w.pm1, ph, gp};
  for (size_t k = 0; k < sizeof no_read / sizeof no_read[0]; k++)
    fpt_expect_error(fpt_request(&srv, no_read[k], "GET", requests, NULL), 403, "forbidden", NULL);

  /* Answering: the clinician who asked and the commissioner see it but may not answer; others do not see it. */
  const char *accept = fpt_str("/api/v1/join-requests/%lld/accept", ph_req);
  fpt_expect_error(fpt_request(&srv, ph, "POST", accept, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.commissioner, "POST", accept, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", accept, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, np, "POST", accept, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", "/api/v1/join-requests/999999/accept", NULL), 404, "not_found",
               NULL);
  /* Accepting admits the clinician. */
  jr = fpt_call(&srv, w.pool_admin, "POST", accept, 200, NULL);
  assert_string_equal(fpt_s(jr, "status"), "accepted");
  json_t *me = fpt_call(&srv, ph, "GET", fpt_str("/api/v1/clinicians/%lld", ph_id), 200, NULL);
  assert_true(has_id(json_object_get(me, "pools"), w.pool));
  assert_true(has_id(all_items(ph, "/api/v1/organisations"), w.practice1));
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", accept, NULL), 409, "invalid_state", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", fpt_str("/api/v1/join-requests/%lld/decline", ph_req), NULL),
               409, "invalid_state", NULL);
  fpt_expect_error(fpt_request(&srv, ph, "POST", requests, NULL), 409, "already_member", NULL);

  /* Declining, with a reason; the clinician is not admitted and may ask again. */
  const char *decline = fpt_str("/api/v1/join-requests/%lld/decline", np_req);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", decline, "{s:i}", "reason", 1), 400, "invalid_field", "reason");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", decline, "{s:s}", "because", "x"), 400, "unknown_field",
               "because");
  jr = fpt_call(&srv, w.admin, "POST", decline, 200, "{s:s}", "reason", "The pool is full for nurses this quarter");
  assert_string_equal(fpt_s(jr, "status"), "declined");
  assert_string_equal(fpt_s(jr, "reason"), "The pool is full for nurses this quarter");
  me = fpt_call(&srv, np, "GET", fpt_str("/api/v1/clinicians/%lld", np_id), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(me, "pools")), 0);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", decline, NULL), 409, "invalid_state", NULL);
  long long again = fpt_int(fpt_call(&srv, np, "POST", requests, 201, NULL), "id");
  list = all_items(w.pool_admin, fpt_str("%s?status=declined", requests));
  assert_true(has_id(list, np_req));
  assert_false(has_id(list, again));

  /* Admitting directly answers a pending request. */
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/pools/%lld/members", w.pool), 201, "{s:I}", "clinician_id",
           (json_int_t)np_id);
  list = all_items(w.pool_admin, fpt_str("%s?status=accepted", requests));
  assert_true(has_id(list, again) && has_id(list, ph_req));
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", fpt_str("/api/v1/join-requests/%lld/accept", again), NULL), 409,
               "invalid_state", NULL);
}

/* One of several clients registering the same registration number at once. */
struct registrant {
  int index;
  long status;
  char code[40];
};

static void *register_same_number(void *arg) {
  struct registrant *g = arg;
  struct fpt_resp r = fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", "{s:s, s:s, s:s, s:s, s:s, s:s}", "name",
                                  "Racing GP", "email", fpt_str("racer%d@m.test", g->index), "password",
                                  "racing-password", "profession", "gp", "registration_number", "7100077",
                                  "home_postcode", "LS1 4AP");
  g->status = r.status;
  snprintf(g->code, sizeof g->code, "%s", fpt_error_code(&r));
  return NULL;
}

static void test_registration_taken(void **state) {
  (void)state;
  size_t i;
  json_t *it;
  const char *fmt = "{s:s, s:s, s:s, s:s, s:s, s:s}";
  /* gp@m.test holds GMC 7100001: neither a GP nor a physician associate (also on the GMC's register)
     may open a second account with it, and no account is made. */
  const char *professions[] = {"gp", "physician_associate"};
  for (i = 0; i < 2; i++) {
    fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", fmt, "name", "Second Self", "email",
                             "second.self@m.test", "password", "second-password", "profession", professions[i],
                             "registration_number", "7100001", "home_postcode", "LS1 4AP"),
                 409, "registration_taken", "registration_number");
    fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", "second.self@m.test",
                             "password", "second-password"),
                 401, "invalid_credentials", NULL);
  }
  /* The NMC PIN is compared as it is stored (upper case), across nurses and nursing associates. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", fmt, "name", "Second Nurse", "email",
                           "second.nurse@m.test", "password", "second-password", "profession", "nursing_associate",
                           "registration_number", "12a3456e", "home_postcode", "LS1 4AP"),
               409, "registration_taken", "registration_number");
  /* The same seven digits on another register (the GPhC's) belong to someone else: allowed. */
  json_t *c = fpt_call(&srv, NULL, "POST", "/api/v1/clinicians", 201, fmt, "name", "Pharmacist Seven", "email",
                       "pharm.seven@m.test", "password", "second-password", "profession", "pharmacist",
                       "registration_number", "7100001", "home_postcode", "LS1 4AP");
  assert_string_equal(fpt_s(c, "registration_number"), "7100001");
  /* ... but not twice on it, even from a pharmacy technician. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", fmt, "name", "Technician Seven", "email",
                           "tech.seven@m.test", "password", "second-password", "profession", "pharmacy_technician",
                           "registration_number", "7100001", "home_postcode", "LS1 4AP"),
               409, "registration_taken", "registration_number");
  /* Racing registrations with one number: the database lets exactly one through (all of them pass
     the early check while their passwords are hashed). */
  enum { RACERS = 6 };
  struct registrant g[RACERS];
  pthread_t th[RACERS];
  for (int k = 0; k < RACERS; k++) {
    g[k] = (struct registrant){.index = k};
    assert_int_equal(pthread_create(&th[k], NULL, register_same_number, &g[k]), 0);
  }
  int created = 0;
  for (int k = 0; k < RACERS; k++) {
    pthread_join(th[k], NULL);
    if (g[k].status == 201) created++;
    else if (g[k].status != 409 || strcmp(g[k].code, "registration_taken") != 0)
      fail_msg("racer %d: expected 201 or 409 registration_taken, got %ld %s", k, g[k].status, g[k].code);
  }
  assert_int_equal(created, 1);
  json_t *gps = all_items(w.admin, "/api/v1/clinicians?profession=gp");
  int holders = 0;
  json_array_foreach(gps, i, it) {
    const char *reg = json_string_value(json_object_get(it, "registration_number"));
    if (reg && strcmp(reg, "7100077") == 0) holders++;
  }
  assert_int_equal(holders, 1);
  /* A taken email is still reported as such. */
  fpt_expect_error(fpt_request(&srv, NULL, "POST", "/api/v1/clinicians", fmt, "name", "Again", "email", "gp@m.test",
                           "password", "second-password", "profession", "gp", "registration_number", "7100001",
                           "home_postcode", "LS1 4AP"),
               409, "email_taken", "email");
}

static void test_pool_patch(void **state) {
  (void)state;
  long long pool = fpt_int(fpt_call(&srv, w.admin, "POST", "/api/v1/pools", 201, "{s:s, s:I}", "name",
                                    "Bradford GP Pool", "host_organisation_id", (json_int_t)w.place),
                           "id");
  fpt_call(&srv, w.admin, "POST", "/api/v1/users", 201, "{s:s, s:s, s:s, s:I, s:s}", "email", "bradford.pool@m.test",
           "name", "Bradford Pool Admin", "role", "pool_admin", "pool_id", (json_int_t)pool, "password",
           "bradford-password");
  const char *bradford_admin = fpt_take_over(&srv, "bradford.pool@m.test", "bradford-password", "bradford-own-pw");
  const char *path = fpt_str("/api/v1/pools/%lld", pool);

  /* The pool's administrator renames it and sets its rates; everyone reads the change. */
  json_t *p = fpt_call(&srv, bradford_admin, "PATCH", path, 200, "{s:s, s:i, s:i}", "name", "Bradford & Airedale GP Pool",
                       "hourly_rate_pence", 8000, "session_rate_pence", 33500);
  assert_int_equal(fpt_int(p, "id"), pool);
  assert_string_equal(fpt_s(p, "name"), "Bradford & Airedale GP Pool");
  assert_int_equal(fpt_int(p, "hourly_rate_pence"), 8000);
  assert_int_equal(fpt_int(p, "session_rate_pence"), 33500);
  assert_int_equal(fpt_int(p, "host_organisation_id"), w.place);
  p = fpt_call(&srv, gp, "GET", path, 200, NULL);
  assert_string_equal(fpt_s(p, "name"), "Bradford & Airedale GP Pool");
  assert_int_equal(fpt_int(p, "hourly_rate_pence"), 8000);
  /* One field alone leaves the others; the system administrator may too; a rate of 0 is allowed. */
  p = fpt_call(&srv, w.admin, "PATCH", path, 200, "{s:i}", "hourly_rate_pence", 0);
  assert_int_equal(fpt_int(p, "hourly_rate_pence"), 0);
  assert_int_equal(fpt_int(p, "session_rate_pence"), 33500);
  assert_string_equal(fpt_s(p, "name"), "Bradford & Airedale GP Pool");

  /* Nobody else: not the commissioner (who changes nothing), another pool's administrator, a
     practice manager or a clinician; and nothing changed. */
  const char *others[] = {w.commissioner, w.pool_admin, w.pm1, gp};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    fpt_expect_error(fpt_request(&srv, others[i], "PATCH", path, "{s:s}", "name", "Taken Over"), 403, "forbidden", NULL);
  assert_string_equal(fpt_s(fpt_call(&srv, gp, "GET", path, 200, NULL), "name"), "Bradford & Airedale GP Pool");
  fpt_expect_error(fpt_request(&srv, NULL, "PATCH", path, "{s:s}", "name", "Anon"), 401, "unauthenticated", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "PATCH", "/api/v1/pools/999999", "{s:s}", "name", "Nowhere"), 404,
               "not_found", NULL);

  /* Bad input, each naming its field, changing nothing. */
  fpt_expect_error(fpt_request(&srv, bradford_admin, "PATCH", path, "{s:i}", "hourly_rate_pence", -1), 400, "invalid_field",
               "hourly_rate_pence");
  fpt_expect_error(fpt_request(&srv, bradford_admin, "PATCH", path, "{s:s}", "session_rate_pence", "300"), 400,
               "invalid_field", "session_rate_pence");
  fpt_expect_error(fpt_request(&srv, bradford_admin, "PATCH", path, "{s:s}", "name", ""), 400, "invalid_field", "name");
  fpt_expect_error(fpt_request(&srv, bradford_admin, "PATCH", path, "{s:I}", "host_organisation_id", (json_int_t)w.icb), 400,
               "unknown_field", "host_organisation_id");
  fpt_expect_error(fpt_request(&srv, bradford_admin, "PATCH", path, "{s:s, s:i}", "name", "Half", "hourly_rate_pence", -5),
               400, "invalid_field", "hourly_rate_pence");
  p = fpt_call(&srv, gp, "GET", path, 200, NULL);
  assert_string_equal(fpt_s(p, "name"), "Bradford & Airedale GP Pool");
  assert_int_equal(fpt_int(p, "hourly_rate_pence"), 0);
  assert_int_equal(fpt_int(p, "host_organisation_id"), w.place);
}

static void test_custom_roles(void **state) {
  (void)state;
  const char *roles = fpt_str("/api/v1/pools/%lld/roles", w.pool);
  /* The pool's administrator adds a role; it is listed for the pool and in the catalogue. */
  json_t *r = fpt_call(&srv, w.pool_admin, "POST", roles, 201, "{s:s, s:s}", "code", "first_contact_mh2", "name",
                       "First-contact mental health practitioner");
  assert_string_equal(fpt_s(r, "code"), "first_contact_mh2");
  assert_string_equal(fpt_s(r, "name"), "First-contact mental health practitioner");
  assert_int_equal(fpt_int(r, "pool_id"), w.pool);
  assert_non_null(json_object_get(r, "created_at"));
  json_t *list = json_object_get(fpt_call(&srv, gp, "GET", roles, 200, NULL), "items");
  assert_int_equal(json_array_size(list), 1);
  assert_string_equal(fpt_s(json_array_get(list, 0), "code"), "first_contact_mh2");
  bool seen = false;
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(fpt_call(&srv, NULL, "GET", "/api/v1/professions", 200, NULL), "items"), i, it) {
    if (strcmp(fpt_s(it, "code"), "first_contact_mh2") == 0) {
      seen = true;
      assert_true(json_is_true(json_object_get(it, "custom")));
      assert_int_equal(fpt_int(it, "pool_id"), w.pool);
      assert_string_equal(fpt_s(it, "regulator"), "none");
    }
  }
  assert_true(seen);
  /* A practice of the pool posts a shift for it; an unknown role is still refused. */
  long long s = fpt_world_shift(&w, w.pm1, w.practice1, "first_contact_mh2", 20, 9, 4, "instant");
  assert_string_equal(fpt_s(fpt_call(&srv, w.pm1, "GET", fpt_str("/api/v1/shifts/%lld", s), 200, NULL), "role"),
                      "first_contact_mh2");
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", "/api/v1/shifts", "{s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "practice_id",
                           (json_int_t)w.practice1, "role", "first_contact_mh3", "starts_at", fpt_time_from_now(20, 9),
                           "ends_at", fpt_time_from_now(20, 13), "rate_pence", 8000, "rate_unit", "hour", "booking_mode",
                           "instant"),
               400, "invalid_field", "role");
  /* The system administrator may add one too. */
  fpt_call(&srv, w.admin, "POST", roles, 201, "{s:s, s:s}", "code", "minor_ops_2", "name", "Minor operations");
  list = json_object_get(fpt_call(&srv, w.commissioner, "GET", roles, 200, NULL), "items");
  assert_int_equal(json_array_size(list), 2);
  assert_string_equal(fpt_s(json_array_get(list, 0), "code"), "first_contact_mh2");
  assert_string_equal(fpt_s(json_array_get(list, 1), "code"), "minor_ops_2");

  /* Codes are global: a second time, from any pool, is 409. */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", roles, "{s:s, s:s}", "code", "first_contact_mh2", "name", "Again"),
               409, "role_exists", "code");
  /* Bad codes and names, each naming the field. */
  char long_code[64];
  memset(long_code, 'a', 41);
  long_code[41] = 0;
  const char *bad_codes[] = {"a", "First_Contact", "first-contact", "first contact", "café", long_code, "gp",
                             "nurse", "healthcare_assistant"};
  for (size_t k = 0; k < sizeof bad_codes / sizeof bad_codes[0]; k++)
    fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", roles, "{s:s, s:s}", "code", bad_codes[k], "name", "Bad"), 400,
                 "invalid_field", "code");
  long_code[40] = 0;
  fpt_call(&srv, w.pool_admin, "POST", roles, 201, "{s:s, s:s}", "code", long_code, "name", "Forty letters");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", roles, "{s:s}", "code", "no_name"), 400, "missing_field", "name");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", roles, "{s:s, s:s}", "code", "empty_name", "name", ""), 400,
               "invalid_field", "name");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", roles, "{s:i, s:s}", "code", 7, "name", "Seven"), 400,
               "invalid_field", "code");
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", roles, "{s:s, s:s, s:s}", "code", "extra_field", "name", "Extra",
                           "regulator", "GMC"),
               400, "unknown_field", "regulator");
  /* Only the pool's administrators (and system administrators) add roles. */
  const char *others[] = {w.commissioner, w.pm1, gp};
  for (size_t k = 0; k < sizeof others / sizeof others[0]; k++)
    fpt_expect_error(fpt_request(&srv, others[k], "POST", roles, "{s:s, s:s}", "code", "not_mine", "name", "Not mine"), 403,
                 "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", "/api/v1/pools/999999/roles", "{s:s, s:s}", "code", "nowhere",
                           "name", "Nowhere"),
               404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, gp, "GET", "/api/v1/pools/999999/roles", NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, NULL, "GET", roles, NULL), 401, "unauthenticated", NULL);
  assert_int_equal(json_array_size(json_object_get(fpt_call(&srv, gp, "GET", roles, 200, NULL), "items")), 3);
}

static void test_join_request_withdraw(void **state) {
  (void)state;
  long long id = 0;
  const char *cl = fpt_world_clinician(&w, "changed.mind@m.test", "gp", "7100009", false, &id);
  const char *other = fpt_world_clinician(&w, "bystander@m.test", "gp", "7100010", false, NULL);
  const char *requests = fpt_str("/api/v1/pools/%lld/join-requests", w.pool);
  long long req = fpt_int(fpt_call(&srv, cl, "POST", requests, 201, NULL), "id");
  const char *withdraw = fpt_str("/api/v1/join-requests/%lld/withdraw", req);

  /* Only the clinician who asked: those who see it may not (403), others do not see it (404). */
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", withdraw, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.admin, "POST", withdraw, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, w.commissioner, "POST", withdraw, NULL), 403, "forbidden", NULL);
  fpt_expect_error(fpt_request(&srv, other, "POST", withdraw, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, w.pm1, "POST", withdraw, NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, cl, "POST", "/api/v1/join-requests/999999/withdraw", NULL), 404, "not_found", NULL);

  json_t *jr = fpt_call(&srv, cl, "POST", withdraw, 200, NULL);
  assert_int_equal(fpt_int(jr, "id"), req);
  assert_string_equal(fpt_s(jr, "status"), "withdrawn");
  assert_non_null(json_object_get(jr, "decided_at"));
  /* Once withdrawn it cannot be withdrawn again nor answered, and the administrator sees it so. */
  fpt_expect_error(fpt_request(&srv, cl, "POST", withdraw, NULL), 409, "invalid_state", NULL);
  fpt_expect_error(fpt_request(&srv, w.pool_admin, "POST", fpt_str("/api/v1/join-requests/%lld/accept", req), NULL), 409,
               "invalid_state", NULL);
  assert_true(has_id(all_items(w.pool_admin, fpt_str("%s?status=withdrawn", requests)), req));
  assert_false(has_id(all_items(w.pool_admin, fpt_str("%s?status=pending", requests)), req));
  json_t *me = fpt_call(&srv, cl, "GET", fpt_str("/api/v1/clinicians/%lld", id), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(me, "pools")), 0);

  /* The clinician may ask again; an answered request cannot be withdrawn. */
  long long again = fpt_int(fpt_call(&srv, cl, "POST", requests, 201, NULL), "id");
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/join-requests/%lld/accept", again), 200, NULL);
  fpt_expect_error(fpt_request(&srv, cl, "POST", fpt_str("/api/v1/join-requests/%lld/withdraw", again), NULL), 409,
               "invalid_state", NULL);
}

/* GET /api/v1/me/join-requests: a clinician's own requests, newest first, with the pool's name and
 * the reason of a decline; nobody else's, and nothing for a user who is not a clinician. */
static void test_my_join_requests(void **state) {
  (void)state;
  const char *cl = fpt_world_clinician(&w, "follows.up@m.test", "gp", "7100011", false, NULL);
  const char *other = fpt_world_clinician(&w, "someone.else@m.test", "gp", "7100012", false, NULL);
  const char *mine = "/api/v1/me/join-requests";
  assert_int_equal(json_array_size(all_items(cl, mine)), 0);

  const char *requests = fpt_str("/api/v1/pools/%lld/join-requests", w.pool);
  long long first = fpt_int(fpt_call(&srv, cl, "POST", requests, 201, NULL), "id");
  fpt_call(&srv, cl, "POST", fpt_str("/api/v1/join-requests/%lld/withdraw", first), 200, NULL);
  long long second = fpt_int(fpt_call(&srv, cl, "POST", requests, 201, "{s:s}", "message", "Please"), "id");
  fpt_call(&srv, w.pool_admin, "POST", fpt_str("/api/v1/join-requests/%lld/decline", second), 200, "{s:s}", "reason",
           "No GP sessions until spring");
  long long third = fpt_int(fpt_call(&srv, cl, "POST", requests, 201, NULL), "id");
  long long theirs = fpt_int(fpt_call(&srv, other, "POST", requests, 201, NULL), "id");

  json_t *pool = fpt_call(&srv, w.pool_admin, "GET", fpt_str("/api/v1/pools/%lld", w.pool), 200, NULL);
  json_t *items = all_items(cl, mine); /* pages of 2: the cursor is followed */
  assert_int_equal(json_array_size(items), 3);
  json_t *a = json_array_get(items, 0), *b = json_array_get(items, 1), *c = json_array_get(items, 2);
  assert_int_equal(fpt_int(a, "id"), third);
  assert_string_equal(fpt_s(a, "status"), "pending");
  assert_string_equal(fpt_s(a, "pool_name"), fpt_s(pool, "name"));
  assert_int_equal(fpt_int(a, "pool_id"), w.pool);
  assert_int_equal(fpt_int(b, "id"), second);
  assert_string_equal(fpt_s(b, "status"), "declined");
  assert_string_equal(fpt_s(b, "reason"), "No GP sessions until spring");
  assert_int_equal(fpt_int(c, "id"), first);
  assert_string_equal(fpt_s(c, "status"), "withdrawn");
  assert_false(has_id(items, theirs));

  /* The other clinician sees only theirs; staff see none. */
  json_t *others = all_items(other, mine);
  assert_int_equal(json_array_size(others), 1);
  assert_true(has_id(others, theirs));
  assert_int_equal(json_array_size(all_items(w.pool_admin, mine)), 0);
  assert_int_equal(json_array_size(all_items(w.admin, mine)), 0);
  assert_int_equal(json_array_size(all_items(w.pm1, mine)), 0);
  fpt_expect_error(fpt_request(&srv, NULL, "GET", mine, NULL), 401, "unauthenticated", NULL);
  fpt_expect_error(fpt_request(&srv, cl, "GET", fpt_str("%s?limit=0", mine), NULL), 400, "invalid_parameter", "limit");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_organisation_create_and_validation),
      cmocka_unit_test(test_organisation_visibility),
      cmocka_unit_test(test_practice_profile),
      cmocka_unit_test(test_users),
      cmocka_unit_test(test_professions),
      cmocka_unit_test(test_clinician_registration),
      cmocka_unit_test(test_clinician_visibility),
      cmocka_unit_test(test_pools),
      cmocka_unit_test(test_pool_members),
      cmocka_unit_test(test_join_requests),
      cmocka_unit_test(test_registration_taken),
      cmocka_unit_test(test_pool_patch),
      cmocka_unit_test(test_custom_roles),
      cmocka_unit_test(test_join_request_withdraw),
      cmocka_unit_test(test_my_join_requests),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
