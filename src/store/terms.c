/* Terms of engagement. See terms.h. */
#include "store/terms.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store/accounts.h"
#include "store/rows.h"
#include "store/sql.h"

#define TERMS_COLS "payment_days, cancellation, mileage, expenses, updated_at"

/* Columns from..from+3 (TERMS_COLS' first four) into *t: 0, or FP_EIO for bands not as written. */
static int read_terms(fp_stmt *st, int from, struct fp_terms *t) {
  *t = fp_terms_default();
  t->payment_days = (int32_t)fp_col_int64(st, from);
  t->mileage = fp_col_int64(st, from + 2) != 0;
  t->expenses = fp_col_int64(st, from + 3) != 0;
  return fp_terms_bands_parse(fp_col_text(st, from + 1), t) == 0 ? 0 : FP_EIO;
}

int fp_store_terms_get(struct fp_conn *c, int64_t clinician_id, int64_t pool_id, struct fp_terms *t,
                       int64_t *updated_at) {
  *t = fp_terms_default();
  fp_stmt *st = clinician_id
      ? FP_DB_STMT(c, "SELECT " TERMS_COLS " FROM terms WHERE clinician_id = ?", fp_int(clinician_id))
      : FP_DB_STMT(c, "SELECT " TERMS_COLS " FROM terms WHERE pool_id = ?", fp_int(pool_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st), ret = FP_EIO;
  if (rc == FP_ROW) {
    ret = read_terms(st, 0, t);
    if (updated_at) *updated_at = fp_col_int64(st, 4);
  } else if (rc == FP_DONE) {
    ret = FP_ENOTFOUND;
  }
  fp_reset(st);
  if (ret == FP_ENOTFOUND || ret == FP_EIO) *t = fp_terms_default();
  return ret;
}

int fp_store_terms_put(struct fp_conn *c, int64_t clinician_id, int64_t pool_id, const struct fp_terms *t,
                       int64_t actor, int64_t now) {
  char bands[FP_TERMS_BANDS_LEN];
  fp_terms_bands_format(t, bands);
  /* One row an owner: an update when there is one, else an insert (a unique column each). */
  int rc = clinician_id
      ? FP_DB_RUN(c,
            "UPDATE terms SET payment_days = ?, cancellation = ?, mileage = ?, expenses = ?, updated_at = ?,"
            " updated_by = ? WHERE clinician_id = ?",
            fp_int(t->payment_days), fp_txt(bands), fp_int(t->mileage), fp_int(t->expenses), fp_int(now),
            fp_id(actor), fp_int(clinician_id))
      : FP_DB_RUN(c,
            "UPDATE terms SET payment_days = ?, cancellation = ?, mileage = ?, expenses = ?, updated_at = ?,"
            " updated_by = ? WHERE pool_id = ?",
            fp_int(t->payment_days), fp_txt(bands), fp_int(t->mileage), fp_int(t->expenses), fp_int(now),
            fp_id(actor), fp_int(pool_id));
  if (rc) return rc;
  if (fp_db_changes(c) == 0)
    rc = FP_DB_RUN(c,
        "INSERT INTO terms (clinician_id, pool_id, payment_days, cancellation, mileage, expenses, updated_at,"
        " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        fp_id(clinician_id), fp_id(pool_id), fp_int(t->payment_days), fp_txt(bands), fp_int(t->mileage),
        fp_int(t->expenses), fp_int(now), fp_id(actor));
  if (rc) return rc;
  char after[160];
  snprintf(after, sizeof after, "{\"payment_days\":%d,\"cancellation\":\"%s\",\"mileage\":%s,\"expenses\":%s}",
           (int)t->payment_days, bands, t->mileage ? "true" : "false", t->expenses ? "true" : "false");
  return fp_store_audit(c, now, actor, "terms.update", clinician_id ? "clinician" : "pool",
                        clinician_id ? clinician_id : pool_id, NULL, after);
}

/* The terms rows that statement st reads (first column: 0 for the clinician's own, else the pool's
   id), of which a booking through pool_id takes its clinician's own or pool_id's: fp_terms_source
   decides which. */
static int terms_pick(fp_stmt *st, int64_t pool_id, bool via_acceptance, struct fp_terms *t,
                      enum fp_terms_source *source) {
  if (!st) return FP_EIO;
  struct fp_terms own = fp_terms_default(), pool = fp_terms_default();
  bool has_own = false;
  int rc, err = 0;
  while (!err && (rc = fp_step(st)) == FP_ROW) {
    int64_t of = fp_col_int64(st, 0);
    if (of == 0) {
      err = read_terms(st, 1, &own);
      has_own = true;
    } else if (of == pool_id) {
      err = read_terms(st, 1, &pool);
    }
  }
  fp_reset(st);
  if (!err && rc != FP_DONE) err = FP_EIO;
  if (err) return err;
  *source = fp_terms_source(via_acceptance, has_own);
  *t = *source == FP_TERMS_CLINICIAN ? own : pool;
  return 0;
}

#define TERMS_OF "SELECT CASE WHEN clinician_id IS NULL THEN pool_id ELSE 0 END, payment_days, cancellation, mileage, expenses FROM terms"

int fp_store_terms_for_booking(struct fp_conn *c, int64_t clinician_id, int64_t pool_id, bool via_acceptance,
                               struct fp_terms *t, enum fp_terms_source *source) {
  return terms_pick(FP_DB_STMT(c, TERMS_OF " WHERE clinician_id = ? OR pool_id = ?", fp_int(clinician_id),
                               fp_int(pool_id)),
                    pool_id, via_acceptance, t, source);
}

/* Every terms row a booking of clinician_id for shift_id may run on: their own, and each pool's that
   its decision may pick (the clinician's pools, and the shift's practice's for the overflow). */
static fp_stmt *booking_terms_stmt(struct fp_conn *c, int64_t clinician_id, int64_t shift_id) {
  /* Each part by its own index (an OR across two columns would scan every membership). */
  return FP_DB_STMT(c,
      TERMS_OF " WHERE clinician_id = ? UNION ALL " TERMS_OF " WHERE pool_id IN (SELECT pool_id FROM pool_members"
      " WHERE clinician_id = ? UNION SELECT pool_id FROM pool_members"
      " WHERE organisation_id = (SELECT practice_id FROM shifts WHERE id = ?))",
      fp_int(clinician_id), fp_int(clinician_id), fp_int(shift_id));
}

void fp_store_terms_prefetch(struct fp_conn *c, int64_t clinician_id, int64_t shift_id) {
  fp_db_prefetch(booking_terms_stmt(c, clinician_id, shift_id));
}

int fp_store_terms_for_booking_at(struct fp_conn *c, int64_t clinician_id, int64_t shift_id, int64_t pool_id,
                                  bool via_acceptance, struct fp_terms *t, enum fp_terms_source *source) {
  return terms_pick(booking_terms_stmt(c, clinician_id, shift_id), pool_id, via_acceptance, t, source);
}

int fp_store_sharing_agreement_get(struct fp_conn *c, int64_t pool_id, char **text) {
  *text = NULL;
  fp_stmt *st = FP_DB_STMT(c, "SELECT sharing_agreement FROM pools WHERE id = ?", fp_int(pool_id));
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  if (rc == FP_ROW) *text = fp_db_col_strdup(st, 0);
  fp_reset(st);
  if (rc == FP_DONE) return FP_ENOTFOUND;
  if (rc != FP_ROW) return FP_EIO;
  return *text ? 0 : FP_ENOMEM;
}

int fp_store_sharing_agreement_put(struct fp_conn *c, int64_t pool_id, const char *text, int64_t actor, int64_t now) {
  int rc = FP_DB_RUN(c, "UPDATE pools SET sharing_agreement = ? WHERE id = ?", fp_txt(text), fp_int(pool_id));
  if (rc) return rc;
  if (fp_db_changes(c) != 1) return FP_ENOTFOUND;
  char after[64];
  snprintf(after, sizeof after, "{\"characters\":%zu}", strlen(text));
  return fp_store_audit(c, now, actor, "pool.sharing_agreement", "pool", pool_id, NULL, after);
}
