/* Messages for events. See tell.h. */
#include "store/tell.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/money.h"
#include "core/profession.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/sql.h"

/* What a message about a booking or an application says: the shift's times, place and people. */
struct event_facts {
  int64_t shift_id, practice_id, clinician_user_id, starts_at, ends_at;
  char practice[201], clinician[201], role[64];
  char when[64]; /* the shift's times as people read them (fp_store_when_text) */
  char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64]; /* the message, as it is written */
};

/* The columns both readers below select, in this order, from a booking or an application `x`. */
#define FACTS_COLS "SELECT x.shift_id, s.practice_id, u.id, s.starts_at, s.ends_at, o.name, u.name, s.role"
#define FACTS_JOIN                                                                                           \
  " JOIN shifts s ON s.id = x.shift_id JOIN organisations o ON o.id = s.practice_id"                         \
  " JOIN clinicians cl ON cl.id = x.clinician_id JOIN users u ON u.id = cl.user_id WHERE x.id = ?"

/* The facts of the booking or application `id` (sql: FACTS_COLS FROM its table x FACTS_JOIN). */
static int event_facts(struct fp_conn *c, const char *sql, int64_t id, struct event_facts *f) {
  memset(f, 0, sizeof *f);
  fp_stmt *st = FP_DB_STMT(c, sql, fp_int(id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    f->shift_id = fp_col_int64(st, 0);
    f->practice_id = fp_col_int64(st, 1);
    f->clinician_user_id = fp_col_int64(st, 2);
    f->starts_at = fp_col_int64(st, 3);
    f->ends_at = fp_col_int64(st, 4);
    rc = fp_db_col_copy(st, 5, f->practice, sizeof f->practice);
    if (!rc) rc = fp_db_col_copy(st, 6, f->clinician, sizeof f->clinician);
    if (!rc) rc = fp_db_col_copy(st, 7, f->role, sizeof f->role);
  } else {
    rc = rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  }
  fp_reset(st);
  const struct fp_profession *p = fp_profession_find(f->role);
  if (!rc && p) snprintf(f->role, sizeof f->role, "%s", p->name);
  if (!rc) fp_store_when_text(f->starts_at, f->ends_at, f->when, sizeof f->when);
  return rc;
}

static int booking_facts(struct fp_conn *c, int64_t booking_id, struct event_facts *f) {
  return event_facts(c, FACTS_COLS " FROM bookings x" FACTS_JOIN, booking_id, f);
}

static int application_facts(struct fp_conn *c, int64_t application_id, struct event_facts *f) {
  return event_facts(c, FACTS_COLS " FROM applications x" FACTS_JOIN, application_id, f);
}

/* The facts of a booking just made, from what the booking itself read (no statement). */
static void booked_facts(const struct fp_book_result *res, struct event_facts *f) {
  memset(f, 0, sizeof *f);
  f->shift_id = res->shift.id;
  f->practice_id = res->shift.practice_id;
  f->clinician_user_id = res->view.user_id;
  f->starts_at = res->shift.starts_at;
  f->ends_at = res->shift.ends_at;
  snprintf(f->practice, sizeof f->practice, "%s", res->shift.practice_name);
  snprintf(f->clinician, sizeof f->clinician, "%s", res->view.name);
  const struct fp_profession *p = fp_profession_find(res->shift.role);
  snprintf(f->role, sizeof f->role, "%s", p ? p->name : res->shift.role);
  fp_store_when_text(f->starts_at, f->ends_at, f->when, sizeof f->when);
}

int fp_store_tell_booked(struct fp_conn *c, const struct fp_book_result *res, bool accepted_application, int64_t now) {
  struct event_facts f;
  booked_facts(res, &f);
  int rc = 0;
  if (accepted_application) { /* the clinician whose application the practice accepted */
    snprintf(f.subject, sizeof f.subject, "You are booked: %s", f.when);
    snprintf(f.text, sizeof f.text, "%s accepted your application for the %s shift on %s. You are booked.", f.practice,
        f.role, f.when);
    rc = fp_store_notify(c, f.clinician_user_id, "application.accepted", f.subject, f.text, "/bookings", now);
  } else { /* the practice's managers, of a booking the clinician made */
    snprintf(f.subject, sizeof f.subject, "Shift booked: %s", f.when);
    snprintf(f.text, sizeof f.text, "%s has booked the %s shift at %s on %s.", f.clinician, f.role, f.practice, f.when);
    snprintf(f.link, sizeof f.link, "/practice/shifts/%lld", (long long)f.shift_id);
    rc = fp_store_notify_practice(c, f.practice_id, "booking.created", f.subject, f.text, f.link, now);
  }
  return rc ? rc : fp_store_tell_applications_filled(c, res, now);
}

int fp_store_tell_applications_filled(struct fp_conn *c, const struct fp_book_result *res, int64_t now) {
  if (res->n_filled == 0) return 0;
  struct event_facts f;
  booked_facts(res, &f);
  char when[64], subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1];
  fp_store_when_text(f.starts_at, f.ends_at, when, sizeof when);
  snprintf(subject, sizeof subject, "Shift filled: %s", when);
  snprintf(text, sizeof text, "%s chose someone else for the %s shift on %s, so your application is closed.", f.practice,
           f.role, when);
  return fp_store_notify_filled_applicants(c, f.shift_id, "application.declined", subject, text, "/applications", now);
}

int fp_store_tell_booking_cancelled(struct fp_conn *c, int64_t booking_id, const char *party, const char *reason,
                                    int64_t fee_owed_pence, int64_t now) {
  struct event_facts f;
  int rc = booking_facts(c, booking_id, &f);
  if (rc) return rc;
  snprintf(f.subject, sizeof f.subject, "Booking cancelled: %s", f.when);
  const char *why = reason && *reason ? "\n\nReason: " : "", *what = reason && *reason ? reason : "";
  if (strcmp(party, "clinician") == 0) { /* the practice is told */
    snprintf(f.text, sizeof f.text, "%s cancelled their booking of your %s shift on %s. The shift is open again.%s%s",
        f.clinician, f.role, f.when, why, what);
    snprintf(f.link, sizeof f.link, "/practice/shifts/%lld", (long long)f.shift_id);
    return fp_store_notify_practice(c, f.practice_id, "booking.cancelled", f.subject, f.text, f.link, now);
  }
  char owed[160] = "", amount[FP_MONEY_TEXT_LEN];
  if (fee_owed_pence > 0) {
    fp_money_text(fee_owed_pence, amount);
    snprintf(owed, sizeof owed, " Under the terms agreed, the practice owes you a cancellation fee of GBP %s.", amount);
  }
  snprintf(f.text, sizeof f.text, "%s cancelled your booking for the %s shift at %s on %s.%s%s%s",
      strcmp(party, "pool") == 0 ? "The pool" : f.practice, f.role, f.practice, f.when, owed, why, what);
  return fp_store_notify(c, f.clinician_user_id, "booking.cancelled", f.subject, f.text, "/bookings", now);
}

int fp_store_tell_application_made(struct fp_conn *c, int64_t application_id, int64_t now) {
  struct event_facts f;
  int rc = application_facts(c, application_id, &f);
  if (rc) return rc;
  snprintf(f.subject, sizeof f.subject, "New applicant: %s", f.when);
  snprintf(f.text, sizeof f.text, "%s has applied for your %s shift on %s. Accept or decline them on the shift's page.",
      f.clinician, f.role, f.when);
  snprintf(f.link, sizeof f.link, "/practice/shifts/%lld", (long long)f.shift_id);
  return fp_store_notify_practice(c, f.practice_id, "application.created", f.subject, f.text, f.link, now);
}

int fp_store_tell_application_declined(struct fp_conn *c, int64_t application_id, const char *reason, int64_t now) {
  struct event_facts f;
  int rc = application_facts(c, application_id, &f);
  if (rc) return rc;
  snprintf(f.subject, sizeof f.subject, "Application declined: %s", f.when);
  snprintf(f.text, sizeof f.text, "%s declined your application for the %s shift on %s.%s%s", f.practice, f.role,
      f.when, reason && *reason ? "\n\nReason: " : "", reason && *reason ? reason : "");
  return fp_store_notify(c, f.clinician_user_id, "application.declined", f.subject, f.text, "/applications", now);
}

/* Whether the message before message_id in its thread was written by the same side less than
   FP_MESSAGE_TELL_QUIET_SECONDS before now: then the other side has been told of this run already. */
static int same_run(struct fp_conn *c, const char *thread_kind, int64_t thread_id, int64_t message_id,
                    const char *side, int64_t now, bool *run) {
  *run = false;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT side, created_at FROM messages WHERE thread_kind = ? AND thread_id = ? AND id < ?"
      " ORDER BY id DESC LIMIT 1",
      fp_txt(thread_kind), fp_int(thread_id), fp_int(message_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    const char *prev = fp_col_text(st, 0);
    *run = prev && strcmp(prev, side) == 0 && now - fp_col_int64(st, 1) < FP_MESSAGE_TELL_QUIET_SECONDS;
  }
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}

/* The first FP_MESSAGE_EXCERPT bytes of body (cut at a character's start, "..." added when cut). */
static void excerpt(const char *body, char *out, size_t len) {
  size_t n = strlen(body);
  if (n < len && n <= FP_MESSAGE_EXCERPT) {
    memcpy(out, body, n + 1);
    return;
  }
  size_t cut = FP_MESSAGE_EXCERPT < len - 4 ? FP_MESSAGE_EXCERPT : len - 4;
  while (cut > 0 && ((unsigned char)body[cut] & 0xC0) == 0x80) cut--; /* not inside a UTF-8 sequence */
  memcpy(out, body, cut);
  memcpy(out + cut, "...", 4);
}

int fp_store_tell_message_written(struct fp_conn *c, bool booking, int64_t thread_id, int64_t message_id,
                                  const char *side, const char *body, int64_t now) {
  const char *thread_kind = booking ? "booking" : "application";
  bool run = false;
  int rc = same_run(c, thread_kind, thread_id, message_id, side, now, &run);
  if (rc || run) return rc;
  struct event_facts f;
  rc = booking ? booking_facts(c, thread_id, &f) : application_facts(c, thread_id, &f);
  if (rc) return rc;
  char when[64], subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64], said[FP_MESSAGE_EXCERPT + 4];
  fp_store_when_text(f.starts_at, f.ends_at, when, sizeof when);
  excerpt(body, said, sizeof said);
  snprintf(link, sizeof link, "/messages/%ss/%lld", thread_kind, (long long)thread_id);
  bool from_clinician = strcmp(side, "clinician") == 0;
  snprintf(subject, sizeof subject, "New message: %s", when);
  snprintf(text, sizeof text, "%s wrote about the %s shift at %s on %s:\n\n%s\n\nRead and answer it in flexpool.",
           from_clinician ? f.clinician : f.practice, f.role, f.practice, when, said);
  if (from_clinician) return fp_store_notify_practice(c, f.practice_id, "message.created", subject, text, link, now);
  return fp_store_notify(c, f.clinician_user_id, "message.created", subject, text, link, now);
}

int fp_store_tell_timesheet(struct fp_conn *c, int64_t booking_id, enum fp_ts_state to, const char *reason, int64_t now) {
  if (to != FP_TS_SUBMITTED && to != FP_TS_QUERIED && to != FP_TS_APPROVED) return 0;
  struct event_facts f;
  int rc = booking_facts(c, booking_id, &f);
  if (rc) return rc;
  if (to == FP_TS_SUBMITTED) {
    snprintf(f.subject, sizeof f.subject, "Timesheet to approve: %s", f.when);
    snprintf(f.text, sizeof f.text,
             "%s submitted their timesheet for the %s shift on %s. Approve it, or query it with your reason.",
             f.clinician, f.role, f.when);
    return fp_store_notify_practice(c, f.practice_id, "timesheet.submitted", f.subject, f.text, "/practice/timesheets",
                                    now);
  }
  snprintf(f.link, sizeof f.link, to == FP_TS_QUERIED ? "/timesheets/%lld" : "/timesheets?state=approved",
           (long long)booking_id);
  if (to == FP_TS_QUERIED) {
    snprintf(f.subject, sizeof f.subject, "Timesheet queried: %s", f.when);
    snprintf(f.text, sizeof f.text, "%s queried your timesheet for the %s shift on %s:\n\n%s\n\nCorrect it and submit it again.",
             f.practice, f.role, f.when, reason ? reason : "");
  } else {
    snprintf(f.subject, sizeof f.subject, "Timesheet approved: %s", f.when);
    snprintf(f.text, sizeof f.text, "%s approved your timesheet for the %s shift on %s.", f.practice, f.role, f.when);
  }
  return fp_store_notify(c, f.clinician_user_id, to == FP_TS_QUERIED ? "timesheet.queried" : "timesheet.approved",
                         f.subject, f.text, f.link, now);
}
