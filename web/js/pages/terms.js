// Terms of engagement (issue 13): the clinician's own (/terms), which a booking the practice
// approves runs on (an application it accepts, an offer it makes), and a pool's defaults
// (/pool/terms), which every instant booking runs on and an approved one of a clinician who keeps
// none. One form for both (terms.js); each booking keeps a copy of the terms it was made on.

import { get } from '../api.js';
import { flash, navigate, page, rolesOf, route } from '../app.js';
import { longDate } from '../format.js';
import { termsForm, termsSummary } from '../terms.js';
import { h, insetText, link, p, pageHeading } from '../ui.js';
import { poolNav, withPool } from './pool_views.js';

route('/terms', async () => {
  const terms = await get('/me/terms');
  const summary = h('div');
  const form = termsForm({
    terms, path: '/me/terms', summary, id: 'my-terms-form', buttonText: 'Save my terms',
    saved: (t) => {
      flash('Your terms of engagement have been saved', `From now on, a booking a practice approves runs on them: ${termsSummary(t)}`);
      navigate('/terms', { replace: true });
    },
  });
  page('My terms of engagement', summary, pageHeading('My terms of engagement'),
    p('Your own terms apply when a practice approves your booking: when it accepts your application, or when you accept its offer. ',
      'A shift you book instantly runs on the default terms of the practice\'s pool.'),
    h('div', { id: 'terms-now' }, terms.kept
      ? insetText(p(h('strong', {}, 'Your terms'), terms.updated_at ? ` (saved on ${longDate(terms.updated_at)})` : '', ': ', termsSummary(terms)))
      : insetText(p(h('strong', {}, 'You have not set your own terms.'), ' Until you do, all your bookings run on each pool\'s default terms. ',
        'The form starts from the usual terms: ', termsSummary(terms)))),
    p('Each booking keeps the terms it was made on: a change here applies to bookings made from now on, not to those you already have.'),
    form,
    p(link('/invoices', 'Back to my invoices')));
}, { roles: ['clinician'] });

route('/pool/terms', async ({ query }) => {
  const ids = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
  const poolId = ids.find((x) => String(x) === query.get('pool')) || ids[0];
  const suffix = ids.length > 1 ? `pool=${poolId}` : '';
  const here = '/pool/terms';
  const [pool, terms] = await Promise.all([get(`/pools/${poolId}`), get(`/pools/${poolId}/terms`)]);
  const summary = h('div');
  const form = termsForm({
    terms, path: `/pools/${poolId}/terms`, summary, id: 'pool-terms-form', buttonText: 'Save default terms', agreement: true,
    saved: (t) => {
      flash('The default terms have been saved', `Bookings made through ${pool.name} from now on run on them: ${termsSummary(t)}`);
      navigate(withPool(here, suffix), { replace: true });
    },
  });
  page(`Default terms of engagement: ${pool.name}`, summary, pageHeading('Default terms of engagement', pool.name), poolNav(here, suffix),
    p('These terms apply to the bookings made through this pool: every shift a clinician books instantly, ',
      'and every booking a practice approves (an application it accepts, or an offer it makes) of a clinician who has not set terms of their own. ',
      'Practices accept them, with the pool\'s staff-sharing agreement below, when they post a shift.'),
    h('div', { id: 'terms-now' }, terms.kept
      ? insetText(p(h('strong', {}, 'The pool\'s terms now'), terms.updated_at ? ` (saved on ${longDate(terms.updated_at)})` : '', ': ', termsSummary(terms)))
      : insetText(p(h('strong', {}, 'The pool has not set its terms,'), ' so the usual terms apply: ', termsSummary(terms)))),
    p('Each booking keeps the terms it was made on: a change here applies to bookings made from now on.'),
    form);
}, { roles: ['pool_admin'] });
