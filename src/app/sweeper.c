/* The background upkeep thread. See sweeper.h. */
#include "app/sweeper.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/error.h"
#include "http/prometheus.h"
#include "store/alerts.h"
#include "store/invoices.h"
#include "store/metrics.h"
#include "store/pension.h"
#include "store/rate_policy.h"
#include "store/timesheets.h"
#include "store/db.h"
#include "store/offers.h"
#include "store/shifts.h"

struct step {
  const char *name;
  fp_sweep_fn fn;
  void *ctx;
  fp_sweep_prepare_fn prepare; /* NULL: none */
};

struct fp_sweeper {
  struct fp_store *store;
  int interval;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool stopping;
  bool added;         /* a step was added since the last pass began: run a pass now (step's first run) */
  struct step *steps; /* grown by fp_sweeper_add: every step added runs, however many */
  int n_steps, cap_steps;
  pthread_t alerts_thread; /* shift alerts: see alerts_run */
  bool alerts_started;
};

struct tx {
  fp_sweep_fn fn;
  void *ctx;
  int64_t now;
  bool skipped; /* another server holds the upkeep lock */
  long ms;      /* how long the step itself ran, in the writer (its wait for the writer left out) */
};

static long ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

/* The step inside its transaction, when this server holds the upkeep lock (store/db.h). */
static int step_tx(struct fp_conn *c, void *vctx) {
  struct tx *t = vctx;
  bool mine = false;
  t->skipped = false; /* the transaction may run more than once */
  int rc = fp_store_upkeep_try_lock(c, &mine);
  if (rc) return rc;
  if (!mine) {
    t->skipped = true;
    return FP_EBUSY; /* nothing done, nothing to keep */
  }
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rc = t->fn(c, t->now, t->ctx);
  t->ms = ms_since(&t0);
  return rc;
}

/* fp_upkeep_run, saying whether it was skipped. */
/* A step that holds the store's one writer longer than this is said on standard error: every
   booking and sign-in waits behind it (docs/OPERATIONS.md, "Logs"). */
#define SLOW_STEP_MS 500

static int upkeep_run(struct fp_store *store, const char *name, fp_sweep_fn fn, void *ctx, bool *skipped) {
  struct tx t = {fn, ctx, (int64_t)time(NULL), false, 0};
  int rc = fp_store_write(store, step_tx, &t);
  if (!t.skipped && t.ms > SLOW_STEP_MS)
    fprintf(stderr, "flexpool: upkeep step '%s' held the writer %ld ms\n", name, t.ms);
  *skipped = t.skipped;
  if (t.skipped) {
    fp_prom_upkeep_skipped(name);
    return 0;
  }
  fp_prom_upkeep(name, rc == 0, (int64_t)time(NULL));
  if (rc) fprintf(stderr, "flexpool: upkeep step '%s' failed: %s\n", name, fp_strerror(rc));
  return rc;
}

int fp_upkeep_run(struct fp_store *store, const char *name, fp_sweep_fn fn, void *ctx) {
  bool skipped = false;
  return upkeep_run(store, name, fn, ctx, &skipped);
}

/* Copies step i under the lock (the array may grow meanwhile); false when there is none or stopping. */
static bool step_at(struct fp_sweeper *s, int i, struct step *out) {
  pthread_mutex_lock(&s->lock);
  bool ok = !s->stopping && i < s->n_steps;
  if (ok) *out = s->steps[i];
  pthread_mutex_unlock(&s->lock);
  return ok;
}

static int complete_shifts(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  int n = 0;
  return fp_store_shifts_complete(c, now, &n);
}

/* The shift alerts' scans of shifts that have started: nothing reads them any more (store/alerts.h). */
static int prune_alert_scans(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  int64_t n = 0;
  return fp_store_alert_scans_prune(c, now, &n);
}

/* Timesheets nobody queried within their practice's days of their submission (store/timesheets.h). */
static int approve_timesheets(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  int n = 0;
  return fp_store_timesheets_auto_approve(c, now, &n);
}

/* The monthly invoices of clinicians who invoice monthly (store/invoices.h): from the first of
   the month, and any session approved late since. */
static int monthly_invoices(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  int n = 0;
  return fp_store_invoices_monthly(c, now, &n);
}

/* The rates of unfilled shifts raised under their pools' rate policies (store/rate_policy.h). */
static int escalate_rates(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  int n = 0;
  return fp_store_shifts_escalate(c, now, &n);
}

/* The GP locums' pension warnings before their forms' deadlines (store/pension.h). */
static int pension_reminders(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  int n = 0;
  return fp_store_pension_reminders(c, now, &n);
}

/*
 * The overview's figures kept by practice and month (store/metrics.h): each settled month that some
 * practice has not kept (at first every month since the first shift; then a month after it settles,
 * and a month forgotten by a change to it), at most KEEP_MONTHS_A_RUN a run. Each month is kept in a
 * write transaction of its own, taken here: on PostgreSQL its first statement must lock the table
 * (so not a step's transaction, whose first statement takes the upkeep lock), and that lock also
 * keeps two servers from keeping one month twice. The step itself then has nothing to do.
 */
#define KEEP_MONTHS_A_RUN 48
#define KEEP_MONTHS "figures by month"

struct keep_month {
  int64_t start, now;
  int kept;
};

static int keep_month_tx(struct fp_conn *c, void *ctx) {
  struct keep_month *k = ctx;
  return fp_store_metric_months_keep(c, k->start, k->now, &k->kept);
}

static int keep_months(struct fp_store *store, int64_t now, void *ctx) {
  (void)ctx;
  int64_t starts[KEEP_MONTHS_A_RUN];
  int n = 0;
  struct fp_conn *c = fp_store_reader(store);
  int rc = c ? fp_store_read_begin(c) : FP_EIO;
  if (!rc) {
    rc = fp_store_metric_months_due(c, now, starts, KEEP_MONTHS_A_RUN, &n);
    fp_store_read_end(c);
  }
  long kept = 0;
  for (int i = 0; !rc && i < n; i++) {
    struct keep_month k = {starts[i], now, 0};
    rc = fp_store_write(store, keep_month_tx, &k);
    kept += k.kept;
  }
  if (n) {
    fp_prom_upkeep(KEEP_MONTHS, rc == 0, (int64_t)time(NULL));
    if (rc) fprintf(stderr, "flexpool: upkeep step '" KEEP_MONTHS "' failed: %s\n", fp_strerror(rc));
    else fprintf(stderr, "flexpool: kept the figures of %d months (%ld practice-months)\n", n, kept);
  }
  return FP_SWEEP_NOTHING; /* said above */
}

static int nothing(struct fp_conn *c, int64_t now, void *ctx) {
  (void)c, (void)now, (void)ctx;
  return 0;
}

/* Shift alerts (store/alerts.h): new shifts matched, urgent ones, practices told of unfilled ones,
   due alerts delivered; at most ALERT_SHIFTS_A_RUN shifts of each kind and ALERT_MESSAGES_A_RUN
   messages a run (the rest the next run). */
#define ALERT_SHIFTS_A_RUN 100
#define ALERT_MESSAGES_A_RUN 1000
static int shift_alerts(struct fp_conn *c, int64_t now, void *ctx) {
  int told = 0, rc = fp_store_alerts_upkeep(c, ctx, now, ALERT_SHIFTS_A_RUN, ALERT_MESSAGES_A_RUN);
  /* And practices told of their offers that lapsed unanswered (store/offers.h), as promptly. */
  return rc ? rc : fp_store_offers_lapses_tell(c, now, 64, &told);
}

/* The alert index brought up to the store, in its own transaction (store/alerts.h). */
static int alert_index_tx(struct fp_conn *c, void *ctx) {
  struct fp_alert_index_stats stats;
  return fp_alert_index_refresh(c, ctx, &stats);
}

/*
 * The shift alerts' own thread: "instant" alerts must not wait for the upkeep's interval (600 s by
 * default). It looks every second whether a shift was posted on this server (fp_store_alerts_poke)
 * and then runs the step at once; otherwise every ALERTS_EVERY seconds (or the upkeep interval when
 * shorter), for what time alone brings: a tier of a release opening, a shift becoming urgent, an
 * alert due at the end of quiet hours or at the digest, and shifts posted on other servers. A run
 * another server's upkeep skipped is tried again the next second.
 */
#define ALERTS_EVERY 60
static void *alerts_run(void *arg) {
  struct fp_sweeper *s = arg;
  /* What the matching keeps of every clinician, refreshed before each run (store/alerts.h). */
  struct fp_alert_index *ix = fp_alert_index_new();
  const int every = s->interval < ALERTS_EVERY ? s->interval : ALERTS_EVERY;
  uint64_t seen = fp_store_alerts_pokes();
  time_t last = 0; /* at start-up: at once */
  pthread_mutex_lock(&s->lock);
  while (!s->stopping) {
    uint64_t pokes = fp_store_alerts_pokes();
    time_t now = time(NULL);
    if (pokes != seen || now - last >= every) {
      pthread_mutex_unlock(&s->lock);
      bool skipped = false;
      int rc = ix ? fp_store_write(s->store, alert_index_tx, ix) : FP_ENOMEM;
      if (rc) fprintf(stderr, "flexpool: the shift alerts' index: %s\n", fp_strerror(rc));
      /* Even so: delivery and the practices' notices need no index (nothing is matched without one). */
      upkeep_run(s->store, "shift alerts", shift_alerts, ix, &skipped);
      pthread_mutex_lock(&s->lock);
      if (!skipped) {
        seen = pokes;
        last = now;
      }
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    while (!s->stopping && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT) {
    }
  }
  pthread_mutex_unlock(&s->lock);
  fp_alert_index_free(ix);
  return NULL;
}

static void *run(void *arg) {
  struct fp_sweeper *s = arg;
  pthread_mutex_lock(&s->lock);
  while (!s->stopping) {
    s->added = false;
    pthread_mutex_unlock(&s->lock);
    struct step step;
    int i = 0;
    for (; step_at(s, i, &step); i++) {
      if (step.prepare) {
        int rc = step.prepare(s->store, (int64_t)time(NULL), step.ctx);
        if (rc == FP_SWEEP_NOTHING) continue;
        if (rc) {
          fprintf(stderr, "flexpool: upkeep step '%s' could not prepare: %s\n", step.name, fp_strerror(rc));
          continue;
        }
      }
      fp_upkeep_run(s->store, step.name, step.fn, step.ctx);
    }
    pthread_mutex_lock(&s->lock);
    /* The pass went on to the last step there was, those added during it included: only a step
       added since (none, most often) calls for a pass of its own now. Without this, the steps added
       one by one at start-up made two or three whole passes in a row, each holding a writer for
       seconds on a large store while the first requests came in. */
    if (i >= s->n_steps) s->added = false;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s->interval;
    while (!s->stopping && !s->added && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT) {
    }
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

int fp_sweeper_add(struct fp_sweeper *s, const char *name, fp_sweep_fn fn, void *ctx) {
  return fp_sweeper_add_prepared(s, name, NULL, fn, ctx);
}

int fp_sweeper_add_prepared(struct fp_sweeper *s, const char *name, fp_sweep_prepare_fn prepare, fp_sweep_fn fn,
                            void *ctx) {
  int rc = 0;
  pthread_mutex_lock(&s->lock);
  if (s->n_steps == s->cap_steps) {
    int cap = s->cap_steps ? s->cap_steps * 2 : 8;
    struct step *grown = realloc(s->steps, (size_t)cap * sizeof *grown);
    if (grown) {
      s->steps = grown;
      s->cap_steps = cap;
    } else {
      rc = FP_ENOMEM;
    }
  }
  if (rc == 0) {
    s->steps[s->n_steps++] = (struct step){name, fn, ctx, prepare};
    /* Its first run comes now, not an interval later (steps are added after the thread starts). */
    s->added = true;
    pthread_cond_broadcast(&s->wake);
  }
  pthread_mutex_unlock(&s->lock);
  if (rc) fprintf(stderr, "flexpool: upkeep step '%s' could not be added: %s\n", name, fp_strerror(rc));
  return rc;
}

struct fp_sweeper *fp_sweeper_start(struct fp_store *store, int interval_seconds) {
  struct fp_sweeper *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->store = store;
  s->interval = interval_seconds;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->wake, NULL);
  if (fp_sweeper_add(s, "complete shifts", complete_shifts, NULL) != 0 ||
      fp_sweeper_add(s, "approve timesheets", approve_timesheets, NULL) != 0 ||
      fp_sweeper_add(s, "monthly invoices", monthly_invoices, NULL) != 0 ||
      fp_sweeper_add(s, "pension reminders", pension_reminders, NULL) != 0 ||
      fp_sweeper_add(s, "rate escalation", escalate_rates, NULL) != 0 ||
      fp_sweeper_add(s, "alert scans", prune_alert_scans, NULL) != 0 ||
      fp_sweeper_add_prepared(s, KEEP_MONTHS, keep_months, nothing, NULL) != 0 ||
      pthread_create(&s->thread, NULL, run, s) != 0) {
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    free(s->steps);
    free(s);
    return NULL;
  }
  s->alerts_started = pthread_create(&s->alerts_thread, NULL, alerts_run, s) == 0;
  if (!s->alerts_started) { /* no server without its alerts */
    fp_sweeper_stop(s);
    return NULL;
  }
  return s;
}

void fp_sweeper_stop(struct fp_sweeper *s) {
  if (!s) return;
  pthread_mutex_lock(&s->lock);
  s->stopping = true;
  pthread_cond_broadcast(&s->wake); /* both threads */
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->thread, NULL);
  if (s->alerts_started) pthread_join(s->alerts_thread, NULL);
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->wake);
  free(s->steps);
  free(s);
}
