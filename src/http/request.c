/* Replies and request helpers. See request.h. */
#include "http/request.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "http/routes.h"

bool fp_req_takes(const struct fp_req *r, const char *name) {
  return fp_route_query_listed(r->query_names, name);
}

const char *fp_req_query(struct fp_req *r, const char *name) {
  if (!fp_req_takes(r, name)) {
    fprintf(stderr, "flexpool: bug: %s %s reads the query parameter '%s', which its route does not list\n", r->method,
            r->path, name);
#ifdef FP_ABORT_ON_BUG
    abort();
#endif
    return NULL;
  }
  return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *fp_req_header(struct fp_req *r, const char *name) {
  return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_HEADER_KIND, name);
}

const char *fp_req_cookie(struct fp_req *r, const char *name) {
  return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_COOKIE_KIND, name);
}

void fp_req_add_header(struct fp_req *r, const char *name, const char *value) {
  if (r->n_extra >= (int)(sizeof r->extra_headers / sizeof r->extra_headers[0])) return;
  size_t n = strlen(name) + strlen(value) + 3;
  char *h = malloc(n);
  if (!h) return;
  snprintf(h, n, "%s: %s", name, value);
  r->extra_headers[r->n_extra++] = h;
}

void fp_reply_json(struct fp_req *r, int status, json_t *body) {
  free(r->reply_raw);
  r->reply_raw = NULL;
  json_decref(r->reply);
  r->status = status;
  r->reply = body;
}

void fp_reply_text(struct fp_req *r, int status, const char *type, char *text, size_t len) {
  json_decref(r->reply);
  r->reply = NULL;
  free(r->reply_raw);
  r->status = status;
  r->reply_raw = text;
  r->reply_raw_len = len;
  r->reply_type = type;
}

void fp_reply_empty(struct fp_req *r) {
  json_decref(r->reply);
  r->reply = NULL;
  r->status = 204;
}

void fp_utf8_clean(const char *s, size_t max, char *out, size_t outlen) {
  size_t o = 0;
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strnlen(s, max);
  size_t i = 0;
  while (i < n) {
    unsigned char b = p[i];
    size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; k++)
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
    if (ok && len == 2 && b < 0xC2) ok = false;                                  /* overlong */
    if (ok && len == 3) {
      unsigned cp = ((b & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
      if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) ok = false;            /* overlong, surrogate */
    }
    if (ok && len == 4) {
      unsigned cp = ((b & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) | ((p[i + 2] & 0x3Fu) << 6) | (p[i + 3] & 0x3Fu);
      if (cp < 0x10000 || cp > 0x10FFFF) ok = false;
    }
    if (ok && len == 1 && b == 0) ok = false;
    if (!ok && i + len > n && len > 0 && n == max) break; /* a character cut by max: drop it */
    const char *piece = ok ? s + i : "\xEF\xBF\xBD";
    size_t plen = ok ? len : 3;
    if (o + plen >= outlen) break;
    memcpy(out + o, piece, plen);
    o += plen;
    i += ok ? len : 1;
  }
  out[o] = 0;
}

static void error_v(struct fp_req *r, enum fp_api_error e, const char *field, json_t *details, const char *fmt,
                    va_list ap) {
  const struct fp_api_error_info *info = fp_api_error_info(e);
  char raw[1024], msg[512];
  raw[0] = 0;
  if (fmt) vsnprintf(raw, sizeof raw, fmt, ap);
  fp_utf8_clean(raw[0] ? raw : info->message, 480, msg, sizeof msg);
  json_t *err = json_pack("{s:s, s:s}", "code", info->code, "message", msg);
  if (err && field) {
    char f[128];
    fp_utf8_clean(field, 100, f, sizeof f);
    json_object_set_new(err, "field", json_string(f));
  }
  if (err && details) json_object_set_new(err, "details", details);
  else json_decref(details);
  fp_reply_json(r, info->status, err ? json_pack("{s:o}", "error", err) : NULL);
}

void fp_reply_error(struct fp_req *r, enum fp_api_error e, const char *field, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  error_v(r, e, field, NULL, fmt, ap);
  va_end(ap);
}

void fp_reply_error_details(struct fp_req *r, enum fp_api_error e, json_t *details, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  error_v(r, e, NULL, details, fmt, ap);
  va_end(ap);
}

void fp_reply_store_error(struct fp_req *r, int err) {
  if (err == FP_ENOTFOUND) {
    fp_reply_error(r, FP_API_NOT_FOUND, NULL, "not found");
    return;
  }
  if (err == FP_ECONFLICT) {
    fp_reply_error(r, FP_API_CONFLICT, NULL, "the change conflicts with the current state");
    return;
  }
  fprintf(stderr, "flexpool: store error %s on %s %s (request %s)\n", fp_err_name(err), r->method, r->path, r->request_id);
  if (err == FP_EBUSY) {
    /* The store could not take the write now (db.h fp_store_write): nothing changed, ask again. */
    fp_reply_error(r, FP_API_BUSY, NULL, "the store is busy: nothing was changed; try again in %d seconds",
                   FP_BUSY_RETRY_AFTER);
    char ra[16];
    snprintf(ra, sizeof ra, "%d", FP_BUSY_RETRY_AFTER);
    fp_req_add_header(r, "Retry-After", ra);
    return;
  }
  fp_reply_error(r, FP_API_INTERNAL_ERROR, NULL, "the server could not complete the request");
}

int fp_json_max_depth(const char *text, size_t len) {
  int depth = 0, max_depth = 0;
  bool in_str = false, esc = false;
  for (size_t i = 0; i < len; i++) {
    char ch = text[i];
    if (in_str) {
      if (esc) esc = false;
      else if (ch == '\\') esc = true;
      else if (ch == '"') in_str = false;
      continue;
    }
    if (ch == '"') in_str = true;
    else if (ch == '{' || ch == '[') {
      if (++depth > max_depth) max_depth = depth;
    } else if ((ch == '}' || ch == ']') && depth > 0) depth--;
  }
  return max_depth;
}

int fp_req_json_or_respond(struct fp_req *r) {
  if (r->json) return 0;
  const char *ct = fp_req_header(r, "Content-Type");
  if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
    fp_reply_error(r, FP_API_UNSUPPORTED_MEDIA_TYPE, NULL, "the body must be JSON (Content-Type: application/json)");
    return -1;
  }
  if (r->body_len == 0) {
    fp_reply_error(r, FP_API_INVALID_JSON, NULL, "the body is empty; a JSON object is expected");
    return -1;
  }
  /* Depth limit: count nesting before handing it to jansson. */
  int max_depth = fp_json_max_depth(r->body, r->body_len);
  if (max_depth > 8) {
    fp_reply_error(r, FP_API_INVALID_JSON, NULL, "the JSON is nested too deeply (at most 8 levels)");
    return -1;
  }
  json_error_t err;
  json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
  if (!j) {
    fp_reply_error(r, FP_API_INVALID_JSON, NULL, "the body is not valid JSON: %s (line %d)", err.text, err.line);
    return -1;
  }
  if (!json_is_object(j)) {
    json_decref(j);
    fp_reply_error(r, FP_API_INVALID_JSON, NULL, "the body must be a JSON object");
    return -1;
  }
  r->json = j;
  return 0;
}

static const char *const role_names[] = {"sysadmin", "commissioner", "pool_admin", "practice_manager", "clinician"};

const char *fp_role_name(enum fp_role_kind k) {
  return (unsigned)k < sizeof role_names / sizeof role_names[0] ? role_names[k] : "unknown";
}

int fp_role_parse(const char *s, enum fp_role_kind *out) {
  for (unsigned i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
    if (strcmp(s, role_names[i]) == 0) {
      *out = (enum fp_role_kind)i;
      return 0;
    }
  return FP_EINVAL;
}

void fp_actor_from_auth(const struct fp_auth *a, fp_time now, struct fp_actor *out) {
  out->user_id = a->user_id;
  out->clinician_id = a->clinician_id;
  out->session_id = a->session_id;
  out->roles = a->roles;
  out->n_roles = a->n_roles;
  out->now = now;
}

void fp_reply_refusal(struct fp_req *r, const struct fp_refusal *why) {
  fp_reply_error(r, why->code, why->field, "%s", why->message[0] ? why->message : fp_api_error_info(why->code)->message);
}

bool fp_auth_has(const struct fp_auth *a, enum fp_role_kind kind) {
  for (int i = 0; i < a->n_roles; i++)
    if (a->roles[i].kind == kind) return true;
  return false;
}

int fp_role_or_respond(struct fp_req *r, enum fp_role_kind kind, const char *why) {
  if (fp_auth_has(&r->auth, kind)) return 0;
  fp_reply_error(r, FP_API_FORBIDDEN, NULL, "%s", why);
  return -1;
}

bool fp_auth_has_for(const struct fp_auth *a, enum fp_role_kind kind, int64_t id) {
  for (int i = 0; i < a->n_roles; i++) {
    if (a->roles[i].kind != kind) continue;
    int64_t have = kind == FP_ROLE_POOL_ADMIN ? a->roles[i].pool_id : a->roles[i].organisation_id;
    if (have == id) return true;
  }
  return false;
}
