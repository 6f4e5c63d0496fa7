/*
 * json_out.h - writes JSON text fast: a json_t as a whole (fp_json_dump), or a document piece by
 * piece straight into a growing buffer (struct fp_jw), with no json_t at all, for the answers that
 * are on every hot path (a page of shifts).
 *
 * jansson's json_dumps walks strings a UTF-8 code point at a time through a callback; on shift
 * search that was most of the request's cost, and building the json_t tree (an allocation for
 * every value and every key) most of the rest. This writer copies runs of plain bytes with memcpy
 * and escapes only '"', '\\' and control characters: strings given to it must be valid UTF-8,
 * which everything the store holds is (it all came in through jansson's reader or the server's own
 * validators). Its output is checked against jansson's reader by tests/fuzz/fuzz_json_out.c and
 * tests/unit/http/test_json_out.c.
 */
#ifndef FP_HTTP_JSON_OUT_H
#define FP_HTTP_JSON_OUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The text of j, malloc'd and NUL-terminated; *len receives its length. NULL when out of memory. */
char *fp_json_dump(const json_t *j, size_t *len);

/* A JSON text being written. Zero it to start; any allocation failure is remembered in failed. */
struct fp_jw {
  char *p;
  size_t n, cap;
  bool failed;
};

/* Bytes as they are (punctuation, keys with their quotes and colon): inline while they fit. */
void fp_jw_raw_grow(struct fp_jw *w, const char *s, size_t len);
static inline void fp_jw_raw(struct fp_jw *w, const char *s, size_t len) {
  if (w->n + len < w->cap) { /* room for them and the final NUL */
    memcpy(w->p + w->n, s, len);
    w->n += len;
  } else {
    fp_jw_raw_grow(w, s, len);
  }
}
/* Makes room for at least len more bytes. */
void fp_jw_reserve(struct fp_jw *w, size_t len);
#define fp_jw_lit(w, lit) fp_jw_raw((w), "" lit, sizeof(lit) - 1)
/* A string value, quoted and escaped; NULL writes null. */
void fp_jw_str(struct fp_jw *w, const char *s);
void fp_jw_strn(struct fp_jw *w, const char *s, size_t len);
void fp_jw_int(struct fp_jw *w, int64_t v);
/* A real as jansson writes one (%.17g, with ".0" when that looks like an integer). */
void fp_jw_real(struct fp_jw *w, double v);
/* Any json_t. */
void fp_jw_value(struct fp_jw *w, const json_t *j);
/* The text, NUL-terminated, handed to the caller (free it); NULL (and nothing to free) if writing failed. */
char *fp_jw_take(struct fp_jw *w, size_t *len);
/* Frees whatever was written. */
void fp_jw_free(struct fp_jw *w);

#endif
