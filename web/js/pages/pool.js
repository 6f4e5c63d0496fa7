// The pool administrator's pages, each list 25 a page with search and filters (paging.js), so a
// pool of thousands stays usable:
//   /pool                             the pool at a glance (with how many shifts await approval of their
//                                     rate: /pool/shifts, rate_approval.js) and the requests to join
//   /pool/members                     member clinicians: find by name, filter by profession, sort
//   /pool/practices                   member practices, and finding a practice to admit
//   /pool/members/:id/remove          removing a member asks first, saying what will happen
//   /pool/join-requests/:id/decline   declining a request, with a reason the clinician sees
//   /pool/settings                    the pool's name, indicative rates and working-time guards
// (the rate policy, /pool/rate-policy, is rate_policy.js's: both link to it)

import { del, explain, get, getAll, patch, post } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { confirmPage } from '../confirm.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
import { isoZ, pounds, roleName, shortDate } from '../format.js';
import { filterForm, pagedList, sortField } from '../paging.js';
import { backLink, button, checkbox, h, input, insetText, p, pageHeading, summaryList, table, textarea } from '../ui.js';
import { poolNav, professionOptions, withPool } from './pool_views.js';

const POOL_ADMIN = { roles: ['pool_admin'] };

function smallButton(text, hidden, onclick, variant = 'secondary') {
  return h('button', { class: `nhsuk-button${variant ? ` nhsuk-button--${variant}` : ''} nhsuk-button--small fp-table-button`, type: 'button', onclick },
    text, h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${hidden}`));
}

function smallLink(href, text, hidden, variant = 'secondary') {
  return h('a', { class: `nhsuk-button nhsuk-button--${variant} nhsuk-button--small fp-table-button`, href },
    text, h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${hidden}`));
}

// The pool the page is about: the one named in ?pool= when the administrator has several.
function poolOf(query) {
  const ids = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
  const poolId = ids.find((x) => String(x) === query.get('pool')) || ids[0];
  return { poolId, ids, suffix: ids.length > 1 ? `pool=${poolId}` : '' };
}

// The list page the reader is on, to come back to (same page, same filters) from a confirmation.
const fromHere = () => `from=${encodeURIComponent(`${window.location.pathname}${window.location.search}`)}`;


// A problem shown at the top of a list page.
function problemSlot() {
  const summary = h('div');
  const problem = (err) => {
    summary.replaceChildren(h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
      h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'), p(explain(err))));
    summary.firstChild.focus();
  };
  return { summary, problem };
}

// Requests to join ------------------------------------------------------------------------------

route('/pool', async ({ query }) => {
  const { poolId, suffix } = poolOf(query);
  const here = '/pool';
  const professions = await professionOptions();
  const form = filterForm({
    id: 'request-filters', here, query, keep: ['pool'],
    fields: [
      { id: 'q', label: 'Name', hint: 'A part of the clinician\'s name', type: 'search' },
      { id: 'profession', label: 'Profession', type: 'select', options: professions },
      sortField([{ value: '', text: 'Newest first' }, { value: 'oldest', text: 'Oldest first' }, { value: 'name', text: 'Name, A to Z' }]),
    ],
  });
  const v = form.values;
  const [pool, list, awaiting] = await Promise.all([
    get(`/pools/${poolId}`),
    pagedList({ path: `/pools/${poolId}/join-requests`, params: { status: 'pending', q: v.q, profession: v.profession, sort: v.sort },
      query, here, noun: ['request', 'requests'] }),
    // The shifts posted over the cap that wait for a decision (those not yet started).
    getAll('/shifts', { status: 'awaiting_approval', from: isoZ(new Date()) }, 1000).then((x) => x.length).catch(() => null),
  ]);
  const { summary, problem } = problemSlot();
  const back = `${here}${window.location.search}`;
  const act = (fn, heading, text) => async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await fn();
      flash(heading, text);
      navigate(back, { replace: true });
    } catch (err) { btn.disabled = false; problem(err); }
  };
  const rows = list.items.map((r) => [
    r.clinician_name, roleName(r.profession), r.registration_number || 'None', shortDate(r.created_at),
    { text: h('div', { class: 'fp-button-row' },
      smallButton('Admit', r.clinician_name, act(() => post(`/join-requests/${r.id}/accept`, {}), 'Clinician admitted', `${r.clinician_name} can now book the pool's shifts.`), null),
      smallLink(withPool(`/pool/join-requests/${r.id}/decline`, suffix, `name=${encodeURIComponent(r.clinician_name)}`), 'Decline', r.clinician_name)) },
  ]);
  const counts = pool.member_counts || {};
  page(pool.name, summary, pageHeading(pool.name, 'Pool administration'),
    insetText(p(`Indicative rates: ${pounds(pool.hourly_rate_pence)} an hour, ${pounds(pool.session_rate_pence)} a session. `,
      `${counts.clinicians ?? 0} clinician${counts.clinicians === 1 ? '' : 's'} and ${counts.practices ?? 0} practice${counts.practices === 1 ? '' : 's'} are members.`),
      p('How the rates of unfilled shifts rise as their start draws near, and the cap: ',
        h('a', { class: 'nhsuk-link', href: withPool('/pool/rate-policy', suffix), id: 'rate-policy-link' }, 'the rate policy'), '.')),
    awaiting === null ? null : h('p', { class: 'nhsuk-body', id: 'rate-approval-count' },
      h('a', { class: 'nhsuk-link', href: withPool('/pool/shifts', suffix), id: 'rate-approval-link' },
        awaiting ? `${awaiting} shift${awaiting === 1 ? ' awaits' : 's await'} your approval of ${awaiting === 1 ? 'its rate' : 'their rate'}`
          : 'No shift awaits your approval of its rate'),
      awaiting ? `: nobody in the pool sees ${awaiting === 1 ? 'it' : 'them'} until you decide.` : '.'),
    poolNav(here, suffix),
    h('h2', { class: 'nhsuk-heading-m', id: 'requests-heading' }, `Requests to join (${pool.pending_join_requests ?? list.count})`),
    form.element, list.summary,
    rows.length ? table({ caption: 'Clinicians waiting for an answer', captionSize: 's', id: 'join-requests', head: ['Clinician', 'Profession', 'Registration number', 'Asked on', 'Action'], rows })
      : p(form.active.length ? 'No request waiting matches these filters.' : 'No requests are waiting.'),
    list.nav);
}, POOL_ADMIN);

// Member clinicians -----------------------------------------------------------------------------

route('/pool/members', async ({ query }) => {
  const { poolId, suffix } = poolOf(query);
  const here = '/pool/members';
  const professions = await professionOptions();
  const form = filterForm({
    id: 'member-filters', here, query, keep: ['pool'],
    fields: [
      { id: 'q', label: 'Name', hint: 'A part of the clinician\'s name', type: 'search' },
      { id: 'profession', label: 'Profession', type: 'select', options: professions },
      sortField([{ value: '', text: 'Name, A to Z' }, { value: 'newest', text: 'Newest members first' }, { value: 'oldest', text: 'Longest members first' }]),
    ],
  });
  const v = form.values;
  const [pool, list] = await Promise.all([
    get(`/pools/${poolId}`),
    pagedList({ path: `/pools/${poolId}/members`, params: { kind: 'clinician', q: v.q, profession: v.profession, sort: v.sort },
      query, here, noun: ['clinician', 'clinicians'] }),
  ]);
  const rows = list.items.map((m) => [
    { header: true, text: h('a', { class: 'nhsuk-link', href: `/clinicians/${m.clinician_id}/passport` }, m.name) },
    roleName(m.profession), shortDate(m.added_at),
    { text: smallLink(withPool(`/pool/members/${m.id}/remove`, suffix, fromHere()), 'Remove', m.name, 'secondary') },
  ]);
  page(`Clinicians: ${pool.name}`, pageHeading('Member clinicians', pool.name), poolNav(here, suffix),
    form.element, list.summary,
    rows.length ? table({ caption: 'Member clinicians', captionSize: 's', id: 'member-clinicians', head: ['Clinician', 'Profession', 'Admitted', 'Action'], rows })
      : p(form.active.length ? 'No member clinician matches these filters.' : 'No clinicians yet.'),
    list.nav);
}, POOL_ADMIN);

// Member practices, and admitting one ----------------------------------------------------------

route('/pool/practices', async ({ query }) => {
  const { poolId, suffix } = poolOf(query);
  const here = '/pool/practices';
  const form = filterForm({
    id: 'practice-filters', here, query, keep: ['pool'],
    fields: [{ id: 'q', label: 'Practice', hint: 'A part of its name, or its ODS code', type: 'search' }],
  });
  const [pool, list] = await Promise.all([
    get(`/pools/${poolId}`),
    pagedList({ path: `/pools/${poolId}/members`, params: { kind: 'organisation', q: form.values.q }, query, here, noun: ['practice', 'practices'] }),
  ]);
  const rows = list.items.map((m) => [m.name, m.ods_code, shortDate(m.added_at),
    { text: smallLink(withPool(`/pool/members/${m.id}/remove`, suffix, fromHere()), 'Remove', m.name, 'secondary') }]);
  page(`Practices: ${pool.name}`, pageHeading('Member practices', pool.name), poolNav(here, suffix),
    h('p', { class: 'nhsuk-body' }, h('a', { class: 'nhsuk-link', href: withPool('/pool/practices/add', suffix), id: 'find-practice' }, 'Find a practice to admit')),
    form.element, list.summary,
    rows.length ? table({ caption: 'Member practices', captionSize: 's', id: 'member-practices', head: ['Practice', 'ODS code', 'Admitted', 'Action'], rows })
      : p(form.active.length ? 'No member practice matches this search.' : 'No practices yet.'),
    list.nav);
}, POOL_ADMIN);

// The practices the pool administrator can see (its ICB's), found by name or code, to admit.
route('/pool/practices/add', async ({ query }) => {
  const { poolId, suffix } = poolOf(query);
  const here = '/pool/practices/add';
  const form = filterForm({
    id: 'admit-filters', here, query, keep: ['pool'],
    fields: [{ id: 'q', label: 'Practice', hint: 'A part of its name, or its ODS code', type: 'search' }],
  });
  const list = await pagedList({ path: '/organisations', params: { level: 'practice', active: 'true', q: form.values.q }, query, here, noun: ['practice', 'practices'] });
  // Which of this page's practices are members already (one search by code each, for 25 at most).
  const members = new Set();
  await Promise.all(list.items.map(async (o) => {
    const res = await get(`/pools/${poolId}/members?kind=organisation&q=${encodeURIComponent(o.ods_code)}&limit=5`).catch(() => ({ items: [] }));
    if ((res.items || []).some((m) => m.organisation_id === o.id)) members.add(o.id);
  }));
  const { summary, problem } = problemSlot();
  const admit = (o) => async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await post(`/pools/${poolId}/members`, { organisation_id: o.id });
      flash('Practice admitted', `${o.name} can now post shifts to the pool.`);
      navigate(withPool('/pool/practices', suffix), { replace: true });
    } catch (err) { btn.disabled = false; problem(err); }
  };
  const rows = list.items.map((o) => [o.name, o.ods_code, o.postcode || '',
    { text: members.has(o.id) ? 'Member' : smallButton('Admit', o.name, admit(o), null) }]);
  page('Admit a practice', summary, backLink(withPool('/pool/practices', suffix), 'Back to the practices'),
    pageHeading('Admit a practice'), form.element, list.summary,
    rows.length ? table({ caption: 'Practices', captionSize: 's', id: 'admit-practices', head: ['Practice', 'ODS code', 'Postcode', 'Action'], rows })
      : p('No practice matches this search.'),
    list.nav);
}, POOL_ADMIN);

// Removing a member asks first -------------------------------------------------------------------

route('/pool/members/:id/remove', async ({ params, query }) => {
  const { poolId, suffix } = poolOf(query);
  const m = await get(`/pools/${poolId}/members/${params.id}`).catch((err) => {
    if (err.status === 404) return null;
    throw err;
  });
  const clinician = m && m.kind === 'clinician';
  const from = query.get('from') || '';
  const back = /^\/pool\/(members|practices)(\?|$)/.test(from) ? from : withPool(clinician ? '/pool/members' : '/pool/practices', suffix);
  if (!m) {
    return page('Not a member', backLink(back, 'Back'), pageHeading('This member has already been removed'),
      p(h('a', { class: 'nhsuk-link', href: back }, 'See the members')));
  }
  return confirmPage({
    title: clinician ? 'Remove this clinician from the pool' : 'Remove this practice from the pool',
    caption: clinician ? `${m.name}, ${roleName(m.profession)}` : `${m.name} (${m.ods_code})`,
    consequences: clinician ? [
      `${m.name} can no longer see or book the pool's shifts.`,
      'Bookings they already have stay as they are: cancel any that should not go ahead.',
      'Placement access you gave practices to their passport ends.',
      'They can ask to join again; nothing is sent to them.',
    ] : [
      `${m.name} can no longer post shifts to the pool, and the pool's clinicians no longer see its shifts.`,
      'Shifts already booked stay as they are.',
      'You can admit the practice again later.',
    ],
    confirmText: clinician ? 'Remove clinician' : 'Remove practice',
    backHref: back,
    action: () => del(`/pools/${poolId}/members/${m.id}`),
    done: () => {
      flash(clinician ? 'Clinician removed' : 'Practice removed', `${m.name} is no longer in the pool.`);
      navigate(back, { replace: true });
    },
  });
}, POOL_ADMIN);

// Declining a request to join, with a reason the clinician sees on their pools page.
route('/pool/join-requests/:id/decline', async ({ params, query }) => {
  const { poolId, suffix } = poolOf(query);
  const back = withPool('/pool', suffix);
  // The request, among the waiting ones: found by the name the list passed on, else by paging.
  const name = (query.get('name') || '').slice(0, 100);
  const requests = await getAll(`/pools/${poolId}/join-requests`, { status: 'pending', q: name || undefined }, Infinity);
  const r = requests.find((x) => String(x.id) === params.id);
  if (!r) {
    return page('Request already answered', backLink(back, 'Back to the pool'), pageHeading('This request has already been answered'),
      p(h('a', { class: 'nhsuk-link', href: back }, 'See the requests waiting')));
  }
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'decline-form' },
    textarea({ id: 'reason', label: 'Reason (optional)', hint: 'The clinician will see this on their pools page. 200 characters at most.', maxlength: '200' }),
    button('Decline request', { id: 'confirm-decline' }, 'warning'));
  const validate = liveValidation(form, summary, {
    reason: (v) => (v.reason && v.reason.length > 200 ? 'The reason must be 200 characters or fewer' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        const reason = formValues(form).reason.trim();
        await post(`/join-requests/${r.id}/decline`, reason ? { reason } : {});
        flash('Request declined', `${r.clinician_name} will see it${reason ? ', with your reason,' : ''} on their pools page. Nothing is sent to them.`);
        navigate(back, { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  page('Decline a request to join', summary, backLink(back, 'Back to the pool'), pageHeading('Decline the request to join', r.clinician_name),
    summaryList([['Clinician', r.clinician_name], ['Profession', roleName(r.profession)], ['Registration number', r.registration_number || 'None'], ['Asked on', shortDate(r.created_at)]]),
    form, p(h('a', { class: 'nhsuk-link', href: back }, 'Keep the request waiting')));
}, POOL_ADMIN);

// The pool's settings: its name, indicative rates, the working-time guards every booking of its
// clinicians is held to, and whether it takes the overflow of the other pools of its ICB (tiered
// release) (PATCH /pools/{id}). Hours on the page, minutes in the API.
const hoursText = (minutes) => String(Math.round((minutes / 60) * 100) / 100);
const HOURS = /^\d{1,2}(\.\d{1,2})?$/;
const MONEY = /^\d{1,5}(\.\d{1,2})?$/;

route('/pool/settings', async ({ query }) => {
  const { poolId, suffix } = poolOf(query);
  const here = '/pool/settings';
  const pool = await get(`/pools/${poolId}`);
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'pool-settings-form' },
    input({ id: 'name', label: 'Name of the pool', value: pool.name, autocomplete: 'off' }),
    h('h2', { class: 'nhsuk-heading-m' }, 'Indicative rates'),
    p('Practices see these when they post a shift, as a guide. How the rates of unfilled shifts rise as their start draws near, and the cap, are in ',
      h('a', { class: 'nhsuk-link', href: withPool('/pool/rate-policy', suffix), id: 'rate-policy-link' }, 'the rate policy'), '.'),
    input({ id: 'hourly', label: 'An hour', prefix: '£', width: 5, inputmode: 'decimal', value: (pool.hourly_rate_pence / 100).toFixed(2) }),
    input({ id: 'session', label: 'A session', prefix: '£', width: 5, inputmode: 'decimal', value: (pool.session_rate_pence / 100).toFixed(2) }),
    h('h2', { class: 'nhsuk-heading-m' }, 'Working hours and rest'),
    p('Every booking of the pool\'s clinicians is held to these, whoever makes it. A clinician in several pools is held to the strictest. ',
      'Sessions closer together than the rest below count as one stretch of work, which may last at most 24 hours less that rest.'),
    input({ id: 'max_worked', label: 'Most hours worked in any 24 hours', hint: 'Between 1 and 24. Usually 13.', suffix: 'hours', width: 3, inputmode: 'decimal', value: hoursText(pool.max_worked_minutes_24h) }),
    input({ id: 'min_rest', label: 'Least rest in every 24 hours, in one stretch', hint: 'Between 0 and 23. Usually 11, as the Working Time Regulations ask.', suffix: 'hours', width: 3, inputmode: 'decimal', value: hoursText(pool.min_rest_minutes_24h) }),
    h('h2', { class: 'nhsuk-heading-m' }, 'Shifts from other pools'),
    p('Practices in other pools of your ICB can release a shift to their favourites first, then their own pool, then the pools that take their overflow, close to the start. ',
      'Your clinicians book those shifts under the checks of the practice\'s own pool.'),
    checkbox({ id: 'overflow', label: 'Let our clinicians see and book other pools\' unfilled shifts in our ICB', checked: pool.overflow,
      hint: pool.icb_id ? 'You can stop this at any time.' : 'This pool belongs to no ICB, so there are no other pools to take shifts from.' }),
    button('Save settings', { id: 'save-pool-settings' }));
  const hours = (x) => Math.round(Number(x) * 60);
  const validate = liveValidation(form, summary, {
    name: (x) => (!x.name.trim() ? 'Enter the name of the pool' : null),
    hourly: (x) => (!MONEY.test(x.hourly) ? 'Enter the hourly rate in pounds, like 77.57' : null),
    session: (x) => (!MONEY.test(x.session) ? 'Enter the session rate in pounds, like 323.21' : null),
    max_worked: (x) => (!HOURS.test(x.max_worked) || hours(x.max_worked) < 60 || hours(x.max_worked) > 1440
      ? 'Enter the most hours worked in 24 hours, between 1 and 24' : null),
    min_rest: (x) => {
      if (!HOURS.test(x.min_rest) || hours(x.min_rest) > 1380) return 'Enter the least rest, between 0 and 23 hours';
      if (HOURS.test(x.max_worked) && hours(x.max_worked) + hours(x.min_rest) > 1440) return 'The hours worked and the rest must add up to 24 hours at most';
      return null;
    },
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const x = formValues(form);
    const body = {
      name: x.name.trim(), hourly_rate_pence: Math.round(Number(x.hourly) * 100), session_rate_pence: Math.round(Number(x.session) * 100),
      max_worked_minutes_24h: hours(x.max_worked), min_rest_minutes_24h: hours(x.min_rest), overflow: !!x.overflow,
    };
    await busy(form, async () => {
      try {
        const saved = await patch(`/pools/${pool.id}`, body);
        flash('Settings saved', `${saved.name}: at most ${hoursText(saved.max_worked_minutes_24h)} hours' work in any 24 hours, and ${hoursText(saved.min_rest_minutes_24h)} hours' rest.`);
        navigate(withPool(here, suffix), { replace: true });
      } catch (err) {
        showApiError(form, summary, err, { max_worked_minutes_24h: 'max_worked', min_rest_minutes_24h: 'min_rest', hourly_rate_pence: 'hourly', session_rate_pence: 'session', overflow: 'overflow' });
      }
    });
  });
  page(`Settings: ${pool.name}`, summary, pageHeading('Settings', pool.name), poolNav(here, suffix), form);
}, POOL_ADMIN);
