/*
 * money.h - pay arithmetic in integer pence. No floating point touches money.
 *
 * A rate is pence per `hour` or per `session`; a session rate covers the whole shift. Worked
 * minutes are the shift's length less its unpaid break. Depends on libc only.
 */
#ifndef FP_CORE_MONEY_H
#define FP_CORE_MONEY_H

#include <stdint.h>

enum fp_rate_unit { FP_RATE_HOUR = 0, FP_RATE_SESSION = 1 };

/* Parses "hour" / "session". Returns 0 or FP_EINVAL. */
int fp_rate_unit_parse(const char *s, enum fp_rate_unit *out);
const char *fp_rate_unit_name(enum fp_rate_unit u);

/* Minutes paid for a shift: (end - start) / 60 - break, never below zero. */
int64_t fp_worked_minutes(int64_t start, int64_t end, int32_t break_minutes);

/*
 * The fee for the shift in pence, rounded half up to the penny: hourly rate * worked minutes / 60,
 * or the session rate itself.
 */
int64_t fp_fee_pence(int64_t rate_pence, enum fp_rate_unit unit, int64_t worked_minutes);

/*
 * The hourly equivalent in pence, rounded half up: the rate for hourly; the session rate spread over
 * the worked minutes for a session (0 worked minutes gives the session rate itself). Used to compare
 * with a clinician's `min_rate_pence`.
 */
int64_t fp_hourly_equivalent_pence(int64_t rate_pence, enum fp_rate_unit unit, int64_t worked_minutes);

/* Pence as pounds with two decimals, "1234.56" or "-12.00" (no symbol, no grouping): what a
   message's "GBP ..." and a CSV's `_gbp` column say. */
#define FP_MONEY_TEXT_LEN 24
void fp_money_text(int64_t pence, char buf[FP_MONEY_TEXT_LEN]);

#endif
