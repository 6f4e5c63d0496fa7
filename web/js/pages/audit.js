// The audit trail (/audit): the append-only record of every change flexpool made (who, what, when,
// before and after), newest first, as GET /api/v1/audit serves it to this person: the whole of it
// to a system administrator; to a practice manager the changes to their practices' shifts and
// bookings (what a CQC inspection may ask for); to a pool administrator those of the pool's member
// practices and its members' passport checks; to a commissioner those of their ICB's practices.
//   /audit?entity=shift&action=shift.withdraw&entity_id=12   the filters (the API's own), in the URL
//   &cursor=...&trail=...                                     the page (paging.js)
// Every code is said in words: the kinds of record, the actions and the fields of the before and
// after documents; a code this page does not know is still written as words ("rate_approval" ->
// "rate approval"), never as it is stored.

import { explain } from '../api.js';
import { page, route, state } from '../app.js';
import { pounds, ROLE_NAMES, SHIFT_STATUS_NAMES } from '../format.js';
import { filterForm, pagedList } from '../paging.js';
import { h, p, pageHeading, summaryList, table } from '../ui.js';

const READERS = { roles: ['practice_manager', 'pool_admin', 'commissioner', 'sysadmin'] };
const HERE = '/audit';
const ARROW = ' \u2192 ';
const MINUS = '\u2212';

// A code in words: "did_not_attend" -> "did not attend" (first letter as asked).
const words = (code) => String(code).replace(/[._]+/g, ' ').trim();
const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

// The kinds of record the log holds (the API's `entity`), in words.
const ENTITIES = {
  shift: 'Shift', booking: 'Booking', application: 'Application', offer: 'Offer', timesheet: 'Timesheet',
  invoice: 'Invoice', passport_check: 'Passport check', passport_evidence: 'Passport evidence',
  passport_grant: 'Passport sharing', passport_requirement: 'Passport requirement', clinician: 'Clinician',
  pool: 'Pool', pool_member: 'Pool member', join_request: 'Request to join a pool', pool_funding: 'Funding entry',
  organisation: 'Organisation', user: 'Account', webhook: 'Webhook', store: 'flexpool\'s data',
};
const entityWords = (code) => ENTITIES[code] || capital(words(code));

// The actions (the API's `action`): [the kind of record, what happened to it]. The entry reads
// "Shift 12 withdrawn"; a `what` starting with ':' reads "Organisation 14: release delays changed".
const ACTIONS = {
  'shift.create': ['shift', 'posted'],
  'shift.edit': ['shift', 'edited'],
  'shift.withdraw': ['shift', 'withdrawn'],
  'shift.reopen': ['shift', 'reopened'],
  'shift.complete': ['shift', 'completed'],
  'shift.escalate': ['shift', 'rate raised by the pool\'s rate policy'],
  'shift.rate_approve': ['shift', 'rate approved by the pool'],
  'shift.rate_refuse': ['shift', 'rate refused by the pool'],
  'booking.create': ['booking', 'made'],
  'booking.cancel': ['booking', 'cancelled'],
  'booking.did_not_attend': ['booking', 'marked as did not attend'],
  'booking.passport_lapsed': ['booking', 'flagged: the clinician\'s passport lapsed'],
  'booking.passport_restored': ['booking', 'flag cleared: the clinician\'s passport is complete again'],
  'passport.submit': ['passport_check', 'submitted'],
  'passport.verify': ['passport_check', 'verified'],
  'passport.reject': ['passport_check', 'rejected'],
  'application.create': ['application', 'made'],
  'application.accept': ['application', 'accepted'],
  'application.decline': ['application', 'declined'],
  'application.decide': ['application', 'decided'],
  'offer.create': ['offer', 'sent'],
  'offer.accept': ['offer', 'accepted'],
  'offer.decline': ['offer', 'declined'],
  'offer.withdraw': ['offer', 'withdrawn'],
  'offer.close': ['offer', 'closed'],
  'timesheet.submit': ['timesheet', 'submitted'],
  'timesheet.approve': ['timesheet', 'approved'],
  'timesheet.auto_approve': ['timesheet', 'approved by itself'],
  'timesheet.query': ['timesheet', 'queried'],
  'timesheet.not_worked': ['timesheet', 'recorded as not worked'],
  'timesheet.reopen': ['timesheet', 'reopened'],
  'invoice.issue': ['invoice', 'issued'],
  'invoice.pay': ['invoice', 'paid'],
  'invoice.credit': ['invoice', 'credited'],
  'invoice.form_a_sign': ['invoice', ': pension form A signed'],
  'evidence.upload': ['passport_evidence', 'uploaded'],
  'evidence.delete': ['passport_evidence', 'deleted'],
  'passport.grant': ['passport_grant', 'given'],
  'passport.grant_revoke': ['passport_grant', 'withdrawn'],
  'passport.requirement': ['passport_requirement', 'changed'],
  'passport.baseline': ['passport_requirement', ': the baseline changed'],
  'passport.requirements_clear': ['passport_requirement', ': the pool\'s own requirements cleared'],
  'clinician.register': ['clinician', 'registered'],
  'clinician.profile': ['clinician', ': profile changed'],
  'clinician.invoice_details': ['clinician', ': invoice details changed'],
  'clinician.pension_details': ['clinician', ': pension details changed'],
  'availability.set': ['clinician', ': availability changed'],
  'alert_preferences.set': ['clinician', ': alerts changed'],
  'register.flag': ['clinician', ': flagged by the professional register'],
  'terms.update': ['clinician', ': terms changed'],
  'pool.create': ['pool', 'created'],
  'pool.update': ['pool', 'changed'],
  'pool.rate_policy': ['pool', ': rate policy changed'],
  'pool.sharing_agreement': ['pool', ': sharing agreement changed'],
  'pool.member_add': ['pool_member', 'added'],
  'pool.member_remove': ['pool_member', 'removed'],
  'join_request.create': ['join_request', 'made'],
  'join_request.accept': ['join_request', 'accepted'],
  'join_request.decline': ['join_request', 'declined'],
  'join_request.withdraw': ['join_request', 'withdrawn'],
  'funding.add': ['pool_funding', 'recorded'],
  'organisation.create': ['organisation', 'added'],
  'organisation.update': ['organisation', 'changed'],
  'organisation.import': ['organisation', 'imported from the NHS list of organisations'],
  'organisation.release_delays': ['organisation', ': release delays changed'],
  'organisation.rate_escalation': ['organisation', ': rate escalation changed'],
  'organisation.timesheet_auto_approve_days': ['organisation', ': days before a timesheet approves itself changed'],
  'practice.block': ['organisation', ': a clinician blocked'],
  'practice.unblock': ['organisation', ': a clinician unblocked'],
  'practice.favourite': ['organisation', ': a clinician added to favourites'],
  'practice.unfavourite': ['organisation', ': a clinician taken off favourites'],
  'user.create': ['user', 'created'],
  'user.update': ['user', 'changed'],
  'user.activate': ['user', 'reactivated'],
  'user.deactivate': ['user', 'deactivated'],
  'user.password': ['user', ': password changed'],
  'user.password_reset': ['user', ': password reset'],
  'user.email': ['user', ': email address changed'],
  'user.totp_enable': ['user', ': two-step sign-in set up'],
  'user.totp_remove': ['user', ': two-step sign-in turned off'],
  'user.totp_reset': ['user', ': two-step sign-in reset'],
  'session.create': ['user', 'signed in'],
  'session.delete': ['user', 'signed out'],
  'webhook.create': ['webhook', 'added'],
  'webhook.delete': ['webhook', 'deleted'],
  'demo.load': ['store', ': the demo loaded'],
};

// The action's words without a record: "Shift withdrawn" (the filter's choices).
function actionWords(code) {
  const a = ACTIONS[code];
  if (a) return `${entityWords(a[0])}${a[1].startsWith(':') ? a[1] : ` ${a[1]}`}`;
  const [kind, ...rest] = String(code).split('.');
  return rest.length ? `${entityWords(kind)}: ${words(rest.join(' '))}` : capital(words(code));
}

// What an entry says happened: "Booking 123 cancelled", "Organisation 14: release delays changed";
// an action this page does not know: "Shift 12: rate approval".
function entryWhat(e) {
  const a = ACTIONS[e.action];
  const record = e.entity === 'store' ? entityWords(e.entity) : `${entityWords(e.entity)} ${e.entity_id}`;
  if (a && a[0] === e.entity) return `${record}${a[1].startsWith(':') ? a[1] : ` ${a[1]}`}`;
  if (a) return `${record}: ${a[1].replace(/^:\s*/, '')}`; // a known action on another kind of record
  const verb = String(e.action).includes('.') ? e.action.slice(e.action.indexOf('.') + 1) : e.action;
  return `${record}: ${words(verb)}`;
}

// Which kinds of record this person's part of the log holds (store/audit.h): a system
// administrator every kind; the others the shifts and bookings they answer for and, for a pool's
// administrators, its members' passport checks.
function kindsFor(has) {
  if (has('sysadmin')) return Object.keys(ENTITIES);
  return has('pool_admin') ? ['shift', 'booking', 'passport_check'] : ['shift', 'booking'];
}

// What the log holds for this person, in one sentence.
function scopeSentence(has, roles) {
  if (has('sysadmin')) return 'Every change anyone has made in flexpool, and every change flexpool made by itself: who made it and when.';
  const parts = [];
  if (has('practice_manager')) {
    const n = roles.filter((r) => r.role === 'practice_manager').length;
    parts.push(n > 1 ? 'your practices\' shifts and bookings' : 'your practice\'s shifts and bookings');
  }
  if (has('pool_admin')) parts.push('the shifts and bookings of the pool\'s member practices, and its members\' passport checks');
  if (has('commissioner')) parts.push('the shifts and bookings of your ICB\'s practices');
  const what = parts.length > 1 ? `${parts.slice(0, -1).join('; ')}; and ${parts[parts.length - 1]}` : parts[0];
  return `Every change to ${what}: who made it and when.${has('practice_manager') ? ' A CQC inspection may ask for it.' : ''}`;
}

// Times in the UK, to the second: "4 Dec 2026 at 16:35:02".
const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric' });
const CLOCK = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const ukWhen = (t) => `${DAY.format(new Date(t))} at ${CLOCK.format(new Date(t))}`;

// The fields of the before and after documents, in words.
const FIELDS = {
  status: 'Status', rate_pence: 'Rate', rate_unit: 'Rate per', starts_at: 'Starts', ends_at: 'Ends', break_minutes: 'Unpaid break (minutes)',
  booking_mode: 'How it is booked', location_type: 'Where', description: 'Description', role: 'Profession', profession: 'Profession',
  practice_id: 'Practice number', pool_id: 'Pool number', shift_id: 'Shift number', clinician_id: 'Clinician number', series_id: 'Series number',
  cancelled_by: 'Cancelled by', late: 'Late cancellation', cancellation_fee_pence: 'Cancellation fee', cancellation_fee_percent: 'Cancellation fee (per cent)',
  reason: 'Reason', attendance: 'Attendance', flags: 'Flags', missing: 'Checks missing', step: 'Step', on_day: 'Dated',
};
const fieldWords = (key) => FIELDS[key] || capital(words(key.replace(/_pence$/, '').replace(/_id$/, ' number')));

// Short codes that are names, not words.
const NAMES = { dbs: 'DBS', gp: 'GP', ods: 'ODS', icb: 'ICB', pcn: 'PCN', cqc: 'CQC', nhs: 'NHS' };
const CODE_VALUE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?Z$/;

// A value of a document in words, knowing its field.
function valueWords(key, v) {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') {
    if (/_id$/.test(key) && v === 0) return 'none'; // (a shift in no series)
    if (/_day$/.test(key)) return DATE.format(new Date(v * 86400e3)); // days since 1 January 1970
    if (/_pence$/.test(key)) return v < 0 ? `${MINUS}${pounds(-v)}` : pounds(v);
    if (/_percent$/.test(key)) return `${v}%`;
    return String(v);
  }
  if (Array.isArray(v)) return v.length ? v.map((x) => valueWords(key, x)).join(', ') : 'none';
  if (typeof v === 'object') return JSON.stringify(v); // (flattened before this: see changes())
  const s = String(v);
  if (s === '') return 'none';
  if (ISO_TIME.test(s)) return ukWhen(s);
  if (!CODE_VALUE.test(s)) return s; // the person's own text, or a name
  if (key === 'status' && SHIFT_STATUS_NAMES[s]) return SHIFT_STATUS_NAMES[s];
  if ((key === 'role' || key === 'profession') && ROLE_NAMES[s]) return ROLE_NAMES[s];
  if (NAMES[s]) return NAMES[s];
  return capital(words(s));
}

// A document as {path: value} with nested objects flattened ("sites 1 name"); arrays of plain
// values stay one value.
function flatten(doc, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(doc)) {
    const key = prefix ? `${prefix} ${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) v.forEach((x, i) => flatten(x && typeof x === 'object' ? x : { value: x }, `${key} ${i + 1}`, out));
    else out[key] = v;
  }
  return out;
}

const isObject = (d) => d !== null && typeof d === 'object' && !Array.isArray(d);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The rows of the details: each field that changed as "before → after", then the fields recorded
// on one side only (a new record's, or what the change noted beside), then those recorded unchanged.
function changes(before, after) {
  const b = isObject(before) ? flatten(before) : {};
  const a = isObject(after) ? flatten(after) : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const changed = [], noted = [], kept = [];
  for (const k of keys) {
    const path = k.split(' ');
    const last = path.pop();
    const label = fieldWords(last) + (path.length ? ` (${words(path.join(' '))})` : '');
    if (!(k in b)) noted.push([label, valueWords(last, a[k])]);
    else if (!(k in a)) (after === null ? changed : noted).push([label, after === null ? `${valueWords(last, b[k])}${ARROW}removed` : `${valueWords(last, b[k])} (before)`]);
    else if (same(a[k], b[k])) kept.push([label, `${valueWords(last, a[k])} (unchanged)`]);
    else changed.push([label, `${valueWords(last, b[k])}${ARROW}${valueWords(last, a[k])}`]);
  }
  return [...changed, ...noted, ...kept];
}

// The details of one entry: the changes in words; a document that is not an object (older rows
// stored text) as it was stored, labelled.
function details(e, what) {
  const rows = changes(e.before, e.after);
  const raw = [['Before', e.before], ['After', e.after]].filter(([, d]) => d !== null && !isObject(d));
  const body = [
    rows.length ? summaryList(rows, 'nhsuk-summary-list--no-border fp-audit-changes') : null,
    raw.map(([label, d]) => h('div', {},
      h('p', { class: 'nhsuk-body-s nhsuk-u-margin-bottom-1', id: `audit-${e.id}-${label.toLowerCase()}-label` }, `${label}, as recorded:`),
      h('pre', { class: 'fp-code fp-pre-line', tabindex: '0', 'aria-labelledby': `audit-${e.id}-${label.toLowerCase()}-label` },
        typeof d === 'string' ? d : JSON.stringify(d, null, 2)))),
  ];
  if (!rows.length && !raw.length) body.push(p('Nothing was recorded beside who made the change and when.'));
  return h('details', { class: 'nhsuk-details nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0 fp-audit-details', 'data-audit-id': String(e.id) },
    h('summary', { class: 'nhsuk-details__summary' },
      h('span', { class: 'nhsuk-details__summary-text' }, 'Details', h('span', { class: 'nhsuk-u-visually-hidden' }, ` of ${what}`))),
    h('div', { class: 'nhsuk-details__text' }, body));
}

// Who made the change: the person's name (their email address for an account without one); the
// system (the upkeep, the command line, the demo loader) as flexpool.
function who(e) {
  if (e.actor_user_id === null || e.actor_user_id === undefined) return 'flexpool';
  return e.actor_name || e.actor_email || `Account ${e.actor_user_id}`;
}

route(HERE, async ({ query }) => {
  const me = state.me;
  const has = (role) => me.roles.some((r) => r.role === role);
  const kinds = kindsFor(has);
  const actions = Object.keys(ACTIONS).filter((code) => kinds.includes(ACTIONS[code][0]));
  // A filter from a link that is not among the choices is still shown as chosen.
  const asked = (name) => (query.get(name) || '').trim();
  if (asked('entity') && !kinds.includes(asked('entity'))) kinds.push(asked('entity'));
  if (asked('action') && !actions.includes(asked('action'))) actions.push(asked('action'));
  const form = filterForm({
    id: 'audit-filters', here: HERE, query, title: 'Filter the trail',
    fields: [
      { id: 'entity', label: 'What changed', type: 'select', describe: (v) => `what changed: ${entityWords(v)}`,
        options: [{ value: '', text: 'Any' }, ...kinds.map((k) => ({ value: k, text: entityWords(k) }))] },
      { id: 'action', label: 'What happened', type: 'select', describe: (v) => `what happened: ${actionWords(v)}`,
        options: [{ value: '', text: 'Anything' }, ...actions.map((code) => ({ value: code, text: actionWords(code) }))] },
      { id: 'entity_id', label: 'Record number', hint: 'The number of the shift, booking or other record, for example 1204', type: 'search',
        describe: (v) => `record number ${v}` },
    ],
  });
  const v = form.values;
  const title = 'Audit trail';
  const intro = [
    p(scopeSentence(has, me.roles), ' ', h('span', { id: 'audit-append-only' },
      'It is append-only: each change adds an entry, and nothing in it can be changed or deleted.')),
  ];
  if (v.entity_id && !/^\d{1,18}$/.test(v.entity_id)) {
    page(title, pageHeading(title), intro, form.element,
      h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1', id: 'audit-error' },
        h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'),
        h('div', { class: 'nhsuk-error-summary__body' }, p('Enter the record number in figures, for example 1204.'))));
    return;
  }
  let list;
  try {
    list = await pagedList({ path: '/audit', params: { entity: v.entity, action: v.action, entity_id: v.entity_id }, query, here: HERE, noun: ['entry', 'entries'] });
  } catch (err) {
    if (err.status !== 400) throw err;
    page(title, pageHeading(title), intro, form.element,
      h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1', id: 'audit-error' },
        h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'),
        h('div', { class: 'nhsuk-error-summary__body' }, p(explain(err)))));
    return;
  }
  const rows = list.items.map((e) => {
    const what = entryWhat(e);
    return [
      { text: h('time', { datetime: e.at, 'data-audit-id': String(e.id) }, ukWhen(e.at)) },
      who(e),
      { text: h('div', {}, h('span', { class: 'fp-audit-what' }, what), details(e, what)) },
    ];
  });
  page(title, pageHeading(title), intro, form.element, list.summary,
    rows.length ? table({ caption: 'Changes, newest first', captionSize: 's', id: 'audit-entries', head: ['When', 'Who', 'What'], rows })
      : h('p', { class: 'nhsuk-body', id: 'audit-none' }, form.active.length ? 'No entries match these filters.' : 'Nothing has been recorded yet.'),
    list.nav);
}, READERS);
