/*
 * profession.c - the built-in catalogue of professions and registration-number formats.
 */
#include "core/profession.h"

#include <stddef.h>
#include <string.h>

static const struct fp_profession professions[] = {
    {"gp", "General practitioner", FP_REG_GMC, "GMC"},
    {"physician_associate", "Physician associate", FP_REG_GMC, "GMC"}, /* GMC-regulated since Dec 2024 */
    {"nurse", "Nurse", FP_REG_NMC, "NMC"},
    {"nursing_associate", "Nursing associate", FP_REG_NMC, "NMC"},
    {"pharmacist", "Pharmacist", FP_REG_GPHC, "GPhC"},
    {"pharmacy_technician", "Pharmacy technician", FP_REG_GPHC, "GPhC"},
    {"paramedic", "Paramedic", FP_REG_HCPC, "HCPC"},
    {"physiotherapist", "Physiotherapist", FP_REG_HCPC, "HCPC"},
    {"dietitian", "Dietitian", FP_REG_HCPC, "HCPC"},
    {"occupational_therapist", "Occupational therapist", FP_REG_HCPC, "HCPC"},
    {"podiatrist", "Podiatrist", FP_REG_HCPC, "HCPC"},
    {"healthcare_assistant", "Healthcare assistant", FP_REG_NONE, "none"},
    {"care_coordinator", "Care coordinator", FP_REG_NONE, "none"},
    {"health_and_wellbeing_coach", "Health and wellbeing coach", FP_REG_NONE, "none"},
    {"social_prescribing_link_worker", "Social prescribing link worker", FP_REG_NONE, "none"},
    {"mental_health_practitioner", "Mental health practitioner", FP_REG_NONE, "none"},
};

#define N_PROFESSIONS ((int)(sizeof professions / sizeof professions[0]))

const struct fp_profession *fp_professions(int *n) {
  if (n)
    *n = N_PROFESSIONS;
  return professions;
}

const struct fp_profession *fp_profession_find(const char *code) {
  if (!code)
    return NULL;
  for (int i = 0; i < N_PROFESSIONS; i++)
    if (strcmp(professions[i].code, code) == 0)
      return &professions[i];
  return NULL;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

/*
 * Whether s matches the pattern exactly: '9' a digit, 'A' a letter of either case. The pattern is
 * walked first, so a short s stops at its NUL.
 */
static bool matches(const char *s, const char *pattern) {
  size_t i = 0;
  for (; pattern[i]; i++) {
    if (pattern[i] == '9' ? !is_digit(s[i]) : !is_letter(s[i]))
      return false;
  }
  return s[i] == '\0';
}

bool fp_registration_valid(enum fp_regulator reg, const char *number) {
  switch (reg) {
  case FP_REG_NONE: return number == NULL || number[0] == '\0';
  case FP_REG_GMC:
  case FP_REG_GPHC: return number && matches(number, "9999999");
  case FP_REG_NMC: return number && matches(number, "99A9999A");
  case FP_REG_HCPC: return number && (matches(number, "AA99999") || matches(number, "AA999999"));
  }
  return false;
}
