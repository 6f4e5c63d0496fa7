/*
 * An acknowledged booking survives a crash: clients book as fast as they can, the server is
 * killed with SIGKILL in the middle, and after a restart on the same data directory every booking
 * that was answered 201 is there, confirmed, and its shift is booked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

#define CLIENTS 8
#define PER_CLIENT 60

static struct fpt_server srv;
static struct fpt_world w;
static const char *tokens[CLIENTS];
static long long shifts[CLIENTS][PER_CLIENT];
static long long acked[CLIENTS][PER_CLIENT];
static int n_acked[CLIENTS];
static atomic_int total_acked;

static void *client(void *arg) {
  int c = (int)(intptr_t)arg;
  for (int k = 0; k < PER_CLIENT; k++) {
    struct fpt_resp r = fpt_request(&srv, tokens[c], "POST", fpt_str("/api/v1/shifts/%lld/booking", shifts[c][k]), NULL);
    if (r.status == 201) {
      acked[c][n_acked[c]++] = fpt_int(r.json, "id");
      atomic_fetch_add(&total_acked, 1);
    } else if (r.status != -1) {
      fprintf(stderr, "unexpected %ld: %s\n", r.status, r.body);
    } else {
      break; /* the server is gone */
    }
  }
  return NULL;
}

static void test_acknowledged_bookings_survive_sigkill(void **state) {
  (void)state;
  assert_int_equal(fpt_server_start(&srv, NULL, NULL), 0);
  fpt_world_build(&w, &srv);
  for (int c = 0; c < CLIENTS; c++) {
    tokens[c] = fpt_world_clinician(&w, fpt_str("durable%d@t.test", c), "gp", fpt_str("72%05d", c), true, NULL);
    /* Each client has its own non-overlapping shifts, so every attempt should succeed. */
    for (int k = 0; k < PER_CLIENT; k++)
      shifts[c][k] = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 2 + k, c * 3 % 21, 2, "instant");
  }
  pthread_t th[CLIENTS];
  for (int c = 0; c < CLIENTS; c++) pthread_create(&th[c], NULL, client, (void *)(intptr_t)c);
  /* Kill it once a good number of bookings were acknowledged, while the rest are in flight. */
  while (atomic_load(&total_acked) < CLIENTS * PER_CLIENT / 3) usleep(1000);
  fpt_server_kill(&srv);
  for (int c = 0; c < CLIENTS; c++) pthread_join(th[c], NULL);
  int acknowledged = atomic_load(&total_acked);
  assert_true(acknowledged >= CLIENTS * PER_CLIENT / 3);
  assert_true(acknowledged < CLIENTS * PER_CLIENT);

  struct fpt_server again;
  char dir[256];
  snprintf(dir, sizeof dir, "%s", srv.data_dir);
  assert_int_equal(fpt_server_start(&again, dir, NULL), 0);
  const char *admin = fpt_login(&again, "root@flexpool.test", "admin-password-123");
  for (int c = 0; c < CLIENTS; c++)
    for (int k = 0; k < n_acked[c]; k++) {
      json_t *b = fpt_call(&again, admin, "GET", fpt_str("/api/v1/bookings/%lld", acked[c][k]), 200, NULL);
      assert_string_equal(fpt_s(b, "status"), "confirmed");
      json_t *s = fpt_call(&again, admin, "GET", fpt_str("/api/v1/shifts/%lld", fpt_int(b, "shift_id")), 200, NULL);
      assert_string_equal(fpt_s(s, "status"), "booked");
    }
  fpt_server_stop(&again);
  fpt_rmrf(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_acknowledged_bookings_survive_sigkill)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  fpt_gc();
  return rc;
}
