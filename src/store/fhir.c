/* The FHIR API's clients, tokens, log and rows. See fhir.h. */
#include "store/fhir.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/rows.h"
#include "store/scope.h"
#include "store/sql.h"

/* ---- clients and tokens ---- */

void fp_fhir_secret_hash(const char *secret, unsigned char out[FP_FHIR_HASH_LEN]) {
  crypto_generichash(out, FP_FHIR_HASH_LEN, (const unsigned char *)secret, strlen(secret), NULL, 0);
}

static int client_orgs(struct fp_conn *c, struct fp_fhir_client *cl) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT organisation_id FROM fhir_client_orgs WHERE client_id = ? ORDER BY organisation_id"
                              " LIMIT ?", fp_int(cl->id), fp_int(FP_FHIR_CLIENT_ORGS_MAX));
  if (!st) return FP_EIO;
  size_t n = 0;
  int rc = fp_step_ids_upto(st, cl->orgs, FP_FHIR_CLIENT_ORGS_MAX, &n);
  cl->n_orgs = (int)n;
  return rc;
}

#define CLIENT_COLS "id, client_id, name, scopes, active, COALESCE(created_by, 0), created_at, COALESCE(deactivated_at, 0)"

static const struct fp_colspec CLIENT_READ[] = {
    FP_C(INT, struct fp_fhir_client, id),         FP_C(TEXT, struct fp_fhir_client, client_id),
    FP_C(TEXT, struct fp_fhir_client, name),      FP_C(INT, struct fp_fhir_client, scopes),
    FP_C(BOOL, struct fp_fhir_client, active),    FP_C(INT, struct fp_fhir_client, created_by),
    FP_C(INT, struct fp_fhir_client, created_at), FP_C(INT, struct fp_fhir_client, deactivated_at),
};
FP_ROW_READER(read_client, struct fp_fhir_client, CLIENT_READ)

int fp_store_fhir_client_create(struct fp_conn *c, const struct fp_fhir_client *in,
                                const unsigned char secret_hash[FP_FHIR_HASH_LEN], int64_t actor, int64_t now, int64_t *id) {
  bool taken = false;
  int rc = FP_DB_BOOL(c, &taken, "SELECT EXISTS (SELECT 1 FROM fhir_clients WHERE client_id = ?)", fp_txt(in->client_id));
  if (rc) return rc;
  if (taken) return FP_ECONFLICT;
  for (int i = 0; i < in->n_orgs; i++) {
    bool there = false;
    if ((rc = FP_DB_BOOL(c, &there, "SELECT EXISTS (SELECT 1 FROM organisations WHERE id = ?)", fp_int(in->orgs[i]))))
      return rc;
    if (!there) return FP_EINVAL;
  }
  rc = FP_DB_INSERT(c, id,
                    "INSERT INTO fhir_clients (client_id, name, secret_hash, scopes, active, created_by, created_at)"
                    " VALUES (?, ?, ?, ?, 1, ?, ?)",
                    fp_txt(in->client_id), fp_txt(in->name), fp_blob(secret_hash, FP_FHIR_HASH_LEN), fp_int(in->scopes),
                    fp_id(actor), fp_int(now));
  for (int i = 0; !rc && i < in->n_orgs; i++) {
    /* A list given twice names an organisation once. */
    rc = FP_DB_RUN(c, "INSERT INTO fhir_client_orgs (client_id, organisation_id) SELECT ?, ? WHERE NOT EXISTS"
                      " (SELECT 1 FROM fhir_client_orgs WHERE client_id = ? AND organisation_id = ?)",
                   fp_int(*id), fp_int(in->orgs[i]), fp_int(*id), fp_int(in->orgs[i]));
  }
  if (rc) return rc;
  char after[160];
  snprintf(after, sizeof after, "{\"client_id\":\"%s\",\"scopes\":%u,\"organisations\":%d}", in->client_id, in->scopes,
           in->n_orgs);
  return fp_store_audit(c, now, actor, "fhir_client.create", "fhir_client", *id, NULL, after);
}

int fp_store_fhir_client_get(struct fp_conn *c, int64_t id, struct fp_fhir_client *out) {
  memset(out, 0, sizeof *out);
  int rc = fp_db_one_by_id(c, "SELECT " CLIENT_COLS " FROM fhir_clients WHERE id = ?", id, read_client, out);
  return rc ? rc : client_orgs(c, out);
}

int fp_store_fhir_client_list(struct fp_conn *c, void (*cb)(const struct fp_fhir_client *cl, void *ctx), void *ctx) {
  /* The clients are few (registered one by one by an administrator): read their ids, then each. */
  fp_stmt *st = fp_db_stmt(c, "SELECT id FROM fhir_clients ORDER BY id");
  if (!st) return FP_EIO;
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  int rc = fp_step_ids(st, &ids, &n, &cap);
  for (size_t i = 0; !rc && i < n; i++) {
    struct fp_fhir_client cl;
    if (!(rc = fp_store_fhir_client_get(c, ids[i], &cl))) cb(&cl, ctx);
  }
  free(ids);
  return rc;
}

int fp_store_fhir_client_deactivate(struct fp_conn *c, int64_t id, int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c, "UPDATE fhir_clients SET active = 0, deactivated_at = ? WHERE id = ? AND active = 1", fp_int(now),
                     fp_int(id));
  if (rc) return rc;
  if (fp_db_changes(c) == 0) return FP_ENOTFOUND;
  if ((rc = FP_DB_RUN(c, "DELETE FROM fhir_tokens WHERE client_id = ?", fp_int(id)))) return rc;
  return fp_store_audit(c, now, actor, "fhir_client.deactivate", "fhir_client", id, NULL, NULL);
}

int fp_store_fhir_client_check(struct fp_conn *c, const char *client_id, const unsigned char secret_hash[FP_FHIR_HASH_LEN],
                               struct fp_fhir_client *out) {
  memset(out, 0, sizeof *out);
  fp_stmt *st = FP_DB_STMT(c, "SELECT " CLIENT_COLS ", secret_hash FROM fhir_clients WHERE client_id = ? AND active = 1",
                           fp_txt(client_id));
  if (!st) return FP_EIO;
  int s = fp_step(st);
  int rc = s == FP_ROW ? 0 : s == FP_DONE ? FP_ENOTFOUND : FP_EIO;
  if (!rc) {
    read_client(st, out);
    int k = FP_NCOLS(CLIENT_READ);
    if (fp_col_bytes(st, k) != FP_FHIR_HASH_LEN || sodium_memcmp(fp_col_blob(st, k), secret_hash, FP_FHIR_HASH_LEN) != 0)
      rc = FP_ENOTFOUND;
  }
  fp_reset(st);
  return rc ? rc : client_orgs(c, out);
}

int fp_store_fhir_token_issue(struct fp_conn *c, const unsigned char hash[FP_FHIR_HASH_LEN], int64_t client, unsigned scopes,
                              int64_t now) {
  /* A bounded sweep of expired tokens with each issue: a client asking for a token a minute keeps
     a handful, never a growing table. */
  int rc = FP_DB_RUN(c, "DELETE FROM fhir_tokens WHERE token_hash IN (SELECT token_hash FROM fhir_tokens WHERE expires_at <= ?"
                        " LIMIT 20)", fp_int(now));
  if (rc) return rc;
  return FP_DB_RUN(c, "INSERT INTO fhir_tokens (token_hash, client_id, scopes, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                   fp_blob(hash, FP_FHIR_HASH_LEN), fp_int(client), fp_int(scopes), fp_int(now),
                   fp_int(now + FP_FHIR_TOKEN_SECONDS));
}

int fp_store_fhir_token_resolve(struct fp_conn *c, const unsigned char hash[FP_FHIR_HASH_LEN], int64_t now, int64_t *client,
                                unsigned *scopes) {
  fp_stmt *st = FP_DB_STMT(c, "SELECT t.client_id, t.scopes FROM fhir_tokens t JOIN fhir_clients cl ON cl.id = t.client_id"
                              " WHERE t.token_hash = ? AND t.expires_at > ? AND cl.active = 1",
                           fp_blob(hash, FP_FHIR_HASH_LEN), fp_int(now));
  if (!st) return FP_EIO;
  int s = fp_step(st);
  if (s == FP_ROW) {
    *client = fp_col_int64(st, 0);
    *scopes = (unsigned)fp_col_int64(st, 1);
  }
  fp_reset(st);
  return s == FP_ROW ? 0 : s == FP_DONE ? FP_ENOTFOUND : FP_EIO;
}

int fp_store_fhir_log(struct fp_conn *c, int64_t now, int64_t client, const char *request, const char *type,
                      const char *ids_json, int status) {
  return FP_DB_RUN(c, "INSERT INTO fhir_access_log (at, client_id, request, resource_type, ids, status) VALUES (?, ?, ?, ?, ?, ?)",
                   fp_int(now), fp_id(client), fp_txt(request), fp_txt(type), fp_txt(ids_json), fp_int(status));
}

/* ---- what a client sees ---- */

/* The organisations client (the first bound parameter) sees: those it was registered with and
   every one below them. */
static void seen_cte(struct fp_sql *q, int64_t client) {
  fp_sql_add(q, "WITH RECURSIVE seen(id) AS (SELECT organisation_id FROM fhir_client_orgs WHERE client_id = ");
  fp_sql_int(q, client);
  fp_sql_add(q, " UNION SELECT o.id FROM organisations o JOIN seen s ON o.parent_id = s.id) ");
}

/* Runs a page's query (its text ends before LIMIT): rows after page->after by the key column the
   caller ordered by, limit count + 1. */
static int run_page(struct fp_conn *c, struct fp_sql *q, struct fp_fhir_page *page, void (*row)(fp_stmt *st, void *ctx),
                    void *ctx) {
  fp_sql_add(q, " LIMIT ");
  fp_sql_int(q, page->count + 1);
  fp_stmt *st = fp_sql_prepare(c, q);
  if (!st) return FP_EIO;
  return fp_step_rows(st, page->count, row, ctx, &page->more);
}

/* Reads the one row of a query built like a page's: 0, FP_ENOTFOUND or FP_EIO. */
static int run_one(struct fp_conn *c, struct fp_sql *q, void (*row)(fp_stmt *st, void *out), void *out) {
  fp_stmt *st = fp_sql_prepare(c, q);
  if (!st) return FP_EIO;
  int s = fp_step(st);
  if (s == FP_ROW) row(st, out);
  fp_reset(st);
  return s == FP_ROW ? 0 : s == FP_DONE ? FP_ENOTFOUND : FP_EIO;
}

/* The one row of `from` (a query over `seen` whose text ends with "AND <its id column> = ") for
   id, as client sees it: 0, FP_ENOTFOUND or FP_EIO. */
static int get_seen(struct fp_conn *c, int64_t client, const char *from, int64_t id, void (*row)(fp_stmt *st, void *out),
                    void *out) {
  struct fp_sql q;
  fp_sql_init(&q);
  seen_cte(&q, client);
  fp_sql_add(&q, from);
  fp_sql_int(&q, id);
  return run_one(c, &q, row, out);
}

/* A page's keyset by the id column col: the rows after page->after, in col's order. */
static void after_by(struct fp_sql *q, const char *col, const struct fp_fhir_page *page) {
  fp_sql_add(q, " AND ");
  fp_sql_add(q, col);
  fp_sql_add(q, " > ");
  fp_sql_int(q, page->after);
  fp_sql_add(q, " ORDER BY ");
  fp_sql_add(q, col);
}

struct page_cb {
  void (*cb)(const void *row, void *ctx);
  void *ctx;
};

/* Practitioners: clinicians with an active account who are members of a pool hosted by an
   organisation seen. */
#define PRACTITIONER_FROM                                                                                   \
  "SELECT cl.id, u.name, cl.profession, COALESCE(cl.registration_number, '') FROM clinicians cl"          \
  " JOIN users u ON u.id = cl.user_id WHERE u.active = 1 AND EXISTS (SELECT 1 FROM pool_members m"         \
  " JOIN pools p ON p.id = m.pool_id WHERE m.clinician_id = cl.id AND p.host_organisation_id IN (SELECT id FROM seen))"

static const struct fp_colspec PRACTITIONER_READ[] = {
    FP_C(INT, struct fp_fhir_practitioner, id),
    FP_C(TEXT, struct fp_fhir_practitioner, name),
    FP_C(TEXT, struct fp_fhir_practitioner, profession),
    FP_C(TEXT, struct fp_fhir_practitioner, registration),
};
FP_ROW_READER(read_practitioner, struct fp_fhir_practitioner, PRACTITIONER_READ)

int fp_store_fhir_practitioner_get(struct fp_conn *c, int64_t client, int64_t id, struct fp_fhir_practitioner *out) {
  return get_seen(c, client, PRACTITIONER_FROM " AND cl.id = ", id, read_practitioner, out);
}

#define PAGE_ROW(fn, type, reader)                                                                             \
  static void fn(fp_stmt *st, void *ctx) {                                                                     \
    struct page_cb *p = ctx;                                                                                   \
    type row;                                                                                                  \
    memset(&row, 0, sizeof row);                                                                               \
    reader(st, &row);                                                                                          \
    p->cb(&row, p->ctx);                                                                                       \
  }
PAGE_ROW(practitioner_row, struct fp_fhir_practitioner, read_practitioner)

int fp_store_fhir_practitioner_search(struct fp_conn *c, int64_t client, enum fp_regulator reg, const char *number,
                                      struct fp_fhir_page *page,
                                      void (*cb)(const struct fp_fhir_practitioner *p, void *ctx), void *ctx) {
  struct fp_sql q;
  fp_sql_init(&q);
  seen_cte(&q, client);
  fp_sql_add(&q, PRACTITIONER_FROM);
  if (number) {
    fp_sql_add(&q, " AND cl.registration_number = ");
    fp_sql_text(&q, number);
  }
  if (number && (int)reg >= 0) {
    /* The professions this regulator registers (core/profession.h). */
    fp_sql_add(&q, " AND cl.profession IN ('-'");
    int n = 0;
    const struct fp_profession *ps = fp_professions(&n);
    for (int i = 0; i < n; i++)
      if (ps[i].regulator == reg) {
        fp_sql_add(&q, ", ");
        fp_sql_text(&q, ps[i].code);
      }
    fp_sql_add(&q, ")");
  }
  after_by(&q, "cl.id", page);
  struct page_cb p = {(void (*)(const void *, void *))cb, ctx};
  return run_page(c, &q, page, practitioner_row, &p);
}

/* Roles: current memberships of clinicians seen, in pools hosted by an organisation seen. */
#define ROLE_FROM                                                                                           \
  "SELECT m.id, m.clinician_id, m.pool_id, p.host_organisation_id, m.added_at, cl.profession FROM pool_members m" \
  " JOIN pools p ON p.id = m.pool_id JOIN clinicians cl ON cl.id = m.clinician_id JOIN users u ON u.id = cl.user_id" \
  " WHERE u.active = 1 AND p.host_organisation_id IN (SELECT id FROM seen)"

static const struct fp_colspec ROLE_READ[] = {
    FP_C(INT, struct fp_fhir_role, id),      FP_C(INT, struct fp_fhir_role, clinician_id),
    FP_C(INT, struct fp_fhir_role, pool_id), FP_C(INT, struct fp_fhir_role, host_id),
    FP_C(INT, struct fp_fhir_role, added_at), FP_C(TEXT, struct fp_fhir_role, profession),
};
FP_ROW_READER(read_role, struct fp_fhir_role, ROLE_READ)
PAGE_ROW(role_row, struct fp_fhir_role, read_role)

int fp_store_fhir_role_get(struct fp_conn *c, int64_t client, int64_t id, struct fp_fhir_role *out) {
  return get_seen(c, client, ROLE_FROM " AND m.id = ", id, read_role, out);
}

int fp_store_fhir_role_search(struct fp_conn *c, int64_t client, int64_t practitioner, struct fp_fhir_page *page,
                              void (*cb)(const struct fp_fhir_role *r, void *ctx), void *ctx) {
  struct fp_sql q;
  fp_sql_init(&q);
  seen_cte(&q, client);
  fp_sql_add(&q, ROLE_FROM);
  fp_sql_opt_int(&q, " AND m.clinician_id = ", practitioner, practitioner != 0);
  after_by(&q, "m.id", page);
  struct page_cb p = {(void (*)(const void *, void *))cb, ctx};
  return run_page(c, &q, page, role_row, &p);
}

/* Organisations seen: ICBs, places, PCNs and practices. */
#define ORG_FROM                                                                                             \
  "SELECT o.id, COALESCE(o.parent_id, 0), o.level, o.ods_code, o.name, COALESCE(o.address, ''),"            \
  " COALESCE(o.postcode, ''), COALESCE(o.phone, ''), o.active FROM organisations o WHERE o.id IN (SELECT id FROM seen)"

static const struct fp_colspec ORG_READ[] = {
    FP_C(INT, struct fp_fhir_org, id),        FP_C(INT, struct fp_fhir_org, parent_id),
    FP_C(TEXT, struct fp_fhir_org, level),    FP_C(TEXT, struct fp_fhir_org, ods_code),
    FP_C(TEXT, struct fp_fhir_org, name),     FP_C(TEXT, struct fp_fhir_org, address),
    FP_C(TEXT, struct fp_fhir_org, postcode), FP_C(TEXT, struct fp_fhir_org, phone),
    FP_C(BOOL, struct fp_fhir_org, active),
};
FP_ROW_READER(read_org, struct fp_fhir_org, ORG_READ)
PAGE_ROW(org_row, struct fp_fhir_org, read_org)

int fp_store_fhir_org_get(struct fp_conn *c, int64_t client, int64_t id, struct fp_fhir_org *out) {
  return get_seen(c, client, ORG_FROM " AND o.id = ", id, read_org, out);
}

int fp_store_fhir_org_search(struct fp_conn *c, int64_t client, const char *ods, struct fp_fhir_page *page,
                             void (*cb)(const struct fp_fhir_org *o, void *ctx), void *ctx) {
  struct fp_sql q;
  fp_sql_init(&q);
  seen_cte(&q, client);
  fp_sql_add(&q, ORG_FROM);
  fp_sql_opt_text(&q, " AND o.ods_code = ", ods);
  after_by(&q, "o.id", page);
  struct page_cb p = {(void (*)(const void *, void *))cb, ctx};
  return run_page(c, &q, page, org_row, &p);
}

/* Services: a practice seen, with each role it has posted a shift for. */
static const struct fp_colspec SERVICE_READ[] = {
    FP_C(INT, struct fp_fhir_service, practice_id),
    FP_C(TEXT, struct fp_fhir_service, role),
    FP_C(TEXT, struct fp_fhir_service, practice_name),
};
FP_ROW_READER(read_service, struct fp_fhir_service, SERVICE_READ)

int fp_store_fhir_service_get(struct fp_conn *c, int64_t client, int64_t practice_id, const char *role,
                              struct fp_fhir_service *out) {
  struct fp_sql q;
  fp_sql_init(&q);
  seen_cte(&q, client);
  fp_sql_add(&q, "SELECT o.id, s.role, o.name FROM organisations o JOIN shifts s ON s.practice_id = o.id"
                 " WHERE o.level = 'practice' AND o.id IN (SELECT id FROM seen) AND o.id = ");
  fp_sql_int(&q, practice_id);
  fp_sql_add(&q, " AND s.role = ");
  fp_sql_text(&q, role);
  fp_sql_add(&q, " LIMIT 1");
  return run_one(c, &q, read_service, out);
}

#define PRACTICES_A_READ 64

int fp_store_fhir_service_search(struct fp_conn *c, int64_t client, int64_t practice, const char *role, struct fp_fhir_page *page,
                                 void (*cb)(const struct fp_fhir_service *s, void *ctx), void *ctx) {
  /* The practices seen from page->after on, a batch at a time, and each one's roles (read by the
     practice's own shifts, shifts_practice_start): work in proportion to the page, not the history. */
  int handed = 0;
  page->more = false;
  int64_t from = page->after;
  bool first = true;
  for (;;) {
    struct fp_sql q;
    fp_sql_init(&q);
    seen_cte(&q, client);
    fp_sql_add(&q, "SELECT o.id, o.name FROM organisations o WHERE o.level = 'practice' AND o.id IN (SELECT id FROM seen)");
    fp_sql_opt_int(&q, " AND o.id = ", practice, practice != 0);
    fp_sql_add(&q, first ? " AND o.id >= " : " AND o.id > ");
    fp_sql_int(&q, from);
    fp_sql_add(&q, " ORDER BY o.id LIMIT ");
    fp_sql_int(&q, PRACTICES_A_READ);
    fp_stmt *st = fp_sql_prepare(c, &q);
    if (!st) return FP_EIO;
    struct fp_fhir_service batch[PRACTICES_A_READ];
    int n = 0, s;
    while (n < PRACTICES_A_READ && (s = fp_step(st)) == FP_ROW) {
      memset(&batch[n], 0, sizeof batch[n]);
      batch[n].practice_id = fp_col_int64(st, 0);
      fp_db_col_copy(st, 1, batch[n].practice_name, sizeof batch[n].practice_name);
      n++;
    }
    fp_reset(st);
    if (n < PRACTICES_A_READ && s != FP_DONE) return FP_EIO;
    for (int i = 0; i < n; i++) {
      fp_stmt *rs = FP_DB_STMT(c, "SELECT DISTINCT role FROM shifts WHERE practice_id = ? ORDER BY role",
                               fp_int(batch[i].practice_id));
      if (!rs) return FP_EIO;
      while ((s = fp_step(rs)) == FP_ROW) {
        struct fp_fhir_service sv = batch[i];
        fp_db_col_copy(rs, 0, sv.role, sizeof sv.role);
        if (sv.practice_id == page->after && page->after_role[0] && strcmp(sv.role, page->after_role) <= 0) continue;
        if (role && strcmp(sv.role, role) != 0) continue;
        if (handed == page->count) {
          page->more = true;
          break;
        }
        cb(&sv, ctx);
        handed++;
        page->after = sv.practice_id;
        snprintf(page->after_role, sizeof page->after_role, "%s", sv.role);
      }
      fp_reset(rs);
      if (s != FP_ROW && s != FP_DONE) return FP_EIO;
      if (page->more) return 0;
    }
    if (n < PRACTICES_A_READ) return 0;
    from = batch[n - 1].practice_id;
    first = false;
  }
}

/* Slots: shifts of practices seen. */
/* The practice is tested per row (+: not an index to drive the read by), so that a search reads
   the shifts in start order (shifts_status_start, shifts_start) and stops at its page's end, rather
   than read every shift of every practice seen and sort them. */
#define SLOT_FROM                                                                                          \
  "SELECT s.id, s.practice_id, s.role, s.status, s.starts_at, s.ends_at, s.pool_opens_at FROM shifts s"   \
  " WHERE +s.practice_id IN (SELECT id FROM seen)"

static void read_slot(fp_stmt *st, void *out) {
  struct fp_fhir_slot *s = out;
  s->id = fp_col_int64(st, 0);
  s->practice_id = fp_col_int64(st, 1);
  fp_db_col_copy(st, 2, s->role, sizeof s->role);
  if (fp_shift_status_parse(fp_col_text(st, 3), &s->status) != 0) s->status = FP_SHIFT_N_STATUSES;
  s->starts_at = fp_col_int64(st, 4);
  s->ends_at = fp_col_int64(st, 5);
  s->pool_opens_at = fp_col_int64(st, 6);
}
PAGE_ROW(slot_row, struct fp_fhir_slot, read_slot)

int fp_store_fhir_slot_get(struct fp_conn *c, int64_t client, int64_t id, struct fp_fhir_slot *out) {
  return get_seen(c, client, SLOT_FROM " AND s.id = ", id, read_slot, out);
}

/*
 * The shifts whose Slot status is `want` at now, as SQL, from the core's one decision
 * (fp_fhir_slot_status): for each shift status, the answer when its pool tier has opened and when
 * it has not; a status whose answer depends on that is taken with the matching bound on
 * pool_opens_at. Withdrawn and cancelled shifts are never a Slot.
 */
static void slot_status_filter(struct fp_sql *q, enum fp_fhir_slot_status want, int64_t now, bool by_status) {
  struct {
    enum fp_shift_status s;
    int pool; /* 0: any; 1: the pool's tier open; -1: not yet */
  } arms[FP_SHIFT_N_STATUSES];
  int n = 0;
  for (int i = 0; i < FP_SHIFT_N_STATUSES; i++) {
    enum fp_shift_status s = (enum fp_shift_status)i;
    enum fp_fhir_slot_status opened = fp_fhir_slot_status(s, now, now), held = fp_fhir_slot_status(s, now + 1, now);
    bool o = by_status ? opened == want : opened != FP_SLOT_GONE, h = by_status ? held == want : held != FP_SLOT_GONE;
    if (!o && !h) continue;
    arms[n].s = s;
    arms[n++].pool = o == h ? 0 : o ? 1 : -1;
  }
  /* One arm (a status search for free): a plain condition the (status, starts_at, id) index serves. */
  fp_sql_add(q, n == 1 ? " AND " : " AND (0 = 1");
  for (int i = 0; i < n; i++) {
    fp_sql_add(q, n == 1 ? "(s.status = " : " OR (s.status = ");
    fp_sql_text(q, fp_shift_status_name(arms[i].s));
    if (arms[i].pool) {
      fp_sql_add(q, arms[i].pool > 0 ? " AND s.pool_opens_at <= " : " AND s.pool_opens_at > ");
      fp_sql_int(q, now);
    }
    fp_sql_add(q, ")");
  }
  if (n != 1) fp_sql_add(q, ")");
}

int fp_store_fhir_slot_search(struct fp_conn *c, int64_t client, const struct fp_fhir_slot_query *f, struct fp_fhir_page *page,
                              void (*cb)(const struct fp_fhir_slot *s, void *ctx), void *ctx) {
  struct fp_sql q;
  fp_sql_init(&q);
  seen_cte(&q, client);
  fp_sql_add(&q, SLOT_FROM);
  fp_sql_opt_int(&q, " AND s.practice_id = ", f->practice_id, f->practice_id != 0);
  fp_sql_opt_text(&q, " AND s.role = ", f->practice_id ? f->role : NULL);
  slot_status_filter(&q, f->status, f->now, f->by_status);
  fp_sql_opt_int(&q, " AND s.starts_at >= ", f->start_from, f->start_from != INT64_MIN);
  fp_sql_opt_int(&q, " AND s.starts_at < ", f->start_before, f->start_before != INT64_MAX);
  if (page->after) {
    fp_sql_add(&q, " AND (s.starts_at > ");
    fp_sql_int(&q, page->after_start);
    fp_sql_add(&q, " OR (s.starts_at = ");
    fp_sql_int(&q, page->after_start);
    fp_sql_add(&q, " AND s.id > ");
    fp_sql_int(&q, page->after);
    fp_sql_add(&q, "))");
  }
  fp_sql_add(&q, " ORDER BY s.starts_at, s.id");
  struct page_cb p = {(void (*)(const void *, void *))cb, ctx};
  return run_page(c, &q, page, slot_row, &p);
}
