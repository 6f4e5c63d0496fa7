/*
 * figures.h - the commissioner's figures (docs/METRICS.md, "The overview"): one set of them
 * (struct fp_metrics_figures, which the store fills), and each figure's name, label and kind once
 * (fp_figure_cols), so that the JSON, the CSV, the workbook and the monthly report's PDF write the
 * same figures the same way. Pure: no I/O.
 */
#ifndef FP_CORE_FIGURES_H
#define FP_CORE_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One set of figures (docs/METRICS.md defines each). clinicians_* are -1 where they cannot be
   attributed (places, PCNs: clinicians join pools, not places). */
struct fp_metrics_figures {
  int64_t shifts_posted;
  int64_t shifts_filled;
  int64_t unfilled;
  int64_t did_not_attend;
  int64_t late_cancellations;
  int64_t cancelled_by_clinician;  /* bookings of shifts in the period cancelled, by who cancelled */
  int64_t cancelled_by_practice;
  int64_t cancelled_by_pool;
  int64_t fill_seconds;            /* the filled sessions' time from posting to booking, summed */
  int64_t minutes_delivered;    /* sessions that have ended: the approved timesheet's, else as booked */
  int64_t minutes_ahead;        /* sessions booked that have not ended */
  int64_t fees_agreed_pence;
  int64_t fees_approved_pence;
  int64_t fees_paid_pence;
  int64_t practices;             /* open practices in the area (the ICB's list, e.g. from NHS ODS) */
  int64_t practices_registered;
  int64_t practices_onboarded;
  int64_t clinicians_registered;
  int64_t clinicians_onboarded;
};

/* Clinicians registered and onboarded of one profession (totals only). */
struct fp_metrics_profession {
  char profession[32];
  int64_t registered, onboarded;
};

/* The figures of one place, PCN or practice. organisation_id 0: practices with no place (or PCN)
   recorded. parent_id: the PCN above a practice (its place when it is in no PCN), the place above a
   PCN (0: none recorded; 0 for a place): the drill-down's way back up. */
struct fp_metrics_row {
  int64_t organisation_id;
  int64_t parent_id;
  char ods_code[12];
  char name[201];
  struct fp_metrics_figures f;
};

/* The caller owns the struct; fp_metrics_release frees the rows. */
struct fp_metrics {
  struct fp_metrics_figures totals;
  struct fp_metrics_row *places;
  int n_places;
  struct fp_metrics_row *pcns;
  int n_pcns;
  struct fp_metrics_row *practices;
  int n_practices;
  struct fp_metrics_profession *professions; /* in profession order */
  int n_professions;
};

/*
 * How a figure is written: a count; a rate (its part as a percentage of its whole, to one decimal
 * place); minutes written as hours (two decimal places); pence (tables add a _gbp column beside
 * it); a count of people, absent (null, an empty cell) where it is -1; a mean of seconds over a
 * count, written as hours to one decimal place.
 */
enum fp_figure_kind { FP_FIG_COUNT, FP_FIG_RATE, FP_FIG_HOURS, FP_FIG_PENCE, FP_FIG_PEOPLE, FP_FIG_MEAN_HOURS };

struct fp_figure_col {
  const char *name;  /* the JSON key and the table's column */
  const char *label; /* in words, for people */
  enum fp_figure_kind kind;
  size_t off, whole; /* the int64_t in struct fp_metrics_figures; a rate or mean: its whole too */
};

#define FP_FIGURE_COLS 21
extern const struct fp_figure_col fp_figure_cols[FP_FIGURE_COLS];

/* part as a percentage of whole in tenths, half up (429: 42.9%); 0 when whole is not positive. */
int64_t fp_percent_tenths(int64_t part, int64_t whole);
/* Minutes as hours to two decimal places, half up: the number, and as text ("15.00"). */
double fp_hours_number(int64_t minutes);
void fp_hours_text(int64_t minutes, char out[32]);

/* The raw value (a count, minutes, pence, seconds). */
int64_t fp_figure_value(const struct fp_metrics_figures *f, const struct fp_figure_col *c);
/* False where the figure is not counted (people by area). */
bool fp_figure_present(const struct fp_metrics_figures *f, const struct fp_figure_col *c);
/* The figure as the number written (a percentage, hours, a count, pence). */
double fp_figure_number(const struct fp_metrics_figures *f, const struct fp_figure_col *c);
/* The figure as text: "42.9", "15.00", "7", "128000"; "" where not present. */
void fp_figure_text(const struct fp_metrics_figures *f, const struct fp_figure_col *c, char out[32]);

#endif
