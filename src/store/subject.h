/*
 * subject.h - everything the store holds about one person, for subject access (UK GDPR Article 15;
 * GET /api/v1/me/export and the system administrator's GET /api/v1/users/{id}/export).
 *
 * FP_SUBJECT_SOURCES lists, for every table that names a person (a column referring to users or
 * clinicians, or a row kept about theirs: a timesheet of their booking, a line of their invoice,
 * the audit of their records), which of its rows are theirs. tests/api/test_export.c holds the list
 * to the schema on both engines: a foreign key to users or clinicians that no source names fails
 * it until the list says how its rows are found. Columns that
 * are secrets (password and token hashes, TOTP and webhook secrets) are withheld: named in the
 * export, never given.
 */
#ifndef FP_STORE_SUBJECT_H
#define FP_STORE_SUBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/*
 * Each source's rows are of two kinds. Their own (own): the row is about them (their booking, their
 * passport check, the audit of their account), given whole. Those they are in only as the one who
 * acted (acted: they verified someone's check, decided someone's application, cancelled someone's
 * booking): given with acted_cols alone (what they did, to which record, when), so that another
 * person's details in the row (a DBS certificate's number, a reason written about someone) are not
 * handed over; acted_cols NULL gives the whole row (a shift they posted holds nobody else's data).
 * Conditions use ?1 the user's id, ?2 their clinician id (0: none), ?3 their email; NULL: none.
 */
struct fp_subject_source {
  const char *table;
  const char *matched_by; /* the columns that name the person, space-separated (documentation and the test) */
  const char *own, *acted;
  const char *acted_cols; /* space-separated, or NULL for every column */
  const char *withheld;   /* secret columns left out of every row, space-separated, or NULL */
  /* What erasure (store/erasure.h) does to their rows: one or more statements separated by ';',
     with the same parameters, ?4 the time of the erasure and ?5 their name; or FP_ERASE_KEEP, the rows stay
     and name the person only by their id (the pseudonym). Never NULL. */
  const char *erase;
};

#define FP_ERASE_KEEP ""

extern const struct fp_subject_source FP_SUBJECT_SOURCES[];
extern const size_t FP_SUBJECT_N_SOURCES;

enum fp_subject_kind { FP_SUBJECT_NULL, FP_SUBJECT_INT, FP_SUBJECT_REAL, FP_SUBJECT_TEXT, FP_SUBJECT_BLOB };

struct fp_subject_value {
  const char *column;
  enum fp_subject_kind kind;
  int64_t i;
  double d;
  const char *s; /* text or blob bytes, valid during the callback */
  size_t n;
};

/* Where the rows go: table() once per source, in FP_SUBJECT_SOURCES order, then row() for each of
   its rows (ordered by the first column) without the withheld columns. A non-zero return stops. */
struct fp_subject_sink {
  void *ctx;
  int (*table)(void *ctx, const struct fp_subject_source *src);
  int (*row)(void *ctx, const struct fp_subject_value *cols, int n);
};

/* Every row of the person's (user_id; clinician_id 0 when not a clinician; email their address)
   into sink. The caller holds one read snapshot (fp_store_read_begin) across this and the reads of
   their evidence files, so that the export is of one moment. 0, the sink's code, or FP_EIO. */
int fp_store_subject_rows(struct fp_conn *c, int64_t user_id, int64_t clinician_id, const char *email,
                          const struct fp_subject_sink *sink);

#endif
