/*
 * store_once.h - the small store a fuzz harness imports into: made once per process in a
 * temporary directory /tmp/flexpool-fuzz-NAME-XXXXXX, seeded by one write transaction, and removed
 * with its files when the process exits. Aborts when it cannot be made (a harness cannot go on).
 */
#ifndef FP_FUZZ_STORE_ONCE_H
#define FP_FUZZ_STORE_ONCE_H

#include "store/db.h"

/* The store, made and seeded by seed(c, NULL) the first time it is asked for. name: [a-z]+. */
struct fp_store *fuzz_store_once(const char *name, int (*seed)(struct fp_conn *c, void *ctx));

#endif
