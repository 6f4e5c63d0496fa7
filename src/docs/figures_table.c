/* A table of figures as CSV and XLSX. See figures_table.h. */
#include "docs/figures_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/money.h"
#include "docs/csv_out.h"
#include "docs/xlsx_out.h"

#define MAX_COLS (FP_FIGURES_MAX_LEAD + 2 * FP_FIGURE_COLS)

struct head {
  const char *names[MAX_COLS];
  enum fp_xlsx_format formats[MAX_COLS];
  char gbp[FP_FIGURE_COLS][40];
  size_t n;
};

/* The table's k-th figure column. */
static const struct fp_figure_col *col(const struct fp_figures_table *t, size_t k) {
  return t->cols ? t->cols[k] : &fp_figure_cols[k];
}

static size_t n_cols(const struct fp_figures_table *t) {
  return t->cols ? (t->n_cols < FP_FIGURE_COLS ? t->n_cols : FP_FIGURE_COLS) : FP_FIGURE_COLS;
}

/* The header: the lead columns, then each figure (pence with its _gbp twin). */
static void head_of(const struct fp_figures_table *t, struct head *h) {
  size_t n = 0;
  for (; n < t->n_lead; n++) {
    h->names[n] = t->lead[n];
    h->formats[n] = FP_XLSX_GENERAL;
  }
  for (size_t i = 0; i < n_cols(t); i++) {
    const struct fp_figure_col *c = col(t, i);
    h->names[n] = c->name;
    h->formats[n++] = c->kind == FP_FIG_RATE || c->kind == FP_FIG_MEAN_HOURS ? FP_XLSX_ONE_DP
                      : c->kind == FP_FIG_HOURS                            ? FP_XLSX_TWO_DP
                                                                           : FP_XLSX_INTEGER;
    if (c->kind == FP_FIG_PENCE) {
      snprintf(h->gbp[i], sizeof h->gbp[i], "%.*s_gbp", (int)(strlen(c->name) - strlen("_pence")), c->name);
      h->names[n] = h->gbp[i];
      h->formats[n++] = FP_XLSX_POUNDS;
    }
  }
  h->n = n;
}

int fp_figures_csv(const struct fp_figures_table *t, char **out, size_t *len) {
  struct head h;
  head_of(t, &h);
  struct fp_csv_out o;
  fp_csv_out_begin(&o);
  fp_csv_out_row(&o, h.names, h.n);
  for (size_t i = 0; i < t->n; i++) {
    const char *cells[MAX_COLS];
    char buf[MAX_COLS][32];
    t->row_lead(t->data, i, cells, buf);
    const struct fp_metrics_figures *f = t->row_figures(t->data, i);
    size_t n = t->n_lead;
    for (size_t k = 0; k < n_cols(t); k++) {
      const struct fp_figure_col *c = col(t, k);
      fp_figure_text(f, c, buf[n]);
      cells[n] = buf[n];
      n++;
      if (c->kind == FP_FIG_PENCE) {
        fp_money_text(fp_figure_value(f, c), buf[n]);
        cells[n] = buf[n];
        n++;
      }
    }
    fp_csv_out_row(&o, cells, h.n);
  }
  if (o.failed) {
    free(o.data);
    return FP_ENOMEM;
  }
  *out = o.data;
  *len = o.len;
  return 0;
}

int fp_figures_xlsx(const struct fp_figures_table *t, const char *tmp_dir, const char *sheet, char **out, size_t *len) {
  struct head h;
  head_of(t, &h);
  struct fp_xlsx_cell *cells = calloc(t->n ? t->n * h.n : 1, sizeof *cells);
  /* The lead cells' text lives here until the workbook is written. */
  char(*buf)[FP_FIGURES_MAX_LEAD][32] = calloc(t->n ? t->n : 1, sizeof *buf);
  int rc = cells && buf ? 0 : FP_ENOMEM;
  for (size_t i = 0; !rc && i < t->n; i++) {
    struct fp_xlsx_cell *row = &cells[i * h.n];
    const char *lead[FP_FIGURES_MAX_LEAD];
    t->row_lead(t->data, i, lead, buf[i]);
    for (size_t k = 0; k < t->n_lead; k++)
      row[k] = !lead[k] || !lead[k][0]                   ? (struct fp_xlsx_cell){.blank = true}
               : t->number_lead && t->number_lead[k] ? (struct fp_xlsx_cell){.number = strtod(lead[k], NULL)}
                                                     : (struct fp_xlsx_cell){.text = lead[k]};
    const struct fp_metrics_figures *f = t->row_figures(t->data, i);
    size_t n = t->n_lead;
    for (size_t k = 0; k < n_cols(t); k++) {
      const struct fp_figure_col *c = col(t, k);
      row[n++] = fp_figure_present(f, c) ? (struct fp_xlsx_cell){.number = fp_figure_number(f, c)}
                                         : (struct fp_xlsx_cell){.blank = true};
      if (c->kind == FP_FIG_PENCE) row[n++] = (struct fp_xlsx_cell){.number = (double)fp_figure_value(f, c) / 100.0};
    }
  }
  if (!rc) rc = fp_xlsx_table(tmp_dir, sheet, h.names, h.formats, h.n, cells, t->n, out, len);
  free(cells);
  free(buf);
  return rc;
}

/* ---- the overview's table: one row per area ---- */

struct fp_figures_area {
  const char *level;
  const struct fp_metrics_row *row; /* NULL: the total */
};

static void area_lead(const void *data, size_t i, const char **cells, char buf[][32]) {
  const struct fp_figures_area *a = &((const struct fp_figures_areas *)data)->rows[i];
  cells[0] = a->level;
  if (!a->row) {
    cells[1] = "", cells[2] = "", cells[3] = "", cells[4] = "All areas";
    return;
  }
  snprintf(buf[1], 32, "%lld", (long long)a->row->organisation_id);
  snprintf(buf[2], 32, "%lld", (long long)a->row->parent_id);
  cells[1] = a->row->organisation_id ? buf[1] : "";
  cells[2] = a->row->parent_id ? buf[2] : "";
  cells[3] = a->row->ods_code;
  cells[4] = a->row->name;
}

static const struct fp_metrics_figures *area_figures(const void *data, size_t i) {
  const struct fp_figures_areas *a = data;
  return a->rows[i].row ? &a->rows[i].row->f : &a->m->totals;
}

int fp_figures_areas(const struct fp_metrics *m, struct fp_figures_areas *a) {
  static const char *const LEAD[] = {"level", "organisation_id", "parent_id", "ods_code", "name"};
  static const bool NUMBERS[] = {false, true, true, false, false};
  size_t n = 1 + (size_t)m->n_places + (size_t)m->n_pcns + (size_t)m->n_practices;
  memset(a, 0, sizeof *a);
  if (!(a->rows = calloc(n, sizeof *a->rows))) return FP_ENOMEM;
  size_t k = 0;
  a->rows[k++] = (struct fp_figures_area){"total", NULL};
  for (int i = 0; i < m->n_places; i++) a->rows[k++] = (struct fp_figures_area){"place", &m->places[i]};
  for (int i = 0; i < m->n_pcns; i++) a->rows[k++] = (struct fp_figures_area){"pcn", &m->pcns[i]};
  for (int i = 0; i < m->n_practices; i++) a->rows[k++] = (struct fp_figures_area){"practice", &m->practices[i]};
  a->m = m;
  a->table = (struct fp_figures_table){LEAD, 5, NUMBERS, n, area_lead, area_figures, a, NULL, 0};
  return 0;
}

void fp_figures_areas_release(struct fp_figures_areas *a) {
  free(a->rows);
  a->rows = NULL;
}
