/*
 * register.h - `flexpool import register gmc|performers FILE.csv [--full-register]`: checks every
 * clinician the register covers against an extract of it and flags anyone not in good standing.
 *
 * The extract is a CSV with a header naming (in any order) registration_number and status, and
 * optionally given_name, family_name, registered_from and registered_until (YYYY-MM-DD). The GMC
 * register covers GPs and physician associates (their `registration` check); NHS England's
 * Medical Performers List covers GPs (their `performers_list` check). A clinician whose row says
 * suspended, erased, lapsed or without a licence (core/passport.h, fp_register_standing) is
 * flagged: a register flag is recorded, their verified records of the check are rejected with the
 * reason, and their future bookings are re-examined (flagged passport_lapsed, never dropped). A
 * clinician missing from the file is flagged only with --full-register, which says the file is the
 * whole register. CSV parsing is libcsv's; the file is streamed, only the clinicians are held.
 */
#ifndef FP_APP_REGISTER_H
#define FP_APP_REGISTER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store/db.h"

enum fp_register { FP_REGISTER_GMC, FP_REGISTER_PERFORMERS };

struct fp_register_report {
  long rows;              /* data rows read */
  long checked;           /* clinicians the register covers */
  long matched;           /* of those, found in the file */
  long flagged;           /* flagged now (not in good standing, or missing with full_register) */
  long warnings;          /* conditions, unrecognised statuses, name mismatches: reported only */
  long bookings_lapsed;   /* future bookings newly flagged passport_lapsed */
};

/*
 * Imports from an open stream at `now`, printing one line per finding to `out` (may be NULL).
 * 0, or FP_EINVAL for a malformed file or header (nothing is changed), FP_EIO.
 */
int fp_register_import_stream(struct fp_store *s, enum fp_register reg, FILE *in, bool full_register, int64_t now,
                              FILE *out, struct fp_register_report *rep);

/* The subcommand: args after "import register". Returns the exit status. */
int fp_cli_import_register(int argc, char **argv);

#endif
