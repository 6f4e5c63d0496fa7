/*
 * pension.h - NHS Pension Scheme figures for a GP locum's forms A and B (issue 13).
 *
 * A GP locum who pensions their locum work sends, for each practice and invoice, form A (the
 * periods worked, the fee, the pensionable pay and the practice's employer contribution; part 2
 * signed by the practice), and each month form B (the pensionable pay received in the month, the
 * employee contribution at their tier, the totals and the unique payment reference). The rules are
 * data by scheme year (1 April to 31 March), each year's table naming its source
 * (pension_years.c): the share of a locum fee that is pensionable (90 %), the employer rate the
 * practice pays (14.38 % of pensionable pay; the rest of the scheme's 23.7 % is paid centrally)
 * and the employee tiers by annual pensionable pay. Every figure is integer pence, each rounding
 * half up to the penny. Depends on core/time.h.
 */
#ifndef FP_CORE_PENSION_H
#define FP_CORE_PENSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"

#define FP_PENSION_MAX_TIERS 8

struct fp_pension_tier {
  int64_t up_to_pence; /* the tier's top of annual pensionable pay, inclusive (INT64_MAX: the last) */
  int32_t rate_bp;     /* the employee rate in basis points: 520 is 5.2 % */
};

struct fp_pension_year {
  int start_year;          /* 2025 for 2025/26 (1 April 2025 to 31 March 2026) */
  int32_t pensionable_bp;  /* the share of a locum's fee that is pensionable pay: 9000 is 90 % */
  int32_t employer_bp;     /* the employer rate the practice pays: 1438 is 14.38 % */
  int n_tiers;
  struct fp_pension_tier tiers[FP_PENSION_MAX_TIERS];
  bool provisional;        /* not from a published source: an earlier year's carried forward */
  const char *source;      /* where the figures come from */
  char carried[160];       /* when provisional: what was carried forward (source then points here) */
};

/* The scheme year a UK day falls in: 2026 for any day from 1 April 2026 to 31 March 2027. */
int fp_pension_scheme_year(fp_day day);
/* The rules of the scheme year starting in April of start_year: true with *out as recorded, or for
   a year after the last recorded one, that year's carried forward and marked provisional (its
   source says so) until the year's published figures are added; false for a year before the
   first recorded one. */
bool fp_pension_year(int start_year, struct fp_pension_year *out);

/* fee_pence * pensionable share, rounded half up: GBP 1,000 gives GBP 900.00. */
int64_t fp_pension_pensionable_pence(const struct fp_pension_year *y, int64_t fee_pence);
/* pensionable_pence * employer rate, rounded half up: GBP 900.00 gives GBP 129.42. */
int64_t fp_pension_employer_pence(const struct fp_pension_year *y, int64_t pensionable_pence);
/* The employee rate (basis points) for a declared annual pensionable pay. */
int32_t fp_pension_tier_rate_bp(const struct fp_pension_year *y, int64_t annual_pensionable_pence);
/* pensionable_pence * rate_bp / 10000, rounded half up. */
int64_t fp_pension_employee_pence(int64_t pensionable_pence, int32_t rate_bp);
/* A rate in basis points as a percentage: "9.8%", "14.38%", "12.5%". */
#define FP_PENSION_RATE_LEN 12
void fp_pension_rate_text(int32_t rate_bp, char buf[FP_PENSION_RATE_LEN]);

/* Whether s is an SD number as the forms take it: 8 digits. */
bool fp_sd_number_valid(const char *s);
/* The unique payment reference of form B for month (1-12) of year: SD number, "LOC", the month's
   three letters, the year: "12345678LOCJUL2026". */
#define FP_PENSION_UPR_LEN 20
void fp_pension_upr(const char *sd_number, int year, int month, char buf[FP_PENSION_UPR_LEN]);

/* The 10-week rule: form A must reach the scheme within 10 weeks of the first day worked on its
   invoice, else that service is not pensionable: the last day it may. */
fp_day fp_pension_ten_week_limit(fp_day first_worked);
/* The day form B for month (1-12) of year is due: the 7th of the month after. */
fp_day fp_pension_form_b_due(int year, int month);

/* The warnings a GP locum gets before a deadline: FP_PENSION_WARN_EARLY and FP_PENSION_WARN_LATE
   days before it. Which of them is due on `today` for a deadline on `due`: the latest one whose
   day has come while the deadline has not passed (FP_PENSION_WARN_NONE otherwise), so a warning
   missed while the server was down is still given once, as the nearer one. */
#define FP_PENSION_WARN_EARLY_DAYS 14
#define FP_PENSION_WARN_LATE_DAYS 3
enum fp_pension_warning { FP_PENSION_WARN_NONE = 0, FP_PENSION_WARN_EARLY, FP_PENSION_WARN_LATE };
enum fp_pension_warning fp_pension_warning_due(fp_day due, fp_day today);

#endif
