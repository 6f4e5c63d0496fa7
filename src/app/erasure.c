/* Closed accounts erased by the upkeep, and the erasure ledger's file. See erasure.h. */
#include "app/erasure.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core/error.h"
#include "core/retention.h"
#include "store/accounts.h"
#include "store/erasure.h"

/* ---- the upkeep step ---- */

/* Candidates read a page at a time (the erasures are written after the page is read, never while a
   read of the same table is under way). */
#define PAGE 200

struct page {
  struct fp_erasure_candidate v[PAGE];
  int n;
};

static int collect(const struct fp_erasure_candidate *e, void *ctx) {
  struct page *p = ctx;
  p->v[p->n++] = *e;
  return 0;
}

/* The path of the ledger file the server keeps (NULL: none), and how many entries it last wrote. */
static const char *ledger_path;
static int64_t ledger_written = -1;

static int erase_due(struct fp_conn *c, int64_t now, void *ctx) {
  const struct fp_app *app = ctx;
  int years = app->cfg.retain_closed_account_years, erased = 0, rc = 0;
  bool more = false;
  /* A year is at least 365 days: accounts closed later than this cannot be due yet. */
  int64_t closed_before = now - (int64_t)years * 365 * 86400, after_closed = 0, after_id = 0;
  struct page *p = malloc(sizeof *p);
  if (!p) return FP_ENOMEM;
  /* Every candidate is looked at (those the money's clock holds back do not hide the ones behind
     them); at most FP_ERASURES_PER_RUN are erased in one run. */
  for (;;) {
    p->n = 0;
    if ((rc = fp_store_erasure_candidates(c, closed_before, after_closed, after_id, PAGE, collect, p)) != 0) break;
    for (int i = 0; !rc && i < p->n; i++) {
      const struct fp_erasure_candidate *e = &p->v[i];
      if (fp_erasure_due(e->deactivated_at, years, e->last_financial) > now) continue;
      if (erased == FP_ERASURES_PER_RUN) {
        more = true;
        break;
      }
      struct fp_erasure er = {e->user_id, e->deactivated_at, now};
      bool done = false;
      rc = fp_store_erase_person(c, &er, &done);
      if (!rc && done) erased++;
    }
    if (rc || more || p->n < PAGE) break;
    after_closed = p->v[p->n - 1].deactivated_at;
    after_id = p->v[p->n - 1].user_id;
  }
  free(p);
  if (rc) return rc;
  if (erased) {
    char after[96];
    snprintf(after, sizeof after, "{\"erased\":%d,\"years\":%d}", erased, years);
    if ((rc = fp_store_audit(c, now, 0, "retention.erase_run", "store", 0, NULL, after)) != 0) return rc;
    fprintf(stderr, "flexpool: retention: %d closed account%s erased (closed more than %d year%s ago, invoices past"
                    " their own period)\n", erased, erased == 1 ? "" : "s", years, years == 1 ? "" : "s");
  }
  if (more) fprintf(stderr, "flexpool: retention: more closed accounts are due; the next upkeep run goes on\n");
  return 0;
}

static int count_one(const struct fp_erasure *e, void *ctx) {
  (void)e;
  (*(int64_t *)ctx)++;
  return 0;
}

/* After the erasures, in a transaction of its own: the file, when the table has grown since it was written. */
static int ledger_file(struct fp_conn *c, int64_t now, void *ctx) {
  (void)now;
  struct fp_app *app = ctx;
  if (!ledger_path) return 0;
  int64_t n = 0;
  int rc = fp_store_erasures_list(c, count_one, &n);
  if (rc || n == ledger_written) return rc;
  if (fp_erasure_ledger_write(&app->store, ledger_path) != 0) return FP_EIO;
  ledger_written = n;
  return 0;
}

/* Correspondence past its period (core/retention.h), at start-up and then once a day: the tables
   have no index by age, and a day's lateness does not matter against two years. */
static int64_t correspondence_last;

static int correspondence(struct fp_conn *c, int64_t now, void *ctx) {
  (void)ctx;
  if (correspondence_last && now - correspondence_last < 86400) return 0;
  int64_t notes = 0, sent = 0;
  fp_time two_years = fp_months_before(now, FP_CORRESPONDENCE_MONTHS);
  int rc = fp_store_correspondence_expire(c, two_years, two_years, now - (int64_t)FP_WEBHOOK_DELIVERY_DAYS * 86400,
                                          &notes, &sent);
  if (rc) return rc;
  correspondence_last = now;
  if (notes || sent)
    fprintf(stderr, "flexpool: retention: %lld notification(s) and %lld sent message(s) past their period deleted\n",
            (long long)notes, (long long)sent);
  return 0;
}

static const char ERASURE[] = "closed-account erasure", LEDGER[] = "erasure ledger", CORRESPONDENCE[] = "correspondence";

int fp_erasure_upkeep_add(struct fp_sweeper *s, struct fp_app *app) {
  ledger_path = app->cfg.erasure_ledger;
  fp_upkeep_run(&app->store, ERASURE, erase_due, app);
  fp_upkeep_run(&app->store, LEDGER, ledger_file, app);
  fp_upkeep_run(&app->store, CORRESPONDENCE, correspondence, app);
  if (!s) return 0;
  int rc = fp_sweeper_add(s, ERASURE, erase_due, app);
  if (!rc) rc = fp_sweeper_add(s, LEDGER, ledger_file, app);
  if (!rc) rc = fp_sweeper_add(s, CORRESPONDENCE, correspondence, app);
  return rc;
}

/* ---- the ledger file ---- */

struct entries {
  struct fp_erasure *v;
  size_t n, cap;
};

static int add_entry(const struct fp_erasure *e, void *ctx) {
  struct entries *l = ctx;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    struct fp_erasure *v = realloc(l->v, cap * sizeof *v);
    if (!v) return FP_ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = *e;
  return 0;
}

/* The store's ledger table added to l: 0 or -1 (said). */
static int read_table(struct fp_store *store, struct entries *l) {
  struct fp_conn *c = fp_store_reader(store);
  int rc = c ? fp_store_erasures_list(c, add_entry, l) : FP_EIO;
  /* The main thread (at start) and the upkeep's read once in a long while: the connection goes back
     for the request threads rather than being held for ever (the server's readers are counted). */
  fp_store_reader_set_aside(store);
  if (rc == 0) return 0;
  fprintf(stderr, "flexpool: the store's erasure ledger could not be read\n");
  return -1;
}

/* Reads the file's entries into l: 0 (also when there is no file, unless it must exist), or -1 (said). */
static int read_file(const char *path, bool must_exist, struct entries *l) {
  FILE *f = fopen(path, "r");
  if (!f) {
    if (errno == ENOENT && !must_exist) return 0;
    fprintf(stderr, "flexpool: erasure ledger '%s': %s\n", path, strerror(errno));
    return -1;
  }
  char line[512];
  int lineno = 0, rc = 0;
  while (!rc && fgets(line, sizeof line, f)) {
    lineno++;
    if (!strchr(line, '\n') && !feof(f)) {
      rc = -1; /* longer than any entry */
    } else if (line[0] != '\n') {
      json_error_t err;
      json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, &err);
      json_int_t id = 0, closed = 0, erased = 0;
      if (!j || json_unpack(j, "{s:I, s:I, s:I !}", "user_id", &id, "deactivated_at", &closed, "erased_at", &erased) != 0 ||
          id <= 0 || closed <= 0 || erased <= 0)
        rc = -1;
      json_decref(j);
      struct fp_erasure e = {id, closed, erased};
      if (!rc && add_entry(&e, l) != 0) rc = -1;
    }
    if (rc) fprintf(stderr, "flexpool: erasure ledger '%s' line %d is not an entry; nothing applied from it\n", path, lineno);
  }
  if (!rc && ferror(f)) {
    fprintf(stderr, "flexpool: erasure ledger '%s': read error\n", path);
    rc = -1;
  }
  fclose(f);
  return rc;
}

struct apply {
  const struct fp_erasure *e;
  bool done;
};

static int apply_one(struct fp_conn *c, void *ctx) {
  struct apply *a = ctx;
  return fp_store_erase_person(c, a->e, &a->done);
}

int fp_erasure_ledger_apply(struct fp_store *store, const char *path, bool must_exist, int *applied) {
  *applied = 0;
  struct entries l = {0};
  int rc = path ? read_file(path, must_exist, &l) : 0;
  if (!rc) rc = read_table(store, &l);
  /* One transaction each: a long ledger does not hold the store's one writer for its whole length. */
  for (size_t i = 0; !rc && i < l.n; i++) {
    struct apply a = {&l.v[i], false};
    int w = fp_store_write(store, apply_one, &a);
    if (w == FP_ENOTFOUND) continue; /* an account this copy never had */
    if (w) {
      fprintf(stderr, "flexpool: erasure ledger: user %" PRId64 " could not be erased (%s)\n", l.v[i].user_id,
              fp_strerror(w));
      rc = -1;
    } else if (a.done) {
      (*applied)++;
    }
  }
  free(l.v);
  return rc;
}

int fp_erasure_ledger_write(struct fp_store *store, const char *path) {
  struct entries l = {0};
  if (read_table(store, &l) != 0) {
    free(l.v);
    return -1;
  }
  char tmp[4096];
  int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int rc = n > 0 && (size_t)n < sizeof tmp ? 0 : -1;
  FILE *f = rc ? NULL : fopen(tmp, "w");
  if (!f) rc = -1;
  for (size_t i = 0; !rc && i < l.n; i++)
    if (fprintf(f, "{\"user_id\":%" PRId64 ",\"deactivated_at\":%" PRId64 ",\"erased_at\":%" PRId64 "}\n", l.v[i].user_id,
                l.v[i].deactivated_at, l.v[i].erased_at) < 0)
      rc = -1;
  if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0)) rc = -1;
  if (f && fclose(f) != 0) rc = -1;
  if (!rc && rename(tmp, path) != 0) rc = -1;
  if (rc) {
    fprintf(stderr, "flexpool: erasure ledger '%s' could not be written: %s\n", path, strerror(errno));
    if (f) unlink(tmp);
  }
  free(l.v);
  return rc;
}
