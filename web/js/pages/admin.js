// The system administrator's pages, each list 25 a page with search and filters (paging.js):
//   /admin/organisations                 the NHS hierarchy ICB > place > PCN > practice: find by name or
//                                        ODS code, filter by level and status, and add one
//   /admin/organisations/:id             change an organisation (name, ODS code, parent, address...),
//                                        reactivate it
//   /admin/organisations/:id/deactivate  deactivating asks first, saying what will happen
//   /admin/users                         staff and clinicians with their roles: find by name or email,
//                                        filter by status, add a staff user (the one-time password shown once)
//   /admin/users/:id/deactivate          deactivating asks first, saying what will happen
//   /admin/users/:id/export              everything flexpool holds about them as one ZIP, with the
//                                        reason (a subject access request's reference), audited
//   /admin/users/:id/cis2                their NHS CIS2 identities (when the server has a provider):
//                                        link one by its subject, unlink one

import { explain, get, getAll, patch, post } from '../api.js';
import { longDateOf, ukDate } from '../format.js';
import { flash, navigate, page, route, state } from '../app.js';
import { confirmPage } from '../confirm.js';
import { busy, formValues, liveValidation, showApiError } from '../forms.js';
import { filterForm, pagedList, sortField } from '../paging.js';
import {
  backLink, button, h, input, insetText, p, pageHeading, panel, radios, select, showErrorSummary, summaryList, table, tag, textarea,
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

// The status filter's words in the page's address, as the API's active=true|false.
const activeParam = (status) => ({ active: 'true', inactive: 'false' }[status] || '');


// Several organisations by id (a page's parents, a page's users' roles), one request each, at most 25.
async function orgsById(ids) {
  const unique = [...new Set(ids.filter(Boolean))];
  const found = await Promise.all(unique.map((id) => get(`/organisations/${id}`).catch(() => null)));
  return new Map(found.filter(Boolean).map((o) => [o.id, o]));
}

// Every active organisation that may be the parent of one of `level`, for a choice: the whole list,
// page by page (a national list of PCNs is about 1,250), never cut.
async function parentChoices(level) {
  const levels = PARENT_LEVELS[level] || [];
  const lists = await Promise.all(levels.map((l) => getAll('/organisations', { level: l, active: 'true' }, Infinity)));
  return lists.flat();
}

const parentOptions = (level, orgs, placeholder = 'Choose the parent organisation') => {
  const allowed = PARENT_LEVELS[level] || [];
  if (!allowed.length) return [{ value: '', text: 'None: an ICB is at the top' }];
  return [{ value: '', text: placeholder },
    ...orgs.filter((o) => allowed.includes(o.level))
      .map((o) => ({ value: o.id, text: `${o.name} (${LEVEL_NAME[o.level]}, ${o.ods_code})` }))];
};

const odsRule = (level) => (v) => {
  if (!v.ods_code) return 'Enter the ODS code';
  const rule = ODS[level || v.level];
  return rule && !rule[0].test(v.ods_code.toUpperCase()) ? rule[1] : null;
};

// Organisations ------------------------------------------------------------------------------

route('/admin/organisations', async ({ query }) => {
  const here = '/admin/organisations';
  const filters = filterForm({
    id: 'org-filters', here, query,
    fields: [
      { id: 'q', label: 'Name or ODS code', type: 'search' },
      { id: 'level', label: 'Level', type: 'select', options: [{ value: '', text: 'Any level' }, ...LEVELS.map(([value, text]) => ({ value, text }))] },
      { id: 'status', label: 'Status', type: 'select', options: [{ value: '', text: 'Active or not' }, { value: 'active', text: 'Active' }, { value: 'inactive', text: 'Inactive' }] },
      sortField([{ value: '', text: 'Name, A to Z' }, { value: 'ods_code', text: 'ODS code' }, { value: 'newest', text: 'Newest first' }]),
    ],
  });
  const v = filters.values;
  const [list, parents] = await Promise.all([
    pagedList({ path: '/organisations', params: { q: v.q, level: v.level, active: activeParam(v.status), sort: v.sort }, query, here, noun: ['organisation', 'organisations'] }),
    parentChoices('practice'),
  ]);
  const byId = await orgsById(list.items.map((o) => o.parent_id));
  const summary = h('div');
  const back = `${here}${window.location.search}`;
  const reactivate = (o) => async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await patch(`/organisations/${o.id}`, { active: true });
      flash('Organisation reactivated', `${o.name} is active again.`);
      navigate(back, { replace: true });
    } catch (err) {
      btn.disabled = false;
      showErrorSummary(summary, [{ id: null, text: explain(err) }]);
    }
  };
  const rows = list.items.map((o) => [
    { header: true, text: h('a', { class: 'nhsuk-link', href: `/admin/organisations/${o.id}` }, o.name) },
    LEVEL_NAME[o.level] || o.level, o.ods_code, (byId.get(o.parent_id) || {}).name || '', o.postcode || '',
    { text: o.active === false ? tag('Inactive', 'withdrawn') : tag('Active', 'confirmed') },
    { text: o.active === false
      ? h('button', { class: 'nhsuk-button nhsuk-button--small fp-table-button', type: 'button', onclick: reactivate(o) },
        'Reactivate', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${o.name}`))
      : h('a', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', href: `/admin/organisations/${o.id}/deactivate` },
        'Deactivate', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${o.name}`)) },
  ]);

  let parentsShown = parents;
  const parentGroup = select({ id: 'parent_id', label: 'Parent organisation', hint: 'A place belongs to an ICB, a PCN to a place or an ICB, a practice to a PCN.', options: parentOptions('practice', parents) });
  const parentSelect = parentGroup.querySelector('select');
  const setParents = async (level) => {
    const keep = parentSelect.value;
    parentsShown = await parentChoices(level);
    parentSelect.replaceChildren(...parentOptions(level, parentsShown).map((o) => h('option', { value: o.value, selected: String(o.value) === keep }, o.text)));
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
    level: (x) => (!x.level ? 'Choose the level' : null),
    ods_code: odsRule(),
    name: (x) => (!x.name ? 'Enter the name' : null),
    parent_id: (x) => ((PARENT_LEVELS[x.level] || []).length && !x.parent_id ? 'Choose the parent organisation' : null),
    postcode: (x) => (x.postcode && !POSTCODE.test(x.postcode) ? 'Enter a full UK postcode, like LS1 4AP' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const x = formValues(form);
    const body = { level: x.level, ods_code: x.ods_code.toUpperCase(), name: x.name };
    if (x.parent_id) body.parent_id = Number(x.parent_id);
    if (x.address) body.address = x.address;
    if (x.postcode) body.postcode = x.postcode.toUpperCase();
    await busy(form, async () => {
      try {
        const org = await post('/organisations', body);
        flash('Organisation added', `${org.name} (${LEVEL_NAME[org.level]}, ${org.ods_code}).`);
        navigate(`/admin/organisations?q=${encodeURIComponent(org.ods_code)}`, { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  page('Organisations', summary, pageHeading('Organisations'),
    p('The NHS organisations flexpool knows: integrated care boards, places, primary care networks and GP practices.'),
    h('p', { class: 'nhsuk-body' }, h('a', { class: 'nhsuk-link', href: '#add-organisation' }, 'Add an organisation')),
    filters.element, list.summary,
    rows.length ? table({ caption: 'Organisations', captionSize: 's', id: 'organisations', head: ['Name', 'Level', 'ODS code', 'Parent', 'Postcode', 'Status', 'Action'], rows })
      : p(filters.active.length ? 'No organisation matches these filters.' : 'No organisations yet.'),
    list.nav, form);
}, SYSADMIN);

// Changing one organisation: every field PATCH /organisations/{id} takes from a system administrator
// but the practice profile (the practice's managers keep that up to date themselves).
route('/admin/organisations/:id', async ({ params }) => {
  const o = await get(`/organisations/${params.id}`);
  const parents = await parentChoices(o.level);
  if (o.parent_id && !parents.some((x) => x.id === o.parent_id)) {
    const current = await get(`/organisations/${o.parent_id}`).catch(() => null);
    if (current) parents.unshift(current);
  }
  const back = '/admin/organisations';
  const summary = h('div');
  const parentGroup = select({ id: 'parent_id', label: 'Parent organisation', hint: 'Moving it under another ICB moves everything below it too.',
    options: parentOptions(o.level, parents), value: o.parent_id || '' });
  const form = h('form', { novalidate: true, id: 'org-edit-form' },
    input({ id: 'name', label: 'Name', value: o.name, autocomplete: 'organization' }),
    input({ id: 'ods_code', label: 'ODS code', value: o.ods_code, width: 10, autocomplete: 'off', hint: ODS[o.level] ? ODS[o.level][1] : null }),
    (PARENT_LEVELS[o.level] || []).length ? parentGroup : null,
    textarea({ id: 'address', label: 'Address', rows: 3, value: o.address || '', autocomplete: 'street-address' }),
    input({ id: 'postcode', label: 'Postcode', width: 10, value: o.postcode || '', autocomplete: 'postal-code' }),
    input({ id: 'phone', label: 'Phone', type: 'tel', value: o.phone || '', autocomplete: 'tel', width: 20 }),
    input({ id: 'email', label: 'Email address', type: 'email', value: o.email || '', autocomplete: 'email', spellcheck: 'false' }),
    button('Save changes', { id: 'save-org' }));
  const sel = form.querySelector('#parent_id');
  if (sel) sel.value = o.parent_id ? String(o.parent_id) : '';
  const validate = liveValidation(form, summary, {
    name: (x) => (!x.name ? 'Enter the name' : null),
    ods_code: odsRule(o.level),
    parent_id: (x) => ((PARENT_LEVELS[o.level] || []).length && !x.parent_id ? 'Choose the parent organisation' : null),
    postcode: (x) => (x.postcode && !POSTCODE.test(x.postcode) ? 'Enter a full UK postcode, like LS1 4AP' : null),
    email: (x) => (x.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(x.email) ? 'Enter an email address in the correct format, like name@example.com' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const x = formValues(form);
    const body = { name: x.name, ods_code: x.ods_code.toUpperCase(), address: x.address, phone: x.phone, email: x.email };
    if (x.postcode) body.postcode = x.postcode.toUpperCase();
    if (x.parent_id && Number(x.parent_id) !== o.parent_id) body.parent_id = Number(x.parent_id);
    await busy(form, async () => {
      try {
        const saved = await patch(`/organisations/${o.id}`, body);
        flash('Organisation changed', `${saved.name} (${LEVEL_NAME[saved.level]}, ${saved.ods_code}).`);
        navigate(`/admin/organisations/${o.id}`, { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  const reactivate = async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await patch(`/organisations/${o.id}`, { active: true });
      flash('Organisation reactivated', `${o.name} is active again.`);
      navigate(`/admin/organisations/${o.id}`, { replace: true });
    } catch (err) {
      btn.disabled = false;
      showErrorSummary(summary, [{ id: null, text: explain(err) }]);
    }
  };
  page(`Change ${o.name}`, summary, backLink(back, 'Back to the organisations'),
    pageHeading(o.name, `${LEVEL_NAME[o.level] || o.level}, ${o.ods_code}`),
    summaryList([['Status', o.active === false ? 'Inactive' : 'Active']]),
    form,
    h('h2', { class: 'nhsuk-heading-m' }, o.active === false ? 'Reactivate' : 'Deactivate'),
    o.active === false
      ? h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'reactivate-org', onclick: reactivate }, 'Reactivate organisation')
      : p(h('a', { class: 'nhsuk-link', href: `/admin/organisations/${o.id}/deactivate`, id: 'deactivate-org' }, `Deactivate ${o.name}`)));
}, SYSADMIN);

route('/admin/organisations/:id/deactivate', async ({ params }) => {
  const o = await get(`/organisations/${params.id}`);
  const back = `/admin/organisations/${o.id}`;
  if (o.active === false) {
    return page('Already inactive', backLink(back, 'Back'), pageHeading(`${o.name} is already inactive`),
      p(h('a', { class: 'nhsuk-link', href: back }, 'Reactivate it from its page')));
  }
  return confirmPage({
    title: 'Deactivate this organisation',
    caption: `${o.name} (${LEVEL_NAME[o.level] || o.level}, ${o.ods_code})`,
    consequences: [
      `${o.name} is shown as inactive and is no longer offered as the parent of new organisations, nor to pool administrators admitting practices.`,
      'Nothing else changes: its users can still sign in, and its shifts, bookings and pool memberships stay as they are. Deactivate its users, or remove it from a pool, to stop those.',
      'You can reactivate it from its page.',
    ],
    confirmText: 'Deactivate organisation',
    backHref: back,
    action: () => patch(`/organisations/${o.id}`, { active: false }),
    done: () => {
      flash('Organisation deactivated', `${o.name} is inactive.`);
      navigate('/admin/organisations', { replace: true });
    },
  });
}, SYSADMIN);

// Users --------------------------------------------------------------------------------------

const ROLE_LABEL = {
  sysadmin: 'System administrator', commissioner: 'Commissioner', pool_admin: 'Pool administrator',
  practice_manager: 'Practice manager', clinician: 'Clinician',
};

// A user's roles in words, with where (the organisations and pools by name).
function rolesText(u, orgName, poolName) {
  const parts = (u.roles || []).map((r) => {
    const where = r.organisation_id ? orgName.get(r.organisation_id) : r.pool_id ? poolName.get(r.pool_id) : null;
    return `${ROLE_LABEL[r.role] || r.role}${where ? `, ${where}` : ''}`;
  });
  if (u.clinician_id && !(u.roles || []).some((r) => r.role === 'clinician')) parts.push('Clinician');
  return parts.join('; ');
}

route('/admin/users', async ({ query }) => {
  const here = '/admin/users';
  const filters = filterForm({
    id: 'user-search', here, query,
    fields: [
      { id: 'q', label: 'Name or email', hint: 'A part of their name or email address', type: 'search' },
      { id: 'status', label: 'Status', type: 'select', options: [{ value: '', text: 'Active or not' }, { value: 'active', text: 'Active' }, { value: 'inactive', text: 'Deactivated' }] },
      sortField([{ value: '', text: 'Name, A to Z' }, { value: 'email', text: 'Email address' }, { value: 'newest', text: 'Newest first' }]),
    ],
  });
  const v = filters.values;
  const [list, poolsRes] = await Promise.all([
    pagedList({ path: '/users', params: { q: v.q, active: activeParam(v.status), sort: v.sort }, query, here, noun: ['user', 'users'] }),
    get('/pools').catch(() => ({ items: [] })),
  ]);
  const orgs = await orgsById(list.items.flatMap((u) => (u.roles || []).map((r) => r.organisation_id)));
  const pools = poolsRes.items || [];
  const orgName = new Map([...orgs.values()].map((o) => [o.id, o.name]));
  const poolName = new Map(pools.map((x) => [x.id, x.name]));
  const summary = h('div');
  const back = `${here}${window.location.search}`;
  const reactivate = (u) => async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await patch(`/users/${u.id}`, { active: true });
      flash('User reactivated', `${u.name} can sign in again.`);
      navigate(back, { replace: true });
    } catch (err) {
      btn.disabled = false;
      showErrorSummary(summary, [{ id: null, text: explain(err) }]);
    }
  };
  const exportLink = (u) => h('a', { class: 'nhsuk-link', href: `/admin/users/${u.id}/export` },
    'Export data', h('span', { class: 'nhsuk-u-visually-hidden' }, ` of ${u.name}`));
  const cis2Link = (u) => state.oidcSignIn && h('div', { class: 'nhsuk-u-margin-top-3' },
    h('a', { class: 'nhsuk-link', href: `/admin/users/${u.id}/cis2` }, 'NHS CIS2', h('span', { class: 'nhsuk-u-visually-hidden' }, ` identities of ${u.name}`)));
  const rows = list.items.map((u) => [u.name, u.email, rolesText(u, orgName, poolName),
    { text: u.active ? tag('Active', 'confirmed') : u.erased_at ? tag('Erased', 'withdrawn') : tag('Deactivated', 'withdrawn') },
    { text: h('div', {}, state.me && u.id === state.me.id ? 'You'
      // Erased under the retention schedule: only the pseudonym is left, and it is never an account again.
      : u.erased_at ? `Personal data erased on ${longDateOf(ukDate(new Date(u.erased_at)))}`
      : u.active
        ? h('a', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', href: `/admin/users/${u.id}/deactivate` },
          'Deactivate', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${u.name}`))
        : h('button', { class: 'nhsuk-button nhsuk-button--small fp-table-button', type: 'button', onclick: reactivate(u) },
          'Reactivate', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${u.name}`)),
      h('div', { class: 'nhsuk-u-margin-top-3' }, exportLink(u)), cis2Link(u)) }]);

  // The places a new user's role is for: every practice (or ICB), page by page, never cut.
  const choices = { practice: null, icb: null };
  const byLevel = async (level) => {
    if (!choices[level]) choices[level] = await getAll('/organisations', { level, active: 'true' }, Infinity);
    return [{ value: '', text: 'Choose' }, ...choices[level].map((o) => ({ value: o.id, text: `${o.name} (${o.ods_code})` }))];
  };
  const orgGroup = select({ id: 'organisation_id', label: 'Practice', options: await byLevel('practice') });
  const poolGroup = select({ id: 'pool_id', label: 'Pool', options: [{ value: '', text: 'Choose' }, ...pools.map((x) => ({ value: x.id, text: x.name }))] });
  const showWhere = async (role) => {
    orgGroup.hidden = !(role === 'practice_manager' || role === 'commissioner');
    poolGroup.hidden = role !== 'pool_admin';
    if (!orgGroup.hidden) {
      const level = role === 'commissioner' ? 'icb' : 'practice';
      orgGroup.querySelector('label').textContent = role === 'commissioner' ? 'Integrated care board' : 'Practice';
      const sel = orgGroup.querySelector('select');
      sel.replaceChildren(...(await byLevel(level)).map((o) => h('option', { value: o.value }, o.text)));
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
  await showWhere('practice_manager');
  const validate = liveValidation(form, summary, {
    name: (x) => (!x.name ? 'Enter the user\'s full name' : null),
    email: (x) => (!x.email ? 'Enter the user\'s email address' : !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(x.email) ? 'Enter an email address in the correct format, like name@example.com' : null),
    role: (x) => (!x.role ? 'Choose a role' : null),
    organisation_id: (x) => ((x.role === 'practice_manager' || x.role === 'commissioner') && !x.organisation_id
      ? (x.role === 'commissioner' ? 'Choose the integrated care board' : 'Choose the practice') : null),
    pool_id: (x) => (x.role === 'pool_admin' && !x.pool_id ? 'Choose the pool' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    const x = formValues(form);
    const body = { name: x.name, email: x.email, role: x.role };
    if (x.role === 'practice_manager' || x.role === 'commissioner') body.organisation_id = Number(x.organisation_id);
    if (x.role === 'pool_admin') body.pool_id = Number(x.pool_id);
    await busy(form, async () => {
      try {
        const res = await post('/users', body);
        const u = res.user || res;
        // The password is shown here once, and never kept: leaving this page forgets it.
        page('User added', panel('User added', `${u.name}, ${ROLE_LABEL[x.role]}`),
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
    filters.element, list.summary,
    rows.length ? table({ caption: 'Users', captionSize: 's', id: 'users', head: ['Name', 'Email', 'Roles', 'Status', 'Action'], rows })
      : p(filters.active.length ? 'No user matches these filters.' : 'No users yet.'),
    list.nav, form);
}, SYSADMIN);

// Subject access: the person's data as one ZIP (GET /api/v1/users/{id}/export), downloaded once
// the reason is given; the server records it in the audit trail before it answers.
route('/admin/users/:id/export', async ({ params }) => {
  const u = await get(`/users/${params.id}`);
  const back = `/admin/users?q=${encodeURIComponent(u.email)}`;
  const summary = h('div');
  const done = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, id: 'export-form' },
    input({ id: 'reason', label: 'Why you are exporting their data', autocomplete: 'off',
      hint: 'For example the reference of the subject access request you are answering. It is recorded in the audit trail with your name, and in the file.' }),
    button('Download their data (ZIP)', { id: 'export-button' }));
  const bytes = (s) => new TextEncoder().encode(s).length;
  const validate = liveValidation(form, summary, {
    reason: (x) => (!x.reason.trim() ? 'Enter why you are exporting their data'
      : bytes(x.reason.trim()) > 500 ? 'Enter the reason in 500 characters or fewer' : null),
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!validate()) return;
    const reason = formValues(form).reason.trim();
    const a = h('a', { href: `/api/v1/users/${u.id}/export?reason=${encodeURIComponent(reason)}`, download: '' });
    document.body.append(a);
    a.click();
    a.remove();
    done.replaceChildren(insetText(p('The download has started. Send the file to ', u.name, ' securely, for example by NHSmail.')));
  });
  page('Export a user\'s data', summary, backLink(back, 'Back'), pageHeading(`Export ${u.name}'s data`),
    p('Everything flexpool holds about ', u.name, ' (', u.email, ') as one ZIP file: their account, ',
      u.clinician_id ? 'their passport and its documents, their bookings, timesheets, invoices and messages, ' : 'what they recorded, ',
      'and who looked at or changed their records, with a list of what is in it. Secrets such as password hashes are left out.'),
    p('They can download the same themselves from their account page. Use this to answer a request they made another way.'),
    form, done);
}, SYSADMIN);

// The person's identities at NHS CIS2 (docs/OIDC.md): for someone whose CIS2 account holds no
// verified email, or another one, the administrator links their CIS2 subject to their account.
route('/admin/users/:id/cis2', async ({ params }) => {
  const u = await get(`/users/${params.id}`);
  const back = `/admin/users?q=${encodeURIComponent(u.email)}`;
  const here = `/admin/users/${u.id}/cis2`;
  const { items } = await get(`/users/${u.id}/identities`);
  const summary = h('div');
  const unlink = (i) => async (e) => {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await post(`/users/${u.id}/identities/removal`, { subject: i.subject });
      flash('Identity unlinked', `${u.name} can no longer sign in with that NHS CIS2 account.`);
      navigate(here, { replace: true });
    } catch (err) {
      btn.disabled = false;
      showErrorSummary(summary, [{ id: null, text: explain(err) }]);
    }
  };
  const when = (t) => (t ? new Date(t).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' }) : 'Never');
  const rows = items.map((i) => [{ text: h('span', { class: 'fp-code fp-break' }, i.subject) },
    i.linked_by ? 'By an administrator' : 'By their verified email', when(i.last_used_at),
    { text: h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small fp-table-button', type: 'button', onclick: unlink(i) },
      'Unlink', h('span', { class: 'nhsuk-u-visually-hidden' }, ` ${i.subject}`)) }]);
  const form = h('form', { novalidate: true, id: 'cis2-link-form' },
    input({ id: 'subject', label: 'Their NHS CIS2 subject', autocomplete: 'off', spellcheck: 'false',
      hint: 'The identifier NHS CIS2 gives the person (their UUID), as your registration authority sees it. Letters, digits and symbols, no spaces.' }),
    button('Link this identity', { id: 'cis2-link-button' }));
  const validate = liveValidation(form, summary, {
    subject: (x) => (!x.subject.trim() ? 'Enter their NHS CIS2 subject'
      : !/^[\x21-\x7e]{1,255}$/.test(x.subject.trim()) ? 'Enter the subject without spaces, as NHS CIS2 gives it' : null),
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate()) return;
    await busy(form, async () => {
      try {
        await post(`/users/${u.id}/identities`, { subject: formValues(form).subject.trim() });
        flash('Identity linked', `${u.name} can now sign in with that NHS CIS2 account.`);
        navigate(here, { replace: true });
      } catch (err) {
        showApiError(form, summary, err);
      }
    });
  });
  page('NHS CIS2 identities', summary, backLink(back, 'Back'), pageHeading('NHS CIS2 identities', `${u.name}, ${u.email}`),
    p('The NHS Care Identity Service 2 accounts that sign in as ', u.name, '. Linking one never gives them a role: their roles are set in flexpool.'),
    rows.length ? table({ caption: 'Linked identities', captionSize: 's', id: 'cis2-identities', head: ['Subject', 'Linked', 'Last used', 'Action'], rows })
      : p('No NHS CIS2 account is linked yet. One links itself the first time the person signs in, when NHS CIS2 holds their email address as verified and it is the one their flexpool account uses.'),
    h('h2', { class: 'nhsuk-heading-m' }, 'Link an identity'), form);
}, SYSADMIN);

route('/admin/users/:id/deactivate', async ({ params }) => {
  const u = await get(`/users/${params.id}`);
  const back = `/admin/users?q=${encodeURIComponent(u.email)}`;
  if (!u.active) {
    return page('Already deactivated', backLink(back, 'Back'), pageHeading(`${u.name} is already deactivated`),
      p(h('a', { class: 'nhsuk-link', href: back }, 'Back to users')));
  }
  const clinician = !!u.clinician_id;
  return confirmPage({
    title: 'Deactivate this user',
    caption: `${u.name}, ${u.email}`,
    consequences: [
      `${u.name} can no longer sign in, and is signed out everywhere at once.`,
      clinician
        ? 'Their bookings, applications and passport stay as they are: cancel any booking that should not go ahead.'
        : 'The shifts, bookings and decisions they made stay as they are.',
      'Nothing is sent to them. You can reactivate the account later.',
      'If it stays closed, their personal data is erased under the retention schedule: once it has been closed for the years the installation keeps closed accounts (6 unless set otherwise), and never before their invoices have been kept for their own six years. Their bookings and invoices stay, under a pseudonym.',
    ],
    confirmText: 'Deactivate user',
    backHref: back,
    action: () => patch(`/users/${u.id}`, { active: false }),
    done: () => {
      flash('User deactivated', `${u.name} can no longer sign in, and their sessions have ended.`);
      navigate(back, { replace: true });
    },
  });
}, SYSADMIN);
