/*
 * sweeper.h - the server's background upkeep: one thread that wakes at start-up and then every
 * interval and runs each registered step in its own store transaction (fp_upkeep_run) (booked shifts that have
 * ended become completed; other modules add their own steps, such as passport expiry), and a second
 * thread for the shift alerts (store/alerts.h), which runs within a second of a shift being posted
 * on this server and at least every minute.
 */
#ifndef FP_APP_SWEEPER_H
#define FP_APP_SWEEPER_H

#include <stdint.h>

#include "store/db.h"

struct fp_sweeper;

/* One upkeep step: runs inside a write transaction at `now`; returns 0 or an FP_E* code. */
typedef int (*fp_sweep_fn)(struct fp_conn *c, int64_t now, void *ctx);

/*
 * Runs one step now in a write transaction of its own, if this server holds the upkeep lock (with
 * several servers on one PostgreSQL database one runs upkeep at a time: store/db.h
 * fp_store_upkeep_try_lock); otherwise skips it. Counts the run (ok, failed or skipped) for
 * /metrics and says a failure on stderr. 0 (also when skipped) or the step's FP_E* error.
 */
int fp_upkeep_run(struct fp_store *store, const char *name, fp_sweep_fn fn, void *ctx);

/* Work a step does first, outside any transaction (reading a snapshot, rendering documents), so
   that its write transaction stays short: 0 to go on to the step, FP_SWEEP_NOTHING when there is
   nothing for it to write (the step is not run, no transaction taken), or an FP_E* code to skip it
   (said on stderr). */
#define FP_SWEEP_NOTHING 1
typedef int (*fp_sweep_prepare_fn)(struct fp_store *store, int64_t now, void *ctx);

/* Starts the thread; interval in seconds. NULL on failure. */
struct fp_sweeper *fp_sweeper_start(struct fp_store *store, int interval_seconds);
/* Adds a step (any number: the list grows); call before or after start. 0, or FP_ENOMEM (said on
   stderr) when it could not be added. */
int fp_sweeper_add(struct fp_sweeper *s, const char *name, fp_sweep_fn fn, void *ctx);
/* The same with a preparation run before each of the step's runs, with the same ctx. */
int fp_sweeper_add_prepared(struct fp_sweeper *s, const char *name, fp_sweep_prepare_fn prepare, fp_sweep_fn fn,
                            void *ctx);
/* Stops the thread and frees it. */
void fp_sweeper_stop(struct fp_sweeper *s);

#endif
