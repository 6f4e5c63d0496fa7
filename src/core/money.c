/*
 * money.c - pay arithmetic in integer pence.
 *
 * Negative rates and minutes are not meaningful here and are treated as zero. A result that would
 * not fit in int64_t saturates at INT64_MAX instead of overflowing.
 */
#include "core/money.h"

#include <inttypes.h>
#include <stdio.h>

#include <string.h>

#include "core/error.h"

int fp_rate_unit_parse(const char *s, enum fp_rate_unit *out) {
  if (!s || !out)
    return FP_EINVAL;
  if (strcmp(s, "hour") == 0)
    *out = FP_RATE_HOUR;
  else if (strcmp(s, "session") == 0)
    *out = FP_RATE_SESSION;
  else
    return FP_EINVAL;
  return FP_OK;
}

const char *fp_rate_unit_name(enum fp_rate_unit u) {
  switch (u) {
  case FP_RATE_HOUR: return "hour";
  case FP_RATE_SESSION: return "session";
  }
  return "unknown";
}

int64_t fp_worked_minutes(int64_t start, int64_t end, int32_t break_minutes) {
  if (end <= start)
    return 0;
  /* end > start, so the unsigned difference is the exact length even across the int64 range. */
  const int64_t minutes = (int64_t)(((uint64_t)end - (uint64_t)start) / 60u);
  const int64_t brk = break_minutes > 0 ? break_minutes : 0;
  return minutes > brk ? minutes - brk : 0;
}

/*
 * a * b / c rounded half up, for a >= 0, b >= 0, c > 0; INT64_MAX when the result does not fit.
 * a*b/c = (a/c)*b + (a%c)*b/c, and the first term is whole, so only the second needs rounding.
 */
static int64_t mul_div_half_up(int64_t a, int64_t b, int64_t c) {
  const int64_t q = a / c, r = a % c;
  if (b != 0 && q > INT64_MAX / b)
    return INT64_MAX;
  const int64_t hi = q * b;
  if (b != 0 && r > (INT64_MAX - c / 2) / b)
    return INT64_MAX;
  const int64_t lo = (r * b + c / 2) / c; /* c/2 rounds half up for odd and even c alike */
  if (hi > INT64_MAX - lo)
    return INT64_MAX;
  return hi + lo;
}

int64_t fp_fee_pence(int64_t rate_pence, enum fp_rate_unit unit, int64_t worked_minutes) {
  if (rate_pence <= 0)
    return 0;
  if (unit == FP_RATE_SESSION)
    return rate_pence;
  if (worked_minutes <= 0)
    return 0;
  return mul_div_half_up(rate_pence, worked_minutes, 60);
}

int64_t fp_hourly_equivalent_pence(int64_t rate_pence, enum fp_rate_unit unit, int64_t worked_minutes) {
  if (rate_pence <= 0)
    return 0;
  if (unit != FP_RATE_SESSION || worked_minutes <= 0)
    return rate_pence;
  return mul_div_half_up(rate_pence, 60, worked_minutes);
}

void fp_money_text(int64_t pence, char buf[FP_MONEY_TEXT_LEN]) {
  uint64_t p = pence < 0 ? (uint64_t)(-(pence + 1)) + 1 : (uint64_t)pence; /* INT64_MIN too */
  snprintf(buf, FP_MONEY_TEXT_LEN, "%s%" PRIu64 ".%02" PRIu64, pence < 0 ? "-" : "", p / 100, p % 100);
}
