/*
 * calendar.h - the iCalendar feeds in the store: the secret feed URLs (only a hash of each URL's
 * key is kept) and the events each feed lists.
 *
 * A feed belongs to a user (a clinician's own bookings) or to an organisation (a practice's shifts).
 * Every URL shown stays valid until the owner renews the feed, which ends all of them; of the URLs no
 * calendar has fetched yet, only the newest FP_CAL_UNUSED_KEPT are kept (showing the page again mints
 * another, because only the key's hash is stored and the old URL cannot be shown twice).
 * Depends on core/ and the store's SQL only.
 */
#ifndef FP_STORE_CALENDAR_H
#define FP_STORE_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"

struct fp_conn;

#define FP_CAL_KEY_HASH_LEN 32
#define FP_CAL_UNUSED_KEPT 5
#define FP_CAL_PAST_DAYS 90    /* a feed lists events from this many days ago onwards */
#define FP_CAL_MAX_EVENTS 2000 /* and at most this many, the earliest first */

/*
 * Records a new URL (its key's hash) for the feed of user_id or of organisation_id (the other 0).
 * renew: every earlier URL of the feed ends first. Otherwise the feed's unused URLs beyond the newest
 * FP_CAL_UNUSED_KEPT - 1 end (those that a calendar fetched stay). 0 or a store error.
 */
int fp_store_calendar_mint(struct fp_conn *c, int64_t user_id, int64_t organisation_id,
                           const unsigned char hash[FP_CAL_KEY_HASH_LEN], int64_t created_by, fp_time now, bool renew);

/* The feed of a key's hash: its owner (user_id or organisation_id, the other 0) and whether a calendar
   has fetched it before. FP_ENOTFOUND when no live URL has that key. */
int fp_store_calendar_find(struct fp_conn *c, const unsigned char hash[FP_CAL_KEY_HASH_LEN], int64_t *user_id,
                           int64_t *organisation_id, bool *used);
/* Marks the URL as fetched by a calendar (it is then kept until the feed is renewed). */
int fp_store_calendar_mark_used(struct fp_conn *c, const unsigned char hash[FP_CAL_KEY_HASH_LEN], fp_time now);

/* One event of a feed, borrowed for the callback's duration. */
struct fp_cal_row {
  int64_t id;            /* the booking's (user feed) or the shift's (organisation feed) */
  fp_time starts_at, ends_at;
  fp_time created_at, changed_at; /* changed_at: the last change (SEQUENCE counts from created_at) */
  bool cancelled;        /* the booking was cancelled; the shift was withdrawn or cancelled */
  bool booked;           /* organisation feed: the shift is booked (or was worked) */
  const char *role;      /* the profession code */
  const char *practice_name, *practice_address, *practice_postcode;
  const char *clinician_name; /* organisation feed: who is booked ("" when nobody) */
  const char *description;    /* the shift's description */
};
typedef int (*fp_cal_row_fn)(void *ctx, const struct fp_cal_row *row);

/* The user's bookings (as a clinician, confirmed or cancelled) starting from `from`, earliest first. */
int fp_store_calendar_user_rows(struct fp_conn *c, int64_t user_id, fp_time from, fp_cal_row_fn fn, void *ctx);
/* The organisation's shifts starting from `from`, earliest first, with who is booked. */
int fp_store_calendar_org_rows(struct fp_conn *c, int64_t organisation_id, fp_time from, fp_cal_row_fn fn, void *ctx);

#endif
