/*
 * figures_table.h - a table of the commissioner's figures (core/figures.h) as CSV (csv_out.h) and
 * as a workbook (xlsx_out.h): lead columns that name each row (an area, a period), then every
 * figure (or those it names) under its JSON name, each _pence column with a _gbp twin beside it.
 * The overview's downloads, the trend's, the figures by clinician's and the monthly report's CSV
 * are all this one table.
 */
#ifndef FP_DOCS_FIGURES_TABLE_H
#define FP_DOCS_FIGURES_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/figures.h"

#define FP_FIGURES_MAX_LEAD 5

struct fp_figures_table {
  const char *const *lead;  /* the lead columns' names, n_lead of them (at most FP_FIGURES_MAX_LEAD) */
  size_t n_lead;
  const bool *number_lead;  /* NULL, or n_lead flags: the workbook stores that lead column as a number */
  size_t n;                 /* rows */
  /* Row i's lead cells as text into cells (an empty string: a blank cell), using buf for any it formats. */
  void (*row_lead)(const void *data, size_t i, const char **cells, char buf[][32]);
  const struct fp_metrics_figures *(*row_figures)(const void *data, size_t i);
  const void *data;
  /* The figures, in order, as columns: NULL for all of fp_figure_cols (the overview's, the
     trend's), or n_cols of them (the figures by clinician's). */
  const struct fp_figure_col *const *cols;
  size_t n_cols;
};

/* The table as CSV: 0 with *out (malloc'd) and *len, or FP_ENOMEM. */
int fp_figures_csv(const struct fp_figures_table *t, char **out, size_t *len);
/* The table as a workbook with one sheet: 0 with *out (malloc'd) and *len, FP_ENOMEM or FP_EIO
   (tmp_dir holds the workbook while it is written). */
int fp_figures_xlsx(const struct fp_figures_table *t, const char *tmp_dir, const char *sheet, char **out, size_t *len);

/*
 * The overview's table of m: a row for the total ("All areas"), then each place, PCN and practice,
 * led by level, organisation_id, parent_id, ods_code and name. 0 with a->table ready (m must
 * outlive it; fp_figures_areas_release after), or FP_ENOMEM.
 */
struct fp_figures_area;
struct fp_figures_areas {
  struct fp_figures_table table;
  const struct fp_metrics *m;
  struct fp_figures_area *rows;
};
int fp_figures_areas(const struct fp_metrics *m, struct fp_figures_areas *a);
void fp_figures_areas_release(struct fp_figures_areas *a);

#endif
