// pool_views.js - what the pool administrator's list pages share (pool.js and the pool's side of
// passport.js): the links between the pool's lists and the profession filter's choices.

import { get } from '../api.js';
import { roleName } from '../format.js';
import { h } from '../ui.js';

// A pool page's address with the pool chosen (`suffix`, e.g. "pool=3") and any other query.
export const withPool = (path, suffix, extra = '') => {
  const parts = [suffix, extra].filter(Boolean).join('&');
  return parts ? `${path}?${parts}` : path;
};

// The pool's pages, as links under the heading.
export function poolNav(current, suffix) {
  const item = (path, text) => h('li', {}, h('a', {
    class: 'fp-views__link', href: withPool(path, suffix), 'aria-current': current === path ? 'page' : null,
  }, text));
  return h('nav', { class: 'fp-views', 'aria-label': 'The pool\'s lists' }, h('ul', { class: 'fp-views__list' },
    item('/pool', 'Requests to join'), item('/pool/shifts', 'Rates to approve'), item('/pool/members', 'Clinicians'), item('/pool/practices', 'Practices'),
    item('/pool/passports', 'Passports waiting'), item('/pool/compliance', 'Compliance'), item('/pool/terms', 'Terms'),
    item('/pool/settings', 'Settings')));
}

// The professions, for a filter: every built-in one and the pools' own roles.
export async function professionOptions() {
  const res = await get('/professions').catch(() => ({ items: [] }));
  return [{ value: '', text: 'Any profession' },
    ...res.items.map((x) => ({ value: x.code, text: x.custom ? x.name : roleName(x.code) })).sort((a, b) => a.text.localeCompare(b.text))];
}
