/* Notifications and the email outbox. See outbox.h. */
#include "store/outbox.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/ids.h"
#include "core/time.h"
#include "store/rows.h"
#include "store/sql.h"

static int check_lengths(const char *subject, const char *text, const char *link) {
  if (strlen(subject) > FP_MSG_SUBJECT_MAX || strlen(text) > FP_MSG_TEXT_MAX || strlen(link) > FP_MSG_LINK_MAX) {
    fprintf(stderr, "store: a message is longer than its limits: \"%.60s\"\n", subject);
    return FP_ETOOBIG;
  }
  return 0;
}

/* Binds a message's subject, text and link to parameters i, i + 1 and i + 2. */
static void bind_message(fp_stmt *st, int i, const char *subject, const char *text, const char *link) {
  fp_bind_text(st, i, subject);
  fp_bind_text(st, i + 1, text);
  fp_bind_text(st, i + 2, link);
}

/* An outbox row of channel ch: queued, due now, with its message_id kept for every attempt. */
static int outbox_put(struct fp_conn *c, enum fp_outbox_channel ch, int64_t user_id, int64_t webhook_id, const char *to,
                      const char *subject, const char *text, const char *link, const char *message_id, bool secret,
                      int64_t now) {
  fp_stmt *st = FP_DB_STMT(c,
      "INSERT INTO outbox (user_id, to_address, subject, body, link, message_id, state,"
      " attempts, next_attempt_at, lease_until, created_at, secret, channel, webhook_id)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?, ?)",
      fp_id(user_id), fp_txt(to));
  if (!st) return FP_EIO;
  bind_message(st, 3, subject, text, link);
  fp_bind_text(st, 6, message_id);
  fp_bind_text(st, 7, fp_outbox_state_name(FP_OUTBOX_QUEUED));
  fp_bind_int64(st, 8, now);
  fp_bind_int64(st, 9, now);
  fp_bind_int64(st, 10, secret ? 1 : 0);
  fp_bind_text(st, 11, fp_outbox_channel_name(ch));
  fp_bind_opt_id(st, 12, webhook_id);
  return fp_db_exec_stmt(st);
}

void fp_store_outbox_random_hex(char hex[33]) {
  unsigned char rnd[16];
  randombytes_buf(rnd, sizeof rnd);
  sodium_bin2hex(hex, 33, rnd, sizeof rnd);
}

/* The email row, its Message-ID made once here. */
static int outbox_insert(struct fp_conn *c, int64_t user_id, const char *to, const char *subject, const char *text,
                         const char *link, bool secret, int64_t now) {
  char hex[33], message_id[64];
  fp_store_outbox_random_hex(hex);
  snprintf(message_id, sizeof message_id, "<%s@flexpool>", hex);
  return outbox_put(c, FP_OUTBOX_EMAIL, user_id, 0, to, subject, text, link, message_id, secret, now);
}

int fp_store_outbox_put_webhook(struct fp_conn *c, int64_t webhook_id, const char *event, const char *event_id,
                                const char *body, int64_t now) {
  if (strlen(body) > FP_MSG_TEXT_MAX) {
    fprintf(stderr, "store: a webhook's body is longer than %d bytes: %s\n", FP_MSG_TEXT_MAX, event);
    return FP_ETOOBIG;
  }
  return outbox_put(c, FP_OUTBOX_WEBHOOK, 0, webhook_id, "", event, body, "", event_id, false, now);
}

/*
 * The notification and the email for every active account among `users` (SQL: the ids, as a
 * subquery whose parameters are ?8, bound to arg, and ?9, bound to *arg2 where it has one): two statements however many
 * they are, each email with its own Message-ID (one random part for the statement, then the
 * account's id).
 */
#define NOTIFY_SQL(users)                                                                                    \
  "INSERT INTO notifications (user_id, kind, subject, body, link, created_at) SELECT u.id, ?1, ?2, ?3, ?4, ?5" \
  " FROM users u WHERE u.active <> 0 AND u.id IN (" users ") ORDER BY u.id"
#define EMAIL_SQL(users)                                                                                     \
  "INSERT INTO outbox (user_id, to_address, subject, body, link, message_id, state, attempts, next_attempt_at," \
  " lease_until, created_at, secret) SELECT u.id, u.email, ?2, ?3, ?4, '<' || ?6 || '.' || CAST(u.id AS TEXT)" \
  " || '@flexpool>', ?7, 0, ?5, 0, ?5, 0 FROM users u WHERE u.active <> 0 AND u.id IN (" users ") ORDER BY u.id"

static int notify_set(struct fp_conn *c, const char *notify_sql, const char *email_sql, int64_t arg, const int64_t *arg2,
                      const char *kind, const char *subject, const char *text, const char *link, int64_t now) {
  if (!link) link = "";
  int rc = check_lengths(subject, text, link);
  if (rc) return rc;
  char hex[33];
  fp_store_outbox_random_hex(hex);
  /* On PostgreSQL both rows in one statement (a data-modifying WITH: one statement for the server
     to run, not two); on SQLite, which has none, two. Neither answer is waited for: on PostgreSQL it
     goes with the next statement (sql.h). */
  bool together = !fp_db_serial_writes(c);
  fp_stmt *st;
  if (together) {
    char sql[2048];
    if (snprintf(sql, sizeof sql, "WITH n AS (%s) %s", notify_sql, email_sql) >= (int)sizeof sql) return FP_EINVAL;
    st = fp_db_stmt(c, sql);
  } else {
    st = fp_db_stmt(c, notify_sql);
  }
  if (!st) return FP_EIO;
  fp_bind_text(st, 1, kind);
  if (!together) {
    bind_message(st, 2, subject, text, link);
    fp_bind_int64(st, 5, now);
    fp_bind_int64(st, 8, arg);
    if (arg2) fp_bind_int64(st, 9, *arg2);
    if ((rc = fp_db_run_later(st)) != 0) return rc;
    if (!(st = fp_db_stmt(c, email_sql))) return FP_EIO;
  }
  bind_message(st, 2, subject, text, link);
  fp_bind_int64(st, 5, now);
  fp_bind_text(st, 6, hex);
  fp_bind_text(st, 7, fp_outbox_state_name(FP_OUTBOX_QUEUED));
  fp_bind_int64(st, 8, arg);
  if (arg2) fp_bind_int64(st, 9, *arg2);
  return fp_db_run_later(st);
}

/* The sets of accounts told together. */
#define ONE_USER "?8"
#define PRACTICE_MANAGERS "SELECT r.user_id FROM user_roles r WHERE r.role = 'practice_manager' AND r.organisation_id = ?8"
#define POOL_ADMINS "SELECT r.user_id FROM user_roles r WHERE r.role = 'pool_admin' AND r.pool_id = ?8"
#define FILLED_APPLICANTS                                                                                    \
  "SELECT cl.user_id FROM applications a JOIN clinicians cl ON cl.id = a.clinician_id WHERE a.shift_id = ?8" \
  " AND a.status = 'declined' AND a.reason = 'filled' AND a.decided_at = ?9"

int fp_store_notify(struct fp_conn *c, int64_t user_id, const char *kind, const char *subject, const char *text,
                    const char *link, int64_t now) {
  return notify_set(c, NOTIFY_SQL(ONE_USER), EMAIL_SQL(ONE_USER), user_id, NULL, kind, subject, text, link, now);
}

int fp_store_notify_practice(struct fp_conn *c, int64_t practice_id, const char *kind, const char *subject,
                             const char *text, const char *link, int64_t now) {
  return notify_set(c, NOTIFY_SQL(PRACTICE_MANAGERS), EMAIL_SQL(PRACTICE_MANAGERS), practice_id, NULL, kind, subject,
                    text, link, now);
}

int fp_store_notify_pool_admins(struct fp_conn *c, int64_t pool_id, const char *kind, const char *subject,
                                const char *text, const char *link, int64_t now) {
  return notify_set(c, NOTIFY_SQL(POOL_ADMINS), EMAIL_SQL(POOL_ADMINS), pool_id, NULL, kind, subject, text, link, now);
}

int fp_store_notify_filled_applicants(struct fp_conn *c, int64_t shift_id, const char *kind, const char *subject,
                                      const char *text, const char *link, int64_t now) {
  return notify_set(c, NOTIFY_SQL(FILLED_APPLICANTS), EMAIL_SQL(FILLED_APPLICANTS), shift_id, &now, kind, subject, text,
                    link, now);
}

int fp_store_email(struct fp_conn *c, int64_t user_id, const char *to, const char *subject, const char *text,
                   const char *link, bool secret, int64_t now) {
  if (!link) link = "";
  int rc = check_lengths(subject, text, link);
  if (rc) return rc;
  return outbox_insert(c, user_id, to, subject, text, link, secret, now);
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

int fp_store_outbox_due(struct fp_conn *c, enum fp_outbox_channel ch, int64_t now, bool *due) {
  return FP_DB_BOOL(c, due,
      "SELECT EXISTS (SELECT 1 FROM outbox WHERE state = ? AND next_attempt_at <= ? AND lease_until < ?"
      " AND channel = ?)",
      fp_txt(fp_outbox_state_name(FP_OUTBOX_QUEUED)), fp_int(now), fp_int(now), fp_txt(fp_outbox_channel_name(ch)));
}

#define MSG_COLS                                                                                         \
  "id, to_address, subject, body, link, message_id, attempts, state, created_at, COALESCE(sent_at, 0),"  \
  " COALESCE(webhook_id, 0)"

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
  m->webhook_id = fp_col_int64(st, 10);
  return rc;
}

int fp_store_outbox_claim(struct fp_conn *c, enum fp_outbox_channel ch, const char *worker, int64_t now,
                          int lease_seconds, struct fp_outbox_msg *out, bool *claimed) {
  *claimed = false;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " MSG_COLS " FROM outbox WHERE state = ? AND next_attempt_at <= ? AND lease_until < ?"
      " AND channel = ? ORDER BY next_attempt_at, id LIMIT 1",
      fp_txt(fp_outbox_state_name(FP_OUTBOX_QUEUED)), fp_int(now), fp_int(now), fp_txt(fp_outbox_channel_name(ch)));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) rc = read_msg(st, out, out->link, sizeof out->link) ? FP_EIO : FP_ROW;
  fp_reset(st);
  if (rc == FP_DONE) return 0;
  if (rc != FP_ROW) return FP_EIO;
  st =
      FP_DB_STMT(c, "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ? AND state = ? AND lease_until < ?",
          fp_txt(worker), fp_int(now + lease_seconds), fp_int(out->id), fp_txt(fp_outbox_state_name(FP_OUTBOX_QUEUED)),
          fp_int(now));
  if (!st) return FP_EIO;
  rc = fp_db_exec_stmt(st);
  if (rc) return FP_EIO;
  *claimed = fp_db_changes(c) == 1;
  return 0;
}

int fp_store_outbox_record(struct fp_conn *c, int64_t id, const char *worker, bool ok, bool permanent,
                           const char *detail, int64_t now) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT attempts FROM outbox WHERE id = ? AND state = ?", fp_int(id),
      fp_txt(fp_outbox_state_name(FP_OUTBOX_QUEUED)));
  if (!st) return FP_EIO;
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
  st = FP_DB_STMT(c, "INSERT INTO outbox_attempts (outbox_id, at, worker, ok, detail) VALUES (?, ?, ?, ?, ?)",
      fp_int(id), fp_int(now), fp_txt(worker), fp_int(ok ? 1 : 0), fp_txt(detail ? detail : ""));
  if (!st) return FP_EIO;
  return fp_db_exec_stmt(st) ? FP_EIO : 0;
}

int fp_store_outbox_counts(struct fp_conn *c, enum fp_outbox_channel ch, struct fp_outbox_counts *out) {
  memset(out, 0, sizeof *out);
  for (int s = 0; s < FP_OUTBOX_STATES; s++) {
    fp_stmt *st =
        FP_DB_STMT(c, "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM outbox WHERE state = ? AND channel = ?",
            fp_txt(fp_outbox_state_name((enum fp_outbox_state)s)), fp_txt(fp_outbox_channel_name(ch)));
    if (!st) return FP_EIO;
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
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT " MSG_COLS " FROM outbox WHERE channel = 'email' ORDER BY id DESC LIMIT ?", fp_int(max));
  if (!st) return FP_EIO;
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

/* The columns every notification reader selects, in this order (read_notification reads them). */
#define NOTIFICATION_COLS "id, kind, subject, body, link, created_at, COALESCE(read_at, 0)"

static int read_notification(fp_stmt *st, struct fp_notification *n) {
  memset(n, 0, sizeof *n);
  n->id = fp_col_int64(st, 0);
  if (fp_db_col_copy(st, 1, n->kind, sizeof n->kind) || fp_db_col_copy(st, 2, n->subject, sizeof n->subject) ||
      fp_db_col_copy(st, 3, n->text, sizeof n->text) || fp_db_col_copy(st, 4, n->link, sizeof n->link))
    return FP_EIO;
  n->created_at = fp_col_int64(st, 5);
  n->read_at = fp_col_int64(st, 6);
  return 0;
}

int fp_store_notifications(struct fp_conn *c, int64_t user_id, int64_t before_id, int limit,
                           void (*cb)(const struct fp_notification *n, void *ctx), void *ctx, bool *more) {
  *more = false;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " NOTIFICATION_COLS " FROM notifications"
      " WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
      fp_int(user_id), fp_int(before_id > 0 ? before_id : INT64_MAX), fp_int(limit + 1));
  if (!st) return FP_EIO;
  struct fp_notification n;
  int rc, count = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (count == limit) {
      *more = true;
      rc = FP_DONE;
      break;
    }
    if (read_notification(st, &n)) {
      rc = FP_EIO;
      break;
    }
    cb(&n, ctx);
    count++;
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_notifications_unread(struct fp_conn *c, int64_t user_id, int64_t *n) {
  fp_stmt *st =
      FP_DB_STMT(c, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", fp_int(user_id));
  if (!st) return FP_EIO;
  *n = 0;
  return fp_step_int(st, n) == 0 ? 0 : FP_EIO;
}

/* The live stream's reads (http/events.c). ------------------------------------------------ */

/* Runs sql, whose ?1 is the JSON array of ids (ascending), handing each row whose first column is
   ids[at] to row(st, at, ctx). 0, FP_ENOMEM or FP_EIO. */
static int rows_of_ids(struct fp_conn *c, const char *sql, const int64_t *ids, size_t n,
                       void (*row)(fp_stmt *st, size_t at, void *ctx), void *ctx) {
  if (n == 0) return 0;
  char *json = fp_ids_json(ids, n);
  fp_stmt *st = json ? fp_db_stmt(c, sql) : NULL;
  int rc = !json ? FP_ENOMEM : !st ? FP_EIO : 0;
  if (!rc) {
    fp_bind_text(st, 1, json);
    int step;
    while ((step = fp_step(st)) == FP_ROW) {
      ptrdiff_t at = fp_ids_find(ids, n, fp_col_int64(st, 0));
      if (at >= 0) row(st, (size_t)at, ctx);
    }
    fp_reset(st);
    if (step != FP_DONE) rc = FP_EIO;
  }
  free(json);
  return rc;
}

static void unread_row(fp_stmt *st, size_t at, void *ctx) { ((int64_t *)ctx)[at] = fp_col_int64(st, 1); }
static void live_row(fp_stmt *st, size_t at, void *ctx) {
  (void)st;
  ((bool *)ctx)[at] = true;
}

int fp_store_streams_check(struct fp_conn *c, const int64_t *users, size_t n, int64_t *unread, const int64_t *sessions,
                           size_t m, bool *live) {
  for (size_t i = 0; i < n; i++) unread[i] = 0;
  for (size_t k = 0; k < m; k++) live[k] = false;
  int rc = rows_of_ids(c, "SELECT user_id, COUNT(*) FROM notifications WHERE read_at IS NULL"
                          " AND user_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) GROUP BY user_id",
                       users, n, unread_row, unread);
  return rc ? rc
            : rows_of_ids(c, "SELECT id FROM sessions WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))", sessions,
                          m, live_row, live);
}

/* "?2, ?3, ..., ?(FP_NOTIFICATION_GAPS + 1)": the ids the poll looks for again. */
#define GAP_PARAMS_8 "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9"
#define GAP_PARAMS_16 GAP_PARAMS_8 ", ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17"
#define GAP_PARAMS_32 GAP_PARAMS_16 ", ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33"
_Static_assert(FP_NOTIFICATION_GAPS == 32, "GAP_PARAMS_32 names FP_NOTIFICATION_GAPS parameters");

int fp_store_notifications_since(struct fp_conn *c, int64_t after_id, const int64_t *gaps, int n_gaps, int limit,
                                 void (*cb)(const struct fp_notification_event *e, void *ctx), void *ctx, int *n) {
  *n = 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " NOTIFICATION_COLS ", user_id, (SELECT COUNT(*) FROM notifications u"
      " WHERE u.user_id = n.user_id AND u.read_at IS NULL) FROM notifications n"
      " WHERE id > ?1 OR id IN (" GAP_PARAMS_32 ") ORDER BY id LIMIT ?34",
      fp_int(after_id));
  if (!st) return FP_EIO;
  for (int i = 0; i < FP_NOTIFICATION_GAPS; i++) fp_bind_int64(st, 2 + i, i < n_gaps ? gaps[i] : 0);
  fp_bind_int64(st, 2 + FP_NOTIFICATION_GAPS, limit);
  int rc;
  struct fp_notification_event e;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (read_notification(st, &e.n)) {
      rc = FP_EIO;
      break;
    }
    e.user_id = fp_col_int64(st, 7);
    e.unread = fp_col_int64(st, 8);
    cb(&e, ctx);
    ++*n;
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_notification_ids(struct fp_conn *c, int64_t *last_id, int64_t *ids, int max, int *n) {
  *n = 0;
  *last_id = 0;
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT id FROM notifications WHERE id > (SELECT COALESCE(MAX(id), 0) FROM notifications) - ?"
      " ORDER BY id",
      fp_int(max));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    int64_t id = fp_col_int64(st, 0);
    if (*n < max) ids[(*n)++] = id;
    *last_id = id;
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_notifications_state(struct fp_conn *c, int64_t user_id, int64_t *unread, int64_t *last_id) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0), COALESCE(MAX(id), 0)"
      " FROM notifications WHERE user_id = ?",
      fp_int(user_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  *unread = rc == FP_ROW ? fp_col_int64(st, 0) : 0;
  *last_id = rc == FP_ROW ? fp_col_int64(st, 1) : 0;
  fp_reset(st);
  return rc == FP_ROW ? 0 : FP_EIO;
}

int fp_store_notifications_after(struct fp_conn *c, int64_t user_id, int64_t after_id, int limit,
                                 void (*cb)(const struct fp_notification *n, void *ctx), void *ctx) {
  /* The newest `limit` after after_id, handed on oldest first. */
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT * FROM (SELECT " NOTIFICATION_COLS " FROM notifications WHERE user_id = ? AND id > ?"
      " ORDER BY id DESC LIMIT ?) newest ORDER BY id",
      fp_int(user_id), fp_int(after_id), fp_int(limit));
  if (!st) return FP_EIO;
  int rc;
  struct fp_notification n;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (read_notification(st, &n)) {
      rc = FP_EIO;
      break;
    }
    cb(&n, ctx);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

int fp_store_notifications_mark_read(struct fp_conn *c, int64_t user_id, int64_t id, int64_t now) {
  if (id) {
    fp_stmt *st = FP_DB_STMT(
        c, "SELECT EXISTS (SELECT 1 FROM notifications WHERE id = ? AND user_id = ?)", fp_int(id), fp_int(user_id));
    if (!st) return FP_EIO;
    bool mine = false;
    if (fp_step_bool(st, &mine) != 0) return FP_EIO;
    if (!mine) return FP_ENOTFOUND;
  }
  fp_stmt *st = FP_DB_STMT(c,
      "UPDATE notifications SET read_at = ?1 WHERE user_id = ?2 AND read_at IS NULL"
      " AND (?3 = 0 OR id = ?3)",
      fp_int(now), fp_int(user_id), fp_int(id));
  if (!st) return FP_EIO;
  return fp_db_exec_stmt(st) ? FP_EIO : 0;
}
