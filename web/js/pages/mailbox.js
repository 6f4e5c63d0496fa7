// The demo's mailbox (/demo/mailbox): only on a server that runs the demo. Every email the server
// has written, newest first, whoever it is to, so that the demo shows the whole loop (a booking's
// message, a password reset link) without a mail relay. A real deployment has no such page: its
// emails go to people's own inboxes.

import { get, serverRunsDemo } from '../api.js';
import { page } from '../app.js';
import { longDate, time } from '../format.js';
import { h, insetText, link, p, pageHeading, summaryList, tag, warningCallout } from '../ui.js';

const STATE = { queued: ['Waiting to be sent', 'pending'], sent: ['Sent', 'booked'], failed: ['Not delivered', 'cancelled'] };

function message(m) {
  const [stateText, colour] = STATE[m.state] || [m.state, 'past'];
  return h('div', { class: 'nhsuk-card' },
    h('div', { class: 'nhsuk-card__content' },
      h('h2', { class: 'nhsuk-card__heading nhsuk-heading-s' }, m.subject),
      summaryList([
        ['To', h('span', { class: 'fp-code fp-break' }, m.to)],
        ['Written', `${longDate(m.created_at)} at ${time(m.created_at)}`],
        ['State', tag(stateText, colour)],
      ]),
      h('p', { class: 'nhsuk-body fp-pre-line' }, m.text),
      m.link ? p(link(m.link, 'Open the page the email links to')) : null));
}

// Drawn by the route in public.js, which loads this module only when the page is opened.
export async function showMailbox() {
  if (!(await serverRunsDemo())) {
    page('Page not found', pageHeading('Page not found'),
      p('There is no mailbox here: emails go to people\'s own inboxes.'));
    return;
  }
  const box = await get('/demo-mailbox', { signedIn: false });
  page('Demo mailbox',
    pageHeading('Demo mailbox', 'Demo only'),
    warningCallout('This is the demo',
      p('This server runs the demo, so it shows every email it has written here, whoever it is to. A real flexpool sends them to people\'s own inboxes and has no such page.')),
    box.items.length
      ? h('div', { id: 'mailbox' }, box.items.map(message))
      : insetText(p('No emails yet. Book a shift as a clinician, or ask for a password reset, and the email appears here.')));
}
