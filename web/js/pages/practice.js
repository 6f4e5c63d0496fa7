// The practice manager's pages: the practice's shifts by state (open, booked, needs attention,
// cancelled, past), posting a shift or a weekly series with validation as you type and the pool's
// indicative rate, one shift with its applicants and booking (accept, decline, cancel, re-open,
// withdraw), and the practice profile.

import { ApiError, del, explain, get, getAll, patch, post, qs } from '../api.js';
import { failed, flash, navigate, page, rolesOf, route } from '../app.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
import {
  hours, isoZ, longDate, parsePounds, pounds, rate, roleName, ROLE_NAMES, shortDate, timeRange, ukLocalToInstant, ukParts, when,
} from '../format.js';
import {
  backLink, button, buttonLink, checkbox, dateInput, h, input, insetText, link, p, pageHeading, radios, select, summaryList,
  table, tag, textarea, warningCallout,
} from '../ui.js';
import { modeText, practiceProfileRows, shiftStatusText, shiftSummary } from './clinician.js';

const MANAGER = { roles: ['practice_manager'] };
const DAY = 24 * 3600e3;

function practiceIds() {
  return rolesOf('practice_manager').map((r) => r.organisation_id).filter(Boolean);
}

async function practicesOf() {
  const ids = practiceIds();
  return Promise.all(ids.map(async (id) => {
    try { return await get(`/organisations/${id}`); } catch { return { id, name: `Practice ${id}`, profile: {} }; }
  }));
}

function practicePicker(practices, current, path) {
  if (practices.length < 2) return null;
  return h('form', { method: 'get', action: path, class: 'fp-inline-form', onsubmit: (e) => { e.preventDefault(); navigate(`${path}?practice=${e.target.elements.practice.value}`); } },
    select({ id: 'practice', label: 'Practice', value: current, options: practices.map((x) => ({ value: x.id, text: x.name })) }),
    button('Show', {}, 'secondary'));
}

// The state of a shift as the practice sees it.
export function practiceState(s, now = new Date()) {
  const start = new Date(s.starts_at);
  if (s.status === 'cancelled' || s.status === 'withdrawn') return 'cancelled';
  if (start <= now || s.status === 'completed') return 'past';
  if (s.status === 'booked') return 'booked';
  if (s.status === 'open' && start - now <= 2 * DAY) return 'attention';
  return 'open';
}

const STATES = [
  ['open', 'Open'], ['attention', 'Needs attention'], ['booked', 'Booked'], ['cancelled', 'Cancelled'], ['past', 'Past'],
];

route('/practice', async ({ query }) => {
  const practices = await practicesOf();
  if (!practices.length) return failed('Practice shifts', new ApiError(403, { error: { message: 'Your account does not manage a practice.' } }));
  const practice = practices.find((x) => String(x.id) === query.get('practice')) || practices[0];
  const since = isoZ(new Date(Date.now() - 28 * DAY));
  const [shifts, bookings, applications] = await Promise.all([
    getAll('/shifts', { practice_id: practice.id, from: since }, 2000),
    getAll('/bookings', { status: 'confirmed', from: since }, 2000).catch(() => []),
    getAll('/applications', { status: 'pending' }, 2000).catch(() => []),
  ]);
  const bookingOf = new Map(bookings.map((b) => [b.shift_id, b]));
  const applicants = new Map();
  for (const a of applications) applicants.set(a.shift_id, (applicants.get(a.shift_id) || 0) + 1);
  const now = new Date();
  const groups = Object.fromEntries(STATES.map(([k]) => [k, []]));
  for (const s of shifts) {
    const st = practiceState(s, now);
    groups[st].push(s);
    if (st === 'attention') groups.open.push(s); // still open, and flagged
  }
  groups.open.sort((a, b) => (a.starts_at < b.starts_at ? -1 : 1));
  groups.past.reverse();
  let current = query.get('state');
  if (!groups[current]) current = 'open';
  const base = practices.length > 1 ? `practice=${practice.id}&` : '';
  const tabs = h('nav', { class: 'fp-views', 'aria-label': 'Shifts by state' },
    h('ul', { class: 'fp-views__list' }, STATES.map(([k, label]) => h('li', {},
      h('a', { class: `fp-views__link${k === 'attention' && groups[k].length ? ' fp-views__link--attention' : ''}`, href: `/practice?${base}state=${k}`, 'aria-current': k === current ? 'page' : null, id: `state-${k}` },
        `${label} (${groups[k].length})`)))));
  const list = groups[current];
  const statusCell = (s) => {
    const st = practiceState(s, now);
    if (st === 'attention') return [tag('Unfilled', 'attention'), ' ', h('span', { class: 'fp-note' }, 'starts within 48 hours')];
    if (st === 'past') return tag(s.booking_id ? 'Worked' : 'Not filled', 'past');
    return tag(shiftStatusText(s.status), s.status);
  };
  const whoCell = (s) => {
    const b = bookingOf.get(s.id);
    // A booking the clinician's passport no longer covers stays, flagged (issue 5).
    if (b) return (b.flags || []).includes('passport_lapsed') ? [b.clinician_name, ' ', tag('Passport lapsed', 'attention')] : b.clinician_name;
    const n = applicants.get(s.id);
    if (n) return `${n} applicant${n === 1 ? '' : 's'} waiting`;
    return s.status === 'open' ? (s.booking_mode === 'approval' ? 'No applicants yet' : 'Not booked yet') : '';
  };
  const body = list.length
    ? table({
      caption: `${STATES.find(([k]) => k === current)[1]} shifts`, id: 'practice-shifts',
      head: ['Date', 'Time', 'Role', 'Rate', 'Status', 'Clinician', 'Action'],
      rows: list.map((s) => [
        shortDate(s.starts_at), timeRange(s.starts_at, s.ends_at), roleName(s.role), rate(s.rate_pence, s.rate_unit),
        { text: statusCell(s) }, whoCell(s),
        { text: link(`/practice/shifts/${s.id}`, 'Manage', { 'aria-label': `Manage ${roleName(s.role)} shift on ${shortDate(s.starts_at)} at ${timeRange(s.starts_at, s.ends_at)}` }) },
      ]),
    })
    : p({ open: 'No open shifts.', attention: 'Nothing needs attention: every shift in the next 48 hours is filled.', booked: 'No booked shifts coming up.', cancelled: 'No cancelled shifts.', past: 'No shifts in the last 28 days.' }[current]);
  page('Practice shifts', pageHeading('Shifts', practice.name),
    practicePicker(practices, practice.id, '/practice'),
    buttonLink(`/practice/shifts/new${practices.length > 1 ? `?practice=${practice.id}` : ''}`, 'Post a shift'),
    groups.attention.length ? warningCallout('Shifts need attention', p(`${groups.attention.length} open shift${groups.attention.length === 1 ? '' : 's'} start${groups.attention.length === 1 ? 's' : ''} within 48 hours with nobody booked.`)) : null,
    tabs, body);
}, MANAGER);

// Post a shift -------------------------------------------------------------------------------

// "8:30", "08:30", "0830" or "8.30" as "08:30"; null when it is not a time of day.
function parseTime(t) {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(String(t || '').trim());
  if (!m || +m[1] > 23 || +m[2] > 59) return null;
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}
function timeOk(t) { return parseTime(t) !== null; }

function dateFrom(v) {
  const d = +v['date-day'], m = +v['date-month'], y = +v['date-year'];
  if (!v['date-day'] || !v['date-month'] || !v['date-year']) return null;
  if (!/^\d{1,2}$/.test(v['date-day']) || !/^\d{1,2}$/.test(v['date-month']) || !/^\d{4}$/.test(v['date-year'])) return 'bad';
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return 'bad';
  return { y, m, d };
}

function timesOf(v) {
  const date = dateFrom(v);
  if (!date || date === 'bad' || !timeOk(v.start_time) || !timeOk(v.end_time)) return null;
  const [sh, sm] = parseTime(v.start_time).split(':').map(Number), [eh, em] = parseTime(v.end_time).split(':').map(Number);
  const start = ukLocalToInstant(date.y, date.m, date.d, sh, sm);
  const end = ukLocalToInstant(date.y, date.m, date.d, eh, em);
  return { start, end };
}

// The checks shared by posting and editing a shift: date, times, break and rate.
function shiftTimingRules() {
  return {
    date: (v) => {
      const d = dateFrom(v);
      if (!d) return 'Enter the date of the shift';
      if (d === 'bad') return 'The date must be a real date, like 27 3 2027';
      const t = timesOf(v);
      if (t && t.start <= new Date()) return 'The shift must start in the future';
      return null;
    },
    start_time: (v) => (!timeOk(v.start_time) ? 'Enter a start time, like 08:30' : null),
    end_time: (v) => {
      if (!timeOk(v.end_time)) return 'Enter an end time, like 12:30';
      const t = timesOf(v);
      if (t && t.end <= t.start) return 'The end time must be after the start time';
      if (t && t.end - t.start > 16 * 3600e3) return 'A shift lasts at most 16 hours';
      return null;
    },
    break_minutes: (v) => {
      if (!/^\d{1,3}$/.test(v.break_minutes || '0')) return 'Enter the break in whole minutes, like 30';
      const t = timesOf(v);
      if (+v.break_minutes > 240) return 'The break must be 240 minutes or less';
      if (t && +v.break_minutes * 60e3 >= t.end - t.start) return 'The break must be shorter than the shift';
      return null;
    },
    rate: (v) => {
      if (!v.rate) return 'Enter the rate';
      const pence = parsePounds(v.rate);
      if (pence === null) return 'Enter the rate in pounds and pence, like 323.21';
      if (pence <= 0) return 'The rate must be more than £0';
      return null;
    },
  };
}

route('/practice/shifts/new', async ({ query }) => {
  const practices = await practicesOf();
  const practice = practices.find((x) => String(x.id) === query.get('practice')) || practices[0];
  let professions = Object.entries(ROLE_NAMES).map(([code, name]) => ({ code, name }));
  let pools = [];
  await Promise.all([
    get('/professions').then((r) => { if (r.items && r.items.length) professions = r.items; }).catch(() => {}),
    get('/pools').then((r) => { pools = r.items || []; }).catch(() => {}),
  ]);
  const pool = pools[0];
  const summary = h('div');
  const estimate = h('p', { class: 'nhsuk-body fp-estimate', id: 'estimate', 'aria-live': 'polite' }, 'Enter the date, times and rate to see the fee.');
  const repeatCount = h('div', { class: 'nhsuk-checkboxes__conditional', id: 'repeat-conditional', hidden: true },
    input({ id: 'repeat_count', label: 'How many weeks in all?', hint: 'Including this one, up to 52. For example, 8 for every week for 8 weeks.', width: 2, inputmode: 'numeric', value: '8' }));
  const indicative = pool
    ? insetText(
      p(h('strong', {}, 'Indicative rate for this pool: '), h('span', { id: 'indicative-rate' }, `${pounds(pool.hourly_rate_pence)} an hour, ${pounds(pool.session_rate_pence)} a session`), '.'),
      p('Rates are agreed between the practice and the clinician; the pool publishes these so that practices nearby offer similar rates.'),
      h('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', id: 'use-indicative',
        onclick: () => {
          const unit = formValues(form).rate_unit || 'session';
          form.elements.rate.value = ((unit === 'session' ? pool.session_rate_pence : pool.hourly_rate_pence) / 100).toFixed(2);
          form.elements.rate.dispatchEvent(new Event('input', { bubbles: true }));
        } }, 'Use the indicative rate'))
    : null;
  const form = h('form', { novalidate: true, id: 'post-shift-form' },
    practices.length > 1 ? select({ id: 'practice_id', label: 'Practice', value: practice.id, options: practices.map((x) => ({ value: x.id, text: x.name })) })
      : h('input', { type: 'hidden', name: 'practice_id', value: practice.id }),
    select({ id: 'role', label: 'Role', options: [{ value: '', text: 'Choose a role' }, ...professions.map((x) => ({ value: x.code, text: x.name || roleName(x.code) }))] }),
    dateInput({ id: 'date', legend: 'Date', hint: 'For example, 27 3 2027' }),
    h('div', { class: 'fp-times' },
      input({ id: 'start_time', label: 'Start time', hint: 'UK time, 24-hour clock, like 08:30', value: '08:30', width: 5, autocomplete: 'off' }),
      input({ id: 'end_time', label: 'End time', hint: 'UK time, 24-hour clock, like 12:30', value: '12:30', width: 5, autocomplete: 'off' })),
    input({ id: 'break_minutes', label: 'Unpaid break, in minutes', width: 3, inputmode: 'numeric', value: '0', suffix: 'minutes' }),
    radios({ id: 'rate_unit', legend: 'How is the rate paid?', inline: true, value: 'session', items: [{ value: 'session', text: 'A session' }, { value: 'hour', text: 'An hour' }] }),
    input({ id: 'rate', label: 'Rate, in pounds', width: 5, prefix: '£', inputmode: 'decimal' }),
    indicative, estimate,
    radios({ id: 'booking_mode', legend: 'How is it booked?', value: 'instant', items: [
      { value: 'instant', text: 'Instantly', hint: 'The first eligible clinician who books it gets it.' },
      { value: 'approval', text: 'The practice chooses', hint: 'Clinicians apply, and you accept one of them.' }] }),
    radios({ id: 'location_type', legend: 'Where?', inline: true, value: 'site', items: [{ value: 'site', text: 'At the practice' }, { value: 'remote', text: 'Remote' }] }),
    textarea({ id: 'description', label: 'Details for the clinician (optional)', hint: 'For example, the kind of clinic, or who to ask for. Do not include patient information.', maxlength: '2000' }),
    checkbox({ id: 'repeat', label: 'Repeat every week at the same time', hint: 'Posts a series of shifts, one each week.', onChange: (e) => { repeatCount.hidden = !e.target.checked; } }),
    repeatCount,
    button('Post shift', { id: 'post-shift' }));
  const rules = {
    role: (v) => (!v.role ? 'Choose a role' : null),
    ...shiftTimingRules(),
    repeat_count: (v) => (v.repeat && (!/^\d{1,2}$/.test(v.repeat_count) || +v.repeat_count < 2 || +v.repeat_count > 52) ? 'Enter a number of weeks from 2 to 52' : null),
  };
  const validate = liveValidation(form, summary, rules, { focusIdOf: (id) => (id === 'date' ? 'date-day' : id) });
  const updateEstimate = () => {
    const v = formValues(form);
    const t = timesOf(v);
    const pence = parsePounds(v.rate);
    if (!t || t.end <= t.start || pence === null) { estimate.textContent = 'Enter the date, times and rate to see the fee.'; return; }
    const mins = Math.max(0, Math.round((t.end - t.start) / 60000) - (+v.break_minutes || 0));
    const fee = v.rate_unit === 'session' ? pence : Math.round((pence * mins) / 60);
    const hourly = v.rate_unit === 'session' && mins ? Math.round((pence * 60) / mins) : pence;
    const n = v.repeat && /^\d+$/.test(v.repeat_count) ? +v.repeat_count : 1;
    estimate.replaceChildren(h('strong', {}, `Estimated fee: ${pounds(fee)}`), ` for ${hours(mins)} worked`,
      v.rate_unit === 'session' ? ` (${pounds(hourly)} an hour)` : '',
      n > 1 ? `, ${pounds(fee * n)} for all ${n} weeks` : '', '.');
  };
  form.addEventListener('input', updateEstimate);
  form.addEventListener('change', updateEstimate);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const t = timesOf(v);
    const body = {
      practice_id: Number(v.practice_id), role: v.role, starts_at: isoZ(t.start), ends_at: isoZ(t.end),
      break_minutes: Number(v.break_minutes || 0), rate_pence: parsePounds(v.rate), rate_unit: v.rate_unit,
      booking_mode: v.booking_mode, location_type: v.location_type, description: v.description || '',
    };
    if (v.repeat) body.repeat = { every: 'week', count: Number(v.repeat_count) };
    await busy(form, async () => {
      try {
        const res = await post('/shifts', body);
        if (res.items) {
          flash(`${res.items.length} shifts posted`, `${roleName(v.role)}, every ${new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long' }).format(t.start)} ${timeRange(t.start, t.end)}, from ${longDate(t.start)}.`);
          navigate('/practice?state=open');
        } else {
          flash('Shift posted', `${roleName(res.role)}, ${when(res.starts_at, res.ends_at)}. Clinicians in the pool can see it now.`);
          navigate(`/practice/shifts/${res.id}`);
        }
      } catch (err) {
        showApiError(form, summary, err, { starts_at: 'date', ends_at: 'end_time', rate_pence: 'rate', break_minutes: 'break_minutes', role: 'role' });
      }
    });
  });
  page('Post a shift', summary, backLink('/practice', 'Back to shifts'), pageHeading('Post a shift', practice.name), form);
  updateEstimate();
}, MANAGER);

// One shift, as the practice sees it ------------------------------------------------------------

route('/practice/shifts/:id', async ({ params }) => {
  const id = params.id;
  const s = await get(`/shifts/${encodeURIComponent(id)}`);
  const [bookings, applications, types] = await Promise.all([
    getAll('/bookings', { shift_id: s.id }, 200).catch(() => []),
    getAll('/applications', { shift_id: s.id }, 200).catch(() => []),
    get('/passport/check-types').then((t) => t.items).catch(() => []),
  ]);
  // Each applicant's passport for this shift, as the booking decides it: the checks' names, never codes.
  const checkName = (code) => (types.find((t) => t.code === code) || {}).name || code;
  const passportCell = (a) => {
    if (a.bookable === undefined) return '';
    const summaryLink = h('a', { class: 'nhsuk-link', href: `/clinicians/${a.clinician_id}/passport` }, 'See passport',
      h('span', { class: 'nhsuk-u-visually-hidden' }, ` of ${a.clinician_name}`));
    const said = a.missing && a.missing.length ? `Missing: ${a.missing.map(checkName).join(', ')}`
      : a.bookable ? 'Complete' : 'Complete, but not bookable here';
    return h('div', {}, h('span', { class: 'fp-passport-state' }, said), h('br'), summaryLink);
  };
  const whyNot = (a) => (a.missing && a.missing.length ? 'Cannot be accepted until the passport is complete'
    : 'Cannot be accepted: not eligible for this shift');
  const booking = bookings.find((b) => b.status === 'confirmed');
  const history = bookings.filter((b) => b.status === 'cancelled');
  const summary = h('div');
  const state = practiceState(s);
  const problem = (err) => summary.replaceChildren(h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
    h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'), p(explain(err))));
  const sections = [];

  if (booking) {
    sections.push(h('h2', { class: 'nhsuk-heading-m', id: 'booked-heading' }, 'Booked'),
      summaryList([
        ['Clinician', h('span', { id: 'booked-clinician' }, booking.clinician_name)],
        ['Passport', h('span', { id: 'booked-passport' },
          (booking.flags || []).includes('passport_lapsed') ? [tag('Lapsed', 'attention'), ' A check will not be valid on the day. '] : null,
          link(`/clinicians/${booking.clinician_id}/passport`, 'See the passport'))],
        ['Agreed fee', pounds(booking.fee_pence)],
        ['Booked on', shortDate(booking.created_at)],
        booking.attendance === 'did_not_attend'
          ? ['Attendance', h('span', { id: 'booked-attendance' }, tag('Did not attend', 'cancelled'), ` Recorded on ${shortDate(booking.attendance_recorded_at)}.`)]
          : null,
      ].filter(Boolean)));
    const started = new Date(s.starts_at) <= new Date();
    if (started && !booking.attendance) {
      // Once a shift has started a booking cannot be cancelled; the practice can record that the
      // clinician did not come (on a page of its own, to confirm).
      sections.push(h('div', { id: 'did-not-attend-action' },
        h('h3', { class: 'nhsuk-heading-s' }, 'Did the clinician not come?'),
        p('This shift has started, so the booking can no longer be cancelled. If the clinician did not come, record it: they will see it, and it is counted apart in the figures.'),
        buttonLink(`/practice/shifts/${s.id}/did-not-attend`, 'Did not attend', 'secondary')));
    }
    if (!started) {
      const form = h('form', { novalidate: true, id: 'practice-cancel-form' },
        h('h3', { class: 'nhsuk-heading-s' }, 'Cancel this booking'),
        p('The clinician will see the booking as cancelled. The shift stays cancelled until you re-open it.'),
        textarea({ id: 'reason', label: 'Why are you cancelling?', hint: 'The clinician will see this.', maxlength: '500' }),
        button('Cancel booking', { id: 'practice-cancel' }, 'warning'));
      const validate = liveValidation(form, summary, { reason: (v) => (!v.reason ? 'Enter why you are cancelling' : null) });
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!validate()) return;
        await busy(form, async () => {
          try {
            await post(`/bookings/${booking.id}/cancellation`, { reason: formValues(form).reason });
            flash('Booking cancelled', 'The shift is cancelled. Re-open it if you still need someone.');
            navigate(`/practice/shifts/${s.id}`, { replace: true });
          } catch (err) { showApiError(form, summary, err); }
        });
      });
      sections.push(form);
    }
  }

  const pending = applications.filter((a) => a.status === 'pending');
  if (s.booking_mode === 'approval' || applications.length) {
    sections.push(h('h2', { class: 'nhsuk-heading-m' }, 'Applicants'));
    if (!applications.length) sections.push(p('Nobody has applied yet.'));
    else {
      const act = (a, verb) => async (e) => {
        e.currentTarget.disabled = true;
        try {
          await post(`/applications/${a.id}/${verb}`);
          flash('Applicant accepted', `${a.clinician_name} is booked for this shift and will see it on their bookings page. The other applicants will see on their applications page that someone else was chosen. Nothing is sent to anyone.`);
          navigate(`/practice/shifts/${s.id}`, { replace: true });
        } catch (err) { e.target.disabled = false; problem(err); }
      };
      sections.push(table({
        caption: `${pending.length} waiting for an answer`, captionSize: 's', id: 'applicants',
        head: ['Clinician', 'Applied', 'Status', 'Passport', 'Action'],
        rows: applications.map((a) => [
          a.clinician_name, shortDate(a.created_at),
          { text: tag({ pending: 'Waiting', accepted: 'Accepted', declined: 'Declined', withdrawn: 'Withdrawn' }[a.status] || a.status, a.status) },
          { text: passportCell(a) },
          { text: a.status === 'pending' && s.status === 'open' ? h('div', { class: 'fp-button-row' },
            a.bookable === false ? h('p', { class: 'nhsuk-body-s fp-not-bookable' }, whyNot(a)) : h('button', { class: 'nhsuk-button nhsuk-button--small fp-table-button', type: 'button', onclick: act(a, 'accept') }, 'Accept', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${a.clinician_name}`)),
            h('a', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', href: `/practice/shifts/${s.id}/applications/${a.id}/decline` }, 'Decline', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${a.clinician_name}`))) : '' },
        ]),
      }));
    }
  }

  if (s.status === 'cancelled' && new Date(s.starts_at) > new Date()) {
    const form = h('form', { novalidate: true, id: 'reopen-form' },
      h('h2', { class: 'nhsuk-heading-m' }, 'Still need someone?'),
      p('Re-opening lets clinicians in the pool book the shift again.'),
      button('Re-open shift', { id: 'reopen' }));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      await busy(form, async () => {
        try {
          await post(`/shifts/${s.id}/reopen`);
          flash('Shift re-opened', 'Clinicians in the pool can book it again.');
          navigate(`/practice/shifts/${s.id}`, { replace: true });
        } catch (err) { problem(err); }
      });
    });
    sections.push(form);
  }
  if (s.status === 'open' && new Date(s.starts_at) > new Date()) {
    sections.push(h('h2', { class: 'nhsuk-heading-m' }, 'Change this shift'),
      p('You can change the times, rate and details while nobody has booked it.'),
      buttonLink(`/practice/shifts/${s.id}/edit`, 'Edit shift', 'secondary'));
    const form = h('form', { novalidate: true, id: 'withdraw-form' },
      h('h2', { class: 'nhsuk-heading-m' }, 'No longer needed?'),
      p('Withdrawing removes the shift from the pool. You can only withdraw a shift nobody has booked.'),
      button('Withdraw shift', { id: 'withdraw' }, 'secondary'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      await busy(form, async () => {
        try {
          await del(`/shifts/${s.id}`);
          flash('Shift withdrawn', `${roleName(s.role)}, ${when(s.starts_at, s.ends_at)}.`);
          navigate('/practice');
        } catch (err) { problem(err); }
      });
    });
    sections.push(form);
  }
  if (history.length) {
    sections.push(h('h2', { class: 'nhsuk-heading-m' }, 'Cancelled bookings'),
      table({
        caption: 'Earlier bookings of this shift', captionSize: 's', id: 'cancelled-bookings',
        head: ['Clinician', 'Cancelled by', 'When', 'Reason'],
        rows: history.map((b) => [b.clinician_name, { text: [b.cancelled_by === 'clinician' ? 'The clinician' : 'The practice', b.late ? [' ', tag('Late', 'late')] : null] }, shortDate(b.cancelled_at), b.reason || '']),
      }));
  }
  const label = { open: shiftStatusText(s.status), attention: 'Open: needs attention', booked: 'Booked', cancelled: shiftStatusText(s.status), past: 'Past' }[state];
  page(`${roleName(s.role)}, ${shortDate(s.starts_at)}`, summary, backLink('/practice', 'Back to shifts'),
    pageHeading(`${roleName(s.role)}, ${shortDate(s.starts_at)}`, s.practice.name),
    h('p', { class: 'nhsuk-body', id: 'shift-status' }, tag(label, state === 'attention' ? 'attention' : s.status)),
    shiftSummary(s, { withPractice: false }), sections);
}, MANAGER);

// Edit an open shift ----------------------------------------------------------------------------

route('/practice/shifts/:id/edit', async ({ params }) => {
  const s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  const title = `Edit ${roleName(s.role)}, ${shortDate(s.starts_at)}`;
  const back = backLink(`/practice/shifts/${s.id}`, 'Back to the shift');
  if (s.status !== 'open') {
    return page(title, back, pageHeading(title, s.practice.name),
      p(`This shift is ${shiftStatusText(s.status).toLowerCase()}: you can only change a shift while it is open and nobody has booked it.`));
  }
  const start = ukParts(s.starts_at), end = ukParts(s.ends_at);
  const hhmm = (x) => `${String(x.hh).padStart(2, '0')}:${String(x.mm).padStart(2, '0')}`;
  const summary = h('div');
  const estimate = h('p', { class: 'nhsuk-body fp-estimate', id: 'estimate', 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, id: 'edit-shift-form' },
    dateInput({ id: 'date', legend: 'Date', hint: 'For example, 27 3 2027', value: { day: String(start.d), month: String(start.m), year: String(start.y) } }),
    h('div', { class: 'fp-times' },
      input({ id: 'start_time', label: 'Start time', hint: 'UK time, 24-hour clock, like 08:30', value: hhmm(start), width: 5, autocomplete: 'off' }),
      input({ id: 'end_time', label: 'End time', hint: 'UK time, 24-hour clock, like 12:30', value: hhmm(end), width: 5, autocomplete: 'off' })),
    input({ id: 'break_minutes', label: 'Unpaid break, in minutes', width: 3, inputmode: 'numeric', value: String(s.break_minutes || 0), suffix: 'minutes' }),
    radios({ id: 'rate_unit', legend: 'How is the rate paid?', inline: true, value: s.rate_unit, items: [{ value: 'session', text: 'A session' }, { value: 'hour', text: 'An hour' }] }),
    input({ id: 'rate', label: 'Rate, in pounds', width: 5, prefix: '£', inputmode: 'decimal', value: (s.rate_pence / 100).toFixed(2) }),
    estimate,
    radios({ id: 'booking_mode', legend: 'How is it booked?', value: s.booking_mode, items: [
      { value: 'instant', text: 'Instantly', hint: 'The first eligible clinician who books it gets it.' },
      { value: 'approval', text: 'The practice chooses', hint: 'Clinicians apply, and you accept one of them.' }] }),
    radios({ id: 'location_type', legend: 'Where?', inline: true, value: s.location_type, items: [{ value: 'site', text: 'At the practice' }, { value: 'remote', text: 'Remote' }] }),
    textarea({ id: 'description', label: 'Details for the clinician (optional)', hint: 'For example, the kind of clinic, or who to ask for. Do not include patient information.', maxlength: '2000', value: s.description || '' }),
    h('div', { class: 'fp-button-row' },
      button('Save changes', { id: 'save-shift' }),
      link(`/practice/shifts/${s.id}`, 'Cancel and go back')));
  const validate = liveValidation(form, summary, shiftTimingRules(), { focusIdOf: (id) => (id === 'date' ? 'date-day' : id) });
  const updateEstimate = () => {
    const v = formValues(form);
    const t = timesOf(v);
    const pence = parsePounds(v.rate);
    if (!t || t.end <= t.start || pence === null) { estimate.textContent = 'Enter the date, times and rate to see the fee.'; return; }
    const mins = Math.max(0, Math.round((t.end - t.start) / 60000) - (+v.break_minutes || 0));
    const fee = v.rate_unit === 'session' ? pence : Math.round((pence * mins) / 60);
    estimate.replaceChildren(h('strong', {}, `Estimated fee: ${pounds(fee)}`), ` for ${hours(mins)} worked.`);
  };
  form.addEventListener('input', updateEstimate);
  form.addEventListener('change', updateEstimate);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const t = timesOf(v);
    const body = {
      starts_at: isoZ(t.start), ends_at: isoZ(t.end), break_minutes: Number(v.break_minutes || 0),
      rate_pence: parsePounds(v.rate), rate_unit: v.rate_unit, booking_mode: v.booking_mode,
      location_type: v.location_type, description: v.description || '',
    };
    await busy(form, async () => {
      try {
        const res = await patch(`/shifts/${s.id}`, body);
        flash('Shift changed', `${roleName(res.role)}, ${when(res.starts_at, res.ends_at)}, ${rate(res.rate_pence, res.rate_unit)}.`);
        navigate(`/practice/shifts/${s.id}`);
      } catch (err) {
        if (err.code === 'invalid_state') err.message = 'This shift is no longer open, so it cannot be changed. Someone may have booked it, or it was withdrawn.';
        showApiError(form, summary, err, { starts_at: 'date', ends_at: 'end_time', rate_pence: 'rate', break_minutes: 'break_minutes' });
      }
    });
  });
  page(title, summary, back, pageHeading(`Edit shift: ${roleName(s.role)}`, s.practice.name), form);
  updateEstimate();
}, MANAGER);

// The practice profile ---------------------------------------------------------------------

route('/practice/profile', async ({ query }) => {
  const practices = await practicesOf();
  const practice = practices.find((x) => String(x.id) === query.get('practice')) || practices[0];
  const pr = practice.profile || {};
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'profile-form' },
    h('h2', { class: 'nhsuk-heading-m' }, 'Contact details'),
    textarea({ id: 'address', label: 'Address', value: practice.address || '', rows: 3, autocomplete: 'street-address' }),
    input({ id: 'postcode', label: 'Postcode', value: practice.postcode || '', width: 10, autocomplete: 'postal-code' }),
    input({ id: 'phone', label: 'Phone number for locums', value: practice.phone || '', width: 20, type: 'tel', autocomplete: 'tel' }),
    input({ id: 'email', label: 'Email address', value: practice.email || '', type: 'email', autocomplete: 'email' }),
    h('h2', { class: 'nhsuk-heading-m' }, 'What a locum needs to know'),
    p('Clinicians see this on each of your shifts before they book. It is your induction information pack.'),
    select({ id: 'clinical_system', label: 'Clinical system', value: pr.clinical_system || '', options: [{ value: '', text: 'Not given' }, { value: 'SystmOne', text: 'SystmOne' }, { value: 'EMIS Web', text: 'EMIS Web' }, { value: 'Vision', text: 'Vision' }, { value: 'other', text: 'Other' }] }),
    input({ id: 'appointment_minutes', label: 'Usual appointment length, in minutes', value: pr.appointment_minutes || '', width: 2, inputmode: 'numeric', suffix: 'minutes' }),
    textarea({ id: 'parking', label: 'Parking', value: pr.parking || '', rows: 2 }),
    textarea({ id: 'contact_on_arrival', label: 'On arrival', hint: 'Who to ask for and where to go.', value: pr.contact_on_arrival || '', rows: 2 }),
    textarea({ id: 'it_access', label: 'IT access', hint: 'Smartcards, logins, printers.', value: pr.it_access || '', rows: 2 }),
    textarea({ id: 'induction', label: 'Induction information', hint: 'Referral pathways, safeguarding leads, anything else a locum needs on the day.', value: pr.induction || '', rows: 6 }),
    textarea({ id: 'notes', label: 'Other notes', value: pr.notes || '', rows: 3 }),
    button('Save profile', { id: 'save-profile' }));
  const validate = liveValidation(form, summary, {
    postcode: (v) => (v.postcode && !/^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$/.test(v.postcode) ? 'Enter a full UK postcode, like LS1 4AP' : null),
    email: (v) => (v.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email) ? 'Enter an email address in the correct format, like name@example.com' : null),
    appointment_minutes: (v) => (v.appointment_minutes && (!/^\d{1,2}$/.test(v.appointment_minutes) || +v.appointment_minutes < 5 || +v.appointment_minutes > 60) ? 'Enter a length from 5 to 60 minutes' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const profile = { ...pr };
    for (const k of ['clinical_system', 'parking', 'contact_on_arrival', 'it_access', 'induction', 'notes']) {
      if (v[k]) profile[k] = v[k]; else delete profile[k];
    }
    if (v.appointment_minutes) profile.appointment_minutes = Number(v.appointment_minutes); else delete profile.appointment_minutes;
    await busy(form, async () => {
      try {
        await patch(`/organisations/${practice.id}`, { address: v.address || null, postcode: v.postcode || null, phone: v.phone || null, email: v.email || null, profile });
        flash('Profile saved', 'Clinicians see the new details on your shifts now.');
        navigate(`/practice/profile${practices.length > 1 ? `?practice=${practice.id}` : ''}`, { replace: true });
      } catch (err) {
        const field = err.field && err.field.startsWith('profile.') ? err.field.slice(8) : err.field;
        showApiError(form, summary, { ...err, field, message: err.message, code: err.code }, {});
      }
    });
  });
  const preview = practiceProfileRows(pr);
  page('Practice profile', summary, pageHeading('Practice profile', practice.name),
    practicePicker(practices, practice.id, '/practice/profile'), form,
    preview.length ? [h('h2', { class: 'nhsuk-heading-m' }, 'What clinicians see now'), summaryList(preview)] : null);
}, MANAGER);

// Declining an applicant, with a reason the clinician sees on their applications page.
route('/practice/shifts/:id/did-not-attend', async ({ params }) => {
  const s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  const back = `/practice/shifts/${s.id}`;
  const bookings = await getAll('/bookings', { shift_id: s.id, status: 'confirmed' }, 10);
  const b = bookings[0];
  if (!b || b.attendance) {
    return page('Nothing to record', backLink(back, 'Back to the shift'),
      pageHeading(b ? 'Already recorded as did not attend' : 'This shift has no booking'), p(link(back, 'See the shift')));
  }
  if (new Date(b.starts_at) > new Date()) {
    return page('The shift has not started', backLink(back, 'Back to the shift'), pageHeading('This shift has not started yet'),
      p('You can record that the clinician did not attend once the shift has started. Until then you can cancel the booking.'), p(link(back, 'See the shift')));
  }
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'did-not-attend-form' },
    warningCallout('Check before you record this', p(`${b.clinician_name} will see that the practice recorded they did not attend. It cannot be undone here.`)),
    button('Yes, record did not attend', { id: 'confirm-did-not-attend' }, 'warning'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await busy(form, async () => {
      try {
        await post(`/bookings/${b.id}/did-not-attend`);
        flash('Recorded: did not attend', `${b.clinician_name}, ${when(b.starts_at, b.ends_at)}.`);
        navigate(back, { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  page('Record that the clinician did not attend', summary, backLink(back, 'Back to the shift'),
    pageHeading('Record that the clinician did not attend', b.clinician_name),
    summaryList([['Clinician', b.clinician_name], ['Shift', when(b.starts_at, b.ends_at)], ['Agreed fee', pounds(b.fee_pence)]]),
    form, p(link(back, 'Go back without recording anything')));
}, MANAGER);

route('/practice/shifts/:id/applications/:app/decline', async ({ params }) => {
  const s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  const back = `/practice/shifts/${s.id}`;
  const applications = await getAll('/applications', { shift_id: s.id }, 200);
  const a = applications.find((x) => String(x.id) === params.app);
  if (!a || a.status !== 'pending') {
    return page('Application already answered', backLink(back, 'Back to the shift'), pageHeading('This application has already been answered'),
      p(link(back, 'See the shift and its applicants')));
  }
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'decline-form' },
    textarea({ id: 'reason', label: 'Reason (optional)', hint: 'The clinician will see this on their applications page. 200 characters at most.', maxlength: '200' }),
    button('Decline applicant', { id: 'confirm-decline' }, 'warning'));
  const validate = liveValidation(form, summary, {
    reason: (v) => (v.reason && v.reason.length > 200 ? 'The reason must be 200 characters or fewer' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        const reason = formValues(form).reason.trim();
        await post(`/applications/${a.id}/decline`, reason ? { reason } : {});
        flash('Applicant declined', `${a.clinician_name} will see it${reason ? ', with your reason,' : ''} on their applications page. Nothing is sent to them.`);
        navigate(back, { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  page('Decline an applicant', summary, backLink(back, 'Back to the shift'), pageHeading('Decline the applicant', a.clinician_name),
    summaryList([['Clinician', a.clinician_name], ['Shift', when(s.starts_at, s.ends_at)], ['Applied', shortDate(a.created_at)]]),
    form, p(link(back, 'Keep the application waiting')));
}, MANAGER);
