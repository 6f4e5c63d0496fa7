/* The candidates for "who is available". See available.h. */
#include "store/available.h"

#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/time.h"
#include "store/rows.h"
#include "store/sql.h"

/*
 * The rank: (not a favourite) * 10^12 + (999 - past sessions, at least 0) * 10^9 + distance bucket,
 * the bucket the squared equirectangular distance in (10 m)^2 units, capped at 10^9 - 1 (and that
 * for a home or practice with no location). Ordering by it is the fit; the distance shown and the
 * reach are the exact great-circle distance, worked out by the caller.
 */
static const char CANDIDATES_SQL[] =
    "SELECT id, name, profession, fav, past, lat, lon, radius, rnk FROM ("
    " SELECT id, name, profession, fav, past, lat, lon, radius,"
    "  (1 - fav) * 1000000000000 + (999 - CASE WHEN past > 999 THEN 999 ELSE past END) * 1000000000"
    "  + CASE WHEN lat IS NULL OR lon IS NULL OR ?6 = 0 THEN 999999999"
    "    WHEN ((lat - ?7) * (lat - ?7) + (lon - ?8) * ?9 * (lon - ?8) * ?9) * 123650000.0 >= 999999999 THEN 999999999"
    "    ELSE CAST(((lat - ?7) * (lat - ?7) + (lon - ?8) * ?9 * (lon - ?8) * ?9) * 123650000.0 AS BIGINT) END AS rnk"
    " FROM ("
    "  SELECT cl.id AS id, u.name AS name, cl.profession AS profession,"
    "   CASE WHEN mk.kind = 'favourite' THEN 1 ELSE 0 END AS fav,"
    "   (SELECT COUNT(*) FROM bookings b WHERE b.clinician_id = cl.id AND b.practice_id = ?1"
    "    AND b.status = 'confirmed' AND b.ends_at <= ?3) AS past,"
    "   p.lat AS lat, p.lon AS lon, COALESCE(cl.travel_radius_km, 0) AS radius"
    "  FROM clinicians cl JOIN users u ON u.id = cl.user_id"
    "  LEFT JOIN postcodes p ON p.postcode = cl.home_postcode"
    "  LEFT JOIN practice_clinician_marks mk ON mk.practice_id = ?1 AND mk.clinician_id = cl.id"
    "  WHERE EXISTS (SELECT 1 FROM pool_members m JOIN pool_members o ON o.pool_id = m.pool_id"
    "    WHERE m.clinician_id = cl.id AND o.organisation_id = ?1)"
    "   AND (mk.kind IS NULL OR mk.kind <> 'blocked') AND u.active <> 0"
    "   AND (CAST(?2 AS TEXT) IS NULL OR cl.profession = ?2)"
    "   AND (EXISTS (SELECT 1 FROM availability_windows aw WHERE aw.clinician_id = cl.id AND aw.weekday IN (?4, ?5, ?10))"
    "    OR EXISTS (SELECT 1 FROM availability_exceptions ae WHERE ae.kind = 'extra' AND ae.clinician_id = cl.id"
    "    AND ae.from_day BETWEEN ?11 AND ?12))"
    " ) x"
    ") t WHERE (?13 = 0 OR rnk > ?14 OR (rnk = ?14 AND id > ?15)) ORDER BY rnk, id LIMIT ?16";

static const struct fp_colspec CANDIDATE_READ[] = {
    FP_C(INT, struct fp_candidate, clinician_id),
    FP_C(TEXT, struct fp_candidate, name),
    FP_C(TEXT, struct fp_candidate, profession),
    FP_C(BOOL, struct fp_candidate, favourite),
    FP_C(INT, struct fp_candidate, past_sessions),
    FP_C(REAL, struct fp_candidate, lat),
    FP_C(REAL, struct fp_candidate, lon),
    FP_C(INT, struct fp_candidate, travel_radius_km),
    FP_C(INT, struct fp_candidate, rank),
};

int fp_store_available_candidates(struct fp_conn *c, const struct fp_candidate_query *q,
                                  void (*cb)(const struct fp_candidate *k, void *ctx), void *ctx, bool *more) {
  *more = false;
  fp_stmt *st = fp_db_stmt(c, CANDIDATES_SQL);
  if (!st) return FP_EIO;
  /* Windows of the local day before the first (a night into it) to the last; a shift is at most a
     few days long, and the caller asks for one day: three weekdays cover it. */
  const fp_day before = q->day_first - 1;
  fp_bind_int64(st, 1, q->practice_id);
  fp_bind_text(st, 2, q->profession);
  fp_bind_int64(st, 3, q->start);
  fp_bind_int64(st, 4, fp_weekday(before));
  fp_bind_int64(st, 5, fp_weekday(q->day_first));
  fp_bind_int64(st, 6, q->practice_located ? 1 : 0);
  fp_bind_double(st, 7, q->lat);
  fp_bind_double(st, 8, q->lon);
  fp_bind_double(st, 9, cos(q->lat * M_PI / 180.0));
  fp_bind_int64(st, 10, fp_weekday(q->day_last));
  fp_bind_int64(st, 11, before);
  fp_bind_int64(st, 12, q->day_last);
  fp_bind_int64(st, 13, q->has_after ? 1 : 0);
  fp_bind_int64(st, 14, q->after_rank);
  fp_bind_int64(st, 15, q->after_id);
  fp_bind_int64(st, 16, (int64_t)q->limit + 1);
  int rc, n = 0;
  while ((rc = fp_step(st)) == FP_ROW) {
    if (n == q->limit) {
      *more = true;
      break;
    }
    struct fp_candidate k;
    memset(&k, 0, sizeof k);
    fp_read_cols(st, 0, CANDIDATE_READ, FP_NCOLS(CANDIDATE_READ), &k);
    k.has_home = !fp_col_null(st, 5) && !fp_col_null(st, 6);
    cb(&k, ctx);
    n++;
  }
  fp_reset(st);
  return rc == FP_ROW || rc == FP_DONE ? 0 : FP_EIO;
}
