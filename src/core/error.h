/*
 * error.h - flexpool's error codes, from one X-macro table (after libuv's UV_ERRNO_MAP).
 *
 * Functions return 0 on success and a negative FP_E* code on failure. A rule that says "no"
 * (not eligible, overlapping booking) is a result, not an error: a write transaction that
 * refuses returns FP_EREFUSED with the reason in a struct fp_refusal (core/api_error.h). HTTP
 * statuses are mapped in the HTTP layer only. Depends on nothing.
 */
#ifndef FP_CORE_ERROR_H
#define FP_CORE_ERROR_H

#define FP_ERRNO_MAP(XX)                                   \
  XX(EINVAL, -1, "invalid argument")                       \
  XX(ENOMEM, -2, "out of memory")                          \
  XX(ENOTFOUND, -3, "not found")                           \
  XX(ECONFLICT, -4, "conflict")                            \
  XX(EIO, -5, "input/output error")                        \
  XX(ERANGE, -6, "value out of range")                     \
  XX(EBUSY, -7, "resource busy")                           \
  XX(EPERM, -8, "operation not permitted")                 \
  XX(ETOOBIG, -9, "too large")                             \
  XX(EREFUSED, -10, "refused by a rule")

enum fp_errno {
  FP_OK = 0,
#define XX(name, val, msg) FP_##name = (val),
  FP_ERRNO_MAP(XX)
#undef XX
};

/* The short name ("EINVAL") and the message of an error code; "unknown" for others. */
const char *fp_err_name(int err);
const char *fp_strerror(int err);

#endif
