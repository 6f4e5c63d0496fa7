/*
 * outbox_worker.h - a thread that delivers one channel of the outbox (store/outbox.h): asks once a
 * second whether a message is due (a read: idle servers write nothing), claims one for a lease,
 * hands it to the channel's deliver function and records the attempt (the core's retry rule,
 * core/outbox.h). The email (app/mailer.h) and webhook (app/webhooks.h) workers are this loop with
 * their own deliver.
 */
#ifndef FP_APP_OUTBOX_WORKER_H
#define FP_APP_OUTBOX_WORKER_H

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"
#include "store/outbox.h"

struct fp_outbox_worker_ops {
  enum fp_outbox_channel channel;
  const char *what;  /* "email", "webhook": for the log */
  int lease_seconds; /* longer than one delivery can take */
  /* One delivery of msg: 0 when it was taken; otherwise -1, *permanent when it was refused for good,
     detail what happened. cfg is the worker's copy of the channel's configuration; quit turns true
     when the server is stopping (give up at once). */
  int (*deliver)(struct fp_store *store, const void *cfg, const struct fp_outbox_msg *msg, const atomic_bool *quit,
      bool *permanent, char *detail, size_t detail_len);
  void (*attempted)(bool ok); /* counts an attempt (Prometheus); may be NULL */
  const void *cfg;            /* the channel's configuration, copied (cfg_size bytes) */
  size_t cfg_size;
};

struct fp_outbox_worker;

/* Performs a deliver function's transfer, cut short once quit turns true (the server stops): the
   result, with *code the server's answer (0 when none). */
CURLcode fp_outbox_worker_perform(CURL *curl, const atomic_bool *quit, long *code);

/* Starts libcurl (the deliver functions' client) and the thread; ops and its cfg are copied (the
   strings cfg points to must outlive the worker). NULL (said on stderr) on failure. */
struct fp_outbox_worker *fp_outbox_worker_start(struct fp_store *store, const struct fp_outbox_worker_ops *ops);
/* Stops the thread (a delivery under way is cut short, its attempt recorded as failed), frees it
   and ends its use of libcurl. NULL is fine. */
void fp_outbox_worker_stop(struct fp_outbox_worker *w);

#endif
