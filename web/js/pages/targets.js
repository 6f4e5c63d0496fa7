// The ICB's targets (issue 14; docs/METRICS.md, "Targets"): a fill rate and a spend target for each
// financial year, set by a commissioner of the ICB, and the overview's words for any period held
// against them. overview.js imports this module (so its route is loaded with the overview's) and
// draws targetsSection() beside the ICB's totals.
//
//   /overview/targets?year=YYYY&back=/overview?...   the form: a financial year (last, this or next;
//        `year` chooses, 2026 being 2026/27), its fill rate target in per cent and its spend target
//        in pounds, prefilled from GET /organisations/{icb}/targets; saved with PUT
//        /organisations/{icb}/targets/{year} (both at once: an empty box is no target), then back to
//        the overview it came from (`back`, an /overview address).
//   /overview/targets?icb=ID   a system administrator sets any ICB's targets (the API lets them):
//        without `icb` the page lists the ICBs to choose from, each leading to its form.
// Whether a period meets its targets is the server's decision (GET /api/v1/metrics `targets`): the
// page says what the server says, and never works it out itself.

import { ApiError, get, put, qs, wordList } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { formValues, liveValidation, showApiError, busy } from '../forms.js';
import { number, pounds, ukToday } from '../format.js';
import {
  backLink, button, h, input, insetText, link, p, pageHeading, select, setFieldError, showErrorSummary, summaryList, table, tag,
} from '../ui.js';
import { yearName, yearOf } from '../periods.js';

const pct = (x) => `${(x || 0).toFixed(1)}%`;
const MAX_SPEND_PENCE = 1000000000000; // £10 billion, the API's limit
const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });

// The rule, as both pages say it.
const RULE = 'Targets are set for each financial year, 1 April to 31 March. A period within one financial year is held against '
  + 'that year\'s fill rate target, and meets it when its fill rate is at or above the target. The spend target is for the locum '
  + 'fees the year\'s sessions may agree: a period gets the year\'s target pro rata by days (30 days of a 365-day year get 30/365 of it), '
  + 'and its fees agreed are within it when they are at or below that share.';

const isAdmin = () => rolesOf('sysadmin').length > 0;

// The one ICB whose targets this account sets: a commissioner's (the first, or ?icb=ID among
// several); a system administrator's ?icb=ID, any ICB (null without it: they choose first).
function icbOf(wanted) {
  const icbs = rolesOf('commissioner').filter((r) => r.organisation_id);
  const mine = (icbs.find((r) => String(r.organisation_id) === String(wanted)) || icbs[0] || {}).organisation_id || null;
  if (mine) return mine;
  return isAdmin() && /^[1-9]\d{0,17}$/.test(wanted || '') ? +wanted : null;
}
// The ICB a single-ICB commissioner's overview is held against (GET /metrics gives `targets` then).
export function soleIcb() {
  const icbs = rolesOf('commissioner').filter((r) => r.organisation_id);
  return icbs.length === 1 ? icbs[0].organisation_id : null;
}

// The form's address for a year, coming back to `back` (an overview address) once saved.
export const targetsHref = (year, back) => `/overview/targets${qs({ year, back })}`;
const safeBack = (s) => (s === '/overview' || /^\/overview\?[^#]*$/.test(s || '') ? s : null);

// The overview's section ---------------------------------------------------------------------------

const met = (ok, yes, no) => (ok === null || ok === undefined ? null : tag(ok ? yes : no, ok ? 'confirmed' : 'cancelled'));

// The period first..last (inclusive days), GET /metrics' answer m, and GET .../targets' years (null
// when they could not be read). `back`: the overview's own address, for the link to the form.
export function targetsSection({ m, years, first, last, back }) {
  const heading = h('h2', { class: 'nhsuk-heading-m', id: 'targets-heading' }, 'Targets');
  const rule = h('p', { class: 'nhsuk-body', id: 'targets-rule' }, RULE);
  const t = m.targets;
  if (!t) {
    return h('section', { 'aria-labelledby': 'targets-heading', id: 'overview-targets' }, heading,
      h('p', { class: 'nhsuk-body', id: 'targets-none' }, 'These figures are not held against targets: targets belong to an ICB, and the overview holds the figures against them only for an account that is a commissioner of exactly one ICB.'),
      rule,
      isAdmin() ? h('p', { class: 'nhsuk-body nhsuk-u-display-none-print' },
        link(`/overview/targets${qs({ back })}`, 'Set an ICB\'s targets', { id: 'targets-admin-link' })) : null);
  }
  const a = yearOf(first), b = yearOf(last);
  const touched = [];
  for (let y = a; y <= b; y++) touched.push(y);
  const ofYear = (y) => (years || []).find((x) => x.year === y) || null;
  // Which years the period touches and why a target is missing are the server's (targets.fill_rate_none,
  // targets.fees_agreed_missing_years): said here, not decided again.
  const named = t.financial_years;
  const spans = named.length > 1
    ? `This period spans ${named.length === 2 ? 'two' : number(named.length)} financial years (${wordList(named)})`
    : null;
  const totals = m.totals || {};

  let fill;
  if (t.fill_rate_percent !== null && t.fill_rate_percent !== undefined) {
    fill = [`${pct(totals.fill_rate_percent)} against a target of ${pct(t.fill_rate_percent)}`, t.fill_rate_met === null ? '' : ': ',
      met(t.fill_rate_met, 'Met', 'Not met'),
      totals.shifts_posted ? null : h('span', { class: 'nhsuk-u-display-block' }, 'No shifts were posted in this period, so it meets no fill rate target.')];
  } else if (t.fill_rate_none === 'across_financial_years') {
    fill = `${spans}: fill rate targets are set per financial year, so there is none for a period across them.`;
  } else {
    fill = `No fill rate target set for ${wordList(named)}.`;
  }

  let spend;
  if (t.fees_agreed_pence !== null && t.fees_agreed_pence !== undefined) {
    const set = touched.map(ofYear);
    let whence;
    if (set.some((x) => !x || x.spend_pence === null)) whence = spans ? 'the financial years\' targets by days' : 'the year\'s target by days';
    else if (!spans) whence = `the year's ${pounds(set[0].spend_pence)} by days`;
    else whence = `${wordList(set.map((x) => `${x.financial_year}'s ${pounds(x.spend_pence)}`))}, each by days`;
    spend = [`${pounds(totals.fees_agreed_pence)} against ${pounds(t.fees_agreed_pence)} for this period (${whence})`, t.fees_agreed_within === null ? '' : ': ',
      met(t.fees_agreed_within, 'Within', 'Over')];
  } else {
    spend = `No spend target set for ${wordList(t.fees_agreed_missing_years)}.`
      + (spans ? ` ${spans}: it has a spend target only when each of them has one.` : '');
  }

  // The link to the form: the year the period starts in, or the first it touches without a target.
  const lacking = touched.find((y) => { const x = ofYear(y); return !x || x.fill_rate_percent === null || x.spend_pence === null; });
  const year = lacking === undefined ? a : lacking;
  const any = ofYear(year) && (ofYear(year).fill_rate_percent !== null || ofYear(year).spend_pence !== null);
  const setLink = h('p', { class: 'nhsuk-body nhsuk-u-display-none-print' },
    link(targetsHref(year, back), `${any ? 'Change' : 'Set'} the targets for ${yearName(year)}`, { id: 'targets-set-link' }));

  return h('section', { 'aria-labelledby': 'targets-heading', id: 'overview-targets' }, heading,
    summaryList([
      ['Fill rate', h('span', { id: 'target-fill' }, fill)],
      ['Fees agreed', h('span', { id: 'target-spend' }, spend)],
    ]),
    rule, setLink);
}

// The form ------------------------------------------------------------------------------------------

// What is wrong with a fill rate target as typed ("85", "85.5", "85.5%"), or null; empty is none.
function rateProblem(text) {
  if (!text) return null;
  const s = text.replace(/\s*%$/, '');
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return 'Enter the fill rate target as a number from 0 to 100, like 85 or 85.5';
  if (m[2] && m[2].length > 1) return 'The fill rate target can have at most one decimal place, like 85.5';
  if (Number(s) > 100) return 'The fill rate target must be 100% or less';
  return null;
}
const rateOf = (text) => (text ? Math.round(Number(text.replace(/\s*%$/, '')) * 10) / 10 : null);

// A spend target typed in pounds ("14600", "14,600.00", "£14600.5") as pence, exactly (no floating
// point): {pence} or {problem}; empty is none. (format.js parsePounds stops at £999,999.99, a shift's
// rate; a year's spend is far more.)
const SPEND = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;
function spendOf(text) {
  if (!text) return { pence: null };
  const s = text.replace(/\s+/g, '').replace(/^£/, '');
  if (/^[-\u2212\u2013]/.test(s)) return { problem: 'The spend target must be £0.00 or more' };
  const m = SPEND.exec(s);
  if (!m) return { problem: 'Enter the spend target in pounds and pence, like 14600 or 14600.50' };
  if (m[2] && m[2].length > 2) return { problem: 'The spend target can have at most 2 decimal places (pence), like 14600.50' };
  const whole = m[1].replace(/,/g, '').replace(/^0+(?=\d)/, '');
  const pence = whole.length > 10 ? Infinity : Number(whole) * 100 + Number((m[2] || '').padEnd(2, '0'));
  if (pence > MAX_SPEND_PENCE) return { problem: `The spend target must be ${pounds(MAX_SPEND_PENCE)} or less` };
  return { pence };
}
const poundsText = (pence) => `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;

const setWords = (x) => (x ? `Last set on ${DAY.format(new Date(x.set_at))}.` : 'No targets set yet.');

route('/overview/targets', async ({ query }) => {
  const title = 'Targets';
  const back = safeBack(query.get('back'));
  const icb = icbOf(query.get('icb'));
  const today = ukToday();
  const thisYear = yearOf(today);
  const asked = /^\d{4}$/.test(query.get('year') || '') && +query.get('year') >= 2000 && +query.get('year') <= 2200 ? +query.get('year') : thisYear;
  const chosenBack = back || `/overview${qs({ period: 'year', from: `${asked}-04-01`, to: `${asked + 1}-03-31` })}`;
  const backTo = backLink(chosenBack, 'Back to the overview');
  if (!icb && isAdmin()) {
    // A system administrator chooses the ICB first.
    const icbs = (await get(`/organisations${qs({ level: 'icb', limit: 200 })}`)).items || [];
    return page(title, backTo, pageHeading(title),
      p('Targets belong to an ICB and are set by its commissioners. As a system administrator you may set any ICB\'s: choose the ICB.'),
      icbs.length
        ? h('ul', { class: 'nhsuk-list nhsuk-list--bullet', id: 'targets-icbs' }, icbs.map((o) => h('li', {},
          link(`/overview/targets${qs({ icb: o.id, year: query.get('year'), back })}`, `${o.name}${o.ods_code ? ` (${o.ods_code})` : ''}`))))
        : insetText(p('There are no ICBs yet: add one under Organisations first.')));
  }
  if (!icb) {
    return page(title, backTo, pageHeading(title), insetText(p('Targets belong to an ICB: only its commissioners set them.')));
  }
  let targets, org;
  try {
    [targets, org] = await Promise.all([get(`/organisations/${icb}/targets`), get(`/organisations/${icb}`).catch((err) => {
      if (err instanceof ApiError && err.status === 401) throw err;
      return null;
    })]);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 403) throw err;
    return page(title, backTo, pageHeading(title), insetText(p('Your account may not see this ICB\'s targets: they are for its commissioners.')));
  }
  const years = targets.years || [];
  const ofYear = (y) => years.find((x) => x.year === y) || null;

  const choices = [[thisYear - 1, 'last financial year'], [thisYear, 'this financial year'], [thisYear + 1, 'next financial year']];
  if (!choices.some(([y]) => y === asked)) choices.push([asked, null]);
  choices.sort((x, y) => x[0] - y[0]);

  const summary = h('div');
  const current = h('p', { class: 'nhsuk-body', id: 'targets-current', 'aria-live': 'polite' }, setWords(ofYear(asked)));
  const valuesOf = (y) => {
    const x = ofYear(y);
    return {
      fill: x && x.fill_rate_percent !== null ? x.fill_rate_percent.toFixed(1) : '',
      spend: x && x.spend_pence !== null ? poundsText(x.spend_pence) : '',
    };
  };
  const start = valuesOf(asked);
  const form = h('form', { novalidate: true, id: 'targets-form', class: 'nhsuk-u-display-none-print' },
    h('h2', { class: 'nhsuk-heading-m', id: 'targets-form-heading' }, 'Set the targets for a financial year'),
    select({ id: 'year', label: 'Financial year', hint: '1 April to 31 March. Each financial year has targets of its own.', value: String(asked),
      options: choices.map(([y, words]) => ({ value: String(y), text: words ? `${yearName(y)} (${words})` : yearName(y) })),
      onchange: (e) => {
        const y = +e.target.value;
        const v = valuesOf(y);
        form.elements.fill_rate.value = v.fill;
        form.elements.spend.value = v.spend;
        setFieldError(form, 'fill_rate', null);
        setFieldError(form, 'spend', null);
        showErrorSummary(summary, []);
        current.textContent = setWords(ofYear(y));
      } }),
    current,
    input({ id: 'fill_rate', label: 'Fill rate target', suffix: '%', width: 4, inputmode: 'decimal', autocomplete: 'off', value: start.fill,
      hint: 'The share of shifts posted that are filled, from 0 to 100 with at most one decimal place, like 85 or 85.5. A period in the year meets it when its fill rate is at or above it. Leave it empty for no fill rate target.' }),
    input({ id: 'spend', label: 'Spend target for the year', prefix: '£', width: 10, inputmode: 'decimal', autocomplete: 'off', value: start.spend,
      hint: 'The locum fees the year\'s sessions may agree, in pounds and pence, like 14600 or 14600.50. Each period of the overview gets a share of it pro rata by days: a 30-day month of a 365-day year gets 30/365 of it. Leave it empty for no spend target.' }),
    p('Saving sets both targets for the year at once, replacing what was set.'),
    button('Save targets', { id: 'save-targets' }));
  const validate = liveValidation(form, summary, {
    fill_rate: (v) => rateProblem(v.fill_rate),
    spend: (v) => spendOf(v.spend).problem || null,
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const year = +v.year;
    const body = { fill_rate_percent: rateOf(v.fill_rate), spend_pence: spendOf(v.spend).pence };
    await busy(form, async () => {
      try {
        const saved = await put(`/organisations/${icb}/targets/${year}`, body);
        const words = [
          saved.fill_rate_percent === null ? 'no fill rate target' : `a fill rate target of ${pct(saved.fill_rate_percent)}`,
          saved.spend_pence === null ? 'no spend target' : `a spend target of ${pounds(saved.spend_pence)}`,
        ];
        flash(`Targets saved for ${saved.financial_year}`, `${saved.financial_year} has ${words.join(' and ')}.`);
        navigate(back || `/overview${qs({ period: 'year', from: `${year}-04-01`, to: `${year + 1}-03-31` })}`);
      } catch (err) {
        // The server's refusal on the field it names (its words), else in the summary.
        showApiError(form, summary, err, { fill_rate_percent: 'fill_rate', spend_pence: 'spend', year: 'year' });
      }
    });
  });

  const setTable = years.length ? table({
    caption: 'Targets set', id: 'targets-table', captionSize: 'm',
    head: ['Financial year', { text: 'Fill rate target', numeric: true }, { text: 'Spend target', numeric: true }, 'Last set'],
    rows: years.map((x) => [{ text: x.financial_year, header: true },
      { text: x.fill_rate_percent === null ? 'None' : pct(x.fill_rate_percent), numeric: true },
      { text: x.spend_pence === null ? 'None' : pounds(x.spend_pence), numeric: true },
      DAY.format(new Date(x.set_at))]),
  }) : h('p', { class: 'nhsuk-body', id: 'targets-table-empty' }, 'No targets are set for any financial year yet.');

  page(title, summary, backTo, pageHeading(title, org && org.name ? org.name : null),
    p(RULE), form, setTable);
}, { roles: ['commissioner', 'sysadmin'] });
