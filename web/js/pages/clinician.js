// The clinician's pages (these must work on a phone): find shifts (list and calendar), a shift
// with its practice's profile and one-tap booking or applying, my bookings (list and calendar)
// with cancelling, my applications with withdrawing, and my pools with asking to join one.

import { ApiError, explain, get, getAll, post, qs, wordList } from '../api.js';
import { calendar, monthOf, monthRange } from '../calendar.js';
import { failed, flash, navigate, page, route, state } from '../app.js';
import { confirmPage } from '../confirm.js';
import { pagedList } from '../paging.js';
import { termsSummary, termsWhose } from '../terms.js';
import {
  busy, dateInputParts, dateInputValue, dateInputProblem, formValues, liveValidation, showApiError,
} from '../forms.js';
import {
  addDays, hours, isoZ, longDate, longDateOf, parsePounds, pounds, rate, roleName, ROLE_NAMES, shiftStatusText, shortDate, timeRange, ukMidnightIso, ukToday, when,
} from '../format.js';
import {
  backLink, banner, button, buttonLink, card, dateInput, h, NOT_CLICKABLE, input, insetText, link, p, pageHeading, panel, select, summaryList, table, tag,
  textarea, warningCallout,
} from '../ui.js';

const CLINICIAN = { roles: ['clinician'] };

export function modeText(mode) {
  return mode === 'approval' ? 'The practice chooses from applicants' : 'Book instantly';
}

// A shift's status in words (format.js), here too for the pages that take it from this module.
export { shiftStatusText };

function workedMinutes(s) {
  return Math.max(0, Math.round((new Date(s.ends_at) - new Date(s.starts_at)) / 60000) - (s.break_minutes || 0));
}

// What a clinician needs to know about a practice, from its profile.
export function practiceProfileRows(profile = {}) {
  const pr = profile || {};
  const sites = Array.isArray(pr.sites) && pr.sites.length
    ? h('ul', { class: 'nhsuk-list' }, pr.sites.map((x) => h('li', {}, [x.name, x.address, x.postcode].filter(Boolean).join(', '))))
    : null;
  return [
    ['Clinical system', pr.clinical_system === 'other' ? 'Other' : pr.clinical_system],
    ['Usual appointment length', pr.appointment_minutes ? `${pr.appointment_minutes} minutes` : null],
    ['Parking', pr.parking],
    ['Sites', sites],
    ['On arrival', pr.contact_on_arrival],
    ['IT access', pr.it_access],
    ['What a locum needs to know', pr.induction],
    ['Other notes', pr.notes],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
}

// The rules before they bite ---------------------------------------------------------------
// What a clinician may not book is said before they try: a banner on every page that offers work
// while their passport is not complete, and on each shift the server's own decision (`bookable`,
// `missing`: the check codes, named here from the catalogue, never shown as codes).

let catalogue = null;
function checkNames() {
  if (!catalogue) {
    catalogue = get('/passport/check-types')
      .then((r) => new Map((r.items || []).map((t) => [t.code, t.name])))
      .catch(() => { catalogue = null; return new Map(); });
  }
  return catalogue;
}
const namesOf = (names, codes) => (codes || []).map((c) => names.get(c) || 'a required check');

// The banner for a clinician whose passport is not complete today (null when it is).
async function passportBanner() {
  let pp;
  try {
    pp = await get(`/clinicians/${state.me.clinician_id}/passport`);
  } catch {
    return null;
  }
  if (!pp || pp.bookable) return null;
  const names = (pp.missing || []).map((code) => ((pp.checks || []).find((c) => c.code === code) || {}).name || 'a required check');
  const box = warningCallout('Your passport is not complete',
    p(names.length
      ? `You cannot book or apply for shifts until the pool has verified your ${wordList(names)}.`
      : 'You cannot book or apply for shifts until the pool has verified every check your profession needs.'),
    p(link('/passport', 'Go to your passport'), ' to upload the evidence. The pool checks it, and then you can book.'));
  box.id = 'passport-banner';
  return box;
}

// Why this clinician may not take shift s, in words (null when they may); short for a list.
function cannotBookText(s, names, { short = false } = {}) {
  if (s.bookable !== false) return null;
  const missing = namesOf(names, s.missing);
  if (!missing.length) return 'You cannot book this shift: it is not one your account and pools allow.';
  return short
    ? `Your passport needs ${wordList(missing)} for this day.`
    : `You cannot book this shift yet: your passport needs ${wordList(missing)}, verified and valid on ${longDate(s.starts_at)}.`;
}

// Find shifts ------------------------------------------------------------------------------

// The most shifts the calendar fetches for one month (five requests of 200).
const MONTH_MAX = 1000;

function filtersFromQuery(q) {
  return {
    from: q.get('from') || '', to: q.get('to') || '', role: q.get('role') || '', radius: q.get('radius') || '',
    near: q.get('near') || '', min_rate: q.get('min_rate') || '', practice_id: q.get('practice_id') || '',
    view: q.get('view') === 'calendar' ? 'calendar' : 'list', month: q.get('month') || '',
  };
}

function apiParams(f) {
  const params = { status: 'open' };
  const today = ukToday();
  params.from = f.from && /^\d{4}-\d{2}-\d{2}$/.test(f.from) ? ukMidnightIso(f.from) : isoZ(new Date());
  if (f.from && f.from < today) params.from = isoZ(new Date());
  if (f.to && /^\d{4}-\d{2}-\d{2}$/.test(f.to)) params.to = ukMidnightIso(addDays(f.to, 1));
  if (f.role) params.role = f.role;
  if (f.radius) params.radius_km = f.radius;
  if (f.near) params.near_postcode = f.near;
  if (f.min_rate) { const pence = parsePounds(f.min_rate); if (pence !== null) params.min_rate_pence = pence; }
  if (f.practice_id) params.practice_id = f.practice_id;
  return params;
}

function shiftCard(s, names) {
  const why = cannotBookText(s, names, { short: true });
  return h('li', { class: `fp-result${why ? ' fp-result--blocked' : ''}` }, card(
    `${roleName(s.role)} at ${s.practice.name}`, `/shifts/${s.id}`,
    h('p', { class: 'nhsuk-card__description fp-when' }, when(s.starts_at, s.ends_at)),
    h('ul', { class: 'nhsuk-list fp-facts' },
      h('li', {}, h('strong', {}, rate(s.rate_pence, s.rate_unit)), s.rate_unit === 'session' ? ` (about ${pounds(s.hourly_equivalent_pence)} an hour)` : ''),
      h('li', {}, s.location_type === 'remote' ? 'Remote' : [s.practice.postcode || '', s.distance_km !== undefined ? `, ${s.distance_km} km away` : '']),
      why
        ? h('li', { class: 'fp-cannot-book' }, tag('You cannot book this yet', 'attention'), ' ', why)
        : h('li', {}, tag(modeText(s.booking_mode), s.booking_mode === 'approval' ? 'pending' : 'open')))));
}

route('/shifts', async ({ query, isCurrent }) => {
  const f = filtersFromQuery(query);
  let professions = Object.entries(ROLE_NAMES).map(([code, name]) => ({ code, name }));
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'filters', class: 'fp-filters' },
    h('input', { type: 'hidden', name: 'view', value: f.view }),
    dateInput({ id: 'from', legend: 'From date', hint: 'Leave empty for today. For example, 27 3 2027', value: dateInputParts(f.from) }),
    dateInput({ id: 'to', legend: 'To date', hint: 'For example, 3 4 2027', value: dateInputParts(f.to) }),
    select({ id: 'role', label: 'Role', value: f.role, options: [{ value: '', text: 'Any role' }] }),
    select({ id: 'radius', label: 'Distance', value: f.radius, options: [{ value: '', text: 'Any distance' }, ...[5, 10, 20, 30, 50].map((k) => ({ value: String(k), text: `Within ${k} km` }))] }),
    input({ id: 'near', label: 'From postcode', value: f.near, width: 10, hint: 'Leave empty to use your home postcode', autocomplete: 'postal-code' }),
    input({ id: 'min_rate', label: 'Minimum rate, pounds an hour', value: f.min_rate, width: 5, prefix: '£', inputmode: 'decimal', hint: 'Session rates compare as their hourly equivalent' }),
    select({ id: 'practice_id', label: 'Practice', value: f.practice_id, options: [{ value: '', text: 'Any practice' }] }),
    button('Apply filters', { id: 'apply-filters' }),
    h('p', { class: 'nhsuk-body' }, link('/shifts', 'Clear filters')));
  const validate = liveValidation(form, summary, {
    from: (v) => dateInputProblem(v, 'from', 'the from date'),
    to: (v) => {
      const problem = dateInputProblem(v, 'to', 'the to date');
      if (problem) return problem;
      const from = dateInputValue(v, 'from'), to = dateInputValue(v, 'to');
      return to && from && to < from ? 'The to date must be the same as or after the from date' : null;
    },
    near: (v) => (v.near && !/^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$/.test(v.near) ? 'Enter a full UK postcode, like LS1 4AP' : null),
    min_rate: (v) => (v.min_rate && parsePounds(v.min_rate) === null ? 'Enter an amount in pounds, like 80 or 80.50' : null),
  }, { focusIdOf: (id) => (id === 'from' || id === 'to' ? `${id}-day` : id) });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    navigate(`/shifts${qs({ from: dateInputValue(v, 'from'), to: dateInputValue(v, 'to'), role: v.role, radius: v.radius, near: v.near, min_rate: v.min_rate, practice_id: v.practice_id, view: f.view === 'calendar' ? 'calendar' : '' })}`);
  });
  // Which filters are on, in words: on a phone the form is folded away, and its summary says so.
  const active = () => [
    f.from ? `from ${longDateOf(f.from)}` : null,
    f.to ? `to ${longDateOf(f.to)}` : null,
    f.role ? (professions.find((x) => x.code === f.role) || {}).name || roleName(f.role) : null,
    f.radius ? `within ${f.radius} km${f.near ? ` of ${f.near.toUpperCase()}` : ''}` : (f.near ? `near ${f.near.toUpperCase()}` : null),
    f.min_rate ? `at least £${f.min_rate} an hour` : null,
    f.practice_id ? 'one practice' : null,
  ].filter(Boolean);
  const summaryText = h('span', { class: 'nhsuk-details__summary-text', id: 'filters-summary' });
  const activeLine = h('p', { class: 'nhsuk-body fp-active-filters', id: 'filters-active' });
  const sayActive = () => {
    const on = active();
    summaryText.textContent = on.length ? `Filter shifts (${on.length} active: ${on.join(', ')})` : 'Filter shifts';
    if (on.length) activeLine.replaceChildren(`Showing only shifts ${on.join('; ')}. `, link('/shifts', 'Clear the filters'));
    activeLine.hidden = !on.length;
  };
  const filters = h('div', {},
    h('details', { class: 'nhsuk-details fp-filter-details', open: window.innerWidth >= 641 },
      h('summary', { class: 'nhsuk-details__summary' }, summaryText),
      h('div', { class: 'nhsuk-details__text' }, form)),
    activeLine);
  sayActive();
  const base = { ...f };
  const viewHref = (view) => `/shifts${qs({ ...base, view: view === 'calendar' ? 'calendar' : '', month: '' })}`;
  const views = h('nav', { class: 'fp-views', 'aria-label': 'How to show shifts' },
    h('ul', { class: 'fp-views__list' },
      h('li', {}, h('a', { class: 'fp-views__link', href: viewHref('list'), 'aria-current': f.view === 'list' ? 'page' : null }, 'List')),
      h('li', {}, h('a', { class: 'fp-views__link', href: viewHref('calendar'), 'aria-current': f.view === 'calendar' ? 'page' : null }, 'Calendar'))));
  const results = h('div', { id: 'results', 'aria-live': 'polite' }, p('Loading shifts…'));
  const [warning, names] = await Promise.all([passportBanner(), checkNames()]);
  if (!isCurrent()) return;
  page('Find shifts', summary, pageHeading('Find shifts'), warning,
    h('div', { class: 'nhsuk-grid-row' },
      h('div', { class: 'nhsuk-grid-column-one-third' }, filters),
      h('div', { class: 'nhsuk-grid-column-two-thirds' }, views, results)));

  // Filter options, then results.
  get('/professions').then((res) => {
    if (res && Array.isArray(res.items) && res.items.length) professions = res.items;
  }).catch(() => {}).finally(() => {
    const sel = form.elements.role;
    for (const pr of professions) sel.append(h('option', { value: pr.code, selected: pr.code === f.role }, pr.name || roleName(pr.code)));
    sayActive();
  });
  const params = apiParams(f);
  const addPractices = (shifts) => {
    const sel = form.elements.practice_id;
    const have = new Set([...sel.options].map((o) => o.value));
    for (const s of shifts) {
      if (have.has(String(s.practice.id))) continue;
      have.add(String(s.practice.id));
      sel.append(h('option', { value: s.practice.id, selected: String(s.practice.id) === f.practice_id }, s.practice.name));
    }
  };
  // A clinician in no pool sees no shifts whatever the filters: say so, and how to ask to join one.
  const myPools = get(`/clinicians/${state.me.clinician_id}`).then((c) => c.pools || []).catch(() => null);
  const myRequests = getAll('/me/join-requests', {}, 200).catch(() => []);
  try {
    const pools = await myPools;
    if (!isCurrent()) return;
    if (pools && !pools.length) {
      const waiting = (await myRequests).filter((jr) => jr.status === 'pending');
      if (!isCurrent()) return;
      results.replaceChildren(h('div', { id: 'no-pool' },
        h('h2', { class: 'nhsuk-heading-m' }, 'You are not in a pool yet'),
        p('You can only see and book the shifts of practices in a pool you belong to, so there are no shifts to show you.'),
        waiting.length
          ? p(`Your request to join ${waiting.map((jr) => jr.pool_name).join(', ')} is waiting for the pool administrator, who checks your registration before admitting you. You will see the answer on `, link('/pools', 'your pools page'), '.')
          : p('Ask to join a pool on ', link('/pools', 'your pools page'), '. The pool administrator checks your registration before admitting you.')));
      return;
    }
    if (f.view === 'calendar') {
      const { y, m } = monthOf(f.month && /^\d{4}-\d{2}$/.test(f.month) ? `${f.month}-01` : (f.from || ukToday()));
      const { first, next } = monthRange(y, m);
      const from = params.from > ukMidnightIso(first) ? params.from : ukMidnightIso(first);
      // The month's shifts, up to a limit the page can count: past it, the page says so (never a
      // count that silently leaves shifts out).
      const monthParams = { ...params, from, to: params.to && params.to < ukMidnightIso(next) ? params.to : ukMidnightIso(next) };
      const items = [];
      let cursor = null;
      do {
        const pg = await get(`/shifts${qs({ ...monthParams, limit: 200, cursor })}`);
        items.push(...(pg.items || []));
        cursor = pg.next_cursor;
      } while (cursor && items.length < MONTH_MAX);
      if (!isCurrent()) return;
      addPractices(items);
      results.replaceChildren(
        h('p', { class: 'nhsuk-body', id: 'result-count' }, cursor
          ? `More than ${items.length} open shifts in this month: the calendar counts the first ${items.length}, soonest first. Narrow the filters (a role, a distance, a practice) to count them all.`
          : `${items.length} open shift${items.length === 1 ? '' : 's'} in this month`),
        calendar({
          y, m, noun: ['shift', 'shifts'], day: query.get('day'),
          items: items.map((s) => ({
            at: s.starts_at, text: `${timeRange(s.starts_at, s.ends_at)} ${roleName(s.role)}, ${s.practice.name}`, href: `/shifts/${s.id}`, note: rate(s.rate_pence, s.rate_unit),
            flag: s.bookable === false ? `You cannot book this yet: your passport needs ${wordList(namesOf(names, s.missing)) || 'more checks'}.` : null,
          })),
          hrefFor: ({ y: yy, m: mm }) => `/shifts${qs({ ...base, view: 'calendar', month: `${yy}-${String(mm).padStart(2, '0')}` })}`,
        }));
      return;
    }
    const pageOf = await get(`/shifts${qs({ ...params, limit: 20 })}`);
    if (!isCurrent()) return;
    addPractices(pageOf.items);
    const list = h('ul', { class: 'nhsuk-list fp-results', id: 'shift-list' }, pageOf.items.map((x) => shiftCard(x, names)));
    const more = h('div');
    let cursor = pageOf.next_cursor;
    const showMore = () => {
      more.replaceChildren();
      if (!cursor) return;
      more.append(button('Show more shifts', { type: 'button', onclick: async () => {
        const next = await get(`/shifts${qs({ ...params, limit: 20, cursor })}`);
        addPractices(next.items);
        const nodes = next.items.map((x) => shiftCard(x, names));
        list.append(...nodes);
        cursor = next.next_cursor;
        const a = nodes.length ? nodes[0].querySelector('a') : null;
        if (a) a.focus();
        showMore();
      } }, 'secondary'));
    };
    showMore();
    results.replaceChildren(
      h('p', { class: 'nhsuk-body', id: 'result-count' }, pageOf.items.length
        ? `Showing ${pageOf.items.length}${cursor ? ' or more' : ''} open shift${pageOf.items.length === 1 && !cursor ? '' : 's'}, soonest first`
        : 'No open shifts match. Try a wider date range or distance.'),
      list, more);
  } catch (err) {
    if (!isCurrent()) return;
    if (err instanceof ApiError && err.field === 'near_postcode') {
      results.replaceChildren(p(explain(err)));
      return;
    }
    results.replaceChildren(h('div', { class: 'nhsuk-error-summary', role: 'alert' },
      h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'), p(explain(err))));
  }
}, CLINICIAN);

// One shift ------------------------------------------------------------------------------

// Refusals of booking or applying that trying again will not change, and the way on from each.
const REFUSAL_WAYS = {
  not_eligible: ['/passport', 'Go to your passport to upload the evidence'],
  shift_taken: ['/shifts', 'Find other shifts'],
  shift_started: ['/shifts', 'Find other shifts'],
  overlapping_booking: ['/bookings', 'See your bookings'],
  already_applied: ['/applications', 'See your applications'],
  approval_required: ['', 'See the shift as it is now'],
  instant_booking: ['', 'See the shift as it is now'],
};

// The terms a booking runs on, for the clinician: what they say and whose they are. `id` names the
// section; `lead` is the sentence that says how they come to apply (or did).
function termsSection(terms, id, heading, lead) {
  if (!terms) return null;
  const whose = termsWhose(terms, 'clinician');
  return h('div', { id },
    h('h2', { class: 'nhsuk-heading-m' }, heading),
    p(termsSummary(terms)),
    p(`These are ${whose}. `, lead,
      terms.source === 'clinician' ? [' ', link('/terms', 'Your terms of engagement'), ' can be changed for later bookings.'] : null));
}

// A booking of this shift that was cancelled, for the clinician: who cancelled, and any fee owed.
function cancelledBooking(b) {
  const fee = b.cancellation_fee_pence || 0;
  return h('div', { class: 'fp-cancelled-booking', id: `cancelled-booking-${b.id}` },
    h('h2', { class: 'nhsuk-heading-m' }, 'Your booking was cancelled'),
    p(b.cancelled_by === 'clinician' ? `You cancelled your booking on ${longDate(b.cancelled_at)}.` : `The practice cancelled your booking on ${longDate(b.cancelled_at)}.`,
      b.reason ? ` The reason given: ${b.reason}` : ''),
    b.cancelled_by === 'practice' && b.terms
      ? p(fee > 0
        ? [h('strong', {}, `Under the terms agreed, the practice owes you a cancellation fee of ${pounds(fee)}`), ` (the agreed fee was ${pounds(b.fee_pence)}).`]
        : 'The practice cancelled with enough notice: under the terms agreed, no cancellation fee is owed.')
      : null,
    b.terms ? p(`The terms agreed: ${termsSummary(b.terms)}`) : null);
}

export function shiftSummary(s, { withPractice = true } = {}) {
  const mins = workedMinutes(s);
  return summaryList([
    withPractice ? ['Practice', s.practice.name] : null,
    withPractice ? ['Address', h('span', { class: 'fp-address' }, s.location_type === 'remote' ? 'Remote session' : [s.practice.address || '', s.practice.address ? h('br') : null, s.practice.postcode || ''])] : null,
    ['Role', roleName(s.role)],
    ['Date', longDate(s.starts_at)],
    ['Time', `${timeRange(s.starts_at, s.ends_at)} (UK time)`],
    ['Break', s.break_minutes ? `${s.break_minutes} minutes, unpaid` : 'None'],
    ['Rate', rate(s.rate_pence, s.rate_unit)],
    ['Estimated fee', h('span', { id: 'estimated-fee' }, `${pounds(s.estimated_fee_pence ?? s.rate_pence)} for ${hours(mins)}`)],
    ['Booking', modeText(s.booking_mode)],
    s.description ? ['Details', s.description] : null,
  ], 'fp-shift-summary');
}

route('/shifts/:id', async ({ params }) => {
  const id = params.id;
  let s;
  try {
    s = await get(`/shifts/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      return page('Shift not found', backLink('/shifts', 'Back to shifts'), pageHeading('Shift not found'),
        p('This shift does not exist, or it is not one you can book. Shifts are shown to clinicians in the practice\'s pool whose profession matches.'));
    }
    throw err;
  }
  const me = state.me;
  const mine = s.booked_clinician_id && s.booked_clinician_id === me.clinician_id;
  // The clinician's own bookings of this shift: the one they hold (with the terms agreed), and any
  // cancelled (with the fee the practice owes for it).
  const [warning, names, myBookings] = await Promise.all([passportBanner(), checkNames(),
    getAll('/bookings', { shift_id: s.id }, 20).catch(() => [])]);
  const held = myBookings.find((b) => b.status === 'confirmed');
  const cancelled = myBookings.filter((b) => b.status === 'cancelled');
  const why = cannotBookText(s, names);
  const summarySlot = h('div');
  const actions = h('div', { id: 'shift-actions' });
  const started = new Date(s.starts_at) <= new Date();
  const profileRows = practiceProfileRows(s.practice.profile);
  if (mine) {
    actions.append(insetText(p(h('strong', {}, 'You are booked for this shift.'))),
      started
        ? p('The shift has started, so the booking can no longer be cancelled. ', link('/bookings', 'See your bookings'), '.')
        : p(link('/bookings', 'See your bookings'), ' or ', link(`/bookings/${s.booking_id}/cancel`, 'cancel this booking')),
      p(link(`/messages/bookings/${s.booking_id}`, 'Messages with the practice', { id: 'booking-messages' })),
      held ? termsSection(held.terms, 'booking-terms', 'Terms agreed', 'The booking runs on them, whatever changes later.') : null);
  } else if (s.status !== 'open' || started) {
    actions.append(insetText(p(started ? 'This shift has started, so it can no longer be booked.' : `This shift is ${shiftStatusText(s.status).toLowerCase()}, so it cannot be booked.`)));
  } else if (why) {
    // No Book or Apply button for a shift the booking would refuse: the reason and the way on.
    const box = warningCallout('You cannot book this shift yet', p(why), p(link('/passport', 'Go to your passport'), ' to upload the evidence; the pool checks it, and then you can book.'));
    box.id = 'cannot-book';
    actions.append(box);
  } else {
    const isApproval = s.booking_mode === 'approval';
    // The terms booking it would run on, said before the button that accepts them.
    const terms = s.terms ? termsSection(s.terms, 'shift-terms', 'Terms of engagement', [
      isApproval ? 'If the practice accepts your application, the booking runs on these terms.' : 'By booking this shift you accept these terms.',
      isApproval && s.terms.source === 'pool' ? [' ', link('/terms', 'Set your own terms'), ' for the bookings a practice approves.'] : null,
    ]) : null;
    const form = h('form', { novalidate: true, id: 'book-form' },
      isApproval ? p('The practice chooses from the clinicians who apply. You will see their answer under My applications.') : p('Booking is instant: the shift is yours as soon as you book it.'),
      terms,
      button(isApproval ? 'Apply for this shift' : 'Book this shift', { id: 'book-button' }));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      await busy(form, async () => {
        try {
          if (isApproval) {
            await post(`/shifts/${s.id}/applications`);
            page('Application sent',
              panel('Application sent', `${roleName(s.role)} at ${s.practice.name}, ${when(s.starts_at, s.ends_at)}`),
              h('h2', { class: 'nhsuk-heading-m' }, 'What happens next'),
              p('The practice will accept or decline your application. You can check or withdraw it under ', link('/applications', 'My applications'), '.'),
              shiftSummary(s), p(link('/shifts', 'Find more shifts')));
          } else {
            const b = await post(`/shifts/${s.id}/booking`);
            page('Shift booked',
              panel('Shift booked', `${roleName(s.role)} at ${s.practice.name}`, h('br'), when(s.starts_at, s.ends_at)),
              h('h2', { class: 'nhsuk-heading-m' }, 'Your booking'),
              summaryList([
                ['Practice', s.practice.name],
                ['Date', longDate(b.starts_at)],
                ['Time', `${timeRange(b.starts_at, b.ends_at)} (UK time)`],
                ['Agreed fee', pounds(b.fee_pence)],
                b.terms ? ['Terms agreed', `${termsSummary(b.terms)} (${termsWhose(b.terms, 'clinician')})`] : null,
                ['Booking reference', `FP-${b.id}`],
              ]),
              p('The practice can see your booking now. If you cannot make it, cancel as early as you can: cancelling within 48 hours of the start counts as a late cancellation.'),
              p(link('/bookings', 'See all your bookings'), ' or ', link('/shifts', 'find more shifts'), '.'));
          }
        } catch (err) {
          showApiError(form, summarySlot, err);
          // A refusal that trying again will not change: the button goes, and the reason and the
          // way on take its place.
          const way = REFUSAL_WAYS[err instanceof ApiError ? err.code : ''];
          if (way) {
            const box = warningCallout(isApproval ? 'You cannot apply for this shift' : 'You cannot book this shift', p(explain(err)), p(link(way[0] || `/shifts/${s.id}`, way[1])));
            box.id = 'refusal';
            actions.replaceChildren(box);
          }
        }
      });
    });
    actions.append(form);
  }
  page(`${roleName(s.role)} at ${s.practice.name}`, summarySlot, backLink('/shifts', 'Back to shifts'),
    pageHeading(`${roleName(s.role)} at ${s.practice.name}`, shortDate(s.starts_at)), warning,
    h('p', { class: 'nhsuk-body' }, tag(shiftStatusText(mine ? 'booked' : s.status), mine ? 'booked' : s.status)),
    h('p', { class: 'nhsuk-body-l fp-key-facts' }, `${timeRange(s.starts_at, s.ends_at)} (UK time), ${rate(s.rate_pence, s.rate_unit)}: about ${pounds(s.estimated_fee_pence ?? s.rate_pence)} for the session.`),
    actions,
    mine ? null : cancelled.map(cancelledBooking),
    h('h2', { class: 'nhsuk-heading-m' }, 'Shift details'),
    shiftSummary(s),
    h('h2', { class: 'nhsuk-heading-m' }, 'What to expect at the practice'),
    profileRows.length ? summaryList(profileRows) : p('The practice has not written its profile yet. Contact the practice if you need to know more before the session.'));
}, CLINICIAN);

// My bookings ----------------------------------------------------------------------------
// Upcoming (soonest first, a session under way among them) and past (the sessions worked, most
// recent first, with any the practice recorded as not attended marked so), each paged 25 at a
// time from the API's cursors; and the month's calendar.

const BOOKING_VIEWS = [['upcoming', 'Upcoming'], ['past', 'Past'], ['calendar', 'Calendar']];

function bookingViews(view) {
  return h('nav', { class: 'fp-views', 'aria-label': 'How to show bookings' },
    h('ul', { class: 'fp-views__list' }, BOOKING_VIEWS.map(([v, text]) => h('li', {},
      h('a', { class: 'fp-views__link', href: v === 'upcoming' ? '/bookings' : `/bookings?view=${v}`, 'aria-current': view === v ? 'page' : null }, text)))));
}

// What a practice recorded about a past booking, in words.
function attendanceFacts(b, now) {
  if (b.attendance === 'did_not_attend') {
    return h('li', { class: 'fp-did-not-attend' }, tag('Did not attend', 'cancelled'),
      ` The practice recorded on ${shortDate(b.attendance_recorded_at)} that you did not attend this shift. If that is wrong, contact the practice.`);
  }
  return h('li', {}, tag(new Date(b.ends_at) <= now ? 'Worked' : 'Under way', 'confirmed'));
}

function upcomingCard(b, now) {
  const started = new Date(b.starts_at) <= now;
  return h('li', { class: 'fp-result' },
    card(`${roleName(b.role)} at ${b.practice_name}`, `/shifts/${b.shift_id}`, NOT_CLICKABLE,
      h('p', { class: 'nhsuk-card__description fp-when' }, when(b.starts_at, b.ends_at)),
      h('ul', { class: 'nhsuk-list fp-facts' },
        h('li', {}, `Agreed fee ${pounds(b.fee_pence)}`),
        started ? attendanceFacts(b, now) : h('li', {}, tag('Confirmed', 'confirmed')),
        (b.flags || []).includes('passport_lapsed')
          ? h('li', { class: 'fp-lapsed' }, tag('Passport lapsed', 'attention'), ' A check in your passport will not be valid on the day: ',
            link('/passport', 'renew it'), ' or the practice may not be able to keep you.')
          : null),
      started
        ? p('The shift has started, so this booking can no longer be cancelled.')
        : p(h('a', { class: 'nhsuk-link', href: `/bookings/${b.id}/cancel` }, 'Cancel this booking', h('span', { class: 'nhsuk-u-visually-hidden' }, ` at ${b.practice_name} on ${shortDate(b.starts_at)}`)))));
}

function pastCard(b, now) {
  return h('li', { class: `fp-result${b.attendance === 'did_not_attend' ? ' fp-result--did-not-attend' : ''}` },
    card(`${roleName(b.role)} at ${b.practice_name}`, `/shifts/${b.shift_id}`, NOT_CLICKABLE,
      h('p', { class: 'nhsuk-card__description fp-when' }, when(b.starts_at, b.ends_at)),
      h('ul', { class: 'nhsuk-list fp-facts' },
        h('li', {}, b.attendance === 'did_not_attend' ? `Booked for ${hours(b.worked_minutes)}` : `${hours(b.worked_minutes)} worked`),
        h('li', {}, `Agreed fee ${pounds(b.fee_pence)}`),
        attendanceFacts(b, now))));
}

route('/bookings', async ({ query }) => {
  const view = BOOKING_VIEWS.some(([v]) => v === query.get('view')) ? query.get('view') : 'upcoming';
  const views = bookingViews(view);
  if (view === 'calendar') {
    const month = query.get('month');
    const { y, m } = monthOf(month && /^\d{4}-\d{2}$/.test(month) ? `${month}-01` : ukToday());
    const { first, next } = monthRange(y, m);
    // Every booking of the month (a clinician's bookings cannot overlap, so a month holds few).
    const items = await getAll('/bookings', { status: 'confirmed', from: ukMidnightIso(first), to: ukMidnightIso(next) }, Infinity);
    return page('My bookings', pageHeading('My bookings'), views,
      calendar({
        y, m, id: 'bookings-calendar', noun: ['booking', 'bookings'], day: query.get('day'),
        items: items.map((b) => ({
          at: b.starts_at,
          text: `${timeRange(b.starts_at, b.ends_at)} ${b.practice_name}${b.attendance === 'did_not_attend' ? ' (did not attend)' : ''}`,
          href: `/shifts/${b.shift_id}`,
        })),
        hrefFor: ({ y: yy, m: mm }) => `/bookings?view=calendar&month=${yy}-${String(mm).padStart(2, '0')}`,
      }));
  }
  const now = new Date();
  const past = view === 'past';
  const list = await pagedList({
    path: '/bookings', params: { status: 'confirmed', when: past ? 'past' : 'upcoming', sort: past ? '-starts_at' : 'starts_at' },
    query, here: '/bookings', noun: past ? ['past booking', 'past bookings'] : ['upcoming booking', 'upcoming bookings'],
  });
  const body = list.items.length
    ? h('ul', { class: 'nhsuk-list fp-results', id: past ? 'past-booking-list' : 'booking-list' },
      list.items.map((b) => (past ? pastCard(b, now) : upcomingCard(b, now))))
    : past
      ? p('You have no past bookings yet. A session you have worked appears here once it has ended.')
      : p('You have no upcoming bookings. ', link('/shifts', 'Find shifts'), '.');
  page(past ? 'My past bookings' : 'My bookings', pageHeading('My bookings'), views,
    h('h2', { class: 'nhsuk-heading-m' }, past ? 'Past bookings' : 'Upcoming'),
    p(past
      ? 'The sessions you were booked for that have ended, the most recent first. Cancelled bookings are not shown.'
      : 'Your confirmed bookings that have not ended yet, the soonest first.'),
    list.summary, body, list.nav);
}, CLINICIAN);

route('/bookings/:id/cancel', async ({ params }) => {
  const b = await get(`/bookings/${encodeURIComponent(params.id)}`);
  if (b.status !== 'confirmed') {
    return page('Booking already cancelled', backLink('/bookings', 'Back to my bookings'), pageHeading('This booking is already cancelled'), p(link('/bookings', 'See your bookings')));
  }
  if (new Date(b.starts_at) <= new Date()) {
    return page('The shift has started', backLink('/bookings', 'Back to my bookings'), pageHeading('This shift has started'),
      p('A booking cannot be cancelled once its shift has started. If something went wrong, contact the practice.'), p(link('/bookings', 'See your bookings')));
  }
  const late = new Date(b.starts_at) - new Date() < 48 * 3600e3;
  let check = null;
  confirmPage({
    title: 'Cancel your booking',
    caption: b.practice_name,
    details: summaryList([['Practice', b.practice_name], ['When', `${longDate(b.starts_at)}, ${timeRange(b.starts_at, b.ends_at)}`], ['Agreed fee', pounds(b.fee_pence)]]),
    consequences: [
      `You will no longer be booked for this shift, and it opens again for other clinicians to book.`,
      'The practice sees that you cancelled, and your reason.',
      late
        ? 'This is a late cancellation: the shift starts within 48 hours. The practice and the pool will see that it was cancelled late.'
        : 'It is not a late cancellation: the shift starts more than 48 hours from now.',
      'You cannot undo this. If you can work it after all, book the shift again while it is still open.',
      b.terms ? 'Under the terms agreed, you owe the practice nothing for cancelling.' : null,
    ].filter(Boolean),
    fields: [textarea({ id: 'reason', label: 'Why are you cancelling?', hint: 'The practice will see this. Do not include patient information.', maxlength: '500' })],
    // Checked as the NHS pattern does (forms.js), from the first press of the button on.
    validate: (form, summary) => {
      check = check || liveValidation(form, summary, {
        reason: (v) => (!v.reason ? 'Enter why you are cancelling' : v.reason.length > 500 ? 'The reason must be 500 characters or fewer' : null),
      });
      return check();
    },
    confirmText: 'Cancel booking',
    backHref: '/bookings',
    backText: 'No, keep this booking',
    action: (form) => post(`/bookings/${b.id}/cancellation`, { reason: formValues(form).reason }),
    done: (res) => {
      flash('Booking cancelled', `${b.practice_name}, ${when(b.starts_at, b.ends_at)}: the shift is open again for others to book.${res && res.late ? ' This was a late cancellation.' : ''}`);
      navigate('/bookings');
    },
  });
}, CLINICIAN);

// My applications ----------------------------------------------------------------------------

const APP_STATUS = { pending: 'Waiting for the practice', accepted: 'Accepted: booked', declined: 'Declined', withdrawn: 'Withdrawn' };

route('/applications', async ({ query }) => {
  const [list, names] = await Promise.all([
    pagedList({ path: '/applications', params: { sort: '-created_at' }, query, here: '/applications', noun: ['application', 'applications'] }),
    checkNames(),
  ]);
  // A waiting application the practice could not accept now (the booking's own decision, as the
  // practice sees it): say why, and where to put it right.
  const blocked = (a) => (a.status === 'pending' && a.bookable === false
    ? h('span', { class: 'fp-note fp-cannot-book' }, ' The practice cannot accept you yet: ',
      a.missing && a.missing.length ? `your passport needs ${wordList(namesOf(names, a.missing))} for this day. ` : 'your account or pools do not allow this shift. ',
      link('/passport', 'Go to your passport'))
    : null);
  const rows = list.items.map((a) => [
    { text: [link(`/shifts/${a.shift_id}`, `${roleName(a.role)} at ${a.practice_name}`), h('br'),
      h('a', { class: 'nhsuk-link nhsuk-body-s', href: `/messages/applications/${a.id}` }, 'Messages', h('span', { class: 'nhsuk-u-visually-hidden' }, ` with ${a.practice_name} about this application`))] },
    when(a.starts_at, a.ends_at),
    shortDate(a.created_at),
    { text: [a.status === 'accepted' && a.booking_status === 'cancelled' ? tag('Accepted, then the booking was cancelled', 'cancelled') : tag(APP_STATUS[a.status] || a.status, a.status), a.status === 'declined' && a.reason ? h('span', { class: 'fp-note' }, ` (${a.reason === 'filled' ? 'someone else was chosen' : a.reason})`) : null, blocked(a)] },
    { text: a.status === 'pending' && new Date(a.starts_at) > new Date()
      ? h('a', { class: 'nhsuk-link', href: `/applications/${a.id}/withdraw` }, 'Withdraw',
        h('span', { class: 'nhsuk-u-visually-hidden' }, ` application for ${a.practice_name} on ${shortDate(a.starts_at)}`))
      : '' },
  ]);
  page('My applications', pageHeading('My applications'),
    p('Shifts where the practice chooses from the clinicians who apply, the newest application first.'),
    list.items.length
      ? [list.summary, table({ caption: 'Your applications', head: ['Shift', 'When', 'Applied', 'Status', 'Action'], rows, id: 'applications-table' }), list.nav]
      : p('You have not applied for any shifts. ', link('/shifts', 'Find shifts'), '.'));
}, CLINICIAN);

route('/applications/:id/withdraw', async ({ params }) => {
  let a;
  try {
    a = await get(`/applications/${encodeURIComponent(params.id)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      return page('Application not found', backLink('/applications', 'Back to my applications'), pageHeading('Application not found'),
        p('This application does not exist, or it is not yours. ', link('/applications', 'See your applications'), '.'));
    }
    throw err;
  }
  const shiftName = `${roleName(a.role)} at ${a.practice_name}`;
  if (a.status !== 'pending') {
    return page('Application already answered', backLink('/applications', 'Back to my applications'), pageHeading('This application is no longer waiting', shiftName),
      p(`Its status is: ${APP_STATUS[a.status] || a.status}. There is nothing to withdraw.`), p(link('/applications', 'See your applications')));
  }
  confirmPage({
    title: 'Withdraw your application',
    caption: shiftName,
    details: summaryList([['Practice', a.practice_name], ['When', `${longDate(a.starts_at)}, ${timeRange(a.starts_at, a.ends_at)}`], ['Applied', shortDate(a.created_at)]]),
    consequences: [
      'The practice will no longer see your application, and cannot choose you for this shift.',
      'You can apply again while the shift is still open.',
    ],
    confirmText: 'Withdraw application',
    backHref: '/applications',
    backText: 'No, keep my application',
    action: () => post(`/applications/${a.id}/withdraw`),
    done: () => {
      flash('Application withdrawn', `${a.practice_name}, ${when(a.starts_at, a.ends_at)}`);
      navigate('/applications');
    },
  });
}, CLINICIAN);

// My pools: ask to join one ------------------------------------------------------------------

const JOIN_STATUS = { pending: 'Request sent', accepted: 'Accepted', declined: 'Declined', withdrawn: 'Withdrawn' };

route('/pools', async ({ query }) => {
  // Every request the clinician has sent (for each pool's state: not a list read here; the list of
  // requests is its own paged page), and a page of 25 pools.
  const [list, me, requests] = await Promise.all([
    pagedList({ path: '/pools', query, here: '/pools', noun: ['pool', 'pools'] }),
    get(`/clinicians/${state.me.clinician_id}`),
    getAll('/me/join-requests', { sort: '-created_at' }, Infinity).catch(() => []),
  ]);
  const mine = new Set((me.pools || []).map((x) => x.id));
  // The newest request to each pool (the list comes newest first).
  const latest = new Map();
  for (const jr of requests) if (!latest.has(jr.pool_id)) latest.set(jr.pool_id, jr);
  const summary = h('div');
  const problem = (err) => summary.replaceChildren(h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
    h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'), p(explain(err))));
  const askButton = (pool, again) => h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', type: 'button',
    onclick: async (e) => {
      const btn = e.currentTarget;
      btn.disabled = true;
      try {
        await post(`/pools/${pool.id}/join-requests`, {});
        flash('Request sent', `The administrator of ${pool.name} will check your details and answer your request to join.`);
        navigate(`/pools${location.search}`, { replace: true });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'already_requested') {
          btn.replaceWith(tag('Request sent', 'pending'));
          return;
        }
        btn.disabled = false;
        problem(err);
      }
    } }, again ? 'Ask again' : 'Ask to join', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${pool.name}`));
  const withdrawLink = (pool, jr) => h('a', { class: 'nhsuk-link', id: `withdraw-request-${jr.id}`, href: `/pools/${pool.id}/requests/${jr.id}/withdraw` },
    'Withdraw request', h('span', { class: 'nhsuk-u-visually-hidden' }, ` to join ${pool.name}`));
  const rows = list.items.map((pool) => {
    let action;
    const jr = latest.get(pool.id);
    if (mine.has(pool.id)) action = tag('Member', 'confirmed');
    else if (jr && jr.status === 'pending') action = h('div', { class: 'fp-join-state' }, tag('Request sent', 'pending'), ' ', withdrawLink(pool, jr));
    else if (jr && jr.status === 'declined') {
      action = h('div', { class: 'fp-join-state' }, tag('Declined', 'declined'),
        jr.reason ? h('p', { class: 'nhsuk-body-s fp-note' }, `Reason: ${jr.reason}`) : null, askButton(pool, true));
    } else action = askButton(pool, false);
    return [pool.name, pool.host_name || '', `${pounds(pool.hourly_rate_pence)} an hour, ${pounds(pool.session_rate_pence)} a session`, { text: action }];
  });
  page('My pools', summary, pageHeading('My pools'),
    p('You can book the shifts of practices in the pools you belong to. The pool administrator checks your registration before admitting you.'),
    mine.size ? null : insetText(p('You are not in a pool yet, so there are no shifts for you to book. Ask to join your local pool below.')),
    list.items.length ? [list.summary, table({ caption: 'Pools', head: ['Pool', 'Hosted by', 'Indicative rates', 'Membership'], rows, id: 'pools-table' }), list.nav]
      : p('There are no pools to join yet.'),
    requests.length ? p(link('/pools/requests', `Your requests to join (${requests.length})`, { id: 'join-requests-link' }), ': what you asked, when, and the answers.') : null);
}, CLINICIAN);

route('/pools/requests', async ({ query }) => {
  const list = await pagedList({ path: '/me/join-requests', params: { sort: '-created_at' }, query, here: '/pools/requests', noun: ['request', 'requests'] });
  page('Your requests to join', backLink('/pools', 'Back to my pools'), pageHeading('Your requests to join'),
    p('Every request you have sent to join a pool, the newest first.'),
    list.items.length ? [list.summary, table({
      caption: 'Your requests to join', captionSize: 's', id: 'join-requests',
      head: ['Pool', 'Sent', 'Status', 'Reason'],
      rows: list.items.map((jr) => [jr.pool_name, shortDate(jr.created_at), { text: tag(JOIN_STATUS[jr.status] || jr.status, jr.status === 'accepted' ? 'accepted' : jr.status) }, jr.reason || '']),
    }), list.nav] : p('You have not asked to join a pool yet. ', link('/pools', 'See the pools'), '.'));
}, CLINICIAN);

route('/pools/:poolId/requests/:id/withdraw', async ({ params }) => {
  let pool;
  try {
    pool = await get(`/pools/${encodeURIComponent(params.poolId)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      return page('Pool not found', backLink('/pools', 'Back to my pools'), pageHeading('Pool not found'), p(link('/pools', 'See the pools')));
    }
    throw err;
  }
  confirmPage({
    title: 'Withdraw your request to join',
    caption: pool.name,
    consequences: [
      `The administrator of ${pool.name} will no longer see your request, and you will not join the pool.`,
      'Until you are in a pool you cannot book its practices\' shifts.',
      'You can ask to join again at any time.',
    ],
    confirmText: 'Withdraw request',
    backHref: '/pools',
    backText: 'No, keep my request',
    action: () => post(`/join-requests/${encodeURIComponent(params.id)}/withdraw`),
    done: () => {
      flash('Request withdrawn', `You are no longer asking to join ${pool.name}.`);
      navigate('/pools');
    },
  });
}, CLINICIAN);
