/* A person's rows, for subject access. See subject.h. */
#include "store/subject.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/sql.h"

/* Their bookings, invoices and passport checks, for the rows kept about those. */
#define THEIR_BOOKINGS "(SELECT id FROM bookings WHERE clinician_id = ?2)"
#define THEIR_APPLICATIONS "(SELECT id FROM applications WHERE clinician_id = ?2)"
#define THEIR_INVOICES "(SELECT id FROM invoices WHERE clinician_id = ?2)"
#define THEIR_CHECKS "(SELECT id FROM passport_checks WHERE clinician_id = ?2)"

/* {table, matched_by, own, acted, acted_cols, withheld}: see subject.h. */
const struct fp_subject_source FP_SUBJECT_SOURCES[] = {
    /* The account and the clinician. */
    {"users", "id", "id = ?1", NULL, NULL, "password_hash"},
    {"clinicians", "id user_id", "id = ?2 OR user_id = ?1", NULL, NULL, NULL},
    {"user_roles", "user_id", "user_id = ?1", NULL, NULL, NULL},
    {"sessions", "user_id", "user_id = ?1", NULL, NULL, "token_hash csrf"},
    {"login_failures", "account", "account = ?3", NULL, NULL, NULL},
    {"account_tokens", "user_id", "user_id = ?1", NULL, NULL, "token_hash"},
    {"mfa_challenges", "user_id", "user_id = ?1", NULL, NULL, "token_hash"},
    {"user_totp", "user_id", "user_id = ?1", NULL, NULL, "secret"},
    {"recovery_codes", "user_id", "user_id = ?1", NULL, NULL, "code_hash"},
    {"calendar_feeds", "user_id created_by", "user_id = ?1", "created_by = ?1", "id organisation_id created_by created_at",
     "key_hash"},
    {"notifications", "user_id", "user_id = ?1", NULL, NULL, NULL},
    {"outbox", "user_id", "user_id = ?1", NULL, NULL, "secret"},
    /* The pool. */
    {"join_requests", "clinician_id decided_by", "clinician_id = ?2", "decided_by = ?1",
     "id pool_id status decided_by decided_at", NULL},
    {"pool_members", "clinician_id added_by", "clinician_id = ?2", "added_by = ?1",
     "id pool_id organisation_id added_by added_at", NULL},
    {"practice_clinician_marks", "clinician_id added_by", "clinician_id = ?2", "added_by = ?1",
     "practice_id kind added_by added_at", NULL},
    {"passport_pool_requirements", "added_by", NULL, "added_by = ?1", NULL, NULL},
    /* The passport. */
    {"passport_checks", "clinician_id verified_by submitted_by", "clinician_id = ?2",
     "verified_by = ?1 OR submitted_by = ?1", "id check_code status verified_by verified_at submitted_by created_at", NULL},
    {"passport_evidence", "check_id uploaded_by", "check_id IN " THEIR_CHECKS, "uploaded_by = ?1",
     "id check_id content_type uploaded_by uploaded_at", NULL},
    {"passport_access_log", "clinician_id viewer_user_id", "clinician_id = ?2", "viewer_user_id = ?1",
     "id at viewer_user_id what basis organisation_id pool_id", NULL},
    {"passport_grants", "clinician_id granted_by revoked_by", "clinician_id = ?2", "granted_by = ?1 OR revoked_by = ?1",
     "id organisation_id pool_id granted_by created_at revoked_by revoked_at", NULL},
    {"register_flags", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    /* Availability and alerts. */
    {"availability_windows", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    {"availability_exceptions", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    {"alert_prefs", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    {"alert_roles", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    /* Shifts, bookings and their money. */
    {"shifts", "created_by", NULL, "created_by = ?1", NULL, NULL},
    {"shift_escalations", "authorised_by_user", NULL, "authorised_by_user = ?1", NULL, NULL},
    {"applications", "clinician_id decided_by", "clinician_id = ?2", "decided_by = ?1",
     "id shift_id status decided_by decided_at", NULL},
    {"offers", "clinician_id sent_by decided_by", "clinician_id = ?2", "sent_by = ?1 OR decided_by = ?1",
     "id shift_id practice_id status sent_by sent_at decided_by decided_at", NULL},
    {"bookings", "clinician_id created_by cancelled_by_user attendance_by", "clinician_id = ?2",
     "created_by = ?1 OR cancelled_by_user = ?1 OR attendance_by = ?1",
     "id shift_id practice_id status created_by created_at cancelled_by cancelled_by_user cancelled_at attendance"
     " attendance_by attendance_at",
     NULL},
    {"booking_guards", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    /* What they wrote is theirs whole; a thread of their booking or application is theirs whole. */
    {"messages", "author_user_id thread_id",
     "(thread_kind = 'booking' AND thread_id IN " THEIR_BOOKINGS ") OR (thread_kind = 'application' AND thread_id IN "
     THEIR_APPLICATIONS ")",
     "author_user_id = ?1", NULL, NULL},
    {"timesheets", "booking_id submitted_by decided_by", "booking_id IN " THEIR_BOOKINGS,
     "submitted_by = ?1 OR decided_by = ?1", "booking_id state submitted_by submitted_at decided_by decided_at query_reason",
     NULL},
    {"terms", "clinician_id updated_by", "clinician_id = ?2", "updated_by = ?1",
     "id pool_id payment_days cancellation mileage expenses updated_by updated_at", NULL},
    {"invoice_details", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    {"invoices", "clinician_id paid_by", "clinician_id = ?2", "paid_by = ?1", "id practice_id number status paid_by paid_at",
     NULL},
    {"invoice_lines", "invoice_id", "invoice_id IN " THEIR_INVOICES, NULL, NULL, NULL},
    {"form_a_signatures", "signed_by invoice_id", "invoice_id IN " THEIR_INVOICES, "signed_by = ?1",
     "invoice_id signed_by signer_name signer_role signed_at what", NULL},
    {"pension_details", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    {"pension_reminders", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL},
    /* What they recorded as staff, with nobody else's details in it. */
    {"pool_funding", "created_by", NULL, "created_by = ?1", NULL, NULL},
    {"icb_targets", "set_by", NULL, "set_by = ?1", NULL, NULL},
    {"webhooks", "created_by", NULL, "created_by = ?1", NULL, "secret"},
    {"fhir_clients", "created_by", NULL, "created_by = ?1", NULL, "secret_hash"},
    /* The identities (an OpenID Connect provider's) linked to their account, and those they linked. */
    {"oidc_identities", "user_id linked_by", "user_id = ?1", "linked_by = ?1", "issuer user_id linked_by linked_at", NULL},
    /* Each answer of the FHIR API that returned them: their Practitioner or one of their
       PractitionerRoles (store/fhir.h logs the ids returned as a JSON array of "Type/id"). */
    {"fhir_access_log", "ids", "EXISTS (SELECT 1 FROM clinicians cl WHERE cl.id = ?2"
     " AND fhir_access_log.ids LIKE '%\"Practitioner/' || CAST(cl.id AS TEXT) || '\"%')"
     " OR EXISTS (SELECT 1 FROM pool_members pm WHERE pm.clinician_id = ?2"
     " AND fhir_access_log.ids LIKE '%\"PractitionerRole/' || CAST(pm.id AS TEXT) || '\"%')", NULL, NULL, NULL},
    /* The audit trail: what was done to their account and records, whole; what they did to others',
       without its before and after. */
    {"audit", "actor_user_id entity_id",
     "(entity = 'user' AND entity_id = ?1) OR (entity = 'clinician' AND entity_id = ?2)"
     " OR (entity = 'booking' AND entity_id IN " THEIR_BOOKINGS ")"
     " OR (entity = 'application' AND entity_id IN " THEIR_APPLICATIONS ")"
     " OR (entity = 'invoice' AND entity_id IN " THEIR_INVOICES ")"
     " OR (entity = 'passport_check' AND entity_id IN " THEIR_CHECKS ")"
     " OR (entity = 'passport_evidence' AND entity_id IN (SELECT id FROM passport_evidence WHERE check_id IN "
     THEIR_CHECKS "))"
     " OR (entity = 'passport_grant' AND entity_id IN (SELECT id FROM passport_grants WHERE clinician_id = ?2))",
     "actor_user_id = ?1", "id at actor_user_id action entity entity_id", NULL},
};
const size_t FP_SUBJECT_N_SOURCES = sizeof FP_SUBJECT_SOURCES / sizeof FP_SUBJECT_SOURCES[0];

/* Whether column is one of the space-separated names in list. */
static bool listed(const char *list, const char *column) {
  if (!list || !column) return false;
  size_t n = strlen(column);
  for (const char *p = list; *p;) {
    while (*p == ' ') p++;
    const char *e = p;
    while (*e && *e != ' ') e++;
    if ((size_t)(e - p) == n && strncmp(p, column, n) == 0) return true;
    p = e;
  }
  return false;
}

#define MAX_COLS 64

static int rows_of(struct fp_conn *c, const struct fp_subject_source *src, int64_t user_id, int64_t clinician_id,
                   const char *email, const struct fp_subject_sink *sink) {
  char sql[3072];
  const char *own = src->own ? src->own : "0 = 1", *acted = src->acted ? src->acted : "0 = 1";
  /* The last column says whether the row is theirs (1) or only one they acted on (0). */
  int len = snprintf(sql, sizeof sql, "SELECT *, CASE WHEN %s THEN 1 ELSE 0 END FROM %s WHERE (%s) OR (%s) ORDER BY 1",
                     own, src->table, own, acted);
  if (len < 0 || (size_t)len >= sizeof sql) return FP_ETOOBIG;
  fp_stmt *st = fp_db_stmt(c, sql);
  if (!st) return FP_EIO;
  fp_bind_int64(st, 1, user_id);
  fp_bind_int64(st, 2, clinician_id);
  fp_bind_text(st, 3, email ? email : "");
  int rc = 0, s;
  while ((s = fp_step(st)) == FP_ROW) {
    int cols = fp_col_count(st) - 1, n = 0;
    if (cols > MAX_COLS) {
      rc = FP_ETOOBIG; /* a table wider than any the schema has: refuse rather than cut it */
      break;
    }
    bool theirs = fp_col_int64(st, cols) != 0;
    struct fp_subject_value v[MAX_COLS];
    for (int k = 0; k < cols; k++) {
      const char *name = fp_col_name(st, k);
      if (listed(src->withheld, name)) continue;
      if (!theirs && src->acted_cols && !listed(src->acted_cols, name)) continue;
      struct fp_subject_value *x = &v[n++];
      memset(x, 0, sizeof *x);
      x->column = name;
      switch (fp_col_type(st, k)) {
      case FP_COL_INT: x->kind = FP_SUBJECT_INT; x->i = fp_col_int64(st, k); break;
      case FP_COL_REAL: x->kind = FP_SUBJECT_REAL; x->d = fp_col_double(st, k); break;
      case FP_COL_TEXT:
        x->kind = FP_SUBJECT_TEXT;
        x->s = fp_col_text(st, k);
        x->n = fp_col_bytes(st, k);
        break;
      case FP_COL_BLOB:
        x->kind = FP_SUBJECT_BLOB;
        x->s = fp_col_blob(st, k);
        x->n = fp_col_bytes(st, k);
        break;
      default: x->kind = FP_SUBJECT_NULL; break;
      }
    }
    if ((rc = sink->row(sink->ctx, v, n)) != 0) break;
  }
  if (!rc && s != FP_ROW && s != FP_DONE) rc = FP_EIO;
  fp_reset(st);
  return rc;
}

int fp_store_subject_rows(struct fp_conn *c, int64_t user_id, int64_t clinician_id, const char *email,
                          const struct fp_subject_sink *sink) {
  for (size_t i = 0; i < FP_SUBJECT_N_SOURCES; i++) {
    const struct fp_subject_source *src = &FP_SUBJECT_SOURCES[i];
    int rc = sink->table(sink->ctx, src);
    if (!rc) rc = rows_of(c, src, user_id, clinician_id, email, sink);
    if (rc) return rc;
  }
  return 0;
}
