// calendar_feed.js - the calendar feeds: a clinician's bookings (/calendar) and a practice's shifts
// (/practice/calendar) as an address a calendar app subscribes to (GET /me/calendar,
// GET /organisations/{id}/calendar: a new address each time, all working until renewed), with a
// button that copies it and a way to a new address when the old one was shared (renewal, asked
// first on its own page: the old addresses stop working).

import { get, post } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { confirmPage } from '../confirm.js';
import { button, h, insetText, link, liveRegion, p, pageHeading, warningCallout } from '../ui.js';

const CLINICIAN = { roles: ['clinician'] };
const MANAGER = { roles: ['practice_manager'] };

// The address in a read-only field, and a button that copies it (saying so to screen readers).
function feedField(id, label, url) {
  const status = liveRegion(`${id}-status`);
  const field = h('input', { class: 'nhsuk-input', id, name: id, type: 'text', value: url, readonly: true, spellcheck: 'false', 'aria-describedby': `${id}-hint` });
  const copy = button('Copy address', { type: 'button', id: `${id}-copy` }, 'secondary');
  copy.addEventListener('click', async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = 'Address copied. Paste it into your calendar app.';
    } catch {
      status.textContent = 'Copying was not allowed here: the address is selected, copy it yourself.';
    }
  });
  return h('div', {},
    h('div', { class: 'nhsuk-form-group' },
      h('label', { class: 'nhsuk-label', for: id }, label),
      h('div', { class: 'nhsuk-hint', id: `${id}-hint` }, 'In your calendar app, add a calendar "from a web address" (or "subscribe") and paste this.'),
      field),
    copy, status);
}

const HOW = [
  p('Google Calendar: Other calendars, then From URL. Outlook: Add calendar, then Subscribe from web. Apple Calendar: File, then New Calendar Subscription.'),
  p('Your calendar app checks the address for changes by itself, usually every few hours. A cancelled session stays in the calendar marked as cancelled.'),
];

const PRIVATE = (whose) => warningCallout('Keep this address private',
  p(`Anyone who has it can see ${whose} without signing in. If you shared it by mistake, get a new address: every earlier one stops working.`));

route('/calendar', async () => {
  const { url } = await get('/me/calendar');
  page('Your calendar feed', pageHeading('Your calendar feed'),
    p('See your flexpool bookings in the calendar on your phone or computer, kept up to date.'),
    feedField('feed-url', 'Your calendar address', url),
    ...HOW,
    PRIVATE('your bookings and the practices you work at'),
    p(link('/calendar/renew', 'Get a new address (the old one stops working)', { id: 'calendar-renew' })),
    p(link('/bookings', 'Back to my bookings')));
}, CLINICIAN);

route('/calendar/renew', async () => {
  confirmPage({
    title: 'Get a new calendar address',
    consequences: ['Every calendar address you were given before stops working: calendars subscribed to it stop updating.',
      'You will be shown the new address to add to your calendar app again.'],
    confirmText: 'Get a new address', backHref: '/calendar',
    action: () => post('/me/calendar/renewal'),
    done: () => { flash('You have a new calendar address', 'The old address no longer works. Add the new one to your calendar app.'); return navigate('/calendar'); },
  });
}, CLINICIAN);

route('/practice/calendar', async () => {
  const practices = rolesOf('practice_manager').map((r) => r.organisation_id);
  const sections = [];
  for (const id of practices) {
    const [org, feed] = await Promise.all([get(`/organisations/${id}`), get(`/organisations/${id}/calendar`)]);
    sections.push(h('h2', { class: 'nhsuk-heading-m' }, org.name),
      feedField(`feed-url-${id}`, `${org.name}: calendar address`, feed.url),
      p(link(`/practice/calendar/${id}/renew`, `Get a new address for ${org.name} (the old one stops working)`, { id: `calendar-renew-${id}` })));
  }
  page('Practice calendar feed', pageHeading('Practice calendar feed'),
    p('See the practice\'s sessions in a shared calendar (open, booked with who is booked, withdrawn), kept up to date.'),
    ...sections,
    ...HOW,
    PRIVATE('the practice\'s sessions and who is booked'),
    insetText(p('Only the practice\'s managers can get this address.')));
}, MANAGER);

route('/practice/calendar/:id/renew', async ({ params }) => {
  const org = await get(`/organisations/${params.id}`);
  confirmPage({
    title: 'Get a new practice calendar address', caption: org.name,
    consequences: [`Every calendar address given for ${org.name} before stops working, for all its managers: calendars subscribed to it stop updating.`,
      'You will be shown the new address to add to the calendar app again.'],
    confirmText: 'Get a new address', backHref: '/practice/calendar',
    action: () => post(`/organisations/${params.id}/calendar/renewal`),
    done: () => { flash('The practice has a new calendar address', 'The old address no longer works. Add the new one to the calendar app.'); return navigate('/practice/calendar'); },
  });
}, MANAGER);
