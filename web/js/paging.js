// paging.js - the lists a person reads, 25 rows a page from the API's cursors, with search and
// filters. Everything about where the reader is lives in the page's URL query, so Back, Forward,
// reload and a shared link all show the same page:
//   the filters' own parameters (q, profession, ...), `cursor` (the API cursor of this page, absent
//   on the first) and `trail` (the cursors of the pages between the first and this one, so
//   "Previous" needs no request and the rows are numbered right).
// The API's cursors only go forwards; the trail is what makes "Previous" possible.
//
//   const list = await pagedList({ path: `/pools/${id}/members`, params: { kind: 'clinician', q },
//                                  query, here: '/pool/members', noun: ['member', 'members'] });
//   page('Members', filters.element, list.summary, table({ ..., rows: list.items.map(...) }), list.nav);

import { get, qs } from './api.js';
import { navigate } from './app.js';
import { dateInputParts, dateInputProblem, dateInputValue } from './forms.js';
import { longDateOf } from './format.js';
import { dateInput, h, setFieldError } from './ui.js';

export const PAGE_SIZE = 25;

// The names of the query parameters that are about paging, not filtering.
const PAGING = ['cursor', 'trail'];

const ARROW_LEFT = 'M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z';
const ARROW_RIGHT = 'M15.7 6.3 20.7 11.3c.2.2.3.4.3.7s-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h12.6l-3.3-3.3a1 1 0 0 1 1.4-1.4Z';

const arrow = (d, dir) => h('svg:svg', {
  class: `nhsuk-icon nhsuk-icon--arrow-${dir}`, xmlns: 'http://www.w3.org/2000/svg', viewBox: '0 0 24 24',
  width: '16', height: '16', focusable: 'false', 'aria-hidden': 'true',
}, h('svg:path', { d }));

function decodeTrail(text) {
  if (!text) return [];
  return text.split(',').map((c) => decodeURIComponent(c));
}

const encodeTrail = (trail) => trail.map((c) => encodeURIComponent(c)).join(',');

// The URL of `here` with the filters of `query` and the given paging parameters.
function hrefWith(here, query, paging) {
  const u = new URLSearchParams();
  for (const [k, v] of query) if (!PAGING.includes(k)) u.set(k, v);
  for (const [k, v] of Object.entries(paging)) if (v) u.set(k, v);
  const s = u.toString();
  return s ? `${here}?${s}` : here;
}

// Loads one page of `path` (params are the API filters; empty ones are left out) for the page at
// `here` whose URL query is `query`. Returns {items, summary, nav, first, count, response}:
//  - summary: "Showing 26 to 50 members" (or null when the list is empty),
//  - nav: the NHS.UK pagination with Previous/Next links (null when there is only one page),
//  - first: the 1-based number of the first row shown,
//  - response: the API's whole answer (for what a list answers beside its items, e.g. a summary).
export async function pagedList({ path, params = {}, query, here, noun = ['item', 'items'], size = PAGE_SIZE }) {
  const cursor = query.get('cursor') || '';
  // trail: the cursors of pages 2 .. n-1 (page 1 has none), so this is page trail.length + 2.
  const trail = cursor ? decodeTrail(query.get('trail')) : [];
  const pageNo = cursor ? trail.length + 2 : 1;
  const res = await get(`${path}${qs({ ...params, limit: size, cursor: cursor || null })}`);
  const items = res.items || [];
  const first = (pageNo - 1) * size + 1;
  const last = first + items.length - 1;
  const next = res.next_cursor || null;

  const summary = items.length
    ? h('p', { class: 'nhsuk-body fp-page-summary', role: 'status' },
      `Showing ${first === last ? `${first}` : `${first} to ${last}`} ${items.length === 1 && pageNo === 1 && !next ? noun[0] : noun[1]}`)
    : null;

  let nav = null;
  if (cursor || next) {
    const prevHref = cursor
      ? hrefWith(here, query, trail.length ? { cursor: trail[trail.length - 1], trail: encodeTrail(trail.slice(0, -1)) } : {})
      : null;
    const nextHref = next ? hrefWith(here, query, { cursor: next, trail: encodeTrail(cursor ? [...trail, cursor] : []) }) : null;
    nav = h('nav', { class: 'nhsuk-pagination', role: 'navigation', 'aria-label': 'Pagination' },
      h('ul', { class: 'nhsuk-list nhsuk-pagination__list' },
        prevHref ? h('li', { class: 'nhsuk-pagination-item--previous' },
          h('a', { class: 'nhsuk-pagination__link nhsuk-pagination__link--prev', href: prevHref, rel: 'prev', id: 'page-previous' },
            h('span', { class: 'nhsuk-pagination__title' }, 'Previous', h('span', { class: 'nhsuk-u-visually-hidden' }, ' page')),
            h('span', { class: 'nhsuk-u-visually-hidden' }, ':'),
            h('span', { class: 'nhsuk-pagination__page' }, `Page ${pageNo - 1}`),
            arrow(ARROW_LEFT, 'left'))) : null,
        nextHref ? h('li', { class: 'nhsuk-pagination-item--next' },
          h('a', { class: 'nhsuk-pagination__link nhsuk-pagination__link--next', href: nextHref, rel: 'next', id: 'page-next' },
            h('span', { class: 'nhsuk-pagination__title' }, 'Next', h('span', { class: 'nhsuk-u-visually-hidden' }, ' page')),
            h('span', { class: 'nhsuk-u-visually-hidden' }, ':'),
            h('span', { class: 'nhsuk-pagination__page' }, `Page ${pageNo + 1}`),
            arrow(ARROW_RIGHT, 'right'))) : null));
  }
  return { items, summary, nav, first, count: items.length, more: !!next, response: res };
}

// A search and filter form for a paged list. fields: [{id, label, hint, type: 'search'|'select'|'date',
// options: [{value, text}] (select), describe: (value) => words (how an active filter is named; null
// for a field that is not a filter, such as the sort order: it is then never counted as active)}].
// A 'date' field is the NHS.UK date input (day, month, year) whose value in the URL is YYYY-MM-DD;
// one that is not a real date stops the form with the field's error (forms.js dateInputProblem,
// naming the date as `what`, e.g. 'the first day').
// Submitting it goes to the first page with the new filters; the reader's other query parameters
// (`keep`, e.g. a tab) are kept. Returns {element, values, active}: values are the current filter
// values (trimmed, '' when unset), active the words of the filters in force.
//
// The fields sit in an NHS.UK details element: closed on a phone, where its summary says how many
// filters are active and which, and open on a wider screen. A line under it repeats the active
// filters with a link that clears them, so what is filtered is never hidden.
export function filterForm({ id = 'filters', here, query, fields, keep = [], title = 'Search and filter' }) {
  // The form's own elements are `${id}-apply`, `${id}-active` and `${id}-clear`: a field of one of
  // those names would share an element id with them, so it is a programming error, said at once.
  const taken = fields.find((f) => ['apply', 'active', 'clear'].includes(f.id));
  if (taken) throw new Error(`filterForm: a field may not be called "${taken.id}"`);
  const values = {};
  for (const f of fields) values[f.id] = (query.get(f.id) || '').trim().slice(0, 100);
  const active = fields.filter((f) => values[f.id]).map((f) => {
    if (f.describe) return f.describe(values[f.id]);
    if (f.type === 'date') return `${f.label.toLowerCase()} ${/^\d{4}-\d{2}-\d{2}$/.test(values[f.id]) ? longDateOf(values[f.id]) : values[f.id]}`;
    if (f.type === 'select') {
      const o = (f.options || []).find((x) => String(x.value) === values[f.id]);
      return `${f.label.toLowerCase()}: ${o ? o.text : values[f.id]}`;
    }
    return `${f.label.toLowerCase()}: “${values[f.id]}”`;
  }).filter(Boolean);

  // A date field's boxes as form values, keyed as forms.js's date helpers read them.
  const boxes = (f) => Object.fromEntries(['day', 'month', 'year'].map((k) => {
    const name = `${id}-${f.id}-${k}`;
    return [name, (form.elements[name] || {}).value || ''];
  }));
  const control = (f) => {
    if (f.type === 'date') {
      return h('div', { class: 'fp-filter' }, dateInput({ id: `${id}-${f.id}`, legend: f.label, hint: f.hint || 'For example, 27 3 2027',
        value: dateInputParts(values[f.id]) }));
    }
    const hint = f.hint ? h('div', { class: 'nhsuk-hint', id: `${id}-${f.id}-hint` }, f.hint) : null;
    const common = { id: `${id}-${f.id}`, name: f.id, 'aria-describedby': f.hint ? `${id}-${f.id}-hint` : null };
    const el = f.type === 'select'
      ? h('select', { class: 'nhsuk-select', ...common },
        (f.options || []).map((o) => h('option', { value: o.value, selected: String(o.value) === values[f.id] }, o.text)))
      : h('input', { class: 'nhsuk-input', type: 'search', value: values[f.id], autocomplete: 'off', spellcheck: 'false', maxlength: '100', ...common });
    return h('div', { class: 'nhsuk-form-group fp-filter' },
      h('label', { class: 'nhsuk-label', for: `${id}-${f.id}` }, f.label), hint, el);
  };

  const form = h('form', { novalidate: true, role: 'search', id, class: 'fp-list-filters' },
    ...fields.map(control),
    h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'submit', id: `${id}-apply`, 'data-module': 'nhsuk-button' },
      fields.length === 1 && fields[0].type !== 'select' ? 'Search' : 'Apply'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const u = new URLSearchParams();
    for (const k of keep) if (query.get(k)) u.set(k, query.get(k));
    let bad = false;
    for (const f of fields) {
      const el = form.elements[f.id];
      const v = f.type === 'date' ? dateInputValue(boxes(f), `${id}-${f.id}`) : el ? el.value.trim() : '';
      if (f.type === 'date') {
        const problem = dateInputProblem(boxes(f), `${id}-${f.id}`, f.what || `the date ${f.label.toLowerCase()}`);
        setFieldError(form, `${id}-${f.id}`, problem);
        if (problem) {
          if (!bad) form.elements[`${id}-${f.id}-day`].focus();
          bad = true;
        }
      }
      if (v) u.set(f.id, v);
    }
    if (bad) return;
    const s = u.toString();
    navigate(s ? `${here}?${s}` : here);
  });

  const wide = typeof window !== 'undefined' && window.matchMedia && window.matchMedia('(min-width: 48.0625em)').matches;
  const details = h('details', { class: 'nhsuk-details fp-filter-details', open: wide || undefined },
    h('summary', { class: 'nhsuk-details__summary' },
      h('span', { class: 'nhsuk-details__summary-text' },
        active.length ? `${title} (${active.length} active: ${active.join(', ')})` : title)),
    h('div', { class: 'nhsuk-details__text' }, form));

  const clearHref = (() => {
    const u = new URLSearchParams();
    for (const k of keep) if (query.get(k)) u.set(k, query.get(k));
    const s = u.toString();
    return s ? `${here}?${s}` : here;
  })();
  const line = active.length
    ? h('p', { class: 'nhsuk-body fp-active-filters', id: `${id}-active` },
      `Showing only ${active.join('; ')}. `, h('a', { class: 'nhsuk-link', href: clearHref, id: `${id}-clear` }, 'Clear the filters'))
    : null;

  return { element: h('div', { class: 'fp-filter-block' }, details, line), values, active };
}

// A sort choice for filterForm: a select that is not a filter, so it is not counted as active.
export const sortField = (options) => ({ id: 'sort', label: 'Sort by', type: 'select', options, describe: () => null });
