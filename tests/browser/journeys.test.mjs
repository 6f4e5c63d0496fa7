// The marketplace in a real browser, each role on its own pages, asserting on what the pages show:
// a practice manager posts a shift, a clinician finds and books it, the practice sees the booking;
// an applicant is accepted; a clinician cancels and the shift is open again; a commissioner sees
// the numbers move.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, fillDate, newPage, open, PASSWORD, PHONE, postShift, screenshot, signedInPage, signIn, startServerAndBrowser, stopServerAndBrowser, ukDateParts, ukShortDate,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

// Each journey uses its own day, beyond the demo's four weeks of shifts, and an unusual time, so
// that it finds its own shift and nobody else's booking overlaps it.
describe('marketplace journeys', () => {
  test('a practice manager posts a shift, a clinician finds and books it on a phone, and the practice sees the booking', async () => {
    const date = ukDateParts(45);
    const { page: pm, name: pmName } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    assert.ok(pmName.length > 0);
    const shiftId = await postShift(pm, { date, start: '19:10', end: '21:40', description: 'Evening extended-access clinic' });
    assert.match(await pm.textContent('.nhsuk-notification-banner'), /Shift posted/);
    assert.match(await pm.textContent('#shift-status'), /Open/);
    const practiceName = (await pm.textContent('h1 .nhsuk-caption-l')).replace(' - ', '').trim();

    // The clinician, on a phone: find shifts on that day, open it, book it in one tap.
    const { page: cl, name: clinicianName } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test', { viewport: PHONE });
    await open(cl, '/shifts');
    await cl.click('.fp-filter-details summary').catch(() => {});
    // The dates go in as day, month and year (the NHS.UK date input, as on the posting form).
    await fillDate(cl, 'from', date.iso);
    await fillDate(cl, 'to', date.iso);
    await cl.click('#apply-filters');
    await cl.waitForURL(/from=/);
    await cl.waitForSelector('#shift-list, #result-count');
    const card = cl.locator('#shift-list .nhsuk-card', { hasText: '19:10 to 21:40' });
    await assert.doesNotReject(card.first().waitFor(), 'the new shift is in the clinician\'s search results');
    const cardText = await card.first().textContent();
    assert.match(cardText, new RegExp(`GP at ${practiceName}`));
    assert.match(cardText, new RegExp(ukShortDate(date.iso)));
    assert.match(cardText, /£323\.21 a session/);
    await card.first().locator('a.nhsuk-card__link').click();
    await cl.waitForURL(new RegExp(`/shifts/${shiftId}$`));
    await cl.waitForSelector('#book-button');
    assert.match(await cl.textContent('.fp-shift-summary'), /19:10 to 21:40 \(UK time\)/);
    assert.match(await cl.textContent('#estimated-fee'), /£323\.21 for 2 hours 30 minutes/);
    await screenshot(cl, 'journey-clinician-shift-phone');
    await cl.click('#book-button');
    await cl.waitForSelector('.nhsuk-panel');
    assert.match(await cl.textContent('.nhsuk-panel'), /Shift booked/);
    assert.match(await cl.textContent('main'), /Agreed fee\s*£323\.21/);
    await screenshot(cl, 'journey-clinician-booked-phone');

    // The booking is on the clinician's list.
    await open(cl, '/bookings');
    assert.match(await cl.textContent('#booking-list'), new RegExp(`GP at ${practiceName}[\\s\\S]*19:10 to 21:40`));

    // The practice manager sees who is booked (the list is paged: narrowed to the shift's day).
    await open(pm, `/practice?state=booked&from=${date.iso}&until=${date.iso}`);
    const row = pm.locator('#practice-shifts tr', { hasText: '19:10 to 21:40' });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(clinicianName));
    assert.match(await row.textContent(), /Booked/);
    await open(pm, `/practice/shifts/${shiftId}`);
    assert.equal((await pm.textContent('#booked-clinician')).trim(), clinicianName);
    assertNoProblems(pm);
    assertNoProblems(cl);
    await pm.context().close();
    await cl.context().close();
  });

  test('a clinician applies for a shift the practice approves, and the practice accepts them', async () => {
    const date = ukDateParts(46);
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const shiftId = await postShift(pm, { date, start: '18:20', end: '20:50', mode: 'approval' });

    const { page: cl, name: clinicianName } = await signedInPage(browser, server, 'clinician002@demo.flexpool.test');
    await open(cl, `/shifts/${shiftId}`);
    assert.match(await cl.textContent('main'), /The practice chooses from applicants/);
    await cl.click('#book-button');
    await cl.waitForSelector('.nhsuk-panel');
    assert.match(await cl.textContent('.nhsuk-panel'), /Application sent/);
    await open(cl, '/applications');
    const appRow = cl.locator('#applications-table tr', { hasText: '18:20 to 20:50' });
    assert.match(await appRow.textContent(), /Waiting for the practice/);

    // A second applicant, declined by the practice with a reason they then see.
    const { page: other, name: otherName } = await signedInPage(browser, server, 'clinician004@demo.flexpool.test');
    // The shift alerts the demo's upkeep may have sent them (issue 12) are read first: the count below is this journey's.
    await open(other, '/notifications');
    if (await other.$('#mark-all-read')) {
      await other.click('#mark-all-read');
      await other.waitForSelector('#mark-all-read', { state: 'detached' });
    }
    await open(other, `/shifts/${shiftId}`);
    await other.click('#book-button');
    await other.waitForSelector('.nhsuk-panel');

    await open(pm, `/practice/shifts/${shiftId}`);
    const applicant = pm.locator('#applicants tr', { hasText: clinicianName });
    await applicant.waitFor();
    assert.match(await applicant.textContent(), /Waiting/);
    await screenshot(pm, 'journey-practice-applicants');
    await pm.locator('#applicants tr', { hasText: otherName }).locator('a', { hasText: 'Decline' }).click();
    await pm.waitForSelector('#decline-form');
    await pm.fill('#reason', 'We need someone who knows EMIS');
    await checkAccessibility(pm, 'practice-decline-applicant');
    await pm.click('#confirm-decline');
    await pm.locator('.nhsuk-notification-banner--success', { hasText: 'Applicant declined' }).waitFor();
    // The clinician is told (issue 12: by email and in their notifications), and the page says so.
    assert.match(await pm.textContent('.nhsuk-notification-banner--success'), /has been told, with your reason, by email and in their notifications\./);
    assert.match(await pm.locator('#applicants tr', { hasText: otherName }).textContent(), /Declined/);
    await open(other, '/applications');
    assert.match(await other.locator('#applications-table tr', { hasText: '18:20 to 20:50' }).textContent(), /Declined.*We need someone who knows EMIS/);
    // It is true: the clinician's notifications say so, and the header counts it unread.
    assert.match(await other.textContent('#fp-unread'), /1/);
    await open(other, '/notifications');
    assert.match(await other.textContent('#notifications'), /Application declined[\s\S]*We need someone who knows EMIS/);
    await checkAccessibility(other, 'clinician-notifications');
    await screenshot(other, 'clinician-notifications-desktop');
    assertNoProblems(other);
    await other.context().close();
    await applicant.locator('button', { hasText: 'Accept' }).click();
    await pm.locator('.nhsuk-notification-banner--success', { hasText: 'Applicant accepted' }).waitFor();
    assert.match(await pm.textContent('.nhsuk-notification-banner--success'), /has been told, by email and in their notifications\. The other applicants have been told that someone else was chosen\./);
    assert.equal((await pm.textContent('#booked-clinician')).trim(), clinicianName);
    assert.match(await pm.textContent('#shift-status'), /Booked/);

    await open(cl, '/applications');
    assert.match(await cl.locator('#applications-table tr', { hasText: '18:20 to 20:50' }).textContent(), /Accepted: booked/);
    await open(cl, '/bookings');
    assert.match(await cl.textContent('#booking-list'), /18:20 to 20:50/);
    assertNoProblems(pm);
    assertNoProblems(cl);
    await pm.context().close();
    await cl.context().close();
  });

  test('a clinician cancels with a reason and the shift is open again', async () => {
    const date = ukDateParts(47);
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const shiftId = await postShift(pm, { date, start: '17:35', end: '19:35' });

    const { page: cl } = await signedInPage(browser, server, 'clinician003@demo.flexpool.test');
    await open(cl, `/shifts/${shiftId}`);
    await cl.click('#book-button');
    await cl.waitForSelector('.nhsuk-panel');
    await open(cl, '/bookings');
    const item = cl.locator('#booking-list li.fp-result', { hasText: '17:35 to 19:35' });
    await item.locator('a', { hasText: 'Cancel this booking' }).click();
    // The confirmation page (web/js/confirm.js) says what will happen before anything does.
    await cl.waitForSelector('#confirm-form');
    assert.match(await cl.textContent('#confirm-consequences'), /opens again for other clinicians to book/);
    // No reason: the error summary links to the field.
    await cl.click('#confirm-button');
    await cl.waitForSelector('.nhsuk-error-summary');
    assert.match(await cl.textContent('.nhsuk-error-summary'), /Enter why you are cancelling/);
    assert.equal(await cl.getAttribute('.nhsuk-error-summary a', 'href'), '#reason');
    await screenshot(cl, 'journey-clinician-cancel-error');
    await cl.fill('#reason', 'Called in to my own practice that evening');
    await cl.click('#confirm-button');
    await cl.waitForURL(/\/bookings$/);
    await cl.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await cl.textContent('.nhsuk-notification-banner'), /Booking cancelled[\s\S]*open again/);
    assert.equal(await cl.locator('#booking-list li.fp-result', { hasText: '17:35 to 19:35' }).count(), 0);

    // The shift is open again, for the clinician and for the practice.
    await open(cl, `/shifts/${shiftId}`);
    assert.match(await cl.textContent('main'), /Open/);
    await cl.waitForSelector('#book-button');
    await open(pm, `/practice/shifts/${shiftId}`);
    assert.match(await pm.textContent('#shift-status'), /Open/);
    assert.match(await pm.textContent('#cancelled-bookings'), /The clinician[\s\S]*Called in to my own practice/);
    await open(pm, `/practice?state=open&from=${date.iso}&until=${date.iso}`);
    assert.match(await pm.locator('#practice-shifts tr', { hasText: '17:35 to 19:35' }).textContent(), /Open|Unfilled/);
    assertNoProblems(pm);
    assertNoProblems(cl);
    await pm.context().close();
    await cl.context().close();
  });

  test('a commissioner sees the numbers move', async () => {
    const date = ukDateParts(48);
    const { page: icb } = await signedInPage(browser, server, 'icb@demo.flexpool.test');
    const overview = `/overview?from=${date.iso}&to=${date.iso}`;
    const figure = async (k) => (await icb.textContent(`#figure-${k}`)).trim();
    await open(icb, overview);
    const posted0 = Number(await figure('shifts_posted'));
    const filled0 = Number(await figure('shifts_filled'));
    const spend0 = Number((await figure('fees_agreed_pence')).replace(/[£,]/g, ''));

    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const shiftId = await postShift(pm, { date, start: '16:40', end: '18:40', rate: '100.00', unit: 'hour' });
    await open(icb, overview);
    assert.equal(Number(await figure('shifts_posted')), posted0 + 1, 'a posted shift counts at once');
    assert.equal(Number(await figure('shifts_filled')), filled0);

    const { page: cl } = await signedInPage(browser, server, 'clinician004@demo.flexpool.test');
    await open(cl, `/shifts/${shiftId}`);
    await cl.click('#book-button');
    await cl.waitForSelector('.nhsuk-panel');

    await open(icb, overview);
    assert.equal(Number(await figure('shifts_posted')), posted0 + 1);
    assert.equal(Number(await figure('shifts_filled')), filled0 + 1, 'the booking fills it');
    assert.equal(Number((await figure('fees_agreed_pence')).replace(/[£,]/g, '')), Math.round((spend0 + 200) * 100) / 100, 'two hours at £100.00 an hour');
    assert.match(await figure('fill_rate_percent'), /%$/);
    // The same figures by place, as a table.
    assert.match(await icb.textContent('#table-place-shifts'), /Shifts posted/);
    // Clinicians by profession: registered and onboarded apart, GPs among them.
    assert.match(await icb.textContent('#table-profession'), /GPRegistered \d+Onboarded \d+/);
    assert.ok(Number(await figure('clinicians_onboarded')) <= Number(await figure('clinicians_registered')));
    await screenshot(icb, 'journey-commissioner-overview');
    assertNoProblems(icb);
    await icb.context().close();
    await pm.context().close();
    await cl.context().close();
  });

  test('a new clinician registers, asks to join the pool, and the pool administrator admits them', async () => {
    const page = await newPage(browser, server, { viewport: PHONE });
    await open(page, '/register');
    await page.fill('#name', 'Dr Robin Okafor');
    await page.fill('#email', 'robin.okafor@example.test');
    await page.fill('#password', 'a-long-enough-password');
    await page.selectOption('#profession', 'gp');
    // Validation as you type: a GMC number is 7 digits.
    await page.fill('#registration_number', '12345');
    await page.locator('#registration_number').blur();
    assert.match(await page.textContent('#registration_number-error'), /A GMC number is 7 digits/);
    await page.fill('#registration_number', '7654321');
    assert.equal(await page.isVisible('#registration_number-error'), false, 'the message goes once the number is right');
    await page.fill('#home_postcode', 'LS1 4AP');
    await page.fill('#travel_radius_km', '15');
    await page.click('#register-form button[type="submit"]');
    await page.waitForURL(/\/pools$/);
    assert.match(await page.textContent('.nhsuk-notification-banner'), /Your account is ready/);
    const poolRow = page.locator('#pools-table tbody tr').first();
    const poolName = (await poolRow.locator('td, th').first().textContent()).replace(/^Pool\s*/, '').trim();
    await poolRow.locator('button', { hasText: 'Ask to join' }).click();
    // The page already shows the "account is ready" banner: wait for the new one, not any banner.
    const sent = page.locator('.nhsuk-notification-banner--success', { hasText: 'Request sent' });
    await sent.waitFor();
    assert.match(await sent.textContent(), /Request sent/);

    const { page: admin } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(admin, '/pool');
    assert.match(await admin.textContent('h1'), new RegExp(poolName));
    const request = admin.locator('#join-requests tr', { hasText: 'Dr Robin Okafor' });
    assert.match(await request.textContent(), /7654321/);
    await request.locator('button', { hasText: 'Admit' }).click();
    await admin.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await admin.textContent('.nhsuk-notification-banner'), /Clinician admitted/);
    assert.equal(await admin.locator('#join-requests tr', { hasText: 'Dr Robin Okafor' }).count(), 0);
    await open(admin, '/pool/members?q=Okafor');
    assert.match(await admin.textContent('#member-clinicians'), /Dr Robin Okafor/);

    await open(page, '/pools');
    assert.match(await page.locator('#pools-table tbody tr', { hasText: poolName }).textContent(), /Member/);
    await open(page, '/shifts');
    assert.match(await page.textContent('#result-count'), /open shift/);
    assertNoProblems(page);
    assertNoProblems(admin);
    await page.context().close();
    await admin.context().close();
  });

  test('once a shift has started nobody can cancel the booking; the practice records that the clinician did not attend, and the clinician sees it', async () => {
    // Find, over the API, a demo clinician with a booking at the demo practice that started in the last week.
    const api = async (token, path) => {
      const r = await fetch(`${server.base}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
      return r.json();
    };
    const login = async (email) => (await (await fetch(`${server.base}/api/v1/sessions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
    })).json()).token;
    const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
    const window = `from=${iso(Date.now() - 7 * 86400e3)}&to=${iso(Date.now() - 3600e3)}`;
    const pmToken = await login('practice@demo.flexpool.test');
    const practiceBookings = (await api(pmToken, `/bookings?status=confirmed&${window}&limit=200`)).items;
    const ids = new Set(practiceBookings.map((b) => b.id));
    let email = null, booking = null;
    for (let n = 1; n <= 40 && !booking; n++) {
      const e = `clinician${String(n).padStart(3, '0')}@demo.flexpool.test`;
      const mine = (await api(await login(e), `/bookings?status=confirmed&${window}&limit=200`)).items;
      // (not one whose timesheet the practice approved: that session was worked)
      booking = mine.find((b) => ids.has(b.id) && !b.attendance && (!b.timesheet || b.timesheet.state !== 'approved')) || null;
      if (booking) email = e;
    }
    assert.ok(booking, 'the demo has a started booking at the demo practice');

    // The practice: no cancelling a started booking; "Did not attend", with a confirmation step.
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(pm, `/practice/shifts/${booking.shift_id}`);
    await pm.waitForSelector('#did-not-attend-action');
    assert.equal(await pm.locator('#practice-cancel-form').count(), 0, 'no cancelling once the shift has started');
    await pm.click('#did-not-attend-action a');
    await pm.waitForSelector('#did-not-attend-form');
    assert.match(await pm.textContent('main'), new RegExp(booking.clinician_name));
    await checkAccessibility(pm, 'recording that a clinician did not attend');
    await screenshot(pm, 'journey-practice-did-not-attend');
    await pm.click('#confirm-did-not-attend');
    await pm.waitForURL(new RegExp(`/practice/shifts/${booking.shift_id}$`));
    await pm.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await pm.textContent('.nhsuk-notification-banner'), /Recorded: did not attend/);
    assert.match(await pm.textContent('#booked-attendance'), /Did not attend/);
    assert.equal(await pm.locator('#did-not-attend-action').count(), 0, 'recorded once');

    // The clinician sees it in plain words, and is offered no cancelling.
    const { page: cl } = await signedInPage(browser, server, email, { viewport: PHONE });
    // Under Past once the session has ended (most recent first), under Upcoming while it is under way.
    const ended = new Date(booking.ends_at) <= new Date();
    await open(cl, ended ? '/bookings?view=past' : '/bookings');
    const list = ended ? '#past-booking-list' : '#booking-list';
    const item = cl.locator(`${list} li.fp-result`, { hasText: 'Did not attend' });
    await item.first().waitFor();
    assert.match(await item.first().textContent(), /The practice recorded on .* that you did not attend this shift/);
    assert.equal(await item.first().locator('a', { hasText: 'Cancel this booking' }).count(), 0);
    await checkAccessibility(cl, 'my bookings with a did-not-attend (phone)');
    await screenshot(cl, 'journey-clinician-did-not-attend-phone');
    // The calendar lists a day's bookings when that day is chosen (here through the URL).
    const ukDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(booking.starts_at));
    await open(cl, `/bookings?view=calendar&month=${ukDay.slice(0, 7)}&day=${ukDay}`);
    assert.match(await cl.textContent('#bookings-calendar'), /\(did not attend\)/);
    await open(cl, `/bookings/${booking.id}/cancel`);
    assert.match(await cl.textContent('h1'), /This shift has started/);
    assert.equal(await cl.locator('#confirm-form').count(), 0);
    assertNoProblems(pm);
    assertNoProblems(cl);
    await pm.context().close();
    await cl.context().close();
  });

  test('a clinician changes their password and signs in with the new one', async () => {
    const page = await newPage(browser, server);
    await signIn(page, 'clinician014@demo.flexpool.test');
    await open(page, '/account/password');
    await page.fill('#current_password', PASSWORD);
    await page.fill('#new_password', 'a-new-long-password');
    await page.fill('#confirm_password', 'a-new-long-password');
    await page.click('#password-form button[type="submit"]');
    await page.waitForURL(/\/account$/);
    assert.match(await page.textContent('.nhsuk-notification-banner'), /Your password has changed/);
    await page.click('.nhsuk-header__account-button');
    await page.waitForURL(/\/sign-in$/);
    await page.fill('#email', 'clinician014@demo.flexpool.test');
    await page.fill('#password', 'a-new-long-password');
    await page.click('#sign-in-form button[type="submit"]');
    await page.waitForSelector('#fp-user-name');
    assertNoProblems(page);
    await page.context().close();
  });
});
