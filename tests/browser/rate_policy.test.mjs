// A pool's rate policy (issue 13) in a real browser against the demo: the practice manager sees how
// the rate of an unfilled shift rose under the pool's policy (the server's upkeep runs every few
// seconds here, so a shift posted 20 hours ahead is escalated while the test waits), and its opt-in
// on the practice settings with the pool's policy in words; the pool administrator reads the demo's
// policy, meets the steps refused out of order in the NHS error pattern (and a refusal of the
// server shown on the row it names), then saves a new schedule and no cap and reads them back in
// words. The demo's policy is put back at the end. axe on every page visited.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PASSWORD, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, apiCall, apiLogin
} from './helpers.mjs';

let server, browser;
const demo = {};
const POOL = 'West Yorkshire GP Flexible Staff Pool';
const DEMO_POLICY = { cap_hourly_pence: 20000, escalation: [{ hours_before: 72, percent: 5 }, { hours_before: 24, percent: 10 }] };
const DEMO_SUMMARY = 'When 72 hours remain, unfilled shifts rise by 5% of the posted rate; at 24 hours by 10%; never above £200.00 an hour.';
const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();

const api = (token, method, path, body) => apiCall(server, token, method, path, body);
const login = (email) => apiLogin(server, email);

before(async () => {
  // The upkeep (which escalates) every 3 seconds instead of every 10 minutes.
  ({ server, browser } = await startServerAndBrowser(['--upkeep-interval', '3']));
  demo.pm = await login('practice@demo.flexpool.test');
  demo.admin = await login('pool@demo.flexpool.test');
  const me = await api(demo.pm, 'GET', '/me');
  demo.practiceId = me.roles.find((r) => r.role === 'practice_manager').organisation_id;
  const adminMe = await api(demo.admin, 'GET', '/me');
  demo.poolId = adminMe.roles.find((r) => r.role === 'pool_admin').pool_id;
  assert.deepEqual((await api(demo.pm, 'GET', `/pools/${demo.poolId}/rate-policy`)).escalation, DEMO_POLICY.escalation, 'the demo\'s policy');
  assert.equal((await api(demo.pm, 'GET', `/organisations/${demo.practiceId}`)).rate_escalation, true, 'the demo practice opted in');
  // Two hourly shifts 20 hours ahead, inside the demo's 24-hour step (+10%): one at £180.00 an hour
  // rises to £198.00; one at £190.00 would pass the £200.00 cap and is held there.
  const start = new Date(Date.now() + 20 * 3600e3);
  start.setUTCMinutes(0, 0, 0);
  const post = (pence) => api(demo.pm, 'POST', '/shifts', {
    practice_id: demo.practiceId, role: 'gp', starts_at: iso(start.getTime()), ends_at: iso(start.getTime() + 3 * 3600e3),
    rate_pence: pence, rate_unit: 'hour', booking_mode: 'approval',
  });
  demo.risen = (await post(18000)).id;
  demo.capped = (await post(19000)).id;
  // Wait for the upkeep to escalate both (it runs at once, then every 3 seconds).
  const deadline = Date.now() + 60000;
  for (;;) {
    const [a, b] = await Promise.all([demo.risen, demo.capped].map((id) => api(demo.pm, 'GET', `/shifts/${id}/escalations`)));
    if (a.items.length && b.items.length) break;
    if (Date.now() > deadline) throw new Error('the upkeep did not escalate the shifts posted 20 hours ahead within 60 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  // A shift of the practice with no escalation: one of its own open shifts further ahead.
  const open = await api(demo.pm, 'GET', '/shifts?limit=100&status=open');
  for (const s of open.items) {
    if (s.practice_id !== demo.practiceId || new Date(s.starts_at) - Date.now() < 4 * 86400e3) continue;
    if (!(await api(demo.pm, 'GET', `/shifts/${s.id}/escalations`)).items.length) { demo.unchanged = s.id; break; }
  }
});
after(async () => {
  // The demo's policy back, whatever happened above.
  if (demo.admin && demo.poolId) await api(demo.admin, 'PUT', `/pools/${demo.poolId}/rate-policy`, DEMO_POLICY).catch(() => {});
  await stopServerAndBrowser(server, browser);
});

describe('rate policy', () => {
  test('the practice sees how an unfilled shift\'s rate rose, and why', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(page, `/practice/shifts/${demo.risen}`);
    assert.equal(await text(page, '#rate-changes-heading'), 'Rate changes');
    const risen = await text(page, '#rate-changes-table');
    assert.match(risen, /1 change to the rate, the oldest first/);
    assert.ok(risen.includes('£180.00 to £198.00 an hour'), risen);
    assert.ok(risen.includes(`The rate policy of ${POOL}`), risen);
    assert.match(risen, /Unfilled with 24 hours or less to go: \+10% of the posted rate \(£180\.00 an hour\), £180\.00 to £198\.00/);
    assert.doesNotMatch(risen, /GBP|Held at the cap/);
    assert.match(await text(page, 'main'), /Rate £198\.00 an hour/, 'the shift\'s rate is the risen one');
    await checkAccessibility(page, 'a shift whose rate rose');
    await screenshot(page, 'rate-policy-practice-shift');

    await open(page, `/practice/shifts/${demo.capped}`);
    const capped = await text(page, '#rate-changes-table');
    assert.ok(capped.includes('£190.00 to £200.00 an hour Held at the cap'), capped);
    await checkAccessibility(page, 'a shift whose rate rose to the cap');

    assert.ok(demo.unchanged, 'the practice has an open shift more than 4 days ahead');
    await open(page, `/practice/shifts/${demo.unchanged}`);
    assert.equal(await page.locator('#rate-changes').count(), 0, 'no section when the rate never changed');
    assertNoProblems(page);
  });

  test('the practice opts in and out on its settings, with the pool\'s policy in words', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(page, '/practice/settings');
    assert.equal(await page.isChecked('#rate_escalation'), true, 'the demo practice opted in');
    assert.equal(await text(page, 'label[for="rate_escalation"]'), 'Raise the rates of our unfilled shifts by the pool\'s rate policy');
    assert.equal(await text(page, '#pool-rate-policy'), `${POOL}'s policy: ${DEMO_SUMMARY}`);
    await checkAccessibility(page, 'the practice settings with the opt-in');
    await screenshot(page, 'rate-policy-practice-settings');
    await page.uncheck('#rate_escalation');
    await page.click('#save-practice-settings');
    await page.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await text(page, '.nhsuk-notification-banner--success'), /The rates of your shifts stay as you post them\./);
    assert.equal(await page.isChecked('#rate_escalation'), false);
    assert.equal((await api(demo.pm, 'GET', `/organisations/${demo.practiceId}`)).rate_escalation, false);
    await page.check('#rate_escalation');
    await page.click('#save-practice-settings');
    await page.waitForFunction(() => /rise by the pool's rate policy/.test(document.querySelector('.nhsuk-notification-banner--success')?.textContent || ''));
    assert.equal(await page.isChecked('#rate_escalation'), true);
    assert.equal((await api(demo.pm, 'GET', `/organisations/${demo.practiceId}`)).rate_escalation, true);
    assertNoProblems(page);
  });

  test('the pool administrator reads and changes the rate policy', async () => {
    const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(page, '/pool/settings');
    assert.equal(await page.locator('#rate-policy-link').count(), 1, 'the settings link to the rate policy');
    await open(page, '/pool');
    await page.click('#rate-policy-link');
    await page.waitForSelector('#rate-policy-form');
    assert.match(await text(page, 'h1'), /Rate policy$/);
    assert.equal(await text(page, '#policy-now'), `Information: The policy now: ${DEMO_SUMMARY}`);
    assert.equal(await text(page, '#indicative-hourly'), '£77.57');
    assert.equal(await text(page, '#indicative-session'), '£323.21');
    assert.equal(await page.getAttribute('#indicative-settings-link', 'href'), '/pool/settings');
    assert.equal(await page.inputValue('#cap'), '200.00');
    assert.deepEqual(await Promise.all(['#step1_hours', '#step1_percent', '#step2_hours', '#step2_percent', '#step3_hours'].map((s) => page.inputValue(s))),
      ['72', '5', '24', '10', '']);
    await checkAccessibility(page, 'the rate policy');
    await screenshot(page, 'rate-policy-pool');

    // The fewest hours first: refused on the page, nothing sent.
    await page.fill('#step1_hours', '24');
    await page.fill('#step1_percent', '10');
    await page.fill('#step2_hours', '72');
    await page.fill('#step2_percent', '5');
    await page.fill('#cap', 'lots');
    await page.click('#save-rate-policy');
    await page.waitForSelector('.nhsuk-error-summary');
    const said = await text(page, '.nhsuk-error-summary');
    assert.match(said, /Put the steps in order: the most hours before the start first/);
    assert.match(said, /Enter the cap in pounds an hour, like 100\.00, or leave it empty for no cap/);
    assert.match(await text(page, '#escalation-error'), /^Error: Put the steps in order/);
    assert.match(await text(page, '#cap-error'), /^Error: Enter the cap in pounds an hour/);
    assert.equal(await page.locator('[data-field="escalation"].nhsuk-form-group--error').count(), 1);
    const kept = async () => page.evaluate(async (id) => (await fetch(`/api/v1/pools/${id}/rate-policy`)).json(), demo.poolId);
    assert.deepEqual((await kept()).escalation, DEMO_POLICY.escalation, 'nothing was saved');
    await checkAccessibility(page, 'the rate policy, with errors');
    await screenshot(page, 'rate-policy-pool-errors');

    // A refusal of the server naming the n-th step sent is shown on the row it came from (the
    // empty row 2 was not sent, so the server's second step is row 3).
    await page.fill('#cap', '100');
    await page.fill('#step1_hours', '72');
    await page.fill('#step1_percent', '5');
    await page.fill('#step2_hours', '');
    await page.fill('#step2_percent', '');
    await page.fill('#step3_hours', '24');
    await page.fill('#step3_percent', '10');
    assert.equal(await page.locator('#escalation-error').isHidden(), true, 'the order\'s message goes once the rows are right');
    const refuse = (route) => (route.request().method() === 'PUT'
      ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_field', message: "'percent' must be between 1 and 100", field: 'escalation[1].percent' } }) })
      : route.continue());
    await page.route('**/api/v1/pools/*/rate-policy', refuse);
    await page.click('#save-rate-policy');
    await page.waitForFunction(() => !document.getElementById('step3-error').hidden);
    await page.unroute('**/api/v1/pools/*/rate-policy', refuse);
    assert.equal(await text(page, '#step3-error'), 'Error: The percentage for step 3 must be a whole number from 1 to 100');
    assert.equal(await page.locator('#step2-error').isHidden(), true);
    assert.match(await text(page, '.nhsuk-error-summary'), /The percentage for step 3 must be a whole number from 1 to 100/);
    assert.equal(await page.getAttribute('.nhsuk-error-summary a', 'href'), '#step3_percent');

    // A new schedule and cap, saved and said in words.
    await page.fill('#step1_hours', '96');
    await page.fill('#step1_percent', '5');
    await page.fill('#step2_hours', '48');
    await page.fill('#step2_percent', '10');
    await page.fill('#step3_hours', '24');
    await page.fill('#step3_percent', '15');
    await page.fill('#cap', '110');
    await page.click('#save-rate-policy');
    await page.waitForSelector('.nhsuk-notification-banner--success');
    const now = 'When 96 hours remain, unfilled shifts rise by 5% of the posted rate; at 48 hours by 10%; at 24 hours by 15%; never above £110.00 an hour.';
    assert.equal(await text(page, '#policy-now'), `Information: The policy now: ${now}`);
    assert.ok((await text(page, '.nhsuk-notification-banner--success')).endsWith(now));
    assert.deepEqual(await kept(), { pool_id: demo.poolId, hourly_rate_pence: 7757, session_rate_pence: 32321, cap_hourly_pence: 11000,
      escalation: [{ hours_before: 96, percent: 5 }, { hours_before: 48, percent: 10 }, { hours_before: 24, percent: 15 }] });
    assert.equal(await page.inputValue('#cap'), '110.00');
    assert.equal(await page.inputValue('#step3_percent'), '15');
    await checkAccessibility(page, 'the rate policy, saved');

    // No cap: the box left empty.
    await page.fill('#cap', '');
    await page.fill('#step3_hours', '');
    await page.fill('#step3_percent', '');
    await page.click('#save-rate-policy');
    await page.waitForFunction(() => /with no cap\.$/.test(document.getElementById('policy-now').textContent.trim()));
    assert.equal(await text(page, '#policy-now'), 'Information: The policy now: When 96 hours remain, unfilled shifts rise by 5% of the posted rate; at 48 hours by 10%; with no cap.');
    assert.equal((await kept()).cap_hourly_pence, 0);
    assert.equal(await page.inputValue('#cap'), '');
    await screenshot(page, 'rate-policy-pool-saved');
    assertNoProblems(page);
  });
});
