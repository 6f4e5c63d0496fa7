// The clinician's offers (issue 12): the shifts practices offered them directly, the newest first,
// each with its state now (waiting for an answer until it lapses: 24 hours after it was sent or the
// shift's start, whichever is sooner). Accepting books the shift at once, under every booking rule;
// the first clinician to accept gets it. Declining tells the practice.

import { explain, post } from '../api.js';
import { flash, navigate, page, route } from '../app.js';
import { roleName, shortDate, time, when } from '../format.js';
import { pagedList } from '../paging.js';
import { card, h, link, NOT_CLICKABLE, p, pageHeading, tag } from '../ui.js';

const CLINICIAN = { roles: ['clinician'] };

// What each state says, and its tag's colour.
const STATES = {
  pending: ['Waiting for your answer', 'pending'],
  accepted: ['Accepted: you are booked', 'accepted'],
  declined: ['Declined', 'declined'],
  withdrawn: ['Withdrawn by the practice', 'withdrawn'],
  closed: ['Closed: someone else was booked, or the shift is no longer open', 'past'],
  lapsed: ['Lapsed', 'past'],
};

const lapsesText = (o) => `${shortDate(o.lapses_at)} at ${time(o.lapses_at)}`;

// An accepted offer whose booking was cancelled afterwards says so (the offer itself stays accepted).
const stateOf = (o) => (o.state === 'accepted' && o.booking_status === 'cancelled'
  ? ['Accepted, then the booking was cancelled', 'cancelled'] : STATES[o.state] || [o.state, 'past']);

function offerCard(o, act) {
  const [text, colour] = stateOf(o);
  const name = h('span', { class: 'nhsuk-u-visually-hidden' }, ` the ${roleName(o.role)} shift at ${o.practice_name} on ${shortDate(o.starts_at)}`);
  return h('li', { class: 'fp-result', id: `offer-${o.id}` },
    card(`${roleName(o.role)} at ${o.practice_name}`, `/shifts/${o.shift_id}`, NOT_CLICKABLE,
      h('p', { class: 'nhsuk-card__description fp-when' }, when(o.starts_at, o.ends_at)),
      h('ul', { class: 'nhsuk-list fp-facts' },
        h('li', { class: 'fp-offer-state' }, tag(text, colour)),
        h('li', {}, `Offered on ${shortDate(o.sent_at)} at ${time(o.sent_at)}`),
        o.state === 'pending' ? h('li', {}, `Answer by ${lapsesText(o)}: the offer lapses then`) : null,
        o.state === 'accepted' && o.booking_status === 'confirmed' ? h('li', {}, link('/bookings', 'See your bookings')) : null),
      o.state === 'pending'
        ? h('div', { class: 'nhsuk-button-group' },
          h('button', { class: 'nhsuk-button nhsuk-button--small', type: 'button', id: `accept-${o.id}`, onclick: act(o, 'accept') }, 'Accept', name.cloneNode(true)),
          h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', id: `decline-${o.id}`, onclick: act(o, 'decline') }, 'Decline', name))
        : null));
}

route('/offers', async ({ query }) => {
  const summary = h('div', { id: 'offers-problem' });
  const act = (o, verb) => async (e) => {
    const buttons = [...e.currentTarget.parentNode.querySelectorAll('button')];
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await post(`/offers/${o.id}/${verb}`);
      if (verb === 'accept') {
        flash('You are booked', `You accepted the ${roleName(o.role)} shift at ${o.practice_name} on ${when(o.starts_at, o.ends_at)}. The practice has been told. It is in your bookings.`);
      } else {
        flash('Offer declined', `You declined the ${roleName(o.role)} shift at ${o.practice_name} on ${shortDate(o.starts_at)}. The practice has been told.`);
      }
      navigate('/offers', { replace: true });
    } catch (err) {
      buttons.forEach((b) => { b.disabled = false; });
      summary.replaceChildren(h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
        h('h2', { class: 'nhsuk-error-summary__heading' }, verb === 'accept' ? 'You could not be booked' : 'The offer could not be declined'),
        h('div', { class: 'nhsuk-error-summary__body' }, p(explain(err)))));
      summary.firstChild.focus();
    }
  };
  const list = await pagedList({ path: '/offers', query, here: '/offers', noun: ['offer', 'offers'] });
  page('Offers', summary, pageHeading('Offers'),
    p('Shifts that practices have offered you directly, the newest first. The first person to accept an offer is booked; an offer lapses 24 hours after it was sent, or when the shift starts if that is sooner.'),
    list.items.length
      ? [list.summary, h('ul', { class: 'nhsuk-list fp-results', id: 'offer-list' }, list.items.map((o) => offerCard(o, act))), list.nav]
      : p('No practice has offered you a shift yet. ', link('/shifts', 'Find shifts'), ' to book one yourself.'));
}, CLINICIAN);
