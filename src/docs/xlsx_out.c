#include "docs/xlsx_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/error.h"

/* The whole file into *out. */
static int slurp(const char *path, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return FP_EIO;
  int rc = FP_EIO;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
      char *buf = malloc((size_t)n + 1);
      if (!buf) rc = FP_ENOMEM;
      else if (fread(buf, 1, (size_t)n, f) == (size_t)n) {
        *out = buf;
        *len = (size_t)n;
        rc = 0;
      } else {
        free(buf);
      }
    }
  }
  fclose(f);
  return rc;
}

int fp_xlsx_table(const char *tmp_dir, const char *sheet, const char *const *head, const enum fp_xlsx_format *formats,
                  size_t ncols, const struct fp_xlsx_cell *cells, size_t nrows, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  char path[512];
  snprintf(path, sizeof path, "%s/flexpool-xlsx-XXXXXX", tmp_dir && *tmp_dir ? tmp_dir : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0) return FP_EIO;
  close(fd);
  lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = (char *)(tmp_dir && *tmp_dir ? tmp_dir : "/tmp")};
  lxw_workbook *wb = workbook_new_opt(path, &opt);
  if (!wb) {
    unlink(path);
    return FP_EIO;
  }
  lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
  lxw_format *bold = workbook_add_format(wb);
  format_set_bold(bold);
  format_set_text_wrap(bold);
  static const char *const NUM_FORMATS[] = {NULL, "#,##0", "0.0", "0.00", "\xC2\xA3#,##0.00"};
  lxw_format *fmt[5] = {NULL};
  for (int i = 1; i < 5; i++) {
    fmt[i] = workbook_add_format(wb);
    format_set_num_format(fmt[i], NUM_FORMATS[i]);
  }
  lxw_error err = LXW_NO_ERROR;
  for (size_t c = 0; c < ncols && !err; c++) {
    err = worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], bold);
    if (!err) err = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c == 0 ? 28 : 16, NULL);
  }
  if (!err) worksheet_freeze_panes(ws, 1, 0);
  for (size_t r = 0; r < nrows && !err; r++)
    for (size_t c = 0; c < ncols && !err; c++) {
      const struct fp_xlsx_cell *cell = &cells[r * ncols + c];
      lxw_row_t row = (lxw_row_t)(r + 1);
      if (cell->blank) continue;
      if (cell->text) err = worksheet_write_string(ws, row, (lxw_col_t)c, cell->text, NULL);
      else err = worksheet_write_number(ws, row, (lxw_col_t)c, cell->number, fmt[formats[c]]);
    }
  lxw_error closed = workbook_close(wb);
  int rc = err || closed ? FP_EIO : slurp(path, out, len);
  unlink(path);
  return rc;
}
