// The practice manager's cover (issue 12): "who is available" for a date and session (or hours) -
// the pool's clinicians who said they are available then and whom an offer would book (eligible for
// the role on that date, free, within the working-time guards), and within reach, favourites first, then those who have worked here most, then the nearest - and
// the practice's favourites and blocked clinicians. Blocking asks first on its own page. Opened for
// one of the practice's open shifts (?shift=ID, from the shift's page: "Offer this shift"), it
// searches that shift's date, hours and role and offers the shift to the clinicians ticked.

import { del, get, getAll, post, put } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { confirmPage } from '../confirm.js';
import { busy, dateInputParts, dateInputProblem, dateInputValue, formValues, liveValidation, showApiError } from '../forms.js';
import { longDateOf, roleName, ROLE_NAMES, timeRange, ukDate, ukParts, ukToday, when } from '../format.js';
import { pagedList } from '../paging.js';
import {
  backLink, button, dateInput, h, input, insetText, link, p, pageHeading, radios, select, showErrorSummary, table, tag,
} from '../ui.js';

const MANAGER = { roles: ['practice_manager'] };
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function practiceId(query) {
  const ids = rolesOf('practice_manager').map((r) => r.organisation_id).filter(Boolean);
  const want = Number(query && query.get('practice'));
  return ids.includes(want) ? want : ids[0];
}

const smallButton = (text, hidden, onclick, id) => h('button', {
  class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', type: 'button', id, onclick,
}, text, h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${hidden}`));

const hhmm = (t) => { const { hh, mm } = ukParts(t); return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`; };

// The search for an open shift's own date, hours and role (an end on a later day searches to midnight).
function shiftSearch(s) {
  const date = ukDate(s.starts_at);
  const end = ukDate(s.ends_at) === date ? hhmm(s.ends_at) : '24:00';
  return new URLSearchParams({ shift: s.id, date, session: 'own', start: hhmm(s.starts_at), end, profession: s.role });
}

// The clinicians ticked for shift s's offers, kept for the tab's session so that ticks on one page
// of results are still there after moving to another: { clinician id: name }.
const ticksKey = (s) => `fp-cover-ticks-${s.id}`;
function ticksOf(s) {
  try { return JSON.parse(sessionStorage.getItem(ticksKey(s)) || '{}'); } catch { return {}; }
}
function setTick(s, c, on) {
  const t = ticksOf(s);
  if (on) t[c.clinician_id] = c.name; else delete t[c.clinician_id];
  try { sessionStorage.setItem(ticksKey(s), JSON.stringify(t)); } catch { /* private mode: this page's ticks only */ }
}

// A tick box to offer shift s to one clinician, or what they already hold.
function offerCell(s, c, offered) {
  if (offered.has(c.clinician_id)) return tag('Offered', 'pending');
  const id = `offer-${c.clinician_id}`;
  return h('div', { class: 'nhsuk-checkboxes' }, h('div', { class: 'nhsuk-checkboxes__item' },
    h('input', { class: 'nhsuk-checkboxes__input', id, name: 'offer', type: 'checkbox', value: String(c.clinician_id), 'data-name': c.name,
      checked: String(c.clinician_id) in ticksOf(s) ? true : null, onchange: (e) => setTick(s, c, e.currentTarget.checked) }),
    h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: id }, 'Offer', h('span', { class: 'nhsuk-u-visually-hidden' }, ` the shift to ${c.name}`))));
}

// The form that sends the offers of shift s to the clinicians ticked in its table, and on the
// other pages of results (those already holding an offer aside).
function offerForm(s, tableEl, offered) {
  const summary = h('div');
  const elsewhere = Object.keys(ticksOf(s)).filter((id) => !offered.has(Number(id)) && !tableEl.querySelector(`#offer-${id}`)).length;
  const form = h('form', { id: 'offer-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    for (const i of form.querySelectorAll('input[name="offer"]')) setTick(s, { clinician_id: Number(i.value), name: i.dataset.name }, i.checked);
    const ticked = Object.entries(ticksOf(s)).filter(([id]) => !offered.has(Number(id))).map(([value, name]) => ({ value, dataset: { name } }));
    if (!ticked.length) {
      const first = form.querySelector('input[name="offer"]');
      showErrorSummary(summary, [{ id: first ? first.id : null, text: 'Tick at least one clinician to offer the shift to' }]);
      return;
    }
    await busy(form, async () => {
      try {
        await post(`/shifts/${s.id}/offers`, { clinician_ids: ticked.map((i) => Number(i.value)) });
        try { sessionStorage.removeItem(ticksKey(s)); } catch { /* nothing kept */ }
        const names = ticked.map((i) => i.dataset.name);
        flash('Shift offered', `Offered to ${names.length === 1 ? names[0] : `${names.length} clinicians`}. They have been told by email and in their notifications; the first to accept is booked.`);
        navigate(`/practice/shifts/${s.id}`);
      } catch (err) { showApiError(form, summary, err); }
    });
  } }, summary, tableEl,
  elsewhere ? h('p', { class: 'nhsuk-body', id: 'ticked-elsewhere' }, `You have also ticked ${elsewhere === 1 ? '1 clinician' : `${elsewhere} clinicians`} on other pages of results: they are offered the shift too.`) : null,
  button('Offer the shift to those ticked', { id: 'send-offers' }));
  return form;
}

route('/practice/cover', async ({ query: asked }) => {
  const pid = practiceId(asked);
  // For one open shift: its own search, and its offers so far.
  const shiftId = asked.get('shift');
  const shift = shiftId ? await get(`/shifts/${encodeURIComponent(shiftId)}`) : null;
  const query = shift && !asked.get('date') ? shiftSearch(shift) : asked;
  const offering = shift && shift.status === 'open' && new Date(shift.starts_at) > new Date();
  const offered = new Set(offering ? (await getAll(`/shifts/${shift.id}/offers`, {}, 100).catch(() => []))
    .filter((o) => o.state === 'pending').map((o) => o.clinician_id) : []);
  const date = query.get('date') || '';
  const session = query.get('session') || '';
  const profession = query.get('profession') || 'gp';
  const summary = h('div');
  let check = null;
  const form = h('form', { id: 'cover-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    check = check || liveValidation(form, summary, {
      'cover-date': (v) => dateInputProblem(v, 'cover-date', 'the date', { required: true, notBefore: ukToday(), today: ukToday() }),
      'cover-session': (v) => (v['cover-session'] ? null : 'Choose a session, or your own hours'),
      'cover-start': (v) => (v['cover-session'] === 'own' && !HHMM.test(v['cover-start'] || '') ? 'Enter the start time, like 09:00' : null),
      'cover-end': (v) => (v['cover-session'] === 'own' && (!HHMM.test(v['cover-end'] || '') || v['cover-end'] <= v['cover-start']) ? 'Enter an end time after the start time, like 13:00' : null),
    }, { focusIdOf: (id) => (id === 'cover-date' ? 'cover-date-day' : id) });
    if (!check()) return;
    const v = formValues(form);
    const u = new URLSearchParams({ date: dateInputValue(v, 'cover-date'), profession: v['cover-profession'] });
    if (v['cover-session'] === 'own') { u.set('session', 'own'); u.set('start', v['cover-start']); u.set('end', v['cover-end']); } else u.set('session', v['cover-session']);
    if (shift) u.set('shift', shift.id);
    navigate(`/practice/cover?${u}`);
  } },
  summary,
  dateInput({ id: 'cover-date', legend: 'Date', hint: `Today or later, for example, ${ukToday().split('-').reverse().map(Number).join(' ')}`, value: dateInputParts(date) }),
  radios({ id: 'cover-session', legend: 'Session', value: session, items: [
    { value: 'morning', text: 'Morning', hint: '8am to 1pm' }, { value: 'afternoon', text: 'Afternoon', hint: '1pm to 6:30pm' },
    { value: 'evening', text: 'Evening', hint: '6:30pm to 9pm' }, { value: 'own', text: 'Other hours' }] }),
  input({ id: 'cover-start', label: 'From (other hours)', hint: 'For example, 09:00', width: 5, value: query.get('start') || '' }),
  input({ id: 'cover-end', label: 'To (other hours)', hint: 'For example, 13:00', width: 5, value: query.get('end') || '' }),
  select({ id: 'cover-profession', label: 'Role', value: profession, options: Object.entries(ROLE_NAMES).map(([value, text]) => ({ value, text })) }),
  button('Find who is available'));

  let results = null;
  if (date && session) {
    const params = { date, profession, ...(session === 'own' ? { start: query.get('start'), end: query.get('end') } : { session }) };
    try {
      const list = await pagedList({ path: `/organisations/${pid}/available-clinicians`, params, query, here: '/practice/cover', noun: ['clinician', 'clinicians'] });
      const r = list.response;
      const rows = list.items.map((c) => [
        ...(offering ? [{ text: offerCell(shift, c, offered) }] : []),
        { text: h('span', {}, c.name, c.favourite ? [' ', tag('Favourite', 'confirmed')] : null) },
        roleName(c.profession),
        String(c.past_sessions),
        c.distance_km === null ? 'Not known' : `${c.distance_km} km`,
        { text: h('div', {},
          c.favourite ? null : smallButton('Add to favourites', c.name, async (e) => {
            e.currentTarget.disabled = true;
            await put(`/organisations/${pid}/favourites/${c.clinician_id}`);
            flash('Added to favourites', `${c.name} is now one of your practice's favourites.`);
            navigate(`/practice/cover${location.search}`, { replace: true });
          }, `favourite-${c.clinician_id}`),
          h('p', { class: 'nhsuk-body-s nhsuk-u-margin-top-3 nhsuk-u-margin-bottom-0' },
            link(`/practice/clinicians/${c.clinician_id}/block?name=${encodeURIComponent(c.name)}`, h('span', {}, 'Block', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${c.name}`))))) },
      ]);
      results = [
        h('h2', { class: 'nhsuk-heading-m', id: 'cover-results-heading' }, `Available on ${longDateOf(date)}, ${timeRange(r.starts_at, r.ends_at)}`),
        ...(list.items.length
          ? [list.summary, (() => {
            const t = table({ caption: 'Clinicians available, best fit first', captionSize: 's', head: [...(offering ? ['Offer'] : []), 'Name', 'Role', 'Sessions worked here', 'Distance', 'Action'], rows, id: 'cover-table' });
            return offering ? offerForm(shift, t, offered) : t;
          })(), list.nav]
          : [insetText(p('Nobody in your pools has said they are available for all of that time, or nobody free then can work it within the working-time limits. Try another session or day, or post the shift so that clinicians can find it.'))]),
      ];
    } catch (err) {
      results = h('div', { id: 'cover-problem' });
      showApiError(form, results, err, { date: 'cover-date', session: 'cover-session', start: 'cover-start', end: 'cover-end' });
    }
  }
  page('Find cover', shift ? backLink(`/practice/shifts/${shift.id}`, 'Back to the shift') : null, pageHeading('Find cover'),
    p('See which clinicians in your pools have said they can work a session: favourites first, then those who have worked here most, then the nearest.'),
    shift ? insetText(offering
      ? p(`Offering the ${roleName(shift.role)} shift on ${when(shift.starts_at, shift.ends_at)}. Tick the clinicians to offer it to: the first to accept is booked. An offer lapses after 24 hours, or when the shift starts if that is sooner.`)
      : p(shift.status === 'awaiting_approval'
        ? `The ${roleName(shift.role)} shift on ${when(shift.starts_at, shift.ends_at)} is waiting for the pool's approval of its rate, so it cannot be offered until the pool approves it.`
        : `The ${roleName(shift.role)} shift on ${when(shift.starts_at, shift.ends_at)} is no longer open, so it cannot be offered.`)) : null,
    p(link('/practice/clinicians', 'Your favourite and blocked clinicians')),
    form, results);
}, MANAGER);

route('/practice/clinicians', async ({ query }) => {
  const pid = practiceId(query);
  const [favourites, blocked] = await Promise.all([getAll(`/organisations/${pid}/favourites`, {}, 500), getAll(`/organisations/${pid}/blocked`, {}, 500)]);
  const remove = (kind, c, heading, text) => smallButton(kind === 'blocked' ? 'Unblock' : 'Remove', c.clinician_name, async (e) => {
    e.currentTarget.disabled = true;
    await del(`/organisations/${pid}/${kind}/${c.clinician_id}`);
    flash(heading, text);
    navigate('/practice/clinicians', { replace: true });
  }, `${kind}-remove-${c.clinician_id}`);
  page('Favourite and blocked clinicians', backLink('/practice/cover', 'Back to find cover'), pageHeading('Favourite and blocked clinicians'),
    h('h2', { class: 'nhsuk-heading-m' }, 'Favourites'),
    favourites.length
      ? table({ caption: 'Favourite clinicians', captionSize: 's', head: ['Name', 'Role', 'Action'], id: 'favourites-table',
        rows: favourites.map((c) => [c.clinician_name, roleName(c.profession), { text: remove('favourites', c, 'Removed from favourites', `${c.clinician_name} is no longer a favourite.`) }]) })
      : p('You have no favourites yet. Add them from Find cover.'),
    h('h2', { class: 'nhsuk-heading-m' }, 'Blocked'),
    p('A blocked clinician does not see your practice\'s shifts and cannot book or apply for them.'),
    blocked.length
      ? table({ caption: 'Blocked clinicians', captionSize: 's', head: ['Name', 'Role', 'Action'], id: 'blocked-table',
        rows: blocked.map((c) => [c.clinician_name, roleName(c.profession), { text: remove('blocked', c, 'Unblocked', `${c.clinician_name} can see and book your practice's shifts again.`) }]) })
      : p('You have not blocked anyone.'));
}, MANAGER);

route('/practice/clinicians/:id/block', async ({ params, query }) => {
  const pid = practiceId(query);
  const name = query.get('name') || `clinician ${params.id}`;
  confirmPage({
    title: 'Block this clinician',
    caption: name,
    consequences: [
      `${name} will no longer see your practice's shifts, and cannot book or apply for them.`,
      'Offers of your shifts that they have not answered yet are withdrawn, and they cannot be sent more.',
      'They are not told that you blocked them.',
      'Bookings they already have stay as they are: cancel them from the shift if you need to.',
      'You can unblock them at any time from your favourite and blocked clinicians.',
    ],
    confirmText: 'Block clinician',
    backHref: '/practice/cover',
    backText: 'No, go back',
    action: () => put(`/organisations/${pid}/blocked/${encodeURIComponent(params.id)}`),
    done: () => { flash('Clinician blocked', `${name} no longer sees your practice's shifts.`); navigate('/practice/clinicians'); },
  });
}, MANAGER);
