/* A GP locum's pension details and the lines their forms are made from. See pension.h. */
#include "store/pension.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/invoice.h"
#include "core/pension.h"
#include "store/accounts.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/sql.h"

static const struct fp_colspec DETAILS_READ[] = {
    FP_C(TEXT, struct fp_pension_details, sd_number),
    FP_C(BOOL, struct fp_pension_details, pensioned),
    FP_C(INT, struct fp_pension_details, annual_pensionable_pence),
    FP_C(INT, struct fp_pension_details, updated_at),
};
FP_ROW_READER(read_details, struct fp_pension_details, DETAILS_READ)

int fp_store_pension_details_get(struct fp_conn *c, int64_t clinician_id, struct fp_pension_details *d) {
  memset(d, 0, sizeof *d);
  return fp_db_one_by_id(c,
      "SELECT sd_number, pensioned, annual_pensionable_pence, updated_at FROM pension_details WHERE clinician_id = ?",
      clinician_id, read_details, d);
}

int fp_store_pension_details_put(struct fp_conn *c, int64_t clinician_id, const struct fp_pension_details *d,
                                 int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c,
      "INSERT INTO pension_details (clinician_id, sd_number, pensioned, annual_pensionable_pence, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (clinician_id) DO UPDATE SET sd_number = ?2, pensioned = ?3,"
      " annual_pensionable_pence = ?4, updated_at = ?5",
      fp_int(clinician_id), fp_txt(d->sd_number), fp_int(d->pensioned), fp_int(d->annual_pensionable_pence),
      fp_int(now));
  if (rc) return rc;
  char after[128];
  snprintf(after, sizeof after, "{\"sd_number\":\"%s\",\"pensioned\":%s,\"annual_pensionable_pence\":%lld}",
           d->sd_number, d->pensioned ? "true" : "false", (long long)d->annual_pensionable_pence);
  return fp_store_audit(c, now, actor, "clinician.pension_details", "clinician", clinician_id, NULL, after);
}

static const struct fp_colspec LINE_READ[] = {
    FP_C(INT, struct fp_pension_line, invoice_id),   FP_C(INT, struct fp_pension_line, invoice_number),
    FP_C(INT, struct fp_pension_line, practice_id),  FP_C(TEXT, struct fp_pension_line, practice_name),
    FP_C(INT, struct fp_pension_line, worked_start), FP_C(INT, struct fp_pension_line, worked_end),
    FP_C(INT, struct fp_pension_line, fee_pence),    FP_C(INT, struct fp_pension_line, issued_at),
    FP_C(INT, struct fp_pension_line, paid_at),      FP_C(INT, struct fp_pension_line, signed_at),
    FP_C(TEXT, struct fp_pension_line, signer_name), FP_C(TEXT, struct fp_pension_line, signer_role),
};
FP_ROW_READER(read_line, struct fp_pension_line, LINE_READ)

int fp_store_pension_lines(struct fp_conn *c, int64_t clinician_id, int64_t from, int64_t to, bool paid,
                           void (*cb)(const struct fp_pension_line *l, void *ctx), void *ctx) {
  fp_stmt *st = paid
      ? FP_DB_STMT(c,
            "SELECT i.id, i.number, i.practice_id, i.customer_name, l.worked_start, l.worked_end, l.amount_pence,"
            " i.issued_at, COALESCE(i.paid_at, 0), COALESCE(sg.signed_at, 0), COALESCE(sg.signer_name, ''),"
            " COALESCE(sg.signer_role, '') FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id"
            " LEFT JOIN form_a_signatures sg ON sg.invoice_id = i.id"
            " WHERE i.clinician_id = ? AND l.kind = 'fee' AND i.paid_at >= ? AND i.paid_at < ?"
            " ORDER BY i.id, l.worked_start, l.id",
            fp_int(clinician_id), fp_int(from), fp_int(to))
      : FP_DB_STMT(c,
            "SELECT i.id, i.number, i.practice_id, i.customer_name, l.worked_start, l.worked_end, l.amount_pence,"
            " i.issued_at, COALESCE(i.paid_at, 0), COALESCE(sg.signed_at, 0), COALESCE(sg.signer_name, ''),"
            " COALESCE(sg.signer_role, '') FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id"
            " LEFT JOIN form_a_signatures sg ON sg.invoice_id = i.id"
            " WHERE i.clinician_id = ? AND l.kind = 'fee' AND l.live = 1 AND i.issued_at >= ? AND i.issued_at < ?"
            " ORDER BY i.id, l.worked_start, l.id",
            fp_int(clinician_id), fp_int(from), fp_int(to));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_pension_line l;
    memset(&l, 0, sizeof l);
    read_line(st, &l);
    cb(&l, ctx);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* Gives warning w for form (its key) to the clinician once: the record first, then the message. */
static int warn_once(struct fp_conn *c, int64_t clinician_id, int64_t user_id, const char *form,
                     enum fp_pension_warning w, const char *subject, const char *text, int64_t now, int *n) {
  int rc = FP_DB_RUN(c,
      "INSERT INTO pension_reminders (clinician_id, form, warning, sent_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (clinician_id, form, warning) DO NOTHING",
      fp_int(clinician_id), fp_txt(form), fp_int((int64_t)w), fp_int(now));
  if (rc || fp_db_changes(c) != 1) return rc; /* given before */
  (*n)++;
  return fp_store_notify(c, user_id, "pension.deadline", subject, text, "/pension", now);
}

struct reminder {
  int64_t clinician_id, user_id, key, number, first_start;
  char practice[201];
};

/* The rows of st (clinician, user, invoice id, number, first start, practice) into *out. */
static int read_reminders(fp_stmt *st, struct reminder **out, size_t *n) {
  size_t cap = 0;
  *out = NULL;
  *n = 0;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (*n == cap) {
      struct reminder *grown = realloc(*out, (cap = cap ? cap * 2 : 16) * sizeof *grown);
      if (!grown) {
        fp_reset(st);
        return FP_ENOMEM;
      }
      *out = grown;
    }
    struct reminder *r = &(*out)[(*n)++];
    memset(r, 0, sizeof *r);
    r->clinician_id = fp_col_int64(st, 0);
    r->user_id = fp_col_int64(st, 1);
    r->key = fp_col_int64(st, 2);
    r->number = fp_col_int64(st, 3);
    r->first_start = fp_col_int64(st, 4);
    fp_db_col_copy(st, 5, r->practice, sizeof r->practice);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

#define PENSIONING_GPS                                                                                          \
  " JOIN pension_details pd ON pd.clinician_id = i.clinician_id AND pd.pensioned = 1"                           \
  " JOIN clinicians cl ON cl.id = i.clinician_id AND cl.profession = 'gp'"

int fp_store_pension_reminders(struct fp_conn *c, int64_t now, int *n) {
  *n = 0;
  fp_day today = fp_uk_day(now);
  /* Form A: invoices whose first day worked is recent enough for its limit to be ahead (the limit is
     the core's; this only bounds what is read). */
  fp_time since = fp_uk_local_to_utc(today - 80, 0, 0, 0);
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT i.clinician_id, cl.user_id, i.id, i.number, MIN(l.worked_start), i.customer_name FROM invoices i"
      " JOIN invoice_lines l ON l.invoice_id = i.id AND l.kind = 'fee' AND l.live = 1" PENSIONING_GPS
      " WHERE l.worked_start >= ? GROUP BY i.clinician_id, cl.user_id, i.id, i.number, i.customer_name ORDER BY i.id",
      fp_int(since));
  if (!st) return FP_EIO;
  struct reminder *rows;
  size_t count;
  int rc = read_reminders(st, &rows, &count);
  for (size_t i = 0; rc == 0 && i < count; i++) {
    fp_day limit = fp_pension_ten_week_limit(fp_uk_day(rows[i].first_start));
    enum fp_pension_warning w = fp_pension_warning_due(limit, today);
    if (w == FP_PENSION_WARN_NONE) continue;
    char form[32], ref[FP_INVOICE_REF_LEN], day[FP_DATE_STRLEN], subject[160], text[400];
    snprintf(form, sizeof form, "form_a:%lld", (long long)rows[i].key);
    fp_invoice_reference(rows[i].number, ref);
    fp_date_format(limit, day);
    snprintf(subject, sizeof subject, "Pension form A for invoice %s: send it by %s", ref, day);
    snprintf(text, sizeof text,
             "Form A for your invoice %s to %s must reach NHS Pensions by %s, 10 weeks from the first day worked, or"
             " that work is not pensionable. Your forms are ready to download.",
             ref, rows[i].practice, day);
    rc = warn_once(c, rows[i].clinician_id, rows[i].user_id, form, w, subject, text, now, n);
  }
  free(rows);
  if (rc) return rc;
  /* Form B of last month, for those paid in it. */
  int y, m, d;
  fp_civil_from_days(today, &y, &m, &d);
  int ly = m == 1 ? y - 1 : y, lm = m == 1 ? 12 : m - 1;
  fp_day due = fp_pension_form_b_due(ly, lm);
  enum fp_pension_warning w = fp_pension_warning_due(due, today);
  if (w == FP_PENSION_WARN_NONE) return 0;
  fp_time from = fp_uk_local_to_utc(fp_days_from_civil(ly, lm, 1), 0, 0, 0);
  fp_time to = fp_uk_local_to_utc(fp_days_from_civil(y, m, 1), 0, 0, 0);
  if (!(st = FP_DB_STMT(c,
            "SELECT i.clinician_id, cl.user_id, 0, COUNT(*), 0, '' FROM invoices i" PENSIONING_GPS
            " WHERE i.paid_at >= ? AND i.paid_at < ? GROUP BY i.clinician_id, cl.user_id ORDER BY i.clinician_id",
            fp_int(from), fp_int(to))))
    return FP_EIO;
  if ((rc = read_reminders(st, &rows, &count)) != 0) return rc;
  for (size_t i = 0; rc == 0 && i < count; i++) {
    char form[32], day[FP_DATE_STRLEN], subject[160], text[400];
    snprintf(form, sizeof form, "form_b:%04d-%02d", ly, lm);
    fp_date_format(due, day);
    snprintf(subject, sizeof subject, "Pension form B for %04d-%02d: send it by %s", ly, lm, day);
    snprintf(text, sizeof text,
             "Form B for %04d-%02d, with the contributions on the pay you received that month, must reach NHS"
             " Pensions by %s. Your forms are ready to download.",
             ly, lm, day);
    rc = warn_once(c, rows[i].clinician_id, rows[i].user_id, form, w, subject, text, now, n);
  }
  free(rows);
  return rc;
}
