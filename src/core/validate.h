/*
 * validate.h - formats of identifiers that arrive from outside: ODS codes, UK postcodes, email
 * addresses, professional registration numbers. Pure functions over strings. Depends on libc only.
 */
#ifndef FP_CORE_VALIDATE_H
#define FP_CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

enum fp_org_level {
  FP_ORG_NATIONAL = 0, /* e.g. a system operator; ODS code unchecked */
  FP_ORG_ICB = 1,      /* 3 characters, letters and digits, e.g. "QWO" */
  FP_ORG_PLACE = 2,    /* place (sub-ICB location): 3 to 5 letters and digits, e.g. "02T" */
  FP_ORG_PCN = 3,      /* 'U' and 5 digits, e.g. "U12345" */
  FP_ORG_PRACTICE = 4, /* a letter and 5 digits, e.g. "B86001" */
};

/* Parses "icb", "place", "pcn", "practice", "national". Returns 0 or FP_EINVAL. */
int fp_org_level_parse(const char *s, enum fp_org_level *out);
const char *fp_org_level_name(enum fp_org_level l);
/* The level a parent must have for a child of `child` (ICB > place > PCN > practice); PCN's parent may be a place or an ICB. */
bool fp_org_parent_ok(enum fp_org_level parent, enum fp_org_level child);

/* Upper-case ASCII letters/digits only and the length/shape for the level. */
bool fp_ods_valid(enum fp_org_level level, const char *code);

/*
 * Normalises a UK postcode ("ls1 4ap", "LS14AP", " LS1  4AP ") to upper case with one space before
 * the inward code ("LS1 4AP"). Checks the shape (outward A9, A99, AA9, AA99, A9A, AA9A; inward 9AA).
 * Returns 0 or FP_EINVAL. out must hold 9 bytes.
 */
int fp_postcode_normalise(const char *in, char out[9]);

/*
 * A UK telephone number as people write it: digits with spaces, hyphens and brackets between them,
 * starting with 0 (10 or 11 digits: "0113 496 0000", "07700 900123", "(0113) 496-0000") or with +44
 * (then 10 digits, an optional "(0)" after the country code: "+44 7700 900123", "+44 (0)113 496 0000").
 * At most 40 characters.
 */
bool fp_phone_valid(const char *s);

/*
 * A UK bank sort code as people write it (six digits, in pairs with hyphens or spaces between them,
 * or none: "12-34-56", "12 34 56", "123456") as "12-34-56"; and a UK account number (eight digits,
 * spaces allowed between them) as "12345678". 0 or FP_EINVAL; out must hold 9 bytes.
 */
int fp_sort_code_normalise(const char *in, char out[9]);
int fp_account_number_normalise(const char *in, char out[9]);

/* How many lines s has ('\n' between them; 0 for NULL or ""), and the most a postal address may
   have: an organisation's (on the invoices it receives) or a clinician's (on those they issue). */
int fp_text_lines(const char *s);
#define FP_ADDRESS_MAX_LINES 6

/* A plain, practical check: one '@', non-empty local part, a dot in the domain, no spaces, <= 254. */
bool fp_email_valid(const char *s);

/* Great-circle distance in kilometres between two WGS84 points (haversine, mean radius 6371.0088). */
double fp_distance_km(double lat1, double lon1, double lat2, double lon2);

#endif
