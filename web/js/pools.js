// The pools a person reads figures of: those they administer and those of their ICBs (the
// commissioner role's organisation is its ICB), in the API's order. One function for every page
// that offers a choice of pool (capacity, funding), so that none lists another ICB's pools.

import { get, getAll } from './api.js';
import { rolesOf } from './app.js';

export async function readablePools() {
  const own = rolesOf('pool_admin').map((r) => r.pool_id).filter(Boolean);
  const icbs = rolesOf('commissioner').map((r) => r.organisation_id).filter(Boolean);
  if (!icbs.length) return Promise.all(own.map((id) => get(`/pools/${id}`)));
  const all = await getAll('/pools', {}, 1000);
  return all.filter((x) => own.includes(x.id) || (x.icb_id && icbs.includes(x.icb_id)));
}
