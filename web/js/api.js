// api.js - the only way the pages talk to the server: JSON over /api/v1.
//
// The session is the HttpOnly cookie the server sets at sign-in; the page never sees, stores or
// sends the bearer token. Every state-changing request carries the X-CSRF-Token header with the
// session's CSRF token, which the page keeps in memory and in sessionStorage (this tab only) and
// gets back from GET /api/v1/me after a reload. A 401 on a request made while signed in means the
// session ended (30 idle minutes, or signed out elsewhere).

const CSRF_KEY = 'flexpool.csrf';
let csrf = null;
try { csrf = sessionStorage.getItem(CSRF_KEY); } catch { csrf = null; }

let sessionEnded = () => {};
// When the page last asked the server anything (the idle watch in app.js counts from here). The
// session is shared by every tab of the site, so each tab tells the others (BroadcastChannel) when
// it asks something: a warning before the idle sign-out goes in every tab once any one is used.
export let lastRequestAt = Date.now();
const activity = typeof BroadcastChannel === 'function' ? new BroadcastChannel('flexpool.activity') : null;
if (activity) activity.onmessage = (e) => { if (typeof e.data === 'number' && e.data > lastRequestAt) lastRequestAt = e.data; };

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `The server answered ${status}`);
    this.status = status;
    this.code = e.code || 'http_error';
    this.field = e.field || null;
    this.details = e.details || null;
    this.serverMessage = this.message; // a page may set its own words in message; explain() prefers them
  }
}

export function setCsrf(token) {
  csrf = token || null;
  try {
    if (csrf) sessionStorage.setItem(CSRF_KEY, csrf);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch { /* storage may be unavailable: memory is enough */ }
}

// The page generation: app.js starts a new one each time it renders a page. A read (GET) asked by
// one generation whose answer arrives after the next has begun is never settled, so the page that
// asked, which the reader has left, cannot draw itself over the page they went to (a slow home page
// answering after a click on a link must not replace the linked page). Reads that outlive pages
// (the idle watch's GET /sessions/current) pass { keep: true }.
let generation = 0;
export function newGeneration() { generation += 1; }

// The requests in flight, on <html data-requests>: a page is drawn and settled when app.js has set
// <html data-rendered> to its address and none is in flight (the browser tests wait for both).
let inFlight = 0;
function requestsInFlight(change) {
  inFlight += change;
  document.documentElement.dataset.requests = String(inFlight);
}

// fn(error) runs when a request made while signed in answers 401.
export function onSessionEnded(fn) { sessionEnded = fn; }

export async function api(method, path, body, { signedIn = true, keep = false } = {}) {
  const asked = generation;
  const headers = { Accept: 'application/json' };
  const form = body instanceof FormData; // a multipart upload: the browser sets its Content-Type and boundary
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  lastRequestAt = Date.now();
  if (activity) activity.postMessage(lastRequestAt);
  let data = null;
  requestsInFlight(+1);
  try {
    try {
      res = await fetch(`/api/v1${path}`, {
        method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined || form ? body : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, { error: { code: 'network', message: 'flexpool could not reach the server. Check your connection and try again.' } });
    }
    if (res.status !== 204) {
      try { data = await res.json(); } catch { data = null; }
    }
  } finally {
    requestsInFlight(-1);
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401 && signedIn) sessionEnded(err);
    if (method === 'GET' && !keep && asked !== generation) return new Promise(() => {});
    throw err;
  }
  if (method === 'GET' && !keep && asked !== generation) return new Promise(() => {});
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

// Whether the server runs the demo (GET /healthz says so); false when it cannot tell. The sign-in
// page asks for the demo accounts only then, so that a production server sees no failing request.
export async function serverRunsDemo() {
  requestsInFlight(+1);
  try {
    const res = await fetch('/healthz', { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    return res.ok && (await res.json()).demo === true;
  } catch {
    return false;
  } finally {
    requestsInFlight(-1);
  }
}

// A query string from an object, leaving out empty values.
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : '';
}

// Every page of a list (up to `max` items).
export async function getAll(path, params = {}, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(`${path}${qs({ ...params, limit: 200, cursor })}`);
    items.push(...(page.items || []));
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

// A list in words: "A", "A and B", "A, B and C".
export function wordList(items) {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// Why a booking (or an application, or accepting one) was refused, from the server's details:
// the checks by their names (details.checks), never their codes.
function notEligibleText(d) {
  const reasons = d.reasons || [];
  if (reasons.includes('inactive')) return 'This account is deactivated, so it cannot book shifts. Ask the pool administrator.';
  if (reasons.includes('role_mismatch')) return 'This shift is for another profession.';
  if (reasons.includes('not_in_pool')) return 'This practice is not in a pool the clinician belongs to: the clinician must join its pool first.';
  const names = (d.checks || []).map((c) => c.name).filter(Boolean);
  if (names.length) {
    return `The passport is not complete for the day of this shift: it needs ${wordList(names)}, verified by the pool and valid on that day.`;
  }
  return 'The passport is not complete for the day of this shift: the passport page says what is missing.';
}

// What to tell a person about a refused request.
export function explain(err) {
  const messages = {
    shift_taken: 'Someone else has booked this shift, or it is no longer open.',
    overlapping_booking: 'You already have a booking at that time.',
    working_time_limit: 'This booking would go past your pool’s limits on working hours and rest.',
    approval_required: 'This practice approves bookings: apply for the shift instead.',
    shift_started: 'This shift has already started.',
    shift_not_started: 'This shift has not started yet.',
    already_applied: 'You have already applied for this shift.',
    instant_booking: 'This shift is booked instantly: book it instead of applying.',
    csrf_failed: 'Your session could not be checked. Reload the page and try again.',
    too_many_attempts: 'Too many failed sign-ins. Wait a few minutes and try again.',
    invalid_credentials: 'The email address or password is not right.',
    wrong_password: 'Your current password is not right.',
    wrong_code: 'The code is not right. Check the time on your phone and try the newest code.',
    password_change_required: 'Choose a new password before you carry on.',
    mfa_enrolment_required: 'Set up two-step sign-in before you carry on.',
    limit_reached: 'This would go past a limit on how many there may be.',
    not_in_pool: 'That clinician is not in any of this practice’s pools, so the shift cannot be offered to them.',
    clinician_blocked: 'This practice has blocked that clinician, so they never get its offers. Unblock them first if you want to offer them shifts.',
    already_offered: 'That clinician already has an open offer of this shift.',
    offer_lapsed: 'This offer has lapsed: offers last 24 hours, or until the shift starts if that is sooner. Look for the shift on Find shifts instead.',
    not_implemented: 'This part of flexpool is not available yet.',
    unknown_parameter: 'This page asked the server for something it does not understand. Reload the page and try again.',
    quota_exceeded: 'There is no room for this file: a check keeps at most 5 current files, and a passport at most 100 MB. Ask your pool to remove files you no longer need.',
    not_found: 'This is not there any more, or it is not yours to see. Go back and reload the page.',
    forbidden: 'Your account may not do that here: it belongs to another organisation, or needs another role.',
    unauthenticated: 'You are signed out. Sign in again to carry on.',
    invalid_state: 'That is no longer possible: it has changed since the page was shown. Reload the page to see it as it is now.',
    conflict: 'That clashes with a change made since the page was shown. Reload the page and try again.',
    already_member: 'They are already a member of this pool.',
    already_requested: 'A request to join this pool is already waiting for the pool administrator.',
    email_taken: 'An account with that email address already exists.',
    ods_code_taken: 'An organisation with that ODS code already exists.',
    registration_taken: 'Another account already holds that registration number.',
    role_exists: 'That role already exists.',
    evidence_removed: 'This file has been removed under the retention rules.',
    token_expired: 'This link has expired or has already been used. Ask for a new one.',
    payload_too_large: 'That is too large to send. Choose a smaller file, or shorten the text.',
    unsupported_media_type: 'That kind of file cannot be uploaded. Upload a PDF, JPEG or PNG file.',
    unknown_postcode: 'That postcode is not one flexpool knows. Check it, or leave it empty to use your home postcode.',
    url_not_allowed: 'Webhooks can only be sent to an https address on the public internet, not to a private or local network.',
    internal_error: 'Something went wrong on the server. Try again in a moment.',
    busy: 'flexpool is very busy just now and did not make that change. Try again in a few seconds.',
    too_many_streams: 'flexpool cannot show live updates just now. Your notifications are still there: reload the page to see new ones.',
    unavailable: 'flexpool is not available just now. Try again in a moment.',
    not_ready: 'flexpool is starting or stopping. Try again in a moment.',
  };
  // A page that has put the refusal in its own words (err.message set) is believed first.
  if (err.message && err.serverMessage !== undefined && err.message !== err.serverMessage) return err.message;
  // The server says why a password was refused (too short, a dictionary word, your name...).
  if (err.code === 'weak_password') return `Choose another password: ${err.message || 'it is too short or too common'}.`;
  if (err.code === 'not_eligible') return notEligibleText(err.details || {});
  // The server gives the figures: how much work, or how little rest, against the pool's limits.
  if (err.code === 'working_time_limit' && err.message) return plainWords(err.message);
  // The server says which address the webhook's host is and why it may not be reached.
  if (err.code === 'url_not_allowed' && err.message) return plainWords(err.message);
  return messages[err.code] || plainWords(err.message) || 'Something went wrong. Try again.';
}

// A server's message as a sentence a person reads: no field or code names in snake_case (`ends_at`
// becomes "ends at"), no quotes around them, a capital first letter and a full stop.
export function plainWords(text) {
  if (!text) return '';
  const t = String(text).replace(/'([a-z]+(?:_[a-z]+)+)'/g, '$1').replace(/\b([a-z]+(?:_[a-z]+)+)\b/g, (w) => w.replace(/_/g, ' ')).trim();
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
