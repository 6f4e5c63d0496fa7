/*
 * backup.h - a copy of a whole SQLite installation, taken while it serves, and putting one back.
 *
 * A backup is a directory (docs/OPERATIONS.md says why not one archive file):
 *   FLEXPOOL-BACKUP   what it is: format, schema version, when taken, how many evidence files
 *   flexpool.db       the database, one consistent snapshot (SQLite's online backup API)
 *   evidence/<sha256> every passport evidence file the snapshot refers to
 * It is written under BACKUP.partial and renamed to BACKUP once complete and on disk (fsync), so a
 * directory with the final name is always whole. PostgreSQL installations are backed up with
 * pg_dump, which also holds their evidence (the evidence_blobs table).
 *
 * The implementation (store/sqlite/backup.c) is the only part of flexpool besides the SQLite engine
 * that touches SQLite. Never includes HTTP or JSON headers.
 */
#ifndef FP_STORE_BACKUP_H
#define FP_STORE_BACKUP_H

#include <stddef.h>

/*
 * Backs up the SQLite installation in data_dir (running or not) into the new directory out.
 * 0, or an FP_E* error with why in err (err_len bytes): FP_ECONFLICT when out exists, FP_ENOTFOUND
 * when data_dir holds no installation, FP_EIO otherwise. *n_files receives the evidence files copied.
 */
int fp_store_backup(const char *data_dir, const char *out, int *n_files, char *err, size_t err_len);

/*
 * Puts the backup in `backup` into data_dir, which must not exist yet or be empty: FP_ECONFLICT
 * when it holds an installation (or anything else), FP_EINVAL when `backup` is not a whole backup
 * (a file missing, an evidence file whose content is not its name, a database failing SQLite's
 * integrity check), FP_EIO otherwise; why in err. *n_files receives the evidence files restored.
 */
int fp_store_restore(const char *backup, const char *data_dir, int *n_files, char *err, size_t err_len);

#endif
