/* The demo clinicians' availability. See demo_availability.h. */
#include "app/demo_availability.h"

#include <stdbool.h>

#include "core/alerts.h"
#include "core/availability.h"
#include "core/error.h"
#include "core/time.h"
#include "store/alerts.h"
#include "store/availability.h"

/* splitmix64 with its own seed (demo.c's sequence is left as it was). */
static uint64_t next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static int pick(uint64_t *s, int lo, int hi) { return lo + (int)(next(s) % (uint64_t)(hi - lo + 1)); }
static int chance(uint64_t *s, int percent) { return pick(s, 0, 99) < percent; }

int fp_demo_availability(struct fp_conn *c, int64_t now, const int64_t *clinician_ids, size_t n) {
  uint64_t seed = 0x41564149u; /* "AVAI" */
  const fp_day today = fp_uk_day(now);
  for (size_t i = 0; i < n; i++) {
    struct fp_avail_window w[FP_AVAIL_MAX_WINDOWS];
    struct fp_avail_exception x[4];
    size_t nw = 0, nx = 0;
    /* Monday to Friday, then now and then Saturday. */
    for (int day = 1; day <= 6; day++) {
      if (!chance(&seed, day == 6 ? 15 : 60)) continue;
      if (day < 6 && chance(&seed, 10)) { /* their own hours */
        int from = pick(&seed, 16, 20) * 30, to = from + pick(&seed, 8, 14) * 30;
        w[nw++] = (struct fp_avail_window){day, from, to};
        continue;
      }
      bool morning = chance(&seed, 80), afternoon = chance(&seed, day == 6 ? 10 : 65);
      if (!morning && !afternoon) morning = true;
      if (morning) w[nw++] = (struct fp_avail_window){day, 8 * 60, 13 * 60};
      if (afternoon) w[nw++] = (struct fp_avail_window){day, 13 * 60, 18 * 60 + 30};
      if (day < 6 && chance(&seed, 12)) w[nw++] = (struct fp_avail_window){day, 18 * 60 + 30, 21 * 60};
    }
    if (nw == 0) w[nw++] = (struct fp_avail_window){pick(&seed, 1, 5), 8 * 60, 13 * 60};
    if (chance(&seed, 25)) { /* a holiday in the next two months */
      fp_day from = today + pick(&seed, 7, 60);
      x[nx++] = (struct fp_avail_exception){FP_AVAIL_UNAVAILABLE, from, from + pick(&seed, 2, 13), 0, 0};
    }
    if (chance(&seed, 15)) { /* a one-off Saturday morning in the next month */
      fp_day d = today + pick(&seed, 1, 28);
      while (fp_weekday(d) != 6) d++;
      x[nx++] = (struct fp_avail_exception){FP_AVAIL_EXTRA, d, d, 8 * 60, 13 * 60};
    }
    const struct fp_availability a = {w, nw, x, nx};
    size_t at;
    if (fp_availability_validate(&a, &at) != FP_AVAIL_OK) return FP_EINVAL;
    int rc = fp_store_availability_replace(c, clinician_ids[i], &a);
    if (rc) return rc;
  }
  return 0;
}

int fp_demo_alert_prefs(struct fp_conn *c, int64_t now, const int64_t *clinician_ids, const char *const *professions,
                        size_t n) {
  uint64_t seed = 0x414c5254u; /* "ALRT" */
  for (size_t i = 0; i < n; i++) {
    /* Half keep the defaults (their profession and radius, instant, quiet 21:00-07:00). */
    if (chance(&seed, 50)) continue;
    struct fp_alert_prefs p;
    fp_alert_prefs_default(&p, professions[i], 0);
    p.max_distance_miles = chance(&seed, 30) ? 0 : pick(&seed, 2, 6) * 5;
    p.min_hourly_pence = chance(&seed, 50) ? 0 : pick(&seed, 14, 20) * 500;
    if (chance(&seed, 35)) p.mode = FP_ALERT_DIGEST;
    if (chance(&seed, 20)) { /* quiet from 22:00 or 23:00 to 06:00 or 08:00 */
      p.quiet_start_min = pick(&seed, 22, 23) * 60;
      p.quiet_end_min = pick(&seed, 6, 8) * 60;
    }
    if (chance(&seed, 5)) p.enabled = false;
    if (fp_alert_prefs_validate(&p) != FP_ALERT_PREFS_OK) return FP_EINVAL;
    int rc = fp_store_alert_prefs_replace(c, clinician_ids[i], &p, now);
    if (rc) return rc;
  }
  return 0;
}
