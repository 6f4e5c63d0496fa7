// The pool administrator's figures by clinician (issue 14; docs/METRICS.md, "By clinician";
// /overview/clinicians) in a real browser against the demo: reached from the overview's link for the
// overview's own period and back again; each clinician's row and the totals exactly those of GET
// /api/v1/metrics/clinicians for the page's period, and the totals equal to GET /api/v1/metrics's for
// the same period; the search by name and the profession filter (rows and totals of those shown);
// the empty state; the cancellations by who cancelled, with their totals; the CSV and XLSX downloads
// for the page's period, each row the API's; axe at desktop and phone widths (and nothing wider than
// a 320 px screen). A commissioner and a practice manager see no
// link and cannot use the page. Every expected figure is read from the API (the demo's data are
// dated from today).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiCall, apiLogin, assertNoProblems, checkAccessibility, open, parseCsv, PHONE, screenshot, signedInPage, startServerAndBrowser,
  stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

// The professions as the pool's lists name them.
const PROFESSIONS = {
  gp: 'GP', nurse: 'Practice nurse', pharmacist: 'Clinical pharmacist', physician_associate: 'Physician associate',
  paramedic: 'Paramedic', physiotherapist: 'First contact physiotherapist', nursing_associate: 'Nursing associate',
  healthcare_assistant: 'Healthcare assistant', pharmacy_technician: 'Pharmacy technician', dietitian: 'Dietitian',
  podiatrist: 'Podiatrist', occupational_therapist: 'Occupational therapist', social_prescriber: 'Social prescribing link worker',
  care_coordinator: 'Care coordinator', health_coach: 'Health and wellbeing coach', mental_health_practitioner: 'Mental health practitioner',
};
const roleName = (code) => PROFESSIONS[code] || `(no name known to the test for ${code})`;

let server, browser;
const POOL = 'pool@demo.flexpool.test';
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();

// The page's words for the API's figures.
const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2 });
const money = (pence) => GBP.format(pence / 100);
const count = (n) => new Intl.NumberFormat('en-GB').format(n);
const hoursText = (x) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(x);
const longDate = (iso) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
  .format(new Date(`${iso}T00:00:00Z`));
const addDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);

const SESSIONS = ['shifts_filled', 'did_not_attend'];
const CANCELS = ['late_cancellations', 'cancelled_by_clinician', 'cancelled_by_practice', 'cancelled_by_pool'];
const MONEY = ['hours_delivered', 'hours_booked_ahead', 'fees_agreed_pence', 'fees_approved_pence', 'fees_paid_pence'];
const FIGURES = [...SESSIONS, ...CANCELS, ...MONEY];
const FORMAT = {
  shifts_filled: count, did_not_attend: count, late_cancellations: count, hours_delivered: hoursText, hours_booked_ahead: hoursText,
  fees_agreed_pence: money, fees_approved_pence: money, fees_paid_pence: money,
  cancelled_by_clinician: count, cancelled_by_practice: count, cancelled_by_pool: count,
};
// Each table's row for a clinician of the API's answer, as the page should write it.
const sessionsRow = (r) => [r.name, roleName(r.profession), r.member ? 'Member' : 'Not a member (worked through another pool)', r.onboarded ? 'Yes' : 'No',
  ...SESSIONS.map((k) => FORMAT[k](r[k]))];
const cancelsRow = (r) => [r.name, ...CANCELS.map((k) => FORMAT[k](r[k]))];
const moneyRow = (r) => [r.name, ...MONEY.map((k) => FORMAT[k](r[k]))];
// The sums of rows, figure by figure (hours in hundredths, as the API gives them).
function sums(rows) {
  const t = {};
  for (const k of FIGURES) {
    t[k] = k.startsWith('hours_') ? rows.reduce((a, r) => a + Math.round(r[k] * 100), 0) / 100 : rows.reduce((a, r) => a + r[k], 0);
  }
  return t;
}

// A table's rows (body or footer) as their cells' text, without the phone's labels.
const cellsOf = (page, selector) => page.$$eval(selector, (trs) => trs.map((tr) => [...tr.children].map((c) => {
  const x = c.cloneNode(true);
  x.querySelectorAll('.nhsuk-table-responsive__heading').forEach((e) => e.remove());
  return x.textContent.replace(/\s+/g, ' ').trim();
})));

// The two tables and their totals against rows of the API's answer and the totals expected.
async function assertTables(page, rows, totals, totalLabel, label) {
  assert.deepEqual(await cellsOf(page, '#table-clinician-sessions tbody tr'), rows.map(sessionsRow), `${label}: sessions by clinician`);
  assert.deepEqual(await cellsOf(page, '#table-clinician-cancellations tbody tr'), rows.map(cancelsRow), `${label}: cancellations by clinician`);
  assert.deepEqual(await cellsOf(page, '#table-clinician-hours tbody tr'), rows.map(moneyRow), `${label}: hours and fees by clinician`);
  assert.deepEqual(await cellsOf(page, '#table-clinician-sessions tfoot tr'), [[totalLabel, ...SESSIONS.map((k) => FORMAT[k](totals[k]))]], `${label}: the sessions' totals`);
  assert.deepEqual(await cellsOf(page, '#table-clinician-cancellations tfoot tr'), [[totalLabel, ...CANCELS.map((k) => FORMAT[k](totals[k]))]], `${label}: the cancellations' totals`);
  assert.deepEqual(await cellsOf(page, '#table-clinician-hours tfoot tr'), [[totalLabel, ...MONEY.map((k) => FORMAT[k](totals[k]))]], `${label}: the hours' and fees' totals`);
}

// A workbook's first sheet as rows of cell values, read with Debian's openpyxl.
function readXlsx(path) {
  const py = 'import openpyxl,sys,json\nws=openpyxl.load_workbook(sys.argv[1],read_only=True).worksheets[0]\n'
    + 'print(json.dumps([list(r) for r in ws.iter_rows(values_only=True)], default=str))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, path], { encoding: 'utf8' }));
}

// Waits for the app to have drawn an address (pathname and search).
const rendered = (page, url) => page.waitForFunction((u) => document.documentElement.dataset.rendered === u, url);
const here = (page) => { const u = new URL(page.url()); return u.pathname + u.search; };

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
});
after(() => stopServerAndBrowser(server, browser));

const today = ukDateParts(0).iso;

describe('the pool administrator\'s figures by clinician', () => {
  let page, token;
  before(async () => {
    ({ page } = await signedInPage(browser, server, POOL));
    token = await apiLogin(server, POOL);
  });
  after(() => page.context().close());

  test('the overview links to the figures by clinician for its period; each row and the totals are the API\'s, and the totals the overview\'s', async () => {
    await open(page, '/overview');
    const overviewHeading = await text(page, 'main h1');
    const linkEl = page.locator('#overview-clinicians-link');
    assert.equal(await linkEl.innerText(), 'Figures by clinician for this period');
    const href = await linkEl.getAttribute('href');
    await linkEl.click();
    await rendered(page, href);
    assert.equal(new URL(page.url()).pathname, '/overview/clinicians');

    // The overview's default period (custom dates, four weeks either side of today), carried along.
    const q = new URL(page.url()).searchParams;
    const from = q.get('from'), last = q.get('to');
    assert.equal(from, addDays(today, -28), 'the link carries the overview\'s first day');
    assert.equal(last, addDays(today, 27), 'the link carries the overview\'s last day');
    assert.equal(q.get('period'), null, 'custom dates carry no period');
    assert.equal(await text(page, 'main h1'), `${longDate(from)} to ${longDate(last)} - Figures by clinician`);
    assert.match(await text(page, '#clinicians-counts'), /sessions at your pool's practices that started in the period.*approved timesheet, otherwise the hours booked/);

    // The API's answers for the page's own period (the API's `to` is the day after the last).
    const period = `from=${from}&to=${addDays(last, 1)}`;
    const answer = await apiCall(server, token, 'GET', `/metrics/clinicians?${period}`);
    const m = await apiCall(server, token, 'GET', `/metrics?${period}`);
    const rows = answer.clinicians;
    assert.ok(rows.length > 0, 'the demo pool has clinicians');
    assert.ok(m.totals.shifts_filled > 0 && m.totals.fees_agreed_pence > 0 && m.totals.hours_delivered > 0, 'the demo has sessions in the period');

    const totals = sums(rows);
    await assertTables(page, rows, totals, 'Total', 'the whole pool');
    // The totals row is the overview's totals for the same period, every figure of it.
    for (const k of FIGURES) {
      assert.equal(totals[k], m.totals[k], `the clinicians' ${k} add up to the overview's`);
    }
    assert.ok(CANCELS.some((k) => totals[k] > 0), 'the demo has cancellations in the period');
    for (const [id, keys] of [['table-clinician-sessions', SESSIONS], ['table-clinician-cancellations', CANCELS], ['table-clinician-hours', MONEY]]) {
      for (const k of keys) {
        assert.equal(await text(page, `#${id}-totals td[data-figure="${k}"]`), FORMAT[k](m.totals[k]), `the totals row's ${k} is the overview's`);
      }
    }

    // One clinician who worked in the period, found by name, with their own figures.
    const worked = rows.filter((r) => r.shifts_filled > 0 && r.fees_agreed_pence > 0 && r.hours_delivered > 0);
    assert.ok(worked.length > 0, 'someone worked in the period');
    const one = worked[Math.floor(worked.length / 2)];
    const rowOf = (id) => page.locator(`#${id} tbody tr`).filter({ has: page.getByRole('rowheader', { name: one.name, exact: true }) });
    assert.equal(await rowOf('table-clinician-sessions').count(), 1, `${one.name} has a row`);
    assert.deepEqual((await cellsOf(page, '#table-clinician-sessions tbody tr')).find((r) => r[0] === one.name), sessionsRow(one));
    assert.deepEqual((await cellsOf(page, '#table-clinician-cancellations tbody tr')).find((r) => r[0] === one.name), cancelsRow(one));
    assert.deepEqual((await cellsOf(page, '#table-clinician-hours tbody tr')).find((r) => r[0] === one.name), moneyRow(one));
    assert.match(await rowOf('table-clinician-hours').innerText(), new RegExp(money(one.fees_agreed_pence).replace(/[.$£]/g, '\\$&')));

    const members = rows.filter((r) => r.member).length;
    assert.match(await text(page, '#clinicians-shown'), new RegExp(`^${count(rows.length)} clinicians: ${count(members)} members of the pool`));
    assert.match(await text(page, '#clinicians-definitions-list'), /Hours delivered: sessions filled that have ended: the hours of the approved timesheet, otherwise the hours booked/);
    assert.match(await text(page, '#clinicians-definitions-list'), /Cancelled by the clinician, by the practice, by the pool: all the clinician's bookings of sessions in the period that were cancelled, late or not, by who cancelled them/);

    // The downloads: the same period, a row per clinician of the API's answer, in its order.
    assert.equal(await page.getAttribute('#clinicians-csv', 'href'), `/api/v1/metrics/clinicians.csv?${period}`);
    assert.equal(await page.getAttribute('#clinicians-xlsx', 'href'), `/api/v1/metrics/clinicians.xlsx?${period}`);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#clinicians-csv')]);
    assert.equal(csv.suggestedFilename(), `clinicians-${from}-to-${last}.csv`);
    const raw = readFileSync(await csv.path(), 'utf8');
    assert.ok(raw.startsWith('\uFEFF'), 'the CSV starts with a byte-order mark');
    const lines = parseCsv(raw.slice(1));
    assert.deepEqual(lines[0], ['clinician_id', 'name', 'profession', 'member', 'onboarded', 'shifts_filled', 'did_not_attend', 'late_cancellations',
      'cancelled_by_clinician', 'cancelled_by_practice', 'cancelled_by_pool', 'hours_delivered', 'hours_booked_ahead', 'fees_agreed_pence', 'fees_agreed_gbp',
      'fees_approved_pence', 'fees_approved_gbp', 'fees_paid_pence', 'fees_paid_gbp']);
    const gbp = (pence) => (pence / 100).toFixed(2);
    const csvRow = (r) => [String(r.clinician_id), r.name, r.profession, String(r.member), String(r.onboarded),
      ...[...SESSIONS, ...CANCELS].map((k) => String(r[k])), r.hours_delivered.toFixed(2), r.hours_booked_ahead.toFixed(2),
      ...['fees_agreed_pence', 'fees_approved_pence', 'fees_paid_pence'].flatMap((k) => [String(r[k]), gbp(r[k])])];
    assert.deepEqual(lines.slice(1), rows.map(csvRow), 'each CSV row is the API\'s');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#clinicians-xlsx')]);
    assert.equal(xlsx.suggestedFilename(), `clinicians-${from}-to-${last}.xlsx`);
    const saved = join(mkdtempSync(join(tmpdir(), 'flexpool-clinicians-')), xlsx.suggestedFilename());
    await xlsx.saveAs(saved);
    const sheet = readXlsx(saved);
    assert.deepEqual(sheet[0], lines[0], 'the workbook has the CSV\'s columns');
    const xcol = (row, k) => row[sheet[0].indexOf(k)];
    assert.deepEqual(sheet.slice(1).map((x) => [xcol(x, 'name'), xcol(x, 'late_cancellations'), xcol(x, 'cancelled_by_practice'), xcol(x, 'fees_agreed_gbp')]),
      rows.map((r) => [r.name, r.late_cancellations, r.cancelled_by_practice, r.fees_agreed_pence / 100]), 'numbers as numbers, each row the API\'s');
    await checkAccessibility(page, 'the figures by clinician');
    await screenshot(page, 'clinician-figures');

    // Back to the overview for the same period.
    const back = await page.getAttribute('.nhsuk-back-link', 'href');
    assert.equal(back, `/overview?from=${from}&to=${last}`);
    assert.equal(await page.getAttribute('#clinicians-overview-link', 'href'), back, 'the words under the heading lead to the same overview');
    await page.click('.nhsuk-back-link');
    await rendered(page, back);
    assert.equal(await text(page, 'main h1'), overviewHeading, 'the overview shows the same period');
    assertNoProblems(page);
  });

  test('a month from the overview, then the search by name and the profession filter: the rows shown and their totals', async () => {
    const month = today.slice(0, 7);
    const first = `${month}-01`, last = new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0)).toISOString().slice(0, 10);
    await open(page, `/overview?period=month&from=${first}&to=${last}`);
    const href = await page.getAttribute('#overview-clinicians-link', 'href');
    assert.equal(href, `/overview/clinicians?period=month&from=${first}&to=${last}`);
    await page.click('#overview-clinicians-link');
    await rendered(page, href);
    assert.match(await text(page, 'main h1'), /^\w+ \d{4}: .* - Figures by clinician$/);
    const all = (await apiCall(server, token, 'GET', `/metrics/clinicians?from=${first}&to=${addDays(last, 1)}`)).clinicians;
    await assertTables(page, all, sums(all), 'Total', 'this month');

    // A part of a name, in another case.
    const someone = all.find((r) => r.shifts_filled > 0) || all[0];
    const part = someone.name.split(' ').pop().slice(0, 4).toUpperCase();
    await page.fill('#clinician-filters-q', part);
    await page.click('#clinician-filters-apply');
    await rendered(page, `${href}&q=${encodeURIComponent(part)}`);
    const named = all.filter((r) => r.name.toLowerCase().includes(part.toLowerCase()));
    assert.ok(named.some((r) => r.name === someone.name));
    await assertTables(page, named, sums(named), `Total of the ${count(named.length)} shown`, `names holding ${part}`);
    assert.equal(await text(page, '#clinicians-shown'), `Showing ${count(named.length)} of ${count(all.length)} clinicians. The totals are those of the clinicians shown.`);

    // A profession, and no name.
    const nurses = all.filter((r) => r.profession === 'nurse');
    assert.ok(nurses.length > 0, 'the demo pool has nurses');
    await page.fill('#clinician-filters-q', '');
    await page.selectOption('#clinician-filters-profession', 'nurse');
    await page.click('#clinician-filters-apply');
    await rendered(page, `${href}&profession=nurse`);
    await assertTables(page, nurses, sums(nurses), `Total of the ${count(nurses.length)} shown`, 'nurses');

    // Nobody matches; then the filters cleared, the period kept.
    await page.fill('#clinician-filters-q', 'zzzz-nobody');
    await page.click('#clinician-filters-apply');
    await rendered(page, `${href}&q=zzzz-nobody&profession=nurse`);
    assert.equal(await text(page, '#clinicians-none-match'), 'No clinician matches these filters.');
    await page.click('#clinician-filters-clear');
    await rendered(page, href);
    await assertTables(page, all, sums(all), 'Total', 'this month again');
    assertNoProblems(page);
  });

  test('a period before anyone joined the pool says there are no clinicians yet', async () => {
    const url = '/overview/clinicians?period=month&from=2001-01-01&to=2001-01-31';
    const answer = await apiCall(server, token, 'GET', '/metrics/clinicians?from=2001-01-01&to=2001-02-01');
    assert.deepEqual(answer.clinicians, [], 'nobody was in the demo pool in 2001');
    await open(page, url);
    assert.equal(await text(page, '#clinicians-empty'), 'No clinicians in your pool yet.');
    assert.equal(await page.locator('#table-clinician-sessions').count(), 0);
    assert.equal(await page.getAttribute('.nhsuk-back-link', 'href'), '/overview?period=month&from=2001-01-01&to=2001-01-31');
    await checkAccessibility(page, 'the figures by clinician with nobody in the pool');
    assertNoProblems(page);
  });

  test('on a phone the tables stack, nothing is wider than the screen, and axe finds nothing', async () => {
    const { page: phone } = await signedInPage(browser, server, POOL, { viewport: PHONE });
    try {
      await open(phone, '/overview');
      const href = await phone.getAttribute('#overview-clinicians-link', 'href');
      await phone.click('#overview-clinicians-link');
      await rendered(phone, href);
      assert.ok(await phone.locator('#table-clinician-sessions tbody tr').count() > 0);
      const widths = await phone.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
      assert.ok(widths.page <= widths.screen, `the page fits the screen (${widths.page} px of ${widths.screen} px)`);
      // Each total has its figure's name beside it, as each row's figures do.
      assert.match(await text(phone, '#table-clinician-hours-totals'), /Total Hours delivered [\d,.]+ Hours booked ahead [\d,.]+ Fees agreed £[\d,.]+/);
      assert.match(await text(phone, '#table-clinician-cancellations-totals'), /Total Late cancellations [\d,]+ Cancelled by the clinician [\d,]+ Cancelled by the practice [\d,]+ Cancelled by the pool [\d,]+/);
      await checkAccessibility(phone, 'the figures by clinician on a phone');
      await screenshot(phone, 'clinician-figures-phone');
      // The narrowest screen the NHS designs for.
      await phone.setViewportSize({ width: 320, height: 700 });
      const narrow = await phone.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
      assert.equal(narrow.screen, 320);
      assert.ok(narrow.page <= narrow.screen, `the page fits a 320 px screen (${narrow.page} px)`);
      await checkAccessibility(phone, 'the figures by clinician at 320 px');
      assertNoProblems(phone);
    } finally {
      await phone.context().close();
    }
  });
});

describe('the figures by clinician are the pool administrator\'s only', () => {
  for (const [email, who] of [['icb@demo.flexpool.test', 'a commissioner'], ['practice@demo.flexpool.test', 'a practice manager']]) {
    test(`${who} sees no link on the overview and cannot use the page`, async () => {
      const { page } = await signedInPage(browser, server, email);
      try {
        await open(page, '/overview');
        assert.ok(await page.locator('#figure-shifts_filled').count() === 1, 'the overview is drawn');
        assert.equal(await page.locator('#overview-clinicians-link').count(), 0, 'no link to the figures by clinician');
        assert.equal(await page.getByRole('link', { name: /by clinician/i }).count(), 0);
        await open(page, `/overview/clinicians?from=${addDays(today, -28)}&to=${addDays(today, 27)}`);
        assert.equal(here(page), `/overview/clinicians?from=${addDays(today, -28)}&to=${addDays(today, 27)}`);
        assert.equal(await text(page, 'main h1'), 'You cannot use this page');
        assert.equal(await page.locator('#table-clinician-sessions').count(), 0);
        assertNoProblems(page);
      } finally {
        await page.context().close();
      }
    });
  }
});
