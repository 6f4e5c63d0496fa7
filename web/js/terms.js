// terms.js - terms of engagement (issue 13) in words, and the one form that sets them. Terms are
// the API's {payment_days, cancellation: [{notice_hours, fee_percent}], mileage, expenses} (with
// `source` on a shift or a booking: whose they are, "pool" or "clinician"). termsSummary() is the
// one place that says them in words: the shift, the booking, the cancel page and the forms all use
// it. termsForm() is the form of the clinician's own terms (/terms) and of a pool's defaults
// (/pool/terms), with the API's rules (src/core/terms.c) checked as you type.

import { ApiError, put } from './api.js';
import { liveValidation, onSubmit, watchOrder } from './forms.js';
import { pounds, shortDate, time } from './format.js';
import { button, h, input, textarea } from './ui.js';

export const MAX_BANDS = 4;
const MAX_NOTICE_HOURS = 672;
const MAX_PAYMENT_DAYS = 90;

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// A notice in words: whole days of 3 or more as days ("7 days"), else hours ("48 hours"), as
// people say them ("48 hours' notice" is the usual phrase).
export function noticeWords(noticeHours) {
  if (noticeHours >= 72 && noticeHours % 24 === 0) return plural(noticeHours / 24, 'day');
  return plural(noticeHours, 'hour');
}
const possessive = (words) => (words.endsWith('s') ? `${words}'` : `${words}'s`);

// The terms in words, e.g. "Payment within 30 days. If the practice cancels: 50% of the fee with
// less than 7 days' notice, 100% with less than 48 hours' notice. Mileage can be claimed. Other
// expenses cannot be claimed."
export function termsSummary(terms) {
  const bands = terms.cancellation || [];
  const cancelling = bands.length
    ? `If the practice cancels: ${bands.map((b, i) => `${b.fee_percent}%${i ? '' : ' of the fee'} with less than ${possessive(noticeWords(b.notice_hours))} notice`).join(', ')}.`
    : 'If the practice cancels, no fee is owed.';
  return [
    `Payment within ${plural(terms.payment_days, 'day')}.`,
    cancelling,
    terms.mileage ? 'Mileage can be claimed.' : 'Mileage cannot be claimed.',
    terms.expenses ? 'Other expenses can be claimed.' : 'Other expenses cannot be claimed.',
  ].join(' ');
}

// Whose terms they are, as the reader is: 'clinician' (the clinician themselves) or anyone else.
export function termsWhose(terms, reader) {
  if (terms.source === 'clinician') return reader === 'clinician' ? 'your own terms' : 'the clinician\'s own terms';
  return 'the pool\'s default terms';
}

// What the practice owes if it cancels a booking now, and from when that would go up: both worked
// out by the server (practice_cancellation_fee_now, by the rule its cancellation applies).
export function cancellationFeeNowWords(booking) {
  const fee = booking.practice_cancellation_fee_now;
  const owed = fee && fee.pence > 0
    ? `Under the terms agreed, cancelling now means the practice owes the clinician ${pounds(fee.pence)} (${fee.percent}% of the fee).`
    : 'Under the terms agreed, the practice owes no cancellation fee if it cancels now.';
  if (!fee || !fee.rises_at) return owed;
  const from = new Date(fee.rises_at);
  return `${owed} From ${shortDate(from)} at ${time(from)} (UK time), it would owe ${fee.rises_to_percent}% of the fee.`;
}

// The same as a paragraph (id cancellation-fee-now); `lead` makes it the larger text that opens a page.
export function cancellationFeeNow(booking, { lead = false } = {}) {
  return h('p', { class: lead ? 'nhsuk-body-l' : 'nhsuk-body', id: 'cancellation-fee-now' }, cancellationFeeNowWords(booking));
}

// The form ------------------------------------------------------------------------------------

const WHOLE = /^\d{1,4}$/;
const bandId = (i) => `band${i + 1}`;
const ORDER_TEXT = 'Put the cancellation fees in order: the longest notice first, then each with a shorter notice and a higher fee than the one before (for example 168 hours 50%, then 48 hours 100%)';

// The rows of the form's values: [{hours, percent}] as typed, one for each of the 4 rows.
const rowsOf = (v) => Array.from({ length: MAX_BANDS }, (_, i) => ({ hours: v[`${bandId(i)}_hours`] || '', percent: v[`${bandId(i)}_percent`] || '' }));

function bandProblem(row, n) {
  if (!row.hours && !row.percent) return null;
  if (!row.hours) return `Enter the notice for cancellation fee ${n}, in hours`;
  if (!row.percent) return `Enter the percentage of the fee for cancellation fee ${n}`;
  if (!WHOLE.test(row.hours) || +row.hours < 1 || +row.hours > MAX_NOTICE_HOURS) return `The notice for cancellation fee ${n} must be a whole number of hours from 1 to ${MAX_NOTICE_HOURS} (4 weeks)`;
  if (!WHOLE.test(row.percent) || +row.percent < 1 || +row.percent > 100) return `The percentage for cancellation fee ${n} must be a whole number from 1 to 100`;
  return null;
}

// The bands the rows give (empty rows left out), or null when a row is not right.
function bandsOf(v) {
  const rows = rowsOf(v);
  if (rows.some((r, i) => bandProblem(r, i + 1))) return null;
  return rows.filter((r) => r.hours || r.percent).map((r) => ({ notice_hours: +r.hours, fee_percent: +r.percent }));
}

function orderProblem(v) {
  const bands = bandsOf(v);
  if (!bands) return null; // a row's own problem is said first
  return bands.some((b, i) => i && (b.notice_hours >= bands[i - 1].notice_hours || b.fee_percent <= bands[i - 1].fee_percent)) ? ORDER_TEXT : null;
}

function checkboxItem(id, label, hint, checked) {
  return h('div', { class: 'nhsuk-checkboxes__item' },
    h('input', { class: 'nhsuk-checkboxes__input', id, name: id, type: 'checkbox', value: 'yes', checked: !!checked, 'aria-describedby': hint ? `${id}-item-hint` : null }),
    h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: id }, label),
    hint ? h('div', { class: 'nhsuk-hint nhsuk-checkboxes__hint', id: `${id}-item-hint` }, hint) : null);
}

// A small number box in a row of them (its message is its row's, not its own). The suffix is for
// the eye; `unit` says the same to a screen reader, in the label.
function numberBox(id, label, suffix, unit, value) {
  return h('div', { class: 'nhsuk-form-group' },
    h('label', { class: 'nhsuk-label', for: id }, label, h('span', { class: 'nhsuk-u-visually-hidden' }, ` (${unit})`)),
    h('div', { class: 'nhsuk-input-wrapper' },
      h('input', { class: 'nhsuk-input nhsuk-input--width-3', id, name: id, type: 'text', inputmode: 'numeric', value, spellcheck: 'false' }),
      h('div', { class: 'nhsuk-input-wrapper__suffix', 'aria-hidden': 'true' }, suffix)));
}

function errorMessage(id) {
  return h('span', { class: 'nhsuk-error-message', id: `${id}-error`, hidden: true },
    h('span', { class: 'nhsuk-u-visually-hidden' }, 'Error: '), h('span', { class: 'fp-error-text' }));
}

// The form of a set of terms, filled with `terms`, saved with PUT `path`; `saved(terms)` then.
// `summary` is the page's error summary slot. Returns the form element.
// agreement: a pool's form, with its staff-sharing agreement with its practices (`sharing_agreement`).
export const AGREEMENT_MAX = 8000;
export function termsForm({ terms, path, summary, saved, buttonText = 'Save terms', id = 'terms-form', agreement = false }) {
  const bands = terms.cancellation || [];
  const bandRow = (i) => {
    const b = bands[i] || {};
    const n = i + 1;
    return h('div', { class: 'nhsuk-form-group', 'data-field': bandId(i) },
      h('fieldset', { class: 'nhsuk-fieldset', role: 'group', 'aria-describedby': `${bandId(i)}-error` },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, `Cancellation fee ${n}`),
        errorMessage(bandId(i)),
        h('div', { class: 'fp-times' },
          numberBox(`${bandId(i)}_hours`, 'With less notice than', 'hours', 'in hours', b.notice_hours ? String(b.notice_hours) : ''),
          numberBox(`${bandId(i)}_percent`, 'The practice owes', '% of the fee', 'a percentage of the fee', b.fee_percent ? String(b.fee_percent) : ''))));
  };
  const form = h('form', { novalidate: true, id },
    input({ id: 'payment_days', label: 'Days the practice has to pay an invoice', labelSize: 's', suffix: 'days', width: 3, inputmode: 'numeric',
      value: String(terms.payment_days), hint: `From the day the invoice is issued: from 1 to ${MAX_PAYMENT_DAYS} days. Usually 30.` }),
    h('div', { class: 'nhsuk-form-group', 'data-field': 'cancellation' },
      h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': 'cancellation-hint cancellation-error' },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--m' }, h('h2', { class: 'nhsuk-fieldset__heading' }, 'If the practice cancels')),
        h('div', { class: 'nhsuk-hint', id: 'cancellation-hint' },
          `Up to ${MAX_BANDS} fees, the longest notice first, each with a shorter notice and a higher fee than the one before. `,
          'For example, 50% with less than 168 hours (7 days) notice, then 100% with less than 48 hours. ',
          'Leave the rows you do not need empty; leave them all empty if no fee is owed. If the clinician cancels, they owe nothing.'),
        errorMessage('cancellation'),
        Array.from({ length: MAX_BANDS }, (_, i) => bandRow(i)))),
    h('div', { class: 'nhsuk-form-group' },
      h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': 'claims-hint' },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--m' }, h('h2', { class: 'nhsuk-fieldset__heading' }, 'What can be claimed on top of the fee')),
        h('div', { class: 'nhsuk-hint', id: 'claims-hint' }, 'Select all that apply.'),
        h('div', { class: 'nhsuk-checkboxes', 'data-module': 'nhsuk-checkboxes' },
          checkboxItem('mileage', 'Mileage', 'Driving to and from the practice.', terms.mileage),
          checkboxItem('expenses', 'Other expenses', 'Such as parking, or train and bus fares.', terms.expenses)))),
    agreement ? textarea({
      id: 'sharing_agreement', label: 'Staff-sharing agreement with practices', rows: 10, value: terms.sharing_agreement || '',
      hint: `What the pool's host and each practice agree about the clinicians they share: who directs the work, indemnity, checks, payment. Practices accept it with these terms when they post a shift. At most ${AGREEMENT_MAX} characters; leave it empty for none.`,
    }) : null,
    button(buttonText, { id: `${id}-save` }));

  const rules = {
    payment_days: (v) => (!WHOLE.test(v.payment_days) || +v.payment_days < 1 || +v.payment_days > MAX_PAYMENT_DAYS
      ? `Enter the days to pay as a whole number from 1 to ${MAX_PAYMENT_DAYS}` : null),
  };
  if (agreement) rules.sharing_agreement = (v) => ((v.sharing_agreement || '').length > AGREEMENT_MAX ? `Shorten the agreement to ${AGREEMENT_MAX} characters or fewer` : null);
  for (let i = 0; i < MAX_BANDS; i++) rules[bandId(i)] = (v) => bandProblem(rowsOf(v)[i], i + 1);
  rules.cancellation = orderProblem;
  const validate = liveValidation(form, summary, rules, {
    focusIdOf: (f) => (f === 'cancellation' ? `${bandId(0)}_hours` : /^band\d$/.test(f) ? `${f}_hours` : f),
  });
  // The order of the rows depends on all of them (forms.js watchOrder).
  const orderSeen = watchOrder(form, 'cancellation', orderProblem);
  onSubmit(form, () => {
    const ok = validate();
    orderSeen();
    return ok;
  }, summary, async (v) => {
    try {
      saved(await put(path, {
        payment_days: Number(v.payment_days), cancellation: bandsOf(v) || [], mileage: !!v.mileage, expenses: !!v.expenses,
        ...(agreement ? { sharing_agreement: v.sharing_agreement || '' } : {}),
      }));
    } catch (err) {
      // The API names the n-th band sent (empty rows were left out): shown on the whole list.
      if (err instanceof ApiError && err.field && err.field.startsWith('cancellation')) {
        if (err.field === 'cancellation' && err.code === 'invalid_field') err.message = ORDER_TEXT;
        err.field = 'cancellation';
      }
      throw err;
    }
  });
  return form;
}
