/*
 * eligibility.h - may this clinician book this shift on its date? One pure function, and the
 * passport check states it relies on.
 *
 * A check record is valid on a day when it is verified and the day is on or before its expiry date
 * ("valid up to and including its expiry date"). Compliance is decided for the date of the shift
 * (the UK local day of its start), not merely today. Depends on core/time.h only.
 */
#ifndef FP_CORE_ELIGIBILITY_H
#define FP_CORE_ELIGIBILITY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/time.h"

#define FP_DAY_NONE INT32_MIN /* "no expiry" / "not set" */

/* What the pool has recorded for one check. */
enum fp_check_status { FP_CHECK_SUBMITTED = 1, FP_CHECK_VERIFIED = 2, FP_CHECK_REJECTED = 3 };

/* What a clinician and a practice see: the record's state on a given day. */
enum fp_check_state {
  FP_STATE_MISSING = 0,
  FP_STATE_SUBMITTED,
  FP_STATE_VERIFIED,
  FP_STATE_EXPIRING_SOON, /* verified, expires within 30 days of the day asked about */
  FP_STATE_EXPIRED,
  FP_STATE_REJECTED,
};

struct fp_check_record {
  const char *code;              /* "dbs", "cstf_bls", ... */
  enum fp_check_status status;
  fp_day expires_on;             /* FP_DAY_NONE for no expiry */
};

/* The state of a record (NULL = missing) on day `on`. */
enum fp_check_state fp_check_state_on(const struct fp_check_record *r, fp_day on);
/* "missing", "submitted", "verified", "expiring_soon", "expired", "rejected". */
const char *fp_check_state_name(enum fp_check_state s);

/* Reasons a booking is refused, as a bit set. */
enum {
  FP_ELIG_INACTIVE = 1u << 0,      /* the clinician's account is deactivated */
  FP_ELIG_ROLE = 1u << 1,          /* the shift's role is not the clinician's profession */
  FP_ELIG_NOT_IN_POOL = 1u << 2,   /* no pool shared with the practice */
  FP_ELIG_CHECKS = 1u << 3,        /* one or more required checks not valid on the shift's day */
};

struct fp_elig_input {
  const char *profession;        /* the clinician's profession code */
  bool clinician_active;
  bool shares_pool;              /* clinician and practice are members of a common pool */
  const char *role;              /* the shift's role code */
  fp_day shift_day;              /* UK local day of the shift's start */
  const char *const *required;   /* check codes the profession requires */
  size_t n_required;
  const struct fp_check_record *records; /* the clinician's records; at most one per code is used: the best */
  size_t n_records;
  const char **missing_buf;      /* room for n_required codes, where the missing ones go; NULL: count them only */
};

struct fp_elig_result {
  bool bookable;
  unsigned reasons;              /* FP_ELIG_* bits */
  size_t n_missing;              /* every required code not valid on the day: none is left out */
  const char *const *missing;    /* in->missing_buf holding them in `required` order (borrowed), or NULL */
};

/*
 * Decides eligibility. With several records for one code, the clinician is compliant for that code
 * if any verified record is valid on the day.
 */
void fp_eligibility(const struct fp_elig_input *in, struct fp_elig_result *out);

#endif
