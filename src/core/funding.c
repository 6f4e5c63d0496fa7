#include "core/funding.h"


int fp_financial_year_of(fp_day day) {
  int y, m, d;
  fp_civil_from_days(day, &y, &m, &d);
  return m >= 4 ? y : y - 1;
}

void fp_financial_year_days(int year, fp_day *first, fp_day *end) {
  *first = fp_days_from_civil(year, 4, 1);
  *end = fp_days_from_civil(year + 1, 4, 1);
}

void fp_financial_year_name(int year, char out[8]) {
  unsigned y = (unsigned)(year < 0 ? 0 : year) % 10000u, next = (y + 1) % 100u;
  out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10), out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10), out[4] = '/', out[5] = (char)('0' + next / 10), out[6] = (char)('0' + next % 10);
  out[7] = '\0';
}

int64_t fp_funding_forecast(int64_t spent, fp_day first, fp_day end, fp_day today) {
  if (today < first || today >= end) return spent;
  int64_t gone = (int64_t)today - first + 1, all = (int64_t)end - first;
  /* Half up, with the sign of spent (a year of corrections can be negative). */
  int64_t num = spent * all;
  return num >= 0 ? (num + gone / 2) / gone : -((-num + gone / 2) / gone);
}
