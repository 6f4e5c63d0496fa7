/*
 * A practice's favourite and blocked clinicians (issue 12), kept by the practice's own managers only:
 *   GET    /api/v1/organisations/{id}/favourites, /blocked             a page, the newest first;
 *   PUT    /api/v1/organisations/{id}/favourites/{clinician_id}, ...   marks one (replacing the other mark);
 *   DELETE /api/v1/organisations/{id}/favourites/{clinician_id}, ...   removes the mark.
 * Anyone but a manager of that practice (another practice's manager, a pool administrator, a system
 * administrator) is answered 403: the write is scoped by the caller's own organisation, not their role.
 * A clinician can be marked only when they are in one of the practice's pools (else 404). A blocked
 * clinician never sees the practice's shifts and cannot book or apply for them (src/store/scope.c);
 * blocking withdraws the practice's open offers to them (src/store/offers.h).
 */
#include <string.h>

#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/db.h"
#include "store/marks.h"
#include "store/offers.h"

static json_t *mark_json(const struct fp_mark *m) {
  return json_pack("{s:o, s:o, s:s, s:s, s:s, s:o}", "practice_id", fp_json_id(m->practice_id), "clinician_id",
                   fp_json_id(m->clinician_id), "kind", fp_mark_kind_name(m->kind), "clinician_name", m->clinician_name,
                   "profession", m->profession, "added_at", fp_json_time(m->added_at));
}

/* The practice params[0] when the caller manages it; else answers 403 and -1. */
static int own_practice_or_respond(struct fp_req *r) {
  if (fp_auth_has_for(&r->auth, FP_ROLE_PRACTICE_MANAGER, r->params[0])) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the practice's own managers keep its favourites and blocked list");
  return -1;
}

static struct fp_conn *reader_or_respond(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
  return c;
}

static void add_mark(const struct fp_mark *m, void *ctx) { fp_page_add(ctx, mark_json(m), m->added_at, m->clinician_id); }

static void list(struct fp_req *r, enum fp_mark_kind kind) {
  int limit = 50;
  int64_t at = 0, id = 0;
  bool has_cursor = false;
  if (own_practice_or_respond(r) || fp_limit_or_respond(r, &limit) || fp_cursor_parse_or_respond(r, &at, &id, &has_cursor))
    return;
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct fp_page ps;
  fp_page_init(&ps, NULL);
  bool more = false;
  int rc = fp_store_mark_list(c, r->params[0], kind, has_cursor, at, id, limit, add_mark, &ps, &more);
  fp_reply_page(r, &ps, rc, more, true);
}

void fp_h_favourites(struct fp_req *r) { list(r, FP_MARK_FAVOURITE); }
void fp_h_blocked(struct fp_req *r) { list(r, FP_MARK_BLOCKED); }

struct mark_tx {
  int64_t practice_id, clinician_id, actor, now;
  enum fp_mark_kind kind;
  bool clear, changed;
};

/* Sets or clears the mark; never replies. */
static int mark_tx_fn(struct fp_conn *c, void *vctx) {
  struct mark_tx *x = vctx;
  if (x->clear) return fp_store_mark_clear(c, x->practice_id, x->clinician_id, x->kind, x->actor, x->now);
  int rc = fp_store_mark_set(c, x->practice_id, x->clinician_id, x->kind, x->actor, x->now, &x->changed);
  /* A blocked clinician never gets the practice's offers: those they hold are taken back. */
  if (!rc && x->kind == FP_MARK_BLOCKED)
    rc = fp_store_offers_withdraw_for_clinician(c, x->practice_id, x->clinician_id, x->actor, x->now);
  return rc;
}

static void set(struct fp_req *r, enum fp_mark_kind kind) {
  if (own_practice_or_respond(r)) return;
  if (r->body_len && fp_req_json_or_respond(r)) return;
  if (r->json) {
    struct fp_field spec[] = {FP_FIELD_END};
    if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  }
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  bool in_pools = false;
  int rc = fp_store_clinician_in_practice_pools(c, r->params[1], r->params[0], &in_pools);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (!in_pools) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "clinician %lld is not in any of this practice's pools",
                   (long long)r->params[1]);
    return;
  }
  struct mark_tx x = {r->params[0], r->params[1], r->auth.user_id, r->now, kind, false, false};
  rc = fp_store_write(r->app->store, mark_tx_fn, &x);
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_LIMIT_REACHED, NULL, "a practice keeps at most %d %s clinicians", FP_MARKS_MAX,
                   kind == FP_MARK_BLOCKED ? "blocked" : "favourite");
    return;
  }
  struct fp_mark m;
  if (!rc) rc = fp_store_mark_get(c, r->params[0], r->params[1], &m);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, mark_json(&m));
}

void fp_h_favourite_put(struct fp_req *r) { set(r, FP_MARK_FAVOURITE); }
void fp_h_blocked_put(struct fp_req *r) { set(r, FP_MARK_BLOCKED); }

static void clear(struct fp_req *r, enum fp_mark_kind kind) {
  if (own_practice_or_respond(r)) return;
  struct mark_tx x = {r->params[0], r->params[1], r->auth.user_id, r->now, kind, true, false};
  int rc = fp_store_write(r->app->store, mark_tx_fn, &x);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "clinician %lld is not %s by this practice", (long long)r->params[1],
                   kind == FP_MARK_BLOCKED ? "blocked" : "a favourite");
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_empty(r);
}

void fp_h_favourite_delete(struct fp_req *r) { clear(r, FP_MARK_FAVOURITE); }
void fp_h_blocked_delete(struct fp_req *r) { clear(r, FP_MARK_BLOCKED); }
