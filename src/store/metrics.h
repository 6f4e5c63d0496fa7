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

#include "store/db.h"
#include "store/scope.h"

/* One set of figures. clinicians_onboarded is -1 where it cannot be attributed (places, PCNs). */
struct fp_metrics_figures {
  int64_t shifts_posted;
  int64_t shifts_filled;
  int64_t minutes_booked;
  int64_t agreed_spend_pence;
  int64_t clinicians_onboarded;
  int64_t practices_onboarded;
  int64_t unfilled;
  int64_t late_cancellations;
  int64_t did_not_attend;
};

/* The figures of one place or PCN. organisation_id 0: practices with no place (or PCN) recorded. */
struct fp_metrics_row {
  int64_t organisation_id;
  char ods_code[12];
  char name[201];
  struct fp_metrics_figures f;
};

/* The caller owns the struct; fp_metrics_release frees the rows. */
struct fp_metrics {
  struct fp_metrics_figures totals;
  struct fp_metrics_row *places;
  int n_places;
  struct fp_metrics_row *pcns;
  int n_pcns;
};

/*
 * Computes the figures over shifts starting in [from, to) (instants) that scope sees. scope
 * must not carry a clinician (metrics are not for clinicians). Rows are sorted by name, the
 * "none recorded" row last. Returns 0, FP_ENOMEM or FP_EIO.
 */
int fp_store_metrics(struct fp_conn *c, const struct fp_scope *scope, int64_t from, int64_t to, struct fp_metrics *out);
void fp_metrics_release(struct fp_metrics *m);

#endif
