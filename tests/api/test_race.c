/*
 * Many clients racing for the same shifts: 32 clinicians on 32 threads, 240 shifts of which
 * pairs overlap in time, each client trying to book every shift in its own random order. Every
 * shift ends with at most one booking, no clinician holds two overlapping bookings, every 201 is a
 * booking the server still has, and every refusal is a clear 409 (shift_taken or
 * overlapping_booking). Each request is a connection of its own, so the server started and ended
 * about 8,000 connection threads: its open files stay few (readers are handed on, not left behind).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpt.h"
#include "world.h"

#define CLIENTS 32
#define SLOTS 120
#define SHIFTS (SLOTS * 2)

static struct fpt_server srv;
static struct fpt_world w;
static long long shift_ids[SHIFTS];
static const char *tokens[CLIENTS];
static long long clinician_ids[CLIENTS];

struct client {
  int index;
  int created, taken, overlapping, other;
  long long won[SHIFTS];
  int n_won;
};

static void *run_client(void *arg) {
  struct client *c = arg;
  int order[SHIFTS];
  for (int i = 0; i < SHIFTS; i++) order[i] = i;
  unsigned seed = 1234u + (unsigned)c->index;
  for (int i = SHIFTS - 1; i > 0; i--) {
    int j = (int)(rand_r(&seed) % (unsigned)(i + 1));
    int t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (int k = 0; k < SHIFTS; k++) {
    struct fpt_resp r = fpt_request(&srv, tokens[c->index], "POST",
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

/* How many files the server process has open. */
static int open_files(pid_t pid) {
  DIR *d = opendir(fpt_str("/proc/%d/fd", (int)pid));
  if (!d) return -1;
  int n = 0;
  for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

static void test_no_double_booking_under_concurrency(void **state) {
  (void)state;
  assert_int_equal(fpt_server_start(&srv, NULL, NULL), 0);
  fpt_world_build(&w, &srv);
  fpt_world_no_working_time_guards(&w); /* clinicians book sessions all day long here */
  for (int i = 0; i < CLIENTS; i++)
    tokens[i] = fpt_world_clinician(&w, fpt_str("racer%02d@t.test", i), "gp", fpt_str("71%05d", i), true,
                                    &clinician_ids[i]);
  /* Two shifts per time slot, the second offset by an hour so that they overlap. */
  for (int s = 0; s < SLOTS; s++) {
    shift_ids[2 * s] = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 2 + s / 4, (s % 4) * 5, 3, "instant");
    shift_ids[2 * s + 1] = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 2 + s / 4, (s % 4) * 5 + 1, 3, "instant");
  }
  pthread_t th[CLIENTS];
  static struct client cl[CLIENTS];
  for (int i = 0; i < CLIENTS; i++) {
    cl[i].index = i;
    pthread_create(&th[i], NULL, run_client, &cl[i]);
  }
  int created = 0, other = 0;
  for (int i = 0; i < CLIENTS; i++) {
    pthread_join(th[i], NULL);
    created += cl[i].created;
    other += cl[i].other;
  }
  assert_int_equal(other, 0);
  /* Every shift was won by someone (32 clients, each free at the start). */
  assert_int_equal(created, SHIFTS);

  /* What the server holds: one confirmed booking per shift, matching the 201s. */
  int confirmed = 0;
  static long long holder[SHIFTS];
  const char *cursor = NULL;
  do {
    json_t *pg = fpt_call(&srv, w.admin, "GET",
                          cursor ? fpt_str("/api/v1/bookings?status=confirmed&limit=200&cursor=%s", cursor)
                                 : "/api/v1/bookings?status=confirmed&limit=200",
                          200, NULL);
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(pg, "items"), i, b) {
      long long sid = fpt_int(b, "shift_id");
      int idx = -1;
      for (int k = 0; k < SHIFTS; k++)
        if (shift_ids[k] == sid) idx = k;
      assert_true(idx >= 0);
      assert_int_equal(holder[idx], 0); /* no shift twice */
      holder[idx] = fpt_int(b, "clinician_id");
      confirmed++;
    }
    json_t *nc = json_object_get(pg, "next_cursor");
    cursor = json_is_string(nc) ? json_string_value(nc) : NULL;
  } while (cursor);
  assert_int_equal(confirmed, SHIFTS);
  for (int c = 0; c < CLIENTS; c++)
    for (int k = 0; k < cl[c].n_won; k++) {
      int idx = -1;
      for (int j = 0; j < SHIFTS; j++)
        if (shift_ids[j] == cl[c].won[k]) idx = j;
      assert_int_equal(holder[idx], clinician_ids[c]);
    }
  /* No clinician holds both shifts of an overlapping pair. */
  for (int s = 0; s < SLOTS; s++) assert_true(holder[2 * s] != holder[2 * s + 1]);
  /* Some 8,000 connections, each its own thread: a reader left behind by each would be thousands of
     open files; handed on, there are at most two for each thread that was reading at one time. */
  int files = open_files(srv.pid);
  assert_true(files > 0);
  if (files >= 300) fprintf(stderr, "the server has %d files open\n", files);
  assert_true(files < 300);
  fpt_server_stop(&srv);
}

/*
 * Behind the core's decision, the database's own guard: a confirmed booking of an open shift that
 * the shift's status does not show (written straight into the store) makes the core say yes and the
 * store's one-active-booking index say no. The booking is refused as the rule it enforces (409
 * shift_taken), and nothing of it stays: on PostgreSQL the insert goes with the writes after it and
 * the transaction runs again statement by statement when it fails, on SQLite it fails at once.
 */
static void test_database_guard_refuses_as_its_rule(void **state) {
  (void)state;
  assert_int_equal(fpt_server_start(&srv, NULL, NULL), 0);
  fpt_world_build(&w, &srv);
  long long holder = 0, booker = 0;
  fpt_world_clinician(&w, "holder@t.test", "gp", "7200001", true, &holder);
  const char *token = fpt_world_clinician(&w, "booker@t.test", "gp", "7200002", true, &booker);
  long long shift = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 3, 10, 3, "instant");
  fpt_sql(&srv, fpt_str("INSERT INTO bookings (shift_id, clinician_id, practice_id, starts_at, ends_at, status,"
                        " fee_pence, created_by, created_at) SELECT s.id, c.id, s.practice_id, s.starts_at, s.ends_at,"
                        " 'confirmed', 0, c.user_id, 0 FROM shifts s, clinicians c WHERE s.id = %lld AND c.id = %lld",
                        shift, holder));
  struct fpt_resp r = fpt_request(&srv, token, "POST", fpt_str("/api/v1/shifts/%lld/booking", shift), NULL);
  if (r.status != 409 || strcmp(fpt_error_code(&r), "shift_taken") != 0)
    fail_msg("expected 409 shift_taken, got %ld %s", r.status, r.body ? r.body : "");
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM bookings WHERE shift_id = %lld", shift)), 1);
  assert_int_equal(fpt_sql_count(&srv, fpt_str("SELECT COUNT(*) FROM bookings WHERE clinician_id = %lld", booker)), 0);
  assert_string_equal(fpt_sql_text(&srv, fpt_str("SELECT status FROM shifts WHERE id = %lld", shift)), "open");
  /* And the booker's next booking goes through as any other. */
  long long other = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 4, 10, 3, "instant");
  fpt_call(&srv, token, "POST", fpt_str("/api/v1/shifts/%lld/booking", other), 201, NULL);
  assert_string_equal(fpt_sql_text(&srv, fpt_str("SELECT status FROM shifts WHERE id = %lld", other)), "booked");
  fpt_server_stop(&srv);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_no_double_booking_under_concurrency),
                                     cmocka_unit_test(test_database_guard_refuses_as_its_rule)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  fpt_gc();
  return rc;
}
