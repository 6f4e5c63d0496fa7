// confirm.js - the page that asks before anything destructive happens (withdraw a shift or a
// series, remove a pool member, cancel a booking, decline, deactivate). It says in words what will
// happen and to whom, offers one warning button to do it and a link back that does nothing. Each
// destructive action has its own route that renders this page, so the question is also what a
// screen reader, Back and a reload meet.
//
//   route('/practice/shifts/:id/withdraw', async ({ params }) => {
//     const s = await get(`/shifts/${params.id}`);
//     confirmPage({ title: 'Withdraw this shift', caption: when(s.start, s.end),
//       consequences: ['It disappears from Find shifts.', 'Nobody has booked it.'],
//       confirmText: 'Withdraw shift', backHref: `/practice/shifts/${s.id}`,
//       action: () => post(`/shifts/${s.id}/withdrawal`),
//       done: () => { flash('Shift withdrawn', '...'); navigate('/practice'); } });
//   }, { roles: ['practice_manager'] });
//
// When the server refuses, the reason is shown in words at the top (the error summary takes focus)
// and the button is usable again; the link back stays the way on when the action can no longer
// happen (e.g. a shift that has started).

import { explain } from './api.js';
import { page } from './app.js';
import { busy } from './forms.js';
import { h, p, pageHeading, showErrorSummary, warningCallout } from './ui.js';

//
// Optional: `details` (nodes shown above what will happen: who, when), `fields` (form fields asked
// with the question, such as a reason) with `validate(form, summary)` (false stops, having said
// why), `formId`/`buttonId` for pages whose ids were known before, and `warning: false` for an
// action that cannot be undone but destroys nothing (recording an invoice paid): the usual button.
// `action` receives the form.
export function confirmPage({
  title, caption, intro, consequences = [], confirmText, backHref, backText = 'No, go back', action, done,
  details = null, fields = [], validate = null, formId = 'confirm-form', buttonId = 'confirm-button', warning = true,
}) {
  const summary = h('div', { id: 'confirm-problem' });
  const form = h('form', { novalidate: true, id: formId },
    ...fields,
    h('div', { class: 'nhsuk-button-group' },
      h('button', { class: `nhsuk-button${warning ? ' nhsuk-button--warning' : ''}`, type: 'submit', id: buttonId, 'data-module': 'nhsuk-button' }, confirmText),
      h('a', { class: 'nhsuk-link', href: backHref, id: 'confirm-back' }, backText)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (validate && !validate(form, summary)) return;
    await busy(form, async () => {
      let result;
      try {
        result = await action(form);
      } catch (err) {
        showErrorSummary(summary, [{ id: null, text: explain(err) }]);
        return;
      }
      await done(result);
    });
  });
  page(title, summary, pageHeading(title, caption),
    intro ? p(intro) : null,
    details,
    consequences.length
      ? warningCallout('What will happen', h('ul', { class: 'nhsuk-list nhsuk-list--bullet', id: 'confirm-consequences' },
        consequences.filter(Boolean).map((c) => h('li', {}, c))))
      : null,
    form);
}
