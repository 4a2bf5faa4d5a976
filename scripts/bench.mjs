#!/usr/bin/env node
// Runs every benchmark one after another: the package benches (packages/*/bench/*.bench.mjs, against the
// built dist/), then the repository-level ones (bench/*.bench.mjs, e.g. the paper-size bench/scale.bench.mjs).
// Each bench prints its figures and ends with lines `name: value unit (target …)`.
// Usage: pnpm bench [filter]   (filter = substring of the bench path, e.g. `pnpm bench scale`)
import { spawn } from 'node:child_process';
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
if (existsSync('bench'))
  for (const f of readdirSync('bench').sort()) if (f.endsWith('.bench.mjs')) benches.push(join('bench', f));
const selected = benches.filter((b) => b.includes(filter));
if (selected.length === 0) {
  console.error(`no benchmark matches "${filter}"`);
  process.exit(1);
}
const summary = [];
let failed = 0;
// Output is streamed as it comes (the long benches print their progress) and scanned for summary lines.
function run(bench) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bench], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    const scan = (text) => {
      for (const line of text.split('\n')) if (/^[\w.\-/ ]+: .*\(target .*\)\s*$/.test(line)) summary.push(line);
    };
    child.stdout.setEncoding('utf8').on('data', (d) => {
      process.stdout.write(d);
      const text = pending + d;
      const cut = text.lastIndexOf('\n');
      scan(text.slice(0, cut + 1));
      pending = text.slice(cut + 1);
    });
    child.on('error', (e) => {
      console.error(`bench ${bench} could not start: ${e.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      scan(pending);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
for (const b of selected) {
  console.log(`\n=== ${b}`);
  const status = await run(b);
  if (status !== 0) {
    failed++;
    console.error(`bench ${b} exited with ${status}`);
  }
}
console.log('\n=== summary');
for (const line of summary) console.log(line);
process.exit(failed ? 1 : 0);
