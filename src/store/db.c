/* The store's engine-neutral half: opening an installation on its engine, and the statement
   calls of sql.h handed to the engine that runs them. See db.h, sql.h and engine.h. */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "store/engine.h"
#include "store/rows.h"

bool fp_store_is_postgres(const char *database) {
  if (!database || !*database) return false;
  return strncmp(database, "postgresql://", 13) == 0 || strncmp(database, "postgres://", 11) == 0 ||
         strchr(database, '=') != NULL; /* libpq's key=value form */
}

static const struct fp_engine *engine_for(const char *database) {
  if (!fp_store_is_postgres(database)) return &fp_engine_sqlite;
#ifdef FP_HAVE_POSTGRES
  extern const struct fp_engine fp_engine_postgres;
  return &fp_engine_postgres;
#else
  return NULL;
#endif
}

int fp_store_open(struct fp_store *s, const char *data_dir, const char *database) {
  memset(s, 0, sizeof *s);
  if (mkdir(data_dir, 0700) != 0) {
    struct stat st;
    if (stat(data_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
      fprintf(stderr, "store: cannot create data directory '%s'\n", data_dir);
      return FP_EIO;
    }
  }
  s->engine = engine_for(database);
  if (!s->engine) {
    fprintf(stderr, "store: this flexpool was built without PostgreSQL\n");
    return FP_EINVAL;
  }
  s->data_dir = strdup(data_dir);
  if (!s->data_dir) return FP_ENOMEM;
  return s->engine->open(s, database && *database ? database : NULL);
}

void fp_store_release(struct fp_store *s) {
  if (s->engine) s->engine->release(s);
  free(s->data_dir);
  memset(s, 0, sizeof *s);
}

bool fp_store_is_postgres_store(const struct fp_store *s) { return s->engine && s->engine->kind == FP_ENGINE_POSTGRES; }
const char *fp_store_engine_name(const struct fp_store *s) { return s->engine ? s->engine->name : "none"; }
struct fp_conn *fp_store_reader(struct fp_store *s) { return s->engine->reader(s); }
int fp_store_write(struct fp_store *s, fp_tx_fn fn, void *ctx) { return s->engine->write(s, fn, NULL, ctx, false); }

int fp_store_write_locking(struct fp_store *s, fp_tx_fn fn, void *ctx) {
  return s->engine->write(s, fn, NULL, ctx, true);
}

int fp_store_write_locking_then(struct fp_store *s, fp_tx_fn fn, fp_tx_fn after, void *ctx) {
  if (s->engine->write_after) return s->engine->write(s, fn, after, ctx, true);
  int rc = s->engine->write(s, fn, NULL, ctx, true);
  if (rc) return rc;
  struct fp_conn *c = fp_store_reader(s);
  return c ? after(c, ctx) : FP_EIO;
}
uint64_t fp_store_generation(struct fp_store *s) { return s->engine->generation(s); }

int fp_store_upkeep_try_lock(struct fp_conn *c, bool *mine) {
  *mine = false;
  if (!c->engine->upkeep_try_lock) {
    *mine = true;
    return 0;
  }
  return c->engine->upkeep_try_lock(c, mine);
}

void fp_store_stats(struct fp_store *s, struct fp_store_stats *out) {
  memset(out, 0, sizeof *out);
  if (s->engine && s->engine->stats) s->engine->stats(s, out);
}

const double fp_store_hist_bounds[FP_STORE_HIST_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                            0.1,    0.25,  0.5,    1,     2.5,  5,     10};

void fp_store_hist_observe(struct fp_store_hist *h, double seconds) {
  int b = 0;
  while (b < FP_STORE_HIST_BUCKETS && seconds > fp_store_hist_bounds[b]) b++;
  h->counts[b]++;
  h->count++;
  h->sum += seconds;
}

int fp_store_schema_version(struct fp_store *s, int64_t *version) {
  struct fp_conn *c = fp_store_reader(s);
  fp_stmt *st = c ? fp_db_stmt(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") : NULL;
  if (!st) return FP_EIO;
  *version = 0;
  return fp_step_int(st, version) == 0 ? 0 : FP_EIO;
}

fp_stmt *fp_db_stmt(struct fp_conn *c, const char *sql) { return c->engine->stmt(c, sql); }
void fp_bind_int64(fp_stmt *st, int i, int64_t v) { st->engine->bind_int64(st, i, v); }
void fp_bind_double(fp_stmt *st, int i, double v) { st->engine->bind_double(st, i, v); }
void fp_bind_text(fp_stmt *st, int i, const char *v) { st->engine->bind_text(st, i, v); }
void fp_bind_blob(fp_stmt *st, int i, const void *p, size_t n) { st->engine->bind_blob(st, i, p, n); }
void fp_bind_null(fp_stmt *st, int i) { st->engine->bind_null(st, i); }
int fp_step(fp_stmt *st) { return st->engine->step(st); }
void fp_reset(fp_stmt *st) { st->engine->reset(st); }
int64_t fp_col_int64(fp_stmt *st, int i) { return st->engine->col_int64(st, i); }
double fp_col_double(fp_stmt *st, int i) { return st->engine->col_double(st, i); }
const char *fp_col_text(fp_stmt *st, int i) { return st->engine->col_text(st, i); }
size_t fp_col_bytes(fp_stmt *st, int i) { return st->engine->col_bytes(st, i); }
const void *fp_col_blob(fp_stmt *st, int i) { return st->engine->col_blob(st, i); }
bool fp_col_null(fp_stmt *st, int i) { return st->engine->col_null(st, i); }
enum fp_col_kind fp_col_type(fp_stmt *st, int i) { return st->engine->col_type(st, i); }
int fp_col_count(fp_stmt *st) { return st->engine->col_count(st); }
const char *fp_col_name(fp_stmt *st, int i) { return st->engine->col_name(st, i); }
const char *fp_stmt_sql(fp_stmt *st) { return st->engine->stmt_sql(st); }
int64_t fp_db_changes(struct fp_conn *c) { return c->engine->changes(c); }
int64_t fp_db_last_id(struct fp_conn *c) { return c->engine->last_id(c); }
const char *fp_db_errmsg(struct fp_conn *c) { return c->engine->errmsg(c); }
enum fp_engine_kind fp_db_engine(struct fp_conn *c) { return c->engine->kind; }

bool fp_db_serial_writes(struct fp_conn *c) { return c->engine->serial_writes; }

bool fp_db_catalogue_generation(struct fp_conn *c, uint64_t *gen, const void **store) {
  *store = c->store;
  return c->engine->catalogue_generation && c->engine->catalogue_generation(c, gen);
}
const char *fp_db_data_dir(struct fp_conn *c) { return c->store->data_dir; }
int fp_db_exec(struct fp_conn *c, const char *sql) { return c->engine->exec(c, sql); }
int fp_db_read_begin(struct fp_conn *c) { return c->engine->read_begin(c); }
void fp_db_read_end(struct fp_conn *c) { c->engine->read_end(c); }

void fp_db_send_first(fp_stmt *st) {
  if (st && st->engine->send_first) st->engine->send_first(st);
}

void fp_db_read_at_commit(fp_stmt *st) {
  if (st && st->engine->read_at_commit) st->engine->read_at_commit(st);
}

void fp_db_prefetch(fp_stmt *st) {
  if (st && st->engine->prefetch) st->engine->prefetch(st);
}

int fp_db_run_later(fp_stmt *st) {
  if (!st) return FP_EIO;
  if (st->engine->run_later) return st->engine->run_later(st);
  return fp_db_exec_stmt(st);
}

int fp_db_exec_stmt(fp_stmt *st) {
  int rc = fp_step(st);
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : rc;
}

char *fp_db_like_contains(const char *q, char *buf, size_t len) {
  size_t n = 0;
  buf[n++] = '%';
  for (const char *p = q; *p && n + 3 < len; p++) {
    if (*p == '%' || *p == '_' || *p == '\\') buf[n++] = '\\';
    buf[n++] = *p;
  }
  buf[n++] = '%';
  buf[n] = 0;
  return buf;
}

char *fp_db_col_strdup(fp_stmt *st, int i) {
  const char *t = fp_col_text(st, i);
  return t ? strdup(t) : NULL;
}

/* Values fp_db_col_copy cut on this thread (see fp_db_truncations_take). */
static _Thread_local unsigned truncations;

unsigned fp_db_truncations_take(void) {
  unsigned n = truncations;
  truncations = 0;
  return n;
}

void fp_db_truncations_add(unsigned n) { truncations += n; }

int fp_db_col_copy(fp_stmt *st, int i, char *dst, size_t len) {
  const unsigned char *t = (const unsigned char *)fp_col_text(st, i);
  if (!t) {
    dst[0] = 0;
    return 0;
  }
  size_t n = fp_col_bytes(st, i);
  if (n < len) {
    memcpy(dst, t, n);
    dst[n] = 0;
    return 0;
  }
  n = len - 1;
  while (n > 0 && (t[n] & 0xC0) == 0x80) n--; /* not inside a character */
  memcpy(dst, t, n);
  dst[n] = 0;
  truncations++;
  const char *sql = fp_stmt_sql(st);
  fprintf(stderr, "store: column '%s' holds %zu bytes, more than the %zu this server reads (a limit is missing where"
                  " it comes in); statement: %.160s\n", fp_col_name(st, i), fp_col_bytes(st, i), len - 1,
          sql ? sql : "?");
  return FP_ETOOBIG;
}

/* The caller's read transaction (db.h): the statement API's, named for the store's callers. */
int fp_store_read_begin(struct fp_conn *c) { return fp_db_read_begin(c); }
void fp_store_read_end(struct fp_conn *c) { fp_db_read_end(c); }

uint64_t fp_sql_hash(const char *s) {
  size_t n = strlen(s), i = 0;
  uint64_t h = 1469598103934665603ULL ^ n;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 1099511628211ULL;
    h ^= h >> 29;
  }
  for (; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  return h;
}

/* ---- the reader pool (engine.h) ---- */

/* The thread-specific key's destructor: the ending thread's reader waits for the next thread. */
static void reader_take_back(void *arg) {
  struct fp_conn *c = arg;
  struct fp_reader_pool *p = c->pool;
  pthread_mutex_lock(&p->lock);
  p->idle[p->n_idle++] = c; /* idle has room for every reader (see fp_reader_pool_get) */
  pthread_mutex_unlock(&p->lock);
}

void fp_store_reader_set_aside(struct fp_store *s) {
  struct fp_conn *c = fp_store_reader(s);
  if (!c || !c->pool || pthread_getspecific(c->pool->key) != c) return;
  pthread_setspecific(c->pool->key, NULL);
  reader_take_back(c);
}

void fp_reader_pool_init(struct fp_reader_pool *p, struct fp_store *s, struct fp_conn *(*open)(struct fp_store *s),
                         void (*close)(struct fp_conn *c)) {
  memset(p, 0, sizeof *p);
  p->store = s;
  p->open = open;
  p->close = close;
  pthread_mutex_init(&p->lock, NULL);
  pthread_key_create(&p->key, reader_take_back);
  p->ready = true;
}

void fp_reader_pool_release(struct fp_reader_pool *p) {
  if (!p->ready) return;
  pthread_key_delete(p->key); /* no thread's end may hand a reader back from here on */
  for (int i = 0; i < p->n; i++) p->close(p->all[i]);
  free(p->all);
  free(p->idle);
  pthread_mutex_destroy(&p->lock);
  memset(p, 0, sizeof *p);
}

struct fp_conn *fp_reader_pool_get(struct fp_reader_pool *p) {
  struct fp_conn *c = pthread_getspecific(p->key);
  if (c) return c;
  pthread_mutex_lock(&p->lock);
  c = p->n_idle ? p->idle[--p->n_idle] : NULL;
  pthread_mutex_unlock(&p->lock);
  if (c) {
    pthread_setspecific(p->key, c);
    return c;
  }
  c = p->open(p->store);
  if (!c) return NULL;
  c->pool = p;
  pthread_mutex_lock(&p->lock);
  if (p->n == p->cap) {
    int cap = p->cap ? p->cap * 2 : 8;
    struct fp_conn **all = realloc(p->all, (size_t)cap * sizeof *all);
    struct fp_conn **idle = all ? realloc(p->idle, (size_t)cap * sizeof *idle) : NULL;
    if (all) p->all = all;
    if (!all || !idle) {
      pthread_mutex_unlock(&p->lock);
      p->close(c);
      return NULL;
    }
    p->idle = idle;
    p->cap = cap;
  }
  p->all[p->n++] = c;
  pthread_mutex_unlock(&p->lock);
  pthread_setspecific(p->key, c);
  return c;
}

void fp_reader_pool_counts(struct fp_reader_pool *p, int64_t *in_use, int64_t *idle) {
  pthread_mutex_lock(&p->lock);
  *in_use = p->n - p->n_idle;
  *idle = p->n_idle;
  pthread_mutex_unlock(&p->lock);
}
