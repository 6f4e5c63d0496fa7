// The shared list and confirmation components (web/js/paging.js, web/js/confirm.js), driven in the
// real browser against the real API of a demo server: paging walks every row exactly once forwards
// and comes back with Previous; a refused confirmation says why in words and can be tried again.
// The pages that use them have their own journeys; this holds the components to their contract.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, fillDate, open, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

test('a paged list shows every row once, 25 at a time, numbered, and Previous goes back a page', async () => {
  const { page } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
  const walk = await page.evaluate(async () => {
    const { pagedList } = await import('/js/paging.js');
    const { getAll } = await import('/js/api.js');
    const all = (await getAll('/users', {}, 100000)).map((u) => u.id);
    const pages = [];
    let search = '';
    for (let n = 0; n < 100; n++) {
      const query = new URLSearchParams(search);
      const list = await pagedList({ path: '/users', query, here: '/admin/users', noun: ['user', 'users'] });
      const next = list.nav && list.nav.querySelector('a[rel="next"]');
      const prev = list.nav && list.nav.querySelector('a[rel="prev"]');
      pages.push({
        ids: list.items.map((u) => u.id), summary: list.summary && list.summary.textContent, search,
        prev: prev && new URL(prev.getAttribute('href'), location.origin).search,
        prevLabel: prev && prev.textContent.replace(/\s+/g, ' ').trim(),
        nextLabel: next && next.textContent.replace(/\s+/g, ' ').trim(),
      });
      if (!next) break;
      const href = new URL(next.getAttribute('href'), location.origin);
      if (href.pathname !== '/admin/users') throw new Error(`next goes to ${href.pathname}`);
      search = href.search;
    }
    return { all, pages };
  });
  assert.ok(walk.all.length > 50, `the demo has more than two pages of users (${walk.all.length})`);
  const seen = walk.pages.flatMap((pg) => pg.ids);
  assert.deepEqual([...seen].sort((a, b) => a - b), [...walk.all].sort((a, b) => a - b), 'every user appears exactly once');
  walk.pages.forEach((pg, i) => {
    const isLast = i === walk.pages.length - 1;
    if (!isLast) assert.equal(pg.ids.length, 25, `page ${i + 1} is full`);
    assert.equal(pg.summary, `Showing ${i * 25 + 1} to ${i * 25 + pg.ids.length} users`, `page ${i + 1} says which rows it shows`);
    if (i > 0) assert.match(pg.prevLabel, new RegExp(`^Previous page\\s*:\\s*Page ${i}$`));
    else assert.equal(pg.prev, null, 'the first page has no Previous');
    if (!isLast) assert.match(pg.nextLabel, new RegExp(`^Next page\\s*:\\s*Page ${i + 2}$`));
  });
  // Previous from the third page shows the second again (the same rows, numbered the same).
  const back = await page.evaluate(async (search) => {
    const { pagedList } = await import('/js/paging.js');
    const list = await pagedList({ path: '/users', query: new URLSearchParams(search), here: '/admin/users', noun: ['user', 'users'] });
    return { ids: list.items.map((u) => u.id), summary: list.summary.textContent };
  }, walk.pages[2].prev);
  assert.deepEqual(back.ids, walk.pages[1].ids);
  assert.equal(back.summary, walk.pages[1].summary);
  assertNoProblems(page);
  await page.context().close();
});

test('a filter form says which filters are active, even when it is folded away', async () => {
  const { page } = await signedInPage(browser, server, 'admin@demo.flexpool.test', { viewport: { width: 390, height: 844 } });
  const out = await page.evaluate(async () => {
    const { filterForm } = await import('/js/paging.js');
    const main = document.getElementById('maincontent');
    const f = filterForm({
      here: '/admin/users', query: new URLSearchParams('q=smith&role=clinician&tab=x'), keep: ['tab'],
      fields: [{ id: 'q', label: 'Name', type: 'search' },
        { id: 'role', label: 'Role', type: 'select', options: [{ value: '', text: 'Any' }, { value: 'clinician', text: 'Clinician' }] }],
    });
    main.replaceChildren(f.element);
    return {
      open: main.querySelector('details').open,
      summary: main.querySelector('summary').textContent,
      line: main.querySelector('.fp-active-filters').textContent,
      clear: main.querySelector('.fp-active-filters a').getAttribute('href'),
      values: f.values,
    };
  });
  assert.equal(out.open, false, 'folded on a phone');
  assert.equal(out.summary, 'Search and filter (2 active: name: “smith”, role: Clinician)');
  assert.match(out.line, /Showing only name: “smith”; role: Clinician\. Clear the filters/);
  assert.equal(out.clear, '/admin/users?tab=x', 'clearing keeps what is not a filter');
  assert.deepEqual(out.values, { q: 'smith', role: 'clinician' });
  // Applying goes to the first page with the new filters.
  await page.click('summary');
  await page.fill('#filters-q', 'jones');
  await page.click('#filters-apply');
  await page.waitForURL((u) => u.search.includes('q=jones'));
  const u = new URL(page.url());
  assert.equal(u.pathname, '/admin/users');
  assert.equal(u.searchParams.get('q'), 'jones');
  assert.equal(u.searchParams.get('role'), 'clinician');
  assert.equal(u.searchParams.get('tab'), 'x');
  assert.equal(u.searchParams.get('cursor'), null);
  await page.context().close();
});

test('a confirmation says what will happen; a refusal is shown in words and the button works again', async () => {
  const { page } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
  await page.evaluate(async () => {
    const { confirmPage } = await import('/js/confirm.js');
    const { post } = await import('/js/api.js');
    window.fpCalls = 0;
    confirmPage({
      title: 'Deactivate this organisation', caption: 'A test', consequences: ['Its managers can no longer sign in.', 'Its open shifts are withdrawn.'],
      confirmText: 'Deactivate organisation', backHref: '/admin/organisations',
      // The first try is refused by the real server (a shift that does not exist); the second succeeds.
      action: async () => { window.fpCalls += 1; if (window.fpCalls === 1) await post('/shifts/999999999/reopen'); return 'ok'; },
      done: (r) => { window.fpDone = r; },
    });
  });
  assert.equal((await page.textContent('h1')).includes('Deactivate this organisation'), true);
  assert.deepEqual(await page.locator('#confirm-consequences li').allTextContents(), ['Its managers can no longer sign in.', 'Its open shifts are withdrawn.']);
  assert.equal(await page.getAttribute('#confirm-back', 'href'), '/admin/organisations');
  await checkAccessibility(page, 'a confirmation page');
  await page.click('#confirm-button');
  await page.waitForSelector('#confirm-problem .nhsuk-error-summary');
  const problem = await page.textContent('#confirm-problem');
  assert.match(problem, /There is a problem/);
  assert.doesNotMatch(problem, /\b[a-z]+_[a-z_]+\b/, 'no raw code in the message');
  assert.equal(await page.isEnabled('#confirm-button'), true, 'the button can be used again');
  await page.click('#confirm-button');
  await page.waitForFunction(() => window.fpDone === 'ok');
  assertNoProblems(page);
  await page.context().close();
});

test('dates are typed in the NHS.UK date input, checked in words before anything is asked of the server', async () => {
  const { page } = await signedInPage(browser, server, 'icb@demo.flexpool.test', { viewport: { width: 390, height: 844 } });
  await open(page, '/overview?from=2026-04-01&to=2026-06-30');
  // The period shown is in the boxes, day, month and year apart.
  assert.deepEqual([await page.inputValue('#from-day'), await page.inputValue('#from-month'), await page.inputValue('#from-year')], ['1', '4', '2026']);
  assert.deepEqual([await page.inputValue('#to-day'), await page.inputValue('#to-month'), await page.inputValue('#to-year')], ['30', '6', '2026']);
  await fillDate(page, 'from', '2026-02-31');
  await page.fill('#to-month', '');
  await page.click('#show-figures');
  await page.waitForSelector('.nhsuk-error-summary');
  const summary = await page.textContent('.nhsuk-error-summary');
  assert.match(summary, /The first day must be a real date, like 27 3 2027/);
  assert.match(summary, /The last day must include a month/);
  assert.equal(new URL(page.url()).search, '?from=2026-04-01&to=2026-06-30', 'nothing was asked of the server');
  await checkAccessibility(page, 'the overview with date errors (phone)');
  await fillDate(page, 'from', '2026-05-01');
  await fillDate(page, 'to', '2026-05-31');
  await page.click('#show-figures');
  await page.waitForURL((u) => u.search === '?from=2026-05-01&to=2026-05-31');
  await page.waitForSelector('#figures-shifts');
  assertNoProblems(page);
  await page.context().close();
});

test('a page left before its data arrives never draws itself over the page the reader went to', async () => {
  const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
  // The practice home's shift list is held back until the reader has moved on to Past bookings.
  let release;
  const held = new Promise((r) => { release = r; });
  let heldCount = 0;
  const isShifts = (u) => u.pathname === '/api/v1/shifts';
  let handled;
  const continued = new Promise((r) => { handled = r; });
  await page.route(isShifts, async (route) => {
    heldCount += 1;
    await held;
    // A request the page has given up on meanwhile may end with no event at all: the handler's
    // own end says it is over too.
    await route.continue().catch(() => {});
    handled();
  });
  await page.goto('/practice');
  await page.waitForSelector('.nhsuk-header__navigation a[href="/practice/bookings"]');
  for (let n = 0; heldCount === 0 && n < 200; n++) await page.waitForTimeout(50);
  assert.ok(heldCount > 0, 'the home page asked for its shifts');
  await page.click('.nhsuk-header__navigation a[href="/practice/bookings"]');
  await page.waitForSelector('#practice-past-bookings');
  // The home page's answers arrive now, after the reader has left it (or, had the click loaded a
  // new document, its request ends failed): either way it is over before the page is read.
  const ended = (r) => new URL(r.url()).pathname === '/api/v1/shifts';
  const finished = page.waitForEvent('requestfinished', ended);
  const failed = page.waitForEvent('requestfailed', ended);
  release();
  await Promise.race([finished, failed, continued]);
  finished.catch(() => {});
  failed.catch(() => {});
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  assert.equal(new URL(page.url()).pathname, '/practice/bookings');
  assert.equal((await page.textContent('h1')).trim(), 'Past bookings');
  assert.match(await page.textContent('.fp-page-summary'), /past bookings$/);
  await page.unroute(isShifts);
  assertNoProblems(page);
  await page.context().close();
});
