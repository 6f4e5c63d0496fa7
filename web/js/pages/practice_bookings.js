// The practice manager's past bookings: the sessions worked at their practices, the most recent
// first, 25 a page from the API's cursors (GET /bookings?when=past), with who worked, when, for how
// long and the agreed fee, those recorded as not attended marked so, and a search by the
// clinician's name.

import { pagedList, filterForm } from '../paging.js';
import { page, rolesOf, route } from '../app.js';
import { hours, pounds, roleName, shortDate, timeRange } from '../format.js';
import { h, link, p, pageHeading, table, tag } from '../ui.js';

const MANAGER = { roles: ['practice_manager'] };

route('/practice/bookings', async ({ query }) => {
  const here = '/practice/bookings';
  const filters = filterForm({
    here, query, title: 'Search past bookings',
    fields: [{ id: 'q', label: 'Clinician name', type: 'search', hint: 'Part of the name is enough' }],
  });
  const list = await pagedList({
    path: '/bookings', params: { status: 'confirmed', when: 'past', sort: '-starts_at', q: filters.values.q },
    query, here, noun: ['past booking', 'past bookings'],
  });
  // A manager of more than one practice sees which practice each session was at.
  const several = rolesOf('practice_manager').length > 1;
  const rows = list.items.map((b) => {
    const dna = b.attendance === 'did_not_attend';
    return [
      { text: b.clinician_name, header: true },
      roleName(b.role),
      ...(several ? [b.practice_name] : []),
      { text: link(`/practice/shifts/${b.shift_id}`, `${shortDate(b.starts_at)}, ${timeRange(b.starts_at, b.ends_at)}`) },
      dna ? h('span', { class: 'fp-note' }, `Not worked (booked for ${hours(b.worked_minutes)})`) : hours(b.worked_minutes),
      { text: pounds(b.fee_pence), numeric: true },
      { text: dna
        ? [tag('Did not attend', 'cancelled'), h('span', { class: 'nhsuk-body-s fp-note' }, ` recorded ${shortDate(b.attendance_recorded_at)}`)]
        : tag('Worked', 'confirmed') },
    ];
  });
  page('Past bookings', pageHeading('Past bookings'),
    p('The sessions booked at your practice that have ended, the most recent first. A session the practice recorded as not attended is marked "Did not attend". Cancelled bookings are not shown.'),
    filters.element,
    list.items.length
      ? [list.summary, table({
        caption: 'Past bookings', captionSize: 's', id: 'practice-past-bookings',
        head: ['Clinician', 'Role', ...(several ? ['Practice'] : []), 'When', 'Hours', { text: 'Agreed fee', numeric: true }, 'Attendance'],
        rows,
      }), list.nav]
      : p(filters.active.length ? 'No past bookings match. Try another name, or clear the search.' : 'No sessions booked at your practice have ended yet.'));
}, MANAGER);
