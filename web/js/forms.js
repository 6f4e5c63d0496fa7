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
  showErrorSummary(summarySlot, [{ id: field || null, text }]);
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
