/*
 * passport.h - what the passport's handler files share (h_passport.c: the checks; h_evidence.c:
 * the evidence files; h_passport_grants.c: the access log and placement grants;
 * h_passport_requirements.c: the catalogue and requirements). Internal to src/http.
 *
 * Who sees a passport: the clinician; a system administrator; the administrator of a pool the
 * clinician belongs to (or asked to join), who also verifies; a practice manager of a practice
 * with a live relationship to the clinician (store/access.h: an open application, a confirmed
 * booking, a session worked there in the last --passport-access-months, a current grant), who
 * sees a summary and may open the evidence. A commissioner sees compliance as counts only. Every
 * view of a passport or of evidence is appended to the access log with the reason it was allowed,
 * in a transaction of its own before anything is shown: no log, no view.
 */
#ifndef FP_HTTP_PASSPORT_H
#define FP_HTTP_PASSPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/time.h"
#include "http/request.h"
#include "store/passport.h"

/* "subscribed", "not_subscribed": the DBS update service, as a record states it. */
extern const char *const FP_PASSPORT_UPDATE_SERVICE[];

static inline fp_day fp_passport_today(const struct fp_req *r) { return fp_uk_day(r->now); }
/* A date, or JSON null for FP_DAY_NONE. */
json_t *fp_passport_date_or_null(fp_day d);

/* How the caller comes to see a clinician's passport. */
struct fp_passport_access {
  const char *basis;          /* self, sysadmin, pool_admin, practice_manager */
  const char *reason;         /* why a pool or practice may look (store/access.h), NULL otherwise */
  bool manage;                /* may verify and grant: sysadmin or the pool's administrator */
  bool practice;              /* a practice's summary view */
  int64_t organisation_id, pool_id;
  struct fp_passport_relation rel;
};

/*
 * Works out the caller's access to clinician_id's passport. Answers 404 when the clinician does
 * not exist or the caller has no relation to them, 403 for a commissioner (counts only) or when
 * `need_manage` and the caller only reads.
 */
int fp_passport_access_or_respond(struct fp_req *r, struct fp_conn *c, int64_t clinician_id, bool need_manage,
                                  struct fp_passport_access *a);
/* Appends the view to the access log before anything is shown. */
int fp_passport_log_view_or_respond(struct fp_req *r, const struct fp_passport_access *a, int64_t clinician_id,
                                    const char *what, int64_t check_id, int64_t evidence_id);
/* This thread's reader, or answers 503 and NULL. */
struct fp_conn *fp_passport_reader_or_respond(struct fp_req *r);
/* The file name ending of an evidence file's content type (the three the upload takes): pdf, jpg, png. */
const char *fp_evidence_ext(const char *content_type);
/*
 * For what only the clinician themself and whoever manages their passport may do (upload evidence,
 * read the access log, list placement grants): this thread's reader, with the caller's access to
 * clinician_id's passport in *a; otherwise answers (503, 404 as fp_passport_access_or_respond, or 403
 * `forbidden`) and returns NULL.
 */
struct fp_conn *fp_passport_self_or_manager_or_respond(struct fp_req *r, int64_t clinician_id, const char *forbidden,
                                                       struct fp_passport_access *a);
/* ?on=YYYY-MM-DD, default today. */
int fp_passport_on_day_or_respond(struct fp_req *r, fp_day *on);

json_t *fp_passport_evidence_json(const struct fp_evidence *e);
/* Appends fp_passport_evidence_json(e) to the array ctx (a store list callback). */
void fp_passport_add_evidence(const struct fp_evidence *e, void *ctx);
/*
 * A check record as the API shows it. `full` adds the pool's internal note (the clinician and the
 * pool see it; a practice's summary does not).
 */
json_t *fp_passport_record_json(const struct fp_check_row *k, bool full);
json_t *fp_passport_validity_json(const struct fp_check_type *t);
json_t *fp_passport_type_json(const struct fp_check_type *t);

#endif
