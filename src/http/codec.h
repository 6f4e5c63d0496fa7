/*
 * codec.h - the JSON shapes of the API's resources: store structs in, json_t out. With
 * request.c and fields.c, the only place json_t is built.
 */
#ifndef FP_HTTP_CODEC_H
#define FP_HTTP_CODEC_H

#include <jansson.h>
#include <stdbool.h>

#include "http/json_out.h"
#include "http/request.h"
#include "store/access.h"
#include "store/places.h"
#include "store/scope.h"
#include "store/shifts.h"

/* "2026-11-25T14:00:00Z", or null for 0 when nullable. */
json_t *fp_json_time(int64_t t);
json_t *fp_json_time_or_null(int64_t t);
/* "2026-11-25" for a day number. */
json_t *fp_json_date(int32_t day);
/* An id, or null for 0. */
json_t *fp_json_id(int64_t id);
/* A string, or null for "". */
json_t *fp_json_str_or_null(const char *s);

/* A shift as JSON text (see json_out.h), and the same as a json_t for answers that add to it. */
void fp_jw_shift(struct fp_jw *w, const struct fp_shift *s);
json_t *fp_json_shift(const struct fp_shift *s);
/* A booking as the API answers it, with its timesheet as it stands at now (null when it has none). */
json_t *fp_json_booking(const struct fp_booking *b, int64_t now);
/* Terms of engagement (core/terms.h): {payment_days, cancellation: [{notice_hours, fee_percent}],
   mileage, expenses}, and `source` ("pool", "clinician") when given. */
json_t *fp_json_terms(const struct fp_terms *t, const char *source);
json_t *fp_json_application(const struct fp_application *a);
json_t *fp_json_org(const struct fp_org *o);

/* A list page: {"items": items (taken), "next_cursor": cursor or null}. */
json_t *fp_json_page(json_t *items, const char *next_cursor);

/*
 * A list answer being built: its items and the sort key of the last one, from which the next
 * page's cursor is made. Store search callbacks add to it; fp_reply_page answers with it.
 */
struct fp_page {
  json_t *items;     /* the items as json_t (fp_page_init) */
  bool text;         /* or written as text into w (fp_page_init_text) */
  struct fp_jw w;
  int n_items;
  int64_t last_start, last_id;
  void *ctx; /* for the caller's callback (a connection, say) */
};
void fp_page_init(struct fp_page *p, void *ctx);
/* A page written straight as text: each item with fp_page_item, then fp_reply_page. */
void fp_page_init_text(struct fp_page *p, void *ctx);
/* Starts the next item of a text page (start and id as for fp_page_add); write it into the result. */
struct fp_jw *fp_page_item(struct fp_page *p, int64_t start, int64_t id);
/* Appends item (taken); start is 0 for id-ordered lists. */
void fp_page_add(struct fp_page *p, json_t *item, int64_t start, int64_t id);
/*
 * Answers 200 {items, next_cursor} when rc is 0 (the cursor "<start>_<id>" for time-ordered lists,
 * "<id>" for id-ordered ones, null when there is no more), or the store error rc. Takes the items.
 */
void fp_reply_page(struct fp_req *r, struct fp_page *p, int rc, bool more, bool time_ordered);

/* Cursors are "<start>_<id>" (time-ordered lists) or "<id>" (id-ordered lists). */
void fp_cursor_format(char *buf, size_t len, int64_t start, int64_t id);
int fp_cursor_parse_or_respond(struct fp_req *r, int64_t *start, int64_t *id, bool *present);
int fp_id_cursor_parse_or_respond(struct fp_req *r, int64_t *after_id);
/* limit: default 50, at most 200 (more is a 400). */
int fp_limit_or_respond(struct fp_req *r, int *limit);

/*
 * A list that can be searched and sorted (docs/openapi.yaml's list conventions):
 *   q       a case-insensitive search, 1 to 100 characters (else 400, field q); NULL when absent;
 *   sort    one of the list's sorts (a NULL-terminated array, the first the default; else 400,
 *           field sort), its index in sort;
 *   limit   as fp_limit_or_respond;
 *   cursor  "<sort>.<number>.<hex of the text key>.<id>" as fp_list_cursor gave it out for the
 *           same sort (else 400, field cursor), in after.
 */
struct fp_list_params {
  const char *q;
  int sort;
  const char *sort_name;
  int limit;
  struct fp_list_pos after;
};
int fp_list_params_or_respond(struct fp_req *r, const char *const *sorts, struct fp_list_params *out);
/* The cursor for the page after pos under sort ("" when the sort key does not fit buf). */
void fp_list_cursor(char *buf, size_t len, const char *sort, const struct fp_list_pos *pos);
/* As fp_reply_page, with the cursor of last under the list's sort. */
void fp_reply_list(struct fp_req *r, struct fp_page *p, int rc, bool more, const struct fp_list_params *lp,
                   const struct fp_list_pos *last);
/* After reading one object (rc, the store's answer): 0 when it was read; otherwise answers 404
   "<what> <id> not found" for FP_ENOTFOUND, or the store's error, and returns -1. */
int fp_found_or_respond(struct fp_req *r, int rc, const char *what, int64_t id);
/* A true/false query parameter: *out 1 or 0, -1 when absent (anything else is a 400 naming it). */
int fp_query_bool_or_respond(struct fp_req *r, const char *name, int *out);
/* profession: a profession or custom role code of at most 47 characters, or NULL (else 400). */
int fp_profession_param_or_respond(struct fp_req *r, const char **profession);
/* Whether role is a profession or a pool's custom role (a shift's role): 0 and *known, or a store error. */
int fp_role_known(struct fp_req *r, const char *role, bool *known);

/* What the caller may see (see store/scope.h) at `now` (the request's time), from their roles. */
void fp_scope_from_auth(const struct fp_auth *a, int64_t now, struct fp_scope *s);
/* Only what the caller sees as a clinician: shifts of their profession in their pools. */
void fp_scope_clinician(const struct fp_auth *a, int64_t now, struct fp_scope *s);
/* When this request decides a practice's access to a clinician (store/access.h): its time and
 * --passport-access-months. */
void fp_access_clock_of(const struct fp_req *r, struct fp_access_clock *k);

#endif
