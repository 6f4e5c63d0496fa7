/* A direct offer's state machine. See offer.h. */
#include "core/offer.h"

#include <string.h>

#include "core/error.h"

static const char *const names[] = {"pending", "accepted", "declined", "withdrawn", "closed", "lapsed"};

const char *fp_offer_state_name(enum fp_offer_state s) {
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "pending";
}

int fp_offer_status_parse(const char *s, enum fp_offer_state *out) {
  for (int i = FP_OFFER_PENDING; s && i <= FP_OFFER_CLOSED; i++)
    if (strcmp(s, names[i]) == 0) {
      *out = (enum fp_offer_state)i;
      return 0;
    }
  return FP_EINVAL;
}

fp_time fp_offer_lapses_at(fp_time sent_at, fp_time shift_starts_at) {
  fp_time end = sent_at + FP_OFFER_LIFETIME;
  return shift_starts_at < end ? shift_starts_at : end;
}

enum fp_offer_state fp_offer_state(const struct fp_offer_facts *f, fp_time now) {
  if (f->stored != FP_OFFER_PENDING) return f->stored;
  if (!f->shift_open) return FP_OFFER_CLOSED;
  if (now >= fp_offer_lapses_at(f->sent_at, f->shift_starts_at)) return FP_OFFER_LAPSED;
  return FP_OFFER_PENDING;
}

enum fp_offer_outcome fp_offer_transition(const struct fp_offer_facts *f, enum fp_offer_event ev, fp_time now,
                                          enum fp_offer_state *to) {
  if (f->stored == FP_OFFER_CLOSED) return FP_OFFER_IS_CLOSED; /* someone else was booked */
  if (f->stored != FP_OFFER_PENDING) return FP_OFFER_NOT_PENDING;
  enum fp_offer_state now_state = fp_offer_state(f, now);
  if (ev == FP_OEV_CLOSE) { /* pending, lapsed or closed by the shift: it is closed now */
    *to = FP_OFFER_CLOSED;
    return FP_OFFER_OK;
  }
  if (now_state == FP_OFFER_CLOSED) return FP_OFFER_IS_CLOSED;
  if (now_state == FP_OFFER_LAPSED) return FP_OFFER_IS_LAPSED;
  switch (ev) {
  case FP_OEV_ACCEPT: *to = FP_OFFER_ACCEPTED; break;
  case FP_OEV_DECLINE: *to = FP_OFFER_DECLINED; break;
  case FP_OEV_WITHDRAW: *to = FP_OFFER_WITHDRAWN; break;
  case FP_OEV_CLOSE: *to = FP_OFFER_CLOSED; break;
  }
  return FP_OFFER_OK;
}

bool fp_offer_may_send(const struct fp_actor *a, int64_t practice_id) {
  return fp_actor_has_for(a, FP_ROLE_PRACTICE_MANAGER, practice_id);
}

bool fp_offer_may(const struct fp_actor *a, enum fp_offer_event ev, int64_t clinician_id, int64_t practice_id) {
  switch (ev) {
  case FP_OEV_ACCEPT:
  case FP_OEV_DECLINE: return a->clinician_id != 0 && a->clinician_id == clinician_id;
  case FP_OEV_WITHDRAW: return fp_offer_may_send(a, practice_id);
  case FP_OEV_CLOSE: break;
  }
  return false;
}
