// Timesheets in a real browser (issue 13): a clinician confirms on a phone what they worked in a
// session of the demo's that has ended, the practice queries it with a reason, the clinician reads
// the query and submits again, and the practice approves it. axe on every page, with and without
// errors.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

// "14:05" of an instant in UK time.
const ukTime = (iso) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

describe('timesheets', () => {
  test('a clinician submits what they worked, the practice queries it, and approves the correction', async () => {
    const pm = (await signedInPage(browser, server, 'practice@demo.flexpool.test')).page;
    // A session of the practice's that has ended and is waiting for its clinician.
    const b = await pm.evaluate(async () => (await (await fetch('/api/v1/bookings?timesheet=to_submit&limit=1')).json()).items[0]);
    assert.ok(b, 'the demo has a session to submit at the practice');
    const email = `clinician${String(b.clinician_id).padStart(3, '0')}@demo.flexpool.test`;
    const cl = (await signedInPage(browser, server, email, { viewport: PHONE })).page;

    // The clinician finds it among the sessions to submit.
    await open(cl, '/timesheets');
    const confirm = cl.locator(`a[href="/timesheets/${b.id}"]`);
    assert.equal(await confirm.count(), 1, 'the session is listed to confirm');
    await checkAccessibility(cl, 'the clinician\'s timesheets');
    await confirm.click();
    await cl.waitForSelector('#timesheet-form');
    // The booked times are there to confirm or change.
    assert.equal(await cl.inputValue('#start_time'), ukTime(b.starts_at));
    assert.equal(await cl.inputValue('#end_time'), ukTime(b.ends_at));
    await cl.fill('#end_time', '25:00');
    await cl.fill('#break_minutes', 'some');
    await cl.click('#timesheet-submit');
    await cl.waitForSelector('.nhsuk-error-summary');
    const problems = await cl.textContent('.nhsuk-error-summary');
    assert.match(problems, /Enter the end time, like 13:00/);
    assert.match(problems, /Enter the break in whole minutes, or 0/);
    await checkAccessibility(cl, 'the timesheet form with errors');
    await screenshot(cl, 'timesheet-errors');
    await cl.fill('#end_time', ukTime(b.ends_at));
    await cl.fill('#break_minutes', '15');
    await cl.click('#timesheet-submit');
    await cl.waitForSelector('.nhsuk-notification-banner');
    assert.match(await cl.textContent('.nhsuk-notification-banner'), /Timesheet submitted/);
    assert.match(await cl.textContent('#timesheet-list'), /Waiting for the practice/);

    // The practice queries it.
    await open(pm, '/practice/timesheets');
    assert.match(await pm.textContent('#practice-timesheet-list'), new RegExp(b.clinician_name));
    await checkAccessibility(pm, 'the practice\'s timesheets');
    await screenshot(pm, 'practice-timesheets');
    await pm.click(`a[href="/practice/timesheets/${b.id}/query"]`);
    await pm.waitForSelector('#query-form');
    await pm.click('#query-submit');
    await pm.waitForSelector('.nhsuk-error-summary');
    assert.match(await pm.textContent('.nhsuk-error-summary'), /Enter what the clinician should check/);
    await checkAccessibility(pm, 'the query form with an error');
    await pm.fill('#reason', 'Did you take a lunch break?');
    await pm.click('#query-submit');
    await pm.waitForSelector('.nhsuk-notification-banner');
    assert.match(await pm.textContent('#practice-timesheet-list'), /You asked: Did you take a lunch break\?/);

    // The clinician reads the query and submits again.
    await open(cl, '/timesheets?state=queried');
    assert.match(await cl.textContent('#timesheet-list'), /The practice asked: Did you take a lunch break\?/);
    await cl.click(`a[href="/timesheets/${b.id}"]`);
    await cl.waitForSelector('#timesheet-form');
    assert.match(await cl.textContent('.nhsuk-warning-callout'), /Did you take a lunch break\?/);
    assert.equal(await cl.inputValue('#break_minutes'), '15', 'what they submitted before');
    await checkAccessibility(cl, 'a queried timesheet');
    await cl.fill('#break_minutes', '30');
    await cl.click('#timesheet-submit');
    await cl.waitForSelector('.nhsuk-notification-banner');

    // The practice approves it.
    await open(pm, '/practice/timesheets');
    await pm.click(`#approve-${b.id}`);
    await pm.waitForSelector('.nhsuk-notification-banner');
    assert.match(await pm.textContent('.nhsuk-notification-banner'), /Timesheet approved/);
    await open(pm, '/practice/timesheets?state=approved');
    assert.match(await pm.textContent('#practice-timesheet-list'), new RegExp(b.clinician_name));
    assert.match(await pm.textContent('#practice-timesheet-list'), /30 minutes' break/);
    // Approved, the session was worked: its shift's page offers no "did not attend", and says why.
    await open(pm, `/practice/shifts/${b.shift_id}`);
    await pm.waitForSelector('#timesheet-approved-note');
    assert.equal(await pm.locator('#did-not-attend-action').count(), 0);
    await open(cl, '/timesheets?state=approved');
    assert.match(await cl.textContent('#timesheet-list'), /Approved/);
    await screenshot(cl, 'timesheet-approved');
    assertNoProblems(cl);
    assertNoProblems(pm);
  });

  test('the pool sees every practice\'s timesheets waiting, read only', async () => {
    const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(page, '/pool/timesheets');
    const waiting = await page.evaluate(async () => (await (await fetch('/api/v1/bookings?timesheet=submitted&sort=-starts_at&limit=25')).json()).items);
    assert.ok(waiting.length > 1, 'the demo has timesheets waiting at the pool\'s practices');
    assert.ok(new Set(waiting.map((b) => b.practice_id)).size > 1, 'at more than one practice');
    const table = await page.textContent('#pool-timesheet-table');
    for (const b of waiting.slice(0, 3)) assert.match(table, new RegExp(b.practice_name));
    assert.equal(await page.locator('#pool-timesheet-table button').count(), 0, 'nothing to press: the practices approve');
    await checkAccessibility(page, 'the pool\'s timesheets');
    await screenshot(page, 'pool-timesheets');
    assertNoProblems(page);
  });

  test('a practice chooses how long its timesheets wait before they are approved by themselves', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(page, '/practice/settings');
    assert.equal(await page.inputValue('#timesheet_auto_approve_days'), '7');
    await page.fill('#timesheet_auto_approve_days', '40');
    await page.click('#save-practice-settings');
    await page.waitForSelector('.nhsuk-error-summary');
    assert.match(await page.textContent('.nhsuk-error-summary'), /Enter a whole number of days from 0 to 28/);
    await checkAccessibility(page, 'practice settings with a timesheet error');
    await page.fill('#timesheet_auto_approve_days', '0');
    await page.click('#save-practice-settings');
    await page.waitForSelector('.nhsuk-notification-banner--success');
    await open(page, '/practice/settings');
    assert.equal(await page.inputValue('#timesheet_auto_approve_days'), '0');
    // A timesheet waiting at the practice now says nothing of approving itself.
    const waiting = await page.evaluate(async () => (await (await fetch('/api/v1/bookings?timesheet=submitted&limit=5')).json()).items);
    for (const b of waiting) assert.equal(b.timesheet.approves_itself_at, null);
    assertNoProblems(page);
  });
});
