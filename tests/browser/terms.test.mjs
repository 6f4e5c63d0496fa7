// Terms of engagement (issue 13) in a real browser against the demo: the clinician's shift page says
// the terms booking it runs on (the pool's, for an instant shift; their own, for an approval one)
// before the button that accepts them, and the booking keeps them; a practice's cancellation that
// owed a fee says so to the clinician; a clinician sets their own terms, the form refusing bands in
// the wrong order in the NHS error pattern first; the pool administrator reads and changes the
// pool's defaults; the practice meets what cancelling now would cost before it cancels, and the
// cancelled booking shows the fee. axe on every page visited.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PASSWORD, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, apiCall, apiLogin
} from './helpers.mjs';

let server, browser;
const demo = {};
const POOL_TERMS = 'Payment within 30 days. If the practice cancels: 50% of the fee with less than 7 days\' notice, 100% with less than 48 hours\' notice. Mileage can be claimed. Other expenses cannot be claimed.';
const DAY = 86400e3;
const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();

const api = (token, method, path, body) => apiCall(server, token, method, path, body);
const login = (email) => apiLogin(server, email);

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
  // Two GP shifts at the demo practice, weeks ahead in the evening (no demo booking clashes):
  // one booked instantly, one the practice approves.
  demo.pm = await login('practice@demo.flexpool.test');
  const me = await api(demo.pm, 'GET', '/me');
  const practiceId = me.roles.find((r) => r.role === 'practice_manager').organisation_id;
  const at = (days, hour) => { const t = new Date(Date.now() + days * DAY); t.setUTCHours(hour, 0, 0, 0); return t.getTime(); };
  const post = (start, mode) => api(demo.pm, 'POST', '/shifts', {
    practice_id: practiceId, role: 'gp', starts_at: iso(start), ends_at: iso(start + 2 * 3600e3), rate_pence: 9000, rate_unit: 'hour', booking_mode: mode,
  });
  demo.instant = (await post(at(40, 19), 'instant')).id;
  demo.approval = (await post(at(41, 19), 'approval')).id;
  // A booking the practice cancels a few days ahead, inside the pool's 7 days' notice: it owes 50%
  // of the fee. (The first evening clinician001 may book: the demo's own bookings vary.)
  const clinician = await login('clinician001@demo.flexpool.test');
  for (let days = 3; days <= 6 && !demo.fined; days++) {
    const shift = await post(at(days, 19), 'instant');
    try {
      const booking = await api(clinician, 'POST', `/shifts/${shift.id}/booking`);
      await api(demo.pm, 'POST', `/bookings/${booking.id}/cancellation`, { reason: 'The room is needed for a training session.' });
      demo.fined = { shift: shift.id, booking: booking.id };
    } catch { /* refused (a clash with the demo's bookings): the next day */ }
  }
});
after(() => stopServerAndBrowser(server, browser));

describe('terms of engagement', () => {
  test('a clinician reads the terms before booking, and the booking keeps them', async () => {
    // clinician001 keeps terms of their own (the demo's), but an instant booking runs on the pool's.
    const { page } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test');
    await open(page, `/shifts/${demo.instant}`);
    assert.equal(await page.locator('#book-form #shift-terms').count(), 1, 'the terms are in the booking form, before its button');
    const said = await text(page, '#shift-terms');
    assert.match(said, /^Terms of engagement/);
    assert.ok(said.includes(POOL_TERMS), `the pool's terms in words: ${said}`);
    assert.match(said, /These are the pool's default terms\. By booking this shift you accept these terms\./);
    await checkAccessibility(page, 'a shift with its terms');
    await screenshot(page, 'terms-shift');
    await page.click('#book-button');
    await page.waitForSelector('#fp-panel');
    assert.match(await text(page, 'main'), /Terms agreed\s*Payment within 30 days\..*\(the pool's default terms\)/);
    await checkAccessibility(page, 'a shift booked, with its terms');
    // The shift page of the booking says the terms it runs on.
    await open(page, `/shifts/${demo.instant}`);
    const kept = await text(page, '#booking-terms');
    assert.ok(kept.startsWith(`Terms agreed ${POOL_TERMS}`), kept);
    await checkAccessibility(page, 'a booked shift with its terms');

    // A booking the practice cancelled late: the fee it owes, on the shift's page.
    assert.ok(demo.fined, 'the practice cancelled a booking of clinician001 a few days ahead');
    const fined = await page.evaluate(async (id) => (await fetch(`/api/v1/bookings/${id}`)).json(), demo.fined.booking);
    assert.equal(fined.cancellation_fee_pence, 9000, 'half of the 2 hours\' fee at £90 an hour');
    await open(page, `/shifts/${fined.shift_id}`);
    const cancelled = await text(page, `#cancelled-booking-${fined.id}`);
    assert.match(cancelled, /The practice cancelled your booking on/);
    assert.ok(cancelled.includes('Under the terms agreed, the practice owes you a cancellation fee of £90.00 (the agreed fee was £180.00).'), cancelled);
    assert.match(cancelled, /The reason given: The room is needed for a training session\./);
    await checkAccessibility(page, 'a cancelled booking with the fee owed');
    await screenshot(page, 'terms-cancelled-booking');
    assertNoProblems(page);
  });

  test('a clinician sets their own terms, in order', async () => {
    const { page } = await signedInPage(browser, server, 'clinician002@demo.flexpool.test');
    await open(page, '/invoices');
    await page.click('#terms-link');
    await page.waitForSelector('#my-terms-form');
    assert.equal(await text(page, 'h1'), 'My terms of engagement');
    assert.match(await text(page, '#terms-now'), /You have not set your own terms\. Until you do, all your bookings run on each pool's default terms\./);
    await checkAccessibility(page, 'my terms of engagement');
    await page.fill('#payment_days', '21');
    // The shorter notice first: refused on the page, nothing sent.
    await page.fill('#band1_hours', '48');
    await page.fill('#band1_percent', '100');
    await page.fill('#band2_hours', '168');
    await page.fill('#band2_percent', '50');
    await page.check('#mileage');
    await page.click('#my-terms-form-save');
    await page.waitForSelector('.nhsuk-error-summary');
    assert.match(await text(page, '.nhsuk-error-summary'), /Put the cancellation fees in order: the longest notice first/);
    assert.match(await text(page, '#cancellation-error'), /Put the cancellation fees in order/);
    assert.equal((await page.evaluate(async () => (await fetch('/api/v1/me/terms')).json())).kept, false, 'nothing was saved');
    await checkAccessibility(page, 'my terms of engagement, with an error');
    await screenshot(page, 'terms-mine-errors');
    // A row half filled in is its own problem.
    await page.fill('#band3_hours', '12');
    await page.click('#my-terms-form-save');
    await page.waitForFunction(() => /Enter the percentage of the fee for cancellation fee 3/.test(document.querySelector('.nhsuk-error-summary').textContent));
    await page.fill('#band3_hours', '');
    await page.fill('#band1_hours', '168');
    await page.fill('#band1_percent', '50');
    await page.fill('#band2_hours', '48');
    await page.fill('#band2_percent', '100');
    assert.equal(await page.locator('#cancellation-error').isHidden(), true, 'the order\'s message goes once the rows are right');
    await page.click('#my-terms-form-save');
    await page.waitForSelector('.nhsuk-notification-banner--success');
    const mine = 'Payment within 21 days. If the practice cancels: 50% of the fee with less than 7 days\' notice, 100% with less than 48 hours\' notice. Mileage can be claimed. Other expenses cannot be claimed.';
    assert.ok((await text(page, '#terms-now')).endsWith(mine), await text(page, '#terms-now'));
    assert.match(await text(page, '#terms-now'), /^Information: Your terms \(saved on /);
    assert.equal(await page.inputValue('#band2_hours'), '48');
    assert.equal(await page.isChecked('#mileage'), true);
    await checkAccessibility(page, 'my terms of engagement, saved');
    await screenshot(page, 'terms-mine');
    // A shift the practice approves now says the clinician's own terms.
    await open(page, `/shifts/${demo.approval}`);
    const said = await text(page, '#shift-terms');
    assert.ok(said.includes(mine), said);
    assert.match(said, /These are your own terms\. If the practice accepts your application, the booking runs on these terms\./);
    await checkAccessibility(page, 'an approval shift with my terms');
    assertNoProblems(page);
  });

  test('the pool administrator changes the pool\'s default terms', async () => {
    const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(page, '/pool');
    await page.click('.fp-views a[href^="/pool/terms"]');
    await page.waitForSelector('#pool-terms-form');
    assert.match(await text(page, 'h1'), /Default terms of engagement$/);
    assert.match(await text(page, 'main'), /every shift a clinician books instantly, and every booking a practice approves .* of a clinician who has not set terms of their own/);
    assert.ok((await text(page, '#terms-now')).endsWith(POOL_TERMS), await text(page, '#terms-now'));
    assert.equal(await page.inputValue('#band1_hours'), '168');
    assert.equal(await page.inputValue('#band2_percent'), '100');
    await checkAccessibility(page, 'the pool\'s default terms');
    await screenshot(page, 'terms-pool');
    await page.fill('#payment_days', '120');
    await page.click('#pool-terms-form-save');
    await page.waitForSelector('.nhsuk-error-summary');
    assert.match(await text(page, '.nhsuk-error-summary'), /Enter the days to pay as a whole number from 1 to 90/);
    await checkAccessibility(page, 'the pool\'s default terms, with an error');
    await page.fill('#payment_days', '45');
    await page.fill('#band1_hours', '336');
    await page.fill('#band1_percent', '25');
    await page.fill('#band2_hours', '168');
    await page.fill('#band2_percent', '50');
    await page.fill('#band3_hours', '48');
    await page.fill('#band3_percent', '100');
    await page.uncheck('#mileage');
    // The staff-sharing agreement practices accept with the terms: the demo's, then changed.
    assert.match(await page.inputValue('#sharing_agreement'), /^Staff-sharing agreement between the pool's host/);
    await page.fill('#sharing_agreement', 'The practice directs the clinical work; CNSGP covers the NHS work done for it.');
    await page.click('#pool-terms-form-save');
    await page.waitForSelector('.nhsuk-notification-banner--success');
    const now = 'Payment within 45 days. If the practice cancels: 25% of the fee with less than 14 days\' notice, 50% with less than 7 days\' notice, 100% with less than 48 hours\' notice. Mileage cannot be claimed. Other expenses cannot be claimed.';
    assert.ok((await text(page, '#terms-now')).endsWith(now), await text(page, '#terms-now'));
    const kept = await page.evaluate(async () => (await fetch('/api/v1/me')).json().then(async (me) => {
      const id = me.roles.find((r) => r.role === 'pool_admin').pool_id;
      return (await fetch(`/api/v1/pools/${id}/terms`)).json();
    }));
    assert.deepEqual(kept.cancellation, [{ notice_hours: 336, fee_percent: 25 }, { notice_hours: 168, fee_percent: 50 }, { notice_hours: 48, fee_percent: 100 }]);
    assert.equal(kept.payment_days, 45);
    assert.equal(kept.sharing_agreement, 'The practice directs the clinical work; CNSGP covers the NHS work done for it.');
    await checkAccessibility(page, 'the pool\'s default terms, saved');
    assertNoProblems(page);
  });

  test('the practice accepts the pool\'s terms when it posts, and sees an applicant\'s own before accepting', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(page, '/practice/shifts/new');
    // The pool's terms and agreement as they are now (the test before may have changed them).
    const kept = await page.evaluate(async () => {
      const me = await (await fetch('/api/v1/me')).json();
      const org = await (await fetch(`/api/v1/organisations/${me.roles.find((r) => r.role === 'practice_manager').organisation_id}`)).json();
      return (await fetch(`/api/v1/pools/${org.rate_policy_pool_id}/terms`)).json();
    });
    const said = await text(page, '#posting-terms');
    assert.match(said, new RegExp(`Bookings made through West Yorkshire GP Flexible Staff Pool run on its terms: Payment within ${kept.payment_days} days\\.`));
    await page.click('#posting-terms summary');
    assert.equal(await text(page, '#posting-terms .nhsuk-details__text'), kept.sharing_agreement.replace(/\s+/g, ' ').trim());
    // Said before the button that posts.
    assert.ok(await page.evaluate(() => !!(document.getElementById('posting-terms').compareDocumentPosition(document.getElementById('post-shift')) & Node.DOCUMENT_POSITION_FOLLOWING)));
    await checkAccessibility(page, 'posting a shift, with the terms it accepts');
    // clinician001 keeps terms of their own (the demo's: 14 days to pay): applying, they are what
    // accepting would agree to, said in the list of applicants.
    const me = await api(demo.pm, 'GET', '/me');
    const practiceId = me.roles.find((r) => r.role === 'practice_manager').organisation_id;
    const start = new Date(Date.now() + 42 * DAY);
    start.setUTCHours(19, 0, 0, 0);
    const shift = await api(demo.pm, 'POST', '/shifts', {
      practice_id: practiceId, role: 'gp', starts_at: iso(start.getTime()), ends_at: iso(start.getTime() + 2 * 3600e3), rate_pence: 9000, rate_unit: 'hour', booking_mode: 'approval',
    });
    await api(await login('clinician001@demo.flexpool.test'), 'POST', `/shifts/${shift.id}/applications`, {});
    await open(page, `/practice/shifts/${shift.id}`);
    const row = await text(page, '#applicants tbody tr');
    assert.match(row, /Payment within 14 days\..*\(the clinician's own terms\)/);
    await checkAccessibility(page, 'applicants with the terms accepting agrees to');
    assertNoProblems(page);
  });

  test('the practice is told what cancelling now would cost, before it cancels', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const upcoming = await page.evaluate(async () => (await (await fetch('/api/v1/bookings?status=confirmed&when=upcoming&sort=starts_at&limit=200')).json()).items);
    const soon = Date.now() + 3600e3;
    const owed = upcoming.find((b) => b.terms && new Date(b.starts_at) > soon && b.practice_cancellation_fee_now && b.practice_cancellation_fee_now.pence > 0);
    const free = upcoming.find((b) => b.terms && b.terms.cancellation.length && b.practice_cancellation_fee_now && b.practice_cancellation_fee_now.pence === 0);
    assert.ok(owed && free, 'the demo has future bookings at the practice inside and outside the notice');
    const pounds = (pence) => `£${(pence / 100).toFixed(2)}`;
    const fee = owed.practice_cancellation_fee_now;

    // Outside the notice: nothing owed yet, and when that changes.
    await open(page, `/practice/shifts/${free.shift_id}`);
    assert.match(await text(page, '#cancellation-fee-now'),
      /^Under the terms agreed, the practice owes no cancellation fee if it cancels now\. From .* \(UK time\), it would owe \d+% of the fee\.$/);
    assert.ok((await text(page, '#booked-terms')).startsWith('Payment within'), 'the terms agreed are on the booking');
    await checkAccessibility(page, 'a booked shift with its terms');

    await open(page, `/practice/shifts/${owed.shift_id}`);
    await page.click('#practice-cancel-action a');
    await page.waitForSelector('#practice-cancel-form');
    const first = await text(page, '#cancellation-fee-now');
    assert.ok(first.startsWith(`Under the terms agreed, cancelling now means the practice owes the clinician ${pounds(fee.pence)} (${fee.percent}% of the fee).`), first);
    // Said up front: before what will happen and before the button.
    assert.ok(await page.evaluate(() => {
      const said = document.getElementById('cancellation-fee-now');
      const button = document.getElementById('practice-cancel');
      return !!(said.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING);
    }), 'the fee is said before the button');
    assert.match(await text(page, '#confirm-consequences'), new RegExp(`owes ${owed.clinician_name} a cancellation fee of ${pounds(fee.pence).replace('.', '\\.')}`));
    await checkAccessibility(page, 'cancelling a booking, with the fee owed');
    await screenshot(page, 'terms-practice-cancel');
    await page.fill('#reason', 'The session is no longer needed.');
    await page.click('#practice-cancel');
    await page.waitForSelector('.nhsuk-notification-banner--success');
    const cancelled = await page.evaluate(async (id) => (await fetch(`/api/v1/bookings/${id}`)).json(), owed.id);
    assert.ok(cancelled.cancellation_fee_pence > 0);
    assert.match(await text(page, '.nhsuk-notification-banner--success'), new RegExp(`cancellation fee of ${pounds(cancelled.cancellation_fee_pence).replace('.', '\\.')}`));
    assert.match(await text(page, '#cancelled-bookings'), new RegExp(`The practice.*${pounds(cancelled.cancellation_fee_pence).replace('.', '\\.')}`));
    await checkAccessibility(page, 'a shift with a cancelled booking and its fee');
    await screenshot(page, 'terms-practice-cancelled');
    assertNoProblems(page);
  });
});
