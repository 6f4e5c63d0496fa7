// The rules shown before they bite (issue 10): a clinician whose passport is not complete sees,
// on every page that offers work, a banner naming what is missing in words with a link to the
// passport; the shifts they may not take are marked with the reason and offer no Book or Apply
// button; a refusal replaces the button with the reason and the way on. The find-shifts calendar
// is a month that fits a desktop screen (counts per day, the day's shifts on choosing it); on a
// phone the folded filters say which are active; dates go in as day, month and year.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, fillDate, open, PHONE, postShift, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

// clinician102: a nurse in the demo pool whose passport lacks the DBS check and indemnity
// (src/app/demo_passport.c, the MISSING scenario).
const LACKING = 'clinician102@demo.flexpool.test';
const CODE = /\b[a-z]+_[a-z_]+\b|\bdbs\b/;

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

describe('rules before they bite', () => {
  test('a clinician whose passport is not complete sees why on every page that offers work, and no Book button', async () => {
    const { page } = await signedInPage(browser, server, LACKING);
    await open(page, '/shifts');
    const banner = page.locator('#passport-banner');
    await banner.waitFor();
    const said = await banner.innerText();
    assert.match(said, /Your passport is not complete/);
    assert.match(said, /DBS check/);
    assert.match(said, /[Ii]ndemnity/);
    assert.doesNotMatch(said, CODE, 'checks are named, never given as codes');
    assert.equal(await banner.locator('a[href="/passport"]').count(), 1, 'the banner links to the passport');

    // Each shift says it cannot be taken, and why.
    await page.waitForSelector('#shift-list .fp-result');
    const first = page.locator('#shift-list .fp-result').first();
    const card = await first.innerText();
    assert.match(card, /You cannot book this yet/);
    assert.match(card, /DBS check/);
    assert.doesNotMatch(card, CODE);
    await checkAccessibility(page, 'find shifts, passport not complete');
    await screenshot(page, 'rules-find-shifts-not-complete');

    // The shift itself: the reason and the way on, and no Book or Apply button.
    const href = await first.locator('a.nhsuk-card__link').getAttribute('href');
    await open(page, href);
    await page.locator('#cannot-book').waitFor();
    assert.equal(await page.locator('#book-button').count(), 0, 'no Book or Apply button');
    const why = await page.locator('#cannot-book').innerText();
    assert.match(why, /You cannot book this shift yet/);
    assert.match(why, /DBS check/);
    assert.doesNotMatch(why, CODE);
    assert.equal(await page.locator('#cannot-book a[href="/passport"]').count(), 1);
    assert.equal(await page.locator('#passport-banner').count(), 1, 'the banner is on the shift too');
    await checkAccessibility(page, 'a shift the clinician cannot book');

    // The calendar offers work too.
    await open(page, '/shifts?view=calendar');
    await page.locator('#passport-banner').waitFor();
    assertNoProblems(page);
    await page.context().close();
  });

  test('a refused booking replaces the button with the reason and the way on', async () => {
    const date = ukDateParts(40);
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const id = await postShift(pm, { date, start: '19:15', end: '21:15' });
    await pm.context().close();
    const { page: a } = await signedInPage(browser, server, 'clinician007@demo.flexpool.test');
    const { page: b } = await signedInPage(browser, server, 'clinician008@demo.flexpool.test');
    await open(a, `/shifts/${id}`);
    await open(b, `/shifts/${id}`);
    assert.equal(await a.locator('#passport-banner').count(), 0, 'no banner for a complete passport');
    await a.click('#book-button');
    await a.waitForSelector('.nhsuk-panel');
    // b's page still offers the shift; booking it now is refused.
    await b.click('#book-button');
    await b.locator('#refusal').waitFor();
    assert.equal(await b.locator('#book-button').count(), 0, 'the button that failed is gone');
    const said = await b.locator('#refusal').innerText();
    assert.match(said, /Someone else has booked this shift/);
    assert.equal(await b.locator('#refusal a[href="/shifts"]').count(), 1, 'the way on: other shifts');
    assert.doesNotMatch(await b.locator('main').innerText(), /\b[a-z]+_[a-z_]+\b/);
    await checkAccessibility(b, 'a refused booking');
    assertNoProblems(b);
    await a.context().close();
    await b.context().close();
  });

  test('the find-shifts calendar is a month that fits a desktop screen; choosing a day lists its shifts', async () => {
    const { page } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test', { viewport: { width: 1280, height: 800 } });
    await open(page, '/shifts?view=calendar');
    const table = page.locator('.fp-calendar__table');
    await table.waitFor();
    const box = await table.boundingBox();
    assert.ok(box.height <= 560, `the month is ${Math.round(box.height)} px tall: it must fit the screen with room to spare`);
    assert.ok(box.x + box.width <= 1280, 'the month is no wider than the screen');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing scrolls sideways');
    // Days carry counts, not the shifts themselves; no word is broken inside.
    assert.equal(await page.locator('.fp-calendar__table a').count(), 0, 'no shift links crammed into the cells');
    const days = page.locator('.fp-calendar__pick');
    assert.ok(await days.count() > 0, 'the demo month has days with shifts');
    assert.match(await days.first().innerText(), /\d+\s*shifts?/);
    // Choosing a day lists its shifts under the month.
    const last = days.last();
    await last.click();
    assert.equal(await last.getAttribute('aria-pressed'), 'true');
    const list = page.locator('#calendar-day');
    assert.match(await list.innerText(), /\d+ shifts?/);
    assert.ok(await list.locator('a[href^="/shifts/"]').count() > 0, 'the day lists its shifts with links');
    await checkAccessibility(page, 'find shifts calendar, desktop');
    await screenshot(page, 'rules-calendar-desktop');
    assertNoProblems(page);
    await page.context().close();
  });

  test('on a phone the folded filters say which are active, and dates go in as day, month and year', async () => {
    const { page } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test', { viewport: PHONE });
    const from = ukDateParts(3);
    await open(page, `/shifts?from=${from.iso}&radius=20`);
    const details = page.locator('.fp-filter-details');
    assert.equal(await details.getAttribute('open'), null, 'the filters are folded on a phone');
    const summary = await page.locator('#filters-summary').innerText();
    assert.match(summary, /2 active/);
    assert.match(summary, /within 20 km/);
    assert.match(summary, new RegExp(`from \\w+, ${Number(from.day)} `));
    await page.click('.fp-filter-details summary');
    assert.equal(await page.inputValue('#from-day'), String(Number(from.day)));
    assert.equal(await page.inputValue('#from-month'), String(Number(from.month)));
    assert.equal(await page.inputValue('#from-year'), from.year);
    // A date that does not exist is refused beside the field.
    await page.fill('#to-day', '31');
    await page.fill('#to-month', '2');
    await page.fill('#to-year', from.year);
    await page.click('#apply-filters');
    await page.locator('.nhsuk-error-summary').waitFor();
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /The to date must be a real date/);
    await checkAccessibility(page, 'find shifts filters on a phone, with an error');
    assertNoProblems(page);
    await page.context().close();
  });

  // Last: it adds a check the pool's nurses must have, which would change what the tests above see.
  test('a waiting application the practice could not accept says why, once the pool asks for more', async () => {
    // A nurse shift the practice chooses for, posted through its form.
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const date = ukDateParts(41);
    await open(pm, '/practice/shifts/new');
    await pm.selectOption('#role', 'nurse');
    await fillDate(pm, 'date', date.iso);
    await pm.fill('#start_time', '18:35');
    await pm.fill('#end_time', '20:35');
    await pm.fill('#rate', '200');
    await pm.check('input[name="booking_mode"][value="approval"]');
    await pm.click('#post-shift');
    await pm.waitForURL(/\/practice\/shifts\/\d+$/);
    const id = Number(new URL(pm.url()).pathname.split('/').pop());
    await pm.context().close();
    // clinician101: a nurse in the pool with a complete passport.
    const { page: cl } = await signedInPage(browser, server, 'clinician101@demo.flexpool.test');
    await open(cl, `/shifts/${id}`);
    await cl.click('#book-button');
    await cl.waitForSelector('.nhsuk-panel');
    await open(cl, '/applications');
    assert.equal(await cl.locator('#applications-table .fp-cannot-book').count(), 0, 'nothing to say while the passport is complete');

    // The pool now asks its nurses for one more check, which this clinician has not got.
    const { page: pool } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    const added = await pool.evaluate(async () => {
      const url = performance.getEntriesByType('resource').map((e) => e.name).find((n) => /\/js\/api(\.[\w-]+)?\.js(\?|$)/.test(n));
      const api = await import(url);
      const types = (await api.get('/passport/check-types')).items;
      const req = (await api.get('/passport/requirements?profession=nurse')).items[0].check_codes;
      const extra = types.find((t) => !req.includes(t.code));
      await api.put('/passport/requirements', { profession: 'nurse', check_code: extra.code, required: true });
      return extra.name;
    });
    await pool.context().close();

    await open(cl, '/applications');
    const row = cl.locator('#applications-table tr', { hasText: '18:35 to 20:35' });
    const said = await row.innerText();
    assert.match(said, /The practice cannot accept you yet/);
    assert.ok(said.includes(added), `the check is named: ${added}`);
    assert.doesNotMatch(said, CODE);
    assert.equal(await row.locator('a[href="/passport"]').count(), 1);
    await open(cl, '/shifts');
    assert.ok((await cl.locator('#passport-banner').innerText()).includes(added), 'the banner names it too');
    await checkAccessibility(cl, 'my applications, one the practice cannot accept');
    assertNoProblems(cl);
    await cl.context().close();
  });
});
