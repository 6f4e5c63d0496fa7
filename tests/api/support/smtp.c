/* The SMTP listener for the API tests. See smtp.h. */
#include "smtp.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fpt.h"

void fpt_sink_start(struct fpt_smtp *k, const char *name, const char *flag, const char *value) {
  memset(k, 0, sizeof *k);
  fpt_tempdir(k->dir, sizeof k->dir);
  char script[512];
  snprintf(script, sizeof script, "%s/tests/api/%s", getenv("FP_SOURCE_DIR") ? getenv("FP_SOURCE_DIR") : ".", name);
  k->pid = fork();
  assert_true(k->pid >= 0);
  if (k->pid == 0) {
    /* Debian's python3, which has python3-aiosmtpd (not whichever python3 comes first in PATH). */
    if (flag && value) execl("/usr/bin/python3", "python3", script, k->dir, flag, value, (char *)NULL);
    else execl("/usr/bin/python3", "python3", script, k->dir, (char *)NULL);
    _exit(127);
  }
  k->port = fpt_port_file_wait(k->dir, 10);
  if (!k->port) fail_msg("the listener %s did not start (is python3-aiosmtpd installed? scripts/setup.sh)", name);
}

void fpt_smtp_start(struct fpt_smtp *k, const char *hold_seconds) {
  fpt_sink_start(k, "smtp_sink.py", "--hold-first", hold_seconds);
}

void fpt_smtp_stop(struct fpt_smtp *k) {
  if (k->pid > 0) {
    kill(k->pid, SIGTERM);
    waitpid(k->pid, NULL, 0);
    k->pid = 0;
  }
  if (k->dir[0]) fpt_rmrf(k->dir);
  k->dir[0] = 0;
}

const char *fpt_smtp_url(const struct fpt_smtp *k) { return fpt_str("smtp://127.0.0.1:%d", k->port); }

json_t *fpt_smtp_received(const struct fpt_smtp *k) {
  json_t *all = fpt_keep_json(json_array());
  char path[300];
  snprintf(path, sizeof path, "%s/messages.jsonl", k->dir);
  FILE *f = fopen(path, "r");
  if (!f) return all;
  char line[16384];
  while (fgets(line, sizeof line, f)) {
    json_t *j = json_loads(line, 0, NULL);
    if (j) json_array_append_new(all, j);
  }
  fclose(f);
  return all;
}

json_t *fpt_smtp_wait(const struct fpt_smtp *k, size_t n, int seconds) {
  json_t *got = fpt_smtp_received(k);
  for (int i = 0; i < seconds * 10 && json_array_size(got) < n; i++) {
    usleep(100 * 1000);
    got = fpt_smtp_received(k);
  }
  return got;
}
