/* A form-encoded body. See form.h. */
#include "http/form.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

int fp_form_decode(char *s) {
  for (char *c = s; *c; c++)
    if (*c == '+') *c = ' ';
  size_t n = MHD_http_unescape(s);
  /* A %00 ends the text early: refused rather than read as a shorter value. */
  if (strlen(s) != n) return -1;
  return 0;
}

int fp_form_parse(const char *body, size_t len, struct fp_form *out) {
  memset(out, 0, sizeof *out);
  if (memchr(body, 0, len)) return -1;
  out->buf = malloc(len + 1);
  if (!out->buf) return -1;
  memcpy(out->buf, body, len);
  out->buf[len] = 0;
  char *p = out->buf;
  while (*p) {
    char *amp = strchr(p, '&');
    if (amp) *amp = 0;
    if (*p) { /* empty pairs ("a=1&&b=2") are skipped */
      char *eq = strchr(p, '=');
      if (!eq || out->n == FP_FORM_MAX_PAIRS) goto bad;
      *eq = 0;
      if (fp_form_decode(p) || fp_form_decode(eq + 1) || !*p) goto bad;
      out->name[out->n] = p;
      out->value[out->n] = eq + 1;
      out->n++;
    }
    if (!amp) break;
    p = amp + 1;
  }
  return 0;
bad:
  fp_form_free(out);
  return -1;
}

const char *fp_form_get(const struct fp_form *f, const char *name, int *count) {
  const char *v = NULL;
  *count = 0;
  for (int i = 0; i < f->n; i++)
    if (strcmp(f->name[i], name) == 0) {
      if (!v) v = f->value[i];
      (*count)++;
    }
  return v;
}

void fp_form_free(struct fp_form *f) {
  free(f->buf);
  memset(f, 0, sizeof *f);
}
