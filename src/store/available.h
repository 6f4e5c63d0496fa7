/*
 * available.h - the candidates for "who is available" (issue 12): the clinicians of a practice's
 * pools, not blocked by it, active, of a profession, and with availability on that weekday or an
 * extra day then, in the order of fit (favourites first, then the most past sessions at the
 * practice, then the nearest home). This is a pre-filter only: whether the time lies inside each
 * one's availability is decided by the core (fp_availability_covers), and whether an offer would
 * book them (eligibility, their own bookings, working time) by fp_store_offer_would_book
 * (src/http/h_available.c).
 */
#ifndef FP_STORE_AVAILABLE_H
#define FP_STORE_AVAILABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"

struct fp_conn;

struct fp_candidate {
  int64_t clinician_id;
  char name[201];
  char profession[48];
  bool favourite;
  int64_t past_sessions;      /* confirmed bookings at the practice that have ended */
  bool has_home;              /* home postcode known */
  double lat, lon;
  int64_t travel_radius_km;   /* 0: not given */
  int64_t rank;               /* the order's key (fit); with clinician_id, the cursor */
};

struct fp_candidate_query {
  int64_t practice_id;
  const char *profession;     /* NULL: any */
  fp_time start;              /* the time wanted starts: past sessions are those ended by then */
  fp_day day_first, day_last; /* the UK local days it touches */
  bool practice_located;      /* practice lat/lon known */
  double lat, lon;
  bool has_after;             /* after (rank, clinician_id) */
  int64_t after_rank, after_id;
  int limit;                  /* at most this many, in order */
};

/* Hands up to q->limit candidates to cb in order; *more when others follow. */
int fp_store_available_candidates(struct fp_conn *c, const struct fp_candidate_query *q,
                                  void (*cb)(const struct fp_candidate *k, void *ctx), void *ctx, bool *more);

#endif
