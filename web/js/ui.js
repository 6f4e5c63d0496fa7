// ui.js - building the page: a tiny element builder and the NHS.UK design system's components
// (the same markup as nhsuk-frontend's Nunjucks macros, written by hand). Text always goes in as
// text nodes, never as HTML, so nothing from the server can inject markup. No inline styles: the
// Content-Security-Policy forbids them; classes only.

let uid = 0;
export const nextId = (prefix = 'fp') => `${prefix}-${++uid}`;

// h('a', {href: '/x', class: 'nhsuk-link'}, 'text', child, [more]) -> Element.
// Attributes: on<Event> functions become listeners; `value`, `checked`, `selected`, `disabled`
// are set as properties; false/null/undefined skip the attribute.
export function h(tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (['value', 'checked', 'selected', 'disabled'].includes(k) && !svg) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false || c === '') continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const svg = (tag, attrs, ...children) => h(`svg:${tag}`, attrs, ...children);

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// Headings and text ------------------------------------------------------------------------

export function pageHeading(text, caption) {
  return h('h1', { class: 'nhsuk-heading-l', tabindex: '-1' },
    caption ? h('span', { class: 'nhsuk-caption-l' }, caption, h('span', { class: 'nhsuk-u-visually-hidden' }, ' - ')) : null,
    text);
}

export const p = (...c) => h('p', { class: 'nhsuk-body' }, ...c);
export const lead = (...c) => h('p', { class: 'nhsuk-lede-text' }, ...c);
export const link = (href, text, attrs = {}) => h('a', { class: 'nhsuk-link', href, ...attrs }, text);

export function backLink(href, text = 'Back') {
  return h('a', { class: 'nhsuk-back-link', href }, text);
}

export function insetText(...children) {
  return h('div', { class: 'nhsuk-inset-text' }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'Information: '), ...children);
}

export function warningCallout(heading, ...children) {
  return h('div', { class: 'nhsuk-warning-callout' },
    h('h3', { class: 'nhsuk-warning-callout__label' }, h('span', { role: 'text' },
      h('span', { class: 'nhsuk-u-visually-hidden' }, 'Important: '), heading)),
    ...children);
}

export function panel(heading, ...body) {
  return h('div', { class: 'nhsuk-panel', id: 'fp-panel' },
    h('h1', { class: 'nhsuk-panel__heading', tabindex: '-1' }, heading),
    h('div', { class: 'nhsuk-panel__body' }, ...body));
}

// A notification banner: kind 'success' or undefined (information).
export function banner(heading, text, kind) {
  const titleId = nextId('banner-title');
  return h('div', {
    class: `nhsuk-notification-banner${kind === 'success' ? ' nhsuk-notification-banner--success' : ''}`,
    role: kind === 'success' ? 'alert' : 'region', 'aria-labelledby': titleId, 'data-module': 'nhsuk-notification-banner',
  },
  h('div', { class: 'nhsuk-notification-banner__header' },
    h('h2', { class: 'nhsuk-notification-banner__title', id: titleId }, kind === 'success' ? 'Success' : 'Important')),
  h('div', { class: 'nhsuk-notification-banner__content' },
    h('p', { class: 'nhsuk-notification-banner__heading' }, heading),
    text ? h('p', { class: 'nhsuk-body' }, text) : null));
}

// Tags carry words, never colour alone.
const TAG_COLOURS = {
  open: 'blue', booked: 'green', confirmed: 'green', accepted: 'green', pending: 'yellow', cancelled: 'red',
  declined: 'grey', withdrawn: 'grey', completed: 'grey', attention: 'orange', past: 'grey', late: 'orange',
  awaiting_approval: 'yellow',
};
export function tag(text, colourKey) {
  const c = TAG_COLOURS[colourKey || String(text).toLowerCase()];
  return h('strong', { class: `nhsuk-tag${c ? ` nhsuk-tag--${c}` : ''}` }, text);
}

export function summaryList(rows, extraClass = '') {
  return h('dl', { class: `nhsuk-summary-list ${extraClass}`.trim() },
    rows.filter(Boolean).map(([k, v]) => h('div', { class: 'nhsuk-summary-list__row' },
      h('dt', { class: 'nhsuk-summary-list__key' }, k),
      h('dd', { class: 'nhsuk-summary-list__value' }, v === null || v === undefined || v === '' ? 'Not given' : v))));
}

// A table. head: [label | {text, numeric}], rows: [[cell | {text, numeric, header}]].
export function table({ caption, captionSize = 'm', head, rows, responsive = true, id }) {
  const hcell = (c) => (typeof c === 'object' && c !== null && !(c instanceof Node) ? c : { text: c });
  return h('table', { class: `nhsuk-table${responsive ? ' nhsuk-table-responsive' : ''}`, id },
    caption ? h('caption', { class: `nhsuk-table__caption nhsuk-table__caption--${captionSize}` }, caption) : null,
    h('thead', { class: 'nhsuk-table__head' }, h('tr', { class: 'nhsuk-table__row' },
      head.map((c) => { c = hcell(c); return h('th', { class: `nhsuk-table__header${c.numeric ? ' nhsuk-table__header--numeric' : ''}`, scope: 'col' }, c.text); }))),
    h('tbody', { class: 'nhsuk-table__body' }, rows.map((r) => h('tr', { class: 'nhsuk-table__row' },
      r.map((c, i) => {
        c = hcell(c);
        const label = responsive ? h('span', { class: 'nhsuk-table-responsive__heading', 'aria-hidden': 'true' }, `${hcell(head[i]).text} `) : null;
        if (c.header) return h('th', { class: 'nhsuk-table__header', scope: 'row' }, label, c.text);
        return h('td', { class: `nhsuk-table__cell${c.numeric ? ' nhsuk-table__cell--numeric' : ''}` }, label, c.text);
      })))));
}

export const NOT_CLICKABLE = { notClickable: true };

export function button(text, attrs = {}, variant) {
  return h('button', {
    class: `nhsuk-button${variant ? ` nhsuk-button--${variant}` : ''}`, 'data-module': 'nhsuk-button', type: 'submit', ...attrs,
  }, text);
}

export function buttonLink(href, text, variant) {
  return h('a', { class: `nhsuk-button${variant ? ` nhsuk-button--${variant}` : ''}`, href, role: 'button', draggable: 'false', 'data-module': 'nhsuk-button' }, text);
}

// A card; with href its heading is a link. `clickable` makes the whole card the link's target,
// so it must not hold other links or buttons.
export function card(headingText, href, ...body) {
  const clickable = !(body.length && body[0] && body[0].notClickable);
  if (!clickable) body = body.slice(1);
  return h('div', { class: `nhsuk-card${href && clickable ? ' nhsuk-card--clickable' : ''}` },
    h('div', { class: 'nhsuk-card__content' },
      h('h2', { class: 'nhsuk-card__heading nhsuk-heading-m' }, href ? h('a', { class: 'nhsuk-card__link', href }, headingText) : headingText),
      ...body));
}

// Forms ------------------------------------------------------------------------------------

function hintEl(id, hint) {
  return hint ? h('div', { class: 'nhsuk-hint', id: `${id}-hint` }, hint) : null;
}

function errorEl(id, error) {
  return h('span', { class: 'nhsuk-error-message', id: `${id}-error`, hidden: !error },
    h('span', { class: 'nhsuk-u-visually-hidden' }, 'Error: '), h('span', { class: 'fp-error-text' }, error || ''));
}

function describedBy(id, hint) {
  return [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
}

// A labelled text input in its form group. opts: id, name, label, hint, type, value, error,
// width (2,3,4,5,10,20,30), autocomplete, inputmode, prefix, suffix, required, labelSize.
export function input(opts) {
  const { id, name = id, label, hint, type = 'text', value = '', error, width, prefix, suffix, labelSize, ...rest } = opts;
  const inp = h('input', {
    class: `nhsuk-input${width ? ` nhsuk-input--width-${width}` : ''}${error ? ' nhsuk-input--error' : ''}`,
    id, name, type, value, 'aria-describedby': describedBy(id, hint), spellcheck: type === 'text' ? 'false' : null, ...rest,
  });
  const control = prefix || suffix
    ? h('div', { class: 'nhsuk-input-wrapper' },
      prefix ? h('div', { class: 'nhsuk-input-wrapper__prefix', 'aria-hidden': 'true' }, prefix) : null, inp,
      suffix ? h('div', { class: 'nhsuk-input-wrapper__suffix', 'aria-hidden': 'true' }, suffix) : null)
    : inp;
  return h('div', { class: `nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`, 'data-field': id },
    h('label', { class: `nhsuk-label${labelSize ? ` nhsuk-label--${labelSize}` : ''}`, for: id }, label),
    hintEl(id, hint), errorEl(id, error), control);
}

export function textarea(opts) {
  const { id, name = id, label, hint, value = '', error, rows = 4, ...rest } = opts;
  return h('div', { class: `nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`, 'data-field': id },
    h('label', { class: 'nhsuk-label', for: id }, label), hintEl(id, hint), errorEl(id, error),
    h('textarea', { class: `nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`, id, name, rows, 'aria-describedby': describedBy(id, hint), ...rest }, value));
}

// options: [{value, text}]
export function select(opts) {
  const { id, name = id, label, hint, value = '', error, options, ...rest } = opts;
  return h('div', { class: `nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`, 'data-field': id },
    h('label', { class: 'nhsuk-label', for: id }, label), hintEl(id, hint), errorEl(id, error),
    h('select', { class: `nhsuk-select${error ? ' nhsuk-select--error' : ''}`, id, name, 'aria-describedby': describedBy(id, hint), ...rest },
      options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(value) }, o.text))));
}

// Radios in a fieldset. items: [{value, text, hint}]. The first radio's id is `id` (error links go there).
export function radios(opts) {
  const { id, name = id, legend, hint, value, error, items, inline, legendSize = 's', onChange } = opts;
  return h('div', { class: `nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`, 'data-field': id },
    h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': describedBy(id, hint) },
      h('legend', { class: `nhsuk-fieldset__legend nhsuk-fieldset__legend--${legendSize}` }, legend),
      hintEl(id, hint), errorEl(id, error),
      h('div', { class: `nhsuk-radios${inline ? ' nhsuk-radios--inline' : ''}`, 'data-module': 'nhsuk-radios' },
        items.map((it, i) => {
          const rid = i === 0 ? id : `${id}-${i + 1}`;
          return h('div', { class: 'nhsuk-radios__item' },
            h('input', { class: 'nhsuk-radios__input', id: rid, name, type: 'radio', value: it.value, checked: String(it.value) === String(value), 'aria-describedby': it.hint ? `${rid}-item-hint` : null, onchange: onChange }),
            h('label', { class: 'nhsuk-label nhsuk-radios__label', for: rid }, it.text),
            it.hint ? h('div', { class: 'nhsuk-hint nhsuk-radios__hint', id: `${rid}-item-hint` }, it.hint) : null);
        }))));
}

export function checkbox(opts) {
  const { id, name = id, label, hint, checked, onChange } = opts;
  return h('div', { class: 'nhsuk-form-group', 'data-field': id },
    h('div', { class: 'nhsuk-checkboxes', 'data-module': 'nhsuk-checkboxes' },
      h('div', { class: 'nhsuk-checkboxes__item' },
        h('input', { class: 'nhsuk-checkboxes__input', id, name, type: 'checkbox', value: 'yes', checked: !!checked, 'aria-describedby': hint ? `${id}-hint` : null, onchange: onChange }),
        h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: id }, label),
        hint ? h('div', { class: 'nhsuk-hint nhsuk-checkboxes__hint', id: `${id}-hint` }, hint) : null)));
}

// The NHS date input: day, month and year boxes. Errors link to `${id}-day`.
export function dateInput(opts) {
  const { id, legend, hint, value = {}, error, legendSize = 's' } = opts;
  const part = (key, label, width) => h('div', { class: 'nhsuk-date-input__item' },
    h('div', { class: 'nhsuk-form-group' },
      h('label', { class: 'nhsuk-label nhsuk-date-input__label', for: `${id}-${key}` }, label),
      h('input', { class: `nhsuk-input nhsuk-input--width-${width} nhsuk-date-input__input${error ? ' nhsuk-input--error' : ''}`, id: `${id}-${key}`, name: `${id}-${key}`, type: 'text', inputmode: 'numeric', value: value[key] || '' })));
  return h('div', { class: `nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`, 'data-field': id },
    h('fieldset', { class: 'nhsuk-fieldset', role: 'group', 'aria-describedby': describedBy(id, hint) },
      h('legend', { class: `nhsuk-fieldset__legend nhsuk-fieldset__legend--${legendSize}` }, legend),
      hintEl(id, hint), errorEl(id, error),
      h('div', { class: 'nhsuk-date-input', id }, part('day', 'Day', 2), part('month', 'Month', 2), part('year', 'Year', 4))));
}

// Shows or clears the message of one field in place (validation as you type).
export function setFieldError(root, id, message) {
  const group = root.querySelector(`[data-field="${id}"]`);
  if (!group) return;
  group.classList.toggle('nhsuk-form-group--error', !!message);
  const err = group.querySelector(`#${CSS.escape(id)}-error`);
  if (err) {
    err.hidden = !message;
    err.querySelector('.fp-error-text').textContent = message || '';
  }
  for (const el of group.querySelectorAll('input.nhsuk-input, textarea, select')) {
    el.classList.toggle(el.tagName === 'SELECT' ? 'nhsuk-select--error' : el.tagName === 'TEXTAREA' ? 'nhsuk-textarea--error' : 'nhsuk-input--error', !!message);
  }
}

// The error summary: errors [{id, text}] where id is the field to focus. Put it first in the main
// content; it takes focus so that screen readers announce it.
export function errorSummary(errors) {
  const el = h('div', { class: 'nhsuk-error-summary', 'data-module': 'nhsuk-error-summary', tabindex: '-1', id: 'fp-error-summary' },
    h('div', { role: 'alert' },
      h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'),
      h('div', { class: 'nhsuk-error-summary__body' },
        h('ul', { class: 'nhsuk-list nhsuk-error-summary__list' },
          errors.map((e) => h('li', {}, e.id
            ? h('a', { href: `#${e.id}`, onclick: (ev) => { ev.preventDefault(); const t = document.getElementById(e.id); if (t) { t.focus(); t.scrollIntoView({ block: 'center' }); } } }, e.text)
            : e.text))))));
  return el;
}

// Replaces the error summary slot in a form's page with a new summary (or removes it).
export function showErrorSummary(slot, errors) {
  clear(slot);
  if (!errors.length) return;
  const s = errorSummary(errors);
  slot.append(s);
  s.focus();
}

// A status line read out by screen readers.
export function liveRegion(id) {
  return h('div', { id, class: 'fp-live', role: 'status', 'aria-live': 'polite' });
}
