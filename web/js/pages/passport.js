// The passport pages (issue 5):
//   /passport                      the clinician's checklist: each check's state, what blocks booking,
//                                  and every placement grant on their passport (who, by which pool, when)
//   /passport/upload               the clinician uploads evidence (PDF, JPEG or PNG, up to 10 MB)
//   /passport/access-log           who has looked at the clinician's passport
//   /pool/passports                the pool's verification queue (waiting longest first), 25 a page
//   /pool/compliance               who may be booked today and who expires soon, 25 a page
//   /clinicians/:id/passport       one clinician's passport as the pool or a practice sees it, with
//                                  the evidence to open, and (for the pool) placement grants
//   /clinicians/:id/passport/access-log   the same access log, for the clinician's pool
// Every view of a passport or of evidence is recorded by the server.

import { get, getAll, post } from '../api.js';
import { filterForm, pagedList, sortField } from '../paging.js';
import { flash, navigate, page, rolesOf, route, state } from '../app.js';
import {
  busy, dateInputExample, dateInputParts, dateInputProblem, dateInputValue, formValues, liveValidation, onSubmit, showApiError,
} from '../forms.js';
import { longDate, longDateOf, roleName, shortDate, ukToday } from '../format.js';
import {
  backLink, button, buttonLink, dateInput, h, input, insetText, link, p, pageHeading, radios, select, summaryList, table, tag, textarea,
  warningCallout,
} from '../ui.js';
import { poolNav, professionOptions, withPool } from './pool_views.js';

const CLINICIAN = { roles: ['clinician'] };
const POOL_ADMIN = { roles: ['pool_admin'] };
const READERS = { roles: ['pool_admin', 'practice_manager', 'sysadmin', 'clinician'] };
const MAX_BYTES = 10 * 1024 * 1024;

const STATES = {
  missing: ['Missing', 'attention'],
  submitted: ['Waiting for the pool', 'open'],
  verified: ['Verified', 'confirmed'],
  expiring_soon: ['Expiring soon', 'pending'],
  expired: ['Expired', 'cancelled'],
  rejected: ['Rejected', 'cancelled'],
};
const stateTag = (s) => tag(...(STATES[s] || [s, null]));
const day = (d) => (d ? longDate(d) : null);
const BASIS = { self: 'You', pool_admin: 'Pool administrator', practice_manager: 'Practice manager', sysadmin: 'System administrator' };
// Why a practice or pool could look (the access log's reason), said to the clinician (own) or to their pool.
const REASON = {
  application: (own) => `${own ? 'you had' : 'the clinician had'} applied for a shift there`,
  booking: (own) => `${own ? 'you were' : 'the clinician was'} booked for a shift there`,
  worked: (own) => `${own ? 'you had' : 'the clinician had'} worked a session there recently`,
  grant: (own) => `${own ? 'your' : 'the'} pool had given it placement access`,
  member: (own) => `${own ? 'you were' : 'the clinician was'} a member of the pool`,
  join_request: (own) => `${own ? 'you had' : 'the clinician had'} asked to join the pool`,
};

// A placement grant's state in plain words.
function grantState(g, own) {
  switch (g.state) {
    case 'active': return `Can see it until ${shortDate(g.until)}`;
    case 'revoked': return `Revoked${g.revoked_at ? ` on ${shortDate(g.revoked_at)}` : ''}`;
    case 'lapsed': return own ? 'Ended: you left the pool that gave it' : 'Ended: the clinician left the pool that gave it';
    case 'expired': return `Ended on ${shortDate(g.until)}`;
    case 'scheduled': return `Starts on ${shortDate(g.from)}`;
    default: return g.state;
  }
}
const grantWho = (g) => (g.organisation.level === 'pcn' ? `${g.organisation.name} (a PCN: all its practices)` : g.organisation.name);

// The last day a grant given today may run to: the day before the same date next year.
function lastGrantDay(today) {
  const [y, m, d] = today.split('-').map(Number);
  const end = new Date(Date.UTC(y + 1, m - 1, 1));
  const monthDays = new Date(Date.UTC(y + 1, m, 0)).getUTCDate();
  end.setUTCDate(Math.min(d, monthDays) - 1);
  return end.toISOString().slice(0, 10);
}

function checkName(pp, code) {
  const c = (pp.checks || []).find((x) => x.code === code);
  return c ? c.name : code;
}

function evidenceLinks(check) {
  const files = check.evidence || [];
  if (!files.length) return 'None';
  return h('ul', { class: 'nhsuk-list' }, files.map((e, i) => h('li', {},
    e.available
      ? link(`/api/v1/evidence/${e.id}`, `Open file ${i + 1}`, { download: '', 'data-reload': '' })
      : `File ${i + 1} deleted ${shortDate(e.removed_at)} (kept for a limited time)`,
    e.available ? h('span', { class: 'nhsuk-u-visually-hidden' }, ` for ${check.name}`) : null)));
}

function validUntil(check) {
  if (check.state === 'missing' || check.state === 'submitted' || check.state === 'rejected') return '';
  return check.expires_on ? day(check.expires_on) : 'No expiry';
}

// What blocks booking, in words.
function bookableMessage(pp, you) {
  if (pp.bookable) return insetText(p(`${you ? 'You can' : 'This clinician can'} book shifts: every check the profession needs is verified and in date.`));
  const names = pp.missing.map((c) => checkName(pp, c));
  return warningCallout(you ? 'You cannot book shifts yet' : 'This clinician cannot book shifts',
    p(`${you ? 'Your' : 'Their'} passport still needs: ${names.join(', ')}.`));
}

// The clinician's checklist ------------------------------------------------------------------

route('/passport', async () => {
  const id = state.me.clinician_id;
  const [pp, grants] = await Promise.all([get(`/clinicians/${id}/passport`), get(`/clinicians/${id}/passport/grants`)]);
  const rows = pp.checks.map((c) => [
    { header: true, text: c.name },
    { text: h('div', {}, stateTag(c.state), c.state === 'rejected' && c.rejected_reason ? p(c.rejected_reason) : null,
      c.pending_id ? p('A renewal is waiting for the pool.') : null) },
    validUntil(c),
    { text: h('a', { class: 'nhsuk-link', href: `/passport/upload?check=${encodeURIComponent(c.code)}` },
      c.state === 'missing' ? 'Upload' : 'Upload a new one', h('span', { class: 'nhsuk-u-visually-hidden' }, ` evidence for ${c.name}`)) },
  ]);
  page('My passport', pageHeading('My passport', roleName(pp.clinician.profession)),
    p('The checks your pool does once, so that every practice in it can rely on them. Upload your evidence; the pool checks it.'),
    bookableMessage(pp, true),
    pp.register_flags && pp.register_flags.length
      ? warningCallout('The register has flagged your registration', p(pp.register_flags.map((f) => `${f.register === 'gmc' ? 'GMC register' : 'Performers List'}: ${f.status}`).join('; ')))
      : null,
    table({ caption: 'Your checks', id: 'passport-checks', head: ['Check', 'State', 'Valid until', 'Action'], rows }),
    buttonLink('/passport/upload', 'Upload evidence'),
    h('h2', { class: 'nhsuk-heading-m', id: 'who-can-see' }, 'Who else can see your passport'),
    p('Your pool can. A practice can while you have an open application or a booking there, and for a set time (normally 12 months) after a session you worked there. '
      + 'Your pool can also give a practice or a PCN access for a placement, for at most 12 months: every such grant is listed here.'),
    grants.items.length
      ? table({ caption: 'Placement access given by your pool', captionSize: 's', id: 'my-grants', head: ['Who', 'Given by', 'From', 'Until', 'Now'],
        rows: grants.items.map((g) => [grantWho(g), g.pool ? g.pool.name : 'No pool (revoked when the rules changed)', shortDate(g.from), shortDate(g.until), grantState(g, true)]) })
      : h('p', { class: 'nhsuk-body', id: 'my-grants-none' }, 'No practice or PCN has been given placement access to your passport.'),
    p(link('/passport/access-log', 'See who has looked at your passport')));
}, CLINICIAN);

// Upload -------------------------------------------------------------------------------------

async function uploadEvidence(clinicianId, form) {
  const body = new FormData(form);
  // The date inputs' day, month and year boxes go as one ISO date each.
  const values = formValues(form);
  for (const id of ['issued_on', 'expires_on']) {
    for (const part of ['day', 'month', 'year']) body.delete(`${id}-${part}`);
    const iso = dateInputValue(values, id);
    if (iso) body.set(id, iso);
  }
  for (const [k, v] of [...body.entries()]) if (v === '' || (v instanceof File && !v.name)) body.delete(k);
  return post(`/clinicians/${clinicianId}/passport/evidence`, body); // counted in flight, and a 401 ends the session, as every request
}

route('/passport/upload', async ({ query }) => {
  const id = state.me.clinician_id;
  const [pp, types] = await Promise.all([get(`/clinicians/${id}/passport`), get('/passport/check-types')]);
  const chosen = query.get('check') || '';
  const required = pp.checks.filter((c) => c.required);
  const others = types.items.filter((t) => !required.some((c) => c.code === t.code));
  const ruleHint = (t) => (!t ? '' : t.validity.rule === 'period' ? `Valid for ${t.validity.renewal_months} months from the date on it`
    : t.validity.rule === 'explicit' ? 'Give the end date stated on it' : 'Does not expire');
  const typeOf = (code) => types.items.find((t) => t.code === code);
  const summary = h('div');
  const hint = h('p', { class: 'nhsuk-body', id: 'rule-hint' }, ruleHint(typeOf(chosen)));
  const form = h('form', { novalidate: true, id: 'upload-form', enctype: 'multipart/form-data' },
    select({ id: 'check_code', label: 'What is it evidence of?', value: chosen, onchange: (e) => { hint.textContent = ruleHint(typeOf(e.target.value)); },
      options: [{ value: '', text: 'Choose a check' }, ...required.map((c) => ({ value: c.code, text: c.name })), ...others.map((t) => ({ value: t.code, text: `${t.name} (not required)` }))] }),
    hint,
    h('div', { class: 'nhsuk-form-group', 'data-field': 'file' },
      h('label', { class: 'nhsuk-label', for: 'file' }, 'The file'),
      h('div', { class: 'nhsuk-hint', id: 'file-hint' }, 'A PDF, JPEG or PNG, up to 10 MB: a scan or a clear photo'),
      h('span', { class: 'nhsuk-error-message', id: 'file-error', hidden: true }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Error: '), h('span', { class: 'fp-error-text' })),
      h('input', { class: 'nhsuk-file-upload', id: 'file', name: 'file', type: 'file', accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png', 'aria-describedby': 'file-hint file-error' })),
    dateInput({ id: 'issued_on', legend: 'Date on it (issued or completed)', hint: 'Needed for training and checks that last a fixed period. For example, 27 3 2026' }),
    dateInput({ id: 'expires_on', legend: 'Expiry date, if it has one', hint: 'For example, 26 3 2029' }),
    input({ id: 'reference', label: 'Reference or certificate number', hint: 'For example the DBS certificate number or the policy number', width: 20 }),
    radios({ id: 'update_service', legend: 'DBS checks only: are you on the DBS Update Service?', value: '', inline: true,
      items: [{ value: 'subscribed', text: 'Yes' }, { value: 'not_subscribed', text: 'No' }] }),
    button('Upload', { id: 'upload-button' }));
  const validate = liveValidation(form, summary, {
    check_code: (v) => (v.check_code ? null : 'Choose what the evidence is for'),
    file: () => {
      const f = form.querySelector('#file').files[0];
      if (!f) return 'Choose a file to upload';
      if (f.size > MAX_BYTES) return 'The file must be 10 MB or smaller';
      return null;
    },
    issued_on: (v) => dateInputProblem(v, 'issued_on', 'the date on it'),
    expires_on: (v) => {
      const problem = dateInputProblem(v, 'expires_on', 'the expiry date');
      if (problem) return problem;
      const issued = dateInputValue(v, 'issued_on'), expires = dateInputValue(v, 'expires_on');
      return expires && issued && expires < issued ? 'The expiry date must be on or after the date on it' : null;
    },
  }, { focusIdOf: (f) => (f === 'issued_on' || f === 'expires_on' ? `${f}-day` : f) });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        const rec = await uploadEvidence(id, form);
        flash('Evidence uploaded', `The pool will check your ${checkName(pp, rec.code).toLowerCase()} and tell you if anything is wrong.`);
        navigate('/passport');
      } catch (err) {
        const text = err.status === 413 ? 'The file must be 10 MB or smaller'
          : err.status === 415 ? 'The file must be a PDF, JPEG or PNG' : null;
        if (text) showApiError(form, summary, { ...err, field: 'file', message: text, code: 'file' });
        else showApiError(form, summary, err);
      }
    });
  });
  page('Upload evidence', backLink('/passport', 'Back to my passport'), summary, pageHeading('Upload evidence', 'My passport'), form);
}, CLINICIAN);

// The access log -----------------------------------------------------------------------------

async function accessLogPage(clinicianId, own) {
  const items = await getAll(`/clinicians/${clinicianId}/passport/access-log`, {}, 500);
  const rows = items.map((e) => [
    shortDate(e.at) + ', ' + new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(e.at)),
    e.viewer.name,
    [BASIS[e.basis] || e.basis, e.organisation ? ` at ${e.organisation.name}` : '', e.pool ? ` of ${e.pool.name}` : '',
      e.reason && REASON[e.reason] ? ` (${REASON[e.reason](own)})` : ''].join(''),
    e.what === 'evidence' ? `Opened evidence${e.check_code ? ` (${e.check_code.replace(/_/g, ' ')})` : ''}` : 'Viewed the passport',
  ]);
  page('Who has looked', backLink(own ? '/passport' : `/clinicians/${clinicianId}/passport`, 'Back to the passport'),
    pageHeading(own ? 'Who has looked at your passport' : 'Who has looked at this passport'),
    p('Every view of the passport and every file opened is recorded here, newest first.'),
    rows.length ? table({ caption: 'Views', id: 'access-log', head: ['When', 'Who', 'As', 'What'], rows }) : p('Nobody has looked yet.'));
}

route('/passport/access-log', () => accessLogPage(state.me.clinician_id, true), CLINICIAN);
route('/clinicians/:id/passport/access-log', ({ params }) => accessLogPage(params.id, false), POOL_ADMIN);

// One clinician's passport, for the pool or a practice ----------------------------------------

route('/clinicians/:id/passport', async ({ params }) => {
  const pp = await get(`/clinicians/${params.id}/passport`);
  const pool = pp.viewed_as === 'pool_admin' || pp.viewed_as === 'sysadmin';
  const rows = pp.checks.map((c) => [
    { header: true, text: c.name },
    { text: stateTag(c.state) },
    validUntil(c),
    c.verified_by ? `${c.verified_by.name}, ${shortDate(c.verified_at)}` : '',
    { text: evidenceLinks(c) },
  ]);
  const content = [
    backLink(pool ? '/pool/passports' : '/practice', 'Back'),
    pageHeading(pp.clinician.name, `Passport: ${roleName(pp.clinician.profession)}`),
    bookableMessage(pp, false),
    table({ caption: 'Checks', id: 'passport-summary', head: ['Check', 'State', 'Valid until', 'Verified by', 'Evidence'], rows }),
  ];
  if (pool) {
    content.push(p(link(`/clinicians/${params.id}/passport/access-log`, 'Who has looked at this passport')));
    const grants = await get(`/clinicians/${params.id}/passport/grants`);
    const poolIds = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
    const [practices, pcns, pools] = await Promise.all([
      // Option lists: every active practice and PCN the pool sees, page by page, never cut.
      getAll('/organisations', { level: 'practice', active: 'true' }, Infinity).catch(() => []),
      getAll('/organisations', { level: 'pcn', active: 'true' }, Infinity).catch(() => []),
      Promise.all(poolIds.map((id) => get(`/pools/${id}`).catch(() => null))),
    ]);
    const icbs = new Set(pools.filter(Boolean).map((x) => x.icb_id).filter(Boolean));
    const inIcb = (o) => !icbs.size || icbs.has(o.icb_id);
    const today = ukToday();
    const last = lastGrantDay(today);
    const summary = h('div');
    const form = h('form', { novalidate: true, id: 'grant-form' },
      select({ id: 'organisation_id', label: 'Practice or PCN', hint: 'A PCN gives access to all its practices',
        options: [{ value: '', text: 'Choose a practice or PCN' },
          ...pcns.filter(inIcb).map((o) => ({ value: o.id, text: `${o.name} (PCN, ${o.ods_code})` })),
          ...practices.filter(inIcb).map((o) => ({ value: o.id, text: `${o.name} (${o.ods_code})` }))] }),
      dateInput({ id: 'until', legend: 'Access until', hint: `Access starts today. The last day can be ${longDateOf(last)} at the latest. For example, ${dateInputExample(last)}` }),
      dateInput({ id: 'placement_starts_on', legend: 'Placement starts on (optional)', hint: `For your records. For example, ${dateInputExample(today)}` }),
      button('Grant access', { id: 'grant-button' }, 'secondary'));
    const validate = liveValidation(form, summary, {
      organisation_id: (v) => (v.organisation_id ? null : 'Choose the practice or PCN'),
      until: (v) => {
        const problem = dateInputProblem(v, 'until', 'the last day of access', { required: true });
        if (problem) return problem;
        const until = dateInputValue(v, 'until');
        return until < today ? 'The last day of access must not be in the past'
          : until > last ? `Access lasts at most 12 months: the last day can be ${longDateOf(last)} at the latest` : null;
      },
      placement_starts_on: (v) => {
        const problem = dateInputProblem(v, 'placement_starts_on', 'the day the placement starts');
        if (problem) return problem;
        const starts = dateInputValue(v, 'placement_starts_on'), until = dateInputValue(v, 'until');
        return starts && (starts < today || (until && starts > until)) ? 'The placement must start between today and the last day of access' : null;
      },
    }, { focusIdOf: (f) => (f === 'organisation_id' ? f : `${f}-day`) });
    onSubmit(form, validate, summary, async (v) => {
      await post(`/clinicians/${params.id}/passport/grants`, {
        organisation_id: Number(v.organisation_id), until: dateInputValue(v, 'until'), placement_starts_on: dateInputValue(v, 'placement_starts_on') || undefined,
      });
      flash('Access granted', 'The practice managers can see this passport until the day you set, while the clinician stays in your pool.');
      navigate(`/clinicians/${params.id}/passport`, { replace: true });
    });
    content.push(h('h2', { class: 'nhsuk-heading-m' }, 'Placement access'),
      grants.items.length
        ? table({ caption: 'Practices and PCNs given access to this passport', captionSize: 's', id: 'grants', head: ['Who', 'Given by', 'From', 'Until', 'Now'],
          rows: grants.items.map((g) => [grantWho(g), g.pool ? g.pool.name : 'No pool', shortDate(g.from), shortDate(g.until), grantState(g)]) })
        : p('No practice or PCN has been given access.'),
      h('h3', { class: 'nhsuk-heading-s' }, 'Give a practice or PCN access for a placement'),
      insetText(
        p('You can give access to a practice, or to a PCN (all its practices), in your pool\'s ICB, for a clinician who is a member of your pool.'),
        p(`Access starts today and lasts at most 12 months: until ${longDateOf(last)} at the latest. It ends early if the clinician leaves your pool or you revoke it. The clinician sees every grant.`)),
      summary, form);
  }
  page(`${pp.clinician.name}: passport`, ...content);
}, READERS);

// The pool's queue and compliance ------------------------------------------------------------

// The lapsed bookings are found among this many bookings ahead at most (and say so when there are more).
const LAPSED_CHECKED = 2000;

function decisionForm(item, poolHref) {
  const summary = h('div');
  const idp = `check-${item.id}`;
  const form = h('form', { novalidate: true, id: `${idp}-form` },
    dateInput({ id: `${idp}-expires`, legend: 'Expiry date (leave empty to follow the check\'s rule)', hint: 'For example, 26 3 2029', value: dateInputParts(item.expires_on) }),
    textarea({ id: `${idp}-note`, name: 'note', label: 'Note (the reason, when you reject)', rows: 2 }),
    h('div', { class: 'fp-button-row' },
      button('Verify', { id: `${idp}-verify`, value: 'verify', name: 'decision' }),
      button('Reject', { id: `${idp}-reject`, value: 'reject', name: 'decision' }, 'secondary')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const decision = e.submitter ? e.submitter.value : 'verify';
    const v = formValues(form);
    const expires = dateInputValue(v, `${idp}-expires`);
    if (expires === null) {
      showApiError(form, summary, { field: `${idp}-expires`, code: 'date', message: dateInputProblem(v, `${idp}-expires`, 'the expiry date') });
      return;
    }
    if (decision === 'reject' && !v.note) {
      showApiError(form, summary, { field: `${idp}-note`, code: 'note', message: 'Give the reason: the clinician will see it on their passport page' });
      return;
    }
    await busy(form, async () => {
      try {
        const body = { decision };
        if (v.note) body.note = v.note;
        if (expires) body.expires_on = expires;
        const res = await post(`/passport/checks/${item.id}/verification`, body);
        const lapsed = (res.lapsed_booking_ids || []).length;
        flash(decision === 'verify' ? 'Check verified' : 'Check rejected',
          `${item.clinician.name}: ${item.name || item.code.replace(/_/g, ' ')}.${lapsed ? ` ${lapsed} booking${lapsed === 1 ? ' is' : 's are'} now flagged: the passport no longer covers ${lapsed === 1 ? 'it' : 'them'}.` : ''}`);
        navigate(poolHref, { replace: true });
      } catch (err) { showApiError(form, summary, err); }
    });
  });
  return h('div', {}, summary, form);
}

// The pool the page is about: the one named in ?pool= when the administrator has several.
function poolOf(query) {
  const ids = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
  const poolId = ids.find((x) => String(x) === query.get('pool')) || ids[0];
  return { poolId, ids, suffix: ids.length > 1 ? `pool=${poolId}` : '' };
}


// The verification queue, 25 records a page: find a clinician, one profession or one check.
route('/pool/passports', async ({ query }) => {
  const { poolId, suffix } = poolOf(query);
  const here = '/pool/passports';
  const [types, professions] = await Promise.all([get('/passport/check-types'), professionOptions()]);
  const nameOf = (code) => (types.items.find((t) => t.code === code) || { name: code }).name;
  const filters = filterForm({
    id: 'queue-filters', here, query, keep: ['pool'],
    fields: [
      { id: 'q', label: 'Clinician', hint: 'A part of their name', type: 'search' },
      { id: 'profession', label: 'Profession', type: 'select', options: professions },
      { id: 'code', label: 'Check', type: 'select', options: [{ value: '', text: 'Any check' }, ...types.items.map((t) => ({ value: t.code, text: t.name }))] },
      sortField([{ value: '', text: 'Waiting longest first' }, { value: 'newest', text: 'Newest first' }, { value: 'name', text: 'Clinician, A to Z' }]),
    ],
  });
  const v = filters.values;
  const from = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const [list, upcoming] = await Promise.all([
    pagedList({ path: '/passport/queue', params: { pool_id: poolId, q: v.q, profession: v.profession, code: v.code, sort: v.sort },
      query, here, noun: ['record', 'records'] }),
    getAll('/bookings', { status: 'confirmed', from }, LAPSED_CHECKED + 1).catch(() => []),
  ]);
  const lapsed = upcoming.slice(0, LAPSED_CHECKED).filter((b) => (b.flags || []).includes('passport_lapsed'));
  const back = `${here}${window.location.search}`;
  const queueCards = list.items.map((item) => h('div', { class: 'nhsuk-card', id: `queue-${item.id}` },
    h('div', { class: 'nhsuk-card__content' },
      h('h3', { class: 'nhsuk-card__heading nhsuk-heading-s' }, `${item.clinician.name}: ${nameOf(item.code)}`),
      summaryList([
        ['Profession', roleName(item.clinician.profession)],
        ['Submitted', shortDate(item.submitted_at)],
        ['Date on it', day(item.issued_on)],
        ['Expiry stated', day(item.expires_on)],
        ['Reference', item.reference],
        item.code === 'dbs' ? ['DBS Update Service', item.update_service === 'subscribed' ? 'Yes' : item.update_service === 'not_subscribed' ? 'No' : null] : null,
        ['Evidence', evidenceLinks({ ...item, name: nameOf(item.code) })],
        ['Passport', link(`/clinicians/${item.clinician.id}/passport`, `${item.clinician.name}'s passport`)],
      ]),
      decisionForm({ ...item, name: nameOf(item.code) }, back))));
  page('Passports waiting', pageHeading('Passports waiting for verification', 'Pool administration'), poolNav(here, suffix),
    filters.element, list.summary,
    list.items.length ? p('Open the evidence, then verify or reject; set or correct the expiry date if it is wrong.')
      : p(filters.active.length ? 'Nothing waiting matches these filters.' : 'Nothing is waiting.'),
    ...queueCards, list.nav,
    h('h2', { class: 'nhsuk-heading-m', id: 'lapsed-heading' }, `Bookings the passport no longer covers (${lapsed.length})`),
    upcoming.length > LAPSED_CHECKED ? insetText(p(`Only the next ${LAPSED_CHECKED} bookings were checked here.`)) : null,
    lapsed.length
      ? table({ caption: 'Booked, but a check will not be valid on the day: the booking stands until someone cancels it', captionSize: 's', id: 'lapsed-bookings',
        head: ['Shift', 'Practice', 'Clinician'],
        rows: lapsed.map((b) => [shortDate(b.starts_at), b.practice_name, { text: link(`/clinicians/${b.clinician_id}/passport`, b.clinician_name) }]) })
      : p('None: every booking ahead is covered.'));
}, POOL_ADMIN);

// Compliance: who may be booked today and who expires soon, 25 clinicians a page, those needing
// attention first.
route('/pool/compliance', async ({ query }) => {
  const { poolId, suffix } = poolOf(query);
  const here = '/pool/compliance';
  const [types, professions] = await Promise.all([get('/passport/check-types'), professionOptions()]);
  const nameOf = (code) => (types.items.find((t) => t.code === code) || { name: code }).name;
  const filters = filterForm({
    id: 'compliance-filters', here, query, keep: ['pool'],
    fields: [
      { id: 'q', label: 'Clinician', hint: 'A part of their name', type: 'search' },
      { id: 'profession', label: 'Profession', type: 'select', options: professions },
      { id: 'state', label: 'Today', type: 'select', options: [{ value: '', text: 'Everyone' }, { value: 'not_compliant', text: 'Cannot book' }, { value: 'compliant', text: 'Can book' }] },
      { id: 'within', label: 'A check ends', type: 'select', options: [{ value: '', text: 'Any time' }, { value: '30', text: 'Within 30 days' }, { value: '60', text: 'Within 60 days' }, { value: '90', text: 'Within 90 days' }],
        describe: (x) => `a check ending within ${x} days` },
      sortField([{ value: '', text: 'Needing attention first' }, { value: 'next_expiry', text: 'Next expiry first' }, { value: 'name', text: 'Name, A to Z' }]),
    ],
  });
  const v = filters.values;
  const within = ['30', '60', '90'].includes(v.within) ? v.within : '';
  const list = await pagedList({ path: `/pools/${poolId}/compliance`,
    params: { q: v.q, profession: v.profession, state: v.state, within, sort: v.sort }, query, here, noun: ['clinician', 'clinicians'] });
  const comp = list.response;
  const s = comp.summary;
  const rows = list.items.map((c) => [
    { header: true, text: link(`/clinicians/${c.clinician_id}/passport`, c.name) },
    roleName(c.profession),
    { text: c.bookable ? tag('Can book', 'confirmed') : tag('Cannot book', 'cancelled') },
    c.missing.map(nameOf).join(', ') || 'Nothing',
    c.next_expiry ? shortDate(c.next_expiry) : 'None',
  ]);
  page('Compliance', pageHeading('Compliance', 'Pool administration'), poolNav(here, suffix),
    summaryList([
      ['Clinicians', String(s.clinicians)],
      ['Can book today', String(s.compliant)],
      ['Cannot book today', String(s.not_compliant)],
      ['A check ends within 30 days', String(s.expiring_within['30'])],
      ['Within 60 days', String(s.expiring_within['60'])],
      ['Within 90 days', String(s.expiring_within['90'])],
    ]),
    filters.element, list.summary,
    rows.length ? table({ caption: within ? `Clinicians with a check ending within ${within} days` : 'Member clinicians', captionSize: 's', id: 'compliance',
      head: ['Clinician', 'Profession', 'Today', 'Still needed', 'Next expiry'], rows })
      : p(filters.active.length ? 'No clinician matches these filters.' : 'The pool has no clinicians yet.'),
    list.nav,
    p(`Checked on ${longDate(comp.on)}. The same figures as counts are what the commissioner sees.`));
}, POOL_ADMIN);
