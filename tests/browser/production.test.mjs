// A server as production runs it (no --demo): the sign-in page asks for no demo accounts and asks
// who is signed in with GET /api/v1/sessions/current (200 either way), so it makes no failing
// request and logs no error; it loads no role's pages (issue 10, "Fast on a phone"). And the
// warning before the idle sign-out (WCAG 2.2.1): it appears, is announced, and "Stay signed in"
// keeps the session past the time it would have ended.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, newPage, open, PHONE, signIn, startServer, startServerAndBrowser, stopServerAndBrowser, settled,
} from './helpers.mjs';

// Records the page's layout shifts from its first paint (not those right after input, as CLS counts).
const watchShifts = (page) => page.addInitScript(() => {
  window.fpShifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.fpShifts.push({ value: e.value, nodes: e.sources.map((x) => x.node?.id || x.node?.className || x.node?.nodeName) });
  }).observe({ type: 'layout-shift', buffered: true });
});
const layoutShift = async (page) => {
  await page.waitForTimeout(500); // the last frames' entries
  const shifts = await page.evaluate(() => window.fpShifts);
  return { total: shifts.reduce((a, e) => a + e.value, 0), shifts };
};

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser([], { demo: false })));
after(() => stopServerAndBrowser(server, browser));

test('the sign-in page of a server without --demo makes no failing request and logs no error', async () => {
  const page = await newPage(browser, server, { viewport: PHONE });
  await watchShifts(page);
  const requested = [], failing = [], errors = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  page.on('requestfailed', (r) => failing.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) failing.push(`${r.url()}: ${r.status()}`); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.text()} (${m.location()?.url || ''})`); });
  await open(page, '/sign-in');
  assert.ok(!requested.includes('/api/v1/demo-accounts'), 'the page did not ask for demo accounts');
  assert.deepEqual(failing, [], 'no request failed');
  assert.deepEqual(errors, [], 'nothing was logged as an error');
  assert.equal(await page.locator('text=Demo accounts').count(), 0, 'no demo accounts are offered');
  assert.ok(requested.includes('/api/v1/sessions/current'), 'the page asked who is signed in');
  assert.ok(!requested.includes('/api/v1/me'), 'the page did not ask /api/v1/me, which answers 401 when nobody is');
  const rolePages = requested.filter((p) => /\/js\/pages\//.test(p) && !p.endsWith('/pages/public.js'));
  assert.deepEqual(rolePages, [], 'the sign-in page loaded no role\'s pages');
  const cls = await layoutShift(page);
  assert.ok(cls.total < 0.01, `nothing moved while the sign-in page loaded: ${JSON.stringify(cls.shifts)}`);
  await checkAccessibility(page, 'the production sign-in page');
  assertNoProblems(page);
  await page.context().close();
});

test('before the idle sign-out a warning is announced, and Stay signed in keeps the session', async () => {
  const idle = await startServer(['--session-idle', '60']);
  try {
    const page = await newPage(browser, idle, { viewport: PHONE });
    const requested = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await signIn(page, 'clinician001@demo.flexpool.test');
    // Find shifts loaded afresh on a phone: the header, filters and shifts arrive after the page and
    // move nothing that was already shown.
    await watchShifts(page);
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    await settled(page);
    const cls = await layoutShift(page);
    assert.ok(cls.total < 0.01, `nothing moved while Find shifts loaded: ${JSON.stringify(cls.shifts)}`);
    const signedInAt = Date.now();
    assert.ok(requested.some((p) => p.endsWith('/js/pages/clinician.js')), "the clinician's pages were loaded once a clinician signed in");
    // A second tab of the same browser shares the session, and its warning.
    const other = await page.context().newPage();
    await other.goto('/bookings');
    await other.waitForSelector('html[data-ready="true"]');
    // A 60-second session may end 7/8 of the way (52.5 s); the warning comes 20 s before that.
    const dialog = page.getByRole('alertdialog', { name: 'You will be signed out soon' });
    await dialog.waitFor({ state: 'visible', timeout: 50000 });
    await other.getByRole('alertdialog', { name: 'You will be signed out soon' }).waitFor({ state: 'visible', timeout: 5000 });
    const shownAfter = (Date.now() - signedInAt) / 1000;
    assert.ok(shownAfter > 25 && shownAfter < 40, `the warning came ${shownAfter} s after the last request`);
    assert.match(await dialog.textContent(), /you will be signed out in \d+ seconds/);
    const stay = dialog.getByRole('button', { name: 'Stay signed in' });
    assert.equal(await stay.evaluate((b) => b === document.activeElement), true, 'Stay signed in has the focus');
    await checkAccessibility(page, 'the idle warning');
    await stay.click();
    await dialog.waitFor({ state: 'detached' });
    await other.getByRole('alertdialog').waitFor({ state: 'detached', timeout: 5000 }); // the other tab heard of it
    // Past the time the session would have ended without it (60 s after signing in), still signed in.
    await page.waitForTimeout(Math.max(0, signedInAt + 62000 - Date.now()));
    const current = await page.evaluate(async () => (await (await fetch('/api/v1/sessions/current')).json()).signed_in);
    assert.equal(current, true, 'the session lives on');
    assert.ok(!new URL(page.url()).pathname.startsWith('/sign-in'), 'the page did not sign out');
    assertNoProblems(page);
    await page.context().close();
  } finally {
    await idle.stop();
  }
});
