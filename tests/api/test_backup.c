/*
 * flexpool backup and restore (issue 11, "Operations"): a backup taken while clients book shifts
 * over HTTP, restored into a new folder and served again, holds every booking acknowledged before
 * the backup began, and the passport evidence files with it; restore never writes over a folder
 * that holds an installation (or anything else), and refuses a damaged backup.
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

#include "fpt.h"
#include "world.h"

#define CLIENTS 4
#define PER_CLIENT 50

static struct fpt_server srv;
static struct fpt_world w;
static const char *tokens[CLIENTS];
static long long shifts[CLIENTS][PER_CLIENT];
static long long acked[CLIENTS][PER_CLIENT];
static bool acked_before[CLIENTS][PER_CLIENT]; /* the 201 had arrived before the backup began */
static int n_acked[CLIENTS];
static atomic_int total_acked;
static atomic_bool backup_began;

static void *client(void *arg) {
  int c = (int)(intptr_t)arg;
  for (int k = 0; k < PER_CLIENT; k++) {
    struct fpt_resp r = fpt_request(&srv, tokens[c], "POST", fpt_str("/api/v1/shifts/%lld/booking", shifts[c][k]), NULL);
    if (r.status != 201) {
      fprintf(stderr, "unexpected %ld: %s\n", r.status, r.body);
      continue;
    }
    bool before = !atomic_load(&backup_began);
    acked_before[c][n_acked[c]] = before;
    acked[c][n_acked[c]++] = fpt_int(r.json, "id");
    atomic_fetch_add(&total_acked, 1);
  }
  return NULL;
}

static int cli(char *out, size_t len, const char *const *args) { return fpt_cli(out, len, args); }

static void test_backup_under_load_restores_every_acknowledged_booking(void **state) {
  (void)state;
  assert_int_equal(fpt_server_start(&srv, NULL, NULL), 0);
  fpt_world_build(&w, &srv);
  for (int c = 0; c < CLIENTS; c++) {
    /* Complete passports: each clinician's evidence files are in the installation. */
    tokens[c] = fpt_world_clinician(&w, fpt_str("backup%d@t.test", c), "gp", fpt_str("73%05d", c), true, NULL);
    for (int k = 0; k < PER_CLIENT; k++)
      shifts[c][k] = fpt_world_shift(&w, w.pm1, w.practice1, "gp", 2 + k, c * 5 % 20, 2, "instant");
  }
  /* The evidence as the running server answers it. */
  const char *evidence[8] = {NULL};
  int n_evidence = 0;
  for (int id = 1; id <= 8; id++) {
    struct fpt_resp r = fpt_request(&srv, w.admin, "GET", fpt_str("/api/v1/evidence/%d", id), NULL);
    if (r.status != 200) break;
    evidence[n_evidence++] = fpt_str("%.*s", (int)r.body_len, r.body);
  }
  assert_true(n_evidence >= 1);

  char parent[256];
  fpt_tempdir(parent, sizeof parent);
  const char *backup = fpt_str("%s/backup-1", parent);
  pthread_t th[CLIENTS];
  for (int c = 0; c < CLIENTS; c++) pthread_create(&th[c], NULL, client, (void *)(intptr_t)c);
  while (atomic_load(&total_acked) < CLIENTS * PER_CLIENT / 4) usleep(1000);
  atomic_store(&backup_began, true);
  int before_backup = atomic_load(&total_acked);
  char out[1024];
  const char *args[] = {"backup", "--data-dir", srv.data_dir, backup, NULL};
  int rc = cli(out, sizeof out, args);
  int after_backup = atomic_load(&total_acked);
  for (int c = 0; c < CLIENTS; c++) pthread_join(th[c], NULL);
  if (rc != 0) fail_msg("backup failed (%d): %s", rc, out);
  assert_non_null(strstr(out, "backed up"));
  fprintf(stderr, "bookings acknowledged: %d before the backup began, %d when it ended, %d in all\n", before_backup,
          after_backup, atomic_load(&total_acked));
  assert_true(before_backup < CLIENTS * PER_CLIENT); /* the clients were still booking */

  /* A backup never goes over anything. */
  assert_int_equal(cli(out, sizeof out, args), 1);
  assert_non_null(strstr(out, "exists already"));

  /* Restored into a new folder (an empty one made here), and served. */
  char fresh[256];
  fpt_tempdir(fresh, sizeof fresh);
  const char *restore[] = {"restore", "--data-dir", fresh, backup, NULL};
  rc = cli(out, sizeof out, restore);
  if (rc != 0) fail_msg("restore failed (%d): %s", rc, out);
  /* Never over an installation: not the restored one, not the one still serving; nor over a folder
     holding anything else. */
  assert_int_equal(cli(out, sizeof out, restore), 1);
  assert_non_null(strstr(out, "holds a flexpool installation"));
  const char *over_live[] = {"restore", "--data-dir", srv.data_dir, backup, NULL};
  assert_int_equal(cli(out, sizeof out, over_live), 1);
  assert_non_null(strstr(out, "holds a flexpool installation"));
  char busy[256];
  fpt_tempdir(busy, sizeof busy);
  FILE *f = fopen(fpt_str("%s/notes.txt", busy), "w");
  fputs("someone's notes\n", f);
  fclose(f);
  const char *over_files[] = {"restore", "--data-dir", busy, backup, NULL};
  assert_int_equal(cli(out, sizeof out, over_files), 1);
  assert_non_null(strstr(out, "is not empty"));
  fpt_rmrf(busy);

  fpt_server_stop(&srv);
  struct fpt_server again;
  assert_int_equal(fpt_server_start(&again, fresh, NULL), 0);
  const char *admin = fpt_login(&again, "root@flexpool.test", "admin-password-123");
  int checked = 0;
  for (int c = 0; c < CLIENTS; c++)
    for (int k = 0; k < n_acked[c]; k++) {
      if (!acked_before[c][k]) continue;
      json_t *b = fpt_call(&again, admin, "GET", fpt_str("/api/v1/bookings/%lld", acked[c][k]), 200, NULL);
      assert_string_equal(fpt_s(b, "status"), "confirmed");
      json_t *s = fpt_call(&again, admin, "GET", fpt_str("/api/v1/shifts/%lld", fpt_int(b, "shift_id")), 200, NULL);
      assert_string_equal(fpt_s(s, "status"), "booked");
      checked++;
    }
  assert_true(checked > 0);
  for (int i = 0; i < n_evidence; i++) {
    struct fpt_resp r = fpt_request(&again, admin, "GET", fpt_str("/api/v1/evidence/%d", i + 1), NULL);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, evidence[i], strlen(evidence[i]));
  }
  fpt_server_stop(&again);

  /* A damaged backup is refused: an evidence file whose content is not its name. */
  char damaged[256];
  fpt_tempdir(damaged, sizeof damaged);
  char list[4096];
  const char *ls[] = {"backup", "--data-dir", fresh, fpt_str("%s/backup-2", parent), NULL};
  assert_int_equal(cli(list, sizeof list, ls), 0);
  FILE *p = popen(fpt_str("ls %s/backup-2/evidence | head -1", parent), "r");
  char name[128] = "";
  assert_non_null(fgets(name, sizeof name, p));
  pclose(p);
  name[strcspn(name, "\n")] = 0;
  f = fopen(fpt_str("%s/backup-2/evidence/%s", parent, name), "w");
  fputs("not the evidence\n", f);
  fclose(f);
  const char *from_damaged[] = {"restore", "--data-dir", damaged, fpt_str("%s/backup-2", parent), NULL};
  assert_int_equal(cli(out, sizeof out, from_damaged), 1);
  assert_non_null(strstr(out, "does not hold the content its name says"));
  /* and what it had copied is gone again: no installation, no evidence left in the folder */
  assert_int_equal(access(fpt_str("%s/flexpool.db", damaged), F_OK), -1);
  assert_int_equal(access(fpt_str("%s/evidence", damaged), F_OK), -1);
  fpt_rmrf(damaged);
  fpt_rmrf(fresh);
  fpt_rmrf(parent);
  fpt_gc();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_backup_under_load_restores_every_acknowledged_booking),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
