// `mmre metrics` end to end: 10,000 deterministic (seeded) summary-like pairs written to a temporary
// JSONL file, then `node packages/cli/bin/mmre.js metrics --input FILE > /dev/null` as a child process:
// process start, reading, every field (ROUGE with and without stemmer, four sacreBLEU smoothings,
// four NLTK variants) and writing. Wall time of the median of a few runs.
// Target: under 3 s including process start (the requirement).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summaryLikePairs } from '@mmre/core/testing';

const N_PAIRS = 10_000;
const RUNS = 3;
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'mmre.js');

function makeJsonl() {
  const lines = summaryLikePairs(N_PAIRS, 7_130_817, { minWords: 40, maxWords: 60 }).map(([prediction, reference], k) =>
    JSON.stringify({ id: `bench-${k}`, prediction, reference }),
  );
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'mmre-metrics-bench-'));
try {
  const file = join(dir, 'pairs.jsonl');
  writeFileSync(file, makeJsonl());
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const devnull = openSync('/dev/null', 'w');
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, 'metrics', '--input', file], {
      stdio: ['ignore', devnull, 'pipe'],
      encoding: 'utf8',
    });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    closeSync(devnull);
    if (r.status !== 0) {
      console.error(r.stderr);
      throw new Error(`mmre metrics exited with ${r.status}`);
    }
    times.push(secs);
    console.log(`run ${run + 1}: ${secs.toFixed(2)} s`);
  }
  // Per-line output size, for information.
  const sample = spawnSync(process.execPath, [bin, 'metrics', '--input', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  console.log(
    `${N_PAIRS} pairs → ${sample.stdout.split('\n').filter(Boolean).length} lines, ${(sample.stdout.length / 1e6).toFixed(1)} MB`,
  );
  times.sort((a, b) => a - b);
  console.log(`mmre-metrics.10k: ${times[Math.floor(RUNS / 2)].toFixed(2)} s (target < 3 s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
