// Every message in plain words (issue 10): signed in as each demo role, visit every page the menu
// reaches and the pages one link further (a bounded crawl), and find no visible text that looks like
// a raw code or identifier (`not_eligible`, `cstf_basic_life_support`): the words a person reads
// match no /\b[a-z]+_[a-z_]+\b/. Then a few refusals, as the pages would show them (api.js
// explain()), are checked too: a clinician whose passport is not complete booking and applying.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  open, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

const CODE = /\b[a-z]+_[a-z_]+\b/g;
const ROLES = [
  'clinician001@demo.flexpool.test',
  'practice@demo.flexpool.test',
  'pool@demo.flexpool.test',
  'admin@demo.flexpool.test',
  'icb@demo.flexpool.test',
];
const PER_ROLE = 16; // pages at most, per role, to keep the crawl bounded

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

// The words on the page a person reads: the body's rendered text (inputs' values are not part of
// it), with email addresses left out (they are data, and may hold underscores).
async function visibleWords(page) {
  return page.evaluate(() => document.body.innerText.replace(/\S+@\S+/g, ' '));
}

// Links within the app on the page (menu first), as paths.
async function appLinks(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)]
    .map((a) => a.getAttribute('href'))
    .filter((href) => href && href.startsWith('/') && !href.startsWith('/api/') && !href.startsWith('/sign-out') && !href.startsWith('//')), selector);
}

// One page per shape of path (/shifts/12 and /shifts/13 are the same page; ?state=open and
// ?state=booked are not).
const shapeOf = (path) => path.replace(/\d+/g, ':n').replace(/check=[^&]*/, 'check=*');

describe('plain words everywhere', () => {
  for (const email of ROLES) {
    test(`no raw code on any page ${email.split('@')[0]} reaches`, async () => {
      const { page } = await signedInPage(browser, server, email);
      const menu = [new URL(page.url()).pathname, ...await appLinks(page, 'header a, .nhsuk-header a')];
      const seen = new Set();
      const queue = menu.map((path) => ({ path, depth: 0 }));
      const found = [];
      let visited = 0;
      while (queue.length && visited < PER_ROLE) {
        const { path, depth } = queue.shift();
        const shape = shapeOf(path);
        if (seen.has(shape)) continue;
        seen.add(shape);
        await open(page, path);
        visited++;
        const words = await visibleWords(page);
        for (const m of words.matchAll(CODE)) found.push(`${path}: “${m[0]}” in “${words.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\s+/g, ' ')}”`);
        if (depth === 0) for (const next of await appLinks(page, 'main a')) queue.push({ path: next, depth: 1 });
      }
      assert.ok(visited >= 3, `the crawl reached ${visited} pages`);
      if (process.env.FP_CRAWL_LOG) console.log(email, [...seen].join(" ")); // which pages were read
      assert.deepEqual(found, [], `raw codes shown to ${email}`);
      await page.context().close();
    });
  }

  test('refusals are said in words: a passport not complete names its checks', async () => {
    const { page } = await signedInPage(browser, server, 'clinician102@demo.flexpool.test');
    await open(page, '/shifts');
    const said = await page.evaluate(async () => {
      // The page's own api.js (whatever URL it is served under), so its CSRF token and explain().
      const url = performance.getEntriesByType('resource').map((e) => e.name).find((n) => /\/js\/api(\.[\w-]+)?\.js(\?|$)/.test(n));
      const api = await import(url);
      const { items } = await api.get('/shifts?status=open&limit=20');
      const instant = items.find((s) => s.booking_mode === 'instant');
      const approval = items.find((s) => s.booking_mode === 'approval');
      const out = [];
      for (const [s, what] of [[instant, 'booking'], [approval, 'applications']]) {
        if (!s) continue;
        try {
          await api.post(`/shifts/${s.id}/${what}`);
          out.push(`${what}: not refused`);
        } catch (err) {
          out.push(api.explain(err));
        }
      }
      try {
        await api.get('/shifts?status=nonsense');
      } catch (err) {
        out.push(api.explain(err));
      }
      try {
        await api.get('/shifts/999999999');
      } catch (err) {
        out.push(api.explain(err));
      }
      return out;
    });
    assert.ok(said.length >= 3, `refusals were made: ${said.join(' | ')}`);
    assert.match(said[0], /Enhanced DBS check/);
    for (const text of said) {
      assert.doesNotMatch(text, CODE, `a refusal in words: ${text}`);
      assert.doesNotMatch(text, /\bdbs\b|not refused/);
    }
    await page.context().close();
  });
});
