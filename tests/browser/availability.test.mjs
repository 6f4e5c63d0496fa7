// A clinician's availability (issue 12) in a real browser against the demo: ticking sessions for the
// usual week, adding their own hours, a holiday and an extra day, each saved and shown again after a
// reload (read back from the server), removing one, and the form's own checks in the NHS pattern.
// axe-core on the page with each part filled in, on a phone.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, fillDate, open, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

// Sends a form and waits for the server's answer to its save. A success banner or a table from an
// earlier save is already on the page, so waiting for one of those proves nothing.
async function send(page, form) {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/availability') && r.request().method() === 'PUT');
  await page.click(`${form} button[type="submit"]`);
  const r = await answered;
  assert.equal(r.status(), 200, `${form} saved`);
}
// Waits until the element's text matches re (the page drawn again after a save).
const says = (page, selector, re) => page.waitForFunction(([sel, src]) => new RegExp(src).test(document.querySelector(sel)?.textContent || ''),
  [selector, re.source]);

test('a clinician sets their week, their own hours, a holiday and an extra day', { timeout: 180000 }, async () => {
  const { page } = await signedInPage(browser, server, 'clinician140@demo.flexpool.test', { viewport: PHONE });
  await open(page, '/availability');
  await page.check('#monday-morning');
  await page.check('#monday-afternoon');
  await page.check('#thursday-evening');
  await send(page, '#week-form');
  await page.waitForSelector('.nhsuk-notification-banner--success');
  await open(page, '/availability');
  assert.equal(await page.isChecked('#monday-morning'), true);
  assert.equal(await page.isChecked('#monday-afternoon'), true);
  assert.equal(await page.isChecked('#thursday-evening'), true);

  // Own hours: checked before sending, then listed.
  await page.fill('#hours-start', '16:00');
  await page.fill('#hours-end', '09:00');
  await page.click('#hours-form button[type="submit"]');
  await page.waitForSelector('#hours-form .nhsuk-error-summary');
  assert.match(await page.textContent('#hours-form .nhsuk-error-summary'), /end time must be after the start time/);
  await page.selectOption('#hours-day', 'saturday');
  await page.fill('#hours-start', '09:30');
  await page.fill('#hours-end', '24:00');
  await send(page, '#hours-form');
  await says(page, '#own-hours-table', /Saturday/);
  assert.match(await page.textContent('#own-hours-table'), /Saturday[\s\S]*09:30 to 24:00/);
  // Saving the week keeps the own hours.
  await page.check('#friday-morning');
  await send(page, '#week-form');
  await open(page, '/availability');
  assert.match(await page.textContent('#own-hours-table'), /Saturday/);
  assert.equal(await page.isChecked('#friday-morning'), true);

  // A holiday and an extra day.
  await fillDate(page, 'away-from', '2027-08-02');
  await fillDate(page, 'away-to', '2027-08-13');
  await send(page, '#away-form');
  await says(page, '#exceptions-table', /2 August 2027/);
  assert.match(await page.textContent('#exceptions-table'), /Not available[\s\S]*2 August 2027 to Friday, 13 August 2027/);
  await page.click('#extra-form button[type="submit"]');
  await page.waitForSelector('#extra-form .nhsuk-error-summary');
  assert.match(await page.textContent('#extra-form .nhsuk-error-summary'), /Enter the date[\s\S]*Choose when you can work/);
  await checkAccessibility(page, 'availability with errors');
  await fillDate(page, 'extra-date', '2027-07-04');
  await page.check('#extra-session-3');
  await send(page, '#extra-form');
  await says(page, '#exceptions-table', /Extra day/);
  assert.match(await page.textContent('#exceptions-table'), /Extra day[\s\S]*4 July 2027[\s\S]*Evening/);
  await checkAccessibility(page, 'availability filled in');
  await screenshot(page, 'clinician-availability-phone');

  // Removing the holiday leaves the extra day.
  await page.locator('#exceptions-table tr', { hasText: '2 August 2027' }).locator('button').click();
  await page.waitForFunction(() => /Date removed/.test(document.querySelector('#maincontent').textContent));
  const rows = await page.textContent('#exceptions-table');
  assert.doesNotMatch(rows, /2 August 2027/);
  assert.match(rows, /Extra day[\s\S]*4 July 2027/);
  assertNoProblems(page);
});
