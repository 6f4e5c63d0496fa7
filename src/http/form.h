/*
 * form.h - an application/x-www-form-urlencoded body (the OAuth token request, RFC 6749 4.4 and
 * appendix B) as name and value pairs: split on '&' and '=', '+' as a space, %XX decoded
 * (libmicrohttpd's MHD_http_unescape). A body of more than FP_FORM_MAX_PAIRS pairs, a pair without
 * '=', or a decoded NUL is refused.
 */
#ifndef FP_HTTP_FORM_H
#define FP_HTTP_FORM_H

#include <stddef.h>

#define FP_FORM_MAX_PAIRS 16

struct fp_form {
  char *buf; /* the decoded copy of the body, which the pairs point into (malloc'd) */
  int n;
  const char *name[FP_FORM_MAX_PAIRS], *value[FP_FORM_MAX_PAIRS];
};

/* Parses body[0..len): 0, or -1 (nothing to free). */
int fp_form_parse(const char *body, size_t len, struct fp_form *out);
/* The value of name: NULL when absent; *count says how often it was given. */
const char *fp_form_get(const struct fp_form *f, const char *name, int *count);
void fp_form_free(struct fp_form *f);
/* Decodes one form-encoded text in place ('+' a space, %XX its byte): 0, or -1 when it would hold
   a NUL. */
int fp_form_decode(char *s);

#endif
