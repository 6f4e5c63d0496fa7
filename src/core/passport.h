/*
 * passport.h - the clinician passport's pure rules: how long a check stays valid, which of a
 * clinician's records for one check decides its state on a day, expiry windows and how long a copy
 * of a DBS certificate may be kept.
 *
 * Day numbers are fp_day (days since 1970-01-01); "no expiry" is FP_DAY_NONE. A check is valid up
 * to and including its expiry day. "Now" and "on" are always parameters. Depends on
 * core/eligibility.h and core/time.h only (libc).
 */
#ifndef FP_CORE_PASSPORT_H
#define FP_CORE_PASSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/eligibility.h"
#include "core/time.h"

/* How a check type's expiry is decided. */
enum fp_validity {
  FP_VALIDITY_NONE = 0,   /* no expiry (an explicit date, e.g. a time-limited visa, is still honoured) */
  FP_VALIDITY_PERIOD,     /* a fixed period from the issue date: renewal_months */
  FP_VALIDITY_EXPLICIT,   /* the document states its expiry date (an indemnity policy's end) */
};

/* "none", "period", "explicit". */
const char *fp_validity_name(enum fp_validity v);
/* 0, or FP_EINVAL for anything else. */
int fp_validity_parse(const char *s, enum fp_validity *out);

/*
 * The day `months` calendar months after d, clamped to the end of a shorter month (31 January + 1
 * month = 28 or 29 February). months may be negative.
 */
fp_day fp_day_add_months(fp_day d, int months);

/* Why fp_check_expiry could not decide. */
enum fp_expiry_problem {
  FP_EXPIRY_OK = 0,
  FP_EXPIRY_NEEDS_ISSUED,        /* a period rule without an issue date */
  FP_EXPIRY_NEEDS_EXPIRY,        /* an explicit rule without an expiry date */
  FP_EXPIRY_BEFORE_ISSUE,        /* the expiry date is before the issue date */
};

/*
 * The last valid day of a record (FP_DAY_NONE for no expiry) from its type's rule and the dates
 * given (each FP_DAY_NONE when not given):
 *   none:     the explicit expiry if given, else no expiry;
 *   period:   the day before the issue date's anniversary `renewal_months` later (a 12-month course
 *             done on 10 March 2026 is valid to 9 March 2027), or the explicit expiry if earlier;
 *   explicit: the explicit expiry.
 * Returns FP_EXPIRY_OK with *out set, or the problem.
 */
enum fp_expiry_problem fp_check_expiry(enum fp_validity rule, int renewal_months, fp_day issued_on,
                                       fp_day expires_on, fp_day *out);

/*
 * Which record decides the state of check `code` on day `on`, from records in newest-first order:
 * the verified record valid on that day that lasts longest (the newest of equals); when none is
 * valid, the newest record of the code (a submitted renewal, a rejection, an expired verification).
 * Returns its index, or -1 when the clinician has no record of the code.
 */
int fp_passport_pick(const struct fp_check_record *recs, size_t n, const char *code, fp_day on);

/* Whether a record lasting to expires_on is still valid on `on` and ends within `days` days of it. */
bool fp_expires_within(fp_day expires_on, fp_day on, int days);

/*
 * When a copy kept for a limited time (a DBS certificate) must be gone: `months` calendar months
 * after the pool's decision at decided_at, at the same time of day (UTC).
 */
fp_time fp_retention_deadline(fp_time decided_at, int months);

/*
 * What a register extract says of one registrant (the GMC register, NHS England's Performers
 * List), from its status text and registration dates (FP_DAY_NONE when not given) on `today`.
 */
enum fp_standing {
  FP_STANDING_OK = 0,      /* registered with a licence; included */
  FP_STANDING_CONDITIONS,  /* included or registered with conditions: reported, not revoked */
  FP_STANDING_SUSPENDED,
  FP_STANDING_ERASED,      /* erased, removed, struck off */
  FP_STANDING_LAPSED,      /* lapsed or relinquished, or outside its registered dates */
  FP_STANDING_NO_LICENCE,  /* registered without a licence to practise */
  FP_STANDING_UNKNOWN,     /* a status this does not recognise: reported, not revoked */
};
enum fp_standing fp_register_standing(const char *status, fp_day registered_from, fp_day registered_until,
                                      fp_day today);
/* "ok", "conditions", "suspended", "erased", "lapsed", "no_licence", "unknown". */
const char *fp_standing_name(enum fp_standing s);
/* Whether the standing means the registration check no longer holds. */
bool fp_standing_revokes(enum fp_standing s);

#endif
