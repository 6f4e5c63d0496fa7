/*
 * alerts.h - shift alerts for clinicians (issue 12): the preferences, whether a shift fits a
 * clinician, and when an alert is sent.
 *
 * A clinician's alert preferences: the roles they want alerts for (default: their own profession),
 * the furthest a practice may be from their home (miles; default their travel radius), the least
 * hourly rate, instant alerts or a daily digest at 07:00 UK time, quiet hours in UK local wall-clock
 * time (default 21:00-07:00; an instant alert due during them waits until they end) and on or off.
 *
 * fp_alert_decide() is the one decision "does this shift fit this clinician": on, one of their
 * roles, the rate, the distance, the whole shift inside their availability (fp_availability_covers,
 * the availability rule itself, not a second one) and the booking would take them (the booking's
 * own decision, core/booking.h fp_booking_decide: eligible on its date, no overlapping booking,
 * within the working-time guards; decided by the caller through the store and handed in). fp_alert_send_at() is the one
 * decision "when does it go": now, at the end of quiet hours, or at the next digest. Both take `now`
 * as a parameter; no clock, no allocation, libc and the core only.
 */
#ifndef FP_CORE_ALERTS_H
#define FP_CORE_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/availability.h"
#include "core/time.h"

#define FP_ALERT_MAX_ROLES 8
#define FP_ALERT_ROLE_MAX 47         /* bytes in a role code */
#define FP_ALERT_MAX_MILES 500       /* the furthest max_distance_miles */
#define FP_ALERT_MAX_RATE_PENCE 100000 /* GBP 1,000 an hour: the highest min_hourly_pence */
#define FP_ALERT_DIGEST_MIN (7 * 60) /* the daily digest: 07:00 UK local time */
#define FP_ALERT_QUIET_START_DEFAULT (21 * 60)
#define FP_ALERT_QUIET_END_DEFAULT (7 * 60)
#define FP_ALERT_URGENT_SECONDS (48 * 3600) /* an open shift starting within this is urgent */
#define FP_ALERT_KM_PER_MILE 1.609344

enum fp_alert_mode { FP_ALERT_INSTANT = 0, FP_ALERT_DIGEST = 1 };

/* What an alert is about: a shift that fits was posted, or one that fits is still open close to its start. */
enum fp_alert_kind { FP_ALERT_POSTED = 0, FP_ALERT_URGENT = 1 };

struct fp_alert_prefs {
  bool enabled;
  char roles[FP_ALERT_MAX_ROLES][FP_ALERT_ROLE_MAX + 1];
  size_t n_roles;
  int max_distance_miles;   /* 0: no limit */
  int64_t min_hourly_pence; /* 0: any rate */
  enum fp_alert_mode mode;
  int quiet_start_min, quiet_end_min; /* UK local minutes 0..1439; equal: no quiet hours */
};

/*
 * The defaults for a clinician who set nothing: on, their own profession, their travel radius
 * (travel_radius_km, 0 when not given: no limit) in whole miles rounded up, any rate, instant, quiet
 * 21:00-07:00.
 */
void fp_alert_prefs_default(struct fp_alert_prefs *p, const char *profession, int64_t travel_radius_km);

/* Which part of a preference fp_alert_prefs_validate found wrong. */
enum fp_alert_problem {
  FP_ALERT_PREFS_OK = 0,
  FP_ALERT_BAD_ROLES,     /* none, too many, or one repeated or empty */
  FP_ALERT_BAD_DISTANCE,  /* outside 0..FP_ALERT_MAX_MILES */
  FP_ALERT_BAD_RATE,      /* outside 0..FP_ALERT_MAX_RATE_PENCE */
  FP_ALERT_BAD_MODE,
  FP_ALERT_BAD_QUIET,     /* outside 0..1439 */
};
enum fp_alert_problem fp_alert_prefs_validate(const struct fp_alert_prefs *p);

/* A shift as the decision sees it. */
struct fp_alert_shift {
  const char *role;
  int64_t hourly_pence;
  fp_time start, end;
  bool has_distance;    /* both the practice's and the clinician's home location are known */
  double distance_km;   /* then: the great-circle distance */
};

/* Why a shift does or does not fit. */
enum fp_alert_fit {
  FP_ALERT_FITS = 0,
  FP_ALERT_OFF,            /* alerts turned off */
  FP_ALERT_OTHER_ROLE,
  FP_ALERT_RATE_TOO_LOW,
  FP_ALERT_TOO_FAR,
  FP_ALERT_NOT_AVAILABLE,  /* not wholly inside their availability */
  FP_ALERT_NOT_ELIGIBLE,   /* the booking would refuse them (eligibility on its date, overlap, working time) */
};

/*
 * Does shift s fit the clinician with preferences p and availability a (eligible: the booking's
 * decision for them and s, fp_booking_decide, made by the caller)? FP_ALERT_FITS or the first reason it does not. A
 * shift whose distance is unknown is never too far.
 */
enum fp_alert_fit fp_alert_decide(const struct fp_alert_prefs *p, const struct fp_availability *a, bool eligible,
                                  const struct fp_alert_shift *s);

/* Whether instant t falls inside p's quiet hours (UK local wall-clock time). */
bool fp_alert_quiet_at(const struct fp_alert_prefs *p, fp_time t);

/*
 * When an alert of `kind` decided at now is sent: an instant alert (and every urgent one) now, or,
 * during quiet hours, the instant they end; a posted alert in digest mode at the next 07:00 UK local
 * time after now (today's when now is before it), itself moved to the end of quiet hours if they
 * cover 07:00. Across the clock changes: wall-clock times are turned into instants on their own day.
 */
fp_time fp_alert_send_at(const struct fp_alert_prefs *p, enum fp_alert_kind kind, fp_time now);

/*
 * Is an open shift starting at `start` urgent at now (it starts within FP_ALERT_URGENT_SECONDS and
 * has not started)? The same window tells the practice its shift is still unfilled.
 */
bool fp_alert_urgent(fp_time start, fp_time now);

/* "instant"/"digest" and back (-1 when unknown). */
const char *fp_alert_mode_name(enum fp_alert_mode m);
int fp_alert_mode_parse(const char *s);

#endif
