/*
 * h_export.c - subject access (UK GDPR Article 15; issue 15): everything flexpool holds about a
 * person, as one ZIP.
 *   GET /api/v1/me/export                    the signed-in person's own
 *   GET /api/v1/users/{id}/export?reason=R   anyone's, for the system administrator answering a
 *                                            request (the reason is required and audited)
 * The archive (docs/zip_out.h): manifest.json (who, when, for whom, each table with the columns
 * that found the person's rows, its row count and the secret columns withheld; each evidence file),
 * data/<table>.json (the rows, as the store holds them) and evidence/ (the files of their
 * passport still kept). The rows come from store/subject.h, in one read snapshot; the export is
 * audited (user.export) before it is made, so the archive holds its own audit row.
 */
#include <jansson.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "docs/zip_out.h"
#include "http/codec.h"
#include "http/passport.h"
#include "http/request.h"
#include "http/routes.h"
#include "store/accounts.h"
#include "store/passport.h"
#include "store/subject.h"

#define REASON_MAX 500

/* Valid UTF-8 with no control characters. */
static bool plain_text(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return false;
  json_t *j = json_string(s); /* NULL for text that is not UTF-8 */
  json_decref(j);
  return j != NULL;
}

/* ---- the audit, before the export ---- */

struct audit_ctx {
  fp_time now;
  int64_t actor, subject;
  const char *reason; /* NULL: the person's own */
};

static int audit_tx(struct fp_conn *c, void *vctx) {
  struct audit_ctx *x = vctx;
  if (!x->reason) return fp_store_audit(c, x->now, x->actor, "user.export", "user", x->subject, NULL, "{\"by\":\"self\"}");
  return fp_store_audit_reason(c, x->now, x->actor, "user.export", "user", x->subject, NULL,
                               "{\"by\":\"system_administrator\",", x->reason);
}

/* ---- the rows, table by table ---- */

struct build {
  struct fp_zip_out *zip;
  json_t *tables; /* the manifest's list */
  json_t *rows;   /* the current table's */
  const struct fp_subject_source *src;
};

static json_t *words(const char *list) {
  json_t *a = json_array();
  for (const char *p = list; p && *p;) {
    while (*p == ' ') p++;
    const char *e = p;
    while (*e && *e != ' ') e++;
    if (e > p) json_array_append_new(a, json_stringn(p, (size_t)(e - p)));
    p = e;
  }
  return a;
}

/* Ends the current table: its rows to data/<table>.json, its line to the manifest. */
static int end_table(struct build *b) {
  if (!b->src) return 0;
  char name[96];
  snprintf(name, sizeof name, "data/%s.json", b->src->table);
  size_t n = json_array_size(b->rows);
  char *text = json_dumps(b->rows, JSON_INDENT(1) | JSON_ENSURE_ASCII);
  json_decref(b->rows);
  b->rows = NULL;
  if (!text) return FP_ENOMEM;
  /* Rows they are in only as the one who acted: which columns those give (null: there are none). */
  json_t *acted = !b->src->acted ? json_null() : b->src->acted_cols ? words(b->src->acted_cols) : json_string("all");
  json_array_append_new(b->tables, json_pack("{s:s, s:s, s:I, s:o, s:o, s:o}", "table", b->src->table, "file", name,
                                             "rows", (json_int_t)n, "matched_by", words(b->src->matched_by), "withheld",
                                             words(b->src->withheld), "columns_where_they_acted", acted));
  b->src = NULL;
  return fp_zip_out_add(b->zip, name, text, strlen(text), true);
}

static int on_table(void *ctx, const struct fp_subject_source *src) {
  struct build *b = ctx;
  int rc = end_table(b);
  if (rc) return rc;
  b->src = src;
  b->rows = json_array();
  return b->rows ? 0 : FP_ENOMEM;
}

static bool ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), m = strlen(tail);
  return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The store keeps times as seconds since 1970 and days as days since 1970: a column so named
   (at, *_at, *_start, *_end, *_until; *_on, *_day) is given in ISO 8601, 0 or out of range as null. */
static json_t *time_or_day(const char *column, int64_t v) {
  if (strcmp(column, "at") == 0 || ends_with(column, "_at") || ends_with(column, "_start") || ends_with(column, "_end") ||
      ends_with(column, "_until"))
    return v > 0 ? fp_json_time(v) : json_null();
  if (ends_with(column, "_on") || ends_with(column, "_day"))
    return v > -25567 && v < 84000 ? fp_json_date((int32_t)v) : json_null(); /* 1900 to 2199 */
  return NULL;
}

static int on_row(void *ctx, const struct fp_subject_value *cols, int n) {
  struct build *b = ctx;
  json_t *o = json_object();
  for (int k = 0; o && k < n; k++) {
    const struct fp_subject_value *v = &cols[k];
    json_t *x = NULL;
    switch (v->kind) {
    case FP_SUBJECT_INT:
      x = time_or_day(v->column, v->i);
      if (!x) x = json_integer(v->i);
      break;
    case FP_SUBJECT_REAL: x = json_real(v->d); break;
    case FP_SUBJECT_TEXT:
      x = json_stringn(v->s ? v->s : "", v->n);
      if (!x) x = json_string("(not valid UTF-8)"); /* every text the store takes is checked; never expected */
      break;
    case FP_SUBJECT_BLOB: {
      size_t len = sodium_base64_encoded_len(v->n, sodium_base64_VARIANT_ORIGINAL);
      char *enc = malloc(len);
      if (enc) {
        sodium_bin2base64(enc, len, (const unsigned char *)v->s, v->n, sodium_base64_VARIANT_ORIGINAL);
        x = json_pack("{s:s}", "base64", enc);
        free(enc);
      }
      break;
    }
    default: x = json_null(); break;
    }
    if (!x || json_object_set_new(o, v->column, x) != 0) {
      json_decref(o);
      return FP_ENOMEM;
    }
  }
  if (!o || json_array_append_new(b->rows, o) != 0) return FP_ENOMEM;
  return 0;
}

/* ---- the evidence files ---- */

struct evidence_list {
  struct fp_evidence *e;
  size_t n, cap;
  int rc;
};

static void collect_evidence(const struct fp_evidence *e, void *ctx) {
  struct evidence_list *l = ctx;
  if (l->rc) return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    struct fp_evidence *p = realloc(l->e, cap * sizeof *p);
    if (!p) {
      l->rc = FP_ENOMEM;
      return;
    }
    l->e = p;
    l->cap = cap;
  }
  l->e[l->n++] = *e;
}

/* The clinician's evidence still kept, into the archive and the manifest's list. */
static int add_evidence(struct fp_conn *c, struct build *b, int64_t clinician_id, json_t *list) {
  if (!clinician_id) return 0;
  struct evidence_list l = {0};
  int rc = fp_store_evidence_of(c, clinician_id, collect_evidence, &l);
  if (!rc) rc = l.rc;
  for (size_t i = 0; !rc && i < l.n; i++) {
    const struct fp_evidence *e = &l.e[i];
    json_t *line = json_pack("{s:I, s:s, s:s, s:s, s:I}", "evidence_id", (json_int_t)e->id, "check", e->check_code,
                             "sha256", e->sha256, "content_type", e->content_type, "bytes", (json_int_t)e->size);
    if (e->deleted_at) {
      /* Deleted at the end of its retention period: the row says so; there is no file to give. */
      json_object_set_new(line, "file", json_null());
      json_object_set_new(line, "deleted_at", fp_json_time(e->deleted_at));
    } else {
      char name[160];
      snprintf(name, sizeof name, "evidence/%lld-%s.%s", (long long)e->id, e->check_code, fp_evidence_ext(e->content_type));
      char *data = NULL;
      size_t len = 0;
      rc = fp_evidence_read(c, e->sha256, &data, &len);
      if (rc == 0) {
        json_object_set_new(line, "file", json_string(name));
        rc = fp_zip_out_add(b->zip, name, data, len, false);
      } else {
        /* An export that leaves a file out is not given. */
        fprintf(stderr, "flexpool: export: evidence %lld (%s) cannot be read: %s\n", (long long)e->id, e->sha256,
                fp_strerror(rc));
      }
    }
    json_array_append_new(list, line);
  }
  free(l.e);
  return rc;
}

/* ---- the archive ---- */

static int build_archive(struct fp_conn *c, const struct fp_user *u, int64_t clinician_id, const struct audit_ctx *who,
                         char **zip, size_t *zip_len) {
  struct build b = {.zip = fp_zip_out_new(who->now), .tables = json_array()};
  json_t *evidence = json_array();
  int rc = b.zip && b.tables && evidence ? 0 : FP_ENOMEM;
  bool snapshot = false;
  if (!rc) rc = fp_store_read_begin(c);
  if (!rc) snapshot = true;
  struct fp_subject_sink sink = {.ctx = &b, .table = on_table, .row = on_row};
  if (!rc) rc = fp_store_subject_rows(c, u->id, clinician_id, u->email, &sink);
  if (!rc) rc = end_table(&b);
  if (!rc) rc = add_evidence(c, &b, clinician_id, evidence);
  if (snapshot) fp_store_read_end(c);
  json_decref(b.rows);
  if (!rc) {
    json_t *m = json_pack(
        "{s:s, s:i, s:{s:I, s:o, s:s, s:s}, s:o, s:I, s:s, s:o, s:o, s:o, s:[s,s,s,s]}", "format",
        "flexpool subject access export", "version", 1, "subject", "user_id", (json_int_t)u->id, "clinician_id",
        clinician_id ? json_integer(clinician_id) : json_null(), "email", u->email, "name", u->name, "made_at",
        fp_json_time(who->now), "made_by_user_id", (json_int_t)who->actor, "made_for",
        who->reason ? "a request to the system administrator" : "the person themselves", "reason",
        who->reason ? json_string(who->reason) : json_null(), "tables", b.tables, "evidence", evidence, "notes",
        "Each file under data/ holds the rows of one table that name this person, as flexpool stores them; "
        "matched_by says which columns name them.",
        "Times (columns at, *_at, *_start, *_end, *_until) are ISO 8601 in UTC and dates (*_on, *_day) ISO 8601, null "
        "where none is recorded; amounts ending _pence are in pence; other numbers are as stored.",
        "Columns listed as withheld are secrets (password and token hashes, keys): they exist but are never given. "
        "Rows about someone else that hold this person only as the one who acted (verified a check, decided an "
        "application, cancelled a booking) give only the columns listed in columns_where_they_acted, so that "
        "the other person's details are not disclosed.",
        "Evidence files deleted at the end of their retention period are listed with deleted_at and no file.");
    b.tables = evidence = NULL; /* taken by the manifest */
    char *text = m ? json_dumps(m, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(m);
    rc = text ? fp_zip_out_add(b.zip, "manifest.json", text, strlen(text), true) : FP_ENOMEM;
  }
  json_decref(b.tables);
  json_decref(evidence);
  if (rc) {
    fp_zip_out_discard(b.zip);
    return rc;
  }
  return fp_zip_out_finish(b.zip, zip, zip_len);
}

/* Audits, then answers with the person's archive. */
static void export_user(struct fp_req *r, int64_t user_id, const char *reason) {
  struct fp_conn *c = fp_store_reader(r->app->store);
  if (!c) {
    fp_reply_error(r, FP_API_UNAVAILABLE, NULL, "the store is not available");
    return;
  }
  struct fp_user u;
  int rc = fp_store_user_by_id(c, user_id, &u);
  if (fp_found_or_respond(r, rc, "user", user_id)) return;
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  int64_t clinician_id = 0;
  char profession[48];
  if ((rc = fp_store_clinician_of_user(c, user_id, &clinician_id, profession, sizeof profession)) != 0) {
    fp_reply_store_error(r, rc);
    return;
  }
  struct audit_ctx who = {.now = r->now, .actor = r->auth.user_id, .subject = user_id, .reason = reason};
  if ((rc = fp_store_write(r->app->store, audit_tx, &who)) != 0) {
    fp_reply_store_error(r, rc); /* not given unless audited */
    return;
  }
  char *zip = NULL;
  size_t len = 0;
  if ((rc = build_archive(c, &u, clinician_id, &who, &zip, &len)) != 0) {
    fprintf(stderr, "flexpool: the export of user %lld failed: %s\n", (long long)user_id, fp_strerror(rc));
    fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "the export could not be made");
    return;
  }
  char day[FP_DATE_STRLEN], disposition[128];
  fp_date_format(fp_uk_day(r->now), day);
  snprintf(disposition, sizeof disposition, "attachment; filename=\"flexpool-export-user-%lld-%s.zip\"",
           (long long)user_id, day);
  r->status = 200;
  r->reply_raw = zip;
  r->reply_raw_len = len;
  r->reply_type = "application/zip";
  fp_req_add_header(r, "Content-Disposition", disposition); /* the server adds no-store to every answer */
}

void fp_h_me_export(struct fp_req *r) { export_user(r, r->auth.user_id, NULL); }

void fp_h_user_export(struct fp_req *r) {
  if (fp_role_or_respond(r, FP_ROLE_SYSADMIN, "only a system administrator can export another person's data"))
    return;
  const char *reason = fp_req_query(r, "reason");
  if (!reason || !*reason) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "reason",
                   "say why: reason is required (the request you are answering, e.g. a subject access request's reference)");
    return;
  }
  if (strlen(reason) > REASON_MAX || !plain_text(reason)) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "reason", "reason must be plain text of at most %d bytes",
                   REASON_MAX);
    return;
  }
  export_user(r, r->params[0], reason);
}
