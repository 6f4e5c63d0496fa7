/*
 * metrics.h - the commissioner's figures for a period, in the store: shifts posted and filled,
 * hours and spend booked, members onboarded, unfilled shifts and late cancellations, in total and
 * by place and by PCN, over what a caller's scope sees. metrics.c defines each figure.
 *
 * Depends on the store (SQLite) only. Never includes HTTP or JSON headers.
 */
#ifndef FP_STORE_METRICS_H
#define FP_STORE_METRICS_H

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
void fp_metrics_release(struct fp_metrics *m);

#endif
