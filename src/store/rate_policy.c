/* A pool's rate policy and the escalation of unfilled shifts. See rate_policy.h. */
#include "store/rate_policy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/booking.h"
#include "core/error.h"
#include "core/money.h"
#include "store/accounts.h"
#include "store/outbox.h"
#include "store/rows.h"
#include "store/sql.h"

int fp_store_rate_policy_get(struct fp_conn *c, int64_t pool_id, struct fp_rate_policy *p) {
  memset(p, 0, sizeof *p);
  char steps[FP_RATE_STEPS_LEN + 1] = "";
  fp_stmt *st = FP_DB_STMT(c, "SELECT rate_cap_hourly_pence, rate_escalation FROM pools WHERE id = ?", fp_int(pool_id));
  if (!st) return FP_EIO;
  int rc = FP_STEP_ONE(st, fp_out_int(&p->cap_hourly_pence), fp_out_text(steps, sizeof steps));
  if (rc) return rc;
  return fp_rate_steps_parse(steps, p) == 0 ? 0 : FP_EIO; /* only fp_rate_steps_format's text is written */
}

int fp_store_rate_policy_put(struct fp_conn *c, int64_t pool_id, const struct fp_rate_policy *p, int64_t actor,
                             int64_t now) {
  char steps[FP_RATE_STEPS_LEN];
  fp_rate_steps_format(p, steps);
  int rc = FP_DB_RUN(c, "UPDATE pools SET rate_cap_hourly_pence = ?, rate_escalation = ? WHERE id = ?",
                     fp_int(p->cap_hourly_pence), fp_txt(steps), fp_int(pool_id));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  char after[128];
  snprintf(after, sizeof after, "{\"cap_hourly_pence\":%lld,\"escalation\":\"%s\"}", (long long)p->cap_hourly_pence,
           steps);
  return fp_store_audit(c, now, actor, "pool.rate_policy", "pool", pool_id, NULL, after);
}

/* The pool whose rate policy is over a practice's shifts: the one it joined first (SQL, the
   practice's column given). */
#define PRACTICE_POOL(practice) "(SELECT MIN(m.pool_id) FROM pool_members m WHERE m.organisation_id = " practice ")"

int fp_store_practice_rate_policy(struct fp_conn *c, int64_t practice_id, int64_t *pool_id, struct fp_rate_policy *p) {
  memset(p, 0, sizeof *p);
  *pool_id = 0;
  int rc = FP_DB_INT(c, pool_id, "SELECT COALESCE(" PRACTICE_POOL("?") ", 0)", fp_int(practice_id));
  if (rc || !*pool_id) return rc;
  return fp_store_rate_policy_get(c, *pool_id, p);
}

int fp_store_rate_approval_tell(struct fp_conn *c, int64_t pool_id, int64_t practice_id, int64_t shift_id,
                                enum fp_shift_status status, const char *reason, int64_t now) {
  char practice[201] = "", when[64], subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[64];
  int64_t starts = 0, ends = 0, rate = 0;
  char unit[8] = "";
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT o.name, s.starts_at, s.ends_at, s.rate_pence, s.rate_unit FROM shifts s"
      " JOIN organisations o ON o.id = s.practice_id WHERE s.id = ?",
      fp_int(shift_id));
  if (!st) return FP_EIO;
  int rc = FP_STEP_ONE(st, fp_out_text(practice, sizeof practice), fp_out_int(&starts), fp_out_int(&ends),
                       fp_out_int(&rate), fp_out_text(unit, sizeof unit));
  if (rc) return rc;
  char amount[FP_MONEY_TEXT_LEN];
  fp_money_text(rate, amount);
  fp_store_when_text(starts, ends, when, sizeof when);
  const char *a_unit = strcmp(unit, "hour") == 0 ? "an" : "a";
  if (status == FP_SHIFT_AWAITING_APPROVAL) {
    snprintf(subject, sizeof subject, "A shift at %s awaits your approval of its rate", practice);
    snprintf(text, sizeof text,
             "%s posted a shift %s at GBP %s %s %s, over the pool's cap. Nobody sees it until you approve or refuse"
             " its rate.",
             practice, when, amount, a_unit, unit);
    snprintf(link, sizeof link, "/pool/shifts/%lld", (long long)shift_id);
    return fp_store_notify_pool_admins(c, pool_id, "shift.rate_approval", subject, text, link, now);
  }
  bool approved = status == FP_SHIFT_OPEN;
  snprintf(subject, sizeof subject, "Your pool %s the rate of your shift %s", approved ? "approved" : "refused", when);
  if (approved)
    snprintf(text, sizeof text, "Your shift %s at GBP %s %s %s is now published to the pool.", when, amount, a_unit, unit);
  else
    snprintf(text, sizeof text, "Your shift %s at GBP %s %s %s was withdrawn: %s. Post it again within the cap.",
             when, amount, a_unit, unit, reason ? reason : "");
  snprintf(link, sizeof link, "/practice/shifts/%lld", (long long)shift_id);
  return fp_store_notify_practice(c, practice_id, approved ? "shift.rate_approved" : "shift.rate_refused", subject,
                                  text, link, now);
}

int fp_store_rate_escalation_get(struct fp_conn *c, int64_t practice_id, bool *on) {
  int64_t v = 0;
  int rc = FP_DB_INT(c, &v, "SELECT rate_escalation FROM organisations WHERE id = ?", fp_int(practice_id));
  *on = v != 0;
  return rc;
}

int fp_store_rate_escalation_set(struct fp_conn *c, int64_t practice_id, bool on, int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c, "UPDATE organisations SET rate_escalation = ? WHERE id = ?", fp_int(on ? 1 : 0),
                     fp_int(practice_id));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  return fp_store_audit(c, now, actor, "organisation.rate_escalation", "organisation", practice_id, NULL,
                        on ? "{\"rate_escalation\":true}" : "{\"rate_escalation\":false}");
}

/* An open shift that may be escalated, as the run reads it. */
struct candidate {
  int64_t id, practice_id, rate, hourly, posted, posted_hourly, starts_at, ends_at, step, pool_id;
  char unit[8], pool_name[201], role[48];
  struct fp_rate_policy policy;
};

/* Raises shift k to e, records why and by what authority, audits it and tells the practice. */
static int escalate(struct fp_conn *c, const struct candidate *k, const struct fp_escalation *e, int64_t now) {
  int rc = FP_DB_RUN(c,
      "UPDATE shifts SET rate_pence = ?, hourly_pence = ?, posted_rate_pence = ?, posted_hourly_pence = ?,"
      " escalation_step = ?, updated_at = ? WHERE id = ? AND status = ? AND rate_pence = ?",
      fp_int(e->rate_pence), fp_int(e->hourly_pence), fp_int(k->posted), fp_int(k->posted_hourly), fp_int(e->step),
      fp_int(now), fp_int(k->id), fp_txt(fp_shift_status_name(FP_SHIFT_OPEN)), fp_int(k->rate));
  if (rc || fp_db_changes(c) != 1) return rc; /* changed meanwhile: the next run looks again */
  if (e->rate_pence == k->rate) return 0;     /* held at the cap already: the step is counted, nothing raised */
  char from[FP_MONEY_TEXT_LEN], to[FP_MONEY_TEXT_LEN], posted[FP_MONEY_TEXT_LEN], reason[400], by[260];
  fp_money_text(k->rate, from);
  fp_money_text(e->rate_pence, to);
  fp_money_text(k->posted, posted);
  const struct fp_rate_step *s = &k->policy.steps[e->step - 1];
  snprintf(reason, sizeof reason,
           "Unfilled with %d hours or less to go: +%d%% of the posted rate (GBP %s a%s %s), GBP %s to GBP %s%s",
           (int)s->hours_before, (int)e->percent, posted, strcmp(k->unit, "hour") == 0 ? "n" : "", k->unit, from, to,
           e->capped ? ", held at the pool's cap" : "");
  snprintf(by, sizeof by, "The rate policy of %s", k->pool_name);
  if ((rc = FP_DB_RUN(c,
           "INSERT INTO shift_escalations (shift_id, at, step, percent, from_pence, to_pence, capped, pool_id,"
           " authorised_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           fp_int(k->id), fp_int(now), fp_int(e->step), fp_int(e->percent), fp_int(k->rate), fp_int(e->rate_pence),
           fp_int(e->capped ? 1 : 0), fp_int(k->pool_id), fp_txt(by), fp_txt(reason))) != 0)
    return rc;
  char before[48], after[96];
  snprintf(before, sizeof before, "{\"rate_pence\":%lld}", (long long)k->rate);
  snprintf(after, sizeof after, "{\"rate_pence\":%lld,\"step\":%d,\"pool_id\":%lld,", (long long)e->rate_pence,
           (int)e->step, (long long)k->pool_id);
  if ((rc = fp_store_audit_reason(c, now, 0, "shift.escalate", "shift", k->id, before, after, reason)) != 0) return rc;
  char subject[FP_MSG_SUBJECT_MAX + 1], text[FP_MSG_TEXT_MAX + 1], link[48], when[64];
  fp_store_when_text(k->starts_at, k->ends_at, when, sizeof when);
  snprintf(subject, sizeof subject, "Rate raised to GBP %s for your unfilled shift", to);
  snprintf(text, sizeof text, "Your unfilled shift %s is now offered at GBP %s a%s %s. %s. %s.", when, to,
           strcmp(k->unit, "hour") == 0 ? "n" : "", k->unit, reason, by);
  snprintf(link, sizeof link, "/practice/shifts/%lld", (long long)k->id);
  return fp_store_notify_practice(c, k->practice_id, "shift.escalated", subject, text, link, now);
}

static const struct fp_colspec CANDIDATE_READ[] = {
    FP_C(INT, struct candidate, id),        FP_C(INT, struct candidate, practice_id),
    FP_C(INT, struct candidate, rate),      FP_C(INT, struct candidate, hourly),
    FP_C(INT, struct candidate, posted),    FP_C(INT, struct candidate, posted_hourly),
    FP_C(INT, struct candidate, starts_at), FP_C(INT, struct candidate, ends_at),
    FP_C(INT, struct candidate, step),      FP_C(INT, struct candidate, pool_id),
    FP_C(TEXT, struct candidate, unit),     FP_C(TEXT, struct candidate, pool_name),
    FP_C(TEXT, struct candidate, role),
};

int fp_store_shifts_escalate(struct fp_conn *c, int64_t now, int *n) {
  *n = 0;
  enum { BATCH = 128 };
  /* Read in the order of the index on (status, starts_at), each batch from where the last one
     stopped (its last start and id), so that each is a seek into the index: ordered by id, each
     batch sorted every open shift of the window again (at 5,000,000 shifts, 580,000 of them open in
     the next four weeks: about a second a batch of the single writer's time, 544 batches a run). */
  int64_t after_start = now, after_id = INT64_MAX;
  for (;;) {
    /* The open shifts of practices that opted in, close enough to their start for any step, in a
       pool with steps; each then asked of the core with its pool's policy. */
    fp_stmt *st = FP_DB_STMT(c,
        "SELECT s.id, s.practice_id, s.rate_pence, s.hourly_pence, COALESCE(s.posted_rate_pence, s.rate_pence),"
        " COALESCE(s.posted_hourly_pence, s.hourly_pence), s.starts_at, s.ends_at, s.escalation_step, p.id, s.rate_unit,"
        " p.name, s.role, p.rate_cap_hourly_pence, p.rate_escalation"
        " FROM shifts s JOIN organisations o ON o.id = s.practice_id AND o.rate_escalation = 1"
        " JOIN pools p ON p.id = " PRACTICE_POOL("s.practice_id")
        " WHERE s.status = ? AND s.starts_at >= ? AND s.starts_at <= ? AND (s.starts_at > ? OR s.id > ?)"
        " AND p.rate_escalation <> '' ORDER BY s.starts_at, s.id LIMIT ?",
        fp_txt(fp_shift_status_name(FP_SHIFT_OPEN)), fp_int(after_start),
        fp_int(now + (int64_t)FP_RATE_MAX_STEP_HOURS * 3600), fp_int(after_start), fp_int(after_id), fp_int(BATCH));
    if (!st) return FP_EIO;
    struct candidate rows[BATCH];
    int k = 0, rc;
    while ((rc = fp_step(st)) == FP_ROW) {
      struct candidate *r = &rows[k];
      memset(r, 0, sizeof *r);
      fp_read_cols(st, 0, CANDIDATE_READ, FP_NCOLS(CANDIDATE_READ), r);
      r->policy.cap_hourly_pence = fp_col_int64(st, 13);
      const char *steps = fp_col_text(st, 14);
      if (fp_rate_steps_parse(steps ? steps : "", &r->policy) != 0) rc = FP_EIO;
      else k++;
      if (rc == FP_EIO) break;
    }
    fp_reset(st);
    if (rc != FP_DONE) return FP_EIO;
    for (int i = 0; i < k; i++) {
      struct fp_escalation e;
      after_start = rows[i].starts_at;
      after_id = rows[i].id;
      if (!fp_rate_escalation(&rows[i].policy, rows[i].posted, rows[i].posted_hourly, now, rows[i].starts_at, &e) ||
          e.step <= rows[i].step)
        continue;
      if ((rc = escalate(c, &rows[i], &e, now)) != 0) return rc;
      (*n)++;
    }
    if (k < BATCH) return 0;
  }
}

static const struct fp_colspec ESCALATION_READ[] = {
    FP_C(INT, struct fp_shift_escalation, at),         FP_C(INT, struct fp_shift_escalation, step),
    FP_C(INT, struct fp_shift_escalation, percent),    FP_C(INT, struct fp_shift_escalation, from_pence),
    FP_C(INT, struct fp_shift_escalation, to_pence),   FP_C(BOOL, struct fp_shift_escalation, capped),
    FP_C(INT, struct fp_shift_escalation, pool_id),    FP_C(INT, struct fp_shift_escalation, authorised_by_user),
    FP_C(TEXT, struct fp_shift_escalation, authorised_by), FP_C(TEXT, struct fp_shift_escalation, reason),
};

int fp_store_shift_escalations(struct fp_conn *c, int64_t shift_id,
                               void (*cb)(const struct fp_shift_escalation *e, void *ctx), void *ctx) {
  fp_stmt *st = FP_DB_STMT(c,
      "SELECT at, step, percent, from_pence, to_pence, capped, pool_id, COALESCE(authorised_by_user, 0),"
      " authorised_by, reason FROM shift_escalations WHERE shift_id = ? ORDER BY id",
      fp_int(shift_id));
  if (!st) return FP_EIO;
  int rc;
  while ((rc = fp_step(st)) == FP_ROW) {
    struct fp_shift_escalation e;
    memset(&e, 0, sizeof e);
    fp_read_cols(st, 0, ESCALATION_READ, FP_NCOLS(ESCALATION_READ), &e);
    cb(&e, ctx);
  }
  fp_reset(st);
  return rc == FP_DONE ? 0 : FP_EIO;
}
