/*
 * The passport's evidence files:
 *   POST /api/v1/clinicians/{id}/passport/evidence: multipart/form-data (file, check_code,
 *        issued_on, expires_on, reference, update_service; or check_id to add a file to a record
 *        awaiting verification). The file's type is decided by its first bytes (PDF, JPEG, PNG),
 *        at most 10 MB; it is stored once per content (store/passport.h fp_evidence_place).
 *   GET  /api/v1/evidence/{id}: the file, as an attachment.
 * Who sees a passport, and the access log every view of evidence is written to: see passport.h.
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
#include "http/passport.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/passport.h"
#include "store/places.h"

/* POST /api/v1/clinicians/{id}/passport/evidence ------------------------------------------------- */

#define TEXT_MAX 200

/* The upload's parts (http/multipart.h), in the order of the enum. */
enum { F_CHECK_CODE, F_ISSUED_ON, F_EXPIRES_ON, F_REFERENCE, F_UPDATE_SERVICE, F_CHECK_ID, F_FILE, N_PARTS };
static const struct fp_part UPLOAD_PARTS[N_PARTS + 1] = {
    [F_CHECK_CODE] = {.name = "check_code", .type = FP_P_TEXT, .max = TEXT_MAX},
    [F_ISSUED_ON] = {.name = "issued_on", .type = FP_P_TEXT, .max = TEXT_MAX},
    [F_EXPIRES_ON] = {.name = "expires_on", .type = FP_P_TEXT, .max = TEXT_MAX},
    [F_REFERENCE] = {.name = "reference", .type = FP_P_TEXT, .max = TEXT_MAX},
    [F_UPDATE_SERVICE] = {.name = "update_service", .type = FP_P_TEXT, .max = TEXT_MAX},
    [F_CHECK_ID] = {.name = "check_id", .type = FP_P_TEXT, .max = TEXT_MAX},
    [F_FILE] = {.name = "file", .type = FP_P_FILE, .max = FP_EVIDENCE_MAX_BYTES},
    [N_PARTS] = FP_PART_END,
};

/* The file's type from its first bytes; NULL when it is none of PDF, JPEG, PNG. */
static const char *sniff(const unsigned char *p, size_t n) {
  if (n >= 5 && memcmp(p, "%PDF-", 5) == 0) return "application/pdf";
  if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return "image/jpeg";
  if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
  return NULL;
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

/*
 * The upload's write transaction: given who acts, the new record (or the record to attach to) and
 * the staged file, never the request. 0 with the evidence placed and recorded;
 * FP_EREFUSED with why (invalid_state: the record was decided meanwhile; quota_exceeded); or a
 * store error.
 */
struct upload_tx {
  struct fp_actor actor; /* who acts: the transaction never sees the request */
  struct fp_check_row rec;      /* the new record (check_id 0) */
  int64_t attach_to;            /* an existing submitted record */
  struct fp_evidence ev;
  const char *tmp_path;
  bool created;                 /* the file was placed by this upload */
  struct fp_refusal why;
};

static int upload_tx_fn(struct fp_conn *c, void *vctx) {
  struct upload_tx *x = vctx;
  int rc;
  if (x->attach_to) {
    struct fp_check_row k;
    if ((rc = fp_store_check_get(c, x->attach_to, &k)) != 0) return rc;
    if (strcmp(k.status, "submitted") != 0)
      return fp_refuse(&x->why, FP_API_INVALID_STATE, "check_id", k.id, "the record has been decided already: submit a new one");
    x->ev.check_id = k.id;
  } else {
    if ((rc = fp_store_check_insert(c, &x->rec, x->actor.now, &x->ev.check_id)) != 0) return rc;
  }
  /* The quotas, under the write lock so that concurrent uploads cannot pass them together. */
  int current = 0;
  int64_t bytes = 0;
  if ((rc = fp_store_evidence_usage(c, x->ev.clinician_id, x->ev.check_code, fp_uk_day(x->actor.now), &current, &bytes)) != 0)
    return rc;
  if (current >= FP_EVIDENCE_MAX_CURRENT)
    return fp_refuse(&x->why, FP_API_QUOTA_EXCEEDED, "file", x->ev.check_id,
                     "%s has %d current files already (at most %d): wait for the pool to decide, or ask it to"
                     " remove one", x->ev.check_code, current, FP_EVIDENCE_MAX_CURRENT);
  if (bytes + x->ev.size > FP_EVIDENCE_MAX_TOTAL)
    return fp_refuse(&x->why, FP_API_QUOTA_EXCEEDED, "file", x->ev.check_id,
                     "the passport's files take %lld bytes; this one would pass the %lld bytes (100 MiB) a clinician"
                     " may keep", (long long)bytes, (long long)FP_EVIDENCE_MAX_TOTAL);
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

void fp_h_passport_evidence_upload(struct fp_req *r) {
  int64_t id = r->params[0];
  struct fp_passport_access a;
  struct fp_conn *c =
      fp_passport_self_or_manager_or_respond(r, id, "only the clinician or their pool administrator uploads evidence", &a);
  if (!c) return;
  struct fp_part u[N_PARTS + 1];
  memcpy(u, UPLOAD_PARTS, sizeof u);
  struct upload_tx x;
  memset(&x, 0, sizeof x);
  fp_actor_from_auth(&r->auth, r->now, &x.actor);
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
  if (us && strcmp(us, FP_PASSPORT_UPDATE_SERVICE[0]) != 0 && strcmp(us, FP_PASSPORT_UPDATE_SERVICE[1]) != 0) {
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
    if (issued != FP_DAY_NONE && issued > fp_passport_today(r)) {
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
    if (end != FP_DAY_NONE && end < fp_passport_today(r)) {
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
  if (rc == FP_EREFUSED) {
    fp_reply_refusal(r, &x.why);
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
  json_t *j = fp_passport_record_json(&k, true);
  json_t *evs = json_array();
  rc = fp_store_evidence_of_check(c, k.id, fp_passport_add_evidence, evs);
  json_object_set_new(j, "evidence", evs);
  json_object_set_new(j, "uploaded", fp_passport_evidence_json(&x.ev));
  fp_reply_json(r, 201, j);
out:
  if (tmp[0]) fp_evidence_discard(tmp);
  fp_multipart_release(u);
}

/* GET /api/v1/evidence/{id} --------------------------------------------------------------------- */

void fp_h_evidence_get(struct fp_req *r) {
  struct fp_conn *c = fp_passport_reader_or_respond(r);
  if (!c) return;
  struct fp_evidence e;
  int rc = fp_store_evidence_get(c, r->params[0], &e);
  if (fp_found_or_respond(r, rc, "evidence", r->params[0])) return;
  struct fp_passport_access a;
  if (fp_passport_access_or_respond(r, c, e.clinician_id, false, &a)) {
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
  if (fp_passport_log_view_or_respond(r, &a, e.clinician_id, "evidence", e.check_id, e.id)) {
    free(data);
    return;
  }
  char disposition[160];
  snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%lld.%s\"", e.check_code, (long long)e.id,
           fp_evidence_ext(e.content_type));
  r->status = 200;
  r->reply_raw = data;
  r->reply_raw_len = len;
  r->reply_type = strcmp(e.content_type, "application/pdf") == 0 ? "application/pdf"
                  : strcmp(e.content_type, "image/jpeg") == 0   ? "image/jpeg"
                                                                : "image/png";
  fp_req_add_header(r, "Content-Disposition", disposition); /* the server adds nosniff to every answer */
}

