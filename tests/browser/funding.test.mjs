// Commissioner reporting (issue 14) in a real browser against the demo: the pool's funding for a
// financial year (its figures and entries equal to GET /pools/{id}/funding, the totals the sums of
// the entries shown, the demo's correction shown as one), the commissioner's form refusing what is
// not right in words without sending anything, a refusal of the server shown on its field, a
// spend and a correction recorded and the totals moved by exactly their amounts; the pool
// administrator reads the same page without the form. NHS England's pool return for a month chosen
// on the page equals GET /pools/{id}/return, its CSV download holds the same figures, printing shows
// only the return, a pool whose opening day was never recorded says so, and the pool administrator
// records it. axe on both pages at desktop and phone widths. No demo amount is written here: the
// demo's entries are dated from today, so every expected figure is read from the API.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  assertNoProblems, checkAccessibility, DESKTOP, fillDate, open, PASSWORD, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts, apiCall, apiLogin
} from './helpers.mjs';
import { parseCsv } from './helpers.mjs';

let server, browser;
const demo = {};
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();

const api = (token, method, path, body) => apiCall(server, token, method, path, body);
const login = (email) => apiLogin(server, email);

// The page's words for the API's figures.
const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2 });
const money = (pence) => (pence < 0 ? `\u2212${GBP.format(-pence / 100)}` : GBP.format(pence / 100));
const count = (n) => new Intl.NumberFormat('en-GB').format(n);
const hours = (x) => `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(x)} ${x === 1 ? 'hour' : 'hours'}`;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthName = (ym) => `${MONTHS[+ym.slice(5, 7) - 1]} ${ym.slice(0, 4)}`;
const dateText = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d)));
};
const monthShift = (ym, by) => {
  const d = new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7) - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};
const financialYearOf = (iso) => (+iso.slice(5, 7) >= 4 ? +iso.slice(0, 4) : +iso.slice(0, 4) - 1);
// "£1,234.56" or "−£34.56" back to pence.
const pence = (t) => {
  const n = Math.round(Number(t.replace(/[\u2212£,]/g, '')) * 100);
  return t.startsWith('\u2212') ? -n : n;
};

// The entries table as text: [date, kind, description, amount] a row (without the phone's labels).
const entryRows = (page) => page.$$eval('#funding-entries tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => {
  const c = td.cloneNode(true);
  c.querySelectorAll('.nhsuk-table-responsive__heading').forEach((x) => x.remove());
  return c.textContent.replace(/\s+/g, ' ').trim();
})));

// What the page says each entry is, from the API's entry.
const expectedRow = (e) => [dateText(e.on), `${e.kind === 'allocation' ? 'Allocation' : 'Spend'}${e.amount_pence < 0 ? ' Correction' : ''}`, e.description, money(e.amount_pence)];

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
  demo.icb = await login('icb@demo.flexpool.test');
  demo.admin = await login('pool@demo.flexpool.test');
  demo.sysadmin = await login('admin@demo.flexpool.test');
  const adminMe = await api(demo.admin, 'GET', '/me');
  demo.poolId = adminMe.roles.find((r) => r.role === 'pool_admin').pool_id;
  const icbMe = await api(demo.icb, 'GET', '/me');
  demo.icbId = icbMe.roles.find((r) => r.role === 'commissioner').organisation_id;
  demo.pool = await api(demo.icb, 'GET', `/pools/${demo.poolId}`);
  // A second pool in the commissioner's ICB, set up today and its opening day never recorded: the
  // pages offer a choice of pool, and its return says the day is the day it was set up.
  demo.second = await api(demo.sysadmin, 'POST', '/pools', { name: 'Calderdale Test Flexible Pool', host_organisation_id: demo.icbId });
  assert.equal(demo.second.icb_id, demo.icbId);
  assert.equal(demo.second.opened_on, null);
  demo.today = ukDateParts(0).iso;
  demo.thisYear = financialYearOf(demo.today);
});
after(() => stopServerAndBrowser(server, browser));

describe('pool funding', () => {
  let page;
  before(async () => { ({ page } = await signedInPage(browser, server, 'icb@demo.flexpool.test')); });
  after(() => page.context().close());

  test('the commissioner sees the year\'s figures, its entries and their totals, as the API gives them', async () => {
    await page.click('.nhsuk-header__navigation-link[href="/funding"]');
    await page.waitForFunction(() => document.documentElement.dataset.rendered === '/funding');
    const f = await api(demo.icb, 'GET', `/pools/${demo.poolId}/funding`);
    assert.equal(f.may_record, true);
    assert.equal(await text(page, 'main h1'), `${demo.pool.name} - Pool funding`);
    assert.equal(await text(page, '#funding-year'), `${f.financial_year} ${dateText(f.from)} to 31 March ${+f.to.slice(0, 4)}`);
    // Both pools of the ICB, the first chosen.
    assert.deepEqual(await page.$$eval('#funding-pool option', (os) => os.map((o) => o.textContent)), [demo.pool.name, demo.second.name]);
    assert.equal(await page.inputValue('#funding-pool'), String(demo.poolId));
    for (const [key, field] of [['allocated', 'allocated_pence'], ['spent', 'spent_pence'], ['remaining', 'remaining_pence'], ['forecast', 'forecast_spend_pence']]) {
      assert.equal(await text(page, `#funding-${key}`), money(f[field]), key);
    }
    assert.match(await text(page, '#funding-forecast-hint'), /carried on at the same rate|has not started|has ended/);
    // The entries, oldest first, and the totals are the sums of the amounts shown.
    const rows = await entryRows(page);
    assert.deepEqual(rows, f.entries.map(expectedRow));
    const sum = (kind) => rows.filter((r) => r[1].startsWith(kind)).reduce((a, r) => a + pence(r[3]), 0);
    assert.equal(sum('Allocation'), f.allocated_pence);
    assert.equal(sum('Spend'), f.spent_pence);
    assert.equal(await text(page, '#funding-total-allocation'), money(f.allocated_pence));
    assert.equal(await text(page, '#funding-total-spend'), money(f.spent_pence));
    assert.equal(await text(page, '#funding-total-remaining'), money(f.remaining_pence));
    assert.match(await text(page, 'main'), /Entries are never changed or deleted: a correction is an entry of its own, with a negative amount\./);
    await page.waitForSelector('#funding-form');
    await checkAccessibility(page, 'the pool\'s funding (commissioner)');
    await screenshot(page, 'funding-commissioner');

    // The year of the demo's correction (the third month after the pool opened), reached by the
    // years' links: a negative amount, said to be a correction.
    let year = demo.thisYear;
    for (; year >= demo.thisYear - 3; year--) {
      const y = await api(demo.icb, 'GET', `/pools/${demo.poolId}/funding?year=${year}`);
      if (y.entries.some((e) => e.amount_pence < 0)) break;
    }
    assert.ok(year >= demo.thisYear - 3, 'the demo records a correction');
    for (let y = demo.thisYear; y > year; y--) {
      await page.click('#funding-year-previous');
      await page.waitForFunction((want) => document.documentElement.dataset.rendered === `/funding?pool=${want.pool}&year=${want.year}`, { pool: demo.poolId, year: y - 1 });
    }
    const past = await api(demo.icb, 'GET', `/pools/${demo.poolId}/funding?year=${year}`);
    const pastRows = await entryRows(page);
    assert.deepEqual(pastRows, past.entries.map(expectedRow));
    const corrections = pastRows.filter((r) => r[3].startsWith('\u2212£'));
    assert.equal(corrections.length, past.entries.filter((e) => e.amount_pence < 0).length);
    assert.ok(corrections.every((r) => r[1].endsWith('Correction')));
    assert.equal(await text(page, '#funding-spent'), money(past.spent_pence));
    assert.equal(await text(page, '#funding-total-spend'), money(past.spent_pence));
    await screenshot(page, 'funding-commissioner-correction');
    assertNoProblems(page);
  });

  test('the form says in words what is not right and sends nothing; a refusal of the server is shown on its field', async () => {
    await open(page, '/funding');
    let sent = 0;
    const onRequest = (r) => { if (r.method() === 'POST' && r.url().includes('/funding')) sent++; };
    page.on('request', onRequest);
    await page.click('#record-funding');
    await page.waitForSelector('.nhsuk-error-summary');
    const messages = await page.$$eval('.nhsuk-error-summary li', (li) => li.map((x) => x.textContent.trim()));
    assert.deepEqual(messages, ['Select whether it is an allocation or spend', 'Enter the day it applies to', 'Enter the amount', 'Enter a description']);
    assert.deepEqual(await page.$$eval('.nhsuk-error-summary a', (a) => a.map((x) => x.getAttribute('href'))), ['#kind', '#on-day', '#amount', '#description']);
    await checkAccessibility(page, 'the funding form with its errors');
    await screenshot(page, 'funding-form-errors');

    // An amount of nothing, a date too far ahead, no description.
    await page.check('input[name="kind"][value="spend"]');
    await fillDate(page, 'on', ukDateParts(500).iso);
    await page.fill('#amount', '0.00');
    await page.click('#record-funding');
    await page.waitForFunction(() => /£0\.00/.test(document.querySelector('.nhsuk-error-summary')?.textContent || ''));
    assert.equal(await text(page, '#amount-error'), 'Error: The amount cannot be £0.00: enter what was allocated or spent, or a negative amount for a correction');
    assert.match(await text(page, '#on-error'), /^Error: The day it applies to must be no more than a year from today/);
    assert.equal(await text(page, '#description-error'), 'Error: Enter a description');
    assert.equal(await page.locator('#kind-error').isHidden(), true);
    await page.fill('#amount', '12.345');
    await page.click('#record-funding');
    await page.waitForFunction(() => /like 2800\.00/.test(document.getElementById('amount-error').textContent));
    assert.equal(sent, 0, 'nothing was sent');

    // Right in the form, refused by the server (as if the day were out of its range): in words, on the date.
    await fillDate(page, 'on', demo.today);
    await page.fill('#amount', '10');
    await page.fill('#description', 'Refused by the server');
    const refuse = (route) => (route.request().method() === 'POST'
      ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_field', field: 'on', message: "'on' must be a day from 2000 to a year from now" } }) })
      : route.continue());
    await page.route('**/api/v1/pools/*/funding', refuse);
    await page.click('#record-funding');
    await page.waitForFunction(() => !document.getElementById('on-error').hidden);
    await page.unroute('**/api/v1/pools/*/funding', refuse);
    assert.equal(sent, 1);
    assert.equal(await text(page, '#on-error'), 'Error: The day it applies to must be from 1 January 2000 to a year from today');
    assert.equal(await text(page, '.nhsuk-error-summary li'), 'The day it applies to must be from 1 January 2000 to a year from today');
    assert.equal(await page.getAttribute('.nhsuk-error-summary a', 'href'), '#on-day');
    page.off('request', onRequest);
    const f = await api(demo.icb, 'GET', `/pools/${demo.poolId}/funding`);
    assert.ok(!f.entries.some((e) => e.description === 'Refused by the server'), 'nothing was recorded');
    assertNoProblems(page);
  });

  test('a spend and a correction recorded through the form move the totals by exactly their amounts', async () => {
    await open(page, '/funding');
    const before = await api(demo.icb, 'GET', `/pools/${demo.poolId}/funding`);
    await page.check('input[name="kind"][value="spend"]');
    await fillDate(page, 'on', demo.today);
    await page.fill('#amount', '1,234.56');
    await page.fill('#description', 'Browser test: room hire for the pool\'s induction day');
    await page.click('#record-funding');
    await page.waitForSelector('.nhsuk-notification-banner--success');
    assert.equal(await text(page, '.nhsuk-notification-banner__heading'), 'Spend recorded');
    assert.match(await text(page, '.nhsuk-notification-banner--success'), new RegExp(`£1,234\\.56 on ${dateText(demo.today)}: Browser test: room hire`));
    const mid = await api(demo.icb, 'GET', `/pools/${demo.poolId}/funding`);
    assert.equal(mid.spent_pence, before.spent_pence + 123456);
    assert.equal(mid.remaining_pence, before.remaining_pence - 123456);
    assert.equal(mid.entries.length, before.entries.length + 1);
    assert.equal(await text(page, '#funding-spent'), money(before.spent_pence + 123456));
    assert.equal(await text(page, '#funding-remaining'), money(before.remaining_pence - 123456));
    assert.equal(await text(page, '#funding-allocated'), money(before.allocated_pence));
    assert.equal(await text(page, '#funding-total-spend'), money(before.spent_pence + 123456));
    assert.equal(await text(page, '#funding-forecast'), money(mid.forecast_spend_pence));
    assert.ok((await entryRows(page)).some((r) => r.join('|') === [dateText(demo.today), 'Spend', 'Browser test: room hire for the pool\'s induction day', '£1,234.56'].join('|')));
    assert.equal(await page.inputValue('#amount'), '', 'the form is empty again');
    await checkAccessibility(page, 'the funding page after recording a spend');
    await screenshot(page, 'funding-recorded');

    // A correction: a negative amount, typed with a minus sign.
    await page.check('input[name="kind"][value="spend"]');
    await fillDate(page, 'on', demo.today);
    await page.fill('#amount', '-34.56');
    await page.fill('#description', 'Correction: the room hire was over-charged');
    await page.click('#record-funding');
    await page.waitForFunction(() => document.querySelector('.nhsuk-notification-banner__heading')?.textContent === 'Correction to the spend recorded');
    assert.match(await text(page, '.nhsuk-notification-banner--success'), /\u2212£34\.56 on /);
    const after = await api(demo.icb, 'GET', `/pools/${demo.poolId}/funding`);
    assert.equal(after.spent_pence, before.spent_pence + 123456 - 3456);
    assert.equal(await text(page, '#funding-spent'), money(before.spent_pence + 120000));
    assert.equal(await text(page, '#funding-remaining'), money(before.remaining_pence - 120000));
    assert.equal(await text(page, '#funding-total-spend'), money(before.spent_pence + 120000));
    const rows = await entryRows(page);
    assert.deepEqual(rows, after.entries.map(expectedRow));
    assert.ok(rows.some((r) => r.join('|') === [dateText(demo.today), 'Spend Correction', 'Correction: the room hire was over-charged', money(-3456)].join('|')));
    assertNoProblems(page);
  });

  test('the pool administrator reads the funding, without the form', async () => {
    const { page: pa } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(pa, '/overview');
    assert.equal(await pa.getAttribute('#overview-funding-link', 'href'), '/funding');
    assert.equal(await pa.getAttribute('#overview-return-link', 'href'), '/return');
    await pa.click('#overview-funding-link');
    await pa.waitForFunction(() => document.documentElement.dataset.rendered === '/funding');
    const f = await api(demo.admin, 'GET', `/pools/${demo.poolId}/funding`);
    assert.equal(f.may_record, false);
    assert.equal(await pa.locator('#funding-form').count(), 0, 'no form');
    assert.equal(await pa.locator('#funding-pool').count(), 0, 'one pool: no choice');
    assert.match(await text(pa, '#funding-read-only'), /The commissioners of the pool's ICB record its allocations and spend/);
    assert.equal(await text(pa, '#funding-allocated'), money(f.allocated_pence));
    assert.equal(await text(pa, '#funding-spent'), money(f.spent_pence));
    assert.equal(await text(pa, '#funding-remaining'), money(f.remaining_pence));
    assert.deepEqual(await entryRows(pa), f.entries.map(expectedRow));
    assert.equal(await pa.getAttribute('.nhsuk-header__navigation-link[href="/funding"]', 'aria-current'), 'page');
    assert.equal(await pa.locator('.nhsuk-header__navigation-link[href="/return"]').count(), 1);
    await checkAccessibility(pa, 'the pool\'s funding (pool administrator)');
    await screenshot(pa, 'funding-pool-admin');
    assertNoProblems(pa);
    await pa.context().close();
  });
});

describe('the NHS England pool return', () => {
  let page;
  before(async () => { ({ page } = await signedInPage(browser, server, 'icb@demo.flexpool.test')); });
  after(() => page.context().close());

  const KEYS = ['opened_on', 'gps_registered', 'gps_onboarded', 'practices_registered', 'practices_onboarded', 'clinical_hours_month',
    'clinical_hours_year_to_date', 'funding_pence', 'spend_month_pence', 'spend_year_to_date_pence', 'funding_remaining_pence'];
  const shown = (r, key) => {
    if (key === 'opened_on') return dateText(r.opened_on);
    if (key.startsWith('clinical_hours')) return hours(r[key]);
    if (key.endsWith('_pence')) return money(r[key]);
    return count(r[key]);
  };

  test('a month chosen on the page shows the API\'s figures in NHS England\'s order, and downloads them as CSV', async () => {
    await open(page, '/overview');
    await page.click('#overview-return-link');
    await page.waitForFunction(() => document.documentElement.dataset.rendered === '/return');
    const thisMonth = demo.today.slice(0, 7);
    const lastMonth = monthShift(thisMonth, -1);
    assert.equal(await text(page, '#pool-return-heading'), `The return for ${monthName(lastMonth)} ${demo.pool.name}, financial year ${(await api(demo.icb, 'GET', `/pools/${demo.poolId}/return`)).financial_year}`);

    // A month to come is refused in words; then two months ago, chosen with the month and year.
    const next = monthShift(thisMonth, 1);
    await page.selectOption('#return-month', String(+next.slice(5, 7)));
    await page.fill('#return-year', next.slice(0, 4));
    await page.click('#show-return');
    await page.waitForSelector('.nhsuk-error-summary');
    assert.equal(await text(page, '#return-year-error'), `Error: The month of the return must be ${monthName(thisMonth)} or earlier: there are no figures for a month to come`);
    const month = monthShift(thisMonth, -2);
    await page.selectOption('#return-month', String(+month.slice(5, 7)));
    await page.fill('#return-year', month.slice(0, 4));
    await page.click('#show-return');
    await page.waitForFunction((m) => document.documentElement.dataset.rendered === `/return?pool=${m.pool}&month=${m.month}`, { pool: demo.poolId, month });
    const r = await api(demo.icb, 'GET', `/pools/${demo.poolId}/return?month=${month}`);
    assert.equal(r.month, month);
    const labels = await page.$$eval('#pool-return .nhsuk-summary-list__key', (ks) => ks.map((k) => k.textContent.trim()));
    assert.deepEqual(labels, ['Date the pool first became available', 'GPs registered', 'GPs who completed onboarding', 'Practices registered',
      'Practices that completed onboarding', `Hours of clinical work in ${monthName(month)}`, `Hours of clinical work in ${r.financial_year} to the end of ${monthName(month)}`,
      `Funding for ${r.financial_year}`, `Spend in ${monthName(month)}`, `Spend in ${r.financial_year} to the end of ${monthName(month)}`, 'Funding remaining']);
    for (const key of KEYS) assert.equal(await text(page, `#return-${key}`), shown(r, key), key);
    assert.equal(r.opened_on_recorded, true);
    assert.equal(await page.locator('#return-opened_on-note').count(), 0, 'recorded: no note');

    // The CSV: the same figures, in the documented columns.
    assert.equal(await page.getAttribute('#return-csv', 'href'), `/api/v1/pools/${demo.poolId}/return.csv?month=${month}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#return-csv')]);
    assert.equal(download.suggestedFilename(), `pool-${demo.poolId}-return-${month}.csv`);
    const raw = readFileSync(await download.path(), 'utf8');
    assert.ok(raw.startsWith('\uFEFF'), 'UTF-8 with a byte-order mark');
    const csv = parseCsv(raw.slice(1));
    assert.equal(csv.length, 2, 'a header and one row');
    assert.deepEqual(csv[0], ['pool_id', 'pool_name', 'month', 'opened_on', 'opened_on_recorded', 'gps_registered', 'gps_onboarded', 'practices_registered', 'practices_onboarded',
      'clinical_hours_month', 'clinical_hours_year_to_date', 'financial_year', 'funding_pence', 'funding_gbp', 'spend_month_pence', 'spend_month_gbp',
      'spend_year_to_date_pence', 'spend_year_to_date_gbp', 'funding_remaining_pence', 'funding_remaining_gbp']);
    const row = Object.fromEntries(csv[0].map((k, i) => [k, csv[1][i]]));
    assert.deepEqual(row, {
      pool_id: String(r.pool_id), pool_name: r.pool_name, month, opened_on: r.opened_on, opened_on_recorded: String(r.opened_on_recorded),
      gps_registered: String(r.gps_registered), gps_onboarded: String(r.gps_onboarded),
      practices_registered: String(r.practices_registered), practices_onboarded: String(r.practices_onboarded),
      clinical_hours_month: r.clinical_hours_month.toFixed(2), clinical_hours_year_to_date: r.clinical_hours_year_to_date.toFixed(2),
      financial_year: r.financial_year, funding_pence: String(r.funding_pence), funding_gbp: (r.funding_pence / 100).toFixed(2),
      spend_month_pence: String(r.spend_month_pence), spend_month_gbp: (r.spend_month_pence / 100).toFixed(2),
      spend_year_to_date_pence: String(r.spend_year_to_date_pence), spend_year_to_date_gbp: (r.spend_year_to_date_pence / 100).toFixed(2),
      funding_remaining_pence: String(r.funding_remaining_pence), funding_remaining_gbp: (r.funding_remaining_pence / 100).toFixed(2),
    });
    await checkAccessibility(page, 'the NHS England pool return (commissioner)');
    await screenshot(page, 'return-commissioner');

    // Print: the button prints, and the printed page is the return alone.
    await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
    await page.click('#print-return');
    assert.equal(await page.evaluate(() => window.printed), 1);
    await page.emulateMedia({ media: 'print' });
    for (const hidden of ['#fp-header', '#return-month-form', '#print-return', '#return-csv', '.nhsuk-pagination', '.nhsuk-footer']) {
      assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is not printed`);
    }
    for (const shownThere of ['main h1', '#pool-return', '#return-funding_remaining_pence']) assert.equal(await page.locator(shownThere).isVisible(), true, `${shownThere} is printed`);
    await screenshot(page, 'return-print');
    await page.emulateMedia({ media: 'screen' });
    assert.equal(await page.locator('#fp-header').isVisible(), true);

    // The month before, by its link.
    await page.click('#return-month-previous');
    const before = monthShift(month, -1);
    await page.waitForFunction((want) => document.documentElement.dataset.rendered.endsWith(`month=${want}`), before);
    const rb = await api(demo.icb, 'GET', `/pools/${demo.poolId}/return?month=${before}`);
    for (const key of KEYS) assert.equal(await text(page, `#return-${key}`), shown(rb, key), `${key} of ${before}`);
    assertNoProblems(page);
  });

  test('a pool whose opening day was never recorded says the day shown is the day it was set up', async () => {
    await open(page, `/return?pool=${demo.second.id}`);
    const r = await api(demo.icb, 'GET', `/pools/${demo.second.id}/return`);
    assert.equal(r.opened_on_recorded, false);
    assert.equal(await page.inputValue('#return-pool'), String(demo.second.id));
    assert.equal(await text(page, '#return-opened_on'), dateText(r.opened_on));
    assert.match(await text(page, '#return-opened_on-note'), /^Not recorded: this is the day the pool was set up in flexpool\./);
    for (const key of KEYS) assert.equal(await text(page, `#return-${key}`), shown(r, key), key);
    assert.equal(await page.locator('#opened-on-form').count(), 0, 'a commissioner does not record it');
    // Its funding: nothing yet, and the form to record some.
    await open(page, `/funding?pool=${demo.second.id}`);
    assert.match(await text(page, '#funding-empty'), /^No allocation or spend is recorded for /);
    assert.equal(await text(page, '#funding-allocated'), money(0));
    assert.equal(await page.locator('#funding-form').count(), 1);
    assertNoProblems(page);
  });

  test('the pool administrator records the day the pool opened', async () => {
    const { page: pa } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(pa, '/return');
    assert.equal(await pa.locator('#return-pool').count(), 0);
    const day = ukDateParts(-400).iso;
    await pa.click('#opened-on-details summary');
    await fillDate(pa, 'opened_on', ukDateParts(3).iso);
    await pa.click('#save-opened-on');
    await pa.waitForSelector('.nhsuk-error-summary');
    assert.equal(await text(pa, '#opened_on-error'), 'Error: The day the pool first became available must be today or earlier');
    await checkAccessibility(pa, 'the return with the opening day refused');
    await fillDate(pa, 'opened_on', day);
    await pa.click('#save-opened-on');
    await pa.waitForSelector('.nhsuk-notification-banner--success');
    assert.equal(await text(pa, '#return-opened_on'), dateText(day));
    assert.equal((await api(demo.admin, 'GET', `/pools/${demo.poolId}`)).opened_on, day);
    const r = await api(demo.admin, 'GET', `/pools/${demo.poolId}/return`);
    assert.equal(r.opened_on, day);
    assert.equal(r.opened_on_recorded, true);
    await checkAccessibility(pa, 'the return (pool administrator)');
    await screenshot(pa, 'return-pool-admin');
    assertNoProblems(pa);
    await pa.context().close();
  });
});

describe('axe on both pages at desktop and phone widths', () => {
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    for (const [who, email] of [['commissioner', 'icb@demo.flexpool.test'], ['pool-admin', 'pool@demo.flexpool.test']]) {
      test(`${who} at ${label} width`, async () => {
        const { page } = await signedInPage(browser, server, email, { viewport });
        for (const path of ['/funding', '/return']) {
          await open(page, path);
          assert.ok((await text(page, 'main h1')).length > 0);
          await checkAccessibility(page, `${path} (${who}, ${label})`);
          await screenshot(page, `${path.slice(1)}-${who}-${label}`);
        }
        assertNoProblems(page);
        await page.context().close();
      });
    }
  }
});

describe('the pools a commissioner chooses from', () => {
  test('the capacity and funding pages offer the pools of the commissioner\'s own ICB, never another ICB\'s', async () => {
    // Another ICB with a pool of its own.
    const other = await api(demo.sysadmin, 'POST', '/organisations', { level: 'icb', ods_code: 'Q8Y', name: 'NHS Elsewhere ICB' });
    const theirs = await api(demo.sysadmin, 'POST', '/pools', { name: 'Elsewhere Flexible Pool', host_organisation_id: other.id });
    assert.equal(theirs.icb_id, other.id);
    const { page } = await signedInPage(browser, server, 'icb@demo.flexpool.test');
    const options = (selector) => page.$$eval(`${selector} option`, (os) => os.map((o) => Number(o.value)).sort((a, b) => a - b));
    const ours = [demo.poolId, demo.second.id].sort((a, b) => a - b);
    await open(page, '/capacity');
    assert.deepEqual(await options('#capacity-pool'), ours);
    await open(page, '/funding');
    assert.deepEqual(await options('#funding-pool'), ours);
    await open(page, `/capacity?pool=${theirs.id}`);
    assert.notEqual(Number(await page.inputValue('#capacity-pool')), theirs.id, 'another ICB\'s pool is not shown even when asked for');
    assertNoProblems(page);
    await page.context().close();
  });
});
