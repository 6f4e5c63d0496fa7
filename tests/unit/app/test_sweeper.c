/* test_sweeper.c - the upkeep thread runs every step it is given, however many (it had dropped
   steps past 16 without a word). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/sweeper.h"
#include "store/db.h"

#define STEPS 40

static atomic_int ran[STEPS];

static int step(struct fp_conn *c, int64_t now, void *ctx) {
  (void)c;
  (void)now;
  atomic_fetch_add(&ran[(intptr_t)ctx], 1);
  return 0;
}

static void test_every_step_runs(void **state) {
  (void)state;
  char dir[] = "/tmp/fp-sweeper-XXXXXX";
  assert_non_null(mkdtemp(dir));
  struct fp_store store;
  assert_int_equal(fp_store_open(&store, dir, NULL), 0);
  struct fp_sweeper *s = fp_sweeper_start(&store, 1);
  assert_non_null(s);
  for (intptr_t i = 0; i < STEPS; i++) assert_int_equal(fp_sweeper_add(s, "counting", step, (void *)i), 0);
  bool all = false;
  for (int tries = 0; tries < 100 && !all; tries++) {
    usleep(100 * 1000);
    all = true;
    for (int i = 0; i < STEPS; i++) all = all && atomic_load(&ran[i]) > 0;
  }
  fp_sweeper_stop(s);
  for (int i = 0; i < STEPS; i++)
    if (atomic_load(&ran[i]) == 0) fail_msg("step %d of %d never ran", i + 1, STEPS);
  fp_store_release(&store);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_step_runs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
