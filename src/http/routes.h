/*
 * routes.h - the one route table (like git.c's command table): every endpoint is found in
 * routes.c. Handlers live one file per resource (h_<resource>.c) and are declared here.
 */
#ifndef FP_HTTP_ROUTES_H
#define FP_HTTP_ROUTES_H

#include <stddef.h>

#include "http/request.h"

typedef void (*fp_handler)(struct fp_req *r);

enum fp_route_auth {
  FP_PUBLIC = 0,   /* anyone; a session is still resolved when one is presented */
  FP_SIGNED_IN,    /* 401 without a valid session; 403 while the account owes a new password
                      (password_change_required) or a second factor (mfa_enrolment_required) */
  FP_OWN_ACCOUNT,  /* signed in, even while the account owes either: signing out, who am I, the
                      password change */
  FP_MFA_SETUP,    /* signed in, even while the account owes a second factor (but not a new
                      password): setting the second factor up */
  FP_SIGNED_IN_PASSIVE, /* as FP_SIGNED_IN, but the request is not activity: it does not keep the
                      session alive (a live stream, which reconnects on its own, must not keep an
                      idle session open for ever) */
};

/* How a route answers its errors: the API's JSON (docs/openapi.yaml), FHIR's OperationOutcome
   (under /fhir/r4/), or RFC 6749's (at /oauth/token). The last two take no session and check their
   own query (http/fhir.h, docs/FHIR.md). */
enum fp_route_dialect { FP_DIALECT_API = 0, FP_DIALECT_FHIR, FP_DIALECT_OAUTH };

struct fp_route {
  const char *method;
  const char *pattern;     /* "/api/v1/shifts/{id}/booking": {x} matches a positive integer, except {token}:
                              1 to FP_ROUTE_TOKEN_MAX base64url characters, left in the path (fp_route_token) */
  fp_handler handler;
  enum fp_route_auth auth;
  size_t max_body;         /* 0: the default JSON limit (64 KiB) */
  const char *query;       /* the query parameters it takes, "from to" (NULL: none), as docs/openapi.yaml
                              lists them (tests/openapi/live.test.mjs); any other is a 400 */
  enum fp_route_dialect dialect; /* FP_DIALECT_API unless given */
};

#define FP_DEFAULT_MAX_BODY (64 * 1024)
#define FP_QUERY_MAX 16 /* more than the longest fp_route.query list */
#define FP_ROUTE_TOKEN_MAX 128

/* The {token} of a path matched by a route whose pattern ends with it: its last segment. */
const char *fp_route_token(const char *path);

extern const struct fp_route fp_routes[];
extern const size_t fp_n_routes;

/*
 * Finds the route for method and path; fills params. Returns the route, or NULL with *path_known
 * set when the path exists under another method (405) and clear when it does not (404).
 */
const struct fp_route *fp_route_match(const char *method, const char *path, int64_t *params, int *n_params,
                                      bool *path_known);
/* Whether name is one of the words of a route's query list ("from to"; NULL lists none). */
bool fp_route_query_listed(const char *query, const char *name);
/* The methods allowed on a path, "GET, POST", for the Allow header. */
void fp_route_allowed(const char *path, char *buf, size_t len);

/* Handlers, by file. */
#define FP_HANDLER(name) void name(struct fp_req *r)
/* h_health.c */
FP_HANDLER(fp_h_healthz);
FP_HANDLER(fp_h_readyz);
/* h_sessions.c */
FP_HANDLER(fp_h_session_create);
FP_HANDLER(fp_h_session_delete);
FP_HANDLER(fp_h_session_current);
FP_HANDLER(fp_h_oidc_authorization);
FP_HANDLER(fp_h_oidc_callback);
FP_HANDLER(fp_h_user_identities);
FP_HANDLER(fp_h_user_identity_link);
FP_HANDLER(fp_h_user_identity_unlink);
FP_HANDLER(fp_h_me);
FP_HANDLER(fp_h_me_password);
FP_HANDLER(fp_h_me_join_requests);
FP_HANDLER(fp_h_session_second_factor);
/* h_availability.c */
FP_HANDLER(fp_h_me_availability);
FP_HANDLER(fp_h_me_availability_put);
/* h_alerts.c */
FP_HANDLER(fp_h_me_alert_prefs);
FP_HANDLER(fp_h_me_alert_prefs_put);
/* h_capacity.c */
FP_HANDLER(fp_h_pool_capacity);
/* h_available.c */
FP_HANDLER(fp_h_available_clinicians);
/* h_marks.c */
FP_HANDLER(fp_h_favourites);
FP_HANDLER(fp_h_offer_create);
FP_HANDLER(fp_h_shift_offers);
FP_HANDLER(fp_h_offer_list);
FP_HANDLER(fp_h_offer_get);
FP_HANDLER(fp_h_offer_accept);
FP_HANDLER(fp_h_offer_decline);
FP_HANDLER(fp_h_offer_withdraw);
FP_HANDLER(fp_h_favourite_put);
FP_HANDLER(fp_h_favourite_delete);
FP_HANDLER(fp_h_blocked);
FP_HANDLER(fp_h_blocked_put);
FP_HANDLER(fp_h_blocked_delete);
FP_HANDLER(fp_h_webhooks);
FP_HANDLER(fp_h_webhook_create);
FP_HANDLER(fp_h_webhook_delete);
FP_HANDLER(fp_h_webhook_deliveries);
/* h_mfa.c */
FP_HANDLER(fp_h_totp_begin);
FP_HANDLER(fp_h_totp_confirm);
FP_HANDLER(fp_h_totp_remove);
/* h_organisations.c */
FP_HANDLER(fp_h_org_create);
FP_HANDLER(fp_h_org_list);
FP_HANDLER(fp_h_org_get);
FP_HANDLER(fp_h_org_patch);
/* h_users.c */
FP_HANDLER(fp_h_user_create);
FP_HANDLER(fp_h_user_list);
FP_HANDLER(fp_h_user_get);
FP_HANDLER(fp_h_user_patch);
FP_HANDLER(fp_h_user_export);
FP_HANDLER(fp_h_me_export);
/* h_clinicians.c */
FP_HANDLER(fp_h_clinician_register);
FP_HANDLER(fp_h_clinician_list);
FP_HANDLER(fp_h_clinician_get);
FP_HANDLER(fp_h_clinician_patch);
FP_HANDLER(fp_h_professions);
/* h_pools.c */
FP_HANDLER(fp_h_pool_create);
FP_HANDLER(fp_h_pool_list);
FP_HANDLER(fp_h_pool_get);
FP_HANDLER(fp_h_pool_patch);
FP_HANDLER(fp_h_pool_role_create);
FP_HANDLER(fp_h_pool_role_list);
FP_HANDLER(fp_h_pool_members);
FP_HANDLER(fp_h_pool_member_add);
FP_HANDLER(fp_h_pool_member_get);
FP_HANDLER(fp_h_pool_member_remove);
FP_HANDLER(fp_h_join_request_create);
FP_HANDLER(fp_h_join_request_list);
FP_HANDLER(fp_h_join_request_accept);
FP_HANDLER(fp_h_join_request_decline);
FP_HANDLER(fp_h_join_request_withdraw);
/* h_shifts.c */
FP_HANDLER(fp_h_shift_create);
FP_HANDLER(fp_h_shift_list);
FP_HANDLER(fp_h_shift_get);
FP_HANDLER(fp_h_shift_patch);
FP_HANDLER(fp_h_shift_delete);
FP_HANDLER(fp_h_shift_reopen);
FP_HANDLER(fp_h_series_get);
FP_HANDLER(fp_h_series_patch);
FP_HANDLER(fp_h_series_delete);
/* h_bookings.c */
FP_HANDLER(fp_h_booking_create);
FP_HANDLER(fp_h_booking_list);
FP_HANDLER(fp_h_booking_get);
FP_HANDLER(fp_h_booking_cancel);
FP_HANDLER(fp_h_booking_did_not_attend);
FP_HANDLER(fp_h_booking_timesheet_submit);
FP_HANDLER(fp_h_booking_timesheet_approve);
FP_HANDLER(fp_h_booking_timesheet_query);
/* h_applications.c */
FP_HANDLER(fp_h_application_create);
FP_HANDLER(fp_h_application_list);
FP_HANDLER(fp_h_application_get);
FP_HANDLER(fp_h_application_accept);
FP_HANDLER(fp_h_application_decline);
FP_HANDLER(fp_h_application_withdraw);
/* h_calendar.c */
FP_HANDLER(fp_h_me_calendar);
FP_HANDLER(fp_h_me_calendar_renewal);
FP_HANDLER(fp_h_org_calendar);
FP_HANDLER(fp_h_org_calendar_renewal);
FP_HANDLER(fp_h_calendar_feed);
/* h_messages.c */
FP_HANDLER(fp_h_booking_messages);
FP_HANDLER(fp_h_booking_message_create);
FP_HANDLER(fp_h_application_messages);
FP_HANDLER(fp_h_application_message_create);
/* h_audit.c */
FP_HANDLER(fp_h_audit_list);
/* h_metrics.c */
FP_HANDLER(fp_h_metrics);
/* h_demo.c */
FP_HANDLER(fp_h_demo_accounts);
FP_HANDLER(fp_h_demo_mailbox);
/* h_password_resets.c */
FP_HANDLER(fp_h_password_reset_request);
FP_HANDLER(fp_h_password_reset_use);
/* h_email_changes.c */
FP_HANDLER(fp_h_email_change_request);
FP_HANDLER(fp_h_email_change_confirm);
/* h_notifications.c */
FP_HANDLER(fp_h_me_events);
FP_HANDLER(fp_h_notifications_list);
FP_HANDLER(fp_h_notification_read);
FP_HANDLER(fp_h_notifications_read_all);
/* h_passport.c */
FP_HANDLER(fp_h_passport_get);
FP_HANDLER(fp_h_passport_evidence_upload);
FP_HANDLER(fp_h_evidence_get);
FP_HANDLER(fp_h_passport_verify);
FP_HANDLER(fp_h_passport_queue);
FP_HANDLER(fp_h_pool_compliance);
FP_HANDLER(fp_h_passport_access_log);
FP_HANDLER(fp_h_passport_grant_create);
FP_HANDLER(fp_h_passport_grant_list);
FP_HANDLER(fp_h_passport_grant_revoke);
FP_HANDLER(fp_h_passport_check_types);
FP_HANDLER(fp_h_passport_requirements);
FP_HANDLER(fp_h_passport_requirement_put);
FP_HANDLER(fp_h_passport_requirements_clear);
/* h_invoices.c */
FP_HANDLER(fp_h_invoice_list);
FP_HANDLER(fp_h_invoice_csv);
FP_HANDLER(fp_h_invoice_get);
FP_HANDLER(fp_h_invoice_pdf);
FP_HANDLER(fp_h_invoice_pay);
FP_HANDLER(fp_h_invoice_credit);
FP_HANDLER(fp_h_me_invoice_details);
FP_HANDLER(fp_h_me_invoice_details_put);
FP_HANDLER(fp_h_me_terms);
FP_HANDLER(fp_h_me_terms_put);
FP_HANDLER(fp_h_me_pension);
FP_HANDLER(fp_h_me_pension_put);
FP_HANDLER(fp_h_pension_forms);
FP_HANDLER(fp_h_pension_forms_pdf);
FP_HANDLER(fp_h_invoice_form_a_sign);
FP_HANDLER(fp_h_invoice_statement);
FP_HANDLER(fp_h_pool_terms);
FP_HANDLER(fp_h_pool_terms_put);
FP_HANDLER(fp_h_pool_rate_policy);
FP_HANDLER(fp_h_pool_rate_policy_put);
FP_HANDLER(fp_h_pool_funding);
FP_HANDLER(fp_h_metrics_csv);
FP_HANDLER(fp_h_metrics_xlsx);
FP_HANDLER(fp_h_metrics_trend);
FP_HANDLER(fp_h_metrics_trend_csv);
FP_HANDLER(fp_h_metrics_trend_xlsx);
FP_HANDLER(fp_h_reports);
FP_HANDLER(fp_h_targets);
FP_HANDLER(fp_h_metrics_clinicians);
FP_HANDLER(fp_h_metrics_clinicians_csv);
FP_HANDLER(fp_h_metrics_clinicians_xlsx);
FP_HANDLER(fp_h_targets_set);
FP_HANDLER(fp_h_report_csv);
FP_HANDLER(fp_h_report_pdf);
FP_HANDLER(fp_h_pool_funding_add);
FP_HANDLER(fp_h_pool_return);
FP_HANDLER(fp_h_pool_return_csv);
FP_HANDLER(fp_h_shift_escalations);
FP_HANDLER(fp_h_shift_rate_approval);
FP_HANDLER(fp_h_shift_rate_refusal);
/* h_fhir.c (docs/FHIR.md) */
FP_HANDLER(fp_h_fhir_metadata);
FP_HANDLER(fp_h_fhir_smart_configuration);
FP_HANDLER(fp_h_fhir_search);
FP_HANDLER(fp_h_fhir_read);
/* h_oauth.c */
FP_HANDLER(fp_h_oauth_token);
/* h_fhir_clients.c */
FP_HANDLER(fp_h_fhir_client_create);
FP_HANDLER(fp_h_fhir_client_list);
FP_HANDLER(fp_h_fhir_client_delete);

#endif
