// profile.js - the clinician's own profile (/profile): their name, phone, home postcode and how far
// they will travel, changed with PATCH /clinicians/{id}. The same checks as the server's, as you
// type: a UK postcode, a UK telephone number, 1 to 200 km (the server checks them again).

import { get, patch } from '../api.js';
import { flash, loadMe, navigate, page, route, state } from '../app.js';
import { liveValidation, onSubmit } from '../forms.js';
import { button, h, input, link, p, pageHeading } from '../ui.js';

const POSTCODE = /^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$/; // as the registration form's

// As core/validate.c fp_phone_valid: 0 and 10 or 11 digits, or +44 and 10 (an optional (0) after it).
export function ukPhone(text) {
  if (!/^\+?[0-9 ()-]+$/.test(text)) return false;
  const digits = text.replace(/[^0-9]/g, '');
  if (text.startsWith('+')) {
    let rest = digits.startsWith('44') ? digits.slice(2) : null;
    if (rest === null) return false;
    if (rest.length === 11 && rest[0] === '0') rest = rest.slice(1);
    return rest.length === 10 && rest[0] !== '0';
  }
  return digits[0] === '0' && (digits.length === 10 || digits.length === 11);
}

route('/profile', async () => {
  const me = await get(`/clinicians/${state.me.clinician_id}`);
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'profile-form' },
    input({ id: 'name', label: 'Full name', value: me.name, autocomplete: 'name' }),
    input({ id: 'phone', label: 'Phone number (optional)', type: 'tel', value: me.phone || '', autocomplete: 'tel', width: 20,
      hint: 'A UK number, for example 07700 900123. A practice sees it only once you apply for or book one of its sessions.' }),
    input({ id: 'home_postcode', label: 'Home postcode', value: me.home_postcode || '', autocomplete: 'postal-code', width: 10,
      hint: 'Used to work out how far sessions are from you.' }),
    input({ id: 'travel_radius_km', label: 'How far you will travel', value: String(me.travel_radius_km), inputmode: 'numeric', width: 3, suffix: 'km',
      hint: 'From 1 to 200 kilometres. Find shifts starts with the sessions this close to home.' }),
    button('Save changes'));
  const validate = liveValidation(form, summary, {
    name: (v) => (!v.name ? 'Enter your full name' : [...v.name].length > 200 ? 'Your name must be 200 characters or fewer' : null),
    phone: (v) => (v.phone && !ukPhone(v.phone) ? 'Enter a UK phone number, like 07700 900123 or +44 113 496 0000' : null),
    home_postcode: (v) => (!POSTCODE.test(v.home_postcode) ? 'Enter a full UK postcode, like LS1 4AP' : null),
    travel_radius_km: (v) => {
      const n = Number(v.travel_radius_km);
      return !/^\d+$/.test(v.travel_radius_km) || n < 1 || n > 200 ? 'Enter a distance from 1 to 200 kilometres, in whole kilometres' : null;
    },
  });
  onSubmit(form, validate, summary, async (v) => {
    await patch(`/clinicians/${state.me.clinician_id}`, {
      name: v.name, phone: v.phone, home_postcode: v.home_postcode, travel_radius_km: Number(v.travel_radius_km),
    });
    await loadMe();
    flash('Your profile has been saved', null);
    navigate('/profile');
  });
  page('Your profile', summary, pageHeading('Your profile'),
    p(`Your email address is ${me.email}. Your profession and registration number are checked by your pool: ask your pool administrator to change them.`),
    form,
    p(link('/alerts/settings', 'Shift alerts'), ': choose which shifts you are told about, and when.'),
    p(link('/terms', 'My terms of engagement'), ': the days a practice has to pay you, cancellation fees, and what you can claim.'),
    p(link('/account', 'Back to your account')));
}, { roles: ['clinician'] });
