/*
 * copy.h - moves a whole installation from one store to another (SQLite to PostgreSQL or back):
 * every table's rows with their ids, the passport evidence files, then the counts checked.
 * Used by `flexpool copy`. Depends on store/db.h only.
 */
#ifndef FP_STORE_COPY_H
#define FP_STORE_COPY_H

#include <stdint.h>

#include "store/db.h"

/*
 * Copies from into to. Both must be at the same schema version, and to must hold no accounts yet
 * (a freshly migrated store: its seeded reference rows are replaced by from's). say(table, rows,
 * ctx) is told each table's count once copied and checked. 0; FP_EINVAL when the versions differ
 * or to is not empty or from holds a table this flexpool does not know (said on stderr);
 * FP_ECONFLICT when a table's counts differ after the copy; another FP_E* error otherwise.
 */
int fp_store_copy(struct fp_store *from, struct fp_store *to, void (*say)(const char *table, int64_t rows, void *ctx),
                  void *ctx);

#endif
