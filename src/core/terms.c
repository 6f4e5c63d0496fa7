#include "core/terms.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

struct fp_terms fp_terms_default(void) {
  return (struct fp_terms){.payment_days = FP_TERMS_DEFAULT_PAYMENT_DAYS};
}

static int bands_valid(const struct fp_cancel_band *b, int32_t n) {
  if (n < 0 || n > FP_TERMS_MAX_BANDS) return 0;
  for (int32_t i = 0; i < n; i++) {
    if (b[i].notice_hours < 1 || b[i].notice_hours > FP_TERMS_MAX_NOTICE_HOURS) return 0;
    if (b[i].fee_percent < 1 || b[i].fee_percent > 100) return 0;
    if (i && (b[i].notice_hours >= b[i - 1].notice_hours || b[i].fee_percent <= b[i - 1].fee_percent)) return 0;
  }
  return 1;
}

int fp_terms_validate(const struct fp_terms *t, const char **field) {
  if (t->payment_days < 1 || t->payment_days > FP_TERMS_MAX_PAYMENT_DAYS) {
    *field = "payment_days";
    return FP_EINVAL;
  }
  if (!bands_valid(t->bands, t->n_bands)) {
    *field = "cancellation";
    return FP_EINVAL;
  }
  return 0;
}

enum fp_terms_source fp_terms_source(bool via_acceptance, bool clinician_has_terms) {
  return via_acceptance && clinician_has_terms ? FP_TERMS_CLINICIAN : FP_TERMS_POOL;
}

const char *fp_terms_source_name(enum fp_terms_source s) {
  return s == FP_TERMS_CLINICIAN ? "clinician" : "pool";
}

int fp_terms_source_parse(const char *s, enum fp_terms_source *out) {
  if (!s) return FP_EINVAL;
  if (strcmp(s, "pool") == 0) *out = FP_TERMS_POOL;
  else if (strcmp(s, "clinician") == 0) *out = FP_TERMS_CLINICIAN;
  else return FP_EINVAL;
  return 0;
}

int64_t fp_terms_cancellation_fee(const struct fp_terms *t, int64_t fee_pence, fp_time at, fp_time starts_at,
                                  int32_t *percent) {
  int32_t pc = 0;
  if (at < starts_at && fee_pence > 0) {
    fp_time notice = starts_at - at;
    /* Bands run from the longest notice to the shortest: the last one it falls inside wins. */
    for (int32_t i = 0; i < t->n_bands && i < FP_TERMS_MAX_BANDS; i++)
      if (notice < (fp_time)t->bands[i].notice_hours * 3600) pc = t->bands[i].fee_percent;
  }
  if (percent) *percent = pc;
  return (fee_pence * pc + 50) / 100;
}

bool fp_terms_fee_rises(const struct fp_terms *t, fp_time at, fp_time starts_at, fp_time *when, int32_t *percent) {
  int32_t now_pc = 0;
  fp_terms_cancellation_fee(t, 1, at, starts_at, &now_pc);
  /* Bands run to shorter notice and higher fees: the first above today's fee whose notice has not
     yet run out is the next. */
  for (int32_t i = 0; i < t->n_bands && i < FP_TERMS_MAX_BANDS; i++) {
    fp_time from = starts_at - (fp_time)t->bands[i].notice_hours * 3600;
    if (t->bands[i].fee_percent > now_pc && from >= at && from < starts_at) {
      *when = from;
      *percent = t->bands[i].fee_percent;
      return true;
    }
  }
  return false;
}

void fp_terms_bands_format(const struct fp_terms *t, char buf[FP_TERMS_BANDS_LEN]) {
  size_t len = 0;
  buf[0] = '\0';
  for (int32_t i = 0; i < t->n_bands && i < FP_TERMS_MAX_BANDS; i++) {
    int k = snprintf(buf + len, FP_TERMS_BANDS_LEN - len, "%s%d:%d", i ? "," : "", (int)t->bands[i].notice_hours,
                     (int)t->bands[i].fee_percent);
    if (k < 0 || (size_t)k >= FP_TERMS_BANDS_LEN - len) break; /* cannot happen for valid bands */
    len += (size_t)k;
  }
}

/* A decimal number of 1 to 4 digits at *p, no sign or leading zero; advances *p. */
static int small_number(const char **p, int32_t *out) {
  const char *s = *p;
  int32_t v = 0;
  int digits = 0;
  if (*s == '0') return FP_EINVAL;
  while (*s >= '0' && *s <= '9' && digits < 4) {
    v = v * 10 + (*s++ - '0');
    digits++;
  }
  if (!digits || (*s >= '0' && *s <= '9')) return FP_EINVAL;
  *out = v;
  *p = s;
  return 0;
}

int fp_terms_bands_parse(const char *s, struct fp_terms *t) {
  if (!s) return FP_EINVAL;
  struct fp_cancel_band b[FP_TERMS_MAX_BANDS];
  int32_t n = 0;
  const char *p = s;
  while (*p) {
    if (n == FP_TERMS_MAX_BANDS) return FP_EINVAL;
    if (n && *p++ != ',') return FP_EINVAL;
    if (small_number(&p, &b[n].notice_hours) != 0 || *p++ != ':' || small_number(&p, &b[n].fee_percent) != 0)
      return FP_EINVAL;
    n++;
  }
  if (!bands_valid(b, n)) return FP_EINVAL;
  memcpy(t->bands, b, sizeof b);
  t->n_bands = n;
  return 0;
}
