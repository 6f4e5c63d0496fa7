/*
 * zip_out.h - a ZIP archive made in memory with libzip (Debian's libzip-dev), for the subject
 * access export (http/h_export.c). Names are UTF-8; each entry is stored or deflated as asked
 * (evidence files, already compressed PDFs and images, are stored).
 */
#ifndef FP_DOCS_ZIP_OUT_H
#define FP_DOCS_ZIP_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fp_zip_out;

/* A new, empty archive whose entries carry the modification time mtime (seconds since 1970,
   UTC); NULL when out of memory. */
struct fp_zip_out *fp_zip_out_new(int64_t mtime);
/* Adds the entry name with data (malloc'd, taken: freed by the archive, even on failure).
   0, FP_EINVAL (a name twice or empty), FP_ENOMEM or FP_EIO. */
int fp_zip_out_add(struct fp_zip_out *z, const char *name, char *data, size_t len, bool deflate);
/* Writes the archive into *data (malloc'd) and frees z. 0 or FP_EIO / FP_ENOMEM (z freed too). */
int fp_zip_out_finish(struct fp_zip_out *z, char **data, size_t *len);
/* Frees an archive not finished. */
void fp_zip_out_discard(struct fp_zip_out *z);

#endif
