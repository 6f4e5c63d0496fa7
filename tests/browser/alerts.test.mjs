// The clinician's shift alert settings in a real browser (issue 12): reached from their availability,
// each field checked as they type (a role at least, whole miles, a rate in pounds, quiet hours on the
// 24-hour clock), saved and read back after a reload. axe on the page with and without errors.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, settled,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

describe('shift alerts', () => {
  test('a clinician chooses which shifts they are told about, and when', async () => {
    const { page } = await signedInPage(browser, server, 'clinician003@demo.flexpool.test');
    await open(page, '/availability');
    await page.click('a[href="/alerts/settings"]');
    await page.waitForSelector('#alerts-form');
    await settled(page);
    await checkAccessibility(page, 'the shift alerts page');

    // Every role unticked, a distance in words, a rate with three decimals, quiet hours at 25:00.
    for (const box of await page.$$('#alerts-form input[type="checkbox"]')) await box.uncheck();
    await page.fill('#max_distance_miles', 'far');
    await page.fill('#min_rate', '80.123');
    await page.fill('#quiet_start', '25:00');
    await page.click('#alerts-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-error-summary');
    const problems = await page.textContent('.nhsuk-error-summary');
    assert.match(problems, /at least one role/);
    assert.match(problems, /0 to 500 miles/);
    assert.match(problems, /rate in pounds/);
    assert.match(problems, /24-hour clock/);
    await checkAccessibility(page, 'the shift alerts page with errors');
    await screenshot(page, 'alerts-errors');

    await page.check('#role-first');
    await page.fill('#max_distance_miles', '12');
    await page.fill('#min_rate', '85.50');
    await page.check('#mode-2'); // once a day
    await page.fill('#quiet_start', '22:00');
    await page.fill('#quiet_end', '06:30');
    await page.click('#alerts-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-notification-banner');
    await page.reload();
    await page.waitForSelector('#alerts-form');
    assert.equal(await page.isChecked('#role-first'), true);
    assert.equal(await page.inputValue('#max_distance_miles'), '12');
    assert.equal(await page.inputValue('#min_rate'), '85.50');
    assert.equal(await page.isChecked('#mode-2'), true);
    assert.equal(await page.inputValue('#quiet_start'), '22:00');
    assert.equal(await page.inputValue('#quiet_end'), '06:30');
    assertNoProblems(page);
  });
});
