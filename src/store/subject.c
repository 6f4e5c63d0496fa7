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

/* The audit rows about them: their account and records. */
#define AUDIT_OWN                                                                                                     \
  "(entity = 'user' AND entity_id = ?1) OR (entity = 'clinician' AND entity_id = ?2)"                                  \
  " OR (entity = 'booking' AND entity_id IN " THEIR_BOOKINGS ")"                                                       \
  " OR (entity = 'application' AND entity_id IN " THEIR_APPLICATIONS ")"                                               \
  " OR (entity = 'invoice' AND entity_id IN " THEIR_INVOICES ")"                                                       \
  " OR (entity = 'passport_check' AND entity_id IN " THEIR_CHECKS ")"                                                  \
  " OR (entity = 'passport_evidence' AND entity_id IN (SELECT id FROM passport_evidence WHERE check_id IN "            \
  THEIR_CHECKS "))"                                                                                                    \
  " OR (entity = 'passport_grant' AND entity_id IN (SELECT id FROM passport_grants WHERE clinician_id = ?2))"          \
  " OR (entity = 'pool_member' AND entity_id IN (SELECT id FROM pool_members WHERE clinician_id = ?2))"                \
  " OR (entity = 'join_request' AND entity_id IN (SELECT id FROM join_requests WHERE clinician_id = ?2))"              \
  " OR (entity = 'timesheet' AND entity_id IN " THEIR_BOOKINGS ")"

#define KEEP FP_ERASE_KEEP

/* Another person's text that mentions them (?5 their name, when it is long enough to be told apart
   from ordinary words; ?3 their email), and the text with those replaced. */
#define MENTIONS(col) "((length(?5) >= 5 AND " col " LIKE '%' || ?5 || '%') OR " col " LIKE '%' || ?3 || '%')"
#define SCRUB(col)                                                                                                    \
  "replace(CASE WHEN length(?5) >= 5 THEN replace(" col ", ?5, 'Erased person') ELSE " col " END, ?3, 'erased address')"

/* {table, matched_by, own, acted, acted_cols, withheld, erase}: see subject.h. */
const struct fp_subject_source FP_SUBJECT_SOURCES[] = {
    /* The account and the clinician: the id stays as the pseudonym, everything that says who it was goes. */
    {"users", "id", "id = ?1", NULL, NULL, "password_hash",
     "UPDATE users SET email = 'erased-' || CAST(id AS TEXT) || '@erased.invalid', name = 'Erased person',"
     " password_hash = '', must_change_password = 0, erased_at = ?4 WHERE id = ?1"},
    {"clinicians", "id user_id", "id = ?2 OR user_id = ?1", NULL, NULL, NULL,
     "UPDATE clinicians SET registration_number = NULL, home_postcode = NULL, phone = NULL, travel_radius_km = NULL"
     " WHERE id = ?2"},
    {"user_roles", "user_id", "user_id = ?1", NULL, NULL, NULL, "DELETE FROM user_roles WHERE user_id = ?1"},
    {"sessions", "user_id", "user_id = ?1", NULL, NULL, "token_hash csrf", "DELETE FROM sessions WHERE user_id = ?1"},
    {"login_failures", "account", "account = ?3", NULL, NULL, NULL, "DELETE FROM login_failures WHERE account = ?3"},
    {"account_tokens", "user_id", "user_id = ?1", NULL, NULL, "token_hash", "DELETE FROM account_tokens WHERE user_id = ?1"},
    {"mfa_challenges", "user_id", "user_id = ?1", NULL, NULL, "token_hash", "DELETE FROM mfa_challenges WHERE user_id = ?1"},
    {"user_totp", "user_id", "user_id = ?1", NULL, NULL, "secret", "DELETE FROM user_totp WHERE user_id = ?1"},
    {"recovery_codes", "user_id", "user_id = ?1", NULL, NULL, "code_hash", "DELETE FROM recovery_codes WHERE user_id = ?1"},
    {"calendar_feeds", "user_id created_by", "user_id = ?1", "created_by = ?1", "id organisation_id created_by created_at",
     "key_hash", "DELETE FROM calendar_feeds WHERE user_id = ?1"},
    /* Theirs go; in others' (a practice told that they booked), their name and address are replaced. */
    {"notifications", "user_id", "user_id = ?1", NULL, NULL, NULL,
     "DELETE FROM notifications WHERE user_id = ?1;"
     "UPDATE notifications SET subject = " SCRUB("subject") ", body = " SCRUB("body")
     " WHERE " MENTIONS("subject") " OR " MENTIONS("body")},
    {"outbox", "user_id", "user_id = ?1", NULL, NULL, "secret",
     "DELETE FROM outbox_attempts WHERE outbox_id IN (SELECT id FROM outbox WHERE user_id = ?1);"
     "DELETE FROM outbox WHERE user_id = ?1;"
     "UPDATE outbox SET subject = " SCRUB("subject") ", body = " SCRUB("body")
     " WHERE " MENTIONS("subject") " OR " MENTIONS("body")},
    /* The pool: memberships stay for the figures; what was written about them goes. */
    {"join_requests", "clinician_id decided_by", "clinician_id = ?2", "decided_by = ?1",
     "id pool_id status decided_by decided_at", NULL,
     "UPDATE join_requests SET message = NULL, reason = NULL WHERE clinician_id = ?2"},
    {"pool_members", "clinician_id added_by", "clinician_id = ?2", "added_by = ?1",
     "id pool_id organisation_id added_by added_at", NULL, KEEP},
    {"practice_clinician_marks", "clinician_id added_by", "clinician_id = ?2", "added_by = ?1",
     "practice_id kind added_by added_at", NULL, "DELETE FROM practice_clinician_marks WHERE clinician_id = ?2"},
    {"passport_pool_requirements", "added_by", NULL, "added_by = ?1", NULL, NULL, KEEP},
    /* The passport: each check's record stays (what was checked, when, by whom); its reference and
       note go, and its evidence is marked deleted (the upkeep removes each file no kept row uses). */
    {"passport_checks", "clinician_id verified_by submitted_by", "clinician_id = ?2",
     "verified_by = ?1 OR submitted_by = ?1", "id check_code status verified_by verified_at submitted_by created_at", NULL,
     "UPDATE passport_checks SET reference = NULL, note = NULL WHERE clinician_id = ?2"},
    {"passport_evidence", "check_id uploaded_by", "check_id IN " THEIR_CHECKS, "uploaded_by = ?1",
     "id check_id content_type uploaded_by uploaded_at", NULL,
     "UPDATE passport_evidence SET deleted_at = COALESCE(deleted_at, ?4), deleted_reason = COALESCE(deleted_reason,"
     " 'erasure'), filename = NULL WHERE check_id IN " THEIR_CHECKS},
    {"passport_access_log", "clinician_id viewer_user_id", "clinician_id = ?2", "viewer_user_id = ?1",
     "id at viewer_user_id what basis organisation_id pool_id", NULL, KEEP},
    {"passport_grants", "clinician_id granted_by revoked_by", "clinician_id = ?2", "granted_by = ?1 OR revoked_by = ?1",
     "id organisation_id pool_id granted_by created_at revoked_by revoked_at", NULL, KEEP},
    {"register_flags", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL,
     "DELETE FROM register_flags WHERE clinician_id = ?2"},
    /* Availability and alerts: they served the account alone. */
    {"availability_windows", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL,
     "DELETE FROM availability_windows WHERE clinician_id = ?2"},
    {"availability_exceptions", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL,
     "DELETE FROM availability_exceptions WHERE clinician_id = ?2"},
    {"alert_prefs", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL, "DELETE FROM alert_prefs WHERE clinician_id = ?2"},
    {"alert_roles", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL, "DELETE FROM alert_roles WHERE clinician_id = ?2"},
    /* Shifts, bookings and their money: kept for the ICB's figures and the invoices' numbering, with
       the person as a pseudonym; the words written about them go. */
    {"shifts", "created_by", NULL, "created_by = ?1", NULL, NULL, KEEP},
    {"shift_escalations", "authorised_by_user", NULL, "authorised_by_user = ?1", NULL, NULL, KEEP},
    {"applications", "clinician_id decided_by", "clinician_id = ?2", "decided_by = ?1",
     "id shift_id status decided_by decided_at", NULL,
     "UPDATE applications SET message = NULL, reason = NULL WHERE clinician_id = ?2"},
    {"offers", "clinician_id sent_by decided_by", "clinician_id = ?2", "sent_by = ?1 OR decided_by = ?1",
     "id shift_id practice_id status sent_by sent_at decided_by decided_at", NULL, KEEP},
    {"bookings", "clinician_id created_by cancelled_by_user attendance_by", "clinician_id = ?2",
     "created_by = ?1 OR cancelled_by_user = ?1 OR attendance_by = ?1",
     "id shift_id practice_id status created_by created_at cancelled_by cancelled_by_user cancelled_at attendance"
     " attendance_by attendance_at",
     NULL, "UPDATE bookings SET reason = NULL WHERE clinician_id = ?2 AND reason IS NOT NULL"},
    {"booking_guards", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL, KEEP},
    /* What they wrote is theirs whole; a thread of their booking or application is theirs whole:
       their threads go, and what they wrote in others' is blanked. */
    {"messages", "author_user_id thread_id",
     "(thread_kind = 'booking' AND thread_id IN " THEIR_BOOKINGS ") OR (thread_kind = 'application' AND thread_id IN "
     THEIR_APPLICATIONS ")",
     "author_user_id = ?1", NULL, NULL,
     "DELETE FROM messages WHERE (thread_kind = 'booking' AND thread_id IN " THEIR_BOOKINGS ") OR (thread_kind ="
     " 'application' AND thread_id IN " THEIR_APPLICATIONS ");"
     "UPDATE messages SET body = '(erased)' WHERE author_user_id = ?1"},
    {"timesheets", "booking_id submitted_by decided_by", "booking_id IN " THEIR_BOOKINGS,
     "submitted_by = ?1 OR decided_by = ?1", "booking_id state submitted_by submitted_at decided_by decided_at query_reason",
     NULL, "UPDATE timesheets SET expenses_note = NULL, query_reason = NULL WHERE booking_id IN " THEIR_BOOKINGS},
    {"terms", "clinician_id updated_by", "clinician_id = ?2", "updated_by = ?1",
     "id pool_id payment_days cancellation mileage expenses updated_by updated_at", NULL, KEEP},
    {"invoice_details", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL,
     "DELETE FROM invoice_details WHERE clinician_id = ?2"},
    /* An invoice's number, amounts and customer stay; its issuer (their name, address and bank
       details) is cleared, which the database allows only for a person in the erasure ledger. */
    {"invoices", "clinician_id paid_by", "clinician_id = ?2", "paid_by = ?1", "id practice_id number status paid_by paid_at",
     NULL,
     "UPDATE invoices SET issuer_name = 'Erased person', issuer_detail = '' WHERE clinician_id = ?2"
     " AND (issuer_name <> 'Erased person' OR issuer_detail <> '')"},
    {"invoice_lines", "invoice_id", "invoice_id IN " THEIR_INVOICES, NULL, NULL, NULL, KEEP},
    {"form_a_signatures", "signed_by invoice_id", "invoice_id IN " THEIR_INVOICES, "signed_by = ?1",
     "invoice_id signed_by signer_name signer_role signed_at what", NULL,
     "UPDATE form_a_signatures SET signer_name = 'Erased person' WHERE signed_by = ?1"},
    {"pension_details", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL,
     "DELETE FROM pension_details WHERE clinician_id = ?2"},
    {"pension_reminders", "clinician_id", "clinician_id = ?2", NULL, NULL, NULL,
     "DELETE FROM pension_reminders WHERE clinician_id = ?2"},
    /* What they recorded as staff, with nobody else's details in it. */
    {"pool_funding", "created_by", NULL, "created_by = ?1", NULL, NULL, KEEP},
    {"icb_targets", "set_by", NULL, "set_by = ?1", NULL, NULL, KEEP},
    {"webhooks", "created_by", NULL, "created_by = ?1", NULL, "secret", KEEP},
    {"fhir_clients", "created_by", NULL, "created_by = ?1", NULL, "secret_hash", KEEP},
    /* The identities (an OpenID Connect provider's) linked to their account, and those they linked. */
    {"oidc_identities", "user_id linked_by", "user_id = ?1", "linked_by = ?1", "issuer user_id linked_by linked_at", NULL,
     "DELETE FROM oidc_identities WHERE user_id = ?1"},
    /* Each answer of the FHIR API that returned them: their Practitioner or one of their
       PractitionerRoles (store/fhir.h logs the ids returned as a JSON array of "Type/id"). */
    {"fhir_access_log", "ids", "EXISTS (SELECT 1 FROM clinicians cl WHERE cl.id = ?2"
     " AND fhir_access_log.ids LIKE '%\"Practitioner/' || CAST(cl.id AS TEXT) || '\"%')"
     " OR EXISTS (SELECT 1 FROM pool_members pm WHERE pm.clinician_id = ?2"
     " AND fhir_access_log.ids LIKE '%\"PractitionerRole/' || CAST(pm.id AS TEXT) || '\"%')", NULL, NULL, NULL, KEEP},
    /* The audit trail: what was done to their account and records, whole; what they did to others',
       without its before and after. The rows stay (append-only); their before and after documents,
       in audit_personal, go with the person. */
    {"audit", "actor_user_id entity_id", AUDIT_OWN, "actor_user_id = ?1", "id at actor_user_id action entity entity_id",
     NULL, KEEP},
    {"audit_personal", "audit_id", "audit_id IN (SELECT id FROM audit WHERE " AUDIT_OWN ")", NULL, NULL, NULL,
     "DELETE FROM audit_personal WHERE audit_id IN (SELECT id FROM audit WHERE " AUDIT_OWN ")"},
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
