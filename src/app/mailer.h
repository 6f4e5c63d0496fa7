/*
 * mailer.h - the email delivery worker: a thread that sends the outbox's queued messages
 * (store/outbox.h) to an SMTP relay with libcurl, one at a time, each claimed for a lease and each
 * attempt recorded; retries and giving up follow the core's rule (core/outbox.h). Started by
 * `flexpool serve --smtp-url smtp://HOST:PORT --mail-from ADDRESS`; without --smtp-url nothing is
 * sent and messages stay queued.
 *
 * The relay is asked once a second whether anything is due (a read: idle servers write nothing).
 * A message's lease is --smtp-timeout * 2 + 10 seconds: longer than one delivery can take, so two
 * servers never send it at once; a server killed mid-delivery leaves it to be claimed again (by
 * itself after a restart, or another server) when the lease ends, with the same Message-ID.
 */
#ifndef FP_APP_MAILER_H
#define FP_APP_MAILER_H

#include "app/outbox_worker.h"
#include "store/db.h"

struct fp_mailer_config {
  const char *smtp_url;   /* smtp://HOST:PORT (or smtps://) */
  const char *mail_from;  /* the envelope sender and From: address */
  const char *public_url; /* the web app's address, put before each message's link ("https://pool.example.nhs.uk") */
  int timeout_seconds;    /* the longest one delivery may take */
};

/* Starts the worker; cfg is copied, its strings must outlive it. NULL (said on stderr) on failure.
   fp_outbox_worker_stop stops it: a delivery under way is cut short (the message stays queued, its
   attempt recorded as failed, and is sent again later). */
struct fp_outbox_worker *fp_mailer_start(struct fp_store *store, const struct fp_mailer_config *cfg);

#endif
