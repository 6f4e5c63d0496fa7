// forms.js - validation as you type and on submit, in the NHS pattern: each field's message
// beside it, and on submit an error summary at the top linking to each field.

import { explain } from './api.js';
import { setFieldError, showErrorSummary } from './ui.js';

// rules: {fieldId: (values) => message | null}. values: the form's named values.
// Wires `input`/`change` checks after a field was first edited and left (or once submitted), and returns
// validate() for submit: it shows the summary and returns true when all is well.
export function liveValidation(form, summarySlot, rules, { order, focusIdOf = (id) => id } = {}) {
  const touched = new Set();
  const edited = new Set();
  let submitted = false;
  const values = () => formValues(form);
  const check = (id) => {
    const msg = rules[id](values());
    setFieldError(form, id, msg);
    return msg;
  };
  const fieldOf = (el) => {
    const group = el.closest('[data-field]');
    return group ? group.dataset.field : null;
  };
  const onEvent = (e) => {
    const id = fieldOf(e.target);
    if (!id || !rules[id]) return;
    // Leaving a field one has not typed in says nothing yet: no message appears (and the page does
    // not move under the pointer on the way to the submit button).
    if (e.type !== 'focusout') edited.add(id);
    else if (edited.has(id)) touched.add(id);
    // Leaving a field for the form's own submit button: the submit checks everything, and a
    // message appearing now would move the button from under the pointer and lose the click.
    if (e.type === 'focusout' && e.relatedTarget && e.relatedTarget.type === 'submit' && form.contains(e.relatedTarget)) return;
    if (touched.has(id) || submitted) check(id);
    // Fields that depend on others (end time after start time) are re-checked too.
    for (const other of touched) if (other !== id && rules[other]) check(other);
  };
  form.addEventListener('input', onEvent);
  form.addEventListener('change', onEvent);
  form.addEventListener('focusout', onEvent);
  return function validate() {
    submitted = true;
    const errors = [];
    for (const id of order || Object.keys(rules)) {
      const msg = check(id);
      if (msg) errors.push({ id: focusIdOf(id), text: msg });
    }
    showErrorSummary(summarySlot, errors);
    return errors.length === 0;
  };
}

// A list of rows whose order is checked as a whole (`field`, its rule `problem(values)`): once its
// error was shown, it is checked again as any of its rows changes, and goes once they are right.
// Returns what to call after a submit's validation, to note whether the error shows now.
export function watchOrder(form, field, problem) {
  let shown = false;
  form.addEventListener('input', (e) => {
    if (!shown || !e.target.closest(`[data-field="${field}"]`)) return;
    const msg = problem(formValues(form));
    setFieldError(form, field, msg);
    shown = !!msg;
  });
  return () => { shown = !!form.querySelector(`[data-field="${field}"].nhsuk-form-group--error`); };
}

export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; else if (!(el.name in out)) out[el.name] = ''; continue; }
    if (el.type === 'checkbox') { out[el.name] = el.checked; continue; }
    out[el.name] = el.value.trim();
  }
  return out;
}

// Shows an API refusal: on its field when the server named one we show, else in the summary.
export function showApiError(form, summarySlot, err, fieldMap = {}) {
  const field = err.field && (fieldMap[err.field] || (form.querySelector(`[data-field="${err.field}"]`) ? err.field : null));
  const text = explain(err);
  if (field) setFieldError(form, field, text);
  // A date input's summary link goes to its day box.
  const target = field && form.querySelector(`#${CSS.escape(`${field}-day`)}`) ? `${field}-day` : field;
  showErrorSummary(summarySlot, [{ id: target || null, text }]);
}

// Disables a form's buttons while a request runs (no double submissions).
export async function busy(form, fn) {
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((b) => { b.disabled = true; b.setAttribute('aria-disabled', 'true'); });
  try {
    return await fn();
  } finally {
    buttons.forEach((b) => { b.disabled = false; b.removeAttribute('aria-disabled'); });
  }
}

// The usual submit of a form: nothing more when its own checks (validate, from liveValidation)
// fail; otherwise fn(the form's values) with its buttons disabled, and whatever the API refused
// shown in the NHS error pattern in summarySlot.
export function onSubmit(form, validate, summarySlot, fn) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    await busy(form, async () => {
      try {
        await fn(v);
      } catch (err) {
        showApiError(form, summarySlot, err);
      }
    });
  });
}

// The NHS.UK date input (ui.js dateInput: boxes `${id}-day`, `${id}-month`, `${id}-year`) ----------

// The date a date input holds, from a form's values: 'YYYY-MM-DD', '' when all three boxes are
// empty, or null when it is not a real date (a box missing, not a number, 31 June...).
export function dateInputValue(values, id) {
  const d = (values[`${id}-day`] || '').trim(), m = (values[`${id}-month`] || '').trim(), y = (values[`${id}-year`] || '').trim();
  if (!d && !m && !y) return '';
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return null;
  const t = new Date(Date.UTC(+y, +m - 1, +d));
  if (t.getUTCFullYear() !== +y || t.getUTCMonth() !== +m - 1 || t.getUTCDate() !== +d) return null;
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

// What is wrong with a date input, in the words of the NHS.UK pattern, or null. `what` names the
// date in a sentence ("the expiry date"); `required` makes an empty one a problem.
// notBefore: an ISO date the date may not be before (its problem says "today or later" when it is
// today's).
export function dateInputProblem(values, id, what, { required = false, notBefore = null, today = null } = {}) {
  const d = (values[`${id}-day`] || '').trim(), m = (values[`${id}-month`] || '').trim(), y = (values[`${id}-year`] || '').trim();
  const What = what.charAt(0).toUpperCase() + what.slice(1);
  if (!d && !m && !y) return required ? `Enter ${what}` : null;
  const missing = [!d && 'a day', !m && 'a month', !y && 'a year'].filter(Boolean);
  if (missing.length) return `${What} must include ${missing.join(' and ')}`;
  if (!/^\d{4}$/.test(y)) return `${What} must have a year of 4 numbers, like 2027`;
  if (dateInputValue(values, id) === null) return `${What} must be a real date, like 27 3 2027`;
  if (notBefore && dateInputValue(values, id) < notBefore) {
    return notBefore === today ? `${What} must be today or later` : `${What} must be ${dateInputExample(notBefore)} or later`;
  }
  return null;
}

// The boxes' values for an ISO date ('' or 'YYYY-MM-DD'), for dateInput({ value }).
export function dateInputParts(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? { day: String(+m[3]), month: String(+m[2]), year: m[1] } : {};
}

// An ISO date as a person types it in a date input's hint ("27 3 2027").
export function dateInputExample(iso) {
  const p = dateInputParts(iso);
  return p.day ? `${p.day} ${p.month} ${p.year}` : '27 3 2027';
}
