/*
 * schema_text.h - the schema's SQL that both engines write the same, byte for byte: the seed rows
 * (the passport catalogue, England's default requirements) and the DDL whose text has no engine
 * type in it. Included by src/store/migrations.c (SQLite) and src/store/pg/schema.c (PostgreSQL),
 * which paste these into their numbered migrations; the migrations' text is exactly what it was
 * when each was written in full.
 *
 * Never change a macro here that a shipped migration uses (that would change the migration): add
 * a new one for a new migration instead.
 */
#ifndef FP_STORE_SCHEMA_TEXT_H
#define FP_STORE_SCHEMA_TEXT_H

/* Migration 1 (and 3, which rebuilds the table): pool_members' indexes. */
#define FP_SQL_POOL_MEMBERS_INDEXES \
  "CREATE UNIQUE INDEX pool_members_clinician ON pool_members(pool_id, clinician_id) WHERE clinician_id IS NOT NULL;" \
  "CREATE UNIQUE INDEX pool_members_org ON pool_members(pool_id, organisation_id) WHERE organisation_id IS NOT NULL;" \
  "CREATE INDEX pool_members_by_clinician ON pool_members(clinician_id);" \
  "CREATE INDEX pool_members_by_org ON pool_members(organisation_id);"

/* Migration 5: one account per registration number on each register (professions that share a
 * regulator share its register). */
#define FP_SQL_CLINICIANS_REGISTRATION_INDEX \
  "CREATE UNIQUE INDEX clinicians_registration ON clinicians(" \
  "  (CASE WHEN profession IN ('gp','physician_associate') THEN 'GMC'" \
  "        WHEN profession IN ('nurse','nursing_associate') THEN 'NMC'" \
  "        WHEN profession IN ('pharmacist','pharmacy_technician') THEN 'GPhC'" \
  "        WHEN profession IN ('paramedic','physiotherapist','dietitian','occupational_therapist','podiatrist') THEN 'HCPC'" \
  "        ELSE profession END)," \
  "  registration_number) WHERE registration_number IS NOT NULL;"

/* Migration 4: the catalogue of passport checks with their validity rules. */
#define FP_SQL_PASSPORT_CHECK_TYPES_ROWS \
  "INSERT INTO passport_check_types (code, name, description, validity, renewal_months, limited_retention, position) VALUES" \
  " ('identity', 'Proof of identity', 'Photo identity and address checked to the NHS Employment Check Standards.', 'none', NULL, 0, 1)," \
  " ('right_to_work', 'Right to work in the UK', 'British or Irish passport, Home Office share code or visa; a time-limited permission has an expiry date.', 'none', NULL, 0, 2)," \
  " ('registration', 'Professional registration', 'GMC, NMC, GPhC or HCPC registration with a licence to practise, checked on the register; re-checked yearly.', 'period', 12, 0, 3)," \
  " ('performers_list', 'NHS England Medical Performers List', 'Included on the Performers List without conditions (GPs).', 'none', NULL, 0, 4)," \
  " ('qualification', 'Qualification', 'CCT or equivalent (entry on the GMC GP Register), or the profession''s registrable qualification.', 'none', NULL, 0, 5)," \
  " ('indemnity', 'Professional indemnity', 'Cover for work outside the Clinical Negligence Scheme for General Practice; the policy''s end date.', 'explicit', NULL, 0, 6)," \
  " ('dbs', 'Enhanced DBS check', 'Enhanced check with the barred lists; certificate number, issue date and DBS Update Service status. Copies of the certificate are deleted after the retention period.', 'period', 36, 1, 7)," \
  " ('occupational_health', 'Occupational health clearance', 'Fitness for the role and immunisations (hepatitis B, MMR, varicella, TB).', 'none', NULL, 0, 8)," \
  " ('references', 'References', 'Two references covering the last three years.', 'none', NULL, 0, 9)," \
  " ('employment_history', 'Employment history', 'A full history with any gaps explained.', 'none', NULL, 0, 10)," \
  " ('cstf_information_governance', 'Core Skills: information governance and data security', 'Core Skills Training Framework; yearly.', 'period', 12, 0, 11)," \
  " ('cstf_basic_life_support', 'Core Skills: resuscitation (basic life support)', 'Core Skills Training Framework; yearly.', 'period', 12, 0, 12)," \
  " ('cstf_infection_control', 'Core Skills: infection prevention and control', 'Core Skills Training Framework; yearly.', 'period', 12, 0, 13)," \
  " ('cstf_fire_safety', 'Core Skills: fire safety', 'Core Skills Training Framework; every two years.', 'period', 24, 0, 14)," \
  " ('cstf_moving_handling', 'Core Skills: moving and handling', 'Core Skills Training Framework; every two years.', 'period', 24, 0, 15)," \
  " ('cstf_safeguarding_adults', 'Core Skills: safeguarding adults', 'Core Skills Training Framework; every three years.', 'period', 36, 0, 16)," \
  " ('cstf_safeguarding_children', 'Core Skills: safeguarding children', 'Core Skills Training Framework; every three years.', 'period', 36, 0, 17)," \
  " ('cstf_preventing_radicalisation', 'Core Skills: preventing radicalisation', 'Core Skills Training Framework; every three years.', 'period', 36, 0, 18)," \
  " ('cstf_equality_diversity', 'Core Skills: equality, diversity and human rights', 'Core Skills Training Framework; every three years.', 'period', 36, 0, 19)," \
  " ('cstf_health_safety', 'Core Skills: health, safety and welfare', 'Core Skills Training Framework; every three years.', 'period', 36, 0, 20)," \
  " ('cstf_conflict_resolution', 'Core Skills: conflict resolution', 'Core Skills Training Framework; every three years.', 'period', 36, 0, 21);"

/* Migration 6: England's default passport requirements, the rows to insert (each engine says how
 * a row already there is skipped: SQLite INSERT OR IGNORE, PostgreSQL ON CONFLICT DO NOTHING). */
#define FP_SQL_DEFAULT_REQUIREMENTS_SELECT \
  " SELECT p.column1, t.code FROM (VALUES ('gp'),('physician_associate'),('nurse'),('nursing_associate')," \
  "   ('pharmacist'),('pharmacy_technician'),('paramedic'),('physiotherapist'),('dietitian')," \
  "   ('occupational_therapist'),('podiatrist'),('healthcare_assistant'),('care_coordinator')," \
  "   ('health_and_wellbeing_coach'),('social_prescribing_link_worker'),('mental_health_practitioner')) p," \
  "   passport_check_types t" \
  " WHERE t.code NOT IN ('registration','qualification','indemnity','performers_list')" \
  "    OR (t.code IN ('registration','qualification','indemnity') AND p.column1 IN ('gp','physician_associate'," \
  "        'nurse','nursing_associate','pharmacist','pharmacy_technician','paramedic','physiotherapist'," \
  "        'dietitian','occupational_therapist','podiatrist'))" \
  "    OR (t.code = 'performers_list' AND p.column1 = 'gp')"

/* Migration 20: the outbox's columns of the message itself. */
#define FP_SQL_OUTBOX_MESSAGE_COLUMNS \
  "  to_address TEXT NOT NULL," \
  "  subject TEXT NOT NULL," \
  "  body TEXT NOT NULL," \
  "  link TEXT NOT NULL DEFAULT ''," \
  "  message_id TEXT NOT NULL UNIQUE," \
  "  state TEXT NOT NULL CHECK (state IN ('queued','sent','failed')),"

#endif
