// The passport in a real browser (issue 5): a clinician whose DBS check is missing sees what blocks
// them, uploads a certificate, the pool verifies it from its queue and sees compliance, a practice
// manager sees a booked clinician's passport summary, and the clinician sees who looked; the pool
// gives a practice placement access within the rules it shows, and the clinician sees the grant. Every page
// passes axe-core at desktop width and on a phone.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, fillDate, open, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, ukDateParts,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

// A one-page PDF (the server decides the type by these first bytes).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('the passport', () => {
  test('a clinician uploads a missing DBS certificate, the pool verifies it, the clinician sees who looked', async () => {
    // clinician102 (a nurse in the demo pool) has no DBS check and no indemnity.
    const { page: cl } = await signedInPage(browser, server, 'clinician102@demo.flexpool.test', { viewport: PHONE });
    await open(cl, '/passport');
    assert.match(await cl.textContent('.nhsuk-warning-callout'), /cannot book shifts yet[\s\S]*Enhanced DBS check/);
    const dbsRow = cl.locator('#passport-checks tr', { hasText: 'Enhanced DBS check' });
    assert.match(await dbsRow.textContent(), /Missing/);
    await checkAccessibility(cl, 'the clinician\'s passport (phone)');
    await screenshot(cl, 'passport-clinician-phone');

    // Upload: refused without a file, then accepted.
    await dbsRow.locator('a').click();
    await cl.waitForURL(/\/passport\/upload\?check=dbs/);
    await cl.waitForSelector('#upload-form');
    assert.equal(await cl.inputValue('#check_code'), 'dbs');
    await cl.click('#upload-button');
    await cl.waitForSelector('.nhsuk-error-summary');
    assert.match(await cl.textContent('.nhsuk-error-summary'), /Choose a file to upload/);
    await checkAccessibility(cl, 'the upload form with its errors');
    await cl.setInputFiles('#file', { name: 'dbs-certificate.pdf', mimeType: 'application/pdf', buffer: PDF });
    await fillDate(cl, 'issued_on', ukDateParts(-20).iso);
    await cl.fill('#reference', '001234567890');
    await cl.check('input[name="update_service"][value="subscribed"]');
    await screenshot(cl, 'passport-upload-phone');
    await cl.click('#upload-button');
    await cl.waitForURL((u) => u.pathname === '/passport');
    await cl.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await cl.textContent('.nhsuk-notification-banner'), /Evidence uploaded/);
    assert.match(await cl.locator('#passport-checks tr', { hasText: 'Enhanced DBS check' }).textContent(), /Waiting for the pool/);
    assertNoProblems(cl);

    // The pool: the certificate is in the queue with its evidence; verify it.
    const { page: pool } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(pool, '/pool/passports');
    const clinicianName = (await cl.textContent('#fp-user-name')).trim();
    const card = pool.locator('.nhsuk-card', { hasText: `${clinicianName}: Enhanced DBS check` });
    await card.waitFor();
    assert.match(await card.textContent(), /001234567890/);
    const href = await card.locator('a[href^="/api/v1/evidence/"]').first().getAttribute('href');
    const file = await pool.request.get(href);
    assert.equal(file.status(), 200);
    assert.match(file.headers()['content-disposition'], /attachment/);
    assert.equal(file.headers()['x-content-type-options'], 'nosniff');
    // The demo's bookings whose clinicians' passports lapsed are flagged, not dropped.
    assert.ok(await pool.locator('#lapsed-bookings tbody tr').count() > 0, 'the pool sees bookings flagged passport_lapsed');
    await checkAccessibility(pool, 'the pool\'s passports page');
    await screenshot(pool, 'passport-pool-queue');
    await card.locator('button[value="verify"]').click();
    await pool.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await pool.textContent('.nhsuk-notification-banner'), /Check verified/);
    await open(pool, `/pool/compliance?q=${encodeURIComponent(clinicianName)}`);
    assert.match(await pool.textContent('#compliance'), new RegExp(clinicianName));
    // Who expires in the next 30 days.
    await open(pool, '/pool/compliance?within=30');
    assert.match(await pool.textContent('main'), /ending within 30 days/);
    // The clinician's passport as the pool sees it.
    await open(pool, `/pool/compliance?q=${encodeURIComponent(clinicianName)}`);
    await pool.locator('#compliance a', { hasText: clinicianName }).click();
    await pool.waitForSelector('#passport-summary');
    assert.match(await pool.locator('#passport-summary tr', { hasText: 'Enhanced DBS check' }).textContent(), /Verified/);
    await checkAccessibility(pool, 'a clinician\'s passport, for the pool');
    assertNoProblems(pool);

    // Back to the clinician: the DBS is verified, indemnity is still missing; the pool's views are listed.
    await open(cl, '/passport');
    assert.match(await cl.locator('#passport-checks tr', { hasText: 'Enhanced DBS check' }).textContent(), /Verified/);
    assert.match(await cl.textContent('.nhsuk-warning-callout'), /Professional indemnity/);
    await open(cl, '/passport/access-log');
    assert.match(await cl.textContent('#access-log'), /Pool administrator/);
    assert.match(await cl.textContent('#access-log'), /Opened evidence/);
    await checkAccessibility(cl, 'the access log (phone)');
    await screenshot(cl, 'passport-access-log-phone');
    assertNoProblems(cl);
  });

  test('a practice manager sees the passport summary of a clinician booked at the practice, and nobody else\'s', async () => {
    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(pm, '/practice');
    const booked = await pm.evaluate(async () => {
      const r = await fetch('/api/v1/bookings?status=confirmed&limit=1', { credentials: 'same-origin' });
      return (await r.json()).items[0].clinician_id;
    });
    await open(pm, `/clinicians/${booked}/passport`);
    await pm.waitForSelector('#passport-summary');
    assert.match(await pm.textContent('#passport-summary'), /Verified/);
    await checkAccessibility(pm, 'a clinician\'s passport, for a practice');
    await screenshot(pm, 'passport-practice-summary');
    // A clinician with no relation to the practice: not found.
    const status = await pm.evaluate(async () => (await fetch('/api/v1/clinicians/147/passport', { credentials: 'same-origin' })).status);
    assert.equal(status, 404);
    assertNoProblems(pm);
  });
  test('the pool gives a practice placement access, within the rules it shows, and the clinician sees the grant', async () => {
    // clinician001 is a GP in the demo pool.
    const { page: cl } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test', { viewport: PHONE });
    const clinicianId = await cl.evaluate(async () => (await (await fetch('/api/v1/me', { credentials: 'same-origin' })).json()).clinician_id);
    const { page: pool } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(pool, `/clinicians/${clinicianId}/passport`);
    await pool.waitForSelector('#grant-form');
    // The rules are shown before submitting: who can be given access, and for how long at most.
    const rules = await pool.textContent('main');
    assert.match(rules, /a practice, or to a PCN \(all its practices\), in your pool's ICB/);
    assert.match(rules, /lasts at most 12 months/);
    // The hint gives the last day allowed, as it is typed: "For example, 1 12 2027".
    const example = /For example, (\d{1,2}) (\d{1,2}) (\d{4})/.exec(await pool.textContent('#until-hint'));
    assert.ok(example, 'the hint shows the last day allowed');
    const max = `${example[3]}-${example[2].padStart(2, '0')}-${example[1].padStart(2, '0')}`;
    // Past the last day: refused in the form, before the server.
    const practice = await pool.locator('#organisation_id option').nth(1).evaluate((o) => ({ value: o.value, text: o.textContent }));
    await pool.selectOption('#organisation_id', practice.value);
    const [y, m, d] = max.split('-').map(Number);
    const tooLate = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
    await fillDate(pool, 'until', tooLate);
    await pool.press('#grant-button', 'Enter');
    await pool.waitForSelector('.nhsuk-error-summary');
    assert.match(await pool.textContent('.nhsuk-error-summary'), /at most 12 months/);
    await checkAccessibility(pool, 'placement access with the rules and an error');
    await fillDate(pool, 'until', max);
    await pool.press('#grant-button', 'Enter');
    await pool.waitForSelector('.nhsuk-notification-banner--success');
    assert.match(await pool.textContent('#grants'), /Can see it until/);
    await screenshot(pool, 'passport-pool-grants');
    assertNoProblems(pool);

    // The clinician sees the grant on their passport page: to whom, by which pool, until when, and its state.
    await open(cl, '/passport');
    const row = cl.locator('#my-grants tbody tr').first();
    await row.waitFor();
    const text = await row.textContent();
    const orgName = practice.text.replace(/ \((PCN, )?[A-Z0-9]+\)$/, '');
    assert.ok(text.includes(orgName), `the grant names ${orgName}: ${text}`);
    assert.match(text, /Can see it until/);
    const poolName = await pool.evaluate(async (id) => (await (await fetch(`/api/v1/clinicians/${id}/passport/grants`, { credentials: 'same-origin' })).json()).items[0].pool.name, clinicianId);
    assert.ok(text.includes(poolName), `the grant names the pool ${poolName}: ${text}`);
    await checkAccessibility(cl, 'the clinician\'s passport with a placement grant (phone)');
    await screenshot(cl, 'passport-clinician-grants-phone');
    assertNoProblems(cl);
    await cl.context().close();
    await pool.context().close();
  });
  test('a clinician sees which of their bookings their passport no longer covers', async () => {
    // Find, over the API, a demo clinician with an upcoming booking flagged passport_lapsed.
    let email = null;
    for (let n = 101; n <= 150 && !email; n++) {
      const e = `clinician${n}@demo.flexpool.test`;
      const s = await fetch(`${server.base}/api/v1/sessions`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: e, password: 'flexpool-demo' }),
      });
      if (s.status !== 201) continue;
      const { token } = await s.json();
      const b = await fetch(`${server.base}/api/v1/bookings?status=confirmed&from=${new Date().toISOString().slice(0, 19)}Z&limit=200`,
        { headers: { Authorization: `Bearer ${token}` } });
      const { items } = await b.json();
      if (items.some((x) => (x.flags || []).includes('passport_lapsed'))) email = e;
    }
    assert.ok(email, 'the demo has a clinician with a flagged upcoming booking');
    const { page: cl } = await signedInPage(browser, server, email, { viewport: PHONE });
    await open(cl, '/bookings');
    const flagged = cl.locator('#booking-list li.fp-result', { hasText: 'Passport lapsed' }).first();
    await flagged.waitFor();
    assert.match(await flagged.textContent(), /will not be valid on the day/);
    assert.equal(await flagged.locator('a', { hasText: 'renew it' }).getAttribute('href'), '/passport');
    await checkAccessibility(cl, 'my bookings with a lapsed passport (phone)');
    await screenshot(cl, 'clinician-bookings-lapsed-phone');
    assertNoProblems(cl);
    await cl.context().close();
  });

  test('a practice sees each applicant\'s passport for the shift, and no Accept for one who cannot be booked', async () => {
    // The demo has pending applications whose applicants' passports lapsed after they applied.
    const signInApi = await fetch(`${server.base}/api/v1/sessions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'practice@demo.flexpool.test', password: 'flexpool-demo' }),
    });
    const { token } = await signInApi.json();
    const list = await fetch(`${server.base}/api/v1/applications?status=pending&limit=200`, { headers: { Authorization: `Bearer ${token}` } });
    const { items } = await list.json();
    const lacking = items.find((a) => a.bookable === false && a.missing.length > 0);
    const complete = items.find((a) => a.bookable === true);
    assert.ok(lacking, 'the demo practice has an applicant whose passport is incomplete');
    assert.ok(complete, 'the demo practice has an applicant who can be booked');
    const types = await (await fetch(`${server.base}/api/v1/passport/check-types`, { headers: { Authorization: `Bearer ${token}` } })).json();
    const names = lacking.missing.map((code) => types.items.find((t) => t.code === code).name);

    const { page: pm } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(pm, `/practice/shifts/${lacking.shift_id}`);
    const row = pm.locator('#applicants tr', { hasText: lacking.clinician_name });
    await row.waitFor();
    const text = await row.textContent();
    assert.ok(text.includes(`Missing: ${names.join(', ')}`), `the row names the missing checks in words: ${text}`);
    assert.equal(await row.locator('button', { hasText: 'Accept' }).count(), 0, 'no Accept for an applicant who cannot be booked');
    assert.match(text, /Cannot be accepted until the passport is complete/);
    assert.equal(await row.locator('a', { hasText: 'See passport' }).getAttribute('href'), `/clinicians/${lacking.clinician_id}/passport`);
    await checkAccessibility(pm, 'a shift\'s applicants with an incomplete passport');
    await screenshot(pm, 'practice-applicants-passport');

    await open(pm, `/practice/shifts/${complete.shift_id}`);
    const ok = pm.locator('#applicants tr', { hasText: complete.clinician_name });
    await ok.waitFor();
    assert.match(await ok.textContent(), /Complete/);
    assert.equal(await ok.locator('button', { hasText: 'Accept' }).count(), 1, 'Accept for an applicant who can be booked');
    await checkAccessibility(pm, 'a shift\'s applicants, all complete');

    // The summary the link leads to.
    await open(pm, `/clinicians/${lacking.clinician_id}/passport`);
    await pm.waitForSelector('#passport-summary');
    assert.ok((await pm.textContent('#passport-summary')).includes(names[0]), 'the summary lists the missing check');
    assertNoProblems(pm);
    await pm.context().close();
  });
});
