// The system administrator's pages: organisations (the NHS hierarchy ICB > place > PCN > practice,
// listed by level with their parent, and a form to add one) and users (staff and clinicians with
// their roles and whether they can sign in, found by a search when there are many, a form to add a
// staff user with a role, showing the one-time password once, and deactivation and reactivation).

import { explain, get, getAll, patch, post } from '../api.js';
import { flash, navigate, page, route, state } from '../app.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
import {
  button, h, input, insetText, p, pageHeading, panel, radios, select, table, tag, textarea,
} from '../ui.js';

const SYSADMIN = { roles: ['sysadmin'] };

const LEVELS = [
  ['icb', 'Integrated care board (ICB)', 'ICBs'],
  ['place', 'Place', 'Places'],
  ['pcn', 'Primary care network (PCN)', 'PCNs'],
  ['practice', 'GP practice', 'Practices'],
];
const LEVEL_NAME = { national: 'National', icb: 'ICB', place: 'Place', pcn: 'PCN', practice: 'Practice' };
// Which levels may be the parent of each level (as the server checks it).
const PARENT_LEVELS = { icb: [], place: ['icb'], pcn: ['place', 'icb'], practice: ['pcn'] };
const ODS = {
  icb: [/^[A-Z0-9]{3}$/, 'An ICB code is 3 letters or digits, like QWO'],
  place: [/^[A-Z0-9]{3,5}$/, 'A place code is 3 to 5 letters or digits, like 02T'],
  pcn: [/^U\d{5}$/, 'A PCN code is U and 5 digits, like U12345'],
  practice: [/^[A-Z]\d{5}$/, 'A practice code is a letter and 5 digits, like B86001'],
};
const POSTCODE = /^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$/;

const problemBox = (slot, err) => slot.replaceChildren(h('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1' },
  h('h2', { class: 'nhsuk-error-summary__heading' }, 'There is a problem'), p(explain(err))));

// Organisations ------------------------------------------------------------------------------

route('/admin/organisations', async () => {
  const orgs = await getAll('/organisations', {}, 5000);
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const summary = h('div');
  const parentOptions = (level) => {
    const allowed = PARENT_LEVELS[level] || [];
    if (!allowed.length) return [{ value: '', text: 'None: an ICB is at the top' }];
    return [{ value: '', text: 'Choose the parent organisation' },
      ...orgs.filter((o) => allowed.includes(o.level) && o.active !== false)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((o) => ({ value: o.id, text: `${o.name} (${LEVEL_NAME[o.level]}, ${o.ods_code})` }))];
  };
  const parentGroup = select({ id: 'parent_id', label: 'Parent organisation', hint: 'A place belongs to an ICB, a PCN to a place or an ICB, a practice to a PCN.', options: parentOptions('practice') });
  const parentSelect = parentGroup.querySelector('select');
  const setParents = (level) => {
    const keep = parentSelect.value;
    parentSelect.replaceChildren(...parentOptions(level).map((o) => h('option', { value: o.value, selected: String(o.value) === keep }, o.text)));
  };
  const form = h('form', { novalidate: true, id: 'org-form' },
    h('h2', { class: 'nhsuk-heading-m', id: 'add-organisation' }, 'Add an organisation'),
    radios({ id: 'level', legend: 'Level', value: 'practice', items: LEVELS.map(([value, text]) => ({ value, text })),
      onChange: (e) => setParents(e.target.value) }),
    input({ id: 'ods_code', label: 'ODS code', hint: 'The organisation\'s code in the NHS Organisation Data Service, like B86001 for a practice.', width: 10, autocomplete: 'off' }),
    input({ id: 'name', label: 'Name', autocomplete: 'organization' }),
    parentGroup,
    textarea({ id: 'address', label: 'Address (optional)', rows: 3, autocomplete: 'street-address' }),
    input({ id: 'postcode', label: 'Postcode (optional)', width: 10, autocomplete: 'postal-code' }),
    button('Add organisation', { id: 'add-org' }));
  const validate = liveValidation(form, summary, {
    level: (v) => (!v.level ? 'Choose the level' : null),
    ods_code: (v) => {
      if (!v.ods_code) return 'Enter the ODS code';
      const rule = ODS[v.level];
      return rule && !rule[0].test(v.ods_code.toUpperCase()) ? rule[1] : null;
    },
    name: (v) => (!v.name ? 'Enter the name' : null),
    parent_id: (v) => ((PARENT_LEVELS[v.level] || []).length && !v.parent_id ? 'Choose the parent organisation' : null),
    postcode: (v) => (v.postcode && !POSTCODE.test(v.postcode) ? 'Enter a full UK postcode, like LS1 4AP' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const body = { level: v.level, ods_code: v.ods_code.toUpperCase(), name: v.name };
    if (v.parent_id) body.parent_id = Number(v.parent_id);
    if (v.address) body.address = v.address;
    if (v.postcode) body.postcode = v.postcode.toUpperCase();
    await busy(form, async () => {
      try {
        const org = await post('/organisations', body);
        flash('Organisation added', `${org.name} (${LEVEL_NAME[org.level]}, ${org.ods_code}).`);
        navigate('/admin/organisations', { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  const lists = LEVELS.map(([level, , plural]) => {
    const rows = orgs.filter((o) => o.level === level).sort((a, b) => a.name.localeCompare(b.name));
    return rows.length ? table({
      caption: `${plural} (${rows.length})`, captionSize: 's', id: `orgs-${level}`,
      head: ['Name', 'ODS code', 'Parent', 'Postcode', 'Status'],
      rows: rows.map((o) => [o.name, o.ods_code, (byId.get(o.parent_id) || {}).name || '', o.postcode || '',
        { text: o.active === false ? tag('Inactive', 'withdrawn') : tag('Active', 'confirmed') }]),
    }) : null;
  });
  page('Organisations', summary, pageHeading('Organisations'),
    p('The NHS organisations flexpool knows: integrated care boards, places, primary care networks and GP practices.'),
    h('p', { class: 'nhsuk-body' }, h('a', { class: 'nhsuk-link', href: '#add-organisation' }, 'Add an organisation')),
    lists, form);
}, SYSADMIN);

// Users --------------------------------------------------------------------------------------

const ROLE_LABEL = {
  sysadmin: 'System administrator', commissioner: 'Commissioner', pool_admin: 'Pool administrator',
  practice_manager: 'Practice manager', clinician: 'Clinician',
};

// At most this many users are listed at once: beyond it, search.
const USERS_SHOWN = 400;

route('/admin/users', async ({ query }) => {
  const q = (query.get('q') || '').trim().slice(0, 100);
  const [found, orgs, poolsRes] = await Promise.all([
    getAll('/users', q ? { q } : {}, USERS_SHOWN + 1), getAll('/organisations', {}, 5000), get('/pools').catch(() => ({ items: [] })),
  ]);
  const users = found.slice(0, USERS_SHOWN);
  const search = h('form', { novalidate: true, id: 'user-search', role: 'search', class: 'fp-inline-form' },
    input({ id: 'q', label: 'Search users', hint: 'By a part of their name or email address', value: q, autocomplete: 'off', spellcheck: 'false' }),
    button('Search', { id: 'search-users' }, 'secondary'));
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = formValues(search).q.trim();
    navigate(text ? `/admin/users?q=${encodeURIComponent(text)}` : '/admin/users');
  });
  const searchInfo = q
    ? p(`${found.length > USERS_SHOWN ? `More than ${USERS_SHOWN}` : found.length} ${found.length === 1 ? 'user matches' : 'users match'} “${q}”. `,
      h('a', { class: 'nhsuk-link', href: '/admin/users' }, 'Clear the search'))
    : found.length > USERS_SHOWN ? insetText(p(`Showing the first ${USERS_SHOWN} users. Search to find the others.`)) : null;
  const pools = poolsRes.items || [];
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const poolName = new Map(pools.map((x) => [x.id, x.name]));
  const summary = h('div');
  const rolesText = (u) => {
    const parts = (u.roles || []).map((r) => {
      const where = r.organisation_id ? orgName.get(r.organisation_id) : r.pool_id ? poolName.get(r.pool_id) : null;
      return `${ROLE_LABEL[r.role] || r.role}${where ? `, ${where}` : ''}`;
    });
    if (u.clinician_id && !(u.roles || []).some((r) => r.role === 'clinician')) parts.push('Clinician');
    return parts.join('; ');
  };
  const toggle = (u) => async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await patch(`/users/${u.id}`, { active: !u.active });
      flash(u.active ? 'User deactivated' : 'User reactivated',
        u.active ? `${u.name} can no longer sign in, and their sessions have ended.` : `${u.name} can sign in again.`);
      navigate(q ? `/admin/users?q=${encodeURIComponent(q)}` : '/admin/users', { replace: true });
    } catch (err) {
      btn.disabled = false;
      problemBox(summary, err);
    }
  };
  const staff = users.filter((u) => !u.clinician_id);
  const clinicians = users.filter((u) => u.clinician_id);
  const userRows = (list) => list.map((u) => [u.name, u.email, rolesText(u),
    { text: u.active ? tag('Active', 'confirmed') : tag('Deactivated', 'withdrawn') },
    { text: state.me && u.id === state.me.id ? 'You' : h('button', {
      class: `nhsuk-button nhsuk-button--small fp-table-button${u.active ? ' nhsuk-button--secondary' : ''}`, type: 'button', onclick: toggle(u),
    }, u.active ? 'Deactivate' : 'Reactivate', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${u.name}`)) }]);
  const head = ['Name', 'Email', 'Roles', 'Status', 'Action'];

  const byLevel = (level) => [{ value: '', text: 'Choose' },
    ...orgs.filter((o) => o.level === level).sort((a, b) => a.name.localeCompare(b.name)).map((o) => ({ value: o.id, text: `${o.name} (${o.ods_code})` }))];
  const orgGroup = select({ id: 'organisation_id', label: 'Practice', options: byLevel('practice') });
  const poolGroup = select({ id: 'pool_id', label: 'Pool', options: [{ value: '', text: 'Choose' }, ...pools.map((x) => ({ value: x.id, text: x.name }))] });
  const showWhere = (role) => {
    orgGroup.hidden = !(role === 'practice_manager' || role === 'commissioner');
    poolGroup.hidden = role !== 'pool_admin';
    if (!orgGroup.hidden) {
      const level = role === 'commissioner' ? 'icb' : 'practice';
      orgGroup.querySelector('label').textContent = role === 'commissioner' ? 'Integrated care board' : 'Practice';
      const sel = orgGroup.querySelector('select');
      sel.replaceChildren(...byLevel(level).map((o) => h('option', { value: o.value }, o.text)));
    }
  };
  const form = h('form', { novalidate: true, id: 'user-form' },
    h('h2', { class: 'nhsuk-heading-m', id: 'add-user' }, 'Add a user'),
    p('Clinicians register themselves. Add staff here: flexpool makes a one-time password for them.'),
    input({ id: 'name', label: 'Full name', autocomplete: 'off' }),
    input({ id: 'email', label: 'Email address', type: 'email', autocomplete: 'off', spellcheck: 'false' }),
    radios({ id: 'role', legend: 'Role', value: 'practice_manager', onChange: (e) => showWhere(e.target.value), items: [
      { value: 'practice_manager', text: 'Practice manager', hint: 'Posts and manages the shifts of one practice.' },
      { value: 'pool_admin', text: 'Pool administrator', hint: 'Admits clinicians and practices to a pool.' },
      { value: 'commissioner', text: 'Commissioner', hint: 'Sees everything in an ICB, read-only.' },
      { value: 'sysadmin', text: 'System administrator' }] }),
    orgGroup, poolGroup,
    button('Add user', { id: 'add-user-button' }));
  showWhere('practice_manager');
  const validate = liveValidation(form, summary, {
    name: (v) => (!v.name ? 'Enter the user\'s full name' : null),
    email: (v) => (!v.email ? 'Enter the user\'s email address' : !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email) ? 'Enter an email address in the correct format, like name@example.com' : null),
    role: (v) => (!v.role ? 'Choose a role' : null),
    organisation_id: (v) => ((v.role === 'practice_manager' || v.role === 'commissioner') && !v.organisation_id
      ? (v.role === 'commissioner' ? 'Choose the integrated care board' : 'Choose the practice') : null),
    pool_id: (v) => (v.role === 'pool_admin' && !v.pool_id ? 'Choose the pool' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const v = formValues(form);
    const body = { name: v.name, email: v.email, role: v.role };
    if (v.role === 'practice_manager' || v.role === 'commissioner') body.organisation_id = Number(v.organisation_id);
    if (v.role === 'pool_admin') body.pool_id = Number(v.pool_id);
    await busy(form, async () => {
      try {
        const res = await post('/users', body);
        const u = res.user || res;
        // The password is shown here once, and never kept: leaving this page forgets it.
        page('User added', panel('User added', `${u.name}, ${ROLE_LABEL[v.role]}`),
          h('h2', { class: 'nhsuk-heading-m' }, 'Their one-time password'),
          h('p', { class: 'nhsuk-body' }, 'Give this password to ', u.name, ' securely, for example by phone. It is shown only once. They sign in with ', h('strong', {}, u.email), ' and should change it straight away.'),
          insetText(h('p', { class: 'nhsuk-body-l fp-one-time-password' }, h('span', { class: 'nhsuk-u-visually-hidden' }, 'One-time password: '), h('code', { id: 'one-time-password' }, res.one_time_password || ''))),
          p(h('a', { class: 'nhsuk-link', href: '/admin/users' }, 'Back to users')));
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  page('Users', summary, pageHeading('Users'),
    h('p', { class: 'nhsuk-body' }, h('a', { class: 'nhsuk-link', href: '#add-user' }, 'Add a user')),
    search, searchInfo,
    staff.length || !q ? table({ caption: `Staff (${staff.length})`, captionSize: 's', id: 'staff-users', head, rows: userRows(staff) }) : null,
    clinicians.length ? table({ caption: `Clinicians (${clinicians.length})`, captionSize: 's', id: 'clinician-users', head, rows: userRows(clinicians) }) : null,
    form);
}, SYSADMIN);
