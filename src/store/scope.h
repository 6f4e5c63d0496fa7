/*
 * scope.h - what a caller may see, as data the store turns into SQL with bound parameters.
 *
 * A caller sees a shift (or a booking) when any of its roles grants it: a system administrator
 * everything; a commissioner everything inside their ICBs; a practice manager their practices; a
 * pool administrator the practices in their pools; a clinician the shifts of practices that share a
 * pool with them, for their profession.
 *
 * The clinician's pools come with who is asking (the session cache holds them; pool membership is
 * among the tables whose changes empty it), so that the SQL tests each row with one probe of the
 * pool_members (pool_id, organisation_id) index rather than joining pool_members to itself.
 */
#ifndef FP_STORE_SCOPE_H
#define FP_STORE_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define FP_SCOPE_MAX 16

struct fp_scope {
  bool all;
  int n_icbs, n_practices, n_pools;
  int64_t icbs[FP_SCOPE_MAX];
  int64_t practices[FP_SCOPE_MAX];
  int64_t pools[FP_SCOPE_MAX];
  int64_t clinician_id;        /* 0 when not a clinician */
  const char *profession;      /* the clinician's profession */
  int n_clinician_pools;       /* the clinician's pools; -1 when unknown (then found by a subquery) */
  int64_t clinician_pools[FP_SCOPE_MAX];
};

/* A growing SQL text with its bound parameters (integers, reals and texts). */
#define FP_SQL_MAX_BINDS 64
struct fp_sql {
  char text[4096];
  size_t len;
  bool overflow;
  int n;
  struct {
    char type; /* 'i', 'd', 't' */
    int64_t i;
    double d;
    const char *t;  /* borrowed */
  } binds[FP_SQL_MAX_BINDS];
};

void fp_sql_init(struct fp_sql *q);
void fp_sql_add(struct fp_sql *q, const char *text);
void fp_sql_int(struct fp_sql *q, int64_t v);      /* appends "?" and binds v */
void fp_sql_real(struct fp_sql *q, double v);
void fp_sql_text(struct fp_sql *q, const char *v);
/* Prepares (cached) and binds. NULL on failure or overflow. */
sqlite3_stmt *fp_sql_prepare(struct fp_conn *c, struct fp_sql *q);

/*
 * Appends "(condition)" restricting to what scope sees, given the SQL expressions for the row's
 * practice id, ICB id and role (role_col NULL: the clinician's profession is not checked).
 */
void fp_scope_where(struct fp_sql *q, const struct fp_scope *s, const char *practice_col, const char *icb_col,
                    const char *role_col);

#endif
