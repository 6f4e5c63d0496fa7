/*
 * test_demo.c - the demo data set: its postcode extract agrees with the demo's own table, every
 * demo account exists with its role and the demo password, practice@'s practice has shifts in every
 * state at UK local session times, the load is deterministic and `--shifts N` makes exactly N.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/demo.h"
#include "app/postcodes.h"
#include "core/error.h"
#include "core/time.h"
#include "core/timesheet.h"
#include "core/validate.h"
#include "http/auth.h"
#include "store/accounts.h"
#include "store/members.h"
#include "store/metrics.h"
#include "store/places.h"
#include "store/shifts.h"

/* Wednesday 25 March 2026, 10:15 GMT: the four weeks span the clock change of Sunday 29 March. */
#define NOW 1774433700
#define HOUR 3600
#define DAY (24 * HOUR)

/* The source tree, from this file's own path (CMake compiles it by its absolute path). */
static void source_path(const char *rel, char *out, size_t len) {
  const char *me = __FILE__;
  const char *tail = strstr(me, "tests/unit/app/test_demo.c");
  snprintf(out, len, "%.*s%s", tail ? (int)(tail - me) : 0, me, rel);
}

struct tmp_store {
  char dir[64];
  struct fp_store store;
};

static void tmp_open(struct tmp_store *t) {
  snprintf(t->dir, sizeof t->dir, "/tmp/fp-test-demo-XXXXXX");
  assert_non_null(mkdtemp(t->dir));
  assert_int_equal(fp_store_open(&t->store, t->dir, NULL), 0);
}

static void tmp_close(struct tmp_store *t) {
  fp_store_release(&t->store);
  static const char *const files[] = {"/flexpool.db", "/flexpool.db-wal", "/flexpool.db-shm"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char p[128];
    snprintf(p, sizeof p, "%s%s", t->dir, files[i]);
    unlink(p);
  }
  rmdir(t->dir);
}

static void test_csv_extract_matches_the_demo_table(void **state) {
  (void)state;
  size_t n = 0;
  const struct fp_demo_postcode *pcs = fp_demo_postcodes(&n);
  assert_true(n >= 37);
  struct tmp_store t;
  tmp_open(&t);
  char path[512];
  source_path("data/postcodes-demo.csv", path, sizeof path);
  long imported = 0, skipped = 0;
  assert_int_equal(fp_postcodes_import(&t.store, path, &imported, &skipped), 0);
  /* Every row but the terminated one and the one without a grid reference. */
  assert_int_equal(imported, (long)n);
  assert_int_equal(skipped, 2);
  struct fp_conn *c = fp_store_reader(&t.store);
  assert_non_null(c);
  for (size_t i = 0; i < n; i++) {
    char norm[9];
    assert_int_equal(fp_postcode_normalise(pcs[i].postcode, norm), 0);
    assert_string_equal(norm, pcs[i].postcode);
    double lat = 0, lon = 0;
    assert_int_equal(fp_store_postcode_get(c, pcs[i].postcode, &lat, &lon), 0);
    assert_true(lat == pcs[i].lat && lon == pcs[i].lon);
    /* West Yorkshire. */
    assert_true(lat > 53.6 && lat < 54.0 && lon > -2.2 && lon < -1.3);
  }
  tmp_close(&t);
}

struct count {
  long shifts, by_status[5];
  long bad_times;
  uint64_t digest;
  int64_t last_start, last_id;
  long orgs;
};

static void mix(uint64_t *h, int64_t v) { *h = (*h ^ (uint64_t)v) * 1099511628211ULL; }

static void count_shift(const struct fp_shift *s, void *ctx) {
  struct count *k = ctx;
  k->shifts++;
  enum fp_shift_status st;
  assert_int_equal(fp_shift_status_parse(s->status, &st), 0);
  k->by_status[st]++;
  /* Sessions start at 08:30 or 13:30 and end at 12:30 or 18:00, UK local time. */
  char a[26], b[26];
  fp_uk_format(s->starts_at, a);
  fp_uk_format(s->ends_at, b);
  if ((strncmp(a + 10, "T08:30:00", 9) != 0 && strncmp(a + 10, "T13:30:00", 9) != 0) ||
      (strncmp(b + 10, "T12:30:00", 9) != 0 && strncmp(b + 10, "T18:00:00", 9) != 0))
    k->bad_times++;
  mix(&k->digest, s->id);
  mix(&k->digest, s->practice_id);
  mix(&k->digest, s->starts_at);
  mix(&k->digest, s->rate_pence);
  mix(&k->digest, (int64_t)st);
  mix(&k->digest, s->booked_clinician_id);
  k->last_start = s->starts_at;
  k->last_id = s->id;
}

/* Pages through every shift the scope sees. */
static void count_shifts(struct fp_conn *c, const struct fp_scope *scope, struct count *k) {
  struct fp_shift_query q;
  memset(&q, 0, sizeof q);
  q.scope = scope;
  q.limit = 200;
  bool more = true;
  while (more) {
    assert_int_equal(fp_store_shift_search(c, &q, count_shift, k, &more), 0);
    q.has_cursor = true;
    q.cursor_start = k->last_start;
    q.cursor_id = k->last_id;
  }
}

static void count_org(const struct fp_org *o, void *ctx) {
  (void)o;
  ((struct count *)ctx)->orgs++;
}

static long count_orgs(struct fp_conn *c, const char *level) {
  struct count k = {0};
  assert_int_equal(fp_store_org_list(c, level, 0, 0, 100000, count_org, &k), 0);
  return k.orgs;
}

struct booking_kinds {
  long confirmed, by_practice, by_clinician, late;
  int64_t reopened_shift_ids[64];
  int n_reopened;
};

static void kind_of_booking(const struct fp_booking *b, void *ctx) {
  struct booking_kinds *k = ctx;
  assert_true(b->fee_pence > 0);
  if (strcmp(b->status, "confirmed") == 0) k->confirmed++;
  else if (strcmp(b->cancelled_by, "practice") == 0) k->by_practice++;
  else if (strcmp(b->cancelled_by, "clinician") == 0) {
    k->by_clinician++;
    if (k->n_reopened < 64) k->reopened_shift_ids[k->n_reopened++] = b->shift_id;
  }
  if (b->late) k->late++;
}

static void count_app(const struct fp_application *a, void *ctx) {
  (void)a;
  (*(long *)ctx)++;
}

static void test_demo_accounts_and_states(void **state) {
  (void)state;
  struct tmp_store t;
  tmp_open(&t);
  int empty = 0;
  assert_int_equal(fp_store_is_empty(&t.store, &empty), 0);
  assert_true(empty);
  assert_int_equal(fp_demo_load(&t.store, NOW, 0, 0), 0);
  assert_int_equal(fp_store_is_empty(&t.store, &empty), 0);
  assert_false(empty);
  /* Only into an empty store. */
  assert_int_equal(fp_demo_load(&t.store, NOW, 0, 0), FP_ECONFLICT);

  struct fp_conn *c = fp_store_reader(&t.store);
  assert_non_null(c);
  assert_int_equal(count_orgs(c, "icb"), 1);
  assert_in_range(count_orgs(c, "place"), 2, 3);
  assert_true(count_orgs(c, "pcn") >= 3);
  assert_true(count_orgs(c, "practice") >= 30);

  /* Staff accounts: the demo password, the right role, one shared hash. */
  static const struct {
    const char *email, *role;
  } staff[] = {
      {"admin@demo.flexpool.test", "sysadmin"},
      {"icb@demo.flexpool.test", "commissioner"},
      {"pool@demo.flexpool.test", "pool_admin"},
      {"practice@demo.flexpool.test", "practice_manager"},
  };
  struct fp_user u, first;
  int64_t practice_id = 0;
  for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++) {
    assert_int_equal(fp_store_user_by_email(c, staff[i].email, &u), 0);
    assert_true(u.active);
    if (i == 0) {
      assert_true(fp_password_verify(u.password_hash, FP_DEMO_PASSWORD));
      first = u;
    }
    assert_string_equal(u.password_hash, first.password_hash);
    struct fp_role_row roles[4];
    int n = 0;
    assert_int_equal(fp_store_roles_of(c, u.id, roles, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(roles[0].role, staff[i].role);
    if (strcmp(staff[i].role, "practice_manager") == 0) practice_id = roles[0].organisation_id;
  }
  assert_true(practice_id > 0);

  /* clinician001-100 are GPs sharing a pool with practice@'s practice; 101-150 other professions. */
  int inactive = 0, sharing_others = 0;
  for (int i = 1; i <= 150; i++) {
    char email[64];
    snprintf(email, sizeof email, "clinician%03d@demo.flexpool.test", i);
    assert_int_equal(fp_store_user_by_email(c, email, &u), 0);
    assert_string_equal(u.password_hash, first.password_hash);
    int64_t cid = 0;
    char profession[48];
    assert_int_equal(fp_store_clinician_of_user(c, u.id, &cid, profession, sizeof profession), 0);
    assert_true(cid > 0);
    int64_t *shared = NULL;
    size_t n_shared = 0;
    assert_int_equal(fp_store_clinician_pools(c, cid, practice_id, &shared, &n_shared), 0);
    free(shared);
    bool shares = n_shared > 0;
    if (i <= 100) {
      assert_string_equal(profession, "gp");
      assert_true(u.active);
      assert_true(shares);
    } else {
      assert_string_not_equal(profession, "gp");
      inactive += !u.active;
      sharing_others += shares && u.active;
    }
  }
  assert_in_range(inactive, 1, 2);
  assert_true(sharing_others >= 10);
  char email[64];
  snprintf(email, sizeof email, "clinician151@demo.flexpool.test");
  assert_int_equal(fp_store_user_by_email(c, email, &u), FP_ENOTFOUND);

  /* practice@'s practice: shifts in every state, all at session times across the clock change. */
  struct fp_scope practice = {.n_practices = 1, .practices = {practice_id}};
  struct count k = {0};
  count_shifts(c, &practice, &k);
  assert_true(k.shifts >= 40);
  for (int s = 0; s < 5; s++) assert_true(k.by_status[s] > 0);
  assert_int_equal(k.bad_times, 0);

  struct booking_kinds bk = {0};
  struct fp_booking_query bq = {.scope = &practice, .limit = 200};
  bool more = false;
  assert_int_equal(fp_store_booking_search(c, &bq, kind_of_booking, &bk, &more), 0);
  assert_true(bk.confirmed > 0 && bk.by_practice > 0 && bk.by_clinician > 0);
  /* Some clinician cancellations left the shift open again. */
  int reopened = 0;
  for (int i = 0; i < bk.n_reopened; i++) {
    struct fp_shift s;
    assert_int_equal(fp_store_shift_get(c, bk.reopened_shift_ids[i], NULL, &s), 0);
    reopened += strcmp(s.status, "open") == 0;
  }
  assert_true(reopened > 0);

  long pending = 0;
  struct fp_application_query aq = {.scope = &practice, .status = "pending", .limit = 200};
  assert_int_equal(fp_store_application_search(c, &aq, count_app, &pending, &more), 0);
  assert_true(pending > 0);

  /* The whole demo, and its postcodes. */
  struct fp_scope all = {.all = true};
  struct count everything = {0};
  count_shifts(c, &all, &everything);
  assert_true(everything.shifts > 500);
  for (int s = 0; s < 5; s++) assert_true(everything.by_status[s] > 0);
  assert_int_equal(everything.bad_times, 0);
  struct booking_kinds all_bk = {0};
  struct fp_booking_query abq = {.scope = &all, .status = "cancelled", .limit = 200};
  assert_int_equal(fp_store_booking_search(c, &abq, kind_of_booking, &all_bk, &more), 0);
  assert_true(all_bk.late > 0);
  size_t n = 0;
  const struct fp_demo_postcode *pcs = fp_demo_postcodes(&n);
  for (size_t i = 0; i < n; i++) {
    double lat, lon;
    assert_int_equal(fp_store_postcode_get(c, pcs[i].postcode, &lat, &lon), 0);
  }
  tmp_close(&t);
}

static uint64_t digest_of_demo(int64_t now, long shifts, struct count *k) {
  struct tmp_store t;
  tmp_open(&t);
  assert_int_equal(fp_demo_load(&t.store, now, shifts, 0), 0);
  struct fp_conn *c = fp_store_reader(&t.store);
  assert_non_null(c);
  struct fp_scope all = {.all = true};
  memset(k, 0, sizeof *k);
  k->digest = 1469598103934665603ULL;
  count_shifts(c, &all, k);
  k->orgs = count_orgs(c, "practice");
  tmp_close(&t);
  return k->digest;
}

static void test_demo_is_deterministic(void **state) {
  (void)state;
  struct count a, b;
  assert_true(digest_of_demo(NOW, 0, &a) == digest_of_demo(NOW, 0, &b));
  assert_int_equal(a.shifts, b.shifts);
}

static void test_demo_scales_to_n_shifts(void **state) {
  (void)state;
  struct count k;
  digest_of_demo(NOW, 20000, &k);
  assert_int_equal(k.shifts, 20000);
  assert_int_equal(k.orgs, 50); /* about one practice per 400 shifts */
  assert_int_equal(k.bad_times, 0);
  assert_true(k.by_status[FP_SHIFT_OPEN] > k.shifts / 2);
  assert_true(k.by_status[FP_SHIFT_BOOKED] > 0);
  /* Small N: still the base practices. */
  digest_of_demo(NOW, 300, &k);
  assert_int_equal(k.shifts, 300);
  assert_true(k.orgs >= 30);
  assert_true(k.by_status[FP_SHIFT_OPEN] > k.shifts / 2);
}

struct icbs {
  int n;
  int64_t ids[8];
  char ods[8][12];
};

static void collect_icb(const struct fp_org *o, void *ctx) {
  struct icbs *k = ctx;
  assert_true(k->n < 8);
  k->ids[k->n] = o->id;
  snprintf(k->ods[k->n++], sizeof k->ods[0], "%s", o->ods_code);
}

static long count_practices_of(struct fp_conn *c, int64_t icb_id) {
  struct count k = {0};
  assert_int_equal(fp_store_org_list(c, "practice", icb_id, 0, 100000, count_org, &k), 0);
  return k.orgs;
}

/* Past the demo ICB's 300 practices, a national-scale --shifts spreads the practices over England's
   other ICBs, each with its own pool hosted by it; their shifts are their ICB's, and nobody of the
   demo pool books them. The demo commissioner's ICB keeps 300. */
static void test_demo_spreads_over_icbs(void **state) {
  (void)state;
  struct tmp_store t;
  tmp_open(&t);
  assert_int_equal(fp_demo_load(&t.store, NOW, 121200, 0), 0); /* 303 practices */
  struct fp_conn *c = fp_store_reader(&t.store);
  assert_non_null(c);
  struct icbs icbs = {0};
  assert_int_equal(fp_store_org_list(c, "icb", 0, 0, 100, collect_icb, &icbs), 0);
  assert_int_equal(icbs.n, 4);
  assert_string_equal(icbs.ods[0], "QWO");
  assert_int_equal(count_practices_of(c, icbs.ids[0]), 300);
  long all_shifts = 0;
  for (int i = 0; i < icbs.n; i++) {
    if (i > 0) assert_int_equal(count_practices_of(c, icbs.ids[i]), 1);
    /* The pools in the order of their ICBs, each hosted by its own. */
    struct fp_pool pool;
    assert_int_equal(fp_store_pool_get(c, i + 1, &pool), 0);
    assert_true(pool.host_organisation_id == icbs.ids[i] && pool.icb_id == icbs.ids[i]);
    assert_true(pool.n_practices >= (i == 0 ? 250 : 0) && pool.n_practices <= (i == 0 ? 300 : 1));
    struct fp_scope scope = {.n_icbs = 1, .icbs = {icbs.ids[i]}};
    struct count k = {0};
    count_shifts(c, &scope, &k);
    all_shifts += k.shifts;
    if (i > 0 && pool.n_practices == 1) {
      assert_true(k.shifts > 300);
      assert_int_equal(k.by_status[FP_SHIFT_BOOKED] + k.by_status[FP_SHIFT_COMPLETED], 0);
    }
  }
  assert_int_equal(all_shifts, 121200);
  tmp_close(&t);
}

struct waiting {
  long submitted, to_submit;
  int64_t clinicians[2];
};

static void count_waiting(const struct fp_booking *b, void *ctx) {
  struct waiting *w = ctx;
  w->submitted++;
  if (w->clinicians[0] == 0) w->clinicians[0] = b->clinician_id;
  else if (b->clinician_id != w->clinicians[0]) w->clinicians[1] = b->clinician_id;
}

static void count_to_submit(const struct fp_booking *b, void *ctx) {
  (void)b;
  ((struct waiting *)ctx)->to_submit++;
}

/* Whatever the day and hour the demo is loaded at, practice@ has timesheets from two clinicians
   waiting for approval and sessions still to submit (the browser tests and a first look need both). */
static void test_demo_practice_always_has_timesheets_waiting(void **state) {
  (void)state;
  for (int k = 0; k < 12; k++) {
    int64_t now = NOW + 21 * DAY + (int64_t)k * 14 * HOUR + 17 * 60; /* a week, at twelve hours of day */
    struct tmp_store t;
    tmp_open(&t);
    assert_int_equal(fp_demo_load(&t.store, now, 0, 0), 0);
    struct fp_conn *c = fp_store_reader(&t.store);
    assert_non_null(c);
    struct fp_user u;
    assert_int_equal(fp_store_user_by_email(c, "practice@demo.flexpool.test", &u), 0);
    struct fp_role_row roles[4];
    int n = 0;
    assert_int_equal(fp_store_roles_of(c, u.id, roles, 4, &n), 0);
    struct fp_scope practice = {.n_practices = 1, .practices = {roles[0].organisation_id}};
    struct waiting w = {0};
    bool more = false;
    struct fp_booking_query q = {.scope = &practice, .limit = 200, .has_timesheet = true,
                                 .timesheet = FP_TS_SUBMITTED, .now = now};
    assert_int_equal(fp_store_booking_search(c, &q, count_waiting, &w, &more), 0);
    q.timesheet = FP_TS_TO_SUBMIT;
    assert_int_equal(fp_store_booking_search(c, &q, count_to_submit, &w, &more), 0);
    if (w.submitted < 2 || w.clinicians[1] == 0 || w.to_submit < 1)
      fail_msg("demo loaded at %lld: %ld waiting (second clinician %lld), %ld to submit", (long long)now,
               w.submitted, (long long)w.clinicians[1], w.to_submit);
    tmp_close(&t);
  }
}

/* The NHS England return counts the GPs onboarded at each month's end from the passport records as
   they stood then: every demo GP who is complete today was complete at each past month's end since
   joining (their renewals replaced records that were valid), not only since their last renewal. */
static void test_demo_gps_onboarded_in_past_months(void **state) {
  (void)state;
  struct tmp_store t;
  tmp_open(&t);
  assert_int_equal(fp_demo_load(&t.store, NOW, 0, 0), 0);
  struct fp_conn *c = fp_store_reader(&t.store);
  assert_non_null(c);
  struct fp_scope all = {.all = true};
  int y, m, d;
  fp_civil_from_days(fp_uk_day(NOW), &y, &m, &d);
  for (int back = 1; back <= 6; back++) {
    int sy = y, sm = m - back;
    while (sm < 1) sm += 12, sy--;
    fp_day first = fp_days_from_civil(sy, sm, 1), next = fp_days_from_civil(sm == 12 ? sy + 1 : sy, sm % 12 + 1, 1);
    struct fp_metrics mx;
    memset(&mx, 0, sizeof mx);
    assert_int_equal(fp_store_metrics(c, &all, fp_uk_local_to_utc(first, 0, 0, 0), fp_uk_local_to_utc(next, 0, 0, 0), NOW,
                                      next - 1, &mx),
                     0);
    int64_t registered = -1, onboarded = -1;
    for (int i = 0; i < mx.n_professions; i++)
      if (strcmp(mx.professions[i].profession, "gp") == 0)
        registered = mx.professions[i].registered, onboarded = mx.professions[i].onboarded;
    fp_metrics_release(&mx);
    if (registered <= 0 || onboarded != registered)
      fail_msg("%04d-%02d: %lld GPs registered, %lld onboarded", sy, sm, (long long)registered, (long long)onboarded);
  }
  tmp_close(&t);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_extract_matches_the_demo_table),
      cmocka_unit_test(test_demo_accounts_and_states),
      cmocka_unit_test(test_demo_is_deterministic),
      cmocka_unit_test(test_demo_scales_to_n_shifts),
      cmocka_unit_test(test_demo_spreads_over_icbs),
      cmocka_unit_test(test_demo_practice_always_has_timesheets_waiting),
      cmocka_unit_test(test_demo_gps_onboarded_in_past_months),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
