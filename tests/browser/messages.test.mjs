// Message threads in a real browser (issue 12): a practice manager writes to the clinician booked for
// one of its sessions from the shift's page, the clinician reads it from their own shift page and
// answers; the practice sees the answer. A message too long is refused as it is typed. axe on each
// page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, settled,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

describe('messages', () => {
  test('the practice and the booked clinician write to each other', async () => {
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    // An upcoming booking at the practice, and who is booked (a booking gives the practice the
    // clinician's contact details, their email among them).
    const found = await pm.evaluate(async () => {
      const headers = { 'X-CSRF-Token': sessionStorage.getItem('flexpool.csrf') };
      const list = await (await fetch('/api/v1/bookings?status=confirmed&when=upcoming&limit=1', { headers })).json();
      const b = list.items[0];
      const c = await (await fetch(`/api/v1/clinicians/${b.clinician_id}`, { headers })).json();
      return { booking: b.id, shift: b.shift_id, email: c.email };
    });
    assert.ok(found.email, 'the practice has the booked clinician\'s email');
    await open(pm, `/practice/shifts/${found.shift}`);
    await pm.click('#booking-messages');
    await pm.waitForSelector('#message-form');
    await settled(pm);
    await checkAccessibility(pm, 'a booking\'s messages (practice)');
    await pm.fill('#body', 'x'.repeat(4001));
    await pm.click('#message-form button[type="submit"]');
    await pm.waitForSelector('.nhsuk-error-summary');
    assert.match(await pm.textContent('.nhsuk-error-summary'), /4,000 characters or fewer/);
    await pm.fill('#body', 'Parking is behind the surgery; the code is 1234.');
    await pm.click('#message-form button[type="submit"]');
    await pm.waitForSelector('#messages li');
    assert.match(await pm.textContent('#messages'), /the code is 1234/);

    const { page: cl } = await signedInPage(browser, server, found.email);
    await open(cl, `/shifts/${found.shift}`);
    await cl.click('#booking-messages');
    await cl.waitForSelector('#messages li');
    await settled(cl);
    assert.match(await cl.textContent('#messages'), /the code is 1234/);
    await checkAccessibility(cl, 'a booking\'s messages (clinician)');
    await cl.fill('#body', 'Thank you, see you on the day.');
    await cl.click('#message-form button[type="submit"]');
    await cl.waitForFunction(() => document.querySelectorAll('#messages li').length === 2);
    await screenshot(cl, 'messages-clinician');

    await open(pm, `/messages/bookings/${found.booking}`);
    await pm.waitForSelector('#messages li');
    assert.match(await pm.textContent('#messages'), /see you on the day/);
    assertNoProblems(pm);
    assertNoProblems(cl);
  });
});
