// main.js - the entry point: every page registers its routes, then the app starts.
import './pages/public.js';
import './pages/clinician.js';
import './pages/practice.js';
import './pages/pool.js';
import './pages/overview.js';
import './pages/passport.js';
import './pages/admin.js';
import { start } from './app.js';

start();
