// The commissioner's overview (also open to pool administrators, practice managers and system
// administrators, each over their own scope): the figures of GET /api/v1/metrics for a chosen
// period, in total, with simple bar charts by place and PCN, and the same figures as tables.
// The charts are drawn here (SVG bars beside text); every value is also written as text.

import { get, qs } from '../api.js';
import { hasRole, navigate, page, route } from '../app.js';
import { dateInputParts, dateInputProblem, dateInputValue, formValues, liveValidation } from '../forms.js';
import { addDays, longDateOf, number, pounds, ROLE_NAMES, ukToday } from '../format.js';
import { button, dateInput, h, link, p, pageHeading, svg, table } from '../ui.js';

const hours = (x) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(x || 0);
const pct = (x) => `${(x || 0).toFixed(1)}%`; // the API's fill_rate_percent, already to one decimal place
const byArea = (x) => (x === null || x === undefined ? 'Not by area' : number(x));

// docs/METRICS.md defines each figure; the hints say it in a line.
// Grouped as the page shows them: each group is a row of cards and, by area, a table of its own
// (one table of every figure would be wider than a page).
const GROUPS = [
  ['shifts', 'Shifts', [
    ['shifts_posted', 'Shifts posted', number],
    ['shifts_filled', 'Shifts filled', number],
    ['fill_rate_percent', 'Fill rate', pct],
    ['unfilled', 'Unfilled shifts', number],
    ['late_cancellations', 'Late cancellations', number],
    ['did_not_attend', 'Did not attend', number],
  ]],
  ['hours', 'Hours and fees', [
    ['hours_delivered', 'Hours delivered', hours],
    ['hours_booked_ahead', 'Hours booked ahead', hours],
    ['fees_agreed_pence', 'Fees agreed', pounds],
    ['fees_approved_pence', 'Fees approved', pounds],
    ['fees_paid_pence', 'Fees paid', pounds],
  ]],
  ['members', 'Members', [
    ['clinicians_registered', 'Clinicians registered', byArea],
    ['clinicians_onboarded', 'Clinicians onboarded', byArea],
    ['practices_registered', 'Practices registered', number],
    ['practices_onboarded', 'Practices onboarded', number],
  ]],
];
const PER_PERSON = new Set(['clinicians_registered', 'clinicians_onboarded']);

const HINTS = {
  shifts_posted: 'Shifts starting in the period, not counting withdrawn ones',
  shifts_filled: 'Of those, shifts with a confirmed booking the clinician attended',
  fill_rate_percent: 'Shifts filled as a share of shifts posted',
  unfilled: 'Open shifts, and shifts that started with nobody booked',
  hours_delivered: 'Sessions that have ended: the approved timesheet, otherwise the hours booked',
  hours_booked_ahead: 'Sessions booked that have not ended yet',
  fees_agreed_pence: 'Fees agreed at booking, for the sessions filled',
  fees_approved_pence: 'Fees of the approved timesheets',
  fees_paid_pence: 'Fees on invoices the practice has paid',
  clinicians_registered: 'Members of the pool',
  clinicians_onboarded: 'Members with an active account and a complete passport on the last day',
  practices_registered: 'Practices that are members of the pool',
  practices_onboarded: 'Of those, with a complete profile and an active practice manager',
  late_cancellations: 'Bookings cancelled within 48 hours of the start',
  did_not_attend: 'Booked clinicians who did not come (not in filled, hours or fees)',
};

const professionName = (code) => ROLE_NAMES[code] || code;

// A bar chart: rows [{label, value, text}], value in 0..max. Bars are decoration: the value is
// written beside each one.
function barChart({ id, title, description, rows, max }) {
  const top = max || Math.max(1, ...rows.map((r) => r.value));
  return h('figure', { class: 'fp-chart', id },
    h('figcaption', { class: 'nhsuk-heading-s' }, title, h('span', { class: 'nhsuk-caption-m fp-chart__desc' }, description)),
    h('ul', { class: 'fp-chart__rows' }, rows.map((r) => h('li', { class: 'fp-chart__row' },
      h('span', { class: 'fp-chart__label' }, r.label),
      svg('svg', { class: 'fp-chart__bar', 'aria-hidden': 'true', focusable: 'false', width: '100%', height: '24' },
        svg('rect', { class: 'fp-chart__track', x: '0', y: '0', width: '100%', height: '24' }),
        svg('rect', { class: 'fp-chart__fill', x: '0', y: '0', width: `${Math.max(0, Math.min(100, (r.value / top) * 100)).toFixed(1)}%`, height: '24' })),
      h('span', { class: 'fp-chart__value' }, r.text)))));
}

// The figures of each area, a table per group (clinicians are counted by pool, not by area).
function figuresTables(caption, rows, id) {
  return GROUPS.map(([group, title, figures]) => {
    const shown = figures.filter(([k]) => !PER_PERSON.has(k));
    return table({
      caption: `${caption}: ${title.toLowerCase()}`, id: `${id}-${group}`, captionSize: 's',
      head: ['Area', ...shown.map(([, label]) => ({ text: label, numeric: true }))],
      rows: rows.map((r) => [{ text: r.name, header: true }, ...shown.map(([k, , f]) => ({ text: f(r[k]), numeric: true }))]),
    });
  });
}

route('/overview', async ({ query }) => {
  const today = ukToday();
  const from = /^\d{4}-\d{2}-\d{2}$/.test(query.get('from') || '') ? query.get('from') : addDays(today, -28);
  const last = /^\d{4}-\d{2}-\d{2}$/.test(query.get('to') || '') ? query.get('to') : addDays(today, 27);
  const m = await get(`/metrics${qs({ from, to: addDays(last, 1) })}`);
  const t = m.totals;
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'period-form', class: 'fp-period' },
    h('h2', { class: 'nhsuk-heading-s' }, 'Period: shifts starting between'),
    h('div', { class: 'fp-period__fields' },
      dateInput({ id: 'from', legend: 'First day', hint: 'For example, 1 4 2026', value: dateInputParts(from) }),
      dateInput({ id: 'to', legend: 'Last day', hint: 'For example, 31 3 2027', value: dateInputParts(last) }),
      button('Show figures', { id: 'show-figures' }, 'secondary')));
  const validate = liveValidation(form, summary, {
    from: (v) => dateInputProblem(v, 'from', 'the first day', { required: true }),
    to: (v) => {
      const problem = dateInputProblem(v, 'to', 'the last day', { required: true });
      if (problem) return problem;
      const a = dateInputValue(v, 'from'), b = dateInputValue(v, 'to');
      return a && b < a ? 'The last day must be on or after the first day' : null;
    },
  }, { focusIdOf: (id) => `${id}-day` });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    navigate(`/overview${qs({ from: dateInputValue(v, 'from'), to: dateInputValue(v, 'to') })}`);
  });
  const cards = GROUPS.flatMap(([group, title, figures]) => [
    h('h3', { class: 'nhsuk-heading-s' }, title),
    h('ul', { class: 'nhsuk-grid-row nhsuk-card-group fp-figures', id: `figures-${group}` },
      figures.map(([k, label, f]) => h('li', { class: 'nhsuk-grid-column-one-third nhsuk-card-group__item' },
        h('div', { class: 'nhsuk-card fp-figure', 'data-figure': k },
          h('div', { class: 'nhsuk-card__content' },
            h('h4', { class: 'nhsuk-card__heading nhsuk-heading-s fp-figure__label' }, label),
            h('p', { class: 'fp-figure__value', id: `figure-${k}` }, f(t[k])),
            h('p', { class: 'nhsuk-body-s fp-figure__hint' }, HINTS[k]))))))]);
  const places = m.by_place || [], pcns = m.by_pcn || [];
  const charts = [];
  if (places.length) {
    charts.push(barChart({ id: 'chart-fill-place', title: 'Fill rate by place', description: 'Shifts filled as a share of shifts posted', max: 100,
      rows: places.map((r) => ({ label: r.name, value: r.fill_rate_percent, text: `${pct(r.fill_rate_percent)} (${number(r.shifts_filled)} of ${number(r.shifts_posted)})` })) }));
    charts.push(barChart({ id: 'chart-spend-place', title: 'Fees agreed by place', description: 'Fees agreed at booking, for the sessions filled',
      rows: places.map((r) => ({ label: r.name, value: r.fees_agreed_pence, text: pounds(r.fees_agreed_pence) })) }));
  }
  if (pcns.length) {
    charts.push(barChart({ id: 'chart-fill-pcn', title: 'Fill rate by primary care network', description: 'Shifts filled as a share of shifts posted', max: 100,
      rows: pcns.map((r) => ({ label: r.name, value: r.fill_rate_percent, text: `${pct(r.fill_rate_percent)} (${number(r.shifts_filled)} of ${number(r.shifts_posted)})` })) }));
    charts.push(barChart({ id: 'chart-unfilled-pcn', title: 'Unfilled shifts by primary care network', description: 'Open, or started with nobody booked',
      rows: pcns.map((r) => ({ label: r.name, value: r.unfilled, text: number(r.unfilled) })) }));
  }
  // The pool's programme funding and NHS England's monthly return (funding.js), for those who read them.
  const reporting = hasRole('commissioner') || hasRole('pool_admin')
    ? h('p', { class: 'nhsuk-body', id: 'overview-reporting' }, 'See also ', link('/funding', 'the pool\'s funding and spend', { id: 'overview-funding-link' }),
      ' and ', link('/return', 'the NHS England pool return', { id: 'overview-return-link' }), ' for a month.')
    : null;
  page('Overview', summary, pageHeading('Overview', `${longDateOf(m.from)} to ${longDateOf(addDays(m.to, -1))}`),
    reporting, form,
    h('h2', { class: 'nhsuk-heading-m' }, 'In total'), ...cards,
    (m.clinicians_by_profession || []).length ? table({
      caption: 'Clinicians by profession', id: 'table-profession', captionSize: 'm',
      head: ['Profession', { text: 'Registered', numeric: true }, { text: 'Onboarded', numeric: true }],
      rows: m.clinicians_by_profession.map((r) => [{ text: professionName(r.profession), header: true },
        { text: number(r.registered), numeric: true }, { text: number(r.onboarded), numeric: true }]),
    }) : null,
    charts.length ? [h('h2', { class: 'nhsuk-heading-m' }, 'Charts'), p('The same figures are in the tables below.'), h('div', { class: 'fp-charts' }, charts)] : null,
    places.length ? [h('h2', { class: 'nhsuk-heading-m' }, 'By place'), ...figuresTables('By place', places, 'table-place')] : null,
    pcns.length ? [h('h2', { class: 'nhsuk-heading-m' }, 'By primary care network (PCN)'), ...figuresTables('By PCN', pcns, 'table-pcn')] : null,
    !places.length && !pcns.length ? p('There are no practices in your area yet.') : null);
}, { roles: ['commissioner', 'sysadmin', 'pool_admin', 'practice_manager'] });
