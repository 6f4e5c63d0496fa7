// Tiered release (issue 12): a practice manager posts a shift to their favourites first through the
// form and sees on its page who can see it now and when the pool does; sets the practice's delays
// on the settings page (saved and read back; the page's own check that other pools never open
// before the practice's own); a pool administrator opts the pool in to other pools' overflow. axe
// on each page.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, postShift, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

let server, browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

test('a practice posts a shift to its favourites first and sets when the others see it', { timeout: 180000 }, async () => {
  const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  await open(page, '/practice/shifts/new');
  assert.match(await page.textContent('[data-field="release"]'), /favourites see it at once, the pool after 1 day or when 7 days remain/);
  const id = await postShift(page, { date: ukDateParts(30), start: '09:00', end: '13:00', release: 'tiered' });
  assert.match(await page.textContent('.nhsuk-notification-banner--success'), /favourite clinicians can see it now/);
  assert.equal(await page.textContent('#release-tier'), 'Your favourite clinicians');
  assert.equal(await page.textContent('#release-next'), await page.textContent('#release-pool'));
  await checkAccessibility(page, 'a shift released to favourites first');

  await open(page, '/practice/settings');
  assert.equal(await page.inputValue('#pool_after_hours'), '24');
  await page.fill('#overflow_before_start_hours', '200');
  await page.click('#save-practice-settings');
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /cannot see it before your own pools/);
  await checkAccessibility(page, 'practice settings with an error');
  await page.fill('#overflow_before_start_hours', '72');
  // 31 days: the shift above (09:00, 30 days ahead: at most 30 days and 10 hours away, whatever the
  // time of day and a clock change) opens to the pool now.
  await page.fill('#pool_before_start_hours', '744');
  await page.click('#save-practice-settings');
  await page.waitForSelector('.nhsuk-notification-banner--success');
  await open(page, '/practice/settings');
  assert.equal(await page.inputValue('#pool_before_start_hours'), '744');
  await open(page, `/practice/shifts/${id}`);
  assert.equal(await page.textContent('#release-tier'), 'Everyone in your pools');
  await assertNoProblems(page);
});

test('a pool administrator opts the pool in to other pools\' overflow', { timeout: 180000 }, async () => {
  const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
  await open(page, '/pool/settings');
  assert.equal(await page.isChecked('#overflow'), false);
  await page.check('#overflow');
  await page.click('#save-pool-settings');
  await page.waitForSelector('.nhsuk-notification-banner--success');
  await open(page, '/pool/settings');
  assert.equal(await page.isChecked('#overflow'), true);
  await checkAccessibility(page, 'pool settings with overflow');
  await assertNoProblems(page);
});
