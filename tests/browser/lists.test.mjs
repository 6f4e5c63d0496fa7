// Lists that scale (issue 10), in the browser against a demo of 5,000 clinicians
// (`flexpool demo --clinicians 5000`): the pool administrator pages through the members 25 at a
// time, finds one generated clinician by name and filters by profession; removing a member and
// deactivating a user ask first on their own page and say what will happen; the system
// administrator changes an organisation and deactivates it. axe on every new page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser([], { clinicians: 5000 })));
after(() => stopServerAndBrowser(server, browser));

const rowsOf = async (page, table) => page.locator(`#${table} tbody tr`).count();
const summaryOf = async (page) => (await page.textContent('.fp-page-summary')).trim();
const api = (page, path) => page.evaluate(async (p) => (await fetch(`/api/v1${p}`, { credentials: 'same-origin' })).json(), path);

describe('the pool administrator and 5,000 clinicians', () => {
  test('pages through the members, finds one by name and filters by profession', async () => {
    const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    const pool = (await api(page, '/pools')).items[0];
    const total = (await api(page, `/pools/${pool.id}`)).member_counts.clinicians;
    assert.ok(total > 4000, `the pool has thousands of clinicians (${total})`);

    await open(page, '/pool/members');
    await page.waitForSelector('#member-clinicians');
    assert.equal(await rowsOf(page, 'member-clinicians'), 25);
    assert.equal(await summaryOf(page), 'Showing 1 to 25 clinicians');
    const firstPage = await page.locator('#member-clinicians tbody tr').first().textContent();
    await checkAccessibility(page, 'pool-members');
    await screenshot(page, 'pool-members-5000-desktop');
    // Next, Next, then Previous: the rows are numbered and Previous shows the same page again.
    await page.click('#page-next');
    await page.waitForFunction(() => /Showing 26 to 50/.test(document.querySelector('.fp-page-summary')?.textContent || ''));
    const secondPage = await page.locator('#member-clinicians tbody tr').first().textContent();
    assert.notEqual(secondPage, firstPage);
    await page.click('#page-next');
    await page.waitForFunction(() => /Showing 51 to 75/.test(document.querySelector('.fp-page-summary')?.textContent || ''));
    await page.click('#page-previous');
    await page.waitForFunction(() => /Showing 26 to 50/.test(document.querySelector('.fp-page-summary')?.textContent || ''));
    assert.equal(await page.locator('#member-clinicians tbody tr').first().textContent(), secondPage);
    await page.goBack();
    await page.waitForFunction(() => /Showing 51 to 75/.test(document.querySelector('.fp-page-summary')?.textContent || ''));

    // One generated clinician, found by the name the administrator would type.
    const member = (await api(page, `/pools/${pool.id}/members?kind=clinician&sort=newest&limit=1`)).items[0];
    assert.ok(member && member.name.split(' ').length === 3, `a generated clinician with a middle name (${member && member.name})`);
    await open(page, '/pool/members');
    await page.fill('#member-filters-q', member.name.toLowerCase());
    await page.click('#member-filters-apply');
    await page.waitForURL(/\/pool\/members\?q=/);
    await page.waitForSelector('#member-filters-active'); // the new page, not the old one under the new address
    const found = await page.textContent('#member-clinicians');
    assert.ok(found.includes(member.name), `${member.name} is found`);
    assert.ok(await rowsOf(page, 'member-clinicians') < 5, 'a full name finds only a few');
    assert.match(await page.textContent('#member-filters-active'), /name: “/);
    await checkAccessibility(page, 'pool-members-search');

    // Only pharmacists, and the filter says so.
    await open(page, '/pool/members');
    await page.selectOption('#member-filters-profession', 'pharmacist');
    await page.click('#member-filters-apply');
    await page.waitForURL(/profession=pharmacist/);
    await page.waitForSelector('#member-filters-active');
    const professions = await page.locator('#member-clinicians tbody tr td:nth-child(2)').allTextContents();
    assert.equal(professions.length, 25);
    for (const text of professions) assert.match(text, /pharmacist$/i);
    assert.match(await page.textContent('#member-filters-active'), /profession: Clinical pharmacist/);
    await page.click('#page-next');
    await page.waitForFunction(() => /Showing 26 to/.test(document.querySelector('.fp-page-summary')?.textContent || ''));
    assert.match(page.url(), /profession=pharmacist/, 'the filter stays on the next page');
    assertNoProblems(page);
    await page.context().close();
  });

  test('on a phone the folded filters say which are active', async () => {
    const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test', { viewport: PHONE });
    await open(page, '/pool/members?profession=nurse&sort=newest');
    await page.waitForSelector('#member-clinicians');
    assert.match(await page.textContent('.fp-filter-details summary'), /1 active: profession: Practice nurse/);
    assert.equal(await page.getAttribute('.fp-filter-details', 'open'), null, 'folded on a phone');
    await checkAccessibility(page, 'pool-members-phone');
    await screenshot(page, 'pool-members-5000-phone');
    assertNoProblems(page);
    await page.context().close();
  });

  test('removing a member asks first and says what will happen', async () => {
    const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(page, '/pool/members?sort=newest');
    const row = page.locator('#member-clinicians tbody tr').first();
    const name = (await row.locator('th, td').first().textContent()).replace(/^Clinician\s*/, '').trim();
    const memberId = /\/pool\/members\/(\d+)\/remove/.exec(await row.locator('a', { hasText: 'Remove' }).getAttribute('href'))[1];
    await row.locator('a', { hasText: 'Remove' }).click();
    await page.waitForSelector('#confirm-form');
    assert.match(await page.textContent('h1'), /Remove this clinician from the pool/);
    assert.match(await page.textContent('main'), new RegExp(name));
    assert.match(await page.textContent('#confirm-consequences'), new RegExp(`${name} can no longer see or book the pool's shifts`));
    await checkAccessibility(page, 'pool-remove-member');
    await screenshot(page, 'pool-remove-member');
    // No, go back: nothing happens.
    await page.click('#confirm-back');
    await page.waitForSelector('#member-clinicians');
    assert.match(await page.textContent('#member-clinicians'), new RegExp(name));
    // Yes: removed.
    await page.locator(`#member-clinicians a[href*="/pool/members/${memberId}/remove"]`).click();
    await page.waitForSelector('#confirm-form');
    await page.click('#confirm-button');
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Clinician removed' }).waitFor();
    assert.equal(await page.locator(`#member-clinicians a[href*="/pool/members/${memberId}/remove"]`).count(), 0);
    const pool = (await api(page, '/pools')).items[0];
    const gone = await page.evaluate(async (p) => (await fetch(`/api/v1${p}`, { credentials: 'same-origin' })).status, `/pools/${pool.id}/members/${memberId}`);
    assert.equal(gone, 404, 'the member is gone');
    // The other pool pages are paged and clean too.
    for (const [path, label] of [['/pool', 'pool-requests'], ['/pool/practices', 'pool-practices'], ['/pool/practices/add', 'pool-admit-practice'],
      ['/pool/passports', 'pool-passports'], ['/pool/compliance?state=not_compliant', 'pool-compliance']]) {
      await open(page, path);
      await page.waitForSelector('main h1');
      await checkAccessibility(page, label);
    }
    assert.match(await page.textContent('#compliance'), /Cannot book/);
    assert.equal(await rowsOf(page, 'compliance'), 25);
    assertNoProblems(page);
    await page.context().close();
  });
});

describe('the system administrator', () => {
  test('deactivating a user asks first and says what will happen', async () => {
    const { page } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
    await open(page, '/admin/users');
    assert.equal(await rowsOf(page, 'users'), 25);
    await checkAccessibility(page, 'admin-users-paged');
    // A generated clinician who can still sign in.
    const user = (await api(page, '/users?q=member000&active=true&sort=email&limit=1')).items[0];
    await open(page, `/admin/users?q=${user.email}`);
    const row = page.locator('#users tbody tr', { hasText: user.email });
    const name = user.name;
    await row.locator('a', { hasText: 'Deactivate' }).click();
    await page.waitForSelector('#confirm-form');
    assert.match(await page.textContent('h1'), /Deactivate this user/);
    assert.match(await page.textContent('#confirm-consequences'), new RegExp(`${name} can no longer sign in, and is signed out everywhere at once`));
    await checkAccessibility(page, 'admin-deactivate-user');
    await page.click('#confirm-button');
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'User deactivated' }).waitFor();
    assert.match(await page.locator('#users tbody tr', { hasText: user.email }).textContent(), /Deactivated/);
    assertNoProblems(page);
    await page.context().close();
  });

  test('changes an organisation and deactivates it, asked first', async () => {
    const { page } = await signedInPage(browser, server, 'admin@demo.flexpool.test');
    await open(page, '/admin/organisations?level=practice&sort=ods_code');
    await checkAccessibility(page, 'admin-organisations-paged');
    await page.locator('#organisations tbody tr').first().locator('th a').click();
    await page.waitForSelector('#org-edit-form');
    await checkAccessibility(page, 'admin-organisation-edit');
    await page.fill('#name', 'Moorside Renamed Surgery');
    await page.fill('#phone', '0113 496 0000');
    await page.click('#save-org');
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Organisation changed' }).waitFor();
    assert.match(await page.textContent('h1'), /Moorside Renamed Surgery/);
    assert.equal(await page.inputValue('#phone'), '0113 496 0000');
    await page.click('#deactivate-org');
    await page.waitForSelector('#confirm-form');
    assert.match(await page.textContent('#confirm-consequences'), /shown as inactive/);
    assert.match(await page.textContent('#confirm-consequences'), /its users can still sign in/);
    await checkAccessibility(page, 'admin-deactivate-organisation');
    await page.click('#confirm-button');
    await page.locator('.nhsuk-notification-banner--success', { hasText: 'Organisation deactivated' }).waitFor();
    await open(page, '/admin/organisations?status=inactive');
    assert.match(await page.textContent('#organisations'), /Moorside Renamed Surgery/);
    assert.match(await page.textContent('#org-filters-active'), /status: Inactive/);
    assertNoProblems(page);
    await page.context().close();
  });
});
