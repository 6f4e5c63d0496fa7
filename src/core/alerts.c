/* Shift alerts: preferences, the fit and the time to send. See alerts.h. */
#include "core/alerts.h"

#include <stdio.h>
#include <string.h>

#define MIN_PER_DAY 1440

void fp_alert_prefs_default(struct fp_alert_prefs *p, const char *profession, int64_t travel_radius_km) {
  memset(p, 0, sizeof *p);
  p->enabled = true;
  if (profession && *profession) {
    snprintf(p->roles[0], sizeof p->roles[0], "%s", profession);
    p->n_roles = 1;
  }
  if (travel_radius_km > 0) {
    /* Whole miles, rounded up, so the default never reaches less far than the radius. */
    double miles = (double)travel_radius_km / FP_ALERT_KM_PER_MILE;
    int whole = (int)miles;
    if ((double)whole < miles) whole++;
    p->max_distance_miles = whole > FP_ALERT_MAX_MILES ? FP_ALERT_MAX_MILES : whole;
  }
  p->mode = FP_ALERT_INSTANT;
  p->quiet_start_min = FP_ALERT_QUIET_START_DEFAULT;
  p->quiet_end_min = FP_ALERT_QUIET_END_DEFAULT;
}

enum fp_alert_problem fp_alert_prefs_validate(const struct fp_alert_prefs *p) {
  if (p->n_roles == 0 || p->n_roles > FP_ALERT_MAX_ROLES) return FP_ALERT_BAD_ROLES;
  for (size_t i = 0; i < p->n_roles; i++) {
    if (!p->roles[i][0]) return FP_ALERT_BAD_ROLES;
    for (size_t j = 0; j < i; j++)
      if (strcmp(p->roles[i], p->roles[j]) == 0) return FP_ALERT_BAD_ROLES;
  }
  if (p->max_distance_miles < 0 || p->max_distance_miles > FP_ALERT_MAX_MILES) return FP_ALERT_BAD_DISTANCE;
  if (p->min_hourly_pence < 0 || p->min_hourly_pence > FP_ALERT_MAX_RATE_PENCE) return FP_ALERT_BAD_RATE;
  if (p->mode != FP_ALERT_INSTANT && p->mode != FP_ALERT_DIGEST) return FP_ALERT_BAD_MODE;
  if (p->quiet_start_min < 0 || p->quiet_start_min >= MIN_PER_DAY || p->quiet_end_min < 0 ||
      p->quiet_end_min >= MIN_PER_DAY)
    return FP_ALERT_BAD_QUIET;
  return FP_ALERT_PREFS_OK;
}

enum fp_alert_fit fp_alert_decide(const struct fp_alert_prefs *p, const struct fp_availability *a, bool eligible,
                                  const struct fp_alert_shift *s) {
  if (!p->enabled) return FP_ALERT_OFF;
  bool role = false;
  for (size_t i = 0; i < p->n_roles && !role; i++) role = s->role && strcmp(p->roles[i], s->role) == 0;
  if (!role) return FP_ALERT_OTHER_ROLE;
  if (s->hourly_pence < p->min_hourly_pence) return FP_ALERT_RATE_TOO_LOW;
  if (p->max_distance_miles > 0 && s->has_distance &&
      s->distance_km > (double)p->max_distance_miles * FP_ALERT_KM_PER_MILE)
    return FP_ALERT_TOO_FAR;
  if (!fp_availability_covers(a, s->start, s->end)) return FP_ALERT_NOT_AVAILABLE;
  if (!eligible) return FP_ALERT_NOT_ELIGIBLE;
  return FP_ALERT_FITS;
}

/* The UK local day and minute of the day of t. */
static void local_minute(fp_time t, fp_day *day, int *minute) {
  int64_t wall = t + fp_uk_offset(t);
  int64_t d = wall / 86400;
  if (wall % 86400 < 0) d--;
  *day = (fp_day)d;
  *minute = (int)((wall - d * 86400) / 60);
}

bool fp_alert_quiet_at(const struct fp_alert_prefs *p, fp_time t) {
  const int s = p->quiet_start_min, e = p->quiet_end_min;
  if (s == e) return false;
  fp_day day;
  int m;
  local_minute(t, &day, &m);
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/* The instant quiet hours covering t end (t when they do not cover it). */
static fp_time after_quiet(const struct fp_alert_prefs *p, fp_time t) {
  if (!fp_alert_quiet_at(p, t)) return t;
  fp_day day;
  int m;
  local_minute(t, &day, &m);
  /* Quiet hours across midnight, in their evening part: they end on the next local day. */
  if (p->quiet_start_min > p->quiet_end_min && m >= p->quiet_start_min) day++;
  fp_time end = fp_uk_local_to_utc(day, p->quiet_end_min / 60, p->quiet_end_min % 60, 0);
  /* In the autumn's repeated hour an end read as its first (summer-time) occurrence may be past:
     the second is an hour later. */
  if (end <= t) end += 3600;
  return end > t ? end : t;
}

fp_time fp_alert_send_at(const struct fp_alert_prefs *p, enum fp_alert_kind kind, fp_time now) {
  if (kind == FP_ALERT_POSTED && p->mode == FP_ALERT_DIGEST) {
    fp_day day;
    int m;
    local_minute(now, &day, &m);
    fp_time at = fp_uk_local_to_utc(day, FP_ALERT_DIGEST_MIN / 60, FP_ALERT_DIGEST_MIN % 60, 0);
    if (at < now) at = fp_uk_local_to_utc(day + 1, FP_ALERT_DIGEST_MIN / 60, FP_ALERT_DIGEST_MIN % 60, 0);
    return after_quiet(p, at);
  }
  return after_quiet(p, now);
}

bool fp_alert_urgent(fp_time start, fp_time now) { return start > now && start - now <= FP_ALERT_URGENT_SECONDS; }

const char *fp_alert_mode_name(enum fp_alert_mode m) { return m == FP_ALERT_DIGEST ? "digest" : "instant"; }

int fp_alert_mode_parse(const char *s) {
  if (!s) return -1;
  if (strcmp(s, "instant") == 0) return FP_ALERT_INSTANT;
  if (strcmp(s, "digest") == 0) return FP_ALERT_DIGEST;
  return -1;
}
