/* Outbound webhooks per organisation. See webhooks.h. */
#include "store/webhooks.h"

#include "core/fhir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/time.h"
#include "store/accounts.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/sql.h"

static const char *const EVENT_NAMES[] = {
#define XX(name, text) text,
    FP_WEBHOOK_EVENTS(XX)
#undef XX
};

const char *fp_webhook_event_name(enum fp_webhook_event e) {
  return (int)e >= 0 && e < FP_HOOK_EVENTS ? EVENT_NAMES[e] : NULL;
}

static const char *const FORMAT_NAMES[] = {"json", "fhir"};

const char *fp_webhook_format_name(enum fp_webhook_format f) {
  return (unsigned)f < sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0] ? FORMAT_NAMES[f] : NULL;
}

int fp_webhook_format_parse(const char *s, enum fp_webhook_format *out) {
  for (size_t i = 0; i < sizeof FORMAT_NAMES / sizeof FORMAT_NAMES[0]; i++)
    if (s && strcmp(s, FORMAT_NAMES[i]) == 0) {
      *out = (enum fp_webhook_format)i;
      return 0;
    }
  return -1;
}

int fp_webhook_event_parse(const char *s, enum fp_webhook_event *out) {
  for (int e = 0; e < FP_HOOK_EVENTS; e++)
    if (s && strcmp(s, EVENT_NAMES[e]) == 0) {
      *out = (enum fp_webhook_event)e;
      return 0;
    }
  return -1;
}

int fp_store_webhook_may_manage(struct fp_conn *c, int64_t user_id, int64_t organisation_id, bool *yes) {
  return FP_DB_BOOL(c, yes,
      "SELECT EXISTS (SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id"
      " LEFT JOIN pools p ON p.id = r.pool_id WHERE r.user_id = ?1 AND u.active <> 0 AND"
      " ((r.role = 'practice_manager' AND r.organisation_id = ?2)"
      " OR (r.role = 'pool_admin' AND p.host_organisation_id = ?2)))",
      fp_int(user_id), fp_int(organisation_id));
}

int fp_store_organisation_exists(struct fp_conn *c, int64_t organisation_id, bool *yes) {
  return FP_DB_BOOL(c, yes, "SELECT EXISTS (SELECT 1 FROM organisations WHERE id = ?)", fp_int(organisation_id));
}

int fp_store_webhook_create(struct fp_conn *c, int64_t organisation_id, const char *url, unsigned events,
                            enum fp_webhook_format format, const char *secret, int64_t actor, int64_t now, int64_t *id) {
  fp_stmt *st = FP_DB_STMT(
      c, "SELECT COUNT(*) FROM webhooks WHERE organisation_id = ? AND deleted_at IS NULL", fp_int(organisation_id));
  if (!st) return FP_EIO;
  int64_t n = 0;
  int rc = fp_step_int(st, &n);
  if (rc) return rc;
  if (n >= FP_WEBHOOKS_MAX) return FP_ECONFLICT;
  st = FP_DB_STMT(c,
      "INSERT INTO webhooks (organisation_id, url, secret, created_by, created_at, format) VALUES (?, ?, ?, ?, ?, ?)",
      fp_int(organisation_id), fp_txt(url), fp_txt(secret), fp_id(actor), fp_int(now), fp_txt(fp_webhook_format_name(format)));
  if (!st) return FP_EIO;
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  *id = fp_db_last_id(c);
  for (int e = 0; e < FP_HOOK_EVENTS; e++) {
    if (!(events & (1u << e))) continue;
    st = FP_DB_STMT(
        c, "INSERT INTO webhook_events (webhook_id, event) VALUES (?, ?)", fp_int(*id), fp_txt(EVENT_NAMES[e]));
    if (!st) return FP_EIO;
    if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  }
  char after[96];
  snprintf(after, sizeof after, "{\"organisation_id\":%lld,\"events\":%u,\"format\":\"%s\"}", (long long)organisation_id, events,
           fp_webhook_format_name(format));
  return fp_store_audit(c, now, actor, "webhook.create", "webhook", *id, NULL, after); /* not the URL's secrets */
}

/* The events a webhook wants, as a mask: one more read (a webhook has a handful). */
static int webhook_events(struct fp_conn *c, int64_t id, unsigned *mask) {
  *mask = 0;
  fp_stmt *st = FP_DB_STMT(c, "SELECT event FROM webhook_events WHERE webhook_id = ?", fp_int(id));
  if (!st) return FP_EIO;
  int rc;
  enum fp_webhook_event e;
  while ((rc = fp_step(st)) == FP_ROW)
    if (fp_webhook_event_parse(fp_col_text(st, 0), &e) == 0) *mask |= 1u << e;
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}

#define WEBHOOK_COLS "SELECT id, organisation_id, COALESCE(created_by, 0), created_at, url, format FROM webhooks"

static int read_webhook(fp_stmt *st, struct fp_webhook *w) {
  memset(w, 0, sizeof *w);
  w->id = fp_col_int64(st, 0);
  w->organisation_id = fp_col_int64(st, 1);
  w->created_by = fp_col_int64(st, 2);
  w->created_at = fp_col_int64(st, 3);
  if (fp_webhook_format_parse(fp_col_text(st, 5), &w->format) != 0) return FP_EIO;
  return fp_db_col_copy(st, 4, w->url, sizeof w->url);
}

int fp_store_webhook_get(struct fp_conn *c, int64_t organisation_id, int64_t id, struct fp_webhook *out) {
  fp_stmt *st = FP_DB_STMT(c, WEBHOOK_COLS " WHERE id = ? AND organisation_id = ? AND deleted_at IS NULL", fp_int(id),
      fp_int(organisation_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) rc = read_webhook(st, out);
  else rc = rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  fp_reset(st);
  return rc ? rc : webhook_events(c, id, &out->events);
}

int fp_store_webhook_list(struct fp_conn *c, int64_t organisation_id,
                          void (*cb)(const struct fp_webhook *w, void *ctx), void *ctx) {
  struct fp_webhook all[FP_WEBHOOKS_MAX];
  int n = 0, rc;
  fp_stmt *st = FP_DB_STMT(
      c, WEBHOOK_COLS " WHERE organisation_id = ? AND deleted_at IS NULL ORDER BY id", fp_int(organisation_id));
  if (!st) return FP_EIO;
  while ((rc = fp_step(st)) == FP_ROW && n < FP_WEBHOOKS_MAX)
    if ((rc = read_webhook(st, &all[n++])) != 0) break;
  fp_reset(st);
  if (rc != FP_DONE && rc != FP_ROW) return rc == FP_ETOOBIG ? rc : FP_EIO;
  for (int i = 0; i < n; i++) {
    if ((rc = webhook_events(c, all[i].id, &all[i].events)) != 0) return rc;
    cb(&all[i], ctx);
  }
  return 0;
}

int fp_store_webhook_delete(struct fp_conn *c, int64_t organisation_id, int64_t id, int64_t actor, int64_t now) {
  fp_stmt *st =
      FP_DB_STMT(c, "UPDATE webhooks SET deleted_at = ? WHERE id = ? AND organisation_id = ? AND deleted_at IS NULL",
          fp_int(now), fp_int(id), fp_int(organisation_id));
  if (!st) return FP_EIO;
  int rc = fp_db_exec_stmt(st);
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  /* Its queued deliveries are given up (a delivery already claimed finds the webhook gone). */
  st = FP_DB_STMT(c, "UPDATE outbox SET state = ? WHERE webhook_id = ? AND state = ?",
      fp_txt(fp_outbox_state_name(FP_OUTBOX_FAILED)), fp_int(id), fp_txt(fp_outbox_state_name(FP_OUTBOX_QUEUED)));
  if (!st) return FP_EIO;
  if ((rc = fp_db_exec_stmt(st)) != 0) return rc;
  return fp_store_audit(c, now, actor, "webhook.delete", "webhook", id, NULL, NULL);
}

/* A role code as JSON text: codes are lowercase letters, digits and underscores (h_pools.c checks
   custom ones where they come in); anything else would be written as null, never unescaped. */
static bool plain_code(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
  return true;
}

static int emit_each(struct fp_conn *c, const int64_t *hooks, size_t n, const char *event, int64_t shift_id,
                     int64_t booking_id, int64_t application_id, int64_t now);

/* The webhooks that want event (its name) about shift_id: the practice's own, and those of the hosts
   of the practice's pools (as many as there are: a practice may be in any number of pools). */
static fp_stmt *wanting_stmt(struct fp_conn *c, const char *event, int64_t shift_id) {
  return FP_DB_STMT(c,
      "SELECT DISTINCT w.id, CASE WHEN w.format = 'fhir' THEN 1 ELSE 0 END FROM shifts s JOIN webhooks w ON w.deleted_at IS NULL AND"
      " (w.organisation_id = s.practice_id OR w.organisation_id IN (SELECT p.host_organisation_id"
      " FROM pools p JOIN pool_members m ON m.pool_id = p.id WHERE m.organisation_id = s.practice_id))"
      " JOIN webhook_events we ON we.webhook_id = w.id AND we.event = ? WHERE s.id = ? ORDER BY w.id",
      fp_txt(event), fp_int(shift_id));
}

void fp_store_webhooks_prefetch(struct fp_conn *c, enum fp_webhook_event e, int64_t shift_id) {
  const char *event = fp_webhook_event_name(e);
  if (event) fp_db_prefetch(wanting_stmt(c, event, shift_id));
}

void fp_hook_list_release(struct fp_hook_list *l) {
  free(l->ids);
  memset(l, 0, sizeof *l);
}

int fp_store_webhooks_wanting(struct fp_conn *c, enum fp_webhook_event e, int64_t shift_id, struct fp_hook_list *out) {
  fp_hook_list_release(out);
  const char *event = fp_webhook_event_name(e);
  if (!event) return FP_EINVAL;
  out->event = e;
  fp_stmt *st = wanting_stmt(c, event, shift_id);
  if (!st) return FP_EIO;
  /* Each as its id, with its format in the sign (negative: FHIR). */
  int rc = 0, s;
  size_t cap = 0;
  while ((s = fp_step(st)) == FP_ROW) {
    if (out->n == cap) {
      size_t ncap = cap ? 2 * cap : 8;
      int64_t *more = realloc(out->ids, ncap * sizeof *more);
      if (!more) {
        rc = FP_ENOMEM;
        break;
      }
      out->ids = more;
      cap = ncap;
    }
    out->ids[out->n++] = fp_col_int64(st, 1) ? -fp_col_int64(st, 0) : fp_col_int64(st, 0);
  }
  fp_reset(st);
  if (!rc && s != FP_DONE) rc = FP_EIO;
  if (rc) fp_hook_list_release(out);
  return rc;
}

int fp_store_webhook_emit_to(struct fp_conn *c, const struct fp_hook_list *hooks, int64_t shift_id, int64_t booking_id,
                             int64_t application_id, int64_t now) {
  const char *event = fp_webhook_event_name(hooks->event);
  if (!event) return FP_EINVAL;
  if (hooks->n == 0) return 0; /* none asked: no more read */
  return emit_each(c, hooks->ids, hooks->n, event, shift_id, booking_id, application_id, now);
}

int fp_store_webhook_emit(struct fp_conn *c, enum fp_webhook_event e, int64_t shift_id, int64_t booking_id,
                          int64_t application_id, int64_t now) {
  struct fp_hook_list hooks = {0};
  int rc = fp_store_webhooks_wanting(c, e, shift_id, &hooks);
  if (!rc) rc = fp_store_webhook_emit_to(c, &hooks, shift_id, booking_id, application_id, now);
  fp_hook_list_release(&hooks);
  return rc;
}

/* fp_store_webhook_emit's delivery rows, one for each of the n webhooks. */
static int emit_each(struct fp_conn *c, const int64_t *hooks, size_t n, const char *event, int64_t shift_id,
                     int64_t booking_id, int64_t application_id, int64_t now) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT practice_id, role, starts_at, ends_at, status, pool_opens_at FROM shifts WHERE id = ?",
                           fp_int(shift_id));
  if (!st) return FP_EIO;
  int64_t practice_id = 0, starts_at = 0, ends_at = 0, pool_opens_at = 0;
  char role[64] = "", status[16] = "";
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    practice_id = fp_col_int64(st, 0);
    starts_at = fp_col_int64(st, 2);
    ends_at = fp_col_int64(st, 3);
    pool_opens_at = fp_col_int64(st, 5);
    rc = fp_db_col_copy(st, 1, role, sizeof role) || fp_db_col_copy(st, 4, status, sizeof status) ? FP_EIO : FP_ROW;
  }
  fp_reset(st);
  if (rc != FP_ROW) return FP_EIO;
  char created[FP_TIME_STRLEN], starts[FP_TIME_STRLEN], ends[FP_TIME_STRLEN], extra[96] = "";
  fp_time_format(now, created);
  fp_time_format(starts_at, starts);
  fp_time_format(ends_at, ends);
  if (booking_id) snprintf(extra, sizeof extra, ",\"booking_id\":%lld", (long long)booking_id);
  if (application_id)
    snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ",\"application_id\":%lld", (long long)application_id);
  /* The shift as a Slot, for the webhooks in FHIR (none when it is no Slot). */
  char slot[1024];
  struct fp_fhir_slot_facts facts = {shift_id, practice_id, role, FP_SHIFT_N_STATUSES, starts_at, ends_at, pool_opens_at};
  bool has_slot = fp_shift_status_parse(status, &facts.status) == 0 && fp_fhir_slot_json(&facts, now, slot, sizeof slot) == 0;
  for (size_t i = 0; i < n; i++) {
    char hex[33], event_id[40], body[1024];
    fp_store_outbox_random_hex(hex);
    snprintf(event_id, sizeof event_id, "evt_%s", hex);
    if (hooks[i] < 0) {
      if (has_slot && (rc = fp_store_outbox_put_webhook(c, -hooks[i], event, event_id, slot, now)) != 0) return rc;
      continue;
    }
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"type\":\"%s\",\"created_at\":\"%s\",\"data\":{\"shift_id\":%lld,\"practice_id\":%lld%s,"
             "\"role\":%s%s%s,\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"status\":\"%s\"}}",
             event_id, event, created, (long long)shift_id, (long long)practice_id, extra, plain_code(role) ? "\"" : "",
             plain_code(role) ? role : "null", plain_code(role) ? "\"" : "", starts, ends, plain_code(status) ? status : "");
    if ((rc = fp_store_outbox_put_webhook(c, hooks[i], event, event_id, body, now)) != 0) return rc;
  }
  return 0;
}

int fp_store_webhook_target(struct fp_conn *c, int64_t webhook_id, char *url, size_t url_len, char *secret,
                            size_t secret_len, enum fp_webhook_format *format, bool *live) {
  *live = false;
  *format = FP_HOOK_JSON;
  fp_stmt *st = FP_DB_STMT(c, "SELECT url, secret, deleted_at IS NULL, format FROM webhooks WHERE id = ?", fp_int(webhook_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) {
    rc = fp_db_col_copy(st, 0, url, url_len);
    if (!rc) rc = fp_db_col_copy(st, 1, secret, secret_len);
    *live = fp_col_int64(st, 2) != 0;
    if (!rc && fp_webhook_format_parse(fp_col_text(st, 3), format) != 0) rc = FP_EIO;
  } else {
    rc = rc == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  }
  fp_reset(st);
  return rc;
}

static void read_delivery(fp_stmt *st, struct fp_webhook_delivery *d) {
  memset(d, 0, sizeof *d);
  d->id = fp_col_int64(st, 0);
  d->webhook_id = fp_col_int64(st, 1);
  fp_db_col_copy(st, 2, d->event_id, sizeof d->event_id);
  fp_db_col_copy(st, 3, d->event, sizeof d->event);
  const char *state = fp_col_text(st, 4);
  for (int s = 0; s < FP_OUTBOX_STATES; s++)
    if (state && strcmp(state, fp_outbox_state_name((enum fp_outbox_state)s)) == 0) d->state = (enum fp_outbox_state)s;
  d->attempts = (int)fp_col_int64(st, 5);
  d->created_at = fp_col_int64(st, 6);
  d->sent_at = fp_col_int64(st, 7);
  d->last_attempt_at = fp_col_int64(st, 8);
  fp_db_col_copy(st, 9, d->last_detail, sizeof d->last_detail);
}

FP_ROW_ADAPTER(delivery, struct fp_webhook_delivery, read_delivery)

int fp_store_webhook_deliveries(struct fp_conn *c, int64_t organisation_id, int64_t before_id, int limit,
                                void (*cb)(const struct fp_webhook_delivery *d, void *ctx), void *ctx, bool *more) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT o.id, o.webhook_id, o.message_id, o.subject, o.state, o.attempts, o.created_at,"
      " COALESCE(o.sent_at, 0), COALESCE(a.at, 0), COALESCE(a.detail, '') FROM outbox o"
      " JOIN webhooks w ON w.id = o.webhook_id"
      " LEFT JOIN outbox_attempts a ON a.id = (SELECT MAX(a2.id) FROM outbox_attempts a2 WHERE a2.outbox_id = o.id)"
      " WHERE w.organisation_id = ? AND o.id < ? ORDER BY o.id DESC LIMIT ?",
      fp_int(organisation_id), fp_int(before_id > 0 ? before_id : INT64_MAX), fp_int(limit + 1));
  if (!st) return FP_EIO;
  struct delivery_cb x = {cb, ctx};
  return fp_step_rows(st, limit, delivery_row, &x, more);
}
