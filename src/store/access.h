/*
 * access.h - the one decision on whether a practice may read a clinician's personal data: the
 * passport summary, the evidence files, the clinician's profile and the clinician in any list.
 *
 * A practice reads a clinician only while it has a live relationship with them, and the reason is
 * named (and written to the passport's access log):
 *   - "application": the clinician has an open (pending) application for one of its shifts;
 *   - "booking":     a confirmed booking at the practice whose session has not yet ended;
 *   - "worked":      a confirmed booking whose session ended within the last N months
 *                    (--passport-access-months, default 12); not one the practice marked
 *                    did_not_attend (that booking gives nothing once marked);
 *   - "grant":       a current placement grant to the practice, or to the PCN it belongs to (a grant
 *                    to a PCN covers every practice whose parent is that PCN), given by a pool the
 *                    clinician is still a member of: leaving that pool ends the grant's access.
 * A cancelled booking, a declined or withdrawn application, a session worked longer ago, a
 * revoked or expired grant, or a grant whose pool the clinician has left give nothing.
 *
 * The rule is one SQL relation, FP_ACCESS_LIVE, used by every statement that decides such a read
 * (store/passport.c for the passport and its evidence, store/members.c for profiles and lists), so
 * that the places cannot drift apart. Its three clock parameters are the numbered parameters ?97,
 * ?98 and ?99 (numbered so that they never collide with a statement's own ?1..?N); bind them with
 * fp_access_bind.
 *
 * Depends on store/db.h and core/time.h; never on HTTP or JSON.
 */
#ifndef FP_STORE_ACCESS_H
#define FP_STORE_ACCESS_H

#include <stdint.h>

#include "core/time.h"
#include "store/db.h"

typedef struct fp_stmt fp_stmt; /* a statement (store/sql.h), opaque here */

#define FP_ACCESS_MONTHS_DEFAULT 12

/* When the decision is taken: now, the UK day, and the oldest session end that still counts. */
struct fp_access_clock {
  int64_t now;
  fp_day today;
  int64_t worked_since;
};

/* months: how long a worked session keeps the practice's access (0: until the session ends). */
void fp_access_clock_init(struct fp_access_clock *k, int64_t now, int months);

/*
 * Every live relationship between a clinician and a practice, as rows
 * (clinician_id, practice_id, reason, rank): lower rank first when several apply.
 */
#define FP_ACCESS_LIVE                                                                                      \
  "(SELECT a.clinician_id AS clinician_id, s.practice_id AS practice_id, 'application' AS reason, 2 AS rank" \
  "  FROM applications a JOIN shifts s ON s.id = a.shift_id WHERE a.status = 'pending'"                     \
  " UNION ALL SELECT b.clinician_id, b.practice_id, CASE WHEN b.ends_at > ?97 THEN 'booking' ELSE 'worked' END," \
  "  CASE WHEN b.ends_at > ?97 THEN 1 ELSE 3 END FROM bookings b"                                           \
  "  WHERE b.status = 'confirmed' AND COALESCE(b.attendance, '') <> 'did_not_attend' AND b.ends_at >= ?98" \
  " UNION ALL SELECT g.clinician_id, o.id, 'grant', 4 FROM passport_grants g JOIN organisations o"          \
  "  ON o.level = 'practice' AND (o.id = g.organisation_id OR o.parent_id = g.organisation_id)"              \
  "  WHERE g.revoked_at IS NULL AND g.from_day <= ?99 AND g.until_day >= ?99"                               \
  "  AND EXISTS (SELECT 1 FROM pool_members m WHERE m.pool_id = g.pool_id AND m.clinician_id = g.clinician_id))"

/* Binds ?97 (now), ?98 (worked_since) and ?99 (today) of a statement using FP_ACCESS_LIVE. */
void fp_access_bind(fp_stmt *st, const struct fp_access_clock *k);

/* The reason as a static string ("application", "booking", "worked", "grant"); NULL if unknown. */
const char *fp_access_reason(const unsigned char *text);

#endif
