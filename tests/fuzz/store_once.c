/* The fuzz harnesses' store. See store_once.h. */
#include "store_once.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct fp_store store;
static bool ready;
static char dir[96];

/* The store goes with the process: its files and evidence folder, then the directory. */
static void teardown(void) {
  fp_store_release(&store);
  static const char *const files[] = {"flexpool.db", "flexpool.db-wal", "flexpool.db-shm"};
  char path[160];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/evidence", dir);
  rmdir(path);
  rmdir(dir);
}

struct fp_store *fuzz_store_once(const char *name, int (*seed)(struct fp_conn *c, void *ctx)) {
  if (ready) return &store;
  snprintf(dir, sizeof dir, "/tmp/flexpool-fuzz-%s-XXXXXX", name);
  if (!mkdtemp(dir) || fp_store_open(&store, dir, NULL) != 0 || fp_store_write(&store, seed, NULL) != 0) abort();
  atexit(teardown);
  ready = true;
  return &store;
}
