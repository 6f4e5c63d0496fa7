/* The message threads in the store. See messages.h. */
#include "store/messages.h"
#include "store/rows.h"
#include "store/sql.h"

#include <string.h>

#include "core/error.h"

#define MSG_COLS "m.id, m.author_user_id, COALESCE(u.name, ''), m.side, m.body, m.created_at"
#define MSG_FROM " FROM messages m LEFT JOIN users u ON u.id = m.author_user_id"

static const char *kind_name(enum fp_thread_kind k) { return k == FP_THREAD_BOOKING ? "booking" : "application"; }

static void read_message(fp_stmt *st, void *out) {
  struct fp_message *m = out;
  memset(m, 0, sizeof *m);
  m->id = fp_col_int64(st, 0);
  m->author_user_id = fp_col_int64(st, 1);
  fp_db_col_copy(st, 2, m->author_name, sizeof m->author_name);
  fp_db_col_copy(st, 3, m->side, sizeof m->side);
  fp_db_col_copy(st, 4, m->body, sizeof m->body);
  m->created_at = fp_col_int64(st, 5);
}

int fp_store_message_add(struct fp_conn *c, enum fp_thread_kind kind, int64_t thread_id, int64_t author_user_id,
                         const char *side, const char *body, fp_time now, int64_t *id) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT COUNT(*) FROM messages WHERE thread_kind = ? AND thread_id = ?",
      fp_txt(kind_name(kind)), fp_int(thread_id));
  if (!st) return FP_EIO;
  int64_t n = 0;
  if (fp_step_int(st, &n) != 0) return FP_EIO;
  if (n >= FP_THREAD_MAX_MESSAGES) return FP_ETOOBIG;
  st = FP_DB_STMT(c,
      "INSERT INTO messages (thread_kind, thread_id, author_user_id, side, body, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      fp_txt(kind_name(kind)), fp_int(thread_id), fp_int(author_user_id), fp_txt(side), fp_txt(body), fp_int(now));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc == 0) *id = fp_db_last_id(c);
  return rc;
}

FP_ROW_ADAPTER(msg, struct fp_message, read_message)

int fp_store_message_list(struct fp_conn *c, enum fp_thread_kind kind, int64_t thread_id, int64_t after_id, int limit,
                          void (*cb)(const struct fp_message *m, void *ctx), void *ctx, bool *more) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT " MSG_COLS MSG_FROM " WHERE m.thread_kind = ? AND m.thread_id = ? AND m.id > ?"
      " ORDER BY m.id LIMIT ?",
      fp_txt(kind_name(kind)), fp_int(thread_id), fp_int(after_id), fp_int(limit + 1));
  if (!st) return FP_EIO;
  struct msg_cb x = {cb, ctx};
  return fp_step_rows(st, limit, msg_row, &x, more);
}

int fp_store_message_get(struct fp_conn *c, int64_t id, struct fp_message *out) {
  return fp_db_one_by_id(c, "SELECT " MSG_COLS MSG_FROM " WHERE m.id = ?", id, read_message, out);
}
