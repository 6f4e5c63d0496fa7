// Every page, for every role, at desktop width and on a 390 px phone: axe-core finds no WCAG 2.2
// A/AA violations, the page asks nothing of any other origin, and a screenshot is saved under
// $FP_BUILD_DIR/screenshots/. Forms are also checked with their error summaries showing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, DESKTOP, newPage, open, PHONE, postShift, screenshot, signIn, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

let server, browser;
const ids = {};

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
  // A booked shift and an application, so that every page has something to show.
  const pm = await newPage(browser, server);
  await signIn(pm, 'practice@demo.flexpool.test');
  { const t = new Date(Date.now() + 3 * 86400e3); t.setUTCDate(t.getUTCDate() + ((8 - t.getUTCDay()) % 7)); ids.monday = t.toISOString().slice(0, 10); }
  ids.instant = await postShift(pm, { date: ukDateParts(50), start: '19:05', end: '21:05' });
  ids.approval = await postShift(pm, { date: ukDateParts(51), start: '19:05', end: '21:05', mode: 'approval' });
  ids.tiered = await postShift(pm, { date: ukDateParts(52), start: '19:05', end: '21:05', release: 'tiered' });
  const cl = await newPage(browser, server);
  await signIn(cl, 'clinician005@demo.flexpool.test');
  await open(cl, `/shifts/${ids.instant}`);
  await cl.click('#book-button');
  await cl.waitForSelector('.nhsuk-panel');
  await open(cl, `/shifts/${ids.approval}`);
  await cl.click('#book-button');
  await cl.waitForSelector('.nhsuk-panel');
  await open(cl, '/bookings');
  const href = await cl.getAttribute(`#booking-list a[href$="/cancel"]`, 'href');
  ids.booking = Number(href.split('/')[2]);
  // A Monday morning shift eight weeks ahead offered to clinician005 (issue 12): their Offers page,
  // the shift's offers and Find cover for the shift (where pool clinicians are free on weekday mornings).
  let monday = 56;
  while (new Date(`${ukDateParts(monday).iso}T12:00:00Z`).getUTCDay() !== 1) monday++;
  ids.offered = await postShift(pm, { date: ukDateParts(monday), start: '09:05', end: '12:05' });
  const clinicianId = (await cl.evaluate(() => fetch('/api/v1/me').then((r) => r.json()))).clinician_id;
  const sent = await pm.evaluate(async ({ shift, clinician }) => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch(`/api/v1/shifts/${shift}/offers`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ clinician_ids: [clinician] }) });
    return { status: r.status, offer: r.status === 201 ? (await r.json()).items[0].id : null };
  }, { shift: ids.offered, clinician: clinicianId });
  assert.equal(sent.status, 201);
  ids.offer = sent.offer;
  await pm.context().close();
  await cl.context().close();
});
after(() => stopServerAndBrowser(server, browser));

// [account or null, name, path, optional action before the check]
const submitEmpty = (form) => async (page) => {
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector('.nhsuk-error-summary');
};
const PAGES = [
  [null, 'sign-in', '/sign-in'],
  [null, 'sign-in-errors', '/sign-in', submitEmpty('#sign-in-form')],
  [null, 'session-ended', '/sign-in?ended=1'],
  [null, 'register', '/register'],
  [null, 'register-errors', '/register', submitEmpty('#register-form')],
  [null, 'privacy', '/privacy'],
  [null, 'accessibility', '/accessibility'],
  [null, 'demo-mailbox', '/demo/mailbox'],
  [null, 'not-found', '/no-such-page'],
  ['clinician005@demo.flexpool.test', 'clinician-find-shifts', '/shifts'],
  ['clinician005@demo.flexpool.test', 'clinician-find-shifts-calendar', '/shifts?view=calendar'],
  ['clinician005@demo.flexpool.test', 'clinician-shift', () => `/shifts/${ids.instant}`],
  ['clinician005@demo.flexpool.test', 'clinician-bookings', '/bookings'],
  ['clinician005@demo.flexpool.test', 'clinician-bookings-calendar', '/bookings?view=calendar'],
  ['clinician005@demo.flexpool.test', 'clinician-cancel', () => `/bookings/${ids.booking}/cancel`],
  ['clinician005@demo.flexpool.test', 'clinician-applications', '/applications'],
  ['clinician005@demo.flexpool.test', 'clinician-offers', '/offers'],
  ['clinician005@demo.flexpool.test', 'clinician-pools', '/pools'],
  ['clinician005@demo.flexpool.test', 'clinician-availability', '/availability'],
  ['clinician005@demo.flexpool.test', 'clinician-availability-errors', '/availability', submitEmpty('#extra-form')],
  ['clinician005@demo.flexpool.test', 'clinician-alerts', '/alerts/settings'],
  ['clinician005@demo.flexpool.test', 'clinician-alerts-errors', '/alerts/settings', async (page) => {
    await page.fill('#quiet_start', '');
    await page.fill('#max_distance_miles', 'far');
    await submitEmpty('#alerts-form')(page);
  }],
  ['clinician005@demo.flexpool.test', 'account', '/account'],
  ['clinician005@demo.flexpool.test', 'change-password-errors', '/account/password', submitEmpty('#password-form')],
  ['practice@demo.flexpool.test', 'practice-shifts', '/practice'],
  ['practice@demo.flexpool.test', 'practice-shifts-booked', '/practice?state=booked'],
  ['practice@demo.flexpool.test', 'practice-post-shift', '/practice/shifts/new'],
  ['practice@demo.flexpool.test', 'practice-post-shift-errors', '/practice/shifts/new', submitEmpty('#post-shift-form')],
  ['practice@demo.flexpool.test', 'practice-shift-booked', () => `/practice/shifts/${ids.instant}`],
  ['practice@demo.flexpool.test', 'practice-shift-applicants', () => `/practice/shifts/${ids.approval}`],
  ['practice@demo.flexpool.test', 'practice-edit-shift', () => `/practice/shifts/${ids.approval}/edit`],
  ['practice@demo.flexpool.test', 'practice-edit-shift-errors', () => `/practice/shifts/${ids.approval}/edit`, async (page) => {
    await page.fill('#rate', '');
    await submitEmpty('#edit-shift-form')(page);
  }],
  ['practice@demo.flexpool.test', 'practice-profile', '/practice/profile'],
  ['practice@demo.flexpool.test', 'practice-shift-tiered', () => `/practice/shifts/${ids.tiered}`],
  ['practice@demo.flexpool.test', 'practice-settings', '/practice/settings'],
  ['practice@demo.flexpool.test', 'practice-settings-errors', '/practice/settings', async (page) => {
    await page.fill('#overflow_before_start_hours', '500');
    await page.click('#save-practice-settings');
  }],
  ['practice@demo.flexpool.test', 'practice-cover', () => `/practice/cover?date=${ids.monday}&session=morning&profession=gp`],
  ['practice@demo.flexpool.test', 'practice-cover-errors', '/practice/cover', submitEmpty('#cover-form')],
  // A date already past is refused in the form, before anything is asked of the server.
  ['practice@demo.flexpool.test', 'practice-cover-past-date', '/practice/cover', async (page) => {
    await page.fill('#cover-date-day', '6');
    await page.fill('#cover-date-month', '1');
    await page.fill('#cover-date-year', '2020');
    await page.click('#cover-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-error-summary');
    assert.match(await page.textContent('.nhsuk-error-summary'), /The date must be today or later/);
  }],
  ['practice@demo.flexpool.test', 'practice-clinicians', '/practice/clinicians'],
  ['practice@demo.flexpool.test', 'webhooks', '/webhooks'],
  ['practice@demo.flexpool.test', 'webhook-new-errors', '/webhooks', async (page) => {
    await page.click('a[id^="webhook-add-"]');
    await page.waitForSelector('#webhook-form');
    await submitEmpty('#webhook-form')(page);
  }],
  ['practice@demo.flexpool.test', 'webhook-secret', '/webhooks', async (page) => {
    await page.click('a[id^="webhook-add-"]');
    await page.waitForSelector('#webhook-form');
    await page.fill('#url', 'https://93.184.215.14/hooks');
    await page.check('#events');
    await page.click('#webhook-form button[type="submit"]');
    await page.waitForSelector('#webhook-secret');
  }],
  ['practice@demo.flexpool.test', 'webhook-refused', '/webhooks', async (page) => {
    await page.click('a[id^="webhook-add-"]');
    await page.waitForSelector('#webhook-form');
    await page.fill('#url', 'https://10.0.0.1/hooks');
    await page.check('#events');
    await page.click('#webhook-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-error-summary');
  }],
  ['pool@demo.flexpool.test', 'pool-webhooks', '/webhooks'],
  ['practice@demo.flexpool.test', 'practice-shift-offers', () => `/practice/shifts/${ids.offered}`],
  ['practice@demo.flexpool.test', 'practice-offer-withdraw', () => `/practice/offers/${ids.offer}/withdraw`],
  ['practice@demo.flexpool.test', 'practice-cover-offer', () => `/practice/cover?shift=${ids.offered}`],
  ['practice@demo.flexpool.test', 'practice-cover-offer-errors', () => `/practice/cover?shift=${ids.offered}`, async (page) => {
    await page.click('#send-offers');
    await page.waitForSelector('#offer-form .nhsuk-error-summary');
  }],
  ['pool@demo.flexpool.test', 'pool-capacity', '/capacity'],
  ['icb@demo.flexpool.test', 'commissioner-capacity', '/capacity'],
  ['pool@demo.flexpool.test', 'pool-funding', '/funding'],
  ['pool@demo.flexpool.test', 'pool-return', '/return'],
  ['icb@demo.flexpool.test', 'commissioner-funding', '/funding'],
  ['icb@demo.flexpool.test', 'commissioner-funding-errors', '/funding', submitEmpty('#funding-form')],
  ['icb@demo.flexpool.test', 'commissioner-return', '/return'],
  ['icb@demo.flexpool.test', 'commissioner-reports', '/reports'],
  ['pool@demo.flexpool.test', 'pool-admin', '/pool'],
  ['pool@demo.flexpool.test', 'pool-settings', '/pool/settings'],
  ['pool@demo.flexpool.test', 'pool-settings-errors', '/pool/settings', async (page) => {
    await page.fill('#min_rest', '14');
    await page.click('#save-pool-settings');
  }],
  ['icb@demo.flexpool.test', 'commissioner-overview', '/overview'],
  ['admin@demo.flexpool.test', 'sysadmin-overview', '/overview'],
  ['admin@demo.flexpool.test', 'admin-organisations', '/admin/organisations'],
  ['admin@demo.flexpool.test', 'admin-organisations-errors', '/admin/organisations', submitEmpty('#org-form')],
  ['admin@demo.flexpool.test', 'admin-users', '/admin/users'],
  ['admin@demo.flexpool.test', 'admin-users-errors', '/admin/users', submitEmpty('#user-form')],
];

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  describe(`every page at ${label} width`, () => {
    const pages = new Map();
    after(async () => { for (const p of pages.values()) await p.context().close(); });
    for (const [account, name, path, action] of PAGES) {
      test(`${name} has no accessibility violations`, async () => {
        const key = account || 'anonymous';
        if (!pages.has(key)) {
          const page = await newPage(browser, server, { viewport });
          if (account) await signIn(page, account);
          pages.set(key, page);
        }
        const page = pages.get(key);
        await open(page, typeof path === 'function' ? path() : path);
        if (action) await action(page);
        const h1 = await page.textContent('main h1');
        assert.ok(h1 && h1.trim().length > 0, 'the page has a main heading');
        await checkAccessibility(page, `${name} (${label})`);
        await screenshot(page, `${name}-${label}`);
        assertNoProblems(page);
      });
    }
  });
}

test('keyboard: the skip link is the first stop and moves to the main content', async () => {
  const page = await newPage(browser, server);
  await open(page, '/sign-in');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Skip to main content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id || document.activeElement.closest('main')?.id), 'maincontent');
  await page.context().close();
});
