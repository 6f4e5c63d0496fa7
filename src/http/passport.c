/*
 * What the passport's handler files share (passport.h): who may see a passport and how a view is
 * logged, and the JSON shapes of a check record, its evidence and a check type.
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

const char *const FP_PASSPORT_UPDATE_SERVICE[] = {"subscribed", "not_subscribed", NULL};

json_t *fp_passport_date_or_null(fp_day d) { return d == FP_DAY_NONE ? json_null() : fp_json_date(d); }

/* Access ---------------------------------------------------------------------------------------- */

/*
 * Works out the caller's access to clinician_id's passport. Answers 404 when the clinician does
 * not exist or the caller has no relation to them, 403 for a commissioner (counts only) or when
 * `need_manage` and the caller only reads.
 */
int fp_passport_access_or_respond(struct fp_req *r, struct fp_conn *c, int64_t clinician_id, bool need_manage,
                                  struct fp_passport_access *a) {
  memset(a, 0, sizeof *a);
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
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
int fp_passport_log_view_or_respond(struct fp_req *r, const struct fp_passport_access *a, int64_t clinician_id,
                                    const char *what, int64_t check_id, int64_t evidence_id) {
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

const char *fp_evidence_ext(const char *content_type) {
  if (strcmp(content_type, "application/pdf") == 0) return "pdf";
  if (strcmp(content_type, "image/jpeg") == 0) return "jpg";
  return "png";
}

struct fp_conn *fp_passport_reader_or_respond(struct fp_req *r) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
  return c;
}

struct fp_conn *fp_passport_self_or_manager_or_respond(struct fp_req *r, int64_t clinician_id, const char *forbidden,
                                                       struct fp_passport_access *a) {
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c || fp_passport_access_or_respond(r, c, clinician_id, false, a)) return NULL;
  if (!a->rel.self && !a->manage) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL, "%s", forbidden);
    return NULL;
  }
  return c;
}

/* ?on=YYYY-MM-DD, default today. */
int fp_passport_on_day_or_respond(struct fp_req *r, fp_day *on) {
  const char *s = fp_req_query(r, "on");
  *on = fp_passport_today(r);
  if (s && fp_date_parse(s, on) != 0) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "on", "'on' must be a date such as 2026-12-01");
    return -1;
  }
  return 0;
}

/* JSON shapes ----------------------------------------------------------------------------------- */

json_t *fp_passport_evidence_json(const struct fp_evidence *e) {
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

void fp_passport_add_evidence(const struct fp_evidence *e, void *ctx) { json_array_append_new(ctx, fp_passport_evidence_json(e)); }

/*
 * A check record as the API shows it. `full` adds the pool's internal note (the clinician and the
 * pool see it; a practice's summary does not).
 */
json_t *fp_passport_record_json(const struct fp_check_row *k, bool full) {
  bool verified = strcmp(k->status, "verified") == 0, rejected = strcmp(k->status, "rejected") == 0;
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)k->id, "clinician_id",
                        (json_int_t)k->clinician_id, "code", k->code, "status", k->status, "issued_on",
                        fp_passport_date_or_null(k->issued_on), "expires_on", fp_passport_date_or_null(k->expires_on), "reference",
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

json_t *fp_passport_validity_json(const struct fp_check_type *t) {
  json_t *j = json_pack("{s:s}", "rule", fp_validity_name(t->validity));
  if (t->validity == FP_VALIDITY_PERIOD) json_object_set_new(j, "renewal_months", json_integer(t->renewal_months));
  return j;
}

json_t *fp_passport_type_json(const struct fp_check_type *t) {
  return json_pack("{s:s, s:s, s:s, s:o, s:b}", "code", t->code, "name", t->name, "description", t->description,
                   "validity", fp_passport_validity_json(t), "limited_retention", t->limited_retention);
}

