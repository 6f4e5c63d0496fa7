// Webhooks (issue 12): a practice manager adds a webhook from the page (an address inside a
// private network refused in words on its field, the events asked for, the secret shown once),
// sees it listed without its secret, and deletes it after being asked; axe-core on each step.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

test('a practice manager adds and deletes a webhook', { timeout: 180000 }, async () => {
  const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  await open(page, '/account');
  await page.click('#account-webhooks');
  await page.waitForSelector('a[id^="webhook-add-"]');
  assert.match(await page.textContent('main'), /has no webhooks/);
  await page.click('a[id^="webhook-add-"]');
  await page.waitForSelector('#webhook-form');

  // Nothing chosen: both fields say so.
  await page.click('#webhook-form button[type="submit"]');
  await page.waitForSelector('.nhsuk-error-summary');
  const summary = await page.textContent('.nhsuk-error-summary');
  assert.match(summary, /Enter the address/);
  assert.match(summary, /Select at least one event/);

  // A private address: the server's refusal on the address field, in words.
  await page.fill('#url', 'https://192.168.1.20/hooks');
  await page.check('#events');
  await page.check('#events-3');
  await page.click('#webhook-form button[type="submit"]');
  await page.waitForSelector('#url-error:not([hidden])');
  assert.match(await page.textContent('#url-error'), /192\.168\.1\.20 is a private network address/);
  await checkAccessibility(page, 'webhook refused');

  await page.fill('#url', 'https://93.184.215.14/hooks');
  await page.check('#format-2'); // the session as a FHIR Slot
  await page.click('#webhook-form button[type="submit"]');
  await page.waitForSelector('#webhook-secret');
  const secret = await page.inputValue('#webhook-secret');
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.match(await page.textContent('main'), /only time flexpool shows it/);
  await checkAccessibility(page, 'webhook secret');

  await page.click('#webhook-done');
  await page.waitForSelector('table[id^="webhooks-"]');
  const list = await page.textContent('table[id^="webhooks-"]');
  assert.match(list, /93\.184\.215\.14/);
  assert.match(list, /shift\.posted/);
  assert.match(list, /booking\.cancelled/);
  assert.match(list, /The session \(FHIR Slot\)/);
  assert.ok(!(await page.textContent('main')).includes(secret), 'the secret is not shown again');

  await page.click('table[id^="webhooks-"] a[href$="/delete"]');
  await page.waitForSelector('#confirm-button');
  await checkAccessibility(page, 'delete webhook');
  await page.click('#confirm-button');
  await page.waitForSelector('.nhsuk-notification-banner--success');
  assert.match(await page.textContent('main'), /has no webhooks/);
  await assertNoProblems(page);
});
