/*
 * multipart.h - a multipart/form-data body described by a table of parts, as fields.h describes a
 * JSON body, and checked by one parser (libmicrohttpd's own, over the buffered body).
 *
 * The parser answers the client itself when anything is wrong: 415 when the body is not
 * multipart/form-data; 400 unknown_field for a part the table does not name, invalid_field for a
 * text part given twice, longer than its max or holding control characters or bad UTF-8 (the
 * values end up in JSON), invalid_multipart for a malformed body; 413 payload_too_large for a file
 * part over its max. A file part may come once. Whether a part is required, and what its text
 * means, is the handler's to check afterwards.
 */
#ifndef FP_HTTP_MULTIPART_H
#define FP_HTTP_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

enum fp_part_type {
  FP_P_TEXT, /* a form field: at most max bytes of UTF-8 text */
  FP_P_FILE, /* a file: at most max bytes of anything, with the name the client gave */
};

struct fp_part {
  const char *name;
  enum fp_part_type type;
  size_t max;
  /* Filled by the parser. value is malloc'd and NUL-terminated (NULL when the part did not come);
     freed by fp_multipart_release. */
  bool seen;
  char *value;
  size_t len;
  char filename[121]; /* FP_P_FILE: the last path component, printable ASCII, no quotes */
};

#define FP_PART_END {0}

/* Parses the request's body into parts (ended by FP_PART_END). 0, or answers and returns -1. */
int fp_multipart_parse_or_respond(struct fp_req *r, struct fp_part *parts);
/* A text part's value, or NULL when it did not come or is empty. */
const char *fp_part_text(const struct fp_part *p);
/* Frees every value (the table may be parsed again afterwards). */
void fp_multipart_release(struct fp_part *parts);

#endif
