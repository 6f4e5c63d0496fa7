// Capacity against demand (issue 12), for a pool's administrators and the commissioners of its ICB:
// for each day and session of a window, the clinicians who declared the whole session available
// against the shifts posted in it, and how many of those are filled. The definitions are
// docs/METRICS.md's; the figures come from GET /api/v1/pools/{id}/capacity.

import { get } from '../api.js';
import { navigate, page, route } from '../app.js';
import { readablePools } from '../pools.js';
import { dateInputParts, dateInputProblem, dateInputValue, formValues, liveValidation } from '../forms.js';
import { addDays, longDateOf, number, ukToday } from '../format.js';
import { button, dateInput, h, insetText, p, pageHeading, select, table } from '../ui.js';

const READERS = { roles: ['pool_admin', 'commissioner'] };
const SESSION_NAMES = { morning: 'Morning', afternoon: 'Afternoon', evening: 'Evening' };

route('/capacity', async ({ query }) => {
  const pools = await readablePools();
  if (!pools.length) return page('Capacity and demand', pageHeading('Capacity and demand'), p('There is no pool for you to see.'));
  const want = Number(query.get('pool'));
  const pool = pools.find((x) => x.id === want) || pools[0];
  const from = query.get('from') || ukToday();
  const to = query.get('to') || addDays(from, 27);
  const summary = h('div');
  let check = null;
  const form = h('form', { id: 'capacity-form', novalidate: true, onsubmit: (e) => {
    e.preventDefault();
    check = check || liveValidation(form, summary, {
      'capacity-from': (v) => dateInputProblem(v, 'capacity-from', 'the first day', { required: true }),
      'capacity-to': (v) => dateInputProblem(v, 'capacity-to', 'the last day', { required: true })
        || (dateInputValue(v, 'capacity-to') < dateInputValue(v, 'capacity-from') ? 'The last day must be on or after the first day' : null),
    }, { focusIdOf: (id) => `${id}-day` });
    if (!check()) return;
    const v = formValues(form);
    navigate(`/capacity?${new URLSearchParams({ pool: v['capacity-pool'] || pool.id, from: dateInputValue(v, 'capacity-from'), to: dateInputValue(v, 'capacity-to') })}`);
  } },
  summary,
  pools.length > 1 ? select({ id: 'capacity-pool', label: 'Pool', value: pool.id, options: pools.map((x) => ({ value: x.id, text: x.name })) }) : null,
  dateInput({ id: 'capacity-from', legend: 'First day', value: dateInputParts(from) }),
  dateInput({ id: 'capacity-to', legend: 'Last day', hint: 'At most 62 days in all', value: dateInputParts(to) }),
  button('Show', {}, 'secondary'));

  let body;
  try {
    const c = await get(`/pools/${pool.id}/capacity?from=${from}&to=${to}`);
    const gap = (f) => (f.capacity < f.demand ? ' (fewer than posted)' : '');
    body = [
      p(`${number(c.clinicians)} active clinicians in ${pool.name}. Capacity: clinicians who said they are available for the whole session. Demand: shifts posted starting in it. Filled: of those, the booked ones.`),
      table({ caption: 'In total', captionSize: 's', head: ['Capacity', 'Demand', 'Filled'], rows: [[number(c.totals.capacity), number(c.totals.demand), number(c.totals.filled)]], id: 'capacity-totals' }),
      table({ caption: 'By week', captionSize: 's', head: ['Week starting', 'Capacity', 'Demand', 'Filled'], id: 'capacity-weeks',
        rows: c.weeks.map((w) => [longDateOf(w.week_starting), number(w.figures.capacity), number(w.figures.demand), number(w.figures.filled)]) }),
      table({ caption: 'By day and session', captionSize: 's', head: ['Day', 'Session', 'Capacity', 'Demand', 'Filled'], id: 'capacity-days',
        rows: c.days.flatMap((d) => d.sessions.map((s) => [longDateOf(d.date), SESSION_NAMES[s.session], `${number(s.capacity)}${gap(s)}`, number(s.demand), number(s.filled)])) }),
    ];
  } catch (err) {
    body = insetText(p(err.message || 'The figures could not be read.'));
  }
  page('Capacity and demand', pageHeading('Capacity and demand', pool.name), form, body);
}, READERS);
