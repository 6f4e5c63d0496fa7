// calendar.js - a month as a calendar (Monday first) that fits on one screen: each day says how many
// items it has, and choosing a day lists that day's items under the month. The day chosen at first
// is the one the page asks for, else the first day from today with something on it (else the
// month's first such day). The month
// never grows with the items, so a busy month stays one screen on a desktop and on a phone.

import { monthTitle, ukDate, ukToday } from './format.js';
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

// items: [{at: ISO instant, text, href, note, flag}] (flag: a short warning shown with the item);
// hrefFor({y, m}) gives the link to another month; noun: ['shift', 'shifts'] for the day counts;
// day (YYYY-MM-DD, from the page's URL) the day to show first when it has items.
export function calendar({ y, m, items, hrefFor, id = 'calendar', noun = ['item', 'items'], day = null }) {
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
  const dateOf = (d) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const words = (n) => `${n} ${n === 1 ? noun[0] : noun[1]}`;

  // The day first chosen: the first from today with items, else the first with any.
  const busy = [...byDay.keys()].sort();
  const today = ukToday();
  let chosen = (day && byDay.has(day) ? day : null) || busy.find((d) => d >= today) || busy[0] || null;

  const dayList = h('div', { class: 'fp-calendar__list', id: `${id}-day`, 'aria-live': 'polite' });
  const buttons = new Map();
  const show = (date) => {
    chosen = date;
    for (const [d, b] of buttons) b.setAttribute('aria-pressed', d === date ? 'true' : 'false');
    const list = byDay.get(date) || [];
    const [yy, mm, dd] = date.split('-').map(Number);
    dayList.replaceChildren(
      h('h3', { class: 'nhsuk-heading-s fp-calendar__list-heading' }, `${fullDate.format(new Date(Date.UTC(yy, mm - 1, dd)))}: ${words(list.length)}`),
      h('ul', { class: 'nhsuk-list fp-calendar__items' }, list.map((it) => h('li', { class: 'fp-calendar__item' },
        h('a', { class: 'nhsuk-link', href: it.href }, it.text),
        it.note ? h('span', { class: 'fp-calendar__note' }, ` ${it.note}`) : null,
        it.flag ? h('span', { class: 'fp-calendar__flag' }, ` ${it.flag}`) : null))));
  };

  const table = h('table', { class: 'fp-calendar__table' },
    h('caption', { class: 'nhsuk-table__caption nhsuk-table__caption--m' }, title),
    h('thead', {}, h('tr', {}, DAYS.map(([s, l]) => h('th', { scope: 'col' }, h('abbr', { title: l }, s))))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((d) => {
      if (!d) return h('td', { class: 'fp-calendar__day fp-calendar__day--outside' });
      const date = dateOf(d);
      const list = byDay.get(date) || [];
      const label = fullDate.format(new Date(Date.UTC(y, m - 1, d)));
      if (!list.length) {
        return h('td', { class: 'fp-calendar__day fp-calendar__day--empty' },
          h('span', { class: 'fp-calendar__num', 'aria-hidden': 'true' }, String(d)),
          h('span', { class: 'nhsuk-u-visually-hidden' }, `${label}: nothing`));
      }
      const b = h('button', {
        type: 'button', class: 'fp-calendar__pick', 'aria-pressed': date === chosen ? 'true' : 'false', 'aria-controls': `${id}-day`,
        onclick: () => show(date),
      },
      h('span', { class: 'fp-calendar__num', 'aria-hidden': 'true' }, String(d)),
      h('span', { class: 'fp-calendar__count' }, h('span', { class: 'nhsuk-u-visually-hidden' }, `${label}: `), String(list.length),
        h('span', { class: 'fp-calendar__count-word' }, ` ${list.length === 1 ? noun[0] : noun[1]}`)));
      buttons.set(date, b);
      return h('td', { class: 'fp-calendar__day fp-calendar__day--busy' }, b);
    })))));

  if (chosen) show(chosen);
  return h('div', { class: 'fp-calendar', id },
    h('nav', { class: 'fp-calendar__nav', 'aria-label': 'Months' },
      link(hrefFor(prev), 'Previous month', { class: 'nhsuk-link fp-calendar__prev', 'aria-label': `Previous month, ${monthTitle(prev.y, prev.m)}` }),
      link(hrefFor(next), 'Next month', { class: 'nhsuk-link fp-calendar__next', 'aria-label': `Next month, ${monthTitle(next.y, next.m)}` })),
    table,
    byDay.size ? h('p', { class: 'nhsuk-body-s fp-calendar__hint' }, `Choose a day to see its ${noun[1]}.`) : h('p', { class: 'nhsuk-body' }, `Nothing in ${title}.`),
    chosen ? dayList : null);
}
