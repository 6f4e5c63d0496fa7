/*
 * fhir.h - the answers of the FHIR API (h_fhir.c) and of its token endpoint (h_oauth.c) that the
 * server itself gives too (a path not found, a method not allowed, a body too large): under
 * /fhir/r4/ every error is an OperationOutcome, at /oauth/token an RFC 6749 section 5.2 error.
 * These two are the only exceptions to the API's JSON error format (docs/FHIR.md).
 */
#ifndef FP_HTTP_FHIR_H
#define FP_HTTP_FHIR_H

#include "http/request.h"

#define FP_FHIR_BASE "/fhir/r4"
#define FP_FHIR_TYPE "application/fhir+json; fhirVersion=4.0"

/* Answers an OperationOutcome of one error issue (https://hl7.org/fhir/R4/valueset-issue-type.html
   code, e.g. "not-found") with diagnostics, at status. */
void fp_fhir_reply_outcome(struct fp_req *r, int status, const char *code, const char *diagnostics);
/* The same for an error of the API's table: its status, and the issue type that says it. */
void fp_fhir_reply_api_error(struct fp_req *r, enum fp_api_error e, const char *diagnostics);
/* Records in fhir_access_log an answer r holds that no FHIR interaction gave (no such type or path,
   a method not allowed, a body too large, a bad framing): the client when the request's token is
   valid, else none; the method and the path's first segment; resource type "-". If it cannot be
   recorded, r answers 503 instead. */
void fp_fhir_log_refusal(struct fp_req *r);
/* Answers {"error": code, "error_description": description} at status (RFC 6749 5.2), no-store. */
void fp_oauth_reply_error(struct fp_req *r, int status, const char *code, const char *description);

#endif
