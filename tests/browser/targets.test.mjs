// The ICB's targets (issue 14; docs/METRICS.md, "Targets") in a real browser against the demo: the
// commissioner's overview says why a period has no target, the form sets a financial year's fill
// rate and spend targets (refusing values the server would refuse, before anything is sent, and
// showing the server's own refusal on its field), and the overview then holds the period against
// them exactly as GET /api/v1/metrics decides (met or not met, within or over). A practice manager
// sees neither the section nor the form. axe at desktop and phone widths. Every expected figure is
// read from the API (the demo's data are dated from today).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiIn, assertNoProblems, checkAccessibility, DESKTOP, open, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

let server, browser;
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();

const GBP = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2 });
const money = (pence) => GBP.format(pence / 100);
const pct = (x) => `${x.toFixed(1)}%`;
const addDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
const daysBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400e3);
const lastDayOfMonth = (ym) => new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7), 0)).toISOString().slice(0, 10);
const yearName = (y) => `${y}/${String((y + 1) % 100).padStart(2, '0')}`;


// Waits for the app to have drawn a page at `pathname` (whatever its query).
const renderedAt = (page, pathname) => page.waitForFunction((p) => location.pathname === p
  && document.documentElement.dataset.rendered === location.pathname + location.search, pathname);
const rendered = (page, url) => page.waitForFunction((u) => document.documentElement.dataset.rendered === u, url);

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
});
after(() => stopServerAndBrowser(server, browser));

const today = ukDateParts(0).iso;
const fy = +today.slice(5, 7) >= 4 ? +today.slice(0, 4) : +today.slice(0, 4) - 1; // this financial year
const fyName = yearName(fy);
const thisMonth = today.slice(0, 7);
const first = `${thisMonth}-01`, last = lastDayOfMonth(thisMonth), to = addDays(last, 1);
const top = `/overview?period=month&from=${first}&to=${last}`; // always within this financial year
const daysInYear = daysBetween(`${fy}-04-01`, `${fy + 1}-04-01`);
const daysInMonth = daysBetween(first, to);

describe('the commissioner\'s targets', () => {
  let page, icb;
  before(async () => {
    ({ page } = await signedInPage(browser, server, 'icb@demo.flexpool.test'));
    icb = (await apiIn(page, '/me')).roles.find((r) => r.role === 'commissioner').organisation_id;
  });
  after(() => page.context().close());

  // What the overview says of the period against the server's answer m (GET /metrics) and the
  // year's spend target: the server's met / within, never the test's own sum.
  const expectedFill = (m) => `${pct(m.totals.fill_rate_percent)} against a target of ${pct(m.targets.fill_rate_percent)}: ${m.targets.fill_rate_met ? 'Met' : 'Not met'}`;
  const expectedSpend = (m, yearPence) => `${money(m.totals.fees_agreed_pence)} against ${money(m.targets.fees_agreed_pence)} for this period `
    + `(the year's ${money(yearPence)} by days): ${m.targets.fees_agreed_within ? 'Within' : 'Over'}`;

  // Sets the targets through the form reached from the overview's link, and waits for the overview.
  async function setThroughForm(fill, spend) {
    await page.click('#targets-set-link');
    await renderedAt(page, '/overview/targets');
    assert.equal(await page.inputValue('#year'), String(fy), 'the form opens on the period\'s financial year');
    await page.fill('#fill_rate', fill);
    await page.fill('#spend', spend);
    await page.click('#save-targets');
    await rendered(page, top);
    assert.equal(await text(page, '.nhsuk-notification-banner__heading'), `Targets saved for ${fyName}`);
  }

  test('the overview says plainly that there is no target, and a bad value in the form is refused before anything is sent', async () => {
    await open(page, top);
    const m = await apiIn(page, `/metrics?from=${first}&to=${to}`);
    assert.deepEqual(m.targets, { icb_id: icb, fill_rate_percent: null, fill_rate_met: null, fees_agreed_pence: null, fees_agreed_within: null,
      financial_years: [fyName], fill_rate_none: 'not_set', fees_agreed_missing_years: [fyName] },
    'the demo sets no targets, and the server says why there are none');
    assert.equal(await text(page, '#target-fill'), `No fill rate target set for ${fyName}.`);
    assert.equal(await text(page, '#target-spend'), `No spend target set for ${fyName}.`);
    // The rule is said on the page.
    assert.match(await text(page, '#targets-rule'), /Targets are set for each financial year, 1 April to 31 March\./);
    assert.match(await text(page, '#targets-rule'), /pro rata by days/);
    assert.equal(await text(page, '#targets-set-link'), `Set the targets for ${fyName}`);

    await page.click('#targets-set-link');
    await renderedAt(page, '/overview/targets');
    assert.equal(new URL(page.url()).searchParams.get('back'), top, 'the form knows the way back');
    assert.equal(await page.inputValue('#year'), String(fy));
    assert.deepEqual(await page.$$eval('#year option', (os) => os.map((o) => o.textContent)),
      [`${yearName(fy - 1)} (last financial year)`, `${fyName} (this financial year)`, `${yearName(fy + 1)} (next financial year)`]);
    assert.equal(await page.inputValue('#fill_rate'), '');
    assert.equal(await page.inputValue('#spend'), '');
    // The rule before submitting, in the fields' hints.
    assert.match(await text(page, '#fill_rate-hint'), /at most one decimal place/);
    assert.match(await text(page, '#spend-hint'), /pro rata by days/);

    // Two decimal places of a per cent, and a third decimal place of a pound: refused on the page.
    const puts = [];
    const onRequest = (r) => { if (r.method() === 'PUT') puts.push(r.url()); };
    page.on('request', onRequest);
    await page.fill('#fill_rate', '85.55');
    await page.fill('#spend', '14600.505');
    await page.click('#save-targets');
    await page.waitForSelector('.nhsuk-error-summary');
    const fillMessage = 'The fill rate target can have at most one decimal place, like 85.5';
    const spendMessage = 'The spend target can have at most 2 decimal places (pence), like 14600.50';
    assert.deepEqual(await page.$$eval('.nhsuk-error-summary__list a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')])),
      [[fillMessage, '#fill_rate'], [spendMessage, '#spend']]);
    assert.equal(await text(page, '#fill_rate-error'), `Error: ${fillMessage}`);
    assert.equal(await text(page, '#spend-error'), `Error: ${spendMessage}`);
    assert.equal(await page.isVisible('#fill_rate-error'), true);
    assert.equal(new URL(page.url()).pathname, '/overview/targets', 'still on the form');
    assert.deepEqual(puts, [], 'nothing was sent');
    page.off('request', onRequest);
    assert.deepEqual((await apiIn(page, `/organisations/${icb}/targets`)).years, [], 'nothing changed');
    await checkAccessibility(page, 'the targets form refusing values');
    await page.setViewportSize(PHONE);
    await checkAccessibility(page, 'the targets form refusing values (phone)');
    await screenshot(page, 'targets-form-errors-phone');
    await page.setViewportSize(DESKTOP);
    // Put right, the messages go as you type.
    await page.fill('#fill_rate', '85.5');
    await page.press('#fill_rate', 'Tab');
    assert.equal(await page.isVisible('#fill_rate-error'), false);

    // The server's own refusal goes on the field it names (answered here by the test, since the
    // page refuses everything the server would).
    await page.fill('#spend', '14600');
    await page.route('**/api/v1/organisations/*/targets/*', (route) => route.fulfill({
      status: 400, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid_field', message: '\'spend_pence\' must be between 0 and 1000000000000', field: 'spend_pence' } }),
    }));
    await page.click('#save-targets');
    await page.waitForSelector('#spend-error:not([hidden])');
    assert.equal(await text(page, '#spend-error'), 'Error: Spend pence must be between 0 and 1000000000000.');
    assert.equal(await text(page, '.nhsuk-error-summary__list'), 'Spend pence must be between 0 and 1000000000000.');
    await page.unrouteAll();
    assert.deepEqual((await apiIn(page, `/organisations/${icb}/targets`)).years, [], 'still nothing changed');
    assertNoProblems(page);
  });

  test('targets set through the form are held against the period as the server decides: met and over, then not met and within', async () => {
    await open(page, top);
    const m0 = await apiIn(page, `/metrics?from=${first}&to=${to}`);
    const rate = m0.totals.fill_rate_percent, fees = m0.totals.fees_agreed_pence;
    assert.ok(m0.totals.shifts_posted > 0 && rate > 0 && rate < 100 && fees > 0, 'the demo has shifts, some filled, this month');

    // The month's own fill rate as the target (at or above it is met), and a spend target whose
    // share for the month is about half the fees agreed (over). Pence typed exactly.
    const overPounds = Math.floor((fees * daysInYear) / daysInMonth / 2 / 100);
    await setThroughForm(rate.toFixed(1), `${overPounds.toLocaleString('en-GB')}.07`);
    const saved = (await apiIn(page, `/organisations/${icb}/targets`)).years;
    assert.deepEqual(saved.map((x) => [x.year, x.financial_year, x.fill_rate_percent, x.spend_pence]), [[fy, fyName, rate, overPounds * 100 + 7]]);
    const m1 = await apiIn(page, `/metrics?from=${first}&to=${to}`);
    assert.equal(m1.targets.fill_rate_percent, rate);
    assert.equal(m1.targets.fill_rate_met, true, 'the server: a fill rate at its target meets it');
    assert.equal(m1.targets.fees_agreed_within, false, 'the server: fees of twice the share are over it');
    assert.equal(await text(page, '#target-fill'), expectedFill(m1));
    assert.equal(await text(page, '#target-spend'), expectedSpend(m1, overPounds * 100 + 7));
    assert.equal(await page.getAttribute('#target-fill .nhsuk-tag', 'class'), 'nhsuk-tag nhsuk-tag--green');
    assert.equal(await page.getAttribute('#target-spend .nhsuk-tag', 'class'), 'nhsuk-tag nhsuk-tag--red');
    assert.equal(await text(page, '#targets-set-link'), `Change the targets for ${fyName}`);
    await checkAccessibility(page, 'the overview against targets');
    await screenshot(page, 'overview-targets');

    // The form again, prefilled with what is set: a tenth above the month's rate (not met) and a
    // spend target whose share is about twice the fees agreed (within).
    await page.click('#targets-set-link');
    await renderedAt(page, '/overview/targets');
    assert.equal(await page.inputValue('#fill_rate'), rate.toFixed(1));
    assert.equal(await page.inputValue('#spend'), `${overPounds}.07`);
    assert.match(await text(page, '#targets-table'), new RegExp(`${fyName} ${pct(rate).replace('.', '\\.')} ${money(overPounds * 100 + 7).replace(/[.$]/g, '\\$&')}`));
    await page.goBack();
    await rendered(page, top);
    const withinPounds = Math.ceil((fees * daysInYear * 2) / daysInMonth / 100);
    await setThroughForm((rate + 0.1).toFixed(1), String(withinPounds));
    const m2 = await apiIn(page, `/metrics?from=${first}&to=${to}`);
    assert.equal(m2.targets.fill_rate_met, false, 'the server: below the target is not met');
    assert.equal(m2.targets.fees_agreed_within, true, 'the server: fees of half the share are within it');
    assert.equal(await text(page, '#target-fill'), expectedFill(m2));
    assert.equal(await text(page, '#target-spend'), expectedSpend(m2, withinPounds * 100));
    assert.equal(await page.getAttribute('#target-fill .nhsuk-tag', 'class'), 'nhsuk-tag nhsuk-tag--red');
    await checkAccessibility(page, 'the overview against targets, not met');
    await page.setViewportSize(PHONE);
    await checkAccessibility(page, 'the overview against targets (phone)');
    await page.setViewportSize(DESKTOP);
    assertNoProblems(page);
  });

  test('a period across two financial years says why it has no fill rate target, and which year lacks a spend target', async () => {
    const a = `${fy + 1}-03-01`, b = `${fy + 1}-04-30`;
    await open(page, `/overview?from=${a}&to=${b}`);
    const m = await apiIn(page, `/metrics?from=${a}&to=${addDays(b, 1)}`);
    const years = (await apiIn(page, `/organisations/${icb}/targets`)).years;
    assert.equal(m.targets.fill_rate_percent, null);
    assert.equal(m.targets.fees_agreed_pence, null);
    assert.ok(!years.some((x) => x.year === fy + 1), `${yearName(fy + 1)} has no targets`);
    const spans = `This period spans two financial years (${fyName} and ${yearName(fy + 1)})`;
    assert.equal(await text(page, '#target-fill'), `${spans}: fill rate targets are set per financial year, so there is none for a period across them.`);
    const missing = [fy, fy + 1].filter((y) => !years.some((x) => x.year === y && x.spend_pence !== null)).map(yearName);
    assert.equal(await text(page, '#target-spend'), `No spend target set for ${missing.join(' and ')}. ${spans}: it has a spend target only when each of them has one.`);
    // The link offers the first year without both targets.
    const lacking = [fy, fy + 1].find((y) => !years.some((x) => x.year === y && x.fill_rate_percent !== null && x.spend_pence !== null));
    assert.equal(await text(page, '#targets-set-link'), `Set the targets for ${yearName(lacking)}`);
    assertNoProblems(page);
  });
});

describe('a practice manager', () => {
  test('sees no targets on the overview, and may not use the targets form', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(page, top);
    const m = await apiIn(page, `/metrics?from=${first}&to=${to}`);
    assert.equal(m.targets, null, 'the server holds a practice\'s figures against no target');
    assert.ok(await page.$('#figures-shifts'), 'the overview is drawn');
    assert.equal(await page.$('#overview-targets'), null);
    assert.equal(await page.$('#targets-set-link'), null);
    assert.doesNotMatch(await text(page, 'main'), /target/i);
    await open(page, `/overview/targets?year=${fy}`);
    assert.equal(await text(page, 'main h1'), 'You cannot use this page');
    assert.equal(await page.$('#targets-form'), null);
    assertNoProblems(page);
    await page.context().close();
  });
});

describe('a system administrator', () => {
  test('chooses an ICB and sets its targets through the same form', async () => {
    const { page } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
    const icb = (await apiIn(page, '/organisations?level=icb&limit=200')).items[0];
    await open(page, top);
    assert.match(await text(page, '#targets-none'), /not held against targets/);
    await Promise.all([renderedAt(page, '/overview/targets'), page.click('#targets-admin-link')]);
    assert.match(await text(page, 'main'), /choose the ICB/);
    const choice = page.locator('#targets-icbs a', { hasText: icb.name });
    assert.equal(await choice.count(), 1, 'the demo ICB is among the choices');
    await checkAccessibility(page, 'the ICBs to set targets for');
    await Promise.all([page.waitForFunction(() => /[?&]icb=/.test(location.search)
      && document.documentElement.dataset.rendered === location.pathname + location.search), choice.click()]);
    assert.match(await text(page, 'main h1'), new RegExp(icb.name));
    // Next financial year's, so as not to touch the commissioner's above.
    await page.selectOption('#year', String(fy + 1));
    await page.fill('#fill_rate', '90');
    await page.fill('#spend', '50,000');
    await checkAccessibility(page, 'the targets form as a system administrator');
    await page.setViewportSize(PHONE);
    await checkAccessibility(page, 'the targets form as a system administrator (phone)');
    await page.setViewportSize(DESKTOP);
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/organisations/${icb.id}/targets/${fy + 1}`));
    await page.click('#save-targets');
    assert.equal((await saved).status(), 200);
    await renderedAt(page, '/overview');
    const years = (await apiIn(page, `/organisations/${icb.id}/targets`)).years;
    const next = years.find((y) => y.year === fy + 1);
    assert.ok(next, `${yearName(fy + 1)} has targets`);
    assert.equal(next.fill_rate_percent, 90);
    assert.equal(next.spend_pence, 5000000);
    assertNoProblems(page);
    await page.context().close();
  });
});
