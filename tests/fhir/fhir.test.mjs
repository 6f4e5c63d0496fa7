// The FHIR R4 API (issue 15, docs/FHIR.md) against the live demo server, read as another NHS system
// would: a token from /oauth/token with the demo's client (demo-fhir), the CapabilityStatement held
// to what the server does, every resource type searched with its pages followed to the end, each
// page and each read validated by two independent validators (tests/fhir/validate.mjs: FHIR.js and
// the official R4 JSON schema), the identifier systems checked exactly against the clinicians' own
// records, and the refusals answered as OperationOutcome resources that validate too.
// tests/api/test_fhir.c covers the refusals and the access log in detail, on both engines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from '../browser/helpers.mjs';
import { validateResource, loadValidators } from './validate.mjs';

const TYPES = ['Practitioner', 'PractitionerRole', 'Organization', 'HealthcareService', 'Schedule', 'Slot'];
const SYSTEMS = {
  GMC: 'https://fhir.hl7.org.uk/Id/gmc-number',
  NMC: 'https://fhir.hl7.org.uk/Id/nmc-number',
  GPhC: 'https://fhir.hl7.org.uk/Id/gphc-number',
  HCPC: 'https://fhir.hl7.org.uk/Id/hcpc-number',
};
const ODS = 'https://fhir.nhs.uk/Id/ods-organization-code';

let srv;
let token;
const found = {}; // type -> resources from the searches

async function getToken(form = 'grant_type=client_credentials') {
  const res = await fetch(`${srv.base}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Basic ' + Buffer.from(`demo-fhir:${PASSWORD}`).toString('base64') },
    body: form,
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()).access_token;
}

async function fhir(path, { auth = token, accept } = {}) {
  const headers = {};
  if (auth) headers.Authorization = `Bearer ${auth}`;
  if (accept) headers.Accept = accept;
  const res = await fetch(path.startsWith('http') ? path : `${srv.base}/fhir/r4/${path}`, { headers });
  const body = await res.json();
  assert.equal(res.headers.get('content-type'), 'application/fhir+json; fhirVersion=4.0', path);
  assert.deepEqual(validateResource(body), [], `${path}: not valid FHIR R4`);
  return { status: res.status, body, headers: res.headers };
}

before(async () => {
  loadValidators();
  srv = await startServer();
  token = await getToken();
});
after(async () => { await srv?.stop(); });

test('the CapabilityStatement says what the server does', async () => {
  const { status, body } = await fhir('metadata', { auth: null });
  assert.equal(status, 200);
  assert.equal(body.resourceType, 'CapabilityStatement');
  assert.equal(body.fhirVersion, '4.0.1');
  assert.equal(body.implementation.url, `${srv.base}/fhir/r4`);
  const rest = body.rest[0];
  assert.deepEqual(rest.resource.map((r) => r.type).sort(), [...TYPES].sort());
  for (const r of rest.resource) {
    assert.deepEqual(r.interaction.map((i) => i.code).sort(), ['read', 'search-type']);
    // Each listed parameter is taken (a value that matches nothing is still a 200 Bundle) ...
    for (const p of r.searchParam) {
      const value = p.type === 'date' ? 'ge2026-01-01' : p.name === 'status' ? 'free' : p.type === 'token' ? 'x' : `${TYPES[0]}/1`;
      const answer = await fhir(`${r.type}?${p.name}=${encodeURIComponent(value)}`);
      assert.equal(answer.status, 200, `${r.type}?${p.name}: ${JSON.stringify(answer.body)}`);
    }
    // ... and one not listed is refused, never dropped.
    const refused = await fhir(`${r.type}?name=x`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.issue[0].code, 'not-supported');
  }
  const tokenUrl = rest.security.extension[0].extension.find((e) => e.url === 'token').valueUri;
  assert.equal(tokenUrl, `${srv.base}/oauth/token`);
  const smart = await (await fetch(`${srv.base}/fhir/r4/.well-known/smart-configuration`)).json();
  assert.equal(smart.token_endpoint, tokenUrl);
  assert.deepEqual(smart.grant_types_supported, ['client_credentials']);
});

for (const type of TYPES) {
  test(`${type}: every page of the search, to the end, is valid and repeats nothing`, async () => {
    const seen = new Set();
    let url = `${type}?_count=${type === 'Slot' ? 200 : 40}`;
    let pages = 0;
    while (url) {
      const { status, body } = await fhir(url);
      assert.equal(status, 200);
      assert.equal(body.type, 'searchset');
      assert.equal(body.total, undefined);
      const self = body.link.find((l) => l.relation === 'self');
      assert.ok(self.url.startsWith(`${srv.base}/fhir/r4/${type}`), self.url);
      for (const e of body.entry) {
        assert.equal(e.resource.resourceType, type);
        assert.equal(e.fullUrl, `${srv.base}/fhir/r4/${type}/${e.resource.id}`);
        assert.ok(!seen.has(e.resource.id), `${type}/${e.resource.id} on two pages`);
        seen.add(e.resource.id);
        (found[type] ||= []).push(e.resource);
      }
      url = body.link.find((l) => l.relation === 'next')?.url;
      pages++;
      assert.ok(pages < 500, 'the pages do not end');
    }
    assert.ok(seen.size > 0, `the demo has no ${type}`);
    if (type !== 'Slot') assert.ok(pages > 1 || seen.size <= 40, 'a search of more than one page gave one');
    // A read gives what the search gave.
    const first = found[type][0];
    const read = await fhir(`${type}/${first.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, first);
  });
}

test('identifier systems are UK Core\'s, exactly, by the clinician\'s regulator', async () => {
  assert.ok(found.Practitioner?.length > 100, 'the pool\'s clinicians');
  const session = (await (await fetch(`${srv.base}/api/v1/sessions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'pool@demo.flexpool.test', password: PASSWORD }),
  })).json()).token;
  const professions = await (await fetch(`${srv.base}/api/v1/professions`)).json();
  const regulator = Object.fromEntries(professions.items.map((p) => [p.code, p.regulator]));
  let checked = 0;
  for (const p of found.Practitioner.slice(0, 40)) {
    const c = await (await fetch(`${srv.base}/api/v1/clinicians/${p.id}`, { headers: { Authorization: `Bearer ${session}` } })).json();
    const system = SYSTEMS[regulator[c.profession]];
    if (system && c.registration_number) {
      assert.deepEqual(p.identifier, [{ system, value: c.registration_number }], `Practitioner/${p.id} (${c.profession})`);
      checked++;
    } else {
      assert.equal(p.identifier, undefined, `Practitioner/${p.id} (${c.profession}) has no regulator`);
    }
    assert.equal(p.telecom, undefined);
  }
  assert.ok(checked > 10);
  for (const o of found.Organization) assert.deepEqual(o.identifier.map((i) => i.system), [ODS]);
  const one = found.Practitioner.find((p) => p.identifier);
  const { body } = await fhir(`Practitioner?identifier=${encodeURIComponent(`${one.identifier[0].system}|${one.identifier[0].value}`)}`);
  assert.deepEqual(body.entry.map((e) => e.resource.id), [one.id]);
});

test('paging with another page size gives the same slots, in start order', async () => {
  // Pages end inside runs of slots that start at the same time (the cursor is the start and the id).
  const ids = [];
  let url = `${srv.base}/fhir/r4/Slot?_count=37`;
  let last = '';
  while (url) {
    const body = await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json();
    for (const e of body.entry) {
      assert.ok(e.resource.start >= last, `${e.resource.start} after ${last}`);
      last = e.resource.start;
      ids.push(e.resource.id);
    }
    url = body.link.find((l) => l.relation === 'next')?.url;
  }
  assert.deepEqual([...ids].sort(), found.Slot.map((s) => s.id).sort());
});

test('slots search by schedule, status and start', async () => {
  const free = found.Slot.find((s) => s.status === 'free');
  assert.ok(free, 'the demo has a free slot');
  const day = free.start.slice(0, 10);
  const { body } = await fhir(`Slot?${new URLSearchParams([['schedule', free.schedule.reference], ['status', 'free'],
    ['start', `ge${free.start}`], ['start', `lt${day}T23:59:59Z`]])}`);
  assert.ok(body.entry.some((e) => e.resource.id === free.id));
  for (const { resource: s } of body.entry) {
    assert.equal(s.status, 'free');
    assert.equal(s.schedule.reference, free.schedule.reference);
    assert.ok(s.start >= free.start && s.start < `${day}T23:59:59Z`, s.start);
  }
  const schedules = new Set(found.Schedule.map((s) => `Schedule/${s.id}`));
  for (const s of found.Slot) assert.ok(schedules.has(s.schedule.reference), `${s.schedule.reference} is a Schedule found`);
});

test('refusals are OperationOutcome resources', async () => {
  let r = await fhir('Slot', { auth: null });
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  r = await fhir('Slot', { accept: 'application/fhir+xml' });
  assert.equal(r.status, 406);
  const slotsOnly = await getToken('grant_type=client_credentials&scope=system%2FSlot.rs');
  r = await fhir('Practitioner', { auth: slotsOnly });
  assert.equal(r.status, 403);
  r = await fhir('Patient/1');
  assert.equal(r.status, 404);
});
