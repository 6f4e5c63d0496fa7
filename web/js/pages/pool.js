// The pool administrator's page: answer clinicians' requests to join, admit and remove
// practices and clinicians.

import { del, explain, get, getAll, post } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
import { pounds, roleName, shortDate } from '../format.js';
import { backLink, button, h, insetText, p, pageHeading, select, summaryList, table, textarea } from '../ui.js';

const POOL_ADMIN = { roles: ['pool_admin'] };

function smallButton(text, hidden, onclick, variant = 'secondary') {
  return h('button', { class: `nhsuk-button${variant ? ` nhsuk-button--${variant}` : ''} nhsuk-button--small fp-table-button`, type: 'button', onclick },
    text, h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${hidden}`));
}

route('/pool', async ({ query }) => {
  const ids = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
  const poolId = ids.find((x) => String(x) === query.get('pool')) || ids[0];
  const [pool, requests, clinicians, practices, allPractices] = await Promise.all([
    get(`/pools/${poolId}`),
    getAll(`/pools/${poolId}/join-requests`, { status: 'pending' }, 1000),
    getAll(`/pools/${poolId}/members`, { kind: 'clinician' }, 5000),
    getAll(`/pools/${poolId}/members`, { kind: 'organisation' }, 5000),
    getAll('/organisations', { level: 'practice' }, 5000).catch(() => []),
  ]);
  const summary = h('div');
  const problem = (err) => {
    summary.replaceChildren(h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
      h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'), p(explain(err))));
    summary.firstChild.focus();
  };
  const act = (fn, heading, text) => async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await fn();
      flash(heading, text);
      navigate(`/pool${ids.length > 1 ? `?pool=${poolId}` : ''}`, { replace: true });
    } catch (err) { btn.disabled = false; problem(err); }
  };
  const requestRows = requests.map((r) => [
    r.clinician_name, roleName(r.profession), r.registration_number || 'None', shortDate(r.created_at),
    { text: h('div', { class: 'fp-button-row' },
      smallButton('Admit', r.clinician_name, act(() => post(`/join-requests/${r.id}/accept`, {}), 'Clinician admitted', `${r.clinician_name} can now book the pool's shifts.`), null),
      h('a', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', href: `/pool/join-requests/${r.id}/decline?pool=${poolId}` },
        'Decline', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${r.clinician_name}`))) },
  ]);
  const memberIds = new Set(practices.map((m) => m.organisation_id));
  const addable = allPractices.filter((o) => !memberIds.has(o.id));
  const addForm = h('form', { novalidate: true, id: 'add-practice-form', class: 'fp-inline-form' },
    select({ id: 'organisation_id', label: 'Practice', options: [{ value: '', text: 'Choose a practice' }, ...addable.map((o) => ({ value: o.id, text: `${o.name} (${o.ods_code})` }))] }),
    button('Admit practice', { id: 'admit-practice' }, 'secondary'));
  addForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = formValues(addForm);
    if (!v.organisation_id) return problem({ message: 'Choose a practice to admit' });
    await busy(addForm, async () => {
      try {
        await post(`/pools/${poolId}/members`, { organisation_id: Number(v.organisation_id) });
        const o = addable.find((x) => String(x.id) === v.organisation_id);
        flash('Practice admitted', `${o ? o.name : 'The practice'} can now post shifts to the pool.`);
        navigate('/pool', { replace: true });
      } catch (err) { problem(err); }
    });
  });
  page(pool.name, summary, pageHeading(pool.name, 'Pool administration'),
    insetText(p(`Indicative rates: ${pounds(pool.hourly_rate_pence)} an hour, ${pounds(pool.session_rate_pence)} a session. `,
      `${clinicians.length} clinician${clinicians.length === 1 ? '' : 's'} and ${practices.length} practice${practices.length === 1 ? '' : 's'} are members.`)),
    h('h2', { class: 'nhsuk-heading-m', id: 'requests-heading' }, `Requests to join (${requests.length})`),
    requests.length ? table({ caption: 'Clinicians waiting for an answer', captionSize: 's', id: 'join-requests', head: ['Clinician', 'Profession', 'Registration number', 'Asked on', 'Action'], rows: requestRows })
      : p('No requests are waiting.'),
    h('h2', { class: 'nhsuk-heading-m' }, `Practices (${practices.length})`),
    practices.length ? table({ caption: 'Member practices', captionSize: 's', id: 'member-practices', head: ['Practice', 'ODS code', 'Admitted', 'Action'],
      rows: practices.map((m) => [m.name, m.ods_code, shortDate(m.added_at), { text: smallButton('Remove', m.name, act(() => del(`/pools/${poolId}/members/${m.id}`), 'Practice removed', `${m.name} is no longer in the pool.`)) }]) })
      : p('No practices yet.'),
    addable.length ? addForm : null,
    h('h2', { class: 'nhsuk-heading-m' }, `Clinicians (${clinicians.length})`),
    clinicians.length ? table({ caption: 'Member clinicians', captionSize: 's', id: 'member-clinicians', head: ['Clinician', 'Profession', 'Admitted', 'Action'],
      rows: clinicians.map((m) => [m.name, roleName(m.profession), shortDate(m.added_at), { text: smallButton('Remove', m.name, act(() => del(`/pools/${poolId}/members/${m.id}`), 'Clinician removed', `${m.name} is no longer in the pool.`)) }]) })
      : p('No clinicians yet.'));
}, POOL_ADMIN);

// Declining a request to join, with a reason the clinician sees on their pools page.
route('/pool/join-requests/:id/decline', async ({ params, query }) => {
  const ids = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
  const poolId = ids.find((x) => String(x) === query.get('pool')) || ids[0];
  const back = `/pool${ids.length > 1 ? `?pool=${poolId}` : ''}`;
  const requests = await getAll(`/pools/${poolId}/join-requests`, { status: 'pending' }, 1000);
  const r = requests.find((x) => String(x.id) === params.id);
  if (!r) {
    return page('Request already answered', backLink(back, 'Back to the pool'), pageHeading('This request has already been answered'),
      p(h('a', { class: 'nhsuk-link', href: back }, 'See the requests waiting')));
  }
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'decline-form' },
    textarea({ id: 'reason', label: 'Reason (optional)', hint: 'The clinician will see this on their pools page. 200 characters at most.', maxlength: '200' }),
    button('Decline request', { id: 'confirm-decline' }, 'warning'));
  const validate = liveValidation(form, summary, {
    reason: (v) => (v.reason && v.reason.length > 200 ? 'The reason must be 200 characters or fewer' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        const reason = formValues(form).reason.trim();
        await post(`/join-requests/${r.id}/decline`, reason ? { reason } : {});
        flash('Request declined', `${r.clinician_name} will see it${reason ? ', with your reason,' : ''} on their pools page. Nothing is sent to them.`);
        navigate(back, { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  page('Decline a request to join', summary, backLink(back, 'Back to the pool'), pageHeading('Decline the request to join', r.clinician_name),
    summaryList([['Clinician', r.clinician_name], ['Profession', roleName(r.profession)], ['Registration number', r.registration_number || 'None'], ['Asked on', shortDate(r.created_at)]]),
    form, p(h('a', { class: 'nhsuk-link', href: back }, 'Keep the request waiting')));
}, POOL_ADMIN);
