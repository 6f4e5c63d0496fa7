/*
 * metrics.h - the commissioner's figures for a period, in the store: shifts posted and filled,
 * hours and spend booked, members onboarded, unfilled shifts and late cancellations, in total and
 * by place and by PCN, over what a caller's scope sees. metrics.c defines each figure.
 *
 * Depends on the store (SQLite) only. Never includes HTTP or JSON headers.
 */
#ifndef FP_STORE_METRICS_H
#define FP_STORE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/figures.h"
#include "core/time.h"
#include "store/db.h"
#include "store/scope.h"

/*
 * Computes the figures over shifts starting in [from, to) (instants) that scope sees, as they
 * stand at `now` (what has ended is delivered, the rest ahead); members onboarded are decided on
 * `last_day`, the period's last UK day. scope must not carry a clinician (metrics are not for
 * clinicians). Rows are sorted by name, the "none recorded" row last. Returns 0, FP_ENOMEM or FP_EIO.
 */
int fp_store_metrics(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to, int64_t now,
                     fp_day last_day, struct fp_metrics *out);
/* The same over the practices of one area in scope (an ICB, place, PCN or practice: organisation id
   area), for a trend by area: clinicians are not counted (they join pools, not areas: -1).
   FP_ENOTFOUND when no practice of the area is in scope. */
int fp_store_metrics_area(struct fp_conn *c, const struct fp_scope *scope, int64_t area, int64_t from, int64_t to,
                          int64_t now, fp_day last_day, struct fp_metrics *out);
void fp_metrics_release(struct fp_metrics *m);

/*
 * The figures kept by practice and UK month (metric_months), which the overview adds for the whole
 * settled months of a period instead of counting their shifts again (metrics.c, "figures kept by
 * month"). A month is settled two days after its end.
 *
 * fp_store_metric_months_due: the settled months, from the first shift's, that some practice has
 * not kept (starts[0 .. *n), at most max, oldest first). fp_store_metric_months_keep: keeps the
 * month starting at month_start for each practice that has not kept it (*kept of them), in a write
 * transaction of its own (on PostgreSQL it locks the table first). 0, FP_ENOMEM or FP_EIO.
 */
int fp_store_metric_months_due(struct fp_conn *c, int64_t now, int64_t *starts, int max, int *n);
int fp_store_metric_months_keep(struct fp_conn *c, int64_t month_start, int64_t now, int *kept);

/* One clinician's figures over their sessions (confirmed bookings) at the practices in scope. */
struct fp_metrics_clinician {
  int64_t clinician_id;
  char name[201];
  char profession[32];
  bool member;                   /* a member of a pool in scope, admitted before the period's end */
  bool onboarded;                /* a member whose passport is complete on the last day (as the overview) */
  struct fp_metrics_figures f;   /* shifts_posted: their sessions booked (did-not-attend included);
                                    unfilled, practices and clinicians_* do not apply (0, or -1) */
};

/*
 * The pool administrator's drill-down to the clinician: a row for each member of the pools in scope
 * and for each other clinician with a session at the practices in scope in [from, to), sorted by
 * name (*out malloc'd, free it). The figures are the overview's (fp_store_metrics), by clinician.
 * 0, FP_ENOMEM or FP_EIO.
 */
int fp_store_metrics_clinicians(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to, int64_t now,
                                fp_day last_day, struct fp_metrics_clinician **out, size_t *n);

#endif
