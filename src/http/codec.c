/* JSON shapes of the resources. See codec.h. */
#include "http/codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "http/fields.h"

json_t *fp_json_time(int64_t t) {
  char buf[FP_TIME_STRLEN];
  fp_time_format(t, buf);
  return json_string(buf);
}

json_t *fp_json_time_or_null(int64_t t) { return t ? fp_json_time(t) : json_null(); }

json_t *fp_json_date(int32_t day) {
  char buf[FP_DATE_STRLEN];
  fp_date_format(day, buf);
  return json_string(buf);
}

json_t *fp_json_id(int64_t id) { return id ? json_integer(id) : json_null(); }
json_t *fp_json_str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

/*
 * The hot path of shift search: built with the _nocheck setters (keys are literals, strings came
 * from the store after validation on the way in), not json_pack, whose format parsing and UTF-8
 * checks were most of a search's cost.
 */
static void set_int(json_t *o, const char *k, int64_t v) { json_object_set_new_nocheck(o, k, json_integer(v)); }
static void set_str(json_t *o, const char *k, const char *v) {
  json_object_set_new_nocheck(o, k, json_stringn_nocheck(v, strlen(v)));
}
static void set_time(json_t *o, const char *k, int64_t t) {
  char buf[FP_TIME_STRLEN];
  size_t n = fp_time_format(t, buf);
  json_object_set_new_nocheck(o, k, json_stringn_nocheck(buf, n));
}
static void set_id(json_t *o, const char *k, int64_t v) { json_object_set_new_nocheck(o, k, fp_json_id(v)); }

json_t *fp_json_shift(const struct fp_shift *s) {
  json_t *j = json_object();
  if (!j) return NULL;
  set_int(j, "id", s->id);
  set_int(j, "practice_id", s->practice_id);
  set_str(j, "role", s->role);
  set_time(j, "starts_at", s->starts_at);
  set_time(j, "ends_at", s->ends_at);
  set_int(j, "break_minutes", s->break_minutes);
  set_int(j, "rate_pence", s->rate_pence);
  set_str(j, "rate_unit", s->rate_unit);
  set_str(j, "booking_mode", s->booking_mode);
  set_str(j, "location_type", s->location_type);
  set_str(j, "description", s->description);
  set_str(j, "status", s->status);
  set_id(j, "series_id", s->series_id);
  set_int(j, "hourly_equivalent_pence", s->hourly_pence);
  json_t *p = json_object();
  set_int(p, "id", s->practice_id);
  set_str(p, "name", s->practice_name);
  json_object_set_new_nocheck(p, "postcode", fp_json_str_or_null(s->practice_postcode));
  json_object_set_new_nocheck(j, "practice", p);
  set_id(j, "booking_id", s->booking_id);
  set_id(j, "booked_clinician_id", s->booked_clinician_id);
  if (s->has_distance)
    json_object_set_new_nocheck(j, "distance_km", json_real((double)(long long)(s->distance_km * 10 + 0.5) / 10));
  set_time(j, "created_at", s->created_at);
  set_time(j, "updated_at", s->updated_at);
  return j;
}

json_t *fp_json_booking(const struct fp_booking *b) {
  json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:s, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)b->id,
                        "shift_id", (json_int_t)b->shift_id, "clinician_id", (json_int_t)b->clinician_id,
                        "practice_id", (json_int_t)b->practice_id, "starts_at", fp_json_time(b->starts_at),
                        "ends_at", fp_json_time(b->ends_at), "status", b->status, "fee_pence",
                        (json_int_t)b->fee_pence, "role", b->role, "practice_name", b->practice_name,
                        "clinician_name", b->clinician_name, "created_at", fp_json_time(b->created_at));
  if (!j) return NULL;
  json_t *flags = json_array();
  if (b->flags[0]) {
    char tmp[sizeof b->flags];
    snprintf(tmp, sizeof tmp, "%s", b->flags);
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) json_array_append_new(flags, json_string(t));
  }
  json_object_set_new(j, "flags", flags);
  if (strcmp(b->status, "cancelled") == 0) {
    json_object_set_new(j, "cancelled_by", json_string(b->cancelled_by));
    json_object_set_new(j, "cancelled_at", fp_json_time(b->cancelled_at));
    json_object_set_new(j, "reason", json_string(b->reason));
    json_object_set_new(j, "late", json_boolean(b->late));
  }
  return j;
}

json_t *fp_json_application(const struct fp_application *a) {
  json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:o, s:I, s:o, s:o, s:s, s:s, s:s}", "id", (json_int_t)a->id,
                        "shift_id", (json_int_t)a->shift_id, "clinician_id", (json_int_t)a->clinician_id, "status",
                        a->status, "message", a->message, "created_at", fp_json_time(a->created_at), "practice_id",
                        (json_int_t)a->practice_id, "starts_at", fp_json_time(a->starts_at), "ends_at",
                        fp_json_time(a->ends_at), "role", a->role, "practice_name", a->practice_name,
                        "clinician_name", a->clinician_name);
  if (!j) return NULL;
  json_object_set_new(j, "decided_at", fp_json_time_or_null(a->decided_at));
  json_object_set_new(j, "reason", fp_json_str_or_null(a->reason));
  return j;
}

json_t *fp_json_org(const struct fp_org *o) {
  json_t *profile = o->profile ? json_loads(o->profile, 0, NULL) : NULL;
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "id", (json_int_t)o->id,
                        "level", o->level, "ods_code", o->ods_code, "name", o->name, "parent_id",
                        fp_json_id(o->parent_id), "icb_id", fp_json_id(o->icb_id), "address",
                        fp_json_str_or_null(o->address), "postcode", fp_json_str_or_null(o->postcode), "phone",
                        fp_json_str_or_null(o->phone), "email", fp_json_str_or_null(o->email), "active", o->active,
                        "profile", profile ? profile : json_object());
  if (j && o->has_location) {
    json_object_set_new(j, "lat", json_real(o->lat));
    json_object_set_new(j, "lon", json_real(o->lon));
  }
  return j;
}

json_t *fp_json_page(json_t *items, const char *next_cursor) {
  return json_pack("{s:o, s:o}", "items", items, "next_cursor", next_cursor ? json_string(next_cursor) : json_null());
}

void fp_page_init(struct fp_page *p, void *ctx) {
  p->items = json_array();
  p->last_start = p->last_id = 0;
  p->ctx = ctx;
}

void fp_page_add(struct fp_page *p, json_t *item, int64_t start, int64_t id) {
  json_array_append_new(p->items, item);
  p->last_start = start;
  p->last_id = id;
}

void fp_reply_page(struct fp_req *r, struct fp_page *p, int rc, bool more, bool time_ordered) {
  if (rc) {
    json_decref(p->items);
    p->items = NULL;
    fp_reply_store_error(r, rc);
    return;
  }
  char cursor[48];
  if (time_ordered) fp_cursor_format(cursor, sizeof cursor, p->last_start, p->last_id);
  else snprintf(cursor, sizeof cursor, "%lld", (long long)p->last_id);
  fp_reply_json(r, 200, fp_json_page(p->items, more ? cursor : NULL));
  p->items = NULL;
}

void fp_cursor_format(char *buf, size_t len, int64_t start, int64_t id) {
  snprintf(buf, len, "%lld_%lld", (long long)start, (long long)id);
}

int fp_cursor_parse_or_respond(struct fp_req *r, int64_t *start, int64_t *id, bool *present) {
  const char *s = fp_req_query(r, "cursor");
  *present = false;
  if (!s) return 0;
  long long a, b;
  char tail;
  if (strlen(s) > 40 || sscanf(s, "%lld_%lld%c", &a, &b, &tail) != 2 || b <= 0) {
    fp_reply_error(r, 400, "invalid_parameter", "cursor", "'cursor' is not a cursor this server gave out");
    return -1;
  }
  *start = a;
  *id = b;
  *present = true;
  return 0;
}

int fp_id_cursor_parse_or_respond(struct fp_req *r, int64_t *after_id) {
  *after_id = 0;
  return fp_query_int_or_respond(r, "cursor", 0, INT64_MAX, after_id);
}

int fp_limit_or_respond(struct fp_req *r, int *limit) {
  int64_t l = 50;
  if (fp_query_int_or_respond(r, "limit", 1, 200, &l) != 0) return -1;
  *limit = (int)l;
  return 0;
}

void fp_scope_from_auth(const struct fp_auth *a, struct fp_scope *s) {
  memset(s, 0, sizeof *s);
  for (int i = 0; i < a->n_roles; i++) {
    const struct fp_role *r = &a->roles[i];
    switch (r->kind) {
    case FP_ROLE_SYSADMIN: s->all = true; break;
    case FP_ROLE_COMMISSIONER:
      if (s->n_icbs < FP_SCOPE_MAX) s->icbs[s->n_icbs++] = r->organisation_id;
      break;
    case FP_ROLE_PRACTICE_MANAGER:
      if (s->n_practices < FP_SCOPE_MAX) s->practices[s->n_practices++] = r->organisation_id;
      break;
    case FP_ROLE_POOL_ADMIN:
      if (s->n_pools < FP_SCOPE_MAX) s->pools[s->n_pools++] = r->pool_id;
      break;
    case FP_ROLE_CLINICIAN: break;
    }
  }
  if (a->clinician_id) fp_scope_clinician(a, s);
}

void fp_scope_clinician(const struct fp_auth *a, struct fp_scope *s) {
  s->clinician_id = a->clinician_id;
  s->profession = a->profession;
  s->n_clinician_pools = a->n_pools;
  if (a->n_pools > FP_SCOPE_MAX) s->n_clinician_pools = -1;
  for (int i = 0; i < s->n_clinician_pools; i++) s->clinician_pools[i] = a->pools[i];
}
