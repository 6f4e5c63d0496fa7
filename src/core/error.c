#include "core/error.h"

const char *fp_err_name(int err) {
  switch (err) {
  case FP_OK: return "OK";
#define XX(name, val, msg) case FP_##name: return #name;
    FP_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown";
}

const char *fp_strerror(int err) {
  switch (err) {
  case FP_OK: return "success";
#define XX(name, val, msg) case FP_##name: return msg;
    FP_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown error";
}
