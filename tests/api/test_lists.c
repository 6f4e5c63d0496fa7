/*
 * Lists that scale (issue 10) over HTTP against the real server, on a demo of 600 clinicians
 * (`flexpool demo --clinicians 600`): the pool's members, its join requests, the passport queue,
 * compliance, and the administrator's organisations and users. Under every sort each list is paged
 * through with small pages and must give every row once, in the sort's order, the same rows as
 * under any other sort; q and the filters find what they say; a bad sort, a q too long or a cursor
 * from another sort is a 400 naming the parameter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpt.h"

#define CLINICIANS 600

static struct fpt_server srv;
static char data_dir[256];
static const char *admin, *pool_admin;
static long long pool_id, n_members;

static int setup(void **state) {
  (void)state;
  fpt_tempdir(data_dir, sizeof data_dir);
  char out[512];
  const char *args[] = {"demo", "--data-dir", data_dir, "--clinicians", "600", NULL};
  if (fpt_cli(out, sizeof out, args) != 0) {
    fprintf(stderr, "demo --clinicians: %s\n", out);
    return -1;
  }
  const char *extra[] = {"--demo", NULL};
  if (fpt_server_start(&srv, data_dir, extra) != 0) return -1;
  admin = fpt_login(&srv, "admin@demo.flexpool.test", "flexpool-demo");
  pool_admin = fpt_login(&srv, "pool@demo.flexpool.test", "flexpool-demo");
  json_t *pools = fpt_call(&srv, pool_admin, "GET", "/api/v1/pools", 200, NULL);
  pool_id = fpt_int(json_array_get(json_object_get(pools, "items"), 0), "id");
  n_members = fpt_int(json_object_get(fpt_call(&srv, pool_admin, "GET", fpt_str("/api/v1/pools/%lld", pool_id), 200, NULL),
                                      "member_counts"),
                      "clinicians");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_rmrf(data_dir);
  fpt_gc();
  return 0;
}

/* Every item of a list, following next_cursor with pages of `limit`; each page at most limit long. */
static json_t *all_items(const char *token, const char *path, int limit) {
  json_t *all = fpt_keep_json(json_array());
  const char *sep = strchr(path, '?') ? "&" : "?";
  const char *cursor = NULL;
  for (int pages = 0; pages < 1000; pages++) {
    const char *p = cursor ? fpt_str("%s%slimit=%d&cursor=%s", path, sep, limit, cursor)
                           : fpt_str("%s%slimit=%d", path, sep, limit);
    json_t *page = fpt_call(&srv, token, "GET", p, 200, NULL);
    json_t *items = json_object_get(page, "items");
    assert_true(json_is_array(items));
    assert_true(json_array_size(items) <= (size_t)limit);
    json_array_extend(all, items);
    json_t *next = json_object_get(page, "next_cursor");
    if (json_is_null(next)) return all;
    assert_int_equal(json_array_size(items), limit); /* a page is short only at the end */
    cursor = json_string_value(next);
    assert_non_null(cursor);
  }
  fail_msg("%s: more than 1000 pages", path);
  return all;
}

static int cmp_ll(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

/* The items' ids (under key), sorted; fails when one repeats. */
static long long *ids_of(json_t *items, const char *key) {
  size_t n = json_array_size(items);
  long long *ids = fpt_keep(calloc(n + 1, sizeof *ids));
  for (size_t i = 0; i < n; i++) ids[i] = fpt_int(json_array_get(items, i), key);
  qsort(ids, n, sizeof *ids, cmp_ll);
  for (size_t i = 1; i < n; i++)
    if (ids[i] == ids[i - 1]) fail_msg("%s %lld given twice", key, ids[i]);
  return ids;
}

/* The same rows (by key) in both lists, each once. */
static void same_rows(json_t *a, json_t *b, const char *key) {
  assert_int_equal(json_array_size(a), json_array_size(b));
  long long *x = ids_of(a, key), *y = ids_of(b, key);
  for (size_t i = 0; i < json_array_size(a); i++) assert_int_equal(x[i], y[i]);
}

static const char *lower(const char *s) {
  char *l = fpt_keep(strdup(s));
  for (char *p = l; *p; p++) *p = (char)tolower((unsigned char)*p);
  return l;
}

/* Asserts items are ordered by the text field (lower-cased, ascending) or, with `desc`, by a
   time field descending (RFC 3339 texts compare as their times); asc_time: ascending. */
enum order { BY_TEXT, TIME_DESC, TIME_ASC };
static void assert_ordered(json_t *items, const char *field, enum order o) {
  for (size_t i = 1; i < json_array_size(items); i++) {
    const char *a = fpt_s(json_array_get(items, i - 1), field), *b = fpt_s(json_array_get(items, i), field);
    int c = o == BY_TEXT ? strcmp(lower(a), lower(b)) : strcmp(a, b);
    if ((o == TIME_DESC && c < 0) || (o != TIME_DESC && c > 0))
      fail_msg("%s out of order at %zu: '%s' then '%s'", field, i, a, b);
  }
}

static bool has_text(const char *hay, const char *needle) { return strstr(lower(hay), lower(needle)) != NULL; }

/* A bad sort, a q of 101 characters, an empty q and a cursor of another sort: 400 naming each. */
static void refuses_bad_parameters(const char *token, const char *path, const char *sort_a, const char *sort_b) {
  const char *sep = strchr(path, '?') ? "&" : "?";
  fpt_expect_error(fpt_request(&srv, token, "GET", fpt_str("%s%ssort=sideways", path, sep), NULL), 400,
                   "invalid_parameter", "sort");
  char q[102];
  memset(q, 'a', 101);
  q[101] = 0;
  fpt_expect_error(fpt_request(&srv, token, "GET", fpt_str("%s%sq=%s", path, sep, q), NULL), 400, "invalid_parameter", "q");
  fpt_expect_error(fpt_request(&srv, token, "GET", fpt_str("%s%sq=", path, sep), NULL), 400, "invalid_parameter", "q");
  json_t *page = fpt_call(&srv, token, "GET", fpt_str("%s%ssort=%s&limit=2", path, sep, sort_a), 200, NULL);
  const char *cursor = json_string_value(json_object_get(page, "next_cursor"));
  assert_non_null(cursor);
  fpt_expect_error(fpt_request(&srv, token, "GET", fpt_str("%s%ssort=%s&cursor=%s", path, sep, sort_b, cursor), NULL),
                   400, "invalid_parameter", "cursor");
  fpt_expect_error(fpt_request(&srv, token, "GET", fpt_str("%s%scursor=name.0.zz.1", path, sep), NULL), 400,
                   "invalid_parameter", "cursor");
  fpt_expect_error(fpt_request(&srv, token, "GET", fpt_str("%s%slimit=201", path, sep), NULL), 400, "invalid_parameter",
                   "limit");
}

static void test_members_every_sort(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/pools/%lld/members?kind=clinician", pool_id);
  assert_true(n_members > 500);
  json_t *by_name = all_items(pool_admin, path, 37);
  assert_int_equal(json_array_size(by_name), n_members);
  assert_ordered(by_name, "name", BY_TEXT); /* the default: A to Z */
  json_t *named = all_items(pool_admin, fpt_str("%s&sort=name", path), 200);
  same_rows(by_name, named, "id");
  json_t *newest = all_items(pool_admin, fpt_str("%s&sort=newest", path), 41);
  assert_ordered(newest, "added_at", TIME_DESC);
  same_rows(by_name, newest, "id");
  json_t *oldest = all_items(pool_admin, fpt_str("%s&sort=oldest", path), 53);
  assert_ordered(oldest, "added_at", TIME_ASC);
  same_rows(by_name, oldest, "id");
  /* Practices and clinicians together, by name. */
  json_t *everyone = all_items(pool_admin, fpt_str("/api/v1/pools/%lld/members", pool_id), 97);
  assert_true(json_array_size(everyone) > json_array_size(by_name));
  assert_ordered(everyone, "name", BY_TEXT);
  refuses_bad_parameters(pool_admin, path, "name", "newest");
}

static void test_members_search_and_filter(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/pools/%lld/members?kind=clinician", pool_id);
  /* One generated clinician found by part of their name, in any case. */
  json_t *some = fpt_call(&srv, pool_admin, "GET", fpt_str("%s&sort=newest&limit=1", path), 200, NULL);
  json_t *one = json_array_get(json_object_get(some, "items"), 0);
  const char *name = fpt_s(one, "name");
  const char *space = strchr(name, ' ');
  assert_non_null(space);
  char *upper = fpt_keep(strdup(space + 1)); /* "Grace Khan": the middle name and surname */
  for (char *p = upper; *p; p++) *p = (char)toupper((unsigned char)*p);
  char *enc = fpt_keep(strdup(upper));
  for (char *p = enc; *p; p++)
    if (*p == ' ') *p = '+';
  json_t *found = all_items(pool_admin, fpt_str("%s&q=%s", path, enc), 25);
  bool seen = false;
  for (size_t i = 0; i < json_array_size(found); i++) {
    json_t *it = json_array_get(found, i);
    assert_true(has_text(fpt_s(it, "name"), upper));
    seen = seen || fpt_int(it, "id") == fpt_int(one, "id");
  }
  assert_true(seen);
  assert_true(json_array_size(found) < 20);
  /* LIKE's own characters are plain: nobody's name holds "%" or "_". */
  assert_int_equal(json_array_size(all_items(pool_admin, fpt_str("%s&q=%%25", path), 25)), 0);
  assert_int_equal(json_array_size(all_items(pool_admin, fpt_str("%s&q=_", path), 25)), 0);
  /* Only nurses, and every nurse. */
  json_t *nurses = all_items(pool_admin, fpt_str("%s&profession=nurse", path), 29);
  assert_true(json_array_size(nurses) > 50);
  for (size_t i = 0; i < json_array_size(nurses); i++) assert_string_equal(fpt_s(json_array_get(nurses, i), "profession"), "nurse");
  json_t *all = all_items(pool_admin, path, 200);
  size_t n_nurses = 0;
  for (size_t i = 0; i < json_array_size(all); i++)
    n_nurses += strcmp(fpt_s(json_array_get(all, i), "profession"), "nurse") == 0;
  assert_int_equal(json_array_size(nurses), n_nurses);
  /* Practices found by name or ODS code. */
  json_t *practices = fpt_call(&srv, pool_admin, "GET", fpt_str("/api/v1/pools/%lld/members?kind=organisation&limit=1", pool_id),
                               200, NULL);
  json_t *practice = json_array_get(json_object_get(practices, "items"), 0);
  json_t *by_ods = fpt_call(&srv, pool_admin, "GET",
                            fpt_str("/api/v1/pools/%lld/members?q=%s", pool_id, lower(fpt_s(practice, "ods_code"))), 200, NULL);
  assert_int_equal(json_array_size(json_object_get(by_ods, "items")), 1);
  fpt_expect_error(fpt_request(&srv, pool_admin, "GET", fpt_str("%s&profession=", path), NULL), 400, "invalid_parameter",
                   "profession");
}

static void test_join_requests_every_sort(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/pools/%lld/join-requests", pool_id);
  json_t *newest = all_items(pool_admin, path, 43);
  assert_true(json_array_size(newest) > 400);
  assert_ordered(newest, "created_at", TIME_DESC); /* the default: newest first */
  json_t *oldest = all_items(pool_admin, fpt_str("%s?sort=oldest", path), 61);
  assert_ordered(oldest, "created_at", TIME_ASC);
  same_rows(newest, oldest, "id");
  json_t *by_name = all_items(pool_admin, fpt_str("%s?sort=name", path), 59);
  assert_ordered(by_name, "clinician_name", BY_TEXT);
  same_rows(newest, by_name, "id");
  /* Waiting ones, of one profession, found by name. */
  json_t *pending = all_items(pool_admin, fpt_str("%s?status=pending&sort=name", path), 7);
  assert_true(json_array_size(pending) > 10);
  for (size_t i = 0; i < json_array_size(pending); i++) assert_string_equal(fpt_s(json_array_get(pending, i), "status"), "pending");
  json_t *first = json_array_get(pending, 0);
  const char *surname = strrchr(fpt_s(first, "clinician_name"), ' ') + 1;
  json_t *found = all_items(pool_admin, fpt_str("%s?status=pending&q=%s&profession=%s", path, surname, fpt_s(first, "profession")), 5);
  assert_true(json_array_size(found) >= 1);
  for (size_t i = 0; i < json_array_size(found); i++) {
    assert_true(has_text(fpt_s(json_array_get(found, i), "clinician_name"), surname));
    assert_string_equal(fpt_s(json_array_get(found, i), "profession"), fpt_s(first, "profession"));
  }
  refuses_bad_parameters(pool_admin, path, "newest", "name");
}

static void test_queue_every_sort(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/passport/queue?pool_id=%lld", pool_id);
  json_t *oldest = all_items(pool_admin, path, 9);
  assert_true(json_array_size(oldest) > 20);
  assert_ordered(oldest, "submitted_at", TIME_ASC); /* the default: waiting longest first */
  json_t *newest = all_items(pool_admin, fpt_str("%s&sort=newest", path), 11);
  assert_ordered(newest, "submitted_at", TIME_DESC);
  same_rows(oldest, newest, "id");
  json_t *by_name = all_items(pool_admin, fpt_str("%s&sort=name", path), 13);
  same_rows(oldest, by_name, "id");
  for (size_t i = 1; i < json_array_size(by_name); i++) {
    const char *a = fpt_s(json_object_get(json_array_get(by_name, i - 1), "clinician"), "name");
    const char *b = fpt_s(json_object_get(json_array_get(by_name, i), "clinician"), "name");
    assert_true(strcmp(lower(a), lower(b)) <= 0);
  }
  /* One check, one profession, one name. */
  json_t *dbs = all_items(pool_admin, fpt_str("%s&code=dbs", path), 10);
  assert_true(json_array_size(dbs) > 0 && json_array_size(dbs) < json_array_size(oldest));
  for (size_t i = 0; i < json_array_size(dbs); i++) assert_string_equal(fpt_s(json_array_get(dbs, i), "code"), "dbs");
  json_t *who = json_object_get(json_array_get(oldest, 0), "clinician");
  json_t *theirs = all_items(pool_admin, fpt_str("%s&q=%s&profession=%s", path, strrchr(fpt_s(who, "name"), ' ') + 1,
                                                 fpt_s(who, "profession")), 10);
  bool seen = false;
  for (size_t i = 0; i < json_array_size(theirs); i++) {
    json_t *c = json_object_get(json_array_get(theirs, i), "clinician");
    assert_string_equal(fpt_s(c, "profession"), fpt_s(who, "profession"));
    seen = seen || fpt_int(c, "id") == fpt_int(who, "id");
  }
  assert_true(seen);
  refuses_bad_parameters(pool_admin, path, "oldest", "name");
}

static void test_compliance_every_sort(void **state) {
  (void)state;
  const char *path = fpt_str("/api/v1/pools/%lld/compliance", pool_id);
  json_t *summary = json_object_get(fpt_call(&srv, pool_admin, "GET", path, 200, NULL), "summary");
  long long total = fpt_int(summary, "clinicians"), compliant = fpt_int(summary, "compliant");
  assert_int_equal(total, n_members);
  assert_true(compliant > 0 && compliant < total);
  /* attention (the default): not compliant first, then the soonest to expire. */
  json_t *attention = all_items(pool_admin, path, 47);
  assert_int_equal(json_array_size(attention), total);
  bool seen_compliant = false;
  for (size_t i = 0; i < json_array_size(attention); i++) {
    bool b = json_is_true(json_object_get(json_array_get(attention, i), "bookable"));
    if (b) seen_compliant = true;
    else assert_false(seen_compliant);
  }
  json_t *by_name = all_items(pool_admin, fpt_str("%s?sort=name", path), 51);
  assert_ordered(by_name, "name", BY_TEXT);
  same_rows(attention, by_name, "clinician_id");
  json_t *by_expiry = all_items(pool_admin, fpt_str("%s?sort=next_expiry", path), 49);
  same_rows(attention, by_expiry, "clinician_id");
  bool seen_none = false;
  for (size_t i = 1; i < json_array_size(by_expiry); i++) {
    json_t *a = json_object_get(json_array_get(by_expiry, i - 1), "next_expiry");
    json_t *b = json_object_get(json_array_get(by_expiry, i), "next_expiry");
    if (json_is_null(b)) seen_none = true;
    else assert_false(seen_none || json_is_null(a) || strcmp(json_string_value(a), json_string_value(b)) > 0);
  }
  /* The states partition the members. */
  json_t *ok = all_items(pool_admin, fpt_str("%s?state=compliant", path), 100);
  json_t *not_ok = all_items(pool_admin, fpt_str("%s?state=not_compliant", path), 100);
  assert_int_equal(json_array_size(ok), compliant);
  assert_int_equal(json_array_size(not_ok), total - compliant);
  for (size_t i = 0; i < json_array_size(not_ok); i++) assert_false(json_is_true(json_object_get(json_array_get(not_ok, i), "bookable")));
  /* Expiring within 30 days: the summary's count, each with a date. */
  json_t *soon = all_items(pool_admin, fpt_str("%s?within=30&sort=next_expiry", path), 10);
  assert_int_equal(json_array_size(soon), fpt_int(json_object_get(summary, "expiring_within"), "30"));
  assert_true(json_array_size(soon) > 0);
  json_t *pharmacists = all_items(pool_admin, fpt_str("%s?profession=pharmacist&q=a", path), 10);
  assert_true(json_array_size(pharmacists) > 0);
  for (size_t i = 0; i < json_array_size(pharmacists); i++) {
    assert_string_equal(fpt_s(json_array_get(pharmacists, i), "profession"), "pharmacist");
    assert_true(has_text(fpt_s(json_array_get(pharmacists, i), "name"), "a"));
  }
  fpt_expect_error(fpt_request(&srv, pool_admin, "GET", fpt_str("%s?state=fine", path), NULL), 400, "invalid_parameter",
                   "state");
  refuses_bad_parameters(pool_admin, path, "attention", "name");
}

static void test_users_every_sort(void **state) {
  (void)state;
  json_t *by_name = all_items(admin, "/api/v1/users", 67);
  assert_true(json_array_size(by_name) > CLINICIANS);
  assert_ordered(by_name, "name", BY_TEXT); /* the default: A to Z */
  json_t *by_email = all_items(admin, "/api/v1/users?sort=email", 71);
  assert_ordered(by_email, "email", BY_TEXT);
  same_rows(by_name, by_email, "id");
  json_t *newest = all_items(admin, "/api/v1/users?sort=newest", 73);
  assert_ordered(newest, "created_at", TIME_DESC);
  same_rows(by_name, newest, "id");
  /* Found by email or by name; the deactivated ones. */
  json_t *found = all_items(admin, "/api/v1/users?q=MEMBER0004", 10);
  assert_int_equal(json_array_size(found), 10); /* member00040 .. member00049 */
  json_t *gone = all_items(admin, "/api/v1/users?active=false", 10);
  assert_true(json_array_size(gone) >= 2);
  for (size_t i = 0; i < json_array_size(gone); i++) assert_false(json_is_true(json_object_get(json_array_get(gone, i), "active")));
  json_t *live = all_items(admin, "/api/v1/users?active=true&sort=email", 100);
  assert_int_equal(json_array_size(live) + json_array_size(gone), json_array_size(by_name));
  fpt_expect_error(fpt_request(&srv, admin, "GET", "/api/v1/users?active=maybe", NULL), 400, "invalid_parameter", "active");
  refuses_bad_parameters(admin, "/api/v1/users", "name", "email");
}

static void test_organisations_every_sort(void **state) {
  (void)state;
  json_t *by_name = all_items(admin, "/api/v1/organisations", 3);
  assert_true(json_array_size(by_name) > 30);
  assert_ordered(by_name, "name", BY_TEXT); /* the default: A to Z */
  json_t *by_ods = all_items(admin, "/api/v1/organisations?sort=ods_code", 4);
  assert_ordered(by_ods, "ods_code", BY_TEXT);
  same_rows(by_name, by_ods, "id");
  json_t *newest = all_items(admin, "/api/v1/organisations?sort=newest", 5);
  same_rows(by_name, newest, "id");
  /* Practices whose name holds "surgery"; one found by its ODS code. */
  json_t *surgeries = all_items(admin, "/api/v1/organisations?level=practice&q=Surgery", 4);
  assert_true(json_array_size(surgeries) > 0);
  for (size_t i = 0; i < json_array_size(surgeries); i++) {
    json_t *o = json_array_get(surgeries, i);
    assert_string_equal(fpt_s(o, "level"), "practice");
    assert_true(has_text(fpt_s(o, "name"), "surgery"));
  }
  json_t *one = json_array_get(surgeries, 0);
  json_t *by_code = all_items(admin, fpt_str("/api/v1/organisations?q=%s", fpt_s(one, "ods_code")), 4);
  assert_int_equal(json_array_size(by_code), 1);
  /* Deactivated ones on their own. */
  assert_int_equal(json_array_size(all_items(admin, "/api/v1/organisations?active=false", 10)), 0);
  fpt_call(&srv, admin, "PATCH", fpt_str("/api/v1/organisations/%lld", fpt_int(one, "id")), 200, "{s:b}", "active", 0);
  json_t *inactive = all_items(admin, "/api/v1/organisations?active=false", 10);
  assert_int_equal(json_array_size(inactive), 1);
  assert_int_equal(fpt_int(json_array_get(inactive, 0), "id"), fpt_int(one, "id"));
  assert_int_equal(json_array_size(all_items(admin, "/api/v1/organisations?active=true", 50)), json_array_size(by_name) - 1);
  fpt_call(&srv, admin, "PATCH", fpt_str("/api/v1/organisations/%lld", fpt_int(one, "id")), 200, "{s:b}", "active", 1);
  refuses_bad_parameters(admin, "/api/v1/organisations", "name", "ods_code");
}

/* One member, and one user, read by id for the confirmation pages (they say who, before removing). */
static void test_one_member_and_one_user(void **state) {
  (void)state;
  json_t *page = fpt_call(&srv, pool_admin, "GET", fpt_str("/api/v1/pools/%lld/members?kind=clinician&limit=1", pool_id), 200, NULL);
  json_t *m = json_array_get(json_object_get(page, "items"), 0);
  json_t *one = fpt_call(&srv, pool_admin, "GET", fpt_str("/api/v1/pools/%lld/members/%lld", pool_id, fpt_int(m, "id")), 200, NULL);
  assert_string_equal(fpt_s(one, "name"), fpt_s(m, "name"));
  assert_int_equal(fpt_int(one, "clinician_id"), fpt_int(m, "clinician_id"));
  fpt_expect_error(fpt_request(&srv, pool_admin, "GET", fpt_str("/api/v1/pools/%lld/members/99999999", pool_id), NULL), 404,
                   "not_found", NULL);
  const char *member = fpt_login(&srv, "clinician001@demo.flexpool.test", "flexpool-demo");
  fpt_expect_error(fpt_request(&srv, member, "GET", fpt_str("/api/v1/pools/%lld/members/%lld", pool_id, fpt_int(m, "id")), NULL),
                   403, "forbidden", NULL);
  json_t *users = fpt_call(&srv, admin, "GET", "/api/v1/users?q=member00001", 200, NULL);
  json_t *u = json_array_get(json_object_get(users, "items"), 0);
  json_t *got = fpt_call(&srv, admin, "GET", fpt_str("/api/v1/users/%lld", fpt_int(u, "id")), 200, NULL);
  assert_string_equal(fpt_s(got, "email"), "member00001@demo.flexpool.test");
  assert_non_null(json_object_get(got, "roles"));
  assert_null(json_object_get(got, "password_hash"));
  fpt_expect_error(fpt_request(&srv, admin, "GET", "/api/v1/users/99999999", NULL), 404, "not_found", NULL);
  fpt_expect_error(fpt_request(&srv, pool_admin, "GET", fpt_str("/api/v1/users/%lld", fpt_int(u, "id")), NULL), 403,
                   "forbidden", NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_members_every_sort),      cmocka_unit_test(test_members_search_and_filter),
      cmocka_unit_test(test_join_requests_every_sort), cmocka_unit_test(test_queue_every_sort),
      cmocka_unit_test(test_compliance_every_sort),   cmocka_unit_test(test_users_every_sort),
      cmocka_unit_test(test_organisations_every_sort), cmocka_unit_test(test_one_member_and_one_user),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
