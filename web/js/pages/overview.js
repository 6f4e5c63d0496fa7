// The commissioner's overview (also open to pool administrators, practice managers and system
// administrators, each over their own scope): the figures of GET /api/v1/metrics for a chosen
// period, in total, with simple bar charts by place and PCN, and the same figures as tables.
// The charts are drawn here (SVG bars beside text); every value is also written as text.
//
//   /overview?from=YYYY-MM-DD&to=YYYY-MM-DD    custom dates: the first and the last day, inclusive
//        (the API's `to` is the day after the last)
//   &period=week|month|quarter|year             a week (Monday to Sunday), a calendar month, a
//        quarter or a financial year (April to March): the one holding `from` (today without it),
//        with links to the one before and after
//   &area=ID                                    one place, PCN or practice of the answer's rows
//        (by_place, by_pcn, by_practice): its own figures, the areas under it and a breadcrumb
//        back up (ICB > place > PCN > practice), and its own trend (GET /metrics/trend?area=ID)
// A commissioner's whole ICB (no area) is held against the ICB's targets for the period (the
// answer's `targets`, decided by the server; targets.js draws it and has the form that sets them),
// and so is each period of its trend: a line across each bar marks the period's fill rate target
// and its spend target's share, and the trend's table says each target in words (or why there is
// none: a week across two financial years has no fill rate target; a year with none set).
// The same figures download as CSV and XLSX (/api/v1/metrics.csv, .xlsx: every area, a row each).
// A pool administrator's whole pool links to the same period's figures by clinician
// (clinician_figures.js, /overview/clinicians).

import { ApiError, explain, get, qs, wordList } from '../api.js';
import { hasRole, navigate, page, rolesOf, route, state } from '../app.js';
import { dateInputExample, dateInputParts, dateInputProblem, dateInputValue, formValues, liveValidation } from '../forms.js';
import { addDays, longDateOf, monthTitle, number, pounds, ROLE_NAMES, ukToday } from '../format.js';
import { button, dateInput, h, input, link, p, pageHeading, select, showErrorSummary, svg, table } from '../ui.js';
import { clinicianFiguresHref } from './clinician_figures.js';
import {
  dayOf, daysBetween, dayText, KINDS, MAX_DAYS, periodFrom, periodName, periodOf, QUARTERS, quarterOf, yearName, yearOf,
} from '../periods.js';
import { soleIcb, targetsSection } from './targets.js';

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
// Clinicians join pools, not places: below the whole scope they are not counted (null).
const AREA_HINTS = {
  clinicians_registered: 'Clinicians join pools, not areas: counted for all areas only',
  clinicians_onboarded: 'Clinicians join pools, not areas: counted for all areas only',
};

const professionName = (code) => ROLE_NAMES[code] || code;

// Periods ---------------------------------------------------------------------------------------

// The periods themselves are web/js/periods.js.
const MONTHS = Array.from({ length: 12 }, (_, i) => monthTitle(2000, i + 1).replace(/ 2000$/, ''));

// The same, short, for the previous and next links.
function shortPeriodName(kind, first) {
  if (kind === 'quarter') return `Quarter ${quarterOf(first)} of ${yearName(yearOf(first))}`;
  return periodName(kind, first);
}

const PERIOD_CHOICES = [
  ['week', 'A week', 'Monday to Sunday'],
  ['month', 'A month', null],
  ['quarter', 'A quarter', 'Of the financial year: April to June, July to September, October to December or January to March'],
  ['year', 'A financial year', '1 April to 31 March'],
  ['custom', 'Custom dates', 'Any first and last day, up to 1,830 days (about 5 years) apart'],
];

// The radios with each choice's own fields revealed under it (the NHS.UK conditional reveal, shown
// and hidden here: the design system's script would also set aria-expanded, which a radio may not
// have).
function periodRadios(kind, fieldsOf) {
  return h('div', { class: 'nhsuk-form-group', 'data-field': 'period' },
    h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': 'period-hint' },
      h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--m' }, h('h2', { class: 'nhsuk-fieldset__heading' }, 'Period')),
      h('div', { class: 'nhsuk-hint', id: 'period-hint' },
        'The figures count the shifts that start in the period. A period is at most 1,830 days, about 5 years.'),
      h('div', { class: 'nhsuk-radios nhsuk-radios--conditional', onchange: (e) => {
        if (e.target.name !== 'period') return;
        for (const r of e.currentTarget.querySelectorAll('input[name="period"]')) {
          document.getElementById(r.getAttribute('aria-controls')).classList.toggle('nhsuk-radios__conditional--hidden', !r.checked);
        }
      } },
        PERIOD_CHOICES.map(([value, text, hint]) => {
          const id = `period-${value}`;
          return [
            h('div', { class: 'nhsuk-radios__item' },
              h('input', { class: 'nhsuk-radios__input', id, name: 'period', type: 'radio', value, checked: value === kind,
                'aria-controls': `${id}-fields`, 'aria-describedby': hint ? `${id}-item-hint` : null }),
              h('label', { class: 'nhsuk-label nhsuk-radios__label', for: id }, text),
              hint ? h('div', { class: 'nhsuk-hint nhsuk-radios__hint', id: `${id}-item-hint` }, hint) : null),
            h('div', { class: `nhsuk-radios__conditional${value === kind ? '' : ' nhsuk-radios__conditional--hidden'}`, id: `${id}-fields` }, fieldsOf(value)),
          ];
        }))));
}

// The period form: which kind of period and which one. go(kind, first, last) shows it.
function periodForm({ kind, from, last, today, summary, go }) {
  const thisYear = yearOf(today);
  const years = [];
  for (let y = Math.max(thisYear + 1, yearOf(from)); y >= Math.min(2000, yearOf(from)); y--) years.push({ value: String(y), text: yearName(y) });
  const fieldsOf = (value) => {
    if (value === 'week') {
      return dateInput({ id: 'week', legend: 'A day in the week', hint: `For example, ${dateInputExample(today)}`, value: dateInputParts(from) });
    }
    if (value === 'month') {
      return h('div', { class: 'fp-month-fields' },
        select({ id: 'month', label: 'Month', value: String(+from.slice(5, 7)), options: MONTHS.map((text, i) => ({ value: String(i + 1), text })) }),
        input({ id: 'month-year', label: 'Year', width: 4, inputmode: 'numeric', value: from.slice(0, 4), autocomplete: 'off' }));
    }
    if (value === 'quarter') {
      return h('div', { class: 'fp-month-fields' },
        select({ id: 'quarter', label: 'Quarter', value: String(quarterOf(from)), options: QUARTERS.map((text, i) => ({ value: String(i + 1), text: `Quarter ${i + 1}: ${text}` })) }),
        select({ id: 'quarter-year', label: 'Financial year', value: String(yearOf(from)), options: years }));
    }
    if (value === 'year') {
      return h('div', { class: 'fp-month-fields' }, select({ id: 'fy', label: 'Financial year', value: String(yearOf(from)), options: years }));
    }
    return h('div', { class: 'fp-period__fields' },
      dateInput({ id: 'from', legend: 'First day', hint: 'For example, 1 4 2026', value: dateInputParts(from) }),
      dateInput({ id: 'to', legend: 'Last day', hint: 'For example, 31 3 2027', value: dateInputParts(last) }));
  };
  const form = h('form', { novalidate: true, id: 'period-form', class: 'fp-period nhsuk-u-display-none-print' },
    periodRadios(kind, fieldsOf),
    button('Show figures', { id: 'show-figures' }, 'secondary'));
  const only = (choice, rule) => (v) => (v.period === choice ? rule(v) : null);
  const validate = liveValidation(form, summary, {
    week: only('week', (v) => dateInputProblem(v, 'week', 'the day in the week', { required: true })),
    'month-year': only('month', (v) => {
      if (!v['month-year']) return 'Enter the year of the month';
      return /^\d{4}$/.test(v['month-year']) ? null : 'Enter the year as 4 numbers, like 2026';
    }),
    from: only('custom', (v) => dateInputProblem(v, 'from', 'the first day', { required: true })),
    to: only('custom', (v) => {
      const problem = dateInputProblem(v, 'to', 'the last day', { required: true });
      if (problem) return problem;
      const a = dateInputValue(v, 'from'), b = dateInputValue(v, 'to');
      if (!a) return null;
      if (b < a) return 'The last day must be on or after the first day';
      if (daysBetween(a, b) + 1 > MAX_DAYS) {
        return `The period must be at most 1,830 days (about 5 years): from ${dayText(a)}, the last day can be ${dayText(addDays(a, MAX_DAYS - 1))} at the latest`;
      }
      return null;
    }),
  }, { focusIdOf: (id) => (id === 'week' || id === 'from' || id === 'to' ? `${id}-day` : id) });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const k = KINDS.includes(v.period) ? v.period : 'custom';
    if (k === 'custom') { go(k, dateInputValue(v, 'from'), dateInputValue(v, 'to')); return; }
    let day;
    if (k === 'week') day = dateInputValue(v, 'week');
    else if (k === 'month') day = dayOf(+v['month-year'], +v.month, 1);
    else if (k === 'quarter') day = dayOf(+v['quarter-year'] + (+v.quarter === 4 ? 1 : 0), [4, 7, 10, 1][+v.quarter - 1], 1);
    else day = dayOf(+v.fy, 4, 1);
    const [first, lastDay] = periodOf(k, day);
    go(k, first, lastDay);
  });
  return { form, validate };
}

// Previous / next links (the NHS.UK pagination component).
function pager(label, id, prev, next) {
  const item = (dir, it) => h('li', { class: `nhsuk-pagination-item--${dir === 'prev' ? 'previous' : 'next'}` },
    h('a', { class: `nhsuk-pagination__link nhsuk-pagination__link--${dir}`, href: it.href, id: `${id}-${dir === 'prev' ? 'previous' : 'next'}` },
      h('span', { class: 'nhsuk-pagination__title' }, dir === 'prev' ? 'Previous' : 'Next'), h('span', { class: 'nhsuk-u-visually-hidden' }, ':'),
      h('span', { class: 'nhsuk-pagination__page' }, it.text)));
  return h('nav', { class: 'nhsuk-pagination nhsuk-u-display-none-print', role: 'navigation', 'aria-label': label },
    h('ul', { class: 'nhsuk-list nhsuk-pagination__list' }, item('prev', prev), item('next', next)));
}

// Areas -----------------------------------------------------------------------------------------

const LEVEL_WORDS = { place: 'place', pcn: 'primary care network', practice: 'practice' };

// The NHS.UK breadcrumb: the areas above the one shown, each a link, and on a phone a link back to
// the nearest.
function breadcrumb(items) {
  const up = items[items.length - 1];
  return h('nav', { class: 'nhsuk-breadcrumb nhsuk-u-display-none-print', 'aria-label': 'Breadcrumb', id: 'overview-breadcrumb' },
    h('ol', { class: 'nhsuk-breadcrumb__list' }, items.map((it) => h('li', { class: 'nhsuk-breadcrumb__list-item' },
      h('a', { class: 'nhsuk-breadcrumb__link', href: it.href }, it.text)))),
    h('a', { class: 'nhsuk-back-link', href: up.href }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Back to '), up.text));
}

// The area asked for among the answer's rows, with the areas above it (top first).
function findArea(m, id) {
  if (!id) return null;
  const byId = (rows, level) => {
    const r = (rows || []).find((x) => x.organisation_id === id);
    return r ? { ...r, level } : null;
  };
  const area = byId(m.by_place, 'place') || byId(m.by_pcn, 'pcn') || byId(m.by_practice, 'practice');
  if (!area) return null;
  const above = [];
  let parent = area.parent_id;
  if (area.level === 'practice') {
    const pcn = parent && (m.by_pcn || []).find((x) => x.organisation_id === parent);
    if (pcn) { above.unshift({ ...pcn, level: 'pcn' }); parent = pcn.parent_id; }
  }
  if (area.level !== 'place') {
    const place = parent && (m.by_place || []).find((x) => x.organisation_id === parent);
    if (place) above.unshift({ ...place, level: 'place' });
  }
  return { area, above };
}

// Charts and tables -----------------------------------------------------------------------------

// A target's mark across a bar, at x per cent of its width: a dark line edged in white, so that it
// shows on the track and on the fill alike (decoration too: the target is written in the row).
function targetMark(x) {
  const at = `${Math.max(0.5, Math.min(99.5, x)).toFixed(1)}%`;
  return [svg('line', { class: 'fp-chart__target-edge', x1: at, x2: at, y1: '0', y2: '24' }),
    svg('line', { class: 'fp-chart__target-line', x1: at, x2: at, y1: '0', y2: '24' })];
}

// A chart's key to the target's mark, in words beside a sample of it.
function targetLegend(words) {
  return h('p', { class: 'nhsuk-body-s fp-chart__legend' },
    svg('svg', { class: 'fp-chart__key', 'aria-hidden': 'true', focusable: 'false', width: '24', height: '24' },
      svg('rect', { class: 'fp-chart__track', x: '0', y: '0', width: '24', height: '24' }), targetMark(50)), words);
}

// A row's target in words, under its bar (only in a chart that has targets).
const targetText = (r) => (r.target ? h('span', { class: 'fp-chart__target' }, r.target.text) : null);

// A bar chart: rows [{label, value, text, target}], value in 0..max; target (optional): {value
// (null: no mark), text}. Bars and marks are decoration: the value and the target are written
// beside each one.
function barChart({ id, title, description, rows, max, legend }) {
  const top = max || Math.max(1, ...rows.map((r) => Math.max(r.value, r.target && r.target.value !== null ? r.target.value : 0)));
  const pctOf = (v) => Math.max(0, Math.min(100, (v / top) * 100));
  return h('figure', { class: `fp-chart${legend ? ' fp-chart--targets' : ''}`, id },
    h('figcaption', { class: 'nhsuk-heading-s' }, title, h('span', { class: 'nhsuk-caption-m fp-chart__desc' }, description)),
    legend ? targetLegend(legend) : null,
    h('ul', { class: 'fp-chart__rows' }, rows.map((r) => h('li', { class: 'fp-chart__row' },
      h('span', { class: 'fp-chart__label' }, r.label),
      svg('svg', { class: 'fp-chart__bar', 'aria-hidden': 'true', focusable: 'false', width: '100%', height: '24' },
        svg('rect', { class: 'fp-chart__track', x: '0', y: '0', width: '100%', height: '24' }),
        svg('rect', { class: 'fp-chart__fill', x: '0', y: '0', width: `${pctOf(r.value).toFixed(1)}%`, height: '24' }),
        r.target && r.target.value !== null ? targetMark(pctOf(r.target.value)) : null),
      h('span', { class: 'fp-chart__value' }, r.text),
      targetText(r)))));
}

const fillRows = (rows) => rows.map((r) => ({ label: r.name, value: r.fill_rate_percent, text: `${pct(r.fill_rate_percent)} (${number(r.shifts_filled)} of ${number(r.shifts_posted)})` }));
const fillChart = (id, title, rows) => barChart({ id, title, description: 'Shifts filled as a share of shifts posted', max: 100, rows: fillRows(rows) });
const feesChart = (id, title, rows) => barChart({ id, title, description: 'Fees agreed at booking, for the sessions filled',
  rows: rows.map((r) => ({ label: r.name, value: r.fees_agreed_pence, text: pounds(r.fees_agreed_pence) })) });
const unfilledChart = (id, title, rows) => barChart({ id, title, description: 'Open, or started with nobody booked',
  rows: rows.map((r) => ({ label: r.name, value: r.unfilled, text: number(r.unfilled) })) });

// The figures of each area, a table per group (clinicians are counted by pool, not by area). An
// area's name links to its own view when hrefOf gives one.
function figuresTables(caption, rows, id, hrefOf = () => null, what = 'Area') {
  return GROUPS.map(([group, title, figures]) => {
    const shown = figures.filter(([k]) => !PER_PERSON.has(k));
    return table({
      caption: `${caption}: ${title.toLowerCase()}`, id: `${id}-${group}`, captionSize: 's',
      head: [what, ...shown.map(([, label]) => ({ text: label, numeric: true }))],
      rows: rows.map((r) => {
        const href = hrefOf(r);
        return [{ text: href ? link(href, r.name) : r.name, header: true }, ...shown.map(([k, , f]) => ({ text: f(r[k]), numeric: true }))];
      }),
    });
  });
}

function figureCards(t, inArea) {
  return GROUPS.flatMap(([group, title, figures]) => [
    h('h3', { class: 'nhsuk-heading-s' }, title),
    h('ul', { class: 'nhsuk-grid-row nhsuk-card-group fp-figures', id: `figures-${group}` },
      figures.map(([k, label, f]) => h('li', { class: 'nhsuk-grid-column-one-third nhsuk-card-group__item' },
        h('div', { class: 'nhsuk-card fp-figure', 'data-figure': k },
          h('div', { class: 'nhsuk-card__content' },
            h('h4', { class: 'nhsuk-card__heading nhsuk-heading-s fp-figure__label' }, label),
            h('p', { class: 'fp-figure__value', id: `figure-${k}` }, f(t[k])),
            h('p', { class: 'nhsuk-body-s fp-figure__hint' }, (inArea && AREA_HINTS[k]) || HINTS[k]))))))]);
}

// What the reader's whole scope is called: a commissioner's ICB by its name, else "All areas".
async function scopeName() {
  const roles = state.me ? state.me.roles : [];
  const icbs = rolesOf('commissioner');
  if (roles.length !== 1 || icbs.length !== 1 || !icbs[0].organisation_id) return 'All areas';
  try {
    return (await get(`/organisations/${icbs[0].organisation_id}`)).name || 'All areas';
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) throw err;
    return 'All areas';
  }
}

// The trend (GET /api/v1/metrics/trend) -----------------------------------------------------------

const MAX_PERIODS = 60; // the API's most weeks or months in a trend

// How many weeks (Monday to Sunday) or calendar months the days first..last touch.
function periodCount(by, first, last) {
  if (by === 'week') return daysBetween(periodOf('week', first)[0], periodOf('week', last)[0]) / 7 + 1;
  return (+last.slice(0, 4) - +first.slice(0, 4)) * 12 + (+last.slice(5, 7) - +first.slice(5, 7)) + 1;
}

// Days a to b in words, as short as is clear: "2 to 8 November 2026", "28 October to 3 November
// 2026", "29 December 2026 to 4 January 2027"; a whole month is its name.
function rangeText(a, b) {
  if (a === b) return dayText(a);
  if (a.slice(8) === '01' && periodOf('month', a)[1] === b) return monthTitle(+a.slice(0, 4), +a.slice(5, 7));
  const [, monthA, yearA] = dayText(a).split(' ');
  const [, monthB, yearB] = dayText(b).split(' ');
  if (yearA !== yearB) return `${dayText(a)} to ${dayText(b)}`;
  if (monthA !== monthB) return `${dayText(a).replace(` ${yearA}`, '')} to ${dayText(b)}`;
  return `${+a.slice(8)} to ${dayText(b)}`;
}

// Shifts posted and, inside each bar, those filled: the posted bar is the track, the filled part
// its fill. A fill rate target (rows' target: {percent (null: no mark), text}) is marked on the
// posted bar where the filled part must reach to meet it. Decoration too: the figures and the
// target are written beside each bar.
function postedFilledChart({ id, title, description, rows, legend }) {
  const top = Math.max(1, ...rows.map((r) => r.posted));
  const pctOf = (x) => Math.max(0, Math.min(100, (x / top) * 100));
  const width = (x) => `${pctOf(x).toFixed(1)}%`;
  return h('figure', { class: `fp-chart fp-chart--wide-values${legend ? ' fp-chart--targets' : ''}`, id },
    h('figcaption', { class: 'nhsuk-heading-s' }, title, h('span', { class: 'nhsuk-caption-m fp-chart__desc' }, description)),
    legend ? targetLegend(legend) : null,
    h('ul', { class: 'fp-chart__rows' }, rows.map((r) => h('li', { class: 'fp-chart__row' },
      h('span', { class: 'fp-chart__label' }, r.label),
      svg('svg', { class: 'fp-chart__bar', 'aria-hidden': 'true', focusable: 'false', width: '100%', height: '24' },
        svg('rect', { class: 'fp-chart__track', x: '0', y: '0', width: width(r.posted), height: '24' }),
        svg('rect', { class: 'fp-chart__fill', x: '0', y: '0', width: width(r.filled), height: '24' }),
        r.target && r.target.percent !== null && r.posted > 0 ? targetMark(pctOf((r.posted * r.target.percent) / 100)) : null),
      h('span', { class: 'fp-chart__value' }, r.text),
      targetText(r)))));
}

// A trend period's targets in words (GET /metrics/trend's `targets`, decided by the server, with why
// one is missing): "85.0% (met)", "85.0% (not met: no shifts posted)", "£1,200.00 (within)", or why
// there is none.
function periodTargetWords(x, unit) {
  const t = x.targets;
  let fill;
  if (t.fill_rate_percent !== null && t.fill_rate_percent !== undefined) {
    fill = `${pct(t.fill_rate_percent)} (${t.fill_rate_met ? 'met' : `not met${x.shifts_posted ? '' : ': no shifts posted'}`})`;
  }
  else if (t.fill_rate_none === 'across_financial_years') fill = `None: the ${unit} spans two financial years`;
  else fill = `None set for ${wordList(t.financial_years)}`;
  let spend;
  if (t.fees_agreed_pence !== null && t.fees_agreed_pence !== undefined) spend = `${pounds(t.fees_agreed_pence)} (${t.fees_agreed_within ? 'within' : 'over'})`;
  else spend = `None set for ${wordList(t.fees_agreed_missing_years)}`;
  return { fill, spend };
}
// The same said under a chart's bar: "Target 85.0% (met)", "No target set for 2026/27".
const chartTargetWords = (w) => (w.startsWith('None') ? w.replace(/^None/, 'No target') : `Target ${w}`);

function trendSection({ trend, trendBy, from, last, here, area }) {
  const unit = trendBy === 'week' ? 'week' : 'month';
  const other = trendBy === 'week' ? 'month' : 'week';
  const heading = h('h2', { class: 'nhsuk-heading-m', id: 'trend' }, `Over time, by ${unit}`);
  const otherFits = periodCount(other, from, last) <= MAX_PERIODS;
  const switcher = otherFits
    ? h('p', { class: 'nhsuk-body nhsuk-u-display-none-print' }, link(`${here({ trendBy: other })}#trend`, `Show the trend by ${other} instead`, { id: `trend-by-${other}` }))
    : null;
  if (!trend || trend.error) {
    return h('section', { 'aria-labelledby': 'trend' }, heading,
      h('p', { class: 'nhsuk-body', id: 'trend-too-long' }, trend
        ? `There is no trend for this period: ${explain(trend.error).replace(/^./, (c) => c.toLowerCase())}`
        : `A trend has at most ${MAX_PERIODS} weeks or months, and this period touches ${number(periodCount(trendBy, from, last))} ${unit}s. Choose a shorter period to see one.`),
      switcher);
  }
  const periods = trend.periods || [];
  const rows = periods.map((x) => ({ ...x, label: rangeText(x.from, addDays(x.to, -1)) }));
  const words = unit === 'week' ? 'Each week, Monday to Sunday' : 'Each calendar month';
  const to = addDays(last, 1);
  // The ICB's targets, period by period: only for a commissioner of one ICB (the server gives null
  // to anyone else), each period's decided by the server.
  const held = rows.length > 0 && rows.every((r) => r.targets);
  const targetWords = held ? rows.map((r) => periodTargetWords(r, unit)) : null;
  let targetsNote = null;
  if (held) {
    targetsNote = h('p', { class: 'nhsuk-body', id: 'trend-targets' },
      `Each ${unit} is held against the ICB's targets: its financial year's fill rate target (a ${unit} across two financial years has none), `
      + `and the spend target's share for its days. A line across each bar marks the target; the table under the charts says each in words, or why there is none.`);
  } else if (area && hasRole('commissioner')) {
    targetsNote = h('p', { class: 'nhsuk-body', id: 'trend-targets' },
      `These periods are not held against targets: the targets are the whole ICB's, not ${area.name}'s.`);
  } else if (hasRole('commissioner')) {
    targetsNote = h('p', { class: 'nhsuk-body', id: 'trend-targets' },
      'These periods are not held against targets: targets belong to an ICB, and the trend holds its periods against them only for an account that is a commissioner of exactly one ICB.');
  }
  const areaParam = area ? area.organisation_id : null;
  const withTarget = (r, i, which, value) => (held ? { ...r, target: { ...value, text: chartTargetWords(targetWords[i][which]) } } : r);
  return h('section', { 'aria-labelledby': 'trend' }, heading,
    p(`${words}${area ? ` in ${area.name}` : ''}, the first and the last cut to the period's own days. The same figures are in the table under the charts.`),
    targetsNote,
    switcher,
    h('div', { class: 'fp-charts' },
      postedFilledChart({ id: 'chart-trend-shifts', title: `Shifts posted and filled by ${unit}`, description: 'Shifts filled of shifts posted, and the fill rate. The whole bar is the shifts posted, its dark part those filled',
        legend: held ? 'The line across a bar marks the fill rate target: where the dark part must reach to meet it.' : null,
        rows: rows.map((r, i) => withTarget({ label: r.label, posted: r.shifts_posted, filled: r.shifts_filled,
          text: `${number(r.shifts_filled)} of ${number(r.shifts_posted)} (${pct(r.fill_rate_percent)})` }, i, 'fill', { percent: r.targets ? r.targets.fill_rate_percent : null })) }),
      barChart({ id: 'chart-trend-fees', title: `Fees agreed by ${unit}`, description: 'Fees agreed at booking, for the sessions filled',
        legend: held ? 'The line across a bar marks the spend target\'s share for the period: fees agreed up to it are within it.' : null,
        rows: rows.map((r, i) => withTarget({ label: r.label, value: r.fees_agreed_pence, text: pounds(r.fees_agreed_pence) }, i, 'spend',
          { value: r.targets ? r.targets.fees_agreed_pence : null })) })),
    table({
      caption: `Shifts and fees by ${unit}`, id: 'table-trend', captionSize: 's',
      head: [unit === 'week' ? 'Week' : 'Month', ...['Shifts posted', 'Shifts filled', 'Fill rate', 'Unfilled shifts', 'Fees agreed'].map((text) => ({ text, numeric: true })),
        ...(held ? ['Fill rate target', 'Spend target'] : [])],
      rows: rows.map((r, i) => [{ text: r.label, header: true }, ...[number(r.shifts_posted), number(r.shifts_filled), pct(r.fill_rate_percent), number(r.unfilled), pounds(r.fees_agreed_pence)]
        .map((text) => ({ text, numeric: true })), ...(held ? [targetWords[i].fill, targetWords[i].spend] : [])]),
    }),
    p(`Each download has every figure for each ${unit}.`),
    h('ul', { class: 'nhsuk-list nhsuk-u-display-none-print', id: 'trend-downloads' },
      h('li', {}, link(`/api/v1/metrics/trend.csv${qs({ from, to, by: trendBy, area: areaParam })}`, `Download the figures by ${unit} as CSV`, { download: '', 'data-reload': '', id: 'trend-csv' })),
      h('li', {}, link(`/api/v1/metrics/trend.xlsx${qs({ from, to, by: trendBy, area: areaParam })}`, `Download the figures by ${unit} as a spreadsheet (XLSX)`, { download: '', 'data-reload': '', id: 'trend-xlsx' }))));
}

// The page --------------------------------------------------------------------------------------

route('/overview', async ({ query }) => {
  const today = ukToday();
  const { kind, from, last } = periodFrom(query);
  const areaId = /^\d{1,15}$/.test(query.get('area') || '') ? Number(query.get('area')) : null;
  // This page's address for another period or area (custom dates carry no `period`).
  const by = ['week', 'month'].includes(query.get('by')) ? query.get('by') : null; // the trend's, when chosen
  const here = ({ k = kind, a = from, b = last, area = areaId, trendBy = by } = {}) => `/overview${qs({ period: k === 'custom' ? '' : k, from: a, to: b, area, by: trendBy })}`;

  const summary = h('div');
  const { form, validate } = periodForm({ kind, from, last, today, summary, go: (k, a, b) => navigate(here({ k, a, b, trendBy: null })) });
  const reporting = hasRole('commissioner') || hasRole('pool_admin')
    ? h('p', { class: 'nhsuk-body', id: 'overview-reporting' }, 'See also ', link('/funding', 'the pool\'s funding and spend', { id: 'overview-funding-link' }),
      ' and ', link('/return', 'the NHS England pool return', { id: 'overview-return-link' }), ' for a month.')
    : null;
  const datesText = `${longDateOf(from)} to ${longDateOf(last)}`;
  const caption = kind === 'custom' ? datesText : `${periodName(kind, from)}: ${datesText}`;
  let periods = null;
  if (kind !== 'custom') {
    const [pa, pb] = periodOf(kind, addDays(from, -1)), [na, nb] = periodOf(kind, addDays(last, 1));
    periods = pager('Periods', 'period', { href: here({ a: pa, b: pb }), text: shortPeriodName(kind, pa) }, { href: here({ a: na, b: nb }), text: shortPeriodName(kind, na) });
  }

  // Custom dates the form would refuse are not asked of the server: the form says what is wrong.
  if (kind === 'custom' && (last < from || daysBetween(from, last) + 1 > MAX_DAYS)) {
    page('Overview', summary, pageHeading('Overview', datesText), reporting, form, p('Choose a period to see its figures.'));
    validate();
    return;
  }
  // The trend of the whole scope, or of the area shown (GET /metrics/trend?area=ID).
  const trendBy = by || (daysBetween(from, last) + 1 <= 92 ? 'week' : 'month');
  const askTrend = periodCount(trendBy, from, last) <= MAX_PERIODS;
  // A commissioner of one ICB: its targets by year, to name the year's spend target beside its share.
  const icb = !areaId ? soleIcb() : null;
  let m, topName, trend, targetYears;
  try {
    [m, topName, trend, targetYears] = await Promise.all([get(`/metrics${qs({ from, to: addDays(last, 1) })}`), scopeName(),
      askTrend ? get(`/metrics/trend${qs({ from, to: addDays(last, 1), by: trendBy, area: areaId })}`).catch((err) => {
        if (err instanceof ApiError && err.status === 400) return { error: err }; // said in the trend's place
        if (err instanceof ApiError && err.status === 404 && areaId) return null; // not an area of yours: said above
        throw err;
      }) : null,
      icb ? get(`/organisations/${icb}/targets`).then((x) => x.years || [], (err) => {
        if (err instanceof ApiError && err.status === 401) throw err;
        return null; // the section says what it can without them
      }) : null]);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    page('Overview', summary, pageHeading('Overview', datesText), reporting, form, p('Choose a period to see its figures.'));
    showErrorSummary(summary, [{ id: null, text: explain(err) }]);
    return;
  }

  const places = m.by_place || [], pcns = m.by_pcn || [], practices = m.by_practice || [];
  const found = findArea(m, areaId);
  const area = found ? found.area : null;
  const hrefOf = (r) => (r.organisation_id ? here({ area: r.organisation_id }) : null);
  const onlyPractice = !area && practices.length === 1 ? practices[0] : null;
  const t = area || m.totals;

  const sections = [];
  const charts = [];
  if (!area && !onlyPractice) {
    if (places.length) {
      charts.push(fillChart('chart-fill-place', 'Fill rate by place', places), feesChart('chart-spend-place', 'Fees agreed by place', places));
    }
    if (pcns.length) {
      charts.push(fillChart('chart-fill-pcn', 'Fill rate by primary care network', pcns), unfilledChart('chart-unfilled-pcn', 'Unfilled shifts by primary care network', pcns));
    }
    if (places.length) sections.push(h('h2', { class: 'nhsuk-heading-m', id: 'by-place' }, 'By place'), p('Choose a place to see its PCNs and practices.'), figuresTables('By place', places, 'table-place', hrefOf, 'Place'));
    if (pcns.length) sections.push(h('h2', { class: 'nhsuk-heading-m', id: 'by-pcn' }, 'By primary care network (PCN)'), p('Choose a PCN to see its practices.'), figuresTables('By PCN', pcns, 'table-pcn', hrefOf, 'PCN'));
    if (!places.length && !pcns.length) sections.push(p('There are no practices in your area yet.'));
  } else if (area && area.level === 'place') {
    const own = pcns.filter((r) => r.parent_id === area.organisation_id && r.organisation_id);
    const ids = new Set([area.organisation_id, ...own.map((r) => r.organisation_id)]);
    const its = practices.filter((r) => ids.has(r.parent_id));
    if (own.length) {
      charts.push(fillChart('chart-fill-pcn', `Fill rate by primary care network in ${area.name}`, own), unfilledChart('chart-unfilled-pcn', `Unfilled shifts by primary care network in ${area.name}`, own));
      sections.push(h('h2', { class: 'nhsuk-heading-m', id: 'by-pcn' }, `Primary care networks (PCNs) in ${area.name}`), p('Choose a PCN to see its practices.'),
        figuresTables(`PCNs in ${area.name}`, own, 'table-pcn', hrefOf, 'PCN'));
    }
    if (its.length) sections.push(h('h2', { class: 'nhsuk-heading-m', id: 'by-practice' }, `Practices in ${area.name}`), figuresTables(`Practices in ${area.name}`, its, 'table-practice', hrefOf, 'Practice'));
    else sections.push(p(`There are no practices in ${area.name} for you to see.`));
  } else if (area && area.level === 'pcn') {
    const its = practices.filter((r) => r.parent_id === area.organisation_id);
    if (its.length) {
      charts.push(fillChart('chart-fill-practice', `Fill rate by practice in ${area.name}`, its), feesChart('chart-spend-practice', `Fees agreed by practice in ${area.name}`, its));
      sections.push(h('h2', { class: 'nhsuk-heading-m', id: 'by-practice' }, `Practices in ${area.name}`), figuresTables(`Practices in ${area.name}`, its, 'table-practice', hrefOf, 'Practice'));
    } else sections.push(p(`There are no practices in ${area.name} for you to see.`));
  }

  // Where the page is: a breadcrumb up to the whole scope, and in words.
  const crumbs = area ? [{ href: here({ area: null }), text: topName }, ...found.above.map((r) => ({ href: hrefOf(r) || here({ area: null }), text: r.name }))] : [];
  const where = [];
  if (areaId && !area) {
    where.push(h('div', { class: 'nhsuk-inset-text', id: 'overview-area-missing' }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Information: '),
      p(`The area asked for is not one of yours, or it has no practices you can see. These are the figures of ${topName === 'All areas' ? 'all your areas' : topName}.`)));
  } else if (area) {
    const within = found.above.length ? found.above[found.above.length - 1].name : topName;
    where.push(h('p', { class: 'nhsuk-body', id: 'overview-area' }, `The figures of ${area.name}${area.ods_code ? ` (${area.ods_code})` : ''}, a ${LEVEL_WORDS[area.level]} in ${within === 'All areas' ? 'your areas' : within}. `,
      'Clinicians join pools, not areas, so they are counted ', link(here({ area: null }), `for ${topName === 'All areas' ? 'all areas' : topName}`), ' only.'));
  } else if (onlyPractice) {
    where.push(h('p', { class: 'nhsuk-body', id: 'overview-area' }, `The figures of ${onlyPractice.name}${onlyPractice.ods_code ? ` (${onlyPractice.ods_code})` : ''}, the only practice you can see, so there are no places or PCNs to compare.`));
  }

  const to = addDays(last, 1);
  const downloads = h('div', { class: 'nhsuk-u-display-none-print', id: 'overview-downloads' },
    h('h2', { class: 'nhsuk-heading-m' }, 'Download these figures'),
    p(`Every figure for ${datesText}, with a row for the total and one for each place, PCN and practice you can see.`),
    h('ul', { class: 'nhsuk-list' },
      h('li', {}, link(`/api/v1/metrics.csv${qs({ from, to })}`, 'Download these figures as CSV', { download: '', 'data-reload': '', id: 'download-csv' })),
      h('li', {}, link(`/api/v1/metrics.xlsx${qs({ from, to })}`, 'Download these figures as a spreadsheet (XLSX)', { download: '', 'data-reload': '', id: 'download-xlsx' }))));

  const trendPart = areaId && !area ? null : trendSection({ trend, trendBy, from, last, here, area });
  const title = area ? `Overview: ${area.name}` : 'Overview';
  const byClinician = !areaId && hasRole('pool_admin')
    ? h('p', { class: 'nhsuk-body nhsuk-u-display-none-print', id: 'overview-clinicians' },
      link(clinicianFiguresHref(kind, from, last), 'Figures by clinician for this period', { id: 'overview-clinicians-link' }))
    : null;
  page(title, summary, crumbs.length ? breadcrumb(crumbs) : null,
    pageHeading(title, caption),
    where, periods, byClinician, reporting, form,
    h('h2', { class: 'nhsuk-heading-m' }, area ? `In ${area.name}` : 'In total'), ...figureCards(t, !!area),
    !area && (hasRole('commissioner') || hasRole('sysadmin')) ? targetsSection({ m, years: targetYears, first: from, last, back: here() }) : null,
    !area && (m.clinicians_by_profession || []).length ? table({
      caption: 'Clinicians by profession', id: 'table-profession', captionSize: 'm',
      head: ['Profession', { text: 'Registered', numeric: true }, { text: 'Onboarded', numeric: true }],
      rows: m.clinicians_by_profession.map((r) => [{ text: professionName(r.profession), header: true },
        { text: number(r.registered), numeric: true }, { text: number(r.onboarded), numeric: true }]),
    }) : null,
    charts.length ? [h('h2', { class: 'nhsuk-heading-m' }, 'Charts'), p('The same figures are in the tables below.'), h('div', { class: 'fp-charts' }, charts)] : null,
    sections.flat(Infinity), downloads, trendPart);
}, { roles: ['commissioner', 'sysadmin', 'pool_admin', 'practice_manager'] });
