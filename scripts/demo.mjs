#!/usr/bin/env node
// The offline demo (`pnpm demo`, after `turbo run build`): runs configs/mmre-compare.yaml on
// datasets/mmre-sample with the offline baseline provider through promptfoo, prints the report table
// and writes the HTML report. Nothing touches the network. The baseline answers through promptfoo's
// response cache (as every mmre provider does), kept in out/demo/cache, so a second run is served from
// it: the script counts the rows promptfoo marks `response.cached` and says so.
//
// Options (env): MMRE_LIMIT / MMRE_SPLIT / MMRE_DATASET (samples), MMRE_DEMO_OUT (output folder,
// default out/demo), MMRE_BOOTSTRAP (default 10000).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const started = performance.now();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.env.MMRE_DEMO_OUT ?? join(root, 'out', 'demo'));
mkdirSync(out, { recursive: true });

const env = {
  ...process.env,
  PROMPTFOO_DISABLE_TELEMETRY: '1',
  PROMPTFOO_DISABLE_UPDATE: '1',
  PROMPTFOO_DISABLE_SHARING: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  // promptfoo 0.123 posts a "telemetry disabled" event to r.promptfoo.app even with telemetry off; its
  // HTTP client honours the proxy variables, so a closed local port keeps the demo fully offline.
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  NO_PROXY: '127.0.0.1,localhost,::1',
  // promptfoo's database, logs and cache stay inside the output folder.
  PROMPTFOO_CONFIG_DIR: process.env.PROMPTFOO_CONFIG_DIR ?? join(out, '.promptfoo'),
  PROMPTFOO_CACHE_PATH: process.env.PROMPTFOO_CACHE_PATH ?? join(out, 'cache'),
  PROMPTFOO_CACHE_TYPE: 'disk',
};
delete env.NODE_ENV;

const results = join(out, 'results.json');
const html = join(out, 'report.html');
const promptfoo = join(root, 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js');
const mmre = join(root, 'packages', 'cli', 'bin', 'mmre.js');
const seconds = (t) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

console.log(`mmre demo: promptfoo eval of configs/mmre-compare.yaml on datasets/mmre-sample with the offline baseline`);
const evalStart = performance.now();
const pf = spawnSync(
  process.execPath,
  [
    promptfoo,
    'eval',
    '-c',
    join(root, 'configs', 'mmre-compare.yaml'),
    '-c',
    join(root, 'configs', 'providers', 'baseline.yaml'),
    '-o',
    results,
    '--no-progress-bar',
    '--no-table',
  ],
  { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
);
// promptfoo exits 100 when an assertion failed (a threshold), which is not an error here.
if (pf.status !== 0 && pf.status !== 100) {
  process.stderr.write(pf.stdout + pf.stderr);
  console.error(`mmre demo: promptfoo eval failed (exit ${pf.status})`);
  process.exit(1);
}
const evalTime = seconds(evalStart);

const data = JSON.parse(readFileSync(results, 'utf8'));
const rows = data.results.results;
const cached = rows.filter((r) => r.response?.cached === true).length;
const errors = rows.filter((r) => r.error).length;

const reportStart = performance.now();
const rep = spawnSync(
  process.execPath,
  [mmre, 'report', results, '--html', html, '--bootstrap', process.env.MMRE_BOOTSTRAP ?? '10000', '--seed', '1'],
  { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
);
if (rep.status !== 0) {
  process.stderr.write(rep.stdout + rep.stderr);
  console.error(`mmre demo: mmre report failed (exit ${rep.status})`);
  process.exit(1);
}
process.stdout.write(`\n${rep.stdout}\n`);
const warnings = rep.stderr
  .split('\n')
  .filter((l) => l.startsWith('warning:'))
  .join('\n');
if (warnings) console.log(warnings);

const rel = (p) => relative(process.cwd(), p) || '.';
console.log(`promptfoo eval: ${rows.length} rows (${errors} errors) in ${evalTime}, results in ${rel(results)}`);
const cacheOff = !['', '1', 'true', 'yes', 'yup', 'yeppers'].includes(
  (env.PROMPTFOO_CACHE_ENABLED ?? '').toLowerCase(),
);
console.log(
  cacheOff
    ? `promptfoo cache: off (PROMPTFOO_CACHE_ENABLED=${env.PROMPTFOO_CACHE_ENABLED}): every answer was computed`
    : cached === rows.length
      ? `promptfoo cache: all ${cached} of ${rows.length} answers came from promptfoo's cache (${rel(env.PROMPTFOO_CACHE_PATH)}): this is a repeat run`
      : `promptfoo cache: ${cached} of ${rows.length} answers from the cache; run \`pnpm demo\` again and all ${rows.length} will be`,
);
console.log(`mmre report: ${seconds(reportStart)}`);
console.log(`HTML report: ${html}`);
console.log(`demo total: ${seconds(started)} (after the build)`);
