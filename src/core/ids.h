/*
 * ids.h - arrays of row ids kept in ascending order: sorting them once and finding one by binary
 * search. Pure: the store and the HTTP layer use it for the ids they read or gather.
 */
#ifndef FP_CORE_IDS_H
#define FP_CORE_IDS_H

#include <stddef.h>
#include <stdint.h>

/* Sorts ids ascending and drops the repeats in place: how many are left. */
size_t fp_ids_sort_unique(int64_t *ids, size_t n);
/* Where ids[] (ascending) holds id, or -1. */
ptrdiff_t fp_ids_find(const int64_t *ids, size_t n, int64_t id);

#endif
