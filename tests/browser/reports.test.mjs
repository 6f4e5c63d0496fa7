// The monthly reports (issue 14) in a real browser against the demo: the commissioner reaches them
// from the header and sees last month's, made by the server's first upkeep run, as GET /reports
// gives it (the month in words, when it was made in UK time, each file's size); an earlier month
// made by `flexpool report make` comes below it on reload; the PDF and CSV download with the
// server's file names and hold a PDF and the overview's table. The header offers the page to
// commissioners and system administrators only, and a pool administrator asking for it is told it
// is for another role. A new ICB's commissioner, before any report, is told when the first comes;
// once there are two ICBs' reports the system administrator sees each ICB's, named, and each
// commissioner only their own. axe at desktop and phone widths.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  apiCall, apiLogin, assertNoProblems, BINARY, checkAccessibility, DESKTOP, newPage, open, PHONE, screenshot, signedInPage,
  startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';
import { parseCsv } from './helpers.mjs';

let server, browser;
const demo = {};
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();
const api = (token, method, path, body) => apiCall(server, token, method, path, body);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthName = (ym) => `${MONTHS[+ym.slice(5, 7) - 1]} ${ym.slice(0, 4)}`;
const monthShift = (ym, by) => {
  const d = new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7) - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};
// "4 December 2026 at 16:26": the instant's UK date and time.
const madeOn = (iso) => {
  const o = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${o.day} ${o.month} ${o.year} at ${o.hour}:${o.minute}`;
};
const kb = (bytes) => `${Math.ceil(bytes / 1024)} KB`;

// The table as the eye reads it: each row's cells, without the phone's labels or the words only a
// screen reader hears.
const tableRows = (page) => page.$$eval('#reports-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => {
  const c = td.cloneNode(true);
  c.querySelectorAll('.nhsuk-table-responsive__heading, .nhsuk-u-visually-hidden').forEach((x) => x.remove());
  c.querySelectorAll('li').forEach((li) => li.append(' '));
  return c.textContent.replace(/\s+/g, ' ').trim();
})));
const headings = (page) => page.$$eval('#reports-table thead th', (ths) => ths.map((th) => th.textContent.trim()));
// Each download link's name as a screen reader hears it, and where it goes.
const links = (page) => page.$$eval('#reports-table a', (as) => as.map((a) => [a.textContent.replace(/\s+/g, ' ').trim(), a.getAttribute('href')]));

// What the page shows for the API's report (one ICB in view).
const expectedRow = (r) => [monthName(r.month), madeOn(r.made_at), `PDF (${kb(r.pdf_bytes)}) CSV (${kb(r.csv_bytes)})`];
const expectedLinks = (r, about = monthName(r.month)) => [
  [`PDF for ${about} (${kb(r.pdf_bytes)})`, r.pdf_url],
  [`CSV for ${about} (${kb(r.csv_bytes)})`, r.csv_url],
];

// `flexpool report make` for a month, on the server's own data.
function makeReports(month) {
  const made = spawnSync(BINARY, ['report', 'make', '--month', month, '--data-dir', server.dataDir, ...server.databaseArgs], { encoding: 'utf8', timeout: 120000 });
  assert.equal(made.status, 0, `flexpool report make --month ${month}:\n${made.stdout}\n${made.stderr}`);
}

// Polls until fn() gives something, at most `ms`.
async function until(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what} within ${ms / 1000} s`);
    await new Promise((r) => { setTimeout(r, 100); });
  }
}

const reloadReports = async (page) => {
  await open(page, '/reports');
  await page.waitForFunction(() => document.documentElement.dataset.rendered === '/reports');
};

before(async () => {
  // Upkeep runs at start (making last month's report) and then not again during the test, so the
  // new ICB below has no report until the test makes one.
  ({ server, browser } = await startServerAndBrowser(['--upkeep-interval', '86400']));
  demo.icb = await apiLogin(server, 'icb@demo.flexpool.test');
  demo.sysadmin = await apiLogin(server, 'admin@demo.flexpool.test');
  demo.icbId = (await api(demo.icb, 'GET', '/me')).roles.find((r) => r.role === 'commissioner').organisation_id;
  demo.lastMonth = monthShift(ukDateParts(0).iso.slice(0, 7), -1);
  demo.earlier = monthShift(demo.lastMonth, -1);
  demo.earliest = monthShift(demo.lastMonth, -2);
  demo.last = await until(async () => (await api(demo.icb, 'GET', '/reports')).items.find((r) => r.month === demo.lastMonth),
    `the server's first upkeep run made ${demo.lastMonth}'s report`);
});
after(() => stopServerAndBrowser(server, browser));

describe('the commissioner\'s monthly reports', () => {
  let page;
  before(async () => { ({ page } = await signedInPage(browser, server, 'icb@demo.flexpool.test')); });
  after(() => page.context().close());

  test('last month\'s report, made at start, is listed as the API gives it', async () => {
    await page.click('.nhsuk-header__navigation-link[href="/reports"]');
    await page.waitForFunction(() => document.documentElement.dataset.rendered === '/reports');
    assert.equal(await text(page, 'main h1'), 'Monthly reports');
    const main = await text(page, 'main');
    assert.match(main, /at 02:00 \(UK time\) on the 1st, for the month before/);
    assert.match(main, /never changed/);
    assert.match(main, /the PDF gives the month's figures in words, in total and by profession, place, PCN and practice/);
    assert.match(main, /the CSV is the overview's table for the month/);
    assert.equal(await page.getAttribute('#reports-overview-link', 'href'), '/overview');
    const { items } = await api(demo.icb, 'GET', '/reports');
    assert.equal(items.length, 1, 'one report so far');
    assert.equal(items[0].icb_id, demo.icbId);
    assert.deepEqual(await headings(page), ['Month', 'Made on', 'Download'], 'one ICB: no ICB column');
    assert.deepEqual(await tableRows(page), [expectedRow(demo.last)]);
    assert.deepEqual(await links(page), expectedLinks(demo.last));
    assert.equal(await page.locator('#reports-empty').count(), 0);
    await checkAccessibility(page, 'the monthly reports (commissioner)');
    await screenshot(page, 'reports-commissioner');
    assertNoProblems(page);
  });

  test('an earlier month made by the command comes below it; both files download as made', async () => {
    makeReports(demo.earlier);
    await reloadReports(page);
    const { items } = await api(demo.icb, 'GET', '/reports');
    assert.deepEqual(items.map((r) => r.month), [demo.lastMonth, demo.earlier], 'the API: latest month first');
    assert.deepEqual(await tableRows(page), items.map(expectedRow), 'the page: the same, latest month first');
    assert.deepEqual(await links(page), items.flatMap((r) => expectedLinks(r)));
    // Every link's name differs, for a screen reader's list of links.
    const names = (await links(page)).map(([name]) => name);
    assert.equal(new Set(names).size, names.length);

    const october = items[1];
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click(`#report-pdf-${october.id}`)]);
    assert.equal(pdf.suggestedFilename(), `report-${demo.icbId}-${demo.earlier}.pdf`);
    const pdfBytes = readFileSync(await pdf.path());
    assert.equal(pdfBytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(pdfBytes.length, october.pdf_bytes);

    const [csvFile] = await Promise.all([page.waitForEvent('download'), page.click(`#report-csv-${october.id}`)]);
    assert.equal(csvFile.suggestedFilename(), `report-${demo.icbId}-${demo.earlier}.csv`);
    const raw = readFileSync(await csvFile.path());
    assert.equal(raw.length, october.csv_bytes);
    let src = raw.toString('utf8');
    if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
    const csv = parseCsv(src);
    assert.deepEqual(csv[0].slice(0, 5), ['level', 'organisation_id', 'parent_id', 'ods_code', 'name']);
    assert.ok(csv.slice(1).every((r) => r.length === csv[0].length), 'every row has every column');
    const total = csv.filter((r) => r[0] === 'total');
    assert.equal(total.length, 1, 'one total row');
    assert.ok(csv.some((r) => r[0] === 'practice'), 'a row for each practice');
    assert.equal(page.url(), `${server.base}/reports`, 'the downloads left the page where it was');
    assertNoProblems(page);
  });
});

describe('who sees the page', () => {
  test('the header offers Reports to commissioners and system administrators, not to pool administrators or practice managers', async () => {
    for (const [email, shown] of [['icb@demo.flexpool.test', true], ['admin@demo.flexpool.test', true], ['pool@demo.flexpool.test', false], ['practice@demo.flexpool.test', false]]) {
      const { page } = await signedInPage(browser, server, email);
      const nav = await page.$$eval('.nhsuk-header__navigation-link', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(nav.includes('/overview') || nav.includes('/practice'), `${email}: the menu is drawn`);
      assert.equal(nav.includes('/reports'), shown, `${email}: Reports ${shown ? '' : 'not '}in the header`);
      if (!shown) {
        await open(page, '/reports');
        assert.equal(await text(page, 'main h1'), 'You cannot use this page');
        assert.match(await text(page, 'main'), /This page is for another role/);
        assert.equal(await page.locator('#reports-table').count(), 0);
      }
      assertNoProblems(page);
      await page.context().close();
    }
    const pool = await apiLogin(server, 'pool@demo.flexpool.test');
    const r = await fetch(`${server.base}/api/v1/reports`, { headers: { Authorization: `Bearer ${pool}` } });
    assert.equal(r.status, 403);
    assert.equal((await r.json()).error.code, 'forbidden');
  });
});

describe('more than one ICB', () => {
  const own = 'harbour-lantern-quay-5';
  const email = 'commissioner@second-icb.example.test';
  let second, page;
  const signInApi = async () => {
    const r = await fetch(`${server.base}/api/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: own }) });
    return (await r.json()).token;
  };

  before(async () => {
    second = await api(demo.sysadmin, 'POST', '/organisations', { level: 'icb', ods_code: 'Q9Z', name: 'NHS Test Second ICB' });
    await api(demo.sysadmin, 'POST', '/users', { email, name: 'Robin Second', role: 'commissioner', organisation_id: second.id, password: 'given-by-admin-7' });
    // The password was given by someone else: its owner chooses their own first.
    const r = await fetch(`${server.base}/api/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: 'given-by-admin-7' }) });
    await api((await r.json()).token, 'PUT', '/me/password', { current_password: 'given-by-admin-7', new_password: own });
    page = await newPage(browser, server);
    await open(page, '/sign-in');
    await page.fill('#email', email);
    await page.fill('#password', own);
    await page.click('#sign-in-form button[type="submit"]');
    await page.waitForSelector('#fp-user-name');
  });
  after(() => page.context().close());

  test('a commissioner whose ICB has no report yet is told when the first is made', async () => {
    await reloadReports(page);
    const mine = await signInApi();
    assert.deepEqual((await api(mine, 'GET', '/reports')).items, []);
    assert.equal(await page.locator('#reports-table').count(), 0);
    const [y, m] = ukDateParts(0).iso.split('-').map(Number);
    const next = monthName(monthShift(`${y}-${String(m).padStart(2, '0')}`, 1));
    assert.equal(await text(page, '#reports-empty'), `There are no reports yet. The first one is made at 02:00 on 1 ${next}, for this month.`);
    await checkAccessibility(page, 'the monthly reports, none yet');
    await screenshot(page, 'reports-none-yet');
    assertNoProblems(page);
  });

  test('once both ICBs have reports, the system administrator sees each ICB\'s by name, and each commissioner only their own', async () => {
    makeReports(demo.earliest); // both ICBs: neither has that month's
    await reloadReports(page);
    const mine = (await api(await signInApi(), 'GET', '/reports')).items;
    assert.deepEqual(mine.map((r) => [r.icb_id, r.month]), [[second.id, demo.earliest]]);
    assert.deepEqual(await headings(page), ['Month', 'Made on', 'Download']);
    assert.deepEqual(await tableRows(page), mine.map(expectedRow));

    const { page: admin } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
    await admin.click('.nhsuk-header__navigation-link[href="/reports"]');
    await admin.waitForFunction(() => document.documentElement.dataset.rendered === '/reports');
    const all = (await api(demo.sysadmin, 'GET', '/reports')).items;
    assert.equal(all.length, 4, 'the demo ICB\'s three and the second ICB\'s one');
    assert.deepEqual(new Set(all.map((r) => r.icb_id)), new Set([demo.icbId, second.id]));
    assert.ok(all.every((r, i) => i === 0 || all[i - 1].month >= r.month), 'latest month first');
    assert.deepEqual(await headings(admin), ['Month', 'ICB', 'Made on', 'Download']);
    assert.deepEqual(await tableRows(admin), all.map((r) => [monthName(r.month), r.icb_name, madeOn(r.made_at), `PDF (${kb(r.pdf_bytes)}) CSV (${kb(r.csv_bytes)})`]));
    assert.ok((await tableRows(admin)).some((r) => r[1] === 'NHS Test Second ICB'));
    assert.deepEqual(await links(admin), all.flatMap((r) => expectedLinks(r, `${r.icb_name}, ${monthName(r.month)}`)));
    const names = (await links(admin)).map(([name]) => name);
    assert.equal(new Set(names).size, names.length, 'every link\'s name differs, the month alone no longer telling them apart');
    await checkAccessibility(admin, 'the monthly reports (system administrator, two ICBs)');
    await screenshot(admin, 'reports-sysadmin');
    assertNoProblems(admin);
    await admin.context().close();

    // The demo ICB's commissioner still sees only the demo ICB's.
    const theirs = (await api(demo.icb, 'GET', '/reports')).items;
    assert.deepEqual(theirs.map((r) => r.month), [demo.lastMonth, demo.earlier, demo.earliest]);
    assert.ok(theirs.every((r) => r.icb_id === demo.icbId));
    assertNoProblems(page);
  });
});

describe('axe at desktop and phone widths', () => {
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    for (const [who, email] of [['commissioner', 'icb@demo.flexpool.test'], ['sysadmin', 'admin@demo.flexpool.test']]) {
      test(`${who} at ${label} width`, async () => {
        const { page } = await signedInPage(browser, server, email, { viewport });
        await reloadReports(page);
        assert.equal(await text(page, 'main h1'), 'Monthly reports');
        assert.ok((await tableRows(page)).length >= 3, 'the reports made above are listed');
        await checkAccessibility(page, `/reports (${who}, ${label})`);
        await screenshot(page, `reports-${who}-${label}`);
        assertNoProblems(page);
        await page.context().close();
      });
    }
  }
});
