/*
 * terms.h - terms of engagement (issue 13): what a clinician and a practice agree to with a
 * booking, and the cancellation fee they give.
 *
 * A clinician keeps their own terms; a pool publishes default terms. Which apply to a booking:
 * an instant booking runs on the pool's (the practice accepted them when it posted); a booking the
 * practice itself approved (it accepted an application, or it offered the shift) runs on the
 * clinician's own where they have any, else on the pool's (fp_terms_source). The terms in force
 * are copied into the booking when it is made, so both sides can later show what was agreed.
 *
 * Cancellation bands: a practice that cancels with less than `notice_hours` hours' notice owes
 * `fee_percent` % of the booking's fee; of the bands it falls inside, the shortest notice (the
 * highest fee) applies. Bands run from the longest notice to the shortest, each fee higher than
 * the one before, e.g. 168 hours 50 %, then 48 hours 100 % (written "168:50,48:100").
 * Depends on core/time.h.
 */
#ifndef FP_CORE_TERMS_H
#define FP_CORE_TERMS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"

#define FP_TERMS_MAX_BANDS 4
#define FP_TERMS_MAX_PAYMENT_DAYS 90
#define FP_TERMS_MAX_NOTICE_HOURS (28 * 24)
/* Days to pay when no terms say (and for bookings made before terms were kept). */
#define FP_TERMS_DEFAULT_PAYMENT_DAYS 30

struct fp_cancel_band {
  int32_t notice_hours; /* 1 .. FP_TERMS_MAX_NOTICE_HOURS */
  int32_t fee_percent;  /* 1 .. 100 */
};

struct fp_terms {
  int32_t payment_days; /* 1 .. FP_TERMS_MAX_PAYMENT_DAYS */
  int32_t n_bands;      /* 0 .. FP_TERMS_MAX_BANDS */
  struct fp_cancel_band bands[FP_TERMS_MAX_BANDS];
  bool mileage;  /* mileage may be claimed (45p a mile) */
  bool expenses; /* other expenses may be claimed */
};

/* Payment in FP_TERMS_DEFAULT_PAYMENT_DAYS, no cancellation fee, no mileage or expenses. */
struct fp_terms fp_terms_default(void);

/* 0, or FP_EINVAL with *field the offending one: "payment_days", "cancellation" (a band out of range,
   or not in order of shorter notice and higher fee). */
int fp_terms_validate(const struct fp_terms *t, const char **field);

/* Whose terms a booking runs on. */
enum fp_terms_source { FP_TERMS_POOL = 0, FP_TERMS_CLINICIAN };
/* The pool's for an instant booking; the clinician's own, where they have any, for a booking the
   practice approved (via_acceptance: an accepted application or an offer). */
enum fp_terms_source fp_terms_source(bool via_acceptance, bool clinician_has_terms);
const char *fp_terms_source_name(enum fp_terms_source s);
int fp_terms_source_parse(const char *s, enum fp_terms_source *out);

/*
 * What a practice owes for cancelling at `at` a booking of fee_pence that starts at starts_at:
 * fee_pence * percent / 100, rounded half up to the penny, where percent is that of the band with
 * the shortest notice that the cancellation falls inside (0 when none: notice at or over every
 * band's, or a cancellation after the start). *percent (may be NULL) receives it.
 */
int64_t fp_terms_cancellation_fee(const struct fp_terms *t, int64_t fee_pence, fp_time at, fp_time starts_at,
                                  int32_t *percent);

/* When the fee for cancelling rises next after `at`, for a booking that starts at starts_at: true
   with *when (the instant from which less notice is given than the next band asks: cancelling
   after it owes that band's fee) and *percent; false when it never rises again. */
bool fp_terms_fee_rises(const struct fp_terms *t, fp_time at, fp_time starts_at, fp_time *when, int32_t *percent);

/* The bands as text, "168:50,48:100" ("" for none), as kept in the database. */
#define FP_TERMS_BANDS_LEN (FP_TERMS_MAX_BANDS * 12 + 1)
void fp_terms_bands_format(const struct fp_terms *t, char buf[FP_TERMS_BANDS_LEN]);
/* Reads that text into t->bands and t->n_bands: 0, or FP_EINVAL (t untouched) for anything not
   written by fp_terms_bands_format from valid terms. */
int fp_terms_bands_parse(const char *s, struct fp_terms *t);

#endif
