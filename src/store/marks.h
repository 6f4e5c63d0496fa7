/*
 * marks.h - a practice's favourite and blocked clinicians (table practice_clinician_marks, migration
 * 20). One mark per practice and clinician: marking a favourite blocked replaces the mark. Only the
 * practice's own managers set them (src/http/h_marks.c). A blocked clinician shares no pool with the
 * practice for what they see and may book (src/store/scope.c, src/store/bookings.c view_shared_all,
 * src/store/passport.c fp_store_clinician_pools).
 */
#ifndef FP_STORE_MARKS_H
#define FP_STORE_MARKS_H

#include <stdbool.h>
#include <stdint.h>

struct fp_conn;

enum fp_mark_kind { FP_MARK_FAVOURITE = 1, FP_MARK_BLOCKED = 2 };

/* At most this many marks of each kind per practice (more is refused, never cut). */
#define FP_MARKS_MAX 500

struct fp_mark {
  int64_t practice_id, clinician_id;
  enum fp_mark_kind kind;
  char clinician_name[201];
  char profession[48];
  int64_t added_at;
};

/* "favourite" / "blocked". */
const char *fp_mark_kind_name(enum fp_mark_kind k);

/* Whether the clinician is a member of a pool the practice is in (blocks ignored): whom a practice may mark. */
int fp_store_clinician_in_practice_pools(struct fp_conn *c, int64_t clinician_id, int64_t practice_id, bool *yes);

/*
 * Marks the clinician (replacing a mark of the other kind), audited as practice.favourite or
 * practice.block. *changed false when it was already so. FP_ECONFLICT when the practice already has
 * FP_MARKS_MAX of that kind. In a write transaction.
 */
int fp_store_mark_set(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, enum fp_mark_kind kind,
                      int64_t actor, int64_t now, bool *changed);
/* Removes a mark of that kind (FP_ENOTFOUND when there is none), audited. In a write transaction. */
int fp_store_mark_clear(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, enum fp_mark_kind kind,
                        int64_t actor, int64_t now);
/* One mark of the clinician at the practice, any kind: FP_ENOTFOUND when none. */
int fp_store_mark_get(struct fp_conn *c, int64_t practice_id, int64_t clinician_id, struct fp_mark *out);
/*
 * A page of the practice's marks of one kind, the most recently added first (after (at, id) when
 * has_cursor; id is the clinician's id), at most limit; *more when others follow.
 */
int fp_store_mark_list(struct fp_conn *c, int64_t practice_id, enum fp_mark_kind kind, bool has_cursor, int64_t at,
                       int64_t id, int limit, void (*cb)(const struct fp_mark *m, void *ctx), void *ctx, bool *more);

#endif
