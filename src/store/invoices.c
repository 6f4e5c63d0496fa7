/* Clinicians' invoices to practices. See invoices.h. */
#include "store/invoices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/money.h"
#include "core/pension.h"
#include "core/profession.h"
#include "core/terms.h"
#include "core/timesheet.h"
#include "store/accounts.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/sql.h"
#include "store/timesheets.h"

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
  " i.customer_name, i.issuer_detail, i.customer_detail, COALESCE(i.paid_at, 0), COALESCE(i.paid_by, 0),"        \
  " COALESCE(i.credits_id, 0), COALESCE((SELECT x.number FROM invoices x WHERE x.id = i.credits_id), 0),"         \
  " COALESCE((SELECT x.id FROM invoices x WHERE x.credits_id = i.id), 0),"                                         \
  " COALESCE((SELECT x.number FROM invoices x WHERE x.credits_id = i.id), 0), COALESCE(i.credit_reason, '')"
enum { INVOICE_NCOLS = 19 };

static const struct fp_colspec INVOICE_READ[] = {
    FP_C(INT, struct fp_invoice, id),           FP_C(INT, struct fp_invoice, clinician_id),
    FP_C(INT, struct fp_invoice, practice_id),  FP_C(INT, struct fp_invoice, number),
    FP_C(TEXT, struct fp_invoice, status),      FP_C(INT, struct fp_invoice, issued_at),
    FP_C(INT, struct fp_invoice, due_on),       FP_C(INT, struct fp_invoice, total_pence),
    FP_C(TEXT, struct fp_invoice, issuer_name), FP_C(TEXT, struct fp_invoice, customer_name),
    FP_C(STRDUP, struct fp_invoice, issuer_detail), FP_C(STRDUP, struct fp_invoice, customer_detail),
    FP_C(INT, struct fp_invoice, paid_at),      FP_C(INT, struct fp_invoice, paid_by),
    FP_C(INT, struct fp_invoice, credits_id),   FP_C(INT, struct fp_invoice, credits_number),
    FP_C(INT, struct fp_invoice, credited_by_id), FP_C(INT, struct fp_invoice, credited_by_number),
    FP_C(TEXT, struct fp_invoice, credit_reason),
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
  char invoicing[12];            /* the clinician's: "session" or "monthly" (core/invoice.h) */
  bool pensioned;                /* a GP locum who pensions their locum work (store/pension.h) */
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
    FP_C(TEXT, struct session_facts, invoicing),      FP_C(BOOL, struct session_facts, pensioned),
};
FP_ROW_READER(read_facts, struct session_facts, FACTS_READ)

static int session_facts(struct fp_conn *c, int64_t booking_id, struct session_facts *f) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT b.clinician_id, b.practice_id, cl.user_id, t.state, t.actual_start, t.actual_end, t.fee_pence,"
      " t.break_minutes, s.role, cl.profession, COALESCE(cl.registration_number, ''), u.name, o.name, o.ods_code,"
      " o.address, o.postcode,"
      " EXISTS (SELECT 1 FROM invoice_lines l WHERE l.booking_id = b.id AND l.kind = 'fee' AND l.live = 1),"
      " COALESCE(d.address, ''), COALESCE(d.account_name, ''), COALESCE(d.sort_code, ''),"
      " COALESCE(d.account_number, ''), COALESCE(b.terms_payment_days, ?2), t.mileage_miles, t.expenses_pence,"
      " COALESCE(t.expenses_note, ''), COALESCE(d.invoicing, ?3), COALESCE(pd.pensioned, 0)"
      " FROM bookings b JOIN timesheets t ON t.booking_id = b.id JOIN shifts s ON s.id = b.shift_id"
      " LEFT JOIN invoice_details d ON d.clinician_id = b.clinician_id"
      " LEFT JOIN pension_details pd ON pd.clinician_id = b.clinician_id"
      " JOIN clinicians cl ON cl.id = b.clinician_id JOIN users u ON u.id = cl.user_id"
      " JOIN organisations o ON o.id = b.practice_id WHERE b.id = ?1",
      fp_int(booking_id), fp_int(FP_TERMS_DEFAULT_PAYMENT_DAYS), fp_txt(fp_invoicing_name(FP_INVOICING_SESSION)));
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

static void facts_release(struct session_facts *f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(f[i].address);
    free(f[i].postcode);
  }
}

/* What a session is invoiced: its fee, the mileage and the expenses claimed with it, and for a GP
   locum who pensions, the practice's employer pension contribution on the fee (core/pension.h,
   under the rules of the scheme year the session was worked in: its figures are form A's). */
enum { LINE_FEE, LINE_MILEAGE, LINE_EXPENSES, LINE_EMPLOYER_PENSION, N_LINE_KINDS };

/* The pension rules a session's employer contribution is owed under: false when none is owed. */
static bool session_pension(const struct session_facts *f, struct fp_pension_year *y) {
  return f->pensioned && strcmp(f->profession, "gp") == 0 &&
         fp_pension_year(fp_pension_scheme_year(fp_uk_day(f->actual_start)), y);
}

static void session_amounts(const struct session_facts *f, int64_t out[N_LINE_KINDS]) {
  out[LINE_FEE] = f->fee_pence;
  out[LINE_MILEAGE] = fp_mileage_pence(f->miles);
  out[LINE_EXPENSES] = f->expenses_pence > 0 ? f->expenses_pence : 0;
  struct fp_pension_year y;
  out[LINE_EMPLOYER_PENSION] =
      session_pension(f, &y) ? fp_pension_employer_pence(&y, fp_pension_pensionable_pence(&y, f->fee_pence)) : 0;
}

/* The lines of a session (booking_id, its facts f) appended to the invoice inv: the fee, then the
   mileage and the expenses claimed with it, each when there is one. */
static int session_lines(struct fp_conn *c, int64_t inv, int64_t booking_id, const struct session_facts *f) {
  const struct fp_profession *role = fp_profession_find(f->role);
  char description[256], mileage_text[96], expenses_text[256];
  snprintf(description, sizeof description, "%s session (booking %lld)", role ? role->name : f->role,
           (long long)booking_id);
  snprintf(mileage_text, sizeof mileage_text, "Mileage: %d miles at %dp a mile", (int)f->miles,
           FP_MILEAGE_PENCE_PER_MILE);
  snprintf(expenses_text, sizeof expenses_text, "Expenses: %s", f->expenses_note);
  static const char *const KINDS[N_LINE_KINDS] = {"fee", "mileage", "expenses", "employer_pension"};
  char pension_text[160] = "";
  struct fp_pension_year y;
  if (session_pension(f, &y)) {
    char share[FP_PENSION_RATE_LEN], rate[FP_PENSION_RATE_LEN];
    fp_pension_rate_text(y.pensionable_bp, share);
    fp_pension_rate_text(y.employer_bp, rate);
    snprintf(pension_text, sizeof pension_text,
             "Employer pension contribution: %s of pensionable pay (%s of the fee), NHS Pension Scheme %d/%02d", rate,
             share, y.start_year, (y.start_year + 1) % 100);
  }
  const char *texts[N_LINE_KINDS] = {description, mileage_text, expenses_text, pension_text};
  int64_t pence[N_LINE_KINDS];
  session_amounts(f, pence);
  int rc = 0;
  for (int i = 0; !rc && i < N_LINE_KINDS; i++) {
    if (i != LINE_FEE && pence[i] == 0) continue;
    rc = FP_DB_RUN(c,
        "INSERT INTO invoice_lines (invoice_id, booking_id, kind, description, worked_start, worked_end,"
        " break_minutes, amount_pence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        fp_int(inv), fp_int(booking_id), fp_txt(KINDS[i]), fp_txt(texts[i]), fp_int(f->actual_start),
        fp_int(f->actual_end), fp_int(f->break_minutes), fp_int(pence[i]));
  }
  return rc;
}

/* The next number of clinician_id's invoices and credit notes: the schema refuses any other, and a
   concurrent issue for the same clinician makes one of the two transactions run again
   (store/pg/schema.c 33). */
static int next_number(struct fp_conn *c, int64_t clinician_id, int64_t *number) {
  return FP_DB_INT(c, number, "SELECT COALESCE(MAX(number), 0) + 1 FROM invoices WHERE clinician_id = ?",
                   fp_int(clinician_id));
}

/*
 * One invoice of the approved sessions booking_ids[0..n) (facts f[i], all of one clinician to one
 * practice, none invoiced yet), issued at now: its parties as the first's facts say them now; due
 * the fewest payment days of their terms after now; the practice's managers told.
 */
static int issue(struct fp_conn *c, const int64_t *booking_ids, const struct session_facts *f, size_t n, int64_t now,
                 int64_t *id) {
  int32_t days = f[0].payment_days;
  int64_t total = 0; /* the lines' sum, before they are written: no invoice changes once written */
  for (size_t i = 0; i < n; i++) {
    int64_t pence[N_LINE_KINDS];
    session_amounts(&f[i], pence);
    for (int k = 0; k < N_LINE_KINDS; k++) total += pence[k];
    enum fp_ts_state state;
    if (fp_ts_state_parse(f[i].ts_state, &state) != 0 || state != FP_TS_APPROVED || f[i].invoiced ||
        f[i].clinician_id != f[0].clinician_id || f[i].practice_id != f[0].practice_id)
      return FP_ECONFLICT;
    if (f[i].payment_days < days) days = f[i].payment_days;
  }
  /* What it says, as it stands now. */
  const struct fp_profession *prof = fp_profession_find(f->profession);
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
  int rc = issuer_detail && customer_detail ? 0 : FP_ENOMEM;
  int64_t number = 0, inv = 0;
  if (!rc) rc = next_number(c, f->clinician_id, &number);
  fp_day due = fp_invoice_due_on(now, days);
  if (!rc)
    rc = FP_DB_INSERT(c, &inv,
        "INSERT INTO invoices (clinician_id, practice_id, number, status, issued_at, due_on, total_pence, issuer_name,"
        " issuer_detail, customer_name, customer_detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        fp_int(f->clinician_id), fp_int(f->practice_id), fp_int(number),
        fp_txt(fp_invoice_status_name(FP_INVOICE_ISSUED)), fp_int(now), fp_int(due), fp_int(total),
        fp_txt(f->clinician_name), fp_txt(issuer_detail), fp_txt(f->practice_name), fp_txt(customer_detail));
  free(issuer_detail);
  free(customer_detail);
  for (size_t i = 0; !rc && i < n; i++) rc = session_lines(c, inv, booking_ids[i], &f[i]);
  if (rc) return rc;
  char after[160];
  snprintf(after, sizeof after, "{\"number\":%lld,\"booking_id\":%lld,\"sessions\":%zu,\"total_pence\":%lld}",
           (long long)number, (long long)booking_ids[0], n, (long long)total);
  if ((rc = fp_store_audit(c, now, 0, "invoice.issue", "invoice", inv, NULL, after)) != 0) return rc;
  /* The practice hears of it: what, from whom, how much and by when. */
  char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64], due_text[FP_DATE_STRLEN];
  char ref[FP_INVOICE_REF_LEN], amount[FP_MONEY_TEXT_LEN], what[300];
  fp_date_format(due, due_text);
  fp_invoice_reference(number, ref);
  fp_money_text(total, amount);
  snprintf(subject, sizeof subject, "Invoice %s: GBP %s due by %s", ref, amount, due_text);
  if (n == 1) {
    const struct fp_profession *role = fp_profession_find(f->role);
    char when[64];
    fp_store_when_text(f->actual_start, f->actual_end, when, sizeof when);
    snprintf(what, sizeof what, "the %s session (booking %lld), %s", role ? role->name : f->role,
             (long long)booking_ids[0], when);
  } else {
    snprintf(what, sizeof what, "%zu sessions", n);
  }
  snprintf(text, sizeof text, "%s has invoiced %s GBP %s for %s. Payment is due by %s.", f->clinician_name,
           f->practice_name, amount, what, due_text);
  snprintf(link, sizeof link, "/practice/invoices/%lld", (long long)inv);
  if ((rc = fp_store_notify_practice(c, f->practice_id, "invoice.issued", subject, text, link, now)) != 0) return rc;
  if (id) *id = inv;
  return 0;
}

int fp_store_invoice_issue_for_session(struct fp_conn *c, int64_t booking_id, int64_t now, int64_t *id) {
  struct session_facts f;
  if (id) *id = 0;
  int rc = session_facts(c, booking_id, &f);
  if (rc == FP_ENOTFOUND) return FP_ECONFLICT; /* no timesheet */
  if (rc) return rc;
  enum fp_invoicing how = FP_INVOICING_SESSION;
  if (fp_invoicing_parse(f.invoicing, &how) != 0) rc = FP_EIO;
  /* Once; and a clinician who invoices monthly is invoiced by the month's run. */
  else if (!f.invoiced && how == FP_INVOICING_SESSION) rc = issue(c, &booking_id, &f, 1, now, id);
  facts_release(&f, 1);
  return rc;
}

int fp_store_invoices_monthly(struct fp_conn *c, int64_t now, int *n_issued) {
  *n_issued = 0;
  /* Every approved session not yet invoiced that started before the month began, whatever the
     clinician's choice now (one who went back to invoicing each session is not left unpaid), by
     clinician and practice. */
  fp_time before = fp_uk_local_to_utc(fp_invoice_monthly_before(now), 0, 0, 0);
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT t.booking_id FROM timesheets t JOIN bookings b ON b.id = t.booking_id"
      " WHERE t.state = ? AND t.actual_start < ? AND NOT EXISTS (SELECT 1 FROM invoice_lines l"
      "  WHERE l.booking_id = t.booking_id AND l.kind = 'fee' AND l.live = 1)"
      " ORDER BY b.clinician_id, b.practice_id, t.actual_start, t.booking_id",
      fp_txt(fp_ts_state_name(FP_TS_APPROVED)), fp_int(before));
  if (!st) return FP_EIO;
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  int rc = fp_step_ids(st, &ids, &n, &cap);
  struct session_facts *f = rc || !n ? NULL : calloc(n, sizeof *f);
  if (!rc && n && !f) rc = FP_ENOMEM;
  size_t loaded = 0;
  for (; !rc && loaded < n; loaded++) rc = session_facts(c, ids[loaded], &f[loaded]);
  /* One invoice for each run of one clinician's sessions at one practice. */
  for (size_t from = 0, to; !rc && from < n; from = to) {
    for (to = from + 1; to < n && f[to].clinician_id == f[from].clinician_id && f[to].practice_id == f[from].practice_id;)
      to++;
    if ((rc = issue(c, &ids[from], &f[from], to - from, now, NULL)) == 0) (*n_issued)++;
  }
  if (f) facts_release(f, loaded);
  free(f);
  free(ids);
  return rc;
}

/* ---- crediting ---- */

/* The credit note of inv (read with its lines) for reason at now: the next number, the same
   parties as the invoice said, its lines at minus their amounts and never live. */
static int credit_note(struct fp_conn *c, const struct fp_invoice *inv, const char *reason, int64_t now, int64_t *id,
                       int64_t *number) {
  int rc = next_number(c, inv->clinician_id, number);
  if (!rc)
    rc = FP_DB_INSERT(c, id,
        "INSERT INTO invoices (clinician_id, practice_id, number, status, issued_at, due_on, total_pence, issuer_name,"
        " issuer_detail, customer_name, customer_detail, credits_id, credit_reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        fp_int(inv->clinician_id), fp_int(inv->practice_id), fp_int(*number),
        fp_txt(fp_invoice_status_name(FP_INVOICE_CREDIT_NOTE)), fp_int(now), fp_int(fp_uk_day(now)),
        fp_int(-inv->total_pence), fp_txt(inv->issuer_name), fp_txt(inv->issuer_detail), fp_txt(inv->customer_name),
        fp_txt(inv->customer_detail), fp_int(inv->id), fp_txt(reason));
  for (size_t i = 0; !rc && i < inv->n_lines; i++) {
    const struct fp_invoice_line *l = &inv->lines[i];
    rc = FP_DB_RUN(c,
        "INSERT INTO invoice_lines (invoice_id, booking_id, kind, description, worked_start, worked_end,"
        " break_minutes, amount_pence, live) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
        fp_int(*id), fp_int(l->booking_id), fp_txt(l->kind), fp_txt(l->description), fp_int(l->worked_start),
        fp_int(l->worked_end), fp_int(l->break_minutes), fp_int(-l->amount_pence));
  }
  /* The invoice's lines stop invoicing their sessions (the schema allows no other change). */
  if (!rc) rc = FP_DB_RUN(c, "UPDATE invoice_lines SET live = 0 WHERE invoice_id = ? AND live = 1", fp_int(inv->id));
  return rc;
}

/* The sessions of inv's fee lines (in the order worked), malloc'd into *ids. */
static int credited_sessions(const struct fp_invoice *inv, int64_t **ids, size_t *n) {
  *n = 0;
  *ids = calloc(inv->n_lines ? inv->n_lines : 1, sizeof **ids);
  if (!*ids) return FP_ENOMEM;
  for (size_t i = 0; i < inv->n_lines; i++)
    if (strcmp(inv->lines[i].kind, "fee") == 0) (*ids)[(*n)++] = inv->lines[i].booking_id;
  return 0;
}

/* The sessions invoiced again at once, in one invoice. */
static int reissue_now(struct fp_conn *c, const int64_t *ids, size_t n, int64_t now, int64_t *reissued) {
  struct session_facts *f = calloc(n ? n : 1, sizeof *f);
  if (!f) return FP_ENOMEM;
  size_t loaded = 0;
  int rc = 0;
  for (; !rc && loaded < n; loaded++) rc = session_facts(c, ids[loaded], &f[loaded]);
  if (rc == FP_ENOTFOUND) rc = FP_EIO; /* an invoiced session has its timesheet */
  if (!rc && n) rc = issue(c, ids, f, n, now, reissued);
  facts_release(f, loaded);
  free(f);
  return rc;
}

/* Each session's approved timesheet back to the clinician to correct (core/timesheet.h REOPEN). */
static int reopen_timesheets(struct fp_conn *c, const int64_t *ids, size_t n, const char *why, int64_t actor,
                             int64_t now) {
  enum fp_ts_state to;
  if (fp_ts_next(FP_TS_APPROVED, FP_TSEV_REOPEN, &to) != 0) return FP_EIO;
  int rc = 0;
  for (size_t i = 0; !rc && i < n; i++) rc = fp_store_timesheet_decide(c, ids[i], FP_TS_APPROVED, to, why, actor, now);
  return rc;
}

int fp_store_invoice_credit(struct fp_conn *c, int64_t id, enum fp_invoice_status from, const char *reason,
                            enum fp_invoice_reissue how, int64_t actor, int64_t now, int64_t *credit_id,
                            int64_t *reissued) {
  *credit_id = *reissued = 0;
  enum fp_invoice_status to;
  if (fp_invoice_next(from, FP_INVEV_CREDIT, &to) != 0) return FP_ECONFLICT;
  int rc = FP_DB_RUN(c, "UPDATE invoices SET status = ? WHERE id = ? AND status = ?", fp_txt(fp_invoice_status_name(to)),
                     fp_int(id), fp_txt(fp_invoice_status_name(from)));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  struct fp_invoice inv;
  if ((rc = fp_store_invoice_get(c, id, NULL, &inv)) != 0) return rc;
  int64_t number = 0, *ids = NULL;
  size_t n = 0;
  char ref[FP_INVOICE_REF_LEN], note_ref[FP_INVOICE_REF_LEN], why[FP_INVOICE_CREDIT_REASON_MAX + 64];
  fp_invoice_reference(inv.number, ref);
  rc = credit_note(c, &inv, reason, now, credit_id, &number);
  fp_invoice_reference(number, note_ref);
  if (!rc) rc = credited_sessions(&inv, &ids, &n);
  if (!rc) {
    char before[40], after[160];
    snprintf(before, sizeof before, "{\"status\":\"%s\"}", fp_invoice_status_name(from));
    snprintf(after, sizeof after, "{\"status\":\"%s\",\"credit_note\":%lld,\"reissue\":\"%s\",",
             fp_invoice_status_name(to), (long long)number, fp_invoice_reissue_name(how));
    rc = fp_store_audit_reason(c, now, actor, "invoice.credit", "invoice", id, before, after, reason);
  }
  snprintf(why, sizeof why, "Invoice %s credited: %s", ref, reason);
  if (!rc) rc = how == FP_REISSUE_NOW ? reissue_now(c, ids, n, now, reissued)
                                      : reopen_timesheets(c, ids, n, why, actor, now);
  free(ids);
  if (!rc) {
    /* The practice hears of it, and of what follows. */
    char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64];
    snprintf(subject, sizeof subject, "Invoice %s credited by credit note %s", ref, note_ref);
    snprintf(text, sizeof text, "%s has credited invoice %s (credit note %s): %s. %s", inv.issuer_name, ref, note_ref,
             reason,
             how == FP_REISSUE_NOW ? "A new invoice for the same sessions replaces it."
                                   : "The sessions will be invoiced again once the timesheets are corrected and approved.");
    snprintf(link, sizeof link, "/practice/invoices/%lld", (long long)*credit_id);
    rc = fp_store_notify_practice(c, inv.practice_id, "invoice.credited", subject, text, link, now);
  }
  fp_invoice_release(&inv);
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
  if (!rc) {
    st = FP_DB_STMT(c, "SELECT signed_at, signer_name, signer_role FROM form_a_signatures WHERE invoice_id = ?",
                    fp_int(id));
    rc = !st ? FP_EIO
             : FP_STEP_ONE(st, fp_out_int(&out->form_a_signed_at),
                           fp_out_text(out->form_a_signer_name, sizeof out->form_a_signer_name),
                           fp_out_text(out->form_a_signer_role, sizeof out->form_a_signer_role));
    if (rc == FP_ENOTFOUND) rc = 0; /* not signed */
  }
  if (rc) fp_invoice_release(out);
  return rc;
}

int fp_store_form_a_sign(struct fp_conn *c, int64_t invoice_id, int64_t user_id, const char *name, const char *role,
                         const char *what, int64_t now) {
  int rc = FP_DB_RUN(c,
      "INSERT INTO form_a_signatures (invoice_id, signed_by, signer_name, signer_role, signed_at, what)"
      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (invoice_id) DO NOTHING",
      fp_int(invoice_id), fp_int(user_id), fp_txt(name), fp_txt(role), fp_int(now), fp_txt(what));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ECONFLICT;
  return fp_store_audit(c, now, user_id, "invoice.form_a_sign", "invoice", invoice_id, NULL, what);
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
    FP_C(TEXT, struct fp_invoice_details, invoicing),
};
FP_ROW_READER(read_details, struct fp_invoice_details, DETAILS_READ)

int fp_store_invoice_details_get(struct fp_conn *c, int64_t clinician_id, struct fp_invoice_details *d) {
  memset(d, 0, sizeof *d);
  return fp_db_one_by_id(c,
      "SELECT address, account_name, sort_code, account_number, updated_at, invoicing FROM invoice_details"
      " WHERE clinician_id = ?",
      clinician_id, read_details, d);
}

int fp_store_invoice_details_put(struct fp_conn *c, int64_t clinician_id, const struct fp_invoice_details *d,
                                 int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c,
      "INSERT INTO invoice_details (clinician_id, address, account_name, sort_code, account_number, updated_at,"
      " invoicing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, COALESCE(?7, ?8)) ON CONFLICT (clinician_id) DO UPDATE SET"
      " address = ?2, account_name = ?3, sort_code = ?4, account_number = ?5, updated_at = ?6,"
      " invoicing = COALESCE(?7, invoice_details.invoicing)",
      fp_int(clinician_id), fp_txt(d->address), fp_txt(d->account_name), fp_txt(d->sort_code),
      fp_txt(d->account_number), fp_int(now), fp_opt_txt(d->invoicing), fp_txt(fp_invoicing_name(FP_INVOICING_SESSION)));
  if (rc) return rc;
  /* The audit says that they changed and the sort code, not the whole account number. */
  char after[128];
  snprintf(after, sizeof after, "{\"sort_code\":\"%s\",\"account_number\":\"****%s\",\"invoicing\":\"%s\"}",
           d->sort_code, strlen(d->account_number) >= 4 ? d->account_number + strlen(d->account_number) - 4 : "",
           d->invoicing[0] ? d->invoicing : "unchanged");
  return fp_store_audit(c, now, actor, "clinician.invoice_details", "clinician", clinician_id, NULL, after);
}
