// Forgotten passwords: /password-reset asks for a link by email ("Forgotten your password?" on the
// sign-in page); /password-reset?token=... is where the emailed link opens, to choose a new
// password. Both public: whoever opens them is not signed in.

import { ApiError, post, serverRunsDemo } from '../api.js';
import { flash, navigate, page } from '../app.js';
import { busy, liveValidation, showApiError } from '../forms.js';
import { button, h, input, insetText, link, p, pageHeading } from '../ui.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function askForLink() {
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'reset-request-form' },
    input({ id: 'email', name: 'email', label: 'Email address', type: 'email', autocomplete: 'username', spellcheck: 'false',
      hint: 'The address you sign in with. We will email it a link to choose a new password.' }),
    button('Send the link'));
  const validate = liveValidation(form, summary, {
    email: (v) => (!v.email ? 'Enter your email address' : !EMAIL_RE.test(v.email) ? 'Enter an email address in the correct format, like name@example.com' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const email = form.elements.email.value.trim();
    await busy(form, async () => {
      try {
        await post('/password-resets', { email }, { signedIn: false });
        const demo = await serverRunsDemo().catch(() => false);
        page('Check your email', pageHeading('Check your email'),
          p('If an account uses ', h('strong', {}, email), ', we have sent it a link to choose a new password. The link works once, for 60 minutes.'),
          p('No email? Check your spam folder, or ', link('/password-reset', 'ask for another link'), '.'),
          demo ? insetText(p('This server runs the demo: the email is in the ', link('/demo/mailbox', 'demo mailbox'), '.')) : null,
          p(link('/sign-in', 'Back to sign in')));
      } catch (err) {
        showApiError(form, summary, err, { email: 'email' });
      }
    });
  });
  page('Reset your password', summary, pageHeading('Reset your password'),
    p('Forgotten your password? Enter your email address and we will send you a link to choose a new one.'),
    form,
    p(link('/sign-in', 'Back to sign in')));
}

function expired() {
  page('This link has expired', pageHeading('This link has expired'),
    p('A password reset link works once, for 60 minutes. This one has been used or is too old.'),
    p(link('/password-reset', 'Ask for a new link')));
}

function chooseNew(token) {
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'reset-form' },
    input({ id: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: 'At least 12 characters. Not a common password, your name or your email address. You will be signed out everywhere.' }),
    input({ id: 'confirm_password', label: 'Confirm new password', type: 'password', autocomplete: 'new-password' }),
    button('Change password'));
  const val = (n) => form.elements[n].value;
  const validate = liveValidation(form, summary, {
    password: () => ([...val('password')].length < 12 ? 'Your new password must be at least 12 characters' : null),
    confirm_password: () => (val('confirm_password') !== val('password') ? 'The passwords do not match' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        await post(`/password-resets/${encodeURIComponent(token)}`, { password: val('password') }, { signedIn: false });
        flash('Your password has changed', 'Sign in with your new password.');
        navigate('/sign-in', { replace: true });
      } catch (err) {
        if (err instanceof ApiError && (err.code === 'token_expired' || err.code === 'not_found')) return expired();
        showApiError(form, summary, err, { password: 'password' });
      }
    });
  });
  page('Choose a new password', summary, pageHeading('Choose a new password'), form);
}

// Drawn by the route in public.js, which loads this module only when the page is opened.
export async function showPasswordReset({ query }) {
  const token = query.get('token');
  if (token) chooseNew(token);
  else await askForLink();
}
