/*
 * ods.h - `flexpool import ods epraccur.csv`: keeps the ICBs' practices in step with NHS ODS's
 * practice file (epraccur: no header; the columns NHS Digital documents, of which these are read:
 * 1 organisation code, 2 name, 5-9 address lines, 10 postcode, 13 status code, 15 commissioner,
 * 26 prescribing setting). Only GP practices (prescribing setting 4) whose commissioner is a place
 * (a sub-ICB location) or an ICB flexpool knows are taken; the others are counted as skipped.
 *   - a practice flexpool does not know, open (status A), is added under that place;
 *   - one it knows has its name, address, postcode and open or closed state brought up to date;
 *     its PCN is kept while the PCN belongs to that place (the file says nothing of PCNs),
 *     otherwise it moves under the place;
 *   - a practice closed, dormant or proposed (status C, D, P) is not open: it leaves the count of
 *     the area's practices (docs/METRICS.md, coverage), never its history.
 * Each change is audited (organisation.import). The whole file is read and checked first, then
 * applied in one transaction: a malformed file, or a row without the file's columns, changes
 * nothing. CSV parsing is libcsv's.
 */
#ifndef FP_APP_ODS_H
#define FP_APP_ODS_H

#include <stdio.h>

#include "store/db.h"

struct fp_ods_counts {
  long added, updated, closed, unchanged, skipped;
};

/* Imports the file. 0, or FP_EIO / FP_EINVAL / FP_ENOMEM (said on stderr). */
int fp_ods_import(struct fp_store *s, const char *path, struct fp_ods_counts *n);
/* The same from an open stream, for tests and fuzzing. */
int fp_ods_import_stream(struct fp_store *s, FILE *f, struct fp_ods_counts *n);

/*
 * `flexpool import pcn FILE.csv` (ods_pcn.c): the PCNs' member lists, from NHS ODS's ePCN file (its
 * sheet "PCN Core Partner Details", saved as CSV; the columns found by their headings: "Partner
 * Organisation Code", "PCN Code", "PCN Name" and, when there, "Practice to PCN Relationship End
 * Date", as YYYYMMDD, YYYY-MM-DD or DD/MM/YYYY). Each current membership puts the practice (known
 * already, from the practice file) under its PCN, the PCN added under the practice's place when new;
 * a membership that has ended, a practice or PCN code this installation does not serve (or another
 * ICB's) and a malformed row are skipped. All in one transaction, each change audited
 * (organisation.import_pcn). 0, or FP_EIO / FP_EINVAL / FP_ENOMEM (said on stderr).
 */
struct fp_pcn_counts {
  long pcns_added, moved, unchanged, ended, skipped;
};
int fp_ods_pcn_import(struct fp_store *s, const char *path, struct fp_pcn_counts *n);
int fp_ods_pcn_import_stream(struct fp_store *s, FILE *f, int64_t now, struct fp_pcn_counts *n);

#endif
