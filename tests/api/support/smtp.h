/*
 * smtp.h - a real SMTP listener for the API tests: tests/api/smtp_sink.py (Debian's
 * python3-aiosmtpd) on a free loopback port, recording every message whose DATA it reads; and any
 * other such listener (tests/api/webhook_sink.py) that writes DIR/port and DIR/messages.jsonl.
 */
#ifndef FPT_SMTP_H
#define FPT_SMTP_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

struct fpt_smtp {
  pid_t pid;
  char dir[256];
  int port;
};

/* Starts tests/api/<name> DIR [flag value] (flag and value may be NULL), waiting for its DIR/port. */
void fpt_sink_start(struct fpt_smtp *k, const char *name, const char *flag, const char *value);
/* Starts the listener; hold_seconds (may be NULL) delays its answer to the first message's DATA. */
void fpt_smtp_start(struct fpt_smtp *k, const char *hold_seconds);
void fpt_smtp_stop(struct fpt_smtp *k);
/* "smtp://127.0.0.1:PORT" (gc-owned). */
const char *fpt_smtp_url(const struct fpt_smtp *k);
/* What it received so far, oldest first: [{message_id, to: [..], subject, body, held}] (gc-owned). */
json_t *fpt_smtp_received(const struct fpt_smtp *k);
/* Waits up to `seconds` until it has received at least n messages; returns them (gc-owned). */
json_t *fpt_smtp_wait(const struct fpt_smtp *k, size_t n, int seconds);

#endif
