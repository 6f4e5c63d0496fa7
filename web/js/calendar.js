// calendar.js - a month as a calendar table (Monday first) listing items on their UK local day,
// with links to the month before and after. On a phone the table becomes a list of the days that
// have something on them (css/app.css).

import { monthTitle, ukDate } from './format.js';
import { h, link } from './ui.js';

const DAYS = [['Mon', 'Monday'], ['Tue', 'Tuesday'], ['Wed', 'Wednesday'], ['Thu', 'Thursday'], ['Fri', 'Friday'], ['Sat', 'Saturday'], ['Sun', 'Sunday']];

export function monthOf(date) {
  const [y, m] = date.split('-').map(Number);
  return { y, m };
}

export function monthRange(y, m) {
  const first = `${y}-${String(m).padStart(2, '0')}-01`;
  const ny = m === 12 ? y + 1 : y, nm = m === 12 ? 1 : m + 1;
  return { first, next: `${ny}-${String(nm).padStart(2, '0')}-01` };
}

export function shiftMonth(y, m, delta) {
  const t = new Date(Date.UTC(y, m - 1 + delta, 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1 };
}

// items: [{at: ISO instant, text, href, note}]; hrefFor({y, m}) gives the link to another month.
export function calendar({ y, m, items, hrefFor, id = 'calendar' }) {
  const byDay = new Map();
  for (const it of items) {
    const d = ukDate(it.at);
    if (!byDay.has(d)) byDay.set(d, []);
    byDay.get(d).push(it);
  }
  const first = new Date(Date.UTC(y, m - 1, 1));
  const lead = (first.getUTCDay() + 6) % 7; // Monday first
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const cells = [];
  for (let i = 0; i < lead; i++) cells.push(null);
  for (let d = 1; d <= days; d++) cells.push(d);
  while (cells.length % 7) cells.push(null);
  const rows = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(cells.slice(i, i + 7));
  const fullDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' });
  const prev = shiftMonth(y, m, -1), next = shiftMonth(y, m, 1);
  const title = monthTitle(y, m);
  return h('div', { class: 'fp-calendar', id },
    h('nav', { class: 'fp-calendar__nav', 'aria-label': 'Months' },
      link(hrefFor(prev), `Previous month`, { class: 'nhsuk-link fp-calendar__prev', 'aria-label': `Previous month, ${monthTitle(prev.y, prev.m)}` }),
      link(hrefFor(next), `Next month`, { class: 'nhsuk-link fp-calendar__next', 'aria-label': `Next month, ${monthTitle(next.y, next.m)}` })),
    h('table', { class: 'fp-calendar__table' },
      h('caption', { class: 'nhsuk-table__caption nhsuk-table__caption--m' }, title),
      h('thead', {}, h('tr', {}, DAYS.map(([s, l]) => h('th', { scope: 'col' }, h('abbr', { title: l }, s))))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((d) => {
        if (!d) return h('td', { class: 'fp-calendar__day fp-calendar__day--outside' });
        const date = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const list = byDay.get(date) || [];
        return h('td', { class: `fp-calendar__day${list.length ? ' fp-calendar__day--busy' : ' fp-calendar__day--empty'}` },
          h('span', { class: 'fp-calendar__num', 'aria-hidden': 'true' }, String(d)),
          h('span', { class: 'fp-calendar__date' }, fullDate.format(new Date(Date.UTC(y, m - 1, d)))),
          list.length ? h('ul', { class: 'fp-calendar__items' }, list.map((it) => h('li', {},
            h('a', { class: 'nhsuk-link', href: it.href }, it.text), it.note ? h('span', { class: 'fp-calendar__note' }, ` ${it.note}`) : null))) : null);
      })))),
    ),
    byDay.size ? null : h('p', { class: 'nhsuk-body' }, `Nothing in ${title}.`));
}
