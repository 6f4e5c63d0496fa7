// A pool's rate policy (issue 13): the cap on the hourly-equivalent rate an escalation reaches and
// the schedule of steps that raise an unfilled shift's rate as its start draws near, for the
// practices that opted in (PATCH /organisations/{id} `rate_escalation`, on /practice/settings).
//   /pool/rate-policy   the pool administrator reads and sets it (GET, PUT /pools/{id}/rate-policy)
// and, for the practice's pages (practice.js): the policy in words, and a shift's rate changes
// (GET /shifts/{id}/escalations). The steps are shaped as the cancellation bands of the terms of
// engagement (terms.js): at most 4, the most hours before the start first, each percentage higher.

import { ApiError, explain, get, put } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { liveValidation, onSubmit, watchOrder } from '../forms.js';
import { parsePounds, pounds, shortDate, time } from '../format.js';
import {
  button, h, input, insetText, link, p, pageHeading, setFieldError, showErrorSummary, summaryList, table, tag,
} from '../ui.js';
import { poolNav, withPool } from './pool_views.js';

export const MAX_STEPS = 4;
const MAX_STEP_HOURS = 672;
const MAX_CAP_PENCE = 1000000;

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// The policy in words, e.g. "When 72 hours remain, unfilled shifts rise by 5% of the posted rate;
// at 24 hours by 10%; never above £100.00 an hour."
export function policySummary(policy) {
  const steps = policy.escalation || [];
  if (!steps.length) return 'The rates of unfilled shifts do not rise: the policy has no steps.';
  const [first, ...rest] = steps;
  const parts = [`When ${plural(first.hours_before, 'hour')} ${first.hours_before === 1 ? 'remains' : 'remain'}, unfilled shifts rise by ${first.percent}% of the posted rate`,
    ...rest.map((s) => `at ${plural(s.hours_before, 'hour')} by ${s.percent}%`)];
  const cap = policy.cap_hourly_pence > 0 ? `never above ${pounds(policy.cap_hourly_pence)} an hour` : 'with no cap';
  return `${[...parts, cap].join('; ')}.`;
}

// A reason as the server words it, with its amounts in pounds ("GBP 90.00" is "£90.00").
const reasonWords = (text) => String(text || '').replace(/\bGBP\s?(\d[\d,]*(?:\.\d{2})?)/g, '£$1');

// A shift's rate changes (GET /shifts/{id}/escalations: `items`), the oldest first; null when none.
// `unit` is the shift's rate unit ('hour' or 'session').
export function rateChangesSection(items, unit) {
  if (!items || !items.length) return null;
  const per = unit === 'session' ? 'a session' : 'an hour';
  return h('div', { id: 'rate-changes' },
    h('h2', { class: 'nhsuk-heading-m', id: 'rate-changes-heading' }, 'Rate changes'),
    p('Nobody had booked this shift as its start drew near, so its rate rose under your pool\'s rate policy. ',
      'Each rise is a percentage of the rate you posted. Clinicians see the new rate.'),
    table({
      caption: `${plural(items.length, 'change')} to the rate, the oldest first`, captionSize: 's', id: 'rate-changes-table',
      head: ['When', 'Rate', 'Why', 'Authorised by'],
      rows: items.map((e) => [
        `${shortDate(e.at)} at ${time(e.at)}`,
        { text: [`${pounds(e.from_pence)} to ${pounds(e.to_pence)} ${per}`, e.capped ? [h('br'), tag('Held at the cap', 'attention')] : null] },
        reasonWords(e.reason),
        e.authorised_by || (e.authorised_by_user_id ? 'A pool administrator' : 'The pool\'s rate policy'),
      ]),
    }));
}

// The form ------------------------------------------------------------------------------------

const WHOLE = /^\d{1,4}$/;
const stepId = (i) => `step${i + 1}`;
const ORDER_TEXT = 'Put the steps in order: the most hours before the start first, then each with fewer hours and a higher percentage than the one before (for example 72 hours 5%, then 24 hours 10%)';

// The rows as typed: [{hours, percent}], one for each of the 4.
const rowsOf = (v) => Array.from({ length: MAX_STEPS }, (_, i) => ({ hours: v[`${stepId(i)}_hours`] || '', percent: v[`${stepId(i)}_percent`] || '' }));

const hoursProblem = (n) => `The hours for step ${n} must be a whole number from 1 to ${MAX_STEP_HOURS} (4 weeks)`;
const percentProblem = (n) => `The percentage for step ${n} must be a whole number from 1 to 100`;

function stepProblem(row, n) {
  if (!row.hours && !row.percent) return null;
  if (!row.hours) return `Enter the hours before the start for step ${n}`;
  if (!row.percent) return `Enter the percentage the rate rises by for step ${n}`;
  if (!WHOLE.test(row.hours) || +row.hours < 1 || +row.hours > MAX_STEP_HOURS) return hoursProblem(n);
  if (!WHOLE.test(row.percent) || +row.percent < 1 || +row.percent > 100) return percentProblem(n);
  return null;
}

// The steps the rows give and the row each came from (empty rows left out), or null when a row is not right.
function stepsOf(v) {
  const rows = rowsOf(v);
  if (rows.some((r, i) => stepProblem(r, i + 1))) return null;
  const used = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.hours || r.percent);
  return { steps: used.map(({ r }) => ({ hours_before: +r.hours, percent: +r.percent })), rows: used.map(({ i }) => i) };
}

function orderProblem(v) {
  const got = stepsOf(v);
  if (!got) return null; // a row's own problem is said first
  const s = got.steps;
  return s.some((x, i) => i && (x.hours_before >= s[i - 1].hours_before || x.percent <= s[i - 1].percent)) ? ORDER_TEXT : null;
}

function capProblem(v) {
  if (!v.cap) return null;
  const pence = parsePounds(v.cap);
  if (pence === null) return 'Enter the cap in pounds an hour, like 100.00, or leave it empty for no cap';
  if (pence > MAX_CAP_PENCE) return `The cap must be ${pounds(MAX_CAP_PENCE)} an hour or less`;
  return null;
}

// A small number box in a row (its message is its row's). The suffix is for the eye; `unit` says
// the same to a screen reader, in the label.
function numberBox(id, label, suffix, unit, value) {
  return h('div', { class: 'nhsuk-form-group' },
    h('label', { class: 'nhsuk-label', for: id }, label, h('span', { class: 'nhsuk-u-visually-hidden' }, ` (${unit})`)),
    h('div', { class: 'nhsuk-input-wrapper' },
      h('input', { class: 'nhsuk-input nhsuk-input--width-3', id, name: id, type: 'text', inputmode: 'numeric', value, spellcheck: 'false' }),
      h('div', { class: 'nhsuk-input-wrapper__suffix', 'aria-hidden': 'true' }, suffix)));
}

function errorMessage(id) {
  return h('span', { class: 'nhsuk-error-message', id: `${id}-error`, hidden: true },
    h('span', { class: 'nhsuk-u-visually-hidden' }, 'Error: '), h('span', { class: 'fp-error-text' }));
}

function policyForm({ policy, path, summary, saved }) {
  const steps = policy.escalation || [];
  const stepRow = (i) => {
    const s = steps[i] || {};
    return h('div', { class: 'nhsuk-form-group', 'data-field': stepId(i) },
      h('fieldset', { class: 'nhsuk-fieldset', role: 'group', 'aria-describedby': `${stepId(i)}-error` },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, `Step ${i + 1}`),
        errorMessage(stepId(i)),
        h('div', { class: 'fp-times' },
          numberBox(`${stepId(i)}_hours`, 'When this many hours remain', 'hours', 'before the start', s.hours_before ? String(s.hours_before) : ''),
          numberBox(`${stepId(i)}_percent`, 'The rate rises by', '% of the posted rate', 'a percentage of the posted rate', s.percent ? String(s.percent) : ''))));
  };
  const form = h('form', { novalidate: true, id: 'rate-policy-form' },
    h('div', { class: 'nhsuk-form-group', 'data-field': 'escalation' },
      h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': 'escalation-hint escalation-error' },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--m' }, h('h2', { class: 'nhsuk-fieldset__heading' }, 'How the rate of an unfilled shift rises')),
        h('div', { class: 'nhsuk-hint', id: 'escalation-hint' },
          `Up to ${MAX_STEPS} steps, the most hours before the start first, each with fewer hours and a higher percentage than the one before. `,
          'For example, 5% when 72 hours remain, then 10% when 24 hours remain. ',
          'Each step is a percentage of the rate the practice posted, not of the rate before it. ',
          'Leave the rows you do not need empty; leave them all empty for rates that never rise.'),
        errorMessage('escalation'),
        Array.from({ length: MAX_STEPS }, (_, i) => stepRow(i)))),
    h('h2', { class: 'nhsuk-heading-m' }, 'The cap'),
    input({ id: 'cap', label: 'The highest rate an hour without your approval', prefix: '£', width: 5, inputmode: 'decimal',
      value: policy.cap_hourly_pence > 0 ? (policy.cap_hourly_pence / 100).toFixed(2) : '',
      hint: 'A shift a practice posts or changes to a higher rate waits for your approval before anyone in the pool sees it (Rates to approve), and no rise passes it. In pounds an hour: a session\'s rate is compared by its hours. Leave it empty, or enter 0, for no cap.' }),
    button('Save rate policy', { id: 'save-rate-policy' }));

  const rules = {};
  for (let i = 0; i < MAX_STEPS; i++) rules[stepId(i)] = (v) => stepProblem(rowsOf(v)[i], i + 1);
  rules.escalation = orderProblem;
  rules.cap = capProblem;
  const focusIdOf = (f) => (f === 'escalation' ? `${stepId(0)}_hours` : /^step\d$/.test(f) ? `${f}_hours` : f);
  const validate = liveValidation(form, summary, rules, { focusIdOf });
  // The order of the rows depends on all of them (forms.js watchOrder).
  const orderSeen = watchOrder(form, 'escalation', orderProblem);
  onSubmit(form, () => {
    const ok = validate();
    orderSeen();
    return ok;
  }, summary, async (v) => {
    const got = stepsOf(v) || { steps: [], rows: [] };
    try {
      saved(await put(path, { cap_hourly_pence: v.cap ? parsePounds(v.cap) : 0, escalation: got.steps }));
    } catch (err) {
      // The server names the n-th step sent (escalation[n].hours_before): shown on the row it came
      // from (empty rows were left out); the order, on the whole list; the cap, on its box.
      if (!(err instanceof ApiError) || !err.field) throw err;
      const m = /^escalation\[(\d+)\]\.(hours_before|percent)$/.exec(err.field);
      let field = null, focus = null;
      if (m && got.rows[+m[1]] !== undefined) {
        const i = got.rows[+m[1]];
        field = stepId(i);
        focus = `${field}_${m[2] === 'percent' ? 'percent' : 'hours'}`;
        err.message = m[2] === 'percent' ? percentProblem(i + 1) : hoursProblem(i + 1);
      } else if (err.field.startsWith('escalation')) {
        field = 'escalation';
        focus = `${stepId(0)}_hours`;
        if (err.code === 'invalid_field') err.message = ORDER_TEXT;
      } else if (err.field === 'cap_hourly_pence') {
        field = 'cap';
        focus = 'cap';
        err.message = `Enter the cap in pounds an hour, from 0 to ${pounds(MAX_CAP_PENCE)}, or leave it empty for no cap`;
      }
      if (!field) throw err;
      const text = explain(err);
      setFieldError(form, field, text);
      if (field === 'escalation') orderSeen(); // the order's message now follows the reader's edits
      showErrorSummary(summary, [{ id: focus, text }]);
    }
  });
  return form;
}

// The pool administrator's page ---------------------------------------------------------------

route('/pool/rate-policy', async ({ query }) => {
  const ids = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
  const poolId = ids.find((x) => String(x) === query.get('pool')) || ids[0];
  const suffix = ids.length > 1 ? `pool=${poolId}` : '';
  const here = '/pool/rate-policy';
  const [pool, policy] = await Promise.all([get(`/pools/${poolId}`), get(`/pools/${poolId}/rate-policy`)]);
  const summary = h('div');
  const form = policyForm({
    policy, path: `/pools/${poolId}/rate-policy`, summary,
    saved: (x) => {
      flash('The rate policy has been saved', `The unfilled shifts of practices that opted in rise by it from now on. ${policySummary(x)}`);
      navigate(withPool(here, suffix), { replace: true });
    },
  });
  page(`Rate policy: ${pool.name}`, summary, pageHeading('Rate policy', pool.name), poolNav(here, suffix),
    p('When nobody has booked a shift as its start draws near, its rate can rise by the steps below, up to the cap. ',
      'This applies to the shifts of member practices that chose it in their settings; each practice is told when a rate rises, and why. ',
      'A shift posted above the cap waits for your approval of its rate.'),
    h('div', { id: 'policy-now' }, insetText(p(h('strong', {}, 'The policy now: '), policySummary(policy)))),
    h('h2', { class: 'nhsuk-heading-m' }, 'Indicative rates'),
    summaryList([
      ['An hour', h('span', { id: 'indicative-hourly' }, pounds(policy.hourly_rate_pence))],
      ['A session', h('span', { id: 'indicative-session' }, pounds(policy.session_rate_pence))],
    ]),
    p('Practices see these as a guide when they post a shift. Change them in ',
      link(withPool('/pool/settings', suffix), 'the pool\'s settings', { id: 'indicative-settings-link' }), '.'),
    form);
}, { roles: ['pool_admin'] });
