/* NHS Pension Scheme figures. See pension.h; the years' data in pension_years.c. */
#include "core/pension.h"

#include <stdio.h>
#include <string.h>

int fp_pension_scheme_year(fp_day day) {
  int y, m, d;
  fp_civil_from_days(day, &y, &m, &d);
  return m >= 4 ? y : y - 1;
}

/* v * bp / 10000, rounded half up (v >= 0). */
static int64_t share(int64_t v, int32_t bp) { return v > 0 ? (v * bp + 5000) / 10000 : 0; }

int64_t fp_pension_pensionable_pence(const struct fp_pension_year *y, int64_t fee_pence) {
  return share(fee_pence, y->pensionable_bp);
}

int64_t fp_pension_employer_pence(const struct fp_pension_year *y, int64_t pensionable_pence) {
  return share(pensionable_pence, y->employer_bp);
}

int32_t fp_pension_tier_rate_bp(const struct fp_pension_year *y, int64_t annual_pensionable_pence) {
  for (int i = 0; i < y->n_tiers && i < FP_PENSION_MAX_TIERS; i++)
    if (annual_pensionable_pence <= y->tiers[i].up_to_pence) return y->tiers[i].rate_bp;
  return y->n_tiers > 0 ? y->tiers[y->n_tiers - 1].rate_bp : 0;
}

int64_t fp_pension_employee_pence(int64_t pensionable_pence, int32_t rate_bp) {
  return share(pensionable_pence, rate_bp);
}

void fp_pension_rate_text(int32_t rate_bp, char buf[FP_PENSION_RATE_LEN]) {
  if (rate_bp < 0 || rate_bp > 10000) rate_bp = 0; /* a rate is 0 % to 100 % */
  int whole = (int)(rate_bp / 100) % 1000, frac = (int)(rate_bp % 100);
  if (frac == 0) snprintf(buf, FP_PENSION_RATE_LEN, "%d%%", whole);
  else if (frac % 10 == 0) snprintf(buf, FP_PENSION_RATE_LEN, "%d.%d%%", whole, (frac / 10) % 10);
  else snprintf(buf, FP_PENSION_RATE_LEN, "%d.%02d%%", whole, frac % 100);
}

bool fp_sd_number_valid(const char *s) {
  if (!s || strlen(s) != 8) return false;
  for (const char *p = s; *p; p++)
    if (*p < '0' || *p > '9') return false;
  return true;
}

void fp_pension_upr(const char *sd_number, int year, int month, char buf[FP_PENSION_UPR_LEN]) {
  static const char *const MONTHS[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  snprintf(buf, FP_PENSION_UPR_LEN, "%.8sLOC%s%04d", sd_number ? sd_number : "",
           month >= 1 && month <= 12 ? MONTHS[month - 1] : "???", year);
}

fp_day fp_pension_ten_week_limit(fp_day first_worked) { return first_worked + 70; }

fp_day fp_pension_form_b_due(int year, int month) {
  return month >= 12 ? fp_days_from_civil(year + 1, 1, 7) : fp_days_from_civil(year, month + 1, 7);
}

enum fp_pension_warning fp_pension_warning_due(fp_day due, fp_day today) {
  if (today > due) return FP_PENSION_WARN_NONE;
  if (today >= due - FP_PENSION_WARN_LATE_DAYS) return FP_PENSION_WARN_LATE;
  if (today >= due - FP_PENSION_WARN_EARLY_DAYS) return FP_PENSION_WARN_EARLY;
  return FP_PENSION_WARN_NONE;
}
