/*
 * passport.h - the clinician passport in the store: the catalogue of check types and what each
 * profession requires, the clinician's check records and their evidence files, who may see a
 * passport, the append-only access log, placement grants, register flags, and the re-examination
 * of future bookings when a check lapses.
 *
 * Evidence files live outside the database, under <data-dir>/evidence/, named by the SHA-256 of
 * their content, so that the same file uploaded twice is stored once; the database holds the
 * metadata. Files are written to a temporary name first and renamed into place inside the write
 * transaction that records them, so that a refused or failed upload leaves nothing behind.
 *
 * Depends on core/passport.h, store/db.h, store/scope.h and store/shifts.h (fp_checks, the booking
 * decision's view of a passport, is declared there and implemented here). Never on HTTP or JSON.
 */
#ifndef FP_STORE_PASSPORT_H
#define FP_STORE_PASSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/passport.h"
#include "store/access.h"
#include "store/db.h"
#include "store/scope.h"
#include "store/shifts.h"

#define FP_EVIDENCE_MAX_BYTES (10 * 1024 * 1024) /* per file */
#define FP_EVIDENCE_MAX_CURRENT 5                /* kept files of a check's current records */
#define FP_EVIDENCE_MAX_TOTAL ((int64_t)100 * 1024 * 1024) /* kept files of one clinician */
#define FP_PASSPORT_LAPSED "passport_lapsed"     /* the booking flag */

/* ---- the catalogue and the requirements ---- */

struct fp_check_type {
  char code[40];
  char name[121];
  char description[401];
  enum fp_validity validity;
  int renewal_months;          /* for FP_VALIDITY_PERIOD, else 0 */
  bool limited_retention;      /* copies deleted after the DBS retention */
  int position;
};

/* Every check type in display order. */
int fp_store_check_types(struct fp_conn *c, void (*cb)(const struct fp_check_type *t, void *ctx), void *ctx);
/* 0, FP_ENOTFOUND or FP_EIO. */
int fp_store_check_type_get(struct fp_conn *c, const char *code, struct fp_check_type *out);

/*
 * Who owns a requirement: the national baseline of each profession (only the system administrator
 * changes it) and the checks a pool adds for its own members (which never drop a baseline one). A
 * profession with no baseline of its own is held to the baseline for unregistered roles (identity,
 * right to work, DBS, occupational health, references, employment history, the Core Skills).
 */
struct fp_requirement {
  const char *profession, *code;
  bool baseline;               /* from the baseline (else the pool's addition) */
  bool default_baseline;       /* the profession's baseline is the unregistered roles' default */
};
/* What each profession requires in pool_id (0: the baseline alone), in profession then catalogue
   order; profession NULL for every profession with a baseline or an addition in the pool. */
int fp_store_requirements_list(struct fp_conn *c, const char *profession, int64_t pool_id,
                               void (*cb)(const struct fp_requirement *q, void *ctx), void *ctx);
/*
 * Makes code required (or not) for profession: in the baseline (pool_id 0: the system
 * administrator's) or as pool_id's own addition. FP_EPERM when a pool would drop a baseline check.
 * The first change to a profession on the default baseline starts from that default. *changed
 * tells whether anything changed. Audited.
 */
int fp_store_requirement_set(struct fp_conn *c, const char *profession, const char *code, bool required,
                             int64_t pool_id, int64_t actor, int64_t now, bool *changed);
/* Removes pool_id's additions for profession (NULL: for every profession); *n receives how many. Audited. */
int fp_store_pool_requirements_clear(struct fp_conn *c, int64_t pool_id, const char *profession, int64_t actor,
                                     int64_t now, int *n);

/* ---- check records ---- */

struct fp_check_row {
  int64_t id, clinician_id;
  char code[40];
  char status[12];             /* submitted, verified, rejected */
  fp_day issued_on, expires_on; /* FP_DAY_NONE when not set */
  char reference[101];
  char note[501];
  char update_service[16];     /* "subscribed", "not_subscribed" or "" */
  int64_t decided_by;          /* the pool's decision: verified_by / verified_at columns */
  int64_t decided_at;
  char decided_by_name[201];
  int64_t submitted_by;
  int64_t created_at;
  /* Joined. */
  char clinician_name[201];
  char profession[48];
};

/* 0, FP_ENOTFOUND or FP_EIO. */
int fp_store_check_get(struct fp_conn *c, int64_t id, struct fp_check_row *out);
/* Inserts a submitted record from r (clinician_id, code, dates, reference, update_service, submitted_by). */
int fp_store_check_insert(struct fp_conn *c, const struct fp_check_row *r, int64_t now, int64_t *id);
/*
 * Records the pool's decision on a record: status "verified" or "rejected", the dates, reference
 * and Update Service status as corrected, the note, who and when. Audited with before and after.
 */
int fp_store_check_decide(struct fp_conn *c, const struct fp_check_row *before, const struct fp_check_row *after,
                          int64_t actor, int64_t now);
/* Every record of the clinician, newest first. */
int fp_store_checks_of(struct fp_conn *c, int64_t clinician_id, void (*cb)(const struct fp_check_row *r, void *ctx),
                       void *ctx);

/* ---- evidence ---- */

struct fp_evidence {
  int64_t id, check_id, clinician_id;
  char sha256[65];
  char content_type[24];
  int64_t size;
  char filename[121];
  int64_t uploaded_by, uploaded_at;
  int64_t deleted_at;          /* 0 while the copy is kept */
  char deleted_reason[32];
  char check_code[40];         /* joined */
};

int fp_store_evidence_insert(struct fp_conn *c, const struct fp_evidence *e, int64_t *id);
int fp_store_evidence_get(struct fp_conn *c, int64_t id, struct fp_evidence *out);
/* Evidence of all the clinician's records, by record then id. */
int fp_store_evidence_of(struct fp_conn *c, int64_t clinician_id, void (*cb)(const struct fp_evidence *e, void *ctx),
                         void *ctx);

/*
 * What a clinician's evidence takes up, for the quotas checked at upload: *current the kept files
 * of their current records of check `code` (awaiting the pool, or verified and not expired on
 * `today`), *bytes the size of all their kept files.
 */
int fp_store_evidence_usage(struct fp_conn *c, int64_t clinician_id, const char *code, fp_day today, int *current,
                            int64_t *bytes);

/* Evidence of one record, by id. */
int fp_store_evidence_of_check(struct fp_conn *c, int64_t check_id, void (*cb)(const struct fp_evidence *e, void *ctx),
                               void *ctx);

/*
 * Evidence files, stored once per content (keyed by SHA-256): on SQLite as files in
 * <data_dir>/evidence/, on PostgreSQL in the database (evidence_blobs, bytea), so that every
 * server of a deployment reads every file. The stage step runs outside any transaction (it is the
 * slow part): it writes data to a temporary file under <data_dir>/evidence/ (fsync'd) and computes
 * its SHA-256 (hex). fp_evidence_place, inside the write transaction that records the file, stores
 * it (SQLite: renames it to its final name; PostgreSQL: inserts it) or drops it when that content
 * is stored already (*created false); fp_evidence_unplace removes stored content (inside a write
 * transaction); fp_evidence_abandon undoes a place whose transaction then failed (SQLite: the file
 * is removed; PostgreSQL: the rollback did it). fp_evidence_discard drops a staged file.
 */
int fp_evidence_stage(const char *data_dir, const void *data, size_t len, char *tmp_path, size_t tmp_len,
                      char sha256_hex[65]);
int fp_evidence_place(struct fp_conn *c, const char *tmp_path, const char *sha256_hex, bool *created);
int fp_evidence_unplace(struct fp_conn *c, const char *sha256_hex);
void fp_evidence_abandon(struct fp_store *s, const char *sha256_hex);
void fp_evidence_discard(const char *tmp_path);
/* Reads stored content (malloc'd into *data). FP_ENOTFOUND when it is gone. */
int fp_evidence_read(struct fp_conn *c, const char *sha256_hex, char **data, size_t *len);

/* ---- who may see a passport ---- */

/*
 * The caller's relations to a clinician, from their scope (store/scope.h) at clock: whichever
 * apply are set. A practice's relation is the live relationship of store/access.h, nothing older.
 */
struct fp_passport_relation {
  bool exists;                 /* the clinician exists */
  bool self;
  bool sysadmin;
  int64_t pool_id;             /* a pool the caller administers that the clinician belongs or asked to */
  const char *pool_via;        /* "member" or "join_request" */
  int64_t practice_id;         /* a practice the caller manages with a live relationship to the clinician */
  const char *practice_via;    /* "application", "booking", "worked" or "grant" (store/access.h) */
  bool commissioner;           /* the clinician is in a pool inside the caller's ICB (counts only) */
};
int fp_store_passport_relation(struct fp_conn *c, int64_t clinician_id, const struct fp_scope *scope,
                               const struct fp_access_clock *clock, struct fp_passport_relation *out);

/* The clinician's name and profession. FP_ENOTFOUND when there is none. */
int fp_store_clinician_brief(struct fp_conn *c, int64_t clinician_id, char *name, size_t name_len, char *profession,
                             size_t profession_len);

/* ---- the access log ---- */

struct fp_access_entry {
  int64_t id, at, viewer_user_id, clinician_id;
  char what[12];               /* passport, evidence */
  int64_t check_id, evidence_id;
  char basis[20];              /* self, pool_admin, practice_manager, sysadmin */
  char reason[16];             /* why the practice or pool may look: application, booking, worked, grant;
                                  member, join_request; "" for self and sysadmin (and older rows) */
  int64_t organisation_id, pool_id;
  /* Joined for display. */
  char viewer_name[201];
  char organisation_name[201];
  char pool_name[201];
  char check_code[40];
};
int fp_store_access_log_add(struct fp_conn *c, const struct fp_access_entry *e);
/* Newest first, entries with id < before_id (0: from the newest). */
int fp_store_access_log_list(struct fp_conn *c, int64_t clinician_id, int64_t before_id, int limit,
                             void (*cb)(const struct fp_access_entry *e, void *ctx), void *ctx, bool *more);

/* ---- placement grants ---- */

/*
 * A placement grant: a practice or PCN (all its practices) may read the clinician's passport from
 * from_day to until_day, given by an administrator of pool_id, a pool the clinician is a member of.
 * It gives access only while the clinician is still a member of that pool (store/access.h).
 */
struct fp_grant {
  int64_t id, clinician_id, organisation_id, pool_id;
  fp_day from_day, until_day;
  fp_day placement_starts_on;  /* FP_DAY_NONE when not given */
  int64_t granted_by, created_at, revoked_at, revoked_by;
  /* Joined. */
  char organisation_name[201];
  char organisation_level[12];
  char pool_name[201];         /* "" when the grant names no pool (only grants revoked when the rules came) */
  bool member;                 /* the clinician is still a member of pool_id */
};
int fp_store_grant_insert(struct fp_conn *c, const struct fp_grant *g, int64_t *id);
int fp_store_grant_get(struct fp_conn *c, int64_t id, struct fp_grant *out);
int fp_store_grant_list(struct fp_conn *c, int64_t clinician_id, void (*cb)(const struct fp_grant *g, void *ctx),
                        void *ctx);
/*
 * The pool through which the caller (scope) may grant access to clinician_id's passport: a pool the
 * caller administers and the clinician is a member of (want_pool, or the lowest such id when 0).
 * *pool_id is 0 when there is none.
 */
int fp_store_grant_pool(struct fp_conn *c, int64_t clinician_id, const struct fp_scope *scope, int64_t want_pool,
                        int64_t *pool_id);
/* FP_ECONFLICT when already revoked. */
int fp_store_grant_revoke(struct fp_conn *c, int64_t id, int64_t actor, int64_t now);

/* ---- the verification queue and pool compliance ---- */

enum fp_queue_sort { FP_QUEUE_OLDEST, FP_QUEUE_NEWEST, FP_QUEUE_BY_NAME };
struct fp_queue_query {
  const struct fp_scope *scope; /* sysadmin: all; pool admin: clinicians of their pools or asking to join */
  int64_t pool_id;              /* 0: any of the caller's pools */
  const char *q;                /* NULL, or found in the clinician's name */
  const char *profession;       /* NULL: any */
  const char *code;             /* NULL, or only records of this check */
  enum fp_queue_sort sort;      /* waiting longest first, newest first, or by the clinician's name */
  int limit;
  struct fp_list_pos after;     /* where the page before ended */
};
/* One page of submitted records; *last receives the sort key of the last one given to cb. */
int fp_store_queue(struct fp_conn *c, const struct fp_queue_query *q,
                   void (*cb)(const struct fp_check_row *r, void *ctx), void *ctx, bool *more,
                   struct fp_list_pos *last);

/* The clinicians who are members of a pool, in id order. */
int fp_store_pool_clinicians(struct fp_conn *c, int64_t pool_id,
                             void (*cb)(int64_t id, const char *name, const char *profession, void *ctx), void *ctx);

/* ---- register flags ---- */

struct fp_register_flag {
  int64_t id, clinician_id;
  char register_name[12];      /* gmc, performers */
  char registration_number[33];
  char status[16];             /* suspended, erased, lapsed, missing, no_licence */
  char detail[201];
  int64_t imported_at;
};
int fp_store_register_flag_add(struct fp_conn *c, const struct fp_register_flag *f);
int fp_store_register_flags_of(struct fp_conn *c, int64_t clinician_id,
                               void (*cb)(const struct fp_register_flag *f, void *ctx), void *ctx);
/* Clinicians of the given professions (NULL-terminated list), with their registration numbers. */
int fp_store_clinicians_registered(struct fp_conn *c, const char *const *professions,
                                   void (*cb)(int64_t id, const char *name, const char *regnum, void *ctx), void *ctx);
/*
 * Rejects the clinician's verified records of `code` (the register no longer supports them), with
 * note, as the system (actor 0); *n receives how many. Audited.
 */
int fp_store_checks_revoke(struct fp_conn *c, int64_t clinician_id, const char *code, const char *note, int64_t now,
                           int *n);

/* ---- re-examining bookings ---- */

/* Zero it before use; fp_reexam_release it after. */
struct fp_reexam {
  int n_flagged, n_cleared;
  int n_ids;
  size_t cap_ids;
  int64_t *flagged_ids;        /* every booking newly flagged (malloc'd) */
};
void fp_reexam_release(struct fp_reexam *r);

/*
 * Re-examines the clinician's confirmed bookings that start after now against their passport on
 * each shift's day: a booking the passport no longer covers gets the flag passport_lapsed (it is
 * never cancelled); one it covers again loses it. Each change is audited. Inside a write transaction.
 */
int fp_store_passport_reexamine(struct fp_conn *c, int64_t clinician_id, int64_t now, int64_t actor,
                                struct fp_reexam *out);
/* The same for every clinician with a future booking (the upkeep sweep), or of one profession
   (NULL: any), or booked through one pool (0: any). */
int fp_store_passport_reexamine_all(struct fp_conn *c, const char *profession, int64_t pool_id, int64_t now,
                                    int64_t actor, struct fp_reexam *out);

/*
 * Deletes the copies of evidence with limited retention (DBS certificates) whose record was decided
 * at least `months` months before now: the rows and the verified facts stay, marked deleted, and
 * the files are left to fp_store_evidence_files_remove. *n receives how many.
 */
int fp_store_evidence_expire(struct fp_conn *c, int months, int64_t now, int *n);
/*
 * Removes the files of evidence marked deleted that no kept copy refers to (the same content may
 * have been uploaded again), and notes them done. Run in its own transaction after the one that
 * marked them: if that one had failed, its rows would still refer to their files. Removing a file
 * twice is harmless, so a failure here is made good by the next run. *n receives how many files.
 */
int fp_store_evidence_files_remove(struct fp_conn *c, int *n);

/* ---- the demo data set (app/demo_passport.c decides what to insert) ---- */

/* Every clinician, in id order, with their account's email, name and state, and when they joined. */
int fp_store_passport_demo_clinicians(struct fp_conn *c,
                                      void (*cb)(int64_t id, const char *email, const char *name,
                                                 const char *profession, bool active, int64_t created_at,
                                                 void *ctx),
                                      void *ctx);
/*
 * Inserts a record with every column as given (status, dates, reference, note, update_service,
 * decided_by / decided_at for a decision, submitted_by, created_at); *id receives its id.
 */
int fp_store_passport_demo_check(struct fp_conn *c, const struct fp_check_row *k, int64_t *id);
/*
 * Stores data as the evidence of record check_id, as an upload would (under the evidence folder
 * beside the database), without the upload's checks.
 */
int fp_store_passport_demo_evidence(struct fp_conn *c, int64_t check_id, const void *data, size_t len,
                                    const char *content_type, const char *filename, int64_t uploaded_by, int64_t at);

#endif
