// A shift posted over its pool's cap (issue 13) in a real browser against the demo, whose pool caps
// a shift's hourly equivalent at £200.00: the practice manager posts a GP shift at £250.00 an hour
// through the form (told as they type that the pool must approve it), sees it awaiting the pool's
// approval with why and what they can do (edit, withdraw; no offers, no applicants); the pool
// administrator finds it from the pool's home, meets a refusal without a reason in the NHS error
// pattern (and a refusal of the server shown on the field), approves it, and the practice sees it
// open. A second one, posted through the API by the session, is refused with a reason: withdrawn,
// the practice told why, and its page offers no decision any more. A third is lowered by the
// practice to within the cap and opens by itself. axe on the pages of the feature.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PASSWORD, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

let server, browser;
const demo = {};
const POOL = 'West Yorkshire GP Flexible Staff Pool';
const AWAITING = 'Awaiting the pool\'s approval';
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();
const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

async function call(token, method, path, body) {
  const r = await fetch(`${server.base}/api/v1${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: r.status === 204 ? null : await r.json() };
}
async function api(token, method, path, body) {
  const r = await call(token, method, path, body);
  if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}
async function login(email) {
  const r = await fetch(`${server.base}/api/v1/sessions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  return (await r.json()).token;
}

// A shift of the demo practice `days` ahead, 09:00 to 13:00 UTC, through the API.
function postByApi(days, rate_pence, rate_unit) {
  const start = new Date(Date.now() + days * 86400e3);
  start.setUTCHours(9, 0, 0, 0);
  return api(demo.pm, 'POST', '/shifts', {
    practice_id: demo.practiceId, role: 'gp', starts_at: iso(start.getTime()), ends_at: iso(start.getTime() + 4 * 3600e3),
    rate_pence, rate_unit, booking_mode: 'instant',
  });
}

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
  demo.pm = await login('practice@demo.flexpool.test');
  demo.admin = await login('pool@demo.flexpool.test');
  demo.clinician = await login('clinician001@demo.flexpool.test');
  demo.practiceId = (await api(demo.pm, 'GET', '/me')).roles.find((r) => r.role === 'practice_manager').organisation_id;
  demo.practice = (await api(demo.pm, 'GET', `/organisations/${demo.practiceId}`)).name;
  const poolId = (await api(demo.admin, 'GET', '/me')).roles.find((r) => r.role === 'pool_admin').pool_id;
  assert.equal((await api(demo.admin, 'GET', `/pools/${poolId}/rate-policy`)).cap_hourly_pence, 20000, 'the demo pool caps at £200.00 an hour');
  assert.equal((await api(demo.admin, 'GET', '/shifts?status=awaiting_approval&limit=5')).items.length, 0, 'the demo has no shift awaiting approval');
});
after(async () => { await stopServerAndBrowser(server, browser); });

describe('a shift over the pool\'s cap', () => {
  test('posted by the practice, it awaits the pool\'s approval; the pool approves it and it opens', async () => {
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const date = ukDateParts(7);
    await open(pm, '/practice/shifts/new');
    await pm.selectOption('#role', 'gp');
    await pm.fill('#date-day', date.day);
    await pm.fill('#date-month', date.month);
    await pm.fill('#date-year', date.year);
    await pm.fill('#start_time', '09:00');
    await pm.fill('#end_time', '13:00');
    await pm.check('input[name="rate_unit"][value="hour"]');
    await pm.fill('#rate', '250.00');
    // Said as the rate is typed, before posting.
    await pm.waitForSelector('#over-cap');
    assert.equal(await text(pm, '#over-cap'), `This is over the cap of £200.00 an hour that ${POOL} sets: nobody in the pool will see the shift until the pool approves the rate.`);
    await pm.fill('#rate', '190');
    await pm.waitForSelector('#over-cap', { state: 'detached' });
    await pm.fill('#rate', '250.00');
    await pm.check('input[name="booking_mode"][value="approval"]');
    await pm.check('input[name="release"][value="all"]');
    await pm.click('#post-shift');
    await pm.waitForURL(/\/practice\/shifts\/\d+$/);
    await pm.waitForSelector('.nhsuk-notification-banner--success');
    const id = Number(new URL(pm.url()).pathname.split('/').pop());
    const banner = await text(pm, '.nhsuk-notification-banner--success');
    assert.match(banner, /Shift posted: awaiting the pool's approval/);
    assert.match(banner, /Its rate is over the pool's cap, so nobody in the pool sees it until the pool's administrator approves the rate\./);
    assert.equal((await api(demo.pm, 'GET', `/shifts/${id}`)).status, 'awaiting_approval');
    assert.equal((await call(demo.clinician, 'GET', `/shifts/${id}`)).status, 404, 'no clinician sees it');

    // The practice's page of the shift: the status, why, and only what the server would allow.
    assert.equal(await text(pm, '#shift-status'), AWAITING);
    assert.equal(await pm.getAttribute('#shift-status .nhsuk-tag', 'class'), 'nhsuk-tag nhsuk-tag--yellow');
    const why = await text(pm, '#awaiting-approval');
    assert.ok(why.includes(`Its rate, £250.00 an hour, is over the cap of £200.00 an hour that ${POOL} sets`), why);
    assert.ok(why.includes('Nobody in the pool can see or book it until the pool\'s administrator approves the rate.'), why);
    assert.ok(why.includes('If you lower the rate to £200.00 an hour or less (edit the shift), it opens to the pool at once. Or withdraw it'), why);
    assert.equal(await pm.getAttribute('#edit-action a', 'href'), `/practice/shifts/${id}/edit`);
    assert.equal(await pm.getAttribute('#withdraw-action a', 'href'), `/practice/shifts/${id}/withdraw`);
    assert.equal(await pm.locator('#offers-heading, #offer-action, #applicants, #release-heading').count(), 0, 'no offers, applicants or release for it');
    assert.doesNotMatch(await text(pm, 'main'), /Applicants|Nobody has applied yet|Offer this shift/);
    await checkAccessibility(pm, 'the practice\'s shift awaiting approval');
    await screenshot(pm, 'rate-approval-practice-shift');

    // The withdraw page speaks of the pool's decision, not of clinicians who saw it.
    await open(pm, `/practice/shifts/${id}/withdraw`);
    assert.match(await text(pm, '#confirm-consequences'), /The pool will no longer be asked to approve its rate, and no clinician will ever see it\./);

    // The practice's open shifts list it with its status, and say how many wait.
    await open(pm, `/practice?state=open&from=${date.iso}&until=${date.iso}`);
    const row = pm.locator('#practice-shifts tbody tr', { has: pm.locator(`a[href="/practice/shifts/${id}"]`) });
    assert.equal(await row.count(), 1, 'the shift is with the open ones');
    assert.match((await row.innerText()).replace(/\s+/g, ' '), new RegExp(`£250\\.00 an hour .*${AWAITING}.*Not seen by clinicians yet`));
    assert.match(await text(pm, '#awaiting-approval-count'), /1 shift is waiting for the pool's approval of its rate, which is over the pool's cap: nobody in the pool sees it until then\./);
    await checkAccessibility(pm, 'the practice\'s shifts with one awaiting approval');

    // The pool administrator: told, then from the pool's home to the list and the shift.
    const told = (await api(demo.admin, 'GET', '/me/notifications?limit=10')).items.find((n) => n.kind === 'shift.rate_approval' && n.link === `/pool/shifts/${id}`);
    assert.ok(told, 'the pool administrator was told, with a link to the shift');
    const { page: admin } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(admin, '/pool');
    assert.equal(await text(admin, '#rate-approval-count'), '1 shift awaits your approval of its rate: nobody in the pool sees it until you decide.');
    await admin.click('#rate-approval-link');
    await admin.waitForSelector('#awaiting-shifts');
    assert.equal(new URL(admin.url()).pathname, '/pool/shifts');
    assert.match(await text(admin, 'h1'), /Shifts awaiting your approval of their rate$/);
    assert.equal(await admin.getAttribute('.fp-views__link[aria-current="page"]', 'href'), '/pool/shifts');
    const listed = await text(admin, '#awaiting-shifts tbody');
    assert.ok(listed.includes(demo.practice), listed);
    assert.ok(listed.includes('£250.00 an hour, £50.00 over the cap'), listed);
    assert.ok(listed.includes('09:00 to 13:00 (UK time)'), listed);
    assert.match(await text(admin, 'main'), /over the pool's cap of £200\.00 an hour/);
    await checkAccessibility(admin, 'the pool\'s shifts awaiting approval');
    await screenshot(admin, 'rate-approval-pool-list');

    await admin.click(`#awaiting-shifts a[href="/pool/shifts/${id}"]`);
    await admin.waitForSelector('#refuse-form');
    assert.equal(await text(admin, '#shift-status'), AWAITING);
    assert.equal(await text(admin, '#shift-hourly'), '£250.00 an hour');
    assert.equal(await text(admin, '#pool-cap'), '£200.00 an hour: this rate is £50.00 an hour over it');
    assert.match(await text(admin, '#approve-consequences'), /The shift opens to the pool now at £250\.00 an hour/);
    await checkAccessibility(admin, 'the pool\'s decision on a shift\'s rate');
    await screenshot(admin, 'rate-approval-pool-decision');

    // Refusing without a reason: the NHS error pattern, nothing sent.
    await admin.click('#refuse-rate');
    await admin.waitForSelector('.nhsuk-error-summary');
    assert.match(await text(admin, '.nhsuk-error-summary'), /There is a problem Enter why you are refusing the rate/);
    assert.equal(await admin.getAttribute('.nhsuk-error-summary a', 'href'), '#reason');
    assert.equal(await text(admin, '#reason-error'), 'Error: Enter why you are refusing the rate');
    assert.equal((await api(demo.pm, 'GET', `/shifts/${id}`)).status, 'awaiting_approval', 'nothing was decided');
    await checkAccessibility(admin, 'the pool\'s decision, with an error');
    await screenshot(admin, 'rate-approval-pool-decision-error');

    // A refusal of the server (400 naming the reason) is shown on the field.
    const refuse400 = (route) => route.fulfill({ status: 400, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid_field', message: "'reason' must be on one line", field: 'reason' } }) });
    await admin.route('**/api/v1/shifts/*/rate-refusal', refuse400);
    await admin.fill('#reason', 'Too high');
    await admin.click('#refuse-rate');
    await admin.waitForFunction(() => /on one line/.test(document.getElementById('reason-error').textContent));
    await admin.unroute('**/api/v1/shifts/*/rate-refusal', refuse400);
    assert.equal(await text(admin, '#reason-error'), 'Error: Enter why you are refusing the rate on one line, 300 characters at most');
    assert.match(await text(admin, '.nhsuk-error-summary'), /There is a problem Enter why you are refusing the rate on one line, 300 characters at most/);
    assert.equal((await api(demo.pm, 'GET', `/shifts/${id}`)).status, 'awaiting_approval');

    // Approved: back to the list with a message, and nothing waits any more.
    await admin.click('#approve-rate');
    await admin.waitForURL((u) => u.pathname === '/pool/shifts');
    await admin.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await text(admin, '.nhsuk-notification-banner--success'), new RegExp(`Rate approved GP at ${demo.practice}, .*: open to the pool at £250\\.00 an hour\\. The practice has been told\\.`));
    assert.equal(await text(admin, '#awaiting-none'), 'No shift is waiting for your approval of its rate.');
    assert.equal((await api(demo.pm, 'GET', `/shifts/${id}`)).status, 'open');
    assert.equal((await call(demo.clinician, 'GET', `/shifts/${id}`)).status, 200, 'clinicians see it now');
    await open(admin, '/pool');
    assert.equal(await text(admin, '#rate-approval-count'), 'No shift awaits your approval of its rate.');

    // The practice sees it open.
    await open(pm, `/practice/shifts/${id}`);
    assert.equal(await text(pm, '#shift-status'), 'Open');
    assert.equal(await pm.locator('#awaiting-approval').count(), 0);
    assert.equal(await pm.locator('#offer-action').count(), 1, 'an open shift can be offered');
    const approved = (await api(demo.pm, 'GET', '/me/notifications?limit=10')).items.find((n) => n.kind === 'shift.rate_approved');
    assert.equal(approved && approved.link, `/practice/shifts/${id}`);
    assertNoProblems(pm);
    assertNoProblems(admin);
  });

  test('refused by the pool with a reason, it is withdrawn and the practice is told why', async () => {
    // A session at £1,000.00 for 4 hours: £250.00 an hour.
    const s = await postByApi(8, 100000, 'session');
    assert.equal(s.status, 'awaiting_approval');
    assert.equal(s.hourly_equivalent_pence, 25000);
    const reason = 'Please post it at £200.00 an hour or less, as the pool agreed';
    const { page: admin } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    // The notification's link.
    await open(admin, `/pool/shifts/${s.id}`);
    assert.equal(await text(admin, '#shift-rate'), '£1,000.00 a session');
    assert.equal(await text(admin, '#shift-hourly'), '£250.00 an hour (for 4 hours worked)');
    assert.match(await text(admin, '#awaiting-explained'), /posted this shift at £1,000\.00 a session, £250\.00 an hour, over the pool's cap of £200\.00 an hour\./);
    await admin.fill('#reason', reason);
    await admin.click('#refuse-rate');
    await admin.waitForURL((u) => u.pathname === '/pool/shifts');
    await admin.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await text(admin, '.nhsuk-notification-banner--success'), /Rate refused .*: the shift is withdrawn\. The practice has been told, with your reason\./);
    assert.equal((await api(demo.pm, 'GET', `/shifts/${s.id}`)).status, 'withdrawn');

    // Decided: its page says so and offers no decision.
    await open(admin, `/pool/shifts/${s.id}`);
    assert.equal(await text(admin, '#shift-status'), 'Withdrawn');
    assert.match(await text(admin, '#no-decision'), /This shift is withdrawn: it no longer waits for the pool's approval of its rate/);
    assert.equal(await admin.locator('#approve-form, #refuse-form').count(), 0);
    await checkAccessibility(admin, 'a shift whose rate was refused, on the pool\'s side');
    await screenshot(admin, 'rate-approval-pool-decided');

    // The practice: withdrawn, and the notification with the reason.
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(pm, `/practice/shifts/${s.id}`);
    assert.equal(await text(pm, '#shift-status'), 'Withdrawn');
    assert.equal(await pm.locator('#edit-action, #withdraw-action').count(), 0);
    const refused = (await api(demo.pm, 'GET', '/me/notifications?limit=10')).items.find((n) => n.kind === 'shift.rate_refused');
    assert.ok(refused, 'the practice was told');
    assert.equal(refused.link, `/practice/shifts/${s.id}`);
    assert.ok(refused.text.includes(reason), refused.text);
    await open(pm, '/notifications');
    const card = pm.locator('#notifications li', { hasText: reason });
    assert.equal(await card.count(), 1, 'the notification, with the reason, on the notifications page');
    assert.equal(await card.locator(`a[href="/practice/shifts/${s.id}"]`).count(), 1);
    const day = ukDateParts(8).iso;
    await open(pm, `/practice?state=cancelled&from=${day}&until=${day}`);
    assert.equal(await pm.locator(`#practice-shifts a[href="/practice/shifts/${s.id}"]`).count(), 1, 'with the cancelled and withdrawn ones');
    assertNoProblems(pm);
    assertNoProblems(admin);
  });

  test('lowered by the practice to within the cap, it opens by itself', async () => {
    const s = await postByApi(9, 22000, 'hour');
    assert.equal(s.status, 'awaiting_approval');
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(pm, `/practice/shifts/${s.id}/edit`);
    assert.match(await text(pm, '#edit-shift-form'), /This shift is waiting for the pool's approval of its rate, which is over the cap of £200\.00 an hour\./);
    assert.equal(await pm.locator('#over-cap').count(), 1, 'the rate as it is is over the cap');
    await pm.fill('#rate', '195.00');
    await pm.waitForSelector('#over-cap', { state: 'detached' });
    await pm.click('#save-shift');
    await pm.waitForURL((u) => u.pathname === `/practice/shifts/${s.id}`);
    await pm.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await text(pm, '.nhsuk-notification-banner--success'), /Shift changed: open to the pool .*£195\.00 an hour\. Its rate is within the pool's cap now, so clinicians in the pool can see it\./);
    assert.equal(await text(pm, '#shift-status'), 'Open');
    assert.equal((await api(demo.pm, 'GET', `/shifts/${s.id}`)).status, 'open');
    assertNoProblems(pm);
  });
});
