/* Moving an installation between stores (flexpool copy). See copy.h. */
#include "store/copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "store/passport.h"
#include "store/rows.h"
#include "store/sql.h"

/* Every table the store keeps, parents before the tables whose foreign keys name them. A table the
   source holds that is neither here nor in IGNORED stops the copy: it would be left behind. */
static const char *const TABLES[] = {
    "organisations", "users", "pools", "user_roles", "clinicians", "join_requests", "shifts", "bookings",
    "applications", "sessions", "login_failures", "postcodes", "roles_custom", "audit", "passport_requirements",
    "passport_checks", "pool_members", "passport_check_types", "passport_evidence", "passport_access_log",
    "passport_grants", "register_flags", "passport_pool_requirements", "user_totp", "recovery_codes",
    "mfa_challenges", "registration_attempts", "booking_guards",
    "availability_windows", "availability_exceptions", "calendar_feeds", "messages", "notifications", "webhooks", "webhook_events", "outbox", "outbox_attempts", "account_tokens", "account_token_requests",
    "practice_clinician_marks", "alert_prefs", "alert_roles", "alert_groups", "alert_scans", "offers",
    "timesheets", "invoices", "invoice_lines", "invoice_details", "terms", "pension_details", "pension_reminders", "form_a_signatures", "shift_escalations", "pool_funding", "monthly_reports", "icb_targets",
    "fhir_clients", "fhir_client_orgs", "fhir_tokens", "fhir_access_log", "oidc_requests", "oidc_identities",
    "erasures", "audit_personal",
};
#define N_TABLES (sizeof TABLES / sizeof TABLES[0])
/* Each store's own: its migrations, SQLite's sequence table, PostgreSQL's evidence contents (copied
   as evidence, below) and identity generation, the alerts' record of changes (each store
   writes its own, by trigger) and the figures kept by month (the target's upkeep keeps them again
   from the rows copied: store/metrics.c). */
static const char *const IGNORED[] = {"schema_migrations", "sqlite_sequence", "evidence_blobs", "identity_generation",
                                     "alert_changes", "metric_months"};

#define BATCH 500

struct value {
  enum fp_col_kind kind;
  int64_t i;
  double d;
  char *s; /* text or blob bytes */
  size_t n;
};

struct batch {
  const char *table;
  char insert[4096];
  int cols, rows;
  struct value *v; /* rows * cols */
};

static bool known(const char *name) {
  /* SQLite's own (the prefix is reserved to it): sqlite_sequence, and the planner's statistics
     (sqlite_stat1, sqlite_stat4) that an operator's ANALYZE or PRAGMA optimize makes. */
  if (strncmp(name, "sqlite_", 7) == 0) return true;
  for (size_t i = 0; i < N_TABLES; i++)
    if (strcmp(TABLES[i], name) == 0) return true;
  for (size_t i = 0; i < sizeof IGNORED / sizeof IGNORED[0]; i++)
    if (strcmp(IGNORED[i], name) == 0) return true;
  return false;
}

/* Every table of the source is one this copy knows. */
static int check_tables(struct fp_store *from) {
  struct fp_conn *c = fp_store_reader(from);
  if (!c) return FP_EIO;
  fp_stmt *st = fp_db_stmt(c, fp_db_engine(c) == FP_ENGINE_POSTGRES
                                  ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                                    " AND table_type = 'BASE TABLE'"
                                  : "SELECT name FROM sqlite_master WHERE type = 'table'");
  if (!st) return FP_EIO;
  int rc, bad = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    const char *name = fp_col_text(st, 0);
    if (name && !known(name)) {
      fprintf(stderr, "flexpool copy: the source holds a table this flexpool does not know: %s\n", name);
      bad++;
    }
  }
  fp_reset(st);
  if (rc != FP_DONE) return FP_EIO;
  return bad ? FP_EINVAL : 0;
}

static int count_rows(struct fp_store *s, const char *table, int64_t *n) {
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
  struct fp_conn *c = fp_store_reader(s);
  fp_stmt *st = c ? fp_db_stmt(c, sql) : NULL;
  if (!st) return FP_EIO;
  *n = 0;
  return fp_step_int(st, n) == 0 ? 0 : FP_EIO;
}

static void batch_clear(struct batch *b) {
  for (int i = 0; i < b->rows * b->cols; i++) free(b->v[i].s);
  b->rows = 0;
}

static int insert_batch_tx(struct fp_conn *c, void *ctx) {
  struct batch *b = ctx;
  for (int r = 0; r < b->rows; r++) {
    fp_stmt *st = fp_db_stmt(c, b->insert);
    if (!st) return FP_EIO;
    for (int k = 0; k < b->cols; k++) {
      const struct value *v = &b->v[r * b->cols + k];
      switch (v->kind) {
      case FP_COL_INT: fp_bind_int64(st, k + 1, v->i); break;
      case FP_COL_REAL: fp_bind_double(st, k + 1, v->d); break;
      case FP_COL_TEXT: fp_bind_text(st, k + 1, v->s); break;
      case FP_COL_BLOB: fp_bind_blob(st, k + 1, v->s, v->n); break;
      default: fp_bind_null(st, k + 1); break;
      }
    }
    int rc = fp_db_exec_stmt(st);
    if (rc) {
      fprintf(stderr, "flexpool copy: a row of %s was refused: %s\n", b->table, fp_db_errmsg(c));
      return rc;
    }
  }
  return 0;
}

struct clear_ctx {
  const char *table;
};

static int clear_tx(struct fp_conn *c, void *ctx) {
  char sql[160];
  snprintf(sql, sizeof sql, "DELETE FROM %s", ((struct clear_ctx *)ctx)->table);
  return fp_db_exec(c, sql);
}

/* Copies one table in batches of BATCH rows, each batch a write transaction of the destination. */
static int copy_table(struct fp_store *from, struct fp_store *to, const char *table) {
  char select[256];
  /* roles_custom has no id column on SQLite: its rowid is its id (and a column of that name on PostgreSQL). */
  if (strcmp(table, "roles_custom") == 0)
    snprintf(select, sizeof select, "SELECT rowid, code, name, pool_id, created_at FROM roles_custom ORDER BY rowid");
  else snprintf(select, sizeof select, "SELECT * FROM %s ORDER BY 1", table);
  struct fp_conn *c = fp_store_reader(from);
  fp_stmt *st = c ? fp_db_stmt(c, select) : NULL;
  if (!st) return FP_EIO;
  struct batch b = {.table = table};
  int rc = 0, s;
  while ((s = fp_step(st)) == FP_ROW) {
    if (!b.v) {
      b.cols = fp_col_count(st);
      b.v = calloc((size_t)BATCH * (size_t)b.cols, sizeof *b.v);
      if (!b.v) {
        rc = FP_ENOMEM;
        break;
      }
      size_t n = (size_t)snprintf(b.insert, sizeof b.insert, "INSERT INTO %s (", table);
      for (int k = 0; k < b.cols && n < sizeof b.insert; k++)
        n += (size_t)snprintf(b.insert + n, sizeof b.insert - n, "%s%s", k ? ", " : "", fp_col_name(st, k));
      for (int k = 0; k < b.cols && n < sizeof b.insert; k++)
        n += (size_t)snprintf(b.insert + n, sizeof b.insert - n, "%s", k ? ", ?" : ") VALUES (?");
      if (n + 2 >= sizeof b.insert) {
        rc = FP_ETOOBIG;
        break;
      }
      snprintf(b.insert + n, sizeof b.insert - n, ")");
    }
    for (int k = 0; k < b.cols; k++) {
      struct value *v = &b.v[b.rows * b.cols + k];
      memset(v, 0, sizeof *v);
      v->kind = fp_col_type(st, k);
      if (v->kind == FP_COL_INT) v->i = fp_col_int64(st, k);
      else if (v->kind == FP_COL_REAL) v->d = fp_col_double(st, k);
      else if (v->kind == FP_COL_TEXT || v->kind == FP_COL_BLOB) {
        v->n = fp_col_bytes(st, k);
        const void *p = v->kind == FP_COL_TEXT ? (const void *)fp_col_text(st, k) : fp_col_blob(st, k);
        v->s = malloc(v->n + 1);
        if (!v->s) {
          rc = FP_ENOMEM;
          break;
        }
        if (v->n) memcpy(v->s, p, v->n);
        v->s[v->n] = 0;
      }
    }
    if (rc) break;
    if (++b.rows == BATCH) {
      rc = fp_store_write(to, insert_batch_tx, &b);
      batch_clear(&b);
      if (rc) break;
    }
  }
  if (!rc && s != FP_ROW && s != FP_DONE) rc = FP_EIO;
  fp_reset(st);
  if (!rc && b.rows) rc = fp_store_write(to, insert_batch_tx, &b);
  if (b.v) batch_clear(&b);
  free(b.v);
  return rc;
}

/* PostgreSQL's identity columns go on after the highest id copied. */
static int identities_tx(struct fp_conn *c, void *ctx) {
  (void)ctx;
  if (fp_db_engine(c) != FP_ENGINE_POSTGRES) return 0;
  fp_stmt *st = fp_db_stmt(c, "SELECT table_name, column_name FROM information_schema.columns"
                              " WHERE table_schema = current_schema() AND is_identity = 'YES'");
  if (!st) return FP_EIO;
  char sql[N_TABLES + 8][320];
  int n = 0, rc;
  while ((rc = fp_step(st)) == FP_ROW && n < (int)(sizeof sql / sizeof sql[0])) {
    const char *t = fp_col_text(st, 0), *col = fp_col_text(st, 1);
    snprintf(sql[n++], sizeof sql[0], "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'),"
             " COALESCE((SELECT MAX(\"%s\") FROM \"%s\"), 0) + 1, false)", t, col, col, t);
  }
  fp_reset(st);
  if (rc != FP_DONE) return FP_EIO;
  for (int i = 0; i < n; i++)
    if ((rc = fp_db_exec(c, sql[i])) != 0) return rc;
  return 0;
}

struct place_ctx {
  const char *tmp, *sha;
  bool created;
};

static int place_tx(struct fp_conn *c, void *ctx) {
  struct place_ctx *p = ctx;
  return fp_evidence_place(c, p->tmp, p->sha, &p->created);
}

/* The evidence contents still kept (files on SQLite, rows on PostgreSQL), one copy per content. */
static int copy_evidence(struct fp_store *from, struct fp_store *to, int64_t *copied) {
  *copied = 0;
  struct fp_conn *c = fp_store_reader(from);
  fp_stmt *st = c ? fp_db_stmt(c, "SELECT DISTINCT sha256 FROM passport_evidence WHERE file_removed = 0 ORDER BY sha256")
                  : NULL;
  if (!st) return FP_EIO;
  char (*shas)[65] = NULL;
  size_t n = 0, cap = 0;
  int rc = 0, s;
  while ((s = fp_step(st)) == FP_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char(*more)[65] = realloc(shas, cap * sizeof *shas);
      if (!more) {
        rc = FP_ENOMEM;
        break;
      }
      shas = more;
    }
    fp_db_col_copy(st, 0, shas[n++], sizeof shas[0]);
  }
  fp_reset(st);
  if (!rc && s != FP_DONE) rc = FP_EIO;
  for (size_t i = 0; !rc && i < n; i++) {
    char *data = NULL;
    size_t len = 0;
    if ((rc = fp_evidence_read(c, shas[i], &data, &len)) != 0) {
      fprintf(stderr, "flexpool copy: evidence %s cannot be read: %s\n", shas[i], fp_strerror(rc));
      break;
    }
    char tmp[4200], sha[65];
    rc = fp_evidence_stage(to->data_dir, data, len, tmp, sizeof tmp, sha);
    free(data);
    if (rc) break;
    if (strcmp(sha, shas[i]) != 0) {
      fprintf(stderr, "flexpool copy: evidence %s does not hash to its name\n", shas[i]);
      fp_evidence_discard(tmp);
      rc = FP_EIO;
      break;
    }
    struct place_ctx p = {tmp, sha, false};
    rc = fp_store_write(to, place_tx, &p);
    fp_evidence_discard(tmp); /* gone already when placed */
    if (!rc) (*copied)++;
  }
  free(shas);
  return rc;
}

int fp_store_copy(struct fp_store *from, struct fp_store *to, void (*say)(const char *table, int64_t rows, void *ctx),
                  void *ctx) {
  int64_t v_from = 0, v_to = 0, users = 0;
  int rc;
  if ((rc = fp_store_schema_version(from, &v_from)) != 0 || (rc = fp_store_schema_version(to, &v_to)) != 0) return rc;
  if (v_from != v_to) {
    fprintf(stderr, "flexpool copy: the source is at schema version %lld and the destination at %lld: migrate both first\n",
            (long long)v_from, (long long)v_to);
    return FP_EINVAL;
  }
  if ((rc = count_rows(to, "users", &users)) != 0) return rc;
  if (users) {
    fprintf(stderr, "flexpool copy: the destination holds an installation already (%lld accounts)\n", (long long)users);
    return FP_EINVAL;
  }
  if ((rc = check_tables(from)) != 0) return rc;
  /* A migrated store holds reference rows (the passport's check types and requirements): the
     source's replace them, children first. */
  for (size_t i = N_TABLES; i-- > 0;) {
    int64_t n = 0;
    if ((rc = count_rows(to, TABLES[i], &n)) != 0) return rc;
    struct clear_ctx x = {TABLES[i]};
    if (n && (rc = fp_store_write(to, clear_tx, &x)) != 0) return rc;
  }
  for (size_t i = 0; i < N_TABLES; i++)
    if ((rc = copy_table(from, to, TABLES[i])) != 0) {
      fprintf(stderr, "flexpool copy: copying %s failed: %s\n", TABLES[i], fp_strerror(rc));
      return rc;
    }
  if ((rc = fp_store_write(to, identities_tx, NULL)) != 0) return rc;
  int64_t files = 0;
  if ((rc = copy_evidence(from, to, &files)) != 0) return rc;
  int differ = 0;
  for (size_t i = 0; i < N_TABLES; i++) {
    int64_t a = 0, b = 0;
    if ((rc = count_rows(from, TABLES[i], &a)) != 0 || (rc = count_rows(to, TABLES[i], &b)) != 0) return rc;
    if (a != b) {
      fprintf(stderr, "flexpool copy: %s has %lld rows in the source and %lld in the destination\n", TABLES[i],
              (long long)a, (long long)b);
      differ++;
    } else if (say) {
      say(TABLES[i], a, ctx);
    }
  }
  if (say) say("evidence contents", files, ctx);
  return differ ? FP_ECONFLICT : 0;
}
