/*
 * fields.h - request bodies described as tables of field specs and checked by one validator
 * (after GNU Taler's json parse specs). The validator answers 400 naming the field on the first
 * problem, so handlers never walk JSON by hand.
 *
 * Strings are borrowed from the request's JSON and live as long as the request.
 */
#ifndef FP_HTTP_FIELDS_H
#define FP_HTTP_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include "http/auth.h"
#include "http/request.h"

enum fp_field_type {
  FP_F_STRING,   /* dest: const char **; min/max are lengths in bytes (max defaults to 200) */
  FP_F_INT,      /* dest: int64_t *; min/max are the range */
  FP_F_BOOL,     /* dest: bool * */
  FP_F_TIME,     /* dest: fp_time *; RFC 3339 */
  FP_F_DATE,     /* dest: fp_day *; YYYY-MM-DD */
  FP_F_EMAIL,    /* dest: const char ** */
  FP_F_ENUM,     /* dest: const char **; one of `choices` (NULL-terminated) */
  FP_F_JSON,     /* dest: json_t ** (borrowed); any object */
  FP_F_ARRAY,    /* dest: json_t ** (borrowed); an array of min..max elements (a longer one is refused, never cut) */
  FP_F_TENTHS,   /* dest: int64_t *; a number with at most one decimal place (85.5), as tenths (855);
                    min/max are the range in tenths */
};

struct fp_field {
  const char *name;
  enum fp_field_type type;
  bool required;
  int64_t min, max;
  const char *const *choices;
  void *dest;
  bool *present;   /* optional: set to whether the field was given (and not null) */
};

#define FP_FIELD_END {0}
/* Fields that several requests take, each defined once: a required email address, and a required
   password (one to check, or a new one). */
#define FP_FIELD_EMAIL(name, dst)                                                                                      \
  { (name), FP_F_EMAIL, true, 0, 254, NULL, (dst), NULL }
#define FP_FIELD_PASSWORD(name, dst)                                                                                   \
  { (name), FP_F_STRING, true, 1, FP_PASSWORD_MAX_BYTES, NULL, (dst), NULL }

/*
 * Checks obj against the spec and fills the destinations. Unknown fields are refused (a typo must
 * not silently do nothing). null counts as absent. Returns 0, or answers 400 and returns -1.
 */
int fp_fields_parse_or_respond(struct fp_req *r, json_t *obj, const struct fp_field *spec);
/* The request's body as a JSON object (fp_req_json_or_respond) parsed by spec: 0, or -1 once
   answered. */
int fp_body_fields_or_respond(struct fp_req *r, const struct fp_field *spec);
/* After fp_fields_parse_or_respond answered 400 for an object nested in the body, names the field
   in full: prefix ("profile.", "pattern[2].") before the field the answer names. */
void fp_fields_prefix_error(struct fp_req *r, const char *prefix);

/* Parses a query parameter as an integer in [min, max]; absent leaves *out. 0, or answers 400 and -1. */
int fp_query_int_or_respond(struct fp_req *r, const char *name, int64_t min, int64_t max, int64_t *out);
/* Parses a query parameter as RFC 3339 time or a YYYY-MM-DD date (its UK midnight). */
int fp_query_time_or_respond(struct fp_req *r, const char *name, fp_time *out, bool *present);
/*
 * Parses a query parameter that must be one of `values` (NULL-terminated): *out its index, or
 * dflt when absent. Anything else answers 400 naming the parameter and its values; -1.
 */
int fp_query_enum_or_respond(struct fp_req *r, const char *name, const char *const *values, int dflt, int *out);
/*
 * The search text `q` of a list (in names, case-insensitive): NULL when absent or empty; more than
 * 100 characters answers 400 with the field q and returns -1.
 */
int fp_query_search_or_respond(struct fp_req *r, const char **out);

#endif
