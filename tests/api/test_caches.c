/*
 * Caches and fixed tables never fail a request (issue 9, item 1). The shift and booking searches
 * are built from their filters, so every combination of filters is a distinct statement for the
 * store's per-connection statement cache. One user sends thousands of distinct query shapes on
 * one server thread (--threads 1: every request on the same read connection, the worst case),
 * then other users sign in and work. Before the cache evicted, it filled after a few hundred
 * shapes and from then on every new statement on that connection was a 500, sign-in included.
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
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--threads", "1", "--login-max-per-address", "100000", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  /* A postcode, so that a clinician's distance search (a shape of its own) can run. */
  char csv[400], out[256];
  snprintf(csv, sizeof csv, "%s/pc.csv", srv.data_dir);
  FILE *f = fopen(csv, "w");
  if (!f) return -1;
  fputs("pcd,pcds,doterm,oseast1m,osnrth1m,lat,long\nLS1  4AP,LS1 4AP,,429000,433500,53.796,-1.548\n", f);
  fclose(f);
  const char *args[] = {"import", "postcodes", csv, "--data-dir", srv.data_dir, NULL};
  return fpt_cli(out, sizeof out, args) == 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* Every subset of the shift search's filters (and, with near, the distance form): 2^9 shapes. */
static int shift_shapes(const char *token, bool near, long long practice) {
  static const char *const filters[] = {"status=open", "role=gp", "from=2026-01-01T00:00:00Z",
                                        "to=2099-01-01T00:00:00Z", "practice_id=%lld", "pool_id=%lld",
                                        "min_rate_pence=1", "cursor=0_1"};
  int n = 0;
  for (unsigned mask = 0; mask < 1u << 8; mask++) {
    for (int with_near = 0; with_near <= (near ? 1 : 0); with_near++) {
      char path[512];
      size_t len = (size_t)snprintf(path, sizeof path, "/api/v1/shifts?limit=5");
      for (int i = 0; i < 8; i++) {
        if (!(mask & (1u << i))) continue;
        char f[64];
        snprintf(f, sizeof f, filters[i], i == 4 ? practice : w.pool);
        len += (size_t)snprintf(path + len, sizeof path - len, "&%s", f);
      }
      if (with_near) snprintf(path + len, sizeof path - len, "&radius_km=30");
      fpt_call(&srv, token, "GET", path, 200, NULL);
      n++;
    }
  }
  return n;
}

/* Every subset of the booking search's filters: 2^6 shapes. */
static int booking_shapes(const char *token, long long clinician, long long shift) {
  int n = 0;
  for (unsigned mask = 0; mask < 1u << 6; mask++) {
    char path[512];
    size_t len = (size_t)snprintf(path, sizeof path, "/api/v1/bookings?limit=5");
    if (mask & 1) len += (size_t)snprintf(path + len, sizeof path - len, "&clinician_id=%lld", clinician);
    if (mask & 2) len += (size_t)snprintf(path + len, sizeof path - len, "&shift_id=%lld", shift);
    if (mask & 4) len += (size_t)snprintf(path + len, sizeof path - len, "&status=confirmed");
    if (mask & 8) len += (size_t)snprintf(path + len, sizeof path - len, "&from=2026-01-01T00:00:00Z");
    if (mask & 16) len += (size_t)snprintf(path + len, sizeof path - len, "&to=2099-01-01T00:00:00Z");
    if (mask & 32) snprintf(path + len, sizeof path - len, "&cursor=0_1");
    fpt_call(&srv, token, "GET", path, 200, NULL);
    n++;
  }
  return n;
}

static void test_many_query_shapes_then_others_work(void **state) {
  (void)state;
  fpt_world_build(&w, &srv);
  long long clinician = 0;
  const char *gp = fpt_world_clinician(&w, "gp@caches.test", "gp", "7300001", true, &clinician);
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 3, 9, 4, "instant");
  /* One user: the clinician, every shape of both searches; then the same from the other roles,
     whose scopes make each shape a different statement again. */
  int shapes = shift_shapes(gp, true, w.practice1) + booking_shapes(gp, clinician, shift);
  const char *tokens[] = {w.admin, w.pm1, w.pool_admin, w.commissioner};
  for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
    shapes += shift_shapes(tokens[i], false, w.practice1) + booking_shapes(tokens[i], clinician, shift);
  assert_true(shapes >= 1500);
  /* Everyone else still signs in and works. */
  const char *pm = fpt_login(&srv, "pm1@t.test", "test-password-1");
  fpt_call(&srv, pm, "GET", "/api/v1/me", 200, NULL);
  long long s2 = fpt_world_shift(&w, pm, w.practice1, "gp", 4, 9, 4, "instant");
  const char *gp2 = fpt_world_clinician(&w, "gp2@caches.test", "gp", "7300002", true, NULL);
  fpt_call(&srv, gp2, "GET", "/api/v1/shifts?status=open", 200, NULL);
  fpt_call(&srv, gp2, "GET", fpt_str("/api/v1/shifts/%lld", s2), 200, NULL);
  fpt_call(&srv, gp2, "GET", "/api/v1/bookings", 200, NULL);
  fpt_call(&srv, pm, "GET", fpt_str("/api/v1/bookings?shift_id=%lld", s2), 200, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_many_query_shapes_then_others_work),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
