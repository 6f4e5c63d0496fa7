// messages.js - the message thread between a clinician and a practice, one per booking
// (/messages/bookings/:id) and one per application (/messages/applications/:id), for the two sides
// only (GET/POST /bookings/{id}/messages, /applications/{id}/messages). Oldest first; the newest
// 200 are shown, with a form to write one (up to 4,000 characters, checked as you type).

import { get, getAll, post } from '../api.js';
import { page, route, state } from '../app.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
import { roleName, shortDate, time, when } from '../format.js';
import { backLink, button, h, p, pageHeading, textarea } from '../ui.js';

const MAX_BYTES = 4000;
const bytes = (text) => new TextEncoder().encode(text).length;

async function thread(kind, id) {
  const practice = state.me.roles.some((r) => r.role === 'practice_manager');
  const subject = await get(`/${kind}s/${id}`);
  const shiftId = subject.shift_id;
  const back = state.me.clinician_id ? `/shifts/${shiftId}` : `/practice/shifts/${shiftId}`;
  const withWhom = state.me.clinician_id ? (subject.practice_name || 'the practice') : (subject.clinician_name || 'the clinician');
  const items = await getAll(`/${kind}s/${id}/messages`, {}, 200);
  const summary = h('div');
  const list = items.length
    ? h('ul', { class: 'nhsuk-list fp-messages', id: 'messages' }, items.map((m) => h('li', { class: 'nhsuk-inset-text' },
      h('p', { class: 'nhsuk-body-s' }, h('strong', {}, m.side === 'clinician' ? m.author.name : `${m.author.name} (practice)`),
        ` ${shortDate(m.created_at)}, ${time(m.created_at)}`),
      h('p', { class: 'nhsuk-body fp-message-body' }, m.body))))
    : p('No messages yet.');
  const form = h('form', { novalidate: true, id: 'message-form' },
    textarea({ id: 'body', label: `Write to ${withWhom}`, rows: 4, hint: 'Up to 4,000 characters. Only you and the other side can read this; they are emailed its first lines. Do not include patient information.' }),
    button('Send message'));
  const validate = liveValidation(form, summary, {
    body: (v) => (!v.body ? 'Write a message' : bytes(v.body) > MAX_BYTES ? 'Your message must be 4,000 characters or fewer' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        await post(`/${kind}s/${id}/messages`, { body: formValues(form).body });
        await thread(kind, id);
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  const title = `Messages with ${withWhom}`;
  page(title, summary, backLink(back, 'Back to the shift'),
    pageHeading(title, `${kind === 'booking' ? 'Booking' : 'Application'}: ${roleName(subject.role || '')}, ${when(subject.starts_at, subject.ends_at)}`),
    practice && !state.me.clinician_id ? p('Anyone who manages the practice can read and write here, and so can the clinician.') : null,
    list, form);
}

route('/messages/bookings/:id', ({ params }) => thread('booking', params.id), { roles: ['clinician', 'practice_manager'] });
route('/messages/applications/:id', ({ params }) => thread('application', params.id), { roles: ['clinician', 'practice_manager'] });
