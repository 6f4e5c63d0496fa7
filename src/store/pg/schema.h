/*
 * schema.h - the PostgreSQL schema, as numbered migrations (the SQLite schema is src/store/migrations.c).
 *
 * fp_pg_migrations[] has one entry per SQLite migration, index for index: entry v - 1 is version v
 * on both engines. Entry 0 creates the whole schema as SQLite has it after its migrations
 * 1..FP_PG_BASELINE (the same tables, columns in the same order, indexes, checks, seed rows; the
 * triggers as plpgsql functions; the booking invariants by PostgreSQL's own means; and what only
 * PostgreSQL needs: roles_custom.rowid, the tables evidence_blobs and identity_generation) and records the versions
 * 1..FP_PG_BASELINE in schema_migrations itself; entries 1..FP_PG_BASELINE - 1 are placeholders
 * (a harmless SELECT) that a runner finds recorded and skips. A migration added later goes into
 * BOTH files, at the end, so it has the same number (tests/unit/store/pg_schema.c checks the counts
 * and every table's columns against SQLite's).
 *
 * A runner applies, in order, each entry whose version (fp_pg_migration_version(i) = i + 1) is not
 * in schema_migrations, in one transaction with the statement that records that version
 * (INSERT ... ON CONFLICT (version) DO NOTHING: entry 0 has recorded its own already). The table is
 *   CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)
 * which the runner creates first (entry 0 creates it too, IF NOT EXISTS). Each entry is one string
 * of several statements, for the simple query protocol (PQexec); it has no parameters and no '?'.
 */
#ifndef FP_STORE_PG_SCHEMA_H
#define FP_STORE_PG_SCHEMA_H

/* The number of SQLite migrations entry 0 stands for (1..FP_PG_BASELINE). */
#define FP_PG_BASELINE 14

extern const char *const fp_pg_migrations[];
extern const int fp_pg_migration_count;

/* The schema_migrations version of entry i (0 <= i < fp_pg_migration_count): i + 1. */
int fp_pg_migration_version(int i);

#endif
