/*
 * report_pdf.c - the monthly report as a PDF: the month's figures in total (label and value),
 * clinicians by profession, then the main figures of each place, PCN and practice in a table that
 * runs on over pages with its header repeated.
 */
#include "docs/report_pdf.h"

#include <stdio.h>
#include <string.h>

#include "core/profession.h"
#include "docs/pdf_kit.h"

#define MARGIN FP_PDF_MARGIN
#define RIGHT (FP_PDF_PAGE_W - FP_PDF_MARGIN)
#define WIDTH (FP_PDF_PAGE_W - 2 * FP_PDF_MARGIN)

static const char *const MONTHS[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

static void heading(struct fp_pdf_doc *d, const char *text, double size) {
  fp_pdf_room(d, 60);
  fp_pdf_font(d, size, true);
  d->y += fp_pdf_text_at(d, MARGIN, text, WIDTH, false) + 6;
  fp_pdf_font(d, 10, false);
}

/* A figure as people read it: "42.9%", "15.00 hours", "£1,280.00", "7"; "not counted" by area. */
static void figure_words(const struct fp_metrics_figures *f, const struct fp_figure_col *c, char out[48]) {
  char t[32];
  if (!fp_figure_present(f, c)) {
    snprintf(out, 48, "not counted");
    return;
  }
  fp_figure_text(f, c, t);
  switch (c->kind) {
  case FP_FIG_RATE: snprintf(out, 48, "%s%%", t); break;
  case FP_FIG_PENCE: fp_pdf_money(fp_figure_value(f, c), out); break;
  default: snprintf(out, 48, "%s", t); break;
  }
}

static void row(struct fp_pdf_doc *d, const char *label, const char *value) {
  fp_pdf_room(d, 16);
  double h = fp_pdf_text_at(d, MARGIN, label, WIDTH - 160, false);
  fp_pdf_text_at(d, RIGHT, value, 0, true);
  d->y += h + 3;
}

/* The table by area: the name, then these figures, right-aligned. */
static const char *const TABLE_FIGURES[] = {"shifts_posted", "shifts_filled",  "fill_rate_percent",
                                            "unfilled",      "hours_delivered", "fees_agreed_pence"};
static const char *const TABLE_HEADS[] = {"Posted", "Filled", "Fill rate", "Unfilled", "Hours", "Fees agreed"};
static const double TABLE_WIDTHS[] = {46, 46, 52, 52, 60, 80}; /* points; the name takes the rest */
#define N_TABLE (sizeof TABLE_FIGURES / sizeof TABLE_FIGURES[0])
#define NAME_W (WIDTH - 336.0)

static const struct fp_figure_col *col_named(const char *name) {
  for (size_t i = 0; i < FP_FIGURE_COLS; i++)
    if (strcmp(fp_figure_cols[i].name, name) == 0) return &fp_figure_cols[i];
  return &fp_figure_cols[0];
}

static double col_right(size_t k) {
  double x = MARGIN + NAME_W;
  for (size_t i = 0; i <= k; i++) x += TABLE_WIDTHS[i];
  return x;
}

static void table_head(struct fp_pdf_doc *d, const char *first) {
  fp_pdf_font(d, 8.5, true);
  double h = fp_pdf_text_at(d, MARGIN, first, NAME_W - 6, false);
  for (size_t k = 0; k < N_TABLE; k++) fp_pdf_text_at(d, col_right(k), TABLE_HEADS[k], 0, true);
  d->y += h + 2;
  fp_pdf_rule(d, 4);
  fp_pdf_font(d, 8.5, false);
}

static void table(struct fp_pdf_doc *d, const char *title, const char *first, const struct fp_metrics_row *rows, int n) {
  if (n <= 0) return;
  heading(d, title, 13);
  table_head(d, first);
  for (int i = 0; i < n; i++) {
    const char *name = rows[i].organisation_id ? rows[i].name : "None recorded";
    double need = fp_pdf_text_height(d, name, NAME_W - 6) + 3;
    if (fp_pdf_room(d, need)) table_head(d, first);
    double h = fp_pdf_text_at(d, MARGIN, name, NAME_W - 6, false);
    for (size_t k = 0; k < N_TABLE; k++) {
      char v[48];
      figure_words(&rows[i].f, col_named(TABLE_FIGURES[k]), v);
      fp_pdf_text_at(d, col_right(k), v, 0, true);
    }
    d->y += h + 3;
  }
  d->y += 10;
  fp_pdf_font(d, 10, false);
}

int fp_report_pdf(const struct fp_report_doc *r, unsigned char **out, size_t *len) {
  int y, m, dd;
  fp_civil_from_days(r->first, &y, &m, &dd);
  char title[300], line[400], a[16], b[16], made[16], clock[6];
  snprintf(title, sizeof title, "Monthly report: %s, %s %d", r->icb_name, MONTHS[(m - 1) % 12], y);
  struct fp_pdf_doc doc, *d = &doc;
  fp_pdf_begin(d, title, "flexpool");
  heading(d, title, 17);
  fp_pdf_day_text(r->first, a);
  fp_pdf_day_text(r->end - 1, b);
  fp_pdf_day_text(fp_uk_day(r->made_at), made);
  fp_pdf_clock_text(r->made_at, clock);
  fp_pdf_font(d, 9, false);
  snprintf(line, sizeof line,
           "Shifts starting from %s to %s (UK dates). Made by flexpool on %s at %s and kept as made. Each figure is"
           " defined in flexpool's docs/METRICS.md; clinicians are counted in total and by profession, never by area.",
           a, b, made, clock);
  d->y += fp_pdf_text_at(d, MARGIN, line, WIDTH, false) + 12;
  fp_pdf_rule(d, 10);

  heading(d, "In total", 13);
  for (size_t i = 0; i < FP_FIGURE_COLS; i++) {
    char v[48];
    figure_words(&r->m->totals, &fp_figure_cols[i], v);
    row(d, fp_figure_cols[i].label, v);
  }
  d->y += 10;
  if (r->targets) {
    const struct fp_period_targets *t = r->targets;
    heading(d, "Against the ICB's targets", 13);
    /* Targets are set by financial year, and a month lies in one: a missing one is that year's. */
    char none[48] = "none set for the month";
    if (t->first_year == t->last_year)
      snprintf(none, sizeof none, "none set for %d/%02d", t->first_year, (t->first_year + 1) % 100);
    if (t->fill_rate_tenths == FP_TARGET_NONE) {
      snprintf(line, sizeof line, "%s", none);
    } else {
      snprintf(line, sizeof line, "%lld.%lld%%: %s", (long long)(t->fill_rate_tenths / 10),
               (long long)(t->fill_rate_tenths % 10), t->fill_rate_met ? "met" : "not met");
    }
    row(d, "Fill rate target", line);
    if (t->spend_pence == FP_TARGET_NONE) {
      snprintf(line, sizeof line, "%s", none);
    } else {
      char money[48];
      fp_pdf_money(t->spend_pence, money);
      snprintf(line, sizeof line, "%s for the month: %s", money, t->spend_within ? "within" : "over");
    }
    row(d, "Fees agreed target", line);
    fp_pdf_font(d, 9, false);
    d->y += fp_pdf_text_at(d, MARGIN,
                           "Targets are set for a financial year; the month's share of the spend target is the"
                           " year's by the month's days.",
                           WIDTH, false) + 10;
    fp_pdf_font(d, 10, false);
  }
  if (r->m->n_professions > 0) {
    heading(d, "Clinicians by profession", 13);
    for (int i = 0; i < r->m->n_professions; i++) {
      const struct fp_metrics_profession *p = &r->m->professions[i];
      const struct fp_profession *known = fp_profession_find(p->profession);
      snprintf(line, sizeof line, "%lld registered, %lld onboarded", (long long)p->registered, (long long)p->onboarded);
      row(d, known ? known->name : p->profession, line);
    }
    d->y += 10;
  }
  table(d, "By place", "Place", r->m->places, r->m->n_places);
  table(d, "By primary care network (PCN)", "PCN", r->m->pcns, r->m->n_pcns);
  table(d, "By practice", "Practice", r->m->practices, r->m->n_practices);
  if (!r->m->n_places && !r->m->n_pcns && !r->m->n_practices) {
    fp_pdf_font(d, 10, false);
    d->y += fp_pdf_text_at(d, MARGIN, "There are no practices in this ICB yet.", WIDTH, false) + 6;
  }
  return fp_pdf_end(d, out, len);
}
