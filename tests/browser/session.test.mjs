// Signing in and out in the browser: the session lives in an HttpOnly cookie the page cannot read
// (the page never keeps the bearer token), an idle session ends with a clear message, signing out
// says so. The server runs with a 60-second idle limit (the shortest --session-idle takes) so that
// the test need not wait 30 minutes.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, newPage, open, PASSWORD, screenshot, signIn, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser(['--session-idle', '60'])));
after(() => stopServerAndBrowser(server, browser));

test('the session is an HttpOnly cookie and the page keeps no bearer token', async () => {
  const page = await newPage(browser, server);
  let token = null;
  page.on('response', async (r) => {
    if (r.url().endsWith('/api/v1/sessions') && r.request().method() === 'POST') token = (await r.json()).token;
  });
  await signIn(page, 'clinician010@demo.flexpool.test');
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'fp_session');
  assert.ok(session, 'the session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the session cookie');
  assert.ok(token, 'the server answered the sign-in with a token');
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes(token), 'the bearer token is not in the page\'s storage');
  assertNoProblems(page);
  await page.context().close();
});

// The page warns before the idle sign-out (production.test.mjs tests staying signed in); left alone,
// it signs out by itself once the session has ended and says so, with the server's idle time (this
// server's is 60 seconds), and signing in again returns to the page.
test('an idle session ends with a clear message, and signing in again returns to the page', async () => {
  const page = await newPage(browser, server);
  await signIn(page, 'clinician011@demo.flexpool.test');
  await page.click('.nhsuk-header__navigation-link[href="/bookings"]');
  await page.waitForSelector('h1:has-text("My bookings")');
  await page.getByRole('alertdialog', { name: 'You will be signed out soon' }).waitFor({ timeout: 50000 });
  await page.waitForURL(/\/sign-in\?ended=1/, { timeout: 45000 });
  assert.equal(await page.getByRole('alertdialog').count(), 0, 'the warning has gone');
  const text = await page.textContent('main');
  assert.match(text, /Your session has ended/);
  assert.match(text, /signs you out after 1 minute without activity/);
  await screenshot(page, 'session-ended-after-idle');
  await page.fill('#email', 'clinician011@demo.flexpool.test');
  await page.fill('#password', PASSWORD);
  await page.click('#sign-in-form button[type="submit"]');
  await page.waitForURL(/\/bookings$/);
  await page.waitForSelector('#fp-user-name');
  await page.context().close();
});

test('signing out says so, and the pages then ask to sign in', async () => {
  const page = await newPage(browser, server);
  await signIn(page, 'clinician012@demo.flexpool.test');
  await page.click('.nhsuk-header__account-button');
  await page.waitForURL(/\/sign-in$/);
  assert.match(await page.textContent('main'), /You have signed out/);
  await open(page, '/bookings');
  await page.waitForURL(/\/sign-in\?next=%2Fbookings/);
  assert.equal(await page.locator('#fp-user-name').count(), 0);
  await page.context().close();
});

test('a wrong password is refused with an error summary linked to nothing hidden', async () => {
  const page = await newPage(browser, server);
  await open(page, '/sign-in');
  await page.fill('#email', 'clinician013@demo.flexpool.test');
  await page.fill('#password', 'not-the-password');
  await page.click('#sign-in-form button[type="submit"]');
  await page.waitForSelector('.nhsuk-error-summary');
  assert.match(await page.textContent('.nhsuk-error-summary'), /email address or password is not right/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fp-error-summary', 'the summary takes focus');
  await page.context().close();
});

test('a server that runs the demo offers its demo accounts on the sign-in page', async () => {
  const page = await newPage(browser, server);
  await open(page, '/sign-in');
  await page.waitForSelector('h2:has-text("Demo accounts")');
  assert.ok(await page.locator('button:has-text("Sign in as admin@demo.flexpool.test")').count() > 0 ||
    await page.locator('text=admin@demo.flexpool.test').count() > 0, 'the demo administrator is offered');
  assertNoProblems(page);
  await page.context().close();
});
