#include "core/practice.h"

static bool given(const char *s) {
  if (!s) return false;
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return true;
  return false;
}

bool fp_practice_profile_complete(const char *clinical_system, const char *induction, const char *contact_on_arrival) {
  return given(clinical_system) && given(induction) && given(contact_on_arrival);
}
