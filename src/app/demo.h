/*
 * demo.h - the demo data set: one ICB, places, PCNs, 30+ practices, 150+ clinicians, demo
 * accounts for every role and four weeks of shifts in every state. `shifts` > 0 scales it.
 */
#ifndef FP_APP_DEMO_H
#define FP_APP_DEMO_H

#include <stdint.h>

#include "store/db.h"

#define FP_DEMO_PASSWORD "flexpool-demo"

/* Loads the demo into an empty store. FP_ECONFLICT when the store already has users. */
int fp_demo_load(struct fp_store *s, int64_t now, long shifts);
/* Whether the store has no users yet. */
int fp_store_is_empty(struct fp_store *s, int *empty);

#endif
