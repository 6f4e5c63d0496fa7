/*
 * api_error.h - the API's error codes, one table giving each its HTTP status and default message,
 * and the typed refusal that carries one from a rule or a write transaction to the answer.
 *
 * Every error answer flexpool writes is {"error": {"code", "message", "field"?, "details"?}} with a
 * code from this table; docs/openapi.yaml lists the same codes as the enum of Error.code, and
 * tests/api/test_openapi.c checks that the two agree. Add a code here, in the document, and in the
 * web app's wording (web/js/api.js) together. The table lives in the core so that the store's
 * transactions and the core's rules can name a code without knowing HTTP; only src/http turns the
 * status into an answer (http/api_error.h). Depends on nothing.
 */
#ifndef FP_CORE_API_ERROR_H
#define FP_CORE_API_ERROR_H

#include <stdint.h>

/* XX(NAME, HTTP status, "code", "default message") */
#define FP_API_ERRORS(XX)                                                                                     \
  XX(INVALID_JSON, 400, "invalid_json", "the body is not valid JSON")                                       \
  XX(INVALID_FIELD, 400, "invalid_field", "a field of the body is not valid")                               \
  XX(MISSING_FIELD, 400, "missing_field", "a required field is missing")                                    \
  XX(UNKNOWN_FIELD, 400, "unknown_field", "the body has a field this endpoint does not take")                \
  XX(INVALID_PARAMETER, 400, "invalid_parameter", "a query parameter is not valid")                         \
  XX(UNKNOWN_PARAMETER, 400, "unknown_parameter", "the query has a parameter this endpoint does not take")  \
  XX(INVALID_MULTIPART, 400, "invalid_multipart", "the multipart body is not valid")                        \
  XX(UNKNOWN_POSTCODE, 400, "unknown_postcode", "the postcode is not known")                                \
  XX(URL_NOT_ALLOWED, 400, "url_not_allowed", "webhooks go to https URLs of public addresses only")       \
  XX(WEAK_PASSWORD, 400, "weak_password", "the password is too short, too common or too like the account")  \
  XX(BAD_REQUEST, 400, "bad_request", "the request is not valid HTTP for this server")                      \
  XX(UNAUTHENTICATED, 401, "unauthenticated", "sign in first")                                              \
  XX(INVALID_CREDENTIALS, 401, "invalid_credentials", "the email address or password is not right")         \
  XX(FORBIDDEN, 403, "forbidden", "you may not do that")                                                    \
  XX(CSRF_FAILED, 403, "csrf_failed", "the request did not carry the page's CSRF token")                    \
  XX(WRONG_PASSWORD, 403, "wrong_password", "the current password is not right")                            \
  XX(WRONG_CODE, 403, "wrong_code", "the code is not right")                                                 \
  XX(PASSWORD_CHANGE_REQUIRED, 403, "password_change_required", "choose a new password first")             \
  XX(MFA_ENROLMENT_REQUIRED, 403, "mfa_enrolment_required", "set up a second factor first")                \
  XX(OIDC_REQUIRED, 403, "oidc_required", "this account signs in through NHS CIS2, not with a password")  \
  XX(NOT_FOUND, 404, "not_found", "not found")                                                              \
  XX(METHOD_NOT_ALLOWED, 405, "method_not_allowed", "that method is not allowed on this resource")          \
  XX(CONFLICT, 409, "conflict", "the change conflicts with the current state")                              \
  XX(INVALID_STATE, 409, "invalid_state", "that is not possible in the current state")                      \
  XX(SHIFT_TAKEN, 409, "shift_taken", "the shift is no longer open")                                        \
  XX(SHIFT_STARTED, 409, "shift_started", "the shift has already started")                                  \
  XX(SHIFT_NOT_STARTED, 409, "shift_not_started", "the shift has not started yet")                          \
  XX(APPROVAL_REQUIRED, 409, "approval_required", "this practice approves bookings: apply instead")         \
  XX(INSTANT_BOOKING, 409, "instant_booking", "this shift is booked instantly: book it instead")            \
  XX(NOT_ELIGIBLE, 409, "not_eligible", "the clinician's passport does not allow this shift")               \
  XX(OVERLAPPING_BOOKING, 409, "overlapping_booking", "the clinician has another booking at that time")     \
  XX(WORKING_TIME_LIMIT, 409, "working_time_limit", "the booking would break the pool's working-time limits") \
  XX(ALREADY_APPLIED, 409, "already_applied", "you have already applied for this shift")                    \
  XX(ALREADY_MEMBER, 409, "already_member", "already a member of the pool")                                 \
  XX(ALREADY_REQUESTED, 409, "already_requested", "a request to join is already waiting")                   \
  XX(EMAIL_TAKEN, 409, "email_taken", "an account with that email address exists")                          \
  XX(ODS_CODE_TAKEN, 409, "ods_code_taken", "an organisation with that ODS code exists")                    \
  XX(REGISTRATION_TAKEN, 409, "registration_taken", "another account holds that registration number")      \
  XX(ROLE_EXISTS, 409, "role_exists", "that role exists already")                                           \
  XX(LIMIT_REACHED, 409, "limit_reached", "a limit on how many there may be has been reached")              \
  XX(NOT_IN_POOL, 409, "not_in_pool", "the clinician is not in any of the practice's pools")               \
  XX(CLINICIAN_BLOCKED, 409, "clinician_blocked", "the practice has blocked this clinician")                 \
  XX(ALREADY_OFFERED, 409, "already_offered", "the clinician already holds an open offer of this shift")     \
  XX(EVIDENCE_REMOVED, 410, "evidence_removed", "the evidence file has been removed")                       \
  XX(OFFER_LAPSED, 410, "offer_lapsed", "the offer has lapsed: it can no longer be accepted")              \
  XX(TOKEN_EXPIRED, 410, "token_expired", "the link has expired or has already been used: ask for a new one") \
  XX(PAYLOAD_TOO_LARGE, 413, "payload_too_large", "the request body is larger than this endpoint accepts")  \
  XX(QUOTA_EXCEEDED, 413, "quota_exceeded", "the clinician's evidence quota is used up")                    \
  XX(UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type", "the body is not of a type this endpoint takes") \
  XX(TOO_MANY_ATTEMPTS, 429, "too_many_attempts", "too many attempts: wait and try again")                  \
  XX(INTERNAL_ERROR, 500, "internal_error", "the server could not complete the request")                    \
  XX(BUSY, 503, "busy", "the server is busy: try again in a moment")                                        \
  XX(TOO_MANY_STREAMS, 503, "too_many_streams", "too many live update streams are open: try again later")   \
  XX(UNAVAILABLE, 503, "unavailable", "the service is not available")                                       \
  XX(NOT_READY, 503, "not_ready", "the service is starting or stopping")

enum fp_api_error {
#define XX(name, status, code, msg) FP_API_##name,
  FP_API_ERRORS(XX)
#undef XX
  FP_API_N_ERRORS
};

/*
 * A rule's or a transaction's "no", as the API will say it: a code from the table, the field of
 * the request it concerns (a static string, or NULL), the id of what it is about (0 when none),
 * and the sentence for a person. A write transaction that refuses fills one and returns
 * FP_EREFUSED (core/error.h); the HTTP layer answers it with fp_reply_refusal.
 */
struct fp_refusal {
  enum fp_api_error code;
  const char *field;
  int64_t subject;
  char message[256];
};

/* Fills *why (the message from fmt, printf-style; NULL: the table's default) and returns FP_EREFUSED. */
int fp_refuse(struct fp_refusal *why, enum fp_api_error code, const char *field, int64_t subject, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
