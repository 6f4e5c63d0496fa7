/* The practice's live relationship with a clinician: the one access decision. See access.h. */
#include "store/access.h"
#include "store/sql.h"

#include <string.h>

#include "core/passport.h"

void fp_access_clock_init(struct fp_access_clock *k, int64_t now, int months) {
  k->now = now;
  k->today = fp_uk_day(now);
  /* The same time of day `months` calendar months ago (a session that ended exactly then counts). */
  k->worked_since = months > 0 ? fp_retention_deadline(now, -months) : now;
}

void fp_access_bind(fp_stmt *st, const struct fp_access_clock *k) {
  fp_bind_int64(st, 97, k->now);
  fp_bind_int64(st, 98, k->worked_since);
  fp_bind_int64(st, 99, k->today);
}

const char *fp_access_reason(const unsigned char *text) {
  static const char *const reasons[] = {"application", "booking", "worked", "grant"};
  if (!text) return NULL;
  for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
    if (strcmp((const char *)text, reasons[i]) == 0) return reasons[i];
  return NULL;
}
