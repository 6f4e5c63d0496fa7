/*
 * The monthly report made by the upkeep (docs/METRICS.md, "The monthly report"): a running server
 * makes last month's report of each ICB at its next upkeep run, once, and keeps it. (October's,
 * made on demand and checked figure by figure, is in test_metrics.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpt.h"
#include "world.h"

static struct fpt_server srv;
static struct fpt_world w;

static int setup(void **state) {
  (void)state;
  const char *extra[] = {"--upkeep-interval", "1", NULL};
  if (fpt_server_start(&srv, NULL, extra) != 0) return -1;
  fpt_world_build(&w, &srv);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&srv);
  fpt_gc();
  return 0;
}

/* The ICB's reports of month. */
static json_t *reports_of(const char *month, int *n) {
  json_t *items = json_object_get(fpt_call(&srv, w.commissioner, "GET", "/api/v1/reports", 200, NULL), "items");
  json_t *found = NULL, *x;
  size_t i;
  *n = 0;
  json_array_foreach(items, i, x) if (fpt_int(x, "icb_id") == w.icb && strcmp(fpt_s(x, "month"), month) == 0) {
    found = x;
    ++*n;
  }
  return found;
}

static void test_the_upkeep_makes_last_months_report_once(void **state) {
  (void)state;
  static const char *const MONTHS[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
  /* Last month in UK dates (the test does not run between midnight and 02:00 on a 1st: then the
     month before would be due; wait for 02:00 rather than guess). */
  time_t now = time(NULL);
  struct tm uk;
  time_t shifted = now + 3600; /* at most an hour from UTC: only the day and month are used */
  gmtime_r(&shifted, &uk);
  if (uk.tm_mday == 1 && uk.tm_hour < 3) skip();
  gmtime_r(&now, &uk);
  int y = uk.tm_year + 1900, m = uk.tm_mon; /* tm_mon is 0-based: m is last month, 1-based */
  if (m == 0) m = 12, y--;
  char month[16];
  snprintf(month, sizeof month, "%04d-%02d", y, m);
  int n = 0;
  json_t *rep = NULL;
  for (int i = 0; i < 150 && !(rep = reports_of(month, &n)); i++) usleep(100 * 1000);
  if (!rep) fail_msg("no report for %s after 15 s of upkeep:\n%s", month, fpt_server_log(&srv));
  long long id = fpt_int(rep, "id");
  const char *name = fpt_s(fpt_call(&srv, w.commissioner, "GET", fpt_str("/api/v1/organisations/%lld", w.icb), 200, NULL), "name");
  const char *text = fpt_pdf_text(&srv, w.commissioner, fpt_s(rep, "pdf_url"));
  assert_non_null(strstr(text, fpt_str("Monthly report: %s, %s %d", name, MONTHS[m - 1], y)));
  struct fpt_resp r = fpt_request(&srv, w.commissioner, "GET", fpt_s(rep, "csv_url"), NULL);
  assert_int_equal(r.status, 200);
  json_t *rows = fpt_csv(&r);
  assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 0), 0)), "level");
  assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 1), 0)), "total");
  /* Runs later leave it as it was. */
  sleep(3);
  rep = reports_of(month, &n);
  assert_int_equal(n, 1);
  assert_int_equal(fpt_int(rep, "id"), id);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_the_upkeep_makes_last_months_report_once),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
