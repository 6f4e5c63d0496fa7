/* The API's error table. See api_error.h. */
#include "http/api_error.h"

static const struct fp_api_error_info table[FP_API_N_ERRORS] = {
#define XX(name, status, code, msg) [FP_API_##name] = {status, code, msg},
    FP_API_ERRORS(XX)
#undef XX
};

const struct fp_api_error_info *fp_api_error_info(enum fp_api_error e) {
  if ((unsigned)e >= FP_API_N_ERRORS) return &table[FP_API_INTERNAL_ERROR];
  return &table[e];
}
