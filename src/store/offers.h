/*
 * offers.h - a practice's direct offers of its open shifts to pool clinicians (issue 12; table
 * offers, migration 28). What an offer is at a time (pending, lapsed, closed, ...) is the core's
 * decision (core/offer.h) from the stored row, its shift and now: every read here fills `state`
 * that way, and every status written is fp_offer_transition's answer. The messages an offer's
 * events send (fp_store_tell_offer_*) are written in the caller's write transaction, like
 * store/tell.h's. Who may send, accept, decline or withdraw is decided by the caller (src/http/h_offers.c).
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_OFFERS_H
#define FP_STORE_OFFERS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/offer.h"
#include "store/db.h"

struct fp_offer {
  int64_t id, shift_id, clinician_id, practice_id;
  enum fp_offer_state stored;   /* the row's status */
  enum fp_offer_state state;    /* fp_offer_state at the read's now */
  int64_t sent_by, sent_at, decided_at, booking_id;
  int64_t lapses_at;            /* fp_offer_lapses_at */
  /* The shift, joined. */
  int64_t starts_at, ends_at;
  bool shift_open;
  char role[48];
  char practice_name[201];
  char clinician_name[201];
  char booking_status[16];      /* the booking its acceptance made, as it is now ("confirmed", "cancelled"); "" when none */
};

/* The offer's facts for the core. */
struct fp_offer_facts fp_offer_facts_of(const struct fp_offer *o);

/* One offer with its state at now: 0, FP_ENOTFOUND, FP_EIO. */
int fp_store_offer_get(struct fp_conn *c, int64_t id, int64_t now, struct fp_offer *out);

/* Which offers: one clinician's, or one shift's (one of the two ids is set). */
struct fp_offer_query {
  int64_t clinician_id, shift_id;
  int64_t now;
  int limit;
  bool has_cursor;
  int64_t cursor_at, cursor_id;  /* the last row's (sent_at, id): the newest first */
};
int fp_store_offer_list(struct fp_conn *c, const struct fp_offer_query *q, void (*cb)(const struct fp_offer *o, void *ctx),
                        void *ctx, bool *more);

/* How many offers the shift has had, whatever became of them (FP_OFFER_MAX_PER_SHIFT). */
int fp_store_offer_count_for_shift(struct fp_conn *c, int64_t shift_id, int64_t *n);
/* Whether the clinician holds an offer for the shift that is pending at now. */
int fp_store_offer_live(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t now, bool *yes);

/* Sends an offer (status pending), audited as offer.create, and tells the clinician. In a write transaction. */
int fp_store_offer_insert(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t practice_id, int64_t actor,
                          int64_t now, int64_t *id);

/*
 * Moves offer o (as read in this transaction) by ev at now as fp_offer_transition decides:
 * *outcome FP_OFFER_OK when written (booking_id with FP_OEV_ACCEPT, else 0), audited as
 * offer.accept / offer.decline / offer.withdraw / offer.close; otherwise nothing is written.
 * FP_ECONFLICT when the row changed since it was read. In a write transaction.
 */
int fp_store_offer_move(struct fp_conn *c, const struct fp_offer *o, enum fp_offer_event ev, int64_t actor, int64_t now,
                        int64_t booking_id, enum fp_offer_outcome *outcome);

/* The offers of one shift still stored pending, as read (items[i]'s clinician's user is users[i]). */
struct fp_offer_list {
  struct fp_offer *items;
  int64_t *users;
  size_t n;
};
void fp_offer_list_release(struct fp_offer_list *l);

/*
 * The offers of shift_id still stored pending, with their state at now, into *out (released first;
 * as many as there are). The booking reads them before it writes anything (store/shifts.h
 * fp_store_book), the statement sent with its other reads by fp_store_offers_prefetch.
 */
void fp_store_offers_prefetch(struct fp_conn *c, int64_t shift_id);
int fp_store_offers_pending(struct fp_conn *c, int64_t shift_id, int64_t now, struct fp_offer_list *out);

/*
 * The shift was booked (through an offer, an application or directly): each of its offers in l (read
 * before the booking by fp_store_offers_pending) but `except` (the one accepted; 0: none) is closed,
 * and each clinician whose offer was pending at now (not lapsed) is told. In the booking's write
 * transaction. FP_ECONFLICT when one changed since it was read.
 */
int fp_store_offers_close(struct fp_conn *c, const struct fp_offer_list *l, int64_t except, int64_t actor, int64_t now);

/*
 * The practice blocked the clinician: each of its offers to them that is pending at now is
 * withdrawn (audited; the clinician is not told, as they are not told of the block). In the
 * block's write transaction.
 */
int fp_store_offers_withdraw_for_clinician(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, int64_t actor,
                                           int64_t now);
/*
 * A pool membership ended (a clinician's, or a practice's): each offer pending at now of practice_id
 * to clinician_id (0: any practice, any clinician) whose clinician is no longer in any of the
 * practice's pools - the rule it was sent under - is withdrawn (audited) and its clinician told.
 * In the removal's write transaction.
 */
int fp_store_offers_withdraw_unreachable(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, int64_t actor,
                                         int64_t now);
/*
 * The upkeep: each pending offer that lapsed unanswered, FP_OFFER_LIFETIME after it was sent
 * (core/offer.h decides), while its shift is still open and to come, tells the practice's
 * managers once, so that they can offer the shift to someone else (those that lapsed at the
 * shift's start are past helping). Every lapsed or closed offer looked at is marked told. At most
 * max (up to 64) a run; *told how many messages were written. In a write transaction.
 */
int fp_store_offers_lapses_tell(struct fp_conn *c, int64_t now, int max, int *told);
/* The clinician's account was deactivated: each of their offers pending at now is withdrawn (audited). */
int fp_store_offers_withdraw_all_to(struct fp_conn *c, int64_t clinician_id, int64_t actor, int64_t now);

/*
 * The messages: the clinician is told of an offer sent or withdrawn; the practice's managers of an
 * offer accepted (the clinician is booked) or declined. fp_store_tell_offer_accepted is also where
 * an `offer.accepted` webhook belongs: it runs once per accepted offer, in the booking's transaction.
 */
int fp_store_tell_offer_sent(struct fp_conn *c, int64_t offer_id, int64_t now);
int fp_store_tell_offer_withdrawn(struct fp_conn *c, int64_t offer_id, int64_t now);
int fp_store_tell_offer_accepted(struct fp_conn *c, int64_t offer_id, int64_t now);
int fp_store_tell_offer_declined(struct fp_conn *c, int64_t offer_id, int64_t now);

#endif
