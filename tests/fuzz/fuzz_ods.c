/*
 * Fuzzes NHS ODS's imports: the first input byte chooses `flexpool import ods` (app/ods.c: the
 * practice file, epraccur.csv; its column count, field bounds, code, postcode and status checks) or
 * `flexpool import pcn` (app/ods_pcn.c: ePCN's member lists; headings found by name, a byte-order
 * mark, codes and end dates), both read over libcsv and applied to a small store holding an ICB
 * (QWO) and a place (15F), created once in a temporary directory (the practices the practice-file
 * inputs add are there for the PCN inputs). An import must either apply or refuse (FP_EINVAL) and
 * never crash; a file it applies has rows, each counted once, at most the file's bound.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ods.h"
#include "core/error.h"
#include "store_once.h"
#include "store/places.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int seed_tx(struct fp_conn *c, void *ctx) {
  (void)ctx;
  struct fp_org o;
  memset(&o, 0, sizeof o);
  snprintf(o.level, sizeof o.level, "icb");
  snprintf(o.ods_code, sizeof o.ods_code, "QWO");
  snprintf(o.name, sizeof o.name, "NHS Fuzz ICB");
  o.active = true;
  int64_t icb = 0, place = 0;
  int rc = fp_store_org_insert(c, &o, 1767225600, &icb);
  if (rc) return rc;
  snprintf(o.level, sizeof o.level, "place");
  snprintf(o.ods_code, sizeof o.ods_code, "15F");
  snprintf(o.name, sizeof o.name, "Fuzz place");
  o.parent_id = icb;
  o.icb_id = icb;
  return fp_store_org_insert(c, &o, 1767225600, &place);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fp_store *store = fuzz_store_once("ods", seed_tx);
  if (size < 1 || size > 65536) return 0;
  bool pcn = data[0] & 1;
  FILE *in = fmemopen(size > 1 ? (void *)(data + 1) : (void *)"", size > 1 ? size - 1 : 1, "rb");
  if (!in) return 0;
  int rc;
  long rows;
  if (pcn) {
    struct fp_pcn_counts n;
    rc = fp_ods_pcn_import_stream(store, in, 1796428800 /* 2026-12-04 */, &n);
    rows = n.moved + n.unchanged + n.ended + n.skipped;
  } else {
    struct fp_ods_counts n;
    rc = fp_ods_import_stream(store, in, &n);
    rows = n.added + n.updated + n.closed + n.unchanged + n.skipped;
  }
  fclose(in);
  if (rc != 0 && rc != FP_EINVAL) abort();
  if (rc == 0 && (rows < 1 || rows > 200000)) abort();
  return 0;
}
