/* The fast JSON writer. See json_out.h. */
#include "http/json_out.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define out fp_jw

static bool grow(struct out *o, size_t more) {
  if (o->failed) return false;
  if (o->n + more + 1 <= o->cap) return true;
  size_t cap = o->cap ? o->cap : 4096;
  while (cap < o->n + more + 1) cap *= 2;
  char *np = realloc(o->p, cap);
  if (!np) {
    o->failed = true;
    return false;
  }
  o->p = np;
  o->cap = cap;
  return true;
}

static void put(struct out *o, const char *s, size_t len) {
  if (!grow(o, len)) return;
  memcpy(o->p + o->n, s, len);
  o->n += len;
}

static void put_string(struct out *o, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  put(o, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    put(o, s + run, i - run);
    run = i + 1;
    switch (c) {
    case '"': put(o, "\\\"", 2); break;
    case '\\': put(o, "\\\\", 2); break;
    case '\n': put(o, "\\n", 2); break;
    case '\r': put(o, "\\r", 2); break;
    case '\t': put(o, "\\t", 2); break;
    case '\b': put(o, "\\b", 2); break;
    case '\f': put(o, "\\f", 2); break;
    default: {
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      put(o, u, 6);
    }
    }
  }
  put(o, s + run, len - run);
  put(o, "\"", 1);
}

static void put_real(struct out *o, double v) {
  /* The shortest of %.15g, %.16g and %.17g that reads back as v (so 2.1 is written 2.1, not
     jansson's 2.1000000000000001), and a ".0" when that looks like an integer. */
  char num[40];
  int n = 0;
  for (int digits = 15; digits <= 17; digits++) {
    n = snprintf(num, sizeof num, "%.*g", digits, v);
    if (strtod(num, NULL) == v) break;
  }
  if (n > 0 && !strpbrk(num, ".eE") && (size_t)n + 2 < sizeof num) {
    num[n++] = '.';
    num[n++] = '0';
    num[n] = 0;
  }
  put(o, num, (size_t)n);
}

static void put_value(struct out *o, const json_t *j) {
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    put(o, "{", 1);
    const char *key;
    json_t *v;
    bool first = true;
    json_object_foreach((json_t *)j, key, v) {
      if (!first) put(o, ",", 1);
      first = false;
      put_string(o, key, strlen(key));
      put(o, ":", 1);
      put_value(o, v);
    }
    put(o, "}", 1);
    break;
  }
  case JSON_ARRAY: {
    put(o, "[", 1);
    for (size_t i = 0; i < json_array_size(j); i++) {
      if (i) put(o, ",", 1);
      put_value(o, json_array_get(j, i));
    }
    put(o, "]", 1);
    break;
  }
  case JSON_STRING: put_string(o, json_string_value(j), json_string_length(j)); break;
  case JSON_INTEGER: fp_jw_int(o, (int64_t)json_integer_value(j)); break;
  case JSON_REAL: put_real(o, json_real_value(j)); break;
  case JSON_TRUE: put(o, "true", 4); break;
  case JSON_FALSE: put(o, "false", 5); break;
  case JSON_NULL: put(o, "null", 4); break;
  }
}

char *fp_json_dump(const json_t *j, size_t *len) {
  struct out o = {0};
  put_value(&o, j);
  return fp_jw_take(&o, len);
}

void fp_jw_raw_grow(struct fp_jw *w, const char *s, size_t len) { put(w, s, len); }

void fp_jw_reserve(struct fp_jw *w, size_t len) { grow(w, len); }

void fp_jw_strn(struct fp_jw *w, const char *s, size_t len) { put_string(w, s, len); }

void fp_jw_str(struct fp_jw *w, const char *s) {
  if (s) put_string(w, s, strlen(s));
  else put(w, "null", 4);
}

void fp_jw_int(struct fp_jw *w, int64_t v) {
  char buf[24];
  char *e = buf + sizeof buf, *p = e;
  /* Through the unsigned magnitude, so that INT64_MIN has one too. */
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    *--p = (char)('0' + m % 10);
    m /= 10;
  } while (m);
  if (v < 0) *--p = '-';
  put(w, p, (size_t)(e - p));
}

void fp_jw_real(struct fp_jw *w, double v) { put_real(w, v); }

void fp_jw_value(struct fp_jw *w, const json_t *j) { put_value(w, j); }

char *fp_jw_take(struct fp_jw *w, size_t *len) {
  if (!grow(w, 0)) {
    fp_jw_free(w);
    return NULL;
  }
  w->p[w->n] = 0;
  *len = w->n;
  char *p = w->p;
  memset(w, 0, sizeof *w);
  return p;
}

void fp_jw_free(struct fp_jw *w) {
  free(w->p);
  memset(w, 0, sizeof *w);
}
