/*
 * Fuzzes the HTTP layer's hand-written pieces: the route matcher (every method against the input
 * as a path, with its integer parameters) and the JSON nesting scan that runs before jansson.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "http/routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  (void)fp_json_max_depth((const char *)data, size);
  char path[4097];
  memcpy(path, data, size);
  path[size] = 0;
  static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
  for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
    int64_t params[FP_MAX_PARAMS];
    int n = 0;
    bool known = false;
    const struct fp_route *r = fp_route_match(methods[m], path, params, &n, &known);
    if (r) {
      if (!known || n < 0 || n > FP_MAX_PARAMS) abort();
      for (int i = 0; i < n; i++)
        if (params[i] <= 0) abort();
    }
    char allow[128];
    fp_route_allowed(path, allow, sizeof allow);
  }
  return 0;
}
