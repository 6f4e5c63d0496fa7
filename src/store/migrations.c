/*
 * migrations.c - the schema, as numbered migrations applied in order at start-up.
 *
 * Add a migration by appending to the table; never edit one that has shipped. Keep the SQL
 * portable (PostgreSQL will get its own copy of these with its own types): integer ids, times as
 * integer seconds since the epoch (UTC), money as integer pence.
 */
#include <stdio.h>

#include "core/error.h"
#include "store/db.h"

static const char *const migrations[] = {
    /* 1: organisations, accounts, pools, shifts, bookings, applications, audit. */
    "CREATE TABLE organisations ("
    "  id INTEGER PRIMARY KEY,"
    "  level TEXT NOT NULL CHECK (level IN ('national','icb','place','pcn','practice')),"
    "  ods_code TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  parent_id INTEGER REFERENCES organisations(id),"
    "  icb_id INTEGER REFERENCES organisations(id),"  /* the ICB above (or itself), for scoping */
    "  address TEXT, postcode TEXT, phone TEXT, email TEXT,"
    "  lat REAL, lon REAL,"
    "  profile TEXT NOT NULL DEFAULT '{}',"          /* practice profile, a JSON document */
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (level, ods_code));"
    "CREATE INDEX organisations_parent ON organisations(parent_id);"
    "CREATE INDEX organisations_icb ON organisations(icb_id);"

    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE pools ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  host_organisation_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  icb_id INTEGER REFERENCES organisations(id),"
    "  hourly_rate_pence INTEGER NOT NULL DEFAULT 7757,"
    "  session_rate_pence INTEGER NOT NULL DEFAULT 32321,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE user_roles ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  role TEXT NOT NULL CHECK (role IN ('sysadmin','commissioner','pool_admin','practice_manager','clinician')),"
    "  organisation_id INTEGER REFERENCES organisations(id),"
    "  pool_id INTEGER REFERENCES pools(id));"
    "CREATE INDEX user_roles_user ON user_roles(user_id);"

    "CREATE TABLE clinicians ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),"
    "  profession TEXT NOT NULL,"
    "  registration_number TEXT,"
    "  home_postcode TEXT,"
    "  travel_radius_km INTEGER,"
    "  phone TEXT,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE pool_members ("
    "  id INTEGER PRIMARY KEY,"
    "  pool_id INTEGER NOT NULL REFERENCES pools(id),"
    "  clinician_id INTEGER REFERENCES clinicians(id),"
    "  organisation_id INTEGER REFERENCES organisations(id),"
    "  added_by INTEGER REFERENCES users(id),"
    "  added_at INTEGER NOT NULL,"
    "  CHECK ((clinician_id IS NULL) <> (organisation_id IS NULL)));"
    "CREATE UNIQUE INDEX pool_members_clinician ON pool_members(pool_id, clinician_id) WHERE clinician_id IS NOT NULL;"
    "CREATE UNIQUE INDEX pool_members_org ON pool_members(pool_id, organisation_id) WHERE organisation_id IS NOT NULL;"
    "CREATE INDEX pool_members_by_clinician ON pool_members(clinician_id);"
    "CREATE INDEX pool_members_by_org ON pool_members(organisation_id);"

    "CREATE TABLE join_requests ("
    "  id INTEGER PRIMARY KEY,"
    "  pool_id INTEGER NOT NULL REFERENCES pools(id),"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  status TEXT NOT NULL CHECK (status IN ('pending','accepted','declined','withdrawn')),"
    "  message TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  decided_at INTEGER, decided_by INTEGER REFERENCES users(id), reason TEXT);"
    "CREATE UNIQUE INDEX join_requests_one_pending ON join_requests(pool_id, clinician_id) WHERE status = 'pending';"

    "CREATE TABLE shifts ("
    "  id INTEGER PRIMARY KEY,"
    "  practice_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  icb_id INTEGER REFERENCES organisations(id),"
    "  series_id INTEGER,"
    "  role TEXT NOT NULL,"
    "  starts_at INTEGER NOT NULL,"
    "  ends_at INTEGER NOT NULL,"
    "  break_minutes INTEGER NOT NULL DEFAULT 0 CHECK (break_minutes >= 0),"
    "  rate_pence INTEGER NOT NULL CHECK (rate_pence >= 0),"
    "  rate_unit TEXT NOT NULL CHECK (rate_unit IN ('hour','session')),"
    "  hourly_pence INTEGER NOT NULL,"                 /* hourly equivalent, for min_rate_pence */
    "  booking_mode TEXT NOT NULL CHECK (booking_mode IN ('instant','approval')),"
    "  location_type TEXT NOT NULL CHECK (location_type IN ('site','remote')),"
    "  description TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL CHECK (status IN ('open','booked','withdrawn','cancelled','completed')),"
    "  lat REAL, lon REAL,"                            /* the practice's location, for distance */
    "  created_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  CHECK (ends_at > starts_at));"
    "CREATE INDEX shifts_status_start ON shifts(status, starts_at, id);"
    "CREATE INDEX shifts_practice_start ON shifts(practice_id, starts_at, id);"
    "CREATE INDEX shifts_start ON shifts(starts_at, id);"
    "CREATE INDEX shifts_series ON shifts(series_id);"

    "CREATE TABLE bookings ("
    "  id INTEGER PRIMARY KEY,"
    "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  practice_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  starts_at INTEGER NOT NULL,"
    "  ends_at INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('confirmed','cancelled')),"
    "  fee_pence INTEGER NOT NULL DEFAULT 0,"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  cancelled_by TEXT CHECK (cancelled_by IN ('clinician','practice','pool')),"
    "  cancelled_by_user INTEGER REFERENCES users(id),"
    "  cancelled_at INTEGER, reason TEXT, late INTEGER,"
    "  flags TEXT NOT NULL DEFAULT '');"
    /* One active booking per shift, and no overlapping active bookings of one clinician. */
    "CREATE UNIQUE INDEX bookings_one_active_per_shift ON bookings(shift_id) WHERE status = 'confirmed';"
    "CREATE INDEX bookings_clinician_active ON bookings(clinician_id, starts_at) WHERE status = 'confirmed';"
    "CREATE INDEX bookings_practice ON bookings(practice_id, starts_at);"
    "CREATE INDEX bookings_clinician ON bookings(clinician_id, starts_at);"
    "CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings WHEN NEW.status = 'confirmed' BEGIN"
    "  SELECT RAISE(ABORT, 'overlapping_booking') WHERE EXISTS (SELECT 1 FROM bookings b"
    "    WHERE b.clinician_id = NEW.clinician_id AND b.status = 'confirmed'"
    "      AND b.starts_at < NEW.ends_at AND b.ends_at > NEW.starts_at);"
    "END;"
    "CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF status ON bookings"
    "  WHEN NEW.status = 'confirmed' AND OLD.status <> 'confirmed' BEGIN"
    "  SELECT RAISE(ABORT, 'overlapping_booking') WHERE EXISTS (SELECT 1 FROM bookings b"
    "    WHERE b.clinician_id = NEW.clinician_id AND b.status = 'confirmed' AND b.id <> NEW.id"
    "      AND b.starts_at < NEW.ends_at AND b.ends_at > NEW.starts_at);"
    "END;"

    "CREATE TABLE applications ("
    "  id INTEGER PRIMARY KEY,"
    "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  status TEXT NOT NULL CHECK (status IN ('pending','accepted','declined','withdrawn')),"
    "  message TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  decided_at INTEGER, decided_by INTEGER REFERENCES users(id), reason TEXT);"
    "CREATE UNIQUE INDEX applications_one_pending ON applications(shift_id, clinician_id) WHERE status = 'pending';"
    "CREATE INDEX applications_clinician ON applications(clinician_id);"

    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash BLOB NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  csrf TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen_at INTEGER NOT NULL);"

    "CREATE TABLE login_failures (account TEXT NOT NULL, address TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX login_failures_account ON login_failures(account, at);"
    "CREATE INDEX login_failures_address ON login_failures(address, at);"

    "CREATE TABLE postcodes (postcode TEXT PRIMARY KEY, lat REAL NOT NULL, lon REAL NOT NULL);"

    "CREATE TABLE roles_custom ("
    "  code TEXT PRIMARY KEY, name TEXT NOT NULL, pool_id INTEGER REFERENCES pools(id),"
    "  created_at INTEGER NOT NULL);"

    /* Append-only: no UPDATE or DELETE. */
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor_user_id INTEGER,"
    "  action TEXT NOT NULL,"
    "  entity TEXT NOT NULL,"
    "  entity_id INTEGER,"
    "  before TEXT, after TEXT);"
    "CREATE INDEX audit_entity ON audit(entity, entity_id);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;",

    /* 2: the passport's core: what each profession requires and the clinician's check records. */
    "CREATE TABLE passport_requirements ("
    "  profession TEXT NOT NULL, check_code TEXT NOT NULL, PRIMARY KEY (profession, check_code));"
    "CREATE TABLE passport_checks ("
    "  id INTEGER PRIMARY KEY,"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  check_code TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('submitted','verified','rejected')),"
    "  issued_on INTEGER, expires_on INTEGER,"      /* day numbers since 1970-01-01 */
    "  reference TEXT, note TEXT,"
    "  verified_by INTEGER REFERENCES users(id), verified_at INTEGER,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX passport_checks_clinician ON passport_checks(clinician_id, check_code);",

    /* 3: pool members are deleted, so their ids must never be reused: a stale DELETE of a removed
     * member must not remove whoever was admitted next (AUTOINCREMENT needs a rebuilt table). */
    "CREATE TABLE pool_members_new ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  pool_id INTEGER NOT NULL REFERENCES pools(id),"
    "  clinician_id INTEGER REFERENCES clinicians(id),"
    "  organisation_id INTEGER REFERENCES organisations(id),"
    "  added_by INTEGER REFERENCES users(id),"
    "  added_at INTEGER NOT NULL,"
    "  CHECK ((clinician_id IS NULL) <> (organisation_id IS NULL)));"
    "INSERT INTO pool_members_new (id, pool_id, clinician_id, organisation_id, added_by, added_at)"
    "  SELECT id, pool_id, clinician_id, organisation_id, added_by, added_at FROM pool_members;"
    "DROP TABLE pool_members;"
    "ALTER TABLE pool_members_new RENAME TO pool_members;"
    "CREATE UNIQUE INDEX pool_members_clinician ON pool_members(pool_id, clinician_id) WHERE clinician_id IS NOT NULL;"
    "CREATE UNIQUE INDEX pool_members_org ON pool_members(pool_id, organisation_id) WHERE organisation_id IS NOT NULL;"
    "CREATE INDEX pool_members_by_clinician ON pool_members(clinician_id);"
    "CREATE INDEX pool_members_by_org ON pool_members(organisation_id);",
};

int fp_store_migrate(struct fp_conn *c) {
  if (fp_db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)") != 0)
    return FP_EIO;
  int have = 0;
  sqlite3_stmt *st = fp_db_stmt(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!st) return FP_EIO;
  if (sqlite3_step(st) == SQLITE_ROW) have = sqlite3_column_int(st, 0);
  sqlite3_reset(st);
  int n = (int)(sizeof migrations / sizeof migrations[0]);
  for (int v = have + 1; v <= n; v++) {
    if (fp_db_exec(c, "BEGIN IMMEDIATE") != 0) return FP_EIO;
    if (fp_db_exec(c, migrations[v - 1]) != 0) {
      fp_db_exec(c, "ROLLBACK");
      fprintf(stderr, "store: migration %d failed\n", v);
      return FP_EIO;
    }
    sqlite3_stmt *ins = fp_db_stmt(c, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, strftime('%s','now'))");
    if (!ins) { fp_db_exec(c, "ROLLBACK"); return FP_EIO; }
    sqlite3_bind_int(ins, 1, v);
    if (fp_db_exec_stmt(ins) != 0 || fp_db_exec(c, "COMMIT") != 0) {
      fp_db_exec(c, "ROLLBACK");
      return FP_EIO;
    }
  }
  return 0;
}
