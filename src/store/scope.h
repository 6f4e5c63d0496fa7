/*
 * scope.h - what a caller may see, as data the store turns into SQL with bound parameters.
 *
 * A caller sees a shift (or a booking) when any of its roles grants it: a system administrator
 * everything; a commissioner everything inside their ICBs; a practice manager their practices; a
 * pool administrator the practices in their pools; a clinician the shifts of practices that share a
 * pool with them, for their profession, unless the practice blocked them (practice_clinician_marks);
 * of a shift released in tiers only the tiers open to them (fp_scope_where_shifts).
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

typedef struct fp_stmt fp_stmt; /* a statement (store/sql.h), opaque here */

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
  /* The ICBs of the clinician's pools that opted in to overflow (tiered release, core/release.h);
     -1 when unknown (then found by a subquery). */
  int n_overflow_icbs;
  int64_t overflow_icbs[FP_SCOPE_MAX];
  int64_t now;                 /* the request's time: which tiers of a shift's release are open */
};

/* The columns of a shift's release: the instants its pool and the overflow pools open at, and its
   status (a shift awaiting its pool's approval of its rate is released to no clinician). */
struct fp_scope_release {
  const char *pool_opens_col, *overflow_opens_col, *status_col;
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
  char like[2 * 100 + 3]; /* fp_sql_contains's pattern: fp_db_like_contains of a search of at most 100 */
};

void fp_sql_init(struct fp_sql *q);
void fp_sql_add(struct fp_sql *q, const char *text);
void fp_sql_int(struct fp_sql *q, int64_t v);      /* appends "?" and binds v */
void fp_sql_real(struct fp_sql *q, double v);
void fp_sql_text(struct fp_sql *q, const char *v);
/* Prepares (cached) and binds. NULL on failure or overflow. */
fp_stmt *fp_sql_prepare(struct fp_conn *c, struct fp_sql *q);
/* Appends cond (e.g. " AND cl.profession = ") and binds v, when v is not NULL: an optional filter. */
void fp_sql_opt_text(struct fp_sql *q, const char *cond, const char *v);
/* Appends cond (e.g. " AND b.shift_id = ") and binds v, when `when`: an optional filter. */
void fp_sql_opt_int(struct fp_sql *q, const char *cond, int64_t v, bool when);
/*
 * When text is not NULL, appends a search for the rows where any of cols (lower-cased SQL
 * expressions, NULL-terminated) contains it: " AND col LIKE ? ESCAPE '\'", or for two or more
 * " AND (a LIKE ? ESCAPE '\' OR b LIKE ? ESCAPE '\')". The pattern is kept in q.
 */
void fp_sql_contains(struct fp_sql *q, const char *text, const char *const *cols);
/* Appends "(?,?,...)", binding each of the n ids. */
void fp_sql_id_list(struct fp_sql *q, const int64_t *ids, int n);

/* ---- keyset pages: a list sorted by a key and paged by cursors ---- */

/*
 * Where a page ended: the sort key of the last row handed out (a number, a text, or both; the
 * unused part is 0 or "") and that row's id, which breaks ties so that no row is repeated or
 * skipped between pages under any sort. set is false for the first page.
 */
struct fp_list_pos {
  bool set;
  int64_t num;
  char text[256];  /* the longest text key: an email address (254) */
  int64_t id;
};

/*
 * How a list is sorted, as SQL expressions: the numeric key and the text key (NULL when the sort has
 * none; a text key is written lower-cased, e.g. "lower(u.name)", so the order ignores ASCII case),
 * the row's id, and the direction (every part descending with desc).
 */
struct fp_sort_sql {
  const char *num, *text, *id;
  bool desc;
};

/* Appends ", num, text, id": the key columns fp_sql_step_page reads back (0 and '' for a missing part). */
void fp_sql_key_cols(struct fp_sql *q, const struct fp_sort_sql *s);
/* Starts q (fp_sql_init) as a page's statement: "SELECT cols" and the sort's key columns. */
void fp_sql_select_page(struct fp_sql *q, const char *cols, const struct fp_sort_sql *s);
/* Appends " AND (keys) > (after)" (< when descending) when after->set; nothing otherwise. */
void fp_sql_after(struct fp_sql *q, const struct fp_sort_sql *s, const struct fp_list_pos *after);
/* Appends " ORDER BY keys LIMIT limit + 1". */
void fp_sql_order(struct fp_sql *q, const struct fp_sort_sql *s, int limit);
/*
 * Steps st, handing up to limit rows to row(); *more is set when a row follows them, and *last
 * receives the key of the last row handed out (read from columns key_col .. key_col + 2, as
 * appended by fp_sql_key_cols). Resets st.
 */
int fp_sql_step_page(fp_stmt *st, int limit, int key_col, void (*row)(fp_stmt *st, void *ctx), void *ctx,
                     bool *more, struct fp_list_pos *last);
/*
 * A list's page: appends the condition for the rows after `after` (fp_sql_after), the order and
 * limit (fp_sql_order) to q, prepares it and steps it as fp_sql_step_page does. FP_EIO when the
 * statement cannot be prepared.
 */
int fp_sql_page(struct fp_conn *c, struct fp_sql *q, const struct fp_sort_sql *s, const struct fp_list_pos *after,
                int limit, int key_col, void (*row)(fp_stmt *st, void *ctx), void *ctx, bool *more,
                struct fp_list_pos *last);


/* The scope of one ICB (pool_id 0) or one pool (icb_id 0) at now, as its staff see it: a
   report's or a return's, made for the area rather than for who asks. */
void fp_scope_of_area(struct fp_scope *s, int64_t icb_id, int64_t pool_id, int64_t now);

/*
 * Appends "(condition)" restricting to what scope sees, given the SQL expressions for the row's
 * practice id, ICB id and role (role_col NULL: the clinician's profession is not checked).
 */
void fp_scope_where(struct fp_sql *q, const struct fp_scope *s, const char *practice_col, const char *icb_col,
                    const char *role_col);
/*
 * The same for the shifts table under `alias` (every list, search and read of shifts): a clinician
 * sees a shift released in tiers (core/release.h) only from the tier that includes them: as a
 * favourite of the practice at posting, as a member of its pools once the pool's instant
 * (pool_opens_at, the core's) has come, or, once the overflow's has, as a member of a pool of the
 * shift's ICB that opted in to overflow. Compared with the scope's `now`.
 */
void fp_scope_where_shifts(struct fp_sql *q, const struct fp_scope *s, const char *alias);

#endif
