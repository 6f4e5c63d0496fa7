// The audit trail page (/audit) in a real browser against the demo, checked against GET
// /api/v1/audit as each person reads it: a weekly series of shifts posted through the API (one
// entry each, so the practice's trail runs past one page), a booking of one of them by a clinician
// and the practice manager withdrawing another. The practice manager reaches the page from the
// account page; its newest entry is that withdrawal (their name, the time to the second in UK time,
// "Shift N withdrawn") with its details "Status: Open → Withdrawn"; the page's entries are the API's
// first page, in words only; filtering by what changed (bookings) and by record number gives the
// API's answer for the same filter, carried in the URL (Back returns to the whole trail); the next
// page is the API's second page and Previous the first again. The commissioner reaches it from the
// header and reads their ICB's entries; a clinician is refused by the page and by the API. axe at
// desktop and phone widths, details open; screenshots.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiCall, apiLogin, assertNoProblems, checkAccessibility, open, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;
const demo = {};
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();
const api = (token, method, path, body) => apiCall(server, token, method, path, body);
const CODE = /\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b/g; // snake_case, or an action code such as booking.cancel

// The page's time of an entry: "4 Dec 2026 at 16:35:02", in the UK whatever the browser's zone.
const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric' });
const CLOCK = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const ukWhen = (iso) => `${DAY.format(new Date(iso))} at ${CLOCK.format(new Date(iso))}`;

// Waits until the app has drawn the address in the bar (app.js sets <html data-rendered>).
const drawn = (page) => page.waitForFunction(() => document.documentElement.dataset.rendered === location.pathname + location.search);

// The entries on the page: [{id, when, datetime, who, what}] a row, without the phone's labels.
const entries = (page) => page.$$eval('#audit-entries tbody tr', (trs) => trs.map((tr) => {
  const cell = (i) => {
    const c = tr.children[i].cloneNode(true);
    c.querySelectorAll('.nhsuk-table-responsive__heading, details').forEach((x) => x.remove());
    return c.textContent.replace(/\s+/g, ' ').trim();
  };
  const t = tr.querySelector('time');
  return { id: Number(t.dataset.auditId), datetime: t.getAttribute('datetime'), when: cell(0), who: cell(1), what: cell(2) };
}));
const ids = (items) => items.map((e) => e.id);

// The words a person reads in <main> (with every details element open), email addresses left out.
const rawCodes = (page) => page.evaluate((src) => {
  document.querySelectorAll('main details').forEach((d) => { d.open = true; });
  const words = document.querySelector('main').innerText.replace(/\S+@\S+/g, ' ');
  return [...words.matchAll(new RegExp(src, 'g'))].map((m) => m[0]);
}, CODE.source);

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
  demo.practice = await apiLogin(server, 'practice@demo.flexpool.test');
  demo.icb = await apiLogin(server, 'icb@demo.flexpool.test');
  demo.clinician = await apiLogin(server, 'clinician001@demo.flexpool.test');
  const me = await api(demo.practice, 'GET', '/me');
  demo.practiceId = me.roles.find((r) => r.role === 'practice_manager').organisation_id;
  const before = await api(demo.practice, 'GET', '/audit?limit=200');
  // A weekly series of 26 GP sessions from a week ahead: an entry each (shift.create), so the
  // practice's trail has more than one page of 25 whatever the demo holds.
  const start = new Date(Date.now() + 7 * 86400e3);
  start.setUTCHours(9, 0, 0, 0);
  const posted = await api(demo.practice, 'POST', '/shifts', {
    practice_id: demo.practiceId, role: 'gp', starts_at: start.toISOString().replace('.000Z', 'Z'),
    ends_at: new Date(start.getTime() + 3.5 * 3600e3).toISOString().replace('.000Z', 'Z'),
    rate_pence: 32321, rate_unit: 'session', description: 'Audit trail test', repeat: { every: 'week', count: 26 },
  });
  const series = posted.items;
  assert.equal(series.length, 26, 'the series is 26 shifts');
  // A clinician books the first (booking.create), then the practice manager withdraws the second.
  demo.booking = await api(demo.clinician, 'POST', `/shifts/${series[0].id}/booking`);
  demo.withdrawn = series[1].id;
  demo.last = series[25].id;
  await api(demo.practice, 'DELETE', `/shifts/${demo.withdrawn}`);
  const now = await api(demo.practice, 'GET', '/audit?limit=200');
  assert.ok(now.items.length >= before.items.length + 28, 'the API records the series, the booking and the withdrawal in the practice\'s trail');
});
after(() => stopServerAndBrowser(server, browser));

describe('the practice manager', () => {
  let page, name;
  before(async () => { ({ page, name } = await signedInPage(browser, server, 'practice@demo.flexpool.test')); });
  after(() => page.context().close());

  test('reaches the trail from the account page; the newest entry is their withdrawal, in words, with what changed', async () => {
    // Not in the practice manager's long header, but on the account page.
    assert.equal(await page.locator('.nhsuk-header__navigation-link[href="/audit"]').count(), 0);
    await page.click('#fp-user-name');
    await drawn(page);
    await page.click('#account-audit');
    await page.waitForURL((u) => u.pathname === '/audit');
    await drawn(page);
    assert.equal(await text(page, 'main h1'), 'Audit trail');
    const intro = await text(page, 'main');
    assert.match(intro, /Every change to your practice's shifts and bookings: who made it and when\. A CQC inspection may ask for it\./);
    assert.match(intro, /append-only: each change adds an entry, and nothing in it can be changed or deleted/);

    const api1 = await api(demo.practice, 'GET', '/audit?limit=25');
    const newest = api1.items[0];
    assert.equal(newest.action, 'shift.withdraw');
    assert.equal(newest.entity_id, demo.withdrawn);
    const rows = await entries(page);
    assert.deepEqual(ids(rows), ids(api1.items), 'the page shows the API\'s first page, newest first');
    assert.deepEqual(rows.map((r) => r.datetime), api1.items.map((e) => e.at));
    assert.deepEqual(rows[0], { id: newest.id, datetime: newest.at, when: ukWhen(newest.at), who: name, what: `Shift ${demo.withdrawn} withdrawn` });
    // The series' postings are there too, by the same person.
    const created = rows.find((r) => r.what === `Shift ${demo.last} posted`);
    assert.ok(created, 'the last shift of the series\' posting is listed');
    assert.equal(created.who, name);
    assert.equal(await text(page, '.fp-page-summary'), 'Showing 1 to 25 entries');

    // The details of the withdrawal: the status before and after, in words.
    const details = page.locator(`details[data-audit-id="${newest.id}"]`);
    assert.equal(await details.evaluate((d) => d.open), false);
    await details.locator('summary').click();
    assert.equal(await details.evaluate((d) => d.open), true);
    assert.equal(await text(page, `details[data-audit-id="${newest.id}"] .nhsuk-details__text`), 'Status Open \u2192 Withdrawn');
    // The booking's entry: a new record, each field once.
    const booked = api1.items.find((e) => e.action === 'booking.create' && e.entity_id === demo.booking.id);
    assert.ok(booked, 'the booking is in the first page');
    assert.equal(rows.find((r) => r.id === booked.id).what, `Booking ${demo.booking.id} made`);
    await page.locator(`details[data-audit-id="${booked.id}"] summary`).click();
    const bookedText = await text(page, `details[data-audit-id="${booked.id}"] .nhsuk-details__text`);
    assert.match(bookedText, new RegExp(`Shift number ${booked.after.shift_id}\\b`));
    assert.match(bookedText, /Status Confirmed/);
    assert.doesNotMatch(bookedText, /\u2192/, 'nothing was before a new booking');

    assert.deepEqual(await rawCodes(page), [], 'no raw code on the page, details open');
    await checkAccessibility(page, 'the audit trail (practice manager, desktop)');
    await screenshot(page, 'audit-practice');
    assertNoProblems(page);
  });

  test('filters by what changed and by record number, as the API does, in the URL; Back undoes it', async () => {
    await open(page, '/audit');
    const all = await entries(page);
    assert.ok(all.some((r) => r.what.startsWith('Shift ')), 'the whole trail has shifts');
    await page.selectOption('#audit-filters-entity', 'booking');
    await page.click('#audit-filters-apply');
    await page.waitForURL((u) => u.searchParams.get('entity') === 'booking');
    await drawn(page);
    const bookings = await api(demo.practice, 'GET', '/audit?entity=booking&limit=25');
    assert.ok(bookings.items.length >= 1);
    const rows = await entries(page);
    assert.deepEqual(ids(rows), ids(bookings.items));
    assert.ok(rows.every((r) => /^Booking \d+ /.test(r.what)), `only bookings: ${rows.map((r) => r.what).join(' | ')}`);
    assert.match(await text(page, '#audit-filters-active'), /Showing only what changed: Booking\./);
    assert.equal(await page.inputValue('#audit-filters-entity'), 'booking');

    // Back: the whole trail again; Forward: the bookings.
    await page.goBack();
    await page.waitForURL((u) => !u.search);
    await drawn(page);
    assert.deepEqual(ids(await entries(page)), ids(all));
    await page.goForward();
    await page.waitForURL((u) => u.searchParams.get('entity') === 'booking');
    await drawn(page);
    assert.deepEqual(ids(await entries(page)), ids(bookings.items));

    // One record: the withdrawn shift's posting and withdrawal.
    await page.selectOption('#audit-filters-entity', 'shift');
    await page.fill('#audit-filters-entity_id', String(demo.withdrawn));
    await page.click('#audit-filters-apply');
    await page.waitForURL((u) => u.searchParams.get('entity_id') === String(demo.withdrawn) && u.searchParams.get('entity') === 'shift');
    await drawn(page);
    const one = await api(demo.practice, 'GET', `/audit?entity=shift&entity_id=${demo.withdrawn}&limit=25`);
    assert.deepEqual(one.items.map((e) => e.action), ['shift.withdraw', 'shift.create']);
    assert.deepEqual((await entries(page)).map((r) => [r.id, r.what]), one.items.map((e) => [e.id, `Shift ${demo.withdrawn} ${e.action === 'shift.create' ? 'posted' : 'withdrawn'}`]));
    assert.equal(await page.locator('#page-next').count(), 0, 'one page only');

    // A record number that is not a number is said, and nothing is listed.
    await page.fill('#audit-filters-entity_id', 'twelve');
    await page.click('#audit-filters-apply');
    await page.waitForURL((u) => u.searchParams.get('entity_id') === 'twelve');
    await drawn(page);
    assert.match(await text(page, '#audit-error'), /Enter the record number in figures/);
    assert.equal(await page.locator('#audit-entries').count(), 0);
    assertNoProblems(page);
  });

  test('pages through the trail as the API does', async () => {
    await open(page, '/audit');
    const first = await api(demo.practice, 'GET', '/audit?limit=25');
    assert.ok(first.next_cursor, 'the trail has a second page');
    const second = await api(demo.practice, 'GET', `/audit?limit=25&cursor=${first.next_cursor}`);
    await page.click('#page-next');
    await page.waitForURL((u) => u.searchParams.get('cursor') === String(first.next_cursor));
    await drawn(page);
    assert.deepEqual(ids(await entries(page)), ids(second.items));
    assert.equal(await text(page, '.fp-page-summary'), `Showing 26 to ${25 + second.items.length} entries`);
    assert.deepEqual(await rawCodes(page), [], 'no raw code on the second page');
    await page.click('#page-previous');
    await page.waitForURL((u) => !u.searchParams.get('cursor'));
    await drawn(page);
    assert.deepEqual(ids(await entries(page)), ids(first.items));
    assertNoProblems(page);
  });
});

describe('other people', () => {
  test('the commissioner reaches it from the header and reads their ICB\'s entries', async () => {
    const { page } = await signedInPage(browser, server, 'icb@demo.flexpool.test');
    await page.click('.nhsuk-header__navigation-link[href="/audit"]');
    await page.waitForURL((u) => u.pathname === '/audit');
    await drawn(page);
    assert.equal(await page.getAttribute('.nhsuk-header__navigation-link[href="/audit"]', 'aria-current'), 'page');
    assert.match(await text(page, 'main'), /Every change to the shifts and bookings of your ICB's practices: who made it and when\./);
    const first = await api(demo.icb, 'GET', '/audit?limit=25');
    assert.ok(first.items.length > 0);
    const rows = await entries(page);
    assert.deepEqual(ids(rows), ids(first.items));
    assert.ok(rows.some((r) => r.what === `Shift ${demo.withdrawn} withdrawn`), 'the practice\'s withdrawal is in the ICB\'s trail');
    assert.deepEqual(await rawCodes(page), [], 'no raw code on the commissioner\'s page');
    assertNoProblems(page);
    await page.context().close();
  });

  test('a clinician is refused, by the page and by the API', async () => {
    const { page } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test');
    assert.equal(await page.locator('.nhsuk-header__navigation-link[href="/audit"]').count(), 0);
    await open(page, '/account');
    assert.equal(await page.locator('#account-audit').count(), 0);
    await open(page, '/audit');
    assert.equal(await text(page, 'main h1'), 'You cannot use this page');
    assert.equal(await page.locator('#audit-entries').count(), 0);
    const r = await fetch(`${server.base}/api/v1/audit`, { headers: { Authorization: `Bearer ${demo.clinician}` } });
    assert.equal(r.status, 403);
    assert.equal((await r.json()).error.code, 'forbidden');
    assertNoProblems(page);
    await page.context().close();
  });

  test('the page at a phone\'s width: axe, details open', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test', { viewport: PHONE });
    await open(page, '/audit');
    const first = await api(demo.practice, 'GET', '/audit?limit=25');
    assert.deepEqual(ids(await entries(page)), ids(first.items));
    // The filters fold away on a phone.
    assert.equal(await page.locator('.fp-filter-details').evaluate((d) => d.open), false);
    await page.locator(`details[data-audit-id="${first.items[0].id}"] summary`).click();
    await checkAccessibility(page, 'the audit trail (practice manager, phone)');
    await screenshot(page, 'audit-practice-phone');
    assertNoProblems(page);
    await page.context().close();
  });
});
