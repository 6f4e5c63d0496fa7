// The notification list (/notifications), for every signed-in account: what flexpool told you (each
// also emailed), newest first, unread ones marked, 25 a page; one or all marked read. The header's
// count of unread ones (app.js showUnread) follows. A notification that comes while the first page
// is open (the live stream, live.js) is drawn at once.

import { get, post, qs } from '../api.js';
import { navigate, page, showUnread } from '../app.js';
import { liveUnread, onLive, setLiveUnread } from '../live.js';
import { longDate, time } from '../format.js';
import { button, h, insetText, link, p, pageHeading, tag } from '../ui.js';

const PAGE = 25;

function item(n, reload) {
  const markRead = async (e) => {
    e.currentTarget.disabled = true;
    await post(`/me/notifications/${n.id}/read`);
    await reload();
  };
  const open = async (e) => {
    if (n.read) return;
    e.preventDefault();
    const marked = await post(`/me/notifications/${n.id}/read`).then(() => true, () => false);
    if (marked && liveUnread()) setLiveUnread(liveUnread() - 1); // the header on the next page
    navigate(n.link);
  };
  return h('li', { class: 'fp-notification' },
    h('div', { class: 'nhsuk-card' },
      h('div', { class: 'nhsuk-card__content' },
        h('h2', { class: 'nhsuk-card__heading nhsuk-heading-s' }, n.read ? null : [tag('Unread', 'open'), ' '], n.subject),
        h('p', { class: 'nhsuk-body-s nhsuk-u-secondary-text-color' }, `${longDate(n.created_at)} at ${time(n.created_at)}`),
        h('p', { class: 'nhsuk-body fp-pre-line' }, n.text),
        n.link ? p(link(n.link, ['Open', h('span', { class: 'nhsuk-u-visually-hidden' }, `: ${n.subject}`)], { onclick: open })) : null,
        n.read ? null : button('Mark as read', { type: 'button', onclick: markRead }, 'secondary'))));
}

// Drawn by the route in public.js, which loads this module only when the page is opened.
export async function showNotifications({ query, isCurrent }) {
  const cursor = query.get('cursor');
  const load = async () => {
    const res = await get(`/me/notifications${qs({ limit: PAGE, cursor })}`);
    if (!isCurrent()) return;
    const all = async () => { await post('/me/notifications/read'); await load(); };
    page('Notifications', pageHeading('Notifications'),
      p('What flexpool has told you. Each is also sent to your email address.'),
      res.unread ? p(`${res.unread} unread.`) : null,
      res.unread ? button('Mark all as read', { type: 'button', id: 'mark-all-read', onclick: all }, 'secondary') : null,
      res.items.length
        ? h('ul', { class: 'nhsuk-list', id: 'notifications' }, res.items.map((n) => item(n, load)))
        : insetText(p(cursor ? 'No older notifications.' : 'Nothing yet. When something happens that concerns you (a booking, an application, a cancellation), it appears here.')),
      res.next_cursor ? p(link(`/notifications?cursor=${encodeURIComponent(res.next_cursor)}`, 'Older notifications')) : null);
    showUnread(res.unread);
  };
  await load();
  if (cursor) return;
  const stop = onLive(({ type }) => {
    if (!isCurrent()) { stop(); return; }
    if (type === 'notification') load().catch(() => {});
  });
}
