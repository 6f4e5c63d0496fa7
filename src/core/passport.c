/*
 * passport.c - validity, record choice, expiry windows and retention for the passport.
 */
#include "core/passport.h"

#include <string.h>

#include "core/error.h"

static const char *const validity_names[] = {"none", "period", "explicit"};

const char *fp_validity_name(enum fp_validity v) {
  return (unsigned)v < sizeof validity_names / sizeof validity_names[0] ? validity_names[v] : "unknown";
}

int fp_validity_parse(const char *s, enum fp_validity *out) {
  for (unsigned i = 0; s && i < sizeof validity_names / sizeof validity_names[0]; i++)
    if (strcmp(s, validity_names[i]) == 0) {
      *out = (enum fp_validity)i;
      return 0;
    }
  return FP_EINVAL;
}

static int days_in_month(int y, int m) {
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dim[m - 1];
}

fp_day fp_day_add_months(fp_day d, int months) {
  int y, m, dd;
  fp_civil_from_days(d, &y, &m, &dd);
  /* Work in months since year 0 so that negative steps carry into the year correctly. */
  long total = (long)y * 12 + (m - 1) + months;
  long ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
  int nm = (int)(total - ny * 12) + 1;
  int max = days_in_month((int)ny, nm);
  return fp_days_from_civil((int)ny, nm, dd > max ? max : dd);
}

enum fp_expiry_problem fp_check_expiry(enum fp_validity rule, int renewal_months, fp_day issued_on,
                                       fp_day expires_on, fp_day *out) {
  if (issued_on != FP_DAY_NONE && expires_on != FP_DAY_NONE && expires_on < issued_on) return FP_EXPIRY_BEFORE_ISSUE;
  switch (rule) {
  case FP_VALIDITY_NONE:
    *out = expires_on;
    return FP_EXPIRY_OK;
  case FP_VALIDITY_PERIOD: {
    if (issued_on == FP_DAY_NONE) return FP_EXPIRY_NEEDS_ISSUED;
    /* A period of no months is a misconfigured type: valid on its issue day only. */
    fp_day end = renewal_months > 0 ? fp_day_add_months(issued_on, renewal_months) - 1 : issued_on;
    *out = expires_on != FP_DAY_NONE && expires_on < end ? expires_on : end;
    return FP_EXPIRY_OK;
  }
  case FP_VALIDITY_EXPLICIT:
    if (expires_on == FP_DAY_NONE) return FP_EXPIRY_NEEDS_EXPIRY;
    *out = expires_on;
    return FP_EXPIRY_OK;
  }
  return FP_EXPIRY_NEEDS_EXPIRY;
}

static bool valid_on(const struct fp_check_record *r, fp_day on) {
  return r->status == FP_CHECK_VERIFIED && (r->expires_on == FP_DAY_NONE || on <= r->expires_on);
}

/* Whether a lasts longer than b (no expiry lasts longest). */
static bool lasts_longer(const struct fp_check_record *a, const struct fp_check_record *b) {
  if (b->expires_on == FP_DAY_NONE) return false;
  if (a->expires_on == FP_DAY_NONE) return true;
  return a->expires_on > b->expires_on;
}

int fp_passport_pick(const struct fp_check_record *recs, size_t n, const char *code, fp_day on) {
  int best = -1, newest = -1;
  for (size_t i = 0; recs && code && i < n; i++) {
    const struct fp_check_record *r = &recs[i];
    if (!r->code || strcmp(r->code, code) != 0) continue;
    if (newest < 0) newest = (int)i;
    if (valid_on(r, on) && (best < 0 || lasts_longer(r, &recs[best]))) best = (int)i;
  }
  return best >= 0 ? best : newest;
}

bool fp_expires_within(fp_day expires_on, fp_day on, int days) {
  if (expires_on == FP_DAY_NONE || on > expires_on) return false;
  return (int64_t)expires_on - on <= days;
}

fp_time fp_retention_deadline(fp_time decided_at, int months) {
  fp_day d = fp_time_utc_day(decided_at);
  fp_time second_of_day = decided_at - (fp_time)d * 86400;
  return (fp_time)fp_day_add_months(d, months) * 86400 + second_of_day;
}

/* Case-insensitive substring search (ASCII). */
static bool contains(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; hay++) {
    size_t i = 0;
    while (i < n && hay[i]) {
      char a = hay[i], b = needle[i];
      if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
      if (a != b) break;
      i++;
    }
    if (i == n) return true;
  }
  return false;
}

enum fp_standing fp_register_standing(const char *status, fp_day registered_from, fp_day registered_until,
                                      fp_day today) {
  const char *s = status ? status : "";
  /* The words that say "no" come first: "suspended (with conditions)" is suspended. */
  if (contains(s, "suspend")) return FP_STANDING_SUSPENDED;
  if (contains(s, "erase") || contains(s, "removed") || contains(s, "struck")) return FP_STANDING_ERASED;
  if (contains(s, "lapse") || contains(s, "relinquish") || contains(s, "expired")) return FP_STANDING_LAPSED;
  if (contains(s, "without a licen") || contains(s, "without licen") || contains(s, "no licen") ||
      contains(s, "not licen") || contains(s, "unlicen"))
    return FP_STANDING_NO_LICENCE;
  bool known = contains(s, "registered") || contains(s, "licen") || contains(s, "included") || contains(s, "active") ||
               contains(s, "current");
  if (!known) return FP_STANDING_UNKNOWN;
  if ((registered_until != FP_DAY_NONE && registered_until < today) ||
      (registered_from != FP_DAY_NONE && registered_from > today))
    return FP_STANDING_LAPSED;
  if (contains(s, "condition") || contains(s, "undertaking")) return FP_STANDING_CONDITIONS;
  return FP_STANDING_OK;
}

static const char *const standing_names[] = {"ok", "conditions", "suspended", "erased", "lapsed", "no_licence", "unknown"};

const char *fp_standing_name(enum fp_standing s) {
  return (unsigned)s < sizeof standing_names / sizeof standing_names[0] ? standing_names[s] : "unknown";
}

bool fp_standing_revokes(enum fp_standing s) {
  return s == FP_STANDING_SUSPENDED || s == FP_STANDING_ERASED || s == FP_STANDING_LAPSED || s == FP_STANDING_NO_LICENCE;
}
