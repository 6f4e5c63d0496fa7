// The pool administrator's drill-down to the clinician (issue 14; docs/METRICS.md, "By clinician"):
// the overview's figures for a period, a row for each clinician, from GET /api/v1/metrics/clinicians.
// overview.js imports this module (so its route is loaded with the overview's) and links here, for
// pool administrators, with the period it shows.
//
//   /overview/clinicians?period=week|month|quarter|year&from=YYYY-MM-DD&to=YYYY-MM-DD
//        the overview's own period parameters (`to` the last day, inclusive; custom dates carry no
//        `period`; without dates, the overview's default), so that the page and the overview link to
//        each other for the same days
//   &q=TEXT&profession=CODE    only the clinicians whose name holds TEXT, or of one profession:
//        filtered here (the answer is the whole pool, a row each), the totals of the rows shown
// The rows add up to the overview's totals for the same period; the page sums the rows it shows and
// works out nothing else. The same rows download as CSV and XLSX (GET /api/v1/metrics/clinicians.csv,
// .xlsx: every clinician of the period, whatever the filters). System administrators may open it too (the API answers them for every
// pool), but only pool administrators are linked to it.

import { ApiError, explain, get, qs } from '../api.js';
import { hasRole, page, route } from '../app.js';
import { addDays, longDateOf, number, pounds, roleName } from '../format.js';
import { filterForm } from '../paging.js';
import { daysBetween, MAX_DAYS, periodFrom, periodName } from '../periods.js';
import { backLink, h, insetText, link, p, pageHeading, showErrorSummary, table } from '../ui.js';

const hoursText = (x) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(x || 0);

// The period an address asks for follows the overview's (web/js/periods.js), so that the same
// address means the same days on both pages.

const periodParams = (kind, from, last) => ({ period: kind === 'custom' ? '' : kind, from, to: last });

// This page's address for a period of the overview (its kind, first and last day).
export const clinicianFiguresHref = (kind, from, last) => `/overview/clinicians${qs(periodParams(kind, from, last))}`;

// The figures -----------------------------------------------------------------------------------------

// Each table's figures: [API field, column heading, format]. Three tables, as the overview's, since
// one of every figure would be wider than a page.
const SESSION_FIGURES = [
  ['shifts_filled', 'Sessions filled', number],
  ['did_not_attend', 'Did not attend', number],
];
const CANCELLATION_FIGURES = [
  ['late_cancellations', 'Late cancellations', number],
  ['cancelled_by_clinician', 'Cancelled by the clinician', number],
  ['cancelled_by_practice', 'Cancelled by the practice', number],
  ['cancelled_by_pool', 'Cancelled by the pool', number],
];
const MONEY_FIGURES = [
  ['hours_delivered', 'Hours delivered', hoursText],
  ['hours_booked_ahead', 'Hours booked ahead', hoursText],
  ['fees_agreed_pence', 'Fees agreed', pounds],
  ['fees_approved_pence', 'Fees approved', pounds],
  ['fees_paid_pence', 'Fees paid', pounds],
];

// What each figure counts (docs/METRICS.md), said on the page before anyone has to ask.
const DEFINITIONS = [
  ['Sessions filled', 'the clinician\'s confirmed bookings of sessions at your pool\'s practices that started in the period, not counting those the practice recorded they did not attend'],
  ['Did not attend', 'booked sessions the practice recorded the clinician did not come to. They are in none of the sessions filled, hours or fees'],
  ['Late cancellations', 'the clinician\'s bookings cancelled by either side within 48 hours of the session\'s start'],
  ['Cancelled by the clinician, by the practice, by the pool', 'all the clinician\'s bookings of sessions in the period that were cancelled, late or not, by who cancelled them. Late cancellations are counted among them too'],
  ['Hours delivered', 'sessions filled that have ended: the hours of the approved timesheet, otherwise the hours booked (a timesheet saying the session was not worked counts none)'],
  ['Hours booked ahead', 'sessions filled that have not ended yet, as booked. A session under way is ahead until it ends'],
  ['Fees agreed', 'the fee agreed at booking for each session filled'],
  ['Fees approved', 'the fee of each session\'s approved timesheet'],
  ['Fees paid', 'the fees on invoices the practice has recorded as paid. Mileage and expenses are not fees'],
  ['Onboarded', 'a member with an active account and a complete passport on the last day of the period, as the overview counts them. A clinician who is not a member is never counted as onboarded'],
];

// The sums of the rows: counts and pence exactly, hours in hundredths (the API gives two decimal
// places), so that adding many never drifts.
function totalsOf(rows) {
  const t = {};
  for (const [k] of [...SESSION_FIGURES, ...CANCELLATION_FIGURES, ...MONEY_FIGURES]) {
    t[k] = k.startsWith('hours_')
      ? rows.reduce((a, r) => a + Math.round((r[k] || 0) * 100), 0) / 100
      : rows.reduce((a, r) => a + (r[k] || 0), 0);
  }
  return t;
}

// A table of the clinicians (table() from ui.js: stacked on a phone) with their totals in its footer.
// The footer carries the body's class so that it stacks on a phone as the rows do.
function figuresTable({ id, caption, before, figures, rows, totals, totalLabel }) {
  const head = ['Clinician', ...before.map(([label]) => label), ...figures.map(([, label]) => ({ text: label, numeric: true }))];
  const t = table({
    caption, id, captionSize: 'm', head,
    rows: rows.map((r) => [{ text: r.name, header: true }, ...before.map(([, f]) => f(r)),
      ...figures.map(([k, , f]) => ({ text: f(r[k]), numeric: true }))]),
  });
  const phoneLabel = (text) => h('span', { class: 'nhsuk-table-responsive__heading', 'aria-hidden': 'true' }, `${text} `);
  t.append(h('tfoot', { class: 'nhsuk-table__body', id: `${id}-totals` },
    h('tr', { class: 'nhsuk-table__row' },
      h('th', { class: 'nhsuk-table__header nhsuk-u-font-weight-bold', scope: 'row', colspan: String(1 + before.length) }, totalLabel),
      figures.map(([k, label, f]) => h('td', { class: 'nhsuk-table__cell nhsuk-table__cell--numeric nhsuk-u-font-weight-bold', 'data-figure': k },
        phoneLabel(label), f(totals[k]))))));
  return t;
}

// The page ---------------------------------------------------------------------------------------------

route('/overview/clinicians', async ({ query }) => {
  const title = 'Figures by clinician';
  const { kind, from, last } = periodFrom(query);
  const datesText = `${longDateOf(from)} to ${longDateOf(last)}`;
  const caption = kind === 'custom' ? datesText : `${periodName(kind, from)}: ${datesText}`;
  const overview = `/overview${qs(periodParams(kind, from, last))}`;
  const back = backLink(overview, 'Back to the overview');
  const toOverview = h('p', { class: 'nhsuk-body nhsuk-u-display-none-print', id: 'clinicians-period' },
    'To see another period, choose it on ', link(overview, 'the overview', { id: 'clinicians-overview-link' }),
    ' and follow its link to the figures by clinician.');

  const summary = h('div');
  // Dates the overview's form would refuse are not asked of the server.
  if (last < from || daysBetween(from, last) + 1 > MAX_DAYS) {
    return page(title, back, pageHeading(title, datesText),
      insetText(p('A period has a first day on or before its last day, and is at most 1,830 days (about 5 years) long. Choose the period on ',
        link(overview, 'the overview', { id: 'clinicians-overview-link' }), '.')));
  }
  let answer, professions;
  try {
    [answer, professions] = await Promise.all([
      get(`/metrics/clinicians${qs({ from, to: addDays(last, 1) })}`),
      get('/professions').then((x) => x.items || [], (err) => {
        if (err instanceof ApiError && err.status === 401) throw err;
        return []; // the built-in names then
      }),
    ]);
  } catch (err) {
    if (!(err instanceof ApiError) || ![400, 403].includes(err.status)) throw err;
    page(title, summary, back, pageHeading(title, caption), toOverview);
    showErrorSummary(summary, [{ id: null, text: err.status === 403 ? 'Your account may not see the figures by clinician: they are for pool administrators.' : explain(err) }]);
    return;
  }

  const all = answer.clinicians || [];
  const mine = hasRole('pool_admin');
  const explainer = h('p', { class: 'nhsuk-body', id: 'clinicians-counts' },
    `Each clinician's sessions at ${mine ? 'your pool\'s' : 'the pools\''} practices that started in the period, counted as the overview counts them: `
    + 'hours delivered are those of the approved timesheet, otherwise the hours booked. Every member admitted to the pool before the period ended has a row, '
    + 'and so does anyone from another pool who had a session at its practices in the period. Added up, the rows are the overview\'s totals for the same period.');
  if (!all.length) {
    return page(title, back, pageHeading(title, caption), toOverview, explainer,
      h('p', { class: 'nhsuk-body', id: 'clinicians-empty' }, `No clinicians in ${mine ? 'your pool' : 'any pool'} yet.`));
  }

  // The professions of the rows, named as the pool's lists name them (a pool's own roles by name).
  const named = new Map(professions.map((x) => [x.code, x.custom ? x.name : roleName(x.code)]));
  const professionText = (code) => named.get(code) || roleName(code);
  const options = [{ value: '', text: 'Any profession' },
    ...[...new Set(all.map((r) => r.profession))].map((code) => ({ value: code, text: professionText(code) })).sort((a, b) => a.text.localeCompare(b.text))];
  const filters = filterForm({
    id: 'clinician-filters', here: '/overview/clinicians', query, keep: ['period', 'from', 'to'], title: 'Find a clinician',
    fields: [
      { id: 'q', label: 'Search by name', hint: 'A part of the clinician\'s name', type: 'search' },
      { id: 'profession', label: 'Profession', type: 'select', options },
    ],
  });
  const q = filters.values.q.toLocaleLowerCase('en-GB');
  const rows = all.filter((r) => (!q || r.name.toLocaleLowerCase('en-GB').includes(q)) && (!filters.values.profession || r.profession === filters.values.profession));
  const members = all.filter((r) => r.member).length;
  const count = h('p', { class: 'nhsuk-body', id: 'clinicians-shown', role: 'status' }, filters.active.length
    ? `Showing ${number(rows.length)} of ${number(all.length)} clinicians. The totals are those of the clinicians shown.`
    : `${number(all.length)} ${all.length === 1 ? 'clinician' : 'clinicians'}: ${number(members)} ${members === 1 ? 'member' : 'members'} of the pool`
      + `${members < all.length ? ` and ${number(all.length - members)} from other pools` : ''}.`);

  const totals = totalsOf(rows);
  const totalLabel = filters.active.length ? `Total of the ${number(rows.length)} shown` : 'Total';
  const tables = rows.length ? [
    figuresTable({
      id: 'table-clinician-sessions', caption: 'Sessions by clinician', rows, totals, totalLabel, figures: SESSION_FIGURES,
      before: [
        ['Profession', (r) => professionText(r.profession)],
        ['In the pool', (r) => (r.member ? 'Member' : 'Not a member (worked through another pool)')],
        ['Onboarded', (r) => (r.onboarded ? 'Yes' : 'No')],
      ],
    }),
    figuresTable({ id: 'table-clinician-cancellations', caption: 'Cancellations by clinician', rows, totals, totalLabel, figures: CANCELLATION_FIGURES, before: [] }),
    figuresTable({ id: 'table-clinician-hours', caption: 'Hours and fees by clinician', rows, totals, totalLabel, figures: MONEY_FIGURES, before: [] }),
  ] : h('p', { class: 'nhsuk-body', id: 'clinicians-none-match' }, 'No clinician matches these filters.');

  const to = addDays(last, 1);
  const downloads = h('div', { class: 'nhsuk-u-display-none-print', id: 'clinicians-downloads' },
    h('h2', { class: 'nhsuk-heading-m' }, 'Download these figures'),
    p(`Every figure for ${datesText}, with a row for each of the ${number(all.length)} ${all.length === 1 ? 'clinician' : 'clinicians'} of the period`
      + `${filters.active.length ? ', whatever the filters above' : ''}.`),
    h('ul', { class: 'nhsuk-list' },
      h('li', {}, link(`/api/v1/metrics/clinicians.csv${qs({ from, to })}`, 'Download the figures by clinician as CSV', { download: '', 'data-reload': '', id: 'clinicians-csv' })),
      h('li', {}, link(`/api/v1/metrics/clinicians.xlsx${qs({ from, to })}`, 'Download the figures by clinician as a spreadsheet (XLSX)', { download: '', 'data-reload': '', id: 'clinicians-xlsx' }))));

  page(title, back, pageHeading(title, caption), toOverview, explainer,
    filters.element, count, tables, downloads,
    h('h2', { class: 'nhsuk-heading-m', id: 'clinicians-definitions' }, 'What each figure counts'),
    h('ul', { class: 'nhsuk-list nhsuk-list--bullet', id: 'clinicians-definitions-list' },
      DEFINITIONS.map(([term, words]) => h('li', {}, h('strong', {}, term), `: ${words}.`))));
}, { roles: ['pool_admin', 'sysadmin'] });
