/* PLACEHOLDER: being written. */
#include "app/demo.h"
#include "core/error.h"
int fp_demo_load(struct fp_store *s, int64_t now, long shifts) { (void)s; (void)now; (void)shifts; return FP_EIO; }
int fp_store_is_empty(struct fp_store *s, int *empty) { (void)s; *empty = 0; return 0; }
