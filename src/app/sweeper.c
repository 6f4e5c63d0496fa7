/* The background upkeep thread. See sweeper.h. */
#include "app/sweeper.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/error.h"
#include "store/shifts.h"

#define MAX_STEPS 16

struct step {
  const char *name;
  fp_sweep_fn fn;
  void *ctx;
};

struct fp_sweeper {
  struct fp_store *store;
  int interval;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool stopping;
  struct step steps[MAX_STEPS];
  int n_steps;
};

struct tx {
  struct step *step;
  int64_t now;
};

static int step_tx(struct fp_conn *c, void *vctx) {
  struct tx *t = vctx;
  return t->step->fn(c, t->now, t->step->ctx);
}

static int complete_shifts(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  int n = 0;
  return fp_store_shifts_complete(c, now, &n);
}

static void *run(void *arg) {
  struct fp_sweeper *s = arg;
  pthread_mutex_lock(&s->lock);
  while (!s->stopping) {
    int n = s->n_steps;
    pthread_mutex_unlock(&s->lock);
    for (int i = 0; i < n; i++) {
      struct tx t = {&s->steps[i], (int64_t)time(NULL)};
      int rc = fp_store_write(s->store, step_tx, &t);
      if (rc) fprintf(stderr, "flexpool: upkeep step '%s' failed: %s\n", s->steps[i].name, fp_strerror(rc));
    }
    pthread_mutex_lock(&s->lock);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s->interval;
    while (!s->stopping && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT) {
    }
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

void fp_sweeper_add(struct fp_sweeper *s, const char *name, fp_sweep_fn fn, void *ctx) {
  pthread_mutex_lock(&s->lock);
  if (s->n_steps < MAX_STEPS) s->steps[s->n_steps++] = (struct step){name, fn, ctx};
  pthread_mutex_unlock(&s->lock);
}

struct fp_sweeper *fp_sweeper_start(struct fp_store *store, int interval_seconds) {
  struct fp_sweeper *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->store = store;
  s->interval = interval_seconds;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->wake, NULL);
  fp_sweeper_add(s, "complete shifts", complete_shifts, NULL);
  if (pthread_create(&s->thread, NULL, run, s) != 0) {
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    free(s);
    return NULL;
  }
  return s;
}

void fp_sweeper_stop(struct fp_sweeper *s) {
  if (!s) return;
  pthread_mutex_lock(&s->lock);
  s->stopping = true;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->thread, NULL);
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->wake);
  free(s);
}
