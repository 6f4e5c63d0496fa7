// The practice manager's side of issue 10, in the real browser against a demo server:
//  - a practice in no pool is told, before it posts, that nobody can see its shifts and whom to ask;
//  - withdrawing a shift, withdrawing a whole series and declining an applicant each ask on a page
//    of their own that says what will happen (how many shifts, who keeps a booking), and do it;
//  - the practice's shifts list shows 25 a page, filtered by role and a date window (NHS.UK date
//    input), saying which filters are active;
//  - axe finds nothing on any of these pages.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, newPage, open, PASSWORD, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts, settled,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

// The API over HTTP with a bearer token (no CSRF needed), as the test's own hands.
async function call(token, method, path, body) {
  const res = await fetch(`${server.base}/api/v1${path}`, {
    method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return json;
}
const signInApi = async (email, password = PASSWORD) => (await call(null, 'POST', '/sessions', { email, password })).token;

// A UK wall-clock time `days` from now at hh:mm, as an instant.
function ukAt(days, hh, mm = 0) {
  const d = ukDateParts(days);
  const wall = Date.UTC(+d.year, +d.month - 1, +d.day, hh, mm);
  for (const off of [1, 0]) {
    const t = new Date(wall - off * 3600e3);
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(t).map((x) => [x.type, x.value]));
    if (+p.hour === hh && +p.minute === mm) return t;
  }
  return new Date(wall);
}
const iso = (t) => t.toISOString().replace(/\.\d{3}Z$/, 'Z');

let pm, practiceId;
async function manager() {
  if (!pm) {
    pm = await signInApi('practice@demo.flexpool.test');
    practiceId = (await call(pm, 'GET', '/me')).roles.find((r) => r.role === 'practice_manager').organisation_id;
  }
  return pm;
}
async function postShifts(days, { hh = 9, hours = 3, role = 'gp', mode = 'instant', count = 0 } = {}) {
  const token = await manager();
  const start = ukAt(days, hh);
  const body = {
    practice_id: practiceId, role, starts_at: iso(start), ends_at: iso(new Date(+start + hours * 3600e3)),
    rate_pence: 32321, rate_unit: 'session', booking_mode: mode,
  };
  if (count) body.repeat = { every: 'week', count };
  return call(token, 'POST', '/shifts', body);
}

test('a practice in no pool is told, before it posts, that nobody sees its shifts and whom to ask', async () => {
  const admin = await signInApi('admin@demo.flexpool.test');
  const pcn = (await call(admin, 'GET', '/organisations?level=pcn&limit=1')).items[0];
  const lone = await call(admin, 'POST', '/organisations', { level: 'practice', ods_code: 'W99990', name: 'Outlying Surgery', parent_id: pcn.id });
  await call(admin, 'POST', '/users', { email: 'outlying.pm@example.test', name: 'Sam Outlying', role: 'practice_manager', organisation_id: lone.id, password: 'given-by-admin-7' });
  const own = 'harbour-lantern-quay-5';
  const first = await signInApi('outlying.pm@example.test', 'given-by-admin-7');
  await call(first, 'PUT', '/me/password', { current_password: 'given-by-admin-7', new_password: own });
  const pools = (await call(admin, 'GET', '/pools')).items;

  const page = await newPage(browser, server);
  await open(page, '/sign-in');
  await page.fill('#email', 'outlying.pm@example.test');
  await page.fill('#password', own);
  await page.click('#sign-in-form button[type="submit"]');
  await page.waitForURL(/\/practice$/);
  await page.waitForSelector('#no-pool');
  assert.match(await page.textContent('#no-pool'), /Nobody can see your shifts yet[\s\S]*Outlying Surgery is not a member of any pool, so no clinician can see or book its shifts/);
  // Who admits it: the administrators of its ICB's pool, by name and email.
  const who = await page.textContent('#no-pool-who');
  assert.match(who, new RegExp(`To join ${pools[0].name}, ask its pool administrator`));
  assert.match(who, /pool@demo\.flexpool\.test/);
  await checkAccessibility(page, 'practice home, practice in no pool');
  // Posting: said before the form.
  await open(page, '/practice/shifts/new');
  await page.waitForSelector('#no-pool');
  assert.ok(await page.evaluate(() => !!(document.querySelector('#no-pool').compareDocumentPosition(document.querySelector('#post-shift-form')) & Node.DOCUMENT_POSITION_FOLLOWING)),
    'the message comes before the form');
  await checkAccessibility(page, 'post a shift, practice in no pool');
  assertNoProblems(page);
  await page.context().close();

  // A practice in the pool is not told so.
  const { page: inPool } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  await open(inPool, '/practice/shifts/new');
  assert.equal(await inPool.locator('#no-pool').count(), 0);
  await inPool.context().close();
});

test('withdrawing a whole series says how many shifts go and who keeps a booking, then does it', async () => {
  const posted = await postShifts(70, { hh: 13, count: 4 });
  const [one, two, three, four] = posted.items;
  const gp = await signInApi('clinician001@demo.flexpool.test');
  await call(gp, 'POST', `/shifts/${three.id}/booking`);

  const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  await open(page, `/practice/shifts/${one.id}`);
  await page.click('#series-actions a:has-text("Withdraw the whole series")');
  await page.waitForURL(new RegExp(`/practice/series/${posted.series_id}/withdraw`));
  await page.waitForSelector('#confirm-consequences');
  assert.match(await page.textContent('#series-withdraw-count'), /^3 shifts, from /);
  const said = await page.textContent('#confirm-consequences');
  assert.match(said, /3 shifts that nobody has booked will be withdrawn/);
  assert.match(said, /1 shift of this series is booked \(.+\) and will stay booked: the clinician keeps the booking/);
  assert.match(await page.textContent('#confirm-button'), /Withdraw 3 shifts/);
  await checkAccessibility(page, 'withdraw a series: confirmation');
  // Going back does nothing.
  await page.click('#confirm-back');
  await page.waitForURL(new RegExp(`/practice/shifts/${one.id}$`));
  assert.equal((await call(pm, 'GET', `/series/${posted.series_id}`)).open_upcoming, 3);
  // Confirmed: the open ones are withdrawn, the booked one stays.
  await open(page, `/practice/series/${posted.series_id}/withdraw?shift=${one.id}`);
  await page.click('#confirm-button');
  await page.locator('.nhsuk-notification-banner--success', { hasText: 'Series withdrawn' }).waitFor();
  assert.match(await page.textContent('.nhsuk-notification-banner--success'), /3 shifts withdrawn; 1 shift stays booked/);
  const after = await call(pm, 'GET', `/series/${posted.series_id}`);
  assert.deepEqual(after.shifts.map((x) => x.status), ['withdrawn', 'withdrawn', 'booked', 'withdrawn']);
  assert.ok([one, two, four].every((x) => after.shifts.some((y) => y.id === x.id)));
  // Nothing left to withdraw: said, with no button.
  await open(page, `/practice/series/${posted.series_id}/withdraw`);
  await page.getByRole('heading', { name: 'There is nothing to withdraw in this series' }).waitFor();
  assert.equal(await page.locator('#confirm-button').count(), 0);

  // Cancelling the booking that stayed: asked on its own page, with the reason the clinician sees.
  await open(page, `/practice/shifts/${three.id}`);
  await page.click('#practice-cancel-action a');
  await page.waitForSelector('#practice-cancel-form');
  assert.match(await page.textContent('#confirm-consequences'), /will be told by email and in their notifications that the practice cancelled, with your reason/);
  await page.click('#practice-cancel');
  await page.locator('.nhsuk-error-summary', { hasText: 'Enter why you are cancelling' }).waitFor();
  await page.fill('#reason', 'The surgery is closed for refurbishment');
  await checkAccessibility(page, 'cancel a booking: confirmation');
  await page.click('#practice-cancel');
  await page.locator('.nhsuk-notification-banner--success', { hasText: 'Booking cancelled' }).waitFor();
  assert.equal((await call(pm, 'GET', `/shifts/${three.id}`)).status, 'cancelled');
  assertNoProblems(page);
  await page.context().close();
});

test('editing a whole series changes its open shifts and says the booked one keeps what was agreed', async () => {
  const posted = await postShifts(75, { hh: 14, count: 3 });
  const gp = await signInApi('clinician004@demo.flexpool.test');
  await call(gp, 'POST', `/shifts/${posted.items[2].id}/booking`);
  const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  await open(page, `/practice/shifts/${posted.items[0].id}`);
  await page.click('#series-actions a:has-text("Edit the whole series")');
  await page.waitForSelector('#series-edit-form');
  assert.match(await page.textContent('#series-edit-scope'), /apply to the 2 shifts of this series that nobody has booked[\s\S]*The 1 shift already booked keeps what was agreed/);
  await checkAccessibility(page, 'edit a whole series');
  await page.fill('#rate', '350.00');
  await page.click('#save-series');
  await page.locator('.nhsuk-notification-banner--success', { hasText: 'Series changed' }).waitFor();
  assert.match(await page.textContent('.nhsuk-notification-banner--success'), /2 shifts changed: £350\.00 a session\. 1 shift already booked kept what was agreed\./);
  const after = await call(pm, 'GET', `/series/${posted.series_id}`);
  assert.deepEqual(after.shifts.map((x) => x.rate_pence), [35000, 35000, 32321]);
  assertNoProblems(page);
  await page.context().close();
});

test('withdrawing a shift and declining an applicant ask first and say what will happen', async () => {
  const single = await postShifts(71, { hh: 8 });
  const approval = await postShifts(72, { hh: 8, mode: 'approval' });
  const applicants = [];
  for (const email of ['clinician002@demo.flexpool.test', 'clinician003@demo.flexpool.test']) {
    const t = await signInApi(email);
    await call(t, 'POST', `/shifts/${approval.id}/applications`, { message: 'Available' });
    applicants.push((await call(t, 'GET', '/me')).name);
  }
  const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');

  await open(page, `/practice/shifts/${single.id}`);
  await page.click('#withdraw-action a');
  await page.waitForURL(new RegExp(`/practice/shifts/${single.id}/withdraw$`));
  await page.waitForSelector('#confirm-consequences');
  assert.match(await page.textContent('#confirm-consequences'), /Clinicians in the pool will no longer see it or be able to book it/);
  await checkAccessibility(page, 'withdraw a shift: confirmation');
  await page.click('#confirm-button');
  await page.locator('.nhsuk-notification-banner--success', { hasText: 'Shift withdrawn' }).waitFor();
  assert.equal((await call(pm, 'GET', `/shifts/${single.id}`)).status, 'withdrawn');

  await open(page, `/practice/shifts/${approval.id}`);
  await page.locator('#applicants tr', { hasText: applicants[0] }).locator('a', { hasText: 'Decline' }).click();
  await page.waitForSelector('#decline-form');
  const said = await page.textContent('#confirm-consequences');
  assert.match(said, new RegExp(`${applicants[0]} will be told by email and in their notifications that you declined`));
  assert.match(said, /1 other applicant is still waiting for an answer/);
  await page.fill('#reason', 'We need someone on site all day');
  await checkAccessibility(page, 'decline an applicant: confirmation');
  await page.click('#confirm-decline');
  await page.locator('.nhsuk-notification-banner--success', { hasText: 'Applicant declined' }).waitFor();
  assert.match(await page.locator('#applicants tr', { hasText: applicants[0] }).textContent(), /Declined/);
  assertNoProblems(page);
  await page.context().close();
});

test('the shifts list pages 25 at a time, filters by role and a date window, and searches the details', async () => {
  const days = 400;
  await postShifts(days, { hh: 18, count: 30 });
  const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  await open(page, '/practice?state=open');
  const d = ukDateParts(days - 1);
  await page.selectOption('#shift-filters-role', 'gp');
  await page.fill('#shift-filters-from-day', d.day);
  await page.fill('#shift-filters-from-month', d.month);
  await page.fill('#shift-filters-from-year', d.year);
  await page.click('#shift-filters-apply');
  await page.waitForURL(/from=/);
  await page.locator('#shift-filters-active', { hasText: 'from' }).waitFor();
  await settled(page);
  assert.equal(await page.locator('#practice-shifts tbody tr').count(), 25);
  assert.match(await page.textContent('.fp-page-summary'), /Showing 1 to 25 shifts/);
  assert.match(await page.textContent('#shift-filters-active'), /Showing only role: General practitioner; from /);
  assert.match(page.url(), /state=open/, 'the tab is kept');
  await checkAccessibility(page, 'practice shifts, filtered, page 1');
  await page.click('#page-next');
  await page.waitForURL(/cursor=/);
  await page.locator('.fp-page-summary', { hasText: 'Showing 26 to 30 shifts' }).waitFor();
  assert.equal(await page.locator('#practice-shifts tbody tr').count(), 5);
  // A window that ends before the series starts: nothing.
  const u = ukDateParts(days - 1);
  await open(page, `/practice?state=open&role=gp&from=${d.iso}&until=${u.iso}`);
  await page.waitForSelector('#practice-shifts-none');
  assert.match(await page.textContent('#practice-shifts-none'), /No shifts match these filters/);
  // Searching the details: only the shift whose details say so.
  const marked = await postShifts(days + 1, { hh: 7 });
  await call(pm, 'PATCH', `/shifts/${marked.id}`, { description: 'Podiatry triage pilot, room 7' });
  await open(page, '/practice?state=open');
  await page.fill('#shift-filters-q', 'PODIATRY triage pilot');
  await page.click('#shift-filters-apply');
  await page.locator('#shift-filters-active', { hasText: 'search the details' }).waitFor();
  await settled(page);
  assert.equal(await page.locator('#practice-shifts tbody tr').count(), 1);
  assert.match(await page.textContent('#practice-shifts tbody'), /Manage/);
  assert.equal(await page.locator(`#practice-shifts a[href="/practice/shifts/${marked.id}"]`).count(), 1);
  // A date that is not a real one is refused in words, and the list stays as it was.
  await page.fill('#shift-filters-until-day', '31');
  await page.fill('#shift-filters-until-month', '2');
  await page.fill('#shift-filters-until-year', d.year);
  await page.click('#shift-filters-apply');
  await page.waitForSelector('#shift-filters-until-error:not([hidden])');
  assert.match(await page.textContent('#shift-filters-until-error'), /The last day must be a real date, like 27 3 2027/);
  assertNoProblems(page);
  await page.context().close();
});
