// Bookings and applications as lists a person reads (issue 10), in a real browser against the demo:
// a clinician sees their upcoming bookings and their past ones (the sessions worked, one the
// practice recorded as not attended marked so), paged 25 at a time with Next and Previous; their
// applications newest first; withdrawing an application and cancelling a booking ask first on a
// page of their own that says what will happen; the practice manager's past bookings page, paged
// and searched by the clinician's name. axe-core on every new page.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PASSWORD, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, apiCall, apiLogin
} from './helpers.mjs';

let server, browser;
const demo = {};

const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const api = (token, method, path, body) => apiCall(server, token, method, path, body);
const login = (email) => apiLogin(server, email);
async function all(token, path) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(token, 'GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

const SHORT = 27; // one-second sessions: with the demo's own, more than a page of past bookings

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
  // Over the API: a history-only demo GP (no upcoming bookings of their own) is booked on SHORT
  // one-second sessions at the demo practice that start in a few seconds and end one after the
  // other, so that they are past (worked) by the time the clinician's test reads them; two upcoming
  // shifts for them to book and two approval shifts to apply for (the later-starting one last).
  demo.pm = await login('practice@demo.flexpool.test');
  demo.email = 'clinician001@demo.flexpool.test';
  demo.token = await login(demo.email);
  const me = await api(demo.pm, 'GET', '/me');
  demo.practiceId = me.roles.find((r) => r.role === 'practice_manager').organisation_id;
  const post = (start, end, mode) => api(demo.pm, 'POST', '/shifts', {
    practice_id: demo.practiceId, role: 'gp', starts_at: iso(start), ends_at: iso(end), rate_pence: 9000, rate_unit: 'hour', booking_mode: mode,
  });
  const t0 = (Math.floor(Date.now() / 1000) + 20) * 1000;
  const shorts = await Promise.all(Array.from({ length: SHORT }, (_, i) => post(t0 + i * 1000, t0 + (i + 1) * 1000, 'instant')));
  // The demo's own bookings of this clinician may lie within the pool's 11 hours of rest of now,
  // depending on the time of day the suite runs: the guards are lifted while these are booked and
  // put back at once (what they refuse is tested in tests/api/test_working_time.c).
  const poolAdmin = await login('pool@demo.flexpool.test');
  const poolId = (await api(poolAdmin, 'GET', '/me')).roles.find((r) => r.role === 'pool_admin').pool_id;
  const guards = await api(poolAdmin, 'GET', `/pools/${poolId}`);
  await api(poolAdmin, 'PATCH', `/pools/${poolId}`, { max_worked_minutes_24h: 1440, min_rest_minutes_24h: 0 });
  try {
    demo.short = await Promise.all(shorts.map((s) => api(demo.token, 'POST', `/shifts/${s.id}/booking`)));
  } finally {
    await api(poolAdmin, 'PATCH', `/pools/${poolId}`, { max_worked_minutes_24h: guards.max_worked_minutes_24h, min_rest_minutes_24h: guards.min_rest_minutes_24h });
  }
  assert.ok(Date.now() < t0, 'the short sessions were booked before they started');
  demo.pastBy = t0 + SHORT * 1000 + 1000;
  const day = 86400e3;
  const hourAhead = (days) => Math.floor((Date.now() + days * day) / 3600e3) * 3600e3;
  demo.upcoming = [];
  for (const days of [33, 34]) {
    const s = await post(hourAhead(days), hourAhead(days) + 3 * 3600e3, 'instant');
    demo.upcoming.push(await api(demo.token, 'POST', `/shifts/${s.id}/booking`));
  }
  demo.soon = await post(hourAhead(35), hourAhead(35) + 3 * 3600e3, 'approval');
  demo.later = await post(hourAhead(36), hourAhead(36) + 3 * 3600e3, 'approval');
  demo.appSoon = await api(demo.token, 'POST', `/shifts/${demo.soon.id}/applications`, {});
  demo.appLater = await api(demo.token, 'POST', `/shifts/${demo.later.id}/applications`, {});
});

// Once the short sessions have ended: the practice records that the clinician did not attend the
// last of them, and the clinician's past bookings are read over the API to compare with the pages.
async function sessionsEnded() {
  if (demo.past) return;
  while (Date.now() < demo.pastBy) await new Promise((r) => setTimeout(r, 250));
  demo.dnaBooking = demo.short[SHORT - 1];
  await api(demo.pm, 'POST', `/bookings/${demo.dnaBooking.id}/did-not-attend`);
  demo.past = await all(demo.token, '/bookings?status=confirmed&when=past');
}
after(() => stopServerAndBrowser(server, browser));

test('applications newest first; withdrawing one asks first and says what will happen', async () => {
  const { page } = await signedInPage(browser, server, demo.email, { viewport: PHONE });
  await open(page, '/applications');
  const rows = page.locator('#applications-table tbody tr');
  // The application sent last (for the later shift) comes first.
  const hrefs = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('a')?.getAttribute('href')));
  assert.ok(hrefs.indexOf(`/shifts/${demo.later.id}`) < hrefs.indexOf(`/shifts/${demo.soon.id}`), 'newest first');
  assert.equal(hrefs.indexOf(`/shifts/${demo.later.id}`), 0);
  await checkAccessibility(page, 'my applications (phone)');

  const row = rows.filter({ has: page.locator(`a[href="/shifts/${demo.soon.id}"]`) });
  await row.locator('a', { hasText: 'Withdraw' }).click();
  await page.waitForURL(new RegExp(`/applications/${demo.appSoon.id}/withdraw$`));
  await page.waitForSelector('#confirm-form');
  assert.match(await page.textContent('h1'), /Withdraw your application/);
  assert.match(await page.textContent('#confirm-consequences'), /The practice will no longer see your application/);
  assert.match(await page.textContent('#confirm-consequences'), /You can apply again while the shift is still open/);
  await checkAccessibility(page, 'withdraw an application (phone)');
  await screenshot(page, 'clinician-withdraw-application-phone');
  // Asking did nothing yet; going back leaves it waiting.
  assert.equal((await api(demo.token, 'GET', `/applications/${demo.appSoon.id}`)).status, 'pending');
  await page.click('#confirm-back');
  await page.waitForURL(/\/applications$/);
  assert.match(await rows.filter({ has: page.locator(`a[href="/shifts/${demo.soon.id}"]`) }).textContent(), /Waiting for the practice/);

  await row.locator('a', { hasText: 'Withdraw' }).click();
  await page.waitForSelector('#confirm-form');
  await page.click('#confirm-button');
  await page.waitForURL(/\/applications$/);
  await page.locator('.nhsuk-notification-banner--success', { hasText: 'Application withdrawn' }).waitFor();
  assert.match(await rows.filter({ has: page.locator(`a[href="/shifts/${demo.soon.id}"]`) }).textContent(), /Withdrawn/);
  assert.equal((await api(demo.token, 'GET', `/applications/${demo.appSoon.id}`)).status, 'withdrawn');

  // Cancelling a booking asks first too, with what happens to the shift.
  await open(page, `/bookings/${demo.upcoming[1].id}/cancel`);
  assert.match(await page.textContent('#confirm-consequences'), /opens again for other clinicians to book/);
  assert.match(await page.textContent('#confirm-consequences'), /not a late cancellation/);
  await checkAccessibility(page, 'cancel a booking (phone)');
  assertNoProblems(page);
  await page.context().close();
});

test('a clinician sees upcoming and past bookings, paged, the one not attended marked', async () => {
  await sessionsEnded();
  assert.ok(demo.past.length > 25, `more than a page of past bookings (${demo.past.length})`);
  const { page } = await signedInPage(browser, server, demo.email);
  await open(page, '/bookings');
  // Upcoming: the two just booked, soonest first, each cancellable.
  const upcoming = page.locator('#booking-list li.fp-result');
  const ids = await upcoming.evaluateAll((els) => els.map((li) => li.querySelector('a[href$="/cancel"]')?.getAttribute('href')));
  const mine = demo.upcoming.map((b) => `/bookings/${b.id}/cancel`);
  assert.deepEqual(ids.filter((x) => mine.includes(x)), mine, 'the upcoming bookings, the soonest first');
  await checkAccessibility(page, 'my bookings, upcoming');

  // Past: the sessions worked, the most recent first, 25 a page.
  await page.click('.fp-views a[href="/bookings?view=past"]');
  await page.waitForSelector('#past-booking-list');
  assert.match(await page.textContent('.fp-page-summary'), /^Showing 1 to 25 past bookings$/);
  const whenOf = (b) => b.starts_at;
  const expected = demo.past.map(whenOf);
  assert.deepEqual(expected, [...expected].sort().reverse(), 'the API lists past bookings the most recent first');
  const firstPage = await page.locator('#past-booking-list li.fp-result').count();
  assert.equal(firstPage, 25);
  // The page shows the first 25 of them, in that order (the shift links name each).
  const shown = await page.locator('#past-booking-list .nhsuk-card__link').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  assert.deepEqual(shown, demo.past.slice(0, 25).map((b) => `/shifts/${b.shift_id}`));
  assert.equal(await page.locator('#past-booking-list a', { hasText: 'Cancel this booking' }).count(), 0, 'nothing past can be cancelled');
  assert.match(await page.textContent('#past-booking-list'), /Worked/);
  await checkAccessibility(page, 'my bookings, past');
  await screenshot(page, 'clinician-past-bookings-desktop');

  // Next, to the page that holds the one not attended if it is not on the first.
  const dnaIndex = demo.past.findIndex((b) => b.id === demo.dnaBooking.id);
  assert.ok(dnaIndex >= 0);
  await page.click('#page-next');
  await page.waitForURL(/cursor=/);
  await page.waitForFunction(() => /^Showing 26 to/.test(document.querySelector('.fp-page-summary')?.textContent || ''));
  assert.match(await page.textContent('.fp-page-summary'), new RegExp(`^Showing 26 to ${Math.min(50, demo.past.length)} past bookings$`));
  const second = await page.locator('#past-booking-list .nhsuk-card__link').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  assert.deepEqual(second, demo.past.slice(25, 50).map((b) => `/shifts/${b.shift_id}`), 'the next 25, none repeated or missed');
  await page.click('#page-previous');
  // The second page's list is still there until the first is drawn: wait for the first's summary.
  await page.waitForURL((u) => !u.searchParams.has('cursor'));
  await page.waitForFunction(() => /^Showing 1 to/.test(document.querySelector('.fp-page-summary')?.textContent || ''));
  assert.match(await page.textContent('.fp-page-summary'), /^Showing 1 to 25 past bookings$/);

  // The one not attended, on its page, says so in words and offers nothing to cancel.
  let url = '/bookings?view=past';
  for (let n = 0; n < Math.floor(dnaIndex / 25); n++) {
    await open(page, url);
    url = await page.getAttribute('#page-next', 'href');
  }
  await open(page, url);
  const dna = page.locator('#past-booking-list li.fp-result', { hasText: 'Did not attend' });
  assert.equal(await dna.count(), 1);
  assert.match(await dna.textContent(), /The practice recorded on .* that you did not attend this shift/);
  assert.match(await dna.textContent(), /Booked for \d+ hours?/);
  assertNoProblems(page);
  await page.context().close();
});

test('the practice manager reads past bookings: who worked, when, hours, not attended marked; paged and searched', async () => {
  await sessionsEnded();
  const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  await page.click('.nhsuk-header__navigation a[href="/practice/bookings"]');
  await page.waitForURL(/\/practice\/bookings$/);
  await page.waitForSelector('#practice-past-bookings');
  assert.match(await page.textContent('.fp-page-summary'), /^Showing 1 to 25 past bookings$/);
  assert.deepEqual(
    await page.locator('#practice-past-bookings thead th').evaluateAll((ths) => ths.map((t) => t.textContent.trim())),
    ['Clinician', 'Role', 'When', 'Hours', 'Agreed fee', 'Attendance']);
  const practicePast = (await api(demo.pm, 'GET', '/bookings?status=confirmed&when=past&limit=26')).items;
  const names = await page.locator('#practice-past-bookings tbody th').evaluateAll((ths) => ths.map((t) => t.textContent.replace(/^Clinician\s*/, '').trim()));
  assert.deepEqual(names, practicePast.slice(0, 25).map((b) => b.clinician_name), 'the most recent first, who worked each');
  await checkAccessibility(page, 'practice past bookings');
  await screenshot(page, 'practice-past-bookings-desktop');
  await page.click('#page-next');
  await page.waitForURL(/cursor=/);
  await page.waitForFunction(() => /^Showing 26 to/.test(document.querySelector('.fp-page-summary')?.textContent || ''));
  assert.match(await page.textContent('.fp-page-summary'), /^Showing 26 to/);

  // Searched by the clinician's name: only their sessions here, the one not attended marked.
  const name = demo.past[0].clinician_name;
  await open(page, '/practice/bookings');
  await page.fill('#filters-q', name.toUpperCase());
  await page.click('#filters-apply');
  await page.waitForURL(/q=/);
  await page.waitForSelector('#practice-past-bookings');
  const found = await page.locator('#practice-past-bookings tbody th').evaluateAll((ths) => ths.map((t) => t.textContent.replace(/^Clinician\s*/, '').trim()));
  assert.ok(found.length > 0 && found.every((n) => n === name), `only ${name}'s sessions`);
  assert.match(await page.textContent('#filters-active'), /clinician name/);
  // Their most recent session here is the one recorded as not attended: the first row.
  const dnaRow = page.locator('#practice-past-bookings tbody tr', { hasText: 'Did not attend' });
  assert.equal(await dnaRow.count(), 1);
  assert.match(await page.locator('#practice-past-bookings tbody tr').first().textContent(), /Did not attend/);
  assert.match(await dnaRow.first().textContent(), /Not worked \(booked for \d+ hours?/);
  await checkAccessibility(page, 'practice past bookings, searched');
  assertNoProblems(page);
  await page.context().close();
});
