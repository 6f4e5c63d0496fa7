// main.js - the entry point: the public pages (sign-in, registration, the account) register their
// routes now; each role's pages are loaded (dynamic import) only when someone with that role is
// signed in, so the sign-in page downloads none of them. Then the app starts.
import './pages/public.js';
import { start } from './app.js';

const rolePages = {
  clinician: ['clinician', 'offers', 'passport', 'availability', 'alerts', 'calendar_feed', 'profile', 'messages', 'timesheets', 'invoices', 'terms', 'pension'],
  practice_manager: ['practice', 'practice_bookings', 'cover', 'passport', 'overview', 'calendar_feed', 'messages', 'webhooks', 'timesheets', 'invoices', 'audit'],
  pool_admin: ['pool', 'passport', 'overview', 'capacity', 'webhooks', 'timesheets', 'invoices', 'terms', 'rate_policy', 'rate_approval', 'funding', 'audit'],
  commissioner: ['overview', 'capacity', 'funding', 'reports', 'audit'],
  sysadmin: ['admin', 'fhir_clients', 'passport', 'overview', 'reports', 'audit'],
};

start(rolePages, (name) => import(`./pages/${name}.js`));
