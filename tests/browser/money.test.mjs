// Money on top of the fee, and how it is invoiced and pensioned (issue 13), in a real browser
// against the demo: a clinician claims mileage with a timesheet where the terms allow it (checked
// in the form first) and sees the total; the practice sees the claim before it approves, and the
// invoice has a line for it; other expenses with what they were for, where the terms allow them; a
// clinician chooses monthly invoicing with their invoice details, and an approved timesheet then
// says it goes on the monthly invoice; a GP's NHS Pension Scheme forms A and B for last month, with
// the rules used, what is due soon and the PDF; a GP gives their pension details; a nurse is told
// the forms are for GP locums. axe on every page visited.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PASSWORD, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser, apiCall, apiLogin
} from './helpers.mjs';

let server, browser;
const demo = {};
const iso = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const text = async (page, selector) => (await page.innerText(selector)).replace(/\s+/g, ' ').trim();
const gbp = (pence) => `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const emailOf = (clinicianId) => `clinician${String(clinicianId).padStart(3, '0')}@demo.flexpool.test`;

const api = (token, method, path, body) => apiCall(server, token, method, path, body);
const login = (email) => apiLogin(server, email);

// UK dates, as the pages count them.
const ukToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const daysUntil = (date) => Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${ukToday()}T00:00:00Z`)) / 86400e3);
function lastMonth() {
  const [y, m] = ukToday().split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 2, 1));
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
}
const monthWords = (key) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(`${key}-01T00:00:00Z`));

before(async () => {
  ({ server, browser } = await startServerAndBrowser());
  demo.pm = await login('practice@demo.flexpool.test');
  const me = await api(demo.pm, 'GET', '/me');
  demo.practiceId = me.roles.find((r) => r.role === 'practice_manager').organisation_id;
  // A one-minute session of clinician001's at the demo practice, starting in 20 seconds (its
  // start and end fall in different minutes, as the form's times of day need), booked while the pool's terms allow other expenses too (the
  // booking keeps the terms it was made on; the pool's are put back at once, as are its limits on
  // working time, lifted so that the demo's own bookings do not refuse it).
  const pool = await login('pool@demo.flexpool.test');
  const poolId = (await api(pool, 'GET', '/me')).roles.find((r) => r.role === 'pool_admin').pool_id;
  const terms = await api(pool, 'GET', `/pools/${poolId}/terms`);
  const guards = await api(pool, 'GET', `/pools/${poolId}`);
  const t0 = Math.ceil((Date.now() + 20000) / 1000) * 1000;
  const shift = await api(demo.pm, 'POST', '/shifts', {
    practice_id: demo.practiceId, role: 'gp', starts_at: iso(t0), ends_at: iso(t0 + 60000), rate_pence: 30000, rate_unit: 'session', booking_mode: 'instant',
  });
  // GBP 300 for a minute is far over the pool's cap an hour: the pool approves the rate first.
  assert.equal(shift.status, 'awaiting_approval');
  await api(pool, 'POST', `/shifts/${shift.id}/rate-approval`);
  demo.c1 = await login('clinician001@demo.flexpool.test');
  await api(pool, 'PUT', `/pools/${poolId}/terms`, { payment_days: terms.payment_days, cancellation: terms.cancellation, mileage: true, expenses: true });
  await api(pool, 'PATCH', `/pools/${poolId}`, { max_worked_minutes_24h: 1440, min_rest_minutes_24h: 0 });
  try {
    demo.short = await api(demo.c1, 'POST', `/shifts/${shift.id}/booking`);
  } finally {
    await api(pool, 'PUT', `/pools/${poolId}/terms`, { payment_days: terms.payment_days, cancellation: terms.cancellation, mileage: terms.mileage, expenses: terms.expenses });
    await api(pool, 'PATCH', `/pools/${poolId}`, { max_worked_minutes_24h: guards.max_worked_minutes_24h, min_rest_minutes_24h: guards.min_rest_minutes_24h });
  }
  assert.ok(Date.now() < t0, 'the short session was booked before it started');
  assert.deepEqual([demo.short.terms.mileage, demo.short.terms.expenses], [true, true]);
  demo.shortEndsAt = t0 + 60000;
});
after(() => stopServerAndBrowser(server, browser));

describe('mileage, expenses, monthly invoices and pension forms', () => {
  test('a clinician claims mileage with a timesheet; the practice sees it before approving; the invoice has its line', async () => {
    const pm = (await signedInPage(browser, server, 'practice@demo.flexpool.test')).page;
    // A demo session waiting for its clinician, on the pool's terms: mileage, not other expenses.
    const b = await pm.evaluate(async () => (await (await fetch('/api/v1/bookings?timesheet=to_submit&limit=1')).json()).items[0]);
    assert.ok(b, 'the demo has a session to submit at the practice');
    assert.deepEqual([b.terms.mileage, b.terms.expenses], [true, false]);
    demo.mileageClinician = b.clinician_id;
    const cl = (await signedInPage(browser, server, emailOf(b.clinician_id), { viewport: PHONE })).page;
    await open(cl, `/timesheets/${b.id}`);
    await cl.waitForSelector('#timesheet-form');
    assert.match(await text(cl, '#claims'), /Mileage and expenses The terms agreed for this booking allow you to claim mileage \(not other expenses\)/);
    assert.match(await text(cl, '#claims'), /Miles driven Whole miles, to the practice and back, paid at 45p a mile/);
    assert.equal(await cl.locator('#expenses_pounds').count(), 0, 'no other expenses: the terms do not allow them');
    await cl.fill('#mileage_miles', '1001');
    await cl.click('#timesheet-submit');
    await cl.waitForSelector('.nhsuk-error-summary');
    assert.match(await text(cl, '.nhsuk-error-summary'), /Enter the miles driven as a whole number from 0 to 1000/);
    assert.match(await text(cl, '[data-field="mileage_miles"]'), /Error: Enter the miles driven/);
    await checkAccessibility(cl, 'a timesheet claiming mileage, with an error');
    await screenshot(cl, 'money-mileage-error');
    await cl.fill('#mileage_miles', '23');
    await cl.click('#timesheet-submit');
    await cl.waitForSelector('.nhsuk-notification-banner');
    assert.match(await text(cl, '.nhsuk-notification-banner'), /Timesheet submitted/);
    const submitted = await cl.evaluate(async (id) => (await (await fetch(`/api/v1/bookings/${id}`)).json()).timesheet, b.id);
    assert.equal(submitted.mileage_miles, 23);
    assert.equal(submitted.total_pence, submitted.fee_pence + 1035);
    const said = await text(cl, '#timesheet-list');
    assert.ok(said.includes(`Mileage 23 miles at 45p a mile: £10.35`), said);
    assert.ok(said.includes(`Total ${gbp(submitted.total_pence)}`), said);
    await checkAccessibility(cl, 'submitted timesheets with mileage');

    // The practice sees the claim and the total before it approves.
    await open(pm, '/practice/timesheets');
    const item = pm.locator('#practice-timesheet-list > li', { has: pm.locator(`#approve-${b.id}`) });
    const before = (await item.innerText()).replace(/\s+/g, ' ');
    assert.ok(before.includes('Mileage 23 miles at 45p a mile: £10.35'), before);
    assert.ok(before.includes(`Total ${gbp(submitted.total_pence)}`), before);
    await checkAccessibility(pm, 'the practice\'s timesheets with a mileage claim');
    await screenshot(pm, 'money-practice-claim');
    await pm.click(`#approve-${b.id}`);
    await pm.waitForSelector('.nhsuk-notification-banner');
    assert.match(await text(pm, '.nhsuk-notification-banner'), new RegExp(`Timesheet approved.*${gbp(submitted.total_pence).replace('.', '\\.')}`));

    // Its invoice: the fee, then the mileage on a line of its own.
    const inv = await pm.evaluate(async (id) => (await (await fetch(`/api/v1/bookings/${id}`)).json()).timesheet.invoice, b.id);
    assert.ok(inv, 'approving issued the invoice');
    await open(pm, `/practice/invoices/${inv.id}`);
    const lines = pm.locator('#invoice-lines tbody tr');
    assert.equal(await lines.count(), 2);
    const mileage = (await lines.nth(1).innerText()).replace(/\s+/g, ' ');
    assert.match(mileage, /Claimed with the session/);
    assert.match(mileage, /Mileage: 23 miles at 45p a mile/);
    assert.match(mileage, /£10\.35/);
    await checkAccessibility(pm, 'an invoice with a mileage line');
    await screenshot(pm, 'money-invoice-mileage');
    assertNoProblems(cl);
    assertNoProblems(pm);
  });

  test('a clinician chooses monthly invoicing; an approved timesheet then waits for the month\'s invoice', async () => {
    const pm = (await signedInPage(browser, server, 'practice@demo.flexpool.test')).page;
    const waiting = await pm.evaluate(async () => (await (await fetch('/api/v1/bookings?timesheet=submitted&limit=50')).json()).items);
    const b = waiting.find((x) => x.clinician_id !== demo.mileageClinician && x.clinician_id !== 1);
    assert.ok(b, 'the demo has a timesheet waiting at the practice');
    const { page } = await signedInPage(browser, server, emailOf(b.clinician_id));
    await open(page, '/invoices');
    assert.match(await text(page, '#invoicing-now'), /^You invoice each session: an invoice for each session, when the practice approves its timesheet\./);
    await page.click('#invoicing-now a[href="/invoices/details"]');
    await page.waitForSelector('#invoice-details-form');
    assert.equal(await page.isChecked('#invoicing'), true, 'each session, until they choose');
    assert.match(await text(page, '[data-field="invoicing"] legend'), /How do you want to invoice\?/);
    await page.fill('#address', '2 Park Row\nLeeds\nLS1 5HD');
    await page.fill('#account_name', 'Dr Monthly');
    await page.fill('#sort_code', '20-00-00');
    await page.fill('#account_number', '55779911');
    await page.check('#invoicing-2');
    assert.match(await text(page, 'label[for="invoicing-2"]'), /^One invoice to each practice a month$/);
    await checkAccessibility(page, 'invoice details with the monthly choice');
    await screenshot(page, 'money-invoice-details-monthly');
    await page.click('#save-invoice-details');
    await page.waitForSelector('.nhsuk-notification-banner');
    assert.match(await text(page, '.nhsuk-notification-banner'), /you invoice each practice once a month/);
    assert.match(await text(page, '#invoicing-now'), /^You invoice monthly: one invoice to each practice a month\./);
    assert.match(await text(page, 'main'), /Each practice gets one invoice a month from you/);
    await checkAccessibility(page, 'my invoices, monthly');
    assert.equal((await page.evaluate(async () => (await (await fetch('/api/v1/me/invoice-details')).json()).invoicing)), 'monthly');
    await open(page, '/invoices/details');
    assert.equal(await page.isChecked('#invoicing-2'), true, 'the choice is kept');

    // The practice approves their timesheet: no invoice yet, and the pages say why.
    await pm.evaluate(async ({ id, csrf }) => {
      const r = await fetch(`/api/v1/bookings/${id}/timesheet/approval`, { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
      if (!r.ok) throw new Error(`approval: ${r.status} ${await r.text()}`);
    }, { id: b.id, csrf: await pm.evaluate(async () => (await (await fetch('/api/v1/sessions/current')).json()).user.csrf_token) });
    assert.equal(await page.evaluate(async (id) => (await (await fetch(`/api/v1/bookings/${id}`)).json()).timesheet.invoice, b.id), null);
    await open(page, `/timesheets/${b.id}`);
    assert.match(await text(page, 'main'), /Invoice You invoice monthly: this session goes on your next monthly invoice to the practice, made on the 1st of the month\./);
    await checkAccessibility(page, 'an approved timesheet waiting for the monthly invoice');
    await open(pm, '/practice/timesheets?state=approved');
    // Its card: at its place in the list the page shows (the clinician may have later sessions approved).
    const approved = await pm.evaluate(async () => (await (await fetch('/api/v1/bookings?timesheet=approved&sort=-starts_at&limit=25')).json()).items);
    const at = approved.findIndex((x) => x.id === b.id);
    assert.ok(at >= 0, 'the approved timesheet is on the first page of approved timesheets');
    const item = pm.locator('#practice-timesheet-list > li').nth(at);
    assert.match(await item.innerText(), new RegExp(b.clinician_name));
    assert.match((await item.innerText()).replace(/\s+/g, ' '), /The clinician invoices monthly: this session goes on their next monthly invoice/);
    assertNoProblems(page);
    assertNoProblems(pm);
  });

  test('a GP reads last month\'s pension forms A and B, with the rules, what is due soon and the PDF', async () => {
    const { page } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test');
    const month = lastMonth();
    const forms = await page.evaluate(async (m) => (await (await fetch(`/api/v1/pension-forms?month=${m}`)).json()), month);
    assert.equal(forms.pensioned, true);
    assert.ok(forms.form_a.length > 0 && forms.form_b, 'the demo GP has forms for last month');
    await open(page, '/invoices');
    await page.click('#pension-link');
    await page.waitForSelector('#pension-form');
    assert.equal(new URL(page.url()).pathname, '/pension');
    assert.equal(await text(page, 'h1'), 'NHS Pension Scheme forms');
    assert.equal(await page.inputValue('#sd_number'), forms.form_b.sd_number);
    assert.equal(await page.isChecked('#pensioned'), true);
    assert.equal(await text(page, '#forms-heading'), `Forms for ${monthWords(month)}`);
    // Form A: a row for each invoice issued in the month.
    const rows = page.locator('#form-a-table tbody tr');
    assert.equal(await rows.count(), forms.form_a.length);
    const first = forms.form_a[0];
    const row = (await rows.first().innerText()).replace(/\s+/g, ' ');
    for (const want of [first.practice_name, `Invoice ${first.invoice_reference}`, gbp(first.fee_pence), gbp(first.pensionable_pay_pence), gbp(first.employer_contribution_pence)]) {
      assert.ok(row.includes(want), `${want} in ${row}`);
    }
    // Form B: the UPR and the sums.
    assert.equal(await text(page, '#form-b-upr'), forms.form_b.upr);
    const b = await text(page, '.fp-form-b');
    for (const want of [`Tier rate ${forms.form_b.tier_rate}`, `Employee contribution ${gbp(forms.form_b.employee_contribution_pence)}`,
      `Employer contributions ${gbp(forms.form_b.employer_contribution_pence)}`, `Total to pay ${gbp(forms.form_b.total_contributions_pence)}`,
      `Pensionable pay received ${gbp(forms.form_b.pensionable_pay_pence)}`]) assert.ok(b.includes(want), `${want} in ${b}`);
    // The rules used, their source, and whether they are provisional.
    const rules = await text(page, '#pension-rules');
    assert.ok(rules.includes(`scheme year ${forms.rules.scheme_year}`) && rules.includes(forms.rules.source), rules);
    assert.equal(await page.locator('#provisional-note').count(), forms.rules.provisional ? 1 : 0);
    // What is due soon: form A within 14 days of its 10-week limit, form B within 3 days of its due date.
    const soonA = forms.form_a.filter((a) => daysUntil(a.ten_week_limit) >= 0 && daysUntil(a.ten_week_limit) <= 14);
    assert.equal(await page.locator('#form-a-warning').count(), soonA.length ? 1 : 0);
    if (soonA.length) {
      const warned = await page.locator('#form-a-warning li').allInnerTexts();
      assert.deepEqual(warned.map((w) => w.match(/^Invoice (\d+)/)[1]), soonA.map((a) => a.invoice_reference));
    }
    const bDays = daysUntil(forms.form_b.due_by);
    const bSoon = forms.form_b.invoices_paid > 0 && bDays >= 0 && bDays <= 3;
    assert.equal(await page.locator('#form-b-warning').count(), bSoon ? 1 : 0);
    if (bSoon) assert.match(await text(page, '#form-b-warning'), new RegExp(`Important: Form B is due .*${forms.form_b.upr}`));
    await checkAccessibility(page, 'the pension forms of last month');
    await screenshot(page, 'money-pension-forms');
    // The PDF of the same forms.
    const pdfLink = page.locator('#pension-pdf');
    assert.equal(await pdfLink.getAttribute('href'), `/api/v1/pension-forms/${month}.pdf`);
    assert.equal(await pdfLink.getAttribute('download'), `pension-forms-${month}.pdf`);
    const pdf = await page.evaluate(async (href) => {
      const r = await fetch(href);
      const bytes = new Uint8Array(await r.arrayBuffer());
      return { type: r.headers.get('content-type'), head: String.fromCharCode(...bytes.slice(0, 5)) };
    }, await pdfLink.getAttribute('href'));
    assert.deepEqual(pdf, { type: 'application/pdf', head: '%PDF-' });

    // A month where some form A's 10-week limit is within 14 days, if the demo has one near: warned.
    for (let back = 2; back <= 3; back++) {
      const [y, m] = month.split('-').map(Number);
      const t = new Date(Date.UTC(y, m - back, 1));
      const key = `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
      const older = await page.evaluate(async (k) => (await (await fetch(`/api/v1/pension-forms?month=${k}`)).json()), key);
      const soon = older.form_a.filter((a) => daysUntil(a.ten_week_limit) >= 0 && daysUntil(a.ten_week_limit) <= 14);
      await page.click('#month-previous');
      await page.waitForFunction((k) => document.documentElement.dataset.rendered === `/pension?month=${k}`, key);
      assert.equal(await text(page, '#forms-heading'), `Forms for ${monthWords(key)}`);
      assert.equal(await page.locator('#form-a-warning').count(), soon.length ? 1 : 0, `the form A warning for ${key}`);
      assert.equal(await page.locator('#form-a-table tbody tr').count(), older.form_a.length);
    }
    await checkAccessibility(page, 'the pension forms of an earlier month');
    // The month list leads back to last month.
    await page.selectOption('#month', month);
    await page.click('#show-month');
    await page.waitForFunction((k) => document.documentElement.dataset.rendered === `/pension?month=${k}`, month);
    assert.equal(await text(page, '#form-b-upr'), forms.form_b.upr);
    assertNoProblems(page);
  });

  test('a GP gives their pension details, checked in the form, and their forms appear', async () => {
    // The demo's eleventh GP does not pension their locum work.
    const { page } = await signedInPage(browser, server, 'clinician011@demo.flexpool.test');
    await open(page, '/pension');
    assert.match(await text(page, 'main'), /You have not said that you pension your locum work/);
    assert.equal(await page.locator('#pension-pdf').count(), 0);
    await checkAccessibility(page, 'pension forms, not yet pensioned');
    await page.fill('#sd_number', '1234567');
    await page.fill('#annual_pay', 'lots');
    await page.check('#pensioned');
    await page.click('#save-pension');
    await page.waitForSelector('.nhsuk-error-summary');
    const problems = await text(page, '.nhsuk-error-summary');
    assert.match(problems, /Enter your SD number as 8 digits, like 12345678/);
    assert.match(problems, /Enter your annual pensionable pay as an amount in pounds, like 60000/);
    await checkAccessibility(page, 'pension details with errors');
    await screenshot(page, 'money-pension-errors');
    await page.fill('#sd_number', '12345678');
    await page.fill('#annual_pay', '60,000');
    await page.click('#save-pension');
    await page.waitForSelector('.nhsuk-notification-banner');
    assert.match(await text(page, '.nhsuk-notification-banner'), /Your pension details have been saved/);
    const month = lastMonth();
    const MON = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
    const upr = `12345678LOC${MON[Number(month.slice(5)) - 1]}${month.slice(0, 4)}`;
    assert.equal(await text(page, '#form-b-upr'), upr);
    assert.equal(await page.inputValue('#annual_pay'), '60000.00');
    const saved = await page.evaluate(async () => (await (await fetch('/api/v1/me/pension')).json()));
    assert.deepEqual([saved.sd_number, saved.pensioned, saved.annual_pensionable_pay_pence], ['12345678', true, 6000000]);
    await checkAccessibility(page, 'pension forms after saving the details');
    assertNoProblems(page);
  });

  test('a nurse is told the pension forms are for GP locums', async () => {
    let email = null;
    for (let n = 101; n <= 150 && !email; n++) {
      const token = await login(emailOf(n));
      if (token && (await api(token, 'GET', '/me')).profession === 'nurse') email = emailOf(n);
    }
    assert.ok(email, 'the demo has a nurse');
    const { page } = await signedInPage(browser, server, email);
    await open(page, '/invoices');
    assert.equal(await page.locator('#pension-link').count(), 0, 'no link to forms that are not theirs');
    await open(page, '/pension');
    assert.equal(await text(page, '#pension-gp-only'), 'Forms A and B of the NHS Pension Scheme are for GP locums.');
    assert.equal(await page.locator('#pension-form').count(), 0);
    assert.equal(await page.locator('#pension-pdf').count(), 0);
    await checkAccessibility(page, 'pension forms for a nurse');
    await screenshot(page, 'money-pension-nurse');
    assertNoProblems(page);
  });

  test('the practice signs part 2 of a GP locum\'s pension form A, once, and the locum\'s form shows it', async () => {
    const pmToken = await login('practice@demo.flexpool.test');
    const items = (await api(pmToken, 'GET', '/invoices?limit=100')).items;
    let inv = null;
    for (const it of items) {
      const full = await api(pmToken, 'GET', `/invoices/${it.id}`);
      if (full.pension_form_a && full.pension_form_a.signable) { inv = full; break; }
    }
    assert.ok(inv, 'the demo has a pensioning GP locum\'s invoice in force at the practice, part 2 unsigned');
    assert.equal(inv.pension_form_a.signed, false);
    assert.notEqual(inv.status, 'credited');
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(page, `/practice/invoices/${inv.id}`);
    assert.match(await text(page, '#pension-form-a'), /Part 2 not signed yet/);
    assert.match(await text(page, '#pension-form-a'), new RegExp(`employer contribution of ${gbp(inv.pension_form_a.employer_contribution_pence).replace('.', '\\.')}`));
    await checkAccessibility(page, 'an invoice with a pension form A to sign');
    await page.click('#sign-form-a');
    await page.waitForSelector('#form-a-form');
    // The role is asked for first, in words.
    await page.click('#form-a-confirm');
    await page.waitForSelector('#fp-error-summary');
    assert.match(await text(page, '#fp-error-summary'), /Enter your role at the practice/);
    await checkAccessibility(page, 'signing form A, with an error');
    await page.fill('#signer_role', 'Practice manager');
    await screenshot(page, 'money-sign-form-a');
    await page.click('#form-a-confirm');
    await page.waitForSelector('#pension-form-a dl');
    assert.match(await text(page, '#pension-form-a'), /Part 2 signed by Helen Whitaker, Practice manager/);
    assert.equal(await page.locator('#sign-form-a').count(), 0, 'signed once');
    // The locum's forms show part 2 signed.
    const ym = inv.issued_at.slice(0, 7);
    const locum = await login(emailOf(inv.issuer.id));
    const formA = (await api(locum, 'GET', `/pension-forms?month=${ym}`)).form_a.find((a) => a.invoice_id === inv.id);
    assert.equal(formA.part2.signer_role, 'Practice manager');
    assertNoProblems(page);
  });

  test('other expenses, where the terms allow them, with what they were for', async () => {
    // The one-minute session of before(): wait for it to end.
    while (Date.now() < demo.shortEndsAt + 1000) await new Promise((r) => setTimeout(r, 250));
    const { page } = await signedInPage(browser, server, 'clinician001@demo.flexpool.test');
    await open(page, `/timesheets/${demo.short.id}`);
    await page.waitForSelector('#timesheet-form');
    assert.match(await text(page, '#claims-hint'), /allow you to claim mileage and other expenses/);
    await page.fill('#mileage_miles', '12');
    await page.fill('#expenses_pounds', '7.50');
    await page.click('#timesheet-submit');
    await page.waitForSelector('.nhsuk-error-summary');
    assert.match(await text(page, '.nhsuk-error-summary'), /Enter what the expenses were for/);
    await checkAccessibility(page, 'a timesheet claiming expenses, with an error');
    await screenshot(page, 'money-expenses-error');
    await page.fill('#expenses_note', 'Car park');
    await page.click('#timesheet-submit');
    await page.waitForSelector('.nhsuk-notification-banner');
    const item = (await page.locator('#timesheet-list > li', { has: page.locator('text=Other expenses') }).first().innerText()).replace(/\s+/g, ' ');
    assert.ok(item.includes('Mileage 12 miles at 45p a mile: £5.40'), item);
    assert.ok(item.includes('Other expenses £7.50: Car park'), item);
    assert.ok(item.includes('Total £312.90'), item);
    await checkAccessibility(page, 'a submitted timesheet with expenses');
    assertNoProblems(page);
  });
});
