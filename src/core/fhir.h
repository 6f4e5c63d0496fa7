/*
 * fhir.h - the rules of flexpool's read-only FHIR R4 API (issue 15, docs/FHIR.md) that are decisions
 * rather than I/O: which resource types there are and the SMART system scopes that read them, the
 * UK Core identifier system of a registration number, a shift's Slot status, and the ids of the
 * resources that have no row of their own (a practice's HealthcareService and Schedule for a role).
 * Depends on libc and the core only.
 */
#ifndef FP_CORE_FHIR_H
#define FP_CORE_FHIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/booking.h"
#include "core/profession.h"
#include "core/time.h"

/* The resource types served, in the order of their scope bits. */
#define FP_FHIR_TYPES(XX)                  \
  XX(PRACTITIONER, "Practitioner")         \
  XX(PRACTITIONER_ROLE, "PractitionerRole") \
  XX(ORGANIZATION, "Organization")         \
  XX(HEALTHCARE_SERVICE, "HealthcareService") \
  XX(SCHEDULE, "Schedule")                 \
  XX(SLOT, "Slot")

enum fp_fhir_type {
#define XX(name, text) FP_FHIR_##name,
  FP_FHIR_TYPES(XX)
#undef XX
      FP_FHIR_N_TYPES
};

#define FP_FHIR_ALL_SCOPES ((1u << FP_FHIR_N_TYPES) - 1)

/* "Slot", or NULL. */
const char *fp_fhir_type_name(enum fp_fhir_type t);
/* The type named s (exactly, as FHIR spells it): 0, or -1. */
int fp_fhir_type_parse(const char *s, enum fp_fhir_type *out);

/*
 * A space-separated list of SMART system scopes as a mask (bit t: may read and search type t):
 * v2 "system/Slot.rs" or v1 "system/Slot.read" for each type, and "system/(star).rs" or
 * "system/(star).read" for all (the star written here in words). 0 with *mask set; -1 with *bad pointing at the first scope not
 * understood (the whole word; its length in *bad_len). An empty list is an empty mask.
 */
int fp_fhir_scopes_parse(const char *text, unsigned *mask, const char **bad, size_t *bad_len);
/* Type t's v2 scope ("system/Slot.rs") into out (64 bytes are enough). */
void fp_fhir_scope_name(enum fp_fhir_type t, char *out, size_t len);
/* The mask as v2 scopes, "system/Practitioner.rs system/Slot.rs", into out (NUL-terminated; cut
   at a word boundary when len is too small). */
void fp_fhir_scopes_text(unsigned mask, char *out, size_t len);

/* The UK Core identifier system of a registration by reg ("https://fhir.hl7.org.uk/Id/gmc-number");
   NULL for FP_REG_NONE. */
const char *fp_fhir_registration_system(enum fp_regulator reg);
/* The regulator whose identifier system is s: 0, or -1 when s is none of them. */
int fp_fhir_registration_system_parse(const char *s, enum fp_regulator *out);

#define FP_FHIR_ODS_SYSTEM "https://fhir.nhs.uk/Id/ods-organization-code"

/* What a Slot says of its shift (https://hl7.org/fhir/R4/valueset-slotstatus.html). */
enum fp_fhir_slot_status {
  FP_SLOT_FREE = 0,          /* open to the pool: a pool member may book it */
  FP_SLOT_BUSY_UNAVAILABLE,  /* held back: open only to the practice's favourites so far (tiered
                                release), or its rate awaits the pool's approval */
  FP_SLOT_BUSY,              /* booked, or worked */
  FP_SLOT_GONE,              /* withdrawn or cancelled: not a Slot any more (410, and left out of searches) */
};

/* The Slot status of a shift in status s whose pool tier opens at pool_opens_at, at now: the one
   decision, used for each Slot answered and to say which shifts a status search takes. */
enum fp_fhir_slot_status fp_fhir_slot_status(enum fp_shift_status s, fp_time pool_opens_at, fp_time now);
/* "free", "busy-unavailable", "busy"; NULL for FP_SLOT_GONE. */
const char *fp_fhir_slot_status_name(enum fp_fhir_slot_status s);
/* A searched status: 0, or -1 ("gone" is not one). */
int fp_fhir_slot_status_parse(const char *s, enum fp_fhir_slot_status *out);

/* A shift as a Slot's facts. */
struct fp_fhir_slot_facts {
  int64_t id, practice_id;
  const char *role; /* the shift's role code */
  enum fp_shift_status status;
  fp_time starts_at, ends_at, pool_opens_at;
};

/*
 * The Slot resource of a shift at now, as JSON text into out: the one way a Slot is written, for
 * the API's answers (http/h_fhir.c) and the webhooks sent in FHIR (store/webhooks.c). 0, or -1 when
 * the shift is no Slot (withdrawn or cancelled), its role cannot be an id, or len is too small.
 */
int fp_fhir_slot_json(const struct fp_fhir_slot_facts *s, fp_time now, char *out, size_t len);

/*
 * A practice's HealthcareService (and its Schedule) for a shift role has the id
 * "<practice id>-<role>" with the role's '_' written '-' (a FHIR id is [A-Za-z0-9-.]{1,64}): "12-gp",
 * "12-physician-associate". Role codes are [a-z0-9_], so the mapping is one to one.
 */
#define FP_FHIR_ID_MAX 64
/* Writes the id into out (FP_FHIR_ID_MAX + 1 bytes): 0, or -1 when it would not fit. */
int fp_fhir_service_id(int64_t practice_id, const char *role, char *out, size_t len);
/* The practice and role of id: 0, or -1 when id is not one (role is NUL-terminated in role_len bytes). */
int fp_fhir_service_id_parse(const char *id, int64_t *practice_id, char *role, size_t role_len);
/* A resource id that is a positive integer ("12"): 0 with *out, else -1 ("012", "1.5", "" are not). */
int fp_fhir_int_id_parse(const char *id, int64_t *out);

/*
 * A search on a date (FHIR R4 search, parameter type "date"), e.g. Slot's start: "2026-12-07",
 * "ge2026-12-07", "lt2026-12-07T09:00:00Z". The value stands for a range: a date for its UK day
 * (clock changes included), an instant with its zone for its second. The prefix says where the
 * start must fall against that range: none or eq within it, ge from its beginning, gt after its
 * end, lt before its beginning, le up to its end. Narrows the half-open [*from, *before) to match
 * (several bounds: all of them): 0, or -1 for what is not supported (ne, sa, eb, ap; a year or a
 * month alone; a time without its zone), leaving both as they were.
 */
int fp_fhir_date_narrow(const char *value, fp_time *from, fp_time *before);

#endif
