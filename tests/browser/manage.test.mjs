// Managing what is already there, in a real browser: a practice manager edits an open shift (and
// is told when it is no longer open); a clinician follows their own requests to join pools; the
// system administrator adds a practice and its manager, who can then sign in; a clinician in no pool
// is shown how to ask to join one.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertNoProblems, checkAccessibility, newPage, open, postShift, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

describe('a practice manager edits an open shift', () => {
  test('changing the rate shows the new rate on the shift page', async () => {
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const shiftId = await postShift(pm, { date: ukDateParts(47), start: '18:20', end: '20:20' });
    await pm.click('a[href$="/edit"]');
    await pm.waitForURL(new RegExp(`/practice/shifts/${shiftId}/edit$`));
    await pm.waitForSelector('#edit-shift-form');
    assert.equal(await pm.inputValue('#start_time'), '18:20', 'the form starts with the shift as it is');
    assert.equal(await pm.inputValue('#rate'), '323.21');
    await checkAccessibility(pm, 'practice-edit-shift');
    await screenshot(pm, 'practice-edit-shift-desktop');

    // Validated as you type.
    await pm.fill('#rate', 'abc');
    await pm.press('#rate', 'Tab');
    assert.match(await pm.textContent('[data-field="rate"] .nhsuk-error-message'), /Enter the rate in pounds and pence/);
    await pm.fill('#end_time', '18:00');
    await pm.press('#end_time', 'Tab');
    assert.match(await pm.textContent('[data-field="end_time"] .nhsuk-error-message'), /end time must be after the start time/);
    await pm.click('#save-shift');
    await pm.waitForSelector('.nhsuk-error-summary');
    await checkAccessibility(pm, 'practice-edit-shift-errors');
    assert.match(pm.url(), /\/edit$/, 'nothing was sent while the form had errors');

    await pm.fill('#end_time', '20:20');
    await pm.fill('#rate', '95.50');
    await pm.check('input[name="rate_unit"][value="hour"]');
    await pm.click('#save-shift');
    await pm.waitForURL(new RegExp(`/practice/shifts/${shiftId}$`));
    await pm.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await pm.textContent('.nhsuk-notification-banner'), /Shift changed/);
    assert.match(await pm.textContent('.fp-shift-summary'), /Rate\s*£95\.50 an hour/);
    assert.match(await pm.textContent('#estimated-fee'), /£191\.00 for 2 hours/);
    assertNoProblems(pm);
    await pm.context().close();
  });

  test('a shift booked while the form was open is refused with a message', async () => {
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    const shiftId = await postShift(pm, { date: ukDateParts(48), start: '18:25', end: '20:25' });
    await open(pm, `/practice/shifts/${shiftId}/edit`);
    await pm.waitForSelector('#edit-shift-form');

    const { page: cl } = await signedInPage(browser, server, 'clinician002@demo.flexpool.test');
    await open(cl, `/shifts/${shiftId}`);
    await cl.click('#book-button');
    await cl.waitForSelector('.nhsuk-panel');
    await cl.context().close();

    await pm.fill('#rate', '400');
    await pm.click('#save-shift');
    await pm.waitForSelector('.nhsuk-error-summary');
    assert.match(await pm.textContent('.nhsuk-error-summary'), /no longer open/);
    await open(pm, `/practice/shifts/${shiftId}`);
    assert.match(await pm.textContent('.fp-shift-summary'), /£323\.21 a session/, 'the booked shift kept its rate');
    assertNoProblems(pm);
    await pm.context().close();
  });
});

describe('a clinician follows their requests to join a pool', () => {
  test('a sent request can be withdrawn, and a declined one shows the reason', async () => {
    const page = await newPage(browser, server);
    await open(page, '/register');
    await page.fill('#name', 'Dr Sam Achebe');
    await page.fill('#email', 'sam.achebe@example.test');
    await page.fill('#password', 'a-long-enough-password');
    await page.selectOption('#profession', 'gp');
    await page.fill('#registration_number', '7654322');
    await page.fill('#home_postcode', 'LS1 4AP');
    await page.fill('#travel_radius_km', '15');
    await page.click('#register-form button[type="submit"]');
    await page.waitForURL(/\/pools$/);
    const row = () => page.locator('#pools-table tbody tr').first();
    await row().locator('button', { hasText: 'Ask to join' }).click();
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Request sent' }).waitFor();
    assert.match(await row().textContent(), /Request sent/);
    await checkAccessibility(page, 'clinician-pools-request-sent');
    await screenshot(page, 'clinician-pools-request-sent-desktop');
    // The requests sent are a page of their own, paged.
    await page.click('#join-requests-link');
    await page.waitForSelector('#join-requests');
    assert.match(await page.textContent('#join-requests'), /Request sent/);
    await open(page, '/pools');

    // Withdrawing asks first, on its own page, saying what will happen.
    await row().locator('a', { hasText: 'Withdraw request' }).click();
    await page.waitForSelector('#confirm-form');
    assert.match(await page.textContent('#confirm-consequences'), /will no longer see your request/);
    await page.click('#confirm-button');
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Request withdrawn' }).waitFor();
    assert.doesNotMatch(await row().textContent(), /Request sent/);
    await open(page, '/pools/requests');
    assert.match(await page.textContent('#join-requests'), /Withdrawn/);
    await open(page, '/pools');

    // Asked again, and declined by the pool administrator with a reason.
    await row().locator('button', { hasText: 'Ask to join' }).click();
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Request sent' }).waitFor();
    const { page: admin } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(admin, '/pool');
    await admin.locator('#join-requests tbody tr', { hasText: 'Dr Sam Achebe' }).locator('a', { hasText: 'Decline' }).click();
    await admin.waitForSelector('#decline-form');
    assert.match(await admin.textContent('main'), /Dr Sam Achebe/);
    await admin.fill('#reason', 'The pool has no GP sessions until April');
    await checkAccessibility(admin, 'pool-decline-request');
    await screenshot(admin, 'pool-decline-request-desktop');
    await admin.click('#confirm-decline');
    await admin.locator('.nhsuk-notification-banner--success', { hasText: 'Request declined' }).waitFor();
    assert.match(await admin.textContent('.nhsuk-notification-banner--success'), /Dr Sam Achebe will see it, with your reason, on their pools page\. Nothing is sent to them\./);
    assert.doesNotMatch(await admin.textContent('main'), /has been told|notified/);
    assert.equal(await admin.locator('#join-requests tbody tr', { hasText: 'Dr Sam Achebe' }).count(), 0);
    assertNoProblems(admin);
    await admin.context().close();

    await open(page, '/pools');
    const text = await row().textContent();
    assert.match(text, /Declined/);
    assert.match(text, /The pool has no GP sessions until April/);
    assert.match(text, /Ask again/);
    await checkAccessibility(page, 'clinician-pools-declined');
    assertNoProblems(page);
    await page.context().close();
  });
});

describe('the system administrator adds a practice and its manager', () => {
  test('the new practice manager can sign in with the one-time password', async () => {
    const { page: admin } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
    await admin.click('.nhsuk-header__navigation a[href="/admin/organisations"]');
    await admin.waitForURL(/\/admin\/organisations$/);
    await admin.waitForSelector('#org-form');
    assert.match(await admin.textContent('#organisations'), /Practice|PCN|ICB|Place/);
    await checkAccessibility(admin, 'admin-organisations');
    await screenshot(admin, 'admin-organisations-desktop');

    // Checked as you type, then the server's own refusal shown against its field.
    await admin.check('input[name="level"][value="practice"]');
    await admin.fill('#ods_code', 'X123');
    await admin.press('#ods_code', 'Tab');
    assert.match(await admin.textContent('#ods_code-error'), /a letter and 5 digits/);
    await admin.click('#add-org');
    await admin.waitForSelector('.nhsuk-error-summary');
    assert.match(await admin.textContent('.nhsuk-error-summary'), /Enter the name/);
    assert.match(await admin.textContent('.nhsuk-error-summary'), /Choose the parent organisation/);
    await checkAccessibility(admin, 'admin-organisations-errors');
    // An existing practice's code, found on the list filtered to practices.
    await open(admin, '/admin/organisations?level=practice');
    const existing = (await admin.locator('#organisations tbody tr').first().locator('td').nth(1).textContent()).replace(/^ODS code\s*/, '').trim();
    assert.match(existing, /^[A-Z]\d{5}$/);
    await admin.check('input[name="level"][value="practice"]');
    await admin.fill('#ods_code', existing);
    await admin.fill('#name', 'Kirkgate Health Centre');
    const pcn = await admin.locator('#parent_id option').nth(1).getAttribute('value');
    await admin.selectOption('#parent_id', pcn);
    await admin.fill('#postcode', 'LS1 4AP');
    await admin.click('#add-org');
    await admin.waitForFunction(() => !document.querySelector('#ods_code-error').hidden && /ods|code|taken|exists/i.test(document.querySelector('#ods_code-error').textContent));
    assert.equal(await admin.getAttribute('.nhsuk-error-summary a', 'href'), '#ods_code', 'the summary links to the ODS code');

    await admin.fill('#ods_code', 'Y99871');
    await admin.click('#add-org');
    await admin.locator('.nhsuk-notification-banner--success', { hasText: 'Organisation added' }).waitFor();
    await admin.waitForURL(/\/admin\/organisations\?q=Y99871$/);
    await admin.waitForSelector('#org-filters-active');
    assert.match(await admin.textContent('#organisations'), /Kirkgate Health Centre/);

    await open(admin, '/admin/users');
    await admin.waitForSelector('#user-form');
    assert.match(await admin.textContent('#users'), /@demo\.flexpool\.test/);
    await checkAccessibility(admin, 'admin-users');
    await screenshot(admin, 'admin-users-desktop');
    await admin.fill('#name', 'Priya Natarajan');
    await admin.fill('#email', 'priya.natarajan@example.test');
    await admin.check('input[name="role"][value="practice_manager"]');
    const option = admin.locator('#organisation_id option', { hasText: 'Kirkgate Health Centre' });
    await admin.selectOption('#organisation_id', await option.getAttribute('value'));
    await admin.click('#add-user-button');
    await admin.waitForSelector('#one-time-password');
    const password = (await admin.textContent('#one-time-password')).trim();
    assert.ok(password.length >= 10, 'a one-time password is shown');
    await checkAccessibility(admin, 'admin-user-added');

    // The new manager signs in, chooses her own password (the one-time one was someone else's
    // choice) and manages the new practice.
    const pm = await newPage(browser, server);
    await open(pm, '/sign-in');
    await pm.fill('#email', 'priya.natarajan@example.test');
    await pm.fill('#password', password);
    await pm.click('#sign-in-form button[type="submit"]');
    await pm.waitForURL(/\/account\/password$/);
    await pm.waitForSelector('#password-form');
    await pm.fill('#current_password', password);
    await pm.fill('#new_password', 'kirkgate-rota-maple-4');
    await pm.fill('#confirm_password', 'kirkgate-rota-maple-4');
    await pm.click('#password-form button[type="submit"]');
    await pm.waitForURL(/\/practice$/);
    await pm.waitForSelector('#fp-user-name');
    assert.equal((await pm.textContent('#fp-user-name')).trim(), 'Priya Natarajan');
    // The address changes before the practice page has replaced the password page: wait for its heading.
    await pm.locator('main h1', { hasText: 'Kirkgate Health Centre' }).waitFor();
    assert.match(await pm.textContent('main h1'), /Kirkgate Health Centre/);

    // Found by a search on part of her name; deactivated, the account can no longer sign in;
    // reactivated, it can.
    await open(admin, '/admin/users');
    await admin.fill('#user-search-q', 'natara');
    await admin.click('#user-search-apply');
    await admin.waitForURL(/\/admin\/users\?q=natara$/);
    // The address changes before the new page replaces the old: wait for the filter it says is active.
    await admin.waitForSelector('#user-search-active');
    assert.match(await admin.textContent('main'), /Showing 1 user/);
    assert.match(await admin.textContent('#user-search-active'), /name or email: “natara”/);
    assert.equal(await admin.locator('#users tbody tr').count(), 1);
    await checkAccessibility(admin, 'admin-users-search');
    await screenshot(admin, 'admin-users-search-desktop');
    // Deactivating asks first, on its own page, and says what will happen.
    const row = admin.locator('#users tbody tr', { hasText: 'priya.natarajan@example.test' });
    await row.locator('a', { hasText: 'Deactivate' }).click();
    await admin.waitForSelector('#confirm-form');
    assert.match(await admin.textContent('#confirm-consequences'), /can no longer sign in, and is signed out everywhere at once/);
    await admin.click('#confirm-button');
    await admin.locator('.nhsuk-notification-banner--success', { hasText: 'User deactivated' }).waitFor();
    assert.match(await admin.locator('#users tbody tr', { hasText: 'priya.natarajan@example.test' }).textContent(), /Deactivated/);
    const again = await newPage(browser, server);
    await open(again, '/sign-in');
    await again.fill('#email', 'priya.natarajan@example.test');
    await again.fill('#password', password);
    await again.click('#sign-in-form button[type="submit"]');
    await again.waitForSelector('.nhsuk-error-summary');
    assert.match(again.url(), /\/sign-in/);
    await admin.locator('#users tbody tr', { hasText: 'priya.natarajan@example.test' }).locator('button', { hasText: 'Reactivate' }).click();
    await admin.locator('.nhsuk-notification-banner--success', { hasText: 'User reactivated' }).waitFor();
    // Her data, exported for a subject access request: the reason is required, then the ZIP downloads.
    await admin.locator('#users tbody tr', { hasText: 'priya.natarajan@example.test' }).locator('a', { hasText: 'Export data' }).click();
    await admin.waitForSelector('#export-form');
    await checkAccessibility(admin, 'admin-user-export');
    await admin.click('#export-button');
    await admin.waitForSelector('.nhsuk-error-summary');
    assert.match(await admin.textContent('.nhsuk-error-summary'), /Enter why you are exporting their data/);
    await admin.fill('#reason', 'SAR-2026-031 by email');
    const [zip] = await Promise.all([admin.waitForEvent('download'), admin.click('#export-button')]);
    assert.match(zip.suggestedFilename(), /^flexpool-export-user-\d+-\d{4}-\d{2}-\d{2}\.zip$/);
    const saved = join(mkdtempSync(join(tmpdir(), 'flexpool-export-')), zip.suggestedFilename());
    await zip.saveAs(saved);
    const read = spawnSync('/usr/bin/python3', ['-c', 'import json, sys, zipfile\nm = json.loads(zipfile.ZipFile(sys.argv[1]).read("manifest.json"))\nprint(json.dumps([m["subject"]["email"], m["reason"]]))', saved], { encoding: 'utf8' });
    assert.equal(read.status, 0, read.stderr);
    assert.deepEqual(JSON.parse(read.stdout), ['priya.natarajan@example.test', 'SAR-2026-031 by email']);
    await admin.waitForSelector('text=The download has started');
    assertNoProblems(admin);
    assertNoProblems(pm);
    await admin.context().close();
    await pm.context().close();
    await again.context().close();
  });
});

describe('a system administrator registers another NHS system for the FHIR API', () => {
  test('registers it, hands over the secret shown once, which gets a token, and deactivates it', async () => {
    const { page: admin } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
    await open(admin, '/account');
    await admin.click('#account-fhir-clients');
    await admin.waitForSelector('#fhir-clients');
    assert.match(await admin.textContent('#fhir-clients'), /demo-fhir/);
    await admin.click('#fhir-client-add');
    await admin.waitForSelector('#fhir-client-form');
    await checkAccessibility(admin, 'admin-fhir-client-new');
    // Told what is missing before anything is sent.
    await admin.uncheck('#scopes');
    for (let i = 2; i <= 6; i++) await admin.uncheck(`#scopes-${i}`);
    await admin.click('#fhir-client-form button');
    await admin.waitForSelector('.nhsuk-error-summary');
    const errors = await admin.textContent('.nhsuk-error-summary');
    assert.match(errors, /Enter the system's name/);
    assert.match(errors, /Choose the organisation it may see/);
    assert.match(errors, /Select at least one thing it may read/);
    await admin.fill('#name', 'West Yorkshire workforce dashboard');
    await admin.fill('#client_id', 'wy-workforce');
    await admin.selectOption('#organisation_id', { label: 'NHS West Yorkshire ICB (QWO)' });
    await admin.check('#scopes-6'); // Slots
    await admin.click('#fhir-client-form button');
    await admin.waitForSelector('#fhir-client-secret');
    await checkAccessibility(admin, 'admin-fhir-client-secret');
    await screenshot(admin, 'admin-fhir-client-secret');
    const secret = await admin.inputValue('#fhir-client-secret');
    assert.equal(secret.length, 43);
    // The secret works: a token for Slots alone, and Slots are read with it.
    const basic = 'Basic ' + Buffer.from(`wy-workforce:${secret}`).toString('base64');
    const tokenRes = await fetch(`${server.base}/oauth/token`, { method: 'POST', headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    assert.equal(tokenRes.status, 200);
    const { access_token: token, scope } = await tokenRes.json();
    assert.equal(scope, 'system/Slot.rs');
    assert.equal((await fetch(`${server.base}/fhir/r4/Slot?_count=1`, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await fetch(`${server.base}/fhir/r4/Practitioner`, { headers: { Authorization: `Bearer ${token}` } })).status, 403);
    // Deactivated: asked first, then its token stops working.
    await admin.click('#fhir-client-done');
    await admin.locator('#fhir-clients tbody tr', { hasText: 'wy-workforce' }).locator('a', { hasText: 'Deactivate' }).click();
    await admin.locator('button', { hasText: 'Deactivate system' }).click();
    await admin.locator('.nhsuk-notification-banner--success', { hasText: 'System deactivated' }).waitFor();
    assert.match(await admin.locator('#fhir-clients tbody tr', { hasText: 'wy-workforce' }).textContent(), /Deactivated/);
    assert.equal((await fetch(`${server.base}/fhir/r4/Slot?_count=1`, { headers: { Authorization: `Bearer ${token}` } })).status, 401);
    assertNoProblems(admin);
    await admin.context().close();
  });
});

describe('a clinician in no pool', () => {
  test('is told they are in no pool and how to ask to join, not to widen their filters', async () => {
    // clinician147 (a dietitian) is in the demo's "outside the pool" group: no pool, no request.
    const { page } = await signedInPage(browser, server, 'clinician147@demo.flexpool.test');
    await open(page, '/shifts');
    await page.waitForSelector('#no-pool');
    const text = await page.textContent('#results');
    assert.match(text, /You are not in a pool yet/);
    assert.match(text, /Ask to join a pool on your pools page/);
    assert.doesNotMatch(text, /wider date range|widen/i);
    assert.equal(await page.locator('#no-pool a[href="/pools"]').count(), 1);
    await checkAccessibility(page, 'clinician-find-shifts-no-pool');
    await screenshot(page, 'clinician-find-shifts-no-pool-desktop');
    await page.click('#no-pool a[href="/pools"]');
    await page.waitForSelector('#pools-table');
    assertNoProblems(page);
    await page.context().close();
  });
});
