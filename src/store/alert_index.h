/*
 * alert_index.h - what the shift alerts keep of every clinician between matches (issue 12: "alerting
 * for one shift in a pool of 20,000 clinicians takes under 5 ms of server time"), inside src/store.
 *
 * Matching a shift needs, for each clinician who could be alerted, their account (active, name),
 * profession, home location and travel radius, alert preferences and roles, availability pattern,
 * pools and passport records. Reading those again for every shift costs tens of milliseconds (a
 * median shift has two thousand candidates and forty thousand passport records). The index keeps
 * them in memory, with the availability windows bucketed by the role they want alerts for and by
 * weekday, sorted by their start, so a match reads only the clinicians alerted for the shift's role
 * and rate with a window containing its start on its weekday (or an extra day then).
 *
 * Kept current without trusting anyone to remember: the schema's triggers (migration 30) write the
 * id of every clinician whose facts a statement changed into alert_changes, in the transaction of
 * the change, and each refresh reloads those clinicians alone (all of them the first time, or when
 * the index went unrefreshed for half an hour). The refresh is a write transaction of its own, and
 * on PostgreSQL its first statement takes alert_changes in SHARE mode, which waits for the
 * transactions writing it to end and holds the next ones back until the refresh commits: no change
 * can commit unseen behind a later one (a snapshot taken before the lock could miss one for good).
 * A match then decides on the facts as of the refresh before it, a moment earlier. Rows are deleted an hour
 * after a refresh read past them (every index refreshes at least every minute: app/sweeper.c).
 *
 * The index only keeps facts. Every decision is still the core's (fp_alert_decide, the booking's
 * fp_booking_decide on the eligibility of fp_store_eligibility_view), on views made from them.
 * One index belongs to one thread (the alerts thread; the benchmark).
 */
#ifndef FP_STORE_ALERT_INDEX_H
#define FP_STORE_ALERT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alerts.h"
#include "core/availability.h"
#include "store/alerts.h"
#include "store/shifts.h"
#include "store/sql.h"

/* A clinician as the index keeps them. */
struct fp_alert_clin {
  int64_t id, user_id;
  bool active;
  char profession[48];
  char name[201];
  int64_t radius_km;
  bool has_home;
  double lat, lon;
  bool has_prefs;               /* they set their own (else prefs are the defaults) */
  struct fp_alert_prefs prefs;  /* the preferences that apply, with all their roles */
  struct fp_availability avail; /* into the two arrays below */
  struct fp_avail_window *windows;
  struct fp_avail_exception *exceptions;
  size_t n_pools;
  int64_t *pools;               /* the pools they are a member of, ascending */
  struct fp_checks records;     /* their passport records (no requirements) */
  unsigned mark;                /* a match's: seen already */
};

/* struct fp_alert_index, fp_alert_index_new, fp_alert_index_free and fp_alert_index_refresh:
   store/alerts.h (their callers are outside the store). */

/*
 * The clinicians alerted for role (their preferences' roles, by default their profession) at
 * hourly_pence (alerts on, asking no more) with an availability window on the weekday of UK local
 * day `day` that contains local minute start_min, or an extra day on `day` that does: each once, *n
 * of them into *out (an array the index owns, valid until its next refresh or call). A pre-filter
 * by the index's keys: the core decides each. 0 or FP_ENOMEM.
 */
int fp_alert_index_candidates(struct fp_alert_index *ix, const char *role, int64_t hourly_pence, fp_day day,
                              int start_min, struct fp_alert_clin ***out, size_t *n);

/* Whether ix was refreshed, its last refresh successfully. */
bool fp_alert_index_ready(const struct fp_alert_index *ix);

/* The stored preference columns, from column i: enabled, miles, pence, mode, quiet start, quiet end
   (store/alerts.c). */
void fp_alert_prefs_read_cols(fp_stmt *st, int i, struct fp_alert_prefs *p);

#endif
