/*
 * h_fhir.c - the read-only FHIR R4 API for other NHS systems (issue 15, docs/FHIR.md):
 * GET /fhir/r4/metadata, /fhir/r4/.well-known/smart-configuration, and for each resource type of
 * core/fhir.h a search (GET /fhir/r4/<Type>?...) and a read (GET /fhir/r4/<Type>/<id>).
 *
 * Each request: the format asked for (406 unless FHIR JSON), the client's token (401 without a live
 * one, with WWW-Authenticate: Bearer), the scope for the type (403), the query (400 not-supported for
 * a parameter this server does not take: never dropped silently), then the store's rows as the client
 * sees them (store/fhir.h: what it does not see is 404 and absent from searches), and every answer
 * recorded in fhir_access_log before it is sent (503 when it cannot be). Errors are
 * OperationOutcome resources (http/fhir.h).
 */
#include "http/fhir.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fhir.h"
#include "core/profession.h"
#include "core/time.h"
#include "http/auth.h"
#include "http/json_out.h"
#include "http/routes.h"
#include "store/fhir.h"

/* ---- answers ---- */

static void reply_fhir(struct fp_req *r, int status, json_t *body) {
  size_t len = 0;
  char *text = fp_json_dump(body, &len);
  json_decref(body);
  if (!text) {
    r->status = 500;
    return;
  }
  fp_reply_text(r, status, FP_FHIR_TYPE, text, len);
}

void fp_fhir_reply_outcome(struct fp_req *r, int status, const char *code, const char *diagnostics) {
  char clean[512];
  fp_utf8_clean(diagnostics ? diagnostics : "", 480, clean, sizeof clean);
  json_t *issue = json_pack("{s:s, s:s, s:s}", "severity", "error", "code", code, "diagnostics", clean);
  reply_fhir(r, status, json_pack("{s:s, s:[o]}", "resourceType", "OperationOutcome", "issue", issue));
}

/* The issue type (https://hl7.org/fhir/R4/valueset-issue-type.html) of an HTTP status. */
static const char *issue_code(int status) {
  switch (status) {
  case 401: return "login";
  case 403: return "forbidden";
  case 404: return "not-found";
  case 405:
  case 406: return "not-supported";
  case 410: return "deleted";
  case 413: return "too-long";
  case 429: return "throttled";
  case 503: return "transient";
  default: return status >= 500 ? "exception" : "invalid";
  }
}

void fp_fhir_reply_api_error(struct fp_req *r, enum fp_api_error e, const char *diagnostics) {
  const struct fp_api_error_info *info = fp_api_error_info(e);
  fp_fhir_reply_outcome(r, info->status, issue_code(info->status), diagnostics ? diagnostics : info->message);
}

/* The server's public address for links ("https://pool.example.nhs.uk"), without a final slash. */
static void base_url(struct fp_req *r, char *out, size_t len) {
  const char *u = r->app->cfg.public_url ? r->app->cfg.public_url : "";
  size_t n = strlen(u);
  while (n && u[n - 1] == '/') n--;
  snprintf(out, len, "%.*s" FP_FHIR_BASE, (int)n, u);
}

/* ---- the request: format, token, scope, query ---- */

/* Whether the client takes FHIR JSON: its _format, else its Accept header. */
static bool format_ok(const char *format, const char *accept) {
  static const char *const ok[] = {"json", "application/json", "application/fhir+json", "*/*", "application/*"};
  if (format) {
    for (size_t i = 0; i < 3; i++)
      if (strcmp(format, ok[i]) == 0) return true;
    return false;
  }
  if (!accept || !*accept) return true;
  /* Any of the listed media ranges, parameters (q, fhirVersion) aside. */
  for (const char *p = accept; *p;) {
    p += strspn(p, " ,");
    size_t n = strcspn(p, ",;");
    while (n && p[n - 1] == ' ') n--;
    for (size_t i = 1; i < sizeof ok / sizeof ok[0]; i++)
      if (strlen(ok[i]) == n && strncasecmp(p, ok[i], n) == 0) return true;
    p += strcspn(p, ",");
  }
  return false;
}

#define MAX_ARGS 12
struct args {
  int n;
  const char *name[MAX_ARGS], *value[MAX_ARGS];
  bool too_many;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  struct args *a = cls;
  if (a->n == MAX_ARGS) {
    a->too_many = true;
    return MHD_NO;
  }
  a->name[a->n] = key;
  a->value[a->n] = value ? value : "";
  a->n++;
  return MHD_YES;
}

/* What one request is about: the client, its type, and what it asked. */
struct call {
  struct fp_req *r;
  struct args args;
  enum fp_fhir_type type;
  int64_t client;
  unsigned scopes;
  char request[160]; /* logged: "GET Slot?schedule&status" (the names, never the values) */
  json_t *ids;       /* "Type/id" of each resource returned, logged */
  const char *type_text; /* logged instead of the type's name when set (a refusal's "-") */
};

static const char *arg(const struct call *k, const char *name) {
  for (int i = 0; i < k->args.n; i++)
    if (strcmp(k->args.name[i], name) == 0) return k->args.value[i];
  return NULL;
}

struct log_tx {
  int64_t now, client;
  const char *request, *type, *ids;
  int status;
};

static int log_tx_fn(struct fp_conn *c, void *ctx) {
  struct log_tx *x = ctx;
  return fp_store_fhir_log(c, x->now, x->client, x->request, x->type, x->ids, x->status);
}

/* Records the answer r holds, then leaves it; if it cannot be recorded, answers 503 instead. */
static void log_answer(struct call *k) {
  struct fp_req *r = k->r;
  json_t *list = k->ids ? json_incref(k->ids) : json_array();
  char *ids = json_dumps(list, JSON_COMPACT);
  json_decref(list);
  const char *type = k->type_text                 ? k->type_text
                     : k->type < FP_FHIR_N_TYPES ? fp_fhir_type_name(k->type)
                                                 : "CapabilityStatement";
  struct log_tx x = {r->now, k->client, k->request, type, ids ? ids : "[]", r->status};
  int rc = ids ? fp_store_write(r->app->store, log_tx_fn, &x) : FP_ENOMEM;
  free(ids);
  if (rc) {
    free(r->reply_raw);
    r->reply_raw = NULL;
    fp_fhir_reply_outcome(r, 503, "transient", "the access could not be recorded, so nothing is answered: try again");
  }
}

/* The client and scopes of the request's bearer token into k: 0, FP_ENOTFOUND (none, or not a
   valid one: *token says whether one was given) or FP_EIO. */
static int token_resolve(struct call *k, const char **token) {
  struct fp_req *r = k->r;
  const char *authz = fp_req_header(r, "Authorization");
  *token = authz && strncasecmp(authz, "Bearer ", 7) == 0 ? authz + 7 : NULL;
  if (!*token || strlen(*token) != 43) return FP_ENOTFOUND;
  unsigned char hash[FP_TOKEN_HASH_LEN];
  fp_token_hash(*token, hash);
  struct fp_conn *c = fp_store_reader(r->app->store);
  return c ? fp_store_fhir_token_resolve(c, hash, r->now, &k->client, &k->scopes) : FP_EIO;
}

/* The client of the request's bearer token: 0, or answers 401 (after logging) and -1. */
static int token_or_respond(struct call *k) {
  struct fp_req *r = k->r;
  const char *token = NULL;
  int rc = token_resolve(k, &token);
  if (rc == 0) return 0;
  if (rc == FP_ENOTFOUND) {
    fp_req_add_header(r, "WWW-Authenticate", token ? "Bearer error=\"invalid_token\"" : "Bearer");
    fp_fhir_reply_outcome(r, 401, "login",
                          token ? "the access token is not valid or has expired: ask /oauth/token for another"
                                : "an access token is needed: ask /oauth/token for one (client credentials)");
  } else {
    fp_fhir_reply_outcome(r, 503, "transient", "the store is not available");
  }
  return -1;
}

/* The type of the request's path (/fhir/r4/<Type>[/<id>]) into k->type: 0 or -1. */
static int type_of_path(struct call *k, const char **id) {
  const char *p = k->r->path + sizeof FP_FHIR_BASE; /* after "/fhir/r4/" */
  char name[32];
  size_t n = strcspn(p, "/");
  if (n >= sizeof name) return -1;
  memcpy(name, p, n);
  name[n] = 0;
  *id = p[n] == '/' ? p + n + 1 : NULL;
  return fp_fhir_type_parse(name, &k->type);
}

/*
 * The start of a FHIR resource request: its type, format, token and scope, and the query against
 * `takes` (the search parameters of this interaction, space-separated; _format always): 0, or the
 * answer is given (and logged) and -1.
 */
static int begin(struct call *k, struct fp_req *r, const char *interaction, const char *takes, const char **id) {
  memset(k, 0, sizeof *k);
  k->r = r;
  if (type_of_path(k, id) != 0) {
    fp_fhir_reply_outcome(r, 404, "not-found", "no such resource type on this server");
    fp_fhir_log_refusal(r);
    return -1;
  }
  MHD_get_connection_values((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &k->args);
  int at = snprintf(k->request, sizeof k->request, "%s %s%s", interaction, fp_fhir_type_name(k->type), k->args.n ? "?" : "");
  for (int i = 0; i < k->args.n && at > 0 && (size_t)at < sizeof k->request; i++)
    at += snprintf(k->request + at, sizeof k->request - (size_t)at, "%s%.32s", i ? "&" : "", k->args.name[i]);
  if (!format_ok(arg(k, "_format"), fp_req_header(r, "Accept"))) {
    fp_fhir_reply_outcome(r, 406, "not-supported", "this server answers FHIR JSON only (application/fhir+json)");
    goto logged;
  }
  if (token_or_respond(k)) goto logged;
  if (!(k->scopes & (1u << k->type))) {
    char why[160];
    snprintf(why, sizeof why, "the access token's scopes do not include system/%s.rs", fp_fhir_type_name(k->type));
    fp_fhir_reply_outcome(r, 403, "forbidden", why);
    goto logged;
  }
  if (k->args.too_many) {
    fp_fhir_reply_outcome(r, 400, "too-costly", "too many search parameters");
    goto logged;
  }
  for (int i = 0; takes && i < k->args.n; i++) { /* a search checks its own (fp_h_fhir_search) */
    const char *name = k->args.name[i];
    if (strcmp(name, "_format") == 0 || fp_route_query_listed(takes, name)) continue;
    char why[200];
    snprintf(why, sizeof why, "the parameter '%.40s' is not supported here%s%s", name, takes[0] ? "; this takes: " : "",
             takes);
    fp_fhir_reply_outcome(r, 400, "not-supported", why);
    goto logged;
  }
  return 0;
logged:
  log_answer(k);
  return -1;
}

/* ---- resources ---- */

static json_t *reference(const char *type, const char *id) {
  char ref[96];
  snprintf(ref, sizeof ref, "%s/%s", type, id);
  return json_pack("{s:s}", "reference", ref);
}

static json_t *reference_int(const char *type, int64_t id) {
  char n[24];
  snprintf(n, sizeof n, "%lld", (long long)id);
  return reference(type, n);
}

/* A role's name: a built-in profession's, else its code (a pool's own role). */
static const char *role_name(const char *code) {
  const struct fp_profession *p = fp_profession_find(code);
  return p ? p->name : code;
}

static json_t *resource(const char *type, const char *id) {
  return json_pack("{s:s, s:s}", "resourceType", type, "id", id);
}

static json_t *resource_int(const char *type, int64_t id) {
  char n[24];
  snprintf(n, sizeof n, "%lld", (long long)id);
  return resource(type, n);
}

static json_t *practitioner_json(const struct fp_fhir_practitioner *p) {
  json_t *j = resource_int("Practitioner", p->id);
  json_object_set_new(j, "active", json_true());
  const struct fp_profession *prof = fp_profession_find(p->profession);
  const char *system = prof ? fp_fhir_registration_system(prof->regulator) : NULL;
  if (system && p->registration[0])
    json_object_set_new(j, "identifier", json_pack("[{s:s, s:s}]", "system", system, "value", p->registration));
  json_object_set_new(j, "name", json_pack("[{s:s}]", "text", p->name));
  return j;
}

static json_t *role_json(const struct fp_fhir_role *m) {
  json_t *j = resource_int("PractitionerRole", m->id);
  char day[FP_DATE_STRLEN];
  fp_date_format(fp_uk_day(m->added_at), day);
  json_object_set_new(j, "active", json_true());
  json_object_set_new(j, "period", json_pack("{s:s}", "start", day));
  json_object_set_new(j, "practitioner", reference_int("Practitioner", m->clinician_id));
  json_object_set_new(j, "organization", reference_int("Organization", m->host_id));
  json_object_set_new(j, "code", json_pack("[{s:s}]", "text", role_name(m->profession)));
  return j;
}

static const char *level_name(const char *level) {
  static const struct { const char *level, *name; } names[] = {
      {"national", "NHS England"}, {"icb", "Integrated care board"}, {"place", "Place"},
      {"pcn", "Primary care network"}, {"practice", "GP practice"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i].level, level) == 0) return names[i].name;
  return level;
}

static json_t *org_json(const struct fp_fhir_org *o) {
  json_t *j = resource_int("Organization", o->id);
  json_object_set_new(j, "identifier", json_pack("[{s:s, s:s}]", "system", FP_FHIR_ODS_SYSTEM, "value", o->ods_code));
  json_object_set_new(j, "active", json_boolean(o->active));
  json_object_set_new(j, "type", json_pack("[{s:s}]", "text", level_name(o->level)));
  json_object_set_new(j, "name", json_string(o->name));
  if (o->phone[0]) json_object_set_new(j, "telecom", json_pack("[{s:s, s:s, s:s}]", "system", "phone", "value", o->phone, "use", "work"));
  if (o->address[0] || o->postcode[0]) {
    json_t *a = json_object();
    if (o->address[0]) json_object_set_new(a, "text", json_string(o->address));
    if (o->postcode[0]) json_object_set_new(a, "postalCode", json_string(o->postcode));
    json_object_set_new(j, "address", json_pack("[o]", a));
  }
  if (o->parent_id) json_object_set_new(j, "partOf", reference_int("Organization", o->parent_id));
  return j;
}

static json_t *service_json(const struct fp_fhir_service *s, bool schedule) {
  char id[FP_FHIR_ID_MAX + 1];
  if (fp_fhir_service_id(s->practice_id, s->role, id, sizeof id) != 0) return NULL;
  if (schedule) {
    json_t *j = resource("Schedule", id);
    json_object_set_new(j, "active", json_true());
    json_object_set_new(j, "serviceType", json_pack("[{s:s}]", "text", role_name(s->role)));
    json_object_set_new(j, "actor", json_pack("[o]", reference("HealthcareService", id)));
    return j;
  }
  json_t *j = resource("HealthcareService", id);
  char name[320];
  snprintf(name, sizeof name, "%s: %s sessions", s->practice_name, role_name(s->role));
  json_object_set_new(j, "active", json_true());
  json_object_set_new(j, "providedBy", reference_int("Organization", s->practice_id));
  json_object_set_new(j, "type", json_pack("[{s:s}]", "text", role_name(s->role)));
  json_object_set_new(j, "name", json_string(name));
  return j;
}

/* The core's Slot (fp_fhir_slot_json, which the FHIR webhooks send too), as JSON to answer with. */
static json_t *slot_json(const struct fp_fhir_slot *s, int64_t now) {
  struct fp_fhir_slot_facts f = {s->id, s->practice_id, s->role, s->status, s->starts_at, s->ends_at, s->pool_opens_at};
  char text[1024];
  if (fp_fhir_slot_json(&f, now, text, sizeof text) != 0) return NULL;
  return json_loads(text, JSON_REJECT_DUPLICATES, NULL);
}

/* ---- a searchset ---- */

struct bundle {
  struct call *k;
  json_t *entries;
  char base[320];
  bool broken; /* a row could not be written as its resource: the page is refused, never short */
};

static void add_entry(struct bundle *b, json_t *res) {
  if (!res) {
    b->broken = true;
    return;
  }
  const char *type = json_string_value(json_object_get(res, "resourceType"));
  const char *id = json_string_value(json_object_get(res, "id"));
  char full[512], tid[128];
  snprintf(full, sizeof full, "%s/%s/%s", b->base, type, id);
  snprintf(tid, sizeof tid, "%s/%s", type, id);
  json_array_append_new(b->k->ids, json_string(tid));
  json_array_append_new(b->entries, json_pack("{s:s, s:o, s:{s:s}}", "fullUrl", full, "resource", res, "search", "mode", "match"));
}

/* Appends s to out, percent-encoded but for RFC 3986's unreserved characters. */
static void url_encode(const char *s, char *out, size_t len) {
  size_t at = strlen(out);
  for (; *s && at + 4 < len; s++) {
    unsigned char ch = (unsigned char)*s;
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || strchr("-._~", ch))
      out[at++] = (char)ch;
    else
      at += (size_t)snprintf(out + at, len - at, "%%%02X", ch);
  }
  out[at] = 0;
}

/* The search's own link, and the next page's when there is one (its parameters as given, the
   cursor replaced), and the answer. */
static void reply_bundle(struct bundle *b, bool more, const char *next_cursor) {
  struct call *k = b->k;
  char self[2048], next[2048];
  snprintf(self, sizeof self, "%s/%s", b->base, fp_fhir_type_name(k->type));
  snprintf(next, sizeof next, "%s", self);
  int n_self = 0, n_next = 0;
  for (int i = 0; i < k->args.n; i++) {
    bool cursor = strcmp(k->args.name[i], "_cursor") == 0;
    for (int which = 0; which < 2; which++) {
      if (which == 1 && cursor) continue;
      char *u = which ? next : self;
      int *n = which ? &n_next : &n_self;
      strncat(u, (*n)++ ? "&" : "?", sizeof self - strlen(u) - 1);
      url_encode(k->args.name[i], u, sizeof self);
      strncat(u, "=", sizeof self - strlen(u) - 1);
      url_encode(k->args.value[i], u, sizeof self);
    }
  }
  json_t *links = json_pack("[{s:s, s:s}]", "relation", "self", "url", self);
  if (more) {
    strncat(next, n_next ? "&_cursor=" : "?_cursor=", sizeof next - strlen(next) - 1);
    url_encode(next_cursor, next, sizeof next);
    json_array_append_new(links, json_pack("{s:s, s:s}", "relation", "next", "url", next));
  }
  json_t *bundle = json_pack("{s:s, s:s, s:o, s:o}", "resourceType", "Bundle", "type", "searchset", "link", links, "entry",
                             b->entries);
  reply_fhir(k->r, 200, bundle);
}

/* _count and _cursor into page: 0, or answers 400 and -1. */
static int page_or_respond(struct call *k, struct fp_fhir_page *page) {
  page->count = FP_FHIR_COUNT_DEFAULT;
  page->after = 0;
  const char *count = arg(k, "_count"), *cursor = arg(k, "_cursor");
  if (count) {
    int64_t n = 0;
    if (fp_fhir_int_id_parse(count, &n) != 0) {
      fp_fhir_reply_outcome(k->r, 400, "invalid", "_count is a whole number from 1");
      return -1;
    }
    page->count = n > FP_FHIR_COUNT_MAX ? FP_FHIR_COUNT_MAX : (int)n; /* at most 200 a page; the next link goes on */
  }
  bool services = k->type == FP_FHIR_HEALTHCARE_SERVICE || k->type == FP_FHIR_SCHEDULE;
  int bad = 0;
  if (cursor && k->type == FP_FHIR_SLOT) {
    /* "<start>.<id>": slots are paged by start, then id */
    char start[24];
    const char *dot = strchr(cursor, '.');
    int64_t t = 0;
    bad = !dot || (size_t)(dot - cursor) >= sizeof start;
    if (!bad) {
      snprintf(start, sizeof start, "%.*s", (int)(dot - cursor), cursor);
      bad = fp_fhir_int_id_parse(start, &t) != 0 || fp_fhir_int_id_parse(dot + 1, &page->after) != 0;
      page->after_start = t;
    }
  } else if (cursor) {
    bad = (services ? fp_fhir_service_id_parse(cursor, &page->after, page->after_role, sizeof page->after_role)
                    : fp_fhir_int_id_parse(cursor, &page->after)) != 0;
  }
  if (bad) {
    fp_fhir_reply_outcome(k->r, 400, "invalid", "_cursor is not one this server gave");
    return -1;
  }
  return 0;
}

/* A reference parameter's id: "Type/id" or "id" (of type t): the id's text, or NULL. */
static const char *ref_id(const char *value, const char *type) {
  size_t n = strlen(type);
  if (strncmp(value, type, n) == 0 && value[n] == '/') return value + n + 1;
  if (strchr(value, '/')) {
    /* An absolute reference to this server's own type is taken as well. */
    const char *slash = strrchr(value, '/');
    if ((size_t)(slash - value) >= n && strncmp(slash - n, type, n) == 0) return slash + 1;
    return NULL;
  }
  return value;
}

static void practitioner_cb(const struct fp_fhir_practitioner *p, void *ctx) { add_entry(ctx, practitioner_json(p)); }
static void role_cb(const struct fp_fhir_role *m, void *ctx) { add_entry(ctx, role_json(m)); }
static void org_cb(const struct fp_fhir_org *o, void *ctx) { add_entry(ctx, org_json(o)); }
static void service_cb(const struct fp_fhir_service *s, void *ctx) { add_entry(ctx, service_json(s, false)); }
static void schedule_cb(const struct fp_fhir_service *s, void *ctx) { add_entry(ctx, service_json(s, true)); }

struct slot_ctx {
  struct bundle *b;
  int64_t now, last, last_start;
};
static void slot_cb(const struct fp_fhir_slot *s, void *ctx) {
  struct slot_ctx *x = ctx;
  x->last = s->id;
  x->last_start = s->starts_at;
  add_entry(x->b, slot_json(s, x->now));
}

/* The search parameters each type takes (besides _format), as routes.h lists a query. */
static const char *const SEARCH_PARAMS[FP_FHIR_N_TYPES] = {
    [FP_FHIR_PRACTITIONER] = "identifier _count _cursor",
    [FP_FHIR_PRACTITIONER_ROLE] = "practitioner _count _cursor",
    [FP_FHIR_ORGANIZATION] = "identifier _count _cursor",
    [FP_FHIR_HEALTHCARE_SERVICE] = "organization _count _cursor",
    [FP_FHIR_SCHEDULE] = "actor _count _cursor",
    [FP_FHIR_SLOT] = "schedule status start _count _cursor",
};

/* A token search's value "system|code" or "code" into its parts (system NULL when not given). */
static void split_token(const char *v, char *system, size_t slen, const char **code) {
  const char *bar = strchr(v, '|');
  if (!bar) {
    system[0] = 0;
    *code = v;
    return;
  }
  snprintf(system, slen, "%.*s", (int)(bar - v), v);
  *code = bar + 1;
}

static int slot_query_or_respond(struct call *k, struct fp_fhir_slot_query *q) {
  memset(q, 0, sizeof *q);
  q->now = k->r->now;
  q->start_from = INT64_MIN;
  q->start_before = INT64_MAX;
  for (int i = 0; i < k->args.n; i++) {
    const char *name = k->args.name[i], *v = k->args.value[i];
    if (strcmp(name, "start") == 0 && fp_fhir_date_narrow(v, &q->start_from, &q->start_before) != 0) {
      fp_fhir_reply_outcome(k->r, 400, "invalid",
                            "start is a date (2026-12-07) or an instant with its zone, after eq (or none), ge, gt, le or lt");
      return -1;
    }
  }
  const char *status = arg(k, "status");
  if (status) {
    if (fp_fhir_slot_status_parse(status, &q->status) != 0) {
      fp_fhir_reply_outcome(k->r, 400, "invalid", "status is free, busy-unavailable or busy");
      return -1;
    }
    q->by_status = true;
  }
  return 0;
}

void fp_h_fhir_search(struct fp_req *r) {
  struct call k;
  const char *id = NULL;
  if (begin(&k, r, "search", NULL, &id) != 0) return; /* the type, format, token and scope */
  (void)id;
  k.ids = json_array();
  for (int i = 0; i < k.args.n; i++) {
    const char *name = k.args.name[i];
    if (strcmp(name, "_format") == 0 || fp_route_query_listed(SEARCH_PARAMS[k.type], name)) continue;
    char why[200];
    snprintf(why, sizeof why, "the search parameter '%.40s' is not supported: %s searches by %s", name,
             fp_fhir_type_name(k.type), SEARCH_PARAMS[k.type]);
    fp_fhir_reply_outcome(r, 400, "not-supported", why);
    goto done;
  }
  /* Each parameter once, but a Slot's start (a range has two ends). */
  for (int i = 0; i < k.args.n; i++)
    for (int j = 0; j < i; j++)
      if (strcmp(k.args.name[i], k.args.name[j]) == 0 && strcmp(k.args.name[i], "start") != 0) {
        fp_fhir_reply_outcome(r, 400, "invalid", "a search parameter is given more than once");
        goto done;
      }
  struct fp_fhir_page page;
  if (page_or_respond(&k, &page)) goto done;
  struct bundle b = {&k, json_array(), "", false};
  char slot_cursor[48] = ""; /* a Slot search's next page: "<start>.<id>" of its last slot */
  base_url(r, b.base, sizeof b.base);
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? 0 : FP_EIO;
  bool empty = false; /* a search that can match nothing here (an unknown system or id) */
  if (!rc) switch (k.type) {
    case FP_FHIR_PRACTITIONER: {
      const char *ident = arg(&k, "identifier"), *code = NULL;
      char system[200];
      enum fp_regulator reg = FP_REG_NONE;
      if (ident) {
        split_token(ident, system, sizeof system, &code);
        if (system[0] && fp_fhir_registration_system_parse(system, &reg) != 0) empty = true;
        if (!system[0]) reg = (enum fp_regulator)-1; /* any regulator */
      }
      if (!empty) rc = fp_store_fhir_practitioner_search(c, k.client, reg, code, &page, practitioner_cb, &b);
      break;
    }
    case FP_FHIR_PRACTITIONER_ROLE: {
      const char *v = arg(&k, "practitioner");
      int64_t who = 0;
      if (v && (!ref_id(v, "Practitioner") || fp_fhir_int_id_parse(ref_id(v, "Practitioner"), &who) != 0)) empty = true;
      if (!empty) rc = fp_store_fhir_role_search(c, k.client, who, &page, role_cb, &b);
      break;
    }
    case FP_FHIR_ORGANIZATION: {
      const char *ident = arg(&k, "identifier"), *code = NULL;
      char system[200];
      if (ident) {
        split_token(ident, system, sizeof system, &code);
        if (system[0] && strcmp(system, FP_FHIR_ODS_SYSTEM) != 0) empty = true;
      }
      if (!empty) rc = fp_store_fhir_org_search(c, k.client, code, &page, org_cb, &b);
      break;
    }
    case FP_FHIR_HEALTHCARE_SERVICE:
    case FP_FHIR_SCHEDULE: {
      bool schedule = k.type == FP_FHIR_SCHEDULE;
      const char *v = arg(&k, schedule ? "actor" : "organization");
      int64_t practice = 0;
      char role[64] = "";
      if (v && schedule) {
        const char *sid = ref_id(v, "HealthcareService");
        if (!sid || fp_fhir_service_id_parse(sid, &practice, role, sizeof role) != 0) empty = true;
      } else if (v) {
        const char *oid = ref_id(v, "Organization");
        if (!oid || fp_fhir_int_id_parse(oid, &practice) != 0) empty = true;
      }
      if (!empty) {
        rc = fp_store_fhir_service_search(c, k.client, practice, role[0] ? role : NULL, &page,
                                          schedule ? schedule_cb : service_cb, &b);
      }
      break;
    }
    case FP_FHIR_SLOT: {
      struct fp_fhir_slot_query q;
      if (slot_query_or_respond(&k, &q)) {
        json_decref(b.entries);
        goto done;
      }
      char role[64] = "";
      const char *v = arg(&k, "schedule");
      if (v) {
        const char *sid = ref_id(v, "Schedule");
        if (!sid || fp_fhir_service_id_parse(sid, &q.practice_id, role, sizeof role) != 0) empty = true;
        q.role = role;
      }
      struct slot_ctx x = {&b, r->now, 0, 0};
      if (!empty) rc = fp_store_fhir_slot_search(c, k.client, &q, &page, slot_cb, &x);
      if (x.last) snprintf(slot_cursor, sizeof slot_cursor, "%lld.%lld", (long long)x.last_start, (long long)x.last);
      break;
    }
    case FP_FHIR_N_TYPES: break;
    }
  if (rc || b.broken) {
    json_decref(b.entries);
    json_array_clear(k.ids);
    if (rc) fp_fhir_reply_outcome(r, 503, "transient", "the store is not available");
    else fp_fhir_reply_outcome(r, 500, "exception", "a resource on this page could not be written");
    goto done;
  }
  /* The next page starts after the last resource handed out: its id is the cursor (a schedule
     search for one schedule has at most one). */
  char next_cursor[FP_FHIR_ID_MAX + 1] = "";
  size_t n_entries = json_array_size(b.entries);
  if (slot_cursor[0])
    snprintf(next_cursor, sizeof next_cursor, "%s", slot_cursor);
  else if (n_entries)
    snprintf(next_cursor, sizeof next_cursor, "%s",
             json_string_value(json_object_get(json_object_get(json_array_get(b.entries, n_entries - 1), "resource"), "id")));
  reply_bundle(&b, !empty && page.more && n_entries, next_cursor);
done:
  log_answer(&k);
  json_decref(k.ids);
}

void fp_h_fhir_read(struct fp_req *r) {
  struct call k;
  const char *id = NULL;
  if (begin(&k, r, "read", "", &id) != 0) return;
  k.ids = json_array();
  struct fp_conn *c = fp_store_reader(r->app->store);
  int rc = c ? FP_ENOTFOUND : FP_EIO;
  json_t *res = NULL;
  int64_t n = 0;
  bool numeric = fp_fhir_int_id_parse(id, &n) == 0;
  if (c) switch (k.type) {
    case FP_FHIR_PRACTITIONER: {
      struct fp_fhir_practitioner p;
      if (numeric && !(rc = fp_store_fhir_practitioner_get(c, k.client, n, &p))) res = practitioner_json(&p);
      break;
    }
    case FP_FHIR_PRACTITIONER_ROLE: {
      struct fp_fhir_role m;
      if (numeric && !(rc = fp_store_fhir_role_get(c, k.client, n, &m))) res = role_json(&m);
      break;
    }
    case FP_FHIR_ORGANIZATION: {
      struct fp_fhir_org o;
      if (numeric && !(rc = fp_store_fhir_org_get(c, k.client, n, &o))) res = org_json(&o);
      break;
    }
    case FP_FHIR_HEALTHCARE_SERVICE:
    case FP_FHIR_SCHEDULE: {
      struct fp_fhir_service s;
      int64_t practice = 0;
      char role[64];
      if (fp_fhir_service_id_parse(id, &practice, role, sizeof role) == 0 &&
          !(rc = fp_store_fhir_service_get(c, k.client, practice, role, &s)))
        res = service_json(&s, k.type == FP_FHIR_SCHEDULE);
      break;
    }
    case FP_FHIR_SLOT: {
      struct fp_fhir_slot s;
      if (numeric && !(rc = fp_store_fhir_slot_get(c, k.client, n, &s))) {
        if (fp_fhir_slot_status(s.status, s.pool_opens_at, r->now) == FP_SLOT_GONE) {
          fp_fhir_reply_outcome(r, 410, "deleted", "the session was withdrawn or cancelled: it is no longer a slot");
          goto done;
        }
        res = slot_json(&s, r->now);
      }
      break;
    }
    case FP_FHIR_N_TYPES: break;
    }
  if (res) {
    char tid[128];
    snprintf(tid, sizeof tid, "%s/%s", fp_fhir_type_name(k.type), id);
    json_array_append_new(k.ids, json_string(tid));
    reply_fhir(r, 200, res);
  } else if (rc == FP_ENOTFOUND) {
    char why[160];
    snprintf(why, sizeof why, "%s/%.64s is not known to this server, or not to this client", fp_fhir_type_name(k.type), id);
    fp_fhir_reply_outcome(r, 404, "not-found", why);
  } else if (rc == 0) { /* found, but not writable as its resource */
    fp_fhir_reply_outcome(r, 500, "exception", "the resource could not be written");
  } else {
    fp_fhir_reply_outcome(r, 503, "transient", "the store is not available");
  }
done:
  log_answer(&k);
  json_decref(k.ids);
}

void fp_fhir_log_refusal(struct fp_req *r) {
  struct call k;
  memset(&k, 0, sizeof k);
  k.r = r;
  k.type = FP_FHIR_N_TYPES;
  k.type_text = "-";
  const char *token = NULL;
  if (token_resolve(&k, &token) != 0) k.client = 0; /* no client known: logged without one */
  /* The method and the path's first segment after the base (a type's name, or what was asked
     for instead), printable ASCII only; never an id or a query. */
  const char *p = strncmp(r->path, FP_FHIR_BASE "/", sizeof FP_FHIR_BASE) == 0 ? r->path + sizeof FP_FHIR_BASE : "";
  char seg[41];
  size_t n = 0;
  for (; p[n] && p[n] != '/' && n < sizeof seg - 1; n++) seg[n] = p[n] > 0x20 && p[n] < 0x7f ? p[n] : '?';
  seg[n] = 0;
  snprintf(k.request, sizeof k.request, "%.16s %s", r->method ? r->method : "?", seg);
  log_answer(&k);
}

/* ---- what the server can do ---- */

void fp_h_fhir_metadata(struct fp_req *r) {
  struct call k;
  memset(&k, 0, sizeof k);
  k.r = r;
  k.type = FP_FHIR_N_TYPES;
  snprintf(k.request, sizeof k.request, "capabilities");
  MHD_get_connection_values((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &k.args);
  if (!format_ok(arg(&k, "_format"), fp_req_header(r, "Accept"))) {
    fp_fhir_reply_outcome(r, 406, "not-supported", "this server answers FHIR JSON only (application/fhir+json)");
    goto done;
  }
  for (int i = 0; i < k.args.n; i++)
    if (strcmp(k.args.name[i], "_format") != 0) {
      fp_fhir_reply_outcome(r, 400, "not-supported", "metadata takes no parameter but _format");
      goto done;
    }
  char base[320], day[FP_DATE_STRLEN];
  base_url(r, base, sizeof base);
  fp_date_format(fp_uk_day(r->now), day);
  json_t *resources = json_array();
  for (int t = 0; t < FP_FHIR_N_TYPES; t++) {
    json_t *params = json_array();
    const char *list = SEARCH_PARAMS[t];
    for (const char *w = list; *w;) {
      size_t n = strcspn(w, " ");
      char name[32];
      snprintf(name, sizeof name, "%.*s", (int)n, w);
      const char *type = strcmp(name, "identifier") == 0 || strcmp(name, "status") == 0 ? "token"
                         : strcmp(name, "start") == 0                                    ? "date"
                         : name[0] == '_'                                                ? NULL
                                                                                         : "reference";
      if (type) json_array_append_new(params, json_pack("{s:s, s:s}", "name", name, "type", type));
      w += n;
      w += strspn(w, " ");
    }
    json_array_append_new(resources, json_pack("{s:s, s:[{s:s}, {s:s}], s:o}", "type", fp_fhir_type_name((enum fp_fhir_type)t),
                                               "interaction", "code", "read", "code", "search-type", "searchParam", params));
  }
  char token_url[400];
  snprintf(token_url, sizeof token_url, "%.*s/oauth/token", (int)(strlen(base) - strlen(FP_FHIR_BASE)), base);
  json_t *security = json_pack(
      "{s:[{s:[{s:s, s:s}]}], s:[{s:s, s:[{s:s, s:s}]}], s:s}", "service", "coding", "system",
      "http://terminology.hl7.org/CodeSystem/restful-security-service", "code", "SMART-on-FHIR", "extension", "url",
      "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris", "extension", "url", "token", "valueUri", token_url,
      "description", "OAuth 2.0 client credentials at /oauth/token, SMART system scopes (docs/FHIR.md)");
  json_t *cap = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s, s:s}, s:s, s:[s], s:[{s:s, s:o, s:o}]}", "resourceType",
                          "CapabilityStatement", "status", "active", "date", day, "kind", "instance", "publisher", "flexpool",
                          "software", "name", "flexpool", "implementation", "description", "flexpool's read-only FHIR API",
                          "url", base, "fhirVersion", "4.0.1", "format", "json", "rest", "mode", "server", "security", security,
                          "resource", resources);
  reply_fhir(r, 200, cap);
done:
  log_answer(&k);
}

void fp_h_fhir_smart_configuration(struct fp_req *r) {
  char base[320], token_url[400];
  base_url(r, base, sizeof base);
  snprintf(token_url, sizeof token_url, "%.*s/oauth/token", (int)(strlen(base) - strlen(FP_FHIR_BASE)), base);
  json_t *scopes = json_array();
  for (int t = 0; t < FP_FHIR_N_TYPES; t++) {
    char s[64];
    fp_fhir_scope_name((enum fp_fhir_type)t, s, sizeof s);
    json_array_append_new(scopes, json_string(s));
  }
  json_t *j = json_pack("{s:s, s:[s], s:[s, s], s:o, s:[s], s:[s]}", "token_endpoint", token_url, "grant_types_supported",
                        "client_credentials", "token_endpoint_auth_methods_supported", "client_secret_basic",
                        "client_secret_post", "scopes_supported", scopes, "capabilities", "client-confidential-symmetric",
                        "code_challenge_methods_supported", "S256");
  fp_reply_json(r, 200, j);
}
