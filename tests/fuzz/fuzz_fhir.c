/*
 * Fuzzes the FHIR API's hand-written parsers (docs/FHIR.md): the token request's form body
 * (http/form.h), the SMART scopes (core/fhir.h fp_fhir_scopes_parse), the ids of services and
 * schedules (fp_fhir_service_id_parse), and a date search's bounds (fp_fhir_date_narrow), each checked against what it says of itself: a form's pairs
 * lie inside its buffer and hold no NUL, scopes written back read as the same mask, and an id read
 * is written back as the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fhir.h"
#include "http/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  struct fp_form f;
  if (fp_form_parse((const char *)data, size, &f) == 0) {
    if (f.n < 0 || f.n > FP_FORM_MAX_PAIRS) abort();
    for (int i = 0; i < f.n; i++) {
      if (!f.name[i][0]) abort(); /* a pair has a name */
      int count = 0;
      if (fp_form_get(&f, f.name[i], &count) == NULL || count < 1) abort();
    }
    fp_form_free(&f);
  }
  char text[4097];
  memcpy(text, data, size);
  text[size] = 0;
  unsigned mask = 0;
  const char *bad = NULL;
  size_t bad_len = 0;
  if (fp_fhir_scopes_parse(text, &mask, &bad, &bad_len) == 0) {
    if (mask & ~FP_FHIR_ALL_SCOPES) abort();
    char out[512];
    unsigned again = 0;
    fp_fhir_scopes_text(mask, out, sizeof out);
    if (fp_fhir_scopes_parse(out, &again, &bad, &bad_len) != 0 || again != mask) abort();
  } else if (bad < text || bad + bad_len > text + size || bad_len == 0) {
    abort();
  }
  int64_t practice = 0;
  char role[64];
  if (fp_fhir_service_id_parse(text, &practice, role, sizeof role) == 0) {
    char id[FP_FHIR_ID_MAX + 1];
    if (practice <= 0 || fp_fhir_service_id(practice, role, id, sizeof id) != 0 || strcmp(id, text) != 0) abort();
  }
  int64_t n = 0;
  if (fp_fhir_int_id_parse(text, &n) == 0 && n <= 0) abort();
  /* A date search's bound only ever narrows, and a refused one changes nothing. */
  fp_time from = -1000, before = 1000, lo = from, hi = before;
  int rc = fp_fhir_date_narrow(text, &lo, &hi);
  if (lo < from || hi > before || (rc != 0 && (lo != from || hi != before))) abort();
  return 0;
}
