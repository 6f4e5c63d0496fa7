// Accounts in a real browser (issue 9): an account an administrator added chooses its own
// password first; a pool administrator sets up two-step sign-in with an authenticator app (the
// code computed here from the key the page shows, as the app would), saves the recovery codes,
// and signs in again with a code. Each page is checked with axe.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, newPage, nowStep, open, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser,
  totp,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));


describe('accounts', () => {
  test('a new pool administrator chooses a password, sets up two-step sign-in and signs in with a code', async () => {
    const { page: admin } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
    const added = await admin.evaluate(async () => {
      const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('flexpool.csrf') };
      const pools = await (await fetch('/api/v1/pools', { headers })).json();
      const res = await fetch('/api/v1/users', {
        method: 'POST', headers,
        body: JSON.stringify({ email: 'nadia.okafor@example.test', name: 'Nadia Okafor', role: 'pool_admin', pool_id: pools.items[0].id }),
      });
      return res.json();
    });
    const given = added.one_time_password;
    assert.ok(given && given.length >= 12, 'a one-time password is given');
    await admin.context().close();

    // Signing in with the password someone else chose leads to choosing one's own, and nowhere else.
    const page = await newPage(browser, server);
    await open(page, '/sign-in');
    await page.fill('#email', 'nadia.okafor@example.test');
    await page.fill('#password', given);
    await page.click('#sign-in-form button[type="submit"]');
    await page.waitForURL(/\/account\/password$/);
    await page.waitForSelector('#password-form');
    assert.match(await page.textContent('main h1'), /Choose your own password/);
    await checkAccessibility(page, 'account-password-required');
    await screenshot(page, 'account-password-required-desktop');
    await open(page, '/pool');
    assert.match(page.url(), /\/account\/password$/, 'other pages wait until the password is changed');
    await page.waitForSelector('#password-form');
    await page.fill('#current_password', given);
    await page.fill('#new_password', 'password1234');
    await page.fill('#confirm_password', 'password1234');
    await page.click('#password-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-error-summary');
    assert.match(await page.textContent('.nhsuk-error-summary'), /Choose another password: the password is too common/);
    await checkAccessibility(page, 'account-password-weak');
    await page.fill('#new_password', 'harbour-lantern-copper-9');
    await page.fill('#confirm_password', 'harbour-lantern-copper-9');
    await page.click('#password-form button[type="submit"]');
    await page.waitForURL(/\/pool$/);
    await page.locator('.nhsuk-notification-banner', { hasText: 'Your password has changed' }).waitFor();

    // Two-step sign-in, offered to a pool administrator.
    await open(page, '/account');
    await page.click('a[href="/account/two-step"]');
    await page.waitForSelector('#setup-totp');
    await checkAccessibility(page, 'account-two-step');
    await page.click('#setup-totp');
    await page.waitForSelector('#totp-secret');
    const secret = (await page.textContent('#totp-secret')).replace(/\s/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(await page.getAttribute('a[href^="otpauth://"]', 'href'), new RegExp(`secret=${secret}`));
    await checkAccessibility(page, 'account-two-step-setup');
    await screenshot(page, 'account-two-step-setup-desktop');
    await page.fill('#code', '000000' === totp(secret, nowStep()) ? '111111' : '000000');
    await page.click('#totp-confirm-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-error-summary');
    assert.match(await page.textContent('.nhsuk-error-summary'), /The code is not right/);
    await checkAccessibility(page, 'account-two-step-wrong-code');
    const used = nowStep();
    await page.fill('#code', totp(secret, used));
    await page.click('#totp-confirm-form button[type="submit"]');
    await page.waitForSelector('#recovery-codes');
    assert.equal(await page.locator('#recovery-codes li').count(), 10);
    await checkAccessibility(page, 'account-recovery-codes');
    await screenshot(page, 'account-recovery-codes-desktop');
    await page.click('#recovery-codes-saved');
    await page.waitForURL(/\/pool$/);
    await page.click('.nhsuk-header__account-button');
    await page.waitForURL(/\/sign-in/);

    // The password alone is not enough any more.
    await page.fill('#email', 'nadia.okafor@example.test');
    await page.fill('#password', 'harbour-lantern-copper-9');
    await page.click('#sign-in-form button[type="submit"]');
    await page.waitForURL(/\/sign-in\/code/);
    await page.waitForSelector('#code-form');
    await checkAccessibility(page, 'sign-in-code');
    await screenshot(page, 'sign-in-code-desktop');
    await page.click('#code-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-error-summary');
    await checkAccessibility(page, 'sign-in-code-errors');
    // A code is taken once: the next step's code (the server takes the steps next to now).
    await page.fill('#code', totp(secret, Math.max(used + 1, nowStep())));
    await page.click('#code-form button[type="submit"]');
    await page.waitForURL(/\/pool$/);
    await page.waitForSelector('#fp-user-name');
    assert.equal((await page.textContent('#fp-user-name')).trim(), 'Nadia Okafor');
    assertNoProblems(page);
    await page.context().close();
  });

  test('a forgotten password is reset through the emailed link, once (the demo mailbox shows the email)', async () => {
    const page = await newPage(browser, server);
    await open(page, '/sign-in');
    await page.click('a[href="/password-reset"]');
    await page.waitForSelector('#reset-request-form');
    await checkAccessibility(page, 'password-reset-request');
    await page.click('#reset-request-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-error-summary');
    await checkAccessibility(page, 'password-reset-request-errors');
    await page.fill('#email', 'clinician042@demo.flexpool.test');
    await page.click('#reset-request-form button[type="submit"]');
    await page.locator('main h1', { hasText: 'Check your email' }).waitFor();
    await checkAccessibility(page, 'password-reset-sent');
    await screenshot(page, 'password-reset-sent-desktop');

    // The demo mailbox has the email, with its link.
    await page.click('a[href="/demo/mailbox"]');
    await page.waitForSelector('#mailbox');
    const card = page.locator('#mailbox .nhsuk-card', { hasText: 'clinician042@demo.flexpool.test' }).first();
    assert.match(await card.textContent(), /Reset your flexpool password/);
    await checkAccessibility(page, 'demo-mailbox-with-mail');
    await screenshot(page, 'demo-mailbox-desktop');
    const href = await card.locator('a').getAttribute('href');
    assert.match(href, /^\/password-reset\?token=[A-Za-z0-9_-]{40,}$/);
    await card.locator('a').click();
    await page.waitForSelector('#reset-form');
    await checkAccessibility(page, 'password-reset-choose');
    await page.fill('#password', 'lighthouse-meadow-walnut-4');
    await page.fill('#confirm_password', 'lighthouse-meadow-walnut-4');
    await page.click('#reset-form button[type="submit"]');
    await page.waitForURL(/\/sign-in$/);
    await page.locator('.nhsuk-notification-banner', { hasText: 'Your password has changed' }).waitFor();
    await page.fill('#email', 'clinician042@demo.flexpool.test');
    await page.fill('#password', 'lighthouse-meadow-walnut-4');
    await page.click('#sign-in-form button[type="submit"]');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.waitForSelector('#fp-user-name');

    // The link works once.
    await open(page, href);
    await page.waitForSelector('#reset-form');
    await page.fill('#password', 'another-meadow-walnut-5');
    await page.fill('#confirm_password', 'another-meadow-walnut-5');
    await page.click('#reset-form button[type="submit"]');
    await page.locator('main h1', { hasText: 'This link has expired' }).waitFor();
    await checkAccessibility(page, 'password-reset-expired');
    assertNoProblems(page);
    await page.context().close();
  });
});
