/* Bulk inserts for the demo data set. See demo.h. */
#include "store/demo.h"
#include "store/invoices.h"
#include "store/members.h"
#include "store/rows.h"
#include "store/sql.h"
#include "store/shifts.h"
#include "store/terms.h"

#include "core/error.h"
#include "core/terms.h"
#include "core/timesheet.h"

#include <stdlib.h>

static int has_users(struct fp_conn *c, bool *has) {
  fp_stmt *st = fp_db_stmt(c, "SELECT EXISTS (SELECT 1 FROM users)");
  if (!st) return FP_EIO;
  return fp_step_bool(st, has);
}

int fp_store_is_empty(struct fp_store *s, int *empty) {
  struct fp_conn *c = fp_store_reader(s);
  if (!c) return FP_EIO;
  bool has = true;
  int rc = has_users(c, &has);
  if (rc == 0) *empty = !has;
  return rc;
}

int fp_store_demo_has_users(struct fp_conn *c, bool *has) { return has_users(c, has); }

int fp_store_demo_mark_accounts(struct fp_conn *c) { return fp_db_exec(c, "UPDATE users SET demo_account = 1"); }

int fp_store_demo_bulk(struct fp_conn *c, bool bulk) {
  if (fp_db_engine(c) != FP_ENGINE_SQLITE) return 0;
  return fp_db_exec(c, bulk ? "PRAGMA cache_size=-12582912" : "PRAGMA cache_size=-65536"); /* sqlite.c's writer */
}

int fp_store_demo_postcode_add(struct fp_conn *c, const char *postcode, double lat, double lon) {
  return FP_DB_RUN(c, "INSERT INTO postcodes (postcode, lat, lon) VALUES (?, ?, ?) ON CONFLICT (postcode) DO NOTHING",
      fp_txt(postcode), fp_real(lat), fp_real(lon));
}

int fp_store_demo_pool_insert(struct fp_conn *c, const char *name, int64_t host_organisation_id, int64_t icb_id,
                              int64_t hourly_rate_pence, int64_t session_rate_pence, int64_t created_at,
                              int64_t *id) {
  return FP_DB_INSERT(c, id,
      "INSERT INTO pools (name, host_organisation_id, icb_id, hourly_rate_pence, session_rate_pence, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      fp_txt(name), fp_int(host_organisation_id), fp_id(icb_id), fp_int(hourly_rate_pence), fp_int(session_rate_pence),
      fp_int(created_at));
}

int fp_store_demo_pool_member_add(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t organisation_id,
                                  int64_t added_by, int64_t added_at) {
  int64_t id;
  return fp_store_pool_member_row_insert(c, pool_id, clinician_id, organisation_id, added_by, added_at, &id);
}

/* Binds a decision's columns at i .. i + 5: status, message, created_at, decided_at, decided_by, reason. */
static void bind_decision(fp_stmt *st, int i, const struct fp_demo_decision *d) {
  fp_bind_text(st, i, d->status);
  fp_bind_text(st, i + 1, d->message);
  fp_bind_int64(st, i + 2, d->created_at);
  fp_bind_opt_id(st, i + 3, d->decided_at);
  fp_bind_opt_id(st, i + 4, d->decided_by);
  fp_bind_text(st, i + 5, d->reason);
}

/* A clinician's request to join a pool (?1) and their application for a shift (?1), each decided
   as the demo's fp_demo_decision says (?3 on). */
enum { JOIN_REQUEST, APPLICATION };
static const char *const DECIDED_SQL[] = {
    [JOIN_REQUEST] =
        "INSERT INTO join_requests (pool_id, clinician_id, status, message, created_at, decided_at, decided_by, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [APPLICATION] =
        "INSERT INTO applications (shift_id, clinician_id, status, message, created_at, decided_at, decided_by, reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
};

static int decided_add(struct fp_conn *c, int kind, int64_t what, int64_t clinician_id,
                       const struct fp_demo_decision *d) {
  fp_stmt *st = FP_DB_STMT(c, DECIDED_SQL[kind], fp_int(what), fp_int(clinician_id));
  if (!st) return FP_EIO;
  bind_decision(st, 3, d);
  return fp_db_exec_stmt(st);
}

int fp_store_demo_join_request_add(struct fp_conn *c, int64_t pool_id, int64_t clinician_id,
                                   const struct fp_demo_decision *d) {
  return decided_add(c, JOIN_REQUEST, pool_id, clinician_id, d);
}

int fp_store_demo_application_add(struct fp_conn *c, int64_t shift_id, int64_t clinician_id,
                                  const struct fp_demo_decision *d) {
  return decided_add(c, APPLICATION, shift_id, clinician_id, d);
}

int fp_store_demo_clinician_insert(struct fp_conn *c, const struct fp_demo_clinician *cl, int64_t *id) {
  return fp_store_clinician_row_insert(c, cl->user_id, cl->profession, cl->registration_number, cl->home_postcode,
                                       cl->travel_radius_km, cl->phone, cl->created_at, id);
}

int fp_store_demo_shift_insert(struct fp_conn *c, const struct fp_shift *s, int64_t *id) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO shifts (practice_id, icb_id, series_id, role, starts_at, ends_at, break_minutes, rate_pence,"
      " rate_unit, hourly_pence, booking_mode, location_type, description, status, lat, lon, created_by,"
      " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      fp_int(s->practice_id), fp_id(s->icb_id), fp_id(s->series_id), fp_txt(s->role), fp_int(s->starts_at),
      fp_int(s->ends_at), fp_int(s->break_minutes), fp_int(s->rate_pence), fp_txt(s->rate_unit),
      fp_int(s->hourly_pence), fp_txt(s->booking_mode), fp_txt(s->location_type), fp_txt(s->description),
      fp_txt(s->status));
  if (!st) return FP_EIO;
  if (s->has_location) {
    fp_bind_double(st, 15, s->lat);
    fp_bind_double(st, 16, s->lon);
  }
  fp_bind_opt_id(st, 17, s->created_by);
  fp_bind_int64(st, 18, s->created_at);
  fp_bind_int64(st, 19, s->updated_at);
  int rc = fp_db_exec_stmt(st);
  if (rc == 0) *id = fp_db_last_id(c);
  return rc;
}

int fp_store_demo_booking_insert(struct fp_conn *c, const struct fp_demo_booking *b, int64_t *id) {
  fp_stmt *st = fp_db_stmt(c,
      "INSERT INTO bookings (shift_id, clinician_id, practice_id, starts_at, ends_at, status, fee_pence, created_by,"
      " created_at, cancelled_by, cancelled_by_user, cancelled_at, reason, late, attendance, attendance_at, attendance_by,"
      " pool_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
      " (SELECT MIN(m.pool_id) FROM pool_members m JOIN pool_members o ON o.pool_id = m.pool_id"
      "  WHERE m.clinician_id = ?2 AND o.organisation_id = ?3))"); /* the pool it was booked through */
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, b->shift_id);
  fp_bind_int64(st, 2, b->clinician_id);
  fp_bind_int64(st, 3, b->practice_id);
  fp_bind_int64(st, 4, b->starts_at);
  fp_bind_int64(st, 5, b->ends_at);
  fp_bind_text(st, 6, b->status);
  fp_bind_int64(st, 7, b->fee_pence);
  fp_bind_opt_id(st, 8, b->created_by);
  fp_bind_int64(st, 9, b->created_at);
  fp_bind_text(st, 10, b->cancelled_by);
  fp_bind_opt_id(st, 11, b->cancelled_by_user);
  if (b->cancelled_by) {
    fp_bind_int64(st, 12, b->cancelled_at);
    fp_bind_int64(st, 14, b->late);
  }
  fp_bind_text(st, 13, b->reason);
  if (b->did_not_attend) {
    fp_bind_text(st, 15, "did_not_attend");
    fp_bind_int64(st, 16, b->attendance_at);
    fp_bind_opt_id(st, 17, b->attendance_by);
  }
  int rc = fp_db_exec_stmt(st);
  if (rc == 0) *id = fp_db_last_id(c);
  return rc;
}

int fp_store_demo_timesheet_insert(struct fp_conn *c, const struct fp_demo_timesheet *t) {
  return FP_DB_RUN(c,
      "INSERT INTO timesheets (booking_id, state, actual_start, actual_end, break_minutes, fee_pence, submitted_at,"
      " submitted_by, decided_at, decided_by, query_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      fp_int(t->booking_id), fp_txt(t->state), fp_int(t->actual_start), fp_int(t->actual_end), fp_int(t->break_minutes),
      fp_int(t->fee_pence), fp_int(t->submitted_at), fp_int(t->submitted_by), fp_id(t->decided_at), fp_id(t->decided_by),
      fp_opt_txt(t->query_reason));
}

struct id_at {
  int64_t id, at, practice_id;
  fp_day due_on;
};

/* Every row of st (id, at, practice_id, due_on) into *out (malloc'd). */
static int read_id_ats(fp_stmt *st, struct id_at **out, size_t *n) {
  size_t cap = 0;
  *out = NULL;
  *n = 0;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 256;
      struct id_at *p = realloc(*out, cap * sizeof *p);
      if (!p) {
        fp_reset(st);
        return FP_ENOMEM;
      }
      *out = p;
    }
    (*out)[(*n)++] = (struct id_at){fp_col_int64(st, 0), fp_col_int64(st, 1), fp_col_int64(st, 2),
                                    (fp_day)fp_col_int64(st, 3)};
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : rc;
}

int fp_store_demo_invoices(struct fp_conn *c, int64_t demo_practice, int64_t manager_user, int64_t now) {
  fp_stmt *st = fp_db_stmt(c, "SELECT booking_id, decided_at, 0, 0 FROM timesheets WHERE state = ?"
                              " ORDER BY decided_at, booking_id");
  if (!st) return FP_EIO;
  fp_bind_text(st, 1, fp_ts_state_name(FP_TS_APPROVED));
  struct id_at *rows;
  size_t n;
  int rc = read_id_ats(st, &rows, &n);
  for (size_t i = 0; rc == 0 && i < n; i++) rc = fp_store_invoice_issue_for_session(c, rows[i].id, rows[i].at, NULL);
  free(rows);
  if (rc) return rc;
  if (!(st = fp_db_stmt(c, "SELECT id, issued_at, practice_id, due_on FROM invoices ORDER BY id"))) return FP_EIO;
  if ((rc = read_id_ats(st, &rows, &n)) != 0) return rc;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const struct id_at *v = &rows[i];
    if (now - v->at < 14 * 86400 || (fp_invoice_overdue(FP_INVOICE_ISSUED, v->due_on, now) && v->id % 4 == 0)) continue;
    int64_t paid_at = v->at + (int64_t)(7 + v->id % 20) * 86400;
    if (paid_at > now) continue; /* not paid yet */
    rc = fp_store_invoice_pay(c, v->id, FP_INVOICE_ISSUED, v->practice_id == demo_practice ? manager_user : 0, paid_at);
  }
  free(rows);
  /* The demo practice's newest unpaid invoice had the wrong bank account: its clinician credited it
     yesterday and it was reissued at once (a credit note and its replacement to see). */
  int64_t credit_id = 0, clinician_user = 0;
  if (!rc)
    rc = FP_DB_INT(c, &credit_id, "SELECT COALESCE(MAX(id), 0) FROM invoices WHERE practice_id = ? AND status = ?",
                   fp_int(demo_practice), fp_txt(fp_invoice_status_name(FP_INVOICE_ISSUED)));
  if (!rc && credit_id)
    rc = FP_DB_INT(c, &clinician_user,
                   "SELECT cl.user_id FROM invoices i JOIN clinicians cl ON cl.id = i.clinician_id WHERE i.id = ?",
                   fp_int(credit_id));
  if (!rc && credit_id) {
    int64_t note = 0, again = 0;
    rc = fp_store_invoice_credit(c, credit_id, FP_INVOICE_ISSUED, "The bank account on it was wrong", FP_REISSUE_NOW,
                                 clinician_user, now - 86400, &note, &again);
  }
  /* What they told people more than two days ago was read, and its email sent, long ago: only the
     latest news stays, unread and queued. */
  if (!rc)
    rc = FP_DB_RUN(c, "DELETE FROM outbox WHERE created_at < ? AND (link LIKE '/invoices/%' OR link LIKE"
                      " '/practice/invoices/%')", fp_int(now - 2 * 86400));
  if (!rc)
    rc = FP_DB_RUN(c, "DELETE FROM notifications WHERE created_at < ? AND kind IN ('invoice.issued', 'invoice.paid')",
                   fp_int(now - 2 * 86400));
  return rc;
}

int fp_store_demo_booking_terms(struct fp_conn *c) {
  /* Every booking first on its pool's terms (what fp_terms_source answers for a clinician who
     keeps none, and for any instant booking); the defaults where the pool keeps none. */
  int rc = FP_DB_RUN(c,
      "UPDATE bookings SET terms_source = ?1,"
      " terms_payment_days = COALESCE((SELECT t.payment_days FROM terms t WHERE t.pool_id = bookings.pool_id), ?2),"
      " terms_cancellation = COALESCE((SELECT t.cancellation FROM terms t WHERE t.pool_id = bookings.pool_id), ''),"
      " terms_mileage = COALESCE((SELECT t.mileage FROM terms t WHERE t.pool_id = bookings.pool_id), 0),"
      " terms_expenses = COALESCE((SELECT t.expenses FROM terms t WHERE t.pool_id = bookings.pool_id), 0)"
      " WHERE terms_source IS NULL",
      fp_txt(fp_terms_source_name(FP_TERMS_POOL)), fp_int(FP_TERMS_DEFAULT_PAYMENT_DAYS));
  if (rc) return rc;
  /* Then the bookings of clinicians who keep their own, decided by the booking's own rule
     (store/terms.h): (booking, clinician, pool, whether the practice accepted an application). */
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT b.id, b.clinician_id, COALESCE(b.pool_id, 0), EXISTS (SELECT 1 FROM applications a"
      "  WHERE a.shift_id = b.shift_id AND a.clinician_id = b.clinician_id AND a.status = ?)"
      " FROM bookings b WHERE b.clinician_id IN (SELECT clinician_id FROM terms WHERE clinician_id IS NOT NULL)"
      " ORDER BY b.id",
      fp_txt(fp_application_status_name(FP_APP_ACCEPTED)));
  if (!st) return FP_EIO;
  struct id_at *rows;
  size_t n;
  if ((rc = read_id_ats(st, &rows, &n)) != 0) return rc;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    struct fp_terms t;
    enum fp_terms_source source;
    rc = fp_store_terms_for_booking(c, rows[i].at, rows[i].practice_id, rows[i].due_on != 0, &t, &source);
    if (rc) break;
    char bands[FP_TERMS_BANDS_LEN];
    fp_terms_bands_format(&t, bands);
    rc = FP_DB_RUN(c,
        "UPDATE bookings SET terms_source = ?, terms_payment_days = ?, terms_cancellation = ?, terms_mileage = ?,"
        " terms_expenses = ? WHERE id = ?",
        fp_txt(fp_terms_source_name(source)), fp_int(t.payment_days), fp_txt(bands), fp_int(t.mileage),
        fp_int(t.expenses), fp_int(rows[i].id));
  }
  free(rows);
  if (rc) return rc;
  /* The practices' cancellations owe what those terms give (core/terms.h). */
  if (!(st = FP_DB_STMT(c, "SELECT id, 0, 0, 0 FROM bookings WHERE cancelled_by = 'practice' ORDER BY id")))
    return FP_EIO;
  if ((rc = read_id_ats(st, &rows, &n)) != 0) return rc;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    struct fp_booking b;
    struct fp_terms t = fp_terms_default();
    if ((rc = fp_store_booking_get(c, rows[i].id, NULL, &b)) != 0) break;
    if (fp_terms_bands_parse(b.terms.cancellation, &t) != 0) {
      rc = FP_EIO;
      break;
    }
    int64_t fee = fp_terms_cancellation_fee(&t, b.fee_pence, b.cancelled_at, b.starts_at, NULL);
    rc = FP_DB_RUN_INTS(c, "UPDATE bookings SET cancellation_fee_pence = ? WHERE id = ?", fee, b.id);
  }
  free(rows);
  return rc;
}
