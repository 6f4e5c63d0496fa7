/* Notifications and the email outbox. See outbox.h. */
#include "store/outbox.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/time.h"
#include "store/sql.h"

static int check_lengths(const char *subject, const char *text, const char *link) {
  if (strlen(subject) > FP_MSG_SUBJECT_MAX || strlen(text) > FP_MSG_TEXT_MAX || strlen(link) > FP_MSG_LINK_MAX) {
    fprintf(stderr, "store: a message is longer than its limits: \"%.60s\"\n", subject);
    return FP_ETOOBIG;
  }
  return 0;
}

/* The email row: queued, due now, its Message-ID made once here and kept for every attempt. */
static int outbox_insert(struct fp_conn *c, int64_t user_id, const char *to, const char *subject, const char *text,
                         const char *link, bool secret, int64_t now) {
  unsigned char rnd[16];
  char hex[33], message_id[64];
  randombytes_buf(rnd, sizeof rnd);
  sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
  snprintf(message_id, sizeof message_id, "<%s@flexpool>", hex);
  fp_stmt *st = fp_db_stmt(c, "INSERT INTO outbox (user_id, to_address, subject, body, link, message_id, state,"
                              " attempts, next_attempt_at, lease_until, created_at, secret) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?)");
  if (!st) return FP_EIO;
  if (user_id) fp_bind_int64(st, 1, user_id);
  else fp_bind_null(st, 1);
  fp_bind_text(st, 2, to);
  fp_bind_text(st, 3, subject);
  fp_bind_text(st, 4, text);
  fp_bind_text(st, 5, link);
  fp_bind_text(st, 6, message_id);
  fp_bind_text(st, 7, fp_outbox_state_name(FP_OUTBOX_QUEUED));
  fp_bind_int64(st, 8, now);
  fp_bind_int64(st, 9, now);
  fp_bind_int64(st, 10, secret ? 1 : 0);
  return fp_db_exec_stmt(st);
}

int fp_store_notify(struct fp_conn *c, int64_t user_id, const char *kind, const char *subject, const char *text,
                    const char *link, int64_t now) {
  if (!link) link = "";
  int rc = check_lengths(subject, text, link);
  if (rc) return rc;
  fp_stmt *st = fp_db_stmt(c, "SELECT email FROM users WHERE id = ? AND active <> 0");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, user_id);
  char email[256] = "";
  rc = fp_step(st);
  if (rc == FP_ROW) rc = fp_db_col_copy(st, 0, email, sizeof email);
  else if (rc == FP_DONE) rc = FP_ENOTFOUND;
  fp_reset(st);
  if (rc == FP_ENOTFOUND) return 0; /* no such account, or deactivated: nobody to tell */
  if (rc) return rc == FP_ETOOBIG ? FP_ETOOBIG : FP_EIO;
  st = fp_db_stmt(c, "INSERT INTO notifications (user_id, kind, subject, body, link, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, user_id);
  fp_bind_text(st, 2, kind);
  fp_bind_text(st, 3, subject);
  fp_bind_text(st, 4, text);
  fp_bind_text(st, 5, link);
  fp_bind_int64(st, 6, now);
  rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  return outbox_insert(c, user_id, email, subject, text, link, false, now);
}

int fp_store_email(struct fp_conn *c, int64_t user_id, const char *to, const char *subject, const char *text,
                   const char *link, bool secret, int64_t now) {
  if (!link) link = "";
  int rc = check_lengths(subject, text, link);
  if (rc) return rc;
  return outbox_insert(c, user_id, to, subject, text, link, secret, now);
}

int fp_store_notify_practice(struct fp_conn *c, int64_t practice_id, const char *kind, const char *subject,
                             const char *text, const char *link, int64_t now) {
  /* The managers first (a practice has a handful), then each told in turn: one statement at a time. */
  int64_t ids[64];
  int n = 0;
  fp_stmt *st = fp_db_stmt(c, "SELECT DISTINCT r.user_id FROM user_roles r JOIN users u ON u.id = r.user_id"
                              " WHERE r.role = 'practice_manager' AND r.organisation_id = ? AND u.active <> 0"
                              " ORDER BY r.user_id");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, practice_id);
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == (int)(sizeof ids / sizeof ids[0])) {
      rc = FP_ETOOBIG;
      break;
    }
    ids[n++] = fp_col_int64(st, 0);
  }
  fp_reset(st);
  if (rc == FP_ETOOBIG) {
    fprintf(stderr, "store: practice %lld has more than %d managers to tell\n", (long long)practice_id, n);
    return FP_ETOOBIG;
  }
  if (rc != FP_DONE) return FP_EIO;
  for (int i = 0; i < n; i++) {
    rc = fp_store_notify(c, ids[i], kind, subject, text, link, now);
    if (rc) return rc;
  }
  return 0;
}

void fp_store_when_text(int64_t starts_at, int64_t ends_at, char *buf, size_t len) {
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t ls = starts_at + fp_uk_offset(starts_at), le = ends_at + fp_uk_offset(ends_at);
  fp_day d = fp_uk_day(starts_at);
  int y, m, dd;
  fp_civil_from_days(d, &y, &m, &dd);
  int wd = fp_weekday(d);
  int sm = (int)(((ls % 86400) + 86400) % 86400 / 60), em = (int)(((le % 86400) + 86400) % 86400 / 60);
  snprintf(buf, len, "%s %d %s %d, %02d:%02d to %02d:%02d", days[((wd % 7) + 7) % 7], dd, months[(m - 1) % 12], y,
           sm / 60, sm % 60, em / 60, em % 60);
}

int fp_store_outbox_due(struct fp_conn *c, int64_t now, bool *due) {
  fp_stmt *st = fp_db_stmt(c, "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = ? AND next_attempt_at <= ? AND lease_until < ?)");
  if (!st) return FP_EIO;
  fp_bind_text(st, 1, fp_outbox_state_name(FP_OUTBOX_QUEUED));
  fp_bind_int64(st, 2, now);
  fp_bind_int64(st, 3, now);
  int rc = fp_step(st);
  *due = rc == FP_ROW && fp_col_int64(st, 0) != 0;
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

#define MSG_COLS "id, to_address, subject, body, link, message_id, attempts, state, created_at, COALESCE(sent_at, 0)"

static int read_msg(fp_stmt *st, struct fp_outbox_msg *m, char *link, size_t link_len) {
  memset(m, 0, sizeof *m);
  m->id = fp_col_int64(st, 0);
  int rc = fp_db_col_copy(st, 1, m->to, sizeof m->to);
  if (!rc) rc = fp_db_col_copy(st, 2, m->subject, sizeof m->subject);
  if (!rc) rc = fp_db_col_copy(st, 3, m->text, sizeof m->text);
  if (!rc && link) rc = fp_db_col_copy(st, 4, link, link_len);
  if (!rc) rc = fp_db_col_copy(st, 5, m->message_id, sizeof m->message_id);
  m->attempts = (int)fp_col_int64(st, 6);
  const char *state = fp_col_text(st, 7);
  for (int s = 0; s < FP_OUTBOX_STATES; s++)
    if (state && strcmp(state, fp_outbox_state_name((enum fp_outbox_state)s)) == 0) m->state = (enum fp_outbox_state)s;
  m->created_at = fp_col_int64(st, 8);
  m->sent_at = fp_col_int64(st, 9);
  return rc;
}

int fp_store_outbox_claim(struct fp_conn *c, const char *worker, int64_t now, int lease_seconds,
                          struct fp_outbox_msg *out, bool *claimed) {
  *claimed = false;
  fp_stmt *st = fp_db_stmt(c, "SELECT " MSG_COLS " FROM outbox WHERE state = ? AND next_attempt_at <= ? AND lease_until < ?"
                              " ORDER BY next_attempt_at, id LIMIT 1");
  if (!st) return FP_EIO;
  fp_bind_text(st, 1, fp_outbox_state_name(FP_OUTBOX_QUEUED));
  fp_bind_int64(st, 2, now);
  fp_bind_int64(st, 3, now);
  int rc = fp_step(st);
  if (rc == FP_ROW) rc = read_msg(st, out, out->link, sizeof out->link) ? FP_EIO : FP_ROW;
  fp_reset(st);
  if (rc == FP_DONE) return 0;
  if (rc != FP_ROW) return FP_EIO;
  st = fp_db_stmt(c, "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ? AND state = ? AND lease_until < ?");
  if (!st) return FP_EIO;
  fp_bind_text(st, 1, worker);
  fp_bind_int64(st, 2, now + lease_seconds);
  fp_bind_int64(st, 3, out->id);
  fp_bind_text(st, 4, fp_outbox_state_name(FP_OUTBOX_QUEUED));
  fp_bind_int64(st, 5, now);
  rc = fp_db_exec_stmt(st);
  if (rc) return FP_EIO;
  *claimed = fp_db_changes(c) == 1;
  return 0;
}

int fp_store_outbox_record(struct fp_conn *c, int64_t id, const char *worker, bool ok, bool permanent,
                           const char *detail, int64_t now) {
  fp_stmt *st = fp_db_stmt(c, "SELECT attempts FROM outbox WHERE id = ? AND state = ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, id);
  fp_bind_text(st, 2, fp_outbox_state_name(FP_OUTBOX_QUEUED));
  int rc = fp_step(st);
  int attempts = rc == FP_ROW ? (int)fp_col_int64(st, 0) : 0;
  fp_reset(st);
  if (rc != FP_ROW && rc != FP_DONE) return FP_EIO;
  if (rc == FP_ROW) {
    int64_t next_at = now;
    enum fp_outbox_state next = fp_outbox_after_attempt(attempts, ok, permanent, now, &next_at);
    st = fp_db_stmt(c, "UPDATE outbox SET state = ?1, attempts = attempts + 1, next_attempt_at = ?2, lease_owner = NULL,"
                       " lease_until = 0, sent_at = CASE WHEN ?3 <> 0 THEN ?4 ELSE sent_at END,"
                       " link = CASE WHEN secret <> 0 AND ?6 <> 0 THEN '' ELSE link END WHERE id = ?5");
    if (!st) return FP_EIO;
    fp_bind_text(st, 1, fp_outbox_state_name(next));
    fp_bind_int64(st, 2, next_at);
    fp_bind_int64(st, 3, next == FP_OUTBOX_SENT);
    fp_bind_int64(st, 4, now);
    fp_bind_int64(st, 5, id);
    fp_bind_int64(st, 6, next != FP_OUTBOX_QUEUED); /* a secret link lives until the email is sent or given up */
    if (fp_db_exec_stmt(st)) return FP_EIO;
  }
  st = fp_db_stmt(c, "INSERT INTO outbox_attempts (outbox_id, at, worker, ok, detail) VALUES (?, ?, ?, ?, ?)");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, id);
  fp_bind_int64(st, 2, now);
  fp_bind_text(st, 3, worker);
  fp_bind_int64(st, 4, ok ? 1 : 0);
  fp_bind_text(st, 5, detail ? detail : "");
  return fp_db_exec_stmt(st) ? FP_EIO : 0;
}

int fp_store_outbox_counts(struct fp_conn *c, struct fp_outbox_counts *out) {
  memset(out, 0, sizeof *out);
  for (int s = 0; s < FP_OUTBOX_STATES; s++) {
    fp_stmt *st = fp_db_stmt(c, "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM outbox WHERE state = ?");
    if (!st) return FP_EIO;
    fp_bind_text(st, 1, fp_outbox_state_name((enum fp_outbox_state)s));
    int rc = fp_step(st);
    if (rc == FP_ROW) {
      out->by_state[s] = fp_col_int64(st, 0);
      if (s == FP_OUTBOX_QUEUED) out->oldest_queued_at = fp_col_int64(st, 1);
    }
    fp_reset(st);
    if (rc != FP_ROW) return FP_EIO;
  }
  return 0;
}

int fp_store_outbox_latest(struct fp_conn *c, struct fp_outbox_msg *out, int max, int *n) {
  *n = 0;
  fp_stmt *st = fp_db_stmt(c, "SELECT " MSG_COLS " FROM outbox ORDER BY id DESC LIMIT ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, max);
  int rc;
  while ((rc = fp_step(st)) == FP_ROW && *n < max) {
    if (read_msg(st, &out[*n], out[*n].link, sizeof out[*n].link)) {
      rc = FP_EIO;
      break;
    }
    (*n)++;
  }
  fp_reset(st);
  return rc == FP_DONE || rc == FP_ROW ? 0 : FP_EIO;
}

int fp_store_notifications(struct fp_conn *c, int64_t user_id, int64_t before_id, int limit,
                           void (*cb)(const struct fp_notification *n, void *ctx), void *ctx, bool *more) {
  *more = false;
  fp_stmt *st = fp_db_stmt(c, "SELECT id, kind, subject, body, link, created_at, COALESCE(read_at, 0) FROM notifications"
                              " WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, user_id);
  fp_bind_int64(st, 2, before_id > 0 ? before_id : INT64_MAX);
  fp_bind_int64(st, 3, limit + 1);
  struct fp_notification n;
  int rc, count = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (count == limit) {
      *more = true;
      rc = FP_DONE;
      break;
    }
    memset(&n, 0, sizeof n);
    n.id = fp_col_int64(st, 0);
    if (fp_db_col_copy(st, 1, n.kind, sizeof n.kind) || fp_db_col_copy(st, 2, n.subject, sizeof n.subject) ||
        fp_db_col_copy(st, 3, n.text, sizeof n.text) || fp_db_col_copy(st, 4, n.link, sizeof n.link)) {
      rc = FP_EIO;
      break;
    }
    n.created_at = fp_col_int64(st, 5);
    n.read_at = fp_col_int64(st, 6);
    cb(&n, ctx);
    count++;
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_notifications_unread(struct fp_conn *c, int64_t user_id, int64_t *n) {
  fp_stmt *st = fp_db_stmt(c, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, user_id);
  int rc = fp_step(st);
  *n = rc == FP_ROW ? fp_col_int64(st, 0) : 0;
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_store_notifications_mark_read(struct fp_conn *c, int64_t user_id, int64_t id, int64_t now) {
  if (id) {
    fp_stmt *st = fp_db_stmt(c, "SELECT EXISTS (SELECT 1 FROM notifications WHERE id = ? AND user_id = ?)");
    if (!st) return FP_EIO;
    fp_bind_int64(st, 1, id);
    fp_bind_int64(st, 2, user_id);
    int rc = fp_step(st);
    bool mine = rc == FP_ROW && fp_col_int64(st, 0) != 0;
    fp_reset(st);
    if (rc != FP_ROW) return FP_EIO;
    if (!mine) return FP_ENOTFOUND;
  }
  fp_stmt *st = fp_db_stmt(c, "UPDATE notifications SET read_at = ?1 WHERE user_id = ?2 AND read_at IS NULL"
                              " AND (?3 = 0 OR id = ?3)");
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, now);
  fp_bind_int64(st, 2, user_id);
  fp_bind_int64(st, 3, id);
  return fp_db_exec_stmt(st) ? FP_EIO : 0;
}
