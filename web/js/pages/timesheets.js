// timesheets.js - what was worked (issue 13). The clinician confirms or corrects the start, end and
// break of each session that has ended, in one step; the practice approves each timesheet or sends
// it back with a reason. The states and who may do what are the API's (src/core/timesheet.h): the
// pages only show them and say what happens next.

import { get, post } from '../api.js';
import { flash, navigate, page, route } from '../app.js';
import { busy, formValues, liveValidation, onSubmit, showApiError } from '../forms.js';
import { pagedList } from '../paging.js';
import { invoiceStatusTag } from './invoices.js';
import { hours, isoZ, longDate, parsePounds, pounds, roleName, shortDate, timeRange, ukLocalToInstant, ukParts, when } from '../format.js';
import {
  backLink, button, card, h, input, insetText, link, NOT_CLICKABLE, p, pageHeading, summaryList, table, tag, textarea, warningCallout,
} from '../ui.js';

const CLINICIAN = { roles: ['clinician'] };
const PRACTICE = { roles: ['practice_manager'] };
const POOL = { roles: ['pool_admin'] };

// Each state in words, with its tag's colour.
const STATE = {
  to_submit: ['To submit', 'pending'],
  submitted: ['Waiting for the practice', 'open'],
  queried: ['Queried by the practice', 'late'],
  approved: ['Approved', 'confirmed'],
  not_worked: ['Not worked', 'cancelled'],
};
const stateTag = (s) => tag(STATE[s][0], STATE[s][1]);
// A timesheet its clinician took back by crediting its invoice (invoices.js, "send the timesheets
// back to me to correct first"): the API gives it as queried by the clinician (`queried_by`), with
// the reason they wrote ("Invoice 0001 credited: ..."), though nobody at the practice asked.
const byCredit = (t) => t.state === 'queried' && t.queried_by === 'clinician';
const creditWords = (t) => (/[.!?]$/.test(t.query_reason) ? t.query_reason : `${t.query_reason}.`);
const timesheetTag = (t) => (byCredit(t) ? tag('Back to correct: invoice credited', 'late') : stateTag(t.state));

// The views of each side's list: [state, link text].
const CLINICIAN_VIEWS = [['to_submit', 'To submit'], ['queried', 'Queried'], ['submitted', 'Submitted'], ['approved', 'Approved'], ['not_worked', 'Not worked']];
const PRACTICE_VIEWS = [['submitted', 'To approve'], ['queried', 'Queried'], ['to_submit', 'Not yet submitted'], ['approved', 'Approved'], ['not_worked', 'Not worked']];
const POOL_VIEWS = [['submitted', 'Waiting for practices'], ['to_submit', 'Waiting for clinicians'], ['queried', 'Queried'], ['approved', 'Approved']];

function views(here, list, current) {
  return h('nav', { class: 'fp-views', 'aria-label': 'Timesheets by state' },
    h('ul', { class: 'fp-views__list' }, list.map(([v, text]) => h('li', {},
      h('a', { class: 'fp-views__link', href: v === list[0][0] ? here : `${here}?state=${v}`, 'aria-current': current === v ? 'page' : null }, text)))));
}

function viewOf(query, list) {
  const v = query.get('state');
  return list.some(([s]) => s === v) ? v : list[0][0];
}

// What was worked, as submitted: "09:00 to 13:00, 30 minutes' break: 3 hours 30 minutes".
function workedText(t) {
  if (!t.actual_start) return 'Not submitted yet';
  const brk = t.break_minutes ? `, ${t.break_minutes} minutes' break` : ', no break';
  return `${timeRange(t.actual_start, t.actual_end)}${brk}: ${hours(t.worked_minutes)}`;
}

// Mileage is paid at 45p a mile (the API's rate: mileage_pence is what it works out).
export const MILEAGE_PENCE_A_MILE = 45;
const MAX_MILES = 1000;
const MAX_EXPENSES_PENCE = 100000;
const MAX_NOTE = 200;

// What the booking's terms let the clinician claim on top of the fee (a booking without terms: nothing).
const claimsAllowed = (b) => ({ mileage: !!(b.terms && b.terms.mileage), expenses: !!(b.terms && b.terms.expenses) });

// What was claimed on top of the fee, as summary rows: mileage and other expenses, then the total
// the invoice asks. A submitted timesheet claiming nothing says so where the terms allowed a claim.
function claimRows(b) {
  const t = b.timesheet;
  if (t.total_pence === null || t.total_pence === undefined) return [];
  const rows = [];
  if (t.mileage_miles > 0) rows.push(['Mileage', `${t.mileage_miles} mile${t.mileage_miles === 1 ? '' : 's'} at ${MILEAGE_PENCE_A_MILE}p a mile: ${pounds(t.mileage_pence)}`]);
  if (t.expenses_pence > 0) rows.push(['Other expenses', `${pounds(t.expenses_pence)}${t.expenses_note ? `: ${t.expenses_note}` : ''}`]);
  if (rows.length) return [...rows, ['Total', h('strong', {}, pounds(t.total_pence))]];
  const allowed = claimsAllowed(b);
  return allowed.mileage || allowed.expenses ? [['Mileage and expenses', 'None claimed']] : [];
}

// invoices: where this side reads its invoices ('/invoices', '/practice/invoices'); `side` says
// whose words an approved timesheet waiting for a monthly invoice is in.
function timesheetRows(b, invoices = '/invoices', side = 'clinician') {
  const t = b.timesheet;
  const inv = t.invoice;
  // Approved without an invoice: the clinician invoices monthly, and it goes on the next month's
  // invoice to the practice (made on the 1st for the sessions approved before then).
  const monthly = t.state === 'approved' && !inv
    ? ['Invoice', side === 'clinician'
      ? 'You invoice monthly: this session goes on your next monthly invoice to the practice, made on the 1st of the month.'
      : 'The clinician invoices monthly: this session goes on their next monthly invoice to the practice, made on the 1st of the month.']
    : null;
  return [
    ['Booked', when(b.starts_at, b.ends_at)],
    ['Worked', workedText(t)],
    ['Fee', t.fee_pence !== null ? pounds(t.fee_pence) : `${pounds(b.fee_pence)} as booked`],
    ...claimRows(b),
    t.state === 'approved' ? ['Approved', `${shortDate(t.decided_at)}${t.auto_approved ? ' (by itself: nobody queried it in time)' : ''}`] : null,
    t.state === 'submitted' && t.approves_itself_at ? ['Approved by itself on', longDate(t.approves_itself_at)] : null,
    // The invoice its approval issued, and where its payment stands.
    inv ? ['Invoice', h('span', {}, link(`${invoices}/${inv.id}`, `Invoice ${inv.reference}`), ' ', invoiceStatusTag(inv.shown_status))] : monthly,
  ];
}

// The clinician's timesheets ------------------------------------------------------------------

route('/timesheets', async ({ query }) => {
  const view = viewOf(query, CLINICIAN_VIEWS);
  const list = await pagedList({
    path: '/bookings', params: { timesheet: view, sort: '-starts_at' }, query, here: '/timesheets', noun: ['timesheet', 'timesheets'],
  });
  const items = list.items.map((b) => h('li', { class: 'fp-result' },
    card(`${roleName(b.role)} at ${b.practice_name}`, null,
      h('p', { class: 'nhsuk-card__description fp-when' }, when(b.starts_at, b.ends_at)),
      p(timesheetTag(b.timesheet)),
      b.timesheet.state === 'queried'
        ? insetText(p(byCredit(b.timesheet) ? creditWords(b.timesheet) : `The practice asked: ${b.timesheet.query_reason}`)) : null,
      summaryList(timesheetRows(b).slice(1)),
      ['to_submit', 'queried'].includes(b.timesheet.state)
        ? p(h('a', { class: 'nhsuk-link', href: `/timesheets/${b.id}` },
          b.timesheet.state === 'queried' ? 'Correct and submit again' : 'Confirm what you worked',
          h('span', { class: 'nhsuk-u-visually-hidden' }, ` at ${b.practice_name} on ${shortDate(b.starts_at)}`)))
        : null)));
  const empty = {
    to_submit: 'You have no sessions to confirm. A session appears here once it has ended.',
    queried: 'No practice has queried a timesheet of yours.',
    submitted: 'No timesheet of yours is waiting for a practice.',
    approved: 'No timesheet of yours has been approved yet.',
    not_worked: 'No session of yours is recorded as not worked.',
  }[view];
  page('My timesheets', pageHeading('My timesheets'),
    p('After each session, confirm the times you actually worked. The practice then approves them, or asks you to correct them. Each approved timesheet becomes an invoice to the practice, shown here with whether it is paid.'),
    views('/timesheets', CLINICIAN_VIEWS, view),
    list.summary, items.length ? h('ul', { class: 'nhsuk-list fp-results', id: 'timesheet-list' }, items) : p(empty), list.nav);
}, CLINICIAN);

// "08:30" etc. as [hh, mm]; null when it is not a time of day.
function parseTime(text) {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(String(text || '').trim());
  if (!m || +m[1] > 23 || +m[2] > 59) return null;
  return [+m[1], +m[2]];
}
// The booking's unpaid break: its length less the minutes it was to work.
const bookedBreak = (b) => Math.max(0, Math.round((new Date(b.ends_at) - new Date(b.starts_at)) / 60000) - b.worked_minutes);
const hhmm = (t) => { const x = ukParts(t); return `${String(x.hh).padStart(2, '0')}:${String(x.mm).padStart(2, '0')}`; };

// The instants of the times typed, on the session's UK date; an end at or before the start is the
// next morning (a session past midnight).
function timesOf(b, v) {
  const s = parseTime(v.start_time), e = parseTime(v.end_time);
  if (!s || !e) return null;
  const day = ukParts(b.starts_at);
  const start = ukLocalToInstant(day.y, day.m, day.d, s[0], s[1]);
  let end = ukLocalToInstant(day.y, day.m, day.d, e[0], e[1]);
  if (end <= start) end = new Date(ukLocalToInstant(day.y, day.m, day.d + 1, e[0], e[1]));
  return { start, end };
}

route('/timesheets/:id', async ({ params }) => {
  const b = await get(`/bookings/${encodeURIComponent(params.id)}`);
  const t = b.timesheet;
  const back = backLink('/timesheets', 'Back to my timesheets');
  if (!t || !['to_submit', 'queried'].includes(t.state)) {
    return page('Timesheet', back, pageHeading('Timesheet', b.practice_name),
      t ? p('This timesheet is ', stateTag(t.state), ': there is nothing to confirm.') : p('This session has not ended yet: confirm what you worked once it has.'),
      t ? summaryList(timesheetRows(b)) : null, p(link('/timesheets', 'See your timesheets')));
  }
  const summary = h('div', { id: 'timesheet-problem' });
  const start = t.actual_start || b.starts_at, end = t.actual_end || b.ends_at;
  const allowed = claimsAllowed(b);
  // Mileage and other expenses, where the booking's terms allow them (what was claimed before,
  // for a queried timesheet).
  const claims = allowed.mileage || allowed.expenses
    ? h('div', { class: 'nhsuk-form-group', id: 'claims' },
      h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': 'claims-hint' },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--m' }, h('h2', { class: 'nhsuk-fieldset__heading' }, 'Mileage and expenses')),
        h('div', { class: 'nhsuk-hint', id: 'claims-hint' },
          `The terms agreed for this booking allow you to claim ${allowed.mileage && allowed.expenses ? 'mileage and other expenses' : allowed.mileage ? 'mileage (not other expenses)' : 'other expenses (not mileage)'}. `,
          'Each goes on your invoice as a line of its own. Leave them empty if you claim nothing.'),
        allowed.mileage ? input({
          id: 'mileage_miles', label: 'Miles driven', width: 4, inputmode: 'numeric', suffix: 'miles', autocomplete: 'off',
          hint: `Whole miles, to the practice and back, paid at ${MILEAGE_PENCE_A_MILE}p a mile. Up to ${MAX_MILES} miles.`,
          value: t.mileage_miles ? String(t.mileage_miles) : '',
        }) : null,
        allowed.expenses ? [
          input({
            id: 'expenses_pounds', label: 'Other expenses', width: 5, inputmode: 'decimal', prefix: '£', autocomplete: 'off',
            hint: `In pounds, such as parking, or train and bus fares. Up to ${pounds(MAX_EXPENSES_PENCE)}.`,
            value: t.expenses_pence ? (t.expenses_pence / 100).toFixed(2) : '',
          }),
          input({
            id: 'expenses_note', label: 'What were they for?', width: 20, autocomplete: 'off',
            hint: 'One line, shown on your invoice, like "Car park".', value: t.expenses_note || '',
          }),
        ] : null))
    : h('p', { class: 'nhsuk-body', id: 'claims-none' }, 'The terms agreed for this booking allow no claims for mileage or other expenses.');
  const form = h('form', { novalidate: true, id: 'timesheet-form' },
    h('div', { class: 'fp-time-pair' },
      input({ id: 'start_time', label: 'Start time', hint: 'UK time, 24-hour clock, like 08:30', value: hhmm(start), width: 5, autocomplete: 'off' }),
      input({ id: 'end_time', label: 'End time', hint: 'An end before the start is the next morning', value: hhmm(end), width: 5, autocomplete: 'off' })),
    input({ id: 'break_minutes', label: 'Unpaid break, in minutes', width: 3, inputmode: 'numeric', value: String(t.break_minutes ?? bookedBreak(b)), suffix: 'minutes' }),
    claims,
    button(t.state === 'queried' ? 'Submit again' : 'Submit timesheet', { id: 'timesheet-submit' }));
  const rules = {
    start_time: (v) => (parseTime(v.start_time) ? null : 'Enter the start time, like 08:30'),
    end_time: (v) => {
      if (!parseTime(v.end_time)) return 'Enter the end time, like 13:00';
      const x = timesOf(b, v);
      if (x && x.end > new Date()) return 'The end time must not be in the future';
      if (x && x.end - x.start > 16 * 3600e3) return 'A session is at most 16 hours';
      return null;
    },
    break_minutes: (v) => {
      if (!/^\d{1,3}$/.test(v.break_minutes)) return 'Enter the break in whole minutes, or 0';
      const x = timesOf(b, v);
      if (x && +v.break_minutes * 60e3 >= x.end - x.start) return 'The break must be shorter than the session';
      return null;
    },
  };
  if (allowed.mileage) {
    rules.mileage_miles = (v) => (v.mileage_miles && (!/^\d{1,4}$/.test(v.mileage_miles) || +v.mileage_miles > MAX_MILES)
      ? `Enter the miles driven as a whole number from 0 to ${MAX_MILES}` : null);
  }
  if (allowed.expenses) {
    rules.expenses_pounds = (v) => {
      if (!v.expenses_pounds) return v.expenses_note ? 'Enter how much the expenses were, in pounds' : null;
      const pence = parsePounds(v.expenses_pounds);
      if (pence === null) return 'Enter other expenses as an amount in pounds, like 12.50';
      if (pence > MAX_EXPENSES_PENCE) return `Other expenses must be ${pounds(MAX_EXPENSES_PENCE)} or less`;
      if (pence === 0 && v.expenses_note) return 'Enter how much the expenses were, in pounds';
      return null;
    };
    rules.expenses_note = (v) => {
      const pence = v.expenses_pounds ? parsePounds(v.expenses_pounds) : 0;
      if (pence && !v.expenses_note) return 'Enter what the expenses were for';
      if (v.expenses_note.length > MAX_NOTE) return `What the expenses were for must be ${MAX_NOTE} characters or fewer`;
      return null;
    };
  }
  const validate = liveValidation(form, summary, rules);
  // The API's names of the fields, as the form's.
  const fieldOf = { actual_start: 'start_time', actual_end: 'end_time', expenses_pence: 'expenses_pounds' };
  onSubmit(form, validate, summary, async (v) => {
    const x = timesOf(b, v);
    const body = { actual_start: isoZ(x.start), actual_end: isoZ(x.end), break_minutes: +v.break_minutes };
    if (allowed.mileage) body.mileage_miles = v.mileage_miles ? +v.mileage_miles : 0;
    if (allowed.expenses) {
      body.expenses_pence = v.expenses_pounds ? parsePounds(v.expenses_pounds) : 0;
      if (body.expenses_pence > 0) body.expenses_note = v.expenses_note;
    }
    try {
      await post(`/bookings/${b.id}/timesheet`, body);
    } catch (err) {
      if (err.field && fieldOf[err.field]) err.field = fieldOf[err.field];
      throw err;
    }
    flash('Timesheet submitted', `${b.practice_name}, ${shortDate(b.starts_at)}: the practice will approve it, or ask you about it.`);
    navigate('/timesheets?state=submitted');
  });
  page('Confirm what you worked', summary, back, pageHeading('Confirm what you worked', b.practice_name),
    t.state === 'queried'
      ? (byCredit(t)
        ? warningCallout('You credited this session\'s invoice', p(`${creditWords(t)} Correct the timesheet and submit it again: the practice's approval invoices it again.`))
        : warningCallout('The practice queried this timesheet', p(t.query_reason)))
      : null,
    summaryList([['Booked', `${longDate(b.starts_at)}, ${timeRange(b.starts_at, b.ends_at)}`], ['Booked fee', pounds(b.fee_pence)]]),
    p('Change the times if you started or finished at another time, or took a different break. For an hourly rate the fee follows the time you worked.'),
    form);
}, CLINICIAN);

// The practice's timesheets -------------------------------------------------------------------

route('/practice/timesheets', async ({ query }) => {
  const view = viewOf(query, PRACTICE_VIEWS);
  const list = await pagedList({
    path: '/bookings', params: { timesheet: view, sort: '-starts_at' }, query, here: '/practice/timesheets', noun: ['timesheet', 'timesheets'],
  });
  const items = list.items.map((b) => {
    const actions = b.timesheet.state === 'submitted'
      ? h('form', { class: 'nhsuk-button-group', 'data-booking': b.id, novalidate: true },
        button(['Approve', h('span', { class: 'nhsuk-u-visually-hidden' }, ` the timesheet of ${b.clinician_name} for ${shortDate(b.starts_at)}`)], { id: `approve-${b.id}` }),
        h('a', { class: 'nhsuk-link', href: `/practice/timesheets/${b.id}/query` }, 'Query it',
          h('span', { class: 'nhsuk-u-visually-hidden' }, `: the timesheet of ${b.clinician_name} for ${shortDate(b.starts_at)}`)))
      : null;
    if (actions) {
      actions.addEventListener('submit', async (e) => {
        e.preventDefault();
        await busy(actions, async () => {
          try {
            await post(`/bookings/${b.id}/timesheet/approval`);
          } catch (err) {
            actions.prepend(insetText(p(err.message || 'It could not be approved. Reload the page.')));
            return;
          }
          flash('Timesheet approved', `${b.clinician_name}, ${shortDate(b.starts_at)}: ${pounds(b.timesheet.total_pence ?? b.timesheet.fee_pence)}.`);
          navigate(`/practice/timesheets${view === 'submitted' ? '' : `?state=${view}`}`, { replace: true });
        });
      });
    }
    return h('li', { class: 'fp-result' },
      card(`${b.clinician_name}: ${roleName(b.role)}`, null, NOT_CLICKABLE,
        h('p', { class: 'nhsuk-card__description fp-when' }, when(b.starts_at, b.ends_at)),
        p(timesheetTag(b.timesheet)),
        b.timesheet.state === 'queried'
          ? insetText(p(byCredit(b.timesheet) ? `The clinician credited its invoice to correct it. ${creditWords(b.timesheet)}` : `You asked: ${b.timesheet.query_reason}`)) : null,
        summaryList(timesheetRows(b, '/practice/invoices', 'practice').slice(1)),
        actions));
  });
  const empty = {
    submitted: 'No timesheet is waiting for you.',
    queried: 'You have no queried timesheets.',
    to_submit: 'Every clinician has submitted their timesheets.',
    approved: 'You have not approved any timesheet yet.',
    not_worked: 'No session is recorded as not worked.',
  }[view];
  page('Timesheets', pageHeading('Timesheets'),
    p('What the clinicians say they worked at your practice. Approve each timesheet, or query it: a query goes back to the clinician with your reason. ',
      'A timesheet nobody queries may be approved by itself some days after it was submitted: you choose how many in your ', link('/practice/settings', 'practice settings'), '.'),
    views('/practice/timesheets', PRACTICE_VIEWS, view),
    list.summary, items.length ? h('ul', { class: 'nhsuk-list fp-results', id: 'practice-timesheet-list' }, items) : p(empty), list.nav);
}, PRACTICE);

route('/practice/timesheets/:id/query', async ({ params }) => {
  const b = await get(`/bookings/${encodeURIComponent(params.id)}`);
  const back = backLink('/practice/timesheets', 'Back to timesheets');
  if (!b.timesheet || b.timesheet.state !== 'submitted') {
    return page('Timesheet', back, pageHeading('This timesheet cannot be queried'),
      p(b.timesheet ? `It is ${STATE[b.timesheet.state][0].toLowerCase()}.` : 'The session has not ended yet.'), p(link('/practice/timesheets', 'See the timesheets')));
  }
  const summary = h('div', { id: 'query-problem' });
  const form = h('form', { novalidate: true, id: 'query-form' },
    textarea({ id: 'reason', label: 'What should the clinician check?', hint: 'They see this and correct their timesheet. Do not include patient information.', maxlength: '500' }),
    button('Send the query', { id: 'query-submit' }, 'secondary'));
  const validate = liveValidation(form, summary, {
    reason: (v) => (!v.reason ? 'Enter what the clinician should check' : v.reason.length > 500 ? 'The query must be 500 characters or fewer' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        await post(`/bookings/${b.id}/timesheet/query`, { reason: formValues(form).reason });
      } catch (err) {
        showApiError(form, summary, err);
        return;
      }
      flash('Query sent', `${b.clinician_name} will correct their timesheet for ${shortDate(b.starts_at)}.`);
      navigate('/practice/timesheets?state=queried');
    });
  });
  page('Query a timesheet', summary, back, pageHeading('Query a timesheet', b.clinician_name),
    summaryList(timesheetRows(b, '/practice/invoices', 'practice')), form);
}, PRACTICE);

// The pool's view: every practice's timesheets, read only (the practices and clinicians act), so
// that the pool sees what is waiting and for whom.

route('/pool/timesheets', async ({ query }) => {
  const view = viewOf(query, POOL_VIEWS);
  const list = await pagedList({
    path: '/bookings', params: { timesheet: view, sort: '-starts_at' }, query, here: '/pool/timesheets', noun: ['timesheet', 'timesheets'],
  });
  const rows = list.items.map((b) => [
    b.practice_name, b.clinician_name, when(b.starts_at, b.ends_at),
    b.timesheet.submitted_at ? shortDate(b.timesheet.submitted_at) : 'Not yet',
    // Approved: its invoice; before: when it approves itself.
    view === 'approved'
      ? (b.timesheet.invoice ? h('span', {}, link(`/pool/invoices/${b.timesheet.invoice.id}`, `Invoice ${b.timesheet.invoice.reference}`), ' ',
        invoiceStatusTag(b.timesheet.invoice.shown_status)) : 'On the clinician\'s next monthly invoice')
      : (b.timesheet.approves_itself_at ? shortDate(b.timesheet.approves_itself_at) : ''),
  ]);
  const body = rows.length
    ? table({ caption: POOL_VIEWS.find(([v]) => v === view)[1], head: ['Practice', 'Clinician', 'Session', 'Submitted', view === 'approved' ? 'Invoice' : 'Approves itself on'], rows, id: 'pool-timesheet-table' })
    : p('There are no timesheets in this state.');
  page('Timesheets', pageHeading('Timesheets'),
    p('The timesheets of every practice in your pools: the clinicians submit what they worked, and each practice approves or queries it.'),
    views('/pool/timesheets', POOL_VIEWS, view), list.summary, body, list.nav);
}, POOL);
