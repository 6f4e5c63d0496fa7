#include "core/figures.h"

#include <stdio.h>

#define F(name, label, kind, member) {name, label, kind, offsetof(struct fp_metrics_figures, member), 0}
#define OF(name, label, kind, part, of)                                                                    \
  {name, label, kind, offsetof(struct fp_metrics_figures, part), offsetof(struct fp_metrics_figures, of)}
const struct fp_figure_col fp_figure_cols[FP_FIGURE_COLS] = {
    F("shifts_posted", "Shifts posted", FP_FIG_COUNT, shifts_posted),
    F("shifts_filled", "Shifts filled", FP_FIG_COUNT, shifts_filled),
    OF("fill_rate_percent", "Fill rate (%)", FP_FIG_RATE, shifts_filled, shifts_posted),
    F("unfilled", "Unfilled shifts", FP_FIG_COUNT, unfilled),
    F("did_not_attend", "Did not attend", FP_FIG_COUNT, did_not_attend),
    F("late_cancellations", "Late cancellations", FP_FIG_COUNT, late_cancellations),
    F("cancelled_by_clinician", "Cancelled by the clinician", FP_FIG_COUNT, cancelled_by_clinician),
    F("cancelled_by_practice", "Cancelled by the practice", FP_FIG_COUNT, cancelled_by_practice),
    F("cancelled_by_pool", "Cancelled by the pool", FP_FIG_COUNT, cancelled_by_pool),
    OF("hours_to_fill_average", "Average hours to fill", FP_FIG_MEAN_HOURS, fill_seconds, shifts_filled),
    F("hours_delivered", "Hours delivered", FP_FIG_HOURS, minutes_delivered),
    F("hours_booked_ahead", "Hours booked ahead", FP_FIG_HOURS, minutes_ahead),
    F("fees_agreed_pence", "Fees agreed", FP_FIG_PENCE, fees_agreed_pence),
    F("fees_approved_pence", "Fees approved", FP_FIG_PENCE, fees_approved_pence),
    F("fees_paid_pence", "Fees paid", FP_FIG_PENCE, fees_paid_pence),
    F("practices", "Practices in the area", FP_FIG_COUNT, practices),
    F("practices_registered", "Practices registered", FP_FIG_COUNT, practices_registered),
    OF("coverage_percent", "Coverage (%)", FP_FIG_RATE, practices_registered, practices),
    F("practices_onboarded", "Practices onboarded", FP_FIG_COUNT, practices_onboarded),
    F("clinicians_registered", "Clinicians registered", FP_FIG_PEOPLE, clinicians_registered),
    F("clinicians_onboarded", "Clinicians onboarded", FP_FIG_PEOPLE, clinicians_onboarded),
};
#undef F
#undef OF

static int64_t at(const struct fp_metrics_figures *f, size_t off) {
  return *(const int64_t *)((const char *)f + off);
}

int64_t fp_figure_value(const struct fp_metrics_figures *f, const struct fp_figure_col *c) { return at(f, c->off); }

bool fp_figure_present(const struct fp_metrics_figures *f, const struct fp_figure_col *c) {
  return c->kind != FP_FIG_PEOPLE || at(f, c->off) >= 0;
}

/* part / whole as tenths, half up (0 when whole is not positive). */
static int64_t tenths(int64_t part, int64_t whole) { return whole <= 0 ? 0 : (part * 10 + whole / 2) / whole; }

int64_t fp_percent_tenths(int64_t part, int64_t whole) { return tenths(part * 100, whole); }

static int64_t hundredths_of_hours(int64_t minutes) { return (minutes * 100 + 30) / 60; }

double fp_hours_number(int64_t minutes) { return (double)hundredths_of_hours(minutes) / 100.0; }

void fp_hours_text(int64_t minutes, char out[32]) {
  int64_t h100 = hundredths_of_hours(minutes);
  snprintf(out, 32, "%lld.%02lld", (long long)(h100 / 100), (long long)(h100 % 100));
}

double fp_figure_number(const struct fp_metrics_figures *f, const struct fp_figure_col *c) {
  int64_t v = at(f, c->off);
  switch (c->kind) {
  case FP_FIG_RATE: return (double)fp_percent_tenths(v, at(f, c->whole)) / 10.0;
  case FP_FIG_MEAN_HOURS: return (double)tenths(v, at(f, c->whole) * 3600) / 10.0;
  case FP_FIG_HOURS: return fp_hours_number(v);
  default: return (double)v;
  }
}

void fp_figure_text(const struct fp_metrics_figures *f, const struct fp_figure_col *c, char out[32]) {
  int64_t v = at(f, c->off);
  switch (c->kind) {
  case FP_FIG_RATE:
  case FP_FIG_MEAN_HOURS: {
    int64_t t = c->kind == FP_FIG_RATE ? fp_percent_tenths(v, at(f, c->whole)) : tenths(v, at(f, c->whole) * 3600);
    snprintf(out, 32, "%lld.%lld", (long long)(t / 10), (long long)(t % 10));
    break;
  }
  case FP_FIG_HOURS: fp_hours_text(v, out); break;
  case FP_FIG_PEOPLE:
    if (v < 0) out[0] = '\0';
    else snprintf(out, 32, "%lld", (long long)v);
    break;
  default: snprintf(out, 32, "%lld", (long long)v); break;
  }
}
