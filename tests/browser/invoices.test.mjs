// Invoices in a real browser (issue 13): the practice finds a clinician's invoice among those to
// pay, reads it, downloads its PDF and records it paid after a question; the clinician then sees it
// paid, and was told, and the session's timesheet leads to it; the pool reads every practice's
// invoices; a clinician credits an invoice and reissues it, and the practice reads the credit note.
// axe on every page.

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
    // Its total (a pensioning GP's invoice adds the employer's contribution as a second line, so the
    // total need not be any one line's).
    const total = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(inv.total_pence / 100);
    assert.ok((await pm.textContent('main .nhsuk-summary-list')).replace(/\s+/g, '').includes(`Total${total}`), `the invoice's total, ${total}`);
    assert.ok(await pm.locator('#invoice-lines tbody tr').count() > 0, 'the invoice lists what it is for');
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

  test('a clinician credits an invoice and reissues it at once; the practice reads the credit note', async () => {
    // An invoice to the practice awaiting payment: not the newest (the first test pays that one)
    // nor clinician005's (the second test gives their invoice details).
    const pm = (await signedInPage(browser, server, 'practice@demo.flexpool.test')).page;
    const issued = await pm.evaluate(async () => (await (await fetch('/api/v1/invoices?status=issued&limit=20')).json()).items);
    const inv = issued.slice(1).find((i) => i.issuer.id !== 5);
    assert.ok(inv, 'the demo has invoices awaiting payment at the practice');
    const email = `clinician${String(inv.issuer.id).padStart(3, '0')}@demo.flexpool.test`;
    const cl = (await signedInPage(browser, server, email)).page;
    const reason = 'Wrong bank account on the invoice';
    // A sum of money as the pages write it, below zero with either minus sign.
    const money = (pence) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(Math.abs(pence) / 100).replace(/[.£]/g, '\\$&');

    // The invoice offers to credit it; the form says that an issued invoice is never changed.
    await open(cl, `/invoices/${inv.id}`);
    await cl.waitForSelector('#invoice-lines');
    await cl.click('#credit-invoice-link');
    await cl.waitForSelector('#credit-form');
    assert.match(await cl.textContent('h1'), new RegExp(`Credit invoice ${inv.reference}`));
    assert.match(await cl.textContent('main'), /An issued invoice cannot be changed, only credited/);
    // Sent empty: the error summary names both questions, each linking to its field.
    await cl.click('#credit-confirm');
    await cl.waitForSelector('.nhsuk-error-summary');
    const problems = await cl.textContent('.nhsuk-error-summary');
    assert.match(problems, /Enter why you are crediting this invoice/);
    assert.match(problems, /Select how its sessions should be invoiced again/);
    assert.equal(await cl.getAttribute('.nhsuk-error-summary a[href="#reason"]', 'href'), '#reason');
    assert.equal(await cl.getAttribute('.nhsuk-error-summary a[href="#reissue"]', 'href'), '#reissue');
    assert.equal(cl.url(), `${server.base}/invoices/${inv.id}/credit`, 'nothing was sent');
    await checkAccessibility(cl, 'crediting an invoice, with errors');
    await cl.fill('#reason', reason);
    await cl.check('input[name="reissue"][value="now"]');
    await checkAccessibility(cl, 'crediting an invoice');
    await screenshot(cl, 'invoice-credit');

    // Reissued at once: the new invoice, for the same amount, says what happened.
    await cl.click('#credit-confirm');
    await cl.waitForSelector('.nhsuk-notification-banner');
    await cl.waitForSelector('#invoice-lines');
    const told = await cl.textContent('.nhsuk-notification-banner');
    const m = new RegExp(`Invoice ${inv.reference} credited by credit note (\\d+)\\. Invoice (\\d+) replaces it\\.`).exec(told);
    assert.ok(m, `the flash says what happened: ${told}`);
    const [, noteRef, newRef] = m;
    const newId = Number(new URL(cl.url()).pathname.split('/').pop());
    assert.notEqual(newId, inv.id);
    assert.match(await cl.textContent('h1'), new RegExp(`Invoice ${newRef}`));
    assert.match(await cl.textContent('main'), /Awaiting payment/);
    // Its total in its summary, as the first test reads it (a pensioning GP's invoice adds the
    // employer's contribution as a second line, so the total need not be any one line's).
    const total = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(inv.total_pence / 100);
    assert.ok((await cl.textContent('main .nhsuk-summary-list')).replace(/\s+/g, '').includes(`Total${total}`), `the new invoice's total, ${total}`);
    assert.equal(await cl.locator('#credit-invoice-link').count(), 1, 'the new invoice may be credited in its turn');

    // The credited invoice: owed no more, its credit note linked; it is not credited twice.
    await open(cl, `/invoices/${inv.id}`);
    await cl.waitForSelector('#invoice-lines');
    assert.match(await cl.textContent('main'), /Credited/);
    assert.match(await cl.textContent('#invoice-credited'), new RegExp(`credited in full by credit note ${noteRef}\\. Nothing is owed on it`));
    assert.equal(await cl.locator('#credit-invoice-link').count(), 0);
    // The credit note: what it credits, and why, at minus.
    await cl.click('#credited-by');
    await cl.waitForSelector('#credit-note');
    const noteId = Number(new URL(cl.url()).pathname.split('/').pop());
    assert.match(await cl.textContent('h1'), new RegExp(`Credit note ${noteRef}`));
    assert.match(await cl.textContent('#credit-note'), new RegExp(`This credit note cancels invoice ${inv.reference} in full: nothing is owed`));
    assert.equal(await cl.getAttribute('#credits-invoice', 'href'), `/invoices/${inv.id}`);
    assert.equal((await cl.textContent('#credits-invoice')).trim(), `Invoice ${inv.reference}`);
    assert.equal(await cl.textContent('#credit-reason'), reason);
    assert.match((await cl.textContent('main .nhsuk-summary-list')).replace(/\s+/g, ''), new RegExp(`Total[-−]${money(inv.total_pence)}`));
    assert.doesNotMatch(await cl.textContent('main'), /Payment due by|Invalid Date|1970/);
    assert.equal(await cl.locator('#credit-invoice-link').count(), 0, 'a credit note is not credited');
    await checkAccessibility(cl, 'a credit note');
    await screenshot(cl, 'credit-note');
    // Among the clinician's credit notes, with no due day.
    await open(cl, '/invoices?status=credit_note');
    const noteRow = cl.locator('#invoice-table tbody tr', { has: cl.locator(`a[href="/invoices/${noteId}"]`) });
    assert.equal(await noteRow.count(), 1);
    assert.match(await noteRow.textContent(), /No payment due/);
    assert.match(await noteRow.textContent(), /Credit note/);
    await open(cl, `/invoices/${inv.id}/credit`);
    assert.match(await cl.textContent('h1'), new RegExp(`Invoice ${inv.reference} is already credited`));
    assert.equal(await cl.locator('#credit-form').count(), 0);

    // The practice was told, and finds the credit note among its credit notes.
    const notified = await pm.evaluate(async () => (await (await fetch('/api/v1/me/notifications?limit=50')).json()).items
      .filter((n) => n.kind === 'invoice.credited').map((n) => n.link));
    assert.ok(notified.includes(`/practice/invoices/${noteId}`), 'the practice was told');
    await open(pm, '/practice/invoices?status=credit_note');
    assert.equal((await pm.textContent('.fp-views__link[aria-current="page"]')).trim(), 'Credit notes');
    assert.doesNotMatch(await pm.textContent('#invoice-table'), /Invalid Date|1970/);
    await checkAccessibility(pm, 'the practice\'s credit notes');
    await pm.click(`#invoice-table a[href="/practice/invoices/${noteId}"]`);
    await pm.waitForSelector('#credit-note');
    assert.match(await pm.textContent('h1'), new RegExp(`Credit note ${noteRef}`));
    assert.equal(await pm.textContent('#credit-reason'), reason);
    assert.equal(await pm.locator('#record-payment').count(), 0, 'a credit note is not paid');
    await checkAccessibility(pm, 'the practice\'s credit note');
    // The invoice it credits, on the practice's side: nothing to pay.
    await pm.click('#credits-invoice');
    await pm.waitForSelector('#invoice-credited');
    assert.equal(new URL(pm.url()).pathname, `/practice/invoices/${inv.id}`);
    assert.equal(await pm.locator('#record-payment').count(), 0, 'a credited invoice is not paid');
    assert.match(await pm.textContent('#invoice-credited'), /Nothing is owed on it/);
    assertNoProblems(pm);
    assertNoProblems(cl);
  });

  test('a clinician credits an invoice to correct its timesheet first', async () => {
    const pm = (await signedInPage(browser, server, 'practice@demo.flexpool.test')).page;
    const issued = await pm.evaluate(async () => (await (await fetch('/api/v1/invoices?status=issued&limit=20')).json()).items);
    const inv = issued.slice(1).find((i) => i.issuer.id !== 5);
    assert.ok(inv, 'the demo has invoices awaiting payment at the practice');
    const cl = (await signedInPage(browser, server, `clinician${String(inv.issuer.id).padStart(3, '0')}@demo.flexpool.test`)).page;
    const booking = await cl.evaluate(async (id) => (await (await fetch(`/api/v1/invoices/${id}`)).json()).lines[0].booking_id, inv.id);
    await open(cl, `/invoices/${inv.id}/credit`);
    await cl.fill('#reason', 'The session ended at 12:00');
    await cl.check('input[name="reissue"][value="after_correction"]');
    await cl.click('#credit-confirm');
    // The credit note, since nothing is invoiced again yet; the flash says what to do.
    await cl.waitForSelector('#credit-note');
    assert.match(await cl.textContent('h1'), /Credit note \d+/);
    assert.match(await cl.textContent('.nhsuk-notification-banner'),
      new RegExp(`Invoice ${inv.reference} credited by credit note \\d+\\. Correct the (\\d+ )?timesheets? and submit (it|them) again`));
    assert.equal(await cl.textContent('#credit-reason'), 'The session ended at 12:00');
    // The timesheet is back with the clinician, in their words (nobody at the practice asked).
    await open(cl, `/timesheets/${booking}`);
    assert.match(await cl.textContent('main'), new RegExp(`You credited this session's invoice\\s*Invoice ${inv.reference} credited: The session ended at 12:00\\.`));
    assert.doesNotMatch(await cl.textContent('main'), /The practice queried/);
    await checkAccessibility(cl, 'a timesheet sent back by a credit');
    assertNoProblems(cl);
    assertNoProblems(pm);
  });
});
