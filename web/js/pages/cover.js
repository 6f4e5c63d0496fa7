// The practice manager's cover (issue 12): "who is available" for a date and session (or hours) -
// the pool's clinicians who said they are available then, eligible for the role on that date, free
// and within reach, favourites first, then those who have worked here most, then the nearest - and
// the practice's favourites and blocked clinicians. Blocking asks first on its own page.

import { del, get, getAll, put } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { confirmPage } from '../confirm.js';
import { dateInputParts, dateInputProblem, dateInputValue, formValues, liveValidation, showApiError } from '../forms.js';
import { longDateOf, roleName, ROLE_NAMES, timeRange, ukToday } from '../format.js';
import { pagedList } from '../paging.js';
import {
  backLink, button, dateInput, h, input, insetText, link, p, pageHeading, radios, select, table, tag,
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

route('/practice/cover', async ({ query }) => {
  const pid = practiceId(query);
  const date = query.get('date') || '';
  const session = query.get('session') || '';
  const profession = query.get('profession') || 'gp';
  const summary = h('div');
  let check = null;
  const form = h('form', { id: 'cover-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    check = check || liveValidation(form, summary, {
      'cover-date': (v) => dateInputProblem(v, 'cover-date', 'the date', { required: true }),
      'cover-session': (v) => (v['cover-session'] ? null : 'Choose a session, or your own hours'),
      'cover-start': (v) => (v['cover-session'] === 'own' && !HHMM.test(v['cover-start'] || '') ? 'Enter the start time, like 09:00' : null),
      'cover-end': (v) => (v['cover-session'] === 'own' && (!HHMM.test(v['cover-end'] || '') || v['cover-end'] <= v['cover-start']) ? 'Enter an end time after the start time, like 13:00' : null),
    }, { focusIdOf: (id) => (id === 'cover-date' ? 'cover-date-day' : id) });
    if (!check()) return;
    const v = formValues(form);
    const u = new URLSearchParams({ date: dateInputValue(v, 'cover-date'), profession: v['cover-profession'] });
    if (v['cover-session'] === 'own') { u.set('session', 'own'); u.set('start', v['cover-start']); u.set('end', v['cover-end']); } else u.set('session', v['cover-session']);
    navigate(`/practice/cover?${u}`);
  } },
  summary,
  dateInput({ id: 'cover-date', legend: 'Date', hint: `For example, ${ukToday().split('-').reverse().map(Number).join(' ')}`, value: dateInputParts(date) }),
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
          ? [list.summary, table({ caption: 'Clinicians available, best fit first', captionSize: 's', head: ['Name', 'Role', 'Sessions worked here', 'Distance', 'Action'], rows, id: 'cover-table' }), list.nav]
          : [insetText(p('Nobody in your pools has said they are available for all of that time, or nobody free then can work it. Try another session or day, or post the shift so that clinicians can find it.'))]),
      ];
    } catch (err) {
      results = h('div', { id: 'cover-problem' });
      showApiError(form, results, err, { date: 'cover-date', session: 'cover-session', start: 'cover-start', end: 'cover-end' });
    }
  }
  page('Find cover', pageHeading('Find cover'),
    p('See which clinicians in your pools have said they can work a session: favourites first, then those who have worked here most, then the nearest.'),
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
