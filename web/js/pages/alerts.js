// alerts.js - the clinician's shift alert settings (/alerts/settings, issue 12): on or off, the roles,
// how far from home, the least hourly rate, straight away or a daily digest at 7am, and quiet hours
// (alerts that fall in them wait until they end). Saved with PUT /me/alert-preferences; the same
// checks as the server's as you type (the server checks them again and names any field it refuses).

import { get, put } from '../api.js';
import { flash, navigate, page, route } from '../app.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
import { button, h, input, link, p, pageHeading, radios } from '../ui.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const timeProblem = (v, what) => (!v ? `Enter ${what}` : HHMM.test(v) ? null
  : `Enter ${what} as hours and minutes on the 24-hour clock, like 21:00`);

route('/alerts/settings', async ({ isCurrent }) => {
  const [a, prof] = await Promise.all([get('/me/alert-preferences'), get('/professions').catch(() => ({ items: [] }))]);
  if (!isCurrent()) return;
  const known = (prof.items || []).map((x) => ({ code: x.code, name: x.name || x.code }));
  for (const r of a.roles) if (!known.some((k) => k.code === r)) known.push({ code: r, name: r });
  const summary = h('div');
  const form = h('form', { id: 'alerts-form', novalidate: true },
    radios({ id: 'enabled', legend: 'Do you want shift alerts?', value: a.enabled ? 'yes' : 'no', items: [
      { value: 'yes', text: 'Yes, tell me about shifts that fit me' },
      { value: 'no', text: 'No, turn shift alerts off' }] }),
    // The roles: one group of boxes; its errors go on the first box (role-first).
    h('div', { class: 'nhsuk-form-group', 'data-field': 'role-first' },
      h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': 'roles-hint' },
        h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'Which roles?'),
        h('div', { class: 'nhsuk-hint', id: 'roles-hint' }, 'Choose at least one. You are only told about shifts you are eligible for.'),
        h('span', { class: 'nhsuk-error-message', id: 'role-first-error', hidden: true },
          h('span', { class: 'nhsuk-u-visually-hidden' }, 'Error: '), h('span', { class: 'fp-error-text' })),
        h('div', { class: 'nhsuk-checkboxes', 'data-module': 'nhsuk-checkboxes' },
          known.map((k, i) => {
            const id = i === 0 ? 'role-first' : `role-${k.code}`;
            return h('div', { class: 'nhsuk-checkboxes__item' },
              h('input', { class: 'nhsuk-checkboxes__input', id, name: `role:${k.code}`, type: 'checkbox', value: 'yes', checked: a.roles.includes(k.code) }),
              h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: id }, k.name));
          })))),
    input({ id: 'max_distance_miles', label: 'How far from home (optional)', value: a.max_distance_miles == null ? '' : String(a.max_distance_miles),
      inputmode: 'numeric', width: 3, suffix: 'miles', hint: 'Up to 500 miles. Leave empty for any distance.' }),
    input({ id: 'min_rate', label: 'Lowest hourly rate (optional)', value: a.min_hourly_pence ? (a.min_hourly_pence / 100).toFixed(2) : '',
      inputmode: 'decimal', width: 5, prefix: '£', hint: 'For example, 80 or 82.50. Leave empty for any rate.' }),
    radios({ id: 'mode', legend: 'How often?', value: a.mode, items: [
      { value: 'instant', text: 'Straight away', hint: 'One alert for each shift' },
      { value: 'digest', text: `Once a day, at ${a.digest_time}`, hint: 'The day\u2019s shifts in one message' }] }),
    h('fieldset', { class: 'nhsuk-fieldset' },
      h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s' }, 'Quiet hours'),
      p('Alerts that arrive during quiet hours wait until they end. Make both times the same for no quiet hours. UK time.'),
      input({ id: 'quiet_start', label: 'From', value: a.quiet_start, width: 5, inputmode: 'numeric', hint: 'For example, 21:00' }),
      input({ id: 'quiet_end', label: 'Until', value: a.quiet_end, width: 5, inputmode: 'numeric', hint: 'For example, 07:00' })),
    button('Save alert settings'));
  const roleCodes = (v) => known.filter((k) => v[`role:${k.code}`]).map((k) => k.code);
  const validate = liveValidation(form, summary, {
    'role-first': (v) => (roleCodes(v).length ? null : 'Choose at least one role'),
    max_distance_miles: (v) => (v.max_distance_miles && (!/^\d+$/.test(v.max_distance_miles) || Number(v.max_distance_miles) > 500)
      ? 'Enter a distance from 0 to 500 miles, in whole miles, or leave it empty' : null),
    min_rate: (v) => (v.min_rate && (!/^\d+(\.\d{1,2})?$/.test(v.min_rate) || Number(v.min_rate) > 1000)
      ? 'Enter a rate in pounds up to £1,000, like 80 or 82.50, or leave it empty' : null),
    quiet_start: (v) => timeProblem(v.quiet_start, 'when quiet hours start'),
    quiet_end: (v) => timeProblem(v.quiet_end, 'when quiet hours end'),
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    busy(form, async () => {
      try {
        await put('/me/alert-preferences', {
          enabled: v.enabled !== 'no', roles: roleCodes(v),
          max_distance_miles: v.max_distance_miles ? Number(v.max_distance_miles) : null,
          min_hourly_pence: v.min_rate ? Math.round(Number(v.min_rate) * 100) : 0,
          mode: v.mode || 'instant', quiet_start: v.quiet_start, quiet_end: v.quiet_end,
        });
        flash('Your alert settings are saved', v.enabled === 'no' ? 'You will not get shift alerts.'
          : 'You will be told about shifts that fit your availability and these settings.');
        navigate('/alerts/settings', { replace: true });
      } catch (err) {
        showApiError(form, summary, err, { roles: 'role-first', min_hourly_pence: 'min_rate' });
      }
    });
  });
  page('Shift alerts', summary, pageHeading('Shift alerts'),
    p('We tell you, in your notifications and by email, about open shifts that lie wholly inside ',
      link('/availability', 'your availability'), ' and that you are eligible for. Choose which ones here.'),
    a.customised ? null : p('These are the settings we use until you change them.'),
    form);
}, { roles: ['clinician'] });
