// Runs `redocly lint` (the @redocly/cli 2.x recommended rules) on docs/openapi.yaml and fails on
// any problem, warnings included (issue 9, item 13). Offline: telemetry and the update check are
// off, and the CLI is the one installed from package-lock.json. First, the document must read the
// same to a YAML 1.1 parser as to a YAML 1.2 one (unquoted `on`, `yes`, `no`, `off` are booleans
// in 1.1: a parameter named on would be named true).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = readFileSync(join(root, 'docs', 'openapi.yaml'), 'utf8');
let v11, v12;
try {
  v11 = YAML.parse(source, { version: '1.1' });
  v12 = YAML.parse(source, { version: '1.2' });
} catch (e) {
  console.error(`docs/openapi.yaml is not valid YAML: ${e.message}`);
  process.exit(1);
}
if (!isDeepStrictEqual(v11, v12)) {
  const lines = source.split('\n').filter((l) => /(^|[\s{,\[])(on|off|yes|no|y|n)\s*[:,}\]]/i.test(l));
  console.error(`docs/openapi.yaml reads differently in YAML 1.1 and 1.2; quote the words 1.1 takes for booleans:\n${lines.join('\n')}`);
  process.exit(1);
}
const cli = join(root, 'node_modules', '.bin', 'redocly');
const run = spawnSync(cli, ['lint', join(root, 'docs', 'openapi.yaml'), '--format=json'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' },
});
if (run.error) { console.error(`cannot run ${cli}: ${run.error.message} (npm ci installs it)`); process.exit(1); }
let report;
try {
  report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
} catch {
  console.error(`redocly lint gave no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  process.exit(1);
}
for (const p of report.problems) console.error(`${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`);
if (report.problems.length || run.status !== 0) {
  console.error(`docs/openapi.yaml: ${report.problems.length} problem(s); every error and warning must go`);
  process.exit(1);
}
console.log('docs/openapi.yaml: redocly lint (recommended): no errors, no warnings');
