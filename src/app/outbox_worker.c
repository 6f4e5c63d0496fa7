/* The outbox's delivery loop. See outbox_worker.h. */
#include "app/outbox_worker.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"

struct fp_outbox_worker {
  struct fp_store *store;
  struct fp_outbox_worker_ops ops;
  void *cfg;        /* the copy of ops->cfg */
  char worker[128]; /* who holds a lease: host, process and a random tag */
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool stopping;
  atomic_bool quit; /* stopping, read by a delivery under way: it gives up at once (retried later) */
};

struct claim_tx {
  enum fp_outbox_channel ch;
  const char *worker;
  int64_t now;
  int lease;
  struct fp_outbox_msg *msg;
  bool claimed;
};

static int claim_tx(struct fp_conn *c, void *vctx) {
  struct claim_tx *t = vctx;
  return fp_store_outbox_claim(c, t->ch, t->worker, t->now, t->lease, t->msg, &t->claimed);
}

struct record_tx {
  int64_t id;
  const char *worker;
  bool ok, permanent;
  const char *detail;
  int64_t now;
};

static int record_tx(struct fp_conn *c, void *vctx) {
  struct record_tx *t = vctx;
  return fp_store_outbox_record(c, t->id, t->worker, t->ok, t->permanent, t->detail, t->now);
}

/* Sends what is due, one message at a time; false when nothing was (or could be) claimed. */
static bool send_one(struct fp_outbox_worker *w, struct fp_outbox_msg *msg) {
  struct fp_conn *c = fp_store_reader(w->store);
  bool due = false;
  if (!c || fp_store_outbox_due(c, w->ops.channel, (int64_t)time(NULL), &due) != 0 || !due) return false;
  struct claim_tx ct = {w->ops.channel, w->worker, (int64_t)time(NULL), w->ops.lease_seconds, msg, false};
  int rc = fp_store_write(w->store, claim_tx, &ct);
  if (rc || !ct.claimed) return false;
  bool permanent = false;
  char detail[512];
  bool ok = w->ops.deliver(w->store, w->cfg, msg, &w->quit, &permanent, detail, sizeof detail) == 0;
  if (w->ops.attempted) w->ops.attempted(ok);
  if (!ok) fprintf(stderr, "flexpool: %s %s not delivered: %s\n", w->ops.what, msg->message_id, detail);
  struct record_tx rt = {msg->id, w->worker, ok, permanent, detail, (int64_t)time(NULL)};
  rc = fp_store_write(w->store, record_tx, &rt);
  if (rc)
    fprintf(stderr, "flexpool: the delivery of %s %s could not be recorded: %s\n", w->ops.what, msg->message_id,
            fp_strerror(rc));
  return rc == 0;
}

static void *run(void *arg) {
  struct fp_outbox_worker *w = arg;
  struct fp_outbox_msg *msg = malloc(sizeof *msg);
  pthread_mutex_lock(&w->lock);
  while (!w->stopping) {
    pthread_mutex_unlock(&w->lock);
    bool more = msg && send_one(w, msg);
    pthread_mutex_lock(&w->lock);
    if (more) continue;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    while (!w->stopping && pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT) {
    }
  }
  pthread_mutex_unlock(&w->lock);
  free(msg);
  return NULL;
}

static int progress(void *quit, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
  (void)dltotal;
  (void)dlnow;
  (void)ultotal;
  (void)ulnow;
  return atomic_load((const atomic_bool *)quit) ? 1 : 0;
}

CURLcode fp_outbox_worker_perform(CURL *curl, const atomic_bool *quit, long *code) {
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)quit);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  CURLcode res = curl_easy_perform(curl);
  *code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, code);
  return res;
}

struct fp_outbox_worker *fp_outbox_worker_start(struct fp_store *store, const struct fp_outbox_worker_ops *ops) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
    fprintf(stderr, "flexpool: libcurl could not start: no %s will be sent\n", ops->what);
    return NULL;
  }
  struct fp_outbox_worker *w = calloc(1, sizeof *w);
  if (!w) {
    curl_global_cleanup();
    return NULL;
  }
  w->store = store;
  w->ops = *ops;
  w->cfg = malloc(ops->cfg_size ? ops->cfg_size : 1);
  if (!w->cfg) {
    free(w);
    curl_global_cleanup();
    return NULL;
  }
  if (ops->cfg_size) memcpy(w->cfg, ops->cfg, ops->cfg_size);
  w->ops.cfg = NULL;
  char host[64] = "";
  gethostname(host, sizeof host - 1);
  snprintf(w->worker, sizeof w->worker, "%s:%ld:%08x", host, (long)getpid(), (unsigned)randombytes_random());
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->wake, NULL);
  if (pthread_create(&w->thread, NULL, run, w) != 0) {
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w->cfg);
    free(w);
    curl_global_cleanup();
    fprintf(stderr, "flexpool: the %s thread did not start\n", ops->what);
    return NULL;
  }
  return w;
}

void fp_outbox_worker_stop(struct fp_outbox_worker *w) {
  if (!w) return;
  atomic_store(&w->quit, true);
  pthread_mutex_lock(&w->lock);
  w->stopping = true;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->wake);
  free(w->cfg);
  free(w);
  curl_global_cleanup();
}
