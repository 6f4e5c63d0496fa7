/* A ZIP archive in memory with libzip. See zip_out.h. */
#include "docs/zip_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <zip.h>

#include "core/error.h"

struct fp_zip_out {
  zip_source_t *buffer; /* where zip_close writes the archive */
  zip_t *za;
  int64_t mtime;
};

struct fp_zip_out *fp_zip_out_new(int64_t mtime) {
  struct fp_zip_out *z = calloc(1, sizeof *z);
  if (!z) return NULL;
  zip_error_t err;
  zip_error_init(&err);
  z->buffer = zip_source_buffer_create(NULL, 0, 0, &err);
  if (z->buffer) z->za = zip_open_from_source(z->buffer, ZIP_TRUNCATE, &err);
  zip_error_fini(&err);
  if (!z->za) {
    if (z->buffer) zip_source_free(z->buffer);
    free(z);
    return NULL;
  }
  zip_source_keep(z->buffer); /* kept past zip_close, to read the archive from */
  z->mtime = mtime;
  return z;
}

int fp_zip_out_add(struct fp_zip_out *z, const char *name, char *data, size_t len, bool deflate) {
  if (!name || !*name) {
    free(data);
    return FP_EINVAL;
  }
  /* With freep 1 the source frees data once the archive is written (or the source freed). */
  zip_source_t *s = zip_source_buffer(z->za, data, len, 1);
  if (!s) {
    free(data);
    return FP_ENOMEM;
  }
  zip_int64_t idx = zip_file_add(z->za, name, s, ZIP_FL_ENC_UTF_8);
  if (idx < 0) {
    int code = zip_error_code_zip(zip_get_error(z->za));
    zip_source_free(s);
    return code == ZIP_ER_EXISTS || code == ZIP_ER_INVAL ? FP_EINVAL : FP_ENOMEM;
  }
  if (zip_set_file_compression(z->za, (zip_uint64_t)idx, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0 ||
      zip_file_set_mtime(z->za, (zip_uint64_t)idx, (time_t)z->mtime, 0) != 0)
    return FP_EIO;
  return 0;
}

void fp_zip_out_discard(struct fp_zip_out *z) {
  if (!z) return;
  zip_discard(z->za);
  zip_source_free(z->buffer);
  free(z);
}

int fp_zip_out_finish(struct fp_zip_out *z, char **data, size_t *len) {
  *data = NULL;
  *len = 0;
  if (zip_close(z->za) != 0) {
    fprintf(stderr, "flexpool: the ZIP archive could not be written: %s\n", zip_strerror(z->za));
    fp_zip_out_discard(z);
    return FP_EIO;
  }
  int rc = FP_EIO;
  zip_source_t *b = z->buffer;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(b, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && zip_source_open(b) == 0) {
    char *out = malloc(st.size ? (size_t)st.size : 1);
    if (!out) rc = FP_ENOMEM;
    else if (zip_source_read(b, out, st.size) == (zip_int64_t)st.size) {
      *data = out;
      *len = (size_t)st.size;
      rc = 0;
    } else free(out);
    zip_source_close(b);
  }
  zip_source_free(b);
  free(z);
  return rc;
}
