#!/usr/bin/env node
// Runs every package benchmark (packages/*/bench/*.bench.mjs, against the built dist/) one after another.
// Each bench prints its figures and ends with lines `name: value unit (target …)`.
// Usage: pnpm bench [filter]   (filter = substring of the bench path)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

process.env.PROMPTFOO_DISABLE_TELEMETRY = '1';
process.env.PROMPTFOO_DISABLE_UPDATE = '1';
process.env.TURBO_TELEMETRY_DISABLED = '1';

const filter = process.argv[2] ?? '';
const benches = [];
for (const pkg of readdirSync('packages').sort()) {
  const dir = join('packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.bench.mjs')) benches.push(join(dir, f));
}
const selected = benches.filter((b) => b.includes(filter));
if (selected.length === 0) {
  console.error(`no benchmark matches "${filter}"`);
  process.exit(1);
}
const summary = [];
let failed = 0;
for (const b of selected) {
  console.log(`\n=== ${b}`);
  const r = spawnSync(process.execPath, [b], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(r.stdout);
  for (const line of r.stdout.split('\n')) if (/^[\w.\-/ ]+: .*\(target .*\)\s*$/.test(line)) summary.push(line);
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${b} exited with ${r.status}`);
  }
}
console.log('\n=== summary');
for (const line of summary) console.log(line);
process.exit(failed ? 1 : 0);
