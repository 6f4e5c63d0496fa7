/*
 * eligibility.c - may this clinician book this shift on its date?
 */
#include "core/eligibility.h"

#include <string.h>

#define EXPIRING_SOON_DAYS 30

enum fp_check_state fp_check_state_on(const struct fp_check_record *r, fp_day on) {
  if (!r)
    return FP_STATE_MISSING;
  switch (r->status) {
  case FP_CHECK_SUBMITTED: return FP_STATE_SUBMITTED;
  case FP_CHECK_REJECTED: return FP_STATE_REJECTED;
  case FP_CHECK_VERIFIED:
    if (r->expires_on == FP_DAY_NONE)
      return FP_STATE_VERIFIED;
    if (on > r->expires_on)
      return FP_STATE_EXPIRED;
    /* Valid up to and including the expiry day; "soon" when that is at most 30 days away. */
    if ((int64_t)r->expires_on - on <= EXPIRING_SOON_DAYS)
      return FP_STATE_EXPIRING_SOON;
    return FP_STATE_VERIFIED;
  }
  return FP_STATE_MISSING;
}

const char *fp_check_state_name(enum fp_check_state s) {
  switch (s) {
  case FP_STATE_MISSING: return "missing";
  case FP_STATE_SUBMITTED: return "submitted";
  case FP_STATE_VERIFIED: return "verified";
  case FP_STATE_EXPIRING_SOON: return "expiring_soon";
  case FP_STATE_EXPIRED: return "expired";
  case FP_STATE_REJECTED: return "rejected";
  }
  return "unknown";
}

/* A record counts on `day` when it is verified and not past its expiry date. */
static bool record_valid_on(const struct fp_check_record *r, fp_day day) {
  return r->status == FP_CHECK_VERIFIED && (r->expires_on == FP_DAY_NONE || day <= r->expires_on);
}

static bool compliant(const struct fp_elig_input *in, const char *code) {
  for (size_t i = 0; i < in->n_records; i++) {
    const struct fp_check_record *r = &in->records[i];
    /* The first letters first: most records are of another check (one call saved each). */
    if (r->code && r->code[0] == code[0] && strcmp(r->code, code) == 0 && record_valid_on(r, in->shift_day))
      return true;
  }
  return false;
}

void fp_eligibility(const struct fp_elig_input *in, struct fp_elig_result *out) {
  if (!out)
    return;
  memset(out, 0, sizeof *out);
  if (!in)
    return; /* not bookable, for no stated reason */
  if (!in->clinician_active)
    out->reasons |= FP_ELIG_INACTIVE;
  if (!in->profession || !in->role || strcmp(in->profession, in->role) != 0)
    out->reasons |= FP_ELIG_ROLE;
  if (!in->shares_pool)
    out->reasons |= FP_ELIG_NOT_IN_POOL;
  for (size_t i = 0; in->required && i < in->n_required; i++) {
    const char *code = in->required[i];
    if (!code)
      continue;
    if (in->records && compliant(in, code))
      continue;
    out->reasons |= FP_ELIG_CHECKS;
    if (in->missing_buf)
      in->missing_buf[out->n_missing] = code; /* room for n_required: the caller's promise */
    out->n_missing++;
  }
  out->missing = in->missing_buf;
  out->bookable = out->reasons == 0;
}
