/* Messages for events. See tell.h. */
#include "store/tell.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/profession.h"
#include "store/outbox.h"
#include "store/sql.h"

/* What a message about a booking says: the shift's times, place and people. */
struct booking_facts {
  int64_t shift_id, practice_id, clinician_user_id, starts_at, ends_at;
  char practice[201], clinician[201], role[64];
};

static int booking_facts(struct fp_conn *c, int64_t booking_id, struct booking_facts *f) {
  memset(f, 0, sizeof *f);
  fp_stmt *st = fp_db_stmt(c, "SELECT b.shift_id, b.practice_id, u.id, s.starts_at, s.ends_at, o.name, u.name, s.role"
                              " FROM bookings b JOIN shifts s ON s.id = b.shift_id JOIN organisations o ON o.id = b.practice_id"
                              " JOIN clinicians cl ON cl.id = b.clinician_id JOIN users u ON u.id = cl.user_id WHERE b.id = ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, booking_id);
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
  return rc;
}

int fp_store_tell_booking_made(struct fp_conn *c, int64_t booking_id, int64_t now) {
  struct booking_facts f;
  int rc = booking_facts(c, booking_id, &f);
  if (rc) return rc;
  char when[64], subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64];
  fp_store_when_text(f.starts_at, f.ends_at, when, sizeof when);
  snprintf(subject, sizeof subject, "Shift booked: %s", when);
  snprintf(text, sizeof text, "%s has booked the %s shift at %s on %s.", f.clinician, f.role, f.practice, when);
  snprintf(link, sizeof link, "/practice/shifts/%lld", (long long)f.shift_id);
  return fp_store_notify_practice(c, f.practice_id, "booking.created", subject, text, link, now);
}
