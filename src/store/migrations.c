/*
 * migrations.c - the schema, as numbered migrations applied in order at start-up.
 *
 * Add a migration by appending to the table; never edit one that has shipped. Keep the SQL
 * portable: integer ids, times as integer seconds since the epoch (UTC), money as integer pence.
 * PostgreSQL has its own copy with its own types, src/store/pg/schema.c: append the same migration
 * there too, with the same number (tests/unit/store/pg_schema.c fails until both agree). SQL both
 * engines write the same, byte for byte (seed rows, DDL without engine types), is in
 * store/schema_text.h.
 */
#include <stdio.h>

#include "core/error.h"
#include "store/db.h"
#include "store/rows.h"
#include "store/sql.h"
#include "store/pg/pg.h"
#include "store/schema_text.h"

/* A shift's listing (migration 8) from the columns of row p ("NEW." in a trigger, "" in an UPDATE). */
#define FP_RFC3339(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"
#define SHIFT_LISTING(p)                                                                                    \
  "json_object('id', " p "id, 'practice_id', " p "practice_id, 'role', " p "role,"                        \
  " 'starts_at', " FP_RFC3339(p "starts_at") ", 'ends_at', " FP_RFC3339(p "ends_at") ","                  \
  " 'break_minutes', " p "break_minutes, 'rate_pence', " p "rate_pence, 'rate_unit', " p "rate_unit,"      \
  " 'booking_mode', " p "booking_mode, 'location_type', " p "location_type, 'description', " p "description," \
  " 'series_id', " p "series_id, 'hourly_equivalent_pence', " p "hourly_pence,"                            \
  " 'created_at', " FP_RFC3339(p "created_at") ")"

/* pool_members' columns after its id, as migration 1 made them and migration 3 rebuilt them. */
#define POOL_MEMBERS_COLUMNS \
  "  pool_id INTEGER NOT NULL REFERENCES pools(id)," \
  "  clinician_id INTEGER REFERENCES clinicians(id)," \
  "  organisation_id INTEGER REFERENCES organisations(id)," \
  "  added_by INTEGER REFERENCES users(id)," \
  "  added_at INTEGER NOT NULL," \
  "  CHECK ((clinician_id IS NULL) <> (organisation_id IS NULL)));"

/* Migration 30's triggers on table t: each row inserted, updated or deleted notes the clinician in
   column col (when it names one) in alert_changes. */
#define FP_SQ_ALERT_CHANGED(t, col)                                                                        \
  "CREATE TRIGGER " t "_alert_insert AFTER INSERT ON " t " WHEN NEW." col " IS NOT NULL BEGIN"            \
  "  INSERT INTO alert_changes (clinician_id) VALUES (NEW." col "); END;"                                  \
  "CREATE TRIGGER " t "_alert_update AFTER UPDATE ON " t " WHEN NEW." col " IS NOT NULL BEGIN"            \
  "  INSERT INTO alert_changes (clinician_id) VALUES (NEW." col "); END;"                                  \
  "CREATE TRIGGER " t "_alert_delete AFTER DELETE ON " t " WHEN OLD." col " IS NOT NULL BEGIN"            \
  "  INSERT INTO alert_changes (clinician_id) VALUES (OLD." col "); END;"

/* Migration 49's: the kept figures (metric_months) of a practice's month that holds instant `at`
   are forgotten; SQ_MM_FORGET_SHIFT for the month of the shift with id `id` (an SQL expression). */
#define SQ_MM_FORGET(practice, at)                                                                         \
  "DELETE FROM metric_months WHERE practice_id = " practice " AND month_start <= " at " AND month_end > " at ";"
#define SQ_MM_FORGET_SHIFT(id)                                                                             \
  SQ_MM_FORGET("(SELECT practice_id FROM shifts WHERE id = " id ")", "(SELECT starts_at FROM shifts WHERE id = " id ")")

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
    POOL_MEMBERS_COLUMNS
    FP_SQL_POOL_MEMBERS_INDEXES

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
    POOL_MEMBERS_COLUMNS
    "INSERT INTO pool_members_new (id, pool_id, clinician_id, organisation_id, added_by, added_at)"
    "  SELECT id, pool_id, clinician_id, organisation_id, added_by, added_at FROM pool_members;"
    "DROP TABLE pool_members;"
    "ALTER TABLE pool_members_new RENAME TO pool_members;"
    FP_SQL_POOL_MEMBERS_INDEXES,

    /* 4: the passport: the catalogue of checks with their validity rules, evidence files (stored
     * under the data directory by SHA-256), the append-only access log, placement grants and
     * register flags. (England's default requirements per profession are migration 6.) */
    "CREATE TABLE passport_check_types ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  validity TEXT NOT NULL CHECK (validity IN ('none','period','explicit')),"
    "  renewal_months INTEGER,"                        /* for 'period' */
    "  limited_retention INTEGER NOT NULL DEFAULT 0,"  /* copies deleted after --dbs-retention-months */
    "  position INTEGER NOT NULL);"
    FP_SQL_PASSPORT_CHECK_TYPES_ROWS

    "ALTER TABLE passport_checks ADD COLUMN update_service TEXT"
    "  CHECK (update_service IN ('subscribed','not_subscribed'));"   /* DBS Update Service status */
    "ALTER TABLE passport_checks ADD COLUMN submitted_by INTEGER REFERENCES users(id);"
    "CREATE INDEX passport_checks_submitted ON passport_checks(created_at, id) WHERE status = 'submitted';"

    "CREATE TABLE passport_evidence ("
    "  id INTEGER PRIMARY KEY,"
    "  check_id INTEGER NOT NULL REFERENCES passport_checks(id),"
    "  sha256 TEXT NOT NULL,"                          /* the file <data-dir>/evidence/<sha256> */
    "  content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf','image/jpeg','image/png')),"
    "  size INTEGER NOT NULL,"
    "  filename TEXT,"                                 /* as uploaded, for display only */
    "  uploaded_by INTEGER REFERENCES users(id),"
    "  uploaded_at INTEGER NOT NULL,"
    "  deleted_at INTEGER, deleted_reason TEXT);"      /* the copy is gone; the row and the facts stay */
    "CREATE INDEX passport_evidence_check ON passport_evidence(check_id);"
    "CREATE INDEX passport_evidence_sha256 ON passport_evidence(sha256);"

    /* Append-only: every view of a passport or of evidence. */
    "CREATE TABLE passport_access_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  viewer_user_id INTEGER NOT NULL REFERENCES users(id),"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  what TEXT NOT NULL CHECK (what IN ('passport','evidence')),"
    "  check_id INTEGER, evidence_id INTEGER,"
    "  basis TEXT NOT NULL,"                           /* self, pool_admin, practice_manager, sysadmin */
    "  organisation_id INTEGER, pool_id INTEGER);"     /* the practice or pool the access came through */
    "CREATE INDEX passport_access_log_clinician ON passport_access_log(clinician_id, id);"
    "CREATE TRIGGER passport_access_log_no_update BEFORE UPDATE ON passport_access_log BEGIN"
    "  SELECT RAISE(ABORT, 'the access log is append-only'); END;"
    "CREATE TRIGGER passport_access_log_no_delete BEFORE DELETE ON passport_access_log BEGIN"
    "  SELECT RAISE(ABORT, 'the access log is append-only'); END;"

    /* A host organisation's read access ahead of a placement (the lead-employer model). */
    "CREATE TABLE passport_grants ("
    "  id INTEGER PRIMARY KEY,"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  organisation_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  from_day INTEGER NOT NULL, until_day INTEGER NOT NULL,"   /* day numbers, inclusive */
    "  placement_starts_on INTEGER,"
    "  granted_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  revoked_at INTEGER, revoked_by INTEGER REFERENCES users(id),"
    "  CHECK (until_day >= from_day));"
    "CREATE INDEX passport_grants_clinician ON passport_grants(clinician_id);"
    "CREATE INDEX passport_grants_org ON passport_grants(organisation_id, clinician_id);"

    /* What a register extract said about a clinician who is not in good standing. */
    "CREATE TABLE register_flags ("
    "  id INTEGER PRIMARY KEY,"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  register TEXT NOT NULL CHECK (register IN ('gmc','performers')),"
    "  registration_number TEXT NOT NULL,"
    "  status TEXT NOT NULL,"                          /* suspended, erased, lapsed, missing, no_licence */
    "  detail TEXT,"
    "  imported_at INTEGER NOT NULL);"
    "CREATE INDEX register_flags_clinician ON register_flags(clinician_id, id);",

    /* 5: one account per registration number on each register, held by the database: professions
     * that share a regulator share its register (GPs and physician associates the GMC's, nurses and
     * nursing associates the NMC's, pharmacists and pharmacy technicians the GPhC's, the HCPC's
     * professions its one register). And the audit log read by actor, newest first. */
    FP_SQL_CLINICIANS_REGISTRATION_INDEX
    "CREATE INDEX audit_actor ON audit(actor_user_id, id);",

    /* 6: England's default passport requirements. Every built-in profession: the employment checks
     * and the Core Skills Training Framework; regulated ones also registration (with a licence to
     * practise), qualification and indemnity; GPs the Medical Performers List. Pool
     * administrators change them with PUT /api/v1/passport/requirements. */
    "INSERT OR IGNORE INTO passport_requirements (profession, check_code)"
    " SELECT p.column1, t.code FROM (VALUES ('gp'),('physician_associate'),('nurse'),('nursing_associate'),"
    "   ('pharmacist'),('pharmacy_technician'),('paramedic'),('physiotherapist'),('dietitian'),"
    "   ('occupational_therapist'),('podiatrist'),('healthcare_assistant'),('care_coordinator'),"
    "   ('health_and_wellbeing_coach'),('social_prescribing_link_worker'),('mental_health_practitioner')) p,"
    "   passport_check_types t"
    " WHERE t.code NOT IN ('registration','qualification','indemnity','performers_list')"
    "    OR (t.code IN ('registration','qualification','indemnity') AND p.column1 IN ('gp','physician_associate',"
    "        'nurse','nursing_associate','pharmacist','pharmacy_technician','paramedic','physiotherapist',"
    "        'dietitian','occupational_therapist','podiatrist'))"
    "    OR (t.code = 'performers_list' AND p.column1 = 'gp');",

    /* 7: a clinician's search always names a role (their profession) and nearly always the open
     * status: this index walks only those shifts, in the order the search returns them, instead of
     * stepping over every other role's shifts in the same days. */
    "CREATE INDEX shifts_status_role_start ON shifts(status, role, starts_at, id);",

    /* 8: each shift's listing: the JSON of the fields only posting or editing it changes, kept by
     * the database itself (triggers), so that a search reads one column for them instead of
     * fourteen and copies it out as it is; status, the practice, the booking, the distance and
     * updated_at are added by the search (store/shifts.c, http/codec.c fp_jw_shift). The API
     * tests check that a search's items equal GET /shifts/{id}. */
    "ALTER TABLE shifts ADD COLUMN listing TEXT;"
    "CREATE TRIGGER shifts_listing_insert AFTER INSERT ON shifts BEGIN"
    "  UPDATE shifts SET listing = " SHIFT_LISTING("NEW.") " WHERE id = NEW.id;"
    "END;"
    "CREATE TRIGGER shifts_listing_update AFTER UPDATE OF practice_id, series_id, role, starts_at, ends_at,"
    "  break_minutes, rate_pence, rate_unit, hourly_pence, booking_mode, location_type, description, created_at"
    "  ON shifts BEGIN"
    "  UPDATE shifts SET listing = " SHIFT_LISTING("NEW.") " WHERE id = NEW.id;"
    "END;"
    "UPDATE shifts SET listing = " SHIFT_LISTING("") ";",

    /* 9: evidence files are removed after the transaction that marks their rows deleted has
     * committed (fp_store_evidence_files_remove), never inside it: this notes which are done. */
    "ALTER TABLE passport_evidence ADD COLUMN file_removed INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX passport_evidence_files_due ON passport_evidence(sha256)"
    "  WHERE deleted_at IS NOT NULL AND file_removed = 0;",

    /* 10: a confirmed booking's attendance, recorded by the practice once the shift has started:
     * NULL (nothing recorded) or 'did_not_attend' (core/booking.h fp_booking_transition). The
     * booking stays confirmed (the session was held for the clinician); the figures count it apart. */
    "ALTER TABLE bookings ADD COLUMN attendance TEXT CHECK (attendance IN ('did_not_attend'));"
    "ALTER TABLE bookings ADD COLUMN attendance_at INTEGER;"
    "ALTER TABLE bookings ADD COLUMN attendance_by INTEGER REFERENCES users(id);",

    /* 11: a placement grant names the pool it was given through (access lapses when the clinician
     * leaves it), and the access log names why a practice or pool could look (store/access.h). */
    "ALTER TABLE passport_grants ADD COLUMN pool_id INTEGER REFERENCES pools(id);"
    "ALTER TABLE passport_access_log ADD COLUMN reason TEXT;"
    "CREATE INDEX passport_grants_pool ON passport_grants(pool_id, clinician_id);",

    /* 12: the placement grant rules (h_passport.c) applied to the grants given before them. A grant
     * still in force gets the pool its giver administers and the clinician is a member of (one in the
     * organisation's ICB first); one that could not have been given under the rules (no such pool,
     * not a practice or PCN, another ICB than the pool's, starting later than the day it was given,
     * or lasting more than 12 months from then) is revoked, with an audit row each. Days are UTC
     * here, with a day's leeway for the UK's summer time. */
    "UPDATE passport_grants SET pool_id = (SELECT r.pool_id FROM user_roles r"
    "  JOIN pool_members m ON m.pool_id = r.pool_id AND m.clinician_id = passport_grants.clinician_id"
    "  JOIN pools p ON p.id = r.pool_id JOIN organisations o ON o.id = passport_grants.organisation_id"
    "  WHERE r.user_id = passport_grants.granted_by AND r.role = 'pool_admin'"
    "  ORDER BY (p.icb_id = o.icb_id) DESC, r.pool_id LIMIT 1)"
    " WHERE revoked_at IS NULL AND pool_id IS NULL;"
    "CREATE TEMP TABLE grants_out_of_rule AS SELECT g.id FROM passport_grants g WHERE g.revoked_at IS NULL AND ("
    "  g.pool_id IS NULL"
    "  OR NOT EXISTS (SELECT 1 FROM organisations o JOIN pools p ON p.id = g.pool_id WHERE o.id = g.organisation_id"
    "    AND o.level IN ('practice','pcn') AND (p.icb_id IS NULL OR o.icb_id = p.icb_id))"
    "  OR g.from_day > g.created_at / 86400 + 1 OR g.until_day > g.created_at / 86400 + 366);"
    /* The audit row names the system as the actor and no before or after: those columns moved to
       audit_personal in migration 61, and this migration must run on either shape of the table
       (tests/api/test_access.c runs it again on a store past 61). */
    "INSERT INTO audit (at, actor_user_id, action, entity, entity_id)"
    "  SELECT CAST(strftime('%s','now') AS INTEGER), NULL, 'passport.grant_revoke', 'passport_grant', id"
    "  FROM grants_out_of_rule ORDER BY id;"
    "UPDATE passport_grants SET revoked_at = CAST(strftime('%s','now') AS INTEGER)"
    "  WHERE id IN (SELECT id FROM grants_out_of_rule);"
    "DROP TABLE grants_out_of_rule;",

    /* 13: who owns a passport requirement. passport_requirements is the national baseline of each
     * profession, changed only by the system administrator; a pool adds checks of its own for its
     * members (passport_pool_requirements) and can never drop a baseline one. A profession with no
     * baseline of its own (a pool's custom role) is held to the baseline for unregistered roles:
     * the check types marked unregistered_baseline. A booking records the pool whose requirements
     * it met (existing ones: the first pool the clinician shares with the practice). */
    "CREATE TABLE passport_pool_requirements ("
    "  pool_id INTEGER NOT NULL REFERENCES pools(id),"
    "  profession TEXT NOT NULL, check_code TEXT NOT NULL,"
    "  added_by INTEGER REFERENCES users(id), added_at INTEGER NOT NULL,"
    "  PRIMARY KEY (pool_id, profession, check_code));"
    "ALTER TABLE passport_check_types ADD COLUMN unregistered_baseline INTEGER NOT NULL DEFAULT 0;"
    "UPDATE passport_check_types SET unregistered_baseline = 1 WHERE code IN ('identity','right_to_work','dbs',"
    "  'occupational_health','references','employment_history') OR code LIKE 'cstf!_%' ESCAPE '!';"
    "ALTER TABLE bookings ADD COLUMN pool_id INTEGER REFERENCES pools(id);"
    "UPDATE bookings SET pool_id = (SELECT MIN(m.pool_id) FROM pool_members m JOIN pool_members o ON o.pool_id = m.pool_id"
    "  WHERE m.clinician_id = bookings.clinician_id AND o.organisation_id = bookings.practice_id);",

    /* 14: accounts. A password someone else set (an administrator adding the account) must be
     * changed at first sign-in; the demo's documented accounts (the reserved .test domain) are
     * marked so that the second factor is never required of them; a TOTP second factor with
     * single-use recovery codes (stored hashed); the pending second step of a sign-in; and the
     * registrations per address, for throttling. */
    "ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN demo_account INTEGER NOT NULL DEFAULT 0;"
    "UPDATE users SET demo_account = 1 WHERE email LIKE '%@demo.flexpool.test';"
    "CREATE TABLE user_totp ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id),"
    "  secret TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  enabled_at INTEGER,"
    "  last_step INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE recovery_codes ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  code_hash BLOB NOT NULL,"
    "  used_at INTEGER);"
    "CREATE INDEX recovery_codes_user ON recovery_codes(user_id);"
    "CREATE TABLE mfa_challenges ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash BLOB NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE registration_attempts (address TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX registration_attempts_address ON registration_attempts(address, at);",

    /* 15: a shift's applications and bookings found by the shift. Booking declines every other
     * application of the shift the state machine lets be declined: without an index that read every
     * application in the installation (a booking's SQL went from 0.15 ms to several), and SQLite
     * checked a shift's bookings the same way. */
    "CREATE INDEX applications_shift ON applications(shift_id, id);"
    "CREATE INDEX bookings_shift ON bookings(shift_id);",

    /* 16: a row per clinician that a booking writes before it reads what it decides on (their
     * bookings, passport, pools), and a passport re-examination before it reads their bookings
     * (fp_store_clinician_lock): on PostgreSQL the booking then runs at READ COMMITTED. */
    "CREATE TABLE booking_guards (clinician_id INTEGER PRIMARY KEY REFERENCES clinicians(id), n INTEGER NOT NULL);",

    /* 17: when clinicians said they can work (src/core/availability.h): a weekly pattern of windows in
     * UK local wall-clock minutes, and exceptions on UK local day numbers (days since 1970-01-01):
     * 'unavailable' from..to, 'extra' hours on one day. Found by clinician, and by weekday for the
     * pre-filter of "who is available" (the core decides). */
    "CREATE TABLE availability_windows ("
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),"
    "  start_min INTEGER NOT NULL,"
    "  end_min INTEGER NOT NULL,"
    "  CHECK (start_min >= 0 AND start_min < end_min AND end_min <= 1440));"
    "CREATE INDEX availability_windows_clinician ON availability_windows(clinician_id);"
    "CREATE INDEX availability_windows_weekday ON availability_windows(weekday, clinician_id);"
    "CREATE TABLE availability_exceptions ("
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('unavailable','extra')),"
    "  from_day INTEGER NOT NULL,"
    "  to_day INTEGER NOT NULL,"
    "  start_min INTEGER,"
    "  end_min INTEGER,"
    "  CHECK (from_day <= to_day));"
    "CREATE INDEX availability_exceptions_clinician ON availability_exceptions(clinician_id, from_day);"
    "CREATE INDEX availability_exceptions_day ON availability_exceptions(from_day, clinician_id);",

    /* 18: the iCalendar feeds' secret URLs (store/calendar.h): a user's (a clinician's bookings) or an
     * organisation's (a practice's shifts); only a hash of each URL's key is kept. */
    "CREATE TABLE calendar_feeds ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER REFERENCES users(id),"
    "  organisation_id INTEGER REFERENCES organisations(id),"
    "  key_hash BLOB NOT NULL UNIQUE,"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  used_at INTEGER,"
    "  CHECK ((user_id IS NULL) <> (organisation_id IS NULL)));"
    "CREATE INDEX calendar_feeds_user ON calendar_feeds(user_id);"
    "CREATE INDEX calendar_feeds_organisation ON calendar_feeds(organisation_id);",

    /* 19: the message threads between a clinician and a practice (store/messages.h): one per
     * booking and one per application, each message written by one of the two sides. */
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  thread_kind TEXT NOT NULL CHECK (thread_kind IN ('booking','application')),"
    "  thread_id INTEGER NOT NULL,"
    "  author_user_id INTEGER NOT NULL REFERENCES users(id),"
    "  side TEXT NOT NULL CHECK (side IN ('clinician','practice')),"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX messages_thread ON messages(thread_kind, thread_id, id);",

    /* 20: messages (issue 12). What a person is told in the app (notifications: read or not) and the
     * email outbox, both written in the same transaction as the event that caused them
     * (store/outbox.h); a delivery worker claims a queued message for a while (lease_owner,
     * lease_until: several servers on one database never send the same one at once), sends it with
     * the Message-ID it was given when it was written, and records every attempt (outbox_attempts). */
    "CREATE TABLE notifications ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  kind TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  link TEXT NOT NULL DEFAULT '',"
    "  created_at INTEGER NOT NULL,"
    "  read_at INTEGER);"
    "CREATE INDEX notifications_user ON notifications(user_id, id);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER REFERENCES users(id),"
    FP_SQL_OUTBOX_MESSAGE_COLUMNS
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt_at INTEGER NOT NULL,"
    "  lease_owner TEXT,"
    "  lease_until INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER);"
    "CREATE INDEX outbox_due ON outbox(state, next_attempt_at);"
    "CREATE TABLE outbox_attempts ("
    "  id INTEGER PRIMARY KEY,"
    "  outbox_id INTEGER NOT NULL REFERENCES outbox(id),"
    "  at INTEGER NOT NULL,"
    "  worker TEXT NOT NULL,"
    "  ok INTEGER NOT NULL,"
    "  detail TEXT NOT NULL);"
    "CREATE INDEX outbox_attempts_message ON outbox_attempts(outbox_id);",

    /* 21: single-use links sent by email (store/account_tokens.h): a password reset, an email
     * address change confirmed from the new address; only the token's hash is kept. The requests
     * for them, per email address and per client address, for throttling. An outbox row that
     * carries such a link is secret: its link is wiped once the email is sent or given up. */
    "CREATE TABLE account_tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  purpose TEXT NOT NULL CHECK (purpose IN ('password_reset','email_change')),"
    "  token_hash BLOB NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  new_email TEXT,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  used_at INTEGER);"
    "CREATE INDEX account_tokens_user ON account_tokens(user_id, purpose);"
    "CREATE TABLE account_token_requests (request_key TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX account_token_requests_lookup ON account_token_requests(request_key, at);"
    "ALTER TABLE outbox ADD COLUMN secret INTEGER NOT NULL DEFAULT 0;",

    /* 22: the pool's working-time guards (src/core/working_time.h), its clinicians' bookings held
     * to them: most minutes worked in any 24 hours, least consecutive minutes of rest in every 24. */
    "ALTER TABLE pools ADD COLUMN max_worked_minutes_24h INTEGER NOT NULL DEFAULT 780;"
    "ALTER TABLE pools ADD COLUMN min_rest_minutes_24h INTEGER NOT NULL DEFAULT 660;",

    /* 23: a practice's favourite and blocked clinicians (one mark per practice and clinician, so never
     * both), set by its own managers. A blocked clinician shares no pool with the practice for
     * visibility and eligibility (src/store/scope.c, fp_store_eligibility_view). */
    "CREATE TABLE practice_clinician_marks ("
    "  practice_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('favourite','blocked')),"
    "  added_by INTEGER REFERENCES users(id),"
    "  added_at INTEGER NOT NULL,"
    "  PRIMARY KEY (practice_id, clinician_id));"
    "CREATE INDEX practice_clinician_marks_clinician ON practice_clinician_marks(clinician_id, kind);",

    /* 24: nothing on SQLite (its update hook already watches the passport catalogue); on PostgreSQL
       the catalogue moves the identity generation (store/pg/schema.c). */
    "SELECT 1;",

    /* 25: outbound webhooks per organisation (store/webhooks.h): each a URL, the events it wants and
     * its signing secret; deleted ones are kept (their deliveries refer to them). A delivery is an
     * outbox row of channel 'webhook' (its subject the event, its body the JSON sent, its message_id
     * the event's id), written in the event's transaction, claimed, retried and recorded like an
     * email (store/outbox.h, outbox_attempts). */
    "CREATE TABLE webhooks ("
    "  id INTEGER PRIMARY KEY,"
    "  organisation_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  url TEXT NOT NULL,"
    "  secret TEXT NOT NULL,"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  deleted_at INTEGER);"
    "CREATE INDEX webhooks_organisation ON webhooks(organisation_id, id);"
    "CREATE TABLE webhook_events ("
    "  webhook_id INTEGER NOT NULL REFERENCES webhooks(id),"
    "  event TEXT NOT NULL,"
    "  PRIMARY KEY (webhook_id, event));"
    "CREATE INDEX webhook_events_event ON webhook_events(event, webhook_id);"
    "ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email','webhook'));"
    "ALTER TABLE outbox ADD COLUMN webhook_id INTEGER REFERENCES webhooks(id);"
    "CREATE INDEX outbox_webhook ON outbox(webhook_id, id);",

    /* 26: tiered release (issue 12, core/release.h). A shift is released to all at posting (as
     * before) or in tiers; the instants its pool and the overflow pools open at are the core's
     * fp_release_decide written with it (overflow NULL: never), so that the scope compares them with
     * a bound now. A practice's delays in hours; a pool's opt-in to receive the overflow of the
     * other pools of its ICB. */
    "ALTER TABLE shifts ADD COLUMN release_mode TEXT NOT NULL DEFAULT 'all' CHECK (release_mode IN ('all','tiered'));"
    "ALTER TABLE shifts ADD COLUMN pool_opens_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE shifts ADD COLUMN overflow_opens_at INTEGER;"
    "ALTER TABLE organisations ADD COLUMN release_pool_after_hours INTEGER NOT NULL DEFAULT 24;"
    "ALTER TABLE organisations ADD COLUMN release_pool_before_start_hours INTEGER NOT NULL DEFAULT 168;"
    "ALTER TABLE organisations ADD COLUMN release_overflow_before_start_hours INTEGER NOT NULL DEFAULT 72;"
    "ALTER TABLE pools ADD COLUMN overflow INTEGER NOT NULL DEFAULT 0;",

    /* 27: shift alerts (src/core/alerts.h, src/store/alerts.h): a clinician's preferences (no row: the
     * defaults) and the roles they want alerts for, found by role; every alert decided, one per
     * clinician, shift and kind (posted, urgent), kept as sent or waiting (quiet hours, the digest)
     * until due; and each shift's scans (posted, urgent, and the practice's unfilled notice), one per
     * shift and kind. The availability windows found by weekday and the start of a window, for the
     * candidates of a shift (the core decides). */
    "CREATE TABLE alert_prefs ("
    "  clinician_id INTEGER PRIMARY KEY REFERENCES clinicians(id),"
    "  enabled INTEGER NOT NULL,"
    "  max_distance_miles INTEGER NOT NULL,"
    "  min_hourly_pence INTEGER NOT NULL,"
    "  mode TEXT NOT NULL CHECK (mode IN ('instant','digest')),"
    "  quiet_start_min INTEGER NOT NULL,"
    "  quiet_end_min INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE alert_roles ("
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  role TEXT NOT NULL,"
    "  PRIMARY KEY (role, clinician_id));"
    "CREATE INDEX alert_roles_clinician ON alert_roles(clinician_id);"
    "CREATE TABLE alerts ("
    "  id INTEGER PRIMARY KEY,"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('posted','urgent')),"
    "  digest INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  due_at INTEGER NOT NULL,"
    "  sent_at INTEGER,"
    "  outcome TEXT CHECK (outcome IN ('sent','dropped')),"
    "  UNIQUE (clinician_id, shift_id, kind));"
    "CREATE INDEX alerts_waiting ON alerts(due_at, clinician_id) WHERE sent_at IS NULL;"
    "CREATE INDEX alerts_shift ON alerts(shift_id);"
    "CREATE TABLE alert_scans ("
    "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('posted','urgent','unfilled')),"
    "  scanned_at INTEGER NOT NULL,"
    "  PRIMARY KEY (shift_id, kind));"
    "CREATE INDEX availability_windows_start ON availability_windows(weekday, start_min, end_min, clinician_id);"
    /* The shifts posted before alerts existed are not new: only those posted from now on alert. */
    "INSERT INTO alert_scans (shift_id, kind, scanned_at) SELECT id, 'posted', 0 FROM shifts;",

    /* 28: a practice's direct offers of its open shifts to pool clinicians (store/offers.h). The
     * status is what happened (pending, accepted, declined, withdrawn, closed); whether a pending
     * offer has lapsed is decided from sent_at and the shift's start (core/offer.h), never stored. */
    "CREATE TABLE offers ("
    "  id INTEGER PRIMARY KEY,"
    "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  practice_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  status TEXT NOT NULL CHECK (status IN ('pending','accepted','declined','withdrawn','closed')),"
    "  sent_by INTEGER REFERENCES users(id),"
    "  sent_at INTEGER NOT NULL,"
    "  decided_by INTEGER REFERENCES users(id),"
    "  decided_at INTEGER,"
    "  booking_id INTEGER REFERENCES bookings(id));"
    "CREATE INDEX offers_shift ON offers(shift_id, clinician_id);"
    "CREATE INDEX offers_clinician ON offers(clinician_id, sent_at);",

    /* 29: when the practice was told that a pending offer lapsed unanswered (store/offers.h
     * fp_store_offers_lapses_tell), so it is told once. */
    "ALTER TABLE offers ADD COLUMN lapse_told_at INTEGER;"
    "CREATE INDEX offers_pending ON offers(sent_at) WHERE status = 'pending' AND lapse_told_at IS NULL;",

    /* 30: which clinicians' alert facts changed (store/alert_index.h): a row for each change to what
     * the shift alerts keep of a clinician between matches - their account's name and state, their
     * clinician row, preferences, roles, availability, pools and passport records, and the location
     * of their home postcode - so a kept index reloads those clinicians alone. Written by triggers,
     * in the transaction of the change; pruned by the alerts' upkeep once every index has read them. */
    "CREATE TABLE alert_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, clinician_id INTEGER NOT NULL);"
    FP_SQ_ALERT_CHANGED("clinicians", "id")
    FP_SQ_ALERT_CHANGED("alert_prefs", "clinician_id")
    FP_SQ_ALERT_CHANGED("alert_roles", "clinician_id")
    FP_SQ_ALERT_CHANGED("availability_windows", "clinician_id")
    FP_SQ_ALERT_CHANGED("availability_exceptions", "clinician_id")
    FP_SQ_ALERT_CHANGED("pool_members", "clinician_id")
    FP_SQ_ALERT_CHANGED("passport_checks", "clinician_id")
    "CREATE TRIGGER users_alert_update AFTER UPDATE OF name, active ON users BEGIN"
    "  INSERT INTO alert_changes (clinician_id) SELECT id FROM clinicians WHERE user_id = NEW.id; END;"
    "CREATE TRIGGER postcodes_alert_insert AFTER INSERT ON postcodes BEGIN"
    "  INSERT INTO alert_changes (clinician_id) SELECT id FROM clinicians WHERE home_postcode = NEW.postcode; END;"
    "CREATE TRIGGER postcodes_alert_update AFTER UPDATE ON postcodes BEGIN"
    "  INSERT INTO alert_changes (clinician_id) SELECT id FROM clinicians WHERE home_postcode = NEW.postcode; END;"
    /* And a match's alerts as one row per group due at one time (store/alerts.h): the shift, the
     * kind, whether for the digest, when due, and the clinicians (a JSON array of ids); delivery
     * goes through each group's clinicians in id order, done_upto the last one delivered, done_at
     * when all were. The alerts made so far become groups: those waiting by due time, those
     * delivered one group a shift and kind. */
    "CREATE TABLE alert_groups ("
    "  id INTEGER PRIMARY KEY,"
    "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('posted','urgent')),"
    "  digest INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  due_at INTEGER NOT NULL,"
    "  clinicians TEXT NOT NULL,"
    "  done_upto INTEGER NOT NULL DEFAULT 0,"
    "  done_at INTEGER);"
    "CREATE INDEX alert_groups_shift ON alert_groups(shift_id, kind);"
    "CREATE INDEX alert_groups_waiting ON alert_groups(due_at) WHERE done_at IS NULL;"
    "INSERT INTO alert_groups (shift_id, kind, digest, created_at, due_at, clinicians, done_at)"
    " SELECT shift_id, kind, digest, MIN(created_at), due_at, json_group_array(clinician_id), NULL FROM alerts"
    " WHERE sent_at IS NULL GROUP BY shift_id, kind, digest, due_at;"
    "INSERT INTO alert_groups (shift_id, kind, digest, created_at, due_at, clinicians, done_upto, done_at)"
    " SELECT shift_id, kind, MAX(digest), MIN(created_at), MIN(due_at), json_group_array(clinician_id),"
    "  MAX(clinician_id), MAX(sent_at) FROM alerts WHERE sent_at IS NOT NULL GROUP BY shift_id, kind;"
    "DROP TABLE alerts;",

    /* 31: a booked session's timesheet (core/timesheet.h, store/shifts.h): what the clinician says
     * was worked and the practice's answer. No row until the clinician submits (the state to_submit
     * is the booking's own); decided_by NULL on an approved row is the upkeep's auto-approval. */
    "CREATE TABLE timesheets ("
    "  booking_id INTEGER PRIMARY KEY REFERENCES bookings(id),"
    "  state TEXT NOT NULL CHECK (state IN ('submitted','queried','approved','not_worked')),"
    "  actual_start INTEGER NOT NULL,"
    "  actual_end INTEGER NOT NULL CHECK (actual_end > actual_start),"
    "  break_minutes INTEGER NOT NULL CHECK (break_minutes >= 0),"
    "  fee_pence INTEGER NOT NULL CHECK (fee_pence >= 0),"
    "  submitted_at INTEGER NOT NULL,"
    "  submitted_by INTEGER NOT NULL REFERENCES users(id),"
    "  decided_at INTEGER,"
    "  decided_by INTEGER REFERENCES users(id),"
    "  query_reason TEXT);"
    "CREATE INDEX timesheets_waiting ON timesheets(submitted_at) WHERE state = 'submitted';",

    /* 32: how many days after its submission a practice's unqueried timesheet is approved by itself
     * (core/timesheet.h: 0 never; FP_TS_AUTO_APPROVE_DAYS unless the practice says otherwise). */
    "ALTER TABLE organisations ADD COLUMN timesheet_auto_approve_days INTEGER NOT NULL DEFAULT 7"
    " CHECK (timesheet_auto_approve_days BETWEEN 0 AND 28);",

    /* 33: invoices (core/invoice.h, store/invoices.h): a clinician's to a practice, one per approved
     * session. Numbered per issuer without gaps (the trigger refuses any number but the next one),
     * never deleted and never edited but for their payment; each keeps what it said when issued
     * (the parties' names and address, each line's times, description and amount), so a later
     * change of name or a correction elsewhere never changes an issued invoice. A session's fee is
     * invoiced once (the lines' unique key). */
    "CREATE TABLE invoices ("
    "  id INTEGER PRIMARY KEY,"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  practice_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  number INTEGER NOT NULL CHECK (number > 0),"
    "  status TEXT NOT NULL CHECK (status IN ('issued','paid')),"
    "  issued_at INTEGER NOT NULL,"
    "  due_on INTEGER NOT NULL,"
    "  total_pence INTEGER NOT NULL,"
    "  issuer_name TEXT NOT NULL, issuer_detail TEXT NOT NULL,"
    "  customer_name TEXT NOT NULL, customer_detail TEXT NOT NULL,"
    "  paid_at INTEGER, paid_by INTEGER REFERENCES users(id),"
    "  UNIQUE (clinician_id, number));"
    "CREATE INDEX invoices_practice ON invoices(practice_id, id);"
    "CREATE TRIGGER invoices_numbered BEFORE INSERT ON invoices WHEN NEW.number <>"
    "  (SELECT COALESCE(MAX(number), 0) + 1 FROM invoices WHERE clinician_id = NEW.clinician_id)"
    "  BEGIN SELECT RAISE(ABORT, 'invoice numbers run without gaps'); END;"
    "CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;"
    "CREATE TRIGGER invoices_no_edit BEFORE UPDATE OF clinician_id, practice_id, number, issued_at, due_on,"
    "  total_pence, issuer_name, issuer_detail, customer_name, customer_detail ON invoices BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;"
    "CREATE TABLE invoice_lines ("
    "  id INTEGER PRIMARY KEY,"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  booking_id INTEGER NOT NULL REFERENCES bookings(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('fee')),"
    "  description TEXT NOT NULL,"
    "  worked_start INTEGER NOT NULL, worked_end INTEGER NOT NULL, break_minutes INTEGER NOT NULL,"
    "  amount_pence INTEGER NOT NULL,"
    "  UNIQUE (booking_id, kind));"
    "CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);"
    "CREATE TRIGGER invoice_lines_no_update BEFORE UPDATE ON invoice_lines BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;"
    "CREATE TRIGGER invoice_lines_no_delete BEFORE DELETE ON invoice_lines BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;",

    /* 34: where a clinician is paid (store/invoices.h fp_store_invoice_details_*): their address and
     * bank account as they want them on their invoices, read by the clinician alone and copied into
     * each invoice when it is issued (the invoice keeps what it said). */
    "CREATE TABLE invoice_details ("
    "  clinician_id INTEGER PRIMARY KEY REFERENCES clinicians(id),"
    "  address TEXT NOT NULL, account_name TEXT NOT NULL, sort_code TEXT NOT NULL, account_number TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL);",

    /* 35: terms of engagement (core/terms.h, store/terms.h): a clinician's own and a pool's
     * defaults, one row each (exactly one owner), the cancellation bands as core/terms.h writes
     * them; and the terms a booking runs on, copied into it when it is made (NULL for bookings made
     * before terms were kept), with the fee a practice's cancellation under them came to. */
    "CREATE TABLE terms ("
    "  id INTEGER PRIMARY KEY,"
    "  clinician_id INTEGER UNIQUE REFERENCES clinicians(id),"
    "  pool_id INTEGER UNIQUE REFERENCES pools(id),"
    "  payment_days INTEGER NOT NULL CHECK (payment_days BETWEEN 1 AND 90),"
    "  cancellation TEXT NOT NULL,"
    "  mileage INTEGER NOT NULL CHECK (mileage IN (0, 1)), expenses INTEGER NOT NULL CHECK (expenses IN (0, 1)),"
    "  updated_at INTEGER NOT NULL, updated_by INTEGER REFERENCES users(id),"
    "  CHECK ((clinician_id IS NULL) <> (pool_id IS NULL)));"
    "ALTER TABLE bookings ADD COLUMN terms_source TEXT CHECK (terms_source IN ('pool','clinician'));"
    "ALTER TABLE bookings ADD COLUMN terms_payment_days INTEGER;"
    "ALTER TABLE bookings ADD COLUMN terms_cancellation TEXT;"
    "ALTER TABLE bookings ADD COLUMN terms_mileage INTEGER;"
    "ALTER TABLE bookings ADD COLUMN terms_expenses INTEGER;"
    "ALTER TABLE bookings ADD COLUMN cancellation_fee_pence INTEGER;",

    /* 36: mileage and expenses claimed with a timesheet where the booking's terms allow them
     * (core/timesheet.h fp_ts_claims), each invoiced as its own line, and the practice's employer
     * pension contribution for a GP locum who pensions (core/pension.h): invoice_lines takes the
     * kinds 'mileage', 'expenses' and 'employer_pension' (SQLite changes a CHECK by making the
     * table again, its triggers with it; dropping it fires none). */
    "ALTER TABLE timesheets ADD COLUMN mileage_miles INTEGER NOT NULL DEFAULT 0 CHECK (mileage_miles >= 0);"
    "ALTER TABLE timesheets ADD COLUMN expenses_pence INTEGER NOT NULL DEFAULT 0 CHECK (expenses_pence >= 0);"
    "ALTER TABLE timesheets ADD COLUMN expenses_note TEXT;"
    "CREATE TABLE invoice_lines_36 ("
    "  id INTEGER PRIMARY KEY,"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  booking_id INTEGER NOT NULL REFERENCES bookings(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('fee','mileage','expenses','employer_pension')),"
    "  description TEXT NOT NULL,"
    "  worked_start INTEGER NOT NULL, worked_end INTEGER NOT NULL, break_minutes INTEGER NOT NULL,"
    "  amount_pence INTEGER NOT NULL,"
    "  UNIQUE (booking_id, kind));"
    "INSERT INTO invoice_lines_36 SELECT id, invoice_id, booking_id, kind, description, worked_start, worked_end,"
    "  break_minutes, amount_pence FROM invoice_lines;"
    "DROP TABLE invoice_lines;"
    "ALTER TABLE invoice_lines_36 RENAME TO invoice_lines;"
    "CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);"
    "CREATE TRIGGER invoice_lines_no_update BEFORE UPDATE ON invoice_lines BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;"
    "CREATE TRIGGER invoice_lines_no_delete BEFORE DELETE ON invoice_lines BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;",

    /* 37: how a clinician invoices (core/invoice.h fp_invoicing): each session at its approval, or
     * one invoice a practice a month (store/invoices.h fp_store_invoices_monthly). */
    "ALTER TABLE invoice_details ADD COLUMN invoicing TEXT NOT NULL DEFAULT 'session'"
    "  CHECK (invoicing IN ('session','monthly'));",

    /* 38: a GP locum's NHS Pension Scheme details (store/pension.h): their SD number, whether they
     * pension their locum work, and the annual pensionable pay they declare (their tier). */
    "CREATE TABLE pension_details ("
    "  clinician_id INTEGER PRIMARY KEY REFERENCES clinicians(id),"
    "  sd_number TEXT NOT NULL, pensioned INTEGER NOT NULL CHECK (pensioned IN (0, 1)),"
    "  annual_pensionable_pence INTEGER NOT NULL CHECK (annual_pensionable_pence >= 0),"
    "  updated_at INTEGER NOT NULL);",

    /* 39: the pension warnings given (store/pension.h fp_store_pension_reminders), each once: for a
     * form ('form_a:<invoice id>', 'form_b:<YYYY-MM>') and warning (core/pension.h: 1 early, 2 late). */
    "CREATE TABLE pension_reminders ("
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  form TEXT NOT NULL, warning INTEGER NOT NULL CHECK (warning IN (1, 2)), sent_at INTEGER NOT NULL,"
    "  PRIMARY KEY (clinician_id, form, warning));",

    /* 40: part 2 of a GP locum's pension form A, signed by the practice for an invoice, once
     * (store/invoices.h fp_store_form_a_sign): who, when, in what role, and what they signed. */
    "CREATE TABLE form_a_signatures ("
    "  invoice_id INTEGER PRIMARY KEY REFERENCES invoices(id),"
    "  signed_by INTEGER NOT NULL REFERENCES users(id), signer_name TEXT NOT NULL, signer_role TEXT NOT NULL,"
    "  signed_at INTEGER NOT NULL, what TEXT NOT NULL);",

    /* 41: credit notes (core/invoice.h): an invoice may be 'credited', and a 'credit_note' is a row
     * of its own in the same numbering, naming the invoice it credits (once) and why, its total
     * the credited one's at minus; a line is 'live' while it invoices its session: the lines of a
     * credited invoice stop being so (the only change a line takes) and a credit note's never are,
     * so a session is invoiced once at a time and may be invoiced again after a credit (the unique
     * key on every line becomes a partial one). SQLite changes a CHECK by making the table again:
     * this one runs with foreign keys off and checks them before it commits (REBUILDS below). */
    "CREATE TABLE invoices_41 ("
    "  id INTEGER PRIMARY KEY,"
    "  clinician_id INTEGER NOT NULL REFERENCES clinicians(id),"
    "  practice_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  number INTEGER NOT NULL CHECK (number > 0),"
    "  status TEXT NOT NULL CHECK (status IN ('issued','paid','credited','credit_note')),"
    "  issued_at INTEGER NOT NULL,"
    "  due_on INTEGER NOT NULL,"
    "  total_pence INTEGER NOT NULL,"
    "  issuer_name TEXT NOT NULL, issuer_detail TEXT NOT NULL,"
    "  customer_name TEXT NOT NULL, customer_detail TEXT NOT NULL,"
    "  paid_at INTEGER, paid_by INTEGER REFERENCES users(id),"
    "  credits_id INTEGER UNIQUE REFERENCES invoices(id), credit_reason TEXT,"
    "  UNIQUE (clinician_id, number),"
    "  CHECK ((status = 'credit_note') = (credits_id IS NOT NULL) AND (credits_id IS NULL OR total_pence <= 0)));"
    "INSERT INTO invoices_41 (id, clinician_id, practice_id, number, status, issued_at, due_on, total_pence,"
    "  issuer_name, issuer_detail, customer_name, customer_detail, paid_at, paid_by)"
    "  SELECT id, clinician_id, practice_id, number, status, issued_at, due_on, total_pence, issuer_name,"
    "  issuer_detail, customer_name, customer_detail, paid_at, paid_by FROM invoices;"
    "DROP TABLE invoices;"
    "ALTER TABLE invoices_41 RENAME TO invoices;"
    "CREATE INDEX invoices_practice ON invoices(practice_id, id);"
    "CREATE TRIGGER invoices_numbered BEFORE INSERT ON invoices WHEN NEW.number <>"
    "  (SELECT COALESCE(MAX(number), 0) + 1 FROM invoices WHERE clinician_id = NEW.clinician_id)"
    "  BEGIN SELECT RAISE(ABORT, 'invoice numbers run without gaps'); END;"
    "CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;"
    "CREATE TRIGGER invoices_no_edit BEFORE UPDATE OF clinician_id, practice_id, number, issued_at, due_on,"
    "  total_pence, issuer_name, issuer_detail, customer_name, customer_detail, credits_id, credit_reason ON invoices"
    "  BEGIN SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;"
    "CREATE TABLE invoice_lines_41 ("
    "  id INTEGER PRIMARY KEY,"
    "  invoice_id INTEGER NOT NULL REFERENCES invoices(id),"
    "  booking_id INTEGER NOT NULL REFERENCES bookings(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('fee','mileage','expenses','employer_pension')),"
    "  description TEXT NOT NULL,"
    "  worked_start INTEGER NOT NULL, worked_end INTEGER NOT NULL, break_minutes INTEGER NOT NULL,"
    "  amount_pence INTEGER NOT NULL,"
    "  live INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1)));"
    "INSERT INTO invoice_lines_41 (id, invoice_id, booking_id, kind, description, worked_start, worked_end,"
    "  break_minutes, amount_pence) SELECT id, invoice_id, booking_id, kind, description, worked_start, worked_end,"
    "  break_minutes, amount_pence FROM invoice_lines;"
    "DROP TABLE invoice_lines;"
    "ALTER TABLE invoice_lines_41 RENAME TO invoice_lines;"
    "CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);"
    "CREATE UNIQUE INDEX invoice_lines_once ON invoice_lines(booking_id, kind) WHERE live = 1;"
    "CREATE TRIGGER invoice_lines_no_update BEFORE UPDATE OF id, invoice_id, booking_id, kind, description,"
    "  worked_start, worked_end, break_minutes, amount_pence ON invoice_lines BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;"
    "CREATE TRIGGER invoice_lines_live_once BEFORE UPDATE OF live ON invoice_lines"
    "  WHEN NOT (OLD.live = 1 AND NEW.live = 0) BEGIN"
    "  SELECT RAISE(ABORT, 'an invoice line stops invoicing its session once, when its invoice is credited'); END;"
    "CREATE TRIGGER invoice_lines_no_delete BEFORE DELETE ON invoice_lines BEGIN"
    "  SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;",

    /* 42: a pool's rate policy (core/rate_policy.h, store/rate_policy.h): its cap on a shift's
     * hourly-equivalent rate (0: none) and its escalation steps as core/rate_policy.h writes them;
     * a practice's opt-in to the escalation of its unfilled shifts; a shift's rate as the practice
     * posted it (NULL until a step raised it) and the steps applied; and each escalation, with its
     * reason and who or what authorised it. */
    "ALTER TABLE pools ADD COLUMN rate_cap_hourly_pence INTEGER NOT NULL DEFAULT 0 CHECK (rate_cap_hourly_pence >= 0);"
    "ALTER TABLE pools ADD COLUMN rate_escalation TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE organisations ADD COLUMN rate_escalation INTEGER NOT NULL DEFAULT 0 CHECK (rate_escalation IN (0, 1));"
    "ALTER TABLE shifts ADD COLUMN posted_rate_pence INTEGER;"
    "ALTER TABLE shifts ADD COLUMN posted_hourly_pence INTEGER;"
    "ALTER TABLE shifts ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE shift_escalations ("
    "  id INTEGER PRIMARY KEY,"
    "  shift_id INTEGER NOT NULL REFERENCES shifts(id),"
    "  at INTEGER NOT NULL, step INTEGER NOT NULL, percent INTEGER NOT NULL,"
    "  from_pence INTEGER NOT NULL, to_pence INTEGER NOT NULL, capped INTEGER NOT NULL CHECK (capped IN (0, 1)),"
    "  pool_id INTEGER NOT NULL REFERENCES pools(id), authorised_by_user INTEGER REFERENCES users(id),"
    "  authorised_by TEXT NOT NULL, reason TEXT NOT NULL);"
    "CREATE INDEX shift_escalations_shift ON shift_escalations(shift_id, id);",

    /* 43: a shift posted or edited at a rate over its pool's cap awaits the pool's approval
     * (core/booking.h FP_SHIFT_AWAITING_APPROVAL): shifts.status takes 'awaiting_approval'. Every
     * existing row is valid under the wider CHECK, so SQLite's text of the table is edited in place
     * (TABLE_EDITS below) instead of making the table again: nothing more to run here. */
    "SELECT 1;",

    /* 44: a pool's staff-sharing agreement with its practices (store/terms.h): the text practices
     * accept with the pool's default terms when they post ("" until the pool writes one). */
    "ALTER TABLE pools ADD COLUMN sharing_agreement TEXT NOT NULL DEFAULT '';",

    /* 45: whether a practice's profile is complete (core/practice.h; docs/METRICS.md "practices
     * onboarded"), kept beside the profile by whoever writes it; existing profiles are read here
     * once by the same rule. */
    "ALTER TABLE organisations ADD COLUMN profile_complete INTEGER NOT NULL DEFAULT 0;"
    "UPDATE organisations SET profile_complete = 1 WHERE level = 'practice' AND json_valid(profile)"
    "  AND trim(COALESCE(json_extract(profile, '$.clinical_system'), '')) <> ''"
    "  AND trim(COALESCE(json_extract(profile, '$.induction'), '')) <> ''"
    "  AND trim(COALESCE(json_extract(profile, '$.contact_on_arrival'), '')) <> '';",

    /* 46: the pool's programme funding (store/funding.h; docs/METRICS.md, "Funding"): the
     * commissioner's allocations and the programme's spend entries, append-only (a correction is
     * an entry of its own, negative), and the day the pool first became available (NHS England's
     * pool return; NULL: the day it was created). */
    "CREATE TABLE pool_funding ("
    "  id INTEGER PRIMARY KEY,"
    "  pool_id INTEGER NOT NULL REFERENCES pools(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('allocation','spend')),"
    "  on_day INTEGER NOT NULL,"
    "  amount_pence INTEGER NOT NULL CHECK (amount_pence <> 0),"
    "  description TEXT NOT NULL,"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX pool_funding_pool ON pool_funding(pool_id, on_day, id);"
    "CREATE TRIGGER pool_funding_no_update BEFORE UPDATE ON pool_funding"
    "  BEGIN SELECT RAISE(ABORT, 'funding entries are append-only'); END;"
    "CREATE TRIGGER pool_funding_no_delete BEFORE DELETE ON pool_funding"
    "  BEGIN SELECT RAISE(ABORT, 'funding entries are append-only'); END;"
    "ALTER TABLE pools ADD COLUMN opened_on INTEGER;",

    /* 47: the monthly reports (store/reports.h; docs/METRICS.md, "The monthly report"): an ICB's
     * figures for a month, made by the upkeep from 02:00 on the 1st as CSV and PDF, and kept as
     * made. */
    "CREATE TABLE monthly_reports ("
    "  id INTEGER PRIMARY KEY,"
    "  icb_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  month TEXT NOT NULL CHECK (length(month) = 7),"
    "  made_at INTEGER NOT NULL,"
    "  csv BLOB NOT NULL,"
    "  pdf BLOB NOT NULL,"
    "  UNIQUE (icb_id, month));"
    "CREATE TRIGGER monthly_reports_no_update BEFORE UPDATE ON monthly_reports"
    "  BEGIN SELECT RAISE(ABORT, 'monthly reports are kept as made'); END;"
    "CREATE TRIGGER monthly_reports_no_delete BEFORE DELETE ON monthly_reports"
    "  BEGIN SELECT RAISE(ABORT, 'monthly reports are kept as made'); END;",

    /* 48: the commissioner's targets (store/targets.h; docs/METRICS.md, "Targets"): per ICB and
     * financial year, a fill rate in tenths of a percent and the locum fees the year may agree. */
    "CREATE TABLE icb_targets ("
    "  id INTEGER PRIMARY KEY,"
    "  icb_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  financial_year INTEGER NOT NULL CHECK (financial_year BETWEEN 2000 AND 2200),"
    "  fill_rate_tenths INTEGER CHECK (fill_rate_tenths BETWEEN 0 AND 1000),"
    "  spend_pence INTEGER CHECK (spend_pence >= 0),"
    "  set_by INTEGER REFERENCES users(id),"
    "  set_at INTEGER NOT NULL,"
    "  UNIQUE (icb_id, financial_year));",
    /* 49: the figures kept by practice and UK month (store/metrics.c, "Figures kept by month";
     * docs/METRICS.md, "How the figures stay fast"): a row per practice and settled month, made by
     * the upkeep from the same queries as the overview. A row is there only while it is true: every
     * change to what it counts (a shift, a booking, a timesheet, an invoice or its lines) deletes the
     * rows of its practice and month in the same transaction, by these triggers, and the overview
     * counts that month from the rows themselves until the upkeep keeps it again. */
    "CREATE TABLE metric_months ("
    "  practice_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  month_start INTEGER NOT NULL,"
    "  month_end INTEGER NOT NULL CHECK (month_end > month_start),"
    "  icb_id INTEGER,"
    "  shifts_posted INTEGER NOT NULL, shifts_filled INTEGER NOT NULL, unfilled INTEGER NOT NULL,"
    "  did_not_attend INTEGER NOT NULL, late_cancellations INTEGER NOT NULL,"
    "  cancelled_by_clinician INTEGER NOT NULL, cancelled_by_practice INTEGER NOT NULL,"
    "  cancelled_by_pool INTEGER NOT NULL, fill_seconds INTEGER NOT NULL, minutes_delivered INTEGER NOT NULL,"
    "  fees_agreed_pence INTEGER NOT NULL, fees_approved_pence INTEGER NOT NULL, fees_paid_pence INTEGER NOT NULL,"
    "  kept_at INTEGER NOT NULL,"
    "  PRIMARY KEY (practice_id, month_start));"
    "CREATE INDEX metric_months_month ON metric_months(month_start);"
    "CREATE TRIGGER shifts_mm_insert AFTER INSERT ON shifts BEGIN " SQ_MM_FORGET("NEW.practice_id", "NEW.starts_at") " END;"
    "CREATE TRIGGER shifts_mm_update AFTER UPDATE OF practice_id, icb_id, status, starts_at, break_minutes, created_at"
    "  ON shifts BEGIN " SQ_MM_FORGET("OLD.practice_id", "OLD.starts_at") SQ_MM_FORGET("NEW.practice_id", "NEW.starts_at") " END;"
    "CREATE TRIGGER shifts_mm_delete AFTER DELETE ON shifts BEGIN " SQ_MM_FORGET("OLD.practice_id", "OLD.starts_at") " END;"
    "CREATE TRIGGER bookings_mm_insert AFTER INSERT ON bookings BEGIN " SQ_MM_FORGET_SHIFT("NEW.shift_id") " END;"
    "CREATE TRIGGER bookings_mm_update AFTER UPDATE OF shift_id, status, attendance, fee_pence, starts_at, ends_at,"
    "  created_at, late, cancelled_by ON bookings BEGIN " SQ_MM_FORGET_SHIFT("OLD.shift_id") SQ_MM_FORGET_SHIFT("NEW.shift_id") " END;"
    "CREATE TRIGGER bookings_mm_delete AFTER DELETE ON bookings BEGIN " SQ_MM_FORGET_SHIFT("OLD.shift_id") " END;"
    "CREATE TRIGGER timesheets_mm_insert AFTER INSERT ON timesheets BEGIN "
    SQ_MM_FORGET_SHIFT("(SELECT shift_id FROM bookings WHERE id = NEW.booking_id)") " END;"
    "CREATE TRIGGER timesheets_mm_update AFTER UPDATE OF booking_id, state, actual_start, actual_end, break_minutes,"
    "  fee_pence ON timesheets BEGIN " SQ_MM_FORGET_SHIFT("(SELECT shift_id FROM bookings WHERE id = NEW.booking_id)") " END;"
    "CREATE TRIGGER timesheets_mm_delete AFTER DELETE ON timesheets BEGIN "
    SQ_MM_FORGET_SHIFT("(SELECT shift_id FROM bookings WHERE id = OLD.booking_id)") " END;"
    "CREATE TRIGGER invoice_lines_mm_insert AFTER INSERT ON invoice_lines BEGIN "
    SQ_MM_FORGET_SHIFT("(SELECT shift_id FROM bookings WHERE id = NEW.booking_id)") " END;"
    "CREATE TRIGGER invoice_lines_mm_update AFTER UPDATE OF live ON invoice_lines BEGIN "
    SQ_MM_FORGET_SHIFT("(SELECT shift_id FROM bookings WHERE id = NEW.booking_id)") " END;"
    "CREATE TRIGGER invoices_mm_update AFTER UPDATE OF status ON invoices BEGIN"
    "  DELETE FROM metric_months WHERE rowid IN (SELECT m.rowid FROM invoice_lines l JOIN bookings b ON b.id = l.booking_id"
    "  JOIN shifts s ON s.id = b.shift_id JOIN metric_months m ON m.practice_id = s.practice_id"
    "  AND m.month_start <= s.starts_at AND m.month_end > s.starts_at WHERE l.invoice_id = NEW.id); END;",

    /* 50: an organisation's accounts by role (the overview's "practices onboarded" asks, for each
     * practice, whether it has an active manager: without it, a scan of every role per practice,
     * 98 % of a 2,500-practice overview's time). */
    "CREATE INDEX user_roles_org ON user_roles(organisation_id, role);",
    /* 51: PostgreSQL's 51 rewrites its trigger functions of 49 in PL/pgSQL (SQL functions are
     * planned again at every call there). SQLite's triggers are compiled into each statement that
     * fires them: nothing to change. */
    "SELECT 1;",
    /* 52: a clinician's confirmed bookings by their end. What a booking's working-time check and the
     * alerts' "busy then" read is the bookings near a time: ending after some point and starting
     * before another. By (clinician_id, starts_at) only the second bounds the read, which was then
     * every booking of the clinician's history before it; by the end, only those near it and after. */
    "CREATE INDEX bookings_clinician_ends ON bookings(clinician_id, ends_at) WHERE status = 'confirmed';",
    /* 53: an ICB's shifts by their start. The commissioner's overview counts the days and months not
     * kept (metric_months) from the shifts of their ICB in the period; by shifts_start alone that
     * read every ICB's shifts in it: at 5,000,000 shifts over England's 42 ICBs, 0.5 s of three
     * years' 0.55 s (docs/PERFORMANCE.md). */
    "CREATE INDEX shifts_icb_start ON shifts(icb_id, starts_at, id);",
    /* 54: the FHIR API's clients (store/fhir.h, docs/FHIR.md): systems registered by the system
     * administrator, each with its secret's hash, the scopes it may be granted (a mask of
     * core/fhir.h's types) and the organisations it sees (with everything below them); the access
     * tokens issued to them (by hash, for 300 seconds, shared by every server); and the append-only
     * log of every FHIR answer: the client, what was asked, the ids returned ("Type/id" in a JSON
     * array) and the status. */
    "CREATE TABLE fhir_clients ("
    "  id INTEGER PRIMARY KEY,"
    "  client_id TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  secret_hash BLOB NOT NULL,"
    "  scopes INTEGER NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  deactivated_at INTEGER);"
    "CREATE TABLE fhir_client_orgs ("
    "  client_id INTEGER NOT NULL REFERENCES fhir_clients(id),"
    "  organisation_id INTEGER NOT NULL REFERENCES organisations(id),"
    "  PRIMARY KEY (client_id, organisation_id));"
    "CREATE TABLE fhir_tokens ("
    "  token_hash BLOB PRIMARY KEY,"
    "  client_id INTEGER NOT NULL REFERENCES fhir_clients(id),"
    "  scopes INTEGER NOT NULL,"
    "  issued_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE INDEX fhir_tokens_expires ON fhir_tokens(expires_at);"
    "CREATE INDEX fhir_tokens_client ON fhir_tokens(client_id);"
    "CREATE TABLE fhir_access_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  client_id INTEGER REFERENCES fhir_clients(id),"
    "  request TEXT NOT NULL,"
    "  resource_type TEXT NOT NULL,"
    "  ids TEXT NOT NULL,"
    "  status INTEGER NOT NULL);"
    "CREATE INDEX fhir_access_log_client ON fhir_access_log(client_id, id);"
    "CREATE TRIGGER fhir_access_log_no_update BEFORE UPDATE ON fhir_access_log BEGIN"
    "  SELECT RAISE(ABORT, 'the FHIR access log is append-only'); END;"
    "CREATE TRIGGER fhir_access_log_no_delete BEFORE DELETE ON fhir_access_log BEGIN"
    "  SELECT RAISE(ABORT, 'the FHIR access log is append-only'); END;",
    /* 55: a webhook's format (store/webhooks.h): the event as flexpool's JSON, or the shift as a
     * FHIR Slot (core/fhir.h fp_fhir_slot_json, application/fhir+json). */
    "ALTER TABLE webhooks ADD COLUMN format TEXT NOT NULL DEFAULT 'json' CHECK (format IN ('json','fhir'));",
    /* 56: a clinician's passport records in the order every decision reads them, newest first
     * (store/passport.c RECORDS_SQL), so that the booking's read walks an index rather than sorting
     * them in a temporary b-tree each time (docs/PERFORMANCE.md, session 27). */
    "CREATE INDEX passport_checks_newest ON passport_checks(clinician_id, id);",
    /* 57: sign-in through an OpenID Connect provider such as NHS CIS2 (issue 15, http/oidc.h): the
     * sign-ins under way (by the hash of their state; the nonce, the PKCE verifier and the hash of
     * the browser's binding cookie; used once, for ten minutes; in the database so that another
     * server may receive the callback), and the identities linked to accounts by (issuer, subject). */
    "CREATE TABLE oidc_requests ("
    "  state_hash BLOB PRIMARY KEY,"
    "  binding_hash BLOB NOT NULL,"
    "  nonce TEXT NOT NULL,"
    "  verifier TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX oidc_requests_created ON oidc_requests(created_at);"
    "CREATE TABLE oidc_identities ("
    "  issuer TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  linked_at INTEGER NOT NULL,"
    "  linked_by INTEGER REFERENCES users(id),"
    "  last_used_at INTEGER,"
    "  PRIMARY KEY (issuer, subject));"
    "CREATE INDEX oidc_identities_user ON oidc_identities(user_id);",
    /* 58: how a session's person proved who they are (http/auth.c): 0 a password (and the account's
     * own second factor when it has one), 1 an OpenID Connect provider, 2 a provider whose sign-in
     * counted as a second factor (--oidc-mfa-acr). */
    "ALTER TABLE sessions ADD COLUMN via INTEGER NOT NULL DEFAULT 0 CHECK (via IN (0, 1, 2));",
    /* 59: when an account was closed (deactivated; NULL while active): the retention periods run
     * from it (docs/RETENTION.md). An account closed before this migration takes the time of its
     * last deactivation in the audit, or the migration's own time when none is recorded. */
    "ALTER TABLE users ADD COLUMN deactivated_at INTEGER;"
    "UPDATE users SET deactivated_at = COALESCE((SELECT MAX(a.at) FROM audit a WHERE a.entity = 'user'"
    "  AND a.entity_id = users.id AND a.action = 'user.deactivate'), CAST(strftime('%s','now') AS INTEGER))"
    "  WHERE active = 0;",
    /* 60: how the first step of a sign-in waiting for its code was made (sessions.via's values, 0 or
     * 1), so that the session the code starts says so too. */
    "ALTER TABLE mfa_challenges ADD COLUMN via INTEGER NOT NULL DEFAULT 0 CHECK (via IN (0, 1));",
    /* 61: erasure (docs/RETENTION.md, store/erasure.h). users.erased_at: when a closed account's
     * personal data was erased (its id stays as the pseudonym). The erasure ledger: who was erased
     * and when, ids only, append-only, applied again after a restore or copy. The audit log's
     * before and after documents (names, emails, reasons) move into audit_personal beside it,
     * which erasure may delete while the audit rows themselves stay append-only. An issued
     * invoice's issuer (the clinician's name, address and bank details) may be cleared only for a
     * person in the ledger, and only to the erased form; nothing else of an invoice changes. */
    "ALTER TABLE users ADD COLUMN erased_at INTEGER;"
    "CREATE TABLE erasures ("
    "  user_id INTEGER PRIMARY KEY,"
    "  deactivated_at INTEGER NOT NULL,"
    "  erased_at INTEGER NOT NULL);"
    "CREATE TRIGGER erasures_no_update BEFORE UPDATE ON erasures BEGIN"
    "  SELECT RAISE(ABORT, 'the erasure ledger is append-only'); END;"
    "CREATE TRIGGER erasures_no_delete BEFORE DELETE ON erasures BEGIN"
    "  SELECT RAISE(ABORT, 'the erasure ledger is append-only'); END;"
    "CREATE TABLE audit_personal ("
    "  audit_id INTEGER PRIMARY KEY REFERENCES audit(id),"
    "  before TEXT, after TEXT);"
    "INSERT INTO audit_personal (audit_id, before, after)"
    "  SELECT id, before, after FROM audit WHERE before IS NOT NULL OR after IS NOT NULL;"
    "ALTER TABLE audit DROP COLUMN before;"
    "ALTER TABLE audit DROP COLUMN after;"
    "DROP TRIGGER invoices_no_edit;"
    "CREATE TRIGGER invoices_no_edit BEFORE UPDATE OF clinician_id, practice_id, number, issued_at, due_on,"
    "  total_pence, customer_name, customer_detail, credits_id, credit_reason ON invoices"
    "  BEGIN SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;"
    "CREATE TRIGGER invoices_issuer_erased BEFORE UPDATE OF issuer_name, issuer_detail ON invoices"
    "  WHEN NOT (NEW.issuer_name = 'Erased person' AND NEW.issuer_detail = '' AND EXISTS (SELECT 1 FROM erasures x"
    "  JOIN clinicians cl ON cl.user_id = x.user_id WHERE cl.id = NEW.clinician_id))"
    "  BEGIN SELECT RAISE(ABORT, 'an issued invoice is never edited'); END;",
};

/* The migrations that widen a CHECK constraint (every row already satisfies the new one): SQLite's
   documented simpler procedure for such a change, the table's stored text edited in place and the
   schema version raised so that every connection reads it again
   (https://www.sqlite.org/lang_altertable.html#otheralter). Applied in the migration's own
   transaction, before its SQL. */
static const struct table_edit {
  int version;
  const char *table, *from, *to;
} TABLE_EDITS[] = {
    {43, "shifts", "CHECK (status IN ('open','booked','withdrawn','cancelled','completed'))",
     "CHECK (status IN ('open','booked','withdrawn','cancelled','completed','awaiting_approval'))"},
};

static int edit_table(struct fp_conn *c, const struct table_edit *e) {
  fp_stmt *st = fp_db_stmt(c, "PRAGMA schema_version");
  if (!st) return FP_EIO;
  int64_t version = fp_step(st) == FP_ROW ? fp_col_int64(st, 0) : -1;
  fp_reset(st);
  if (version < 0 || fp_db_exec(c, "PRAGMA writable_schema=ON") != 0) return FP_EIO;
  int rc = FP_DB_RUN(c,
      "UPDATE sqlite_master SET sql = replace(sql, ?1, ?2) WHERE type = 'table' AND name = ?3 AND instr(sql, ?1) > 0",
      fp_txt(e->from), fp_txt(e->to), fp_txt(e->table));
  if (rc == 0 && fp_db_changes(c) != 1) rc = FP_EIO; /* the text to change was not there once */
  char bump[64];
  snprintf(bump, sizeof bump, "PRAGMA schema_version=%lld", (long long)version + 1);
  if (rc == 0 && fp_db_exec(c, bump) != 0) rc = FP_EIO;
  if (fp_db_exec(c, "PRAGMA writable_schema=OFF") != 0) rc = FP_EIO;
  return rc;
}

static int table_edits(struct fp_conn *c, int v) {
  for (size_t i = 0; i < sizeof TABLE_EDITS / sizeof TABLE_EDITS[0]; i++)
    if (TABLE_EDITS[i].version == v && edit_table(c, &TABLE_EDITS[i]) != 0) {
      fprintf(stderr, "store: migration %d could not edit table %s\n", v, TABLE_EDITS[i].table);
      return FP_EIO;
    }
  return 0;
}

/* The migrations that make a table again that others refer to (SQLite's way of changing a CHECK
   or a table's unique key): run with foreign keys off, which SQLite only allows outside a
   transaction, and their keys checked before they commit
   (https://www.sqlite.org/lang_altertable.html#otheralter). */
static const int REBUILDS[] = {41};

static bool rebuilds(int v) {
  for (size_t i = 0; i < sizeof REBUILDS / sizeof REBUILDS[0]; i++)
    if (REBUILDS[i] == v) return true;
  return false;
}

/* 0 when PRAGMA foreign_key_check finds nothing wrong. */
static int keys_hold(struct fp_conn *c) {
  fp_stmt *st = fp_db_stmt(c, "PRAGMA foreign_key_check");
  if (!st) return FP_EIO;
  int rc = fp_step(st);
  fp_reset(st);
  if (rc == FP_ROW) fprintf(stderr, "store: a migration left a foreign key broken\n");
  return rc == FP_DONE ? 0 : FP_EIO;
}

/* Migration v in a transaction of its own, recorded as applied. */
static int apply(struct fp_conn *c, int v) {
  if (fp_db_exec(c, "BEGIN IMMEDIATE") != 0) return FP_EIO;
  if (table_edits(c, v) != 0 || fp_db_exec(c, migrations[v - 1]) != 0 || (rebuilds(v) && keys_hold(c) != 0)) {
    fp_db_exec(c, "ROLLBACK");
    fprintf(stderr, "store: migration %d failed\n", v);
    return FP_EIO;
  }
  fp_stmt *ins = fp_db_stmt(c, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, strftime('%s','now'))");
  if (!ins) {
    fp_db_exec(c, "ROLLBACK");
    return FP_EIO;
  }
  fp_bind_int64(ins, 1, v);
  if (fp_db_exec_stmt(ins) != 0 || fp_db_exec(c, "COMMIT") != 0) {
    fp_db_exec(c, "ROLLBACK");
    return FP_EIO;
  }
  return 0;
}

int fp_store_migrate(struct fp_conn *c) {
  if (fp_db_engine(c) == FP_ENGINE_POSTGRES) return fp_pg_migrate(c); /* store/pg/schema.c, under an advisory lock */
  if (fp_db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)") != 0)
    return FP_EIO;
  /* Every migration not recorded yet, in order (not only those past the highest: a test re-runs
     one by removing its row, whatever was appended after it). */
  int n = (int)(sizeof migrations / sizeof migrations[0]);
  for (int v = 1; v <= n; v++) {
    fp_stmt *st = FP_DB_STMT(c, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)", fp_int(v));
    if (!st) return FP_EIO;
    int done = fp_step(st) == FP_ROW ? fp_col_int64(st, 0) : -1;
    fp_reset(st);
    if (done < 0) return FP_EIO;
    if (done) continue;
    bool rebuild = rebuilds(v);
    if (rebuild && fp_db_exec(c, "PRAGMA foreign_keys=OFF") != 0) return FP_EIO;
    int rc = apply(c, v);
    if (rebuild && fp_db_exec(c, "PRAGMA foreign_keys=ON") != 0) return FP_EIO;
    if (rc) return rc;
  }
  return 0;
}
