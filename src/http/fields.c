/* The field-spec validator. See fields.h. */
#include "http/fields.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "core/validate.h"

static const struct fp_field *find(const struct fp_field *spec, const char *key) {
  for (; spec->name; spec++)
    if (strcmp(spec->name, key) == 0) return spec;
  return NULL;
}

static bool utf8_ok_and_printable(const char *s) {
  /* jansson guarantees valid UTF-8; refuse control characters other than tab and newline. */
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') return false;
  return true;
}

static int one(struct fp_req *r, const struct fp_field *f, json_t *v) {
  switch (f->type) {
  case FP_F_STRING:
  case FP_F_EMAIL:
  case FP_F_ENUM: {
    if (!json_is_string(v)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be a string", f->name);
      return -1;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (strlen(s) != len || !utf8_ok_and_printable(s)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' contains control characters", f->name);
      return -1;
    }
    if (f->type == FP_F_EMAIL) {
      if (!fp_email_valid(s)) {
        fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be an email address", f->name);
        return -1;
      }
    } else if (f->type == FP_F_ENUM) {
      bool ok = false;
      for (const char *const *c = f->choices; c && *c; c++)
        if (strcmp(*c, s) == 0) ok = true;
      if (!ok) {
        fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' has a value that is not allowed", f->name);
        return -1;
      }
    } else {
      int64_t max = f->max ? f->max : 200;
      if ((int64_t)len < f->min || (int64_t)len > max) {
        fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be %lld to %lld characters long", f->name,
                       (long long)f->min, (long long)max);
        return -1;
      }
      /* A field that must say something is not satisfied by spaces alone (a name, a reason). */
      if (f->min > 0 && !s[strspn(s, " \t\r\n")]) {
        fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' cannot be blank", f->name);
        return -1;
      }
    }
    *(const char **)f->dest = s;
    return 0;
  }
  case FP_F_INT: {
    if (!json_is_integer(v)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be an integer", f->name);
      return -1;
    }
    json_int_t n = json_integer_value(v);
    if (n < f->min || n > f->max) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be between %lld and %lld", f->name,
                     (long long)f->min, (long long)f->max);
      return -1;
    }
    *(int64_t *)f->dest = n;
    return 0;
  }
  case FP_F_TENTHS: {
    double x = json_is_number(v) ? json_number_value(v) * 10.0 : 0;
    if (!json_is_number(v) || !(x > -1e15 && x < 1e15)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be a number", f->name);
      return -1;
    }
    double whole = round(x);
    if (fabs(x - whole) > 1e-6) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' has at most one decimal place", f->name);
      return -1;
    }
    int64_t n = (int64_t)whole;
    if (n < f->min || n > f->max) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be between %lld.%lld and %lld.%lld", f->name,
                     (long long)(f->min / 10), (long long)llabs(f->min % 10), (long long)(f->max / 10),
                     (long long)llabs(f->max % 10));
      return -1;
    }
    *(int64_t *)f->dest = n;
    return 0;
  }
  case FP_F_BOOL:
    if (!json_is_boolean(v)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be true or false", f->name);
      return -1;
    }
    *(bool *)f->dest = json_is_true(v);
    return 0;
  case FP_F_TIME:
    if (!json_is_string(v) || fp_time_parse(json_string_value(v), (fp_time *)f->dest) != 0) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be an RFC 3339 date-time such as 2026-12-01T09:00:00Z",
                     f->name);
      return -1;
    }
    return 0;
  case FP_F_DATE:
    if (!json_is_string(v) || fp_date_parse(json_string_value(v), (fp_day *)f->dest) != 0) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be a date such as 2026-12-01", f->name);
      return -1;
    }
    return 0;
  case FP_F_JSON:
    if (!json_is_object(v)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be an object", f->name);
      return -1;
    }
    *(json_t **)f->dest = v;
    return 0;
  case FP_F_ARRAY:
    if (!json_is_array(v)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must be a list", f->name);
      return -1;
    }
    if ((int64_t)json_array_size(v) < f->min || (int64_t)json_array_size(v) > f->max) {
      fp_reply_error(r, FP_API_INVALID_FIELD, f->name, "'%s' must have %lld to %lld entries (it has %zu)", f->name,
                     (long long)f->min, (long long)f->max, json_array_size(v));
      return -1;
    }
    *(json_t **)f->dest = v;
    return 0;
  }
  return -1;
}

int fp_fields_parse_or_respond(struct fp_req *r, json_t *obj, const struct fp_field *spec) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    if (!find(spec, key)) {
      fp_reply_error(r, FP_API_UNKNOWN_FIELD, key, "'%s' is not a field of this request", key);
      return -1;
    }
  }
  for (const struct fp_field *f = spec; f->name; f++) {
    v = json_object_get(obj, f->name);
    bool given = v && !json_is_null(v);
    if (f->present) *f->present = given;
    if (!given) {
      if (f->required) {
        fp_reply_error(r, FP_API_MISSING_FIELD, f->name, "'%s' is required", f->name);
        return -1;
      }
      continue;
    }
    if (one(r, f, v) != 0) return -1;
  }
  return 0;
}

int fp_query_int_or_respond(struct fp_req *r, const char *name, int64_t min, int64_t max, int64_t *out) {
  const char *s = fp_req_query(r, name);
  if (!s) return 0;
  char *end = NULL;
  errno = 0;
  long long n = strtoll(s, &end, 10);
  if (!*s || *end || errno || n < min || n > max) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, name, "'%s' must be an integer between %lld and %lld", name,
                   (long long)min, (long long)max);
    return -1;
  }
  *out = n;
  return 0;
}

int fp_query_time_or_respond(struct fp_req *r, const char *name, fp_time *out, bool *present) {
  const char *s = fp_req_query(r, name);
  if (present) *present = s != NULL;
  if (!s) return 0;
  fp_day d;
  if (fp_time_parse(s, out) == 0) return 0;
  if (fp_date_parse(s, &d) == 0) {
    *out = fp_uk_local_to_utc(d, 0, 0, 0);
    return 0;
  }
  fp_reply_error(r, FP_API_INVALID_PARAMETER, name, "'%s' must be an RFC 3339 date-time or a date (YYYY-MM-DD)", name);
  return -1;
}

int fp_query_enum_or_respond(struct fp_req *r, const char *name, const char *const *values, int dflt, int *out) {
  const char *s = fp_req_query(r, name);
  *out = dflt;
  if (!s) return 0;
  char list[256];
  size_t n = 0;
  list[0] = 0;
  for (int i = 0; values[i]; i++) {
    if (strcmp(s, values[i]) == 0) {
      *out = i;
      return 0;
    }
    n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s", i ? ", " : "", values[i]);
    if (n >= sizeof list) n = sizeof list - 1;
  }
  fp_reply_error(r, FP_API_INVALID_PARAMETER, name, "'%s' must be one of: %s", name, list);
  return -1;
}

int fp_query_search_or_respond(struct fp_req *r, const char **out) {
  const char *s = fp_req_query(r, "q");
  *out = NULL;
  if (!s || !*s) return 0;
  size_t chars = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p & 0xC0) != 0x80) chars++; /* UTF-8: count the first byte of each character */
  if (chars > 100) {
    fp_reply_error(r, FP_API_INVALID_PARAMETER, "q", "'q' (the search text) must be at most 100 characters");
    return -1;
  }
  *out = s;
  return 0;
}

void fp_fields_prefix_error(struct fp_req *r, const char *prefix) {
  json_t *e = json_object_get(r->reply, "error");
  const char *f = json_string_value(json_object_get(e, "field"));
  if (!f) return;
  char buf[160];
  snprintf(buf, sizeof buf, "%s%s", prefix, f);
  json_object_set_new(e, "field", json_string(buf));
}

int fp_body_fields_or_respond(struct fp_req *r, const struct fp_field *spec) {
  if (fp_req_json_or_respond(r)) return -1;
  return fp_fields_parse_or_respond(r, r->json, spec);
}
