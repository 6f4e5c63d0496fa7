// docs/openapi.yaml against the live server (issue 9, item 13): starts `flexpool serve --demo`, calls
// every documented operation (its success answer and at least one error answer) as the demo's
// accounts would, and validates each JSON body against the operation's response schema for the
// answered status with a JSON Schema 2020-12 validator (ajv). The schemas are made strict for the
// check: an object schema that lists its properties takes no others (additionalProperties: false
// unless it says otherwise), so a field the server returns that the document does not name fails.
// An answer whose status the operation does not document fails too. Operations that cannot be
// exercised are listed in NOT_EXERCISED with the reason; any other documented operation that was
// not exercised fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { spawnSync } from 'node:child_process';
import { startServer, startOidcProvider, totp, BINARY, SOURCE_DIR, PASSWORD } from '../browser/helpers.mjs';

const doc = YAML.parse(readFileSync(join(SOURCE_DIR, 'docs', 'openapi.yaml'), 'utf8'));

// The reasons an operation's success or error answer is not exercised here ("METHOD /template ok|error").
// Empty: every documented operation is exercised both ways.
const NOT_EXERCISED = {};

// Strict copy: every object schema with `properties` and no `additionalProperties` takes no others.
function strict(node) {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? v : strict(v);
  if (out.properties && !('additionalProperties' in out) && !out.allOf && !out.anyOf && !out.oneOf)
    out.additionalProperties = false;
  return out;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(strict(doc), 'openapi');

// Operations as [method, regex, template].
const operations = [];
for (const [template, item] of Object.entries(doc.paths)) {
  const re = new RegExp('^' + template.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$');
  for (const m of ['get', 'post', 'put', 'patch', 'delete'])
    if (item[m]) operations.push({ method: m.toUpperCase(), re, template, op: item[m] });
}
const seen = new Map(); // "METHOD template" -> {ok, error}
const problems = [];
const dumped = {}; // FP_LIVE_DUMP=FILE: one body per operation and status, to write the schemas from

function ptr(s) { return s.replace(/~/g, '~0').replace(/\//g, '~1'); }

function check(method, path, status, contentType, bodyText) {
  const bare = path.split('?')[0];
  const found = operations.find((o) => o.method === method && o.re.test(bare));
  if (!found) { problems.push(`${method} ${bare}: not in the document`); return; }
  const key = `${method} ${found.template}`;
  if (process.env.FP_LIVE_DUMP && !dumped[`${key} ${status}`] && bodyText.startsWith('{')) dumped[`${key} ${status}`] = JSON.parse(bodyText);
  const entry = seen.get(key) || { ok: false, error: false };
  seen.set(key, entry);
  const responses = found.op.responses || {};
  const code = String(status);
  const documented = responses[code] ? code : responses[`${code[0]}XX`] ? `${code[0]}XX` : responses.default ? 'default' : null;
  if (!documented) { problems.push(`${key}: answered ${status}, which it does not document (${bodyText.slice(0, 120)})`); return; }
  // A redirect is the success of a browser navigation (the OpenID Connect sign-in's routes answer nothing else).
  if (status >= 200 && status < 400) entry.ok = true;
  else if (status >= 400 && status < 500) entry.error = true;
  let resp = responses[documented];
  let pointer = `openapi#/paths/${ptr(found.template)}/${method.toLowerCase()}/responses/${documented}`;
  if (resp.$ref) { pointer = 'openapi' + resp.$ref; resp = resp.$ref.split('/').slice(1).reduce((a, k) => a[k], doc); }
  const content = resp.content || {};
  if (status === 204 || !bodyText) {
    if (Object.keys(content).length && status !== 204) problems.push(`${key} ${status}: an empty body, the document says ${Object.keys(content)}`);
    return;
  }
  const type = (contentType || '').split(';')[0].trim();
  if (!content[type]) { problems.push(`${key} ${status}: Content-Type ${type}, the document says ${Object.keys(content).join(', ') || 'no body'}`); return; }
  if (type !== 'application/json') return;
  if (!content[type].schema) { problems.push(`${key} ${status}: no schema for the JSON body`); return; }
  const validate = ajv.getSchema(`${pointer}/content/${ptr(type)}/schema`);
  let body;
  try { body = JSON.parse(bodyText); } catch { problems.push(`${key} ${status}: not JSON`); return; }
  if (!validate(body)) {
    const errs = validate.errors.slice(0, 4).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`);
    problems.push(`${key} ${status}: ${errs.join('; ')}`);
  }
}

let srv, provider;
const tokens = {};

async function call(token, method, path, body, expect) {
  const headers = {};
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  if (token) headers.Authorization = `Bearer ${token}`;
  // Redirects are answers too (the OpenID Connect sign-in's): never followed.
  const res = await fetch(srv.base + path, { method, headers, body: payload, redirect: 'manual' });
  const buf = Buffer.from(await res.arrayBuffer());
  const text = (res.headers.get('content-type') || '').startsWith('application/json') ? buf.toString('utf8') : (buf.length ? '<binary>' : '');
  check(method, path, res.status, res.headers.get('content-type'), text);
  if (expect !== undefined && res.status !== expect) problems.push(`${method} ${path}: expected ${expect}, got ${res.status}: ${text.slice(0, 200)}`);
  let json = null;
  try { json = text && text !== '<binary>' ? JSON.parse(text) : null; } catch { /* checked above */ }
  return { status: res.status, json };
}

// A request with an ambiguous framing (both Content-Length and Transfer-Encoding), over a socket.
function smuggle(method, path) {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.base);
    const s = net.connect(Number(u.port), u.hostname, () => {
      s.end(`${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`);
    });
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1]);
      const head = data.split('\r\n\r\n')[0];
      const ct = /\r\ncontent-type: ([^\r]*)/i.exec(head)?.[1];
      check(method, path, status, ct, data.slice(head.length + 4));
      resolve(status);
    });
    s.on('error', reject);
  });
}

const signIn = async (email) => (await call(null, 'POST', '/api/v1/sessions', { email, password: PASSWORD }, 201)).json.token;

before(async () => {
  // With an OpenID Connect provider, so that its sign-in's routes answer (tests/oidc/provider.mjs).
  provider = await startOidcProvider();
  srv = await startServer(provider.serverArgs);
  for (const [k, email] of Object.entries({
    admin: 'admin@demo.flexpool.test', icb: 'icb@demo.flexpool.test', pool: 'pool@demo.flexpool.test',
    practice: 'practice@demo.flexpool.test', gp: 'clinician001@demo.flexpool.test', gp2: 'clinician002@demo.flexpool.test',
    gp3: 'clinician003@demo.flexpool.test',
  })) tokens[k] = await signIn(email);
});

after(async () => {
  await srv?.stop();
  await provider?.stop();
  if (process.env.FP_LIVE_DUMP) (await import('node:fs')).writeFileSync(process.env.FP_LIVE_DUMP, JSON.stringify(dumped, null, 1));
});


const day = (n) => { const d = new Date(Date.now() + n * 86400000); d.setUTCHours(9, 0, 0, 0); return d; };
const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const date = (n) => iso(day(n)).slice(0, 10);
const uniq = Date.now() % 100000;

test('every documented operation answers as docs/openapi.yaml says', { timeout: 600000 }, async () => {
  const { admin, icb, pool, practice, gp, gp2, gp3 } = tokens;
  // Health and the anonymous catalogue.
  await call(null, 'GET', '/healthz', undefined, 200);
  await call(null, 'GET', '/readyz', undefined, 200);
  await call(null, 'GET', '/api/v1/professions', undefined, 200);
  await call(null, 'GET', '/api/v1/demo-accounts', undefined, 200);
  await call(null, 'GET', '/api/v1/demo-mailbox', undefined, 200);
  for (const p of ['/healthz', '/readyz', '/api/v1/professions', '/api/v1/demo-accounts', '/api/v1/demo-mailbox', '/api/v1/sessions/current']) assert.equal(await smuggle('GET', p), 400);
  // The OpenID Connect sign-in (its whole journey is tests/api/test_oidc.c's and the browser's).
  await call(null, 'GET', '/api/v1/oidc/authorization', undefined, 302);
  await call(null, 'GET', '/api/v1/oidc/authorization?prompt=login', undefined, 400);
  await call(null, 'GET', '/api/v1/oidc/callback?code=x&state=made-up', undefined, 303);
  await call(null, 'GET', '/api/v1/oidc/callback?code=x&token=y', undefined, 400);
  {
    const poolUser = (await call(pool, 'GET', '/api/v1/me', undefined, 200)).json.id;
    await call(admin, 'POST', `/api/v1/users/${poolUser}/identities`, { subject: 'cis2-live-1' }, 201);
    await call(admin, 'POST', `/api/v1/users/${poolUser}/identities`, { subject: 'cis2-live-1' }, 409);
    await call(admin, 'GET', `/api/v1/users/${poolUser}/identities`, undefined, 200);
    await call(pool, 'GET', `/api/v1/users/${poolUser}/identities`, undefined, 403);
    await call(admin, 'POST', `/api/v1/users/${poolUser}/identities/removal`, { subject: 'cis2-live-1' }, 204);
    await call(admin, 'POST', `/api/v1/users/${poolUser}/identities/removal`, { subject: 'cis2-live-1' }, 404);
  }
  // A shift that starts in a few seconds, booked now, to record later that the clinician did not attend.
  const soonMe = (await call(practice, 'GET', '/api/v1/me', undefined, 200)).json;
  const soonPractice = soonMe.roles.find((r) => r.role === 'practice_manager').organisation_id;
  const soonStart = new Date(Math.ceil((Date.now() + 12000) / 1000) * 1000);
  const soon = (await call(practice, 'POST', '/api/v1/shifts', { practice_id: soonPractice, role: 'gp', starts_at: iso(soonStart),
    ends_at: iso(new Date(soonStart.getTime() + 3600000)), rate_pence: 9000, rate_unit: 'hour' }, 201)).json;
  // The demo's own bookings of this clinician may lie within the pool's 11 hours of rest of now,
  // depending on the time of day the suite runs: the guards are lifted for this one booking and
  // put back at once (what they refuse is tested in tests/api/test_working_time.c).
  const guardPool = (await call(pool, 'GET', '/api/v1/me', undefined, 200)).json.roles.find((r) => r.role === 'pool_admin').pool_id;
  const guards = (await call(pool, 'GET', `/api/v1/pools/${guardPool}`, undefined, 200)).json;
  await call(pool, 'PATCH', `/api/v1/pools/${guardPool}`, { max_worked_minutes_24h: 1440, min_rest_minutes_24h: 0 }, 200);
  const soonBooking = (await call(gp3, 'POST', `/api/v1/shifts/${soon.id}/booking`, undefined, 201)).json;
  await call(pool, 'PATCH', `/api/v1/pools/${guardPool}`, { max_worked_minutes_24h: guards.max_worked_minutes_24h,
    min_rest_minutes_24h: guards.min_rest_minutes_24h }, 200);
  // Sessions and me.
  await call(null, 'POST', '/api/v1/sessions', { email: 'admin@demo.flexpool.test', password: 'wrong-password' }, 401);
  const me = (await call(practice, 'GET', '/api/v1/me', undefined, 200)).json;
  await call(null, 'GET', '/api/v1/me', undefined, 401);
  assert.equal((await call(null, 'GET', '/api/v1/sessions/current', undefined, 200)).json.signed_in, false);
  const current = (await call(practice, 'GET', '/api/v1/sessions/current', undefined, 200)).json;
  assert.equal(current.signed_in, true);
  assert.equal(current.user.id, me.id);
  const gpMe = (await call(gp, 'GET', '/api/v1/me', undefined, 200)).json;
  const poolMe = (await call(pool, 'GET', '/api/v1/me', undefined, 200)).json;
  const practiceId = me.roles.find((r) => r.role === 'practice_manager').organisation_id;
  const poolId = poolMe.roles.find((r) => r.role === 'pool_admin').pool_id;
  const icbId = (await call(icb, 'GET', '/api/v1/me', undefined, 200)).json.roles[0].organisation_id;
  const gpId = gpMe.clinician_id;
  await call(gp, 'GET', '/api/v1/me/join-requests', undefined, 200);
  await call(gp, 'GET', '/api/v1/me/join-requests?limit=0', undefined, 400);
  await call(gp, 'GET', '/api/v1/me/join-requests?sort=created_at&limit=1', undefined, 200);
  await call(gp, 'GET', '/api/v1/me/join-requests?sort=nonsense', undefined, 400);
  // Availability (issue 12).
  await call(gp, 'PUT', '/api/v1/me/availability', { pattern: [{ day: 'monday', session: 'morning' },
    { day: 'friday', start: '09:30', end: '24:00' }], exceptions: [{ kind: 'unavailable', from: '2027-08-02', to: '2027-08-15' },
    { kind: 'extra', from: '2027-07-04', session: 'evening' }] }, 200);
  await call(gp, 'GET', '/api/v1/me/availability', undefined, 200);
  await call(practice, 'GET', '/api/v1/me/availability', undefined, 403);
  await call(gp, 'PUT', '/api/v1/me/availability', { pattern: [{ day: 'funday', session: 'morning' }] }, 400);
  // Shift alert preferences (issue 12).
  await call(gp, 'GET', '/api/v1/me/alert-preferences', undefined, 200);
  await call(practice, 'GET', '/api/v1/me/alert-preferences', undefined, 403);
  await call(gp, 'PUT', '/api/v1/me/alert-preferences', { enabled: true, roles: ['gp'], max_distance_miles: 15,
    min_hourly_pence: 8000, mode: 'instant', quiet_start: '21:00', quiet_end: '07:00' }, 200);
  await call(gp, 'PUT', '/api/v1/me/alert-preferences', { enabled: true, roles: ['wizard'], min_hourly_pence: 0,
    mode: 'instant', quiet_start: '21:00', quiet_end: '07:00' }, 400);
  await call(practice, 'PUT', '/api/v1/me/alert-preferences', { enabled: true }, 403);
  await call(gp, 'GET', '/api/v1/me/invoice-details', undefined, 200);
  await call(gp, 'PUT', '/api/v1/me/invoice-details', { address: '1 High Street\nLeeds', account_name: 'Dr A Locum',
    sort_code: '12 34 56', account_number: '12345678' }, 200);
  await call(gp, 'PUT', '/api/v1/me/invoice-details', { address: '1 High Street', account_name: 'Dr A Locum',
    sort_code: '12-34-5', account_number: '12345678' }, 400);
  await call(practice, 'GET', '/api/v1/me/invoice-details', undefined, 403);
  // Terms of engagement: a clinician's own; a pool's defaults, read by all, set by its administrators.
  const ownTerms = (await call(gp, 'GET', '/api/v1/me/terms', undefined, 200)).json;
  await call(gp, 'PUT', '/api/v1/me/terms', { payment_days: ownTerms.payment_days, cancellation: ownTerms.cancellation,
    mileage: ownTerms.mileage, expenses: ownTerms.expenses }, 200);
  await call(gp, 'PUT', '/api/v1/me/terms', { payment_days: 0, cancellation: [], mileage: false, expenses: false }, 400);
  await call(practice, 'GET', '/api/v1/me/terms', undefined, 403);
  // NHS Pension Scheme: a GP locum's details, then the month's forms as figures.
  const pension = (await call(gp, 'GET', '/api/v1/me/pension', undefined, 200)).json;
  await call(gp, 'PUT', '/api/v1/me/pension', { sd_number: pension.sd_number || '12345678',
    pensioned: pension.pensioned, annual_pensionable_pay_pence: pension.annual_pensionable_pay_pence ?? 5000000 }, 200);
  await call(gp, 'PUT', '/api/v1/me/pension', { sd_number: '123', pensioned: true, annual_pensionable_pay_pence: 1 }, 400);
  await call(practice, 'GET', '/api/v1/me/pension', undefined, 403);
  await call(gp, 'GET', '/api/v1/pension-forms?month=2025-11', undefined, 200);
  await call(gp, 'GET', '/api/v1/pension-forms?month=2025-13', undefined, 400);
  await call(gp, 'PUT', '/api/v1/me/pension', { sd_number: '12345678', pensioned: true,
    annual_pensionable_pay_pence: 5000000 }, 200);
  await call(gp, 'GET', '/api/v1/pension-forms/2025-11.pdf', undefined, 200);
  await call(gp, 'GET', '/api/v1/pension-forms/2025-13.pdf', undefined, 404);
  await call(gp, 'PUT', '/api/v1/me/pension', { sd_number: pension.sd_number || '12345678',
    pensioned: pension.pensioned, annual_pensionable_pay_pence: pension.annual_pensionable_pay_pence ?? 5000000 }, 200);
  // Subject access: a person's own export; anyone's for the administrator, with a reason.
  await call(gp, 'GET', '/api/v1/me/export', undefined, 200);
  await call(null, 'GET', '/api/v1/me/export', undefined, 401);
  await call(admin, 'GET', `/api/v1/users/${gpMe.id}/export?reason=Subject%20access%20request%20SAR-1`, undefined, 200);
  await call(admin, 'GET', `/api/v1/users/${gpMe.id}/export`, undefined, 400);
  await call(practice, 'GET', `/api/v1/users/${gpMe.id}/export?reason=x`, undefined, 403);
  // The calendar feeds: a URL each call, the feed itself without signing in, renewal ends the old URLs.
  const feedPath = (url) => { const u = new URL(url); return u.pathname + u.search; };
  const gpFeed = feedPath((await call(gp, 'GET', '/api/v1/me/calendar', undefined, 200)).json.url);
  await call(practice, 'GET', '/api/v1/me/calendar', undefined, 403);
  await call(null, 'GET', gpFeed, undefined, 200);
  await call(gp, 'POST', '/api/v1/me/calendar/renewal', undefined, 201);
  await call(practice, 'POST', '/api/v1/me/calendar/renewal', undefined, 403);
  await call(null, 'GET', gpFeed, undefined, 404);
  const practiceFeed = feedPath((await call(practice, 'GET', `/api/v1/organisations/${practiceId}/calendar`, undefined, 200)).json.url);
  await call(gp, 'GET', `/api/v1/organisations/${practiceId}/calendar`, undefined, 403);
  await call(null, 'GET', practiceFeed, undefined, 200);
  await call(practice, 'POST', `/api/v1/organisations/${practiceId}/calendar/renewal`, undefined, 201);
  await call(gp, 'POST', `/api/v1/organisations/${practiceId}/calendar/renewal`, undefined, 403);
  // The clinician's own profile (the same values back, so the rest of this test sees the demo as it was).
  const gpProfile = (await call(gp, 'GET', `/api/v1/clinicians/${gpId}`, undefined, 200)).json;
  await call(gp, 'PATCH', `/api/v1/clinicians/${gpId}`, { travel_radius_km: gpProfile.travel_radius_km, home_postcode: gpProfile.home_postcode }, 200);
  await call(gp, 'PATCH', `/api/v1/clinicians/${gpId}`, { home_postcode: 'nowhere' }, 400);
  await call(practice, 'PATCH', `/api/v1/clinicians/${gpId}`, { travel_radius_km: 5 }, 403);
  // Favourites and blocked, who is available, capacity (issue 12).
  const nextMonday = (() => { const t = new Date(Date.now() + 3 * 86400e3); t.setUTCDate(t.getUTCDate() + ((8 - t.getUTCDay()) % 7)); return t.toISOString().slice(0, 10); })();
  await call(practice, 'GET', `/api/v1/organisations/${practiceId}/available-clinicians?date=${nextMonday}&session=morning&profession=gp&limit=5`, undefined, 200);
  await call(practice, 'GET', `/api/v1/organisations/${practiceId}/available-clinicians?session=morning`, undefined, 400);
  await call(practice, 'PUT', `/api/v1/organisations/${practiceId}/favourites/${gpId}`, undefined, 200);
  await call(practice, 'GET', `/api/v1/organisations/${practiceId}/favourites`, undefined, 200);
  await call(practice, 'GET', `/api/v1/organisations/${practiceId}/favourites?limit=0`, undefined, 400);
  await call(gp, 'PUT', `/api/v1/organisations/${practiceId}/favourites/${gpId}`, undefined, 403);
  await call(practice, 'DELETE', `/api/v1/organisations/${practiceId}/favourites/${gpId}`, undefined, 204);
  await call(practice, 'DELETE', `/api/v1/organisations/${practiceId}/favourites/${gpId}`, undefined, 404);
  await call(practice, 'PUT', `/api/v1/organisations/${practiceId}/blocked/${gpId}`, undefined, 200);
  await call(practice, 'GET', `/api/v1/organisations/${practiceId}/blocked`, undefined, 200);
  await call(gp, 'GET', `/api/v1/organisations/${practiceId}/blocked`, undefined, 403);
  await call(practice, 'DELETE', `/api/v1/organisations/${practiceId}/blocked/${gpId}`, undefined, 204);
  await call(practice, 'DELETE', `/api/v1/organisations/${practiceId}/blocked/${gpId}`, undefined, 404);
  // Outbound webhooks (issue 12): a public address literal (no DNS here; nothing listens there, and
  // the webhook is deleted again before anything happens to the practice's shifts).
  const hook = (await call(practice, 'POST', `/api/v1/organisations/${practiceId}/webhooks`, { url: 'https://93.184.215.14/hooks', events: ['shift.booked'] }, 201)).json;
  await call(practice, 'POST', `/api/v1/organisations/${practiceId}/webhooks`, { url: 'https://10.0.0.1/hooks', events: ['shift.booked'] }, 400);
  await call(practice, 'GET', `/api/v1/organisations/${practiceId}/webhooks`, undefined, 200);
  await call(gp, 'GET', `/api/v1/organisations/${practiceId}/webhooks`, undefined, 403);
  await call(practice, 'GET', `/api/v1/organisations/${practiceId}/webhook-deliveries?limit=5`, undefined, 200);
  await call(gp, 'GET', `/api/v1/organisations/${practiceId}/webhook-deliveries`, undefined, 403);
  await call(practice, 'DELETE', `/api/v1/organisations/${practiceId}/webhooks/${hook.id}`, undefined, 204);
  await call(practice, 'DELETE', `/api/v1/organisations/${practiceId}/webhooks/${hook.id}`, undefined, 404);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/capacity`, undefined, 200);
  await call(icb, 'GET', `/api/v1/pools/${poolId}/capacity?from=${nextMonday}&to=${nextMonday}`, undefined, 200);
  await call(practice, 'GET', `/api/v1/pools/${poolId}/capacity`, undefined, 403);
  const poolTerms = (await call(practice, 'GET', `/api/v1/pools/${poolId}/terms`, undefined, 200)).json;
  await call(pool, 'PUT', `/api/v1/pools/${poolId}/terms`, { payment_days: poolTerms.payment_days,
    cancellation: poolTerms.cancellation, mileage: poolTerms.mileage, expenses: poolTerms.expenses }, 200);
  await call(practice, 'PUT', `/api/v1/pools/${poolId}/terms`, { payment_days: 30, cancellation: [], mileage: false,
    expenses: false }, 403);
  await call(pool, 'GET', '/api/v1/pools/999999/terms', undefined, 404);
  // The pool's rate policy (the demo's own, written back as it is) and a practice's opt-in.
  const policy = (await call(practice, 'GET', `/api/v1/pools/${poolId}/rate-policy`, undefined, 200)).json;
  await call(pool, 'PUT', `/api/v1/pools/${poolId}/rate-policy`, { cap_hourly_pence: policy.cap_hourly_pence,
    escalation: policy.escalation }, 200);
  await call(pool, 'PUT', `/api/v1/pools/${poolId}/rate-policy`, { cap_hourly_pence: 0, escalation: [{ hours_before: 24, percent: 5 }, { hours_before: 72, percent: 10 }] }, 400);
  await call(practice, 'PUT', `/api/v1/pools/${poolId}/rate-policy`, { cap_hourly_pence: 0, escalation: [] }, 403);
  await call(pool, 'GET', '/api/v1/pools/999999/rate-policy', undefined, 404);
  // The pool's funding and NHS England's return (issue 14).
  await call(icb, 'POST', `/api/v1/pools/${poolId}/funding`, { kind: 'spend', on: '2026-10-01', amount_pence: 1000,
    description: 'Live check' }, 201);
  await call(pool, 'POST', `/api/v1/pools/${poolId}/funding`, { kind: 'spend', on: '2026-10-01', amount_pence: 1000,
    description: 'Live check' }, 403);
  await call(icb, 'POST', `/api/v1/pools/${poolId}/funding`, { kind: 'spend', on: '2026-10-01', amount_pence: 0,
    description: 'Live check' }, 400);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/funding?year=2026`, undefined, 200);
  await call(practice, 'GET', `/api/v1/pools/${poolId}/funding`, undefined, 403);
  await call(icb, 'GET', `/api/v1/pools/${poolId}/return?month=2026-10`, undefined, 200);
  await call(icb, 'GET', `/api/v1/pools/${poolId}/return?month=2026-13`, undefined, 400);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/return.csv?month=2026-10`, undefined, 200);
  await call(icb, 'GET', '/api/v1/pools/999999/return', undefined, 404);
  // The ICB's targets, then the overview holds its figures against them.
  await call(icb, 'PUT', `/api/v1/organisations/${icbId}/targets/2026`, { fill_rate_percent: 85.5, spend_pence: 36500000 }, 200);
  await call(icb, 'PUT', `/api/v1/organisations/${icbId}/targets/2026`, { fill_rate_percent: 85.55 }, 400);
  await call(pool, 'PUT', `/api/v1/organisations/${icbId}/targets/2026`, { fill_rate_percent: 80 }, 403);
  await call(icb, 'GET', `/api/v1/organisations/${icbId}/targets`, undefined, 200);
  // The FHIR API's clients (issue 15): registered, listed and deactivated by the system administrator.
  const fhirClient = (await call(admin, 'POST', '/api/v1/fhir-clients', { client_id: `live-${uniq}`, name: 'Live test system', organisation_ids: [icbId], scopes: ['system/Slot.rs'] }, 201)).json;
  assert.equal(fhirClient.client_secret.length, 43);
  await call(admin, 'POST', '/api/v1/fhir-clients', { client_id: `live-${uniq}`, name: 'Again', organisation_ids: [icbId] }, 409);
  await call(admin, 'POST', '/api/v1/fhir-clients', { client_id: 'x y', name: 'Bad', organisation_ids: [icbId] }, 400);
  await call(icb, 'POST', '/api/v1/fhir-clients', { client_id: 'mine', name: 'Mine', organisation_ids: [icbId] }, 403);
  await call(admin, 'GET', '/api/v1/fhir-clients', undefined, 200);
  await call(icb, 'GET', '/api/v1/fhir-clients', undefined, 403);
  await call(admin, 'DELETE', `/api/v1/fhir-clients/${fhirClient.id}`, undefined, 204);
  await call(admin, 'DELETE', `/api/v1/fhir-clients/${fhirClient.id}`, undefined, 404);
  await call(practice, 'GET', `/api/v1/organisations/${icbId}/targets`, undefined, 403);
  await call(admin, 'GET', '/api/v1/organisations/999999/targets', undefined, 404);
  const held = (await call(icb, 'GET', '/api/v1/metrics?from=2026-10-01&to=2026-11-01', undefined, 200)).json;
  assert.equal(held.targets.fees_agreed_pence, 3100000, 'October\'s 31 days of GBP 365,000 a year');
  const byClinician = (await call(pool, 'GET', '/api/v1/metrics/clinicians?from=2026-10-01&to=2026-12-01', undefined, 200)).json;
  assert.ok(byClinician.clinicians.length > 0, 'the demo pool\'s members');
  await call(icb, 'GET', '/api/v1/metrics/clinicians', undefined, 403);
  await call(pool, 'GET', '/api/v1/metrics/clinicians.csv?from=2026-10-01&to=2026-12-01', undefined, 200);
  await call(pool, 'GET', '/api/v1/metrics/clinicians.xlsx?from=2026-10-01&to=2026-12-01', undefined, 200);
  await call(practice, 'GET', '/api/v1/metrics/clinicians.csv', undefined, 403);
  await call(pool, 'GET', '/api/v1/metrics/clinicians.xlsx?from=2026-10-01&to=2026-09-01', undefined, 400);
  await call(icb, 'GET', '/api/v1/metrics.csv?from=2026-10-01&to=2026-11-01', undefined, 200);
  await call(pool, 'GET', '/api/v1/metrics.xlsx?from=2026-10-01&to=2026-11-01', undefined, 200);
  await call(icb, 'GET', '/api/v1/metrics.csv?from=2026-10-01&to=2026-09-01', undefined, 400);
  await call(icb, 'GET', '/api/v1/metrics/trend?from=2026-10-01&to=2026-11-01&by=week', undefined, 200);
  await call(pool, 'GET', '/api/v1/metrics/trend?from=2025-04-01&to=2026-11-01&by=week', undefined, 400);
  await call(icb, 'GET', '/api/v1/metrics/trend.csv?from=2026-04-01&to=2027-04-01', undefined, 200);
  await call(icb, 'GET', '/api/v1/metrics/trend.xlsx?from=2026-04-01&to=2027-04-01&by=month', undefined, 200);
  // A monthly report, made as an operator would (the upkeep's own run is tested in api_test_reports).
  const made = spawnSync(BINARY, ['report', 'make', '--month', '2026-10', '--data-dir', srv.dataDir, ...srv.databaseArgs], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const reports = (await call(icb, 'GET', '/api/v1/reports', undefined, 200)).json.items.filter((x) => x.month === '2026-10');
  assert.equal(reports.length, 1, 'the demo ICB\'s October report');
  await call(icb, 'GET', `/api/v1/reports/${reports[0].id}.csv`, undefined, 200);
  await call(icb, 'GET', `/api/v1/reports/${reports[0].id}.pdf`, undefined, 200);
  await call(icb, 'GET', '/api/v1/reports/999999.pdf', undefined, 404);
  await call(pool, 'GET', `/api/v1/reports/${reports[0].id}.csv`, undefined, 403);
  await call(practice, 'GET', '/api/v1/reports', undefined, 403);
  // A clinician of our own, registered anonymously.
  const reg = (n) => ({ name: `Live ${n}`, email: `live${n}-${uniq}@test.flexpool.test`, password: 'live-password-123', profession: 'gp',
    registration_number: String(7100000 + uniq * 10 % 900000 + n).slice(0, 7), home_postcode: 'LS1 4AP' });
  const newbie = (await call(null, 'POST', '/api/v1/clinicians', reg(1), 201)).json;
  await call(null, 'POST', '/api/v1/clinicians', reg(1), 409);
  const nb = (await call(null, 'POST', '/api/v1/sessions', { email: reg(1).email, password: 'live-password-123' }, 201)).json.token;
  await call(nb, 'PUT', '/api/v1/me/password', { current_password: 'wrong-password-0', new_password: 'live-password-456' }, 403);
  await call(nb, 'PUT', '/api/v1/me/password', { current_password: 'live-password-123', new_password: 'live-password-456' }, 204);
  const nb2 = (await call(null, 'POST', '/api/v1/sessions', { email: reg(1).email, password: 'live-password-456' }, 201)).json.token;
  await call(nb2, 'DELETE', '/api/v1/sessions/current', undefined, 204);
  await call(nb2, 'DELETE', '/api/v1/sessions/current', undefined, 401);
  const nbt = (await call(null, 'POST', '/api/v1/sessions', { email: reg(1).email, password: 'live-password-456' }, 201)).json.token;
  // Organisations.
  const org = (await call(admin, 'POST', '/api/v1/organisations', { level: 'practice', ods_code: `Y${String(10000 + uniq % 90000)}`, name: 'Live Surgery',
    parent_id: (await call(admin, 'GET', `/api/v1/organisations?level=pcn&limit=1`, undefined, 200)).json.items[0].id, postcode: 'LS1 4AP' }, 201)).json;
  await call(practice, 'POST', '/api/v1/organisations', { level: 'practice', ods_code: 'Y99999', name: 'x', parent_id: 1 }, 403);
  await call(admin, 'GET', '/api/v1/organisations', undefined, 200);
  await call(admin, 'GET', '/api/v1/organisations?level=nonsense', undefined, 400);
  await call(admin, 'GET', '/api/v1/organisations?q=surgery&sort=ods_code&active=true&limit=2', undefined, 200);
  await call(admin, 'GET', '/api/v1/organisations?sort=sideways', undefined, 400);
  await call(practice, 'GET', `/api/v1/organisations/${practiceId}`, undefined, 200);
  await call(practice, 'GET', '/api/v1/organisations/999999', undefined, 404);
  await call(admin, 'PATCH', `/api/v1/organisations/${org.id}`, { name: 'Live Surgery Renamed' }, 200);
  await call(icb, 'PATCH', `/api/v1/organisations/${org.id}`, { name: 'x' }, 403);
  // Users.
  const user = (await call(admin, 'POST', '/api/v1/users', { email: `pm-${uniq}@test.flexpool.test`, name: 'Live PM', role: 'practice_manager', organisation_id: org.id }, 201)).json;
  await call(admin, 'POST', '/api/v1/users', { email: `pm-${uniq}@test.flexpool.test`, name: 'Live PM', role: 'practice_manager', organisation_id: org.id }, 409);
  await call(admin, 'GET', '/api/v1/users?q=demo', undefined, 200);
  await call(admin, 'GET', '/api/v1/users?q=demo&sort=email&active=true&limit=2', undefined, 200);
  await call(admin, 'GET', `/api/v1/users?q=${'x'.repeat(101)}`, undefined, 400);
  await call(gp, 'GET', '/api/v1/users', undefined, 403);
  await call(admin, 'PATCH', `/api/v1/users/${user.user.id}`, { name: 'Live PM Renamed' }, 200);
  await call(admin, 'PATCH', '/api/v1/users/999999', { name: 'x' }, 404);
  await call(admin, 'GET', `/api/v1/users/${user.user.id}`, undefined, 200);
  await call(admin, 'GET', '/api/v1/users/999999', undefined, 404);
  await call(gp, 'GET', `/api/v1/users/${user.user.id}`, undefined, 403);
  // Two-step sign-in (TOTP), for an account an administrator added: its own password first.
  await call(admin, 'POST', '/api/v1/me/totp', undefined, 403); // the demo's accounts stay one password away
  const totpEmail = `pa-${uniq}@test.flexpool.test`;
  await call(admin, 'POST', '/api/v1/users', { email: totpEmail, name: 'Live Pool Admin', role: 'pool_admin', pool_id: (await call(pool, 'GET', '/api/v1/me', undefined, 200)).json.roles[0].pool_id, password: 'live-given-password-1' }, 201);
  const pa = (await call(null, 'POST', '/api/v1/sessions', { email: totpEmail, password: 'live-given-password-1' }, 201)).json.token;
  await call(pa, 'PUT', '/api/v1/me/password', { current_password: 'live-given-password-1', new_password: 'live-totp-own-pw-3' }, 204);
  const setup = (await call(pa, 'POST', '/api/v1/me/totp', undefined, 201)).json;
  const step0 = Math.floor(Date.now() / 30000);
  await call(pa, 'POST', '/api/v1/me/totp/confirmation', { code: totp(setup.secret, step0) === '000000' ? '111111' : '000000' }, 403);
  const codes = (await call(pa, 'POST', '/api/v1/me/totp/confirmation', { code: totp(setup.secret, step0) }, 200)).json.recovery_codes;
  const challenge = (await call(null, 'POST', '/api/v1/sessions', { email: totpEmail, password: 'live-totp-own-pw-3' }, 202)).json;
  await call(null, 'POST', '/api/v1/sessions/second-factor', { mfa_token: 'no-such-token', code: '123456' }, 401);
  const pa2 = (await call(null, 'POST', '/api/v1/sessions/second-factor', { mfa_token: challenge.mfa_token, code: totp(setup.secret, Math.max(step0 + 1, Math.floor(Date.now() / 30000))) }, 201)).json.token;
  await call(pa2, 'POST', '/api/v1/me/totp/removal', { recovery_code: 'aaaa-bbbb-cccc' }, 403);
  await call(pa2, 'POST', '/api/v1/me/totp/removal', { recovery_code: codes[0] }, 204);
  // Clinicians.
  await call(pool, 'GET', '/api/v1/clinicians?limit=5', undefined, 200);
  await call(pool, 'GET', '/api/v1/clinicians?limit=999', undefined, 400);
  await call(gp, 'GET', `/api/v1/clinicians/${gpId}`, undefined, 200);
  await call(gp, 'GET', '/api/v1/clinicians/999999', undefined, 404);
  // Pools.
  const newPool = (await call(admin, 'POST', '/api/v1/pools', { name: `Live Pool ${uniq}`, host_organisation_id: icbId }, 201)).json;
  await call(practice, 'POST', '/api/v1/pools', { name: 'x', host_organisation_id: icbId }, 403);
  await call(gp, 'GET', '/api/v1/pools', undefined, 200);
  await call(null, 'GET', '/api/v1/pools', undefined, 401);
  await call(pool, 'GET', `/api/v1/pools/${poolId}`, undefined, 200);
  await call(pool, 'GET', '/api/v1/pools/999999', undefined, 404);
  await call(admin, 'PATCH', `/api/v1/pools/${newPool.id}`, { name: `Live Pool ${uniq} renamed` }, 200);
  await call(icb, 'PATCH', `/api/v1/pools/${newPool.id}`, { name: 'x' }, 403);
  await call(gp, 'GET', `/api/v1/pools/${poolId}/roles`, undefined, 200);
  await call(null, 'GET', `/api/v1/pools/${poolId}/roles`, undefined, 401);
  await call(pool, 'POST', `/api/v1/pools/${poolId}/roles`, { code: `live_${uniq}`, name: 'Live role' }, 201);
  await call(pool, 'POST', `/api/v1/pools/${poolId}/roles`, { code: `live_${uniq}`, name: 'Live role' }, 409);
  assert.ok((await call(gp, 'GET', `/api/v1/pools/${poolId}/roles`, undefined, 200)).json.items.length >= 1);
  await call(null, 'GET', '/api/v1/professions', undefined, 200); /* now with a custom role */
  await call(pool, 'GET', `/api/v1/pools/${poolId}/members?kind=clinician&limit=3`, undefined, 200);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/members?kind=clinician&q=a&profession=gp&sort=newest&limit=3`, undefined, 200);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/members?sort=sideways`, undefined, 400);
  await call(gp, 'GET', `/api/v1/pools/${poolId}/members`, undefined, 403);
  const member = (await call(pool, 'POST', `/api/v1/pools/${poolId}/members`, { clinician_id: newbie.id }, 201)).json;
  await call(pool, 'GET', `/api/v1/pools/${poolId}/members/${member.id}`, undefined, 200);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/members/999999`, undefined, 404);
  await call(gp, 'GET', `/api/v1/pools/${poolId}/members/${member.id}`, undefined, 403);
  await call(pool, 'POST', `/api/v1/pools/${poolId}/members`, { clinician_id: newbie.id }, 409);
  // Join requests: three clinicians ask; one is accepted, one declined, one withdrawn.
  const asks = [];
  for (const n of [2, 3, 4]) {
    const c = (await call(null, 'POST', '/api/v1/clinicians', reg(n), 201)).json;
    const t = (await call(null, 'POST', '/api/v1/sessions', { email: reg(n).email, password: 'live-password-123' }, 201)).json.token;
    const jr = (await call(t, 'POST', `/api/v1/pools/${poolId}/join-requests`, { message: 'Please' }, 201)).json;
    asks.push({ c, t, jr });
  }
  await call(asks[0].t, 'POST', `/api/v1/pools/${poolId}/join-requests`, {}, 409);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/join-requests?status=pending`, undefined, 200);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/join-requests?status=pending&q=a&sort=name&limit=2`, undefined, 200);
  await call(gp, 'GET', `/api/v1/pools/${poolId}/join-requests`, undefined, 403);
  await call(pool, 'POST', `/api/v1/join-requests/${asks[0].jr.id}/accept`, undefined, 200);
  await call(pool, 'POST', `/api/v1/join-requests/${asks[0].jr.id}/accept`, undefined, 409);
  await call(pool, 'POST', `/api/v1/join-requests/${asks[1].jr.id}/decline`, { reason: 'Not now' }, 200);
  await call(pool, 'POST', `/api/v1/join-requests/${asks[1].jr.id}/decline`, {}, 409);
  await call(asks[2].t, 'POST', `/api/v1/join-requests/${asks[2].jr.id}/withdraw`, undefined, 200);
  await call(asks[2].t, 'POST', `/api/v1/join-requests/${asks[2].jr.id}/withdraw`, undefined, 409);
  await call(asks[0].t, 'GET', '/api/v1/me/join-requests', undefined, 200);
  // Shifts.
  const shiftBody = (n, mode = 'instant') => ({ practice_id: practiceId, role: 'gp', starts_at: iso(day(n)), ends_at: iso(new Date(day(n).getTime() + 4 * 3600000)),
    rate_pence: 9000, rate_unit: 'hour', booking_mode: mode, description: 'Live check' });
  const s1 = (await call(practice, 'POST', '/api/v1/shifts', shiftBody(20), 201)).json;
  // Over the pool's cap (the demo's: GBP 200.00 an hour): awaiting the pool's approval of its rate.
  const dear = (await call(practice, 'POST', '/api/v1/shifts', { ...shiftBody(22), rate_pence: 25000 }, 201)).json;
  assert.equal(dear.status, 'awaiting_approval');
  await call(practice, 'POST', `/api/v1/shifts/${dear.id}/rate-approval`, undefined, 403);
  await call(pool, 'POST', `/api/v1/shifts/${dear.id}/rate-approval`, undefined, 200);
  await call(pool, 'POST', `/api/v1/shifts/${dear.id}/rate-approval`, undefined, 409);
  await call(pool, 'POST', '/api/v1/shifts/999999/rate-approval', undefined, 404);
  const dearer = (await call(practice, 'POST', '/api/v1/shifts', { ...shiftBody(23), rate_pence: 25000 }, 201)).json;
  await call(pool, 'POST', `/api/v1/shifts/${dearer.id}/rate-refusal`, {}, 400);
  await call(pool, 'POST', `/api/v1/shifts/${dearer.id}/rate-refusal`, { reason: 'Over the cap' }, 200);
  const series = (await call(practice, 'POST', '/api/v1/shifts', { ...shiftBody(21), repeat: { every: 'week', count: 2 } }, 201)).json;
  await call(gp, 'POST', '/api/v1/shifts', shiftBody(20), 403);
  await call(gp, 'GET', '/api/v1/shifts?status=open&limit=5', undefined, 200);
  await call(gp, 'GET', '/api/v1/shifts?near_postcode=LS6%203BE&radius_km=50&limit=5', undefined, 200);
  await call(gp, 'GET', '/api/v1/shifts?status=nonsense', undefined, 400);
  await call(gp, 'GET', `/api/v1/shifts/${s1.id}`, undefined, 200);
  await call(gp, 'GET', '/api/v1/shifts/999999', undefined, 404);
  await call(practice, 'PATCH', `/api/v1/shifts/${s1.id}`, { rate_pence: 9500, description: 'Edited' }, 200);
  await call(practice, 'PATCH', `/api/v1/shifts/${s1.id}`, { rate_pence: -1 }, 400);
  await call(practice, 'DELETE', `/api/v1/shifts/${series.items[1].id}`, undefined, 200);
  await call(practice, 'DELETE', `/api/v1/shifts/${series.items[1].id}`, undefined, 409);
  // A series as a whole (issue 10): read, edit the shared fields, the list filtered by it, withdraw.
  await call(practice, 'GET', `/api/v1/series/${series.series_id}`, undefined, 200);
  await call(practice, 'GET', '/api/v1/series/999999', undefined, 404);
  await call(practice, 'PATCH', `/api/v1/series/${series.series_id}`, { rate_pence: 9100, description: 'Series edited' }, 200);
  await call(practice, 'PATCH', `/api/v1/series/${series.series_id}`, { starts_at: iso(new Date(Date.now() + 86400e3)) }, 400);
  await call(gp, 'PATCH', `/api/v1/series/${series.series_id}`, { rate_pence: 1 }, 403);
  await call(practice, 'GET', `/api/v1/shifts?series_id=${series.series_id}&status=open,withdrawn&sort=-starts_at&limit=25`, undefined, 200);
  await call(practice, 'GET', '/api/v1/shifts?sort=rate', undefined, 400);
  await call(practice, 'GET', '/api/v1/shifts?q=Series%20edited&limit=25', undefined, 200);
  await call(practice, 'GET', `/api/v1/shifts?q=${'x'.repeat(101)}`, undefined, 400);
  await call(gp, 'DELETE', `/api/v1/series/${series.series_id}`, undefined, 403);
  await call(practice, 'DELETE', `/api/v1/series/${series.series_id}`, undefined, 200);
  await call(practice, 'DELETE', `/api/v1/series/${series.series_id}`, undefined, 409);
  // Booking, cancelling, re-opening.
  const b1 = (await call(gp, 'POST', `/api/v1/shifts/${s1.id}/booking`, undefined, 201)).json;
  await call(gp2, 'POST', `/api/v1/shifts/${s1.id}/booking`, undefined, 409);
  await call(gp, 'GET', '/api/v1/bookings?status=confirmed', undefined, 200);
  await call(gp, 'GET', '/api/v1/bookings?status=nonsense', undefined, 400);
  // Past bookings (worked, or not attended) and upcoming ones, paged under each sort, searched.
  const pastPage = (await call(practice, 'GET', '/api/v1/bookings?when=past&limit=3', undefined, 200)).json;
  if (pastPage.next_cursor) await call(practice, 'GET', `/api/v1/bookings?when=past&limit=3&cursor=${encodeURIComponent(pastPage.next_cursor)}`, undefined, 200);
  await call(practice, 'GET', '/api/v1/bookings?when=upcoming&sort=-starts_at&q=a&limit=3', undefined, 200);
  await call(practice, 'GET', '/api/v1/bookings?when=any&sort=starts_at', undefined, 200);
  await call(practice, 'GET', '/api/v1/bookings?sort=nonsense', undefined, 400);
  await call(practice, 'GET', '/api/v1/bookings?when=nonsense', undefined, 400);
  await call(practice, 'GET', `/api/v1/bookings?q=${'x'.repeat(101)}`, undefined, 400);
  await call(practice, 'GET', `/api/v1/bookings/${b1.id}`, undefined, 200);
  await call(practice, 'GET', '/api/v1/bookings/999999', undefined, 404);
  await call(practice, 'POST', `/api/v1/bookings/${b1.id}/did-not-attend`, undefined, 409);
  // Timesheets (issue 13): a worked session of the demo's, submitted by its clinician, queried,
  // corrected and approved by the practice.
  const toSubmit = (await call(practice, 'GET', '/api/v1/bookings?timesheet=to_submit&limit=1', undefined, 200)).json.items[0];
  await call(practice, 'GET', '/api/v1/bookings?timesheet=nonsense', undefined, 400);
  const worker = await signIn(`clinician${String(toSubmit.clinician_id).padStart(3, '0')}@demo.flexpool.test`);
  const worked = { actual_start: toSubmit.starts_at, actual_end: toSubmit.ends_at, break_minutes: 0 };
  await call(worker, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet`, { ...worked, break_minutes: 100000 }, 400);
  await call(practice, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet`, worked, 403);
  await call(worker, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet`, worked, 200);
  await call(worker, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet`, worked, 409);
  await call(practice, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet/query`, {}, 400);
  await call(worker, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet/query`, { reason: 'mine' }, 403);
  await call(practice, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet/query`, { reason: 'Was there a break?' }, 200);
  await call(practice, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet/approval`, undefined, 409);
  await call(worker, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet`, { ...worked, break_minutes: 15 }, 200);
  await call(worker, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet/approval`, undefined, 403);
  await call(practice, 'POST', `/api/v1/bookings/${toSubmit.id}/timesheet/approval`, undefined, 200);
  await call(practice, 'GET', '/api/v1/bookings?timesheet=approved', undefined, 200);
  // Invoices (issue 13): the approval above issued one, from the clinician to the practice.
  const invoice = (await call(worker, 'GET', '/api/v1/invoices?limit=1', undefined, 200)).json.items[0];
  assert.ok(invoice, 'the approved timesheet issued an invoice');
  await call(worker, 'GET', '/api/v1/invoices?status=nonsense', undefined, 400);
  await call(worker, 'GET', '/api/v1/invoices?q=x', undefined, 400);
  await call(practice, 'GET', '/api/v1/invoices.csv?status=issued', undefined, 200);
  await call(practice, 'GET', '/api/v1/invoices.csv?from=2026-13-01', undefined, 400);
  await call(practice, 'GET', '/api/v1/invoices?status=issued&limit=5', undefined, 200);
  await call(practice, 'GET', `/api/v1/invoices/${invoice.id}`, undefined, 200);
  await call(practice, 'GET', '/api/v1/invoices/999999', undefined, 404);
  await call(practice, 'GET', `/api/v1/invoices/${invoice.id}.pdf`, undefined, 200);
  await call(practice, 'GET', '/api/v1/invoices/999999.pdf', undefined, 404);
  // Credited by its clinician and reissued at once; the new one is paid.
  const credit = `/api/v1/invoices/${invoice.id}/credit`;
  await call(practice, 'POST', credit, { reason: 'Wrong account', reissue: 'now' }, 403);
  await call(worker, 'POST', credit, { reissue: 'now' }, 400);
  await call(worker, 'POST', '/api/v1/invoices/999999/credit', { reason: 'x', reissue: 'now' }, 404);
  const payable = (await call(worker, 'POST', credit, { reason: 'Wrong account', reissue: 'now' }, 201)).json.reissued;
  await call(worker, 'POST', credit, { reason: 'Wrong account', reissue: 'now' }, 409);
  await call(practice, 'GET', '/api/v1/invoices?status=credit_note&limit=5', undefined, 200);
  await call(worker, 'POST', `/api/v1/invoices/${payable.id}/payment`, undefined, 403);
  await call(practice, 'POST', `/api/v1/invoices/${payable.id}/payment`, { x: 1 }, 400);
  await call(practice, 'POST', `/api/v1/invoices/${payable.id}/payment`, undefined, 200);
  await call(practice, 'POST', `/api/v1/invoices/${payable.id}/payment`, undefined, 409);
  // The practice's consolidated statement for this month.
  const thisMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
  await call(practice, 'GET', `/api/v1/invoices/statement?month=${thisMonth}`, undefined, 200);
  await call(practice, 'GET', '/api/v1/invoices/statement?month=2026-13', undefined, 400);
  await call(worker, 'GET', `/api/v1/invoices/statement?month=${thisMonth}`, undefined, 403);
  await call(practice, 'GET', `/api/v1/invoices/statement?month=${thisMonth}&practice_id=999999`, undefined, 404);
  // Part 2 of a pensioning GP locum's form A (the demo's first ten GPs pension): the practice signs it once.
  const toPractice = (await call(practice, 'GET', '/api/v1/invoices?limit=100', undefined, 200)).json.items;
  let formA = null;
  for (const it of toPractice) {
    const full = (await call(practice, 'GET', `/api/v1/invoices/${it.id}`, undefined, 200)).json;
    // In force: the invoice credited above may be one (whether it is depends on the hour the demo loaded).
    const inForce = full.status !== 'credited' && full.status !== 'credit_note';
    if (inForce && full.pension_form_a && !full.pension_form_a.signed) { formA = full; break; }
  }
  assert.ok(formA, 'the demo has a pensioning GP locum\'s invoice in force at the practice, unsigned');
  await call(practice, 'POST', `/api/v1/invoices/${formA.id}/pension-signature`, {}, 400);
  await call(practice, 'POST', `/api/v1/invoices/${formA.id}/pension-signature`, { signer_role: 'Practice manager' }, 200);
  await call(practice, 'POST', `/api/v1/invoices/${formA.id}/pension-signature`, { signer_role: 'Practice manager' }, 409);
  await call(pool, 'POST', `/api/v1/invoices/${formA.id}/pension-signature`, { signer_role: 'x' }, 403);
  await call(practice, 'POST', '/api/v1/invoices/999999/pension-signature', { signer_role: 'x' }, 404);
  await call(practice, 'POST', `/api/v1/bookings/${b1.id}/cancellation`, { reason: 'Practice closed' }, 200);
  await call(practice, 'POST', `/api/v1/bookings/${b1.id}/cancellation`, { reason: 'again' }, 409);
  await call(practice, 'POST', `/api/v1/shifts/${s1.id}/reopen`, undefined, 200);
  await call(practice, 'POST', `/api/v1/shifts/${s1.id}/reopen`, undefined, 409);
  // Applications: three apply for an approval shift; one is declined, one withdraws, one is accepted.
  const s2 = (await call(practice, 'POST', '/api/v1/shifts', shiftBody(22, 'approval'), 201)).json;
  const apps = [];
  for (const t of [gp, gp2, gp3]) apps.push((await call(t, 'POST', `/api/v1/shifts/${s2.id}/applications`, { message: 'Keen' }, 201)).json);
  await call(gp, 'POST', `/api/v1/shifts/${s2.id}/applications`, {}, 409);
  await call(practice, 'GET', `/api/v1/applications?shift_id=${s2.id}`, undefined, 200);
  await call(practice, 'GET', '/api/v1/applications?status=nonsense', undefined, 400);
  const appPage = (await call(practice, 'GET', '/api/v1/applications?sort=starts_at&q=Live&limit=1', undefined, 200)).json;
  if (appPage.next_cursor) await call(practice, 'GET', `/api/v1/applications?sort=starts_at&q=Live&limit=1&cursor=${encodeURIComponent(appPage.next_cursor)}`, undefined, 200);
  await call(practice, 'GET', '/api/v1/applications?sort=created_at', undefined, 200);
  await call(practice, 'GET', '/api/v1/applications?sort=nonsense', undefined, 400);
  await call(practice, 'POST', `/api/v1/applications/${apps[0].id}/decline`, { reason: 'Filled elsewhere' }, 200);
  await call(practice, 'POST', `/api/v1/applications/${apps[0].id}/decline`, {}, 409);
  // The threads between the clinician and the practice, of an application and of a booking.
  await call(gp2, 'POST', `/api/v1/applications/${apps[1].id}/messages`, { body: 'Is there parking?' }, 201);
  await call(practice, 'POST', `/api/v1/applications/${apps[1].id}/messages`, { body: 'Yes, behind the surgery.' }, 201);
  await call(gp2, 'POST', `/api/v1/applications/${apps[1].id}/messages`, { body: ' ' }, 400);
  await call(practice, 'GET', `/api/v1/applications/${apps[1].id}/messages?limit=1`, undefined, 200);
  await call(gp, 'GET', `/api/v1/applications/${apps[1].id}/messages`, undefined, 404);
  await call(gp3, 'POST', `/api/v1/bookings/${soonBooking.id}/messages`, { body: 'Running five minutes late.' }, 201);
  await call(gp3, 'POST', `/api/v1/bookings/${soonBooking.id}/messages`, {}, 400);
  await call(practice, 'GET', `/api/v1/bookings/${soonBooking.id}/messages`, undefined, 200);
  await call(gp, 'GET', `/api/v1/bookings/${soonBooking.id}/messages`, undefined, 404);
  await call(gp2, 'GET', `/api/v1/applications/${apps[1].id}`, undefined, 200);
  await call(gp, 'GET', `/api/v1/applications/${apps[1].id}`, undefined, 404);
  await call(gp2, 'POST', `/api/v1/applications/${apps[1].id}/withdraw`, undefined, 200);
  await call(gp2, 'POST', `/api/v1/applications/${apps[1].id}/withdraw`, undefined, 409);
  await call(practice, 'POST', `/api/v1/applications/${apps[2].id}/accept`, undefined, 200);
  await call(practice, 'POST', `/api/v1/applications/${apps[2].id}/accept`, undefined, 409);
  // Direct offers (issue 12): sent, read, declined, withdrawn, accepted (booked).
  const gp2Id = (await call(gp2, 'GET', '/api/v1/me', undefined, 200)).json.clinician_id;
  const s3 = (await call(practice, 'POST', '/api/v1/shifts', shiftBody(26, 'approval'), 201)).json;
  const sendOffer = async () => (await call(practice, 'POST', `/api/v1/shifts/${s3.id}/offers`, { clinician_ids: [gp2Id] }, 201)).json.items[0];
  const of1 = await sendOffer();
  await call(gp, 'POST', `/api/v1/shifts/${s3.id}/offers`, { clinician_ids: [gp2Id] }, 403);
  await call(practice, 'POST', `/api/v1/shifts/${s3.id}/offers`, { clinician_ids: [gp2Id] }, 409);
  await call(practice, 'POST', `/api/v1/shifts/${s3.id}/offers`, { clinician_ids: [] }, 400);
  await call(practice, 'GET', `/api/v1/shifts/${s3.id}/offers`, undefined, 200);
  await call(practice, 'GET', `/api/v1/shifts/${s3.id}/escalations`, undefined, 200);
  await call(practice, 'GET', '/api/v1/shifts/999999/escalations', undefined, 404);
  await call(gp, 'GET', `/api/v1/shifts/${s3.id}/offers`, undefined, 403);
  await call(practice, 'GET', `/api/v1/shifts/${s3.id}/offers?limit=0`, undefined, 400);
  await call(gp2, 'GET', '/api/v1/offers', undefined, 200);
  await call(gp2, 'GET', '/api/v1/offers?limit=0', undefined, 400);
  await call(practice, 'GET', '/api/v1/offers', undefined, 403);
  await call(gp2, 'GET', `/api/v1/offers/${of1.id}`, undefined, 200);
  await call(gp, 'GET', `/api/v1/offers/${of1.id}`, undefined, 404);
  await call(gp2, 'POST', `/api/v1/offers/${of1.id}/decline`, undefined, 200);
  await call(gp2, 'POST', `/api/v1/offers/${of1.id}/decline`, undefined, 409);
  const of2 = await sendOffer();
  await call(gp2, 'POST', `/api/v1/offers/${of2.id}/withdraw`, undefined, 403);
  await call(practice, 'POST', `/api/v1/offers/${of2.id}/withdraw`, undefined, 200);
  await call(practice, 'POST', `/api/v1/offers/${of2.id}/withdraw`, undefined, 409);
  const of3 = await sendOffer();
  await call(practice, 'POST', `/api/v1/offers/${of3.id}/accept`, undefined, 403);
  await call(gp2, 'POST', `/api/v1/offers/${of3.id}/accept`, undefined, 200);
  await call(gp2, 'POST', `/api/v1/offers/${of3.id}/accept`, undefined, 409);
  await call(gp3, 'GET', '/api/v1/applications', undefined, 200);
  // Audit and figures.
  await call(admin, 'GET', '/api/v1/audit?limit=20', undefined, 200);
  await call(practice, 'GET', '/api/v1/audit?entity=shift', undefined, 200); // its own shifts' trail (issue 14)
  await call(gp, 'GET', '/api/v1/audit', undefined, 403);
  await call(icb, 'GET', '/api/v1/metrics', undefined, 200);
  await call(gp, 'GET', '/api/v1/metrics', undefined, 403);
  // The passport.
  await call(gp, 'GET', `/api/v1/clinicians/${gpId}/passport`, undefined, 200);
  await call(pool, 'GET', `/api/v1/clinicians/${gpId}/passport?on=${date(3)}`, undefined, 200);
  await call(icb, 'GET', `/api/v1/clinicians/${gpId}/passport`, undefined, 403);
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');
  const form = new FormData();
  form.set('check_code', 'identity');
  form.set('issued_on', date(-30));
  form.set('reference', 'Passport');
  form.set('file', new Blob([png], { type: 'image/png' }), 'id.png');
  const rec = (await call(nbt, 'POST', `/api/v1/clinicians/${newbie.id}/passport/evidence`, form, 201)).json;
  const bad = new FormData();
  bad.set('check_code', 'identity');
  bad.set('file', new Blob(['plain text'], { type: 'text/plain' }), 'x.txt');
  await call(nbt, 'POST', `/api/v1/clinicians/${newbie.id}/passport/evidence`, bad, 415);
  const evidenceId = rec.evidence[0].id;
  await call(pool, 'GET', `/api/v1/evidence/${evidenceId}`, undefined, 200);
  await call(pool, 'GET', '/api/v1/evidence/999999', undefined, 404);
  await call(pool, 'GET', `/api/v1/clinicians/${newbie.id}/passport`, undefined, 200);
  const log = (await call(nbt, 'GET', `/api/v1/clinicians/${newbie.id}/passport/access-log`, undefined, 200)).json;
  assert.ok(log.items.length >= 2, 'the pool\'s views are logged (and so validated against AccessLogEntry)');
  await call(icb, 'GET', `/api/v1/clinicians/${newbie.id}/passport/access-log`, undefined, 403);
  await call(pool, 'GET', '/api/v1/passport/queue', undefined, 200);
  await call(pool, 'GET', '/api/v1/passport/queue?q=a&profession=nurse&code=dbs&sort=name&limit=2', undefined, 200);
  await call(pool, 'GET', '/api/v1/passport/queue?sort=sideways', undefined, 400);
  await call(gp, 'GET', '/api/v1/passport/queue', undefined, 403);
  await call(pool, 'POST', `/api/v1/passport/checks/${rec.id}/verification`, { decision: 'reject' }, 400);
  await call(pool, 'POST', `/api/v1/passport/checks/${rec.id}/verification`, { decision: 'verify' }, 200);
  await call(gp, 'GET', '/api/v1/passport/check-types', undefined, 200);
  await call(null, 'GET', '/api/v1/passport/check-types', undefined, 401);
  await call(pool, 'GET', '/api/v1/passport/requirements?profession=gp', undefined, 200);
  await call(null, 'GET', '/api/v1/passport/requirements', undefined, 401);
  await call(pool, 'PUT', '/api/v1/passport/requirements', { profession: 'gp', check_code: 'no_such_check', required: true }, 400);
  await call(gp, 'DELETE', '/api/v1/passport/requirements?profession=gp', undefined, 403);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/compliance`, undefined, 200);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/compliance?state=not_compliant&q=a&profession=nurse&sort=next_expiry&limit=2`, undefined, 200);
  await call(pool, 'GET', `/api/v1/pools/${poolId}/compliance?state=fine`, undefined, 400);
  await call(gp, 'GET', `/api/v1/pools/${poolId}/compliance`, undefined, 403);
  // Placement grants.
  const grant = (await call(pool, 'POST', `/api/v1/clinicians/${newbie.id}/passport/grants`, { organisation_id: practiceId, until: date(60) }, 201)).json;
  await call(pool, 'POST', `/api/v1/clinicians/${newbie.id}/passport/grants`, { organisation_id: practiceId }, 400);
  await call(pool, 'GET', `/api/v1/clinicians/${newbie.id}/passport/grants`, undefined, 200);
  await call(icb, 'GET', `/api/v1/clinicians/${newbie.id}/passport/grants`, undefined, 403);
  await call(pool, 'DELETE', `/api/v1/passport/grants/${grant.id}`, undefined, 200);
  await call(pool, 'DELETE', '/api/v1/passport/grants/999999', undefined, 404);
  // Removing a member last (the newbie's records above needed the membership).
  await call(pool, 'DELETE', `/api/v1/pools/${poolId}/members/${member.id}`, undefined, 204);
  await call(pool, 'DELETE', `/api/v1/pools/${poolId}/members/${member.id}`, undefined, 404);
  // Did not attend, once the shift has started.
  while (Date.now() < soonStart.getTime() + 1000) await new Promise((r) => setTimeout(r, 250));
  await call(practice, 'POST', `/api/v1/bookings/${soonBooking.id}/did-not-attend`, undefined, 200);
  await call(practice, 'POST', `/api/v1/bookings/${soonBooking.id}/did-not-attend`, undefined, 409);
  // Requirements last: a change here changes who may book.
  const gpReq = (await call(pool, 'GET', '/api/v1/passport/requirements?profession=gp', undefined, 200)).json.items[0];
  await call(pool, 'PUT', '/api/v1/passport/requirements', { profession: 'gp', check_code: gpReq.check_codes[0], required: true }, 200);
  await call(pool, 'DELETE', '/api/v1/passport/requirements?profession=gp', undefined, 200);
  // Messages (issue 12): the notification list, and the links that come by email (read here from
  // the demo mailbox): a forgotten password, an email address change.
  const notes = (await call(practice, 'GET', '/api/v1/me/notifications', undefined, 200)).json;
  await call(practice, 'GET', '/api/v1/me/notifications?limit=0', undefined, 400);
  if (notes.items.length) await call(practice, 'POST', `/api/v1/me/notifications/${notes.items[0].id}/read`, undefined, 204);
  await call(practice, 'POST', '/api/v1/me/notifications/999999999/read', undefined, 404);
  await call(practice, 'POST', '/api/v1/me/notifications/read', undefined, 204);
  await call(practice, 'POST', '/api/v1/me/notifications/read', { x: 1 }, 400);
  // The live stream: its opening is read, then the connection dropped (the stream would not end).
  {
    const ac = new AbortController();
    const res = await fetch(`${srv.base}/api/v1/me/events`, { headers: { Authorization: `Bearer ${practice}` }, signal: ac.signal });
    const first = await res.body.getReader().read();
    ac.abort();
    check('GET', '/api/v1/me/events', res.status, res.headers.get('content-type'), '<stream>');
    assert.equal(res.status, 200);
    assert.match(Buffer.from(first.value).toString('utf8'), /^retry: 3000\n(id: \d+\n)?event: unread\ndata: \{"unread":\d+\}/);
  }
  await fetch(`${srv.base}/api/v1/me/events`, { headers: { Authorization: `Bearer ${practice}`, 'Last-Event-ID': 'x' } })
    .then(async (res) => check('GET', '/api/v1/me/events', res.status, res.headers.get('content-type'), await res.text()));
  const mailedToken = async (to, path) => {
    const box = (await call(null, 'GET', '/api/v1/demo-mailbox', undefined, 200)).json;
    const m = box.items.find((x) => x.to === to && x.link.startsWith(path));
    assert.ok(m, `an email to ${to} with a link to ${path}`);
    return new URLSearchParams(m.link.split('?')[1]).get('token');
  };
  const resetAccount = 'clinician098@demo.flexpool.test';
  await call(null, 'POST', '/api/v1/password-resets', {}, 400);
  await call(null, 'POST', '/api/v1/password-resets', { email: resetAccount }, 202);
  const resetToken = await mailedToken(resetAccount, '/password-reset');
  await call(null, 'POST', `/api/v1/password-resets/${resetToken}`, { password: 'short' }, 400);
  await call(null, 'POST', `/api/v1/password-resets/${resetToken}`, { password: 'orchard-lantern-pebble-7' }, 204);
  await call(null, 'POST', `/api/v1/password-resets/${resetToken}`, { password: 'orchard-lantern-pebble-7' }, 410);
  await call(null, 'POST', '/api/v1/password-resets/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { password: 'orchard-lantern-pebble-7' }, 404);
  const tReset = (await call(null, 'POST', '/api/v1/sessions', { email: resetAccount, password: 'orchard-lantern-pebble-7' }, 201)).json.token;
  await call(tReset, 'POST', '/api/v1/me/email-changes', { email: 'changed.address@example.test', current_password: 'not-it' }, 403);
  await call(tReset, 'POST', '/api/v1/me/email-changes', { email: 'changed.address@example.test', current_password: 'orchard-lantern-pebble-7' }, 202);
  const changeToken = await mailedToken('changed.address@example.test', '/email-change');
  await call(null, 'POST', `/api/v1/email-changes/${changeToken}`, undefined, 204);
  await call(null, 'POST', `/api/v1/email-changes/${changeToken}`, undefined, 410);

  // Every signed-in operation not yet answered with an error: without a session, 401.
  for (const o of operations) {
    const key = `${o.method} ${o.template}`;
    if (seen.get(key)?.error || o.op.security?.length === 0) continue;
    await call(null, o.method, o.template.replace(/\{[^}]+\}/g, '1'), o.method === 'GET' || o.method === 'DELETE' ? undefined : {}, 401);
  }

  const missing = [];
  for (const o of operations) {
    const key = `${o.method} ${o.template}`;
    const s = seen.get(key) || {};
    if (!s.ok && !NOT_EXERCISED[`${key} ok`]) missing.push(`${key}: no success answer`);
    if (!s.error && !NOT_EXERCISED[`${key} error`]) missing.push(`${key}: no error answer`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.deepEqual(missing, [], missing.join('\n'));
});

// The query parameters: each operation takes exactly those the document lists (`flexpool routes
// --query` against the document's `in: query` parameters), and the server refuses any other, and any
// given twice, with a 400 naming it, before the operation runs: never a parameter silently ignored
// (a mistyped `form=` for `from=` would otherwise answer for another period).
test('every operation takes the query parameters the document lists, and refuses any other', async () => {
  const listed = spawnSync(BINARY, ['routes', '--query'], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const served = new Map(listed.stdout.trim().split('\n').map((l) => {
    const [route, query = ''] = l.split(' ?'); // "GET /api/v1/metrics ?from to"
    return [route, query.split(' ').filter(Boolean).sort().join(' ')];
  }));
  const param = (p) => (p.$ref ? p.$ref.split('/').slice(1).reduce((a, k) => a[k], doc) : p);
  const differ = [];
  for (const o of operations) {
    const item = doc.paths[o.template];
    const documented = [...(item.parameters || []), ...(o.op.parameters || [])].map(param).filter((p) => p.in === 'query')
      .map((p) => p.name).sort().join(' ');
    const key = `${o.method} ${o.template}`;
    if (!served.has(key)) differ.push(`${key}: not served`);
    else if (served.get(key) !== documented) differ.push(`${key}: takes "${served.get(key)}", the document lists "${documented}"`);
  }
  assert.deepEqual(differ, [], differ.join('\n'));
  assert.ok([...served.values()].some((q) => q === 'from to'), 'some operation takes a query');

  const ask = async (token, path) => {
    const res = await fetch(srv.base + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const month = '/api/v1/metrics?from=2026-04-01&to=2026-05-01';
  assert.equal((await ask(tokens.icb, month)).status, 200);
  let r = await ask(tokens.icb, '/api/v1/metrics?form=2026-04-01&to=2026-05-01');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'unknown_parameter');
  assert.equal(r.body.error.field, 'form');
  r = await ask(tokens.icb, `${month}&from=2025-04-01`);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_parameter');
  assert.equal(r.body.error.field, 'from');
  r = await ask(null, '/healthz?verbose=1'); // an operation that takes none
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'unknown_parameter');
  r = await ask(null, `${month}&x=1`); // signed out: the sign-in comes first
  assert.equal(r.status, 401);
});
