// Direct offers (issue 12) in a real browser against the demo: a clinician says they can work
// Sunday evenings; the practice posts a Sunday evening shift, opens "Offer this shift" from the
// shift's page (Find cover for the shift's own hours), ticks the clinician and sends the offer
// (nothing ticked is refused in the NHS error pattern); the shift's page lists the offer waiting;
// the clinician accepts it on their Offers page and is booked; the practice sees them booked and the
// offer accepted. axe-core on each page as it is used.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, postShift, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

let server, browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

// Days from today to the first Sunday at least `min` days ahead (in UK dates).
function sundayAfter(min) {
  for (let d = min; ; d++) if (new Date(`${ukDateParts(d).iso}T12:00:00Z`).getUTCDay() === 0) return d;
}

test('a practice offers a shift; the clinician accepts it and is booked; both see it', { timeout: 240000 }, async () => {
  // The clinician (within reach of the demo practice) can work Sunday evenings.
  const { page: cl, name } = await signedInPage(browser, server, 'clinician007@demo.flexpool.test');
  await open(cl, '/availability');
  await cl.selectOption('#hours-day', 'sunday');
  await cl.fill('#hours-start', '06:00');
  await cl.fill('#hours-end', '24:00');
  await cl.click('#hours-form button[type="submit"]');
  await cl.waitForSelector('#own-hours-table');
  const me = await cl.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));

  // The practice posts a Sunday evening shift and offers it from the shift's page.
  const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  const shiftId = await postShift(pm, { date: ukDateParts(sundayAfter(50)), start: '19:05', end: '21:05' });
  await pm.click('#offer-action a');
  await pm.waitForSelector('#offer-form');
  assert.match(await pm.textContent('main'), /Offering the GP shift on/);
  await pm.click('#send-offers');
  await pm.waitForSelector('#offer-form .nhsuk-error-summary');
  assert.match(await pm.textContent('#offer-form .nhsuk-error-summary'), /Tick at least one clinician/);
  await checkAccessibility(pm, 'find cover for a shift, with the error');
  await pm.check(`#offer-${me.clinician_id}`);
  await pm.click('#send-offers');
  await pm.waitForURL(new RegExp(`/practice/shifts/${shiftId}$`));
  await pm.waitForSelector('.nhsuk-notification-banner--success');
  assert.match(await pm.textContent('.nhsuk-notification-banner--success'), new RegExp(`Offered to ${name}`));
  assert.match(await pm.textContent('#offers'), new RegExp(`${name}[\\s\\S]*Waiting for an answer`));
  await checkAccessibility(pm, 'the shift with an offer waiting');

  // The clinician finds it under Offers in the menu, and accepts.
  await open(cl, '/shifts');
  await cl.click('.nhsuk-header__navigation-link[href="/offers"]');
  await cl.waitForSelector('#offer-list');
  assert.match(await cl.textContent('#offer-list'), /Waiting for your answer/);
  await checkAccessibility(cl, 'the clinician\'s offers');
  await cl.click('#offer-list button[id^="accept-"]');
  await cl.waitForSelector('.nhsuk-notification-banner--success');
  assert.match(await cl.textContent('.nhsuk-notification-banner--success'), /You are booked/);
  assert.match(await cl.textContent('#offer-list'), /Accepted: you are booked/);
  await open(cl, '/bookings');
  assert.match(await cl.textContent('#booking-list'), /19:05 to 21:05/);

  // The practice sees the clinician booked and the offer accepted.
  await open(pm, `/practice/shifts/${shiftId}`);
  assert.equal((await pm.textContent('#booked-clinician')).trim(), name);
  assert.match(await pm.textContent('#offers'), /Accepted/);
  await checkAccessibility(pm, 'the shift booked through an offer');
  await assertNoProblems(cl);
  await assertNoProblems(pm);
});

test('a practice withdraws an offer after a page that says what will happen', { timeout: 240000 }, async () => {
  // clinician007 said above that they can work Sunday evenings.
  const { page: cl } = await signedInPage(browser, server, 'clinician007@demo.flexpool.test');
  const me = await cl.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
  const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  const shiftId = await postShift(pm, { date: ukDateParts(sundayAfter(64)), start: '19:10', end: '21:10' });
  await pm.click('#offer-action a');
  await pm.waitForSelector('#offer-form');
  await pm.check(`#offer-${me.clinician_id}`);
  await pm.click('#send-offers');
  await pm.waitForURL(new RegExp(`/practice/shifts/${shiftId}$`));
  await pm.waitForSelector('#offers a[id^="withdraw-offer-"]');
  await pm.click('#offers a[id^="withdraw-offer-"]');
  await pm.waitForSelector('#withdraw-offer-form');
  assert.match(await pm.textContent('#confirm-consequences'), /can no longer accept it/);
  await checkAccessibility(pm, 'withdrawing an offer');
  await pm.click('#withdraw-offer');
  await pm.waitForURL(new RegExp(`/practice/shifts/${shiftId}$`));
  await pm.waitForSelector('.nhsuk-notification-banner--success');
  assert.match(await pm.textContent('.nhsuk-notification-banner--success'), /Offer withdrawn/);
  assert.match(await pm.textContent('#offers'), /Withdrawn/);
  // The clinician's offer says so.
  await open(cl, '/offers');
  assert.match(await cl.textContent('#offer-list'), /Withdrawn by the practice/);
  await assertNoProblems(pm);
  await assertNoProblems(cl);
});

test('ticks on one page of Find cover are kept on the next, and all ticked are offered', { timeout: 240000 }, async () => {
  // A Monday morning, when many of the demo's pool clinicians are free: more than one page of them.
  let monday = 71;
  while (new Date(`${ukDateParts(monday).iso}T12:00:00Z`).getUTCDay() !== 1) monday++;
  const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  const shiftId = await postShift(pm, { date: ukDateParts(monday), start: '09:15', end: '12:15' });
  await pm.click('#offer-action a');
  await pm.waitForSelector('#offer-form');
  const first = await pm.getAttribute('#offer-form input[name="offer"] >> nth=0', 'data-name');
  const firstId = await pm.getAttribute('#offer-form input[name="offer"] >> nth=0', 'id');
  await pm.check(`#${firstId}`);
  await pm.click('#page-next');
  await pm.waitForSelector(`#${firstId}`, { state: 'detached' }); // the next page is on screen
  await pm.waitForSelector('#offer-form');
  const second = await pm.getAttribute('#offer-form input[name="offer"] >> nth=0', 'data-name');
  await pm.check('#offer-form input[name="offer"] >> nth=0');
  assert.match(await pm.textContent('#ticked-elsewhere'), /also ticked 1 clinician on other pages/);
  await checkAccessibility(pm, 'find cover, ticks on another page');
  // Back on the first page, its tick is still there.
  await pm.goBack();
  await pm.waitForSelector(`#${firstId}`);
  assert.equal(await pm.isChecked(`#${firstId}`), true);
  await pm.click('#send-offers');
  await pm.waitForURL(new RegExp(`/practice/shifts/${shiftId}$`));
  await pm.waitForSelector('.nhsuk-notification-banner--success');
  assert.match(await pm.textContent('.nhsuk-notification-banner--success'), /Offered to 2 clinicians/);
  const offers = await pm.textContent('#offers');
  assert.ok(offers.includes(first) && offers.includes(second), `both offered: ${offers}`);
  await assertNoProblems(pm);
});
