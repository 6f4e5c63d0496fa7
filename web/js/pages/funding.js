// Commissioner reporting (issue 14), for the commissioners of a pool's ICB and the pool's
// administrators; the definitions are docs/METRICS.md's ("Funding", "The NHS England pool return").
//   /funding?pool=ID&year=YYYY    the programme's funding for a financial year (April to March):
//        allocated, spent, remaining and the spend forecast to 31 March, and the entries with
//        their totals (GET /pools/{id}/funding). A commissioner records an allocation or spend
//        (POST /pools/{id}/funding, when `may_record`); entries are never edited, so a
//        correction is a negative entry. The pool's administrators read it.
//   /return?pool=ID&month=YYYY-MM  NHS England's pool return for a month (GET /pools/{id}/return),
//        in the order NHS England asks for it, to download as CSV (/return.csv) or print (only
//        the return is printed: app.css). The pool's administrators record the day the pool
//        opened (PATCH /pools/{id} `opened_on`).

import { ApiError, explain, get, patch, post } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { readablePools } from '../pools.js';
import { busy, dateInputParts, dateInputProblem, dateInputValue, formValues, liveValidation } from '../forms.js';
import { addDays, monthTitle, number, pounds, ukToday } from '../format.js';
import {
  button, dateInput, h, input, insetText, link, p, pageHeading, radios, select, setFieldError, showErrorSummary, summaryList, table, tag, textarea,
} from '../ui.js';

const READERS = { roles: ['commissioner', 'pool_admin'] };
const MINUS = '\u2212';
const MAX_AMOUNT_PENCE = 10000000000; // £100 million either way (the API's limit)
const MAX_DESCRIPTION_BYTES = 500;
const KIND_NAMES = { allocation: 'Allocation', spend: 'Spend' };

// Money with a true minus sign: "−£280.00".
export const signedPounds = (pence) => (pence < 0 ? `${MINUS}${pounds(-pence)}` : pounds(pence));

// "1 April 2026" of an ISO date.
const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
export function dateText(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return DAY.format(new Date(Date.UTC(y, m - 1, d)));
}

// Days from one ISO date to another.
const daysBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400e3);

// The financial year (April to March) a day falls in, by the year it starts in, and its name.
export const financialYearOf = (iso) => (+iso.slice(5, 7) >= 4 ? +iso.slice(0, 4) : +iso.slice(0, 4) - 1);
export const financialYearName = (y) => `${y}/${String((y + 1) % 100).padStart(2, '0')}`;

// "YYYY-MM" of a month and the month `by` months later.
const monthOf = (y, m) => `${y}-${String(m).padStart(2, '0')}`;
const monthShift = (ym, by) => {
  const d = new Date(Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7) - 1 + by, 1));
  return monthOf(d.getUTCFullYear(), d.getUTCMonth() + 1);
};
const monthName = (ym) => monthTitle(+ym.slice(0, 4), +ym.slice(5, 7));

// An amount typed in pounds ("2800", "2,800.00", "£2800.5"), negative with a leading minus
// ("-280.00", "−£280", "£-280"), into pence; null when it is not an amount.
const AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d{1,12})(?:\.(\d{1,2}))?$/;
export function parseAmount(text) {
  let s = String(text || '').replace(/\s+/g, '');
  const sign = /^[-\u2212\u2013]/;
  let negative = false;
  if (sign.test(s)) { negative = true; s = s.slice(1); }
  if (s.startsWith('£')) s = s.slice(1);
  if (!negative && sign.test(s)) { negative = true; s = s.slice(1); }
  const m = AMOUNT.exec(s);
  if (!m) return null;
  const pence = Number(m[1].replace(/,/g, '')) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return negative && pence ? -pence : pence;
}

const bytes = (s) => new TextEncoder().encode(s).length;

// The pool asked for (?pool=ID) if this person reads it, else the first; `poolPart` is what the
// page's links carry ({pool: id} only when there is a choice).
function choosePool(pools, query) {
  const pool = pools.find((x) => String(x.id) === query.get('pool')) || pools[0];
  return { pool, poolPart: pools.length > 1 ? { pool: pool.id } : {} };
}
const withQuery = (path, params) => {
  const s = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
  return s ? `${path}?${s}` : path;
};

// A pool choice, when there is one: a small form that shows the chosen pool's page.
function poolChoice({ id, pools, pool, go }) {
  if (pools.length < 2) return null;
  return h('form', { class: 'fp-inline-form nhsuk-u-display-none-print', id: `${id}-form`, novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    go(formValues(e.target)[id]);
  } },
  select({ id, label: 'Pool', value: pool.id, options: pools.map((x) => ({ value: x.id, text: x.name })) }),
  button('Show this pool', { id: `${id}-show` }, 'secondary'));
}

// Previous / next links (the NHS pagination component); `next` is null when there is none.
function pager(label, id, prev, next) {
  const item = (dir, it) => h('li', { class: `nhsuk-pagination-item--${dir === 'prev' ? 'previous' : 'next'}` },
    h('a', { class: `nhsuk-pagination__link nhsuk-pagination__link--${dir}`, href: it.href, id: `${id}-${dir === 'prev' ? 'previous' : 'next'}` },
      h('span', { class: 'nhsuk-pagination__title' }, dir === 'prev' ? 'Previous' : 'Next'), h('span', { class: 'nhsuk-u-visually-hidden' }, ':'),
      h('span', { class: 'nhsuk-pagination__page' }, it.text)));
  return h('nav', { class: 'nhsuk-pagination nhsuk-u-display-none-print', role: 'navigation', 'aria-label': label },
    h('ul', { class: 'nhsuk-list nhsuk-pagination__list' }, prev ? item('prev', prev) : null, next ? item('next', next) : null));
}

function noPool(title) {
  return page(title, pageHeading(title), p('There is no pool for you to see yet.'));
}

// Funding ------------------------------------------------------------------------------------

function figureCard(key, label, value, hint) {
  return h('li', { class: 'nhsuk-grid-column-one-half nhsuk-card-group__item' },
    h('div', { class: 'nhsuk-card fp-figure', 'data-figure': key },
      h('div', { class: 'nhsuk-card__content' },
        h('h3', { class: 'nhsuk-card__heading nhsuk-heading-s fp-figure__label' }, label),
        h('p', { class: 'fp-figure__value', id: `funding-${key}` }, value),
        h('p', { class: 'nhsuk-body-s fp-figure__hint', id: `funding-${key}-hint` }, hint))));
}

// How the forecast was made, in words (docs/METRICS.md: Funding).
function forecastWords(f, today) {
  const last = dateText(addDays(f.to, -1));
  if (today < f.from) return `The year has not started, so this is what is recorded for it so far. Once it starts, the forecast carries the spend so far on at the same rate to ${last}.`;
  if (today >= f.to) return 'The year has ended, so this is what was spent.';
  const gone = daysBetween(f.from, today) + 1, all = daysBetween(f.from, f.to);
  return `The spend so far carried on at the same rate to ${last}: ${signedPounds(f.spent_pence)} in the first ${number(gone)} of the year's ${number(all)} days (today included), times ${number(all)} ÷ ${number(gone)}.`;
}

function entriesTable(f) {
  const entries = f.entries || [];
  const cell = (text) => ({ text, numeric: true });
  const t = table({
    caption: `The entries of ${f.financial_year}, oldest first`, captionSize: 'm', id: 'funding-entries',
    head: ['Date', 'Kind', 'Description', { text: 'Amount', numeric: true }],
    rows: entries.map((e) => [
      { text: h('span', { class: 'fp-nowrap' }, dateText(e.on)) },
      { text: [KIND_NAMES[e.kind] || e.kind, e.amount_pence < 0 ? [' ', tag('Correction', 'attention')] : null] },
      { text: h('span', { class: 'fp-pre-line fp-break' }, e.description) },
      cell(h('span', { class: 'fp-nowrap' }, signedPounds(e.amount_pence))),
    ]),
  });
  const sum = (kind) => entries.filter((e) => e.kind === kind).reduce((a, e) => a + e.amount_pence, 0);
  const total = (id, label, pence) => h('tr', { class: 'nhsuk-table__row' },
    h('th', { class: 'nhsuk-table__header', scope: 'row', colspan: '3' }, label),
    h('td', { class: 'nhsuk-table__cell nhsuk-table__cell--numeric', id }, signedPounds(pence)));
  t.classList.add('fp-totals-table');
  t.append(h('tfoot', { class: 'fp-totals' },
    total('funding-total-allocation', 'Total allocations', sum('allocation')),
    total('funding-total-spend', 'Total spend', sum('spend')),
    total('funding-total-remaining', 'Allocations less spend', sum('allocation') - sum('spend'))));
  return t;
}

// The form that records an entry (a commissioner of the pool's ICB).
function recordForm({ pool, summary, today, done }) {
  const latest = `${+today.slice(0, 4) + 1}${today.slice(4)}`.replace(/-02-29$/, '-02-28'); // a year from today
  const form = h('form', { novalidate: true, id: 'funding-form', class: 'nhsuk-u-display-none-print' },
    h('h2', { class: 'nhsuk-heading-m', id: 'funding-form-heading' }, 'Record an allocation or spend'),
    p('An entry is never changed or deleted once it is recorded. To correct one, record another entry of the same kind with a negative amount: for example, −280.00 takes £280.00 off the spend.'),
    radios({ id: 'kind', legend: 'What is it?', legendSize: 's', items: [
      { value: 'allocation', text: 'An allocation', hint: 'Funding given to the pool, such as NHS England\'s funding for the year' },
      { value: 'spend', text: 'Spend', hint: 'The programme\'s own running costs, such as the pool coordinator or the digital platform. Not locum fees: the practices pay those.' },
    ] }),
    dateInput({ id: 'on', legend: 'The day it applies to', hint: `It counts in the financial year this day falls in. For example, ${dateInputParts(today).day} ${dateInputParts(today).month} ${dateInputParts(today).year}` }),
    input({ id: 'amount', label: 'Amount', prefix: '£', width: 10, autocomplete: 'off',
      hint: 'In pounds and pence, like 2800.00. For a correction, put a minus sign in front, like -280.00.' }),
    textarea({ id: 'description', label: 'Description', rows: 3, hint: 'What it is, up to 500 characters. For example, Pool coordinator, November 2026.' }),
    button('Record entry', { id: 'record-funding' }));
  const rules = {
    kind: (v) => (v.kind ? null : 'Select whether it is an allocation or spend'),
    on: (v) => {
      const problem = dateInputProblem(v, 'on', 'the day it applies to', { required: true });
      if (problem) return problem;
      const day = dateInputValue(v, 'on');
      if (day < '2000-01-01') return 'The day it applies to must be 1 January 2000 or later';
      if (day > latest) return `The day it applies to must be no more than a year from today, ${dateText(latest)} at the latest`;
      return null;
    },
    amount: (v) => {
      if (!v.amount) return 'Enter the amount';
      const pence = parseAmount(v.amount);
      if (pence === null) return 'Enter the amount in pounds and pence, like 2800.00, or with a minus sign for a correction, like -280.00';
      if (pence === 0) return 'The amount cannot be £0.00: enter what was allocated or spent, or a negative amount for a correction';
      if (Math.abs(pence) > MAX_AMOUNT_PENCE) return `The amount must be ${pounds(MAX_AMOUNT_PENCE)} or less, either way`;
      return null;
    },
    description: (v) => {
      if (!v.description) return 'Enter a description';
      if (bytes(v.description) > MAX_DESCRIPTION_BYTES) return 'The description must be 500 characters or fewer';
      return null;
    },
  };
  const validate = liveValidation(form, summary, rules, { focusIdOf: (id) => (id === 'on' ? 'on-day' : id) });
  // The server's refusals, in the page's own words, on the field it names.
  const SERVER_WORDS = {
    kind: ['kind', 'kind', rules.kind({})],
    on: ['on', 'on-day', 'The day it applies to must be from 1 January 2000 to a year from today'],
    amount_pence: ['amount', 'amount', `Enter an amount other than £0.00, up to ${pounds(MAX_AMOUNT_PENCE)} either way (a correction is a negative amount)`],
    description: ['description', 'description', 'Enter a description of up to 500 characters that is not only spaces'],
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const body = { kind: v.kind, on: dateInputValue(v, 'on'), amount_pence: parseAmount(v.amount), description: v.description };
    await busy(form, async () => {
      try {
        done(await post(`/pools/${pool.id}/funding`, body));
      } catch (err) {
        const known = err instanceof ApiError && SERVER_WORDS[err.field];
        if (known && err.status === 400) {
          const [field, focus, text] = known;
          setFieldError(form, field, text);
          showErrorSummary(summary, [{ id: focus, text }]);
          return;
        }
        const text = err instanceof ApiError && err.status === 403
          ? 'Your account may not record this pool\'s funding: only the commissioners of the pool\'s ICB do.'
          : explain(err);
        showErrorSummary(summary, [{ id: null, text }]);
      }
    });
  });
  return form;
}

function recordedWords(e) {
  const what = e.kind === 'allocation' ? 'allocation' : 'spend';
  const heading = e.amount_pence < 0 ? `Correction to the ${what} recorded` : `${KIND_NAMES[e.kind]} recorded`;
  return [heading, `${signedPounds(e.amount_pence)} on ${dateText(e.on)}: ${e.description}. It counts in ${financialYearName(financialYearOf(e.on))}.`];
}

route('/funding', async ({ query }) => {
  const title = 'Pool funding';
  const pools = await readablePools();
  if (!pools.length) return noPool(title);
  const { pool, poolPart } = choosePool(pools, query);
  const today = ukToday();
  const thisYear = financialYearOf(today);
  const askedYear = /^\d{4}$/.test(query.get('year') || '') ? +query.get('year') : thisYear;
  const year = askedYear >= 2000 && askedYear <= thisYear + 1 ? askedYear : thisYear;
  const here = (y, extra = {}) => withQuery('/funding', { ...poolPart, ...extra, year: y === thisYear ? '' : y });
  const summary = h('div');
  const heading = pageHeading(title, pool.name);
  const intro = [
    p('The programme\'s funding (such as NHS England\'s funding for the year) and its own running costs (such as the pool coordinator and the digital platform), by financial year, 1 April to 31 March. ',
      'Locum fees are not in it: the practices pay those (see ', link('/overview', 'the overview'), ').'),
    p('Entries are never changed or deleted: a correction is an entry of its own, with a negative amount.'),
  ];
  const choice = poolChoice({ id: 'funding-pool', pools, pool, go: (id) => navigate(withQuery('/funding', { pool: id, year: year === thisYear ? '' : year })) });
  const years = pager('Financial years', 'funding-year',
    year > 2000 ? { href: here(year - 1), text: financialYearName(year - 1) } : null,
    year < thisYear + 1 ? { href: here(year + 1), text: financialYearName(year + 1) } : null);
  let f;
  try {
    f = await get(`/pools/${pool.id}/funding?year=${year}`);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 403) throw err;
    return page(title, heading, intro, choice, insetText(p('Your account may not see this pool\'s funding: it is for the pool\'s administrators and the commissioners of its ICB.')));
  }
  const last = dateText(addDays(f.to, -1));
  const cards = h('ul', { class: 'nhsuk-grid-row nhsuk-card-group fp-figures', id: 'funding-figures' },
    figureCard('allocated', 'Allocated', signedPounds(f.allocated_pence), 'The year\'s allocations, corrections included'),
    figureCard('spent', 'Spent', signedPounds(f.spent_pence), 'The year\'s spend entries, corrections included'),
    figureCard('remaining', 'Remaining', signedPounds(f.remaining_pence),
      f.remaining_pence < 0 ? 'Allocated less spent: more has been spent than allocated' : 'Allocated less spent'),
    figureCard('forecast', `Forecast spend to ${last}`, signedPounds(f.forecast_spend_pence), forecastWords(f, today)));
  const form = f.may_record ? recordForm({
    pool, summary, today,
    done: (entry) => {
      const [head, text] = recordedWords(entry);
      flash(head, text);
      navigate(here(financialYearOf(entry.on)), { replace: true });
    },
  }) : null;
  const readOnly = f.may_record ? null
    : h('div', { id: 'funding-read-only' }, insetText(p('The commissioners of the pool\'s ICB record its allocations and spend. You can see them here.')));
  page(`${title}: ${f.financial_year}`, summary, heading, intro, readOnly, choice, years,
    h('h2', { class: 'nhsuk-heading-l', id: 'funding-year' }, `${f.financial_year}`,
      h('span', { class: 'nhsuk-caption-m' }, `${dateText(f.from)} to ${last}`)),
    cards,
    (f.entries || []).length ? entriesTable(f) : h('p', { class: 'nhsuk-body', id: 'funding-empty' }, `No allocation or spend is recorded for ${f.financial_year} yet.`),
    p(link(withQuery('/return', poolPart), 'See the NHS England pool return', { id: 'funding-return-link' })),
    form);
}, READERS);

// The NHS England pool return -----------------------------------------------------------------

const HOURS = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
export const hoursText = (x) => `${HOURS.format(x || 0)} ${x === 1 ? 'hour' : 'hours'}`;

// The figures in the order NHS England asks for them: [key, label, value, note].
function returnRows(r) {
  const month = monthName(r.month);
  const end = `the end of ${month}`;
  return [
    ['opened_on', 'Date the pool first became available', dateText(r.opened_on),
      r.opened_on_recorded ? null : 'Not recorded: this is the day the pool was set up in flexpool. The pool\'s administrators can record the day it first became available for GPs and practices to register.'],
    ['gps_registered', 'GPs registered', number(r.gps_registered), `GP members of the pool at ${end}`],
    ['gps_onboarded', 'GPs who completed onboarding', number(r.gps_onboarded), 'With an active account and a complete passport on the last day'],
    ['practices_registered', 'Practices registered', number(r.practices_registered), `Member practices at ${end}`],
    ['practices_onboarded', 'Practices that completed onboarding', number(r.practices_onboarded), 'With a complete profile and an active practice manager on the last day'],
    ['clinical_hours_month', `Hours of clinical work in ${month}`, hoursText(r.clinical_hours_month), 'Sessions that ended: the approved timesheet, otherwise the hours booked'],
    ['clinical_hours_year_to_date', `Hours of clinical work in ${r.financial_year} to ${end}`, hoursText(r.clinical_hours_year_to_date), null],
    ['funding_pence', `Funding for ${r.financial_year}`, signedPounds(r.funding_pence), 'The year\'s allocations'],
    ['spend_month_pence', `Spend in ${month}`, signedPounds(r.spend_month_pence), 'The programme\'s own running costs, not locum fees'],
    ['spend_year_to_date_pence', `Spend in ${r.financial_year} to ${end}`, signedPounds(r.spend_year_to_date_pence), null],
    ['funding_remaining_pence', 'Funding remaining', signedPounds(r.funding_remaining_pence), `The funding for ${r.financial_year} less its spend to ${end}`],
  ];
}

// The pool's administrators record the day the pool opened (PATCH /pools/{id} `opened_on`).
function openedOnForm({ pool, r, summary, today, done }) {
  const form = h('form', { novalidate: true, id: 'opened-on-form' },
    dateInput({ id: 'opened_on', legend: 'The day the pool first became available for GPs and practices to register',
      hint: `Today or earlier. For example, ${dateInputParts(r.opened_on).day} ${dateInputParts(r.opened_on).month} ${dateInputParts(r.opened_on).year}`,
      value: r.opened_on_recorded ? dateInputParts(r.opened_on) : {} }),
    button('Save the date', { id: 'save-opened-on' }, 'secondary'));
  const validate = liveValidation(form, summary, {
    opened_on: (v) => {
      const problem = dateInputProblem(v, 'opened_on', 'the day the pool first became available', { required: true });
      if (problem) return problem;
      return dateInputValue(v, 'opened_on') > today ? 'The day the pool first became available must be today or earlier' : null;
    },
  }, { focusIdOf: () => 'opened_on-day' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const day = dateInputValue(formValues(form), 'opened_on');
    await busy(form, async () => {
      try {
        done(await patch(`/pools/${pool.id}`, { opened_on: day }));
      } catch (err) {
        if (err instanceof ApiError && err.field === 'opened_on') err.message = 'The day the pool first became available must be a real date, today or earlier';
        const text = explain(err);
        if (err instanceof ApiError && err.field === 'opened_on') setFieldError(form, 'opened_on', text);
        showErrorSummary(summary, [{ id: err.field === 'opened_on' ? 'opened_on-day' : null, text }]);
      }
    });
  });
  const heading = r.opened_on_recorded ? 'Change the day the pool first became available' : 'Record the day the pool first became available';
  return h('details', { class: 'nhsuk-details nhsuk-u-display-none-print', id: 'opened-on-details', open: !r.opened_on_recorded },
    h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text' }, heading)),
    h('div', { class: 'nhsuk-details__text' }, form));
}

route('/return', async ({ query }) => {
  const title = 'NHS England pool return';
  const pools = await readablePools();
  if (!pools.length) return noPool(title);
  const { pool, poolPart } = choosePool(pools, query);
  const today = ukToday();
  const thisMonth = today.slice(0, 7);
  const lastMonth = monthShift(thisMonth, -1);
  const asked = query.get('month') || '';
  const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) && asked >= '2000-01' && asked <= thisMonth ? asked : lastMonth;
  const here = (m, extra = {}) => withQuery('/return', { ...poolPart, ...extra, month: m });
  const summary = h('div');
  const heading = pageHeading(title, pool.name);

  // The month: a month and a year.
  const form = h('form', { novalidate: true, id: 'return-month-form', class: 'nhsuk-u-display-none-print' },
    pools.length > 1 ? select({ id: 'return-pool', label: 'Pool', value: pool.id, options: pools.map((x) => ({ value: x.id, text: x.name })) }) : null,
    h('fieldset', { class: 'nhsuk-fieldset' },
      h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'The month of the return'),
      h('div', { class: 'fp-month-fields' },
        select({ id: 'return-month', label: 'Month', value: String(+month.slice(5, 7)),
          options: Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), text: monthTitle(2000, i + 1).replace(/ 2000$/, '') })) }),
        input({ id: 'return-year', label: 'Year', width: 4, inputmode: 'numeric', value: month.slice(0, 4), autocomplete: 'off' }),
        button('Show the return', { id: 'show-return' }, 'secondary'))));
  const validate = liveValidation(form, summary, {
    'return-year': (v) => {
      if (!v['return-year']) return 'Enter the year of the return';
      if (!/^\d{4}$/.test(v['return-year'])) return 'Enter the year as 4 numbers, like 2026';
      const m = monthOf(+v['return-year'], +v['return-month']);
      if (m < '2000-01') return 'The month of the return must be January 2000 or later';
      if (m > thisMonth) return `The month of the return must be ${monthName(thisMonth)} or earlier: there are no figures for a month to come`;
      return null;
    },
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    navigate(withQuery('/return', { pool: v['return-pool'] || poolPart.pool, month: monthOf(+v['return-year'], +v['return-month']) }));
  });
  const months = pager('Months', 'return-month',
    month > '2000-01' ? { href: here(monthShift(month, -1)), text: monthName(monthShift(month, -1)) } : null,
    month < thisMonth ? { href: here(monthShift(month, 1)), text: monthName(monthShift(month, 1)) } : null);

  let r;
  try {
    r = await get(`/pools/${pool.id}/return?month=${month}`);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 403) throw err;
    return page(title, summary, heading, form, insetText(p('Your account may not see this pool\'s return: it is for the pool\'s administrators and the commissioners of its ICB.')));
  }
  const rows = returnRows(r);
  const csv = `/api/v1/pools/${pool.id}/return.csv?month=${month}`;
  const mayRecordOpening = rolesOf('pool_admin').some((x) => x.pool_id === pool.id);
  page(`${title}: ${monthName(month)}`, summary, heading,
    h('p', { class: 'nhsuk-body nhsuk-u-display-none-print' }, 'The figures NHS England asks each system for every month to evaluate its flexible staff pool. ',
      'They are exact: nothing is held back for small numbers. The spend is the programme\'s, recorded on ',
      link(withQuery('/funding', poolPart), 'the pool\'s funding page', { id: 'return-funding-link' }), '.'),
    form, months,
    h('section', { class: 'fp-print-return', id: 'pool-return', 'aria-labelledby': 'pool-return-heading' },
      h('h2', { class: 'nhsuk-heading-m', id: 'pool-return-heading' }, `The return for ${monthName(month)}`,
        h('span', { class: 'nhsuk-caption-m' }, `${r.pool_name}, financial year ${r.financial_year}`)),
      summaryList(rows.map(([key, label, value, note]) => [label, [
        h('span', { class: 'fp-return__value', id: `return-${key}` }, value),
        note ? h('span', { class: 'nhsuk-body-s fp-note fp-return__note', id: `return-${key}-note` }, note) : null,
      ]]), 'fp-return'),
      h('p', { class: 'nhsuk-body-s fp-note' }, 'GPs and practices are counted at the end of the month, in the pool\'s membership. Hours are those delivered through the pool. Dates are UK dates.')),
    h('div', { class: 'nhsuk-u-display-none-print fp-return__actions' },
      p(link(csv, `Download the return for ${monthName(month)} as CSV`, { download: '', 'data-reload': '', id: 'return-csv' })),
      button('Print this return', { type: 'button', id: 'print-return', onclick: () => window.print() }, 'secondary')),
    mayRecordOpening ? openedOnForm({
      pool, r, summary, today,
      done: (saved) => {
        flash('The day the pool opened has been saved', `${saved.name} first became available on ${dateText(saved.opened_on)}.`);
        navigate(here(month), { replace: true });
      },
    }) : null);
}, READERS);
