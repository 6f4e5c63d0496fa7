/*
 * Fuzzes the core's hand-written parsers: RFC 3339 times, dates, postcodes, email addresses,
 * registration numbers and ODS codes. The first byte picks the parser; the rest is the input.
 * Besides "no crash, no sanitizer report" it checks round trips: a parsed time formats and parses
 * back to the same instant; a normalised postcode normalises to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/profession.h"
#include "core/terms.h"
#include "core/time.h"
#include "core/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 256) return 0;
  char s[256];
  memcpy(s, data + 1, size - 1);
  s[size - 1] = 0;
  switch (data[0] % 8) {
  case 0: {
    fp_time t;
    if (fp_time_parse(s, &t) == 0) {
      char buf[FP_TIME_STRLEN];
      fp_time_format(t, buf);
      fp_time back;
      if (fp_time_parse(buf, &back) != 0 || back != t) abort();
      (void)fp_uk_offset(t);
      (void)fp_uk_day(t);
      (void)fp_uk_add_weeks(t, 52);
    }
    break;
  }
  case 1: {
    fp_day d;
    if (fp_date_parse(s, &d) == 0) {
      char buf[FP_DATE_STRLEN];
      fp_date_format(d, buf);
      fp_day back;
      if (fp_date_parse(buf, &back) != 0 || back != d) abort();
    }
    break;
  }
  case 2: {
    char pc[9], again[9];
    if (fp_postcode_normalise(s, pc) == 0) {
      if (fp_postcode_normalise(pc, again) != 0 || strcmp(pc, again) != 0) abort();
    }
    break;
  }
  case 3: {
    (void)fp_email_valid(s);
    int min = fp_clock_parse(s); /* a time of day: read back as written */
    if (min >= 0) {
      char buf[6];
      fp_clock_format(min, buf);
      if (min > 1440 || fp_clock_parse(buf) != min || strcmp(buf, s) != 0) abort();
    }
    break;
  }
  case 4:
    for (int r = FP_REG_NONE; r <= FP_REG_HCPC; r++) (void)fp_registration_valid((enum fp_regulator)r, s);
    (void)fp_profession_find(s);
    break;
  case 5: {
    /* Bank details: what is accepted normalises to a fixed point of the same shape. */
    char a[9], b[9];
    if (fp_sort_code_normalise(s, a) == 0 &&
        (strlen(a) != 8 || fp_sort_code_normalise(a, b) != 0 || strcmp(a, b) != 0)) abort();
    if (fp_account_number_normalise(s, a) == 0 &&
        (strlen(a) != 8 || fp_account_number_normalise(a, b) != 0 || strcmp(a, b) != 0)) abort();
    break;
  }
  case 6: {
    /* Cancellation bands as kept: what is read back is valid and is written as it was read. */
    struct fp_terms t = fp_terms_default();
    const char *field = NULL;
    char again[FP_TERMS_BANDS_LEN];
    if (fp_terms_bands_parse(s, &t) == 0) {
      fp_terms_bands_format(&t, again);
      if (fp_terms_validate(&t, &field) != 0 || strcmp(again, s) != 0) abort();
      int32_t pc = 0;
      if (fp_terms_cancellation_fee(&t, 100000, 0, 3600, &pc) > 100000 || pc < 0 || pc > 100) abort();
    }
    break;
  }
  default:
    for (int l = FP_ORG_NATIONAL; l <= FP_ORG_PRACTICE; l++) (void)fp_ods_valid((enum fp_org_level)l, s);
    break;
  }
  return 0;
}
