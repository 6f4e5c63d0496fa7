// The practice manager's pages: the practice's shifts by state (open, booked, needs attention,
// cancelled, past), 25 a page with a search of the details and filters (role, a date window); posting a shift or a weekly series
// with validation as you type and the pool's indicative rate, told first when the practice is in no
// pool (nobody sees its shifts) and who admits it; one shift with its applicants and booking (accept,
// re-open, and links to the destructive actions); editing or withdrawing a whole series; the
// confirmation page of each destructive action (withdraw a shift, a series or an offer, cancel a booking,
// decline an applicant, record did-not-attend: confirm.js), saying what will happen; the profile;
// the settings (the delays of a shift released in tiers: favourites first, then the pool, then the
// other pools of the ICB that take overflow; the opt-in to the pool's rate policy); a shift's rate
// changes under that policy.

import { ApiError, del, explain, get, getAll, patch, post } from '../api.js';
import { failed, flash, navigate, page, rolesOf, route } from '../app.js';
import { confirmPage } from '../confirm.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
import {
  addDays, hours, isoZ, longDate, parsePounds, pounds, rate, roleName, ROLE_NAMES, shortDate, time, timeRange, ukLocalToInstant, ukMidnightIso, ukParts, when,
} from '../format.js';
import { filterForm, pagedList } from '../paging.js';
import { cancellationFeeNow, termsSummary, termsWhose } from '../terms.js';
import {
  backLink, button, buttonLink, checkbox, dateInput, h, input, insetText, link, p, pageHeading, radios, select, setFieldError,
  showErrorSummary, summaryList, table, tag, textarea, warningCallout,
} from '../ui.js';
import { modeText, practiceProfileRows, shiftStatusText, shiftSummary } from './clinician.js';
import { policySummary, rateChangesSection } from './rate_policy.js';

const MANAGER = { roles: ['practice_manager'] };
const DAY = 24 * 3600e3;
// An offer's state (core/offer.h) in words, and its tag's colour.
const OFFER_STATES = { pending: 'Waiting for an answer', accepted: 'Accepted', declined: 'Declined', withdrawn: 'Withdrawn', closed: 'Closed', lapsed: 'Lapsed' };
const OFFER_COLOURS = { pending: 'pending', accepted: 'accepted', declined: 'declined', withdrawn: 'withdrawn' };

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
  if (s.status === 'awaiting_approval') return 'awaiting';
  if (s.status === 'open' && start - now <= 2 * DAY) return 'attention';
  return 'open';
}

const STATES = [
  ['open', 'Open'], ['attention', 'Needs attention'], ['booked', 'Booked'], ['cancelled', 'Cancelled'], ['past', 'Past'],
];

// What each tab asks the API for at `now`: upcoming ones soonest first, cancelled and past ones latest first.
// A shift awaiting the pool's approval of its rate is one nobody has booked: it is with the open ones.
function stateParams(state, now) {
  const at = isoZ(now);
  switch (state) {
    case 'attention': return { status: 'open', from: at, to: isoZ(new Date(+now + 2 * DAY)) };
    case 'booked': return { status: 'booked', from: at };
    case 'cancelled': return { status: 'cancelled,withdrawn', sort: '-starts_at' };
    case 'past': return { status: 'open,booked,completed,awaiting_approval', to: at, sort: '-starts_at' };
    default: return { status: 'open,awaiting_approval', from: at };
  }
}

// The cap on the hourly-equivalent rate of the pool whose rate policy is over the practice's shifts
// (the organisation's `rate_policy_pool_id`): {poolName, cap} with cap in pence (0: none), or null
// when the practice is in no pool or the policy cannot be read.
async function capOf(practice) {
  const poolId = practice && practice.rate_policy_pool_id;
  if (!poolId) return null;
  const policy = await get(`/pools/${poolId}/rate-policy`).catch(() => null);
  if (!policy) return null;
  const pool = (practice.pools || []).find((x) => x.id === poolId);
  return { poolName: pool ? pool.name : 'your pool', cap: policy.cap_hourly_pence || 0 };
}

// A rate with its hourly equivalent when paid by the session: "£600.00 a session (£150.00 an hour)".
function rateWithHourly(s) {
  return `${rate(s.rate_pence, s.rate_unit)}${s.rate_unit === 'session' && s.hourly_equivalent_pence ? ` (${pounds(s.hourly_equivalent_pence)} an hour)` : ''}`;
}

// What the form's estimate says when the rate typed is over the pool's cap (hourly: pence an hour).
function overCapNote(capped, hourly) {
  if (!capped || !capped.cap || !(hourly > capped.cap)) return null;
  return h('span', { id: 'over-cap' }, h('br'),
    `This is over the cap of ${pounds(capped.cap)} an hour that ${capped.poolName} sets: nobody in the pool will see the shift until the pool approves the rate.`);
}

// Why a shift awaits the pool's approval of its rate, and what the practice can do (its page).
function awaitingSection(s, capped) {
  const over = capped && capped.cap > 0
    ? `Its rate, ${rateWithHourly(s)}, is over the cap of ${pounds(capped.cap)} an hour that ${capped.poolName} sets for the hourly equivalent of a shift's rate.`
    : 'Its rate was over the cap your pool sets for the hourly equivalent of a shift\'s rate.';
  return h('div', { id: 'awaiting-approval' }, insetText(
    p(h('strong', {}, 'This shift is waiting for the pool\'s approval of its rate. '), over),
    p('Nobody in the pool can see or book it until the pool\'s administrator approves the rate. You will be told, by email and in your notifications, when they decide.'),
    p(capped && capped.cap > 0
      ? `If you lower the rate to ${pounds(capped.cap)} an hour or less (edit the shift), it opens to the pool at once. Or withdraw it if you no longer need it.`
      : 'If you lower the rate to within the cap (edit the shift), it opens to the pool at once. Or withdraw it if you no longer need it.')));
}

// The flash after posting or editing, for a shift that now awaits the pool's approval.
const AWAITING_TEXT = 'Its rate is over the pool\'s cap, so nobody in the pool sees it until the pool\'s administrator approves the rate. You will be told when they decide.';

// The later of two instants given as ISO text (either may be missing), and the earlier.
const later = (a, b) => (!a ? b : !b ? a : (new Date(a) > new Date(b) ? a : b));
const earlier = (a, b) => (!a ? b : !b ? a : (new Date(a) < new Date(b) ? a : b));

// A practice in no pool: nobody sees its shifts, and who could admit it (from GET /organisations/{id}).
export function poolNotice(practice) {
  const pools = practice.pools;
  if (!Array.isArray(pools) || pools.some((x) => x.member)) return null;
  const admins = (x) => x.administrators.map((a) => h('span', {}, a.name, ' (', h('a', { class: 'nhsuk-link', href: `mailto:${a.email}` }, a.email), ')'));
  const join = (items) => items.flatMap((x, i) => (i ? [i === items.length - 1 ? ' or ' : ', ', x] : [x]));
  return h('div', { id: 'no-pool' }, warningCallout('Nobody can see your shifts yet',
    p(`${practice.name} is not a member of any pool, so no clinician can see or book its shifts. You can post shifts now: clinicians in a pool will see them once it admits your practice.`),
    pools.length
      ? h('ul', { class: 'nhsuk-list nhsuk-list--bullet', id: 'no-pool-who' }, pools.map((x) => h('li', {},
        x.administrators.length
          ? [`To join ${x.name}, ask its pool administrator: `, ...join(admins(x)), '.']
          : `${x.name} has no pool administrator yet: ask the system administrator to admit your practice.`)))
      : h('p', { class: 'nhsuk-body', id: 'no-pool-who' }, 'There is no pool in your area yet. Ask the system administrator to set one up and admit your practice.')));
}

route('/practice', async ({ query }) => {
  const practices = await practicesOf();
  if (!practices.length) return failed('Practice shifts', new ApiError(403, { error: { message: 'Your account does not manage a practice.' } }));
  const practice = practices.find((x) => String(x.id) === query.get('practice')) || practices[0];
  let current = query.get('state');
  if (!STATES.some(([k]) => k === current)) current = 'open';
  const now = new Date();
  let professions = Object.entries(ROLE_NAMES).map(([code, name]) => ({ code, name }));
  await get('/professions').then((r) => { if (r.items && r.items.length) professions = r.items; }).catch(() => {});
  const filters = filterForm({
    id: 'shift-filters', here: '/practice', query, keep: ['practice', 'state'], title: 'Filter shifts',
    fields: [
      { id: 'q', label: 'Search the details', hint: 'Words in the details for the clinician, like "minor illness"', type: 'search' },
      { id: 'role', label: 'Role', type: 'select', options: [{ value: '', text: 'Any role' }, ...professions.map((x) => ({ value: x.code, text: x.name || roleName(x.code) }))] },
      { id: 'from', label: 'From', hint: 'Shifts starting on or after this day, for example 27 3 2027', type: 'date', what: 'the first day' },
      { id: 'until', label: 'To', hint: 'Shifts starting on or before this day', type: 'date', what: 'the last day' },
    ],
  });
  const v = filters.values;
  const tab = stateParams(current, now);
  const params = {
    ...tab, practice_id: practice.id, role: v.role || null, q: v.q || null,
    from: later(tab.from, /^\d{4}-\d{2}-\d{2}$/.test(v.from) ? ukMidnightIso(v.from) : null),
    to: earlier(tab.to, /^\d{4}-\d{2}-\d{2}$/.test(v.until) ? ukMidnightIso(addDays(v.until, 1)) : null),
  };
  const [list, soon, awaiting] = await Promise.all([
    pagedList({ path: '/shifts', params, query, here: '/practice', noun: ['shift', 'shifts'] }),
    getAll('/shifts', { practice_id: practice.id, status: 'open', from: isoZ(now), to: isoZ(new Date(+now + 2 * DAY)) }, 200).catch(() => []),
    getAll('/shifts', { practice_id: practice.id, status: 'awaiting_approval', from: isoZ(now) }, 1000).catch(() => []),
  ]);
  const shifts = list.items;
  // Who is booked on, or waiting for, the shifts of this page.
  const booked = shifts.filter((s) => s.booking_id);
  const bookingOf = new Map();
  if (booked.length) {
    const first = booked.reduce((a, s) => (s.starts_at < a ? s.starts_at : a), booked[0].starts_at);
    const last = booked.reduce((a, s) => (s.starts_at > a ? s.starts_at : a), booked[0].starts_at);
    const bookings = await getAll('/bookings', { status: 'confirmed', from: first, to: isoZ(new Date(+new Date(last) + 1000)) }, 2000).catch(() => []);
    for (const b of bookings) bookingOf.set(b.shift_id, b);
  }
  const applicants = new Map();
  if (shifts.some((s) => s.status === 'open' && s.booking_mode === 'approval')) {
    for (const a of await getAll('/applications', { status: 'pending' }, 2000).catch(() => [])) applicants.set(a.shift_id, (applicants.get(a.shift_id) || 0) + 1);
  }
  const base = practices.length > 1 ? `practice=${practice.id}&` : '';
  const tabs = h('nav', { class: 'fp-views', 'aria-label': 'Shifts by state' },
    h('ul', { class: 'fp-views__list' }, STATES.map(([k, label]) => h('li', {},
      h('a', { class: `fp-views__link${k === 'attention' && soon.length ? ' fp-views__link--attention' : ''}`, href: `/practice?${base}state=${k}`, 'aria-current': k === current ? 'page' : null, id: `state-${k}` },
        k === 'attention' ? `${label} (${soon.length})` : label)))));
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
    if (s.status === 'awaiting_approval') return 'Not seen by clinicians yet';
    return s.status === 'open' ? (s.booking_mode === 'approval' ? 'No applicants yet' : 'Not booked yet') : '';
  };
  const label = STATES.find(([k]) => k === current)[1];
  const body = shifts.length
    ? [list.summary, table({
      caption: `${label} shifts`, id: 'practice-shifts',
      head: ['Date', 'Time', 'Role', 'Rate', 'Status', 'Clinician', 'Action'],
      rows: shifts.map((s) => [
        shortDate(s.starts_at), timeRange(s.starts_at, s.ends_at), roleName(s.role), rate(s.rate_pence, s.rate_unit),
        { text: statusCell(s) }, whoCell(s),
        { text: link(`/practice/shifts/${s.id}`, 'Manage', { 'aria-label': `Manage ${roleName(s.role)} shift on ${shortDate(s.starts_at)} at ${timeRange(s.starts_at, s.ends_at)}` }) },
      ]),
    }), list.nav]
    : h('p', { class: 'nhsuk-body', id: 'practice-shifts-none' }, filters.active.length ? 'No shifts match these filters.'
      : { open: 'No open shifts.', attention: 'Nothing needs attention: every shift in the next 48 hours is filled.', booked: 'No booked shifts coming up.', cancelled: 'No cancelled or withdrawn shifts.', past: 'No past shifts.' }[current]);
  page('Practice shifts', pageHeading('Shifts', practice.name),
    practicePicker(practices, practice.id, '/practice'),
    poolNotice(practice),
    buttonLink(`/practice/shifts/new${practices.length > 1 ? `?practice=${practice.id}` : ''}`, 'Post a shift'),
    soon.length ? warningCallout('Shifts need attention', p(`${soon.length} open shift${soon.length === 1 ? '' : 's'} start${soon.length === 1 ? 's' : ''} within 48 hours with nobody booked.`)) : null,
    awaiting.length ? h('div', { id: 'awaiting-approval-count' }, insetText(p(
      `${awaiting.length} shift${awaiting.length === 1 ? ' is' : 's are'} waiting for the pool's approval of ${awaiting.length === 1 ? 'its rate' : 'their rates'}, which ${awaiting.length === 1 ? 'is' : 'are'} over the pool's cap: nobody in the pool sees ${awaiting.length === 1 ? 'it' : 'them'} until then. `,
      current === 'open' ? `${awaiting.length === 1 ? 'It is' : 'They are'} with the open shifts below.` : link(`/practice?${base}state=open`, 'See the open shifts')))) : null,
    tabs, filters.element, body);
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

// What a practice accepts when it posts (issue 13): the default terms of each pool it is in, which
// the bookings made through that pool run on, and the pool's staff-sharing agreement with it.
async function postingTerms(practice) {
  const mine = (practice.pools || []).filter((x) => x.member !== false);
  const got = (await Promise.all(mine.map((x) => get(`/pools/${x.id}/terms`).then((t) => ({ pool: x, terms: t })).catch(() => null))))
    .filter(Boolean);
  if (!got.length) return null;
  return h('div', { id: 'posting-terms' },
    h('h2', { class: 'nhsuk-heading-m' }, 'The terms you accept by posting'),
    got.map(({ pool, terms }) => h('div', { class: 'fp-posting-terms' },
      p(`Bookings made through ${pool.name} run on its terms: ${termsSummary(terms)}`),
      terms.sharing_agreement
        ? h('details', { class: 'nhsuk-details' },
          h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text' }, `${pool.name}'s staff-sharing agreement`)),
          h('div', { class: 'nhsuk-details__text', id: `sharing-agreement-${pool.id}` }, terms.sharing_agreement.split('\n').map((line) => p(line))))
        : null)),
    p('Where you accept a clinician\'s application or offer them the shift, their own terms apply instead if they keep any; you see them before you accept.'));
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
  const capped = await capOf(practice);
  const accepted = await postingTerms(practice);
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
    releaseChoice(practice),
    textarea({ id: 'description', label: 'Details for the clinician (optional)', hint: 'For example, the kind of clinic, or who to ask for. Do not include patient information.', maxlength: '2000' }),
    checkbox({ id: 'repeat', label: 'Repeat every week at the same time', hint: 'Posts a series of shifts, one each week.', onChange: (e) => { repeatCount.hidden = !e.target.checked; } }),
    repeatCount,
    accepted,
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
      n > 1 ? `, ${pounds(fee * n)} for all ${n} weeks` : '', '.', overCapNote(capped, mins ? hourly : 0));
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
      booking_mode: v.booking_mode, location_type: v.location_type, description: v.description || '', release: v.release || 'all',
    };
    if (v.repeat) body.repeat = { every: 'week', count: Number(v.repeat_count) };
    await busy(form, async () => {
      try {
        const res = await post('/shifts', body);
        if (res.items) {
          const waiting = res.items.some((x) => x.status === 'awaiting_approval');
          flash(`${res.items.length} shifts posted${waiting ? ': awaiting the pool\'s approval' : ''}`, `${roleName(v.role)}, every ${new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long' }).format(t.start)} ${timeRange(t.start, t.end)}, from ${longDate(t.start)}.${waiting ? ` ${AWAITING_TEXT}` : ''}`);
          navigate('/practice?state=open');
        } else if (res.status === 'awaiting_approval') {
          flash('Shift posted: awaiting the pool\'s approval', `${roleName(res.role)}, ${when(res.starts_at, res.ends_at)}. ${AWAITING_TEXT}`);
          navigate(`/practice/shifts/${res.id}`);
        } else {
          flash('Shift posted', `${roleName(res.role)}, ${when(res.starts_at, res.ends_at)}. ${body.release === 'tiered' ? 'Your favourite clinicians can see it now; the pool when its turn comes.' : 'Clinicians in the pool can see it now.'}`);
          navigate(`/practice/shifts/${res.id}`);
        }
      } catch (err) {
        showApiError(form, summary, err, { starts_at: 'date', ends_at: 'end_time', rate_pence: 'rate', break_minutes: 'break_minutes', role: 'role' });
      }
    });
  });
  page('Post a shift', summary, backLink('/practice', 'Back to shifts'), pageHeading('Post a shift', practice.name), poolNotice(practice), form);
  updateEstimate();
}, MANAGER);

// Releasing a shift in tiers --------------------------------------------------------------------

const DEFAULT_DELAYS = { pool_after_hours: 24, pool_before_start_hours: 168, overflow_before_start_hours: 72 };

// "24 hours", "7 days", "36 hours": whole days when the hours make them.
function delayText(hoursCount) {
  if (hoursCount && hoursCount % 24 === 0) return hoursCount === 24 ? '1 day' : `${hoursCount / 24} days`;
  return hoursCount === 1 ? '1 hour' : `${hoursCount} hours`;
}

// The posting form's choice: to the whole pool now (the default), or in tiers by the practice's delays.
function releaseChoice(practice) {
  const d = practice.release_delays || DEFAULT_DELAYS;
  return radios({ id: 'release', legend: 'Who sees it first?', value: 'all', items: [
    { value: 'all', text: 'Everyone in the pool, now' },
    { value: 'tiered', text: 'Your favourite clinicians first',
      hint: `Your favourites see it at once, the pool after ${delayText(d.pool_after_hours)} or when ${delayText(d.pool_before_start_hours)} remain before the start, whichever is first, and clinicians of other pools in your ICB that take overflow when ${delayText(d.overflow_before_start_hours)} remain. Change these times in the practice settings.` }] });
}

const TIER_TEXT = { favourites: 'Your favourite clinicians', pool: 'Everyone in your pools', overflow: 'Everyone in your pools, and other pools in your ICB that take overflow' };

// Who sees a shift released in tiers now, and when the next tier sees it.
function releaseSection(s) {
  const r = s.release;
  if (!r || r.mode !== 'tiered') return null;
  const at = (t) => `${longDate(t)} at ${time(t)}`;
  return [h('h2', { class: 'nhsuk-heading-m', id: 'release-heading' }, 'Who can see it'),
    summaryList([
      ['Open to now', h('span', { id: 'release-tier' }, TIER_TEXT[r.tier] || r.tier)],
      ['Your pools see it from', h('span', { id: 'release-pool' }, at(r.pool_opens_at))],
      ['Other pools in your ICB from', h('span', { id: 'release-overflow' }, r.overflow_opens_at ? at(r.overflow_opens_at) : 'Never')],
      r.next_opens_at ? ['Next opens', h('span', { id: 'release-next' }, at(r.next_opens_at))] : null,
    ])];
}

// One shift, as the practice sees it ------------------------------------------------------------

route('/practice/shifts/:id', async ({ params }) => {
  const id = params.id;
  const s = await get(`/shifts/${encodeURIComponent(id)}`);
  const awaiting = s.status === 'awaiting_approval';
  const [bookings, applications, types, offers, escalations, capped] = await Promise.all([
    getAll('/bookings', { shift_id: s.id }, 200).catch(() => []),
    getAll('/applications', { shift_id: s.id }, 200).catch(() => []),
    get('/passport/check-types').then((t) => t.items).catch(() => []),
    getAll(`/shifts/${s.id}/offers`, {}, 100).catch(() => []),
    get(`/shifts/${s.id}/escalations`).then((x) => x.items || []).catch(() => []),
    // The pool's cap, to say by how much the rate is over it (the practice's pool for its rate policy).
    awaiting ? get(`/organisations/${s.practice.id}`).then(capOf).catch(() => null) : null,
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
        ['Messages', link(`/messages/bookings/${booking.id}`, 'Messages with the clinician', { id: 'booking-messages' })],
        ['Agreed fee', pounds(booking.fee_pence)],
        booking.terms ? ['Terms agreed', h('span', { id: 'booked-terms' }, `${termsSummary(booking.terms)} (${termsWhose(booking.terms, 'practice')})`)] : null,
        ['Booked on', shortDate(booking.created_at)],
        booking.attendance === 'did_not_attend'
          ? ['Attendance', h('span', { id: 'booked-attendance' }, tag('Did not attend', 'cancelled'), ` Recorded on ${shortDate(booking.attendance_recorded_at)}.`)]
          : null,
      ].filter(Boolean)));
    const started = new Date(s.starts_at) <= new Date();
    const approved = booking.timesheet && booking.timesheet.state === 'approved';
    if (started && !booking.attendance && approved) {
      // An approved timesheet says the session was worked: it cannot then be recorded as not attended.
      sections.push(h('div', { id: 'timesheet-approved-note' },
        p('You approved the timesheet for this session, so it cannot be recorded as not attended. ', link('/practice/timesheets?state=approved', 'See the approved timesheets'), '.')));
    }
    if (started && !booking.attendance && !approved) {
      // Once a shift has started a booking cannot be cancelled; the practice can record that the
      // clinician did not come (on a page of its own, to confirm).
      sections.push(h('div', { id: 'did-not-attend-action' },
        h('h3', { class: 'nhsuk-heading-s' }, 'Did the clinician not come?'),
        p('This shift has started, so the booking can no longer be cancelled. If the clinician did not come, record it: they will see it, and it is counted apart in the figures.'),
        buttonLink(`/practice/shifts/${s.id}/did-not-attend`, 'Did not attend', 'secondary')));
    }
    if (!started) {
      sections.push(h('div', { id: 'practice-cancel-action' },
        h('h3', { class: 'nhsuk-heading-s' }, 'Cancel this booking'),
        p('The clinician will see the booking as cancelled, with your reason. The shift stays cancelled until you re-open it.'),
        booking.terms ? cancellationFeeNow(booking) : null,
        buttonLink(`/practice/shifts/${s.id}/cancel-booking`, 'Cancel booking', 'secondary')));
    }
  }

  const pending = applications.filter((a) => a.status === 'pending');
  // Nobody can apply for a shift awaiting the pool's approval of its rate: no section until they can.
  if ((s.booking_mode === 'approval' && !awaiting) || applications.length) {
    sections.push(h('h2', { class: 'nhsuk-heading-m' }, 'Applicants'));
    if (!applications.length) sections.push(p('Nobody has applied yet.'));
    else {
      const act = (a, verb) => async (e) => {
        e.currentTarget.disabled = true;
        try {
          await post(`/applications/${a.id}/${verb}`);
          flash('Applicant accepted', `${a.clinician_name} is booked for this shift and has been told, by email and in their notifications. The other applicants have been told that someone else was chosen.`);
          navigate(`/practice/shifts/${s.id}`, { replace: true });
        } catch (err) { e.target.disabled = false; problem(err); }
      };
      sections.push(table({
        caption: `${pending.length} waiting for an answer`, captionSize: 's', id: 'applicants',
        head: ['Clinician', 'Applied', 'Status', 'Passport', 'Terms if accepted', 'Action'],
        rows: applications.map((a) => [
          { text: [a.clinician_name, h('br'), h('a', { class: 'nhsuk-link nhsuk-body-s', href: `/messages/applications/${a.id}` }, 'Messages', h('span', { class: 'nhsuk-u-visually-hidden' }, ` with ${a.clinician_name}`))] },
          shortDate(a.created_at),
          { text: tag({ pending: 'Waiting', accepted: 'Accepted', declined: 'Declined', withdrawn: 'Withdrawn' }[a.status] || a.status, a.status) },
          { text: passportCell(a) },
          // What accepting agrees to: the applicant's own terms where they keep any (the API's answer).
          { text: a.status === 'pending' && a.terms ? h('span', { class: 'nhsuk-body-s fp-applicant-terms' }, `${termsSummary(a.terms)} (${termsWhose(a.terms, 'practice')})`) : '' },
          { text: a.status === 'pending' && s.status === 'open' ? h('div', { class: 'fp-button-row' },
            a.bookable === false ? h('p', { class: 'nhsuk-body-s fp-not-bookable' }, whyNot(a)) : h('button', { class: 'nhsuk-button nhsuk-button--small fp-table-button', type: 'button', onclick: act(a, 'accept') }, 'Accept', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${a.clinician_name}`)),
            h('a', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', href: `/practice/shifts/${s.id}/applications/${a.id}/decline` }, 'Decline', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${a.clinician_name}`))) : '' },
        ]),
      }));
    }
  }

  // Direct offers (issue 12): sent from Find cover for this shift; each with its state now.
  const canOffer = s.status === 'open' && new Date(s.starts_at) > new Date();
  if (canOffer || offers.length) {
    sections.push(h('h2', { class: 'nhsuk-heading-m', id: 'offers-heading' }, 'Offers'));
    if (canOffer) {
      sections.push(p('Offer this shift directly to clinicians in your pools who said they are available. They are told by email and in their notifications, and the first to accept is booked. An offer lapses after 24 hours, or when the shift starts if that is sooner.'),
        h('div', { id: 'offer-action' }, buttonLink(`/practice/cover?shift=${s.id}`, 'Offer this shift', 'secondary')));
    }
    if (offers.length) {
      sections.push(table({
        caption: 'Offers sent, the newest first', captionSize: 's', id: 'offers',
        head: ['Clinician', 'Sent', 'State', 'Action'],
        rows: offers.map((o) => [
          o.clinician_name,
          shortDate(o.sent_at),
          { text: o.state === 'accepted' && o.booking_status === 'cancelled' ? tag('Accepted, then the booking was cancelled', 'cancelled')
            : tag(OFFER_STATES[o.state] || o.state, OFFER_COLOURS[o.state] || 'past') },
          { text: o.state === 'pending' ? h('a', { class: 'nhsuk-link', href: `/practice/offers/${o.id}/withdraw`, id: `withdraw-offer-${o.id}` }, 'Withdraw', h('span', { class: 'nhsuk-u-visually-hidden' }, ` the offer to ${o.clinician_name}`)) : '' },
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
  if ((s.status === 'open' || awaiting) && new Date(s.starts_at) > new Date()) {
    sections.push(h('div', { id: 'edit-action' },
      h('h2', { class: 'nhsuk-heading-m' }, 'Change this shift'),
      p(awaiting ? 'You can change the times, rate and details. A rate within the pool\'s cap opens the shift to the pool at once.'
        : 'You can change the times, rate and details while nobody has booked it.'),
      buttonLink(`/practice/shifts/${s.id}/edit`, 'Edit shift', 'secondary')));
    sections.push(h('div', { id: 'withdraw-action' },
      h('h2', { class: 'nhsuk-heading-m' }, 'No longer needed?'),
      p(awaiting ? 'Withdrawing it means the pool no longer has to decide on its rate, and nobody will ever see it.'
        : 'Withdrawing removes the shift from the pool. You can only withdraw a shift nobody has booked.'),
      buttonLink(`/practice/shifts/${s.id}/withdraw`, 'Withdraw shift', 'secondary')));
  }
  if (s.series_id) {
    sections.push(h('div', { id: 'series-actions' },
      h('h2', { class: 'nhsuk-heading-m' }, 'The weekly series'),
      p('This shift is one of a series posted to repeat every week. You can change or withdraw all of its shifts that have not started and nobody has booked.'),
      h('div', { class: 'nhsuk-button-group' },
        buttonLink(`/practice/series/${s.series_id}/edit?shift=${s.id}`, 'Edit the whole series', 'secondary'),
        buttonLink(`/practice/series/${s.series_id}/withdraw?shift=${s.id}`, 'Withdraw the whole series', 'secondary'))));
  }
  if (history.length) {
    sections.push(h('h2', { class: 'nhsuk-heading-m' }, 'Cancelled bookings'),
      table({
        caption: 'Earlier bookings of this shift', captionSize: 's', id: 'cancelled-bookings',
        head: ['Clinician', 'Cancelled by', 'When', 'Reason', { text: 'Cancellation fee owed', numeric: true }],
        rows: history.map((b) => [b.clinician_name, { text: [b.cancelled_by === 'clinician' ? 'The clinician' : 'The practice', b.late ? [' ', tag('Late', 'late')] : null] }, shortDate(b.cancelled_at), b.reason || '',
          { text: b.cancellation_fee_pence > 0 ? pounds(b.cancellation_fee_pence) : 'None', numeric: true }]),
      }));
  }
  const label = { open: shiftStatusText(s.status), attention: 'Open: needs attention', awaiting: shiftStatusText(s.status), booked: 'Booked', cancelled: shiftStatusText(s.status), past: 'Past' }[state];
  page(`${roleName(s.role)}, ${shortDate(s.starts_at)}`, summary, backLink('/practice', 'Back to shifts'),
    pageHeading(`${roleName(s.role)}, ${shortDate(s.starts_at)}`, s.practice.name),
    h('p', { class: 'nhsuk-body', id: 'shift-status' }, tag(label, state === 'attention' ? 'attention' : s.status)),
    state === 'awaiting' ? awaitingSection(s, capped) : null,
    shiftSummary(s, { withPractice: false }), s.status === 'open' ? releaseSection(s) : null, rateChangesSection(escalations, s.rate_unit), sections);
}, MANAGER);

// Edit an open shift ----------------------------------------------------------------------------

route('/practice/shifts/:id/edit', async ({ params }) => {
  const s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  const title = `Edit ${roleName(s.role)}, ${shortDate(s.starts_at)}`;
  const back = backLink(`/practice/shifts/${s.id}`, 'Back to the shift');
  const awaiting = s.status === 'awaiting_approval';
  if (s.status !== 'open' && !awaiting) {
    return page(title, back, pageHeading(title, s.practice.name),
      p(`This shift is ${shiftStatusText(s.status).toLowerCase()}: you can only change a shift while it is open and nobody has booked it.`));
  }
  // The pool's cap, to say as the rate is typed whether the pool must approve it.
  const capped = await get(`/organisations/${s.practice.id}`).then(capOf).catch(() => null);
  const start = ukParts(s.starts_at), end = ukParts(s.ends_at);
  const hhmm = (x) => `${String(x.hh).padStart(2, '0')}:${String(x.mm).padStart(2, '0')}`;
  const summary = h('div');
  const estimate = h('p', { class: 'nhsuk-body fp-estimate', id: 'estimate', 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, id: 'edit-shift-form' },
    awaiting ? insetText(p(capped && capped.cap > 0
      ? `This shift is waiting for the pool's approval of its rate, which is over the cap of ${pounds(capped.cap)} an hour. A rate of ${pounds(capped.cap)} an hour or less opens it to the pool when you save.`
      : 'This shift is waiting for the pool\'s approval of its rate, which is over the pool\'s cap. A rate within the cap opens it to the pool when you save.')) : null,
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
    const hourly = v.rate_unit === 'session' ? (mins ? Math.round((pence * 60) / mins) : 0) : pence;
    estimate.replaceChildren(h('strong', {}, `Estimated fee: ${pounds(fee)}`), ` for ${hours(mins)} worked.`, overCapNote(capped, hourly));
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
        const what = `${roleName(res.role)}, ${when(res.starts_at, res.ends_at)}, ${rate(res.rate_pence, res.rate_unit)}.`;
        if (res.status === 'awaiting_approval') flash('Shift changed: awaiting the pool\'s approval', `${what} ${AWAITING_TEXT}`);
        else if (awaiting) flash('Shift changed: open to the pool', `${what} Its rate is within the pool's cap now, so clinicians in the pool can see it.`);
        else flash('Shift changed', what);
        navigate(`/practice/shifts/${s.id}`);
      } catch (err) {
        if (err.code === 'invalid_state') err.message = 'This shift is no longer open, so it cannot be changed. Someone may have booked it, it was withdrawn, or the pool refused its rate.';
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
    practicePicker(practices, practice.id, '/practice/profile'),
    p('When your shifts are seen by whom: ', link(`/practice/settings${practices.length > 1 ? `?practice=${practice.id}` : ''}`, 'practice settings', { id: 'practice-settings-link' }), '.'), form,
    preview.length ? [h('h2', { class: 'nhsuk-heading-m' }, 'What clinicians see now'), summaryList(preview)] : null);
}, MANAGER);

// The practice's settings: the delays of a shift released in tiers (PATCH /organisations/{id}
// `release_delays`, in hours; the page says days where the hours make whole days), how long
// its timesheets wait for a query before they are approved by themselves (`timesheet_auto_approve_days`),
// and whether the rates of its unfilled shifts rise under its pool's rate policy (`rate_escalation`;
// that pool's policy, `rate_policy_pool_id`, in words).
const WHOLE = /^\d{1,4}$/;

route('/practice/settings', async ({ query }) => {
  const practices = await practicesOf();
  const practice = practices.find((x) => String(x.id) === query.get('practice')) || practices[0];
  const d = practice.release_delays || DEFAULT_DELAYS;
  // The pool whose policy is over its shifts, as the server says (`rate_policy_pool_id`).
  const pool = (practice.pools || []).find((x) => x.id === practice.rate_policy_pool_id) || null;
  const policy = pool ? await get(`/pools/${pool.id}/rate-policy`).catch(() => null) : null;
  const summary = h('div');
  const escalationHint = [
    !pool ? 'Your practice is in no pool yet, so no rate rises until it joins one.'
      : policy ? h('span', { id: 'pool-rate-policy' }, `${pool.name}'s policy: ${policySummary(policy)}`)
        : `${pool.name} sets the steps and the cap.`,
    ' Each rise is a percentage of the rate you posted, never above the pool\'s cap if it sets one, and you are told each time. A rate you set again yourself counts as the posted rate from then on.',
  ];
  const form = h('form', { novalidate: true, id: 'practice-settings-form' },
    h('h2', { class: 'nhsuk-heading-m' }, 'Shifts released to your favourites first'),
    p('When you post a shift you can let your favourite clinicians see it first. These times say when everyone else does.'),
    input({ id: 'pool_after_hours', label: 'Your pools see it this many hours after you post it', hint: 'From 0 to 720. Usually 24.', suffix: 'hours', width: 4, inputmode: 'numeric', value: String(d.pool_after_hours) }),
    input({ id: 'pool_before_start_hours', label: 'Or, if sooner, when this many hours remain before the start', hint: 'From 0 to 2160. Usually 168, which is 7 days.', suffix: 'hours', width: 4, inputmode: 'numeric', value: String(d.pool_before_start_hours) }),
    input({ id: 'overflow_before_start_hours', label: 'Other pools in your ICB that take overflow see it when this many hours remain', hint: 'From 0 up to the hours above. Usually 72, which is 3 days.', suffix: 'hours', width: 4, inputmode: 'numeric', value: String(d.overflow_before_start_hours) }),
    h('h2', { class: 'nhsuk-heading-m' }, 'Timesheets'),
    input({ id: 'timesheet_auto_approve_days', label: 'A timesheet nobody queries is approved by itself this many days after it was submitted', hint: 'From 0 to 28. Usually 7. 0: never, every timesheet waits for you.', suffix: 'days', width: 3, inputmode: 'numeric', value: String(practice.timesheet_auto_approve_days ?? 7) }),
    h('h2', { class: 'nhsuk-heading-m' }, 'Rates of unfilled shifts'),
    p('Your pool can raise the rate of a shift nobody has booked as its start draws near, by its rate policy, so that the shift is more likely to be filled.'),
    checkbox({ id: 'rate_escalation', label: 'Raise the rates of our unfilled shifts by the pool\'s rate policy', checked: !!practice.rate_escalation, hint: escalationHint }),
    button('Save settings', { id: 'save-practice-settings' }));
  const validate = liveValidation(form, summary, {
    pool_after_hours: (v) => (!WHOLE.test(v.pool_after_hours) || +v.pool_after_hours > 720 ? 'Enter a whole number of hours from 0 to 720' : null),
    pool_before_start_hours: (v) => (!WHOLE.test(v.pool_before_start_hours) || +v.pool_before_start_hours > 2160 ? 'Enter a whole number of hours from 0 to 2160' : null),
    overflow_before_start_hours: (v) => {
      if (!WHOLE.test(v.overflow_before_start_hours) || +v.overflow_before_start_hours > 2160) return 'Enter a whole number of hours from 0 to 2160';
      if (WHOLE.test(v.pool_before_start_hours) && +v.overflow_before_start_hours > +v.pool_before_start_hours) return 'Other pools cannot see it before your own pools: enter at most the hours before the start above';
      return null;
    },
    timesheet_auto_approve_days: (v) => (!/^\d{1,2}$/.test(v.timesheet_auto_approve_days) || +v.timesheet_auto_approve_days > 28 ? 'Enter a whole number of days from 0 to 28' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const release_delays = {
      pool_after_hours: Number(v.pool_after_hours), pool_before_start_hours: Number(v.pool_before_start_hours),
      overflow_before_start_hours: Number(v.overflow_before_start_hours),
    };
    await busy(form, async () => {
      try {
        await patch(`/organisations/${practice.id}`, { release_delays, timesheet_auto_approve_days: Number(v.timesheet_auto_approve_days), rate_escalation: !!v.rate_escalation });
        flash('Settings saved', `Your open shifts released to favourites first follow the new times now, and your timesheets the new wait. ${v.rate_escalation
          ? 'The rates of your unfilled shifts rise by the pool\'s rate policy.' : 'The rates of your shifts stay as you post them.'}`);
        navigate(`/practice/settings${practices.length > 1 ? `?practice=${practice.id}` : ''}`, { replace: true });
      } catch (err) {
        showApiError(form, summary, err, Object.fromEntries(Object.keys(release_delays).map((k) => [`release_delays.${k}`, k])));
      }
    });
  });
  page('Practice settings', summary, pageHeading('Practice settings', practice.name),
    practicePicker(practices, practice.id, '/practice/settings'), form);
}, MANAGER);

// Destructive actions, each asked on a page of its own that says what will happen (confirm.js) --

// A page saying that there is nothing (left) to do, with the way back.
function nothingToDo(title, heading, text, back) {
  return page(title, backLink(back, 'Back to the shift'), pageHeading(heading), text ? p(text) : null, p(link(back, 'See the shift')));
}

// A reason field and its check, for the confirmations that ask for one.
function reasonField({ label, hint, max, required }) {
  const field = textarea({ id: 'reason', label, hint, maxlength: String(max) });
  const validate = (form, summary) => {
    const v = form.elements.reason.value.trim();
    const message = required && !v ? 'Enter why you are cancelling' : v.length > max ? `The reason must be ${max} characters or fewer` : null;
    setFieldError(form, 'reason', message);
    if (message) showErrorSummary(summary, [{ id: 'reason', text: message }]);
    else summary.replaceChildren();
    return !message;
  };
  return { field, validate };
}

route('/practice/shifts/:id/withdraw', async ({ params }) => {
  const s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  const back = `/practice/shifts/${s.id}`;
  const awaiting = s.status === 'awaiting_approval';
  if ((s.status !== 'open' && !awaiting) || new Date(s.starts_at) <= new Date()) {
    return nothingToDo('Withdraw this shift', 'This shift cannot be withdrawn',
      s.status === 'booked' ? 'Someone has booked it. Cancel the booking first if you no longer need them.' : 'Only an open shift that has not started can be withdrawn.', back);
  }
  confirmPage({
    title: 'Withdraw this shift', caption: `${roleName(s.role)}, ${when(s.starts_at, s.ends_at)}`,
    consequences: awaiting ? [
      'The pool will no longer be asked to approve its rate, and no clinician will ever see it.',
      'It cannot be re-opened: post a new shift if you need someone after all.',
    ] : [
      'Clinicians in the pool will no longer see it or be able to book it.',
      s.booking_mode === 'approval' ? 'Anyone who applied will see on their applications page that it was withdrawn.' : 'Nobody has booked it, so no booking is cancelled.',
      'It cannot be re-opened: post a new shift if you need someone after all.',
    ],
    confirmText: 'Withdraw shift', backHref: back,
    action: () => del(`/shifts/${s.id}`),
    done: () => {
      flash('Shift withdrawn', `${roleName(s.role)}, ${when(s.starts_at, s.ends_at)}.`);
      navigate('/practice', { replace: true });
    },
  });
}, MANAGER);

route('/practice/offers/:id/withdraw', async ({ params }) => {
  const o = await get(`/offers/${encodeURIComponent(params.id)}`);
  const back = `/practice/shifts/${o.shift_id}`;
  if (o.state !== 'pending') {
    return nothingToDo('Withdraw the offer', 'This offer can no longer be withdrawn',
      `It is ${(OFFER_STATES[o.state] || o.state).toLowerCase()}: only an offer still waiting for an answer can be withdrawn.`, back);
  }
  confirmPage({
    title: 'Withdraw the offer', caption: `${roleName(o.role)}, ${when(o.starts_at, o.ends_at)}`,
    details: summaryList([['Clinician', o.clinician_name], ['Shift', when(o.starts_at, o.ends_at)], ['Offered', `${shortDate(o.sent_at)}`]]),
    consequences: [
      `${o.clinician_name} can no longer accept it, and will be told in their notifications.`,
      'The shift stays open: others in your pools can still book it, and you can offer it to someone else.',
    ],
    confirmText: 'Withdraw offer', backText: 'No, keep the offer', backHref: back,
    formId: 'withdraw-offer-form', buttonId: 'withdraw-offer',
    action: () => post(`/offers/${o.id}/withdraw`),
    done: () => {
      flash('Offer withdrawn', `${o.clinician_name} can no longer accept this shift, and has been told.`);
      navigate(back, { replace: true });
    },
  });
}, MANAGER);

route('/practice/shifts/:id/cancel-booking', async ({ params }) => {
  const s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  const back = `/practice/shifts/${s.id}`;
  const b = (await getAll('/bookings', { shift_id: s.id, status: 'confirmed' }, 10))[0];
  if (!b) return nothingToDo('Cancel the booking', 'This shift has no booking to cancel', null, back);
  if (new Date(s.starts_at) <= new Date()) {
    return nothingToDo('Cancel the booking', 'This shift has started',
      'A booking can no longer be cancelled once its shift has started. If the clinician did not come, record that they did not attend.', back);
  }
  const late = new Date(s.starts_at) - new Date() < 2 * DAY;
  const reason = reasonField({ label: 'Why are you cancelling?', hint: 'The clinician will see this. 500 characters at most.', max: 500, required: true });
  confirmPage({
    title: 'Cancel the booking', caption: `${roleName(s.role)}, ${when(s.starts_at, s.ends_at)}`,
    // What cancelling now costs under the terms agreed, first: the rule is met before the button.
    details: [b.terms ? cancellationFeeNow(b, { lead: true }) : null,
      summaryList([['Clinician', b.clinician_name], ['Shift', when(s.starts_at, s.ends_at)], ['Agreed fee', pounds(b.fee_pence)],
        b.terms ? ['Terms agreed', `${termsSummary(b.terms)} (${termsWhose(b.terms, 'practice')})`] : null])],
    consequences: [
      `${b.clinician_name} will be told by email and in their notifications that the practice cancelled, with your reason, and will see it on their bookings page.`,
      late ? 'It starts within 48 hours, so it counts as a late cancellation by the practice.' : null,
      b.practice_cancellation_fee_now && b.practice_cancellation_fee_now.pence > 0
        ? `The practice owes ${b.clinician_name} a cancellation fee of ${pounds(b.practice_cancellation_fee_now.pence)}, as the terms agreed say.` : null,
      'The shift is then cancelled: nobody can book it until you re-open it.',
    ].filter(Boolean),
    fields: [reason.field], validate: reason.validate,
    confirmText: 'Cancel booking', backText: 'No, keep the booking', backHref: back,
    formId: 'practice-cancel-form', buttonId: 'practice-cancel',
    action: (form) => post(`/bookings/${b.id}/cancellation`, { reason: form.elements.reason.value.trim() }),
    done: (res) => {
      const fee = res && res.cancellation_fee_pence > 0 ? ` Under the terms agreed, the practice owes ${b.clinician_name} a cancellation fee of ${pounds(res.cancellation_fee_pence)}.` : '';
      flash('Booking cancelled', `${b.clinician_name} has been told, by email and in their notifications. The shift is cancelled: re-open it if you still need someone.${fee}`);
      navigate(back, { replace: true });
    },
  });
}, MANAGER);

route('/practice/shifts/:id/did-not-attend', async ({ params }) => {
  const s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  const back = `/practice/shifts/${s.id}`;
  const bookings = await getAll('/bookings', { shift_id: s.id, status: 'confirmed' }, 10);
  const b = bookings[0];
  if (!b || b.attendance) {
    return nothingToDo('Nothing to record', b ? 'Already recorded as did not attend' : 'This shift has no booking', null, back);
  }
  if (new Date(b.starts_at) > new Date()) {
    return nothingToDo('The shift has not started', 'This shift has not started yet',
      'You can record that the clinician did not attend once the shift has started. Until then you can cancel the booking.', back);
  }
  if (b.timesheet && b.timesheet.state === 'approved') {
    return nothingToDo('Timesheet approved', 'You approved this session\'s timesheet',
      'A session whose timesheet you approved was worked: it cannot be recorded as not attended.', back);
  }
  const submitted = b.timesheet && ['submitted', 'queried'].includes(b.timesheet.state);
  confirmPage({
    title: 'Record that the clinician did not attend', caption: b.clinician_name,
    details: summaryList([['Clinician', b.clinician_name], ['Shift', when(b.starts_at, b.ends_at)], ['Agreed fee', pounds(b.fee_pence)]]),
    consequences: [
      `${b.clinician_name} will see on their bookings page that the practice recorded they did not attend. Nothing is sent to them.`,
      'The session is counted apart in the figures: not as worked, not as unfilled.',
      submitted ? 'The timesheet the clinician submitted becomes "not worked": it will not be paid.' : null,
      'It cannot be undone here.',
    ],
    confirmText: 'Yes, record did not attend', backText: 'Go back without recording anything', backHref: back,
    formId: 'did-not-attend-form', buttonId: 'confirm-did-not-attend',
    action: () => post(`/bookings/${b.id}/did-not-attend`),
    done: () => {
      flash('Recorded: did not attend', `${b.clinician_name}, ${when(b.starts_at, b.ends_at)}.`);
      navigate(back, { replace: true });
    },
  });
}, MANAGER);

// Declining an applicant, with a reason the clinician sees on their applications page.
route('/practice/shifts/:id/applications/:app/decline', async ({ params }) => {
  const s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  const back = `/practice/shifts/${s.id}`;
  const applications = await getAll('/applications', { shift_id: s.id }, 200);
  const a = applications.find((x) => String(x.id) === params.app);
  if (!a || a.status !== 'pending') {
    return nothingToDo('Application already answered', 'This application has already been answered', null, back);
  }
  const others = applications.filter((x) => x.status === 'pending' && x.id !== a.id).length;
  const reason = reasonField({ label: 'Reason (optional)', hint: 'The clinician will see this on their applications page. 200 characters at most.', max: 200, required: false });
  confirmPage({
    title: 'Decline the applicant', caption: a.clinician_name,
    details: summaryList([['Clinician', a.clinician_name], ['Shift', when(s.starts_at, s.ends_at)], ['Applied', shortDate(a.created_at)]]),
    consequences: [
      `${a.clinician_name} will be told by email and in their notifications that you declined, with your reason if you give one.`,
      'They cannot apply for this shift again.',
      others ? `${others} other applicant${others === 1 ? ' is' : 's are'} still waiting for an answer.` : 'Nobody else is waiting: the shift stays open for others to apply.',
    ],
    fields: [reason.field], validate: reason.validate,
    confirmText: 'Decline applicant', backText: 'Keep the application waiting', backHref: back,
    formId: 'decline-form', buttonId: 'confirm-decline',
    action: (form) => {
      const text = form.elements.reason.value.trim();
      return post(`/applications/${a.id}/decline`, text ? { reason: text } : {}).then(() => text);
    },
    done: (text) => {
      flash('Applicant declined', `${a.clinician_name} has been told${text ? ', with your reason,' : ''} by email and in their notifications.`);
      navigate(back, { replace: true });
    },
  });
}, MANAGER);

// A weekly series as a whole (GET|PATCH|DELETE /api/v1/series/{id}) ------------------------------

const shiftsWord = (n) => `${n} shift${n === 1 ? '' : 's'}`;

// Where to go back to: the shift the manager came from, else the practice's shifts.
function seriesBack(query, series) {
  const from = query.get('shift');
  return /^\d+$/.test(from || '') && series.shifts.some((x) => String(x.id) === from) ? `/practice/shifts/${from}` : '/practice';
}

// The upcoming open shifts of a series (what a series change acts on) and the booked ones it keeps.
function seriesParts(series, now = new Date()) {
  const upcoming = series.shifts.filter((x) => new Date(x.starts_at) > now);
  // A shift awaiting the pool's approval of its rate is changed and withdrawn like an open one.
  return { open: upcoming.filter((x) => x.status === 'open' || x.status === 'awaiting_approval'), booked: upcoming.filter((x) => x.status === 'booked') };
}

function seriesProblem(err) {
  if (err.code === 'invalid_state') err.message = 'No shift of this series is still open: someone may have booked them, or they were withdrawn.';
  if (err.code === 'shift_started') err.message = 'Every shift of this series has started, so none can be changed.';
  return err;
}

route('/practice/series/:id/withdraw', async ({ params, query }) => {
  const series = await get(`/series/${encodeURIComponent(params.id)}`);
  const back = seriesBack(query, series);
  const { open, booked } = seriesParts(series);
  const what = `${roleName(series.role)}, ${series.shifts[0].practice.name}`;
  if (!open.length) {
    return page('Withdraw the whole series', backLink(back, 'Back'), pageHeading('There is nothing to withdraw in this series', what),
      p(booked.length ? `Its upcoming shifts are booked. Cancel a booking on its shift's page if you no longer need that clinician.` : 'None of its shifts is open and still to come.'),
      p(link(back, 'Go back')));
  }
  const clinicians = [...new Set(booked.map((x) => x.booked_clinician_id))].length;
  confirmPage({
    title: 'Withdraw the whole series', caption: what,
    details: summaryList([
      ['Shifts to withdraw', h('span', { id: 'series-withdraw-count' }, `${shiftsWord(open.length)}, from ${shortDate(open[0].starts_at)} to ${shortDate(open[open.length - 1].starts_at)}`)],
      ['Time', timeRange(open[0].starts_at, open[0].ends_at)],
    ]),
    consequences: [
      `${shiftsWord(open.length)} that nobody has booked will be withdrawn: clinicians in the pool will no longer see or book them.`,
      booked.length
        ? `${shiftsWord(booked.length)} of this series ${booked.length === 1 ? 'is' : 'are'} booked (${booked.map((x) => shortDate(x.starts_at)).join(', ')}) and will stay booked: ${clinicians === 1 ? 'the clinician keeps the booking' : `the ${clinicians} clinicians keep their bookings`}. Cancel a booking on its shift's page if you no longer need them.`
        : 'Nobody has booked any shift of this series, so no clinician loses a booking.',
      series.started ? `${shiftsWord(series.started)} that ${series.started === 1 ? 'has' : 'have'} already started ${series.started === 1 ? 'is' : 'are'} not changed.` : null,
      'Withdrawn shifts cannot be re-opened.',
    ].filter(Boolean),
    confirmText: `Withdraw ${shiftsWord(open.length)}`, backHref: back,
    action: () => del(`/series/${series.id}`).catch((err) => { throw seriesProblem(err); }),
    done: (res) => {
      const n = res.changed_shift_ids.length;
      flash('Series withdrawn', `${shiftsWord(n)} withdrawn${res.series.booked_upcoming ? `; ${shiftsWord(res.series.booked_upcoming)} stay${res.series.booked_upcoming === 1 ? 's' : ''} booked` : ''}.`);
      navigate('/practice', { replace: true });
    },
  });
}, MANAGER);

route('/practice/series/:id/edit', async ({ params, query }) => {
  const series = await get(`/series/${encodeURIComponent(params.id)}`);
  const back = seriesBack(query, series);
  const { open, booked } = seriesParts(series);
  const what = `${roleName(series.role)}, ${series.shifts[0].practice.name}`;
  if (!open.length) {
    return page('Edit the whole series', backLink(back, 'Back'), pageHeading('There is nothing to change in this series', what),
      p('None of its shifts is open and still to come. A booked shift keeps what was agreed.'), p(link(back, 'Go back')));
  }
  const s = open[0];
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'series-edit-form' },
    insetText(h('p', { class: 'nhsuk-body', id: 'series-edit-scope' },
      `Your changes apply to the ${shiftsWord(open.length)} of this series that nobody has booked, from ${shortDate(open[0].starts_at)} to ${shortDate(open[open.length - 1].starts_at)}.`,
      booked.length ? ` The ${shiftsWord(booked.length)} already booked keep${booked.length === 1 ? 's' : ''} what was agreed.` : ''),
      p('To change the date or times, edit each shift on its own.')),
    input({ id: 'break_minutes', label: 'Unpaid break, in minutes', width: 3, inputmode: 'numeric', value: String(s.break_minutes || 0), suffix: 'minutes' }),
    radios({ id: 'rate_unit', legend: 'How is the rate paid?', inline: true, value: s.rate_unit, items: [{ value: 'session', text: 'A session' }, { value: 'hour', text: 'An hour' }] }),
    input({ id: 'rate', label: 'Rate, in pounds', width: 5, prefix: '£', inputmode: 'decimal', value: (s.rate_pence / 100).toFixed(2) }),
    radios({ id: 'booking_mode', legend: 'How is it booked?', value: s.booking_mode, items: [
      { value: 'instant', text: 'Instantly', hint: 'The first eligible clinician who books it gets it.' },
      { value: 'approval', text: 'The practice chooses', hint: 'Clinicians apply, and you accept one of them.' }] }),
    radios({ id: 'location_type', legend: 'Where?', inline: true, value: s.location_type, items: [{ value: 'site', text: 'At the practice' }, { value: 'remote', text: 'Remote' }] }),
    textarea({ id: 'description', label: 'Details for the clinician (optional)', hint: 'For example, the kind of clinic, or who to ask for. Do not include patient information.', maxlength: '2000', value: s.description || '' }),
    h('div', { class: 'fp-button-row' },
      button(`Save changes to ${shiftsWord(open.length)}`, { id: 'save-series' }),
      link(back, 'Cancel and go back')));
  const length = (x) => (new Date(x.ends_at) - new Date(x.starts_at)) / 60e3;
  const shortest = Math.min(...open.map(length));
  const validate = liveValidation(form, summary, {
    break_minutes: (v) => {
      if (!/^\d{1,3}$/.test(v.break_minutes || '0')) return 'Enter the break in whole minutes, like 30';
      if (+v.break_minutes > 240) return 'The break must be 240 minutes or less';
      if (+v.break_minutes >= shortest) return 'The break must be shorter than the shift';
      return null;
    },
    rate: (v) => {
      if (!v.rate) return 'Enter the rate';
      const pence = parsePounds(v.rate);
      if (pence === null) return 'Enter the rate in pounds and pence, like 323.21';
      if (pence <= 0) return 'The rate must be more than £0';
      return null;
    },
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const body = {
      break_minutes: Number(v.break_minutes || 0), rate_pence: parsePounds(v.rate), rate_unit: v.rate_unit,
      booking_mode: v.booking_mode, location_type: v.location_type, description: v.description || '',
    };
    await busy(form, async () => {
      try {
        const res = await patch(`/series/${series.id}`, body);
        flash('Series changed', `${shiftsWord(res.changed_shift_ids.length)} changed: ${rate(body.rate_pence, body.rate_unit)}.${res.series.booked_upcoming ? ` ${shiftsWord(res.series.booked_upcoming)} already booked kept what was agreed.` : ''}`);
        navigate(back, { replace: true });
      } catch (err) {
        showApiError(form, summary, seriesProblem(err), { rate_pence: 'rate', break_minutes: 'break_minutes' });
      }
    });
  });
  page('Edit the whole series', summary, backLink(back, 'Back'), pageHeading('Edit the whole series', what), form);
}, MANAGER);
