// Pages anyone can open, and the account pages: sign in, register, change password, the
// privacy notice and the accessibility statement.

import { ApiError, explain, get, post, put, serverRunsDemo, setCsrf } from '../api.js';
import { flash, homePath, idleWords, loadMe, navigate, owedPath, page, route, state } from '../app.js';
import { busy, formValues, liveValidation, onSubmit, showApiError } from '../forms.js';
import { showErrorSummary } from '../ui.js';
import { ROLE_NAMES } from '../format.js';
import {
  banner, button, h, input, insetText, link, p, pageHeading, select, summaryList, table,
} from '../ui.js';

const ROLE_LABELS = {
  sysadmin: 'System administrator', commissioner: 'Commissioner', pool_admin: 'Pool administrator',
  practice_manager: 'Practice manager', clinician: 'Clinician',
};

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : null;
}

// The second step of a sign-in waiting for its code (kept in memory only, for five minutes).
let secondStep = null;

function signedIn(res) {
  setCsrf(res.csrf_token);
  state.me = { ...res.user, csrf_token: res.csrf_token };
  state.idleSeconds = res.idle_timeout_seconds || 1800;
  state.ended = false;
}

// Signs in; answers {mfa_required: true} when the account asks for a code next.
async function signIn(email, password) {
  const res = await post('/sessions', { email, password }, { signedIn: false });
  if (res.mfa_required) {
    secondStep = { token: res.mfa_token, email };
    return res;
  }
  signedIn(res);
  return res;
}

// Where to go once signed in: what the account owes first, else where it was going.
const afterSignIn = (next) => owedPath() || next || homePath();

route('/', async ({ query }) => {
  // A sign-in through NHS CIS2 that was refused comes back here (docs/OIDC.md): the sign-in page says why.
  const refused = query.get('oidc_error');
  if (refused && !state.me) return navigate(`/sign-in?oidc_error=${encodeURIComponent(refused)}`, { replace: true });
  navigate(homePath(), { replace: true });
}, { roles: 'public' });

// What a refused sign-in through NHS CIS2 means, and what to do (the codes: docs/OIDC.md).
const UNTRUSTED = 'The answer from NHS CIS2 could not be trusted, so you have not been signed in. Try again. If it keeps happening, tell your system administrator.';
const OIDC_ERRORS = {
  sign_in_expired: 'Your sign-in with NHS CIS2 took longer than 10 minutes, or was started in another browser. Try again.',
  provider_refused: 'NHS CIS2 did not sign you in. You may have cancelled. Try again, or sign in with your email address and password.',
  provider_unavailable: 'NHS CIS2 cannot be reached at the moment. Try again in a few minutes, or sign in with your email address and password.',
  token_signature: UNTRUSTED, token_issuer: UNTRUSTED, token_audience: UNTRUSTED, token_expired: UNTRUSTED,
  token_nonce: UNTRUSTED, token_claims: UNTRUSTED, userinfo_subject: UNTRUSTED,
  no_account: 'Your NHS CIS2 account is not linked to a flexpool account. The email address CIS2 holds for you must be verified and be the one your flexpool account uses. Sign in with your email address and password, or ask your system administrator.',
  account_inactive: 'Your flexpool account has been deactivated. Ask your pool administrator or system administrator.',
  org_mismatch: 'None of your NHS CIS2 roles is at the practice, ICB or pool your flexpool account works for. Ask your registration authority to add the role, or your system administrator to check your flexpool roles.',
};

route('/sign-in', async ({ query }) => {
  if (state.me && !query.get('ended')) return navigate(homePath(), { replace: true });
  const next = safeNext(query.get('next'));
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'sign-in-form' },
    input({ id: 'email', name: 'email', label: 'Email address', type: 'email', autocomplete: 'username', spellcheck: 'false' }),
    input({ id: 'password', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' }),
    button('Sign in'));
  const validate = liveValidation(form, summary, {
    email: (v) => (!v.email ? 'Enter your email address' : !EMAIL_RE.test(v.email) ? 'Enter an email address in the correct format, like name@example.com' : null),
    password: (v) => (!v.password ? 'Enter your password' : null),
  });
  onSubmit(form, validate, summary, async (v) => {
    const res = await signIn(v.email, form.elements.password.value);
    if (res.mfa_required) navigate(`/sign-in/code${next ? `?next=${encodeURIComponent(next)}` : ''}`, { replace: true });
    else navigate(afterSignIn(next), { replace: true });
  });
  const ended = query.get('ended') && banner('Your session has ended',
    `For your security, flexpool signs you out after ${idleWords()} without activity. Sign in again to carry on.`);
  const demoSlot = h('div');
  const cis2 = state.oidcSignIn && h('div', { id: 'cis2' },
    h('h2', { class: 'nhsuk-heading-m' }, 'NHS staff'),
    p('Practice managers, pool administrators and ICB staff can sign in with their NHS Care Identity Service 2 (CIS2) account.'),
    h('a', { class: 'nhsuk-button nhsuk-button--secondary', id: 'cis2-sign-in', href: '/api/v1/oidc/authorization', role: 'button', draggable: 'false' },
      'Sign in with NHS CIS2'));
  page('Sign in', ended, summary, pageHeading('Sign in to flexpool'),
    p('flexpool is the flexible staff pool for GP practices: practices post the sessions they need covering and sessional clinicians in the local pool book them.'),
    form, cis2,
    p(link('/password-reset', 'Forgotten your password?')),
    p('New sessional clinician? ', link('/register', 'Register as a clinician'), '.'),
    demoSlot);
  const refused = query.get('oidc_error');
  if (refused) showErrorSummary(summary, [{ text: OIDC_ERRORS[refused] || 'You could not be signed in with NHS CIS2. Try again.', id: state.oidcSignIn ? 'cis2-sign-in' : undefined }]);
  try {
    // Only a server that runs the demo has demo accounts: ask it first, so that a production
    // sign-in page makes no failing request.
    if (!(await serverRunsDemo())) return;
    const demo = await get('/demo-accounts', { signedIn: false });
    demoSlot.append(
      h('h2', { class: 'nhsuk-heading-m' }, 'Demo accounts'),
      insetText(p('This server runs the demo. Every demo account has the password ', h('strong', { class: 'fp-code' }, demo.password), '.'),
        p('The emails the demo sends are in the ', link('/demo/mailbox', 'demo mailbox'), '.')),
      table({
        caption: 'Demo accounts to try each role', captionSize: 's',
        head: ['Email address', 'Role', 'Action'],
        rows: demo.items.map((a) => [
          { text: h('span', { class: 'fp-code fp-break' }, a.email) },
          ROLE_LABELS[a.role] || a.role,
          { text: h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', type: 'button',
            onclick: () => { form.elements.email.value = a.email; form.elements.password.value = demo.password; form.requestSubmit(); } },
          'Sign in', h('span', { class: 'nhsuk-u-visually-hidden' }, ` as ${a.email}`)) },
        ]),
      }));
  } catch { /* not a demo server */ }
}, { roles: 'public' });

// The second step of signing in: a code from the authenticator app, or a recovery code.
route('/sign-in/code', async ({ query }) => {
  const next = safeNext(query.get('next'));
  if (state.me) return navigate(afterSignIn(next), { replace: true });
  // After NHS CIS2, the account's own second factor: the server put the step's token in the
  // fragment (never sent to a server), taken out of the address at once.
  const fromCis2 = /^#mfa_token=([A-Za-z0-9_-]{20,64})$/.exec(window.location.hash);
  if (fromCis2) {
    secondStep = { token: fromCis2[1], email: null };
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  }
  if (!secondStep) return navigate('/sign-in', { replace: true });
  const recovery = query.get('recovery') === '1';
  const field = recovery ? 'recovery_code' : 'code';
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'code-form' },
    recovery
      ? input({ id: 'recovery_code', label: 'Recovery code', hint: 'One of the 10 codes you saved when you set up two-step sign-in, like abcd-efgh-ijkm. Each works once.', width: 20, autocomplete: 'off' })
      : input({ id: 'code', label: 'Security code', hint: 'The 6-digit code your authenticator app shows for flexpool.', width: 5, inputmode: 'numeric', autocomplete: 'one-time-code' }),
    button('Continue'));
  const validate = liveValidation(form, summary, recovery
    ? { recovery_code: (v) => (!v.recovery_code ? 'Enter a recovery code' : null) }
    : { code: (v) => (!/^\d{6}$/.test(v.code.replace(/\s/g, '')) ? 'Enter the 6-digit code from your authenticator app' : null) });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    await busy(form, async () => {
      try {
        const body = recovery ? { mfa_token: secondStep.token, recovery_code: v.recovery_code } : { mfa_token: secondStep.token, code: v.code.replace(/\s/g, '') };
        const res = await post('/sessions/second-factor', body, { signedIn: false });
        secondStep = null;
        signedIn(res);
        navigate(afterSignIn(next), { replace: true });
      } catch (err) {
        if (err instanceof ApiError && err.field === 'mfa_token') {
          secondStep = null;
          flash('Sign in again', 'The time to enter a code ran out.', 'information');
          navigate('/sign-in', { replace: true });
          return;
        }
        if (err instanceof ApiError && err.code === 'invalid_credentials') {
          const text = recovery ? 'That recovery code is not right, or has been used' : 'The code is not right. Check the time on your phone and enter the newest code';
          showApiError(form, summary, { code: 'x', field, message: text });
          return;
        }
        showApiError(form, summary, err);
      }
    });
  });
  const other = recovery
    ? link(`/sign-in/code${next ? `?next=${encodeURIComponent(next)}` : ''}`, 'Use a code from your authenticator app')
    : link(`/sign-in/code?recovery=1${next ? `&next=${encodeURIComponent(next)}` : ''}`, 'Use a recovery code instead');
  page('Enter your security code', summary, pageHeading('Enter your security code', secondStep.email || undefined),
    p('Your account uses two-step sign-in.'), form, p(other));
}, { roles: 'public' });

// Register: a clinician creates their own account, then asks to join a pool.
route('/register', async () => {
  if (state.me) return navigate(homePath(), { replace: true });
  let professions = Object.entries(ROLE_NAMES).map(([code, name]) => ({ code, name, regulator: null }));
  try {
    const res = await get('/professions', { signedIn: false });
    if (res && Array.isArray(res.items) && res.items.length) professions = res.items;
  } catch { /* the built-in list will do */ }
  const regOf = (code) => professions.find((x) => x.code === code) || {};
  const summary = h('div');
  const regHint = h('span', {}, 'Your professional registration number, for example your 7-digit GMC number.');
  const form = h('form', { novalidate: true, id: 'register-form' },
    input({ id: 'name', label: 'Full name', autocomplete: 'name', spellcheck: 'false' }),
    input({ id: 'email', label: 'Email address', type: 'email', autocomplete: 'email', hint: 'We will use this to sign you in.' }),
    input({ id: 'password', label: 'Create a password', type: 'password', autocomplete: 'new-password', hint: 'At least 12 characters. Not a common password, your name or your email address: three or four unrelated words work well.' }),
    select({ id: 'profession', label: 'Profession', options: [{ value: '', text: 'Choose your profession' }, ...professions.map((x) => ({ value: x.code, text: x.name || ROLE_NAMES[x.code] || x.code }))] }),
    input({ id: 'registration_number', label: 'Registration number', hint: regHint, width: 10, autocomplete: 'off' }),
    input({ id: 'home_postcode', label: 'Home postcode', hint: 'We use it to show how far away each shift is. Only the pool sees it.', width: 10, autocomplete: 'postal-code' }),
    input({ id: 'travel_radius_km', label: 'How far will you travel?', hint: 'In kilometres, for example 20.', width: 3, inputmode: 'numeric', suffix: 'km' }),
    button('Create account'));
  const validate = liveValidation(form, summary, {
    name: (v) => (!v.name ? 'Enter your full name' : null),
    email: (v) => (!v.email ? 'Enter your email address' : !EMAIL_RE.test(v.email) ? 'Enter an email address in the correct format, like name@example.com' : null),
    password: () => { const pw = form.elements.password.value; return [...pw].length < 12 ? 'Your password must be at least 12 characters' : pw.length > 200 ? 'Your password must be 200 characters or fewer' : null; },
    profession: (v) => (!v.profession ? 'Choose your profession' : null),
    registration_number: (v) => {
      const pr = regOf(v.profession);
      if (pr.registration_required === false || pr.regulator === 'none') return null;
      if (!v.registration_number) return 'Enter your registration number';
      if (v.profession === 'gp' && !/^\d{7}$/.test(v.registration_number)) return 'A GMC number is 7 digits';
      return null;
    },
    home_postcode: (v) => (!v.home_postcode ? 'Enter your home postcode' : !/^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$/.test(v.home_postcode) ? 'Enter a full UK postcode, like LS1 4AP' : null),
    travel_radius_km: (v) => (!v.travel_radius_km ? 'Enter how far you will travel' : !/^\d{1,3}$/.test(v.travel_radius_km) || +v.travel_radius_km < 1 || +v.travel_radius_km > 200 ? 'Enter a distance from 1 to 200 km' : null),
  });
  form.elements.profession.addEventListener('change', () => {
    const pr = regOf(form.elements.profession.value);
    regHint.textContent = pr.registration_required === false || pr.regulator === 'none' ? 'Not needed for this profession: leave it blank.'
      : pr.regulator ? `Your ${pr.regulator} registration number.` : 'Your professional registration number, for example your 7-digit GMC number.';
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const password = form.elements.password.value;
    await busy(form, async () => {
      try {
        await post('/clinicians', {
          name: v.name, email: v.email, password, profession: v.profession,
          registration_number: v.registration_number || null, home_postcode: v.home_postcode,
          travel_radius_km: Number(v.travel_radius_km),
        }, { signedIn: false });
        await signIn(v.email, password);
        flash('Your account is ready', 'Ask to join your local pool so that you can book its shifts.');
        navigate('/pools');
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  page('Register as a clinician', summary, pageHeading('Register as a clinician'),
    p('Create your flexpool account to book sessions at GP practices in your local pool.'), form,
    p('Already registered? ', link('/sign-in', 'Sign in'), '.'));
}, { roles: 'public' });

route('/account', async () => {
  const me = state.me;
  page('Your account', pageHeading('Your account'),
    summaryList([
      ['Name', me.name],
      ['Email address', me.email],
      ['Roles', h('ul', { class: 'nhsuk-list' }, me.roles.map((r) => h('li', {}, ROLE_LABELS[r.role] || r.role)))],
      me.profession ? ['Profession', ROLE_NAMES[me.profession] || me.profession] : null,
    ]),
    p(link('/account/password', 'Change your password')),
    p(link('/account/email', 'Change your email address')),
    me.mfa_offered || me.mfa_enabled ? p(link('/account/two-step', me.mfa_enabled ? 'Two-step sign-in (on)' : 'Set up two-step sign-in')) : null,
    me.roles.some((r) => r.role === 'clinician') ? p(link('/profile', 'Your profile: name, phone, home postcode and how far you will travel')) : null,
    me.roles.some((r) => r.role === 'clinician') ? p(link('/calendar', 'Your calendar feed: your bookings in your own calendar app')) : null,
    me.roles.some((r) => r.role === 'practice_manager') ? p(link('/practice/calendar', 'Practice calendar feed: the practice\'s sessions in a calendar app')) : null,
    me.roles.some((r) => r.role === 'practice_manager' || r.role === 'pool_admin') ? p(link('/webhooks', 'Webhooks: messages to your own systems when shifts are posted, booked or cancelled', { id: 'account-webhooks' })) : null,
    me.roles.some((r) => r.role === 'sysadmin') ? p(link('/admin/fhir-clients', 'FHIR API clients: other NHS systems that read the pool', { id: 'account-fhir-clients' })) : null,
    me.roles.some((r) => ['practice_manager', 'pool_admin', 'commissioner', 'sysadmin'].includes(r.role)) ? p(link('/audit', 'Audit trail: every change recorded, who made it and when', { id: 'account-audit' })) : null,
    h('h2', { class: 'nhsuk-heading-m' }, 'Your data'),
    p('You can download everything flexpool holds about you: your account, ',
      me.roles.some((r) => r.role === 'clinician') ? 'your passport and its documents, your bookings, timesheets, invoices and messages, ' : 'what you have recorded, ',
      'and who has looked at or changed your records. It is one ZIP file of JSON files, with a list of what is in it. Downloading it is recorded in the audit trail.'),
    p(link('/api/v1/me/export', 'Download your data (ZIP)', { download: '', 'data-reload': '', id: 'account-export' })),
    p(`flexpool signs you out after ${idleWords()} without activity.`));
});

route('/account/password', async () => {
  const owed = !!state.me.password_change_required;
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'password-form' },
    input({ id: 'current_password', label: owed ? 'The password you were given' : 'Current password', type: 'password', autocomplete: 'current-password' }),
    input({ id: 'new_password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: 'At least 12 characters. Not a common password, your name or your email address. Signing in elsewhere will end when you change it.' }),
    input({ id: 'confirm_password', label: 'Confirm new password', type: 'password', autocomplete: 'new-password' }),
    button('Change password'));
  const val = (n) => form.elements[n].value;
  const validate = liveValidation(form, summary, {
    current_password: () => (!val('current_password') ? 'Enter your current password' : null),
    new_password: () => ([...val('new_password')].length < 12 ? 'Your new password must be at least 12 characters' : null),
    confirm_password: () => (val('confirm_password') !== val('new_password') ? 'The passwords do not match' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        await put('/me/password', { current_password: val('current_password'), new_password: val('new_password') });
        flash('Your password has changed', 'Use your new password next time you sign in.');
        if (!owed) return navigate('/account');
        await loadMe();
        navigate(owedPath() || homePath());
      } catch (err) {
        if (err instanceof ApiError && err.code === 'wrong_password') err.message = 'Your current password is not right';
        showApiError(form, summary, err, { current_password: 'current_password', new_password: 'new_password' });
      }
    });
  });
  page(owed ? 'Choose your own password' : 'Change your password', summary,
    pageHeading(owed ? 'Choose your own password' : 'Change your password'),
    owed ? insetText(p('Your password was set by the person who added your account. Choose your own before you carry on.')) : null,
    form);
});

// Two-step sign-in (TOTP): set up with an authenticator app, recovery codes, turning it off.
route('/account/two-step', async () => {
  const me = state.me;
  const title = 'Two-step sign-in';
  const isAdmin = me.roles.some((r) => r.role === 'sysadmin');
  if (me.mfa_enabled) {
    const summary = h('div');
    const form = h('form', { novalidate: true, id: 'totp-remove-form' },
      input({ id: 'code', label: 'Security code', hint: 'The 6-digit code your authenticator app shows for flexpool.', width: 5, inputmode: 'numeric', autocomplete: 'one-time-code' }),
      button('Turn off two-step sign-in', {}, 'secondary'));
    const validate = liveValidation(form, summary, { code: (v) => (!/^\d{6}$/.test(v.code) ? 'Enter the 6-digit code from your authenticator app' : null) });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!validate()) return;
      await busy(form, async () => {
        try {
          await post('/me/totp/removal', { code: formValues(form).code });
          await loadMe();
          flash('Two-step sign-in is off', 'You sign in with your password only.');
          navigate(owedPath() || '/account');
        } catch (err) {
          showApiError(form, summary, err);
        }
      });
    });
    page(title, summary, pageHeading(title),
      p('Two-step sign-in is on: after your password, flexpool asks for a code from your authenticator app.'),
      p(`You have ${me.recovery_codes_left ?? 'some'} unused recovery codes.`),
      h('h2', { class: 'nhsuk-heading-m' }, 'Turn it off'),
      isAdmin ? p('System administrators must use two-step sign-in: you will be asked to set it up again.') : null,
      form);
    return;
  }
  if (!me.mfa_offered) {
    page(title, pageHeading(title), p('Two-step sign-in is for system administrators, pool administrators and commissioners.'));
    return;
  }
  const main = h('div');
  const start = h('form', { novalidate: true, id: 'totp-start-form' }, button('Set up two-step sign-in', { id: 'setup-totp' }));
  start.addEventListener('submit', async (e) => {
    e.preventDefault();
    await busy(start, async () => {
      try {
        showSetup(main, await post('/me/totp'));
      } catch (err) {
        showErrorSummary(main, [{ id: null, text: explain(err) }]);
      }
    });
  });
  main.append(start);
  page(title, pageHeading(title),
    me.mfa_enrolment_required ? insetText(p('System administrators sign in with a code from an authenticator app as well as their password. Set it up before you carry on.')) : null,
    p('After your password, flexpool will ask for a 6-digit code from an authenticator app on your phone (for example Microsoft Authenticator or Google Authenticator). Someone who learns your password cannot sign in without it.'),
    main);
});

function showSetup(main, setup) {
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'totp-confirm-form' },
    input({ id: 'code', label: 'Security code', hint: 'The 6-digit code your authenticator app now shows for flexpool.', width: 5, inputmode: 'numeric', autocomplete: 'one-time-code' }),
    button('Turn on two-step sign-in'));
  const validate = liveValidation(form, summary, { code: (v) => (!/^\d{6}$/.test(v.code.replace(/\s/g, '')) ? 'Enter the 6-digit code from your authenticator app' : null) });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        const res = await post('/me/totp/confirmation', { code: formValues(form).code.replace(/\s/g, '') });
        showRecoveryCodes(main, res.recovery_codes);
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  main.replaceChildren(summary,
    h('ol', { class: 'nhsuk-list nhsuk-list--number' },
      h('li', {}, 'Open your authenticator app and add an account.'),
      h('li', {}, 'Enter this key (spaces do not matter), as a time-based key: ',
        h('code', { id: 'totp-secret', class: 'fp-code' }, setup.secret.replace(/(.{4})/g, '$1 ').trim()),
        '. Or, on the phone itself, ', h('a', { class: 'nhsuk-link', href: setup.otpauth_uri, 'data-reload': '' }, 'open the key in your authenticator app'), '.'),
      h('li', {}, 'Enter the code the app shows for flexpool.')),
    form);
  const input0 = form.querySelector('#code');
  if (input0) input0.focus();
}

function showRecoveryCodes(main, codes) {
  const done = h('form', { novalidate: true, id: 'totp-done-form' }, button('I have saved my recovery codes', { id: 'recovery-codes-saved' }));
  done.addEventListener('submit', async (e) => {
    e.preventDefault();
    await loadMe();
    flash('Two-step sign-in is on', 'Next time you sign in, flexpool will ask for a code from your app.');
    navigate(owedPath() || homePath());
  });
  main.replaceChildren(
    h('h2', { class: 'nhsuk-heading-m', tabindex: '-1', id: 'recovery-heading' }, 'Save your recovery codes'),
    p('If you lose your phone, each of these codes signs you in once instead of a code from the app. Keep them somewhere safe: they are shown only now.'),
    h('ul', { class: 'nhsuk-list', id: 'recovery-codes' }, codes.map((c) => h('li', {}, h('code', { class: 'fp-code' }, c)))),
    done);
  main.querySelector('#recovery-heading').focus();
}

// The demo's mailbox (only on a server run with --demo): its module is loaded when it is opened,
// so the sign-in page loads nothing more.
route('/demo/mailbox', async () => (await import('./mailbox.js')).showMailbox(), { roles: 'public' });
// Forgotten passwords, email address changes and the notification list: each module loaded when
// its page is opened.
route('/password-reset', async (ctx) => (await import('./password_reset.js')).showPasswordReset(ctx), { roles: 'public' });
route('/email-change', async (ctx) => (await import('./email_change.js')).showEmailConfirm(ctx), { roles: 'public' });
route('/account/email', async (ctx) => (await import('./email_change.js')).showEmailChange(ctx));
route('/notifications', async (ctx) => (await import('./notifications.js')).showNotifications(ctx));

route('/privacy', async () => {
  const s = (title, ...body) => [h('h2', { class: 'nhsuk-heading-m' }, title), ...body];
  const list = (...items) => h('ul', { class: 'nhsuk-list nhsuk-list--bullet' }, items.map((x) => h('li', {}, x)));
  // Kept in step with docs/DPIA.md: a change to what is held, who sees it or how long changes both.
  page('Privacy notice', pageHeading('Privacy notice'),
    p('This notice explains what personal information flexpool holds, why, who can see it and what your rights are. The data controller is the organisation that commissions this flexpool service, usually the integrated care board (ICB). An organisation that runs the service on its behalf (a primary care network, a federation or a hosting supplier) acts on its instructions. Practices are controllers in their own right for what they receive about the clinicians they engage.'),
    s('What we hold',
      list(
        'Clinicians: your name, email address, phone number, profession, professional registration number, home postcode and how far you will travel; your pool memberships and requests to join; when you are available; your applications, bookings, cancellations and whether you attended; your timesheets, invoices (with the bank details you give for them), terms of engagement and NHS Pension Scheme details (SD number and declared pay, for GP locums); your messages with practices; and any note a practice keeps of you as a favourite or blocked.',
        'Your passport, the checks the pool makes once so that every practice can rely on them: identity, right to work, professional registration (with any flag from the regulator\'s register), performers list, indemnity, training, references, your Disclosure and Barring Service (DBS) check, and occupational health and immunisation clearance, with the documents you upload as evidence.',
        'Practice staff, pool administrators and commissioners: your name, email address and the organisations or pools you act for, and what you record (shifts, decisions, funding).',
        'Practices: the practice profile (address, parking, clinical system, what a locum needs to know) and the shifts posted.',
        'For security: when you sign in, your second factor if you set one up, the network address of failed sign-ins (for about a day), and a record of every change made (who, what and when) and of who looked at a passport.',
        'If you sign in with NHS Care Identity Service 2 (CIS2): the identifier CIS2 gives you, linked to your flexpool account, with when it was linked and last used. CIS2 also tells flexpool your name, email address, CIS2 roles and how you signed in each time; flexpool checks them and does not keep them.')),
    s('Why we hold it',
      p('To run the staff pool: so that practices can fill sessions with checked clinicians, clinicians can find and book work and be paid, and the pool and the commissioner can see how it is working. The lawful basis is the performance of a task in the public interest (UK GDPR Article 6(1)(e)) for the NHS bodies that commission and run primary care; invoices, terms and pension forms are also part of the contract between a clinician and a practice (Article 6(1)(b)).'),
      p('Occupational health and immunisation information is health data: it is held for occupational medicine and the assessment of working capacity (Article 9(2)(h), Data Protection Act 2018 Schedule 1 paragraph 2), seen only by people who owe you a duty of confidentiality. DBS information is criminal offence data: it is held so that the pool offers practices only clinicians checked against the barred lists, under the controller\'s statutory functions (Article 10, Data Protection Act 2018 Schedule 1 paragraph 6). The copy of a DBS certificate is deleted after the retention period set for the service (six months unless the organisation running it sets another); the facts checked stay on the record.')),
    s('Who can see it',
      p('A practice sees the clinicians who apply for or are booked on its shifts, who worked there in the last year, or whom the pool has placed with it, including their passport and its documents; when looking for cover it sees the name, profession and distance of the pool\'s available clinicians. The pool administrator sees the pool\'s members and those asking to join. The commissioner sees figures for the ICB and can read records inside it. Every time someone opens a clinician\'s passport it is recorded, and the clinician can see who looked.'),
      p('Other NHS systems that the organisation running the service registers (a workforce dashboard, a primary care network\'s rota) can read, for the organisations they are registered for, the pool members\' names and professional registration numbers, their pool memberships, the practices and their sessions (the times, and whether each is free, held back or booked, never by whom). They never read contact details, passports or pay. Every such read is recorded, and the records that name you are part of what you can download about yourself.'),
      p('Emails flexpool sends pass through the email service the organisation running it uses. If you subscribe to your calendar feed, the calendar service you choose reads your bookings. Your information is never sold or used for marketing.')),
    s('Cookies and storage',
      p(`flexpool sets one cookie, fp_session, that keeps you signed in. It is strictly necessary, is not readable by scripts, and ends when you sign out or after ${idleWords()} without activity. When you sign in with NHS CIS2, a second strictly necessary cookie, fp_oidc, ties the sign-in to your browser for at most ten minutes. While you use a page, the browser tab also keeps a security token and, on the cover page, the clinicians you ticked; both go when the tab closes. There are no analytics or advertising cookies, and the pages load nothing from other websites.`)),
    s('How long we keep it',
      p('While your account is open, flexpool keeps your bookings, invoices, passport and the record of changes, so that past bookings and payments stay accurate. When your account is closed, your personal information is erased after the period the organisation running the service sets (six years unless it decides otherwise, following the NHS Records Management Code of Practice), and never before your invoices and pension forms have been kept for the six years after their financial year that the law on accounts asks for. After that, your name, contact details, registration number, bank details, documents and messages are gone; the sessions you worked and the invoices stay for the NHS\'s figures and accounts, under a number that no longer says who you were. Sooner: notifications and copies of the emails sent to you are deleted after two years, the copy of a DBS certificate after its retention period, the record of failed sign-ins after about a day, and sign-in and email links once used or expired.')),
    s('Your rights',
      p('You can see the information held about you at any time: once signed in, your account page downloads all of it as one file (the download is recorded). You can also ask for it, and the organisation that runs the service must answer within one month. You can ask for it to be corrected, and object to how it is used. Contact the pool administrator of your pool, or the data protection officer of the organisation that runs it. You can also complain to the Information Commissioner\'s Office.')));
}, { roles: 'public' });

route('/accessibility', async () => {
  const s = (title, ...body) => [h('h2', { class: 'nhsuk-heading-m' }, title), ...body];
  page('Accessibility statement', pageHeading('Accessibility statement'),
    p('flexpool is built so that as many people as possible can use it, on a practice computer or on a phone. You should be able to:'),
    h('ul', { class: 'nhsuk-list nhsuk-list--bullet' },
      h('li', {}, 'zoom in up to 400% without the text spilling off the screen'),
      h('li', {}, 'use every page with a keyboard alone, with the focus always visible'),
      h('li', {}, 'use every page with a screen reader, such as NVDA, JAWS or VoiceOver'),
      h('li', {}, 'understand every status without relying on colour: each is written in words')),
    s('How accessible this service is',
      p('flexpool uses the NHS.UK design system and aims to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA. Every page is checked automatically with axe-core in a real browser each time the software changes, at desktop and phone widths.')),
    s('Known limitations',
      h('ul', { class: 'nhsuk-list nhsuk-list--bullet' },
        h('li', {}, 'The pages need JavaScript.'),
        h('li', {}, 'The charts on the overview page are pictures of the figures; the same figures are always in a table below them.'),
        h('li', {}, 'The NHS Frutiger font is not used: text is shown in your device\'s own sans-serif font.'))),
    s('Feedback and contact',
      p('If you find a problem not listed here, or need information in another format, contact the administrator of your pool. We aim to reply within 5 working days.')),
    s('Enforcement procedure',
      p('The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).')),
    s('Technical information',
      p('This statement is reviewed with each release of flexpool. The service is tested with automated checks (axe-core, rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA) and by hand with a keyboard.')));
}, { roles: 'public' });
