// Signing in through NHS CIS2 in a real browser (issue 15, docs/OIDC.md), against the local OpenID
// Connect provider (tests/oidc/provider.mjs): the sign-in page offers it, the provider's page asks
// who signs in, and the browser comes back signed in to the account whose verified email the
// provider gave, with that account's own role. A CIS2 account linked to no flexpool account comes
// back to the sign-in page, which says why; the system administrator links a CIS2 subject to an
// account by hand, and that person then signs in; an account with its own second factor is asked
// for its code after CIS2. Each of flexpool's pages is checked with axe.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiCall, apiIn, apiLogin, assertNoProblems, checkAccessibility, newPage, nowStep, open, screenshot, settled, signedInPage,
  startOidcProvider, startServerAndBrowser, stopServerAndBrowser, totp,
} from './helpers.mjs';

let server, browser, provider;
before(async () => {
  provider = await startOidcProvider();
  ({ server, browser } = await startServerAndBrowser(provider.serverArgs));
  await provider.control({
    accounts: {
      'cis2-pool': { email: 'pool@demo.flexpool.test', email_verified: true, name: 'Pool administrator', uid: '555000222' },
      'cis2-stranger': { email: 'stranger@nhs.example', email_verified: true, name: 'Sam Stranger', uid: '555000333' },
    },
  });
});
after(async () => {
  await stopServerAndBrowser(server, browser);
  await provider?.stop();
});

// The journey leaves flexpool for the provider and comes back: only flexpool's own problems count.
function flexpoolProblems(page) {
  page.problems = page.problems.filter((p) => !p.includes(provider.issuer));
  assertNoProblems(page);
}

async function throughProvider(page, who) {
  await open(page, '/sign-in');
  await page.click('#cis2-sign-in');
  await page.waitForURL((u) => u.href.startsWith(`${provider.issuer}/interaction/`));
  await page.selectOption('#login', who);
  await page.click('button[type="submit"]');
  await page.waitForURL((u) => u.href.startsWith(server.base) && u.pathname !== '/');
  await page.waitForSelector('html[data-ready="true"]');
  await settled(page);
}

test('a pool administrator signs in with NHS CIS2 and keeps flexpool\'s own role', async () => {
  const page = await newPage(browser, server);
  await open(page, '/sign-in');
  await page.waitForSelector('#cis2-sign-in');
  assert.match(await page.textContent('#cis2'), /NHS Care Identity Service 2/);
  await checkAccessibility(page, 'the sign-in page offering NHS CIS2');
  await screenshot(page, 'oidc-sign-in');
  await throughProvider(page, 'cis2-pool');
  await page.waitForSelector('#fp-user-name');
  assert.ok(!new URL(page.url()).pathname.startsWith('/sign-in'), `signed in, at ${page.url()}`);
  const me = await apiIn(page, '/me');
  assert.equal(me.email, 'pool@demo.flexpool.test');
  assert.deepEqual(me.roles.map((r) => r.role), ['pool_admin']);
  await checkAccessibility(page, 'the first page after signing in with NHS CIS2');
  await screenshot(page, 'oidc-signed-in');
  flexpoolProblems(page);
  await page.context().close();
});

test('a CIS2 account linked to no flexpool account is told why on the sign-in page', async () => {
  const page = await newPage(browser, server);
  await throughProvider(page, 'cis2-stranger');
  const url = new URL(page.url());
  assert.equal(url.pathname, '/sign-in');
  assert.equal(url.searchParams.get('oidc_error'), 'no_account');
  const summary = await page.textContent('.nhsuk-error-summary');
  assert.match(summary, /not linked to a flexpool account/);
  const session = await apiIn(page, '/sessions/current');
  assert.equal(session.signed_in, false);
  await checkAccessibility(page, 'the sign-in page after a refused CIS2 sign-in');
  await screenshot(page, 'oidc-refused');
  flexpoolProblems(page);
  await page.context().close();
});

test('the system administrator links a CIS2 subject to an account, and that person signs in', async () => {
  const { page } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
  const found = await apiIn(page, '/users?q=practice%40demo.flexpool.test');
  const target = found.items.find((u) => u.email === 'practice@demo.flexpool.test');
  await open(page, `/admin/users?q=${encodeURIComponent(target.email)}`);
  await page.click(`a[href="/admin/users/${target.id}/cis2"]`);
  await page.waitForSelector('#cis2-link-form');
  await settled(page);
  await checkAccessibility(page, 'a user\'s NHS CIS2 identities, none linked');
  await page.fill('#subject', 'has space');
  await page.click('#cis2-link-button');
  assert.match(await page.textContent('.nhsuk-error-summary'), /without spaces/);
  await page.fill('#subject', '910000000042');
  await page.click('#cis2-link-button');
  await page.waitForSelector('#cis2-identities');
  await settled(page);
  assert.match(await page.textContent('#cis2-identities'), /910000000042/);
  assert.match(await page.textContent('#cis2-identities'), /By an administrator/);
  await checkAccessibility(page, 'a user\'s NHS CIS2 identities, one linked');
  await screenshot(page, 'oidc-admin-link');
  assertNoProblems(page);
  await page.context().close();
  // The person's CIS2 account holds no verified email: the link alone signs them in.
  await provider.control({ accounts: { 910000000042: { email: 'p.manager@nhs.example', email_verified: false, name: 'Practice manager' } } });
  const person = await newPage(browser, server);
  await throughProvider(person, '910000000042');
  await person.waitForSelector('#fp-user-name');
  assert.equal((await apiIn(person, '/me')).email, 'practice@demo.flexpool.test');
  flexpoolProblems(person);
  await person.context().close();
});

test('after NHS CIS2, an account with its own second factor is asked for its code', async () => {
  // A commissioner who is not one of the demo's accounts (those are never asked for a second factor),
  // with a password of their own and TOTP set up, as they would have done.
  const admin = await apiLogin(server, 'admin@demo.flexpool.test');
  const icb = (await apiCall(server, admin, 'GET', '/organisations?level=icb&limit=1')).items[0].id;
  await apiCall(server, admin, 'POST', '/users',
    { email: 'cara.commissioner@nhs.example', name: 'Cara Commissioner', role: 'commissioner', organisation_id: icb, password: 'given-by-admin-7' });
  const given = (await (await fetch(`${server.base}/api/v1/sessions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'cara.commissioner@nhs.example', password: 'given-by-admin-7' }),
  })).json()).token;
  await apiCall(server, given, 'PUT', '/me/password', { current_password: 'given-by-admin-7', new_password: 'Cara-commissions-primary-care-9' });
  const { secret } = await apiCall(server, given, 'POST', '/me/totp');
  const used = nowStep();
  await apiCall(server, given, 'POST', '/me/totp/confirmation', { code: totp(secret, used) });
  await provider.control({ accounts: { 'cis2-cara': { email: 'cara.commissioner@nhs.example', email_verified: true, name: 'Cara Commissioner' } } });
  const page = await newPage(browser, server);
  await throughProvider(page, 'cis2-cara');
  assert.equal(new URL(page.url()).pathname, '/sign-in/code');
  assert.equal(new URL(page.url()).hash, '', 'the step\'s token is taken out of the address at once');
  await page.waitForSelector('#code');
  await checkAccessibility(page, 'the code step after NHS CIS2');
  await page.fill('#code', totp(secret, Math.max(used + 1, nowStep())));
  await page.click('#code-form button[type="submit"]');
  await page.waitForSelector('#fp-user-name');
  assert.equal((await apiIn(page, '/me')).email, 'cara.commissioner@nhs.example');
  flexpoolProblems(page);
  await page.context().close();
});
