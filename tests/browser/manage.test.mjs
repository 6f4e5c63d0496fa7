// Managing what is already there, in a real browser: a practice manager edits an open shift (and
// is told when it is no longer open); a clinician follows their own requests to join pools.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, launch, newPage, open, postShift, screenshot, signedInPage, startServer, ukDateParts,
} from './helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a practice manager edits an open shift', () => {
  test('changing the rate shows the new rate on the shift page', async () => {
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const shiftId = await postShift(pm, { date: ukDateParts(47), start: '18:20', end: '20:20' });
    await pm.click('a[href$="/edit"]');
    await pm.waitForURL(new RegExp(`/practice/shifts/${shiftId}/edit$`));
    await pm.waitForSelector('#edit-shift-form');
    assert.equal(await pm.inputValue('#start_time'), '18:20', 'the form starts with the shift as it is');
    assert.equal(await pm.inputValue('#rate'), '323.21');
    await checkAccessibility(pm, 'practice-edit-shift');
    await screenshot(pm, 'practice-edit-shift-desktop');

    // Validated as you type.
    await pm.fill('#rate', 'abc');
    await pm.press('#rate', 'Tab');
    assert.match(await pm.textContent('[data-field="rate"] .nhsuk-error-message'), /Enter the rate in pounds and pence/);
    await pm.fill('#end_time', '18:00');
    await pm.press('#end_time', 'Tab');
    assert.match(await pm.textContent('[data-field="end_time"] .nhsuk-error-message'), /end time must be after the start time/);
    await pm.click('#save-shift');
    await pm.waitForSelector('.nhsuk-error-summary');
    await checkAccessibility(pm, 'practice-edit-shift-errors');
    assert.match(pm.url(), /\/edit$/, 'nothing was sent while the form had errors');

    await pm.fill('#end_time', '20:20');
    await pm.fill('#rate', '95.50');
    await pm.check('input[name="rate_unit"][value="hour"]');
    await pm.click('#save-shift');
    await pm.waitForURL(new RegExp(`/practice/shifts/${shiftId}$`));
    await pm.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await pm.textContent('.nhsuk-notification-banner'), /Shift changed/);
    assert.match(await pm.textContent('.fp-shift-summary'), /Rate\s*£95\.50 an hour/);
    assert.match(await pm.textContent('#estimated-fee'), /£191\.00 for 2 hours/);
    assertNoProblems(pm);
    await pm.context().close();
  });

  test('a shift booked while the form was open is refused with a message', async () => {
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const shiftId = await postShift(pm, { date: ukDateParts(48), start: '18:25', end: '20:25' });
    await open(pm, `/practice/shifts/${shiftId}/edit`);
    await pm.waitForSelector('#edit-shift-form');

    const { page: cl } = await signedInPage(browser, server, 'clinician002@demo.flexpool.test');
    await open(cl, `/shifts/${shiftId}`);
    await cl.click('#book-button');
    await cl.waitForSelector('.nhsuk-panel');
    await cl.context().close();

    await pm.fill('#rate', '400');
    await pm.click('#save-shift');
    await pm.waitForSelector('.nhsuk-error-summary');
    assert.match(await pm.textContent('.nhsuk-error-summary'), /no longer open/);
    await open(pm, `/practice/shifts/${shiftId}`);
    assert.match(await pm.textContent('.fp-shift-summary'), /£323\.21 a session/, 'the booked shift kept its rate');
    assertNoProblems(pm);
    await pm.context().close();
  });
});

describe('a clinician follows their requests to join a pool', () => {
  test('a sent request can be withdrawn, and a declined one shows the reason', async () => {
    const page = await newPage(browser, server);
    await open(page, '/register');
    await page.fill('#name', 'Dr Sam Achebe');
    await page.fill('#email', 'sam.achebe@example.test');
    await page.fill('#password', 'a-long-enough-password');
    await page.selectOption('#profession', 'gp');
    await page.fill('#registration_number', '7654322');
    await page.fill('#home_postcode', 'LS1 4AP');
    await page.fill('#travel_radius_km', '15');
    await page.click('#register-form button[type="submit"]');
    await page.waitForURL(/\/pools$/);
    const row = () => page.locator('#pools-table tbody tr').first();
    await row().locator('button', { hasText: 'Ask to join' }).click();
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Request sent' }).waitFor();
    assert.match(await row().textContent(), /Request sent/);
    assert.match(await page.textContent('#join-requests'), /Request sent/);
    await checkAccessibility(page, 'clinician-pools-request-sent');
    await screenshot(page, 'clinician-pools-request-sent-desktop');

    await row().locator('button', { hasText: 'Withdraw request' }).click();
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Request withdrawn' }).waitFor();
    assert.doesNotMatch(await row().textContent(), /Request sent/);
    assert.match(await page.textContent('#join-requests'), /Withdrawn/);

    // Asked again, and declined by the pool administrator with a reason.
    await row().locator('button', { hasText: 'Ask to join' }).click();
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Request sent' }).waitFor();
    const requestId = Number((await row().locator('button', { hasText: 'Withdraw request' }).getAttribute('id')).split('-').pop());
    const { page: admin } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    const status = await admin.evaluate(async (id) => {
      const res = await fetch(`/api/v1/join-requests/${id}/decline`, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('flexpool.csrf') },
        body: JSON.stringify({ reason: 'The pool has no GP sessions until April' }),
      });
      return res.status;
    }, requestId);
    assert.equal(status, 200);
    await admin.context().close();

    await open(page, '/pools');
    const text = await row().textContent();
    assert.match(text, /Declined/);
    assert.match(text, /The pool has no GP sessions until April/);
    assert.match(text, /Ask again/);
    await checkAccessibility(page, 'clinician-pools-declined');
    assertNoProblems(page);
    await page.context().close();
  });
});
