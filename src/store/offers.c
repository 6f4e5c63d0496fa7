/* Direct offers. See offers.h. */
#include "store/offers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/booking.h"
#include "core/error.h"
#include "core/profession.h"
#include "store/accounts.h"
#include "store/marks.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/sql.h"
#include "store/tell.h"

#define OFFER_COLS                                                                                         \
  "x.id, x.shift_id, x.clinician_id, x.practice_id, x.status, COALESCE(x.sent_by,0), x.sent_at,"          \
  " COALESCE(x.decided_at,0), COALESCE(x.booking_id,0), s.starts_at, s.ends_at, s.status, s.role, o.name, u.name, u.id,"   \
  " b.status"
#define OFFER_FROM                                                                                         \
  " FROM offers x JOIN shifts s ON s.id = x.shift_id JOIN organisations o ON o.id = x.practice_id"        \
  " JOIN clinicians cl ON cl.id = x.clinician_id JOIN users u ON u.id = cl.user_id"                       \
  " LEFT JOIN bookings b ON b.id = x.booking_id"

struct fp_offer_facts fp_offer_facts_of(const struct fp_offer *o) {
  return (struct fp_offer_facts){o->stored, o->sent_at, o->starts_at, o->shift_open};
}

/* A row, its state decided at now; the clinician's user id into *user (may be NULL). */
static int read_offer(fp_stmt *st, int64_t now, struct fp_offer *o, int64_t *user) {
  memset(o, 0, sizeof *o);
  o->id = fp_col_int64(st, 0);
  o->shift_id = fp_col_int64(st, 1);
  o->clinician_id = fp_col_int64(st, 2);
  o->practice_id = fp_col_int64(st, 3);
  int rc = fp_offer_status_parse(fp_col_text(st, 4), &o->stored) == 0 ? 0 : FP_EIO;
  o->sent_by = fp_col_int64(st, 5);
  o->sent_at = fp_col_int64(st, 6);
  o->decided_at = fp_col_int64(st, 7);
  o->booking_id = fp_col_int64(st, 8);
  o->starts_at = fp_col_int64(st, 9);
  o->ends_at = fp_col_int64(st, 10);
  enum fp_shift_status shift;
  if (fp_shift_status_parse(fp_col_text(st, 11), &shift) != 0) rc = FP_EIO;
  o->shift_open = shift == FP_SHIFT_OPEN;
  if (!rc) rc = fp_db_col_copy(st, 12, o->role, sizeof o->role);
  if (!rc) rc = fp_db_col_copy(st, 13, o->practice_name, sizeof o->practice_name);
  if (!rc) rc = fp_db_col_copy(st, 14, o->clinician_name, sizeof o->clinician_name);
  if (user) *user = fp_col_int64(st, 15);
  if (!rc && !fp_col_null(st, 16)) rc = fp_db_col_copy(st, 16, o->booking_status, sizeof o->booking_status);
  o->lapses_at = fp_offer_lapses_at(o->sent_at, o->starts_at);
  struct fp_offer_facts f = fp_offer_facts_of(o);
  o->state = fp_offer_state(&f, now);
  return rc;
}

/* The offer and its clinician's user id. */
static int offer_get_user(struct fp_conn *c, int64_t id, int64_t now, struct fp_offer *out, int64_t *user) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT " OFFER_COLS OFFER_FROM " WHERE x.id = ?", fp_int(id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) rc = read_offer(st, now, out, user);
  else rc = rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  fp_reset(st);
  return rc;
}

int fp_store_offer_get(struct fp_conn *c, int64_t id, int64_t now, struct fp_offer *out) {
  return offer_get_user(c, id, now, out, NULL);
}

int fp_store_offer_list(struct fp_conn *c, const struct fp_offer_query *q, void (*cb)(const struct fp_offer *o, void *ctx),
                        void *ctx, bool *more) {
  *more = false;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " OFFER_COLS OFFER_FROM " WHERE (x.clinician_id = ?1 OR x.shift_id = ?2)"
      " AND (?3 = 0 OR x.sent_at < ?4 OR (x.sent_at = ?4 AND x.id < ?5))"
      " ORDER BY x.sent_at DESC, x.id DESC LIMIT ?6",
      fp_int(q->clinician_id ? q->clinician_id : -1), fp_int(q->shift_id ? q->shift_id : -1),
      fp_int(q->has_cursor ? 1 : 0), fp_int(q->cursor_at), fp_int(q->cursor_id), fp_int((int64_t)q->limit + 1));
  if (!st) return FP_EIO;
  int rc, n = 0, err = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == q->limit) {
      *more = true;
      break;
    }
    struct fp_offer o;
    if ((err = read_offer(st, q->now, &o, NULL)) != 0) break;
    cb(&o, ctx);
    n++;
  }
  fp_reset(st);
  if (err) return err;
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_offer_count_for_shift(struct fp_conn *c, int64_t shift_id, int64_t *n) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT COUNT(*) FROM offers WHERE shift_id = ?", fp_int(shift_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  *n = rc == FP_ROW ? fp_col_int64(st, 0) : 0;
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_store_offer_live(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t now, bool *yes) {
  *yes = false;
  fp_stmt *st = FP_DB_STMT(c, "SELECT " OFFER_COLS OFFER_FROM " WHERE x.shift_id = ? AND x.clinician_id = ?",
      fp_int(shift_id), fp_int(clinician_id));
  if (!st) return FP_EIO;
  int rc, err = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_offer o;
    if ((err = read_offer(st, now, &o, NULL)) != 0) break;
    if (o.state == FP_OFFER_PENDING) *yes = true;
  }
  fp_reset(st);
  if (err) return err;
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

/* Audits an offer's status from `from` (NULL: it was just sent) to `to`. */
static int audit_offer(struct fp_conn *c, int64_t id, const char *action, const enum fp_offer_state *from,
                       enum fp_offer_state to, int64_t actor, int64_t now) {
  char before[48], after[48];
  if (from) snprintf(before, sizeof before, "{\"status\":\"%s\"}", fp_offer_state_name(*from));
  snprintf(after, sizeof after, "{\"status\":\"%s\"}", fp_offer_state_name(to));
  return fp_store_audit(c, now, actor, action, "offer", id, from ? before : NULL, after);
}

int fp_store_offer_insert(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t practice_id, int64_t actor,
                          int64_t now, int64_t *id) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO offers (shift_id, clinician_id, practice_id, status, sent_by, sent_at)"
      " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      fp_int(shift_id), fp_int(clinician_id), fp_int(practice_id), fp_txt(fp_offer_state_name(FP_OFFER_PENDING)),
      fp_id(actor), fp_int(now));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) *id = fp_col_int64(st, 0);
  fp_reset(st);
  if (rc != FP_ROW) return rc == FP_DONE ? FP_EIO : rc;
  if ((rc = audit_offer(c, *id, "offer.create", NULL, FP_OFFER_PENDING, actor, now)) != 0) return rc;
  return fp_store_tell_offer_sent(c, *id, now);
}

static const char *move_action(enum fp_offer_event ev) {
  switch (ev) {
  case FP_OEV_ACCEPT: return "offer.accept";
  case FP_OEV_DECLINE: return "offer.decline";
  case FP_OEV_WITHDRAW: return "offer.withdraw";
  case FP_OEV_CLOSE: break;
  }
  return "offer.close";
}

int fp_store_offer_move(struct fp_conn *c, const struct fp_offer *o, enum fp_offer_event ev, int64_t actor, int64_t now,
                        int64_t booking_id, enum fp_offer_outcome *outcome) {
  struct fp_offer_facts f = fp_offer_facts_of(o);
  enum fp_offer_state to;
  if ((*outcome = fp_offer_transition(&f, ev, now, &to)) != FP_OFFER_OK) return 0;
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE offers SET status = ?, decided_by = ?, decided_at = ?, booking_id = ?"
      " WHERE id = ? AND status = ?",
      fp_txt(fp_offer_state_name(to)), fp_id(actor), fp_int(now), fp_id(booking_id), fp_int(o->id),
      fp_txt(fp_offer_state_name(o->stored)));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  return audit_offer(c, o->id, move_action(ev), &o->stored, to, actor, now);
}

/* Every offer of a shift, in id order. Those not pending are passed over in C (fp_store_offers_pending):
   a shift has few, and on SQLite a bound `status = ?` that the partial index offers_pending
   (status = 'pending') might answer makes the statement prepared again at every run, a tenth of the
   writer's time under booking load. */
static fp_stmt *shift_offers_stmt(struct fp_conn *c, int64_t shift_id) {
  return FP_DB_STMT(c, "SELECT " OFFER_COLS OFFER_FROM " WHERE x.shift_id = ? ORDER BY x.id", fp_int(shift_id));
}

void fp_store_offers_prefetch(struct fp_conn *c, int64_t shift_id) { fp_db_prefetch(shift_offers_stmt(c, shift_id)); }

void fp_offer_list_release(struct fp_offer_list *l) {
  free(l->items);
  free(l->users);
  memset(l, 0, sizeof *l);
}

int fp_store_offers_pending(struct fp_conn *c, int64_t shift_id, int64_t now, struct fp_offer_list *out) {
  fp_offer_list_release(out);
  fp_stmt *st = shift_offers_stmt(c, shift_id);
  if (!st) return FP_EIO;
  int rc, err = 0;
  size_t cap = 0;
  struct fp_offer o;
  int64_t user;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    if ((err = read_offer(st, now, &o, &user)) != 0 || o.stored != FP_OFFER_PENDING) continue;
    if (out->n == cap) {
      size_t ncap = cap ? 2 * cap : 4;
      struct fp_offer *items = realloc(out->items, ncap * sizeof *items);
      if (items) out->items = items;
      int64_t *users = items ? realloc(out->users, ncap * sizeof *users) : NULL;
      if (!users) {
        err = FP_ENOMEM;
        break;
      }
      out->users = users;
      cap = ncap;
    }
    out->items[out->n] = o;
    out->users[out->n++] = user;
  }
  fp_reset(st);
  if (!err && rc != FP_DONE) err = FP_EIO;
  if (err) fp_offer_list_release(out);
  return err;
}

int fp_store_offers_close(struct fp_conn *c, const struct fp_offer_list *l, int64_t except, int64_t actor, int64_t now) {
  for (size_t i = 0; i < l->n; i++) {
    const struct fp_offer *o = &l->items[i];
    if (o->id == except) continue;
    /* The shift is booked now, so each reads closed; those that had not lapsed are worth telling. */
    bool was_live = now < o->lapses_at;
    enum fp_offer_outcome out;
    int rc = fp_store_offer_move(c, o, FP_OEV_CLOSE, actor, now, 0, &out);
    if (rc) return rc;
    if (out != FP_OFFER_OK) return FP_ECONFLICT;
    if (!was_live) continue;
    char when[64], subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1];
    fp_store_when_text(o->starts_at, o->ends_at, when, sizeof when);
    const struct fp_profession *p = fp_profession_find(o->role);
    snprintf(subject, sizeof subject, "Offer closed: %s", when);
    snprintf(text, sizeof text, "The %s shift at %s on %s has been filled, so the offer to you is closed.",
             p ? p->name : o->role, o->practice_name, when);
    if ((rc = fp_store_notify(c, l->users[i], "offer.closed", subject, text, "/offers", now)) != 0) return rc;
  }
  return 0;
}

/* Why withdraw_where takes offers back: whom it tells, and which of the offers it looks at. */
enum withdraw_why {
  WITHDRAW_BLOCKED, /* the practice blocked the clinician: every one, nobody told (as of the block) */
  WITHDRAW_LEFT,    /* a pool membership ended: those whose clinician is in none of the practice's pools now, told */
  WITHDRAW_GONE,    /* the clinician's account was deactivated: every one, nobody told (they cannot read it) */
};

static int tell_withdrawn(struct fp_conn *c, int64_t offer_id, bool left, int64_t now);

/* Withdraws the offers pending at now of practice_id to clinician_id (0: any practice, any
   clinician) that why says, in batches by id, each batch read before any of it is written. */
static int withdraw_where(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, enum withdraw_why why,
                          int64_t actor, int64_t now) {
  enum { BATCH = 64 };
  int64_t after = 0;
  for (;;) {
    struct fp_offer batch[BATCH];
    int n = 0, rc = FP_DONE, err = 0;
    fp_stmt *st = FP_DB_STMT(c,
        "SELECT " OFFER_COLS OFFER_FROM " WHERE (?1 = 0 OR x.practice_id = ?1)"
        " AND (?2 = 0 OR x.clinician_id = ?2) AND x.status = ?3 AND x.id > ?4 ORDER BY x.id LIMIT 64",
        fp_int(practice_id), fp_int(clinician_id), fp_txt(fp_offer_state_name(FP_OFFER_PENDING)), fp_int(after));
    if (!st) return FP_EIO;
    while ((rc = fp_step(st)) == FP_ROW)
      if ((err = read_offer(st, now, &batch[n], NULL)) != 0 || ++n == BATCH) break;
    fp_reset(st);
    if (err) return err;
    if (rc != FP_ROW && rc != FP_DONE) return FP_EIO;
    for (int i = 0; i < n; i++) {
      after = batch[i].id;
      if (batch[i].state != FP_OFFER_PENDING) continue; /* lapsed, or its shift not open: nothing to take back */
      if (why == WITHDRAW_LEFT) { /* the rule the offer was sent under (h_offers.c) */
        bool in_pools = false;
        if ((rc = fp_store_clinician_in_practice_pools(c, batch[i].clinician_id, batch[i].practice_id, &in_pools)) != 0)
          return rc;
        if (in_pools) continue;
      }
      enum fp_offer_outcome out;
      if ((rc = fp_store_offer_move(c, &batch[i], FP_OEV_WITHDRAW, actor, now, 0, &out)) != 0) return rc;
      if (out == FP_OFFER_OK && why == WITHDRAW_LEFT && (rc = tell_withdrawn(c, batch[i].id, true, now)) != 0) return rc;
    }
    if (n < BATCH) return 0;
  }
}

int fp_store_offers_withdraw_for_clinician(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, int64_t actor,
                                           int64_t now) {
  return withdraw_where(c, practice_id, clinician_id, WITHDRAW_BLOCKED, actor, now);
}

int fp_store_offers_withdraw_unreachable(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, int64_t actor,
                                         int64_t now) {
  return withdraw_where(c, practice_id, clinician_id, WITHDRAW_LEFT, actor, now);
}

int fp_store_offers_withdraw_all_to(struct fp_conn *c, int64_t clinician_id, int64_t actor, int64_t now) {
  return clinician_id ? withdraw_where(c, 0, clinician_id, WITHDRAW_GONE, actor, now) : 0;
}

int fp_store_offers_lapses_tell(struct fp_conn *c, int64_t now, int max, int *told) {
  *told = 0;
  /* Pending offers not looked at yet whose 24 hours are over or whose shift has started (a
     prefilter: the core decides each). */
  fp_stmt *st = fp_db_stmt(c, "SELECT " OFFER_COLS OFFER_FROM " WHERE x.status = ?1 AND x.lapse_told_at IS NULL"
                              " AND (x.sent_at <= ?2 OR s.starts_at <= ?3) ORDER BY x.sent_at, x.id LIMIT ?4");
  if (!st) return FP_EIO;
  enum { BATCH = 64 };
  if (max > BATCH) max = BATCH;
  struct fp_offer batch[BATCH];
  int n = 0, rc = FP_DONE, err = 0;
  fp_bind_text(st, 1, fp_offer_state_name(FP_OFFER_PENDING));
  fp_bind_int64(st, 2, now - FP_OFFER_LIFETIME);
  fp_bind_int64(st, 3, now);
  fp_bind_int64(st, 4, max);
  while (n < max && (rc = fp_step(st)) == FP_ROW)
    if ((err = read_offer(st, now, &batch[n], NULL)) != 0 || ++n == max) break;
  fp_reset(st);
  if (err) return err;
  if (rc != FP_ROW && rc != FP_DONE) return FP_EIO;
  for (int i = 0; i < n; i++) {
    const struct fp_offer *o = &batch[i];
    if (o->state != FP_OFFER_LAPSED && o->state != FP_OFFER_CLOSED) continue; /* not yet (cannot happen) */
    /* Told only when it lapsed by its 24 hours with the shift still open and to come. */
    if (o->state == FP_OFFER_LAPSED && o->lapses_at < o->starts_at && now < o->starts_at) {
      char when[64], subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64];
      fp_store_when_text(o->starts_at, o->ends_at, when, sizeof when);
      const struct fp_profession *p = fp_profession_find(o->role);
      snprintf(subject, sizeof subject, "Offer lapsed: %s", when);
      snprintf(text, sizeof text,
               "%s did not answer your offer of the %s shift on %s within 24 hours, so it has lapsed. The shift is still "
               "open: you could offer it to someone else.",
               o->clinician_name, p ? p->name : o->role, when);
      snprintf(link, sizeof link, "/practice/shifts/%lld", (long long)o->shift_id);
      if ((rc = fp_store_notify_practice(c, o->practice_id, "offer.lapsed", subject, text, link, now)) != 0) return rc;
      (*told)++;
    }
    if ((rc = FP_DB_RUN_INTS(c, "UPDATE offers SET lapse_told_at = ? WHERE id = ?", now, o->id)) != 0) return rc;
  }
  return 0;
}

/* Messages ----------------------------------------------------------------------------------- */

struct told {
  struct fp_offer o;
  int64_t user;
  char when[64];
  const char *role; /* the profession's name */
};

static int told_of(struct fp_conn *c, int64_t offer_id, int64_t now, struct told *t) {
  int rc = offer_get_user(c, offer_id, now, &t->o, &t->user);
  if (rc) return rc;
  fp_store_when_text(t->o.starts_at, t->o.ends_at, t->when, sizeof t->when);
  const struct fp_profession *p = fp_profession_find(t->o.role);
  t->role = p ? p->name : t->o.role;
  return 0;
}

int fp_store_tell_offer_sent(struct fp_conn *c, int64_t offer_id, int64_t now) {
  struct told t;
  int rc = told_of(c, offer_id, now, &t);
  if (rc) return rc;
  char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], lapse[64];
  fp_store_when_text(t.o.lapses_at, t.o.lapses_at, lapse, sizeof lapse);
  char *to = strstr(lapse, " to "); /* one instant: "Tue 8 Dec 2026, 09:00" */
  if (to) *to = '\0';
  snprintf(subject, sizeof subject, "Shift offered to you: %s", t.when);
  snprintf(text, sizeof text,
           "%s offers you their %s shift on %s. Accept it to be booked, or decline it, on your Offers page. The first"
           " person to accept is booked. The offer lapses at %s.",
           t.o.practice_name, t.role, t.when, lapse);
  return fp_store_notify(c, t.user, "offer.created", subject, text, "/offers", now);
}

/* The clinician is told their offer was withdrawn: by the practice, or as they are no longer in
   any of its pools (left). */
static int tell_withdrawn(struct fp_conn *c, int64_t offer_id, bool left, int64_t now) {
  struct told t;
  int rc = told_of(c, offer_id, now, &t);
  if (rc) return rc;
  char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1];
  snprintf(subject, sizeof subject, "Offer withdrawn: %s", t.when);
  if (left)
    snprintf(text, sizeof text, "The offer of the %s shift at %s on %s is withdrawn: you are no longer in any of its pools.",
             t.role, t.o.practice_name, t.when);
  else
    snprintf(text, sizeof text, "%s withdrew their offer of the %s shift on %s.", t.o.practice_name, t.role, t.when);
  return fp_store_notify(c, t.user, "offer.withdrawn", subject, text, "/offers", now);
}

int fp_store_tell_offer_withdrawn(struct fp_conn *c, int64_t offer_id, int64_t now) {
  return tell_withdrawn(c, offer_id, false, now);
}

/* The practice's managers are told that the clinician accepted (and is booked) or declined. */
static int tell_practice(struct fp_conn *c, int64_t offer_id, bool accepted, int64_t now) {
  struct told t;
  int rc = told_of(c, offer_id, now, &t);
  if (rc) return rc;
  char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64];
  snprintf(subject, sizeof subject, "Offer %s: %s", accepted ? "accepted" : "declined", t.when);
  snprintf(text, sizeof text, "%s %s your offer of the %s shift on %s%s.", t.o.clinician_name,
           accepted ? "accepted" : "declined", t.role, t.when, accepted ? " and is booked" : "");
  snprintf(link, sizeof link, "/practice/shifts/%lld", (long long)t.o.shift_id);
  return fp_store_notify_practice(c, t.o.practice_id, accepted ? "offer.accepted" : "offer.declined", subject, text,
                                  link, now);
}

/* An `offer.accepted` webhook (issue 12) belongs here: once per accepted offer, in the booking's
   own transaction, through the same outbox. */
int fp_store_tell_offer_accepted(struct fp_conn *c, int64_t offer_id, int64_t now) {
  return tell_practice(c, offer_id, true, now);
}

int fp_store_tell_offer_declined(struct fp_conn *c, int64_t offer_id, int64_t now) {
  return tell_practice(c, offer_id, false, now);
}
