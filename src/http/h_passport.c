/*
 * The clinician passport: pre-engagement checks done once, verified by the pool, enforced at
 * booking (the booking transaction itself lives in store/bookings.c and reads the same records).
 *
 *   GET  /api/v1/clinicians/{id}/passport[?on=DATE]: the checklist of the clinician's profession,
 *        each check's state on that day (default today), and whether they may book on it.
 *   POST /api/v1/clinicians/{id}/passport/evidence: multipart/form-data (file, check_code,
 *        issued_on, expires_on, reference, update_service; or check_id to add a file to a record
 *        awaiting verification). The file's type is decided by its first bytes (PDF, JPEG, PNG),
 *        at most 10 MB; it is stored once per content under <data-dir>/evidence/.
 *   GET  /api/v1/evidence/{id}: the file, as an attachment.
 *   POST /api/v1/passport/checks/{id}/verification {decision, note, issued_on, expires_on, ...}:
 *        the pool verifies or rejects a record (or corrects a decision); the clinician's future
 *        bookings are re-examined in the same transaction and flagged passport_lapsed when the
 *        passport no longer covers them.
 *   GET  /api/v1/passport/queue: submitted records awaiting the pool, oldest first.
 *   GET  /api/v1/pools/{id}/compliance: every member's compliance at a glance and who expires in
 *        the next 30/60/90 days; a commissioner gets the counts only.
 *   GET  /api/v1/clinicians/{id}/passport/access-log: who looked at the passport and when.
 *   GET|POST /api/v1/clinicians/{id}/passport/grants, DELETE /api/v1/passport/grants/{id}:
 *        a host organisation's read access for a placement. A grant is given by an administrator
 *        of a pool the clinician is a member of (the grant names that pool), to a practice or a
 *        PCN (all its practices) in the pool's ICB, from today for at most 12 months; it stops
 *        giving access when the clinician leaves the pool. The clinician sees every grant.
 *   GET  /api/v1/passport/check-types, GET|PUT|DELETE /api/v1/passport/requirements: the
 *        catalogue and what each profession requires.
 *
 * Who sees a passport: the clinician; a system administrator; the administrator of a pool the
 * clinician belongs to (or asked to join), who also verifies; a practice manager of a practice
 * with a live relationship to the clinician (store/access.h: an open application, a confirmed
 * booking, a session worked there in the last --passport-access-months, a current grant), who
 * sees a summary and may open the evidence. A commissioner sees compliance as counts only. Every
 * view of a passport or of evidence is appended to the access log with the reason it was allowed,
 * in a transaction of its own before anything is shown: no log, no view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/passport.h"
#include "core/profession.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/multipart.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/passport.h"
#include "store/places.h"

#define GRANT_MAX_MONTHS 12          /* a placement grant lasts at most this long, from the day it is given */

static fp_day today_of(const struct fp_req *r) { return fp_uk_day(r->now); }

static json_t *date_or_null(fp_day d) { return d == FP_DAY_NONE ? json_null() : fp_json_date(d); }

/* Access ---------------------------------------------------------------------------------------- */

/* How the caller comes to see a clinician's passport. */
struct access {
  const char *basis;          /* self, sysadmin, pool_admin, practice_manager */
  const char *reason;         /* why a pool or practice may look (store/access.h), NULL otherwise */
  bool manage;                /* may verify and grant: sysadmin or the pool's administrator */
  bool practice;              /* a practice's summary view */
  int64_t organisation_id, pool_id;
  struct fp_passport_relation rel;
};

/*
 * Works out the caller's access to clinician_id's passport. Answers 404 when the clinician does
 * not exist or the caller has no relation to them, 403 for a commissioner (counts only) or when
 * `need_manage` and the caller only reads.
 */
static int access_or_respond(struct fp_req *r, struct fp_conn *c, int64_t clinician_id, bool need_manage,
                             struct access *a) {
  memset(a, 0, sizeof *a);
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, &scope);
  struct fp_access_clock clock;
  fp_access_clock_of(r, &clock);
  int rc = fp_store_passport_relation(c, clinician_id, &scope, &clock, &a->rel);
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  if (a->rel.exists) {
    if (a->rel.sysadmin) a->basis = "sysadmin", a->manage = true;
    else if (a->rel.pool_id)
      a->basis = "pool_admin", a->manage = true, a->pool_id = a->rel.pool_id, a->reason = a->rel.pool_via;
    else if (a->rel.self) a->basis = "self";
    else if (a->rel.practice_id)
      a->basis = "practice_manager", a->practice = true, a->organisation_id = a->rel.practice_id,
      a->reason = a->rel.practice_via;
  }
  if (!a->basis) {
    if (a->rel.exists && a->rel.commissioner)
      fp_reply_error(r, FP_API_FORBIDDEN, NULL,
                     "commissioners see passport compliance as counts only (GET /api/v1/pools/{id}/compliance)");
    else
      fp_reply_error(r, FP_API_NOT_FOUND, NULL, "clinician %lld not found", (long long)clinician_id);
    return -1;
  }
  if (need_manage && !a->manage) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the clinician's pool administrator can do this");
    return -1;
  }
  return 0;
}

struct log_ctx {
  struct fp_access_entry e;
};

static int log_tx(struct fp_conn *c, void *vctx) { return fp_store_access_log_add(c, &((struct log_ctx *)vctx)->e); }

/* Appends the view to the access log before anything is shown. */
static int log_view_or_respond(struct fp_req *r, const struct access *a, int64_t clinician_id, const char *what,
                               int64_t check_id, int64_t evidence_id) {
  struct log_ctx x;
  memset(&x, 0, sizeof x);
  x.e.at = r->now;
  x.e.viewer_user_id = r->auth.user_id;
  x.e.clinician_id = clinician_id;
  snprintf(x.e.what, sizeof x.e.what, "%s", what);
  x.e.check_id = check_id;
  x.e.evidence_id = evidence_id;
  snprintf(x.e.basis, sizeof x.e.basis, "%s", a->basis);
  snprintf(x.e.reason, sizeof x.e.reason, "%s", a->reason ? a->reason : "");
  x.e.organisation_id = a->organisation_id;
  x.e.pool_id = a->pool_id;
  int rc = fp_store_write(r->app->store, log_tx, &x);
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

static struct fp_conn *reader_or_respond(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
  return c;
}

/* ?on=YYYY-MM-DD, default today. */
static int on_day_or_respond(struct fp_req *r, fp_day *on) {
  const char *s = fp_req_query(r, "on");
  *on = today_of(r);
  if (s && fp_date_parse(s, on) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "on", "'on' must be a date such as 2026-12-01");
    return -1;
  }
  return 0;
}

/* JSON shapes ----------------------------------------------------------------------------------- */

static json_t *evidence_json(const struct fp_evidence *e) {
  json_t *j = json_pack("{s:I, s:I, s:s, s:I, s:o, s:o, s:b}", "id", (json_int_t)e->id, "check_id",
                        (json_int_t)e->check_id, "content_type", e->content_type, "size", (json_int_t)e->size,
                        "filename", fp_json_str_or_null(e->filename), "uploaded_at", fp_json_time(e->uploaded_at),
                        "available", e->deleted_at == 0);
  if (j && e->deleted_at) {
    json_object_set_new(j, "removed_at", fp_json_time(e->deleted_at));
    json_object_set_new(j, "removed_reason", json_string(e->deleted_reason));
  }
  return j;
}

static void add_evidence(const struct fp_evidence *e, void *ctx) { json_array_append_new(ctx, evidence_json(e)); }

/*
 * A check record as the API shows it. `full` adds the pool's internal note (the clinician and the
 * pool see it; a practice's summary does not).
 */
static json_t *record_json(const struct fp_check_row *k, bool full) {
  bool verified = strcmp(k->status, "verified") == 0, rejected = strcmp(k->status, "rejected") == 0;
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)k->id, "clinician_id",
                        (json_int_t)k->clinician_id, "code", k->code, "status", k->status, "issued_on",
                        date_or_null(k->issued_on), "expires_on", date_or_null(k->expires_on), "reference",
                        fp_json_str_or_null(k->reference), "update_service", fp_json_str_or_null(k->update_service),
                        "submitted_at", fp_json_time(k->created_at));
  if (!j) return NULL;
  json_object_set_new(j, "verified_by",
                      verified && k->decided_by
                          ? json_pack("{s:I, s:s}", "id", (json_int_t)k->decided_by, "name", k->decided_by_name)
                          : json_null());
  json_object_set_new(j, "verified_at", verified ? fp_json_time_or_null(k->decided_at) : json_null());
  if (rejected) {
    json_object_set_new(j, "rejected_at", fp_json_time_or_null(k->decided_at));
    json_object_set_new(j, "rejected_reason", full ? fp_json_str_or_null(k->note) : json_null());
  }
  if (full) json_object_set_new(j, "note", fp_json_str_or_null(k->note));
  return j;
}

static json_t *validity_json(const struct fp_check_type *t) {
  json_t *j = json_pack("{s:s}", "rule", fp_validity_name(t->validity));
  if (t->validity == FP_VALIDITY_PERIOD) json_object_set_new(j, "renewal_months", json_integer(t->renewal_months));
  return j;
}

static json_t *type_json(const struct fp_check_type *t) {
  return json_pack("{s:s, s:s, s:s, s:o, s:b}", "code", t->code, "name", t->name, "description", t->description,
                   "validity", validity_json(t), "limited_retention", t->limited_retention);
}

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
  json_array_append_new(arr, evidence_json(e));
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
    j = record_json(row, full);
    json_object_set_new(j, "evidence", evidence_for(ev, row->id));
  } else {
    j = json_pack("{s:n, s:s, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:[]}", "id", "code", code, "status", "issued_on",
                  "expires_on", "reference", "update_service", "submitted_at", "verified_by", "verified_at", "evidence");
  }
  json_object_set_new(j, "name", json_string(t ? t->name : code));
  json_object_set_new(j, "required", json_boolean(required));
  json_object_set_new(j, "required_by", !required ? json_null() : json_string(baseline ? "baseline" : "pool"));
  json_object_set_new(j, "state", json_string(fp_check_state_name(state)));
  if (t) json_object_set_new(j, "validity", validity_json(t));
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
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct access a;
  fp_day on;
  int64_t only_pool = 0;
  if (on_day_or_respond(r, &on) || fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &only_pool) ||
      access_or_respond(r, c, id, false, &a))
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
  if (log_view_or_respond(r, &a, id, "passport", 0, 0)) {
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

/* POST /api/v1/clinicians/{id}/passport/evidence ------------------------------------------------- */

#define TEXT_MAX 200

/* The upload's parts (http/multipart.h), in the order of the enum. */
enum { F_CHECK_CODE, F_ISSUED_ON, F_EXPIRES_ON, F_REFERENCE, F_UPDATE_SERVICE, F_CHECK_ID, F_FILE, N_PARTS };
static const struct fp_part UPLOAD_PARTS[N_PARTS + 1] = {
    [F_CHECK_CODE] = {"check_code", FP_P_TEXT, TEXT_MAX},
    [F_ISSUED_ON] = {"issued_on", FP_P_TEXT, TEXT_MAX},
    [F_EXPIRES_ON] = {"expires_on", FP_P_TEXT, TEXT_MAX},
    [F_REFERENCE] = {"reference", FP_P_TEXT, TEXT_MAX},
    [F_UPDATE_SERVICE] = {"update_service", FP_P_TEXT, TEXT_MAX},
    [F_CHECK_ID] = {"check_id", FP_P_TEXT, TEXT_MAX},
    [F_FILE] = {"file", FP_P_FILE, FP_EVIDENCE_MAX_BYTES},
    [N_PARTS] = FP_PART_END,
};

/* The file's type from its first bytes; NULL when it is none of PDF, JPEG, PNG. */
static const char *sniff(const unsigned char *p, size_t n) {
  if (n >= 5 && memcmp(p, "%PDF-", 5) == 0) return "application/pdf";
  if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return "image/jpeg";
  if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
  return NULL;
}

static const char *ext_of(const char *content_type) {
  if (strcmp(content_type, "application/pdf") == 0) return "pdf";
  if (strcmp(content_type, "image/jpeg") == 0) return "jpg";
  return "png";
}

static int form_date_or_respond(struct fp_req *r, const struct fp_part *p, fp_day *out) {
  const char *s = fp_part_text(p);
  *out = FP_DAY_NONE;
  if (s && fp_date_parse(s, out) != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, p->name, "'%s' must be a date such as 2026-12-01", p->name);
    return -1;
  }
  return 0;
}

struct upload_tx {
  struct fp_req *r;
  struct fp_check_row rec;      /* the new record (check_id 0) */
  int64_t attach_to;            /* an existing submitted record */
  struct fp_evidence ev;
  const char *tmp_path;
  bool created;                 /* the file was placed by this upload */
  int outcome;                  /* 409 when the record to attach to is no longer submitted, 413 over a quota */
  int current;                  /* for the 413: the check's current files, the clinician's bytes */
  int64_t bytes;
};

static int upload_tx_fn(struct fp_conn *c, void *vctx) {
  struct upload_tx *x = vctx;
  int rc;
  if (x->attach_to) {
    struct fp_check_row k;
    if ((rc = fp_store_check_get(c, x->attach_to, &k)) != 0) return rc;
    if (strcmp(k.status, "submitted") != 0) {
      x->outcome = 409;
      return 1;
    }
    x->ev.check_id = k.id;
  } else {
    if ((rc = fp_store_check_insert(c, &x->rec, x->r->now, &x->ev.check_id)) != 0) return rc;
  }
  /* The quotas, under the write lock so that concurrent uploads cannot pass them together. */
  if ((rc = fp_store_evidence_usage(c, x->ev.clinician_id, x->ev.check_code, today_of(x->r), &x->current,
                                    &x->bytes)) != 0)
    return rc;
  if (x->current >= FP_EVIDENCE_MAX_CURRENT || x->bytes + x->ev.size > FP_EVIDENCE_MAX_TOTAL) {
    x->outcome = 413;
    return 1;
  }
  /* Placed under the write lock, so no concurrent upload or retention sweep sees half of it. */
  if ((rc = fp_evidence_place(c, x->tmp_path, x->ev.sha256, &x->created)) != 0) return rc;
  int64_t eid;
  rc = fp_store_evidence_insert(c, &x->ev, &eid);
  if (rc) {
    if (x->created) fp_evidence_unplace(c, x->ev.sha256);
    x->created = false;
    return rc;
  }
  x->ev.id = eid;
  return 0;
}

static const char *const UPDATE_SERVICE[] = {"subscribed", "not_subscribed", NULL};

void fp_h_passport_evidence_upload(struct fp_req *r) {
  int64_t id = r->params[0];
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct access a;
  if (access_or_respond(r, c, id, false, &a)) return;
  if (!a.rel.self && !a.manage) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only the clinician or their pool administrator uploads evidence");
    return;
  }
  struct fp_part u[N_PARTS + 1];
  memcpy(u, UPLOAD_PARTS, sizeof u);
  struct upload_tx x;
  memset(&x, 0, sizeof x);
  x.r = r;
  char tmp[4200] = "";
  if (fp_multipart_parse_or_respond(r, u)) goto out;
  if (!u[F_FILE].seen || u[F_FILE].len == 0) {
    fp_reply_error(r, FP_API_MISSING_FIELD, "file", "'file' is required: a PDF, JPEG or PNG of the evidence");
    goto out;
  }
  const char *type = sniff((const unsigned char *)u[F_FILE].value, u[F_FILE].len);
  if (!type) {
    fp_reply_error(r, FP_API_UNSUPPORTED_MEDIA_TYPE, "file", "the file must be a PDF, JPEG or PNG (decided by its content)");
    goto out;
  }
  const char *us = fp_part_text(&u[F_UPDATE_SERVICE]);
  if (us && strcmp(us, UPDATE_SERVICE[0]) != 0 && strcmp(us, UPDATE_SERVICE[1]) != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "update_service", "'update_service' must be subscribed or not_subscribed");
    goto out;
  }
  const char *attach = fp_part_text(&u[F_CHECK_ID]);
  const char *code = fp_part_text(&u[F_CHECK_CODE]);
  if (attach) {
    /* Another file for a record awaiting verification (the second reference, a back page). */
    char *end = NULL;
    long long kid = strtoll(attach, &end, 10);
    struct fp_check_row k;
    int rc = (*end || kid <= 0) ? FP_ENOTFOUND : fp_store_check_get(c, kid, &k);
    if (rc == FP_ENOTFOUND || (rc == 0 && k.clinician_id != id)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "check_id", "'check_id' is not a record of this clinician");
      goto out;
    }
    if (rc) {
      fp_reply_store_error(r, rc);
      goto out;
    }
    if (code && strcmp(code, k.code) != 0) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "check_code", "'check_code' does not match the record's check");
      goto out;
    }
    for (int i = F_ISSUED_ON; i <= F_UPDATE_SERVICE; i++)
      if (fp_part_text(&u[i])) {
        fp_reply_error(r, FP_API_INVALID_FIELD, u[i].name,
                       "'%s' cannot be given with check_id: the record's details are the pool's to correct",
                       u[i].name);
        goto out;
      }
    x.attach_to = k.id;
    snprintf(x.ev.check_code, sizeof x.ev.check_code, "%s", k.code);
  } else {
    if (!code) {
      fp_reply_error(r, FP_API_MISSING_FIELD, "check_code", "'check_code' is required");
      goto out;
    }
    struct fp_check_type t;
    int rc = fp_store_check_type_get(c, code, &t);
    if (rc == FP_ENOTFOUND) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "check_code", "'%s' is not a check in the catalogue", code);
      goto out;
    }
    if (rc) {
      fp_reply_store_error(r, rc);
      goto out;
    }
    fp_day issued, expires, end;
    if (form_date_or_respond(r, &u[F_ISSUED_ON], &issued) || form_date_or_respond(r, &u[F_EXPIRES_ON], &expires)) goto out;
    if (issued != FP_DAY_NONE && issued > today_of(r)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "issued_on", "'issued_on' is in the future");
      goto out;
    }
    switch (fp_check_expiry(t.validity, t.renewal_months, issued, expires, &end)) {
    case FP_EXPIRY_OK: break;
    case FP_EXPIRY_NEEDS_ISSUED:
      fp_reply_error(r, FP_API_MISSING_FIELD, "issued_on", "'issued_on' is required for %s (valid %d months from issue)",
                     code, t.renewal_months);
      goto out;
    case FP_EXPIRY_NEEDS_EXPIRY:
      fp_reply_error(r, FP_API_MISSING_FIELD, "expires_on", "'expires_on' is required for %s", code);
      goto out;
    case FP_EXPIRY_BEFORE_ISSUE:
      fp_reply_error(r, FP_API_INVALID_FIELD, "expires_on", "'expires_on' is before 'issued_on'");
      goto out;
    }
    if (end != FP_DAY_NONE && end < today_of(r)) {
      char d[FP_DATE_STRLEN];
      fp_date_format(end, d);
      fp_reply_error(r, FP_API_INVALID_FIELD, expires != FP_DAY_NONE ? "expires_on" : "issued_on",
                     "this %s ran out on %s: upload a current one", code, d);
      goto out;
    }
    if (u[F_REFERENCE].len > 100) {
      fp_reply_error(r, FP_API_INVALID_FIELD, "reference", "'reference' must be at most 100 characters");
      goto out;
    }
    /* The code is a catalogue code (found above), the reference at most 100 bytes: nothing is cut. */
    x.rec.clinician_id = id;
    snprintf(x.rec.code, sizeof x.rec.code, "%.39s", t.code);
    x.rec.issued_on = issued;
    x.rec.expires_on = expires; /* as the document states it; the pool's verification sets the final date */
    snprintf(x.rec.reference, sizeof x.rec.reference, "%.100s", fp_part_text(&u[F_REFERENCE]) ? fp_part_text(&u[F_REFERENCE]) : "");
    snprintf(x.rec.update_service, sizeof x.rec.update_service, "%.15s", us ? us : "");
    x.rec.submitted_by = r->auth.user_id;
    snprintf(x.ev.check_code, sizeof x.ev.check_code, "%.39s", t.code);
  }
  /* Stage the file (the slow part) outside the transaction; place it inside. */
  int rc = fp_evidence_stage(r->app->store->data_dir, u[F_FILE].value, u[F_FILE].len, tmp, sizeof tmp, x.ev.sha256);
  if (rc) {
    tmp[0] = 0;
    fp_reply_store_error(r, rc);
    goto out;
  }
  snprintf(x.ev.content_type, sizeof x.ev.content_type, "%s", type);
  x.ev.size = (int64_t)u[F_FILE].len;
  snprintf(x.ev.filename, sizeof x.ev.filename, "%s", u[F_FILE].filename);
  x.ev.uploaded_by = r->auth.user_id;
  x.ev.uploaded_at = r->now;
  x.ev.clinician_id = id;
  x.tmp_path = tmp;
  rc = fp_store_write(r->app->store, upload_tx_fn, &x);
  fp_evidence_discard(tmp); /* gone already when placed; removed here otherwise */
  tmp[0] = 0;
  if (rc == 1 && x.outcome == 413) {
    if (x.current >= FP_EVIDENCE_MAX_CURRENT)
      fp_reply_error(r, FP_API_QUOTA_EXCEEDED, "file",
                     "%s has %d current files already (at most %d): wait for the pool to decide, or ask it to"
                     " remove one", x.ev.check_code, x.current, FP_EVIDENCE_MAX_CURRENT);
    else
      fp_reply_error(r, FP_API_QUOTA_EXCEEDED, "file",
                     "the passport's files take %lld bytes; this one would pass the %lld bytes (100 MiB) a clinician"
                     " may keep", (long long)x.bytes, (long long)FP_EVIDENCE_MAX_TOTAL);
    goto out;
  }
  if (rc == 1) {
    fp_reply_error(r, FP_API_INVALID_STATE, "check_id", "the record has been decided already: submit a new one");
    goto out;
  }
  if (rc) {
    if (x.created) fp_evidence_abandon(r->app->store, x.ev.sha256);
    fp_reply_store_error(r, rc);
    goto out;
  }
  struct fp_check_row k;
  rc = fp_store_check_get(c, x.ev.check_id, &k);
  if (rc) {
    fp_reply_store_error(r, rc);
    goto out;
  }
  json_t *j = record_json(&k, true);
  json_t *evs = json_array();
  rc = fp_store_evidence_of_check(c, k.id, add_evidence, evs);
  json_object_set_new(j, "evidence", evs);
  json_object_set_new(j, "uploaded", evidence_json(&x.ev));
  fp_reply_json(r, 201, j);
out:
  if (tmp[0]) fp_evidence_discard(tmp);
  fp_multipart_release(u);
}

/* GET /api/v1/evidence/{id} --------------------------------------------------------------------- */

void fp_h_evidence_get(struct fp_req *r) {
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct fp_evidence e;
  int rc = fp_store_evidence_get(c, r->params[0], &e);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "evidence %lld not found", (long long)r->params[0]);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct access a;
  if (access_or_respond(r, c, e.clinician_id, false, &a)) {
    /* Do not reveal that evidence exists to someone who may not see the clinician. */
    if (r->status == 404) fp_reply_error(r, FP_API_NOT_FOUND, NULL, "evidence %lld not found", (long long)e.id);
    return;
  }
  if (e.deleted_at) {
    fp_reply_error(r, FP_API_EVIDENCE_REMOVED, NULL,
                   "this copy was deleted after the retention period; the verified facts remain on the record");
    return;
  }
  char *data = NULL;
  size_t len = 0;
  rc = fp_evidence_read(c, e.sha256, &data, &len);
  if (rc) {
    fprintf(stderr, "flexpool: evidence %lld (%s) cannot be read: %s\n", (long long)e.id, e.sha256, fp_strerror(rc));
    fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "the evidence file cannot be read");
    return;
  }
  if (log_view_or_respond(r, &a, e.clinician_id, "evidence", e.check_id, e.id)) {
    free(data);
    return;
  }
  char disposition[160];
  snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%lld.%s\"", e.check_code, (long long)e.id,
           ext_of(e.content_type));
  r->status = 200;
  r->reply_raw = data;
  r->reply_raw_len = len;
  r->reply_type = strcmp(e.content_type, "application/pdf") == 0 ? "application/pdf"
                  : strcmp(e.content_type, "image/jpeg") == 0   ? "image/jpeg"
                                                                : "image/png";
  fp_req_add_header(r, "Content-Disposition", disposition); /* the server adds nosniff to every answer */
}

/* POST /api/v1/passport/checks/{id}/verification ------------------------------------------------ */

struct verify_tx {
  struct fp_req *r;
  struct fp_check_row before, after;
  struct fp_reexam reexam;
};

static int verify_tx_fn(struct fp_conn *c, void *vctx) {
  struct verify_tx *x = vctx;
  int rc = fp_store_check_decide(c, &x->before, &x->after, x->r->auth.user_id, x->r->now);
  if (rc) return rc;
  /* Bookings already made are re-examined now, in the same transaction: flagged, never dropped. */
  return fp_store_passport_reexamine(c, x->before.clinician_id, x->r->now, x->r->auth.user_id, &x->reexam);
}

static const char *const DECISIONS[] = {"verify", "reject", NULL};

void fp_h_passport_verify(struct fp_req *r) {
  if (fp_req_json_or_respond(r)) return;
  const char *decision = NULL, *note = NULL, *reference = NULL, *us = NULL;
  fp_day issued = FP_DAY_NONE, expires = FP_DAY_NONE;
  bool has_issued = false, has_expires = false, has_ref = false, has_us = false;
  struct fp_field spec[] = {
      {"decision", FP_F_ENUM, true, 0, 0, DECISIONS, &decision, NULL},
      {"note", FP_F_STRING, false, 1, 500, NULL, &note, NULL},
      {"issued_on", FP_F_DATE, false, 0, 0, NULL, &issued, &has_issued},
      {"expires_on", FP_F_DATE, false, 0, 0, NULL, &expires, &has_expires},
      {"reference", FP_F_STRING, false, 0, 100, NULL, &reference, &has_ref},
      {"update_service", FP_F_ENUM, false, 0, 0, UPDATE_SERVICE, &us, &has_us},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct verify_tx x;
  memset(&x, 0, sizeof x);
  x.r = r;
  int rc = fp_store_check_get(c, r->params[0], &x.before);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "check record %lld not found", (long long)r->params[0]);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct access a;
  if (access_or_respond(r, c, x.before.clinician_id, true, &a)) return;
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
    if (x.after.issued_on != FP_DAY_NONE && x.after.issued_on > today_of(r)) {
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
  json_t *j = record_json(&k, true);
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
  json_t *j = record_json(k, true);
  json_object_set_new(j, "clinician", json_pack("{s:I, s:s, s:s}", "id", (json_int_t)k->clinician_id, "name",
                                                k->clinician_name, "profession", k->profession));
  json_t *evs = json_array();
  int rc = fp_store_evidence_of_check(q->c, k->id, add_evidence, evs);
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
  fp_scope_from_auth(&r->auth, &scope);
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
  struct fp_conn *c = reader_or_respond(r);
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
                   "next_expiry", date_or_null(soonest), "expiring", expiring);
}

static void compliance_free(struct compliance *x) {
  fp_checks_release(&x->checks);
  free(x->rows);
  free(x);
}

void fp_h_pool_compliance(struct fp_req *r) {
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct fp_pool p;
  int rc = fp_store_pool_get(c, r->params[0], &p);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "pool %lld not found", (long long)r->params[0]);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
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
  if (on_day_or_respond(r, &on) || fp_query_int_or_respond(r, "within", 1, 366, &within) ||
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

/* GET /api/v1/clinicians/{id}/passport/access-log ------------------------------------------------ */

static void add_access(const struct fp_access_entry *e, void *ctx) {
  json_t *j = json_pack("{s:I, s:o, s:s, s:{s:I, s:s}, s:s}", "id", (json_int_t)e->id, "at", fp_json_time(e->at),
                        "what", e->what, "viewer", "user_id", (json_int_t)e->viewer_user_id, "name", e->viewer_name,
                        "basis", e->basis);
  json_object_set_new(j, "reason", fp_json_str_or_null(e->reason));
  json_object_set_new(j, "organisation",
                      e->organisation_id ? json_pack("{s:I, s:s}", "id", (json_int_t)e->organisation_id, "name",
                                                     e->organisation_name)
                                         : json_null());
  json_object_set_new(j, "pool",
                      e->pool_id ? json_pack("{s:I, s:s}", "id", (json_int_t)e->pool_id, "name", e->pool_name)
                                 : json_null());
  json_object_set_new(j, "check_id", fp_json_id(e->check_id));
  json_object_set_new(j, "check_code", fp_json_str_or_null(e->check_code));
  json_object_set_new(j, "evidence_id", fp_json_id(e->evidence_id));
  json_array_append_new(ctx, j);
}

struct access_page {
  json_t *items;
  int64_t last;
};

static void add_access_paged(const struct fp_access_entry *e, void *ctx) {
  struct access_page *p = ctx;
  add_access(e, p->items);
  p->last = e->id;
}

void fp_h_passport_access_log(struct fp_req *r) {
  int64_t id = r->params[0];
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct access a;
  if (access_or_respond(r, c, id, false, &a)) return;
  if (!a.rel.self && !a.manage) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "the access log is the clinician's (and their pool's)");
    return;
  }
  int limit;
  int64_t before = 0;
  if (fp_limit_or_respond(r, &limit) || fp_id_cursor_parse_or_respond(r, &before)) return;
  struct access_page p = {json_array(), 0};
  bool more = false;
  int rc = fp_store_access_log_list(c, id, before, limit, add_access_paged, &p, &more);
  if (rc) {
    json_decref(p.items);
    fp_reply_store_error(r, rc);
    return;
  }
  char cursor[24];
  if (more) snprintf(cursor, sizeof cursor, "%lld", (long long)p.last);
  fp_reply_json(r, 200, fp_json_page(p.items, more ? cursor : NULL));
}

/* Placement grants ------------------------------------------------------------------------------ */

/* A grant's state in one word: revoked, lapsed (the clinician left its pool), expired, active. */
static const char *grant_state(const struct fp_grant *g, fp_day today) {
  if (g->revoked_at) return "revoked";
  if (!g->member) return "lapsed";
  if (today > g->until_day) return "expired";
  if (today < g->from_day) return "scheduled"; /* only grants given before the rules */
  return "active";
}

static json_t *grant_json(const struct fp_grant *g, fp_day today) {
  const char *state = grant_state(g, today);
  json_t *j = json_pack("{s:I, s:I, s:{s:I, s:s, s:s}, s:o, s:o, s:o, s:o, s:o, s:s, s:b}", "id", (json_int_t)g->id,
                        "clinician_id", (json_int_t)g->clinician_id, "organisation", "id",
                        (json_int_t)g->organisation_id, "name", g->organisation_name, "level", g->organisation_level,
                        "from", fp_json_date(g->from_day), "until", fp_json_date(g->until_day), "placement_starts_on",
                        date_or_null(g->placement_starts_on), "created_at", fp_json_time(g->created_at), "revoked_at",
                        fp_json_time_or_null(g->revoked_at), "state", state, "active", strcmp(state, "active") == 0);
  if (j) {
    json_object_set_new(j, "organisation_id", json_integer(g->organisation_id));
    json_object_set_new(j, "pool", g->pool_id ? json_pack("{s:I, s:s}", "id", (json_int_t)g->pool_id, "name", g->pool_name)
                                              : json_null());
  }
  return j;
}

struct grant_tx {
  struct fp_grant g;
};

static int grant_tx_fn(struct fp_conn *c, void *vctx) {
  struct grant_tx *x = vctx;
  return fp_store_grant_insert(c, &x->g, &x->g.id);
}

/*
 * The organisation a grant may go to: a practice or a PCN in the pool's ICB. Answers 400 naming
 * organisation_id otherwise.
 */
static int grant_org_or_respond(struct fp_req *r, struct fp_conn *c, int64_t org_id, int64_t pool_id) {
  struct fp_org o;
  memset(&o, 0, sizeof o);
  int rc = fp_store_org_get(c, org_id, &o);
  fp_org_clear(&o);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id", "organisation %lld does not exist", (long long)org_id);
    return -1;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  if (strcmp(o.level, "practice") != 0 && strcmp(o.level, "pcn") != 0) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id",
                   "access is granted to a practice or a PCN, not to a %s", o.level);
    return -1;
  }
  struct fp_pool p;
  rc = fp_store_pool_get(c, pool_id, &p);
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  if (p.icb_id && o.icb_id != p.icb_id) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "organisation_id",
                   "organisation %lld is not in the ICB of the pool '%s'", (long long)org_id, p.name);
    return -1;
  }
  return 0;
}

void fp_h_passport_grant_create(struct fp_req *r) {
  if (fp_req_json_or_respond(r)) return;
  int64_t org = 0, want_pool = 0;
  fp_day from = FP_DAY_NONE, until = FP_DAY_NONE, starts = FP_DAY_NONE;
  bool has_from = false, has_starts = false;
  struct fp_field spec[] = {
      {"organisation_id", FP_F_INT, true, 1, INT64_MAX, NULL, &org, NULL},
      {"pool_id", FP_F_INT, false, 1, INT64_MAX, NULL, &want_pool, NULL},
      {"from", FP_F_DATE, false, 0, 0, NULL, &from, &has_from},
      {"until", FP_F_DATE, true, 0, 0, NULL, &until, NULL},
      {"placement_starts_on", FP_F_DATE, false, 0, 0, NULL, &starts, &has_starts},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, r->json, spec)) return;
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct access a;
  if (access_or_respond(r, c, r->params[0], false, &a)) return;
  /* Only through a pool the caller administers and the clinician is a member of, scoped by it. */
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, &scope);
  int64_t pool_id = 0;
  int rc = fp_store_grant_pool(c, r->params[0], &scope, want_pool, &pool_id);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  if (!pool_id) {
    fp_reply_error(r, FP_API_FORBIDDEN, want_pool ? "pool_id" : NULL,
                   "only an administrator of a pool the clinician is a member of can grant access to their passport");
    return;
  }
  if (grant_org_or_respond(r, c, org, pool_id)) return;
  fp_day today = today_of(r), last = fp_day_add_months(today, GRANT_MAX_MONTHS) - 1;
  char last_text[FP_DATE_STRLEN];
  fp_date_format(last, last_text);
  if (has_from && from != today) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "from", "access starts on the day it is granted (today)");
    return;
  }
  if (until < today) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "until", "'until' is in the past");
    return;
  }
  if (until > last) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "until", "access lasts at most %d months: until %s at the latest",
                   GRANT_MAX_MONTHS, last_text);
    return;
  }
  if (has_starts && (starts < today || starts > until)) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "placement_starts_on", "the placement starts between today and 'until'");
    return;
  }
  struct grant_tx x;
  memset(&x, 0, sizeof x);
  x.g.clinician_id = r->params[0];
  x.g.organisation_id = org;
  x.g.pool_id = pool_id;
  x.g.from_day = today;
  x.g.until_day = until;
  x.g.placement_starts_on = has_starts ? starts : FP_DAY_NONE;
  x.g.granted_by = r->auth.user_id;
  x.g.created_at = r->now;
  rc = fp_store_write(r->app->store, grant_tx_fn, &x);
  if (!rc) rc = fp_store_grant_get(c, x.g.id, &x.g);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 201, grant_json(&x.g, today));
}

struct grant_list {
  json_t *items;
  fp_day today;
};

static void add_grant(const struct fp_grant *g, void *ctx) {
  struct grant_list *l = ctx;
  json_array_append_new(l->items, grant_json(g, l->today));
}

void fp_h_passport_grant_list(struct fp_req *r) {
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct access a;
  if (access_or_respond(r, c, r->params[0], false, &a)) return;
  if (!a.rel.self && !a.manage) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "placement grants are the clinician's and their pool's");
    return;
  }
  struct grant_list l = {json_array(), today_of(r)};
  int rc = fp_store_grant_list(c, r->params[0], add_grant, &l);
  if (rc) {
    json_decref(l.items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(l.items, NULL));
}

struct revoke_tx {
  int64_t id, actor, now;
};

static int revoke_tx_fn(struct fp_conn *c, void *vctx) {
  struct revoke_tx *x = vctx;
  return fp_store_grant_revoke(c, x->id, x->actor, x->now);
}

void fp_h_passport_grant_revoke(struct fp_req *r) {
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  struct fp_grant g;
  int rc = fp_store_grant_get(c, r->params[0], &g);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "grant %lld not found", (long long)r->params[0]);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct access a;
  if (access_or_respond(r, c, g.clinician_id, false, &a)) return;
  /* The grant's own pool's administrator (or a system administrator) takes it back. */
  if (!fp_auth_has(&r->auth, FP_ROLE_SYSADMIN) && !(g.pool_id && fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, g.pool_id))) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "only an administrator of the pool that gave the grant can revoke it");
    return;
  }
  struct revoke_tx x = {g.id, r->auth.user_id, r->now};
  rc = fp_store_write(r->app->store, revoke_tx_fn, &x);
  if (rc == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_INVALID_STATE, NULL, "grant %lld is revoked already", (long long)g.id);
    return;
  }
  if (!rc) rc = fp_store_grant_get(c, g.id, &g);
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, grant_json(&g, today_of(r)));
}

/* The catalogue and the requirements -------------------------------------------------------------- */

static void add_type_json(const struct fp_check_type *t, void *ctx) { json_array_append_new(ctx, type_json(t)); }

void fp_h_passport_check_types(struct fp_req *r) {
  struct fp_conn *c = reader_or_respond(r);
  if (!c) return;
  json_t *items = json_array();
  int rc = fp_store_check_types(c, add_type_json, items);
  if (rc) {
    json_decref(items);
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(items, NULL));
}

/*
 * Requirements have owners: the national baseline of each profession, which only a system
 * administrator changes, and the checks a pool adds for its own members, which its administrators
 * change. A pool can never drop a baseline check, and a profession with no baseline of its own
 * (a pool's custom role) is held to the baseline for unregistered roles, never to nothing.
 */

/* Groups rows into [{profession, check_codes, baseline, pool_additions, baseline_is_default}]. */
struct req_list {
  json_t *items;
  int64_t pool_id;
};

static void add_requirement(const struct fp_requirement *q, void *ctx) {
  struct req_list *l = ctx;
  size_t n = json_array_size(l->items);
  json_t *last = n ? json_array_get(l->items, n - 1) : NULL;
  if (!last || strcmp(json_string_value(json_object_get(last, "profession")), q->profession) != 0) {
    last = json_pack("{s:s, s:o, s:[], s:[], s:b, s:[]}", "profession", q->profession, "pool_id", fp_json_id(l->pool_id),
                     "check_codes", "baseline", "baseline_is_default", q->default_baseline, "pool_additions");
    json_array_append_new(l->items, last);
  }
  json_array_append_new(json_object_get(last, "check_codes"), json_string(q->code));
  json_array_append_new(json_object_get(last, q->baseline ? "baseline" : "pool_additions"), json_string(q->code));
}

static json_t *requirements_of(struct fp_conn *c, const char *profession, int64_t pool_id, int *rc) {
  struct req_list l = {json_array(), pool_id};
  *rc = fp_store_requirements_list(c, profession, pool_id, add_requirement, &l);
  if (*rc) {
    json_decref(l.items);
    return NULL;
  }
  return l.items;
}

/* ?pool_id / "pool_id": a pool that exists. */
static int pool_exists_or_respond(struct fp_req *r, struct fp_conn *c, int64_t pool_id, bool in_query) {
  struct fp_pool p;
  int rc = fp_store_pool_get(c, pool_id, &p);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, in_query ? FP_API_INVALID_PARAMETER : FP_API_INVALID_FIELD, "pool_id", "pool %lld does not exist",
                   (long long)pool_id);
    return -1;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return -1;
  }
  return 0;
}

void fp_h_passport_requirements(struct fp_req *r) {
  const char *profession = fp_req_query(r, "profession");
  if (profession && !*profession) profession = NULL;
  int64_t pool_id = 0;
  if (fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &pool_id)) return;
  struct fp_conn *c = reader_or_respond(r);
  if (!c || (pool_id && pool_exists_or_respond(r, c, pool_id, true))) return;
  int rc;
  json_t *items = requirements_of(c, profession, pool_id, &rc);
  if (!items) {
    fp_reply_store_error(r, rc);
    return;
  }
  fp_reply_json(r, 200, fp_json_page(items, NULL));
}

/*
 * Whose requirements the caller changes: pool_id when given (a system administrator, or an
 * administrator of that pool), else the baseline for a system administrator or the one pool a pool
 * administrator runs. 0 with *pool_id (0: the baseline), or answers 400/403 and -1.
 */
static int owner_or_respond(struct fp_req *r, bool given, int64_t *pool_id, bool in_query) {
  bool sysadmin = fp_auth_has(&r->auth, FP_ROLE_SYSADMIN);
  if (given) {
    if (!sysadmin && !fp_auth_has_for(&r->auth, FP_ROLE_POOL_ADMIN, *pool_id)) {
      fp_reply_error(r, FP_API_FORBIDDEN, "pool_id", "you do not administer pool %lld", (long long)*pool_id);
      return -1;
    }
    return 0;
  }
  if (sysadmin) {
    *pool_id = 0;
    return 0;
  }
  int64_t only = 0;
  int n = 0;
  for (int i = 0; i < r->auth.n_roles; i++)
    if (r->auth.roles[i].kind == FP_ROLE_POOL_ADMIN && r->auth.roles[i].pool_id && r->auth.roles[i].pool_id != only)
      only = r->auth.roles[i].pool_id, n++;
  if (n == 0) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL,
                   "the national baseline is the system administrator's; a pool's administrators add its own checks");
    return -1;
  }
  if (n > 1) {
    fp_reply_error(r, in_query ? FP_API_INVALID_PARAMETER : FP_API_MISSING_FIELD, "pool_id",
                   "'pool_id' is required: you administer more than one pool");
    return -1;
  }
  *pool_id = only;
  return 0;
}

/* A built-in profession or a custom role. */
static int profession_or_respond(struct fp_req *r, struct fp_conn *c, const char *profession) {
  bool exists = fp_profession_find(profession) != NULL;
  if (!exists) {
    int rc = fp_store_custom_role_exists(c, profession, &exists);
    if (rc) {
      fp_reply_store_error(r, rc);
      return -1;
    }
  }
  if (!exists) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "profession", "'%s' is not a profession or role", profession);
    return -1;
  }
  return 0;
}

struct req_tx {
  const char *profession, *code;
  int64_t pool_id;
  bool required, clear;
  int64_t actor, now;
  bool changed;
  int n;
  struct fp_reexam reexam;
};

static int req_tx_fn(struct fp_conn *c, void *vctx) {
  struct req_tx *x = vctx;
  int rc;
  if (x->clear) {
    rc = fp_store_pool_requirements_clear(c, x->pool_id, x->profession, x->actor, x->now, &x->n);
    x->changed = x->n > 0;
  } else {
    rc = fp_store_requirement_set(c, x->profession, x->code, x->required, x->pool_id, x->actor, x->now, &x->changed);
  }
  if (rc || !x->changed) return rc;
  /* A new requirement may uncover bookings already made; a dropped one may restore them. A pool's
     change concerns the bookings made through that pool; the baseline's, every pool's. */
  return fp_store_passport_reexamine_all(c, x->profession, x->pool_id, x->now, x->actor, &x->reexam);
}

static void reply_requirements(struct fp_req *r, struct fp_conn *c, const struct req_tx *x) {
  int rc;
  json_t *items = x->profession ? requirements_of(c, x->profession, x->pool_id, &rc) : json_array();
  if (!items) {
    fp_reply_store_error(r, rc);
    return;
  }
  json_t *one = json_array_get(items, 0);
  json_t *out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:i, s:i}", "profession", fp_json_str_or_null(x->profession),
                          "pool_id", fp_json_id(x->pool_id), "check_codes",
                          one ? json_incref(json_object_get(one, "check_codes")) : json_array(), "baseline",
                          one ? json_incref(json_object_get(one, "baseline")) : json_array(), "pool_additions",
                          one ? json_incref(json_object_get(one, "pool_additions")) : json_array(), "changed",
                          x->changed, "lapsed_bookings", x->reexam.n_flagged, "restored_bookings", x->reexam.n_cleared);
  json_decref(items);
  fp_reply_json(r, 200, out);
}

void fp_h_passport_requirement_put(struct fp_req *r) {
  if (fp_req_json_or_respond(r)) return;
  struct req_tx x;
  memset(&x, 0, sizeof x);
  bool has_pool = false;
  struct fp_field spec[] = {
      {"profession", FP_F_STRING, true, 1, 47, NULL, &x.profession, NULL},
      {"check_code", FP_F_STRING, true, 1, 39, NULL, &x.code, NULL},
      {"required", FP_F_BOOL, true, 0, 0, NULL, &x.required, NULL},
      {"pool_id", FP_F_INT, false, 1, INT64_MAX, NULL, &x.pool_id, &has_pool},
      FP_FIELD_END,
  };
  if (fp_fields_parse_or_respond(r, r->json, spec) || owner_or_respond(r, has_pool, &x.pool_id, false)) return;
  struct fp_conn *c = reader_or_respond(r);
  if (!c || profession_or_respond(r, c, x.profession) || (has_pool && pool_exists_or_respond(r, c, x.pool_id, false)))
    return;
  struct fp_check_type t;
  int rc = fp_store_check_type_get(c, x.code, &t);
  if (rc == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_INVALID_FIELD, "check_code", "'%s' is not a check in the catalogue", x.code);
    return;
  }
  if (rc) {
    fp_reply_store_error(r, rc);
    return;
  }
  x.actor = r->auth.user_id;
  x.now = r->now;
  rc = fp_store_write(r->app->store, req_tx_fn, &x);
  if (rc == FP_EPERM)
    fp_reply_error(r, FP_API_FORBIDDEN, "check_code",
                   "'%s' is in the national baseline for %s: a pool adds checks of its own but drops none of it",
                   x.code, x.profession);
  else if (rc)
    fp_reply_store_error(r, rc);
  else
    reply_requirements(r, c, &x);
  fp_reexam_release(&x.reexam);
}

void fp_h_passport_requirements_clear(struct fp_req *r) {
  struct req_tx x;
  memset(&x, 0, sizeof x);
  x.profession = fp_req_query(r, "profession");
  if (x.profession && !*x.profession) x.profession = NULL;
  if (fp_query_int_or_respond(r, "pool_id", 1, INT64_MAX, &x.pool_id)) return;
  bool has_pool = x.pool_id != 0;
  if (owner_or_respond(r, has_pool, &x.pool_id, true)) return;
  if (!x.pool_id) {
    /* Only a pool's own additions are removed: the baseline is changed check by check. */
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "pool_id",
                   "'pool_id' is required: DELETE removes a pool's own checks; the national baseline is changed check"
                   " by check with PUT");
    return;
  }
  struct fp_conn *c = reader_or_respond(r);
  if (!c || (x.profession && profession_or_respond(r, c, x.profession)) ||
      pool_exists_or_respond(r, c, x.pool_id, true))
    return;
  x.clear = true;
  x.actor = r->auth.user_id;
  x.now = r->now;
  int rc = fp_store_write(r->app->store, req_tx_fn, &x);
  if (rc) fp_reply_store_error(r, rc);
  else reply_requirements(r, c, &x);
  fp_reexam_release(&x.reexam);
}
