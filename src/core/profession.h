/*
 * profession.h - the catalogue of professions and shift roles: lowercase codes, display names,
 * regulator and registration-number format. Custom roles a pool adds live in the store; this is the
 * built-in catalogue. Depends on libc only.
 */
#ifndef FP_CORE_PROFESSION_H
#define FP_CORE_PROFESSION_H

#include <stdbool.h>

enum fp_regulator {
  FP_REG_NONE = 0,
  FP_REG_GMC,  /* 7 digits */
  FP_REG_NMC,  /* PIN: 2 digits, a letter, 4 digits, a letter, e.g. "12A3456E" */
  FP_REG_GPHC, /* 7 digits */
  FP_REG_HCPC, /* 2 letters and 5 or 6 digits, e.g. "PA123456" */
};

struct fp_profession {
  const char *code;            /* "gp" */
  const char *name;            /* "General practitioner" */
  enum fp_regulator regulator;
  const char *regulator_name;  /* "GMC" or "none" */
};

/* The built-in professions, in display order; *n receives the count. */
const struct fp_profession *fp_professions(int *n);
/* NULL when the code is not built in. */
const struct fp_profession *fp_profession_find(const char *code);
/* Whether `number` has the regulator's format (always true for FP_REG_NONE with an empty number). */
bool fp_registration_valid(enum fp_regulator reg, const char *number);

#endif
