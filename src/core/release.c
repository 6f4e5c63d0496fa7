/* release.c - tiered release of a shift. See release.h. */
#include "core/release.h"

#include <string.h>

struct fp_release_delays fp_release_default_delays(void) {
  return (struct fp_release_delays){.pool_after_hours = 24, .pool_before_start_hours = 168, .overflow_before_start_hours = 72};
}

const char *fp_release_delays_invalid(const struct fp_release_delays *d, const char **why) {
  if (d->pool_after_hours < 0 || d->pool_after_hours > FP_RELEASE_MAX_AFTER_HOURS) {
    *why = "the pool opens 0 to 720 hours (30 days) after posting";
    return "pool_after_hours";
  }
  if (d->pool_before_start_hours < 0 || d->pool_before_start_hours > FP_RELEASE_MAX_BEFORE_HOURS) {
    *why = "the pool opens 0 to 2160 hours (90 days) before the start";
    return "pool_before_start_hours";
  }
  if (d->overflow_before_start_hours < 0 || d->overflow_before_start_hours > FP_RELEASE_MAX_BEFORE_HOURS) {
    *why = "other pools open 0 to 2160 hours (90 days) before the start";
    return "overflow_before_start_hours";
  }
  if (d->overflow_before_start_hours > d->pool_before_start_hours) {
    *why = "other pools cannot open before the practice's own pool: overflow_before_start_hours must be at most"
           " pool_before_start_hours";
    return "overflow_before_start_hours";
  }
  *why = NULL;
  return NULL;
}

const char *fp_release_mode_name(enum fp_release_mode m) { return m == FP_RELEASE_TIERED ? "tiered" : "all"; }

int fp_release_mode_parse(const char *s, enum fp_release_mode *out) {
  if (!s) return -1;
  if (strcmp(s, "all") == 0) *out = FP_RELEASE_ALL;
  else if (strcmp(s, "tiered") == 0) *out = FP_RELEASE_TIERED;
  else return -1;
  return 0;
}

const char *fp_release_tier_name(enum fp_release_tier t) {
  switch (t) {
  case FP_TIER_FAVOURITES: return "favourites";
  case FP_TIER_POOL: return "pool";
  case FP_TIER_OVERFLOW: return "overflow";
  }
  return "pool";
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

/* t moved by `hours` on the UK clock: the same wall time so many hours later (or earlier). */
static fp_time uk_add_hours(fp_time t, int64_t hours) {
  const int64_t wall = t + fp_uk_offset(t) + hours * 3600;
  const int64_t day = floor_div(wall, 86400);
  const int64_t sod = wall - day * 86400;
  return fp_uk_local_to_utc((fp_day)day, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
}

void fp_release_at(fp_time pool_at, fp_time overflow_at, fp_time now, struct fp_release *out) {
  out->pool_at = pool_at;
  out->overflow_at = overflow_at;
  if (now >= overflow_at) {
    out->tier = FP_TIER_OVERFLOW;
    out->next_at = FP_RELEASE_NEVER;
  } else if (now >= pool_at) {
    out->tier = FP_TIER_POOL;
    out->next_at = overflow_at;
  } else {
    out->tier = FP_TIER_FAVOURITES;
    out->next_at = pool_at;
  }
}

void fp_release_decide(const struct fp_release_facts *f, fp_time now, struct fp_release *out) {
  fp_time pool_at = f->posted_at, overflow_at = FP_RELEASE_NEVER;
  if (f->mode == FP_RELEASE_TIERED) {
    fp_time after = uk_add_hours(f->posted_at, f->delays.pool_after_hours);
    fp_time before = uk_add_hours(f->starts_at, -(int64_t)f->delays.pool_before_start_hours);
    pool_at = after < before ? after : before;
    if (pool_at < f->posted_at) pool_at = f->posted_at; /* posted with less than the delay left: open at posting */
    overflow_at = uk_add_hours(f->starts_at, -(int64_t)f->delays.overflow_before_start_hours);
    if (overflow_at < pool_at) overflow_at = pool_at; /* never before the pool */
  }
  fp_release_at(pool_at, overflow_at, now, out);
}
