/* The outbox's retry rule. See outbox.h. */
#include "core/outbox.h"

const char *fp_outbox_channel_name(enum fp_outbox_channel ch) { return ch == FP_OUTBOX_WEBHOOK ? "webhook" : "email"; }

const char *fp_outbox_state_name(enum fp_outbox_state s) {
  switch (s) {
  case FP_OUTBOX_QUEUED: return "queued";
  case FP_OUTBOX_SENT: return "sent";
  case FP_OUTBOX_FAILED: return "failed";
  }
  return "unknown";
}

enum fp_outbox_state fp_outbox_after_attempt(int attempts_before, bool ok, bool permanent, int64_t now,
                                             int64_t *next_at) {
  *next_at = now;
  if (ok) return FP_OUTBOX_SENT;
  int attempts = attempts_before < 0 ? 1 : attempts_before + 1;
  if (permanent || attempts >= FP_OUTBOX_MAX_ATTEMPTS) return FP_OUTBOX_FAILED;
  int64_t pause = FP_OUTBOX_FIRST_PAUSE;
  for (int i = 1; i < attempts && pause < FP_OUTBOX_MAX_PAUSE; i++) pause *= 2;
  if (pause > FP_OUTBOX_MAX_PAUSE) pause = FP_OUTBOX_MAX_PAUSE;
  *next_at = now + pause;
  return FP_OUTBOX_QUEUED;
}
