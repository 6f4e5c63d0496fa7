// pension.js - the NHS Pension Scheme forms of a GP locum (issue 13). A GP who pensions their locum
// work gives their SD number and the pensionable pay they expect for the scheme year (it sets their
// employee contribution tier); then each month has form A for every invoice issued in it (for the
// practice to complete and sign) and form B for the invoices paid in it, with the contributions and
// the unique payment reference. Every figure, the rules and their source are the API's
// (GET /api/v1/pension-forms, src/core): the page only says them, and when something is due soon.

import { ApiError, explain, get, put } from '../api.js';
import { flash, navigate, page, route, state } from '../app.js';
import { liveValidation, onSubmit } from '../forms.js';
import { longDate, longDateOf, monthTitle, parsePounds, pounds, shortDate, timeRange, ukToday } from '../format.js';
import {
  backLink, button, checkbox, h, input, insetText, link, p, pageHeading, select, summaryList, table, warningCallout,
} from '../ui.js';

const CLINICIAN = { roles: ['clinician'] };
const TITLE = 'NHS Pension Scheme forms';
const MAX_PAY_PENCE = 100000000; // £1,000,000: the API's limit
const FORM_A_WARN_DAYS = 14;
const FORM_B_WARN_DAYS = 3;
const MONTHS_TO_PICK = 24;

// Months as "YYYY-MM", and moving between them.
const monthKey = (y, m) => `${y}-${String(m).padStart(2, '0')}`;
function addMonths(key, n) {
  const [y, m] = key.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1 + n, 1));
  return monthKey(t.getUTCFullYear(), t.getUTCMonth() + 1);
}
const monthWords = (key) => { const [y, m] = key.split('-').map(Number); return monthTitle(y, m); };
const thisMonth = () => ukToday().slice(0, 7);
// A UK date "YYYY-MM-DD" as "Mon 4 Jan 2027" (noon UTC is the same day in the UK).
const shortDateOf = (date) => shortDate(`${date}T12:00:00Z`);

// Whole days from today (UK) to a UK date "YYYY-MM-DD": 0 today, negative once it has passed.
function daysUntil(date) {
  const day = (d) => { const [y, m, x] = d.split('-').map(Number); return Date.UTC(y, m - 1, x); };
  return Math.round((day(date) - day(ukToday())) / 86400e3);
}
function inDays(n) {
  if (n === 0) return 'today';
  if (n === 1) return 'tomorrow';
  return n > 0 ? `in ${n} days` : `${-n} day${n === -1 ? '' : 's'} ago`;
}

// The details: SD number, whether they pension their locum work, the pay they declare.
function detailsForm(details, month) {
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'pension-form' },
    input({ id: 'sd_number', label: 'SD number', width: 10, inputmode: 'numeric', autocomplete: 'off', value: details.sd_number || '',
      hint: 'Your 8-digit NHS Pension Scheme membership number, like 12345678.' }),
    checkbox({ id: 'pensioned', label: 'I pension my locum work', checked: details.pensioned,
      hint: 'Your forms A and B are made for each month from your invoices.' }),
    input({ id: 'annual_pay', label: 'Annual pensionable pay', width: 10, inputmode: 'decimal', prefix: '£', autocomplete: 'off',
      value: details.annual_pensionable_pay_pence !== null && details.annual_pensionable_pay_pence !== undefined ? (details.annual_pensionable_pay_pence / 100).toFixed(2) : '',
      hint: 'What you expect your pensionable pay to be in the scheme year (April to March), in pounds. It sets the tier of your employee contribution.' }),
    button('Save pension details', { id: 'save-pension' }));
  const validate = liveValidation(form, summary, {
    sd_number: (v) => (!v.sd_number ? 'Enter your SD number'
      : !/^\d{8}$/.test(v.sd_number.replace(/\s/g, '')) ? 'Enter your SD number as 8 digits, like 12345678' : null),
    annual_pay: (v) => {
      if (!v.annual_pay) return 'Enter your annual pensionable pay, in pounds';
      const pence = parsePounds(v.annual_pay);
      if (pence === null) return 'Enter your annual pensionable pay as an amount in pounds, like 60000';
      if (pence > MAX_PAY_PENCE) return `Your annual pensionable pay must be ${pounds(MAX_PAY_PENCE)} or less`;
      return null;
    },
  });
  onSubmit(form, validate, summary, async (v) => {
    try {
      await put('/me/pension', {
        sd_number: v.sd_number.replace(/\s/g, ''), pensioned: !!v.pensioned, annual_pensionable_pay_pence: parsePounds(v.annual_pay),
      });
    } catch (err) {
      if (err instanceof ApiError && err.field === 'annual_pensionable_pay_pence') err.field = 'annual_pay';
      throw err;
    }
    flash('Your pension details have been saved', v.pensioned
      ? 'Your forms A and B below use them.'
      : 'You have said you do not pension your locum work, so no forms are made.');
    navigate(`/pension?month=${month}`, { replace: true });
  });
  return [summary, form];
}

// Previous and next month (not past this month), and a list to choose one.
function monthNav(month) {
  const prev = addMonths(month, -1), next = addMonths(month, 1);
  const item = (key, rel) => h('li', { class: `nhsuk-pagination-item--${rel === 'prev' ? 'previous' : 'next'}` },
    h('a', { class: `nhsuk-pagination__link nhsuk-pagination__link--${rel}`, href: `/pension?month=${key}`, rel, id: `month-${rel === 'prev' ? 'previous' : 'next'}` },
      h('span', { class: 'nhsuk-pagination__title' }, rel === 'prev' ? 'Previous' : 'Next', h('span', { class: 'nhsuk-u-visually-hidden' }, ' month')),
      h('span', { class: 'nhsuk-u-visually-hidden' }, ':'),
      h('span', { class: 'nhsuk-pagination__page' }, monthWords(key))));
  return h('nav', { class: 'nhsuk-pagination', role: 'navigation', 'aria-label': 'Months' },
    h('ul', { class: 'nhsuk-list nhsuk-pagination__list' }, item(prev, 'prev'), next <= thisMonth() ? item(next, 'next') : null));
}

function monthPicker(month) {
  const months = Array.from({ length: MONTHS_TO_PICK }, (_, i) => addMonths(thisMonth(), -i));
  if (!months.includes(month)) months.push(month);
  return h('form', { method: 'get', action: '/pension', class: 'fp-inline-form', id: 'month-form',
    onsubmit: (e) => { e.preventDefault(); navigate(`/pension?month=${e.target.elements.month.value}`); } },
  select({ id: 'month', label: 'Month', value: month, options: months.map((k) => ({ value: k, text: monthWords(k) })) }),
  button('Show forms', { id: 'show-month' }, 'secondary'));
}

// The month's forms, for a GP who pensions their locum work.
function formsOf(forms, month) {
  const words = monthWords(month);
  const r = forms.rules;
  const out = [];

  // What is due soon: forms A to send within 14 days, form B within 3.
  const soonA = forms.form_a.filter((a) => { const d = daysUntil(a.ten_week_limit); return d >= 0 && d <= FORM_A_WARN_DAYS; });
  if (soonA.length) {
    out.push(h('div', { id: 'form-a-warning' }, warningCallout(`${soonA.length === 1 ? 'A form A is' : `${soonA.length} forms A are`} due within ${FORM_A_WARN_DAYS} days`,
      p('Send these to their practices, to complete and sign, before the 10-week limit:'),
      h('ul', { class: 'nhsuk-list nhsuk-list--bullet' }, soonA.map((a) => h('li', {},
        `Invoice ${a.invoice_reference} to ${a.practice_name}: by ${longDateOf(a.ten_week_limit)} (${inDays(daysUntil(a.ten_week_limit))})`))))));
  }
  const b = forms.form_b;
  if (b && b.invoices_paid > 0) {
    const d = daysUntil(b.due_by);
    if (d >= 0 && d <= FORM_B_WARN_DAYS) {
      out.push(h('div', { id: 'form-b-warning' }, warningCallout(`Form B is due ${inDays(d)}`,
        p(`Send form B for ${words} and pay the contributions of ${pounds(b.total_contributions_pence)}, with the reference ${b.upr}, by ${longDateOf(b.due_by)}.`))));
    }
  }

  // Both forms as one document, to print or send.
  out.push(p(link(`/api/v1/pension-forms/${month}.pdf`, `Download the forms for ${words} (PDF)`,
    { download: `pension-forms-${month}.pdf`, 'data-reload': '', id: 'pension-pdf' })));

  // The rules the figures follow, and whose they are.
  out.push(h('div', { id: 'pension-rules' },
    h('h3', { class: 'nhsuk-heading-s' }, `Rules used: scheme year ${r.scheme_year}`),
    p(`Pensionable pay is ${r.pensionable_share} of the fee. The practice's employer contribution is ${r.employer_rate} of the pensionable pay. `,
      'Your employee contribution rate is the tier of your annual pensionable pay.'),
    p(`Source: ${r.source}`),
    r.provisional
      ? insetText(p(h('strong', { id: 'provisional-note' }, 'These are provisional rates.'),
        ` The rates for ${r.scheme_year} have not been published yet, so the figures may change. Check them before you send the forms.`))
      : null));

  // Form A: one for each invoice issued in the month.
  out.push(h('h3', { class: 'nhsuk-heading-m', id: 'form-a-heading' }, 'Form A: your locum work'));
  if (forms.form_a.length) {
    out.push(p(`One form A for each invoice you issued in ${words}. Send it to the practice, which completes part 2, signs it and sends it on. Send it by the 10-week limit: 10 weeks from the first day worked.`));
    out.push(table({
      caption: `Forms A for ${words}`, captionSize: 's', id: 'form-a-table',
      head: ['Practice', 'Invoice', 'Work periods', { text: 'Fee', numeric: true }, { text: 'Pensionable pay', numeric: true }, { text: 'Employer contribution', numeric: true }, 'Send by'],
      rows: forms.form_a.map((a) => {
        const left = daysUntil(a.ten_week_limit);
        return [
          { text: a.practice_name, header: true },
          link(`/invoices/${a.invoice_id}`, `Invoice ${a.invoice_reference}`),
          h('ul', { class: 'nhsuk-list nhsuk-u-margin-bottom-0' }, a.work_periods.map((w) => h('li', {}, `${shortDate(w.start)}, ${timeRange(w.start, w.end)}`))),
          { text: pounds(a.fee_pence), numeric: true },
          { text: pounds(a.pensionable_pay_pence), numeric: true },
          { text: pounds(a.employer_contribution_pence), numeric: true },
          `${shortDateOf(a.ten_week_limit)}${left < 0 ? ' (passed)' : ''}`,
        ];
      }),
    }));
  } else {
    out.push(p(`You issued no invoices in ${words}, so there are no forms A for it.`));
  }

  // Form B: the invoices paid in the month.
  out.push(h('h3', { class: 'nhsuk-heading-m', id: 'form-b-heading' }, 'Form B: your contributions'));
  if (b) {
    out.push(p(b.invoices_paid
      ? `For the ${b.invoices_paid === 1 ? 'invoice' : `${b.invoices_paid} invoices`} paid to you in ${words}. Send it with the contributions to NHS Pensions, quoting the reference, by the due date.`
      : `No invoice was paid to you in ${words}, so there are no contributions to pay for it.`));
    out.push(summaryList([
      ['Unique payment reference (UPR)', h('span', { id: 'form-b-upr' }, b.upr)],
      ['SD number', b.sd_number],
      ['Invoices paid', String(b.invoices_paid)],
      ['Pensionable pay received', pounds(b.pensionable_pay_pence)],
      ['Annual pensionable pay declared', pounds(b.annual_pensionable_pay_pence)],
      ['Tier rate', b.tier_rate],
      ['Employee contribution', pounds(b.employee_contribution_pence)],
      ['Employer contributions', pounds(b.employer_contribution_pence)],
      ['Total to pay', h('strong', {}, pounds(b.total_contributions_pence))],
      ['Due by', `${longDateOf(b.due_by)}${daysUntil(b.due_by) < 0 ? ' (passed)' : ''}`],
    ], 'fp-form-b'));
  }

  return out;
}

route('/pension', async ({ query }) => {
  const back = backLink('/invoices', 'Back to my invoices');
  // Forms A and B are the GP locum forms: the API refuses anyone else's details.
  if (!state.me || state.me.profession !== 'gp') {
    return page(TITLE, back, pageHeading(TITLE),
      h('p', { class: 'nhsuk-body-l', id: 'pension-gp-only' }, 'Forms A and B of the NHS Pension Scheme are for GP locums.'),
      p('Your profession is not GP, so flexpool does not make these forms for you. Ask the organisations you work for how your NHS pension contributions are made.'),
      p(link('/invoices', 'See your invoices')));
  }
  const asked = query.get('month') || '';
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) && asked <= thisMonth() ? asked : addMonths(thisMonth(), -1);
  const [details, forms] = await Promise.all([
    get('/me/pension'),
    get(`/pension-forms?month=${month}`).catch((err) => { if (err instanceof ApiError && err.status === 401) throw err; return { failed: err }; }),
  ]);
  const words = monthWords(month);
  let body;
  if (forms.failed) body = [insetText(p(h('strong', {}, `The forms for ${words} cannot be shown. `), explain(forms.failed)))];
  else if (!forms.pensioned) {
    body = [insetText(p('You have not said that you pension your locum work. ',
      'Give your SD number, select "I pension my locum work" and save, and your forms A and B appear here for each month.'))];
  } else body = formsOf(forms, month);
  const [summary, form] = detailsForm(details, month);
  page(TITLE, summary, back, pageHeading(TITLE),
    p('If you pension your locum work, each month you send form A for each invoice you issued to its practice, and form B with your contributions to NHS Pensions. ',
      'flexpool fills them in from your invoices.'),
    h('h2', { class: 'nhsuk-heading-m' }, 'Your pension details'),
    details.updated_at ? p(`Last saved on ${longDate(details.updated_at)}.`) : null,
    form,
    h('h2', { class: 'nhsuk-heading-l', id: 'forms-heading' }, `Forms for ${words}`),
    monthNav(month), monthPicker(month),
    body);
}, CLINICIAN);
