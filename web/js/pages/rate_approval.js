// Shifts posted over the pool's cap (issue 13): a shift whose rate's hourly equivalent is over the
// cap of its practice's pool (GET /pools/{id}/rate-policy) awaits that pool's approval; nobody in
// the pool sees it until its administrators decide. The notification they get links to its page.
//   /pool/shifts       the shifts awaiting approval of their rate, soonest first, 25 a page
//                      (GET /shifts?status=awaiting_approval: the member practices' shifts)
//   /pool/shifts/:id   one shift and the decision: approve the rate (POST /shifts/{id}/rate-approval:
//                      open to the pool) or refuse it with a reason on one line (POST
//                      /shifts/{id}/rate-refusal: withdrawn); the practice is told either way.
// The page itself says what each will do before its button, as the confirmation pages do
// (confirm.js); a shift that no longer awaits approval shows its status and no decision.

import { ApiError, get, post } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { busy, liveValidation, showApiError } from '../forms.js';
import { hours, isoZ, longDate, pounds, rate, roleName, shiftStatusText, shortDate, timeRange, when } from '../format.js';
import { pagedList } from '../paging.js';
import { backLink, button, h, input, insetText, link, p, pageHeading, summaryList, table, tag } from '../ui.js';
import { poolNav, withPool } from './pool_views.js';

const POOL_ADMIN = { roles: ['pool_admin'] };
const AWAITING = 'awaiting_approval';
const REASON_MAX = 300;

// The pool the page is about: the one named in ?pool= when the administrator has several.
function poolOf(query) {
  const ids = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
  const poolId = ids.find((x) => String(x) === query.get('pool')) || ids[0];
  return { poolId, suffix: ids.length > 1 ? `pool=${poolId}` : '' };
}

// The pool's cap on the hourly equivalent of a shift's rate, in pence (0: none, null: unknown).
const capOf = (poolId) => get(`/pools/${poolId}/rate-policy`).then((x) => x.cap_hourly_pence || 0).catch(() => null);

// A shift's hourly equivalent against the cap: "£150.00 an hour, £50.00 over the cap".
function overCap(s, cap) {
  const hourly = s.hourly_equivalent_pence;
  if (!cap) return `${pounds(hourly)} an hour`;
  return hourly > cap ? `${pounds(hourly)} an hour, ${pounds(hourly - cap)} over the cap` : `${pounds(hourly)} an hour, within the cap now`;
}

const capWords = (cap) => (cap ? `the pool's cap of ${pounds(cap)} an hour` : 'the pool\'s cap');

const workedMinutes = (s) => Math.max(0, Math.round((new Date(s.ends_at) - new Date(s.starts_at)) / 60000) - (s.break_minutes || 0));

// The list -------------------------------------------------------------------------------------

route('/pool/shifts', async ({ query }) => {
  const { poolId, suffix } = poolOf(query);
  const here = '/pool/shifts';
  // Those not yet started: once a shift has started its rate can no longer be decided.
  const [pool, cap, list] = await Promise.all([
    get(`/pools/${poolId}`),
    capOf(poolId),
    pagedList({ path: '/shifts', params: { status: AWAITING, from: isoZ(new Date()) }, query, here, noun: ['shift', 'shifts'] }),
  ]);
  const rows = list.items.map((s) => [
    { header: true, text: s.practice.name },
    roleName(s.role),
    { text: [shortDate(s.starts_at), h('br'), `${timeRange(s.starts_at, s.ends_at)} (UK time)`] },
    rate(s.rate_pence, s.rate_unit),
    overCap(s, cap),
    { text: link(withPool(`/pool/shifts/${s.id}`, suffix), ['Approve or refuse',
      h('span', { class: 'nhsuk-u-visually-hidden' }, ` the rate of the ${roleName(s.role)} shift at ${s.practice.name} on ${shortDate(s.starts_at)}`)]) },
  ]);
  page(`Rates to approve: ${pool.name}`, pageHeading('Shifts awaiting your approval of their rate', pool.name), poolNav(here, suffix),
    p(`Member practices posted these shifts at a rate whose hourly equivalent is over ${capWords(cap)} (`,
      link(withPool('/pool/rate-policy', suffix), 'the rate policy', { id: 'rate-policy-link' }), '). ',
      'Nobody in the pool can see or book them until you approve the rate. If you refuse it, the shift is withdrawn and the practice is told your reason.'),
    list.summary,
    rows.length
      ? table({
        caption: 'Shifts awaiting approval, the soonest first', captionSize: 's', id: 'awaiting-shifts',
        head: ['Practice', 'Role', 'When', 'Rate', 'Hourly equivalent', 'Action'], rows,
      })
      : insetText(h('p', { class: 'nhsuk-body', id: 'awaiting-none' }, 'No shift is waiting for your approval of its rate.')),
    list.nav);
}, POOL_ADMIN);

// One shift, and the decision ------------------------------------------------------------------

route('/pool/shifts/:id', async ({ params, query }) => {
  const { poolId, suffix } = poolOf(query);
  const back = withPool('/pool/shifts', suffix);
  const backText = 'Back to the shifts awaiting approval';
  let s;
  try {
    s = await get(`/shifts/${encodeURIComponent(params.id)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      return page('Shift not found', backLink(back, backText), pageHeading('Shift not found'),
        p('This shift does not exist, or it is not a shift of one of your pool\'s practices.'), p(link(back, 'See the shifts awaiting approval')));
    }
    throw err;
  }
  const cap = await capOf(poolId);
  const title = `${roleName(s.role)}, ${shortDate(s.starts_at)}`;
  const details = summaryList([
    ['Practice', `${s.practice.name}, ${s.practice.postcode}`],
    ['Role', roleName(s.role)],
    ['Date', longDate(s.starts_at)],
    ['Time', `${timeRange(s.starts_at, s.ends_at)} (UK time)`],
    ['Break', s.break_minutes ? `${s.break_minutes} minutes, unpaid` : 'None'],
    ['Rate', h('span', { id: 'shift-rate' }, rate(s.rate_pence, s.rate_unit))],
    ['Hourly equivalent', h('span', { id: 'shift-hourly' }, `${pounds(s.hourly_equivalent_pence)} an hour`,
      s.rate_unit === 'session' ? ` (for ${hours(workedMinutes(s))} worked)` : '')],
    ['The pool\'s cap', h('span', { id: 'pool-cap' }, cap === null ? 'Not known'
      : cap ? `${pounds(cap)} an hour${s.hourly_equivalent_pence > cap ? `: this rate is ${pounds(s.hourly_equivalent_pence - cap)} an hour over it` : ''}`
        : 'None: the pool sets no cap now')],
    ['Booking', s.booking_mode === 'approval' ? 'The practice chooses from applicants' : 'Booked instantly'],
    s.description ? ['Details', s.description] : null,
  ]);
  const status = h('p', { class: 'nhsuk-body', id: 'shift-status' }, tag(shiftStatusText(s.status), s.status));
  const heading = pageHeading(title, s.practice.name);

  // Nothing to decide: decided already, changed or withdrawn by the practice, or started.
  if (s.status !== AWAITING || new Date(s.starts_at) <= new Date()) {
    return page(title, backLink(back, backText), heading, status,
      h('div', { id: 'no-decision' }, insetText(p(s.status !== AWAITING
        ? `This shift is ${shiftStatusText(s.status).toLowerCase()}: it no longer waits for the pool's approval of its rate (it was decided, or the practice changed or withdrew it), so there is nothing to decide.`
        : 'This shift has started, so its rate can no longer be approved or refused.'))),
      details, p(link(back, 'See the shifts awaiting approval')));
  }

  const summary = h('div');
  const done = (heading2, text) => {
    flash(heading2, text);
    navigate(back, { replace: true });
  };
  const what = `${roleName(s.role)} at ${s.practice.name}, ${when(s.starts_at, s.ends_at)}`;
  const noLonger = (err) => {
    if (err.code === 'invalid_state') err.message = 'This shift no longer waits for the pool\'s approval of its rate: another administrator decided, or the practice changed or withdrew it. Reload the page to see it as it is now.';
    return err;
  };

  const approveForm = h('form', { novalidate: true, id: 'approve-form' },
    h('h2', { class: 'nhsuk-heading-m', id: 'approve-heading' }, 'Approve the rate'),
    h('ul', { class: 'nhsuk-list nhsuk-list--bullet', id: 'approve-consequences' },
      h('li', {}, `The shift opens to the pool now at ${rate(s.rate_pence, s.rate_unit)}: its clinicians can see and book it.`),
      h('li', {}, `${s.practice.name}'s managers are told, by email and in their notifications.`)),
    button('Approve the rate', { id: 'approve-rate' }));
  approveForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    await busy(approveForm, async () => {
      try {
        await post(`/shifts/${s.id}/rate-approval`);
        done('Rate approved', `${what}: open to the pool at ${rate(s.rate_pence, s.rate_unit)}. The practice has been told.`);
      } catch (err) {
        showApiError(approveForm, summary, noLonger(err));
      }
    });
  });

  const refuseForm = h('form', { novalidate: true, id: 'refuse-form' },
    h('h2', { class: 'nhsuk-heading-m', id: 'refuse-heading' }, 'Refuse the rate'),
    h('ul', { class: 'nhsuk-list nhsuk-list--bullet', id: 'refuse-consequences' },
      h('li', {}, 'The shift is withdrawn: nobody in the pool will see it, and it cannot be re-opened.'),
      h('li', {}, `${s.practice.name}'s managers are told, with your reason, by email and in their notifications. They can post it again at a rate within the cap.`)),
    input({ id: 'reason', label: 'Why are you refusing the rate?', hint: `The practice will see this. One line, ${REASON_MAX} characters at most.`, maxlength: String(REASON_MAX), autocomplete: 'off' }),
    button('Refuse the rate', { id: 'refuse-rate' }, 'warning'));
  const validate = liveValidation(refuseForm, summary, {
    reason: (v) => (!v.reason ? 'Enter why you are refusing the rate'
      : v.reason.length > REASON_MAX ? `The reason must be ${REASON_MAX} characters or fewer` : null),
  });
  refuseForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const reason = refuseForm.elements.reason.value.trim();
    await busy(refuseForm, async () => {
      try {
        await post(`/shifts/${s.id}/rate-refusal`, { reason });
        done('Rate refused', `${what}: the shift is withdrawn. The practice has been told, with your reason.`);
      } catch (err) {
        // The server's refusal of the reason, in the words of the field's own check.
        if (err.field === 'reason') err.message = `Enter why you are refusing the rate on one line, ${REASON_MAX} characters at most`;
        showApiError(refuseForm, summary, noLonger(err));
      }
    });
  });

  page(`Approve or refuse the rate: ${title}`, summary, backLink(back, backText), heading, status,
    h('div', { id: 'awaiting-explained' }, insetText(p(
      `${s.practice.name} posted this shift at ${rate(s.rate_pence, s.rate_unit)}, `,
      s.rate_unit === 'session' ? `${pounds(s.hourly_equivalent_pence)} an hour, ` : '',
      cap && s.hourly_equivalent_pence <= cap ? `over the pool's cap when it was posted (the cap is ${pounds(cap)} an hour now). ` : `over ${capWords(cap)}. `,
      'Nobody in the pool can see or book it until you decide.'))),
    details, approveForm, refuseForm);
}, POOL_ADMIN);
