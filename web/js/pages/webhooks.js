// webhooks.js - an organisation's outbound webhooks (/webhooks), for the practice's managers and,
// for a pool's host organisation, the pool's administrators: the webhooks (URL and events), a form
// to add one (/webhooks/:org/new: an https address on the public internet, checked by the server,
// which answers url_not_allowed otherwise), its signing secret shown once on the page that follows,
// deleting one (asked first on its own page), and the latest deliveries with their state.

import { del, get, post } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { confirmPage } from '../confirm.js';
import { liveValidation, onSubmit } from '../forms.js';
import { shortDate, time } from '../format.js';
import { button, h, input, insetText, link, p, pageHeading, panel, radios, table, tag, warningCallout } from '../ui.js';

const WHO = { roles: ['practice_manager', 'pool_admin'] };

export const EVENTS = [
  ['shift.posted', 'A shift is posted'],
  ['shift.booked', 'A shift is booked (directly, or by accepting an application)'],
  ['booking.cancelled', 'A booking is cancelled'],
  ['application.created', 'A clinician applies for a shift'],
  ['offer.accepted', 'A clinician accepts a direct offer'],
];
const EVENT_TEXT = Object.fromEntries(EVENTS);
const FORMAT_TEXT = { json: 'The event (flexpool)', fhir: 'The session (FHIR Slot)' };
const STATE = { queued: ['Waiting', 'pending'], sent: ['Delivered', 'completed'], failed: ['Given up', 'cancelled'] };

// The organisations whose webhooks the signed-in person keeps: their practices, and the host of
// each pool they administer.
async function organisations() {
  const ids = new Set(rolesOf('practice_manager').map((r) => r.organisation_id));
  const pools = await Promise.all(rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean).map((id) => get(`/pools/${id}`)));
  for (const pool of pools) ids.add(pool.host_organisation_id);
  return Promise.all([...ids].filter(Boolean).map((id) => get(`/organisations/${id}`)));
}

const at = (t) => (t ? `${shortDate(t)}, ${time(t)}` : 'Not yet');

async function section(org) {
  const [hooks, deliveries] = await Promise.all([get(`/organisations/${org.id}/webhooks`),
    get(`/organisations/${org.id}/webhook-deliveries?limit=10`)]);
  return [
    h('h2', { class: 'nhsuk-heading-m' }, org.name),
    hooks.items.length
      ? table({
        caption: `Webhooks of ${org.name}`, captionSize: 's', id: `webhooks-${org.id}`,
        head: ['Address', 'Events', 'Sends', 'Added', 'Action'],
        rows: hooks.items.map((w) => [
          h('span', { class: 'fp-break' }, w.url),
          h('ul', { class: 'nhsuk-list' }, w.events.map((e) => h('li', {}, e))),
          FORMAT_TEXT[w.format] || w.format,
          shortDate(w.created_at),
          link(`/webhooks/${org.id}/${w.id}/delete`, 'Delete', { 'aria-label': `Delete the webhook to ${w.url}` }),
        ]),
      })
      : p(`${org.name} has no webhooks.`),
    p(link(`/webhooks/${org.id}/new`, `Add a webhook for ${org.name}`, { id: `webhook-add-${org.id}` })),
    deliveries.items.length
      ? table({
        caption: 'Latest deliveries', captionSize: 's', id: `deliveries-${org.id}`,
        head: ['Event', 'Made', 'State', 'Attempts', 'Last result'],
        rows: deliveries.items.map((d) => [
          d.event, at(d.created_at), tag(...(STATE[d.state] || [d.state])), { text: String(d.attempts), numeric: true },
          d.last_result || 'Not tried yet']),
      })
      : p('Nothing has been sent yet.'),
  ];
}

route('/webhooks', async () => {
  const orgs = await organisations();
  const sections = (await Promise.all(orgs.map(section))).flat();
  page('Webhooks', pageHeading('Webhooks'),
    p('A webhook sends your own systems a message over the internet when something happens to your shifts, so a rota or payroll system can follow along without anyone copying it by hand.'),
    ...sections,
    insetText(p('Each message is signed with the webhook\'s secret so that your system can check it came from flexpool. Messages that fail are tried again for several hours.')));
}, WHO);

route('/webhooks/:org/new', async ({ params }) => {
  const org = await get(`/organisations/${params.org}`);
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'webhook-form' },
    input({ id: 'url', label: 'Address (URL)', type: 'url', width: 30, autocomplete: 'url',
      hint: 'Where your system receives the messages. It must start with https:// and be on the public internet: addresses inside a private network are refused.' }),
    h('div', { class: 'nhsuk-form-group', 'data-field': 'events' },
      h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': 'events-hint events-error' },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'Which events should it send?'),
        h('div', { class: 'nhsuk-hint', id: 'events-hint' }, 'Select all that apply.'),
        h('span', { class: 'nhsuk-error-message', id: 'events-error', hidden: true },
          h('span', { class: 'nhsuk-u-visually-hidden' }, 'Error: '), h('span', { class: 'fp-error-text' })),
        h('div', { class: 'nhsuk-checkboxes', 'data-module': 'nhsuk-checkboxes' },
          EVENTS.map(([value, text], i) => h('div', { class: 'nhsuk-checkboxes__item' },
            h('input', { class: 'nhsuk-checkboxes__input', id: i ? `events-${i + 1}` : 'events', name: `event-${value}`, type: 'checkbox', value: 'yes' }),
            h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: i ? `events-${i + 1}` : 'events' }, text)))))),
    radios({ id: 'format', legend: 'What should each message hold?', value: 'json', items: [
      { value: 'json', text: 'The event, in flexpool\'s own format', hint: 'Its type, the shift, the booking or application, the times and the status.' },
      { value: 'fhir', text: 'The session as a FHIR R4 Slot', hint: 'For NHS systems that read FHIR: the same Slot as flexpool\'s FHIR API gives, free, held back or booked.' },
    ] }),
    button('Add webhook'));
  const chosen = (v) => EVENTS.map(([e]) => e).filter((e) => v[`event-${e}`]);
  const validate = liveValidation(form, summary, {
    url: (v) => (!v.url ? 'Enter the address your system receives messages at'
      : !/^https:\/\/[^\s/]+/i.test(v.url) ? 'Enter an address that starts with https://'
        : v.url.length > 500 ? 'The address must be 500 characters or fewer' : null),
    events: (v) => (chosen(v).length ? null : 'Select at least one event'),
  });
  onSubmit(form, validate, summary, async (v) => {
    const hook = await post(`/organisations/${org.id}/webhooks`, { url: v.url, events: chosen(v), format: v.format === 'fhir' ? 'fhir' : 'json' });
    showSecret(org, hook);
  });
  page('Add a webhook', summary, pageHeading('Add a webhook', org.name), form, p(link('/webhooks', 'Back to webhooks')));
}, WHO);

// The secret, shown this once (the server never shows it again).
function showSecret(org, hook) {
  page('Webhook added',
    panel('Webhook added', `${org.name} will send ${hook.events.length === 1 ? 'this event' : 'these events'} to ${hook.url}`),
    h('h2', { class: 'nhsuk-heading-m' }, 'The signing secret'),
    warningCallout('Copy the secret now',
      p('This is the only time flexpool shows it. Put it into your system\'s settings; if it is lost, delete this webhook and add a new one.')),
    h('div', { class: 'nhsuk-form-group' },
      h('label', { class: 'nhsuk-label', for: 'webhook-secret' }, 'Secret'),
      h('input', { class: 'nhsuk-input', id: 'webhook-secret', name: 'webhook-secret', type: 'text', value: hook.secret, readonly: true, spellcheck: 'false' })),
    p('Each message has the headers Flexpool-Event-Id, Flexpool-Timestamp and Flexpool-Signature: "sha256=" and the HMAC-SHA256 of the timestamp, a full stop and the message, keyed with this secret.'),
    h('ul', { class: 'nhsuk-list nhsuk-list--bullet' }, hook.events.map((e) => h('li', {}, EVENT_TEXT[e] || e))),
    p(link('/webhooks', 'Back to webhooks', { id: 'webhook-done' })));
}

route('/webhooks/:org/:id/delete', async ({ params }) => {
  const [org, hooks] = await Promise.all([get(`/organisations/${params.org}`), get(`/organisations/${params.org}/webhooks`)]);
  const hook = hooks.items.find((w) => String(w.id) === params.id);
  if (!hook) {
    page('Webhook not found', pageHeading('Webhook not found'), p('It may have been deleted already.'), p(link('/webhooks', 'Back to webhooks')));
    return;
  }
  confirmPage({
    title: 'Delete this webhook', caption: org.name,
    details: p(`Address: ${hook.url}`),
    consequences: ['Nothing more is sent to this address, including messages still waiting to be tried again.',
      'To send messages there again, add a new webhook: it will have a new secret.'],
    confirmText: 'Delete webhook', backHref: '/webhooks',
    action: () => del(`/organisations/${org.id}/webhooks/${hook.id}`),
    done: () => { flash('Webhook deleted', `Nothing more will be sent to ${hook.url}.`); return navigate('/webhooks'); },
  });
}, WHO);
