// app.js - the single-page app's shell: who is signed in, the route table, navigation, the NHS
// header with each role's menu, and the idle-session watch with its warning. Pages register
// themselves with route() and render into <main> through page(); each role's pages are loaded
// (dynamic import) only once someone with that role is signed in, so that the sign-in page loads
// only the shell and the public pages.

import { initAll, initSkipLinks } from '../nhsuk/nhsuk/nhsuk-frontend.min.js';
import { ApiError, explain, get, lastRequestAt, newGeneration, onSessionEnded, setCsrf } from './api.js';
import { liveUnread, onLive, setLiveUnread, wantLive } from './live.js';
import { banner, button, clear, h, p } from './ui.js';

export const state = {
  me: null,          // GET /api/v1/me, or null when signed out
  idleSeconds: 1800,
  oidcSignIn: false, // the server offers sign-in through NHS CIS2 (GET /sessions/current)
  flash: null,       // {heading, text, kind}: shown once at the top of the next page
  ended: false,      // the last session ended by itself
};

const routes = [];

// Which page modules each role needs ({role: [name]}) and how to load one (main.js says both).
let rolePages = {};
let loadPage = async () => {};
const loading = new Map();
function loadPages(names) {
  return Promise.all([...new Set(names)].map((n) => {
    if (!loading.has(n)) loading.set(n, loadPage(n).catch((err) => { loading.delete(n); throw err; }));
    return loading.get(n);
  }));
}
const pagesOfRoles = () => (state.me ? state.me.roles.flatMap((r) => rolePages[r.role] || []) : []);
const allPages = () => Object.values(rolePages).flat();

// route('/shifts/:id', page, {roles: ['clinician'] | 'signed-in' | 'public'})
export function route(pattern, page, { roles = 'signed-in' } = {}) {
  const names = [];
  const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; })}/?$`);
  routes.push({ re, names, page, roles });
}

// The server's idle time in words ("30 minutes", "1 minute", "90 seconds"), for the pages that say it.
export function idleWords() {
  const s = state.idleSeconds;
  const unit = (n, w) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (s % 60) return unit(s, 'second');
  if (s % 3600 === 0 && s >= 7200) return unit(s / 3600, 'hour');
  return unit(s / 60, 'minute');
}

export const hasRole = (role) => !!state.me && state.me.roles.some((r) => r.role === role);
export const rolesOf = (role) => (state.me ? state.me.roles.filter((r) => r.role === role) : []);

// What a signed-in account must do before anything else: choose its own password when someone
// else set it, then (a system administrator) set up two-step sign-in. The server refuses every other
// request until then (password_change_required, mfa_enrolment_required).
export function owedPath() {
  if (!state.me) return null;
  if (state.me.password_change_required) return '/account/password';
  if (state.me.mfa_enrolment_required) return '/account/two-step';
  return null;
}

// Where each role starts.
export function homePath() {
  if (!state.me) return '/sign-in';
  if (hasRole('clinician')) return '/shifts';
  if (hasRole('practice_manager')) return '/practice';
  if (hasRole('pool_admin')) return '/pool';
  return '/overview';
}

function menuFor() {
  if (!state.me) return [];
  const items = [];
  if (hasRole('clinician')) items.push(['/shifts', 'Find shifts'], ['/offers', 'Offers'], ['/bookings', 'My bookings'], ['/timesheets', 'My timesheets'], ['/invoices', 'My invoices'], ['/applications', 'My applications'], ['/availability', 'My availability'], ['/pools', 'My pools'], ['/passport', 'My passport']);
  if (hasRole('practice_manager')) items.push(['/practice', 'Practice shifts'], ['/practice/shifts/new', 'Post a shift'], ['/practice/bookings', 'Past bookings'], ['/practice/timesheets', 'Timesheets'], ['/practice/invoices', 'Invoices'], ['/practice/cover', 'Find cover'], ['/practice/profile', 'Practice profile']);
  if (hasRole('pool_admin')) items.push(['/pool', 'Pool'], ['/pool/passports', 'Passports'], ['/pool/timesheets', 'Timesheets'], ['/pool/invoices', 'Invoices']);
  if (hasRole('sysadmin')) items.push(['/admin/organisations', 'Organisations'], ['/admin/users', 'Users']);
  if (hasRole('commissioner') || hasRole('sysadmin') || hasRole('pool_admin') || hasRole('practice_manager')) items.push(['/overview', 'Overview']);
  if (hasRole('commissioner') || hasRole('pool_admin')) items.push(['/capacity', 'Capacity'], ['/funding', 'Funding'], ['/return', 'NHS return']);
  if (hasRole('commissioner') || hasRole('sysadmin')) items.push(['/reports', 'Reports']);
  // The audit trail: in the header where the menu is short; practice managers and pool administrators find it on the account page.
  if (hasRole('commissioner') || hasRole('sysadmin')) items.push(['/audit', 'Audit trail']);
  items.push(['/notifications', 'Notifications']);
  items.push(['/account', 'Account']);
  return items;
}

const LOGO_PATH = 'M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z';
const USER_ICON = 'M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z';

function svgEl(tag, attrs, ...kids) {
  return h(`svg:${tag}`, attrs, ...kids);
}

function renderHeader(path) {
  const slot = document.getElementById('fp-header');
  clear(slot);
  const me = state.me;
  const menu = menuFor();
  const current = menu.filter(([href]) => path === href || path.startsWith(`${href}/`)).sort((a, b) => b[0].length - a[0].length)[0];
  const header = h('header', { class: 'nhsuk-header', 'data-module': 'nhsuk-header', role: 'banner' },
    h('div', { class: 'nhsuk-header__container nhsuk-width-container' },
      h('div', { class: 'nhsuk-header__service' },
        h('a', { class: 'nhsuk-header__service-logo', href: '/', 'aria-label': 'NHS flexpool homepage' },
          svgEl('svg', { class: 'nhsuk-header__logo', xmlns: 'http://www.w3.org/2000/svg', viewBox: '0 0 200 80', height: '40', width: '100', focusable: 'false', role: 'img', 'aria-label': 'NHS' },
            svgEl('title', {}, 'NHS'), svgEl('path', { fill: 'currentcolor', d: LOGO_PATH })),
          h('span', { class: 'nhsuk-header__service-name' }, 'flexpool'))),
      me ? h('nav', { class: 'nhsuk-header__account', 'aria-label': 'Account' },
        h('ul', { class: 'nhsuk-header__account-list' },
          h('li', { class: 'nhsuk-header__account-item' },
            h('a', { class: 'nhsuk-header__account-link', href: '/account' },
              svgEl('svg', { class: 'nhsuk-icon nhsuk-icon--user', xmlns: 'http://www.w3.org/2000/svg', viewBox: '0 0 24 24', width: '16', height: '16', focusable: 'false', 'aria-hidden': 'true' }, svgEl('path', { d: USER_ICON })),
              h('span', { id: 'fp-user-name' }, me.name))),
          h('li', { class: 'nhsuk-header__account-item' },
            h('form', { class: 'nhsuk-header__account-form', method: 'post', action: '/sign-out', novalidate: true, onsubmit: (e) => { e.preventDefault(); signOut(); } },
              h('button', { class: 'nhsuk-header__account-button', type: 'submit' }, 'Sign out')))))
        : h('nav', { class: 'nhsuk-header__account', 'aria-label': 'Account' },
          h('ul', { class: 'nhsuk-header__account-list' },
            h('li', { class: 'nhsuk-header__account-item' }, h('a', { class: 'nhsuk-header__account-link', href: '/sign-in' }, 'Sign in')),
            h('li', { class: 'nhsuk-header__account-item' }, h('a', { class: 'nhsuk-header__account-link', href: '/register' }, 'Register as a clinician'))))),
    menu.length ? h('nav', { class: 'nhsuk-header__navigation', 'aria-label': 'Menu' },
      h('div', { class: 'nhsuk-header__navigation-container nhsuk-width-container' },
        h('ul', { class: 'nhsuk-header__navigation-list' },
          menu.map(([href, text]) => {
            const on = current && current[0] === href;
            const count = href === '/notifications' ? h('span', { id: 'fp-unread', class: 'fp-unread', hidden: true }) : null;
            return h('li', { class: `nhsuk-header__navigation-item${on ? ' nhsuk-header__navigation-item--current' : ''}` },
              h('a', { class: 'nhsuk-header__navigation-link', href, 'aria-current': on ? 'page' : null },
                on ? h('strong', { class: 'nhsuk-header__navigation-item-current-fallback' }, text, count) : [text, count]));
          }),
          h('li', { class: 'nhsuk-header__menu', hidden: true },
            h('button', { class: 'nhsuk-header__menu-toggle nhsuk-header__navigation-link', id: 'toggle-menu', 'aria-expanded': 'false', type: 'button' },
              h('span', { class: 'nhsuk-u-visually-hidden' }, 'Browse '), 'More'))))) : null);
  slot.append(header);
  try { initAll(slot); } catch { /* the header works without its script, as a list */ }
  wantLive(!!me && !owedPath());
  if (me && !owedPath()) showUnread();
}

function drawUnread(unread) {
  const slot = document.getElementById('fp-unread');
  if (!slot) return;
  clear(slot);
  slot.hidden = !unread;
  if (unread) slot.append(' ', h('span', { class: 'nhsuk-tag nhsuk-tag--blue fp-unread__count' }, String(unread)), h('span', { class: 'nhsuk-u-visually-hidden' }, ' unread'));
}

// The header's count of unread notifications: from the live stream (live.js), which keeps it up to
// date without a request; asked (GET /me/notifications: `unread`) only while there is no stream.
// The notifications page gives the count it has just read (known) after marking some read.
export async function showUnread(known) {
  if (typeof known === 'number') setLiveUnread(known);
  const live = liveUnread();
  if (typeof known === 'number' || live !== null) { drawUnread(typeof known === 'number' ? known : live); return; }
  try {
    const { unread } = await get('/me/notifications?limit=1', { signedIn: false });
    drawUnread(unread);
  } catch { /* the count is a convenience: the list itself says what is unread */ }
}
onLive(({ unread }) => { if (state.me) drawUnread(unread); });

// Renders a page: title, an optional one-off banner, then the content. Focus moves to the h1 on
// navigation so that screen readers announce the new page.
let focusOnRender = false;
export function page(title, ...content) {
  const main = document.getElementById('maincontent');
  clear(main);
  document.title = `${title} - flexpool`;
  if (state.flash) {
    main.append(banner(state.flash.heading, state.flash.text, state.flash.kind || 'success'));
    state.flash = null;
  }
  main.append(...content.flat().filter(Boolean));
  try { initAll(main); } catch { /* components work without their scripts */ }
  if (focusOnRender) {
    const target = main.querySelector('.nhsuk-error-summary, h1');
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: false });
    }
  }
  return main;
}

export function flash(heading, text, kind = 'success') {
  state.flash = { heading, text, kind };
}

// A page that could not load its data.
export function failed(title, err) {
  page(title, h('h1', { class: 'nhsuk-heading-l' }, title),
    h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
      h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'),
      h('div', { class: 'nhsuk-error-summary__body' }, p(explain(err)))));
}

export function navigate(to, { replace = false } = {}) {
  if (replace) history.replaceState({}, '', to);
  else history.pushState({}, '', to);
  focusOnRender = true;
  window.scrollTo(0, 0);
  return render();
}

let renderSeq = 0;
let renderedUrl = null;
// Draws the page for the address in the bar. When it is drawn (its reads done) and no later page
// has started, <html data-rendered> holds its address: the browser tests wait for it.
export async function render() {
  const seq = ++renderSeq;
  await renderRoute(seq);
  if (seq === renderSeq) document.documentElement.dataset.rendered = location.pathname + location.search;
}

async function renderRoute(seq) {
  newGeneration(); // the pages' reads still under way belong to the page being left (api.js)
  const url = new URL(location.href);
  const path = url.pathname;
  renderedUrl = path + url.search;
  renderHeader(path);
  const find = () => {
    for (const r of routes) {
      const m = r.re.exec(path);
      if (m) {
        const params = {};
        r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
        return { r, params };
      }
    }
    return null;
  };
  let match = null;
  try {
    await loadPages(pagesOfRoles());
    // An address no loaded page knows may belong to another role's pages: load them all to tell
    // "sign in first" or "another role's page" from "not found".
    match = find() || (await loadPages(allPages()), find());
  } catch (err) {
    console.error(err);
    failed('flexpool could not load this page', new ApiError(0, { error: { message: 'flexpool could not load this page. Check your connection and reload the page.' } }));
    return;
  }
  if (seq !== renderSeq) return;
  if (!match) {
    page('Page not found', h('h1', { class: 'nhsuk-heading-l' }, 'Page not found'),
      p('If you typed the web address, check it is correct.'), p(h('a', { class: 'nhsuk-link', href: '/' }, 'Go to the start page')));
    return;
  }
  const { r, params } = match;
  if (r.roles !== 'public') {
    if (!state.me) {
      const next = path + url.search;
      history.replaceState({}, '', `/sign-in${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`);
      return render();
    }
    const owed = owedPath();
    if (owed && path !== owed && !(owed === '/account/two-step' && path === '/account/password')) {
      history.replaceState({}, '', owed);
      return render();
    }
    if (Array.isArray(r.roles) && !r.roles.some(hasRole)) {
      page('You cannot use this page', h('h1', { class: 'nhsuk-heading-l' }, 'You cannot use this page'),
        p('This page is for another role. '), p(h('a', { class: 'nhsuk-link', href: homePath() }, 'Go to your start page')));
      return;
    }
  }
  try {
    await r.page({ params, query: url.searchParams, path, seq, isCurrent: () => seq === renderSeq });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return; // the session-ended handler has taken over
    console.error(err);
    failed('Something went wrong', err);
  } finally {
    focusOnRender = false;
  }
}

// Who is signed in: GET /sessions/current answers 200 whether or not anyone is (so a signed-out
// page meets no failing request), with the account and the session's idle time when someone is.
export async function loadMe() {
  const s = await get('/sessions/current', { signedIn: false });
  state.idleSeconds = s.idle_timeout_seconds || state.idleSeconds;
  state.oidcSignIn = s.oidc_sign_in === true;
  if (s.signed_in) {
    state.me = s.user;
    setCsrf(s.user.csrf_token);
  } else {
    state.me = null;
    setCsrf(null);
  }
  return state.me;
}

export async function signOut() {
  try {
    const { del } = await import('./api.js');
    await del('/sessions/current', { signedIn: false });
  } catch { /* signed out anyway */ }
  state.me = null;
  setCsrf(null);
  flash('You have signed out', 'Sign in again when you need flexpool.');
  navigate('/sign-in');
}

function sessionEndedHandler() {
  closeWarning();
  if (!state.me) return;
  state.me = null;
  state.ended = true;
  setCsrf(null);
  const here = location.pathname + location.search;
  navigate(`/sign-in?ended=1${here.startsWith('/sign-in') ? '' : `&next=${encodeURIComponent(here)}`}`, { replace: true });
}

// The idle sign-out, and a warning before it (WCAG 2.2.1, timing adjustable). The server ends a
// session idleSeconds after its last recorded activity, which it records once an eighth of that
// has passed, so the session may end as soon as 7/8 of the idle time after the page's last request:
// the warning comes a while before that (2 minutes, or a quarter of a short idle time, at least
// 20 seconds), as a modal dialog that takes focus and is announced, with "Stay signed in" (any
// request is activity) and "Sign out". Once the whole idle time has passed the page asks whether
// the session still lives (GET /sessions/current, never a 401) and says so when it does not.
let warning = null;

function minutesAndSeconds(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60), s = total % 60;
  const parts = [];
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s || !m) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

function closeWarning() {
  if (!warning) return;
  const w = warning;
  warning = null;
  if (w.open) w.close();
  w.remove();
}

async function staySignedIn() {
  try {
    const s = await get('/sessions/current', { signedIn: false, keep: true });
    closeWarning();
    if (!s.signed_in) sessionEndedHandler();
  } catch (err) {
    const note = warning && warning.querySelector('.fp-timeout__error');
    if (note) note.textContent = explain(err);
  }
}

function showWarning(endsAt) {
  const left = h('span', { class: 'fp-timeout__left' }, minutesAndSeconds(endsAt - Date.now()));
  warning = h('dialog', { class: 'fp-timeout', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'fp-timeout-heading', 'aria-describedby': 'fp-timeout-text' },
    h('h2', { class: 'nhsuk-heading-m', id: 'fp-timeout-heading' }, 'You will be signed out soon'),
    h('p', { class: 'nhsuk-body', id: 'fp-timeout-text' },
      `You have not used flexpool for a while. To protect your information, you will be signed out in `, left,
      '. Anything you have not saved will be lost.'),
    h('p', { class: 'nhsuk-error-message fp-live fp-timeout__error', role: 'alert' }),
    h('div', { class: 'fp-button-row' },
      button('Stay signed in', { type: 'button', onclick: staySignedIn }),
      button('Sign out', { type: 'button', onclick: () => { closeWarning(); signOut(); } }, 'secondary')));
  warning.dataset.endsAt = String(endsAt);
  warning.addEventListener('cancel', (e) => { e.preventDefault(); staySignedIn(); }); // Escape: stay
  document.body.append(warning);
  warning.showModal();
  warning.querySelector('button').focus();
}

async function watchIdle() {
  if (!state.me) { closeWarning(); return; }
  const idle = state.idleSeconds * 1000;
  const since = lastRequestAt;
  const endsAt = since + idle * 7 / 8;
  const lead = Math.min(120000, Math.max(20000, idle / 4));
  const now = Date.now();
  if (now >= since + idle + 2000) {
    try { // (asking is a request: the next one waits for another idle time)
      const s = await get('/sessions/current', { signedIn: false, keep: true });
      if (!s.signed_in) { closeWarning(); sessionEndedHandler(); }
    } catch { /* not reachable: try again later */ }
    return;
  }
  if (now < endsAt - lead) { closeWarning(); return; } // used since (here or by a request the page made)
  if (!warning) showWarning(endsAt);
  const left = warning.querySelector('.fp-timeout__left');
  left.textContent = now < endsAt ? minutesAndSeconds(endsAt - now) : 'a moment';
}

// Links inside the app navigate without reloading.
function onClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.dataset.reload !== undefined) return;
  const href = a.getAttribute('href');
  if (!href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/') || href.startsWith('/nhsuk/')) return;
  e.preventDefault();
  navigate(href);
}

export async function start(pages = {}, load = async () => {}) {
  rolePages = pages;
  loadPage = load;
  document.body.classList.add('js-enabled');
  if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('nhsuk-frontend-supported');
  try { initSkipLinks(); } catch { /* the skip link works as a plain link too */ }
  onSessionEnded(sessionEndedHandler);
  document.addEventListener('click', onClick);
  window.addEventListener('popstate', () => {
    // A jump to an anchor (the skip link, error summary links) is not a new page.
    if (location.pathname + location.search === renderedUrl) return;
    focusOnRender = true;
    render();
  });
  setInterval(watchIdle, 1000);
  try {
    await loadMe();
  } catch (err) {
    failed('flexpool is not available', err);
    return;
  }
  await render();
  document.documentElement.dataset.ready = 'true';
}
