// Pages anyone can open, and the account pages: sign in, register, change password, the
// privacy notice and the accessibility statement.

import { ApiError, get, post, put, setCsrf } from '../api.js';
import { flash, homePath, navigate, page, route, state } from '../app.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
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

async function signIn(email, password) {
  const res = await post('/sessions', { email, password }, { signedIn: false });
  setCsrf(res.csrf_token);
  state.me = { ...res.user, csrf_token: res.csrf_token };
  state.idleSeconds = res.idle_timeout_seconds || 1800;
  state.ended = false;
  return res;
}

route('/', async () => {
  navigate(homePath(), { replace: true });
}, { roles: 'public' });

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
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    await busy(form, async () => {
      try {
        await signIn(v.email, form.elements.password.value);
        navigate(next || homePath(), { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  const ended = query.get('ended') && banner('Your session has ended',
    'For your security, flexpool signs you out after 30 minutes without activity. Sign in again to carry on.');
  const demoSlot = h('div');
  page('Sign in', ended, summary, pageHeading('Sign in to flexpool'),
    p('flexpool is the flexible staff pool for GP practices: practices post the sessions they need covering and sessional clinicians in the local pool book them.'),
    form,
    p('New sessional clinician? ', link('/register', 'Register as a clinician'), '.'),
    demoSlot);
  try {
    const demo = await get('/demo-accounts', { signedIn: false });
    demoSlot.append(
      h('h2', { class: 'nhsuk-heading-m' }, 'Demo accounts'),
      insetText(p('This server runs the demo. Every demo account has the password ', h('strong', { class: 'fp-code' }, demo.password), '.')),
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
    input({ id: 'password', label: 'Create a password', type: 'password', autocomplete: 'new-password', hint: 'At least 10 characters.' }),
    select({ id: 'profession', label: 'Profession', options: [{ value: '', text: 'Choose your profession' }, ...professions.map((x) => ({ value: x.code, text: x.name || ROLE_NAMES[x.code] || x.code }))] }),
    input({ id: 'registration_number', label: 'Registration number', hint: regHint, width: 10, autocomplete: 'off' }),
    input({ id: 'home_postcode', label: 'Home postcode', hint: 'We use it to show how far away each shift is. Only the pool sees it.', width: 10, autocomplete: 'postal-code' }),
    input({ id: 'travel_radius_km', label: 'How far will you travel?', hint: 'In kilometres, for example 20.', width: 3, inputmode: 'numeric', suffix: 'km' }),
    button('Create account'));
  const validate = liveValidation(form, summary, {
    name: (v) => (!v.name ? 'Enter your full name' : null),
    email: (v) => (!v.email ? 'Enter your email address' : !EMAIL_RE.test(v.email) ? 'Enter an email address in the correct format, like name@example.com' : null),
    password: () => { const pw = form.elements.password.value; return pw.length < 10 ? 'Your password must be at least 10 characters' : pw.length > 200 ? 'Your password must be 200 characters or fewer' : null; },
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
    p('flexpool signs you out after 30 minutes without activity.'));
});

route('/account/password', async () => {
  const summary = h('div');
  const form = h('form', { novalidate: true, id: 'password-form' },
    input({ id: 'current_password', label: 'Current password', type: 'password', autocomplete: 'current-password' }),
    input({ id: 'new_password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: 'At least 10 characters. Signing in elsewhere will end when you change it.' }),
    input({ id: 'confirm_password', label: 'Confirm new password', type: 'password', autocomplete: 'new-password' }),
    button('Change password'));
  const val = (n) => form.elements[n].value;
  const validate = liveValidation(form, summary, {
    current_password: () => (!val('current_password') ? 'Enter your current password' : null),
    new_password: () => (val('new_password').length < 10 ? 'Your new password must be at least 10 characters' : null),
    confirm_password: () => (val('confirm_password') !== val('new_password') ? 'The passwords do not match' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        await put('/me/password', { current_password: val('current_password'), new_password: val('new_password') });
        flash('Your password has changed', 'Use your new password next time you sign in.');
        navigate('/account');
      } catch (err) {
        if (err instanceof ApiError && err.code === 'wrong_password') err.message = 'Your current password is not right';
        showApiError(form, summary, err, { current_password: 'current_password', new_password: 'new_password' });
      }
    });
  });
  page('Change your password', summary, pageHeading('Change your password'), form);
});

route('/privacy', async () => {
  const s = (title, ...body) => [h('h2', { class: 'nhsuk-heading-m' }, title), ...body];
  page('Privacy notice', pageHeading('Privacy notice'),
    p('This notice explains what personal information flexpool holds, why, and what your rights are. The organisation that runs this flexpool service (usually the integrated care board, ICB, or a primary care network on its behalf) is the data controller.'),
    s('What we hold',
      h('ul', { class: 'nhsuk-list nhsuk-list--bullet' },
        h('li', {}, 'Clinicians: your name, email address, profession, professional registration number, home postcode and how far you will travel, your pool memberships, bookings, applications and cancellations.'),
        h('li', {}, 'Practice staff and administrators: your name, email address and the organisations you act for.'),
        h('li', {}, 'Practices: the practice profile (address, parking, clinical system, what a locum needs to know) and the shifts posted.'),
        h('li', {}, 'For security: when you sign in, and a record of every change made (who, what and when).'))),
    s('Why we hold it',
      p('To run the staff pool: so that practices can fill sessions with checked clinicians, clinicians can find and book work, and the pool and the commissioner can see how it is working. The lawful basis is the performance of a task in the public interest (UK GDPR Article 6(1)(e)) for the NHS bodies that commission and run primary care.')),
    s('Who can see it',
      p('Practices see the clinicians booked or applying for their shifts. The pool administrator sees the pool\'s members. The commissioner sees figures for the ICB and can read records inside it. Nobody outside the service sees your information, and it is never sold or used for marketing.')),
    s('Cookies',
      p('flexpool sets one cookie, fp_session, that keeps you signed in. It is strictly necessary, is not readable by scripts, and ends when you sign out or after 30 minutes without activity. There are no analytics or advertising cookies, and the pages load nothing from other websites.')),
    s('How long we keep it',
      p('Booking and audit records are kept for as long as NHS records management guidance requires for staffing records. Accounts that are closed are deactivated so that past bookings stay accurate.')),
    s('Your rights',
      p('You can ask to see the information held about you, ask for it to be corrected, and object to how it is used. Contact the pool administrator of your pool, or the data protection officer of the organisation that runs it. You can also complain to the Information Commissioner\'s Office.')));
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
