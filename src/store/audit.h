/*
 * audit.h - reading the append-only audit log (rows are appended by fp_store_audit in
 * store/accounts.h, inside the transaction of the change they record).
 *
 * Depends on store/db.h; never on HTTP or JSON libraries. The before and after documents are
 * handed over as the text that was stored.
 */
#ifndef FP_STORE_AUDIT_H
#define FP_STORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "store/scope.h"

/* One audit row. The strings are borrowed: valid only during the callback. */
struct fp_audit_entry {
  int64_t id, at;
  int64_t actor_user_id;         /* 0: the system (the CLI, the demo loader) */
  const char *actor_email;       /* "" when there is no actor */
  const char *actor_name;        /* "" when there is no actor */
  const char *action;            /* "booking.create" */
  const char *entity;            /* "booking" */
  int64_t entity_id;
  const char *before, *after;    /* as stored (JSON text), NULL when absent */
};

/* Filters; NULL / -1 / 0 mean "any" as noted. */
struct fp_audit_query {
  const char *entity;            /* NULL: any */
  int64_t entity_id;             /* -1: any */
  int64_t actor_user_id;         /* 0: any */
  const char *action;            /* NULL: any */
  int64_t before_id;             /* only rows older than this id (the cursor); 0: from the newest */
  int limit;
  /* NULL: the whole log (a system administrator). Otherwise only what the scope's staff answer
     for: the shifts and bookings of the practices it sees (a practice its own, a pool its member
     practices', an ICB its area's) and, for a pool's administrators, the passport checks of the
     pool's clinician members. The scope carries no clinician. */
  const struct fp_scope *scope;
};

/* Calls cb for each matching row, newest first; *more is set when older rows follow the last one. */
int fp_store_audit_search(struct fp_conn *c, const struct fp_audit_query *q,
                          void (*cb)(const struct fp_audit_entry *e, void *ctx), void *ctx, bool *more);

#endif
