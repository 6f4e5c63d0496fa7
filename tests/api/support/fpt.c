/* API test support. See fpt.h. */
#include "fpt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the headers above first. */
#include <cmocka.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <liboath/oath.h>
#include <sqlite3.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t gc_lock = PTHREAD_MUTEX_INITIALIZER;
static void **gc_ptrs;
static json_t **gc_json;
static size_t n_ptrs, cap_ptrs, n_json, cap_json;

void *fpt_keep(void *p) {
  pthread_mutex_lock(&gc_lock);
  if (n_ptrs == cap_ptrs) {
    cap_ptrs = cap_ptrs ? cap_ptrs * 2 : 256;
    gc_ptrs = realloc(gc_ptrs, cap_ptrs * sizeof *gc_ptrs);
  }
  gc_ptrs[n_ptrs++] = p;
  pthread_mutex_unlock(&gc_lock);
  return p;
}

json_t *fpt_keep_json(json_t *j) {
  if (!j) return NULL;
  pthread_mutex_lock(&gc_lock);
  if (n_json == cap_json) {
    cap_json = cap_json ? cap_json * 2 : 256;
    gc_json = realloc(gc_json, cap_json * sizeof *gc_json);
  }
  gc_json[n_json++] = j;
  pthread_mutex_unlock(&gc_lock);
  return j;
}

void fpt_gc(void) {
  pthread_mutex_lock(&gc_lock);
  for (size_t i = 0; i < n_ptrs; i++) free(gc_ptrs[i]);
  for (size_t i = 0; i < n_json; i++) json_decref(gc_json[i]);
  free(gc_ptrs);
  free(gc_json);
  gc_ptrs = NULL;
  gc_json = NULL;
  n_ptrs = cap_ptrs = n_json = cap_json = 0;
  pthread_mutex_unlock(&gc_lock);
}

const char *fpt_str(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0) s = NULL;
  va_end(ap);
  return fpt_keep(s);
}

void fpt_tempdir(char *buf, size_t len) {
  snprintf(buf, len, "/tmp/flexpool-test-XXXXXX");
  if (!mkdtemp(buf)) {
    perror("mkdtemp");
    abort();
  }
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void drop_database(const char *dir);

void fpt_rmrf(const char *dir) {
  if (dir && strncmp(dir, "/tmp/", 5) == 0) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  drop_database(dir);
}

/* The engine -------------------------------------------------------------------------------- */

bool fpt_engine_postgres(void) {
  const char *e = getenv("FP_TEST_ENGINE");
  return e && strcmp(e, "postgres") == 0;
}

/* Each data directory's database, on PostgreSQL (nodes stay put: callers copy the URL). */
struct database {
  struct database *next;
  char dir[256];
  char name[64];
  char url[96];
};
static pthread_mutex_t databases_lock = PTHREAD_MUTEX_INITIALIZER;
static struct database *databases;
static unsigned database_seq;

static void quiet(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

/* Connects to dbname (a name or a URL; NULL: PGDATABASE), the rest from the PG* environment. */
static PGconn *pg_connect(const char *dbname) {
  const char *keys[] = {"dbname", NULL};
  const char *vals[] = {dbname, NULL};
  PGconn *c = PQconnectdbParams(keys, vals, 1);
  if (PQstatus(c) != CONNECTION_OK) {
    fprintf(stderr, "fpt: cannot connect to PostgreSQL (%s): %s", dbname ? dbname : "PGDATABASE", PQerrorMessage(c));
    PQfinish(c);
    return NULL;
  }
  PQsetNoticeProcessor(c, quiet, NULL);
  return c;
}

/* Runs sql on dbname: 0, or -1 with PostgreSQL's message in err. */
static int pg_exec(const char *dbname, const char *sql, char *err, size_t errsz) {
  PGconn *c = pg_connect(dbname);
  if (!c) {
    snprintf(err, errsz, "cannot connect");
    return -1;
  }
  PGresult *r = PQexec(c, sql);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) snprintf(err, errsz, "%s", PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(c);
  return ok ? 0 : -1;
}

const char *fpt_database(const char *data_dir) {
  if (!fpt_engine_postgres() || !data_dir) return NULL;
  pthread_mutex_lock(&databases_lock);
  struct database *d = databases;
  while (d && strcmp(d->dir, data_dir) != 0) d = d->next;
  if (!d) {
    d = calloc(1, sizeof *d);
    if (!d) abort();
    snprintf(d->dir, sizeof d->dir, "%s", data_dir);
    snprintf(d->name, sizeof d->name, "fpt_%ld_%u", (long)getpid(), ++database_seq);
    snprintf(d->url, sizeof d->url, "postgresql:///%s", d->name);
    char sql[128], err[512];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", d->name);
    if (pg_exec(NULL, sql, err, sizeof err) != 0) {
      fprintf(stderr, "fpt: %s: %s\n", sql, err);
      free(d);
      pthread_mutex_unlock(&databases_lock);
      return NULL;
    }
    d->next = databases;
    databases = d;
  }
  pthread_mutex_unlock(&databases_lock);
  return d->url;
}

static void drop_database(const char *dir) {
  if (!dir) return;
  pthread_mutex_lock(&databases_lock);
  for (struct database **p = &databases; *p; p = &(*p)->next) {
    if (strcmp((*p)->dir, dir) != 0) continue;
    struct database *d = *p;
    *p = d->next;
    char sql[128], err[512];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", d->name);
    if (pg_exec(NULL, sql, err, sizeof err) != 0) fprintf(stderr, "fpt: %s: %s\n", sql, err);
    free(d);
    break;
  }
  pthread_mutex_unlock(&databases_lock);
}

int fpt_sql_try(const struct fpt_server *s, const char *sql, char *err, size_t len) {
  err[0] = '\0';
  if (s->database[0]) return pg_exec(s->database, sql, err, len);
  char path[300];
  snprintf(path, sizeof path, "%s/flexpool.db", s->data_dir);
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    snprintf(err, len, "%s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
    sqlite3_close(db);
    return -1;
  }
  /* A writer like the server's own: it waits its turn rather than failing while the server's
     upkeep writes (SQLITE_BUSY). */
  sqlite3_busy_timeout(db, 10000);
  char *msg = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  snprintf(err, len, "%s", msg ? msg : "");
  sqlite3_free(msg);
  sqlite3_close(db);
  return rc == SQLITE_OK ? 0 : -1;
}

void fpt_sql(const struct fpt_server *s, const char *sql) {
  char err[1024];
  if (fpt_sql_try(s, sql, err, sizeof err) != 0) fail_msg("%s: %s", sql, err);
}

/* The first column of sql's first row, on either engine: 0 with *out its text (malloc'd; NULL when
   the value is SQL NULL), or -1 with err said (no row, or the query failed). */
static int first_value(const struct fpt_server *s, const char *sql, char **out, char *err, size_t err_len) {
  *out = NULL;
  int rc = -1;
  if (s->database[0]) {
    PGconn *c = pg_connect(s->database);
    if (!c) fail_msg("%s: cannot connect", sql);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
      rc = 0;
      if (!PQgetisnull(r, 0, 0)) *out = strdup(PQgetvalue(r, 0, 0));
    } else {
      snprintf(err, err_len, "%s", PQresultStatus(r) == PGRES_TUPLES_OK ? "no row" : PQresultErrorMessage(r));
    }
    PQclear(r);
    PQfinish(c);
  } else {
    char path[300];
    snprintf(path, sizeof path, "%s/flexpool.db", s->data_dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      rc = 0;
      if (sqlite3_column_type(st, 0) != SQLITE_NULL) *out = strdup((const char *)sqlite3_column_text(st, 0));
    } else {
      snprintf(err, err_len, "%s", db ? sqlite3_errmsg(db) : "no memory");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  return rc;
}

long long fpt_sql_count(const struct fpt_server *s, const char *sql) {
  char err[1024] = "", *v = NULL;
  if (first_value(s, sql, &v, err, sizeof err) != 0) fail_msg("%s: %s", sql, err);
  long long n = v ? strtoll(v, NULL, 10) : 0; /* NULL (a MAX of nothing) counts as 0, as it always has */
  free(v);
  return n;
}

static const char *binary(void) {
  const char *b = getenv("FP_BINARY");
  if (!b) {
    fprintf(stderr, "FP_BINARY is not set (run the tests through ctest)\n");
    abort();
  }
  return b;
}

int fpt_server_start(struct fpt_server *s, const char *data_dir, const char *const *extra) {
  memset(s, 0, sizeof *s);
  if (data_dir) snprintf(s->data_dir, sizeof s->data_dir, "%s", data_dir);
  else {
    fpt_tempdir(s->data_dir, sizeof s->data_dir);
    s->own_data_dir = true;
  }
  int out[2];
  if (pipe(out) != 0) return -1;
  char log_path[300];
  snprintf(log_path, sizeof log_path, "%s/server.log", s->data_dir);
  const char *argv[32] = {binary(), "serve", "--data-dir", s->data_dir, "--listen", "127.0.0.1:0"};
  int n = 6;
  if (fpt_engine_postgres()) {
    const char *url = fpt_database(s->data_dir);
    if (!url) return -1;
    snprintf(s->database, sizeof s->database, "%s", url);
    argv[n++] = "--database";
    argv[n++] = s->database;
  }
  bool register_limit = false;
  for (int i = 0; extra && extra[i] && n < 29; i++) {
    if (strcmp(extra[i], "--register-max-per-address") == 0) register_limit = true;
    argv[n++] = extra[i];
  }
  /* Every test registers its clinicians from 127.0.0.1: the registration throttle (20 an address a
     window by default) is tested on its own (test_platform), with the option given there. */
  if (!register_limit) {
    argv[n++] = "--register-max-per-address";
    argv[n++] = "1000000";
  }
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(out[1], 1);
    int logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (logfd >= 0) dup2(logfd, 2);
    close(out[0]);
    close(out[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(out[1]);
  s->pid = pid;
  FILE *f = fdopen(out[0], "r");
  char line[512];
  time_t deadline = time(NULL) + 120;
  while (time(NULL) < deadline && fgets(line, sizeof line, f)) {
    char *m = strstr(line, "metrics on http://");
    if (m) {
      char *colon = strrchr(line, ':');
      s->metrics_port = atoi(colon + 1);
    }
    char *p = strstr(line, "listening on http");
    if (p) {
      char *colon = strrchr(line, ':');
      s->port = atoi(colon + 1);
      bool tls = strncmp(p + strlen("listening on "), "https:", 6) == 0;
      snprintf(s->base, sizeof s->base, "%s://127.0.0.1:%d", tls ? "https" : "http", s->port);
      break;
    }
  }
  /* Keep draining stdout in the background so the server never blocks on a full pipe. */
  if (s->port) {
    pid_t drain = fork();
    if (drain == 0) {
      char buf[4096];
      while (fread(buf, 1, sizeof buf, f) > 0) {
      }
      _exit(0);
    }
  }
  fclose(f);
  if (!s->port) {
    fprintf(stderr, "the server did not start; its log:\n");
    char cmd[400];
    snprintf(cmd, sizeof cmd, "cat %s >&2", log_path);
    if (system(cmd) != 0) {
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
  }
  return 0;
}

/* Ends the server with sig and waits for it. For SIGTERM: whether it exited 0 (a server that died
   before, or exits otherwise - a leak under ASan aborts it - says so on stderr). */
static bool reap(struct fpt_server *s, int sig) {
  if (s->pid <= 0) return true;
  kill(s->pid, sig);
  int st = 0;
  waitpid(s->pid, &st, 0);
  s->pid = 0;
  if (sig != SIGTERM) return true;
  if (WIFEXITED(st) && WEXITSTATUS(st) != 0) fprintf(stderr, "flexpool exited with status %d\n", WEXITSTATUS(st));
  if (WIFSIGNALED(st)) fprintf(stderr, "flexpool died of signal %d\n", WTERMSIG(st));
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

void fpt_server_stop(struct fpt_server *s) {
  bool clean = reap(s, SIGTERM);
  if (!clean) fprintf(stderr, "its log:\n%s\n", fpt_server_log(s));
  if (s->own_data_dir) fpt_rmrf(s->data_dir);
  if (!clean) fail_msg("the server did not stop cleanly (SIGTERM: exit status 0 expected)");
}

void fpt_server_kill(struct fpt_server *s) { reap(s, SIGKILL); }

struct fpt_resp fpt_metrics_get(const struct fpt_server *s, const char *path) {
  if (!s->metrics_port) fail_msg("the server has no --metrics-listen address");
  struct fpt_server m = *s;
  snprintf(m.base, sizeof m.base, "http://127.0.0.1:%d", s->metrics_port);
  return fpt_raw(&m, "GET", path, NULL, NULL, 0);
}

const char *fpt_server_log(const struct fpt_server *s) {
  char path[300];
  snprintf(path, sizeof path, "%s/server.log", s->data_dir);
  FILE *f = fopen(path, "rb");
  if (!f) return fpt_str("%s", "");
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, out);
  fclose(f);
  fclose(out);
  return fpt_keep(text);
}

int fpt_cli(char *out, size_t out_len, const char *const *args) {
  int p[2];
  if (pipe(p) != 0) return -1;
  const char *argv[34] = {binary()};
  int n = 1;
  const char *data_dir = NULL;
  bool database = false;
  for (int i = 0; args[i] && n < 31; i++) {
    if (strcmp(args[i], "--data-dir") == 0 && args[i + 1]) data_dir = args[i + 1];
    if (strcmp(args[i], "--database") == 0) database = true;
    argv[n++] = args[i];
  }
  if (fpt_engine_postgres() && data_dir && !database) {
    const char *url = fpt_database(data_dir);
    if (!url) {
      close(p[0]);
      close(p[1]);
      return -1;
    }
    argv[n++] = "--database";
    argv[n++] = url;
  }
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    dup2(p[1], 2);
    close(p[0]);
    close(p[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(p[1]);
  size_t used = 0;
  ssize_t r;
  char sink[1024];
  while ((r = read(p[0], out && used + 1 < out_len ? out + used : sink,
                   out && used + 1 < out_len ? out_len - used - 1 : sizeof sink)) > 0)
    if (out && used + 1 < out_len) used += (size_t)r;
  if (out && out_len) out[used] = 0;
  close(p[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* HTTP -------------------------------------------------------------------------------------- */

struct buf {
  char *p;
  size_t n;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud) {
  struct buf *b = ud;
  size_t add = size * nmemb;
  char *np = realloc(b->p, b->n + add + 1);
  if (!np) return 0;
  memcpy(np + b->n, ptr, add);
  b->p = np;
  b->n += add;
  b->p[b->n] = 0;
  return add;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

struct fpt_resp fpt_raw(const struct fpt_server *s, const char *method, const char *path, const char *const *headers,
                        const char *body, size_t body_len) {
  pthread_once(&curl_once, curl_init_once);
  struct fpt_resp r = {0};
  CURL *c = curl_easy_init();
  struct buf b = {0}, h = {0};
  char url[2048];
  snprintf(url, sizeof url, "%s%s", s->base, path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  /* The TLS test's certificate is self-signed: the test checks the channel, not the PKI. */
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  struct curl_slist *hl = NULL;
  for (int i = 0; headers && headers[i]; i++) hl = curl_slist_append(hl, headers[i]);
  hl = curl_slist_append(hl, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    r.status = -1;
    fprintf(stderr, "curl %s %s: %s\n", method, path, curl_easy_strerror(rc));
  } else {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  }
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);
  r.body = fpt_keep(b.p ? b.p : strdup(""));
  r.body_len = b.n;
  r.headers = fpt_keep(h.p ? h.p : strdup(""));
  if (r.body_len) r.json = fpt_keep_json(json_loadb(r.body, r.body_len, 0, NULL));
  return r;
}

static struct fpt_resp request_v(const struct fpt_server *s, const char *token, const char *method, const char *path,
                                 const char *body_fmt, va_list ap) {
  char *body = NULL;
  if (body_fmt) {
    json_error_t err;
    json_t *j = json_vpack_ex(&err, 0, body_fmt, ap);
    if (!j) {
      fprintf(stderr, "bad json_pack format in test: %s\n", err.text);
      abort();
    }
    body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
  }
  const char *hdrs[3] = {NULL, NULL, NULL};
  int n = 0;
  char auth[128];
  if (token) {
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    hdrs[n++] = auth;
  }
  if (body) hdrs[n++] = "Content-Type: application/json";
  struct fpt_resp r = fpt_raw(s, method, path, hdrs, body, body ? strlen(body) : 0);
  free(body);
  return r;
}

struct fpt_resp fpt_request(const struct fpt_server *s, const char *token, const char *method, const char *path,
                            const char *body_fmt, ...) {
  va_list ap;
  va_start(ap, body_fmt);
  struct fpt_resp r = request_v(s, token, method, path, body_fmt, ap);
  va_end(ap);
  return r;
}

json_t *fpt_call(const struct fpt_server *s, const char *token, const char *method, const char *path, long expect,
                 const char *body_fmt, ...) {
  va_list ap;
  va_start(ap, body_fmt);
  struct fpt_resp r = request_v(s, token, method, path, body_fmt, ap);
  va_end(ap);
  if (r.status != expect) fail_msg("%s %s: expected %ld, got %ld: %s", method, path, expect, r.status, r.body);
  return r.json ? r.json : json_null();
}

/* The TOTP secrets of the accounts the tests set a second factor up for, with the last time step
   whose code was spent (the server takes each code once). */
static struct {
  char email[128];
  char secret[64];
  long long last_step;
} totp[64];
static int n_totp;
static pthread_mutex_t totp_lock = PTHREAD_MUTEX_INITIALIZER;

void fpt_totp_remember(const char *email, const char *secret, long long step) {
  pthread_mutex_lock(&totp_lock);
  int i = 0;
  while (i < n_totp && strcasecmp(totp[i].email, email) != 0) i++;
  if (i == n_totp && n_totp < 64) n_totp++;
  if (i < 64) {
    snprintf(totp[i].email, sizeof totp[i].email, "%s", email);
    snprintf(totp[i].secret, sizeof totp[i].secret, "%s", secret);
    totp[i].last_step = step;
  }
  pthread_mutex_unlock(&totp_lock);
}

void fpt_totp_forget(const char *email) {
  pthread_mutex_lock(&totp_lock);
  for (int i = 0; i < n_totp; i++)
    if (strcasecmp(totp[i].email, email) == 0) totp[i].email[0] = 0;
  pthread_mutex_unlock(&totp_lock);
}

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static void oath_start(void) { oath_init(); }

const char *fpt_totp_code(const char *secret, long long t) {
  pthread_once(&oath_once, oath_start);
  char *raw = NULL;
  size_t n = 0;
  if (oath_base32_decode(secret, strlen(secret), &raw, &n) != OATH_OK) fail_msg("the secret '%s' is not base32", secret);
  char code[8];
  int rc = oath_totp_generate(raw, n, (time_t)t, 30, 0, 6, code);
  free(raw);
  if (rc != OATH_OK) fail_msg("liboath could not compute a code");
  return fpt_str("%s", code);
}

const char *fpt_totp_next_code(const char *email) {
  pthread_mutex_lock(&totp_lock);
  int i = 0;
  while (i < n_totp && strcasecmp(totp[i].email, email) != 0) i++;
  if (i == n_totp) {
    pthread_mutex_unlock(&totp_lock);
    return NULL;
  }
  /* The server takes the codes of the steps next to now, each once: use the next unspent one,
     waiting for a new step when all three are spent. */
  long long step;
  for (;;) {
    long long now = (long long)time(NULL) / 30;
    step = totp[i].last_step + 1 > now - 1 ? totp[i].last_step + 1 : now - 1;
    if (step <= now + 1) break;
    sleep(1);
  }
  totp[i].last_step = step;
  char secret[64];
  snprintf(secret, sizeof secret, "%s", totp[i].secret);
  pthread_mutex_unlock(&totp_lock);
  return fpt_totp_code(secret, step * 30);
}

const char *fpt_login(const struct fpt_server *s, const char *email, const char *password) {
  struct fpt_resp r = fpt_request(s, NULL, "POST", "/api/v1/sessions", "{s:s, s:s}", "email", email, "password", password);
  if (r.status == 202) {
    const char *code = fpt_totp_next_code(email);
    if (!code) fail_msg("%s has a second factor the tests do not know", email);
    json_t *j = fpt_call(s, NULL, "POST", "/api/v1/sessions/second-factor", 201, "{s:s, s:s}", "mfa_token",
                         fpt_s(r.json, "mfa_token"), "code", code);
    return fpt_s(j, "token");
  }
  if (r.status != 201) fail_msg("sign-in of %s: expected 201, got %ld: %s", email, r.status, r.body ? r.body : "");
  return fpt_s(r.json, "token");
}

const char *fpt_take_over(const struct fpt_server *s, const char *email, const char *given, const char *own) {
  const char *token = fpt_login(s, email, given);
  fpt_call(s, token, "PUT", "/api/v1/me/password", 204, "{s:s, s:s}", "current_password", given, "new_password", own);
  return token;
}

const char *fpt_enrol_totp(const struct fpt_server *s, const char *token, const char *email) {
  json_t *j = fpt_call(s, token, "POST", "/api/v1/me/totp", 201, NULL);
  const char *secret = fpt_s(j, "secret");
  long long step = (long long)time(NULL) / 30;
  fpt_totp_remember(email, secret, step);
  fpt_call(s, token, "POST", "/api/v1/me/totp/confirmation", 200, "{s:s}", "code", fpt_totp_code(secret, step * 30));
  return secret;
}

const char *fpt_error_code(const struct fpt_resp *r) {
  json_t *code = json_object_get(json_object_get(r->json, "error"), "code");
  return json_is_string(code) ? json_string_value(code) : "";
}

const char *fpt_header(const struct fpt_resp *r, const char *name) {
  size_t n = strlen(name);
  for (const char *line = r->headers; line && *line;) {
    const char *eol = strchr(line, '\n');
    size_t len = eol ? (size_t)(eol - line) : strlen(line);
    if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
      const char *v = line + n + 1;
      while (*v == ' ') v++;
      size_t vlen = len - (size_t)(v - line);
      while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' ')) vlen--;
      return fpt_str("%.*s", (int)vlen, v);
    }
    line = eol ? eol + 1 : NULL;
  }
  return NULL;
}

long long fpt_int(const json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  if (!json_is_integer(v)) fail_msg("expected integer '%s' in %s", key, fpt_keep(json_dumps(obj, JSON_COMPACT)));
  return json_integer_value(v);
}

const char *fpt_s(const json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  if (!json_is_string(v)) fail_msg("expected string '%s' in %s", key, (char *)fpt_keep(json_dumps(obj, JSON_COMPACT)));
  return json_string_value(v);
}

const char *fpt_time_from_now(int days, int hours) {
  time_t t = time(NULL);
  return fpt_time_at(t - t % 3600 + (time_t)days * 86400 + (time_t)hours * 3600);
}

const char *fpt_time_at(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return fpt_str("%s", buf);
}

const char *fpt_bootstrap_admin(const struct fpt_server *s) {
  char pw[300];
  snprintf(pw, sizeof pw, "%s/admin-password", s->data_dir);
  FILE *f = fopen(pw, "w");
  fputs("initial-root-secret-9\n", f);
  fclose(f);
  char out[512];
  const char *args[] = {"user", "add", "--data-dir", s->data_dir, "--email", "root@flexpool.test", "--name", "Root Admin",
                        "--role", "sysadmin", "--password-file", pw, NULL};
  int rc = fpt_cli(out, sizeof out, args);
  if (rc != 0 && !strstr(out, "already has an account")) fail_msg("user add failed (%d): %s", rc, out);
  if (rc != 0) return fpt_login(s, "root@flexpool.test", "admin-password-123");
  /* As a new system administrator would: their own password, then a second factor. */
  const char *token = fpt_take_over(s, "root@flexpool.test", "initial-root-secret-9", "admin-password-123");
  fpt_enrol_totp(s, token, "root@flexpool.test");
  return token;
}

const char *fpt_date_add(const char *ymd, int days) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  if (sscanf(ymd, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) fail_msg("bad date %s", ymd);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_hour = 12;
  time_t t = timegm(&tm) + (time_t)days * 86400;
  gmtime_r(&t, &tm);
  char buf[16];
  strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return fpt_str("%s", buf);
}

void fpt_expect_error(struct fpt_resp r, long status, const char *code, const char *field) {
  if (r.status != status || strcmp(fpt_error_code(&r), code) != 0)
    fail_msg("expected %ld %s, got %ld: %s", status, code, r.status, r.body);
  if (field) {
    json_t *f = json_object_get(json_object_get(r.json, "error"), "field");
    if (!json_is_string(f) || strcmp(json_string_value(f), field) != 0)
      fail_msg("expected the field '%s' to be named: %s", field, r.body);
  }
}

int fpt_import_postcodes(const struct fpt_server *s, const char *rows) {
  char csv[400], out[256];
  snprintf(csv, sizeof csv, "%s/pc.csv", s->data_dir);
  FILE *f = fopen(csv, "w");
  if (!f) return -1;
  fputs("pcd,pcds,doterm,oseast1m,osnrth1m,lat,long\n", f);
  fputs(rows, f);
  fclose(f);
  const char *args[] = {"import", "postcodes", csv, "--data-dir", s->data_dir, NULL};
  return fpt_cli(out, sizeof out, args) == 0 ? 0 : -1;
}

void fpt_monday_ahead(char out[11]) {
  time_t t = time(NULL) + 3 * 86400;
  struct tm tm;
  gmtime_r(&t, &tm);
  t += (time_t)((8 - tm.tm_wday) % 7) * 86400;
  gmtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

const char *fpt_pdf_text(const struct fpt_server *s, const char *token, const char *path) {
  struct fpt_resp r = fpt_request(s, token, "GET", path, NULL);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(fpt_header(&r, "Content-Type"), "application/pdf"));
  assert_true(r.body_len > 4 && memcmp(r.body, "%PDF", 4) == 0);
  char file[] = "/tmp/fpt-pdf-XXXXXX";
  int fd = mkstemp(file);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, r.body, r.body_len), (ssize_t)r.body_len);
  close(fd);
  FILE *p = popen(fpt_str("pdftotext -layout %s -", file), "r");
  assert_non_null(p);
  static char text[65536];
  size_t n = fread(text, 1, sizeof text - 1, p);
  text[n] = '\0';
  pclose(p);
  unlink(file);
  return text;
}

const char *fpt_uk_date_in(int days) {
  time_t t = time(NULL) + (time_t)days * 86400;
  struct tm tm;
  setenv("TZ", "Europe/London", 1);
  tzset();
  localtime_r(&t, &tm);
  char buf[16];
  strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return fpt_str("%s", buf);
}

int fpt_port_file_wait(const char *dir, int seconds) {
  char path[300];
  snprintf(path, sizeof path, "%s/port", dir);
  int port = 0;
  for (int i = 0; i < seconds * 20 && !port; i++) {
    FILE *f = fopen(path, "r");
    if (f) {
      if (fscanf(f, "%d", &port) != 1) port = 0;
      fclose(f);
    } else {
      usleep(50 * 1000);
    }
  }
  return port;
}

/* fpt_sql_where_is: one column's count of rows whose text holds needle. */
static long long holds(sqlite3 *db, PGconn *pg, const char *table, const char *column, const char *needle) {
  char sql[512];
  long long n = -1;
  if (pg) {
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"%s\" WHERE strpos(CAST(\"%s\" AS TEXT), $1) > 0", table, column);
    const char *params[1] = {needle};
    PGresult *r = PQexecParams(pg, sql, 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
  } else {
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"%s\" WHERE instr(CAST(\"%s\" AS TEXT), ?1) > 0", table, column);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, needle, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    }
    if (n < 0) fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
  }
  if (n < 0) fail_msg("could not search %s.%s", table, column);
  return n;
}

const char *fpt_sql_where_is(const struct fpt_server *s, const char *needle) {
  char found[4096] = "";
  size_t used = 0;
  const char *list = s->database[0]
                         ? "SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t"
                           " ON t.table_name = c.table_name AND t.table_schema = c.table_schema"
                           " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
                           " ORDER BY c.table_name, c.ordinal_position"
                         : "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'"
                           " ORDER BY m.name, p.cid";
  /* The (table, column) pairs first, then each searched. */
  char (*pairs)[2][64] = calloc(4096, sizeof *pairs);
  int n = 0;
  sqlite3 *db = NULL;
  PGconn *pg = NULL;
  if (s->database[0]) {
    if (!(pg = pg_connect(s->database))) fail_msg("cannot connect to %s", s->database);
    PGresult *r = PQexec(pg, list);
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r) && n < 4096; i++, n++) {
      snprintf(pairs[n][0], 64, "%s", PQgetvalue(r, i, 0));
      snprintf(pairs[n][1], 64, "%s", PQgetvalue(r, i, 1));
    }
    PQclear(r);
  } else {
    char path[300];
    snprintf(path, sizeof path, "%s/flexpool.db", s->data_dir);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail_msg("cannot open %s", path);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, list, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", list, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW && n < 4096) {
      snprintf(pairs[n][0], 64, "%s", (const char *)sqlite3_column_text(st, 0));
      snprintf(pairs[n][1], 64, "%s", (const char *)sqlite3_column_text(st, 1));
      n++;
    }
    sqlite3_finalize(st);
  }
  if (n == 4096) fail_msg("more columns than fpt_sql_where_is searches");
  if (n < 100) fail_msg("only %d columns found to search", n);
  for (int i = 0; i < n; i++) {
    if (holds(db, pg, pairs[i][0], pairs[i][1], needle) > 0) {
      int w = snprintf(found + used, sizeof found - used, "%s%s.%s", used ? "," : "", pairs[i][0], pairs[i][1]);
      if (w > 0 && (size_t)w < sizeof found - used) used += (size_t)w;
    }
  }
  free(pairs);
  if (pg) PQfinish(pg);
  if (db) sqlite3_close(db);
  return fpt_str("%s", found);
}

const char *fpt_sql_text(const struct fpt_server *s, const char *sql) {
  char err[1024] = "", *v = NULL;
  if (first_value(s, sql, &v, err, sizeof err) != 0 || !v) fail_msg("%s: %s", sql, v ? err : "no value");
  return fpt_keep(v);
}
