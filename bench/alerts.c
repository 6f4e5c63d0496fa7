/*
 * bench/alerts.c - how long matching one posted shift to the clinicians it fits takes (issue 12:
 * "alerting for one shift in a pool of 20,000 clinicians takes under 5 ms of server time").
 *
 *   build/bench_alerts --data-dir DIR [--database URL] [--clinicians N] [--shifts N] [--rounds N]
 *
 * Into an empty store it first loads the demo with N clinicians in all (default 20,000: the
 * documented 150 and the generated rest, 90 % of them pool members, each active member with a weekly
 * availability pattern and about half with alert preferences of their own; src/app/demo.c), then it
 * matches each of up to --shifts (default 50) of the demo's open shifts, one write transaction each,
 * exactly as the upkeep does (fp_store_alerts_match: candidates from the indexes, each decided by the
 * core, the alerts written), and rolls each transaction back so every run sees the same store. It
 * prints, per shift and in all, the candidates, the clinicians it fits and the time inside the
 * transaction (the matching) and of the whole transaction (with BEGIN and ROLLBACK): median, 95th
 * percentile and the longest, and where the time of a match goes (fp_alert_match_stats). On a
 * store already loaded it only measures. Each shift is matched --rounds times (default 5; each
 * rolled back), the figures over all of them. See docs/PERFORMANCE.md.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/demo.h"
#include "core/error.h"
#include "store/alerts.h"
#include "store/db.h"

#define MAX_SHIFTS 1000
#define MAX_RUNS 10000

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

struct one {
  struct fp_alert_index *ix;
  int64_t shift_id, now;
  double match_ms;
  struct fp_alert_match_stats stats;
  int rc;
};

/* Matches the shift and rolls back (FP_EREFUSED: nothing kept). */
static int match_tx(struct fp_conn *c, void *vctx) {
  struct one *o = vctx;
  double t0 = now_ms();
  o->rc = fp_store_alerts_match(c, o->ix, o->shift_id, FP_ALERT_POSTED, o->now, &o->stats);
  o->match_ms = now_ms() - t0;
  return FP_EREFUSED;
}

/* Brings the index up to the store, as the alerts thread does before each run. */
static int refresh_tx(struct fp_conn *c, void *ix) {
  struct fp_alert_index_stats stats;
  return fp_alert_index_refresh(c, ix, &stats);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n, const char *unit) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  printf("%-28s median %9.3f%s   p95 %9.3f%s   max %9.3f%s\n", what, v[n / 2], unit, v[(n * 95) / 100], unit, v[n - 1], unit);
}

int main(int argc, char **argv) {
  const char *data_dir = NULL, *database = NULL;
  long clinicians = 20000, shifts = 50, rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--data-dir") == 0) data_dir = argv[i + 1];
    else if (strcmp(argv[i], "--database") == 0) database = argv[i + 1];
    else if (strcmp(argv[i], "--clinicians") == 0) clinicians = strtol(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--shifts") == 0) shifts = strtol(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--rounds") == 0) rounds = strtol(argv[i + 1], NULL, 10);
    else data_dir = NULL, i = argc;
  }
  if (!data_dir || argc % 2 == 0 || clinicians < 150 || shifts < 1 || shifts > MAX_SHIFTS || rounds < 1 ||
      rounds * shifts > MAX_RUNS) {
    fprintf(stderr,
            "usage: bench_alerts --data-dir DIR [--database URL] [--clinicians N (150..)] [--shifts N (1..%d)]"
            " [--rounds N (shifts x rounds at most %d)]\n",
            MAX_SHIFTS, MAX_RUNS);
    return 2;
  }
  struct fp_store store;
  if (fp_store_open(&store, data_dir, database) != 0) return 1;
  int64_t now = (int64_t)time(NULL);
  double t0 = now_ms();
  int rc = fp_demo_load(&store, now, 0, clinicians);
  if (rc == 0) fprintf(stderr, "bench_alerts: demo with %ld clinicians loaded in %.1f s\n", clinicians, (now_ms() - t0) / 1e3);
  else if (rc == FP_ECONFLICT) fprintf(stderr, "bench_alerts: the store is loaded already: measuring it as it is\n");
  else {
    fprintf(stderr, "bench_alerts: demo load failed: %s\n", fp_strerror(rc));
    fp_store_release(&store);
    return 1;
  }
  static int64_t ids[MAX_SHIFTS];
  int n = 0;
  struct fp_conn *c = fp_store_reader(&store);
  rc = c ? fp_store_alerts_unscanned(c, "posted", now, 0, false, (int)shifts, ids, &n) : FP_EIO;
  if (rc || n == 0) {
    fprintf(stderr, "bench_alerts: no open shifts to match (%s)\n", rc ? fp_strerror(rc) : "none");
    fp_store_release(&store);
    return 1;
  }
  /* The index, loaded once (as at the alerts thread's first run). */
  struct fp_alert_index *ix = fp_alert_index_new();
  const size_t heap0 = mallinfo2().uordblks; /* glibc: the bytes allocated (for the index's size) */
  t0 = now_ms();
  rc = ix ? fp_store_write(&store, refresh_tx, ix) : FP_ENOMEM;
  if (rc) {
    fprintf(stderr, "bench_alerts: loading the alert index: %s\n", fp_strerror(rc));
    fp_alert_index_free(ix);
    fp_store_release(&store);
    return 1;
  }
  const double load_ms = now_ms() - t0;
  const size_t heap1 = mallinfo2().uordblks;
  printf("the alert index loaded (every clinician) in %.1f ms, holding %.1f MB\n\n", load_ms,
         heap1 > heap0 ? (double)(heap1 - heap0) / 1048576.0 : 0.0);
  static double match_ms[MAX_RUNS], tx_ms[MAX_RUNS], refresh_ms[MAX_RUNS], cand[MAX_RUNS], fit[MAX_RUNS];
  static double part[5][MAX_RUNS]; /* candidates, preferences and availability, booking (of which who works near), writes */
  printf("%-10s %10s %10s %12s %12s\n", "shift", "candidates", "fitting", "match ms", "tx ms");
  const int runs = n * (int)rounds; /* shift i % n in run i */
  for (int i = 0; i < runs; i++) {
    struct one o = {.ix = ix, .shift_id = ids[i % n], .now = now};
    double s0 = now_ms();
    rc = fp_store_write(&store, refresh_tx, ix); /* nothing changed: what each run pays */
    refresh_ms[i] = now_ms() - s0;
    if (rc) {
      fprintf(stderr, "bench_alerts: refreshing the alert index: %s\n", fp_strerror(rc));
      break;
    }
    s0 = now_ms();
    rc = fp_store_write(&store, match_tx, &o);
    tx_ms[i] = now_ms() - s0;
    if (rc != FP_EREFUSED || o.rc) {
      fprintf(stderr, "bench_alerts: shift %lld: %s\n", (long long)ids[i % n], fp_strerror(o.rc ? o.rc : rc));
      rc = FP_EIO;
      break;
    }
    match_ms[i] = o.match_ms;
    cand[i] = o.stats.candidates;
    fit[i] = o.stats.fitting;
    part[0][i] = o.stats.candidates_ms;
    part[1][i] = o.stats.preferences_ms;
    part[2][i] = o.stats.booking_ms;
    part[3][i] = o.stats.write_ms;
    part[4][i] = o.stats.near_ms;
    if (i < n) /* the first round, shift by shift */
      printf("%-10lld %10d %10d %12.3f %12.3f\n", (long long)ids[i], o.stats.candidates, o.stats.fitting, o.match_ms, tx_ms[i]);
  }
  if (rc != FP_EREFUSED) {
    fp_alert_index_free(ix);
    fp_store_release(&store);
    return 1;
  }
  printf("\n%d shifts on %s, matched %ld times each (%d matches)\n", n, fp_store_engine_name(&store), rounds, runs);
  report("candidates", cand, runs, "   ");
  report("fitting", fit, runs, "   ");
  report("matching one shift", match_ms, runs, " ms");
  report("its whole transaction", tx_ms, runs, " ms");
  report("the index's refresh before", refresh_ms, runs, " ms");
  printf("\nwhere a match's time goes:\n");
  report("  shift, practice, candidates", part[0], runs, " ms");
  report("  preferences, availability", part[1], runs, " ms");
  report("  would the booking take", part[2], runs, " ms");
  report("    of which who works near", part[4], runs, " ms");
  report("  writing the alerts", part[3], runs, " ms");
  fp_alert_index_free(ix);
  fp_store_release(&store);
  return 0;
}
