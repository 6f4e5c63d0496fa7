/*
 * fhir.h - what the FHIR API (issue 15, docs/FHIR.md, http/h_fhir.c) keeps and reads: its clients
 * (systems, not people, registered by the system administrator), their access tokens, the
 * append-only log of every answer, and the rows behind each resource type as a client may see them.
 *
 * What a client sees: the organisations it was registered with and every organisation below them
 * (ICB > place > PCN > practice); the practices' services, schedules and slots (shifts) among them;
 * the clinicians who are members of a pool hosted by one of them, and those memberships. Every read
 * here takes the client and answers FP_ENOTFOUND (or leaves out) what it does not see, so that a
 * resource outside its organisations is as absent as one that does not exist.
 *
 * Never includes HTTP, JSON or engine headers.
 */
#ifndef FP_STORE_FHIR_H
#define FP_STORE_FHIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fhir.h"
#include "store/db.h"

#define FP_FHIR_CLIENT_ID_MAX 64     /* [A-Za-z0-9._-], at least 3 */
#define FP_FHIR_CLIENT_NAME_MAX 200
#define FP_FHIR_CLIENT_ORGS_MAX 16   /* organisations per client (more are refused where they come in) */
#define FP_FHIR_HASH_LEN 32          /* BLAKE2b-256 of a secret or a token */
#define FP_FHIR_TOKEN_SECONDS 300
#define FP_FHIR_COUNT_DEFAULT 50
#define FP_FHIR_COUNT_MAX 200

struct fp_fhir_client {
  int64_t id;
  char client_id[FP_FHIR_CLIENT_ID_MAX + 1];
  char name[FP_FHIR_CLIENT_NAME_MAX + 1];
  unsigned scopes; /* core/fhir.h: bit t, may be granted type t */
  bool active;
  int64_t created_by, created_at, deactivated_at;
  int n_orgs;
  int64_t orgs[FP_FHIR_CLIENT_ORGS_MAX];
};

/* ---- clients and tokens ---- */

/* A client secret's hash, as kept (BLAKE2b-256: a secret is 256 random bits, or the demo's). */
void fp_fhir_secret_hash(const char *secret, unsigned char out[FP_FHIR_HASH_LEN]);

/* Registers a client (every organisation must exist: else FP_EINVAL) with its secret's hash,
   audited; *id the new row. FP_ECONFLICT when client_id is taken. In a write transaction. */
int fp_store_fhir_client_create(struct fp_conn *c, const struct fp_fhir_client *in,
                                const unsigned char secret_hash[FP_FHIR_HASH_LEN], int64_t actor, int64_t now, int64_t *id);
/* Client row id: 0 or FP_ENOTFOUND. */
int fp_store_fhir_client_get(struct fp_conn *c, int64_t id, struct fp_fhir_client *out);
/* Every client, oldest first, each handed to cb. */
int fp_store_fhir_client_list(struct fp_conn *c, void (*cb)(const struct fp_fhir_client *cl, void *ctx), void *ctx);
/* Deactivates client row id (FP_ENOTFOUND when none, or already inactive) and deletes its tokens, so
   that it is refused at once on every server. Audited. In a write transaction. */
int fp_store_fhir_client_deactivate(struct fp_conn *c, int64_t id, int64_t actor, int64_t now);

/*
 * The token request's client check: the active client called client_id whose secret hashes to
 * secret_hash (compared in constant time). 0 with *out; FP_ENOTFOUND when there is no such active
 * client or the secret is wrong (the caller cannot tell which, and need not).
 */
int fp_store_fhir_client_check(struct fp_conn *c, const char *client_id, const unsigned char secret_hash[FP_FHIR_HASH_LEN],
                               struct fp_fhir_client *out);
/* Keeps a token (by hash) for client row id with scopes, valid FP_FHIR_TOKEN_SECONDS from now, and
   deletes some of the tokens that have expired. In a write transaction. */
int fp_store_fhir_token_issue(struct fp_conn *c, const unsigned char hash[FP_FHIR_HASH_LEN], int64_t client, unsigned scopes,
                              int64_t now);
/* The client and scopes of a live token: 0, or FP_ENOTFOUND (unknown, expired, or its client
   deactivated). A read. */
int fp_store_fhir_token_resolve(struct fp_conn *c, const unsigned char hash[FP_FHIR_HASH_LEN], int64_t now, int64_t *client,
                                unsigned *scopes);

/* Appends one answer to the FHIR access log: the client (0: none was identified), the request
   ("GET Slot?..." without the query's values), the type, the ids returned (a JSON array of
   "Type/id" strings) and the status. In a write transaction. */
int fp_store_fhir_log(struct fp_conn *c, int64_t now, int64_t client, const char *request, const char *type,
                      const char *ids_json, int status);

/* ---- the rows behind the resources, as client row `client` sees them ---- */

struct fp_fhir_practitioner {
  int64_t id; /* the clinician's */
  char name[201];
  char profession[48];
  char registration[32];
};

struct fp_fhir_role {
  int64_t id; /* the pool membership's */
  int64_t clinician_id, pool_id, host_id, added_at;
  char profession[48];
};

struct fp_fhir_org {
  int64_t id, parent_id;
  char level[12];
  char ods_code[12];
  char name[201];
  char address[401];
  char postcode[9];
  char phone[41];
  bool active;
};

struct fp_fhir_service {
  int64_t practice_id;
  char role[64];
  char practice_name[201];
};

struct fp_fhir_slot {
  int64_t id, practice_id;
  char role[64];
  enum fp_shift_status status;
  int64_t starts_at, ends_at, pool_opens_at;
};

/* A search's paging: rows after id `after` (0: from the first), at most `count`; *more is set
   when another row follows those handed over. */
struct fp_fhir_page {
  int64_t after;
  int64_t after_start; /* slots: after (this start, id `after`); by start, then id */
  char after_role[64]; /* services and schedules: after (practice `after`, this role), "" for none */
  int count;
  bool more;
};

int fp_store_fhir_practitioner_get(struct fp_conn *c, int64_t client, int64_t id, struct fp_fhir_practitioner *out);
/* number NULL: every one seen; else those registered under number, with regulator reg (any when
   reg is negative). */
int fp_store_fhir_practitioner_search(struct fp_conn *c, int64_t client, enum fp_regulator reg, const char *number,
                                      struct fp_fhir_page *page,
                                      void (*cb)(const struct fp_fhir_practitioner *p, void *ctx), void *ctx);

int fp_store_fhir_role_get(struct fp_conn *c, int64_t client, int64_t id, struct fp_fhir_role *out);
/* practitioner 0: every one seen; else that clinician's. */
int fp_store_fhir_role_search(struct fp_conn *c, int64_t client, int64_t practitioner, struct fp_fhir_page *page,
                              void (*cb)(const struct fp_fhir_role *r, void *ctx), void *ctx);

int fp_store_fhir_org_get(struct fp_conn *c, int64_t client, int64_t id, struct fp_fhir_org *out);
/* ods NULL: every one seen; else the one(s) with that ODS code. */
int fp_store_fhir_org_search(struct fp_conn *c, int64_t client, const char *ods, struct fp_fhir_page *page,
                             void (*cb)(const struct fp_fhir_org *o, void *ctx), void *ctx);

/* A practice's service for role: FP_ENOTFOUND unless the client sees the practice and it has posted
   a shift for that role. */
int fp_store_fhir_service_get(struct fp_conn *c, int64_t client, int64_t practice_id, const char *role,
                              struct fp_fhir_service *out);
/* practice 0: every one seen; else that practice's (and with role not NULL, its one for role). By practice and role, after (page.after,
   page.after_role); page.after and page.after_role are left at the last one handed over. */
int fp_store_fhir_service_search(struct fp_conn *c, int64_t client, int64_t practice, const char *role, struct fp_fhir_page *page,
                                 void (*cb)(const struct fp_fhir_service *s, void *ctx), void *ctx);

/* Shift id as a slot (withdrawn and cancelled ones too: the caller answers 410 for those). */
int fp_store_fhir_slot_get(struct fp_conn *c, int64_t client, int64_t id, struct fp_fhir_slot *out);

struct fp_fhir_slot_query {
  int64_t practice_id;   /* 0: any (else with role: one schedule) */
  const char *role;
  bool by_status;        /* only slots of status `status` at now */
  enum fp_fhir_slot_status status;
  int64_t now;
  int64_t start_from;    /* starts_at >= start_from (INT64_MIN: no bound) */
  int64_t start_before;  /* starts_at < start_before (INT64_MAX: no bound) */
};
/* The slots seen that match q, withdrawn and cancelled shifts left out, by start and then id (what a
   system looking for sessions reads first), after (page.after_start, page.after) when page.after. */
int fp_store_fhir_slot_search(struct fp_conn *c, int64_t client, const struct fp_fhir_slot_query *q, struct fp_fhir_page *page,
                              void (*cb)(const struct fp_fhir_slot *s, void *ctx), void *ctx);

#endif
