// Changing one's email address, confirmed from the new address: /account/email asks for it (the
// new address and the current password) and a link is emailed there; /email-change?token=... is
// where that link opens (on any device, signed in or not), to confirm. Until then nothing changes.

import { ApiError, post } from '../api.js';
import { flash, loadMe, navigate, page, state } from '../app.js';
import { busy, liveValidation, showApiError } from '../forms.js';
import { button, h, input, link, p, pageHeading } from '../ui.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// The pages, drawn by the routes in public.js, which load this module only when one is opened.
export async function showEmailChange() {
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'email-change-form' },
    input({ id: 'email', name: 'email', label: 'New email address', type: 'email', autocomplete: 'email', spellcheck: 'false',
      hint: 'We will email this address a link. Your address changes only when the link is opened.' }),
    input({ id: 'current_password', label: 'Your password', type: 'password', autocomplete: 'current-password' }),
    button('Send the link'));
  const val = (n) => form.elements[n].value;
  const validate = liveValidation(form, summary, {
    email: () => (!val('email') ? 'Enter your new email address' : !EMAIL_RE.test(val('email').trim()) ? 'Enter an email address in the correct format, like name@example.com' : null),
    current_password: () => (!val('current_password') ? 'Enter your password' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const email = val('email').trim();
    await busy(form, async () => {
      try {
        await post('/me/email-changes', { email, current_password: val('current_password') });
        page('Check your new email', pageHeading('Check your new email'),
          p('We have sent a link to ', h('strong', {}, email), '. Open it within 24 hours to start using that address. Until then you sign in with ', h('strong', {}, state.me.email), '.'),
          p(link('/account', 'Back to your account')));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'wrong_password') err.message = 'Your password is not right';
        showApiError(form, summary, err, { email: 'email', current_password: 'current_password' });
      }
    });
  });
  page('Change your email address', summary, pageHeading('Change your email address'),
    p('You sign in with ', h('strong', {}, state.me.email), ' now.'),
    form);
}

export async function showEmailConfirm({ query }) {
  const token = query.get('token') || '';
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'email-confirm-form' }, button('Confirm my new email address'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await busy(form, async () => {
      try {
        await post(`/email-changes/${encodeURIComponent(token)}`, undefined, { signedIn: false });
        if (state.me) await loadMe();
        flash('Your email address has changed', 'Sign in with your new email address from now on.');
        navigate(state.me ? '/account' : '/sign-in', { replace: true });
      } catch (err) {
        if (err instanceof ApiError && (err.code === 'token_expired' || err.code === 'not_found')) {
          page('This link has expired', pageHeading('This link has expired'),
            p('A link to confirm a new email address works once, for 24 hours. This one has been used or is too old.'),
            p('Sign in and ', link('/account/email', 'ask for a new link'), '.'));
          return;
        }
        showApiError(form, summary, err);
      }
    });
  });
  page('Confirm your new email address', summary, pageHeading('Confirm your new email address'),
    p('Confirm that you want to sign in to flexpool with this email address from now on.'),
    form);
}
