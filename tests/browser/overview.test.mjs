// The commissioner's overview (/overview) in a real browser against the demo: the period picker
// (a week, a month, a quarter, a financial year or custom dates; the URL carries the choice, the
// previous and next links and the browser's back button move between periods; the figures equal
// GET /api/v1/metrics for the same days), the rules said in words before the server is asked (a
// period of more than 1,830 days) and a refused address shown as a message, not a crash; the
// drill-down ICB > place > PCN > practice (each level's cards are its own row of the API's answer,
// the areas under it exactly the API's rows with it as parent, the breadcrumb leading back up);
// the CSV and XLSX downloads holding the API's figures; the trend over weeks or months (chart and
// table equal to GET /api/v1/metrics/trend, and its downloads); the ICB's targets set through the API
// drawn on the trend's charts (a line across each bar) and said in its table period by period, with
// why a period has none; a practice manager and a pool
// administrator reading their own scope. axe on each state at desktop and phone widths. Every
// expected figure is read from the API (the demo's data are dated from today).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiCall, apiIn, apiLogin, assertNoProblems, checkAccessibility, DESKTOP, fillDate, open, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';
import { parseCsv } from './helpers.mjs';

let server, browser;
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();

// The page's words for the API's figures.
const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2 });
const money = (pence) => GBP.format(pence / 100);
const count = (n) => new Intl.NumberFormat('en-GB').format(n);
const hoursText = (x) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(x);
const pct = (x) => `${x.toFixed(1)}%`;
const FIGURES = {
  shifts_posted: count, shifts_filled: count, fill_rate_percent: pct, unfilled: count, late_cancellations: count, did_not_attend: count,
  hours_delivered: hoursText, hours_booked_ahead: hoursText, fees_agreed_pence: money, fees_approved_pence: money, fees_paid_pence: money,
  practices_registered: count, practices_onboarded: count,
};
const longDate = (iso) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
  .format(new Date(`${iso}T00:00:00Z`));
const addDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const lastDayOfMonth = (ym) => new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7), 0)).toISOString().slice(0, 10);
const monthBefore = (ym) => {
  const d = new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7) - 2, 1));
  return d.toISOString().slice(0, 7);
};

// A workbook's first sheet as rows of cell values, read with Debian's openpyxl.
function readXlsx(path) {
  const py = 'import openpyxl,sys,json\nws=openpyxl.load_workbook(sys.argv[1],read_only=True).worksheets[0]\n'
    + 'print(json.dumps([list(r) for r in ws.iter_rows(values_only=True)], default=str))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, path], { encoding: 'utf8' }));
}


// The financial year holding a day (2026 is 2026/27), and its name.
const yearOf = (iso) => (+iso.slice(5, 7) >= 4 ? +iso.slice(0, 4) : +iso.slice(0, 4) - 1);
const yearName = (y) => `${y}/${String((y + 1) % 100).padStart(2, '0')}`;
// What the trend's table says of a period's targets (GET /metrics/trend's `targets`, the server's
// decision) given the ICB's targets by year: the target and met or not, or why there is none.
function targetCells(x, unit, years) {
  const t = x.targets;
  const a = yearOf(x.from), b = yearOf(addDays(x.to, -1));
  const fill = t.fill_rate_percent !== null ? `${pct(t.fill_rate_percent)} (${t.fill_rate_met ? 'met' : `not met${x.shifts_posted ? '' : ': no shifts posted'}`})`
    : a !== b ? `None: the ${unit} spans two financial years` : `None set for ${yearName(a)}`;
  const missing = (a === b ? [a] : [a, b]).filter((y) => !years.some((z) => z.year === y && z.spend_pence !== null)).map(yearName);
  const spend = t.fees_agreed_pence !== null ? `${money(t.fees_agreed_pence)} (${t.fees_agreed_within ? 'within' : 'over'})` : `None set for ${missing.join(' and ')}`;
  return [fill, spend];
}

// Waits for the app to have drawn an address (pathname and search).
const rendered = (page, url) => page.waitForFunction((u) => document.documentElement.dataset.rendered === u, url);
const search = (page) => new URL(page.url()).search;
const params = (page) => Object.fromEntries(new URL(page.url()).searchParams);

// The cards on the page against a row of figures from the API.
async function assertCards(page, figures, label) {
  for (const [k, f] of Object.entries(FIGURES)) assert.equal(await text(page, `#figure-${k}`), f(figures[k]), `${label}: ${k}`);
}

// A table's rows as [name, ...cells] without the phone's labels.
const tableRows = (page, id) => page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => {
  const x = c.cloneNode(true);
  x.querySelectorAll('.nhsuk-table-responsive__heading').forEach((e) => e.remove());
  return x.textContent.replace(/\s+/g, ' ').trim();
})));
const tableLinks = (page, id) => page.$$eval(`#${id} tbody th a`, (as) => as.map((a) => [a.textContent.trim(), a.getAttribute('href')]));

// The shifts table of some areas against the API's rows (names, posted, filled, fill rate, unfilled).
async function assertShiftsTable(page, id, rows, label) {
  const shown = await tableRows(page, id);
  assert.deepEqual(shown.map((r) => r.slice(0, 5)),
    rows.map((r) => [r.name, count(r.shifts_posted), count(r.shifts_filled), pct(r.fill_rate_percent), count(r.unfilled)]), label);
}

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
});
after(() => stopServerAndBrowser(server, browser));

const today = ukDateParts(0).iso;
const thisMonth = today.slice(0, 7);
const lastMonth = monthBefore(thisMonth);

describe('the commissioner\'s overview', () => {
  let page;
  before(async () => { ({ page } = await signedInPage(browser, server, 'icb@demo.flexpool.test')); });
  after(() => page.context().close());

  test('a month chosen in the period picker shows its dates and the API\'s figures; previous, next and back move between months', async () => {
    await open(page, '/overview');
    // The default: custom dates, their boxes shown and the other choices' fields hidden.
    assert.equal(await page.isChecked('#period-custom'), true);
    assert.equal(await page.isVisible('#from-day'), true);
    assert.equal(await page.isVisible('#month'), false);
    assert.match(await text(page, '#period-form'), /A period is at most 1,830 days, about 5 years\./);

    await page.check('#period-month');
    assert.equal(await page.isVisible('#month'), true, 'choosing a month shows its fields');
    assert.equal(await page.isVisible('#from-day'), false);
    await page.selectOption('#month', String(+lastMonth.slice(5, 7)));
    await page.fill('#month-year', lastMonth.slice(0, 4));
    await page.click('#show-figures');
    const first = `${lastMonth}-01`, last = lastDayOfMonth(lastMonth);
    const url = `/overview?period=month&from=${first}&to=${last}`;
    await rendered(page, url);
    const monthName = `${MONTHS[+lastMonth.slice(5, 7) - 1]} ${lastMonth.slice(0, 4)}`;
    assert.equal(await text(page, 'main h1'), `${monthName}: ${longDate(first)} to ${longDate(last)} - Overview`);
    const m = await apiIn(page, `/metrics?from=${first}&to=${addDays(last, 1)}`);
    assert.ok(m.totals.shifts_posted > 0, 'the demo has shifts last month');
    await assertCards(page, m.totals, monthName);
    // The form shows the choice made.
    assert.equal(await page.isChecked('#period-month'), true);
    assert.equal(await page.inputValue('#month'), String(+lastMonth.slice(5, 7)));
    await checkAccessibility(page, 'the overview for a month');

    // The month before, by its link, then back with the browser.
    const before = monthBefore(lastMonth);
    assert.equal(await text(page, '#period-previous .nhsuk-pagination__page'), `${MONTHS[+before.slice(5, 7) - 1]} ${before.slice(0, 4)}`);
    assert.equal(await text(page, '#period-next .nhsuk-pagination__page'), `${MONTHS[+thisMonth.slice(5, 7) - 1]} ${thisMonth.slice(0, 4)}`);
    await page.click('#period-previous');
    await rendered(page, `/overview?period=month&from=${before}-01&to=${lastDayOfMonth(before)}`);
    const mb = await apiIn(page, `/metrics?from=${before}-01&to=${addDays(lastDayOfMonth(before), 1)}`);
    assert.equal(await text(page, '#figure-shifts_posted'), count(mb.totals.shifts_posted));
    assert.match(await text(page, 'main h1'), new RegExp(`^${MONTHS[+before.slice(5, 7) - 1]} ${before.slice(0, 4)}: `));
    await page.goBack();
    await rendered(page, url);
    assert.equal(await text(page, '#figure-shifts_posted'), count(m.totals.shifts_posted));
    assertNoProblems(page);
  });

  test('a week, a quarter and a financial year are whole periods, whichever day is typed', async () => {
    await open(page, '/overview');
    // A week: any day in it gives Monday to Sunday. Today's week.
    await page.check('#period-week');
    await fillDate(page, 'week', today);
    await page.click('#show-figures');
    await page.waitForURL((u) => u.searchParams.get('period') === 'week');
    await page.waitForFunction(() => document.documentElement.dataset.rendered === location.pathname + location.search);
    const w = params(page);
    const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
    assert.deepEqual(w, { period: 'week', from: monday, to: addDays(monday, 6) });
    assert.match(await text(page, 'main h1'), new RegExp(`^Week beginning .*: ${longDate(monday)} to ${longDate(addDays(monday, 6))} - Overview$`));
    const mw = await apiIn(page, `/metrics?from=${monday}&to=${addDays(monday, 7)}`);
    await assertCards(page, mw.totals, 'this week');
    await checkAccessibility(page, 'the overview for a week');

    // A quarter of the financial year: this year's quarter 1 is April to June.
    const fy = +today.slice(5, 7) >= 4 ? +today.slice(0, 4) : +today.slice(0, 4) - 1;
    await page.check('#period-quarter');
    await page.selectOption('#quarter', '1');
    await page.selectOption('#quarter-year', String(fy));
    await page.click('#show-figures');
    await rendered(page, `/overview?period=quarter&from=${fy}-04-01&to=${fy}-06-30`);
    assert.match(await text(page, 'main h1'), new RegExp(`^Quarter 1 of ${fy}/${String((fy + 1) % 100).padStart(2, '0')} \\(April to June ${fy}\\): `));
    const mq = await apiIn(page, `/metrics?from=${fy}-04-01&to=${fy}-07-01`);
    await assertCards(page, mq.totals, 'quarter 1');
    // Its next quarter is July to September.
    assert.equal(await page.getAttribute('#period-next', 'href'), `/overview?period=quarter&from=${fy}-07-01&to=${fy}-09-30`);

    // The financial year: 1 April to 31 March.
    await page.check('#period-year');
    await page.selectOption('#fy', String(fy));
    await page.click('#show-figures');
    await rendered(page, `/overview?period=year&from=${fy}-04-01&to=${fy + 1}-03-31`);
    const my = await apiIn(page, `/metrics?from=${fy}-04-01&to=${fy + 1}-04-01`);
    await assertCards(page, my.totals, 'the financial year');
    assert.equal(await page.getAttribute('#period-previous', 'href'), `/overview?period=year&from=${fy - 1}-04-01&to=${fy}-03-31`);
    await page.setViewportSize(PHONE);
    await checkAccessibility(page, 'the overview for a financial year (phone)');
    await page.setViewportSize(DESKTOP);

    // An address with a period and any day in it shows the whole period.
    await open(page, `/overview?period=month&from=${lastMonth}-17`);
    assert.match(await text(page, 'main h1'), new RegExp(`: ${longDate(`${lastMonth}-01`)} to ${longDate(lastDayOfMonth(lastMonth))} - Overview$`));
    assertNoProblems(page);
  });

  test('a period longer than the server allows is refused in words, on the form and from an address', async () => {
    await open(page, '/overview?from=2026-04-01&to=2026-06-30');
    assert.equal(await page.isChecked('#period-custom'), true);
    await fillDate(page, 'from', '2020-01-01');
    await fillDate(page, 'to', '2025-01-04'); // 1,831 days, the first and last included
    await page.click('#show-figures');
    await page.waitForSelector('.nhsuk-error-summary');
    const message = 'The period must be at most 1,830 days (about 5 years): from 1 January 2020, the last day can be 3 January 2025 at the latest';
    assert.equal(await text(page, '.nhsuk-error-summary__list'), message);
    assert.equal(await text(page, '#to-error'), `Error: ${message}`);
    assert.equal(search(page), '?from=2026-04-01&to=2026-06-30', 'nothing was asked of the server');
    await checkAccessibility(page, 'the overview refusing a long period');
    // 1,830 days is allowed, and the figures are the API's.
    await fillDate(page, 'to', '2025-01-03');
    await page.click('#show-figures');
    await rendered(page, '/overview?from=2020-01-01&to=2025-01-03');
    const m = await apiIn(page, '/metrics?from=2020-01-01&to=2025-01-04');
    assert.equal(await text(page, '#figure-shifts_posted'), count(m.totals.shifts_posted));

    // The same from an address: the message, the form to put it right, no figures and no crash.
    await open(page, '/overview?from=2019-01-01&to=2026-12-31');
    assert.match(await text(page, '.nhsuk-error-summary'), /There is a problem The period must be at most 1,830 days \(about 5 years\): from 1 January 2019, the last day can be 4 January 2024 at the latest/);
    assert.equal(await page.$('#figures-shifts'), null);
    assert.equal(await page.isVisible('#to-day'), true);
    await open(page, '/overview?from=2026-06-30&to=2026-04-01');
    assert.match(await text(page, '.nhsuk-error-summary'), /The last day must be on or after the first day/);
    await page.setViewportSize(PHONE);
    await checkAccessibility(page, 'the overview refusing an address (phone)');
    await page.setViewportSize(DESKTOP);
    assertNoProblems(page);
  });

  test('a place leads to its PCNs and practices, a PCN to its practices, and the breadcrumb back up', async () => {
    const first = `${lastMonth}-01`, last = lastDayOfMonth(lastMonth), to = addDays(last, 1);
    const top = `/overview?period=month&from=${first}&to=${last}`;
    await open(page, top);
    const m = await apiIn(page, `/metrics?from=${first}&to=${to}`);
    const me = await apiIn(page, '/me');
    const icb = await apiIn(page, `/organisations/${me.roles.find((r) => r.role === 'commissioner').organisation_id}`);
    // The whole ICB: every place and PCN, each a link to its own view.
    await assertShiftsTable(page, 'table-place-shifts', m.by_place, 'the places');
    await assertShiftsTable(page, 'table-pcn-shifts', m.by_pcn, 'the PCNs');
    assert.deepEqual(await tableLinks(page, 'table-place-shifts'), m.by_place.map((r) => [r.name, `${top}&area=${r.organisation_id}`]));
    assert.equal(await page.$('#overview-breadcrumb'), null, 'no breadcrumb at the top');

    // A place with more than one PCN.
    const place = m.by_place.find((r) => m.by_pcn.filter((x) => x.parent_id === r.organisation_id).length > 1);
    assert.ok(place, 'the demo has a place with PCNs');
    await page.click(`#table-place-shifts a[href$="&area=${place.organisation_id}"]`);
    await rendered(page, `${top}&area=${place.organisation_id}`);
    assert.equal(await text(page, 'main h1'), `${MONTHS[+lastMonth.slice(5, 7) - 1]} ${lastMonth.slice(0, 4)}: ${longDate(first)} to ${longDate(last)} - Overview: ${place.name}`);
    assert.deepEqual(await page.$$eval('#overview-breadcrumb .nhsuk-breadcrumb__link', (as) => as.map((a) => [a.textContent.trim(), a.getAttribute('href')])),
      [[icb.name, top]]);
    await assertCards(page, place, place.name);
    assert.equal(await text(page, '#figure-clinicians_registered'), 'Not by area');
    assert.equal(await text(page, '#overview-area'),
      `The figures of ${place.name} (${place.ods_code}), a place in ${icb.name}. Clinicians join pools, not areas, so they are counted for ${icb.name} only.`);
    const placePcns = m.by_pcn.filter((r) => r.parent_id === place.organisation_id);
    await assertShiftsTable(page, 'table-pcn-shifts', placePcns, `the PCNs of ${place.name}`);
    const pcnIds = new Set(placePcns.map((r) => r.organisation_id));
    const placePractices = m.by_practice.filter((r) => r.parent_id === place.organisation_id || pcnIds.has(r.parent_id));
    await assertShiftsTable(page, 'table-practice-shifts', placePractices, `the practices of ${place.name}`);
    assert.equal(await page.$('#table-place-shifts'), null, 'no other places');
    assert.equal(await page.$('#table-profession'), null, 'clinicians are not counted by area');
    await checkAccessibility(page, 'the overview of a place');
    await screenshot(page, 'overview-place');

    // One of its PCNs: its practices.
    const pcn = placePcns[0];
    await page.click(`#table-pcn-shifts a[href$="&area=${pcn.organisation_id}"]`);
    await rendered(page, `${top}&area=${pcn.organisation_id}`);
    assert.match(await text(page, 'main h1'), new RegExp(`- Overview: ${pcn.name}$`));
    assert.deepEqual(await page.$$eval('#overview-breadcrumb .nhsuk-breadcrumb__link', (as) => as.map((a) => a.textContent.trim())), [icb.name, place.name]);
    await assertCards(page, pcn, pcn.name);
    const pcnPractices = m.by_practice.filter((r) => r.parent_id === pcn.organisation_id);
    assert.ok(pcnPractices.length > 0);
    await assertShiftsTable(page, 'table-practice-shifts', pcnPractices, `the practices of ${pcn.name}`);
    assert.equal(await page.$('#table-pcn-shifts'), null, 'no other PCNs');
    await checkAccessibility(page, 'the overview of a PCN');
    await page.setViewportSize(PHONE);
    // On a phone the breadcrumb is a link back to the place.
    assert.equal(await page.isVisible('#overview-breadcrumb .nhsuk-back-link'), true);
    assert.equal(await text(page, '#overview-breadcrumb .nhsuk-back-link'), `Back to ${place.name}`);
    await checkAccessibility(page, 'the overview of a PCN (phone)');
    await page.setViewportSize(DESKTOP);

    // A practice: its own figures, the breadcrumb up to its PCN.
    const practice = pcnPractices[0];
    await page.click(`#table-practice-shifts a[href$="&area=${practice.organisation_id}"]`);
    await rendered(page, `${top}&area=${practice.organisation_id}`);
    await assertCards(page, practice, practice.name);
    assert.deepEqual(await page.$$eval('#overview-breadcrumb .nhsuk-breadcrumb__link', (as) => as.map((a) => a.textContent.trim())), [icb.name, place.name, pcn.name]);
    // Back up to the place by the breadcrumb; another period keeps the area.
    await page.click(`#overview-breadcrumb .nhsuk-breadcrumb__link >> text=${place.name}`);
    await rendered(page, `${top}&area=${place.organisation_id}`);
    await page.click('#period-previous');
    const before = monthBefore(lastMonth);
    await rendered(page, `/overview?period=month&from=${before}-01&to=${lastDayOfMonth(before)}&area=${place.organisation_id}`);
    const mb = await apiIn(page, `/metrics?from=${before}-01&to=${addDays(lastDayOfMonth(before), 1)}`);
    await assertCards(page, mb.by_place.find((r) => r.organisation_id === place.organisation_id), `${place.name} the month before`);

    // An area that is not the reader's: said, and the whole scope shown.
    await open(page, `${top}&area=999999`);
    assert.match(await text(page, '#overview-area-missing'), /The area asked for is not one of yours/);
    await assertCards(page, m.totals, 'all areas');
    assertNoProblems(page);
  });

  test('the figures download as CSV and as a spreadsheet, the same as the API\'s', async () => {
    const first = `${lastMonth}-01`, last = lastDayOfMonth(lastMonth), to = addDays(last, 1);
    await open(page, `/overview?period=month&from=${first}&to=${last}`);
    const m = await apiIn(page, `/metrics?from=${first}&to=${to}`);
    assert.equal(await page.getAttribute('#download-csv', 'href'), `/api/v1/metrics.csv?from=${first}&to=${to}`);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    assert.equal(csv.suggestedFilename(), `figures-${first}-to-${last}.csv`);
    const rows = parseCsv(readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, ''));
    const head = rows[0];
    assert.deepEqual(head.slice(0, 8), ['level', 'organisation_id', 'parent_id', 'ods_code', 'name', 'shifts_posted', 'shifts_filled', 'fill_rate_percent']);
    const col = (row, name) => row[head.indexOf(name)];
    assert.equal(rows.length, 1 + 1 + m.by_place.length + m.by_pcn.length + m.by_practice.length, 'a row for the total and each area');
    const total = rows[1];
    assert.equal(col(total, 'level'), 'total');
    for (const k of ['shifts_posted', 'shifts_filled', 'unfilled', 'fees_agreed_pence', 'practices_registered', 'clinicians_registered']) {
      assert.equal(Number(col(total, k)), m.totals[k], `CSV total ${k}`);
    }
    assert.equal(col(total, 'fill_rate_percent'), m.totals.fill_rate_percent.toFixed(1));
    assert.deepEqual(rows.filter((r) => col(r, 'level') === 'place').map((r) => [col(r, 'name'), Number(col(r, 'shifts_posted'))]),
      m.by_place.map((r) => [r.name, r.shifts_posted]));

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#download-xlsx')]);
    assert.equal(xlsx.suggestedFilename(), `figures-${first}-to-${last}.xlsx`);
    const saved = join(mkdtempSync(join(tmpdir(), 'flexpool-overview-')), xlsx.suggestedFilename());
    await xlsx.saveAs(saved);
    const sheet = readXlsx(saved);
    assert.deepEqual(sheet[0], head, 'the same columns as the CSV');
    const xcol = (row, name) => row[sheet[0].indexOf(name)];
    assert.equal(xcol(sheet[1], 'level'), 'total');
    assert.equal(xcol(sheet[1], 'shifts_posted'), m.totals.shifts_posted);
    assert.equal(xcol(sheet[1], 'fees_agreed_gbp'), m.totals.fees_agreed_pence / 100);
    assert.equal(sheet.length, rows.length);
    assertNoProblems(page);
  });
});

describe('the trend over weeks or months', () => {
  let page;
  before(async () => { ({ page } = await signedInPage(browser, server, 'icb@demo.flexpool.test')); });
  after(() => page.context().close());

  // The page's name of a trend period (its first and last day): a whole month by its name.
  const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  const periodLabel = (a, b) => {
    if (a === b) return DAY.format(new Date(`${a}T00:00:00Z`));
    if (a.endsWith('-01') && b === lastDayOfMonth(a.slice(0, 7))) return `${MONTHS[+a.slice(5, 7) - 1]} ${a.slice(0, 4)}`;
    const [da, ma, ya] = DAY.format(new Date(`${a}T00:00:00Z`)).split(' ');
    const full = DAY.format(new Date(`${b}T00:00:00Z`));
    if (ya !== full.split(' ')[2]) return `${da} ${ma} ${ya} to ${full}`;
    return ma !== full.split(' ')[1] ? `${da} ${ma} to ${full}` : `${da} to ${full}`;
  };
  const chartValues = (id) => page.$$eval(`#${id} .fp-chart__row`, (rows) => rows.map((r) => [
    r.querySelector('.fp-chart__label').textContent.trim(), r.querySelector('.fp-chart__value').textContent.trim()]));

  test('a month is shown week by week, in charts and a table equal to the API\'s trend, and adds up to the month', async () => {
    const first = `${lastMonth}-01`, last = lastDayOfMonth(lastMonth), to = addDays(last, 1);
    const top = `/overview?period=month&from=${first}&to=${last}`;
    await open(page, top);
    const t = await apiIn(page, `/metrics/trend?from=${first}&to=${to}&by=week`);
    assert.equal(t.by, 'week');
    assert.ok(t.periods.length >= 5, 'a month touches five weeks or more');
    assert.equal(await text(page, '#trend'), 'Over time, by week');
    const labels = t.periods.map((x) => periodLabel(x.from, addDays(x.to, -1)));
    const icb = (await apiIn(page, '/me')).roles.find((r) => r.role === 'commissioner').organisation_id;
    const years = (await apiIn(page, `/organisations/${icb}/targets`)).years;
    assert.deepEqual(await tableRows(page, 'table-trend'), t.periods.map((x, i) => [labels[i], count(x.shifts_posted), count(x.shifts_filled),
      pct(x.fill_rate_percent), count(x.unfilled), money(x.fees_agreed_pence), ...targetCells(x, 'week', years)]));
    assert.deepEqual(await chartValues('chart-trend-shifts'), t.periods.map((x, i) => [labels[i], `${count(x.shifts_filled)} of ${count(x.shifts_posted)} (${pct(x.fill_rate_percent)})`]));
    assert.deepEqual(await chartValues('chart-trend-fees'), t.periods.map((x, i) => [labels[i], money(x.fees_agreed_pence)]));
    // The weeks cut to the month add up to the month's cards.
    const sum = (k) => t.periods.reduce((a, x) => a + x[k], 0);
    assert.equal(await text(page, '#figure-shifts_posted'), count(sum('shifts_posted')));
    assert.equal(await text(page, '#figure-fees_agreed_pence'), money(sum('fees_agreed_pence')));
    // Bars are decoration, hidden from screen readers: the values are the text beside them.
    assert.deepEqual(await page.$$eval('#chart-trend-shifts svg', (ss) => [...new Set(ss.map((x) => x.getAttribute('aria-hidden')))]), ['true']);
    await checkAccessibility(page, 'the trend by week');
    await page.setViewportSize(PHONE);
    await checkAccessibility(page, 'the trend by week (phone)');
    await screenshot(page, 'overview-trend-phone');
    await page.setViewportSize(DESKTOP);

    // Its downloads: a row a week, the API's figures.
    assert.equal(await page.getAttribute('#trend-csv', 'href'), `/api/v1/metrics/trend.csv?from=${first}&to=${to}&by=week`);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#trend-csv')]);
    assert.equal(csv.suggestedFilename(), `trend-${first}-to-${last}.csv`);
    const rows = parseCsv(readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, ''));
    const posted = rows[0].indexOf('shifts_posted'), fees = rows[0].indexOf('fees_agreed_pence');
    assert.ok(posted > 0 && fees > 0);
    assert.deepEqual(rows.slice(1).map((r) => [r[0], Number(r[posted]), Number(r[fees])]), t.periods.map((x) => [x.from, x.shifts_posted, x.fees_agreed_pence]));
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#trend-xlsx')]);
    assert.equal(xlsx.suggestedFilename(), `trend-${first}-to-${last}.xlsx`);
    const saved = join(mkdtempSync(join(tmpdir(), 'flexpool-overview-')), xlsx.suggestedFilename());
    await xlsx.saveAs(saved);
    const sheet = readXlsx(saved);
    assert.deepEqual(sheet[0], rows[0], 'the same columns as the CSV');
    assert.deepEqual(sheet.slice(1).map((r) => r[sheet[0].indexOf('shifts_posted')]), t.periods.map((x) => x.shifts_posted));

    // By month instead: the one month, as the API gives it.
    await page.click('#trend-by-month');
    await rendered(page, `${top}&by=month`);
    const tm = await apiIn(page, `/metrics/trend?from=${first}&to=${to}&by=month`);
    assert.equal(tm.periods.length, 1);
    assert.deepEqual(await tableRows(page, 'table-trend'), [[`${MONTHS[+lastMonth.slice(5, 7) - 1]} ${lastMonth.slice(0, 4)}`, count(tm.periods[0].shifts_posted),
      count(tm.periods[0].shifts_filled), pct(tm.periods[0].fill_rate_percent), count(tm.periods[0].unfilled), money(tm.periods[0].fees_agreed_pence),
      ...targetCells(tm.periods[0], 'month', years)]]);
    assert.equal(await page.getAttribute('#trend-csv', 'href'), `/api/v1/metrics/trend.csv?from=${first}&to=${to}&by=month`);
    assert.equal(await text(page, '#trend-by-week'), 'Show the trend by week instead');
    assertNoProblems(page);
  });

  test('a long period is shown month by month; one too long for a trend says so; an area shows its own trend', async () => {
    const fy = +today.slice(5, 7) >= 4 ? +today.slice(0, 4) : +today.slice(0, 4) - 1;
    await open(page, `/overview?period=year&from=${fy}-04-01&to=${fy + 1}-03-31`);
    const t = await apiIn(page, `/metrics/trend?from=${fy}-04-01&to=${fy + 1}-04-01`);
    assert.equal(t.by, 'month');
    assert.deepEqual((await tableRows(page, 'table-trend')).map((r) => [r[0], r[1]]),
      t.periods.map((x) => [`${MONTHS[+x.from.slice(5, 7) - 1]} ${x.from.slice(0, 4)}`, count(x.shifts_posted)]));
    assert.equal(t.periods.length, 12);
    // 53 weeks or so fit in a trend: the choice is offered.
    assert.equal(await page.isVisible('#trend-by-week'), true);
    await checkAccessibility(page, 'the trend by month');

    // Two years: 105 weeks or more are too many, so only months are offered.
    await open(page, '/overview?from=2024-01-01&to=2025-12-31');
    assert.equal((await tableRows(page, 'table-trend')).length, 24);
    assert.equal(await page.$('#trend-by-week'), null);
    // 1,830 days touch 61 months: no trend, in words, and the rest of the page as usual.
    await open(page, '/overview?from=2020-01-01&to=2025-01-03');
    assert.equal(await text(page, '#trend-too-long'), 'A trend has at most 60 weeks or months, and this period touches 61 months. Choose a shorter period to see one.');
    assert.equal(await page.$('#table-trend'), null);
    const m = await apiIn(page, '/metrics?from=2020-01-01&to=2025-01-04');
    assert.equal(await text(page, '#figure-shifts_posted'), count(m.totals.shifts_posted));

    // A place: its own trend (GET /metrics/trend?area=ID), week by week, its figures the place's
    // (the same as the place's row of the overview when added up), not held against the ICB's targets.
    const first = `${lastMonth}-01`, last = lastDayOfMonth(lastMonth);
    const mm = await apiIn(page, `/metrics?from=${first}&to=${addDays(last, 1)}`);
    const place = mm.by_place[0];
    await open(page, `/overview?period=month&from=${first}&to=${last}&area=${place.organisation_id}`);
    const pt = await apiIn(page, `/metrics/trend?from=${first}&to=${addDays(last, 1)}&by=week&area=${place.organisation_id}`);
    assert.equal(pt.area, place.organisation_id);
    assert.deepEqual((await tableRows(page, 'table-trend')).map((r) => [r[1], r[5]]),
      pt.periods.map((x) => [count(x.shifts_posted), money(x.fees_agreed_pence)]));
    assert.equal(pt.periods.reduce((n, x) => n + x.shifts_posted, 0), place.shifts_posted, 'the weeks add up to the place');
    assert.match(await text(page, '#trend-targets'), new RegExp(`the whole ICB's, not ${place.name}'s`));
    assert.equal(await page.getAttribute('#trend-csv', 'href'),
      `/api/v1/metrics/trend.csv?from=${first}&to=${addDays(last, 1)}&by=week&area=${place.organisation_id}`);
    await checkAccessibility(page, 'a place\'s trend');
    assertNoProblems(page);
  });
  test('the ICB\'s targets set through the API are drawn on the trend and said in its table, and why a period has none', async () => {
    const icb = (await apiIn(page, '/me')).roles.find((r) => r.role === 'commissioner').organisation_id;
    const token = await apiLogin(server, 'icb@demo.flexpool.test');
    const fy = yearOf(today);
    assert.deepEqual((await apiIn(page, `/organisations/${icb}/targets`)).years, [], 'the demo sets no targets');
    await apiCall(server, token, 'PUT', `/organisations/${icb}/targets/${fy}`, { fill_rate_percent: 85.5, spend_pence: 36500000 });
    try {
      // This financial year, month by month: every month is held against both.
      await open(page, `/overview?period=year&from=${fy}-04-01&to=${fy + 1}-03-31`);
      const t = await apiIn(page, `/metrics/trend?from=${fy}-04-01&to=${fy + 1}-04-01`);
      const years = (await apiIn(page, `/organisations/${icb}/targets`)).years;
      assert.equal(t.periods.length, 12);
      assert.ok(t.periods.every((x) => x.targets.fill_rate_percent === 85.5 && x.targets.fees_agreed_pence > 0), 'the server holds each month against the year\'s targets');
      assert.deepEqual(await page.$$eval('#table-trend thead th', (ths) => ths.map((x) => x.textContent.trim()).slice(-2)), ['Fill rate target', 'Spend target']);
      const cells = (await tableRows(page, 'table-trend')).map((r) => r.slice(6));
      assert.deepEqual(cells, t.periods.map((x) => targetCells(x, 'month', years)));
      const busy = t.periods.findIndex((x) => x.shifts_posted > 0), idle = t.periods.findIndex((x) => x.shifts_posted === 0);
      assert.equal(cells[busy][0], `85.5% (${t.periods[busy].targets.fill_rate_met ? 'met' : 'not met'})`);
      if (idle >= 0) assert.equal(cells[idle][0], '85.5% (not met: no shifts posted)');
      assert.ok(t.periods.some((x) => x.targets.fill_rate_met === false), 'some month of the demo is below 85.5%');
      // On the charts: a line across each bar with shifts (the shifts chart) and each bar (the fees
      // chart), the same words under each, and a key to the line.
      const withShifts = t.periods.filter((x) => x.shifts_posted > 0).length;
      assert.ok(withShifts > 0);
      assert.equal(await page.locator('#chart-trend-shifts .fp-chart__row .fp-chart__target-line').count(), withShifts);
      assert.equal(await page.locator('#chart-trend-fees .fp-chart__row .fp-chart__target-line').count(), 12);
      assert.deepEqual(await page.$$eval('#chart-trend-shifts .fp-chart__target', (xs) => xs.map((x) => x.textContent.trim())),
        cells.map(([fill]) => `Target ${fill}`));
      assert.deepEqual(await page.$$eval('#chart-trend-fees .fp-chart__target', (xs) => xs.map((x) => x.textContent.trim())),
        cells.map(([, spend]) => `Target ${spend}`));
      assert.match(await text(page, '#chart-trend-shifts .fp-chart__legend'), /The line across a bar marks the fill rate target/);
      assert.match(await text(page, '#chart-trend-fees .fp-chart__legend'), /marks the spend target's share for the period/);
      assert.match(await text(page, '#trend-targets'), /^Each month is held against the ICB's targets/);
      // Where each line is drawn: the filled part reaches the fill rate line in a month that meets
      // it, and the fees go past the spend line in a month over it (the server's decisions).
      const bars = (id) => page.$$eval(`#${id} .fp-chart__row`, (rows) => rows.map((r) => ({
        fill: parseFloat(r.querySelector('.fp-chart__fill').getAttribute('width')),
        mark: r.querySelector('.fp-chart__target-line') ? parseFloat(r.querySelector('.fp-chart__target-line').getAttribute('x1')) : null })));
      const shiftBars = await bars('chart-trend-shifts'), feeBars = await bars('chart-trend-fees');
      t.periods.forEach((x, i) => {
        if (shiftBars[i].mark !== null && Math.abs(shiftBars[i].fill - shiftBars[i].mark) > 0.3) {
          assert.equal(shiftBars[i].fill > shiftBars[i].mark, x.targets.fill_rate_met, `${x.from}: the fill rate line`);
        }
        if (Math.abs(feeBars[i].fill - feeBars[i].mark) > 0.3) {
          assert.equal(feeBars[i].fill < feeBars[i].mark, x.targets.fees_agreed_within, `${x.from}: the spend line`);
        }
      });
      await checkAccessibility(page, 'the trend against targets');
      await page.setViewportSize(PHONE);
      await checkAccessibility(page, 'the trend against targets (phone)');
      await screenshot(page, 'overview-trend-targets-phone');
      await page.setViewportSize(DESKTOP);

      // Weeks across the next 1 April: the week across it has no fill rate target, and the next
      // financial year none set; said in the table and under each bar, with no line drawn.
      const a = `${fy + 1}-03-16`, b = `${fy + 1}-04-19`;
      await open(page, `/overview?from=${a}&to=${b}`);
      const w = await apiIn(page, `/metrics/trend?from=${a}&to=${addDays(b, 1)}&by=week`);
      const weekCells = (await tableRows(page, 'table-trend')).map((r) => r.slice(6));
      assert.deepEqual(weekCells, w.periods.map((x) => targetCells(x, 'week', years)));
      const across = w.periods.findIndex((x) => yearOf(x.from) !== yearOf(addDays(x.to, -1)));
      assert.ok(across >= 0, 'a week holds 1 April');
      assert.deepEqual(weekCells[across], ['None: the week spans two financial years', `None set for ${yearName(fy + 1)}`]);
      assert.deepEqual(weekCells[weekCells.length - 1], [`None set for ${yearName(fy + 1)}`, `None set for ${yearName(fy + 1)}`]);
      assert.match(weekCells[0][0], /^85\.5% \((met|not met(: no shifts posted)?)\)$/);
      const weekTexts = await page.$$eval('#chart-trend-shifts .fp-chart__target', (xs) => xs.map((x) => x.textContent.trim()));
      assert.equal(weekTexts[across], 'No target: the week spans two financial years');
      assert.equal(await page.locator('#chart-trend-fees .fp-chart__row').nth(across).locator('.fp-chart__target-line').count(), 0, 'no line where there is no target');
      await checkAccessibility(page, 'the trend across two financial years');
      assertNoProblems(page);
    } finally {
      await apiCall(server, token, 'PUT', `/organisations/${icb}/targets/${fy}`, { fill_rate_percent: null, spend_pence: null });
    }
  });
});

describe('other readers of the overview', () => {
  test('a practice manager sees their practice\'s figures, with nothing to drill into', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test', { viewport: PHONE });
    const first = `${lastMonth}-01`, last = lastDayOfMonth(lastMonth);
    await open(page, `/overview?period=month&from=${first}&to=${last}`);
    const m = await apiIn(page, `/metrics?from=${first}&to=${addDays(last, 1)}`);
    assert.equal(m.by_practice.length, 1);
    await assertCards(page, m.totals, 'the practice');
    assert.equal(await text(page, '#overview-area'),
      `The figures of ${m.by_practice[0].name} (${m.by_practice[0].ods_code}), the only practice you can see, so there are no places or PCNs to compare.`);
    assert.equal(await page.$('#table-place-shifts'), null);
    assert.equal(await page.$('#table-pcn-shifts'), null);
    assert.equal(await page.$('#overview-reporting'), null, 'the pool\'s reports are not theirs');
    assert.equal(await page.getAttribute('#download-csv', 'href'), `/api/v1/metrics.csv?from=${first}&to=${addDays(last, 1)}`);
    await checkAccessibility(page, 'the overview of a practice manager (phone)');
    assertNoProblems(page);
    await page.context().close();
  });

  test('a pool administrator sees the pool\'s practices by place and PCN and drills down the same way', async () => {
    const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    const first = `${lastMonth}-01`, last = lastDayOfMonth(lastMonth);
    const top = `/overview?period=month&from=${first}&to=${last}`;
    await open(page, top);
    const m = await apiIn(page, `/metrics?from=${first}&to=${addDays(last, 1)}`);
    await assertCards(page, m.totals, 'the pool');
    await assertShiftsTable(page, 'table-place-shifts', m.by_place, 'the pool\'s places');
    const place = m.by_place[0];
    await page.click(`#table-place-shifts a[href$="&area=${place.organisation_id}"]`);
    await rendered(page, `${top}&area=${place.organisation_id}`);
    assert.deepEqual(await page.$$eval('#overview-breadcrumb .nhsuk-breadcrumb__link', (as) => as.map((a) => a.textContent.trim())), ['All areas']);
    await assertCards(page, place, place.name);
    await checkAccessibility(page, 'the overview of a place (pool administrator)');
    assertNoProblems(page);
    await page.context().close();
  });
});
