// Shared by the browser tests: start the real server on a free port with the demo data, drive
// Debian's Chromium with playwright-core, check pages with axe-core and save screenshots.
//
// Environment (ctest sets these; see the end of CMakeLists.txt):
//   FP_BINARY      the flexpool binary (default: <repo>/build/flexpool)
//   FP_SOURCE_DIR  the source tree, for web/ and node_modules/ (default: this file's repo)
//   FP_BUILD_DIR   where screenshots/ go (default: <repo>/build)
//   FP_CHROMIUM    the browser (default: /usr/bin/chromium)
//   FP_TEST_ENGINE "postgres": each server gets a database of its own on the PostgreSQL the
//                  environment names (tests/api/pg_run.sh), dropped when it stops

import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.FP_SOURCE_DIR || resolve(here, '..', '..');
export const BUILD_DIR = process.env.FP_BUILD_DIR || join(SOURCE_DIR, 'build');
export const BINARY = process.env.FP_BINARY || join(BUILD_DIR, 'flexpool');
export const SCREENSHOTS = join(BUILD_DIR, 'screenshots');
export const PASSWORD = 'flexpool-demo';
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

// The pages take the nhsuk-frontend stylesheet from web/vendor/, which npm's postinstall makes.
if (!existsSync(join(SOURCE_DIR, 'web', 'vendor', 'nhsuk-frontend.css'))) {
  const { buildVendor } = await import(join(SOURCE_DIR, 'web', 'tools', 'vendor.mjs'));
  buildVendor();
}

// Starts `flexpool serve --demo` (or, with { demo: false }, a server as production runs it) on a
// fresh data directory and a free port. With { clinicians: N } the demo is first loaded by
// `flexpool demo --clinicians N` (N clinicians in all, the ones past the documented 150 generated).
let databases = 0;
// On PostgreSQL (FP_TEST_ENGINE=postgres), a new database and the arguments that name it.
function databaseFor() {
  if (process.env.FP_TEST_ENGINE !== 'postgres') return { args: [], drop: () => {} };
  const name = `fpb_${process.pid}_${++databases}`;
  const made = spawnSync('psql', ['-qAt', '-d', 'postgres', '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`CREATE DATABASE ${name} failed:\n${made.stderr}`);
  const drop = () => spawnSync('psql', ['-qAt', '-d', 'postgres', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  return { args: ['--database', `postgresql:///${name}`], drop };
}

export async function startServer(extraArgs = [], { demo = true, clinicians = 0 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'flexpool-browser-'));
  const database = databaseFor();
  extraArgs = [...database.args, ...extraArgs];
  if (clinicians) {
    const loaded = spawnSync(BINARY, ['demo', '--data-dir', dataDir, ...database.args, '--clinicians', String(clinicians)], { encoding: 'utf8', timeout: 300000 });
    if (loaded.status !== 0) throw new Error(`flexpool demo --clinicians ${clinicians} failed:\n${loaded.stdout}\n${loaded.stderr}`);
  }
  const args = ['serve', ...(demo ? ['--demo'] : []), '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--web-root', join(SOURCE_DIR, 'web'), ...extraArgs];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const base = await new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 120 s:\n${out}\n${log}`)), 120000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolveUrl(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}) before listening:\n${out}\n${log}`)); });
  });
  child.removeAllListeners('exit');
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
    database.drop();
  };
  return { base, stop, dataDir, databaseArgs: database.args, log: () => log };
}

// The tests' OpenID Connect provider (tests/oidc/provider.mjs) on a free port: its issuer, the
// arguments that point a server at it (the client "flexpool", client_secret_basic), control(json)
// to say who signs in (the file's header lists what it takes) and stop().
export async function startOidcProvider() {
  const dir = mkdtempSync(join(tmpdir(), 'flexpool-oidc-'));
  const child = spawn(process.execPath, [join(SOURCE_DIR, 'tests', 'oidc', 'provider.mjs'), dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  let port = 0;
  for (let i = 0; i < 400 && !port; i++) {
    if (existsSync(join(dir, 'port'))) port = Number(readFileSync(join(dir, 'port'), 'utf8'));
    else await new Promise((r) => setTimeout(r, 50));
  }
  if (!port) throw new Error(`the OpenID provider did not start:\n${log}`);
  const issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    serverArgs: ['--oidc-issuer', issuer, '--oidc-client-id', 'flexpool', '--oidc-client-secret-file', join(dir, 'client-secret')],
    async control(change) {
      const res = await fetch(`${issuer}/__control`, { method: 'POST', body: JSON.stringify(change) });
      assert.equal(res.status, 204);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => log,
  };
}

// Both, for a test file's before() and after(): the server (startServer's arguments) and the browser.
export async function startServerAndBrowser(extraArgs, opts) {
  const server = await startServer(extraArgs, opts);
  return { server, browser: await launch() };
}
export async function stopServerAndBrowser(server, browser) {
  await browser?.close();
  await server?.stop();
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.FP_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// A new browser context and page. The browser's own time zone is New York on purpose: the pages
// must show UK time whatever the device's zone. Every request must go to the server itself, and
// nothing may break the Content-Security-Policy or throw.
export async function newPage(browser, server, { viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'America/New_York', baseURL: server.base });
  const page = await context.newPage();
  const origin = new URL(server.base).origin;
  page.problems = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:')) page.problems.push(`request to another origin: ${u}`);
  });
  page.on('pageerror', (e) => page.problems.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) page.problems.push(`CSP: ${m.text()}`);
  });
  return page;
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page made no request elsewhere, broke no policy and threw nothing');
}

// Opens a path and waits for the app to have drawn it.
export async function open(page, path) {
  await page.goto(path);
  await page.waitForSelector('html[data-ready="true"]');
  await settled(page);
}

// Waits until the app has drawn the address in the bar (<html data-rendered>, app.js) and no request
// of its pages is in flight (<html data-requests>, api.js): what the page shows is final. Waiting for
// the network to fall quiet instead cost half a second of nothing at every page.
export async function settled(page) {
  await page.waitForFunction(() => {
    const d = document.documentElement.dataset;
    return d.rendered === location.pathname + location.search && !(Number(d.requests) > 0);
  });
}

export async function signIn(page, email) {
  await open(page, '/sign-in');
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in-form button[type="submit"]');
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  await page.waitForSelector('#fp-user-name');
  // The start page is drawn with its data (signing in does not load a new document, so the
  // document's own "network idle" was reached long before).
  await page.waitForFunction(() => document.documentElement.dataset.rendered === location.pathname + location.search);
  return (await page.textContent('#fp-user-name')).trim();
}

export async function signedInPage(browser, server, email, opts) {
  const page = await newPage(browser, server, opts);
  const name = await signIn(page, email);
  return { page, name };
}

// Clicks a link in the app and waits for the new page.
export async function go(page, path) {
  await open(page, path);
}

const AXE = readFileSync(join(SOURCE_DIR, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// Runs axe-core on the page (WCAG 2.0, 2.1 and 2.2, A and AA) and fails on any violation.
export async function checkAccessibility(page, label) {
  const result = await page.evaluate(async (src) => {
    if (!window.axe) (0, eval)(src); // evaluated by the test driver, outside the page's CSP
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`);
  }, AXE);
  assert.deepEqual(result, [], `axe-core found accessibility problems on ${label}`);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

// Dates and times in the UK, for filling in forms and reading pages.
export function ukDateParts(daysFromNow) {
  const t = new Date(Date.now() + daysFromNow * 86400e3);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(t).map((p) => [p.type, p.value]));
  return { day: parts.day, month: parts.month, year: parts.year, iso: `${parts.year}-${parts.month}-${parts.day}` };
}

export function ukShortDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d)));
}

// Posts a shift through the practice manager's form; returns the new shift's id.
export async function postShift(page, { date, start, end, rate = '323.21', unit = 'session', mode = 'instant', description = '', release = 'all' }) {
  await open(page, '/practice/shifts/new');
  await page.selectOption('#role', 'gp');
  await page.fill('#date-day', date.day);
  await page.fill('#date-month', date.month);
  await page.fill('#date-year', date.year);
  await page.fill('#start_time', start);
  await page.fill('#end_time', end);
  await page.check(`input[name="rate_unit"][value="${unit}"]`);
  await page.fill('#rate', rate);
  await page.check(`input[name="booking_mode"][value="${mode}"]`);
  await page.check(`input[name="release"][value="${release}"]`);
  if (description) await page.fill('#description', description);
  await page.click('#post-shift');
  await page.waitForURL(/\/practice\/shifts\/\d+$/);
  await page.waitForSelector('.nhsuk-notification-banner--success');
  return Number(new URL(page.url()).pathname.split('/').pop());
}

// Types an ISO date (YYYY-MM-DD) into the NHS.UK date input `id` (its day, month and year boxes).
export async function fillDate(page, id, iso) {
  const [y, m, d] = iso.split('-');
  await page.fill(`#${id}-day`, String(+d));
  await page.fill(`#${id}-month`, String(+m));
  await page.fill(`#${id}-year`, y);
}

// The API as a test script calls it beside the browser: token's request, its JSON answer (null for
// 204); anything but 2xx throws with the answer. And a demo account's token.
export async function apiCall(server, token, method, path, body) {
  const r = await fetch(`${server.base}/api/v1${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = r.status === 204 ? null : await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}
// GET /api/v1<path> as the page's own session sees it (its cookie): the body of a 200.
export async function apiIn(page, path) {
  const r = await page.evaluate(async (u) => {
    const res = await fetch(u, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    return { status: res.status, body: await res.json() };
  }, `/api/v1${path}`);
  assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function apiLogin(server, email) {
  const r = await fetch(`${server.base}/api/v1/sessions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  return (await r.json()).token;
}

// A CSV document as rows of cells (RFC 4180: quoted cells, doubled quotes inside, CRLF between
// records), to read the exports back as a spreadsheet would.
export function parseCsv(src) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && src[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// RFC 6238 (SHA-1, 6 digits, 30-second steps) from a base32 secret, as an authenticator app computes it.
export function totp(secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const key = [];
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { key.push((value >>> (bits - 8)) & 255); bits -= 8; value &= (1 << bits) - 1; }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', Buffer.from(key)).update(counter).digest();
  const o = mac[19] & 15;
  return String((((mac[o] & 127) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3]) % 1000000).padStart(6, '0');
}
// The current 30-second TOTP step.
export const nowStep = () => Math.floor(Date.now() / 30000);
