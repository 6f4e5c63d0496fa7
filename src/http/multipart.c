/* multipart/form-data by a table of parts. See multipart.h. */
#include "http/multipart.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"

struct parse {
  struct fp_part *parts;
  size_t *cap;            /* each part's buffer size */
  int n_calls;            /* iterator calls: none means no part was found */
  char unknown[64];       /* the name of a part the table does not take */
  /* Why the iterator stopped, when it did. */
  const char *bad_field;
  enum fp_api_error bad_code;
  bool bad, no_memory;
};

/* Keeps a display name only: the last path component, printable ASCII, no quotes or slashes. */
static void clean_name(const char *in, char *out, size_t len) {
  const char *base = in;
  for (const char *p = in; *p; p++)
    if (*p == '/' || *p == '\\') base = p + 1;
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)base; *p && n + 1 < len; p++)
    out[n++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\'' && *p != ';') ? (char)*p : '_';
  out[n] = 0;
}

static enum MHD_Result stop(struct parse *x, const char *field, enum fp_api_error code) {
  x->bad = true;
  x->bad_field = field;
  x->bad_code = code;
  return MHD_NO;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                               const char *content_type, const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size) {
  (void)kind;
  (void)content_type;
  (void)transfer_encoding;
  struct parse *x = cls;
  x->n_calls++;
  if (!key) return MHD_YES;
  for (int i = 0; x->parts[i].name; i++) {
    struct fp_part *p = &x->parts[i];
    if (strcmp(key, p->name) != 0) continue;
    if (off == 0 && p->seen && p->len > 0) /* given twice */
      return stop(x, p->name, FP_API_INVALID_FIELD);
    p->seen = true;
    if (p->type == FP_P_FILE && filename && !p->filename[0]) clean_name(filename, p->filename, sizeof p->filename);
    if (off != p->len) return stop(x, p->name, p->type == FP_P_FILE ? FP_API_INVALID_MULTIPART : FP_API_INVALID_FIELD);
    if (p->len + size > p->max)
      return stop(x, p->name, p->type == FP_P_FILE ? FP_API_PAYLOAD_TOO_LARGE : FP_API_INVALID_FIELD);
    if (p->len + size + 1 > x->cap[i]) {
      size_t cap = x->cap[i] ? x->cap[i] : (p->type == FP_P_FILE ? 64 * 1024 : 256);
      while (cap < p->len + size + 1) cap *= 2;
      char *nb = realloc(p->value, cap);
      if (!nb) {
        x->no_memory = true;
        return MHD_NO;
      }
      p->value = nb;
      x->cap[i] = cap;
    }
    if (size) memcpy(p->value + p->len, data, size);
    p->len += size;
    p->value[p->len] = 0;
    return MHD_YES;
  }
  clean_name(key, x->unknown, sizeof x->unknown);
  return stop(x, x->unknown, FP_API_UNKNOWN_FIELD);
}

/* Whether s is UTF-8 without control characters (the text fields end up in JSON). */
static bool text_ok(const char *s, size_t len) {
  if (strlen(s) != len) return false; /* an embedded NUL */
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    if (*p < 0x20 || *p == 0x7f) return false;
    int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
    if (n < 0 || (n == 1 && *p < 0xc2)) return false;
    p++;
    for (int i = 0; i < n; i++, p++)
      if ((*p & 0xc0) != 0x80) return false;
  }
  return true;
}

static void reply_bad(struct fp_req *r, const struct parse *x) {
  const struct fp_part *p = NULL;
  for (int i = 0; x->parts[i].name; i++)
    if (x->parts[i].name == x->bad_field) p = &x->parts[i];
  switch (x->bad_code) {
  case FP_API_PAYLOAD_TOO_LARGE:
    fp_reply_error(r, FP_API_PAYLOAD_TOO_LARGE, x->bad_field, "the %s is larger than %zu MB", x->bad_field,
                   p ? p->max / (1024 * 1024) : 0);
    break;
  case FP_API_UNKNOWN_FIELD:
    fp_reply_error(r, FP_API_UNKNOWN_FIELD, x->bad_field, "'%s' is not a field of this request", x->bad_field);
    break;
  case FP_API_INVALID_MULTIPART: fp_reply_error(r, FP_API_INVALID_MULTIPART, NULL, "the multipart body is malformed"); break;
  default: fp_reply_error(r, FP_API_INVALID_FIELD, x->bad_field, "'%s' is given twice or is too long", x->bad_field); break;
  }
}

int fp_multipart_parse_or_respond(struct fp_req *r, struct fp_part *parts) {
  const char *ct = fp_req_header(r, "Content-Type");
  if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) {
    fp_reply_error(r, FP_API_UNSUPPORTED_MEDIA_TYPE, NULL, "the body must be multipart/form-data");
    return -1;
  }
  int n = 0;
  while (parts[n].name) n++;
  struct parse x = {.parts = parts, .cap = calloc((size_t)n + 1, sizeof *x.cap)};
  if (!x.cap) {
    fp_reply_store_error(r, FP_ENOMEM);
    return -1;
  }
  struct MHD_PostProcessor *pp = MHD_create_post_processor((struct MHD_Connection *)r->conn, 64 * 1024, on_part, &x);
  if (!pp) {
    free(x.cap);
    fp_reply_error(r, FP_API_INVALID_MULTIPART, NULL, "the multipart body has no usable boundary");
    return -1;
  }
  enum MHD_Result ok = r->body_len ? MHD_post_process(pp, r->body, r->body_len) : MHD_YES;
  enum MHD_Result done = MHD_destroy_post_processor(pp);
  free(x.cap);
  if (x.no_memory) {
    fp_reply_store_error(r, FP_ENOMEM);
    return -1;
  }
  if (x.bad) {
    reply_bad(r, &x);
    return -1;
  }
  if (ok != MHD_YES || done != MHD_YES || (r->body_len && !x.n_calls)) {
    fp_reply_error(r, FP_API_INVALID_MULTIPART, NULL, "the multipart body is malformed or incomplete");
    return -1;
  }
  for (int i = 0; i < n; i++)
    if (parts[i].type == FP_P_TEXT && parts[i].seen && !text_ok(parts[i].value ? parts[i].value : "", parts[i].len)) {
      fp_reply_error(r, FP_API_INVALID_FIELD, parts[i].name, "'%s' contains control characters or is not UTF-8",
                     parts[i].name);
      return -1;
    }
  return 0;
}

const char *fp_part_text(const struct fp_part *p) { return p->seen && p->len ? p->value : NULL; }

void fp_multipart_release(struct fp_part *parts) {
  for (int i = 0; parts[i].name; i++) {
    free(parts[i].value);
    parts[i].value = NULL;
    parts[i].len = 0;
    parts[i].seen = false;
    parts[i].filename[0] = 0;
  }
}
