/*
 * messages.h - the message threads between a clinician and a practice: one thread per booking and
 * one per application, each message written by one of the two sides. Who may read or write a thread
 * is decided by the caller (http/h_messages.c) before it reaches here.
 * Depends on store/db.h and core/ only; never on HTTP or JSON.
 */
#ifndef FP_STORE_MESSAGES_H
#define FP_STORE_MESSAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"

struct fp_conn;

#define FP_MESSAGE_MAX_BYTES 4000   /* a message's text, checked where it comes in */
#define FP_THREAD_MAX_MESSAGES 500  /* a thread takes no more (FP_ETOOBIG) */

enum fp_thread_kind { FP_THREAD_BOOKING = 1, FP_THREAD_APPLICATION = 2 };

struct fp_message {
  int64_t id;
  int64_t author_user_id;
  char author_name[201];
  char side[12]; /* "clinician" or "practice" */
  char body[FP_MESSAGE_MAX_BYTES + 1];
  fp_time created_at;
};

/* Appends a message to the thread; *id its id. FP_ETOOBIG when the thread holds FP_THREAD_MAX_MESSAGES. */
int fp_store_message_add(struct fp_conn *c, enum fp_thread_kind kind, int64_t thread_id, int64_t author_user_id,
                         const char *side, const char *body, fp_time now, int64_t *id);
/* The thread's messages after after_id, oldest first, at most limit; *more when others follow. */
int fp_store_message_list(struct fp_conn *c, enum fp_thread_kind kind, int64_t thread_id, int64_t after_id, int limit,
                          void (*cb)(const struct fp_message *m, void *ctx), void *ctx, bool *more);
/* One message (for the answer to a write). */
int fp_store_message_get(struct fp_conn *c, int64_t id, struct fp_message *out);

#endif
