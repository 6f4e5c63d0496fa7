// The clinician's own profile in a real browser (issue 12): reached from the account page, each
// field checked as the clinician types (a UK postcode, a UK phone number, 1 to 200 km), saved, and
// read back after a reload. axe on the page with and without errors. Their data downloaded from the
// account page as one ZIP (subject access), opened by Python's zipfile.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertNoProblems, checkAccessibility, open, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, settled,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

describe('profile', () => {
  test('a clinician changes their phone, postcode and travel distance', async () => {
    const { page } = await signedInPage(browser, server, 'clinician002@demo.flexpool.test');
    await open(page, '/account');
    await page.click('a[href="/profile"]');
    await page.waitForSelector('#profile-form');
    await settled(page);
    await checkAccessibility(page, 'the profile page');
    await page.fill('#phone', 'ring the surgery');
    await page.fill('#home_postcode', 'LS1');
    await page.fill('#travel_radius_km', '500');
    await page.click('#profile-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-error-summary');
    const problems = await page.textContent('.nhsuk-error-summary');
    assert.match(problems, /UK phone number/);
    assert.match(problems, /full UK postcode/);
    assert.match(problems, /from 1 to 200 kilometres/);
    await checkAccessibility(page, 'the profile page with errors');
    await screenshot(page, 'profile-errors');

    await page.fill('#phone', '07700 900456');
    await page.fill('#home_postcode', 'ls6 2ab');
    await page.fill('#travel_radius_km', '42');
    await page.click('#profile-form button[type="submit"]');
    await page.waitForSelector('.nhsuk-notification-banner');
    await page.reload();
    await page.waitForSelector('#profile-form');
    assert.equal(await page.inputValue('#phone'), '07700 900456');
    assert.equal(await page.inputValue('#home_postcode'), 'LS6 2AB');
    assert.equal(await page.inputValue('#travel_radius_km'), '42');
    assertNoProblems(page);
  });

  test('a clinician downloads everything flexpool holds about them', async () => {
    const { page } = await signedInPage(browser, server, 'clinician003@demo.flexpool.test');
    await open(page, '/account');
    await settled(page);
    await checkAccessibility(page, 'the account page');
    await screenshot(page, 'account');
    const [zip] = await Promise.all([page.waitForEvent('download'), page.click('#account-export')]);
    assert.match(zip.suggestedFilename(), /^flexpool-export-user-\d+-\d{4}-\d{2}-\d{2}\.zip$/);
    const saved = join(mkdtempSync(join(tmpdir(), 'flexpool-export-')), zip.suggestedFilename());
    await zip.saveAs(saved);
    const read = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
m = json.loads(z.read("manifest.json"))
users = json.loads(z.read("data/users.json"))
print(json.dumps({"email": m["subject"]["email"], "tables": len(m["tables"]), "users": users,
                  "bookings": len(json.loads(z.read("data/bookings.json")))}))`, saved], { encoding: 'utf8' });
    assert.equal(read.status, 0, read.stderr);
    const got = JSON.parse(read.stdout);
    assert.equal(got.email, 'clinician003@demo.flexpool.test');
    assert.ok(got.tables > 30, 'every table that names a person');
    assert.equal(got.users.length, 1);
    assert.equal(got.users[0].password_hash, undefined, 'the password hash is withheld');
    assert.ok(got.bookings > 0, 'their bookings');
    assertNoProblems(page);
  });
});
