/*
 * Fuzzes `flexpool import register` (app/register.c): the register extract's header mapping, byte
 * order mark, registration-number normalisation, dates and statuses, over libcsv, against a small
 * store of GPs (created once in a temporary directory). The first input byte chooses the register
 * and --full-register. The import must either apply or refuse (FP_EINVAL) and never crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/register.h"
#include "core/error.h"
#include "store_once.h"
#include "store/accounts.h"
#include "store/members.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int seed_tx(struct fp_conn *c, void *ctx) {
  (void)ctx;
  static const char *const numbers[] = {"7300001", "7300002", "7300003", "7300004", "7300005", "7300006"};
  for (int i = 0; i < 6; i++) {
    char email[64];
    snprintf(email, sizeof email, "fuzz%d@register.test", i);
    int64_t user = 0, id = 0;
    int rc = fp_store_user_insert(c, email, "Dr Fuzz", "x", 1, &user);
    if (rc) return rc;
    struct fp_clinician cl;
    memset(&cl, 0, sizeof cl);
    cl.user_id = user;
    snprintf(cl.profession, sizeof cl.profession, "%s", i % 3 == 2 ? "physician_associate" : "gp");
    snprintf(cl.registration_number, sizeof cl.registration_number, "%s", numbers[i]);
    if ((rc = fp_store_clinician_insert(c, &cl, 1, &id)) != 0) return rc;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fp_store *store = fuzz_store_once("register", seed_tx);
  if (size < 1 || size > 65536) return 0;
  enum fp_register reg = data[0] & 1 ? FP_REGISTER_PERFORMERS : FP_REGISTER_GMC;
  bool full = (data[0] & 2) != 0;
  FILE *in = fmemopen((void *)(data + 1), size - 1, "rb");
  if (!in) return 0;
  FILE *out = fopen("/dev/null", "w");
  struct fp_register_report rep;
  int rc = fp_register_import_stream(store, reg, in, full, 1767225600 /* 2026-01-01 */, out, &rep);
  fclose(in);
  if (out) fclose(out);
  if (rc != 0 && rc != FP_EINVAL) abort();
  if (rc == 0 && (rep.matched > rep.checked || rep.flagged > rep.checked || rep.checked > 6)) abort();
  return 0;
}
