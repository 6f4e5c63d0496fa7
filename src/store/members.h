/*
 * members.h - clinicians, pools, pool members, join requests, custom roles and the user list, in
 * the store; and who may see which clinician.
 *
 * A caller sees a clinician when any of their roles grants it (struct fp_scope): a system
 * administrator every clinician; a pool administrator the members of their pools and those whose
 * request to join them is still open (not once it is declined or withdrawn); a commissioner the members of pools hosted inside their ICBs; a practice
 * manager the clinicians their practices have a live relationship with (store/access.h: an open
 * application, a confirmed booking, a session worked recently, a current grant); a clinician themself.
 *
 * Visibility is written as fixed SQL with the scope's id lists bound as JSON arrays (json_each),
 * so that one statement text serves every caller and the statement cache stays small.
 * Depends on store/db.h and store/scope.h; never on HTTP or JSON libraries.
 */
#ifndef FP_STORE_MEMBERS_H
#define FP_STORE_MEMBERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/access.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/scope.h"

/* The NHS guidance's indicative pool rates, in pence: per hour and per session. */
#define FP_POOL_DEFAULT_HOURLY_PENCE 7757
#define FP_POOL_DEFAULT_SESSION_PENCE 32321

/*
 * The scope's id lists as JSON array text ("[1,2]"), bound into the fixed visibility SQL.
 * Filled by fp_scope_lists_init.
 */
struct fp_scope_lists {
  char icbs[FP_SCOPE_MAX * 21 + 3];
  char practices[FP_SCOPE_MAX * 21 + 3];
  char pools[FP_SCOPE_MAX * 21 + 3];
};
void fp_scope_lists_init(struct fp_scope_lists *l, const struct fp_scope *s);

/* ---- clinicians ---- */

struct fp_clinician {
  int64_t id, user_id;
  char name[201];
  char email[256];
  bool active;                   /* the user account's */
  char profession[48];
  char registration_number[33];  /* "" when the profession has no regulator */
  char home_postcode[9];
  int64_t travel_radius_km;
  char phone[41];
  int64_t created_at;
  /* Whether whoever read it may have the email and phone (members.c CLIN_CONTACT: a practice only
     once the clinician applied for or booked one of its shifts); always true read without a scope. */
  bool contact_visible;
};

/*
 * Inserts the clinician row of an existing user; *id receives the clinician id. FP_ECONFLICT when
 * another clinician holds the same registration number on the same register (a unique index:
 * professions that share a regulator share its register, e.g. GPs and physician associates the GMC's).
 */
int fp_store_clinician_insert(struct fp_conn *c, const struct fp_clinician *cl, int64_t now, int64_t *id);
/* The clinician if scope sees them at clock (NULL scope: any; clock then unused). FP_ENOTFOUND otherwise. */
int fp_store_clinician_get(struct fp_conn *c, int64_t id, const struct fp_scope *scope,
                           const struct fp_access_clock *clock, struct fp_clinician *out);
/*
 * Changes what a clinician says of themselves: phone ("" removes it), home postcode (normalised) and
 * travel radius; NULL (or a radius of 0) leaves that one as it is. FP_ENOTFOUND when no such clinician.
 */
int fp_store_clinician_profile_update(struct fp_conn *c, int64_t id, const char *phone, const char *home_postcode,
                                      int64_t travel_radius_km);
/* Whether a clinician of any profession with the same regulator as `profession` holds `number`. */
int fp_store_clinician_registration_taken(struct fp_conn *c, const char *profession, const char *number, bool *taken);

struct fp_clinician_query {
  const struct fp_scope *scope;
  struct fp_access_clock clock;  /* when a practice's access is decided (store/access.h) */
  int64_t pool_id;               /* 0: any; else members of this pool */
  const char *profession;        /* NULL: any */
  int limit;
  int64_t after_id;
};
/* Lists in id order; *more is set when rows follow the last one given to cb. */
int fp_store_clinician_search(struct fp_conn *c, const struct fp_clinician_query *q,
                              void (*cb)(const struct fp_clinician *cl, void *ctx), void *ctx, bool *more);

/* ---- pools ---- */

struct fp_pool {
  int64_t id;
  char name[201];
  int64_t host_organisation_id;
  int64_t icb_id;                /* the host's ICB, 0 when it has none */
  char host_name[201];
  int64_t hourly_rate_pence, session_rate_pence;
  int64_t max_worked_minutes_24h, min_rest_minutes_24h; /* the working-time guards (core/working_time.h) */
  bool overflow;          /* receives the overflow of the other pools of its ICB (tiered release, core/release.h) */
  int64_t created_at;
  int64_t opened_on;      /* the day it first became available (NHS England's return); INT32_MIN: not recorded */
  /* Filled by fp_store_pool_get only. */
  int64_t n_clinicians, n_practices, n_pending_requests;
};

/* Inserts p (icb_id is taken from the host); *id receives the id. */
int fp_store_pool_insert(struct fp_conn *c, const struct fp_pool *p, int64_t now, int64_t *id);
/* The pool with its member counts. FP_ENOTFOUND when there is none. */
int fp_store_pool_get(struct fp_conn *c, int64_t id, struct fp_pool *out);
/* Sets the pool's name, indicative rates, guards, overflow and opened_on (other fields are kept). FP_ENOTFOUND when there is none. */
int fp_store_pool_update(struct fp_conn *c, const struct fp_pool *p);
/* Pools in id order after after_id; with clinician_id not 0, only the pools that clinician belongs to. */
int fp_store_pool_list(struct fp_conn *c, int64_t clinician_id, int64_t after_id, int limit,
                       void (*cb)(const struct fp_pool *p, void *ctx), void *ctx, bool *more);

/* ---- pool members ---- */

struct fp_pool_member {
  int64_t id, pool_id;
  int64_t clinician_id;          /* exactly one of these two is set */
  int64_t organisation_id;
  char name[201];                /* the clinician's or the organisation's */
  char detail[48];               /* the clinician's profession or the organisation's ODS code */
  int64_t added_by, added_at;
};

/* Adds a member (clinician_id or organisation_id, the other 0). FP_ECONFLICT when already a member;
   FP_ETOOBIG when the clinician is a member of FP_MAX_CLINICIAN_POOLS pools already. */
int fp_store_pool_member_insert(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t organisation_id,
                                int64_t actor, int64_t now, int64_t *id);
/* The rows as given, without the checks and defaults of fp_store_clinician_insert and
   fp_store_pool_member_insert (which use them), for the demo's seeding too: a clinician (NULL text
   for none) and a pool membership (0 for no clinician, organisation or actor). */
int fp_store_clinician_row_insert(struct fp_conn *c, int64_t user_id, const char *profession,
                                  const char *registration_number, const char *home_postcode, int64_t travel_radius_km,
                                  const char *phone, int64_t created_at, int64_t *id);
int fp_store_pool_member_row_insert(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t organisation_id,
                                    int64_t added_by, int64_t added_at, int64_t *id);
int fp_store_pool_member_get(struct fp_conn *c, int64_t id, struct fp_pool_member *out);
int fp_store_pool_member_delete(struct fp_conn *c, int64_t id);
/* Whether the clinician (or, with clinician_id 0, the organisation) is a member of the pool. */
int fp_store_pool_has_member(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t organisation_id,
                             bool *member);
/*
 * The pools that matter to a practice (organisation org_id in ICB icb_id, 0 for none): those it is
 * a member of, then the pools of its ICB that could admit it, each once, with whether it is a
 * member; then, per pool, its active administrators (name, email) in id order. cb is called for
 * each pool and admin_cb for each administrator of the pool given last to cb.
 */
int fp_store_practice_pools(struct fp_conn *c, int64_t org_id, int64_t icb_id,
                            void (*cb)(int64_t pool_id, const char *name, bool member, void *ctx),
                            void (*admin_cb)(const char *name, const char *email, void *ctx), void *ctx);
/* How a pool's members are listed. */
enum fp_member_sort { FP_MEMBER_BY_NAME, FP_MEMBER_NEWEST, FP_MEMBER_OLDEST };
struct fp_member_query {
  int64_t pool_id;
  const char *kind;              /* "clinician", "organisation" or NULL for both */
  const char *q;                 /* NULL, or found in the member's name (or an organisation's ODS code) */
  const char *profession;        /* NULL, or only clinicians of this profession */
  enum fp_member_sort sort;      /* name A to Z, or when they were added */
  int limit;
  struct fp_list_pos after;      /* where the page before ended */
};
/* One page of a pool's members; *last receives the sort key of the last one given to cb. */
int fp_store_pool_member_list(struct fp_conn *c, const struct fp_member_query *q,
                              void (*cb)(const struct fp_pool_member *m, void *ctx), void *ctx, bool *more,
                              struct fp_list_pos *last);

/* ---- join requests ---- */

struct fp_join_request {
  int64_t id, pool_id, clinician_id;
  char status[12];               /* pending, accepted, declined, withdrawn */
  char message[501];
  int64_t created_at, decided_at, decided_by;
  char reason[201];
  /* Joined. */
  char pool_name[201];
  int64_t pool_icb_id;
  char clinician_name[201];
  char profession[48];
  char registration_number[33];
};

/* FP_ECONFLICT when the clinician already has a pending request to the pool. */
int fp_store_join_request_insert(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, const char *message,
                                 int64_t now, int64_t *id);
int fp_store_join_request_get(struct fp_conn *c, int64_t id, struct fp_join_request *out);
/* Sets the status (and reason) of a pending request; FP_ECONFLICT when it is not pending. */
int fp_store_join_request_decide(struct fp_conn *c, int64_t id, const char *status, const char *reason, int64_t actor,
                                 int64_t now);
/* Marks the clinician's pending request to the pool (if any) accepted; *id receives its id or 0. */
int fp_store_join_request_accept_pending(struct fp_conn *c, int64_t pool_id, int64_t clinician_id, int64_t actor,
                                         int64_t now, int64_t *id);
/* How a pool's join requests are listed. */
enum fp_join_sort { FP_JOIN_NEWEST, FP_JOIN_OLDEST, FP_JOIN_BY_NAME };
struct fp_join_query {
  int64_t pool_id;
  const char *status;            /* NULL: any */
  const char *q;                 /* NULL, or found in the clinician's name */
  const char *profession;        /* NULL: any */
  enum fp_join_sort sort;
  int limit;
  struct fp_list_pos after;
};
/* One page of a pool's requests; *last receives the sort key of the last one given to cb. */
int fp_store_join_request_list(struct fp_conn *c, const struct fp_join_query *q,
                               void (*cb)(const struct fp_join_request *j, void *ctx), void *ctx, bool *more,
                               struct fp_list_pos *last);

/* One clinician's requests by when they were sent, newest first or oldest first, the id breaking
   ties the same way; with a cursor (the last row's created_at and id), the page after it. */
int fp_store_join_request_list_for_clinician(struct fp_conn *c, int64_t clinician_id, bool oldest_first,
                                             bool has_cursor, int64_t cursor_at, int64_t cursor_id, int limit,
                                             void (*cb)(const struct fp_join_request *j, void *ctx), void *ctx,
                                             bool *more);

/* ---- custom roles ---- */

/* Calls cb for each custom role a pool added (code, name, pool id or 0), in code order. */
int fp_store_custom_role_list(struct fp_conn *c, void (*cb)(const char *code, const char *name, int64_t pool_id, void *ctx),
                              void *ctx);
int fp_store_custom_role_exists(struct fp_conn *c, const char *code, bool *exists);

struct fp_custom_role {
  int64_t id;                    /* the row id, for the audit */
  char code[48];
  char name[201];
  int64_t pool_id;
  int64_t created_at;
};

/* Adds a pool's custom role; *id receives its row id. FP_ECONFLICT when the code is taken. */
int fp_store_custom_role_insert(struct fp_conn *c, const char *code, const char *name, int64_t pool_id, int64_t now,
                                int64_t *id);
int fp_store_custom_role_get(struct fp_conn *c, const char *code, struct fp_custom_role *out);
/* The custom roles one pool added, in code order. */
int fp_store_pool_role_list(struct fp_conn *c, int64_t pool_id, void (*cb)(const struct fp_custom_role *role, void *ctx),
                            void *ctx);

/* ---- users ---- */

/* How users are listed. */
enum fp_user_sort { FP_USER_BY_NAME, FP_USER_BY_EMAIL, FP_USER_NEWEST };
struct fp_user_query {
  const char *q;                 /* NULL, or found in the email or name (ASCII case ignored; '%' and '_' plain) */
  int active;                    /* -1: any; 0 deactivated; 1 active */
  enum fp_user_sort sort;
  int limit;
  struct fp_list_pos after;
};
/* One page of users (password hashes are not read); *last receives the sort key of the last one. */
int fp_store_user_list(struct fp_conn *c, const struct fp_user_query *q,
                       void (*cb)(const struct fp_user *u, void *ctx), void *ctx, bool *more, struct fp_list_pos *last);
int fp_store_user_set_name(struct fp_conn *c, int64_t user_id, const char *name);

#endif
