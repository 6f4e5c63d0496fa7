/*
 * Two flexpool servers on one PostgreSQL database, as a deployment of several servers behind a
 * load balancer runs them (issue 11). Runs on PostgreSQL only (ctest's api_pg_test_cluster).
 *
 * - The race: 64 clinicians, half signed in through each server and each booking through its own,
 *   try every one of 120 shifts (pairs overlapping in time) in their own random order. Every shift
 *   ends with exactly one booking, no clinician holds two overlapping ones, every 201 is a booking
 *   the database holds for that clinician, every refusal is a clear 409. A session made on one
 *   server works on the other (sessions live in the database).
 * - The failover: 8 clients book their own shifts through server A; A is killed mid-load; each
 *   client goes on through server B. Every booking either server acknowledged is there, confirmed.
 * - A booking waits for a passport change in flight: while another transaction has rejected the
 *   clinician's registration and taken their booking guard (as a passport re-examination does), a
 *   booking of theirs waits; once that commits, the booking sees the rejection and is refused.
 * - A requirement reaches every server: each server may keep the passport catalogue it read
 *   between bookings (store/pg/pg.c pg_catalogue_generation); a requirement the pool adds through
 *   one server holds for the next booking through the other (within a quarter of a second) and
 *   through itself at once, and one it removes likewise.
 * - Upkeep on one server at a time: while something else holds the upkeep advisory lock, neither
 *   server runs an upkeep step (a booked shift that has ended stays booked; /metrics counts the
 *   runs skipped, none ok); once it is given back, upkeep runs and completes the shift.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <time.h>

#include "fpt.h"
#include "world.h"

#define CLIENTS 64
#define SLOTS 60
#define SHIFTS (SLOTS * 2)

static struct fpt_server a, b;
static struct fpt_world w;

/* ---- the race ---- */

static long long shift_ids[SHIFTS];
static const char *tokens[CLIENTS];
static long long clinician_ids[CLIENTS];

struct client {
  int index;
  const struct fpt_server *via;
  int created, taken, overlapping, other;
  long long won[SHIFTS];
  int n_won;
};

static void *race_client(void *arg) {
  struct client *c = arg;
  int order[SHIFTS];
  for (int i = 0; i < SHIFTS; i++) order[i] = i;
  unsigned seed = 4321u + (unsigned)c->index;
  for (int i = SHIFTS - 1; i > 0; i--) {
    int j = (int)(rand_r(&seed) % (unsigned)(i + 1));
    int t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (int k = 0; k < SHIFTS; k++) {
    struct fpt_resp r = fpt_request(c->via, tokens[c->index], "POST",
                                    fpt_str("/api/v1/shifts/%lld/booking", shift_ids[order[k]]), NULL);
    if (r.status == 201) {
      c->created++;
      c->won[c->n_won++] = shift_ids[order[k]];
    } else if (r.status == 409 && strcmp(fpt_error_code(&r), "shift_taken") == 0) {
      c->taken++;
    } else if (r.status == 409 && strcmp(fpt_error_code(&r), "overlapping_booking") == 0) {
      c->overlapping++;
    } else {
      fprintf(stderr, "unexpected answer %ld: %s\n", r.status, r.body);
      c->other++;
    }
  }
  return NULL;
}

static int index_of(long long shift_id) {
  for (int k = 0; k < SHIFTS; k++)
    if (shift_ids[k] == shift_id) return k;
  return -1;
}

static void test_two_servers_never_double_book(void **state) {
  (void)state;
  assert_true(fpt_engine_postgres());
  assert_int_equal(fpt_server_start(&a, NULL, NULL), 0);
  char dir[256];
  snprintf(dir, sizeof dir, "%s", a.data_dir);
  assert_int_equal(fpt_server_start(&b, dir, NULL), 0); /* the same database */
  fpt_world_build(&w, &a);
  fpt_world_no_working_time_guards(&w); /* many sessions close together */
  for (int i = 0; i < CLIENTS; i++)
    tokens[i] = fpt_world_clinician(&w, fpt_str("cluster%02d@t.test", i), "gp", fpt_str("73%05d", i), true,
                                    &clinician_ids[i]);
  /* A session made through A works through B: sessions are the database's, not a server's. */
  json_t *me = fpt_call(&b, tokens[0], "GET", "/api/v1/me", 200, NULL);
  assert_string_equal(fpt_s(me, "email"), "cluster00@t.test");
  for (int s = 0; s < SLOTS; s++) {
    shift_ids[2 * s] = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 2 + s / 4, (s % 4) * 5, 3, "instant");
    shift_ids[2 * s + 1] = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 2 + s / 4, (s % 4) * 5 + 1, 3, "instant");
  }
  pthread_t th[CLIENTS];
  static struct client cl[CLIENTS];
  for (int i = 0; i < CLIENTS; i++) {
    cl[i].index = i;
    cl[i].via = i % 2 ? &b : &a;
    pthread_create(&th[i], NULL, race_client, &cl[i]);
  }
  int created = 0, other = 0, through_b = 0;
  for (int i = 0; i < CLIENTS; i++) {
    pthread_join(th[i], NULL);
    created += cl[i].created;
    other += cl[i].other;
    if (i % 2) through_b += cl[i].created;
  }
  assert_int_equal(other, 0);
  assert_int_equal(created, SHIFTS); /* every shift won once, by someone */
  assert_true(through_b > 0 && through_b < SHIFTS); /* both servers booked */

  /* What the database holds, read through B: one confirmed booking per shift, matching the 201s. */
  static long long holder[SHIFTS];
  int confirmed = 0;
  const char *cursor = NULL;
  do {
    json_t *pg = fpt_call(&b, w.admin, "GET",
                          cursor ? fpt_str("/api/v1/bookings?status=confirmed&limit=200&cursor=%s", cursor)
                                 : "/api/v1/bookings?status=confirmed&limit=200",
                          200, NULL);
    size_t i;
    json_t *bk;
    json_array_foreach(json_object_get(pg, "items"), i, bk) {
      int idx = index_of(fpt_int(bk, "shift_id"));
      assert_true(idx >= 0);
      assert_int_equal(holder[idx], 0); /* no shift twice */
      holder[idx] = fpt_int(bk, "clinician_id");
      confirmed++;
    }
    json_t *nc = json_object_get(pg, "next_cursor");
    cursor = json_is_string(nc) ? json_string_value(nc) : NULL;
  } while (cursor);
  assert_int_equal(confirmed, SHIFTS);
  for (int c = 0; c < CLIENTS; c++)
    for (int k = 0; k < cl[c].n_won; k++) assert_int_equal(holder[index_of(cl[c].won[k])], clinician_ids[c]);
  for (int s = 0; s < SLOTS; s++) assert_true(holder[2 * s] != holder[2 * s + 1]); /* no overlap held */
  fpt_server_stop(&b);
  fpt_server_stop(&a);
}

/* ---- the failover ---- */

#define FO_CLIENTS 8
#define FO_PER_CLIENT 40

static const char *fo_tokens[FO_CLIENTS];
static long long fo_shifts[FO_CLIENTS][FO_PER_CLIENT];
static long long fo_acked[FO_CLIENTS][FO_PER_CLIENT];
static int fo_n_acked[FO_CLIENTS];
static atomic_int fo_total_acked;
static atomic_int fo_failed_over, fo_done_on_a;

static void *fo_client(void *arg) {
  int c = (int)(intptr_t)arg;
  const struct fpt_server *via = &a;
  for (int k = 0; k < FO_PER_CLIENT; k++) {
    struct fpt_resp r = fpt_request(via, fo_tokens[c], "POST", fpt_str("/api/v1/shifts/%lld/booking", fo_shifts[c][k]), NULL);
    if (r.status == -1 && via == &a) {
      /* A is gone: the load balancer's part, done by the client here. The same request again
         through B; if A had booked it before dying unacknowledged, B says so (shift_taken). */
      via = &b;
      atomic_fetch_add(&fo_failed_over, 1);
      r = fpt_request(via, fo_tokens[c], "POST", fpt_str("/api/v1/shifts/%lld/booking", fo_shifts[c][k]), NULL);
      if (r.status == 409) continue;
    }
    if (r.status == 201) {
      fo_acked[c][fo_n_acked[c]++] = fpt_int(r.json, "id");
      atomic_fetch_add(&fo_total_acked, 1);
    } else {
      fprintf(stderr, "unexpected %ld: %s\n", r.status, r.body);
    }
  }
  if (via == &a) atomic_fetch_add(&fo_done_on_a, 1); /* finished before A went */
  return NULL;
}

static void test_a_server_dies_and_the_other_goes_on(void **state) {
  (void)state;
  assert_true(fpt_engine_postgres());
  assert_int_equal(fpt_server_start(&a, NULL, NULL), 0);
  char dir[256];
  snprintf(dir, sizeof dir, "%s", a.data_dir);
  assert_int_equal(fpt_server_start(&b, dir, NULL), 0);
  struct fpt_world fw = {0};
  fpt_world_build(&fw, &a);
  fpt_world_no_working_time_guards(&fw); /* many sessions close together */
  for (int c = 0; c < FO_CLIENTS; c++) {
    fo_tokens[c] = fpt_world_clinician(&fw, fpt_str("failover%d@t.test", c), "gp", fpt_str("74%05d", c), true, NULL);
    for (int k = 0; k < FO_PER_CLIENT; k++)
      fo_shifts[c][k] = fpt_world_shift(&fw, fw.pm1, fw.practice1, "gp", 2 + k, c * 3 % 21, 2, "instant");
  }
  pthread_t th[FO_CLIENTS];
  for (int c = 0; c < FO_CLIENTS; c++) pthread_create(&th[c], NULL, fo_client, (void *)(intptr_t)c);
  while (atomic_load(&fo_total_acked) < FO_CLIENTS * FO_PER_CLIENT / 3) usleep(1000);
  fpt_server_kill(&a);
  for (int c = 0; c < FO_CLIENTS; c++) pthread_join(th[c], NULL);
  /* Every client still booking when A died went on through B. */
  assert_true(atomic_load(&fo_failed_over) > 0);
  assert_int_equal(atomic_load(&fo_failed_over) + atomic_load(&fo_done_on_a), FO_CLIENTS);
  int acknowledged = atomic_load(&fo_total_acked);
  assert_true(acknowledged >= FO_CLIENTS * (FO_PER_CLIENT - 1)); /* at most one in flight each was lost */
  for (int c = 0; c < FO_CLIENTS; c++)
    for (int k = 0; k < fo_n_acked[c]; k++) {
      json_t *bk = fpt_call(&b, fw.admin, "GET", fpt_str("/api/v1/bookings/%lld", fo_acked[c][k]), 200, NULL);
      assert_string_equal(fpt_s(bk, "status"), "confirmed");
    }
  fpt_server_stop(&b);
  fpt_server_stop(&a);
}

/* ---- upkeep on one server at a time ---- */

/* src/store/db.h FP_STORE_UPKEEP_LOCK: the key an operator (or this test) sees in pg_locks. */
#define UPKEEP_LOCK 0x666c6578706f6f6dLL
static const char *const UPKEEP_STEPS[] = {"complete shifts", "passport lapses", "DBS retention", "evidence files"};

/* The runs of every upkeep step with `result` (ok, failed, skipped) server s counted so far. */
static double upkeep_runs(const struct fpt_server *s, const char *result) {
  struct fpt_resp r = fpt_metrics_get(s, "/metrics");
  assert_int_equal(r.status, 200);
  double sum = 0;
  for (size_t i = 0; i < sizeof UPKEEP_STEPS / sizeof UPKEEP_STEPS[0]; i++) {
    const char *line = fpt_str("\nflexpool_upkeep_runs_total{step=\"%s\",result=\"%s\"} ", UPKEEP_STEPS[i], result);
    const char *p = strstr(r.body, line);
    if (p) sum += strtod(p + strlen(line), NULL);
  }
  return sum;
}

/* A new data directory and its own PostgreSQL database (this test runs on PostgreSQL only). */
static const char *fresh_database(char *dir, size_t n) {
  assert_true(fpt_engine_postgres());
  fpt_tempdir(dir, n);
  const char *url = fpt_database(dir);
  assert_non_null(url);
  return url;
}

static long long shift_completed(const struct fpt_server *s, long long shift) {
  return fpt_sql_count(s, fpt_str("SELECT count(*) FROM shifts WHERE id = %lld AND status = 'completed'", shift));
}

static void test_upkeep_runs_on_one_server_at_a_time(void **state) {
  (void)state;
  char dir[256];
  const char *url = fresh_database(dir, sizeof dir);
  /* Another server is running upkeep: it holds the lock (a session lock here, as long as `holder` lives). */
  PGconn *holder = PQconnectdb(url);
  assert_int_equal(PQstatus(holder), CONNECTION_OK);
  PGresult *res = PQexec(holder, fpt_str("SELECT pg_advisory_lock(%lld)", UPKEEP_LOCK));
  assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
  PQclear(res);
  const char *const extra[] = {"--metrics-listen", "127.0.0.1:0", "--upkeep-interval", "1", NULL};
  assert_int_equal(fpt_server_start(&a, dir, extra), 0);
  assert_int_equal(fpt_server_start(&b, dir, extra), 0);
  struct fpt_world uw = {0};
  fpt_world_build(&uw, &a);
  fpt_world_no_working_time_guards(&uw); /* many sessions close together */
  const char *gp = fpt_world_clinician(&uw, "upkeep@t.test", "gp", "7600001", true, NULL);
  long long shift = fpt_world_shift(&uw, uw.pm1, uw.practice1, "gp", 2, 9, 2, "instant");
  long long booking = fpt_int(fpt_call(&b, gp, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), 201, NULL), "id");
  /* The shift was worked: it ended an hour ago, as the clock would have it. */
  long long now = (long long)time(NULL);
  fpt_sql(&a, fpt_str("UPDATE shifts SET starts_at = %lld, ends_at = %lld WHERE id = %lld;"
                      "UPDATE bookings SET starts_at = %lld, ends_at = %lld WHERE id = %lld",
                      now - 3 * 3600, now - 3600, shift, now - 3 * 3600, now - 3600, booking));
  double skipped_a = upkeep_runs(&a, "skipped"), skipped_b = upkeep_runs(&b, "skipped");
  sleep(3); /* three rounds of --upkeep-interval 1 */
  assert_int_equal(shift_completed(&a, shift), 0);
  assert_true(skipped_a >= 3 && skipped_b >= 3); /* the start-up round, at least */
  assert_true(upkeep_runs(&a, "ok") == 0 && upkeep_runs(&b, "ok") == 0);
  assert_true(upkeep_runs(&a, "failed") == 0 && upkeep_runs(&b, "failed") == 0);
  assert_true(upkeep_runs(&a, "skipped") > skipped_a && upkeep_runs(&b, "skipped") > skipped_b);
  /* Given back: one of them takes it at its next round and the shift is completed. */
  PQfinish(holder);
  for (int i = 0; i < 100 && !shift_completed(&a, shift); i++) usleep(100 * 1000);
  assert_int_equal(shift_completed(&a, shift), 1);
  assert_true(upkeep_runs(&a, "ok") + upkeep_runs(&b, "ok") > 0);
  fpt_server_stop(&b);
  fpt_server_stop(&a);
  fpt_rmrf(dir);
}

/* ---- a booking and a passport change at the same time ---- */

struct pending_booking {
  const char *token;
  long long shift;
  struct fpt_resp resp;
  atomic_bool done;
};

static void *book_in_background(void *arg) {
  struct pending_booking *p = arg;
  p->resp = fpt_request(&a, p->token, "POST", fpt_str("/api/v1/shifts/%lld/booking", p->shift), NULL);
  atomic_store(&p->done, true);
  return NULL;
}

static void pq_ok(PGconn *pg, const char *sql) {
  PGresult *res = PQexec(pg, sql);
  if (PQresultStatus(res) != PGRES_COMMAND_OK) fprintf(stderr, "%s: %s", sql, PQerrorMessage(pg));
  assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
  PQclear(res);
}

static void test_booking_waits_for_a_passport_change(void **state) {
  (void)state;
  char dir[256];
  const char *url = fresh_database(dir, sizeof dir);
  assert_int_equal(fpt_server_start(&a, dir, NULL), 0);
  struct fpt_world pw = {0};
  fpt_world_build(&pw, &a);
  fpt_world_no_working_time_guards(&pw); /* many sessions close together */
  long long clinician = 0;
  const char *gp = fpt_world_clinician(&pw, "lapse@t.test", "gp", "7700001", true, &clinician);
  long long shift = fpt_world_shift(&pw, pw.pm1, pw.practice1, "gp", 3, 9, 4, "instant");
  /* A verifier's transaction, still open: the registration rejected, the clinician's guard taken. */
  PGconn *verifier = PQconnectdb(url);
  assert_int_equal(PQstatus(verifier), CONNECTION_OK);
  pq_ok(verifier, "BEGIN ISOLATION LEVEL SERIALIZABLE");
  pq_ok(verifier, fpt_str("UPDATE passport_checks SET status = 'rejected' WHERE clinician_id = %lld"
                          " AND check_code = 'registration'", clinician));
  pq_ok(verifier, fpt_str("INSERT INTO booking_guards (clinician_id, n) VALUES (%lld, 1)"
                          " ON CONFLICT (clinician_id) DO UPDATE SET n = booking_guards.n + 1", clinician));
  struct pending_booking p = {.token = gp, .shift = shift};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, book_in_background, &p), 0);
  sleep(1);
  assert_false(atomic_load(&p.done)); /* waiting for the verifier */
  pq_ok(verifier, "COMMIT");
  pthread_join(t, NULL);
  PQfinish(verifier);
  /* It decided on the passport as the verifier left it. */
  assert_int_equal(p.resp.status, 409);
  assert_string_equal(fpt_error_code(&p.resp), "not_eligible");
  assert_int_equal(fpt_sql_count(&a, fpt_str("SELECT count(*) FROM bookings WHERE shift_id = %lld", shift)), 0);
  fpt_server_stop(&a);
  fpt_rmrf(dir);
}

static void test_a_requirement_reaches_every_server(void **state) {
  (void)state;
  char dir[256];
  fresh_database(dir, sizeof dir);
  assert_int_equal(fpt_server_start(&a, dir, NULL), 0);
  assert_int_equal(fpt_server_start(&b, dir, NULL), 0);
  struct fpt_world rw = {0};
  fpt_world_build(&rw, &a);
  fpt_world_no_working_time_guards(&rw); /* sessions on consecutive days */
  /* A nurse: the Medical Performers List is not among what England asks of one. */
  const char *nurse = fpt_world_clinician(&rw, "catalogue@t.test", "nurse", "12A3456E", true, NULL);
  long long shifts[4];
  for (int i = 0; i < 4; i++) shifts[i] = fpt_world_shift(&rw, rw.pm1, rw.practice1, "nurse", 3 + i, 9, 4, "instant");
  const char *book = "/api/v1/shifts/%lld/booking";
  /* Booked through B: B has read (and may keep) what the pool requires of a nurse. */
  fpt_call(&b, nurse, "POST", fpt_str(book, shifts[0]), 201, NULL);
  /* The pool requires the performers list of nurses, through A: B's next booking is held to it. */
  fpt_call(&a, rw.pool_admin, "PUT", "/api/v1/passport/requirements", 200, "{s:s, s:s, s:b}", "profession", "nurse",
           "check_code", "performers_list", "required", true);
  usleep(300 * 1000);
  fpt_expect_error(fpt_request(&b, nurse, "POST", fpt_str(book, shifts[1]), NULL), 409, "not_eligible", NULL);
  /* Dropped again, through B itself: its next booking is not held to it, at once. */
  fpt_call(&b, rw.pool_admin, "PUT", "/api/v1/passport/requirements", 200, "{s:s, s:s, s:b}", "profession", "nurse",
           "check_code", "performers_list", "required", false);
  fpt_call(&b, nurse, "POST", fpt_str(book, shifts[2]), 201, NULL);
  /* And required again through B: at once too. */
  fpt_call(&b, rw.pool_admin, "PUT", "/api/v1/passport/requirements", 200, "{s:s, s:s, s:b}", "profession", "nurse",
           "check_code", "performers_list", "required", true);
  fpt_expect_error(fpt_request(&b, nurse, "POST", fpt_str(book, shifts[3]), NULL), 409, "not_eligible", NULL);
  fpt_server_stop(&b);
  fpt_server_stop(&a);
  fpt_rmrf(dir);
}

static int teardown(void **state) {
  (void)state;
  fpt_server_stop(&b); /* after a failure too: nothing is left holding the database */
  fpt_server_stop(&a);
  fpt_gc();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_two_servers_never_double_book, teardown),
      cmocka_unit_test_teardown(test_a_server_dies_and_the_other_goes_on, teardown),
      cmocka_unit_test_teardown(test_upkeep_runs_on_one_server_at_a_time, teardown),
      cmocka_unit_test_teardown(test_booking_waits_for_a_passport_change, teardown),
      cmocka_unit_test_teardown(test_a_requirement_reaches_every_server, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
