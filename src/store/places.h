/*
 * places.h - organisations (ICB > place > PCN > practice), pools and their members, and the
 * postcode table, in the store.
 */
#ifndef FP_STORE_PLACES_H
#define FP_STORE_PLACES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"
#include "store/scope.h"

struct fp_org {
  int64_t id;
  char level[12];
  char ods_code[12];
  char name[201];
  int64_t parent_id;       /* 0 when none */
  int64_t icb_id;          /* 0 when none */
  char address[401];
  char postcode[9];
  char phone[41];
  char email[255];
  bool has_location;
  double lat, lon;
  char *profile;           /* JSON text, malloc'd; free with fp_org_clear */
  bool profile_complete;   /* whoever sets profile sets this by core/practice.h's rule */
  bool active;
  int64_t created_at;
};
void fp_org_clear(struct fp_org *o);

/* 0, FP_ENOTFOUND, FP_EIO. */
int fp_store_org_get(struct fp_conn *c, int64_t id, struct fp_org *out);
/* Inserts o (id, created_at set by the caller's now); *id receives the id. FP_ECONFLICT on a duplicate ODS code. */
int fp_store_org_insert(struct fp_conn *c, const struct fp_org *o, int64_t now, int64_t *id);
/* Writes every field of o back. */
int fp_store_org_update(struct fp_conn *c, const struct fp_org *o);
/*
 * Lists organisations, optionally of one level (NULL for any) and under one ICB (0 for any), in
 * id order after `after_id`, at most limit. cb is called per row; the row is valid only inside it.
 */
int fp_store_org_list(struct fp_conn *c, const char *level, int64_t icb_id, int64_t after_id, int limit,
                      void (*cb)(const struct fp_org *o, void *ctx), void *ctx);

/*
 * What a caller may see of organisations (struct fp_scope): a system administrator all; a
 * commissioner those in their ICBs; a pool administrator the pool's host, its member practices and
 * the organisations of the pool's ICB (to find practices to admit); a practice manager their
 * practices; a clinician the practices in their pools.
 */
enum fp_org_sort { FP_ORG_BY_NAME, FP_ORG_BY_ODS_CODE, FP_ORG_NEWEST };
struct fp_org_query {
  const struct fp_scope *scope;
  const char *level;       /* NULL: any */
  int64_t parent_id;       /* 0: any */
  const char *q;           /* NULL, or found in the name or the ODS code (ASCII case ignored) */
  int active;              /* -1: any; 0 deactivated; 1 active */
  enum fp_org_sort sort;
  int limit;
  struct fp_list_pos after; /* where the page before ended */
};
/* One page; *more is set when rows follow the last one given to cb, whose sort key *last receives. */
int fp_store_org_search(struct fp_conn *c, const struct fp_org_query *q, void (*cb)(const struct fp_org *o, void *ctx),
                        void *ctx, bool *more, struct fp_list_pos *last);
/* Whether scope sees organisation id (false for one that does not exist). */
int fp_store_org_visible(struct fp_conn *c, int64_t id, const struct fp_scope *scope, bool *visible);
/* The id of the organisation with this ODS code at any level; FP_ENOTFOUND when none. */
int fp_store_org_by_ods(struct fp_conn *c, const char *ods_code, int64_t *id);
/*
 * After an organisation moved to another ICB: sets icb_id on every organisation below it, and on
 * the shifts and hosted pools of it and of everything below it. (The organisation's own row is the
 * caller's, through fp_store_org_update.)
 */
int fp_store_org_set_icb_below(struct fp_conn *c, int64_t id, int64_t icb_id);

/* Postcodes (normalised "LS1 4AP"). get: FP_ENOTFOUND when unknown. */
int fp_store_postcode_put(struct fp_conn *c, const char *postcode, double lat, double lon);
int fp_store_postcode_get(struct fp_conn *c, const char *postcode, double *lat, double *lon);

#endif
