// Live notifications in a real browser (issue 12): a practice manager's page is open; a clinician
// writes to the practice in a booking's message thread (through the API, elsewhere); the header's
// unread count on the open page goes up within seconds, without a reload and without the page
// asking for the count (the Server-Sent Events stream, GET /api/v1/me/events, brings it). On the
// notifications page a new notification appears at the top by itself. axe on the page after it.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PASSWORD, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, settled,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

async function api(token, method, path, body) {
  const res = await fetch(`${server.base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = res.status === 204 ? null : await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const signIn = async (email) => (await api(null, 'POST', '/sessions', { email, password: PASSWORD })).token;

const unreadShown = (page) => page.evaluate(() => {
  const slot = document.getElementById('fp-unread');
  return slot && !slot.hidden ? Number(slot.textContent.replace(/\D/g, '')) : 0;
});

describe('live notifications', () => {
  test('a notification reaches the open page: the header count, then the notifications list', async () => {
    const practice = await signIn('practice@demo.flexpool.test');
    // Two upcoming bookings at the practice and their clinicians, who will write to it.
    const bookings = (await api(practice, 'GET', '/bookings?status=confirmed&when=upcoming&limit=10')).items;
    assert.ok(bookings.length >= 2, 'the demo practice has two upcoming bookings');
    const writers = [];
    for (const b of bookings.slice(0, 2)) {
      const c = await api(practice, 'GET', `/clinicians/${b.clinician_id}`);
      writers.push({ booking: b.id, token: await signIn(c.email) });
    }

    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(pm, '/practice');
    const before = await unreadShown(pm);
    // From here the page must not ask for the count: the stream gives it.
    const asked = [];
    pm.on('request', (r) => { if (r.url().includes('/api/v1/me/notifications')) asked.push(r.url()); });
    await pm.evaluate(() => { window.fpNoReload = true; });

    await api(writers[0].token, 'POST', `/bookings/${writers[0].booking}/messages`, { body: 'Running ten minutes late, sorry.' });
    await pm.waitForFunction((n) => {
      const slot = document.getElementById('fp-unread');
      return slot && !slot.hidden && Number(slot.textContent.replace(/\D/g, '')) === n;
    }, before + 1, { timeout: 5000 });
    assert.equal(await pm.evaluate(() => window.fpNoReload), true, 'the page was not reloaded');
    assert.deepEqual(asked, [], 'the page did not ask for the count');
    assert.match(await pm.textContent('#fp-unread'), /unread/);

    // Moving between pages (links in the app) keeps the count without asking for it.
    const follow = (href) => pm.evaluate((h) => document.querySelector(`.nhsuk-header__navigation a[href="${h}"]`).click(), href);
    await follow('/practice/bookings');
    await pm.waitForURL(/\/practice\/bookings$/);
    await settled(pm);
    assert.equal(await unreadShown(pm), before + 1);
    assert.deepEqual(asked, [], 'the header did not ask for the count');

    // The notifications page takes a new one in at the top by itself.
    await follow('/notifications');
    await pm.waitForSelector('#notifications li, .nhsuk-inset-text');
    await settled(pm);
    await api(writers[1].token, 'POST', `/bookings/${writers[1].booking}/messages`, { body: 'Is there parking at the surgery?' });
    await pm.waitForFunction(() => /Is there parking at the surgery\?/.test(document.querySelector('#notifications li')?.textContent || ''),
      undefined, { timeout: 5000 });
    await pm.waitForFunction((n) => Number((document.getElementById('fp-unread')?.textContent || '').replace(/\D/g, '')) === n,
      before + 2, { timeout: 5000 });
    await checkAccessibility(pm, 'the notifications page after a live update');
    await screenshot(pm, 'notifications-live');
    // Marking all read: the header follows at once.
    await pm.click('#mark-all-read');
    await pm.waitForFunction(() => document.getElementById('fp-unread')?.hidden === true, undefined, { timeout: 5000 });
    assertNoProblems(pm);
  });
});
