/*
 * The clinician passport's checks: pre-engagement checks done once, verified by the pool, enforced
 * at booking (the booking transaction itself lives in store/bookings.c and reads the same records).
 * Who sees a passport: see passport.h. The evidence files are in h_evidence.c, the access log and
 * placement grants in h_passport_grants.c, the catalogue and requirements in
 * h_passport_requirements.c.
 *
 *   GET  /api/v1/clinicians/{id}/passport[?on=DATE]: the checklist of the clinician's profession,
 *        each check's state on that day (default today), and whether they may book on it.
 *   POST /api/v1/passport/checks/{id}/verification {decision, note, issued_on, expires_on, ...}:
 *        the pool verifies or rejects a record (or corrects a decision); the clinician's future
 *        bookings are re-examined in the same transaction and flagged passport_lapsed when the
 *        passport no longer covers them.
 *   GET  /api/v1/passport/queue: submitted records awaiting the pool, oldest first.
 *   GET  /api/v1/pools/{id}/compliance: every member's compliance at a glance and who expires in
 *        the next 30/60/90 days; a commissioner gets the counts only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/passport.h"
#include "core/profession.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/passport.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/passport.h"
#include "store/places.h"

/* A growable array of n elements of size sz with room for one more, or NULL (then unchanged). */
static void *grow(void *arr, size_t n, size_t *cap, size_t sz) {
  if (n < *cap) return arr;
  size_t c = *cap ? *cap * 2 : 32;
  void *p = realloc(arr, c * sz);
  if (p) *cap = c;
  return p;
}

/* The catalogue, loaded once per request: all of it. */
struct catalogue {
  struct fp_check_type *types;
  size_t n, cap;
  int err;
};

static void add_type(const struct fp_check_type *t, void *ctx) {
  struct catalogue *cat = ctx;
  struct fp_check_type *nt = grow(cat->types, cat->n, &cat->cap, sizeof *nt);
  if (!nt) {
    cat->err = FP_ENOMEM;
    return;
  }
  cat->types = nt;
  cat->types[cat->n++] = *t;
}

static const struct fp_check_type *cat_find(const struct catalogue *cat, const char *code) {
  for (size_t i = 0; i < cat->n; i++)
    if (strcmp(cat->types[i].code, code) == 0) return &cat->types[i];
  return NULL;
}

/* GET /api/v1/clinicians/{id}/passport ----------------------------------------------------------- */

/*
 * The view: the decision (fp_store_passport_decide, the one the booking makes) and, for display,
 * every record of the clinician (read after the decision, so each record it used is among them).
 */
struct passport_view {
  struct fp_checks checks;
  struct fp_check_row *rows;
  size_t n_rows, cap_rows;
  int err;
  struct catalogue cat;
};

static void add_row(const struct fp_check_row *k, void *ctx) {
  struct passport_view *v = ctx;
  struct fp_check_row *nr = grow(v->rows, v->n_rows, &v->cap_rows, sizeof *nr);
  if (!nr) {
    v->err = FP_ENOMEM;
    return;
  }
  v->rows = nr;
  v->rows[v->n_rows++] = *k;
}

static const struct fp_check_row *row_by_id(const struct passport_view *v, int64_t id) {
  for (size_t i = 0; i < v->n_rows; i++)
    if (v->rows[i].id == id) return &v->rows[i];
  return NULL;
}

static void add_flag(const struct fp_register_flag *f, void *ctx) {
  json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:o, s:o}", "register", f->register_name, "status", f->status,
                                       "registration_number", f->registration_number, "detail",
                                       fp_json_str_or_null(f->detail), "imported_at", fp_json_time(f->imported_at)));
}

/* Evidence grouped under the record it belongs to. */
struct evidence_by_check {
  json_t *by_id; /* object: "<check id>" -> array */
};

static void group_evidence(const struct fp_evidence *e, void *ctx) {
  struct evidence_by_check *g = ctx;
  char key[24];
  snprintf(key, sizeof key, "%lld", (long long)e->check_id);
  json_t *arr = json_object_get(g->by_id, key);
  if (!arr) {
    arr = json_array();
    json_object_set_new(g->by_id, key, arr);
  }
  json_array_append_new(arr, fp_passport_evidence_json(e));
}

static json_t *evidence_for(struct evidence_by_check *g, int64_t check_id) {
  char key[24];
  snprintf(key, sizeof key, "%lld", (long long)check_id);
  json_t *arr = json_object_get(g->by_id, key);
  return arr ? json_incref(arr) : json_array();
}

/* One line of the checklist: the record that decides the code's state on `on` (the decision's
   own choice, fp_passport_pick over the decision's records), or none. */
static json_t *checklist_item(const struct passport_view *v, const char *code, bool required, bool baseline, fp_day on,
                              bool full, struct evidence_by_check *ev) {
  const struct fp_checks *k = &v->checks;
  const struct fp_check_type *t = cat_find(&v->cat, code);
  int i = fp_passport_pick(k->records, k->n_records, code, on);
  enum fp_check_state state = fp_check_state_on(i >= 0 ? &k->records[i] : NULL, on);
  const struct fp_check_row *row = i >= 0 ? row_by_id(v, k->record_ids[i]) : NULL;
  json_t *j;
  if (row) {
    j = fp_passport_record_json(row, full);
    json_object_set_new(j, "evidence", evidence_for(ev, row->id));
  } else {
    j = json_pack("{s:n, s:s, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:[]}", "id", "code", code, "status", "issued_on",
                  "expires_on", "reference", "update_service", "submitted_at", "verified_by", "verified_at", "evidence");
  }
  json_object_set_new(j, "name", json_string(t ? t->name : code));
  json_object_set_new(j, "required", json_boolean(required));
  json_object_set_new(j, "required_by", !required ? json_null() : json_string(baseline ? "baseline" : "pool"));
  json_object_set_new(j, "state", json_string(fp_check_state_name(state)));
  if (t) json_object_set_new(j, "validity", fp_passport_validity_json(t));
  /* A newer record awaiting the pool (a renewal) while an older one still decides. */
  int64_t pending = 0;
  for (size_t r = 0; r < v->n_rows; r++)
    if ((!row || v->rows[r].id > row->id) && strcmp(v->rows[r].code, code) == 0 &&
        strcmp(v->rows[r].status, "submitted") == 0) {
      pending = v->rows[r].id;
      break;
    }
  json_object_set_new(j, "pending_id", fp_json_id(pending));
  return j;
}

static json_t *missing_json(const struct fp_elig_result *res) {
  json_t *missing = json_array();
  for (size_t i = 0; i < res->n_missing; i++) json_array_append_new(missing, json_string(res->missing[i]));
  return missing;
}

/* Whether the passport meets each of the clinician's pools' requirements on `on`. */
static int pools_json(struct fp_conn *c, int64_t id, const char *profession, const int64_t *pools, size_t n, fp_day on,
                      json_t *out) {
  struct fp_checks k;
  fp_checks_init(&k);
  int rc = 0;
  for (size_t i = 0; !rc && i < n; i++) {
    struct fp_elig_result res;
    if ((rc = fp_store_passport_decide(c, id, profession, &pools[i], 1, on, &k, &res)) != 0) break;
    json_array_append_new(out, json_pack("{s:I, s:b, s:o}", "pool_id", (json_int_t)pools[i], "bookable", res.bookable,
                                         "missing", missing_json(&res)));
  }
  fp_checks_release(&k);
  return rc;
}

void fp_h_passport_get(struct fp_req *r) {
  int64_t id = r->params[0];
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c) return;
  struct fp_passport_access a;
  fp_day on;
  int64_t only_pool = 0;
  if (fp_passport_on_day_or_respond(r, &on) || fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &only_pool) ||
      fp_passport_access_or_respond(r, c, id, false, &a))
    return;
  char name[201], profession[48];
  int64_t *pools = NULL;
  size_t n_pools = 0;
  int rc = fp_store_clinician_brief(c, id, name, sizeof name, profession, sizeof profession);
  if (!rc) rc = fp_store_clinician_pools(c, id, 0, &pools, &n_pools);
  if (rc) {
    free(pools);
    fp_reply_store_error(r, rc);
    return;
  }
  /* ?pool_id: the passport against that one pool's requirements (one of the clinician's). */
  const int64_t *decide_in = pools;
  size_t n_decide = n_pools;
  if (only_pool) {
    bool member = false;
    for (size_t i = 0; i < n_pools; i++) member = member || pools[i] == only_pool;
    if (!member) {
      free(pools);
      fp_reply_error(r, FP_API_INVALID_PARAMETER, "pool_id", "the clinician is not a member of pool %lld",
                     (long long)only_pool);
      return;
    }
    decide_in = &only_pool;
    n_decide = 1;
  }
  if (fp_passport_log_view_or_respond(r, &a, id, "passport", 0, 0)) {
    free(pools);
    return;
  }
  struct passport_view *v = calloc(1, sizeof *v);
  if (!v) {
    free(pools);
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  json_t *flags = json_array(), *by_pool = json_array();
  struct evidence_by_check ev = {json_object()};
  struct fp_elig_result res;
  rc = fp_store_passport_decide(c, id, profession, decide_in, n_decide, on, &v->checks, &res);
  if (!rc) rc = fp_store_checks_of(c, id, add_row, v);
  if (!rc) rc = v->err;
  if (!rc) rc = fp_store_check_types(c, add_type, &v->cat);
  if (!rc) rc = v->cat.err;
  if (!rc) rc = fp_store_evidence_of(c, id, group_evidence, &ev);
  if (!rc) rc = fp_store_register_flags_of(c, id, add_flag, flags);
  if (!rc) rc = pools_json(c, id, profession, pools, n_pools, on, by_pool);
  json_t *out = NULL;
  if (!rc) {
    const struct fp_checks *k = &v->checks;
    bool full = !a.practice;
    json_t *items = json_array();
    for (size_t i = 0; i < k->n_required; i++)
      json_array_append_new(items, checklist_item(v, k->required[i], true, k->from_baseline[i], on, full, &ev));
    /* Records of checks not (or no longer) required, once each. */
    for (size_t i = 0; i < v->n_rows; i++) {
      bool seen = false;
      for (size_t q = 0; q < k->n_required && !seen; q++) seen = strcmp(k->required[q], v->rows[i].code) == 0;
      for (size_t q = 0; q < i && !seen; q++) seen = strcmp(v->rows[q].code, v->rows[i].code) == 0;
      if (!seen) json_array_append_new(items, checklist_item(v, v->rows[i].code, false, false, on, full, &ev));
    }
    out = json_pack("{s:I, s:{s:I, s:s, s:s}, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:s}", "clinician_id", (json_int_t)id,
                    "clinician", "id", (json_int_t)id, "name", name, "profession", profession, "on", fp_json_date(on),
                    "bookable", res.bookable, "missing", missing_json(&res), "pool_id", fp_json_id(k->pool_id),
                    "pools", json_incref(by_pool), "checks", items, "register_flags", json_incref(flags), "viewed_as",
                    a.basis);
  }
  json_decref(flags);
  json_decref(by_pool);
  json_decref(ev.by_id);
  fp_checks_release(&v->checks);
  free(v->rows);
  free(v->cat.types);
  free(v);
  free(pools);
  if (rc) fp_reply_store_error(r, rc);
  else fp_reply_json(r, 200, out);
}

/* POST /api/v1/passport/checks/{id}/verification ------------------------------------------------ */

struct verify_tx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  struct fp_check_row before, after;
  struct fp_reexam reexam;
};

static int verify_tx_fn(struct fp_conn *c, void *vctx) {
  struct verify_tx *x = vctx;
  int rc = fp_store_check_decide(c, &x->before, &x->after, x->actor.user_id, x->actor.now);
  if (rc) return rc;
  /* Bookings already made are re-examined now, in the same transaction: flagged, never dropped. */
  return fp_store_passport_reexamine(c, x->before.clinician_id, x->actor.now, x->actor.user_id, &x->reexam);
}

static const char *const DECISIONS[] = {"verify", "reject", NULL};

void fp_h_passport_verify(struct fp_req *r) {
  const char *decision = NULL, *note = NULL, *reference = NULL, *us = NULL;
  fp_day issued = FP_DAY_NONE, expires = FP_DAY_NONE;
  bool has_issued = false, has_expires = false, has_ref = false, has_us = false;
  struct fp_field spec[] = {
      {"decision", FP_F_ENUM, true, 0, 0, DECISIONS, &decision, NULL},
      {"note", FP_F_STRING, false, 1, 500, NULL, &note, NULL},
      {"issued_on", FP_F_DATE, false, 0, 0, NULL, &issued, &has_issued},
      {"expires_on", FP_F_DATE, false, 0, 0, NULL, &expires, &has_expires},
      {"reference", FP_F_STRING, false, 0, 100, NULL, &reference, &has_ref},
      {"update_service", FP_F_ENUM, false, 0, 0, FP_PASSPORT_UPDATE_SERVICE, &us, &has_us},
      FP_FIELD_END,
  };
  if (fp_body_fields_or_respond(r, spec)) return;
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c) return;
  struct verify_tx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
  int rc = fp_store_check_get(c, r->params[0], &x.before);
  if (fp_found_or_respond(r, rc, "check record", r->params[0])) return;
  struct fp_passport_access a;
  if (fp_passport_access_or_respond(r, c, x.before.clinician_id, true, &a)) return;
  if (a.rel.self) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "nobody verifies their own checks");
    return;
  }
  bool verify = strcmp(decision, "verify") == 0;
  if (!verify && !note) {
    fp_reply_error(r, FP_API_MISSING_FIELD, "note", "'note' is required to reject: the clinician is told the reason");
    return;
  }
  struct fp_check_type t;
  if ((rc = fp_store_check_type_get(c, x.before.code, &t)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  x.after = x.before;
  snprintf(x.after.status, sizeof x.after.status, "%s", verify ? "verified" : "rejected");
  if (has_issued) x.after.issued_on = issued;
  if (has_ref) snprintf(x.after.reference, sizeof x.after.reference, "%s", reference);
  if (has_us) snprintf(x.after.update_service, sizeof x.after.update_service, "%s", us);
  snprintf(x.after.note, sizeof x.after.note, "%s", note ? note : "");
  if (verify) {
    /* The pool's expiry wins; a corrected issue date recomputes a fixed period from scratch. */
    fp_day stated = has_expires ? expires : (has_issued && t.validity == FP_VALIDITY_PERIOD ? FP_DAY_NONE : x.before.expires_on);
    if (x.after.issued_on != FP_DAY_NONE && x.after.issued_on > fp_passport_today(r)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "issued_on", "'issued_on' is in the future");
      return;
    }
    switch (fp_check_expiry(t.validity, t.renewal_months, x.after.issued_on, stated, &x.after.expires_on)) {
    case FP_EXPIRY_OK: break;
    case FP_EXPIRY_NEEDS_ISSUED:
      fp_reply_error(r, FP_API_MISSING_FIELD, "issued_on", "'issued_on' is needed to verify %s", t.code);
      return;
    case FP_EXPIRY_NEEDS_EXPIRY:
      fp_reply_error(r, FP_API_MISSING_FIELD, "expires_on", "'expires_on' is needed to verify %s", t.code);
      return;
    case FP_EXPIRY_BEFORE_ISSUE:
      fp_reply_error(r, FP_API_INVALID_FIELD, "expires_on", "'expires_on' is before 'issued_on'");
      return;
    }
  } else if (has_expires) {
    x.after.expires_on = expires;
  }
  rc = fp_store_write(r->app->store, verify_tx_fn, &x);
  struct fp_check_row k;
  if (!rc) rc = fp_store_check_get(c, x.before.id, &k);
  if (rc) {
    fp_reexam_release(&x.reexam);
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *j = fp_passport_record_json(&k, true);
  json_t *flagged = json_array();
  for (int i = 0; i < x.reexam.n_ids; i++) json_array_append_new(flagged, json_integer(x.reexam.flagged_ids[i]));
  json_object_set_new(j, "lapsed_booking_ids", flagged);
  json_object_set_new(j, "restored_bookings", json_integer(x.reexam.n_cleared));
  fp_reexam_release(&x.reexam);
  fp_reply_json(r, 200, j);
}

/* GET /api/v1/passport/queue -------------------------------------------------------------------- */

struct queue_state {
  struct fp_conn *c;
  json_t *items;
  int err;
};

static void add_queued(const struct fp_check_row *k, void *ctx) {
  struct queue_state *q = ctx;
  json_t *j = fp_passport_record_json(k, true);
  json_object_set_new(j, "clinician", json_pack("{s:I, s:s, s:s}", "id", (json_int_t)k->clinician_id, "name",
                                                k->clinician_name, "profession", k->profession));
  json_t *evs = json_array();
  int rc = fp_store_evidence_of_check(q->c, k->id, fp_passport_add_evidence, evs);
  if (rc) q->err = rc;
  json_object_set_new(j, "evidence", evs);
  json_array_append_new(q->items, j);
}

void fp_h_passport_queue(struct fp_req *r) {
  bool sysadmin = fp_auth_has(&r->auth, FP_ROLE_SYSADMIN);
  if (!sysadmin && !fp_auth_has(&r->auth, FP_ROLE_POOL_ADMIN)) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "the verification queue is the pool administrators'");
    return;
  }
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  struct fp_queue_query q;
  memset(&q, 0, sizeof q);
  q.scope = &scope;
  static const char *const SORTS[] = {"oldest", "newest", "name", NULL};
  struct fp_list_params lp;
  if (fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &q.pool_id) || fp_list_params_or_respond(r, SORTS, &lp) ||
      fp_profession_param_or_respond(r, &q.profession))
    return;
  q.q = lp.q;
  q.sort = (enum fp_queue_sort)lp.sort;
  q.limit = lp.limit;
  q.after = lp.after;
  q.code = fp_req_query(r, "code");
  if (q.code && (!*q.code || strlen(q.code) > 47)) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "code", "'code' must be 1 to 47 characters");
    return;
  }
  if (q.pool_id && !sysadmin && !fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, q.pool_id)) {
    fp_reply_error(r, FP_API_FORBIDDEN, "pool_id", "you do not administer pool %lld", (long long)q.pool_id);
    return;
  }
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c) return;
  struct queue_state qs = {c, json_array(), 0};
  bool more = false;
  struct fp_list_pos last = {0};
  int rc = fp_store_queue(c, &q, add_queued, &qs, &more, &last);
  struct fp_page page = {.items = qs.items};
  fp_reply_list(r, &page, rc ? rc : qs.err, more, &lp, &last);
}

/* GET /api/v1/pools/{id}/compliance ------------------------------------------------------------- */

/* One member's place in the compliance list, kept for every member so the list can be filtered and sorted. */
struct comply_row {
  int64_t id;
  char name[201];
  char key[256];              /* the name lower-cased (ASCII), as the other lists' name keys */
  char profession[48];
  bool bookable;
  fp_day soonest;             /* the first required check to end, FP_DAY_NONE when none does */
  int64_t num;                /* the numeric sort key under the list's sort */
};

enum comply_sort { COMPLY_ATTENTION, COMPLY_NAME, COMPLY_NEXT_EXPIRY };

struct compliance {
  struct fp_conn *c;
  fp_day on;
  int within;                 /* items: only those with a check ending within this many days (0: all) */
  bool detail;                /* items at all (not for a commissioner) */
  int err;
  int64_t pool_id;
  struct fp_checks checks;
  struct comply_row *rows;
  size_t n_rows, cap_rows;
  /* Counts. */
  int clinicians, compliant, within30, within60, within90;
  int by_state[FP_STATE_REJECTED + 1];
};

/* What the booking decides for one member and how their required checks stand, into counts and *soonest. */
static int comply_decide(struct compliance *x, int64_t id, const char *profession, struct fp_elig_result *res,
                         int counts[FP_STATE_REJECTED + 1], fp_day *soonest, json_t *expiring) {
  int rc = fp_store_passport_decide(x->c, id, profession, &x->pool_id, 1, x->on, &x->checks, res);
  if (rc) return rc;
  struct fp_checks *k = &x->checks;
  *soonest = FP_DAY_NONE;
  for (int s = 0; s <= FP_STATE_REJECTED; s++) counts[s] = 0;
  for (size_t i = 0; i < k->n_required; i++) {
    int p = fp_passport_pick(k->records, k->n_records, k->required[i], x->on);
    const struct fp_check_record *rec = p >= 0 ? &k->records[p] : NULL;
    enum fp_check_state s = fp_check_state_on(rec, x->on);
    counts[s]++;
    if (rec && (s == FP_STATE_VERIFIED || s == FP_STATE_EXPIRING_SOON) && rec->expires_on != FP_DAY_NONE) {
      if (*soonest == FP_DAY_NONE || rec->expires_on < *soonest) *soonest = rec->expires_on;
      if (expiring && fp_expires_within(rec->expires_on, x->on, 90))
        json_array_append_new(expiring, json_pack("{s:s, s:o}", "code", k->required[i], "expires_on",
                                                  fp_json_date(rec->expires_on)));
    }
  }
  return 0;
}

static void comply_one(int64_t id, const char *name, const char *profession, void *ctx) {
  struct compliance *x = ctx;
  if (x->err) return;
  struct fp_elig_result res;
  int counts[FP_STATE_REJECTED + 1];
  fp_day soonest;
  int rc = comply_decide(x, id, profession, &res, counts, &soonest, NULL);
  if (rc) {
    x->err = rc;
    return;
  }
  x->clinicians++;
  if (res.bookable) x->compliant++;
  for (int s = 0; s <= FP_STATE_REJECTED; s++) x->by_state[s] += counts[s];
  x->within30 += soonest != FP_DAY_NONE && fp_expires_within(soonest, x->on, 30);
  x->within60 += soonest != FP_DAY_NONE && fp_expires_within(soonest, x->on, 60);
  x->within90 += soonest != FP_DAY_NONE && fp_expires_within(soonest, x->on, 90);
  if (!x->detail) return;
  if (x->n_rows == x->cap_rows) {
    size_t cap = x->cap_rows ? x->cap_rows * 2 : 256;
    struct comply_row *nr = realloc(x->rows, cap * sizeof *nr);
    if (!nr) {
      x->err = FP_ENOMEM;
      return;
    }
    x->rows = nr;
    x->cap_rows = cap;
  }
  struct comply_row *row = &x->rows[x->n_rows++];
  memset(row, 0, sizeof *row);
  row->id = id;
  snprintf(row->name, sizeof row->name, "%s", name);
  snprintf(row->key, sizeof row->key, "%s", name);
  for (char *p = row->key; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  snprintf(row->profession, sizeof row->profession, "%s", profession);
  row->bookable = res.bookable;
  row->soonest = soonest;
}

/* Every sort orders by (num, key, id), ascending. */
static int comply_cmp(const void *va, const void *vb) {
  const struct comply_row *a = va, *b = vb;
  if (a->num != b->num) return a->num < b->num ? -1 : 1;
  int c = strcmp(a->key, b->key);
  if (c) return c;
  return a->id < b->id ? -1 : a->id > b->id;
}

static bool comply_after(const struct comply_row *row, const struct fp_list_pos *after) {
  if (!after->set) return true;
  struct comply_row at = {.id = after->id, .num = after->num};
  snprintf(at.key, sizeof at.key, "%s", after->text);
  return comply_cmp(row, &at) > 0;
}

/* Whether a member's name holds q, ignoring ASCII case (as the lists' SQL search does). */
static bool name_has(const char *key, const char *q) {
  char lq[101];
  size_t n = 0;
  for (; q[n] && n < sizeof lq - 1; n++) lq[n] = q[n] >= 'A' && q[n] <= 'Z' ? (char)(q[n] - 'A' + 'a') : q[n];
  lq[n] = 0;
  return strstr(key, lq) != NULL;
}

/* The page's item for one member: the booking's decision and the state of each required check. */
static json_t *comply_item(struct compliance *x, const struct comply_row *row) {
  struct fp_elig_result res;
  int counts[FP_STATE_REJECTED + 1];
  fp_day soonest;
  json_t *expiring = json_array();
  int rc = comply_decide(x, row->id, row->profession, &res, counts, &soonest, expiring);
  if (rc) {
    x->err = rc;
    json_decref(expiring);
    return NULL;
  }
  json_t *missing = json_array();
  for (size_t i = 0; i < res.n_missing; i++) json_array_append_new(missing, json_string(res.missing[i]));
  json_t *states = json_object();
  for (int s = 0; s <= FP_STATE_REJECTED; s++)
    json_object_set_new(states, fp_check_state_name((enum fp_check_state)s), json_integer(counts[s]));
  return json_pack("{s:I, s:s, s:s, s:b, s:o, s:o, s:o, s:o}", "clinician_id", (json_int_t)row->id, "name", row->name,
                   "profession", row->profession, "bookable", res.bookable, "missing", missing, "states", states,
                   "next_expiry", fp_passport_date_or_null(soonest), "expiring", expiring);
}

static void compliance_free(struct compliance *x) {
  fp_checks_release(&x->checks);
  free(x->rows);
  free(x);
}

void fp_h_pool_compliance(struct fp_req *r) {
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c) return;
  struct fp_pool p;
  int rc = fp_store_pool_get(c, r->params[0], &p);
  if (fp_found_or_respond(r, rc, "pool", r->params[0])) return;
  bool detail = fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) || fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, p.id);
  bool counts = detail || (p.icb_id && fp_auth_has_for(&r->auth, FP_ROLE_COMMISSIONER, p.icb_id));
  if (!counts) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the pool's administrators and its ICB's commissioners see its compliance");
    return;
  }
  static const char *const SORTS[] = {"attention", "name", "next_expiry", NULL};
  struct fp_list_params lp;
  const char *profession = NULL;
  int64_t within = 0;
  fp_day on;
  if (fp_passport_on_day_or_respond(r, &on) || fp_query_int_or_respond(r, "within", 1, 366, &within) ||
      fp_list_params_or_respond(r, SORTS, &lp) || fp_profession_param_or_respond(r, &profession))
    return;
  const char *state = fp_req_query(r, "state");
  if (state && strcmp(state, "compliant") != 0 && strcmp(state, "not_compliant") != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "state", "'state' must be compliant or not_compliant");
    return;
  }
  struct compliance *x = calloc(1, sizeof *x);
  if (!x) {
    fp_reply_store_error(r, FP_ENOMEM);
    return;
  }
  x->c = c;
  x->pool_id = p.id;
  x->detail = detail;
  x->on = on;
  x->within = (int)within;
  rc = fp_store_pool_clinicians(c, p.id, comply_one, x);
  if (rc || x->err) {
    fp_reply_store_error(r, rc ? rc : x->err);
    compliance_free(x);
    return;
  }
  json_t *states = json_object();
  for (int s = 0; s <= FP_STATE_REJECTED; s++)
    json_object_set_new(states, fp_check_state_name((enum fp_check_state)s), json_integer(x->by_state[s]));
  json_t *summary = json_pack("{s:i, s:i, s:i, s:{s:i, s:i, s:i}, s:o}", "clinicians", x->clinicians, "compliant",
                              x->compliant, "not_compliant", x->clinicians - x->compliant, "expiring_within", "30",
                              x->within30, "60", x->within60, "90", x->within90, "checks_by_state", states);
  json_t *out = json_pack("{s:I, s:s, s:o, s:o}", "pool_id", (json_int_t)p.id, "pool_name", p.name, "on",
                          fp_json_date(x->on), "summary", summary);
  if (!detail) {
    compliance_free(x);
    fp_reply_json(r, 200, out);
    return;
  }
  /* The filters, then the sort, over every member; the page is built for the rows it shows only. */
  size_t n = 0;
  for (size_t i = 0; i < x->n_rows; i++) {
    struct comply_row *row = &x->rows[i];
    if (x->within && (row->soonest == FP_DAY_NONE || !fp_expires_within(row->soonest, x->on, x->within))) continue;
    if (profession && strcmp(row->profession, profession) != 0) continue;
    if (state && (strcmp(state, "compliant") == 0) != row->bookable) continue;
    if (lp.q && !name_has(row->key, lp.q)) continue;
    int64_t expiry = row->soonest == FP_DAY_NONE ? INT32_MAX : row->soonest;
    switch ((enum comply_sort)lp.sort) {
    case COMPLY_ATTENTION: row->num = (row->bookable ? (int64_t)1 << 40 : 0) + expiry; break; /* not compliant first */
    case COMPLY_NAME: row->num = 0; break;
    case COMPLY_NEXT_EXPIRY: row->num = expiry; break;
    }
    x->rows[n++] = *row;
  }
  qsort(x->rows, n, sizeof *x->rows, comply_cmp);
  json_t *items = json_array();
  struct fp_list_pos last = {0};
  bool more = false;
  int shown = 0;
  for (size_t i = 0; i < n && !x->err; i++) {
    const struct comply_row *row = &x->rows[i];
    if (!comply_after(row, &lp.after)) continue;
    if (shown == lp.limit) {
      more = true;
      break;
    }
    json_t *item = comply_item(x, row);
    if (item) json_array_append_new(items, item);
    last.set = true;
    last.num = row->num;
    snprintf(last.text, sizeof last.text, "%s", row->key);
    last.id = row->id;
    shown++;
  }
  if (x->err) {
    json_decref(items);
    json_decref(out);
    fp_reply_store_error(r, x->err);
    compliance_free(x);
    return;
  }
  char cursor[640];
  if (more) fp_list_cursor(cursor, sizeof cursor, lp.sort_name, &last);
  json_object_set_new(out, "items", items);
  json_object_set_new(out, "next_cursor", more ? json_string(cursor) : json_null());
  compliance_free(x);
  fp_reply_json(r, 200, out);
}

