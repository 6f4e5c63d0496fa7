/*
 * Fuzzes the fast JSON writer against jansson's reader: any document jansson accepts, written by
 * fp_json_dump, must read back equal to itself.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "http/json_out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
  if (!j) return 0;
  size_t len = 0;
  char *text = fp_json_dump(j, &len);
  if (!text) abort();
  json_t *back = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
  if (!back || !json_equal(j, back)) abort();
  json_decref(back);
  json_decref(j);
  free(text);
  return 0;
}
