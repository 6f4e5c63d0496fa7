/*
 * json_out.h - writes a json_t as compact JSON text, fast. jansson's json_dumps walks strings a
 * UTF-8 code point at a time through a callback; on shift search that was most of the request's
 * cost. This writer copies runs of plain bytes with memcpy and escapes only '"', '\\' and control
 * characters (jansson guarantees the strings it holds are valid UTF-8, so the bytes pass through
 * unchanged). Its output is checked against jansson's reader by tests/fuzz/fuzz_json_out.c and
 * tests/unit/http/test_json_out.c.
 */
#ifndef FP_HTTP_JSON_OUT_H
#define FP_HTTP_JSON_OUT_H

#include <jansson.h>
#include <stddef.h>

/* The text of j, malloc'd and NUL-terminated; *len receives its length. NULL when out of memory. */
char *fp_json_dump(const json_t *j, size_t *len);

#endif
