/*
 * request.h - one HTTP request as the handlers see it, and the ways to answer it.
 *
 * A handler reads path parameters, the query and the JSON body from struct fp_req, does its work
 * through the store, and answers with exactly one fp_reply_* call. Only functions named
 * ..._or_respond (and fp_reply_*) write an HTTP answer. The reply's JSON is owned by the request
 * once handed over.
 */
#ifndef FP_HTTP_REQUEST_H
#define FP_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/actor.h" /* enum fp_role_kind, struct fp_role */
#include "http/api_error.h"
#include "http/config.h"
#include "core/time.h"
#include "store/accounts.h" /* FP_MAX_ROLES, FP_MAX_CLINICIAN_POOLS: enforced where roles and pools are granted */

/* Who is asking. user_id 0 means anonymous. */
struct fp_stream;

struct fp_auth {
  int64_t user_id;
  int64_t session_id;
  int64_t clinician_id;    /* 0 unless the user is a clinician */
  char profession[48];     /* the clinician's profession code */
  int n_pools;             /* every pool the clinician is a member of (never more than FP_MAX_CLINICIAN_POOLS) */
  int64_t pools[FP_MAX_CLINICIAN_POOLS];
  int n_overflow_icbs;     /* the ICBs of those pools that opted in to overflow (tiered release) */
  int64_t overflow_icbs[FP_MAX_CLINICIAN_POOLS];
  bool via_cookie;         /* the browser: state changes need the CSRF header */
  char csrf[48];
  int n_roles;             /* every role of the user (never more than FP_MAX_ROLES) */
  struct fp_role roles[FP_MAX_ROLES];
  /* What the account owes before it may do anything but manage itself (server.c answers 403):
     a new password when someone else set it; a second factor when the role requires one. */
  bool must_change_password;
  bool mfa_enrolment_required;
  bool mfa_enabled;        /* a TOTP second factor is set up */
  bool demo_account;       /* one of the demo's documented accounts */
};

#define FP_MAX_PARAMS 4
#define FP_REQUEST_ID_MAX 64 /* the longest X-Request-Id a client's is kept at */

struct fp_req {
  struct fp_http_app *app; /* the settings and the store (http/config.h) */
  void *conn;              /* struct MHD_Connection *, for headers and the query */
  const char *method;
  const char *path;
  char *body;
  size_t body_len;
  json_t *json;            /* the parsed body, once fp_req_json_or_respond has run */
  int64_t params[FP_MAX_PARAMS];
  int n_params;
  const char *query_names; /* the query parameters the route takes (routes.h), all others refused before it runs */
  struct fp_auth auth;
  fp_time now;
  char client_addr[64];
  char request_id[FP_REQUEST_ID_MAX + 1]; /* the X-Request-Id answered and logged (server.c request_id_for) */
  /* The answer. */
  int status;
  json_t *reply;           /* owned */
  char *reply_raw;         /* owned; used instead of reply when set */
  size_t reply_raw_len;
  const char *reply_type;  /* content type for reply_raw */
  char *extra_headers[8];  /* "Name: value", owned */
  int n_extra;
  struct fp_stream *stream; /* an event stream as the answer instead (http/events.h); owned until queued */
  /* Set by the server before the session is resolved (http/auth.c). */
  bool passive;            /* the route does not count as activity: the session is not kept alive by it */
  int64_t session_ends_at; /* when the caller's session ends unless used again (0: no session) */
};

/* Whether the route takes the query parameter name (fp_route.query): for helpers shared by routes
   that take it and routes that do not (a list's `q` and `sort`). */
bool fp_req_takes(const struct fp_req *r, const char *name);
/* A query parameter, or NULL. Only the route's own (fp_route.query): reading another is a bug,
   said on standard error and answered NULL (in a sanitizer build, the server aborts so a test fails). */
const char *fp_req_query(struct fp_req *r, const char *name);
/* A request header, or NULL. */
const char *fp_req_header(struct fp_req *r, const char *name);
/* A request cookie's value, or NULL. */
const char *fp_req_cookie(struct fp_req *r, const char *name);
/* Adds a response header (copied). */
void fp_req_add_header(struct fp_req *r, const char *name, const char *value);

/* Answers with JSON; takes ownership of body. */
void fp_reply_json(struct fp_req *r, int status, json_t *body);
/* Answers 204 No Content. */
void fp_reply_empty(struct fp_req *r);
/* Answers with text already written (taken; malloc'd) of the given content type. */
void fp_reply_text(struct fp_req *r, int status, const char *type, char *text, size_t len);
/*
 * Answers {"error": {"code", "message", "field"?}} with the status and code of `e` (api_error.h);
 * field may be NULL. The message is fmt's text, cut to 480 bytes at a character boundary, with any
 * byte that is not UTF-8 replaced by U+FFFD; the table's default message when fmt is NULL or empty.
 */
void fp_reply_error(struct fp_req *r, enum fp_api_error e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Like fp_reply_error with a details object (taken). */
void fp_reply_error_details(struct fp_req *r, enum fp_api_error e, json_t *details, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Text made safe for JSON: at most max bytes of s, cut at a character boundary, every invalid
   UTF-8 byte replaced by U+FFFD, written to out (of size outlen >= 4) and NUL-terminated. */
void fp_utf8_clean(const char *s, size_t max, char *out, size_t outlen);
/* A store failure as an answer: FP_ENOTFOUND 404, FP_ECONFLICT 409, FP_EBUSY (the store could not
   take a write now: nothing changed) 503 busy with Retry-After FP_BUSY_RETRY_AFTER seconds, anything
   else 500; the last two logged. */
#define FP_BUSY_RETRY_AFTER 2
void fp_reply_store_error(struct fp_req *r, int err);

/* The deepest nesting of arrays and objects in JSON text (strings skipped); no validation. */
int fp_json_max_depth(const char *text, size_t len);
/* Parses the body as a JSON object (depth and size limited). On failure answers 400/415 and returns -1. */
int fp_req_json_or_respond(struct fp_req *r);

/* True when the caller holds `kind` (for any organisation / pool). */
bool fp_auth_has(const struct fp_auth *a, enum fp_role_kind kind);
/* 0 when the request's user holds a role of that kind; otherwise answers 403 with why (who may do
   this) and returns -1. */
int fp_role_or_respond(struct fp_req *r, enum fp_role_kind kind, const char *why);
/* Who is acting, as a write transaction and the core's rules see them: borrows a's roles. */
void fp_actor_from_auth(const struct fp_auth *a, fp_time now, struct fp_actor *out);
/* Answers a refusal (a rule's or a transaction's "no"): its code, field and message. */
void fp_reply_refusal(struct fp_req *r, const struct fp_refusal *why);
/* True when the caller holds `kind` for this organisation (or pool for pool_admin). */
bool fp_auth_has_for(const struct fp_auth *a, enum fp_role_kind kind, int64_t id);
const char *fp_role_name(enum fp_role_kind k);
int fp_role_parse(const char *s, enum fp_role_kind *out);

#endif
