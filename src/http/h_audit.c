/*
 * The audit log:
 *   GET /api/v1/audit?entity=&entity_id=&actor_user_id=&action=&limit=&cursor=: the append-only
 *     record of every state change (who, what, when, before and after), newest first: the whole log
 *     for a system administrator; for the staff of a practice, a pool or an ICB the changes to the
 *     shifts and bookings of the practices they see (a CQC inspection asks a practice for them) and,
 *     for a pool's administrators, to its members' passport checks (store/audit.h); clinicians 403.
 *     The before and after documents are returned as the JSON they were stored as (null when absent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "http/codec.h"
#include "http/fields.h"
#include "http/routes.h"
#include "store/audit.h"

#define MAX_NAME 64

/* A stored document as JSON: parsed, or the text itself if it is not JSON (older rows), or null. */
static json_t *document(const char *text) {
  if (!text) return json_null();
  json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
  if (!j) j = json_string(text);
  return j ? j : json_null();
}

static void add_entry(const struct fp_audit_entry *e, void *ctx) {
  json_t *j = json_pack("{s:I, s:o, s:o, s:o, s:s, s:s, s:I, s:o, s:o}", "id", (json_int_t)e->id, "at",
                        fp_json_time(e->at), "actor_user_id", fp_json_id(e->actor_user_id), "actor_email",
                        fp_json_str_or_null(e->actor_email), "action", e->action, "entity", e->entity, "entity_id",
                        (json_int_t)e->entity_id, "before", document(e->before), "after", document(e->after));
  json_object_set_new(j, "actor_name", fp_json_str_or_null(e->actor_name));
  fp_page_add(ctx, j, 0, e->id);
}

/* A text filter from the query: at most MAX_NAME bytes. */
static int name_or_respond(struct fp_req *r, const char *name, const char **out) {
  *out = fp_req_query(r, name);
  if (*out && (!**out || strlen(*out) > MAX_NAME)) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, name, "'%s' must be 1 to %d characters", name, MAX_NAME);
    return -1;
  }
  return 0;
}

void fp_h_audit_list(struct fp_req *r) {
  /* A system administrator reads the whole log; the staff of a practice, a pool or an ICB the part
     they answer for (store/audit.h); clinicians none of it. */
  struct fp_scope scope;
  fp_scope_from_auth(&r->auth, r->now, &scope);
  scope.clinician_id = 0;
  scope.profession = NULL;
  bool whole = fp_auth_has(&r->auth, FP_ROLE_SYSADMIN);
  if (!whole && !scope.n_icbs && !scope.n_pools && !scope.n_practices) {
    fp_reply_error(r, FP_API_FORBIDDEN, NULL,
                   "the audit log is for system administrators and the staff of practices, pools and ICBs");
    return;
  }
  struct fp_audit_query q = {.entity_id = -1, .limit = 50, .scope = whole ? NULL : &scope};
  if (name_or_respond(r, "entity", &q.entity) || name_or_respond(r, "action", &q.action) ||
      fp_query_int_or_respond(r, "entity_id", 0, INT64_MAX, &q.entity_id) ||
      fp_query_int_or_respond(r, "actor_user_id", 1, INT64_MAX, &q.actor_user_id) ||
      fp_query_int_or_respond(r, "cursor", 1, INT64_MAX, &q.before_id) || fp_limit_or_respond(r, &q.limit))
    return;
  struct fp_conn *c = fp_store_reader(r->app->store);
  struct fp_page page;
  fp_page_init(&page, NULL);
  bool more = false;
  int rc = c ? fp_store_audit_search(c, &q, add_entry, &page, &more) : FP_EIO;
  fp_reply_page(r, &page, rc, more, false);
}
