// invoices.js - the invoices an approved timesheet issues (issue 13). Each side sees its own: the
// clinician the invoices they issued, the practice those issued to it (and records each one paid,
// after a question), the pool those to its practices, read only. The invoice itself, with its PDF,
// is one page for everyone who may see it. Status, "overdue" and what may happen are the API's
// (src/core/invoice.h): the pages only say them in words.
//
// An issued invoice is never edited: its clinician credits it (/invoices/:id/credit). A credit
// note, numbered with the invoices and listed with them, cancels it in full (its amounts at
// minus), and its sessions are invoiced again: at once, or once their timesheets are corrected.

import { get, post, put } from '../api.js';
import { flash, hasRole, navigate, page, route, state } from '../app.js';
import { confirmPage } from '../confirm.js';
import { liveValidation, onSubmit } from '../forms.js';
import { longDate, pounds, shortDate, timeRange } from '../format.js';
import { pagedList } from '../paging.js';
import {
  backLink, button, h, input, insetText, link, p, pageHeading, radios, setFieldError, showErrorSummary, summaryList, table, tag, textarea,
  warningCallout,
} from '../ui.js';

const CLINICIAN = { roles: ['clinician'] };
const PRACTICE = { roles: ['practice_manager'] };
const POOL = { roles: ['pool_admin'] };

// shown_status in words, with its tag's colour. A credited invoice is owed no more (grey); a credit
// note asks for nothing (blue, the plain tag's colour).
const STATUS = {
  issued: ['Awaiting payment', 'pending'], overdue: ['Overdue', 'late'], paid: ['Paid', 'confirmed'],
  credited: ['Credited', 'withdrawn'], credit_note: ['Credit note', 'open'],
};
// Also the tag of a timesheet's invoice (timesheets.js): one set of words for each status.
export const invoiceStatusTag = (shown) => tag(STATUS[shown][0], STATUS[shown][1]);
const statusTag = (inv) => invoiceStatusTag(inv.shown_status);
const isCreditNote = (inv) => inv.status === 'credit_note';
// What an invoice or a credit note is called: "Invoice 0001", "Credit note 0002".
const named = (inv) => `${isCreditNote(inv) ? 'Credit note' : 'Invoice'} ${inv.reference}`;
// An amount in a table's cell, on one line: a credit note's "-£240.00" does not break after its minus.
const amountCell = (pence) => ({ text: h('span', { class: 'nhsuk-u-nowrap' }, pounds(pence)), numeric: true });
// A list's "Due by" cell: a credit note asks for no payment, so it has no due day.
const dueCell = (dueOn) => (dueOn ? shortDate(dueOn)
  : h('span', {}, h('span', { 'aria-hidden': 'true' }, '–'), h('span', { class: 'nhsuk-u-visually-hidden' }, 'No payment due')));

// The views of a list: [status ('' for all), link text].
const VIEWS = {
  clinician: [['', 'All'], ['issued', 'Awaiting payment'], ['overdue', 'Overdue'], ['paid', 'Paid'], ['credit_note', 'Credit notes']],
  practice: [['issued', 'To pay'], ['overdue', 'Overdue'], ['paid', 'Paid'], ['credit_note', 'Credit notes'], ['', 'All']],
  pool: [['overdue', 'Overdue'], ['issued', 'Awaiting payment'], ['paid', 'Paid'], ['credit_note', 'Credit notes'], ['', 'All']],
};

function viewOf(query, list) {
  const v = query.get('status') || '';
  return list.some(([s]) => s === v) ? v : list[0][0];
}

function views(here, list, current) {
  return h('nav', { class: 'fp-views', 'aria-label': 'Invoices by status' },
    h('ul', { class: 'fp-views__list' }, list.map(([v, text]) => h('li', {},
      h('a', { class: 'fp-views__link', href: v === list[0][0] ? here : `${here}?status=${v || 'all'}`, 'aria-current': current === v ? 'page' : null }, text)))));
}

// One list page: who sees what is in `side`; `detail` is where an invoice's own page is.
async function listPage({ side, here, title, intro, detail, query, columns, before = null }) {
  const list = VIEWS[side];
  const raw = query.get('status');
  const view = raw === 'all' ? '' : viewOf(query, list);
  const res = await pagedList({
    path: '/invoices', params: { status: view || null }, query, here, noun: ['invoice', 'invoices'],
  });
  const rows = res.items.map((inv) => [
    { text: link(`${detail}/${inv.id}`, [inv.reference, h('span', { class: 'nhsuk-u-visually-hidden' }, ` from ${inv.issuer.name} to ${inv.customer.name}`)]), header: true },
    ...columns(inv),
    shortDate(inv.issued_at), dueCell(inv.due_on),
    amountCell(inv.total_pence),
    statusTag(inv),
  ]);
  const empty = {
    '': 'There are no invoices yet. An invoice is issued when a session\'s timesheet is approved.',
    issued: 'No invoice is awaiting payment.',
    overdue: 'No invoice is overdue.',
    paid: 'No invoice has been paid yet.',
    credit_note: 'There are no credit notes. A credit note is issued when a clinician credits one of their invoices.',
  }[view];
  const caption = (list.find(([v]) => v === view) || ['', 'All'])[1];
  // Every invoice of this view in one CSV file, for a finance system or a spreadsheet.
  const what = caption === 'All' ? 'all these invoices' : view === 'credit_note' ? 'the credit notes' : `the invoices ${caption.toLowerCase()}`;
  const csv = rows.length
    ? p(link(`/api/v1/invoices.csv${view ? `?status=${view}` : ''}`, `Download ${what} as a spreadsheet (CSV)`,
      { download: '', 'data-reload': '', id: 'invoice-csv' }))
    : null;
  page(title, pageHeading(title), p(intro), before, views(here, list, view), res.summary,
    rows.length
      ? table({ caption, head: ['Invoice', ...columns(null), 'Issued', 'Due by', { text: 'Amount', numeric: true }, 'Status'], rows, id: 'invoice-table' })
      : p(empty),
    res.nav, csv);
}

route('/invoices', async ({ query }) => {
  // Where the practices pay them: said on every invoice issued once it is given.
  const details = await get('/me/invoice-details');
  const where = details.account_number
    ? p('Your invoices ask to be paid to ', h('strong', {}, `${details.account_name}, sort code ${details.sort_code}, account ${details.account_number}`), '. ',
      link('/invoices/details', 'Change where you are paid'))
    : insetText(p('Your invoices do not say where to pay you yet. ', link('/invoices/details', 'Add your address and bank account'),
      ' and every invoice issued from then on will show them.'));
  // How long practices have to pay, and what a late cancellation costs them: the terms (/terms).
  const terms = p('How many days a practice has to pay, and what it owes if it cancels late, are in your ',
    link('/terms', 'terms of engagement', { id: 'terms-link' }), '.');
  // How they invoice: each session, or each practice once a month (chosen with where they are paid).
  const monthly = details.invoicing === 'monthly';
  const how = h('p', { class: 'nhsuk-body', id: 'invoicing-now' },
    h('strong', {}, monthly ? 'You invoice monthly:' : 'You invoice each session:'), ' ',
    monthly ? 'one invoice to each practice a month. ' : 'an invoice for each session, when the practice approves its timesheet. ',
    link('/invoices/details', 'Change how you invoice'));
  // The NHS Pension Scheme forms A and B are for GP locums.
  const pension = state.me && state.me.profession === 'gp'
    ? p('If you pension your locum work, your ', link('/pension', 'NHS Pension Scheme forms A and B', { id: 'pension-link' }), ' are made from these invoices.')
    : null;
  return listPage({
    side: 'clinician', here: '/invoices', title: 'My invoices', detail: '/invoices', query, before: [how, where, terms, pension],
    intro: monthly
      ? 'Each practice gets one invoice a month from you, made on the 1st for the sessions you worked there before then and it approved, numbered in turn. The practice records it here when it has paid you.'
      : 'Each session you work is invoiced to its practice when the practice approves your timesheet, numbered in turn. The practice records it here when it has paid you.',
    columns: (inv) => (inv ? [inv.customer.name] : ['Practice']),
  });
}, CLINICIAN);

// How a clinician invoices (invoice details `invoicing`), in words.
const INVOICING = {
  session: 'An invoice for each session, when the practice approves its timesheet',
  monthly: 'One invoice to each practice a month',
};

// Where the clinician is paid: their address and bank account, printed on each invoice issued after.
const SORT_CODE = /^\d{2}[- ]?\d{2}[- ]?\d{2}$/;
const ACCOUNT = /^\d{4} ?\d{4}$/;
route('/invoices/details', async () => {
  const d = await get('/me/invoice-details');
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'invoice-details-form' },
    textarea({ id: 'address', label: 'Your address', value: d.address || '', rows: 4, autocomplete: 'street-address',
      hint: 'As it should appear on your invoices, on up to 6 lines.' }),
    input({ id: 'account_name', label: 'Name on the bank account', value: d.account_name || '' }),
    input({ id: 'sort_code', label: 'Sort code', value: d.sort_code || '', inputmode: 'numeric', width: 5, hint: 'Must be 6 digits long, for example 12-34-56' }),
    input({ id: 'account_number', label: 'Account number', value: d.account_number || '', inputmode: 'numeric', width: 10,
      hint: 'Must be 8 digits long, for example 12345678' }),
    radios({
      id: 'invoicing', legend: 'How do you want to invoice?', legendSize: 'm', value: d.invoicing || 'session',
      hint: 'A change applies to the timesheets approved from now on. Sessions approved and not yet invoiced go on the next monthly invoice.',
      items: [
        { value: 'session', text: INVOICING.session },
        { value: 'monthly', text: INVOICING.monthly, hint: 'Made on the 1st of each month, with a line for each session worked there before then that the practice has approved.' },
      ],
    }),
    button('Save invoice details', { id: 'save-invoice-details' }));
  const validate = liveValidation(form, summary, {
    address: (v) => (!v.address.trim() ? 'Enter your address'
      : v.address.length > 300 ? 'Your address must be 300 characters or fewer'
        : v.address.split('\n').length > 6 ? 'Your address must be on 6 lines or fewer' : null),
    account_name: (v) => (!v.account_name.trim() ? 'Enter the name on the bank account'
      : v.account_name.length > 100 ? 'The name must be 100 characters or fewer' : null),
    sort_code: (v) => (!SORT_CODE.test(v.sort_code.trim()) ? 'Enter a valid sort code like 12-34-56' : null),
    account_number: (v) => (!ACCOUNT.test(v.account_number.trim()) ? 'Enter a valid account number like 12345678' : null),
    invoicing: (v) => (INVOICING[v.invoicing] ? null : 'Select how you want to invoice'),
  });
  onSubmit(form, validate, summary, async (v) => {
    await put('/me/invoice-details', {
      address: v.address.trim(), account_name: v.account_name.trim(), sort_code: v.sort_code.trim(), account_number: v.account_number.trim(),
      invoicing: v.invoicing,
    });
    flash('Your invoice details have been saved', `Every invoice issued from now on shows them, and you invoice ${v.invoicing === 'monthly' ? 'each practice once a month' : 'each session when its timesheet is approved'}. Invoices already issued keep what they said.`);
    navigate('/invoices');
  });
  page('Your invoice details', summary, backLink('/invoices', 'Back to my invoices'), pageHeading('Your invoice details'),
    p('Your invoices show your address and the bank account the practice pays into. Only you see these details here; each practice sees them on the invoices you send it.'),
    form);
}, CLINICIAN);

route('/practice/invoices', ({ query }) => listPage({
  side: 'practice', here: '/practice/invoices', title: 'Invoices', detail: '/practice/invoices', query,
  intro: 'The clinicians\' invoices for the sessions you approved. Pay each one by its due date, then record it as paid here: the clinician is told.',
  columns: (inv) => (inv ? [inv.issuer.name] : ['Clinician']),
  before: p(link('/practice/statement', 'See the monthly statement across all clinicians', { id: 'statement-link' })),
}), PRACTICE);

// The practice's consolidated statement for a month (this one unless ?month=YYYY-MM): every invoice
// issued to it, by clinician, with the sums the server works out.
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthTitle = (ym) => `${MONTH_NAMES[+ym.slice(5, 7) - 1]} ${ym.slice(0, 4)}`;
const monthShift = (ym, by) => {
  const d = new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7) - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};
route('/practice/statement', async ({ query }) => {
  const thisMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
  const asked = query.get('month');
  const month = asked && /^\d{4}-\d{2}$/.test(asked) ? asked : thisMonth;
  const st = await get(`/invoices/statement?month=${encodeURIComponent(month)}`);
  const t = st.totals;
  const rows = st.clinicians.map((c) => [
    { text: c.clinician_name, header: true },
    { text: String(c.invoices.length), numeric: true },
    { text: pounds(c.total_pence), numeric: true },
    { text: pounds(c.paid_pence), numeric: true },
    { text: pounds(c.outstanding_pence), numeric: true },
    { text: c.overdue_pence ? pounds(c.overdue_pence) : '-', numeric: true },
  ]);
  const invoicesRows = st.clinicians.flatMap((c) => c.invoices.map((inv) => [
    link(`/practice/invoices/${inv.id}`, [inv.reference, h('span', { class: 'nhsuk-u-visually-hidden' }, ` from ${c.clinician_name}`)]),
    c.clinician_name, shortDate(inv.issued_at), dueCell(inv.due_on), amountCell(inv.total_pence), invoiceStatusTag(inv.shown_status),
  ]));
  page(`Statement for ${monthTitle(month)}`, backLink('/practice/invoices', 'Back to invoices'),
    pageHeading(`Statement for ${monthTitle(month)}`, 'All clinicians'),
    p(`Every invoice the clinicians issued to the practice in ${monthTitle(month)}, by clinician, with what is paid and what is still to pay.`),
    h('nav', { class: 'nhsuk-pagination', role: 'navigation', 'aria-label': 'Months' },
      h('ul', { class: 'nhsuk-list nhsuk-pagination__list' },
        h('li', { class: 'nhsuk-pagination-item--previous' },
          h('a', { class: 'nhsuk-pagination__link nhsuk-pagination__link--prev', href: `/practice/statement?month=${monthShift(month, -1)}`, id: 'statement-previous' },
            h('span', { class: 'nhsuk-pagination__title' }, 'Previous'), h('span', { class: 'nhsuk-u-visually-hidden' }, ':'),
            h('span', { class: 'nhsuk-pagination__page' }, monthTitle(monthShift(month, -1))))),
        month < thisMonth ? h('li', { class: 'nhsuk-pagination-item--next' },
          h('a', { class: 'nhsuk-pagination__link nhsuk-pagination__link--next', href: `/practice/statement?month=${monthShift(month, 1)}`, id: 'statement-next' },
            h('span', { class: 'nhsuk-pagination__title' }, 'Next'), h('span', { class: 'nhsuk-u-visually-hidden' }, ':'),
            h('span', { class: 'nhsuk-pagination__page' }, monthTitle(monthShift(month, 1))))) : null)),
    h('div', { id: 'statement-totals' }, summaryList([
      ['Invoices', String(t.invoices)],
      ['Total invoiced', pounds(t.total_pence)],
      ['Paid', pounds(t.paid_pence)],
      ['Still to pay', pounds(t.outstanding_pence)],
      ['Of which overdue', pounds(t.overdue_pence)],
    ])),
    rows.length
      ? [table({ caption: 'By clinician', id: 'statement-clinicians', head: ['Clinician', { text: 'Invoices', numeric: true }, { text: 'Total', numeric: true }, { text: 'Paid', numeric: true }, { text: 'Still to pay', numeric: true }, { text: 'Overdue', numeric: true }], rows }),
        table({ caption: 'The invoices', id: 'statement-invoices', head: ['Invoice', 'Clinician', 'Issued', 'Due by', { text: 'Amount', numeric: true }, 'Status'], rows: invoicesRows }),
        p(link(st.csv, `Download the ${monthTitle(month)} invoices as a spreadsheet (CSV)`, { download: '', 'data-reload': '', id: 'statement-csv' }))]
      : h('p', { class: 'nhsuk-body', id: 'statement-empty' }, `No invoices were issued to the practice in ${monthTitle(month)}.`));
}, PRACTICE);

route('/pool/invoices', ({ query }) => listPage({
  side: 'pool', here: '/pool/invoices', title: 'Invoices', detail: '/pool/invoices', query,
  intro: 'The invoices of the sessions worked at your pools\' practices, and whether each practice has paid them.',
  columns: (inv) => (inv ? [inv.issuer.name, inv.customer.name] : ['Clinician', 'Practice']),
}), POOL);

// "41 Cardigan Road\nLS6 3BE" as lines.
const lines = (text) => (text || '').split('\n').filter(Boolean).flatMap((l, i) => (i ? [h('br'), l] : [l]));

// One invoice or credit note, for whoever may see it; `back` is the list it was opened from, and
// the invoices it names are linked on the same side (back.href/id).
async function invoicePage(id, back) {
  const inv = await get(`/invoices/${encodeURIComponent(id)}`);
  const note = isCreditNote(inv);
  const mayPay = hasRole('practice_manager') && inv.status === 'issued' && back.href.startsWith('/practice');
  // Only its clinician credits an invoice, from their own side, while it is unpaid.
  const mayCredit = hasRole('clinician') && inv.status === 'issued' && back.href === '/invoices';
  // A session's fee line, then its mileage and other expenses (kind), each on a line of its own:
  // the times are the fee line's; the claims say they go with that session.
  const rows = inv.lines.map((l) => [
    longDate(l.worked_start),
    l.kind === 'mileage' || l.kind === 'expenses'
      ? 'Claimed with the session'
      : `${timeRange(l.worked_start, l.worked_end)}${l.break_minutes ? `, ${l.break_minutes} minutes' break` : ''}`,
    l.description,
    amountCell(l.amount_pence),
  ]);
  // A credit note's invoice, linked on this side (in its words and in its summary).
  const credits = (word, attrs) => (inv.credits ? link(`${back.href}/${inv.credits.id}`, `${word} ${inv.credits.reference}`, attrs) : null);
  // A credited invoice: its credit note cancels it, so nothing is owed on it.
  const credited = inv.status === 'credited' && inv.credited_by
    ? h('div', { id: 'invoice-credited' }, insetText(p('This invoice was credited in full by ',
      link(`${back.href}/${inv.credited_by.id}`, `credit note ${inv.credited_by.reference}`, { id: 'credited-by' }),
      '. Nothing is owed on it.')))
    : null;
  page(named(inv), backLink(back.href, back.text), pageHeading(named(inv), `${inv.issuer.name} to ${inv.customer.name}`),
    p(statusTag(inv)),
    note
      ? h('div', { id: 'credit-note' }, insetText(p('This credit note cancels ', credits('invoice') || 'an invoice', ' in full: nothing is owed on either of them.')))
      : credited,
    summaryList([
      ['From', h('span', {}, inv.issuer.name, h('br'), ...lines(inv.issuer.detail))],
      ['To', h('span', {}, inv.customer.name, h('br'), ...lines(inv.customer.detail))],
      ['Issued', longDate(inv.issued_at)],
      note ? ['Credits', credits('Invoice', { id: 'credits-invoice' })] : null,
      note ? ['Reason', h('span', { id: 'credit-reason' }, inv.credit_reason)] : null,
      inv.due_on ? ['Payment due by', `${longDate(inv.due_on)}${inv.overdue ? ' (overdue)' : ''}`] : null,
      inv.paid_at ? ['Paid', `Recorded on ${longDate(inv.paid_at)}`] : null,
      ['Total', pounds(inv.total_pence)],
    ]),
    table({ caption: note ? 'What it credits' : 'What it is for', head: ['Date', 'Times', 'Description', { text: 'Amount', numeric: true }], rows, id: 'invoice-lines' }),
    p(link(inv.pdf, `Download ${note ? 'credit note' : 'invoice'} ${inv.reference} (PDF)`, { download: `${note ? 'credit-note' : 'invoice'}-${inv.reference}.pdf`, 'data-reload': '', id: 'invoice-pdf' })),
    mayPay ? p(h('a', { class: 'nhsuk-button', href: `/practice/invoices/${inv.id}/payment`, id: 'record-payment', 'data-module': 'nhsuk-button' }, 'Record as paid')) : null,
    mayCredit
      ? h('section', { id: 'credit-invoice' },
        h('h2', { class: 'nhsuk-heading-m' }, 'Something wrong on this invoice?'),
        p('An issued invoice cannot be changed. You can credit it instead, with a credit note that cancels it, and invoice its sessions again.'),
        p(h('a', { class: 'nhsuk-button nhsuk-button--secondary', href: `/invoices/${inv.id}/credit`, id: 'credit-invoice-link', 'data-module': 'nhsuk-button' },
          'Credit this invoice')))
      : null,
    note ? null : pensionFormA(inv, back));
}

// A pensioning GP locum's invoice: part 2 of their NHS Pension Scheme form A, which the practice
// signs (not the locum). Who signed, in what role and when, once it is done.
function pensionFormA(inv, back) {
  const f = inv.pension_form_a;
  if (!f) return null;
  // The server says whether part 2 can still be signed (a credited invoice's cannot: its sessions are
  // on the invoice that replaces it); the practice's manager signs it from the practice's pages.
  const maySign = hasRole('practice_manager') && back.href.startsWith('/practice') && f.signable;
  return h('section', { id: 'pension-form-a' },
    h('h2', { class: 'nhsuk-heading-m' }, 'NHS Pension Scheme form A'),
    p(`${inv.issuer.name} pensions their locum work. Form A for this invoice needs part 2 completed and signed by the practice, by someone other than the locum: the fee of ${pounds(f.fee_pence)} and the practice's employer contribution of ${pounds(f.employer_contribution_pence)}, which is on this invoice as its own line.`),
    f.signed
      ? summaryList([['Part 2 signed by', `${f.signer_name}, ${f.signer_role}`], ['Signed on', longDate(f.signed_at)]])
      : p(tag('Part 2 not signed yet', 'pending')),
    maySign ? p(h('a', { class: 'nhsuk-button', href: `/practice/invoices/${inv.id}/pension-signature`, id: 'sign-form-a', 'data-module': 'nhsuk-button' }, 'Sign part 2 of form A')) : null);
}

route('/invoices/:id', ({ params }) => invoicePage(params.id, { href: '/invoices', text: 'Back to my invoices' }), CLINICIAN);
route('/practice/invoices/:id', ({ params }) => invoicePage(params.id, { href: '/practice/invoices', text: 'Back to invoices' }), PRACTICE);
route('/pool/invoices/:id', ({ params }) => invoicePage(params.id, { href: '/pool/invoices', text: 'Back to invoices' }), POOL);

// The clinician credits one of their unpaid invoices: why (printed on the credit note, which the
// practice reads), and how its sessions are invoiced again. The API says what it made; the page
// then shows the invoice that replaces it, or the credit note while the timesheets come back.
const REISSUE = {
  now: 'Reissue it now with my current details',
  after_correction: 'Send the timesheets back to me to correct first',
};
route('/invoices/:id/credit', async ({ params }) => {
  const inv = await get(`/invoices/${encodeURIComponent(params.id)}`);
  const backHref = `/invoices/${inv.id}`;
  if (inv.status !== 'issued') {
    const why = {
      paid: [`Invoice ${inv.reference} is paid`, 'A paid invoice is not credited here: its money has moved. Talk to the practice about a refund.'],
      credited: [`Invoice ${inv.reference} is already credited`, inv.credited_by ? `Credit note ${inv.credited_by.reference} credits it.` : 'Nothing is owed on it.'],
      credit_note: [`Credit note ${inv.reference} cannot be credited`, 'Only an invoice is credited.'],
    }[inv.status] || [`${named(inv)} cannot be credited`, ''];
    return page(why[0], backLink(backHref, 'Back to the invoice'), pageHeading(why[0]), why[1] ? p(why[1]) : null,
      p(link(backHref, `See ${named(inv).replace(/^./, (c) => c.toLowerCase())}`)));
  }
  // The sessions on it: each one's timesheet comes back when the clinician corrects it first.
  const sessions = new Set(inv.lines.map((l) => l.booking_id)).size;
  const them = sessions === 1 ? 'the timesheet' : `the ${sessions} timesheets`;
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'credit-form' },
    input({ id: 'reason', label: 'Why are you crediting it?', labelSize: 'm', autocomplete: 'off',
      hint: 'On one line, in up to 300 characters, like "Wrong bank account". It is printed on the credit note, which the practice sees.' }),
    radios({
      id: 'reissue', legend: 'How should its sessions be invoiced again?', legendSize: 'm',
      items: [
        { value: 'now', text: REISSUE.now,
          hint: 'A new invoice for the same sessions and amounts goes to the practice at once, with your address and bank account as they are now. If they are what was wrong, change them first.' },
        { value: 'after_correction', text: REISSUE.after_correction,
          hint: `${sessions === 1 ? 'The session\'s timesheet comes' : 'Each session\'s timesheet comes'} back to you as queried, with your reason. Correct it and submit it again: when the practice approves it, it is invoiced again.` },
      ],
    }),
    h('div', { class: 'nhsuk-button-group' },
      button('Credit this invoice', { id: 'credit-confirm' }, 'warning'),
      link(backHref, 'No, go back', { id: 'credit-back' })));
  const validate = liveValidation(form, summary, {
    reason: (v) => (!v.reason ? 'Enter why you are crediting this invoice'
      : v.reason.length > 300 ? 'The reason must be 300 characters or fewer' : null),
    reissue: (v) => (REISSUE[v.reissue] ? null : 'Select how its sessions should be invoiced again'),
  });
  onSubmit(form, validate, summary, async (v) => {
    const res = await post(`/invoices/${inv.id}/credit`, { reason: v.reason, reissue: v.reissue });
    const done = `Invoice ${inv.reference} credited by credit note ${res.credit_note.reference}.`;
    if (res.reissued) {
      flash(`Invoice ${inv.reference} credited`, `${done} Invoice ${res.reissued.reference} replaces it. ${inv.customer.name} has been told.`);
      navigate(`/invoices/${res.reissued.id}`);
    } else {
      flash(`Invoice ${inv.reference} credited`,
        `${done} Correct ${them} and submit ${sessions === 1 ? 'it' : 'them'} again: ${inv.customer.name}'s approval will invoice ${sessions === 1 ? 'it' : 'them'} again.`);
      navigate(`/invoices/${res.credit_note.id}`);
    }
  });
  const title = `Credit invoice ${inv.reference}`;
  page(title, summary, backLink(backHref, 'Back to the invoice'), pageHeading(title, `${inv.customer.name}, ${pounds(inv.total_pence)}`),
    warningCallout('An issued invoice cannot be changed, only credited',
      h('ul', { class: 'nhsuk-list nhsuk-list--bullet', id: 'credit-consequences' },
        h('li', {}, `A credit note, numbered with your invoices, cancels invoice ${inv.reference} in full with the reason you give. It cannot be undone.`),
        h('li', {}, `${inv.customer.name} is told, and owes nothing on invoice ${inv.reference}.`),
        h('li', {}, 'Its sessions are invoiced again, as you choose below.'))),
    p('If the address or bank account on it is wrong, ', link('/invoices/details', 'change your invoice details', { id: 'credit-details-link' }),
      ' first, then reissue it now.'),
    form);
}, CLINICIAN);

route('/practice/invoices/:id/pension-signature', async ({ params }) => {
  const inv = await get(`/invoices/${encodeURIComponent(params.id)}`);
  const backHref = `/practice/invoices/${inv.id}`;
  const f = inv.pension_form_a;
  if (!f || f.signed) {
    return page('Form A', backLink(backHref, 'Back to the invoice'),
      pageHeading(f ? 'Part 2 of form A is already signed' : 'This invoice has no pension form A'),
      p(f ? `${f.signer_name} (${f.signer_role}) signed it on ${longDate(f.signed_at)}.` : `${inv.issuer.name} does not pension their locum work.`),
      p(link(backHref, 'See the invoice')));
  }
  const role = input({ id: 'signer_role', label: 'Your role at the practice', hint: 'For example, practice manager or GP partner. It is recorded with your name as the practice\'s signature.', autocomplete: 'organization-title' });
  const validate = (form, summary) => {
    const v = form.elements.signer_role.value.trim();
    const message = !v ? 'Enter your role at the practice' : v.length > 100 ? 'Your role must be 100 characters or fewer' : null;
    setFieldError(form, 'signer_role', message);
    if (message) showErrorSummary(summary, [{ id: 'signer_role', text: message }]);
    else summary.replaceChildren();
    return !message;
  };
  return confirmPage({
    title: `Sign part 2 of form A for invoice ${inv.reference}`,
    caption: inv.issuer.name,
    intro: `You confirm, for the practice, that ${inv.issuer.name} worked these sessions as a GP locum for a fee of ${pounds(f.fee_pence)}, and that the practice pays an employer contribution of ${pounds(f.employer_contribution_pence)} with it.`,
    details: table({ caption: 'The sessions', head: ['Date', 'Times', { text: 'Fee', numeric: true }], id: 'form-a-sessions',
      rows: inv.lines.filter((l) => l.kind === 'fee').map((l) => [longDate(l.worked_start), timeRange(l.worked_start, l.worked_end), { text: pounds(l.amount_pence), numeric: true }]) }),
    consequences: [
      'Your name, your role and today\'s date are recorded as the practice\'s electronic signature of part 2, with the figures above.',
      `${inv.issuer.name}'s form A then shows part 2 signed, ready to send to NHS Pensions.`,
      'It is signed once and cannot be changed.',
    ],
    fields: [role], validate,
    confirmText: 'Sign part 2', backHref, formId: 'form-a-form', buttonId: 'form-a-confirm', warning: false,
    action: (form) => post(`/invoices/${inv.id}/pension-signature`, { signer_role: form.elements.signer_role.value.trim() }),
    done: () => {
      flash('Part 2 of form A signed', `Invoice ${inv.reference}'s form A now shows the practice's signature.`);
      navigate(backHref);
    },
  });
}, PRACTICE);

route('/practice/invoices/:id/payment', async ({ params }) => {
  const inv = await get(`/invoices/${encodeURIComponent(params.id)}`);
  const backHref = `/practice/invoices/${inv.id}`;
  if (inv.status !== 'issued') {
    return page('Invoice paid', backLink(backHref, 'Back to the invoice'), pageHeading('This invoice is already paid'),
      p(`It was recorded as paid on ${longDate(inv.paid_at)}.`), p(link('/practice/invoices', 'See the invoices')));
  }
  return confirmPage({
    title: `Record invoice ${inv.reference} as paid`,
    caption: `${inv.issuer.name}, ${pounds(inv.total_pence)}`,
    intro: `Do this once the practice has paid ${pounds(inv.total_pence)} to ${inv.issuer.name}.`,
    consequences: [
      `${inv.issuer.name} is told that you have paid invoice ${inv.reference}.`,
      'It shows as paid to everyone who sees it, with today\'s date, and it cannot be changed back.',
    ],
    confirmText: 'Record as paid', backHref, formId: 'payment-form', buttonId: 'payment-confirm', warning: false,
    action: () => post(`/invoices/${inv.id}/payment`),
    done: () => {
      flash('Invoice recorded as paid', `${inv.issuer.name} has been told that invoice ${inv.reference} is paid.`);
      navigate('/practice/invoices?status=paid');
    },
  });
}, PRACTICE);
