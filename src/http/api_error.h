/*
 * api_error.h - the API's error table (core/api_error.h) as the HTTP layer answers it: each code's
 * HTTP status, wire code and default message.
 */
#ifndef FP_HTTP_API_ERROR_H
#define FP_HTTP_API_ERROR_H

#include "core/api_error.h"

struct fp_api_error_info {
  int status;
  const char *code;
  const char *message;
};

/* The table's row for e (the internal_error row for a value outside the table). */
const struct fp_api_error_info *fp_api_error_info(enum fp_api_error e);

#endif
