/*
 * fpt.h - the API test support: start the real flexpool binary on a free port with its own data
 * directory, run its CLI, and talk to it over HTTP with libcurl. Used by tests/api/test_*.c
 * (cmocka). The binary is $FP_BINARY; the source tree is $FP_SOURCE_DIR (both set by ctest).
 *
 * The engine: SQLite in the data directory, or with FP_TEST_ENGINE=postgres (ctest's api_pg_*
 * entries, run by tests/api/pg_run.sh in a throw-away cluster) PostgreSQL: every data directory
 * then gets its own fresh database (fpt_<pid>_<n>, created through libpq with the PG* environment),
 * which each server started on it and each CLI command given `--data-dir` it gets as
 * `--database postgresql:///fpt_<pid>_<n>` (libpq takes host, port, user and password from PG*).
 * The data directory is still used (evidence files, the server's log). Removing the directory with
 * fpt_rmrf (or stopping a server that owns it) drops its database.
 *
 * JSON results returned by fpt_* calls are owned by the test's garbage list and freed by
 * fpt_gc() (call it in teardown), so tests read like the API they exercise.
 */
#ifndef FPT_H
#define FPT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct fpt_server {
  pid_t pid;
  int port;
  char base[64];          /* "http://127.0.0.1:PORT" */
  char data_dir[256];
  char database[96];      /* the --database it was given (\"\" on SQLite) */
  bool own_data_dir;      /* remove it on stop */
  int log_fd;             /* the server's stderr, kept in data_dir/server.log */
  int metrics_port;       /* the --metrics-listen port the server said it took; 0 when none */
};

/*
 * Starts `flexpool serve --data-dir D --listen 127.0.0.1:0 [extra...]` (extra is NULL-terminated,
 * may be NULL). D is a fresh temporary directory unless data_dir is given (then kept). Waits for
 * "listening on". 0 or -1.
 */
int fpt_server_start(struct fpt_server *s, const char *data_dir, const char *const *extra);
/* GET path on the server's --metrics-listen address (fails the test when it has none). */
struct fpt_resp fpt_metrics_get(const struct fpt_server *s, const char *path);
/* The server's stderr so far (data_dir/server.log), gc-owned. */
const char *fpt_server_log(const struct fpt_server *s);

/* SIGTERM and wait; removes an own data directory. Fails the test (or the group's teardown) when the
   server does not exit 0 - it died before, or ASan found a leak at its exit - after printing its log. */
void fpt_server_stop(struct fpt_server *s);
/* SIGKILL and wait; keeps the data directory (to restart on it). */
void fpt_server_kill(struct fpt_server *s);

/* Runs the flexpool CLI with args (NULL-terminated); returns its exit status and captures stdout.
   On PostgreSQL, args naming `--data-dir D` (and no `--database`) get D's database too. */
int fpt_cli(char *out, size_t out_len, const char *const *args);

/* The port a helper process (a sink, the OpenID provider) wrote to DIR/port once it answers, waiting
   up to `seconds`; 0 when it never did. */
int fpt_port_file_wait(const char *dir, int seconds);
/* A fresh temporary directory (mkdtemp) under /tmp, into buf. */
void fpt_tempdir(char *buf, size_t len);
/* Removes a directory under /tmp, and on PostgreSQL drops its database. */
void fpt_rmrf(const char *dir);

/* Whether the tests run on PostgreSQL (FP_TEST_ENGINE=postgres). */
bool fpt_engine_postgres(void);
/* The --database URL of a data directory's store, its database created on first use; NULL on SQLite. */
const char *fpt_database(const char *data_dir);
/* Runs sql (statements, no result wanted) on server s's store, whichever engine: as the tests put
   the store into a state the API cannot (time passing, rows as an older version wrote them). Stop
   or kill the server first (s->data_dir and s->database stay). Fails the test on an error. */
void fpt_sql(const struct fpt_server *s, const char *sql);
/* The same, answering instead of failing: 0, or non-zero with the database's words in err. */
int fpt_sql_try(const struct fpt_server *s, const char *sql, char *err, size_t len);
/* The integer the query `sql` answers in its first row and column, on server s's store (which may
   be running: read only). Fails the test on an error or no row. */
long long fpt_sql_count(const struct fpt_server *s, const char *sql);
/* Every "table.column" of the server's store (either engine) whose text holds needle, comma-separated;
   "" when none does. For proving that an erased person's details are nowhere. */
const char *fpt_sql_where_is(const struct fpt_server *s, const char *needle);
/* The first column of sql's first row as text (kept until fpt_gc); fails the test when there is none. */
const char *fpt_sql_text(const struct fpt_server *s, const char *sql);

struct fpt_resp {
  long status;
  char *body;             /* NUL-terminated, gc-owned */
  size_t body_len;
  char *headers;          /* all response headers, gc-owned */
  json_t *json;           /* parsed body or NULL; gc-owned */
};

/* Raw request: headers is a NULL-terminated list of "Name: value" (may be NULL). */
struct fpt_resp fpt_raw(const struct fpt_server *s, const char *method, const char *path, const char *const *headers,
                        const char *body, size_t body_len);

/*
 * A JSON request with `Authorization: Bearer token` (token may be NULL). body_fmt is a json_pack
 * format (NULL for no body). Fails the test (cmocka) when the status is not `expect`, printing the
 * body. Returns the parsed JSON (gc-owned; json_null() when empty).
 */
json_t *fpt_call(const struct fpt_server *s, const char *token, const char *method, const char *path, long expect,
                 const char *body_fmt, ...);
/* The same returning the whole response, without asserting the status. */
struct fpt_resp fpt_request(const struct fpt_server *s, const char *token, const char *method, const char *path,
                            const char *body_fmt, ...);

/* The UK date `days` after today, YYYY-MM-DD (gc-owned). */
const char *fpt_uk_date_in(int days);

/* The PDF document at path as token reads it (200, application/pdf, "%PDF" asserted), as the text
   `pdftotext -layout` reads from it, in a static buffer (the next call overwrites it). */
const char *fpt_pdf_text(const struct fpt_server *s, const char *token, const char *path);

/* Signs in and returns the bearer token (gc-owned); fails the test on anything but 201. An account
   whose second factor the tests set up (fpt_enrol_totp) is signed in with its next code. */
const char *fpt_login(const struct fpt_server *s, const char *email, const char *password);
/* Signs in with the password someone else gave and changes it to `own`, as an account added by an
   administrator must before anything else; returns the token. */
const char *fpt_take_over(const struct fpt_server *s, const char *email, const char *given, const char *own);
/* Sets up a TOTP second factor for the signed-in account (confirmed with a code computed by
   liboath from the secret shown) and remembers it for fpt_login; returns the secret (gc-owned). */
const char *fpt_enrol_totp(const struct fpt_server *s, const char *token, const char *email);
/* The TOTP code of a base32 secret at time t (gc-owned), computed with liboath. */
const char *fpt_totp_code(const char *secret, long long t);
/* The next code for a remembered account that the server has not taken yet (waits for a new
   30-second step if need be); NULL when the account is not remembered. */
const char *fpt_totp_next_code(const char *email);
/* Remembers (or forgets) an account's secret and the last step spent. */
void fpt_totp_remember(const char *email, const char *secret, long long step);
void fpt_totp_forget(const char *email);

/* The error code of an error response ("" when none). */
const char *fpt_error_code(const struct fpt_resp *r);
/* Fails the test unless r is the error `code` with `status` (and names `field`, when not NULL). */
void fpt_expect_error(struct fpt_resp r, long status, const char *code, const char *field);
/* A response header's value (gc-owned), or NULL. Case-insensitive name. */
const char *fpt_header(const struct fpt_resp *r, const char *name);

/* printf into a gc-owned string. */
const char *fpt_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Keep p (malloc'd) / j (a reference) until fpt_gc(). */
void *fpt_keep(void *p);
json_t *fpt_keep_json(json_t *j);
void fpt_gc(void);

/* json_object_get chains: fpt_int(j, "id"), fpt_s(j, "status"). Fail the test when absent. */
long long fpt_int(const json_t *obj, const char *key);
const char *fpt_s(const json_t *obj, const char *key);


/* Imports postcodes (lines of the ONS CSV after its header, pcd,pcds,doterm,oseast1m,osnrth1m,lat,long)
   into s's store with `flexpool import postcodes`, as an operator would: before the world is built,
   so its organisations are located. 0 or -1. */
int fpt_import_postcodes(const struct fpt_server *s, const char *rows);
/* The UTC date (YYYY-MM-DD) of the Monday at least 3 days ahead. */
void fpt_monday_ahead(char out[11]);
/* An RFC 3339 UTC time `days` days and `hours` hours from now, at a whole hour (gc-owned). */
const char *fpt_time_from_now(int days, int hours);
/* The instant t as RFC 3339 UTC, "2026-12-02T09:00:00Z" (gc-owned). */
const char *fpt_time_at(time_t t);
/* ymd (YYYY-MM-DD) plus days, as YYYY-MM-DD (gc-owned). */
const char *fpt_date_add(const char *ymd, int days);

/* An export's body read back by a real CSV parser (libcsv, strict): checks its UTF-8 byte-order
   mark and answers its rows as a gc-owned array of arrays of strings. Fails the test on bad CSV. */
json_t *fpt_csv(const struct fpt_resp *r);
/* A workbook's body read back by openpyxl (python3-openpyxl): its first sheet's rows as a gc-owned
   array of arrays of values (numbers, strings, null for an empty cell). Fails the test otherwise. */
json_t *fpt_xlsx(const struct fpt_resp *r);
/* A ZIP answer opened by Python's zipfile (every entry's CRC checked): {"names": [...], "json":
   {name: parsed} for the .json entries, "files": {name: {"sha256": hex, "bytes": n, "text": the bytes
   as Latin-1}} for the others}. Fails the test when it is not a valid archive. */
json_t *fpt_zip(const struct fpt_resp *r);

/* Creates a sysadmin with the CLI in data_dir (server may be running) and returns their token. */
const char *fpt_bootstrap_admin(const struct fpt_server *s);

#endif
