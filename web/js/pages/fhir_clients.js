// fhir_clients.js - the system administrator's register of the FHIR API's clients (docs/FHIR.md):
// other NHS systems that read the pool's practitioners, organisations and sessions under /fhir/r4/.
// The list (/admin/fhir-clients), registering one (/admin/fhir-clients/new: its client id, name,
// the ICB it may see and what it may read), its secret shown once on the page that follows, and
// deactivating one (asked first on its own page).

import { del, get, getAll, post } from '../api.js';
import { flash, navigate, page, route } from '../app.js';
import { confirmPage } from '../confirm.js';
import { liveValidation, onSubmit } from '../forms.js';
import { shortDate } from '../format.js';
import { button, h, input, insetText, link, p, pageHeading, panel, select, table, tag, warningCallout } from '../ui.js';

const WHO = { roles: ['sysadmin'] };

export const TYPES = [
  ['Practitioner', 'Practitioners: the pool members\' names and registration numbers'],
  ['PractitionerRole', 'Practitioner roles: their pool memberships'],
  ['Organization', 'Organisations: the ICB, places, PCNs and practices'],
  ['HealthcareService', 'Services: each practice\'s sessions by role'],
  ['Schedule', 'Schedules: the same, as schedules'],
  ['Slot', 'Slots: the sessions, free, held back or booked'],
];

const typeOf = (scope) => scope.replace(/^system\//, '').replace(/\.(rs|read)$/, '');

async function orgNames(clients) {
  const ids = [...new Set(clients.flatMap((c) => c.organisation_ids))];
  const found = await Promise.all(ids.map((id) => get(`/organisations/${id}`).catch(() => null)));
  return new Map(found.filter(Boolean).map((o) => [o.id, o.name]));
}

route('/admin/fhir-clients', async () => {
  const { items } = await get('/fhir-clients');
  const names = await orgNames(items);
  page('FHIR API clients', pageHeading('FHIR API clients'),
    p('Other NHS systems, such as a workforce dashboard or a primary care network\'s rota, can read the pool through its FHIR R4 API: the pool members (names and registration numbers, never contact details), the organisations and the practices\' sessions. Each system is registered here and sees only the organisations it is registered for.'),
    items.length
      ? table({
        caption: 'Registered systems', id: 'fhir-clients',
        head: ['System', 'Client id', 'Organisations', 'Can read', 'Status', 'Action'],
        rows: items.map((c) => [
          c.name, h('code', {}, c.client_id),
          c.organisation_ids.map((id) => names.get(id) || `Organisation ${id}`).join(', '),
          h('ul', { class: 'nhsuk-list' }, c.scopes.map((s) => h('li', {}, typeOf(s)))),
          c.active ? tag('Active', 'booked') : tag(`Deactivated ${shortDate(c.deactivated_at)}`, 'past'),
          c.active ? link(`/admin/fhir-clients/${c.id}/deactivate`, 'Deactivate', { 'aria-label': `Deactivate ${c.name}` }) : '',
        ]),
      })
      : p('No system is registered yet.'),
    p(link('/admin/fhir-clients/new', 'Register a system', { id: 'fhir-client-add' })),
    insetText(p('A system asks for a token with its client id and secret (OAuth 2.0 client credentials at /oauth/token) and reads /fhir/r4/ with it for five minutes at a time. Every read is recorded.')));
}, WHO);

route('/admin/fhir-clients/new', async () => {
  const icbs = await getAll('/organisations', { level: 'icb', active: 'true' }, Infinity);
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'fhir-client-form' },
    input({ id: 'name', label: 'System name', width: 30, hint: 'So that you and the audit trail know which system this is, for example "West Yorkshire workforce dashboard".' }),
    input({ id: 'client_id', label: 'Client id', width: 20, hint: 'What the system signs in as: 3 to 64 letters, digits, full stops, hyphens or underscores, for example wy-workforce.' }),
    select({ id: 'organisation_id', label: 'Organisation it may see', hint: 'It sees this ICB and everything in it: its places, PCNs, practices and their sessions, and the members of the pools the ICB hosts.',
      options: [{ value: '', text: 'Choose' }, ...icbs.map((o) => ({ value: o.id, text: `${o.name} (${o.ods_code})` }))] }),
    h('div', { class: 'nhsuk-form-group', 'data-field': 'scopes' },
      h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': 'scopes-hint scopes-error' },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'What may it read?'),
        h('div', { class: 'nhsuk-hint', id: 'scopes-hint' }, 'Select all that apply. Choose only what the system needs.'),
        h('span', { class: 'nhsuk-error-message', id: 'scopes-error', hidden: true },
          h('span', { class: 'nhsuk-u-visually-hidden' }, 'Error: '), h('span', { class: 'fp-error-text' })),
        h('div', { class: 'nhsuk-checkboxes', 'data-module': 'nhsuk-checkboxes' },
          TYPES.map(([value, text], i) => h('div', { class: 'nhsuk-checkboxes__item' },
            h('input', { class: 'nhsuk-checkboxes__input', id: i ? `scopes-${i + 1}` : 'scopes', name: `scope-${value}`, type: 'checkbox', value: 'yes', checked: true }),
            h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: i ? `scopes-${i + 1}` : 'scopes' }, text)))))),
    button('Register system'));
  const chosen = (v) => TYPES.map(([t]) => t).filter((t) => v[`scope-${t}`]);
  const validate = liveValidation(form, summary, {
    name: (v) => (!v.name ? 'Enter the system\'s name' : v.name.length > 200 ? 'The name must be 200 characters or fewer' : null),
    client_id: (v) => (!v.client_id ? 'Enter a client id'
      : !/^[A-Za-z0-9._-]{3,64}$/.test(v.client_id) ? 'A client id is 3 to 64 letters, digits, full stops, hyphens or underscores' : null),
    organisation_id: (v) => (v.organisation_id ? null : 'Choose the organisation it may see'),
    scopes: (v) => (chosen(v).length ? null : 'Select at least one thing it may read'),
  });
  onSubmit(form, validate, summary, async (v) => {
    const client = await post('/fhir-clients', { client_id: v.client_id, name: v.name, organisation_ids: [Number(v.organisation_id)],
      scopes: chosen(v).map((t) => `system/${t}.rs`) });
    showSecret(client);
  });
  page('Register a system', summary, pageHeading('Register a system', 'FHIR API'), form, p(link('/admin/fhir-clients', 'Back to FHIR API clients')));
}, WHO);

// The secret, shown this once (the server keeps only its hash).
function showSecret(client) {
  page('System registered',
    panel('System registered', `${client.name} can now ask for a token as ${client.client_id}`),
    h('h2', { class: 'nhsuk-heading-m' }, 'The client secret'),
    warningCallout('Copy the secret now',
      p('This is the only time flexpool shows it. Give it to the system\'s administrators by a secure route; if it is lost, deactivate this system and register it again.')),
    h('div', { class: 'nhsuk-form-group' },
      h('label', { class: 'nhsuk-label', for: 'fhir-client-secret' }, 'Secret'),
      h('input', { class: 'nhsuk-input', id: 'fhir-client-secret', name: 'fhir-client-secret', type: 'text', value: client.client_secret, readonly: true, spellcheck: 'false' })),
    p(`The system sends its client id and this secret to ${window.location.origin}/oauth/token (OAuth 2.0 client credentials) and reads ${window.location.origin}/fhir/r4/ with the token it gets.`),
    p(link('/admin/fhir-clients', 'Back to FHIR API clients', { id: 'fhir-client-done' })));
}

route('/admin/fhir-clients/:id/deactivate', async ({ params }) => {
  const { items } = await get('/fhir-clients');
  const client = items.find((c) => String(c.id) === params.id && c.active);
  if (!client) {
    page('System not found', pageHeading('System not found'), p('It may have been deactivated already.'), p(link('/admin/fhir-clients', 'Back to FHIR API clients')));
    return;
  }
  confirmPage({
    title: 'Deactivate this system', caption: client.name,
    details: p(`Client id: ${client.client_id}`),
    consequences: ['Its tokens stop working at once, and it can get no new ones.',
      'Its past reads stay in the record. To let it read again, register it anew: it will have a new secret.'],
    confirmText: 'Deactivate system', backHref: '/admin/fhir-clients',
    action: () => del(`/fhir-clients/${client.id}`),
    done: () => { flash('System deactivated', `${client.name} can no longer read the FHIR API.`); return navigate('/admin/fhir-clients'); },
  });
}, WHO);
