// Runs Lighthouse (mobile, its defaults) `runs` times on each page and prints the medians as a
// Markdown table. Pages are "label|url|cookie" (cookie: sent as a Cookie header, for a signed-in
// page). A fresh Chromium (CHROME_PATH, never a downloaded one) for every run. See bench/lighthouse.sh.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const [runsArg, out, ...pages] = process.argv.slice(2);
const runs = Number(runsArg) || 3;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const flags = ['--headless=new', '--no-first-run', '--disable-gpu', '--no-sandbox', '--disable-dev-shm-usage'];

const rows = [];
const problems = new Set();
for (const spec of pages) {
  const [label, url, cookie] = spec.split('|');
  const got = [];
  for (let i = 1; i <= runs; i++) {
    const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH, chromeFlags: flags });
    try {
      const result = await lighthouse(url, {
        port: chrome.port, output: 'json', logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
        extraHeaders: cookie ? { Cookie: cookie } : undefined,
      });
      const lhr = result.lhr;
      const slug = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      writeFileSync(join(out, `${slug}-${i}.json`), result.report);
      if (lhr.runtimeError) throw new Error(`${label}: ${lhr.runtimeError.message}`);
      const a = lhr.audits;
      got.push({
        performance: Math.round(lhr.categories.performance.score * 100),
        accessibility: Math.round(lhr.categories.accessibility.score * 100),
        bestPractices: Math.round(lhr.categories['best-practices'].score * 100),
        fcp: a['first-contentful-paint'].numericValue,
        lcp: a['largest-contentful-paint'].numericValue,
        tbt: a['total-blocking-time'].numericValue,
        cls: a['cumulative-layout-shift'].numericValue,
        si: a['speed-index'].numericValue,
        bytes: a['total-byte-weight'].numericValue,
      });
      for (const cat of ['accessibility', 'best-practices', 'performance'])
        for (const ref of lhr.categories[cat].auditRefs)
          if (ref.weight > 0 && a[ref.id].score !== null && a[ref.id].score < 1 && (cat !== 'performance' || a[ref.id].score < 0.9))
            problems.add(`${label}: ${cat}: ${ref.id} (${a[ref.id].title}) ${a[ref.id].displayValue || ''}`);
      console.error(`${label} run ${i}: performance ${got.at(-1).performance}, accessibility ${got.at(-1).accessibility}, best practices ${got.at(-1).bestPractices}, CLS ${got.at(-1).cls.toFixed(3)}, LCP ${Math.round(got.at(-1).lcp)} ms`);
    } finally {
      await chrome.kill();
    }
  }
  const m = (k) => median(got.map((g) => g[k]));
  rows.push(`| ${label} | ${m('performance')} | ${m('accessibility')} | ${m('bestPractices')} | ${m('cls').toFixed(3)} | ${(m('fcp') / 1000).toFixed(1)} s | ${(m('lcp') / 1000).toFixed(1)} s | ${Math.round(m('tbt'))} ms | ${(m('si') / 1000).toFixed(1)} s | ${Math.round(m('bytes') / 1024)} KiB |`);
}
for (const p of problems) console.error(`  not full marks: ${p}`);
console.log(`| page (median of ${runs}) | performance | accessibility | best practices | CLS | FCP | LCP | TBT | Speed Index | transferred |`);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
