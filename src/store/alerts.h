/*
 * alerts.h - shift alerts (issue 12, migration 27): clinicians' alert preferences, matching a shift
 * to the clinicians it fits, and delivering the alerts when they are due.
 *
 * Matching a shift (fp_store_alerts_match) does not look at every clinician: the candidates come
 * from the alert index (store/alert_index.h), which keeps every clinician's alert facts between
 * matches, their availability windows bucketed by the role they want alerts for and by weekday:
 * those alerted for the shift's role and rate with a window on its local weekday that contains its
 * start (or an extra day then). Each is decided by the core (core/alerts.h fp_alert_decide: the
 * preferences, fp_availability_covers, and the booking's own decision, fp_booking_decide, on the
 * eligibility from fp_store_eligibility_view and the clinician's own work from fp_store_work_check:
 * a blocked clinician, or one already booked then or past a working-time guard with it, is never
 * alerted). The alerts a match decides are written as one row of `alert_groups` (migration 30) for
 * each time they are due (core/alerts.h fp_alert_send_at: now, the end of someone's quiet hours, or
 * the 07:00 digest): the shift, the kind, and the clinicians as a JSON array of ids. A clinician is
 * never in two groups of one shift and kind: each match leaves out those already in one, inside its
 * write transaction (on PostgreSQL a SERIALIZABLE one, and only the server holding the upkeep lock
 * matches). Delivery (fp_store_alerts_deliver) goes through the due groups' clinicians in id order
 * and tells each through fp_store_notify (in-app and email, in the same transaction that moves the
 * group's done_upto past them, so never lost and never twice) - a clinician's due digest alerts as
 * one message - and drops those whose shift is no longer open.
 *
 * The upkeep (fp_store_alerts_upkeep, run by app/sweeper.c's alerts thread within a second of a
 * shift being posted on this server - fp_store_alerts_poke - and at least every minute, or every
 * --upkeep-interval when shorter) matches each open
 * shift not matched yet (a row in alert_scans per shift and kind), each open shift within 48 hours
 * once more as urgent, tells the practice once when a shift posted earlier is still unfilled 48
 * hours before its start, and delivers what is due. A shift released in tiers is matched again as
 * each later tier opens (the alerts already made are not repeated).
 */
#ifndef FP_STORE_ALERTS_H
#define FP_STORE_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alerts.h"

struct fp_conn;
struct fp_alert_index;

/* A clinician's preferences; *stored false when they set none (then the defaults). 0, FP_ENOTFOUND, FP_EIO. */
int fp_store_alert_prefs_get(struct fp_conn *c, int64_t clinician_id, struct fp_alert_prefs *out, bool *stored);
/* Replaces them (validated by the caller), audited as "alert_preferences.set". In a write transaction. */
int fp_store_alert_prefs_set(struct fp_conn *c, int64_t clinician_id, const struct fp_alert_prefs *p, int64_t actor,
                             int64_t now);
/* The same without the audit row: the demo's load, audited once as a whole (src/app/demo.c). */
int fp_store_alert_prefs_replace(struct fp_conn *c, int64_t clinician_id, const struct fp_alert_prefs *p, int64_t now);

/* What matching one shift did. */
struct fp_alert_match_stats {
  int candidates; /* from the indexes */
  int fitting;    /* the core said it fits */
  int written;    /* new alerts (not made before) */
  /* Where the time went (wall-clock ms; bench/alerts.c reports them): reading the shift and the
     candidates; each candidate's preferences and availability read and decided; whether the
     booking would take those who pass (eligibility, their own work, the booking's decision); and
     writing the alerts. */
  double candidates_ms, preferences_ms, booking_ms, write_ms;
  double near_ms; /* of booking_ms: reading who works within a day of the shift (one statement) */
};

/*
 * Matches shift_id (open, not started) for kind at now, with the clinicians' facts as ix holds them
 * (refreshed before, in a transaction of its own): writes an alert for every clinician it fits who
 * has none of that kind for it yet, and records the scan. In a write transaction. 0 (a shift no
 * longer open is recorded as scanned, with nothing written), FP_ENOTFOUND, FP_EIO, FP_ENOMEM, or
 * FP_EINVAL when ix was never refreshed (or its last refresh failed).
 */
int fp_store_alerts_match(struct fp_conn *c, struct fp_alert_index *ix, int64_t shift_id, enum fp_alert_kind kind,
                          int64_t now, struct fp_alert_match_stats *stats);
/* Records the shifts posted before posted_before and yet to start as matched, posted and urgent (no
   alerts for them): the demo's older shifts. Those already started need none (nothing matches them). */
int fp_store_alerts_scanned_before(struct fp_conn *c, int64_t posted_before, int64_t now);
/* Deletes the scans of shifts that have started (only shifts yet to start are matched, so their
   scans answer nothing any more): read from the scans, so the work is that of the shifts to come;
   *n says how many. */
int fp_store_alert_scans_prune(struct fp_conn *c, int64_t now, int64_t *n);

/*
 * Up to max ids (into ids, *n of them) of open shifts starting after now - and by `until` when not 0;
 * posted_early: only those posted more than 48 hours before their start - in the order they start,
 * with no scan of kind ("posted", "urgent", "unfilled") yet. A read.
 */
int fp_store_alerts_unscanned(struct fp_conn *c, const char *kind, int64_t now, int64_t until, bool posted_early, int max,
                              int64_t *ids, int *n);

/* Delivers every alert due at now (at most `max` messages a run); *sent the messages written. */
int fp_store_alerts_deliver(struct fp_conn *c, int64_t now, int max, int *sent);

/* Says that shifts were posted (call after the posting's commit): this process's alerts thread
   then matches them within a second instead of at its next regular run. Any thread. */
void fp_store_alerts_poke(void);
/* How many pokes this process has had (the alerts thread compares it with what it last saw). */
uint64_t fp_store_alerts_pokes(void);

/*
 * What the matching keeps of every clinician between matches (store/alert_index.h), kept current
 * from the store at each match: one per thread that matches (app/sweeper.c's alerts thread). A new,
 * empty one (loaded at its first match), or NULL; and freeing it.
 */
struct fp_alert_index *fp_alert_index_new(void);
void fp_alert_index_free(struct fp_alert_index *ix);

/* What a refresh did, for the benchmark. */
struct fp_alert_index_stats {
  bool full;        /* loaded every clinician */
  size_t reloaded;  /* clinicians read again */
  size_t clinicians;
};

/*
 * Brings ix up to the store: the whole of a write transaction of its own, before the matches that
 * use it (app/sweeper.c runs one before each alerts upkeep). 0, FP_ETOOBIG (a clinician holds more
 * alert roles than the limit: said on stderr), FP_ENOMEM or FP_EIO; then the index counts as never
 * loaded, and matching with it is refused until a refresh succeeds.
 */
int fp_alert_index_refresh(struct fp_conn *c, struct fp_alert_index *ix, struct fp_alert_index_stats *stats);

/* The upkeep step: the scans above (at most `max` shifts of each kind a run), then delivery (at most
 * max_messages). In a write transaction. */
int fp_store_alerts_upkeep(struct fp_conn *c, struct fp_alert_index *ix, int64_t now, int max, int max_messages);

#endif
