/*
 * flexpool copy moves a whole installation between stores and back (issue 11): the demo is loaded
 * into store A, copied into a SQLite store C and from C into store B (A and B are PostgreSQL when
 * the suite runs on PostgreSQL, so this is PostgreSQL -> SQLite -> PostgreSQL; SQLite throughout
 * otherwise). A server on B then answers as one on A does: the same members, shifts and bookings
 * with the same ids, and the same passport evidence files byte for byte. A copy into a store that
 * holds an installation already is refused and changes nothing. SQLite's own tables (its statistics
 * after an ANALYZE) are not data and are left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpt.h"

static char dir_a[256], dir_b[256], dir_c[256];
static struct fpt_server a, b;

/* `flexpool copy` from one data directory to another; db NULL for the harness's own choice of
   engine for that directory, "" for SQLite. */
static int copy(const char *from, const char *from_db, const char *to, const char *to_db, char *out, size_t len) {
  if (!from_db) from_db = fpt_database(from);
  if (!to_db) to_db = fpt_database(to);
  const char *args[12] = {"copy", "--from-data-dir", from, "--to-data-dir", to};
  int n = 5;
  if (from_db) args[n++] = "--from-database", args[n++] = from_db;
  if (to_db) args[n++] = "--to-database", args[n++] = to_db;
  args[n] = NULL;
  return fpt_cli(out, len, args);
}

static json_t *items(const struct fpt_server *s, const char *token, const char *path) {
  return json_object_get(fpt_call(s, token, "GET", path, 200, NULL), "items");
}

/* Fails naming the first item of lists x (from A) and y (from B) that differ, both in full. */
static void expect_same(json_t *x, json_t *y, const char *path) {
  if (json_equal(x, y)) return;
  for (size_t i = 0; i < json_array_size(x) || i < json_array_size(y); i++) {
    json_t *p = json_array_get(x, i), *q = json_array_get(y, i);
    if (p && q && json_equal(p, q)) continue;
    char *ps = p ? json_dumps(p, JSON_SORT_KEYS) : NULL, *qs = q ? json_dumps(q, JSON_SORT_KEYS) : NULL;
    fprintf(stderr, "%s: item %zu differs after the copy\n  A: %s\n  B: %s\n", path, i, ps ? ps : "(none)",
            qs ? qs : "(none)");
    free(ps);
    free(qs);
    break;
  }
  fail_msg("%s differs after the copy", path);
}

static void test_copy_there_and_back_answers_the_same(void **state) {
  (void)state;
  fpt_tempdir(dir_a, sizeof dir_a);
  fpt_tempdir(dir_b, sizeof dir_b);
  fpt_tempdir(dir_c, sizeof dir_c);
  char out[8192];
  const char *demo[] = {"demo", "--data-dir", dir_a, NULL};
  assert_int_equal(fpt_cli(out, sizeof out, demo), 0);
  if (copy(dir_a, NULL, dir_c, "", out, sizeof out) != 0) fail_msg("copy A -> C: %s", out);
  assert_non_null(strstr(out, "every table holds the same number of rows"));
  assert_non_null(strstr(out, "bookings"));
  /* An operator's ANALYZE leaves SQLite's statistics in C (sqlite_stat1): SQLite's own, not copied. */
  assert_int_equal(system(fpt_str("sqlite3 '%s/flexpool.db' 'ANALYZE; PRAGMA optimize;'", dir_c)), 0);
  assert_int_equal(system(fpt_str("sqlite3 '%s/flexpool.db' 'SELECT 1 FROM sqlite_stat1 LIMIT 1' | grep -q 1", dir_c)), 0);
  if (copy(dir_c, "", dir_b, NULL, out, sizeof out) != 0) fail_msg("copy C -> B: %s", out);
  /* Again into B, which now holds an installation: refused, nothing changed. */
  assert_int_equal(copy(dir_c, "", dir_b, NULL, out, sizeof out), 1);
  assert_non_null(strstr(out, "holds an installation already"));

  assert_int_equal(fpt_server_start(&a, dir_a, NULL), 0);
  assert_int_equal(fpt_server_start(&b, dir_b, NULL), 0);
  const char *pool_a = fpt_login(&a, "pool@demo.flexpool.test", "flexpool-demo");
  const char *pool_b = fpt_login(&b, "pool@demo.flexpool.test", "flexpool-demo");
  const char *pm_a = fpt_login(&a, "practice@demo.flexpool.test", "flexpool-demo");
  const char *pm_b = fpt_login(&b, "practice@demo.flexpool.test", "flexpool-demo");
  json_t *pools = items(&a, pool_a, "/api/v1/pools");
  long long pool = fpt_int(json_array_get(pools, 0), "id");
  const char *lists[] = {fpt_str("/api/v1/pools/%lld/members?limit=100", pool), "/api/v1/passport/queue?limit=100", NULL};
  for (int i = 0; lists[i]; i++) {
    json_t *x = items(&a, pool_a, lists[i]), *y = items(&b, pool_b, lists[i]);
    assert_true(json_array_size(x) > 0);
    expect_same(x, y, lists[i]);
  }
  const char *pm_lists[] = {"/api/v1/shifts?limit=100", "/api/v1/bookings?limit=100&when=any",
                            "/api/v1/applications?limit=100", NULL};
  for (int i = 0; pm_lists[i]; i++) {
    json_t *x = items(&a, pm_a, pm_lists[i]), *y = items(&b, pm_b, pm_lists[i]);
    assert_true(json_array_size(x) > 0);
    expect_same(x, y, pm_lists[i]);
  }
  /* The evidence files the pool administrator may read: the same bytes on both. */
  int files = 0;
  for (int id = 1; id <= 40; id++) {
    struct fpt_resp x = fpt_request(&a, pool_a, "GET", fpt_str("/api/v1/evidence/%d", id), NULL);
    struct fpt_resp y = fpt_request(&b, pool_b, "GET", fpt_str("/api/v1/evidence/%d", id), NULL);
    assert_int_equal(x.status, y.status);
    if (x.status != 200) continue;
    assert_int_equal(x.body_len, y.body_len);
    assert_memory_equal(x.body, y.body, x.body_len);
    files++;
  }
  assert_true(files > 0);
  fpt_server_stop(&a);
  fpt_server_stop(&b);
  fpt_rmrf(dir_a);
  fpt_rmrf(dir_b);
  fpt_rmrf(dir_c);
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&a); /* after a failure too */
  fpt_server_stop(&b);
  fpt_gc();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_copy_there_and_back_answers_the_same, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
