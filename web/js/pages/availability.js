// The clinician's availability (issue 12): the weekly pattern (a session's box ticked for each day,
// or their own hours) and the exceptions (holidays, one-off extra days). Every change saves the
// whole pattern with PUT /me/availability; the server checks it and says which entry is wrong.
// Times are UK local time on every date, whichever side of a clock change.

import { get, put } from '../api.js';
import { flash, navigate, page, route } from '../app.js';
import { busy, dateInputProblem, dateInputValue, formValues, liveValidation, showApiError } from '../forms.js';
import { longDateOf } from '../format.js';
import { button, checkbox, dateInput, h, input, link, p, pageHeading, radios, select, table } from '../ui.js';

const CLINICIAN = { roles: ['clinician'] };
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAY_NAMES = { monday: 'Monday', tuesday: 'Tuesday', wednesday: 'Wednesday', thursday: 'Thursday', friday: 'Friday', saturday: 'Saturday', sunday: 'Sunday' };
const SESSIONS = [['morning', 'Morning', '8am to 1pm'], ['afternoon', 'Afternoon', '1pm to 6:30pm'], ['evening', 'Evening', '6:30pm to 9pm']];
const SESSION_NAMES = { morning: 'Morning (8am to 1pm)', afternoon: 'Afternoon (1pm to 6:30pm)', evening: 'Evening (6:30pm to 9pm)' };
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

const hoursText = (x) => (x.session ? SESSION_NAMES[x.session] : `${x.start} to ${x.end}`);
// What PUT takes back from what GET gave (a session's hours by its name).
const windowIn = (w) => (w.session ? { day: w.day, session: w.session } : { day: w.day, start: w.start, end: w.end });
const exceptionIn = (x) => (x.kind === 'unavailable' ? { kind: x.kind, from: x.from, to: x.to }
  : x.session ? { kind: x.kind, from: x.from, session: x.session } : { kind: x.kind, from: x.from, start: x.start, end: x.end });

function timeProblem(v, what) {
  if (!v) return `Enter ${what}`;
  return HHMM.test(v) ? null : `Enter ${what} as hours and minutes on the 24-hour clock, like 09:30`;
}

route('/availability', async () => {
  const a = await get('/me/availability');
  const save = async (pattern, exceptions, heading, text) => {
    await put('/me/availability', { pattern, exceptions });
    flash(heading, text);
    navigate('/availability', { replace: true });
  };
  const own = a.pattern.filter((w) => !w.session);

  // The week: a box per day and session.
  const weekSummary = h('div');
  const week = h('form', { id: 'week-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    const v = formValues(week);
    const pattern = [];
    for (const d of DAYS) for (const [s] of SESSIONS) if (v[`${d}-${s}`]) pattern.push({ day: d, session: s });
    busy(week, () => save([...pattern, ...own.map(windowIn)], a.exceptions.map(exceptionIn), 'Your week is saved',
      'Practices looking for cover see you on the days and sessions you ticked.')
      .catch((err) => showApiError(week, weekSummary, err)));
  } },
  weekSummary,
  DAYS.map((d) => h('fieldset', { class: 'nhsuk-fieldset fp-availability-day' },
    h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, DAY_NAMES[d]),
    SESSIONS.map(([s, name, hint]) => checkbox({ id: `${d}-${s}`, label: name, hint,
      checked: a.pattern.some((w) => w.day === d && w.session === s) })))),
  button('Save my week'));

  // Own hours: listed with a remove button each, and a form to add some.
  const ownRows = own.map((w, i) => [DAY_NAMES[w.day], `${w.start} to ${w.end}`, { text: h('button', {
    class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', type: 'button', id: `remove-hours-${i}`,
    onclick: (e) => { e.currentTarget.disabled = true; save(a.pattern.filter((x) => x !== w).map(windowIn), a.exceptions.map(exceptionIn), 'Hours removed', `${DAY_NAMES[w.day]} ${w.start} to ${w.end} is no longer in your week.`); },
  }, 'Remove', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${DAY_NAMES[w.day]} ${w.start} to ${w.end}`)) }]);
  const hoursSummary = h('div');
  let hoursCheck = null;
  const hoursForm = h('form', { id: 'hours-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    hoursCheck = hoursCheck || liveValidation(hoursForm, hoursSummary, {
      'hours-start': (v) => timeProblem(v['hours-start'], 'the start time'),
      'hours-end': (v) => timeProblem(v['hours-end'], 'the end time')
        || (HHMM.test(v['hours-start'] || '') && v['hours-end'] <= v['hours-start'] ? 'The end time must be after the start time' : null),
    });
    if (!hoursCheck()) return;
    const v = formValues(hoursForm);
    busy(hoursForm, () => save([...a.pattern.map(windowIn), { day: v['hours-day'], start: v['hours-start'], end: v['hours-end'] }],
      a.exceptions.map(exceptionIn), 'Hours added', `Every ${DAY_NAMES[v['hours-day']]}, ${v['hours-start']} to ${v['hours-end']}.`)
      .catch((err) => showApiError(hoursForm, hoursSummary, err, { 'pattern': 'hours-start' })));
  } },
  hoursSummary,
  select({ id: 'hours-day', label: 'Day', options: DAYS.map((d) => ({ value: d, text: DAY_NAMES[d] })) }),
  input({ id: 'hours-start', label: 'From', hint: 'For example, 09:30', width: 5, inputmode: 'numeric' }),
  input({ id: 'hours-end', label: 'To', hint: 'For example, 16:00, or 24:00 for midnight', width: 5, inputmode: 'numeric' }),
  button('Add these hours', {}, 'secondary'));

  // Exceptions: the list, a holiday form and an extra day form.
  const exRows = a.exceptions.map((x, i) => [
    x.kind === 'unavailable' ? 'Not available' : 'Extra day',
    x.from === x.to ? longDateOf(x.from) : `${longDateOf(x.from)} to ${longDateOf(x.to)}`,
    x.kind === 'unavailable' ? 'All day' : hoursText(x),
    { text: h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', type: 'button', id: `remove-exception-${i}`,
      onclick: (e) => { e.currentTarget.disabled = true; save(a.pattern.map(windowIn), a.exceptions.filter((y) => y !== x).map(exceptionIn), 'Date removed', 'Your usual week applies on that date again.'); },
    }, 'Remove', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${longDateOf(x.from)}`)) }]);

  const awaySummary = h('div');
  let awayCheck = null;
  const away = h('form', { id: 'away-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    awayCheck = awayCheck || liveValidation(away, awaySummary, {
      'away-from': (v) => dateInputProblem(v, 'away-from', 'the first day', { required: true }),
      'away-to': (v) => dateInputProblem(v, 'away-to', 'the last day')
        || (dateInputValue(v, 'away-to') && dateInputValue(v, 'away-from') && dateInputValue(v, 'away-to') < dateInputValue(v, 'away-from')
          ? 'The last day must be the same as or after the first day' : null),
    }, { focusIdOf: (id) => `${id}-day` });
    if (!awayCheck()) return;
    const v = formValues(away);
    const from = dateInputValue(v, 'away-from'), to = dateInputValue(v, 'away-to') || from;
    busy(away, () => save(a.pattern.map(windowIn), [...a.exceptions.map(exceptionIn), { kind: 'unavailable', from, to }],
      'Dates added', from === to ? `You are not available on ${longDateOf(from)}.` : `You are not available from ${longDateOf(from)} to ${longDateOf(to)}.`)
      .catch((err) => showApiError(away, awaySummary, err, { exceptions: 'away-from' })));
  } },
  awaySummary,
  dateInput({ id: 'away-from', legend: 'First day', hint: 'For example, 21 12 2026' }),
  dateInput({ id: 'away-to', legend: 'Last day (if more than one)', hint: 'Leave empty for a single day' }),
  button('Add dates', {}, 'secondary'));

  const extraSummary = h('div');
  let extraCheck = null;
  const extra = h('form', { id: 'extra-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    const ownHours = () => formValues(extra)['extra-session'] === 'own';
    extraCheck = extraCheck || liveValidation(extra, extraSummary, {
      'extra-date': (v) => dateInputProblem(v, 'extra-date', 'the date', { required: true }),
      'extra-session': (v) => (v['extra-session'] ? null : 'Choose when you can work'),
      'extra-start': (v) => (ownHours() ? timeProblem(v['extra-start'], 'the start time') : null),
      'extra-end': (v) => (ownHours() ? timeProblem(v['extra-end'], 'the end time')
        || (HHMM.test(v['extra-start'] || '') && v['extra-end'] <= v['extra-start'] ? 'The end time must be after the start time' : null) : null),
    }, { focusIdOf: (id) => (id === 'extra-date' ? 'extra-date-day' : id) });
    if (!extraCheck()) return;
    const v = formValues(extra);
    const from = dateInputValue(v, 'extra-date');
    const x = v['extra-session'] === 'own' ? { kind: 'extra', from, start: v['extra-start'], end: v['extra-end'] } : { kind: 'extra', from, session: v['extra-session'] };
    busy(extra, () => save(a.pattern.map(windowIn), [...a.exceptions.map(exceptionIn), x], 'Extra day added',
      `You are available on ${longDateOf(from)}, ${hoursText(x)}.`)
      .catch((err) => showApiError(extra, extraSummary, err, { exceptions: 'extra-date' })));
  } },
  extraSummary,
  dateInput({ id: 'extra-date', legend: 'Date' }),
  radios({ id: 'extra-session', legend: 'When can you work?', items: [...SESSIONS.map(([s, name, hint]) => ({ value: s, text: name, hint })),
    { value: 'own', text: 'My own hours' }] }),
  input({ id: 'extra-start', label: 'From (own hours)', hint: 'For example, 09:30', width: 5, inputmode: 'numeric' }),
  input({ id: 'extra-end', label: 'To (own hours)', hint: 'For example, 16:00', width: 5, inputmode: 'numeric' }),
  button('Add extra day', {}, 'secondary'));

  page('My availability', pageHeading('My availability'),
    p('Tell practices when you can work. They see you when they look for cover for a session that lies wholly inside your availability. Times are UK time.'),
    p('We alert you to new shifts that fit it: ', link('/alerts/settings', 'choose your shift alerts'), '.'),
    h('h2', { class: 'nhsuk-heading-m' }, 'Your usual week'),
    week,
    h('h2', { class: 'nhsuk-heading-m' }, 'Your own hours'),
    own.length ? table({ caption: 'Your own hours each week', captionSize: 's', head: ['Day', 'Hours', 'Action'], rows: ownRows, id: 'own-hours-table' })
      : p('You have not added any hours of your own.'),
    hoursForm,
    h('h2', { class: 'nhsuk-heading-m' }, 'Holidays and extra days'),
    a.exceptions.length ? table({ caption: 'Dates that differ from your usual week', captionSize: 's', head: ['What', 'When', 'Hours', 'Action'], rows: exRows, id: 'exceptions-table' })
      : p('You have no holidays or extra days.'),
    p(`You can keep up to ${a.limits.exceptions} dates. A holiday can last up to ${a.limits.range_days} days.`),
    h('h3', { class: 'nhsuk-heading-s' }, 'Add dates when you are not available'),
    away,
    h('h3', { class: 'nhsuk-heading-s' }, 'Add an extra day'),
    extra);
}, CLINICIAN);
