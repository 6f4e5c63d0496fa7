// Makes web/vendor/nhsuk-frontend.css from the installed nhsuk-frontend package, as npm's
// postinstall step (so `npm ci` in scripts/setup.sh runs it; the browser tests run it too when the
// file is missing). Two changes to the package's own stylesheet:
//   - its @font-face rules are dropped: they load the Frutiger web font from another origin, and the
//     page makes no request to any other origin (the font stack falls back to Arial / the system font);
//   - its icon URLs (/assets/images/...) are pointed at where flexpool serves the package (/nhsuk/...).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(web, '..', 'node_modules', 'nhsuk-frontend', 'dist', 'nhsuk');

export function buildVendor() {
  let css = readFileSync(join(dist, 'nhsuk-frontend.min.css'), 'utf8');
  css = css.replace(/@font-face\s*\{[^}]*\}/g, '');
  css = css.replaceAll('url(/assets/', 'url(/nhsuk/nhsuk/assets/');
  if (/url\(\s*["']?https?:/.test(css)) throw new Error('nhsuk-frontend.css still refers to another origin');
  mkdirSync(join(web, 'vendor'), { recursive: true });
  writeFileSync(join(web, 'vendor', 'nhsuk-frontend.css'), css);
  return join(web, 'vendor', 'nhsuk-frontend.css');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`vendor: wrote ${buildVendor()}`);
}
