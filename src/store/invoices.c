/* Clinicians' invoices to practices. See invoices.h. */
#include "store/invoices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/money.h"
#include "core/profession.h"
#include "core/terms.h"
#include "core/timesheet.h"
#include "store/accounts.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/sql.h"

void fp_invoice_release(struct fp_invoice *inv) {
  if (!inv) return;
  free(inv->issuer_detail);
  free(inv->customer_detail);
  free(inv->lines);
  inv->issuer_detail = inv->customer_detail = NULL;
  inv->lines = NULL;
  inv->n_lines = 0;
}

#define INVOICE_COLS                                                                                            \
  "i.id, i.clinician_id, i.practice_id, i.number, i.status, i.issued_at, i.due_on, i.total_pence, i.issuer_name," \
  " i.customer_name, i.issuer_detail, i.customer_detail, COALESCE(i.paid_at, 0), COALESCE(i.paid_by, 0)"
enum { INVOICE_NCOLS = 14 };

static const struct fp_colspec INVOICE_READ[] = {
    FP_C(INT, struct fp_invoice, id),           FP_C(INT, struct fp_invoice, clinician_id),
    FP_C(INT, struct fp_invoice, practice_id),  FP_C(INT, struct fp_invoice, number),
    FP_C(TEXT, struct fp_invoice, status),      FP_C(INT, struct fp_invoice, issued_at),
    FP_C(INT, struct fp_invoice, due_on),       FP_C(INT, struct fp_invoice, total_pence),
    FP_C(TEXT, struct fp_invoice, issuer_name), FP_C(TEXT, struct fp_invoice, customer_name),
    FP_C(STRDUP, struct fp_invoice, issuer_detail), FP_C(STRDUP, struct fp_invoice, customer_detail),
    FP_C(INT, struct fp_invoice, paid_at),      FP_C(INT, struct fp_invoice, paid_by),
};
_Static_assert(FP_NCOLS(INVOICE_READ) == INVOICE_NCOLS, "INVOICE_COLS and INVOICE_READ agree");
FP_ROW_READER(read_invoice, struct fp_invoice, INVOICE_READ)

/* ---- issuing ---- */

/* What an invoice for a session says, read in the approving transaction. */
struct session_facts {
  int64_t clinician_id, practice_id, clinician_user_id;
  char ts_state[16];
  int64_t actual_start, actual_end, fee_pence;
  int32_t break_minutes;
  char role[48], profession[48], registration[32];
  char clinician_name[201], practice_name[201], ods[16];
  char *address, *postcode; /* malloc'd, NULL when none */
  bool invoiced;
  struct fp_invoice_details pay; /* the clinician's (all "" when they gave none) */
  int32_t payment_days;          /* under the booking's terms (core/terms.h) */
  int32_t miles;                 /* claimed with the timesheet (core/timesheet.h fp_ts_claims) */
  int64_t expenses_pence;
  char expenses_note[201];
};

static const struct fp_colspec FACTS_READ[] = {
    FP_C(INT, struct session_facts, clinician_id),   FP_C(INT, struct session_facts, practice_id),
    FP_C(INT, struct session_facts, clinician_user_id), FP_C(TEXT, struct session_facts, ts_state),
    FP_C(INT, struct session_facts, actual_start),   FP_C(INT, struct session_facts, actual_end),
    FP_C(INT, struct session_facts, fee_pence),      FP_C(INT, struct session_facts, break_minutes),
    FP_C(TEXT, struct session_facts, role),          FP_C(TEXT, struct session_facts, profession),
    FP_C(TEXT, struct session_facts, registration),  FP_C(TEXT, struct session_facts, clinician_name),
    FP_C(TEXT, struct session_facts, practice_name), FP_C(TEXT, struct session_facts, ods),
    FP_C(STRDUP, struct session_facts, address),     FP_C(STRDUP, struct session_facts, postcode),
    FP_C(BOOL, struct session_facts, invoiced),
    FP_C(TEXT, struct session_facts, pay.address),   FP_C(TEXT, struct session_facts, pay.account_name),
    FP_C(TEXT, struct session_facts, pay.sort_code), FP_C(TEXT, struct session_facts, pay.account_number),
    FP_C(INT, struct session_facts, payment_days),   FP_C(INT, struct session_facts, miles),
    FP_C(INT, struct session_facts, expenses_pence), FP_C(TEXT, struct session_facts, expenses_note),
};
FP_ROW_READER(read_facts, struct session_facts, FACTS_READ)

static int session_facts(struct fp_conn *c, int64_t booking_id, struct session_facts *f) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT b.clinician_id, b.practice_id, cl.user_id, t.state, t.actual_start, t.actual_end, t.fee_pence,"
      " t.break_minutes, s.role, cl.profession, COALESCE(cl.registration_number, ''), u.name, o.name, o.ods_code,"
      " o.address, o.postcode,"
      " EXISTS (SELECT 1 FROM invoice_lines l WHERE l.booking_id = b.id AND l.kind = 'fee'),"
      " COALESCE(d.address, ''), COALESCE(d.account_name, ''), COALESCE(d.sort_code, ''),"
      " COALESCE(d.account_number, ''), COALESCE(b.terms_payment_days, ?2), t.mileage_miles, t.expenses_pence,"
      " COALESCE(t.expenses_note, '')"
      " FROM bookings b JOIN timesheets t ON t.booking_id = b.id JOIN shifts s ON s.id = b.shift_id"
      " LEFT JOIN invoice_details d ON d.clinician_id = b.clinician_id"
      " JOIN clinicians cl ON cl.id = b.clinician_id JOIN users u ON u.id = cl.user_id"
      " JOIN organisations o ON o.id = b.practice_id WHERE b.id = ?1",
      fp_int(booking_id), fp_int(FP_TERMS_DEFAULT_PAYMENT_DAYS));
  if (!st) return FP_EIO;
  return fp_step_one(st, read_facts, f);
}

/* "line\nline": the non-empty parts, malloc'd. */
static char *join_lines(const char *const *parts, size_t n) {
  size_t len = 1;
  for (size_t i = 0; i < n; i++)
    if (parts[i] && *parts[i]) len += strlen(parts[i]) + 1;
  char *s = malloc(len), *p = s;
  if (!s) return NULL;
  for (size_t i = 0; i < n; i++) {
    if (!parts[i] || !*parts[i]) continue;
    if (p != s) *p++ = '\n';
    size_t k = strlen(parts[i]);
    memcpy(p, parts[i], k);
    p += k;
  }
  *p = '\0';
  return s;
}

static int issue(struct fp_conn *c, int64_t booking_id, const struct session_facts *f, int64_t now, int64_t *id) {
  enum fp_ts_state state;
  if (fp_ts_state_parse(f->ts_state, &state) != 0 || state != FP_TS_APPROVED) return FP_ECONFLICT;
  /* What it says, as it stands now. */
  const struct fp_profession *prof = fp_profession_find(f->profession);
  const struct fp_profession *role = fp_profession_find(f->role);
  char registration[64] = "";
  if (prof && prof->regulator != FP_REG_NONE && f->registration[0])
    snprintf(registration, sizeof registration, "%s %s", prof->regulator_name, f->registration);
  char ods[32];
  snprintf(ods, sizeof ods, "ODS code %s", f->ods);
  /* Where to pay, when the clinician has said (their invoice details, as they stand now). */
  char pay_to[200] = "";
  if (f->pay.account_number[0])
    snprintf(pay_to, sizeof pay_to, "Pay to %s, sort code %s, account %s", f->pay.account_name, f->pay.sort_code,
             f->pay.account_number);
  char *issuer_detail =
      join_lines((const char *const[]){prof ? prof->name : f->profession, registration, f->pay.address, pay_to}, 4);
  char *customer_detail = join_lines((const char *const[]){f->address, f->postcode, ods}, 3);
  char when[64], description[256];
  fp_store_when_text(f->actual_start, f->actual_end, when, sizeof when);
  snprintf(description, sizeof description, "%s session (booking %lld)", role ? role->name : f->role,
           (long long)booking_id);
  int rc = issuer_detail && customer_detail ? 0 : FP_ENOMEM;
  /* The next number: the schema refuses any other, and a concurrent issue for the same clinician
     makes one of the two transactions run again (store/pg/schema.c 33). */
  int64_t number = 0, inv = 0;
  if (!rc) rc = FP_DB_INT(c, &number, "SELECT COALESCE(MAX(number), 0) + 1 FROM invoices WHERE clinician_id = ?",
                          fp_int(f->clinician_id));
  fp_day due = fp_invoice_due_on(now, f->payment_days);
  /* The fee, then the mileage and expenses claimed with it, each a line of its own. */
  int64_t mileage = fp_mileage_pence(f->miles), total = f->fee_pence + mileage + f->expenses_pence;
  if (!rc)
    rc = FP_DB_INSERT(c, &inv,
        "INSERT INTO invoices (clinician_id, practice_id, number, status, issued_at, due_on, total_pence, issuer_name,"
        " issuer_detail, customer_name, customer_detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        fp_int(f->clinician_id), fp_int(f->practice_id), fp_int(number),
        fp_txt(fp_invoice_status_name(FP_INVOICE_ISSUED)), fp_int(now), fp_int(due), fp_int(total),
        fp_txt(f->clinician_name), fp_txt(issuer_detail), fp_txt(f->practice_name), fp_txt(customer_detail));
  free(issuer_detail);
  free(customer_detail);
  char mileage_text[96], expenses_text[256];
  snprintf(mileage_text, sizeof mileage_text, "Mileage: %d miles at %dp a mile", (int)f->miles,
           FP_MILEAGE_PENCE_PER_MILE);
  snprintf(expenses_text, sizeof expenses_text, "Expenses: %s", f->expenses_note);
  const struct {
    const char *kind, *text;
    int64_t pence;
  } lines[] = {{"fee", description, f->fee_pence}, {"mileage", mileage_text, mileage},
               {"expenses", expenses_text, f->expenses_pence}};
  for (size_t i = 0; !rc && i < sizeof lines / sizeof lines[0]; i++)
    if (i == 0 || lines[i].pence > 0)
      rc = FP_DB_RUN(c,
          "INSERT INTO invoice_lines (invoice_id, booking_id, kind, description, worked_start, worked_end,"
          " break_minutes, amount_pence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          fp_int(inv), fp_int(booking_id), fp_txt(lines[i].kind), fp_txt(lines[i].text), fp_int(f->actual_start),
          fp_int(f->actual_end), fp_int(f->break_minutes), fp_int(lines[i].pence));
  if (rc) return rc;
  char after[160];
  snprintf(after, sizeof after, "{\"number\":%lld,\"booking_id\":%lld,\"total_pence\":%lld}", (long long)number,
           (long long)booking_id, (long long)total);
  if ((rc = fp_store_audit(c, now, 0, "invoice.issue", "invoice", inv, NULL, after)) != 0) return rc;
  /* The practice hears of it: what, from whom, how much and by when. */
  char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64], due_text[FP_DATE_STRLEN];
  char ref[FP_INVOICE_REF_LEN], amount[FP_MONEY_TEXT_LEN];
  fp_date_format(due, due_text);
  fp_invoice_reference(number, ref);
  fp_money_text(total, amount);
  snprintf(subject, sizeof subject, "Invoice %s: GBP %s due by %s", ref, amount, due_text);
  snprintf(text, sizeof text, "%s has invoiced %s GBP %s for the %s, %s. Payment is due by %s.", f->clinician_name,
           f->practice_name, amount, description, when, due_text);
  snprintf(link, sizeof link, "/practice/invoices/%lld", (long long)inv);
  if ((rc = fp_store_notify_practice(c, f->practice_id, "invoice.issued", subject, text, link, now)) != 0) return rc;
  if (id) *id = inv;
  return 0;
}

int fp_store_invoice_issue_for_session(struct fp_conn *c, int64_t booking_id, int64_t now, int64_t *id) {
  struct session_facts f;
  int rc = session_facts(c, booking_id, &f);
  if (rc == FP_ENOTFOUND) return FP_ECONFLICT; /* no timesheet */
  if (rc) return rc;
  if (f.invoiced) rc = 0; /* once */
  else rc = issue(c, booking_id, &f, now, id);
  free(f.address);
  free(f.postcode);
  return rc;
}

/* ---- reading ---- */

/* " AND (what scope sees)". */
static void where_scope(struct fp_sql *q, const struct fp_scope *s) {
  if (!s || s->all) return;
  fp_sql_add(q, " AND (1 = 0");
  if (s->clinician_id) fp_sql_opt_int(q, " OR i.clinician_id = ", s->clinician_id, true);
  if (s->n_practices) {
    fp_sql_add(q, " OR i.practice_id IN ");
    fp_sql_id_list(q, s->practices, s->n_practices);
  }
  if (s->n_pools) {
    fp_sql_add(q, " OR i.practice_id IN (SELECT m.organisation_id FROM pool_members m WHERE m.organisation_id IS NOT"
                  " NULL AND m.pool_id IN ");
    fp_sql_id_list(q, s->pools, s->n_pools);
    fp_sql_add(q, ")");
  }
  fp_sql_add(q, ")");
}

struct list_cb {
  void (*cb)(const struct fp_invoice *inv, void *ctx);
  void *ctx;
};

static void list_row(fp_stmt *st, void *vctx) {
  struct list_cb *x = vctx;
  struct fp_invoice inv;
  read_invoice(st, &inv);
  x->cb(&inv, x->ctx);
  fp_invoice_release(&inv);
}

int fp_store_invoice_list(struct fp_conn *c, const struct fp_invoice_query *q,
                          void (*cb)(const struct fp_invoice *inv, void *ctx), void *ctx, bool *more,
                          struct fp_list_pos *last) {
  static const struct fp_sort_sql NEWEST = {"i.issued_at", NULL, "i.id", true};
  struct fp_sql sql;
  fp_sql_select_page(&sql, INVOICE_COLS, &NEWEST);
  fp_sql_add(&sql, " FROM invoices i WHERE 1 = 1");
  where_scope(&sql, q->scope);
  fp_sql_opt_int(&sql, " AND i.practice_id = ", q->practice_id, q->practice_id != 0);
  fp_sql_opt_int(&sql, " AND i.clinician_id = ", q->clinician_id, q->clinician_id != 0);
  fp_sql_opt_int(&sql, " AND i.issued_at >= ", q->issued_from, q->issued_from != 0);
  fp_sql_opt_int(&sql, " AND i.issued_at < ", q->issued_before, q->issued_before != 0);
  if (q->status && strcmp(q->status, "overdue") == 0) {
    /* core/invoice.h fp_invoice_overdue: issued, and due before fp_invoice_overdue_before(now). */
    fp_sql_opt_text(&sql, " AND i.status = ", fp_invoice_status_name(FP_INVOICE_ISSUED));
    fp_sql_opt_int(&sql, " AND i.due_on < ", fp_invoice_overdue_before(q->now), true);
  } else {
    fp_sql_opt_text(&sql, " AND i.status = ", q->status);
  }
  struct list_cb x = {cb, ctx};
  return fp_sql_page(c, &sql, &NEWEST, &q->after, q->limit, INVOICE_NCOLS, list_row, &x, more, last);
}

static const struct fp_colspec LINE_READ[] = {
    FP_C(INT, struct fp_invoice_line, id),           FP_C(INT, struct fp_invoice_line, booking_id),
    FP_C(TEXT, struct fp_invoice_line, kind),        FP_C(TEXT, struct fp_invoice_line, description),
    FP_C(INT, struct fp_invoice_line, worked_start), FP_C(INT, struct fp_invoice_line, worked_end),
    FP_C(INT, struct fp_invoice_line, break_minutes), FP_C(INT, struct fp_invoice_line, amount_pence),
};

static int read_lines(struct fp_conn *c, struct fp_invoice *inv) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT id, booking_id, kind, description, worked_start, worked_end, break_minutes, amount_pence"
      " FROM invoice_lines WHERE invoice_id = ? ORDER BY worked_start, id",
      fp_int(inv->id));
  if (!st) return FP_EIO;
  size_t cap = 0;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (inv->n_lines == cap) {
      cap = cap ? cap * 2 : 4;
      struct fp_invoice_line *n = realloc(inv->lines, cap * sizeof *n);
      if (!n) {
        rc = FP_ENOMEM;
        break;
      }
      inv->lines = n;
    }
    struct fp_invoice_line *l = &inv->lines[inv->n_lines++];
    memset(l, 0, sizeof *l);
    fp_read_cols(st, 0, LINE_READ, FP_NCOLS(LINE_READ), l);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : rc == FP_ENOMEM ? FP_ENOMEM : FP_EIO;
}

int fp_store_invoice_get(struct fp_conn *c, int64_t id, const struct fp_scope *scope, struct fp_invoice *out) {
  memset(out, 0, sizeof *out);
  struct fp_sql sql;
  fp_sql_init(&sql);
  fp_sql_add(&sql, "SELECT " INVOICE_COLS " FROM invoices i WHERE i.id = ");
  fp_sql_int(&sql, id);
  where_scope(&sql, scope);
  fp_stmt *st = fp_sql_prepare(c, &sql);
  if (!st) return FP_EIO;
  int rc = fp_step_one(st, read_invoice, out);
  if (!rc) rc = read_lines(c, out);
  if (rc) fp_invoice_release(out);
  return rc;
}

int fp_store_invoice_pay(struct fp_conn *c, int64_t id, enum fp_invoice_status from, int64_t actor, int64_t now) {
  enum fp_invoice_status to;
  if (fp_invoice_next(from, FP_INVEV_PAY, &to) != 0) return FP_ECONFLICT;
  int rc = FP_DB_RUN(c, "UPDATE invoices SET status = ?, paid_at = ?, paid_by = ? WHERE id = ? AND status = ?",
                     fp_txt(fp_invoice_status_name(to)), fp_int(now), fp_id(actor), fp_int(id),
                     fp_txt(fp_invoice_status_name(from)));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  char before[40], after[40];
  snprintf(before, sizeof before, "{\"status\":\"%s\"}", fp_invoice_status_name(from));
  snprintf(after, sizeof after, "{\"status\":\"%s\"}", fp_invoice_status_name(to));
  if ((rc = fp_store_audit(c, now, actor, "invoice.pay", "invoice", id, before, after)) != 0) return rc;
  /* The clinician hears that it was paid. */
  int64_t user = 0, number = 0, total = 0;
  char customer[201] = "";
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT cl.user_id, i.number, i.total_pence, i.customer_name FROM invoices i"
      " JOIN clinicians cl ON cl.id = i.clinician_id WHERE i.id = ?",
      fp_int(id));
  if (!st) return FP_EIO;
  if ((rc = fp_step(st)) != FP_ROW) {
    fp_reset(st);
    return rc == FP_DONE ? FP_ENOTFOUND : rc;
  }
  user = fp_col_int64(st, 0);
  number = fp_col_int64(st, 1);
  total = fp_col_int64(st, 2);
  snprintf(customer, sizeof customer, "%s", fp_col_text(st, 3) ? fp_col_text(st, 3) : "");
  fp_reset(st);
  char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[48];
  char ref[FP_INVOICE_REF_LEN], amount[FP_MONEY_TEXT_LEN];
  fp_invoice_reference(number, ref);
  fp_money_text(total, amount);
  snprintf(subject, sizeof subject, "Invoice %s paid: GBP %s", ref, amount);
  snprintf(text, sizeof text, "%s has recorded your invoice %s of GBP %s as paid.", customer, ref, amount);
  snprintf(link, sizeof link, "/invoices/%lld", (long long)id);
  return fp_store_notify(c, user, "invoice.paid", subject, text, link, now);
}

/* ---- the clinician's invoice details ---- */

static const struct fp_colspec DETAILS_READ[] = {
    FP_C(TEXT, struct fp_invoice_details, address),
    FP_C(TEXT, struct fp_invoice_details, account_name),
    FP_C(TEXT, struct fp_invoice_details, sort_code),
    FP_C(TEXT, struct fp_invoice_details, account_number),
    FP_C(INT, struct fp_invoice_details, updated_at),
};
FP_ROW_READER(read_details, struct fp_invoice_details, DETAILS_READ)

int fp_store_invoice_details_get(struct fp_conn *c, int64_t clinician_id, struct fp_invoice_details *d) {
  memset(d, 0, sizeof *d);
  return fp_db_one_by_id(c,
      "SELECT address, account_name, sort_code, account_number, updated_at FROM invoice_details WHERE clinician_id = ?",
      clinician_id, read_details, d);
}

int fp_store_invoice_details_put(struct fp_conn *c, int64_t clinician_id, const struct fp_invoice_details *d,
                                 int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c,
      "INSERT INTO invoice_details (clinician_id, address, account_name, sort_code, account_number, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (clinician_id) DO UPDATE SET address = ?2, account_name = ?3,"
      " sort_code = ?4, account_number = ?5, updated_at = ?6",
      fp_int(clinician_id), fp_txt(d->address), fp_txt(d->account_name), fp_txt(d->sort_code),
      fp_txt(d->account_number), fp_int(now));
  if (rc) return rc;
  /* The audit says that they changed and the sort code, not the whole account number. */
  char after[96];
  snprintf(after, sizeof after, "{\"sort_code\":\"%s\",\"account_number\":\"****%s\"}", d->sort_code,
           strlen(d->account_number) >= 4 ? d->account_number + strlen(d->account_number) - 4 : "");
  return fp_store_audit(c, now, actor, "clinician.invoice_details", "clinician", clinician_id, NULL, after);
}
