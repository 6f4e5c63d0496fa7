// Invoices in a real browser (issue 13): the practice finds a clinician's invoice among those to
// pay, reads it, downloads its PDF and records it paid after a question; the clinician then sees it
// paid, and was told, and the session's timesheet leads to it; the pool reads every practice's
// invoices. axe on every page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, checkAccessibility, open, PHONE, screenshot, signedInPage, startServerAndBrowser, stopServerAndBrowser,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser(server, browser));

describe('invoices', () => {
  test('the practice pays a clinician\'s invoice and the clinician sees it paid', async () => {
    const pm = (await signedInPage(browser, server, 'practice@demo.flexpool.test')).page;
    await open(pm, '/practice/invoices');
    const rows = pm.locator('#invoice-table tbody tr');
    assert.ok(await rows.count() > 0, 'the demo has invoices to pay at the practice');
    await checkAccessibility(pm, 'the practice\'s invoices to pay');
    await screenshot(pm, 'practice-invoices');
    // The demo's history: some paid, some past their due day and unpaid.
    await open(pm, '/practice/invoices?status=overdue');
    assert.ok(await pm.locator('#invoice-table tbody tr').count() > 0, 'the demo has overdue invoices at the practice');
    assert.match(await pm.textContent('#invoice-table tbody'), /Overdue/);
    await checkAccessibility(pm, 'the practice\'s overdue invoices');
    await open(pm, '/practice/invoices?status=paid');
    assert.ok(await pm.locator('#invoice-table tbody tr').count() > 0, 'the demo has paid invoices at the practice');
    // The paid ones, for the finance system: a CSV of the same invoices.
    const csv = await pm.evaluate(async (href) => {
      const r = await fetch(href);
      return { type: r.headers.get('content-type'), text: await r.text() };
    }, await pm.getAttribute('#invoice-csv', 'href'));
    assert.match(csv.type, /^text\/csv/);
    const csvRows = csv.text.trim().split('\r\n');
    assert.match(csvRows[0], /"invoice","number"/);
    assert.ok(csvRows.length > 1 && csvRows.slice(1).every((r) => r.includes('"paid"')), 'only the paid invoices');
    const inv = await pm.evaluate(async () => (await (await fetch('/api/v1/invoices?status=issued&limit=1')).json()).items[0]);
    await open(pm, '/practice/invoices');
    await pm.click(`#invoice-table a[href="/practice/invoices/${inv.id}"]`);
    await pm.waitForSelector('#invoice-lines');
    assert.match(await pm.textContent('h1'), new RegExp(`Invoice ${inv.reference}`));
    assert.match(await pm.textContent('main'), /Awaiting payment/);
    assert.match(await pm.textContent('#invoice-lines'), new RegExp(`£${(inv.total_pence / 100).toFixed(2)}`));
    await checkAccessibility(pm, 'an invoice');
    // Its PDF is a PDF.
    const pdf = await pm.evaluate(async (href) => {
      const r = await fetch(href);
      const b = new Uint8Array(await r.arrayBuffer());
      return { type: r.headers.get('content-type'), head: String.fromCharCode(...b.slice(0, 5)) };
    }, await pm.getAttribute('#invoice-pdf', 'href'));
    assert.deepEqual(pdf, { type: 'application/pdf', head: '%PDF-' });

    // Recording it paid asks first; "No, go back" changes nothing.
    await pm.click('#record-payment');
    await pm.waitForSelector('#payment-form');
    assert.match(await pm.textContent('#confirm-consequences'), /cannot be changed back/);
    await checkAccessibility(pm, 'record an invoice paid');
    await screenshot(pm, 'invoice-payment');
    await pm.click('#payment-confirm');
    await pm.waitForSelector('.nhsuk-notification-banner');
    assert.match(await pm.textContent('.nhsuk-notification-banner'), /Invoice recorded as paid/);
    assert.match(await pm.textContent('#invoice-table'), new RegExp(inv.reference));
    // Paid, it offers no payment any more.
    await open(pm, `/practice/invoices/${inv.id}`);
    await pm.waitForSelector('#invoice-lines');
    assert.equal(await pm.locator('#record-payment').count(), 0);
    assert.match(await pm.textContent('main'), /Recorded on/);

    // The clinician, on a phone, sees it paid and was told.
    const email = `clinician${String(inv.issuer.id).padStart(3, '0')}@demo.flexpool.test`;
    const cl = (await signedInPage(browser, server, email, { viewport: PHONE })).page;
    await open(cl, '/invoices?status=paid');
    assert.match(await cl.textContent('#invoice-table'), new RegExp(inv.reference));
    await checkAccessibility(cl, 'the clinician\'s paid invoices');
    await screenshot(cl, 'clinician-invoices');
    const told = await cl.evaluate(async () => (await (await fetch('/api/v1/me/notifications?limit=50')).json()).items
      .filter((n) => n.kind === 'invoice.paid').map((n) => n.link));
    assert.ok(told.includes(`/invoices/${inv.id}`), 'the clinician was told');
    await open(cl, `/invoices/${inv.id}`);
    await cl.waitForSelector('#invoice-lines');
    assert.equal(await cl.locator('#record-payment').count(), 0, 'the clinician cannot record a payment');
    await checkAccessibility(cl, 'the clinician\'s invoice');
    // The session's timesheet leads to its invoice, paid.
    const booking = await cl.evaluate(async (id) => (await (await fetch(`/api/v1/invoices/${id}`)).json()).lines[0].booking_id, inv.id);
    await open(cl, `/timesheets/${booking}`);
    const toInvoice = cl.locator(`a[href="/invoices/${inv.id}"]`);
    assert.equal(await toInvoice.textContent(), `Invoice ${inv.reference}`);
    assert.match(await cl.textContent('main'), /Invoice \d+\s*Paid/);
    await checkAccessibility(cl, 'an approved timesheet with its invoice');
    await toInvoice.click();
    await cl.waitForSelector('#invoice-lines');
    // The practice's approved timesheets lead to their invoices too.
    await open(pm, '/practice/timesheets?state=approved');
    assert.ok(await pm.locator('#practice-timesheet-list a[href^="/practice/invoices/"]').count() > 0, 'approved timesheets link their invoices');
    await checkAccessibility(pm, 'the practice\'s approved timesheets');
    assertNoProblems(pm);
    assertNoProblems(cl);
  });

  test('a clinician says where they are paid, checked in the form', async () => {
    const { page } = await signedInPage(browser, server, 'clinician005@demo.flexpool.test');
    await open(page, '/invoices');
    assert.match(await page.textContent('main'), /Your invoices do not say where to pay you yet/);
    await page.click('a[href="/invoices/details"]');
    await page.waitForSelector('#invoice-details-form');
    await checkAccessibility(page, 'where you are paid');
    await page.fill('#address', '1 High Street\nLeeds');
    await page.fill('#account_name', 'Dr Example');
    await page.fill('#sort_code', '12-34-5');
    await page.fill('#account_number', '1234567');
    await page.click('#save-invoice-details');
    await page.waitForSelector('.nhsuk-error-summary');
    const problems = await page.textContent('.nhsuk-error-summary');
    assert.match(problems, /Enter a valid sort code like 12-34-56/);
    assert.match(problems, /Enter a valid account number like 12345678/);
    await checkAccessibility(page, 'where you are paid, with errors');
    await screenshot(page, 'invoice-details-errors');
    await page.fill('#sort_code', '12 34 56');
    await page.fill('#account_number', '12345678');
    await page.click('#save-invoice-details');
    await page.waitForSelector('.nhsuk-notification-banner');
    assert.match(await page.textContent('main'), /Your invoices ask to be paid to\s*Dr Example, sort code 12-34-56, account 12345678/);
    assertNoProblems(page);
  });

  test('the practice reads its monthly statement across all clinicians, with the sums and the CSV', async () => {
    const { page } = await signedInPage(browser, server, 'practice@demo.flexpool.test');
    await open(page, '/practice/invoices');
    await page.click('#statement-link');
    await page.waitForSelector('#statement-totals');
    // Last month: the demo's invoices, each clinician's sums adding up to the practice's.
    await page.click('#statement-previous');
    await page.waitForSelector('#statement-clinicians');
    const st = await page.evaluate(async () => {
      const ym = new URL(location.href).searchParams.get('month');
      return (await fetch(`/api/v1/invoices/statement?month=${ym}`)).json();
    });
    assert.ok(st.totals.invoices > 0, 'the demo has invoices last month');
    assert.equal(await page.locator('#statement-clinicians tbody tr').count(), st.clinicians.length);
    assert.equal(await page.locator('#statement-invoices tbody tr').count(), st.totals.invoices);
    const gbp = (pence) => `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    assert.match(await page.textContent('#statement-totals'), new RegExp(`Total invoiced\\s*${gbp(st.totals.total_pence).replace(/[.£]/g, '\\$&')}`));
    assert.equal(st.clinicians.reduce((a, c) => a + c.total_pence, 0), st.totals.total_pence);
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), await page.getAttribute('#statement-csv', 'href'));
    assert.equal(csv.trim().split('\r\n').length - 1, st.totals.invoices, 'the CSV has the same invoices');
    await checkAccessibility(page, 'the practice\'s monthly statement');
    await screenshot(page, 'practice-statement');
    assertNoProblems(page);
  });

  test('the pool reads every practice\'s invoices', async () => {
    const { page } = await signedInPage(browser, server, 'pool@demo.flexpool.test');
    await open(page, '/pool/invoices?status=all');
    assert.ok(await page.locator('#invoice-table tbody tr').count() > 1, 'the demo has invoices at the pool\'s practices');
    await checkAccessibility(page, 'the pool\'s invoices');
    await screenshot(page, 'pool-invoices');
    await page.click('#invoice-table tbody tr a');
    await page.waitForSelector('#invoice-lines');
    assert.equal(await page.locator('#record-payment').count(), 0);
    // The approved timesheets lead to their invoices.
    await open(page, '/pool/timesheets?state=approved');
    assert.ok(await page.locator('#pool-timesheet-table a[href^="/pool/invoices/"]').count() > 0, 'approved timesheets link their invoices');
    await checkAccessibility(page, 'the pool\'s approved timesheets');
    assertNoProblems(page);
  });
});
