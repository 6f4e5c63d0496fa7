/*
 * routes.c - every endpoint of the API, in one table. docs/openapi.yaml must describe each of
 * these (tests/api/test_openapi.c fails otherwise).
 */
#include "http/routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A route's dialect is FP_DIALECT_API unless given: the table leaves it out. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const struct fp_route fp_routes[] = {
    {"GET", "/healthz", fp_h_healthz, FP_PUBLIC, 0, NULL},
    {"GET", "/readyz", fp_h_readyz, FP_PUBLIC, 0, NULL},

    {"POST", "/api/v1/sessions", fp_h_session_create, FP_PUBLIC, 0, NULL},
    {"POST", "/api/v1/sessions/second-factor", fp_h_session_second_factor, FP_PUBLIC, 0, NULL},
    {"GET", "/api/v1/sessions/current", fp_h_session_current, FP_PUBLIC, 0, NULL},
    {"GET", "/api/v1/oidc/authorization", fp_h_oidc_authorization, FP_PUBLIC, 0, NULL},
    {"GET", "/api/v1/oidc/callback", fp_h_oidc_callback, FP_PUBLIC, 0,
     "code state scope iss client_id session_state error error_description error_uri"},
    {"DELETE", "/api/v1/sessions/current", fp_h_session_delete, FP_OWN_ACCOUNT, 0, NULL},
    {"GET", "/api/v1/me", fp_h_me, FP_OWN_ACCOUNT, 0, NULL},
    {"PUT", "/api/v1/me/password", fp_h_me_password, FP_OWN_ACCOUNT, 0, NULL},
    {"POST", "/api/v1/me/totp", fp_h_totp_begin, FP_MFA_SETUP, 0, NULL},
    {"POST", "/api/v1/me/totp/confirmation", fp_h_totp_confirm, FP_MFA_SETUP, 0, NULL},
    {"POST", "/api/v1/me/totp/removal", fp_h_totp_remove, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/me/join-requests", fp_h_me_join_requests, FP_SIGNED_IN, 0, "sort limit cursor"},
    {"GET", "/api/v1/me/availability", fp_h_me_availability, FP_SIGNED_IN, 0, NULL},
    {"PUT", "/api/v1/me/availability", fp_h_me_availability_put, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/me/alert-preferences", fp_h_me_alert_prefs, FP_SIGNED_IN, 0, NULL},
    {"PUT", "/api/v1/me/alert-preferences", fp_h_me_alert_prefs_put, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/me/invoice-details", fp_h_me_invoice_details, FP_SIGNED_IN, 0, NULL},
    {"PUT", "/api/v1/me/invoice-details", fp_h_me_invoice_details_put, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/me/terms", fp_h_me_terms, FP_SIGNED_IN, 0, NULL},
    {"PUT", "/api/v1/me/terms", fp_h_me_terms_put, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/me/export", fp_h_me_export, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/me/pension", fp_h_me_pension, FP_SIGNED_IN, 0, NULL},
    {"PUT", "/api/v1/me/pension", fp_h_me_pension_put, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pension-forms", fp_h_pension_forms, FP_SIGNED_IN, 0, "month"},
    {"GET", "/api/v1/pension-forms/{year}-{month}.pdf", fp_h_pension_forms_pdf, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/me/calendar", fp_h_me_calendar, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/me/calendar/renewal", fp_h_me_calendar_renewal, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/calendar-feed", fp_h_calendar_feed, FP_PUBLIC, 0, "key"},

    {"POST", "/api/v1/organisations", fp_h_org_create, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/organisations", fp_h_org_list, FP_SIGNED_IN, 0, "level parent_id q active sort limit cursor"},
    {"GET", "/api/v1/organisations/{id}", fp_h_org_get, FP_SIGNED_IN, 0, NULL},
    {"PATCH", "/api/v1/organisations/{id}", fp_h_org_patch, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/organisations/{id}/calendar", fp_h_org_calendar, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/organisations/{id}/calendar/renewal", fp_h_org_calendar_renewal, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/organisations/{id}/available-clinicians", fp_h_available_clinicians, FP_SIGNED_IN, 0, "date session start end profession limit cursor"},
    {"GET", "/api/v1/organisations/{id}/favourites", fp_h_favourites, FP_SIGNED_IN, 0, "limit cursor"},
    {"PUT", "/api/v1/organisations/{id}/favourites/{clinician_id}", fp_h_favourite_put, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/organisations/{id}/favourites/{clinician_id}", fp_h_favourite_delete, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/organisations/{id}/blocked", fp_h_blocked, FP_SIGNED_IN, 0, "limit cursor"},
    {"PUT", "/api/v1/organisations/{id}/blocked/{clinician_id}", fp_h_blocked_put, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/organisations/{id}/blocked/{clinician_id}", fp_h_blocked_delete, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/organisations/{id}/targets", fp_h_targets, FP_SIGNED_IN, 0, NULL},
    {"PUT", "/api/v1/organisations/{id}/targets/{year}", fp_h_targets_set, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/organisations/{id}/webhooks", fp_h_webhooks, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/organisations/{id}/webhooks", fp_h_webhook_create, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/organisations/{id}/webhooks/{webhook_id}", fp_h_webhook_delete, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/organisations/{id}/webhook-deliveries", fp_h_webhook_deliveries, FP_SIGNED_IN, 0, "limit cursor"},

    {"POST", "/api/v1/users", fp_h_user_create, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/users", fp_h_user_list, FP_SIGNED_IN, 0, "limit cursor q active sort"},
    {"GET", "/api/v1/users/{id}", fp_h_user_get, FP_SIGNED_IN, 0, NULL},
    {"PATCH", "/api/v1/users/{id}", fp_h_user_patch, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/users/{id}/export", fp_h_user_export, FP_SIGNED_IN, 0, "reason"},
    {"GET", "/api/v1/users/{id}/identities", fp_h_user_identities, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/users/{id}/identities", fp_h_user_identity_link, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/users/{id}/identities/removal", fp_h_user_identity_unlink, FP_SIGNED_IN, 0, NULL},

    {"GET", "/api/v1/professions", fp_h_professions, FP_PUBLIC, 0, NULL},
    {"POST", "/api/v1/clinicians", fp_h_clinician_register, FP_PUBLIC, 0, NULL},
    {"GET", "/api/v1/clinicians", fp_h_clinician_list, FP_SIGNED_IN, 0, "pool_id profession limit cursor"},
    {"GET", "/api/v1/clinicians/{id}", fp_h_clinician_get, FP_SIGNED_IN, 0, NULL},
    {"PATCH", "/api/v1/clinicians/{id}", fp_h_clinician_patch, FP_SIGNED_IN, 0, NULL},

    {"POST", "/api/v1/pools", fp_h_pool_create, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pools", fp_h_pool_list, FP_SIGNED_IN, 0, "limit cursor"},
    {"GET", "/api/v1/pools/{id}", fp_h_pool_get, FP_SIGNED_IN, 0, NULL},
    {"PATCH", "/api/v1/pools/{id}", fp_h_pool_patch, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pools/{id}/capacity", fp_h_pool_capacity, FP_SIGNED_IN, 0, "from to"},
    {"GET", "/api/v1/pools/{id}/terms", fp_h_pool_terms, FP_SIGNED_IN, 0, NULL},
    {"PUT", "/api/v1/pools/{id}/terms", fp_h_pool_terms_put, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pools/{id}/rate-policy", fp_h_pool_rate_policy, FP_SIGNED_IN, 0, NULL},
    {"PUT", "/api/v1/pools/{id}/rate-policy", fp_h_pool_rate_policy_put, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pools/{id}/funding", fp_h_pool_funding, FP_SIGNED_IN, 0, "year"},
    {"POST", "/api/v1/pools/{id}/funding", fp_h_pool_funding_add, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pools/{id}/return", fp_h_pool_return, FP_SIGNED_IN, 0, "month"},
    {"GET", "/api/v1/pools/{id}/return.csv", fp_h_pool_return_csv, FP_SIGNED_IN, 0, "month"},
    {"GET", "/api/v1/pools/{id}/roles", fp_h_pool_role_list, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/pools/{id}/roles", fp_h_pool_role_create, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pools/{id}/members", fp_h_pool_members, FP_SIGNED_IN, 0, "kind q profession sort limit cursor"},
    {"POST", "/api/v1/pools/{id}/members", fp_h_pool_member_add, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pools/{id}/members/{member_id}", fp_h_pool_member_get, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/pools/{id}/members/{member_id}", fp_h_pool_member_remove, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/pools/{id}/join-requests", fp_h_join_request_create, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/pools/{id}/join-requests", fp_h_join_request_list, FP_SIGNED_IN, 0, "status q profession sort limit cursor"},
    {"POST", "/api/v1/join-requests/{id}/accept", fp_h_join_request_accept, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/join-requests/{id}/decline", fp_h_join_request_decline, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/join-requests/{id}/withdraw", fp_h_join_request_withdraw, FP_SIGNED_IN, 0, NULL},

    {"POST", "/api/v1/shifts", fp_h_shift_create, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/shifts", fp_h_shift_list, FP_SIGNED_IN, 0, "status sort series_id q role from to practice_id pool_id min_rate_pence near_postcode radius_km limit cursor"},
    {"GET", "/api/v1/shifts/{id}", fp_h_shift_get, FP_SIGNED_IN, 0, NULL},
    {"PATCH", "/api/v1/shifts/{id}", fp_h_shift_patch, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/shifts/{id}", fp_h_shift_delete, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/shifts/{id}/reopen", fp_h_shift_reopen, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/shifts/{id}/escalations", fp_h_shift_escalations, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/shifts/{id}/rate-approval", fp_h_shift_rate_approval, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/shifts/{id}/rate-refusal", fp_h_shift_rate_refusal, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/series/{id}", fp_h_series_get, FP_SIGNED_IN, 0, NULL},
    {"PATCH", "/api/v1/series/{id}", fp_h_series_patch, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/series/{id}", fp_h_series_delete, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/shifts/{id}/booking", fp_h_booking_create, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/shifts/{id}/applications", fp_h_application_create, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/shifts/{id}/offers", fp_h_offer_create, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/shifts/{id}/offers", fp_h_shift_offers, FP_SIGNED_IN, 0, "limit cursor"},

    {"GET", "/api/v1/offers", fp_h_offer_list, FP_SIGNED_IN, 0, "limit cursor"},
    {"GET", "/api/v1/offers/{id}", fp_h_offer_get, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/offers/{id}/accept", fp_h_offer_accept, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/offers/{id}/decline", fp_h_offer_decline, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/offers/{id}/withdraw", fp_h_offer_withdraw, FP_SIGNED_IN, 0, NULL},

    {"GET", "/api/v1/bookings", fp_h_booking_list, FP_SIGNED_IN, 0, "status clinician_id shift_id from to when timesheet sort q limit cursor"},
    {"GET", "/api/v1/bookings/{id}", fp_h_booking_get, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/bookings/{id}/cancellation", fp_h_booking_cancel, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/bookings/{id}/did-not-attend", fp_h_booking_did_not_attend, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/bookings/{id}/timesheet", fp_h_booking_timesheet_submit, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/bookings/{id}/timesheet/approval", fp_h_booking_timesheet_approve, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/bookings/{id}/timesheet/query", fp_h_booking_timesheet_query, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/bookings/{id}/messages", fp_h_booking_messages, FP_SIGNED_IN, 0, "limit cursor"},
    {"POST", "/api/v1/bookings/{id}/messages", fp_h_booking_message_create, FP_SIGNED_IN, 0, NULL},

    {"GET", "/api/v1/applications", fp_h_application_list, FP_SIGNED_IN, 0, "status shift_id clinician_id sort q limit cursor"},
    {"GET", "/api/v1/applications/{id}", fp_h_application_get, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/applications/{id}/accept", fp_h_application_accept, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/applications/{id}/decline", fp_h_application_decline, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/applications/{id}/withdraw", fp_h_application_withdraw, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/applications/{id}/messages", fp_h_application_messages, FP_SIGNED_IN, 0, "limit cursor"},
    {"POST", "/api/v1/applications/{id}/messages", fp_h_application_message_create, FP_SIGNED_IN, 0, NULL},

    {"GET", "/api/v1/audit", fp_h_audit_list, FP_SIGNED_IN, 0, "entity entity_id actor_user_id action limit cursor"},
    {"GET", "/api/v1/metrics", fp_h_metrics, FP_SIGNED_IN, 0, "from to"},
    {"GET", "/api/v1/metrics.csv", fp_h_metrics_csv, FP_SIGNED_IN, 0, "from to"},
    {"GET", "/api/v1/metrics.xlsx", fp_h_metrics_xlsx, FP_SIGNED_IN, 0, "from to"},
    {"GET", "/api/v1/metrics/clinicians", fp_h_metrics_clinicians, FP_SIGNED_IN, 0, "from to"},
    {"GET", "/api/v1/metrics/clinicians.csv", fp_h_metrics_clinicians_csv, FP_SIGNED_IN, 0, "from to"},
    {"GET", "/api/v1/metrics/clinicians.xlsx", fp_h_metrics_clinicians_xlsx, FP_SIGNED_IN, 0, "from to"},
    {"GET", "/api/v1/metrics/trend", fp_h_metrics_trend, FP_SIGNED_IN, 0, "from to by area"},
    {"GET", "/api/v1/metrics/trend.csv", fp_h_metrics_trend_csv, FP_SIGNED_IN, 0, "from to by area"},
    {"GET", "/api/v1/metrics/trend.xlsx", fp_h_metrics_trend_xlsx, FP_SIGNED_IN, 0, "from to by area"},
    {"GET", "/api/v1/reports", fp_h_reports, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/reports/{id}.csv", fp_h_report_csv, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/reports/{id}.pdf", fp_h_report_pdf, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/demo-accounts", fp_h_demo_accounts, FP_PUBLIC, 0, NULL},
    {"GET", "/api/v1/demo-mailbox", fp_h_demo_mailbox, FP_PUBLIC, 0, NULL},
    {"POST", "/api/v1/password-resets", fp_h_password_reset_request, FP_PUBLIC, 0, NULL},
    {"POST", "/api/v1/password-resets/{token}", fp_h_password_reset_use, FP_PUBLIC, 0, NULL},
    {"POST", "/api/v1/me/email-changes", fp_h_email_change_request, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/email-changes/{token}", fp_h_email_change_confirm, FP_PUBLIC, 0, NULL},
    {"GET", "/api/v1/me/notifications", fp_h_notifications_list, FP_SIGNED_IN, 0, "limit cursor"},
    {"GET", "/api/v1/me/events", fp_h_me_events, FP_SIGNED_IN_PASSIVE, 0, NULL},
    {"POST", "/api/v1/me/notifications/read", fp_h_notifications_read_all, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/me/notifications/{id}/read", fp_h_notification_read, FP_SIGNED_IN, 0, NULL},

    /* The passport (h_passport.c). An upload is one file of at most 10 MB plus the form around it. */
    {"GET", "/api/v1/clinicians/{id}/passport", fp_h_passport_get, FP_SIGNED_IN, 0, "on pool_id"},
    {"POST", "/api/v1/clinicians/{id}/passport/evidence", fp_h_passport_evidence_upload, FP_SIGNED_IN,
     10 * 1024 * 1024 + 64 * 1024, NULL},
    {"GET", "/api/v1/clinicians/{id}/passport/access-log", fp_h_passport_access_log, FP_SIGNED_IN, 0, "limit cursor"},
    {"GET", "/api/v1/clinicians/{id}/passport/grants", fp_h_passport_grant_list, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/clinicians/{id}/passport/grants", fp_h_passport_grant_create, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/passport/grants/{id}", fp_h_passport_grant_revoke, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/evidence/{id}", fp_h_evidence_get, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/passport/checks/{id}/verification", fp_h_passport_verify, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/passport/queue", fp_h_passport_queue, FP_SIGNED_IN, 0, "pool_id q profession code sort limit cursor"},
    {"GET", "/api/v1/passport/check-types", fp_h_passport_check_types, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/passport/requirements", fp_h_passport_requirements, FP_SIGNED_IN, 0, "profession pool_id"},
    {"PUT", "/api/v1/passport/requirements", fp_h_passport_requirement_put, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/passport/requirements", fp_h_passport_requirements_clear, FP_SIGNED_IN, 0, "profession pool_id"},
    {"GET", "/api/v1/pools/{id}/compliance", fp_h_pool_compliance, FP_SIGNED_IN, 0, "on within state profession q sort limit cursor"},
    {"GET", "/api/v1/invoices", fp_h_invoice_list, FP_SIGNED_IN, 0, "limit cursor status practice_id clinician_id from to"},
    {"GET", "/api/v1/invoices.csv", fp_h_invoice_csv, FP_SIGNED_IN, 0, "status practice_id clinician_id from to"},
    {"GET", "/api/v1/invoices/statement", fp_h_invoice_statement, FP_SIGNED_IN, 0, "month practice_id"},
    {"GET", "/api/v1/invoices/{id}", fp_h_invoice_get, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/invoices/{id}.pdf", fp_h_invoice_pdf, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/invoices/{id}/pension-signature", fp_h_invoice_form_a_sign, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/invoices/{id}/payment", fp_h_invoice_pay, FP_SIGNED_IN, 0, NULL},
    {"POST", "/api/v1/invoices/{id}/credit", fp_h_invoice_credit, FP_SIGNED_IN, 0, NULL},

    /* The FHIR R4 API for other NHS systems and its OAuth token endpoint (docs/FHIR.md: not in
       docs/openapi.yaml), and the system administrator's register of its clients. */
    {"POST", "/api/v1/fhir-clients", fp_h_fhir_client_create, FP_SIGNED_IN, 0, NULL},
    {"GET", "/api/v1/fhir-clients", fp_h_fhir_client_list, FP_SIGNED_IN, 0, NULL},
    {"DELETE", "/api/v1/fhir-clients/{id}", fp_h_fhir_client_delete, FP_SIGNED_IN, 0, NULL},
    {"POST", "/oauth/token", fp_h_oauth_token, FP_PUBLIC, 4096, NULL, FP_DIALECT_OAUTH},
    {"GET", "/fhir/r4/metadata", fp_h_fhir_metadata, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/.well-known/smart-configuration", fp_h_fhir_smart_configuration, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/Practitioner", fp_h_fhir_search, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/Practitioner/{token}", fp_h_fhir_read, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/PractitionerRole", fp_h_fhir_search, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/PractitionerRole/{token}", fp_h_fhir_read, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/Organization", fp_h_fhir_search, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/Organization/{token}", fp_h_fhir_read, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/HealthcareService", fp_h_fhir_search, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/HealthcareService/{token}", fp_h_fhir_read, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/Schedule", fp_h_fhir_search, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/Schedule/{token}", fp_h_fhir_read, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/Slot", fp_h_fhir_search, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
    {"GET", "/fhir/r4/Slot/{token}", fp_h_fhir_read, FP_PUBLIC, 0, NULL, FP_DIALECT_FHIR},
};
#pragma GCC diagnostic pop

const size_t fp_n_routes = sizeof fp_routes / sizeof fp_routes[0];

/* Matches one pattern; params filled on success. */
static bool match(const char *pattern, const char *path, int64_t *params, int *n_params) {
  int n = 0;
  const char *p = pattern, *s = path;
  while (*p && *s) {
    if (*p == '{') {
      const char *close = strchr(p, '}');
      if (!close) return false;
      if (strncmp(p, "{token}", 7) == 0) { /* a single-use link's token: base64url, read by the handler from the path */
        size_t len = 0;
        while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_') {
          if (++len > FP_ROUTE_TOKEN_MAX) return false;
          s++;
        }
        if (len == 0) return false;
        p = close + 1;
        continue;
      }
      p = close + 1;
      int64_t v = 0;
      int digits = 0;
      while (*s >= '0' && *s <= '9') {
        if (++digits > 15) return false;
        v = v * 10 + (*s - '0');
        s++;
      }
      if (digits == 0 || v <= 0 || n >= FP_MAX_PARAMS) return false;
      params[n++] = v;
      continue;
    }
    if (*p != *s) return false;
    p++;
    s++;
  }
  if (*p || *s) return false;
  *n_params = n;
  return true;
}

const struct fp_route *fp_route_match(const char *method, const char *path, int64_t *params, int *n_params,
                                      bool *path_known) {
  *path_known = false;
  int64_t tmp[FP_MAX_PARAMS];
  int ntmp;
  for (size_t i = 0; i < fp_n_routes; i++) {
    if (!match(fp_routes[i].pattern, path, tmp, &ntmp)) continue;
    *path_known = true;
    if (strcmp(fp_routes[i].method, method) == 0 ||
        (strcmp(method, "HEAD") == 0 && strcmp(fp_routes[i].method, "GET") == 0)) {
      memcpy(params, tmp, sizeof tmp);
      *n_params = ntmp;
      return &fp_routes[i];
    }
  }
  return NULL;
}

const char *fp_route_token(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

void fp_route_allowed(const char *path, char *buf, size_t len) {
  int64_t tmp[FP_MAX_PARAMS];
  int ntmp;
  buf[0] = 0;
  size_t used = 0;
  for (size_t i = 0; i < fp_n_routes; i++) {
    if (!match(fp_routes[i].pattern, path, tmp, &ntmp)) continue;
    int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", fp_routes[i].method);
    if (w < 0 || (size_t)w >= len - used) break;
    used += (size_t)w;
  }
}

bool fp_route_query_listed(const char *query, const char *name) {
  size_t n = strlen(name);
  if (!query || n == 0) return false;
  for (const char *w = query; *w;) {
    size_t len = strcspn(w, " ");
    if (len == n && memcmp(w, name, n) == 0) return true;
    w += len;
    w += strspn(w, " ");
  }
  return false;
}
