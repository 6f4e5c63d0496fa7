// The calendar feeds in a real browser (issue 12): a clinician finds their calendar address from
// the account page, copies it, and gets a new one (asked first): the old address then answers 404
// and the new one a text/calendar feed. A practice manager does the same for the practice. Each
// page is checked with axe.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, settled,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

// GETs a feed address from the test (no session): its status and content type.
async function fetchFeed(url) {
  const u = new URL(url);
  const res = await fetch(server.base + u.pathname + u.search);
  return { status: res.status, type: res.headers.get('content-type') || '', text: await res.text() };
}

describe('calendar feeds', () => {
  test('a clinician copies their calendar address and renews it', async () => {
    const { page } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await open(page, '/account');
    await page.click('a[href="/calendar"]');
    await page.waitForSelector('#feed-url');
    await settled(page);
    await checkAccessibility(page, 'the calendar feed page');
    const first = await page.inputValue('#feed-url');
    assert.match(first, /\/api\/v1\/calendar-feed\?key=[A-Za-z0-9_-]{43}$/);
    await page.click('#feed-url-copy');
    await page.waitForFunction(() => document.querySelector('#feed-url-status').textContent.length > 0);
    assert.match(await page.textContent('#feed-url-status'), /copied|copy it yourself/);
    let feed = await fetchFeed(first);
    assert.equal(feed.status, 200);
    assert.match(feed.type, /^text\/calendar/);
    assert.match(feed.text, /^BEGIN:VCALENDAR\r\n/);
    await screenshot(page, 'calendar-feed');

    await page.click('#calendar-renew');
    await page.waitForSelector('#confirm-consequences');
    await checkAccessibility(page, 'the renew calendar address question');
    await page.click('#confirm-button');
    await page.waitForURL((u) => u.pathname === '/calendar');
    await page.waitForSelector('.nhsuk-notification-banner');
    await page.waitForSelector('#feed-url');
    const renewed = await page.inputValue('#feed-url');
    assert.notEqual(renewed, first);
    assert.equal((await fetchFeed(first)).status, 404);
    feed = await fetchFeed(renewed);
    assert.equal(feed.status, 200);
    assertNoProblems(page);
  });

  test('a practice manager gets the practice\'s calendar address and renews it', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(page, '/account');
    await page.click('a[href="/practice/calendar"]');
    await page.waitForSelector('[id^="feed-url-"]');
    await settled(page);
    await checkAccessibility(page, 'the practice calendar feed page');
    const field = await page.$('input[id^="feed-url-"]');
    const first = await field.inputValue();
    const feed = await fetchFeed(first);
    assert.equal(feed.status, 200);
    assert.match(feed.text, /UID:shift-\d+@flexpool/);
    await page.click('a[id^="calendar-renew-"]');
    await page.waitForSelector('#confirm-consequences');
    await checkAccessibility(page, 'the renew practice calendar address question');
    await page.click('#confirm-button');
    await page.waitForURL((u) => u.pathname === '/practice/calendar');
    await page.waitForSelector('input[id^="feed-url-"]');
    assert.equal((await fetchFeed(first)).status, 404);
    assertNoProblems(page);
  });
});
