/* Ascending id arrays. See ids.h. */
#include "core/ids.h"

#include <stdlib.h>

static int cmp_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

size_t fp_ids_sort_unique(int64_t *ids, size_t n) {
  if (n == 0) return 0;
  qsort(ids, n, sizeof *ids, cmp_id);
  size_t k = 1;
  for (size_t i = 1; i < n; i++)
    if (ids[i] != ids[k - 1]) ids[k++] = ids[i];
  return k;
}

ptrdiff_t fp_ids_find(const int64_t *ids, size_t n, int64_t id) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ids[mid] < id) lo = mid + 1;
    else if (ids[mid] > id) hi = mid;
    else return (ptrdiff_t)mid;
  }
  return -1;
}
