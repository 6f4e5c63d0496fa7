/*
 * shifts.h - shifts, bookings and applications in the store, and the booking transaction.
 *
 * The booking transaction loads everything the core's booking decision needs inside the write
 * lock (BEGIN IMMEDIATE), asks the pure core, and writes only when it says yes. The database's own
 * unique index and trigger refuse a second active booking of a shift and overlapping bookings of a
 * clinician even if the C were wrong.
 */
#ifndef FP_STORE_SHIFTS_H
#define FP_STORE_SHIFTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/booking.h"
#include "core/release.h"
#include "core/terms.h"
#include "core/timesheet.h"
#include "core/working_time.h"
#include "core/eligibility.h"
#include "store/db.h"
#include "store/offers.h"
#include "store/scope.h"
#include "store/webhooks.h"

struct fp_shift {
  int64_t id, practice_id, icb_id, series_id;
  char role[48];
  int64_t starts_at, ends_at;
  int64_t break_minutes;
  int64_t rate_pence;
  char rate_unit[8];
  int64_t hourly_pence;
  char booking_mode[10];
  char location_type[8];
  char description[2001];
  char status[20]; /* core/booking.h's names ("awaiting_approval" the longest) */
  bool has_location;
  double lat, lon;
  int64_t created_by, created_at, updated_at;
  /* Its release (core/release.h): to all at posting or in tiers, and the instants the core's
     fp_release_decide gave for its pool and the overflow pools (FP_RELEASE_NEVER: never). */
  enum fp_release_mode release_mode;
  int64_t pool_opens_at, overflow_opens_at;
  /* Joined for display. */
  char practice_name[201];
  char practice_postcode[9];
  int64_t booking_id;           /* the active booking, 0 when none */
  int64_t booked_clinician_id;
  bool has_distance;
  double distance_km;           /* set by searches near a postcode */
  /*
   * Searches with q->listed only: the shift's listing (JSON of the fields only posting or editing
   * changes; see migration 8), valid during the search's callback; then only id, practice_id,
   * starts_at, status, location and updated_at, and the joined fields, are read besides. NULL from
   * every other read.
   */
  const char *listing;
  size_t listing_len;
};

struct fp_shift_query {
  const struct fp_scope *scope;
  unsigned statuses;            /* a bit (1u << enum fp_shift_status) per status wanted; 0: any */
  const char *role;
  int64_t series_id;            /* 0: any; else the shifts of this weekly series */
  const char *q;                /* NULL: any; else the practice's name or the details contain it
                                   (ASCII case ignored; at most 100 bytes, refused longer where it comes in) */
  bool latest_first;            /* (starts_at, id) descending instead of ascending; the cursor is the same */
  bool has_from, has_to;
  int64_t from, to;
  int64_t practice_id, pool_id, min_rate_pence;
  bool near;
  double lat, lon, radius_km;
  int limit;
  bool has_cursor;
  int64_t cursor_start, cursor_id;
  bool listed; /* rows as listings (see struct fp_shift): what a JSON answer needs, read faster */
};

/* Inserts s in its status (core/booking.h fp_shift_published_status; "" is open); *id receives the id. */
int fp_store_shift_insert(struct fp_conn *c, const struct fp_shift *s, int64_t now, int64_t *id);
/* The shift if scope sees it (NULL scope: any). FP_ENOTFOUND otherwise. */
int fp_store_shift_get(struct fp_conn *c, int64_t id, const struct fp_scope *scope, struct fp_shift *out);
/*
 * The shift's own row, not looking for its confirmed booking (booking_id and booked_clinician_id
 * 0): for a write that decides on the status alone. On PostgreSQL the join to bookings would read
 * the bookings index where every concurrent booking inserts, and fail their serialization.
 */
int fp_store_shift_get_own(struct fp_conn *c, int64_t id, struct fp_shift *out);
/*
 * Locks the shift for the rest of the write transaction by writing its row (its own updated_at:
 * no trigger, index or listing sees it), and reads it as fp_store_shift_get_own does: first thing
 * in a transaction whose decision depends on the shift's state (booking, applying). On PostgreSQL
 * a concurrent writer of the row waits, and a SERIALIZABLE one that read it before it was written
 * fails and runs again (db.h fp_store_write_locking). On SQLite, where write transactions run one
 * at a time, only the read. 0 or FP_ENOTFOUND.
 */
int fp_store_shift_lock_get(struct fp_conn *c, int64_t id, struct fp_shift *out);
/*
 * The booking's locks (db.h fp_store_write_locking): the clinician's (fp_store_clinician_lock) and
 * the shift's, and the shift read as fp_store_shift_get_own does, in one statement, with the id the
 * booking will have (*booking_id, from its sequence, so that its row can go to the server with the
 * writes after it). On SQLite only the read, and *booking_id 0 (the insert gives it). 0 or
 * FP_ENOTFOUND.
 */
int fp_store_shift_lock_for_booking(struct fp_conn *c, int64_t id, int64_t clinician_id, struct fp_shift *out,
                                    int64_t *booking_id);
/* Its statement sent first (sql.h fp_db_send_first), before the reads the booking sends early, so
   that they go to the server with it in one round trip and run after its locks. Nothing on SQLite. */
void fp_store_shift_lock_send(struct fp_conn *c, int64_t id, int64_t clinician_id);
/*
 * The same for a clinician's side of a booking decision (their bookings, passport, pools): writes
 * their row of booking_guards. The booking takes it before it reads any of these; a passport
 * re-examination, which flags the clinician's future bookings on what their passport now says,
 * takes it before it reads their bookings. 0 or a store error. On SQLite nothing (one writer).
 */
int fp_store_clinician_lock(struct fp_conn *c, int64_t clinician_id);
/* Writes the editable fields and status back, and the tiers' opening instants for its start (the
   core's fp_release_decide with the practice's delays). */
int fp_store_shift_update(struct fp_conn *c, const struct fp_shift *s, int64_t now);
/* A practice's release delays (core/release.h). 0, FP_ENOTFOUND or FP_EIO. */
int fp_store_release_delays_get(struct fp_conn *c, int64_t practice_id, struct fp_release_delays *out);
/* Sets them (checked by the caller: fp_release_delays_invalid), and moves the opening instants of
   the practice's upcoming open or booked tiered shifts to what the core decides with them. */
int fp_store_release_delays_set(struct fp_conn *c, int64_t practice_id, const struct fp_release_delays *d, int64_t now);
/* Shifts that have ended and that the core's state machine lets complete (booked ones) become
   completed, audited (the sweeper calls this). *n receives the count. */
int fp_store_shifts_complete(struct fp_conn *c, int64_t now, int *n);
/* A new series id (one more than the largest). */
int fp_store_series_next(struct fp_conn *c, int64_t *series_id);
/*
 * Searches in (starts_at, id) order (descending with q->latest_first); calls cb for each of up to
 * q->limit rows. *more is set when further rows exist, with the last row returned as the cursor.
 */
int fp_store_shift_search(struct fp_conn *c, const struct fp_shift_query *q,
                          void (*cb)(const struct fp_shift *s, void *ctx), void *ctx, bool *more);

struct fp_booking {
  int64_t id, shift_id, clinician_id, practice_id;
  int64_t starts_at, ends_at;
  char status[12];
  int64_t fee_pence;
  int64_t created_at;
  char cancelled_by[12];
  int64_t cancelled_at;
  char reason[501];
  bool late;
  char flags[64];
  char attendance[16];          /* "" (nothing recorded) or "did_not_attend" */
  int64_t attendance_at;
  int64_t pool_id;              /* the pool whose passport requirements the booking met (0: none recorded) */
  /* Joined. */
  int32_t break_minutes;        /* the shift's unpaid break */
  char role[48];
  char practice_name[201];
  char clinician_name[201];
  int64_t rate_pence;           /* the shift's rate, per rate_unit */
  char rate_unit[12];
  /* Its timesheet's row (core/timesheet.h), when the clinician has submitted one. */
  struct fp_booking_timesheet {
    bool has_row;
    char state[16];
    int64_t actual_start, actual_end;
    int32_t break_minutes;
    int64_t fee_pence;
    int64_t submitted_at, decided_at, decided_by; /* decided_by 0 on an approved row: approved by itself */
    bool by_clinician;         /* decided by the booked clinician: queried because they credited its invoice */
    char query_reason[501];
    int32_t auto_approve_days; /* the practice's (0: never approved by itself) */
    int32_t miles;             /* mileage claimed with it (core/timesheet.h fp_ts_claims) */
    int64_t expenses_pence;    /* other expenses claimed, with what they were */
    char expenses_note[201];
    /* The invoice its approval issued (store/invoices.h): invoice_id 0 when none. */
    int64_t invoice_id, invoice_number;
    char invoice_status[16];
    int64_t invoice_due_on, invoice_paid_at; /* due_on a UK day; paid_at 0 until paid */
  } ts;
  /* The terms of engagement it runs on (core/terms.h), copied in when it was made: source "" for a
     booking made before terms were kept. */
  struct fp_booking_terms {
    char source[12]; /* "pool" or "clinician" */
    int32_t payment_days;
    char cancellation[FP_TERMS_BANDS_LEN]; /* the bands as fp_terms_bands_format writes them */
    bool mileage, expenses;
  } terms;
  int64_t cancellation_fee_pence; /* owed under them for the practice's cancellation (0: none) */
};

/*
 * The clinician's passport as the eligibility function needs it, in one pool: the check codes
 * required there and every record of the clinician, newest first. All of them, however many:
 * nothing is cut to fit (limits are enforced where evidence comes in, in h_passport.c). The
 * booking, the passport view, a pool's compliance and the re-examination of bookings all decide
 * through fp_store_passport_decide, so they cannot disagree. Implemented in passport.c.
 *
 * The caller owns the struct: zero it (or fp_checks_init) before the first load, and
 * fp_checks_release it after the last; a load reuses what an earlier one allocated.
 */
struct fp_checks {
  int64_t pool_id;                 /* the pool whose requirements these are (0: the baseline alone) */
  size_t n_required, cap_required;
  char **required;                 /* owned, in catalogue order */
  bool *from_baseline;             /* per required code: the national baseline's (else the pool's own) */
  const char **missing_buf;        /* room for n_required: where the core writes the missing codes */
  size_t n_records, cap_records;
  struct fp_check_record *records; /* newest first; each code owned */
  int64_t *record_ids;             /* the id of each record */
  bool borrowed;                   /* the arrays are another's (fp_checks_borrow): release forgets them */
};
void fp_checks_init(struct fp_checks *k);
void fp_checks_release(struct fp_checks *k);
/* Points in's required, records and missing_buf at k. */
void fp_checks_input(const struct fp_checks *k, struct fp_elig_input *in);
/* Loads the clinician's records and what profession requires in pool_id (0: the baseline alone). */
int fp_store_checks_load(struct fp_conn *c, int64_t clinician_id, const char *profession, int64_t pool_id,
                         struct fp_checks *k);
/* Sends fp_store_checks_load's read of the clinician's records early (sql.h fp_db_prefetch). */
void fp_store_checks_prefetch(struct fp_conn *c, int64_t clinician_id);
/* The same in parts, for deciding for many clinicians at once (store/alert_index.c): the records
   of n clinicians (ids ascending, each once) in one statement into out[i] (zeroed); what profession
   requires in pool_id into k. And k made of the records of one and the requirements of another
   without copying them (both must outlive k's use; k's missing codes are counted, not listed). */
int fp_store_checks_records_many(struct fp_conn *c, const int64_t *ids, size_t n, struct fp_checks *out);
/* The same as they stood just before instant `before` (for a past day's figures, store/metrics.c):
   only records submitted before it, and any decided at or after it as still submitted (so a record
   decided again since counts as not valid then). */
int fp_store_checks_records_many_before(struct fp_conn *c, const int64_t *ids, size_t n, int64_t before,
                                        struct fp_checks *out);
int fp_store_checks_require(struct fp_conn *c, const char *profession, int64_t pool_id, struct fp_checks *k);
void fp_checks_borrow(struct fp_checks *k, const struct fp_checks *records, const struct fp_checks *required);

/*
 * One clinician's side of the eligibility decision, read once and kept for as many shifts as they
 * look at in one read (a page of a search): their account and profession, and, loaded when first
 * needed, each pool's requirements with their records and the pools they share with each practice.
 * The caller owns it: zero it and set clinician_id before the first decision, fp_elig_view_release
 * after the last. Set every_practice when the view will decide shifts of many practices (a search):
 * the pools the clinician shares with every practice are then read at once, in one statement,
 * instead of one practice at a time.
 */
struct fp_elig_pool {
  int64_t pool_id;                 /* 0: the national baseline alone */
  struct fp_checks checks;
};
struct fp_elig_shared {
  int64_t practice_id;
  size_t n;
  int64_t *pools;                  /* owned: the pools the clinician shares with the practice */
  /* For shifts released in tiers, looked up the first time one needs them: */
  int mark;                        /* 0 not read; 1 none; 2 a favourite; 3 blocked */
  bool practice_pools_loaded;
  size_t n_practice_pools;
  int64_t *practice_pools;         /* owned: the practice's pools in its ICB (whose checks overflow meets) */
};
struct fp_elig_view {
  int64_t clinician_id;
  bool every_practice;             /* read the pools shared with every practice at the first decision */
  bool shared_complete;            /* shared holds every practice the clinician shares a pool with */
  bool loaded;                     /* the four facts below are read (a caller that read them itself may set them) */
  char profession[48];
  bool active;
  int64_t user_id;                 /* their account, and its name (for the messages a booking sends) */
  char name[201];
  size_t n_pools, cap_pools;
  struct fp_elig_pool *pools;      /* owned */
  size_t n_shared, cap_shared;
  struct fp_elig_shared *shared;   /* owned */
  int64_t now;                     /* the time of the decision: which tiers of a release are open */
  /* The booking's shift (store/bookings.c book), whose practice's shared pools are read by naming
     the shift (the statement sent with its locks): id 0, none. */
  struct {
    int64_t id, practice_id;
  } shift_hint;
  bool overflow_loaded;            /* overflow_icbs read */
  int n_overflow_icbs;             /* the ICBs of the clinician's pools that opted in to overflow */
  int64_t overflow_icbs[16];
};
void fp_elig_view_release(struct fp_elig_view *v);
/*
 * Makes v (its clinician's facts set, v->loaded) ready for shifts of practice_id from what a caller
 * keeps between decisions (store/alert_index.c): the n pools the clinician shares with the practice
 * (none when it blocked them), and for each, their passport records and what their profession
 * requires there (required[j], for pools[j]), borrowed, as fp_store_eligibility_view would read
 * them. What v held before (its pools and shared pools, for another clinician) goes, its arrays
 * kept: one view serves many clinicians in turn (fp_elig_view_release once after). 0 or FP_ENOMEM.
 */
int fp_elig_view_adopt(struct fp_elig_view *v, int64_t practice_id, const int64_t *pools, size_t n,
                       const struct fp_checks *records, const struct fp_checks *const *required);

/*
 * May the view's clinician book shift s (booking's rules aside: status, mode, start, overlap)? The
 * one eligibility decision, for booking, for applying, for accepting an applicant and for what a
 * shift's answer tells the clinician (`bookable`, `missing`): their account, the shift's role, a
 * pool shared with the practice, and the passport against the baseline plus one shared pool's
 * checks, chosen by the pool rule of fp_store_passport_decide (fp_passport_choose). A shift released
 * in tiers (core/release.h, decided at v->now from its opening instants) reaches the clinician
 * through their shared pools only once its pool is open or when they are the practice's favourite,
 * and, once its overflow is open, through a pool of its ICB that opted in to overflow: the passport
 * is then held to the practice's own pools' checks. Only s's practice_id, icb_id, starts_at, role
 * and release are read. Fills *elig (its missing codes point into v, valid
 * until v's next decision) and *pool_id (the pool whose requirements decided; 0: the baseline).
 */
int fp_store_eligibility_view(struct fp_conn *c, struct fp_elig_view *v, const struct fp_shift *s,
                              struct fp_elig_result *elig, int64_t *pool_id);

/*
 * Would clinician_id working shift s clash with their own work? Their confirmed bookings within a
 * day of it: *overlap when one overlaps it, and *wt the working-time guards of their pools (the
 * strictest, into *limits) with s added. The booking's own check (fp_store_book), also asked by the
 * shift alerts so that nobody is alerted to a shift the booking would refuse them.
 */
int fp_store_work_check(struct fp_conn *c, int64_t clinician_id, const struct fp_shift *s, struct fp_wt_limits *limits,
                        struct fp_wt_result *wt, bool *overlap);

/*
 * Would the booking take the view's clinician (v->clinician_id) for open shift s, offered to them
 * or their application accepted, at `now`? fp_booking_decide on the eligibility of
 * fp_store_eligibility_view and, when read_work, their own work from fp_store_work_check (a caller
 * that knows they work nowhere near s may skip it). The one question behind the shift alerts and
 * the practice's "who is available" list, so that neither shows someone the booking would refuse.
 */
int fp_store_offer_would_book(struct fp_conn *c, const struct fp_shift *s, struct fp_elig_view *v, bool read_work,
                              int64_t now, bool *takes);

/* Why a booking attempt failed, when it did (outcome != FP_BOOK_OK). */
struct fp_book_result {
  enum fp_booking_outcome outcome;
  int64_t shift_id;
  struct fp_elig_result elig;
  struct fp_booking booking;
  int64_t pool_id;              /* the pool whose requirements decided (0: the baseline alone) */
  struct fp_wt_limits limits;   /* the working-time guards applied: the strictest of the clinician's pools */
  struct fp_wt_result working_time; /* and what they found */
  struct fp_elig_view view;     /* owns the strings elig.missing points at: fp_book_result_release */
  struct fp_shift shift;        /* the shift as the booking read it (locked), before it was booked */
  int n_filled;                 /* how many other applications the booking declined as filled */
  /* Read before the booking wrote anything, for what follows it in its transaction: the shift's offers
     still pending (fp_store_offers_close) and the webhooks that want shift.booked (fp_store_webhook_emit_to). */
  struct fp_offer_list offers;
  struct fp_hook_list hooks;
};
void fp_book_result_release(struct fp_book_result *res);

/*
 * fp_store_eligibility_view for one shift at `now`: fills res->elig and res->pool_id. res must be zeroed or
 * released before.
 */
int fp_store_eligibility(struct fp_conn *c, const struct fp_shift *s, int64_t clinician_id, int64_t now,
                         struct fp_book_result *res);

/*
 * The booking transaction body: books shift for clinician (by user actor) at now; with
 * application_id the practice is accepting that application (approval mode allowed) and the
 * other pending applications are declined with reason "filled". Call inside fp_store_write.
 * Returns 0 with res->outcome set (FP_BOOK_OK: res->booking.id is the new booking: fp_store_booking_read_at_commit), FP_ENOTFOUND, or FP_EIO.
 */
int fp_store_book(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t actor, int64_t now,
                  int64_t application_id, struct fp_book_result *res);
/* The same for a clinician accepting the practice's direct offer (store/offers.h): every rule of
   a booking, an approval shift included (the offer is the practice's approval). */
int fp_store_book_offered(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, int64_t actor, int64_t now,
                          struct fp_book_result *res);

int fp_store_booking_get(struct fp_conn *c, int64_t id, const struct fp_scope *scope, struct fp_booking *out);
/*
 * The last thing a booking's transaction does: its answer's read of the booking it wrote (id, by
 * fp_store_book), sent with the COMMIT (sql.h fp_db_read_at_commit), that fp_store_booking_get
 * then takes in the after callback of fp_store_write_locking_then without a round trip of its own.
 * Nothing on SQLite, whose after reads on a reader, off the one writer.
 */
void fp_store_booking_read_at_commit(struct fp_conn *c, int64_t id);
/* Which bookings by their shift's end: all, those not yet ended (upcoming, including one under
   way) or those ended (past: the sessions worked, or not attended) at `now`. */
enum fp_booking_when { FP_WHEN_ANY, FP_WHEN_UPCOMING, FP_WHEN_PAST };

struct fp_booking_query {
  const struct fp_scope *scope;
  int64_t clinician_id;         /* 0: any */
  int64_t shift_id;             /* 0: any */
  const char *status;           /* NULL: any */
  const char *q;                /* NULL: any; else in the clinician's name */
  enum fp_booking_when when;
  int64_t now;                  /* for when */
  bool has_from, has_to;
  int64_t from, to;
  bool latest_first;            /* by start, latest first (else soonest first); id breaks ties */
  int limit;
  bool has_cursor;              /* the last row's start and id: the page after it in this order */
  int64_t cursor_start, cursor_id;
  bool has_timesheet;           /* only those whose timesheet is in this state at now (fp_ts_state_of) */
  enum fp_ts_state timesheet;
};
int fp_store_booking_search(struct fp_conn *c, const struct fp_booking_query *q,
                            void (*cb)(const struct fp_booking *b, void *ctx), void *ctx, bool *more);
/*
 * Cancels a booking by `party` ("clinician" or "practice") as the core's state machines decide
 * (fp_booking_transition, fp_shift_transition): *outcome FP_TRANS_OK when done (who, when, why and
 * whether late recorded; the shift back to open (clinician) or cancelled (practice); audited; out
 * filled), else the refusal (FP_TRANS_INVALID_STATE: not confirmed; FP_TRANS_STARTED: the shift
 * has started) with nothing written. Returns 0, FP_ENOTFOUND, FP_ECONFLICT or FP_EIO.
 */
int fp_store_booking_cancel(struct fp_conn *c, int64_t booking_id, const char *party, int64_t actor, int64_t now,
                            const char *reason, enum fp_transition *outcome, struct fp_booking *out);
/*
 * The practice records that the clinician did not attend a confirmed booking whose shift has
 * started: *outcome as for fp_store_booking_cancel (FP_TRANS_TOO_EARLY before the start,
 * FP_TRANS_INVALID_STATE when cancelled, already recorded, or its timesheet approved). Audited as
 * booking.did_not_attend; a timesheet already submitted becomes not_worked.
 */
int fp_store_booking_did_not_attend(struct fp_conn *c, int64_t booking_id, int64_t actor, int64_t now,
                                    enum fp_transition *outcome, struct fp_booking *out);

struct fp_application {
  int64_t id, shift_id, clinician_id;
  char status[12];
  char message[501];
  int64_t created_at, decided_at;
  char reason[201];
  /* Joined. */
  int64_t practice_id;
  int64_t starts_at, ends_at;
  char role[48];
  char practice_name[201];
  char clinician_name[201];
  char booking_status[16]; /* accepted: the booking its acceptance made, as it is now ("confirmed", "cancelled") */
};
int fp_store_application_insert(struct fp_conn *c, int64_t shift_id, int64_t clinician_id, const char *message,
                                int64_t now, int64_t *id);
int fp_store_application_get(struct fp_conn *c, int64_t id, struct fp_application *out);
/* Moves an application by ev (DECLINE or WITHDRAW, with reason) as the core's state machine
   decides, audited; FP_ECONFLICT when it refuses (not pending). */
int fp_store_application_decide(struct fp_conn *c, int64_t id, enum fp_application_event ev, const char *reason,
                                int64_t actor, int64_t now);
/* The orders of a list of applications: newest (applied) first, oldest first, or by the shift's
   start, soonest first; the id breaks ties in the same direction. */
enum fp_application_sort { FP_APP_NEWEST, FP_APP_OLDEST, FP_APP_SOONEST };

struct fp_application_query {
  const struct fp_scope *scope;
  int64_t clinician_id, shift_id;
  const char *status;
  const char *q;                /* NULL: any; else in the clinician's name */
  enum fp_application_sort sort;
  int limit;
  bool has_cursor;              /* the last row's sort key (created_at or starts_at) and id */
  int64_t cursor_key, cursor_id;
};
int fp_store_application_search(struct fp_conn *c, const struct fp_application_query *q,
                                void (*cb)(const struct fp_application *a, void *ctx), void *ctx, bool *more);

/*
 * The passport decision for the clinician on day `on` among candidate pools (in the order given):
 * the first pool whose requirements the passport meets, else the one whose requirements it misses
 * fewest of (the first of equals); with no pools, the national baseline alone. k receives that
 * pool's requirements and the records, res the core's decision on the passport alone (missing
 * points into k). For a booking the pools are those the clinician shares with the practice.
 */
int fp_store_passport_decide(struct fp_conn *c, int64_t clinician_id, const char *profession, const int64_t *pools,
                             size_t n_pools, fp_day on, struct fp_checks *k, struct fp_elig_result *res);

/*
 * The pool rule itself, over n >= 1 candidate pools whose checks (requirements and records)
 * checks_of gives for index i: the first the passport meets on day `on`, else the one it misses
 * fewest of (the first of equals). res is the decision for the pool chosen (*chosen), its missing
 * codes pointing into that pool's checks. fp_store_passport_decide and fp_store_eligibility_view
 * both decide through it.
 */
int fp_passport_choose(size_t n, int (*checks_of)(void *ctx, size_t i, struct fp_checks **k), void *ctx,
                       const char *profession, fp_day on, struct fp_elig_result *res, size_t *chosen);

/* The pools the clinician is a member of, in id order (with practice_id: only those the practice is
 * also a member of, and none when the practice blocked the clinician). *ids is malloc'd (NULL when
 * none); free it. */
int fp_store_clinician_pools(struct fp_conn *c, int64_t clinician_id, int64_t practice_id, int64_t **ids, size_t *n);

#endif
