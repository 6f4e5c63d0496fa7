/* The typed refusal. See api_error.h. */
#include "core/api_error.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/error.h"

int fp_refuse(struct fp_refusal *why, enum fp_api_error code, const char *field, int64_t subject, const char *fmt, ...) {
  why->code = code;
  why->field = field;
  why->subject = subject;
  why->message[0] = 0;
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->message, sizeof why->message, fmt, ap);
    va_end(ap);
  }
  return FP_EREFUSED;
}
