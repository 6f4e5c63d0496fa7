// A server as production runs it (no --demo): the sign-in page asks for no demo accounts, so it
// makes no failing request and logs no error (issue 10, "Fast on a phone").

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoProblems, checkAccessibility, launch, newPage, open, startServer } from './helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer([], { demo: false });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the sign-in page of a server without --demo makes no failing request and logs no error', async () => {
  const page = await newPage(browser, server);
  const requested = [], failing = [], errors = [];
  // The one expected refusal: the page asks /api/v1/me whether anyone is signed in (401 when not).
  const isMe = (u) => new URL(u).pathname === '/api/v1/me';
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  page.on('requestfailed', (r) => failing.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400 && !isMe(r.url())) failing.push(`${r.url()}: ${r.status()}`); });
  page.on('console', (m) => {
    const at = m.location()?.url || '';
    if (m.type() === 'error' && !(at && isMe(at))) errors.push(`${m.text()} (${at})`);
  });
  await open(page, '/sign-in');
  assert.ok(!requested.includes('/api/v1/demo-accounts'), 'the page did not ask for demo accounts');
  assert.deepEqual(failing, [], 'no request failed');
  assert.deepEqual(errors, [], 'nothing was logged as an error');
  assert.equal(await page.locator('text=Demo accounts').count(), 0, 'no demo accounts are offered');
  await checkAccessibility(page, 'the production sign-in page');
  assertNoProblems(page);
  await page.context().close();
});
