// The pool administrator's settings (issue 12): the working-time guards every booking of the
// pool's clinicians is held to, in hours on the page, saved and read back after a reload; the
// form's own check that work and rest fit in 24 hours, in the NHS error pattern; axe-core on both.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

test('a pool administrator sets the working-time guards', { timeout: 180000 }, async () => {
  const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
  await open(page, '/pool/settings');
  assert.equal(await page.inputValue('#max_worked'), '13');
  assert.equal(await page.inputValue('#min_rest'), '11');
  await page.fill('#max_worked', '12.5');
  await page.click('#save-pool-settings');
  await page.waitForSelector('.nhsuk-notification-banner--success');
  assert.match(await page.textContent('.nhsuk-notification-banner--success'), /at most 12\.5 hours' work/);
  await open(page, '/pool/settings');
  assert.equal(await page.inputValue('#max_worked'), '12.5');

  // More than a day between them: refused on the page, nothing sent.
  await page.fill('#min_rest', '12');
  await page.click('#save-pool-settings');
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /add up to 24 hours at most/);
  await checkAccessibility(page, 'pool settings with an error');
  await open(page, '/pool/settings');
  assert.equal(await page.inputValue('#min_rest'), '11');
  await assertNoProblems(page);
});
