/* Backing up and restoring a SQLite installation. See store/backup.h. */
#include "store/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"

#define FORMAT_LINE "flexpool backup 1"
#define MANIFEST "FLEXPOOL-BACKUP"

static int say(char *err, size_t len, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int say(char *err, size_t len, int rc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
  return rc;
}

static bool sha_name(const char *s) { return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64; }

static void fsync_path(const char *path, bool dir) {
  int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

/* Copies the file src to the new file dst (mode 0600) and makes it durable; if sha is given, the
   content's SHA-256 in hex must equal it. 0, FP_ENOTFOUND (no src), FP_EINVAL (another content), FP_EIO. */
static int copy_file(const char *src, const char *dst, const char *sha) {
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) return errno == ENOENT ? FP_ENOTFOUND : FP_EIO;
  int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    close(in);
    return FP_EIO;
  }
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  char buf[65536];
  int rc = 0;
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) rc = FP_EIO;
    if (n <= 0) break;
    crypto_hash_sha256_update(&h, (const unsigned char *)buf, (unsigned long long)n);
    for (ssize_t off = 0; off < n && !rc;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) rc = FP_EIO;
      else off += w;
    }
    if (rc) break;
  }
  if (!rc && fsync(out) != 0) rc = FP_EIO;
  close(in);
  if (close(out) != 0 && !rc) rc = FP_EIO;
  if (!rc && sha) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    if (strcmp(hex, sha) != 0) rc = FP_EINVAL;
  }
  if (rc) unlink(dst);
  return rc;
}

/* Whether path exists; *empty whether it is a directory with nothing in it. */
static bool exists(const char *path, bool *empty) {
  struct stat st;
  if (stat(path, &st) != 0) return false;
  if (empty) {
    *empty = false;
    DIR *d = S_ISDIR(st.st_mode) ? opendir(path) : NULL;
    if (d) {
      *empty = true;
      struct dirent *e;
      while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) *empty = false;
      closedir(d);
    }
  }
  return true;
}

/* The evidence files the database db refers to, one callback each with whether a live (not
   deleted) record refers to it. Rows whose file the upkeep has removed are skipped. */
typedef int (*evidence_fn)(const char *sha, bool live, void *ctx);
static int each_evidence(sqlite3 *db, evidence_fn fn, void *ctx) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT sha256, MAX(CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END) FROM passport_evidence"
                         " WHERE file_removed = 0 GROUP BY sha256",
                         -1, &st, NULL) != SQLITE_OK)
    return FP_EIO;
  int rc = 0, s;
  while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
    const char *sha = (const char *)sqlite3_column_text(st, 0);
    rc = sha && sha_name(sha) ? fn(sha, sqlite3_column_int(st, 1) != 0, ctx) : FP_EINVAL;
  }
  if (!rc && s != SQLITE_DONE) rc = FP_EIO;
  sqlite3_finalize(st);
  return rc;
}

static int64_t schema_version(sqlite3 *db) {
  sqlite3_stmt *st = NULL;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Backing up ---------------------------------------------------------------------------------- */

struct copy_ctx {
  const char *from, *to; /* data directories */
  int n;
  char missing[65];
};

static int copy_evidence(const char *sha, bool live, void *vctx) {
  struct copy_ctx *x = vctx;
  char src[4096], dst[4096];
  snprintf(src, sizeof src, "%s/evidence/%s", x->from, sha);
  snprintf(dst, sizeof dst, "%s/evidence/%s", x->to, sha);
  int rc = copy_file(src, dst, NULL);
  if (rc == FP_ENOTFOUND && !live) return 0; /* deleted after retention since the snapshot: nobody reads it */
  if (rc == FP_ENOTFOUND) snprintf(x->missing, sizeof x->missing, "%s", sha);
  if (rc == 0) x->n++;
  return rc;
}

/* Removes a partial backup (only the names backup writes). */
static void remove_partial(const char *dir) {
  char p[4096];
  DIR *d;
  snprintf(p, sizeof p, "%s/evidence", dir);
  if ((d = opendir(p))) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!sha_name(e->d_name)) continue;
      char f[4200];
      snprintf(f, sizeof f, "%s/%s", p, e->d_name);
      unlink(f);
    }
    closedir(d);
  }
  rmdir(p);
  static const char *const names[] = {"flexpool.db", "flexpool.db-journal", MANIFEST};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
  rmdir(dir);
}

int fp_store_backup(const char *data_dir, const char *out, int *n_files, char *err, size_t err_len) {
  char src_db[4096], part[4096], path[4200];
  *n_files = 0;
  snprintf(src_db, sizeof src_db, "%s/flexpool.db", data_dir);
  if (!exists(src_db, NULL)) return say(err, err_len, FP_ENOTFOUND, "'%s' holds no flexpool installation (no flexpool.db)", data_dir);
  if (exists(out, NULL)) return say(err, err_len, FP_ECONFLICT, "'%s' exists already: a backup goes into a new folder", out);
  if (snprintf(part, sizeof part, "%s.partial", out) >= (int)sizeof part) return say(err, err_len, FP_EINVAL, "the path is too long");
  if (exists(part, NULL))
    return say(err, err_len, FP_ECONFLICT, "'%s' exists (an earlier backup that did not finish?): remove it first", part);
  if (mkdir(part, 0700) != 0) return say(err, err_len, FP_EIO, "cannot create '%s': %s", part, strerror(errno));
  snprintf(path, sizeof path, "%s/evidence", part);
  if (mkdir(path, 0700) != 0) {
    remove_partial(part);
    return say(err, err_len, FP_EIO, "cannot create '%s': %s", path, strerror(errno));
  }

  /* The snapshot: SQLite's online backup copies every page in one step, inside one read
     transaction, so it is one consistent state of the database however many writes the serving
     server commits meanwhile (WAL: the server's writer never waits for it). */
  sqlite3 *src = NULL, *dst = NULL;
  int rc = 0;
  snprintf(path, sizeof path, "%s/flexpool.db", part);
  /* Read-write (never written: query_only) so that it can open the server's WAL index, or make
     one when no server runs. */
  if (sqlite3_open_v2(src_db, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    rc = say(err, err_len, FP_EIO, "cannot open the databases: %s", sqlite3_errmsg(src && dst ? dst : src));
  }
  if (!rc) {
    sqlite3_busy_timeout(src, 10000);
    sqlite3_exec(src, "PRAGMA query_only=ON", NULL, NULL, NULL);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    int s = SQLITE_ERROR;
    for (int tries = 0; b && tries < 600; tries++) {
      s = sqlite3_backup_step(b, -1);
      if (s != SQLITE_BUSY && s != SQLITE_LOCKED) break;
      sqlite3_sleep(100);
    }
    if (b) sqlite3_backup_finish(b);
    if (s != SQLITE_DONE) rc = say(err, err_len, FP_EIO, "the database could not be copied: %s", sqlite3_errstr(s));
  }
  /* One self-contained file: the copy leaves WAL mode (the server puts it back when it opens it). */
  if (!rc && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
    rc = say(err, err_len, FP_EIO, "the copy could not be finished: %s", sqlite3_errmsg(dst));
  sqlite3_close(src);
  int64_t version = !rc ? schema_version(dst) : -1;
  /* The evidence files of the snapshot, copied after it: a file is placed before the transaction
     that records it commits, so every one the snapshot names is there. */
  struct copy_ctx x = {data_dir, part, 0, ""};
  if (!rc) {
    int e = each_evidence(dst, copy_evidence, &x);
    if (e == FP_ENOTFOUND)
      rc = say(err, err_len, FP_EIO, "the evidence file '%s' the database refers to is missing from '%s/evidence'", x.missing,
               data_dir);
    else if (e)
      rc = say(err, err_len, FP_EIO, "the evidence files could not be copied (%s)", fp_strerror(e));
  }
  if (sqlite3_close(dst) != SQLITE_OK && !rc) rc = say(err, err_len, FP_EIO, "the copy could not be closed");
  if (!rc) {
    snprintf(path, sizeof path, "%s/%s", part, MANIFEST);
    FILE *f = fopen(path, "wx");
    time_t now = time(NULL);
    struct tm tm;
    char when[32];
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!f || fprintf(f, "%s\nschema_version %lld\ntaken_at %s\nevidence_files %d\n", FORMAT_LINE, (long long)version, when,
                      x.n) < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0)
      rc = say(err, err_len, FP_EIO, "cannot write '%s'", path);
    if (f && fclose(f) != 0 && !rc) rc = say(err, err_len, FP_EIO, "cannot write '%s'", path);
  }
  if (!rc) {
    snprintf(path, sizeof path, "%s/flexpool.db", part);
    fsync_path(path, false);
    snprintf(path, sizeof path, "%s/evidence", part);
    fsync_path(path, true);
    fsync_path(part, true);
    if (rename(part, out) != 0) rc = say(err, err_len, FP_EIO, "cannot rename '%s' to '%s': %s", part, out, strerror(errno));
  }
  if (rc) {
    remove_partial(part);
    return rc;
  }
  /* The rename is durable once the folder holding out is. */
  char parent[4096];
  snprintf(parent, sizeof parent, "%s", out);
  char *slash = strrchr(parent, '/');
  if (slash && slash != parent) *slash = 0;
  else snprintf(parent, sizeof parent, "%s", slash ? "/" : ".");
  fsync_path(parent, true);
  *n_files = x.n;
  return 0;
}

/* Restoring ----------------------------------------------------------------------------------- */

struct check_ctx {
  const char *backup;
  char missing[65];
};

static int check_present(const char *sha, bool live, void *vctx) {
  struct check_ctx *x = vctx;
  char p[4096];
  snprintf(p, sizeof p, "%s/evidence/%s", x->backup, sha);
  if (live && !exists(p, NULL)) {
    snprintf(x->missing, sizeof x->missing, "%s", sha);
    return FP_ENOTFOUND;
  }
  return 0;
}

/* Whether backup is whole: its manifest, a database passing SQLite's integrity check, and every
   evidence file a live record names. */
static int check_backup(const char *backup, char *err, size_t err_len) {
  char p[4096], line[128] = "";
  snprintf(p, sizeof p, "%s/%s", backup, MANIFEST);
  FILE *f = fopen(p, "r");
  bool ok = f && fgets(line, sizeof line, f) && strncmp(line, FORMAT_LINE "\n", sizeof FORMAT_LINE) == 0;
  if (f) fclose(f);
  if (!ok) return say(err, err_len, FP_EINVAL, "'%s' is not a flexpool backup (no %s saying '%s')", backup, MANIFEST, FORMAT_LINE);
  snprintf(p, sizeof p, "%s/flexpool.db", backup);
  sqlite3 *db = NULL;
  if (!exists(p, NULL) || sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return say(err, err_len, FP_EINVAL, "the backup '%s' has no readable flexpool.db", backup);
  }
  sqlite3_stmt *st = NULL;
  ok = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
       strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
  sqlite3_finalize(st);
  struct check_ctx x = {backup, ""};
  int rc = ok ? each_evidence(db, check_present, &x) : 0;
  sqlite3_close(db);
  if (!ok) return say(err, err_len, FP_EINVAL, "the database in '%s' fails SQLite's integrity check", backup);
  if (rc == FP_ENOTFOUND) return say(err, err_len, FP_EINVAL, "the backup '%s' lacks the evidence file '%s'", backup, x.missing);
  if (rc) return say(err, err_len, FP_EINVAL, "the evidence list of '%s' cannot be read", backup);
  return 0;
}

int fp_store_restore(const char *backup, const char *data_dir, int *n_files, char *err, size_t err_len) {
  *n_files = 0;
  char p[4096], q[4096];
  bool empty = false;
  snprintf(p, sizeof p, "%s/flexpool.db", data_dir);
  if (exists(p, NULL))
    return say(err, err_len, FP_ECONFLICT, "'%s' holds a flexpool installation already: restore into a new, empty folder", data_dir);
  if (exists(data_dir, &empty) && !empty)
    return say(err, err_len, FP_ECONFLICT, "'%s' is not empty: restore into a new, empty folder", data_dir);
  int rc = check_backup(backup, err, err_len);
  if (rc) return rc;
  bool created = mkdir(data_dir, 0700) == 0;
  if (!created && errno != EEXIST) return say(err, err_len, FP_EIO, "cannot create '%s': %s", data_dir, strerror(errno));
  snprintf(p, sizeof p, "%s/evidence", data_dir);
  if (mkdir(p, 0700) != 0) return say(err, err_len, FP_EIO, "cannot create '%s': %s", p, strerror(errno));
  /* Every evidence file, its content checked against its name; the database last, under its
     final name only once whole, so a folder with a flexpool.db is always a whole restore. */
  snprintf(q, sizeof q, "%s/evidence", backup);
  DIR *d = opendir(q);
  struct dirent *e;
  while (!rc && d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char from[4400], to[4400];
    snprintf(from, sizeof from, "%s/%s", q, e->d_name);
    snprintf(to, sizeof to, "%s/%s", p, e->d_name);
    if (!sha_name(e->d_name)) rc = say(err, err_len, FP_EINVAL, "'%s' is not an evidence file (its name is not a SHA-256)", from);
    else if ((rc = copy_file(from, to, e->d_name)) == FP_EINVAL)
      rc = say(err, err_len, FP_EINVAL, "the evidence file '%s' does not hold the content its name says (damaged?)", from);
    else if (rc) rc = say(err, err_len, FP_EIO, "cannot copy '%s' to '%s'", from, to);
    else (*n_files)++;
  }
  if (d) closedir(d);
  fsync_path(p, true);
  if (!rc) {
    snprintf(q, sizeof q, "%s/flexpool.db", backup);
    snprintf(p, sizeof p, "%s/.flexpool.db.restoring", data_dir);
    if (copy_file(q, p, NULL) != 0) rc = say(err, err_len, FP_EIO, "cannot copy '%s' into '%s'", q, data_dir);
  }
  if (!rc) {
    char final[4096];
    snprintf(final, sizeof final, "%s/flexpool.db", data_dir);
    if (rename(p, final) != 0) rc = say(err, err_len, FP_EIO, "cannot rename '%s': %s", p, strerror(errno));
    fsync_path(data_dir, true);
  }
  if (rc) { /* what it wrote goes again: the folder is as empty as it was */
    snprintf(p, sizeof p, "%s/.flexpool.db.restoring", data_dir);
    unlink(p);
    remove_partial(data_dir);
    if (!created) mkdir(data_dir, 0700);
  }
  return rc;
}
