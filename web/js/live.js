// live.js - what flexpool tells the signed-in account, as it happens: one EventSource on
// GET /api/v1/me/events (Server-Sent Events, the session's cookie) while someone is signed in.
// The stream starts with the unread count (event `unread`) and then sends each new notification
// (event `notification`, with the unread count after it). The header's count (app.js showUnread)
// takes the count from here instead of asking at every page; pages that list notifications listen
// with onLive(). The browser reconnects by itself after a dropped connection (the server says how
// soon, and the stream resumes after the last event it had); a refusal (signed out, too many
// streams) closes it, and the page asks again in a while, counting by request meanwhile.

let source = null;
let count = null; // the unread count the stream last gave; null while there is no stream
let retry = null;
const listeners = new Set();

const RETRY_AFTER_REFUSAL_MS = 30000;

function emit(detail) {
  for (const fn of [...listeners]) {
    try { fn(detail); } catch (err) { console.error(err); }
  }
}

// Opens the stream when there is none (idempotent).
export function startLive() {
  if (source || retry || typeof EventSource !== 'function') return;
  source = new EventSource('/api/v1/me/events');
  source.addEventListener('unread', (e) => {
    count = JSON.parse(e.data).unread;
    emit({ type: 'unread', unread: count });
  });
  source.addEventListener('notification', (e) => {
    const n = JSON.parse(e.data);
    count = n.unread;
    emit({ type: 'notification', notification: n, unread: count });
  });
  source.addEventListener('error', () => {
    if (!source || source.readyState !== EventSource.CLOSED) return; // reconnecting by itself
    source = null;
    count = null;
    retry = setTimeout(() => { retry = null; if (wanted) startLive(); }, RETRY_AFTER_REFUSAL_MS);
  });
}

let wanted = false;
// Whether a stream should be open (someone is signed in and owes nothing): opens or closes it.
export function wantLive(on) {
  wanted = on;
  if (on) { startLive(); return; }
  if (source) source.close();
  source = null;
  count = null;
  clearTimeout(retry);
  retry = null;
}

// The unread count the stream gave last, or null when there is no stream to give it.
export const liveUnread = () => count;
// The page learnt the count itself (it marked some read): the stream's count follows.
export function setLiveUnread(n) { if (count !== null) count = n; }

// fn({type: 'unread'|'notification', unread, notification}) for each event; returns the way to stop.
export function onLive(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
